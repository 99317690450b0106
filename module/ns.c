// SPDX-License-Identifier: GPL-2.0
/*
 * csd: the namespace table.
 *
 * Lookups run in the NVMe probes (any context, including hard IRQ) under
 * RCU. Adding and removing entries takes csd_ns_lock with interrupts off.
 * Everything that sleeps (table allocation, ioctls, the reaper) runs in
 * process context under csd_ns_mutex, so an ioctl's namespace cannot be
 * freed under it.
 *
 * Lock order:
 *   csd_ns_mutex		(ioctls, the reaper, debugfs)
 *     a disk's open_mutex	(exec opens a namespace's block device)
 *       the block class's mutex	(partitions come and go under open_mutex;
 *				 a disk registered: discover.c)
 *         csd_hooks_mutex	(attaching, detaching, adopting a disk: so it
 *				 is never held while taking csd_ns_mutex)
 *     ns->lock			(an entry's tables and geometry; setup_work
 *				 takes it alone, csd_ns_adopt() on an entry
 *				 not yet published)
 *       csd_ns_lock, csd_park_lock (epoch.c)	(spinlocks, irqs off; innermost)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/hash.h>
#include <linux/nvme.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "csd.h"
#include "nvme_layout.h"

#define CSD_REAP_INTERVAL	HZ

struct hlist_head csd_ns_hash[1 << CSD_NS_HASH_BITS];
LIST_HEAD(csd_ns_list);
/* Serializes sleeping users of namespaces: ioctls, table changes, the reaper. */
DEFINE_MUTEX(csd_ns_mutex);
static DEFINE_SPINLOCK(csd_ns_lock);
static unsigned int csd_ns_nr;
static u32 csd_ns_next_id = 1;
static bool csd_ns_closing;
static const struct csd_ns_events *csd_ns_ev;

static void csd_ns_reap(struct work_struct *work);
static DECLARE_DELAYED_WORK(csd_reap_work, csd_ns_reap);

/* Under csd_ns_mutex: the entry stays until the mutex is dropped. */
struct csd_ns *csd_ns_find_id(u32 id)
{
	struct csd_ns *ns;

	lockdep_assert_held(&csd_ns_mutex);
	list_for_each_entry_rcu(ns, &csd_ns_list, node,
				lockdep_is_held(&csd_ns_mutex))
		if (ns->id == id)
			return ns;
	return NULL;
}

static void csd_slots_free(struct csd_slot __rcu **slots, u32 nr)
{
	u32 i;

	if (!slots)
		return;
	for (i = 0; i < nr; i++)
		kvfree(rcu_access_pointer(slots[i]));
	kfree(slots);
}

static void csd_ns_free(struct csd_ns *ns, bool park)
{
	struct csd_stats *s;

	cancel_work_sync(&ns->setup_work);
	if (ns->announced)
		csd_ns_ev->removed(ns);
	s = rcu_access_pointer(ns->stats);
	if (!park || !s || !csd_epoch_park(ns, s))
		csd_stats_free(s);
	csd_slots_free(ns->slots, ns->nr_hctx);
	if (ns->head_disk)
		put_disk(ns->head_disk);
	blk_put_queue(ns->q);
	free_percpu(ns->pcpu);
	kfree(ns);
}

/*
 * The disk was deleted (del_gendisk marks its queue dying) or released, or
 * the admin queue torn down. csd pins the queue, never the disk: releasing
 * a queue touches no driver state, while a disk that was never added
 * releases its queue through the driver's (maybe freed) tag set.
 */
bool csd_ns_is_dead(const struct csd_ns *ns)
{
	return blk_queue_dying(ns->q) || (!ns->admin && !READ_ONCE(ns->q->disk));
}

/*
 * The default region of a namespace: its zones, or 256 MiB regions. Never
 * more than CSD_REGIONS_MAX of them, so that the zone table has a ceiling
 * whatever the device: past it, zones are folded, 2, 4, 8... to a region.
 */
static u64 csd_ns_default_region(const struct csd_ns *ns)
{
	u64 r;

	if (ns->admin)
		return 0;
	if (ns->zoned) {
		/* Zone sizes are powers of two (the block layer requires it). */
		for (r = ns->zone_sectors; r && r < (1ULL << 62) &&
		     DIV64_U64_ROUND_UP(ns->capacity, r) > CSD_REGIONS_MAX; r <<= 1)
			;
		return r;
	}
	/* roundup_pow_of_two(0) is undefined: a namespace may have no blocks. */
	return max_t(u64, CSD_REGION_DEFAULT_SECTORS,
		     roundup_pow_of_two(max_t(u64, 1,
					      DIV64_U64_ROUND_UP(ns->capacity,
								 CSD_REGIONS_MAX))));
}

