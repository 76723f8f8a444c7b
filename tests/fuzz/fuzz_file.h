/* SPDX-License-Identifier: MIT */
/*
 * The fuzz targets' one seam: driftprobe's readers take a path, libFuzzer
 * hands out bytes. fuzz_file__path() puts the bytes in an anonymous memory
 * file (mode 0600, so the baseline loader's permission check passes) and
 * returns a /proc/self/fd path to it: no disk I/O, nothing left behind.
 */
#ifndef DRIFTPROBE_FUZZ_FILE_H
#define DRIFTPROBE_FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Path of a file holding exactly data[0..size); aborts if that fails. */
const char *fuzz_file__path(const uint8_t *data, size_t size);

#endif
