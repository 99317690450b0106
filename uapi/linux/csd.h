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
 * non-zero reserved fields, bad sizes inside the struct), ENODEV (no such
 * namespace), ERANGE (zone or region out of range), EPERM (a
 * state-changing ioctl without CAP_SYS_ADMIN), EFAULT (a pointer inside
 * the struct is bad). Nothing changes in the kernel when an ioctl fails.
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
/* csd_ns_entry has @early, @unmatched and @stale; geometry changes start epochs */
#define CSD_FEAT_NS_DIAG	_BITULL(4)
/* csd_ns_entry has @requeued: commands set up again are submitted once */
#define CSD_FEAT_NS_REQUEUED	_BITULL(5)
/* struct csd_exec.result_format is the program set's (csd_exec_ops) */
#define CSD_FEAT_EXEC_FORMAT	_BITULL(6)
/*
 * csd.ko was built without BPF programs: its kernel cannot register
 * struct_ops from a module (before 6.9). Without CSD_FEAT_BPF and
 * without this bit, BPF was built in but did not come up (see dmesg).
 */
#define CSD_FEAT_BPF_COMPILED_OUT _BITULL(7)
/*
 * CSD_IOC_CGROUP_STATS exists, trace records carry @cgroup_id and trace
 * opens take CSD_TRACE_F_CGROUP.
 */
#define CSD_FEAT_CGROUP		_BITULL(8)

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
 *	(2 while nvme-core is loaded, 0 otherwise or while detached by the
 *	attach module parameter).
 * @reserved0: out: zero.
 * @kernel_release: out: NUL-terminated release of the kernel csd.ko was
 *	built for (UTS_RELEASE), e.g. "6.12.117+deb12-amd64".
 * @module_version: out: NUL-terminated csd module version.
 * @mem_bytes: out: memory csd holds for its tables, all namespaces, for
 *	the rings of the trace readers open, and for offload executions
 *	(kept for 2 s after the last one).
 * @nr_cpus: out: CPUs csd keeps per-CPU counters for (nr_cpu_ids).
 * @hist_buckets: out: buckets of a per-opcode latency histogram
 *	(CSD_HIST_BUCKETS).
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
	__u64 mem_bytes;
	__u32 nr_cpus;
	__u32 hist_buckets;
	__u64 reserved[8];
};

#define CSD_INFO_SIZE_VER0	24	/* size .. features: the least accepted */
#define CSD_INFO_SIZE_VER1	232	/* all of the above (ABI 1) */

/* struct csd_ns_entry.flags */
#define CSD_NS_F_ZONED		_BITUL(0)	/* host-managed zoned (ZNS) */
#define CSD_NS_F_DEAD		_BITUL(1)	/* disk removed; entry goes soon */
#define CSD_NS_F_DISABLED	_BITUL(2)	/* tracking off (CSD_IOC_CONFIG) */
#define CSD_NS_F_PENDING	_BITUL(3)	/* tables (or new geometry's) not ready */
#define CSD_NS_F_ADMIN		_BITUL(4)	/* a controller's admin queue */
/* zoned, with more zones than CSD_REGIONS_MAX: each region is 2^k zones */
#define CSD_NS_F_FOLDED		_BITUL(5)

/**
 * struct csd_ns_entry - one namespace in CSD_IOC_LIST_NS's array, or, with
 * CSD_NS_F_ADMIN, one controller's admin queue: then @disk is empty, @nsid
 * is 0, and its statistics (CSD_IOC_NS_STATS) have one CSD_OP_OTHER row
 * per admin opcode, with latency sum, min and max but no percentiles.
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
 *	dispatch to the driver counts once, including passthrough and
 *	retries) since csd saw the namespace or since the last reset.
 * @completed: of those, commands completed.
 * @aborted: of those, commands that left the driver without a completion
 *	(failed in the driver after setup; csd sees their tag reused).
 * @region_sectors: size of a zone, or of an accounting region on a
 *	conventional namespace (a power of two), in 512-byte sectors. On a
 *	zoned namespace with more than CSD_REGIONS_MAX zones, 2^k zones
 *	(CSD_NS_F_FOLDED): the per-zone statistics, zone indices included
 *	(ZONE_STATS, trace records, BPF contexts), are then per region.
 * @nr_regions: zones or regions csd keeps per-zone statistics for; at
 *	most CSD_REGIONS_MAX.
 * @mem_bytes: memory csd holds for this namespace.
 * @early: commands submitted while csd could not time them: the tables
 *	were not allocated yet (the namespace's or a new hardware queue's
 *	first command, an allocation failure), or the namespace's geometry
 *	had just changed and its new epoch was not made yet. Not part of
 *	@submitted. Since csd saw the namespace or since the last reset.
 * @unmatched: completions of commands csd did not see submitted (early
 *	ones, or ones nvme-core completes without setting them up: host path
 *	errors, once per retry). Not the completions of commands the block
 *	layer stamped before csd attached, or while it detached (the attach
 *	module parameter); those it did not stamp (iostats off, its flush
 *	requests) in flight when csd attaches are. Not part of @completed.
 * @stale: completions of commands submitted in an earlier epoch (before
 *	a reset, a region change or a geometry change). Not part of
 *	@completed.
 * @requeued: setups of a command that nvme-core had already set up and
 *	that never reached the device: the setup or the driver's DMA
 *	mapping failed after csd saw it (BLK_STS_RESOURCE) and blk-mq
 *	dispatched it again. Such a command is part of @submitted once,
 *	however often it is set up. Since csd saw the namespace or since
 *	the last reset.
 *
 * In flight = submitted - completed - aborted. Commands that were already
 * in flight when csd attached are not counted at all.
 *
 * A change of the namespace's size or block size (a resize, a format)
 * starts a new epoch, as a reset does: @capacity, @lba_shift, the zones
 * or regions and every count then describe the new geometry.
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
	__u64 aborted;
	__u64 region_sectors;
	__u64 nr_regions;
	__u64 mem_bytes;
	__u64 early;
	__u64 unmatched;
	__u64 stale;
	__u64 requeued;
};

#define CSD_NS_ENTRY_SIZE_VER0	120	/* id .. completed: the least accepted */
#define CSD_NS_ENTRY_SIZE_VER1	184	/* all of the above (ABI 1) */

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

