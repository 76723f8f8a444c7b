/* SPDX-License-Identifier: MIT */
/*
 * assert_close(got, want, tol): |got - want| <= tol in double precision,
 * for the statistics tests (cmocka's assert_float_equal rounds to float).
 */
#ifndef DRIFTPROBE_TEST_CLOSE_H
#define DRIFTPROBE_TEST_CLOSE_H

#include <math.h>

#define assert_close(got, want, tol)					\
	do {								\
		double g_ = (got), w_ = (want), t_ = (tol);		\
									\
		if (!(fabs(g_ - w_) <= t_))				\
			fail_msg("%s = %.17g, expected %.17g +- %g",	\
				 #got, g_, w_, t_);			\
	} while (0)

#endif /* DRIFTPROBE_TEST_CLOSE_H */
