"""Writes the dataset-reader fixtures: tiny copies of each public dataset's real on-disk layout.

Run from this directory with any python3: `python3 make_data_fixtures.py`. Every file below is written
from scratch (the directories are emptied first). Image files are empty placeholders: the readers only
check that they exist. What each test expects is noted beside the data.
"""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))


def write(rel, text, newline="\n"):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline=newline) as f:
        f.write(text)


# A small real JPEG: the manifest check reads every image's headers, so placeholders must be readable images.
IMAGE = os.path.join(HERE, "..", "Images", "gen-exif-1.jpg")


def touch(rel):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    shutil.copyfile(IMAGE, path)


def reset(name):
    shutil.rmtree(os.path.join(HERE, name), ignore_errors=True)


# ---------------------------------------------------------------- COCO 2014
# The real 80 categories (id, name): ids 1..90 with gaps at 12, 26, 29, 30, 45, 66, 68, 69, 71, 83.
COCO_CATEGORIES = [
    (1, "person"), (2, "bicycle"), (3, "car"), (4, "motorcycle"), (5, "airplane"), (6, "bus"), (7, "train"),
    (8, "truck"), (9, "boat"), (10, "traffic light"), (11, "fire hydrant"), (13, "stop sign"),
    (14, "parking meter"), (15, "bench"), (16, "bird"), (17, "cat"), (18, "dog"), (19, "horse"), (20, "sheep"),
    (21, "cow"), (22, "elephant"), (23, "bear"), (24, "zebra"), (25, "giraffe"), (27, "backpack"),
    (28, "umbrella"), (31, "handbag"), (32, "tie"), (33, "suitcase"), (34, "frisbee"), (35, "skis"),
    (36, "snowboard"), (37, "sports ball"), (38, "kite"), (39, "baseball bat"), (40, "baseball glove"),
    (41, "skateboard"), (42, "surfboard"), (43, "tennis racket"), (44, "bottle"), (46, "wine glass"),
    (47, "cup"), (48, "fork"), (49, "knife"), (50, "spoon"), (51, "bowl"), (52, "banana"), (53, "apple"),
    (54, "sandwich"), (55, "orange"), (56, "broccoli"), (57, "carrot"), (58, "hot dog"), (59, "pizza"),
    (60, "donut"), (61, "cake"), (62, "chair"), (63, "couch"), (64, "potted plant"), (65, "bed"),
    (67, "dining table"), (70, "toilet"), (72, "tv"), (73, "laptop"), (74, "mouse"), (75, "remote"),
    (76, "keyboard"), (77, "cell phone"), (78, "microwave"), (79, "oven"), (80, "toaster"), (81, "sink"),
    (82, "refrigerator"), (84, "book"), (85, "clock"), (86, "vase"), (87, "scissors"), (88, "teddy bear"),
    (89, "hair drier"), (90, "toothbrush"),
]
assert len(COCO_CATEGORIES) == 80


def coco_file(split, images, annotations):
    # categories listed out of id order (reversed), to check the reader sorts them by id
    cats = [{"supercategory": "x", "id": i, "name": n} for i, n in reversed(COCO_CATEGORIES)]
    imgs = [{"license": 1, "file_name": f"COCO_{split}2014_{i:012d}.jpg", "coco_url": "http://x", "height": 480,
             "width": 640, "date_captured": "2013-11-14 16:28:13", "flickr_url": "http://y", "id": i} for i in images]
    anns = []
    for k, (image, cat) in enumerate(annotations):
        seg = {"counts": [5, 10, 15], "size": [480, 640]} if k % 3 == 2 else [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]
        anns.append({"segmentation": seg, "area": 12.5, "iscrowd": 1 if isinstance(seg, dict) else 0,
                     "image_id": image, "bbox": [1.0, 2.0, 3.0, 4.0], "category_id": cat, "id": 1000 + k})
    return json.dumps({"info": {"description": "fixture", "year": 2014}, "images": imgs, "licenses": [{"id": 1, "name": "l"}],
                       "annotations": anns, "categories": cats}, indent=1)


def make_coco():
    reset("coco")
    # train: 9 -> person (twice), toothbrush; 25 -> giraffe; 30 -> no annotations; 34 -> zebra, teddy bear
    write("coco/annotations/instances_train2014.json",
          coco_file("train", [9, 25, 30, 34], [(9, 1), (9, 1), (9, 90), (25, 25), (34, 24), (34, 88)]))
    # val: 42 -> dog; 73 -> no annotations; 74 -> car, dog
    write("coco/annotations/instances_val2014.json",
          coco_file("val", [42, 73, 74], [(42, 18), (74, 3), (74, 18)]))
    for i in [9, 25, 30, 34]:
        touch(f"coco/train2014/COCO_train2014_{i:012d}.jpg")
    for i in [42, 73, 74]:
        touch(f"coco/val2014/COCO_val2014_{i:012d}.jpg")


