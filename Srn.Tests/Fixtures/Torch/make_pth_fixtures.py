"""Fixtures for Srn.Torch's .pth checkpoint reader (Srn.Tests/Torch/PthCheckpointTests.cs).

Run with Debian's python (which has torch):  /usr/bin/python3 make_pth_fixtures.py
Writes into pth/ beside this script:
  state.pth              a state dict of every dtype and layout, torch.save's zip format (protocol 2)
  state_legacy.pth       the same state dict in the legacy format (_use_new_zipfile_serialization=False)
  state_proto4.pth       the same state dict, zip format, pickle protocol 4 (FRAME, MEMOIZE, STACK_GLOBAL...)
  model.pth              the state dict of a small Conv2d+BatchNorm2d+Linear model (zip)
  model_legacy.pth       the same, legacy format (the layout of torchvision's older ImageNet checkpoints)
  nested.pth             {"model": model state dict, "epoch": 3, "lr": 0.1, "arch": "tiny"} (zip)
  nested_legacy.pth      the same, legacy format
  old_views.pth          legacy format as torch < 0.4 wrote it: torch._utils._rebuild_tensor (v1) and
                         storages that are views (offset, size) of a larger root storage; written by hand
  evil_global.pth        zip whose data.pkl calls os.system (bytes written by hand; nothing is executed)
  custom_class.pth       legacy checkpoint holding an instance of a class of this script (__main__.TrainConfig)
  expected.safetensors   the expected tensors: state/<key>, model/<key>, old/<key>, in file order
Every tensor is small: the folder stays far below 1 MB.
"""
import collections
import io
import os
import pickle
import struct
import sys
import zipfile

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from fixturelib import save_safetensors  # noqa: E402

OUT = os.path.join(HERE, "pth")


def state_dict():
    """Every dtype, a Parameter, int64 buffers, non-contiguous tensors, views sharing storage, empty and 0-dim."""
    g = torch.Generator().manual_seed(7)
    sd = collections.OrderedDict()
    sd["f32"] = torch.randn(2, 3, generator=g)
    sd["f64"] = torch.randn(3, generator=g, dtype=torch.float64)
    sd["f16"] = torch.randn(2, 2, generator=g).half()
    sd["bf16"] = torch.randn(3, generator=g).bfloat16()
    sd["i64"] = torch.tensor([-(2 ** 62), 0, 7, 2 ** 40], dtype=torch.int64)
    sd["i32"] = torch.tensor([-(2 ** 31), 5, 2 ** 31 - 1], dtype=torch.int32)
    sd["i16"] = torch.tensor([-300, 12], dtype=torch.int16)
    sd["i8"] = torch.tensor([-128, 127, 3], dtype=torch.int8)
    sd["u8"] = torch.tensor([0, 255, 9], dtype=torch.uint8)
    sd["bool"] = torch.tensor([True, False, True])
    sd["bn.num_batches_tracked"] = torch.tensor(12, dtype=torch.int64)
    sd["param"] = nn.Parameter(torch.randn(2, 2, generator=g))
    sd["transposed"] = torch.randn(3, 4, generator=g).t()
    base = torch.arange(24, dtype=torch.float32)
    sd["view_offset"] = base[5:11]                     # offset 5 into a 24-element storage
    sd["view_strided"] = base.view(4, 6)[1:, ::2]      # offset 6, strides (6, 2); same storage
    sd["expanded"] = torch.randn(3, 1, generator=g).expand(3, 4)  # stride 0
    half_base = torch.randn(10, generator=g).half()
    sd["f16_offset"] = half_base[3:7]
    sd["i64_transposed"] = torch.arange(6).view(2, 3).t()
    sd["empty"] = torch.zeros(0, 3)
    sd["scalar"] = torch.tensor(2.5)
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    assert sd["view_offset"].storage().data_ptr() == sd["view_strided"].storage().data_ptr()
    assert not sd["transposed"].is_contiguous() and not sd["view_strided"].is_contiguous()
    return sd


def model_state_dict():
    torch.manual_seed(3)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 4 * 4, 5))
    model.train()
    with torch.no_grad():
        model(torch.randn(2, 3, 6, 6))  # moves BatchNorm's running statistics and num_batches_tracked
    return model.state_dict()


class FakeStorage:
    """Stands for a storage in a hand-written legacy pickle: persistent_id turns it into torch's tuple."""

    def __init__(self, root_key, root_numel, view=None):
        self.root_key, self.root_numel, self.view = root_key, root_numel, view


