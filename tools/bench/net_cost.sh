#!/usr/bin/env bash
# driftprobe network hooks: cost per event of each BPF program, from the
# kernel's own run-time statistics (kernel.bpf_stats_enabled: run_time_ns /
# run_cnt per program), under real traffic made by tools/netload inside a
# network namespace of our own (dpnetbench<pid>, loopback only). Prints one
# row per program. Restores bpf_stats_enabled and removes what it made.
#
# usage: tools/bench/net_cost.sh [SECONDS] [--netns] [--per-cgroup]
#                                                      (root, from the repo)
#   --netns: driftprobe watches the bench namespace only (the filter's cost
#            included); default: every namespace.
#   --per-cgroup: driftprobe also counts per cgroup (the socket's cgroup
#            lookup and the atomic adds included).
#   HOOKS=tracepoint in the environment measures the classic-tracepoint
#   flavour (default: auto, i.e. tp_btf).
set -euo pipefail

SECS=${1:-10}
OPTS=("${@:2}")
DP=./driftprobe
NETLOAD=.output/netload
NS=dpnetbench$$
stats_before=$(sysctl -n kernel.bpf_stats_enabled)
pids=()

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	sysctl -qw kernel.bpf_stats_enabled="$stats_before"
}
trap cleanup EXIT INT TERM

ip netns add "$NS"
ip -n "$NS" link set lo up
args=(record --interval 3600 -o /dev/null --hooks "${HOOKS:-auto}")
for o in "${OPTS[@]}"; do
	case $o in
	--netns) args+=(--netns "/run/netns/$NS") ;;
	--per-cgroup) args+=(--per-cgroup) ;;
	*) echo "net_cost: unknown option '$o'" >&2; exit 2 ;;
	esac
done
"$DP" "${args[@]}" 2>/dev/null &
dp=$!
pids+=("$dp")
# Our programs: the prog_ids of the fds driftprobe holds (others may run
# driftprobe on this host too). Attached once all 10 are there.
our_progs() {
	{ grep -h '^prog_id:' /proc/"$dp"/fdinfo/* 2>/dev/null || true; } |
		awk '{print $2}' | sort -u | paste -sd, -
}
for _ in $(seq 100); do
	ids=$(our_progs)
	[ "$(echo "$ids" | tr ',' '\n' | grep -c . || true)" -ge 10 ] && break
	kill -0 "$dp" || { echo "net_cost: driftprobe exited" >&2; exit 1; }
	sleep 0.1
done
sysctl -qw kernel.bpf_stats_enabled=1

ip netns exec "$NS" "$NETLOAD" serve 127.0.0.1 & pids+=($!)
ip netns exec "$NS" "$NETLOAD" steady 127.0.0.1 & pids+=($!)
sleep 1
ip netns exec "$NS" "$NETLOAD" upload 127.0.0.1 4444 512
ip netns exec "$NS" "$NETLOAD" dns 127.0.0.1 20000 230
ip netns exec "$NS" "$NETLOAD" scan 127.0.0.1 20000 22000
sleep "$SECS"

bpftool -j prog show | python3 -c '
import json, sys
ids = {int(i) for i in sys.argv[1].split(",")}
rows = [p for p in json.load(sys.stdin) if p["id"] in ids]
print("%-16s %10s %9s" % ("program", "events", "ns/event"))
for p in sorted(rows, key=lambda p: p["name"]):
    n, t = p.get("run_cnt", 0), p.get("run_time_ns", 0)
    print("%-16s %10d %9.1f" % (p["name"], n, t / n if n else 0))
' "$ids"
