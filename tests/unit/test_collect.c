// SPDX-License-Identifier: MIT
/*
 * The live collector, without a kernel: the probe
 * accessors are mocked and bpf_map_lookup_elem is wrapped (-Wl,--wrap) to
 * hand out per-CPU values the test controls.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "collect.h"
#include "feature.h"
#include "probe.h"
#include "window.h"

#define NCPUS 3
#define WORDS (sizeof(struct dp_syscall_hist) / sizeof(uint64_t))
#define SYSCALL_FD 42
#define NET_FD 43

static uint64_t fake_percpu[NCPUS][WORDS];
static struct dp_net_hist fake_net[NCPUS];
static int fake_lookup_errno;
static int fake_net_fd = NET_FD;	/* -1: the net hooks did not load */
static bool fake_exemplars = true;	/* false: --no-exemplars */

size_t probe__ncpus(const struct probe *p)
{
	(void)p;
	return NCPUS;
}

/* The syscall and net groups are faked; the node group is off. */
int probe__map_fd(const struct probe *p, enum dp_group g)
{
	(void)p;
	return g == DP_GROUP_SYSCALL ? SYSCALL_FD :
	       g == DP_GROUP_NET     ? fake_net_fd : -1;
}

/* --per-cgroup is off in these tests (test_keyed_collect covers it). */
int probe__cgroup_map_fd(const struct probe *p, enum dp_group g)
{
	(void)p;
	(void)g;
	return -1;
}

int probe__program_map_fd(const struct probe *p)
{
	(void)p;
	return -1;
}

int probe__proc_map_fd(const struct probe *p)
{
	(void)p;
	return -1;
}

bool probe__exemplars(const struct probe *p)
{
	(void)p;
	return fake_exemplars;
}

/* Features of the groups these tests load (the node group is not faked). */
static size_t features_without_node(void)
{
	size_t n = 0;

	for (int f = 0; f < DP_F_COUNT; f++)
		n += feature_table[f].group != DP_GROUP_NODE;
	return n;
}

int __wrap_bpf_map_lookup_elem(int fd, const void *key, void *value);
int __wrap_bpf_map_lookup_elem(int fd, const void *key, void *value)
{
	assert_true(fd == SYSCALL_FD || (fd == NET_FD && fake_net_fd == NET_FD));
	assert_int_equal(*(const uint32_t *)key, 0);
	if (fake_lookup_errno) {
		errno = fake_lookup_errno;
		return -1;
	}
	if (fd == SYSCALL_FD)
		memcpy(value, fake_percpu, sizeof(fake_percpu));
	else
		memcpy(value, fake_net, sizeof(fake_net));
	return 0;
}

