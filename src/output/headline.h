/* SPDX-License-Identifier: MIT */
/*
 * An incident in one line a person on call can act on: how bad, where,
 * what moved and who led it, e.g.
 *
 *   critical: /dp_eval_exfil: peers, destination ports and the syscall
 *   mix changed (net.peer 0% -> 41%, net.dport, syscall.id) led by curl
 *   (pid 4242) with children tar, cat
 *
 * The words live here; the numbers come from the incident (incident.h).
 * The cgroup and process names are untrusted and left raw: escape the line
 * where it is shown (TEXTESC for text, jsonw for JSON).
 */
#ifndef DRIFTPROBE_HEADLINE_H
#define DRIFTPROBE_HEADLINE_H

#include <stddef.h>
#include <driftprobe/features.h>

struct incident;

/* Longest headline written, with its NUL (longer ones end in "..."). */
#define HEADLINE_LEN 768

/* What a feature's change means in words ("peers", "the syscall mix"). */
const char *headline__feature_words(enum dp_feature_id f);

/* Write inc's headline into buf[len) and return buf. */
const char *headline__format(const struct incident *inc, char *buf,
			     size_t len);

#endif /* DRIFTPROBE_HEADLINE_H */
