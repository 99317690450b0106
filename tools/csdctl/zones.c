// SPDX-License-Identifier: GPL-2.0
/* csdctl zones: per-zone (per-region) statistics, joined with a zone report. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/blkzoned.h>

#include "csdctl.h"
#include "drive.h"
#include "fetch.h"
#include "fmt.h"
#include "json.h"
#include "names.h"

#define REPORT_ZONES	256	/* zones per BLKREPORTZONE call */

/*
 * One zone: csd's statistics and, when known, the zone's state from the
 * drive's own zone report (NVMe Zone Management Receive, through libnvme),
 * or, where that cannot be sent, from the block layer's (BLKREPORTZONE).
 */
struct zone_row {
	const struct csd_zone_entry *z;
	bool cond_known;
	bool wp_known;
	bool nvme_known;	/* @d is the drive's zone descriptor */
	unsigned int cond;	/* BLK_ZONE_COND_* (the same codes as NVMe's ZS) */
	__u64 wp_blocks;	/* logical blocks written */
	struct drive_zone d;
};

enum zone_sort { SORT_NONE, SORT_P99, SORT_READS, SORT_WRITES, SORT_APPENDS, SORT_ERRORS,
		 SORT_RESETS, SORT_CAP, SORT_ATTRS };

static const char * const sort_names[] = {
	[SORT_P99] = "p99",
	[SORT_READS] = "reads",
	[SORT_WRITES] = "writes",
	[SORT_APPENDS] = "appends",
	[SORT_ERRORS] = "errors",
	[SORT_RESETS] = "resets",
	[SORT_CAP] = "capacity",
	[SORT_ATTRS] = "attrs",
};

static const char * const zio_keys[CSD_ZIO_NR] = { "read", "write", "append" };

static enum zone_sort sort_key;

static __u64 zone_p99(const struct csd_zone_entry *z)
{
	__u64 v = 0;
	int k;

	for (k = 0; k < CSD_ZIO_NR; k++)
		if (z->io[k].count && z->io[k].p99_ns > v)
			v = z->io[k].p99_ns;
	return v;
}

static __u64 zone_sort_value(const struct zone_row *r)
{
	const struct csd_zone_entry *z = r->z;

	switch (sort_key) {
	case SORT_P99:		return zone_p99(z);
	case SORT_READS:	return z->io[CSD_ZIO_READ].count;
	case SORT_WRITES:	return z->io[CSD_ZIO_WRITE].count;
	case SORT_APPENDS:	return z->io[CSD_ZIO_APPEND].count;
	case SORT_ERRORS:	return z->errors;
	case SORT_RESETS:	return z->resets;
	case SORT_CAP:		return r->nvme_known ? r->d.zcap : 0;
	/* Reset and finish recommended first, then the others. */
	case SORT_ATTRS:	return r->nvme_known ? (r->d.za & (DRIVE_ZA_RZR |
								   DRIVE_ZA_FZR)) << 8 | r->d.za : 0;
	case SORT_NONE:		break;
	}
	return 0;
}

/* Descending by the sort key, then ascending by zone. */
static int zone_cmp(const void *pa, const void *pb)
{
	const struct zone_row *a = pa, *b = pb;
	__u64 va = zone_sort_value(a), vb = zone_sort_value(b);

	if (va != vb)
		return va > vb ? -1 : 1;
	return a->z->index < b->z->index ? -1 : a->z->index > b->z->index;
}

static bool zone_active(const struct csd_zone_entry *z)
{
	int k;

	for (k = 0; k < CSD_ZIO_NR; k++)
		if (z->io[k].count)
			return true;
	return z->opens || z->closes || z->finishes || z->resets || z->offlines || z->errors;
}

static bool cond_has_wp(unsigned int cond)
{
	switch (cond) {
	case BLK_ZONE_COND_EMPTY:
	case BLK_ZONE_COND_IMP_OPEN:
	case BLK_ZONE_COND_EXP_OPEN:
	case BLK_ZONE_COND_CLOSED:
	case BLK_ZONE_COND_FULL:
		return true;
	}
	return false;
}

