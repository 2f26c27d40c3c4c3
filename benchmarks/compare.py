"""Builds the ratio table of benchmarks/README.md from a BenchmarkDotNet JSON report and torch_ops.py outputs.

PyTorch is measured before and after the .NET run; the table uses the faster of the two medians per op
(the fairer comparison for PyTorch), and ratio = Srn median / PyTorch median (below 1: Srn is faster).
"""
import json
import sys

bdn_path, *torch_paths = sys.argv[1:]
with open(bdn_path) as f:
    bdn = json.load(f)
srn = {b["Method"]: b["Statistics"]["Median"] * 1e-9 for b in bdn["Benchmarks"]}
alloc = {b["Method"]: (b.get("Memory") or {}).get("BytesAllocatedPerOperation") for b in bdn["Benchmarks"]}
torch_runs = []
for p in torch_paths:
    with open(p) as f:
        torch_runs.append(json.load(f))
torch_best = {k: min(r["median_seconds"][k] for r in torch_runs) for k in torch_runs[0]["median_seconds"]}


def fmt(seconds):
    return f"{seconds * 1e6:.2f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


print(f"PyTorch {torch_runs[0]['torch']} (Python), {torch_runs[0]['threads']} threads; Srn.Torch via BenchmarkDotNet, same machine, same run.\n")
print("| op | Srn.Torch (median) | PyTorch Python (median) | ratio Srn / PyTorch | managed bytes / op |")
print("|---|---|---|---|---|")
for op in srn:
    if op in torch_best:
        print(f"| {op} | {fmt(srn[op])} | {fmt(torch_best[op])} | {srn[op] / torch_best[op]:.2f} | {alloc[op]} |")
