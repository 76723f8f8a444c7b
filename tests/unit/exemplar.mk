test_exemplar_SRCS := src/kernel/exemplar.c src/core/feature.c
