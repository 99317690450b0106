/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd's log-linear latency histograms (see uapi/linux/csd.h): a value's
 * bucket, a bucket's bounds and midpoint, the bucket at a rank. The one
 * copy of these maths for csd.ko and csdctl; gdb/csd.py follows it in
 * Python. Needs __u64 from the includer.
 */
#ifndef CSD_HIST_H
#define CSD_HIST_H

/* One histogram layout: first octave shift F, sub-bucket bits B, ... */
struct csd_hist_layout {
	unsigned int first_shift;
	unsigned int sub_bits;
	unsigned int max_shift;		/* the last bucket is [2^max_shift, inf) */
	unsigned int nr_buckets;
};

/* The rows' and the zones' layouts, as initializers. */
#define CSD_HIST_LAYOUT_ROWS \
	{ CSD_HIST_FIRST_SHIFT, CSD_HIST_SUB_BITS, CSD_HIST_MAX_SHIFT, CSD_HIST_BUCKETS }
#define CSD_HIST_LAYOUT_ZONES \
	{ CSD_ZHIST_FIRST_SHIFT, CSD_ZHIST_SUB_BITS, CSD_HIST_MAX_SHIFT, CSD_ZHIST_BUCKETS }

/* The upper bound of the last bucket, which has none. */
#define CSD_HIST_OPEN	(~0ULL)

/* The bucket of value @v. */
static inline unsigned int csd_hist_bucket(const struct csd_hist_layout *l, __u64 v)
{
	unsigned int k;

	if (v < (1ULL << l->first_shift))
		return v >> (l->first_shift - l->sub_bits);
	k = 63 - __builtin_clzll(v);
	if (k >= l->max_shift)
		return (l->max_shift - l->first_shift + 1) << l->sub_bits;
	return ((k - l->first_shift + 1) << l->sub_bits) +
	       ((v >> (k - l->sub_bits)) & ((1U << l->sub_bits) - 1));
}

/* Bucket @b's bounds [@lo, @hi); @hi is CSD_HIST_OPEN for the last one. */
static inline void csd_hist_bounds(const struct csd_hist_layout *l, unsigned int b,
				   __u64 *lo, __u64 *hi)
{
	unsigned int per = 1U << l->sub_bits, k;

	if (b < per) {
		/* [0, 2^F) in 2^B buckets of 2^(F-B) */
		*lo = (__u64)b << (l->first_shift - l->sub_bits);
		*hi = (__u64)(b + 1) << (l->first_shift - l->sub_bits);
		return;
	}
	k = l->first_shift + b / per - 1;
	if (k >= l->max_shift) {
		*lo = 1ULL << l->max_shift;
		*hi = CSD_HIST_OPEN;
		return;
	}
	/* octave [2^k, 2^(k+1)) in 2^B buckets of 2^(k-B) */
	*lo = (1ULL << k) + ((__u64)(b % per) << (k - l->sub_bits));
	*hi = *lo + (1ULL << (k - l->sub_bits));
}

/* What stands for the values of bucket @b: its midpoint (the last: its start). */
static inline __u64 csd_hist_mid(const struct csd_hist_layout *l, unsigned int b)
{
	__u64 lo, hi;

	csd_hist_bounds(l, b, &lo, &hi);
	return hi == CSD_HIST_OPEN ? lo : lo + (hi - lo) / 2;
}

/* The first of @n buckets at which the running count reaches @rank (>= 1). */
static inline unsigned int csd_hist_rank(const __u64 *b, unsigned int n, __u64 rank)
{
	__u64 cum = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		cum += b[i];
		if (cum >= rank)
			return i;
	}
	return n - 1;
}

#endif
