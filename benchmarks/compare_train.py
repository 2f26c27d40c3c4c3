"""One row of the training-step table from interleaved runs of both sides.

Usage: compare_train.py LABEL --srn S1.json S2.json ... --torch T1.json T2.json ...
Every timed step of every run is pooled per side; ratio = PyTorch median / Srn median (>= 1: Srn at least as
fast). Also prints the interquartile range of each side, so a ratio can be read against the noise.
"""
import json
import statistics
import sys

label = sys.argv[1]
args = sys.argv[2:]
split = args.index("--torch")
srn_runs = [json.load(open(p)) for p in args[1:split]]
torch_runs = [json.load(open(p)) for p in args[split + 1:]]


def pooled(runs):
    times = sorted(t for r in runs for t in r["times"])
    q = statistics.quantiles(times, n=4)
    return statistics.median(times), q[0], q[2], max(r["peak_rss_kb"] for r in runs), max(r["peak_rss_kb"] - r["rss_before_model_kb"] for r in runs)


s_med, s_q1, s_q3, s_peak, s_growth = pooled(srn_runs)
t_med, t_q1, t_q3, t_peak, t_growth = pooled(torch_runs)
n = sum(len(r["times"]) for r in srn_runs)
print(f"| {label} | {s_med:.3f} s ({s_q1:.3f}-{s_q3:.3f}) | {t_med:.3f} s ({t_q1:.3f}-{t_q3:.3f}) | **{t_med / s_med:.2f}** | "
      f"{s_peak / 1024:.0f} MB (+{s_growth / 1024:.0f}) | {t_peak / 1024:.0f} MB (+{t_growth / 1024:.0f}) | {n} |")
