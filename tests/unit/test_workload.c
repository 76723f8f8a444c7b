// SPDX-License-Identifier: MIT
/*
 * workload.c and workload_node.c: cgroup paths named the way systemd,
 * docker, containerd, cri-o, podman and the kubelet name them give the
 * workload every replica and restart shares; user rules come first;
 * names are looked up in a node tree made here (pod-log directories,
 * container-log links, docker configs); a window's histograms are
 * labelled and found again by workload.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "window.h"
#include "workload.h"
#include "workload_node.h"

#define ID1 "3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"
#define ID2 "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a3f1c2a9b8d7e6f5a4b3c2d1e0f"
#define UID1 "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
#define UID1_ "0a1b2c3d_4e5f_4a6b_8c7d_9e0f1a2b3c4d"
#define UID2 "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"

struct path_case {
	const char *path;
	enum workload_kind kind;
	const char *name;		/* the name, or the fallback */
	const char *uid, *id;		/* K8S / DOCKER */
};

static const struct path_case path_cases[] = {
	{ "/", WORKLOAD_PATH, "/", "", "" },
	{ "program:/usr/sbin/nginx", WORKLOAD_PATH, "program:/usr/sbin/nginx",
	  "", "" },
	{ "<root>", WORKLOAD_PATH, "<root>", "", "" },
	{ "/system.slice/nginx.service", WORKLOAD_PATH,
	  "/system.slice/nginx.service", "", "" },
	{ "/system.slice/system-getty.slice/getty@tty1.service", WORKLOAD_PATH,
	  "/system.slice/system-getty.slice/getty@tty1.service", "", "" },
	{ "/user.slice/user-1000.slice/session-3.scope", WORKLOAD_PATH,
	  "/user.slice/user-1000.slice/session-*.scope", "", "" },
	{ "/system.slice/run-u42.service", WORKLOAD_PATH,
	  "/system.slice/run-*.service", "", "" },
	{ "/system.slice/run-r3f2a9c0d1e2b4f5a6c7d8e9f0a1b2c3d.scope",
	  WORKLOAD_PATH, "/system.slice/run-*.scope", "", "" },
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice/"
	  "app-gnome-firefox-4242.scope", WORKLOAD_PATH,
	  "/user.slice/user-1000.slice/user@1000.service/app.slice/"
	  "app-gnome-firefox-*.scope", "", "" },
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice/"
	  "app-gnome-x@0f4c1a2b3c4d4e5f8a9b0c1d2e3f4a5b.service", WORKLOAD_PATH,
	  "/user.slice/user-1000.slice/user@1000.service/app.slice/"
	  "app-gnome-x@*.service", "", "" },
	{ "/snap.x.y-" UID1 ".scope", WORKLOAD_PATH, "/snap.x.y-*.scope", "",
	  "" },
	/* a service's own name is never cut: not a scope, not run- */
	{ "/system.slice/backup-20240101.service", WORKLOAD_PATH,
	  "/system.slice/backup-20240101.service", "", "" },
	{ "/system.slice/docker-" ID1 ".scope", WORKLOAD_DOCKER,
	  "docker:3f1c2a9b8d7e", "", ID1 },
	{ "/docker/" ID1, WORKLOAD_DOCKER, "docker:3f1c2a9b8d7e", "", ID1 },
	{ "/system.slice/cri-containerd-" ID1 ".scope", WORKLOAD_CONTAINER,
	  "containerd:3f1c2a9b8d7e", "", ID1 },
	{ "/machine.slice/libpod-" ID2 ".scope", WORKLOAD_CONTAINER,
	  "podman:9a8b7c6d5e4f", "", ID2 },
	{ "/system.slice/crio-" ID2 ".scope", WORKLOAD_CONTAINER,
	  "crio:9a8b7c6d5e4f", "", ID2 },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
	  UID1_ ".slice/cri-containerd-" ID1 ".scope", WORKLOAD_K8S,
	  "k8s:pod" UID1 "/3f1c2a9b8d7e", UID1, ID1 },
	{ "/kubepods.slice/kubepods-pod" UID1_ ".slice/crio-" ID2 ".scope",
	  WORKLOAD_K8S, "k8s:pod" UID1 "/9a8b7c6d5e4f", UID1, ID2 },
	{ "/kubepods/besteffort/pod" UID2 "/" ID1, WORKLOAD_K8S,
	  "k8s:pod" UID2 "/3f1c2a9b8d7e", UID2, ID1 },
	{ "/kubepods/pod" UID2, WORKLOAD_K8S, "k8s:pod" UID2, UID2, "" },
	/* not quite an id: 63 hex digits; not quite a pod: no UID */
	{ "/docker/" ID1 "x", WORKLOAD_PATH, "/docker/" ID1 "x", "", "" },
	{ "/kubepods/podnope", WORKLOAD_PATH, "/kubepods/podnope", "", "" },
};

