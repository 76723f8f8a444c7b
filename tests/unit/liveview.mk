test_liveview_SRCS := src/liveview.c src/fc_table.c src/key_index.c src/timefmt.c src/detector.c src/divergence.c src/stats.c src/feature.c
