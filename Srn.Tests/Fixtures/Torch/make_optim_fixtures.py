"""Golden fixtures for Srn.Torch.Optim: optimizers, learning-rate schedulers, gradient clipping.

Run with Debian's Python (torch 1.13):  /usr/bin/python3 Srn.Tests/Fixtures/Torch/make_optim_fixtures.py
Writes optim.safetensors beside this script. Layout (the metadata lists the case names of each kind):

  optimizers (metadata "optimizers"): case NAME, parameter j, step s (0-based)
    NAME/p{j}/init       the parameter before the first step
    NAME/p{j}/grad{s}    the gradient fed before step s (absent: the parameter had no gradient at that step)
    NAME/p{j}/after{s}   the parameter after step s
  schedulers (metadata "schedulers"):
    NAME/lr              float64 [steps + 1, groups]: row 0 right after construction, row k after k steps
    NAME/momentum        same shape, for OneCycleLR with cycle_momentum (momentum, or beta1 for Adam-like)
  clipping (metadata "clipping"):
    NAME/g{j}/before     the gradient of parameter j before clipping (absent: no gradient)
    NAME/g{j}/after      after clip_grad_norm_
    NAME/norm            the total norm it returned

The optimizers run their single-tensor algorithms (foreach=False). The C# test
(Srn.Tests/Torch/OptimParityTests.cs) builds the same configuration for each case name and replays it.
"""
import os
import sys

import warnings

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fixturelib import save_safetensors  # noqa: E402

from torch.optim import SGD, Adam, AdamW  # noqa: E402
from torch.optim.lr_scheduler import (  # noqa: E402
    StepLR, MultiStepLR, CosineAnnealingLR, OneCycleLR, LinearLR, SequentialLR)

# SequentialLR steps its later schedulers with step(0), which warns that the epoch argument is deprecated.
warnings.filterwarnings("ignore", message="The epoch parameter")

STEPS = 6
SCALES = [3.0, 1.0, 0.2, 2.0, 0.5, 1.5]  # gradient scale per step: makes amsgrad's running max matter
SHAPES = [(3, 4), (5,), (2, 1, 3)]

tensors = {}
gen = torch.Generator().manual_seed(20240601)
kinds = {"optimizers": [], "schedulers": [], "clipping": []}


def randn(shape, dtype=torch.float32):
    return torch.randn(shape, generator=gen, dtype=torch.float64).to(dtype)


def optim_case(name, make, shapes=SHAPES, dtype=torch.float32, no_grad=()):
    """make(params) -> optimizer. no_grad: (step, param) pairs where the parameter gets no gradient."""
    params = [randn(s, dtype).requires_grad_() for s in shapes]
    for j, p in enumerate(params):
        tensors[f"{name}/p{j}/init"] = p.detach().clone()
    opt = make(params)
    for s in range(STEPS):
        for j, p in enumerate(params):
            if (s, j) in no_grad:
                p.grad = None
            else:
                g = randn(p.shape, dtype) * SCALES[s]
                tensors[f"{name}/p{j}/grad{s}"] = g.clone()
                p.grad = g
        opt.step()
        for j, p in enumerate(params):
            tensors[f"{name}/p{j}/after{s}"] = p.detach().clone()
    kinds["optimizers"].append(name)


def every_step(j):
    return {(s, j) for s in range(STEPS)}


# --- optimizers ---------------------------------------------------------------------------------------
optim_case("sgd_plain", lambda ps: SGD(ps, lr=0.1, foreach=False))
optim_case("sgd_momentum_dampening", lambda ps: SGD(ps, lr=0.05, momentum=0.9, dampening=0.3, foreach=False))
optim_case("sgd_nesterov_weight_decay",
           lambda ps: SGD(ps, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01, foreach=False))
optim_case("sgd_maximize", lambda ps: SGD(ps, lr=0.1, momentum=0.5, weight_decay=0.1, maximize=True, foreach=False))
optim_case("sgd_missing_grad", lambda ps: SGD(ps, lr=0.1, momentum=0.9, foreach=False),
           no_grad={(0, 1), (1, 1), (3, 0)} | every_step(2))
optim_case("sgd_two_groups", lambda ps: SGD([{"params": [ps[0]], "lr": 0.2, "weight_decay": 0.1},
                                             {"params": ps[1:]}], lr=0.05, momentum=0.9, foreach=False))
optim_case("adam_plain", lambda ps: Adam(ps, lr=0.01, foreach=False))
optim_case("adam_amsgrad", lambda ps: Adam(ps, lr=0.01, betas=(0.8, 0.99), amsgrad=True, foreach=False))
optim_case("adam_weight_decay", lambda ps: Adam(ps, lr=0.02, weight_decay=0.1, eps=1e-6, foreach=False))
optim_case("adam_maximize", lambda ps: Adam(ps, lr=0.01, maximize=True, foreach=False))
optim_case("adam_missing_grad", lambda ps: Adam(ps, lr=0.01, foreach=False),
           no_grad={(1, 0), (2, 0), (3, 1)} | every_step(2))
optim_case("adam_float64", lambda ps: Adam(ps, lr=0.01, amsgrad=True, weight_decay=0.01, foreach=False),
           dtype=torch.float64)
