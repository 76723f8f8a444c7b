test_rotating_log_SRCS := src/files/rotating_log.c src/files/safe_file.c
