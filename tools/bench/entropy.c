// SPDX-License-Identifier: GPL-2.0
/*
 * entropy: the userspace twin of csd's entropy offload program
 * (tools/bpf/entropy.bpf.c, run by `csdctl exec DISK --prog entropy`).
 * It reads the same zone or LBA range of a block device with O_DIRECT,
 * builds the same 256-bin byte histogram and prints the same first line
 * as csdctl exec, so that make bench can compare results, throughput and
 * CPU time:
 *
 *   entropy DISK (--zone Z [--count N] | --slba S --nlb L) [--bs BYTES]
 *           [--csd NS_ID] [--json]
 *
 *   entropy: 7.6090 bits per byte over 4194304 bytes
 *   scanned 4194304 bytes in 8 reads of 524288, returned 4194304 (100.0000%); 12.3 ms
 *
 * A zone is the whole zone size (as csd scans it); --count N does zones
 * Z..Z+N-1, one result per zone (as N runs of csdctl exec would).
 * --slba/--nlb count logical blocks. --bs is the read size (default
 * 512 KiB, the size of csd's own reads).
 *
 * --csd NS_ID asks csd instead (CSD_IOC_EXEC with the offload program
 * set "entropy", which csdctl prog load registered; NS_ID is csd's
 * namespace id, csdctl devices' ID): the same computation in the kernel,
 * from the same process, without csdctl's start-up.
 *
 * --read-only reads the same way and counts nothing (its entropy line
 * says 0): the time of the reads alone, the bound an offload that
 * overlaps reading with computing can reach.
 *
 * --jobs N runs up to N ranges at once, one thread each (as csdctl exec
 * --jobs does); the results are printed in range order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/csd.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static const char *prog = "entropy";
static int read_only;

static void usage(void)
{
	fprintf(stderr, "usage: %s DISK (--zone Z [--count N] | --slba S --nlb L) [--bs BYTES] [--csd NS_ID | --read-only] [--jobs N] [--json]\n",
		prog);
	exit(2);
}

/* Shannon entropy in bits per byte: the same computation as csdctl's. */
static double entropy(const uint32_t *bins, uint64_t *total)
{
	double h = 0;
	int i;

	*total = 0;
	for (i = 0; i < 256; i++)
		*total += bins[i];
	for (i = 0; i < 256; i++) {
		double p = *total ? (double)bins[i] / *total : 0;

		if (p > 0)
			h -= p * log2(p);
	}
	return h;
}

/* The zone size of a zoned block device in bytes, 0 if it is not zoned. */
static uint64_t zone_bytes(int fd)
{
	char path[128], buf[64];
	struct stat st;
	FILE *f;
	unsigned long long sectors = 0;

	if (fstat(fd, &st) || !S_ISBLK(st.st_mode))
		return 0;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/zoned",
		 major(st.st_rdev), minor(st.st_rdev));
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f) || !strncmp(buf, "none", 4)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/chunk_sectors",
		 major(st.st_rdev), minor(st.st_rdev));
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &sectors) != 1)
		sectors = 0;
	fclose(f);
	return sectors * 512;
}

static unsigned long long number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		usage();
	return v;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * The byte histogram of @n bytes at @buf, as csd's entropy program counts
 * them: a word at a time (one load for eight bytes), then the tail. The
 * program sums each bin's address as an integer, for clang's BPF backend
 * (7 instructions a byte against 8); gcc does better here with plain
 * indexes (29 x86 instructions per word against 34 with the program's
 * form), so the twin keeps them: its fastest form.
 *
 * Alone at the start of a page: under QEMU's TCG, a jump to another guest
 * page is not chained to its target, so a loop that straddles a page
 * boundary runs much slower (1.75x, when an unrelated change moved this
 * loop across one). Aligned, the twin's speed does not depend on where
 * the linker happens to put it.
 */
__attribute__((noinline, noclone, aligned(4096)))
static void count_bytes(const unsigned char *buf, size_t n, uint32_t *bins)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t v;

		memcpy(&v, buf + i, 8);
		bins[v & 0xff]++;
		bins[(v >> 8) & 0xff]++;
		bins[(v >> 16) & 0xff]++;
		bins[(v >> 24) & 0xff]++;
		bins[(v >> 32) & 0xff]++;
		bins[(v >> 40) & 0xff]++;
		bins[(v >> 48) & 0xff]++;
		bins[v >> 56]++;
	}
	for (; i < n; i++)
		bins[buf[i]]++;
}

/*
 * One range's result. Its line is formatted when it is printed, after
 * the ranges' time was taken: formatting is the tool's, not the ranges'.
 */
