// SPDX-License-Identifier: GPL-2.0
/*
 * csd: the commands in flight right now.
 *
 * No second table: the block layer's own busy-tag iterator finds the
 * requests the driver holds, and csd's per-tag slot gives the time each
 * was submitted. The walk holds a usage reference on the queue, so the
 * tag set cannot go away under it (a queue being frozen or torn down is
 * skipped and counted), and the iterator holds a reference on each
 * request while csd looks at it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/mm.h>
#include <linux/nvme.h>
#include <linux/percpu-refcount.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>

#include "csd.h"

static_assert(sizeof(struct csd_inflight_entry) == CSD_INFLIGHT_ENTRY_SIZE_VER0);
static_assert(sizeof(struct csd_inflight) == CSD_INFLIGHT_SIZE_VER0);

struct csd_inflight_walk {
	struct csd_ns *ns;
	struct csd_inflight_set *set;
};

static bool csd_inflight_one(struct request *rq, void *data)
{
	struct csd_inflight_walk *w = data;
	struct csd_inflight_set *set = w->set;
	struct csd_ns *ns = w->ns;
	struct csd_inflight_entry *e;
	struct nvme_command *cmd;
	struct csd_cmd_info ci;
	struct csd_stats *s;
	struct csd_slot *slot;
	u64 start = 0, age = 0;
	u8 flags = 0;

	/* The tag set is the controller's: other namespaces' commands too. */
	if (rq->q != ns->q)
		return true;

	rcu_read_lock();
	slot = csd_slot_of(ns, rq);
	cmd = csd_rq_cmd(rq);
	/* A stamp of another command on this tag is not this one's. */
	if (slot && READ_ONCE(slot->cid) == cmd->common.command_id)
		start = READ_ONCE(slot->start_ns);
	if (!start) {
		/* Submitted before csd attached, or while it was disabled. */
		start = rq->start_time_ns;
		flags |= start ? CSD_INFLIGHT_E_BLK_TIME : CSD_INFLIGHT_E_NO_TIME;
	}
	if (start && set->now_ns > start)
		age = set->now_ns - start;
	if (age < set->min_age_ns || set->total == U32_MAX)
		goto out;
	set->total++;
	if (set->nr == set->max)
		goto out;

	e = &set->e[set->nr++];
	memset(e, 0, sizeof(*e));
	csd_decode(cmd, ns->admin, ns->lba_shift, &ci);
	s = rcu_dereference(ns->stats);
	e->start_ns = start;
	e->age_ns = age;
	e->slba = ci.ranged ? ci.slba : 0;
	e->bytes = min_t(u64, csd_cmd_bytes(&ci, rq), U32_MAX);
	e->zone = s ? csd_zone_of(s, &ci) : U32_MAX;
	e->ns_id = ns->id;
	e->nsid = ns->nsid;
	e->ctrl = ns->ctrl_instance;
	e->qid = ns->admin ? 0 : rq->mq_hctx->queue_num + 1;
	e->cid = cmd->common.command_id;
	e->tag = rq->tag;
	e->opcode = ci.opcode;
	e->op = ci.op;
	if (!ns->admin && ci.opcode == nvme_cmd_zone_mgmt_send)
		e->zone_action = cmd->zms.zsa;
	if (ns->admin)
		flags |= CSD_INFLIGHT_E_ADMIN;
	if (ci.ranged)
		flags |= CSD_INFLIGHT_E_LBA;
	e->flags = flags;
out:
	rcu_read_unlock();
	return true;
}

