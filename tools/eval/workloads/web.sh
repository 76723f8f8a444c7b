# shellcheck shell=bash
# Normal workload "web": python3's http.server (with CGI) in the scenario's
# cgroup on the host side of the veth; clients in the peer namespace switch
# between four modes every 4-8 s: idle, browse (small pages), download
# (large files), dynamic (the CGI page app.py).

web_setup() {
	cp -r "$EVAL_DIR/workloads/www" "$WORK/www"
	local s
	for s in 1 4 16 64; do
		head -c $((s * 1024)) /dev/urandom | base64 > "$WORK/www/page$s.html"
	done
	head -c $((1024 * 1024)) /dev/urandom > "$WORK/www/big.bin"
	chmod -R a+rX "$WORK/www"
}

web_server() {
	cd "$WORK/www" && exec "$PY" -m http.server --cgi --bind "$HOST_IP" 8080 \
		>> "$WORK/web.log" 2>&1
}

web_get() { curl -s -o /dev/null --max-time 3 "http://$HOST_IP:8080/$1"; }

web_step() {
	local p
	case $1 in
	0) web_get ""; sleep 1 ;;
	1) for p in 1 4 16 4 1; do web_get "page$p.html"; done; sleep 0.3 ;;
	2) web_get big.bin; sleep 0.5 ;;
	3) web_get "cgi-bin/app.py?n=$((2000 + RANDOM % 8000))"; sleep 0.3 ;;
	esac
}

# The clients run in the peer namespace until epoch second $1 (at most
# 20,000 steps).
sc_setup() { web_setup; }
sc_normal() {
	cg_fn web_server
	sleep 0.5
	peer_fn run_modes "$1" 20000 19 4 web_step
}
