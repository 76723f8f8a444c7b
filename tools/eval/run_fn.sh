#!/bin/bash
# Run one shell function of a scenario (tools/eval/scenarios/NAME.sh) with
# the helpers of lib.sh: run_fn.sh NAME FUNCTION ARGS...
set -u
EVAL_DIR=$(cd "${0%/*}" && pwd)
SCENARIO=$1 FUNC=$2
shift 2
. "$EVAL_DIR/lib.sh"
. "$EVAL_DIR/scenarios/$SCENARIO.sh"
"$FUNC" "$@"
