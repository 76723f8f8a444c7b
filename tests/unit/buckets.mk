test_buckets_SRCS :=
