// SPDX-License-Identifier: GPL-2.0
/*
 * Offload programs (csd_exec_ops) and the verifier: the entropy example's
 * result over an LBA range and over a zone equals the same computation in
 * userspace on the same data read with O_DIRECT, byte for byte, and
 * returns at most 0.1% of the bytes it scanned; bad requests get their
 * errno; unsafe programs are rejected by the kernel's verifier with the
 * expected reason.
 */
#include <stdarg.h>
#include <signal.h>
#include <sys/time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "csd_lib.h"
#include "csd_harness.h"

#define BPF_DIR	"/csd/bpf"

static char vlog[1 << 16];
static size_t vlog_len;

/* Keep the end of libbpf's output (the verifier's verdict comes last). */
static int log_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[4096];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	if (vlog_len + n >= sizeof(vlog)) {
		size_t keep = sizeof(vlog) / 4;

		memmove(vlog, vlog + vlog_len - keep, keep);
		vlog_len = keep;
	}
	memcpy(vlog + vlog_len, line, n + 1);
	vlog_len += n;
	return 0;
}

/* Load and attach an offload program set; NULL on failure. */
static struct bpf_link *attach(const char *file, const char *map,
			       struct bpf_object **obj)
{
	char path[256];
	struct bpf_map *m;
	struct bpf_link *l;

	snprintf(path, sizeof(path), "%s/%s", BPF_DIR, file);
	*obj = bpf_object__open_file(path, NULL);
	if (!*obj)
		return NULL;
	m = bpf_object__find_map_by_name(*obj, map);
	if (!m || bpf_object__load(*obj))
		goto err;
	l = bpf_map__attach_struct_ops(m);
	if (!l)
		goto err;
	return l;
err:
	bpf_object__close(*obj);
	*obj = NULL;
	return NULL;
}

static int do_exec(int fd, struct csd_exec *e, __u32 ns_id, __u32 flags, __u32 zone,
		   __u64 slba, __u64 nlb, const char *prog, void *res, __u32 len)
{
	memset(e, 0, sizeof(*e));
	e->size = sizeof(*e);
	e->flags = flags;
	e->ns_id = ns_id;
	e->zone = zone;
	e->slba = slba;
	e->nlb = nlb;
	snprintf(e->prog, sizeof(e->prog), "%s", prog);
	e->result = (__u64)(unsigned long)res;
	e->result_len = len;
	return ioctl(fd, CSD_IOC_EXEC, e);
}

/* The same histogram in userspace, over data read with O_DIRECT. */
static int user_hist(const char *dev, off_t off, size_t len, __u32 bins[256])
{
	unsigned char *buf;
	size_t i;
	int fd;

	memset(bins, 0, 256 * sizeof(__u32));
	if (posix_memalign((void **)&buf, 4096, len))
		return -1;
	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0 || pread(fd, buf, len, off) != (ssize_t)len) {
		free(buf);
		return -1;
	}
	close(fd);
	for (i = 0; i < len; i++)
		bins[buf[i]]++;
	free(buf);
	return 0;
}

static int write_random(const char *dev, off_t off, size_t len, unsigned int seed)
{
	unsigned char *buf;
	size_t i;
	int fd, ret;

	if (posix_memalign((void **)&buf, 4096, len))
		return -1;
	srand(seed);
	for (i = 0; i < len; i++)
		buf[i] = (rand() % 7 == 0) ? 0 : rand();	/* skewed, not uniform */
	fd = open(dev, O_WRONLY | O_DIRECT);
	ret = fd >= 0 && pwrite(fd, buf, len, off) == (ssize_t)len ? 0 : -1;
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

FIXTURE(exec) {
	int fd;
	struct csd_ns_entry conv, zns;
	struct bpf_object *obj;
	struct bpf_link *link;
};

FIXTURE_SETUP(exec)
{
	CSD_SKIP_WITHOUT_BPF();
	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, 4096, 0));
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 1, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &self->conv));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_zns()->disk, &self->zns));
	self->link = attach("entropy.bpf.o", "csd_entropy", &self->obj);
	ASSERT_NE(NULL, self->link);
}

FIXTURE_TEARDOWN(exec)
{
	bpf_link__destroy(self->link);
	bpf_object__close(self->obj);
	close(self->fd);
}

