// SPDX-License-Identifier: GPL-2.0
/* Fetching csd's statistics into plain structs (see fetch.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "csdctl.h"
#include <csd/hist.h>

#include "fetch.h"

static int cmp_u(unsigned int a, unsigned int b)
{
	return a < b ? -1 : a > b;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct csd_stat_row *a = pa, *b = pb;

	return cmp_u(a->op, b->op) ?: cmp_u(a->size_class, b->size_class) ?:
	       cmp_u(a->opcode, b->opcode);
}

static int status_cmp(const void *pa, const void *pb)
{
	const struct csd_status_entry *a = pa, *b = pb;

	return cmp_u(a->op, b->op) ?: cmp_u(a->opcode, b->opcode) ?:
	       cmp_u(a->status, b->status);
}

/* The layout GET_HIST returned, for include/csd/hist.h. */
static struct csd_hist_layout hist_layout(const struct hist *h)
{
	struct csd_hist_layout l = {
		.first_shift = h->arg.first_shift, .sub_bits = h->arg.sub_bits,
		.max_shift = h->arg.max_shift, .nr_buckets = h->arg.nr_buckets,
	};

	return l;
}

static void snap_free(struct ns_snap *s)
{
	free(s->rows);
	free(s->statuses);
	s->rows = NULL;
	s->statuses = NULL;
}

void snap_release(struct ns_snap *s)
{
	snap_free(s);
}

int snap_fetch(int fd, const struct csd_ns_entry *ns, struct ns_snap *s)
{
	__u32 nr_rows = 64, nr_statuses = 16;

	memset(s, 0, sizeof(*s));
	s->ns = *ns;
	for (;;) {
		struct csd_ns_stats *st = &s->st;

		s->rows = xcalloc(nr_rows, sizeof(*s->rows));
		s->statuses = xcalloc(nr_statuses, sizeof(*s->statuses));
		memset(st, 0, sizeof(*st));
		st->size = sizeof(*st);
		st->ns_id = ns->id;
		st->row_count = nr_rows;
		st->row_size = sizeof(*s->rows);
		st->rows = (__u64)(uintptr_t)s->rows;
		st->status_count = nr_statuses;
		st->status_size = sizeof(*s->statuses);
		st->statuses = (__u64)(uintptr_t)s->statuses;
		if (ioctl(fd, CSD_IOC_NS_STATS, st)) {
			int err = -errno;

			snap_free(s);
			return err;
		}
		if (st->row_total <= st->row_count && st->status_total <= st->status_count)
			break;
		/* Rows or statuses appeared meanwhile: again, with room to spare. */
		snap_free(s);
		if (st->row_total > nr_rows)
			nr_rows = st->row_total + 16;
		if (st->status_total > nr_statuses)
			nr_statuses = st->status_total + 16;
	}
	s->nr_rows = s->st.row_count;
	s->nr_statuses = s->st.status_count;
	qsort(s->rows, s->nr_rows, sizeof(*s->rows), row_cmp);
	qsort(s->statuses, s->nr_statuses, sizeof(*s->statuses), status_cmp);
	return 0;
}

/* Whether snaps_fetch() includes controllers' admin queues. */
bool fetch_admin;

int snaps_fetch(int fd, const char *disk, struct ns_snap **out)
{
	struct csd_ns_entry *ents;
	struct ns_snap *snaps;
	int i, n, nr = 0, err;

	n = csd_list_ns(fd, &ents);
	if (n < 0)
		return -1;
	snaps = xcalloc(n, sizeof(*snaps));
	for (i = 0; i < n; i++) {
		if ((ents[i].flags & CSD_NS_F_ADMIN) && !fetch_admin)
			continue;
		if (disk && !ns_selected(ents, n, i, disk))
			continue;
		err = snap_fetch(fd, &ents[i], &snaps[nr]);
		/* Without DISK, a namespace that went away meanwhile is skipped. */
		if (err == -ENODEV && !disk)
			continue;
		if (err) {
			ioctl_error("CSD_IOC_NS_STATS", ents[i].disk, -err);
			snaps_free(snaps, nr);
			free(ents);
			return -1;
		}
		nr++;
	}
	free(ents);
	if (disk && !nr) {
		no_such_disk(disk);
		snaps_free(snaps, nr);
		return -1;
	}
	*out = snaps;
	return nr;
}

