#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the csd test guest and run one script in it.
#
#   tools/vm/run.sh [OPTIONS] SCRIPT [ARGS...]
#
# The guest has an emulated NVMe controller with a zoned namespace
# (/dev/nvme0n1, $CSD_ZNS_DEV in the script) and a conventional one
# (/dev/nvme0n2, $CSD_CONV_DEV). csd.ko is loaded before the script unless
# --no-load; csdctl, nvme, fio and the selftests are on PATH. The script's
# output is streamed here, and its exit status becomes ours. A guest that
# times out, panics or stops without finishing the script exits 125 with
# a message that names the console log.
#
# Options:
#   --no-load       do not insmod csd.ko before the script
#   --no-nvme       do not load the nvme driver before the script
#   --check-dmesg   fail (exit 1) if the kernel log shows a WARNING, BUG,
#                   Oops, lockdep splat or hung task, even if the script passed
#   --gdb           start QEMU with its gdb stub on :$CSD_GDB_PORT (default
#                   1234) and boot the kernel with nokaslr
#   --timeout S     give up after S seconds (default $CSD_TIMEOUT or 900)
#
# Environment:
#   CSD_ACCEL=tcg|kvm     accelerator (default tcg; kvm is opt-in)
#   CSD_TCG_THREAD        single (default) or multi. See "QEMU 10" in
#                         Documentation/developing.rst: multi (a host
#                         thread per vCPU) can run stale code after the
#                         kernel patches a static branch from the other
#                         vCPU, even on QEMU 10 (rarely); make bench's
#                         full run uses multi
#   CSD_CPUS, CSD_MEM     vCPUs (2) and memory (1G)
#   CSD_ZNS_SIZE          zoned namespace size (64M)
#   CSD_ZONE_SIZE         zone size (4M); CSD_ZONE_CAP zone capacity (= size)
#   CSD_ZONE_MAX_OPEN, CSD_ZONE_MAX_ACTIVE
#                         the zoned namespace's open and active zone limits
#                         (default: its number of zones, which never binds,
#                         up to 4096 zones; 0, none, above)
#   CSD_CONV_SIZE         conventional namespace size (64M)
#   CSD_MULTIPATH=1       put the controller in an NVMe subsystem with a
#                         second controller (same serial: QEMU requires
#                         one serial per subsystem) that shares
#                         both namespaces: Linux makes each a multipath
#                         head (nvme0n1) over two hidden path disks
#                         (nvme0c0n1, nvme0c1n1). Default: single-path
#                         disks (nvme_core.multipath=N), as a single-port
#                         drive gives
#   CSD_KVER=<release>    boot another installed kernel's guest (its headers
#                         installed: Debian 6.1's 6.1.0-N-amd64); build csd.ko
#                         for it first (make module KVER=<release>)
#   CSD_KO=<path>         load this csd.ko (e.g. DKMS's, .ko.xz too), not the tree's
#   CSD_DEBUG=1           boot the debug kernel of make check-debug
#                         (tools/vm/debug-kernel.sh: KASAN, lockdep,
#                         kmemleak, ...) instead of the stock one
#   CSD_HARDEN=0          boot the stock kernel without the checks it has
#                         built in (default 1: kfence.sample_interval=10,
#                         slub_debug=FZPU, init_on_free=1)
#   CSD_STALL_IOPS        if set, add a second controller (serial csdstall)
#                         with a 16M conventional namespace whose drive QEMU
#                         throttles to this many I/Os per second: commands
#                         on it stall on purpose (inflight_test)
#   CSD_QEMU_EXTRA        extra QEMU arguments (word-split)
#   CSD_KERNEL_ARGS       extra kernel command line words (e.g. the
#                         selftests' csd.fuzz_calls=N, csd.fault_resets=N)
#   CSD_INITRD_EXTRA      extra cpio archives (space-separated paths) appended
#                         to the initramfs, e.g. initramfs.sh's bench archive
#   CSD_CACHE             download cache (default ~/.cache/csd)
#   CSD_VM_DIR            where logs go (default <tree>/.vm); the console log
#                         is $CSD_VM_DIR/console.log (a failed guest's is
#                         also kept as console.fail.<time>.<pid>.log)
#   CSD_GDB_PORT          TCP port of the gdb stub with --gdb (default 1234)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
VM=$TOP/tools/vm
say() { echo "csd-vm: $*" >&2; }

