#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Reference histogram quantiles from numpy, for
tests/unit/test_stats_numpy.c (stats__hist_quantile in src/stats/stats.c,
the latency percentiles driftprobe_latency_seconds exports).

Run with Debian's /usr/bin/python3 (numpy 1.24): gen_hist_quantile.py OUT.
Seeded: the same OUT on every run. One record per line, fields separated by
spaces, floats written with repr() so strtod reads them back bit for bit:

  H n q value edges[0..n] counts[0..n)

edges: ascending bin edges, the last one "inf" in half of the cases (an
open-ended last bin, as every latency feature has), of three shapes: log2
(0, 2, 4, 8, ...), log-linear (0..3 exact, then 4 per power of two, as
DP_BUCKET_LOGLIN) and random widths. counts: sparse or dense, small or up
to 1e12 per bin, at least one non-zero. q: 0.5, 0.99, 1 and random ones.

value, with numpy's own operations rather than the C code's loop: the
bin is the first whose cumulative count (numpy.cumsum) reaches the rank
q * N (numpy.searchsorted, side="left"), and within it the piecewise-
linear CDF is inverted with numpy.interp between (count before it, lower
edge) and (count through it, upper edge). A rank in an open-ended last bin
gives its lower edge. The C side compares to 1e-12 relative: the two
interpolate in a different order of operations.
"""
import sys

import numpy as np


def log2_edges(n):
    return [0.0] + [float(2 ** (b + 1)) for b in range(n)]


def loglin_edges(n):
    def lower(b):
        if b < 4:
            return float(b)
        e = (b >> 2) + 1
        m = b & 3
        return float((4 + m) << (e - 2))
    return [lower(b) for b in range(n + 1)]


def random_edges(rng, n):
    widths = rng.exponential(1.0, n) * 10 ** rng.uniform(-3, 6)
    start = rng.uniform(0, 100)
    return list(start + np.concatenate([[0.0], np.cumsum(widths)]))


def reference(edges, counts, q):
    c = np.asarray(counts, dtype=np.float64)
    e = np.asarray(edges, dtype=np.float64)
    cum = np.cumsum(c)
    rank = q * cum[-1]
    i = int(np.searchsorted(cum, rank, side="left"))
    if np.isinf(e[i + 1]):
        return float(e[i])
    assert c[i] > 0
    xp = np.array([cum[i] - c[i], cum[i]])
    fp = np.array([e[i], e[i + 1]])
    return float(np.interp(rank, xp, fp))


def main():
    rng = np.random.default_rng(20261206)
    out = []
    for case in range(600):
        n = int(rng.integers(1, 170))
        shape = case % 3
        if shape == 0:
            edges = log2_edges(n)
        elif shape == 1:
            edges = loglin_edges(n)
        else:
            edges = random_edges(rng, n)
        if case % 2:
            edges[-1] = float("inf")
        density = rng.uniform(0.02, 1.0)
        scale = 10 ** rng.uniform(0, 12)
        counts = np.where(rng.uniform(size=n) < density,
                          np.floor(rng.exponential(scale, n)) + 1, 0)
        counts = counts.astype(np.uint64)
        if not counts.any():
            counts[int(rng.integers(0, n))] = int(rng.integers(1, 1000))
        for q in (0.5, 0.99, 1.0, float(rng.uniform(1e-6, 1.0))):
            v = reference(edges, counts, q)
            out.append("H %d %r %r %s %s" % (
                n, q, v, " ".join(repr(float(x)) for x in edges),
                " ".join(str(int(x)) for x in counts)))
    with open(sys.argv[1], "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
