test_keyed_collect_SRCS := src/kernel/keyed_collect.c src/kernel/program_name.c src/kernel/counters.c src/kernel/cgroup_path.c src/kernel/map_walk.c src/core/window.c src/core/key_index.c src/core/feature.c
$(OUTPUT)/tests/test_keyed_collect: LDLIBS += -Wl,--wrap=bpf_map_lookup_elem -Wl,--wrap=bpf_map_get_next_key -Wl,--wrap=bpf_map_lookup_batch