/*
 * Free an entry that was never published (any context): no work queued,
 * no reference, no debugfs. A parked epoch it took goes back.
 */
static void csd_ns_free_unpublished(struct csd_ns *ns)
{
	struct csd_stats *s = rcu_access_pointer(ns->stats);

	if (s && s->unparked)
		csd_epoch_repark(s);
	else
		csd_stats_free_atomic(s);
	csd_slots_free(ns->slots, ns->nr_hctx);
	/* Not the last reference: the path, alive, holds the head. */
	if (ns->head_disk)
		put_disk(ns->head_disk);
	free_percpu(ns->pcpu);
	kfree(ns);
}

/*
 * Give hardware queue @h of @ns its row of command slots. Rows are set
 * once and kept until the entry is freed: a queue the tag set drops and
 * gets back (blk_mq_update_nr_hw_queues) finds its row again. From the
 * probe before publication, else under ns->lock.
 */
static void csd_slot_row_alloc(struct csd_ns *ns, u32 h, gfp_t gfp)
{
	struct csd_slot *row;

	if (h >= ns->nr_hctx || !ns->depth || rcu_access_pointer(ns->slots[h]))
		return;
	if (gfpflags_allow_blocking(gfp))
		row = kvcalloc(ns->depth, sizeof(*row), gfp);
	else
		row = kcalloc(ns->depth, sizeof(*row), gfp);
	if (!row)
		return;
	rcu_assign_pointer(ns->slots[h], row);
	WRITE_ONCE(ns->slot_rows, ns->slot_rows + 1);
}

/* The hardware queues @ns's tag set has now, bounded by the room in slots[]. */
static u32 csd_ns_queues(const struct csd_ns *ns)
{
	return min_t(u32, READ_ONCE(ns->q->nr_hw_queues), ns->nr_hctx);
}

/*
 * Give @ns its tables: command slots and the first epoch. From the probe
 * (GFP_ATOMIC, so that not even the first command goes uncounted) and, for
 * what that could not allocate, from setup_work. Serialized by ns->lock in
 * the work; the probe runs before the entry is published.
 */
static void csd_ns_alloc_tables(struct csd_ns *ns, gfp_t gfp, u32 hctx)
{
	struct csd_stats *s;
	u32 h;

	/*
	 * The probe allocates the one row its command needs; the work, the
	 * rows of every queue the tag set has now.
	 */
	if (!gfpflags_allow_blocking(gfp))
		csd_slot_row_alloc(ns, hctx, gfp);
	else
		for (h = 0; h < csd_ns_queues(ns); h++)
			csd_slot_row_alloc(ns, h, gfp);
	/* Before publication (probe) or under ns->lock (work). */
	s = rcu_dereference_protected(ns->stats, !gfpflags_allow_blocking(gfp) ||
				      lockdep_is_held(&ns->lock));
	if (!s) {
		s = csd_epoch_unpark(ns);
		if (!s) {
			s = csd_stats_alloc(ns, ns->region_sectors, gfp);
			if (!s)
				return;
			s->gen = ++ns->next_gen;
		}
		rcu_assign_pointer(ns->stats, s);
	}
	if (gfpflags_allow_blocking(gfp))
		csd_stats_alloc_zones(s, gfp);
}

/*
 * True while a table of @ns is missing (an allocation failed) or a new
 * geometry waits for its epoch. Under ns->lock or csd_ns_mutex: an epoch
 * is replaced only under ns->lock, and freed only under csd_ns_mutex
 * (csd_ns_new_epoch(), the reaper's csd_epochs_free_retired()).
 */
static bool csd_ns_tables_missing(struct csd_ns *ns)
{
	struct csd_stats *s = rcu_dereference_protected(ns->stats,
			lockdep_is_held(&ns->lock) || lockdep_is_held(&csd_ns_mutex));

	u32 h;

	if (!s || (s->nr_regions && !rcu_access_pointer(s->zones)) ||
	    READ_ONCE(ns->regeom))
		return true;
	for (h = 0; h < csd_ns_queues(ns) && ns->depth; h++)
		if (!rcu_access_pointer(ns->slots[h]))
			return true;
	return false;
}

/*
 * Under ns->lock: a new epoch for @ns's geometry and @region_sectors, made
 * current. Returns the old one (to free after a grace period), NULL if
 * there was none, or an ERR_PTR.
 */
