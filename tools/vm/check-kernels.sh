#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The suite on each supported kernel (Documentation/kernels.rst): csd.ko
# is built for it, with warnings as errors, from a copy of the module's
# source in .vm/kernels/<release>/ (the tree's own module/csd.ko stays the
# 6.12 one), and loaded in a guest booted from that kernel's image.
#
#   check-kernels.sh [--smoke] [RELEASE...]
#
# RELEASE defaults to the 6.12 guest kernel, the installed 6.1 headers and
# Linux 7.3 from trixie-backports (kernel.sh new), which is built in its
# build root (buildroot.sh) with trixie's compiler.
# Each kernel gets every guest configuration of make check (the default
# guest, 4096 and 1M zones, multipath, swiotlb: check.sh with
# CSD_CHECK_GUESTS_ONLY=1) and the host gdb smoke test (gdb/smoke.sh with
# that kernel's DWARF and gdb scripts). --smoke runs only a load, exact counts and
# unload (io_test, abi_test) in the default guest instead: make check
# does that on 6.1 and 7.3.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
VM=$TOP/tools/vm
say() { echo "csd-kernels: $*"; }
# shellcheck source=tools/vm/guest-kernel.sh
. "$VM/guest-kernel.sh"

tests=()
if [ "${1:-}" = --smoke ]; then
	tests=(io_test abi_test)
	shift
fi
kvers=("$@")
if [ ${#kvers[@]} -eq 0 ]; then
	kvers=("$("$VM/kernel.sh" stock)")
	old=$("$VM/kernel.sh" old 2>/dev/null) && kvers+=("$old")
	new=$("$VM/kernel.sh" new) && kvers+=("$new")
fi

fail=0
summary=()
for kv in "${kvers[@]}"; do
	d=$TOP/.vm/kernels/$kv
	start=$(date +%s)
	echo "# === kernel $kv${tests[*]:+ (smoke: ${tests[*]})}"
	CSD_KVER=$kv "$VM/kernel.sh" fetch || exit 1
	rm -rf "$d/src" && mkdir -p "$d/src"
	(cd "$TOP" && git ls-files -z Makefile Kbuild dkms.conf module uapi include |
		xargs -0 tar -c) | tar -x -C "$d/src" || exit 1
	if "$VM/buildroot.sh" has "$kv"; then
		build=("$VM/buildroot.sh" module "$kv" "$d/src")
	else
		build=(make -C "$d/src" --no-print-directory -s module KVER="$kv" W=1 KCFLAGS=-Werror)
	fi
	if ! "${build[@]}"; then
		say "$kv: csd.ko does not build"
		summary+=("$kv: build failed")
		fail=1
		continue
	fi
	if [ ${#tests[@]} -gt 0 ]; then
		run_kernel_guest "$kv" "$d/src/module/csd.ko" "$d" "${tests[@]}"
	else
		CSD_KVER=$kv CSD_KO=$d/src/module/csd.ko CSD_VM_DIR=$d CSD_CHECK_GUESTS_ONLY=1 \
			"$VM/check.sh" 2>&1 | tee "$d/log"
		rc=${PIPESTATUS[0]}
		line=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$d/log" | tail -n1)
		line=${line:-no result}
		# Host gdb on this kernel's guest: its DWARF (linux-image-<kv>-dbg,
		# about 1 GB, cached) and its own scripts/gdb.
		CSD_KVER=$kv CSD_KO=$d/src/module/csd.ko CSD_VM_DIR=$d \
			"$TOP/gdb/smoke.sh" 2>&1 | tee "$d/gdb.log"
		rc2=${PIPESTATUS[0]}
		[ "$rc" = 0 ] && rc=$rc2
		gline=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$d/gdb.log" | tail -n1)
		line="$line; gdb smoke: ${gline:-no result}"
	fi
	summary+=("$kv: $line, exit status $rc, $(( $(date +%s) - start )) s")
	[ "$rc" = 0 ] || fail=1
done
for s in "${summary[@]}"; do
	say "$s"
done
exit $fail
