test_config_SRCS := src/config.c src/safe_file.c
