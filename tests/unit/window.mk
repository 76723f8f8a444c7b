test_window_SRCS := src/window.c src/key_index.c