/* The row of the zone starting at @sector among @rows (zones in index order), or NULL. */
static struct zone_row *zone_row_at(const struct csd_ns_entry *ns, struct zone_row *rows,
				    unsigned int nr, __u64 sector)
{
	__u64 zone = sector / ns->zone_sectors, first = rows[0].z->index;
	struct zone_row *r;

	if (zone < first || zone - first >= nr)
		return NULL;
	r = &rows[zone - first];
	return r->z->start_sector == sector ? r : NULL;
}

/* Fill in @rows (zones in index order) from @rep's zones. */
static void zone_join(const struct csd_ns_entry *ns, const struct blk_zone_report *rep,
		      struct zone_row *rows, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < rep->nr_zones; i++) {
		const struct blk_zone *bz = &rep->zones[i];
		struct zone_row *r = zone_row_at(ns, rows, nr, bz->start);

		if (!r)
			continue;
		r->cond_known = true;
		r->cond = bz->cond;
		if (cond_has_wp(bz->cond) && bz->wp >= bz->start) {
			__u64 written = bz->wp - bz->start;

			/* A full zone's write pointer is its end: count its capacity. */
			if ((rep->flags & BLK_ZONE_REP_CAPACITY) && written > bz->capacity)
				written = bz->capacity;
			r->wp_known = true;
			r->wp_blocks = (written << 9) >> ns->lba_shift;
		}
	}
}

/*
 * Zone states, capacities, attributes and write pointers of @rows from the
 * drive's zone report: 0, or a negative errno / NVMe status (> 0).
 */
static int zone_report_nvme(const struct csd_ns_entry *ns, struct zone_row *rows,
			    unsigned int nr)
{
	__u64 slba = (rows[0].z->start_sector << 9) >> ns->lba_shift;
	__u64 last = (rows[nr - 1].z->start_sector << 9) >> ns->lba_shift;
	struct drive_zone *d;
	unsigned int got, i;
	int err = 0;

	d = xcalloc(REPORT_ZONES, sizeof(*d));
	while (slba <= last) {
		err = drive_zones_get(ns->disk, ns->nsid, slba, d, REPORT_ZONES, &got);
		if (err || !got)
			break;
		for (i = 0; i < got; i++) {
			struct zone_row *r = zone_row_at(ns, rows, nr,
							 (d[i].zslba << ns->lba_shift) >> 9);

			if (!r)
				continue;
			r->nvme_known = true;
			r->d = d[i];
			r->cond_known = true;
			r->cond = d[i].zs;
			if (cond_has_wp(d[i].zs) && d[i].wp >= d[i].zslba) {
				r->wp_known = true;
				r->wp_blocks = d[i].wp - d[i].zslba;
				/* A full zone's write pointer is not defined. */
				if (d[i].zs == DRIVE_ZS_FULL || r->wp_blocks > d[i].zcap)
					r->wp_blocks = d[i].zcap;
			}
		}
		if (d[got - 1].zslba < slba)
			break;
		slba = d[got - 1].zslba + ((ns->zone_sectors << 9) >> ns->lba_shift);
	}
	free(d);
	return err;
}

/* Zone conditions and write pointers of @rows from BLKREPORTZONE on /dev/DISK. */
static void zone_report_blk(const struct csd_ns_entry *ns, struct zone_row *rows,
			    unsigned int nr)
{
	size_t size = sizeof(struct blk_zone_report) + REPORT_ZONES * sizeof(struct blk_zone);
	__u64 sector = rows[0].z->start_sector, last = rows[nr - 1].z->start_sector;
	struct blk_zone_report *rep;
	char path[64];
	int fd;

	fd = open(drive_node(ns->disk, path, sizeof(path)), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s; zone conditions unknown\n", prog, path,
			strerror(errno));
		return;
	}
	rep = xcalloc(1, size);
	while (sector <= last) {
		const struct blk_zone *end;

		memset(rep, 0, size);
		rep->sector = sector;
		rep->nr_zones = REPORT_ZONES;
		if (ioctl(fd, BLKREPORTZONE, rep)) {
			fprintf(stderr, "%s: BLKREPORTZONE (%s): %s; zone conditions unknown\n",
				prog, path, strerror(errno));
			break;
		}
		if (!rep->nr_zones)
			break;
		zone_join(ns, rep, rows, nr);
		end = &rep->zones[rep->nr_zones - 1];
		if (end->start + end->len <= sector)
			break;
		sector = end->start + end->len;
	}
	free(rep);
	close(fd);
}

