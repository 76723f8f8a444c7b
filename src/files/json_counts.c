// SPDX-License-Identifier: MIT
/* Validating histogram counts read from JSON, for every reader. */
#include "json_counts.h"

enum json_counts_error json_counts__parse(json_object *arr, uint64_t *out,
					  size_t n, size_t *at)
{
	uint64_t total = 0;
	size_t len;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return JSON_COUNTS_NOT_ARRAY;
	len = json_object_array_length(arr);
	if (len != n) {
		*at = len;
		return JSON_COUNTS_LENGTH;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);

		*at = i;
		if (!json_object_is_type(v, json_type_int))
			return JSON_COUNTS_NOT_INTEGER;
		if (json_object_get_int64(v) < 0)
			return JSON_COUNTS_NEGATIVE;
		/* json-c saturates what does not fit at UINT64_MAX. */
		out[i] = json_object_get_uint64(v);
		if (out[i] == UINT64_MAX)
			return JSON_COUNTS_TOO_BIG;
		if (__builtin_add_overflow(total, out[i], &total))
			return JSON_COUNTS_SUM_OVERFLOW;
	}
	return JSON_COUNTS_OK;
}
