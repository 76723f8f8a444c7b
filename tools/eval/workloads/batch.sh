# shellcheck shell=bash
# Normal workload "batch": a job in the scenario's cgroup that alternates
# phases of 4-8 s: compress (gzip of fresh data), checksum (sha256sum),
# sort (sort | uniq -c of a generated log), idle.

batch_job() {
	local end=$1 i=0 phase t d="$WORK/batch"
	mkdir -p "$d"
	RANDOM=23
	while within "$end" 5000 "$i"; do
		phase=$((RANDOM % 4))
		t=$((EPOCHSECONDS + 4 + RANDOM % 5))
		while [ "$EPOCHSECONDS" -lt "$t" ] && within "$end" 5000 "$i"; do
			case $phase in
			0) head -c $((256 * 1024)) /dev/urandom > "$d/chunk.$((i % 4))"
			   gzip -c "$d/chunk.$((i % 4))" > "$d/chunk.gz" ;;
			1) sha256sum "$d"/chunk.* > "$d/sums" 2>/dev/null; sleep 0.2 ;;
			2) seq 1 20000 | sed "s/^/$((RANDOM % 97)) record /" |
			   sort | uniq -c > "$d/report"; sleep 0.2 ;;
			3) sleep 1 ;;
			esac
			i=$((i + 1))
		done
	done
}

batch_normal() { cg_fn batch_job "$1"; }