static struct csd_stats *csd_ns_swap_epoch(struct csd_ns *ns, u64 region_sectors,
					   bool unpark)
{
	u64 old_region = ns->region_sectors;
	struct csd_stats *old, *s;
	unsigned int row;

	lockdep_assert_held(&ns->lock);
	/*
	 * @unpark: the namespace's parked epoch, if the geometry is the one
	 * it had (on 6.1, a zoned namespace back after an nvme-core reload is
	 * first seen without its zone size; a resize or format starts anew).
	 */
	ns->region_sectors = region_sectors;
	s = unpark ? csd_epoch_unpark(ns) : NULL;
	if (s) {
		s->unparked = false;
	} else {
		s = csd_stats_alloc(ns, region_sectors, GFP_KERNEL);
		if (s && s->nr_regions && !rcu_access_pointer(s->zones)) {
			csd_stats_free(s);
			s = NULL;
		}
	}
	if (!s) {
		ns->region_sectors = old_region;
		return ERR_PTR(-ENOMEM);
	}
	old = rcu_dereference_protected(ns->stats, lockdep_is_held(&ns->lock));
	/* Rows busy in the old epoch get their histograms now, not in IRQ. */
	for (row = 0; old && row < CSD_NR_ROWS; row++)
		if (rcu_access_pointer(old->hist[row]))
			set_bit(row, s->hist_want);
	csd_hist_prealloc(s);
	s->gen = ++ns->next_gen;
	ns->region_sectors = region_sectors;
	rcu_assign_pointer(ns->stats, s);
	return old;
}

/* Whether @r sectors suit @ns's geometry as a region size (conventional). */
static bool csd_region_fits(const struct csd_ns *ns, u64 r)
{
	return r >= (1ULL << (ns->lba_shift - SECTOR_SHIFT)) &&
	       r <= max_t(u64, CSD_REGION_DEFAULT_SECTORS,
			  roundup_pow_of_two(max_t(u64, ns->capacity, 1))) &&
	       DIV64_U64_ROUND_UP(ns->capacity, r) <= CSD_REGIONS_MAX;
}

/*
 * Under ns->lock, from setup_work: the probe saw the disk's size or block
 * size change (a resize, a format). Read the geometry again and start an
 * epoch for it; until then the namespace's commands are counted as early.
 * A region size set with CSD_IOC_CONFIG is kept while it still fits.
 */
static void csd_ns_regeom(struct csd_ns *ns)
{
	struct request_queue *q = ns->q;
	struct gendisk *disk = READ_ONCE(q->disk);
	unsigned int lba_shift, old_shift = ns->lba_shift;
	u64 old_cap = ns->capacity, old_zs = ns->zone_sectors;
	u64 old_nz = ns->nr_zones, capacity, region, zs;
	struct csd_stats *old;

	if (!disk || csd_ns_is_dead(ns))
		goto clear;
	lba_shift = ilog2(queue_logical_block_size(q));
	capacity = get_capacity(disk);
	zs = ns->zoned ? q->limits.chunk_sectors : 0;
	/* A probe that read the fields just before they changed. */
	if (lba_shift == ns->lba_shift && capacity == ns->capacity && zs == ns->zone_sectors)
		goto clear;
	WRITE_ONCE(ns->lba_shift, lba_shift);
	WRITE_ONCE(ns->capacity, capacity);
	if (ns->zoned) {
		WRITE_ONCE(ns->zone_sectors, zs);
		ns->nr_zones = zs ? DIV_ROUND_UP_ULL(capacity, zs) : 0;
	}
	region = ns->region_sectors;
	if (ns->zoned || !csd_region_fits(ns, region))
		region = csd_ns_default_region(ns);
	/* A zone size learnt late (6.1) is no change: the parked epoch fits. */
	old = csd_ns_swap_epoch(ns, region, ns->zoned && !old_zs);
	if (IS_ERR(old)) {
		/*
		 * The old epoch stays, and so does the geometry it was made
		 * for: the reaper asks again, and the retry must see the
		 * change again.
		 */
		WRITE_ONCE(ns->lba_shift, old_shift);
		WRITE_ONCE(ns->capacity, old_cap);
		WRITE_ONCE(ns->zone_sectors, old_zs);
		ns->nr_zones = old_nz;
		return;
	}
	/*
	 * Once, when the new epoch is made (a failure is retried quietly);
	 * not for a zone size learnt late (6.1), which is no change.
	 */
	if (!ns->zoned || old_zs)
		pr_info("%s: geometry changed from %llu x %u B to %llu x %u B; new epoch\n",
			csd_ns_name(ns), old_cap >> (old_shift - SECTOR_SHIFT), 1U << old_shift,
			capacity >> (lba_shift - SECTOR_SHIFT), 1U << lba_shift);
	if (old)
		csd_epoch_retire(old);
clear:
	/*
	 * Cleared only now: until the new epoch is current, commands are
	 * early. A change after the read above is seen again by the probe,
	 * which compares the disk with the fields written here. Release:
	 * a probe that reads false (acquire) finds the new epoch.
	 */
	smp_store_release(&ns->regeom, false);
}

