#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Reference values for src/stats/mi.c (and stats.c's digamma), computed by
scikit-learn and scipy.

Run with Debian's /usr/bin/python3 (numpy 1.24, scipy 1.10, sklearn 1.2).
Seeded: the output is the same on every run. One record per line, fields
separated by spaces, floats written with repr() so strtod reads them back
bit for bit:

  T rows cols counts[rows*cols] mi h_x h_y h_xy nmi_arith nmi_geom nmi_min nmi_max
      mi:   sklearn.metrics.mutual_info_score(None, None, contingency=table)
      h_*:  sklearn.metrics.cluster.entropy of the row / column labels, and
            scipy.stats.entropy of the cells
      nmi:  normalized_mutual_info_score on the table expanded into label
            vectors; "nan" for tables too large to expand (N > 5000)
  D x digamma(x)            scipy.special.digamma
  K n k x[n] y[n] mi        sklearn.feature_selection._mutual_info._compute_mi_cc

The KSG reference calls sklearn's private _compute_mi_cc on the raw series:
mutual_info_regression() would first scale x and y by their standard
deviation and add 1e-10-scale noise, which a deterministic reference cannot
reproduce. _compute_mi_cc itself neither scales nor perturbs its input.
"""
import sys

import numpy as np
from scipy.special import digamma
from scipy.stats import entropy as scipy_entropy
from sklearn.feature_selection._mutual_info import _compute_mi_cc
from sklearn.metrics import mutual_info_score, normalized_mutual_info_score
from sklearn.metrics.cluster import entropy as label_entropy

rng = np.random.default_rng(20240611)
out = sys.stdout


def fmt(v):
    return repr(float(v))


def random_table(rows, cols, total):
    """A table with a random dependence structure and sparsity."""
    kind = rng.integers(0, 4)
    if kind == 0:		# independent marginals
        p = np.outer(rng.dirichlet(np.ones(rows)), rng.dirichlet(np.ones(cols)))
    elif kind == 1:		# dense, arbitrary joint
        p = rng.dirichlet(np.ones(rows * cols)).reshape(rows, cols)
    elif kind == 2:		# concentrated near a diagonal
        i, j = np.indices((rows, cols))
        p = np.exp(-np.abs(i / max(rows, 1) - j / max(cols, 1)) * 8.0)
        p /= p.sum()
    else:			# sparse: most cells zero
        p = rng.dirichlet(np.full(rows * cols, 0.1)).reshape(rows, cols)
    t = rng.multinomial(total, p.ravel()).reshape(rows, cols)
    if rng.random() < 0.3:	# knock out whole cells, rows or columns
        t[rng.random((rows, cols)) < rng.random() * 0.6] = 0
    if t.sum() == 0:
        t[rng.integers(rows), rng.integers(cols)] = 1 + rng.integers(50)
    return t.astype(np.int64)


def write_table(t, with_nmi):
    rows, cols = t.shape
    mi = mutual_info_score(None, None, contingency=t)
    h_xy = scipy_entropy(t[t > 0].astype(np.float64))
    r, c = np.nonzero(t)
    if with_nmi:
        lx = np.repeat(r, t[r, c])
        ly = np.repeat(c, t[r, c])
        h_x, h_y = label_entropy(lx), label_entropy(ly)
        nmi = [normalized_mutual_info_score(lx, ly, average_method=m)
               for m in ("arithmetic", "geometric", "min", "max")]
    else:
        h_x = scipy_entropy(t.sum(axis=1)[t.sum(axis=1) > 0].astype(np.float64))
        h_y = scipy_entropy(t.sum(axis=0)[t.sum(axis=0) > 0].astype(np.float64))
        nmi = [float("nan")] * 4
    fields = ["T", str(rows), str(cols)] + [str(v) for v in t.ravel()]
    fields += [fmt(v) for v in [mi, h_x, h_y, h_xy] + nmi]
    out.write(" ".join(fields) + "\n")


def tables():
    # Fixed edge cases first: 1x1, single row, single column, diagonal.
    write_table(np.array([[7]]), True)
    write_table(np.array([[3, 0, 5]]), True)
    write_table(np.array([[3], [0], [5]]), True)
    write_table(np.diag([4, 9, 1, 6]).astype(np.int64), True)
    write_table(np.array([[10, 10], [10, 10]]), True)
    for _ in range(1200):
        rows, cols = rng.integers(1, 31, size=2)
        total = int(rng.integers(1, 5001))
        write_table(random_table(rows, cols, total), True)
    for _ in range(300):	# large totals: MI and entropies only
        rows, cols = rng.integers(1, 31, size=2)
        total = int(10 ** rng.uniform(4, 9))
        write_table(random_table(rows, cols, total), False)


def digammas():
    xs = list(rng.uniform(1e-3, 1, 80)) + list(rng.uniform(1, 12, 80))
    xs += list(10 ** rng.uniform(-8, 12, 60))
    xs += [0.5, 1.0, 2.0, 3.0, 9.999999, 10.0, 10.000001, 1e-300, 1e300]
    xs += list(range(1, 41))	# what KSG evaluates: integer counts
    for x in xs:
        out.write("D %s %s\n" % (fmt(x), fmt(digamma(x))))


def ksg_series(n):
    kind = rng.integers(0, 5)
    x = rng.normal(size=n)
    if kind == 0:		# independent
        y = rng.normal(size=n)
    elif kind == 1:		# correlated Gaussian
        rho = rng.uniform(-0.99, 0.99)
        y = rho * x + np.sqrt(1 - rho * rho) * rng.normal(size=n)
    elif kind == 2:		# nonlinear
        y = np.sin(3 * x) + rng.normal(scale=rng.uniform(0.05, 1), size=n)
    elif kind == 3:		# uniform, different scales
        x = rng.uniform(0, 100, size=n)
        y = x * rng.uniform(0.001, 10) + rng.uniform(0, 50, size=n)
    else:			# rounded values: ties and duplicate points
        x = np.round(x, 1)
        y = np.round(x + rng.normal(scale=0.5, size=n), 1)
    return x, y


def ksg():
    for i in range(80):
        n = int(rng.integers(50, 501))
        k = 3 if i % 4 else int(rng.integers(1, 8))
        x, y = ksg_series(n)
        mi = _compute_mi_cc(x.copy(), y.copy(), n_neighbors=k)
        fields = ["K", str(n), str(k)] + [fmt(v) for v in x] + [fmt(v) for v in y]
        out.write(" ".join(fields + [fmt(mi)]) + "\n")


tables()
digammas()
ksg()
