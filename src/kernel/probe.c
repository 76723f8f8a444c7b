// SPDX-License-Identifier: MIT
/*
 * BPF lifecycle, one path for the three groups (syscall, net, node), each
 * described by one table row: open its skeleton, pick one hook flavour by
 * autoload (tp_btf, else classic tracepoints, which need tracefs), set its
 * rodata knobs, shrink the maps it will not use, load, attach; list the
 * hooks attached. The syscall group failing is fatal; the net and node
 * groups failing is not: the other features still run and one line says
 * which are off. Prints one clear line per failure; libbpf's own log only
 * with --verbose.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <driftprobe/features.h>
#include "kernel_caps.h"
#include "probe.h"
#include "tracefs.h"
#include "net.skel.h"
#include "node.skel.h"
#include "syscall.skel.h"

#define BTF_PATH "/sys/kernel/btf/vmlinux"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* Programs of all groups (15 today, 17 without sched_info): room to spare. */
#define MAX_HOOKS 32

/* One group's loaded BPF object. */
struct probe_group {
	void *skel;		/* NULL: the group is off */
	struct bpf_object *obj;
	const char *kind;	/* "tp_btf" or "tracepoint" */
};

struct probe {
	struct probe_group g[DP_GROUP_COUNT];
	struct probe_hook hooks[MAX_HOOKS];
	size_t nhooks;
	int ncpus;
	bool per_cgroup, per_program, exemplars;
	unsigned int latency_sample_period;
	unsigned int netns_ino;
};

static bool verbose_libbpf;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	(void)level;
	return verbose_libbpf ? vfprintf(stderr, fmt, args) : 0;
}

int probe__parse_hooks(const char *s, enum probe_hooks *out)
{
	if (!strcmp(s, "auto"))
		*out = PROBE_HOOKS_AUTO;
	else if (!strcmp(s, "tp_btf"))
		*out = PROBE_HOOKS_TP_BTF;
	else if (!strcmp(s, "tracepoint"))
		*out = PROBE_HOOKS_TRACEPOINT;
	else
		return -EINVAL;
	return 0;
}

/* A 32-bit coin flip below this is heads with probability 1/period. */
static uint32_t coin_threshold(unsigned int period)
{
	return period > 1 ? (uint32_t)((1ULL << 32) / period) : UINT32_MAX;
}

static void explain(const char *hook, int err)
{
	/* As root, EACCES comes from the verifier, not from a missing cap. */
	if (err == -EACCES && geteuid() == 0)
		fprintf(stderr,
			"probe '%s': the kernel's BPF verifier rejected a "
			"program; rerun with --verbose for its log\n", hook);
	else if (err == -EPERM || err == -EACCES)
		fprintf(stderr,
			"probe '%s': permission denied: driftprobe needs root, "
			"or CAP_BPF and CAP_PERFMON\n", hook);
	else
		fprintf(stderr, "probe '%s': failed to load/attach: %s\n", hook,
			strerror(-err));
}

/*
 * The untyped face of a group's skeleton: the common path loads and
 * attaches it through its struct bpf_object_skeleton (libbpf's), and
 * destroys it with its own destructor.
 */
#define DP_SKEL_ADAPTERS(x)						\
static void *x##_open(struct bpf_object_skeleton **sk)			\
{									\
	struct x##_bpf *s = x##_bpf__open();				\
									\
	if (s)								\
		*sk = s->skeleton;					\
	return s;							\
}									\
static void x##_destroy(void *s)					\
{									\
	x##_bpf__destroy(s);						\
}
DP_SKEL_ADAPTERS(syscall)
DP_SKEL_ADAPTERS(net)
DP_SKEL_ADAPTERS(node)
#undef DP_SKEL_ADAPTERS

/*
 * The syscall group's own settings: sampling knobs, and the maps and
 * program only one flavour or option uses.
 */
static void syscall_configure(const struct probe *p, void *skel, bool use_btf)
{
	struct syscall_bpf *s = skel;

	/* A switch keeps the outgoing task's last syscall (transitions). */
	bpf_program__set_autoload(s->progs.btf_sched_switch, use_btf);
	bpf_map__set_autocreate(s->maps.task_start, use_btf);
	bpf_map__set_autocreate(s->maps.seq_saved, use_btf);
	bpf_map__set_autocreate(s->maps.tid_start, !use_btf);
	s->rodata->per_cgroup = p->per_cgroup;
	s->rodata->per_program = p->per_program;
	s->rodata->proc_exemplars = p->exemplars;
	s->rodata->latency_sample_period = p->latency_sample_period;
	s->rodata->latency_threshold = coin_threshold(p->latency_sample_period);
	/* the top 1/period of the range, away from latency's bottom */
	s->rodata->exemplar_threshold = UINT32_MAX -
					coin_threshold(DP_PROC_SAMPLE_PERIOD);
	if (!p->exemplars)	/* unused, the LRU map still preallocates */
		bpf_map__set_max_entries(s->maps.proc_exemplar, p->ncpus);
	if (!p->per_program)
		bpf_map__set_max_entries(s->maps.program_hist, p->ncpus);
}

