"""Writes the JPEG set both sides of the pipeline benchmark read: N photo-like 500x375 images (smooth colour
gradients, shapes and noise, quality 90, like a VOC/COCO photo in size), deterministic from a seed.

    /usr/bin/python3 benchmarks/make_jpegs.py OUT_DIR [N]
"""
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 512
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
for i in range(n):
    h, w = 375, 500
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([np.sin(x / rng.uniform(20, 90) + rng.uniform(0, 6)) * 60 + 120,
                     np.cos(y / rng.uniform(20, 90) + rng.uniform(0, 6)) * 60 + 120,
                     np.sin((x + y) / rng.uniform(30, 120)) * 60 + 120], axis=-1)
    base += rng.normal(0, 12, base.shape)
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x0, y0 = rng.integers(0, w - 60), rng.integers(0, h - 60)
        draw.ellipse([x0, y0, x0 + rng.integers(20, 160), y0 + rng.integers(20, 160)], fill=tuple(int(c) for c in rng.integers(0, 255, 3)))
    img.save(os.path.join(out, f"{i:05d}.jpg"), quality=90)
print(f"{n} JPEGs in {out}")
