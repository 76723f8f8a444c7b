test_collect_SRCS := src/collect.c src/window.c src/key_index.c src/feature.c
$(OUTPUT)/tests/test_collect: LDLIBS += -Wl,--wrap=bpf_map_lookup_elem