/* The percentiles of @r from @h, the sum of its paths' histograms. */
static void row_pct_from_hist(struct csd_stat_row *r, const struct hist *h)
{
	static const __u32 num[CSD_PCT_NR] = CSD_PCT_NUM, den[CSD_PCT_NR] = CSD_PCT_DEN;
	struct csd_hist_layout l = hist_layout(h);
	unsigned __int128 binned = 0;
	unsigned int b, i;

	for (b = 0; b < h->arg.nr_buckets; b++)
		binned += h->buckets[b];
	if (!binned)
		return;
	r->flags |= CSD_ROW_F_HIST;
	for (i = 0; i < CSD_PCT_NR; i++) {
		unsigned __int128 rank = (binned * num[i] + den[i] - 1) / den[i];
		__u64 v = csd_hist_mid(&l, csd_hist_rank(h->buckets, l.nr_buckets,
						       rank ? (__u64)rank : 1));

		/* As the kernel does: the true value lies within [min, max]. */
		r->pct_ns[i] = v < r->lat_min_ns ? r->lat_min_ns :
			       v > r->lat_max_ns ? r->lat_max_ns : v;
	}
}

/* Add row @r into @s's rows, by operation, size class and opcode. */
static void snap_add_row(struct ns_snap *s, const struct csd_stat_row *r)
{
	struct csd_stat_row *t;
	unsigned int i;

	for (i = 0; i < s->nr_rows; i++) {
		t = &s->rows[i];
		if (t->op == r->op && t->size_class == r->size_class && t->opcode == r->opcode)
			break;
	}
	t = &s->rows[i];
	if (i == s->nr_rows) {
		*t = *r;
		t->flags &= ~CSD_ROW_F_HIST;
		memset(t->pct_ns, 0, sizeof(t->pct_ns));
		s->nr_rows++;
		return;
	}
	if (r->count && (!t->count || r->lat_min_ns < t->lat_min_ns))
		t->lat_min_ns = r->lat_min_ns;
	if (r->lat_max_ns > t->lat_max_ns)
		t->lat_max_ns = r->lat_max_ns;
	t->count += r->count;
	t->bytes += r->bytes;
	t->errors += r->errors;
	t->retries += r->retries;
	t->unbinned += r->unbinned;
	t->lat_sum_ns += r->lat_sum_ns;
}

static void snap_add_status(struct ns_snap *s, const struct csd_status_entry *e)
{
	unsigned int i;

	for (i = 0; i < s->nr_statuses; i++)
		if (s->statuses[i].op == e->op && s->statuses[i].opcode == e->opcode &&
		    s->statuses[i].status == e->status) {
			s->statuses[i].count += e->count;
			return;
		}
	s->statuses[s->nr_statuses++] = *e;
}

int snap_sum(int fd, const struct ns_snap *s, int n, const char *head, bool pct,
	     struct ns_snap *out)
{
	unsigned int rows = 0, statuses = 0, i;
	int p, err;

	memset(out, 0, sizeof(*out));
	if (n < 1)
		return -EINVAL;
	for (p = 0; p < n; p++) {
		rows += s[p].nr_rows;
		statuses += s[p].nr_statuses;
	}
	out->rows = xcalloc(rows + 1, sizeof(*out->rows));
	out->statuses = xcalloc(statuses + 1, sizeof(*out->statuses));
	out->ns = s[0].ns;
	out->ns.id = 0;
	snprintf(out->ns.disk, sizeof(out->ns.disk), "%s", head);
	out->ns.flags &= ~CSD_NS_F_DEAD;
	out->st.since_ns = s[0].st.since_ns;
	for (p = 0; p < n; p++) {
		const struct ns_snap *q = &s[p];

		if (p) {
			out->ns.submitted += q->ns.submitted;
			out->ns.completed += q->ns.completed;
			out->ns.aborted += q->ns.aborted;
			out->ns.early += q->ns.early;
			out->ns.unmatched += q->ns.unmatched;
			out->ns.stale += q->ns.stale;
			out->ns.requeued += q->ns.requeued;
		}
		out->st.submitted += q->st.submitted;
		out->st.completed += q->st.completed;
		out->st.aborted += q->st.aborted;
		out->st.errors_other += q->st.errors_other;
		out->st.zone_unbinned += q->st.zone_unbinned;
		out->st.dropped += q->st.dropped;
		for (i = 0; i < CSD_BPF_CLASSES; i++) {
			out->st.class_count[i] += q->st.class_count[i];
			out->st.class_lat_sum_ns[i] += q->st.class_lat_sum_ns[i];
		}
		if (q->st.since_ns < out->st.since_ns)
			out->st.since_ns = q->st.since_ns;
		if (q->st.now_ns > out->st.now_ns)
			out->st.now_ns = q->st.now_ns;
		for (i = 0; i < q->nr_rows; i++)
			snap_add_row(out, &q->rows[i]);
		for (i = 0; i < q->nr_statuses; i++)
			snap_add_status(out, &q->statuses[i]);
	}
	/*
	 * Percentiles from the paths' histograms, merged (not averaged). A
	 * row whose histograms cannot all be read has none, as a row without
	 * a histogram in the kernel.
	 */
	for (i = 0; pct && i < out->nr_rows; i++) {
		struct csd_stat_row *r = &out->rows[i];
		struct hist sum = { .buckets = NULL }, h;
		unsigned int b;

		if (r->op == CSD_OP_OTHER || !r->count)
			continue;
		for (p = 0; p < n; p++) {
			err = hist_fetch(fd, s[p].ns.id, 0, r->op, r->size_class, 0, &h);
			if (err == -ENOENT || err == -ENODEV)
				continue;	/* a path without that row, or gone */
			if (err)
				break;
			if (!sum.buckets) {
				sum = h;
				continue;
			}
			for (b = 0; b < sum.arg.nr_buckets && b < h.arg.nr_buckets; b++)
				sum.buckets[b] += h.buckets[b];
			hist_free(&h);
		}
		if (sum.buckets && p == n)
			row_pct_from_hist(r, &sum);
		hist_free(&sum);
	}
	qsort(out->rows, out->nr_rows, sizeof(*out->rows), row_cmp);
	qsort(out->statuses, out->nr_statuses, sizeof(*out->statuses), status_cmp);
	return 0;
}

