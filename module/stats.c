// SPDX-License-Identifier: GPL-2.0
/*
 * csd: per-request accounting.
 *
 * The submission probe stamps a per-tag slot with the time and the epoch.
 * The completion probe matches the completion with its slot and decodes
 * it once into a struct csd_completion (csd_complete_match()), which the
 * trace, the completion program and csd_account_complete() read in turn;
 * the last updates the epoch's per-CPU row (operation x size class), the
 * row's per-CPU histogram, the zone, and on error the status table.
 * Nothing here sleeps, allocates or takes a lock: per-CPU adds, a few
 * atomics on the zone, and RCU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/log2.h>
#include <linux/nvme.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include "csd.h"
#include "nvme_layout.h"

#define CSD_NVME_CMD_COPY	0x19

static_assert(sizeof(struct csd_zone) <= 1024);

static const char * const csd_op_names[CSD_OP_NR] = CSD_OP_NAMES;
static const char * const csd_sz_names[CSD_SZ_NR] = CSD_SZ_NAMES;

const char *csd_op_name(unsigned int op)
{
	return op < CSD_OP_NR ? csd_op_names[op] : "?";
}

const char *csd_sz_name(unsigned int sc)
{
	return sc < CSD_SZ_NR ? csd_sz_names[sc] : "?";
}

static u8 csd_size_class(u64 bytes)
{
	if (!bytes)
		return CSD_SZ_NONE;
	if (bytes <= SZ_4K)
		return CSD_SZ_4K;
	if (bytes <= SZ_16K)
		return CSD_SZ_16K;
	if (bytes <= SZ_64K)
		return CSD_SZ_64K;
	if (bytes <= SZ_256K)
		return CSD_SZ_256K;
	if (bytes <= SZ_1M)
		return CSD_SZ_1M;
	return CSD_SZ_BIG;
}

void csd_decode(const struct csd_ns *ns, const struct nvme_command *cmd,
		struct csd_cmd_info *ci)
{
	bool rw = false;

	ci->opcode = cmd->common.opcode;
	ci->ranged = false;
	ci->select_all = false;
	ci->bytes = 0;
	ci->sc = CSD_SZ_NONE;
	if (ns->admin) {
		/* Admin opcodes overlap I/O ones: count them by number. */
		ci->op = CSD_OP_OTHER;
		return;
	}
	switch (ci->opcode) {
	case nvme_cmd_read:
		ci->op = CSD_OP_READ;
		rw = true;
		break;
	case nvme_cmd_write:
		ci->op = CSD_OP_WRITE;
		rw = true;
		break;
	case nvme_cmd_zone_append:
		ci->op = CSD_OP_APPEND;
		rw = true;
		break;
	case nvme_cmd_flush:
		ci->op = CSD_OP_FLUSH;
		break;
	case nvme_cmd_write_uncor:
		ci->op = CSD_OP_WRITE_UNCOR;
		rw = true;
		break;
	case nvme_cmd_compare:
		ci->op = CSD_OP_COMPARE;
		rw = true;
		break;
	case nvme_cmd_write_zeroes:
		ci->op = CSD_OP_WRITE_ZEROES;
		rw = true;
		break;
	case nvme_cmd_verify:
		ci->op = CSD_OP_VERIFY;
		rw = true;
		break;
	case nvme_cmd_dsm:
		ci->op = CSD_OP_DSM;
		break;
	case CSD_NVME_CMD_COPY:
		/* Destination range; the sources are in the data buffer. */
		ci->op = CSD_OP_COPY;
		ci->slba = le64_to_cpu(cmd->rw.slba);
		ci->ranged = true;
		break;
	case nvme_cmd_zone_mgmt_send:
		switch (cmd->zms.zsa) {
		case NVME_ZONE_CLOSE:
			ci->op = CSD_OP_ZONE_CLOSE;
			break;
		case NVME_ZONE_FINISH:
			ci->op = CSD_OP_ZONE_FINISH;
			break;
		case NVME_ZONE_OPEN:
			ci->op = CSD_OP_ZONE_OPEN;
			break;
		case NVME_ZONE_RESET:
			ci->op = CSD_OP_ZONE_RESET;
			break;
		case NVME_ZONE_OFFLINE:
			ci->op = CSD_OP_ZONE_OFFLINE;
			break;
		default:
			ci->op = CSD_OP_ZONE_SEND_OTHER;
			break;
		}
		ci->slba = le64_to_cpu(cmd->zms.slba);
		ci->ranged = true;
		ci->select_all = cmd->zms.select_all & 1;
		break;
	case nvme_cmd_zone_mgmt_recv:
		ci->op = CSD_OP_ZONE_RECV;
		ci->slba = le64_to_cpu(cmd->zmr.slba);
		ci->ranged = true;
		break;
	default:
		ci->op = CSD_OP_OTHER;
		break;
	}
	if (rw) {
		ci->slba = le64_to_cpu(cmd->rw.slba);
		ci->bytes = ((u64)le16_to_cpu(cmd->rw.length) + 1) << ns->lba_shift;
		ci->ranged = true;
	}
	ci->sc = csd_size_class(ci->bytes);
}

