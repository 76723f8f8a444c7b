// SPDX-License-Identifier: MIT
/*
 * Bucket functions at every power-of-two edge, against reference versions
 * written differently (a loop over bits, 128-bit-free arithmetic).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <driftprobe/buckets.h>

static unsigned int ref_log2(unsigned long long v)
{
	unsigned int r = 0;

	while (v >>= 1)
		r++;
	return r;
}

/* Reference log-linear bin, from the definition: bounds are searched. */
static unsigned int ref_loglin(unsigned long long v, unsigned int nbins)
{
	unsigned int b = 0;

	while (b + 1 < nbins && b + 1 < 64 * DP_LOGLIN_SUB &&
	       dp_loglin_lower(b + 1) <= v)
		b++;
	return b;
}

static void log2__every_edge__matches_reference(void **state)
{
	(void)state;
	assert_int_equal(dp_log2(0), 0);
	for (unsigned int k = 0; k < 64; k++) {
		unsigned long long p = 1ULL << k;

		assert_int_equal(dp_log2(p), k);
		assert_int_equal(dp_log2(p - 1), p > 1 ? k - 1 : 0);
		assert_int_equal(dp_log2(p + 1), ref_log2(p + 1));
		assert_int_equal(dp_log2(p | (p - 1)), k);
	}
	assert_int_equal(dp_log2(UINT64_MAX), 63);
}

static void loglin_lower__is_strictly_increasing_and_starts_exact(void **state)
{
	(void)state;
	for (unsigned int b = 0; b < DP_LOGLIN_SUB; b++)
		assert_int_equal(dp_loglin_lower(b), b);
	for (unsigned int b = 1; b < 62 * DP_LOGLIN_SUB; b++)
		assert_true(dp_loglin_lower(b) > dp_loglin_lower(b - 1));
	/* Every power of two starts a bin. */
	for (unsigned int k = DP_LOGLIN_SUB_BITS; k < 62; k++)
		assert_int_equal(dp_loglin_lower((k - 1) * DP_LOGLIN_SUB),
				 1ULL << k);
}

static void loglin__every_edge__lands_in_the_bin_whose_bounds_hold_it(void **state)
{
	const unsigned int nbins = 64 * DP_LOGLIN_SUB - 8;

	(void)state;
	for (unsigned int b = 0; b + 1 < nbins; b++) {
		unsigned long long lo = dp_loglin_lower(b);
		unsigned long long hi = dp_loglin_lower(b + 1);

		assert_int_equal(dp_bucket_loglin(lo, nbins), b);
		assert_int_equal(dp_bucket_loglin(hi - 1, nbins), b);
		assert_int_equal(dp_bucket_loglin(hi, nbins), b + 1);
	}
	for (unsigned int k = 0; k < 64; k++) {
		unsigned long long p = 1ULL << k;

		assert_int_equal(dp_bucket_loglin(p, nbins), ref_loglin(p, nbins));
		assert_int_equal(dp_bucket_loglin(p - 1, nbins),
				 ref_loglin(p - 1, nbins));
		assert_int_equal(dp_bucket_loglin(p + 1, nbins),
				 ref_loglin(p + 1, nbins));
	}
}

static void loglin__huge_values__clamp_to_last_bin(void **state)
{
	(void)state;
	assert_int_equal(dp_bucket_loglin(UINT64_MAX, DP_SYSCALL_LATENCY_BINS),
			 DP_SYSCALL_LATENCY_BINS - 1);
	assert_int_equal(dp_bucket_loglin(1ULL << 41, DP_SYSCALL_LATENCY_BINS),
			 DP_SYSCALL_LATENCY_BINS - 1);
	assert_int_equal(dp_bucket_loglin((1ULL << 41) - 1,
					  DP_SYSCALL_LATENCY_BINS),
			 DP_SYSCALL_LATENCY_BINS - 1);
	assert_int_equal(dp_bucket_loglin((1ULL << 41) - 1 - (1ULL << 38),
					  DP_SYSCALL_LATENCY_BINS),
			 DP_SYSCALL_LATENCY_BINS - 2);
}

static void categorical__edges__last_bin_takes_the_rest(void **state)
{
	(void)state;
	assert_int_equal(dp_bucket_categorical(0, 512), 0);
	assert_int_equal(dp_bucket_categorical(510, 512), 510);
	assert_int_equal(dp_bucket_categorical(511, 512), 511);
	assert_int_equal(dp_bucket_categorical(512, 512), 511);
	assert_int_equal(dp_bucket_categorical((unsigned long long)-1LL, 512),
			 511);
}

