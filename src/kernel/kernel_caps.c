// SPDX-License-Identifier: MIT
/* What the running kernel offers the programs; see kernel_caps.h. */
#include <string.h>
#include <bpf/btf.h>
#include "kernel_caps.h"

/* Whether struct type (in btf) has a member called member. */
static bool has_member(const struct btf *btf, const char *type,
		       const char *member)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	const struct btf_type *t;
	const struct btf_member *m;

	if (id < 0)
		return false;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (unsigned short i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), member))
			return true;
	return false;
}

bool kernel_caps__sched_info(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool has;

	if (!btf)
		return false;
	has = has_member(btf, "task_struct", "sched_info") &&
	      has_member(btf, "sched_info", "last_queued") &&
	      has_member(btf, "sched_entity", "cfs_rq") &&
	      has_member(btf, "cfs_rq", "rq") &&
	      has_member(btf, "rq", "clock");
	btf__free(btf);
	return has;
}
