// SPDX-License-Identifier: GPL-2.0
/*
 * csdctl trace: one line per completed command, from csd's trace fd.
 * csdctl inflight: the commands in flight now, oldest first.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/csd.h>

#include <csd/nvme_names.h>
#include <csd/trace_line.h>

#include "cgroup.h"
#include "csdctl.h"
#include "json.h"
#include "names.h"

#define TRACE_BATCH	256	/* records per read() */

/* ns_id -> disk name, from CSD_IOC_LIST_NS; refreshed on unknown ids. */
struct names {
	struct csd_ns_entry *ents;
	int n;
};

static void names_load(int fd, struct names *nm)
{
	free(nm->ents);
	nm->ents = NULL;
	nm->n = csd_list_ns(fd, &nm->ents);
	if (nm->n < 0)
		nm->n = 0;
}

static const char *names_get(int fd, struct names *nm, __u32 ns_id, bool retry)
{
	int i;

	for (i = 0; i < nm->n; i++) {
		const struct csd_ns_entry *e = &nm->ents[i];

		if (e->id == ns_id)
			return e->flags & CSD_NS_F_ADMIN ? e->ctrl : e->disk;
	}
	if (retry) {
		names_load(fd, nm);
		return names_get(fd, nm, ns_id, false);
	}
	return "?";
}

static const char *cmd_label(char *buf, size_t len, bool admin, unsigned int op,
			     unsigned int opcode)
{
	if (admin)
		return admin_label(buf, len, opcode);
	return op_label(buf, len, op, opcode);
}

/* --op read,append,zone-reset: a CSD_TRACE_F_OPS mask. 0 on error. */
static __u64 parse_op_mask(const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	__u64 mask = 0;

	if (!copy)
		return 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int op = op_parse(tok);

		if (op < 0) {
			fprintf(stderr, "%s: --op: unknown operation '%s' (see --help)\n", prog, tok);
			mask = 0;
			break;
		}
		if (op == CSD_OP_ALL)
			mask |= (1ULL << CSD_OP_NR) - 1;
		else
			mask |= 1ULL << op;
	}
	free(copy);
	if (!*list)
		fprintf(stderr, "%s: --op: no operation given\n", prog);
	return mask;
}

/* The ZONE and SLBA columns: "-" when the command has none. */
static void zone_slba_text(char *zone, size_t zlen, char *slba, size_t slen, __u32 z,
			   bool all_zones, bool has_lba, __u64 lba)
{
	if (all_zones)
		snprintf(zone, zlen, "all");
	else if (z == UINT32_MAX)
		snprintf(zone, zlen, "-");
	else
		snprintf(zone, zlen, "%u", z);
	if (has_lba)
		snprintf(slba, slen, "%llu", (unsigned long long)lba);
	else
		snprintf(slba, slen, "-");
}

/* "zone" and "slba" in JSON: null when the command has none. */
static void zone_slba_json(struct json *j, __u32 z, bool all_zones, bool has_lba, __u64 lba)
{
	if (all_zones)
		json_str(j, "zone", "all");
	else if (z == UINT32_MAX)
		json_null(j, "zone");
	else
		json_u64(j, "zone", z);
	if (has_lba)
		json_u64(j, "slba", lba);
	else
		json_null(j, "slba");
}

static void on_stop(int sig)
{
	stop_requested = 1;
}

