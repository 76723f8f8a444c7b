// SPDX-License-Identifier: MIT
/* Feature table lookups and bin labels. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <math.h>
#include <sys/syscall.h>
#include <cmocka.h>
#include <driftprobe/buckets.h>
#include "feature.h"
#include "syscall_groups.h"

static void label(enum dp_feature_id f, uint32_t bin, const char *want)
{
	char buf[64];

	assert_true(feature__label(f, bin, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, want);
}

static void by_name__known_and_unknown(void **state)
{
	(void)state;
	assert_int_equal(feature__by_name("syscall.id"), DP_F_SYSCALL_ID);
	assert_int_equal(feature__by_name("syscall.errno"), DP_F_SYSCALL_ERRNO);
	assert_int_equal(feature__by_name("syscall"), -ENOENT);
}

static void table__offsets_are_contiguous_within_each_group(void **state)
{
	uint32_t next[DP_GROUP_COUNT] = { 0 };

	(void)state;
	for (int f = 0; f < DP_F_COUNT; f++) {
		enum dp_group g = feature_table[f].group;

		assert_int_equal(feature_table[f].offset, next[g]);
		next[g] += feature_table[f].bins;
	}
	assert_int_equal(next[DP_GROUP_SYSCALL], DP_SYSCALL_BINS);
	assert_int_equal(next[DP_GROUP_NET], DP_NET_BINS);
	assert_int_equal(feature_table[DP_F_NET_PEER].group, DP_GROUP_NET);
}

static void label__net__ports_events_sizes_and_peers(void **state)
{
	(void)state;
	label(DP_F_NET_DPORT, DP_PORT_HTTPS, "443/https");
	label(DP_F_NET_DPORT, DP_PORT_DNS, "53/dns");
	label(DP_F_NET_UDP_DPORT, DP_PORT_NTP, "123/ntp");
	label(DP_F_NET_DPORT, DP_PORT_MONGODB, "27017/mongodb");
	label(DP_F_NET_DPORT, DP_PORT_WELL_KNOWN_OFF + 7, "well-known#7");
	label(DP_F_NET_DPORT, DP_PORT_REGISTERED_OFF, "registered#0");
	label(DP_F_NET_DPORT, DP_NET_DPORT_BINS - 1, "ephemeral#7");
	label(DP_F_TCP_EVENT, DP_TCP_EV_RESET_RECEIVED, "reset_received");
	label(DP_F_TCP_EVENT, DP_TCP_EV_CONNECT, "connect");
	label(DP_F_NET_TX_BYTES, 0, "[0,2)");
	label(DP_F_NET_TX_BYTES, 10, "[1K,2K)");
	label(DP_F_NET_TX_BYTES, DP_NET_BYTES_BINS - 1, "[2G,inf)");
	label(DP_F_NET_PKT_RX, 16, "[64K,128K)");
	label(DP_F_NET_DNS_LEN, 28, "[256,320)");
	label(DP_F_NET_DNS_LEN, DP_NET_DNS_BINS - 1, "[3.5K,inf)");
	label(DP_F_NET_PEER, 17, "peer#17");
	assert_int_equal(feature__by_name("net.dns_len"), DP_F_NET_DNS_LEN);
}

static void label__syscall_id__names_and_other(void **state)
{
	(void)state;
	label(DP_F_SYSCALL_ID, 110, "getppid");
	label(DP_F_SYSCALL_ID, 257, "openat");
	label(DP_F_SYSCALL_ID, 0, "read");
	label(DP_F_SYSCALL_ID, 511, "other");
	label(DP_F_SYSCALL_ID, 500, "syscall_500");
}

static void label__errno__names_ok_and_other(void **state)
{
	(void)state;
	label(DP_F_SYSCALL_ERRNO, 0, "ok");
	label(DP_F_SYSCALL_ERRNO, 9, "EBADF");
	label(DP_F_SYSCALL_ERRNO, 2, "ENOENT");
	label(DP_F_SYSCALL_ERRNO, DP_SYSCALL_ERRNO_BINS - 1, "other");
}

static void label__loglin__ranges(void **state)
{
	(void)state;
	label(DP_F_SYSCALL_LATENCY, 0, "[0,1)");
	label(DP_F_SYSCALL_LATENCY, 3, "[3,4)");
	label(DP_F_SYSCALL_LATENCY, 4, "[4,5)");
	/* 1024 = 2^10 starts bin (10 - 1) * 4 = 36. */
	label(DP_F_SYSCALL_LATENCY, 36, "[1K,1.25K)");
	label(DP_F_SYSCALL_LATENCY, 39, "[1.75K,2K)");
	label(DP_F_SYSCALL_LATENCY, 76, "[1M,1.25M)");
	label(DP_F_SYSCALL_LATENCY, DP_SYSCALL_LATENCY_BINS - 1, "[1.75T,inf)");
}

