// SPDX-License-Identifier: GPL-2.0
/*
 * csd: a trace of completed commands, read from a file descriptor.
 *
 * Each reader (a CSD_IOC_TRACE fd, or an open of debugfs "trace") has its
 * own filter and one ring per CPU. The completion probe fills the ring of
 * its CPU with interrupts off (a hard IRQ completion can nest in a soft
 * IRQ one), so a ring has one producer and one consumer and needs no
 * lock: the producer publishes its head with a release store, the reader
 * its tail. A full ring drops the new record and counts it; records are
 * never overwritten. read() merges the rings in completion time order.
 *
 * While no reader (and no completion program) is open, the completion
 * probe does not look for readers: a static key, taken for each open
 * reader (csd_complete_readers_get()). Readers are added and removed
 * under a mutex and found by the probes under RCU; a closed reader is
 * freed after a grace period.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/cache.h>
#include <linux/capability.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nvme.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "csd.h"
#include "ucmd.h"

#include <csd/nvme_names.h>
#include <csd/trace_line.h>

static_assert(sizeof(struct csd_trace_rec) == CSD_TRACE_REC_SIZE);
static_assert(sizeof(struct csd_trace_open) == CSD_TRACE_OPEN_SIZE_VER0);
static_assert(sizeof(struct csd_trace_stats) == CSD_TRACE_STATS_SIZE_VER0);

LIST_HEAD(csd_tracers);
static DEFINE_MUTEX(csd_tracers_mutex);
static unsigned int csd_nr_tracers;
/* Bytes the open readers hold (their rings), for csd_mem_total(). */
static atomic64_t csd_trace_mem = ATOMIC64_INIT(0);

/* One CPU's ring of a reader. */
struct csd_trace_ring {
	u64 head;		/* written by the producer (this CPU) */
	u64 dropped;		/* producer: ring full */
	struct csd_trace_rec *buf;
	u64 tail ____cacheline_aligned;	/* written by the reader */
};

struct csd_tracer {
	struct list_head node;		/* csd_tracers, RCU */
	struct rcu_head rcu;
	/* Filter */
	u32 ns_id;
	dev_t devt;			/* with CSD_TRACE_F_DEV */
	u32 flags;
	u64 op_mask;
	u32 zone_first;
	u32 zone_last;
	u64 min_lat_ns;
	u64 cgroup_id;			/* with CSD_TRACE_F_CGROUP */
	/* Rings */
	u32 nr;				/* records per ring, a power of two */
	struct csd_trace_ring __percpu *rings;
	wait_queue_head_t wq;
	struct mutex read_lock;		/* one reader at a time */
	bool counted;			/* in csd_trace_mem */
};

/* A reader's memory: the tracer, its per-CPU ring heads and the rings. */
static u64 csd_tracer_mem(const struct csd_tracer *t)
{
	return sizeof(*t) + ((u64)sizeof(struct csd_trace_ring) +
			     (u64)t->nr * sizeof(struct csd_trace_rec)) * nr_cpu_ids;
}

u64 csd_trace_mem_bytes(void)
{
	return atomic64_read(&csd_trace_mem);
}

static bool csd_trace_match(const struct csd_tracer *t,
			    const struct csd_trace_rec *r, dev_t devt, dev_t head_devt)
{
	if (t->ns_id && t->ns_id != r->ns_id)
		return false;
	/* A multipath head's device matches the commands of its paths. */
	if ((t->flags & CSD_TRACE_F_DEV) && t->devt != devt &&
	    (!head_devt || t->devt != head_devt))
		return false;
	if ((t->flags & CSD_TRACE_F_OPS) && !(t->op_mask & BIT_ULL(r->op)))
		return false;
	if ((t->flags & CSD_TRACE_F_ZONES) &&
	    (r->zone == U32_MAX || r->zone < t->zone_first ||
	     r->zone > t->zone_last))
		return false;
	if ((t->flags & CSD_TRACE_F_ERRORS) && !r->status)
		return false;
	if ((t->flags & CSD_TRACE_F_CGROUP) && r->cgroup_id != t->cgroup_id)
		return false;
	return r->latency_ns >= t->min_lat_ns;
}

/*
 * Completion path, under RCU: put @rec, a command of block device @devt
 * (0 for an admin queue), into each matching reader's ring.
 */
