"""Golden fixtures for the partial-label losses (Srn.Core's PartialBce, Srn.PartialLabels/Losses), made with PyTorch.

Run with Debian's Python (the one with torch):
    /usr/bin/python3 Srn.Tests/Fixtures/PartialLabels/make_loss_fixtures.py
Writes losses.safetensors beside this script; Srn.Tests/PartialLabels/LossTests.cs replays every case.

For a case <loss>/<batch>:
  <case>/logits   [B, C]   the scores
  <case>/targets  [B, C]   1 present, -1 absent, 0 unknown, or a soft positive in (0, 1)
  <case>/loss     []       the loss
  <case>/grad     [B, C]   d loss / d logits
The metadata "cases" lists the names; <loss> is a registry name or a variant named in LossTests.cs.
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import save_safetensors  # noqa: E402


# ----- the losses, written from their definitions (docs/partial-labels.md, "Losses") -----
def partial_bce(s, t):
    # The reference: BCE-with-logits over the known entries, against t clamped to [0, 1]; 0 when nothing is known.
    m = t != 0
    if not m.any():
        return (s * 0).sum()
    return F.binary_cross_entropy_with_logits(s[m], t[m].clamp(0, 1))


def partial_bce_norm(s, t, gamma=1.0):
    # Durand et al. 2019: per image, g(p) / C * (BCE summed over its known labels); mean over images.
    c = s.shape[1]
    known = (t != 0).to(s.dtype)
    alpha = 4.0 / (0.1 ** gamma - 1.0)
    beta = 1.0 - alpha
    bce = F.binary_cross_entropy_with_logits(s, t.clamp(0, 1), reduction="none") * known
    p = known.sum(1) / c
    g = torch.where(p > 0, alpha * p.clamp(min=1e-12) ** gamma + beta, torch.zeros_like(p))  # no known label: 0
    return (g / c * bce.sum(1)).mean()


def assume_negative(s, t):
    return F.binary_cross_entropy_with_logits(s, t.clamp(0, 1))


def asl(s, t, gamma_neg=4.0, gamma_pos=0.0, clip=0.05, eps=1e-8, detach=True, reduction="mean"):
    # The official AsymmetricLoss.forward (Alibaba-MIIL/ASL) on y = t.clamp(0, 1), times the known mask.
    known = (t != 0).to(s.dtype)
    y = t.clamp(0, 1)
    xs_pos = torch.sigmoid(s)
    xs_neg = 1 - xs_pos
    if clip is not None and clip > 0:
        xs_neg = (xs_neg + clip).clamp(max=1)
    loss = y * torch.log(xs_pos.clamp(min=eps)) + (1 - y) * torch.log(xs_neg.clamp(min=eps))
    if gamma_neg > 0 or gamma_pos > 0:
        with torch.set_grad_enabled(not detach and torch.is_grad_enabled()):
            pt = xs_pos * y + xs_neg * (1 - y)
            w = torch.pow(1 - pt, gamma_pos * y + gamma_neg * (1 - y))
        loss = loss * w
    total = -(loss * known).sum()
    return total if reduction == "sum" else total / known.sum().clamp(min=1)


LOSSES = {
    "partial-bce": partial_bce,
    "partial-bce-norm": partial_bce_norm,
    "partial-bce-norm-gamma-neg1": lambda s, t: partial_bce_norm(s, t, gamma=-1.0),
    "assume-negative": assume_negative,
    "asl": asl,
    "asl-sum": lambda s, t: asl(s, t, reduction="sum"),
    "asl-focusing-grad": lambda s, t: asl(s, t, detach=False),
    "asl-gamma-pos1-noclip": lambda s, t: asl(s, t, gamma_pos=1.0, clip=0.0),
}

gen = torch.Generator().manual_seed(20240612)


def targets(b, c, known=0.5, positive=0.3, soft=0.0):
    u = torch.rand(b, c, generator=gen)
    v = torch.rand(b, c, generator=gen)
    t = torch.where(v < positive, torch.ones(b, c), -torch.ones(b, c))
    if soft > 0:
        w = torch.rand(b, c, generator=gen)
        t = torch.where((t > 0) & (w < soft), 0.05 + 0.9 * torch.rand(b, c, generator=gen), t)
    return torch.where(u < known, t, torch.zeros(b, c))


def batch(name, b, c, **kw):
    scale = kw.pop("scale", 2.0)
    s = torch.randn(b, c, generator=gen) * scale
    return name, s, targets(b, c, **kw)


batches = [
    batch("mixed", 6, 10),
    batch("full", 5, 8, known=1.01),
    batch("soft", 6, 10, known=0.7, positive=0.5, soft=0.6),
    batch("sparse", 8, 12, known=0.1),
    batch("all_unknown", 4, 7, known=0.0),
    batch("large_logits", 6, 10, known=0.8, positive=0.5, scale=40.0),
]
# Rows with no known label next to rows with some; one row fully known.
s, t = torch.randn(5, 6, generator=gen) * 2, targets(5, 6, known=0.6)
t[1] = 0
t[3] = 0
t[4] = torch.tensor([1.0, -1, -1, 1, -1, -1])
batches.append(("images_without_known", s, t))
# Saturated sigmoids in float32: logits of +-100 and +-30, with every kind of target at each.
s = torch.tensor([[100.0, -100.0, 30.0, -30.0, 0.0, 17.0], [-100.0, 100.0, -30.0, 30.0, 1e-3, -17.0],
                  [100.0, -100.0, 30.0, -30.0, 5.0, -5.0], [60.0, -60.0, 88.0, -88.0, 104.0, -104.0]])
t = torch.tensor([[1.0, 1.0, -1.0, -1.0, 0.5, 0.0], [1.0, -1.0, 1.0, -1.0, -1.0, 1.0],
                  [0.3, 0.3, 0.7, 0.7, 0.0, -1.0], [1.0, -1.0, -1.0, 1.0, 0.9, 0.1]])
batches.append(("saturated", s, t))
# float64 for a tight check of the formulas.
name, s, t = batch("mixed_f64", 5, 9, known=0.6, soft=0.3)
batches.append((name, s.double(), t.double()))

tensors = {}
cases = []
for loss_name, fn in LOSSES.items():
    for batch_name, s, t in batches:
        key = f"{loss_name}/{batch_name}"
        x = s.detach().clone().requires_grad_(True)
        value = fn(x, t)
        (grad,) = torch.autograd.grad(value, [x])
        assert torch.isfinite(value) and torch.isfinite(grad).all(), key
        if batch_name == "all_unknown" and not loss_name.startswith("assume-negative"):
            assert value.item() == 0 and (grad == 0).all(), key
        tensors[f"{key}/logits"] = s
        tensors[f"{key}/targets"] = t
        tensors[f"{key}/loss"] = value.detach()
        tensors[f"{key}/grad"] = grad
        cases.append(key)

# Cross-checks of the definitions against each other where they must agree.
for batch_name, s, t in batches:
    if batch_name in ("full",):
        assert torch.allclose(partial_bce(s, t), assume_negative(s, t))
        assert torch.allclose(partial_bce_norm(s, t), partial_bce(s, t))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "losses.safetensors")
save_safetensors(out, tensors, {"cases": ",".join(cases), "torch": torch.__version__})
print(f"{out}: {len(cases)} cases, {len(tensors)} tensors")