static void csd_ns_setup(struct work_struct *work)
{
	struct csd_ns *ns = container_of(work, struct csd_ns, setup_work);
	struct csd_stats *s;

	mutex_lock(&ns->lock);
	if (READ_ONCE(ns->regeom))
		csd_ns_regeom(ns);
	csd_ns_alloc_tables(ns, GFP_KERNEL, 0);
	s = rcu_dereference_protected(ns->stats, lockdep_is_held(&ns->lock));
	/*
	 * An epoch taken back from the park may have rows whose histogram
	 * work was cancelled when it was parked: their hist_want bits are
	 * set, so no completion asks again.
	 */
	if (s)
		csd_hist_prealloc(s);
	/* The reaper tries again every second; say it once. */
	if (!csd_ns_tables_missing(ns)) {
		WRITE_ONCE(ns->rows_wanted, false);
	} else if (!ns->alloc_warned) {
		pr_warn("%s: cannot allocate statistics yet; commands are counted as early until it can\n",
			csd_ns_name(ns));
		ns->alloc_warned = true;
	}
	mutex_unlock(&ns->lock);
	if (!ns->announced) {
		ns->announced = true;
		csd_ns_ev->added(ns);
	}
}

/*
 * Under csd_ns_mutex: give @ns the tables it lacks now, in process
 * context; -ENOMEM if that fails again.
 */
int csd_ns_ensure_tables(struct csd_ns *ns)
{
	int ret;

	lockdep_assert_held(&csd_ns_mutex);
	mutex_lock(&ns->lock);
	csd_ns_alloc_tables(ns, GFP_KERNEL, 0);
	ret = rcu_access_pointer(ns->stats) ? 0 : -ENOMEM;
	mutex_unlock(&ns->lock);
	return ret;
}

/*
 * The controller's name, nvme<instance>, and who it is: its subsystem's
 * NQN and its controller ID there. From nvme-core's private structs at
 * offsets read from BTF (the disk's parent device is not set yet when
 * the first commands of a new namespace, zone revalidation, run). The
 * name is what users see, but it is given in probe order and changes
 * when nvme-core is reloaded or a controller is rescanned while its old
 * instance is held; NQN and a PCIe controller's ID do not (see epoch.c;
 * a fabrics controller's ID is the target's choice at each connect).
 */
static void csd_ns_name_ctrl(struct csd_ns *ns, void *ctrl)
{
	int instance = ctrl ? *(int *)((u8 *)ctrl + CSD_NVME_CTRL_INSTANCE_OFF) : -1;
	void *subsys;

	ns->ctrl_instance = instance;
	snprintf(ns->ctrl_name, sizeof(ns->ctrl_name), "nvme%d", instance);
	ns->subnqn[0] = '\0';
	if (!ctrl)
		return;
	ns->cntlid = *(u16 *)((u8 *)ctrl + CSD_NVME_CTRL_CNTLID_OFF);
	/* Set before nvme-core scans namespaces; not yet for the admin queue. */
	subsys = READ_ONCE(*(void **)((u8 *)ctrl + CSD_NVME_CTRL_SUBSYS_OFF));
	/*
	 * The layout check (hooks.c) does not cover this pointer: copy
	 * without faulting, and take only an NQN nvme-core could have made
	 * (NUL-terminated within the array, "nqn." first).
	 */
	if (!subsys || !virt_addr_valid(subsys) ||
	    copy_from_kernel_nofault(ns->subnqn, (u8 *)subsys + CSD_NVME_SUBSYS_NQN_OFF,
				     CSD_NVME_SUBSYS_NQN_LEN) ||
	    !memchr(ns->subnqn, '\0', CSD_NVME_SUBSYS_NQN_LEN) ||
	    strncmp(ns->subnqn, "nqn.", 4))
		ns->subnqn[0] = '\0';
}

/*
 * The multipath head of a hidden path disk (nvmeXcYnZ), from nvme-core's
 * private structs at offsets read from BTF; the request in flight pins
 * the path's struct nvme_ns and, through it, the head. The head's disk is
 * referenced until the entry goes: exec opens it (a path disk has no
 * block device to open), and a trace of the head matches its paths.
 */
