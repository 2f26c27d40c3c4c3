"""Multi-label metric fixtures: scores with many ties, unknown (0) targets, classes without positives, and what
scikit-learn computes on them.

Run from the repository root with Debian's Python (numpy, scikit-learn from python3-sklearn, torch for the writer):
    /usr/bin/python3 Srn.Tests/Fixtures/Metrics/make_metrics_fixtures.py

Writes Srn.Tests/Fixtures/Metrics/metrics.safetensors. For each case NAME (metadata "cases"):
  NAME/scores        [N, C] float64 scores (rounded, so that many are tied)
  NAME/targets       [N, C] float64 targets in {1, -1, 0}; 0 = unknown
  NAME/ap_noninterp  [C] sklearn.metrics.average_precision_score(targets[known, c] == 1, scores[known, c]) per class,
                     over the known entries of the class (target != 0); NaN for a class without a known positive
  NAME/ap_voc12, NAME/ap_voc07 (case "distinct" only, whose scores have no ties): the PASCAL VOC devkit's AP
                     (py-faster-rcnn's voc_ap, transcribed below) over the known entries; NaN without a positive
  NAME/thresholded   [7] CP, CR, CF1, CF1 mean, OP, OR, OF1 (percent) from the ML-GCN-style reference below
  NAME/top3          [7] the same for each image's 3 highest labels that also pass the threshold
  NAME/top3_nothr    [7] the same without the threshold
Metadata "kind_<NAME>": logits or probabilities (the threshold the reference used: 0 or 0.5).

The cases:
  ties      300 x 10 probabilities rounded to 0.1 (11 distinct values: heavy ties), 20% unknown. Class 2 has no
            positive (only -1 and 0), class 4 is all unknown, class 6 has one positive, class 7 scores every image 0.5
            (one tie group), class 8 ranks every positive first, class 9 has no predicted positive (all scores < 0.5).
  logits    1000 x 20 logits rounded to 0.5 that carry signal about the targets, 30% unknown; class 0 has no positive.
  distinct  200 x 6 continuous probabilities (no ties), 10% unknown: cross-checks voc12 / voc07 against the devkit.
"""
import os
import sys

import numpy as np
import sklearn
from sklearn.metrics import average_precision_score

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import torch  # noqa: E402  (the writer takes tensors)
from fixturelib import save_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def sklearn_noninterp(scores, targets):
    out = np.full(scores.shape[1], np.nan)
    for c in range(scores.shape[1]):
        known = targets[:, c] != 0
        y = targets[known, c] == 1
        if y.sum() > 0:
            out[c] = average_precision_score(y, scores[known, c])
    return out


def voc_ap(rec, prec, use_07_metric):
    """py-faster-rcnn's lib/datasets/voc_eval.py voc_ap, with the 11 recall levels written as i / 10 (np.arange(0., 1.1,
    0.1) holds 0.30000000000000004, which misses a recall of exactly 0.3)."""
    if use_07_metric:
        ap = 0.0
        for t in [i / 10 for i in range(11)]:
            p = 0 if np.sum(rec >= t) == 0 else np.max(prec[rec >= t])
            ap = ap + p / 11.0
        return ap
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = np.maximum(mpre[i - 1], mpre[i])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1])


def devkit_ap(scores, targets, use_07_metric):
    out = np.full(scores.shape[1], np.nan)
    for c in range(scores.shape[1]):
        known = targets[:, c] != 0
        s, y = scores[known, c], targets[known, c] == 1
        if y.sum() == 0:
            continue
        order = np.argsort(-s, kind="stable")
        tp = np.cumsum(y[order])
        fp = np.cumsum(~y[order])
        out[c] = voc_ap(tp / y.sum(), tp / (tp + fp), use_07_metric)
    return out


