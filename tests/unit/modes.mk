# SPDX-License-Identifier: MIT
# src/stats/modes.c: known cases (test_modes, windows drawn with rng.c) and
# the scipy / scikit-learn / brute-force k-medoids references computed by
# tests/ref/gen_modes.py (test_modes_sklearn).
test_modes_SRCS := src/stats/modes.c src/stats/rng.c
test_modes_sklearn_SRCS := src/stats/modes.c
test_modes_sklearn_ARGS := $(OUTPUT)/ref/modes.txt

$(OUTPUT)/ref/modes.txt: tests/ref/gen_modes.py
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(PYTHON) $< > $@

UNIT_DEPS += $(OUTPUT)/ref/modes.txt
