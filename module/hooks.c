// SPDX-License-Identifier: GPL-2.0
/*
 * csd: attaching to nvme-core's tracepoints.
 *
 * nvme_setup_cmd and nvme_complete_rq are not exported, so csd finds them
 * through the tracepoint module notifier, which also replays modules that
 * were loaded before csd. csd attaches when nvme_core comes, detaches when
 * it goes, and attaches again when it comes back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nvme.h>
#include <linux/tracepoint.h>

#include "csd.h"

#define CSD_NVME_MODULE		"nvme_core"

static DEFINE_MUTEX(csd_hooks_mutex);
static struct module *csd_nvme_mod;	/* the nvme_core attached to */
static struct tracepoint *csd_tp_setup;
static struct tracepoint *csd_tp_complete;

static struct tracepoint *csd_tp_requeue;

static void csd_hooks_refuse(void);

/* For the selftests: make the layout check below see a mismatch. */
static bool layout_check_test;
module_param(layout_check_test, bool, 0444);
MODULE_PARM_DESC(layout_check_test,
		 "Test only: see nvme-core's layout as different from the build's");

#define CSD_NVME_REQ_MIN_SIZE	max3(CSD_NVME_REQ_CMD_OFF + sizeof(void *),		\
				     CSD_NVME_REQ_CTRL_OFF + sizeof(void *),		\
				     max3(CSD_NVME_REQ_STATUS_OFF + sizeof(u16),	\
					  CSD_NVME_REQ_RETRIES_OFF + 1,		\
					  CSD_NVME_REQ_GENCTR_OFF + 1))

/*
 * The offsets into nvme-core's private structs come from the BTF of the
 * nvme-core.ko csd was built against. Check them against the running
 * nvme-core on each queue's first command, before anything is read
 * through them: the command the tracepoint passes must be the request's,
 * the command id nvme_setup_cmd() just wrote must hold the request's tag
 * and generation, and an I/O queue's namespace must point to the
 * request's controller. No pointer taken at a checked offset is followed.
 */
static bool csd_layout_ok(struct request_queue *q, struct request *rq,
			  struct nvme_command *cmd)
{
	u8 *pdu = csd_nvme_req(rq);
	u16 cid = le16_to_cpu(cmd->common.command_id);
	/* The test knob looks for the command one pointer further on. */
	unsigned int cmd_off = CSD_NVME_REQ_CMD_OFF + (layout_check_test ? sizeof(void *) : 0);
	void *ctrl;

	if (!q->tag_set || q->tag_set->cmd_size < CSD_NVME_REQ_MIN_SIZE + sizeof(void *) ||
	    *(struct nvme_command **)(pdu + cmd_off) != cmd || rq->tag < 0 ||
	    (cid & 0xfff) != rq->tag || cid >> 12 != (pdu[CSD_NVME_REQ_GENCTR_OFF] & 0xf))
		return false;
	ctrl = csd_rq_ctrl(rq);
	if (!ctrl || !virt_addr_valid(ctrl))
		return false;
	if (q->disk && q->queuedata &&
	    *(void **)((u8 *)q->queuedata + CSD_NVME_NS_CTRL_OFF) != ctrl)
		return false;
	return true;
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
static void csd_probe_setup(void *data, struct request *rq,
			    struct nvme_command *cmd)
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

/* Completion: also fires on the batched completion path. */
static void csd_probe_complete(void *data, struct request *rq)
{
	struct request_queue *q = rq->q;
	struct csd_completion c;
	struct csd_ns *ns;
	int verdict = 0;
	bool locked;

	if (unlikely(!q->disk))
		this_cpu_inc(csd_global->admin_completed);

	locked = csd_probe_rcu_lock();
	ns = csd_ns_lookup(q);
	if (likely(ns) && csd_complete_match(ns, rq, &c)) {
		/* Each consumer reads the one decoded record. */
		if (csd_tracing())
			csd_trace_complete(&c);
		if (unlikely(rcu_access_pointer(ns->bpf_ops)))
			verdict = csd_bpf_complete(&c);
		csd_account_complete(&c, verdict);
	}
	csd_probe_rcu_unlock(locked);
}

/*
 * A request given back to its queue (block_rq_requeue, the block layer's
 * own tracepoint, for every disk): only csd's namespaces are looked at.
 */
static void csd_probe_requeue(void *data, struct request *rq)
{
	struct csd_ns *ns;
	bool locked;

	locked = csd_probe_rcu_lock();
	ns = csd_ns_lookup(rq->q);
	if (ns)
		csd_account_requeue(ns, rq);
	csd_probe_rcu_unlock(locked);
}

static void csd_find_requeue_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "block_rq_requeue"))
		*(struct tracepoint **)priv = tp;
}

