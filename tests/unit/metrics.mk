test_metrics_SRCS := src/output/metrics.c src/core/fc_table.c src/core/key_index.c src/stats/detector.c src/stats/divergence.c src/stats/stats.c src/core/window.c src/core/feature.c
