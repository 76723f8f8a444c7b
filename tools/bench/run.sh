#!/usr/bin/env bash
# driftprobe benchmark: syscall-path cost of driftprobe against the floor
# (empty programs on the same hooks) and against bpftrace and libbpf-tools,
# measured interleaved (A B C A B C ...) over several rounds in one run, so
# the shared machine's noise hits every column alike. Prints one table of
# medians, minimums and the ratio of added costs. Cleans up what it starts.
#
# usage: tools/bench/run.sh [ROUNDS] [CALLS]    (run as root from the repo)
set -euo pipefail

ROUNDS=${1:-3}
CALLS=${2:-500000}
OUT=.output/bench
DP=./driftprobe
LOOP=$OUT/getppid_loop
results=$(mktemp /tmp/dp_bench.XXXXXX)
pid=""

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -f "$results"
	return 0
}
trap cleanup EXIT INT TERM

prog_count() { bpftool prog show 2>/dev/null | grep -c '^[0-9]' || true; }

# config name -> command that attaches and stays until killed
declare -A cmd=(
	[none]=""
	[floor]="$OUT/hold $OUT/floor.bpf.o"
	[driftprobe]="$DP record --interval 3600 -o /dev/null"
	[dp-no-exemplars]="$DP record --no-exemplars --interval 3600 -o /dev/null"
	[dp-per-cgroup]="$DP record --per-cgroup --interval 3600 -o /dev/null"
	[bpftrace-count]="bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[args->id] = count(); }'"
	[bpftrace-latency]="bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @s[tid] = nsecs; } tracepoint:raw_syscalls:sys_exit /@s[tid]/ { @ = hist(nsecs - @s[tid]); delete(@s[tid]); }'"
	[syscount]="syscount"
	[syscount-L]="syscount -L"
)
# programs each config attaches (to know when it is live)
declare -A progs=([none]=0 [floor]=2 [driftprobe]=16 [dp-no-exemplars]=16 [dp-per-cgroup]=16 [bpftrace-count]=1
	[bpftrace-latency]=2 [syscount]=2 [syscount-L]=2)
order=(none floor driftprobe dp-no-exemplars dp-per-cgroup bpftrace-count bpftrace-latency syscount syscount-L)

available() {
	case $1 in
	bpftrace-*) command -v bpftrace >/dev/null ;;
	syscount*) command -v syscount >/dev/null ;;
	*) true ;;
	esac
}

measure() {
	local name=$1 before ns deadline
	pid=""
	if [ -n "${cmd[$name]}" ]; then
		before=$(prog_count)
		bash -c "exec ${cmd[$name]}" >/dev/null 2>&1 &
		pid=$!
		deadline=$((SECONDS + 30))
		while [ "$(prog_count)" -lt $((before + ${progs[$name]})) ]; do
			if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -gt $deadline ]; then
				echo "bench: $name did not attach" >&2
				kill -INT "$pid" 2>/dev/null || true
				wait "$pid" 2>/dev/null || true
				pid=""
				return 1
			fi
			sleep 0.1
		done
		sleep 0.3
	fi
	ns=$($LOOP "$CALLS" 3)
	echo "$name $ns" >> "$results"
	if [ -n "$pid" ]; then
		kill -INT "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=""
		# Programs are freed after their owner exits: wait until they
		# are, or the next config's count would start too high.
		deadline=$((SECONDS + 10))
		while [ "$(prog_count)" -gt "$before" ] && [ $SECONDS -le $deadline ]; do
			sleep 0.1
		done
	fi
}

echo "syscall path: $ROUNDS rounds x ${#order[@]} configs, $CALLS getppid() per repeat, pinned to CPU 0"
for ((r = 1; r <= ROUNDS; r++)); do
	for name in "${order[@]}"; do
		available "$name" && measure "$name" || true
	done
	echo "  round $r done"
done

/usr/bin/python3 - "$results" "${order[@]}" <<'PY'
import statistics, sys
path, order = sys.argv[1], sys.argv[2:]
runs = {}
for line in open(path):
    name, ns = line.split()
    runs.setdefault(name, []).append(float(ns))
base = statistics.median(runs["none"])
floor = statistics.median(runs["floor"]) - base if "floor" in runs else None
print()
print(f"{'config':<18} {'median ns/call':>14} {'min':>8} {'added ns':>9} {'added / floor added':>20}")
for name in order:
    if name not in runs:
        print(f"{name:<18} {'(not available)':>14}")
        continue
    med = statistics.median(runs[name]); added = med - base
    ratio = f"{added / floor:.2f}x" if floor and name != "none" else "-"
    print(f"{name:<18} {med:14.1f} {min(runs[name]):8.1f} {added:9.1f} {ratio:>20}")
if floor:
    dp = statistics.median(runs["driftprobe"]) - base
    print(f"\ndriftprobe added cost / floor added cost = {dp / floor:.2f} (target <= 1.25)")
PY

echo
.output/bench/scale 1000

# Steady-state `run` at the default interval: CPU share and peak RSS, from
# GNU time's account of the whole process (learning included).
IDLE_S=${IDLE_S:-60}
echo
echo "idle run: $IDLE_S s of 'run' at the default 10 s interval (learning the first 30 s)"
/usr/bin/time -f "%U %S %M" -o "$results.time" \
	$DP run --learn 30 --duration "$IDLE_S" --json >/dev/null 2>&1 || true
read -r user sys rss_kb < "$results.time"
rm -f "$results.time"
/usr/bin/python3 - "$user" "$sys" "$rss_kb" "$IDLE_S" <<'PY'
import sys
user, sys_, rss_kb, secs = map(float, sys.argv[1:])
share = 100 * (user + sys_) / secs
print(f"  cpu {user + sys_:.2f} s of {secs:.0f} s = {share:.3f}% of one core   target 0.1%   ratio {share / 0.1:.2f}")
print(f"  peak rss {rss_kb / 1024:.1f} MB   target 32 MB   ratio {rss_kb / 1024 / 32:.2f}")
PY
