#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest initramfs in two parts:
#   base.cpio.zst  busybox, the kernel's NVMe/null_blk/nvmet modules
#                  (decompressed), nvme-cli and fio with their libraries.
#                  Cached per kernel and rebuilt only when its inputs change.
#   overlay cpio   csd.ko, csdctl, the selftests, the guest init and the
#                  user's script: built for every run (small).
# The kernel unpacks both, concatenated.
#
#   initramfs.sh base KCACHE           print the path of the base archive
#   initramfs.sh overlay OUT SCRIPT [ARGS]  write the overlay for this tree
#   initramfs.sh bench KCACHE          print the path of the bench archive:
#                  bpftrace, libbpf-tools' biolatency and perf (if installed)
#                  with their libraries, about 80 MB; only make bench uses
#                  it (run.sh appends it when CSD_INITRD_EXTRA names it)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
say() { echo "csd-initramfs: $*" >&2; }

# Modules the guest may load, with their dependencies resolved by depmod.
MODULES="nvme nvme-core nvme-fabrics nvme-auth nvme-keyring nvmet nvme-loop
	 nvme-tcp nvmet-tcp null_blk configfs"
# Modules loaded by name at run time, not by symbol (so not in modules.dep):
# crc64-rocksoft's crypto algorithm, which nvme-core's t10-pi needs where
# they are modules (Debian 6.1).
QUIET_MODULES="crc64_rocksoft_generic"
# Host programs copied with their shared libraries.
PROGRAMS="/usr/sbin/nvme /usr/bin/fio /usr/bin/jq"

copy_libs() {
	local root=$1 bin=$2 lib
	for lib in $(ldd "$bin" | awk '/=>/ { print $3 } /^\t\/.*ld-linux/ { print $1 }'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done
}

build_base() {
	local kc=$1 v out stamp key root m f rel
	v=$(basename "$kc")
	out=$kc/base.cpio.zst
	stamp=$kc/base.key
	key=$( (sha256sum "$0" "$kc/vmlinuz" /bin/busybox $PROGRAMS "$kc/../tools/promtool";
		dpkg-query -W nvme-cli fio libnvme1 2>/dev/null) | sha256sum | cut -d' ' -f1)
	if [ -f "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then
		echo "$out"
		return
	fi
	say "building the base initramfs for $v"
	root=$(mktemp -d)
	chmod 0755 "$root"
	trap 'rm -rf "$root"' RETURN
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,root,mnt}
	mkdir -p "$root/lib/modules/$v"
	install -m 0755 /bin/busybox "$root/bin/busybox"
	for m in $MODULES $QUIET_MODULES; do
		# A module this kernel does not build (the debug kernel has no
		# nvme-keyring: nothing of its config selects it) is left out;
		# one the others need would make modprobe fail in the guest.
		if ! modinfo -b "$kc/image" -k "$v" -n "$m" > /dev/null 2>&1; then
			[[ " $QUIET_MODULES " == *" $m "* ]] ||
				say "$v has no module $m; leaving it out"
			continue
		fi
		# The module and what it needs (Debian 6.1 builds t10-pi and
		# the CRCs as modules, 6.12 into the kernel).
		for f in $(modprobe -D -d "$kc/image" -S "$v" "$m" | awk '$1 == "insmod" { print $2 }'); do
			rel=${f#"$kc/image"}
			[ -e "$root${rel%.*z*}" ] || [ -e "$root$rel" ] && continue
			mkdir -p "$root$(dirname "$rel")"
			case "$f" in
			*.xz) xz -dc "$f" > "$root${rel%.xz}" ;;
			*.zst) zstd -qdc "$f" > "$root${rel%.zst}" ;;
			*) cp "$f" "$root$rel" ;;
			esac
		done
	done
	cp "$kc/image/lib/modules/$v/modules.builtin"* "$root/lib/modules/$v/" 2>/dev/null || true
	depmod -b "$root" "$v"
	for f in $PROGRAMS; do
		install -D -m 0755 "$f" "$root$f"
		copy_libs "$root" "$f"
	done
	install -D -m 0755 "$kc/../tools/promtool" "$root/usr/bin/promtool"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
	(cd "$root" && find . | cpio -o -H newc --quiet | zstd -q -3 --no-check -o "$out.tmp.$$" -f)
	mv "$out.tmp.$$" "$out"
	echo "$key" > "$stamp"
	say "base initramfs: $(du -h "$out" | cut -f1)"
	echo "$out"
}

