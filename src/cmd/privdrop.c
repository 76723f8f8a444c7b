// SPDX-License-Identifier: MIT
/*
 * Dropping privileges after attach, with raw capget/capset and prctl (no
 * libcap): the sets are small and the order is what matters.
 *  1. bounding set emptied (needs CAP_SETPCAP, so first; skipped when the
 *     process never had it, e.g. file capabilities CAP_BPF+CAP_PERFMON);
 *  2. ambient set cleared;
 *  3. optional user switch: supplementary groups, gid, uid (KEEPCAPS so a
 *     needed CAP_BPF survives it);
 *  4. permitted/effective/inheritable = {CAP_BPF} with CAP_BPF not
 *     effective, and the caller's still_works() probe: if reading works
 *     without it, permitted goes to {} as well, else CAP_BPF is made
 *     effective again and kept;
 *  5. PR_SET_NO_NEW_PRIVS.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "privdrop.h"

#define BIT(cap)	(1u << ((cap) & 31))

static int privdrop__fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The message is fmt + ": " + strerror(errno); returns -errno. */
static int privdrop__fail(char *err, size_t errlen, const char *fmt, ...)
{
	int e = errno ? errno : EPERM;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - n, ": %s", strerror(e));
	return -e;
}

int privdrop__resolve(const char *name, struct privdrop_user *out,
		      char *err, size_t errlen)
{
	struct passwd *pw;

	out->name = name;
	if (!name)
		return 0;
	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		if (errno)
			return privdrop__fail(err, errlen, "--user %s: cannot "
					      "look it up", name);
		snprintf(err, errlen, "--user: no such user '%s'; expected a "
			 "user name from the passwd database", name);
		return -ENOENT;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "--user %s: is uid 0; expected an "
			 "unprivileged user", name);
		return -EINVAL;
	}
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	return 0;
}

static int cap_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	/* valgrind's capget model writes only d[0]; CAP_BPF is in d[1]. */
	memset(d, 0, 2 * sizeof(*d));
	return (int)syscall(SYS_capget, &h, d);
}

/* Inheritable {}; permitted and effective each {CAP_BPF} or {}. */
static int cap_set(bool bpf_permitted, bool bpf_effective)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (bpf_permitted)
		d[CAP_BPF / 32].permitted = BIT(CAP_BPF);
	if (bpf_effective)
		d[CAP_BPF / 32].effective = BIT(CAP_BPF);
	return (int)syscall(SYS_capset, &h, d);
}

static int drop_bounding_set(char *err, size_t errlen)
{
	for (int cap = 0; cap <= 63; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
			continue;	/* not in the set, or past the last */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
			return privdrop__fail(err, errlen, "privileges: cannot "
					      "drop capability %d from the "
					      "bounding set", cap);
	}
	return 0;
}

static int switch_user(const struct privdrop_user *u, char *err,
		       size_t errlen)
{
	uid_t r, e, s;

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(1, &u->gid) ||
	    setresgid(u->gid, u->gid, u->gid) ||
	    setresuid(u->uid, u->uid, u->uid))
		return privdrop__fail(err, errlen, "--user %s: cannot switch "
				      "to uid %u gid %u", u->name,
				      (unsigned int)u->uid,
				      (unsigned int)u->gid);
	/* setresuid must not have half-worked. */
	if (getresuid(&r, &e, &s) || r != u->uid || e != u->uid ||
	    s != u->uid) {
		errno = EPERM;
		return privdrop__fail(err, errlen, "--user %s: uid did not "
				      "change", u->name);
	}
	return 0;
}

int privdrop__apply(const struct privdrop_user *user,
		    int (*still_works)(void *ctx), void *ctx, bool *kept_bpf,
		    char *err, size_t errlen)
{
	struct __user_cap_data_struct d[2];
	bool had_bpf;
	int ret;

	errno = 0;
	if (cap_get(d))
		return privdrop__fail(err, errlen, "privileges: capget");
	had_bpf = d[CAP_BPF / 32].permitted & BIT(CAP_BPF);
	if (d[CAP_SETPCAP / 32].effective & BIT(CAP_SETPCAP)) {
		ret = drop_bounding_set(err, errlen);
		if (ret)
			return ret;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL)
		return privdrop__fail(err, errlen, "privileges: cannot clear "
				      "the ambient capabilities");
	if (user->name) {
		ret = switch_user(user, err, errlen);
		if (ret)
			return ret;
	}
	if (cap_set(had_bpf, false))
		return privdrop__fail(err, errlen, "privileges: capset");
	*kept_bpf = false;
	if (still_works(ctx)) {
		if (!had_bpf || cap_set(true, true) || still_works(ctx)) {
			errno = EPERM;
			return privdrop__fail(err, errlen, "privileges: the "
					      "maps cannot be read after "
					      "dropping capabilities");
		}
		*kept_bpf = true;
	} else if (cap_set(false, false)) {
		return privdrop__fail(err, errlen, "privileges: capset");
	}
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return privdrop__fail(err, errlen, "privileges: prctl");
	return 0;
}
