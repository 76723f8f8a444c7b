# SPDX-License-Identifier: MIT
# driftprobe build: BPF objects -> skeletons -> userspace binary; unit tests
# (cmocka, one driver per module) and root integration tests.
#
#   make            build ./driftprobe
#   make run        install deps, build, run the live probe with defaults
#   make test       install deps, build, run every test
#   make fuzz       libFuzzer on every file parser (FUZZ_SECONDS each)
#   make test-asan  unit + integration tests under ASan+UBSan (.output-asan/)
#   make stress     load test: syscall + loopback connection storms
#   make eval       detection benchmark on the labelled recordings (no root)
#   make V=1        show the commands

OUTPUT   := .output
BIN      := driftprobe
CLANG    ?= clang
BPFTOOL  ?= bpftool
CC       ?= cc
PYTHON   ?= /usr/bin/python3
ARCH     := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')
# The architectures bpf/syscall.bpf.c reads the syscall number on exit of.
ifeq ($(filter x86 arm64,$(ARCH)),)
$(error driftprobe builds on x86-64 and arm64 only, not on $(shell uname -m) (ARCH=$(ARCH)))
endif
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

WARN     := -Wall -Wextra
CFLAGS   ?= -O2 -g
# src/ in layers, bottom up (README "Architecture"). Tests and tools see
# every layer; each layer's own objects only the layers beneath it.
# override: `make CFLAGS=-O0` on the command line keeps what the build needs.
LAYERS   := core kernel stats files output cmd
override CFLAGS += $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude \
	    $(addprefix -Isrc/,$(LAYERS)) -I$(OUTPUT) \
	    $(shell pkg-config --cflags json-c 2>/dev/null)
LDLIBS   += -lbpf -lelf -lz -ljson-c -lm -lmicrohttpd -linih -lpthread \
	    -lyaml -lcrypt -lgnutls
# -Wextra but unused parameters: BPF_PROG() programs get every argument of
# their hook, and a ctx, whether they read them or not.
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wextra \
	      -Wno-unused-parameter -I$(OUTPUT) -Iinclude

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(BPF_SRCS))
SKELS    := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))

SRCS     := $(wildcard $(addsuffix /*.c,$(addprefix src/,$(LAYERS))))
OBJS     := $(patsubst src/%.c,$(OUTPUT)/src/%.o,$(SRCS))
LIB_OBJS := $(filter-out $(OUTPUT)/src/cmd/main.o,$(OBJS))

# What each layer's objects may include. The statistics get neither the
# kernel layer nor $(OUTPUT) (skeletons, generated tables): the compiler
# keeps them pure.
LAYER_INC_core   := core $(OUTPUT)
LAYER_INC_kernel := core kernel $(OUTPUT)
LAYER_INC_stats  := core stats
LAYER_INC_files  := core stats files
LAYER_INC_output := core stats output
LAYER_INC_cmd    := $(LAYERS) $(OUTPUT)
layer_cflags = $(filter-out -Isrc/% -I$(OUTPUT),$(CFLAGS)) \
	       $(patsubst -Isrc/$(OUTPUT),-I$(OUTPUT),$(addprefix -Isrc/,$(LAYER_INC_$(1))))

.PHONY: all run test unit golden integration deps bench bench-cgcount bench-tools clean eval eval-record
.DELETE_ON_ERROR:

all: $(BIN)

deps:
	$(Q)tools/deps.sh

run: deps $(BIN)
	./$(BIN) run

$(OUTPUT) $(OUTPUT)/src $(OUTPUT)/tests $(OUTPUT)/ref:
	$(Q)mkdir -p $@

$(OUTPUT)/vmlinux.h: | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

# Syscall names (labels) and groups (rows of syscall.group_errno), from the
# installed kernel UAPI header.
$(OUTPUT)/syscall_names.h: tools/gen_syscall_names.sh tools/syscall_numbers.sh | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)CC=$(CC) tools/gen_syscall_names.sh > $@

$(OUTPUT)/syscall_groups.h: tools/gen_syscall_groups.sh tools/syscall_numbers.sh include/driftprobe/features.h | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)CC=$(CC) tools/gen_syscall_groups.sh > $@

GENERATED := $(OUTPUT)/syscall_names.h $(OUTPUT)/syscall_groups.h

# -MMD -MP: editing a shared header rebuilds the BPF objects and skeletons.
$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(OUTPUT)/vmlinux.h $(GENERATED) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(OUTPUT)/src/%.o: src/%.c $(GENERATED)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(call layer_cflags,$(firstword $(subst /, ,$*))) -MMD -MP -c $< -o $@

# Only the loader includes the skeletons.
$(OUTPUT)/src/kernel/probe.o: $(SKELS)

$(BIN): $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# ---- tests ---------------------------------------------------------------
# A test driver (unit or integration) compiles several sources in one call,
# where -MMD would keep only the last one's dependencies: drivers depend on
# every header instead.
HEADERS := $(wildcard src/*/*.h include/driftprobe/*.h tests/unit/*.h)
# Each tests/unit/test_<name>.c is one cmocka driver; tests/unit/<name>.mk
# (optional) sets test_<name>_SRCS (the modules it links, nothing else) and
# test_<name>_ARGS. Without a .mk file the driver links src/<name>.c.
UNIT_TESTS := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
-include $(wildcard tests/unit/*.mk)

define unit_test_rule
test_$(1)_SRCS ?= $(wildcard src/*/$(1).c)
$(OUTPUT)/tests/test_$(1): tests/unit/test_$(1).c $$(test_$(1)_SRCS) $(HEADERS) $(GENERATED) | $(OUTPUT)/tests
	$$(call msg,CC,$$@)
	$(Q)$(CC) $(CFLAGS) $$(filter %.c,$$^) $$(LDLIBS) -lcmocka -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(t))))

