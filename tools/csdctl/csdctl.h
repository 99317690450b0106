/* SPDX-License-Identifier: GPL-2.0 */
/* csdctl: what the command files share: options, /dev/csd, namespaces. */
#ifndef CSDCTL_H
#define CSDCTL_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>

#include <linux/csd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* exec --jobs: threads at most. */
#define CSDCTL_JOBS_MAX	64

/* Command options, as bits of struct opts.given. */
enum {
	OPT_INTERVAL	= 1 << 0,	/* -i, --interval SECONDS */
	OPT_ITERATIONS	= 1 << 1,	/* -n, --iterations N */
	OPT_CLASS	= 1 << 2,	/* --class */
	OPT_PROMETHEUS	= 1 << 3,	/* --prometheus */
	OPT_OP		= 1 << 4,	/* --op OP */
	OPT_SIZE	= 1 << 5,	/* --size CLASS */
	OPT_ZONE	= 1 << 6,	/* --zone N */
	OPT_FROM	= 1 << 7,	/* --from Z */
	OPT_TO		= 1 << 8,	/* --to Z */
	OPT_SORT	= 1 << 9,	/* --sort KEY */
	OPT_TOP		= 1 << 10,	/* --top N */
	OPT_ALL		= 1 << 11,	/* --all */
	OPT_REGION	= 1 << 12,	/* --region-size SIZE */
	OPT_ENABLE	= 1 << 13,	/* --enable */
	OPT_DISABLE	= 1 << 14,	/* --disable */
	OPT_NAME	= 1 << 15,	/* --name N */
	OPT_PROG	= 1 << 16,	/* --prog N */
	OPT_SLBA	= 1 << 17,	/* --slba LBA */
	OPT_NLB		= 1 << 18,	/* --nlb N */
	OPT_FORMAT	= 1 << 19,	/* --format F */
	OPT_ARG		= 1 << 20,	/* --arg N */
	OPT_MIN_LAT	= 1 << 21,	/* --min-lat US */
	OPT_ERRORS	= 1 << 22,	/* --errors */
	OPT_RING	= 1 << 23,	/* --ring N */
	OPT_OLDER	= 1 << 24,	/* --older-than MS */
	OPT_WRITTEN	= 1 << 25,	/* --written */
	OPT_HEALTH	= 1 << 26,	/* --health */
	OPT_BY_CGROUP	= 1 << 27,	/* --by-cgroup */
	OPT_CGROUP	= 1 << 28,	/* --cgroup PATH */
	OPT_JOBS	= 1 << 29,	/* --jobs N */
};

struct opts {
	/* Global. */
	bool json;
	const char *dev_path;
	/* Command options: valid when their OPT_* bit is in @given. */
	unsigned int given;
	double interval;		/* seconds */
	unsigned long iterations;
	const char *op;
	const char *size;
	unsigned int zone;		/* --zone N, or the first of --zone A-B */
	unsigned int zone_last;		/* --zone A-B: B; --zone N: N */
	bool zone_range;		/* --zone was A-B */
	unsigned int from;
	unsigned int to;
	const char *sort;
	unsigned int top;
	unsigned long long region_bytes;
	const char *name;
	const char *prog_name;
	unsigned long long slba;
	unsigned long long nlb;
	const char *format;
	unsigned long long arg;
	unsigned long long min_lat_ns;
	unsigned int ring;
	unsigned long long older_ns;
	const char *cgroup;
	unsigned int jobs;		/* --jobs N: exec's threads */
};

extern struct opts opts;
extern const char *prog;

/* Open /dev/csd; prints why not and returns -1. */
int csd_open(void);
/* Print "csdctl: NAME [on DISK]: strerror(errno)". */
void ioctl_error(const char *name, const char *disk, int err);
/* All namespace entries (caller frees *out); count, or -1 (printed). */
int csd_list_ns(int fd, struct csd_ns_entry **out);
/* "nvme0n1" or "/dev/nvme0n1" -> "nvme0n1". */
const char *disk_arg(const char *a);
bool ns_selected(const struct csd_ns_entry *ents, int n, int i, const char *disk);
/* The entry of DISK among @ents (a live one if there are two), or NULL. */
bool disk_matches(const char *have, const char *want);
const struct csd_ns_entry *ns_pick(const struct csd_ns_entry *ents, int n, const char *disk);
/* Look DISK up in CSD_IOC_LIST_NS: 0, or 1 (message printed). */
int csd_find_disk(int fd, const char *disk, struct csd_ns_entry *out);
/* csd_open() and csd_find_disk(): the fd, or -1 (message printed). */
int csd_open_disk(const char *disk, struct csd_ns_entry *ns);
/* Message for a DISK csd does not know. */
void no_such_disk(const char *disk);

/* prog.c */
int cmd_prog(int argc, char **argv);
int cmd_exec(int argc, char **argv);

/* calloc() that exits on failure. */
void *xcalloc(size_t n, size_t size);
/* Sleep @secs; false if interrupted by a stop request (see top). */
bool sleep_secs(double secs);
extern volatile sig_atomic_t stop_requested;

int cmd_devices(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_hist(int argc, char **argv);
int cmd_zones(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_inflight(int argc, char **argv);

#endif
