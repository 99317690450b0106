#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Write nvme_layout.h: the offsets csd reads in nvme-core's private
# struct nvme_request (drivers/nvme/host/nvme.h), taken from the BTF of
# the nvme-core.ko that belongs to the kernel csd is built for. No guess:
# without that BTF the build stops.
#
#   gen-nvme-layout.sh KDIR KVER OUT
set -euo pipefail
kdir=$1 kver=$2 out=$3

die() { echo "csd: $*" >&2; exit 1; }

cands=()
[ -n "${CSD_NVME_CORE_KO:-}" ] && cands+=("$CSD_NVME_CORE_KO")
for d in "/lib/modules/$kver/kernel/drivers/nvme/host" \
	 "${CSD_CACHE:-$HOME/.cache/csd}/$kver/image/lib/modules/$kver/kernel/drivers/nvme/host"; do
	cands+=("$d/nvme-core.ko" "$d/nvme-core.ko.xz" "$d/nvme-core.ko.zst" "$d/nvme-core.ko.gz")
done
ko=
for c in "${cands[@]}"; do
	[ -f "$c" ] && { ko=$c; break; }
done
[ -n "$ko" ] || die "nvme-core.ko for $kver not found (looked in /lib/modules/$kver and the csd cache; set CSD_NVME_CORE_KO)"
command -v bpftool > /dev/null || die "bpftool not found (make deps)"

tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.ko" "$tmp.base" "$tmp.vmlinux" "$tmp.btf"' EXIT

# The kernel's own BTF, the base of nvme-core.ko's: the headers' vmlinux
# (Debian 6.12 ships a BTF-only one), the running kernel's if it is the
# one built for, or the .BTF section of the kernel image (Debian 6.1's
# headers have no vmlinux), decompressed as scripts/extract-vmlinux does.
from_image() {
	local img=$1 m unz magic rest off
	# decompressor, magic (tr's octal escapes), a stand-in for all but
	# the magic's first byte: tr makes the first byte a newline and the
	# rest the stand-in, and grep finds line starts (no grep -P needed).
	for m in "xz \\3757zXZ\\000 abcde" "zstd \\050\\265\\057\\375 abc" "gzip \\037\\213\\010 ab"; do
		read -r unz magic rest <<< "$m"
		command -v "$unz" > /dev/null || continue
		for off in $(tr "$magic\n$rest" "\n$rest=" < "$img" | LC_ALL=C grep -abo "^$rest" | cut -d: -f1); do
			tail -c+"$off" "$img" | "$unz" -dc > "$tmp.vmlinux" 2> /dev/null
			if objcopy -O binary --only-section=.BTF "$tmp.vmlinux" "$tmp.btf" 2> /dev/null &&
			   [ -s "$tmp.btf" ]; then
				echo "$tmp.btf"
				return
			fi
		done
	done
}
base=
if [ -f "$kdir/vmlinux" ]; then
	base=$kdir/vmlinux
elif [ "$(uname -r)" = "$kver" ] && [ -f /sys/kernel/btf/vmlinux ]; then
	base=/sys/kernel/btf/vmlinux
else
	for img in "/boot/vmlinuz-$kver" "${CSD_CACHE:-$HOME/.cache/csd}/$kver/vmlinuz"; do
		[ -f "$img" ] || continue
		base=$(from_image "$img")
		[ -n "$base" ] && break
	done
fi
[ -n "$base" ] || die "no BTF of $kver itself: $kdir/vmlinux, /sys/kernel/btf/vmlinux (when running $kver) and the .BTF of /boot/vmlinuz-$kver are all missing"
rm -f "$tmp.vmlinux"
case "$ko" in
*.xz) xz -dc "$ko" > "$tmp.ko" ;;
*.zst) zstd -qdc "$ko" > "$tmp.ko" ;;
*.gz) gzip -dc "$ko" > "$tmp.ko" ;;
*) cp "$ko" "$tmp.ko" ;;
esac
bpftool -B "$base" btf dump file "$tmp.ko" > "$tmp" 2>/dev/null ||
	die "cannot read the BTF of $ko"
# The base types too: a member's array type may be vmlinux's.
bpftool btf dump file "$base" > "$tmp.base" 2>/dev/null ||
	die "cannot read the BTF of $base"

