/* SPDX-License-Identifier: MIT */
/*
 * Least privilege for the live commands. Loading and attaching BPF needs
 * root (or CAP_BPF + CAP_PERFMON); reading the already-open maps and
 * detaching at exit need nothing on kernels that check capabilities only
 * when maps and programs are created (Linux 6.5+). Once attached,
 * privdrop__apply() empties the bounding, ambient, inheritable, permitted
 * and effective capability sets, optionally switches to an unprivileged
 * user, and sets PR_SET_NO_NEW_PRIVS so nothing exec'd can regain them.
 * Where the kernel still wants CAP_BPF for every bpf(2) call (older
 * kernels with kernel.unprivileged_bpf_disabled), it is the one capability
 * kept, found out at run time, not from the kernel version.
 */
#ifndef DRIFTPROBE_PRIVDROP_H
#define DRIFTPROBE_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct privdrop_user {
	const char *name;	/* NULL: stay the same user */
	uid_t uid;
	gid_t gid;
};

/*
 * Look up user name (for --user) now, before anything is attached.
 * 0, or -ENOENT / -errno with a message in err.
 */
int privdrop__resolve(const char *name, struct privdrop_user *out,
		      char *err, size_t errlen);

/*
 * Drop what the attached probe no longer needs. still_works(ctx) must
 * return 0 if the process can still do its job (read its maps) with the
 * capabilities it has at that moment. On success *kept_bpf says whether
 * CAP_BPF had to stay. 0, or -errno with a message in err.
 */
int privdrop__apply(const struct privdrop_user *user,
		    int (*still_works)(void *ctx), void *ctx, bool *kept_bpf,
		    char *err, size_t errlen);

#endif /* DRIFTPROBE_PRIVDROP_H */
