"""Writes the WIDER-Attribute reader fixture (Srn.Tests/Data/WiderAttributeReaderTests.cs): a tiny copy of the public
layout, hand-made, with the crops Pillow makes of each person box.

Run from this directory with Debian's python (numpy, Pillow):  /usr/bin/python3 make_wider_fixtures.py
Writes wider/ (emptied first):
  wider_attribute_annotation/wider_attribute_{trainval,test}.json   the official JSON layout: images[] with file_name
        and targets[] of {attribute: 14 values in 1 / -1 / 0, bbox: [x, y, width, height]}, attribute_id_map, scene_id_map
  Image/{train,val,test}/<scene>/<name>.png   small random RGB images (PNG, so decoding is exact)
  expected/<file_name without extension>_<k>.png   Pillow's img.crop((round(x), round(y), round(x + w), round(y + h)))
        of person k after clipping the box to the image, for every person the reader keeps
What the test expects: train = 4 people (val's included; the zero-width box of val/1--Handshaking/b.png dropped as
empty), test = 2 people, rows in JSON order; labels as written (0 unknown by default).
"""
import json
import os
import shutil

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "wider")
NAMES = {"0": "Male", "1": "longHair", "2": "sunglass", "3": "Hat", "4": "Tshiirt", "5": "longSleeve", "6": "formal",
         "7": "shorts", "8": "jeans", "9": "longPants", "10": "skirt", "11": "faceMask", "12": "logo", "13": "stripe"}
SCENES = {"0": "Parade", "1": "Handshaking", "2": "Meeting"}


def attrs(seed):
    rng = np.random.default_rng(seed)
    return [int(v) for v in rng.choice([1, -1, 0], size=14, p=[0.3, 0.5, 0.2])]


IMAGES = {
    "trainval": [
        ("train/0--Parade/0_Parade_a_1.png", (40, 30), [[3.5, 2.5, 10.5, 12.0], [30.2, 20.6, 15.0, 20.0]]),
        ("val/1--Handshaking/b.png", (20, 24), [[4.0, 5.0, 0.0, 6.0], [0.0, 0.0, 20.0, 24.0]]),
        ("train/2--Meeting/c.png", (16, 16), []),
        ("train/2--Meeting/d.png", (25, 18), [[-3.0, 1.49, 9.0, 8.0]]),
    ],
    "test": [
        ("test/0--Parade/e.png", (32, 32), [[8.0, 8.0, 16.0, 16.0], [0.5, 1.5, 2.0, 3.0]]),
    ],
}


def main():
    shutil.rmtree(ROOT, ignore_errors=True)
    rng = np.random.default_rng(5)
    seed = 0
    for split, images in IMAGES.items():
        entries = []
        for name, (w, h), boxes in images:
            path = os.path.join(ROOT, "Image", name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            img = Image.fromarray(rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8))
            img.save(path)
            targets = []
            for k, box in enumerate(boxes):
                seed += 1
                targets.append({"attribute": attrs(seed), "bbox": box})
                x0, y0, x1, y1 = map(int, map(round, (box[0], box[1], box[0] + box[2], box[1] + box[3])))
                x0, x1 = min(max(x0, 0), w), min(max(x1, 0), w)
                y0, y1 = min(max(y0, 0), h), min(max(y1, 0), h)
                if x1 <= x0 or y1 <= y0:
                    continue
                out = os.path.join(ROOT, "expected", os.path.splitext(name)[0] + f"_{k}.png")
                os.makedirs(os.path.dirname(out), exist_ok=True)
                img.crop((x0, y0, x1, y1)).save(out)
            entries.append({"file_name": name, "scene_id": int(name.split("/")[1].split("--")[0]), "targets": targets})
        doc = {"images": entries, "attribute_id_map": NAMES, "scene_id_map": SCENES}
        out = os.path.join(ROOT, "wider_attribute_annotation", f"wider_attribute_{split}.json")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w") as f:
            json.dump(doc, f, indent=1)
    print(f"{ROOT}: {sum(len(fs) for _, _, fs in os.walk(ROOT))} files")


if __name__ == "__main__":
    main()
