#!/usr/bin/python3
"""Print the benchmark's side-by-side tables from a results file.

usage: table.py RESULTS ROW... [--target ROW]... [--precision W] [--quiet]

RESULTS holds lines "CONFIG METRIC VALUE [CYCLE]", one per measurement,
the configs interleaved. ROW is CONFIG or CONFIG/FLOOR; the first ROW is the
baseline (nothing attached). A config's added cost is its median minus the
baseline's, or, when lines carry a CYCLE, the median over cycles of its
value minus the baseline's value in the same cycle (paired: a slow spell
of the machine cancels out). A row with /FLOOR also gets the ratio of its
added cost to FLOOR's, with a 95% bootstrap interval: cycles are resampled
with replacement (jointly where the config and its floor were measured in
the same cycles, so what they share cancels; independently otherwise) and
the ratio recomputed, 2,000 times, from a fixed seed. One table per metric,
in the order metrics first appear; each --target ROW gets a closing line
against the 1.25 target.

--precision W: exit 3 unless every --target row's interval lies within
+-W of its ratio in every metric (the scripts add rounds until it does);
--quiet prints nothing (for that check).
"""
import argparse
import statistics
import sys

import numpy as np

TARGET = 1.25
RESAMPLES = 2000


def paired_diffs(runs, base):
    """{cycle: value - base value} of runs [(value, cycle)], or None."""
    base_at = {c: v for v, c in base if c is not None}
    diffs = {c: v - base_at[c] for v, c in runs if c in base_at}
    return diffs or None


def added_cost(runs, base):
    """Added cost of runs [(value, cycle)] over base runs, paired if it can."""
    diffs = paired_diffs(runs, base)
    if diffs:
        return statistics.median(diffs.values())
    return (statistics.median(v for v, _ in runs) -
            statistics.median(v for v, _ in base))


def ratio_interval(runs, floor_runs, base, rng):
    """95% bootstrap interval of added(runs) / added(floor_runs), or None."""
    a, b = paired_diffs(runs, base), paired_diffs(floor_runs, base)
    if not a or not b or len(a) < 3 or len(b) < 3:
        return None
    if a.keys() == b.keys():
        cycles = sorted(a)
        x = np.array([a[c] for c in cycles])
        y = np.array([b[c] for c in cycles])
        idx = rng.integers(0, len(cycles), (RESAMPLES, len(cycles)))
        num, den = np.median(x[idx], axis=1), np.median(y[idx], axis=1)
    else:
        x, y = np.array(list(a.values())), np.array(list(b.values()))
        num = np.median(x[rng.integers(0, len(x), (RESAMPLES, len(x)))], axis=1)
        den = np.median(y[rng.integers(0, len(y), (RESAMPLES, len(y)))], axis=1)
    ok = den > 0
    if ok.sum() < RESAMPLES * 0.975:
        return (float("-inf"), float("inf"))  # the floor's cost is noise
    lo, hi = np.percentile(num[ok] / den[ok], [2.5, 97.5])
    return float(lo), float(hi)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("rows", nargs="+")
    ap.add_argument("--target", action="append", default=[])
    ap.add_argument("--precision", type=float)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    out = (lambda *x, **k: None) if a.quiet else print

    data = {}  # metric -> config -> [(value, cycle or None)]
    for line in open(a.results):
        config, metric, value, *cycle = line.split()
        data.setdefault(metric, {}).setdefault(config, []).append(
            (float(value), int(cycle[0]) if cycle else None))
    rows = [r.partition("/")[::2] for r in a.rows]
    base = rows[0][0]
    imprecise = []

    for metric, runs in data.items():
        if base not in runs:
            continue
        rng = np.random.default_rng(1)
        added = {c: added_cost(r, runs[base]) for c, r in runs.items()}
        paired = " (added: paired by cycle)" if runs[base][0][1] is not None else ""
        out(f"\n{metric}: median and min of n measurements{paired}; "
            f"ratio with its 95% bootstrap interval")
        out(f"{'config':<16} {'n':>4} {'median':>10} {'min':>10} {'added':>9} "
            f"{'floor':>10} {'added / floor added':>20} {'95% interval':>16}")
        for config, floor in rows:
            if config not in runs:
                out(f"{config:<16} {'(not available)':>15}")
                continue
            v = [x for x, _ in runs[config]]
            ratio, interval, ci = "-", "", None
            if floor and added.get(floor):
                r = added[config] / added[floor]
                ratio = f"{r:.2f}x"
                ci = ratio_interval(runs[config], runs.get(floor, []),
                                    runs[base], rng)
                interval = f"[{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "(n < 3)"
                if config in a.target and a.precision is not None and (
                        not ci or max(r - ci[0], ci[1] - r) > a.precision):
                    imprecise.append(f"{metric} {config}")
            out(f"{config:<16} {len(v):4} {statistics.median(v):10.1f} {min(v):10.1f} "
                f"{added[config]:9.1f} {floor or '-':>10} {ratio:>20} {interval:>16}")
        for config, floor in rows:
            if config in a.target and config in added and added.get(floor):
                out(f"{config} added cost / {floor} added cost = "
                    f"{added[config] / added[floor]:.2f} "
                    f"(target <= {TARGET})")
    if a.precision is not None and imprecise:
        out(f"\nwider than +-{a.precision}: {', '.join(imprecise)}")
        sys.exit(3)


main()
