/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: an epoch of a namespace's statistics: its layout, life
 * (epoch.c), snapshots (snapshot.c) and percentiles (hist.c).
 */
#ifndef _CSD_EPOCH_H
#define _CSD_EPOCH_H

struct csd_ns;

#define CSD_NR_ROWS	(CSD_OP_NR * CSD_SZ_NR)
#define CSD_STATUS_SLOTS	64

/* Counters of one (operation, size class) row, one copy per CPU. */
struct csd_row_pcpu {
	u64 count;
	u64 bytes;
	u64 errors;
	u64 retries;
	u64 unbinned;
	u64 lat_sum;
	u64 lat_min;
	u64 lat_max;
};

/* A per-opcode latency histogram, one copy per CPU. */
struct csd_hist_pcpu {
	u64 b[CSD_HIST_BUCKETS];
};

/* A class completion programs put commands in: one base, two adds. */
struct csd_class_pcpu {
	u64 count;
	u64 lat_sum;
};

/* Epoch counters of a namespace, one copy per CPU. */
struct csd_tot_pcpu {
	u64 submitted;
	u64 completed;
	u64 aborted;
	u64 dropped;
	struct csd_class_pcpu class[CSD_BPF_CLASSES];
	u64 other_opcode[256];	/* CSD_OP_OTHER completions by opcode */
};

/* One (op, opcode, status) error counter, filled in by cmpxchg. */
struct csd_status_slot {
	atomic_t key;		/* 0: free; else CSD_STATUS_KEY() */
	atomic64_t count;
};

/* One admin opcode of a controller: shared, admin commands are rare. */
struct csd_admin_op {
	atomic64_t count;
	atomic64_t errors;
	atomic64_t lat_sum;
	atomic64_t lat_min;	/* U64_MAX until the first command */
	atomic64_t lat_max;
};

/* One zone (or region): shared, updated with atomics. At most 1 KiB. */
struct csd_zone {
	atomic64_t count[CSD_ZIO_NR];
	atomic64_t bytes[CSD_ZIO_NR];
	atomic64_t lat_sum[CSD_ZIO_NR];
	atomic64_t lat_max[CSD_ZIO_NR];
	atomic_t hist[CSD_ZIO_NR][CSD_ZHIST_BUCKETS];
	atomic_t opens;
	atomic_t closes;
	atomic_t finishes;
	atomic_t resets;
	atomic_t offlines;
	atomic_t errors;
};

/*
 * One epoch of a namespace's statistics. Reset and region changes publish
 * a new one with RCU; commands submitted in an older epoch are not counted
 * in the new one (their slot carries the epoch's generation).
 */
struct csd_stats {
	u32 gen;
	u64 since_ns;
	struct csd_tot_pcpu __percpu *tot;
	struct csd_row_pcpu __percpu *rows;	/* [CSD_NR_ROWS] */
	struct csd_hist_pcpu __percpu __rcu *hist[CSD_NR_ROWS];
	unsigned long hist_want[BITS_TO_LONGS(CSD_NR_ROWS)];
	struct work_struct hist_work;
	struct csd_status_slot status[CSD_STATUS_SLOTS];
	atomic64_t errors_other;
	atomic64_t zone_unbinned;	/* ranged commands before the zone table */
	u64 region_sectors;
	unsigned int region_shift;
	unsigned int lba_region_shift;	/* an LBA's region: slba >> this */
	u32 nr_regions;
	struct csd_zone __rcu *zones;		/* [nr_regions], maybe later */
	struct csd_zone all_zones;		/* zone sends to every zone */
	struct csd_admin_op *admin;		/* [256], admin entries only */
	/* Rows per cgroup (cgroup.c); namespaces only. */
	atomic64_t cg_id[CSD_CGROUP_SLOTS];	/* 0: free */
	struct csd_cg_pcpu __percpu *cg;	/* [CSD_CG_ROWS] */
	struct csd_cg_shared *cg_shared;	/* [CSD_CG_ROWS] */
	atomic64_t mem;				/* bytes held by this epoch */
	struct csd_ns *ns;
	/* While parked (nvme_core gone): who the epoch belongs to. */
	struct list_head park_node;
	char park_subnqn[CSD_NQN_LEN];
	u16 park_cntlid;
	u32 park_nsid;
	u32 park_lba_shift;
	bool park_zoned;
	bool unparked;		/* taken from the park, not yet published */
	u64 park_capacity;
};

