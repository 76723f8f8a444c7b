test_fc_table_SRCS := src/core/fc_table.c src/core/key_index.c
