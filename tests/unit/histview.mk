test_histview_SRCS := src/histview.c src/divergence.c src/stats.c src/feature.c
