test_window_SRCS := src/core/window.c src/core/key_index.c
