// SPDX-License-Identifier: MIT
/*
 * The exporter-toolkit web config, parsed with libyaml's document API (the
 * file is small: the whole tree at once, then a walk two levels deep that
 * knows every key it accepts). Anything unexpected is an error naming
 * FILE:LINE: a file that asks for a protection we would quietly drop must
 * not start a server without it. Relative file names resolve against the
 * config file's directory, as exporter-toolkit resolves them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "safe_file.h"
#include "textesc.h"
#include "web_config.h"

#define WEB_CONFIG_MAX_FILE (1u << 20)

struct walk {
	yaml_document_t *doc;
	const char *path;
	struct web_config *wc;
	char *err;
	size_t errlen;
};

/*
 * "PATH:LINE: ..." for node n; -EINVAL. The message quotes values from
 * the file: escaped (textesc.h), so it stays one line a terminal shows
 * as it is.
 */
static int fail(const struct walk *w, const yaml_node_t *n,
		const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	int off;

	off = snprintf(w->err, w->errlen, "%s:%lu: ", w->path,
		       (unsigned long)n->start_mark.line + 1);
	if (off < 0 || (size_t)off >= w->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	textesc__str(text, w->err + off, w->errlen - (size_t)off);
	return -EINVAL;
}

/* A plain empty, "~" or "null" scalar: YAML's null. */
static bool is_null(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* Node n as a non-empty string without NUL bytes; key names it. */
static int scalar(const struct walk *w, const yaml_node_t *n,
		  const char *key, const char **out)
{
	if (n->type != YAML_SCALAR_NODE || is_null(n))
		return fail(w, n, "%s: expected a non-empty string", key);
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
		return fail(w, n, "%s: contains a NUL byte", key);
	*out = (const char *)n->data.scalar.value;
	return 0;
}

/* name, relative to the config file's directory unless absolute. */
static int resolve(const struct walk *w, const yaml_node_t *n,
		   const char *key, char **out)
{
	const char *name, *slash = strrchr(w->path, '/');
	int err = scalar(w, n, key, &name);

	if (err)
		return err;
	if (name[0] == '/' || !slash)
		*out = strdup(name);
	else if (asprintf(out, "%.*s/%s", (int)(slash - w->path), w->path,
			  name) < 0)
		*out = NULL;
	return *out ? 0 : -ENOMEM;
}

/* One of names[] (NULL-terminated): its index in *out. */
static int choice(const struct walk *w, const yaml_node_t *n, const char *key,
		  const char *const *names, const char *expected, int *out)
{
	const char *v;
	int err = scalar(w, n, key, &v);

	if (err)
		return err;
	for (int i = 0; names[i]; i++)
		if (!strcmp(v, names[i])) {
			*out = i;
			return 0;
		}
	return fail(w, n, "%s: unknown value '%s'; expected %s", key, v,
		    expected);
}

/* Whether key k of mapping m was already seen before pair p. */
static bool repeated(yaml_document_t *doc, const yaml_node_t *m,
		     const yaml_node_pair_t *p)
{
	const char *k = (const char *)yaml_document_get_node(doc, p->key)->data.scalar.value;

	for (const yaml_node_pair_t *q = m->data.mapping.pairs.start; q < p; q++)
		if (!strcmp(k, (const char *)yaml_document_get_node(
				    doc, q->key)->data.scalar.value))
			return true;
	return false;
}

/*
 * Walk mapping m (named section) and call fn on each pair; keys must be
 * strings and unique. A null section is an empty one.
 */
typedef int (*pair_fn)(struct walk *w, const yaml_node_t *key,
		       const yaml_node_t *value);

static int each_pair(struct walk *w, const yaml_node_t *m,
		     const char *section, pair_fn fn)
{
	int err = 0;

	if (is_null(m))
		return 0;
	if (m->type != YAML_MAPPING_NODE)
		return fail(w, m, "%s: expected a mapping of keys to values",
			    section);
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	     p < m->data.mapping.pairs.top && !err; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);

		if (!k || !v || k->type != YAML_SCALAR_NODE)
			return fail(w, k ? k : m, "%s: expected string keys",
				    section);
		if (repeated(w->doc, m, p))
			return fail(w, k, "%s: key '%s' given twice", section,
				    (const char *)k->data.scalar.value);
		err = fn(w, k, v);
	}
	return err;
}

