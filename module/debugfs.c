// SPDX-License-Identifier: GPL-2.0
/*
 * csd: /sys/kernel/debug/csd/.
 *
 *   info               module version, hooks, global counters, memory
 *   namespaces         one line per tracked namespace, with its counters
 *   <disk>/latency     one line per (operation, size class) row
 *   <disk>/status      error completions by (operation, opcode, status)
 *   <disk>/zones       one line per zone (region) with activity
 *   <disk>/diag        counters outside the statistics epochs
 *   <disk>/inflight    the disk's commands in flight, oldest first
 *   inflight           every command in flight, oldest first
 *   trace              completed commands, one line each, as they come
 *                      (blocks like trace_pipe; costs nothing unopened)
 *
 * The numbers are those of the ioctls, in nanoseconds and bytes. Readers
 * use RCU only: a namespace's directory is removed, and its readers
 * drained, before the namespace is freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "csd.h"

static struct dentry *csd_debugfs_root;

static int csd_info_show(struct seq_file *m, void *v)
{
	struct csd_global_pcpu g;

	csd_global_sum(&g);
	seq_printf(m, "version:         %s\n", CSD_VERSION);
	seq_printf(m, "abi_version:     %u\n", CSD_ABI_VERSION);
	seq_printf(m, "hooks_attached:  %u\n", csd_hooks_attached());
	seq_printf(m, "namespaces:      %u\n", csd_ns_count());
	seq_printf(m, "admin_submitted: %llu\n", g.admin_submitted);
	seq_printf(m, "admin_completed: %llu\n", g.admin_completed);
	seq_printf(m, "untracked:       %llu\n", g.untracked);
	seq_printf(m, "mem_bytes:       %llu\n", csd_mem_total());
	seq_printf(m, "exec_mem_bytes:  %llu\n", csd_exec_mem_bytes());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(csd_info);

static int csd_namespaces_show(struct seq_file *m, void *v)
{
	struct csd_ns_entry e;
	struct csd_ns *ns;

	seq_puts(m, "id disk ctrl nsid zoned lba_size capacity_sectors zone_sectors nr_zones submitted completed aborted mem_bytes\n");
	rcu_read_lock();
	list_for_each_entry_rcu(ns, &csd_ns_list, node) {
		csd_ns_fill_entry(ns, &e);
		seq_printf(m, "%u %s %s %u %u %u %llu %llu %llu %llu %llu %llu %llu\n",
			   e.id, e.disk, e.ctrl, e.nsid,
			   !!(e.flags & CSD_NS_F_ZONED), 1U << e.lba_shift,
			   e.capacity, e.zone_sectors, e.nr_zones,
			   e.submitted, e.completed, e.aborted, e.mem_bytes);
	}
	rcu_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(csd_namespaces);

static int csd_latency_show(struct seq_file *m, void *v)
{
	struct csd_ns *ns = m->private;
	const struct csd_stats *s;
	struct csd_stat_row r;
	unsigned int row;
	u64 *tmp;

	tmp = kvmalloc_array(CSD_HIST_BUCKETS, sizeof(u64), GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	seq_puts(m, "op size count bytes errors retries unbinned min_ns mean_ns p50_ns p90_ns p99_ns p99.9_ns p99.99_ns max_ns\n");
	rcu_read_lock();
	s = rcu_dereference(ns->stats);
	for (row = 0; s && row < CSD_NR_ROWS; row++) {
		csd_fill_row(s, row, tmp, &r);
		if (!r.count)
			continue;
		seq_printf(m, "%s %s %llu %llu %llu %llu %llu %llu %llu",
			   csd_op_name(r.op), csd_sz_name(r.size_class),
			   r.count, r.bytes, r.errors, r.retries, r.unbinned,
			   r.lat_min_ns, div64_u64(r.lat_sum_ns, r.count));
		if (r.flags & CSD_ROW_F_HIST)
			seq_printf(m, " %llu %llu %llu %llu %llu", r.pct_ns[0],
				   r.pct_ns[1], r.pct_ns[2], r.pct_ns[3],
				   r.pct_ns[4]);
		else
			seq_puts(m, " - - - - -");
		seq_printf(m, " %llu\n", r.lat_max_ns);
	}
	rcu_read_unlock();
	kvfree(tmp);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(csd_latency);

static int csd_status_show(struct seq_file *m, void *v)
{
	struct csd_ns *ns = m->private;
	const struct csd_stats *s;
	unsigned int i;

	seq_puts(m, "op opcode status count\n");
	rcu_read_lock();
	s = rcu_dereference(ns->stats);
	for (i = 0; s && i < CSD_STATUS_SLOTS; i++) {
		int key = atomic_read(&s->status[i].key);

		if (!key)
			continue;
		seq_printf(m, "%s 0x%02x 0x%03x %lld\n",
			   csd_op_name(CSD_STATUS_KEY_OP(key)), CSD_STATUS_KEY_OPCODE(key),
			   CSD_STATUS_KEY_STATUS(key), atomic64_read(&s->status[i].count));
	}
	if (s && atomic64_read(&s->errors_other))
		seq_printf(m, "- - other %lld\n", atomic64_read(&s->errors_other));
	rcu_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(csd_status);

static void csd_zone_io_show(struct seq_file *m, const struct csd_zone_io *io)
{
	seq_printf(m, " %llu %llu %llu %llu", io->count,
		   io->count ? div64_u64(io->lat_sum_ns, io->count) : 0,
		   io->p99_ns, io->lat_max_ns);
}

static int csd_zones_show(struct seq_file *m, void *v)
{
	struct csd_ns *ns = m->private;
	const struct csd_stats *s;
	struct csd_zone_entry e;
	u32 i;

	seq_puts(m, "zone start_sector reads r_mean_ns r_p99_ns r_max_ns writes w_mean_ns w_p99_ns w_max_ns appends a_mean_ns a_p99_ns a_max_ns opens closes finishes resets offlines errors\n");
	/*
	 * One RCU read section per zone, not one for the whole table: up to
	 * CSD_REGIONS_MAX zones. An epoch that changes half-way is followed.
	 */
	for (i = 0;; i++) {
		rcu_read_lock();
		s = rcu_dereference(ns->stats);
		if (!s || i >= s->nr_regions) {
			rcu_read_unlock();
			break;
		}
		csd_fill_zone(s, i, &e);
		rcu_read_unlock();
		cond_resched();
		if (!e.io[0].count && !e.io[1].count && !e.io[2].count &&
		    !e.opens && !e.closes && !e.finishes && !e.resets &&
		    !e.offlines && !e.errors)
			continue;
		seq_printf(m, "%u %llu", e.index, e.start_sector);
		csd_zone_io_show(m, &e.io[CSD_ZIO_READ]);
		csd_zone_io_show(m, &e.io[CSD_ZIO_WRITE]);
		csd_zone_io_show(m, &e.io[CSD_ZIO_APPEND]);
		seq_printf(m, " %u %u %u %u %u %u\n", e.opens, e.closes,
			   e.finishes, e.resets, e.offlines, e.errors);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(csd_zones);

static int csd_diag_show(struct seq_file *m, void *v)
{
	struct csd_ns *ns = m->private;
	const struct csd_stats *st;
	struct csd_ns_pcpu sum;

	csd_ns_pcpu_sum(ns, &sum);
	seq_printf(m, "early:     %llu\n", sum.early);
	seq_printf(m, "unmatched: %llu\n", sum.unmatched);
	seq_printf(m, "stale:     %llu\n", sum.stale);
	seq_printf(m, "requeued:  %llu\n", sum.requeued);
	rcu_read_lock();
	st = rcu_dereference(ns->stats);
	if (st)
		seq_printf(m, "zone_unbinned: %lld\n", atomic64_read(&st->zone_unbinned));
	rcu_read_unlock();
	/* An admin queue is seen before nvme-core knows its subsystem. */
	if (!ns->admin) {
		seq_printf(m, "subnqn:    %s\n", ns->subnqn[0] ? ns->subnqn : "-");
		seq_printf(m, "cntlid:    %u\n", ns->cntlid);
	}
	seq_printf(m, "hctx:      %u of %u\n", READ_ONCE(ns->slot_rows), ns->nr_hctx);
	seq_printf(m, "depth:     %u\n", ns->depth);
	seq_printf(m, "mem_bytes: %llu\n", csd_ns_mem(ns));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(csd_diag);

static int csd_ns_inflight_show(struct seq_file *m, void *v)
{
	return csd_inflight_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(csd_ns_inflight);

static int csd_all_inflight_show(struct seq_file *m, void *v)
{
	return csd_inflight_show(m, NULL);
}
DEFINE_SHOW_ATTRIBUTE(csd_all_inflight);

static DEFINE_MUTEX(csd_debugfs_mutex);

static void csd_debugfs_add_ns(struct csd_ns *ns)
{
	struct dentry *old;
	char name[CSD_NAME_LEN + 12];

	if (IS_ERR_OR_NULL(csd_debugfs_root))
		return;
	/* Setup works run in parallel: one name lookup and creation at a time. */
	mutex_lock(&csd_debugfs_mutex);
	if (ns->admin)
		snprintf(name, sizeof(name), "%s-admin", ns->ctrl_name);
	else
		strscpy(name, ns->disk_name, sizeof(name));
	/* A removed namespace of the same name may still be reaped. */
	old = debugfs_lookup(name, csd_debugfs_root);
	if (old) {
		dput(old);
		snprintf(name + strlen(name), sizeof(name) - strlen(name), "-%u", ns->id);
	}
	ns->dbg = debugfs_create_dir(name, csd_debugfs_root);
	mutex_unlock(&csd_debugfs_mutex);
	debugfs_create_file("latency", 0400, ns->dbg, ns, &csd_latency_fops);
	debugfs_create_file("status", 0400, ns->dbg, ns, &csd_status_fops);
	if (!ns->admin)
		debugfs_create_file("zones", 0400, ns->dbg, ns, &csd_zones_fops);
	debugfs_create_file("diag", 0400, ns->dbg, ns, &csd_diag_fops);
	debugfs_create_file("inflight", 0400, ns->dbg, ns, &csd_ns_inflight_fops);
}

static void csd_debugfs_remove_ns(struct csd_ns *ns)
{
	debugfs_remove_recursive(ns->dbg);
	ns->dbg = NULL;
}

/* A namespace's directory, from its first tables until it is freed. */
const struct csd_ns_events csd_debugfs_ns_events = {
	.added = csd_debugfs_add_ns,
	.removed = csd_debugfs_remove_ns,
};

void csd_debugfs_init(void)
{
	/* debugfs is optional: errors are not fatal and need no checks. */
	csd_debugfs_root = debugfs_create_dir("csd", NULL);
	debugfs_create_file("info", 0400, csd_debugfs_root, NULL,
			    &csd_info_fops);
	debugfs_create_file("namespaces", 0400, csd_debugfs_root, NULL,
			    &csd_namespaces_fops);
	debugfs_create_file("inflight", 0400, csd_debugfs_root, NULL,
			    &csd_all_inflight_fops);
	debugfs_create_file("trace", 0400, csd_debugfs_root, NULL,
			    &csd_trace_debugfs_fops);
}

void csd_debugfs_exit(void)
{
	debugfs_remove_recursive(csd_debugfs_root);
}
