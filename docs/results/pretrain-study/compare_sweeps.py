#!/usr/bin/env python3
"""The pre-training study's tables: sweeps from scratch and from `srn pretrain` weights, paired by (method, proportion, seed).

Usage: /usr/bin/python3 compare_sweeps.py SCRATCH_DIR PRETRAINED_DIR [BASELINE] > tables.md   (needs python3-scipy)
Reads each sweep's results.csv (the last epoch of every run) and prints:
1. per (method, proportion): mean mAP from scratch and pre-trained (with the seed sd), the paired difference
   pre-trained - scratch and its two-sided paired t-test (scipy.stats.ttest_rel);
2. per arm: each method minus BASELINE (default partial-bce), paired by (proportion, seed), per proportion and overall.
"""
import csv
import statistics
import sys

from scipy import stats


def last_epochs(source):
    rows = list(csv.DictReader(open(f"{source}/results.csv")))
    last = {}
    for r in rows:
        key = (r["method"], float(r["proportion"]), int(r["seed"]))
        if key not in last or int(r["epoch"]) > int(last[key]["epoch"]):
            last[key] = r
    return {k: float(v["map"]) for k, v in last.items()}


def mean_sd(values):
    return f"{statistics.mean(values):.2f} ± {statistics.stdev(values):.2f}" if len(values) > 1 else f"{values[0]:.2f}"


def paired(a, b):
    d = [y - x for x, y in zip(a, b)]
    t = stats.ttest_rel(b, a) if len(a) > 1 else None
    p = f"{t.pvalue:.3f}" if t is not None and t.pvalue == t.pvalue else "-"
    return f"{statistics.mean(d):+.2f}", p


def main(scratch_dir, pretrained_dir, baseline="partial-bce"):
    arms = {"scratch": last_epochs(scratch_dir), "pretrained": last_epochs(pretrained_dir)}
    s, p = arms["scratch"], arms["pretrained"]
    keys = sorted(set(s) & set(p))
    print("| method, proportion | pairs | from scratch | pre-trained | pre-trained - scratch | p (paired t) |")
    print("|---|---|---|---|---|---|")
    for method in sorted({k[0] for k in keys}):
        for proportion in sorted({k[1] for k in keys if k[0] == method}):
            ks = [k for k in keys if k[0] == method and k[1] == proportion]
            d, pv = paired([s[k] for k in ks], [p[k] for k in ks])
            print(f"| {method} {proportion:g} | {len(ks)} | {mean_sd([s[k] for k in ks])} | {mean_sd([p[k] for k in ks])} | {d} | {pv} |")
        ks = [k for k in keys if k[0] == method]
        d, pv = paired([s[k] for k in ks], [p[k] for k in ks])
        print(f"| **{method}, all** | {len(ks)} | {statistics.mean([s[k] for k in ks]):.2f} | {statistics.mean([p[k] for k in ks]):.2f} | {d} | {pv} |")
    print()
    print(f"| arm | method - {baseline} | proportion | pairs | difference | p (paired t) |")
    print("|---|---|---|---|---|---|")
    for arm, runs in arms.items():
        methods = sorted({k[0] for k in runs if k[0] != baseline})
        for method in methods:
            pairs = sorted((k[1], k[2]) for k in runs if k[0] == method and (baseline, k[1], k[2]) in runs)
            for proportion in sorted({q for q, _ in pairs}) + [None]:
                ps = [x for x in pairs if proportion is None or x[0] == proportion]
                d, pv = paired([runs[(baseline, q, sd)] for q, sd in ps], [runs[(method, q, sd)] for q, sd in ps])
                label = "all" if proportion is None else f"{proportion:g}"
                print(f"| {arm} | {method} | {label} | {len(ps)} | {d} | {pv} |")


if __name__ == "__main__":
    main(*sys.argv[1:])