static const char *const client_auth_names[] = {
	[WEB_CLIENT_AUTH_NONE] = "NoClientCert",
	[WEB_CLIENT_AUTH_VERIFY_IF_GIVEN] = "VerifyClientCertIfGiven",
	[WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY] = "RequireAndVerifyClientCert",
	NULL,
};
static const char *const version_names[] = {
	[WEB_TLS12] = "TLS12", [WEB_TLS13] = "TLS13", NULL,
};

static int tls_pair(struct walk *w, const yaml_node_t *k,
		    const yaml_node_t *v)
{
	const char *key = (const char *)k->data.scalar.value;
	struct web_config *wc = w->wc;
	int i = 0, err;

	if (!strcmp(key, "cert_file"))
		return resolve(w, v, "tls_server_config.cert_file",
			       &wc->cert_file);
	if (!strcmp(key, "key_file"))
		return resolve(w, v, "tls_server_config.key_file",
			       &wc->key_file);
	if (!strcmp(key, "client_ca_file"))
		return resolve(w, v, "tls_server_config.client_ca_file",
			       &wc->client_ca_file);
	if (!strcmp(key, "client_auth_type")) {
		err = choice(w, v, "tls_server_config.client_auth_type",
			     client_auth_names, "NoClientCert, "
			     "VerifyClientCertIfGiven or "
			     "RequireAndVerifyClientCert (driftprobe does not "
			     "take a client certificate it does not verify)",
			     &i);
		wc->client_auth = i;
		return err;
	}
	if (!strcmp(key, "min_version")) {
		err = choice(w, v, "tls_server_config.min_version",
			     version_names, "TLS12 or TLS13", &i);
		wc->min_version = i;
		return err;
	}
	return fail(w, k, "tls_server_config: unknown key '%s'; expected "
		    "cert_file, key_file, client_auth_type, client_ca_file or "
		    "min_version", key);
}

