// SPDX-License-Identifier: MIT
/*
 * Integration test plumbing: child processes, output files, record sums,
 * cgroup workloads, loopback servers and Prometheus queries (harness.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "harness.h"
#include "feature.h"
#include "window_io.h"

void harness__require_root(void)
{
	if (geteuid() != 0)
		fail_msg("integration tests load BPF programs: run as root");
}

const char *harness__binary(void)
{
	const char *b = getenv("DRIFTPROBE");

	return b && *b ? b : "./driftprobe";
}

pid_t harness__spawn(const char *out_path, const char *const *args)
{
	return harness__spawn_logged(out_path, NULL, args);
}

pid_t harness__spawn_logged(const char *out_path, const char *err_path,
			    const char *const *args)
{
	const char *argv[32];
	pid_t pid;
	int n = 0;

	argv[n++] = harness__binary();
	while (*args && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		if (err_path) {
			fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd < 0 || dup2(fd, 2) < 0)
				_exit(127);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

double harness__now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0, c;

	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

void harness__wait_lines(const char *out_path, int n, double timeout_s)
{
	double end = harness__now() + timeout_s;

	while (count_lines(out_path) < n) {
		if (harness__now() > end)
			fail_msg("%s: fewer than %d lines after %.0f s", out_path,
				 n, timeout_s);
		usleep(20000);
	}
}

int harness__wait_exit(pid_t pid, double timeout_s)
{
	double end = harness__now() + timeout_s;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (harness__now() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_msg("driftprobe did not exit within %.0f s",
				 timeout_s);
		}
		usleep(20000);
	}
	if (!WIFEXITED(status))
		fail_msg("driftprobe died with signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}

void harness__sum_records(const char *path, struct harness_totals *t)
{
	harness__sum_cgroup_records(path, "/", t);
}

void harness__sum_cgroup_records(const char *path, const char *cgroup,
				 struct harness_totals *t)
{
	struct window_reader *r;
	struct window *w;
	char err[512];
	int ret;

	memset(t, 0, sizeof(*t));
	r = window_reader__open(path, err, sizeof(err));
	if (!r)
		fail_msg("%s", err);
	while ((ret = window_reader__next(r, &w, err, sizeof(err))) == 1) {
		t->windows++;
		for (size_t i = 0; i < w->n; i++) {
			const struct window_hist *h = &w->hists[i];

			if (strcmp(h->cgroup, cgroup))
				continue;
			for (uint32_t b = 0; b < h->nnz; b++) {
				t->counts[h->feature][h->nz_bins[b]] +=
					h->nz_counts[b];
				t->total[h->feature] += h->nz_counts[b];
			}
		}
		window__free(w);
	}
	window_reader__close(r);
	if (ret < 0)
		fail_msg("%s", err);
}

char *harness__capture(const char *args, int *status)
{
	char cmd[16384], *out = calloc(1, 1 << 20);
	size_t len = 0, r;
	FILE *p;

	assert_non_null(out);
	snprintf(cmd, sizeof(cmd), "%s %s", harness__binary(), args);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((r = fread(out + len, 1, (1 << 20) - len - 1, p)) > 0)
		len += r;
	*status = pclose(p);
	*status = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
	return out;
}

/* All of f (popen'd or fopen'd), NUL-terminated, growing as needed. */
static char *slurp(FILE *f)
{
	size_t cap = 1 << 16, len = 0, r;
	char *out = malloc(cap);

	assert_non_null(out);
	while (f && (r = fread(out + len, 1, cap - len - 1, f)) > 0) {
		len += r;
		if (len + 1 == cap) {
			cap *= 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
	}
	out[len] = '\0';
	return out;
}

char *harness__sh(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	char *out;

	assert_non_null(p);
	out = slurp(p);
	*status = pclose(p);
	*status = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
	return out;
}

int harness__remove_dir(const char *dir)
{
	size_t n = strlen(dir);
	char cmd[PATH_MAX + 16];

	if (n >= 6 && !strcmp(dir + n - 6, "XXXXXX"))
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

char *harness__read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *out = slurp(f);

	if (f)
		fclose(f);
	return out;
}

void harness__write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		fail_msg("cannot write %s: %s", path, strerror(errno));
}

unsigned int harness__free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