static void classify__runtimes_and_units(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(path_cases) / sizeof(*path_cases); i++) {
		const struct path_case *c = &path_cases[i];
		struct workload_ref ref;

		workload__classify(NULL, c->path, &ref);
		if (ref.kind != c->kind || strcmp(ref.name, c->name) ||
		    strcmp(ref.pod_uid, c->uid) ||
		    strcmp(ref.container_id, c->id))
			fail_msg("%s: kind %d name %s uid %s id %s; expected "
				 "%d %s %s %s", c->path, ref.kind, ref.name,
				 ref.pod_uid, ref.container_id, c->kind,
				 c->name, c->uid, c->id);
	}
}

static void classify__user_rules_first_in_order(void **state)
{
	struct workload_rules r = { 0 };
	struct workload_ref ref;
	char err[256];

	(void)state;
	assert_int_equal(workload_rules__add(&r, "^/batch\\.slice/job-([a-z]+)"
					     "-[0-9]+\\.scope$ => batch:\\1",
					     err, sizeof(err)), 0);
	assert_int_equal(workload_rules__add(&r, "^/batch\\.slice/=>batch:other",
					     err, sizeof(err)), 0);
	assert_int_equal(workload_rules__add(&r, "docker-=>never", err,
					     sizeof(err)), 0);
	workload__classify(&r, "/batch.slice/job-nightly-1234.scope", &ref);
	assert_int_equal(ref.kind, WORKLOAD_USER);
	assert_string_equal(ref.name, "batch:nightly");
	workload__classify(&r, "/batch.slice/job-X-1.scope", &ref);
	assert_string_equal(ref.name, "batch:other");
	/* the user's rule wins over the built-in docker rule */
	workload__classify(&r, "/system.slice/docker-" ID1 ".scope", &ref);
	assert_int_equal(ref.kind, WORKLOAD_USER);
	assert_string_equal(ref.name, "never");
	/* the host and programs are never renamed, whatever matches */
	assert_int_equal(workload_rules__add(&r, ".* => all", err,
					     sizeof(err)), 0);
	workload__classify(&r, "/", &ref);
	assert_string_equal(ref.name, "/");
	workload__classify(&r, "program:/bin/sh", &ref);
	assert_string_equal(ref.name, "program:/bin/sh");
	workload_rules__free(&r);
	assert_int_equal(r.n, 0);
}

static void rules__bad_specs_say_what(void **state)
{
	static const struct {
		const char *spec, *says;
	} bad[] = {
		{ "^/a", "no '=>'" },
		{ " => x", "empty REGEX" },
		{ "^/a =>  ", "empty NAME" },
		{ "^/(a => x", "does not compile" },
		{ "^/(a) => \\2", "uses \\2 but REGEX has 1 group" },
		{ "^/a => program:/x", "program scope" },
	};
	struct workload_rules r = { 0 };
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		err[0] = '\0';
		assert_int_equal(workload_rules__add(&r, bad[i].spec, err,
						     sizeof(err)), -EINVAL);
		if (!strstr(err, bad[i].says) || !strstr(err, "expected"))
			fail_msg("'%s': got '%s'", bad[i].spec, err);
	}
	assert_int_equal(r.n, 0);
	workload_rules__free(&r);
}