/* The drive's zone report, or else the block layer's. */
static void zone_report(const struct csd_ns_entry *ns, struct zone_row *rows, unsigned int nr)
{
	int err;

	/* Zones folded into regions: a row is several zones, with no one condition. */
	if (!ns->zone_sectors || ns->region_sectors != ns->zone_sectors)
		return;
	err = zone_report_nvme(ns, rows, nr);
	if (!err)
		return;
	fprintf(stderr, "%s: %s: NVMe zone report: %s; zone capacities and attributes unknown\n",
		prog, ns->disk, drive_strerror(err));
	zone_report_blk(ns, rows, nr);
}

static void zone_lat_cells(const struct csd_zone_io *io, char c[3][FMT_LEN])
{
	if (!io->count) {
		strcpy(c[0], "-");
		strcpy(c[1], "-");
		strcpy(c[2], "-");
		return;
	}
	fmt_ns(c[0], io->lat_sum_ns / io->count);
	fmt_ns(c[1], io->p99_ns);
	fmt_ns(c[2], io->lat_max_ns);
}

/* The drive's open/active zone limits, for the table's first line. */
static void zones_limits(const struct csd_ns_entry *ns)
{
	struct drive_ns dn;
	int err;

	err = drive_ns_get(ns->ctrl, ns->nsid, true, &dn);
	if (err || !dn.zns) {
		printf("; zone limits unknown (%s)", err ? drive_strerror(err) : "no ZNS identify");
		return;
	}
	if (dn.mor == 0xffffffff)
		printf("; no open zone limit");
	else
		printf("; at most %llu open", (unsigned long long)dn.mor + 1);
	if (dn.mar == 0xffffffff)
		printf(", no active zone limit");
	else
		printf(", %llu active", (unsigned long long)dn.mar + 1);
}

