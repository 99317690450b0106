// SPDX-License-Identifier: GPL-2.0
/*
 * csd: epochs: a namespace's statistics, allocated, parked, retired and freed.
 *
 * An epoch (struct csd_stats) is made when csd first sees a namespace, and
 * again at a reset, a region change or a geometry change; ns.c publishes,
 * parks and retires it. Its row histograms and, for many zones, its zone
 * table come later, from process context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "csd.h"

static_assert(sizeof(struct csd_zone) <= 1024);

/*
 * For the selftests: no row histogram is allocated while set, as if the
 * work item had not run before its epoch was parked (the rows keep their
 * hist_want bits, so no completion asks again).
 */
static bool hist_work_hold_test;
module_param(hist_work_hold_test, bool, 0600);
MODULE_PARM_DESC(hist_work_hold_test,
		 "Test only: allocate no row histogram while set");

/* Allocate the histograms of the rows in hist_want (process context). */
void csd_hist_prealloc(struct csd_stats *s)
{
	unsigned int row;

	if (unlikely(READ_ONCE(hist_work_hold_test)))
		return;

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
		/* A region holds whole LBAs (csd_region_fits(), zones). */
		s->lba_region_shift = s->region_shift -
			min(s->region_shift, ns->lba_shift - SECTOR_SHIFT);
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
	} else if (csd_cg_alloc(s, gfp)) {
		goto err;
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
	csd_cg_free(s);
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

/*
 * Epochs of namespaces that went away with nvme_core, waiting for the same
 * namespace (subsystem NQN, controller ID, nsid, geometry and region size)
 * to come back: see csd_epoch_is_of().
 */
#define CSD_PARK_MAX	64
#define CSD_PARK_BYTES	(64ULL << 20)
static LIST_HEAD(csd_parked);
static unsigned int csd_nr_parked;
static u64 csd_park_bytes;
static DEFINE_SPINLOCK(csd_park_lock);

/*
 * Epochs replaced by setup_work (a geometry change). The work cannot take
 * csd_ns_mutex (the reaper cancels it under that mutex), and ioctls read
 * an epoch under the mutex alone, so the reaper frees these, under it and
 * after a grace period. On park_node, under csd_park_lock.
 */
static LIST_HEAD(csd_retired);

/*
 * Whether parked epoch @s belongs to the namespace @ns describes: the
 * same namespace (subsystem NQN, nsid) through the same controller
 * (controller ID: each path of a multipath namespace has its own epoch),
 * with the same geometry. Disk and controller names are given in probe
 * order (a reloaded nvme-core or a rescanned controller may swap them
 * between two drives): not part of the identity.
 */
static bool csd_epoch_is_of(const struct csd_stats *s, const struct csd_ns *ns)
{
	return s->park_nsid == ns->nsid && s->park_capacity == ns->capacity &&
	       s->region_sectors == ns->region_sectors &&
	       s->park_lba_shift == ns->lba_shift && s->park_zoned == ns->zoned &&
	       s->park_cntlid == ns->cntlid && !strcmp(s->park_subnqn, ns->subnqn);
}

/*
 * Keep @ns's epoch for when the namespace comes back, evicting the oldest
 * parked epoch when there are too many. False if @ns has nothing to keep.
 */
bool csd_epoch_park(struct csd_ns *ns, struct csd_stats *s)
{
	struct csd_stats *evict, *tmp;
	unsigned long flags;
	LIST_HEAD(gone);

	/* No NQN, no identity: better lost than given to another drive. */
	if (ns->admin || !ns->subnqn[0])
		return false;
	/* A row still waiting for it gets its histogram when unparked. */
	cancel_work_sync(&s->hist_work);
	s->ns = NULL;
	s->unparked = false;
	strscpy(s->park_subnqn, ns->subnqn, sizeof(s->park_subnqn));
	s->park_cntlid = ns->cntlid;
	s->park_nsid = ns->nsid;
	s->park_capacity = ns->capacity;
	s->park_lba_shift = ns->lba_shift;
	s->park_zoned = ns->zoned;
	spin_lock_irqsave(&csd_park_lock, flags);
	/*
	 * One parked epoch per namespace: this one supersedes an older one
	 * (a namespace removed and found again before the reaper dropped its
	 * old entry has a newer epoch, and both end up here).
	 */
	list_for_each_entry_safe(evict, tmp, &csd_parked, park_node) {
		if (!csd_epoch_is_of(evict, ns))
			continue;
		list_move(&evict->park_node, &gone);
		csd_nr_parked--;
		csd_park_bytes -= atomic64_read(&evict->mem);
	}
	list_add_tail(&s->park_node, &csd_parked);
	csd_nr_parked++;
	csd_park_bytes += atomic64_read(&s->mem);
	/*
	 * Bounded in number and in bytes: the oldest go first, and an epoch
	 * bigger than the whole budget is not kept at all.
	 */
	while (csd_nr_parked > CSD_PARK_MAX || csd_park_bytes > CSD_PARK_BYTES) {
		evict = list_first_entry(&csd_parked, struct csd_stats, park_node);
		list_move(&evict->park_node, &gone);
		csd_nr_parked--;
		csd_park_bytes -= atomic64_read(&evict->mem);
	}
	spin_unlock_irqrestore(&csd_park_lock, flags);
	list_for_each_entry_safe(evict, tmp, &gone, park_node)
		csd_stats_free(evict);
	return true;
}

/* An epoch no longer current: freed by the reaper (see csd_retired). */
void csd_epoch_retire(struct csd_stats *s)
{
	unsigned long flags;

	spin_lock_irqsave(&csd_park_lock, flags);
	list_add_tail(&s->park_node, &csd_retired);
	spin_unlock_irqrestore(&csd_park_lock, flags);
}

/* Free the epochs on @list (by park_node), which no probe can see. */
static void csd_stats_free_list(struct list_head *list)
{
	struct csd_stats *s, *tmp;

	list_for_each_entry_safe(s, tmp, list, park_node)
		csd_stats_free(s);
}

/* Under csd_ns_mutex, or at exit: free the retired epochs. */
void csd_epochs_free_retired(void)
{
	unsigned long flags;
	LIST_HEAD(gone);

	spin_lock_irqsave(&csd_park_lock, flags);
	list_splice_init(&csd_retired, &gone);
	spin_unlock_irqrestore(&csd_park_lock, flags);
	if (list_empty(&gone))
		return;
	synchronize_rcu();
	csd_stats_free_list(&gone);
}

/* Drop every parked epoch (reset of all namespaces, module exit). */
void csd_epochs_free_parked(void)
{
	unsigned long flags;
	LIST_HEAD(gone);

	spin_lock_irqsave(&csd_park_lock, flags);
	list_splice_init(&csd_parked, &gone);
	csd_nr_parked = 0;
	csd_park_bytes = 0;
	spin_unlock_irqrestore(&csd_park_lock, flags);
	csd_stats_free_list(&gone);
}

/* Take back the parked epoch of this namespace, if there is one. */
struct csd_stats *csd_epoch_unpark(struct csd_ns *ns)
{
	struct csd_stats *s, *found = NULL;
	unsigned long flags;

	if (ns->admin || !ns->subnqn[0])
		return NULL;
	spin_lock_irqsave(&csd_park_lock, flags);
	/* The newest first (csd_epoch_park() keeps one a namespace anyway). */
	list_for_each_entry_reverse(s, &csd_parked, park_node) {
		if (csd_epoch_is_of(s, ns)) {
			list_del(&s->park_node);
			csd_nr_parked--;
			csd_park_bytes -= atomic64_read(&s->mem);
			found = s;
			break;
		}
	}
	spin_unlock_irqrestore(&csd_park_lock, flags);
	if (found) {
		found->ns = ns;
		found->gen = ++ns->next_gen;
		found->unparked = true;
	}
	return found;
}

/* Put back an epoch taken by an entry that lost its creation race. */
void csd_epoch_repark(struct csd_stats *s)
{
	unsigned long flags;

	s->ns = NULL;
	s->unparked = false;
	spin_lock_irqsave(&csd_park_lock, flags);
	list_add(&s->park_node, &csd_parked);
	csd_nr_parked++;
	csd_park_bytes += atomic64_read(&s->mem);
	spin_unlock_irqrestore(&csd_park_lock, flags);
}

/* Bytes held by parked and retired epochs. */
u64 csd_epochs_kept_mem(void)
{
	struct csd_stats *s;
	unsigned long flags;
	u64 mem = 0;

	spin_lock_irqsave(&csd_park_lock, flags);
	list_for_each_entry(s, &csd_parked, park_node)
		mem += atomic64_read(&s->mem);
	list_for_each_entry(s, &csd_retired, park_node)
		mem += atomic64_read(&s->mem);
	spin_unlock_irqrestore(&csd_park_lock, flags);
	return mem;
}