/* Make room for @more entries; the array is bounded by CSD_INFLIGHT_MAX. */
static int csd_inflight_grow(struct csd_inflight_set *set, u32 more)
{
	u32 want = min_t(u64, (u64)set->nr + more, CSD_INFLIGHT_MAX);
	struct csd_inflight_entry *e;

	if (want <= set->max)
		return 0;
	e = csd_kvrealloc(set->e, array_size(set->max, sizeof(*e)),
			  array_size(want, sizeof(*e)), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	set->e = e;
	set->max = want;
	return 0;
}

static int csd_inflight_ns(struct csd_ns *ns, struct csd_inflight_set *set)
{
	struct request_queue *q = ns->q;
	struct csd_inflight_walk w = { .ns = ns, .set = set };
	struct blk_mq_tag_set *tags;
	int ret;

	if (csd_ns_is_dead(ns))
		return 0;
	/*
	 * A usage reference keeps the queue, and so the controller's tag
	 * set, from being torn down during the walk. A frozen queue (reset,
	 * removal, update of its limits) has no commands in the driver.
	 */
	if (!percpu_ref_tryget_live(&q->q_usage_counter)) {
		set->skipped++;
		return 0;
	}
	tags = q->tag_set;
	ret = csd_inflight_grow(set, tags->nr_hw_queues * tags->queue_depth);
	if (!ret)
		blk_mq_tagset_busy_iter(tags, csd_inflight_one, &w);
	percpu_ref_put(&q->q_usage_counter);
	return ret;
}

static int csd_inflight_cmp(const void *a, const void *b)
{
	const struct csd_inflight_entry *x = a, *y = b;
	bool xt = !(x->flags & CSD_INFLIGHT_E_NO_TIME);
	bool yt = !(y->flags & CSD_INFLIGHT_E_NO_TIME);

	if (xt != yt)
		return xt ? -1 : 1;	/* unknown ages last */
	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return 0;
}

/*
 * Collect the commands in flight on @only, or on every namespace and admin
 * queue, oldest first, into @set->e (the caller kvfree()s it). The caller
 * keeps @only alive; without @only, csd_ns_mutex must be held.
 */
int csd_inflight_collect(struct csd_ns *only, struct csd_inflight_set *set)
{
	struct csd_ns *ns;
	int ret = 0;

	set->now_ns = ktime_get_ns();
	if (only) {
		ret = csd_inflight_ns(only, set);
	} else {
		/*
		 * csd_ns_mutex keeps entries from being removed, not added:
		 * the probes add them under csd_ns_lock alone.
		 */
		lockdep_assert_held(&csd_ns_mutex);
		list_for_each_entry_rcu(ns, &csd_ns_list, node,
					lockdep_is_held(&csd_ns_mutex)) {
			ret = csd_inflight_ns(ns, set);
			if (ret)
				break;
		}
	}
	if (set->nr)
		sort(set->e, set->nr, sizeof(*set->e), csd_inflight_cmp, NULL);
	return ret;
}

static const char *csd_inflight_name(struct csd_ns *only, u32 id)
{
	struct csd_ns *ns;

	if (!only) {
		ns = csd_ns_find_id(id);
		if (!ns)
			return "?";
	} else {
		ns = only;
	}
	return csd_ns_name(ns);
}

/*
 * debugfs "inflight": one line per command, oldest first. The global file
 * takes csd_ns_mutex; a namespace's own file must not (the namespace's
 * removal holds it while it drains the namespace's debugfs readers), and
 * needs not: the namespace lives until its files are gone.
 */
int csd_inflight_show(struct seq_file *m, struct csd_ns *only)
{
	struct csd_inflight_set set = {};
	u32 i;
	int ret;

	if (!only)
		mutex_lock(&csd_ns_mutex);
	ret = csd_inflight_collect(only, &set);
	if (ret)
		goto out;
	seq_puts(m, "# DISK CTRL QID CID TAG OP ZONE SLBA BYTES AGE(us)\n");
	for (i = 0; i < set.nr; i++) {
		const struct csd_inflight_entry *e = &set.e[i];

		seq_printf(m, "%-10s nvme%-3u %3u %5u %5u ",
			   csd_inflight_name(only, e->ns_id), e->ctrl,
			   e->qid, e->cid, e->tag);
		if (e->op == CSD_OP_OTHER)
			seq_printf(m, "%s0x%02x ",
				   e->flags & CSD_INFLIGHT_E_ADMIN ? "admin-" : "op-",
				   e->opcode);
		else
			seq_printf(m, "%-12s ", csd_op_name(e->op));
		if (e->zone == U32_MAX)
			seq_puts(m, "     - ");
		else
			seq_printf(m, "%6u ", e->zone);
		if (e->flags & CSD_INFLIGHT_E_LBA)
			seq_printf(m, "%12llu ", e->slba);
		else
			seq_puts(m, "           - ");
		if (e->flags & CSD_INFLIGHT_E_NO_TIME)
			seq_printf(m, "%8u -\n", e->bytes);
		else
			seq_printf(m, "%8u %llu%s\n", e->bytes,
				   e->age_ns / NSEC_PER_USEC,
				   e->flags & CSD_INFLIGHT_E_BLK_TIME ? " (block layer time)" : "");
	}
	if (set.total > set.nr)
		seq_printf(m, "# %u more not shown\n", set.total - set.nr);
	if (set.skipped)
		seq_printf(m, "# %u queue(s) frozen or going away: skipped\n",
			   set.skipped);
out:
	if (!only)
		mutex_unlock(&csd_ns_mutex);
	kvfree(set.e);
	return ret;
}
