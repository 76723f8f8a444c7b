test_collect_SRCS := src/collect.c src/cgroup_collect.c src/cgroup_path.c src/map_walk.c src/proc_exemplar.c src/window.c src/key_index.c src/feature.c src/exemplar.c
$(OUTPUT)/tests/test_collect: LDLIBS += -Wl,--wrap=bpf_map_lookup_elem

test_cgroup_collect_SRCS := src/cgroup_collect.c src/cgroup_path.c src/collect.c src/map_walk.c src/proc_exemplar.c src/exemplar.c src/window.c src/key_index.c src/feature.c
$(OUTPUT)/tests/test_cgroup_collect: LDLIBS += -Wl,--wrap=bpf_map_lookup_elem -Wl,--wrap=bpf_map_get_next_key -Wl,--wrap=bpf_map_lookup_batch
