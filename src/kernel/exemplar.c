// SPDX-License-Identifier: MIT
/*
 * Bounded most-recent-first value lists per (feature, bin), and the
 * endpoint formatting that fills them for the network features.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "exemplar.h"
#include "feature.h"

typedef char exemplar_slot[EXEMPLARS_PER_BIN][EXEMPLAR_LEN];

struct exemplars {
	exemplar_slot *bins[DP_F_COUNT];	/* feature_table[f].bins each */
};

struct exemplars *exemplars__new(void)
{
	return calloc(1, sizeof(struct exemplars));
}

void exemplars__free(struct exemplars *ex)
{
	if (!ex)
		return;
	for (int f = 0; f < DP_F_COUNT; f++)
		free(ex->bins[f]);
	free(ex);
}

int exemplars__note(struct exemplars *ex, enum dp_feature_id f, uint32_t bin,
		    const char *value)
{
	char (*v)[EXEMPLAR_LEN];
	char tmp[EXEMPLAR_LEN];
	size_t at;

	if ((unsigned int)f >= DP_F_COUNT || bin >= feature_table[f].bins)
		return -EINVAL;
	if (!ex->bins[f]) {
		ex->bins[f] = calloc(feature_table[f].bins, sizeof(exemplar_slot));
		if (!ex->bins[f])
			return -ENOMEM;
	}
	v = ex->bins[f][bin];
	snprintf(tmp, sizeof(tmp), "%s", value);
	/* Where it is now, or the last (oldest) slot: shift the rest down. */
	for (at = 0; at < EXEMPLARS_PER_BIN - 1; at++)
		if (!strcmp(v[at], tmp) || !v[at][0])
			break;
	memmove(v[1], v[0], at * EXEMPLAR_LEN);
	memcpy(v[0], tmp, EXEMPLAR_LEN);
	return 0;
}

size_t exemplars__join(const struct exemplars *ex, enum dp_feature_id f,
		       uint32_t bin, char *buf, size_t len)
{
	size_t n = 0, used = 0;

	if (len)
		buf[0] = '\0';
	if ((unsigned int)f >= DP_F_COUNT || bin >= feature_table[f].bins ||
	    !ex->bins[f])
		return 0;
	for (; n < EXEMPLARS_PER_BIN && ex->bins[f][bin][n][0]; n++) {
		int w = snprintf(buf + used, len > used ? len - used : 0,
				 "%s%s", n ? ", " : "", ex->bins[f][bin][n]);

		if (w > 0)
			used += (size_t)w;
	}
	return n;
}

int exemplars__format_endpoint(const struct dp_net_endpoint *e, char *buf,
			       size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	int n;

	if (e->family == AF_INET)
		inet_ntop(AF_INET, e->addr, addr, sizeof(addr));
	else if (e->family == AF_INET6)
		inet_ntop(AF_INET6, e->addr, addr, sizeof(addr));
	else
		return -EINVAL;
	if (!e->port)
		n = snprintf(buf, len, "%s", addr);
	else if (e->family == AF_INET)
		n = snprintf(buf, len, "%s:%u", addr, e->port);
	else
		n = snprintf(buf, len, "[%s]:%u", addr, e->port);
	return n;
}
