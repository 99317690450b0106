#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch and cache what host gdb needs to debug the csd test guest, outside
# the tree, in ${CSD_CACHE:-~/.cache/csd}/<kver>/gdb/:
#
#   vmlinux               the guest kernel with DWARF, from
#                         linux-image-<kver>-dbg (only this file and the
#                         modules below are unpacked; the ~1 GB deb is
#                         deleted afterwards)
#   modules/              DWARF of the modules the guest loads (nvme, nvme-core,
#                         nvme-fabrics, nvme-auth, nvme-keyring, nvmet,
#                         nvme-loop, null_blk, configfs): lx-symbols looks
#                         for <module>.ko in the directories it is given
#   vmlinux-gdb.py        the kernel's gdb helpers (lx-symbols, lx-dmesg, ...)
#   scripts/gdb/linux/    from the kernel's own linux-source-<major.minor>
#                         (6.12's from kernel.sh fetch), with constants.py
#                         generated from constants.py.in and its headers
#
#   gdb/fetch.sh          fetch what is missing (idempotent), print the directory
#   gdb/fetch.sh --dir    print the directory only
#
# Timings of the download, the extraction and the indexing are printed
# when they happen and kept in <dir>/timings.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
VM=$TOP/tools/vm
say() { echo "csd-gdb-fetch: $*" >&2; }

kver=$("$VM/kernel.sh" kver)
if [ "${1:-}" = --dir ]; then
	echo "${CSD_CACHE:-$HOME/.cache/csd}/$kver/gdb"
	exit 0
