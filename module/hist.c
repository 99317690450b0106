// SPDX-License-Identifier: GPL-2.0
/*
 * csd: histogram maths.
 *
 * Buckets are log-linear: csd_hist_index() (csd.h) puts a latency in one;
 * these give a bucket's midpoint and the value at a rank.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/math64.h>

#include "csd.h"

u64 csd_hist_mid(unsigned int b, unsigned int first, unsigned int sub)
{
	unsigned int last = (CSD_HIST_MAX_SHIFT - first + 1) << sub;
	unsigned int j, k;
	u64 low, width;

	if (b >= last)
		return 1ULL << CSD_HIST_MAX_SHIFT;
	if (b < (1U << sub)) {
		width = 1ULL << (first - sub);
		return ((u64)b << (first - sub)) + width / 2;
	}
	j = b >> sub;
	k = first + j - 1;
	width = 1ULL << (k - sub);
	low = (1ULL << k) + (u64)(b & ((1U << sub) - 1)) * width;
	return low + width / 2;
}

/* The value at rank ceil(count * num / den): its bucket's midpoint. */
u64 csd_hist_pct(const u64 *b, unsigned int n, u64 count, unsigned int first,
		 unsigned int sub, u32 num, u32 den)
{
	u64 rank, cum = 0;
	unsigned int i;

	if (!count)
		return 0;
	rank = div64_u64(count * num + den - 1, den);
	if (!rank)
		rank = 1;
	for (i = 0; i < n; i++) {
		cum += b[i];
		if (cum >= rank)
			return csd_hist_mid(i, first, sub);
	}
	return csd_hist_mid(n - 1, first, sub);
}
