/* SPDX-License-Identifier: MIT */
/*
 * The one list of driftprobe features, shared by the BPF programs and
 * userspace. Adding a feature = one line in its group's X-macro below plus
 * its hook in bpf/. Plain C, no #include, fixed-width-free types, so that
 * both vmlinux.h-based BPF code and libc-based userspace code can use it.
 *
 * Each group is one BPF object with one per-CPU map whose single value
 * holds every bin of every feature in the group back to back, followed by
 * the group's health counters (and, for the net group, the last endpoint
 * per bin). Userspace reads that value in one syscall.
 */
#ifndef DRIFTPROBE_FEATURES_H
#define DRIFTPROBE_FEATURES_H

/* How a feature's value becomes a bin (labels come from the same kind). */
enum dp_bucket_kind {
	DP_BUCKET_CATEGORICAL,	/* bin = value, last bin = everything else */
	DP_BUCKET_LOGLIN,	/* log-linear: 4 sub-buckets per power of two */
	DP_BUCKET_ERRNO,	/* 0 = success, e = errno e, last = other */
	DP_BUCKET_JOINT,	/* 2-D: rows x cols cells, row-major */
	DP_BUCKET_LOG2,		/* bin b = [2^b, 2^(b+1)), 0 and 1 in bin 0 */
	DP_BUCKET_PORT,		/* named service ports, then hashed ranges */
	DP_BUCKET_HASH,		/* a hash of a value nobody should read */
};

/* Which BPF object and map a feature's bins live in. */
enum dp_group {
	DP_GROUP_SYSCALL,
	DP_GROUP_NET,
	DP_GROUP_NODE,
	DP_GROUP_COUNT
};

/* Log-linear buckets: values 0..3 exact, then 4 bins per power of two. */
#define DP_LOGLIN_SUB_BITS	2
#define DP_LOGLIN_SUB		(1u << DP_LOGLIN_SUB_BITS)

#define DP_SYSCALL_ID_BINS	512
/* 160 log-linear bins reach 2^41 ns (36 min); the last bin is open-ended. */
#define DP_SYSCALL_LATENCY_BINS	160
/* errno 1..134 (EHWPOISON is 133), bin 135 = anything else (ERESTART*). */
#define DP_SYSCALL_ERRNO_BINS	136

/*
 * syscall.group_errno, a joint feature: which subsystem a syscall belongs
 * to (rows) x how it failed (columns). 8 x 7 = 56 cells: coarse enough that
 * a 10 s window fills the table many times over (the plug-in MI's bias is
 * ~(cells - rows - cols + 1) / 2N), fine enough to separate "file lookups
 * miss" from "process calls are denied". Groups come from the syscall name
 * (tools/gen_syscall_groups.sh), classes from the errno (dp_errno_class()).
 */
enum dp_syscall_group {
	DP_SG_FILE, DP_SG_NET, DP_SG_PROCESS, DP_SG_MEMORY, DP_SG_IPC,
	DP_SG_POLL, DP_SG_TIME, DP_SG_OTHER,
	DP_SYSCALL_GROUPS	/* a power of two: the BPF side masks with it */
};

enum dp_errno_class {
	DP_EC_OK,		/* success */
	DP_EC_RETRY,		/* EAGAIN, EINTR, ERESTART*, ETIMEDOUT */
	DP_EC_NOTFOUND,		/* ENOENT, ENOTDIR, EEXIST, ESRCH, ENXIO, ENODATA */
	DP_EC_DENIED,		/* EPERM, EACCES, EROFS */
	DP_EC_MISUSE,		/* EBADF, EINVAL, EFAULT, ENOSYS, ENOTTY, ... */
	DP_EC_CONN,		/* ECONNREFUSED, ECONNRESET, EPIPE, E*UNREACH, ... */
	DP_EC_OTHER,
	DP_ERRNO_CLASSES
};

/*
 * syscall.transition, a joint feature: the symbol of a thread's previous
 * syscall (rows) x the symbol of its next one (columns), so that order is
 * seen, not only counts: a server that starts doing open -> connect, a
 * shell whose execve follows a dup. 32 x 32 = 1,024 cells. A symbol is a
 * syscall, or a few that do the same thing (read and pread64 and readv
 * are "read"); the table from syscall name to symbol is generated like
 * the groups (tools/gen_syscall_groups.sh). X(id, label)
 */
