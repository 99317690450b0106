// SPDX-License-Identifier: GPL-2.0
/* Compiles on every kernel: if it does not, kbuild itself is broken. */
#include <linux/slab.h>

void *csd_conftest(void);
void *csd_conftest(void)
{
	return kmalloc(1, GFP_KERNEL);
}