static void collector__first_read_primes_then_windows_hold_deltas(void **state)
{
	struct collector *c = collector__new((struct probe *)state);
	const struct window_hist *id, *lat;
	struct window *w;
	const char **names;
	const uint64_t *health;

	assert_non_null(c);
	memset(fake_percpu, 0, sizeof(fake_percpu));
	fake_percpu[0][DP_OFF_SYSCALL_ID + 110] = 1000;	/* getppid */
	fake_percpu[2][DP_OFF_SYSCALL_ID + 110] = 500;
	errno = 0;
	assert_null(collector__next(c, 1.0, 10, "h"));
	assert_int_equal(errno, EAGAIN);

	fake_percpu[0][DP_OFF_SYSCALL_ID + 110] += 7;
	fake_percpu[1][DP_OFF_SYSCALL_ID + 110] += 3;
	fake_percpu[1][DP_OFF_SYSCALL_LATENCY + 40] += 2;
	fake_percpu[2][DP_SYSCALL_BINS + DP_SH_EXIT_WITHOUT_START] += 4;
	w = collector__next(c, 2.0, 10, "h");
	assert_non_null(w);
	assert_int_equal(w->n, features_without_node());
	id = window__find(w, DP_F_SYSCALL_ID, "/");
	lat = window__find(w, DP_F_SYSCALL_LATENCY, "/");
	assert_non_null(id);
	assert_non_null(lat);
	assert_int_equal(id->nbins, DP_SYSCALL_ID_BINS);
	assert_int_equal(window_hist__count(id, 110), 10);
	assert_int_equal(window_hist__total(id), 10);
	assert_int_equal(window_hist__count(lat, 40), 2);
	assert_int_equal(window_hist__total(lat), 2);
	/*
	 * Every kernel counter, then the cgroup and program evictions
	 * userspace counts.
	 */
	assert_int_equal(collector__health(c, &names, &health),
			 DP_SYSCALL_HEALTH_N + DP_NET_HEALTH_N +
			 DP_NODE_HEALTH_N + 2);
	assert_string_equal(names[DP_SYSCALL_HEALTH_N + DP_NET_HEALTH_N +
				  DP_NODE_HEALTH_N], "cgroup_entries_evicted");
	assert_string_equal(names[DP_SYSCALL_HEALTH_N + DP_NET_HEALTH_N +
				  DP_NODE_HEALTH_N + 1],
			    "program_entries_evicted");
	assert_string_equal(names[DP_SH_EXIT_WITHOUT_START],
			    "exit_without_start");
	assert_int_equal(health[DP_SH_EXIT_WITHOUT_START], 4);
	assert_string_equal(names[DP_SYSCALL_HEALTH_N + DP_NH_PKT_UNPARSED],
			    "net_pkt_unparsed");
	window__free(w);

	/* Nothing happened: an all-zero window, not a repeat. */
	w = collector__next(c, 3.0, 10, "h");
	assert_non_null(w);
	assert_int_equal(window_hist__total(window__find(w, DP_F_SYSCALL_ID, "/")), 0);
	window__free(w);
	collector__free(c);
}

static void set_peer(int cpu, unsigned int bin, const char *v4, uint16_t port)
{
	struct dp_net_endpoint *e = &fake_net[cpu].peer_last[bin];

	memset(e, 0, sizeof(*e));
	e->family = 2;
	sscanf(v4, "%hhu.%hhu.%hhu.%hhu", &e->addr[0], &e->addr[1],
	       &e->addr[2], &e->addr[3]);
	e->port = port;
}

static void collector__net_group__counts_and_recent_peers_per_bin(void **state)
{
	struct collector *c = collector__new((struct probe *)state);
	const struct window_hist *peer, *dport;
	unsigned int eph = DP_PORT_EPHEMERAL_OFF + 2;
	struct window *w;

	assert_non_null(c);
	memset(fake_percpu, 0, sizeof(fake_percpu));
	memset(fake_net, 0, sizeof(fake_net));
	fake_net[0].counts[DP_OFF_NET_PEER + 5] = 100;
	set_peer(0, 5, "10.0.0.1", 443);
	assert_null(collector__next(c, 1.0, 1, "h"));

	/* Bin 5: a new peer on CPU 1, the old one again on CPU 0. */
	fake_net[1].counts[DP_OFF_NET_PEER + 5] += 3000;
	set_peer(1, 5, "10.200.7.2", 4444);
	fake_net[2].counts[DP_OFF_NET_DPORT + eph] += 1;
	fake_net[2].dport_last[eph] = 50001;
	fake_net[0].counts[DP_OFF_NET_UDP_DPORT + eph] += 2;
	fake_net[0].udp_dport_last[eph] = 50002;
	fake_net[2].counts[DP_OFF_TCP_EVENT + DP_TCP_EV_RESET_RECEIVED] += 9;
	w = collector__next(c, 2.0, 1, "h");
	assert_non_null(w);
	assert_int_equal(w->n, features_without_node());
	peer = window__find(w, DP_F_NET_PEER, "/");
	dport = window__find(w, DP_F_NET_DPORT, "/");
	assert_non_null(peer);
	assert_non_null(dport);
	assert_int_equal(window_hist__count(peer, 5), 3000);
	assert_int_equal(window_hist__total(peer), 3000);
	assert_string_equal(window_hist__exemplar(peer, 5),
			    "10.200.7.2:4444, 10.0.0.1:443");
	assert_string_equal(window_hist__exemplar(dport, eph), "50001");
	assert_string_equal(window_hist__exemplar(window__find(w, DP_F_NET_UDP_DPORT,
							       "/"), eph),
			    "50002");
	assert_int_equal(window_hist__count(window__find(w, DP_F_TCP_EVENT, "/"),
						    DP_TCP_EV_RESET_RECEIVED), 9);
	window__free(w);

	/* A bin without counts in the window carries no exemplar. */
	w = collector__next(c, 3.0, 1, "h");
	assert_non_null(w);
	assert_null(window_hist__exemplar(window__find(w, DP_F_NET_PEER, "/"), 5));
	window__free(w);
	collector__free(c);
}

