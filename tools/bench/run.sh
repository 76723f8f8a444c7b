#!/usr/bin/env bash
# driftprobe benchmark: syscall-path cost of driftprobe against the floor
# (empty programs on the same hooks) and against bpftrace and libbpf-tools,
# measured interleaved (A B C A B C ...) round by round in one run, so the
# shared machine's noise hits every column alike, each paired with the bare
# run of its round. Rounds are added until the 95% interval of every target
# ratio (driftprobe, dp-per-cgroup, dp-per-program) is within +-PRECISION,
# or until BENCH_MAX_S seconds have passed, which the output then says.
# Prints one table of medians, minimums and the ratios of added costs with
# their intervals. Cleans up what it starts.
#
# BENCH_COMPARE=BINARY adds another build's driftprobe (defaults) as the
# config dp-compare, a target too: a change's cost against the build
# before it, measured in the same rounds.
#
# usage: tools/bench/run.sh [MIN_ROUNDS] [CALLS]    (root, from the repo)
set -euo pipefail

MIN_ROUNDS=${1:-5}
CALLS=${2:-500000}
PRECISION=${PRECISION:-0.05}
BENCH_MAX_S=${BENCH_MAX_S:-1200}
OUT=.output/bench
DP=./driftprobe
LOOP=$OUT/getppid_loop
results=$(mktemp /tmp/dp_bench.XXXXXX)

# shellcheck source=tools/bench/lib.sh
. tools/bench/lib.sh

cleanup() {
	bench_stop
	rm -f "$results"
	return 0
}
trap cleanup EXIT INT TERM

# config name -> command that attaches and stays until killed
declare -A cmd=(
	[none]=""
	[floor]="$OUT/hold $OUT/floor.bpf.o"
	[driftprobe]="$DP record --interval 3600 -o /dev/null"
	[dp-no-exemplars]="$DP record --no-exemplars --interval 3600 -o /dev/null"
	[dp-latency-exact]="$DP record --latency-sample 1 --interval 3600 -o /dev/null"
	[dp-per-cgroup]="$DP record --per-cgroup --interval 3600 -o /dev/null"
	[dp-per-program]="$DP record --per-program --interval 3600 -o /dev/null"
	[bpftrace-count]="bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[args->id] = count(); }'"
	[bpftrace-latency]="bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @s[tid] = nsecs; } tracepoint:raw_syscalls:sys_exit /@s[tid]/ { @ = hist(nsecs - @s[tid]); delete(@s[tid]); }'"
	[syscount]="syscount"
	[syscount-L]="syscount -L"
)
# programs each config attaches (to know when it is live)
declare -A progs=([none]=0 [floor]=3 [driftprobe]=15 [dp-no-exemplars]=15 [dp-latency-exact]=15 [dp-per-cgroup]=15 [dp-per-program]=15 [bpftrace-count]=1
	[bpftrace-latency]=2 [syscount]=2 [syscount-L]=2)
order=(none floor driftprobe dp-no-exemplars dp-latency-exact dp-per-cgroup dp-per-program bpftrace-count bpftrace-latency syscount syscount-L)
if [ -n "${BENCH_COMPARE:-}" ]; then
	cmd[dp-compare]="$BENCH_COMPARE record --interval 3600 -o /dev/null"
	progs[dp-compare]=15
	order+=(dp-compare)
fi

available() {
	case $1 in
	bpftrace-*) command -v bpftrace >/dev/null ;;
	syscount*) command -v syscount >/dev/null ;;
	*) true ;;
	esac
}

measure() {
	local name=$1

	if [ -n "${cmd[$name]}" ]; then
		bench_start "$name" "${cmd[$name]}" "${progs[$name]}" || return 1
	fi
	echo "$name ns/call $($LOOP "$CALLS" 3) $2" >> "$results"
	bench_stop
}

rows=(none)
for name in "${order[@]:1}"; do rows+=("$name/floor"); done
targets=(--target driftprobe --target dp-per-cgroup --target dp-per-program)
[ -z "${BENCH_COMPARE:-}" ] || targets+=(--target dp-compare)

echo "syscall path: at least $MIN_ROUNDS rounds x ${#order[@]} configs, until" \
	"each target ratio is known within +-$PRECISION (95%) or $BENCH_MAX_S s;" \
	"$CALLS getppid() per repeat, pinned to CPU 0"
# Configs this machine lacks (bpftrace, libbpf-tools) are left out.
measure_available() {
	available "$1" && measure "$1" "$2"
}
bench_rounds measure_available
/usr/bin/python3 tools/bench/table.py "$results" "${rows[@]}" "${targets[@]}" \
	--precision "$PRECISION" || true

echo
# The window at scale as JSON consumers get it by default (every line in
# full) and as the text reports and --normal-lines none get it.
.output/bench/scale 1000 full
.output/bench/scale 1000 none

# Steady-state `run` at the default interval: its CPU over IDLE_S seconds
# after learning (the kernel's ns account of the process, so neither the
# one-off BPF load and verification nor GNU time's 10 ms ticks blur it),
# and its peak RSS, learning included.
IDLE_S=${IDLE_S:-60}
echo
echo "idle run: 'run' at the default 10 s interval, learning 30 s; CPU (/proc/PID/schedstat, ns) over $IDLE_S s of steady state"
$DP run --learn 30 --duration $((IDLE_S + 50)) --json >/dev/null 2>&1 &
bench_pid=$!
sleep 45		# attach, learn 30 s, build the baseline, one more window
steady0=$(cut -d' ' -f1 "/proc/$bench_pid/schedstat")
sleep "$IDLE_S"
steady1=$(cut -d' ' -f1 "/proc/$bench_pid/schedstat")
rss_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$bench_pid/status")
wait "$bench_pid" || true
bench_pid=""
/usr/bin/python3 - "$steady0" "$steady1" "$IDLE_S" "$rss_kb" <<'PY'
import sys
t0, t1, secs, rss_kb = map(float, sys.argv[1:])
share = 100 * (t1 - t0) / 1e9 / secs
print(f"  steady cpu {(t1 - t0) / 1e6:.1f} ms in {secs:.0f} s = {share:.4f}% of one core   target 0.1%   ratio {share / 0.1:.3f}")
print(f"  peak rss {rss_kb / 1024:.1f} MB   target 32 MB   ratio {rss_kb / 1024 / 32:.2f}")
PY
