#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Reference divergences from scipy, for tests/unit/test_divergence_scipy.c.

Run with Debian's /usr/bin/python3 (numpy, scipy): gen_divergence.py OUT.
Seeded, so OUT is the same on every run with the same numpy. It holds one
line per random (b, w, alpha) case; src/stats/divergence.c must reproduce every
value to 1e-9 relative.

Each value is scipy's (KL: scipy.stats.entropy; JS: jensenshannon(p, q)**2,
natural log; PSI and Hellinger: numpy on the same p, q; G, df and p-value:
scipy.stats.chi2_contingency(table, correction=False,
lambda_="log-likelihood") on the 2 x (non-empty columns) raw table). Each is
also evaluated from its definition with 60-digit decimals, and where scipy's
double-precision answer is more than 1e-10 relative away from that, the line
carries both and the C test compares against the exact one. The regime
where that happens is cancellation, which scipy's formulas do not avoid:

 - large counts with a small G (windows drawn from the baseline's
   distribution, or k = 2 with ~1e11 per bin): G is a sum of terms
   o ln(o / E) of size up to ~1e12 that cancel to about df, and the expected
   counts E are rounded before the logarithm, so scipy's G is off by 1e-10
   to 1e-4 relative (seed below: 359 of 1258 G values; worst, counts of
   6e11: G = 1.9272947567787948, scipy 1.9274891774402931), and its p-value
   with it (worst 2e-3 relative). The reference p-value there is
   scipy.stats.chi2.sf of the exact G.
 - nearly equal p and q: KL, JS, PSI and Hellinger below ~1e-6, where
   scipy's absolute error of ~1e-16 (terms of both signs, differences of
   rounded p and q) exceeds 1e-10 relative; jensenshannon can even return
   NaN when its sum rounds below 0.

Line format (whitespace separated):
  id k alpha df kl_wb kl_bw js psi hellinger g p_value effect b[0..k) w[0..k)
