"""k-means fixtures: clustered data on which one k-means++ run often stops in a local minimum, and the inertia
scikit-learn's KMeans reaches with its defaults of SARB's era (n_init=10 restarts of greedy k-means++, Lloyd, tol 1e-4).

Run from the repository root with Debian's Python (scikit-learn from python3-sklearn, torch for the writer):
    /usr/bin/python3 Srn.Tests/Fixtures/PartialLabels/make_kmeans_fixtures.py

Writes Srn.Tests/Fixtures/PartialLabels/kmeans.safetensors. For each case NAME (metadata "cases"):
  NAME/x          [n, D] float32 points (clustered as float64): 10 Gaussian blobs of 10 to 59 points, each with its own spread
  NAME/inertia    [1] KMeans(n_clusters=10, n_init=10, random_state=0, algorithm="lloyd").fit(x).inertia_
  NAME/optimum    [1] the inertia of the blobs themselves (each blob's points around their mean)
Metadata "single_worse_NAME": the share of 100 single runs (n_init=1, random_state 0..99) that end above the optimum;
"best10_worse_NAME": the same for n_init=10 (0: ten restarts always find it, which is what the C# test relies on).
The C# test (Srn.Tests/PartialLabels/KMeansTests.cs) compares inertias, not labels or centres: scikit-learn draws from
numpy's generator and Srn from the experiment seed's, so only the optimum they reach is comparable.
"""
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.cluster import KMeans

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import torch  # noqa: E402
from fixturelib import save_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
K = 10


def blobs(rng, dim, separation):
    sizes = rng.integers(10, 60, size=K)
    centres = rng.normal(size=(K, dim)) * separation
    x = np.concatenate([c + rng.normal(size=(sizes[i], dim)) * rng.uniform(0.5, 1.5) for i, c in enumerate(centres)])
    x = x.astype(np.float32).astype(np.float64)  # stored as float32, clustered exactly as stored
    labels = np.repeat(np.arange(K), sizes)
    optimum = sum(((x[labels == j] - x[labels == j].mean(0)) ** 2).sum() for j in range(K))
    return x, optimum


def main():
    warnings.filterwarnings("ignore")  # scikit-learn 1.2 announces n_init's future default
    rng = np.random.default_rng(20261203)
    tensors, names, meta = {}, [], {}
    for name, dim, separation in [("blobs16", 16, 3.0), ("blobs64", 64, 2.0)]:
        x, optimum = blobs(rng, dim, separation)
        fit = KMeans(n_clusters=K, n_init=10, random_state=0, algorithm="lloyd").fit(x)
        single = np.array([KMeans(n_clusters=K, n_init=1, random_state=s, algorithm="lloyd").fit(x).inertia_ for s in range(100)])
        best10 = np.array([KMeans(n_clusters=K, n_init=10, random_state=s, algorithm="lloyd").fit(x).inertia_ for s in range(100)])
        assert abs(fit.inertia_ / optimum - 1) < 1e-12, (name, fit.inertia_, optimum)
        tensors[f"{name}/x"] = torch.from_numpy(x.astype(np.float32))
        tensors[f"{name}/inertia"] = torch.tensor([fit.inertia_], dtype=torch.float64)
        tensors[f"{name}/optimum"] = torch.tensor([optimum], dtype=torch.float64)
        meta[f"single_worse_{name}"] = str(np.mean(single > optimum * (1 + 1e-9)))
        meta[f"best10_worse_{name}"] = str(np.mean(best10 > optimum * (1 + 1e-9)))
        names.append(name)
        print(name, x.shape, "inertia", fit.inertia_, "single runs above the optimum:", meta[f"single_worse_{name}"],
              "ten-restart runs above it:", meta[f"best10_worse_{name}"])

    meta.update({"cases": ",".join(names), "sklearn": sklearn.__version__, "numpy": np.__version__})
    path = os.path.join(HERE, "kmeans.safetensors")
    save_safetensors(path, tensors, meta)
    print(f"{path}: {len(names)} cases, {len(tensors)} tensors")


if __name__ == "__main__":
    main()