struct csd_slot *csd_slot_of(struct csd_ns *ns, struct request *rq)
{
	unsigned int h = rq->mq_hctx->queue_num;
	struct csd_slot *row;

	if (unlikely(!ns->slots || h >= ns->nr_hctx || rq->tag < 0 ||
		     rq->tag >= ns->depth))
		return NULL;
	row = rcu_dereference(ns->slots[h]);
	return likely(row) ? &row[rq->tag] : NULL;
}

/* The zone (region) of a command, or U32_MAX if it has none. */
u32 csd_zone_of(const struct csd_stats *s, const struct csd_cmd_info *ci)
{
	unsigned int shift = s->ns->lba_shift - SECTOR_SHIFT;
	u64 zi;

	if (!ci->ranged || ci->select_all || !s->nr_regions ||
	    (shift && ci->slba >> (64 - shift)))
		return U32_MAX;
	zi = (ci->slba << shift) >> s->region_shift;
	return zi < s->nr_regions ? zi : U32_MAX;
}

/* Bytes of the LBA range, or else of the data buffer. */
u64 csd_cmd_bytes(const struct csd_cmd_info *ci, struct request *rq)
{
	return ci->bytes ? ci->bytes : blk_rq_bytes(rq);
}

/*
 * True when @ns's size or block size is no longer the one its epoch was
 * made for (a resize, a format): its commands are early until setup_work
 * has made the epoch of the new geometry. The driver changes the geometry
 * with the queue frozen, so no command of the old one is in flight.
 */
static bool csd_geometry_changed(struct csd_ns *ns, struct request_queue *q)
{
	struct gendisk *disk = READ_ONCE(q->disk);
	bool pending;

	if (ns->admin || !disk)
		return false;
	/* Pairs with the release in csd_ns_regeom(): the epoch read next is the new one. */
	pending = smp_load_acquire(&ns->regeom);
	if (likely(!pending &&
		   get_capacity(disk) == READ_ONCE(ns->capacity) &&
		   queue_logical_block_size(q) == 1U << READ_ONCE(ns->lba_shift)))
		return false;
	if (!pending) {
		WRITE_ONCE(ns->regeom, true);
		/* Once: the reaper retries a work that could not allocate. */
		queue_work(system_wq, &ns->setup_work);
	}
	return true;
}

void csd_account_setup(struct csd_ns *ns, struct request *rq,
		       struct nvme_command *cmd)
{
	bool regeom = csd_geometry_changed(ns, rq->q);
	struct csd_stats *s = rcu_dereference(ns->stats);
	struct csd_slot *slot = csd_slot_of(ns, rq);

	if (unlikely(!s || !slot || regeom)) {
		this_cpu_inc(ns->pcpu->early);
		/*
		 * A queue added since (blk_mq_update_nr_hw_queues): its row
		 * is the work's. Asked once; the reaper retries a failure.
		 */
		if (s && !slot && !READ_ONCE(ns->rows_wanted)) {
			WRITE_ONCE(ns->rows_wanted, true);
			queue_work(system_wq, &ns->setup_work);
		}
		return;
	}
	if (unlikely(slot->start_ns) && slot->gen == s->gen) {
		/*
		 * A slot still taken. nvme-core moves a request's command id
		 * generation only at completion, so the same id is the same
		 * request set up again: its setup or the driver's mapping
		 * failed after the tracepoint (BLK_STS_RESOURCE) and blk-mq
		 * dispatches it anew. It never reached the device: counted
		 * apart, and submitted once. Another id: the slot's command
		 * left the driver without a completion.
		 */
		if (slot->cid == cmd->common.command_id) {
			this_cpu_inc(ns->pcpu->requeued);
			slot->start_ns = ktime_get_ns();
			return;
		}
		this_cpu_inc(s->tot->aborted);
	}
	slot->gen = s->gen;
	slot->cid = cmd->common.command_id;
	slot->start_ns = ktime_get_ns();
	this_cpu_inc(s->tot->submitted);
}

