# shellcheck shell=bash
# Normal workload "build": a C program of six units (generated from
# tools/eval/workloads/build/unit.c.in) compiled with cc in the scenario's
# cgroup, in modes of 4-8 s: full build (-O2, every unit, link, run the
# tests), incremental (one unit at -O0, link, run), idle (an editor's pause).

build_setup() {
	local i
	mkdir -p "$WORK/src"
	cp "$EVAL_DIR/workloads/build/main.c" "$WORK/src/"
	for i in 1 2 3 4 5 6; do
		sed "s/@N@/$i/g" "$EVAL_DIR/workloads/build/unit.c.in" > "$WORK/src/unit$i.c"
	done
}

build_link() { cc -o dpunit ./*.o && ./dpunit > /dev/null; }

build_jobs() {
	local end=$1 i=0 mode t f
	cd "$WORK/src" || return
	RANDOM=31
	while within "$end" 5000 "$i"; do
		mode=$((RANDOM % 3))
		t=$((EPOCHSECONDS + 4 + RANDOM % 5))
		while [ "$EPOCHSECONDS" -lt "$t" ] && within "$end" 5000 "$i"; do
			case $mode in
			0) for f in ./*.c; do cc -O2 -Wall -c "$f"; done; build_link ;;
			1) cc -O0 -g -c "unit$((RANDOM % 6 + 1)).c"; build_link; sleep 0.5 ;;
			2) sleep 1 ;;
			esac
			i=$((i + 1))
		done
	done
}

build_normal() { cg_fn build_jobs "$1"; }
