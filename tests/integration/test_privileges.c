// SPDX-License-Identifier: MIT
/*
 * Least privilege of the live commands, read from /proc/PID/status of the
 * running binary once it is attached and writing windows: every capability
 * set (effective, permitted, inheritable, bounding, ambient) is empty, or
 * at most CAP_BPF where the kernel needs it for map reads; NoNewPrivs is
 * set; with --user the uid/gid are that user's; and windows keep counting
 * events after the drop. Files they create are 0600 whatever the umask.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "harness.h"

struct proc_status {
	uint64_t cap[5];	/* Inh, Prm, Eff, Bnd, Amb */
	unsigned int uid[4], gid[4];
	int no_new_privs;
};

static const char *const cap_names[5] = {
	"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
};

static void read_status(pid_t pid, struct proc_status *st)
{
	char path[64], line[256];
	FILE *f;

	memset(st, 0, sizeof(*st));
	st->no_new_privs = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		for (int i = 0; i < 5; i++) {
			size_t n = strlen(cap_names[i]);

			if (!strncmp(line, cap_names[i], n) && line[n] == ':')
				st->cap[i] = strtoull(line + n + 1, NULL, 16);
		}
		sscanf(line, "Uid: %u %u %u %u", &st->uid[0], &st->uid[1],
		       &st->uid[2], &st->uid[3]);
		sscanf(line, "Gid: %u %u %u %u", &st->gid[0], &st->gid[1],
		       &st->gid[2], &st->gid[3]);
		sscanf(line, "NoNewPrivs: %d", &st->no_new_privs);
	}
	fclose(f);
}

/* Attach with args (whose records go to out), check, stop with SIGTERM. */
static void check_dropped(const char *const *args, const char *out,
			  unsigned int want_uid)
{
	struct harness_totals *t = calloc(1, sizeof(*t));
	struct proc_status self, st;
	const uint64_t allowed = 1ull << CAP_BPF;
	pid_t pid;

	assert_non_null(t);
	harness__require_root();
	read_status(getpid(), &self);
	/* Else there is nothing to drop and the test proves nothing. */
	assert_true(self.cap[2] != 0);
	pid = harness__spawn("/dev/null", args);
	harness__wait_lines(out, DP_F_COUNT, 30);	/* attached, dropped */
	read_status(pid, &st);
	print_message("after attach: CapEff %016" PRIx64 " (this test: %016"
		      PRIx64 ") CapPrm %016" PRIx64 " CapBnd %016" PRIx64
		      " NoNewPrivs %d uid %u gid %u\n", st.cap[2], self.cap[2],
		      st.cap[1], st.cap[3], st.no_new_privs, st.uid[0],
		      st.gid[0]);
	for (int i = 0; i < 5; i++)
		if (st.cap[i] & ~allowed)
			fail_msg("%s is %016" PRIx64 "; expected nothing but "
				 "CAP_BPF", cap_names[i], st.cap[i]);
	assert_int_equal(st.no_new_privs, 1);
	for (int i = 0; i < 4; i++)
		assert_int_equal(st.uid[i], want_uid);
	/* Two more windows: the maps are still read after the drop. */
	harness__wait_lines(out, 3 * DP_F_COUNT, 30);
	kill(pid, SIGTERM);
	assert_int_equal(harness__wait_exit(pid, 20), 0);
	harness__sum_records(out, t);
	assert_true(t->windows >= 3);
	assert_true(t->total[DP_F_SYSCALL_ID] > 0);
	unlink(out);
	free(t);
}

static void record__after_attach__drops_capabilities_sets_no_new_privs(void **state)
{
	char out[] = "/tmp/dprel-priv.XXXXXX";
	int fd = mkstemp(out);
	const char *args[] = { "record", "-i", "0.3", "-o", out, NULL };

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	check_dropped(args, out, 0);
}

static void run__user_nobody__switches_user_after_attach(void **state)
{
	char out[] = "/tmp/dprel-priv.XXXXXX";
	int fd = mkstemp(out);
	const char *args[] = { "run", "--user", "nobody", "-i", "0.3",
			       "--learn", "60", "--record", out, NULL };
	struct passwd *pw = getpwnam("nobody");

	(void)state;
	assert_non_null(pw);
	assert_true(fd >= 0);
	close(fd);
	check_dropped(args, out, pw->pw_uid);
}

/*
 * Record files show what runs on the host: 0600 whatever the umask, and
 * whatever mode a record file of root's had before.
 */
static void record_and_run__new_files__mode_0600_under_umask_0(void **state)
{
	char dir[] = "/tmp/dprel-mode.XXXXXX";
	char rec[64], runrec[64], saved[64];
	const char *rargs[] = { "record", "-i", "0.3", "-d", "0.3", "-o", rec,
				NULL };
	const char *args[] = { "run", "-i", "0.3", "--learn", "0.6",
			       "--duration", "0.6", "--record", runrec,
			       "--save-baseline", saved, NULL };
	const char *paths[] = { rec, runrec, saved };
	mode_t old = umask(0);
	struct stat st;
	int fd;

	(void)state;
	harness__require_root();
	assert_non_null(mkdtemp(dir));
	snprintf(rec, sizeof(rec), "%s/rec.jsonl", dir);
	snprintf(runrec, sizeof(runrec), "%s/run.jsonl", dir);
	snprintf(saved, sizeof(saved), "%s/b.json", dir);
	/* One that exists, readable by all (touch): made 0600 when opened. */
	fd = open(rec, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(harness__wait_exit(harness__spawn("/dev/null", rargs),
					    20), 0);
	assert_int_equal(harness__wait_exit(harness__spawn("/dev/null", args),
					    20), 0);
	umask(old);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(stat(paths[i], &st), 0);
		print_message("%s: mode %04o\n", paths[i],
			      (unsigned int)st.st_mode & 07777);
		assert_int_equal(st.st_mode & 07777, 0600);
		unlink(paths[i]);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record__after_attach__drops_capabilities_sets_no_new_privs),
		cmocka_unit_test(run__user_nobody__switches_user_after_attach),
		cmocka_unit_test(record_and_run__new_files__mode_0600_under_umask_0),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
