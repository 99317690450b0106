// SPDX-License-Identifier: GPL-2.0
/*
 * csd: percentiles from a histogram (the bucket maths: include/csd/hist.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/math64.h>

#include "csd.h"

/* The value at rank ceil(count * num / den): its bucket's midpoint. */
u64 csd_hist_pct(const struct csd_hist_layout *l, const u64 *b, u64 count,
		 u32 num, u32 den)
{
	u64 rank;

	if (!count)
		return 0;
	rank = div64_u64(count * num + den - 1, den);
	return csd_hist_mid(l, csd_hist_rank(b, l->nr_buckets, rank ? rank : 1));
}
