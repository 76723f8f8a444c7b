test_syslog5424_SRCS := src/output/syslog5424.c src/core/textesc.c src/core/timefmt.c
