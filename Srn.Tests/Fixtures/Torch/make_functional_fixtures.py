"""Golden fixtures for Srn.Torch.Functional (torch.nn.functional layers and losses).

Run with Debian's Python (the one with torch):
    /usr/bin/python3 Srn.Tests/Fixtures/Torch/make_functional_fixtures.py
Writes functional.safetensors beside this script; Srn.Tests/Torch/FunctionalParityTests.cs replays every case
with the same arguments (the case names there mirror the ones here).
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import Cases  # noqa: E402

c = Cases(seed=20240611)
r = c.randn

# ----- conv2d -----
c.add("conv2d_basic", lambda x, w, b: F.conv2d(x, w, b), r(2, 3, 7, 7), r(4, 3, 3, 3), r(4))
c.add("conv2d_stride_pad", lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), r(2, 3, 8, 7), r(5, 3, 3, 3), r(5))
c.add("conv2d_dilation_groups",
      lambda x, w: F.conv2d(x, w, None, stride=(1, 2), padding=(1, 2), dilation=2, groups=2),
      r(1, 4, 9, 9), r(6, 2, 3, 3))
c.add("conv2d_rect_dilation", lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(0, 1), dilation=(1, 3)),
      r(2, 2, 8, 9), r(3, 2, 2, 3), r(3))
c.add("conv2d_depthwise", lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=3), r(2, 3, 5, 5), r(3, 1, 3, 3), r(3))
c.add("conv2d_unbatched", lambda x, w: F.conv2d(x, w), r(3, 5, 5), r(2, 3, 2, 2))


# ----- batch_norm: running statistics are updated in place and returned as extra outputs -----
def bn_train(x, rm, rv, w, b):
    rm, rv = rm.detach().clone(), rv.detach().clone()
    y = F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.2, eps=1e-3)
    return y, rm, rv


def bn_eval(x, rm, rv, w, b):
    return F.batch_norm(x, rm.detach(), rv.detach(), w, b, training=False, eps=1e-4)


def bn_train_2d(x, rm, rv):
    rm, rv = rm.detach().clone(), rv.detach().clone()
    y = F.batch_norm(x, rm, rv, training=True)
    return y, rm, rv


c.add("batch_norm_train", bn_train, r(4, 3, 5, 5), r(3), c.rand(3) + 0.5, r(3), r(3))
c.add("batch_norm_eval", bn_eval, r(4, 3, 5, 5), r(3), c.rand(3) + 0.5, r(3), r(3))
c.add("batch_norm_train_no_stats", lambda x: F.batch_norm(x, None, None, training=True, eps=1e-2), r(3, 2, 4, 4))
c.add("batch_norm_train_2d", bn_train_2d, r(6, 4), r(4), c.rand(4) + 0.5)

# ----- layer_norm -----
c.add("layer_norm_affine", lambda x, w, b: F.layer_norm(x, [4, 5], w, b, eps=1e-4), r(2, 3, 4, 5), r(4, 5), r(4, 5))
c.add("layer_norm_plain", lambda x: F.layer_norm(x, [6]), r(3, 6))

# ----- max_pool2d -----
c.add("max_pool2d_basic", lambda x: F.max_pool2d(x, 2), r(2, 3, 8, 8))
c.add("max_pool2d_stride_pad", lambda x: F.max_pool2d(x, 3, stride=2, padding=1), r(2, 3, 8, 7))
c.add("max_pool2d_dilation_ceil", lambda x: F.max_pool2d(x, (2, 3), stride=(2, 1), dilation=2, ceil_mode=True),
      r(1, 2, 9, 10))
c.add("max_pool2d_indices",
      lambda x: F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, return_indices=True), r(2, 2, 7, 8))
c.add("max_pool2d_unbatched", lambda x: F.max_pool2d(x, (3, 2), stride=(1, 2)), r(3, 6, 6))

# ----- avg_pool2d -----
c.add("avg_pool2d_basic", lambda x: F.avg_pool2d(x, 2), r(2, 3, 8, 8))
c.add("avg_pool2d_pad_exclude", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
      r(2, 3, 7, 8))
c.add("avg_pool2d_pad_include_ceil", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
      r(2, 3, 8, 8))
c.add("avg_pool2d_ceil_divisor", lambda x: F.avg_pool2d(x, (3, 2), stride=2, ceil_mode=True, divisor_override=5),
      r(1, 2, 8, 7))

# ----- adaptive pooling -----
c.add("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 4)), r(2, 3, 7, 9))
c.add("adaptive_avg_pool2d_global", lambda x: F.adaptive_avg_pool2d(x, 1), r(2, 3, 5, 6))
c.add("adaptive_avg_pool2d_keep_h", lambda x: F.adaptive_avg_pool2d(x, (None, 2)), r(2, 3, 5, 6))
c.add("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (3, 4)), r(2, 3, 7, 9))
c.add("adaptive_max_pool2d_indices", lambda x: F.adaptive_max_pool2d(x, (2, 5), return_indices=True), r(2, 2, 6, 11))
c.add("adaptive_max_pool2d_unbatched", lambda x: F.adaptive_max_pool2d(x, 3), r(2, 8, 7))

# ----- linear -----
c.add("linear_bias", lambda x, w, b: F.linear(x, w, b), r(4, 5), r(3, 5), r(3))
c.add("linear_nobias_3d", lambda x, w: F.linear(x, w), r(2, 4, 5), r(3, 5))


# ----- dropout: the case seeds the global generator; the C# op does the same with LibTorch.ManualSeed -----
def dropout_seeded(seed, p):
    def fn(x):
        torch.manual_seed(seed)
        return F.dropout(x, p)
    return fn


c.add("dropout_train", dropout_seeded(7, 0.3), r(4, 6))
c.add("dropout_train_p07", dropout_seeded(123, 0.7), r(3, 5, 4))
c.add("dropout_eval", lambda x: F.dropout(x, 0.5, training=False), r(4, 6))
c.add("dropout_p1", lambda x: F.dropout(x, 1.0), r(3, 3))

# ----- interpolate -----
img = r(2, 3, 5, 7)
c.add("interp_nearest_size", lambda x: F.interpolate(x, size=(8, 10)), img)
c.add("interp_nearest_scale2", lambda x: F.interpolate(x, scale_factor=2.0), img)
c.add("interp_nearest_scale_frac", lambda x: F.interpolate(x, scale_factor=1.7), img)
c.add("interp_nearest_recompute", lambda x: F.interpolate(x, scale_factor=1.7, recompute_scale_factor=True), img)
c.add("interp_nearest_down", lambda x: F.interpolate(x, size=3), img)
c.add("interp_bilinear_size", lambda x: F.interpolate(x, size=(9, 4), mode="bilinear"), img)
c.add("interp_bilinear_size_align", lambda x: F.interpolate(x, size=(9, 4), mode="bilinear", align_corners=True), img)
c.add("interp_bilinear_scale", lambda x: F.interpolate(x, scale_factor=2.5, mode="bilinear"), img)
c.add("interp_bilinear_scale_align",
      lambda x: F.interpolate(x, scale_factor=0.6, mode="bilinear", align_corners=True), img)
c.add("interp_bilinear_recompute",
      lambda x: F.interpolate(x, scale_factor=1.3, mode="bilinear", recompute_scale_factor=True), img)
c.add("interp_bicubic_size", lambda x: F.interpolate(x, size=(10, 12), mode="bicubic"), img)
c.add("interp_bicubic_scale_align",
      lambda x: F.interpolate(x, scale_factor=1.5, mode="bicubic", align_corners=True), img)
c.add("interp_area_size", lambda x: F.interpolate(x, size=(3, 4), mode="area"), img)
c.add("interp_area_scale", lambda x: F.interpolate(x, scale_factor=0.5, mode="area"), img)
c.add("interp_nearest_exact_size", lambda x: F.interpolate(x, size=(8, 11), mode="nearest-exact"), img)
c.add("interp_nearest_exact_scale", lambda x: F.interpolate(x, scale_factor=1.5, mode="nearest-exact"), img)

# ----- grid_sample: every mode x padding x align_corners; the grid reaches outside [-1, 1] -----
gs_input = r(2, 3, 5, 6)
gs_grid = c.rand(2, 4, 7, 2) * 2.4 - 1.2
for mode in ("bilinear", "nearest", "bicubic"):
    for padding in ("zeros", "border", "reflection"):
        for align in (False, True):
            name = f"grid_sample_{mode}_{padding}_{'align' if align else 'noalign'}"
            c.add(name, lambda x, g, m=mode, p=padding, a=align: F.grid_sample(x, g, mode=m, padding_mode=p,
                                                                               align_corners=a),
                  gs_input, gs_grid)

# ----- pad -----
c.add("pad_constant", lambda x: F.pad(x, (1, 2, 0, 3), value=0.5), r(2, 3, 4, 5))
c.add("pad_constant_crop", lambda x: F.pad(x, (-1, 1, 2, -1)), r(2, 3, 4, 5))
c.add("pad_constant_3dims", lambda x: F.pad(x, (1, 1, 0, 2, 1, 0), value=-2.0), r(2, 3, 4, 5))
c.add("pad_reflect", lambda x: F.pad(x, (2, 1, 1, 3), mode="reflect"), r(2, 3, 4, 5))
c.add("pad_replicate", lambda x: F.pad(x, (2, 1, 1, 3), mode="replicate"), r(2, 3, 4, 5))
c.add("pad_circular", lambda x: F.pad(x, (2, 1, 1, 3), mode="circular"), r(2, 3, 4, 5))
c.add("pad_reflect_1d", lambda x: F.pad(x, (2, 3), mode="reflect"), r(2, 3, 6))

# ----- cosine_similarity, normalize, one_hot -----
c.add("cosine_similarity_dim1", lambda a, b: F.cosine_similarity(a, b), r(4, 5, 3), r(4, 5, 3))
c.add("cosine_similarity_broadcast", lambda a, b: F.cosine_similarity(a, b, dim=-1, eps=1e-6), r(4, 6), r(1, 6))
c.add("normalize_default", lambda x: F.normalize(x), r(4, 5))
c.add("normalize_p1_dim0", lambda x: F.normalize(x, p=1.0, dim=0), r(3, 4, 5))
small = r(4, 3)
small[1] *= 1e-3  # a row whose norm is below eps: clamped
c.add("normalize_p3_eps", lambda x: F.normalize(x, p=3.0, dim=-1, eps=0.1), small)
labels = c.randint(0, 5, 3, 4)
labels[0, 0] = 4
c.add("one_hot_auto", lambda t: F.one_hot(t), labels, grad=False)
c.add("one_hot_classes", lambda t: F.one_hot(t, num_classes=7), c.randint(0, 7, 5), grad=False)

# ----- binary_cross_entropy -----
probs = torch.sigmoid(r(4, 5))
soft = c.rand(4, 5)
hard = (c.rand(4, 5) > 0.5).float()
c.add("bce_mean", lambda x, y: F.binary_cross_entropy(x, y), probs, soft)
# Loss weights are not differentiable in PyTorch: the cases detach them (so do the C# ops).
c.add("bce_none_weight", lambda x, y, w: F.binary_cross_entropy(x, y, w.detach(), reduction="none"),
      probs, hard, c.rand(5))
c.add("bce_sum_weight", lambda x, y, w: F.binary_cross_entropy(x, y, w.detach(), reduction="sum"),
      probs, soft, c.rand(4, 5))
extreme = probs.clone()
extreme[0, 0], extreme[1, 1], extreme[2, 2] = 0.0, 1.0, 1e-30
c.add("bce_log_clamp", lambda x, y: F.binary_cross_entropy(x, y, reduction="sum"), extreme, hard)

# ----- binary_cross_entropy_with_logits -----
logits = r(4, 5) * 3
c.add("bce_logits_mean", lambda x, y: F.binary_cross_entropy_with_logits(x, y), logits, soft)
c.add("bce_logits_none_weight_pos",
      lambda x, y, w, pw: F.binary_cross_entropy_with_logits(x, y, w.detach(), pos_weight=pw.detach(),
                                                             reduction="none"),
      logits, hard, c.rand(5), c.rand(5) * 3)
c.add("bce_logits_sum_pos",
      lambda x, y, pw: F.binary_cross_entropy_with_logits(x, y, pos_weight=pw.detach(), reduction="sum"),
      logits, soft, c.rand(5) * 3)
c.add("bce_logits_3d", lambda x, y, w, pw: F.binary_cross_entropy_with_logits(x, y, w.detach(), pos_weight=pw.detach()),
      r(2, 3, 4), c.rand(2, 3, 4), c.rand(3, 1), c.rand(4) + 0.5)

# ----- cross_entropy -----
ce_logits = r(6, 5)
ce_target = c.randint(0, 5, 6)
ce_weight = c.rand(5) + 0.2
ce_ignore = ce_target.clone()
ce_ignore[1], ce_ignore[4] = 2, 2
ce_ignore_default = ce_target.clone()
ce_ignore_default[0], ce_ignore_default[3] = -100, -100
ce_probs = torch.softmax(r(6, 5), dim=1)
c.add("cross_entropy_mean", lambda x, t: F.cross_entropy(x, t), ce_logits, ce_target)
c.add("cross_entropy_weight_mean", lambda x, t, w: F.cross_entropy(x, t, w.detach()), ce_logits, ce_target, ce_weight)
c.add("cross_entropy_weight_sum", lambda x, t, w: F.cross_entropy(x, t, w.detach(), reduction="sum"),
      ce_logits, ce_target, ce_weight)
c.add("cross_entropy_none", lambda x, t: F.cross_entropy(x, t, reduction="none"), ce_logits, ce_target)
c.add("cross_entropy_ignore_index", lambda x, t, w: F.cross_entropy(x, t, w.detach(), ignore_index=2),
      ce_logits, ce_ignore, ce_weight)
c.add("cross_entropy_ignore_default", lambda x, t: F.cross_entropy(x, t, reduction="none"),
      ce_logits, ce_ignore_default)
c.add("cross_entropy_smoothing", lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1), ce_logits, ce_target)
c.add("cross_entropy_smoothing_weight_ignore",
      lambda x, t, w: F.cross_entropy(x, t, w.detach(), ignore_index=-100, label_smoothing=0.25),
      ce_logits, ce_ignore_default, ce_weight)
c.add("cross_entropy_smoothing_sum", lambda x, t: F.cross_entropy(x, t, reduction="sum", label_smoothing=0.3),
      ce_logits, ce_ignore_default)
c.add("cross_entropy_spatial", lambda x, t: F.cross_entropy(x, t), r(2, 4, 3, 3), c.randint(0, 4, 2, 3, 3))
c.add("cross_entropy_unbatched", lambda x, t: F.cross_entropy(x, t), r(5), torch.tensor(3))
c.add("cross_entropy_probs", lambda x, t: F.cross_entropy(x, t), ce_logits, ce_probs)
c.add("cross_entropy_probs_weight_smoothing_sum",
      lambda x, t, w: F.cross_entropy(x, t, w.detach(), reduction="sum", label_smoothing=0.2),
      ce_logits, ce_probs, ce_weight)
c.add("cross_entropy_probs_none", lambda x, t: F.cross_entropy(x, t, reduction="none"), ce_logits, ce_probs)

# ----- kl_div -----
kl_in = torch.log_softmax(r(4, 5), dim=1)
kl_t = torch.softmax(r(4, 5), dim=1)
kl_logt = torch.log_softmax(r(4, 5), dim=1)
c.add("kl_div_mean", lambda x, t: F.kl_div(x, t, reduction="mean"), kl_in, kl_t)
c.add("kl_div_sum", lambda x, t: F.kl_div(x, t, reduction="sum"), kl_in, kl_t)
c.add("kl_div_none", lambda x, t: F.kl_div(x, t, reduction="none"), kl_in, kl_t)
c.add("kl_div_batchmean", lambda x, t: F.kl_div(x, t, reduction="batchmean"), kl_in, kl_t)
c.add("kl_div_batchmean_log_target", lambda x, t: F.kl_div(x, t, reduction="batchmean", log_target=True),
      kl_in, kl_logt)
c.add("kl_div_none_log_target", lambda x, t: F.kl_div(x, t, reduction="none", log_target=True), kl_in, kl_logt)

# ----- mse_loss -----
c.add("mse_loss_mean", lambda x, y: F.mse_loss(x, y), r(4, 5), r(4, 5))
c.add("mse_loss_sum", lambda x, y: F.mse_loss(x, y, reduction="sum"), r(4, 5), r(4, 5))
c.add("mse_loss_none", lambda x, y: F.mse_loss(x, y, reduction="none"), r(4, 5), r(4, 5))
c.add("mse_loss_broadcast", lambda x, y: F.mse_loss(x, y), r(4, 5), r(5))

c.save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "functional.safetensors"))
