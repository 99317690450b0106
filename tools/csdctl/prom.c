// SPDX-License-Identifier: GPL-2.0
/*
 * csdctl stats --prometheus: Prometheus text exposition format 0.0.4.
 * Everything is fetched before anything is written, and each metric
 * family is written in one piece.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "csdctl.h"
#include "drive.h"
#include "fetch.h"
#include "names.h"
#include "prom.h"

/* Histogram buckets: le = 2^k ns for these k, then +Inf. */
#define PROM_FIRST_SHIFT	6
#define PROM_LAST_SHIFT		36

/* A row's histogram, fetched for csd_latency_seconds. */
struct prom_hist {
	const struct ns_snap *s;
	const struct csd_stat_row *r;
	struct hist h;
};

static void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One label, escaped: backslash, double quote and line feed. */
static void prom_label(FILE *f, const char *name, const char *val, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; *val; val++) {
		if (*val == '\\' || *val == '"')
			fprintf(f, "\\%c", *val);
		else if (*val == '\n')
			fputs("\\n", f);
		else
			fputc(*val, f);
	}
	fputc('"', f);
}

/* disk, op, size: without the closing brace, for an le to follow. */
static void row_labels(FILE *f, const char *name, const struct ns_snap *s,
		       const struct csd_stat_row *r)
{
	char op[OP_LABEL_LEN];

	fprintf(f, "%s{", name);
	prom_label(f, "disk", s->ns.disk, true);
	prom_label(f, "op", op_label(op, sizeof(op), r->op, r->opcode), false);
	prom_label(f, "size", size_class_name(r->size_class), false);
}

/* Removed disks are left out: a new disk may have their name. */
static bool prom_skip(const struct ns_snap *s)
{
	return s->ns.flags & CSD_NS_F_DEAD;
}

static void prom_in_flight(FILE *f, const struct ns_snap *snaps, int n)
{
	int i;

	prom_family(f, "csd_in_flight", "gauge",
		    "NVMe commands submitted and not yet completed or aborted.");
	for (i = 0; i < n; i++) {
		if (prom_skip(&snaps[i]))
			continue;
		fprintf(f, "csd_in_flight{");
		prom_label(f, "disk", snaps[i].ns.disk, true);
		fprintf(f, "} %lld\n", snap_in_flight(&snaps[i]));
	}
}

/* csd_commands_total or csd_bytes_total. */
static void prom_row_counter(FILE *f, const struct ns_snap *snaps, int n, bool bytes)
{
	const char *name = bytes ? "csd_bytes_total" : "csd_commands_total";
	unsigned int k;
	int i;

	prom_family(f, name, "counter", bytes ?
		    "Bytes addressed by completed NVMe commands." :
		    "NVMe commands completed.");
	for (i = 0; i < n; i++) {
		const struct ns_snap *s = &snaps[i];

		if (prom_skip(s))
			continue;
		for (k = 0; k < s->nr_rows; k++) {
			const struct csd_stat_row *r = &s->rows[k];

			row_labels(f, name, s, r);
			fprintf(f, "} %llu\n", (unsigned long long)(bytes ? r->bytes : r->count));
		}
	}
}

static void prom_errors(FILE *f, const struct ns_snap *snaps, int n)
{
	char op[OP_LABEL_LEN], status[8];
	unsigned int k;
	int i;

	prom_family(f, "csd_errors_total", "counter",
		    "NVMe commands completed with a non-zero status, by status ((SCT << 8) | SC).");
	for (i = 0; i < n; i++) {
		const struct ns_snap *s = &snaps[i];

		if (prom_skip(s))
			continue;
		for (k = 0; k < s->nr_statuses; k++) {
			const struct csd_status_entry *e = &s->statuses[k];

			snprintf(status, sizeof(status), "0x%03x", e->status);
			fprintf(f, "csd_errors_total{");
			prom_label(f, "disk", s->ns.disk, true);
			prom_label(f, "op", op_label(op, sizeof(op), e->op, e->opcode), false);
			prom_label(f, "status", status, false);
			fprintf(f, "} %llu\n", (unsigned long long)e->count);
		}
	}
	prom_family(f, "csd_errors_other_total", "counter",
		    "NVMe errors csd counted without their status (its status table was full).");
	for (i = 0; i < n; i++) {
		if (prom_skip(&snaps[i]))
			continue;
		fprintf(f, "csd_errors_other_total{");
		prom_label(f, "disk", snaps[i].ns.disk, true);
		fprintf(f, "} %llu\n", (unsigned long long)snaps[i].st.errors_other);
	}
}

