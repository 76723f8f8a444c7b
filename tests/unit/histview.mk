test_histview_SRCS := src/output/histview.c src/stats/divergence.c src/stats/stats.c src/core/feature.c