static void errno__edges__success_errors_and_other(void **state)
{
	const unsigned int n = DP_SYSCALL_ERRNO_BINS;

	(void)state;
	assert_int_equal(dp_bucket_errno(0, n), 0);
	assert_int_equal(dp_bucket_errno(12345, n), 0);
	assert_int_equal(dp_bucket_errno(-1, n), 1);
	assert_int_equal(dp_bucket_errno(-9, n), 9);
	assert_int_equal(dp_bucket_errno(-(long long)(n - 2), n), n - 2);
	assert_int_equal(dp_bucket_errno(-(long long)(n - 1), n), n - 1);
	assert_int_equal(dp_bucket_errno(-512, n), n - 1);
	assert_int_equal(dp_bucket_errno(-4095, n), n - 1);
	/* Below the kernel's error range: a value, not an error. */
	assert_int_equal(dp_bucket_errno(-4096, n), 0);
}

/* The classes by the C library's names, written out independently. */
static enum dp_errno_class ref_errno_class(int e)
{
	static const struct { int e; enum dp_errno_class c; } named[] = {
		{ EINTR, DP_EC_RETRY }, { EAGAIN, DP_EC_RETRY },
		{ ETIME, DP_EC_RETRY }, { ETIMEDOUT, DP_EC_RETRY },
		{ 512, DP_EC_RETRY }, { 513, DP_EC_RETRY },	/* ERESTARTSYS, ..NOINTR */
		{ 514, DP_EC_RETRY }, { 516, DP_EC_RETRY },	/* ..NOHAND, .._RESTARTBLOCK */
		{ ENOENT, DP_EC_NOTFOUND }, { ESRCH, DP_EC_NOTFOUND },
		{ ENXIO, DP_EC_NOTFOUND }, { ECHILD, DP_EC_NOTFOUND },
		{ EEXIST, DP_EC_NOTFOUND }, { ENODEV, DP_EC_NOTFOUND },
		{ ENOTDIR, DP_EC_NOTFOUND }, { ENODATA, DP_EC_NOTFOUND },
		{ EPERM, DP_EC_DENIED }, { EACCES, DP_EC_DENIED },
		{ EROFS, DP_EC_DENIED },
		{ E2BIG, DP_EC_MISUSE }, { ENOEXEC, DP_EC_MISUSE },
		{ EBADF, DP_EC_MISUSE }, { EFAULT, DP_EC_MISUSE },
		{ EISDIR, DP_EC_MISUSE }, { EINVAL, DP_EC_MISUSE },
		{ ENOTTY, DP_EC_MISUSE }, { ESPIPE, DP_EC_MISUSE },
		{ ENAMETOOLONG, DP_EC_MISUSE }, { ENOSYS, DP_EC_MISUSE },
		{ ENOTSOCK, DP_EC_MISUSE }, { ENOPROTOOPT, DP_EC_MISUSE },
		{ EPROTONOSUPPORT, DP_EC_MISUSE }, { EOPNOTSUPP, DP_EC_MISUSE },
		{ EAFNOSUPPORT, DP_EC_MISUSE }, { 515, DP_EC_MISUSE },	/* ENOIOCTLCMD */
		{ EPIPE, DP_EC_CONN }, { EADDRINUSE, DP_EC_CONN },
		{ EADDRNOTAVAIL, DP_EC_CONN }, { ENETDOWN, DP_EC_CONN },
		{ ENETUNREACH, DP_EC_CONN }, { ENETRESET, DP_EC_CONN },
		{ ECONNABORTED, DP_EC_CONN }, { ECONNRESET, DP_EC_CONN },
		{ ENOTCONN, DP_EC_CONN }, { ECONNREFUSED, DP_EC_CONN },
		{ EHOSTDOWN, DP_EC_CONN }, { EHOSTUNREACH, DP_EC_CONN },
		{ EALREADY, DP_EC_CONN }, { EINPROGRESS, DP_EC_CONN },
	};

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (named[i].e == e)
			return named[i].c;
	return DP_EC_OTHER;
}

static void errno_class__whole_error_range__matches_libc_names(void **state)
{
	(void)state;
	assert_int_equal(dp_errno_class(0), DP_EC_OK);
	assert_int_equal(dp_errno_class(1 << 20), DP_EC_OK);
	assert_int_equal(dp_errno_class(-4096), DP_EC_OK);
	for (int e = 1; e <= 4095; e++)
		if (dp_errno_class(-e) != ref_errno_class(e))
			fail_msg("errno %d: class %d, expected %d", e,
				 dp_errno_class(-e), ref_errno_class(e));
}

