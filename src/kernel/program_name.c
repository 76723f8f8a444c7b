// SPDX-License-Identifier: MIT
/* Program keys -> series names; see program_name.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <driftprobe/features.h>
#include "key_index.h"
#include "program_name.h"
#include "window.h"

/* Names remembered at most; past it the memory starts afresh. */
#define PROGRAM_NAMES_MAX	(4 * DP_PROGRAM_MAX)
/* "program:" + a PATH_MAX path and a name, every byte escaped (4 each). */
#define NAME_SIZE	(sizeof(WINDOW_PROGRAM_PREFIX) + 4 * (PATH_MAX + \
							   DP_COMM_LEN) + 2)

struct known {
	uint64_t id;		/* first: key_index__find_id */
	char *name;
	char *path;		/* of its executable; NULL: unknown */
	uint64_t ino;
	uint32_t dev;
};

struct program_names {
	char *proc;
	struct known *known;
	size_t n;
	struct key_index index;
	char buf[NAME_SIZE];
};

/* Appends to buf[size) at *len, counting what does not fit. */
static void put(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	if (*len < size) {
		size_t room = size - 1 - *len;

		memcpy(buf + *len, s, n < room ? n : room);
		buf[*len + (n < room ? n : room)] = '\0';
	}
	*len += n;
}

/* s[0, n) with '\', '[' and ']' as "\xNN". */
static void put_escaped(char *buf, size_t size, size_t *len, const char *s,
			size_t n)
{
	char esc[5];

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' && s[i] != '[' && s[i] != ']') {
			put(buf, size, len, s + i, 1);
			continue;
		}
		snprintf(esc, sizeof(esc), "\\x%02x", (unsigned char)s[i]);
		put(buf, size, len, esc, 4);
	}
}

size_t program_name__format(const char *path, const char *comm, char *buf,
			    size_t size)
{
	size_t clen = strnlen(comm, DP_COMM_LEN - 1), len = 0;
	const char *base = path ? strrchr(path, '/') : NULL;

	if (size)
		buf[0] = '\0';
	base = base ? base + 1 : path;
	put(buf, size, &len, WINDOW_PROGRAM_PREFIX,
	    sizeof(WINDOW_PROGRAM_PREFIX) - 1);
	if (path)
		put_escaped(buf, size, &len, path, strlen(path));
	/* The kernel keeps a name's first 15 bytes. */
	if (path && strnlen(base, DP_COMM_LEN - 1) == clen &&
	    !memcmp(base, comm, clen))
		return len;
	put(buf, size, &len, "[", 1);
	put_escaped(buf, size, &len, comm, clen);
	put(buf, size, &len, "]", 1);
	return len;
}

struct program_names *program_names__new(const char *proc)
{
	struct program_names *pn = calloc(1, sizeof(*pn));

	if (!pn)
		return NULL;
	pn->proc = strdup(proc);
	if (!pn->proc) {
		free(pn);
		return NULL;
	}
	return pn;
}

/* Forget every name. */
static void forget(struct program_names *pn)
{
	for (size_t i = 0; i < pn->n; i++) {
		free(pn->known[i].name);
		free(pn->known[i].path);
	}
	free(pn->known);
	pn->known = NULL;
	pn->n = 0;
	key_index__free(&pn->index);
}

void program_names__free(struct program_names *pn)
{
	if (!pn)
		return;
	forget(pn);
	free(pn->proc);
	free(pn);
}

/* Whether the file at path is v's executable (same inode and device). */
static bool is_exe(const char *path, const struct dp_syscall_program_hist *v)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && st.st_ino == v->ino &&
	       major(st.st_dev) == v->dev >> 20 &&
	       minor(st.st_dev) == (v->dev & 0xfffff);
}

/* The canonical path of candidate into path[PATH_MAX] if it is v's. */
static const char *canonical_exe(const char *candidate,
				 const struct dp_syscall_program_hist *v,
				 char *path)
{
	return realpath(candidate, path) && is_exe(path, v) ? path : NULL;
}

/* /proc/<tgid>/exe, readable while we may trace the process. */
static const char *from_exe_link(const struct program_names *pn,
				 const struct dp_syscall_program_hist *v,
				 char *path)
{
	static const char deleted[] = " (deleted)";
	char link[PATH_MAX];
	ssize_t n;

	if (snprintf(link, sizeof(link), "%s/%u/exe", pn->proc, v->tgid) >=
	    (int)sizeof(link))
		return NULL;
	n = readlink(link, path, PATH_MAX - 1);
	if (n <= 0 || path[0] != '/' || !is_exe(link, v))
		return NULL;
	path[n] = '\0';
	if ((size_t)n > sizeof(deleted) - 1 &&
	    !strcmp(path + n - (sizeof(deleted) - 1), deleted))
		path[n - (sizeof(deleted) - 1)] = '\0';
	return path;
}

