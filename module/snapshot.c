// SPDX-License-Identifier: GPL-2.0
/*
 * csd: snapshots: an epoch's per-CPU counters summed for the readers.
 *
 * The ioctls, debugfs and the in-flight view read an epoch through these,
 * under RCU or with csd_ns_mutex pinning it, while the probes keep adding:
 * each value is read once (READ_ONCE), so a snapshot is not atomic across
 * CPUs but never torn.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "csd.h"

void csd_stats_totals(const struct csd_stats *s, u64 *submitted,
		      u64 *completed, u64 *aborted)
{
	int cpu;

	*submitted = *completed = *aborted = 0;
	for_each_possible_cpu(cpu) {
		const struct csd_tot_pcpu *t = per_cpu_ptr(s->tot, cpu);

		*submitted += READ_ONCE(t->submitted);
		*completed += READ_ONCE(t->completed);
		*aborted += READ_ONCE(t->aborted);
	}
}

void csd_stats_classes(const struct csd_stats *s, u64 *dropped, u64 *count,
		       u64 *lat_sum)
{
	int cpu, i;

	*dropped = 0;
	for (i = 0; i < CSD_BPF_CLASSES; i++) {
		count[i] = 0;
		lat_sum[i] = 0;
	}
	for_each_possible_cpu(cpu) {
		const struct csd_tot_pcpu *t = per_cpu_ptr(s->tot, cpu);

		*dropped += READ_ONCE(t->dropped);
		for (i = 0; i < CSD_BPF_CLASSES; i++) {
			count[i] += READ_ONCE(t->class[i].count);
			lat_sum[i] += READ_ONCE(t->class[i].lat_sum);
		}
	}
}

u64 csd_other_count(const struct csd_stats *s, unsigned int opcode)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(s->tot, cpu)->other_opcode[opcode]);
	return n;
}

void csd_row_sum(const struct csd_stats *s, unsigned int row,
		 struct csd_row_pcpu *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	sum->lat_min = U64_MAX;
	for_each_possible_cpu(cpu) {
		const struct csd_row_pcpu *r = per_cpu_ptr(s->rows, cpu) + row;

		sum->count += READ_ONCE(r->count);
		sum->bytes += READ_ONCE(r->bytes);
		sum->errors += READ_ONCE(r->errors);
		sum->retries += READ_ONCE(r->retries);
		sum->unbinned += READ_ONCE(r->unbinned);
		sum->lat_sum += READ_ONCE(r->lat_sum);
		sum->lat_min = min(sum->lat_min, READ_ONCE(r->lat_min));
		sum->lat_max = max(sum->lat_max, READ_ONCE(r->lat_max));
	}
	if (!sum->count)
		sum->lat_min = 0;
}

/* Add a row's histogram into @out (CSD_HIST_BUCKETS); -ENOENT if none. */
int csd_row_hist(const struct csd_stats *s, unsigned int row, u64 *out)
{
	struct csd_hist_pcpu __percpu *h;
	int cpu, i;

	rcu_read_lock();
	h = rcu_dereference(s->hist[row]);
	if (!h) {
		rcu_read_unlock();
		return -ENOENT;
	}
	for_each_possible_cpu(cpu) {
		const u64 *b = per_cpu_ptr(h, cpu)->b;

		for (i = 0; i < CSD_HIST_BUCKETS; i++)
			out[i] += READ_ONCE(b[i]);
	}
	rcu_read_unlock();
	return 0;
}

static const u32 csd_pct_num[CSD_PCT_NR] = CSD_PCT_NUM;
static const u32 csd_pct_den[CSD_PCT_NR] = CSD_PCT_DEN;

/*
 * Fill a uapi row (percentiles only for a row with commands); @tmp holds
 * CSD_HIST_BUCKETS u64s of scratch.
 */
void csd_fill_row(const struct csd_stats *s, unsigned int row, u64 *tmp,
		  struct csd_stat_row *r)
{
	struct csd_row_pcpu sum;
	u64 binned;
	int i;

	csd_row_sum(s, row, &sum);
	memset(r, 0, sizeof(*r));
	r->op = row / CSD_SZ_NR;
	r->size_class = row % CSD_SZ_NR;
	r->count = sum.count;
	r->bytes = sum.bytes;
	r->errors = sum.errors;
	r->retries = sum.retries;
	r->unbinned = sum.unbinned;
	r->lat_sum_ns = sum.lat_sum;
	r->lat_min_ns = sum.lat_min;
	r->lat_max_ns = sum.lat_max;
	if (!sum.count)
		return;

	memset(tmp, 0, sizeof(u64) * CSD_HIST_BUCKETS);
	if (csd_row_hist(s, row, tmp))
		return;
	binned = 0;
	for (i = 0; i < CSD_HIST_BUCKETS; i++)
		binned += tmp[i];
	if (!binned)
		return;
	r->flags |= CSD_ROW_F_HIST;
	for (i = 0; i < CSD_PCT_NR; i++) {
		u64 v = csd_hist_pct(CSD_ROW_HIST, tmp, binned,
				     csd_pct_num[i], csd_pct_den[i]);

		/* The true value lies within [min, max]: clamp the midpoint. */
		r->pct_ns[i] = clamp(v, sum.lat_min, sum.lat_max);
	}
}

/* Under RCU or with the epoch pinned by csd_ns_mutex. */
void csd_fill_zone(const struct csd_stats *s, u32 zi, struct csd_zone_entry *e)
{
	const struct csd_zone *zones = rcu_dereference_check(s->zones, true);
	const struct csd_zone *z, *a;
	u64 b[CSD_ZHIST_BUCKETS], binned;
	int i, k;

	memset(e, 0, sizeof(*e));
	e->index = zi;
	e->start_sector = (u64)zi << s->region_shift;
	if (!zones)
		return;
	z = &zones[zi];
	for (i = 0; i < CSD_ZIO_NR; i++) {
		struct csd_zone_io *io = &e->io[i];

		io->count = atomic64_read(&z->count[i]);
		io->bytes = atomic64_read(&z->bytes[i]);
		io->lat_sum_ns = atomic64_read(&z->lat_sum[i]);
		io->lat_max_ns = atomic64_read(&z->lat_max[i]);
		if (!io->count)
			continue;
		binned = 0;
		for (k = 0; k < CSD_ZHIST_BUCKETS; k++) {
			b[k] = (u32)atomic_read(&z->hist[i][k]);
			binned += b[k];
		}
		/* Rank within the buckets' own total (they may have wrapped). */
		io->p99_ns = min(csd_hist_pct(CSD_ZONE_HIST, b, binned, 99, 100),
				 io->lat_max_ns);
	}
	/* Plus the zone management commands sent to every zone at once. */
	a = &s->all_zones;
	e->opens = atomic_read(&z->opens) + atomic_read(&a->opens);
	e->closes = atomic_read(&z->closes) + atomic_read(&a->closes);
	e->finishes = atomic_read(&z->finishes) + atomic_read(&a->finishes);
	e->resets = atomic_read(&z->resets) + atomic_read(&a->resets);
	e->offlines = atomic_read(&z->offlines) + atomic_read(&a->offlines);
	e->errors = atomic_read(&z->errors) + atomic_read(&a->errors);
}
