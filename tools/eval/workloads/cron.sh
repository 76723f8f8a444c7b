# shellcheck shell=bash
# Normal workload "cron": short jobs as a scheduler starts them, in the
# scenario's cgroup, in modes of 4-8 s: frequent (one small job a second:
# date, uptime, df), hourly (a burst of several housekeeping jobs: ps,
# du, a log rotated with gzip), idle.

cron_step() {
	local d="$WORK/cron"
	case $1 in
	0) date >> "$d/log"; uptime >> "$d/log"; df -h / > /dev/null; sleep 1 ;;
	1) ps -e > /dev/null; du -s /usr/share/doc > /dev/null 2>&1
	   seq 1 5000 >> "$d/log"; gzip -c "$d/log" > "$d/log.1.gz"
	   : > "$d/log"; sleep 2 ;;
	2) sleep 1 ;;
	esac
}

sc_setup() { mkdir -p "$WORK/cron"; }
sc_normal() { cg_fn run_modes "$1" 5000 29 3 cron_step; }