bool web_config__is_bcrypt(const char *h)
{
	static const char b64[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789";
	int cost;

	if (strlen(h) != 60 || h[0] != '$' || h[1] != '2' ||
	    !strchr("aby", h[2]) || h[3] != '$' || h[6] != '$' ||
	    h[4] < '0' || h[4] > '3' || h[5] < '0' || h[5] > '9')
		return false;
	cost = (h[4] - '0') * 10 + (h[5] - '0');
	return cost >= 4 && cost <= 31 && strspn(h + 7, b64) == 53;
}

static int user_pair(struct walk *w, const yaml_node_t *k,
		     const yaml_node_t *v)
{
	const char *name = (const char *)k->data.scalar.value, *hash;
	struct web_config *wc = w->wc;
	struct web_user *u;
	int err;

	if (!*name || strchr(name, ':') ||
	    strlen(name) != k->data.scalar.length)
		return fail(w, k, "basic_auth_users: bad user name '%s'; "
			    "expected a non-empty name without ':'", name);
	err = scalar(w, v, "basic_auth_users", &hash);
	if (err)
		return err;
	if (!web_config__is_bcrypt(hash))
		return fail(w, v, "basic_auth_users.%s: not a bcrypt hash; "
			    "expected $2b$ (or $2a$, $2y$), a cost from 04 "
			    "to 31 and 53 characters (htpasswd -nbBC 10 USER "
			    "PASSWORD makes one)", name);
	u = reallocarray(wc->users, wc->nusers + 1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	wc->users = u;
	u += wc->nusers;
	u->name = strdup(name);
	u->hash = strdup(hash);
	wc->nusers++;
	return u->name && u->hash ? 0 : -ENOMEM;
}

static int top_pair(struct walk *w, const yaml_node_t *k,
		    const yaml_node_t *v)
{
	const char *key = (const char *)k->data.scalar.value;

	if (!strcmp(key, "tls_server_config")) {
		w->wc->tls = true;
		return each_pair(w, v, key, tls_pair);
	}
	if (!strcmp(key, "basic_auth_users"))
		return each_pair(w, v, key, user_pair);
	return fail(w, k, "unknown key '%s'; expected tls_server_config or "
		    "basic_auth_users", key);
}

/* What exporter-toolkit also refuses: settings that cannot work together. */
static int check(struct walk *w, const yaml_node_t *root)
{
	const struct web_config *wc = w->wc;
	bool verify = wc->client_auth != WEB_CLIENT_AUTH_NONE;

	if (!wc->tls)
		return 0;
	if (!wc->cert_file || !wc->key_file)
		return fail(w, root, "tls_server_config: missing %s; expected "
			    "both cert_file and key_file",
			    wc->cert_file ? "key_file" : "cert_file");
	if (verify && !wc->client_ca_file)
		return fail(w, root, "tls_server_config: client_auth_type %s "
			    "needs client_ca_file (the CA that signs client "
			    "certificates)", client_auth_names[wc->client_auth]);
	if (!verify && wc->client_ca_file)
		return fail(w, root, "tls_server_config: client_ca_file without "
			    "a client_auth_type that verifies; expected "
			    "VerifyClientCertIfGiven or "
			    "RequireAndVerifyClientCert");
	return 0;
}

static int walk_document(struct walk *w)
{
	yaml_node_t *root = yaml_document_get_root_node(w->doc);
	int err;

	if (!root)			/* an empty file: nothing asked */
		return 0;
	if (root->type != YAML_MAPPING_NODE && !is_null(root))
		return fail(w, root, "expected a mapping with "
			    "tls_server_config and/or basic_auth_users");
	err = each_pair(w, root, "the file", top_pair);
	return err ? err : check(w, root);
}

/* After the first document: nothing (a stream of several is refused). */
static int only_document(struct walk *w, yaml_parser_t *parser)
{
	yaml_node_t *root = yaml_document_get_root_node(w->doc);
	yaml_document_t next;
	int ret = 0;

	if (!yaml_parser_load(parser, &next))
		return fail(w, root, "not YAML after the first document: %s",
			    parser->problem ? parser->problem : "parse error");
	if (yaml_document_get_root_node(&next))
		ret = fail(w, yaml_document_get_root_node(&next),
			   "a second YAML document; expected one");
	yaml_document_delete(&next);
	return ret;
}

struct web_config *web_config__parse(const char *text, size_t len,
				     const char *path, char *err,
				     size_t errlen)
{
	struct web_config *wc = calloc(1, sizeof(*wc));
	yaml_parser_t parser;
	yaml_document_t doc;
	struct walk w = { &doc, path, wc, err, errlen };
	int ret = -ENOMEM;

	if (!wc || !yaml_parser_initialize(&parser)) {
		free(wc);
		snprintf(err, errlen, "%s: out of memory", path);
		errno = ENOMEM;
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%lu: not YAML: %s", path,
			 (unsigned long)parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "parse error");
		yaml_parser_delete(&parser);
		web_config__free(wc);
		errno = EINVAL;
		return NULL;
	}
	ret = walk_document(&w);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
	if (!ret && yaml_document_get_root_node(&doc))
		ret = only_document(&w, &parser);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (ret) {
		web_config__free(wc);
		errno = -ret;
		return NULL;
	}
	return wc;
}

struct web_config *web_config__load(const char *path, char *err,
				    size_t errlen)
{
	size_t len;
	char *text = safe_file__read(path, WEB_CONFIG_MAX_FILE, "1 MiB",
				     "web config", &len, err, errlen);
	struct web_config *wc;
	int saved;

	if (!text)
		return NULL;
	wc = web_config__parse(text, len, path, err, errlen);
	saved = errno;
	free(text);
	errno = saved;
	return wc;
}

void web_config__free(struct web_config *wc)
{
	if (!wc)
		return;
	free(wc->cert_file);
	free(wc->key_file);
	free(wc->client_ca_file);
	for (size_t i = 0; i < wc->nusers; i++) {
		free(wc->users[i].name);
		free(wc->users[i].hash);
	}
	free(wc->users);
	free(wc);
}
