// SPDX-License-Identifier: GPL-2.0
/*
 * csdctl devices: the namespaces csd tracks with its counts, beside what
 * the drive itself reports through libnvme (drive.h): each controller's
 * identity and transport, each namespace's LBA format and zoned limits,
 * and with --health the SMART / health log beside csd's error counts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csdctl.h"
#include "drive.h"
#include "fetch.h"
#include "json.h"

/* One namespace shown, with the drive's answers about it. */
struct dev_row {
	const struct csd_ns_entry *e;
	struct drive_ns dn;
	int dn_err;
	__u64 csd_errors;	/* completions with a non-zero status (--health) */
};

/* One controller of the namespaces shown. */
struct dev_ctrl {
	char name[CSD_NAME_LEN];
	struct drive_ctrl id;
	int id_err;
	struct drive_health health;
	int health_err;
	__u64 csd_errors;
};

/* Say once per controller and question why the drive did not answer. */
static void drive_warn(const char *ctrl, const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s: %s\n", prog, ctrl, what, drive_strerror(err));
}

/* The errors csd counted on @e: every status-table entry and the rest. */
static __u64 csd_ns_errors(int fd, const struct csd_ns_entry *e)
{
	struct ns_snap s;
	__u64 n = 0;
	unsigned int k;

	if (snap_fetch(fd, e, &s))
		return 0;
	for (k = 0; k < s.nr_statuses; k++)
		n += s.statuses[k].count;
	n += s.st.errors_other;
	snap_release(&s);
	return n;
}

/* The index of controller @name in @ctrls, or -1. */
static int ctrl_of(const struct dev_ctrl *ctrls, unsigned int nr, const char *name)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!strcmp(ctrls[i].name, name))
			return i;
	return -1;
}

/* "4: 4096+0" (format index: data + metadata bytes), or "-". */
static const char *lbaf_cell(char *buf, size_t len, const struct dev_row *r)
{
	if (r->dn_err)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%u: %u+%u", r->dn.lbaf, 1U << r->dn.ds, r->dn.ms);
	return buf;
}

/* A zoned limit (0-based, all ones: none) as JSON: the count, or null. */
static void json_limit(struct json *j, const char *key, __u32 v)
{
	if (v == 0xffffffff)
		json_null(j, key);
	else
		json_u64(j, key, (__u64)v + 1);
}

static void json_ctrl(struct json *j, const struct dev_ctrl *c)
{
	if (c->id_err) {
		json_null(j, "controller");
		return;
	}
	/* The names and values of nvme-cli's id-ctrl JSON. */
	json_begin_object(j, "controller");
	json_str(j, "name", c->name);
	json_str(j, "transport", c->id.transport);
	json_u64(j, "vid", c->id.vid);
	json_u64(j, "ssvid", c->id.ssvid);
	json_str(j, "sn", c->id.sn);
	json_str(j, "mn", c->id.mn);
	json_str(j, "fr", c->id.fr);
	json_u64(j, "cmic", c->id.cmic);
	json_u64(j, "mdts", c->id.mdts);
	json_u64(j, "cntlid", c->id.cntlid);
	json_u64(j, "ver", c->id.ver);
	json_u64(j, "nn", c->id.nn);
	json_end_object(j);
}

static void json_health(struct json *j, const struct dev_ctrl *c)
{
	if (c->health_err) {
		json_null(j, "health");
		return;
	}
	/* The names and values of nvme-cli's smart-log JSON. */
	json_begin_object(j, "health");
	json_u64(j, "critical_warning", c->health.critical_warning);
	json_u64(j, "temperature", c->health.temperature);
	json_u64(j, "avail_spare", c->health.avail_spare);
	json_u64(j, "spare_thresh", c->health.spare_thresh);
	json_u64(j, "percent_used", c->health.percent_used);
	json_u64(j, "media_errors", c->health.media_errors);
	json_u64(j, "num_err_log_entries", c->health.num_err_log_entries);
	json_u64(j, "unsafe_shutdowns", c->health.unsafe_shutdowns);
	json_u64(j, "power_on_hours", c->health.power_on_hours);
	json_u64(j, "power_cycles", c->health.power_cycles);
	json_end_object(j);
}