/* One row's _bucket, _sum and _count lines. */
static void prom_hist_row(FILE *f, const struct prom_hist *ph)
{
	const char *name = "csd_latency_seconds_bucket";
	const struct hist *h = &ph->h;
	__u64 cum = 0, total = 0, lo, hi;
	unsigned int b, k;

	for (b = 0; b < h->arg.nr_buckets; b++)
		total += h->buckets[b];
	b = 0;
	for (k = PROM_FIRST_SHIFT; k <= PROM_LAST_SHIFT; k++) {
		__u64 bound = 1ULL << k;

		/* The fine buckets that end at or below the boundary. */
		for (; b < h->arg.nr_buckets; b++) {
			hist_bucket_bounds(h, b, &lo, &hi);
			if (hi > bound)
				break;
			cum += h->buckets[b];
		}
		row_labels(f, name, ph->s, ph->r);
		fprintf(f, ",le=\"%.12g\"} %llu\n", bound / 1e9, (unsigned long long)cum);
	}
	row_labels(f, name, ph->s, ph->r);
	fprintf(f, ",le=\"+Inf\"} %llu\n", (unsigned long long)total);
	row_labels(f, "csd_latency_seconds_sum", ph->s, ph->r);
	fprintf(f, "} %llu.%09llu\n", (unsigned long long)(ph->r->lat_sum_ns / 1000000000),
		(unsigned long long)(ph->r->lat_sum_ns % 1000000000));
	row_labels(f, "csd_latency_seconds_count", ph->s, ph->r);
	fprintf(f, "} %llu\n", (unsigned long long)total);
}

/* The histograms of every row that keeps one; count, or -1 (printed). */
static int prom_fetch_hists(int fd, const struct ns_snap *snaps, int n, struct prom_hist **out)
{
	struct prom_hist *ph;
	unsigned int k, cap = 0;
	int i, nr = 0, err;

	for (i = 0; i < n; i++)
		cap += snaps[i].nr_rows;
	ph = xcalloc(cap, sizeof(*ph));
	for (i = 0; i < n; i++) {
		const struct ns_snap *s = &snaps[i];

		if (prom_skip(s))
			continue;
		for (k = 0; k < s->nr_rows; k++) {
			const struct csd_stat_row *r = &s->rows[k];

			if (!(r->flags & CSD_ROW_F_HIST) || !row_has_lat(r))
				continue;
			err = hist_fetch(fd, s->ns.id, 0, r->op, r->size_class, 0, &ph[nr].h);
			/* The namespace went away since the snapshot. */
			if (err == -ENODEV)
				break;
			if (err) {
				hist_fetch_error(s->ns.disk, err);
				while (nr--)
					hist_free(&ph[nr].h);
				free(ph);
				return -1;
			}
			ph[nr].s = s;
			ph[nr].r = r;
			nr++;
		}
	}
	*out = ph;
	return nr;
}

/*
 * Zone descriptors per Zone Management Receive in prom_zones(): 16 KiB of
 * report, within any controller's transfer size.
 */
#define PROM_REPORT_ZONES	256

/* What a zoned namespace's drive reports: limits, states, attributes. */
struct prom_zoned {
	const struct ns_snap *s;
	struct drive_ns dn;
	__u64 states[16];	/* zones per ZS */
	__u64 attrs[8];		/* zones per ZA bit */
	__u64 cap_blocks;	/* the zones' capacities, summed */
};

