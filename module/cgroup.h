/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: who caused the I/O: rows per (cgroup, operation) of each epoch
 * (cgroup.c).
 *
 * A completed command is attributed to the cgroup of its request's bio
 * (the bio's blkcg: block cgroups never merge bios of two cgroups into
 * one request), or to the root cgroup when it has none (passthrough, no
 * bio). An epoch keeps CSD_CGROUP_SLOTS cgroups, claimed by cmpxchg by
 * the first ones seen; the others share one more row set.
 */
#ifndef _CSD_CGROUP_H
#define _CSD_CGROUP_H

struct csd_stats;
struct request;

/*
 * A (cgroup slot, operation) row: what every completion adds, one copy per
 * CPU; and what changes rarely (errors, a new maximum), shared, so that
 * the per-CPU part stays 24 bytes a row.
 */
struct csd_cg_pcpu {
	u64 count;
	u64 bytes;
	u64 lat_sum;
};

struct csd_cg_shared {
	atomic64_t errors;
	atomic64_t lat_max;
};

/* Slots and the "other" row set, by operation. */
#define CSD_CG_ROWS	((CSD_CGROUP_SLOTS + 1) * CSD_OP_NR)

u64 csd_rq_cgroup(struct request *rq);
void csd_cg_account(struct csd_stats *s, struct request *rq, unsigned int op,
		    u64 bytes, u64 lat, u16 status);
int csd_cg_alloc(struct csd_stats *s, gfp_t gfp);
void csd_cg_free(struct csd_stats *s);
/*
 * The rows of @s with commands, at most @max of them into @out; returns
 * how many there are (which may be more than @max).
 */
u32 csd_cg_fill(const struct csd_stats *s, struct csd_cgroup_entry *out, u32 max,
		u32 *slots_used);

#endif
