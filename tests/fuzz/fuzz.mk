# SPDX-License-Identifier: MIT
# libFuzzer targets for every file driftprobe reads (the web config too)
# and for the HTTP requests of run --listen (tests/fuzz/fuzz_*.c), and a
# replayer that runs their seed corpus and kept crash inputs through
# the ordinary compiler.
#
#   make fuzz                 each target for FUZZ_SECONDS (default 60)
#   make fuzz-replay          seeds + tests/fuzz/regress/<target>/ once each
#
# A crash leaves $(OUTPUT)/fuzz/crash-<target>-*: copy it into
# tests/fuzz/regress/<target>/ so fuzz-replay (part of `make test`) keeps
# checking it. New corpus units go to $(OUTPUT)/fuzz/corpus-<target>/, never
# into the source tree.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := window_io baseline config http web_config
FUZZ_CFLAGS  := -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $(WARN) -std=gnu11 \
		-D_GNU_SOURCE -Iinclude $(addprefix -Isrc/,$(LAYERS)) -I$(OUTPUT) \
		-Itests/fuzz \
		$(shell pkg-config --cflags json-c 2>/dev/null)
# Each target links what its module's unit test links (tests/unit/*.mk).
fuzz_window_io_SRCS  = $(test_window_io_SRCS)
fuzz_config_SRCS     = $(test_config_SRCS)
fuzz_config_LIBS    := -linih
fuzz_baseline_SRCS   = $(test_baseline_SRCS)
fuzz_http_SRCS       = $(test_exporter_SRCS)
fuzz_web_config_SRCS = $(test_web_config_SRCS)
fuzz_web_config_LIBS := -lyaml
fuzz_http_LIBS      := -lmicrohttpd -lpthread -lcrypt -lgnutls

.PHONY: fuzz fuzz-replay

$(OUTPUT)/fuzz:
	$(Q)mkdir -p $@

define fuzz_rule
$(OUTPUT)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/fuzz_file.c $(fuzz_$(1)_SRCS) $(HEADERS) tests/fuzz/fuzz_file.h $(OUTPUT)/syscall_names.h | $(OUTPUT)/fuzz
	$$(call msg,FUZZ-CC,$$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $$(filter %.c,$$^) -ljson-c -lm $$(fuzz_$(1)_LIBS) -o $$@

$(OUTPUT)/fuzz/replay_$(1): tests/fuzz/replay.c tests/fuzz/fuzz_$(1).c tests/fuzz/fuzz_file.c $(fuzz_$(1)_SRCS) $(HEADERS) tests/fuzz/fuzz_file.h $(OUTPUT)/syscall_names.h | $(OUTPUT)/fuzz
	$$(call msg,CC,$$@)
	$(Q)$(CC) $(CFLAGS) -Itests/fuzz $$(filter %.c,$$^) $(LDFLAGS) -ljson-c -lm $$(fuzz_$(1)_LIBS) -o $$@
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

# libFuzzer exits non-zero on a crash, a leak, a timeout or an abort().
fuzz: $(patsubst %,$(OUTPUT)/fuzz/fuzz_%,$(FUZZ_TARGETS))
	$(Q)set -e; for t in $(FUZZ_TARGETS); do \
		echo "== fuzz: $$t for $(FUZZ_SECONDS) s"; \
		mkdir -p $(OUTPUT)/fuzz/corpus-$$t; \
		$(OUTPUT)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
			-timeout=10 -max_len=16384 -print_final_stats=1 \
			-artifact_prefix=$(OUTPUT)/fuzz/crash-$$t- \
			$(OUTPUT)/fuzz/corpus-$$t tests/fuzz/corpus/$$t \
			tests/fuzz/regress/$$t \
			> $(OUTPUT)/fuzz/fuzz_$$t.log 2>&1 || { \
			tail -40 $(OUTPUT)/fuzz/fuzz_$$t.log; \
			echo "fuzz: $$t crashed; copy $(OUTPUT)/fuzz/crash-$$t-* into tests/fuzz/regress/$$t/"; \
			exit 1; }; \
		grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' \
			$(OUTPUT)/fuzz/fuzz_$$t.log | tr '\n' ' '; echo; \
	done

fuzz-replay: $(patsubst %,$(OUTPUT)/fuzz/replay_%,$(FUZZ_TARGETS))
	$(Q)set -e; for t in $(FUZZ_TARGETS); do \
		echo "== fuzz-replay: $$t"; \
		$(OUTPUT)/fuzz/replay_$$t tests/fuzz/corpus/$$t \
			tests/fuzz/regress/$$t 2> $(OUTPUT)/fuzz/replay_$$t.log || { \
			tail -20 $(OUTPUT)/fuzz/replay_$$t.log; exit 1; }; \
	done
