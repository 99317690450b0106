// SPDX-License-Identifier: GPL-2.0
/*
 * csd: epochs: a namespace's statistics, allocated and freed.
 *
 * An epoch (struct csd_stats) is made when csd first sees a namespace, and
 * again at a reset, a region change or a geometry change; ns.c publishes,
 * parks and retires it. Its row histograms and, for many zones, its zone
 * table come later, from process context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "csd.h"

static_assert(sizeof(struct csd_zone) <= 1024);

/* Allocate the histograms of the rows in hist_want (process context). */
void csd_hist_prealloc(struct csd_stats *s)
{
	unsigned int row;

	for_each_set_bit(row, s->hist_want, CSD_NR_ROWS) {
		struct csd_hist_pcpu __percpu *h;

		if (rcu_access_pointer(s->hist[row]))
			continue;
		h = alloc_percpu(struct csd_hist_pcpu);
		if (!h) {
			/* Let the next completion of the row ask again. */
			clear_bit(row, s->hist_want);
			continue;
		}
		if (cmpxchg((struct csd_hist_pcpu __percpu **)&s->hist[row],
			    NULL, h)) {
			free_percpu(h);
			continue;
		}
		atomic64_add(sizeof(*h) * nr_cpu_ids, &s->mem);
	}
}

/* Allocate the histograms the completion path could not. */
static void csd_hist_work(struct work_struct *work)
{
	csd_hist_prealloc(container_of(work, struct csd_stats, hist_work));
}

struct csd_stats *csd_stats_alloc(struct csd_ns *ns, u64 region_sectors,
				  gfp_t gfp)
{
	struct csd_stats *s;
	int cpu, i;

	s = kzalloc(sizeof(*s), gfp);
	if (!s)
		return NULL;
	s->ns = ns;
	INIT_WORK(&s->hist_work, csd_hist_work);
	s->tot = alloc_percpu_gfp(struct csd_tot_pcpu, gfp);
	s->rows = __alloc_percpu_gfp(sizeof(struct csd_row_pcpu) * CSD_NR_ROWS,
				     __alignof__(struct csd_row_pcpu), gfp);
	if (!s->tot || !s->rows)
		goto err;
	for_each_possible_cpu(cpu)
		for (i = 0; i < CSD_NR_ROWS; i++)
			per_cpu_ptr(s->rows, cpu)[i].lat_min = U64_MAX;

	if (region_sectors) {
		s->region_sectors = region_sectors;
		s->region_shift = ilog2(region_sectors);
		s->nr_regions = DIV64_U64_ROUND_UP(ns->capacity, region_sectors);
	}
	atomic64_set(&s->mem, sizeof(*s) +
		     (sizeof(struct csd_tot_pcpu) +
		      sizeof(struct csd_row_pcpu) * CSD_NR_ROWS) * nr_cpu_ids);
	if (ns->admin) {
		s->admin = kcalloc(256, sizeof(*s->admin), gfp | __GFP_NOWARN);
		if (!s->admin)
			goto err;
		for (i = 0; i < 256; i++)
			atomic64_set(&s->admin[i].lat_min, U64_MAX);
		atomic64_add(256 * sizeof(*s->admin), &s->mem);
	}
	/* Zone tables too big for an atomic allocation come from a work item. */
	if (gfpflags_allow_blocking(gfp) ||
	    s->nr_regions * sizeof(struct csd_zone) <= SZ_64K)
		csd_stats_alloc_zones(s, gfp);
	s->since_ns = ktime_get_ns();
	return s;
err:
	csd_stats_free_atomic(s);
	return NULL;
}

/* Give @s its zone table, if it has none yet. */
int csd_stats_alloc_zones(struct csd_stats *s, gfp_t gfp)
{
	struct csd_zone *z;

	if (!s->nr_regions || rcu_access_pointer(s->zones))
		return 0;
	if (gfpflags_allow_blocking(gfp))
		z = kvcalloc(s->nr_regions, sizeof(*z), gfp | __GFP_NOWARN);
	else
		z = kcalloc(s->nr_regions, sizeof(*z), gfp | __GFP_NOWARN);
	if (!z)
		return -ENOMEM;
	atomic64_add((u64)s->nr_regions * sizeof(*z), &s->mem);
	rcu_assign_pointer(s->zones, z);
	return 0;
}

/*
 * Free an epoch that was never published (any context): no work was
 * queued and all its memory came from kmalloc or the per-CPU allocator.
 */
void csd_stats_free_atomic(struct csd_stats *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < CSD_NR_ROWS; i++)
		free_percpu(rcu_access_pointer(s->hist[i]));
	kvfree(rcu_access_pointer(s->zones));
	kfree(s->admin);
	free_percpu(s->rows);
	free_percpu(s->tot);
	kfree(s);
}

/* Free an epoch no probe can see any more (after an RCU grace period). */
void csd_stats_free(struct csd_stats *s)
{
	if (!s)
		return;
	cancel_work_sync(&s->hist_work);
	csd_stats_free_atomic(s);
}
