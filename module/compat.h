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

#endif /* _CSD_COMPAT_H */
