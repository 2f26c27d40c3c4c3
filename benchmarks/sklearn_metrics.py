"""The scikit-learn side of benchmarks/Srn.Benchmarks/MetricsBenchmarks.cs: average_precision_score per class on the
same 40,000 x 80 scores (same generator, same bits), timed in the same run.

    sklearn_metrics.py                      -> JSON {sklearn, numpy, map_noninterp, median_seconds, runs}
    sklearn_metrics.py --compare BDN.json SKLEARN.json [SRN_MAP.txt]
                                            -> the markdown table of benchmarks/README.md ("Metrics (issue 4)")

Timing: the loop `for c in range(80): average_precision_score(y[:, c], s[:, c])`, one warm-up, 7 repeats, median.
Run with Debian's /usr/bin/python3 (python3-sklearn); numpy's threads are irrelevant here (no BLAS).
"""
import json
import sys
import time

import numpy as np

ROWS, CLASSES = 40_000, 80


def uniform(x):
    """splitmix64(x) / 2^64 in [0, 1), as MetricsBenchmarks.Uniform (uint64 arithmetic wraps as in C#)."""
    z = (x + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def generate(rows=ROWS, classes=CLASSES):
    k = np.arange(rows * classes, dtype=np.uint64).reshape(rows, classes)
    column = np.arange(classes)
    positive = uniform(np.uint64(3) * k) < 0.01 + 0.06 * column / (classes - 1)
    normal = np.sqrt(-2 * np.log(1 - uniform(np.uint64(3) * k + np.uint64(1)))) * np.cos(2 * np.pi * uniform(np.uint64(3) * k + np.uint64(2)))
    scores = (normal + np.where(positive, 2.0, -1.0)).astype(np.float32).astype(np.float64)
    return scores, positive


def measure():
    import sklearn
    from sklearn.metrics import average_precision_score

    scores, positive = generate()

    def run():
        return [average_precision_score(positive[:, c], scores[:, c]) for c in range(CLASSES)]

    aps = run()  # warm-up
    times = []
    for _ in range(7):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    times.sort()
    print(json.dumps({"sklearn": sklearn.__version__, "numpy": np.__version__, "map_noninterp": 100 * float(np.mean(aps)),
                      "median_seconds": times[len(times) // 2], "runs": times}))


def compare(bdn_path, sklearn_path, srn_map_path=None):
    with open(bdn_path) as f:
        bdn = json.load(f)
    with open(sklearn_path) as f:
        sk = json.load(f)
    srn = {b["Method"]: b for b in bdn["Benchmarks"]}
    skl = sk["median_seconds"]
    print(f"scikit-learn {sk['sklearn']} (numpy {sk['numpy']}); Srn via BenchmarkDotNet (median of 15); same machine, same run; "
          f"{ROWS:,} x {CLASSES} float32 logits, 4% positives.\n")
    print("| what | Srn (median) | scikit-learn (median) | speed-up sklearn / Srn | Srn managed bytes / op |")
    print("|---|---|---|---|---|")
    labels = {"AllMetrics": "all metrics (3 mAP variants, per-class AP, CP..OF1, CF1 mean, top-3) vs sklearn noninterp AP per class",
              "ApPerClassColumn": "AP per class column (3 variants at once) vs sklearn noninterp AP per class"}
    for name, label in labels.items():
        if name in srn:
            t = srn[name]["Statistics"]["Median"] * 1e-9
            alloc = (srn[name].get("Memory") or {}).get("BytesAllocatedPerOperation")
            print(f"| {label} | {t * 1e3:.1f} ms | {skl * 1e3:.1f} ms | **{skl / t:.1f}x** | {alloc:,} |")
    if srn_map_path:
        with open(srn_map_path) as f:
            srn_map = float(f.read())
        print(f"\nSame data on both sides: noninterp mAP {srn_map:.12f} (Srn) vs {sk['map_noninterp']:.12f} (scikit-learn), "
              f"difference {abs(srn_map - sk['map_noninterp']):.1e}.")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--compare":
        compare(*sys.argv[2:])
    else:
        measure()
