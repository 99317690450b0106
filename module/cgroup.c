// SPDX-License-Identifier: GPL-2.0
/*
 * csd: rows per (cgroup, operation): see cgroup.h.
 *
 * The hot path does one lookup in a table of CSD_CGROUP_SLOTS cgroup ids
 * (hashed, probed linearly, claimed with cmpxchg and never given back in
 * the epoch's life) and adds to per-CPU counters: no lock, no allocation.
 * A reset starts a new epoch, with an empty table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-cgroup.h>
#include <linux/cgroup.h>
#include <linux/hash.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "csd.h"

/* The cgroup id of @rq's I/O: its bio's blkcg, else the root's. */
u64 csd_rq_cgroup(struct request *rq)
{
#ifdef CONFIG_BLK_CGROUP
	struct cgroup_subsys_state *css = rq->bio ? bio_blkcg_css(rq->bio) : NULL;

	return cgroup_id((css ? css : blkcg_root_css)->cgroup);
#else
	return 1;	/* the root cgroup's id */
#endif
}

/* The slot of cgroup @id in @s, claimed if free; CSD_CGROUP_SLOTS if none. */
static unsigned int csd_cg_slot(struct csd_stats *s, u64 id)
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
 * Count a completion (not dropped) of @rq, of @op, @bytes and @lat ns,
 * with @status, in its cgroup's row (scalars: the completion probe keeps
 * its record in registers; the cgroup is read here, last, so that the
 * probe holds nothing across the call).
 */
void csd_cg_account(struct csd_stats *s, struct request *rq, unsigned int op,
		    u64 bytes, u64 lat, u16 status)
{
	struct csd_cg_pcpu __percpu *r;
	struct csd_cg_shared *sh;
	unsigned int row;
	u64 cgroup;

	if (unlikely(!s->cg))
		return;
	/* Never 0, the id of a free slot: cgroup ids start at 1 (the root). */
	cgroup = csd_rq_cgroup(rq);
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

int csd_cg_alloc(struct csd_stats *s, gfp_t gfp)
{
	s->cg_shared = kcalloc(CSD_CG_ROWS, sizeof(*s->cg_shared), gfp | __GFP_NOWARN);
	if (!s->cg_shared)
		return -ENOMEM;
	s->cg = __alloc_percpu_gfp(sizeof(struct csd_cg_pcpu) * CSD_CG_ROWS,
				   __alignof__(struct csd_cg_pcpu), gfp);
	if (!s->cg) {
		kfree(s->cg_shared);
		s->cg_shared = NULL;
		return -ENOMEM;
	}
	atomic64_add(sizeof(struct csd_cg_shared) * CSD_CG_ROWS +
		     sizeof(struct csd_cg_pcpu) * CSD_CG_ROWS * nr_cpu_ids, &s->mem);
	return 0;
}

void csd_cg_free(struct csd_stats *s)
{
	free_percpu(s->cg);
	kfree(s->cg_shared);
	s->cg = NULL;
	s->cg_shared = NULL;
}

u32 csd_cg_fill(const struct csd_stats *s, struct csd_cgroup_entry *out, u32 max,
		u32 *slots_used)
{
	unsigned int slot, op;
	u32 n = 0;
	int cpu;

	*slots_used = 0;
	if (!s->cg)
		return 0;
	for (slot = 0; slot <= CSD_CGROUP_SLOTS; slot++) {
		u64 id = slot < CSD_CGROUP_SLOTS ? atomic64_read(&s->cg_id[slot]) : 0;

		if (slot < CSD_CGROUP_SLOTS) {
			if (!id)
				continue;
			(*slots_used)++;
		}
		for (op = 0; op < CSD_OP_NR; op++) {
			unsigned int row = slot * CSD_OP_NR + op;
			struct csd_cgroup_entry e = {
				.cgroup_id = id, .op = op,
				.errors = atomic64_read(&s->cg_shared[row].errors),
				.lat_max_ns = atomic64_read(&s->cg_shared[row].lat_max),
			};

			for_each_possible_cpu(cpu) {
				const struct csd_cg_pcpu *r = per_cpu_ptr(s->cg, cpu) + row;

				e.count += READ_ONCE(r->count);
				e.bytes += READ_ONCE(r->bytes);
				e.lat_sum_ns += READ_ONCE(r->lat_sum);
			}
			if (!e.count)
				continue;
			if (n < max)
				out[n] = e;
			n++;
		}
	}
	return n;
}