/*
 * The rows' and the zones' histogram layouts (include/csd/hist.h), as
 * constants the compiler folds into csd_hist_bucket() on the hot path.
 */
#define CSD_ROW_HIST	(&(const struct csd_hist_layout)CSD_HIST_LAYOUT_ROWS)
#define CSD_ZONE_HIST	(&(const struct csd_hist_layout)CSD_HIST_LAYOUT_ZONES)

/*
 * The zones' bucket of a latency @v whose rows' bucket is @row: the same
 * as csd_hist_bucket(CSD_ZONE_HIST, v), a shift and a subtraction instead
 * of a second bit scan. At or past 2^ZF (the zones' first octave) both
 * layouts split the octave of v's top bit by its next bits, the rows by
 * RB of them and the zones by the first ZB of those; below it the zones'
 * buckets are linear. Needs ZB <= RB, RF <= ZF and one last octave.
 */
static __always_inline unsigned int csd_zone_bucket(unsigned int row, u64 v)
{
	BUILD_BUG_ON(CSD_ZHIST_SUB_BITS > CSD_HIST_SUB_BITS);
	BUILD_BUG_ON(CSD_HIST_FIRST_SHIFT > CSD_ZHIST_FIRST_SHIFT);
	if (v < (1ULL << CSD_ZHIST_FIRST_SHIFT))
		return v >> (CSD_ZHIST_FIRST_SHIFT - CSD_ZHIST_SUB_BITS);
	return (row >> (CSD_HIST_SUB_BITS - CSD_ZHIST_SUB_BITS)) -
	       ((CSD_ZHIST_FIRST_SHIFT - CSD_HIST_FIRST_SHIFT) << CSD_ZHIST_SUB_BITS);
}

u64 csd_hist_pct(const struct csd_hist_layout *l, const u64 *b, u64 count,
		 u32 num, u32 den);

/* epoch.c */
struct csd_stats *csd_stats_alloc(struct csd_ns *ns, u64 region_sectors,
				  gfp_t gfp);
int csd_stats_alloc_zones(struct csd_stats *s, gfp_t gfp);
void csd_hist_prealloc(struct csd_stats *s);
void csd_stats_free(struct csd_stats *s);
void csd_stats_free_atomic(struct csd_stats *s);
/* Epochs apart from a namespace: parked (it went with nvme-core), retired. */
bool csd_epoch_park(struct csd_ns *ns, struct csd_stats *s);
struct csd_stats *csd_epoch_unpark(struct csd_ns *ns);
void csd_epoch_repark(struct csd_stats *s);
void csd_epoch_retire(struct csd_stats *s);
void csd_epochs_free_retired(void);
void csd_epochs_free_parked(void);
u64 csd_epochs_kept_mem(void);

/* snapshot.c */
void csd_stats_totals(const struct csd_stats *s, u64 *submitted,
		      u64 *completed, u64 *aborted);
void csd_stats_classes(const struct csd_stats *s, u64 *dropped, u64 *count,
		       u64 *lat_sum);
void csd_row_sum(const struct csd_stats *s, unsigned int row,
		 struct csd_row_pcpu *sum);
int csd_row_hist(const struct csd_stats *s, unsigned int row, u64 *out);
void csd_fill_row(const struct csd_stats *s, unsigned int row, u64 *tmp,
		  struct csd_stat_row *r);
u64 csd_other_count(const struct csd_stats *s, unsigned int opcode);
void csd_fill_zone(const struct csd_stats *s, u32 z, struct csd_zone_entry *e);

#endif
