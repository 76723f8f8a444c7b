// SPDX-License-Identifier: MIT
/* Exemplar lists: most recent first, distinct, bounded; endpoint text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>
#include "exemplar.h"
#include "feature.h"

static void join(struct exemplars *ex, uint32_t bin, size_t want_n,
		 const char *want)
{
	char buf[256];

	assert_int_equal(exemplars__join(ex, DP_F_NET_PEER, bin, buf,
					 sizeof(buf)), want_n);
	assert_string_equal(buf, want);
}

static void note__recent_first_distinct_and_bounded(void **state)
{
	struct exemplars *ex = exemplars__new();

	(void)state;
	assert_non_null(ex);
	join(ex, 3, 0, "");
	assert_int_equal(exemplars__note(ex, DP_F_NET_PEER, 3, "a"), 0);
	assert_int_equal(exemplars__note(ex, DP_F_NET_PEER, 3, "b"), 0);
	join(ex, 3, 2, "b, a");
	/* Seen again: moves to the front, no duplicate. */
	assert_int_equal(exemplars__note(ex, DP_F_NET_PEER, 3, "a"), 0);
	join(ex, 3, 2, "a, b");
	exemplars__note(ex, DP_F_NET_PEER, 3, "c");
	exemplars__note(ex, DP_F_NET_PEER, 3, "d");
	exemplars__note(ex, DP_F_NET_PEER, 3, "e");
	/* Bounded: the oldest (b) fell off. */
	join(ex, 3, EXEMPLARS_PER_BIN, "e, d, c, a");
	/* The oldest of a full list seen again moves up, nothing lost. */
	exemplars__note(ex, DP_F_NET_PEER, 3, "a");
	join(ex, 3, EXEMPLARS_PER_BIN, "a, e, d, c");
	join(ex, 4, 0, "");
	assert_int_equal(exemplars__note(ex, DP_F_NET_PEER, DP_NET_PEER_BINS,
					 "x"), -EINVAL);
	assert_int_equal(exemplars__note(ex, DP_F_COUNT, 0, "x"), -EINVAL);
	exemplars__free(ex);
}

static void join__truncates_to_buffer(void **state)
{
	struct exemplars *ex = exemplars__new();
	char buf[6];

	(void)state;
	exemplars__note(ex, DP_F_NET_PEER, 0, "10.0.0.1");
	exemplars__note(ex, DP_F_NET_PEER, 0, "10.0.0.2");
	assert_int_equal(exemplars__join(ex, DP_F_NET_PEER, 0, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "10.0.");
	exemplars__free(ex);
}

static void format_endpoint__v4_v6_and_bad_family(void **state)
{
	struct dp_net_endpoint e = { .addr = { 10, 200, 7, 2 }, .family = 2,
				     .port = 4444 };
	char buf[EXEMPLAR_LEN];

	(void)state;
	assert_int_equal(exemplars__format_endpoint(&e, buf, sizeof(buf)), 15);
	assert_string_equal(buf, "10.200.7.2:4444");
	e.port = 0;
	exemplars__format_endpoint(&e, buf, sizeof(buf));
	assert_string_equal(buf, "10.200.7.2");
	memset(e.addr, 0, sizeof(e.addr));
	e.addr[0] = 0xfd;
	e.addr[15] = 2;
	e.family = 10;
	e.port = 53;
	exemplars__format_endpoint(&e, buf, sizeof(buf));
	assert_string_equal(buf, "[fd00::2]:53");
	memset(e.addr, 0xff, sizeof(e.addr));
	e.port = 65535;
	assert_true(exemplars__format_endpoint(&e, buf, sizeof(buf)) <
		    EXEMPLAR_LEN);
	e.family = 0;
	assert_int_equal(exemplars__format_endpoint(&e, buf, sizeof(buf)),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(note__recent_first_distinct_and_bounded),
		cmocka_unit_test(join__truncates_to_buffer),
		cmocka_unit_test(format_endpoint__v4_v6_and_bad_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
