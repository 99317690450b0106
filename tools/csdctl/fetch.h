/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fetching csd's statistics into plain structs, once per snapshot; the
 * table, JSON, top and Prometheus code paths only format from these.
 */
#ifndef CSDCTL_FETCH_H
#define CSDCTL_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/csd.h>

/* One namespace's CSD_IOC_NS_STATS snapshot. */
struct ns_snap {
	struct csd_ns_entry ns;			/* from CSD_IOC_LIST_NS */
	struct csd_ns_stats st;			/* counters, since_ns, now_ns */
	struct csd_stat_row *rows;		/* by op, size class, opcode */
	unsigned int nr_rows;
	struct csd_status_entry *statuses;	/* by op, opcode, status */
	unsigned int nr_statuses;
};

/* Snapshot @ns: 0, or -errno (nothing printed). */
int snap_fetch(int fd, const struct csd_ns_entry *ns, struct ns_snap *s);
/*
 * Snapshot DISK, or every namespace if @disk is NULL (skipping those that
 * vanish meanwhile). Returns the number of snapshots, or -1 (printed).
 */
extern bool fetch_admin;
int snaps_fetch(int fd, const char *disk, struct ns_snap **out);
void snaps_free(struct ns_snap *s, int n);
/*
 * A multipath head's snapshot from its paths' @s[0..n): counts summed,
 * rows and statuses merged, and with @pct each row's percentiles from the
 * paths' histograms merged (CSD_IOC_GET_HIST; none for a row whose
 * histograms cannot be read). Named @head, ns.id 0. 0, or -EINVAL if n < 1.
 */
int snap_sum(int fd, const struct ns_snap *s, int n, const char *head, bool pct,
	     struct ns_snap *out);
/* Free what snap_fetch() or snap_sum() allocated in @s. */
void snap_release(struct ns_snap *s);
const struct ns_snap *snap_find(const struct ns_snap *s, int n, __u32 ns_id);

/* submitted - completed - aborted. */
long long snap_in_flight(const struct ns_snap *s);
/*
 * The baseline for deltas to @cur: @prev if it is an earlier snapshot of
 * the same namespace and counting epoch, else NULL (count from the start:
 * @cur's since_ns, e.g. after a reset or for a new namespace).
 */
const struct ns_snap *snap_base(const struct ns_snap *prev, const struct ns_snap *cur);
/* Seconds from @base (or @cur's since_ns if NULL) to @cur. */
double snap_secs(const struct ns_snap *base, const struct ns_snap *cur);
/* @cur's counter minus @base's (0 if no base or it went backwards). */
__u64 ctr_delta(__u64 base, __u64 cur, bool have_base);

struct row_delta {
	__u64 count;
	__u64 bytes;
	__u64 lat_sum_ns;
};

/* @row of @cur counted since @base (see snap_base()). */
void row_delta(const struct ns_snap *base, const struct csd_stat_row *row,
	       struct row_delta *d);
/* Whether a row carries latencies (CSD_OP_OTHER rows do not). */
bool row_has_lat(const struct csd_stat_row *r);

/* A latency histogram and its layout (see CSD_HIST_* in the uapi). */
struct hist {
	struct csd_hist arg;	/* nr_buckets, first_shift, sub_bits, max_shift, count */
	__u64 *buckets;
};

#define HIST_INF	UINT64_MAX	/* upper bound of the last bucket (CSD_HIST_OPEN) */

/* 0, -errno (nothing printed), or -EPROTO for a layout csdctl cannot read. */
int hist_fetch(int fd, __u32 ns_id, __u32 flags, __u32 op, __u32 size_class, __u32 zone,
	       struct hist *h);
void hist_free(struct hist *h);
/* Print hist_fetch()'s error @err. */
void hist_fetch_error(const char *disk, int err);
/* [lo, hi) of fine bucket @b; hi is HIST_INF for the last one. */
void hist_bucket_bounds(const struct hist *h, unsigned int b, __u64 *lo, __u64 *hi);
/*
 * Power-of-two rows: [0, 2^(F-B)), then [2^k, 2^(k+1)) up to
 * [2^max_shift, inf). Fine buckets never straddle a row.
 */
unsigned int hist_nr_rows(const struct hist *h);
unsigned int hist_row_of(const struct hist *h, unsigned int b);
void hist_row_bounds(const struct hist *h, unsigned int row, __u64 *lo, __u64 *hi);
/*
 * Midpoint of the fine bucket holding rank ceil(q * count), q in units of
 * 1/10000 (p99 = 9900); the lower bound for the open last bucket, with
 * *open set. 0 if the histogram is empty.
 */
__u64 hist_quantile(const struct hist *h, unsigned int q, bool *open);

/* Per-zone statistics of zones [@from, @to] (clamped to the last zone). */
struct zone_stats {
	struct csd_zone_entry *zones;
	unsigned int nr;
	__u32 total;		/* zones (regions) of the namespace */
	__u64 region_sectors;
};

/* 0, or -errno (nothing printed); -ERANGE if @from >= total (set). */
int zones_fetch(int fd, __u32 ns_id, __u32 from, __u32 to, struct zone_stats *zs);

#endif