static void net_configure(const struct probe *p, void *skel, bool use_btf)
{
	struct net_bpf *n = skel;

	(void)use_btf;
	n->rodata->netns_ino = p->netns_ino;
	n->rodata->per_cgroup = p->per_cgroup;
	n->rodata->exemplars = p->exemplars;
}

/*
 * The node group's settings; run-queue waits from the kernel's own account
 * when it keeps one, else from the wakeup hooks (loaded only then).
 */
static void node_configure(const struct probe *p, void *skel, bool use_btf)
{
	struct node_bpf *n = skel;
	bool sched_info = kernel_caps__sched_info();

	(void)use_btf;
	n->rodata->per_cgroup = p->per_cgroup;
	n->rodata->exemplars = p->exemplars;
	n->rodata->runq_sched_info = sched_info;
	bpf_program__set_autoload(n->progs.node_wakeup, !sched_info);
	bpf_program__set_autoload(n->progs.node_wakeup_new, !sched_info);
}

/* The tracefs event subsystems each group's classic flavour attaches to. */
static const char *const syscall_subsystems[] = { "raw_syscalls" };
static const char *const net_subsystems[] = { "net", "sock", "tcp" };

/* What the common path needs to know of each group. */
static const struct group_desc {
	const char *name;		/* the hooks' group label */
	const char *map;		/* its per-CPU histogram map */
	const char *btf_hook, *tp_hook;	/* named in messages */
	const char *const *subsystems;	/* of its classic flavour; */
	size_t nsubsystems;		/* 0: it has none */
	const char *off;		/* what goes when it fails; NULL: fatal */
	void *(*open)(struct bpf_object_skeleton **sk);
	void (*configure)(const struct probe *p, void *skel, bool use_btf);
	void (*destroy)(void *skel);
} group_descs[DP_GROUP_COUNT] = {
	[DP_GROUP_SYSCALL] = {
		"syscall", "syscall_hist", "tp_btf/sys_enter",
		"tracepoint/raw_syscalls/sys_enter", syscall_subsystems,
		ARRAY_SIZE(syscall_subsystems), NULL,
		syscall_open, syscall_configure, syscall_destroy,
	},
	[DP_GROUP_NET] = {
		"net", "net_hist", "tp_btf/net_dev_start_xmit",
		"tracepoint/net/net_dev_start_xmit", net_subsystems,
		ARRAY_SIZE(net_subsystems),
		"network features",
		net_open, net_configure, net_destroy,
	},
	[DP_GROUP_NODE] = {
		"node", "node_hist", "tp_btf/sched_switch", NULL, NULL, 0,
		"node features (proc.exec, sched.runq_latency, "
		"block.io_latency)",
		node_open, node_configure, node_destroy,
	},
};

/* Note the hooks of group gi's programs that were loaded (and attached). */
static void list_hooks(struct probe *p, enum dp_group gi)
{
	const struct probe_group *g = &p->g[gi];
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, g->obj) {
		const char *sec = bpf_program__section_name(prog);

		if (!bpf_program__autoload(prog) || p->nhooks == MAX_HOOKS)
			continue;
		p->hooks[p->nhooks++] = (struct probe_hook){
			group_descs[gi].name, strrchr(sec, '/') + 1, g->kind,
		};
	}
}

/*
 * Load and attach group gi in one flavour (its programs' sections say
 * which: "tp_btf/..." or "tracepoint/..."). 0 or -errno, nothing left
 * loaded on error.
 */
static int try_group(struct probe *p, enum dp_group gi, bool use_btf)
{
	const struct group_desc *d = &group_descs[gi];
	struct bpf_object_skeleton *sk;
	struct bpf_program *prog;
	struct bpf_object *obj;
	void *skel;
	int err;

	skel = d->open(&sk);
	if (!skel)
		return -errno;
	obj = *sk->obj;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, use_btf ==
			!strncmp(bpf_program__section_name(prog), "tp_btf/", 7));
	d->configure(p, skel, use_btf);
	if (!p->per_cgroup)	/* unused, the LRU map still preallocates */
		bpf_map__set_max_entries(bpf_object__find_map_by_name(
						 obj, "cgroup_hist"), p->ncpus);
	err = bpf_object__load_skeleton(sk);
	if (!err)
		err = bpf_object__attach_skeleton(sk);
	if (err) {
		d->destroy(skel);
		return err;
	}
	p->g[gi] = (struct probe_group){ skel, obj,
					 use_btf ? "tp_btf" : "tracepoint" };
	list_hooks(p, gi);
	return 0;
}

