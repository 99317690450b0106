// SPDX-License-Identifier: GPL-2.0
/*
 * csdctl: command-line interface to csd's /dev/csd ioctls.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/csd.h>

#include "json.h"

#define CSDCTL_VERSION "0.1.0"

struct opts {
	bool json;
	const char *dev_path;
};

static struct opts opts = {
	.dev_path = CSD_DEVICE_PATH,
};

static const char *prog = "csdctl";

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTIONS] COMMAND [ARGS]\n"
"\n"
"Show what the csd kernel module sees on NVMe and zoned (ZNS) namespaces.\n"
"\n"
"Commands:\n"
"  info               module and ABI version, features, hooks, global counters\n"
"  devices [DISK]     namespaces csd tracks, with submitted/completed counts\n"
"  help               this text\n"
"\n"
"Options:\n"
"  -j, --json         print JSON instead of a table (one document per command)\n"
"  -d, --device PATH  control device (default %s)\n"
"  -h, --help         this text\n"
"  -V, --version      csdctl version\n"
"\n"
"csd must be loaded (insmod csd.ko) and /dev/csd is root-only.\n"
"Documentation: Documentation/index.rst in the csd tree.\n",
		prog, CSD_DEVICE_PATH);
}

static int csd_open(void)
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
static int csd_list_ns(int fd, struct csd_ns_entry **out)
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
};

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
	printf("nvme hooks:       %s\n", info.hook_attached == 2 ?
	       "attached" : "not attached (is nvme-core loaded?)");
	printf("namespaces:       %u\n", info.nr_namespaces);
	printf("admin commands:   %llu submitted, %llu completed\n",
	       (unsigned long long)info.admin_submitted,
	       (unsigned long long)info.admin_completed);
	if (info.untracked)
		printf("untracked I/O:    %llu (csd could not allocate namespace state)\n",
		       (unsigned long long)info.untracked);
	return 0;
}

static const char *disk_arg(const char *a)
{
	return strncmp(a, "/dev/", 5) ? a : a + 5;
}

static int cmd_devices(int argc, char **argv)
{
	struct csd_ns_entry *ents;
	const char *only = NULL;
	int fd, n, i, shown = 0;

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
	close(fd);
	if (n < 0)
		return 1;

	if (opts.json) {
		struct json j = { .f = stdout };

		json_begin_array(&j, NULL);
		for (i = 0; i < n; i++) {
			struct csd_ns_entry *e = &ents[i];

			if (only && strcmp(only, e->disk))
				continue;
			shown++;
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
			json_u64(&j, "in_flight", e->submitted - e->completed);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end(&j);
	} else {
		printf("%-4s %-12s %-8s %5s %-5s %8s %10s %6s %12s %12s %9s\n",
		       "ID", "DISK", "CTRL", "NSID", "TYPE", "LBA", "SIZE-MiB",
		       "ZONES", "SUBMITTED", "COMPLETED", "INFLIGHT");
		for (i = 0; i < n; i++) {
			struct csd_ns_entry *e = &ents[i];

			if (only && strcmp(only, e->disk))
				continue;
			shown++;
			printf("%-4u %-12s %-8s %5u %-5s %8llu %10llu %6llu %12llu %12llu %9lld%s\n",
			       e->id, e->disk, e->ctrl, e->nsid,
			       e->flags & CSD_NS_F_ZONED ? "zns" : "conv",
			       1ULL << e->lba_shift,
			       (unsigned long long)(e->capacity >> 11),
			       (unsigned long long)e->nr_zones,
			       (unsigned long long)e->submitted,
			       (unsigned long long)e->completed,
			       (long long)(e->submitted - e->completed),
			       e->flags & CSD_NS_F_DEAD ? " (removed)" : "");
		}
	}
	free(ents);
	if (only && !shown) {
		fprintf(stderr, "%s: csd has seen no I/O on %s (not an NVMe namespace, or idle since csd was loaded)\n",
			prog, only);
		return 1;
	}
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	usage(stdout);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "info", cmd_info },
	{ "devices", cmd_devices },
	{ "help", cmd_help },
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ }
	};
	unsigned int i;
	int c;

	/* Options may come before or after the command. */
	while ((c = getopt_long(argc, argv, "jd:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'd':
			opts.dev_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("csdctl %s (ABI %u)\n", CSDCTL_VERSION, CSD_ABI_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[optind], commands[i].name))
			return commands[i].fn(argc - optind, argv + optind);
	fprintf(stderr, "%s: unknown command '%s' (try --help)\n", prog, argv[optind]);
	return 2;
}
