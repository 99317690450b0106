// SPDX-License-Identifier: GPL-2.0
/* csdctl stats, top, reset and config. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "csdctl.h"
#include "fetch.h"
#include "fmt.h"
#include "json.h"
#include "names.h"
#include "prom.h"

/* Latency columns of a row: their JSON keys and table headers. */
enum { LAT_MIN, LAT_MEAN, LAT_P50, LAT_P90, LAT_P99, LAT_P999, LAT_P9999, LAT_MAX, LAT_NR };

static const char * const lat_keys[LAT_NR] = {
	"min", "mean", "p50", "p90", "p99", "p99.9", "p99.99", "max",
};

static const char * const lat_heads[LAT_NR] = {
	"MIN", "MEAN", "P50", "P90", "P99", "P99.9", "P99.99", "MAX",
};

/* A row's latencies; have[i] is false where the kernel keeps none. */
static void row_lats(const struct csd_stat_row *r, __u64 v[LAT_NR], bool have[LAT_NR])
{
	bool lat = row_has_lat(r), pct = lat && (r->flags & CSD_ROW_F_HIST);
	int i;

	v[LAT_MIN] = r->lat_min_ns;
	v[LAT_MEAN] = r->count ? r->lat_sum_ns / r->count : 0;
	v[LAT_MAX] = r->lat_max_ns;
	have[LAT_MIN] = have[LAT_MEAN] = have[LAT_MAX] = lat;
	for (i = 0; i < CSD_PCT_NR; i++) {
		v[LAT_P50 + i] = r->pct_ns[i];
		have[LAT_P50 + i] = pct;
	}
}

struct rate {
	double iops;
	double mbps;	/* 10^6 bytes per second */
};

static void rate_of(__u64 count, __u64 bytes, double secs, struct rate *rt)
{
	rt->iops = secs > 0 ? count / secs : 0;
	rt->mbps = secs > 0 ? bytes / secs / 1e6 : 0;
}

static void row_rate(const struct ns_snap *base, const struct csd_stat_row *r, double secs,
		     struct rate *rt)
{
	struct row_delta d;

	row_delta(base, r, &d);
	rate_of(d.count, d.bytes, secs, rt);
}

/* The namespace's base for rates: the -i snapshot, or none (since_ns). */
static const struct ns_snap *stats_base(const struct ns_snap *prev, int np,
					const struct ns_snap *s)
{
	return prev ? snap_base(snap_find(prev, np, s->ns.id), s) : NULL;
}

/* A namespace's rows, error statuses and notes, as a table. */
static void stats_table_rows(const struct ns_snap *base, const struct ns_snap *s)
{
	char c[4][FMT_LEN], lat[LAT_NR][FMT_LEN], op[OP_LABEL_LEN], sn[STATUS_NAME_LEN];
	double secs = snap_secs(base, s);
	bool have[LAT_NR];
	__u64 v[LAT_NR];
	unsigned int i;
	int k;

	if (!s->nr_rows) {
		printf("no completed commands\n");
	} else {
		printf("%-15s %-6s %10s %7s %9s %8s", "OP", "SIZE", "COUNT", "BYTES", "IOPS",
		       "MB/s");
		for (k = 0; k < LAT_NR; k++)
			printf(" %7s", lat_heads[k]);
		printf("\n");
	}
	for (i = 0; i < s->nr_rows; i++) {
		const struct csd_stat_row *r = &s->rows[i];
		struct rate rt;

		row_rate(base, r, secs, &rt);
		row_lats(r, v, have);
		printf("%-15s %-6s %10llu %7s %9s %8s",
		       s->ns.flags & CSD_NS_F_ADMIN ?
		       admin_label(op, sizeof(op), r->opcode) :
		       op_label(op, sizeof(op), r->op, r->opcode), size_class_name(r->size_class),
		       (unsigned long long)r->count, fmt_bytes(c[0], r->bytes),
		       fmt_rate(c[1], rt.iops), fmt_rate(c[2], rt.mbps));
		for (k = 0; k < LAT_NR; k++)
			printf(" %7s", have[k] ? fmt_ns(lat[k], v[k]) : "-");
		printf("\n");
	}
	if (s->nr_statuses)
		printf("\n%-15s %-7s %-36s %12s\n", "OP", "SCT/SC", "ERROR STATUS", "COUNT");
	for (i = 0; i < s->nr_statuses; i++) {
		const struct csd_status_entry *e = &s->statuses[i];

		snprintf(c[0], FMT_LEN, "%x/0x%02x", e->status >> 8, e->status & 0xff);
		printf("%-15s %-7s %-36s %12llu\n", op_label(op, sizeof(op), e->op, e->opcode),
		       c[0], nvme_status_name(sn, sizeof(sn), e->status),
		       (unsigned long long)e->count);
	}
	if (s->st.errors_other)
		printf("errors with other statuses (csd's status table was full): %llu\n",
		       (unsigned long long)s->st.errors_other);
	if (s->st.zone_unbinned)
		printf("%llu commands came before csd's zone table for this namespace was ready; they are in the rows above but in no zone\n",
		       (unsigned long long)s->st.zone_unbinned);
}

