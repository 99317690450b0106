// SPDX-License-Identifier: GPL-2.0
/*
 * csd: /sys/kernel/debug/csd/.
 *
 *   info        module version, hooks, global counters
 *   namespaces  one line per tracked namespace, with its counters
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>

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
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(csd_info);

static int csd_namespaces_show(struct seq_file *m, void *v)
{
	struct csd_ns_entry e;
	struct csd_ns *ns;

	seq_puts(m, "id disk ctrl nsid zoned lba_size capacity_sectors zone_sectors nr_zones submitted completed\n");
	rcu_read_lock();
	list_for_each_entry_rcu(ns, &csd_ns_list, node) {
		csd_ns_fill_entry(ns, &e);
		seq_printf(m, "%u %s %s %u %u %u %llu %llu %llu %llu %llu\n",
			   e.id, e.disk, e.ctrl, e.nsid,
			   !!(e.flags & CSD_NS_F_ZONED), 1U << e.lba_shift,
			   e.capacity, e.zone_sectors, e.nr_zones,
			   e.submitted, e.completed);
	}
	rcu_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(csd_namespaces);

void csd_debugfs_init(void)
{
	/* debugfs is optional: errors are not fatal and need no checks. */
	csd_debugfs_root = debugfs_create_dir("csd", NULL);
	debugfs_create_file("info", 0400, csd_debugfs_root, NULL,
			    &csd_info_fops);
	debugfs_create_file("namespaces", 0400, csd_debugfs_root, NULL,
			    &csd_namespaces_fops);
}

void csd_debugfs_exit(void)
{
	debugfs_remove_recursive(csd_debugfs_root);
}