static void csd_atomic64_max(atomic64_t *v, u64 x)
{
	s64 old = atomic64_read(v);

	while ((u64)old < x && !atomic64_try_cmpxchg(v, &old, x))
		;
}

static void csd_this_cpu_min_max(struct csd_row_pcpu __percpu *r, u64 lat)
{
	u64 old;

	old = this_cpu_read(r->lat_min);
	while (lat < old) {
		u64 prev = this_cpu_cmpxchg(r->lat_min, old, lat);

		if (prev == old)
			break;
		old = prev;
	}
	old = this_cpu_read(r->lat_max);
	while (lat > old) {
		u64 prev = this_cpu_cmpxchg(r->lat_max, old, lat);

		if (prev == old)
			break;
		old = prev;
	}
}

static void csd_status_count(struct csd_stats *s, const struct csd_cmd_info *ci,
			     u16 status)
{
	int key = BIT(31) | ci->op << 19 | ci->opcode << 11 | status;
	unsigned int i, h = hash_32(key, 6);

	for (i = 0; i < CSD_STATUS_SLOTS; i++) {
		struct csd_status_slot *e = &s->status[(h + i) % CSD_STATUS_SLOTS];
		int cur = atomic_read(&e->key);

		if (!cur && atomic_try_cmpxchg(&e->key, &cur, key))
			cur = key;
		if (cur == key) {
			atomic64_inc(&e->count);
			return;
		}
	}
	atomic64_inc(&s->errors_other);
}

/* A zone management action's counter in @z, or NULL for another op. */
static atomic_t *csd_zone_action(struct csd_zone *z, u8 op)
{
	switch (op) {
	case CSD_OP_ZONE_OPEN:
		return &z->opens;
	case CSD_OP_ZONE_CLOSE:
		return &z->closes;
	case CSD_OP_ZONE_FINISH:
		return &z->finishes;
	case CSD_OP_ZONE_RESET:
		return &z->resets;
	case CSD_OP_ZONE_OFFLINE:
		return &z->offlines;
	default:
		return NULL;
	}
}

static void csd_zone_account(const struct csd_completion *c)
{
	const struct csd_cmd_info *ci = &c->ci;
	struct csd_stats *s = c->s;
	struct csd_zone *zones = rcu_dereference(s->zones);
	bool error = c->status;
	u64 lat = c->lat_ns;
	struct csd_zone *z;
	atomic_t *action;
	int zio;

	if (!ci->ranged || !s->nr_regions)
		return;
	if (unlikely(!zones)) {
		atomic64_inc(&s->zone_unbinned);
		return;
	}

	if (ci->select_all && s->ns->zoned) {
		/*
		 * Every zone: counted once, in the epoch's all-zones record,
		 * which the readers add to each zone. Never a loop over the
		 * zones here, in interrupt context.
		 */
		z = &s->all_zones;
		if (error)
			atomic_inc(&z->errors);
		action = csd_zone_action(z, ci->op);
		if (action)
			atomic_inc(action);
		return;
	}

	if (c->zone == U32_MAX)
		return;		/* out of any range: the device says so */
	z = &zones[c->zone];
	if (error)
		atomic_inc(&z->errors);
	switch (ci->op) {
	case CSD_OP_READ:
		zio = CSD_ZIO_READ;
		break;
	case CSD_OP_WRITE:
		zio = CSD_ZIO_WRITE;
		break;
	case CSD_OP_APPEND:
		zio = CSD_ZIO_APPEND;
		break;
	default:
		action = csd_zone_action(z, ci->op);
		if (action)
			atomic_inc(action);
		return;
	}
	atomic64_inc(&z->count[zio]);
	atomic64_add(ci->bytes, &z->bytes[zio]);
	atomic64_add(lat, &z->lat_sum[zio]);
	csd_atomic64_max(&z->lat_max[zio], lat);
	atomic_inc(&z->hist[zio][csd_hist_index(lat, CSD_ZHIST_FIRST_SHIFT,
						CSD_ZHIST_SUB_BITS)]);
}

