#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: boot the guest, run every selftest in it, and end with one
# line "N passed, N failed, N skipped". Exits non-zero when a test fails,
# the guest does not finish, or the kernel log shows a splat.
#
#   tools/vm/check.sh [TEST_BINARY [harness args]]
#
# CSD_CHECK_GUESTS_ONLY=1 boots only the guest configurations (default,
# 4096 zones, 1M zones, multipath, swiotlb) with the kernel and csd.ko
# run.sh is given (CSD_KVER, CSD_KO): make check-kernels runs them so on
# each kernel. Without it, make check also smoke-tests 6.1 and 7.3, runs
# the gdb smoke test, make check-fleet and the quick bench, and records
# the figures.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
all=1
[ "${CSD_CHECK_GUESTS_ONLY:-0}" = 1 ] && all=0
log=$(mktemp)
trap 'rm -f "$log" "$log.big" "$log.million" "$log.mpath" "$log.swiotlb" "$log.k61" "$log.k73" "$log.gdb" "$log.fleet" "$log.bench"' EXIT

start=$(date +%s)
"$TOP/tools/vm/run.sh" --check-dmesg "$TOP/selftests/csd/run_tests.sh" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ $# -eq 0 ]; then
	# A second guest whose zoned namespace has 4096 zones of 4 MiB with
	# a capacity of 3 MiB (as on real ZNS drives, capacity < size), with
	# a second controller whose drive QEMU throttles to 2 I/Os per second.
	echo "# === a guest with 4096 zones (CSD_ZNS_SIZE=16G, CSD_ZONE_CAP=3M) and a throttled drive"
	CSD_ZNS_SIZE=16G CSD_ZONE_CAP=3M CSD_STALL_IOPS=2 "$TOP/tools/vm/run.sh" --check-dmesg \
		"$TOP/selftests/csd/run_tests.sh" bigzns_test inflight_test exec_test 2>&1 | tee "$log.big"
	rc2=${PIPESTATUS[0]}
	[ "$rc" = 0 ] && rc=$rc2
	# A third whose zoned namespace has 1M zones of 64 KiB (a sparse
	# 64 GiB image): more than csd keeps, so they are folded.
	echo "# === a guest with 1M zones (CSD_ZNS_SIZE=64G, CSD_ZONE_SIZE=64K)"
	CSD_ZNS_SIZE=64G CSD_ZONE_SIZE=64K "$TOP/tools/vm/run.sh" --check-dmesg \
		"$TOP/selftests/csd/run_tests.sh" bigzns_test 2>&1 | tee "$log.million"
	rc2=${PIPESTATUS[0]}
	[ "$rc" = 0 ] && rc=$rc2
	# A fourth whose two controllers share one NVMe subsystem: multipath
	# heads over hidden path disks.
	echo "# === a multipath guest (CSD_MULTIPATH=1)"
	CSD_MULTIPATH=1 "$TOP/tools/vm/run.sh" --check-dmesg \
		"$TOP/selftests/csd/run_tests.sh" multipath_test 2>&1 | tee "$log.mpath"
	rc2=${PIPESTATUS[0]}
	[ "$rc" = 0 ] && rc=$rc2
	# A fifth with a 512 KiB bounce buffer that every DMA must use, so
	# that nvme-pci's mapping fails under load and blk-mq requeues
	# commands the driver has already set up.
	echo "# === a guest with a tiny forced bounce buffer (swiotlb=256,force)"
	CSD_KERNEL_ARGS="swiotlb=256,force" "$TOP/tools/vm/run.sh" --check-dmesg \
		"$TOP/selftests/csd/run_tests.sh" requeue_test 2>&1 | tee "$log.swiotlb"
	rc2=${PIPESTATUS[0]}
	[ "$rc" = 0 ] && rc=$rc2
