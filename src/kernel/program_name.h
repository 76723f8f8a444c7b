/* SPDX-License-Identifier: MIT */
/*
 * --per-program: program keys -> series names, stable across restarts and
 * hosts (a baseline learnt on one host applies on another): "program:"
 * then the executable's path, then the process's name in brackets when it
 * is not the path's basename (as the kernel cuts a name, to 15 bytes):
 * "program:/usr/sbin/nginx", "program:/usr/bin/python3.11[worker.py]".
 * A program whose executable cannot be had (its process gone, exec'd into
 * another, no executable) is its name alone: "program:[cron]". The path is
 * read once per key from /proc/<tgid>/exe of the process the kernel saw
 * last, and kept only when it is the file the kernel counted (same inode
 * and device). In both parts '\', '[' and ']' become "\x5c", "\x5b",
 * "\x5d", so a name is never another's; other bytes are kept as they are
 * (outputs escape them, as for cgroup paths). A scope never starts with
 * "/", so it cannot be taken for a cgroup path.
 */
#ifndef DRIFTPROBE_PROGRAM_NAME_H
#define DRIFTPROBE_PROGRAM_NAME_H

#include <stddef.h>
#include <stdint.h>

/*
 * The series name of the program run from path (NULL: unknown) under the
 * process name comm (at most 16 bytes, NUL-terminated if shorter) into
 * buf[size). Returns the length it needs (as snprintf); what does not fit
 * is cut.
 */
size_t program_name__format(const char *path, const char *comm, char *buf,
			    size_t size);

struct program_names;

/*
 * proc: the procfs mount ("/proc"; a test's directory). NULL + errno
 * (ENOMEM).
 */
struct program_names *program_names__new(const char *proc);
void program_names__free(struct program_names *pn);

/*
 * The name of program key id whose kernel value is value (struct
 * dp_syscall_program_hist), resolved on its first call and remembered;
 * a keyed_namer_fn (keyed_collect.h). Never NULL; valid until the next
 * call.
 */
const char *program_names__name(void *pn, uint64_t id, const void *value);

#endif /* DRIFTPROBE_PROGRAM_NAME_H */
