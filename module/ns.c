// SPDX-License-Identifier: GPL-2.0
/*
 * csd: the namespace table.
 *
 * Lookups run in the NVMe probes (any context, including hard IRQ) under
 * RCU. Writers hold csd_ns_lock with interrupts disabled. The table never
 * shrinks on the I/O path: dead namespaces are reaped from a work item.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "csd.h"

#define CSD_NS_HASH_BITS	6
#define CSD_REAP_INTERVAL	HZ

static struct hlist_head csd_ns_hash[1 << CSD_NS_HASH_BITS];
LIST_HEAD(csd_ns_list);
static DEFINE_SPINLOCK(csd_ns_lock);
static unsigned int csd_ns_nr;
static u32 csd_ns_next_id = 1;
static bool csd_ns_closing;

static void csd_ns_reap(struct work_struct *work);
static DECLARE_DELAYED_WORK(csd_reap_work, csd_ns_reap);

static struct hlist_head *csd_ns_bucket(const struct request_queue *q)
{
	return &csd_ns_hash[hash_ptr(q, CSD_NS_HASH_BITS)];
}

struct csd_ns *csd_ns_lookup(const struct request_queue *q)
{
	struct csd_ns *ns;

	hlist_for_each_entry_rcu(ns, csd_ns_bucket(q), hnode)
		if (ns->q == q)
			return ns;
	return NULL;
}

static void csd_ns_free(struct csd_ns *ns)
{
	if (ns->disk)
		put_device(disk_to_dev(ns->disk));
	free_percpu(ns->pcpu);
	kfree(ns);
}

static void csd_ns_describe(struct csd_ns *ns, struct request_queue *q,
			    u32 nsid)
{
	struct gendisk *disk = q->disk;
	struct device *parent = disk_to_dev(disk)->parent;

	ns->q = q;
	ns->disk = disk;
	ns->nsid = nsid;
	ns->lba_shift = ilog2(queue_logical_block_size(q));
	ns->capacity = get_capacity(disk);
	ns->zoned = blk_queue_is_zoned(q);
	if (ns->zoned) {
		ns->zone_sectors = q->limits.chunk_sectors;
		ns->nr_zones = disk->nr_zones;
	}
	strscpy(ns->disk_name, disk->disk_name, sizeof(ns->disk_name));
	strscpy(ns->ctrl_name, parent ? dev_name(parent) : "",
		sizeof(ns->ctrl_name));
}

/*
 * Called from the submission probe on the first request of a queue, in
 * atomic context: allocate with GFP_ATOMIC. Losing the race to another CPU
 * is fine; the loser frees its copy. Failure is counted by the caller.
 */
struct csd_ns *csd_ns_get_or_create(struct request_queue *q, u32 nsid)
{
	struct csd_ns *ns, *old;
	unsigned long flags;

	if (test_bit(GD_DEAD, &q->disk->state))
		return NULL;

	ns = kzalloc(sizeof(*ns), GFP_ATOMIC | __GFP_NOWARN);
	if (!ns)
		return NULL;
	ns->pcpu = alloc_percpu_gfp(struct csd_ns_pcpu, GFP_ATOMIC | __GFP_NOWARN);
	if (!ns->pcpu) {
		kfree(ns);
		return NULL;
	}
	csd_ns_describe(ns, q, nsid);

	spin_lock_irqsave(&csd_ns_lock, flags);
	old = csd_ns_lookup(q);
	if (old || csd_ns_closing) {
		spin_unlock_irqrestore(&csd_ns_lock, flags);
		ns->disk = NULL;
		csd_ns_free(ns);
		return old;
	}
	get_device(disk_to_dev(ns->disk));
	ns->id = csd_ns_next_id++;
	csd_ns_nr++;
	hlist_add_head_rcu(&ns->hnode, csd_ns_bucket(q));
	list_add_tail_rcu(&ns->node, &csd_ns_list);
	spin_unlock_irqrestore(&csd_ns_lock, flags);
	return ns;
}

