// SPDX-License-Identifier: GPL-2.0
/*
 * zappend: a zone append load for make bench, because fio 3.33 cannot
 * issue zone appends. It sends NVMe Zone Append commands (opcode 0x7d)
 * through the namespace's passthrough ioctl, one at a time, round-robin
 * over a range of zones, and resets a zone (Zone Management Send, reset)
 * when it is full. Runs for a fixed time and prints what it did:
 *
 *   zappend DISK --zones FIRST-LAST [--bs BYTES] [--time SECONDS]
 *   zappend: 1234 appends (4.82 MiB), 3 zone resets in 5.00 s
 *
 * The zones are reset at the start. DISK is a zoned NVMe namespace
 * (/dev/nvmeXnY); its zones must be free of other writers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>
#include <sys/ioctl.h>

#define OP_ZONE_MGMT_SEND	0x79
#define OP_ZONE_APPEND		0x7d
#define ZSA_RESET		0x04
#define SC_ZONE_IS_FULL		0x1b9	/* SCT 1, SC 0xb9 */
#define SC_ZONE_BOUNDARY	0x1b8

static const char *prog = "zappend";

static void usage(void)
{
	fprintf(stderr, "usage: %s DISK --zones FIRST-LAST [--bs BYTES] [--time SECONDS]\n", prog);
	exit(2);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int zone_reset(int fd, unsigned int nsid, uint64_t zslba)
{
	struct nvme_passthru_cmd64 c = {
		.opcode = OP_ZONE_MGMT_SEND,
		.nsid = nsid,
		.cdw10 = (uint32_t)zslba,
		.cdw11 = (uint32_t)(zslba >> 32),
		.cdw13 = ZSA_RESET,
	};

	return ioctl(fd, NVME_IOCTL_IO64_CMD, &c);
}

static int zone_append(int fd, unsigned int nsid, uint64_t zslba, void *buf,
		       uint32_t len, uint32_t nlb)
{
	struct nvme_passthru_cmd64 c = {
		.opcode = OP_ZONE_APPEND,
		.nsid = nsid,
		.addr = (uint64_t)(uintptr_t)buf,
		.data_len = len,
		.cdw10 = (uint32_t)zslba,
		.cdw11 = (uint32_t)(zslba >> 32),
		.cdw12 = nlb - 1,
	};

	return ioctl(fd, NVME_IOCTL_IO64_CMD, &c);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "zones", required_argument, NULL, 'z' },
		{ "bs", required_argument, NULL, 'b' },
		{ "time", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	unsigned int first = 0, last = 0, z, bs = 4096, have_zones = 0;
	unsigned long long appends = 0, resets = 0;
	unsigned long long zsectors = 0;
	double secs = 5, t0, t;
	char path[256], *p;
	uint64_t zlbas;
	int c, fd, lbs, nsid, ret;
	void *buf;
	FILE *f;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'z':
			if (sscanf(optarg, "%u-%u", &first, &last) != 2 || last < first)
				usage();
			have_zones = 1;
			break;
		case 'b': bs = strtoul(optarg, NULL, 0); break;
		case 't': secs = strtod(optarg, NULL); break;
		default: usage();
		}
	}
	if (optind != argc - 1 || !have_zones || !bs || bs % 512)
		usage();

	fd = open(argv[optind], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, argv[optind], strerror(errno));
		return 1;
	}
	nsid = ioctl(fd, NVME_IOCTL_ID);
	if (nsid <= 0 || ioctl(fd, BLKSSZGET, &lbs)) {
		fprintf(stderr, "%s: %s: not an NVMe namespace\n", prog, argv[optind]);
		return 1;
	}
	p = strrchr(argv[optind], '/');
	snprintf(path, sizeof(path), "/sys/block/%s/queue/chunk_sectors", p ? p + 1 : argv[optind]);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu", &zsectors) != 1 || !zsectors) {
		fprintf(stderr, "%s: %s: not zoned\n", prog, argv[optind]);
		return 1;
	}
	fclose(f);
	if (bs % lbs) {
		fprintf(stderr, "%s: --bs must be a multiple of the block size %d\n", prog, lbs);
		return 2;
	}
	zlbas = zsectors * 512 / lbs;
	if (posix_memalign(&buf, 4096, bs))
		return 1;
	memset(buf, 0xa5, bs);

	for (z = first; z <= last; z++) {
		if (zone_reset(fd, nsid, z * zlbas)) {
			fprintf(stderr, "%s: zone reset %u: %s\n", prog, z, strerror(errno));
			return 1;
		}
	}
	t0 = now();
	z = first;
	do {
		ret = zone_append(fd, nsid, z * zlbas, buf, bs, bs / lbs);
		if (ret > 0)
			ret &= 0x7ff;	/* without the DNR and More bits */
		if (ret == SC_ZONE_IS_FULL || ret == SC_ZONE_BOUNDARY) {
			if (zone_reset(fd, nsid, z * zlbas)) {
				fprintf(stderr, "%s: zone reset %u: %s\n", prog, z, strerror(errno));
				return 1;
			}
			resets++;
		} else if (ret) {
			fprintf(stderr, "%s: zone append to zone %u: %s\n", prog, z,
				ret < 0 ? strerror(errno) : "NVMe error");
			if (ret > 0)
				fprintf(stderr, "%s: NVMe status 0x%x\n", prog, ret);
			return 1;
		} else {
			appends++;
		}
		z = z == last ? first : z + 1;
		t = now();
	} while (t - t0 < secs);
	printf("zappend: %llu appends (%.2f MiB), %llu zone resets in %.2f s\n",
	       appends, appends * (double)bs / (1 << 20), resets, t - t0);
	return 0;
}