/* The drive's report of every live zoned namespace: how many filled in. */
static int prom_fetch_zoned(const struct ns_snap *snaps, int n, struct prom_zoned **out)
{
	struct prom_zoned *pz = xcalloc(n ? n : 1, sizeof(*pz));
	struct drive_zone *d = xcalloc(PROM_REPORT_ZONES, sizeof(*d));
	int i, nr = 0;

	for (i = 0; i < n; i++) {
		const struct csd_ns_entry *e = &snaps[i].ns;
		struct prom_zoned *z = &pz[nr];
		__u64 slba = 0, zone_blocks, seen = 0;
		unsigned int got, k, b;
		int err;

		memset(z, 0, sizeof(*z));
		if (prom_skip(&snaps[i]) || !(e->flags & CSD_NS_F_ZONED) || !e->zone_sectors)
			continue;
		if (drive_ns_get(e->ctrl, e->nsid, true, &z->dn) || !z->dn.zns)
			continue;
		zone_blocks = (e->zone_sectors << 9) >> e->lba_shift;
		while (seen < e->nr_zones) {
			err = drive_zones_get(e->disk, e->nsid, slba, d, PROM_REPORT_ZONES, &got);
			if (err || !got)
				break;
			for (k = 0; k < got; k++) {
				z->states[d[k].zs & 0xf]++;
				z->cap_blocks += d[k].zcap;
				for (b = 0; b < 8; b++)
					if (d[k].za & (1U << b))
						z->attrs[b]++;
			}
			seen += got;
			slba = d[got - 1].zslba + zone_blocks;
		}
		if (seen != e->nr_zones)
			continue;
		z->s = &snaps[i];
		nr++;
	}
	free(d);
	*out = pz;
	return nr;
}

/* A zoned limit's gauge: left out when the drive has none. */
static void prom_zone_limit(FILE *f, const struct prom_zoned *pz, int nr, bool active)
{
	const char *name = active ? "csd_zones_max_active" : "csd_zones_max_open";
	int i;

	prom_family(f, name, "gauge", active ?
		    "Zones that can be active at once, as the drive reports it (MAR + 1)." :
		    "Zones that can be open at once, as the drive reports it (MOR + 1).");
	for (i = 0; i < nr; i++) {
		__u32 v = active ? pz[i].dn.mar : pz[i].dn.mor;

		if (v == 0xffffffff)
			continue;
		fprintf(f, "%s{", name);
		prom_label(f, "disk", pz[i].s->ns.disk, true);
		fprintf(f, "} %llu\n", (unsigned long long)v + 1);
	}
}

/* One gauge family of zone counts, a series per named state or attribute. */
static void prom_zone_counts(FILE *f, const struct prom_zoned *pz, int nr, const char *name,
			     const char *label, const char * const *names, unsigned int nr_names,
			     bool attrs, const char *help)
{
	unsigned int k;
	int i;

	prom_family(f, name, "gauge", help);
	for (i = 0; i < nr; i++)
		for (k = 0; k < nr_names; k++) {
			if (!names[k])
				continue;
			fprintf(f, "%s{", name);
			prom_label(f, "disk", pz[i].s->ns.disk, true);
			prom_label(f, label, names[k], false);
			fprintf(f, "} %llu\n", (unsigned long long)(attrs ? pz[i].attrs[k] :
								     pz[i].states[k]));
		}
}

static void prom_zones(FILE *f, const struct prom_zoned *pz, int nr)
{
	static const char * const states[16] = {
		[1] = "empty", [2] = "imp-open", [3] = "exp-open", [4] = "closed",
		[0xd] = "read-only", [0xe] = "full", [0xf] = "offline",
	};
	static const char * const attrs[8] = {
		[0] = "zfc", [1] = "fzr", [2] = "rzr", [3] = "zrwav", [7] = "zdev",
	};
	int i;

	prom_zone_limit(f, pz, nr, false);
	prom_zone_limit(f, pz, nr, true);
	prom_family(f, "csd_zones_capacity_bytes", "gauge",
		    "The zone capacities of a zoned namespace, summed: what it can hold (zone capacity may be less than zone size).");
	for (i = 0; i < nr; i++) {
		fprintf(f, "csd_zones_capacity_bytes{");
		prom_label(f, "disk", pz[i].s->ns.disk, true);
		fprintf(f, "} %llu\n", (unsigned long long)(pz[i].cap_blocks << pz[i].s->ns.lba_shift));
	}
	prom_zone_counts(f, pz, nr, "csd_zones", "state", states, ARRAY_SIZE(states), false,
			 "Zones of a zoned namespace by state, from the drive's zone report.");
	prom_zone_counts(f, pz, nr, "csd_zones_with_attribute", "attribute", attrs,
			 ARRAY_SIZE(attrs), true,
			 "Zones whose descriptor has an attribute set: zfc (finished by controller), fzr (finish recommended), rzr (reset recommended), zrwav, zdev (descriptor extension valid).");
}

