// SPDX-License-Identifier: GPL-2.0
/* csdctl hist: one latency histogram, in power-of-two rows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csdctl.h"
#include "fetch.h"
#include "fmt.h"
#include "json.h"
#include "names.h"

#define BAR_WIDTH	40

struct hist_req {
	int op;
	int size_class;
	bool zone;
};

/* --op, --size and --zone: 0, or 2 (usage error, printed). */
static int hist_parse(struct hist_req *q)
{
	if (!(opts.given & OPT_OP)) {
		fprintf(stderr, "%s: hist needs --op OP (try --help)\n", prog);
		return 2;
	}
	q->op = op_parse(opts.op);
	if (q->op < 0) {
		fprintf(stderr, "%s: unknown operation '%s' (try --help)\n", prog, opts.op);
		return 2;
	}
	q->size_class = CSD_SZ_ALL;
	if (opts.given & OPT_SIZE) {
		q->size_class = size_class_parse(opts.size);
		if (q->size_class < 0) {
			fprintf(stderr, "%s: unknown size class '%s' (try --help)\n", prog,
				opts.size);
			return 2;
		}
	}
	q->zone = opts.given & OPT_ZONE;
	if (!q->zone)
		return 0;
	if (q->op != CSD_OP_READ && q->op != CSD_OP_WRITE && q->op != CSD_OP_APPEND &&
	    q->op != CSD_OP_ALL) {
		fprintf(stderr, "%s: zones keep histograms of read, write, append and all only\n",
			prog);
		return 2;
	}
	if (q->size_class != CSD_SZ_ALL) {
		fprintf(stderr, "%s: zone histograms have no size classes (no --size with --zone)\n",
			prog);
		return 2;
	}
	return 0;
}

/* Sum the fine buckets into power-of-two rows; returns the total count. */
static __u64 hist_rows(const struct hist *h, __u64 *rows)
{
	__u64 total = 0;
	unsigned int b;

	for (b = 0; b < h->arg.nr_buckets; b++) {
		rows[hist_row_of(h, b)] += h->buckets[b];
		total += h->buckets[b];
	}
	return total;
}

static const char *hist_size_name(const struct hist_req *q)
{
	return q->size_class == CSD_SZ_ALL ? "all sizes" : size_class_name(q->size_class);
}

static void hist_table(const struct csd_ns_entry *ns, const struct hist_req *q,
		       const struct hist *h, const __u64 *rows, __u64 total)
{
	unsigned int nr = hist_nr_rows(h), first = 0, last = nr, r;
	char lo_s[FMT_LEN], hi_s[FMT_LEN], bar[BAR_WIDTH + 1];
	__u64 lo, hi, max = 0, p50, p99;
	bool open50, open99;

	printf("%s: %s latency, %s", ns->disk, q->op == CSD_OP_ALL ? "all operations" :
	       op_name(q->op), hist_size_name(q));
	if (q->zone)
		printf(", zone %u", opts.zone);
	printf("\n");
	if (!total) {
		printf("no commands\n");
		return;
	}
	for (r = 0; r < nr; r++)
		if (rows[r] > max)
			max = rows[r];
	while (!rows[first])
		first++;
	while (!rows[last - 1])
		last--;
	printf("%24s : %-10s %s\n", "latency", "count", "distribution");
	for (r = first; r < last; r++) {
		unsigned int len = (double)rows[r] * BAR_WIDTH / max;

		hist_row_bounds(h, r, &lo, &hi);
		memset(bar, '@', len);
		bar[len] = 0;
		printf("%10s -> %-10s : %-10llu |%-*s|\n", fmt_ns(lo_s, lo),
		       hi == HIST_INF ? "inf" : fmt_ns(hi_s, hi), (unsigned long long)rows[r],
		       BAR_WIDTH, bar);
	}
	p50 = hist_quantile(h, 5000, &open50);
	p99 = hist_quantile(h, 9900, &open99);
	printf("count %llu, p50 %s%s, p99 %s%s\n", (unsigned long long)total,
	       open50 ? ">=" : "", fmt_ns(lo_s, p50), open99 ? ">=" : "", fmt_ns(hi_s, p99));
}

static void hist_json(const struct csd_ns_entry *ns, const struct hist_req *q,
		      const struct hist *h, const __u64 *rows, __u64 total)
{
	struct json j = { .f = stdout };
	unsigned int r;
	__u64 lo, hi;
	bool open;

	json_begin_object(&j, NULL);
	json_str(&j, "disk", ns->disk);
	json_str(&j, "op", q->op == CSD_OP_ALL ? "all" : op_name(q->op));
	json_str(&j, "size", size_class_name(q->size_class));
	if (q->zone)
		json_u64(&j, "zone", opts.zone);
	else
		json_null(&j, "zone");
	json_u64(&j, "count", total);
	json_u64(&j, "p50_ns", hist_quantile(h, 5000, &open));
	json_u64(&j, "p99_ns", hist_quantile(h, 9900, &open));
	json_begin_array(&j, "buckets");
	for (r = 0; r < hist_nr_rows(h); r++) {
		hist_row_bounds(h, r, &lo, &hi);
		json_begin_object(&j, NULL);
		json_u64(&j, "lo_ns", lo);
		if (hi == HIST_INF)
			json_null(&j, "hi_ns");
		else
			json_u64(&j, "hi_ns", hi);
		json_u64(&j, "count", rows[r]);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_begin_object(&j, "fine");
	json_u64(&j, "first_shift", h->arg.first_shift);
	json_u64(&j, "sub_bits", h->arg.sub_bits);
	json_u64(&j, "max_shift", h->arg.max_shift);
	json_u64(&j, "nr_buckets", h->arg.nr_buckets);
	json_end_object(&j);
	json_end_object(&j);
	json_end(&j);
}

static void hist_error(const struct csd_ns_entry *ns, int err)
{
	if (err == -ERANGE && (opts.given & OPT_ZONE))
		fprintf(stderr, "%s: zone %u out of range: %s has %llu zones or regions\n", prog,
			opts.zone, ns->disk, (unsigned long long)ns->nr_regions);
	else if (err == -ENODEV)
		no_such_disk(ns->disk);
	else
		hist_fetch_error(ns->disk, err);
}

int cmd_hist(int argc, char **argv)
{
	struct csd_ns_entry ns;
	struct hist_req q;
	struct hist h;
	__u64 *rows, total;
	int fd, err;

	if (argc != 2) {
		fprintf(stderr, "%s: hist takes one DISK\n", prog);
		return 2;
	}
	err = hist_parse(&q);
	if (err)
		return err;
	fd = csd_open_disk(argv[1], &ns);
	if (fd < 0)
		return 1;
	err = hist_fetch(fd, ns.id, q.zone ? CSD_HIST_F_ZONE : 0, q.op, q.size_class,
			 q.zone ? opts.zone : 0, &h);
	close(fd);
	if (err) {
		hist_error(&ns, err);
		return 1;
	}
	rows = xcalloc(hist_nr_rows(&h), sizeof(*rows));
	total = hist_rows(&h, rows);
	if (opts.json)
		hist_json(&ns, &q, &h, rows, total);
	else
		hist_table(&ns, &q, &h, rows, total);
	free(rows);
	hist_free(&h);
	return 0;
}