/*
 * Operation classes: the rows of csd's tables. Zone management send is
 * split by zone send action; every opcode csd does not name is
 * CSD_OP_OTHER, and keeps its opcode in the statistics rows.
 */
enum csd_op {
	CSD_OP_READ		= 0,
	CSD_OP_WRITE		= 1,
	CSD_OP_APPEND		= 2,	/* zone append */
	CSD_OP_FLUSH		= 3,
	CSD_OP_WRITE_UNCOR	= 4,	/* write uncorrectable */
	CSD_OP_COMPARE		= 5,
	CSD_OP_WRITE_ZEROES	= 6,
	CSD_OP_DSM		= 7,	/* dataset management */
	CSD_OP_VERIFY		= 8,
	CSD_OP_COPY		= 9,
	CSD_OP_ZONE_CLOSE	= 10,
	CSD_OP_ZONE_FINISH	= 11,
	CSD_OP_ZONE_OPEN	= 12,
	CSD_OP_ZONE_RESET	= 13,
	CSD_OP_ZONE_OFFLINE	= 14,
	CSD_OP_ZONE_SEND_OTHER	= 15,
	CSD_OP_ZONE_RECV	= 16,	/* zone management receive */
	CSD_OP_OTHER		= 17,	/* anything else */
	CSD_OP_NR		= 18,
	CSD_OP_ALL		= 0xffff,	/* CSD_IOC_GET_HIST: every class */
};

/*
 * The operation classes' names (as csdctl and debugfs print them), NVMe
 * opcodes and zone send actions (Zone Management Send's action, which
 * tells its classes apart; 0: none, or any action not listed), indexed by
 * enum csd_op:
 *   static const char *names[CSD_OP_NR] = CSD_OP_NAMES;
 * csd's decoder and its reverse, csdctl and the gdb commands' constants
 * are all made from these three; CSD_OP_OTHER rows carry their own opcode.
 */
#define CSD_OP_NAMES {							\
	[CSD_OP_READ] = "read",		[CSD_OP_WRITE] = "write",	\
	[CSD_OP_APPEND] = "append",	[CSD_OP_FLUSH] = "flush",	\
	[CSD_OP_WRITE_UNCOR] = "write-uncor",				\
	[CSD_OP_COMPARE] = "compare",					\
	[CSD_OP_WRITE_ZEROES] = "write-zeroes",			\
	[CSD_OP_DSM] = "dsm",		[CSD_OP_VERIFY] = "verify",	\
	[CSD_OP_COPY] = "copy",		[CSD_OP_ZONE_CLOSE] = "zone-close", \
	[CSD_OP_ZONE_FINISH] = "zone-finish",				\
	[CSD_OP_ZONE_OPEN] = "zone-open",				\
	[CSD_OP_ZONE_RESET] = "zone-reset",				\
	[CSD_OP_ZONE_OFFLINE] = "zone-offline",			\
	[CSD_OP_ZONE_SEND_OTHER] = "zone-send-other",			\
	[CSD_OP_ZONE_RECV] = "zone-recv",	[CSD_OP_OTHER] = "other",	\
}

#define CSD_OP_OPCODES {						\
	[CSD_OP_READ] = 0x02,		[CSD_OP_WRITE] = 0x01,		\
	[CSD_OP_APPEND] = 0x7d,		[CSD_OP_FLUSH] = 0x00,		\
	[CSD_OP_WRITE_UNCOR] = 0x04,	[CSD_OP_COMPARE] = 0x05,	\
	[CSD_OP_WRITE_ZEROES] = 0x08,	[CSD_OP_DSM] = 0x09,		\
	[CSD_OP_VERIFY] = 0x0c,		[CSD_OP_COPY] = 0x19,		\
	[CSD_OP_ZONE_CLOSE] = 0x79,	[CSD_OP_ZONE_FINISH] = 0x79,	\
	[CSD_OP_ZONE_OPEN] = 0x79,	[CSD_OP_ZONE_RESET] = 0x79,	\
	[CSD_OP_ZONE_OFFLINE] = 0x79,	[CSD_OP_ZONE_SEND_OTHER] = 0x79, \
	[CSD_OP_ZONE_RECV] = 0x7a,	[CSD_OP_OTHER] = 0x00,		\
}

#define CSD_OP_ZONE_ACTIONS {						\
	[CSD_OP_ZONE_CLOSE] = 1,	[CSD_OP_ZONE_FINISH] = 2,	\
	[CSD_OP_ZONE_OPEN] = 3,		[CSD_OP_ZONE_RESET] = 4,	\
	[CSD_OP_ZONE_OFFLINE] = 5,					\
}

/*
 * Size classes: bytes a command addresses (number of logical blocks times
 * the block size; 0 for commands without an LBA range).
 */
enum csd_size_class {
	CSD_SZ_NONE	= 0,	/* 0 bytes */
	CSD_SZ_4K	= 1,	/* 1 B .. 4 KiB */
	CSD_SZ_16K	= 2,	/* .. 16 KiB */
	CSD_SZ_64K	= 3,	/* .. 64 KiB */
	CSD_SZ_256K	= 4,	/* .. 256 KiB */
	CSD_SZ_1M	= 5,	/* .. 1 MiB */
	CSD_SZ_BIG	= 6,	/* more than 1 MiB */
	CSD_SZ_NR	= 7,
	CSD_SZ_ALL	= 0xffff,	/* CSD_IOC_GET_HIST: every class */
};

/* The size classes' names, in enum csd_size_class order. */
#define CSD_SZ_NAMES { "-", "<=4K", "<=16K", "<=64K", "<=256K", "<=1M", ">1M" }

/*
 * Latency histograms are log-linear, in nanoseconds. A layout has a first
 * octave shift F, sub-bucket bits B and the last octave 2^CSD_HIST_MAX_SHIFT:
 *
 *   buckets 0 .. 2^B - 1      split [0, 2^F) evenly
 *   then for each octave k = F .. CSD_HIST_MAX_SHIFT - 1,
 *             2^B buckets     split [2^k, 2^(k+1)) evenly
 *   last bucket               [2^CSD_HIST_MAX_SHIFT, infinity)
 *
 * Per-opcode histograms: F = B = 6, 1985 buckets, 1 ns wide below 64 ns,
 * and no wider than 1/64 of their lower bound above: a bucket's midpoint is
 * within 0.8% of any value in it, from 64 ns to 68.7 s. Per-zone
 * histograms: F = 10, B = 1, 55 buckets: within 25% from 1 us.
 */