static void label__group_errno__row_slash_column(void **state)
{
	(void)state;
	assert_int_equal(feature_table[DP_F_SYSCALL_GROUP_ERRNO].rows *
			 feature_table[DP_F_SYSCALL_GROUP_ERRNO].cols,
			 feature_table[DP_F_SYSCALL_GROUP_ERRNO].bins);
	label(DP_F_SYSCALL_GROUP_ERRNO, 0, "file/ok");
	label(DP_F_SYSCALL_GROUP_ERRNO, DP_EC_NOTFOUND, "file/notfound");
	label(DP_F_SYSCALL_GROUP_ERRNO,
	      DP_SG_PROCESS * DP_ERRNO_CLASSES + DP_EC_DENIED, "process/denied");
	label(DP_F_SYSCALL_GROUP_ERRNO, 8 * 7 - 1, "other/other");
}

static void label__comm_dport__row_hash_and_port_class(void **state)
{
	(void)state;
	assert_int_equal(feature_table[DP_F_NET_COMM_DPORT].rows, DP_COMM_ROWS);
	assert_int_equal(feature_table[DP_F_NET_COMM_DPORT].cols,
			 DP_PORT_CLASS_N);
	label(DP_F_NET_COMM_DPORT, 0, "comm#0/web");
	label(DP_F_NET_COMM_DPORT, 5 * DP_PORT_CLASS_N + DP_PC_DATABASE,
	      "comm#5/database");
	label(DP_F_NET_COMM_DPORT, DP_COMM_ROWS * DP_PORT_CLASS_N - 1,
	      "comm#15/ephemeral");
}

static void syscall_groups__known_syscalls__land_in_their_group(void **state)
{
	static const struct { int nr; enum dp_syscall_group g; } known[] = {
		{ SYS_openat, DP_SG_FILE }, { SYS_read, DP_SG_FILE },
		{ SYS_newfstatat, DP_SG_FILE }, { SYS_connect, DP_SG_NET },
		{ SYS_sendto, DP_SG_NET }, { SYS_execve, DP_SG_PROCESS },
		{ SYS_getppid, DP_SG_PROCESS }, { SYS_setuid, DP_SG_PROCESS },
		{ SYS_mmap, DP_SG_MEMORY }, { SYS_futex, DP_SG_IPC },
		{ SYS_pipe2, DP_SG_IPC }, { SYS_epoll_wait, DP_SG_POLL },
		{ SYS_io_uring_enter, DP_SG_POLL },
		{ SYS_nanosleep, DP_SG_TIME }, { SYS_clock_gettime, DP_SG_TIME },
		{ SYS_bpf, DP_SG_OTHER }, { SYS_init_module, DP_SG_OTHER },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_int_equal(dp_syscall_group_of[known[i].nr], known[i].g);
	/* Beyond the last syscall, and the open last bin: other. */
	assert_int_equal(dp_syscall_group_of[DP_SYSCALL_ID_BINS - 1],
			 DP_SG_OTHER);
	for (int nr = 0; nr < DP_SYSCALL_ID_BINS; nr++)
		assert_true(dp_syscall_group_of[nr] < DP_SYSCALL_GROUPS);
}

static void syscall_symbols__known_syscalls__land_on_their_symbol(
	void **state)
{
	static const struct { int nr; enum dp_seq_symbol s; } known[] = {
		{ SYS_read, DP_SEQ_READ }, { SYS_pread64, DP_SEQ_READ },
		{ SYS_writev, DP_SEQ_WRITE }, { SYS_openat, DP_SEQ_OPEN },
		{ SYS_close, DP_SEQ_CLOSE }, { SYS_newfstatat, DP_SEQ_STAT },
		{ SYS_getdents64, DP_SEQ_GETDENTS },
		{ SYS_unlinkat, DP_SEQ_FS_CHANGE },
		{ SYS_setuid, DP_SEQ_PRIVILEGED }, { SYS_ptrace, DP_SEQ_PRIVILEGED },
		{ SYS_mmap, DP_SEQ_MMAP }, { SYS_mprotect, DP_SEQ_MPROTECT },
		{ SYS_brk, DP_SEQ_MEMORY }, { SYS_memfd_create, DP_SEQ_MEMFD },
		{ SYS_ioctl, DP_SEQ_IOCTL }, { SYS_fcntl, DP_SEQ_FCNTL },
		{ SYS_dup2, DP_SEQ_DUP }, { SYS_pipe2, DP_SEQ_PIPE },
		{ SYS_socket, DP_SEQ_SOCKET }, { SYS_connect, DP_SEQ_CONNECT },
		{ SYS_listen, DP_SEQ_BIND }, { SYS_accept4, DP_SEQ_ACCEPT },
		{ SYS_sendto, DP_SEQ_SEND }, { SYS_recvmsg, DP_SEQ_RECV },
		{ SYS_setsockopt, DP_SEQ_SOCKOPT }, { SYS_epoll_wait, DP_SEQ_POLL },
		{ SYS_futex, DP_SEQ_FUTEX }, { SYS_clock_nanosleep, DP_SEQ_SLEEP },
		{ SYS_clone3, DP_SEQ_CLONE }, { SYS_execve, DP_SEQ_EXECVE },
		{ SYS_exit_group, DP_SEQ_EXIT }, { SYS_wait4, DP_SEQ_WAIT },
		{ SYS_rt_sigaction, DP_SEQ_SIGNAL }, { SYS_getppid, DP_SEQ_OTHER },
	};
	bool used[DP_SEQ_SYMBOLS] = { false };

	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		assert_int_equal(dp_syscall_symbol_of[known[i].nr], known[i].s);
		used[known[i].s] = true;
	}
	/* Every symbol is some syscall's: the list above names each. */
	for (int s = 0; s < DP_SEQ_SYMBOLS; s++)
		assert_true(used[s]);
	assert_int_equal(dp_syscall_symbol_of[DP_SYSCALL_ID_BINS - 1],
			 DP_SEQ_OTHER);
	for (int nr = 0; nr < DP_SYSCALL_ID_BINS; nr++)
		assert_true(dp_syscall_symbol_of[nr] < DP_SEQ_SYMBOLS);
}