load=1 nvme=1 check_dmesg=0 gdb=0
timeout=${CSD_TIMEOUT:-900}
while [ $# -gt 0 ]; do
	case "$1" in
	--no-load) load=0 ;;
	--no-nvme) nvme=0 ;;
	--check-dmesg) check_dmesg=1 ;;
	--gdb) gdb=1 ;;
	--timeout) timeout=$2; shift ;;
	-h|--help) sed -n '3,/^set -e/p' "$0" | sed 's/^# \{0,1\}//; /^set -e/d'; exit 0 ;;
	-*) say "unknown option $1"; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -ge 1 ] || { say "usage: $0 [OPTIONS] SCRIPT [ARGS] (see --help)"; exit 2; }
script=$1
shift
[ -f "$script" ] || { say "no such script: $script"; exit 2; }

# QEMU >= 10: 7.2's multi-threaded TCG runs stale code after the guest
# patches a static branch from the other vCPU (Oops: int3); see
# "QEMU 10" in Documentation/developing.rst.
qv=$(qemu-system-x86_64 --version 2>/dev/null | sed -nE '1s/.*version ([0-9]+)\..*/\1/p')
if [ -z "$qv" ] || [ "$qv" -lt 10 ]; then
	say "QEMU ${qv:-(not found)} is too old: csd's guest needs QEMU >= 10"
	say "(bookworm-backports' qemu-system-x86; 'make deps' installs it)."
	say "QEMU 7.2 runs stale code after the kernel patches a static branch,"
	say "see Documentation/developing.rst"
	exit 2
fi

debug=${CSD_DEBUG:-0}
accel=${CSD_ACCEL:-tcg}
cpus=${CSD_CPUS:-2}
if [ "$debug" = 1 ]; then
	mem=${CSD_MEM:-3G}
else
	mem=${CSD_MEM:-1G}
fi
zns_size=${CSD_ZNS_SIZE:-64M}
zone_size=${CSD_ZONE_SIZE:-4M}
zone_cap=${CSD_ZONE_CAP:-$zone_size}
conv_size=${CSD_CONV_SIZE:-64M}

if [ "$debug" = 1 ]; then
	kc=$("$VM/debug-kernel.sh" dir)
else
	kc=$("$VM/kernel.sh" dir)
fi
base=$("$VM/initramfs.sh" base "$kc")
# A csd.ko built for another kernel would only say "insmod failed".
ko=${CSD_KO:-$TOP/module/csd.ko}
if [ -n "${CSD_KO:-}" ] && [ ! -f "$CSD_KO" ]; then
	say "CSD_KO=$CSD_KO: no such file"
	exit 2