void snaps_free(struct ns_snap *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		snap_free(&s[i]);
	free(s);
}

const struct ns_snap *snap_find(const struct ns_snap *s, int n, __u32 ns_id)
{
	int i;

	for (i = 0; i < n; i++)
		if (s[i].ns.id == ns_id)
			return &s[i];
	return NULL;
}

long long snap_in_flight(const struct ns_snap *s)
{
	return (long long)(s->st.submitted - s->st.completed - s->st.aborted);
}

const struct ns_snap *snap_base(const struct ns_snap *prev, const struct ns_snap *cur)
{
	if (prev && prev->ns.id == cur->ns.id && prev->st.since_ns == cur->st.since_ns &&
	    prev->st.now_ns <= cur->st.now_ns)
		return prev;
	return NULL;
}

double snap_secs(const struct ns_snap *base, const struct ns_snap *cur)
{
	__u64 from = base ? base->st.now_ns : cur->st.since_ns;

	return cur->st.now_ns > from ? (cur->st.now_ns - from) / 1e9 : 0;
}

__u64 ctr_delta(__u64 base, __u64 cur, bool have_base)
{
	if (!have_base)
		return cur;
	return cur > base ? cur - base : 0;
}

static const struct csd_stat_row *row_find(const struct ns_snap *s, const struct csd_stat_row *r)
{
	unsigned int i;

	for (i = 0; i < s->nr_rows; i++)
		if (!row_cmp(&s->rows[i], r))
			return &s->rows[i];
	return NULL;
}

void row_delta(const struct ns_snap *base, const struct csd_stat_row *row, struct row_delta *d)
{
	const struct csd_stat_row *b = base ? row_find(base, row) : NULL;

	d->count = ctr_delta(b ? b->count : 0, row->count, b);
	d->bytes = ctr_delta(b ? b->bytes : 0, row->bytes, b);
	d->lat_sum_ns = ctr_delta(b ? b->lat_sum_ns : 0, row->lat_sum_ns, b);
}

bool row_has_lat(const struct csd_stat_row *r)
{
	/* CSD_OP_OTHER rows carry latencies only on admin queues. */
	return r->count && (r->op != CSD_OP_OTHER || r->lat_max_ns);
}

/* Whether the layout is the one the uapi describes, and has @nr buckets. */
static bool hist_layout_ok(const struct csd_hist *a)
{
	__u32 f = a->first_shift, b = a->sub_bits, m = a->max_shift;

	if (b > f || f >= m || m >= 63 || b > 16)
		return false;
	return a->nr_buckets == (1u << b) * (m - f + 1) + 1;
}

static int hist_ioctl(int fd, const struct csd_hist *req, __u32 nr, __u64 *buckets,
		      struct csd_hist *a)
{
	*a = *req;
	a->nr_buckets = nr;
	a->buckets = (__u64)(uintptr_t)buckets;
	return ioctl(fd, CSD_IOC_GET_HIST, a) ? -errno : 0;
}

int hist_fetch(int fd, __u32 ns_id, __u32 flags, __u32 op, __u32 size_class, __u32 zone,
	       struct hist *h)
{
	struct csd_hist req = {
		.size = sizeof(req),
		.flags = flags,
		.ns_id = ns_id,
		.op = op,
		.size_class = size_class,
		.zone = zone,
	};
	__u32 nr;
	int err;