#define DP_SEQ_SYMBOL_TABLE(X)							\
	X(READ, "read") X(WRITE, "write") X(OPEN, "open") X(CLOSE, "close")	\
	X(STAT, "stat") X(GETDENTS, "getdents") X(FS_CHANGE, "fs_change")	\
	X(PRIVILEGED, "privileged") X(MMAP, "mmap") X(MPROTECT, "mprotect")	\
	X(MEMORY, "memory") X(MEMFD, "memfd") X(IOCTL, "ioctl")		\
	X(FCNTL, "fcntl") X(DUP, "dup") X(PIPE, "pipe") X(SOCKET, "socket")	\
	X(CONNECT, "connect") X(BIND, "bind") X(ACCEPT, "accept")		\
	X(SEND, "send") X(RECV, "recv") X(SOCKOPT, "sockopt") X(POLL, "poll")	\
	X(FUTEX, "futex") X(SLEEP, "sleep") X(CLONE, "clone")			\
	X(EXECVE, "execve") X(EXIT, "exit") X(WAIT, "wait")			\
	X(SIGNAL, "signal") X(OTHER, "other")

enum dp_seq_symbol {
#define DP_X_SEQ_ID(id, label) DP_SEQ_##id,
	DP_SEQ_SYMBOL_TABLE(DP_X_SEQ_ID)
#undef DP_X_SEQ_ID
	DP_SEQ_SYMBOLS		/* a power of two: the BPF side masks with it */
};

/*
 * X(id, name, kind, rows, cols, unit)
 * id: C identifier suffix; name: what users see; rows x cols bins (rows is 1
 * for an ordinary histogram); unit: of the bucketed value.
 */
#define DP_FEATURES_SYSCALL(X)							\
	X(SYSCALL_ID, "syscall.id", DP_BUCKET_CATEGORICAL,			\
	  1, DP_SYSCALL_ID_BINS, "syscall")					\
	X(SYSCALL_LATENCY, "syscall.latency", DP_BUCKET_LOGLIN,		\
	  1, DP_SYSCALL_LATENCY_BINS, "ns")					\
	X(SYSCALL_ERRNO, "syscall.errno", DP_BUCKET_ERRNO,			\
	  1, DP_SYSCALL_ERRNO_BINS, "errno")					\
	X(SYSCALL_GROUP_ERRNO, "syscall.group_errno", DP_BUCKET_JOINT,	\
	  DP_SYSCALL_GROUPS, DP_ERRNO_CLASSES, "group x errno class")	\
	X(SYSCALL_TRANSITION, "syscall.transition", DP_BUCKET_JOINT,		\
	  DP_SEQ_SYMBOLS, DP_SEQ_SYMBOLS, "previous x next syscall")

/*
 * Network features. Service ports with a name get a bin each (in this
 * order); every other port is hashed into a few bins of its IANA range, so
 * a new port lands in a bin the baseline rarely used without the table
 * growing. Each also has its column of net.comm_dport, its class (enum
 * dp_port_class below; a service without a class of its own is in its
 * range's). X(port, id, label, class)
 */
#define DP_NAMED_PORTS(X)							\
	X(20, FTP_DATA, "ftp-data", WELL_KNOWN) X(21, FTP, "ftp", WELL_KNOWN)	\
	X(22, SSH, "ssh", SSH) X(23, TELNET, "telnet", WELL_KNOWN)		\
	X(25, SMTP, "smtp", MAIL) X(53, DNS, "dns", DNS)			\
	X(67, DHCP, "dhcp", WELL_KNOWN) X(80, HTTP, "http", WEB)		\
	X(88, KERBEROS, "kerberos", WELL_KNOWN) X(110, POP3, "pop3", MAIL)	\
	X(123, NTP, "ntp", WELL_KNOWN) X(143, IMAP, "imap", MAIL)		\
	X(161, SNMP, "snmp", WELL_KNOWN) X(389, LDAP, "ldap", WELL_KNOWN)	\
	X(443, HTTPS, "https", WEB) X(445, SMB, "smb", WELL_KNOWN)		\
	X(465, SMTPS, "smtps", MAIL) X(514, SYSLOG, "syslog", WELL_KNOWN)	\
	X(587, SUBMISSION, "submission", MAIL)					\
	X(636, LDAPS, "ldaps", WELL_KNOWN) X(853, DOT, "dns-over-tls", DNS)	\
	X(993, IMAPS, "imaps", MAIL) X(995, POP3S, "pop3s", MAIL)		\
	X(1433, MSSQL, "mssql", DATABASE) X(1521, ORACLE, "oracle", DATABASE)	\
	X(2049, NFS, "nfs", REGISTERED) X(2379, ETCD, "etcd", REGISTERED)	\
	X(3306, MYSQL, "mysql", DATABASE) X(3389, RDP, "rdp", REGISTERED)	\
	X(5432, POSTGRES, "postgresql", DATABASE)				\
	X(5672, AMQP, "amqp", REGISTERED) X(6379, REDIS, "redis", DATABASE)	\
	X(6443, KUBE_API, "kube-api", REGISTERED)				\
	X(8080, HTTP_ALT, "http-alt", WEB) X(8443, HTTPS_ALT, "https-alt", WEB)	\
	X(9090, PROMETHEUS, "prometheus", REGISTERED)				\
	X(9092, KAFKA, "kafka", REGISTERED)					\
	X(9200, ELASTIC, "elasticsearch", DATABASE)				\
	X(11211, MEMCACHED, "memcached", DATABASE)				\
	X(27017, MONGODB, "mongodb", DATABASE)

