/* SPDX-License-Identifier: MIT */
/*
 * Workload names from the node's own files: the rules of workload.h, then
 * for a pod the kubelet's log layout (ROOT/var/log/pods/NS_POD_UID/
 * CONTAINER/, and ROOT/var/log/containers/POD_NS_CONTAINER-ID.log to tell
 * a pod's containers apart), for a docker container its config
 * (ROOT/var/lib/docker/containers/ID/config.v2.json: compose project and
 * service, else its name). ROOT is "/" on the host, or where a container
 * mounted the host's (--host-root). Names found are remembered; a
 * container's whose files are not there yet is looked for again at most
 * once a window.
 */
#ifndef DRIFTPROBE_WORKLOAD_NODE_H
#define DRIFTPROBE_WORKLOAD_NODE_H

#include "workload.h"

struct window;

struct workload_opts {
	struct workload_rules rules;	/* --workload-rule, in order */
	const char *host_root;		/* --host-root, default "/" */
};

struct workload_names;

/* o is kept (not copied). NULL + errno ENOMEM. */
struct workload_names *workload_names__new(const struct workload_opts *o);
void workload_names__free(struct workload_names *wn);

/* The workload of scope (a valid string until the next call). */
const char *workload_names__name(struct workload_names *wn,
				 const char *scope);

/*
 * Set the workload of every histogram of w that has none (a record that
 * carried one keeps it), and index them. 0 or -ENOMEM.
 */
int workload_names__label(struct workload_names *wn, struct window *w);

#endif /* DRIFTPROBE_WORKLOAD_NODE_H */
