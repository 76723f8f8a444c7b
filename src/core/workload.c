// SPDX-License-Identifier: MIT
/*
 * The workload rules (workload.h): user rules, then Kubernetes pods,
 * container scopes and systemd units recognised from the names their
 * runtimes give cgroups. Pure: string work only; the node's files are
 * read by workload_node.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "window.h"
#include "workload.h"

#define RULE_ARROW	"=>"
#define RULE_GROUPS	10	/* \0 .. \9 */

static void set_err(char *err, size_t errlen, const char *spec,
		    const char *what)
{
	snprintf(err, errlen, "workload rule '%s': %s; expected "
		 "'REGEX => NAME'", spec, what);
}

/* s without leading and trailing blanks, copied (NULL: no memory). */
static char *trimmed(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return strndup(s, len);
}

/* The highest \N in a template (0 if none). */
static unsigned int max_group(const char *tmpl)
{
	unsigned int max = 0;

	for (const char *p = tmpl; *p; p++)
		if (*p == '\\' && p[1] >= '0' && p[1] <= '9') {
			if ((unsigned int)(p[1] - '0') > max)
				max = (unsigned int)(p[1] - '0');
			p++;
		}
	return max;
}

int workload_rules__add(struct workload_rules *r, const char *spec,
			char *err, size_t errlen)
{
	const char *arrow = strstr(spec, RULE_ARROW);
	struct workload_rule rule = { 0 }, *grown;
	char msg[128];
	int rc;

	if (!arrow) {
		set_err(err, errlen, spec, "no '=>'");
		return -EINVAL;
	}
	rule.text = strdup(spec);
	rule.name = trimmed(arrow + strlen(RULE_ARROW),
			    strlen(arrow + strlen(RULE_ARROW)));
	char *re = trimmed(spec, (size_t)(arrow - spec));

	if (!rule.text || !rule.name || !re) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = -EINVAL;
	if (!*re || !*rule.name) {
		set_err(err, errlen, spec, !*re ? "empty REGEX" : "empty NAME");
		goto fail;
	}
	if (window__is_program(rule.name)) {
		set_err(err, errlen, spec, "NAME may not start with \""
			WINDOW_PROGRAM_PREFIX "\" (that is a program scope)");
		goto fail;
	}
	int cerr = regcomp(&rule.re, re, REG_EXTENDED);

	if (cerr) {
		char why[96];

		regerror(cerr, &rule.re, why, sizeof(why));
		snprintf(msg, sizeof(msg), "REGEX does not compile (%s)", why);
		set_err(err, errlen, spec, msg);
		goto fail;
	}
	if (max_group(rule.name) > rule.re.re_nsub) {
		snprintf(msg, sizeof(msg), "NAME uses \\%u but REGEX has %zu "
			 "group(s)", max_group(rule.name), rule.re.re_nsub);
		set_err(err, errlen, spec, msg);
		regfree(&rule.re);
		goto fail;
	}
	grown = reallocarray(r->rules, r->n + 1, sizeof(*r->rules));
	if (!grown) {
		regfree(&rule.re);
		rc = -ENOMEM;
		goto fail;
	}
	r->rules = grown;
	r->rules[r->n++] = rule;
	free(re);
	return 0;
fail:
	free(re);
	free(rule.text);
	free(rule.name);
	return rc;
}

void workload_rules__free(struct workload_rules *r)
{
	for (size_t i = 0; i < r->n; i++) {
		regfree(&r->rules[i].re);
		free(r->rules[i].text);
		free(r->rules[i].name);
	}
	free(r->rules);
	*r = (struct workload_rules){ 0 };
}

/* Append s[0..len) to out (cut at its end). */
static void put(char *out, size_t *at, const char *s, size_t len)
{
	while (len-- && *at + 1 < WORKLOAD_NAME_MAX)
		out[(*at)++] = *s++;
	out[*at] = '\0';
}

/* A user rule's name for path, if one matches. */
static bool user_rule(const struct workload_rules *r, const char *path,
		      char *out)
{
	regmatch_t m[RULE_GROUPS];

	for (size_t i = 0; r && i < r->n; i++) {
		size_t at = 0;

		if (regexec(&r->rules[i].re, path, RULE_GROUPS, m, 0))
			continue;
		out[0] = '\0';
		for (const char *p = r->rules[i].name; *p; p++) {
			if (*p == '\\' && p[1] >= '0' && p[1] <= '9') {
				const regmatch_t *g = &m[p[1] - '0'];

				if (g->rm_so >= 0)
					put(out, &at, path + g->rm_so,
					    (size_t)(g->rm_eo - g->rm_so));
				p++;
			} else {
				put(out, &at, p, 1);
			}
		}
		return true;
	}
	return false;
}

