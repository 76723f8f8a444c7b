// SPDX-License-Identifier: MIT
/*
 * Workload names looked up in the node's files (workload_node.h): the
 * kubelet's pod-log directories for pods, docker's container configs for
 * docker containers, remembered per scope.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fc_table.h"
#include "window.h"
#include "workload_node.h"

#define POD_LOG_DIR		"var/log/pods"
#define CONTAINER_LOG_DIR	"var/log/containers"
#define DOCKER_DIR		"var/lib/docker/containers"
/* A container config larger than this is not read. */
#define DOCKER_CONFIG_MAX	(4u << 20)
/* Scopes remembered at most; past it the memory starts over. */
#define NAMES_MAX		16384

/* A workload name into out (WORKLOAD_NAME_MAX bytes), cut to fit. */
__attribute__((format(printf, 2, 3)))
static void set_name(char *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, WORKLOAD_NAME_MAX, fmt, ap);
	va_end(ap);
}

struct known_name {
	struct fc_key key;	/* first: feature 0, the scope */
	char *name;
	bool final;		/* found, or nothing to look for */
	unsigned long tried;	/* the window it was last looked for in */
};

struct workload_names {
	const struct workload_opts *o;
	struct fc_table known;	/* of struct known_name */
	unsigned long window;	/* windows labelled so far */
};

struct workload_names *workload_names__new(const struct workload_opts *o)
{
	struct workload_names *wn = calloc(1, sizeof(*wn));

	if (!wn)
		return NULL;
	wn->o = o;
	wn->known = (struct fc_table)FC_TABLE_INIT(struct known_name);
	return wn;
}

static void forget_all(struct workload_names *wn)
{
	for (size_t i = 0; i < wn->known.n; i++)
		free(((struct known_name *)fc_table__at(&wn->known, i))->name);
	fc_table__clear(&wn->known);
}

void workload_names__free(struct workload_names *wn)
{
	if (!wn)
		return;
	forget_all(wn);
	free(wn);
}

/* ROOT/rel (ROOT "/" when none). */
static void node_path(const struct workload_names *wn, char *out,
		      size_t len, const char *rel)
{
	const char *root = wn->o->host_root ? wn->o->host_root : "/";
	size_t n = strlen(root);

	snprintf(out, len, "%s%s%s", root, n && root[n - 1] == '/' ? "" : "/",
		 rel);
}

/* Does name end with suffix? */
static bool ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n >= s && !strcmp(name + n - s, suffix);
}

/*
 * The pod's directory name "NS_POD_UID" under the pod-log directory:
 * true with ns and pod filled (each < NAME_MAX + 1).
 */
static bool find_pod(const struct workload_names *wn, const char *uid,
		     char *ns, char *pod)
{
	char dir[PATH_MAX], suffix[WORKLOAD_UID_LEN + 2];
	struct dirent *de;
	bool found = false;
	DIR *d;

	node_path(wn, dir, sizeof(dir), POD_LOG_DIR);
	d = opendir(dir);
	if (!d)
		return false;
	snprintf(suffix, sizeof(suffix), "_%s", uid);
	while (!found && (de = readdir(d))) {
		const char *sep = strchr(de->d_name, '_');

		if (!sep || !ends_with(de->d_name, suffix) ||
		    sep + 1 >= de->d_name + strlen(de->d_name) - strlen(suffix))
			continue;
		snprintf(ns, NAME_MAX + 1, "%.*s", (int)(sep - de->d_name),
			 de->d_name);
		snprintf(pod, NAME_MAX + 1, "%.*s",
			 (int)(strlen(sep + 1) - strlen(suffix)), sep + 1);
		found = true;
	}
	closedir(d);
	return found;
}

/*
 * The container's name: from ROOT/var/log/containers/POD_NS_NAME-ID.log
 * when the id is known, else the pod's only container directory.
 */
static bool find_container(const struct workload_names *wn, const char *ns,
			   const char *pod, const char *uid, const char *id,
			   char *name)
{
	char dir[PATH_MAX], prefix[PATH_MAX], suffix[WORKLOAD_ID_LEN + 6];
	struct dirent *de;
	unsigned int dirs = 0;
	DIR *d;

	if (*id) {
		node_path(wn, dir, sizeof(dir), CONTAINER_LOG_DIR);
		d = opendir(dir);
		snprintf(prefix, sizeof(prefix), "%s_%s_", pod, ns);
		snprintf(suffix, sizeof(suffix), "-%s.log", id);
		while (d && (de = readdir(d))) {
			size_t n = strlen(de->d_name);

			if (strncmp(de->d_name, prefix, strlen(prefix)) ||
			    !ends_with(de->d_name, suffix) ||
			    n <= strlen(prefix) + strlen(suffix))
				continue;
			snprintf(name, NAME_MAX + 1, "%.*s",
				 (int)(n - strlen(prefix) - strlen(suffix)),
				 de->d_name + strlen(prefix));
			closedir(d);
			return true;
		}
		if (d)
			closedir(d);
	}
	snprintf(prefix, sizeof(prefix), POD_LOG_DIR "/%s_%s_%s", ns, pod, uid);
	node_path(wn, dir, sizeof(dir), prefix);
	d = opendir(dir);
	while (d && (de = readdir(d)))
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") &&
		    strcmp(de->d_name, "..") && !dirs++)
			snprintf(name, NAME_MAX + 1, "%s", de->d_name);
	if (d)
		closedir(d);
	return dirs == 1;
}

