#!/usr/bin/env bash
# driftprobe benchmark, network path: a loopback TCP ping-pong of small
# messages and a bulk stream (tools/bench/tcp_loop, both ends on CPU 0)
# inside a network namespace of our own. Prints, per load, medians,
# minimums and the ratio of added costs, each row against the floor of the
# hooks it uses:
#   floor-net   empty programs on the net group's 8 hooks
#   dp-net      driftprobe's own net.bpf.o alone (tp_btf, every netns, as
#               `driftprobe record` loads it): the network features' cost
#   floor-all   empty programs on every hook `driftprobe record` attaches
#               (syscall + net + node: the load makes syscalls and
#               context switches too)
#   driftprobe  `driftprobe record`, every group, default options
#   dp-all      its syscall, net and node objects alone (see below)
# and peers: bpftrace histograms on the same tracepoints, libbpf-tools
# tcplife (the one tcp* tool here without kprobes or fentry).
#
# Two tables per load. The first alternates configurations inside one
# tcp_loop process, attaching and detaching between slices of tens of
# milliseconds, and pairs each slice with the same cycle's bare one: the
# only way this shared VM, whose speed drifts by 30 % over seconds,
# resolves a few hundred ns. There the whole of driftprobe is dp-all, its
# three objects as hold loads them (= `record --no-exemplars`: the loader
# is what turns exemplars on). The second runs each configuration as a
# process of its own, interleaved round by round (A B C A B C ...), each
# paired with a bare run just before it: coarser, but it takes `driftprobe
# record` itself and the peers.
# Each table grows (cycles in blocks of CYCLES, rounds one by one) until
# the 95% interval of every target ratio is within +-PRECISION, or until
# BENCH_MAX_S seconds have passed for it, which the output then says.
# Cleans up every process and the namespace; changes no sysctl.
# BENCH_COMPARE_OBJS=SYSCALL.o,NET.o,NODE.o adds another build's three
# objects to the first table as dp-compare, a target too: a change's cost
# against the build before it, in the same cycles.
#
# usage: tools/bench/net_path.sh [MIN_ROUNDS] [CYCLES]
#        (root, from the repo, after `make driftprobe bench-tools`)
set -euo pipefail

MIN_ROUNDS=${1:-5}	# process-per-config rounds, at least
CYCLES=${2:-100}	# in-process alternations per block
PRECISION=${PRECISION:-0.05}
BENCH_MAX_S=${BENCH_MAX_S:-1200}	# per table
ROUND_TRIPS=2000	# per slice
MSG=64			# ping-pong message, bytes each way
MIB=64			# bulk, per slice
CHUNK=16384		# bulk write size, bytes
OUT=.output/bench
DP=./driftprobe
NS=dpnetpath$$
ab=$(mktemp /tmp/dp_netpath.XXXXXX)
results=$(mktemp /tmp/dp_netpath.XXXXXX)

# shellcheck source=tools/bench/lib.sh
. tools/bench/lib.sh

cleanup() {
	bench_stop
	# An interrupted tcp_loop (and its server) lives in the namespace.
	ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -f "$ab" "$results"
}
trap cleanup EXIT
trap "exit 130" INT TERM

floors="$OUT/floor.bpf.o,$OUT/floor_net.bpf.o,$OUT/floor_node.bpf.o"
groups=".output/syscall.bpf.o,.output/net.bpf.o,.output/node.bpf.o"
bt_send='tracepoint:sock:sock_send_length { @send = hist(args->ret); }'
bt_xmit='tracepoint:net:net_dev_start_xmit { @xmit = hist(args->len); }'
bt_recv='tracepoint:sock:sock_recv_length { @recv = hist(args->ret); }'
bt_rx='tracepoint:net:netif_receive_skb { @rx = hist(args->len); }'

# config name -> command that attaches and holds until SIGINT
declare -A cmd=(
	[none]=""
	[floor-net]="$OUT/hold $OUT/floor_net.bpf.o"
	[dp-net]="$OUT/hold .output/net.bpf.o"
	[floor-all]="$OUT/hold $floors"
	[driftprobe]="$DP record --interval 3600 -o /dev/null"
	[bpftrace-send]="bpftrace -e '$bt_send'"
	[bpftrace-xmit]="bpftrace -e '$bt_xmit'"
	[bpftrace-4hooks]="bpftrace -e '$bt_send $bt_recv $bt_xmit $bt_rx'"
	[tcplife]="tcplife"
)
# programs each config holds once attached
declare -A progs=([none]=0 [floor-net]=8 [dp-net]=8 [floor-all]=15
	[driftprobe]=15 [bpftrace-send]=1 [bpftrace-xmit]=1
	[bpftrace-4hooks]=4 [tcplife]=1)
