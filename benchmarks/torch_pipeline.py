"""The PyTorch side of the image-pipeline benchmark: torchvision's DataLoader with PIL, the same pipeline as Srn's
(decode JPEG, resize shorter side to 256, random crop 224, random horizontal flip, to float, normalize, batch 32).

    /usr/bin/python3 benchmarks/torch_pipeline.py JPEG_DIR WORKERS EPOCHS
Prints JSON: images per second (best epoch after one warm-up epoch), workers, images.
"""
import json
import os
import sys
import time

import torch
from PIL import Image
from torchvision import transforms


class Folder(torch.utils.data.Dataset):
    def __init__(self, root, transform):
        self.files = sorted(os.path.join(root, f) for f in os.listdir(root) if f.endswith(".jpg"))
        self.transform = transform

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        with Image.open(self.files[i]) as im:
            return self.transform(im.convert("RGB")), torch.zeros(20)


def main():
    root, workers, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(1)
    pipeline = transforms.Compose([
        transforms.Resize(256), transforms.RandomCrop(224), transforms.RandomHorizontalFlip(),
        transforms.ToTensor(), transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    data = Folder(root, pipeline)
    loader = torch.utils.data.DataLoader(data, batch_size=32, shuffle=True, num_workers=workers, drop_last=False,
                                         persistent_workers=workers > 0)
    rates = []
    for epoch in range(epochs + 1):
        start = time.perf_counter()
        count = 0
        for images, _ in loader:
            count += images.shape[0]
        if epoch > 0:
            rates.append(count / (time.perf_counter() - start))
    print(json.dumps({"images_per_second": max(rates), "rates": rates, "workers": workers, "images": len(data)}))


if __name__ == "__main__":
    main()