#define CSD_HIST_MAX_SHIFT	36
#define CSD_HIST_FIRST_SHIFT	6
#define CSD_HIST_SUB_BITS	6
#define CSD_HIST_BUCKETS	((1 << CSD_HIST_SUB_BITS) * \
				 (CSD_HIST_MAX_SHIFT - CSD_HIST_FIRST_SHIFT + 1) + 1)
#define CSD_ZHIST_FIRST_SHIFT	10
#define CSD_ZHIST_SUB_BITS	1
#define CSD_ZHIST_BUCKETS	((1 << CSD_ZHIST_SUB_BITS) * \
				 (CSD_HIST_MAX_SHIFT - CSD_ZHIST_FIRST_SHIFT + 1) + 1)

/* Percentiles reported in struct csd_stat_row.pct_ns, in this order. */
#define CSD_PCT_NR		5	/* p50, p90, p99, p99.9, p99.99 */
/* Each percentile as a fraction: num / den of the commands lie at or below. */
#define CSD_PCT_NUM		{ 50, 90, 99, 999, 9999 }
#define CSD_PCT_DEN		{ 100, 100, 100, 1000, 10000 }

/* struct csd_stat_row.flags */
#define CSD_ROW_F_HIST		_BITUL(0)	/* pct_ns valid (histogram kept) */

/**
 * struct csd_stat_row - one (operation class, size class) row.
 * @op: CSD_OP_*.
 * @size_class: CSD_SZ_*.
 * @opcode: the NVMe opcode; for CSD_OP_OTHER rows, the opcode the row
 *	counts (CSD_OP_OTHER has one row per opcode, size class CSD_SZ_NONE,
 *	and only @count, @bytes, @errors).
 * @pad: zero.
 * @flags: CSD_ROW_F_*.
 * @count: commands completed.
 * @bytes: bytes those commands addressed.
 * @errors: of those, completed with a non-zero NVMe status.
 * @retries: of those, dispatches that were retries of a failed command.
 * @unbinned: completions counted here but not in the histogram (it was
 *	still being allocated: the first commands of a row).
 * @lat_sum_ns: sum of latencies (submission to completion), for the mean.
 * @lat_min_ns: smallest latency.
 * @lat_max_ns: largest latency.
 * @pct_ns: p50, p90, p99, p99.9 and p99.99 latency, each the midpoint of
 *	the histogram bucket holding that rank (see CSD_HIST_*).
 * @reserved: zero.
 */
struct csd_stat_row {
	__u16 op;
	__u8 size_class;
	__u8 opcode;
	__u32 flags;
	__u64 count;
	__u64 bytes;
	__u64 errors;
	__u64 retries;
	__u64 unbinned;
	__u64 lat_sum_ns;
	__u64 lat_min_ns;
	__u64 lat_max_ns;
	__u64 pct_ns[CSD_PCT_NR];
	__u64 reserved[2];
};

#define CSD_STAT_ROW_SIZE_VER0	128

/**
 * struct csd_status_entry - commands completed with one NVMe status.
 * @op: CSD_OP_* of the commands.
 * @opcode: their NVMe opcode.
 * @pad: zero.
 * @status: status code type and status code: (SCT << 8) | SC.
 * @pad2: zero.
 * @count: number of completions with that status.
 */
struct csd_status_entry {
	__u16 op;
	__u8 opcode;
	__u8 pad;
	__u16 status;
	__u16 pad2;
	__u64 count;
};

#define CSD_STATUS_ENTRY_SIZE_VER0	16

/**
 * struct csd_ns_stats - argument of CSD_IOC_NS_STATS: a namespace's
 * statistics rows and error statuses.
 * @size: in: caller's struct size; out: kernel's.
 * @flags: in: must be 0.
 * @ns_id: in: the namespace, as csd_ns_entry.id (ENODEV if unknown).
 * @row_count: in: rows the buffer at @rows holds; out: rows written.
 * @row_total: out: rows the namespace has (only rows with commands).
 * @row_size: in: caller's struct csd_stat_row size (at least
 *	CSD_STAT_ROW_SIZE_VER0, at most 4096); out: kernel's.
 * @rows: in: user pointer to @row_count rows of @row_size bytes.
 * @status_count: in: entries the buffer at @statuses holds; out: written.
 * @status_total: out: distinct (opcode, status) pairs seen.
 * @status_size: in: caller's struct csd_status_entry size (at least
 *	CSD_STATUS_ENTRY_SIZE_VER0, at most 4096); out: kernel's.
 * @pad: zero.
 * @statuses: in: user pointer to @status_count entries.
 * @submitted: out: as csd_ns_entry.submitted.
 * @completed: out: as csd_ns_entry.completed.
 * @aborted: out: as csd_ns_entry.aborted.
 * @errors_other: out: errors not in @statuses (the status table was full).
 * @since_ns: out: CLOCK_MONOTONIC time counting started (namespace seen
 *	or last reset), for rates.
 * @now_ns: out: CLOCK_MONOTONIC time of this snapshot.
 * @zone_unbinned: out: completions counted in the rows but in no zone:
 *	they came before the zone table existed (a namespace with many zones
 *	gets it from a work item right after csd first sees it).
 * @dropped: out: completions a completion program dropped from the rows
 *	and zones (CSD_BPF_DROP); still counted in @completed.
 * @class_count: out: completions a completion program put in class 1..8
 *	(index 0 is class 1).
 * @class_lat_sum_ns: out: the sum of their latencies, per class.
 * @reserved: zero.
 */
struct csd_ns_stats {
	__u32 size;
	__u32 flags;
	__u32 ns_id;
	__u32 row_count;
	__u32 row_total;
	__u32 row_size;
	__u64 rows;
	__u32 status_count;
	__u32 status_total;
	__u32 status_size;
	__u32 pad;
	__u64 statuses;
	__u64 submitted;
	__u64 completed;
	__u64 aborted;
	__u64 errors_other;
	__u64 since_ns;
	__u64 now_ns;
	__u64 zone_unbinned;
	__u64 reserved[5];
	__u64 dropped;
	__u64 class_count[8];
	__u64 class_lat_sum_ns[8];
};

