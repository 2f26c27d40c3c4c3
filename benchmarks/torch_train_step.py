"""The PyTorch side of the training-step benchmark (benchmarks/Srn.Benchmarks/TrainStep.cs).

    /usr/bin/python3 benchmarks/torch_train_step.py MODEL BATCH SIZE STEPS WARMUP THREADS [MODE]

torchvision's model (resnet-small is built to the same shape as Srn's registry entry), BCE-with-logits on random
multi-label targets, SGD (momentum 0.9, weight decay 1e-4, foreach=False: the single-tensor loop Srn also runs).
MODE (default fp32) is one of fp32, fp32+cl (channels-last model and input), bf16 (torch.autocast('cpu', bfloat16)
around forward and loss, the loss on out.float()) and bf16+cl (both); backward and SGD run outside autocast.
Prints JSON: median and all step times, per-phase times (forward and loss, backward, zero-grad and SGD), peak RSS
(VmHWM) and the RSS before the model was built.
"""
import contextlib
import json
import statistics
import sys
import time

import torch
import torchvision


# mode: (autocast in bfloat16 around forward and loss, channels-last model and input)
MODES = {"fp32": (False, False), "fp32+cl": (False, True), "bf16": (True, False), "bf16+cl": (True, True)}


def rss_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def make(name, classes):
    if name == "resnet-small":
        from torchvision.models.resnet import BasicBlock, ResNet

        class Small(ResNet):
            def __init__(self):
                super().__init__(BasicBlock, [1, 1, 1, 1], num_classes=classes)
                # Srn's resnet-small: stem 16, stage widths 16/32/64/128 (rebuild the layers at those widths).
                self.inplanes = 16
                self.conv1 = torch.nn.Conv2d(3, 16, 7, 2, 3, bias=False)
                self.bn1 = torch.nn.BatchNorm2d(16)
                self.layer1 = self._make_layer(BasicBlock, 16, 1)
                self.layer2 = self._make_layer(BasicBlock, 32, 1, stride=2)
                self.layer3 = self._make_layer(BasicBlock, 64, 1, stride=2)
                self.layer4 = self._make_layer(BasicBlock, 128, 1, stride=2)
                self.fc = torch.nn.Linear(128, classes)

        return Small()
    return getattr(torchvision.models, name)(num_classes=classes)


def main():
    name, batch, size, steps, warmup, threads = sys.argv[1], *map(int, sys.argv[2:7])
    mode = sys.argv[7] if len(sys.argv) > 7 else "fp32"
    if mode not in MODES:
        sys.exit(f"unknown mode {mode}: one of {', '.join(MODES)}")
    autocast, channels_last = MODES[mode]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    before = rss_kb("VmRSS")
    classes = 20
    model = make(name, classes).train()
    layout = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(memory_format=layout)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4, foreach=False)
    x = torch.randn(batch, 3, size, size).to(memory_format=layout)
    y = (torch.rand(batch, classes) < 0.3).float()
    times, forward, backward, update = [], [], [], []
    for step in range(warmup + steps):
        start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16) if autocast else contextlib.nullcontext():
            out = model(x)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(out.float(), y)
        forward_end = time.perf_counter()
        loss.backward()
        backward_end = time.perf_counter()
        opt.step()
        loss_value = loss.item()
        end = time.perf_counter()
        if step >= warmup:
            times.append(end - start)
            forward.append(forward_end - start)
            backward.append(backward_end - forward_end)
            update.append(end - backward_end)
    print(json.dumps({"median_seconds": statistics.median(times), "times": times, "mode": mode, "forward_times": forward,
                      "backward_times": backward, "update_times": update, "peak_rss_kb": rss_kb("VmHWM"),
                      "rss_before_model_kb": before, "threads": torch.get_num_threads(), "loss": loss_value}))


if __name__ == "__main__":
    main()
