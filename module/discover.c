// SPDX-License-Identifier: GPL-2.0
/*
 * csd: every NVMe namespace, from load.
 *
 * The probes learn a queue from its first command, so an idle namespace
 * would stay unlisted until it did I/O. csd also registers a class
 * interface on the block class: the driver core calls its add_dev() for
 * every disk registered when csd loads and for every disk added later
 * (device_add(), from add_disk()), in process context with the class's
 * mutex held, which holds off the device_del() in del_gendisk() of that
 * disk (so its driver's structures stay). hooks.c keeps
 * the disks of the nvme_core csd is attached to; ns.c checks them and
 * gives each an entry with its tables (csd_ns_adopt()).
 *
 * The block class and the disk device type are not exported. They are
 * the class and type of every gendisk, so csd reads them from one it
 * allocates, never adds, and puts at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/device.h>

#include "csd.h"
#include "compat.h"

static const struct device_type *csd_disk_type;

static CSD_CLASS_INTF_ADD_DEV(csd_disk_added)
{
	/* The block class also holds partitions. */
	if (dev->type == csd_disk_type)
		csd_hooks_adopt(dev_to_disk(dev));
	return 0;
}

static struct class_interface csd_disk_intf = {
	.add_dev = csd_disk_added,
};

int csd_discover_init(void)
{
	struct gendisk *disk = csd_blk_alloc_disk();
	int ret;

	if (IS_ERR(disk))
		return PTR_ERR(disk);
	csd_disk_intf.class = disk_to_dev(disk)->class;
	csd_disk_type = disk_to_dev(disk)->type;
	put_disk(disk);
	ret = class_interface_register(&csd_disk_intf);
	if (ret)
		pr_err("cannot watch the block class for disks: %d\n", ret);
	return ret;
}

/* No add_dev() runs once this returns. */
void csd_discover_exit(void)
{
	class_interface_unregister(&csd_disk_intf);
}
