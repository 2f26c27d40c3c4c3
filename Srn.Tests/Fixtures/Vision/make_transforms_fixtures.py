"""Golden fixtures for Srn.Vision.Transforms: the deterministic image transforms against torchvision.

Run from the repository root with Debian's Python (torch 1.13 + torchvision 0.14, the libtorch the tests use):
    /usr/bin/python3 Srn.Tests/Fixtures/Vision/make_transforms_fixtures.py
Writes Srn.Tests/Fixtures/Vision/transforms.safetensors; Srn.Tests/Vision/TransformsTests.cs replays every case.
Every case is torchvision.transforms.functional on a [C, H, W] tensor (or torch.nn.functional.interpolate for the
antialiased resampling itself), inputs in0 (the image), output out0.
"""
import os
import sys
import warnings

import torch
import torch.nn.functional as F
import torchvision.transforms.functional as TF
from torchvision.transforms import InterpolationMode

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fixturelib import Cases  # noqa: E402

warnings.filterwarnings("ignore")
c = Cases(seed=20261123)

# Odd sizes so halves, rounding and kernel edges all show up.
u8 = c.randint(0, 256, 3, 19, 27).to(torch.uint8)
f32 = c.rand(3, 19, 27)
gray_u8 = c.randint(0, 256, 1, 19, 27).to(torch.uint8)
gray_f32 = c.rand(1, 19, 27)
# Saturated and gray pixels exercise the HSV branches (max == min, max == r/g/b ties).
sat = c.rand(3, 19, 27)
sat[:, :5] = sat[0:1, :5]
sat[1, 5:10] = sat[0, 5:10]
sat[:, 10:12] = torch.tensor([1.0, 0.0, 0.0]).view(3, 1, 1)
sat[:, 12:14] = 0.0
images = {"u8": u8, "f32": f32}

MODES = {"nearest": InterpolationMode.NEAREST, "bilinear": InterpolationMode.BILINEAR, "bicubic": InterpolationMode.BICUBIC}
SIZES = {"down": [10, 15], "up": [29, 40]}

# ----- resize: every mode, with and without antialias, down and up, uint8 and float32 -----
for kind, img in images.items():
    for mode_name, mode in MODES.items():
        for direction, size in SIZES.items():
            for aa in ([False] if mode_name == "nearest" else [False, True]):
                name = f"resize_{mode_name}_{'aa' if aa else 'noaa'}_{direction}_{kind}"
                c.add(name, lambda x, size=size, mode=mode, aa=aa: TF.resize(x, size, mode, antialias=aa), img, grad=False)
    # shorter side (19 x 27 -> 12 x 17); with a max size (15 x 21 has its longer side capped: 12 x 18)
    c.add(f"resize_shorter_side_{kind}", lambda x: TF.resize(x, [12], InterpolationMode.BILINEAR, antialias=True), img, grad=False)
    c.add(f"resize_shorter_side_max_size_{kind}", lambda x: TF.resize(x, [15], InterpolationMode.BICUBIC, max_size=18, antialias=True), img, grad=False)
    c.add(f"resize_same_size_{kind}", lambda x: TF.resize(x, [19, 27], InterpolationMode.BILINEAR, antialias=True), img, grad=False)
# A tall image, so the shorter side is the width.
c.add("resize_shorter_side_tall_f32", lambda x: TF.resize(x, [8], InterpolationMode.BILINEAR, antialias=True), f32.transpose(1, 2).contiguous(), grad=False)

# ----- the antialiased interpolation itself (4-d), by size and by scale factor -----
batch = c.rand(2, 3, 23, 31)
c.add("interpolate_aa_bilinear_size", lambda x: F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=False, antialias=True), batch, grad=False)
c.add("interpolate_aa_bicubic_size", lambda x: F.interpolate(x, size=(7, 9), mode="bicubic", align_corners=False, antialias=True), batch, grad=False)
c.add("interpolate_aa_bilinear_scale", lambda x: F.interpolate(x, scale_factor=0.4, mode="bilinear", align_corners=False, antialias=True), batch, grad=False)
c.add("interpolate_aa_bicubic_align_corners", lambda x: F.interpolate(x, size=(6, 25), mode="bicubic", align_corners=True, antialias=True), batch, grad=False)

# ----- crops and flips -----
for kind, img in images.items():
    c.add(f"center_crop_{kind}", lambda x: TF.center_crop(x, [10, 16]), img, grad=False)  # offsets round(4.5) = 4, round(5.5) = 6
    c.add(f"center_crop_pad_{kind}", lambda x: TF.center_crop(x, [22, 30]), img, grad=False)
    c.add(f"center_crop_pad_width_{kind}", lambda x: TF.center_crop(x, [11, 32]), img, grad=False)
    c.add(f"hflip_{kind}", lambda x: TF.hflip(x), img, grad=False)

# ----- dtype conversion and normalisation -----
c.add("to_float", lambda x: TF.convert_image_dtype(x, torch.float32), u8, grad=False)
c.add("normalize", lambda x: TF.normalize(x, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]), f32, grad=False)
c.add("normalize_broadcast", lambda x: TF.normalize(x, [0.5], [0.25]), f32, grad=False)

# ----- colour-jitter adjustments with fixed factors -----
for kind, img in {**images, "gray_u8": gray_u8, "gray_f32": gray_f32}.items():
    for factor in (0.4, 1.7):
        tag = str(factor).replace(".", "p")
        c.add(f"brightness_{tag}_{kind}", lambda x, f=factor: TF.adjust_brightness(x, f), img, grad=False)
        c.add(f"contrast_{tag}_{kind}", lambda x, f=factor: TF.adjust_contrast(x, f), img, grad=False)
        c.add(f"saturation_{tag}_{kind}", lambda x, f=factor: TF.adjust_saturation(x, f), img, grad=False)
for kind, img in {**images, "sat_f32": sat, "gray_f32": gray_f32}.items():
    for factor in (-0.5, -0.3, 0.15, 0.5):
        tag = ("m" if factor < 0 else "p") + str(abs(factor)).replace(".", "p")
        c.add(f"hue_{tag}_{kind}", lambda x, f=factor: TF.adjust_hue(x, f), img, grad=False)

c.save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "transforms.safetensors"))
