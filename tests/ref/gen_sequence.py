#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Reference values for tests/unit/test_sequence.c (src/stats/sequence.c):
gen_sequence.py OUT. An independent implementation of the Witten-Bell
bigram from its formulas (sequence.h): the conditional distributions are
numpy object arrays of exact fractions.Fraction, so that the only rounding
is that of each logarithm (ln p = log1p(-(1 - p)) near 1, with 1 - p exact).

Seeded: the output is the same on every run. One record per line, fields
separated by spaces, floats by repr() so strtod reads them back bit for bit:

  S k counts[k*k] logp[k*k] entropy[k] nwin
    then nwin times: window[k*k] excess ntop nref (bin baseline_p window_p
    contribution)*nref
      the model fitted to counts, and windows under it: excess is "nan" for
      an empty window (-ENODATA); the top list asked for ntop bins holds its
      first nref = min(positive terms, ntop + 8) (the extra ones settle
      near-ties at the cut).
  E k counts[k*k] nwin (prob window[k*k])*nwin
      every window with the given row sums (contexts), with its exact
      probability under the model: the expected excess is 0.
"""
import itertools
import math
import sys
from fractions import Fraction

import numpy as np

rng = np.random.default_rng(20261220)
EPS = 1e-12  # SEQUENCE_EPS: surprise above the row's entropy that counts


def fmt(v):
    return repr(float(v))


def ints(a):
    """An object array of Python ints: sums never wrap."""
    return np.array([int(v) for v in np.ravel(a)], dtype=object).reshape(
        np.shape(a))


def fit(t):
    """p(x|c) as a k x k object array of Fractions (t: object ints)."""
    k = t.shape[0]
    n = t.sum(axis=0)
    big_n = int(n.sum())
    big_t = int((n > 0).sum())
    if big_n == 0:
        p1 = np.full(k, Fraction(1, k), dtype=object)
    else:
        p1 = (n + Fraction(big_t, k)) / (big_n + big_t)
    assert sum(p1) == 1
    nc = t.sum(axis=1)
    tc = (t > 0).sum(axis=1)
    p = np.empty((k, k), dtype=object)
    for c in range(k):
        if nc[c] == 0:
            p[c] = p1
        else:
            p[c] = (t[c] + int(tc[c]) * p1) / (int(nc[c]) + int(tc[c]))
        assert sum(p[c]) == 1
    return p


def ln(p):
    if p > Fraction(1, 2):
        return math.log1p(-float(1 - p))
    return math.log(p)


def model(p):
    logp = np.frompyfunc(ln, 1, 1)(p).astype(float)
    h = np.array([math.fsum(-float(q) * lq for q, lq in zip(p[c], logp[c]))
                  for c in range(p.shape[0])])
    return logp, h


def excess(logp, h, w):
    n = int(w.sum())
    if n == 0:
        return math.nan
    d = -logp - h[:, None]
    return math.fsum(float(v) * e for v, e in zip(w.ravel(), d.ravel())) / n


def top(p, logp, h, w, ntop):
    """(bin, p(x|c), w(c,x)/w(c), share) of the positive terms
    (w(c,x) - w(c) p(x|c)) d(c,x), d = -ln p(x|c) - H(c), |d| > EPS, ranked."""
    k = p.shape[0]
    d = (-logp - h[:, None]).ravel()
    wc = w.sum(axis=1)
    # w(c,x) - w(c) p(x|c) exactly (p is a Fraction), then in float.
    over = np.array([float(int(w[c, x]) - int(wc[c]) * p[c, x])
                     for c in range(k) for x in range(k)])
    terms_all = over * d
    pos = np.flatnonzero((np.abs(d) > EPS) & (terms_all > 0) &
                         (np.repeat(wc, k) > 0))
    terms = terms_all[pos]
    order = np.lexsort((pos, -terms))
    total = math.fsum(terms)
    out = []
    for i in order[:ntop + 8]:
        b = int(pos[i])
        c, x = divmod(b, k)
        out.append((b, float(p[c, x]), float(Fraction(int(w[c, x]),
                                                      int(wc[c]))),
                    terms[i] / total))
    return out


def random_table(k):
    kind = int(rng.integers(0, 9))
    total = int(10 ** rng.uniform(0, 7))
    if kind == 0:       # sparse: most transitions never seen
        q = rng.dirichlet(np.full(k * k, 0.05))
    elif kind == 1:     # dense
        q = rng.dirichlet(np.ones(k * k))
    elif kind == 2:     # a process: each symbol followed by one or two
        q = np.zeros((k, k))
        for c in range(k):
            q[c, rng.integers(k)] = rng.random()
            q[c, rng.integers(k)] += 0.1 * rng.random()
        q = q.ravel() / q.sum()
    elif kind == 3:     # whole rows (and columns) empty
        q = rng.dirichlet(np.ones(k * k)).reshape(k, k)
        q[rng.random(k) < 0.5] = 0
        q[:, rng.random(k) < 0.3] = 0
        q = q.ravel()
        q = q / q.sum() if q.sum() > 0 else np.full(k * k, 1.0 / (k * k))
    elif kind == 4:     # nothing learnt yet
        return ints(np.zeros((k, k), dtype=np.int64))
    elif kind == 5:     # huge counts, near 2^62
        t = [int(v) for v in rng.integers(2**61, 2**62, k * k)]
        keep = rng.random(k * k) < rng.uniform(0.05, 1)
        return ints(np.array([v if f else 0 for v, f in zip(t, keep)],
                             dtype=object).reshape(k, k))
    elif kind == 6:     # uniform: every transition equally often
        return ints(np.full((k, k), int(rng.integers(1, 1000))))
    elif kind == 7:     # one transition only, perhaps huge
        t = np.zeros((k, k), dtype=object)
        t[rng.integers(k), rng.integers(k)] = int(rng.integers(1, 2**62))
        return ints(t)
    else:               # a few small counts
        total = int(rng.integers(1, 20))
        q = rng.dirichlet(np.ones(k * k))
    return ints(rng.multinomial(total, q).reshape(k, k))


def random_window(p, t):
    k = p.shape[0]
    kind = int(rng.integers(0, 6))
    if kind == 0 and rng.random() < 0.2:    # empty
        return ints(np.zeros((k, k), dtype=np.int64))
    if kind <= 1:       # drawn from the model, random contexts
        nc = rng.multinomial(int(10 ** rng.uniform(0, 4)),
                             rng.dirichlet(np.ones(k)))
        pf = p.astype(float)
        return ints(np.array([rng.multinomial(nc[c], pf[c] / pf[c].sum())
                              for c in range(k)]))
    if kind == 2:       # some other process
        return random_table(k)
    if kind == 3:       # transitions the baseline never saw
        w = np.zeros((k, k), dtype=np.int64)
        unseen = np.argwhere(t == 0)
        if len(unseen) == 0:
            unseen = np.argwhere(t >= 0)
        for c, x in unseen[rng.integers(len(unseen), size=3)]:
            w[c, x] += int(rng.integers(1, 50))
        w[rng.integers(k), rng.integers(k)] += int(rng.integers(0, 500))
        return ints(w)
    if kind == 4:       # huge counts
        w = [int(v) for v in rng.integers(2**60, 2**62, k * k)]
        keep = rng.random(k * k) < 0.3
        return ints(np.array([v if f else 0 for v, f in zip(w, keep)],
                             dtype=object).reshape(k, k))
    w = np.zeros((k, k), dtype=np.int64)        # a single transition
    w[rng.integers(k), rng.integers(k)] = 1
    return ints(w)


def table_record(k):
    t = random_table(k)
    p = fit(t)
    logp, h = model(p)
    assert np.all(np.isfinite(logp)) and np.all(h >= 0)
    fields = ["S", str(k)] + [str(v) for v in t.ravel()]
    fields += [fmt(v) for v in logp.ravel()] + [fmt(v) for v in h]
    nwin = int(rng.integers(1, 4))
    fields.append(str(nwin))
    for _ in range(nwin):
        w = random_window(p, t)
        ntop = int(rng.integers(1, 41))
        ranked = top(p, logp, h, w, ntop)
        fields += [str(v) for v in w.ravel()]
        fields += [fmt(excess(logp, h, w)), str(ntop), str(len(ranked))]
        for b, bp, wp, share in ranked:
            fields += [str(b), fmt(bp), fmt(wp), fmt(share)]
    return " ".join(fields)


def compositions(n, k):
    """Every k-tuple of counts >= 0 that sums to n."""
    for cuts in itertools.combinations(range(n + k - 1), k - 1):
        edges = (-1,) + cuts + (n + k - 1,)
        yield tuple(edges[i + 1] - edges[i] - 1 for i in range(k))


def multinomial_pmf(w, q):
    """Exact: n! / prod w! * prod q^w (Fractions)."""
    coef = math.factorial(sum(w))
    for v in w:
        coef //= math.factorial(v)
    prob = Fraction(coef)
    for v, qv in zip(w, q):
        prob *= qv ** v
    return prob


def enumeration_record():
    k = int(rng.integers(2, 4))
    t = random_table(k)
    p = fit(t)
    logp, h = model(p)
    nmax = 4 if k == 2 else 2
    while True:
        nc = [int(v) for v in rng.integers(0, nmax + 1, k)]
        if sum(nc):
            break
    windows = []
    for rows in itertools.product(*(list(compositions(nc[c], k))
                                    for c in range(k))):
        prob = Fraction(1)
        for c in range(k):
            prob *= multinomial_pmf(rows[c], p[c])
        windows.append((prob, ints(np.array(rows))))
    assert sum(q for q, _ in windows) == 1
    expect = math.fsum(float(q) * excess(logp, h, w) for q, w in windows)
    assert abs(expect) < 1e-13, expect
    fields = ["E", str(k)] + [str(v) for v in t.ravel()] + [str(len(windows))]
    for q, w in windows:
        fields += [fmt(q)] + [str(v) for v in w.ravel()]
    return " ".join(fields)


def main(out):
    lines = []
    ks = [2, 3, 32, 31] + [int(v) for v in rng.integers(2, 33, 216)]
    for k in ks:
        lines.append(table_record(k))
    for _ in range(40):
        lines.append(enumeration_record())
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gen_sequence.py OUT")
    main(sys.argv[1])
