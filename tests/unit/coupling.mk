test_coupling_SRCS := src/coupling.c src/mi.c src/mi_bootstrap.c src/rng.c src/stats.c
