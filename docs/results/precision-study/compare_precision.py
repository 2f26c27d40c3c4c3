#!/usr/bin/env python3
"""Paired comparison of two sweeps that differ only in precision (fp32 vs bf16 + channels-last).

Usage: /usr/bin/python3 compare_precision.py FP32_DIR|FP32.csv BF16_DIR|BF16.csv > comparison.md
Reads each sweep's results.csv (last epoch of every run), pairs runs by (method, proportion, seed), and prints per
(method, proportion) and per method: the mean mAP of both, the mean paired difference and a two-sided paired t-test
(scipy.stats.ttest_rel), plus the seed-to-seed standard deviation of fp32 for scale.
"""
import csv
import statistics
import sys

from scipy import stats


def last_epochs(source):
    path = source if source.endswith(".csv") else f"{source}/results.csv"
    rows = list(csv.DictReader(open(path)))
    last = {}
    for r in rows:
        key = (r["method"], float(r["proportion"]), int(r["seed"]))
        if key not in last or int(r["epoch"]) > int(last[key]["epoch"]):
            last[key] = r
    return {k: float(v["map"]) for k, v in last.items()}


def line(label, a, b, per_cell=True):
    d = [y - x for x, y in zip(a, b)]
    t = stats.ttest_rel(b, a) if len(a) > 1 else None
    p = f"{t.pvalue:.3f}" if t is not None and t.pvalue == t.pvalue else "-"
    # The seed-to-seed spread means something within one (method, proportion) cell only.
    sd = f"{statistics.stdev(a):.2f}" if per_cell and len(a) > 1 else "-"
    return f"| {label} | {len(a)} | {statistics.mean(a):.2f} | {statistics.mean(b):.2f} | {statistics.mean(d):+.2f} | {p} | {sd} |"


def main(fp32_dir, bf16_dir):
    a, b = last_epochs(fp32_dir), last_epochs(bf16_dir)
    keys = sorted(set(a) & set(b))
    print("| method, proportion | pairs | fp32 mAP | bf16+CL mAP | mean diff | p (paired t) | fp32 sd over seeds |")
    print("|---|---|---|---|---|---|---|")
    for method in sorted({k[0] for k in keys}):
        for proportion in sorted({k[1] for k in keys if k[0] == method}):
            ks = [k for k in keys if k[0] == method and k[1] == proportion]
            print(line(f"{method} {proportion:g}", [a[k] for k in ks], [b[k] for k in ks]))
        ks = [k for k in keys if k[0] == method]
        print(line(f"**{method}, all**", [a[k] for k in ks], [b[k] for k in ks], per_cell=False))
    print(line("**all runs**", [a[k] for k in keys], [b[k] for k in keys], per_cell=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