static void log2_bucket__edges_and_clamp(void **state)
{
	(void)state;
	assert_int_equal(dp_bucket_log2(0, 32), 0);
	assert_int_equal(dp_bucket_log2(1, 32), 0);
	for (unsigned int k = 1; k < 31; k++) {
		assert_int_equal(dp_bucket_log2((1ULL << k) - 1, 32), k - 1);
		assert_int_equal(dp_bucket_log2(1ULL << k, 32), k);
	}
	assert_int_equal(dp_bucket_log2(1ULL << 40, 32), 31);
	assert_int_equal(dp_bucket_log2(~0ULL, 24), 23);
}

/* Which IANA range a port belongs to, written without the offsets' macros. */
static void port__named_ports_own_bins_others_stay_in_their_range(void **state)
{
	static const unsigned int named[] = { 22, 25, 53, 80, 123, 443, 3306,
					      5432, 6379, 8080, 9090 };
	unsigned int seen[DP_NET_DPORT_BINS] = { 0 };

	(void)state;
	assert_int_equal(dp_bucket_port(443), DP_PORT_HTTPS);
	assert_int_equal(dp_bucket_port(22), DP_PORT_SSH);
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		assert_true(dp_bucket_port(named[i]) < DP_NAMED_PORTS_N);
	for (unsigned int port = 0; port < 65536; port++) {
		unsigned int b = dp_bucket_port(port);

		assert_true(b < DP_NET_DPORT_BINS);
		seen[b]++;
		if (b < DP_NAMED_PORTS_N)
			continue;
		if (port < 1024)
			assert_in_range(b, DP_NAMED_PORTS_N, DP_NAMED_PORTS_N + 7);
		else if (port < 49152)
			assert_in_range(b, DP_NAMED_PORTS_N + 8,
					DP_NAMED_PORTS_N + 23);
		else
			assert_in_range(b, DP_NAMED_PORTS_N + 24,
					DP_NAMED_PORTS_N + 31);
	}
	/* Every bin is reachable, named ones by exactly one port. */
	for (unsigned int b = 0; b < DP_NET_DPORT_BINS; b++)
		assert_true(b < DP_NAMED_PORTS_N ? seen[b] == 1 : seen[b] > 100);
}

static void peer__stable_spread_and_v4_v6_fold(void **state)
{
	unsigned int seen[DP_NET_PEER_BINS] = { 0 }, used = 0;

	(void)state;
	/* Stable: labels and baselines depend on these exact values. */
	assert_int_equal(dp_hash32(1, 6), 2654435761u >> 26);
	assert_int_equal(dp_bucket_peer(0x0100007f, 0, 0, 0),
			 dp_hash32(0x0100007f, DP_NET_PEER_BITS));
	/* A /24 of consecutive addresses uses most bins. */
	for (unsigned int host = 0; host < 256; host++)
		seen[dp_bucket_peer(0x0a000000u + host, 0, 0, 0)]++;
	for (unsigned int b = 0; b < DP_NET_PEER_BINS; b++)
		used += seen[b] > 0;
	assert_true(used >= DP_NET_PEER_BINS * 3 / 4);
	assert_int_equal(dp_bucket_peer(1, 2, 4, 8), dp_bucket_peer(15, 0, 0, 0));
}

