// SPDX-License-Identifier: MIT
/*
 * Basic auth against bcrypt hashes, and the cache that keeps a scraper from
 * paying bcrypt (tens of ms at cost 10) at every scrape.
 *
 * What the cache holds and why it is safe enough:
 * - only successful checks: credentials that failed are never remembered,
 *   so nobody without a valid password can fill or evict it;
 * - never the password: an entry is the user and HMAC-SHA256 under a key
 *   drawn from getrandom at start (never stored elsewhere) of the user's
 *   bcrypt hash and the password presented. A copy of the memory is no
 *   table lookup away from a password; the key is as secret as the rest;
 * - lookups compare every entry of that user with a constant-time compare
 *   and no early exit; bcrypt's result is compared in constant time too;
 * - BASIC_AUTH_CACHE_N entries at most, the least recently used replaced.
 * An unknown user pays a bcrypt against the first user's setting, so the
 * reply time does not say which names exist; a request without
 * credentials pays nothing.
 *
 * bcrypt runs on the server's one thread, so guessing passwords would
 * also stall every scrape. Bcrypts are rationed instead: a bucket of
 * BCRYPT_BURST that refills at BCRYPT_PER_S; a check that would need one
 * while it is empty is refused at once. A scraper already in the cache
 * does not notice; a new one may need a retry while someone guesses.
 */
#include <crypt.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <gnutls/crypto.h>
#include "basic_auth.h"

#define TAG_LEN 32	/* SHA-256 */
#define BCRYPT_PER_S	10.0
#define BCRYPT_BURST	10.0

struct cache_entry {
	bool used;
	size_t user;
	unsigned long last_use;
	unsigned char tag[TAG_LEN];
};

struct basic_auth {
	size_t n;
	struct basic_auth_user *users;	/* copies */
	unsigned char key[32];
	unsigned long clock, hits, bcrypts, rationed;
	double tokens, refilled;	/* the bcrypt ration, as of when */
	struct cache_entry cache[BASIC_AUTH_CACHE_N];
	struct crypt_data crypt;	/* 32 KiB: one, not on the stack */
};

/* Equal without saying where they differ (the time does not depend on it). */
static bool same_bytes(const void *a, const void *b, size_t len)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;

	for (size_t i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return !d;
}

/* HMAC(key, hash '\0' password): which credentials an entry stands for. */
static int tag_of(const struct basic_auth *a, size_t user,
		  const char *password, unsigned char *tag)
{
	size_t hl = strlen(a->users[user].hash), pl = strlen(password);
	char *msg = malloc(hl + 1 + pl);
	int err;

	if (!msg)
		return -ENOMEM;
	memcpy(msg, a->users[user].hash, hl + 1);
	memcpy(msg + hl + 1, password, pl);
	err = gnutls_hmac_fast(GNUTLS_MAC_SHA256, a->key, sizeof(a->key), msg,
			       hl + 1 + pl, tag);
	explicit_bzero(msg, hl + 1 + pl);
	free(msg);
	return err ? -EIO : 0;
}

/* The entry of user with tag, or NULL; looks at every entry. */
static struct cache_entry *cached(struct basic_auth *a, size_t user,
				  const unsigned char *tag)
{
	struct cache_entry *hit = NULL;

	for (struct cache_entry *e = a->cache;
	     e < a->cache + BASIC_AUTH_CACHE_N; e++) {
		bool same = same_bytes(e->tag, tag, TAG_LEN);

		if (e->used && e->user == user && same)
			hit = e;
	}
	return hit;
}

static void remember(struct basic_auth *a, size_t user,
		     const unsigned char *tag)
{
	struct cache_entry *victim = a->cache;

	for (struct cache_entry *e = a->cache;
	     e < a->cache + BASIC_AUTH_CACHE_N; e++) {
		if (!e->used) {
			victim = e;
			break;
		}
		if (e->last_use < victim->last_use)
			victim = e;
	}
	victim->used = true;
	victim->user = user;
	victim->last_use = ++a->clock;
	memcpy(victim->tag, tag, TAG_LEN);
}

static double monotonic_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Whether a bcrypt may run now (it then takes one from the ration). */
static bool bcrypt_allowed(struct basic_auth *a)
{
	double t = monotonic_s();

	a->tokens += (t - a->refilled) * BCRYPT_PER_S;
	if (a->tokens > BCRYPT_BURST)
		a->tokens = BCRYPT_BURST;
	a->refilled = t;
	if (a->tokens < 1) {
		a->rationed++;
		return false;
	}
	a->tokens -= 1;
	return true;
}

/* bcrypt(password, hash's setting) == hash, in constant time. */
static bool bcrypt_matches(struct basic_auth *a, const char *hash,
			   const char *password)
{
	const char *out;
	bool ok;

	a->bcrypts++;
	out = crypt_rn(password, hash, &a->crypt, sizeof(a->crypt));
	ok = out && strlen(out) == strlen(hash) &&
	     same_bytes(out, hash, strlen(hash));
	explicit_bzero(&a->crypt, sizeof(a->crypt));
	return ok;
}

bool basic_auth__check(struct basic_auth *a, const char *user,
		       const char *password)
{
	unsigned char tag[TAG_LEN];
	struct cache_entry *e;
	size_t i;

	if (!a->n || !user)
		return false;	/* no name to hide: no bcrypt to pay */
	for (i = 0; i < a->n; i++)
		if (!strcmp(a->users[i].name, user))
			break;
	if (!password || i == a->n) {
		if (bcrypt_allowed(a))
			bcrypt_matches(a, a->users[0].hash,
				       password ? password : "");
		return false;
	}
	if (tag_of(a, i, password, tag))
		return bcrypt_allowed(a) &&
		       bcrypt_matches(a, a->users[i].hash, password);
	if ((e = cached(a, i, tag))) {
		e->last_use = ++a->clock;
		a->hits++;
		return true;
	}
	if (!bcrypt_allowed(a) ||
	    !bcrypt_matches(a, a->users[i].hash, password))
		return false;
	remember(a, i, tag);
	explicit_bzero(tag, sizeof(tag));
	return true;
}

struct basic_auth *basic_auth__new(const struct basic_auth_user *users,
				   size_t n)
{
	struct basic_auth *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	if (getrandom(a->key, sizeof(a->key), 0) != sizeof(a->key)) {
		int err = errno ? errno : EIO;

		free(a);
		errno = err;
		return NULL;
	}
	a->tokens = BCRYPT_BURST;
	a->refilled = monotonic_s();
	a->users = calloc(n ? n : 1, sizeof(*a->users));
	if (!a->users)
		goto nomem;
	for (; a->n < n; a->n++) {
		a->users[a->n].name = strdup(users[a->n].name);
		a->users[a->n].hash = strdup(users[a->n].hash);
		if (!a->users[a->n].name || !a->users[a->n].hash) {
			a->n++;
			goto nomem;
		}
	}
	return a;
nomem:
	basic_auth__free(a);
	errno = ENOMEM;
	return NULL;
}

void basic_auth__stats(const struct basic_auth *a, unsigned long *hits,
		       unsigned long *bcrypts, unsigned long *rationed)
{
	*hits = a->hits;
	*bcrypts = a->bcrypts;
	*rationed = a->rationed;
}

void basic_auth__free(struct basic_auth *a)
{
	if (!a)
		return;
	for (size_t i = 0; a->users && i < a->n; i++) {
		free((char *)a->users[i].name);
		free((char *)a->users[i].hash);
	}
	free(a->users);
	explicit_bzero(a, sizeof(*a));
	free(a);
}
