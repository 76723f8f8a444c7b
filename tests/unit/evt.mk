# SPDX-License-Identifier: MIT
# src/stats/evt.c: known cases (test_evt) and the scipy cross-check on the
# reference vectors tests/ref/gen_evt.py writes (test_evt_scipy; needs numpy,
# scipy).
test_evt_SRCS := src/stats/evt.c src/stats/stats.c
test_evt_scipy_SRCS := src/stats/evt.c src/stats/stats.c
test_evt_scipy_ARGS := $(OUTPUT)/ref/evt.txt

$(OUTPUT)/ref/evt.txt: tests/ref/gen_evt.py
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(PYTHON) $< $@

UNIT_DEPS += $(OUTPUT)/ref/evt.txt
