# shellcheck shell=bash
# Sourced by the benchmark scripts: start one configuration (a command that
# attaches BPF programs and holds them until SIGINT) and wait until its
# programs are in, stop it and wait until they are out. "In" is counted on
# the process's own descriptors (/proc/PID/fdinfo), so other users of BPF
# on this host neither hurry nor delay it.

bench_pid=""

# Distinct BPF programs the process $1 holds.
bench_prog_count() {
	{ grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null || true; } |
		sort -u | grep -c . || true
}

# bench_start NAME COMMAND NPROGS: run COMMAND (a shell string) until
# bench_stop; 0 once it holds NPROGS programs, 1 (and nothing left
# running) if it exits or takes over 30 s.
bench_start() {
	local name=$1 deadline=$((SECONDS + 30))

	bash -c "exec $2" >/dev/null 2>&1 &
	bench_pid=$!
	while [ "$(bench_prog_count "$bench_pid")" -lt "$3" ]; do
		if ! kill -0 "$bench_pid" 2>/dev/null || [ $SECONDS -gt $deadline ]; then
			echo "bench: $name did not attach" >&2
			bench_stop
			return 1
		fi
		sleep 0.1
	done
	# Loaded is not yet attached: let the attach calls finish.
	sleep 0.3
}

# Stop what bench_start started, if anything; its programs go with it.
# SIGINT first (the tools print and detach on it), again each second (one
# that arrives while bpftrace is still starting is lost: a run once waited
# 4 minutes on it), SIGKILL after 10 s.
bench_stop() {
	local i
	[ -n "$bench_pid" ] || return 0
	for ((i = 0; i < 100; i++)); do
		if ((i % 10 == 0)); then
			kill -INT "$bench_pid" 2>/dev/null || break
		fi
		sleep 0.1
		kill -0 "$bench_pid" 2>/dev/null || break
	done
	kill -KILL "$bench_pid" 2>/dev/null || true
	wait "$bench_pid" 2>/dev/null || true
	bench_pid=""
}

# bench_shuffle SEED ITEM...: the items, shuffled (Fisher-Yates) by bash's
# generator seeded with SEED (a round: a run can be repeated), into
# bench_order. Not shuf --random-source=<(yes SEED): seeds that share a
# first digit (1, 10, 11, ...) give the same first picks, so a config
# would keep its neighbours from round to round.
bench_order=()
bench_shuffle() {
	local i j t

	RANDOM=$1
	shift
	bench_order=("$@")
	for ((i = ${#bench_order[@]} - 1; i > 0; i--)); do
		j=$((RANDOM % (i + 1)))
		t=${bench_order[i]}
		bench_order[i]=${bench_order[j]}
		bench_order[j]=$t
	done
}

# bench_rounds MEASURE: rounds of "MEASURE NAME ROUND" over the configs in
# $order, in a new order every round (bench_shuffle seeded by the round: a
# fixed order, or a rotation of it, gives a config the bias of its
# neighbour, ~10 ns here, enough to fake a regression between two copies
# of a binary), until every --target in $targets has its ratio over $rows
# within +-$PRECISION (95%) in $results after at least $MIN_ROUNDS rounds,
# or until $BENCH_MAX_S seconds have passed, which it says.
# shellcheck disable=SC2154 # order, rows, targets, results: the caller's
bench_rounds() {
	local measure=$1 start=$SECONDS r name

	for ((r = 1; ; r++)); do
		bench_shuffle "$r" "${order[@]}"
		for name in "${bench_order[@]}"; do
			"$measure" "$name" "$r" || true
		done
		echo "  round $r done ($((SECONDS - start)) s)"
		if [ "$r" -ge "$MIN_ROUNDS" ] &&
		   /usr/bin/python3 tools/bench/table.py "$results" "${rows[@]}" \
			"${targets[@]}" --precision "$PRECISION" --quiet; then
			echo "precision reached: every target ratio within +-$PRECISION after $r rounds"
			return
		fi
		if [ $((SECONDS - start)) -ge "$BENCH_MAX_S" ]; then
			echo "time cap hit: $BENCH_MAX_S s after $r rounds; the intervals below are wider than +-$PRECISION"
			return
		fi
	done
}
