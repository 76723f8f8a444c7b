# SPDX-License-Identifier: MIT
# Mutes in the analyzer (analyzer__judge): a muted series, a muted bin, the
# watch policy, against a baseline made by hand.
test_mute_analyzer_SRCS := $(test_analyzer_SRCS)