/*
 * Group gi with the flavour policy: tp_btf unless told tracepoint, then
 * (auto only) classic tracepoints when the group has them and tracefs
 * shows them (mounted if need be). The syscall group, first and fatal,
 * does not fall back when tp_btf was refused (EPERM, or EACCES: no
 * privilege, or the verifier); the others do (the net group's tp_btf
 * programs fail the verifier before Linux 6.2). 0 or -errno, after
 * printing why.
 */
static int open_group(struct probe *p, enum dp_group gi,
		      enum probe_hooks hooks)
{
	const struct group_desc *d = &group_descs[gi];
	int err = -ENOENT;

	if (hooks != PROBE_HOOKS_TRACEPOINT) {
		err = try_group(p, gi, true);
		if (!err)
			return 0;
		explain(d->btf_hook, err);
		if (hooks == PROBE_HOOKS_TP_BTF || !d->nsubsystems ||
		    (!d->off && (err == -EPERM || err == -EACCES)))
			return err;
		fprintf(stderr, "probe: falling back to %s\n", d->tp_hook);
	}
	if (!d->nsubsystems)
		return err;
	err = tracefs__require(d->subsystems, d->nsubsystems, d->tp_hook);
	if (err)
		return err;
	err = try_group(p, gi, false);
	if (err)
		explain(d->tp_hook, err);
	return err;
}

struct probe *probe__open(const struct probe_opts *o)
{
	struct probe *p;
	int err = 0;

	verbose_libbpf = o->verbose;
	libbpf_set_print(libbpf_print);

	if (access(BTF_PATH, R_OK)) {
		fprintf(stderr,
			"probe: no kernel BTF at %s: driftprobe needs a kernel "
			"built with CONFIG_DEBUG_INFO_BTF=y\n", BTF_PATH);
		errno = ENOENT;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->per_cgroup = o->per_cgroup;
	p->per_program = o->per_program;
	p->exemplars = o->exemplars;
	p->latency_sample_period = o->latency_sample_period ?
		o->latency_sample_period : DP_LATENCY_SAMPLE_PERIOD;
	p->netns_ino = o->netns_ino;
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0) {
		fprintf(stderr, "probe: cannot count possible CPUs: %s\n",
			strerror(-p->ncpus));
		err = p->ncpus;
		goto fail;
	}
	for (int gi = 0; gi < DP_GROUP_COUNT; gi++) {
		const struct group_desc *d = &group_descs[gi];

		err = open_group(p, gi, o->hooks);
		if (!err)
			continue;
		if (!d->off)
			goto fail;
		fprintf(stderr, "probe: %s are off%s\n", d->off,
			!d->nsubsystems && o->hooks == PROBE_HOOKS_TRACEPOINT ?
			": they need tp_btf" : "");
	}
	return p;
fail:
	probe__destroy(p);
	errno = err < 0 ? -err : EINVAL;
	return NULL;
}

void probe__destroy(struct probe *p)
{
	if (!p)
		return;
	for (int gi = DP_GROUP_COUNT - 1; gi >= 0; gi--)
		if (p->g[gi].skel)
			group_descs[gi].destroy(p->g[gi].skel);
	free(p);
}

size_t probe__hooks(const struct probe *p, const struct probe_hook **hooks)
{
	*hooks = p->hooks;
	return p->nhooks;
}

const char *probe__hook_kind(const struct probe *p, enum dp_group g)
{
	return p->g[g].kind;
}

int probe__map_fd(const struct probe *p, enum dp_group g)
{
	return p->g[g].obj ? bpf_object__find_map_fd_by_name(
				     p->g[g].obj, group_descs[g].map) : -1;
}

int probe__cgroup_map_fd(const struct probe *p, enum dp_group g)
{
	return p->per_cgroup && p->g[g].obj ?
		bpf_object__find_map_fd_by_name(p->g[g].obj, "cgroup_hist") :
		-1;
}

int probe__program_map_fd(const struct probe *p)
{
	return p->per_program ?
		bpf_object__find_map_fd_by_name(p->g[DP_GROUP_SYSCALL].obj,
						"program_hist") : -1;
}

int probe__proc_map_fd(const struct probe *p)
{
	return p->exemplars ?
		bpf_object__find_map_fd_by_name(p->g[DP_GROUP_SYSCALL].obj,
						"proc_exemplar") : -1;
}

bool probe__exemplars(const struct probe *p)
{
	return p->exemplars;
}

int probe__check_access(const struct probe *p)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(probe__map_fd(p, DP_GROUP_SYSCALL),
				      &info, &len) ? -errno : 0;
}

size_t probe__ncpus(const struct probe *p)
{
	return (size_t)p->ncpus;
}
