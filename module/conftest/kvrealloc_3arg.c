// SPDX-License-Identifier: GPL-2.0
/* kvrealloc(p, size, flags) (6.11+); before: kvrealloc(p, oldsize, newsize, flags). */
#include <linux/slab.h>

void *csd_conftest(void *p);
void *csd_conftest(void *p)
{
	return kvrealloc(p, 1, GFP_KERNEL);
}