#define CSD_NS_STATS_SIZE_VER0	152	/* size .. reserved */
#define CSD_NS_STATS_SIZE_VER1	288	/* .. class_lat_sum_ns */

/* struct csd_hist.flags */
#define CSD_HIST_F_ZONE		_BITUL(0)	/* one zone's histogram */

/**
 * struct csd_hist - argument of CSD_IOC_GET_HIST: a latency histogram.
 * @size: in: caller's struct size; out: kernel's.
 * @flags: in: CSD_HIST_F_*.
 * @ns_id: in: the namespace (ENODEV if unknown).
 * @op: in: CSD_OP_* or CSD_OP_ALL. With CSD_HIST_F_ZONE: CSD_OP_READ,
 *	CSD_OP_WRITE, CSD_OP_APPEND or CSD_OP_ALL.
 * @size_class: in: CSD_SZ_* or CSD_SZ_ALL; CSD_SZ_ALL with a zone.
 * @zone: in: zone (or region) index, with CSD_HIST_F_ZONE (ERANGE past
 *	the last one).
 * @nr_buckets: in: __u64 slots at @buckets (0 asks for the layout only);
 *	out: buckets of the layout. EINVAL if in > 0 and less than out.
 * @first_shift: out: the layout's F (see CSD_HIST_*).
 * @sub_bits: out: the layout's B.
 * @max_shift: out: CSD_HIST_MAX_SHIFT.
 * @buckets: in: user pointer to @nr_buckets __u64 counts.
 * @count: out: sum of the buckets.
 * @reserved: zero.
 */
struct csd_hist {
	__u32 size;
	__u32 flags;
	__u32 ns_id;
	__u32 op;
	__u32 size_class;
	__u32 zone;
	__u32 nr_buckets;
	__u32 first_shift;
	__u32 sub_bits;
	__u32 max_shift;
	__u64 buckets;
	__u64 count;
	__u64 reserved[4];
};

#define CSD_HIST_SIZE_VER0	88

/* Per-zone I/O classes in struct csd_zone_entry.io and zone histograms. */
#define CSD_ZIO_READ		0
#define CSD_ZIO_WRITE		1
#define CSD_ZIO_APPEND		2
#define CSD_ZIO_NR		3

/**
 * struct csd_zone_io - one I/O class of one zone.
 * @count: commands completed.
 * @bytes: bytes they addressed.
 * @lat_sum_ns: sum of their latencies.
 * @lat_max_ns: largest latency.
 * @p99_ns: 99th percentile latency (per-zone precision: within 25%).
 */
struct csd_zone_io {
	__u64 count;
	__u64 bytes;
	__u64 lat_sum_ns;
	__u64 lat_max_ns;
	__u64 p99_ns;
};

/**
 * struct csd_zone_entry - one zone, or one region of a conventional
 * namespace.
 * @index: zone (region) index.
 * @pad: zero.
 * @start_sector: first 512-byte sector.
 * @io: read, write and append (CSD_ZIO_*).
 * @opens: zone open actions (explicit).
 * @closes: zone close actions.
 * @finishes: zone finish actions.
 * @resets: zone reset actions.
 * @offlines: zone offline actions.
 * @errors: commands on this zone that completed with an error status.
 * @reserved: zero.
 *
 * A zone management command with "select all" counts on every zone.
 */
struct csd_zone_entry {
	__u32 index;
	__u32 pad;
	__u64 start_sector;
	struct csd_zone_io io[CSD_ZIO_NR];
	__u32 opens;
	__u32 closes;
	__u32 finishes;
	__u32 resets;
	__u32 offlines;
	__u32 errors;
	__u64 reserved[2];
};

#define CSD_ZONE_ENTRY_SIZE_VER0	176

/**
 * struct csd_zone_stats - argument of CSD_IOC_ZONE_STATS: per-zone (or
 * per-region) statistics, paged.
 * @size: in: caller's struct size; out: kernel's.
 * @flags: in: must be 0.
 * @ns_id: in: the namespace (ENODEV if unknown).
 * @start: in: first zone index (ERANGE if >= @total, unless @count is 0).
 * @count: in: entries the buffer holds; out: entries written.
 * @total: out: zones (regions) of the namespace.
 * @entry_size: in: caller's struct csd_zone_entry size (at least
 *	CSD_ZONE_ENTRY_SIZE_VER0, at most 4096); out: kernel's.
 * @pad: zero.
 * @region_sectors: out: zone or region size in 512-byte sectors.
 * @entries: in: user pointer to @count entries.
 * @reserved: zero.
 */
struct csd_zone_stats {
	__u32 size;
	__u32 flags;
	__u32 ns_id;
	__u32 start;
	__u32 count;
	__u32 total;
	__u32 entry_size;
	__u32 pad;
	__u64 region_sectors;
	__u64 entries;
	__u64 reserved[4];
};

#define CSD_ZONE_STATS_SIZE_VER0	80

/**
 * struct csd_reset - argument of CSD_IOC_RESET: zero a namespace's
 * statistics (all of them with @ns_id 0). Needs CAP_SYS_ADMIN.
 * @size: in: caller's struct size.
 * @flags: in: must be 0.
 * @ns_id: in: the namespace, or 0 for all (ENODEV if unknown).
 * @pad: zero.
 * @reserved: zero.
 *
 * Commands in flight across a reset are not counted in the new epoch.
 */
struct csd_reset {
	__u32 size;
	__u32 flags;
	__u32 ns_id;
	__u32 pad;
	__u64 reserved[4];
};

#define CSD_RESET_SIZE_VER0	48

/* struct csd_config.flags */
#define CSD_CFG_F_REGION	_BITUL(0)	/* set @region_sectors */
#define CSD_CFG_F_ENABLE	_BITUL(1)	/* turn tracking on */
#define CSD_CFG_F_DISABLE	_BITUL(2)	/* turn tracking off */

/* Limits of CSD_IOC_CONFIG's region size. */
#define CSD_REGION_MIN_SECTORS	2048		/* 1 MiB */
#define CSD_REGIONS_MAX		65536

