#!/usr/bin/python3
# Regenerates incident-learn.jsonl and incident.jsonl (run from the
# repository root), then: driftprobe baseline build -o
# tests/golden/incident-baseline.json tests/golden/incident-learn.jsonl
# A service (nginx, pids 100-101) in /svc; windows 3-5 of incident.jsonl: sh
# (4000, child of nginx) starts curl (4242), which starts tar (4243).
import json, random
random.seed(19)
# read, write, close, nanosleep, openat, execve, connect
mix = {0: 0.4, 1: 0.3, 3: 0.1, 35: 0.2}
out_learn, out_test = [], []
def window(ts, probs, n, exemplars):
    counts = [0] * 512
    for _ in range(n):
        r, acc = random.random(), 0.0
        for b, p in probs.items():
            acc += p
            if r < acc:
                counts[b] += 1
                break
        else:
            counts[list(probs)[-1]] += 1
    rec = {"ts": ts, "interval_s": 1.0, "host": "h", "cgroup": "/svc",
           "feature": "syscall.id", "counts": counts}
    ex = {str(b): e for b, e in exemplars.items() if counts[b]}
    if ex:
        rec["exemplars"] = ex
    return json.dumps(rec, separators=(",", ":"))
normal_ex = {0: "100 nginx ~400 /svc", 1: "100 nginx ~300 /svc",
             3: "100 nginx ~100 /svc", 35: "101 nginx ~200 /svc"}
attack = {0: 0.25, 1: 0.15, 3: 0.1, 35: 0.1, 257: 0.25, 59: 0.05, 42: 0.1}
attack_ex = dict(normal_ex)
attack_ex.update({257: "4242 curl ~250 ppid=4000 /svc, 4243 tar ~120 ppid=4242 /svc",
                  59: "4000 sh ~50 ppid=100 /svc",
                  42: "4242 curl ~100 ppid=4000 /svc"})
ts = 1800000000.0
for i in range(12):
    out_learn.append(window(ts + i, mix, 1000, normal_ex))
for i in range(12, 20):
    a = 14 <= i < 17
    out_test.append(window(ts + i, attack if a else mix, 1000,
                           attack_ex if a else normal_ex))
open("tests/golden/incident-learn.jsonl", "w").write("\n".join(out_learn) + "\n")
open("tests/golden/incident.jsonl", "w").write("\n".join(out_test) + "\n")
