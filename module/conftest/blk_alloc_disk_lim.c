// SPDX-License-Identifier: GPL-2.0
/* blk_alloc_disk(lim, node), ERR_PTR on failure (6.9+); before: blk_alloc_disk(node), NULL. */
#include <linux/blkdev.h>
#include <linux/numa.h>

struct gendisk *csd_conftest(void);
struct gendisk *csd_conftest(void)
{
	return blk_alloc_disk(NULL, NUMA_NO_NODE);
}