static void stats_table_ns(const struct ns_snap *base, const struct ns_snap *s)
{
	char c[FMT_LEN];
	double secs = snap_secs(base, s);

	if (s->ns.flags & CSD_NS_F_ADMIN)
		printf("%s admin queue: ", s->ns.ctrl);
	else
		printf("%s: ctrl %s, nsid %u, %s, ", s->ns.disk, s->ns.ctrl, s->ns.nsid,
		       s->ns.flags & CSD_NS_F_ZONED ? "zns" : "conv");
	printf("submitted %llu, completed %llu, aborted %llu, in flight %lld, interval %s%s%s\n",
	       (unsigned long long)s->st.submitted, (unsigned long long)s->st.completed,
	       (unsigned long long)s->st.aborted, snap_in_flight(s),
	       fmt_ns(c, (__u64)(secs * 1e9)),
	       s->ns.flags & CSD_NS_F_DISABLED ? " (disabled)" : "",
	       s->ns.flags & CSD_NS_F_DEAD ? " (removed)" : "");
	if (s->ns.early || s->ns.unmatched || s->ns.stale)
		printf("not timed: %llu submitted early, %llu completions unmatched, %llu of an earlier epoch\n",
		       (unsigned long long)s->ns.early, (unsigned long long)s->ns.unmatched,
		       (unsigned long long)s->ns.stale);
	if (s->ns.requeued)
		printf("requeued: %llu setups again of commands the driver could not send (counted submitted once)\n",
		       (unsigned long long)s->ns.requeued);
	stats_table_rows(base, s);
}

/* "op": its name ("other" for CSD_OP_OTHER: "opcode" tells which). */
static void json_op(struct json *j, unsigned int op)
{
	char buf[OP_LABEL_LEN];

	json_str(j, "op", op_name(op) ?: op_label(buf, sizeof(buf), op, 0));
}

static void json_row(struct json *j, const struct ns_snap *base, double secs,
		     const struct csd_stat_row *r)
{
	bool have[LAT_NR];
	__u64 v[LAT_NR];
	struct rate rt;
	int k;

	row_rate(base, r, secs, &rt);
	row_lats(r, v, have);
	json_begin_object(j, NULL);
	json_op(j, r->op);
	json_u64(j, "opcode", r->opcode);
	json_str(j, "size_class", size_class_name(r->size_class));
	json_u64(j, "count", r->count);
	json_u64(j, "bytes", r->bytes);
	json_u64(j, "errors", r->errors);
	json_u64(j, "retries", r->retries);
	json_u64(j, "unbinned", r->unbinned);
	json_double(j, "iops", rt.iops);
	json_double(j, "mbps", rt.mbps);
	json_begin_object(j, "lat_ns");
	for (k = 0; k < LAT_NR; k++) {
		if (have[k])
			json_u64(j, lat_keys[k], v[k]);
		else
			json_null(j, lat_keys[k]);
	}
	json_end_object(j);
	json_end_object(j);
}

