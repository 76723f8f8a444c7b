/* SPDX-License-Identifier: MIT */
/*
 * RFC 5424 syslog messages, and sending them to the local syslog socket
 * (/dev/log: a datagram Unix socket that journald and rsyslog both read).
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID k="v" ...] MSG
 *
 * TIMESTAMP is UTC with milliseconds (2026-12-06T21:15:11.123Z). HOSTNAME,
 * APP-NAME, PROCID and MSGID keep printable US-ASCII only (others become
 * '_', an empty one "-") and are cut to the RFC's lengths (255, 48, 128,
 * 32). A PARAM-VALUE is first escaped as text for a person (textesc.h:
 * control bytes, invalid UTF-8 and bidi marks become \xNN, a backslash is
 * doubled) and cut to SYSLOG5424_VALUE_MAX bytes, then '"', '\' and ']'
 * are escaped with a backslash (RFC 5424 section 6.3.3). MSG is the text
 * escaped the same first way (no BOM: MSG-ANY). A message is at most
 * SYSLOG5424_MAX bytes (the size every receiver must accept, section
 * 6.1); MSG is cut to fit.
 */
#ifndef DRIFTPROBE_SYSLOG5424_H
#define DRIFTPROBE_SYSLOG5424_H

#include <stddef.h>

#define SYSLOG5424_MAX		2048
#define SYSLOG5424_VALUE_MAX	128
#define SYSLOG5424_SOCKET	"/dev/log"
/* The socket for tests only (README "Tests"); unset in production. */
#define SYSLOG5424_SOCKET_ENV	"DRIFTPROBE_SYSLOG_SOCKET"

/* Facilities and severities of RFC 5424 section 6.2.1 used here. */
enum { SYSLOG5424_LOCAL0 = 16 };
enum { SYSLOG5424_CRIT = 2, SYSLOG5424_WARNING = 4, SYSLOG5424_NOTICE = 5 };

struct syslog5424_param {
	const char *name;	/* an SD-NAME: printable ASCII, no '=', ' ', ']', '"' */
	const char *value;
};

struct syslog5424_msg {
	int facility, severity;
	double ts;			/* Unix time */
	const char *host, *app, *procid, *msgid;
	const char *sd_id;		/* "name@PEN", or NULL for "-" */
	const struct syslog5424_param *params;
	size_t nparams;
	const char *text;		/* MSG, or NULL for none */
};

/* The message into buf (NUL-terminated; len >= SYSLOG5424_MAX + 1); its length. */
size_t syslog5424__format(const struct syslog5424_msg *m, char *buf,
			  size_t len);

struct syslog5424;

/*
 * A socket to path (NULL: $DRIFTPROBE_SYSLOG_SOCKET if set, else
 * /dev/log), connected now so that a missing daemon fails at start. NULL
 * with errno and "PATH: what failed" in err.
 */
struct syslog5424 *syslog5424__open(const char *path, char *err,
				    size_t errlen);
void syslog5424__close(struct syslog5424 *s);

/*
 * Send one message without blocking; reconnects once when the daemon was
 * restarted. 0, or -errno (-EAGAIN: its queue is full, the message is
 * dropped) with "PATH: what failed" in err.
 */
int syslog5424__send(struct syslog5424 *s, const char *msg, size_t len,
		     char *err, size_t errlen);

#endif /* DRIFTPROBE_SYSLOG5424_H */