# member STRUCT FIELD: the byte offset of FIELD in STRUCT
member() {
	awk -v s="'$1'" -v m="'$2'" '
		$2 == "STRUCT" && $3 == s { in_s = 1; next }
		in_s && /^\[/ { exit }
		in_s && $1 == m { sub("bits_offset=", "", $3); print $3 / 8; exit }
	' "$tmp"
}
# nelems STRUCT FIELD: the number of elements of array FIELD in STRUCT
nelems() {
	local id
	id=$(awk -v s="'$1'" -v m="'$2'" '
		$2 == "STRUCT" && $3 == s { in_s = 1; next }
		in_s && /^\[/ { exit }
		in_s && $1 == m { sub("type_id=", "", $2); print $2; exit }
	' "$tmp")
	[ -n "$id" ] || return 0
	awk -v id="[$id]" '
		$1 == id && $2 == "ARRAY" { sub("nr_elems=", "", $NF); print $NF; exit }
	' "$tmp" "$tmp.base"
}
cmd=$(member nvme_request cmd) retries=$(member nvme_request retries)
status=$(member nvme_request status) ctrl=$(member nvme_request ctrl)
instance=$(member nvme_ctrl instance)
genctr=$(member nvme_request genctr) ns_ctrl=$(member nvme_ns ctrl)
admin_q=$(member nvme_ctrl admin_q)
# Who a namespace is, whatever its controller is called: the subsystem's
# NQN and the controller's ID in it (parked epochs are matched by them).
ctrl_subsys=$(member nvme_ctrl subsys) cntlid=$(member nvme_ctrl cntlid)
subnqn=$(member nvme_subsystem subnqn) subnqn_len=$(nelems nvme_subsystem subnqn)
[ -n "$ctrl_subsys" ] && [ -n "$cntlid" ] ||
	die "struct nvme_ctrl in $ko lacks subsys or cntlid"
[ -n "$subnqn" ] && [ -n "$subnqn_len" ] ||
	die "struct nvme_subsystem in $ko lacks the array subnqn"
# Multipath heads (CONFIG_NVME_MULTIPATH); -1 where nvme-core has none.
ns_head=$(member nvme_ns head) head_disk=$(member nvme_ns_head disk)
[ -n "$ns_head" ] || die "struct nvme_ns in $ko lacks head"
[ -n "$head_disk" ] || head_disk=-1
[ -n "$admin_q" ] || die "struct nvme_ctrl in $ko lacks admin_q"
[ -n "$genctr" ] || die "struct nvme_request in $ko lacks genctr"
[ -n "$ns_ctrl" ] || die "struct nvme_ns in $ko lacks ctrl"
[ -n "$cmd" ] && [ -n "$retries" ] && [ -n "$status" ] && [ -n "$ctrl" ] ||
	die "struct nvme_request in $ko lacks cmd, retries, status or ctrl"
[ -n "$instance" ] || die "struct nvme_ctrl in $ko lacks instance"
# A namespace's disk found at load, before any command (discover.c): its
# struct nvme_ns must point back to the disk and its queue, its controller
# own the queue's tag set; the namespace ID is its head's.
ns_queue=$(member nvme_ns queue) ns_disk=$(member nvme_ns disk)
ctrl_tagset=$(member nvme_ctrl tagset) head_nsid=$(member nvme_ns_head ns_id)
[ -n "$ns_queue" ] && [ -n "$ns_disk" ] ||
	die "struct nvme_ns in $ko lacks queue or disk"
[ -n "$ctrl_tagset" ] || die "struct nvme_ctrl in $ko lacks tagset"
[ -n "$head_nsid" ] || die "struct nvme_ns_head in $ko lacks ns_id"

cat > "$out.tmp" <<EOT
/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generated by gen-nvme-layout.sh from the BTF of
 * $ko
 */
#ifndef _CSD_NVME_LAYOUT_H
#define _CSD_NVME_LAYOUT_H
#define CSD_NVME_REQ_CMD_OFF		$cmd
#define CSD_NVME_REQ_RETRIES_OFF	$retries
#define CSD_NVME_REQ_STATUS_OFF		$status
#define CSD_NVME_REQ_CTRL_OFF		$ctrl
#define CSD_NVME_CTRL_INSTANCE_OFF	$instance
#define CSD_NVME_REQ_GENCTR_OFF		$genctr
#define CSD_NVME_NS_CTRL_OFF		$ns_ctrl
#define CSD_NVME_CTRL_ADMIN_Q_OFF	$admin_q
#define CSD_NVME_NS_HEAD_OFF		$ns_head
#define CSD_NVME_HEAD_DISK_OFF		$head_disk
#define CSD_NVME_CTRL_SUBSYS_OFF	$ctrl_subsys
#define CSD_NVME_CTRL_CNTLID_OFF	$cntlid
#define CSD_NVME_SUBSYS_NQN_OFF		$subnqn
#define CSD_NVME_SUBSYS_NQN_LEN		$subnqn_len
#define CSD_NVME_NS_QUEUE_OFF		$ns_queue
#define CSD_NVME_NS_DISK_OFF		$ns_disk
#define CSD_NVME_CTRL_TAGSET_OFF	$ctrl_tagset
#define CSD_NVME_HEAD_NSID_OFF		$head_nsid
#define CSD_NVME_LAYOUT_KVER		"$kver"
#endif
EOT
if cmp -s "$out.tmp" "$out"; then
	rm -f "$out.tmp"
else
	mv "$out.tmp" "$out"
fi
