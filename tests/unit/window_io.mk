test_window_io_SRCS := src/window_io.c src/safe_file.c src/window.c src/key_index.c src/feature.c src/jsonw.c src/numfmt.c src/json_counts.c
