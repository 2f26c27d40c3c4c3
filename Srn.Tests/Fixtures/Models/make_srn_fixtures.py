"""Golden fixture for SRN (Srn.Core/Models/Srn): a PyTorch SRN written from docs/methods.md ("SRN") with the same state-dict
names as SpatialRegularizationNet, on Srn's resnet-small (torchvision's ResNet class with BasicBlock [1, 1, 1, 1] and
widths 16-32-64-128) at 64x64 input (stage-3 map 4x4), width 32, 3 classes.
Saves weights (model/<key>), input, every head, the attention and confidence maps, and the gradient of the input for
a fixed upstream gradient of the fused logits, for the paper's network and for the batch-norm variant with learnt alpha.
Run: /usr/bin/python3 make_srn_fixtures.py  (writes srn.safetensors; importing it writes nothing)."""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from fixturelib import save_safetensors  # noqa: E402


class ConvUnit(nn.Module):
    def __init__(self, cin, cout, k, padding=0, groups=1, bn=False, relu=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, padding=padding, groups=groups, bias=not bn)
        self.bn = nn.BatchNorm2d(cout) if bn else None
        self.relu = relu

    def forward(self, x):
        x = self.conv(x)
        if self.bn is not None:
            x = self.bn(x)
        return F.relu(x) if self.relu else x


class Seq(nn.Module):
    def __init__(self, *layers):
        super().__init__()
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


class Regularizer(nn.Module):
    def __init__(self, c, w, fpg, m, bn):
        super().__init__()
        self.semantic = nn.Sequential(ConvUnit(c, w, 1, bn=bn), ConvUnit(w, w, 1, bn=bn))
        self.conv4 = ConvUnit(w, w * fpg, m, groups=w, bn=bn)
        self.fc5 = nn.Linear(w * fpg, c)

    def forward(self, u):
        return self.fc5(self.conv4(self.semantic(u)).flatten(1))


def resnet_small(c):
    """torchvision's ResNet rebuilt with resnet-small's widths: same module names, so the same state-dict keys."""
    from torchvision.models.resnet import BasicBlock, ResNet
    net = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=c)
    net.inplanes = 16
    net.conv1 = nn.Conv2d(3, 16, kernel_size=7, stride=2, padding=3, bias=False)
    net.bn1 = nn.BatchNorm2d(16)
    net.layer1 = net._make_layer(BasicBlock, 16, 1)
    net.layer2 = net._make_layer(BasicBlock, 32, 1, stride=2)
    net.layer3 = net._make_layer(BasicBlock, 64, 1, stride=2)
    net.layer4 = net._make_layer(BasicBlock, 128, 1, stride=2)
    net.fc = nn.Linear(128, c)
    return net


class Srn(nn.Module):
    def __init__(self, c, w, m, bn, learn_alpha, alpha=0.5):
        super().__init__()
        self.backbone = resnet_small(c)
        self.attention = Seq(ConvUnit(64, w, 1, bn=bn), ConvUnit(w, w, 3, padding=1, bn=bn), ConvUnit(w, c, 1, relu=False))
        self.confidence = (Seq(ConvUnit(64, c, 1, bn=True), ConvUnit(c, c, 1, relu=False)) if bn
                           else Seq(ConvUnit(64, c, 1, relu=False)))
        self.regularizer = Regularizer(c, w, 4, m, bn)
        self.fixed_alpha = alpha
        if learn_alpha:
            self.alpha = nn.Parameter(torch.tensor(alpha))
        else:
            self.alpha = None

    def forward(self, x):
        b = self.backbone
        x = b.maxpool(b.relu(b.bn1(b.conv1(x))))
        x = b.layer3(b.layer2(b.layer1(x)))
        cls = b.fc(torch.flatten(b.avgpool(b.layer4(x)), 1))
        z = self.attention(x)
        n, c, h, w = z.shape
        a = torch.softmax(z.reshape(n, c, h * w), -1).reshape(n, c, h, w)
        s = self.confidence(x)
        att = (a * s).sum([2, 3])
        sr = self.regularizer(a * torch.sigmoid(s))
        if self.alpha is None:
            y = cls * self.fixed_alpha + sr * (1 - self.fixed_alpha)
        else:
            y = sr + (cls - sr) * self.alpha.clamp(0, 1)
        return cls, att, sr, y, a, s


def case(name, bn, learn_alpha, train, tensors):
    torch.manual_seed(7 if bn else 3)
    net = Srn(3, 32, 4, bn, learn_alpha)
    with torch.no_grad():  # give batch norms non-trivial statistics and affine parameters
        for mod in net.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.uniform_(-0.2, 0.2)
                mod.running_var.uniform_(0.5, 1.5)
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.2, 0.2)
    net.train(train)
    sd = {f"{name}/model/{k}": v.clone() for k, v in net.state_dict().items()}
    x = torch.randn(2, 3, 64, 64, requires_grad=True)
    outs = net(x)
    gout = torch.randn_like(outs[3])
    outs[3].backward(gout)
    tensors.update(sd)
    tensors[f"{name}/input"] = x.detach()
    for key, t in zip(["cls", "att", "sr", "fused", "attention", "confidence"], outs):
        tensors[f"{name}/{key}"] = t.detach()
    tensors[f"{name}/gout"] = gout
    tensors[f"{name}/grad_input"] = x.grad.detach()


def main():
    tensors = {}
    case("paper_eval", bn=False, learn_alpha=False, train=False, tensors=tensors)
    case("variant_train", bn=True, learn_alpha=True, train=True, tensors=tensors)
    save_safetensors(os.path.join(os.path.dirname(os.path.abspath(__file__)), "srn.safetensors"), tensors,
                     {"torch": torch.__version__, "script": "make_srn_fixtures.py"})
    print(len(tensors), "tensors")


if __name__ == "__main__":  # importable (make_autocast_fixtures.py builds its SRN head from Srn)
    main()
