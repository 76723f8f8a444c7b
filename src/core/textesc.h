/* SPDX-License-Identifier: MIT */
/*
 * Escaping of untrusted strings for text a person reads: process names,
 * cgroup names, hosts and anything else that comes from the monitored host
 * or from a file. Printable ASCII and valid, printable UTF-8 pass; every
 * other byte becomes "\xNN" ("\n", "\t", "\r" for those three): C0
 * controls and DEL, C1 controls whether raw (0x9b is CSI on some
 * terminals) or UTF-8 encoded (U+0080..U+009F), invalid or overlong UTF-8,
 * surrogates, and the bidirectional and line-separator marks U+061C,
 * U+200E/F, U+2028..U+202E, U+2066..U+2069. A backslash is doubled, so the
 * escaped form of a name is never another name's. As systemd's cescape()
 * and ls -b do. JSON output escapes through jsonw.c instead.
 */
#ifndef DRIFTPROBE_TEXTESC_H
#define DRIFTPROBE_TEXTESC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Room for a DP_CGROUP_MAX-long path with every byte escaped (4 each). */
#define TEXTESC_SIZE	4100

/*
 * s escaped into buf[size) (NUL-terminated when size > 0). What does not
 * fit is cut before an escape or character and marked by a final "...".
 * Returns buf.
 */
const char *textesc__str(const char *s, char *buf, size_t size);

/*
 * s escaped into a buffer that lives until the end of the enclosing block:
 * for printf arguments, printf("%s\n", TEXTESC(name)).
 */
#define TEXTESC(s) textesc__str((s), (char[TEXTESC_SIZE]){ 0 }, TEXTESC_SIZE)

/* s escaped onto f, whatever its length. fputs()'s return value. */
int textesc__fputs(const char *s, FILE *f);

/*
 * The length (1 to 4) of the valid UTF-8 character starting s, its code
 * point in *cp; 0 at the end of s or where s is not valid UTF-8 (overlong,
 * surrogate, beyond U+10FFFF, cut short). For outputs whose readers reject
 * invalid UTF-8 but pass control characters, such as Prometheus labels.
 */
size_t textesc__utf8(const char *s, uint32_t *cp);

#endif /* DRIFTPROBE_TEXTESC_H */
