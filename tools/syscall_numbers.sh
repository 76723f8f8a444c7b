#!/bin/sh
# Print "NUMBER NAME" for every syscall of the build target, as its kernel
# UAPI header <asm/unistd.h> (linux-libc-dev) defines them, whatever the
# architecture: the preprocessor selects the header (x86-64's
# unistd_64.h, arm64's asm-generic table) and lists its macros; names
# defined through another macro (arm64's __NR3264_*) are resolved here.
# Shared by gen_syscall_names.sh and gen_syscall_groups.sh.
set -eu
macros=$(echo '#include <asm/unistd.h>' | ${CC:-cc} -E -dM -) || {
	echo "syscall_numbers: cannot read <asm/unistd.h> (install linux-libc-dev)" >&2
	exit 1
}
echo "$macros" |
awk '$1 == "#define" && $2 ~ /^__NR/ { def[$2] = $3 }
END {
	for (m in def) {
		if (m !~ /^__NR_[a-z0-9_]+$/ || m == "__NR_syscalls" ||
		    m == "__NR_arch_specific_syscall")
			continue
		v = def[m]
		for (hops = 0; (v in def) && hops < 4; hops++)
			v = def[v]
		if (v ~ /^[0-9]+$/)
			print v, substr(m, 6)
	}
}' | sort -n