/* The process's argv[0], when it is an absolute path to the file. */
static const char *from_argv0(const struct program_names *pn,
			      const struct dp_syscall_program_hist *v,
			      char *path)
{
	char name[PATH_MAX], argv0[PATH_MAX];
	ssize_t n;
	int fd;

	if (snprintf(name, sizeof(name), "%s/%u/cmdline", pn->proc,
		     v->tgid) >= (int)sizeof(name))
		return NULL;
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, argv0, sizeof(argv0) - 1);
	close(fd);
	if (n <= 0 || argv0[0] != '/')
		return NULL;
	argv0[n] = '\0';
	return canonical_exe(argv0, v, path);
}

/* The executable's file name in the usual directories of programs. */
static const char *from_file_name(const struct dp_syscall_program_hist *v,
				  char *path)
{
	static const char *const dirs[] = {
		"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
		"/sbin", "/bin", "/usr/libexec", "/usr/lib/systemd",
	};
	char file[DP_PROGRAM_FILE_LEN + 1], candidate[PATH_MAX];

	memcpy(file, v->file, DP_PROGRAM_FILE_LEN);
	file[DP_PROGRAM_FILE_LEN] = '\0';
	if (!file[0] || strchr(file, '/') || !strcmp(file, ".") ||
	    !strcmp(file, ".."))
		return NULL;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(candidate, sizeof(candidate), "%s/%s", dirs[i], file);
		if (canonical_exe(candidate, v, path))
			return path;
	}
	return NULL;
}

/*
 * The path of v's executable into path[PATH_MAX], checked to be the file
 * the kernel counted: its /proc/<tgid>/exe link (the collector has
 * dropped its capabilities, so only for processes it may trace), else
 * the process's argv[0] when absolute, else its file name in the usual
 * directories of programs; NULL when none is.
 */
static const char *exe_path(const struct program_names *pn,
			    const struct dp_syscall_program_hist *v,
			    char *path)
{
	const char *p;

	if (!v->ino)
		return NULL;
	p = v->tgid ? from_exe_link(pn, v, path) : NULL;
	if (!p && v->tgid)
		p = from_argv0(pn, v, path);
	return p ? p : from_file_name(v, path);
}

/*
 * The path another key of the same executable was given (a program run
 * under another name, or whose earlier process was still there), or NULL.
 */
static const char *known_path(const struct program_names *pn,
			      const struct dp_syscall_program_hist *v)
{
	for (size_t i = 0; v->ino && i < pn->n; i++)
		if (pn->known[i].path && pn->known[i].ino == v->ino &&
		    pn->known[i].dev == v->dev)
			return pn->known[i].path;
	return NULL;
}

/* Remember id's name and path. 0 or -ENOMEM. */
static int remember(struct program_names *pn, uint64_t id,
		    const struct dp_syscall_program_hist *v, const char *path,
		    const char *name)
{
	struct known *p;
	char *copy, *path_copy = NULL;

	if (pn->n == PROGRAM_NAMES_MAX)
		forget(pn);
	if (!(pn->n & (pn->n - 1))) {	/* n is 0, 1, 2, 4, ... */
		p = realloc(pn->known, (pn->n ? 2 * pn->n : 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		pn->known = p;
	}
	copy = strdup(name);
	if (path)
		path_copy = strdup(path);
	if (!copy || (path && !path_copy) ||
	    key_index__add(&pn->index, id, pn->n)) {
		free(copy);
		free(path_copy);
		return -ENOMEM;
	}
	pn->known[pn->n++] = (struct known){ id, copy, path_copy, v->ino,
					     v->dev };
	return 0;
}

const char *program_names__name(void *ctx, uint64_t id, const void *value)
{
	struct program_names *pn = ctx;
	const struct dp_syscall_program_hist *v = value;
	char comm[DP_COMM_LEN + 1], buf[PATH_MAX];
	const char *path;
	size_t i = key_index__find_id(&pn->index, pn->known,
				      sizeof(*pn->known), id);

	if (i != SIZE_MAX)
		return pn->known[i].name;
	memcpy(comm, v->comm, DP_COMM_LEN);
	comm[DP_COMM_LEN] = '\0';
	path = exe_path(pn, v, buf);
	if (!path)
		path = known_path(pn, v);
	program_name__format(path, comm, pn->buf, sizeof(pn->buf));
	/* Unremembered (no memory): the name is resolved again next time. */
	remember(pn, id, v, path, pn->buf);
	return pn->buf;
}
