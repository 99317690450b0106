// SPDX-License-Identifier: GPL-2.0
/*
 * include/csd/hist.h on the host (make check): for both layouts, the
 * buckets tile [0, inf) in order, each value lands in the bucket whose
 * bounds hold it, the midpoint lies within them, and the rows' buckets are
 * no wider than 1/64 of their start above 64 ns, as uapi/linux/csd.h says.
 */
#include <stdio.h>

#include <linux/types.h>
#include <linux/csd.h>
#include <csd/hist.h>

static int fails;

#define CHECK(cond, ...) do { if (!(cond)) { printf("hist_test: " __VA_ARGS__); fails++; } } while (0)

static void check_layout(const char *name, const struct csd_hist_layout *l, int width_shift)
{
	__u64 lo, hi, prev_hi = 0, mid;
	unsigned int b;

	for (b = 0; b < l->nr_buckets; b++) {
		csd_hist_bounds(l, b, &lo, &hi);
		CHECK(lo == prev_hi, "%s: bucket %u starts at %llu, not %llu\n", name, b, lo, prev_hi);
		CHECK(hi > lo, "%s: bucket %u is empty\n", name, b);
		CHECK(csd_hist_bucket(l, lo) == b, "%s: %llu is not in bucket %u\n", name, lo, b);
		if (hi != CSD_HIST_OPEN)
			CHECK(csd_hist_bucket(l, hi - 1) == b, "%s: %llu is not in bucket %u\n",
			      name, hi - 1, b);
		mid = csd_hist_mid(l, b);
		CHECK(mid >= lo && (hi == CSD_HIST_OPEN || mid < hi),
		      "%s: midpoint of bucket %u out of it\n", name, b);
		if (width_shift && lo >= 64 && hi != CSD_HIST_OPEN)
			CHECK(hi - lo <= lo >> width_shift, "%s: bucket %u is too wide\n", name, b);
		prev_hi = hi;
	}
	CHECK(prev_hi == CSD_HIST_OPEN, "%s: the last bucket is not open\n", name);
	CHECK(csd_hist_bucket(l, ~0ULL) == l->nr_buckets - 1, "%s: U64_MAX past the last bucket\n",
	      name);
}

int main(void)
{
	const struct csd_hist_layout rows = CSD_HIST_LAYOUT_ROWS, zones = CSD_HIST_LAYOUT_ZONES;
	__u64 b[4] = { 2, 0, 5, 1 };

	check_layout("rows", &rows, 6);
	check_layout("zones", &zones, 0);
	CHECK(csd_hist_rank(b, 4, 1) == 0 && csd_hist_rank(b, 4, 3) == 2 &&
	      csd_hist_rank(b, 4, 8) == 3 && csd_hist_rank(b, 4, 9) == 3, "rank\n");
	printf("hist_test: %s\n", fails ? "FAILED" : "ok");
	return fails ? 1 : 0;
}