UNIT_BINS := $(patsubst %,$(OUTPUT)/tests/test_%,$(UNIT_TESTS))

unit: $(UNIT_BINS) $(UNIT_DEPS)
	$(Q)$(foreach t,$(UNIT_TESTS),echo "== unit: $(t)" && \
		$(OUTPUT)/tests/test_$(t) $(test_$(t)_ARGS) && ) true

# The offline commands on a recorded session, byte for byte against
# tests/golden/*.out (tests/golden/check.sh says how to regenerate them).
golden: $(BIN)
	$(Q)tests/golden/check.sh ./$(BIN)

INTEGRATION_TESTS := $(patsubst tests/integration/test_%.c,%,$(wildcard tests/integration/test_*.c))
INTEGRATION_BINS := $(patsubst %,$(OUTPUT)/tests/itest_%,$(INTEGRATION_TESTS))

$(OUTPUT)/tests/itest_%: tests/integration/test_%.c tests/integration/harness.c $(LIB_OBJS) $(HEADERS) tests/integration/harness.h | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/integration $(filter %.c %.o,$^) $(LDLIBS) -lcmocka -o $@

# Traffic generator of the network tests (tools/netload.c).
$(OUTPUT)/netload: tools/netload.c tools/io_full.h | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

# Every driver runs even after one fails; the failed ones are named last.
integration: $(BIN) $(INTEGRATION_BINS) $(OUTPUT)/netload
	$(Q)failed=""; for t in $(INTEGRATION_TESTS); do \
		echo "== integration: $$t"; \
		DRIFTPROBE=./$(BIN) NETLOAD=$(OUTPUT)/netload \
			$(OUTPUT)/tests/itest_$$t || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "integration: FAILED:$$failed"; exit 1; fi

test: deps
	$(Q)$(MAKE) --no-print-directory $(BIN) bench-tools
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory golden
	$(Q)$(MAKE) --no-print-directory eval
	$(Q)$(MAKE) --no-print-directory ecosystem
	$(Q)$(MAKE) --no-print-directory integration
	$(Q)$(MAKE) --no-print-directory fuzz-replay
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_TEST_SECONDS)
	$(Q)$(MAKE) --no-print-directory test-valgrind
	$(Q)$(MAKE) --no-print-directory test-asan

# ---- reliability (issue 9): fuzzing ---------------------------------------
# `make test` fuzzes each target for FUZZ_TEST_SECONDS (`make fuzz`: 60 s).
FUZZ_TEST_SECONDS ?= 30
include tests/fuzz/fuzz.mk

# ---- reliability (issue 9): sanitizers -----------------------------------
# test-asan rebuilds everything with ASan+UBSan in its own output directory
# (the normal build is untouched) and runs the unit tests, the fuzz corpus
# replay, the golden outputs and the integration tests. float-cast-overflow
# is not part of -fsanitize=undefined (gcc and clang): named, so a double
# out of an integer's range (a hostile timestamp) is a report, not garbage.
# A sanitizer report exits 99/98, which no test expects, so it fails them.
ASAN_OUTPUT := .output-asan
ASAN_CFLAGS := -O1 -g -fno-omit-frame-pointer \
	       -fsanitize=address,undefined,float-cast-overflow \
	       -fno-sanitize-recover=all
.PHONY: test-asan test-valgrind

