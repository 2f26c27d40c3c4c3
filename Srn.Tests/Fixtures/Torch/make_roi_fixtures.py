"""Golden fixtures for Srn.Torch.Functional.RoIPool / RoIAlign (torchvision.ops.roi_pool / roi_align).

Run with Debian's Python (the one with torch and torchvision):
    /usr/bin/python3 Srn.Tests/Fixtures/Torch/make_roi_fixtures.py
Writes roi.safetensors beside this script; Srn.Tests/Torch/RoIOpsTests.cs replays every case (forward and backward)
with the same arguments, through the CPU kernel and through the ATen composite. Each case has in0 = the feature map
[N, C, H, W] and in1 = the boxes [K, 5] (batch index, x1, y1, x2, y2) in image pixels; boxes get no gradient (grad1 is 0).
The no-box cases have in0 only.
"""
import os
import sys

import torch
from torchvision.ops import roi_align, roi_pool

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import Cases  # noqa: E402

c = Cases(seed=20240806)

# Three images; image 1 gets no box, so its gradient must stay zero. The image is 256 x 192 pixels: a 12 x 16 map at
# stride 16, a 24 x 32 map at stride 8.
BOXES = [
    (0, 0, 0, 256, 192),        # the whole image
    (0, 240, 176, 256, 192),    # the bottom-right corner cell
    (0, -40, -20, 100, 90),     # partly outside (top left)
    (2, 200, 150, 300, 260),    # partly outside (bottom right)
    (2, 300, 250, 400, 300),    # wholly outside
    (0, 33, 35, 40, 41),        # smaller than one cell
    (2, 64, 64, 64, 64),        # zero area
    (2, 50, 20, 50, 100),       # zero width
    (0, 8, 24, 40, 56),         # x1 * 1/16 = 0.5, y1 = 1.5, x2 = 2.5, y2 = 3.5: rounding halves away from zero
    (2, -8, -24, 8, 24),        # -0.5 and -1.5 cells
    (2, 120, 90, 100, 60),      # inverted (x2 < x1, y2 < y1)
    (0, 17.3, 5.9, 151.2, 99.7),
    (2, 3.1, 60.4, 222.8, 181.6),
    (0, 100.5, 10.25, 180.75, 44.5),
]


def boxes(dtype, rows=BOXES):
    return torch.tensor(rows, dtype=dtype).reshape(-1, 5)


def feat(h, w, dtype):
    return c.randn(3, 2, h, w, dtype=dtype)


def pool(output_size, scale):
    return lambda x, b: roi_pool(x, b, output_size, spatial_scale=scale)


def align(output_size, scale, sampling_ratio, aligned):
    return lambda x, b: roi_align(x, b, output_size, spatial_scale=scale, sampling_ratio=sampling_ratio, aligned=aligned)


for dtype, suffix in ((torch.float32, ""), (torch.float64, "_f64")):
    c.add("pool_s16" + suffix, pool(7, 1 / 16), feat(12, 16, dtype), boxes(dtype))
    c.add("align_s16_sr2_aligned" + suffix, align(7, 1 / 16, 2, True), feat(12, 16, dtype), boxes(dtype))
    c.add("align_s8_adaptive" + suffix, align((4, 3), 1 / 8, -1, False), feat(24, 32, dtype), boxes(dtype))
    # No boxes at all: a [0, C, oh, ow] output and a zero gradient. The empty boxes are made inside the op (the C# side
    # makes its own), so the fixture records no empty gradient for them.
    empty = boxes(dtype, [])
    c.add("pool_no_boxes" + suffix, lambda x, e=empty: pool(7, 1 / 16)(x, e), feat(12, 16, dtype))
    c.add("align_no_boxes" + suffix, lambda x, e=empty: align(7, 1 / 16, 2, False)(x, e), feat(12, 16, dtype))

f32 = torch.float32
c.add("pool_s8_rect", pool((3, 5), 1 / 8), feat(24, 32, f32), boxes(f32))
# Values in {0, 1, 2}: many ties, so the gradient must go to the first maximum of each bin.
c.add("pool_ties", pool((4, 3), 1 / 16), torch.randint(0, 3, (3, 2, 12, 16), generator=c._gen).to(f32), boxes(f32))
c.add("align_s16_sr2", align(7, 1 / 16, 2, False), feat(12, 16, f32), boxes(f32))
c.add("align_s8_adaptive_aligned", align((4, 3), 1 / 8, 0, True), feat(24, 32, f32), boxes(f32))
c.add("align_s16_sr1_rect", align((2, 5), 1 / 16, 1, False), feat(12, 16, f32), boxes(f32))

# Scale 1 on a small map, a single image: every box in map cells.
c.add("align_s1_adaptive", align(3, 1.0, -1, True), c.randn(1, 2, 9, 7),
      boxes(torch.float32, [(0, 0.5, 1.0, 6.5, 8.0), (0, -2.0, -2.0, 3.0, 2.5), (0, 2.25, 2.75, 5.5, 9.5)]))
c.add("pool_s1", pool(3, 1.0), c.randn(1, 2, 9, 7),
      boxes(torch.float32, [(0, 0.5, 1.0, 6.5, 8.0), (0, -2.0, -2.0, 3.0, 2.5), (0, 2.25, 2.75, 5.5, 9.5)]))

c.save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "roi.safetensors"))
