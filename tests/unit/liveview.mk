test_liveview_SRCS := src/liveview.c src/detector.c src/divergence.c src/stats.c src/feature.c
