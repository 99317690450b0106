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
 *
 * The hot path (inline in the completion probe) does one lookup in the
 * table of ids (hashed, probed linearly, claimed with cmpxchg and never
 * given back in the epoch's life) and adds to per-CPU counters: no lock,
 * no allocation.
 */
#ifndef _CSD_CGROUP_H
#define _CSD_CGROUP_H

#include <linux/blk-cgroup.h>
#include <linux/cgroup.h>
#include <linux/hash.h>

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

/* The cgroup id of @rq's I/O: its bio's blkcg, else the root's. */
static __always_inline u64 csd_rq_cgroup(struct request *rq)
{
#ifdef CONFIG_BLK_CGROUP
	struct cgroup_subsys_state *css = rq->bio ? bio_blkcg_css(rq->bio) : NULL;

	return cgroup_id((css ? css : blkcg_root_css)->cgroup);
#else
	return 1;	/* the root cgroup's id */
#endif
}

/* The slot of cgroup @id in @s, claimed if free; CSD_CGROUP_SLOTS if none. */
static __always_inline unsigned int csd_cg_slot(struct csd_stats *s, u64 id)
{
	unsigned int i, h = hash_64(id, ilog2(CSD_CGROUP_SLOTS));

	for (i = 0; i < CSD_CGROUP_SLOTS; i++) {
		unsigned int k = (h + i) % CSD_CGROUP_SLOTS;
		s64 cur = atomic64_read(&s->cg_id[k]);

		if (!cur && atomic64_try_cmpxchg(&s->cg_id[k], &cur, id))
			return k;
		if (cur == id)
			return k;
	}
	return CSD_CGROUP_SLOTS;
}

/*
 * Count a completion (not dropped) of cgroup @cgroup (csd_rq_cgroup()),
 * of @op, @bytes and @lat ns, with @status, in its cgroup's row.
 */
static __always_inline void csd_cg_account(struct csd_stats *s, u64 cgroup,
					   unsigned int op, u64 bytes, u64 lat,
					   u16 status)
{
	struct csd_cg_pcpu __percpu *r;
	struct csd_cg_shared *sh;
	unsigned int row;

	if (unlikely(!s->cg))
		return;
	/* Never 0, the id of a free slot: cgroup ids start at 1 (the root). */
	row = csd_cg_slot(s, cgroup) * CSD_OP_NR + op;
	r = s->cg + row;
	sh = &s->cg_shared[row];
	this_cpu_inc(r->count);
	this_cpu_add(r->bytes, bytes);
	this_cpu_add(r->lat_sum, lat);
	if (unlikely(status))
		atomic64_inc(&sh->errors);
	/* A read of a shared line; a write only for a new maximum. */
	csd_atomic64_max(&sh->lat_max, lat);
}

int csd_cg_alloc(struct csd_stats *s, gfp_t gfp);
void csd_cg_free(struct csd_stats *s);
/*
 * The rows of @s with commands, at most @max of them into @out; returns
 * how many there are (which may be more than @max).
 */
u32 csd_cg_fill(const struct csd_stats *s, struct csd_cgroup_entry *out, u32 max,
		u32 *slots_used);

#endif
