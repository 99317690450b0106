// SPDX-License-Identifier: GPL-2.0
/*
 * csd: attaching to nvme-core's tracepoints (the probes themselves are
 * in account.c, with what they count).
 *
 * nvme_setup_cmd and nvme_complete_rq are not exported, so csd finds them
 * through the tracepoint module notifier, which also replays modules that
 * were loaded before csd. csd attaches when nvme_core comes, detaches when
 * it goes, and attaches again when it comes back.
 *
 * The attach parameter detaches the two probes while csd stays loaded
 * (N) and attaches them again (Y): detached, csd costs nothing on the I/O
 * path and counts nothing; its statistics stay. Its writes are serialized
 * by the module's parameter lock, which csd_hooks_init() and
 * csd_hooks_exit() take too. Lock order: the parameter lock, then
 * tracepoint_module_list_mutex (the notifier), csd_ns_mutex (the drain),
 * csd_hooks_mutex.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/nvme.h>
#include <linux/tracepoint.h>

#include "csd.h"

#define CSD_NVME_MODULE		"nvme_core"

static DEFINE_MUTEX(csd_hooks_mutex);
/* Under csd_hooks_mutex: */
static struct module *csd_nvme_mod;	/* the nvme_core found, with both tracepoints */
static struct tracepoint *csd_nvme_setup;	/* its tracepoints */
static struct tracepoint *csd_nvme_complete;
static bool csd_refused;		/* its layout is not csd's: never attach */
static struct tracepoint *csd_tp_setup;	/* attached now */
static struct tracepoint *csd_tp_complete;

/*
 * Read by the completion probe: a command allocated before this was not
 * seen submitted, and its completion is not "unmatched" (commands in
 * flight when csd attaches, or submitted while it detaches).
 */
u64 csd_hooks_since = U64_MAX;

/* The attach parameter (under the parameter lock and csd_hooks_mutex). */
static bool csd_attach = true;
static bool csd_hooks_live;		/* between csd_hooks_init() and _exit() */

