// SPDX-License-Identifier: MIT
/*
 * Root integration test of workload identity (issue 21): a restarted
 * container keeps being judged from its first window. Real cgroups are
 * made the way the kubelet (cgroupfs driver) and docker (systemd driver)
 * name them, under a dp* top group, and a host root of the test's own
 * holds the kubelet's pod-log layout and docker's container configs:
 *   pod  .../kubepods/burstable/pod<UID>/<container id>, a Deployment's
 *        pod shop/web-7d9f8c6b5-x2x9k, container app (steady syscalls);
 *   dock .../docker-<id>.scope, compose project shop, service worker
 *        (steady syscalls).
 * `record --per-cgroup --host-root` records both while a baseline is
 * learnt; then both are "restarted": new pod UID and pod name (the same
 * Deployment), new container ids. The new pod does what the old did; the
 * new docker container runs a file storm. Against the baseline learnt
 * from the first cgroups, the second ones must be judged from their first
 * window, never said new: the pod normal, the container anomalous from
 * its first window with an incident naming workload docker:shop-worker.
 * The same windows without their workload names (the cgroup paths as
 * keys, as before) make both new and unjudged: what this test guards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "harness.h"

#define LEARN_S		16	/* seconds learnt */
#define AFTER_S		8	/* then the restarted ones */

#define UID1	"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
#define UID2	"5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
#define CID1	"3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"
#define CID2	"9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a3f1c2a9b8d7e6f5a4b3c2d1e0f"
#define DID1	"aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233"
#define DID2	"bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233aa11"

#define TOP	"dp_itest_workload"
#define POD1	TOP "/kubepods/burstable/pod" UID1 "/" CID1
#define POD2	TOP "/kubepods/burstable/pod" UID2 "/" CID2
#define DOCK1	TOP "/system.slice/docker-" DID1 ".scope"
#define DOCK2	TOP "/system.slice/docker-" DID2 ".scope"

static char dir[] = "/tmp/dp_itest_workload.XXXXXX";
static char root[PATH_MAX], storm_dir[PATH_MAX];

/* mkdir -p of root/rel. */
static void mkdirs(const char *base, const char *rel)
{
	char path[PATH_MAX + 512];

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	for (char *p = path + strlen(base) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", path, strerror(errno));
}

static void put_file(const char *rel, const char *text)
{
	char path[2 * PATH_MAX + 2];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	harness__write_file(path, text);
}

/* The kubelet's files of a pod of Deployment web in shop, container app. */
static void kubelet_files(const char *pod, const char *uid, const char *cid)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "var/log/pods/shop_%s_%s/app", pod, uid);
	mkdirs(root, rel);
	mkdirs(root, "var/log/containers");
	snprintf(rel, sizeof(rel), "var/log/containers/%s_shop_app-%s.log", pod,
		 cid);
	put_file(rel, "");
}

/* docker's config of compose project shop's service worker, replica n. */
static void docker_files(const char *id, int n)
{
	char rel[PATH_MAX], text[512];

	snprintf(rel, sizeof(rel), "var/lib/docker/containers/%s", id);
	mkdirs(root, rel);
	snprintf(rel, sizeof(rel), "var/lib/docker/containers/%s/config.v2.json",
		 id);
	snprintf(text, sizeof(text), "{\"Name\":\"/shop-worker-%d\",\"Config\":"
		 "{\"Labels\":{\"com.docker.compose.project\":\"shop\","
		 "\"com.docker.compose.service\":\"worker\"}}}", n);
	put_file(rel, text);
}

/* The cgroup rel (under the cgroup2 mount), made; its full path. */
static void cgroup_make(const char *rel, char *path, size_t len)
{
	char mount_point[4096];

	harness__cgroup2_mount(mount_point, sizeof(mount_point));
	mkdirs(mount_point, rel);
	snprintf(path, len, "%s/%s", mount_point, rel);
}

static void storm(void)
{
	harness__file_storm_in(storm_dir);
}

enum { P1, P2, D1, D2, NSCOPES };

struct judged {
	int windows;		/* syscall.id analysis lines */
	int anomalous;		/* ... anomaly */
	bool first_anomalous;	/* the first of them */
	int new_lines;
	int incidents;		/* incidents opened, the workload named */
	int named;		/* analysis lines naming the workload */
};

struct judge_ctx {
	const char *const *scopes;
	const char *const *workloads;
	struct judged *j;
};

