"""Golden fixtures for Resize with PillowRounding: PIL's Image.resize on uint8 RGB images, the test transform of
HCP-MLR-PL (torchvision 0.8's transforms.Resize((S, S), interpolation=PIL.Image.BICUBIC) on PIL images calls exactly
img.resize((S, S), Image.BICUBIC)).

Run from the repository root with Debian's Python (Pillow 9.4, torch for the writer):
    /usr/bin/python3 Srn.Tests/Fixtures/Vision/make_pil_resize_fixtures.py
Writes Srn.Tests/Fixtures/Vision/pil_resize.safetensors; Srn.Tests/Vision/PillowResizeTests.cs replays every case.
Each case NAME_HxW (the output size) holds in0, the [3, H0, W0] uint8 input, and out0, PIL's [3, H, W] uint8 output;
cases ending in _bilinear use Image.BILINEAR, the others Image.BICUBIC. Inputs: crops of grace_hopper.jpg (decoded by
PIL, so that decoding is not under test), computer.png's sharp edges, and uniform noise, the worst case for the
bicubic overshoot that PIL clips between its two passes.
"""
import os
import sys

import numpy as np
import PIL
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import torch  # noqa: E402
from fixturelib import Cases, save_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGES = os.path.join(HERE, "..", "Images")
c = Cases(seed=20261202)


def pil_resize(x, h, w, resample):
    """x: [3, H0, W0] uint8 tensor -> PIL's resize, as a [3, h, w] uint8 tensor."""
    img = Image.fromarray(x.permute(1, 2, 0).contiguous().numpy(), "RGB")
    return torch.from_numpy(np.asarray(img.resize((w, h), resample)).copy()).permute(2, 0, 1).contiguous()


def chw(array):
    return torch.from_numpy(np.array(array)).permute(2, 0, 1).contiguous()


photo = np.asarray(Image.open(os.path.join(IMAGES, "grace_hopper.jpg")).convert("RGB"))
face = chw(photo[80:208, 170:282])      # 128 x 112: face and hair edges
patch = chw(photo[300:340, 200:248])    # 40 x 48
wide = chw(photo[400:490, 100:220])     # 90 x 120
icon = chw(np.asarray(Image.open(os.path.join(IMAGES, "computer.png")).convert("RGB")))  # 32 x 32, sharp edges
rng = np.random.default_rng(20261202)
noise = chw(rng.integers(0, 256, (45, 67, 3), dtype=np.uint8))
small_noise = chw(rng.integers(0, 256, (20, 30, 3), dtype=np.uint8))

for name, image, (h, w) in [
    ("face_down", face, (48, 40)),       # downscale both ways (antialiased kernel ~3x wide)
    ("patch_up", patch, (112, 96)),      # upscale, as a small image going to 448
    ("wide_mixed", wide, (64, 150)),     # height down, width up
    ("icon_up", icon, (100, 100)),
    ("noise_down", noise, (16, 16)),
    ("noise_up", small_noise, (70, 50)),
    ("patch_width_only", patch, (40, 30)),  # one pass only
]:
    c.add(f"{name}_{h}x{w}", lambda x, h=h, w=w: pil_resize(x, h, w, Image.BICUBIC), image, grad=False)
c.add("patch_up_112x96_bilinear", lambda x: pil_resize(x, 112, 96, Image.BILINEAR), patch, grad=False)

path = os.path.join(HERE, "pil_resize.safetensors")
save_safetensors(path, c.tensors, {"cases": ",".join(c.names), "pillow": PIL.__version__, "torch": torch.__version__})
print(f"{path}: {len(c.names)} cases, {len(c.tensors)} tensors")