/*
 * Ports with a class but no net.dport bin of their own (a bin more would
 * change net.dport's shape, and every baseline's). X(port, class)
 */
#define DP_CLASSED_PORTS(X)							\
	X(9042, DATABASE)	/* cassandra */

enum dp_named_port {
#define DP_X_PORT_IDX(port, id, label, class) DP_PORT_##id,
	DP_NAMED_PORTS(DP_X_PORT_IDX)
#undef DP_X_PORT_IDX
	DP_NAMED_PORTS_N
};

/* Hashed bins per range: well-known 0-1023, registered, ephemeral. */
#define DP_PORT_WELL_KNOWN_BITS	3
#define DP_PORT_REGISTERED_BITS	4
#define DP_PORT_EPHEMERAL_BITS	3
#define DP_PORT_REGISTERED_MIN	1024
#define DP_PORT_EPHEMERAL_MIN	49152
#define DP_PORT_WELL_KNOWN_OFF	DP_NAMED_PORTS_N
#define DP_PORT_REGISTERED_OFF	(DP_PORT_WELL_KNOWN_OFF + (1 << DP_PORT_WELL_KNOWN_BITS))
#define DP_PORT_EPHEMERAL_OFF	(DP_PORT_REGISTERED_OFF + (1 << DP_PORT_REGISTERED_BITS))
#define DP_NET_DPORT_BINS	(DP_PORT_EPHEMERAL_OFF + (1 << DP_PORT_EPHEMERAL_BITS))

/* log2 of bytes per send/recv call: bin 31 = 2 GiB and more. */
#define DP_NET_BYTES_BINS	32
/* log2 of packet length on a device: GSO packets reach 64K (BIG TCP 512K). */
#define DP_NET_PKT_BINS		24
/* Remote addresses hashed into 2^6 bins. */
#define DP_NET_PEER_BITS	6
#define DP_NET_PEER_BINS	(1 << DP_NET_PEER_BITS)
/* Log-linear DNS payload bytes: the last bin starts at 3.5K and is open. */
#define DP_NET_DNS_BINS		44

/* tcp.event categories, in bin order. X(id, label) */
#define DP_TCP_EVENTS(X)							\
	X(CONNECT, "connect") X(ACCEPT, "accept") X(CLOSE, "close")		\
	X(RETRANSMIT, "retransmit") X(RESET_SENT, "reset_sent")		\
	X(RESET_RECEIVED, "reset_received") X(OTHER_STATE, "other_state")

enum dp_tcp_event {
#define DP_X_TCP_EV(id, label) DP_TCP_EV_##id,
	DP_TCP_EVENTS(DP_X_TCP_EV)
#undef DP_X_TCP_EV
	DP_TCP_EVENT_BINS
};

/*
 * net.comm_dport, a joint feature: which process (its comm hashed into 16
 * rows) opens connections to which class of port (8 columns), per new
 * outbound TCP connection. 128 cells: a host's handful of connecting
 * programs spread over rows, and classes coarse enough that a window
 * fills them, so the MI between the two is estimable; a process that
 * never spoke HTTPS starting to do so moves mass into an empty cell.
 */