static void judge_line(struct json_object *o, const char *line, void *arg)
{
	struct judge_ctx *ctx = arg;
	const char *verdict = "", *feature = "";
	struct json_object *v;
	struct judged *j;
	int s;

	(void)line;
	if (!json_object_object_get_ex(o, "cgroup", &v))
		return;
	s = harness__scope_index(json_object_get_string(v), ctx->scopes,
				 NSCOPES);
	if (s < 0)
		return;
	j = &ctx->j[s];
	if (harness__is_incident(o)) {
		struct json_object *state;

		j->incidents += json_object_object_get_ex(o, "state", &state) &&
				!strcmp(json_object_get_string(state), "open") &&
				json_object_object_get_ex(o, "workload", &v) &&
				!strcmp(json_object_get_string(v),
					ctx->workloads[s]);
		return;
	}
	if (json_object_object_get_ex(o, "verdict", &v))
		verdict = json_object_get_string(v);
	if (json_object_object_get_ex(o, "feature", &v))
		feature = json_object_get_string(v);
	if (!strcmp(verdict, "new")) {
		j->new_lines++;
		return;
	}
	j->named += json_object_object_get_ex(o, "workload", &v) &&
		    !strcmp(json_object_get_string(v), ctx->workloads[s]);
	if (strcmp(feature, "syscall.id"))
		return;
	if (!j->windows++)
		j->first_anomalous = !strcmp(verdict, "anomaly");
	j->anomalous += !strcmp(verdict, "anomaly");
}

static void judge(const char *baseline, const char *windows,
		  const char *const *scopes, const char *const *workloads,
		  struct judged *j)
{
	struct judge_ctx ctx = { scopes, workloads, j };

	memset(j, 0, NSCOPES * sizeof(*j));
	harness__each_analysis(baseline, windows, judge_line, &ctx);
}

/* baseline build -o bl from windows; must succeed. */
static void build(const char *bl, const char *windows)
{
	char args[3 * PATH_MAX];
	char *out;
	int st;

	snprintf(args, sizeof(args), "baseline build -o %s %s", bl, windows);
	out = harness__capture(args, &st);
	free(out);
	assert_int_equal(st, 0);
}

/* Copy src to dst without the records' workload names. */
static void strip_workloads(const char *src, const char *dst)
{
	char cmd[3 * PATH_MAX];
	char *out;
	int st;

	snprintf(cmd, sizeof(cmd), "sed 's/,\"workload\":\"[^\"]*\"//' '%s' > "
		 "'%s'", src, dst);
	out = harness__sh(cmd, &st);
	free(out);
	assert_int_equal(st, 0);
}

/* Lines of path holding needle. */
static int lines_with(const char *path, const char *needle)
{
	char *text = harness__read_file(path);
	int n = 0;

	assert_non_null(text);
	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	free(text);
	return n;
}