double harness__wall_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Accept connections on lfd and drain them, until killed (or 2 min). */
static void __attribute__((noreturn)) sink_work(int lfd)
{
	char buf[256];

	alarm(120);
	for (;;) {
		int c = accept(lfd, NULL, NULL);

		if (c < 0)
			continue;
		while (read(c, buf, sizeof(buf)) > 0)
			;
		close(c);
	}
}

unsigned short harness__loopback_sink(pid_t *pid)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(lfd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 128), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &alen), 0);
	*pid = fork();
	assert_true(*pid >= 0);
	if (*pid == 0)
		sink_work(lfd);
	close(lfd);
	return ntohs(a.sin_port);
}

void harness__send_line(unsigned short port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0)
		return;
	if (!connect(s, (struct sockaddr *)&a, sizeof(a)))
		(void)!write(s, "x\n", 2);
	close(s);
}

void harness__cgroup2_mount(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[8192], point[4096] = "";

	if (!f)
		fail_msg("/proc/self/mountinfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " - cgroup2 ") &&
		    sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1)
			break;
	fclose(f);
	if (!point[0])
		fail_msg("no cgroup2 mount in /proc/self/mountinfo");
	snprintf(buf, len, "%s", point);
}

void harness__cgroup_create(const char *name, char *path, size_t path_len,
			    char *record_name, size_t record_len)
{
	char mount_point[4096];

	if (strncmp(name, "dp", 2))
		fail_msg("test cgroup '%s' must be named dp*", name);
	harness__cgroup2_mount(mount_point, sizeof(mount_point));
	snprintf(path, path_len, "%s/%s", mount_point, name);
	snprintf(record_name, record_len, "/%s", name);
	if (mkdir(path, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", path, strerror(errno));
}

void harness__cgroup_join(const char *path, pid_t pid)
{
	char procs[4400];
	FILE *f;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
	f = fopen(procs, "w");
	if (!f || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f))
		fail_msg("cannot move %d into %s: %s", (int)pid, path,
			 strerror(errno));
}

void harness__steady_syscalls(void)
{
	int fd = open("/dev/zero", O_RDONLY);
	struct timespec ms = { 0, 1000000 };
	char buf[64];

	for (;;) {
		for (int i = 0; i < 16; i++)
			syscall(SYS_getppid);
		for (int i = 0; i < 4; i++)
			if (read(fd, buf, sizeof(buf)) < 0)
				_exit(1);
		nanosleep(&ms, NULL);
	}
}

void harness__steady_syscalls_on_cpu0(void)
{
	cpu_set_t cpu0;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	sched_setaffinity(0, sizeof(cpu0), &cpu0);
	harness__steady_syscalls();
}

void harness__file_storm(const char *path)
{
	struct stat st;

	for (;;) {
		int fd = open(path, O_RDONLY);

		fstat(fd, &st);
		close(fd);
	}
}

void harness__file_storm_in(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/storm", dir);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	harness__file_storm(path);
}

pid_t harness__spawn_in_cgroup(const char *path, void (*work)(void))
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		harness__cgroup_join(path, 0);
		work();
		_exit(0);
	}
	return pid;
}

void harness__kill_child(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
	}
	*pid = -1;
}

void harness__cgroup_remove(const char *path)
{
	char procs[4400];

	snprintf(procs, sizeof(procs), "%s/cgroup.kill", path);
	for (int tries = 0; tries < 50; tries++) {
		FILE *f = fopen(procs, "w");

		if (f) {
			fputs("1\n", f);
			fclose(f);
		}
		if (!rmdir(path) || errno == ENOENT)
			return;
		usleep(20000);
	}
	fail_msg("cannot remove cgroup %s: %s", path, strerror(errno));
}

void harness__write_windows(const char *path, int n)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	for (int w = 0; w < n; w++)
		for (int ft = 0; ft < DP_F_COUNT; ft++) {
			fprintf(f, "{\"ts\":%d.5,\"interval_s\":1,\"host\":\"h\","
				"\"cgroup\":\"/\",\"feature\":\"%s\",",
				1700000000 + w, feature_table[ft].name);
			if (feature_table[ft].rows > 1)
				fprintf(f, "\"shape\":[%u,%u],",
					feature_table[ft].rows,
					feature_table[ft].cols);
			fputs("\"counts\":[", f);
			for (uint32_t b = 0; b < feature_table[ft].bins; b++)
				fprintf(f, b ? ",%u" : "%u",
					b < 8 ? 100 + 7 * (b * (w + 1) % 5) : 0);
			fputs("]}\n", f);
		}
	if (fclose(f))
		fail_msg("%s: %s", path, strerror(errno));
}

