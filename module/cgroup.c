// SPDX-License-Identifier: GPL-2.0
/*
 * csd: rows per (cgroup, operation): see cgroup.h, which has the hot
 * path (inline in the completion probe). Here: the rows' memory and their
 * readout. A reset starts a new epoch, with an empty table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-cgroup.h>
#include <linux/cgroup.h>
#include <linux/hash.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "csd.h"

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