# table rows: config/the floor its added cost is divided by
rows=(none floor-net/floor-net dp-net/floor-net floor-all/floor-all
	driftprobe/floor-all bpftrace-send/floor-net bpftrace-xmit/floor-net
	bpftrace-4hooks/floor-net tcplife/floor-net)

available() {
	case $1 in
	bpftrace-*) command -v bpftrace >/dev/null ;;
	tcplife) command -v tcplife >/dev/null ;;
	*) true ;;
	esac
}

# tcp_loop in the namespace, both loads: tcp_loop CYCLES CONFIG...
loads() {
	local cycles=$1
	shift
	ip netns exec "$NS" "$OUT/tcp_loop" pingpong "$ROUND_TRIPS" "$MSG" "$cycles" "$@"
	ip netns exec "$NS" "$OUT/tcp_loop" bulk "$MIB" "$CHUNK" "$cycles" "$@"
}

# measure NAME ID: 10 slices of each load with nothing attached, then 10
# under NAME, paired slice by slice (cycle ID*100+i): a second apart, not
# a whole round.
measure() {
	local name=$1 pair=(awk -v id="$2" '{print $1, $2, $3, id * 100 + $4}')

	loads 10 none | "${pair[@]}" >> "$results"
	[ "$name" = none ] && return 0
	bench_start "$name" "${cmd[$name]}" "${progs[$name]}" || return 1
	loads 10 "$name" | "${pair[@]}" >> "$results"
	bench_stop
}

# Programs others hold on these hooks make "none" dearer and the floors'
# marginal cost smaller: say how many there are.
others=$(bpftool prog show 2>/dev/null |
	grep -cE '^[0-9]+: (tracing|raw_tracepoint|tracepoint)' || true)
if [ "$others" -gt 0 ]; then
	echo "note: $others tracing programs of others are loaded; while they share the hooks, the ratios are skewed"
fi

ip netns add "$NS"
ip -n "$NS" link set lo up
echo "network path in netns $NS, both ends on CPU 0: ping-pong of $MSG B" \
	"messages ($ROUND_TRIPS round trips a slice), bulk $MIB MiB a slice in" \
	"$CHUNK B writes"

# enough TABLE_ARGS...: 0 once the table's targets are precise (says so),
# 1 while not, 2 past the time cap since $start (says so).
enough() {
	if /usr/bin/python3 tools/bench/table.py "$@" --precision "$PRECISION" --quiet; then
		echo "precision reached: every target ratio within +-$PRECISION"
		return 0
	fi
	[ $((SECONDS - start)) -lt "$BENCH_MAX_S" ] && return 1
	echo "time cap hit: $BENCH_MAX_S s; the intervals below are wider than +-$PRECISION"
	return 2
}

inproc=(none floor-net/floor-net dp-net/floor-net floor-all/floor-all
	dp-all/floor-all)
targets=(--target dp-net --target dp-all)
compare=()
if [ -n "${BENCH_COMPARE_OBJS:-}" ]; then
	compare=("dp-compare=$BENCH_COMPARE_OBJS")
	inproc+=(dp-compare/floor-all)
	targets+=(--target dp-compare)
fi
inproc+=("${targets[@]}")
echo "in one process: blocks of $CYCLES cycles of none, floor-net, dp-net," \
	"floor-all, dp-all${compare:+, dp-compare}"
start=$SECONDS
for ((block = 0; ; block++)); do
	loads "$CYCLES" none "floor-net=$OUT/floor_net.bpf.o" \
		"dp-net=.output/net.bpf.o" "floor-all=$floors" "dp-all=$groups" \
		"${compare[@]}" |
		awk -v b="$block" '{print $1, $2, $3, b * 100000 + $4}' >> "$ab"
	echo "  block $((block + 1)) done ($((SECONDS - start)) s)"
	enough "$ab" "${inproc[@]}" && break || [ $? -eq 1 ] || break
done
/usr/bin/python3 tools/bench/table.py "$ab" "${inproc[@]}" --precision "$PRECISION" || true

configs=("${rows[@]%%/*}")
echo
echo "a process per config: at least $MIN_ROUNDS rounds x ${#configs[@]}" \
	"configs, 10 slices per load each"
start=$SECONDS
for ((r = 1; ; r++)); do
	# shuffled every round, as in run.sh: a fixed order biases neighbours
	bench_shuffle "$r" "${!configs[@]}"
	for i in "${bench_order[@]}"; do
		available "${configs[$i]}" &&
			measure "${configs[$i]}" $((r * 100 + i)) || true
	done
	echo "  round $r done ($((SECONDS - start)) s)"
	[ "$r" -ge "$MIN_ROUNDS" ] || continue
	enough "$results" "${rows[@]}" --target driftprobe && break || [ $? -eq 1 ] || break
done
/usr/bin/python3 tools/bench/table.py "$results" "${rows[@]}" --target driftprobe \
	--precision "$PRECISION" || true
