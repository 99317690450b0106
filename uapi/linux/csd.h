/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * csd: NVMe/ZNS latency accounting and BPF offload - user ABI.
 *
 * All ioctls are issued on /dev/csd. Every argument struct starts with
 * "__u32 size" and "__u32 flags":
 *
 *  - size: in, the size of the struct as the caller knows it. The kernel
 *    accepts any size from the struct's smallest size (CSD_*_SIZE_VER0)
 *    up: fields the caller does not pass are treated as zero, and a caller
 *    struct that is larger than the kernel's must have only zero bytes past
 *    the kernel's end, else the ioctl fails with E2BIG. On return, size
 *    holds the kernel's struct size (CSD_*_SIZE_VER<latest>); only
 *    min(caller size, kernel size) bytes were written back. A new field is
 *    only ever appended, with a new CSD_*_SIZE_VER<n>.
 *  - flags: in, CSD_*_F_* bits; unknown bits fail with EINVAL.
 *  - reserved and pad fields must be zero (EINVAL otherwise); the kernel
 *    writes them back as zero. Fields documented as "out" only are
 *    ignored on input, so a struct can be passed again as returned.
 *
 * The size bits encoded in the ioctl numbers are those of the ABI 1
 * structs. The kernel ignores them and uses the size field, so a caller
 * built against a newer header keeps working on an older kernel and vice
 * versa. Unknown ioctl numbers fail with ENOTTY. Pointers are passed as
 * __u64 (u64_to_user_ptr()); a bad pointer fails with EFAULT.
 *
 * Errors, in the order they are checked: EFAULT (argument not readable),
 * EINVAL (size below CSD_*_SIZE_VER0), E2BIG (caller struct larger than
 * the kernel's with non-zero bytes in the tail), EINVAL (unknown flags,
 * non-zero reserved fields, bad ranges), EFAULT (a pointer inside the
 * struct is bad). Nothing changes in the kernel when an ioctl fails.
 */
#ifndef _UAPI_LINUX_CSD_H
#define _UAPI_LINUX_CSD_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped only for incompatible changes; extensions use the size field. */
#define CSD_ABI_VERSION		1

#define CSD_DEVICE_NAME		"csd"
#define CSD_DEVICE_PATH		"/dev/csd"

#define CSD_NAME_LEN		32
#define CSD_RELEASE_LEN		64

/* struct csd_info.features */
#define CSD_FEAT_NVME_HOOKS	_BITULL(0)	/* NVMe tracepoints attached */
#define CSD_FEAT_ZONED		_BITULL(1)	/* built with BLK_DEV_ZONED */
#define CSD_FEAT_MODULE_BTF	_BITULL(2)	/* csd.ko was built with BTF */
#define CSD_FEAT_BPF		_BITULL(3)	/* BPF struct_ops and kfuncs */

/**
 * struct csd_info - argument of CSD_IOC_GET_INFO: discovery.
 * @size: in: caller's struct size; out: kernel's struct size.
 * @flags: in: must be 0.
 * @abi_version: out: CSD_ABI_VERSION of the running module.
 * @nr_namespaces: out: namespaces csd tracks right now.
 * @features: out: CSD_FEAT_* bits.
 * @admin_submitted: out: admin (and fabrics) commands submitted, all
 *	controllers. These are never counted as namespace I/O.
 * @admin_completed: out: admin (and fabrics) commands completed.
 * @untracked: out: I/O commands csd could not attribute to a namespace
 *	(its per-namespace state could not be allocated). Zero in a healthy
 *	system; never hidden.
 * @hook_attached: out: number of NVMe tracepoints csd is attached to now
 *	(2 while nvme-core is loaded, 0 otherwise).
 * @reserved0: out: zero.
 * @kernel_release: out: NUL-terminated release of the kernel csd.ko was
 *	built for (UTS_RELEASE), e.g. "6.12.117+deb12-amd64".
 * @module_version: out: NUL-terminated csd module version.
 * @reserved: in and out: must be zero.
 */
