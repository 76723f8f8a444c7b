test_exemplar_SRCS := src/exemplar.c src/feature.c
