test_basic_auth_SRCS := src/output/basic_auth.c
