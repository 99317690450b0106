#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run csd's selftests in the guest: every *_test binary (or the ones named),
# each printing kselftest TAP, then a check of the kernel log. Ends with
# the line "N passed, N failed, N skipped" and exits non-zero on failure.
#
#   run_tests.sh                  all tests
#   run_tests.sh io_test          one binary
#   run_tests.sh io_test -t direct_reads_exact   harness arguments pass through
#   run_tests.sh bigzns_test inflight_test       several binaries
cd /csd/selftests 2>/dev/null || cd "$(dirname "$0")" || exit 1

pass=0 fail=0 skip=0

# On a kernel with kmemleak (make check-debug's): forget what the boot
# left, so that a report after the tests is csd's (or the tests' I/O's).
kmemleak=/sys/kernel/debug/kmemleak
if [ -w $kmemleak ]; then
	echo scan > $kmemleak
	echo clear > $kmemleak
fi

# kmemleak_check WHEN: scan twice (an object must be a few seconds old to
# be reported), and count a report as one failure.
kmemleak_check() {
	[ -w $kmemleak ] || return 0
	echo scan > $kmemleak
	sleep 6
	echo scan > $kmemleak
	leaks=$(cat $kmemleak)
	if [ -n "$leaks" ]; then
		echo "not ok - kmemleak: no leak $1"
		echo "$leaks" | head -n 60 | sed 's/^/# /'
		echo "# csd-reliability: kmemleak $1 reports=$(echo "$leaks" | grep -c 'unreferenced object')"
		fail=$((fail + 1))
		echo clear > $kmemleak
	else
		echo "ok - kmemleak: no leak $1"
		echo "# csd-reliability: kmemleak $1 reports=0"
		pass=$((pass + 1))
	fi
}

# run_binary TEST [ARGS...]: one binary, its TAP totals added to ours.
run_binary() {
	t=$1
	shift
	[ -x "./$t" ] || { echo "not ok - $t: no such test"; fail=$((fail + 1)); return; }
	echo "# === $t $*"
	{ "./$t" "$@"; echo $? > /tmp/rc.$t; } 2>&1 | tee /tmp/out.$t
	rc=$(cat /tmp/rc.$t)
	totals=$(grep '^# Totals:' /tmp/out.$t | tail -n1)
	if [ -z "$totals" ]; then
		echo "not ok - $t exited $rc without a TAP summary"
		fail=$((fail + 1))
		return
	fi
	p=$(echo "$totals" | sed -n 's/.* pass:\([0-9]*\).*/\1/p')
	f=$(echo "$totals" | sed -n 's/.* fail:\([0-9]*\).*/\1/p')
	s=$(echo "$totals" | sed -n 's/.* skip:\([0-9]*\).*/\1/p')
	e=$(echo "$totals" | sed -n 's/.* error:\([0-9]*\).*/\1/p')
	pass=$((pass + p)) fail=$((fail + f + ${e:-0})) skip=$((skip + s))
	if [ "$rc" != 0 ] && [ "$f" = 0 ] && [ "${e:-0}" = 0 ]; then
		echo "not ok - $t exited $rc"
		fail=$((fail + 1))
	fi
}

# left_behind TEST: what TEST left that would fail later tests, removed
# and counted once against it (also after a binary that died without
# its TAP summary).
left_behind() {
	t=$1
	# A file where a disk's node belongs (something opened the path with
	# O_CREAT while the driver was reloading) shadows the disk for every
	# later test: name the test that left it, and remove it.
	shadows=$(find /dev -maxdepth 1 -name 'nvme*' -type f 2>/dev/null)
	if [ -n "$shadows" ]; then
		echo "not ok - $t left regular files in /dev: $shadows"
		rm -f $shadows
		fail=$((fail + 1))
	fi
	# A program set still pinned (its test was killed by the harness's
	# timeout before its teardown ran) holds csd: every later test that
	# reloads csd would fail. Count it once, against this test, and
	# detach it.
	left=
	for pin in /sys/fs/bpf/csd/*; do
		n=${pin##*/}
		[ -e "$pin" ] && [ "$n" != maps ] || continue
		# Removing the pin detaches, as csdctl does (and its maps).
		csdctl prog detach "$n" ||
			rm -rf "$pin" "/sys/fs/bpf/csd/maps/$n" "/run/csd/progs/$n"
		left="$left $n"
	done
	if [ -n "$left" ]; then
		echo "not ok - $t left program sets attached:$left"
		fail=$((fail + 1))
	fi
}

run_one() {
	run_binary "$@"
	left_behind "$1"
}

only_tests=1
for a in "$@"; do
	case "$a" in *_test) ;; *) only_tests=0 ;; esac
done
if [ $# -gt 0 ] && [ $only_tests = 0 ]; then
	run_one "$@"
elif [ $# -gt 0 ]; then
	for t in "$@"; do
		run_one "$t"
	done
else
	for t in *_test; do
		run_one "$t"
	done
fi

kmemleak_check "after the tests"
if [ -w $kmemleak ] && [ -d /sys/module/csd ]; then
	if rmmod csd; then
		kmemleak_check "after rmmod csd"
	else
		echo "not ok - rmmod csd after the tests"
		fail=$((fail + 1))
	fi
	insmod /csd/csd.ko
fi

# The kernel log must be clean: no warning, BUG, oops, lockdep or hung task.
splats=$(dmesg | grep -E 'WARNING:|BUG:|Oops|general protection fault|possible (recursive|circular) locking|inconsistent lock state|possible irq lock inversion|INFO: task .* blocked for more than|soft lockup|UBSAN:|KASAN:|ODEBUG:|DEBUG_LOCKS_WARN_ON|INFO: trying to register non-static key|BUG kmalloc|Poison overwritten|Redzone' || true)
if [ -n "$splats" ]; then
	echo "not ok - kernel log is clean"
	echo "$splats" | sed 's/^/# /'
	fail=$((fail + 1))
else
	echo "ok - kernel log is clean"
	pass=$((pass + 1))
fi

# After a failure, csd's own kernel messages (geometry changes, layout
# refusals, allocation warnings) belong in the test log, where CI keeps them.
if [ "$fail" != 0 ]; then
	dmesg | grep -E ' csd: |nvme nvme[0-9]+: (Removing|.*failed)' | tail -n 60 | sed 's/^/# dmesg: /'
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
