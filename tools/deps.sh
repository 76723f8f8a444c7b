#!/bin/sh
# Install the Debian packages driftprobe's build, run and tests need.
# Idempotent: does nothing (no apt-get at all) when everything is present.
set -eu

PKGS="clang llvm make gcc pkg-config bpftool libbpf-dev libelf-dev zlib1g-dev
libjson-c-dev libcmocka-dev linux-libc-dev python3 python3-numpy python3-scipy
python3-sklearn python3-yaml valgrind stress-ng iproute2 libmicrohttpd-dev
libinih-dev prometheus prometheus-alertmanager man-db groff-base curl
libyaml-dev libcrypt-dev libgnutls28-dev openssl"
# `make bench` also measures the peers users would run instead.
[ "${1:-}" = bench ] && PKGS="$PKGS bpftrace libbpf-tools"
# `make eval-record` attacks with real tools (sshd is the brute-forced service).
[ "${1:-}" = eval ] && PKGS="$PKGS openssh-server nmap socat sshpass"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing; run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