unsigned int csd_ns_count(void)
{
	return READ_ONCE(csd_ns_nr);
}

void csd_ns_sum(const struct csd_ns *ns, struct csd_ns_pcpu *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct csd_ns_pcpu *c = per_cpu_ptr(ns->pcpu, cpu);

		sum->submitted += READ_ONCE(c->submitted);
		sum->completed += READ_ONCE(c->completed);
	}
}

void csd_global_sum(struct csd_global_pcpu *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct csd_global_pcpu *c = per_cpu_ptr(csd_global, cpu);

		sum->admin_submitted += READ_ONCE(c->admin_submitted);
		sum->admin_completed += READ_ONCE(c->admin_completed);
		sum->untracked += READ_ONCE(c->untracked);
	}
}

void csd_ns_fill_entry(const struct csd_ns *ns, struct csd_ns_entry *e)
{
	struct csd_ns_pcpu sum;

	memset(e, 0, sizeof(*e));
	csd_ns_sum(ns, &sum);
	e->id = ns->id;
	e->nsid = ns->nsid;
	strscpy(e->disk, ns->disk_name, sizeof(e->disk));
	strscpy(e->ctrl, ns->ctrl_name, sizeof(e->ctrl));
	e->flags = (ns->zoned ? CSD_NS_F_ZONED : 0) |
		   (test_bit(GD_DEAD, &ns->disk->state) ? CSD_NS_F_DEAD : 0);
	e->lba_shift = ns->lba_shift;
	e->capacity = ns->capacity;
	e->zone_sectors = ns->zone_sectors;
	e->nr_zones = ns->nr_zones;
	e->submitted = sum.submitted;
	e->completed = sum.completed;
}

/* Unlink every entry for which @pred holds; free them after a grace period. */
static void csd_ns_remove_if(bool (*pred)(struct csd_ns *ns))
{
	struct csd_ns *ns, *tmp;
	unsigned long flags;
	LIST_HEAD(gone);

	spin_lock_irqsave(&csd_ns_lock, flags);
	list_for_each_entry_safe(ns, tmp, &csd_ns_list, node) {
		if (!pred(ns))
			continue;
		hlist_del_rcu(&ns->hnode);
		list_del_rcu(&ns->node);
		list_add_tail(&ns->reap_node, &gone);
		csd_ns_nr--;
	}
	spin_unlock_irqrestore(&csd_ns_lock, flags);

	if (list_empty(&gone))
		return;
	/* Probes and readers may still hold the entries. */
	synchronize_rcu();
	list_for_each_entry_safe(ns, tmp, &gone, reap_node)
		csd_ns_free(ns);
}

static bool csd_ns_dead_twice(struct csd_ns *ns)
{
	bool dead = test_bit(GD_DEAD, &ns->disk->state);
	bool reap = dead && ns->dead;

	/* Give completions racing with del_gendisk one interval to land. */
	ns->dead = dead;
	return reap;
}

static bool csd_ns_any(struct csd_ns *ns)
{
	return true;
}

static void csd_ns_reap(struct work_struct *work)
{
	csd_ns_remove_if(csd_ns_dead_twice);
	if (!READ_ONCE(csd_ns_closing))
		schedule_delayed_work(&csd_reap_work, CSD_REAP_INTERVAL);
}

/* Drop every namespace now; no probe may run (see the nvme_core GOING path). */
void csd_ns_forget_all(void)
{
	csd_ns_remove_if(csd_ns_any);
}

int csd_ns_init(void)
{
	schedule_delayed_work(&csd_reap_work, CSD_REAP_INTERVAL);
	return 0;
}

/* Called after the probes are detached and no probe can run any more. */
void csd_ns_exit(void)
{
	WRITE_ONCE(csd_ns_closing, true);
	cancel_delayed_work_sync(&csd_reap_work);
	csd_ns_forget_all();
}
