/* SPDX-License-Identifier: MIT */
/*
 * The HTTP side of `run --listen`: serves the latest published exposition
 * at /metrics through libmicrohttpd (its own thread). The text is rendered
 * by metrics.c on the main thread and handed over whole, so a scrape never
 * sees a half-updated window.
 */
#ifndef DRIFTPROBE_EXPORTER_H
#define DRIFTPROBE_EXPORTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct exporter;

/*
 * Parse --listen: "ADDR:PORT", "[V6ADDR]:PORT", ":PORT" or "PORT"; without
 * an address it is loopback only (127.0.0.1). Numeric addresses only.
 * 0 or -EINVAL with a message in err naming what was expected.
 */
int exporter__parse_listen(const char *s, struct sockaddr_storage *addr,
			   char *err, size_t errlen);

/* Whether addr is reachable from this host only (127.0.0.0/8, ::1). */
bool exporter__is_loopback(const struct sockaddr_storage *addr);

/*
 * Bind and start serving (an empty body until the first publish). NULL +
 * errno, with a message in err naming the address.
 */
struct exporter *exporter__start(const struct sockaddr_storage *addr,
				 char *err, size_t errlen);

/* Serve text[0..len) from now on; takes ownership of text (malloc'd). */
void exporter__publish(struct exporter *e, char *text, size_t len);

/* "127.0.0.1:9464" / "[::1]:9464": where it really listens (port 0 bound). */
const char *exporter__address(const struct exporter *e);

/* Stop the server and free everything; NULL is fine. */
void exporter__stop(struct exporter *e);

#endif /* DRIFTPROBE_EXPORTER_H */
