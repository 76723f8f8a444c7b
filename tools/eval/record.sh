#!/bin/bash
# Record one scenario of the detection benchmark (issue 19):
#   tools/eval/record.sh DRIFTPROBE SCENARIO OUTDIR
# Root; run it under `flock /tmp/dp-itest.lock` (tools/eval/record_all.sh
# does), since it loads BPF and makes cgroups and namespaces.
#
# Timeline (1 s windows, `record --per-cgroup --per-program -i 1`, to keep
# it short):
#   WARMUP s of normal activity (not used), LEARN s (the baseline),
#   QUIET s more of the same normal activity (false alarms are counted
#   there), then the attack for ATTACK s while the normal activity goes on.
# The scenario's workload and attack run in cgroup dp_eval_SCENARIO; the
# remote side (clients, listeners, the attacker's server) in namespace
# dpev_SCENARIO, in cgroup dp_eval_SCENARIO_peer. A scenario file sources its
# workload (tools/eval/workloads/W.sh: sc_setup, sc_normal END [, sc_cleanup])
# and adds the attack (sc_attack END [, sc_attack_setup]) and its labels.
# OUTDIR gets windows.jsonl.gz (the scenario cgroup's records, and its
# programs': tools/eval/compact.py) and labels.json.
set -u
[ $# -eq 3 ] || { echo "usage: $0 DRIFTPROBE SCENARIO OUTDIR" >&2; exit 2; }
DP=$(realpath "$1") SCENARIO=$2 OUT=$3
EVAL_DIR=$(cd "$(dirname "$0")" && pwd)
. "$EVAL_DIR/lib.sh"
[ -f "$EVAL_DIR/scenarios/$SCENARIO.sh" ] || die "no scenario '$SCENARIO'"
[ "$(id -u)" -eq 0 ] || die "needs root"
[ -n "$CGROOT" ] || die "no cgroup2 mount"

WARMUP=${WARMUP:-5} LEARN=${LEARN:-60} QUIET=${QUIET:-30} ATTACK=${ATTACK:-15}
SC_IDX=0 SC_ATTACKER="" SC_TOOLS="" SC_DESC=""
. "$EVAL_DIR/scenarios/$SCENARIO.sh"

trap dpev_cleanup EXIT
trap 'exit 1' INT TERM
WORK=$(mktemp -d /tmp/dpev_"$SCENARIO".XXXXXX)
chmod 755 "$WORK"
export WORK SCENARIO EVAL_DIR
CG=$(dpev_cgroup "dp_eval_$SCENARIO")
CG_PEER=$(dpev_cgroup "dp_eval_${SCENARIO}_peer")
[ -d "$CG" ] && [ -d "$CG_PEER" ] || exit 1
dpev_netns "dpev_$SCENARIO" "$SC_IDX"
export CG CG_PEER NETNS HOST_IP PEER_IP

total=$((WARMUP + LEARN + QUIET + ATTACK + 10))
"$DP" record --per-cgroup --per-program -i 1 -d "$total" -o "$WORK/raw.jsonl" \
	2> "$WORK/record.err" &
REC_PID=$!
i=0
while [ ! -s "$WORK/raw.jsonl" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
[ -s "$WORK/raw.jsonl" ] || die "record wrote nothing: $(cat "$WORK/record.err")"

sc_setup
declare -F sc_attack_setup > /dev/null && sc_attack_setup
t0=$EPOCHSECONDS
learn_start=$((t0 + WARMUP))
learn_end=$((learn_start + LEARN))
attack_start=$((learn_end + QUIET))
attack_end=$((attack_start + ATTACK))
say "$SCENARIO: normal until $((attack_end + 1)), attack at +$((attack_start - t0)) s"
sc_normal $((attack_end + 2))
sleep_until "$attack_start"
attack_start=$(now)
sc_attack "$attack_end"
sleep_until "$attack_end"
attack_end=$(now)
sleep 1.2
kill "$REC_PID"; wait "$REC_PID"; REC_PID=""

"$PY" "$EVAL_DIR/compact.py" --raw "$WORK/raw.jsonl" --out "$OUT" \
	--scenario "$SCENARIO" --cgroup "/dp_eval_$SCENARIO" \
	--learn "$learn_start" "$learn_end" --attack "$attack_start" "$attack_end" \
	--attacker "$SC_ATTACKER" --tools "$SC_TOOLS" --desc "$SC_DESC" ||
	die "compact failed"
say "$SCENARIO: done -> $OUT"