TEST_F(exec, entropy_over_lba_range_matches_userspace)
{
	__u32 kbins[256], ubins[256];
	struct csd_exec e;

	/* 1 MiB of data at LBA 100 (4 KiB blocks). */
	ASSERT_EQ(0, write_random(csd_conv()->path, 100 * 4096, 1 << 20, 7));
	ASSERT_EQ(0, do_exec(self->fd, &e, self->conv.id, 0, 0, 100, 256, "entropy",
			     kbins, sizeof(kbins)));
	EXPECT_EQ(sizeof(kbins), e.result_len);
	EXPECT_EQ(1 << 20, e.bytes_scanned);
	EXPECT_EQ(256, e.chunks);
	EXPECT_EQ(0, e.prog_ret);
	/* As the program set declares it (csd_exec_ops.result_format). */
	EXPECT_EQ(CSD_EXEC_FMT_ENTROPY, e.result_format);
	ASSERT_EQ(0, user_hist(csd_conv()->path, 100 * 4096, 1 << 20, ubins));
	EXPECT_EQ(0, memcmp(kbins, ubins, sizeof(kbins)));
	TH_LOG("1 MiB: %llu us in the program, %llu us reading",
	       (unsigned long long)e.prog_ns / 1000, (unsigned long long)e.io_ns / 1000);
}

TEST_F(exec, entropy_over_a_zone_matches_userspace)
{
	__u32 kbins[256], ubins[256];
	const __u64 zbytes = self->zns.zone_sectors * 512;
	struct csd_exec e;
	struct blk_zone z;
	__u64 cbytes;
	char cmd[512];

	/* Fill zone 11 from its start (reset first: sequential writes). */
	snprintf(cmd, sizeof(cmd), "nvme zns reset-zone %s -s %llu > /dev/null",
		 csd_zns()->path, (unsigned long long)(11 * zbytes / 4096));
	ASSERT_EQ(0, csd_run(cmd));
	/* The zone's capacity: what a zone's execution covers. */
	ASSERT_EQ(0, csd_report_zone(csd_zns()->path, 11 * self->zns.zone_sectors, &z));
	cbytes = z.capacity * 512;
	ASSERT_EQ(0, write_random(csd_zns()->path, 11 * zbytes, cbytes, 11));
	ASSERT_EQ(0, do_exec(self->fd, &e, self->zns.id, CSD_EXEC_F_ZONE, 11, 0, 0, "entropy",
			     kbins, sizeof(kbins)));
	EXPECT_EQ(cbytes, e.bytes_scanned);
	ASSERT_EQ(0, user_hist(csd_zns()->path, 11 * zbytes, cbytes, ubins));
	EXPECT_EQ(0, memcmp(kbins, ubins, sizeof(kbins)));
	/* Only the result comes back: at most 0.1% of the bytes scanned. */
	EXPECT_LE(e.result_len * 1000, e.bytes_scanned);
}

/*
 * csd_exec_data() and csd_exec_scratch() at their edges: whole slices
 * up to the last byte, NULL one byte past, for size 0 (the verifier would
 * let the program read one byte of it) and for the largest size.
 */
TEST_F(exec, data_and_scratch_edges)
{
	static const __u8 want[14] = { 1, 2, 1, 2, 2, 2, 2, 1, 1, 2, 2, 2, 2, 2 };
	struct bpf_object *obj;
	struct bpf_link *link;
	struct csd_exec e;
	__u8 got[14];
	int i;

	link = attach("exec_edges.bpf.o", "csd_exec_edges", &obj);
	ASSERT_NE(NULL, link);
	memset(got, 0, sizeof(got));
	ASSERT_EQ(0, do_exec(self->fd, &e, self->conv.id, 0, 0, 0, 1, "edges", got,
			     sizeof(got)));
	EXPECT_EQ(sizeof(got), e.result_len);
	for (i = 0; i < 14; i++) {
		EXPECT_EQ(want[i], got[i]) TH_LOG("probe %d", i);
	}
	bpf_link__destroy(link);
	bpf_object__close(obj);
}

/* CRC-32C, bit by bit: the reference for the checksum example. */
static __u32 crc32c(const unsigned char *p, size_t n)
{
	__u32 c = 0xffffffff;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78 : c >> 1;
	}
	return c ^ 0xffffffff;
}

