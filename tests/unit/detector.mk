test_detector_SRCS := src/detector.c src/divergence.c src/stats.c
