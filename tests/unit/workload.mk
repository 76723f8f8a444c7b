test_workload_SRCS := src/core/workload.c src/files/workload_node.c src/core/window.c src/core/fc_table.c src/core/key_index.c