where each of the eight values is "undef" (the C side must set the matching
bit of struct divergence.undefined and leave the value 0), "S" (scipy's
value, which agrees with the exact one), or "S@X" (scipy's value S
disagrees with the exact one X). effect has no scipy function: it is
always the exact (G - df) / (2 n_eff), clamped at 0.
"""
import math
import os
import sys
from decimal import Decimal, getcontext

import numpy as np
import scipy
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2, chi2_contingency, entropy

SEED = 20240611
NCASES = 1300
REL = 1e-10  # how close scipy must be to the exact value to be used

getcontext().prec = 60


def exact(b, w, alpha):
    """Every quantity from its definition, in 60-digit decimals (None: undef)."""
    k, nb, nw = len(b), sum(b), sum(w)
    r = dict.fromkeys(("kl_wb", "kl_bw", "js", "psi", "hellinger", "g",
                       "effect"))
    cols = [i for i in range(k) if b[i] + w[i]]
    df = max(len(cols) - 1, 0)
    if alpha != 0 or (nb and nw):
        a = Decimal(alpha)
        db, dw = nb + k * a, nw + k * a
        p = [(x + a) / db for x in b]
        q = [(x + a) / dw for x in w]
        kl_wb = kl_bw = js = psi = bc = Decimal(0)
        undef_wb = undef_bw = False
        for pi, qi in zip(p, q):
            m = (pi + qi) / 2
            if pi:
                js += pi * (pi / m).ln() / 2
            if qi:
                js += qi * (qi / m).ln() / 2
            bc += (pi * qi).sqrt()
            if pi and qi:
                kl_wb += qi * (qi / pi).ln()
                kl_bw += pi * (pi / qi).ln()
                psi += (qi - pi) * (qi / pi).ln()
            undef_wb |= bool(qi and not pi)
            undef_bw |= bool(pi and not qi)
        r["kl_wb"] = None if undef_wb else kl_wb
        r["kl_bw"] = None if undef_bw else kl_bw
        r["psi"] = None if undef_wb or undef_bw else psi
        r["js"] = js
        r["hellinger"] = max(Decimal(0), 1 - bc).sqrt()
    if nb and nw and df:
        n = nb + nw
        g = Decimal(0)
        for i in cols:
            col = b[i] + w[i]
            for o, row in ((b[i], nb), (w[i], nw)):
                if o:
                    g += o * (Decimal(o * n) / (row * col)).ln()
        g *= 2
        r["g"] = g
        r["effect"] = max(Decimal(0), (g - df) * n / (2 * nb * nw))
    return r, df, cols


def scipy_values(b, w, alpha, df, cols):
    """The same quantities from scipy / numpy in double precision."""
    k = len(b)
    s = {}
    bf, wf = np.array(b, dtype=float), np.array(w, dtype=float)
    with np.errstate(all="ignore"):
        p = (bf + alpha) / (bf.sum() + k * alpha)
        q = (wf + alpha) / (wf.sum() + k * alpha)
        s["kl_wb"] = entropy(q, p)
        s["kl_bw"] = entropy(p, q)
        s["js"] = jensenshannon(p, q) ** 2
        both = (p > 0) & (q > 0)
        s["psi"] = np.sum((q[both] - p[both]) * np.log(q[both] / p[both]))
        # 1 - sum sqrt(p q) = sum (sqrt p - sqrt q)^2 / 2, without its
        # cancellation.
        s["hellinger"] = np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2) / 2)
    if sum(b) and sum(w) and df:
        table = np.array([[b[i] for i in cols], [w[i] for i in cols]],
                         dtype=np.int64)
        res = chi2_contingency(table, correction=False,
                               lambda_="log-likelihood")
        assert res[2] == df, (res[2], df)
        s["g"], s["p_value"] = float(res[0]), float(res[1])
    return s


def is_off(s, x):
    return not math.isfinite(s) or abs(s - x) > REL * max(abs(s), abs(x))


def fmt(s, x, stats):
    """Scipy's value, or scipy's and the exact one where they disagree."""
    if is_off(s, x):
        stats["off"] += 1
        return "%r@%r" % (float(s), x)
    stats["scipy"] += 1
    return repr(float(s))


def case_line(cid, b, w, alpha, stats):
    ex, df, cols = exact(b, w, alpha)
    sc = scipy_values(b, w, alpha, df, cols)
    vals = []
    for name in ("kl_wb", "kl_bw", "js", "psi", "hellinger", "g"):
        if ex[name] is None:
            if name.startswith("kl") and not math.isnan(sc[name]):
                assert math.isinf(sc[name]), (cid, name, sc[name])
            vals.append("undef")
        else:
            vals.append(fmt(sc[name], float(ex[name]), stats))
    if ex["g"] is None:
        vals += ["undef", "undef"]
    else:
        ps, px = sc["p_value"], float(chi2.sf(float(ex["g"]), df))
        if max(ps, px) <= 1e-300:
            stats["scipy"] += 1
            vals.append(repr(ps))
        else:
            vals.append(fmt(ps, px, stats))
        vals.append(repr(float(ex["effect"])))
    return " ".join([str(cid), str(len(b)), repr(float(alpha)), str(df)] +
                    vals + [str(x) for x in b] + [str(x) for x in w])


def special_cases():
    """Hand-picked edges: empty sides, df = 0, identical, one-count shifts."""
    big = [400_000_000_017, 250_000_000_003, 349_999_999_980]
    moved = [big[0] + 1, big[1] - 1, big[2]]
    cases = [
        ([0, 0, 0], [1, 2, 3]), ([1, 2, 3], [0, 0, 0]),
        ([0, 0, 0], [0, 0, 0]), ([0, 5, 0], [0, 7, 0]),
        ([1, 0], [0, 1]), ([1], [1]), ([1, 1, 1, 1], [1, 1, 1, 1]),
        ([3, 0, 2, 0], [0, 1, 2, 0]), (big, big), (big, moved),
        ([10**12, 1], [10**12, 2]), ([10**12 - 1, 1], [1, 10**12 - 1]),
        ([7, 0, 0, 9], [14, 0, 0, 18]), ([1] * 600, [2] * 600),
    ]
    for b, w in cases:
        for alpha in (0.0, 0.5, 1e-3):
            yield b, w, alpha


def random_case(rng):
    """A random (b, w, alpha): varied k, sparsity, totals and shifts."""
    u = rng.random()
    k = 2 if u < 0.1 else 600 if u < 0.15 else \
        int(round(math.exp(rng.uniform(math.log(2), math.log(600)))))
    u = rng.random()
    alpha = 0.0 if u < 0.4 else 0.5 if u < 0.7 else \
        float(10 ** rng.uniform(-6, 1))
    pb = rng.dirichlet(np.full(k, 10 ** rng.uniform(-1.5, 1.5)))
    if rng.random() < 0.5 and k > 2:  # bins the source never uses
        pb[rng.random(k) < rng.uniform(0, 0.8)] = 0
    if not pb.any():
        pb[rng.integers(k)] = 1
    pb /= pb.sum()
    u = rng.random()
    if u < 0.4:  # same distribution
        pw = pb.copy()
    elif u < 0.7:  # a small multiplicative shift
        pw = pb * np.exp(rng.normal(0, rng.uniform(0.01, 0.3), k))
    else:  # a large one
        t = rng.uniform(0.1, 1)
        pw = (1 - t) * pb + t * rng.dirichlet(np.full(k, 0.5))
    if rng.random() < 0.3:  # bins zero on the window side only
        pw[rng.random(k) < 0.2] = 0
    if rng.random() < 0.3:  # bins only the window uses
        pw[(pb == 0) & (rng.random(k) < 0.3)] = rng.random() / k
    if not pw.any():
        pw[rng.integers(k)] = 1
    pw /= pw.sum()
    huge = rng.random() < 0.15
    nb, nw = (int(10 ** rng.uniform(11, 12.3)) if huge else
              int(10 ** rng.uniform(0, 12)) for _ in range(2))
    if rng.random() < 0.15:  # direct counts up to 1e9 per bin
        scale = 10 ** rng.uniform(0, 9)
        b = (rng.random(k) * scale * (pb > 0)).astype(np.int64)
        w = (rng.random(k) * scale * (pw > 0)).astype(np.int64)
    else:
        b = rng.multinomial(nb, pb)
        w = rng.multinomial(nw, pw)
    return [int(x) for x in b], [int(x) for x in w], alpha


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_divergence.py OUT")
    rng = np.random.default_rng(SEED)
    stats = {"scipy": 0, "off": 0}
    cases = list(special_cases())
    while len(cases) < NCASES:
        cases.append(random_case(rng))
    lines = [case_line(cid, b, w, alpha, stats)
             for cid, (b, w, alpha) in enumerate(cases)]
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w") as f:
        f.write("# driftprobe divergence reference: tests/ref/"
                "gen_divergence.py seed %d, numpy %s, scipy %s\n" %
                (SEED, np.__version__, scipy.__version__))
        f.write("# id k alpha df kl_wb kl_bw js psi hellinger g "
                "p_value effect b[k] w[k]; S or S@EXACT or undef\n")
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, sys.argv[1])
    print("gen_divergence: %d cases, %d values from scipy, %d where scipy "
          "is off by > %g relative" % (len(lines), stats["scipy"],
                                        stats["off"], REL), file=sys.stderr)


if __name__ == "__main__":
    main()