# ---------------------------------------------------------------- Pascal VOC 2007
def voc_xml(image_id, objects):
    objs = "".join(
        f"""
\t<object>
\t\t<name>{name}</name>
\t\t<pose>Unspecified</pose>
\t\t<truncated>0</truncated>
\t\t<difficult>{difficult}</difficult>
\t\t<bndbox>
\t\t\t<xmin>10</xmin>
\t\t\t<ymin>20</ymin>
\t\t\t<xmax>30</xmax>
\t\t\t<ymax>40</ymax>
\t\t</bndbox>
\t</object>""" for name, difficult in objects)
    return f"""<annotation>
\t<folder>VOC2007</folder>
\t<filename>{image_id}.jpg</filename>
\t<source>
\t\t<database>The VOC2007 Database</database>
\t\t<annotation>PASCAL VOC2007</annotation>
\t\t<image>flickr</image>
\t</source>
\t<size>
\t\t<width>500</width>
\t\t<height>375</height>
\t\t<depth>3</depth>
\t</size>
\t<segmented>0</segmented>{objs}
</annotation>
"""


def make_voc():
    reset("voc")
    base = "voc/VOCdevkit/VOC2007"
    annotations = {
        # trainval
        "000005": [("chair", 0), ("chair", 1), ("pottedplant", 1)],  # chair positive (one non-difficult); pottedplant difficult only
        "000007": [("car", 0)],
        "000009": [("horse", 0), ("person", 0), ("person", 1)],
        # test
        "000001": [("dog", 0), ("person", 0)],
        "000002": [("train", 0)],
        "000004": [("car", 1), ("car", 1)],  # car difficult only
    }
    for image_id, objects in annotations.items():
        write(f"{base}/Annotations/{image_id}.xml", voc_xml(image_id, objects))
        touch(f"{base}/JPEGImages/{image_id}.jpg")
    write(f"{base}/ImageSets/Main/trainval.txt", "000005\n000007\n000009\n")
    write(f"{base}/ImageSets/Main/test.txt", "000001\n000002\n000004\n")


# ---------------------------------------------------------------- NUS-WIDE
NUS_CONCEPTS = ["airport", "animal", "beach", "sky", "water", "zebra"]


def make_nuswide():
    reset("nuswide")
    # (path in the list, labels per concept, image present?)
    train = [
        ("actor\\0001_2124494179.jpg", [0, 0, 0, 1, 0, 0], True),
        ("airport\\0002_2287493871.jpg", [1, 0, 0, 1, 0, 0], True),
        ("beach\\0003_1028492387.jpg", [0, 0, 1, 1, 1, 0], False),  # missing image file
        ("animal\\0004_0384732091.jpg", [0, 0, 0, 0, 0, 0], True),  # untagged
        ("animal\\0005_9182736450.jpg", [0, 1, 0, 0, 0, 1], True),
    ]
    test = [
        ("water\\0101_1111111111.jpg", [0, 0, 0, 0, 1, 0], True),
        ("actor\\0102_2222222222.jpg", [0, 0, 0, 0, 0, 0], True),  # untagged
        ("zebra\\0103_3333333333.jpg", [0, 1, 0, 0, 0, 1], True),
        ("sky\\0104_4444444444.jpg", [0, 0, 0, 1, 0, 0], False),  # missing image file
    ]
    write("nuswide/Concepts81.txt", "".join(c + "\n" for c in NUS_CONCEPTS), newline="\r\n")
    for split, rows in [("Train", train), ("Test", test)]:
        # the official lists are Windows files: backslash paths, CRLF line ends
        write(f"nuswide/ImageList/{split}Imagelist.txt", "".join(p + "\n" for p, _, _ in rows), newline="\r\n")
        for c, concept in enumerate(NUS_CONCEPTS):
            write(f"nuswide/Groundtruth/TrainTestLabels/Labels_{concept}_{split}.txt",
                  "".join(f"{labels[c]} \n" for _, labels, _ in rows), newline="\r\n")
        for p, _, present in rows:
            if present:
                touch("nuswide/Flickr/" + p.replace("\\", "/"))


# ---------------------------------------------------------------- Visual Genome 200
def make_vg():
    reset("vg200")
    labels = {
        "1.jpg": [0, 5, 199],
        "2.jpg": [3],
        "107899.jpg": [5, 7, 7],  # repeated index
        "2345678.jpg": [],  # no positives
        "10.jpg": [1, 2],
        "2400001.jpg": [150],
        "999.jpg": [4],  # in neither list
    }
    write("vg200/vg_category_200_labels_index.json", json.dumps(labels))
    write("vg200/train_list_500.txt", "1.jpg\n2.jpg\n107899.jpg\n2345678.jpg\n")
    write("vg200/test_list_500.txt", "10.jpg\n2400001.jpg\n")
    for name in ["1.jpg", "2.jpg", "10.jpg"]:
        touch(f"vg200/VG_100K/{name}")
    for name in ["107899.jpg", "2345678.jpg", "2400001.jpg"]:
        touch(f"vg200/VG_100K_2/{name}")


# ---------------------------------------------------------------- plain manifests
def make_manifest():
    reset("manifest")
    header = "image,cat,dog,bird\n"
    write("manifest/pets.train.csv", header + "images/a.jpg,1,-1,0\nimages/b.jpg,-1,1,1\nimages/sub/c.jpg,-1,-1,-1\n")
    write("manifest/pets.test.csv", header + "images/d.jpg,0,1,-1\n")
    for name in ["a.jpg", "b.jpg", "sub/c.jpg", "d.jpg"]:
        touch(f"manifest/images/{name}")


if __name__ == "__main__":
    make_coco()
    make_voc()
    make_nuswide()
    make_vg()
    make_manifest()
