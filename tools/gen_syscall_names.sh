#!/bin/sh
# Emit a C table of syscall names indexed by number, from the installed
# kernel UAPI header (linux-libc-dev), for syscall.id bin labels.
set -eu
hdr=${1:-/usr/include/$(gcc -print-multiarch)/asm/unistd_64.h}
[ -r "$hdr" ] || { echo "gen_syscall_names: cannot read $hdr (install linux-libc-dev)" >&2; exit 1; }
echo "/* generated from $hdr by tools/gen_syscall_names.sh; do not edit */"
echo "static const char *const syscall_names[] = {"
sed -n 's/^#define __NR_\([a-z0-9_]*\)[ \t]\+\([0-9]\+\)$/\t[\2] = "\1",/p' "$hdr"
echo "};"