fi
if [ "$load" = 1 ] && [ -f "$ko" ]; then
	built=$(/sbin/modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
	if [ -n "$built" ] && [ "$built" != "$(basename "$kc")" ]; then
		say "$ko is built for $built, the guest runs $(basename "$kc"):"
		say "make module KVER=$(basename "$kc") first"
		exit 2
	fi
fi

dir=${CSD_VM_DIR:-$TOP/.vm}
mkdir -p "$dir"
run=$(mktemp -d "$dir/run.XXXXXX")
console=$dir/console.log
out=$run/output
: > "$console"
: > "$out"
cleanup() {
	[ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null
	rm -rf "$run"
}
trap cleanup EXIT

"$VM/initramfs.sh" overlay "$run/overlay.cpio" "$script" "$@"
extra=()
# shellcheck disable=SC2206
[ -n "${CSD_INITRD_EXTRA:-}" ] && extra=($CSD_INITRD_EXTRA)
for f in "${extra[@]}"; do
	[ -f "$f" ] || { say "CSD_INITRD_EXTRA: no such file: $f"; exit 2; }
done
cat "$run/overlay.cpio" "$base" "${extra[@]}" > "$run/initrd"
truncate -s "$zns_size" "$run/zns.img"
truncate -s "$conv_size" "$run/conv.img"

nonce=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
append="console=ttyS0 panic=-1 oops=panic softlockup_panic=1 loglevel=7"
append+=" csd.nonce=$nonce csd.load=$load csd.nvme=$nvme"
# TCG derives every vCPU's TSC from one host clock, but its boot-time
# sync check can fail under single-threaded TCG (the vCPUs take turns):
# 6.1 then marked the TSC unstable and fell back to the HPET, whose every
# read is an emulated MMIO exit, so clock_gettime() became a slow
# syscall. The TSC is reliable here; say so.
[ "${CSD_ACCEL:-tcg}" = tcg ] && append+=" tsc=reliable"
append+=" ${CSD_KERNEL_ARGS:-}"
# Single-path disks unless CSD_MULTIPATH=1 (QEMU 10 always reports a
# multi-controller subsystem, which would make every namespace a head).
[ "${CSD_MULTIPATH:-0}" = 1 ] || append+=" nvme_core.multipath=N"
if [ "$debug" = 1 ]; then
	# KASAN, lockdep and kmemleak are built in; kmemleak scans on demand.
	append+=" kmemleak=on kasan.fault=report"
elif [ "${CSD_HARDEN:-1}" = 1 ]; then
	# What Debian's kernel has built in: KFENCE sampling, SLUB red zones,
	# poisoning and consistency checks, and zeroing on free.
	append+=" kfence.sample_interval=10 slub_debug=FZPU init_on_free=1"
fi

case "${CSD_TCG_THREAD:-single}" in
single | multi) ;;
*) say "CSD_TCG_THREAD must be single or multi"; exit 2 ;;
esac
case "$accel" in
tcg) accel_args=(-accel "tcg,thread=${CSD_TCG_THREAD:-single}" -cpu max) ;;
kvm) accel_args=(-accel kvm -cpu host) ;;
*) say "CSD_ACCEL must be tcg or kvm"; exit 2 ;;
esac
gdb_args=()
if [ $gdb = 1 ]; then
	gdb_args=(-gdb "tcp::${CSD_GDB_PORT:-1234}")
	append+=" nokaslr"
fi

lba=logical_block_size=4096,physical_block_size=4096
stall_args=()
if [ -n "${CSD_STALL_IOPS:-}" ]; then
	truncate -s 16M "$run/stall.img"
	stall_args=(-drive "file=$run/stall.img,if=none,format=raw,id=stall,throttling.iops-total=$CSD_STALL_IOPS,throttling.iops-total-max=$CSD_STALL_IOPS"
		-device "nvme,serial=csdstall,id=nvme1"
		-device "nvme-ns,drive=stall,bus=nvme1,nsid=1,$lba")
fi
zns_ns="nsid=1,$lba,zoned=true,zoned.zone_size=$zone_size,zoned.zone_capacity=$zone_cap"
# The drive's open and active zone limits (NVMe MOR/MAR): by default as
# many as it has zones, so that they never bind (Linux takes such limits
# as none) while csdctl's report of them is still checked against
# nvme-cli's; none above 4096 zones (Linux 6.12 sizes a mempool of zone
# write plugs by the limit before it drops it: 1M zones WARN in
# page_alloc); and 64-byte zone descriptor extensions (the ZDEV attribute).
nr_zones=$(($(numfmt --from=iec "$zns_size") / $(numfmt --from=iec "$zone_size")))
zone_limit=$nr_zones
[ "$nr_zones" -le 4096 ] || zone_limit=0
zns_ns+=",zoned.max_open=${CSD_ZONE_MAX_OPEN:-$zone_limit}"
zns_ns+=",zoned.max_active=${CSD_ZONE_MAX_ACTIVE:-$zone_limit},zoned.descr_ext_size=64"
conv_ns="nsid=2,$lba"
if [ "${CSD_MULTIPATH:-0}" = 1 ]; then
	# Two controllers in one subsystem; namespaces without a bus are
	# the subsystem's, attached to (shared by) both controllers.
	nvme_args=(-device "nvme-subsys,id=csdsubsys,nqn=nqn.2026-12.csd:subsys"
		-device "nvme,serial=csd0001,id=nvme0,subsys=csdsubsys"
		-device "nvme,serial=csd0001,id=nvme0b,subsys=csdsubsys"
		-device "nvme-ns,drive=zns,$zns_ns"
		-device "nvme-ns,drive=conv,$conv_ns")
