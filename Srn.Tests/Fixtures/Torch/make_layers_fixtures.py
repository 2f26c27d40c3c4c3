"""Golden fixtures for Srn.Torch.NN: layers (torch.nn modules), their default initialisation, and torch.nn.init.

Run from the repository root with Debian's Python (it has torch 1.13, the same libtorch the tests use):
    /usr/bin/python3 Srn.Tests/Fixtures/Torch/make_layers_fixtures.py
Writes Srn.Tests/Fixtures/Torch/layers.safetensors; Srn.Tests/Torch/LayersParityTests.cs replays every case and
Srn.Tests/Torch/LayersModuleTests.cs reads the names recorded in the file's metadata.

Every layer case builds its layer under torch.manual_seed(k): the C# twin calls LibTorch.ManualSeed(k) and builds
the same layer, so the initial parameters (returned as extra outputs, after the forward output) must be PyTorch's
bit for bit. Cases named *_param_grads take the upstream gradient as their last input and return the gradient of
every parameter instead.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.init as init

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fixturelib import Cases, save_safetensors  # noqa: E402

c = Cases(seed=20261125)
r = c.randn


def seeded(seed, make):
    torch.manual_seed(seed)
    return make()


def state(m):
    """The state dict values in order (parameters and persistent buffers), detached copies."""
    return [t.detach().clone() for t in m.state_dict().values()]


def layer_case(name, seed, make, *inputs, call=None, train=True, grad=True):
    """Records [forward output, *state dict values] of a layer built under manual_seed(seed)."""
    def fn(*xs):
        m = seeded(seed, make)
        m.train(train)
        y = call(m, *xs) if call else m(*xs)
        return [y, *state(m)]
    c.add(name, fn, *inputs, grad=grad)


def param_grads_case(name, seed, make, *inputs, call=None):
    """Records the gradient of every parameter for the upstream gradient given as the last input."""
    def fn(*xs):
        m = seeded(seed, make)
        *args, gout = xs
        y = call(m, *args) if call else m(*args)
        return list(torch.autograd.grad(y, list(m.parameters()), gout))
    c.add(name, fn, *inputs, grad=False)


def init_case(name, seed, shape, fill, dtype=torch.float32):
    def fn():
        torch.manual_seed(seed)
        t = torch.empty(shape, dtype=dtype)
        fill(t)
        return t
    c.add(name, fn, grad=False)


# ----- torch.nn.init under a seed: same generator, same draws -----
init_case("init_kaiming_uniform_fan_in_relu", 11, (6, 4, 3, 3), lambda t: init.kaiming_uniform_(t, mode="fan_in", nonlinearity="relu"))
init_case("init_kaiming_uniform_fan_out_leaky_relu", 12, (5, 7), lambda t: init.kaiming_uniform_(t, a=0.2, mode="fan_out", nonlinearity="leaky_relu"))
init_case("init_kaiming_uniform_defaults", 13, (8, 3), lambda t: init.kaiming_uniform_(t))
init_case("init_kaiming_uniform_sqrt5_float64", 14, (6, 5), lambda t: init.kaiming_uniform_(t, a=5 ** 0.5), dtype=torch.float64)
init_case("init_kaiming_normal_fan_out_relu", 15, (6, 4, 3, 3), lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"))
init_case("init_kaiming_normal_fan_in_leaky_relu", 16, (5, 7), lambda t: init.kaiming_normal_(t, a=0.1, mode="fan_in", nonlinearity="leaky_relu"))
init_case("init_xavier_uniform_tanh_gain", 17, (6, 4, 3, 3), lambda t: init.xavier_uniform_(t, gain=init.calculate_gain("tanh")))
init_case("init_xavier_normal", 18, (5, 7), lambda t: init.xavier_normal_(t))
init_case("init_uniform", 19, (4, 5), lambda t: init.uniform_(t, -0.3, 0.7))
init_case("init_normal", 20, (4, 5), lambda t: init.normal_(t, 0.5, 2.0))
init_case("init_zeros", 21, (3, 2), lambda t: init.zeros_(t))
init_case("init_ones", 22, (3, 2), lambda t: init.ones_(t))
init_case("init_constant", 23, (3, 2), lambda t: init.constant_(t, 0.25))
init_case("init_orthogonal_tall", 24, (8, 3), lambda t: init.orthogonal_(t))
init_case("init_orthogonal_wide", 25, (3, 8), lambda t: init.orthogonal_(t))
init_case("init_orthogonal_4d_wide_gain", 26, (4, 2, 3, 3), lambda t: init.orthogonal_(t, gain=2.0))
init_case("init_orthogonal_4d_tall", 27, (20, 2, 1, 3), lambda t: init.orthogonal_(t))
c.add("init_calculate_gain", lambda: torch.tensor([
    init.calculate_gain("linear"), init.calculate_gain("sigmoid"), init.calculate_gain("tanh"),
    init.calculate_gain("relu"), init.calculate_gain("leaky_relu"), init.calculate_gain("leaky_relu", 0.2),
    init.calculate_gain("selu")], dtype=torch.float64), grad=False)

# ----- Linear -----
layer_case("linear", 1, lambda: nn.Linear(5, 3), r(2, 4, 5))
layer_case("linear_no_bias", 2, lambda: nn.Linear(5, 3, bias=False), r(4, 5))
param_grads_case("linear_param_grads", 1, lambda: nn.Linear(5, 3), r(2, 4, 5), r(2, 4, 3))

# ----- Conv2d -----
layer_case("conv2d", 3, lambda: nn.Conv2d(3, 4, 3, padding=1), r(2, 3, 6, 6))
layer_case("conv2d_no_bias_stride", 4, lambda: nn.Conv2d(3, 5, (3, 2), stride=2, bias=False), r(2, 3, 7, 6))
layer_case("conv2d_groups_dilation", 5, lambda: nn.Conv2d(4, 6, 3, padding=2, dilation=2, groups=2), r(1, 4, 7, 7))
param_grads_case("conv2d_param_grads", 3, lambda: nn.Conv2d(3, 4, 3, padding=1), r(2, 3, 6, 6), r(2, 4, 6, 6))

# ----- BatchNorm2d: outputs are [y, weight, bias, running_mean, running_var, num_batches_tracked] -----
bx0 = r(4, 3, 5, 5) * 2 + 1
bx1 = r(4, 3, 5, 5) * 0.5 - 2
bx2 = r(2, 3, 4, 4) * 3
layer_case("batch_norm_train", 0, lambda: nn.BatchNorm2d(3), bx0)


def bn_after_one_batch(x0, **kwargs):
    bn = nn.BatchNorm2d(3, **kwargs)
    with torch.no_grad():
        bn(x0)
    return bn


def bn_eval(x0, x):
    bn = bn_after_one_batch(x0).eval()
    return [bn(x), *state(bn)]


def bn_frozen(x0, x):
    # C#: BatchNorm2d.FrozenStatistics = true in training mode, which must behave as PyTorch's eval mode.
    bn = bn_after_one_batch(x0, momentum=0.3).eval()
    return [bn(x), *state(bn)]


def bn_cumulative(x0, x1, x2):
    bn = nn.BatchNorm2d(3, momentum=None)
    bn(x0)
    bn(x1)
    return [bn(x2), *state(bn)]


c.add("batch_norm_eval", bn_eval, bx0, bx1)
c.add("batch_norm_frozen_statistics_in_train", bn_frozen, bx0, bx1)
c.add("batch_norm_cumulative_average", bn_cumulative, bx0, bx1, bx2)
layer_case("batch_norm_untracked_eval", 0, lambda: nn.BatchNorm2d(3, affine=False, track_running_stats=False), bx1, train=False)

# ----- LayerNorm -----
layer_case("layer_norm_affine", 0, lambda: nn.LayerNorm([4, 5]), r(2, 3, 4, 5))
layer_case("layer_norm_no_affine", 0, lambda: nn.LayerNorm(5, eps=1e-3, elementwise_affine=False), r(3, 5) * 3)
param_grads_case("layer_norm_param_grads", 0, lambda: nn.LayerNorm([4, 5]), r(2, 3, 4, 5), r(2, 3, 4, 5))

# ----- Embedding -----
layer_case("embedding", 6, lambda: nn.Embedding(7, 4), c.randint(0, 7, 2, 3), grad=False)
layer_case("embedding_padding", 7, lambda: nn.Embedding(7, 4, padding_idx=2), torch.tensor([[2, 0, 6], [2, 3, 2]]), grad=False)
layer_case("embedding_padding_negative", 8, lambda: nn.Embedding(6, 3, padding_idx=-1), torch.tensor([5, 1, 5, 0, 4]), grad=False)
param_grads_case("embedding_padding_param_grads", 7, lambda: nn.Embedding(7, 4, padding_idx=2),
                 torch.tensor([[2, 0, 6, 0], [2, 3, 2, 1], [6, 6, 2, 5]]), r(3, 4, 4))

# ----- GRUCell: outputs are [h', weight_ih, weight_hh, bias_ih, bias_hh] -----
layer_case("gru_cell", 9, lambda: nn.GRUCell(5, 4), r(3, 5), r(3, 4))
layer_case("gru_cell_no_hidden", 10, lambda: nn.GRUCell(5, 4), r(3, 5))
layer_case("gru_cell_no_bias", 11, lambda: nn.GRUCell(3, 6, bias=False), r(2, 3), r(2, 6))
layer_case("gru_cell_unbatched", 12, lambda: nn.GRUCell(5, 4), r(5), r(4))
layer_case("gru_cell_two_steps", 9, lambda: nn.GRUCell(5, 4), r(3, 5), r(3, 5), call=lambda m, x1, x2: m(x2, m(x1)))
param_grads_case("gru_cell_param_grads", 9, lambda: nn.GRUCell(5, 4), r(3, 5), r(3, 4), r(3, 4))

# ----- Dropout (the mask comes from the global generator) -----
layer_case("dropout_train", 13, lambda: nn.Dropout(0.3), r(4, 6))
layer_case("dropout_train_p1", 13, lambda: nn.Dropout(1.0), r(4, 6))
layer_case("dropout_eval", 13, lambda: nn.Dropout(0.3), r(4, 6), train=False)

# ----- pooling and activations -----
img = r(2, 3, 7, 6)
layer_case("avg_pool2d", 0, lambda: nn.AvgPool2d(2), img)
layer_case("avg_pool2d_pad_ceil_exclude_pad", 0, lambda: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), img)
layer_case("avg_pool2d_divisor_override", 0, lambda: nn.AvgPool2d((2, 3), stride=(1, 2), divisor_override=4), img)
layer_case("max_pool2d", 0, lambda: nn.MaxPool2d(3, stride=2, padding=1), img)
layer_case("max_pool2d_dilation_ceil", 0, lambda: nn.MaxPool2d(2, stride=1, dilation=2, ceil_mode=True), img)
layer_case("adaptive_avg_pool2d", 0, lambda: nn.AdaptiveAvgPool2d((2, 3)), img)
layer_case("adaptive_avg_pool2d_global", 0, lambda: nn.AdaptiveAvgPool2d(1), img)
layer_case("sigmoid", 0, nn.Sigmoid, r(3, 4) * 3)
layer_case("tanh", 0, nn.Tanh, r(3, 4) * 2)
layer_case("identity", 0, nn.Identity, r(3, 4))
layer_case("relu", 0, nn.ReLU, r(3, 4))
layer_case("relu_inplace", 0, lambda: nn.ReLU(inplace=True), r(3, 4), call=lambda m, x: m(x * 1.0))

# ----- Sequential: a conv block in training mode (batch norm updates its statistics) -----
layer_case("sequential", 14, lambda: nn.Sequential(
    nn.Conv2d(3, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(4, 2, 1), nn.AdaptiveAvgPool2d(1)), r(2, 3, 8, 8))


# ----- a small nested model: init order, names, and a forward through every kind of layer -----
class TinyNet(nn.Module):
    """Mirrored by TinyNet in Srn.Tests/Torch/LayersModuleTests.cs."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.temperature = nn.Parameter(torch.full((1,), 2.0))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.embed = nn.Embedding(5, 4, padding_idx=0)
        self.norm = nn.LayerNorm(4)
        self.register_buffer("class_prior", torch.linspace(-1, 1, 5))
        self.gru = nn.GRUCell(4, 4)
        self.drop = nn.Dropout(0.25)
        self.heads = nn.ModuleList([nn.Linear(4, 2), nn.Linear(4, 3, bias=False)])
        self.register_buffer("scratch", torch.zeros(2), persistent=False)

    def forward(self, x, labels):
        f = self.pool(self.stem(x)).flatten(1)
        h = self.gru(self.norm(f + self.embed(labels)))
        h = self.drop(self.gru(self.norm(f), h))
        return torch.cat([head(h) for head in self.heads], 1) * self.temperature + self.class_prior


layer_case("tiny_net", 15, TinyNet, r(2, 3, 6, 6), torch.tensor([0, 3]))

net = seeded(15, TinyNet)
metadata = {
    "cases": ",".join(c.names),
    "torch": torch.__version__,
    "tiny_net_parameters": ",".join(n for n, _ in net.named_parameters()),
    "tiny_net_buffers": ",".join(n for n, _ in net.named_buffers()),
    "tiny_net_state_dict": ",".join(net.state_dict().keys()),
    "tiny_net_modules": ",".join(n for n, _ in net.named_modules()),
    "tiny_net_parameter_count": str(sum(p.numel() for p in net.parameters())),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers.safetensors")
save_safetensors(path, c.tensors, metadata)
print(f"{path}: {len(c.names)} cases, {len(c.tensors)} tensors")
