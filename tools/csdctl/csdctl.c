// SPDX-License-Identifier: GPL-2.0
/*
 * csdctl: command-line interface to csd's /dev/csd ioctls.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/csd.h>

#include "csdctl.h"
#include "fmt.h"
#include "json.h"

#define CSDCTL_VERSION "0.1.0"

struct opts opts = {
	.dev_path = CSD_DEVICE_PATH,
	.jobs = 1,
};

const char *prog = "csdctl";

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTIONS] COMMAND [ARGS]\n"
"\n"
"Show what the csd kernel module sees on NVMe and zoned (ZNS) namespaces.\n"
"DISK is a namespace's block device, e.g. nvme0n1 or /dev/nvme0n1. A multipath head (nvme1n1)\n"
"selects its paths (nvme1c0n1, nvme1c1n1): stats shows each and their sum, exec reads\n"
"through the head, trace has the commands of every path.\n"
"\n"
"Commands:\n"
"  info               module and ABI version, features, hooks, global counters\n"
"  devices [DISK]     namespaces csd tracks, with submitted/completed counts and the\n"
"                     LBA format in use; then each controller's transport, model,\n"
"                     serial and firmware (Identify, through libnvme)\n"
"      --health                the SMART / health log of each controller (temperature,\n"
"                              percentage used, spare, critical warnings, media errors,\n"
"                              error log entries, unsafe shutdowns, power-on hours)\n"
"                              beside the errors csd counted on its namespaces\n"
"  stats [DISK]       per operation and size class: count, bytes, IOPS, MB/s, latency\n"
"                     min/mean/percentiles/max; then NVMe error statuses\n"
"      -i, --interval SECONDS  IOPS and MB/s over SECONDS from now (default: since\n"
"                              counting started)\n"
"      --prometheus            Prometheus text format, with latency histograms\n"
"                              (tools/monitor/csd-textfile and its systemd timer\n"
"                              write it for node_exporter: Documentation/monitoring.rst)\n"
"      --class                 classes and drops of completion programs (BPF)\n"
"      --by-cgroup             then each namespace's commands per cgroup (v2) and\n"
"                              operation: count, bytes, mean and max latency, errors,\n"
"                              since counting started; the first 16 cgroups seen,\n"
"                              the rest as (other); commands without one (passthrough)\n"
"                              in the root's. Also in --json and --prometheus\n"
"      --cgroup PATH           as --by-cgroup, only that cgroup (a path in the cgroup2\n"
"                              mount, e.g. /system.slice/foo.service)\n"
"  hist DISK --op OP  latency histogram in power-of-two rows, with p50 and p99\n"
"      --op OP                 read, write, append, flush, write-uncor, compare,\n"
"                              write-zeroes, dsm, verify, copy, zone-close, zone-finish,\n"
"                              zone-open, zone-reset, zone-offline, zone-send-other,\n"
"                              zone-recv, other, or all\n"
"      --size CLASS            none, 4K, 16K, 64K, 256K, 1M, big, or all (default)\n"
"      --zone N                zone (region) N only; OP read, write, append or all\n"
"  zones DISK         per zone (conventional: per region): condition, write pointer,\n"
"                     zone capacity and attributes (zfc: finished by controller, fzr:\n"
"                     finish recommended, rzr: reset recommended, zdev: descriptor\n"
"                     extension valid) from the drive's zone report, the namespace's\n"
"                     open/active zone limits, reads/writes/appends with\n"
"                     mean/p99/max latency, zone actions, errors\n"
"      --from Z, --to Z        zones Z and up, up to Z (default: all)\n"
"      --sort KEY              p99, reads, writes, appends, errors, resets, capacity or\n"
"                              attrs (reset/finish recommended first), descending\n"
"      --top N                 the first N zones only (after sorting)\n"
"      --all                   also zones without any activity\n"
"  top [DISK]         IOPS, MB/s and latency per operation over each interval, refreshed\n"
"      -i, --interval SECONDS  interval (default 1)\n"
"      -n, --iterations N      stop after N intervals (default: until Ctrl-C)\n"
"  reset [DISK]       zero the statistics of DISK, or of every namespace (root)\n"
"  config DISK        show DISK's accounting settings, or change them (root)\n"
"      --region-size SIZE      region size of a conventional namespace, bytes with\n"
"                              K, M or G suffix: a power of two, at least 1M\n"
"      --enable, --disable     turn accounting of DISK on or off\n"
"  prog and exec need a kernel with csd's BPF (6.9 and later; csdctl info says) and\n"
"  a csdctl built with libbpf >= 1.4 (bookworm-backports)\n"
"  prog load FILE.bpf.o [--name N]\n"
"                     check a BPF program set with the kernel's verifier (its log on\n"
"                     failure) and remember it as N; offload programs (csd_exec_ops)\n"
"                     are registered for exec at once\n"
"  prog attach N DISK attach completion program set N to DISK\n"
"  prog detach N      detach (unregister) N\n"
"  prog list          programs: name, kind, file, attached to, runs and run time\n"
"  prog events N [-n COUNT] [--arg US]\n"
"                     print what N sends to its ring buffer (slowlog: commands\n"
"                     slower than US microseconds, default 1000)\n"
"  exec DISK --prog N (--zone Z[-Z2] [--written] | --slba S --nlb L) [--arg N]\n"
"          [--format entropy|u64|u32|hex] [--jobs N]\n"
"                     run offload program N over a zone (each zone of Z-Z2) or an LBA\n"
"                     range in the kernel; prints the decoded result and the data moved.\n"
"                     A zone is read up to its capacity (the one the kernel checked),\n"
"                     with --written only up to its write pointer (from the drive's\n"
"                     zone report); an LBA range must lie within one zone's capacity.\n"
"                     The result is shown as the program set declares it, unless\n"
"                     --format says otherwise. --jobs N runs up to N zones of a range\n"
"                     at once, one thread each (default 1); the results are printed in\n"
"                     zone order\n"
"  trace [DISK]       one line per completed command, as they complete (Ctrl-C stops):\n"
"                     time, disk, controller, queue, command id, nsid, operation, zone,\n"
"                     SLBA, bytes, latency, retries and NVMe status; dropped records\n"
"                     (a reader too slow for the ring) are counted and reported\n"
"      --op OP[,OP...]         only these operations (names as for hist)\n"
"      --zone Z[-Z2]           only zone (region) Z, or zones Z to Z2\n"
"      --min-lat US            only commands at least US microseconds slow\n"
"      --errors                only commands that failed\n"
"      --cgroup PATH           only commands of that cgroup (--json records carry\n"
"                              every command's cgroup_id)\n"
"      -n, --iterations N      stop after N commands\n"
"      --ring N                ring records per CPU, a power of two (default %u)\n"
"  inflight [DISK]    the commands in flight now, oldest first: operation, zone, SLBA,\n"
"                     bytes and age\n"
"      --older-than MS         only commands in flight for at least MS milliseconds\n"
"      -i, --interval SECONDS  list again every SECONDS (with -n: N times)\n"
"  help               this text\n"
"\n"
"Options:\n"
"  -j, --json         print JSON instead of a table (one document per command;\n"
"                     top: one per interval, one per line)\n"
"  -d, --device PATH  control device (default %s)\n"
"  -h, --help         this text\n"
"  -V, --version      csdctl version\n"
"\n"
"Options may come before or after the command.\n"
"csd must be loaded (insmod csd.ko) and /dev/csd is root-only.\n"
"Documentation: Documentation/csdctl.rst in the csd tree.\n",
		prog, CSD_TRACE_RING_DEFAULT, CSD_DEVICE_PATH);
}

int csd_open(void)
{
	int fd = open(opts.dev_path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		fprintf(stderr, "%s: %s does not exist: is the csd module loaded? (insmod csd.ko)\n",
			prog, opts.dev_path);
	else if (errno == EACCES || errno == EPERM)
		fprintf(stderr, "%s: %s: permission denied: csd is root-only, run as root\n",
			prog, opts.dev_path);
	else
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, opts.dev_path,
			strerror(errno));
	return -1;
}

void ioctl_error(const char *name, const char *disk, int err)
{
	fprintf(stderr, "%s: %s", prog, name);
	if (disk)
		fprintf(stderr, " (%s)", disk);
	fprintf(stderr, ": %s", strerror(err));
	if (err == ENOTTY)
		fprintf(stderr, " (the loaded csd module does not know this ioctl: is it older than csdctl?)");
	fputc('\n', stderr);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(1);
	}
	return p;
}

volatile sig_atomic_t stop_requested;

bool sleep_secs(double secs)
{
	struct timespec ts = {
		.tv_sec = (time_t)secs,
		.tv_nsec = (long)((secs - (time_t)secs) * 1e9),
	};

	while (nanosleep(&ts, &ts)) {
		if (errno != EINTR || stop_requested)
			return false;
	}
	return !stop_requested;
}

static int csd_get_info(int fd, struct csd_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	if (ioctl(fd, CSD_IOC_GET_INFO, info)) {
		fprintf(stderr, "%s: CSD_IOC_GET_INFO: %s\n", prog, strerror(errno));
		return -1;
	}
	return 0;
}

/* Fetch all namespace entries; caller frees *out. Returns count or -1. */
int csd_list_ns(int fd, struct csd_ns_entry **out)
{
	struct csd_ns_list arg;
	struct csd_ns_entry *ents = NULL;
	__u32 cap = 16;

	for (;;) {
		free(ents);
		ents = calloc(cap, sizeof(*ents));
		if (!ents) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return -1;
		}
		memset(&arg, 0, sizeof(arg));
		arg.size = sizeof(arg);
		arg.count = cap;
		arg.entry_size = sizeof(*ents);
		arg.entries = (__u64)(uintptr_t)ents;
		if (ioctl(fd, CSD_IOC_LIST_NS, &arg)) {
			fprintf(stderr, "%s: CSD_IOC_LIST_NS: %s\n", prog,
				strerror(errno));
			free(ents);
			return -1;
		}
		if (arg.total <= arg.count)
			break;
		cap = arg.total + 16;
	}
	*out = ents;
	return arg.count;
}

