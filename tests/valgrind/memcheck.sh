#!/bin/sh
# SPDX-License-Identifier: MIT
# valgrind memcheck over the commands that matter, on success and error
# paths: record (also --per-cgroup --per-program), baseline build,
# analyze, a short run (learning, saving, then judging), a run serving /metrics over TLS with basic auth (and its
# refusals), and a run stopped by SIGTERM. Any memory error or any
# definite/indirect/possible leak fails the test (exit 97 from valgrind);
# each command must also exit with the status it is expected to.
#
#   tests/valgrind/memcheck.sh [DRIFTPROBE]      (root: it loads BPF)
set -u

BIN=$(realpath "${1:-./driftprobe}")
SUPP=$(dirname "$(realpath "$0")")/libbpf.supp
DIR=$(mktemp -d /tmp/dprel-memcheck.XXXXXX)
FAILED=0
trap 'rm -rf "$DIR"' EXIT

VG="valgrind --quiet --error-exitcode=97 --leak-check=full
    --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --suppressions=$SUPP"

# check NAME EXPECTED_STATUS ARGS...: stdout to $DIR/NAME.out
check() {
	name=$1 want=$2
	shift 2
	$VG "$BIN" "$@" > "$DIR/$name.out" 2> "$DIR/$name.err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		echo "memcheck: $name: ok (exit $got)"
	else
		echo "memcheck: $name: FAILED: exit $got, expected $want" \
		     "(97 = valgrind found errors or leaks)"
		sed 's/^/    /' "$DIR/$name.err" | head -60
		FAILED=1
	fi
}

check record 0 record --interval 0.5 --duration 6 -o "$DIR/w.jsonl"
check record-per-program 0 record --per-cgroup --per-program --interval 0.5 \
	--duration 4 -o "$DIR/p.jsonl"
check baseline-build 0 baseline build -o "$DIR/b.json" "$DIR/w.jsonl"
check analyze 0 analyze --baseline "$DIR/b.json" "$DIR/w.jsonl"
check analyze-json 0 analyze --json --baseline "$DIR/b.json" "$DIR/w.jsonl"
check mi 0 mi --baseline "$DIR/b.json" "$DIR/w.jsonl"
check mi-json 0 mi --json "$DIR/w.jsonl"
# A workload with modes and an attack (the eval's recording): modes,
# mixtures, trimmed bursts, novelty and incidents with culprits.
EVAL=$(dirname "$(realpath "$0")")/../eval/recordings/bruteforce/windows.jsonl.gz
gzip -dc "$EVAL" > "$DIR/modes.jsonl"
head -n 400 "$DIR/modes.jsonl" > "$DIR/modes-learn.jsonl"
check baseline-build-modes 0 baseline build -o "$DIR/m.json" \
	"$DIR/modes-learn.jsonl"
check analyze-incidents 0 analyze --json --baseline "$DIR/m.json" \
	"$DIR/modes.jsonl"
check run-learn-save 0 run --learn 1 --interval 0.5 --duration 2 \
	--save-baseline "$DIR/r.json" --record "$DIR/r.jsonl"
check run-baseline 0 run --baseline "$DIR/b.json" --interval 0.5 \
	--duration 1 --json

# Baselines that live with the host (issue 21): workload rules and the
# node's files, a fleet merge, --compare, mutes from options and from the
# mute command, and a run whose rolling refresh folds, refits and saves.
mkdir -p "$DIR/host/var/log/pods/ns_web-7d9f8c6b5-x2x9k_0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/app"
check record-workloads 0 record --per-cgroup --interval 0.5 --duration 2 \
	--host-root "$DIR/host" --workload-rule '^/(system)\.slice/ => \1' \
	-o "$DIR/wl.jsonl"
check baseline-merge 0 baseline merge --role memcheck -o "$DIR/fleet.json" \
	"$DIR/b.json" "$DIR/b.json"
check analyze-compare-mute 0 analyze --baseline "$DIR/fleet.json" \
	--compare /memcheck=/ --mute 'feature=syscall.id for=1h reason=x' \
	--threshold syscall.errno=9 --features syscall.id,syscall.errno \
	"$DIR/w.jsonl"
check mute-add 0 mute --mute-file "$DIR/mutes" --for 10m --reason memcheck
check mute-list 0 mute --mute-file "$DIR/mutes" --list
check mute-clear 0 mute --mute-file "$DIR/mutes" --clear 1
check run-refresh 0 run --learn 1 --interval 0.5 --duration 4 \
	--refresh-half-life 5 --refresh-guard 0.5 --refresh-every 1 \
	--mute-file "$DIR/mutes" --save-baseline "$DIR/rr.json"

# Error paths free what they allocated, too.
head -c 700 "$DIR/w.jsonl" > "$DIR/torn.jsonl"
check baseline-build-bad-input 2 baseline build -o "$DIR/x.json" \
	"$DIR/w.jsonl" "$DIR/torn.jsonl"
check analyze-bad-input 2 analyze --baseline "$DIR/b.json" \
	"$DIR/w.jsonl" "$DIR/torn.jsonl"
head -c 300 "$DIR/b.json" > "$DIR/torn.json"
chmod 600 "$DIR/torn.json"
check analyze-bad-baseline 2 analyze --baseline "$DIR/torn.json" \
	"$DIR/w.jsonl"
check bad-option 2 run --interval 0
check bad-workload-rule 2 analyze --baseline "$DIR/b.json" \
	--workload-rule '^/(a => x' "$DIR/w.jsonl"
check bad-mute 2 analyze --baseline "$DIR/b.json" --mute 'feature=x for=1m' \
	"$DIR/w.jsonl"
check baseline-merge-bad-input 2 baseline merge -o "$DIR/y.json" \
	"$DIR/b.json" "$DIR/torn.json"

# /metrics over TLS with basic auth (web config, PEM files, the exporter's
# TLS and auth state), its refusals, and a listener refused beyond loopback.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$DIR/tls.key" -out "$DIR/tls.crt" -days 2 -subj /CN=127.0.0.1 \
	2>/dev/null
printf 'tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n'\
'basic_auth_users:\n  p: $2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n' \
	> "$DIR/web.yml"
printf 'tls_server_config:\n  cert_file: tls.crt\n  cipher_suites: []\n' \
	> "$DIR/web-bad.yml"
chmod 600 "$DIR/tls.key" "$DIR/tls.crt" "$DIR/web.yml" "$DIR/web-bad.yml"
check run-tls 0 run --baseline "$DIR/b.json" --interval 0.5 --duration 1 \
	--listen 127.0.0.1:0 --web-config "$DIR/web.yml"
check web-config-bad 2 run --listen 127.0.0.1:0 --web-config "$DIR/web-bad.yml"
check listen-beyond-loopback 2 run --listen 0.0.0.0:0

# SIGTERM in the middle of learning: cleanup runs on the signal path too.
$VG "$BIN" run --learn 60 --interval 0.5 --record "$DIR/t.jsonl" \
	> "$DIR/run-sigterm.out" 2> "$DIR/run-sigterm.err" &
pid=$!
i=0
while [ ! -s "$DIR/t.jsonl" ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -TERM $pid
wait $pid
got=$?
if [ "$got" -eq 0 ] && [ -s "$DIR/t.jsonl" ]; then
	echo "memcheck: run-sigterm: ok (exit 0)"
else
	echo "memcheck: run-sigterm: FAILED: exit $got, expected 0 after" \
	     "at least one window"
	sed 's/^/    /' "$DIR/run-sigterm.err" | head -60
	FAILED=1
fi
exit $FAILED