static void zones_table(const struct csd_ns_entry *ns, const struct zone_stats *zs,
			const struct zone_row *rows, unsigned int nr, unsigned int hidden)
{
	bool zoned = ns->flags & CSD_NS_F_ZONED;
	bool folded = zoned && ns->zone_sectors && zs->region_sectors > ns->zone_sectors;
	char c[CSD_ZIO_NR][3][FMT_LEN], sz[FMT_LEN], wp[FMT_LEN], cap[FMT_LEN], za[32];
	unsigned int i;
	int k;

	printf("%s (%s): %u %s of %s, %u shown", ns->disk, zoned ? "zns" : "conv", zs->total,
	       zoned && !folded ? "zones" : "regions", fmt_bytes(sz, zs->region_sectors << 9), nr);
	if (folded)
		printf(", %llu zones per region (more zones than csd keeps: %u at most)",
		       (unsigned long long)(zs->region_sectors / ns->zone_sectors), CSD_REGIONS_MAX);
	if (hidden)
		printf(", %u without activity hidden (--all shows them)", hidden);
	if (zoned && !folded && !(ns->flags & CSD_NS_F_DEAD))
		zones_limits(ns);
	printf("\n");
	if (!nr)
		return;
	printf("%6s %12s %-9s %10s %10s %-9s %8s %6s %6s %6s %8s %6s %6s %6s %8s %6s %6s %6s %6s %6s %6s %6s\n",
	       "ZONE", "START", "COND", "WP", "CAP", "ATTRS", "READS", "R-MEAN", "R-P99", "R-MAX",
	       "WRITES", "W-MEAN", "W-P99", "W-MAX", "APPENDS", "A-MEAN", "A-P99", "A-MAX",
	       "RESETS", "FINISH", "OPENS", "ERRORS");
	for (i = 0; i < nr; i++) {
		const struct zone_row *r = &rows[i];
		const struct csd_zone_entry *z = r->z;

		for (k = 0; k < CSD_ZIO_NR; k++)
			zone_lat_cells(&z->io[k], c[k]);
		if (r->wp_known)
			snprintf(wp, sizeof(wp), "%llu", (unsigned long long)r->wp_blocks);
		if (r->nvme_known)
			snprintf(cap, sizeof(cap), "%llu", (unsigned long long)r->d.zcap);
		printf("%6u %12llu %-9s %10s %10s %-9s %8llu %6s %6s %6s %8llu %6s %6s %6s %8llu %6s %6s %6s %6u %6u %6u %6u\n",
		       z->index, (unsigned long long)((z->start_sector << 9) >> ns->lba_shift),
		       !zoned || folded ? "-" : r->cond_known ? zone_cond_name(r->cond) : "?",
		       r->wp_known ? wp : !zoned || folded ? "-" : r->cond_known ? "-" : "?",
		       r->nvme_known ? cap : !zoned || folded ? "-" : "?",
		       r->nvme_known ? drive_za_names(za, sizeof(za), r->d.za) :
		       !zoned || folded ? "-" : "?",
		       (unsigned long long)z->io[CSD_ZIO_READ].count, c[0][0], c[0][1], c[0][2],
		       (unsigned long long)z->io[CSD_ZIO_WRITE].count, c[1][0], c[1][1], c[1][2],
		       (unsigned long long)z->io[CSD_ZIO_APPEND].count, c[2][0], c[2][1], c[2][2],
		       z->resets, z->finishes, z->opens, z->errors);
	}
}

static void json_zone_io(struct json *j, const char *key, const struct csd_zone_io *io)
{
	json_begin_object(j, key);
	json_u64(j, "count", io->count);
	json_u64(j, "bytes", io->bytes);
	json_u64(j, "lat_sum_ns", io->lat_sum_ns);
	if (io->count) {
		json_u64(j, "mean_ns", io->lat_sum_ns / io->count);
		json_u64(j, "p99_ns", io->p99_ns);
		json_u64(j, "max_ns", io->lat_max_ns);
	} else {
		json_null(j, "mean_ns");
		json_null(j, "p99_ns");
		json_null(j, "max_ns");
	}
	json_end_object(j);
}

/* The drive's zone descriptor: decoded, and as nvme-cli's report-zones prints it. */
static void json_drive_zone(struct json *j, const struct drive_zone *d)
{
	json_u64(j, "capacity_blocks", d->zcap);
	json_begin_object(j, "attributes");
	json_bool(j, "zfc", d->za & DRIVE_ZA_ZFC);
	json_bool(j, "fzr", d->za & DRIVE_ZA_FZR);
	json_bool(j, "rzr", d->za & DRIVE_ZA_RZR);
	json_bool(j, "zrwav", d->za & DRIVE_ZA_ZRWAV);
	json_bool(j, "zdev", d->za & DRIVE_ZA_ZDEV);
	json_end_object(j);
	json_begin_object(j, "nvme");
	json_u64(j, "slba", d->zslba);
	json_u64(j, "wp", d->wp);
	json_u64(j, "cap", d->zcap);
	json_str(j, "state", drive_zs_name(d->zs));
	json_str(j, "type", drive_zt_name(d->zt));
	json_u64(j, "attrs", d->za);
	json_end_object(j);
}

