#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Resolve, download and unpack the guest kernel that matches the installed
# linux-headers-6.12-amd64 (or, with CSD_KVER=<release>, the installed
# linux-headers-<release>: Debian's 6.1, trixie-backports' 7.3), plus the few
# files csd takes from linux-source-6.12 (kselftest harness, checkpatch,
# scripts/gdb: the same for every guest kernel), and promtool. Everything
# lands in the cache, outside the tree: ${CSD_CACHE:-~/.cache/csd}/<kver>/
# (src/ is the 6.12 one, linked) and tools/.
#
#   kernel.sh kver     print the kernel release (e.g. 6.12.117+deb12-amd64)
#   kernel.sh stock    print the release of the 6.12 guest kernel
#   kernel.sh old      print the release of the installed 6.1 headers (Debian
#                      12's own kernel line: linux-headers-amd64), if any
#   kernel.sh kdir     print the headers directory (default KDIR)
#   kernel.sh dir      print the cache directory, after fetching what is missing
#   kernel.sh fetch    fetch and unpack what is missing (idempotent)
set -euo pipefail

CACHE=${CSD_CACHE:-$HOME/.cache/csd}
say() { echo "csd-kernel: $*" >&2; }

# The 6.12 guest kernel: the default, and where the source files come from.
stock() {
	# The meta package depends on the exact headers package.
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-6.12-amd64 2>/dev/null |
	      grep -o 'linux-headers-[^ ,]*-amd64' | head -n1 || true)
	if [ -z "$dep" ]; then
		dep=$(cd /usr/src && ls -d linux-headers-6.12.*-amd64 2>/dev/null | sort -V | tail -n1)
	fi
	[ -n "$dep" ] || { say "no linux-headers-6.12-amd64 installed (run tools/vm/deps.sh)"; exit 1; }
	echo "${dep#linux-headers-}"
}

# Debian 12's own kernel (6.1): the newest installed linux-headers-6.1.*.
old() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	      grep -o 'linux-headers-6\.1\.[^ ,]*-amd64' | head -n1 || true)
	if [ -z "$dep" ]; then
		dep=$(cd /usr/src && ls -d linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n1)
	fi
	[ -n "$dep" ] || { say "no linux-headers-6.1.*-amd64 installed (run make deps)"; exit 1; }
	echo "${dep#linux-headers-}"
}

if [ "${1:-}" = old ]; then
	old
	exit
fi
if [ -n "${CSD_KVER:-}" ]; then
	V=$CSD_KVER
	SV=$(stock 2>/dev/null || true)
else
	SV=$(stock)
	V=$SV
fi
KDIR=/usr/src/linux-headers-$V
D=$CACHE/$V
SD=$CACHE/$SV

fetch() {
	local debver
	debver=$(dpkg-query -W -f='${Version}' "linux-headers-$V" 2>/dev/null) ||
		{ say "linux-headers-$V is not installed"; exit 1; }
	mkdir -p "$D/dl"

	if [ ! -f "$D/.image-done" ]; then
		say "downloading linux-image-$V-unsigned=$debver"
		(cd "$D/dl" && apt-get download -q "linux-image-$V-unsigned=$debver" >&2)
		rm -rf "$D/image" && mkdir -p "$D/image"
		dpkg-deb -x "$D"/dl/linux-image-"$V"-unsigned_*.deb "$D/image"
		cp "$D/image/boot/vmlinuz-$V" "$D/vmlinuz"
		cp "$D/image/boot/config-$V" "$D/config"
		depmod -b "$D/image" "$V"
		rm -f "$D"/dl/linux-image-*.deb
		touch "$D/.image-done"
	fi

	if [ "$V" != "$SV" ]; then
		# The harness, checkpatch and scripts/gdb of the 6.12 tree.
		[ -n "$SV" ] || { say "no linux-headers-6.12-amd64 installed (run make deps)"; exit 1; }
		CSD_KVER='' "$0" fetch
		ln -sfn "$SD/src" "$D/src"
		return
	fi
	if [ ! -f "$D/.source-done" ]; then
		say "downloading linux-source-6.12=$debver (for the kselftest harness and checkpatch)"
		(cd "$D/dl" && apt-get download -q "linux-source-6.12=$debver" >&2)
		rm -rf "$D/src" && mkdir -p "$D/src"
		dpkg-deb --fsys-tarfile "$D"/dl/linux-source-6.12_*.deb |
			tar -x -C "$D/dl" ./usr/src/linux-source-6.12.tar.xz
		say "unpacking the files csd needs from linux-source-6.12.tar.xz"
		tar -xJf "$D/dl/usr/src/linux-source-6.12.tar.xz" -C "$D/src" --strip-components=1 \
			--wildcards \
			'linux-source-6.12/tools/testing/selftests/kselftest_harness.h' \
			'linux-source-6.12/tools/testing/selftests/kselftest.h' \
			'linux-source-6.12/scripts/checkpatch.pl' \
			'linux-source-6.12/scripts/spelling.txt' \
			'linux-source-6.12/scripts/const_structs.checkpatch' \
			'linux-source-6.12/scripts/gdb/*' \
			'linux-source-6.12/tools/include/nolibc/*'
		rm -rf "$D/dl/usr" "$D"/dl/linux-source-*.deb
		touch "$D/.source-done"
	fi
}

# promtool (from Debian's prometheus package, without installing the
# server) checks csdctl's Prometheus output in the guest.
fetch_promtool() {
	local t=$CACHE/tools
	[ -x "$t/promtool" ] && return
	say "downloading prometheus (for promtool only)"
	mkdir -p "$t/dl"
	(cd "$t/dl" && apt-get download -q prometheus >&2)
	dpkg-deb --fsys-tarfile "$t"/dl/prometheus_*.deb | tar -x -C "$t/dl" ./usr/bin/promtool
	mv "$t/dl/usr/bin/promtool" "$t/promtool"
	rm -rf "$t/dl"
}

case "${1:-dir}" in
kver) echo "$V" ;;
stock) echo "$SV" ;;
kdir) echo "$KDIR" ;;
dir) fetch; fetch_promtool; echo "$D" ;;
fetch) fetch; fetch_promtool ;;
*) say "usage: $0 kver|stock|old|kdir|dir|fetch"; exit 2 ;;
esac