static int csd_tp_attach(struct tracepoint **slot, struct tracepoint *tp,
			 void *probe)
{
	int ret;

	if (*slot)
		return 0;
	ret = tracepoint_probe_register(tp, probe, NULL);
	if (ret) {
		pr_err("cannot attach to tracepoint %s: %d\n", tp->name, ret);
		return ret;
	}
	*slot = tp;
	return 0;
}

static void csd_tp_detach(struct tracepoint **slot, void *probe)
{
	if (!*slot)
		return;
	tracepoint_probe_unregister(*slot, probe, NULL);
	*slot = NULL;
}

/*
 * Detach the submission probe first: a command it stamps always finds
 * the completion probe still there.
 */
static void csd_hooks_detach_all(void)
{
	csd_tp_detach(&csd_tp_setup, csd_probe_setup);
	csd_tp_detach(&csd_tp_complete, csd_probe_complete);
}

/*
 * Attach the completion probe before the submission probe. The other
 * way round, a command submitted on another CPU between the two would
 * be stamped but its completion never seen, and the next command on its
 * tag counted as aborted. Once tracepoint_probe_register() has returned,
 * every later execution of the tracepoint calls the probe (the static
 * branch is patched synchronously for a first probe, else the probe
 * array is RCU-published); a command stamped by the submission probe,
 * registered after that, completes later still.
 */
static void csd_hooks_attach(struct module *mod)
{
	struct tracepoint *setup = NULL, *complete = NULL;
	unsigned int i;

	for (i = 0; i < mod->num_tracepoints; i++) {
		struct tracepoint *tp = tracepoint_ptr_deref(&mod->tracepoints_ptrs[i]);

		if (!strcmp(tp->name, "nvme_setup_cmd"))
			setup = tp;
		else if (!strcmp(tp->name, "nvme_complete_rq"))
			complete = tp;
	}
	if (setup && complete && !csd_tp_attach(&csd_tp_complete, complete,
						csd_probe_complete))
		csd_tp_attach(&csd_tp_setup, setup, csd_probe_setup);

	if (!csd_tp_setup || !csd_tp_complete) {
		pr_err("%s lacks the nvme_setup_cmd/nvme_complete_rq tracepoints\n",
		       mod->name);
		/* Both or neither: half the pair would skew every count. */
		csd_hooks_detach_all();
		tracepoint_synchronize_unregister();
		return;
	}
	WRITE_ONCE(csd_nvme_mod, mod);
	pr_info("attached to %s\n", mod->name);
}

/*
 * The running nvme-core's private layout is not the one csd was built for
 * (see csd_layout_ok() and csd_ns_adopt()): the probes come off, from
 * process context, and every namespace entry goes (nothing read through
 * the wrong layout stays). A new nvme-core (reload) is checked again.
 */
static void csd_hooks_refuse_work(struct work_struct *work)
{
	bool refused = false;

	mutex_lock(&csd_hooks_mutex);
	if (csd_tp_setup || csd_tp_complete) {
		csd_hooks_detach_all();
		tracepoint_synchronize_unregister();
		refused = true;
	}
	mutex_unlock(&csd_hooks_mutex);
	/*
	 * Outside csd_hooks_mutex (lock order in ns.c). Detached, csd adopts
	 * no disk and the probes create no entry.
	 */
	if (refused) {
		pr_err("nvme_core's struct nvme_request does not match the layout csd was built for (%s); not counting: rebuild csd for this kernel\n",
		       CSD_NVME_LAYOUT_KVER);
		csd_ns_forget_all();
	}
}

