#!/usr/bin/env bash
# Runs Srn.Torch's op benchmarks (BenchmarkDotNet) and the same ops in PyTorch Python, in the same run,
# and prints the ratio table that benchmarks/README.md records. Usage: ./srn bench [SECTION...]  (or benchmarks/run.sh)
# SECTIONs: ops metrics train precision pipeline; all of them without arguments.
set -euo pipefail
sections=" ${*:-ops metrics train precision pipeline} "
want() { [[ "$sections" == *" $1 "* ]]; }
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

if want ops || want metrics; then
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
fi

# Training step: forward + BCE + backward + SGD, Srn vs PyTorch eager, same libtorch and thread count.
# Three interleaved rounds per side (PyTorch first), all timed steps pooled: the machine's noise is larger than
# the difference being measured, and interleaving spreads it over both sides.
dll="$here/Srn.Benchmarks/bin/Release/net10.0/Srn.Benchmarks.dll"
(cd "$here/Srn.Benchmarks" && dotnet build -c Release -nologo -v quiet >&2)
want train && for bench_threads in ${SRN_TRAIN_THREADS:-$(nproc --all) 1}; do
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

# Mixed precision (issue 16): the same training step in each precision mode (SRN_TRAIN_MODES; fp32 must be among
# them for the speed-up columns): fp32, fp32+cl (channels-last), bf16 (CPU autocast around forward and loss),
# bf16+cl. Rounds interleave modes and sides (PyTorch first), so the machine's drift spreads over all of them.
want precision && for bench_threads in ${SRN_TRAIN_THREADS:-$(nproc --all) 1}; do
  export OMP_NUM_THREADS="$bench_threads"
  modes=(${SRN_TRAIN_MODES:-fp32 fp32+cl bf16 bf16+cl})
  {
    echo
    echo "Mixed precision training step, $bench_threads thread(s): median step time (interquartile range), speed-up over the same side's fp32, median forward+loss / backward:"
    echo
    echo "| model, batch, input | threads | mode | Srn.Torch | PyTorch eager | speed ratio PyTorch / Srn | Srn speed-up vs fp32 | PyTorch speed-up vs fp32 | Srn fwd / bwd | PyTorch fwd / bwd | steps |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    for spec in "resnet50 8 224 5 2" "resnet-small 32 112 20 3"; do
      set -- $spec
      prefix="$out/precision-$1-$2-$3-t$bench_threads"
      rm -f "$prefix"-*.json
      for round in 1 2 3; do
        for mode in "${modes[@]}"; do
          "$py" "$here/torch_train_step.py" "$@" "$bench_threads" "$mode" > "$prefix-$mode-torch$round.json"
          dotnet "$dll" train-step "$@" "$bench_threads" "$mode" > "$prefix-$mode-srn$round.json"
        done
      done
      "$py" "$here/compare_precision.py" "$1, $2, ${3}x$3" "$bench_threads" "$prefix" "${modes[@]}"
    done
  } | tee -a "$out/latest.md"
done

# Image pipeline (issue 4): decode JPEG, resize 256, random crop 224, flip, to float, normalize, batch 32.
# Srn's DataLoader (threads) against torchvision's DataLoader with PIL (processes), same JPEGs, same worker count.
want pipeline || exit 0
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
