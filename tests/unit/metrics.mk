test_metrics_SRCS := src/metrics.c src/fc_table.c src/key_index.c src/detector.c src/divergence.c src/stats.c src/window.c src/feature.c
