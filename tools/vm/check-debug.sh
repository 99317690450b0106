#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the whole suite on the debug kernel (KASAN, lockdep,
# PROVE_RCU, DEBUG_ATOMIC_SLEEP, kmemleak, DEBUG_OBJECTS, fault injection;
# tools/vm/debug-kernel.sh builds it once and caches it), with the long
# adversarial runs: 1M fuzzed calls, the fault tests at full length, and
# FAILSLAB/fail_page_alloc aimed at csd (failslab_test). Any KASAN,
# lockdep, RCU, atomic-sleep, debug-objects or kmemleak report fails the
# run (run.sh --check-dmesg; run_tests.sh scans kmemleak after the suite
# and after rmmod csd). Ends with "N passed, N failed, N skipped".
#
#   tools/vm/check-debug.sh [TEST_BINARY [harness args]]
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
VM=$TOP/tools/vm
start=$(date +%s)

"$VM/debug-kernel.sh" build || exit 1
D=$("$VM/debug-kernel.sh" dir) || exit 1
DV=$("$VM/debug-kernel.sh" kver)
echo "# debug kernel $DV (built in $(cat "$D/build-seconds" 2>/dev/null || echo '?') s)"

# csd and the selftests against the debug kernel, with its own warnings.
make -C "$TOP" --no-print-directory module KDIR="$D/build" KVER="$DV" W=1 KCFLAGS=-Werror || exit 1
# Each test may take far longer under KASAN and lockdep than the 600 s of
# csd_harness.h: rebuild the selftests with a longer per-test timeout.
make -C "$TOP/selftests/csd" --no-print-directory clean KSFT_DIR=. > /dev/null
make -C "$TOP" --no-print-directory csdctl bpf selftests EXTRA_CFLAGS=-DCSD_TEST_TIMEOUT=7200 || exit 1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# KASAN and lockdep under TCG: several times slower than the stock kernel.
CSD_DEBUG=1 CSD_TIMEOUT=${CSD_TIMEOUT:-10800} \
CSD_KERNEL_ARGS="csd.fuzz_calls=${CSD_FUZZ_CALLS:-1000000} ${CSD_KERNEL_ARGS:-}" \
	"$VM/run.sh" --check-dmesg "$TOP/selftests/csd/run_tests.sh" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
cp "$log" "$TOP/.vm/check-debug.log" 2>/dev/null
summary=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
[ -n "$summary" ] || summary="0 passed, 1 failed, 0 skipped"
if [ "$rc" != 0 ] && echo "$summary" | grep -q ' 0 failed'; then
	summary=$(echo "$summary" | sed 's/ 0 failed/ 1 failed/')
fi
[ $# -eq 0 ] && "$VM/reliability.sh" debug "$log" "$(( $(date +%s) - start ))" "$rc"
echo "csd-check-debug: $(( $(date +%s) - start ))s in all" >&2
echo "$summary"
[ "$rc" = 0 ]
