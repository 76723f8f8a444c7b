test_jsonw_SRCS := src/core/jsonw.c src/core/numfmt.c
