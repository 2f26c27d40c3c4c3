"""Golden fixtures for the masking protocols (Srn.PartialLabels/Masking), made with numpy's legacy RandomState.

Run with Debian's Python (fixturelib needs torch for the writer):
    /usr/bin/python3 Srn.Tests/Fixtures/PartialLabels/make_mask_fixtures.py
Writes masks.safetensors beside this script; Srn.Tests/PartialLabels/MaskingTests.cs compares exactly.

Contents:
  random_sample/seed<S>          F64 [2000]   RandomState(S).random_sample(2000): crosses the 624-word regeneration
  permutation/seed<S>_n<N>       I64 [k, N]   k successive RandomState(S).permutation(N)
  randint/seed<S>                I64 [2, 200] highs and RandomState(S).randint(high) for each, in order
  <protocol>/<case>/labels       I8  [N, C]   the full labels (1, -1 and sometimes 0)
  <protocol>/<case>/mask         I8  [N, C]   the masked labels
  <protocol>/<case>/params       F64 [2]      proportion, seed
The metadata "cases" lists the <protocol>/<case> names.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import save_safetensors  # noqa: E402


# ----- the protocols, as docs/partial-labels.md defines them in numpy terms -----
def hcp(labels, p, seed):
    # HCP-MLR-PL's changeLabelProportion: np.random.seed(0); mask = np.random.random(shape); keep iff mask < p.
    u = np.random.RandomState(seed).random_sample(labels.shape)
    return np.where(u < p, labels, 0).astype(np.int8)


def per_image(labels, p, seed):
    rng = np.random.RandomState(seed)
    n, c = labels.shape
    k = int(round((1 - p) * c))  # Python's round: half to even
    out = labels.copy()
    for i in range(n):
        drop = rng.permutation(c)[:k]
        out[i, drop] = 0
    return out


def single_positive(labels, seed):
    rng = np.random.RandomState(seed)
    out = np.zeros_like(labels)
    for i in range(labels.shape[0]):
        pos = np.flatnonzero(labels[i] == 1)
        if len(pos) > 0:
            out[i, rng.choice(pos)] = 1
    return out


# per-image's permutation(C)[:k] is the same draw as choice(C, k, replace=False); check it once.
_a, _b = np.random.RandomState(3), np.random.RandomState(3)
assert all((_a.permutation(17)[:5] == _b.choice(17, 5, replace=False)).all() for _ in range(20))


def make_labels(n, c, seed, positive_rate=0.15, unknown_rate=0.0, empty_rows=0):
    """Full labels drawn by a generator independent of the masks: -1 mostly, 1 at positive_rate, 0 at unknown_rate."""
    g = np.random.default_rng(seed)
    u = g.random((n, c))
    labels = np.where(u < positive_rate, 1, -1).astype(np.int8)
    if unknown_rate > 0:
        labels[g.random((n, c)) < unknown_rate] = 0
    if empty_rows:
        labels[g.choice(n, empty_rows, replace=False)] = -1  # images without a positive
    return labels


tensors = {}
cases = []


def t(a, dtype):
    return torch.from_numpy(np.ascontiguousarray(a)).to(dtype)


# ----- the raw generator -----
for seed in [0, 1, 42, 123456789, 2**32 - 1]:
    tensors[f"random_sample/seed{seed}"] = t(np.random.RandomState(seed).random_sample(2000), torch.float64)
for seed, n in [(0, 1), (0, 2), (5, 10), (7, 80), (2**31, 300)]:
    rng = np.random.RandomState(seed)
    tensors[f"permutation/seed{seed}_n{n}"] = t(np.stack([rng.permutation(n) for _ in range(6)]), torch.int64)
for seed in [0, 9]:
    rng = np.random.RandomState(seed)
    highs = np.random.default_rng(seed).integers(1, 100, 200)
    highs[:3] = [1, 2, 64]  # 1 draws nothing; 2 and 64 hit power-of-two masks
    tensors[f"randint/seed{seed}"] = t(np.stack([highs, [rng.randint(h) for h in highs]]), torch.int64)


def add(protocol, name, labels, p, seed, mask):
    key = f"{protocol}/{name}"
    assert key not in cases
    tensors[f"{key}/labels"] = t(labels, torch.int8)
    tensors[f"{key}/mask"] = t(mask, torch.int8)
    tensors[f"{key}/params"] = torch.tensor([p, float(seed)], dtype=torch.float64)
    cases.append(key)


# ----- hcp: several shapes, proportions and seeds; the COCO-sized row count crosses many regenerations -----
for n, c, p, seed in [(50, 20, 0.3, 0), (50, 20, 0.1, 0), (50, 20, 0.9, 0), (50, 20, 1.0, 0), (7, 3, 0.5, 1),
                      (400, 80, 0.2, 0), (400, 80, 0.2, 42), (1000, 5, 0.1, 2**32 - 1), (1, 1, 0.5, 0), (0, 4, 0.5, 0)]:
    labels = make_labels(n, c, seed=n * 1000 + c, unknown_rate=0.05 if n == 400 else 0.0)
    add("hcp", f"n{n}_c{c}_p{p}_s{seed}", labels, p, seed, hcp(labels, p, seed))

# ----- per-image: k = round((1 - p) C) covers exact halves (0.5 * 5 = 2.5 -> 2, 0.5 * 7 = 3.5 -> 4) -----
for n, c, p, seed in [(60, 20, 0.3, 0), (60, 20, 0.9, 3), (60, 20, 1.0, 0), (30, 5, 0.5, 0), (30, 7, 0.5, 1),
                      (200, 80, 0.1, 42), (10, 1, 0.4, 0)]:
    labels = make_labels(n, c, seed=n * 7 + c)
    add("per-image", f"n{n}_c{c}_p{p}_s{seed}", labels, p, seed, per_image(labels, p, seed))

# ----- single-positive: images with several, one and no positives -----
for n, c, seed in [(80, 20, 0), (80, 20, 5), (300, 80, 42), (40, 3, 0)]:
    labels = make_labels(n, c, seed=n + c, positive_rate=0.2, empty_rows=5)
    add("single-positive", f"n{n}_c{c}_s{seed}", labels, 1.0, seed, single_positive(labels, seed))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "masks.safetensors")
save_safetensors(out, tensors, {"cases": ",".join(cases), "numpy": np.__version__})
print(f"{out}: {len(cases)} mask cases, {len(tensors)} tensors")