/* "k8s:NS/WORKLOAD[/CONTAINER]", or false (fallback kept). */
static bool k8s_name(const struct workload_names *wn,
		     const struct workload_ref *ref, char *out)
{
	char ns[NAME_MAX + 1], pod[NAME_MAX + 1], wl[NAME_MAX + 1];
	char container[NAME_MAX + 1];

	if (!find_pod(wn, ref->pod_uid, ns, pod))
		return false;
	workload__pod_workload(pod, wl);
	if (find_container(wn, ns, pod, ref->pod_uid, ref->container_id,
			   container))
		set_name(out, "k8s:%s/%s/%s", ns, wl,
			 container);
	else
		set_name(out, "k8s:%s/%s", ns, wl);
	return true;
}

/* A string member of o at path a.b (NULL: none). */
static const char *json_at(struct json_object *o, const char *a,
			   const char *b)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, a, &v) ||
	    (b && !json_object_object_get_ex(v, b, &v)) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * "docker:PROJECT-SERVICE" from compose's labels, else "docker:NAME"
 * with a replica number taken off; false when the config is not there.
 */
static bool docker_name(const struct workload_names *wn,
			const struct workload_ref *ref, char *out)
{
	char rel[PATH_MAX], path[PATH_MAX], wl[WORKLOAD_NAME_MAX];
	struct json_object *cfg, *labels = NULL;
	const char *project = NULL, *service = NULL, *name;
	struct stat st;
	bool ok = false;

	snprintf(rel, sizeof(rel), DOCKER_DIR "/%s/config.v2.json",
		 ref->container_id);
	node_path(wn, path, sizeof(path), rel);
	if (stat(path, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > DOCKER_CONFIG_MAX)
		return false;
	cfg = json_object_from_file(path);
	if (!cfg)
		return false;
	if (json_object_object_get_ex(cfg, "Config", &labels) &&
	    json_object_object_get_ex(labels, "Labels", &labels)) {
		project = json_at(labels, "com.docker.compose.project", NULL);
		service = json_at(labels, "com.docker.compose.service", NULL);
	}
	name = json_at(cfg, "Name", NULL);
	if (project && service && *project && *service) {
		set_name(out, "docker:%s-%s", project,
			 service);
		ok = true;
	} else if (name && *name && strcmp(name, "/")) {
		workload__docker_workload(name, wl, sizeof(wl));
		set_name(out, "docker:%s", wl);
		ok = true;
	}
	json_object_put(cfg);
	return ok;
}

/* Look scope's name up into k (its name replaced). 0 or -ENOMEM. */
static int look_up(struct workload_names *wn, struct known_name *k)
{
	struct workload_ref ref;
	char name[WORKLOAD_NAME_MAX];
	char *copy;

	workload__classify(&wn->o->rules, k->key.cgroup, &ref);
	set_name(name, "%s", ref.name);
	k->final = true;
	if (ref.kind == WORKLOAD_K8S)
		k->final = k8s_name(wn, &ref, name);
	else if (ref.kind == WORKLOAD_DOCKER)
		k->final = docker_name(wn, &ref, name);
	k->tried = wn->window;
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	free(k->name);
	k->name = copy;
	return 0;
}

/* The remembered entry of scope, looked up when due; NULL: no memory. */
static struct known_name *known(struct workload_names *wn, const char *scope)
{
	struct known_name *k = fc_table__find(&wn->known, 0, scope);

	if (!k && wn->known.n >= NAMES_MAX)
		forget_all(wn);
	if (!k)
		k = fc_table__get(&wn->known, 0, scope);
	if (!k)
		return NULL;
	if ((!k->name || (!k->final && k->tried != wn->window)) &&
	    look_up(wn, k))
		return NULL;
	return k;
}

const char *workload_names__name(struct workload_names *wn,
				 const char *scope)
{
	struct known_name *k = known(wn, scope);

	return k ? k->name : scope;
}

int workload_names__label(struct workload_names *wn, struct window *w)
{
	wn->window++;
	for (size_t i = 0; i < w->n; i++) {
		struct window_hist *h = &w->hists[i];
		struct known_name *k;
		int err;

		if (h->workload)
			continue;
		k = known(wn, h->cgroup);
		if (!k)
			return -ENOMEM;
		if (!strcmp(k->name, h->cgroup))	/* its own: no lookup */
			continue;
		err = window__set_workload(w, h->feature, h->cgroup, k->name);
		if (err)
			return err;
	}
	return window__index_workloads(w);
}
