#!/usr/bin/python3
"""Print the benchmark's side-by-side tables from a results file.

usage: table.py RESULTS ROW... [--target ROW]...

RESULTS holds lines "CONFIG METRIC VALUE [CYCLE]", one per measurement,
the configs interleaved. ROW is CONFIG or CONFIG/FLOOR; the first ROW is the
baseline (nothing attached). A config's added cost is its median minus the
baseline's, or, when lines carry a CYCLE, the median over cycles of its
value minus the baseline's value in the same cycle (paired: a slow spell
of the machine cancels out). A row with /FLOOR also gets the ratio of its
added cost to FLOOR's. One table per metric, in the order metrics first
appear; each --target ROW gets a closing line against the 1.25 target.
"""
import argparse
import statistics

TARGET = 1.25


def added_cost(runs, base):
    """Added cost of runs [(value, cycle)] over base runs, paired if it can."""
    base_at = {c: v for v, c in base if c is not None}
    paired = [v - base_at[c] for v, c in runs if c in base_at]
    if paired:
        return statistics.median(paired)
    return (statistics.median(v for v, _ in runs) -
            statistics.median(v for v, _ in base))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("rows", nargs="+")
    ap.add_argument("--target", action="append", default=[])
    a = ap.parse_args()

    data = {}  # metric -> config -> [(value, cycle or None)]
    for line in open(a.results):
        config, metric, value, *cycle = line.split()
        data.setdefault(metric, {}).setdefault(config, []).append(
            (float(value), int(cycle[0]) if cycle else None))
    rows = [r.partition("/")[::2] for r in a.rows]
    base = rows[0][0]

    for metric, runs in data.items():
        if base not in runs:
            continue
        added = {c: added_cost(r, runs[base]) for c, r in runs.items()}
        paired = " (added: paired by cycle)" if runs[base][0][1] is not None else ""
        print(f"\n{metric}: median and min of n measurements{paired}")
        print(f"{'config':<16} {'n':>4} {'median':>10} {'min':>10} {'added':>9} "
              f"{'floor':>10} {'added / floor added':>20}")
        for config, floor in rows:
            if config not in runs:
                print(f"{config:<16} {'(not available)':>15}")
                continue
            v = [x for x, _ in runs[config]]
            ratio = "-"
            if floor and added.get(floor):
                ratio = f"{added[config] / added[floor]:.2f}x"
            print(f"{config:<16} {len(v):4} {statistics.median(v):10.1f} {min(v):10.1f} "
                  f"{added[config]:9.1f} {floor or '-':>10} {ratio:>20}")
        for config, floor in rows:
            if config in a.target and config in added and added.get(floor):
                print(f"{config} added cost / {floor} added cost = "
                      f"{added[config] / added[floor]:.2f} "
                      f"(target <= {TARGET})")


main()
