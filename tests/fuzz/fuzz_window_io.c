// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: window record files (JSON Lines), the input of
 * `analyze` and `baseline build`. Reads every window the reader accepts,
 * writes each back out (the writer must cope with whatever the reader let
 * through), and checks the reader's contract: an error always comes with a
 * message, and every accepted histogram has its feature's bin count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "feature.h"
#include "fuzz_file.h"
#include "window_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *sink = fopen("/dev/null", "w");
	struct window_reader *r;
	struct window *w;
	char err[512];
	int ret;

	if (!sink)
		abort();
	err[0] = 0;
	r = window_reader__open(fuzz_file__path(data, size), err, sizeof(err));
	if (!r)
		abort();	/* the memfd always opens */
	while ((ret = window_reader__next(r, &w, err, sizeof(err))) == 1) {
		for (size_t i = 0; i < w->n; i++)
			if (w->hists[i].nbins !=
			    feature_table[w->hists[i].feature].bins)
				abort();
		if (window_io__write(sink, w))
			abort();
		window__free(w);
	}
	if (ret < 0 && !err[0])
		abort();	/* an error without a message */
	window_reader__close(r);
	fclose(sink);
	return 0;
}