static void json_status(struct json *j, const struct csd_status_entry *e)
{
	char sn[STATUS_NAME_LEN];

	json_begin_object(j, NULL);
	json_op(j, e->op);
	json_u64(j, "opcode", e->opcode);
	json_u64(j, "status", e->status);
	json_u64(j, "sct", e->status >> 8);
	json_u64(j, "sc", e->status & 0xff);
	json_str(j, "status_name", nvme_status_name(sn, sizeof(sn), e->status));
	json_u64(j, "count", e->count);
	json_end_object(j);
}

/* The namespace fields stats and top share. */
static void json_ns_head(struct json *j, const struct ns_snap *s)
{
	json_str(j, "disk", s->ns.disk);
	json_str(j, "ctrl", s->ns.ctrl);
	json_u64(j, "nsid", s->ns.nsid);
	json_bool(j, "zoned", s->ns.flags & CSD_NS_F_ZONED);
	json_bool(j, "admin", s->ns.flags & CSD_NS_F_ADMIN);
}

/* --by-cgroup / --cgroup: each snapshot's cgroup rows, and the one cgroup. */
static struct cg_rows *stats_cg;
static __u64 stats_cg_only;

/* @paths: 0, or the number of paths of a multipath head @s sums. */
static void stats_json_ns(struct json *j, const struct ns_snap *base, const struct ns_snap *s,
			  int paths, const struct cg_rows *cg)
{
	double secs = snap_secs(base, s);
	unsigned int i;

	json_begin_object(j, NULL);
	json_ns_head(j, s);
	if (paths)
		json_u64(j, "multipath_paths", paths);
	json_bool(j, "enabled", !(s->ns.flags & CSD_NS_F_DISABLED));
	json_bool(j, "dead", s->ns.flags & CSD_NS_F_DEAD);
	json_u64(j, "submitted", s->st.submitted);
	json_u64(j, "completed", s->st.completed);
	json_u64(j, "aborted", s->st.aborted);
	json_i64(j, "in_flight", snap_in_flight(s));
	json_u64(j, "early", s->ns.early);
	json_u64(j, "unmatched", s->ns.unmatched);
	json_u64(j, "stale", s->ns.stale);
	json_u64(j, "requeued", s->ns.requeued);
	json_u64(j, "since_ns", s->st.since_ns);
	json_u64(j, "now_ns", s->st.now_ns);
	json_double(j, "interval_s", secs);
	json_begin_array(j, "rows");
	for (i = 0; i < s->nr_rows; i++)
		json_row(j, base, secs, &s->rows[i]);
	json_end_array(j);
	json_begin_array(j, "errors");
	for (i = 0; i < s->nr_statuses; i++)
		json_status(j, &s->statuses[i]);
	json_end_array(j);
	json_u64(j, "errors_other", s->st.errors_other);
	json_u64(j, "zone_unbinned", s->st.zone_unbinned);
	if (cg && !(s->ns.flags & CSD_NS_F_ADMIN))
		cg_json(j, cg, stats_cg_only);
	json_end_object(j);
}

/*
 * --class: what the namespaces' completion programs did. Classes 1..8 are
 * the programs' own (returned by complete()); dropped commands are left
 * out of the rows and zones.
 */
