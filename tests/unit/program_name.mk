test_program_name_SRCS := src/kernel/program_name.c src/core/key_index.c