/*
 * --no-exemplars: even endpoints and ports that a kernel wrote anyway (an
 * older object, say) become no exemplar; the counts are all there.
 */
static void collector__no_exemplars__counts_without_any_exemplar(void **state)
{
	unsigned int eph = DP_PORT_EPHEMERAL_OFF + 2;
	struct collector *c;
	struct window *w;

	fake_exemplars = false;
	c = collector__new((struct probe *)state);
	assert_non_null(c);
	memset(fake_percpu, 0, sizeof(fake_percpu));
	memset(fake_net, 0, sizeof(fake_net));
	assert_null(collector__next(c, 1.0, 1, "h"));
	fake_net[1].counts[DP_OFF_NET_PEER + 5] += 3000;
	set_peer(1, 5, "10.200.7.2", 4444);
	fake_net[2].counts[DP_OFF_NET_DPORT + eph] += 1;
	fake_net[2].dport_last[eph] = 50001;
	memcpy(fake_net[2].comm_dport_last[3], "curl", 5);
	fake_net[2].counts[DP_OFF_NET_COMM_DPORT + 3] += 1;
	w = collector__next(c, 2.0, 1, "h");
	assert_non_null(w);
	assert_int_equal(window_hist__count(window__find(w, DP_F_NET_PEER, "/"),
						    5), 3000);
	assert_int_equal(window_hist__count(window__find(w, DP_F_NET_DPORT, "/"),
						    eph), 1);
	for (size_t i = 0; i < w->n; i++)
		for (uint32_t b = 0; b < w->hists[i].nbins; b++)
			assert_null(window_hist__exemplar(&w->hists[i], b));
	window__free(w);
	collector__free(c);
	fake_exemplars = true;
}

static void collector__net_hooks_off__windows_hold_syscall_features_only(void **state)
{
	struct collector *c;
	struct window *w;

	fake_net_fd = -1;
	c = collector__new((struct probe *)state);
	assert_non_null(c);
	assert_null(collector__next(c, 1.0, 1, "h"));
	w = collector__next(c, 2.0, 1, "h");
	assert_non_null(w);
	assert_int_equal(w->n, DP_F_NET_TX_BYTES);	/* the syscall group */
	assert_null(window__find(w, DP_F_NET_PEER, "/"));
	assert_non_null(window__find(w, DP_F_SYSCALL_ERRNO, "/"));
	window__free(w);
	collector__free(c);
	fake_net_fd = NET_FD;
}

static void collector__map_read_failure__returns_errno(void **state)
{
	struct collector *c = collector__new((struct probe *)state);

	assert_non_null(c);
	fake_lookup_errno = EBADF;
	assert_null(collector__next(c, 1.0, 10, "h"));
	assert_int_equal(errno, EBADF);
	fake_lookup_errno = 0;
	collector__free(c);
}

int main(void)
{
	static int dummy_probe;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(collector__first_read_primes_then_windows_hold_deltas,
					  &dummy_probe),
		cmocka_unit_test_prestate(collector__net_group__counts_and_recent_peers_per_bin,
					  &dummy_probe),
		cmocka_unit_test_prestate(collector__no_exemplars__counts_without_any_exemplar,
					  &dummy_probe),
		cmocka_unit_test_prestate(collector__net_hooks_off__windows_hold_syscall_features_only,
					  &dummy_probe),
		cmocka_unit_test_prestate(collector__map_read_failure__returns_errno,
					  &dummy_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