static const struct {
	__u64 bit;
	const char *name;
} features[] = {
	{ CSD_FEAT_NVME_HOOKS, "nvme-hooks" },
	{ CSD_FEAT_ZONED, "zoned" },
	{ CSD_FEAT_MODULE_BTF, "module-btf" },
	{ CSD_FEAT_BPF, "bpf" },
	{ CSD_FEAT_NS_DIAG, "ns-diag" },
	{ CSD_FEAT_NS_REQUEUED, "ns-requeued" },
	{ CSD_FEAT_EXEC_FORMAT, "exec-format" },
	{ CSD_FEAT_CGROUP, "cgroup" },
};

#define ATTACH_PARAM	"/sys/module/csd/parameters/attach"

/* csd was detached with its attach parameter (N). */
static bool attach_param_off(void)
{
	char c = 0;
	FILE *f = fopen(ATTACH_PARAM, "re");

	if (f) {
		c = (char)fgetc(f);
		fclose(f);
	}
	return c == 'N';
}

static int cmd_info(int argc, char **argv)
{
	struct csd_info info;
	unsigned int i;
	int fd;

	if (argc > 1) {
		fprintf(stderr, "%s: info takes no arguments\n", prog);
		return 2;
	}
	fd = csd_open();
	if (fd < 0)
		return 1;
	if (csd_get_info(fd, &info)) {
		close(fd);
		return 1;
	}
	close(fd);

	if (opts.json) {
		struct json j = { .f = stdout };

		json_begin_object(&j, NULL);
		json_str(&j, "module_version", info.module_version);
		json_u64(&j, "abi_version", info.abi_version);
		json_str(&j, "kernel_release", info.kernel_release);
		json_begin_array(&j, "features");
		for (i = 0; i < sizeof(features) / sizeof(features[0]); i++)
			if (info.features & features[i].bit)
				json_str(&j, NULL, features[i].name);
		json_end_array(&j);
		json_u64(&j, "hooks_attached", info.hook_attached);
		json_u64(&j, "namespaces", info.nr_namespaces);
		json_u64(&j, "admin_submitted", info.admin_submitted);
		json_u64(&j, "admin_completed", info.admin_completed);
		json_u64(&j, "untracked", info.untracked);
		json_u64(&j, "mem_bytes", info.mem_bytes);
		json_u64(&j, "nr_cpus", info.nr_cpus);
		json_end_object(&j);
		json_end(&j);
		return 0;
	}

	printf("module version:   %s\n", info.module_version);
	printf("ABI version:      %u (csdctl built for %u)\n", info.abi_version,
	       CSD_ABI_VERSION);
	printf("kernel:           %s\n", info.kernel_release);
	printf("features:        ");
	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (info.features & features[i].bit)
			printf(" %s", features[i].name);
	printf("\n");
	if (info.features & CSD_FEAT_BPF_COMPILED_OUT)
		printf("bpf:              compiled out: kernel %s cannot register struct_ops\n"
		       "                  from a module (6.9+ with BPF_SYSCALL); accounting, trace\n"
		       "                  and in-flight work\n",
		       info.kernel_release);
	else if (!(info.features & CSD_FEAT_BPF))
		printf("bpf:              unavailable: csd.ko has no BPF programs (kernel older than 6.9,\n"
		       "                  no module BTF, or registration failed: see dmesg)\n");
	printf("nvme hooks:       %s\n", info.hook_attached == 2 ? "attached" :
	       attach_param_off() ? "detached (attach=N; echo Y > " ATTACH_PARAM ")" :
	       "not attached (is nvme-core loaded?)");
	printf("namespaces:       %u\n", info.nr_namespaces);
	printf("admin commands:   %llu submitted, %llu completed\n",
	       (unsigned long long)info.admin_submitted,
	       (unsigned long long)info.admin_completed);
	if (info.untracked)
		printf("untracked I/O:    %llu (csd could not allocate namespace state)\n",
		       (unsigned long long)info.untracked);
	{
		char b[32];

		printf("memory:           %s (%llu bytes; per-CPU parts x %u CPUs)\n",
		       fmt_bytes(b, info.mem_bytes), (unsigned long long)info.mem_bytes,
		       info.nr_cpus);
	}
	return 0;
}

