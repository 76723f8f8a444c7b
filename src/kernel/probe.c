// SPDX-License-Identifier: MIT
/*
 * BPF lifecycle: open the skeleton, pick one hook flavour by autoload, load,
 * attach; on failure of tp_btf fall back to classic tracepoints (which need
 * tracefs), for the syscall group and then the net group. The net group
 * failing is not fatal: the syscall features still run and one line says
 * the network ones are off.
 * Prints one clear line per failure; libbpf's own log only with --verbose.
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
#include "probe.h"
#include "tracefs.h"
#include "net.skel.h"
#include "node.skel.h"
#include "syscall.skel.h"

#define BTF_PATH "/sys/kernel/btf/vmlinux"

/* The tracefs event subsystems each group's classic flavour attaches to. */
static const char *const syscall_subsystems[] = { "raw_syscalls" };
static const char *const net_subsystems[] = { "net", "sock", "tcp" };

struct probe {
	struct syscall_bpf *skel;
	struct net_bpf *net;	/* NULL: network features are off */
	struct node_bpf *node;	/* NULL: node features are off */
	const char *hook_kind;
	const char *net_hook_kind;
	int ncpus;
	bool per_cgroup, proc_exemplars;
	unsigned int latency_sample_period;
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

/* Load and attach one flavour; returns 0 or -errno, skel destroyed on error. */
static int try_hooks(struct probe *p, bool use_btf)
{
	struct syscall_bpf *s;
	int err;

	s = syscall_bpf__open();
	if (!s)
		return -errno;
	bpf_program__set_autoload(s->progs.btf_sys_enter, use_btf);
	bpf_program__set_autoload(s->progs.btf_sys_exit, use_btf);
	/* Only sampled latency has untraced exits to take the shortcut. */
	bpf_program__set_autoload(s->progs.btf_sched_switch,
				  use_btf && p->latency_sample_period > 1);
	bpf_program__set_autoload(s->progs.tp_sys_enter, !use_btf);
	bpf_program__set_autoload(s->progs.tp_sys_exit, !use_btf);
	bpf_map__set_autocreate(s->maps.task_start, use_btf);
	bpf_map__set_autocreate(s->maps.tid_start, !use_btf);
	s->rodata->per_cgroup = p->per_cgroup;
	s->rodata->proc_exemplars = p->proc_exemplars;
	s->rodata->latency_sample_period = p->latency_sample_period;
	s->rodata->latency_threshold = coin_threshold(p->latency_sample_period);
	/* the top 1/period of the range, away from latency's bottom */
	s->rodata->exemplar_threshold = UINT32_MAX -
					coin_threshold(DP_PROC_SAMPLE_PERIOD);
	/* Unused, the LRU maps still preallocate: keep them minimal. */
	if (!p->per_cgroup)
		bpf_map__set_max_entries(s->maps.cgroup_hist, p->ncpus);
	if (!p->proc_exemplars)
		bpf_map__set_max_entries(s->maps.proc_exemplar, p->ncpus);

	err = syscall_bpf__load(s);
	if (!err)
		err = syscall_bpf__attach(s);
	if (err) {
		syscall_bpf__destroy(s);
		return err;
	}
	p->skel = s;
	p->hook_kind = use_btf ? "tp_btf" : "tracepoint";
	return 0;
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
 * Load and attach the net group in one flavour (its programs' sections say
 * which: "tp_btf/..." or "tracepoint/..."), optionally limited to one
 * network namespace. 0 or -errno.
 */
static int try_net(struct probe *p, unsigned int netns_ino, bool use_btf)
{
	struct bpf_program *prog;
	struct net_bpf *n;
	int err;

	n = net_bpf__open();
	if (!n)
		return -errno;
	bpf_object__for_each_program(prog, n->obj)
		bpf_program__set_autoload(prog, use_btf ==
			!strncmp(bpf_program__section_name(prog), "tp_btf/", 7));
	n->rodata->netns_ino = netns_ino;
	n->rodata->per_cgroup = p->per_cgroup;
	if (!p->per_cgroup)	/* unused, the LRU map still preallocates */
		bpf_map__set_max_entries(n->maps.cgroup_hist, p->ncpus);
	err = net_bpf__load(n);
	if (!err)
		err = net_bpf__attach(n);
	if (err) {
		net_bpf__destroy(n);
		return err;
	}
	p->net = n;
	p->net_hook_kind = use_btf ? "tp_btf" : "tracepoint";
	return 0;
}

/*
 * The net group, with the syscall group's flavour policy. Failing is not
 * fatal: the syscall features still run, and one line says so.
 */
static void open_net(struct probe *p, enum probe_hooks hooks,
		     unsigned int netns_ino)
{
	int err;

	if (hooks != PROBE_HOOKS_TRACEPOINT) {
		err = try_net(p, netns_ino, true);
		if (!err)
			return;
		explain("tp_btf/net_dev_start_xmit", err);
		if (hooks == PROBE_HOOKS_TP_BTF)
			goto off;
		fprintf(stderr, "probe: falling back to "
				"tracepoint/net/net_dev_start_xmit\n");
	}
	if (tracefs__require(net_subsystems, sizeof(net_subsystems) /
			     sizeof(net_subsystems[0]),
			     "tracepoint/net/net_dev_start_xmit"))
		goto off;
	err = try_net(p, netns_ino, false);
	if (!err)
		return;
	explain("tracepoint/net/net_dev_start_xmit", err);
off:
	fprintf(stderr, "probe: network features are off\n");
}

/*
 * The node group (exec, run queue, block I/O): tp_btf only, there is no
 * classic-tracepoint flavour of it. Failing is not fatal: one line says so.
 */
static void open_node(struct probe *p, enum probe_hooks hooks)
{
	struct node_bpf *n;
	int err;

	if (hooks == PROBE_HOOKS_TRACEPOINT)
		goto off;
	n = node_bpf__open();
	if (!n) {
		err = -errno;
		goto fail;
	}
	n->rodata->per_cgroup = p->per_cgroup;
	if (!p->per_cgroup)	/* unused, the LRU map still preallocates */
		bpf_map__set_max_entries(n->maps.cgroup_hist, p->ncpus);
	err = node_bpf__load(n);
	if (!err)
		err = node_bpf__attach(n);
	if (!err) {
		p->node = n;
		return;
	}
	node_bpf__destroy(n);
fail:
	explain("tp_btf/sched_switch", err);
off:
	fprintf(stderr, "probe: node features (proc.exec, sched.runq_latency, "
			"block.io_latency) are off%s\n",
		hooks == PROBE_HOOKS_TRACEPOINT ? ": they need tp_btf" : "");
}

struct probe *probe__open(const struct probe_opts *o)
{
	enum probe_hooks hooks = o->hooks;
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
	p->proc_exemplars = o->proc_exemplars;
	p->latency_sample_period = o->latency_sample_period ?
		o->latency_sample_period : DP_LATENCY_SAMPLE_PERIOD;
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0) {
		fprintf(stderr, "probe: cannot count possible CPUs: %s\n",
			strerror(-p->ncpus));
		err = p->ncpus;
		goto fail;
	}

	if (hooks != PROBE_HOOKS_TRACEPOINT) {
		err = try_hooks(p, true);
		if (!err)
			goto net;
		explain("tp_btf/sys_enter", err);
		if (hooks == PROBE_HOOKS_TP_BTF || err == -EPERM ||
		    err == -EACCES)
			goto fail;
		fprintf(stderr, "probe: falling back to "
				"tracepoint/raw_syscalls/sys_enter\n");
	}
	err = tracefs__require(syscall_subsystems, 1,
			       "tracepoint/raw_syscalls/sys_enter");
	if (err)
		goto fail;
	err = try_hooks(p, false);
	if (err) {
		explain("tracepoint/raw_syscalls/sys_enter", err);
		goto fail;
	}
net:
	open_net(p, hooks, o->netns_ino);
	open_node(p, hooks);
	return p;
fail:
	free(p);
	errno = err < 0 ? -err : EINVAL;
	return NULL;
}

void probe__destroy(struct probe *p)
{
	if (!p)
		return;
	net_bpf__destroy(p->net);
	node_bpf__destroy(p->node);
	syscall_bpf__destroy(p->skel);
	free(p);
}

size_t probe__hooks(const struct probe *p, const char *const **names)
{
	static const char *const hooks[] = { "sys_enter", "sys_exit" };

	(void)p;
	*names = hooks;
	return sizeof(hooks) / sizeof(hooks[0]);
}

const char *probe__hook_kind(const struct probe *p)
{
	return p->hook_kind;
}

int probe__syscall_map_fd(const struct probe *p)
{
	return bpf_map__fd(p->skel->maps.syscall_hist);
}

int probe__cgroup_map_fd(const struct probe *p, enum dp_group g)
{
	if (!p->per_cgroup)
		return -1;
	if (g == DP_GROUP_SYSCALL)
		return bpf_map__fd(p->skel->maps.cgroup_hist);
	if (g == DP_GROUP_NET && p->net)
		return bpf_map__fd(p->net->maps.cgroup_hist);
	if (g == DP_GROUP_NODE && p->node)
		return bpf_map__fd(p->node->maps.cgroup_hist);
	return -1;
}

int probe__proc_map_fd(const struct probe *p)
{
	return p->proc_exemplars ? bpf_map__fd(p->skel->maps.proc_exemplar)
				 : -1;
}

const char *probe__node_hook_kind(const struct probe *p)
{
	return p->node ? "tp_btf" : NULL;
}

int probe__node_map_fd(const struct probe *p)
{
	return p->node ? bpf_map__fd(p->node->maps.node_hist) : -1;
}

const char *probe__net_hook_kind(const struct probe *p)
{
	return p->net_hook_kind;
}

int probe__net_map_fd(const struct probe *p)
{
	return p->net ? bpf_map__fd(p->net->maps.net_hist) : -1;
}

int probe__check_access(const struct probe *p)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(probe__syscall_map_fd(p), &info, &len) ?
		       -errno : 0;
}

size_t probe__ncpus(const struct probe *p)
{
	return (size_t)p->ncpus;
}
