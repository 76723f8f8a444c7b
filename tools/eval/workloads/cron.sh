# shellcheck shell=bash
# Normal workload "cron": short jobs as a scheduler starts them, in the
# scenario's cgroup, in modes of 4-8 s: frequent (one small job a second:
# date, uptime, df), hourly (a burst of several housekeeping jobs: ps,
# du, a log rotated with gzip), idle.

cron_jobs() {
	local end=$1 i=0 mode t d="$WORK/cron"
	mkdir -p "$d"
	RANDOM=29
	while within "$end" 5000 "$i"; do
		mode=$((RANDOM % 3))
		t=$((EPOCHSECONDS + 4 + RANDOM % 5))
		while [ "$EPOCHSECONDS" -lt "$t" ] && within "$end" 5000 "$i"; do
			case $mode in
			0) date >> "$d/log"; uptime >> "$d/log"; df -h / > /dev/null; sleep 1 ;;
			1) ps -e > /dev/null; du -s /usr/share/doc > /dev/null 2>&1
			   seq 1 5000 >> "$d/log"; gzip -c "$d/log" > "$d/log.1.gz"
			   : > "$d/log"; sleep 2 ;;
			2) sleep 1 ;;
			esac
			i=$((i + 1))
		done
	done
}

cron_normal() { cg_fn cron_jobs "$1"; }
