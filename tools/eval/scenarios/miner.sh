# shellcheck shell=bash
# miner: the batch workload; then, from inside its cgroup, a miner-like
# CPU hog (tools/eval/workloads/miner.py, renamed kdevtmpfsi) that opens a
# new connection to its pool (:3333 in the peer namespace) every second.
. "$EVAL_DIR/workloads/batch.sh"
SC_IDX=3
SC_DESC="batch job with 4 phases; attack: 2 hashing processes (kdevtmpfsi) + a new connection per share to a pool"
SC_TOOLS="gzip sha256sum sort python3 socat"
SC_ATTACKER="kdevtmpfsi miner.py"

sc_attack_setup() {
	peer_spawn socat -u TCP-LISTEN:3333,fork,reuseaddr OPEN:/dev/null
}
sc_attack() { cg_spawn "$PY" "$EVAL_DIR/workloads/miner.py" "$PEER_IP" 3333 "$1"; }
