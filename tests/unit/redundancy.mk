test_redundancy_SRCS := src/redundancy.c src/mi.c src/stats.c