static void workload__restarted_containers_judged_from_first_window(
	void **state)
{
	static const char *const scopes[NSCOPES] = {
		"/" POD1, "/" POD2, "/" DOCK1, "/" DOCK2 };
	static const char *const workloads[NSCOPES] = {
		"k8s:shop/web/app", "k8s:shop/web/app", "docker:shop-worker",
		"docker:shop-worker" };
	char cg[NSCOPES][4400], rec[PATH_MAX], err[PATH_MAX], dur[16];
	char phase_path[3][PATH_MAX], plain[2][PATH_MAX], bl[PATH_MAX];
	char plain_bl[PATH_MAX];
	int seen[NSCOPES][3] = { { 0 } };
	struct judged named[NSCOPES], paths[NSCOPES];
	pid_t work[NSCOPES] = { -1, -1, -1, -1 }, rec_pid;
	double start, changed;
	FILE *files[3];
	const char *argv[] = { "record", "--per-cgroup", "--host-root", root,
			       "-i", "1", "-d", dur, "-o", rec, NULL };

	(void)state;
	harness__require_root();
	assert_non_null(mkdtemp(dir));
	snprintf(root, sizeof(root), "%s/host", dir);
	snprintf(storm_dir, sizeof(storm_dir), "%s/storm", dir);
	mkdirs(dir, "host");
	mkdirs(dir, "storm");
	kubelet_files("web-7d9f8c6b5-x2x9k", UID1, CID1);
	docker_files(DID1, 1);
	cgroup_make(POD1, cg[P1], sizeof(cg[P1]));
	cgroup_make(DOCK1, cg[D1], sizeof(cg[D1]));

	snprintf(rec, sizeof(rec), "%s/windows.jsonl", dir);
	snprintf(err, sizeof(err), "%s/record.err", dir);
	snprintf(dur, sizeof(dur), "%d", LEARN_S + AFTER_S + 3);
	rec_pid = harness__spawn_logged("/dev/null", err, argv);
	harness__wait_lines(rec, 1, 30);
	start = harness__wall_now();
	work[P1] = harness__spawn_in_cgroup(cg[P1], harness__steady_syscalls);
	work[D1] = harness__spawn_in_cgroup(cg[D1], harness__steady_syscalls);
	while (harness__wall_now() < start + LEARN_S + 1)
		usleep(100000);
	/* The restart: the old cgroups go, new ones come with new names. */
	harness__kill_child(&work[P1]);
	harness__kill_child(&work[D1]);
	harness__cgroup_remove(cg[P1]);
	harness__cgroup_remove(cg[D1]);
	kubelet_files("web-7d9f8c6b5-4c8wq", UID2, CID2);
	docker_files(DID2, 2);
	cgroup_make(POD2, cg[P2], sizeof(cg[P2]));
	cgroup_make(DOCK2, cg[D2], sizeof(cg[D2]));
	changed = harness__wall_now();
	work[P2] = harness__spawn_in_cgroup(cg[P2], harness__steady_syscalls);
	work[D2] = harness__spawn_in_cgroup(cg[D2], storm);
	assert_int_equal(harness__wait_exit(rec_pid, AFTER_S + 30), 0);
	harness__kill_child(&work[P2]);
	harness__kill_child(&work[D2]);
	harness__cgroup_remove(cg[P2]);
	harness__cgroup_remove(cg[D2]);

	for (int i = 0; i < 3; i++) {
		snprintf(phase_path[i], sizeof(phase_path[i]), "%s/phase%d.jsonl",
			 dir, i);
		files[i] = fopen(phase_path[i], "w");
		assert_non_null(files[i]);
	}
	harness__split_records(rec, scopes, NSCOPES, start + 2,
			       start + 1 + LEARN_S, changed, files, seen);
	for (int i = 0; i < 3; i++)
		assert_int_equal(fclose(files[i]), 0);
	print_message("records (learn/after): pod %d/%d -> %d/%d, docker "
		      "%d/%d -> %d/%d\n", seen[P1][0], seen[P1][2],
		      seen[P2][0], seen[P2][2], seen[D1][0], seen[D1][2],
		      seen[D2][0], seen[D2][2]);
	assert_true(seen[P1][0] >= LEARN_S - 3 && seen[D1][0] >= LEARN_S - 3);
	assert_true(seen[P2][2] > 0 && seen[D2][2] > 0);
	/* record named them from the node's files, every record */
	assert_true(lines_with(phase_path[0], "\"workload\":\"k8s:shop/web/app\"")
		    >= seen[P1][0]);
	assert_true(lines_with(phase_path[2],
			       "\"workload\":\"docker:shop-worker\"")
		    >= seen[D2][2]);

	snprintf(bl, sizeof(bl), "%s/baseline.json", dir);
	build(bl, phase_path[0]);
	assert_true(lines_with(bl, "\"cgroup\":\"k8s:shop/web/app\"") > 0);
	assert_int_equal(lines_with(bl, "\"cgroup\":\"/" TOP), 0);
	judge(bl, phase_path[2], scopes, workloads, named);
	/* the same windows keyed by cgroup paths, as before */
	snprintf(plain[0], sizeof(plain[0]), "%s/plain0.jsonl", dir);
	snprintf(plain[1], sizeof(plain[1]), "%s/plain2.jsonl", dir);
	strip_workloads(phase_path[0], plain[0]);
	strip_workloads(phase_path[2], plain[1]);
	snprintf(plain_bl, sizeof(plain_bl), "%s/plain-baseline.json", dir);
	build(plain_bl, plain[0]);
	judge(plain_bl, plain[1], scopes, workloads, paths);
	print_message("by workload: pod judged %d (anomalous %d, new %d), "
		      "docker judged %d (anomalous %d, first %d, new %d, "
		      "incidents %d); by path: pod judged %d new %d, docker "
		      "judged %d new %d\n", named[P2].windows,
		      named[P2].anomalous, named[P2].new_lines,
		      named[D2].windows, named[D2].anomalous,
		      named[D2].first_anomalous, named[D2].new_lines,
		      named[D2].incidents, paths[P2].windows,
		      paths[P2].new_lines, paths[D2].windows,
		      paths[D2].new_lines);
	/* Judged from their first window as their workloads, never new. */
	assert_in_range(named[P2].windows, AFTER_S - 4, AFTER_S + 2);
	assert_in_range(named[D2].windows, AFTER_S - 4, AFTER_S + 2);
	assert_int_equal(named[P2].new_lines + named[D2].new_lines, 0);
	assert_true(named[P2].named >= named[P2].windows);
	/* the pod does what its workload did; the container storms */
	assert_in_range(named[P2].anomalous, 0, 1);
	assert_true(named[D2].first_anomalous);
	assert_in_range(named[D2].anomalous, named[D2].windows - 1,
			named[D2].windows);
	assert_in_range(named[D2].incidents, 1, 1);
	/* Keyed by path: new once each, never judged. */
	assert_int_equal(paths[P2].new_lines, 1);
	assert_int_equal(paths[D2].new_lines, 1);
	assert_int_equal(paths[P2].windows + paths[D2].windows, 0);
	assert_int_equal(harness__remove_dir(dir), 0);
}

static int teardown(void **state)
{
	char mount_point[4096], cmd[4400 + 64];
	char *out;
	int st;

	(void)state;
	/* the intermediate groups (the leaves went with their workloads) */
	harness__cgroup2_mount(mount_point, sizeof(mount_point));
	snprintf(cmd, sizeof(cmd), "find '%s/" TOP "' -depth -type d -exec "
		 "rmdir {} + 2>/dev/null; true", mount_point);
	out = harness__sh(cmd, &st);
	free(out);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			workload__restarted_containers_judged_from_first_window,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
