test_fc_table_SRCS := src/fc_table.c src/key_index.c
