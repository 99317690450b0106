#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: boot the guest, run every selftest in it, and end with one
# line "N passed, N failed, N skipped". Exits non-zero when a test fails,
# the guest does not finish, or the kernel log shows a splat.
#
#   tools/vm/check.sh [TEST_BINARY [harness args]]
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

start=$(date +%s)
"$TOP/tools/vm/run.sh" --check-dmesg "$TOP/selftests/csd/run_tests.sh" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

summary=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
if [ -z "$summary" ]; then
	pass=0 fail=1 skip=0
else
	pass=$(echo "$summary" | sed -E 's/^([0-9]+) passed.*/\1/')
	fail=$(echo "$summary" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	skip=$(echo "$summary" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
	skip=${skip:-0}
	# The guest said all passed but the run failed (e.g. the host saw a
	# splat after the tests): count that as one more failure.
	if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then
		fail=1
	fi
fi
echo "csd-check: $(( $(date +%s) - start ))s in all" >&2
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ "$rc" = 0 ]