static void csd_trace_push(const struct csd_trace_rec *rec, dev_t devt, dev_t head_devt)
{
	struct csd_tracer *t;

	list_for_each_entry_rcu(t, &csd_tracers, node) {
		struct csd_trace_ring *ring;
		unsigned long flags;
		bool wake = false;
		u64 head;

		if (!csd_trace_match(t, rec, devt, head_devt))
			continue;
		local_irq_save(flags);
		ring = this_cpu_ptr(t->rings);
		head = ring->head;
		/* Pairs with csd_trace_pop(): the reader is done with the slot. */
		if (head - smp_load_acquire(&ring->tail) >= t->nr) {
			ring->dropped++;
		} else {
			ring->buf[head & (t->nr - 1)] = *rec;
			/* Pairs with the reader's acquire: the record is whole. */
			smp_store_release(&ring->head, head + 1);
			wake = true;
		}
		local_irq_restore(flags);
		if (wake && wq_has_sleeper(&t->wq))
			wake_up_interruptible(&t->wq);
	}
}

/* The completion probe: one completed command to the readers, under RCU. */
void csd_trace_complete(const struct csd_completion *c)
{
	const struct csd_cmd_info *ci = &c->ci;
	const struct csd_ns *ns = c->ns;
	struct request *rq = c->rq;
	struct csd_trace_rec rec = {
		.ts_ns = c->now_ns,
		.latency_ns = c->lat_ns,
		.slba = ci->ranged ? ci->slba : 0,
		.bytes = min_t(u64, csd_cmd_bytes(ci, rq), U32_MAX),
		.zone = c->zone,
		.ns_id = ns->id,
		.nsid = ns->nsid,
		.ctrl = ns->ctrl_instance,
		.qid = ns->admin ? 0 : rq->mq_hctx->queue_num + 1,
		.cid = c->cmd->common.command_id,
		.status = c->status,
		.opcode = ci->opcode,
		.op = ci->op,
		.retries = c->retries,
		.cpu = raw_smp_processor_id(),
		.cgroup_id = c->cgroup,
	};

	if (ns->admin)
		rec.flags |= CSD_TRACE_REC_ADMIN;
	if (ci->ranged)
		rec.flags |= CSD_TRACE_REC_LBA;
	if (ci->select_all)
		rec.flags |= CSD_TRACE_REC_ALL_ZONES;
	if (!ns->admin && ci->opcode == nvme_cmd_zone_mgmt_send)
		rec.zone_action = c->cmd->zms.zsa;
	/* The disk outlives its commands in flight; the head is referenced. */
	csd_trace_push(&rec, rq->q->disk ? disk_devt(rq->q->disk) : 0,
		       ns->head_disk ? disk_devt(ns->head_disk) : 0);
}

static bool csd_trace_pending(struct csd_tracer *t)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct csd_trace_ring *ring = per_cpu_ptr(t->rings, cpu);

		/* Pairs with csd_trace_push()'s release of the head. */
		if (smp_load_acquire(&ring->head) != ring->tail)
			return true;
	}
	return false;
}

/* The ring whose oldest record completed first, or NULL if all are empty. */
static struct csd_trace_ring *csd_trace_oldest(struct csd_tracer *t)
{
	struct csd_trace_ring *best = NULL;
	u64 best_ts = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct csd_trace_ring *ring = per_cpu_ptr(t->rings, cpu);
		const struct csd_trace_rec *r;

		/* Pairs with csd_trace_push()'s release: records are whole. */
		if (smp_load_acquire(&ring->head) == ring->tail)
			continue;
		r = &ring->buf[ring->tail & (t->nr - 1)];
		if (!best || r->ts_ns < best_ts) {
			best = ring;
			best_ts = r->ts_ns;
		}
	}
	return best;
}

/*
 * The next record, oldest first, or NULL when the rings are empty. Called
 * with read_lock held; the record stays the reader's until csd_trace_pop().
 */
static const struct csd_trace_rec *csd_trace_peek(struct csd_tracer *t,
						  struct csd_trace_ring **ringp)
{
	struct csd_trace_ring *ring = csd_trace_oldest(t);

	*ringp = ring;
	return ring ? &ring->buf[ring->tail & (t->nr - 1)] : NULL;
}

