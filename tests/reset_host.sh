#!/bin/sh
# Put the machine back into a fresh machine's state, as far as driftprobe's
# tests and benchmarks touch it, so that a test run cannot pass because an
# earlier one left something behind. .ci/run calls it before `make test`.
#
# Only what this project makes is touched: every test resource is named
# dp* (cgroups, network namespaces, veth links, temp directories).
#   - driftprobe, the test drivers/load generators and the servers they
#     started (Prometheus, Alertmanager, a webhook receiver) still
#     running: killed;
#   - tracefs and debugfs: unmounted (a fresh machine has neither);
#   - network namespaces dp* and veth links dp*: deleted;
#   - cgroups dp* (v2 and every v1 hierarchy): emptied and removed;
#   - pinned BPF objects under /sys/fs/bpf/dp*: removed;
#   - temp files /tmp/dp*, /var/tmp/dp*: removed.
# Prints one line per kind of leftover it removed; exits 0.
set -u

say() { echo "reset_host: $*"; }

# Processes first: they hold cgroups, namespaces and mounts.
# The servers the ecosystem tests start (Prometheus, Alertmanager, the
# webhook receiver) are found by their temp directories.
procs=$(pgrep -x 'driftprobe|netload|tcp_loop|hold|getppid_loop' 2>/dev/null;
	pgrep -f '(^|/)itest_[a-z_]+' 2>/dev/null;
	pgrep -f '(prometheus|alertmanager|python3) .*/tmp/dp' 2>/dev/null)
if [ -n "$procs" ]; then
	say "killing leftover processes: $(echo $procs)"
	kill -9 $procs 2>/dev/null
	sleep 0.5
fi

for m in /sys/kernel/debug/tracing /sys/kernel/tracing /sys/kernel/debug; do
	if grep -q " $m " /proc/self/mounts; then
		say "unmounting $m"
		umount -l "$m" 2>/dev/null || say "cannot unmount $m"
	fi
done

for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^dp/ { print $1 }'); do
	say "deleting network namespace $ns"
	ip netns del "$ns" 2>/dev/null
done
for link in $(ip -o link show 2>/dev/null |
	awk -F': ' '$2 ~ /^dp/ { sub(/@.*/, "", $2); print $2 }'); do
	say "deleting link $link"
	ip link del "$link" 2>/dev/null
done

# Deepest first; a cgroup's processes go to the root before rmdir.
for root in $(awk '$3 == "cgroup2" || $3 == "cgroup" { print $2 }' /proc/self/mounts); do
	find "$root" -mindepth 1 -maxdepth 1 -type d -name 'dp*' 2>/dev/null |
	while read -r top; do
		say "removing cgroup $top"
		find "$top" -depth -type d | while read -r cg; do
			for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do
				kill -9 "$p" 2>/dev/null
			done
			rmdir "$cg" 2>/dev/null ||
				{ sleep 0.2; rmdir "$cg" 2>/dev/null; } ||
				say "cannot remove cgroup $cg"
		done
	done
done

if ls -d /sys/fs/bpf/dp* >/dev/null 2>&1; then
	say "removing pinned BPF objects /sys/fs/bpf/dp*"
	rm -rf /sys/fs/bpf/dp*
fi

# Never the checkout this script runs from, wherever it was cloned.
here=$(cd "$(dirname "$0")/.." && pwd -P)
for t in /tmp/dp* /var/tmp/dp*; do
	[ -e "$t" ] || continue
	case "$here/" in "$(realpath "$t")"/*) continue ;; esac
	say "removing temp file $t"
	rm -rf "$t"
done
exit 0
