#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference cases for mute schedules (src/stats/mute.c), from Python's
datetime: random cron-like schedules, random instants, and whether an
occurrence covers each instant. Written independently of the C code: the
fields are expanded here, and occurrences are enumerated forwards (every
day, hour and minute the fields allow) rather than minute by minute
backwards. Times are UTC; the C test sets TZ=UTC.

One line per case: "c T DURATION COVERS M H DOM MON DOW".
"""
import random
import sys
from datetime import datetime, timedelta, timezone


def expand(field, lo, hi):
    out = set()
    for item in field.split(","):
        step = 1
        if "/" in item:
            item, s = item.split("/")
            step = int(s)
        if item == "*":
            a, b = lo, hi
        elif "-" in item:
            a, b = map(int, item.split("-"))
        else:
            a = b = int(item)
        out.update(range(a, b + 1, step))
    return out


def rand_field(rng, lo, hi):
    kind = rng.randrange(6)
    if kind == 0:
        return "*"
    if kind == 1:
        return str(rng.randint(lo, hi))
    if kind == 2:
        a = rng.randint(lo, hi)
        return "%d-%d" % (a, rng.randint(a, hi))
    if kind == 3:
        return "*/%d" % rng.randint(2, max(2, (hi - lo) // 2))
    if kind == 4:
        vals = sorted(rng.sample(range(lo, hi + 1), 3))
        return ",".join(map(str, vals))
    a = rng.randint(lo, hi)
    return "%d-%d/%d" % (a, rng.randint(a, hi), rng.randint(1, 5))


def covers(fields, t, dur):
    mins = expand(fields[0], 0, 59)
    hours = expand(fields[1], 0, 23)
    doms = expand(fields[2], 1, 31)
    months = expand(fields[3], 1, 12)
    dows = {d % 7 for d in expand(fields[4], 0, 7)}
    dom_any, dow_any = fields[2] == "*", fields[4] == "*"
    lo = t - timedelta(seconds=dur)
    day = datetime(lo.year, lo.month, lo.day, tzinfo=timezone.utc)
    while day <= t:
        cron_dow = (day.weekday() + 1) % 7     # Monday 0 -> cron's 1
        dom_ok, dow_ok = day.day in doms, cron_dow in dows
        if dom_any or dow_any:
            day_ok = dom_ok and dow_ok
        else:
            day_ok = dom_ok or dow_ok
        if day.month in months and day_ok:
            for h in sorted(hours):
                for m in sorted(mins):
                    start = day + timedelta(hours=h, minutes=m)
                    if lo < start <= t:
                        return True
        day += timedelta(days=1)
    return False


def main():
    rng = random.Random(21)
    base = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()
    lines = []
    for _ in range(3000):
        fields = [rand_field(rng, 0, 59), rand_field(rng, 0, 23),
                  rand_field(rng, 1, 31), rand_field(rng, 1, 12),
                  rand_field(rng, 0, 7)]
        if rng.random() < 0.5:          # mostly everyday schedules
            fields[2] = fields[3] = "*"
        ts = base + rng.uniform(0, 2 * 365 * 86400)
        dur = rng.choice([60, 90, 600, 3600, 5400, 86400, 3 * 86400])
        t = datetime.fromtimestamp(ts, tz=timezone.utc)
        lines.append("c %.3f %d %d %s" % (ts, dur, covers(fields, t, dur),
                                          " ".join(fields)))
    with open(sys.argv[1], "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