#define DP_COMM_ROW_BITS	4
#define DP_COMM_ROWS		(1 << DP_COMM_ROW_BITS)
#define DP_COMM_LEN		16	/* TASK_COMM_LEN */

/* X(id, label): port classes, the columns of net.comm_dport. */
#define DP_PORT_CLASSES(X)							\
	X(WEB, "web") X(DNS, "dns") X(SSH, "ssh") X(MAIL, "mail")		\
	X(DATABASE, "database") X(WELL_KNOWN, "well-known")			\
	X(REGISTERED, "registered") X(EPHEMERAL, "ephemeral")

enum dp_port_class {
#define DP_X_PC(id, label) DP_PC_##id,
	DP_PORT_CLASSES(DP_X_PC)
#undef DP_X_PC
	DP_PORT_CLASS_N
};

#define DP_FEATURES_NET(X)							\
	X(NET_TX_BYTES, "net.tx_bytes", DP_BUCKET_LOG2, 1, DP_NET_BYTES_BINS,	\
	  "bytes")								\
	X(NET_RX_BYTES, "net.rx_bytes", DP_BUCKET_LOG2, 1, DP_NET_BYTES_BINS,	\
	  "bytes")								\
	X(NET_DPORT, "net.dport", DP_BUCKET_PORT, 1, DP_NET_DPORT_BINS, "port")	\
	X(NET_UDP_DPORT, "net.udp_dport", DP_BUCKET_PORT, 1, DP_NET_DPORT_BINS,	\
	  "port")								\
	X(NET_PEER, "net.peer", DP_BUCKET_HASH, 1, DP_NET_PEER_BINS, "bytes")	\
	X(TCP_EVENT, "tcp.event", DP_BUCKET_CATEGORICAL, 1, DP_TCP_EVENT_BINS,	\
	  "event")								\
	X(NET_DNS_LEN, "net.dns_len", DP_BUCKET_LOGLIN, 1, DP_NET_DNS_BINS,	\
	  "bytes")								\
	X(NET_PKT_TX, "net.pkt_tx", DP_BUCKET_LOG2, 1, DP_NET_PKT_BINS, "bytes")	\
	X(NET_PKT_RX, "net.pkt_rx", DP_BUCKET_LOG2, 1, DP_NET_PKT_BINS, "bytes")	\
	X(NET_COMM_DPORT, "net.comm_dport", DP_BUCKET_JOINT, DP_COMM_ROWS,	\
	  DP_PORT_CLASS_N, "process x port class")

/*
 * Node features for SREs: which programs start (the executable's name,
 * hashed; each bin's exemplar keeps the names, since a new binary on a host
 * is a classic intrusion signal), how long runnable tasks wait for a CPU
 * (runqlat's signal) and how long block requests take.
 */
#define DP_PROC_EXEC_BITS	6
#define DP_PROC_EXEC_BINS	(1 << DP_PROC_EXEC_BITS)
/* log2 ns: bin 39 is 2^39 ns (9 min) and more. */
#define DP_NODE_NS_BINS		40

#define DP_FEATURES_NODE(X)							\
	X(PROC_EXEC, "proc.exec", DP_BUCKET_HASH, 1, DP_PROC_EXEC_BINS,	\
	  "exec")								\
	X(SCHED_RUNQ_LATENCY, "sched.runq_latency", DP_BUCKET_LOG2, 1,	\
	  DP_NODE_NS_BINS, "ns")						\
	X(BLOCK_IO_LATENCY, "block.io_latency", DP_BUCKET_LOG2, 1,		\
	  DP_NODE_NS_BINS, "ns")

#define DP_FEATURES(X)								\
	DP_FEATURES_SYSCALL(X) DP_FEATURES_NET(X) DP_FEATURES_NODE(X)

/* Feature ids, in table order. */
enum dp_feature_id {
#define DP_X_ID(id, name, kind, rows, cols, unit) DP_F_##id,
	DP_FEATURES(DP_X_ID)
#undef DP_X_ID
	DP_F_COUNT
};

/*
 * Offsets of each feature's first bin inside its group's map value:
 * DP_OFF_<id> .. DP_END_<id> (inclusive), then the next feature follows;
 * DP_<group>_BINS after the group's last.
 */
#define DP_X_OFF(id, name, kind, rows, cols, unit)			\
	DP_OFF_##id, DP_END_##id = DP_OFF_##id + (rows) * (cols) - 1,