def thresholded(scores, targets, threshold, topk=None, use_threshold=True):
    """ML-GCN's AveragePrecisionMeter.evaluation with unknown entries left out and class means over the classes that
    have a positive. Top-k: each image's k highest labels (ties to the lower index) among all labels."""
    n, c = scores.shape
    if topk is None:
        pred = scores >= threshold
    else:
        pred = np.zeros_like(scores, dtype=bool)
        order = np.argsort(-scores, axis=1, kind="stable")[:, :topk]
        for i in range(n):
            for j in order[i]:
                pred[i, j] = (scores[i, j] >= threshold) if use_threshold else True
    known = targets != 0
    ng = ((targets == 1) & known).sum(0).astype(float)
    np_ = (pred & known).sum(0).astype(float)
    nc = (pred & (targets == 1)).sum(0).astype(float)
    has = ng > 0
    p = np.where(np_ > 0, nc / np.maximum(np_, 1), 0.0)
    r = np.where(has, nc / np.maximum(ng, 1), 0.0)
    f1 = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0.0)
    cp, cr = p[has].mean(), r[has].mean()
    cf1 = 2 * cp * cr / (cp + cr) if cp + cr > 0 else 0.0
    op = nc.sum() / np_.sum() if np_.sum() > 0 else 0.0
    orr = nc.sum() / ng.sum()
    of1 = 2 * op * orr / (op + orr) if op + orr > 0 else 0.0
    return np.array([cp, cr, cf1, f1[has].mean(), op, orr, of1]) * 100


def main():
    rng = np.random.default_rng(20261122)
    tensors, names, meta = {}, [], {}

    def add(name, scores, targets, kind, devkit=False):
        threshold = 0.0 if kind == "logits" else 0.5
        tensors[f"{name}/scores"] = torch.from_numpy(scores)
        tensors[f"{name}/targets"] = torch.from_numpy(targets)
        tensors[f"{name}/ap_noninterp"] = torch.from_numpy(sklearn_noninterp(scores, targets))
        if devkit:
            tensors[f"{name}/ap_voc12"] = torch.from_numpy(devkit_ap(scores, targets, False))
            tensors[f"{name}/ap_voc07"] = torch.from_numpy(devkit_ap(scores, targets, True))
        tensors[f"{name}/thresholded"] = torch.from_numpy(thresholded(scores, targets, threshold))
        tensors[f"{name}/top3"] = torch.from_numpy(thresholded(scores, targets, threshold, topk=3))
        tensors[f"{name}/top3_nothr"] = torch.from_numpy(thresholded(scores, targets, threshold, topk=3, use_threshold=False))
        meta[f"kind_{name}"] = kind
        names.append(name)

    # ties: 11 distinct probability values.
    n, c = 300, 10
    scores = np.round(rng.random((n, c)), 1)
    targets = np.where(rng.random((n, c)) < 0.3, 1.0, -1.0)
    targets[rng.random((n, c)) < 0.2] = 0.0
    targets[:, 2] = np.where(targets[:, 2] == 1, -1.0, targets[:, 2])  # no positive
    targets[:, 4] = 0.0  # all unknown
    targets[:, 6] = -1.0
    targets[17, 6] = 1.0  # a single positive
    scores[:, 7] = 0.5  # one tie group
    pos8 = targets[:, 8] == 1
    scores[pos8, 8] = np.round(0.6 + 0.4 * rng.random(pos8.sum()), 1)
    scores[~pos8, 8] = np.round(0.5 * rng.random((~pos8).sum()), 1)  # every positive above every other entry
    scores[:, 9] = np.round(0.49 * rng.random(n), 2)  # nothing predicted
    add("ties", scores, targets, "probabilities")

    # logits with signal.
    n, c = 1000, 20
    truth = rng.random((n, c)) < np.linspace(0.05, 0.5, c)
    logits = np.round((rng.normal(size=(n, c)) * 1.5 + np.where(truth, 1.5, -1.5)) * 2) / 2
    targets = np.where(truth, 1.0, -1.0)
    targets[rng.random((n, c)) < 0.3] = 0.0
    targets[:, 0] = np.where(targets[:, 0] == 1, 0.0, targets[:, 0])
    add("logits", logits, targets, "logits")

    # distinct: no ties, for the devkit cross-check.
    n, c = 200, 6
    truth = rng.random((n, c)) < 0.35
    scores = 1 / (1 + np.exp(-(rng.normal(size=(n, c)) + np.where(truth, 1.0, -1.0))))
    assert all(len(np.unique(scores[:, j])) == n for j in range(c))
    targets = np.where(truth, 1.0, -1.0)
    targets[rng.random((n, c)) < 0.1] = 0.0
    add("distinct", scores, targets, "probabilities", devkit=True)

    path = os.path.join(HERE, "metrics.safetensors")
    meta.update({"cases": ",".join(names), "sklearn": sklearn.__version__, "numpy": np.__version__})
    save_safetensors(path, tensors, meta)
    for name in names:
        print(name, "noninterp AP:", np.round(tensors[f"{name}/ap_noninterp"].numpy(), 4))
    print(f"{path}: {len(names)} cases, {len(tensors)} tensors")


if __name__ == "__main__":
    main()
