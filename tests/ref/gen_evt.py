#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Reference GPD fits and tail quantities from scipy, for
tests/unit/test_evt_scipy.c (src/stats/evt.c).

Run with Debian's /usr/bin/python3 (numpy 1.24, scipy 1.10): gen_evt.py OUT.
Seeded: the same OUT on every run with the same numpy and scipy. One record
per line, fields separated by spaces, floats written with repr() so strtod
reads them back bit for bit:

  F id n xi sigma kind c_s scale_s ll_s c_p scale_p ll_p se_xi y[0..n)
      y: n samples of genpareto(xi, scale=sigma) (xi in [-0.3, 0.6], sigma
      in [0.1, 10], n in [20, 2000], log-uniform in n and sigma).
      c_s, scale_s: scipy.stats.genpareto.fit(y, floc=0); ll_s the sum of
      genpareto.logpdf(y, c_s, 0, scale_s).
      c_p, scale_p, ll_p: scipy's fit polished: Nelder-Mead on the same
      log-likelihood (genpareto.logpdf's formula in numpy) in (c, ln scale),
      from scipy's answer, to 1e-12; ll_p is genpareto.logpdf's sum there. scipy's
      own fit stops where its simplex is 1e-4 wide (fmin's xtol, ftol), so
      it is ~1e-4 short of the maximum; the polished point is the maximum
      to ~1e-9, to compare parameters with.
      se_xi: the standard error of xi from the observed information (the
      inverse of minus the finite-difference Hessian of the log-likelihood
      in (c, scale) at the polished point); "inf" if not negative definite.
      kind: "interior" when scipy's fit converged to an interior maximum
      with xi > -0.5 (c_s > -0.5, ll_s finite, the polish moved c by less
      than 1e-2 and did not lower ll, and the Hessian is negative definite):
      the C fit must match. Otherwise "other" (scipy ran to the xi < -1
      boundary, or no maximum): the C fit may return -EDOM.
  S xi sigma y sf     genpareto.sf(y, xi, 0, sigma)
  I xi sigma p isf    genpareto.isf(p, xi, 0, sigma)
  P id tf n x[0..n) u   u = numpy.quantile(x, 1 - tf) (method "linear")
"""
import math
import os
import sys
import warnings

import numpy as np
import scipy
from scipy import optimize
from scipy.stats import genpareto

SEED = 20240619
NFIT = 240
NPOT = 120

rng = np.random.default_rng(SEED)


def fmt(v):
    return repr(float(v))


def loglik(y, c, scale):
    return float(np.sum(genpareto.logpdf(y, c, 0, scale)))


def polish(y, c, scale):
    """Nelder-Mead to 1e-12 from scipy's fit, in (c, ln scale)."""
    n = len(y)

    def nll(p):  # genpareto.logpdf's formula, without its per-call overhead
        c, ln_s = p
        a = c * (y / math.exp(ln_s))
        if np.any(a <= -1):
            return 1e300
        s = np.sum(y) / math.exp(ln_s) if c == 0 else \
            (1 + 1 / c) * np.sum(np.log1p(a))
        v = n * ln_s + s
        return v if math.isfinite(v) else 1e300

    res = optimize.minimize(nll, [c, math.log(scale)], method="Nelder-Mead",
                            options={"xatol": 1e-12, "fatol": 1e-13,
                                     "maxiter": 20000, "maxfev": 40000})
    return float(res.x[0]), math.exp(res.x[1])


def se_xi(y, c, scale):
    """Observed-information standard error of c at (c, scale)."""
    h = np.array([1e-4 * max(1.0, abs(c)), 1e-4 * scale])
    p0 = np.array([c, scale])
    f = lambda p: loglik(y, p[0], p[1])  # noqa: E731
    hess = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h[i], np.eye(2)[j] * h[j]
            hess[i, j] = (f(p0 + ei + ej) - f(p0 + ei - ej) -
                          f(p0 - ei + ej) + f(p0 - ei - ej)) / (4 * h[i] * h[j])
    info = -hess
    if not np.all(np.isfinite(info)) or info[0, 0] <= 0 or \
            np.linalg.det(info) <= 0:
        return math.inf
    return math.sqrt(np.linalg.inv(info)[0, 0])


def fit_case(cid, xi, sigma, n, out):
    y = genpareto.rvs(xi, scale=sigma, size=n, random_state=rng)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c_s, loc, scale_s = genpareto.fit(y, floc=0)
        ll_s = loglik(y, c_s, scale_s)
        c_p, scale_p = polish(y, c_s, scale_s)
        ll_p = loglik(y, c_p, scale_p)
        se = se_xi(y, c_p, scale_p) if math.isfinite(ll_p) else math.inf
    assert loc == 0
    interior = (c_s > -0.5 and math.isfinite(ll_s) and abs(c_p - c_s) < 1e-2
                and ll_p >= ll_s and math.isfinite(se))
    fields = ["F", str(cid), str(n), fmt(xi), fmt(sigma),
              "interior" if interior else "other",
              fmt(c_s), fmt(scale_s), fmt(ll_s), fmt(c_p), fmt(scale_p),
              fmt(ll_p), fmt(se)] + [fmt(v) for v in y]
    out.write(" ".join(fields) + "\n")
    return c_s, scale_s, y, interior


def sf_isf(c, scale, y, out):
    """sf at points through the sample and beyond; isf down to 1e-15."""
    ys = list(np.quantile(y, [0.0, 0.1, 0.5, 0.9, 0.99, 1.0]))
    ys += [float(np.max(y)) * 3, float(np.max(y)) * 30]
    for v in ys:
        s = genpareto.sf(v, c, 0, scale)
        if v > 0 and s > 0:
            out.write("S %s %s %s %s\n" % (fmt(c), fmt(scale), fmt(v),
                                          fmt(s)))
    for p in (1.0, 0.5, 0.1, 1e-2, 1e-3, 1e-6, 1e-9, 1e-15):
        out.write("I %s %s %s %s\n" % (fmt(c), fmt(scale), fmt(p),
                                      fmt(genpareto.isf(p, c, 0, scale))))


def fixed_sf_isf(out):
    """Shapes the random fits do not produce: exactly 0, tiny, negative."""
    for c in (0.0, 1e-12, -1e-12, 1e-6, -0.45, -0.9, 0.25, 1.5, 5.0):
        for scale in (0.1, 1.0, 7.0):
            ys = [1e-12, 1e-3, 0.3, 1.0, 5.0, 50.0]
            for v in ys:
                v *= scale
                s = genpareto.sf(v, c, 0, scale)
                if s > 0:
                    out.write("S %s %s %s %s\n" % (fmt(c), fmt(scale),
                                                  fmt(v), fmt(s)))
            for p in (0.999999, 0.7, 0.05, 1e-4, 1e-10, 1e-300):
                out.write("I %s %s %s %s\n" % (
                    fmt(c), fmt(scale), fmt(p),
                    fmt(genpareto.isf(p, c, 0, scale))))


def pot_case(cid, out):
    """Scores for evt__pot: normal, heavy, rounded (ties), tiny samples."""
    n = int(round(math.exp(rng.uniform(math.log(2), math.log(3000)))))
    kind = rng.integers(0, 4)
    if kind == 0:
        x = rng.normal(size=n)
    elif kind == 1:
        x = rng.standard_t(3, size=n) * 10 ** rng.uniform(-3, 3)
    elif kind == 2:
        x = np.round(rng.normal(size=n), 1)
    else:
        x = rng.exponential(size=n) + rng.uniform(-5, 5)
    tf = float(rng.choice([0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 1e-3,
                           rng.uniform(1e-4, 0.9)]))
    u = np.quantile(x, 1 - tf)
    out.write(" ".join(["P", str(cid), fmt(tf), str(n)] +
                       [fmt(v) for v in x] + [fmt(u)]) + "\n")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_evt.py OUT")
    tmp = sys.argv[1] + ".tmp"
    n_interior = 0
    with open(tmp, "w") as out:
        out.write("# driftprobe evt reference: tests/ref/gen_evt.py seed %d, "
                  "numpy %s, scipy %s\n" % (SEED, np.__version__,
                                             scipy.__version__))
        for cid in range(NFIT):
            xi = rng.uniform(-0.3, 0.6)
            sigma = 10 ** rng.uniform(-1, 1)
            n = int(round(math.exp(rng.uniform(math.log(20),
                                               math.log(2000)))))
            c, scale, y, interior = fit_case(cid, xi, sigma, n, out)
            n_interior += interior
            if cid % 4 == 0:
                sf_isf(c, scale, y, out)
        fixed_sf_isf(out)
        for cid in range(NPOT):
            pot_case(cid, out)
    os.replace(tmp, sys.argv[1])
    print("gen_evt: %d fits (%d interior), %d pot cases" %
          (NFIT, n_interior, NPOT), file=sys.stderr)


if __name__ == "__main__":
    main()
