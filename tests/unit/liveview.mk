test_liveview_SRCS := src/output/liveview.c src/core/fc_table.c src/core/key_index.c src/core/timefmt.c src/stats/detector.c src/stats/divergence.c src/stats/stats.c src/core/feature.c