/* Each namespace's cgroup rows (none for admin queues); always 0. */
static int prom_fetch_cgroups(int fd, const struct ns_snap *snaps, int n, struct cg_rows **out)
{
	struct cg_rows *cg = xcalloc(n ? n : 1, sizeof(*cg));
	int i, err;

	for (i = 0; i < n; i++) {
		if (prom_skip(&snaps[i]) || (snaps[i].ns.flags & CSD_NS_F_ADMIN))
			continue;
		err = cg_fetch(fd, snaps[i].ns.id, &cg[i]);
		/*
		 * Gone since the snapshot, or a module without cgroup rows: no
		 * rows. Another error leaves this namespace's cgroup rows out,
		 * said on stderr, and keeps the rest of the exposition.
		 */
		if (err && err != -ENODEV && err != -ENOTTY)
			ioctl_error("CSD_IOC_CGROUP_STATS", snaps[i].ns.disk, -err);
	}
	*out = cg;
	return 0;
}

/* disk, cgroup, op: without the closing brace. */
static void cg_labels(FILE *f, const char *name, const struct ns_snap *s,
		      const struct csd_cgroup_entry *e)
{
	char path[PATH_MAX + 32];

	fprintf(f, "%s{", name);
	prom_label(f, "disk", s->ns.disk, true);
	prom_label(f, "cgroup", cg_path(e->cgroup_id, path, sizeof(path)), false);
	prom_label(f, "op", op_name(e->op) ?: "other", false);
}

static void prom_cgroups(FILE *f, const struct ns_snap *snaps, int n, const struct cg_rows *cg)
{
	static const struct {
		const char *name, *type, *help;
	} fam[] = {
		{ "csd_cgroup_commands_total", "counter",
		  "NVMe commands completed, by the cgroup (v2) of their I/O; (other): past the cgroups csd keeps." },
		{ "csd_cgroup_bytes_total", "counter",
		  "Bytes addressed by completed NVMe commands, by cgroup." },
		{ "csd_cgroup_errors_total", "counter",
		  "NVMe commands completed with a non-zero status, by cgroup." },
		{ "csd_cgroup_latency_seconds", "summary",
		  "NVMe command latency by cgroup: sum and count (no quantiles)." },
	};
	unsigned int k, r;
	int i;

	for (k = 0; k < ARRAY_SIZE(fam); k++) {
		prom_family(f, fam[k].name, fam[k].type, fam[k].help);
		for (i = 0; i < n; i++) {
			for (r = 0; r < cg[i].nr; r++) {
				const struct csd_cgroup_entry *e = &cg[i].e[r];

				if (k == 3) {
					cg_labels(f, "csd_cgroup_latency_seconds_sum", &snaps[i], e);
					fprintf(f, "} %llu.%09llu\n",
						(unsigned long long)(e->lat_sum_ns / 1000000000),
						(unsigned long long)(e->lat_sum_ns % 1000000000));
					cg_labels(f, "csd_cgroup_latency_seconds_count", &snaps[i], e);
					fprintf(f, "} %llu\n", (unsigned long long)e->count);
					continue;
				}
				cg_labels(f, fam[k].name, &snaps[i], e);
				fprintf(f, "} %llu\n", (unsigned long long)(k == 0 ? e->count :
					k == 1 ? e->bytes : e->errors));
			}
		}
	}
}

int prom_write(FILE *f, int fd, const struct ns_snap *snaps, int n)
{
	struct cg_rows *cg;
	struct prom_zoned *pz;
	int nr_zoned;
	struct prom_hist *ph;
	int i, nr;

	nr = prom_fetch_hists(fd, snaps, n, &ph);
	if (nr < 0)
		return 1;
	if (prom_fetch_cgroups(fd, snaps, n, &cg)) {
		for (i = 0; i < nr; i++)
			hist_free(&ph[i].h);
		free(ph);
		return 1;
	}
	nr_zoned = prom_fetch_zoned(snaps, n, &pz);
	prom_in_flight(f, snaps, n);
	prom_row_counter(f, snaps, n, false);
	prom_row_counter(f, snaps, n, true);
	prom_errors(f, snaps, n);
	prom_family(f, "csd_latency_seconds", "histogram",
		    "NVMe command latency, submission to completion, by operation and size class.");
	for (i = 0; i < nr; i++)
		prom_hist_row(f, &ph[i]);
	for (i = 0; i < nr; i++)
		hist_free(&ph[i].h);
	free(ph);
	prom_zones(f, pz, nr_zoned);
	free(pz);
	prom_cgroups(f, snaps, n, cg);
	for (i = 0; i < n; i++)
		cg_free(&cg[i]);
	free(cg);
	return 0;
}
