# SPDX-License-Identifier: MIT
# src/stats/sequence.c: known cases, windows drawn from the fitted model
# (through rng.c), and the exact-fraction references tests/ref/gen_sequence.py
# writes (every logp, entropy, excess and top list; the excess's expectation
# by enumeration). divergence.c ranks the top list (stats.c beneath it).
test_sequence_SRCS := src/stats/sequence.c src/stats/divergence.c src/stats/stats.c src/stats/rng.c
test_sequence_ARGS := $(OUTPUT)/ref/sequence.txt

$(OUTPUT)/ref/sequence.txt: tests/ref/gen_sequence.py
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(PYTHON) $< $@

UNIT_DEPS += $(OUTPUT)/ref/sequence.txt
