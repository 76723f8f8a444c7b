test_collect_SRCS := src/kernel/collect.c src/kernel/counters.c src/kernel/keyed_collect.c src/kernel/program_name.c src/kernel/cgroup_path.c src/kernel/map_walk.c src/kernel/proc_exemplar.c src/core/window.c src/core/key_index.c src/core/feature.c src/kernel/exemplar.c
$(OUTPUT)/tests/test_collect: LDLIBS += -Wl,--wrap=bpf_map_lookup_elem
