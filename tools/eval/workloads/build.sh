# shellcheck shell=bash
# Normal workload "build": a C program of six units (generated from
# tools/eval/workloads/build/unit.c.in) compiled with cc in the scenario's
# cgroup, in modes of 4-8 s: full build (-O2, every unit, link, run the
# tests), incremental (one unit at -O0, link, run), idle (an editor's pause).

sc_setup() {
	local i
	mkdir -p "$WORK/src"
	cp "$EVAL_DIR/workloads/build/main.c" "$WORK/src/"
	for i in 1 2 3 4 5 6; do
		sed "s/@N@/$i/g" "$EVAL_DIR/workloads/build/unit.c.in" > "$WORK/src/unit$i.c"
	done
}

build_link() { cc -o dpunit ./*.o && ./dpunit > /dev/null; }

build_step() {
	local f
	cd "$WORK/src" || return
	case $1 in
	0) for f in ./*.c; do cc -O2 -Wall -c "$f"; done; build_link ;;
	1) cc -O0 -g -c "unit$((RANDOM % 6 + 1)).c"; build_link; sleep 0.5 ;;
	2) sleep 1 ;;
	esac
}

sc_normal() { cg_fn run_modes "$1" 5000 31 3 build_step; }
