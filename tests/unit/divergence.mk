# SPDX-License-Identifier: MIT
# Divergence statistics: unit tests, and the scipy cross-check on the
# reference vectors tests/ref/gen_divergence.py writes (needs numpy, scipy).
test_divergence_SRCS := src/stats/divergence.c src/stats/stats.c
test_divergence_scipy_SRCS := src/stats/divergence.c src/stats/stats.c
test_divergence_scipy_ARGS := $(OUTPUT)/ref/divergence.txt

$(OUTPUT)/ref/divergence.txt: tests/ref/gen_divergence.py
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(PYTHON) $< $@

UNIT_DEPS += $(OUTPUT)/ref/divergence.txt
