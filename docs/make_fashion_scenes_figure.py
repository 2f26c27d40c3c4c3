"""Draws docs/fashion-scenes.png from a FashionScenes directory (run with Debian's /usr/bin/python3, which has Pillow).

    ./srn data fashion-scenes --out /tmp/fashion-scenes      # the default generation, seed 0
    /usr/bin/python3 docs/make_fashion_scenes_figure.py /tmp/fashion-scenes docs/fashion-scenes.png

Top row: train scenes 0..7 as generated (pixels doubled). Bottom row: the same scenes with the boxes file drawn on them.
"""
import csv
import collections
import glob
import sys

from PIL import Image, ImageDraw

SCENES = 8
ZOOM = 2
GAP = 4


def main(directory, out):
    boxes = collections.defaultdict(list)
    with open(f"{directory}/fashion_scenes.train.boxes.csv") as f:
        for row in csv.DictReader(f):
            boxes[row["image"]].append(row)
    with open(f"{directory}/fashion_scenes.train.csv") as f:
        images = [row["image"] for row in csv.DictReader(f)][:SCENES]
    first = Image.open(f"{directory}/{images[0]}")
    side = first.width * ZOOM
    sheet = Image.new("RGB", (SCENES * (side + GAP) + GAP, 2 * (side + GAP) + GAP), (255, 255, 255))
    for k, image in enumerate(images):
        scene = Image.open(f"{directory}/{image}").convert("RGB").resize((side, side), Image.NEAREST)
        boxed = scene.copy()
        draw = ImageDraw.Draw(boxed)
        for b in boxes[image]:
            x1, y1, x2, y2 = (float(b[c]) * ZOOM for c in ("x1", "y1", "x2", "y2"))
            draw.rectangle([x1, y1, x2 - 1, y2 - 1], outline=(255, 255, 0))
            draw.text((x1 + 2, y1 + 1), b["class"], fill=(255, 255, 0))
        x = GAP + k * (side + GAP)
        sheet.paste(scene, (x, GAP))
        sheet.paste(boxed, (x, 2 * GAP + side))
    sheet.save(out, optimize=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
