// SPDX-License-Identifier: MIT
/*
 * BPF lifecycle: open the skeleton, pick one hook flavour by autoload, load,
 * attach; on failure of tp_btf fall back to classic tracepoints (which need
 * tracefs). Prints one clear line per failure; libbpf's own log only with
 * --verbose.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "probe.h"
#include "syscall.skel.h"

#define BTF_PATH "/sys/kernel/btf/vmlinux"

static const char *const tracefs_event_dirs[] = {
	"/sys/kernel/tracing/events/raw_syscalls",
	"/sys/kernel/debug/tracing/events/raw_syscalls",
};

struct probe {
	struct syscall_bpf *skel;
	const char *hook_kind;
	int ncpus;
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

static bool tracefs_has_raw_syscalls(void)
{
	for (size_t i = 0; i < sizeof(tracefs_event_dirs) /
			       sizeof(tracefs_event_dirs[0]); i++)
		if (!access(tracefs_event_dirs[i], R_OK))
			return true;
	return false;
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
	bpf_program__set_autoload(s->progs.tp_sys_enter, !use_btf);
	bpf_program__set_autoload(s->progs.tp_sys_exit, !use_btf);
	bpf_map__set_autocreate(s->maps.task_start, use_btf);
	bpf_map__set_autocreate(s->maps.tid_start, !use_btf);

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
	if (err == -EPERM || err == -EACCES)
		fprintf(stderr,
			"probe '%s': permission denied: driftprobe needs root, "
			"or CAP_BPF and CAP_PERFMON\n", hook);
	else
		fprintf(stderr, "probe '%s': failed to load/attach: %s\n", hook,
			strerror(-err));
}

struct probe *probe__open(enum probe_hooks hooks, bool verbose)
{
	struct probe *p;
	int err = 0;

	verbose_libbpf = verbose;
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
			return p;
		explain("tp_btf/sys_enter", err);
		if (hooks == PROBE_HOOKS_TP_BTF || err == -EPERM ||
		    err == -EACCES)
			goto fail;
		fprintf(stderr, "probe: falling back to "
				"tracepoint/raw_syscalls/sys_enter\n");
	}
	if (!tracefs_has_raw_syscalls()) {
		fprintf(stderr,
			"probe 'tracepoint/raw_syscalls/sys_enter': not "
			"available: tracefs is not mounted (mount -t tracefs "
			"nodev /sys/kernel/tracing)\n");
		err = -ENOENT;
		goto fail;
	}
	err = try_hooks(p, false);
	if (!err)
		return p;
	explain("tracepoint/raw_syscalls/sys_enter", err);
fail:
	free(p);
	errno = err < 0 ? -err : EINVAL;
	return NULL;
}

void probe__destroy(struct probe *p)
{
	if (!p)
		return;
	syscall_bpf__destroy(p->skel);
	free(p);
}

const char *probe__hook_kind(const struct probe *p)
{
	return p->hook_kind;
}

int probe__syscall_map_fd(const struct probe *p)
{
	return bpf_map__fd(p->skel->maps.syscall_hist);
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