enum dp_syscall_offsets { DP_FEATURES_SYSCALL(DP_X_OFF) DP_SYSCALL_BINS };
enum dp_net_offsets { DP_FEATURES_NET(DP_X_OFF) DP_NET_BINS };
enum dp_node_offsets { DP_FEATURES_NODE(DP_X_OFF) DP_NODE_BINS };
#undef DP_X_OFF

/* Health counters of the syscall group: events we could not count right. */
#define DP_SYSCALL_HEALTH(X)							\
	X(START_STORE_FAILED, "start_store_failed")				\
	X(EXIT_WITHOUT_START, "exit_without_start")				\
	X(CGROUP_DROPPED, "cgroup_dropped")					\
	X(PROGRAM_DROPPED, "program_dropped")

enum dp_syscall_health {
#define DP_X_HEALTH(id, name) DP_SH_##id,
	DP_SYSCALL_HEALTH(DP_X_HEALTH)
#undef DP_X_HEALTH
	DP_SYSCALL_HEALTH_N
};

/*
 * --per-cgroup: every group's bins per cgroup v2 id, each in an LRU hash
 * of at most DP_CGROUP_MAX entries (not per CPU: increments are atomic),
 * whose values are the group's counts (struct dp_*_cgroup_hist). Memory is
 * DP_CGROUP_MAX * (15,104 B syscall + 3,992 B net + 1,152 B node) = ~19.8
 * MiB whatever the number of CPUs. The cgroup_dropped health counters count events that
 * found no entry even after inserting; userspace counts the entries the
 * LRU evicted (they vanish between two reads).
 */
#define DP_CGROUP_MAX	1024

/*
 * --per-program: the syscall group's bins per program, in an LRU hash of
 * at most DP_PROGRAM_MAX entries (not per CPU: increments are atomic)
 * keyed by a 64-bit identity of the executable (its inode number and
 * filesystem) and the process's name (its thread group leader's comm),
 * hashed; the values are struct dp_syscall_program_hist. Memory is
 * DP_PROGRAM_MAX * 15,168 B = ~3.7 MiB whatever the number of CPUs. The
 * program_dropped health counter counts events that found no entry even
 * after inserting; userspace counts the entries the LRU evicted.
 */
#define DP_PROGRAM_MAX	256

/*
 * Process exemplars of the syscall group: a syscall is an exemplar with
 * probability 1/DP_PROC_SAMPLE_PERIOD (a per-CPU coin flip at entry), and
 * then every bin it fills is also counted per (process, bin) in an LRU hash
 * of DP_PROC_EXEMPLAR_MAX entries (~0.3 MiB), so a report can name who
 * filled a moved bin (~ samples x period events). An entry is one
 * (cgroup, comm) life of its process: a sample from another cgroup or
 * command (a move, an exec, a reused pid) starts it again from 1.
 */
#define DP_PROC_SAMPLE_PERIOD	17
#define DP_PROC_EXEMPLAR_MAX	8192

struct dp_proc_key {
	unsigned int tgid;
	unsigned int bin;	/* index into dp_syscall_hist.counts */
};

struct dp_proc_val {
	unsigned long long samples;
	unsigned long long cgroup_id;
	char comm[16];
};

/*
 * syscall.latency times one syscall in DP_LATENCY_SAMPLE_PERIOD by default
 * (each chosen at random): two clock reads per syscall cost more than all
 * the counting. --latency-sample 1 times every syscall.
 */
#define DP_LATENCY_SAMPLE_PERIOD	16

/*
 * The CPU's tracing state, which userspace does not read: its coin flips'
 * generator, and the pt_regs address of the task whose untraced syscall
 * entered last on this CPU, wiped by a context switch (0). An exit that
 * finds its own regs there knows it was not traced without a per-task
 * lookup.
 */
struct dp_syscall_cpu {
	unsigned long long rng;
	unsigned long long regs;
	/*
	 * syscall.transition: the task whose syscall entered last on this
	 * CPU (its pt_regs address; its tid on the tracepoint fallback), 0
	 * after a context switch, and that syscall's symbol.
	 */
	unsigned long long seq_task;
	unsigned int seq_last;
	unsigned int pad;
	/*
	 * --per-program: the task whose program key is prog_key (its tag, as
	 * seq_task), 0 after a context switch or an execve.
	 */
	unsigned long long prog_task;
	unsigned long long prog_key;
};

