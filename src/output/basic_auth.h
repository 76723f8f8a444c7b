/* SPDX-License-Identifier: MIT */
/*
 * HTTP basic authentication of /metrics against bcrypt hashes (libxcrypt's
 * crypt_rn), with a small cache of successful checks so that a scraper
 * presenting the same credentials every 15 s pays bcrypt once, not at
 * every scrape. Not thread-safe: one instance per server thread.
 */
#ifndef DRIFTPROBE_BASIC_AUTH_H
#define DRIFTPROBE_BASIC_AUTH_H

#include <stdbool.h>
#include <stddef.h>

/* The cache's size: successful (user, password) pairs remembered. */
#define BASIC_AUTH_CACHE_N 8

struct basic_auth_user {
	const char *name;
	const char *hash;	/* bcrypt: $2a$, $2b$ or $2y$ */
};

struct basic_auth;

/* Copies users[0..n). NULL + errno (ENOMEM, or the system's getrandom). */
struct basic_auth *basic_auth__new(const struct basic_auth_user *users,
				   size_t n);

/*
 * Whether user (NULL: no credentials) may in with password. An unknown
 * user costs a bcrypt too, so timing does not tell which names exist.
 * False, without a bcrypt, when there are no credentials or no users, or
 * when bcrypt's ration is spent and the credentials are not cached.
 */
bool basic_auth__check(struct basic_auth *a, const char *user,
		       const char *password);

/*
 * Since basic_auth__new: checks answered from the cache, bcrypts run, and
 * checks refused without one because the ration was spent (basic_auth.c:
 * at most 10 bcrypts a second, in bursts of 10, so that guessing cannot
 * stall the server's thread).
 */
void basic_auth__stats(const struct basic_auth *a, unsigned long *hits,
		       unsigned long *bcrypts, unsigned long *rationed);

/* NULL is fine; wipes the cache. */
void basic_auth__free(struct basic_auth *a);

#endif /* DRIFTPROBE_BASIC_AUTH_H */
