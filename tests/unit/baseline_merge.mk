# SPDX-License-Identifier: MIT
# src/stats/baseline_merge.c: fleet baselines and --compare's aliasing, on
# baselines built by hand; the merged file saved and loaded back.
test_baseline_merge_SRCS := src/stats/baseline_merge.c src/stats/baseline.c src/files/baseline_file.c src/files/safe_file.c src/files/json_counts.c src/core/key_index.c src/core/feature.c src/core/jsonw.c src/core/numfmt.c src/stats/score.c src/stats/evt.c src/stats/stats.c src/stats/mi.c src/stats/modes.c