static void devices_json(const struct dev_row *rows, unsigned int nr,
			 const struct dev_ctrl *ctrls, unsigned int nr_ctrls, bool health)
{
	struct json j = { .f = stdout };
	unsigned int i;

	json_begin_array(&j, NULL);
	for (i = 0; i < nr; i++) {
		const struct csd_ns_entry *e = rows[i].e;
		const struct drive_ns *dn = &rows[i].dn;
		int ci = ctrl_of(ctrls, nr_ctrls, e->ctrl);
		const struct dev_ctrl *c = ci < 0 ? NULL : &ctrls[ci];

		json_begin_object(&j, NULL);
		json_u64(&j, "id", e->id);
		json_str(&j, "disk", e->disk);
		json_str(&j, "ctrl", e->ctrl);
		json_u64(&j, "nsid", e->nsid);
		json_bool(&j, "zoned", e->flags & CSD_NS_F_ZONED);
		json_bool(&j, "dead", e->flags & CSD_NS_F_DEAD);
		json_u64(&j, "lba_size", 1ULL << e->lba_shift);
		json_u64(&j, "capacity_sectors", e->capacity);
		json_u64(&j, "zone_sectors", e->zone_sectors);
		json_u64(&j, "nr_zones", e->nr_zones);
		json_u64(&j, "submitted", e->submitted);
		json_u64(&j, "completed", e->completed);
		json_u64(&j, "aborted", e->aborted);
		json_u64(&j, "in_flight", e->submitted - e->completed - e->aborted);
		json_u64(&j, "region_sectors", e->region_sectors);
		json_u64(&j, "nr_regions", e->nr_regions);
		json_u64(&j, "mem_bytes", e->mem_bytes);
		json_u64(&j, "early", e->early);
		json_u64(&j, "unmatched", e->unmatched);
		json_u64(&j, "stale", e->stale);
		json_u64(&j, "requeued", e->requeued);
		if (rows[i].dn_err) {
			json_null(&j, "lba_format");
		} else {
			json_begin_object(&j, "lba_format");
			json_u64(&j, "index", dn->lbaf);
			json_u64(&j, "flbas", dn->flbas);
			json_u64(&j, "ds", dn->ds);
			json_u64(&j, "ms", dn->ms);
			json_u64(&j, "rp", dn->rp);
			json_end_object(&j);
		}
		if (dn->zns) {
			json_begin_object(&j, "zns");
			json_u64(&j, "mor", dn->mor);
			json_u64(&j, "mar", dn->mar);
			json_limit(&j, "max_open_zones", dn->mor);
			json_limit(&j, "max_active_zones", dn->mar);
			json_u64(&j, "zdes", dn->zdes);
			json_end_object(&j);
		}
		if (c) {
			json_ctrl(&j, c);
			if (health) {
				json_health(&j, c);
				json_u64(&j, "csd_errors", rows[i].csd_errors);
			}
		}
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end(&j);
}

static void devices_table(const struct dev_row *rows, unsigned int nr,
			  const struct dev_ctrl *ctrls, unsigned int nr_ctrls, bool health)
{
	char lbaf[32], temp[16];
	unsigned int i;

	if (!nr) {
		printf("csd tracks no namespaces: no NVMe namespace is present, or csd is not attached to nvme-core (csdctl info)\n");
		return;
	}
	printf("%-4s %-12s %-8s %5s %-5s %8s %10s %6s %12s %12s %9s  %s\n",
	       "ID", "DISK", "CTRL", "NSID", "TYPE", "LBA", "SIZE-MiB",
	       "ZONES", "SUBMITTED", "COMPLETED", "INFLIGHT", "LBAF");
	for (i = 0; i < nr; i++) {
		const struct csd_ns_entry *e = rows[i].e;

		printf("%-4u %-12s %-8s %5u %-5s %8llu %10llu %6llu %12llu %12llu %9lld  %s%s\n",
		       e->id, e->disk, e->ctrl, e->nsid,
		       e->flags & CSD_NS_F_ZONED ? "zns" : "conv",
		       1ULL << e->lba_shift,
		       (unsigned long long)(e->capacity >> 11),
		       (unsigned long long)e->nr_zones,
		       (unsigned long long)e->submitted,
		       (unsigned long long)e->completed,
		       (long long)(e->submitted - e->completed - e->aborted),
		       lbaf_cell(lbaf, sizeof(lbaf), &rows[i]),
		       e->flags & CSD_NS_F_DEAD ? " (removed)" : "");
	}
	if (!nr_ctrls)
		return;
	printf("\n%-8s %-9s %-40s %-20s %-8s %6s %6s\n", "CTRL", "TRANSPORT", "MODEL", "SERIAL",
	       "FIRMWARE", "VID", "CNTLID");
	for (i = 0; i < nr_ctrls; i++) {
		const struct dev_ctrl *c = &ctrls[i];

		if (c->id_err)
			printf("%-8s %-9s %-40s %-20s %-8s %6s %6s\n", c->name, "-", "-", "-", "-",
			       "-", "-");
		else
			printf("%-8s %-9s %-40s %-20s %-8s %#6x %6u\n", c->name, c->id.transport,
			       c->id.mn, c->id.sn, c->id.fr, c->id.vid, c->id.cntlid);
	}
	if (!health)
		return;
	printf("\n%-8s %6s %5s %6s %5s %11s %8s %8s %9s %10s\n", "CTRL", "TEMP", "USED",
	       "SPARE", "CRIT", "MEDIA-ERRS", "ERR-LOG", "UNSAFE", "POWER-ON", "CSD-ERRORS");
	for (i = 0; i < nr_ctrls; i++) {
		const struct dev_ctrl *c = &ctrls[i];
		const struct drive_health *h = &c->health;

		if (c->health_err) {
			printf("%-8s %6s %5s %6s %5s %11s %8s %8s %9s %10llu\n", c->name, "-", "-",
			       "-", "-", "-", "-", "-", "-", (unsigned long long)c->csd_errors);
			continue;
		}
		if (h->temperature)
			snprintf(temp, sizeof(temp), "%dC", (int)h->temperature - 273);
		else
			snprintf(temp, sizeof(temp), "-");	/* not reported */
		printf("%-8s %6s %4u%% %5u%% %#5x %11llu %8llu %8llu %8lluh %10llu\n", c->name, temp,
		       h->percent_used, h->avail_spare, h->critical_warning,
		       (unsigned long long)h->media_errors,
		       (unsigned long long)h->num_err_log_entries,
		       (unsigned long long)h->unsafe_shutdowns,
		       (unsigned long long)h->power_on_hours, (unsigned long long)c->csd_errors);
	}
}

int cmd_devices(int argc, char **argv)
{
	bool health = opts.given & OPT_HEALTH;
	struct dev_ctrl *ctrls;
	struct csd_ns_entry *ents;
	struct dev_row *rows;
	unsigned int nr = 0, nr_ctrls = 0;
	const char *only = NULL;
	int fd, n, k;

	if (argc > 2) {
		fprintf(stderr, "%s: devices takes at most one DISK\n", prog);
		return 2;
	}
	if (argc == 2)
		only = disk_arg(argv[1]);

	fd = csd_open();
	if (fd < 0)
		return 1;
	n = csd_list_ns(fd, &ents);
	if (n < 0) {
		close(fd);
		return 1;
	}
	rows = xcalloc(n ? n : 1, sizeof(*rows));
	ctrls = xcalloc(n ? n : 1, sizeof(*ctrls));
	for (k = 0; k < n; k++) {
		const struct csd_ns_entry *e = &ents[k];
		struct dev_row *r = &rows[nr];
		struct dev_ctrl *c;
		int ci;

		if (e->flags & CSD_NS_F_ADMIN)
			continue;
		if (only && !disk_matches(e->disk, only))
			continue;
		nr++;
		r->e = e;
		if (health)
			r->csd_errors = csd_ns_errors(fd, e);
		/* A removed namespace's controller may be another drive now. */
		if (e->flags & CSD_NS_F_DEAD) {
			r->dn_err = -ENODEV;
			continue;
		}
		r->dn_err = drive_ns_get(e->ctrl, e->nsid, e->flags & CSD_NS_F_ZONED, &r->dn);
		ci = ctrl_of(ctrls, nr_ctrls, e->ctrl);
		c = &ctrls[ci < 0 ? nr_ctrls : (unsigned int)ci];
		if (ci < 0) {
			nr_ctrls++;
			snprintf(c->name, sizeof(c->name), "%s", e->ctrl);
			c->id_err = drive_ctrl_get(c->name, &c->id);
			if (c->id_err)
				drive_warn(c->name, "identify controller", c->id_err);
			if (health) {
				c->health_err = drive_health_get(c->name, &c->health);
				if (c->health_err)
					drive_warn(c->name, "SMART / health log", c->health_err);
			}
		}
		if (r->dn_err && !c->id_err)
			drive_warn(e->disk, "identify namespace", r->dn_err);
		c->csd_errors += r->csd_errors;
	}
	close(fd);

	if (opts.json)
		devices_json(rows, nr, ctrls, nr_ctrls, health);
	else if (nr || !only)
		devices_table(rows, nr, ctrls, nr_ctrls, health);
	free(ctrls);
	free(rows);
	free(ents);
	if (only && !nr) {
		no_such_disk(only);
		return 1;
	}
	return 0;
}
