"""Golden fixtures for CPU autocast (bfloat16): what torch.autocast('cpu', dtype=torch.bfloat16) computes, forward and
backward, for three parts of Srn's networks, each once contiguous and once channels-last (autocast.safetensors).

The modules are the ones the fp32 parity fixtures already build, at small sizes:
  bottleneck_train, bottleneck_eval
      torchvision's Bottleneck(16, 8, stride 2, downsample conv1x1 + BN), batch norms with non-trivial statistics and
      affine parameters, in training mode (batch statistics, running statistics updated) and in eval mode; input
      [2, 16, 8, 8]. Twin: Srn.Models.Bottleneck.
  srn_paper_eval, srn_variant_train
      the SRN head of make_srn_fixtures.py's Srn (attention, confidence and spatial regularizer; width 16, 3 classes,
      map 4x4), paper network in eval mode and batch-norm variant in training mode, on a stage-3 feature map [2, 64, 4, 4];
      the head is Srn.forward's lines after layer3. Twin: SpatialRegularizationNet's branches.
  ssgrl_train
      make_ssgrl_fixtures.py's RefNetwork (changeChannel, semantic decoupling, gated GNN, head + element-wise classifier)
      in training mode, on a layer4 map [2, 32, 6, 6]. Twin: SsgrlNetwork.ForwardFeatureMap.

Each case runs the forward pass under autocast and the backward pass outside it, as the C# test does:
    with torch.autocast("cpu", dtype=torch.bfloat16):
        outputs = module(inputs)
    sum_k (outputs[k] * gout[k]).sum().backward()
For a case NAME and a layout L in {contiguous, channels_last} (the module and the input moved with
.to(memory_format=torch.channels_last)), the file holds
  NAME/sd/<key>        the float32 weights and buffers (state-dict names, identical to Srn's), before the forward pass
  NAME/in/<name>       the float32 inputs
  NAME/gout/<name>     the upstream gradient of each output, in the output's dtype
  NAME/L/out/<name>    PyTorch's outputs, in the dtype autocast gave them (bfloat16 or float32)
  NAME/L/grad/<name>   the gradient of each input;  NAME/L/pgrad/<key>  the gradient of each parameter
  NAME/L/after/<key>   batch-norm running statistics after the forward pass (training-mode cases)
and the metadata "cases" (comma-separated) and "NAME/dtypes" ("out=bfloat16,..." in output order).

Run from the repository root with Debian's Python (torch 1.13):
    /usr/bin/python3 Srn.Tests/Fixtures/Models/make_autocast_fixtures.py
"""
import copy
import os
import sys

import torch
import torch.nn as nn
from torchvision.models.resnet import Bottleneck

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "PartialLabels"))
from fixturelib import save_safetensors  # noqa: E402
from make_srn_fixtures import Srn  # noqa: E402
import make_ssgrl_fixtures as ssgrl  # noqa: E402

OUT = {}
META = {}
CASES = []
LAYOUTS = ("contiguous", "channels_last")


def dense(t):
    """A row-major copy: channels-last tensors with 1x1 spatial dims count as contiguous, yet have stride(-1) != 1."""
    return t.detach().clone(memory_format=torch.contiguous_format)


