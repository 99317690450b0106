/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel interfaces that differ between the kernels csd supports
 * (Documentation/kernels.rst), in one place. gen-compat.sh compiles a
 * test per difference (conftest/<name>.c) against the target kernel and
 * writes compat_auto.h: CSD_HAVE_<NAME> where the interface is there.
 * The rest of the module calls the csd_* helpers below and has no
 * kernel-version #if.
 */
#ifndef _CSD_COMPAT_H
#define _CSD_COMPAT_H

#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/numa.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "compat_auto.h"

/* kvcalloc_node(): 6.10+. */
static inline void *csd_kvcalloc_node(size_t n, size_t size, gfp_t flags, int node)
{
#ifdef CSD_HAVE_KVCALLOC_NODE
	return kvcalloc_node(n, size, flags, node);
#else
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return kvmalloc_node(bytes, flags | __GFP_ZERO, node);
#endif
}

/* kvrealloc() lost its old-size argument in 6.11. */
static inline void *csd_kvrealloc(void *p, size_t oldsize, size_t newsize, gfp_t flags)
{
#ifdef CSD_HAVE_KVREALLOC_3ARG
	return kvrealloc(p, newsize, flags);
#else
	return kvrealloc(p, oldsize, newsize, flags);
#endif
}

/*
 * A disk that is never added, only read and put: blk_alloc_disk() takes
 * queue limits and returns an ERR_PTR since 6.9.
 */
static inline struct gendisk *csd_blk_alloc_disk(void)
{
#ifdef CSD_HAVE_BLK_ALLOC_DISK_LIM
	return blk_alloc_disk(NULL, NUMA_NO_NODE);
#else
	return blk_alloc_disk(NUMA_NO_NODE) ?: ERR_PTR(-ENOMEM);
#endif
}

/*
 * What the block layer keeps of a zoned @disk's zones (6.10+): how many
 * it found, the capacity (sectors) of all but the last, and the last
 * one's, as it checked them in the drive's report when it last read the
 * zones (it refuses zones of different capacities, but for the last).
 * False where the kernel keeps no capacity. It changes them with the
 * queue frozen: the caller holds a reference on the queue's usage.
 */
static inline bool csd_disk_zone_caps(struct gendisk *disk, unsigned int *nr_zones,
				      unsigned int *cap, unsigned int *last_cap)
{
#ifdef CSD_HAVE_DISK_ZONE_CAPACITY
	*nr_zones = READ_ONCE(disk->nr_zones);
	*cap = READ_ONCE(disk->zone_capacity);
	*last_cap = READ_ONCE(disk->last_zone_capacity);
	return true;
#else
	return false;
#endif
}

/*
 * A class interface's add_dev(): CSD_CLASS_INTF_ADD_DEV(fn) defines
 * fn(struct device *dev) with the signature of this kernel (6.4 dropped
 * the interface argument).
 */
#ifdef CSD_HAVE_CLASS_INTF_ADD_DEV_1ARG
#define CSD_CLASS_INTF_ADD_DEV(fn) int fn(struct device *dev)
#else
#define CSD_CLASS_INTF_ADD_DEV(fn) int fn(struct device *dev, struct class_interface *intf)
#endif

#endif /* _CSD_COMPAT_H */
