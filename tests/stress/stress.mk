# SPDX-License-Identifier: MIT
# Load tests, not part of `make test` (they take STRESS_SECONDS and load
# the whole host):
#
#   make stress [STRESS_SECONDS=30]     (root)

STRESS_SECONDS ?= 30
STRESS_TESTS := $(patsubst tests/stress/test_%.c,%,$(wildcard tests/stress/test_*.c))

.PHONY: stress

$(OUTPUT)/tests/stress_%: tests/stress/test_%.c tests/integration/harness.c $(LIB_OBJS) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/integration $^ $(LDLIBS) -lcmocka -o $@

stress: $(BIN) $(patsubst %,$(OUTPUT)/tests/stress_%,$(STRESS_TESTS))
	$(Q)set -e; for t in $(STRESS_TESTS); do \
		echo "== stress: $$t ($(STRESS_SECONDS) s)"; \
		DRIFTPROBE=./$(BIN) STRESS_SECONDS=$(STRESS_SECONDS) \
			$(OUTPUT)/tests/stress_$$t; \
	done