/* count (u32 values above a threshold) and checksum (CRC-32C) agree too. */
TEST_F(exec, count_and_checksum_match_userspace)
{
	struct bpf_object *o1, *o2;
	struct bpf_link *l1, *l2;
	unsigned char *buf;
	__u64 kcount = 0, ucount = 0;
	__u32 kcrc = 0, i;
	struct csd_exec e;
	int fd;

	l1 = attach("count.bpf.o", "csd_count", &o1);
	ASSERT_NE(NULL, l1);
	l2 = attach("checksum.bpf.o", "csd_checksum", &o2);
	ASSERT_NE(NULL, l2);
	ASSERT_EQ(0, write_random(csd_conv()->path, 2048 * 4096, 256 * 4096, 3));
	ASSERT_EQ(0, do_exec(self->fd, &e, self->conv.id, 0, 0, 2048, 256, "count", &kcount,
			     sizeof(kcount)));
	/* The threshold travels in csd_exec.arg. */
	memset(&e, 0, sizeof(e));
	e.size = sizeof(e);
	e.ns_id = self->conv.id;
	e.slba = 2048;
	e.nlb = 256;
	e.arg = 3000000000u;
	snprintf(e.prog, sizeof(e.prog), "count");
	e.result = (__u64)(unsigned long)&kcount;
	e.result_len = sizeof(kcount);
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_EXEC, &e));
	EXPECT_EQ(8, e.result_len);
	EXPECT_EQ(CSD_EXEC_FMT_U64, e.result_format);
	ASSERT_EQ(0, do_exec(self->fd, &e, self->conv.id, 0, 0, 2048, 256, "checksum", &kcrc,
			     sizeof(kcrc)));
	EXPECT_EQ(4, e.result_len);
	EXPECT_EQ(CSD_EXEC_FMT_U32, e.result_format);

	ASSERT_EQ(0, posix_memalign((void **)&buf, 4096, 256 * 4096));
	fd = open(csd_conv()->path, O_RDONLY | O_DIRECT);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(256 * 4096, pread(fd, buf, 256 * 4096, 2048 * 4096));
	close(fd);
	for (i = 0; i < 256 * 4096 / 4; i++)
		if (((__u32 *)buf)[i] > 3000000000u)
			ucount++;
	EXPECT_EQ(ucount, kcount);
	EXPECT_NE(0, ucount);
	EXPECT_EQ(crc32c(buf, 256 * 4096), kcrc);
	/* A range that ends inside a window (they are 128, 128, 256, 512 KiB). */
	ASSERT_EQ(0, do_exec(self->fd, &e, self->conv.id, 0, 0, 2048, 203, "checksum", &kcrc,
			     sizeof(kcrc)));
	EXPECT_EQ(203 * 4096, e.bytes_scanned);
	EXPECT_EQ(crc32c(buf, 203 * 4096), kcrc);
	free(buf);

	/* And over a whole zone (zone 12, filled from its start). */
	{
		const __u64 zbytes = self->zns.zone_sectors * 512;
		struct blk_zone z;
		__u64 cbytes;
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "nvme zns reset-zone %s -s %llu > /dev/null",
			 csd_zns()->path, (unsigned long long)(12 * zbytes / 4096));
		ASSERT_EQ(0, csd_run(cmd));
		/* Its capacity: what a zone's execution covers. */
		ASSERT_EQ(0, csd_report_zone(csd_zns()->path, 12 * self->zns.zone_sectors, &z));
		cbytes = z.capacity * 512;
		ASSERT_EQ(0, write_random(csd_zns()->path, 12 * zbytes, cbytes, 12));
		ASSERT_EQ(0, posix_memalign((void **)&buf, 4096, cbytes));
		fd = open(csd_zns()->path, O_RDONLY | O_DIRECT);
		ASSERT_GE(fd, 0);
		ASSERT_EQ((ssize_t)cbytes, pread(fd, buf, cbytes, 12 * zbytes));
		close(fd);
		for (ucount = 0, i = 0; i < cbytes / 4; i++)
			if (((__u32 *)buf)[i] > 3000000000u)
				ucount++;
		memset(&e, 0, sizeof(e));
		e.size = sizeof(e);
		e.ns_id = self->zns.id;
		e.flags = CSD_EXEC_F_ZONE;
		e.zone = 12;
		e.arg = 3000000000u;
		snprintf(e.prog, sizeof(e.prog), "count");
		e.result = (__u64)(unsigned long)&kcount;
		e.result_len = sizeof(kcount);
		ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_EXEC, &e));
		EXPECT_EQ(ucount, kcount);
		ASSERT_EQ(0, do_exec(self->fd, &e, self->zns.id, CSD_EXEC_F_ZONE, 12, 0, 0,
				     "checksum", &kcrc, sizeof(kcrc)));
		EXPECT_EQ(crc32c(buf, cbytes), kcrc);
		free(buf);
	}
	bpf_link__destroy(l1);
	bpf_link__destroy(l2);
	bpf_object__close(o1);
	bpf_object__close(o2);
}

