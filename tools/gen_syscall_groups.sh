#!/bin/sh
# Emit the syscall number -> dp_syscall_group table (rows of the joint
# feature syscall.group_errno), the syscall number -> dp_seq_symbol table
# (rows and columns of syscall.transition) and the numbers of the syscalls
# that change a task's program (--per-program) from the build target's
# kernel UAPI header (tools/syscall_numbers.sh), by name (features.h, or
# $1, gives the table size). Included by the BPF program and by userspace,
# so both agree.
set -eu
nr=$(tools/syscall_numbers.sh)
echo "/* generated from <asm/unistd.h> by tools/gen_syscall_groups.sh; do not edit */"
bins=$(sed -n 's/^#define DP_SYSCALL_ID_BINS[ \t]*\([0-9]*\).*/\1/p' "${1:-include/driftprobe/features.h}")
echo "$nr" |
awk '
function group(n) {
	if (n ~ /^(socket|socketpair|connect|accept|accept4|bind|listen|shutdown|sendto|recvfrom|sendmsg|recvmsg|sendmmsg|recvmmsg|getsockname|getpeername|setsockopt|getsockopt)$/) return "NET"
	if (n ~ /^(clone|clone3|fork|vfork|execve|execveat|exit|exit_group|wait4|waitid|kill|tkill|tgkill|getpid|getppid|gettid|set_tid_address|prctl|arch_prctl|ptrace|unshare|setns|personality|capget|capset|rt_sig.*|sigaltstack|pidfd_.*|get.*[ug]id|set.*[ug]id|getgroups|setgroups|setsid|getsid|setpgid|getpgid|getpgrp|prlimit64|getrlimit|setrlimit|seccomp|rseq|set_robust_list|get_robust_list|kcmp|process_madvise)$/) return "PROCESS"
	if (n ~ /^(mmap|munmap|mprotect|brk|mremap|msync|mincore|madvise|mlock|mlock2|munlock|mlockall|munlockall|mbind|set_mempolicy|get_mempolicy|migrate_pages|move_pages|process_vm_readv|process_vm_writev|memfd_create|memfd_secret|pkey_.*|membarrier|remap_file_pages|userfaultfd)$/) return "MEMORY"
	if (n ~ /^(futex|futex_waitv|pipe|pipe2|eventfd|eventfd2|msgget|msgsnd|msgrcv|msgctl|semget|semop|semtimedop|semctl|shmget|shmat|shmdt|shmctl|mq_.*)$/) return "IPC"
	if (n ~ /^(poll|ppoll|select|pselect6|epoll_.*|io_setup|io_destroy|io_submit|io_cancel|io_getevents|io_pgetevents|io_uring_.*|inotify_.*|fanotify_.*|timerfd_.*|signalfd|signalfd4)$/) return "POLL"
	if (n ~ /^(nanosleep|clock_.*|gettimeofday|settimeofday|time|times|adjtimex|alarm|getitimer|setitimer|timer_.*|sched_.*|getpriority|setpriority|getrusage|sysinfo)$/) return "TIME"
	if (n ~ /^(read|write|open|openat|openat2|creat|close|close_range|stat|fstat|lstat|newfstatat|statx|statfs|fstatfs|lseek|pread64|pwrite64|readv|writev|preadv|pwritev|preadv2|pwritev2|access|faccessat|faccessat2|dup|dup2|dup3|fcntl|flock|fsync|fdatasync|sync|syncfs|sync_file_range|truncate|ftruncate|getdents|getdents64|getcwd|chdir|fchdir|chroot|rename|renameat|renameat2|mkdir|mkdirat|rmdir|link|linkat|unlink|unlinkat|symlink|symlinkat|readlink|readlinkat|chmod|fchmod|fchmodat|chown|fchown|fchownat|lchown|umask|mknod|mknodat|utime|utimes|utimensat|futimesat|sendfile|splice|tee|vmsplice|copy_file_range|fadvise64|fallocate|readahead|name_to_handle_at|open_by_handle_at|.*xattr|ioctl|mount|umount2|pivot_root|open_tree|move_mount|fsopen|fsconfig|fsmount|fspick|mount_setattr|quotactl|quotactl_fd)$/) return "FILE"
	return ""
}
function symbol(n) {
	if (n ~ /^(read|pread64|readv|preadv|preadv2)$/) return "READ"
	if (n ~ /^(write|pwrite64|writev|pwritev|pwritev2)$/) return "WRITE"
	if (n ~ /^(open|openat|openat2|creat|open_by_handle_at)$/) return "OPEN"
	if (n ~ /^(close|close_range)$/) return "CLOSE"
	if (n ~ /^(stat|fstat|lstat|newfstatat|statx|access|faccessat|faccessat2|readlink|readlinkat)$/) return "STAT"
	if (n ~ /^(getdents|getdents64)$/) return "GETDENTS"
	if (n ~ /^(unlink|unlinkat|rename|renameat|renameat2|mkdir|mkdirat|rmdir|link|linkat|symlink|symlinkat|truncate|ftruncate|chmod|fchmod|fchmodat|chown|fchown|fchownat|lchown|mknod|mknodat|.*setxattr|.*removexattr)$/) return "FS_CHANGE"
	if (n ~ /^(setuid|setgid|setreuid|setregid|setresuid|setresgid|setfsuid|setfsgid|setgroups|capset|ptrace|unshare|setns|mount|umount2|pivot_root|chroot|init_module|finit_module|delete_module|bpf|process_vm_readv|process_vm_writev|kexec_load|kexec_file_load|open_tree|move_mount|fsopen|fsmount)$/) return "PRIVILEGED"
	if (n ~ /^(mmap|mremap)$/) return "MMAP"
	if (n ~ /^(mprotect|pkey_mprotect)$/) return "MPROTECT"
	if (n ~ /^(munmap|brk|madvise|mlock|mlock2|munlock|msync|mincore)$/) return "MEMORY"
	if (n ~ /^(memfd_create|memfd_secret)$/) return "MEMFD"
	if (n ~ /^ioctl$/) return "IOCTL"
	if (n ~ /^(fcntl|flock)$/) return "FCNTL"
	if (n ~ /^(dup|dup2|dup3)$/) return "DUP"
	if (n ~ /^(pipe|pipe2)$/) return "PIPE"
	if (n ~ /^(socket|socketpair)$/) return "SOCKET"
	if (n ~ /^connect$/) return "CONNECT"
	if (n ~ /^(bind|listen)$/) return "BIND"
	if (n ~ /^(accept|accept4)$/) return "ACCEPT"
	if (n ~ /^(sendto|sendmsg|sendmmsg|sendfile)$/) return "SEND"
	if (n ~ /^(recvfrom|recvmsg|recvmmsg)$/) return "RECV"
	if (n ~ /^(setsockopt|getsockopt|getsockname|getpeername|shutdown)$/) return "SOCKOPT"
	if (n ~ /^(poll|ppoll|select|pselect6|epoll_wait|epoll_pwait|epoll_pwait2|epoll_ctl|epoll_create|epoll_create1)$/) return "POLL"
	if (n ~ /^(futex|futex_waitv)$/) return "FUTEX"
	if (n ~ /^(nanosleep|clock_nanosleep)$/) return "SLEEP"
	if (n ~ /^(clone|clone3|fork|vfork)$/) return "CLONE"
	if (n ~ /^(execve|execveat)$/) return "EXECVE"
	if (n ~ /^(exit|exit_group)$/) return "EXIT"
	if (n ~ /^(wait4|waitid)$/) return "WAIT"
	if (n ~ /^(rt_sigaction|rt_sigprocmask|rt_sigreturn|rt_sigsuspend|rt_sigpending|rt_sigtimedwait|rt_sigqueueinfo|rt_tgsigqueueinfo|kill|tkill|tgkill|sigaltstack|pidfd_send_signal)$/) return "SIGNAL"
	return ""
}
# One table: every slot spelt out; numbers without a syscall, names no
# rule matches and the open last bin are OTHER.
function table(cname, prefix, kind,	i, c) {
	printf "static const unsigned char %s[DP_SYSCALL_ID_BINS] = {\n", cname
	for (i = 0; i < bins; i++) {
		c = !(i in name) ? "" : kind == "group" ? group(name[i]) : symbol(name[i])
		printf "\t[%d] = %s%s,\t/* %s */\n", i, prefix, c == "" ? "OTHER" : c, (i in name) ? name[i] : "-"
	}
	print "};"
}
{ name[$1] = $2 }
END {
	table("dp_syscall_group_of", "DP_SG_", "group")
	print ""
	table("dp_syscall_symbol_of", "DP_SEQ_", "symbol")
	print ""
	print "/* The syscalls after which a task may run another program. */"
	for (i = 0; i < bins; i++)
		if (name[i] ~ /^(execve|execveat|prctl)$/)
			printf "#define DP_NR_%s\t%d\n", toupper(name[i]), i
}' bins="$bins"