const char *disk_arg(const char *a)
{
	return strncmp(a, "/dev/", 5) ? a : a + 5;
}

void no_such_disk(const char *disk)
{
	fprintf(stderr, "%s: csd does not track %s: not an NVMe namespace, or csd is not attached to nvme-core (csdctl devices lists what it tracks)\n",
		prog, disk);
}

/*
 * Does csd's disk @have answer to the name @want? With NVMe multipath, I/O
 * runs on hidden path disks (nvme1c1n1) under a head disk (nvme1n1): the
 * head's name selects its paths.
 */
bool disk_matches(const char *have, const char *want)
{
	unsigned int s1, c, n1, s2, n2;
	char t1, t2;

	if (!strcmp(have, want))
		return true;
	return sscanf(have, "nvme%uc%un%u%c", &s1, &c, &n1, &t1) == 3 &&
	       sscanf(want, "nvme%un%u%c", &s2, &n2, &t2) == 2 &&
	       s1 == s2 && n1 == n2;
}

/*
 * Is entry @i one that DISK selects for a view of every path? The entry of
 * that name; or, for a multipath head's name (no entry of its own), each
 * of its paths (a removed one only if it is all there is).
 */
bool ns_selected(const struct csd_ns_entry *ents, int n, int i, const char *disk)
{
	int k;

	disk = disk_arg(disk);
	if (ents[i].flags & CSD_NS_F_ADMIN)
		return &ents[i] == ns_pick(ents, n, disk);
	for (k = 0; k < n; k++)
		if (!(ents[k].flags & CSD_NS_F_ADMIN) && !strcmp(ents[k].disk, disk))
			return &ents[i] == ns_pick(ents, n, disk);
	if (!disk_matches(ents[i].disk, disk))
		return false;
	return !(ents[i].flags & CSD_NS_F_DEAD) || &ents[i] == ns_pick(ents, n, disk);
}

