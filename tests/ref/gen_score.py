#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Reference values for tests/unit/test_score.c (src/stats/score.c), from
numpy and scipy (Debian's /usr/bin/python3): gen_score.py OUT. Seeded; one
record per line, floats by repr() so strtod reads them back bit for bit:

  F n e[0..n) median scale
      robust standardisation of held-out effects: numpy.median, and
      max(1.4826 * scipy.stats.median_abs_deviation, 0.001)
  N rate k surprise
      -log10 scipy.stats.poisson.sf(k - 1, rate): k or more novel bins
  L budget interval_s series level
      -log10(budget * interval_s / 86400 / series)
"""
import math
import sys

import numpy as np
from scipy.stats import median_abs_deviation, poisson

rng = np.random.default_rng(20261206)


def fmt(v):
    return repr(float(v))


def main(out):
    lines = []
    for _ in range(200):
        n = int(rng.integers(2, 400))
        kind = rng.integers(0, 3)
        if kind == 0:       # mostly zeros, as bias-corrected effects are
            e = np.where(rng.random(n) < 0.6, 0.0, rng.exponential(0.05, n))
        elif kind == 1:
            e = rng.gamma(2.0, 0.01, n)
        else:
            e = rng.lognormal(-4, 1.5, n)
        med = float(np.median(e))
        scale = max(1.4826 * float(median_abs_deviation(e)), 0.001)
        lines.append(" ".join(["F", str(n)] + [fmt(x) for x in e] +
                              [fmt(med), fmt(scale)]))
    for _ in range(300):
        rate = float(10 ** rng.uniform(-4, 1.5))
        k = int(rng.integers(1, 40))
        sf = poisson.sf(k - 1, rate)
        if not sf > 1e-290:
            continue
        lines.append(f"N {fmt(rate)} {k} {fmt(-math.log10(sf))}")
    for _ in range(50):
        budget = float(10 ** rng.uniform(-3, 3))
        interval = float(10 ** rng.uniform(-1, 3))
        series = int(rng.integers(1, 100000))
        q = budget * interval / 86400 / series
        if q >= 1:
            continue
        lines.append(f"L {fmt(budget)} {fmt(interval)} {series} "
                     f"{fmt(-math.log10(q))}")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gen_score.py OUT")
    main(sys.argv[1])
