test_jsonw_SRCS := src/jsonw.c src/numfmt.c