const struct csd_ns_entry *ns_pick(const struct csd_ns_entry *ents, int n, const char *disk)
{
	const struct csd_ns_entry *found = NULL;
	int i;

	disk = disk_arg(disk);
	for (i = 0; i < n; i++) {
		if (ents[i].flags & CSD_NS_F_ADMIN ? strcmp(ents[i].ctrl, disk) :
		    !disk_matches(ents[i].disk, disk))
			continue;
		/* A removed disk and its successor can share a name. */
		if (!found || !(ents[i].flags & CSD_NS_F_DEAD))
			found = &ents[i];
	}
	return found;
}

int csd_find_disk(int fd, const char *disk, struct csd_ns_entry *out)
{
	const struct csd_ns_entry *e;
	struct csd_ns_entry *ents;
	int n;

	n = csd_list_ns(fd, &ents);
	if (n < 0)
		return 1;
	e = ns_pick(ents, n, disk);
	if (e)
		*out = *e;
	else
		no_such_disk(disk_arg(disk));
	free(ents);
	return e ? 0 : 1;
}

/* Open /dev/csd and look DISK up: the fd, or -1 (message printed). */
int csd_open_disk(const char *disk, struct csd_ns_entry *ns)
{
	int fd = csd_open();

	if (fd >= 0 && csd_find_disk(fd, disk, ns)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int cmd_help(int argc, char **argv)
{
	usage(stdout);
	return 0;
}

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	unsigned int opts;	/* OPT_* the command takes */
} commands[] = {
	{ "info", cmd_info, 0 },
	{ "devices", cmd_devices, OPT_HEALTH },
	{ "stats", cmd_stats, OPT_INTERVAL | OPT_CLASS | OPT_PROMETHEUS | OPT_BY_CGROUP |
			      OPT_CGROUP },
	{ "hist", cmd_hist, OPT_OP | OPT_SIZE | OPT_ZONE },
	{ "zones", cmd_zones, OPT_FROM | OPT_TO | OPT_SORT | OPT_TOP | OPT_ALL },
	{ "top", cmd_top, OPT_INTERVAL | OPT_ITERATIONS },
	{ "reset", cmd_reset, 0 },
	{ "config", cmd_config, OPT_REGION | OPT_ENABLE | OPT_DISABLE },
	{ "prog", cmd_prog, OPT_NAME | OPT_ARG | OPT_ITERATIONS },
	{ "exec", cmd_exec, OPT_PROG | OPT_ZONE | OPT_SLBA | OPT_NLB | OPT_FORMAT | OPT_ARG |
			    OPT_WRITTEN | OPT_JOBS },
	{ "trace", cmd_trace, OPT_OP | OPT_ZONE | OPT_MIN_LAT | OPT_ERRORS | OPT_ITERATIONS |
			      OPT_RING | OPT_CGROUP },
	{ "inflight", cmd_inflight, OPT_OLDER | OPT_INTERVAL | OPT_ITERATIONS },
	{ "help", cmd_help, 0 },
};

/* Long options without a short one: 256 + the index of their OPT_* bit. */
#define LONG_ONLY(bit)	(256 + __builtin_ctz(bit))

static const struct option longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "device", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "interval", required_argument, NULL, 'i' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "class", no_argument, NULL, LONG_ONLY(OPT_CLASS) },
	{ "prometheus", no_argument, NULL, LONG_ONLY(OPT_PROMETHEUS) },
	{ "op", required_argument, NULL, LONG_ONLY(OPT_OP) },
	{ "size", required_argument, NULL, LONG_ONLY(OPT_SIZE) },
	{ "zone", required_argument, NULL, LONG_ONLY(OPT_ZONE) },
	{ "from", required_argument, NULL, LONG_ONLY(OPT_FROM) },
	{ "to", required_argument, NULL, LONG_ONLY(OPT_TO) },
	{ "sort", required_argument, NULL, LONG_ONLY(OPT_SORT) },
	{ "top", required_argument, NULL, LONG_ONLY(OPT_TOP) },
	{ "all", no_argument, NULL, LONG_ONLY(OPT_ALL) },
	{ "region-size", required_argument, NULL, LONG_ONLY(OPT_REGION) },
	{ "enable", no_argument, NULL, LONG_ONLY(OPT_ENABLE) },
	{ "disable", no_argument, NULL, LONG_ONLY(OPT_DISABLE) },
	{ "name", required_argument, NULL, LONG_ONLY(OPT_NAME) },
	{ "prog", required_argument, NULL, LONG_ONLY(OPT_PROG) },
	{ "slba", required_argument, NULL, LONG_ONLY(OPT_SLBA) },
	{ "nlb", required_argument, NULL, LONG_ONLY(OPT_NLB) },
	{ "format", required_argument, NULL, LONG_ONLY(OPT_FORMAT) },
	{ "arg", required_argument, NULL, LONG_ONLY(OPT_ARG) },
	{ "min-lat", required_argument, NULL, LONG_ONLY(OPT_MIN_LAT) },
	{ "errors", no_argument, NULL, LONG_ONLY(OPT_ERRORS) },
	{ "ring", required_argument, NULL, LONG_ONLY(OPT_RING) },
	{ "older-than", required_argument, NULL, LONG_ONLY(OPT_OLDER) },
	{ "written", no_argument, NULL, LONG_ONLY(OPT_WRITTEN) },
	{ "health", no_argument, NULL, LONG_ONLY(OPT_HEALTH) },
	{ "by-cgroup", no_argument, NULL, LONG_ONLY(OPT_BY_CGROUP) },
	{ "cgroup", required_argument, NULL, LONG_ONLY(OPT_CGROUP) },
	{ "jobs", required_argument, NULL, LONG_ONLY(OPT_JOBS) },
	{ }
};

