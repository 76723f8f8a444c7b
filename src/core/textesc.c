// SPDX-License-Identifier: MIT
/*
 * Escaping of untrusted strings for text a person reads (textesc.h): the
 * one place that decides which bytes may reach a terminal raw.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "textesc.h"

/* Code points that are valid but must not reach a terminal raw. */
static bool hidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x061c ||
	       cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t textesc__utf8(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (*p < 0x80) {
		*cp = *p;
		return *p ? 1 : 0;
	}
	if (*p >= 0xc2 && *p <= 0xdf) {
		n = 2;
		*cp = *p & 0x1f;
	} else if (*p >= 0xe0 && *p <= 0xef) {
		n = 3;
		*cp = *p & 0x0f;
	} else if (*p >= 0xf0 && *p <= 0xf4) {
		n = 4;
		*cp = *p & 0x07;
	} else {
		return 0;	/* continuation, C0/C1 overlong lead, F5..FF */
	}
	/* A NUL is no continuation byte: never read past the end. */
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;	/* overlong, beyond Unicode, surrogate */
	return n;
}

/*
 * The length of the printable character at p (1 to 4 bytes of valid
 * UTF-8), or 0 when its first byte is to be escaped.
 */
static size_t printable_len(const unsigned char *p)
{
	uint32_t cp;
	size_t n = textesc__utf8((const char *)p, &cp);

	return n && cp != '\\' && !hidden(cp) ? n : 0;
}

/*
 * The next piece of the escaped form of *p: a printable character of *p
 * or the escape of one byte, in *piece (pointing into *p or esc). Advances
 * *p past it and returns its length; 0 at the end.
 */
static size_t next_piece(const unsigned char **p, char esc[5],
			 const char **piece)
{
	unsigned char c = **p;
	size_t n;

	if (!c)
		return 0;
	n = printable_len(*p);
	if (n) {
		*piece = (const char *)*p;
		*p += n;
		return n;
	}
	(*p)++;
	*piece = esc;
	esc[0] = '\\';
	esc[1] = c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\t' ? 't' :
		 c == '\r' ? 'r' : 'x';
	if (esc[1] != 'x')
		return 2;
	esc[2] = "0123456789abcdef"[c >> 4];
	esc[3] = "0123456789abcdef"[c & 0xf];
	return 4;
}

const char *textesc__str(const char *s, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *piece;
	size_t n, len = 0, total = 0;
	char esc[5];

	if (!size)
		return buf;
	while ((n = next_piece(&p, esc, &piece)))
		total += n;
	p = (const unsigned char *)s;
	while ((n = next_piece(&p, esc, &piece))) {
		/* Cut short: keep room for "..." unless the rest fits. */
		if (len + n + (total < size ? 0 : 3) >= size)
			break;
		memcpy(buf + len, piece, n);
		len += n;
	}
	if (total >= size)
		for (int i = 0; i < 3 && len + 1 < size; i++)
			buf[len++] = '.';
	buf[len] = '\0';
	return buf;
}

int textesc__fputs(const char *s, FILE *f)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *piece;
	char esc[5];
	size_t n;

	while ((n = next_piece(&p, esc, &piece)))
		if (fwrite(piece, 1, n, f) != n)
			return EOF;
	return 0;
}
