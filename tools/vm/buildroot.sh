#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build roots for kernels this host's compiler did not build. Linux 7.3
# from trixie-backports is built with trixie's gcc-14, and its headers
# package depends on it (and on trixie's libc), so it cannot be installed
# on Debian 12. Its build root is made once with mmdebstrap from Debian's
# own packages, in ${CSD_CACHE:-~/.cache/csd}/root-<release>/: the
# kernel's headers (with gcc-14 and kbuild), image and modules (the base
# BTF and nvme-core.ko for the layout step, and the guest's kernel), pahole,
# bpftool and dkms. csd.ko is built in it by the compiler the kernel was
# built with. The first run downloads about 250 MB.
#
#   buildroot.sh has RELEASE          exit 0 if RELEASE is built in a root
#   buildroot.sh root RELEASE         make the root if missing; print its path
#   buildroot.sh module RELEASE SRC   build SRC's csd.ko (SRC: a copy of the
#                                     module's source) in the root, W=1 -Werror
#   buildroot.sh run RELEASE CMD...   run CMD in the root (chroot, with /proc
#                                     and /dev), e.g. dkms
set -euo pipefail

CACHE=${CSD_CACHE:-$HOME/.cache/csd}
say() { echo "csd-buildroot: $*" >&2; }

# The Debian suites a release comes from, or nothing (the host builds it).
suites() {
	case "$1" in
	*+deb13-amd64) echo "trixie trixie-backports" ;;
	esac
}

# What a root holds; a root made with another list is made again.
packages() {
	echo "linux-headers-$1,linux-binary-$1,linux-modules-$1,linux-base-$1,make,dwarves,bpftool,kmod,xz-utils,zstd,binutils,dkms"
}

make_root() {
	local rel=$1 root=$CACHE/root-$1 s pkgs suite='' mirrors=()

	pkgs=$(packages "$rel")
	[ "$(cat "$root/.done" 2>/dev/null)" = "$pkgs" ] && return
	command -v mmdebstrap > /dev/null ||
		{ say "mmdebstrap is missing (make deps installs it)"; exit 1; }
	for s in $(suites "$rel"); do
		suite=${suite:-$s}
		mirrors+=("deb http://deb.debian.org/debian $s main")
	done
	say "making the build root of $rel in $root (once; about 250 MB of packages)"
	# Never remove through a mount a killed run left behind (ours, or
	# mmdebstrap's in the unfinished root).
	for s in "$root/dev" "$root/proc"; do
		if mountpoint -q "$s"; then umount -l "$s"; fi
	done
	if findmnt -rn -o TARGET | grep -qE "^($root|$root\.tmp)/"; then
		say "something is still mounted under $root or $root.tmp: unmount it first"
		exit 1
	fi
	rm -rf --one-file-system "$root" "$root.tmp"
	mmdebstrap --variant=apt --mode=root --include="$pkgs" \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		"$suite" "$root.tmp" "${mirrors[@]}" >&2 ||
		{ say "mmdebstrap failed for $rel (the unfinished root stays in $root.tmp)"; exit 1; }
	[ -d "$root.tmp/usr/src/linux-headers-$rel" ] ||
		{ rm -rf --one-file-system "$root.tmp"; say "the root has no linux-headers-$rel"; exit 1; }
	mv "$root.tmp" "$root"
	echo "$pkgs" > "$root/.done"
}

# Run "${@:2}" in the root of release $1, with the host's /proc and /dev.
in_root() {
	local root=$CACHE/root-$1 rc=0
	shift
	mount --bind /proc "$root/proc"
	# shellcheck disable=SC2064 # $root now: the trap may run outside this function
	trap "umount -l '$root/proc'" EXIT
	mount --bind /dev "$root/dev"
	# shellcheck disable=SC2064
	trap "umount -l '$root/dev' '$root/proc'" EXIT
	chroot "$root" "$@" || rc=$?
	# Lazily: a daemon a package script started may still hold them.
	umount -l "$root/dev" "$root/proc"
	trap - EXIT
	return "$rc"
}

# Build the module source in $2 for release $1 inside its root; csd.ko
# and the generated headers come back to $2/module/.
build_module() {
	local rel=$1 src=$2 root=$CACHE/root-$1

	make_root "$rel"
	rm -rf "$root/build" && mkdir -p "$root/build/src"
	(cd "$src" && tar -c .) | tar -x -C "$root/build/src"
	in_root "$rel" make -C /build/src --no-print-directory -s module \
		KVER="$rel" W=1 KCFLAGS=-Werror || return
	cp "$root/build/src/module/csd.ko" "$root/build/src/module/nvme_layout.h" \
		"$root/build/src/module/compat_auto.h" "$src/module/"
}

# One user of a root at a time (make check-kernels and check-dkms could
# share it): the lock is held until this script exits.
lock() {
	mkdir -p "$CACHE"
	exec 9> "$CACHE/root-$1.lock"
	flock 9
}

case "${1:-}" in
has) ;;
*)	[ "$(id -u)" = 0 ] ||
		{ say "the build root needs root (mmdebstrap, mount, chroot)"; exit 1; }
	lock "${2:?release}" ;;
esac
case "${1:-}" in
has) [ -n "$(suites "${2:?release}")" ] ;;
root) [ -n "$(suites "${2:?release}")" ] || { say "$2 needs no build root"; exit 2; }
	make_root "$2"; echo "$CACHE/root-$2" ;;
module) build_module "${2:?release}" "${3:?source directory}" ;;
run) rel=${2:?release}; shift 2; make_root "$rel"; in_root "$rel" "$@" ;;
*) say "usage: $0 has|root|module|run RELEASE [SRC | CMD...]"; exit 2 ;;
esac