/* "--interval" for OPT_INTERVAL, from longopts[]. */
static const char *opt_name(unsigned int bit)
{
	static char buf[32];
	unsigned int i;

	for (i = 0; longopts[i].name; i++) {
		int v = longopts[i].val;

		if (v == LONG_ONLY(bit) || (v == 'i' && bit == OPT_INTERVAL) ||
		    (v == 'n' && bit == OPT_ITERATIONS)) {
			snprintf(buf, sizeof(buf), "--%s", longopts[i].name);
			return buf;
		}
	}
	return "?";
}

static bool parse_ull(const char *opt, const char *s, unsigned long long max,
		      unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || *out > max) {
		fprintf(stderr, "%s: %s: '%s' is not a number from 0 to %llu\n", prog, opt, s, max);
		return false;
	}
	return true;
}

static bool parse_uint(const char *opt, const char *s, unsigned int *out)
{
	unsigned long long v;

	if (!parse_ull(opt, s, UINT32_MAX, &v))
		return false;
	*out = v;
	return true;
}

static bool parse_interval(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(*out) || *out < 0.01 || *out > 86400) {
		fprintf(stderr, "%s: --interval: '%s' is not a number of seconds from 0.01 to 86400\n",
			prog, s);
		return false;
	}
	return true;
}

