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
# torch.set_num_threads / LibTorch.NumThreads only reach the calling thread and threads that start later;
# BenchmarkDotNet may run the workload on another thread than its setup, so fix the count process-wide too.
export OMP_NUM_THREADS="$SRN_BENCH_THREADS"
py=/usr/bin/python3
"$py" -c 'import torch' 2>/dev/null || { echo "benchmarks need PyTorch for the side-by-side: sudo apt-get install python3-torch" >&2; exit 1; }

"$py" "$here/torch_ops.py" > "$out/torch.json"
# MetricsBenchmarks (in the same BenchmarkDotNet run) writes its noninterp mAP here, to check it against scikit-learn's.
export SRN_METRICS_BENCH_OUT="$out"
(cd "$here/Srn.Benchmarks" && dotnet run -c Release -- --filter '*' --exporters json --artifacts "$out/bdn" >&2)
"$py" "$here/torch_ops.py" > "$out/torch-after.json"
"$py" "$here/compare.py" "$out/bdn/results/Srn.Benchmarks.OpOverheadBenchmarks-report-full-compressed.json" "$out/torch.json" "$out/torch-after.json" | tee "$out/latest.md"

# Metrics (issue 4): scikit-learn's average_precision_score per class on the same 40,000 x 80 scores as
# MetricsBenchmarks (same generator, same bits), right after the BenchmarkDotNet run.
if "$py" -c 'import sklearn' 2>/dev/null; then
  "$py" "$here/sklearn_metrics.py" > "$out/sklearn-metrics.json"
  {
    echo
    echo "Metrics (issue 4):"
    echo
    "$py" "$here/sklearn_metrics.py" --compare "$out/bdn/results/Srn.Benchmarks.MetricsBenchmarks-report-full-compressed.json" \
      "$out/sklearn-metrics.json" "$out/metrics-srn-map.txt"
  } | tee -a "$out/latest.md"
else
  echo "metrics comparison skipped: it needs scikit-learn (sudo apt-get install python3-sklearn)" >&2
fi

# Training step: forward + BCE + backward + SGD, Srn vs PyTorch eager, same libtorch and thread count.
# Three interleaved rounds per side (PyTorch first), all timed steps pooled: the machine's noise is larger than
# the difference being measured, and interleaving spreads it over both sides.
dll="$here/Srn.Benchmarks/bin/Release/net10.0/Srn.Benchmarks.dll"
(cd "$here/Srn.Benchmarks" && dotnet build -c Release -nologo -v quiet >&2)
for bench_threads in ${SRN_TRAIN_THREADS:-$(nproc --all) 1}; do
  export OMP_NUM_THREADS="$bench_threads"
  {
    echo
    echo "Training step, $bench_threads thread(s): median step time (interquartile range), peak RSS (+ growth after start-up), timed steps per side:"
    echo
    echo "| model, batch, input | Srn.Torch | PyTorch eager | speed ratio PyTorch / Srn | Srn peak RSS | PyTorch peak RSS | steps |"
    echo "|---|---|---|---|---|---|---|"
    for spec in "resnet50 8 224 6 2" "resnet-small 32 112 20 3"; do
      set -- $spec
      tag="$1-$2-$3-t$bench_threads"
      srn_files=(); torch_files=()
      for round in 1 2 3; do
        "$py" "$here/torch_train_step.py" "$@" "$bench_threads" > "$out/train-$tag-torch$round.json"
        dotnet "$dll" train-step "$@" "$bench_threads" > "$out/train-$tag-srn$round.json"
        torch_files+=("$out/train-$tag-torch$round.json"); srn_files+=("$out/train-$tag-srn$round.json")
      done
      "$py" "$here/compare_train.py" "$1, $2, ${3}x$3" --srn "${srn_files[@]}" --torch "${torch_files[@]}"
    done
  } | tee -a "$out/latest.md"
done

# Image pipeline (issue 4): decode JPEG, resize 256, random crop 224, flip, to float, normalize, batch 32.
# Srn's DataLoader (threads) against torchvision's DataLoader with PIL (processes), same JPEGs, same worker count.
export OMP_NUM_THREADS=1
jpegs="$out/jpegs"
[[ -d "$jpegs" ]] || "$py" "$here/make_jpegs.py" "$jpegs" 512 >&2
{
  echo
  echo "Image pipeline, 512 JPEGs of 500x375, best of 2 epochs after a warm-up epoch (images per second):"
  echo
  echo "| workers | Srn.Torch | torchvision + PIL | ratio Srn / torchvision |"
  echo "|---|---|---|---|"
  for workers in 0 2; do
    s=$(dotnet "$dll" pipeline "$jpegs" "$workers" 2)
    t=$("$py" "$here/torch_pipeline.py" "$jpegs" "$workers" 2)
    "$py" -c 'import json,sys; s=json.loads(sys.argv[1]); t=json.loads(sys.argv[2]); print(f"| {sys.argv[3]} | {s[\"images_per_second\"]:.0f} | {t[\"images_per_second\"]:.0f} | **{s[\"images_per_second\"]/t[\"images_per_second\"]:.2f}** |")' "$s" "$t" "$workers"
  done
} | tee -a "$out/latest.md"
