test_collect_SRCS := src/collect.c src/counters.c src/cgroup_collect.c src/cgroup_path.c src/map_walk.c src/proc_exemplar.c src/window.c src/key_index.c src/feature.c src/exemplar.c
$(OUTPUT)/tests/test_collect: LDLIBS += -Wl,--wrap=bpf_map_lookup_elem