static void csd_trace_pop(struct csd_trace_ring *ring)
{
	/* The slot is the producer's again once the tail moves past it. */
	smp_store_release(&ring->tail, ring->tail + 1);
}

/* Wait for a record unless @nonblock. 0, -EAGAIN or -ERESTARTSYS. */
static int csd_trace_wait(struct csd_tracer *t, bool nonblock)
{
	if (csd_trace_pending(t))
		return 0;
	if (nonblock)
		return -EAGAIN;
	return wait_event_interruptible(t->wq, csd_trace_pending(t));
}

static void csd_trace_counts(struct csd_tracer *t, struct csd_trace_stats *st)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct csd_trace_ring *ring = per_cpu_ptr(t->rings, cpu);
		/*
		 * The tail first: a reader (read() runs concurrently) only
		 * moves it up to a head it saw, and its release of the tail,
		 * paired with this acquire, orders that head before the
		 * load below. So head >= tail: read the other way round, a
		 * record pushed and consumed between the two loads made
		 * queued wrap below zero.
		 */
		u64 tail = smp_load_acquire(&ring->tail);
		/* Pairs with csd_trace_push(): head and dropped are the producer's. */
		u64 head = smp_load_acquire(&ring->head);
		u64 dropped = READ_ONCE(ring->dropped);

		st->matched += head + dropped;
		st->delivered += tail;
		st->dropped += dropped;
		st->queued += head - tail;
	}
	st->ring_records = t->nr;
	st->nr_cpus = num_possible_cpus();
}

static void csd_tracer_free(struct csd_tracer *t)
{
	int cpu;

	if (t->counted)
		atomic64_sub(csd_tracer_mem(t), &csd_trace_mem);
	if (t->rings) {
		for_each_possible_cpu(cpu)
			kvfree(per_cpu_ptr(t->rings, cpu)->buf);
		free_percpu(t->rings);
	}
	kfree(t);
}

static struct csd_tracer *csd_tracer_alloc(const struct csd_trace_open *arg)
{
	struct csd_tracer *t;
	int cpu;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	t->ns_id = arg->ns_id;
	t->devt = MKDEV(arg->dev_major, arg->dev_minor);
	t->flags = arg->flags;
	t->op_mask = arg->op_mask;
	t->zone_first = arg->zone_first;
	t->zone_last = arg->zone_last;
	t->min_lat_ns = arg->min_lat_ns;
	t->cgroup_id = arg->cgroup_id;
	t->nr = arg->ring_records;
	init_waitqueue_head(&t->wq);
	mutex_init(&t->read_lock);
	t->rings = alloc_percpu(struct csd_trace_ring);
	if (!t->rings)
		goto err;
	for_each_possible_cpu(cpu) {
		struct csd_trace_ring *ring = per_cpu_ptr(t->rings, cpu);

		ring->buf = csd_kvcalloc_node(t->nr, sizeof(*ring->buf),
					      GFP_KERNEL_ACCOUNT, cpu_to_node(cpu));
		if (!ring->buf)
			goto err;
	}
	t->counted = true;
	atomic64_add(csd_tracer_mem(t), &csd_trace_mem);
	return t;
err:
	csd_tracer_free(t);
	return NULL;
}

/* Publish @t to the completion probes. */
static int csd_tracer_start(struct csd_tracer *t)
{
	int ret = 0;

	/* Before @t is published: the probe must look for readers. */
	csd_complete_readers_get();
	mutex_lock(&csd_tracers_mutex);
	if (csd_nr_tracers >= CSD_TRACE_READERS_MAX) {
		ret = -EBUSY;
	} else {
		csd_nr_tracers++;
		list_add_tail_rcu(&t->node, &csd_tracers);
	}
	mutex_unlock(&csd_tracers_mutex);
	if (ret)
		csd_complete_readers_put();
	return ret;
}

/* Unpublish @t and free it once no probe can see it. */
static void csd_tracer_stop(struct csd_tracer *t)
{
	mutex_lock(&csd_tracers_mutex);
	list_del_rcu(&t->node);
	csd_nr_tracers--;
	mutex_unlock(&csd_tracers_mutex);
	csd_complete_readers_put();
	/* The probes read the list under RCU: a grace period covers them. */
	synchronize_rcu();
	csd_tracer_free(t);
}

