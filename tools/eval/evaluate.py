#!/usr/bin/python3
"""Score driftprobe detectors on the labelled benchmark recordings (`make eval`).

For each recording (tests/eval/recordings/<scenario>/: windows.jsonl.gz +
labels.json, see tools/eval/record.sh) and each detector:
  driftprobe baseline build   on the "learn" windows,
  driftprobe analyze --json   on the "quiet" and "attack" windows, in order,
and from the scenario cgroup's analysis lines, per scenario:
  detect  1-based index of the first attack window with an anomaly, or "missed"
  culprit an anomaly line of an attack window names one of the attacker's
          process names in its top bins' exemplars (on a pid that the
          learning windows' exemplars never named)
  FA/100  quiet windows with an anomaly, per 100 quiet windows
  AUC     ROC AUC of the window score (the largest `effect` among the
          cgroup's judged features), attack windows positive, quiet negative
A detector that writes incidents ("type":"incident" lines, issue 19) is
judged on them instead, from the same analyze --json output:
  detect  the first attack window with an open or ongoing incident on the
          scenario cgroup
  culprit an incident of an attack window lists among its culprits one of the
          attacker's process names (on a pid the learning never named)
  FA/100  quiet windows with an open or ongoing incident, per 100
  AUC     from the window's incident-level score: the largest score/threshold
          among the cgroup's judged features (so windows without an incident
          are ranked too)
A detector is NAME BINARY [ANALYZE-OPTIONS]: `--detector old ./driftprobe ""`;
`make eval` puts the detector as of commit b260492 (before issue 19) as "old"
next to this tree's as "new", and this tree's again without the syscall
sequences (issue 20) as "counts". A detector sees only the features its
binary knows (`features --json`: the old one has no syscall.transition),
and `--without NAME FEATURE` hides one more from detector NAME's learning
and judging alike. A recording also holds the series of the programs the
scenario's workload ran (labels.json "programs", --per-program; see
tools/eval/compact.py); a detector sees them, and is judged on their
incidents as on the cgroup's, only with `--programs NAME`.
Every detector is also scored after a restart (issue 21): the quiet and
attack windows' records of the scenario's cgroup are renamed to another
cgroup (as a restarted container's would be) that names the learnt one as
its "workload"; a detector that keys baselines by cgroup path sees a new
cgroup it never judges, one that keys them by workload judges it as
before. Exit 0 with the
table whatever the numbers; 2 when a recording is missing or malformed
(driftprobe's own exit 2 included), 1 when driftprobe fails otherwise.
"""
import argparse
import gzip
import json
import os
import shlex
import subprocess
import sys
import tempfile

from sklearn.metrics import roc_auc_score

PHASES = ("learn", "quiet", "attack")


def fail(code, msg):
    print(f"eval: {msg}", file=sys.stderr)
    sys.exit(code)