static DECLARE_WORK(csd_refuse_work, csd_hooks_refuse_work);

/* From the submission probe: any context, maybe many times. */
static void csd_hooks_refuse(void)
{
	schedule_work(&csd_refuse_work);
}

static int csd_tp_module_notify(struct notifier_block *nb, unsigned long val,
				void *data)
{
	struct tp_module *tp_mod = data;
	struct module *mod = tp_mod->mod;

	if (strcmp(mod->name, CSD_NVME_MODULE))
		return NOTIFY_OK;

	/* The tracepoint module list's mutex serializes COMING and GOING. */
	switch (val) {
	case MODULE_STATE_COMING:
		mutex_lock(&csd_hooks_mutex);
		csd_hooks_attach(mod);
		mutex_unlock(&csd_hooks_mutex);
		break;
	case MODULE_STATE_GOING:
		/* Even if not attached now: entries may remain from before. */
		mutex_lock(&csd_hooks_mutex);
		csd_hooks_detach_all();
		WRITE_ONCE(csd_nvme_mod, NULL);
		mutex_unlock(&csd_hooks_mutex);
		/*
		 * nvme_core's exit has run, its memory is not freed yet. Wait
		 * for running probes, then drop every namespace: their disks
		 * point into nvme_core (disk->fops), so csd must not hold them
		 * past this point. Their statistics wait for them to come back.
		 * Outside csd_hooks_mutex (lock order in ns.c); nothing adopts
		 * a disk or creates an entry any more.
		 */
		tracepoint_synchronize_unregister();
		csd_ns_park_all();
		pr_info("detached from %s\n", mod->name);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block csd_tp_module_nb = {
	.notifier_call = csd_tp_module_notify,
};

/*
 * A disk was registered, or was already when csd loaded (discover.c): if
 * it is a namespace of the nvme_core csd is attached to, give it an entry.
 * Under csd_hooks_mutex, so that csd cannot detach meanwhile; after a
 * refused layout, csd is not attached and takes no disk.
 */
void csd_hooks_adopt(struct gendisk *disk)
{
	/* Most disks are not nvme-core's: they take no lock. */
	if (!queue_is_mq(disk->queue) || !disk->fops ||
	    disk->fops->owner != READ_ONCE(csd_nvme_mod))
		return;
	mutex_lock(&csd_hooks_mutex);
	if (csd_nvme_mod && csd_tp_setup && csd_tp_complete &&
	    disk->fops && disk->fops->owner == csd_nvme_mod &&
	    csd_ns_adopt(disk) == -EPROTO)
		csd_hooks_refuse();
	mutex_unlock(&csd_hooks_mutex);
}

unsigned int csd_hooks_attached(void)
{
	unsigned int n;

	mutex_lock(&csd_hooks_mutex);
	n = !!csd_tp_setup + !!csd_tp_complete;
	mutex_unlock(&csd_hooks_mutex);
	return n;
}

/*
 * The block layer's requeue tracepoint first (built in, always there),
 * then nvme-core's, now and whenever nvme-core comes.
 */
int csd_hooks_init(void)
{
	struct tracepoint *tp = NULL;
	int ret;

	for_each_kernel_tracepoint(csd_find_requeue_tp, &tp);
	if (!tp) {
		pr_err("the kernel has no block_rq_requeue tracepoint\n");
		return -ENOENT;
	}
	ret = csd_tp_attach(&csd_tp_requeue, tp, csd_probe_requeue);
	if (ret)
		return ret;
	ret = register_tracepoint_module_notifier(&csd_tp_module_nb);
	if (ret)
		goto err_requeue;
	return 0;

err_requeue:
	csd_tp_detach(&csd_tp_requeue, csd_probe_requeue);
	tracepoint_synchronize_unregister();
	return ret;
}

/* Detach everywhere and wait until no probe runs any more. */
void csd_hooks_exit(void)
{
	unregister_tracepoint_module_notifier(&csd_tp_module_nb);
	csd_tp_detach(&csd_tp_requeue, csd_probe_requeue);
	tracepoint_synchronize_unregister();
	/* No probe can queue it any more. */
	cancel_work_sync(&csd_refuse_work);
}
