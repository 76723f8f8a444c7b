test_coupling_SRCS := src/stats/coupling.c src/stats/mi.c src/stats/mi_bootstrap.c src/stats/rng.c src/stats/stats.c