static struct gendisk *csd_ns_head_disk(struct request_queue *q, struct gendisk *disk)
{
#if CSD_NVME_HEAD_DISK_OFF >= 0
	struct gendisk *head_disk;
	void *head;

	if (!(disk->flags & GENHD_FL_HIDDEN) || !q->queuedata)
		return NULL;
	head = *(void **)((u8 *)q->queuedata + CSD_NVME_NS_HEAD_OFF);
	if (!head || !virt_addr_valid(head))
		return NULL;
	head_disk = *(struct gendisk **)((u8 *)head + CSD_NVME_HEAD_DISK_OFF);
	/*
	 * The layout check did not cover these two offsets: the head disk
	 * must point back to the head (nvme_mpath_alloc_disk() sets it)
	 * before csd takes a reference on it.
	 */
	if (!head_disk || !virt_addr_valid(head_disk) || head_disk->private_data != head)
		return NULL;
	get_device(disk_to_dev(head_disk));
	return head_disk;
#else
	return NULL;
#endif
}

/*
 * Called on the namespace's first command, possibly before add_disk(), or
 * when its disk is found (csd_ns_adopt()).
 */
static void csd_ns_describe(struct csd_ns *ns, struct request_queue *q,
			    void *ctrl, u32 nsid)
{
	struct gendisk *disk = q->disk;

	ns->q = q;
	ns->disk = disk;
	ns->nsid = nsid;
	ns->lba_shift = ilog2(queue_logical_block_size(q));
	ns->capacity = get_capacity(disk);
	ns->zoned = blk_queue_is_zoned(q);
	if (ns->zoned) {
		/* disk->nr_zones is set only once revalidation is done. */
		ns->zone_sectors = q->limits.chunk_sectors;
		ns->nr_zones = ns->zone_sectors ?
			DIV_ROUND_UP_ULL(ns->capacity, ns->zone_sectors) : 0;
	}
	ns->region_sectors = csd_ns_default_region(ns);
	strscpy(ns->disk_name, disk->disk_name, sizeof(ns->disk_name));
	csd_ns_name_ctrl(ns, ctrl);
	ns->head_disk = csd_ns_head_disk(q, disk);
}

/* An admin queue has no disk: it is named after its controller. */
static void csd_ns_describe_admin(struct csd_ns *ns, struct request_queue *q,
				  struct request *rq)
{
	ns->q = q;
	ns->admin = true;
	ns->lba_shift = SECTOR_SHIFT;
	csd_ns_name_ctrl(ns, csd_rq_ctrl(rq));
}

/*
 * A new, unpublished entry for @q, whose tag set is pinned by the caller
 * (a request in flight, or the disk being registered): @gfp says whether
 * it may sleep. NULL if memory is short.
 */
static struct csd_ns *csd_ns_alloc(struct request_queue *q, gfp_t gfp)
{
	struct csd_ns *ns;

	ns = kzalloc(sizeof(*ns), gfp | __GFP_NOWARN);
	if (!ns)
		return NULL;
	ns->pcpu = alloc_percpu_gfp(struct csd_ns_pcpu, gfp | __GFP_NOWARN);
	if (!ns->pcpu)
		goto err_free_ns;
	mutex_init(&ns->lock);
	INIT_WORK(&ns->setup_work, csd_ns_setup);
	/*
	 * Read the tag set's shape now. The depth is the tag set's for its
	 * lifetime; the queue count may grow (blk_mq_update_nr_hw_queues),
	 * up to one queue per CPU and type.
	 */
	ns->nr_hctx = max_t(u32, q->nr_hw_queues, nr_cpu_ids * HCTX_MAX_TYPES);
	ns->depth = q->tag_set ? q->tag_set->queue_depth : 0;
	ns->slots = kcalloc(ns->nr_hctx, sizeof(*ns->slots), gfp | __GFP_NOWARN);
	if (!ns->slots)
		goto err_free_pcpu;
	return ns;

err_free_pcpu:
	free_percpu(ns->pcpu);
err_free_ns:
	kfree(ns);
	return NULL;
}

/*
 * Publish @ns (any context). If another CPU published an entry for its
 * queue first, or the queue is going, @ns is freed and the other entry
 * (or NULL) returned.
 */
static struct csd_ns *csd_ns_publish(struct csd_ns *ns)
{
	struct request_queue *q = ns->q;
	struct csd_ns *old;
	unsigned long flags;

