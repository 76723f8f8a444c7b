test_cgroup_collect_SRCS := src/cgroup_collect.c src/counters.c src/cgroup_path.c src/map_walk.c src/window.c src/key_index.c src/feature.c
$(OUTPUT)/tests/test_cgroup_collect: LDLIBS += -Wl,--wrap=bpf_map_lookup_elem -Wl,--wrap=bpf_map_get_next_key -Wl,--wrap=bpf_map_lookup_batch