def load_recording(path):
    """labels + window records grouped by ts; exits 2 on anything malformed."""
    lab_path = os.path.join(path, "labels.json")
    win_path = os.path.join(path, "windows.jsonl.gz")
    for p in (lab_path, win_path):
        if not os.path.isfile(p):
            fail(2, f"{p}: missing (regenerate with `make eval-record`)")
    try:
        with open(lab_path) as f:
            lab = json.load(f)
        phase = {float(ts): ph for ts, ph in lab["windows"]}
        cgroup, comms = lab["cgroup"], lab["attacker_comms"]
    except (ValueError, KeyError, TypeError) as e:
        fail(2, f"{lab_path}: malformed: {e!r}")
    if not comms or set(phase.values()) - set(PHASES):
        fail(2, f"{lab_path}: no attacker_comms, or a phase not in {PHASES}")
    for ph in PHASES:
        if ph not in phase.values():
            fail(2, f"{lab_path}: no {ph} window")
    lines, n = {}, 0
    try:
        with gzip.open(win_path, "rt") as f:
            for n, line in enumerate(f, 1):
                rec = json.loads(line)
                if (rec.get("cgroup") != cgroup and
                        rec.get("cgroup") not in lab.get("programs", [])) or \
                        rec.get("ts") not in phase:
                    fail(2, f"{win_path}:{n}: record of another cgroup or an unlabelled window")
                lines.setdefault(rec["ts"], []).append(line)
    except (ValueError, AttributeError) as e:
        fail(2, f"{win_path}:{n}: malformed: {e}")
    except (OSError, EOFError) as e:
        fail(2, f"{win_path}: malformed after line {n}: {e}")
    if not any(phase[ts] == "learn" for ts in lines):
        fail(2, f"{win_path}: no records in the learning windows")
    return lab, phase, lines


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:  # driftprobe's 2 is bad input: a malformed recording
        fail(2 if r.returncode == 2 else 1,
             f"{' '.join(cmd)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def exemplars(texts):
    """(pid, comm) pairs in exemplar strings: 'pid comm ~n cgroup, ...'."""
    pairs = set()
    for text in texts:
        for ex in text.split(", "):
            parts = ex.split()
            if len(parts) >= 2:
                pairs.add((parts[0], parts[1]))
    return pairs


def learnt_exemplars(phase, lines):
    """(pid, comm) pairs the learning windows' records name: the normal
    workload's own processes, never credited as the culprit."""
    texts = []
    for ts, ls in lines.items():
        if phase[ts] == "learn":
            for text in ls:
                texts += json.loads(text).get("exemplars", {}).values()
    return exemplars(texts)


def ratio(line):
    """score/threshold of an analysis line (score alone without a positive
    threshold); units differ between features, their ratios do not."""
    sc, th = line.get("score"), line.get("threshold")
    if sc is None:
        return 0.0
    return sc / th if th and th > 0 else sc


def detector_features(binary, without):
    """The features a detector sees: what its binary knows, less those in
    without."""
    known = {f["name"] for f in json.loads(run([binary, "features", "--json"]))}
    if without - known:
        fail(2, f"--without: {', '.join(sorted(without - known))}: not a feature of {binary}")
    return known - without


RESTARTED = "-restarted"


def restarted(rec, cgroup):
    """rec as the restarted container's cgroup records it: another path,
    the learnt cgroup its workload."""
    return json.dumps({**rec, "cgroup": cgroup + RESTARTED,
                       "workload": cgroup}) + "\n"


def score(binary, opts, seen, programs, restart, lab, phase, lines, tmp):
    """Replay one recording through one detector, which sees only the
    features in seen, and the program series only when programs; with
    restart, its cgroup renamed after learning; returns the row's
    numbers."""
    learn = os.path.join(tmp, "learn.jsonl")
    test = os.path.join(tmp, "test.jsonl")
    base = os.path.join(tmp, "baseline.json")
    scopes = {lab["cgroup"], *(lab.get("programs", []) if programs else [])}
    with open(learn, "w") as fl, open(test, "w") as ft:
        for ts in sorted(lines):
            for ln in lines[ts]:
                rec = json.loads(ln)
                if rec["feature"] not in seen or rec["cgroup"] not in scopes:
                    continue
                if phase[ts] == "learn":
                    fl.write(ln)
                elif restart and rec["cgroup"] == lab["cgroup"]:
                    ft.write(restarted(rec, lab["cgroup"]))
                else:
                    ft.write(ln)
    if restart:
        scopes.add(lab["cgroup"] + RESTARTED)
    if os.path.exists(base):
        os.unlink(base)
    run([binary, "baseline", "build", "-o", base, learn])
    out = run([binary, "analyze", "--baseline", base, "--json", *opts, test])

    judged = {ts: [] for ts, ph in phase.items() if ph != "learn"}
    incidents = {ts: [] for ts in judged}
    for text in out.splitlines():
        line = json.loads(text)
        if line.get("cgroup") not in scopes or line.get("ts") not in judged:
            continue
        if line.get("type") == "incident":
            incidents[line["ts"]].append(line)
        else:
            judged[line["ts"]].append(line)
    # Lines with a type: a detector with incidents, judged on them.
    by_incident = any(ln.get("type") == "analysis"
                      for ls in judged.values() for ln in ls)
    attackers = {c[:15] for c in lab["attacker_comms"]}  # comm is 15 chars at most
    normal = learnt_exemplars(phase, lines)
    y, s, detect, culprit, fa, nquiet, k, hits = [], [], None, False, 0, 0, 0, 0
    leader = False
    for ts in sorted(judged):
        ls = judged[ts]
        if by_incident:
            anomalies = [i for i in incidents[ts]
                         if i.get("state") in ("open", "ongoing")]
            s.append(max([ratio(ln) for ln in ls
                          if ln.get("verdict") in ("normal", "anomaly")],
                         default=0.0))
        else:
            anomalies = [ln for ln in ls if ln.get("verdict") == "anomaly"]
            # Window score: the largest effect among the features judged.
            s.append(max([ln["effect"] for ln in ls
                          if ln.get("verdict") in ("normal", "anomaly")
                          and ln.get("effect") is not None], default=0.0))
        y.append(phase[ts] == "attack")
        if phase[ts] == "quiet":
            nquiet += 1
            fa += bool(anomalies)
            continue
        k += 1
        hits += bool(anomalies)
        if anomalies and detect is None:
            detect = k
        # The culprit is named when a flagged line's top bins (an
        # incident's culprits) name an attacker's process name, on a
        # process the learning never saw.
        if by_incident:
            named = {(str(c.get("pid")), c.get("comm")) for i in anomalies
                     for c in i.get("culprits", [])}
        else:
            named = exemplars(t.get("exemplars", "") for ln in anomalies
                              for t in ln.get("top", []))
        culprit |= any(c in attackers for p, c in named - normal)
        # Stricter: the leader an incident names is an attacker's process.
        leader |= any(c.get("role") == "leader" and c.get("comm") in attackers
                      and (str(c.get("pid")), c.get("comm")) not in normal
                      for i in (anomalies if by_incident else [])
                      for c in i.get("culprits", []))
    return {"detect": detect, "culprit": culprit, "fa": fa, "nquiet": nquiet,
            "nattack": k, "hits": hits, "auc": roc_auc_score(y, s), "y": y, "s": s,
            "by_incident": by_incident, "leader": leader}


def fmt_row(name, r):
    det = "missed" if r["detect"] is None else str(r["detect"])
    return (f"{det:>7} {('yes' if r['culprit'] else 'no'):>7} "
            f"{100.0 * r['fa'] / r['nquiet']:>6.1f} {r['auc']:>5.2f}")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recordings", default="tests/eval/recordings")
    p.add_argument("--detector", nargs=3, action="append",
                   metavar=("NAME", "BINARY", "OPTS"))
    p.add_argument("--without", nargs=2, action="append", default=[],
                   metavar=("NAME", "FEATURE"))
    p.add_argument("--programs", action="append", default=[], metavar="NAME")
    a = p.parse_args()
    detectors = a.detector or [["old", "./driftprobe", ""]]
    for det in [d for d, _ in a.without] + a.programs:
        if det not in {d for d, _, _ in detectors}:
            fail(2, f"--without/--programs {det}: no such detector")
    if not os.path.isdir(a.recordings):
        fail(2, f"{a.recordings}: no recordings (run `make eval-record` as root)")
    names = sorted(d for d in os.listdir(a.recordings)
                   if os.path.isdir(os.path.join(a.recordings, d)))
    if not names:
        fail(2, f"{a.recordings}: no recordings (run `make eval-record` as root)")
    recs = {n: load_recording(os.path.join(a.recordings, n)) for n in names}

    results, restarts = {}, {}
    with tempfile.TemporaryDirectory(prefix="dpeval.") as tmp:
        for det, binary, opts in detectors:
            seen = detector_features(binary, {f for d, f in a.without if d == det})
            for n in names:
                results[det, n] = score(binary, shlex.split(opts), seen,
                                        det in a.programs, False, *recs[n], tmp)
                restarts[det, n] = score(binary, shlex.split(opts), seen,
                                         det in a.programs, True, *recs[n], tmp)

    col = "  detect culprit FA/100   AUC"
    head = f"{'scenario':<12} {'quiet':>5} {'attack':>6} " + " |".join(
        f"{det:^{len(col) - 1}}" for det, _, _ in detectors)
    print(head.rstrip())
    print(f"{'':<12} {'wins':>5} {'wins':>6} " + " |".join(col[1:] for _ in detectors))
    for n in names:
        r0 = results[detectors[0][0], n]
        print(f"{n:<12} {r0['nquiet']:>5} {r0['nattack']:>6} " + " |".join(
            fmt_row(det, results[det, n]) for det, _, _ in detectors))
    # Overall: attacks detected, culprits named, false alarms over every quiet
    # window, AUC of the scores pooled over every scenario.
    nq = sum(results[detectors[0][0], n]["nquiet"] for n in names)
    na = sum(results[detectors[0][0], n]["nattack"] for n in names)
    cells, early, named, fas, aucs = [], [], [], [], []
    for det, _, _ in detectors:
        rs = [results[det, n] for n in names]
        found = sum(r["detect"] is not None for r in rs)
        within2 = sum(r["detect"] is not None and r["detect"] <= 2 for r in rs)
        fa = 100.0 * sum(r["fa"] for r in rs) / sum(r["nquiet"] for r in rs)
        auc = roc_auc_score(sum((r["y"] for r in rs), []), sum((r["s"] for r in rs), []))
        culprits = sum(r["culprit"] for r in rs)
        cells.append(f"{f'{found}/{len(rs)}':>7} {f'{culprits}/{len(rs)}':>7} "
                     f"{fa:>6.1f} {auc:>5.2f}")
        early.append(f"{det} {within2}/{len(rs)}")
        named.append(f"{det} {culprits}/{len(rs)}")
        fas.append(f"{det} {fa:.1f}")
        aucs.append(f"{det} {auc:.2f}")

    print(f"{'overall':<12} {nq:>5} {na:>6} " + " |".join(cells))
    print("detected within 2 windows: " + ", ".join(early))
    print("culprit named: " + ", ".join(named))
    print("false alarms per 100 quiet windows: " + ", ".join(fas))
    print("attack windows flagged: " + ", ".join(
        f"{det} {100.0 * sum(results[det, n]['hits'] for n in names) / na:.0f}%"
        for det, _, _ in detectors))
    print("ROC AUC (pooled): " + ", ".join(aucs))
    print("incident leader is an attacker's process: " + ", ".join(
        f"{det} {sum(results[det, n]['leader'] for n in names)}/{len(names)}"
        for det, _, _ in detectors if results[det, names[0]]["by_incident"]))
    print("after a restart (the scenario's cgroup renamed after learning, "
          "same workload): " + "; ".join(
              f"{det} detected {sum(restarts[det, n]['detect'] is not None for n in names)}/{len(names)}, "
              f"FA/100 {100.0 * sum(restarts[det, n]['fa'] for n in names) / nq:.1f}, "
              f"flagged {100.0 * sum(restarts[det, n]['hits'] for n in names) / na:.0f}%"
              for det, _, _ in detectors))
    print("judged on: " + ", ".join(
        f"{det} {'incidents' if results[det, names[0]]['by_incident'] else 'per-feature anomalies'}"
        for det, _, _ in detectors))


if __name__ == "__main__":
    main()
