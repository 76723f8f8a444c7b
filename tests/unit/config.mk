test_config_SRCS := src/files/config.c src/files/safe_file.c