static bool all_of(const char *s, size_t len, const char *set)
{
	for (size_t i = 0; i < len; i++)
		if (!s[i] || !strchr(set, s[i]))
			return false;
	return len > 0;
}

#define HEX		"0123456789abcdef"
#define DIGITS		"0123456789"
/* Kubernetes' generated names: consonants and digits that spell nothing. */
#define KUBE_ALPHABET	"bcdfghjklmnpqrstvwxz2456789"

/* One path component: s[0..len). */
struct comp {
	const char *s;
	size_t len;
};

static bool comp_is(struct comp c, const char *prefix, const char *suffix,
		    struct comp *middle)
{
	size_t p = strlen(prefix), q = strlen(suffix);

	if (c.len < p + q || strncmp(c.s, prefix, p) ||
	    strncmp(c.s + c.len - q, suffix, q))
		return false;
	*middle = (struct comp){ c.s + p, c.len - p - q };
	return true;
}

/* A container runtime's scope name: which runtime, and the id. */
struct runtime_scope {
	const char *prefix, *kind;
};

static const struct runtime_scope runtime_scopes[] = {
	{ "docker-", "docker" },
	{ "cri-containerd-", "containerd" },
	{ "crio-conmon-", "crio" },
	{ "crio-", "crio" },
	{ "libpod-conmon-", "podman" },
	{ "libpod-", "podman" },
	{ "", NULL },		/* a bare id (cgroupfs drivers) */
};

/* Is c a container's cgroup? Its runtime (NULL: bare id) and id. */
static bool container_comp(struct comp c, const char **kind, char *id)
{
	for (size_t i = 0; i < sizeof(runtime_scopes) / sizeof(*runtime_scopes);
	     i++) {
		const struct runtime_scope *rs = &runtime_scopes[i];
		struct comp mid;

		if (!comp_is(c, rs->prefix, rs->kind ? ".scope" : "", &mid) ||
		    mid.len != WORKLOAD_ID_LEN || !all_of(mid.s, mid.len, HEX))
			continue;
		*kind = rs->kind;
		memcpy(id, mid.s, WORKLOAD_ID_LEN);
		id[WORKLOAD_ID_LEN] = '\0';
		return true;
	}
	return false;
}

/* Is c a pod's cgroup? Its UID with dashes. */
static bool pod_comp(struct comp c, char *uid)
{
	static const char *const prefixes[] = {
		"pod", "kubepods-pod", "kubepods-burstable-pod",
		"kubepods-besteffort-pod",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
		struct comp mid;

		if (!comp_is(c, prefixes[i], i ? ".slice" : "", &mid) ||
		    mid.len != WORKLOAD_UID_LEN ||
		    !all_of(mid.s, mid.len, HEX "-_"))
			continue;
		for (size_t k = 0; k < mid.len; k++)
			uid[k] = mid.s[k] == '_' ? '-' : mid.s[k];
		uid[mid.len] = '\0';
		return true;
	}
	return false;
}

/* Does s[0..len) end in a UUID (8-4-4-4-12 hex)? */
static bool ends_in_uuid(const char *s, size_t len)
{
	static const size_t groups[] = { 8, 4, 4, 4, 12 };
	size_t at;

	if (len < 36)
		return false;
	at = len - 36;
	for (size_t g = 0; g < 5; g++) {
		if (!all_of(s + at, groups[g], HEX))
			return false;
		at += groups[g];
		if (g < 4 && s[at++] != '-')
			return false;
	}
	return true;
}

/*
 * How much of a unit's base name (without ".scope"/".service") is a
 * generated part to replace with "*": 0 when none. After '@': a random
 * instance (a UUID, or 16+ hex digits); "user@1000" is kept. After the
 * last '-' of a scope or a "run-" unit: digits, 8+ hex digits, "r"/"u"
 * and hex (systemd-run), or a UUID.
 */
static size_t generated_tail(const char *s, size_t len, bool scope)
{
	const char *at = memrchr(s, '@', len), *dash;
	size_t tail;

	if (at) {
		tail = len - (size_t)(at + 1 - s);
		return (ends_in_uuid(s, len) && tail == 36) ||
		       (tail >= 16 && all_of(at + 1, tail, HEX)) ? tail : 0;
	}
	if (!scope && (len < 4 || strncmp(s, "run-", 4)))
		return 0;
	if (ends_in_uuid(s, len) && len > 36 && s[len - 37] == '-')
		return 36;
	dash = memrchr(s, '-', len);
	if (!dash)
		return 0;
	tail = len - (size_t)(dash + 1 - s);
	if (all_of(dash + 1, tail, DIGITS) ||
	    (tail >= 8 && all_of(dash + 1, tail, HEX)) ||
	    ((dash[1] == 'r' || dash[1] == 'u') &&
	     all_of(dash + 2, tail - 1, HEX)))
		return tail;
	return 0;
}