/* The top bin labelled label in an analysis line, or NULL. */
static struct json_object *top_bin(struct json_object *o, const char *label)
{
	struct json_object *top, *lbl;

	if (!json_object_object_get_ex(o, "top", &top))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(top); i++) {
		struct json_object *t = json_object_array_get_idx(top, i);

		if (json_object_object_get_ex(t, "label", &lbl) &&
		    !strcmp(json_object_get_string(lbl), label))
			return t;
	}
	return NULL;
}

int harness__coupling_lines(const char *path, const char *feature,
			    const char *cgroup, const char *change,
			    const char *label, const char *exemplar)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int hits = 0;

	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		struct json_object *o = json_tokener_parse(line), *x, *c, *t;

		if (!o)
			fail_msg("%s: not JSON: %s", path, line);
		if (json_object_object_get_ex(o, "feature", &x) &&
		    !strcmp(json_object_get_string(x), feature) &&
		    (!cgroup ||
		     (json_object_object_get_ex(o, "cgroup", &x) &&
		      !strcmp(json_object_get_string(x), cgroup))) &&
		    json_object_object_get_ex(o, "coupling", &c) &&
		    json_object_object_get_ex(c, "change", &x) &&
		    !strcmp(json_object_get_string(x), change) &&
		    (t = top_bin(o, label)) &&
		    (!exemplar ||
		     (json_object_object_get_ex(t, "exemplars", &x) &&
		      strstr(json_object_get_string(x), exemplar))))
			hits++;
		json_object_put(o);
	}
	free(line);
	fclose(f);
	return hits;
}

int harness__is_incident(struct json_object *o)
{
	struct json_object *t;

	return json_object_object_get_ex(o, "type", &t) &&
	       !strcmp(json_object_get_string(t), "incident");
}

pid_t harness__spawn_cmd(const char *log, char *const *argv)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

void harness__fail_if_exited(pid_t *pid, const char *what, const char *log)
{
	int status;

	if (*pid > 0 && waitpid(*pid, &status, WNOHANG) == *pid) {
		char *text = harness__read_file(log);

		*pid = -1;
		fail_msg("%s exited early (status 0x%x); its log:\n%s", what,
			 status, text);
	}
}

void harness__probe_address(pid_t pid, const char *log, char *addr,
			    size_t len, double timeout_s)
{
	double end = harness__now() + timeout_s;

	for (;;) {
		char *text = harness__read_file(log), *p, got[64];

		p = strstr(text, "serving metrics at http://");
		if (p && sscanf(p, "serving metrics at http://%63[^/]", got) == 1 &&
		    strlen(got) < len) {
			snprintf(addr, len, "%s", got);
			free(text);
			return;
		}
		free(text);
		harness__fail_if_exited(&pid, "driftprobe", log);
		if (harness__now() > end)
			fail_msg("driftprobe did not report its address in %.0f s",
				 timeout_s);
		usleep(50000);
	}
}

/* arg with "{port}" replaced by port (malloc'd). */
static char *with_port(const char *arg, unsigned int port)
{
	const char *at = strstr(arg, "{port}");
	char *out;

	if (!at)
		out = strdup(arg);
	else if (asprintf(&out, "%.*s%u%s", (int)(at - arg), arg, port,
			  at + 6) < 0)
		out = NULL;
	assert_non_null(out);
	return out;
}

unsigned int harness__start_server(const char *what, const char *log,
				   const char *ready_path,
				   const char *const *argv, pid_t *pid,
				   double timeout_s)
{
	for (int attempt = 1;; attempt++) {
		unsigned int port = harness__free_port();
		double end = harness__now() + timeout_s;
		char *args[32], cmd[512];
		size_t n = 0;
		int status;

		for (; argv[n] && n < 31; n++)
			args[n] = with_port(argv[n], port);
		args[n] = NULL;
		*pid = harness__spawn_cmd(log, args);
		for (size_t i = 0; i < n; i++)
			free(args[i]);
		snprintf(cmd, sizeof(cmd), "curl -sf --max-time 10 -o /dev/null "
			 "'http://127.0.0.1:%u%s'", port, ready_path);
		for (;;) {
			char *out = harness__sh(cmd, &status);

			free(out);
			if (status == 0)
				return port;
			if (waitpid(*pid, &status, WNOHANG) == *pid)
				break;
			if (harness__now() > end)
				fail_msg("%s not ready after %.0f s; see %s",
					 what, timeout_s, log);
			usleep(250000);
		}
		*pid = -1;
		if (attempt == 3) {
			char *text = harness__read_file(log);

			fail_msg("%s exited 3 times; last log:\n%s", what, text);
		}
	}
}