static void csd_atomic64_min(atomic64_t *v, u64 x)
{
	s64 old = atomic64_read(v);

	while ((u64)old > x && !atomic64_try_cmpxchg(v, &old, x))
		;
}

static void csd_admin_account(struct csd_admin_op *a, u64 lat, u16 status)
{
	atomic64_inc(&a->count);
	if (status)
		atomic64_inc(&a->errors);
	atomic64_add(lat, &a->lat_sum);
	csd_atomic64_min(&a->lat_min, lat);
	csd_atomic64_max(&a->lat_max, lat);
}

/*
 * Match a completion with its submission's slot. True, with @c filled in
 * and the command counted completed, when it belongs to the current epoch;
 * false when it is counted unmatched or stale instead.
 */
bool csd_complete_match(struct csd_ns *ns, struct request *rq,
			struct csd_completion *c)
{
	struct csd_stats *s = rcu_dereference(ns->stats);
	struct csd_slot *slot = csd_slot_of(ns, rq);
	struct nvme_command *cmd = csd_rq_cmd(rq);
	u64 start;
	u32 gen;

	/*
	 * Not stamped: not seen submitted, or submitted while disabled. Or
	 * stamped for another command: nvme-core completes requests it never
	 * set up (a host path error on a controller that is not live), and
	 * the tag's slot may still hold the stamp of a command whose setup
	 * failed after the tracepoint; that stamp stays for its own account.
	 */
	if (unlikely(!slot || !slot->start_ns || slot->cid != cmd->common.command_id)) {
		if (!READ_ONCE(ns->disabled))
			this_cpu_inc(ns->pcpu->unmatched);
		return false;
	}
	/* Stamped while enabled: its completion is counted even if disabled now. */
	start = slot->start_ns;
	gen = slot->gen;
	slot->start_ns = 0;
	if (unlikely(!s || gen != s->gen)) {
		this_cpu_inc(ns->pcpu->stale);
		return false;
	}
	c->ns = ns;
	c->s = s;
	c->rq = rq;
	c->cmd = cmd;
	c->now_ns = ktime_get_ns();
	c->lat_ns = c->now_ns - start;
	if (unlikely((s64)c->lat_ns < 0))
		c->lat_ns = 0;
	csd_decode(ns, cmd, &c->ci);
	c->zone = csd_zone_of(s, &c->ci);
	c->status = csd_rq_status(rq);
	c->retries = csd_rq_retries(rq);
	this_cpu_inc(s->tot->completed);
	return true;
}

/*
 * Count a matched completion in its epoch, after its completion program
 * (if any) gave @verdict: CSD_BPF_DROP keeps it out of the rows and
 * zones, 1..CSD_BPF_CLASSES puts it in a class as well.
 */
void csd_account_complete(const struct csd_completion *c, int verdict)
{
	const struct csd_cmd_info *ci = &c->ci;
	unsigned int row = ci->op * CSD_SZ_NR + ci->sc;
	struct csd_stats *s = c->s;
	struct csd_row_pcpu __percpu *r = s->rows + row;
	struct csd_hist_pcpu __percpu *h;
	u64 lat = c->lat_ns;

	if (unlikely(verdict)) {
		if (verdict == CSD_BPF_DROP) {
			this_cpu_inc(s->tot->dropped);
			return;
		}
		if (verdict > 0 && verdict <= CSD_BPF_CLASSES) {
			this_cpu_inc(s->tot->class_count[verdict - 1]);
			this_cpu_add(s->tot->class_lat_sum[verdict - 1], lat);
		}
	}
	this_cpu_inc(r->count);
	this_cpu_add(r->bytes, ci->bytes);
	this_cpu_add(r->lat_sum, lat);
	csd_this_cpu_min_max(r, lat);
	if (unlikely(c->retries))
		this_cpu_inc(r->retries);
	if (unlikely(ci->op == CSD_OP_OTHER))
		this_cpu_inc(s->tot->other_opcode[ci->opcode]);

	h = rcu_dereference(s->hist[row]);
	if (likely(h)) {
		this_cpu_inc(h->b[csd_hist_index(lat, CSD_HIST_FIRST_SHIFT,
						 CSD_HIST_SUB_BITS)]);
	} else {
		/* A row's first commands: its histogram comes from a work item. */
		this_cpu_inc(r->unbinned);
		if (!test_and_set_bit(row, s->hist_want))
			queue_work(system_wq, &s->hist_work);
	}

	if (unlikely(c->status)) {
		this_cpu_inc(r->errors);
		csd_status_count(s, ci, c->status);
	}
	if (unlikely(s->admin))
		csd_admin_account(&s->admin[ci->opcode], lat, c->status);
	else
		csd_zone_account(c);
}

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

