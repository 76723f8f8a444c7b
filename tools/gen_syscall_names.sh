#!/bin/sh
# Emit a C table of syscall names indexed by number, from the installed
# kernel UAPI header of the build target (tools/syscall_numbers.sh), for
# syscall.id bin labels.
set -eu
nr=$(tools/syscall_numbers.sh)
echo "/* generated from <asm/unistd.h> by tools/gen_syscall_names.sh; do not edit */"
echo "static const char *const syscall_names[] = {"
echo "$nr" | awk '{ printf "\t[%d] = \"%s\",\n", $1, $2 }'
echo "};"