/* A non-negative time in @unit_ns units (fractions allowed), as ns. */
static bool parse_time(const char *opt, const char *s, double unit_ns,
		       unsigned long long *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v * unit_ns > 1e18) {
		fprintf(stderr, "%s: %s: '%s' is not a non-negative number\n", prog, opt, s);
		return false;
	}
	*out = (unsigned long long)(v * unit_ns + 0.5);
	return true;
}

/* --zone N or --zone A-B (a range only where the command takes one). */
static bool parse_zone(const char *s)
{
	const char *dash = strchr(s, '-');
	char first[32];

	if (!dash) {
		if (!parse_uint("--zone", s, &opts.zone))
			return false;
		opts.zone_last = opts.zone;
		return true;
	}
	if ((size_t)(dash - s) >= sizeof(first)) {
		fprintf(stderr, "%s: --zone: '%s' is not a zone or a range Z-Z2\n", prog, s);
		return false;
	}
	memcpy(first, s, dash - s);
	first[dash - s] = 0;
	if (!parse_uint("--zone", first, &opts.zone) ||
	    !parse_uint("--zone", dash + 1, &opts.zone_last))
		return false;
	if (opts.zone_last < opts.zone) {
		fprintf(stderr, "%s: --zone: range '%s' ends before it starts\n", prog, s);
		return false;
	}
	opts.zone_range = true;
	return true;
}

/* Bytes, with an optional K, M or G (binary) suffix, optionally "iB" or "B". */
static bool parse_size(const char *s, unsigned long long *out)
{
	unsigned long long v, mult = 1;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!errno && end != s && *s != '-') {
		switch (*end) {
		case 'k': case 'K': mult = 1ULL << 10; end++; break;
		case 'm': case 'M': mult = 1ULL << 20; end++; break;
		case 'g': case 'G': mult = 1ULL << 30; end++; break;
		}
		if (mult > 1 && (!strcmp(end, "iB") || !strcmp(end, "B")))
			end += strlen(end);
		if (!*end && v <= UINT64_MAX / mult) {
			*out = v * mult;
			return true;
		}
	}
	fprintf(stderr, "%s: --region-size: '%s' is not a size in bytes (suffixes K, M, G)\n",
		prog, s);
	return false;
}

