test_detector_SRCS := src/stats/detector.c src/output/reason.c src/core/numfmt.c src/stats/divergence.c src/stats/stats.c src/stats/score.c src/stats/evt.c src/stats/nearest.c src/core/feature.c
