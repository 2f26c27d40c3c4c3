"""Fixtures for the SRN convention of the thresholded metrics (MetricsConvention.Srn): SRN's MATLAB evaluation,
transcribed line by line in numpy.

Run from the repository root with Debian's Python (numpy, torch for the writer):
    /usr/bin/python3 Srn.Tests/Fixtures/Metrics/make_srn_convention_fixtures.py

The reference is zhufengx/SRN_multilabel's evaluate.m (COCO / NUS-WIDE branch) and tools/precision_recall_f1.m:
    probs = 1./(1+exp(-logits));
    [P_C, R_C, F1_C] = precision_recall_f1(labels, (probs>threshold));            % threshold = 0.5
    [P_O, R_O, F1_O] = precision_recall_f1(labels(:), reshape((probs>threshold),[],1));
    metrics = [mean(F1_C), mean(P_C), mean(R_C), F1_O, P_O, R_O]
with, per column, num_tp = sum(tp)+eps, num_pred = sum(pred)+eps, num_p = sum(labels)+eps, P = num_tp./num_pred,
R = num_tp./num_p+eps, F1 = 2PR/(P+R). eps is MATLAB's, 2^-52.

Writes Srn.Tests/Fixtures/Metrics/srn_convention.safetensors. For each case NAME (metadata "cases"):
  NAME/scores    [N, C] float64 scores (metadata kind_NAME: logits or probabilities; the MATLAB script is given
                 probabilities, so logits go through its sigmoid first)
  NAME/targets   [N, C] float64 targets in {1, -1}: the script reads labels == 1, so there are no unknown entries here,
                 and every class has a positive (its mAP needs one), the cases where Srn's class means and the script's agree
  NAME/srn       [6] CP, CR, CF1 mean, OP, OR, OF1 (percent) from the transcription
The cases:
  probs   400 x 12 probabilities rounded to 0.05 (many exactly 0.5: not predicted under > 0.5); class 3 scores every
          image 0.5 (no prediction: precision 1), class 7 scores everything <= 0.5 (likewise), class 9 has one positive.
  logits  300 x 8 logits rounded to 0.5 (many exactly 0, whose sigmoid is exactly 0.5); class 5 predicts nothing.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import torch  # noqa: E402  (the writer takes tensors)
from fixturelib import save_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = np.finfo(np.float64).eps  # MATLAB's eps


def precision_recall_f1(labels, label_pred):
    """tools/precision_recall_f1.m: per column of logical matrices."""
    tp = labels & label_pred
    num_tp = tp.sum(0) + EPS
    num_pred = label_pred.sum(0) + EPS
    num_p = labels.sum(0) + EPS
    p = num_tp / num_pred
    r = num_tp / num_p + EPS
    f1 = 2 * p * r / (p + r)
    return p, r, f1


def srn_evaluate(scores, targets, kind):
    """evaluate.m's COCO / NUS-WIDE branch, without the AP."""
    probs = 1.0 / (1.0 + np.exp(-scores)) if kind == "logits" else scores
    labels = targets == 1
    pred = probs > 0.5
    p_c, r_c, f1_c = precision_recall_f1(labels, pred)
    p_o, r_o, f1_o = precision_recall_f1(labels.reshape(-1, 1), pred.reshape(-1, 1))
    return 100 * np.array([p_c.mean(), r_c.mean(), f1_c.mean(), p_o[0], r_o[0], f1_o[0]])


def main():
    rng = np.random.default_rng(20261201)
    tensors, names, meta = {}, [], {}

    def add(name, scores, targets, kind):
        assert set(np.unique(targets)) <= {1.0, -1.0} and (targets == 1).any(0).all()
        tensors[f"{name}/scores"] = torch.from_numpy(scores)
        tensors[f"{name}/targets"] = torch.from_numpy(targets)
        tensors[f"{name}/srn"] = torch.from_numpy(srn_evaluate(scores, targets, kind))
        meta[f"kind_{name}"] = kind
        names.append(name)

    n, c = 400, 12
    truth = rng.random((n, c)) < 0.3
    probs = np.clip(np.round((0.5 + np.where(truth, 0.15, -0.15) + 0.25 * rng.normal(size=(n, c))) * 20) / 20, 0, 1)
    probs[:, 3] = 0.5
    probs[:, 7] = np.minimum(probs[:, 7], 0.5)
    truth[:, 9] = False
    truth[11, 9] = True
    targets = np.where(truth, 1.0, -1.0)
    assert (probs == 0.5).sum() > 2 * n
    add("probs", probs, targets, "probabilities")

    n, c = 300, 8
    truth = rng.random((n, c)) < 0.4
    logits = np.round((rng.normal(size=(n, c)) + np.where(truth, 1.0, -1.0)) * 2) / 2
    logits[:, 5] = -np.abs(logits[:, 5])
    targets = np.where(truth, 1.0, -1.0)
    assert (logits == 0).sum() > n / 2
    add("logits", logits, targets, "logits")

    path = os.path.join(HERE, "srn_convention.safetensors")
    meta.update({"cases": ",".join(names), "numpy": np.__version__})
    save_safetensors(path, tensors, meta)
    for name in names:
        print(name, "CP CR CF1mean OP OR OF1:", np.round(tensors[f"{name}/srn"].numpy(), 4))
    print(f"{path}: {len(names)} cases, {len(tensors)} tensors")


if __name__ == "__main__":
    main()
