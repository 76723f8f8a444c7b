# SPDX-License-Identifier: MIT
# src/stats/mute.c: the spec parser, expiry, matching, bin masks, the watch
# policy; schedules against Python's datetime (tests/ref/gen_mute.py).
test_mute_SRCS := src/stats/mute.c src/core/feature.c src/core/timefmt.c src/core/window.c src/core/key_index.c
test_mute_ARGS := $(OUTPUT)/ref/mute.txt

$(OUTPUT)/ref/mute.txt: tests/ref/gen_mute.py
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(PYTHON) $< $@

UNIT_DEPS += $(OUTPUT)/ref/mute.txt
