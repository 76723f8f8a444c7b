#!/bin/sh
# SPDX-License-Identifier: MIT
# Golden test of the offline commands: each line of tests/golden/cases runs
# driftprobe on a recorded session (learn.jsonl, drift.jsonl, a baseline
# learnt from learn.jsonl) and its stdout, stderr and exit status must equal
# tests/golden/<case>.out byte for byte. It guards restructurings that must
# not change behaviour.
#
#   tests/golden/check.sh ./driftprobe           compare
#   tests/golden/check.sh ./driftprobe --update  rewrite the .out files
#                                                (only for a deliberate change)
#
# In a case, @ is this directory and @@ a scratch directory; a baseline the
# case writes is compared with "created" zeroed (the creation time) and
# "kernel" written as "@kernel" when it is this machine's (uname -r).
set -u
bin=$1
update=${2:-}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/dp_golden.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0
n=0
tab=$(printf '\t')
kernel=$(uname -r | sed 's/[.[\*^$/]/\\&/g')

while IFS="$tab" read -r name args; do
	[ -n "$name" ] || continue
	n=$((n + 1))
	args=$(printf '%s' "$args" | sed "s|@@|$tmp|g; s|@|$dir|g")
	rm -f "$tmp/baseline.json"
	# shellcheck disable=SC2086 # the case's arguments are split on purpose
	"$bin" $args > "$tmp/stdout" 2> "$tmp/stderr"
	rc=$?
	{
		echo "== exit $rc"
		echo "== stdout"
		sed "s|$tmp|@@|g; s|$dir|@|g" "$tmp/stdout"
		echo "== stderr"
		sed "s|$tmp|@@|g; s|$dir|@|g" "$tmp/stderr"
		if [ -f "$tmp/baseline.json" ]; then
			echo "== baseline"
			sed 's/"created":[0-9.e+]*/"created":0/;
			     s/"kernel":"'"$kernel"'"/"kernel":"@kernel"/' \
				"$tmp/baseline.json"
		fi
	} > "$tmp/$name.out"
	if [ "$update" = "--update" ]; then
		cp "$tmp/$name.out" "$dir/$name.out"
	elif ! cmp -s "$tmp/$name.out" "$dir/$name.out"; then
		echo "golden: $name: output differs from tests/golden/$name.out:"
		diff "$dir/$name.out" "$tmp/$name.out" | head -20
		failed=$((failed + 1))
	fi
done < "$dir/cases"

if [ "$failed" -ne 0 ]; then
	echo "golden: $failed of $n cases differ"
	exit 1
fi
echo "golden: $n cases identical"