static void pod_workload__controllers_suffixes(void **state)
{
	static const char *const cases[][2] = {
		{ "web-7d9f8c6b5-x2x9k", "web" },	/* Deployment */
		{ "coredns-5d78c9869d-q2w4r", "coredns" },
		{ "agent-x7k2p", "agent" },		/* DaemonSet */
		{ "db-0", "db" },			/* StatefulSet */
		{ "redis-master-12", "redis-master" },
		{ "backup-28391234-x7k2p", "backup" },	/* CronJob */
		{ "nginx", "nginx" },			/* a bare pod */
		{ "my-dns-abcde", "my-dns-abcde" },	/* vowels: a word */
		{ "api-v2", "api-v2" },
		{ "x-bcdfg", "x" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		workload__pod_workload(cases[i][0], out);
		if (strcmp(out, cases[i][1]))
			fail_msg("%s -> %s; expected %s", cases[i][0], out,
				 cases[i][1]);
	}
}

static void docker_workload__compose_replica(void **state)
{
	static const char *const cases[][2] = {
		{ "/shop-web-1", "shop-web" }, { "shop_web_12", "shop_web" },
		{ "/nginx", "nginx" }, { "/web2", "web2" }, { "/-1", "-1" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		workload__docker_workload(cases[i][0], out, sizeof(out));
		if (strcmp(out, cases[i][1]))
			fail_msg("%s -> %s; expected %s", cases[i][0], out,
				 cases[i][1]);
	}
}

/* ---- a node tree ------------------------------------------------------- */

static void mkdirs(const char *root, const char *rel)
{
	char path[1024], *p;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

static void put_file(const char *root, const char *rel, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char root[] = "/tmp/dp-workload-XXXXXX";

static int make_node(void **state)
{
	(void)state;
	if (!mkdtemp(root))
		return -1;
	/* a Deployment pod, one container, and the pod its restart made */
	mkdirs(root, "var/log/pods/shop_web-7d9f8c6b5-x2x9k_" UID1 "/nginx");
	mkdirs(root, "var/log/pods/shop_web-7d9f8c6b5-4c8wq_" UID2 "/nginx");
	/* a StatefulSet pod with two containers told apart by their logs */
	mkdirs(root, "var/log/pods/data_db-0_"
		     "11111111-2222-4333-8444-555555555555/postgres");
	mkdirs(root, "var/log/pods/data_db-0_"
		     "11111111-2222-4333-8444-555555555555/exporter");
	mkdirs(root, "var/log/containers");
	put_file(root, "var/log/containers/db-0_data_exporter-" ID2 ".log", "");
	put_file(root, "var/log/containers/db-0_data_postgres-" ID1 ".log", "");
	mkdirs(root, "var/lib/docker/containers/" ID1);
	put_file(root, "var/lib/docker/containers/" ID1 "/config.v2.json",
		 "{\"Name\":\"/shop-web-3\",\"Config\":{\"Labels\":{"
		 "\"com.docker.compose.project\":\"shop\","
		 "\"com.docker.compose.service\":\"web\"}}}");
	mkdirs(root, "var/lib/docker/containers/" ID2);
	put_file(root, "var/lib/docker/containers/" ID2 "/config.v2.json",
		 "{\"Name\":\"/cache_7\",\"Config\":{\"Labels\":null}}");
	return 0;
}

static int remove_node(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) ? -1 : 0;
}

static void names__from_the_nodes_files(void **state)
{
	struct workload_opts o = { .host_root = root };
	struct workload_names *wn = workload_names__new(&o);
	static const char *const cases[][2] = {
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable"
		  "-pod" UID1_ ".slice/cri-containerd-" ID1 ".scope",
		  "k8s:shop/web/nginx" },
		/* the restart: another pod UID, another container id */
		{ "/kubepods/burstable/pod" UID2 "/" ID2, "k8s:shop/web/nginx" },
		{ "/kubepods/podfeedface-0000-4000-8000-000000000000/" ID1,
		  "k8s:podfeedface-0000-4000-8000-000000000000/3f1c2a9b8d7e" },
		{ "/kubepods/pod11111111-2222-4333-8444-555555555555/" ID2,
		  "k8s:data/db/exporter" },
		{ "/kubepods/pod11111111-2222-4333-8444-555555555555/" ID1,
		  "k8s:data/db/postgres" },
		/* the pod's own cgroup: which container is not known */
		{ "/kubepods/pod11111111-2222-4333-8444-555555555555",
		  "k8s:data/db" },
		{ "/system.slice/docker-" ID1 ".scope", "docker:shop-web" },
		{ "/docker/" ID2, "docker:cache" },
		{ "/user.slice/user-0.slice/session-9.scope",
		  "/user.slice/user-0.slice/session-*.scope" },
	};

	(void)state;
	assert_non_null(wn);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *got = workload_names__name(wn, cases[i][0]);

		if (strcmp(got, cases[i][1]))
			fail_msg("%s -> %s; expected %s", cases[i][0], got,
				 cases[i][1]);
	}
	workload_names__free(wn);
}

static void names__a_late_pod_log_is_found_next_window(void **state)
{
	struct workload_opts o = { .host_root = root };
	struct workload_names *wn = workload_names__new(&o);
	const char *path = "/kubepods/pod99999999-8888-4777-8666-555555555555";
	struct window *w = window__new(1, 1, "h");
	uint64_t counts[4] = { 5 };

	(void)state;
	assert_non_null(wn);
	assert_non_null(w);
	assert_int_equal(window__add(w, DP_F_SYSCALL_ID, path, counts,
				     4), 0);
	assert_int_equal(workload_names__label(wn, w), 0);
	assert_string_equal(window_hist__key(&w->hists[0]),
			    "k8s:pod99999999-8888-4777-8666-555555555555");
	/* within the same window it is not looked for again ... */
	mkdirs(root, "var/log/pods/ops_agent-x7k2p_"
		     "99999999-8888-4777-8666-555555555555/agent");
	assert_string_equal(workload_names__name(wn, path),
			    "k8s:pod99999999-8888-4777-8666-555555555555");
	window__free(w);
	/* ... but is in the next */
	w = window__new(2, 1, "h");
	assert_non_null(w);
	assert_int_equal(window__add(w, DP_F_SYSCALL_ID, path, counts,
				     4), 0);
	assert_int_equal(workload_names__label(wn, w), 0);
	assert_string_equal(window_hist__key(&w->hists[0]), "k8s:ops/agent/agent");
	window__free(w);
	workload_names__free(wn);
}

static void window__replicas_found_by_workload(void **state)
{
	struct workload_opts o = { .host_root = root };
	struct workload_names *wn = workload_names__new(&o);
	struct window *w = window__new(1, 1, "h");
	uint64_t counts[4] = { 1 };
	const char *paths[] = {
		"/kubepods/pod" UID1 "/" ID1, "/kubepods/pod" UID2 "/" ID2,
		"/system.slice/cron.service",
	};
	const struct window_hist *h;
	size_t cursor = 0, found = 0;

	(void)state;
	assert_non_null(w);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(window__add(w, DP_F_SYSCALL_ID, paths[i],
					     counts, 4), 0);
	assert_int_equal(workload_names__label(wn, w), 0);
	while ((h = window__next_of_key(w, DP_F_SYSCALL_ID,
					"k8s:shop/web/nginx", &cursor)))
		found |= 1u << (h - w->hists);
	assert_int_equal(found, 3);
	cursor = 0;
	h = window__next_of_key(w, DP_F_SYSCALL_ID, paths[2], &cursor);
	assert_ptr_equal(h, &w->hists[2]);
	assert_null(h->workload);	/* its own path: nothing stored */
	assert_null(window__next_of_key(w, DP_F_SYSCALL_ID, paths[2], &cursor));
	cursor = 0;
	assert_null(window__next_of_key(w, DP_F_SYSCALL_ERRNO,
					"k8s:shop/web/nginx", &cursor));
	window__free(w);
	workload_names__free(wn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classify__runtimes_and_units),
		cmocka_unit_test(classify__user_rules_first_in_order),
		cmocka_unit_test(rules__bad_specs_say_what),
		cmocka_unit_test(pod_workload__controllers_suffixes),
		cmocka_unit_test(docker_workload__compose_replica),
		cmocka_unit_test(names__from_the_nodes_files),
		cmocka_unit_test(names__a_late_pod_log_is_found_next_window),
		cmocka_unit_test(window__replicas_found_by_workload),
	};

	return cmocka_run_group_tests(tests, make_node, remove_node);
}