	spin_lock_irqsave(&csd_ns_lock, flags);
	old = csd_ns_lookup(q);
	if (old || csd_ns_closing)
		goto err_unlock;
	if (!blk_get_queue(q))
		goto err_unlock;
	ns->id = csd_ns_next_id++;
	csd_ns_nr++;
	hlist_add_head_rcu(&ns->hnode, csd_ns_bucket(q));
	list_add_tail_rcu(&ns->node, &csd_ns_list);
	schedule_work(&ns->setup_work);
	spin_unlock_irqrestore(&csd_ns_lock, flags);
	return ns;

err_unlock:
	spin_unlock_irqrestore(&csd_ns_lock, flags);
	csd_ns_free_unpublished(ns);
	return old;
}

/*
 * Called from the submission probe on the first request of a queue that
 * csd has no entry for (one created after load, before its disk was
 * added: zone revalidation; or an admin queue), in atomic context:
 * allocate with GFP_ATOMIC and leave what fails to a work item. Losing
 * the race to another CPU is fine; the loser frees its copy. Failure is
 * counted by the caller.
 */
struct csd_ns *csd_ns_get_or_create(struct request_queue *q, struct request *rq,
				    struct nvme_command *cmd)
{
	struct csd_ns *ns;

	if (blk_queue_dying(q) || (q->disk && test_bit(GD_DEAD, &q->disk->state)))
		return NULL;
	/*
	 * Of a controller's queues without a disk, only the admin queue is
	 * an entry: a fabrics controller's connect and fabrics queues carry
	 * its Connect and Property commands, which only the global admin
	 * counters count.
	 */
	if (!q->disk && *(void **)((u8 *)csd_rq_ctrl(rq) + CSD_NVME_CTRL_ADMIN_Q_OFF) != q)
		return NULL;

	ns = csd_ns_alloc(q, GFP_ATOMIC);
	if (!ns)
		return NULL;
	if (q->disk)
		csd_ns_describe(ns, q, csd_rq_ctrl(rq), le32_to_cpu(cmd->common.nsid));
	else
		csd_ns_describe_admin(ns, q, rq);
	csd_ns_alloc_tables(ns, GFP_ATOMIC | __GFP_NOWARN, rq->mq_hctx->queue_num);
	return csd_ns_publish(ns);
}

/*
 * The nvme-core disk @disk, registered (discover.c): give it an entry
 * now, in process context, with all its tables, so that an idle namespace
 * is listed and its first command is counted like any other. Its tag set
 * and struct nvme_ns are pinned by the caller: the block class's mutex
 * holds off the disk's device_del(), and nvme-core frees neither before
 * del_gendisk() has returned. The queue may be dying already (checked).
 * No command has checked nvme-core's layout on this queue yet, so the
 * private structs are checked against each other first: the namespace
 * must point back to the disk and its queue, and its controller own the
 * queue's tag set. The first command checks the
 * request's layout as for any other entry (ns->unchecked).
 */
int csd_ns_adopt(struct gendisk *disk)
{
	struct request_queue *q = disk->queue;
	u8 *nvme_ns = q->queuedata;
	struct csd_ns *ns, *found;
	void *ctrl, *head;

	/* A multipath head (bio-based) is counted through its paths. */
	if (!queue_is_mq(q) || !q->tag_set || !nvme_ns || !virt_addr_valid(nvme_ns))
		return -ENODEV;
	if (*(void **)(nvme_ns + CSD_NVME_NS_QUEUE_OFF) != q ||
	    *(void **)(nvme_ns + CSD_NVME_NS_DISK_OFF) != disk)
		return -EPROTO;
	ctrl = *(void **)(nvme_ns + CSD_NVME_NS_CTRL_OFF);
	if (!ctrl || !virt_addr_valid(ctrl) ||
	    *(void **)((u8 *)ctrl + CSD_NVME_CTRL_TAGSET_OFF) != q->tag_set)
		return -EPROTO;
	head = *(void **)(nvme_ns + CSD_NVME_NS_HEAD_OFF);
	if (!head || !virt_addr_valid(head))
		return -EPROTO;
	if (blk_queue_dying(q) || test_bit(GD_DEAD, &disk->state))
		return 0;
	rcu_read_lock();
	found = csd_ns_lookup(q);
	rcu_read_unlock();
	if (found)
		return 0;

	ns = csd_ns_alloc(q, GFP_KERNEL);
	if (!ns)
		return -ENOMEM;
	csd_ns_describe(ns, q, ctrl, *(u32 *)((u8 *)head + CSD_NVME_HEAD_NSID_OFF));
	ns->unchecked = true;
	/* Unpublished; the lock only for what csd_ns_alloc_tables() asserts. */
	mutex_lock(&ns->lock);
	csd_ns_alloc_tables(ns, GFP_KERNEL, 0);
	mutex_unlock(&ns->lock);
	csd_ns_publish(ns);
	return 0;
}

