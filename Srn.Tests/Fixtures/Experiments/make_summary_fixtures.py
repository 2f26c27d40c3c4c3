"""Golden statistics for Srn.Experiments.Results.Summary (summary.csv), computed with numpy and scipy.

Run with Debian's /usr/bin/python3 (it has torch for the safetensors writer, numpy and scipy):
    /usr/bin/python3 Srn.Tests/Fixtures/Experiments/make_summary_fixtures.py
Writes summary.safetensors beside this script. Tests never run Python.

Inputs: final-epoch map / cf1 / of1 [methods, proportions, seeds], NaN where that run does not exist.
Outputs: one row per (method, proportion), plus a last "avg" column, of
  n_seeds, {map,cf1,of1}_{mean,std,ci95}, n_pairs, map_diff, p_value   (NaN where undefined)
Definitions (the same as Summary.cs documents):
  mean, sample std (ddof=1), ci95 = t.ppf(0.975, n-1) * std / sqrt(n) over the seeds that have a run;
  avg: per seed with a run at every proportion of the method, the mean over proportions; statistics over those seeds;
  map_diff = map_mean(method) - map_mean(baseline) (each over its own seeds); p_value = scipy.stats.ttest_rel over the
  seeds both have (avg: the per-seed averages); baseline rows have NaN comparisons.
"""
import os
import sys

import warnings

import numpy as np
import scipy.stats as st
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fixturelib import save_safetensors  # noqa: E402

METHODS = ["partial-bce", "dsrb", "ssgrl", "single"]  # partial-bce is the baseline
PROPORTIONS = [0.1, 0.3, 0.5, 0.7, 0.9]
SEEDS = [0, 1, 2, 3]

warnings.filterwarnings("ignore", "Mean of empty slice")  # the per-seed average of a seed with no complete row
rng = np.random.default_rng(7)
M, P, S = len(METHODS), len(PROPORTIONS), len(SEEDS)
shape = (M, P, S)
p = np.array(PROPORTIONS)[None, :, None]
offset = np.array([0.0, 3.0, 1.5, 2.0])[:, None, None]
# Values as percentages, rounded to 4 decimals so results.csv (6 decimals) holds them exactly.
data = {
    "map": np.round(40 + 30 * p + offset + rng.normal(0, 1.2, shape), 4),
    "cf1": np.round(30 + 25 * p + offset + rng.normal(0, 1.5, shape), 4),
    "of1": np.round(35 + 25 * p + offset + rng.normal(0, 1.0, shape), 4),
}
missing = np.zeros(shape, dtype=bool)
missing[0, 0, 2] = True   # the baseline lacks seed 2 at 0.1: 3 pairs there, and seed 2 has no baseline avg
missing[2, 2, 3] = True   # ssgrl lacks seed 3 at 0.5: its avg runs over seeds 0-2
missing[3, :, 1:] = True  # "single" has seed 0 only: std, ci95 and p-values undefined
for v in data.values():
    v[missing] = np.nan


def describe(x):
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return n, np.nan, np.nan, np.nan
    if n == 1:
        return n, x.mean(), np.nan, np.nan
    std = x.std(ddof=1)
    return n, x.mean(), std, st.t.ppf(0.975, n - 1) * std / np.sqrt(n)


def seed_values(metric, m):
    """[P + 1, S]: per proportion the seeds' values, then the per-seed averages (NaN for incomplete seeds)."""
    v = data[metric][m]
    has_run = ~np.isnan(v).all(axis=1)
    complete = ~np.isnan(v[has_run]).any(axis=0)
    avg = np.where(complete, np.nanmean(v[has_run], axis=0), np.nan)
    return np.vstack([v, avg[None, :]])


out = {k: np.full((M, P + 1), np.nan) for k in
       ["n_seeds", "map_mean", "map_std", "map_ci95", "cf1_mean", "cf1_std", "cf1_ci95", "of1_mean", "of1_std", "of1_ci95",
        "n_pairs", "map_diff", "p_value"]}
for m in range(M):
    for metric in ["map", "cf1", "of1"]:
        vals = seed_values(metric, m)
        for j in range(P + 1):
            n, mean, std, ci = describe(vals[j])
            out["n_seeds"][m, j] = n
            out[f"{metric}_mean"][m, j] = mean
            out[f"{metric}_std"][m, j] = std
            out[f"{metric}_ci95"][m, j] = ci
    if m == 0:
        continue
    own, base = seed_values("map", m), seed_values("map", 0)
    for j in range(P + 1):
        both = ~np.isnan(own[j]) & ~np.isnan(base[j])
        out["n_pairs"][m, j] = both.sum()
        out["map_diff"][m, j] = np.nanmean(own[j]) - np.nanmean(base[j])
        out["p_value"][m, j] = st.ttest_rel(own[j][both], base[j][both]).pvalue if both.sum() >= 2 else np.nan

tensors = {f"in/{k}": torch.from_numpy(v) for k, v in data.items()}
tensors.update({f"out/{k}": torch.from_numpy(v) for k, v in out.items()})
meta = {"methods": ",".join(METHODS), "proportions": ",".join(map(str, PROPORTIONS)), "seeds": ",".join(map(str, SEEDS)),
        "baseline": METHODS[0]}
save_safetensors(os.path.join(os.path.dirname(os.path.abspath(__file__)), "summary.safetensors"), tensors, meta)
print("p-values of dsrb vs baseline:", out["p_value"][1])
