// SPDX-License-Identifier: MIT
/* Batched BPF hash map walks, with the per-element fallback; see map_walk.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include "map_walk.h"

static int walk_by_element(int fd, size_t key_size, size_t value_size,
			   map_walk_fn fn, void *ctx)
{
	char *key = malloc(key_size), *next = malloc(key_size);
	char *value = malloc(value_size);
	void *prev = NULL;
	int err = 0;

	if (!key || !next || !value) {
		err = -ENOMEM;
		goto out;
	}
	while (!err && !bpf_map_get_next_key(fd, prev, next)) {
		char *tmp = key;

		key = next;
		next = tmp;
		prev = key;
		/* Gone between the two calls: skip it. */
		if (!bpf_map_lookup_elem(fd, key, value))
			err = fn(key, value, ctx);
	}
	if (!err && errno != ENOENT)
		err = -errno;
out:
	free(key);
	free(next);
	free(value);
	return err;
}

int map_walk(int fd, size_t key_size, size_t value_size, map_walk_fn fn,
	     void *ctx)
{
	uint32_t count, in = 0, out = 0, batch = MAP_WALK_BATCH;
	char *keys = NULL, *values = NULL;
	bool first = true;
	int err = 0, ret;

	for (;;) {
		if (!keys) {
			/*
			 * calloc: valgrind does not know the batch command
			 * writes these, and would call every read of them
			 * uninitialised.
			 */
			keys = calloc(batch, key_size);
			values = calloc(batch, value_size);
			if (!keys || !values) {
				err = -ENOMEM;
				break;
			}
		}
		count = batch;
		ret = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, keys,
					   values, &count, NULL);
		if (ret && errno == ENOSPC && count == 0) {
			/* One hash bucket holds more than a batch. */
			free(keys);
			free(values);
			keys = values = NULL;
			batch *= 2;
			continue;
		}
		if (ret && errno != ENOENT) {
			/* 524: the kernel's ENOTSUPP, no batch ops here. */
			err = first && (errno == EINVAL ||
					errno == EOPNOTSUPP || errno == 524)
				      ? walk_by_element(fd, key_size,
							value_size, fn, ctx)
				      : -errno;
			break;
		}
		for (uint32_t i = 0; i < count && !err; i++)
			err = fn(keys + i * key_size, values + i * value_size,
				 ctx);
		if (err || ret)		/* ret: ENOENT, the last batch */
			break;
		in = out;
		first = false;
	}
	free(keys);
	free(values);
	return err;
}