/* The single value of the syscall group's per-CPU map. */
struct dp_syscall_hist {
	unsigned long long counts[DP_SYSCALL_BINS];
	unsigned long long health[DP_SYSCALL_HEALTH_N];
	struct dp_syscall_cpu cpu;
};

/*
 * The value of the syscall group's --per-cgroup map: the counts only (the
 * health counters and the CPU's tracing state are per CPU).
 */
struct dp_syscall_cgroup_hist {
	unsigned long long counts[DP_SYSCALL_BINS];
};

/*
 * The value of the syscall group's --per-program map: the counts, then
 * what names the program (userspace finds its path once per key and
 * checks it is the same file: program_name.h).
 */
#define DP_PROGRAM_FILE_LEN	32
struct dp_syscall_program_hist {
	unsigned long long counts[DP_SYSCALL_BINS];
	unsigned long long ino;	/* the executable's inode; 0: none */
	unsigned int dev;	/* its filesystem's, as the kernel encodes it
				   (major << 20 | minor) */
	unsigned int tgid;	/* a process of the program seen lately */
	char comm[DP_COMM_LEN];	/* its thread group leader's name */
	char file[DP_PROGRAM_FILE_LEN];	/* the executable's file name (its
					   dentry's), cut; "": none */
};

/* Health counters of the node group: start times we could not keep. */
#define DP_NODE_HEALTH(X)							\
	X(WAKEUP_STORE_FAILED, "wakeup_store_failed")				\
	X(RQ_STORE_FAILED, "block_rq_store_failed")				\
	X(CGROUP_DROPPED, "node_cgroup_dropped")

enum dp_node_health {
#define DP_X_HEALTH(id, name) DP_DH_##id,
	DP_NODE_HEALTH(DP_X_HEALTH)
#undef DP_X_HEALTH
	DP_NODE_HEALTH_N
};

/* The node group's per-CPU value: counts, health, last name per exec bin. */
struct dp_node_hist {
	unsigned long long counts[DP_NODE_BINS];
	unsigned long long health[DP_NODE_HEALTH_N];
	char exec_last[DP_PROC_EXEC_BINS][16];
};

/* Health counters of the net group. */
#define DP_NET_HEALTH(X)							\
	X(PKT_UNPARSED, "net_pkt_unparsed")					\
	X(CGROUP_DROPPED, "net_cgroup_dropped")

enum dp_net_health {
#define DP_X_HEALTH(id, name) DP_NH_##id,
	DP_NET_HEALTH(DP_X_HEALTH)
#undef DP_X_HEALTH
	DP_NET_HEALTH_N
};

/*
 * The last remote endpoint counted in a net.peer bin on this CPU, so that
 * reports can name the addresses behind a bin. addr holds an IPv4 address
 * in its first 4 bytes (family 2) or an IPv6 address (family 10), in
 * network byte order; port is in host order.
 */
struct dp_net_endpoint {
	unsigned char addr[16];
	unsigned short family;
	unsigned short port;
	unsigned int pad;
};

/*
 * The single value of the net group's per-CPU map: counts, health, then the
 * exemplars (last endpoint per net.peer bin, last port per net.dport and
 * net.udp_dport bin, last process name per net.comm_dport cell).
 */
struct dp_net_hist {
	unsigned long long counts[DP_NET_BINS];
	unsigned long long health[DP_NET_HEALTH_N];
	struct dp_net_endpoint peer_last[DP_NET_PEER_BINS];
	unsigned int dport_last[DP_NET_DPORT_BINS];
	unsigned int udp_dport_last[DP_NET_DPORT_BINS];
	char comm_dport_last[DP_COMM_ROWS * DP_PORT_CLASS_N][DP_COMM_LEN];
};

/*
 * The value of the net group's --per-cgroup map: the counts only (the
 * exemplars stay host-wide). net.pkt_rx's bins stay empty: a received
 * packet has no owning socket yet where it is counted.
 */
struct dp_net_cgroup_hist {
	unsigned long long counts[DP_NET_BINS];
};

/* --per-cgroup: the node group's counts of one cgroup. */
struct dp_node_cgroup_hist {
	unsigned long long counts[DP_NODE_BINS];
};

#endif /* DRIFTPROBE_FEATURES_H */