static void stats_classes(const struct ns_snap *snaps, int n)
{
	struct json j = { .f = stdout };
	char b[FMT_LEN];
	int i, c;

	if (opts.json)
		json_begin_array(&j, NULL);
	for (i = 0; i < n; i++) {
		const struct csd_ns_stats *st = &snaps[i].st;

		if (snaps[i].ns.flags & CSD_NS_F_ADMIN)
			continue;
		if (opts.json) {
			json_begin_object(&j, NULL);
			json_str(&j, "disk", snaps[i].ns.disk);
			json_u64(&j, "completed", st->completed);
			json_u64(&j, "dropped", st->dropped);
			json_begin_array(&j, "classes");
			for (c = 0; c < CSD_BPF_CLASSES; c++) {
				if (!st->class_count[c])
					continue;
				json_begin_object(&j, NULL);
				json_u64(&j, "class", c + 1);
				json_u64(&j, "count", st->class_count[c]);
				json_u64(&j, "mean_ns", st->class_lat_sum_ns[c] / st->class_count[c]);
				json_end_object(&j);
			}
			json_end_array(&j);
			json_end_object(&j);
			continue;
		}
		printf("%s: completed %llu, dropped by its program %llu\n", snaps[i].ns.disk,
		       (unsigned long long)st->completed, (unsigned long long)st->dropped);
		printf("  %-6s %12s %10s\n", "CLASS", "COUNT", "MEAN");
		for (c = 0; c < CSD_BPF_CLASSES; c++)
			if (st->class_count[c])
				printf("  %-6d %12llu %10s\n", c + 1,
				       (unsigned long long)st->class_count[c],
				       fmt_ns(b, st->class_lat_sum_ns[c] / st->class_count[c]));
	}
	if (opts.json) {
		json_end_array(&j);
		json_end(&j);
	}
}

/*
 * A multipath head: its paths' counts summed, then its rows, with
 * percentiles from the paths' histograms merged.
 */
static void stats_table_head(const char *disk, const struct ns_snap *base,
			     const struct ns_snap *h, int n)
{
	printf("\n%s: multipath head over the %d paths above: submitted %llu, completed %llu, aborted %llu, in flight %lld\n",
	       disk_arg(disk), n, (unsigned long long)h->st.submitted,
	       (unsigned long long)h->st.completed, (unsigned long long)h->st.aborted,
	       snap_in_flight(h));
	stats_table_rows(base, h);
}