static void catch_stop(void)
{
	/* No SA_RESTART: poll() returns at once on Ctrl-C. */
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void trace_header(void)
{
	printf(CSD_TRACE_HEADER_FMT, CSD_TRACE_HEADER_ARGS);
}

/* The line the debugfs trace file prints too (include/csd/trace_line.h). */
static void trace_line(int fd, struct names *nm, const struct csd_trace_rec *r)
{
	char line[CSD_TRACE_LINE_LEN];

	csd_trace_line(line, sizeof(line), r, names_get(fd, nm, r->ns_id, true));
	fputs(line, stdout);
}

static void trace_json(int fd, struct names *nm, const struct csd_trace_rec *r)
{
	char op[OP_LABEL_LEN], st[STATUS_NAME_LEN], ctrl[16];
	bool admin = r->flags & CSD_TRACE_REC_ADMIN;
	struct json j = { .f = stdout };

	snprintf(ctrl, sizeof(ctrl), "nvme%u", r->ctrl);
	json_begin_object(&j, NULL);
	json_u64(&j, "ts_ns", r->ts_ns);
	json_str(&j, "disk", names_get(fd, nm, r->ns_id, true));
	json_str(&j, "ctrl", ctrl);
	json_u64(&j, "qid", r->qid);
	json_u64(&j, "cid", r->cid);
	json_u64(&j, "nsid", r->nsid);
	json_str(&j, "op", cmd_label(op, sizeof(op), admin, r->op, r->opcode));
	json_u64(&j, "opcode", r->opcode);
	if (r->zone_action)
		json_u64(&j, "zone_action", r->zone_action);
	zone_slba_json(&j, r->zone, r->flags & CSD_TRACE_REC_ALL_ZONES,
		       r->flags & CSD_TRACE_REC_LBA, r->slba);
	json_u64(&j, "bytes", r->bytes);
	json_u64(&j, "latency_ns", r->latency_ns);
	json_u64(&j, "status", r->status);
	json_str(&j, "status_name", nvme_status_name(st, sizeof(st), r->status));
	json_u64(&j, "retries", r->retries);
	json_u64(&j, "cpu", r->cpu);
	json_u64(&j, "cgroup_id", r->cgroup_id);
	json_bool(&j, "admin", admin);
	json_end_object(&j);
	json_end(&j);
}

static int trace_stats(int tfd, struct csd_trace_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(tfd, CSD_TRACE_IOC_STATS, st);
}

/* Read and print what is queued; -1 on a read error, else records printed. */
static long trace_drain(int tfd, int fd, struct names *nm, unsigned long *left)
{
	static struct csd_trace_rec buf[TRACE_BATCH];
	long done = 0;

	for (;;) {
		ssize_t n = read(tfd, buf, sizeof(buf));
		long i, k;

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? done : -1;
		if (n == 0)
			return done;
		k = n / sizeof(buf[0]);
		for (i = 0; i < k; i++) {
			if (*left == 0)
				break;
			if (opts.json)
				trace_json(fd, nm, &buf[i]);
			else
				trace_line(fd, nm, &buf[i]);
			if (*left != ULONG_MAX)
				(*left)--;
		}
		done += i;
		fflush(stdout);
		/* A reader slower than the commands gets full batches forever. */
		if (*left == 0 || k < TRACE_BATCH || stop_requested)
			return done;
	}
}

static void trace_report(const struct csd_trace_stats *st, unsigned long printed)
{
	fprintf(stderr, "%s: trace: %lu printed, %llu matched, %llu dropped%s\n", prog, printed,
		(unsigned long long)st->matched, (unsigned long long)st->dropped,
		st->dropped ? " (the reader fell behind: see --ring)" : "");
	if (opts.json) {
		struct json j = { .f = stdout };

		json_begin_object(&j, NULL);
		json_begin_object(&j, "summary");
		json_u64(&j, "matched", st->matched);
		json_u64(&j, "delivered", st->delivered);
		json_u64(&j, "dropped", st->dropped);
		json_u64(&j, "queued", st->queued);
		json_u64(&j, "ring_records", st->ring_records);
		json_end_object(&j);
		json_end_object(&j);
		json_end(&j);
	}
	/*
	 * All of the output is written before the trace fd and /dev/csd are
	 * closed: whoever waits for csd's reference to drop (csdctl_test's
	 * trace_json_exact) then finds it complete, not still in stdio's
	 * buffer until exit.
	 */
	fflush(stdout);
}

/*
 * DISK: csd's namespace if csd knows it, else its block device (a
 * multipath head, or a disk being added). 0, or 1 (message printed).
 */
static int trace_target(const char *disk, const struct names *nm, struct csd_trace_open *arg)
{
	const struct csd_ns_entry *e = ns_pick(nm->ents, nm->n, disk);
	char path[300];
	struct stat st;

	/*
	 * A multipath head (nvme1n1 over nvme1c0n1, nvme1c1n1): its device,
	 * which csd matches on the commands of every path.
	 */
	if (e && !strcmp(e->disk, disk_arg(disk))) {
		arg->ns_id = e->id;
		return 0;
	}
	snprintf(path, sizeof(path), "/dev/%s", disk_arg(disk));
	if (stat(path, &st) || !S_ISBLK(st.st_mode)) {
		fprintf(stderr, "%s: %s is not a block device csd knows of\n", prog, path);
		return 1;
	}
	arg->flags |= CSD_TRACE_F_DEV;
	arg->dev_major = major(st.st_rdev);
	arg->dev_minor = minor(st.st_rdev);
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	struct csd_trace_open arg = { .size = sizeof(arg) };
	struct csd_trace_stats st;
	unsigned long left = opts.given & OPT_ITERATIONS ? opts.iterations : ULONG_MAX;
	unsigned long printed = 0;
	__u64 dropped_seen = 0;
	struct names nm = { 0 };
	int fd, tfd, ret = 0;

	if (argc > 2) {
		fprintf(stderr, "%s: trace takes at most one DISK\n", prog);
		return 2;
	}
	if (opts.given & OPT_OP) {
		arg.flags |= CSD_TRACE_F_OPS;
		arg.op_mask = parse_op_mask(opts.op);
		if (!arg.op_mask)
			return 2;
	}
	if (opts.given & OPT_ZONE) {
		arg.flags |= CSD_TRACE_F_ZONES;
		arg.zone_first = opts.zone;
		arg.zone_last = opts.zone_last;
	}
	if (opts.given & OPT_ERRORS)
		arg.flags |= CSD_TRACE_F_ERRORS;
	if (opts.given & OPT_CGROUP) {
		if (cg_lookup(opts.cgroup, &arg.cgroup_id))
			return 1;
		arg.flags |= CSD_TRACE_F_CGROUP;
	}
	if (opts.given & OPT_MIN_LAT)
		arg.min_lat_ns = opts.min_lat_ns;
	if (opts.given & OPT_RING)
		arg.ring_records = opts.ring;

	fd = csd_open();
	if (fd < 0)
		return 1;
	names_load(fd, &nm);
	if (argc == 2 && trace_target(argv[1], &nm, &arg)) {
		close(fd);
		free(nm.ents);
		return 1;
	}
	catch_stop();
	if (ioctl(fd, CSD_IOC_TRACE, &arg)) {
		if (errno == EINVAL && (opts.given & OPT_RING))
			fprintf(stderr, "%s: --ring: %u is not a power of two up to %u\n",
				prog, opts.ring, CSD_TRACE_RING_MAX);
		else if (errno == EBUSY)
			fprintf(stderr, "%s: CSD_IOC_TRACE: %u trace readers are open already\n",
				prog, CSD_TRACE_READERS_MAX);
		else
			ioctl_error("CSD_IOC_TRACE", argc == 2 ? argv[1] : NULL, errno);
		close(fd);
		free(nm.ents);
		return 1;
	}
	tfd = arg.fd;
	if (!opts.json)
		trace_header();
	fflush(stdout);

	while (!stop_requested && left) {
		struct pollfd p = { .fd = tfd, .events = POLLIN };
		long n;
		int r = poll(&p, 1, 1000);

		if (r < 0 && errno != EINTR) {
			perror("csdctl: poll");
			ret = 1;
			break;
		}
		if (r > 0) {
			n = trace_drain(tfd, fd, &nm, &left);
			if (n < 0) {
				perror("csdctl: read trace");
				ret = 1;
				break;
			}
			printed += n;
			if (ferror(stdout))
				break;	/* the pipe reader went away */
		}
		/* Say so as soon as records get dropped. */
		if (!trace_stats(tfd, &st) && st.dropped > dropped_seen) {
			fprintf(stderr, "%s: trace: %llu records dropped so far (ring full)\n",
				prog, (unsigned long long)st.dropped);
			dropped_seen = st.dropped;
		}
	}
	/* What completed before the stop is still printed. */
	if (left && !ferror(stdout) &&
	    fcntl(tfd, F_SETFL, fcntl(tfd, F_GETFL) | O_NONBLOCK) == 0) {
		long n = trace_drain(tfd, fd, &nm, &left);

		if (n > 0)
			printed += n;
	}
	if (trace_stats(tfd, &st)) {
		ioctl_error("CSD_TRACE_IOC_STATS", NULL, errno);
		ret = 1;
	} else {
		trace_report(&st, printed);
	}
	close(tfd);
	close(fd);
	free(nm.ents);
	return ret;
}

/* ---- inflight ---- */

static int inflight_fetch(int fd, __u32 ns_id, struct csd_inflight *arg,
			  struct csd_inflight_entry **out)
{
	struct csd_inflight_entry *e = NULL;
	__u32 cap = 64;

	for (;;) {
		free(e);
		e = xcalloc(cap, sizeof(*e));
		memset(arg, 0, sizeof(*arg));
		arg->size = sizeof(*arg);
		arg->ns_id = ns_id;
		arg->count = cap;
		arg->entry_size = sizeof(*e);
		arg->entries = (__u64)(uintptr_t)e;
		if (opts.given & OPT_OLDER)
			arg->min_age_ns = opts.older_ns;
		if (ioctl(fd, CSD_IOC_INFLIGHT, arg)) {
			ioctl_error("CSD_IOC_INFLIGHT", NULL, errno);
			free(e);
			return -1;
		}
		if (arg->total <= arg->count || cap >= CSD_INFLIGHT_MAX)
			break;
		cap = arg->total + 64 > CSD_INFLIGHT_MAX ? CSD_INFLIGHT_MAX : arg->total + 64;
	}
	*out = e;
	return 0;
}

static void inflight_print(int fd, struct names *nm, const struct csd_inflight *arg,
			   const struct csd_inflight_entry *ents)
{
	char op[OP_LABEL_LEN], zone[16], slba[24], ctrl[16], age[32];
	__u32 i;

	if (opts.json) {
		struct json j = { .f = stdout };

		json_begin_object(&j, NULL);
		json_u64(&j, "now_ns", arg->now_ns);
		json_u64(&j, "total", arg->total);
		json_u64(&j, "skipped_queues", arg->skipped);
		json_begin_array(&j, "commands");
		for (i = 0; i < arg->count; i++) {
			const struct csd_inflight_entry *e = &ents[i];
			bool admin = e->flags & CSD_INFLIGHT_E_ADMIN;

			snprintf(ctrl, sizeof(ctrl), "nvme%u", e->ctrl);
			json_begin_object(&j, NULL);
			json_str(&j, "disk", names_get(fd, nm, e->ns_id, true));
			json_str(&j, "ctrl", ctrl);
			json_u64(&j, "qid", e->qid);
			json_u64(&j, "cid", e->cid);
			json_u64(&j, "tag", e->tag);
			json_u64(&j, "nsid", e->nsid);
			json_str(&j, "op", cmd_label(op, sizeof(op), admin, e->op, e->opcode));
			json_u64(&j, "opcode", e->opcode);
			zone_slba_json(&j, e->zone, false, e->flags & CSD_INFLIGHT_E_LBA, e->slba);
			json_u64(&j, "bytes", e->bytes);
			if (e->flags & CSD_INFLIGHT_E_NO_TIME)
				json_null(&j, "age_ns");
			else
				json_u64(&j, "age_ns", e->age_ns);
			json_u64(&j, "start_ns", e->start_ns);
			json_bool(&j, "block_layer_time", e->flags & CSD_INFLIGHT_E_BLK_TIME);
			json_bool(&j, "admin", admin);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
		json_end(&j);
		return;
	}
	printf("%-10s %-6s %4s %5s %5s %-13s %6s %12s %8s %12s\n", "DISK", "CTRL", "QID", "CID",
	       "TAG", "OP", "ZONE", "SLBA", "BYTES", "AGE(ms)");
	for (i = 0; i < arg->count; i++) {
		const struct csd_inflight_entry *e = &ents[i];
		bool admin = e->flags & CSD_INFLIGHT_E_ADMIN;

		zone_slba_text(zone, sizeof(zone), slba, sizeof(slba), e->zone, false,
			       e->flags & CSD_INFLIGHT_E_LBA, e->slba);
		if (e->flags & CSD_INFLIGHT_E_NO_TIME)
			snprintf(age, sizeof(age), "?");
		else
			snprintf(age, sizeof(age), "%.3f%s", e->age_ns / 1e6,
				 e->flags & CSD_INFLIGHT_E_BLK_TIME ? "*" : "");
		snprintf(ctrl, sizeof(ctrl), "nvme%u", e->ctrl);
		printf("%-10s %-6s %4u %5u %5u %-13s %6s %12s %8u %12s\n",
		       names_get(fd, nm, e->ns_id, true), ctrl, e->qid, e->cid, e->tag,
		       cmd_label(op, sizeof(op), admin, e->op, e->opcode), zone, slba,
		       e->bytes, age);
	}
	if (arg->total > arg->count)
		printf("(%u more not shown)\n", arg->total - arg->count);
	if (arg->skipped)
		printf("(%u queue(s) frozen or going away were skipped)\n", arg->skipped);
	for (i = 0; i < arg->count; i++) {
		if (ents[i].flags & CSD_INFLIGHT_E_BLK_TIME) {
			printf("* csd did not see the command submitted: age from the block layer\n");
			break;
		}
	}
}

int cmd_inflight(int argc, char **argv)
{
	unsigned long left = opts.given & OPT_ITERATIONS ? opts.iterations : 1;
	struct csd_inflight_entry *ents;
	struct csd_inflight arg;
	struct names nm = { 0 };
	struct csd_ns_entry ns;
	__u32 ns_id = 0;
	int fd, ret = 0;

	if (argc > 2) {
		fprintf(stderr, "%s: inflight takes at most one DISK\n", prog);
		return 2;
	}
	if ((opts.given & OPT_INTERVAL) && !(opts.given & OPT_ITERATIONS))
		left = ULONG_MAX;
	fd = argc == 2 ? csd_open_disk(argv[1], &ns) : csd_open();
	if (fd < 0)
		return 1;
	if (argc == 2)
		ns_id = ns.id;
	names_load(fd, &nm);
	catch_stop();
	while (left && !stop_requested) {
		if (inflight_fetch(fd, ns_id, &arg, &ents)) {
			ret = 1;
			break;
		}
		inflight_print(fd, &nm, &arg, ents);
		free(ents);
		fflush(stdout);
		if (--left && !sleep_secs(opts.given & OPT_INTERVAL ? opts.interval : 1))
			break;
		if (left && !opts.json)
			printf("\n");
	}
	close(fd);
	free(nm.ents);
	return ret;
}
