// SPDX-License-Identifier: MIT
/*
 * Root integration test of coupling drift on net.comm_dport (process x
 * port class of new connections). A process named "dpsteady" connects to
 * a database port on loopback throughout; `run` learns that, then a
 * process named "dpexfil" starts connecting to the HTTPS port: the
 * process/port coupling must be reported stronger, with the cell of
 * "dpexfil" x web among the cells that moved and named by its exemplar.
 * Connections go to closed loopback ports only (refused at once); every
 * child is killed even when an assertion fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <driftprobe/buckets.h>
#include "harness.h"

#define LEARN 8
#define DURATION 16

static char dir[] = "/tmp/dp_itest_coupling.XXXXXX";
static pid_t children[4];
static size_t nchildren;

/* A child named comm connecting to 127.0.0.1:port every interval_us. */
static void start_connector(const char *comm, unsigned short port,
			    long interval_us)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_in to = { .sin_family = AF_INET,
					  .sin_port = htons(port) };
		struct timespec pause = { 0, interval_us * 1000 };

		to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		prctl(PR_SET_NAME, comm);
		for (;;) {
			int fd = socket(AF_INET, SOCK_STREAM, 0);

			connect(fd, (struct sockaddr *)&to, sizeof(to));
			close(fd);
			nanosleep(&pause, NULL);
		}
	}
	children[nchildren++] = pid;
}

static void run__process_starts_https__coupling_stronger_and_named(
	void **state)
{
	char out[320], label[64];
	const char *args[] = { "run", "--interval", "1", "--learn", "8",
			       "--duration", "16", "--json", NULL };
	pid_t probe;
	int hits;

	(void)state;
	harness__require_root();
	snprintf(out, sizeof(out), "%s/coupling.jsonl", dir);
	snprintf(label, sizeof(label), "comm#%u/web", dp_comm_row("dpexfil"));
	start_connector("dpsteady", 5432, 5000);
	probe = harness__spawn(out, args);
	sleep(LEARN + 2);
	start_connector("dpexfil", 443, 2000);
	assert_int_equal(harness__wait_exit(probe, DURATION + 30), 0);
	hits = harness__coupling_lines(out, "net.comm_dport", NULL, "stronger", label,
				       "dpexfil");
	print_message("coupling: %d windows with a stronger process/port "
		      "coupling and %s (dpexfil) among the moved cells\n", hits,
		      label);
	if (hits < 1) {
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "grep -h net.comm_dport '%s' | "
			 "cut -c1-600 >&2", out);
		if (system(cmd))
			print_message("(no net.comm_dport lines)\n");
		fail_msg("no stronger coupling naming dpexfil");
	}
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < nchildren; i++) {
		kill(children[i], SIGKILL);
		waitpid(children[i], NULL, 0);
	}
	return harness__remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(run__process_starts_https__coupling_stronger_and_named),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
