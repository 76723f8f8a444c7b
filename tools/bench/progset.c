// SPDX-License-Identifier: MIT
/* A set of BPF programs from object files, attached and detached at will. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "progset.h"

#define MAX_OBJS 8
#define MAX_LINKS 64

struct progset {
	struct bpf_object *objs[MAX_OBJS];
	struct bpf_link *links[MAX_LINKS];
	int nobjs, nlinks;
};

static struct bpf_object *load_object(const char *path)
{
	struct bpf_object *obj;
	struct bpf_program *prog;

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "progset: '%s': failed to open\n", path);
		return NULL;
	}
	/* tp_btf programs the object loads by default ("?": not). */
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, bpf_program__autoload(prog) &&
			!strncmp(bpf_program__section_name(prog), "tp_btf/", 7));
	if (bpf_object__load(obj)) {
		fprintf(stderr, "progset: '%s': failed to load\n", path);
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

struct progset *progset__open(const char *paths)
{
	struct progset *s = calloc(1, sizeof(*s));
	char *list = strdup(paths), *save = NULL, *path;

	if (!s || !list)
		goto fail;
	for (path = strtok_r(list, ",", &save); path;
	     path = strtok_r(NULL, ",", &save)) {
		if (s->nobjs == MAX_OBJS) {
			fprintf(stderr, "progset: more than %d objects\n",
				MAX_OBJS);
			goto fail;
		}
		s->objs[s->nobjs] = load_object(path);
		if (!s->objs[s->nobjs])
			goto fail;
		s->nobjs++;
	}
	free(list);
	return s;
fail:
	free(list);
	progset__close(s);
	return NULL;
}

int progset__attach(struct progset *s)
{
	struct bpf_program *prog;

	for (int i = 0; i < s->nobjs; i++) {
		bpf_object__for_each_program(prog, s->objs[i]) {
			if (!bpf_program__autoload(prog))
				continue;
			if (s->nlinks == MAX_LINKS ||
			    !(s->links[s->nlinks] = bpf_program__attach(prog))) {
				fprintf(stderr, "progset: failed to attach '%s'\n",
					bpf_program__name(prog));
				progset__detach(s);
				return -1;
			}
			s->nlinks++;
		}
	}
	return 0;
}

void progset__detach(struct progset *s)
{
	while (s->nlinks)
		bpf_link__destroy(s->links[--s->nlinks]);
}

void progset__close(struct progset *s)
{
	if (!s)
		return;
	progset__detach(s);
	for (int i = 0; i < s->nobjs; i++)
		bpf_object__close(s->objs[i]);
	free(s);
}
