# SPDX-License-Identifier: MIT
# src/stats/score.c and src/stats/nearest.c: known cases, and the numpy /
# scipy references tests/ref/gen_score.py writes (median and MAD of held-out
# effects, Poisson tails of novel bins, the budget's levels).
test_score_SRCS := src/stats/score.c src/stats/evt.c src/stats/stats.c src/stats/nearest.c src/stats/divergence.c
test_score_ARGS := $(OUTPUT)/ref/score.txt

$(OUTPUT)/ref/score.txt: tests/ref/gen_score.py
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(PYTHON) $< $@

UNIT_DEPS += $(OUTPUT)/ref/score.txt