int cmd_stats(int argc, char **argv)
{
	struct ns_snap *prev = NULL, *cur, head, head_prev;
	const char *disk = argc > 1 ? argv[1] : NULL;
	const struct ns_snap *head_base = NULL;
	int fd, i, n, np = 0, ret = 0, err;
	bool head_ok = false;

	if (argc > 2) {
		fprintf(stderr, "%s: stats takes at most one DISK\n", prog);
		return 2;
	}
	if ((opts.given & OPT_PROMETHEUS) && (opts.json || (opts.given & OPT_INTERVAL))) {
		fprintf(stderr, "%s: --prometheus goes without --json and --interval\n", prog);
		return 2;
	}
	if ((opts.given & OPT_CLASS) && (opts.given & OPT_PROMETHEUS)) {
		fprintf(stderr, "%s: --class goes without --prometheus\n", prog);
		return 2;
	}
	if ((opts.given & (OPT_BY_CGROUP | OPT_CGROUP)) &&
	    (opts.given & (OPT_CLASS | OPT_PROMETHEUS | OPT_INTERVAL))) {
		fprintf(stderr, "%s: --by-cgroup and --cgroup go without --class, --prometheus and --interval (--prometheus always has the cgroups)\n",
			prog);
		return 2;
	}
	if ((opts.given & OPT_CGROUP) && cg_lookup(opts.cgroup, &stats_cg_only))
		return 1;
	fd = csd_open();
	if (fd < 0)
		return 1;
	/* Admin queues: in the table and JSON, not in Prometheus. */
	fetch_admin = !(opts.given & OPT_PROMETHEUS);
	if (opts.given & OPT_INTERVAL) {
		np = snaps_fetch(fd, disk, &prev);
		if (np < 0) {
			close(fd);
			return 1;
		}
		sleep_secs(opts.interval);
	}
	n = snaps_fetch(fd, disk, &cur);
	if (n < 0) {
		snaps_free(prev, np);
		close(fd);
		return 1;
	}

	/* DISK names a multipath head when it has several paths. */
	if (disk && n > 1 && !(opts.given & (OPT_PROMETHEUS | OPT_CLASS)) &&
	    !snap_sum(fd, cur, n, disk_arg(disk), true, &head)) {
		head_ok = true;
		/* Rates over -i only if every path has its base: same paths, no reset. */
		for (i = 0; np == n && i < n; i++)
			if (!stats_base(prev, np, &cur[i]))
				break;
		if (np == n && i == n && !snap_sum(fd, prev, np, disk_arg(disk), false, &head_prev))
			head_base = &head_prev;
	}

	if (opts.given & (OPT_BY_CGROUP | OPT_CGROUP)) {
		stats_cg = xcalloc(n ? n : 1, sizeof(*stats_cg));
		for (i = 0; i < n; i++) {
			if (cur[i].ns.flags & CSD_NS_F_ADMIN)
				continue;
			err = cg_fetch(fd, cur[i].ns.id, &stats_cg[i]);
			/* Gone since the snapshot: it has no rows to show. */
			if (err == -ENOTTY) {
				fprintf(stderr, "%s: this csd.ko keeps no rows per cgroup (it predates CSD_IOC_CGROUP_STATS)\n",
					prog);
				ret = 1;
				break;
			} else if (err && err != -ENODEV) {
				ioctl_error("CSD_IOC_CGROUP_STATS", cur[i].ns.disk, -err);
				ret = 1;
			}
		}
	}
	if (ret) {
		/* An error was printed. */
	} else if (opts.given & OPT_PROMETHEUS) {
		ret = prom_write(stdout, fd, cur, n);
	} else if (opts.given & OPT_CLASS) {
		stats_classes(cur, n);
	} else if (opts.json) {
		struct json j = { .f = stdout };

		json_begin_array(&j, NULL);
		for (i = 0; i < n; i++)
			stats_json_ns(&j, stats_base(prev, np, &cur[i]), &cur[i], 0,
				      stats_cg ? &stats_cg[i] : NULL);
		if (head_ok)
			stats_json_ns(&j, head_base, &head, n, NULL);
		json_end_array(&j);
		json_end(&j);
	} else {
		for (i = 0; i < n; i++) {
			if (i)
				printf("\n");
			stats_table_ns(stats_base(prev, np, &cur[i]), &cur[i]);
			if (stats_cg && !(cur[i].ns.flags & CSD_NS_F_ADMIN))
				cg_table(&cur[i], &stats_cg[i], stats_cg_only);
		}
		if (!n)
			printf("csd tracks no namespaces: no NVMe namespace is present, or csd is not attached to nvme-core (csdctl info)\n");
		else if (head_ok)
			stats_table_head(disk, head_base, &head, n);
	}
	if (head_ok)
		snap_release(&head);
	if (head_base)
		snap_release(&head_prev);
	for (i = 0; stats_cg && i < n; i++)
		cg_free(&stats_cg[i]);
	free(stats_cg);
	stats_cg = NULL;
	snaps_free(prev, np);
	snaps_free(cur, n);
	close(fd);
	return ret;
}

/* One operation's rows over a top interval, size classes summed. */
struct op_agg {
	unsigned int op;
	unsigned int opcode;
	__u64 count;		/* over the interval */
	__u64 bytes;		/* over the interval */
	__u64 lat_sum_ns;	/* over the interval */
	__u64 lat_max_ns;	/* since counting started */
	bool lat;
};