fi
kc=$("$VM/kernel.sh" dir)	# fetches the image and the source tarball's files
G=$kc/gdb
mkdir -p "$G"
# One fetch at a time (make gdb and make check may start together).
exec 9> "$G/.lock"
flock 9
did=0

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The kernel's gdb scripts with constants.py for this kernel's config:
# linux-source-6.12's (kernel.sh fetch extracts them) for 6.12; another
# kernel's own linux-source-<major.minor> package, of its headers'
# version (6.12's scripts need MOD_TEXT, 6.4+; 7.3 changed more).
mm=$(echo "$kver" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
# The marker names the source the scripts came from: a cache made before
# kernels other than 6.12 had their own is redone.
if [ "$(cat "$G/.scripts-done" 2>/dev/null)" != "linux-source-$mm" ]; then
	src=$kc/src/scripts/gdb
	if [ "$mm" != 6.12 ]; then
		debver=$("$VM/kernel.sh" debver)
		say "downloading linux-source-$mm=$debver (its scripts/gdb)"
		rm -rf "$G/src" && mkdir -p "$G/src/dl"
		(cd "$G/src/dl" && "$VM/kernel.sh" download "linux-source-$mm=$debver")
		dpkg-deb --fsys-tarfile "$G"/src/dl/linux-source-"$mm"_*.deb |
			tar -x -C "$G/src/dl" "./usr/src/linux-source-$mm.tar.xz"
		tar -xJf "$G/src/dl/usr/src/linux-source-$mm.tar.xz" -C "$G/src" \
			--strip-components=1 --wildcards "linux-source-$mm/scripts/gdb/*"
		rm -rf "$G/src/dl"
		src=$G/src/scripts/gdb
	fi
	if [ ! -f "$src/vmlinux-gdb.py" ] || [ ! -f "$src/linux/constants.py.in" ]; then
		say "no scripts/gdb in $src (from linux-source-$mm)"
		exit 1
	fi
	H=$("$VM/kernel.sh" kdir)
	# The -common directory the arch headers' Makefile includes (a path
	# inside the build root for a build-root kernel).
	C=$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$H/Makefile" | head -n1)
	R=$("$VM/kernel.sh" root)
	[ -z "$R" ] || C=$R$C
	[ -d "$C" ] || C=$H
	rm -rf "$G/scripts" "$G/vmlinux-gdb.py"
	mkdir -p "$G/scripts"
	cp -r "$src" "$G/scripts/gdb"
	# As scripts/gdb/linux/Makefile does, with the headers' include paths.
	gcc -E -P -x c -nostdinc \
		-I"$C/arch/x86/include" -I"$H/arch/x86/include/generated" \
		-I"$C/include" -I"$H/include" \
		-I"$C/arch/x86/include/uapi" -I"$H/arch/x86/include/generated/uapi" \
		-I"$C/include/uapi" -I"$H/include/generated/uapi" \
		-include "$C/include/linux/compiler-version.h" \
		-include "$C/include/linux/kconfig.h" \
		-include "$C/include/linux/compiler_types.h" \
		-D__KERNEL__ \
		"$G/scripts/gdb/linux/constants.py.in" -o "$G/scripts/gdb/linux/constants.py"
	sed -i '1,/<!-- end-c-headers -->/d' "$G/scripts/gdb/linux/constants.py"
	grep -q '^LX_SB_RDONLY = ' "$G/scripts/gdb/linux/constants.py" ||
		{ say "constants.py looks wrong (no LX_SB_RDONLY)"; exit 1; }
	# vmlinux-gdb.py adds <its directory>/scripts/gdb to Python's path.
	cp "$G/scripts/gdb/vmlinux-gdb.py" "$G/vmlinux-gdb.py"
	echo "linux-source-$mm" > "$G/.scripts-done"
	did=1
fi

# vmlinux and the modules' DWARF from linux-image-<kver>-dbg.
if [ ! -f "$G/.dbg-done" ]; then
	debver=$("$VM/kernel.sh" debver)
	pkg=linux-image-$kver-dbg
	mkdir -p "$kc/dl"
	debs=("$kc/dl/${pkg}_"*_amd64.deb)
	deb=
	[ -f "${debs[0]}" ] && deb=${debs[0]}
	if [ -n "$deb" ] && ! dpkg-deb -W "$deb" >/dev/null 2>&1; then
		say "removing a broken download: $deb"
		rm -f "$deb"
		deb=
	fi
	if [ -z "$deb" ]; then
		say "downloading $pkg=$debver (about 1 GB, once per kernel)"
		t=$(now)
		if ! (cd "$kc/dl" && "$VM/kernel.sh" download "$pkg=$debver"); then
			# Package lists may be missing or older than the headers.
			[ "$(id -u)" = 0 ] || { say "cannot download $pkg=$debver"; exit 1; }
			[ -z "$("$VM/kernel.sh" root)" ] || { say "cannot download $pkg=$debver"; exit 1; }
			say "apt-get update, then downloading again"
			apt-get update -qq >&2
			(cd "$kc/dl" && "$VM/kernel.sh" download "$pkg=$debver")
		fi
		debs=("$kc/dl/${pkg}_"*_amd64.deb)
		deb=${debs[0]}
		[ -f "$deb" ] || { say "apt-get download left no $pkg deb in $kc/dl"; exit 1; }
		t=$(elapsed "$t")
		echo "download $t s, $(du -m "$deb" | cut -f1) MB" > "$G/timings"
		say "downloaded in $t s"
	else
		say "using the already downloaded $deb"
		echo "download (already present)" > "$G/timings"
	fi
	say "extracting vmlinux and the nvme modules' DWARF from $(basename "$deb")"
	t=$(now)
	rm -rf "$G/x" && mkdir -p "$G/x"
	d=./usr/lib/debug
	m=$d/lib/modules/$kver/kernel
	# vmlinux: in boot/ (6.x), or in lib/modules/<kver>/ with boot/'s a
	# symlink to it (7.x). tar fails on the one a package lacks: what
	# matters is that vmlinux and the modules are there after it.
	set +e
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$G/x" --wildcards \
		"$d/boot/vmlinux-$kver" "$d/lib/modules/$kver/vmlinux" \
		"$m/drivers/nvme/*.ko" \
		"$m/drivers/block/null_blk/*.ko" \
		"$m/fs/configfs/*.ko" 2> "$G/x.err"
	st=("${PIPESTATUS[@]}")
	set -e
	# Only the member this package lacks may be missing: any other error
	# (a full disk, a broken download) fails the fetch.
	if [ "${st[0]}" != 0 ] ||
	   { [ "${st[1]}" != 0 ] &&
	     grep -qv 'Not found in archive\|Exiting with failure status' "$G/x.err"; } ||
	   [ ! -f "$(readlink -f "$G/x/$d/boot/vmlinux-$kver")" ] ||
	   [ ! -f "$G/x/$m/drivers/nvme/host/nvme-core.ko" ]; then
		say "cannot unpack $deb ($(head -c 300 "$G/x.err")): removed it, run again to download it anew"
		rm -rf "$deb" "$G/x" "$G/x.err"
		exit 1
	fi
	rm -f "$G/x.err"
	rm -rf "$G/modules"
	mkdir -p "$G/modules"
	find "$G/x/$m" -name '*.ko' -exec mv -t "$G/modules" {} +
	mv "$(readlink -f "$G/x/$d/boot/vmlinux-$kver")" "$G/vmlinux"
	rm -rf "$G/x"
	t=$(elapsed "$t")
	echo "extract $t s, vmlinux $(du -m "$G/vmlinux" | cut -f1) MB, $(find "$G/modules" -name '*.ko' | wc -l) modules" >> "$G/timings"
	say "extracted in $t s"
	rm -f "$deb"
	touch "$G/.dbg-done"
	did=1
fi

# gdb's index of vmlinux's DWARF: makes every later gdb start fast.
if [ ! -f "$G/.index-done" ]; then
	say "indexing vmlinux's DWARF for gdb (once)"
	t=$(now)
	mkdir -p "$G/index-cache"
	gdb -nx -batch -iex "set index-cache directory $G/index-cache" \
		-iex "set index-cache enabled on" "$G/vmlinux" >/dev/null 2>&1 || true
	t=$(elapsed "$t")
	echo "index $t s" >> "$G/timings"
	say "indexed in $t s"
	touch "$G/.index-done"
	did=1
fi
[ $did = 0 ] || sed 's/^/csd-gdb-fetch: time: /' "$G/timings" >&2
echo "$G"