/* OpenCSD's helpers: sector size, zone size and capacity, bpf_read. */
TEST_F(exec, opencsd_helpers)
{
	struct { __u64 sector_size, zone_size, zone_capacity, first8; } g;
	struct blk_zone z;
	struct bpf_object *o;
	struct bpf_link *l;
	struct csd_exec e;
	__u64 first8;
	unsigned char *buf;
	int fd;

	l = attach("geometry.bpf.o", "csd_geometry", &o);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, do_exec(self->fd, &e, self->zns.id, CSD_EXEC_F_ZONE, 2, 0, 0, "geometry",
			     &g, sizeof(g)));
	EXPECT_EQ(sizeof(g), e.result_len);
	EXPECT_EQ(4096, g.sector_size);
	EXPECT_EQ(self->zns.zone_sectors * 512, g.zone_size);
	ASSERT_EQ(0, csd_report_zone(csd_zns()->path, 2 * self->zns.zone_sectors, &z));
	EXPECT_EQ(z.capacity * 512, g.zone_capacity);
	ASSERT_EQ(0, do_exec(self->fd, &e, self->conv.id, 0, 0, 100, 1, "geometry", &g,
			     sizeof(g)));
	EXPECT_EQ(0, g.zone_size);
	ASSERT_EQ(0, posix_memalign((void **)&buf, 4096, 4096));
	fd = open(csd_conv()->path, O_RDONLY | O_DIRECT);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(4096, pread(fd, buf, 4096, 100 * 4096));
	close(fd);
	memcpy(&first8, buf, 8);
	EXPECT_EQ(first8, g.first8);
	free(buf);
	bpf_link__destroy(l);
	bpf_object__close(o);
}

/*
 * A zone's execution covers its capacity, not its size, and with
 * CSD_EXEC_F_WRITTEN only what was written (up to the write pointer);
 * an LBA range past the capacity is ERANGE. Needs a drive whose zones
 * are larger than their capacity (make check's second guest:
 * CSD_ZONE_CAP).
 */
TEST_F(exec, zone_capacity_and_written)
{
	const __u64 zs = self->zns.zone_sectors, lbs = zs / 8;	/* 4 KiB LBAs */
	const char *dev = csd_zns()->path;
	struct { __u64 sector_size, zone_size, zone_capacity, first8; } g;
	__u32 bins[256], zone = 1;
	char cmd[1024];
	struct bpf_object *o;
	struct bpf_link *l;
	struct csd_exec e;
	struct blk_zone z;

	ASSERT_EQ(0, csd_report_zone(dev, zone * zs, &z));
	if (z.capacity == z.len)
		SKIP(return, "zone capacity = zone size here (CSD_ZONE_CAP < CSD_ZONE_SIZE tests it)");
	ASSERT_EQ(0, zone_op(dev, BLKRESETZONE, zone * zs, zs));
	ASSERT_EQ(0, write_random(dev, zone * zs * 512, 1 << 20, 7));
	ASSERT_EQ(0, csd_report_zone(dev, zone * zs, &z));
	ASSERT_EQ(zone * zs + (1 << 20) / 512, z.wp);

	ASSERT_EQ(0, do_exec(self->fd, &e, self->zns.id, CSD_EXEC_F_ZONE, zone, 0, 0,
			     "entropy", bins, sizeof(bins)));
	EXPECT_EQ(z.capacity * 512, e.bytes_scanned);
	ASSERT_EQ(0, do_exec(self->fd, &e, self->zns.id, CSD_EXEC_F_ZONE | CSD_EXEC_F_WRITTEN,
			     zone, 0, 0, "entropy", bins, sizeof(bins)));
	EXPECT_EQ(1 << 20, e.bytes_scanned);
	/* csdctl exec --written asks the same; --written needs --zone. */
	snprintf(cmd, sizeof(cmd), "csdctl --json exec %s --prog entropy --zone %u --written "
		 "| grep -q '\"bytes_scanned\":1048576,'", csd_zns()->disk, zone);
	EXPECT_EQ(0, csd_run(cmd));
	snprintf(cmd, sizeof(cmd), "csdctl exec %s --prog entropy --slba 0 --nlb 1 --written "
		 "2> /dev/null", csd_zns()->disk);
	EXPECT_EQ(2, csd_run(cmd));
	/* An empty zone has nothing written. */
	ASSERT_EQ(0, zone_op(dev, BLKRESETZONE, zone * zs, zs));
	ASSERT_EQ(0, do_exec(self->fd, &e, self->zns.id, CSD_EXEC_F_ZONE | CSD_EXEC_F_WRITTEN,
			     zone, 0, 0, "entropy", bins, sizeof(bins)));
	EXPECT_EQ(0, e.bytes_scanned);
	/* LBA ranges: up to the capacity, not past it; WRITTEN needs a zone. */
	EXPECT_EQ(0, do_exec(self->fd, &e, self->zns.id, 0, 0, zone * lbs + z.capacity / 8 - 1, 1,
			     "entropy", bins, sizeof(bins)));
	EXPECT_EQ(-1, do_exec(self->fd, &e, self->zns.id, 0, 0, zone * lbs + z.capacity / 8, 1,
			      "entropy", bins, sizeof(bins)));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(-1, do_exec(self->fd, &e, self->zns.id, CSD_EXEC_F_WRITTEN, 0, zone * lbs, 1,
			      "entropy", bins, sizeof(bins)));
	EXPECT_EQ(EINVAL, errno);

	l = attach("geometry.bpf.o", "csd_geometry", &o);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, do_exec(self->fd, &e, self->zns.id, CSD_EXEC_F_ZONE, zone, 0, 0, "geometry",
			     &g, sizeof(g)));
	EXPECT_EQ(zs * 512, g.zone_size);
	EXPECT_EQ(z.capacity * 512, g.zone_capacity);
	bpf_link__destroy(l);
	bpf_object__close(o);
}