test-asan:
	$(Q)CFLAGS="$(ASAN_CFLAGS)" \
	ASAN_OPTIONS=exitcode=99:detect_leaks=1:strict_string_checks=1 \
	UBSAN_OPTIONS=exitcode=98:print_stacktrace=1:halt_on_error=1 \
	$(MAKE) --no-print-directory OUTPUT=$(ASAN_OUTPUT) \
		BIN=$(ASAN_OUTPUT)/$(BIN) unit golden fuzz-replay integration

# Load tests: tests/stress/stress.mk (`make stress`).
include tests/stress/stress.mk

# valgrind memcheck on record, baseline build, analyze and short runs
# (success and error paths); any error or leak fails.
test-valgrind: $(BIN)
	$(Q)tests/valgrind/memcheck.sh ./$(BIN)

# ---- ecosystem: install, contrib/ files, man page ------------------------
# make install [PREFIX=/usr/local] [DESTDIR=...]: binary, man page, systemd
# unit, alert rules (linking the installed runbook), runbook, dashboard,
# Alertmanager example; the config only if none is there yet.
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share/driftprobe
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
STATEDIR   ?= /var/lib/driftprobe

.PHONY: install uninstall ecosystem
install: $(BIN)
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DATADIR) $(DESTDIR)$(UNITDIR)
	$(Q)install -d -m 0700 $(DESTDIR)$(SYSCONFDIR)/driftprobe $(DESTDIR)$(STATEDIR)
	$(Q)install -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/driftprobe
	$(Q)install -m 0644 driftprobe.8 $(DESTDIR)$(MANDIR)/man8/driftprobe.8
	$(Q)install -m 0644 contrib/grafana/driftprobe.json contrib/RUNBOOK.md \
		contrib/alertmanager/alertmanager.yml $(DESTDIR)$(DATADIR)/
	$(Q)sed 's|file:///usr/local/share/driftprobe/|file://$(DATADIR)/|' \
		contrib/prometheus/alerts.yml > $(OUTPUT)/alerts.yml
	$(Q)install -m 0644 $(OUTPUT)/alerts.yml $(DESTDIR)$(DATADIR)/
	$(Q)sed 's|@SBINDIR@|$(SBINDIR)|' contrib/systemd/driftprobe.service.in \
		> $(OUTPUT)/driftprobe.service
	$(Q)install -m 0644 $(OUTPUT)/driftprobe.service $(DESTDIR)$(UNITDIR)/
	$(Q)test -e $(DESTDIR)$(SYSCONFDIR)/driftprobe/driftprobe.conf || \
		install -m 0600 contrib/driftprobe.conf $(DESTDIR)$(SYSCONFDIR)/driftprobe/

# Leaves the config and the state (a learnt baseline) in place.
uninstall:
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/driftprobe \
		$(DESTDIR)$(MANDIR)/man8/driftprobe.8 \
		$(DESTDIR)$(UNITDIR)/driftprobe.service \
		$(DESTDIR)$(DATADIR)/alerts.yml $(DESTDIR)$(DATADIR)/driftprobe.json \
		$(DESTDIR)$(DATADIR)/RUNBOOK.md $(DESTDIR)$(DATADIR)/alertmanager.yml
	$(Q)rmdir $(DESTDIR)$(DATADIR) 2>/dev/null || true

ecosystem: $(BIN)
	$(Q)tests/ecosystem/check.sh

# ---- benchmark (tools/bench) ---------------------------------------------
$(OUTPUT)/bench:
	$(Q)mkdir -p $@

