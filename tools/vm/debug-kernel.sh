#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build, once, the debug guest kernel of make check-debug: Debian's own
# 6.12 config (the one of the stock guest kernel) plus KASAN, lockdep
# (PROVE_LOCKING, PROVE_RCU), DEBUG_ATOMIC_SLEEP, kmemleak, DEBUG_OBJECTS,
# DEBUG_LIST and fault injection (FAILSLAB, fail_page_alloc, the
# stack-trace filter that aims them at csd), with BTF. Only the modules
# the guest loads are built (localmodconfig). The result is cached with
# the stock kernel's layout, so run.sh, initramfs.sh and the module
# build use it like the stock one:
#
#   ${CSD_CACHE:-~/.cache/csd}/<kver>-csd-debug/
#       vmlinuz config image/lib/modules/<release>/ build/ (KDIR) src -> stock
#
#   debug-kernel.sh kver    print the debug kernel's release
#   debug-kernel.sh dir     print the cache directory, building what is missing
#   debug-kernel.sh build   build what is missing (idempotent)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
VM=$TOP/tools/vm
CACHE=${CSD_CACHE:-$HOME/.cache/csd}
say() { echo "csd-debug-kernel: $*" >&2; }

SV=$(CSD_KVER='' "$VM/kernel.sh" kver)		# e.g. 6.12.117+deb12-amd64
SD=$CACHE/$SV					# the stock kernel's cache
UPV=${SV%%+*}					# 6.12.117
DV=$UPV-csd-debug				# the debug kernel's release
D=$CACHE/$DV

# The modules the guest loads (tools/vm/initramfs.sh), in lsmod's format
# for localmodconfig: every other =m option of Debian's config is dropped.
GUEST_MODULES="nvme nvme_core nvme_fabrics nvme_auth nvme_keyring nvmet
	       nvme_loop nvme_tcp nvmet_tcp null_blk configfs"

# The debug options, on top of Debian's config.
DEBUG_ON="KASAN KASAN_GENERIC KASAN_VMALLOC
	  PROVE_LOCKING PROVE_RCU DEBUG_LOCK_ALLOC
	  DEBUG_ATOMIC_SLEEP DEBUG_LIST
	  DEBUG_KMEMLEAK
	  DEBUG_OBJECTS DEBUG_OBJECTS_FREE DEBUG_OBJECTS_TIMERS DEBUG_OBJECTS_WORK
	  DEBUG_OBJECTS_RCU_HEAD DEBUG_OBJECTS_PERCPU_COUNTER
	  FAULT_INJECTION FAILSLAB FAIL_PAGE_ALLOC FAULT_INJECTION_DEBUG_FS
	  FAULT_INJECTION_STACKTRACE_FILTER FUNCTION_ERROR_INJECTION FAIL_FUNCTION
	  DEBUG_INFO_BTF DEBUG_INFO_BTF_MODULES MODULE_ALLOW_BTF_MISMATCH"
DEBUG_OFF="DEBUG_KMEMLEAK_DEFAULT_OFF DEBUG_KMEMLEAK_AUTO_SCAN
	   DEBUG_INFO_REDUCED DEBUG_INFO_SPLIT"

build() {
	local src=$D/build debver jobs
	[ -f "$D/.done" ] && return
	[ -f "$SD/.image-done" ] || "$VM/kernel.sh" fetch
	debver=$(dpkg-query -W -f='${Version}' "linux-headers-$SV")
	for t in bison flex bc pahole; do
		command -v $t > /dev/null || { say "$t is missing: run make deps"; exit 1; }
	done
	mkdir -p "$D/dl"
	if [ ! -f "$D/.src-done" ]; then
		say "downloading linux-source-6.12=$debver"
		(cd "$D/dl" && apt-get download -q "linux-source-6.12=$debver" >&2)
		rm -rf "$src" && mkdir -p "$src"
		say "unpacking linux-source-6.12 into $src"
		dpkg-deb --fsys-tarfile "$D"/dl/linux-source-6.12_*.deb |
			tar -x -O ./usr/src/linux-source-6.12.tar.xz |
			tar -xJ -C "$src" --strip-components=1
		rm -f "$D"/dl/linux-source-*.deb
		touch "$D/.src-done"
	fi

	if [ ! -f "$D/.config-done" ]; then
		say "configuring: Debian's config + debug options, guest modules only"
		cp "$SD/config" "$src/.config"
		(cd "$src"
		 for m in $GUEST_MODULES; do printf '%s 16384 0\n' "$m"; done > "$D/lsmod"
		 scripts/config --set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
		 make -s LSMOD="$D/lsmod" localmodconfig < /dev/null > "$D/config.log" 2>&1
		 for o in $DEBUG_ON; do scripts/config -e "$o"; done
		 for o in $DEBUG_OFF; do scripts/config -d "$o"; done
		 scripts/config --set-str LOCALVERSION "-csd-debug" -d LOCALVERSION_AUTO \
			--set-str BUILD_SALT "$DV" \
			--set-val LOCKDEP_BITS 16 --set-val LOCKDEP_CHAINS_BITS 17 \
			--set-val LOCKDEP_STACK_TRACE_BITS 20 \
			--set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 40000 \
			--set-val DEBUG_OBJECTS_ENABLE_DEFAULT 1
		 make -s olddefconfig >> "$D/config.log" 2>&1)
		local o missing=()
		for o in $DEBUG_ON; do
			grep -q "^CONFIG_$o=y" "$src/.config" || missing+=("$o")
		done
		[ ${#missing[@]} -eq 0 ] || { say "the config lost: ${missing[*]}"; exit 1; }
		touch "$D/.config-done"
	fi

	jobs=$(( $(nproc) + 1 ))
	say "building $DV with -j$jobs (about 70 min on 2 cores; an interrupted build resumes; log: $D/build.log)"
	local t0
	t0=$(date +%s)
	(cd "$src" && make -j"$jobs" bzImage modules) >> "$D/build.log" 2>&1 ||
		{ tail -n 30 "$D/build.log" >&2; say "build failed (see $D/build.log)"; exit 1; }
	say "built in $(( $(date +%s) - t0 ))s"
	rm -rf "$D/image"
	(cd "$src" && make -s INSTALL_MOD_PATH="$D/image" INSTALL_MOD_STRIP=1 \
		MODLIB="$D/image/lib/modules/$DV" modules_install) >> "$D/build.log" 2>&1
	rm -f "$D/image/lib/modules/$DV/build" "$D/image/lib/modules/$DV/source"
	cp "$src/arch/x86/boot/bzImage" "$D/vmlinuz"
	cp "$src/.config" "$D/config"
	# The kselftest harness and checkpatch are the stock cache's (same source).
	ln -sfn "$SD/src" "$D/src"
	echo "$(( $(date +%s) - t0 ))" > "$D/build-seconds"
	touch "$D/.done"
}

case "${1:-dir}" in
kver) echo "$DV" ;;
dir) build; echo "$D" ;;
build) build ;;
*) say "usage: $0 kver|dir|build"; exit 2 ;;
esac