/* Zone management receive commands csd counted on namespace @id. */
static __u64 zone_reports(int fd, __u32 id)
{
	static struct csd_snap s;
	__u64 n = 0;
	__u32 i;

	if (csd_snap_take(fd, id, &s))
		return ~0ULL;
	for (i = 0; i < s.st.row_count; i++)
		if (s.rows[i].op == CSD_OP_ZONE_RECV)
			n += s.rows[i].count;
	return n;
}

/*
 * A zone's capacity is the one the block layer checked (the kernel takes
 * zoned namespaces only without variable zone capacity): executions of a
 * zone, and LBA ranges in it, send the drive no zone report (csd's own
 * count of zone management receive commands says so), and still cover
 * exactly the capacity; CSD_EXEC_F_WRITTEN asks for the write pointer,
 * one report each time.
 */
TEST_F(exec, zone_capacity_needs_no_report)
{
	const __u64 zs = self->zns.zone_sectors, lbs = zs / 8;	/* 4 KiB LBAs */
	const char *dev = csd_zns()->path;
	__u32 bins[256], zone = 2;
	struct csd_exec e;
	struct blk_zone z, last;
	__u64 before;
	int i;

	ASSERT_EQ(0, csd_report_zone(dev, zone * zs, &z));
	ASSERT_EQ(0, csd_report_zone(dev, (self->zns.nr_zones - 1) * zs, &last));
	ASSERT_EQ(0, zone_op(dev, BLKRESETZONE, zone * zs, zs));
	ASSERT_EQ(0, write_random(dev, zone * zs * 512, 1 << 20, 9));
	before = zone_reports(self->fd, self->zns.id);
	ASSERT_NE(~0ULL, before);	/* the snapshot failed */
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, do_exec(self->fd, &e, self->zns.id, CSD_EXEC_F_ZONE, zone, 0, 0,
				     "entropy", bins, sizeof(bins)));
		EXPECT_EQ(z.capacity * 512, e.bytes_scanned);
	}
	/*
	 * A reset changes no capacity. The last zone: QEMU makes whole zones
	 * of one capacity, so this does not tell the last one's apart.
	 */
	ASSERT_EQ(0, zone_op(dev, BLKRESETZONE, zone * zs, zs));
	ASSERT_EQ(0, do_exec(self->fd, &e, self->zns.id, CSD_EXEC_F_ZONE, zone, 0, 0,
			     "entropy", bins, sizeof(bins)));
	EXPECT_EQ(z.capacity * 512, e.bytes_scanned);
	ASSERT_EQ(0, do_exec(self->fd, &e, self->zns.id, CSD_EXEC_F_ZONE,
			     self->zns.nr_zones - 1, 0, 0, "entropy", bins, sizeof(bins)));
	EXPECT_EQ(last.capacity * 512, e.bytes_scanned);
	ASSERT_EQ(0, do_exec(self->fd, &e, self->zns.id, 0, 0, zone * lbs + z.capacity / 8 - 1, 1,
			     "entropy", bins, sizeof(bins)));
	EXPECT_EQ(4096, e.bytes_scanned);
	if (z.capacity < z.len) {	/* CSD_ZONE_CAP's guest: past the capacity */
		EXPECT_EQ(-1, do_exec(self->fd, &e, self->zns.id, 0, 0,
				      zone * lbs + z.capacity / 8, 1, "entropy", bins,
				      sizeof(bins)));
		EXPECT_EQ(ERANGE, errno);
	}
	EXPECT_EQ(before, zone_reports(self->fd, self->zns.id));

	/* The write pointer is asked for each time: one report each. */
	ASSERT_EQ(0, write_random(dev, zone * zs * 512, 64 << 10, 9));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, do_exec(self->fd, &e, self->zns.id,
				     CSD_EXEC_F_ZONE | CSD_EXEC_F_WRITTEN, zone, 0, 0,
				     "entropy", bins, sizeof(bins)));
		EXPECT_EQ(64 << 10, e.bytes_scanned);
	}
	EXPECT_EQ(before + 2, zone_reports(self->fd, self->zns.id));
}