/* Append component c, its generated part as "*" when it is a unit. */
static void put_unit(char *out, size_t *at, struct comp c)
{
	struct comp base;
	bool scope = comp_is(c, "", ".scope", &base);
	size_t tail;

	if (!scope && !comp_is(c, "", ".service", &base)) {
		put(out, at, c.s, c.len);
		return;
	}
	tail = generated_tail(base.s, base.len, scope);
	put(out, at, base.s, base.len - tail);
	if (tail)
		put(out, at, "*", 1);
	put(out, at, base.s + base.len, c.len - base.len);
}

/* The next component of *p ("/a/b": "a", then "b"); false at the end. */
static bool next_comp(const char **p, struct comp *c)
{
	while (**p == '/')
		(*p)++;
	if (!**p)
		return false;
	c->s = *p;
	c->len = strcspn(*p, "/");
	*p += c->len;
	return true;
}

static void short_name(char *out, const char *kind, const char *id)
{
	snprintf(out, WORKLOAD_NAME_MAX, "%s:%.*s", kind, WORKLOAD_SHORT_ID,
		 id);
}

void workload__classify(const struct workload_rules *r, const char *scope,
			struct workload_ref *ref)
{
	const char *p = scope, *kind = NULL;
	struct comp c, prev = { "", 0 };
	size_t at = 0;

	*ref = (struct workload_ref){ .kind = WORKLOAD_PATH };
	if (scope[0] != '/' || !scope[1]) {	/* "/", a program */
		put(ref->name, &at, scope, strlen(scope));
		return;
	}
	if (user_rule(r, scope, ref->name)) {
		ref->kind = WORKLOAD_USER;
		return;
	}
	while (next_comp(&p, &c)) {
		if (pod_comp(c, ref->pod_uid)) {
			ref->kind = WORKLOAD_K8S;
		} else if (container_comp(c, &kind, ref->container_id)) {
			if (ref->kind == WORKLOAD_K8S)
				break;
			if (!kind && prev.len == 6 &&
			    !strncmp(prev.s, "docker", 6))
				kind = "docker";
			ref->kind = kind && !strcmp(kind, "docker") ?
				    WORKLOAD_DOCKER : WORKLOAD_CONTAINER;
			short_name(ref->name, kind ? kind : "container",
				   ref->container_id);
			return;
		}
		if (ref->kind != WORKLOAD_K8S) {
			put(ref->name, &at, "/", 1);
			put_unit(ref->name, &at, c);
		}
		prev = c;
	}
	if (ref->kind == WORKLOAD_K8S)
		snprintf(ref->name, sizeof(ref->name), "k8s:pod%s%s%.*s",
			 ref->pod_uid, ref->container_id[0] ? "/" : "",
			 WORKLOAD_SHORT_ID, ref->container_id);
}

/* Take the last "-TOKEN" off s if TOKEN is all of set, min..max long. */
static bool drop_token(char *s, const char *set, size_t min, size_t max)
{
	char *dash = strrchr(s, '-');
	size_t len;

	if (!dash || dash == s)
		return false;
	len = strlen(dash + 1);
	if (len < min || len > max || !all_of(dash + 1, len, set))
		return false;
	*dash = '\0';
	return true;
}

void workload__pod_workload(const char *pod, char *out)
{
	strcpy(out, pod);
	if (drop_token(out, KUBE_ALPHABET, 5, 5)) {
		/* Deployment's pod-template-hash, or CronJob's minute */
		if (!drop_token(out, KUBE_ALPHABET, 6, 10))
			drop_token(out, DIGITS, 8, 12);
	} else {
		drop_token(out, DIGITS, 1, 6);	/* StatefulSet ordinal */
	}
}

void workload__docker_workload(const char *name, char *out, size_t len)
{
	size_t n;

	if (*name == '/')
		name++;
	snprintf(out, len, "%s", name);
	n = strlen(out);
	while (n && isdigit((unsigned char)out[n - 1]))
		n--;
	if (n > 1 && n < strlen(out) && (out[n - 1] == '-' ||
					  out[n - 1] == '_'))
		out[n - 1] = '\0';
}
