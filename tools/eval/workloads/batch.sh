# shellcheck shell=bash
# Normal workload "batch": a job in the scenario's cgroup that alternates
# phases of 4-8 s: compress (gzip of fresh data), checksum (sha256sum),
# sort (sort | uniq -c of a generated log), idle.

batch_step() {
	local d="$WORK/batch"
	case $1 in
	0) head -c $((256 * 1024)) /dev/urandom > "$d/chunk.$(($2 % 4))"
	   gzip -c "$d/chunk.$(($2 % 4))" > "$d/chunk.gz" ;;
	1) sha256sum "$d"/chunk.* > "$d/sums" 2>/dev/null; sleep 0.2 ;;
	2) seq 1 20000 | sed "s/^/$((RANDOM % 97)) record /" |
	   sort | uniq -c > "$d/report"; sleep 0.2 ;;
	3) sleep 1 ;;
	esac
}

sc_setup() { mkdir -p "$WORK/batch"; }
sc_normal() { cg_fn run_modes "$1" 5000 23 4 batch_step; }