void csd_stats_totals(const struct csd_stats *s, u64 *submitted,
		      u64 *completed, u64 *aborted)
{
	int cpu;

	*submitted = *completed = *aborted = 0;
	for_each_possible_cpu(cpu) {
		const struct csd_tot_pcpu *t = per_cpu_ptr(s->tot, cpu);

		*submitted += READ_ONCE(t->submitted);
		*completed += READ_ONCE(t->completed);
		*aborted += READ_ONCE(t->aborted);
	}
}

void csd_stats_classes(const struct csd_stats *s, u64 *dropped, u64 *count,
		       u64 *lat_sum)
{
	int cpu, i;

	*dropped = 0;
	for (i = 0; i < CSD_BPF_CLASSES; i++) {
		count[i] = 0;
		lat_sum[i] = 0;
	}
	for_each_possible_cpu(cpu) {
		const struct csd_tot_pcpu *t = per_cpu_ptr(s->tot, cpu);

		*dropped += READ_ONCE(t->dropped);
		for (i = 0; i < CSD_BPF_CLASSES; i++) {
			count[i] += READ_ONCE(t->class_count[i]);
			lat_sum[i] += READ_ONCE(t->class_lat_sum[i]);
		}
	}
}

u64 csd_other_count(const struct csd_stats *s, unsigned int opcode)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(s->tot, cpu)->other_opcode[opcode]);
	return n;
}

void csd_row_sum(const struct csd_stats *s, unsigned int row,
		 struct csd_row_pcpu *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	sum->lat_min = U64_MAX;
	for_each_possible_cpu(cpu) {
		const struct csd_row_pcpu *r = per_cpu_ptr(s->rows, cpu) + row;

		sum->count += READ_ONCE(r->count);
		sum->bytes += READ_ONCE(r->bytes);
		sum->errors += READ_ONCE(r->errors);
		sum->retries += READ_ONCE(r->retries);
		sum->unbinned += READ_ONCE(r->unbinned);
		sum->lat_sum += READ_ONCE(r->lat_sum);
		sum->lat_min = min(sum->lat_min, READ_ONCE(r->lat_min));
		sum->lat_max = max(sum->lat_max, READ_ONCE(r->lat_max));
	}
	if (!sum->count)
		sum->lat_min = 0;
}

/* Add a row's histogram into @out (CSD_HIST_BUCKETS); -ENOENT if none. */
int csd_row_hist(const struct csd_stats *s, unsigned int row, u64 *out)
{
	struct csd_hist_pcpu __percpu *h;
	int cpu, i;

	rcu_read_lock();
	h = rcu_dereference(s->hist[row]);
	if (!h) {
		rcu_read_unlock();
		return -ENOENT;
	}
	for_each_possible_cpu(cpu) {
		const u64 *b = per_cpu_ptr(h, cpu)->b;

		for (i = 0; i < CSD_HIST_BUCKETS; i++)
			out[i] += READ_ONCE(b[i]);
	}
	rcu_read_unlock();
	return 0;
}

u64 csd_hist_mid(unsigned int b, unsigned int first, unsigned int sub)
{
	unsigned int last = (CSD_HIST_MAX_SHIFT - first + 1) << sub;
	unsigned int j, k;
	u64 low, width;

	if (b >= last)
		return 1ULL << CSD_HIST_MAX_SHIFT;
	if (b < (1U << sub)) {
		width = 1ULL << (first - sub);
		return ((u64)b << (first - sub)) + width / 2;
	}
	j = b >> sub;
	k = first + j - 1;
	width = 1ULL << (k - sub);
	low = (1ULL << k) + (u64)(b & ((1U << sub) - 1)) * width;
	return low + width / 2;
}

/* The value at rank ceil(count * num / den): its bucket's midpoint. */
u64 csd_hist_pct(const u64 *b, unsigned int n, u64 count, unsigned int first,
		 unsigned int sub, u32 num, u32 den)
{
	u64 rank, cum = 0;
	unsigned int i;

	if (!count)
		return 0;
	rank = div64_u64(count * num + den - 1, den);
	if (!rank)
		rank = 1;
	for (i = 0; i < n; i++) {
		cum += b[i];
		if (cum >= rank)
			return csd_hist_mid(i, first, sub);
	}
	return csd_hist_mid(n - 1, first, sub);
}

