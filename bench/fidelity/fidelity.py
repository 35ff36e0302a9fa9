#!/usr/bin/env python3
"""Fidelity of huntkit's isolation forest and k-means against scikit-learn's.

Reads the tables `huntkit analyze outliers` and `huntkit analyze cluster --method kmeans`
wrote for the same events (feature columns included), fits scikit-learn's IsolationForest
and KMeans on the same feature columns, and prints how closely the answers agree:

  outliers: Spearman rank correlation of the scores, and the share of huntkit's top 1 %
            that scikit-learn also puts in its top 1 %
  k-means:  adjusted Rand index between the two labelings (1 = the same partition), and
            the inertia (within-cluster sum of squares) of each

Usage: fidelity.py OUTLIERS.csv KMEANS.csv K SEED COLS (comma-separated feature columns)
Needs python3-sklearn (Debian). Not part of the test suite.
"""
import csv
import sys

import numpy as np
from scipy.stats import spearmanr
from sklearn.cluster import KMeans
from sklearn.ensemble import IsolationForest
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import normalize

FEATURES = []


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    x = np.array([[float(r[c] in ("true", "True") if c == "isSystemSession" else float(r[c])) for c in FEATURES] for r in rows])
    return rows, x


def inertia(x, labels):
    total = 0.0
    for k in set(labels):
        pts = x[labels == k]
        total += ((pts - pts.mean(axis=0)) ** 2).sum()
    return total


def main():
    out_csv, km_csv, k, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    FEATURES.extend(sys.argv[5].split(","))
    rows, x = read(out_csv)
    hk = np.array([float(r["outlier_score"]) for r in rows])
    forest = IsolationForest(n_estimators=100, max_samples=256, random_state=seed).fit(x)
    sk = -forest.score_samples(x)  # the paper's anomaly score, higher = more isolated
    rho = spearmanr(hk, sk).correlation
    top = max(1, len(rows) // 100)
    hk_top = set(np.argsort(-hk, kind="stable")[:top])
    sk_top = set(np.argsort(-sk, kind="stable")[:top])
    # what two scikit-learn forests with different seeds agree to: the ceiling for any pair
    sk2 = -IsolationForest(n_estimators=100, max_samples=256, random_state=seed + 1).fit(x).score_samples(x)
    sk2_top = set(np.argsort(-sk2, kind="stable")[:top])
    print(f"isolation forest, {len(rows)} rows: Spearman rho {rho:.3f}; top 1% overlap {len(hk_top & sk_top) / top:.2f}; "
          f"mean score huntkit {hk.mean():.3f} / sklearn {sk.mean():.3f}; "
          f"sklearn vs sklearn (another seed): rho {spearmanr(sk, sk2).correlation:.3f}, top 1% overlap {len(sk_top & sk2_top) / top:.2f}")

    rows, x = read(km_csv)
    xn = normalize(x)
    hk_labels = np.array([int(r["ClusterId"]) for r in rows])
    km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(xn)
    ari = adjusted_rand_score(hk_labels, km.labels_)
    print(f"k-means k={k}, {len(rows)} rows: adjusted Rand index {ari:.3f}; inertia huntkit {inertia(xn, hk_labels):.2f} / sklearn {km.inertia_:.2f}")


if __name__ == "__main__":
    main()