/* One option of getopt_long(): false on a usage error. */
static bool parse_opt(int c)
{
	unsigned long long v;

	switch (c) {
	case 'j':
		opts.json = true;
		return true;
	case 'd':
		opts.dev_path = optarg;
		return true;
	case 'i':
		opts.given |= OPT_INTERVAL;
		return parse_interval(optarg, &opts.interval);
	case 'n':
		opts.given |= OPT_ITERATIONS;
		if (!parse_ull("--iterations", optarg, ULONG_MAX, &v))
			return false;
		opts.iterations = v;
		return true;
	}
	if (c < 256 || c >= 256 + 32)
		return false;
	opts.given |= 1u << (c - 256);
	switch (1u << (c - 256)) {
	case OPT_OP:
		opts.op = optarg;
		break;
	case OPT_SIZE:
		opts.size = optarg;
		break;
	case OPT_ZONE:
		return parse_zone(optarg);
	case OPT_FROM:
		return parse_uint("--from", optarg, &opts.from);
	case OPT_TO:
		return parse_uint("--to", optarg, &opts.to);
	case OPT_SORT:
		opts.sort = optarg;
		break;
	case OPT_TOP:
		return parse_uint("--top", optarg, &opts.top);
	case OPT_REGION:
		return parse_size(optarg, &opts.region_bytes);
	case OPT_NAME:
		opts.name = optarg;
		break;
	case OPT_PROG:
		opts.prog_name = optarg;
		break;
	case OPT_SLBA:
		return parse_ull("--slba", optarg, UINT64_MAX, &opts.slba);
	case OPT_NLB:
		return parse_ull("--nlb", optarg, UINT64_MAX, &opts.nlb);
	case OPT_FORMAT:
		opts.format = optarg;
		break;
	case OPT_ARG:
		return parse_ull("--arg", optarg, UINT64_MAX, &opts.arg);
	case OPT_MIN_LAT:
		return parse_time("--min-lat", optarg, 1e3, &opts.min_lat_ns);
	case OPT_RING:
		return parse_uint("--ring", optarg, &opts.ring);
	case OPT_OLDER:
		return parse_time("--older-than", optarg, 1e6, &opts.older_ns);
	case OPT_CGROUP:
		opts.cgroup = optarg;
		break;
	case OPT_JOBS:
		if (!parse_uint("--jobs", optarg, &opts.jobs))
			return false;
		if (opts.jobs < 1 || opts.jobs > CSDCTL_JOBS_MAX) {
			fprintf(stderr, "%s: --jobs: %u is not from 1 to %u\n", prog, opts.jobs,
				CSDCTL_JOBS_MAX);
			return false;
		}
		break;
	}
	return true;
}

int main(int argc, char **argv)
{
	const struct command *cmd = NULL;
	unsigned int i, extra;
	int c;

	/* Options may come before or after the command. */
	while ((c = getopt_long(argc, argv, "jd:hVi:n:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("csdctl %s (ABI %u)\n", CSDCTL_VERSION, CSD_ABI_VERSION);
			return 0;
		default:
			if (!parse_opt(c)) {
				if (c == '?')
					usage(stderr);
				return 2;
			}
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[optind], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "%s: unknown command '%s' (try --help)\n", prog, argv[optind]);
		return 2;
	}
	extra = opts.given & ~cmd->opts;
	if (extra) {
		fprintf(stderr, "%s: %s does not take %s (try --help)\n", prog, cmd->name,
			opt_name(extra & -extra));
		return 2;
	}
	if (opts.zone_range && strcmp(cmd->name, "trace") && strcmp(cmd->name, "exec")) {
		fprintf(stderr, "%s: %s takes one --zone, not a range\n", prog, cmd->name);
		return 2;
	}
	return cmd->fn(argc - optind, argv + optind);
}