static const u32 csd_pct_num[CSD_PCT_NR] = { 50, 90, 99, 999, 9999 };
static const u32 csd_pct_den[CSD_PCT_NR] = { 100, 100, 100, 1000, 10000 };

/*
 * Fill a uapi row (percentiles only for a row with commands); @tmp holds
 * CSD_HIST_BUCKETS u64s of scratch.
 */
void csd_fill_row(const struct csd_stats *s, unsigned int row, u64 *tmp,
		  struct csd_stat_row *r)
{
	struct csd_row_pcpu sum;
	u64 binned;
	int i;

	csd_row_sum(s, row, &sum);
	memset(r, 0, sizeof(*r));
	r->op = row / CSD_SZ_NR;
	r->size_class = row % CSD_SZ_NR;
	r->count = sum.count;
	r->bytes = sum.bytes;
	r->errors = sum.errors;
	r->retries = sum.retries;
	r->unbinned = sum.unbinned;
	r->lat_sum_ns = sum.lat_sum;
	r->lat_min_ns = sum.lat_min;
	r->lat_max_ns = sum.lat_max;
	if (!sum.count)
		return;

	memset(tmp, 0, sizeof(u64) * CSD_HIST_BUCKETS);
	if (csd_row_hist(s, row, tmp))
		return;
	binned = 0;
	for (i = 0; i < CSD_HIST_BUCKETS; i++)
		binned += tmp[i];
	if (!binned)
		return;
	r->flags |= CSD_ROW_F_HIST;
	for (i = 0; i < CSD_PCT_NR; i++) {
		u64 v = csd_hist_pct(tmp, CSD_HIST_BUCKETS, binned,
				     CSD_HIST_FIRST_SHIFT, CSD_HIST_SUB_BITS,
				     csd_pct_num[i], csd_pct_den[i]);

		/* The true value lies within [min, max]: clamp the midpoint. */
		r->pct_ns[i] = clamp(v, sum.lat_min, sum.lat_max);
	}
}

/* Under RCU or with the epoch pinned by csd_ns_mutex. */
void csd_fill_zone(const struct csd_stats *s, u32 zi, struct csd_zone_entry *e)
{
	const struct csd_zone *zones = rcu_dereference_check(s->zones, true);
	const struct csd_zone *z, *a;
	u64 b[CSD_ZHIST_BUCKETS], binned;
	int i, k;

	memset(e, 0, sizeof(*e));
	e->index = zi;
	e->start_sector = (u64)zi << s->region_shift;
	if (!zones)
		return;
	z = &zones[zi];
	for (i = 0; i < CSD_ZIO_NR; i++) {
		struct csd_zone_io *io = &e->io[i];

		io->count = atomic64_read(&z->count[i]);
		io->bytes = atomic64_read(&z->bytes[i]);
		io->lat_sum_ns = atomic64_read(&z->lat_sum[i]);
		io->lat_max_ns = atomic64_read(&z->lat_max[i]);
		if (!io->count)
			continue;
		binned = 0;
		for (k = 0; k < CSD_ZHIST_BUCKETS; k++) {
			b[k] = (u32)atomic_read(&z->hist[i][k]);
			binned += b[k];
		}
		/* Rank within the buckets' own total (they may have wrapped). */
		io->p99_ns = min(csd_hist_pct(b, CSD_ZHIST_BUCKETS, binned,
					      CSD_ZHIST_FIRST_SHIFT,
					      CSD_ZHIST_SUB_BITS, 99, 100),
				 io->lat_max_ns);
	}
	/* Plus the zone management commands sent to every zone at once. */
	a = &s->all_zones;
	e->opens = atomic_read(&z->opens) + atomic_read(&a->opens);
	e->closes = atomic_read(&z->closes) + atomic_read(&a->closes);
	e->finishes = atomic_read(&z->finishes) + atomic_read(&a->finishes);
	e->resets = atomic_read(&z->resets) + atomic_read(&a->resets);
	e->offlines = atomic_read(&z->offlines) + atomic_read(&a->offlines);
	e->errors = atomic_read(&z->errors) + atomic_read(&a->errors);
}