/*
 * An execution's memory (windows, scratch, result buffer) is kept for the
 * next ones and freed about 2 s after the last: what a program sees of an
 * earlier execution on the same memory is nothing (scratch cleared, data
 * only as read for this range), and csd counts the memory while it holds
 * it (debugfs exec_mem_bytes, and within GET_INFO's mem_bytes).
 */
TEST_F(exec, memory_is_reused_clean_and_freed)
{
	/* Two 512 KiB buffers, the scratch, a 1 KiB result; the struct: a few KiB. */
	const long long set = 2 * (512 << 10) + CSD_EXEC_SCRATCH + sizeof(__u32[256]);
	__u32 kbins[256], ubins[256], zbins[256] = { [0] = 8192 };
	struct csd_info info;
	struct csd_exec e;
	long long held;
	char cmd[512];
	int round;

	/* 1 MiB of random data at LBA 100, 8 KiB of zeros at LBA 400. */
	ASSERT_EQ(0, write_random(csd_conv()->path, 100 * 4096, 1 << 20, 5));
	snprintf(cmd, sizeof(cmd),
		 "dd if=/dev/zero of=%s bs=4096 seek=400 count=2 oflag=direct status=none",
		 csd_conv()->path);
	ASSERT_EQ(0, csd_run(cmd));
	ASSERT_EQ(0, user_hist(csd_conv()->path, 100 * 4096, 1 << 20, ubins));

	/* Small after large after small: each exactly its own data. */
	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, do_exec(self->fd, &e, self->conv.id, 0, 0, 400, 2, "entropy",
				     kbins, sizeof(kbins)));
		EXPECT_EQ(8192, e.bytes_scanned);
		EXPECT_EQ(0, memcmp(kbins, zbins, sizeof(kbins)));
		ASSERT_EQ(0, do_exec(self->fd, &e, self->conv.id, 0, 0, 100, 256, "entropy",
				     kbins, sizeof(kbins)));
		EXPECT_EQ(1 << 20, e.bytes_scanned);
		EXPECT_EQ(0, memcmp(kbins, ubins, sizeof(kbins)));
	}

	/* Held, then freed within 10 s; then one execution's set exactly. */
	EXPECT_LT(0, csd_exec_mem());
	ASSERT_EQ(0, csd_exec_mem_idle());
	ASSERT_EQ(0, do_exec(self->fd, &e, self->conv.id, 0, 0, 100, 256, "entropy",
			     kbins, sizeof(kbins)));
	held = csd_exec_mem();
	EXPECT_LE(set, held);
	EXPECT_GT(set + 8192, held);
	ASSERT_EQ(0, csd_info(self->fd, &info));
	EXPECT_LE((__u64)held, info.mem_bytes);
	ASSERT_EQ(0, csd_exec_mem_idle());
	TH_LOG("an execution's memory: %lld bytes", held);

	/*
	 * With nothing kept, a range of two windows (128 + 128 KiB): a set
	 * with both buffers, as long as the range.
	 */
	ASSERT_EQ(0, do_exec(self->fd, &e, self->conv.id, 0, 0, 100, 64, "entropy",
			     kbins, sizeof(kbins)));
	EXPECT_EQ(256 << 10, e.bytes_scanned);
	held = csd_exec_mem();
	EXPECT_LE(2 * (256 << 10) + CSD_EXEC_SCRATCH + sizeof(kbins), held);
	EXPECT_GT(2 * (256 << 10) + CSD_EXEC_SCRATCH + sizeof(kbins) + 8192, held);
	ASSERT_EQ(0, user_hist(csd_conv()->path, 100 * 4096, 256 << 10, ubins));
	EXPECT_EQ(0, memcmp(kbins, ubins, sizeof(kbins)));
	ASSERT_EQ(0, csd_exec_mem_idle());
}

