test_redundancy_SRCS := src/stats/redundancy.c src/stats/mi.c src/stats/stats.c
