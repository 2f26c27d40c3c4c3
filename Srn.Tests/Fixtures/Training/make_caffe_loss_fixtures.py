"""Golden fixtures for the Caffe-faithful losses of SRN and KD-WSD, made with PyTorch.

Run with Debian's Python (the one with torch):
    /usr/bin/python3 Srn.Tests/Fixtures/Training/make_caffe_loss_fixtures.py
Writes caffe_losses.safetensors beside this script; Srn.Tests/Training/CaffeLossTests.cs replays every case.

For a case <loss>/<batch>:
  <case>/input    [B, C]   phi in [0, 1] (wsddn*) or logits (the rest)
  <case>/targets  [B, C]   1 present, -1 absent, 0 unknown (or a soft positive in (0, 1) for the logit losses)
  <case>/loss     []       the loss
  <case>/grad     [B, C]   d loss / d input
The metadata "cases" lists the names. <loss> is
  wsddn              the reference's WSDDN loss: Yochengliu/MLIC-KD-WSD, caffe-MLIC/src/caffe/layers/
                     cross_entropy_loss_layer.cpp (CrossEntropyLossLayer), written below as a torch.autograd.Function
                     whose forward and backward follow the layer's Forward_cpu and Backward_cpu line by line, applied
                     to the known entries (unknown ones add nothing and get no gradient) and divided by the batch size
  wsddn-clamped-mean the clamped BCE averaged over the known entries (the library's first form)
  <registry>-batch   a loss of the registry summed per image and averaged over images (Caffe's
                     SigmoidCrossEntropyLoss normalisation, loss / num), written from its definition as a sum
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import save_safetensors  # noqa: E402


class CaffeCrossEntropy(torch.autograd.Function):
    """CrossEntropyLossLayer on the entries of a mask, with the layer's own backward (not autograd's)."""

    @staticmethod
    def forward(ctx, prediction, target, known):
        eps = torch.tensor(0.0001, dtype=prediction.dtype)
        num = prediction.shape[0]
        # Forward_cpu: loss -= log(max(p, 0.0001)) where target == 1, else loss -= log(max(1 - p, 0.0001)); loss / num.
        terms = torch.where(target == 1, -torch.log(torch.maximum(prediction, eps)),
                            -torch.log(torch.maximum(1 - prediction, eps)))
        ctx.save_for_backward(prediction, target, known)
        return (terms * known).sum() / max(num, 1)

    @staticmethod
    def backward(ctx, grad_output):
        prediction, target, known = ctx.saved_tensors
        eps = torch.tensor(0.0001, dtype=prediction.dtype)
        num = prediction.shape[0]
        # Backward_cpu: neg_target = 1 - t; neg_prediction = min(p - 1, -0.0001); prediction_safe = max(p, 0.0001);
        # diff = t / prediction_safe + neg_target / neg_prediction; diff *= -loss_weight / num.
        neg_target = 1 - target
        neg_prediction = torch.minimum(prediction - 1, -eps)
        prediction_safe = torch.maximum(prediction, eps)
        diff = target / prediction_safe + neg_target / neg_prediction
        diff = diff * (-grad_output / max(num, 1))
        return diff * known, None, None


def wsddn(phi, t):
    # The layer reads labels in {0, 1}: a positive is 1, an absent label 0; unknown entries are masked out.
    return CaffeCrossEntropy.apply(phi, t.clamp(0, 1), (t != 0).to(phi.dtype))


def wsddn_clamped_mean(phi, t):
    m = t != 0
    if not m.any():
        return (phi * 0).sum()
    return F.binary_cross_entropy(phi.clamp(1e-4, 1 - 1e-4)[m], t[m].clamp(0, 1))


# ----- registry losses, summed over each image's counted entries and divided by B -----
def bce_terms(s, t):
    return F.binary_cross_entropy_with_logits(s, t.clamp(0, 1), reduction="none")


def partial_bce_batch(s, t):
    return (bce_terms(s, t) * (t != 0).to(s.dtype)).sum() / max(s.shape[0], 1)


def assume_negative_batch(s, t):
    return bce_terms(s, t).sum() / max(s.shape[0], 1)


def partial_bce_norm_batch(s, t, gamma=1.0):
    c = s.shape[1]
    known = (t != 0).to(s.dtype)
    alpha = 4.0 / (0.1 ** gamma - 1.0)
    g = torch.where(known.sum(1) > 0, alpha * (known.sum(1) / c).clamp(min=1e-12) ** gamma + (1.0 - alpha), torch.zeros(s.shape[0], dtype=s.dtype))
    return (g * (bce_terms(s, t) * known).sum(1)).sum() / max(s.shape[0], 1)


def asl_batch(s, t, gamma_neg=4.0, clip=0.05, eps=1e-8):
    known = (t != 0).to(s.dtype)
    y = t.clamp(0, 1)
    xs_pos = torch.sigmoid(s)
    xs_neg = (1 - xs_pos + clip).clamp(max=1)
    loss = y * torch.log(xs_pos.clamp(min=eps)) + (1 - y) * torch.log(xs_neg.clamp(min=eps))
    with torch.no_grad():
        w = torch.pow(1 - (xs_pos * y + xs_neg * (1 - y)), gamma_neg * (1 - y))
    return -(loss * w * known).sum() / max(s.shape[0], 1)


PHI_LOSSES = {"wsddn": wsddn, "wsddn-clamped-mean": wsddn_clamped_mean}
LOGIT_LOSSES = {
    "partial-bce-batch": partial_bce_batch,
    "partial-bce-norm-batch": partial_bce_norm_batch,
    "assume-negative-batch": assume_negative_batch,
    "asl-batch": asl_batch,
}

gen = torch.Generator().manual_seed(20240917)


def targets(b, c, known=0.5, positive=0.3):
    u = torch.rand(b, c, generator=gen)
    v = torch.rand(b, c, generator=gen)
    t = torch.where(v < positive, torch.ones(b, c), -torch.ones(b, c))
    return torch.where(u < known, t, torch.zeros(b, c))


# phi batches: products of softmaxes summed over regions lie in (0, 1); saturated ones below 1e-4 and above 1 - 1e-4.
phi_batches = [
    ("mixed", torch.rand(6, 10, generator=gen) * 0.98 + 0.01, targets(6, 10)),
    ("full", torch.rand(5, 8, generator=gen), targets(5, 8, known=1.01)),
    ("all_unknown", torch.rand(4, 7, generator=gen), targets(4, 7, known=0.0)),
]
# Each saturated value with a positive, a negative and an unknown label: p < 1e-4 (0, 1e-6, 5e-5), at the floor, just
# above it, and p > 1 - 1e-4 (1 - 5e-5, 1 - 1e-6, 1), next to ordinary values.
values = [0.0, 1e-6, 5e-5, 1e-4, 2e-4, 0.3, 0.9998, 1 - 5e-5, 1 - 1e-6, 1.0]
phi = torch.tensor(values).repeat(3, 1)
t = torch.tensor([1.0, -1.0, 0.0]).repeat_interleave(len(values)).view(3, len(values))
phi_batches.append(("saturated", phi, t))
phi_batches.append(("saturated_f64", phi.double(), t.double()))
phi_batches.append(("mixed_f64", torch.rand(5, 9, generator=gen, dtype=torch.float64), targets(5, 9, known=0.6).double()))

logit_batches = [
    ("mixed", torch.randn(6, 10, generator=gen) * 2, targets(6, 10)),
    ("full", torch.randn(5, 8, generator=gen) * 2, targets(5, 8, known=1.01)),
    ("sparse", torch.randn(8, 12, generator=gen) * 2, targets(8, 12, known=0.1)),
    ("all_unknown", torch.randn(4, 7, generator=gen) * 2, targets(4, 7, known=0.0)),
    ("mixed_f64", (torch.randn(5, 9, generator=gen) * 2).double(), targets(5, 9, known=0.6).double()),
]

tensors = {}
cases = []


def record(loss_name, fn, batch_name, x, t):
    key = f"{loss_name}/{batch_name}"
    xi = x.detach().clone().requires_grad_(True)
    value = fn(xi, t)
    (grad,) = torch.autograd.grad(value, [xi])
    assert torch.isfinite(value) and torch.isfinite(grad).all(), key
    tensors[f"{key}/input"] = x
    tensors[f"{key}/targets"] = t
    tensors[f"{key}/loss"] = value.detach()
    tensors[f"{key}/grad"] = grad
    cases.append(key)
    return value, grad


for name, fn in PHI_LOSSES.items():
    for batch_name, x, t in phi_batches:
        record(name, fn, batch_name, x, t)
for name, fn in LOGIT_LOSSES.items():
    for batch_name, x, t in logit_batches:
        record(name, fn, batch_name, x, t)

# Cross-checks where the definitions must agree.
for batch_name, x, t in phi_batches:
    known = (t != 0).sum().item()
    if known == 0:
        continue
    # Away from the floors the reference's loss is the clamped mean times (known entries / B), gradients included.
    inside = ((x > 2e-4) & (x < 1 - 2e-4)) | (t == 0)
    if inside.all():
        a = wsddn(x, t)
        b = wsddn_clamped_mean(x, t) * known / x.shape[0]
        assert torch.allclose(a, b, rtol=1e-5), batch_name
# At the floors: the reference keeps a gradient of 1e4 / B toward the label, the clamp none.
phi, t = next((x, t) for name, x, t in phi_batches if name == "saturated")
x = phi.clone().requires_grad_(True)
(g,) = torch.autograd.grad(wsddn(x, t), [x])
b = phi.shape[0]
assert torch.isclose(g[0, 0], torch.tensor(-1e4 / b), rtol=1e-4)  # positive at p = 0: pushed up
assert torch.isclose(g[1, 9], torch.tensor(1e4 / b), rtol=1e-4)   # negative at p = 1: pushed down
assert (g[2] == 0).all()                                          # unknown: nothing
for batch_name, s, t in logit_batches:
    if batch_name == "full":
        assert torch.allclose(partial_bce_batch(s, t), F.binary_cross_entropy_with_logits(s, t.clamp(0, 1), reduction="sum") / s.shape[0])
        assert torch.allclose(partial_bce_batch(s, t), assume_negative_batch(s, t))
        assert torch.allclose(partial_bce_norm_batch(s, t), partial_bce_batch(s, t))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "caffe_losses.safetensors")
save_safetensors(out, tensors, {"cases": ",".join(cases), "torch": torch.__version__})
print(f"{out}: {len(cases)} cases, {len(tensors)} tensors")