unsigned int csd_ns_count(void)
{
	return READ_ONCE(csd_ns_nr);
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

void csd_ns_pcpu_sum(const struct csd_ns *ns, struct csd_ns_pcpu *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct csd_ns_pcpu *c = per_cpu_ptr(ns->pcpu, cpu);

		sum->early += READ_ONCE(c->early);
		sum->unmatched += READ_ONCE(c->unmatched);
		sum->stale += READ_ONCE(c->stale);
		sum->requeued += READ_ONCE(c->requeued);
	}
}

u64 csd_ns_mem(const struct csd_ns *ns)
{
	const struct csd_stats *s;
	u64 mem = sizeof(*ns) + sizeof(struct csd_ns_pcpu) * nr_cpu_ids;

	mem += (u64)ns->nr_hctx * sizeof(void *) +
	       (u64)READ_ONCE(ns->slot_rows) * ns->depth * sizeof(struct csd_slot);
	rcu_read_lock();
	s = rcu_dereference(ns->stats);
	if (s)
		mem += atomic64_read(&s->mem);
	rcu_read_unlock();
	return mem;
}

u64 csd_mem_total(void)
{
	struct csd_ns *ns;
	u64 mem = sizeof(struct csd_global_pcpu) * nr_cpu_ids;

	rcu_read_lock();
	list_for_each_entry_rcu(ns, &csd_ns_list, node)
		mem += csd_ns_mem(ns);
	rcu_read_unlock();
	/*
	 * Parked epochs of namespaces that went away, retired ones, trace
	 * rings, offload executions' memory.
	 */
	return mem + csd_epochs_kept_mem() + csd_trace_mem_bytes() +
	       csd_exec_mem_bytes();
}

/* Called under RCU or csd_ns_mutex. */
void csd_ns_fill_entry(const struct csd_ns *ns, struct csd_ns_entry *e)
{
	const struct csd_stats *s;
	struct csd_ns_pcpu sum;

	memset(e, 0, sizeof(*e));
	e->id = ns->id;
	e->nsid = ns->nsid;
	strscpy(e->disk, ns->disk_name, sizeof(e->disk));
	strscpy(e->ctrl, ns->ctrl_name, sizeof(e->ctrl));
	e->flags = (ns->zoned ? CSD_NS_F_ZONED : 0) |
		   (csd_ns_is_dead(ns) ? CSD_NS_F_DEAD : 0) |
		   (READ_ONCE(ns->disabled) ? CSD_NS_F_DISABLED : 0) |
		   (ns->admin ? CSD_NS_F_ADMIN : 0) |
		   (ns->zoned && ns->region_sectors > ns->zone_sectors ? CSD_NS_F_FOLDED : 0);
	e->lba_shift = ns->lba_shift;
	e->capacity = ns->capacity;
	e->zone_sectors = ns->zone_sectors;
	e->nr_zones = ns->nr_zones;
	rcu_read_lock();
	s = rcu_dereference(ns->stats);
	if (s) {
		csd_stats_totals(s, &e->submitted, &e->completed, &e->aborted);
		e->region_sectors = s->region_sectors;
		e->nr_regions = s->nr_regions;
	}
	if (!s || READ_ONCE(ns->regeom))
		e->flags |= CSD_NS_F_PENDING;
	rcu_read_unlock();
	e->mem_bytes = csd_ns_mem(ns);
	csd_ns_pcpu_sum(ns, &sum);
	e->early = sum.early;
	e->unmatched = sum.unmatched;
	e->stale = sum.stale;
	e->requeued = sum.requeued;
}

/* A region size for csd_ns_new_epoch(): the current one, read under ns->lock. */
#define CSD_REGION_CURRENT	U64_MAX

/* Replace the epoch: new statistics, optionally with a new region size. */
static int csd_ns_new_epoch(struct csd_ns *ns, u64 region_sectors)
{
	struct csd_stats *old;

	mutex_lock(&ns->lock);
	if (region_sectors == CSD_REGION_CURRENT)
		region_sectors = ns->region_sectors;
	/*
	 * A new region size (CSD_IOC_CONFIG) is checked under ns->lock, which
	 * a geometry change (setup_work) holds; the current one always fits
	 * (a geometry change picks another if not), and an admin entry's is 0.
	 */
	if (region_sectors != ns->region_sectors && !ns->zoned &&
	    !csd_region_fits(ns, region_sectors))
		old = ERR_PTR(-ERANGE);
	else
		old = csd_ns_swap_epoch(ns, region_sectors, false);
	/*
	 * No epoch before (setup_work has not run, or could not allocate
	 * one): this one is the first. The command slots too, if missing.
	 */
	if (!IS_ERR(old))
		csd_ns_alloc_tables(ns, GFP_KERNEL, 0);
	mutex_unlock(&ns->lock);
	if (IS_ERR(old))
		return PTR_ERR(old);
	if (old) {
		synchronize_rcu();
		csd_stats_free(old);
	}
	return 0;
}

