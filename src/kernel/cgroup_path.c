// SPDX-License-Identifier: MIT
/* cgroup v2 id -> path, by walking the cgroup2 mount; see cgroup_path.h. */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cgroup_path.h"
#include "key_index.h"

struct cgroup_entry {
	uint64_t id;		/* first: key_index__find_id */
	char *path;
};

struct cgroup_paths {
	char *mount;
	size_t mount_len;
	size_t n, cap;
	struct cgroup_entry *entries;
	struct key_index index;		/* id -> entries[] */
	bool rescanned;			/* this window */
	char scratch[48];
};

/* The walk's state: nftw() takes no context pointer. */
static struct cgroup_paths *walking;

static char *find_cgroup2_mount(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char *line = NULL, *found = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	while (!found && getline(&line, &cap, f) > 0) {
		char mnt[4096], *sep = strstr(line, " - cgroup2 ");

		if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1)
			found = strdup(mnt);
	}
	free(line);
	fclose(f);
	return found;
}

static const char *lookup(const struct cgroup_paths *cp, uint64_t id)
{
	size_t i = key_index__find_id(&cp->index, cp->entries,
				      sizeof(*cp->entries), id);

	return i == SIZE_MAX ? NULL : cp->entries[i].path;
}

static int remember(struct cgroup_paths *cp, uint64_t id, const char *path)
{
	if (lookup(cp, id))
		return 0;
	if (cp->n == cp->cap) {
		size_t cap = cp->cap ? 2 * cp->cap : 64;
		void *p = realloc(cp->entries, cap * sizeof(*cp->entries));

		if (!p)
			return -ENOMEM;
		cp->entries = p;
		cp->cap = cap;
	}
	cp->entries[cp->n].id = id;
	cp->entries[cp->n].path = strdup(path);
	if (!cp->entries[cp->n].path ||
	    key_index__add(&cp->index, id, cp->n)) {
		free(cp->entries[cp->n].path);
		return -ENOMEM;
	}
	cp->n++;
	return 0;
}

static int visit(const char *path, const struct stat *st, int type,
		 struct FTW *ftw)
{
	const char *rel = path + walking->mount_len;

	(void)ftw;
	if (type != FTW_D)
		return 0;
	return remember(walking, (uint64_t)st->st_ino,
			*rel ? rel : "<root>") ? -1 : 0;
}

static void rescan(struct cgroup_paths *cp)
{
	walking = cp;
	nftw(cp->mount, visit, 16, FTW_PHYS | FTW_MOUNT);
	walking = NULL;
}

struct cgroup_paths *cgroup_paths__new(const char *mount)
{
	struct cgroup_paths *cp = calloc(1, sizeof(*cp));

	if (!cp)
		return NULL;
	cp->mount = mount ? strdup(mount) : find_cgroup2_mount();
	if (!cp->mount) {
		free(cp);
		errno = mount ? ENOMEM : ENOENT;
		return NULL;
	}
	cp->mount_len = strlen(cp->mount);
	while (cp->mount_len > 1 && cp->mount[cp->mount_len - 1] == '/')
		cp->mount[--cp->mount_len] = '\0';
	rescan(cp);
	return cp;
}

void cgroup_paths__free(struct cgroup_paths *cp)
{
	if (!cp)
		return;
	for (size_t i = 0; i < cp->n; i++)
		free(cp->entries[i].path);
	free(cp->entries);
	key_index__free(&cp->index);
	free(cp->mount);
	free(cp);
}

void cgroup_paths__new_window(struct cgroup_paths *cp)
{
	cp->rescanned = false;
}

const char *cgroup_paths__name(struct cgroup_paths *cp, uint64_t id)
{
	const char *path = lookup(cp, id);

	if (!path && !cp->rescanned) {
		cp->rescanned = true;
		rescan(cp);
		path = lookup(cp, id);
	}
	if (path)
		return path;
	snprintf(cp->scratch, sizeof(cp->scratch), "cgroup:%" PRIu64, id);
	return cp->scratch;
}