/* ---- CSD_IOC_TRACE file descriptors: binary records ---- */

static ssize_t csd_trace_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct csd_tracer *t = file->private_data;
	const struct csd_trace_rec *rec;
	struct csd_trace_ring *ring;
	size_t done = 0;
	int ret;

	if (count < sizeof(*rec))
		return -EINVAL;
	if (mutex_lock_interruptible(&t->read_lock))
		return -ERESTARTSYS;
	ret = csd_trace_wait(t, file->f_flags & O_NONBLOCK);
	if (ret)
		goto out;
	while (count - done >= sizeof(*rec)) {
		rec = csd_trace_peek(t, &ring);
		if (!rec)
			break;
		if (copy_to_user(buf + done, rec, sizeof(*rec))) {
			ret = -EFAULT;	/* the record stays queued */
			break;
		}
		csd_trace_pop(ring);
		done += sizeof(*rec);
	}
out:
	mutex_unlock(&t->read_lock);
	return done ? done : ret;
}

static __poll_t csd_trace_poll(struct file *file, poll_table *wait)
{
	struct csd_tracer *t = file->private_data;

	poll_wait(file, &t->wq, wait);
	return csd_trace_pending(t) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int csd_trace_run_stats(struct csd_ucmd *c)
{
	struct csd_trace_stats *st = c->arg;

	memset(st, 0, sizeof(*st));
	csd_trace_counts(c->priv, st);
	return 0;
}

static const struct csd_ucmd_op csd_trace_ops[] = {
	{
		.nr = _IOC_NR(CSD_TRACE_IOC_STATS),
		.size = sizeof(struct csd_trace_stats),
		.min_size = CSD_TRACE_STATS_SIZE_VER0,
		.opts = CSD_UCMD_OUT,
		.zero = CSD_UCMD_RESERVED(struct csd_trace_stats),
		.run = csd_trace_run_stats,
	},
};

static long csd_trace_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	return csd_ucmd_dispatch(csd_trace_ops, ARRAY_SIZE(csd_trace_ops), cmd,
				 (void __user *)arg, file->private_data);
}

static int csd_trace_release(struct inode *inode, struct file *file)
{
	/* NULL when CSD_IOC_TRACE failed after making the file. */
	if (file->private_data)
		csd_tracer_stop(file->private_data);
	return 0;
}

static const struct file_operations csd_trace_fops = {
	.owner		= THIS_MODULE,
	.read		= csd_trace_read,
	.poll		= csd_trace_poll,
	.unlocked_ioctl	= csd_trace_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= csd_trace_release,
	.llseek		= noop_llseek,
};

/*
 * CSD_IOC_TRACE, after the caller validated @arg's flags and fields:
 * make a reader and its file, and reserve an fd for it. The caller
 * installs the file with fd_install() once it has told userspace the fd,
 * or else gives both back with csd_trace_abort().
 */
int csd_trace_open(struct csd_trace_open *arg, struct file **filep)
{
	struct csd_tracer *t;
	struct file *file;
	int fd, ret;

	if (!arg->ring_records)
		arg->ring_records = CSD_TRACE_RING_DEFAULT;
	if (!is_power_of_2(arg->ring_records) ||
	    arg->ring_records > CSD_TRACE_RING_MAX)
		return -EINVAL;
	if (arg->ns_id) {
		mutex_lock(&csd_ns_mutex);
		ret = csd_ns_find_id(arg->ns_id) ? 0 : -ENODEV;
		mutex_unlock(&csd_ns_mutex);
		if (ret)
			return ret;
	}

	t = csd_tracer_alloc(arg);
	if (!t)
		return -ENOMEM;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_free;
	}
	file = anon_inode_getfile("[csd-trace]", &csd_trace_fops, t,
				  O_RDONLY | ((arg->flags & CSD_TRACE_F_NONBLOCK) ?
					      O_NONBLOCK : 0));
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_fd;
	}
	ret = csd_tracer_start(t);
	if (ret)
		goto err_file;
	arg->fd = fd;
	*filep = file;
	return fd;

err_file:
	/* Not published: release() must not unpublish it. */
	file->private_data = NULL;
	fput(file);