/**
 * struct csd_config - argument of CSD_IOC_CONFIG. Needs CAP_SYS_ADMIN.
 * @size: in: caller's struct size.
 * @flags: in: CSD_CFG_F_* (at least one; ENABLE and DISABLE exclude each
 *	other).
 * @ns_id: in: the namespace (ENODEV if unknown).
 * @pad: zero.
 * @region_sectors: in, with CSD_CFG_F_REGION: the accounting region size
 *	of a conventional namespace in 512-byte sectors: a power of two, at
 *	least CSD_REGION_MIN_SECTORS and the logical block size, at most the
 *	capacity rounded up to a power of two (or the default, if larger),
 *	and giving at most CSD_REGIONS_MAX regions (ERANGE otherwise). Zoned namespaces
 *	keep their zones (EINVAL). Changing it starts a new epoch: all the
 *	namespace's statistics are zeroed, as by CSD_IOC_RESET.
 * @reserved: zero.
 *
 * A disabled namespace is not counted at all until enabled again.
 */
struct csd_config {
	__u32 size;
	__u32 flags;
	__u32 ns_id;
	__u32 pad;
	__u64 region_sectors;
	__u64 reserved[4];
};

#define CSD_CONFIG_SIZE_VER0	56

/*
 * Completion programs (BPF struct_ops "csd_ops", see Documentation/bpf.rst)
 * get a read-only struct csd_req_ctx per completed command and return
 * CSD_BPF_ACCOUNT, CSD_BPF_DROP or a class 1..CSD_BPF_CLASSES.
 */
#define CSD_BPF_ACCOUNT		0	/* account the command as usual */
#define CSD_BPF_DROP		(-1)	/* leave it out of rows and zones */
#define CSD_BPF_CLASSES		8	/* classes 1..8, also accounted */

/**
 * struct csd_req_ctx - what a completion program sees of one command.
 * @ns_id: csd's namespace id.
 * @nsid: NVMe namespace id.
 * @opcode: NVMe opcode.
 * @op: CSD_OP_* class.
 * @size_class: CSD_SZ_*.
 * @zone_action: zone send action (1 close .. 5 offline), 0 otherwise.
 * @status: NVMe status, (SCT << 8) | SC.
 * @pad: zero.
 * @zone: zone (region) index, or U32_MAX when the command has no LBA.
 * @pad1: zero (the alignment hole before @slba, named).
 * @slba: starting LBA.
 * @nlb: number of logical blocks (0 when the command has no LBA range).
 * @pad2: zero.
 * @bytes: bytes addressed.
 * @latency_ns: submission to completion.
 */
struct csd_req_ctx {
	__u32 ns_id;
	__u32 nsid;
	__u8 opcode;
	__u8 op;
	__u8 size_class;
	__u8 zone_action;
	__u16 status;
	__u16 pad;
	__u32 zone;
	__u32 pad1;
	__u64 slba;
	__u32 nlb;
	__u32 pad2;
	__u64 bytes;
	__u64 latency_ns;
};

/*
 * Offload programs (BPF struct_ops "csd_exec_ops") run over the data of a
 * zone or LBA range with CSD_IOC_EXEC. process() is called once per chunk
 * of CSD_EXEC_CHUNK bytes (the last one may be shorter) with this context;
 * the data is reached with the csd_exec_data() kfunc, a per-execution
 * scratch area of CSD_EXEC_SCRATCH bytes with csd_exec_scratch(), and the
 * result is written with csd_exec_emit(). finish() runs after the last
 * chunk. A negative return value stops the execution with that errno.
 */
#define CSD_EXEC_CHUNK		4096
#define CSD_EXEC_SCRATCH	16384
#define CSD_EXEC_RESULT_MAX	_BITUL(20)

/**
 * struct csd_exec_ctx - what an offload program sees of one chunk.
 * @offset: byte offset of this chunk from the start of the range.
 * @len: bytes in this chunk.
 * @sector_size: logical block size in bytes.
 * @range_len: bytes in the whole range.
 * @zone_size: zone size in bytes (0 on a conventional namespace).
 * @zone_capacity: zone capacity in bytes (0 on a conventional namespace).
 * @chunk: index of this chunk.
 * @arg: the caller's argument (struct csd_exec.arg), e.g. a threshold.
 */
struct csd_exec_ctx {
	__u64 offset;
	__u32 len;
	__u32 sector_size;
	__u64 range_len;
	__u64 zone_size;
	__u64 zone_capacity;
	__u64 chunk;
	__u64 arg;
};

/* struct csd_exec.flags */
#define CSD_EXEC_F_ZONE		_BITUL(0)	/* the range is zone @zone */
#define CSD_EXEC_F_WRITTEN	_BITUL(1)	/* with F_ZONE: only up to the write pointer */

/**
 * struct csd_exec - argument of CSD_IOC_EXEC: run an offload program over
 * a zone or an LBA range of a namespace. Needs CAP_SYS_ADMIN.
 * @size: in: caller's struct size; out: kernel's.
 * @flags: in: CSD_EXEC_F_*. CSD_EXEC_F_WRITTEN needs CSD_EXEC_F_ZONE
 *	(EINVAL otherwise).
 * @ns_id: in: the namespace (ENODEV if unknown, or if it went away:
 *	the device read is always the namespace csd checked; ENXIO if its
 *	block device cannot be opened, e.g. a hidden multipath path disk).
 * @zone: in, with CSD_EXEC_F_ZONE: the zone (ERANGE past the last one;
 *	EINVAL on a conventional namespace); else 0. The zone is read up
 *	to its capacity, as the kernel's block layer checked it in the
 *	drive's zone report (a zone's capacity may be less than its size,
 *	and the last zone may be short); with CSD_EXEC_F_WRITTEN only up
 *	to its write pointer, from a zone report at each call (all of a
 *	full or read-only zone, nothing of an empty one). EIO for an
 *	offline zone: before reading if a report said so, else from the
 *	failed read.
 * @slba: in, without CSD_EXEC_F_ZONE: first LBA.
 * @nlb: in, without CSD_EXEC_F_ZONE: number of LBAs, at least 1; the range
 *	must lie within the namespace (ERANGE) and, on a zoned namespace,
 *	within one zone (EXDEV) and within that zone's capacity (ERANGE).
 * @prog: in: NUL-terminated name of an attached csd_exec_ops (ENOENT if
 *	none has it).
 * @result: in: user pointer to @result_len bytes for the result.
 * @result_len: in: bytes at @result, at most CSD_EXEC_RESULT_MAX (E2BIG);
 *	out: bytes the program emitted (its emits past @result_len fail).
 * @prog_ret: out: finish()'s return value.
 * @bytes_scanned: out: bytes read and passed to the program.
 * @chunks: out: process() calls.
 * @prog_ns: out: time spent in the program.
 * @io_ns: out: time spent reading.
 * @arg: in: an argument for the program (csd_exec_ctx.arg).
 * @result_format: out: what the result is, as the program set declares
 *	it (csd_exec_ops.result_format, CSD_EXEC_FMT_*); ignored on input.
 * @pad: zero.
 * @reserved: zero.
 *
 * A signal ends the execution with EINTR; the result is not copied then.
 */