void harness__stop(pid_t *pid)
{
	int status;

	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	waitpid(*pid, &status, 0);
	*pid = -1;
}

int harness__interrupt(pid_t *pid, double timeout_s)
{
	int status;

	if (*pid <= 0)
		return 0;
	kill(*pid, SIGINT);
	status = harness__wait_exit(*pid, timeout_s);
	*pid = -1;
	return status;
}

struct json_object *harness__prom_query(unsigned int port, const char *promql,
					struct json_object **doc)
{
	struct json_object *data, *result, *st;
	char cmd[1024], *body;
	int status;

	snprintf(cmd, sizeof(cmd), "curl -sf --max-time 10 -G "
		 "'http://127.0.0.1:%u/api/v1/query' --data-urlencode "
		 "'query=%s'", port, promql);
	body = harness__sh(cmd, &status);
	*doc = status ? NULL : json_tokener_parse(body);
	free(body);
	if (!*doc)
		return NULL;
	if (!json_object_object_get_ex(*doc, "status", &st) ||
	    strcmp(json_object_get_string(st), "success") ||
	    !json_object_object_get_ex(*doc, "data", &data) ||
	    !json_object_object_get_ex(data, "result", &result))
		fail_msg("unexpected query answer: %s",
			 json_object_to_json_string(*doc));
	return result;
}

struct json_object *harness__prom_wait_query(unsigned int port,
					     const char *promql, size_t n,
					     struct json_object **doc,
					     pid_t *pid, const char *log,
					     double timeout_s)
{
	double end = harness__now() + timeout_s;

	for (;;) {
		struct json_object *r = harness__prom_query(port, promql, doc);

		if (r && json_object_array_length(r) >= n)
			return r;
		json_object_put(*doc);
		harness__fail_if_exited(pid, "prometheus", log);
		if (harness__now() > end)
			fail_msg("prometheus: '%s' had fewer than %zu series "
				 "after %.0f s; see %s", promql, n, timeout_s,
				 log);
		usleep(250000);
	}
}

int harness__scope_index(const char *name, const char *const *scopes, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(name, scopes[i]))
			return i;
	return -1;
}

void harness__split_records(const char *src, const char *const *scopes,
			  int n, double learn_from, double learn_end,
			  double changed, FILE *out[3], int seen[][3])
{
	FILE *in = fopen(src, "r");
	char *line = NULL;
	size_t cap = 0;

	assert_non_null(in);
	while (getline(&line, &cap, in) > 0) {
		struct json_object *o = json_tokener_parse(line), *v;
		int s, phase = -1;
		double ts;

		assert_non_null(o);
		assert_true(json_object_object_get_ex(o, "cgroup", &v));
		s = harness__scope_index(json_object_get_string(v), scopes, n);
		assert_true(json_object_object_get_ex(o, "ts", &v));
		ts = json_object_get_double(v);
		json_object_put(o);
		if (s < 0 || ts <= learn_from)				continue;
		if (ts <= learn_end)
			phase = 0;
		else if (ts <= changed)
			phase = 1;
		else if (ts > changed + 1.0)				phase = 2;
		if (phase < 0)
			continue;
		fputs(line, out[phase]);
		seen[s][phase]++;
	}
	free(line);
	fclose(in);
}

void harness__each_analysis(const char *baseline, const char *windows,
			    void (*fn)(struct json_object *o, const char *line,
				       void *ctx),
			    void *ctx)
{
	char args[2 * PATH_MAX], *out, *save = NULL;
	int st;

	snprintf(args, sizeof(args), "analyze --json -b %s %s", baseline,
		 windows);
	out = harness__capture(args, &st);
	assert_int_equal(st, 0);
	for (char *l = strtok_r(out, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(l);

		assert_non_null(o);
		fn(o, l, ctx);
		json_object_put(o);
	}
	free(out);
}
