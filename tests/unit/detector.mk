test_detector_SRCS := src/detector.c src/numfmt.c src/divergence.c src/stats.c