# Floors: empty programs on the hooks of each driftprobe group; with them,
# every other tools/bench/*.bpf.c (the cgcount candidates below).
BENCH_FLOORS := $(patsubst tools/bench/%.bpf.c,$(OUTPUT)/bench/%.bpf.o,$(wildcard tools/bench/*.bpf.c))

$(OUTPUT)/bench/%.bpf.o: tools/bench/%.bpf.c $(OUTPUT)/vmlinux.h | $(OUTPUT)/bench
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

# Tools that attach BPF programs (tools/bench/progset.c).
$(OUTPUT)/bench/hold $(OUTPUT)/bench/tcp_loop: $(OUTPUT)/bench/%: tools/bench/%.c tools/bench/progset.c tools/bench/progset.h tools/io_full.h | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(filter %.c,$^) $(LDLIBS) -o $@

# Issue 23 part 2: per-cgroup counting candidates (tools/bench/cgcount_*.bpf.c,
# built as floors are, by the rule above), their load on either CPU and
# their load across two cgroups.
BENCH_CGCOUNT := $(filter $(OUTPUT)/bench/cgcount_%,$(BENCH_FLOORS))

# Loads of one source file each: getppid_loop, and the candidates'.
$(OUTPUT)/bench/getppid_loop $(OUTPUT)/bench/cgcount_loop $(OUTPUT)/bench/cgcount_pingpong: $(OUTPUT)/bench/%: tools/bench/%.c | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

$(OUTPUT)/bench/scale: tools/bench/scale.c $(LIB_OBJS) | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

# Built by `make test` too, so the benchmark cannot rot unnoticed. Naming
# $(BPF_OBJS) keeps driftprobe's objects, which hold loads group by group.
bench-tools: $(BENCH_FLOORS) $(OUTPUT)/bench/hold $(OUTPUT)/bench/tcp_loop \
	     $(OUTPUT)/bench/getppid_loop $(OUTPUT)/bench/cgcount_loop \
	     $(OUTPUT)/bench/cgcount_pingpong $(OUTPUT)/bench/scale $(BPF_OBJS)

bench: deps $(BIN) bench-tools
	$(Q)tools/deps.sh bench
	$(Q)tools/bench/run.sh $(BENCH_ROUNDS)
	$(Q)tools/bench/net_path.sh $(BENCH_ROUNDS)

# The per-cgroup counting candidates side by side (root; BENCH_MAX_S caps
# it, 600 s by default).
bench-cgcount: deps $(OUTPUT)/bench/floor.bpf.o $(BENCH_CGCOUNT) \
	       $(OUTPUT)/bench/hold $(OUTPUT)/bench/getppid_loop \
	       $(OUTPUT)/bench/cgcount_loop $(OUTPUT)/bench/cgcount_pingpong
	$(Q)flock /tmp/dp-itest.lock tools/bench/cgcount.sh $(BENCH_ROUNDS)

# ---- detection benchmark (issue 19, tools/eval) ---------------------------
# eval replays tests/eval/recordings through each detector (EVAL_DETECTORS:
# NAME BINARY "ANALYZE OPTIONS" triples); eval-record (root) regenerates them.
# "old" is the detector as it was before issue 19 (commit EVAL_OLD_COMMIT),
# built once from git history into $(EVAL_OLD_DIR); "new" is this tree's;
# "counts" is new without syscall sequences (issue 20), "programs" new with
# the per-program series of the scenario's workload judged too.
EVAL_OLD_COMMIT ?= b260492
EVAL_OLD_DIR    := $(OUTPUT)/eval-old-$(EVAL_OLD_COMMIT)
EVAL_OLD        := $(EVAL_OLD_DIR)/driftprobe
EVAL_DETECTORS ?= --detector old $(EVAL_OLD) "" \
	--detector counts ./$(BIN) "" --without counts syscall.transition \
	--detector new ./$(BIN) "" \
	--detector programs ./$(BIN) "" --programs programs

# MAKEFLAGS emptied: the old tree builds with its own defaults, whatever
# OUTPUT or variables this make was given.
$(EVAL_OLD):
	$(call msg,BUILD,$@ (commit $(EVAL_OLD_COMMIT)))
	$(Q)git -C $(CURDIR) rev-parse -q --verify '$(EVAL_OLD_COMMIT)^{commit}' >/dev/null || \
		{ echo "eval: commit $(EVAL_OLD_COMMIT) not in this checkout's history (a clone with history is needed for the old detector)" >&2; exit 2; }
	$(Q)rm -rf $(EVAL_OLD_DIR) && mkdir -p $(EVAL_OLD_DIR)
	$(Q)git -C $(CURDIR) archive $(EVAL_OLD_COMMIT) | tar -x -C $(EVAL_OLD_DIR)
	$(Q)MAKEFLAGS= $(MAKE) --no-print-directory -C $(EVAL_OLD_DIR) driftprobe >$(EVAL_OLD_DIR).log 2>&1 || \
		{ tail -20 $(EVAL_OLD_DIR).log >&2; exit 1; }

eval: $(BIN) $(EVAL_OLD)
	$(Q)$(PYTHON) tools/eval/evaluate.py --recordings tests/eval/recordings $(EVAL_DETECTORS)

eval-record: deps $(BIN)
	$(Q)tools/deps.sh eval
	$(Q)tools/eval/record_all.sh ./$(BIN) tests/eval/recordings $(EVAL_SCENARIOS)

clean:
	$(call msg,CLEAN,)
	$(Q)rm -rf $(OUTPUT) $(ASAN_OUTPUT) $(BIN)

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/src/*/*.d $(OUTPUT)/bench/*.d)
