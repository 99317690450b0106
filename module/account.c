// SPDX-License-Identifier: GPL-2.0
/*
 * csd: the probes and the per-request accounting, on the hot path.
 *
 * One file, so that each probe is one function with all it does inlined
 * (gdb's csd-insns counts what a call costs). The submission probe stamps
 * a per-tag slot with the time and the epoch. The completion probe
 * matches the completion with its slot and decodes it once into a struct
 * csd_completion (csd_complete_match()), which the trace, the completion
 * program and csd_account_complete() read in turn (without a trace
 * reader, the record's address never escapes, and the compiler keeps it
 * in registers); the last updates the epoch's per-CPU row (operation x size
 * class), the row's per-CPU histogram, the zone, and on error the status
 * table. Nothing here sleeps or takes a lock: per-CPU adds, a few atomics
 * on the zone, and RCU; nothing allocates but a queue's first command
 * (csd_ns_get_or_create(), GFP_ATOMIC) and the work items asked for.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/jump_label.h>
#include <linux/nvme.h>
#include <linux/timekeeping.h>

#include "csd.h"
#include "nvme_layout.h"

/* The slot of tag @tag of hardware queue @h, or NULL. */
static __always_inline struct csd_slot *
csd_slot_at(struct csd_ns *ns, unsigned int h, int tag)
{
	struct csd_slot *row;

	if (unlikely(!ns->slots || h >= ns->nr_hctx || tag < 0 || tag >= ns->depth))
		return NULL;
	row = csd_deref(ns->slots[h]);
	return likely(row) ? &row[tag] : NULL;
}

/* @rq's slot, or NULL: inline in the probes. */
static __always_inline struct csd_slot *csd_rq_slot(struct csd_ns *ns,
						    struct request *rq)
{
	return csd_slot_at(ns, rq->mq_hctx->queue_num, rq->tag);
}

struct csd_slot *csd_slot_of(struct csd_ns *ns, struct request *rq)
{
	return csd_rq_slot(ns, rq);
}

/* True while @ns's geometry is the one its epoch was made for. */
static __always_inline bool csd_geometry_same(struct csd_ns *ns,
					      struct request_queue *q)
{
	struct gendisk *disk = READ_ONCE(q->disk);

	if (ns->admin || !disk)
		return true;
	/* Pairs with the release in csd_ns_regeom(): the epoch read next is the new one. */
	return !smp_load_acquire(&ns->regeom) &&
	       get_capacity(disk) == READ_ONCE(ns->capacity) &&
	       queue_logical_block_size(q) == 1U << READ_ONCE(ns->lba_shift) &&
	       (!ns->zoned || q->limits.chunk_sectors == READ_ONCE(ns->zone_sectors));
}

/*
 * True when @ns's size, block size or zone size is no longer the one its
 * epoch was made for (a resize, a format; on 6.1 a zoned namespace's
 * first commands come before its zone size is set): its commands are
 * early until setup_work has made the epoch of the new geometry. The
 * driver changes size and block size with the queue frozen, so no command
 * of the old geometry is in flight; 6.1 sets the zone size after the
 * unfreeze, so commands in flight then complete as stale. Also called by
 * the reaper, for an idle zoned namespace.
 */
/* A geometry change seen: ask setup_work for the new epoch, once. */
static void csd_geometry_mark(struct csd_ns *ns)
{
	if (!READ_ONCE(ns->regeom)) {
		WRITE_ONCE(ns->regeom, true);
		/* Once: the reaper retries a work that could not allocate. */
		schedule_work(&ns->setup_work);
	}
}

bool csd_geometry_changed(struct csd_ns *ns, struct request_queue *q)
{
	if (likely(csd_geometry_same(ns, q)))
		return false;
	csd_geometry_mark(ns);
	return true;
}

static __always_inline void csd_account_setup(struct csd_ns *ns, struct request *rq,
					      struct nvme_command *cmd)
{
	/* The check inline, once; the rare change out of line. */
	bool regeom = unlikely(!csd_geometry_same(ns, rq->q));
	struct csd_stats *s = csd_deref(ns->stats);
	struct csd_slot *slot = csd_rq_slot(ns, rq);