TEST_F(exec, bad_requests)
{
	__u32 bins[256];
	struct csd_exec e;

	EXPECT_EQ(-1, do_exec(self->fd, &e, self->conv.id, 0, 0, 0, 8, "nosuchprog", bins, 1024));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, do_exec(self->fd, &e, self->conv.id, CSD_EXEC_F_ZONE, 0, 0, 0, "entropy",
			      bins, 1024));
	EXPECT_EQ(EINVAL, errno);	/* zones on a conventional namespace */
	EXPECT_EQ(-1, do_exec(self->fd, &e, self->zns.id, CSD_EXEC_F_ZONE, 1 << 20, 0, 0,
			      "entropy", bins, 1024));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(-1, do_exec(self->fd, &e, self->conv.id, 0, 0, self->conv.capacity / 8 - 4, 8,
			      "entropy", bins, 1024));
	EXPECT_EQ(ERANGE, errno);	/* past the end */
	EXPECT_EQ(-1, do_exec(self->fd, &e, self->conv.id, 0, 0, 0, 0, "entropy", bins, 1024));
	EXPECT_EQ(EINVAL, errno);	/* empty range */
	/* An LBA range across a zone boundary of a zoned namespace. */
	EXPECT_EQ(-1, do_exec(self->fd, &e, self->zns.id, 0, 0, self->zns.zone_sectors / 8 - 4, 8,
			      "entropy", bins, 1024));
	EXPECT_EQ(EXDEV, errno);
	/* Within one zone it is fine. */
	EXPECT_EQ(0, do_exec(self->fd, &e, self->zns.id, 0, 0, self->zns.zone_sectors / 8, 8,
			     "entropy", bins, 1024));
	EXPECT_EQ(-1, do_exec(self->fd, &e, self->conv.id, 0, 0, 0, 8, "entropy", bins,
			      CSD_EXEC_RESULT_MAX + 1));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, do_exec(self->fd, &e, 999999, 0, 0, 0, 8, "entropy", bins, 1024));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, do_exec(self->fd, &e, self->conv.id, 4, 0, 0, 8, "entropy", bins, 1024));
	EXPECT_EQ(EINVAL, errno);	/* unknown flag */
	/* A result buffer too small for the program's emit: its error. */
	EXPECT_EQ(-1, do_exec(self->fd, &e, self->conv.id, 0, 0, 0, 8, "entropy", bins, 16));
	EXPECT_EQ(E2BIG, errno);
}

static void on_alarm(int sig)
{
}

/* A signal ends an execution cleanly: EINTR, and the next one works. */
TEST_F(exec, signal_interrupts)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct itimerval it = { .it_value = { .tv_usec = 20000 } };
	__u32 bins[256];
	struct csd_exec e;
	int ret, err;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	/* The whole namespace: far longer than 20 ms under emulation. */
	ret = do_exec(self->fd, &e, self->conv.id, 0, 0, 0, self->conv.capacity / 8,
		      "entropy", bins, sizeof(bins));
	err = errno;
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EINTR, err);
	signal(SIGALRM, SIG_DFL);
	ASSERT_EQ(0, do_exec(self->fd, &e, self->conv.id, 0, 0, 0, 16, "entropy", bins,
			     sizeof(bins)));
	EXPECT_EQ(16 * 4096, e.bytes_scanned);
}

TEST_F(exec, unprivileged_is_eperm)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		__u32 bins[256];
		struct csd_exec e;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		if (do_exec(self->fd, &e, self->conv.id, 0, 0, 0, 8, "entropy", bins, 1024) != -1 ||
		    errno != EPERM)
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/*
 * A result format csd does not know: the programs verify, but registering
 * the set (csd_exec_init_member() at attach) fails with EINVAL, and no set
 * named "bad" exists afterwards.
 */