/* Sum @s's rows by operation (CSD_OP_OTHER by opcode) into @out. */
static unsigned int ops_aggregate(const struct ns_snap *base, const struct ns_snap *s,
				  struct op_agg *out)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->nr_rows; i++) {
		const struct csd_stat_row *r = &s->rows[i];
		struct op_agg *a = n ? &out[n - 1] : NULL;
		struct row_delta d;

		/* Rows are sorted by op; CSD_OP_OTHER rows have one size class. */
		if (!a || a->op != r->op || (r->op == CSD_OP_OTHER && a->opcode != r->opcode)) {
			a = &out[n++];
			memset(a, 0, sizeof(*a));
			a->op = r->op;
			a->opcode = r->opcode;
		}
		row_delta(base, r, &d);
		a->count += d.count;
		a->bytes += d.bytes;
		a->lat_sum_ns += d.lat_sum_ns;
		if (row_has_lat(r)) {
			a->lat = true;
			if (r->lat_max_ns > a->lat_max_ns)
				a->lat_max_ns = r->lat_max_ns;
		}
	}
	return n;
}

/* What top shows of one namespace over one interval. */
struct top_ns {
	const struct ns_snap *s;
	double secs;
	double submitted;	/* per second */
	double completed;	/* per second */
	struct op_agg *ops;
	unsigned int nr_ops;
};

static void top_ns_make(const struct ns_snap *prev, int np, const struct ns_snap *s,
			struct top_ns *t)
{
	const struct ns_snap *base = snap_base(snap_find(prev, np, s->ns.id), s);

	t->s = s;
	t->secs = snap_secs(base, s);
	t->submitted = ctr_delta(base ? base->st.submitted : 0, s->st.submitted, base);
	t->completed = ctr_delta(base ? base->st.completed : 0, s->st.completed, base);
	if (t->secs > 0) {
		t->submitted /= t->secs;
		t->completed /= t->secs;
	}
	t->ops = xcalloc(s->nr_rows, sizeof(*t->ops));
	t->nr_ops = ops_aggregate(base, s, t->ops);
}

static void top_table_ns(const struct top_ns *t)
{
	char c[4][FMT_LEN], op[OP_LABEL_LEN];
	const struct ns_snap *s = t->s;
	unsigned int i, shown = 0;

	printf("%s (%s nsid %u, %s%s): submitted %s/s, completed %s/s, in flight %lld\n",
	       s->ns.disk, s->ns.ctrl, s->ns.nsid, s->ns.flags & CSD_NS_F_ZONED ? "zns" : "conv",
	       s->ns.flags & CSD_NS_F_DISABLED ? ", disabled" : "",
	       fmt_rate(c[0], t->submitted), fmt_rate(c[1], t->completed), snap_in_flight(s));
	for (i = 0; i < t->nr_ops; i++) {
		const struct op_agg *a = &t->ops[i];
		struct rate rt;

		if (!a->count)
			continue;
		if (!shown++)
			printf("  %-15s %9s %8s %7s %7s\n", "OP", "IOPS", "MB/s", "MEAN", "MAX");
		rate_of(a->count, a->bytes, t->secs, &rt);
		printf("  %-15s %9s %8s %7s %7s\n", op_label(op, sizeof(op), a->op, a->opcode),
		       fmt_rate(c[0], rt.iops), fmt_rate(c[1], rt.mbps),
		       a->lat ? fmt_ns(c[2], a->lat_sum_ns / a->count) : "-",
		       a->lat ? fmt_ns(c[3], a->lat_max_ns) : "-");
	}
	if (!shown)
		printf("  idle\n");
}

static void top_json_ns(struct json *j, const struct top_ns *t)
{
	unsigned int i;

	json_begin_object(j, NULL);
	json_ns_head(j, t->s);
	json_double(j, "interval_s", t->secs);
	json_double(j, "submitted_per_s", t->submitted);
	json_double(j, "completed_per_s", t->completed);
	json_i64(j, "in_flight", snap_in_flight(t->s));
	json_begin_array(j, "ops");
	for (i = 0; i < t->nr_ops; i++) {
		const struct op_agg *a = &t->ops[i];
		struct rate rt;

		if (!a->count)
			continue;
		rate_of(a->count, a->bytes, t->secs, &rt);
		json_begin_object(j, NULL);
		json_op(j, a->op);
		json_u64(j, "opcode", a->opcode);
		json_u64(j, "count", a->count);
		json_u64(j, "bytes", a->bytes);
		json_double(j, "iops", rt.iops);
		json_double(j, "mbps", rt.mbps);
		if (a->lat) {
			json_u64(j, "mean_ns", a->lat_sum_ns / a->count);
			json_u64(j, "max_ns", a->lat_max_ns);
		} else {
			json_null(j, "mean_ns");
			json_null(j, "max_ns");
		}
		json_end_object(j);
	}
	json_end_array(j);
	json_end_object(j);
}

