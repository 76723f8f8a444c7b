/* SPDX-License-Identifier: MIT */
/*
 * Workload identity: the name every replica and restart of one service,
 * container or pod shares, derived from a cgroup path, so that a baseline
 * learnt for it keeps judging it after a redeploy gives it a new cgroup.
 *
 * This file holds the rules, pure: a path in, a name or what to look up
 * out (workload_node.h does the lookups in the node's own files). In
 * order, the first that applies:
 *
 * 1. the user's rules, "REGEX => NAME" (POSIX extended, on the path; \1 to
 *    \9 in NAME are the groups);
 * 2. Kubernetes: a path with a pod component (cgroupfs "pod<UID>",
 *    systemd "kubepods-<qos>-pod<UID_>.slice") is "k8s:NS/WORKLOAD/
 *    CONTAINER", from the kubelet's pod-log directory; WORKLOAD is the pod
 *    name without its controller's generated suffixes
 *    (workload__pod_workload);
 * 3. containers: "docker-<id>.scope" or ".../docker/<id>" is
 *    "docker:NAME" (the container's name, a compose replica number
 *    stripped); "cri-containerd-", "crio-", "libpod-" scopes are
 *    "containerd:", "crio:", "podman:" with the id's first 12 digits (no
 *    name is kept by those runtimes in a file we can read);
 * 4. systemd: the path with its units' generated parts made "*":
 *    "session-3.scope" -> "session-*.scope", "run-u42.service" ->
 *    "run-*.service", "app-firefox-4242.scope" -> "app-firefox-*.scope",
 *    "app-x@0f4c...e5.service" -> "app-x@*.service";
 * 5. anything else is its own path.
 *
 * A container or pod whose name cannot be found keeps its id (it is then
 * judged only while that container lives); "/" and program scopes are
 * never renamed.
 */
#ifndef DRIFTPROBE_WORKLOAD_H
#define DRIFTPROBE_WORKLOAD_H

#include <regex.h>
#include <stddef.h>

#define WORKLOAD_NAME_MAX	256	/* with its NUL */
#define WORKLOAD_ID_LEN		64	/* a container id, hex */
#define WORKLOAD_SHORT_ID	12	/* digits of it in a fallback name */
#define WORKLOAD_UID_LEN	36	/* a pod UID, with its dashes */

/* A user rule: what the path must match, and the name it gives. */
struct workload_rule {
	char *text;		/* as given, for messages */
	char *name;		/* the template, \1..\9 for groups */
	regex_t re;
};

struct workload_rules {
	size_t n;
	struct workload_rule *rules;
};

/*
 * Add the rule "REGEX => NAME" (spaces around "=>" optional). -EINVAL with
 * a message in err for a missing "=>", an empty side, a regex that does
 * not compile, a group reference beyond the regex's groups, or a NAME
 * starting with "program:"; -ENOMEM.
 */
int workload_rules__add(struct workload_rules *r, const char *spec,
			char *err, size_t errlen);
void workload_rules__free(struct workload_rules *r);

enum workload_kind {
	WORKLOAD_PATH,		/* its path (systemd-normalised) is the name */
	WORKLOAD_USER,		/* a user rule's name */
	WORKLOAD_K8S,		/* needs the pod's log directory */
	WORKLOAD_DOCKER,	/* needs docker's container config */
	WORKLOAD_CONTAINER,	/* another runtime: kind + short id */
};

/* What the rules make of a path. */
struct workload_ref {
	enum workload_kind kind;
	char name[WORKLOAD_NAME_MAX];	/* PATH, USER, CONTAINER: the name;
					   K8S, DOCKER: the fallback */
	char pod_uid[WORKLOAD_UID_LEN + 1];	/* K8S */
	char container_id[WORKLOAD_ID_LEN + 1];	/* K8S (may be ""), DOCKER */
};

/*
 * Apply the rules (r may be NULL: built-ins only) to a scope: "/", a
 * cgroup path, or a program scope (never renamed). Names too long are cut
 * at WORKLOAD_NAME_MAX - 1 bytes.
 */
void workload__classify(const struct workload_rules *r, const char *scope,
			struct workload_ref *ref);

/*
 * The workload of a pod name: its controller's generated suffixes taken
 * off. "web-7d9f8c6b5-x2x9k" (Deployment) -> "web", "agent-x7k2p"
 * (DaemonSet, bare ReplicaSet) -> "agent", "db-0" (StatefulSet) -> "db",
 * "backup-28391234-abcde" (CronJob) -> "backup"; anything else whole.
 * out holds at least strlen(pod) + 1 bytes.
 */
void workload__pod_workload(const char *pod, char *out);

/*
 * A docker container's workload from its name: the leading "/" and a
 * compose replica number ("shop-web-1", "shop_web_2") taken off.
 */
void workload__docker_workload(const char *name, char *out, size_t len);

#endif /* DRIFTPROBE_WORKLOAD_H */
