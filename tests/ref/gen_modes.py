#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Reference values for src/stats/modes.c, computed from scratch by scipy,
scikit-learn and brute force.

Run with Debian's /usr/bin/python3 (numpy 1.24, scipy 1.10, sklearn 1.2).
Seeded: the output is the same on every run. Cases of m windows over nbins
bins drawn from 1-4 random mixes ("true modes"), some with copied
windows. A case is a run of records, one per line, fields separated by
spaces, floats written with repr() so strtod reads them back bit for bit:

  C m nbins min_size true_k      starts a case
  W nz bin count ... (nz pairs)  m of them: window j, in order
  D d01 d02 .. d0m-1 d12 ..      Hellinger distances, upper triangle by
                                 rows: scipy.spatial.distance.pdist of the
                                 sqrt proportions, / sqrt(2)
  O k cost medoid[k] label[m] sil
                                 the exact k-medoids optimum for k = 1 ..
                                 min(4, m - 1), by brute force over every
                                 medoid set (the first in lexicographic order
                                 among equal costs); labels as modes__pam()
                                 gives them (a medoid in its own cluster, the
                                 others with their nearest medoid, ties to the
                                 lowest); sil = sklearn.metrics.silhouette_score
                                 (D, label, metric='precomputed'), 0 for k = 1
  L k label[m] sil               an arbitrary labelling with values < k
                                 (singletons, unused values) and its sklearn
                                 silhouette_score
  K k                            ends the case: the k that modes__cluster()'s
                                 rule (modes.h) picks from the O records with
                                 min_events 0: the eligible k > 1 (every
                                 cluster >= min_size) of largest silhouette,
                                 ties to the smaller, if >= 0.5; else 1

Nothing here calls or mirrors the C code's PAM: the optimum is exhaustive,
so a PAM that stops early, or a cost computed wrongly, shows.
"""
import itertools
import sys

import numpy as np
from scipy.spatial.distance import pdist, squareform
from sklearn.metrics import silhouette_score

MODES_MAX = 4
MIN_SILHOUETTE = 0.5

rng = np.random.default_rng(20240619)
out = sys.stdout


def fmt(v):
    return repr(float(v))


def draw_case(m, nbins, true_k):
    """Windows (m x nbins counts) from true_k mixes, and their mix."""
    mixes = []
    for _ in range(true_k):
        support = rng.random(nbins) < rng.uniform(0.3, 1.0)
        support[rng.integers(nbins)] = True
        alpha = rng.choice([0.3, 1.0, 3.0])
        p = np.zeros(nbins)
        p[support] = rng.dirichlet(np.full(support.sum(), alpha))
        mixes.append(p)
    truth = np.sort(rng.integers(0, true_k, size=m))
    truth[:true_k] = np.arange(true_k)	# every mix has a window
    rng.shuffle(truth)
    windows = np.zeros((m, nbins), dtype=np.int64)
    for j in range(m):
        p = mixes[truth[j]]
        if rng.random() < 0.5:		# jitter: windows vary beyond multinomial
            p = p * rng.uniform(0.6, 1.4, size=nbins)
            p /= p.sum()
        n = int(10 ** rng.uniform(1.3, 4))
        windows[j] = rng.multinomial(n, p)
    if rng.random() < 0.15:		# copies: distance 0, 0/0 silhouettes
        for _ in range(int(rng.integers(1, max(2, m // 3)))):
            a, b = rng.integers(m, size=2)
            windows[b] = windows[a] * int(rng.integers(1, 4))
            truth[b] = truth[a]
    return windows


def hellinger_matrix(windows):
    sp = np.sqrt(windows / windows.sum(axis=1, keepdims=True))
    d = squareform(pdist(sp, "euclidean")) / np.sqrt(2.0)
    # Self-check against the definition sqrt(1 - sum sqrt(p q)).
    bc = sp @ sp.T
    assert np.allclose(d * d, np.clip(1.0 - bc, 0, None), rtol=0, atol=1e-12)
    np.fill_diagonal(d, 0.0)
    return np.minimum(d, 1.0)


def labels_of(d, medoids):
    """modes__pam()'s labelling for sorted medoids."""
    lab = np.argmin(d[:, medoids], axis=1)	# argmin: first of the ties
    for c, i in enumerate(medoids):
        lab[i] = c
    return lab


def silhouette(d, lab):
    if len(set(lab.tolist())) < 2:
        return 0.0
    return silhouette_score(d, lab, metric="precomputed")


def optimum(d, k):
    """Exhaustive k-medoids: (cost, medoids) of the cheapest medoid set."""
    m = len(d)
    best_cost, best = np.inf, None
    combos = itertools.combinations(range(m), k)
    while True:
        chunk = np.fromiter(itertools.chain.from_iterable(
            itertools.islice(combos, 20000)), dtype=np.int64).reshape(-1, k)
        if not len(chunk):
            break
        cost = d[:, chunk].min(axis=2).sum(axis=0)
        i = int(np.argmin(cost))
        if cost[i] < best_cost:
            best_cost, best = cost[i], chunk[i]
    # The cost of the winner summed in index order, as the C code sums it.
    return float(np.sum(d[:, best].min(axis=1))), best


def write_case(m, nbins, true_k):
    true_k = min(true_k, m)
    windows = draw_case(m, nbins, true_k)
    min_size = int(rng.integers(1, 7))
    d = hellinger_matrix(windows)
    out.write("C %d %d %d %d\n" % (m, nbins, min_size, true_k))
    for w in windows:
        nz = np.nonzero(w)[0]
        out.write(" ".join(["W", str(len(nz))] +
                           ["%d %d" % (b, w[b]) for b in nz]) + "\n")
    out.write(" ".join(["D"] + [fmt(v) for v in d[np.triu_indices(m, 1)]])
              + "\n")
    chosen, best_sil = 1, -np.inf
    for k in range(1, min(MODES_MAX, m - 1) + 1):
        cost, med = optimum(d, k)
        lab = labels_of(d, med)
        sil = silhouette(d, lab) if k > 1 else 0.0
        out.write(" ".join(["O", str(k), fmt(cost)] + [str(i) for i in med] +
                           [str(v) for v in lab] + [fmt(sil)]) + "\n")
        if k > 1 and np.bincount(lab, minlength=k).min() >= min_size \
                and sil > best_sil:
            chosen, best_sil = k, sil
    if best_sil < MIN_SILHOUETTE:
        chosen = 1
    for _ in range(3):
        k = int(rng.integers(2, MODES_MAX + 1))
        while True:
            lab = rng.integers(0, k, size=m)
            if rng.random() < 0.3:	# an unused value in between
                lab[lab == 1] = 0
            if 2 <= len(set(lab.tolist())) <= m - 1:
                break
        out.write(" ".join(["L", str(k)] + [str(v) for v in lab] +
                           [fmt(silhouette(d, lab))]) + "\n")
    out.write("K %d\n" % chosen)


# Small cases first (the brute force is cheap, and PAM should be exact),
# then the spread the brief asks for: m in [6, 60], bins in [4, 64].
for _ in range(60):
    write_case(int(rng.integers(3, 13)), int(rng.integers(4, 65)),
               int(rng.integers(1, 5)))
for _ in range(100):
    write_case(int(rng.integers(6, 61)), int(rng.integers(4, 65)),
               int(rng.integers(1, 5)))