static void top_frame(const struct ns_snap *prev, int np, const struct ns_snap *cur, int n,
		      bool tty)
{
	time_t now = time(NULL);
	struct json j = { .f = stdout };
	char when[16];
	int i;

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	if (opts.json) {
		json_begin_object(&j, NULL);
		json_i64(&j, "time", now);
		json_begin_array(&j, "namespaces");
	} else if (tty) {
		printf("\033[H\033[2J");
	} else {
		printf("---\n");
	}
	if (!opts.json)
		printf("csdctl top  %s  every %gs\n", when, opts.interval);
	for (i = 0; i < n; i++) {
		struct top_ns t;

		top_ns_make(prev, np, &cur[i], &t);
		if (opts.json) {
			top_json_ns(&j, &t);
		} else {
			printf("\n");
			top_table_ns(&t);
		}
		free(t.ops);
	}
	if (opts.json) {
		json_end_array(&j);
		json_end_object(&j);
		json_end(&j);
	} else if (!n) {
		printf("\ncsd tracks no namespaces: no NVMe namespace is present, or csd is not attached to nvme-core (csdctl info)\n");
	}
	fflush(stdout);
}

static void on_stop(int sig)
{
	stop_requested = 1;
}

int cmd_top(int argc, char **argv)
{
	const char *disk = argc > 1 ? argv[1] : NULL;
	struct sigaction sa = { .sa_handler = on_stop };
	struct ns_snap *prev, *cur;
	unsigned long iter;
	int fd, np, n, ret = 0;
	bool tty = isatty(STDOUT_FILENO);

	if (argc > 2) {
		fprintf(stderr, "%s: top takes at most one DISK\n", prog);
		return 2;
	}
	if ((opts.given & OPT_ITERATIONS) && !opts.iterations) {
		fprintf(stderr, "%s: --iterations must be at least 1\n", prog);
		return 2;
	}
	if (!(opts.given & OPT_INTERVAL))
		opts.interval = 1;
	fd = csd_open();
	if (fd < 0)
		return 1;
	np = snaps_fetch(fd, disk, &prev);
	if (np < 0) {
		close(fd);
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (iter = 0; !(opts.given & OPT_ITERATIONS) || iter < opts.iterations; iter++) {
		if (!sleep_secs(opts.interval))
			break;
		n = snaps_fetch(fd, disk, &cur);
		if (n < 0) {
			ret = 1;
			break;
		}
		top_frame(prev, np, cur, n, tty);
		snaps_free(prev, np);
		prev = cur;
		np = n;
	}
	snaps_free(prev, np);
	close(fd);
	return ret;
}

static int admin_error(const char *cmd, const char *name, const char *disk)
{
	if (errno == EPERM)
		fprintf(stderr, "%s: %s needs CAP_SYS_ADMIN (run as root)\n", prog, cmd);
	else if (errno == ENODEV && disk)
		no_such_disk(disk);
	else
		ioctl_error(name, disk, errno);
	return 1;
}

int cmd_reset(int argc, char **argv)
{
	struct csd_reset arg = { .size = sizeof(arg) };
	const char *disk = argc > 1 ? disk_arg(argv[1]) : NULL;
	struct csd_ns_entry ns;
	int fd, ret = 0;

	if (argc > 2) {
		fprintf(stderr, "%s: reset takes at most one DISK\n", prog);
		return 2;
	}
	fd = csd_open();
	if (fd < 0)
		return 1;
	if (disk && csd_find_disk(fd, disk, &ns)) {
		close(fd);
		return 1;
	}
	arg.ns_id = disk ? ns.id : 0;
	if (ioctl(fd, CSD_IOC_RESET, &arg))
		ret = admin_error("reset", "CSD_IOC_RESET", disk);
	close(fd);
	return ret;
}

static void config_show(const struct csd_ns_entry *ns)
{
	bool zoned = ns->flags & CSD_NS_F_ZONED;
	char b[FMT_LEN];

	if (opts.json) {
		struct json j = { .f = stdout };

		json_begin_object(&j, NULL);
		json_str(&j, "disk", ns->disk);
		json_bool(&j, "zoned", zoned);
		json_bool(&j, "enabled", !(ns->flags & CSD_NS_F_DISABLED));
		json_u64(&j, "region_sectors", ns->region_sectors);
		json_u64(&j, "region_bytes", ns->region_sectors << 9);
		json_u64(&j, "nr_regions", ns->nr_regions);
		json_end_object(&j);
		json_end(&j);
		return;
	}
	printf("%-14s%s (%s)\n", "disk:", ns->disk, zoned ? "zns" : "conv");
	printf("%-14s%s\n", "accounting:", ns->flags & CSD_NS_F_DISABLED ? "disabled" : "enabled");
	printf("%-14s%s (%llu sectors)\n", zoned ? "zone size:" : "region size:",
	       fmt_bytes(b, ns->region_sectors << 9), (unsigned long long)ns->region_sectors);
	printf("%-14s%llu\n", zoned ? "zones:" : "regions:", (unsigned long long)ns->nr_regions);
}

int cmd_config(int argc, char **argv)
{
	struct csd_config arg = { .size = sizeof(arg) };
	struct csd_ns_entry ns;
	int fd, ret = 0;

	if (argc != 2) {
		fprintf(stderr, "%s: config takes one DISK\n", prog);
		return 2;
	}
	if ((opts.given & OPT_ENABLE) && (opts.given & OPT_DISABLE)) {
		fprintf(stderr, "%s: --enable or --disable, not both\n", prog);
		return 2;
	}
	if ((opts.given & OPT_REGION) && (!opts.region_bytes || opts.region_bytes % 512)) {
		fprintf(stderr, "%s: --region-size must be a non-zero multiple of 512 bytes\n", prog);
		return 2;
	}
	fd = csd_open_disk(argv[1], &ns);
	if (fd < 0)
		return 1;
	if (!(opts.given & (OPT_REGION | OPT_ENABLE | OPT_DISABLE))) {
		config_show(&ns);
		close(fd);
		return 0;
	}
	arg.ns_id = ns.id;
	if (opts.given & OPT_REGION) {
		arg.flags |= CSD_CFG_F_REGION;
		arg.region_sectors = opts.region_bytes / 512;
	}
	if (opts.given & OPT_ENABLE)
		arg.flags |= CSD_CFG_F_ENABLE;
	if (opts.given & OPT_DISABLE)
		arg.flags |= CSD_CFG_F_DISABLE;
	if (!ioctl(fd, CSD_IOC_CONFIG, &arg)) {
		close(fd);
		return 0;
	}
	if (errno == ERANGE)
		fprintf(stderr, "%s: region size out of range: a power of two, at least 1 MiB and the block size, at most %u regions\n",
			prog, CSD_REGIONS_MAX);
	else if (errno == EINVAL && (arg.flags & CSD_CFG_F_REGION) && (ns.flags & CSD_NS_F_ZONED))
		fprintf(stderr, "%s: zoned namespaces keep their zones\n", prog);
	else
		admin_error("config", "CSD_IOC_CONFIG", ns.disk);
	ret = 1;
	close(fd);
	return ret;
}