TEST(unknown_result_format_is_refused)
{
	char path[256], res[8];
	struct csd_ns_entry ns;
	struct bpf_object *obj;
	struct bpf_link *l;
	struct csd_exec e;
	struct bpf_map *m;
	int fd;

	CSD_SKIP_WITHOUT_BPF();
	snprintf(path, sizeof(path), "%s/bad/bad_format.bpf.o", BPF_DIR);
	obj = bpf_object__open_file(path, NULL);
	ASSERT_NE(NULL, obj);
	m = bpf_object__find_map_by_name(obj, "csd_bad");
	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, bpf_object__load(obj));
	errno = 0;
	l = bpf_map__attach_struct_ops(m);
	EXPECT_EQ(NULL, l);
	EXPECT_EQ(EINVAL, errno);
	if (l)
		bpf_link__destroy(l);
	bpf_object__close(obj);
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_learn_ns(fd, csd_conv(), &ns));
	EXPECT_EQ(-1, do_exec(fd, &e, ns.id, 0, 0, 0, 1, "bad", res, sizeof(res)));
	EXPECT_EQ(ENOENT, errno);
	close(fd);
}

/* Unsafe programs: the kernel's verifier rejects each, with its reason. */
TEST(verifier_rejects_unsafe_programs)
{
	static const struct {
		const char *file, *map, *reason;
	} bad[] = {
		{ "exec_kfunc_in_complete.bpf.o", "csd_bad", "csd_exec_data" },
		{ "write_ctx.bpf.o", "csd_bad", "only read is supported" },
		{ "read_past_data.bpf.o", "csd_bad", "invalid access to memory" },
		{ "write_data.bpf.o", "csd_bad", "rdonly" },
		/* The verifier gives up: "BPF program is too large", E2BIG. */
		{ "unbounded_loop.bpf.o", "csd_bad", "failed to load: -7" },
		{ "unknown_kfunc.bpf.o", "csd_bad",
		  "'csd_no_such_kfunc': not found in kernel or module BTFs" },
		{ "unchecked_null.bpf.o", "csd_bad", "invalid mem access 'rdonly_mem_or_null'" },
		{ "scratch_overflow.bpf.o", "csd_bad", "invalid access to memory, mem_size=8 off=8" },
		{ "variable_size.bpf.o", "csd_bad", "is not a const" },
		{ "ctx_out_of_bounds.bpf.o", "csd_bad", "access beyond struct csd_req_ctx" },
		{ "gpl_only_helper.bpf.o", "csd_bad", "must have a GPL compatible license" },
		{ "req_data_in_exec.bpf.o", "csd_bad", "csd_req_data" },
		/* complete() runs in IRQ context: no sleepable program there. */
		{ "sleepable_complete.bpf.o", "csd_bad",
		  "attach to unsupported member complete of struct csd_ops" },
		/* 6.12: "rdonly/rdwr_buf_size exceeds u32 max"; 7.3: "R2 allocation size ..." */
		{ "req_data_too_big.bpf.o", "csd_bad", "exceeds u32 max" },
	};
	unsigned int i, failed = 0;

	CSD_SKIP_WITHOUT_BPF();
	libbpf_set_print(log_print);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[256];
		struct bpf_object *obj;
		int err;

		vlog_len = 0;
		vlog[0] = 0;
		snprintf(path, sizeof(path), "%s/bad/%s", BPF_DIR, bad[i].file);
		obj = bpf_object__open_file(path, NULL);
		if (!obj) {
			TH_LOG("%s: cannot open", bad[i].file);
			failed++;
			continue;
		}
		err = bpf_object__load(obj);
		if (!err || !strstr(vlog, bad[i].reason)) {
			const char *end = strstr(vlog, "-- END PROG LOAD LOG --");
			const char *tail;

			if (!end)
				end = vlog + vlog_len;
			tail = end - vlog > 400 ? end - 400 : vlog;

			TH_LOG("%s: load %s, log lacks \"%s\":\n%.*s", bad[i].file,
			       err ? "failed" : "succeeded", bad[i].reason, (int)(end - tail), tail);
			failed++;
		}
		bpf_object__close(obj);
	}
	libbpf_set_print(NULL);
	EXPECT_EQ(0, failed);
}

TEST_HARNESS_MAIN
