# shellcheck shell=bash
# Normal workload "sshd": OpenSSH's sshd (its own config, port 2222 on the
# host side of the veth) in the scenario's cgroup; an operator in the peer
# namespace logs in with a key, in modes of 4-8 s: checks (uptime once a
# second), deploy (several commands per login), idle.

SSH_OPTS="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=3 -p 2222"

sc_setup() {
	[ -d /run/sshd ] || { mkdir -m 0755 /run/sshd && : > "$WORK/made_run_sshd"; }
	ssh-keygen -q -t ed25519 -N '' -f "$WORK/key" || die "ssh-keygen failed"
	cp "$WORK/key.pub" "$WORK/authorized_keys"
	cat > "$WORK/sshd_config" <<CFG
Port 2222
ListenAddress $HOST_IP
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile none
PermitRootLogin yes
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
AuthorizedKeysFile $WORK/authorized_keys
StrictModes no
UsePAM no
MaxStartups 100:30:200
LogLevel QUIET
CFG
	/usr/sbin/sshd -t -f "$WORK/sshd_config" || die "sshd config rejected"
}

sc_cleanup() { [ -e "$WORK/made_run_sshd" ] && rmdir /run/sshd; }

sshd_server() { exec /usr/sbin/sshd -D -e -f "$WORK/sshd_config" 2>> "$WORK/sshd.log"; }

sshd_step() {
	case $1 in
	0) ssh $SSH_OPTS -i "$WORK/key" "root@$HOST_IP" uptime > /dev/null; sleep 1 ;;
	1) ssh $SSH_OPTS -i "$WORK/key" "root@$HOST_IP" \
		'cat /proc/loadavg; ls /var/log; df -h /; ps -e | wc -l' > /dev/null
	   sleep 2 ;;
	2) sleep 1 ;;
	esac
}

# The operator logs in from the peer namespace until epoch second $1 (at
# most 2,000 steps).
sc_normal() {
	cg_fn sshd_server
	sleep 0.5
	peer_fn run_modes "$1" 2000 37 3 sshd_step
}
