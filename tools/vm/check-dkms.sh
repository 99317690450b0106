#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-dkms: install csd with DKMS the way a user does (make
# dkms-src, dkms add, dkms install) for each supported installed kernel,
# then boot that kernel's guest with the csd.ko DKMS installed and run a
# smoke test (load, exact counts, unload). Removes csd from DKMS at the
# end. Needs root and dkms (make deps). Linux 7.3's headers cannot be
# installed on Debian 12: for it, DKMS runs in its trixie build root
# (buildroot.sh), as it would on a Debian 13 host.
#
#   check-dkms.sh [RELEASE...]    default: the 6.12 guest kernel, 6.1, 7.3
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
VM=$TOP/tools/vm
say() { echo "csd-dkms: $*"; }
# shellcheck source=tools/vm/guest-kernel.sh
. "$VM/guest-kernel.sh"

command -v dkms > /dev/null || { say "dkms is not installed (make deps)"; exit 1; }
ver=$(sed -n 's/^#define CSD_VERSION\t"\(.*\)"$/\1/p' "$TOP/module/csd.h")
kvers=("$@")
if [ ${#kvers[@]} -eq 0 ]; then
	kvers=("$("$VM/kernel.sh" stock)")
	old=$("$VM/kernel.sh" old 2>/dev/null) && kvers+=("$old")
	new=$("$VM/kernel.sh" new) && kvers+=("$new")
fi

# It removes csd from DKMS when done: not on a host where it is installed.
if [ -n "$(dkms status "csd/$ver" 2>/dev/null)" ] || [ -e "/usr/src/csd-$ver" ]; then
	say "csd/$ver is already in DKMS (or /usr/src/csd-$ver exists): this check would remove it"
	exit 1
fi
roots=()
cleanup() {
	local kv
	dkms remove "csd/$ver" --all > /dev/null 2>&1
	rm -rf "/usr/src/csd-$ver"
	for kv in "${roots[@]}"; do
		"$VM/buildroot.sh" run "$kv" dkms remove "csd/$ver" --all > /dev/null 2>&1
		rm -rf "${CSD_CACHE:-$HOME/.cache/csd}/root-$kv/usr/src/csd-$ver"
	done
}
trap cleanup EXIT
make -C "$TOP" --no-print-directory -s dkms-src || exit 1
dkms add "csd/$ver" || exit 1

fail=0
summary=()
for kv in "${kvers[@]}"; do
	echo "# === DKMS csd/$ver for $kv"
	# The guest image (and, on a build host without it, the nvme-core.ko
	# whose BTF gives the layout) in the csd cache.
	CSD_KVER=$kv "$VM/kernel.sh" fetch || exit 1
	dkms=(dkms) root=
	if "$VM/buildroot.sh" has "$kv"; then
		root=$("$VM/buildroot.sh" root "$kv") || exit 1
		dkms=("$VM/buildroot.sh" run "$kv" dkms)
		roots+=("$kv")
		make -C "$TOP" --no-print-directory -s dkms-src DKMS_SRC="$root/usr/src/csd-$ver" || exit 1
		"${dkms[@]}" add "csd/$ver" || exit 1
	fi
	if ! "${dkms[@]}" install "csd/$ver" -k "$kv"; then
		make_log=$root/var/lib/dkms/csd/$ver/build/make.log
		[ -f "$make_log" ] && tail -n 30 "$make_log"
		summary+=("$kv: dkms install failed")
		fail=1
		continue
	fi
	ko=$(ls "$root/lib/modules/$kv/updates/dkms/csd.ko"* 2>/dev/null | head -n1)
	if [ -z "$ko" ]; then
		summary+=("$kv: no csd.ko in /lib/modules/$kv/updates/dkms")
		fail=1
		continue
	fi
	say "$kv: $("${dkms[@]}" status "csd/$ver" -k "$kv")"
	run_kernel_guest "$kv" "$ko" "$TOP/.vm/dkms/$kv" io_test
	summary+=("$kv: $ko: $line, exit status $rc")
	[ "$rc" = 0 ] || fail=1
done
for s in "${summary[@]}"; do
	say "$s"
done
exit $fail