else
	nvme_args=(-device "nvme,serial=csd0001,id=nvme0"
		-device "nvme-ns,drive=zns,bus=nvme0,$zns_ns"
		-device "nvme-ns,drive=conv,bus=nvme0,$conv_ns")
fi
qemu=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
	"${accel_args[@]}" -smp "$cpus" -m "$mem"
	-kernel "$kc/vmlinuz" -initrd "$run/initrd" -append "$append"
	-serial "file:$console" -serial "file:$out"
	-drive "file=$run/zns.img,if=none,format=raw,id=zns"
	-drive "file=$run/conv.img,if=none,format=raw,id=conv"
	"${nvme_args[@]}"
	"${stall_args[@]}" "${gdb_args[@]}")
# shellcheck disable=SC2206
[ -n "${CSD_QEMU_EXTRA:-}" ] && qemu+=($CSD_QEMU_EXTRA)

start=$(date +%s)
timeout -k 5 "$timeout" "${qemu[@]}" < /dev/null &
qpid=$!
tail -n +1 -F --pid=$qpid "$out" 2>/dev/null | grep -av --line-buffered "^CSD-EXIT-$nonce: " || true
qrc=0
wait $qpid || qrc=$?
qpid=
secs=$(( $(date +%s) - start ))

# A failed guest's console log, kept beside the next guest's (which
# reuses console.log): console.fail.<time>.log.
keep_console() {
	local kept
	kept=$dir/console.fail.$(date +%Y%m%d-%H%M%S).$$.log
	cp "$console" "$kept" 2>/dev/null && say "console log kept: $kept"
}

splat_re='WARNING:|BUG:|Oops|Kernel panic|general protection fault|possible recursive locking|possible circular locking|inconsistent lock state|possible irq lock inversion|ODEBUG:|DEBUG_LOCKS_WARN_ON|non-static key|Poison overwritten|Redzone|INFO: task .* blocked for more than|hung_task|soft lockup|UBSAN:|KASAN:|BUG [^ ]+ \('
splats=$(grep -aE "$splat_re" "$console" || true)

marker=$(grep -a "^CSD-EXIT-$nonce: " "$out" | tail -n1 || true)
if [ -z "$marker" ]; then
	if [ $qrc = 124 ] || [ $qrc = 137 ]; then
		say "FAIL: the guest did not finish within ${timeout}s"
	elif grep -aq "Kernel panic" "$console"; then
		say "FAIL: the guest kernel panicked"
	else
		say "FAIL: the guest stopped before the script finished (qemu exit $qrc)"
	fi
	say "last lines of the console log $console:"
	tail -n 40 "$console" | sed 's/^/  | /' >&2
	keep_console
	exit 125
fi
rc=${marker##*: }
rc=${rc//[^0-9]/}
say "guest finished in ${secs}s, script exit status $rc; console log: $console"

if [ -n "$splats" ]; then
	say "the guest kernel log has warnings or errors:"
	echo "$splats" | sed 's/^/  | /' >&2
	if [ $check_dmesg = 1 ]; then
		say "FAIL: kernel log not clean (see $console)"
		[ "$rc" = 0 ] && rc=1
	fi
fi
[ "$rc" = 0 ] || keep_console
exit "$rc"
