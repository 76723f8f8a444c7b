#!/usr/bin/python3
"""Turn one raw `driftprobe record --per-cgroup --per-program` file into a
benchmark recording: OUT/windows.jsonl.gz (the scenario cgroup's records of
the used windows, and those of the programs its processes ran while
learning, byte for byte as recorded) and OUT/labels.json (each window's
phase, the attacker's process names, the programs kept). Called by
tools/eval/record.sh.

A program series (scope "program:PATH[NAME]", host-wide per executable and
process name) is kept when its process name (NAME, else PATH's basename,
cut to 15 bytes as the kernel keeps names) is one that the scenario
cgroup's exemplars named in a learning window: the workload's own programs,
which the attack may make behave differently. Other programs on the host
are left out."""
import argparse
import gzip
import json
import os


def phase(ts, interval, a):
    """A window is [ts - interval, ts]; its phase from the scenario's times:
    warmup | learn | quiet (ends before the attack starts) | attack
    (overlaps the attack) | after."""
    start, mid = ts - interval, ts - interval / 2
    if mid < a.learn[0]:
        return "warmup"
    if mid < a.learn[1]:
        return "learn"
    if ts <= a.attack[0]:
        return "quiet"
    if start < a.attack[1]:
        return "attack"
    return "after"


def program_comm(scope):
    """The process name of a program scope: program:/usr/bin/python3.11[w.py]
    -> w.py, program:/usr/sbin/nginx -> nginx, program:[cron] -> cron."""
    name = scope[len("program:"):]
    if name.endswith("]") and "[" in name:
        return name[name.rindex("[") + 1:-1][:15]
    return os.path.basename(name)[:15]


def learnt_comms(raw, cgroup, windows):
    """Process names the cgroup's exemplars name in learning windows."""
    comms = set()
    with open(raw) as f:
        for line in f:
            rec = json.loads(line)
            if rec["cgroup"] != cgroup or windows.get(rec["ts"]) != "learn":
                continue
            for text in rec.get("exemplars", {}).values():
                for ex in text.split(", "):
                    parts = ex.split()
                    if len(parts) >= 2:
                        comms.add(parts[1])
    return comms


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--raw", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--scenario", required=True)
    p.add_argument("--cgroup", required=True)
    p.add_argument("--learn", nargs=2, type=float, required=True)
    p.add_argument("--attack", nargs=2, type=float, required=True)
    p.add_argument("--attacker", required=True, help="process names, space-separated")
    p.add_argument("--tools", default="")
    p.add_argument("--desc", default="")
    a = p.parse_args()

    windows, kept, programs = {}, [], set()
    with open(a.raw) as f:
        for line in f:
            rec = json.loads(line)
            if rec["ts"] not in windows:
                windows[rec["ts"]] = phase(rec["ts"], rec["interval_s"], a)
                interval = rec["interval_s"]
    comms = learnt_comms(a.raw, a.cgroup, windows)
    with open(a.raw) as f:
        for line in f:
            rec = json.loads(line)
            if windows[rec["ts"]] in ("warmup", "after"):
                continue
            scope = rec["cgroup"]
            if scope.startswith("program:") and program_comm(scope) in comms:
                programs.add(scope)
            elif scope != a.cgroup:
                continue
            kept.append(line)
    used = {k: v for k, v in sorted(windows.items()) if v not in ("warmup", "after")}
    labels = {
        "scenario": a.scenario,
        "description": a.desc,
        "tools": a.tools.split(),
        "cgroup": a.cgroup,
        "interval_s": interval,
        "attacker_comms": a.attacker.split(),
        "programs": sorted(programs),
        "attack_start": a.attack[0],
        "attack_end": a.attack[1],
        "windows": [[ts, ph] for ts, ph in used.items()],
    }
    os.makedirs(a.out, exist_ok=True)
    # mtime=0: the same records give the same bytes.
    with open(os.path.join(a.out, "windows.jsonl.gz"), "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as g:
        g.write("".join(kept).encode())
    with open(os.path.join(a.out, "labels.json"), "w") as f:
        json.dump(labels, f, indent=1)
        f.write("\n")
    counts = {ph: sum(1 for v in used.values() if v == ph) for ph in ("learn", "quiet", "attack")}
    print(f"compact: {a.scenario}: {len(kept)} records, windows {counts}, "
          f"{len(programs)} programs")


if __name__ == "__main__":
    main()
