"""Fixtures for TorchCheckpoint.LoadStateDict (Srn.Tests/Torch/PthStateDictTests.cs): a model's state dict saved the
ways training code saves it.

Run with Debian's python (which has torch):  /usr/bin/python3 make_pth_wrapping_fixtures.py
Writes into pth/wrapping/ beside this script (the model is make_pth_fixtures.py's small Conv2d+BatchNorm2d+Linear):
  dataparallel.pth        nn.DataParallel(model).state_dict(): every key starts with "module." (zip)
  hcp_checkpoint.pth      {'epoch': 7, 'state_dict': the DataParallel state dict, 'best_mAP': 71.25}, HCP-MLR-PL's
                          save_checkpoint (zip)
  model_key_legacy.pth    {'model': model state dict, 'optimizer': SGD state dict, 'epoch': 2} (legacy format)
  both_keys.pth           {'state_dict': sd, 'model': sd}: ambiguous
  partial_prefix.pth      half the keys with "module.", half without: ambiguous
  no_wrapper.pth          {'weights': sd, 'epoch': 1}: no known wrapper key
  expected.safetensors    the model's state dict (the keys every loadable file must give, in order)
"""
import collections
import os
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
from fixturelib import save_safetensors  # noqa: E402
from make_pth_fixtures import model_state_dict  # noqa: E402

OUT = os.path.join(HERE, "pth", "wrapping")


def main():
    os.makedirs(OUT, exist_ok=True)
    sd = model_state_dict()
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 4 * 4, 5))
    model.load_state_dict(sd)
    dp = nn.DataParallel(model).state_dict()
    assert all(k.startswith("module.") for k in dp) and len(dp) == len(sd)
    torch.save(dp, os.path.join(OUT, "dataparallel.pth"))
    torch.save({"epoch": 7, "state_dict": dp, "best_mAP": 71.25}, os.path.join(OUT, "hcp_checkpoint.pth"))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(2, 3, 6, 6)).sum().backward()
    optimizer.step()  # momentum buffers: the optimizer's state dict holds tensors too, nested deeper
    torch.save({"model": sd, "optimizer": optimizer.state_dict(), "epoch": 2}, os.path.join(OUT, "model_key_legacy.pth"),
               _use_new_zipfile_serialization=False)
    torch.save({"state_dict": sd, "model": sd}, os.path.join(OUT, "both_keys.pth"))
    partial = collections.OrderedDict((("module." + k) if i % 2 == 0 else k, v) for i, (k, v) in enumerate(sd.items()))
    torch.save(partial, os.path.join(OUT, "partial_prefix.pth"))
    torch.save({"weights": sd, "epoch": 1}, os.path.join(OUT, "no_wrapper.pth"))
    save_safetensors(os.path.join(OUT, "expected.safetensors"), sd, {"torch": torch.__version__})
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"{OUT}: {len(os.listdir(OUT))} files, {total} bytes, {len(sd)} tensors")


if __name__ == "__main__":
    main()
