#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Resolve, download and unpack the guest kernel that matches the installed
# linux-headers-6.12-amd64 (or, with CSD_KVER=<release>, the installed
# linux-headers-<release>: Debian's 6.1, trixie-backports' 7.3), plus the few
# files csd takes from linux-source-6.12 (kselftest harness, checkpatch,
# 6.12's scripts/gdb: gdb/fetch.sh gets another kernel's own), and
# promtool. Everything
# lands in the cache, outside the tree: ${CSD_CACHE:-~/.cache/csd}/<kver>/
# (src/ is the 6.12 one, linked) and tools/.
#
#   kernel.sh kver     print the kernel release (e.g. 6.12.117+deb12-amd64)
#   kernel.sh stock    print the release of the 6.12 guest kernel
#   kernel.sh old      print the release of the installed 6.1 headers (Debian
#                      12's own kernel line: linux-headers-amd64), if any
#   kernel.sh new      print the release of Linux 7.3 from trixie-backports
#                      (built in a build root: buildroot.sh)
#   kernel.sh kdir     print the headers directory (default KDIR)
#   kernel.sh root     print the build root of a kernel that has one (7.3)
#   kernel.sh debver   print the version of the kernel's headers package
#   kernel.sh download PKG=VERSION   apt-get download it here (from
#                      trixie-backports for a build-root kernel)
#   kernel.sh dir      print the cache directory, after fetching what is missing
#   kernel.sh fetch    fetch and unpack what is missing (idempotent)
set -euo pipefail

CACHE=${CSD_CACHE:-$HOME/.cache/csd}
VM=$(cd "$(dirname "$0")" && pwd)
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

# Linux 7.3 from trixie-backports (built in a build root, buildroot.sh):
# the newest 7.3 whose root is cached, else the newest 7.3 headers package
# trixie-backports has (read with a private apt configuration: the host's
# own sources stay Debian 12's). CSD_NEW_KVER overrides.
# TBPO: apt options of a private configuration reading trixie-backports
# only, its package index read (updated when @1 is "update").
tbpo_apt() {
	local a=$CACHE/apt-trixie-backports
	mkdir -p "$a/lists/partial" "$a/cache"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main" > "$a/sources.list"
	TBPO=(-o "Dir::Etc::sourcelist=$a/sources.list" -o Dir::Etc::sourceparts=/nonexistent
	      -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache" -o APT::Architecture=amd64 -o APT::Sandbox::User=root)
	if [ "${1:-}" = update ] || ! ls "$a"/lists/*_Packages* > /dev/null 2>&1; then
		apt-get "${TBPO[@]}" -q update > /dev/null ||
			{ say "cannot read trixie-backports' package index"; exit 1; }
	fi
}

new() {
	local r
	if [ -n "${CSD_NEW_KVER:-}" ]; then
		echo "$CSD_NEW_KVER"
		return
	fi
	r=$(cd "$CACHE" 2>/dev/null && for f in root-7.3.*+deb13-amd64/.done; do
		if [ -f "$f" ]; then echo "${f%/.done}"; fi; done | sed 's/^root-//' | sort -V | tail -n1)
	if [ -z "$r" ]; then
		tbpo_apt update
		r=$(apt-cache "${TBPO[@]}" pkgnames linux-headers-7.3 |
		    sed -nE 's/^linux-headers-(7\.3\.[0-9]+\+deb13-amd64)$/\1/p' | sort -V | tail -n1)
	fi
	[ -n "$r" ] || { say "trixie-backports has no linux-headers-7.3.*-amd64"; exit 1; }
	echo "$r"
}

case "${1:-}" in
old) old; exit ;;
new) new; exit ;;
esac
if [ -n "${CSD_KVER:-}" ]; then
	V=$CSD_KVER
	SV=$(stock 2>/dev/null || true)
else
	SV=$(stock)
	V=$SV
fi
KDIR=/usr/src/linux-headers-$V
if "$VM/buildroot.sh" has "$V"; then
	KDIR=$CACHE/root-$V/usr/src/linux-headers-$V
fi
D=$CACHE/$V
SD=$CACHE/$SV

# The version of the kernel's headers package: installed on the host, or
# in its build root (7.3).
debver() {
	if "$VM/buildroot.sh" has "$V"; then
		dpkg-query --admindir="$CACHE/root-$V/var/lib/dpkg" -W -f='${Version}' "linux-headers-$V"
	else
		dpkg-query -W -f='${Version}' "linux-headers-$V"
	fi
}

# apt-get download PKG=VERSION into the current directory: from the host's
# suites, or for a build-root kernel from trixie-backports.
download() {
	if "$VM/buildroot.sh" has "$V"; then
		tbpo_apt
		apt-get "${TBPO[@]}" download -q "$1" >&2 && return
		# The index may be older than the package: read it again, once.
		tbpo_apt update
		apt-get "${TBPO[@]}" download -q "$1" >&2 ||
			{ say "trixie-backports has no $1 (superseded? snapshot.debian.org keeps it)"; return 1; }
	else
		apt-get download -q "$1" >&2
	fi
}

# A Debian 12 kernel: its unsigned image package, of the installed
# headers' version.
fetch_image() {
	local debver=$1
	[ -f "$D/.image-done" ] && return
	say "downloading linux-image-$V-unsigned=$debver"
	(cd "$D/dl" && apt-get download -q "linux-image-$V-unsigned=$debver" >&2)
	rm -rf "$D/image" && mkdir -p "$D/image"
	dpkg-deb -x "$D"/dl/linux-image-"$V"-unsigned_*.deb "$D/image"
	cp "$D/image/boot/vmlinuz-$V" "$D/vmlinuz"
	cp "$D/image/boot/config-$V" "$D/config"
	depmod -b "$D/image" "$V"
	rm -f "$D"/dl/linux-image-*.deb
	touch "$D/.image-done"
}

# A kernel built in a build root (buildroot.sh: Linux 7.3): its image and
# modules are the root's own, installed from Debian's packages there.
fetch_from_root() {
	local root
	root=$("$VM/buildroot.sh" root "$V")
	[ -f "$D/.image-done" ] && return
	rm -rf "$D/image" && mkdir -p "$D/image/lib/modules"
	cp -a "$root/lib/modules/$V" "$D/image/lib/modules/"
	rm -f "$D/image/lib/modules/$V/build" "$D/image/lib/modules/$V/source"
	# Debian 13's 7.x packages keep the image and config beside the
	# modules (/lib/modules/<release>/), not in /boot.
	cp "$root/lib/modules/$V/vmlinuz" "$D/vmlinuz"
	cp "$root/lib/modules/$V/config" "$D/config"
	depmod -b "$D/image" "$V"
	touch "$D/.image-done"
}

fetch() {
	local debver
	if "$VM/buildroot.sh" has "$V"; then
		mkdir -p "$D"
		fetch_from_root
	else
		debver=$(dpkg-query -W -f='${Version}' "linux-headers-$V" 2>/dev/null) ||
			{ say "linux-headers-$V is not installed"; exit 1; }
		mkdir -p "$D/dl"
		fetch_image "$debver"
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
root) if "$VM/buildroot.sh" has "$V"; then echo "$CACHE/root-$V"; fi ;;
debver) debver ;;
download) download "$2" ;;
dir) fetch; fetch_promtool; echo "$D" ;;
fetch) fetch; fetch_promtool ;;
*) say "usage: $0 kver|stock|old|new|kdir|root|debver|dir|fetch|download PKG=VER"; exit 2 ;;
esac