struct csd_exec {
	__u32 size;
	__u32 flags;
	__u32 ns_id;
	__u32 zone;
	__u64 slba;
	__u64 nlb;
	char prog[CSD_NAME_LEN];
	__u64 result;
	__u32 result_len;
	__s32 prog_ret;
	__u64 bytes_scanned;
	__u64 chunks;
	__u64 prog_ns;
	__u64 io_ns;
	__u64 arg;
	__u32 result_format;
	__u32 pad;
	__u64 reserved[2];
};

#define CSD_EXEC_SIZE_VER0	144

/*
 * What an offload program's result is (csd_exec_ops.result_format, and
 * struct csd_exec.result_format), so that tools can show it.
 */
enum csd_exec_format {
	CSD_EXEC_FMT_BYTES	= 0,	/* opaque bytes */
	CSD_EXEC_FMT_U32	= 1,	/* one __u32 (e.g. a checksum) */
	CSD_EXEC_FMT_U64	= 2,	/* one __u64 (e.g. a count) */
	CSD_EXEC_FMT_ENTROPY	= 3,	/* 256 __u32 byte counts */
	CSD_EXEC_FMT_NR,
};

/* struct csd_trace_open.flags */
#define CSD_TRACE_F_OPS		_BITUL(0)	/* only operations in @op_mask */
#define CSD_TRACE_F_ZONES	_BITUL(1)	/* only zones @zone_first..@zone_last */
#define CSD_TRACE_F_ERRORS	_BITUL(2)	/* only commands that failed */
#define CSD_TRACE_F_NONBLOCK	_BITUL(3)	/* open the trace fd O_NONBLOCK */
#define CSD_TRACE_F_DEV		_BITUL(4)	/* only block device @dev_major:@dev_minor */
#define CSD_TRACE_F_CGROUP	_BITUL(5)	/* only commands of cgroup @cgroup_id */

/* Records per CPU of a trace ring: default and largest (powers of two). */
#define CSD_TRACE_RING_DEFAULT	4096
#define CSD_TRACE_RING_MAX	65536
/* Trace readers open at the same time. */
#define CSD_TRACE_READERS_MAX	16

/**
 * struct csd_trace_open - argument of CSD_IOC_TRACE: open a trace of
 * completed commands. Needs CAP_SYS_ADMIN.
 * @size: in: caller's struct size; out: kernel's.
 * @flags: in: CSD_TRACE_F_*.
 * @ns_id: in: the namespace (ENODEV if unknown), or 0 for every
 *	namespace and admin queue, present and future.
 * @ring_records: in: records per CPU in the ring, a power of two up to
 *	CSD_TRACE_RING_MAX, or 0 for CSD_TRACE_RING_DEFAULT (EINVAL
 *	otherwise); out: the ring size used.
 * @op_mask: in, with CSD_TRACE_F_OPS: bit (1 << CSD_OP_*) for each
 *	operation to trace, at least one (EINVAL otherwise); else 0.
 * @zone_first: in, with CSD_TRACE_F_ZONES: first zone (region) traced.
 * @zone_last: in, with CSD_TRACE_F_ZONES: last zone traced, at least
 *	@zone_first. Commands without an LBA are not traced then.
 * @min_lat_ns: in: trace only commands at least this slow (0: all).
 * @fd: out: the trace file descriptor (O_RDONLY, O_CLOEXEC); ignored
 *	on input.
 * @pad: zero.
 * @dev_major: in, with CSD_TRACE_F_DEV: major number of the namespace's
 *	block device (st_rdev), which csd need not have seen yet; else 0.
 *	A multipath head's device selects the commands of all its paths.
 * @dev_minor: in, with CSD_TRACE_F_DEV: its minor number; else 0.
 * @cgroup_id: in, with CSD_TRACE_F_CGROUP: only commands attributed to
 *	this cgroup (see struct csd_cgroup_entry; at least 1); else 0.
 * @reserved: zero.
 *
 * The fd gives struct csd_trace_rec records with read(): whole records
 * only (EINVAL if @count is smaller than one), merged from the per-CPU
 * rings oldest first (Documentation/abi.rst says how close to completion
 * order that is). read() blocks until a record comes
 * unless the fd is O_NONBLOCK (EAGAIN); poll() reports EPOLLIN when one
 * is there. When a ring is full, new records are dropped and counted
 * (CSD_TRACE_IOC_STATS): never overwritten, never hidden. Commands csd
 * does not account (a disabled namespace, commands in flight across a
 * reset) are not traced. Closing the fd stops the tracing and its cost.
 */
struct csd_trace_open {
	__u32 size;
	__u32 flags;
	__u32 ns_id;
	__u32 ring_records;
	__u64 op_mask;
	__u32 zone_first;
	__u32 zone_last;
	__u64 min_lat_ns;
	__s32 fd;
	__u32 pad;
	__u32 dev_major;
	__u32 dev_minor;
	__u64 cgroup_id;
	__u64 reserved[2];
};

#define CSD_TRACE_OPEN_SIZE_VER0	80