def randomize_batch_norms(module, gen):
    """Non-trivial statistics and affine parameters, as the fp32 fixtures give them."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.rand(m.running_mean.shape, generator=gen) * 0.4 - 0.2)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=gen) + 0.5)
                m.weight.copy_(torch.rand(m.weight.shape, generator=gen) + 0.5)
                m.bias.copy_(torch.rand(m.bias.shape, generator=gen) * 0.4 - 0.2)


def record(name, module, prefix, train, inputs, forward, gen):
    """Runs forward (under autocast) and backward (outside) for both layouts from the same weights and inputs.

    module: the module whose state dict (keys prefixed with `prefix`) is saved and whose parameters' gradients are saved.
    forward(module, inputs) -> dict name -> output tensor.
    """
    CASES.append(name)
    module.train(train)
    state = {k: v.detach().clone() for k, v in module.state_dict().items()}
    for k, v in state.items():
        OUT[f"{name}/sd/{prefix}{k}"] = v
    for k, v in inputs.items():
        OUT[f"{name}/in/{k}"] = v.detach().clone()
    gouts = None
    for layout in LAYOUTS:
        m = copy.deepcopy(module)
        m.load_state_dict(state)
        m.train(train)
        xs = {k: v.detach().clone() for k, v in inputs.items()}
        if layout == "channels_last":
            m = m.to(memory_format=torch.channels_last)
            xs = {k: v.to(memory_format=torch.channels_last) if v.dim() == 4 else v for k, v in xs.items()}
        for v in xs.values():
            v.requires_grad_(True)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            outs = forward(m, xs)
        if gouts is None:
            gouts = {k: torch.randn(v.shape, generator=gen).to(v.dtype) for k, v in outs.items()}
            for k, g in gouts.items():
                OUT[f"{name}/gout/{k}"] = g
            META[f"{name}/dtypes"] = ",".join(f"{k}={str(v.dtype).replace('torch.', '')}" for k, v in outs.items())
        total = sum((v * gouts[k]).sum().float() for k, v in outs.items())
        total.backward()
        for k, v in outs.items():
            OUT[f"{name}/{layout}/out/{k}"] = dense(v)
        for k, v in xs.items():
            OUT[f"{name}/{layout}/grad/{k}"] = dense(v.grad)
        for k, p in m.named_parameters():
            if p.requires_grad:
                OUT[f"{name}/{layout}/pgrad/{prefix}{k}"] = dense(p.grad)
        if train:
            for k, b in m.named_buffers():
                if "running" in k:
                    OUT[f"{name}/{layout}/after/{prefix}{k}"] = dense(b)
        # For the report: how far bf16 autocast lands from float32 here (the C# test asserts the same gap exists).
        with torch.no_grad():
            f = copy.deepcopy(module)
            f.load_state_dict(state)
            f.train(train)
            ref = forward(f, {k: v.detach().clone() for k, v in inputs.items()})
            gap = max(((outs[k].float() - ref[k]).abs().max() / ref[k].abs().max()).item() for k in outs)
        print(f"{name}/{layout}: {META[f'{name}/dtypes']}; max |bf16 - fp32| / max|fp32| = {gap:.2e}")


def bottleneck_cases(gen):
    for train in (True, False):
        torch.manual_seed(11)
        downsample = nn.Sequential(nn.Conv2d(16, 32, 1, stride=2, bias=False), nn.BatchNorm2d(32))
        block = Bottleneck(16, 8, stride=2, downsample=downsample)
        randomize_batch_norms(block, gen)
        x = torch.randn(2, 16, 8, 8, generator=gen)
        record("bottleneck_train" if train else "bottleneck_eval", block, "", train, {"x": x},
               lambda m, xs: {"y": m(xs["x"])}, gen)


def srn_head(net, x):
    """Srn.forward (make_srn_fixtures.py) after layer3: the attention and spatial-regularization path."""
    z = net.attention(x)
    n, c, h, w = z.shape
    a = torch.softmax(z.reshape(n, c, h * w), -1).reshape(n, c, h, w)
    s = net.confidence(x)
    att = (a * s).sum([2, 3])
    sr = net.regularizer(a * torch.sigmoid(s))
    return {"att": att, "sr": sr, "attention": a, "confidence": s}


class SrnHead(nn.Module):
    """The three head modules of an Srn, under their names in Srn's state dict."""

    def __init__(self, net):
        super().__init__()
        self.attention, self.confidence, self.regularizer = net.attention, net.confidence, net.regularizer


def srn_cases(gen):
    for name, bn, train in (("srn_paper_eval", False, False), ("srn_variant_train", True, True)):
        torch.manual_seed(7 if bn else 3)
        head = SrnHead(Srn(3, 16, 4, bn, learn_alpha=bn))
        randomize_batch_norms(head, gen)
        x = torch.randn(2, 64, 4, 4, generator=gen).abs()  # a post-ReLU stage-3 map
        record(name, head, "", train, {"x": x}, lambda m, xs: srn_head(m, xs["x"]), gen)


def ssgrl_cases(gen):
    torch.manual_seed(0)
    labels = torch.tensor([[1, 1, 0, -1], [1, 0, 1, 0], [0, 1, 1, -1], [1, 1, 1, 0], [-1, 0, 1, 0], [1, -1, 0, -1]], dtype=torch.int8)
    net = ssgrl.RefNetwork(ssgrl.adjacency_of(labels))
    randomize_batch_norms(net, gen)
    OUT["ssgrl_train/labels"] = labels
    layer4 = torch.randn(2, ssgrl.CIN, 2 * ssgrl.S, 2 * ssgrl.S, generator=gen).abs()

    def forward(m, xs):
        logits, vectors, maps, attention = m(xs["layer4"])
        return {"logits": logits, "vectors": vectors, "maps": maps, "attention": attention}

    record("ssgrl_train", net, "", True, {"layer4": layer4}, forward, gen)


def main():
    gen = torch.Generator().manual_seed(2024)
    bottleneck_cases(gen)
    srn_cases(gen)
    ssgrl_cases(gen)
    path = os.path.join(HERE, "autocast.safetensors")
    META.update({"cases": ",".join(CASES), "torch": torch.__version__, "script": "make_autocast_fixtures.py"})
    save_safetensors(path, OUT, META)
    print(f"{path}: {len(CASES)} cases, {len(OUT)} tensors, {os.path.getsize(path) / 1e3:.0f} KB")


if __name__ == "__main__":
    main()
