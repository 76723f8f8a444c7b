/* SPDX-License-Identifier: MIT */
/*
 * Exemplars: the few most recent distinct values behind a bin (the remote
 * endpoints of a net.peer bin, the ports of a hashed net.dport bin), so a
 * report can say *who* a moved bin is. Bounded: EXEMPLARS_PER_BIN values of
 * at most EXEMPLAR_LEN - 1 characters per bin, allocated only for features
 * that get any.
 */
#ifndef DRIFTPROBE_EXEMPLAR_H
#define DRIFTPROBE_EXEMPLAR_H

#include <stddef.h>
#include <stdint.h>
#include <driftprobe/features.h>

#define EXEMPLARS_PER_BIN	4
#define EXEMPLAR_LEN		48	/* "[ffff:...:ffff]:65535" fits */

struct exemplars;

/* NULL + errno on allocation failure. */
struct exemplars *exemplars__new(void);
void exemplars__free(struct exemplars *ex);

/*
 * value becomes the most recent one of (f, bin); a value already held moves
 * to the front, the oldest falls off. -EINVAL for a bad f or bin, -ENOMEM.
 */
int exemplars__note(struct exemplars *ex, enum dp_feature_id f, uint32_t bin,
		    const char *value);

/*
 * The values of (f, bin), most recent first, joined by ", " into buf
 * (truncated to fit). Returns how many values there are (0: buf is "").
 */
size_t exemplars__join(const struct exemplars *ex, enum dp_feature_id f,
		       uint32_t bin, char *buf, size_t len);

/*
 * "10.0.0.2:443", "[fd00::2]:53", or without ":port" when port is 0.
 * Returns the length, or -EINVAL for an unknown family.
 */
int exemplars__format_endpoint(const struct dp_net_endpoint *e, char *buf,
			       size_t len);

#endif /* DRIFTPROBE_EXEMPLAR_H */