/* struct csd_trace_rec.flags */
#define CSD_TRACE_REC_ADMIN	_BITUL(0)	/* an admin queue command */
#define CSD_TRACE_REC_LBA	_BITUL(1)	/* @slba is meaningful */
#define CSD_TRACE_REC_ALL_ZONES	_BITUL(2)	/* zone send to every zone */

/**
 * struct csd_trace_rec - one completed command, read from a trace fd.
 * @ts_ns: completion time, CLOCK_MONOTONIC.
 * @latency_ns: submission (nvme_setup_cmd) to completion.
 * @slba: starting LBA, with CSD_TRACE_REC_LBA.
 * @bytes: bytes addressed by the LBA range (reads, writes, appends,
 *	write zeroes...), else bytes of the data buffer (0 if none).
 * @zone: zone (region) index, or U32_MAX when the command has no LBA or
 *	addresses every zone.
 * @ns_id: csd's namespace id (CSD_IOC_LIST_NS names it).
 * @nsid: NVMe namespace id (0 for admin commands).
 * @ctrl: controller instance: the N of nvmeN.
 * @qid: NVMe queue id: 0 for the admin queue, I/O queues from 1.
 * @cid: NVMe command id.
 * @status: NVMe status, (SCT << 8) | SC.
 * @opcode: NVMe opcode.
 * @op: CSD_OP_* class (CSD_OP_OTHER for admin commands).
 * @zone_action: zone send action (1 close .. 5 offline), 0 otherwise.
 * @retries: times the driver retried the command.
 * @cpu: CPU the completion ran on.
 * @flags: CSD_TRACE_REC_*.
 * @cgroup_id: the cgroup the command is attributed to (see struct
 *	csd_cgroup_entry), 0 for admin commands. With CSD_FEAT_CGROUP;
 *	zero before.
 */
struct csd_trace_rec {
	__u64 ts_ns;
	__u64 latency_ns;
	__u64 slba;
	__u32 bytes;
	__u32 zone;
	__u32 ns_id;
	__u32 nsid;
	__u16 ctrl;
	__u16 qid;
	__u16 cid;
	__u16 status;
	__u8 opcode;
	__u8 op;
	__u8 zone_action;
	__u8 retries;
	__u16 cpu;
	__u16 flags;
	__u64 cgroup_id;
};

#define CSD_TRACE_REC_SIZE	64

/**
 * struct csd_trace_stats - argument of CSD_TRACE_IOC_STATS, an ioctl on a
 * trace fd: what the trace saw so far.
 * @size: in: caller's struct size; out: kernel's.
 * @flags: in: must be 0.
 * @matched: out: completed commands that passed the filter.
 * @delivered: out: records read() so far.
 * @dropped: out: records dropped because a ring was full.
 * @queued: out: records waiting in the rings. Each ring's tail is read
 *	before its head, so it never wraps below zero; with a read() running
 *	meanwhile it may exceed @ring_records x @nr_cpus by the records
 *	that read() took during the call.
 *	@matched = @delivered + @dropped + @queued, always.
 * @ring_records: out: records per CPU of each ring.
 * @nr_cpus: out: rings (one per possible CPU).
 * @reserved: zero.
 */
struct csd_trace_stats {
	__u32 size;
	__u32 flags;
	__u64 matched;
	__u64 delivered;
	__u64 dropped;
	__u64 queued;
	__u32 ring_records;
	__u32 nr_cpus;
	__u64 reserved[4];
};

#define CSD_TRACE_STATS_SIZE_VER0	80

/* struct csd_inflight_entry.flags */
#define CSD_INFLIGHT_E_ADMIN	_BITUL(0)	/* an admin queue command */
#define CSD_INFLIGHT_E_LBA	_BITUL(1)	/* @slba is meaningful */
/* csd did not see it submitted: @start_ns is the block layer's time. */
#define CSD_INFLIGHT_E_BLK_TIME	_BITUL(2)
#define CSD_INFLIGHT_E_NO_TIME	_BITUL(3)	/* no start time at all */

/**
 * struct csd_inflight_entry - one command in flight.
 * @start_ns: submission (nvme_setup_cmd) time, CLOCK_MONOTONIC.
 * @age_ns: time in flight when csd looked (csd_inflight.now_ns).
 * @slba: starting LBA, with CSD_INFLIGHT_E_LBA.
 * @bytes: as in struct csd_trace_rec.
 * @zone: zone (region) index, or U32_MAX.
 * @ns_id: csd's namespace id.
 * @nsid: NVMe namespace id (0 for admin commands).
 * @ctrl: controller instance.
 * @qid: NVMe queue id (0: admin).
 * @cid: NVMe command id.
 * @tag: block layer tag.
 * @opcode: NVMe opcode.
 * @op: CSD_OP_* class.
 * @zone_action: zone send action, 0 otherwise.
 * @flags: CSD_INFLIGHT_E_*.
 * @reserved: zero.
 */
struct csd_inflight_entry {
	__u64 start_ns;
	__u64 age_ns;
	__u64 slba;
	__u32 bytes;
	__u32 zone;
	__u32 ns_id;
	__u32 nsid;
	__u16 ctrl;
	__u16 qid;
	__u16 cid;
	__u16 tag;
	__u8 opcode;
	__u8 op;
	__u8 zone_action;
	__u8 flags;
	__u32 reserved[3];
};

#define CSD_INFLIGHT_ENTRY_SIZE_VER0	64

/**
 * struct csd_inflight - argument of CSD_IOC_INFLIGHT: the commands in
 * flight in the driver right now, oldest first. Needs CAP_SYS_ADMIN.
 * @size: in: caller's struct size; out: kernel's.
 * @flags: in: must be 0.
 * @ns_id: in: the namespace (ENODEV if unknown), or 0 for all of them
 *	and the admin queues.
 * @count: in: entries the buffer at @entries holds (0 to ask for @total
 *	only); out: entries written, the oldest.
 * @entry_size: in: size of one entry as the caller knows it (as in
 *	struct csd_ns_list); out: the kernel's.
 * @total: out: commands in flight that match (may exceed @count).
 * @entries: in: user pointer to @count entries.
 * @min_age_ns: in: only commands in flight at least this long.
 * @now_ns: out: CLOCK_MONOTONIC time of the walk.
 * @reserved: zero.
 *
 * A namespace whose queue is frozen or going away right now (a
 * controller reset, a removal) is skipped and counted in @skipped.
 * At most CSD_INFLIGHT_MAX commands are looked at per call.
 */