fi
if [ $# -eq 0 ] && [ $all = 1 ]; then
	# A sixth booted from Debian 12's own kernel (6.1), with csd.ko built
	# for it (no BPF there), and a seventh from Linux 7.3
	# (trixie-backports), with csd.ko built in its build root by trixie's
	# compiler (the first run makes the root: about 250 MB of packages):
	# load, exact counts, unload. The whole suite on every kernel is make
	# check-kernels.
	for k in old new; do
		l=$log.k61
		[ $k = new ] && l=$log.k73
		if kv=$("$TOP/tools/vm/kernel.sh" $k 2>/dev/null); then
			"$TOP/tools/vm/check-kernels.sh" --smoke "$kv" 2>&1 | tee "$l"
			rc2=${PIPESTATUS[0]}
			[ "$rc" = 0 ] && rc=$rc2
		elif [ $k = old ]; then
			echo "# no 6.1 headers (linux-headers-amd64): run make deps" | tee "$l"
			echo "0 passed, 0 failed, 1 skipped" >> "$l"
		else
			echo "# Linux 7.3 not found in trixie-backports: no 7.3 smoke run" | tee "$l"
			echo "0 passed, 1 failed, 0 skipped" >> "$l"
			rc=1
		fi
	done
fi

# --- host gdb (gdb/smoke.sh): its own guest with QEMU's gdb stub, gdb
# attached from the host (lx-symbols, a breakpoint in csd, csd's gdb
# commands checked against csdctl). The first run downloads ~1 GB
# (linux-image-<kver>-dbg) into the cache. CSD_GDB_SMOKE=0 skips it.
if [ $# -eq 0 ] && [ $all = 1 ]; then
	if [ "${CSD_GDB_SMOKE:-1}" = 0 ]; then
		echo "0 passed, 0 failed, 1 skipped" > "$log.gdb"
	else
		"$TOP/gdb/smoke.sh" 2>&1 | tee "$log.gdb"
		rc3=${PIPESTATUS[0]}
		[ "$rc" = 0 ] && rc=$rc3
	fi
fi

# --- make check-fleet (tools/monitor/fleet_check.py): two guest runs'
# metrics through Debian's node_exporter into Debian's prometheus on this
# host; PromQL over both must agree with csd. The first run downloads the
# two packages (about 30 MB). CSD_FLEET=0 skips it.
if [ $# -eq 0 ] && [ $all = 1 ]; then
	if [ "${CSD_FLEET:-1}" = 0 ]; then
		echo "0 passed, 0 failed, 1 skipped" > "$log.fleet"
	else
		echo "# === make check-fleet"
		/usr/bin/python3 "$TOP/tools/monitor/fleet_check.py" 2>&1 | tee "$log.fleet"
		rc5=${PIPESTATUS[0]}
		[ "$rc" = 0 ] && rc=$rc5
	fi
fi

# --- make bench's quick round (tools/bench/bench.sh --quick): every
# workload, configuration, the offload and memory figures and the report
# run once, briefly (about 70 s); timings are not judged.
# CSD_BENCH_QUICK=0 skips it.
if [ $# -eq 0 ] && [ $all = 1 ]; then
	if [ "${CSD_BENCH_QUICK:-1}" = 0 ]; then
		echo "0 passed, 0 failed, 1 skipped" > "$log.bench"
	else
		echo "# === make bench QUICK=1"
		"$TOP/tools/bench/bench.sh" --quick --no-build 2>&1 | tee "$log.bench"
		rc4=${PIPESTATUS[0]}
		[ "$rc" = 0 ] && rc=$rc4
	fi
fi

pass=0 fail=0 skip=0
for l in "$log" "$log.big" "$log.million" "$log.mpath" "$log.swiotlb" "$log.k61" "$log.k73" "$log.gdb" "$log.fleet" "$log.bench"; do
	[ -f "$l" ] || continue
	summary=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$l" | tail -n1)
	if [ -z "$summary" ]; then
		fail=$((fail + 1))	# the guest did not finish
		continue
	fi
	pass=$((pass + $(echo "$summary" | sed -E 's/^([0-9]+) passed.*/\1/')))
	fail=$((fail + $(echo "$summary" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
	s=$(echo "$summary" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
	skip=$((skip + ${s:-0}))
done
# A guest said all passed but the run failed (e.g. the host saw a splat
# after the tests): count that as one more failure.
if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then
	fail=1
fi
# The figures of the adversarial tests, for Documentation/reliability.rst.
if [ $# -eq 0 ] && [ $all = 1 ]; then
	"$TOP/tools/vm/reliability.sh" check "$log" "$(( $(date +%s) - start ))" "$rc" || true
fi
echo "csd-check: $(( $(date +%s) - start ))s in all" >&2
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ "$rc" = 0 ]