static void zones_json(const struct csd_ns_entry *ns, const struct zone_row *rows,
		       unsigned int nr)
{
	struct json j = { .f = stdout };
	unsigned int i;
	int k;

	json_begin_array(&j, NULL);
	for (i = 0; i < nr; i++) {
		const struct zone_row *r = &rows[i];
		const struct csd_zone_entry *z = r->z;

		json_begin_object(&j, NULL);
		json_u64(&j, "zone", z->index);
		json_u64(&j, "start_sector", z->start_sector);
		json_u64(&j, "start_lba", (z->start_sector << 9) >> ns->lba_shift);
		if (r->cond_known)
			json_str(&j, "cond", zone_cond_name(r->cond));
		if (r->wp_known)
			json_u64(&j, "wp_blocks", r->wp_blocks);
		if (r->nvme_known)
			json_drive_zone(&j, &r->d);
		for (k = 0; k < CSD_ZIO_NR; k++)
			json_zone_io(&j, zio_keys[k], &z->io[k]);
		json_u64(&j, "opens", z->opens);
		json_u64(&j, "closes", z->closes);
		json_u64(&j, "finishes", z->finishes);
		json_u64(&j, "resets", z->resets);
		json_u64(&j, "offlines", z->offlines);
		json_u64(&j, "errors", z->errors);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end(&j);
}

/* --from, --to, --sort and --top: 0, or 2 (usage error, printed). */
static int zones_parse(void)
{
	unsigned int i;

	if ((opts.given & OPT_FROM) && (opts.given & OPT_TO) && opts.from > opts.to) {
		fprintf(stderr, "%s: --from %u is past --to %u\n", prog, opts.from, opts.to);
		return 2;
	}
	if ((opts.given & OPT_TOP) && !opts.top) {
		fprintf(stderr, "%s: --top must be at least 1\n", prog);
		return 2;
	}
	if (!(opts.given & OPT_SORT))
		return 0;
	for (i = SORT_P99; i < ARRAY_SIZE(sort_names); i++)
		if (!strcasecmp(opts.sort, sort_names[i]))
			sort_key = i;
	if (sort_key == SORT_NONE) {
		fprintf(stderr,
			"%s: --sort: '%s' is not p99, reads, writes, appends, errors, resets, capacity or attrs\n",
			prog, opts.sort);
		return 2;
	}
	return 0;
}

int cmd_zones(int argc, char **argv)
{
	__u32 from = opts.given & OPT_FROM ? opts.from : 0;
	__u32 to = opts.given & OPT_TO ? opts.to : UINT32_MAX;
	struct csd_ns_entry ns;
	struct zone_stats zs;
	struct zone_row *rows;
	unsigned int i, nr = 0, active;
	int fd, err;

	if (argc != 2) {
		fprintf(stderr, "%s: zones takes one DISK\n", prog);
		return 2;
	}
	err = zones_parse();
	if (err)
		return err;
	fd = csd_open_disk(argv[1], &ns);
	if (fd < 0)
		return 1;
	err = zones_fetch(fd, ns.id, from, to, &zs);
	close(fd);
	if (err == -ERANGE) {
		fprintf(stderr, "%s: zone %u out of range: %s has %u %s\n", prog, from, ns.disk,
			zs.total, ns.flags & CSD_NS_F_ZONED ? "zones" : "regions");
		return 1;
	}
	if (err) {
		ioctl_error("CSD_IOC_ZONE_STATS", ns.disk, -err);
		return 1;
	}

	rows = xcalloc(zs.nr, sizeof(*rows));
	for (i = 0; i < zs.nr; i++)
		rows[i].z = &zs.zones[i];
	if (zs.nr && (ns.flags & CSD_NS_F_ZONED))
		zone_report(&ns, rows, zs.nr);
	/* Drop idle zones, keeping the order. */
	for (i = 0; i < zs.nr; i++)
		if ((opts.given & OPT_ALL) || zone_active(rows[i].z))
			rows[nr++] = rows[i];
	active = nr;
	if (sort_key != SORT_NONE)
		qsort(rows, nr, sizeof(*rows), zone_cmp);
	if ((opts.given & OPT_TOP) && nr > opts.top)
		nr = opts.top;

	if (opts.json)
		zones_json(&ns, rows, nr);
	else
		zones_table(&ns, &zs, rows, nr, zs.nr - active);
	free(rows);
	free(zs.zones);
	return 0;
}
