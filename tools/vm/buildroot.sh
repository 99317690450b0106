#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build roots for kernels this host's compiler did not build. Linux 7.3
# from trixie-backports is built with trixie's gcc-14, and its headers
# package depends on it (and on trixie's libc), so it cannot be installed
# on Debian 12. Its build root is made once with mmdebstrap from Debian's
# own packages, in ${CSD_CACHE:-~/.cache/csd}/root-<release>/: the
# kernel's headers (with gcc-14 and kbuild), image and modules (the base
# BTF and nvme-core.ko for the layout step, and the guest's kernel), pahole
# and bpftool. csd.ko is built in it by the compiler the kernel was built
# with. The first run downloads about 250 MB.
#
#   buildroot.sh has RELEASE          exit 0 if RELEASE is built in a root
#   buildroot.sh root RELEASE         make the root if missing; print its path
#   buildroot.sh module RELEASE SRC   build SRC's csd.ko (SRC: a copy of the
#                                     module's source) in the root, W=1 -Werror
set -euo pipefail

CACHE=${CSD_CACHE:-$HOME/.cache/csd}
say() { echo "csd-buildroot: $*" >&2; }

# The Debian suites a release comes from, or nothing (the host builds it).
suites() {
	case "$1" in
	*+deb13-amd64) echo "trixie trixie-backports" ;;
	esac
}

make_root() {
	local rel=$1 root=$CACHE/root-$1 s pkgs suite='' mirrors=()

	[ -f "$root/.done" ] && return
	command -v mmdebstrap > /dev/null ||
		{ say "mmdebstrap is missing (make deps installs it)"; exit 1; }
	for s in $(suites "$rel"); do
		suite=${suite:-$s}
		mirrors+=("deb http://deb.debian.org/debian $s main")
	done
	pkgs="linux-headers-$rel,linux-binary-$rel,linux-modules-$rel,linux-base-$rel"
	pkgs+=",make,dwarves,bpftool,kmod,xz-utils,zstd,binutils"
	say "making the build root of $rel in $root (once; about 250 MB of packages)"
	rm -rf "$root" "$root.tmp"
	mmdebstrap --variant=apt --mode=root --include="$pkgs" \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		"$suite" "$root.tmp" "${mirrors[@]}" >&2 ||
		{ rm -rf "$root.tmp"; say "mmdebstrap failed for $rel"; exit 1; }
	[ -d "$root.tmp/usr/src/linux-headers-$rel" ] ||
		{ rm -rf "$root.tmp"; say "the root has no linux-headers-$rel"; exit 1; }
	mv "$root.tmp" "$root"
	touch "$root/.done"
}

# Build the module source in $2 for release $1 inside its root; csd.ko
# and the generated headers come back to $2/module/.
build_module() {
	local rel=$1 src=$2 root=$CACHE/root-$1 rc=0

	make_root "$rel"
	rm -rf "$root/build" && mkdir -p "$root/build/src"
	(cd "$src" && tar -c .) | tar -x -C "$root/build/src"
	mount --bind /proc "$root/proc"
	trap 'umount "$root/proc"' EXIT
	mount --bind /dev "$root/dev"
	trap 'umount "$root/dev" "$root/proc"' EXIT
	chroot "$root" make -C /build/src --no-print-directory -s module \
		KVER="$rel" W=1 KCFLAGS=-Werror || rc=$?
	umount "$root/dev" "$root/proc"
	trap - EXIT
	[ "$rc" = 0 ] || return "$rc"
	cp "$root/build/src/module/csd.ko" "$root/build/src/module/nvme_layout.h" \
		"$root/build/src/module/compat_auto.h" "$src/module/"
}

case "${1:-}" in
has) [ -n "$(suites "${2:?release}")" ] ;;
root) [ -n "$(suites "${2:?release}")" ] || { say "$2 needs no build root"; exit 2; }
	make_root "$2"; echo "$CACHE/root-$2" ;;
module) build_module "${2:?release}" "${3:?source directory}" ;;
*) say "usage: $0 has|root|module RELEASE [SRC]"; exit 2 ;;
esac
