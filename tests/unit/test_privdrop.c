// SPDX-License-Identifier: MIT
/*
 * privdrop: --user lookups (no such user, uid 0 refused), and, in a forked
 * child when run as root, what privdrop__apply leaves: no capabilities,
 * the new user, no_new_privs; CAP_BPF kept only when reading the maps
 * needs it, and an error when even that does not help.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "privdrop.h"

static void resolve__no_name__stays_the_same_user(void **state)
{
	struct privdrop_user u;
	char err[256];

	(void)state;
	assert_int_equal(privdrop__resolve(NULL, &u, err, sizeof(err)), 0);
	assert_null(u.name);
}

static void resolve__unknown_or_root__refused_with_message(void **state)
{
	struct privdrop_user u;
	char err[256];

	(void)state;
	assert_int_equal(privdrop__resolve("dp-no-such-user", &u, err,
					   sizeof(err)), -ENOENT);
	assert_string_equal(err, "--user: no such user 'dp-no-such-user'; "
			    "expected a user name from the passwd database");
	assert_int_equal(privdrop__resolve("root", &u, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "--user root: is uid 0; expected an "
			    "unprivileged user");
}

static void resolve__nobody__its_uid_and_gid(void **state)
{
	struct passwd *pw = getpwnam("nobody");
	struct privdrop_user u;
	char err[256];

	(void)state;
	if (!pw)
		skip();
	assert_int_equal(privdrop__resolve("nobody", &u, err, sizeof(err)), 0);
	assert_int_equal(u.uid, pw->pw_uid);
	assert_int_equal(u.gid, pw->pw_gid);
	assert_string_equal(u.name, "nobody");
}

/* still_works: fails the first `fail` calls, then succeeds. */
struct works {
	int fail, calls;
};

static int still_works(void *ctx)
{
	struct works *w = ctx;

	return w->calls++ < w->fail ? -1 : 0;
}

/* Capabilities now: effective and permitted, both words. */
static void caps(uint64_t *eff, uint64_t *perm)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	syscall(SYS_capget, &h, d);
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
}

/*
 * Run privdrop__apply in a child as user (NULL: stay root) with
 * still_works failing `fail` times. The child exits 0 when the result is
 * want_ret and, on success, caps are exactly want_perm (permitted and
 * effective), kept_bpf matches, no_new_privs is set and the uid is
 * want_uid; else with the number of the first check that failed.
 */
static int apply_in_child(const char *user, int fail, int want_ret,
			  uint64_t want_perm, bool want_kept, uid_t want_uid)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct privdrop_user u = { 0 };
		struct works w = { fail, 0 };
		uint64_t eff, perm;
		bool kept = !want_kept;
		char err[256];
		int ret;

		if (privdrop__resolve(user, &u, err, sizeof(err)))
			_exit(10);
		ret = privdrop__apply(&u, still_works, &w, &kept, err,
				      sizeof(err));
		if (ret != want_ret)
			_exit(11);
		if (ret) {
			_exit(strstr(err, "privileges: the maps cannot be read "
				     "after dropping capabilities") ? 0 : 12);
		}
		caps(&eff, &perm);
		/* What stays permitted stays effective (CAP_BPF or none). */
		if (eff != perm || perm != want_perm)
			_exit(13);
		if (kept != want_kept)
			_exit(14);
		if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
			_exit(15);
		if (getuid() != want_uid || geteuid() != want_uid)
			_exit(16);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void apply__maps_readable__no_capabilities_left(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(apply_in_child(NULL, 0, 0, 0, false, 0), 0);
}

static void apply__other_user__switched_and_nothing_kept(void **state)
{
	struct passwd *pw = getpwnam("nobody");

	(void)state;
	if (geteuid() != 0 || !pw)
		skip();
	assert_int_equal(apply_in_child("nobody", 0, 0, 0, false,
					pw->pw_uid), 0);
}

static void apply__maps_need_cap_bpf__only_it_stays_permitted(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(apply_in_child(NULL, 1, 0, 1ull << CAP_BPF, true, 0),
			 0);
}

static void apply__maps_unreadable_even_with_cap_bpf__eperm(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(apply_in_child(NULL, 2, -EPERM, 0, false, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolve__no_name__stays_the_same_user),
		cmocka_unit_test(resolve__unknown_or_root__refused_with_message),
		cmocka_unit_test(resolve__nobody__its_uid_and_gid),
		cmocka_unit_test(apply__maps_readable__no_capabilities_left),
		cmocka_unit_test(apply__other_user__switched_and_nothing_kept),
		cmocka_unit_test(apply__maps_need_cap_bpf__only_it_stays_permitted),
		cmocka_unit_test(apply__maps_unreadable_even_with_cap_bpf__eperm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