static void label__transition__previous_arrow_next(void **state)
{
	(void)state;
	label(DP_F_SYSCALL_TRANSITION, 0, "read\u2192read");
	label(DP_F_SYSCALL_TRANSITION, DP_SEQ_OPEN * DP_SEQ_SYMBOLS +
	      DP_SEQ_CONNECT, "open\u2192connect");
	label(DP_F_SYSCALL_TRANSITION, DP_SEQ_SYMBOLS * DP_SEQ_SYMBOLS - 1,
	      "other\u2192other");
	assert_true(feature__is_sequence(DP_F_SYSCALL_TRANSITION));
	assert_false(feature__is_sequence(DP_F_SYSCALL_ID));
	assert_false(feature__is_sequence(DP_F_SYSCALL_GROUP_ERRNO));
}

static void label__bad_bin__is_rejected(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(feature__label(DP_F_SYSCALL_ID, 512, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(feature__label(DP_F_COUNT, 0, buf, sizeof(buf)),
			 -EINVAL);
	/* Truncation keeps a terminated string. */
	assert_int_equal(feature__label(DP_F_SYSCALL_ID, 110, buf, 4), 3);
	assert_string_equal(buf, "get");
}

/* Ephemeral port bins are scored as one; other features pass through. */
static void score_counts__ephemeral_ports__folded_into_one(void **state)
{
	uint64_t in[DP_NET_DPORT_BINS] = { 0 }, out[DP_NET_DPORT_BINS];
	uint64_t id[DP_SYSCALL_ID_BINS] = { 0 };
	const uint64_t *r;

	(void)state;
	in[DP_PORT_HTTPS] = 5;
	in[DP_PORT_REGISTERED_OFF + 3] = 2;
	for (uint32_t b = DP_PORT_EPHEMERAL_OFF; b < DP_NET_DPORT_BINS; b++)
		in[b] = b - DP_PORT_EPHEMERAL_OFF + 1;	/* 1..8: 36 */
	r = feature__score_counts(DP_F_NET_DPORT, in, out);
	assert_ptr_equal(r, out);
	assert_int_equal(out[DP_PORT_HTTPS], 5);
	assert_int_equal(out[DP_PORT_REGISTERED_OFF + 3], 2);
	assert_int_equal(out[DP_PORT_EPHEMERAL_OFF], 36);
	for (uint32_t b = DP_PORT_EPHEMERAL_OFF + 1; b < DP_NET_DPORT_BINS; b++)
		assert_int_equal(out[b], 0);
	assert_int_equal(in[DP_PORT_EPHEMERAL_OFF + 1], 2);	/* untouched */
	assert_ptr_equal(feature__score_counts(DP_F_NET_UDP_DPORT, in, out),
			 out);
	assert_ptr_equal(feature__score_counts(DP_F_SYSCALL_ID, id, out), id);
	assert_ptr_equal(feature__score_counts(DP_F_NET_PEER, id, out), id);
}

static void bins_are_kinds__magnitudes_are_not(void **state)
{
	(void)state;
	assert_true(feature__bins_are_kinds(DP_F_SYSCALL_ID));
	assert_true(feature__bins_are_kinds(DP_F_SYSCALL_ERRNO));
	assert_true(feature__bins_are_kinds(DP_F_SYSCALL_GROUP_ERRNO));
	assert_true(feature__bins_are_kinds(DP_F_PROC_EXEC));
	assert_true(feature__bins_are_kinds(DP_F_NET_DPORT));
	assert_false(feature__bins_are_kinds(DP_F_SYSCALL_LATENCY));
	assert_false(feature__bins_are_kinds(DP_F_NET_TX_BYTES));
	assert_false(feature__bins_are_kinds(DP_F_BLOCK_IO_LATENCY));
	assert_false(feature__bins_are_kinds(DP_F_COUNT));
}

/*
 * Magnitude bins' value ranges agree with the bucket functions the kernel
 * runs: each bin's lower edge lands in it, the value just below its upper
 * edge too, and the next bin starts where it ends; the last is open.
 */
static void bin_edges__match_the_bucket_functions(void **state)
{
	static const enum dp_feature_id fs[] = {
		DP_F_SYSCALL_LATENCY, DP_F_NET_DNS_LEN,		/* log-linear */
		DP_F_SCHED_RUNQ_LATENCY, DP_F_NET_TX_BYTES,	/* log2 */
	};
	double lo, hi, prev_hi;

	(void)state;
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++) {
		const struct feature_info *fi = &feature_table[fs[i]];

		prev_hi = 0;
		for (uint32_t b = 0; b < fi->bins; b++) {
			unsigned int got_lo, got_hi;

			assert_int_equal(feature__bin_edges(fs[i], b, &lo, &hi), 0);
			assert_true(lo == prev_hi && lo < hi);
			prev_hi = hi;
			if (fi->kind == DP_BUCKET_LOGLIN) {
				got_lo = dp_bucket_loglin((unsigned long long)lo,
							  fi->bins);
				got_hi = b + 1 < fi->bins ?
					 dp_bucket_loglin((unsigned long long)hi - 1,
							  fi->bins) : b;
			} else {
				got_lo = dp_bucket_log2((unsigned long long)lo,
							fi->bins);
				got_hi = b + 1 < fi->bins ?
					 dp_bucket_log2((unsigned long long)hi - 1,
							fi->bins) : b;
			}
			assert_int_equal(got_lo, b);
			assert_int_equal(got_hi, b);
		}
		assert_true(isinf(hi));
	}
	assert_true(feature__bin_edges(DP_F_SCHED_RUNQ_LATENCY, 0, &lo, &hi) == 0 &&
		    lo == 0 && hi == 2);
	assert_int_equal(feature__bin_edges(DP_F_SYSCALL_ID, 0, &lo, &hi),
			 -EINVAL);
	assert_int_equal(feature__bin_edges(DP_F_SYSCALL_LATENCY,
					    DP_SYSCALL_LATENCY_BINS, &lo, &hi),
			 -EINVAL);
	assert_int_equal(feature__bin_edges(DP_F_COUNT, 0, &lo, &hi), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(by_name__known_and_unknown),
		cmocka_unit_test(table__offsets_are_contiguous_within_each_group),
		cmocka_unit_test(label__net__ports_events_sizes_and_peers),
		cmocka_unit_test(label__syscall_id__names_and_other),
		cmocka_unit_test(label__errno__names_ok_and_other),
		cmocka_unit_test(label__loglin__ranges),
		cmocka_unit_test(label__group_errno__row_slash_column),
		cmocka_unit_test(syscall_groups__known_syscalls__land_in_their_group),
		cmocka_unit_test(
		syscall_symbols__known_syscalls__land_on_their_symbol),
		cmocka_unit_test(label__transition__previous_arrow_next),
		cmocka_unit_test(label__comm_dport__row_hash_and_port_class),
		cmocka_unit_test(label__bad_bin__is_rejected),
		cmocka_unit_test(
		    score_counts__ephemeral_ports__folded_into_one),
		cmocka_unit_test(bins_are_kinds__magnitudes_are_not),
		cmocka_unit_test(bin_edges__match_the_bucket_functions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
