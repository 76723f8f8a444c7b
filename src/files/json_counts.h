/* SPDX-License-Identifier: MIT */
/*
 * Reading a JSON array of histogram counts, the one validation shared by
 * every file driftprobe reads (window records, baselines): exactly n
 * non-negative integers whose sum fits in 64 bits. Callers word the error.
 */
#ifndef DRIFTPROBE_JSON_COUNTS_H
#define DRIFTPROBE_JSON_COUNTS_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

enum json_counts_error {
	JSON_COUNTS_OK,
	JSON_COUNTS_NOT_ARRAY,
	JSON_COUNTS_LENGTH,	/* *at = the array's length */
	JSON_COUNTS_NOT_INTEGER,	/* *at = index */
	JSON_COUNTS_NEGATIVE,	/* *at = index */
	JSON_COUNTS_TOO_BIG,	/* *at = index: does not fit 64 bits */
	JSON_COUNTS_SUM_OVERFLOW,	/* *at = index where the sum overflowed */
};

/*
 * Parse arr into out[0..n). On error returns the kind and sets *at as
 * described; out is then partly written.
 */
enum json_counts_error json_counts__parse(json_object *arr, uint64_t *out,
					  size_t n, size_t *at);

#endif /* DRIFTPROBE_JSON_COUNTS_H */