build_overlay() {
	local out=$1 script=$2 root a ko
	shift 2
	root=$(mktemp -d)
	chmod 0755 "$root"
	mkdir -p "$root/csd/bin" "$root/csd/selftests"
	install -m 0755 "$TOP/tools/vm/init" "$root/init"
	install -m 0755 "$script" "$root/csd/script"
	for a in "$@"; do printf '%s\n' "$a"; done > "$root/csd/args"
	# CSD_KO: another csd.ko (DKMS's, maybe compressed) than the tree's.
	ko=${CSD_KO:-$TOP/module/csd.ko}
	case "$ko" in
	*.xz) xz -dc "$ko" > "$root/csd/csd.ko" ;;
	*.zst) zstd -qdc "$ko" > "$root/csd/csd.ko" ;;
	*) [ -f "$ko" ] && install -m 0644 "$ko" "$root/csd/csd.ko" ;;
	esac
	install -m 0755 "$TOP/tools/csdctl/csdctl" "$root/csd/bin/csdctl"
	copy_libs "$root" "$TOP/tools/csdctl/csdctl"
	install -m 0755 "$TOP/tools/monitor/csd-textfile" "$root/csd/bin/csd-textfile"
	install -m 0755 "$TOP/selftests/csd/run_tests.sh" "$root/csd/selftests/run_tests.sh"
	mkdir -p "$root/csd/bpf/bad"
	for f in "$TOP"/tools/bpf/*.bpf.o; do
		[ -f "$f" ] && install -m 0644 "$f" "$root/csd/bpf/"
	done
	for f in "$TOP"/tools/bpf/bad/*.bpf.o; do
		[ -f "$f" ] && install -m 0644 "$f" "$root/csd/bpf/bad/"
	done
	for f in "$TOP"/selftests/csd/*_test; do
		[ -x "$f" ] || continue
		install -m 0755 "$f" "$root/csd/selftests/"
		copy_libs "$root" "$f"
	done
	(cd "$root" && find . | cpio -o -H newc --quiet > "$out")
	rm -rf "$root"
}

# The peers make bench compares csd with, cached per kernel like the base.
BENCH_PROGRAMS="/usr/bin/bpftrace /usr/sbin/biolatency"
BENCH_OPTIONAL="/usr/bin/perf"

build_bench() {
	local kc=$1 out stamp key root f progs inc
	out=$kc/bench.cpio.zst
	stamp=$kc/bench.key
	progs=$BENCH_PROGRAMS
	for f in $BENCH_OPTIONAL; do
		[ -x "$f" ] && progs+=" $f"
	done
	for f in $BENCH_PROGRAMS; do
		[ -x "$f" ] || { say "$f is missing: run make deps"; exit 1; }
	done
	# bpftrace's clang parses the script's C with clang's own headers.
	inc=$(ls -d /usr/lib/llvm-*/lib/clang/*/include 2>/dev/null | sort -V | tail -n1)
	key=$( (sha256sum "$0" $progs; echo "$inc";
		dpkg-query -W bpftrace libbpf-tools libbpf1 linux-perf 2>/dev/null) | sha256sum | cut -d' ' -f1)
	if [ -f "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then
		echo "$out"
		return
	fi
	say "building the bench initramfs (bpftrace, biolatency, perf) for $(basename "$kc")"
	root=$(mktemp -d)
	chmod 0755 "$root"
	trap 'rm -rf "$root"' RETURN
	for f in $progs; do
		install -D -m 0755 "$f" "$root$f"
		copy_libs "$root" "$f"
	done
	if [ -n "$inc" ]; then
		mkdir -p "$root$(dirname "$inc")"
		cp -a "$inc" "$root$inc"
	fi
	(cd "$root" && find . | cpio -o -H newc --quiet | zstd -q -3 -T0 --no-check -o "$out.tmp.$$" -f)
	mv "$out.tmp.$$" "$out"
	echo "$key" > "$stamp"
	say "bench initramfs: $(du -h "$out" | cut -f1)"
	echo "$out"
}

case "${1:-}" in
base) build_base "$2" ;;
overlay) shift; build_overlay "$@" ;;
bench) build_bench "$2" ;;
*) echo "usage: $0 base KCACHE | overlay OUT SCRIPT | bench KCACHE" >&2; exit 2 ;;
esac
