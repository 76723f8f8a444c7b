test_coupling_SRCS := src/coupling.c src/mi.c
test_redundancy_SRCS := src/redundancy.c src/mi.c