	h->buckets = NULL;
	/* nr_buckets 0: the layout only */
	err = hist_ioctl(fd, &req, 0, NULL, &h->arg);
	if (err)
		return err;
	if (!hist_layout_ok(&h->arg))
		return -EPROTO;
	nr = h->arg.nr_buckets;
	h->buckets = xcalloc(nr, sizeof(*h->buckets));
	err = hist_ioctl(fd, &req, nr, h->buckets, &h->arg);
	if (!err && (!hist_layout_ok(&h->arg) || h->arg.nr_buckets != nr))
		err = -EPROTO;
	if (err)
		hist_free(h);
	return err;
}

void hist_fetch_error(const char *disk, int err)
{
	if (err == -EPROTO)
		fprintf(stderr, "%s: CSD_IOC_GET_HIST (%s): histogram layout not as the uapi describes\n",
			prog, disk);
	else
		ioctl_error("CSD_IOC_GET_HIST", disk, -err);
}

void hist_free(struct hist *h)
{
	free(h->buckets);
	h->buckets = NULL;
}

void hist_bucket_bounds(const struct hist *h, unsigned int b, __u64 *lo, __u64 *hi)
{
	struct csd_hist_layout l = hist_layout(h);

	csd_hist_bounds(&l, b, lo, hi);
}

unsigned int hist_nr_rows(const struct hist *h)
{
	/* [0, 2^(F-B)), [2^(F-B), ...) .. [2^(M-1), 2^M), [2^M, inf) */
	return h->arg.max_shift - (h->arg.first_shift - h->arg.sub_bits) + 2;
}

static unsigned int log2_u64(__u64 v)
{
	return 63 - __builtin_clzll(v);
}

unsigned int hist_row_of(const struct hist *h, unsigned int b)
{
	unsigned int base = h->arg.first_shift - h->arg.sub_bits;
	__u64 lo, hi;

	hist_bucket_bounds(h, b, &lo, &hi);
	if (lo < (1ULL << base))
		return 0;
	return log2_u64(lo) - base + 1;
}

void hist_row_bounds(const struct hist *h, unsigned int row, __u64 *lo, __u64 *hi)
{
	unsigned int base = h->arg.first_shift - h->arg.sub_bits;

	if (!row) {
		*lo = 0;
		*hi = 1ULL << base;
		return;
	}
	*lo = 1ULL << (base + row - 1);
	*hi = base + row - 1 >= h->arg.max_shift ? HIST_INF : *lo << 1;
}

__u64 hist_quantile(const struct hist *h, unsigned int q, bool *open)
{
	unsigned __int128 total = 0, rank;
	unsigned int b;
	__u64 lo, hi;

	*open = false;
	for (b = 0; b < h->arg.nr_buckets; b++)
		total += h->buckets[b];
	if (!total)
		return 0;
	rank = (total * q + 9999) / 10000;	/* ceil(q * count) */
	b = csd_hist_rank(h->buckets, h->arg.nr_buckets, rank ? (__u64)rank : 1);
	hist_bucket_bounds(h, b, &lo, &hi);
	if (hi == HIST_INF) {
		*open = true;
		return lo;
	}
	return lo + (hi - lo) / 2;
}

#define ZONE_PAGE	256

static int zone_ioctl(int fd, __u32 ns_id, __u32 start, __u32 count,
		      struct csd_zone_entry *buf, struct csd_zone_stats *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->ns_id = ns_id;
	a->start = start;
	a->count = count;
	a->entry_size = sizeof(*buf);
	a->entries = (__u64)(uintptr_t)buf;
	return ioctl(fd, CSD_IOC_ZONE_STATS, a) ? -errno : 0;
}

int zones_fetch(int fd, __u32 ns_id, __u32 from, __u32 to, struct zone_stats *zs)
{
	struct csd_zone_stats a;
	__u32 start;
	int err;

	memset(zs, 0, sizeof(*zs));
	/* count 0: the number of zones and their size only */
	err = zone_ioctl(fd, ns_id, 0, 0, NULL, &a);
	if (err)
		return err;
	zs->total = a.total;
	zs->region_sectors = a.region_sectors;
	if (!zs->total)
		return 0;
	if (from >= zs->total)
		return -ERANGE;
	if (to >= zs->total)
		to = zs->total - 1;
	zs->zones = xcalloc(to - from + 1, sizeof(*zs->zones));
	for (start = from; start <= to; start += a.count) {
		__u32 n = to - start + 1 < ZONE_PAGE ? to - start + 1 : ZONE_PAGE;

		err = zone_ioctl(fd, ns_id, start, n, &zs->zones[zs->nr], &a);
		if (err || !a.count)
			break;
		zs->nr += a.count;
	}
	if (err) {
		free(zs->zones);
		zs->zones = NULL;
		zs->nr = 0;
	}
	return err;
}
