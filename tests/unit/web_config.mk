test_web_config_SRCS := src/files/web_config.c src/files/safe_file.c src/core/textesc.c
