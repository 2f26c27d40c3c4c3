"""Rows of the mixed-precision training-step table (benchmarks/README.md, "Mixed precision") from interleaved runs.

Usage: compare_precision.py LABEL THREADS PREFIX MODE...
Reads PREFIX-MODE-srnN.json and PREFIX-MODE-torchN.json (train-step / torch_train_step.py output, any number of
rounds) and prints one row per mode. Every timed step of every round is pooled per side and mode. Ratio = PyTorch
median / Srn median in the same mode (>= 1: Srn at least as fast); speed-up = that side's fp32 median / its median in
the mode (needs fp32 among the modes). Forward (with the loss) and backward are the medians of those phases.
"""
import glob
import statistics
import json
import sys

label, threads, prefix, modes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]


def pooled(side, mode):
    runs = [json.load(open(p)) for p in sorted(glob.glob(f"{glob.escape(prefix)}-{glob.escape(mode)}-{side}[0-9]*.json"))]
    if not runs:
        sys.exit(f"no {side} results for {prefix}-{mode}")
    times = sorted(t for r in runs for t in r["times"])
    q = statistics.quantiles(times, n=4)
    phase = {k: statistics.median(t for r in runs for t in r[k + "_times"]) for k in ("forward", "backward")}
    return {"median": statistics.median(times), "q1": q[0], "q3": q[2], "n": len(times), **phase}


results = {m: (pooled("srn", m), pooled("torch", m)) for m in modes}
for mode, (s, t) in results.items():
    if "fp32" in results:
        s_up = f"{results['fp32'][0]['median'] / s['median']:.2f}x"
        t_up = f"{results['fp32'][1]['median'] / t['median']:.2f}x"
    else:
        s_up = t_up = "-"
    print(f"| {label} | {threads} | {mode} | {s['median']:.3f} s ({s['q1']:.3f}-{s['q3']:.3f}) | "
          f"{t['median']:.3f} s ({t['q1']:.3f}-{t['q3']:.3f}) | **{t['median'] / s['median']:.2f}** | {s_up} | {t_up} | "
          f"{s['forward']:.3f} / {s['backward']:.3f} s | {t['forward']:.3f} / {t['backward']:.3f} s | {s['n']} |")
