# SPDX-License-Identifier: MIT
# src/stats/stats.c: known cases (test_stats) and the numpy cross-check of
# the histogram quantile on the cases tests/ref/gen_hist_quantile.py writes
# (test_stats_numpy; needs numpy).
test_stats_numpy_SRCS := src/stats/stats.c
test_stats_numpy_ARGS := $(OUTPUT)/ref/hist_quantile.txt

$(OUTPUT)/ref/hist_quantile.txt: tests/ref/gen_hist_quantile.py
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(PYTHON) $< $@

UNIT_DEPS += $(OUTPUT)/ref/hist_quantile.txt
