#!/bin/sh
# Checks of what driftprobe ships besides the binary, run by `make test`
# from the repository root (root needed for the config smoke run, which
# attaches the probe for a fraction of a second):
#   - alert rules: promtool check rules, and promtool test rules (each
#     alert fires when it should, with its labels and annotations); each
#     runbook_url names a section of contrib/RUNBOOK.md, which has one per
#     feature family;
#   - the Alertmanager example: amtool check-config, severity routes;
#   - Grafana dashboard: unique ids and refIds, layout, data source;
#   - Kubernetes manifests: parse, least privilege, mounts, config keys;
#   - man page: renders without a single warning, and names every long
#     option that each command's --help lists;
#   - systemd unit: systemd-analyze verify says nothing, and its
#     capability bounding set is enough to run the probe (and needed);
#   - make install into a DESTDIR: files, modes, a config that is kept on
#     reinstall, a unit pointing at the installed binary; make uninstall;
#   - the shipped config: run accepts it (command line overriding it);
#   - make CFLAGS=... on the command line keeps the build's own flags.
# Any failure prints what and exits non-zero.
set -eu

DP=${DRIFTPROBE:-./driftprobe}
tmp=$(mktemp -d /tmp/dpeco-eco.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
ok() {
	echo "ok: $*"
}

# ---- alert rules -----------------------------------------------------------
if promtool check rules contrib/prometheus/alerts.yml >"$tmp/out" 2>&1; then
	ok "promtool check rules contrib/prometheus/alerts.yml"
else
	fail "promtool check rules: $(cat "$tmp/out")"
fi
if promtool test rules contrib/prometheus/alerts_test.yml >"$tmp/out" 2>&1; then
	ok "promtool test rules contrib/prometheus/alerts_test.yml"
else
	fail "promtool test rules: $(cat "$tmp/out")"
fi

# Every runbook_url of the rules, with each anchor the incident rule can
# make (a feature family), names a section of contrib/RUNBOOK.md.
if python3 - contrib/prometheus/alerts.yml contrib/RUNBOOK.md >"$tmp/out" 2>&1 <<'PY'
import re, sys
rules, runbook = open(sys.argv[1]).read(), open(sys.argv[2]).read()
ids = set(re.findall(r'<a id="([a-z-]+)"></a>', runbook))
urls = re.findall(r"runbook_url: '([^']*)'", rules)
assert len(urls) == 5, urls
for u in urls:
    assert u.startswith("file:///usr/local/share/driftprobe/RUNBOOK.md#"), u
    a = u.split("#", 1)[1]
    if "{{" not in a:
        assert a in ids, ("no runbook section", a)
for fam in ["syscall", "net", "tcp", "proc", "sched", "block", "incident"]:
    assert fam in ids, ("no runbook section for", fam)
PY
then
	ok "every runbook_url of alerts.yml names a section of contrib/RUNBOOK.md"
else
	fail "runbook links: $(cat "$tmp/out")"
fi
# Each feature family driftprobe has gets a runbook section.
for fam in $($DP features | sed -n 's/^\([a-z]*\)\.[a-z_]* .*/\1/p' | sort -u); do
	grep -q "<a id=\"$fam\"></a>" contrib/RUNBOOK.md ||
		fail "contrib/RUNBOOK.md has no section for the $fam features"
done
ok "contrib/RUNBOOK.md has a section per feature family"

# ---- Alertmanager example: valid, and routes each severity ----------------
am=contrib/alertmanager/alertmanager.yml
if amtool check-config "$am" >"$tmp/out" 2>&1; then
	ok "amtool check-config $am"
else
	fail "amtool check-config: $(cat "$tmp/out")"
fi
for route in critical:driftprobe-page warning:driftprobe-ticket \
	info:driftprobe-chat none:driftprobe-default; do
	got=$(amtool config routes test --config.file="$am" \
		alertname=DriftprobeIncident severity="${route%%:*}" 2>/dev/null)
	[ "$got" = "${route#*:}" ] ||
		fail "$am routes severity=${route%%:*} to '$got', want ${route#*:}"
done
ok "$am routes critical, warning and info apart"

# ---- Grafana dashboard (its queries run against a real Prometheus in
# tests/integration/test_prometheus.c; here: what Grafana itself needs,
# the panels people use, and every metric name it or the alert rules
# query is a family driftprobe exports (a name src/output/metrics.c
# writes) and documents (driftprobe.8); test_prometheus.c checks them
# against a live scrape) ----
if python3 - contrib/grafana/driftprobe.json contrib/prometheus/alerts.yml \
	src/output/metrics.c driftprobe.8 >"$tmp/out" 2>&1 <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
assert d.get("uid") and d.get("title"), "uid and title"
names = {v["name"] for v in d["templating"]["list"]}
assert {"datasource", "instance", "feature", "workload"} <= names, names
panels = d["panels"]
ids = [p["id"] for p in panels]
assert len(ids) == len(set(ids)), "duplicate panel ids"
exprs = [v["definition"] for v in d["templating"]["list"] if "definition" in v]
for p in panels:
    g = p["gridPos"]
    assert 0 <= g["x"] and g["x"] + g["w"] <= 24, ("gridPos", p["title"])
    if p["type"] == "row":
        continue
    assert p["datasource"]["uid"] == "${datasource}", p["title"]
    refs = [t["refId"] for t in p["targets"]]
    assert refs and len(refs) == len(set(refs)), ("refIds", p["title"])
    assert all(t["expr"].strip() for t in p["targets"]), p["title"]
    exprs += [t["expr"] for t in p["targets"]]
# The panels of issue 22: incidents, top features, latency percentiles,
# sample counts with the MI interval.
every = "\n".join(exprs)
for need in ["driftprobe_incident_active", "driftprobe_feature_max_score",
             "driftprobe_workload_score_ratio", 'quantile="0.5"',
             'quantile="0.99"', "driftprobe_window_events",
             'estimate="ci_low"', 'estimate="ci_high"', "topk("]:
    assert need in every, ("no panel queries", need)
exprs += re.findall(r"expr: (.*)", open(sys.argv[2]).read())
used = set(re.findall(r"\b(driftprobe_[a-z_]+)", "\n".join(exprs)))
# A family's name (without the prefix) is a string of the exporter's.
exporter = open(sys.argv[3]).read()
missing = sorted(n for n in used if '"%s"' % n[len("driftprobe_"):]
                 not in exporter)
assert not missing, ("queried but not exported by metrics.c", missing)
man = open(sys.argv[4]).read()
undocumented = sorted(n for n in used
                      if not re.search(r"^\.BR? .*\b%s\b" % n, man, re.M))
assert not undocumented, ("queried but not in driftprobe.8", undocumented)
print(len(used), "metric names queried")
PY
then
	ok "contrib/grafana/driftprobe.json is a well-formed dashboard; $(cat "$tmp/out")"
else
	fail "grafana dashboard: $(cat "$tmp/out")"
fi

# ---- Kubernetes manifests: they parse, the DaemonSet keeps least
# privilege (not privileged, all capabilities dropped but BPF, PERFMON,
# SYS_RESOURCE, read-only root), mounts what the probe reads and keeps,
# and its config's keys are options of `run` ----
$DP run --help >"$tmp/run-help"
if python3 - contrib/kubernetes/daemonset.yaml contrib/kubernetes/configmap.yaml \
	"$tmp/run-help" >"$tmp/out" 2>&1 <<'PY'
import re, sys, yaml
docs = [d for f in sys.argv[1:3] for d in yaml.safe_load_all(open(f))]
kinds = {d["kind"]: d for d in docs}
assert {"DaemonSet", "ConfigMap", "Secret", "ServiceAccount"} <= set(kinds), kinds
spec = kinds["DaemonSet"]["spec"]["template"]["spec"]
(c,) = spec["containers"]
sc = c["securityContext"]
assert sc.get("privileged") is False, "privileged"
assert sc.get("allowPrivilegeEscalation") is False
assert sc.get("readOnlyRootFilesystem") is True
assert sc["capabilities"]["drop"] == ["ALL"], sc["capabilities"]
assert sorted(sc["capabilities"]["add"]) == ["BPF", "PERFMON", "SYS_RESOURCE"], sc
mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
for path in ["/sys/fs/cgroup", "/sys/kernel/btf", "/sys/kernel/tracing",
             "/host/var/log/pods", "/host/var/log/containers",
             "/host/var/lib/docker/containers"]:
    assert mounts[path].get("readOnly") is True, path
volumes = {v["name"]: v for v in spec["volumes"]}
assert volumes[mounts["/var/lib/driftprobe"]["name"]]["hostPath"]
assert volumes[mounts["/etc/driftprobe/driftprobe.conf"]["name"]]["configMap"]
assert volumes[mounts["/etc/driftprobe/web"]["name"]]["secret"]
conf = kinds["ConfigMap"]["data"]["driftprobe.conf"]
options = set(re.findall(r"--([a-z][a-z-]*)", open(sys.argv[3]).read()))
for line in conf.splitlines():
    line = line.strip()
    if line and not line.startswith("#"):
        key = line.split("=", 1)[0].strip()
        assert key in options, ("config key is not an option of run", key)
assert "--config" in c["args"] and "/etc/driftprobe/driftprobe.conf" in c["args"]
PY
then
	ok "contrib/kubernetes: manifests parse, least privilege, mounts, config keys"
else
	fail "kubernetes manifests: $(cat "$tmp/out")"
fi

# ---- man page ----------------------------------------------------------------
warnings=$(MANWIDTH=80 man --warnings -l driftprobe.8 2>&1 >/dev/null)
[ -z "$warnings" ] && ok "man --warnings -l driftprobe.8: no warnings" ||
	fail "man warnings: $warnings"
warnings=$(groff -man -ww -z driftprobe.8 2>&1)
[ -z "$warnings" ] && ok "groff -ww: no warnings" || fail "groff: $warnings"

for cmd in features record "baseline build" analyze mi run show mute; do
	# shellcheck disable=SC2086 # cmd is two words for baseline build
	for opt in $($DP $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		man_opt=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
		grep -q -- "$man_opt" driftprobe.8 ||
			fail "driftprobe.8 does not document '$cmd $opt'"
	done
done
ok "driftprobe.8 names every option of every command"
for code in 0 1 2; do
	grep -q "^\.B $code\$" driftprobe.8 || fail "driftprobe.8: exit status $code"
done

# ---- systemd unit ------------------------------------------------------------
sed "s|@SBINDIR@|$(cd "$(dirname "$DP")" && pwd)|" \
	contrib/systemd/driftprobe.service.in >"$tmp/driftprobe.service"
out=$(systemd-analyze verify --man=no "$tmp/driftprobe.service" 2>&1) &&
	[ -z "$out" ] && ok "systemd-analyze verify driftprobe.service" ||
	fail "systemd-analyze verify: $out"

# The unit's CapabilityBoundingSet is enough to load and attach the probe
# with either hook kind (setpriv applies it as systemd would), and the
# probe fails without CAP_BPF.
caps=$(sed -n 's/^CapabilityBoundingSet=//p' contrib/systemd/driftprobe.service.in |
	tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
# Each run is in a private mount namespace that starts without tracefs, as
# a fresh machine does; "unit" mounts it first, as the unit's
# Wants=sys-kernel-tracing.mount has systemd do.
grep -qx 'Wants=sys-kernel-tracing.mount' contrib/systemd/driftprobe.service.in &&
	grep -qx 'After=sys-kernel-tracing.mount' contrib/systemd/driftprobe.service.in ||
	fail "the unit does not want and order itself after sys-kernel-tracing.mount"
fresh_mounts() {	# tracefs: unit | none, then the command
	want=$1
	shift
	unshare -m sh -c 'mount --make-rprivate / &&
		for m in /sys/kernel/debug/tracing /sys/kernel/debug \
			/sys/kernel/tracing; do umount -l $m 2>/dev/null; done
		[ ! -e /sys/kernel/tracing/events ] || exit 126
		if [ "$0" = unit ]; then
			mount -t tracefs nodev /sys/kernel/tracing || exit 126
		fi
		exec "$@"' "$want" "$@"
}
for hooks in tp_btf tracepoint; do
	if fresh_mounts unit setpriv --bounding-set=-all,"$caps" $DP run \
		--hooks $hooks --interval 0.2 --learn 0.4 --duration 0.6 \
		>"$tmp/out" 2>&1; then
		ok "the unit's capabilities ($caps) suffice for $hooks hooks"
	else
		fail "with the unit's capabilities ($caps), $hooks: $(cat "$tmp/out")"
	fi
done
# Without tracefs: root mounts it itself; the unit's capabilities cannot,
# and the one error line says what to run.
if fresh_mounts none $DP run --hooks tracepoint --interval 0.2 --learn 0.4 \
	--duration 0.6 >"$tmp/out" 2>&1 &&
	grep -q '^probe: mounted tracefs at /sys/kernel/tracing' "$tmp/out"; then
	ok "as root without tracefs, the tracepoint flavour mounts it"
else
	fail "root without tracefs: $(cat "$tmp/out")"
fi
if fresh_mounts none setpriv --bounding-set=-all,"$caps" $DP run \
	--hooks tracepoint --interval 0.2 --learn 0.4 --duration 0.6 \
	>"$tmp/out" 2>&1; then
	fail "the tracepoint flavour ran without tracefs and CAP_SYS_ADMIN"
elif grep -q 'mount -t tracefs nodev /sys/kernel/tracing' "$tmp/out"; then
	ok "without tracefs and CAP_SYS_ADMIN, the error says what to run"
else
	fail "unit caps without tracefs, unclear error: $(cat "$tmp/out")"
fi
if setpriv --bounding-set=-all,"$(echo "$caps" | sed 's/+bpf,\{0,1\}//')" \
	$DP run --interval 0.2 --learn 0.4 --duration 0.6 >"$tmp/out" 2>&1; then
	fail "the probe ran without CAP_BPF; the capability check proves nothing"
fi

# ---- make install / uninstall ------------------------------------------------
dest="$tmp/dest"
make --no-print-directory -s install DESTDIR="$dest" PREFIX=/usr/local \
	>"$tmp/out" 2>&1 || fail "make install: $(cat "$tmp/out")"
check_file() {		# path mode
	if [ ! -f "$dest$1" ]; then
		fail "make install: $1 missing"
	elif [ "$(stat -c %a "$dest$1")" != "$2" ]; then
		fail "make install: $1 has mode $(stat -c %a "$dest$1"), want $2"
	fi
}
check_file /usr/local/sbin/driftprobe 755
check_file /usr/local/share/man/man8/driftprobe.8 644
check_file /usr/local/lib/systemd/system/driftprobe.service 644
check_file /usr/local/share/driftprobe/alerts.yml 644
check_file /usr/local/share/driftprobe/driftprobe.json 644
check_file /usr/local/share/driftprobe/RUNBOOK.md 644
check_file /usr/local/share/driftprobe/alertmanager.yml 644
grep -q "runbook_url: 'file:///usr/local/share/driftprobe/RUNBOOK.md#" \
	"$dest/usr/local/share/driftprobe/alerts.yml" ||
	fail "installed alerts.yml does not link the installed runbook"
check_file /etc/driftprobe/driftprobe.conf 600
[ "$(stat -c %a "$dest/var/lib/driftprobe")" = 700 ] ||
	fail "make install: /var/lib/driftprobe not a 0700 directory"
grep -qx 'ExecStart=/usr/local/sbin/driftprobe run --config /etc/driftprobe/driftprobe.conf' \
	"$dest/usr/local/lib/systemd/system/driftprobe.service" ||
	fail "installed unit does not start /usr/local/sbin/driftprobe"
"$dest/usr/local/sbin/driftprobe" --version | grep -q '^driftprobe ' ||
	fail "installed binary does not run"
[ -z "$(MANWIDTH=80 man --warnings -l "$dest/usr/local/share/man/man8/driftprobe.8" 2>&1 >/dev/null)" ] ||
	fail "installed man page renders with warnings"
echo "# edited" >>"$dest/etc/driftprobe/driftprobe.conf"
make --no-print-directory -s install DESTDIR="$dest" >/dev/null 2>&1 ||
	fail "second make install"
grep -q '^# edited' "$dest/etc/driftprobe/driftprobe.conf" ||
	fail "make install overwrote an existing config"
make --no-print-directory -s uninstall DESTDIR="$dest" >/dev/null 2>&1 ||
	fail "make uninstall"
[ ! -e "$dest/usr/local/sbin/driftprobe" ] ||
	fail "make uninstall left the binary"
[ -f "$dest/etc/driftprobe/driftprobe.conf" ] ||
	fail "make uninstall removed the config"
ok "make install / uninstall into DESTDIR"

# ---- the shipped config --------------------------------------------------------
# Its persist-baseline: the first run learns and saves (0600), the second
# loads and does not learn. The command line overrides path and timings.
cp contrib/driftprobe.conf "$tmp/driftprobe.conf"
chmod 600 "$tmp/driftprobe.conf"
run_shipped() {
	$DP run --config "$tmp/driftprobe.conf" --interval 0.2 --learn 0.4 \
		--duration 0.6 --listen 127.0.0.1:0 \
		--persist-baseline "$tmp/b.json" >"$tmp/out" 2>&1
}
if run_shipped && grep -q "baseline saved to $tmp/b.json" "$tmp/out" &&
	[ "$(stat -c %a "$tmp/b.json")" = 600 ]; then
	ok "run accepts contrib/driftprobe.conf and saves its baseline"
else
	fail "run --config contrib/driftprobe.conf: $(cat "$tmp/out")"
fi
if run_shipped && ! grep -q "learning baseline" "$tmp/out" &&
	grep -q "features checked" "$tmp/out"; then
	ok "a second start loads the persisted baseline instead of learning"
else
	fail "second start with persist-baseline: $(cat "$tmp/out")"
fi
# The command line's --baseline replaces the file's persist-baseline
# (where the baseline comes from is one choice), rather than clash with it.
if $DP run --config "$tmp/driftprobe.conf" --baseline "$tmp/b.json" \
	--interval 0.2 --duration 0.6 --listen 127.0.0.1:0 >"$tmp/out" 2>&1 &&
	! grep -q "learning baseline" "$tmp/out" &&
	grep -q "features checked" "$tmp/out"; then
	ok "--baseline on the command line overrides the file's persist-baseline"
else
	fail "--baseline with the shipped config: $(cat "$tmp/out")"
fi

# ---- build ---------------------------------------------------------------
# A CFLAGS of the caller's (make CFLAGS=-O0) adds to the flags the build
# needs, it does not replace them.
if make -n -B CFLAGS=-O0 .output/src/cmd/cli.o 2>/dev/null |
	grep -q -- '-O0 .*-Iinclude .* -c src/cmd/cli.c'; then
	ok "make CFLAGS=-O0 keeps -Iinclude"
else
	fail "make CFLAGS=-O0 drops the build's own flags"
fi

[ "$fails" -eq 0 ] || { echo "ecosystem: $fails check(s) failed" >&2; exit 1; }