optim_case("adamw", lambda ps: AdamW(ps, lr=0.01, weight_decay=0.1, foreach=False))
optim_case("adamw_amsgrad_maximize",
           lambda ps: AdamW(ps, lr=0.01, betas=(0.85, 0.95), weight_decay=0.05, amsgrad=True, maximize=True,
                            foreach=False))
optim_case("adamw_two_groups", lambda ps: AdamW([{"params": [ps[0]], "lr": 0.03, "weight_decay": 0.0},
                                                 {"params": ps[1:], "betas": (0.5, 0.9)}],
                                                lr=0.01, weight_decay=0.1, foreach=False))


# --- schedulers ---------------------------------------------------------------------------------------
def sched_case(name, make_opt, make_sched, steps=30, momentum=None):
    """make_opt(params) -> optimizer; make_sched(opt) -> scheduler; momentum: None, 'momentum' or 'beta1'."""
    params = [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]
    opt = make_opt(params)
    sched = make_sched(opt)
    lrs, moms = [], []

    def record():
        lrs.append([g["lr"] for g in opt.param_groups])
        if momentum == "momentum":
            moms.append([g["momentum"] for g in opt.param_groups])
        elif momentum == "beta1":
            moms.append([g["betas"][0] for g in opt.param_groups])

    record()
    for _ in range(steps):
        opt.step()
        sched.step()
        record()
    for g, last in zip(opt.param_groups, sched.get_last_lr()):
        assert g["lr"] == last
    tensors[f"{name}/lr"] = torch.tensor(lrs, dtype=torch.float64)
    if momentum:
        tensors[f"{name}/momentum"] = torch.tensor(moms, dtype=torch.float64)
    kinds["schedulers"].append(name)


def sgd1(ps):
    return SGD(ps, lr=0.1, momentum=0.9)


def sgd2(ps):
    return SGD([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.01}], lr=0.1, momentum=0.9)


sched_case("steplr", sgd1, lambda o: StepLR(o, step_size=7, gamma=0.5))
sched_case("multisteplr", sgd2, lambda o: MultiStepLR(o, milestones=[5, 12, 12, 20], gamma=0.3))
sched_case("cosine", sgd1, lambda o: CosineAnnealingLR(o, T_max=10, eta_min=0.001))
sched_case("cosine_two_groups", sgd2, lambda o: CosineAnnealingLR(o, T_max=30))
sched_case("linear_warmup", sgd1, lambda o: LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8))
sched_case("linear_decay", sgd2, lambda o: LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=12))
sched_case("onecycle_cos", sgd1, lambda o: OneCycleLR(o, max_lr=0.1, total_steps=30), steps=29, momentum="momentum")
sched_case("onecycle_linear_three_phase", lambda ps: Adam([{"params": [ps[0]]}, {"params": [ps[1]]}], lr=1e-3),
           lambda o: OneCycleLR(o, max_lr=[0.1, 0.02], total_steps=31, pct_start=0.25, anneal_strategy="linear",
                                div_factor=10.0, final_div_factor=100.0, three_phase=True,
                                base_momentum=[0.8, 0.7], max_momentum=0.9),
           steps=31, momentum="beta1")
sched_case("onecycle_epochs_no_momentum", lambda ps: AdamW(ps, lr=1e-3),
           lambda o: OneCycleLR(o, max_lr=0.05, epochs=5, steps_per_epoch=6, pct_start=0.4, cycle_momentum=False),
           steps=29)
sched_case("sequential_warmup_cosine", sgd2,
           lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.1, total_iters=5), CosineAnnealingLR(o, T_max=25)],
                                  milestones=[5]))
sched_case("sequential_three", sgd1,
           lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.5, total_iters=4),
                                      StepLR(o, step_size=3, gamma=0.5),
                                      CosineAnnealingLR(o, T_max=8, eta_min=0.01)],
                                  milestones=[6, 15]))


# --- clip_grad_norm_ ----------------------------------------------------------------------------------
def clip_case(name, max_norm, norm_type=2.0, scale=3.0, missing=()):
    params = [torch.zeros(s, requires_grad=True) for s in SHAPES]
    for j, p in enumerate(params):
        if j not in missing:
            p.grad = randn(p.shape) * scale
            tensors[f"{name}/g{j}/before"] = p.grad.clone()
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    for j, p in enumerate(params):
        if j not in missing:
            tensors[f"{name}/g{j}/after"] = p.grad.clone()
    tensors[f"{name}/norm"] = norm.detach().clone()
    kinds["clipping"].append(name)


clip_case("clip_l2", 1.0)
clip_case("clip_inf", 0.5, norm_type=float("inf"))
clip_case("clip_l1", 2.0, norm_type=1.0)
clip_case("clip_under_max", 100.0)
clip_case("clip_missing_grad", 0.5, missing=(1,))

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim.safetensors")
meta = {k: ",".join(v) for k, v in kinds.items()}
meta["torch"] = torch.__version__
save_safetensors(path, tensors, meta)
print(f"{path}: {sum(len(v) for v in kinds.values())} cases, {len(tensors)} tensors")
