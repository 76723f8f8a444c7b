# src/stats/mi.c: known cases (test_mi, with mi_bootstrap.c) and scikit-learn /
# scipy references computed by tests/ref/gen_mi.py (test_mi_sklearn).
test_mi_SRCS := src/stats/mi.c src/stats/mi_bootstrap.c src/stats/rng.c src/stats/stats.c
test_mi_sklearn_SRCS := src/stats/mi.c src/stats/stats.c
test_mi_sklearn_ARGS := $(OUTPUT)/ref/mi.txt

$(OUTPUT)/ref/mi.txt: tests/ref/gen_mi.py
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(PYTHON) $< > $@

UNIT_DEPS += $(OUTPUT)/ref/mi.txt