struct range_res {
	uint32_t bins[256];
	uint64_t returned;
	uint64_t scanned;
	uint64_t pieces;	/* reads, or csd's chunks */
	uint64_t prog_ns, io_ns;	/* csd's */
	double ms;
	int failed;
};

/* One range, read here: the histogram, and the numbers for its line. */
static int range_user(int fd, const char *disk, uint64_t start, uint64_t len,
		      unsigned long long bs, unsigned char *buf, struct range_res *x)
{
	uint64_t done = 0, reads = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (done < len) {
		size_t want = len - done < bs ? len - done : bs;
		ssize_t n = pread(fd, buf, want, start + done);

		if (n <= 0) {
			fprintf(stderr, "%s: %s: read at %llu: %s\n", prog, disk,
				(unsigned long long)(start + done), n ? strerror(errno) : "end of device");
			return -1;
		}
		if (!read_only)
			count_bytes(buf, n, x->bins);
		done += n;
		reads++;
	}
	x->ms = ms_since(&t0);
	x->returned = done;
	x->scanned = done;
	x->pieces = reads;
	return 0;
}

/* One range, by csd's offload program "entropy" (CSD_IOC_EXEC). */
static int range_csd(int csd, const char *disk, unsigned int ns_id, int zoned,
		     uint64_t zone, uint64_t slba, uint64_t nlb, struct range_res *x)
{
	struct csd_exec e;
	struct timespec t0;

	memset(&e, 0, sizeof(e));
	e.size = sizeof(e);
	e.ns_id = ns_id;
	if (zoned) {
		e.flags = CSD_EXEC_F_ZONE;
		e.zone = zone;
	} else {
		e.slba = slba;
		e.nlb = nlb;
	}
	snprintf(e.prog, sizeof(e.prog), "entropy");
	e.result = (uint64_t)(uintptr_t)x->bins;
	e.result_len = sizeof(x->bins);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (ioctl(csd, CSD_IOC_EXEC, &e)) {
		fprintf(stderr, "%s: %s: CSD_IOC_EXEC: %s%s\n", prog, disk, strerror(errno),
			errno == ENOENT ? " (csdctl prog load entropy.bpf.o first)" : "");
		return -1;
	}
	x->ms = ms_since(&t0);
	if (e.result_len != sizeof(x->bins)) {
		fprintf(stderr, "%s: the offload program returned %u bytes, not a histogram\n",
			prog, e.result_len);
		return -1;
	}
	x->returned = e.result_len;
	x->scanned = e.bytes_scanned;
	x->pieces = e.chunks;
	x->prog_ns = e.prog_ns;
	x->io_ns = e.io_ns;
	return 0;
}

/* The ranges, run by one thread or by --jobs threads at once. */
static struct {
	const char *disk;
	int fd, csd, zoned, use_csd;
	unsigned long long zone, slba, nlb, bs, ns_id, count;
	uint64_t zb;
	int lbs;
	struct range_res *res;
	unsigned long long next;	/* the next range to take (atomic) */
	int failed;			/* one failed: take no more (atomic) */
} job;

