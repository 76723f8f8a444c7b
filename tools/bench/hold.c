// SPDX-License-Identifier: MIT
/*
 * hold OBJECT.bpf.o[,OBJECT.bpf.o...]: load and attach the tp_btf programs
 * of the given BPF objects (see progset.h), say "attached" on stdout and
 * hold them until SIGINT/SIGTERM. The benchmark's floors and driftprobe's
 * groups alone, as a process like any peer tool.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "progset.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct progset *s;

	if (argc != 2) {
		fputs("usage: hold OBJECT.bpf.o[,OBJECT.bpf.o...]\n", stderr);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	s = progset__open(argv[1]);
	if (!s || progset__attach(s)) {
		progset__close(s);
		return 1;
	}
	printf("attached\n");
	fflush(stdout);
	while (!stop)
		pause();
	progset__close(s);
	return 0;
}
