test_incident_SRCS := src/stats/incident.c src/output/headline.c src/core/fc_table.c src/core/key_index.c src/core/feature.c src/core/window.c