err_fd:
	put_unused_fd(fd);
err_free:
	csd_tracer_free(t);
	return ret;
}

/* Undo csd_trace_open() before fd_install(): release() stops the reader. */
void csd_trace_abort(int fd, struct file *file)
{
	fput(file);
	put_unused_fd(fd);
}

/* ---- Text lines: debugfs "trace" ---- */

static const char *csd_trace_disk(u32 ns_id, char *buf, size_t len)
{
	struct csd_ns *ns;

	rcu_read_lock();
	list_for_each_entry_rcu(ns, &csd_ns_list, node) {
		if (ns->id == ns_id) {
			strscpy(buf, csd_ns_name(ns), len);
			rcu_read_unlock();
			return buf;
		}
	}
	rcu_read_unlock();
	snprintf(buf, len, "ns%u", ns_id);
	return buf;
}

/* One line, as csdctl trace prints it (without the header). */
/* The line csdctl trace prints too (include/csd/trace_line.h). */
int csd_trace_format(const struct csd_trace_rec *r, char *buf, size_t len)
{
	char disk[CSD_NAME_LEN];

	return min_t(int, csd_trace_line(buf, len, r, csd_trace_disk(r->ns_id, disk, sizeof(disk))),
		     len - 1);
}

struct csd_trace_text {
	struct csd_tracer *t;
	bool header;
	size_t len, off;
	char line[256];
};

static int csd_trace_text_open(struct inode *inode, struct file *file)
{
	struct csd_trace_open arg = { .ring_records = CSD_TRACE_RING_DEFAULT };
	struct csd_trace_text *x;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	x = kzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	x->t = csd_tracer_alloc(&arg);
	if (!x->t) {
		kfree(x);
		return -ENOMEM;
	}
	ret = csd_tracer_start(x->t);
	if (ret) {
		csd_tracer_free(x->t);
		kfree(x);
		return ret;
	}
	x->header = true;
	file->private_data = x;
	return nonseekable_open(inode, file);
}

static ssize_t csd_trace_text_read(struct file *file, char __user *buf,
				   size_t count, loff_t *ppos)
{
	struct csd_trace_text *x = file->private_data;
	struct csd_tracer *t = x->t;
	const struct csd_trace_rec *rec;
	struct csd_trace_ring *ring;
	size_t done = 0;
	int ret = 0;

	if (mutex_lock_interruptible(&t->read_lock))
		return -ERESTARTSYS;
	while (done < count) {
		size_t n;

		if (x->off == x->len) {
			if (x->header) {
				/* csdctl trace's header, marked as a comment. */
				x->len = scnprintf(x->line, sizeof(x->line), "# "
						   CSD_TRACE_HEADER_FMT, CSD_TRACE_HEADER_ARGS);
				x->header = false;
			} else {
				/* Block for the first line only. */
				if (!done)
					ret = csd_trace_wait(t, file->f_flags & O_NONBLOCK);
				rec = ret ? NULL : csd_trace_peek(t, &ring);
				if (!rec)
					break;
				x->len = csd_trace_format(rec, x->line,
							  sizeof(x->line));
				csd_trace_pop(ring);
			}
			x->off = 0;
		}
		n = min(count - done, x->len - x->off);
		if (copy_to_user(buf + done, x->line + x->off, n)) {
			ret = -EFAULT;
			break;
		}
		x->off += n;
		done += n;
	}
	mutex_unlock(&t->read_lock);
	return done ? done : ret;
}

static __poll_t csd_trace_text_poll(struct file *file, poll_table *wait)
{
	struct csd_trace_text *x = file->private_data;

	poll_wait(file, &x->t->wq, wait);
	return x->off != x->len || x->header || csd_trace_pending(x->t) ?
	       EPOLLIN | EPOLLRDNORM : 0;
}

static int csd_trace_text_release(struct inode *inode, struct file *file)
{
	struct csd_trace_text *x = file->private_data;

	csd_tracer_stop(x->t);
	kfree(x);
	return 0;
}

const struct file_operations csd_trace_debugfs_fops = {
	.owner		= THIS_MODULE,
	.open		= csd_trace_text_open,
	.read		= csd_trace_text_read,
	.poll		= csd_trace_text_poll,
	.release	= csd_trace_text_release,
};