struct csd_inflight {
	__u32 size;
	__u32 flags;
	__u32 ns_id;
	__u32 count;
	__u32 entry_size;
	__u32 total;
	__u64 entries;
	__u64 min_age_ns;
	__u64 now_ns;
	__u32 skipped;
	__u32 pad;
	__u64 reserved[4];
};

#define CSD_INFLIGHT_SIZE_VER0	88
#define CSD_INFLIGHT_MAX	65536

/*
 * Cgroups csd keeps rows for per namespace and epoch: the first ones whose
 * commands complete after the epoch starts. Later ones share the "other"
 * row (@cgroup_id 0).
 */
#define CSD_CGROUP_SLOTS	16

/**
 * struct csd_cgroup_entry - one (cgroup, operation) row of a namespace.
 * @cgroup_id: the cgroup (v2) of the command's I/O: that of its bio's
 *	blkcg, the inode number of the cgroup's directory in the cgroup2
 *	file system (and its name_to_handle_at() handle). Commands without
 *	one (passthrough, no bio) count in the root cgroup's. 0: the other
 *	cgroups, past the first CSD_CGROUP_SLOTS.
 * @op: CSD_OP_* (admin queues keep no cgroup rows).
 * @pad: zero.
 * @count: completed commands (dropped by a completion program: not).
 * @bytes: bytes they addressed.
 * @errors: of those, completed with a non-zero NVMe status.
 * @lat_sum_ns: their latencies' sum (mean: @lat_sum_ns / @count).
 * @lat_max_ns: the largest.
 * @reserved: zero.
 */
struct csd_cgroup_entry {
	__u64 cgroup_id;
	__u32 op;
	__u32 pad;
	__u64 count;
	__u64 bytes;
	__u64 errors;
	__u64 lat_sum_ns;
	__u64 lat_max_ns;
	__u64 reserved[2];
};

#define CSD_CGROUP_ENTRY_SIZE_VER0	72

/**
 * struct csd_cgroup_stats - argument of CSD_IOC_CGROUP_STATS: a
 *	namespace's rows per cgroup and operation, those with commands.
 * @size: in: caller's struct size; out: kernel's.
 * @flags: in: must be 0.
 * @ns_id: in: the namespace (ENODEV if unknown; EINVAL for an admin
 *	queue's entry).
 * @count: in: entries the buffer holds (0 to ask for @total only); out:
 *	entries written, by slot then operation ("other" last).
 * @total: out: rows with commands. When @total > @count, call again with
 *	a larger buffer (at most CSD_CGROUP_SLOTS + 1 times CSD_OP_NR).
 * @entry_size: in: caller's struct csd_cgroup_entry size (at least
 *	CSD_CGROUP_ENTRY_SIZE_VER0, at most 4096); out: kernel's.
 * @slots: out: CSD_CGROUP_SLOTS of the running module.
 * @slots_used: out: slots taken by a cgroup in this epoch.
 * @since_ns: out: when the epoch (the counting) started, CLOCK_MONOTONIC.
 * @entries: in: user pointer to @count entries.
 * @reserved: zero.
 */
struct csd_cgroup_stats {
	__u32 size;
	__u32 flags;
	__u32 ns_id;
	__u32 count;
	__u32 total;
	__u32 entry_size;
	__u32 slots;
	__u32 slots_used;
	__u64 since_ns;
	__u64 entries;
	__u64 reserved[4];
};

#define CSD_CGROUP_STATS_SIZE_VER0	80

/* Default region size of conventional namespaces: 256 MiB. */
#define CSD_REGION_DEFAULT_SECTORS	(256 * 2048)

#define CSD_IOC_MAGIC		0xC5

/* Discovery: ABI version, features, kernel, global counters. */
#define CSD_IOC_GET_INFO	_IOWR(CSD_IOC_MAGIC, 0x00, struct csd_info)
/* The namespaces csd tracks, with their counters. */
#define CSD_IOC_LIST_NS		_IOWR(CSD_IOC_MAGIC, 0x01, struct csd_ns_list)
/* A namespace's rows (operation x size class) and error statuses. */
#define CSD_IOC_NS_STATS	_IOWR(CSD_IOC_MAGIC, 0x02, struct csd_ns_stats)
/* One latency histogram: a row, an operation, a namespace or a zone. */
#define CSD_IOC_GET_HIST	_IOWR(CSD_IOC_MAGIC, 0x03, struct csd_hist)
/* Per-zone (per-region) statistics, paged. */
#define CSD_IOC_ZONE_STATS	_IOWR(CSD_IOC_MAGIC, 0x04, struct csd_zone_stats)
/* Zero statistics. CAP_SYS_ADMIN. */
#define CSD_IOC_RESET		_IOWR(CSD_IOC_MAGIC, 0x05, struct csd_reset)
/* Region size and tracking on/off per namespace. CAP_SYS_ADMIN. */
#define CSD_IOC_CONFIG		_IOWR(CSD_IOC_MAGIC, 0x06, struct csd_config)
/* Run an offload program over a zone or LBA range. CAP_SYS_ADMIN. */
#define CSD_IOC_EXEC		_IOWR(CSD_IOC_MAGIC, 0x07, struct csd_exec)
/* Open a trace of completed commands: returns a file descriptor. CAP_SYS_ADMIN. */
#define CSD_IOC_TRACE		_IOWR(CSD_IOC_MAGIC, 0x08, struct csd_trace_open)
/* The commands in flight now, oldest first. CAP_SYS_ADMIN. */
#define CSD_IOC_INFLIGHT	_IOWR(CSD_IOC_MAGIC, 0x09, struct csd_inflight)

/* A namespace's rows per cgroup and operation (CSD_FEAT_CGROUP). */
#define CSD_IOC_CGROUP_STATS	_IOWR(CSD_IOC_MAGIC, 0x0a, struct csd_cgroup_stats)

/* On a trace fd: delivered, dropped and queued records. */
#define CSD_TRACE_IOC_STATS	_IOWR(CSD_IOC_MAGIC, 0x40, struct csd_trace_stats)

#endif /* _UAPI_LINUX_CSD_H */