int csd_ns_reset(struct csd_ns *ns)
{
	int cpu, ret;

	/* A geometry change (setup_work) may be changing the region now. */
	ret = csd_ns_new_epoch(ns, CSD_REGION_CURRENT);
	if (ret)
		return ret;
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(ns->pcpu, cpu), 0, sizeof(struct csd_ns_pcpu));
	return 0;
}

/* Reset of every namespace: parked epochs are dropped too. */
void csd_ns_reset_parked(void)
{
	csd_epochs_free_parked();
}

int csd_ns_configure(struct csd_ns *ns, const struct csd_config *cfg)
{
	int ret = 0;

	if (cfg->flags & CSD_CFG_F_REGION) {
		u64 r = cfg->region_sectors;

		if (ns->zoned || ns->admin)
			return -EINVAL;
		/* The geometry's bounds: csd_ns_new_epoch(), under ns->lock. */
		if (r < CSD_REGION_MIN_SECTORS || !is_power_of_2(r))
			return -ERANGE;
		ret = csd_ns_new_epoch(ns, r);
		if (ret)
			return ret;
	}
	if (cfg->flags & CSD_CFG_F_ENABLE)
		WRITE_ONCE(ns->disabled, false);
	if (cfg->flags & CSD_CFG_F_DISABLE)
		WRITE_ONCE(ns->disabled, true);
	return 0;
}

/*
 * Unlink every entry for which @pred holds; free them after a grace period,
 * parking their epochs if @park.
 */
static void csd_ns_remove_if(bool (*pred)(struct csd_ns *ns), bool park)
{
	struct csd_ns *ns, *tmp;
	unsigned long flags;
	LIST_HEAD(gone);

	mutex_lock(&csd_ns_mutex);
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

	if (!list_empty(&gone)) {
		/* Probes and readers may still hold the entries. */
		synchronize_rcu();
		list_for_each_entry_safe(ns, tmp, &gone, reap_node)
			csd_ns_free(ns, park);
	}
	mutex_unlock(&csd_ns_mutex);
}

static bool csd_ns_dead_twice(struct csd_ns *ns)
{
	bool dead = csd_ns_is_dead(ns);
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
	struct csd_ns *ns;

	csd_ns_remove_if(csd_ns_dead_twice, true);
	/* A table an allocation failure left out: try again. */
	mutex_lock(&csd_ns_mutex);
	csd_epochs_free_retired();
	list_for_each_entry_rcu(ns, &csd_ns_list, node, lockdep_is_held(&csd_ns_mutex)) {
		if (csd_ns_is_dead(ns))
			continue;
		/*
		 * A zoned namespace first seen before its zone size was set
		 * (6.1 issues its first commands before): no command may
		 * come to notice it, so the reaper does.
		 */
		if (ns->zoned && !READ_ONCE(ns->zone_sectors) &&
		    READ_ONCE(ns->q->limits.chunk_sectors))
			csd_geometry_changed(ns, ns->q);
		/* And a geometry change whose epoch could not be allocated. */
		if (csd_ns_tables_missing(ns))
			schedule_work(&ns->setup_work);
	}
	mutex_unlock(&csd_ns_mutex);
	if (!READ_ONCE(csd_ns_closing))
		schedule_delayed_work(&csd_reap_work, CSD_REAP_INTERVAL);
}

/* Drop every namespace now; no probe may run. */
void csd_ns_forget_all(void)
{
	csd_ns_remove_if(csd_ns_any, false);
}

/*
 * nvme_core goes (no probe may run): drop every namespace, but keep their
 * statistics for when they come back (the reaper does the same for
 * namespaces removed one by one).
 */
void csd_ns_park_all(void)
{
	csd_ns_remove_if(csd_ns_any, true);
}

int csd_ns_init(const struct csd_ns_events *ev)
{
	csd_ns_ev = ev;
	schedule_delayed_work(&csd_reap_work, CSD_REAP_INTERVAL);
	return 0;
}

/* Called after the probes are detached and no probe can run any more. */
void csd_ns_exit(void)
{
	WRITE_ONCE(csd_ns_closing, true);
	cancel_delayed_work_sync(&csd_reap_work);
	csd_ns_forget_all();
	csd_epochs_free_parked();
	csd_epochs_free_retired();
}
