test_window_io_SRCS := src/files/window_io.c src/files/safe_file.c src/core/window.c src/core/key_index.c src/core/feature.c src/core/jsonw.c src/core/numfmt.c src/files/json_counts.c
