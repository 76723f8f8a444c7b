# shellcheck shell=bash
# portscan: the cron workload; then nmap, run from inside its cgroup, scans
# a host of the peer namespace (three services listen there): nmap's
# default scan as root (TCP SYN) of the top 1,000 ports, then a TCP connect
# scan of ports 1-2000 with service detection on what is open.
. "$EVAL_DIR/workloads/cron.sh"
SC_IDX=5
SC_DESC="cron-like short jobs in 3 modes; attack: nmap SYN scan (top 1000) then connect scan -sT -sV 1-2000 of a peer host"
SC_TOOLS="date uptime df ps du gzip nmap socat"
SC_ATTACKER="nmap"

sc_attack_setup() {
	local p
	for p in 22 80 5432; do
		peer_spawn socat TCP-LISTEN:$p,fork,reuseaddr OPEN:/dev/null
	done
}
portscan_attacker() {
	timeout 6 nmap -n -Pn -T4 "$PEER_IP" > /dev/null 2>&1
	timeout 8 nmap -n -Pn -T4 -sT -sV -p 1-2000 "$PEER_IP" > /dev/null 2>&1
}
sc_attack() { cg_fn portscan_attacker; }
