test_collect_SRCS := src/collect.c src/window.c src/feature.c src/exemplar.c
$(OUTPUT)/tests/test_collect: LDLIBS += -Wl,--wrap=bpf_map_lookup_elem
