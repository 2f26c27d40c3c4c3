"""Shared helpers for Srn's golden-fixture scripts (run with Debian's /usr/bin/python3, which has torch).

A fixture file is a safetensors file of *cases*. For a case named NAME it holds
  NAME/in0, NAME/in1, ...     the inputs (tensors) the op receives, in order
  NAME/out0, NAME/out1, ...   the outputs
  NAME/gout0, ...             for differentiable cases: the upstream gradient fed to each float output
  NAME/grad0, ...             the resulting gradient of each input that requires grad (missing otherwise)
The C# side (Srn.Tests/Fixtures/ParityFixture.cs) replays each case with the same op and compares.
No safetensors package is needed: the writer below implements the format directly.
"""
import json
import struct

import torch

_DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}


def save_safetensors(path, tensors, metadata=None):
    """Writes a dict name -> tensor in the safetensors format (8-byte aligned header)."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        raw = t.view(torch.uint8).numpy().tobytes() if t.numel() > 0 and t.dim() > 0 else t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() > 0 else b""
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


class Cases:
    """Collects cases; `save` writes them all to one fixture file."""

    def __init__(self, seed=0):
        self.tensors = {}
        self.names = []
        torch.manual_seed(seed)
        self._gen = torch.Generator().manual_seed(seed + 1)

    def randn(self, *shape, dtype=torch.float32):
        return torch.randn(*shape, generator=self._gen, dtype=dtype)

    def rand(self, *shape, dtype=torch.float32):
        return torch.rand(*shape, generator=self._gen, dtype=dtype)

    def randint(self, low, high, *shape):
        return torch.randint(low, high, shape, generator=self._gen)

    def add(self, name, fn, *inputs, grad=True):
        """Records fn(*inputs). Float inputs get requires_grad when grad is True; integer and bool
        inputs never do. fn may return a tensor or a tuple/list of tensors."""
        if name in self.names:
            raise ValueError(f"duplicate case {name}")
        ins = []
        for x in inputs:
            x = x.detach().clone()
            if grad and x.is_floating_point():
                x.requires_grad_(True)
            ins.append(x)
        out = fn(*ins)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        for i, x in enumerate(ins):
            self.tensors[f"{name}/in{i}"] = x.detach()
        for j, o in enumerate(outs):
            self.tensors[f"{name}/out{j}"] = o.detach()
        if grad:
            diff = [(j, o) for j, o in enumerate(outs) if o.requires_grad]
            if not diff:
                raise ValueError(f"case {name}: grad=True but no output requires grad")
            gouts = []
            for j, o in diff:
                g = torch.randn(o.shape, generator=self._gen, dtype=o.dtype)
                self.tensors[f"{name}/gout{j}"] = g
                gouts.append(g)
            grads = torch.autograd.grad([o for _, o in diff], [x for x in ins if x.requires_grad], gouts,
                                        allow_unused=True)
            k = 0
            for i, x in enumerate(ins):
                if x.requires_grad:
                    g = grads[k]
                    k += 1
                    self.tensors[f"{name}/grad{i}"] = torch.zeros_like(x) if g is None else g.detach()
        self.names.append(name)

    def save(self, path):
        save_safetensors(path, self.tensors, {"cases": ",".join(self.names), "torch": torch.__version__})
        print(f"{path}: {len(self.names)} cases, {len(self.tensors)} tensors")
