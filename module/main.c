// SPDX-License-Identifier: GPL-2.0
/*
 * csd: NVMe/ZNS latency accounting and verified BPF offload.
 *
 * Module entry: sets up debugfs, the namespace table, /dev/csd, then the
 * NVMe hooks, which start feeding the table, and last the watch for
 * disks, which lists the namespaces present. Teardown runs in reverse: no
 * probe runs once csd_hooks_exit() returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/percpu.h>

#include "csd.h"

struct csd_global_pcpu __percpu *csd_global;

static int __init csd_init(void)
{
	int ret;

	csd_decode_init();
	csd_global = alloc_percpu(struct csd_global_pcpu);
	if (!csd_global)
		return -ENOMEM;

	csd_debugfs_init();

	ret = csd_ns_init(&csd_debugfs_ns_events);
	if (ret)
		goto err_debugfs;

	ret = csd_chardev_init();
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", CSD_DEVICE_NAME, ret);
		goto err_ns;
	}

	ret = csd_bpf_init();
	if (ret)
		goto err_chardev;

	ret = csd_hooks_init();
	if (ret) {
		pr_err("cannot watch for nvme-core: %d\n", ret);
		goto err_chardev;
	}

	ret = csd_discover_init();
	if (ret)
		goto err_hooks;

	if (csd_bpf_built)
		pr_info("loaded, version %s\n", CSD_VERSION);
	else
		pr_info("loaded, version %s, without BPF programs: this kernel cannot register struct_ops from a module (6.9+ with BPF_SYSCALL)\n",
			CSD_VERSION);
	return 0;

err_hooks:
	csd_hooks_exit();
err_chardev:
	csd_chardev_exit();
	csd_exec_exit();
err_ns:
	csd_ns_exit();
err_debugfs:
	csd_debugfs_exit();
	free_percpu(csd_global);
	return ret;
}

static void __exit csd_exit(void)
{
	csd_discover_exit();
	csd_hooks_exit();
	csd_chardev_exit();
	csd_exec_exit();
	csd_ns_exit();
	csd_debugfs_exit();
	free_percpu(csd_global);
	pr_info("unloaded\n");
}

module_init(csd_init);
module_exit(csd_exit);

MODULE_DESCRIPTION("NVMe/ZNS latency accounting and verified BPF offload");
MODULE_AUTHOR("The csd developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(CSD_VERSION);
#ifdef CSD_HAVE_BPF
MODULE_INFO(bpf, "programs (csd_ops, csd_exec_ops)");
#else
MODULE_INFO(bpf, "compiled out: module struct_ops need kernel 6.9+ with BPF_SYSCALL");
#endif