static void *range_worker(void *arg)
{
	unsigned char *buf = NULL;

	if (!job.use_csd && posix_memalign((void **)&buf, 4096, job.bs)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		__atomic_store_n(&job.failed, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	for (;;) {
		unsigned long long r;
		struct range_res *x;
		uint64_t start, len;

		/* Failed first, then take: every range taken runs. */
		if (__atomic_load_n(&job.failed, __ATOMIC_ACQUIRE))
			break;
		r = __atomic_fetch_add(&job.next, 1, __ATOMIC_RELAXED);
		if (r >= job.count)
			break;
		x = &job.res[r];
		start = job.zoned ? (job.zone + r) * job.zb : job.slba * job.lbs;
		len = job.zoned ? job.zb : job.nlb * job.lbs;
		if (job.use_csd ? range_csd(job.csd, job.disk, job.ns_id, job.zoned, job.zone + r,
					    job.slba, job.nlb, x) :
				  range_user(job.fd, job.disk, start, len, job.bs, buf, x)) {
			x->failed = 1;
			__atomic_store_n(&job.failed, 1, __ATOMIC_RELEASE);
		}
	}
	free(buf);
	return NULL;
}

/* @x's line: the data moved and the time (and csd's own times). */
static void print_line(const struct range_res *x)
{
	if (job.use_csd)
		printf("scanned %llu bytes in %llu chunks, returned %llu (%.4f%%); program %.3f ms, reading %.3f ms, %.3f ms\n",
		       (unsigned long long)x->scanned, (unsigned long long)x->pieces,
		       (unsigned long long)x->returned,
		       x->scanned ? 100.0 * x->returned / x->scanned : 0,
		       x->prog_ns / 1e6, x->io_ns / 1e6, x->ms);
	else
		printf("scanned %llu bytes in %llu reads of %llu, returned %llu (100.0000%%); %.3f ms\n",
		       (unsigned long long)x->scanned, (unsigned long long)x->pieces, job.bs,
		       (unsigned long long)x->returned, x->ms);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "zone", required_argument, NULL, 'z' },
		{ "count", required_argument, NULL, 'c' },
		{ "slba", required_argument, NULL, 's' },
		{ "nlb", required_argument, NULL, 'n' },
		{ "bs", required_argument, NULL, 'b' },
		{ "csd", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	unsigned long long jobs = 1;
	int have_slba = 0, have_nlb = 0, have_count = 0, json = 0;
	uint64_t r, total, all_scanned = 0, all_returned = 0;
	pthread_t tid[64];
	unsigned int started = 0, t;
	struct timespec t0;
	const char *disk;
	int c;
	double h, all_ms;

	/* The options go straight into the job the threads share. */
	job.count = 1;
	job.bs = 512 << 10;
	job.csd = -1;

	while ((c = getopt_long(argc, argv, "jh", lopts, NULL)) != -1) {
		switch (c) {
		case 'z': job.zone = number(optarg); job.zoned = 1; break;
		case 'c': job.count = number(optarg); have_count = 1; break;
		case 's': job.slba = number(optarg); have_slba = 1; break;
		case 'n': job.nlb = number(optarg); have_nlb = 1; break;
		case 'b': job.bs = number(optarg); break;
		case 'C': job.ns_id = number(optarg); job.use_csd = 1; break;
		case 'j': json = 1; break;
		case 'r': read_only = 1; break;
		case 'J': jobs = number(optarg); break;
		default: usage();
		}
	}
	if (optind != argc - 1 || job.zoned == (have_slba || have_nlb) ||
	    (have_slba && !have_nlb) || (have_count && !job.zoned) || !job.count ||
	    (read_only && job.use_csd) || !jobs || jobs > 64 || job.count > 1 << 20 ||
	    !job.bs || job.bs % 4096)
		usage();
	disk = job.disk = argv[optind];

	job.fd = open(disk, O_RDONLY | O_DIRECT);
	if (job.fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, disk, strerror(errno));
		return 1;
	}
	if (ioctl(job.fd, BLKSSZGET, &job.lbs)) {
		fprintf(stderr, "%s: %s: BLKSSZGET: %s\n", prog, disk, strerror(errno));
		return 1;
	}
	if (job.zoned) {
		job.zb = zone_bytes(job.fd);
		if (!job.zb) {
			fprintf(stderr, "%s: %s is not zoned\n", prog, disk);
			return 1;
		}
	}
	if (job.use_csd) {
		job.csd = open("/dev/csd", O_RDWR);
		if (job.csd < 0) {
			fprintf(stderr, "%s: /dev/csd: %s\n", prog, strerror(errno));
			return 1;
		}
	}
	job.res = calloc(job.count, sizeof(*job.res));
	if (!job.res) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}

	/* --jobs N: N threads (this one too) take the ranges in turn. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (t = 1; t < jobs && t < job.count; t++)
		if (!pthread_create(&tid[started], NULL, range_worker, NULL))
			started++;
	range_worker(NULL);
	for (t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	/* The ranges' time: not the entropies' arithmetic, nor the printing. */
	all_ms = ms_since(&t0);

	for (r = 0; r < job.count; r++) {
		struct range_res *x = &job.res[r];
		uint64_t start = job.zoned ? (job.zone + r) * job.zb : job.slba * job.lbs;
		int i;

		/* The ranges before the first failure are printed, as without --jobs. */
		if (x->failed || r >= job.next)
			return 1;
		h = entropy(x->bins, &total);
		all_scanned += total;
		all_returned += x->returned;
		if (json) {
			printf("{\"disk\":\"%s\",\"start\":%llu,\"bytes_scanned\":%llu,\"bytes_returned\":%llu,"
			       "\"entropy_bits_per_byte\":%.17g,\"histogram\":[",
			       disk, (unsigned long long)start, (unsigned long long)total,
			       (unsigned long long)x->returned, h);
			for (i = 0; i < 256; i++)
				printf("%s%u", i ? "," : "", x->bins[i]);
			printf("]}\n");
		} else {
			printf("entropy: %.4f bits per byte over %llu bytes\n", h, (unsigned long long)total);
			print_line(x);
		}
	}
	if (job.count > 1)
		printf("all %llu: scanned %llu bytes, returned %llu, %.3f ms\n", job.count,
		       (unsigned long long)all_scanned, (unsigned long long)all_returned, all_ms);
	free(job.res);
	close(job.fd);
	return 0;
}