static void port_class__services_and_ranges(void **state)
{
	static const struct { unsigned int port; enum dp_port_class c; } t[] = {
		{ 443, DP_PC_WEB }, { 80, DP_PC_WEB }, { 8443, DP_PC_WEB },
		{ 53, DP_PC_DNS }, { 853, DP_PC_DNS }, { 22, DP_PC_SSH },
		{ 25, DP_PC_MAIL }, { 993, DP_PC_MAIL },
		{ 5432, DP_PC_DATABASE }, { 6379, DP_PC_DATABASE },
		{ 0, DP_PC_WELL_KNOWN }, { 23, DP_PC_WELL_KNOWN },
		{ 1023, DP_PC_WELL_KNOWN }, { 1024, DP_PC_REGISTERED },
		{ 4444, DP_PC_REGISTERED }, { 49151, DP_PC_REGISTERED },
		{ 49152, DP_PC_EPHEMERAL }, { 65535, DP_PC_EPHEMERAL },
		{ 9042, DP_PC_DATABASE }, { 2049, DP_PC_REGISTERED },
		{ 9090, DP_PC_REGISTERED }, { 123, DP_PC_WELL_KNOWN },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(dp_port_class(t[i].port), t[i].c);
}

/* The class of a port's range, as dp_port_class falls back to. */
static enum dp_port_class range_class(unsigned int port)
{
	return port < DP_PORT_REGISTERED_MIN ? DP_PC_WELL_KNOWN :
	       port < DP_PORT_EPHEMERAL_MIN  ? DP_PC_REGISTERED :
					       DP_PC_EPHEMERAL;
}

/*
 * A named port given a range class must sit in that range (else the table
 * would say "registered" of a well-known port); one with a service class
 * has it.
 */
static void port_class__named_ports__class_from_the_table(void **state)
{
	static const struct { unsigned int port; enum dp_port_class c; } t[] = {
#define DP_X_PORT_CLASS(p, id, label, class) { p, DP_PC_##class },
		DP_NAMED_PORTS(DP_X_PORT_CLASS)
#undef DP_X_PORT_CLASS
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(dp_port_class(t[i].port), t[i].c);
		if (t[i].c >= DP_PC_WELL_KNOWN)
			assert_int_equal(t[i].c, range_class(t[i].port));
	}
}

/* FNV-1a, then the top DP_COMM_ROW_BITS of h * 2654435761, in 64 bits. */
static unsigned int ref_comm_row(const char *s)
{
	uint64_t h = 2166136261u;

	for (size_t i = 0; i < strnlen(s, DP_COMM_LEN); i++)
		h = ((h ^ (unsigned char)s[i]) * 16777619u) & 0xffffffffu;
	return (unsigned int)(((h * 2654435761u) & 0xffffffffu) >>
			      (32 - DP_COMM_ROW_BITS));
}

static void comm_row__matches_reference_and_stops_at_nul(void **state)
{
	static const char *const names[] = { "", "curl", "sshd", "dpexfil",
					     "systemd-resolve", "python3" };
	char full[DP_COMM_LEN], padded[DP_COMM_LEN] = "curl";

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(dp_comm_row(names[i]) < DP_COMM_ROWS, 1);
		assert_int_equal(dp_comm_row(names[i]), ref_comm_row(names[i]));
	}
	/* Bytes after the NUL do not count; 16 bytes without NUL do. */
	memcpy(padded + 5, "junk", 4);
	assert_int_equal(dp_comm_row(padded), dp_comm_row("curl"));
	memset(full, 'a', sizeof(full));
	assert_int_equal(dp_comm_row(full), ref_comm_row("aaaaaaaaaaaaaaaa"));
}

/*
 * dp_coin, the syscall sampler's coin: from 64 seeds (0 and 1 included),
 * the share of draws below 2^28 (what "timed, 1 in 16" tests) is 1/16
 * within 5 standard deviations over 1,048,576 draws, and the top 8 bits
 * are uniform by a chi-square test at p = 1e-6 (critical value for 255
 * degrees of freedom from scipy.stats.chi2.isf(1e-6, 255)).
 */
static void coin__sampled_share_and_top_bits__uniform(void **state)
{
	enum { SEEDS = 64, DRAWS = 16384, N = SEEDS * DRAWS };
	const double chi2_crit = 377.078;
	unsigned long long below = 0, cells[256] = { 0 };
	double expected = N / 256.0, chi2 = 0, share, sd;

	(void)state;
	for (unsigned long long seed = 0; seed < SEEDS; seed++) {
		unsigned long long st = seed * 0x2545f4914f6cdd1dULL;

		for (int i = 0; i < DRAWS; i++) {
			unsigned int r = dp_coin(&st);

			below += r < (1u << 28);
			cells[r >> 24]++;
		}
	}
	for (int c = 0; c < 256; c++)
		chi2 += (cells[c] - expected) * (cells[c] - expected) /
			expected;
	share = (double)below / N;
	sd = sqrt(1.0 / 16 * 15 / 16 / N);
	print_message("coin: share below 2^28 %.6f (1/16 = %.6f, sd %.6f), "
		      "chi2 of the top byte %.1f (critical %.1f)\n", share,
		      1.0 / 16, sd, chi2, chi2_crit);
	assert_true(fabs(share - 1.0 / 16) < 5 * sd);
	assert_true(chi2 < chi2_crit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(coin__sampled_share_and_top_bits__uniform),
		cmocka_unit_test(log2__every_edge__matches_reference),
		cmocka_unit_test(loglin_lower__is_strictly_increasing_and_starts_exact),
		cmocka_unit_test(loglin__every_edge__lands_in_the_bin_whose_bounds_hold_it),
		cmocka_unit_test(loglin__huge_values__clamp_to_last_bin),
		cmocka_unit_test(categorical__edges__last_bin_takes_the_rest),
		cmocka_unit_test(errno__edges__success_errors_and_other),
		cmocka_unit_test(errno_class__whole_error_range__matches_libc_names),
		cmocka_unit_test(port_class__services_and_ranges),
		cmocka_unit_test(port_class__named_ports__class_from_the_table),
		cmocka_unit_test(comm_row__matches_reference_and_stops_at_nul),
		cmocka_unit_test(log2_bucket__edges_and_clamp),
		cmocka_unit_test(port__named_ports_own_bins_others_stay_in_their_range),
		cmocka_unit_test(peer__stable_spread_and_v4_v6_fold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
