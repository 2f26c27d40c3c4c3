#!/usr/bin/env bash
# Runs Srn.Torch's op benchmarks (BenchmarkDotNet) and the same ops in PyTorch Python, in the same run,
# and prints the ratio table that benchmarks/README.md records. Usage: ./srn bench  (or benchmarks/run.sh)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/results"
mkdir -p "$out"
# One intra-op thread by default: these benchmarks measure per-op cost, and on a 2-core machine OpenMP's
# spinning threads contend with the .NET runtime's own (see README.md, open items). Override to compare.
export SRN_BENCH_THREADS="${SRN_BENCH_THREADS:-1}"
py=/usr/bin/python3
"$py" -c 'import torch' 2>/dev/null || { echo "benchmarks need PyTorch for the side-by-side: sudo apt-get install python3-torch" >&2; exit 1; }

"$py" "$here/torch_ops.py" > "$out/torch.json"
(cd "$here/Srn.Benchmarks" && dotnet run -c Release -- --filter '*' --exporters json --artifacts "$out/bdn" >&2)
"$py" "$here/torch_ops.py" > "$out/torch-after.json"
"$py" "$here/compare.py" "$out/bdn/results/Srn.Benchmarks.OpOverheadBenchmarks-report-full-compressed.json" "$out/torch.json" "$out/torch-after.json" | tee "$out/latest.md"
