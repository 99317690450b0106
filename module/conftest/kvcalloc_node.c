// SPDX-License-Identifier: GPL-2.0
/* kvcalloc_node() (6.10+). */
#include <linux/slab.h>

void *csd_conftest(void);
void *csd_conftest(void)
{
	return kvcalloc_node(1, 1, GFP_KERNEL, NUMA_NO_NODE);
}
