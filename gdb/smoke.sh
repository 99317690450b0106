#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host gdb smoke test (part of make check): boot the guest with QEMU's
# gdb stub and nokaslr, let gdb/guest.sh run a known workload on the
# zoned namespace and print csdctl's JSON, then attach gdb -batch with
# vmlinux's DWARF, the kernel's gdb scripts and gdb/csd.py, and run
# gdb/smoke.py: lx-symbols, a breakpoint in csd_complete_match, the
# request there, and csd-devices/csd-stats/csd-zones compared with csdctl.
# Last, the console log must be free of splats. Ends with the line
# "N passed, N failed, 0 skipped".
#
#   gdb/smoke.sh          (logs in ${CSD_VM_DIR:-<tree>/.vm}/gdb-smoke/)
#
# Environment: CSD_GDB_PORT (default: a free port), CSD_VM_DIR,
# CSD_GDB_SMOKE_TIMEOUT (seconds for the whole guest, default 900),
# CSD_KVER and CSD_KO (another kernel's guest and the csd.ko built for it:
# gdb/fetch.sh gets that kernel's DWARF and its own scripts/gdb; see
# Documentation/kernels.rst).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/gdb/lib.sh"

dir=${CSD_VM_DIR:-$TOP/.vm}/gdb-smoke
rm -rf "$dir"
mkdir -p "$dir"
limit=${CSD_GDB_SMOKE_TIMEOUT:-900}
start=$SECONDS
pass=0 fail=0 n=0

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
finish() {
	csd_stop "$dir"
	echo "# gdb smoke test: $((SECONDS - start)) s in all; logs in $dir"
	echo "$pass passed, $fail failed, 0 skipped"
	[ "$fail" = 0 ] && exit 0
	exit 1
}
trap 'csd_stop "$dir"' EXIT

echo "# === host gdb smoke test"

# The debug kernel and the kernel's gdb scripts (cached after the first run).
t=$SECONDS
if G=$("$GDBDIR/fetch.sh" 2> "$dir/fetch.log"); then
	ok "vmlinux with DWARF, modules' DWARF and scripts/gdb cached ($((SECONDS - t)) s)"
	sed 's/^/# fetch (once per kernel): /' "$G/timings"
else
	not_ok "fetch vmlinux's DWARF and scripts/gdb (see $dir/fetch.log)"
	tail -n 5 "$dir/fetch.log" | sed 's/^/#   /'
	finish
fi
[ -f "$CSD_KO_SRC" ] || { not_ok "$CSD_KO_SRC is built"; finish; }

t=$SECONDS
if csd_boot "$dir" smoke "$limit" 2>> "$dir/boot.log"; then
	ok "the guest boots with the gdb stub on :$CSD_PORT and nokaslr"
else
	not_ok "the guest boots with the gdb stub (see $dir/run.log)"
	finish
fi
if csd_wait_ready 600; then
	ok "the guest loaded csd, ran the workload and is ready ($((SECONDS - t)) s)"
else
	not_ok "the guest ran the workload and printed its ready marker"
	sed 's/^/#   | /' "$CSD_GUEST_OUT" | tail -n 20
	tail -n 20 "$dir/run.log" | sed 's/^/#   | /'
	finish
fi

ready=$(grep -a '^CSD-GDB-READY' "$CSD_GUEST_OUT" | head -n1)
zns=$(echo "$ready" | sed -n 's/.* zns=\([^ ]*\).*/\1/p')
conv=$(echo "$ready" | sed -n 's/.* conv=\([^ ]*\).*/\1/p')

t=$SECONDS
csd_gdb_args "$G"
set +e
CSD_SMOKE_PORT=$CSD_PORT CSD_SMOKE_OUT=$CSD_GUEST_OUT CSD_SMOKE_ZNS=$zns CSD_SMOKE_CONV=$conv \
CSD_SMOKE_SYMDIRS="$(dirname "$CSD_KO") $G/modules" \
	timeout -k 10 600 gdb -nx -batch "${CSD_GDB_ARGS[@]}" -x "$GDBDIR/smoke.py" \
	< /dev/null > "$dir/gdb.log" 2>&1
grc=$?
set -e
gsecs=$((SECONDS - t))
# smoke.py's checks, renumbered into ours.
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "gdb: ${line#ok * - }" ;;
	"not ok "*) not_ok "gdb: ${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	esac
done < "$dir/gdb.log"
if grep -q "^# gdb checks: " "$dir/gdb.log" && [ $grc = 0 ]; then
	ok "gdb -batch ran smoke.py to its end ($gsecs s)"
else
	not_ok "gdb -batch ran smoke.py to its end (exit $grc; see $dir/gdb.log)"
	grep -v '^\(ok\|not ok\|#\)' "$dir/gdb.log" | tail -n 15 | sed 's/^/#   | /'
fi
if grep -q "Traceback" "$dir/gdb.log"; then
	not_ok "no Python traceback in gdb's output"
	grep -A8 "Traceback" "$dir/gdb.log" | head -n 20 | sed 's/^/#   | /'
else
	ok "no Python traceback in gdb's output"
fi

csd_stop "$dir"
splat_re='WARNING:|BUG:|Oops|Kernel panic|general protection fault|possible recursive locking|possible circular locking|inconsistent lock state|lockdep|INFO: task .* blocked for more than|hung_task|soft lockup|UBSAN:|KASAN:|kmemleak'
if grep -aqE "$splat_re" "$dir/console.log"; then
	not_ok "the guest's console log has no splat"
	grep -aE "$splat_re" "$dir/console.log" | head -n 10 | sed 's/^/#   | /'
else
	ok "the guest's console log has no splat"
fi
finish
