#!/bin/sh
# SPDX-License-Identifier: MIT
# Relearn the golden baselines from their own learning windows, for a
# deliberate change of the model (then `check.sh DRIFTPROBE --update` and
# read every diff). Each keeps its "created" time, so only the model moves:
#   baseline.json           learn.jsonl
#   baseline-host.json      learn.jsonl without the <root> cgroup
#   incident-baseline.json  incident-learn.jsonl
#
#   tests/golden/relearn.sh ./driftprobe
set -eu
bin=$(realpath "$1")
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/dp_golden_relearn.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

grep -v '"cgroup":"<root>"' "$dir/learn.jsonl" > "$tmp/host.jsonl"
"$bin" baseline build -o "$tmp/baseline.json" "$dir/learn.jsonl"
"$bin" baseline build -o "$tmp/baseline-host.json" "$tmp/host.jsonl"
"$bin" baseline build -o "$tmp/incident-baseline.json" \
	"$dir/incident-learn.jsonl"
for f in baseline.json baseline-host.json incident-baseline.json; do
	created=$(grep -o '"created":[0-9.e+]*' "$dir/$f" | head -n 1)
	sed "s/\"created\":[0-9.e+]*/$created/" "$tmp/$f" > "$dir/$f"
	chmod 600 "$dir/$f"
done
