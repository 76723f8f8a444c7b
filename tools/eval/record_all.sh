#!/bin/sh
# Regenerate every benchmark recording (`make eval-record`, root): each
# scenario records under its own hold of the shared lock, so other users of
# BPF and cgroups on the machine wait minutes, not the whole run. A failed
# scenario keeps its old recording; the others still record; exit 1 at the end.
#   tools/eval/record_all.sh DRIFTPROBE OUTDIR [SCENARIO...]
set -u
[ $# -ge 2 ] || { echo "usage: $0 DRIFTPROBE OUTDIR [SCENARIO...]" >&2; exit 2; }
dp=$1 out=$2
shift 2
dir=$(dirname "$0")
[ $# -gt 0 ] || set -- $(cd "$dir/scenarios" && ls *.sh | sed 's/\.sh$//')
failed=""
for s in "$@"; do
	flock /tmp/dp-itest.lock timeout 300 "$dir/record.sh" "$dp" "$s" "$out/$s" ||
		failed="$failed $s"
done
[ -z "$failed" ] || { echo "eval-record: FAILED:$failed" >&2; exit 1; }
