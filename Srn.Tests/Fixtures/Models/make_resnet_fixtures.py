"""ResNet parity fixtures: torchvision ResNet-50 and ResNet-101 checkpoints written by torch.save, and what PyTorch
computes with them.

Run from the repository root with Debian's Python (torch 1.13, torchvision 0.14, brotli):
    /usr/bin/python3 Srn.Tests/Fixtures/Models/make_resnet_fixtures.py

Full random weights would make 100-180 MB files. Instead every floating tensor of the state dict gets a periodic
pattern (period 251, a prime, so transposed or permuted weights still read differently) with the tensor's own mean
and spread; the checkpoint is written by torch.save exactly as torchvision's are, and stored Brotli-compressed
(<name>.pth.br, a few hundred KB). The test decompresses it and loads the .pth with TorchCheckpoint.

For each model, <name>.safetensors holds:
  (input: torch.randn(2, 3, 224, 224) then upstream: torch.randn(2, 1000), right after torch.manual_seed(2); the
   test draws the same tensors from the same libtorch generator instead of storing 1.2 MB)
  eval_logits      logits in eval mode
  train_logits     logits in train mode (batch statistics)
  grad_norm        [P] 2-norm of the gradient of each parameter, in named_parameters order
  grad_projection  [P] sum(grad * r_i) in float64, r_i = torch.randn(shape) right after torch.manual_seed(1000 + i)
  running_mean_projection  [B] the same projection of each BN running mean after the train-mode pass
metadata "parameters": the parameter names, comma-separated.
"""
import io
import os
import sys

import brotli
import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fixturelib import save_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PERIOD = 251


def periodic_state_dict(model, seed):
    gen = torch.Generator().manual_seed(seed)
    out = {}
    for name, value in model.state_dict().items():
        if not value.is_floating_point():
            out[name] = value.clone()
            continue
        base = torch.randn(PERIOD, generator=gen)
        flat = base.repeat((value.numel() + PERIOD - 1) // PERIOD)[: value.numel()]
        spread = value.float().std().item() if value.numel() > 1 else 0.0
        if name.endswith("running_var"):
            pattern = 1.0 + 0.2 * flat.abs()
        elif spread > 0:
            pattern = value.mean().item() + spread * flat
        else:
            pattern = value.flatten()[0].item() + 0.1 * flat
        out[name] = pattern.reshape(value.shape).to(value.dtype)
    return out


def make(name):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)()
    model.load_state_dict(periodic_state_dict(model, seed=1))
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    raw = buffer.getvalue()
    with open(os.path.join(HERE, f"{name}.pth.br"), "wb") as f:
        f.write(brotli.compress(raw, quality=9, lgwin=24))

    torch.manual_seed(2)
    x = torch.randn(2, 3, 224, 224)
    upstream = torch.randn(2, 1000)
    model.eval()
    with torch.no_grad():
        eval_logits = model(x)
    model.train()
    train_logits = model(x)
    (train_logits * upstream).sum().backward()

    names, norms, projections = [], [], []
    for i, (pname, p) in enumerate(model.named_parameters()):
        torch.manual_seed(1000 + i)
        r = torch.randn(p.shape)
        names.append(pname)
        norms.append(p.grad.double().norm().item())
        projections.append((p.grad.double() * r.double()).sum().item())
    bn_projections = []
    for j, (bname, b) in enumerate((n, b) for n, b in model.named_buffers() if n.endswith("running_mean")):
        torch.manual_seed(5000 + j)
        r = torch.randn(b.shape)
        bn_projections.append((b.double() * r.double()).sum().item())

    save_safetensors(os.path.join(HERE, f"{name}.safetensors"), {
        "eval_logits": eval_logits,
        "train_logits": train_logits.detach(),
        "grad_norm": torch.tensor(norms, dtype=torch.float64),
        "grad_projection": torch.tensor(projections, dtype=torch.float64),
        "running_mean_projection": torch.tensor(bn_projections, dtype=torch.float64),
    }, {"parameters": ",".join(names), "torch": torch.__version__, "torchvision": torchvision.__version__})
    print(f"{name}: {len(raw) / 1e6:.1f} MB .pth, {os.path.getsize(os.path.join(HERE, name + '.pth.br')) / 1e3:.0f} KB compressed")


def init_fixture():
    """torchvision's initialisation under a seed, for checking that ResNet draws the same weights."""
    torch.manual_seed(123)
    model = torchvision.models.resnet18(num_classes=7)
    sd = model.state_dict()
    picks = ["conv1.weight", "layer2.0.downsample.0.weight", "fc.weight", "fc.bias"]
    tensors = {k: sd[k] for k in picks}
    # Every floating entry, compactly: its sum and sum of squares (float64), in state-dict order.
    floats = [(k, v.double()) for k, v in sd.items() if v.is_floating_point()]
    tensors["sums"] = torch.tensor([v.sum().item() for _, v in floats], dtype=torch.float64)
    tensors["sums_of_squares"] = torch.tensor([(v * v).sum().item() for _, v in floats], dtype=torch.float64)
    save_safetensors(os.path.join(HERE, "resnet18_init.safetensors"), tensors,
                     {"names": ",".join(sd.keys()), "float_names": ",".join(k for k, _ in floats)})


if __name__ == "__main__":
    init_fixture()
    for n in sys.argv[1:] or ["resnet50", "resnet101"]:
        make(n)
