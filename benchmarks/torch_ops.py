"""The PyTorch side of benchmarks/Srn.Benchmarks: the same ops through PyTorch's Python API.

Run by benchmarks/run.sh with Debian's /usr/bin/python3 (torch 1.13, the same libtorch as Srn's shim).
Prints JSON: {op: median seconds per call}. Timing: timeit, 15 repeats after a warm-up, median.
"""
import json
import os
import sys
import timeit

import torch
import torch.nn.functional as F

threads = int(os.environ.get("SRN_BENCH_THREADS", "0"))
if threads > 0:
    torch.set_num_threads(threads)
torch.manual_seed(0)
a16, b16 = torch.randn(16), torch.randn(16)
m512a, m512b = torch.randn(512, 512), torch.randn(512, 512)
x, w, b = torch.randn(1, 16, 32, 32), torch.randn(32, 16, 3, 3), torch.randn(32)

# Statements as strings: timeit compiles them inline, so no Python function call is added to PyTorch's time.
cases = {
    "Add16": ("a16 + b16", 20000),
    "Conv2dSmall": ("F.conv2d(x, w, b, padding=(1, 1))", 200),
    "MatMul512": ("torch.matmul(m512a, m512b)", 20),
}
only = set(sys.argv[1:])
result = {}
for name, (stmt, number) in cases.items():
    if only and name not in only:
        continue
    timeit.repeat(stmt, globals=globals(), repeat=3, number=number)  # warm-up
    runs = sorted(t / number for t in timeit.repeat(stmt, globals=globals(), repeat=15, number=number))
    result[name] = runs[len(runs) // 2]
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "median_seconds": result}))