struct csd_info {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 nr_namespaces;
	__u64 features;
	__u64 admin_submitted;
	__u64 admin_completed;
	__u64 untracked;
	__u32 hook_attached;
	__u32 reserved0;
	char kernel_release[CSD_RELEASE_LEN];
	char module_version[CSD_NAME_LEN];
	__u64 reserved[8];
};

#define CSD_INFO_SIZE_VER0	24	/* size .. features: the least accepted */
#define CSD_INFO_SIZE_VER1	216	/* all of the above (ABI 1) */

/* struct csd_ns_entry.flags */
#define CSD_NS_F_ZONED		_BITUL(0)	/* host-managed zoned (ZNS) */
#define CSD_NS_F_DEAD		_BITUL(1)	/* disk removed; entry goes soon */

/**
 * struct csd_ns_entry - one namespace in CSD_IOC_LIST_NS's array.
 * @id: csd's id for this namespace, unique while csd is loaded; a
 *	namespace that is removed and added again gets a new id.
 * @nsid: NVMe namespace id (from the commands' nsid field).
 * @disk: NUL-terminated block disk name, e.g. "nvme0n1" (or "nvme0c0n1"
 *	for a multipath path device).
 * @ctrl: NUL-terminated controller device name, e.g. "nvme0".
 * @flags: CSD_NS_F_* bits.
 * @lba_shift: log2 of the logical block size in bytes.
 * @capacity: capacity in 512-byte sectors.
 * @zone_sectors: zone size in 512-byte sectors, 0 if not zoned.
 * @nr_zones: number of zones, 0 if not zoned.
 * @submitted: commands submitted to this namespace's queue (every
 *	dispatch to the driver counts once, including passthrough).
 * @completed: commands completed on this namespace's queue.
 * @reserved: zero.
 *
 * submitted - completed is the number of commands in flight, give or take
 * those that were in flight when csd was attached.
 */
struct csd_ns_entry {
	__u32 id;
	__u32 nsid;
	char disk[CSD_NAME_LEN];
	char ctrl[CSD_NAME_LEN];
	__u32 flags;
	__u32 lba_shift;
	__u64 capacity;
	__u64 zone_sectors;
	__u64 nr_zones;
	__u64 submitted;
	__u64 completed;
	__u64 reserved[4];
};

#define CSD_NS_ENTRY_SIZE_VER0	120	/* id .. completed: the least accepted */
#define CSD_NS_ENTRY_SIZE_VER1	152	/* all of the above (ABI 1) */

/**
 * struct csd_ns_list - argument of CSD_IOC_LIST_NS.
 * @size: in: caller's struct size; out: kernel's struct size.
 * @flags: in: must be 0.
 * @count: in: number of entries the buffer at @entries holds (may be 0 to
 *	ask for @total only); out: entries written.
 * @total: out: namespaces tracked (ignored on input). When @total >
 *	@count, call again with a larger buffer.
 * @entry_size: in: size of one entry as the caller knows it, at least
 *	CSD_NS_ENTRY_SIZE_VER0 and at most 4096 (EINVAL otherwise); out:
 *	kernel's entry size. The
 *	caller's array has a stride of @entry_size; each entry gets
 *	min(@entry_size, kernel's) bytes, the rest of it is zeroed.
 * @pad: must be zero.
 * @entries: in: user pointer to @count entries, sorted by @id on return.
 * @reserved: must be zero.
 */
struct csd_ns_list {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 total;
	__u32 entry_size;
	__u32 pad;
	__u64 entries;
	__u64 reserved[4];
};

#define CSD_NS_LIST_SIZE_VER0	32	/* size .. entries: the least accepted */
#define CSD_NS_LIST_SIZE_VER1	64	/* all of the above (ABI 1) */

#define CSD_IOC_MAGIC		0xC5

/* Discovery: ABI version, features, kernel, global counters. */
#define CSD_IOC_GET_INFO	_IOWR(CSD_IOC_MAGIC, 0x00, struct csd_info)
/* The namespaces csd tracks, with their counters. */
#define CSD_IOC_LIST_NS		_IOWR(CSD_IOC_MAGIC, 0x01, struct csd_ns_list)

#endif /* _UAPI_LINUX_CSD_H */
