# shellcheck shell=bash
# bruteforce: the sshd workload; then a password brute-force from the peer
# namespace (sshpass + ssh, four guessers in parallel, common user names
# and passwords), every attempt a new connection that fails authentication.
# The attacker is remote: what the judged cgroup shows is sshd answering.
. "$EVAL_DIR/workloads/sshd.sh"
SC_IDX=7
SC_DESC="sshd with key logins in 3 modes; attack: remote password brute-force (sshpass + ssh, 4 in parallel)"
SC_TOOLS="sshd ssh sshpass"
SC_ATTACKER="sshd"


bruteforce_guesser() {
	local end=$1 user=$2 i=0 pw
	for pw in 123456 password admin root toor qwerty letmein changeme \
		welcome 111111 abc123 passw0rd dragon master monkey 12345678 \
		secret test guest default oracle ubuntu pi raspberry; do
		within "$end" 100 "$i" || break
		sshpass -p "$pw" ssh $SSH_OPTS -o PubkeyAuthentication=no \
			-o PreferredAuthentications=password -o NumberOfPasswordPrompts=1 \
			"$user@$HOST_IP" true > /dev/null 2>&1
		i=$((i + 1))
	done
}
sc_attack() {
	local u
	for u in root admin test oracle; do peer_fn bruteforce_guesser "$1" "$u"; done
}
