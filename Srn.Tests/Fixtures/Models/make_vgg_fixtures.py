"""VGG fixtures: torchvision's VGG16 (keys, shapes, initialisation) and a width-reduced VGG16 checkpoint with what
PyTorch computes with it (Srn.Tests/Models/VggTests.cs).

Run from the repository root with Debian's Python (torch 1.13, torchvision 0.14, brotli):
    /usr/bin/python3 Srn.Tests/Fixtures/Models/make_vgg_fixtures.py

vgg16_init.safetensors  torchvision.models.vgg16() right after torch.manual_seed(123), as Srn's registry "vgg16"
                        must build it: "shapes" [P, 4] (each state-dict entry's shape, padded with -1), "sums" and
                        "sums_of_squares" (float64, every entry), and three small tensors in full
                        (features.0.weight, features.28.bias, classifier.6.bias); metadata "names": the state-dict
                        keys in order (the full vgg16-397923af.pth key list).
vgg_small.pth.br        torch.save of the state dict of torchvision's VGG class built like Srn's "vgg-small" (cfg D
                        with every width / 8, classifier 256 wide, 10 classes), weights set to a periodic pattern
                        (period 251) with each tensor's mean and spread, Brotli-compressed.
vgg_small_wrapped.pth.br the same weights as the reference code saves a whole network: nn.DataParallel around a
                        module whose child "backbone" is the VGG, saved as {'epoch': 7, 'state_dict': ...,
                        'best_mAP': 71.25} (HCP-MLR-PL's save_checkpoint): keys module.backbone.features.0.weight, ...,
                        plus module.head.weight / module.head.bias.
vgg_small.safetensors   input x = torch.randn(2, 3, 112, 112), upstream = torch.randn(2, 10) right after
                        torch.manual_seed(2) (the test draws the same from the same generator); eval_logits,
                        region_map (features[:30](x), the stride-16 conv5_3 map), train_logits after
                        torch.manual_seed(3) (dropout masks from the global generator), grad_norm and grad_projection
                        of every parameter as in make_resnet_fixtures.py. Metadata "parameters".
"""
import collections
import io
import os
import sys

import brotli
import torch
import torchvision
from torch import nn
from torchvision.models.vgg import VGG, cfgs, make_layers

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fixturelib import save_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PERIOD = 251


def periodic_state_dict(model, seed):
    gen = torch.Generator().manual_seed(seed)
    out = collections.OrderedDict()
    for name, value in model.state_dict().items():
        base = torch.randn(PERIOD, generator=gen)
        flat = base.repeat((value.numel() + PERIOD - 1) // PERIOD)[: value.numel()]
        spread = value.float().std().item() if value.numel() > 1 else 0.0
        if spread > 0:
            pattern = value.mean().item() + spread * flat
        else:
            pattern = 0.05 * flat  # zero-initialised biases: small values of both signs
        out[name] = pattern.reshape(value.shape).to(value.dtype)
    return out


def vgg_small(num_classes):
    """torchvision's VGG with cfg D / 8 and a 256-wide classifier, initialised as VGG.__init__ does."""
    cfg = [v if v == "M" else v // 8 for v in cfgs["D"]]
    model = VGG(make_layers(cfg), num_classes=num_classes, init_weights=False)
    model.classifier = nn.Sequential(
        nn.Linear(64 * 7 * 7, 256), nn.ReLU(True), nn.Dropout(0.5),
        nn.Linear(256, 256), nn.ReLU(True), nn.Dropout(0.5),
        nn.Linear(256, num_classes))
    return model


def compressed_save(obj, path):
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    raw = buffer.getvalue()
    with open(path, "wb") as f:
        f.write(brotli.compress(raw, quality=9, lgwin=24))
    return len(raw)


def init_fixture():
    torch.manual_seed(123)
    model = torchvision.models.vgg16()
    sd = model.state_dict()
    shapes = torch.full((len(sd), 4), -1, dtype=torch.int64)
    for i, v in enumerate(sd.values()):
        shapes[i, : v.dim()] = torch.tensor(v.shape)
    tensors = {
        "shapes": shapes,
        "sums": torch.tensor([v.double().sum().item() for v in sd.values()], dtype=torch.float64),
        "sums_of_squares": torch.tensor([(v.double() ** 2).sum().item() for v in sd.values()], dtype=torch.float64),
        "features.0.weight": sd["features.0.weight"],
        "features.28.bias": sd["features.28.bias"],
        "classifier.6.bias": sd["classifier.6.bias"],
    }
    save_safetensors(os.path.join(HERE, "vgg16_init.safetensors"), tensors,
                     {"names": ",".join(sd.keys()), "torchvision": torchvision.__version__})
    print(f"vgg16: {len(sd)} entries, {sum(v.numel() for v in sd.values())} parameters")


class Network(nn.Module):
    """A whole network as the reference saves it: the backbone as a child named "backbone", and a head."""

    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(3, 2)


def small_fixture():
    torch.manual_seed(0)
    model = vgg_small(10)
    model.load_state_dict(periodic_state_dict(model, seed=1))
    raw = compressed_save(model.state_dict(), os.path.join(HERE, "vgg_small.pth.br"))
    wrapped = nn.DataParallel(Network(model))  # DataParallel on the CPU only wraps: keys get "module."
    compressed_save({"epoch": 7, "state_dict": wrapped.state_dict(), "best_mAP": 71.25}, os.path.join(HERE, "vgg_small_wrapped.pth.br"))

    torch.manual_seed(2)
    x = torch.randn(2, 3, 112, 112)
    upstream = torch.randn(2, 10)
    model.eval()
    with torch.no_grad():
        eval_logits = model(x)
        region_map = model.features[:30](x)
    model.train()
    torch.manual_seed(3)
    train_logits = model(x)
    (train_logits * upstream).sum().backward()
    names, norms, projections = [], [], []
    for i, (pname, p) in enumerate(model.named_parameters()):
        torch.manual_seed(1000 + i)
        r = torch.randn(p.shape)
        names.append(pname)
        norms.append(p.grad.double().norm().item())
        projections.append((p.grad.double() * r.double()).sum().item())
    save_safetensors(os.path.join(HERE, "vgg_small.safetensors"), {
        "eval_logits": eval_logits,
        "region_map": region_map,
        "train_logits": train_logits.detach(),
        "grad_norm": torch.tensor(norms, dtype=torch.float64),
        "grad_projection": torch.tensor(projections, dtype=torch.float64),
    }, {"parameters": ",".join(names), "torch": torch.__version__, "torchvision": torchvision.__version__})
    print(f"vgg-small: {raw / 1e6:.1f} MB .pth, {os.path.getsize(os.path.join(HERE, 'vgg_small.pth.br')) / 1e3:.0f} KB compressed")


if __name__ == "__main__":
    init_fixture()
    small_fixture()