	if (regeom)
		csd_geometry_mark(ns);
	if (unlikely(!s || !slot || regeom)) {
		this_cpu_inc(ns->pcpu->early);
		/*
		 * A queue added since (blk_mq_update_nr_hw_queues): its row
		 * is the work's. Asked once; the reaper retries a failure.
		 */
		if (s && !slot && !READ_ONCE(ns->rows_wanted)) {
			WRITE_ONCE(ns->rows_wanted, true);
			schedule_work(&ns->setup_work);
		}
		return;
	}
	if (unlikely(slot->start_ns) && slot->gen == s->gen) {
		/*
		 * A slot still taken. A requeue clears its request's stamp
		 * (csd_account_requeue()), but a request can come back
		 * without one (a batch nvme_queue_rqs() could not send). The
		 * generation of a command id moves only at completion, so the
		 * same id is the same request set up again, which never
		 * reached the device: counted apart, and submitted once.
		 * Another id: the slot's command left the driver without a
		 * completion.
		 */
		if (slot->cid == cmd->common.command_id &&
		    slot->itag == (u16)rq->internal_tag) {
			this_cpu_inc(ns->pcpu->requeued);
			slot->start_ns = ktime_get_ns();
			return;
		}
		this_cpu_inc(s->tot->aborted);
	}
	slot->gen = s->gen;
	slot->cid = cmd->common.command_id;
	slot->itag = rq->internal_tag;
	slot->start_ns = ktime_get_ns();
	this_cpu_inc(s->tot->submitted);
}

/*
 * @ns's slots stamped in its current epoch: commands whose completion
 * has not come yet. Under csd_ns_mutex.
 */
unsigned int csd_account_stamped(struct csd_ns *ns)
{
	struct csd_stats *s;
	unsigned int n = 0;
	u32 h, t;

	rcu_read_lock();
	s = rcu_dereference(ns->stats);
	for (h = 0; s && ns->slots && h < ns->nr_hctx; h++) {
		struct csd_slot *row = rcu_dereference(ns->slots[h]);

		for (t = 0; row && t < ns->depth; t++)
			if (READ_ONCE(row[t].start_ns) && READ_ONCE(row[t].gen) == s->gen)
				n++;
	}
	rcu_read_unlock();
	return n;
}

/*
 * blk-mq gave @rq back to its queue (block_rq_requeue). If the stamp of its
 * last setup is still in its slot, the device never saw that command: its
 * setup or the driver's DMA mapping failed after the tracepoint
 * (BLK_STS_RESOURCE). It is dispatched, and set up, again: counted
 * requeued, and out of submitted until then. A command the device
 * completed (a retry) left no stamp. The slot is the one of the tag in the
 * command id: with an I/O scheduler blk-mq has already released the driver
 * tag, and the request may get another one next time.
 */
void csd_account_requeue(struct csd_ns *ns, struct request *rq)
{
	struct csd_stats *s = csd_deref(ns->stats);
	__le16 cid = csd_rq_cmd(rq)->common.command_id;
	unsigned int tag = le16_to_cpu(cid) & 0xfff;
	struct csd_slot *slot;
	u64 seen;

	/*
	 * The command id may be older than the request's last dispatch (a
	 * request failed before its setup keeps the id of its last use), so
	 * the stamp must be this request's: its tag (kept without a
	 * scheduler) and its scheduler tag (another request may hold the
	 * driver tag by now).
	 */
	if (rq->tag >= 0 && tag != rq->tag)
		return;
	slot = csd_slot_at(ns, rq->mq_hctx->queue_num, tag);
	if (!slot)
		return;
	seen = READ_ONCE(slot->start_ns);
	if (!seen || slot->cid != cid || slot->itag != (u16)rq->internal_tag)
		return;
	/* A setup of the tag's new owner on another CPU restamps it: keep that. */
	if (!try_cmpxchg(&slot->start_ns, &seen, 0))
		return;
	this_cpu_inc(ns->pcpu->requeued);
	if (s && slot->gen == s->gen)
		this_cpu_dec(s->tot->submitted);
}

