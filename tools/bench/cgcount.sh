#!/usr/bin/env bash
# Issue 23 part 2: what per-cgroup counting costs a syscall, design by
# design (tools/bench/cgcount_*.bpf.c, see cgcount.bpf.h), against the
# floor (empty programs on the same hooks), measured as run.sh measures:
# configs in a new shuffled order every round, each paired with its
# round's bare run, rounds added until every candidate's ratio over the
# floor is known within +-PRECISION (95%), or BENCH_MAX_S seconds passed.
#
# The load runs in a cgroup of its own (created under the cgroup v2 mount,
# removed on exit), as a service would, in three shapes, three metrics,
# each the best of REPEATS short runs (a slow spell of the shared machine
# lasts seconds: short runs give its calm moments a chance):
#   ns/call-1cpu  getppid_loop on CPU 0 (run.sh's load)
#   ns/call-2cpu  cgcount_loop on CPU 0 and CPU 1 at once, the mean of the
#                 two (each the median of its repeats, see cgcount_loop.c):
#                 counters shared by all CPUs bounce between them
#   ns/rtt-2cg    cgcount_pingpong: a byte back and forth through pipes
#                 between a process in that cgroup and one in a second
#                 (PINGPONG round trips per repeat, 5 repeats), both on
#                 CPU 0: every context switch changes cgroup, the per-CPU
#                 slot candidates' worst case (one flush per switch)
#
# usage: tools/bench/cgcount.sh [MIN_ROUNDS] [CALLS]    (root, from the repo)
set -euo pipefail

MIN_ROUNDS=${1:-10}
CALLS=${2:-100000}
REPEATS=${REPEATS:-15}
PRECISION=${PRECISION:-0.05}
BENCH_MAX_S=${BENCH_MAX_S:-600}
LOOP_MAX_S=60		# one load run; a hung one is cut, its run dropped
OUT=.output/bench
LOOP1=$OUT/getppid_loop
LOOP2=$OUT/cgcount_loop
PINGPONG=${PINGPONG:-20000}

# shellcheck source=tools/bench/lib.sh
. tools/bench/lib.sh

cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
if [ -z "$cg2" ]; then
	echo "cgcount: no cgroup v2 mount; the candidates count per v2 cgroup" >&2
	exit 1
fi
cg=$cg2/dpbench-$$
cg_b=$cg2/dpbench-$$-b
results=$(mktemp /tmp/dp_cgcount.XXXXXX)
load_out=$(mktemp -d /tmp/dp_cgcount_load.XXXXXX)
load_pids=()

cleanup() {
	local i

	bench_stop
	for pid in "${load_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	# Its processes are gone (waited for); an exiting one may hold it a
	# moment longer.
	for dir in "$cg" "$cg_b"; do
		for ((i = 0; i < 50; i++)); do
			[ -d "$dir" ] || break
			rmdir "$dir" 2>/dev/null && break
			sleep 0.1
		done
	done
	rm -rf "$results" "$load_out"
	return 0
}
trap cleanup EXIT INT TERM
mkdir "$cg" "$cg_b"

# config name -> BPF object held while the load runs ("" for none)
declare -A obj=(
	[none]=""
	[floor]=floor
	[host]=cgcount_host
	[cgid]=cgcount_id
	[a-hash]=cgcount_hash
	[b-pcpuhash]=cgcount_pcpuhash
	[c-storage]=cgcount_storage
	[d-slot]=cgcount_slot
	[e-slotsw]=cgcount_slotsw
)
order=(none floor host cgid a-hash b-pcpuhash c-storage d-slot e-slotsw)

# in_cgroup COMMAND...: run COMMAND in the benchmark's cgroup, time-capped.
in_cgroup() {
	bash -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' \
		"$cg" timeout "$LOOP_MAX_S" "$@"
}

# measure NAME ROUND: one run of each load shape with NAME attached.
measure() {
	local name=$1 r=$2 one a b rtt

	if [ -n "${obj[$name]}" ]; then
		# Every candidate, like the floor, has three programs.
		bench_start "$name" "$OUT/hold $OUT/${obj[$name]}.bpf.o" 3 ||
			return 1
	fi
	one=$(in_cgroup "$LOOP1" "$CALLS" "$REPEATS")
	in_cgroup "$LOOP2" "$CALLS" "$REPEATS" 0 > "$load_out/0" &
	load_pids=($!)
	in_cgroup "$LOOP2" "$CALLS" "$REPEATS" 1 > "$load_out/1" &
	load_pids+=($!)
	wait "${load_pids[@]}"
	load_pids=()
	a=$(cat "$load_out/0")
	b=$(cat "$load_out/1")
	rtt=$(timeout "$LOOP_MAX_S" "$OUT/cgcount_pingpong" "$PINGPONG" 5 0 \
		"$cg" "$cg_b")
	bench_stop
	if [ -z "$one" ] || [ -z "$a" ] || [ -z "$b" ] || [ -z "$rtt" ]; then
		echo "cgcount: $name: a load run failed; round $r has no $name" >&2
		return 1
	fi
	{
		echo "$name ns/call-1cpu $one $r"
		echo "$name ns/call-2cpu $(echo "$a $b" | awk '{ printf "%.2f", ($1 + $2) / 2 }') $r"
		echo "$name ns/rtt-2cg $rtt $r"
	} >> "$results"
}

rows=(none)
targets=()
for name in "${order[@]:1}"; do
	rows+=("$name/floor")
	[ "$name" = floor ] || targets+=(--target "$name")
done

echo "per-cgroup counting: at least $MIN_ROUNDS rounds x ${#order[@]} configs," \
	"until each candidate's ratio is known within +-$PRECISION (95%) or" \
	"$BENCH_MAX_S s; best of $REPEATS x $CALLS getppid(), in cgroup $cg;" \
	"best of 5 x $PINGPONG pipe round trips between it and $cg_b"
bench_rounds measure
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs"
/usr/bin/python3 tools/bench/table.py "$results" "${rows[@]}" "${targets[@]}" \
	--precision "$PRECISION" || true
if [ -n "${CGCOUNT_KEEP:-}" ]; then
	cp "$results" "$CGCOUNT_KEEP"
	echo "results kept in $CGCOUNT_KEEP"
fi