class FakeTensor:
    """Pickles as torch._utils._rebuild_tensor(storage, offset, size, stride), as torch < 0.4 did."""

    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce__(self):
        return torch._utils._rebuild_tensor, (self.storage, self.offset, self.size, self.stride)


class LegacyPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, FakeStorage):
            return ("storage", torch.FloatStorage, obj.root_key, "cpu", obj.root_numel, obj.view)
        return None


def write_old_views(path):
    """A legacy file with storage views: two views of one 20-element root storage."""
    root = torch.arange(20, dtype=torch.float32) * 0.5 - 3
    a = FakeStorage("140001", 20, ("140002", 4, 10))   # elements 4..13 of the root
    b = FakeStorage("140001", 20, ("140003", 12, 8))   # elements 12..19 of the root
    whole = FakeStorage("140001", 20)
    obj = collections.OrderedDict()
    obj["a_matrix"] = FakeTensor(a, 1, (3, 3), (3, 1))       # root[5:14] as 3x3
    obj["b_strided"] = FakeTensor(b, 0, (4,), (2,))          # root[12], root[14], root[16], root[18]
    obj["whole_t"] = FakeTensor(whole, 0, (5, 4), (1, 5))    # root as 4x5, transposed
    expected = collections.OrderedDict()
    expected["a_matrix"] = root[5:14].view(3, 3)
    expected["b_strided"] = root[12:20:2]
    expected["whole_t"] = root.view(4, 5).t().contiguous()
    buf = io.BytesIO()
    for header in (0x1950A86A20F9469CFC6C, 1001, {"protocol_version": 1001, "little_endian": True,
                                                  "type_sizes": {"short": 2, "int": 4, "long": 8}}):
        pickle.dump(header, buf, protocol=2)
    LegacyPickler(buf, protocol=2).dump(obj)
    pickle.dump(["140001"], buf, protocol=2)
    buf.write(struct.pack("<q", root.numel()))
    buf.write(root.numpy().tobytes())
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    loaded = torch.load(path)  # torch itself agrees with the expected tensors
    for k, v in expected.items():
        assert torch.equal(loaded[k], v), k
    return expected


def write_evil_global(path):
    """data.pkl = os.system('echo pwned'): GLOBAL 'os system', a 1-tuple, REDUCE. Only bytes; never loaded here."""
    arg = b"echo pwned"
    pkl = b"\x80\x02cos\nsystem\nq\x00X" + struct.pack("<I", len(arg)) + arg + b"q\x01\x85q\x02Rq\x03."
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("evil_global/data.pkl", pkl)
        z.writestr("evil_global/version", "3\n")


class TrainConfig:
    def __init__(self):
        self.lr = 0.1


def main():
    os.makedirs(OUT, exist_ok=True)
    sd = state_dict()
    torch.save(sd, os.path.join(OUT, "state.pth"))
    torch.save(sd, os.path.join(OUT, "state_legacy.pth"), _use_new_zipfile_serialization=False)
    torch.save(sd, os.path.join(OUT, "state_proto4.pth"), pickle_protocol=4)
    msd = model_state_dict()
    torch.save(msd, os.path.join(OUT, "model.pth"))
    torch.save(msd, os.path.join(OUT, "model_legacy.pth"), _use_new_zipfile_serialization=False)
    nested = {"model": msd, "epoch": 3, "lr": 0.1, "arch": "tiny"}
    torch.save(nested, os.path.join(OUT, "nested.pth"))
    torch.save(nested, os.path.join(OUT, "nested_legacy.pth"), _use_new_zipfile_serialization=False)
    old = write_old_views(os.path.join(OUT, "old_views.pth"))
    write_evil_global(os.path.join(OUT, "evil_global.pth"))
    torch.save({"w": torch.ones(2), "cfg": TrainConfig()}, os.path.join(OUT, "custom_class.pth"),
               _use_new_zipfile_serialization=False)

    # Sanity: torch reads every regular file back as saved.
    for name in ("state.pth", "state_legacy.pth", "state_proto4.pth"):
        back = torch.load(os.path.join(OUT, name))
        assert list(back) == list(sd), name
        for k in sd:
            assert back[k].dtype == sd[k].dtype and torch.equal(back[k], sd[k]), (name, k)

    expected = collections.OrderedDict()
    for prefix, tensors in (("state", sd), ("model", msd), ("old", old)):
        for k, v in tensors.items():
            expected[f"{prefix}/{k}"] = v
    save_safetensors(os.path.join(OUT, "expected.safetensors"), expected, {"torch": torch.__version__})
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"{OUT}: {len(os.listdir(OUT))} files, {total} bytes, {len(expected)} expected tensors")


if __name__ == "__main__":
    main()