static struct tracepoint *csd_tp_requeue;

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
bool csd_layout_ok(struct request_queue *q, struct request *rq,
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
	WRITE_ONCE(csd_hooks_since, U64_MAX);
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
 * registered after that, completes later still. Under csd_hooks_mutex.
 */
static int csd_hooks_connect(void)
{
	int ret;

	lockdep_assert_held(&csd_hooks_mutex);
	if (!csd_nvme_mod || !csd_attach)
		return 0;
	if (csd_refused)
		return -EPROTO;
	ret = csd_tp_attach(&csd_tp_complete, csd_nvme_complete, csd_probe_complete);
	if (!ret)
		ret = csd_tp_attach(&csd_tp_setup, csd_nvme_setup, csd_probe_setup);
	if (ret) {
		/* Both or neither: half the pair would skew every count. */
		csd_hooks_detach_all();
		tracepoint_synchronize_unregister();
		return ret;
	}
	/* After: a command started since is set up with the probe there. */
	if (READ_ONCE(csd_hooks_since) == U64_MAX) {
		WRITE_ONCE(csd_hooks_since, ktime_get_ns());
		pr_info("attached to %s\n", csd_nvme_mod->name);
	}
	return 0;
}

/* nvme_core came: find its two tracepoints, and attach unless told not to. */
static void csd_hooks_found(struct module *mod)
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
	if (!setup || !complete) {
		pr_err("%s lacks the nvme_setup_cmd/nvme_complete_rq tracepoints\n",
		       mod->name);
		return;
	}
	csd_nvme_setup = setup;
	csd_nvme_complete = complete;
	csd_refused = false;
	WRITE_ONCE(csd_nvme_mod, mod);
	csd_hooks_connect();
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
	/* Once per nvme_core (the probes may ask many times), attached or not. */
	if (csd_nvme_mod && !csd_refused) {
		csd_hooks_detach_all();
		tracepoint_synchronize_unregister();
		csd_refused = true;
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
void csd_hooks_refuse(void)
{
	schedule_work(&csd_refuse_work);
}

/*
 * Commands the submission probe stamped in their namespace's current
 * epoch and whose completion has not come. Under csd_ns_mutex.
 */
static unsigned int csd_hooks_stamped(void)
{
	unsigned int n = 0;
	struct csd_ns *ns;

	lockdep_assert_held(&csd_ns_mutex);
	/* An entry may be published meanwhile (not under csd_ns_mutex). */
	list_for_each_entry_rcu(ns, &csd_ns_list, node, lockdep_is_held(&csd_ns_mutex))
		n += csd_account_stamped(ns);
	return n;
}

/* How long detaching waits for the commands in flight to complete. */
#define CSD_DRAIN_MS	5000

/*
 * Detach for the attach parameter: the submission probe first, then,
 * once the commands it stamped have completed (or after CSD_DRAIN_MS),
 * the completion probe. A command still in flight then is counted when
 * it completes after csd attaches again, or, if it completed meanwhile,
 * as aborted at its tag's next command (csd_account_setup()), as when
 * a command leaves the driver without a completion.
 */
static void csd_hooks_pause(void)
{
	unsigned long end = jiffies + msecs_to_jiffies(CSD_DRAIN_MS);
	unsigned int left;

	mutex_lock(&csd_hooks_mutex);
	csd_attach = false;
	if (!csd_tp_setup && !csd_tp_complete) {
		/* Detached already: nothing to wait for. */
		mutex_unlock(&csd_hooks_mutex);
		return;
	}
	/* The completions of the commands submitted from now are not unmatched. */
	WRITE_ONCE(csd_hooks_since, U64_MAX);
	csd_tp_detach(&csd_tp_setup, csd_probe_setup);
	mutex_unlock(&csd_hooks_mutex);
	/* No submission probe runs any more: no stamp comes after. */
	tracepoint_synchronize_unregister();
	for (;;) {
		mutex_lock(&csd_ns_mutex);
		left = csd_hooks_stamped();
		mutex_unlock(&csd_ns_mutex);
		if (!left || time_after(jiffies, end))
			break;
		usleep_range(1000, 2000);
	}
	mutex_lock(&csd_hooks_mutex);
	if (csd_tp_complete)
		pr_info("detached from %s (attach=N)%s\n", csd_nvme_mod->name,
			left ? ", with commands in flight" : "");
	csd_tp_detach(&csd_tp_complete, csd_probe_complete);
	mutex_unlock(&csd_hooks_mutex);
	tracepoint_synchronize_unregister();
}

/*
 * Under the parameter lock (a sysfs write, or the load's arguments; a
 * bare "attach" is Y). Attaching fails with -EPROTO after nvme-core's
 * layout was refused (see csd_hooks_refuse_work()).
 */
static int csd_attach_set(const char *val, const struct kernel_param *kp)
{
	bool on = true;
	int ret;

	if (val) {
		ret = kstrtobool(val, &on);
		if (ret)
			return ret;
	}
	if (!csd_hooks_live) {
		/* At load, before csd_hooks_init(); or unloading. */
		csd_attach = on;
		return 0;
	}
	if (!on) {
		csd_hooks_pause();
		return 0;
	}
	mutex_lock(&csd_hooks_mutex);
	csd_attach = true;
	ret = csd_hooks_connect();
	/* Refused: the parameter keeps saying what csd is (detached). */
	if (ret)
		csd_attach = false;
	mutex_unlock(&csd_hooks_mutex);
	return ret;
}

static const struct kernel_param_ops csd_attach_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = csd_attach_set,
	.get = param_get_bool,
};
module_param_cb(attach, &csd_attach_ops, &csd_attach, 0644);
MODULE_PARM_DESC(attach,
		 "Attach to nvme-core's tracepoints (default Y); N detaches, keeping the statistics");

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
		csd_hooks_found(mod);
		mutex_unlock(&csd_hooks_mutex);
		break;
	case MODULE_STATE_GOING:
		/* Even if not attached now: entries may remain from before. */
		mutex_lock(&csd_hooks_mutex);
		csd_hooks_detach_all();
		WRITE_ONCE(csd_nvme_mod, NULL);
		csd_nvme_setup = NULL;
		csd_nvme_complete = NULL;
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
 * Under csd_hooks_mutex, so that nvme_core cannot go meanwhile; after a
 * refused layout, csd takes no disk. Detached by the attach parameter, it
 * still does: the entry is there when the probes come back.
 */
void csd_hooks_adopt(struct gendisk *disk)
{
	/* Most disks are not nvme-core's: they take no lock. */
	if (!queue_is_mq(disk->queue) || !disk->fops ||
	    disk->fops->owner != READ_ONCE(csd_nvme_mod))
		return;
	mutex_lock(&csd_hooks_mutex);
	if (csd_nvme_mod && !csd_refused &&
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
	/* A write of the attach parameter waits; it then finds nvme_core. */
	kernel_param_lock(THIS_MODULE);
	ret = register_tracepoint_module_notifier(&csd_tp_module_nb);
	csd_hooks_live = !ret;
	kernel_param_unlock(THIS_MODULE);
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
	/* The attach parameter's file stays until after this: it acts no more. */
	kernel_param_lock(THIS_MODULE);
	csd_hooks_live = false;
	kernel_param_unlock(THIS_MODULE);
	unregister_tracepoint_module_notifier(&csd_tp_module_nb);
	csd_tp_detach(&csd_tp_requeue, csd_probe_requeue);
	tracepoint_synchronize_unregister();
	/* No probe can queue it any more. */
	cancel_work_sync(&csd_refuse_work);
}