static void csd_this_cpu_min(u64 __percpu *min, u64 v)
{
	u64 old = this_cpu_read(*min);

	while (v < old) {
		u64 prev = this_cpu_cmpxchg(*min, old, v);

		if (prev == old)
			break;
		old = prev;
	}
}

/* A read and a compare each, in the common case of no new extreme. */
static __always_inline void csd_this_cpu_min_max(struct csd_row_pcpu __percpu *r,
						 u64 lat)
{
	if (unlikely(lat < this_cpu_read(r->lat_min)))
		csd_this_cpu_min(&r->lat_min, lat);
	if (unlikely(lat > this_cpu_read(r->lat_max)))
		csd_this_cpu_max(&r->lat_max, lat);
}

static void csd_status_count(struct csd_stats *s, u8 op, u8 opcode, u16 status)
{
	int key = CSD_STATUS_KEY(op, opcode, status);
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

/* Count @c in its zone; @bucket: its latency's bucket in the rows. */
static __always_inline void csd_zone_account(const struct csd_completion *c,
					     unsigned int bucket)
{
	const struct csd_cmd_info *ci = &c->ci;
	struct csd_stats *s = c->s;
	struct csd_zone *zones = csd_deref(s->zones);
	bool error = c->status;
	u64 lat = c->lat_ns;
	struct csd_zone *z;
	atomic_t *action;
	int zio;

	/* The common case first: a command within one zone (csd_zone_of()). */
	if (unlikely(c->zone == U32_MAX || !zones)) {
		if (!ci->ranged || !s->nr_regions)
			return;
		if (!zones) {
			atomic64_inc(&s->zone_unbinned);
			return;
		}
		if (ci->select_all && s->ns->zoned) {
			/*
			 * Every zone: counted once, in the epoch's all-zones
			 * record, which the readers add to each zone. Never a
			 * loop over the zones here, in interrupt context.
			 */
			z = &s->all_zones;
			if (error)
				atomic_inc(&z->errors);
			action = csd_zone_action(z, ci->op);
			if (action)
				atomic_inc(action);
		}
		/*
		 * Else out of any range (the device says so), or a zone send
		 * to every zone of a conventional namespace.
		 */
		return;
	}
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
	atomic_inc(&z->hist[zio][csd_zone_bucket(bucket, lat)]);
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
 * Could the submission probe have seen @rq's setup: was it attached when
 * @rq was allocated (up to 6.x) or started (7.x)? The block layer's time
 * stamp says so for a request it accounts (RQF_IO_STAT; 0 or stale
 * otherwise, and maybe a little early, from the plug's cached time:
 * never late). Without it (the queue's iostats off, the flush machinery's
 * own request, passthrough on kernels that do not account it), while the
 * probe is attached: such a command in flight when csd attaches is
 * unmatched.
 */
static bool csd_since_attach(const struct request *rq)
{
	u64 since = READ_ONCE(csd_hooks_since);

	if (since == U64_MAX)
		return false;
	return !(rq->rq_flags & RQF_IO_STAT) || rq->start_time_ns >= since;
}

/*
 * Match a completion with its submission's slot. True, with @c filled in
 * and the command counted completed, when it belongs to the current epoch;
 * false when it is counted unmatched or stale instead.
 */
static __always_inline bool csd_complete_match(struct csd_ns *ns, struct request *rq,
					       struct csd_completion *c)
{
	struct csd_stats *s = csd_deref(ns->stats);
	struct csd_slot *slot = csd_rq_slot(ns, rq);
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
		if (!READ_ONCE(ns->disabled) && csd_since_attach(rq))
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
	csd_decode(cmd, ns->admin, ns->lba_shift, &c->ci);
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
static __always_inline void csd_account_complete(const struct csd_completion *c,
						 int verdict)
{
	const struct csd_cmd_info *ci = &c->ci;
	unsigned int row = ci->op * CSD_SZ_NR + ci->sc;
	struct csd_stats *s = c->s;
	struct csd_row_pcpu __percpu *r = s->rows + row;
	struct csd_hist_pcpu __percpu *h;
	u64 lat = c->lat_ns;
	unsigned int bucket = csd_hist_bucket(CSD_ROW_HIST, lat);

	if (unlikely(verdict)) {
		/* 1..CSD_BPF_CLASSES, in one compare (0 is not here). */
		unsigned int k = verdict - 1;

		if (k < CSD_BPF_CLASSES) {
			struct csd_class_pcpu __percpu *cl = &s->tot->class[k];

			this_cpu_inc(cl->count);
			this_cpu_add(cl->lat_sum, lat);
		} else if (verdict == CSD_BPF_DROP) {
			this_cpu_inc(s->tot->dropped);
			return;
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

	h = csd_deref(s->hist[row]);
	if (likely(h)) {
		this_cpu_inc(h->b[bucket]);
	} else {
		/* A row's first commands: its histogram comes from a work item. */
		this_cpu_inc(r->unbinned);
		if (!test_and_set_bit(row, s->hist_want))
			schedule_work(&s->hist_work);
	}

	if (unlikely(c->status)) {
		this_cpu_inc(r->errors);
		csd_status_count(s, ci->op, ci->opcode, c->status);
	}
	if (unlikely(s->admin)) {
		csd_admin_account(&s->admin[ci->opcode], lat, c->status);
	} else {
		csd_zone_account(c, bucket);
		/* Read last (the fast path), unless the shared path has. */
		csd_cg_account(s, c->cgroup ?: csd_rq_cgroup(c->rq), ci->op,
			       ci->bytes, lat, c->status);
	}
}

/*
 * The probes run in an RCU read-side section. Up to 6.x a tracepoint
 * calls them with preemption disabled, which is one (see csd_deref()):
 * they take no rcu_read_lock() of their own, two calls fewer per probe.
 * Later kernels call them preemptible, under SRCU-fast: there they take
 * it. Asked at run time, preemptible() (the preemption count and the
 * interrupt flag), so that no kernel's probe goes unprotected: not
 * rcu_read_lock_any_held(), which a lockdep kernel answers "held" once
 * lockdep has turned itself off. Without CONFIG_PREEMPT_COUNT,
 * preemptible() is 0: such a kernel has no preemptible RCU, and a probe
 * that does not sleep is a read-side section. synchronize_rcu() waits for
 * the probes either way.
 */
static __always_inline bool csd_probe_rcu_lock(void)
{
	bool lock = preemptible();

	if (lock)
		rcu_read_lock();
	return lock;
}

static __always_inline void csd_probe_rcu_unlock(bool locked)
{
	if (locked)
		rcu_read_unlock();
}

/* Submission: once per dispatch of a command to the driver. */
void csd_probe_setup(void *data, struct request *rq, struct nvme_command *cmd)
{
	struct request_queue *q = rq->q;
	struct csd_ns *ns;
	bool locked;

	/* No disk: an admin queue (or fabrics connect). */
	if (unlikely(!q->disk))
		this_cpu_inc(csd_global->admin_submitted);

	locked = csd_probe_rcu_lock();
	ns = csd_ns_lookup(q);
	/*
	 * A queue's first command: nvme-core's layout is checked first (an
	 * entry found at load has had no command yet).
	 */
	if (unlikely(!ns || READ_ONCE(ns->unchecked))) {
		if (unlikely(!csd_layout_ok(q, rq, cmd))) {
			csd_hooks_refuse();
			ns = NULL;
		} else if (!ns) {
			ns = csd_ns_get_or_create(q, rq, cmd);
		} else {
			WRITE_ONCE(ns->unchecked, false);
		}
	}
	if (likely(ns)) {
		if (likely(!READ_ONCE(ns->disabled)))
			csd_account_setup(ns, rq, cmd);
	} else if (q->disk && !test_bit(GD_DEAD, &q->disk->state)) {
		this_cpu_inc(csd_global->untracked);
	}
	csd_probe_rcu_unlock(locked);
}

/*
 * A matched completion that a trace reader reads too: out of line, with
 * the record in memory for it and for the completion program @ops, if any.
 */
static noinline void csd_complete_shared(struct csd_ns *ns, struct request *rq,
					 struct csd_ops *ops)
{
	struct csd_completion c __uninitialized;
	int verdict = 0;

	if (!csd_complete_match(ns, rq, &c))
		return;
	/* For the trace, and then the accounting (never 0 but for admin). */
	c.cgroup = ns->admin ? 0 : csd_rq_cgroup(rq);
	/* Each consumer reads the one decoded record. */
	csd_trace_complete(&c);
	if (ops)
		verdict = csd_bpf_run(ops, &c);
	csd_account_complete(&c, verdict);
}

/*
 * A matched completion that no trace reader reads, run through the
 * completion program @ops if any (NULL, a constant, in the counting
 * path): the record stays in registers, only the program's context is
 * in memory (csd_bpf_run()).
 */
static __always_inline void csd_complete_run(struct csd_ns *ns,
					     struct request *rq,
					     struct csd_ops *ops)
{
	struct csd_completion c __uninitialized;
	int verdict = 0;

	if (!csd_complete_match(ns, rq, &c))
		return;
	if (ops)
		verdict = csd_bpf_run(ops, &c);
	c.cgroup = 0;	/* not read yet */
	csd_account_complete(&c, verdict);
}

/*
 * Whether a completion may have a reader besides the accounting: a trace
 * reader, or a namespace's completion program. While none is, the
 * completion probe is the counting path alone, and this is a no-op in it;
 * with one, a jump to csd_probe_complete_readers(). Taken before the reader
 * or program is published and dropped after it is unpublished, outside
 * every csd lock (patching code takes the CPU hotplug lock and sleeps).
 */
static DEFINE_STATIC_KEY_FALSE(csd_complete_readers);

void csd_complete_readers_get(void)
{
	static_branch_inc(&csd_complete_readers);
}

void csd_complete_readers_put(void)
{
	static_branch_dec(&csd_complete_readers);
}

/* Both completion paths' start: the admin count, RCU, the namespace. */
static __always_inline struct csd_ns *csd_complete_ns(struct request *rq,
						      bool *locked)
{
	struct request_queue *q = rq->q;

	if (unlikely(!q->disk))
		this_cpu_inc(csd_global->admin_completed);
	*locked = csd_probe_rcu_lock();
	return csd_ns_lookup(q);
}

/*
 * The completion probe while csd_complete_readers is on: its own frame,
 * so that the counting path keeps its registers.
 */
static noinline void csd_probe_complete_readers(struct request *rq)
{
	bool locked;
	struct csd_ns *ns = csd_complete_ns(rq, &locked);

	if (likely(ns)) {
		struct csd_ops *ops = csd_deref(ns->bpf_ops);

		if (csd_tracing())
			csd_complete_shared(ns, rq, ops);
		else
			csd_complete_run(ns, rq, ops);
	}
	csd_probe_rcu_unlock(locked);
}

/* The completion probe while csd_complete_readers is off: counting only. */
static noinline void csd_probe_complete_count(struct request *rq)
{
	bool locked;
	struct csd_ns *ns = csd_complete_ns(rq, &locked);

	if (likely(ns))
		csd_complete_run(ns, rq, NULL);
	csd_probe_rcu_unlock(locked);
}

/*
 * Completion: also fires on the batched completion path. Two tail calls,
 * so that neither path saves registers for the other.
 */
void csd_probe_complete(void *data, struct request *rq)
{
	if (static_branch_unlikely(&csd_complete_readers))
		csd_probe_complete_readers(rq);
	else
		csd_probe_complete_count(rq);
}

/*
 * A request given back to its queue (block_rq_requeue, the block layer's
 * own tracepoint, for every disk): only csd's namespaces are looked at.
 */
void csd_probe_requeue(void *data, struct request *rq)
{
	struct csd_ns *ns;
	bool locked;

	locked = csd_probe_rcu_lock();
	ns = csd_ns_lookup(rq->q);
	if (ns)
		csd_account_requeue(ns, rq);
	csd_probe_rcu_unlock(locked);
}
