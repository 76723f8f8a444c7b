test_baseline_SRCS := src/baseline.c src/safe_file.c src/divergence.c src/stats.c src/window.c src/key_index.c src/feature.c src/jsonw.c src/numfmt.c src/json_counts.c src/mi.c
