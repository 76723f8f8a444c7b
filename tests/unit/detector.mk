test_detector_SRCS := src/detector.c src/reason.c src/numfmt.c src/divergence.c src/stats.c
