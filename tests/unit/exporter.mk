test_exporter_SRCS := src/output/exporter.c src/output/basic_auth.c
