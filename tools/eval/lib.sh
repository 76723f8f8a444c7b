# shellcheck shell=bash
# Helpers shared by the benchmark's scenario recordings (tools/eval/record.sh).
# Everything made here is named dp*: cgroups dp_eval_<scenario>[_peer] under
# the cgroup2 mount, network namespaces dpev_<scenario>, veth links
# dpev<N>h/dpev<N>n; dpev_cleanup removes them all on every path.

CGROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
PY=/usr/bin/python3

say() { printf 'eval-record: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
now() { echo "$EPOCHREALTIME"; }

# dpev_cgroup NAME: create $CGROOT/NAME (fresh) and print its path.
dpev_cgroup() {
	local cg="$CGROOT/$1"
	[ -d "$cg" ] && dpev_cgroup_rm "$cg"
	mkdir "$cg" || die "cannot create cgroup $cg"
	echo "$cg"
}

# dpev_cgroup_rm PATH: kill what runs in it (all started by this script),
# then remove it.
dpev_cgroup_rm() {
	[ -d "$1" ] || return 0
	echo 1 > "$1/cgroup.kill" 2>/dev/null
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		rmdir "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	say "cannot remove cgroup $1"
}

# dpev_netns NAME IDX: namespace NAME joined to the host by a veth pair;
# host side 10.231.IDX.1, namespace side 10.231.IDX.2 (PEER_IP).
dpev_netns() {
	NETNS=$1
	HOST_IP=10.231.$2.1
	PEER_IP=10.231.$2.2
	VETH_H=dpev$2h
	ip netns del "$NETNS" 2>/dev/null
	ip link del "$VETH_H" 2>/dev/null
	ip netns add "$NETNS" || die "cannot create netns $NETNS"
	ip link add "$VETH_H" type veth peer name "dpev$2n" ||
		die "cannot create veth $VETH_H"
	ip link set "dpev$2n" netns "$NETNS"
	ip addr add "$HOST_IP/24" dev "$VETH_H"
	ip link set "$VETH_H" up
	ip -n "$NETNS" addr add "$PEER_IP/24" dev "dpev$2n"
	ip -n "$NETNS" link set "dpev$2n" up
	ip -n "$NETNS" link set lo up
}

# Bounded sleep until an absolute time (seconds since the epoch).
sleep_until() {
	local d
	d=$(awk -v t="$1" -v n="$(now)" 'BEGIN { d = t - n; print (d > 0 ? d : 0) }')
	sleep "$d"
}

# Remove everything this run made. Called from the EXIT trap.
dpev_cleanup() {
	[ -n "${REC_PID:-}" ] && kill "$REC_PID" 2>/dev/null && wait "$REC_PID" 2>/dev/null
	declare -F sc_cleanup > /dev/null && sc_cleanup
	[ -n "${CG:-}" ] && dpev_cgroup_rm "$CG"
	[ -n "${CG_PEER:-}" ] && dpev_cgroup_rm "$CG_PEER"
	[ -n "${NETNS:-}" ] && ip netns del "$NETNS" 2>/dev/null
	[ -n "${VETH_H:-}" ] && ip link del "$VETH_H" 2>/dev/null
	[ -n "${WORK:-}" ] && rm -rf "$WORK"
	return 0
}

# A loop guard without forks (the workloads' own processes are what is
# measured): true while fewer than $2 iterations ran and before epoch second $1.
# Usage: i=0; while within "$END" 1000 "$i"; do ...; i=$((i+1)); done
within() { [ "$3" -lt "$2" ] && [ "$EPOCHSECONDS" -lt "$1" ]; }

# cg_spawn CMD...: run CMD in the background in the scenario's cgroup.
cg_spawn() {
	( echo "$BASHPID" > "$CG/cgroup.procs" && exec "$@" ) &
	disown $!
}

# peer_spawn CMD...: run CMD in the background in the peer namespace, in
# the peer's own cgroup (not the one judged).
peer_spawn() {
	( echo "$BASHPID" > "$CG_PEER/cgroup.procs" &&
	  exec ip netns exec "$NETNS" "$@" ) &
	disown $!
}

# cg_fn / peer_fn FUNCTION ARGS...: a scenario's shell function, run by a
# fresh bash (tools/eval/run_fn.sh) in the background, in the cgroup or the
# peer namespace.
cg_fn() { cg_spawn bash "$EVAL_DIR/run_fn.sh" "$SCENARIO" "$@"; }
peer_fn() { peer_spawn bash "$EVAL_DIR/run_fn.sh" "$SCENARIO" "$@"; }

# run_modes END MAX SEED NMODES STEP: the normal workloads' driver. Draws a
# mode 0..NMODES-1 (seeded, so every recording sees the same sequence) and
# calls `STEP MODE I` for 4-8 s, again and again until epoch second END or
# MAX steps in all.
run_modes() {
	local end=$1 max=$2 n=$4 step=$5 i=0 mode t
	RANDOM=$3
	while within "$end" "$max" "$i"; do
		mode=$((RANDOM % n))
		t=$((EPOCHSECONDS + 4 + RANDOM % 5))
		while [ "$EPOCHSECONDS" -lt "$t" ] && within "$end" "$max" "$i"; do
			"$step" "$mode" "$i"
			i=$((i + 1))
		done
	done
}
