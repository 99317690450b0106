// SPDX-License-Identifier: GPL-2.0
/*
 * Latency accounting: exact counts and bytes per operation, size class and
 * zone; zone management; errors by NVMe status; other opcodes; reset.
 * On QEMU's emulated ZNS namespace and the conventional one.
 */
#include "csd_lib.h"
#include "csd_harness.h"

#define LBA	4096

static const struct csd_stat_row *find_row(const struct csd_snap *s, int op, int sc)
{
	unsigned int i;

	for (i = 0; i < s->st.row_count; i++)
		if (s->rows[i].op == op && (sc < 0 || s->rows[i].size_class == sc))
			return &s->rows[i];
	return NULL;
}

/* Sum over size classes of one operation. */
static __u64 op_count(const struct csd_snap *s, int op)
{
	__u64 n = 0;
	unsigned int i;

	for (i = 0; i < s->st.row_count; i++)
		if (s->rows[i].op == op)
			n += s->rows[i].count;
	return n;
}

static __u64 status_count(const struct csd_snap *s, int op, int status)
{
	unsigned int i;

	for (i = 0; i < s->st.status_count; i++)
		if (s->status[i].op == op && s->status[i].status == status)
			return s->status[i].count;
	return 0;
}

static int zone_entry(int fd, int ns_id, unsigned int z, struct csd_zone_entry *e)
{
	struct csd_zone_stats a = {
		.size = sizeof(a), .ns_id = ns_id, .start = z, .count = 1,
		.entry_size = sizeof(*e), .entries = (__u64)(unsigned long)e,
	};

	return ioctl(fd, CSD_IOC_ZONE_STATS, &a);
}

static int zone_cond(const char *dev, __u64 sector)
{
	struct blk_zone z;

	return csd_report_zone(dev, sector, &z) ? -1 : z.cond;
}

static int direct_writes(const char *dev, int n, size_t bs, off_t off)
{
	void *buf;
	int fd, i;

	if (posix_memalign(&buf, 4096, bs))
		return -1;
	memset(buf, 0x5a, bs);
	fd = open(dev, O_WRONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (pwrite(fd, buf, bs, off + (off_t)i * bs) != (ssize_t)bs)
			break;
	close(fd);
	free(buf);
	return i == n ? 0 : -1;
}

FIXTURE(zns) {
	int fd;
	int ns_id;
	__u64 zone_sectors;
	__u64 zone_bytes;
	unsigned int nr_zones;
	void *buf;
};

FIXTURE_SETUP(zns)
{
	struct csd_ns_entry e;

	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_NE(0, csd_zns()->disk[0]);
	/* Make sure csd knows the namespace and its tables are ready. */
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 1, LBA, 0));
	ASSERT_EQ(0, csd_wait_ns(self->fd, csd_zns()->disk, &e));
	self->ns_id = e.id;
	self->zone_sectors = e.zone_sectors;
	self->zone_bytes = e.zone_sectors * 512;
	self->nr_zones = e.nr_zones;
	ASSERT_GE(self->nr_zones, 12);
	ASSERT_EQ(e.region_sectors, e.zone_sectors);
	/* All zones empty, then a clean epoch. */
	ASSERT_EQ(0, zone_op(csd_zns()->path, BLKRESETZONE, 0,
			     self->zone_sectors * self->nr_zones));
	ASSERT_EQ(0, csd_reset_ns(self->fd, self->ns_id));
	ASSERT_EQ(0, posix_memalign(&self->buf, 4096, 4 * LBA));
	memset(self->buf, 0xa5, 4 * LBA);
}

FIXTURE_TEARDOWN(zns)
{
	free(self->buf);
	close(self->fd);
}

/* Acceptance 1: reads and writes, exact per opcode and zone. */
TEST_F(zns, reads_writes_appends_exact)
{
	struct csd_zone_entry z1, z2, z3, z4, z5;
	const struct csd_stat_row *r;
	struct csd_snap s;
	int i;

	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 100, 4096, 2 * self->zone_bytes));
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 37, 16384, 3 * self->zone_bytes));
	ASSERT_EQ(0, direct_writes(csd_zns()->path, 10, LBA, 1 * self->zone_bytes));
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, nvme_io(csd_zns(), 0x7d, 4 * self->zone_sectors / 8, 1,
				     self->buf, LBA, 0, 0, 0));

	ASSERT_EQ(0, csd_snap_take(self->fd, self->ns_id, &s));
	r = find_row(&s, CSD_OP_READ, CSD_SZ_4K);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(100, r->count);
	EXPECT_EQ(100 * 4096, r->bytes);
	EXPECT_EQ(0, r->errors);
	r = find_row(&s, CSD_OP_READ, CSD_SZ_16K);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(37, r->count);
	EXPECT_EQ(37 * 16384, r->bytes);
	EXPECT_EQ(137, op_count(&s, CSD_OP_READ));
	r = find_row(&s, CSD_OP_WRITE, CSD_SZ_4K);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(10, r->count);
	EXPECT_EQ(10 * LBA, r->bytes);
	EXPECT_EQ(10, op_count(&s, CSD_OP_WRITE));
	r = find_row(&s, CSD_OP_APPEND, CSD_SZ_4K);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(5, r->count);
	EXPECT_EQ(5 * LBA, r->bytes);
	EXPECT_EQ(5, op_count(&s, CSD_OP_APPEND));
	EXPECT_EQ(152, s.st.submitted);
	EXPECT_EQ(152, s.st.completed);
	EXPECT_EQ(0, s.st.aborted);
	EXPECT_EQ(0, s.st.status_total);

	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 1, &z1));
	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 2, &z2));
	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 3, &z3));
	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 4, &z4));
	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 5, &z5));
	EXPECT_EQ(10, z1.io[CSD_ZIO_WRITE].count);
	EXPECT_EQ(10 * LBA, z1.io[CSD_ZIO_WRITE].bytes);
	EXPECT_EQ(0, z1.io[CSD_ZIO_READ].count);
	EXPECT_EQ(100, z2.io[CSD_ZIO_READ].count);
	EXPECT_EQ(100 * 4096, z2.io[CSD_ZIO_READ].bytes);
	EXPECT_EQ(37, z3.io[CSD_ZIO_READ].count);
	EXPECT_EQ(37 * 16384, z3.io[CSD_ZIO_READ].bytes);
	EXPECT_EQ(5, z4.io[CSD_ZIO_APPEND].count);
	EXPECT_EQ(5 * LBA, z4.io[CSD_ZIO_APPEND].bytes);
	EXPECT_EQ(0, z5.io[CSD_ZIO_READ].count + z5.io[CSD_ZIO_WRITE].count +
		  z5.io[CSD_ZIO_APPEND].count);
	EXPECT_EQ(2 * self->zone_sectors, z2.start_sector);
	/* Latency summaries are sane: min <= p50 <= p99 <= max, mean in range. */
	r = find_row(&s, CSD_OP_READ, CSD_SZ_4K);
	EXPECT_TRUE(r->lat_min_ns > 0);
	EXPECT_LE(r->lat_min_ns, r->pct_ns[0]);
	EXPECT_LE(r->pct_ns[0], r->pct_ns[2]);
	EXPECT_LE(r->pct_ns[2], r->lat_max_ns);
	EXPECT_LE(r->lat_sum_ns / r->count, r->lat_max_ns);
	EXPECT_GE(r->lat_sum_ns / r->count, r->lat_min_ns);
	EXPECT_LE(z2.io[CSD_ZIO_READ].p99_ns, z2.io[CSD_ZIO_READ].lat_max_ns);
}

/* Acceptance 2: zone management, per zone and per action, and the zone report. */
TEST_F(zns, zone_management)
{
	struct csd_zone_entry z5, z6, z7;
	const char *dev = csd_zns()->path;
	__u64 zs = self->zone_sectors;
	struct csd_snap s;

	/* Zone 5 gets data, then a reset; zone 6 a finish; zone 7 an open. */
	ASSERT_EQ(0, direct_writes(dev, 2, LBA, 5 * self->zone_bytes));
	ASSERT_EQ(0, zone_op(dev, BLKRESETZONE, 5 * zs, zs));
	ASSERT_EQ(0, zone_op(dev, BLKFINISHZONE, 6 * zs, zs));
	ASSERT_EQ(0, zone_op(dev, BLKOPENZONE, 7 * zs, zs));

	ASSERT_EQ(0, csd_snap_take(self->fd, self->ns_id, &s));
	EXPECT_EQ(1, op_count(&s, CSD_OP_ZONE_RESET));
	EXPECT_EQ(1, op_count(&s, CSD_OP_ZONE_FINISH));
	EXPECT_EQ(1, op_count(&s, CSD_OP_ZONE_OPEN));
	EXPECT_EQ(0, op_count(&s, CSD_OP_ZONE_CLOSE));
	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 5, &z5));
	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 6, &z6));
	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 7, &z7));
	EXPECT_EQ(1, z5.resets);
	EXPECT_EQ(0, z5.finishes);
	EXPECT_EQ(2, z5.io[CSD_ZIO_WRITE].count);
	EXPECT_EQ(1, z6.finishes);
	EXPECT_EQ(0, z6.resets);
	EXPECT_EQ(1, z7.opens);
	EXPECT_EQ(0, z7.resets + z7.finishes);

	EXPECT_EQ(BLK_ZONE_COND_EMPTY, zone_cond(dev, 5 * zs));
	EXPECT_EQ(BLK_ZONE_COND_FULL, zone_cond(dev, 6 * zs));
	EXPECT_EQ(BLK_ZONE_COND_EXP_OPEN, zone_cond(dev, 7 * zs));
	ASSERT_EQ(0, zone_op(dev, BLKCLOSEZONE, 7 * zs, zs));
	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 7, &z7));
	EXPECT_EQ(1, z7.closes);
}

/* Acceptance 3: errors by status, on the right zone. */
TEST_F(zns, errors_by_status)
{
	struct csd_zone_entry z8, z9;
	const struct csd_stat_row *r;
	__u64 zlba = self->zone_sectors / 8;
	struct csd_snap s;

	/* Past the write pointer of empty zone 8: Zone Invalid Write. */
	EXPECT_NE(0, nvme_io(csd_zns(), 0x01, 8 * zlba + 2, 1, self->buf, LBA, 0, 0, 0));
	/* Into full zone 9: Zone Is Full. */
	ASSERT_EQ(0, nvme_io(csd_zns(), 0x79, 9 * zlba, 0, NULL, 0, 0, 0, 2));
	EXPECT_NE(0, nvme_io(csd_zns(), 0x01, 9 * zlba, 1, self->buf, LBA, 0, 0, 0));

	ASSERT_EQ(0, csd_snap_take(self->fd, self->ns_id, &s));
	EXPECT_EQ(1, status_count(&s, CSD_OP_WRITE, 0x1bc));
	EXPECT_EQ(1, status_count(&s, CSD_OP_WRITE, 0x1b9));
	r = find_row(&s, CSD_OP_WRITE, CSD_SZ_4K);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(2, r->count);
	EXPECT_EQ(2, r->errors);
	EXPECT_EQ(1, op_count(&s, CSD_OP_ZONE_FINISH));
	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 8, &z8));
	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 9, &z9));
	EXPECT_EQ(1, z8.errors);
	EXPECT_EQ(1, z9.errors);
	EXPECT_EQ(1, z9.finishes);
}

/* A zone management command to all zones counts on every zone. */
TEST_F(zns, select_all_counts_every_zone)
{
	struct csd_zone_entry e;
	unsigned int z;

	/* Zone send, reset, select all. */
	ASSERT_EQ(0, nvme_io(csd_zns(), 0x79, 0, 0, NULL, 0, 0, 0, 4 | 1 << 8));
	for (z = 0; z < self->nr_zones; z++) {
		ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, z, &e));
		ASSERT_EQ(1, e.resets);
	}
}

/* Reset zeroes everything. */
TEST_F(zns, reset_zeroes_everything)
{
	struct csd_ns_entry e;
	struct csd_zone_entry z;
	struct csd_snap s;

	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 9, 4096, 2 * self->zone_bytes));
	ASSERT_EQ(0, csd_snap_take(self->fd, self->ns_id, &s));
	EXPECT_EQ(9, op_count(&s, CSD_OP_READ));
	ASSERT_EQ(0, csd_reset_ns(self->fd, self->ns_id));
	ASSERT_EQ(0, csd_snap_take(self->fd, self->ns_id, &s));
	EXPECT_EQ(0, s.st.row_total);
	EXPECT_EQ(0, s.st.status_total);
	EXPECT_EQ(0, s.st.submitted);
	EXPECT_EQ(0, s.st.completed);
	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 2, &z));
	EXPECT_EQ(0, z.io[CSD_ZIO_READ].count);
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_zns()->disk, &e));
	EXPECT_EQ(0, e.submitted);
	/* And counting goes on exactly. */
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 4, 4096, 2 * self->zone_bytes));
	ASSERT_EQ(0, csd_snap_take(self->fd, self->ns_id, &s));
	EXPECT_EQ(4, op_count(&s, CSD_OP_READ));
	EXPECT_EQ(4, s.st.submitted);
}

FIXTURE(conv) {
	int fd;
	int ns_id;
	void *buf;
};

FIXTURE_SETUP(conv)
{
	struct csd_ns_entry e;

	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, LBA, 0));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &e));
	self->ns_id = e.id;
	ASSERT_EQ(0, csd_reset_ns(self->fd, self->ns_id));
	ASSERT_EQ(0, posix_memalign(&self->buf, 4096, 4 * LBA));
	memset(self->buf, 0, 4 * LBA);
}

FIXTURE_TEARDOWN(conv)
{
	free(self->buf);
	close(self->fd);
}

/* Acceptance 4: flush, write zeroes, DSM and unknown opcodes under their own names. */
TEST_F(conv, other_opcodes)
{
	const struct csd_stat_row *r;
	struct csd_snap s;
	__u32 *range = self->buf;
	unsigned int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, nvme_io(csd_conv(), 0x00, 0, 0, NULL, 0, 0, 0, 0));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, nvme_io(csd_conv(), 0x08, 100 + i * 8, 8, NULL, 0, 0, 0, 0));
	/* DSM deallocate of one range: 8 blocks at LBA 200. */
	memset(range, 0, 16);
	range[1] = 8;
	range[2] = 200;
	ASSERT_EQ(0, nvme_io(csd_conv(), 0x09, 0, 0, range, 16, 0, 1 << 2, 0));
	/* Reservation report: kept as other(0x0e), whatever its status. */
	nvme_io(csd_conv(), 0x0e, 0, 0, self->buf, LBA, 0x3ff, 0, 0);

	ASSERT_EQ(0, csd_snap_take(self->fd, self->ns_id, &s));
	EXPECT_EQ(3, op_count(&s, CSD_OP_FLUSH));
	r = find_row(&s, CSD_OP_FLUSH, -1);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(CSD_SZ_NONE, r->size_class);
	EXPECT_EQ(0x00, r->opcode);
	EXPECT_EQ(2, op_count(&s, CSD_OP_WRITE_ZEROES));
	r = find_row(&s, CSD_OP_WRITE_ZEROES, -1);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(2 * 8 * LBA, r->bytes);
	EXPECT_EQ(CSD_SZ_64K, r->size_class);
	EXPECT_EQ(1, op_count(&s, CSD_OP_DSM));
	r = find_row(&s, CSD_OP_OTHER, -1);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0x0e, r->opcode);
	EXPECT_EQ(1, r->count);
	EXPECT_EQ(0, op_count(&s, CSD_OP_READ));
	EXPECT_EQ(7, s.st.submitted);
	EXPECT_EQ(7, s.st.completed);
}

/* Regions on a conventional namespace: configurable, exact. */
TEST_F(conv, regions)
{
	struct csd_config c = { .size = sizeof(c), .ns_id = self->ns_id,
				.flags = CSD_CFG_F_REGION, .region_sectors = 2048 * 4 };
	struct csd_ns_entry e;
	struct csd_zone_entry z;

	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_CONFIG, &c));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &e));
	EXPECT_EQ(2048 * 4, e.region_sectors);
	EXPECT_EQ(e.capacity / (2048 * 4), e.nr_regions);
	/* 6 reads in region 3 (12..16 MiB). */
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 6, 4096, 13 << 20));
	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 3, &z));
	EXPECT_EQ(6, z.io[CSD_ZIO_READ].count);
	EXPECT_EQ(3 * 2048 * 4, z.start_sector);
	ASSERT_EQ(0, zone_entry(self->fd, self->ns_id, 2, &z));
	EXPECT_EQ(0, z.io[CSD_ZIO_READ].count);

	/* Back to the default. */
	c.region_sectors = CSD_REGION_DEFAULT_SECTORS;
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_CONFIG, &c));
}

/* Disabled namespaces are not counted; enabling counts again. */
TEST_F(conv, disable_enable)
{
	struct csd_config c = { .size = sizeof(c), .ns_id = self->ns_id,
				.flags = CSD_CFG_F_DISABLE };
	struct csd_ns_entry e;

	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_CONFIG, &c));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 5, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &e));
	EXPECT_TRUE(e.flags & CSD_NS_F_DISABLED);
	EXPECT_EQ(0, e.submitted);
	c.flags = CSD_CFG_F_ENABLE;
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_CONFIG, &c));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 3, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &e));
	EXPECT_FALSE(e.flags & CSD_NS_F_DISABLED);
	EXPECT_EQ(3, e.submitted);
	EXPECT_EQ(3, e.completed);
}

/* The histogram agrees with the row it belongs to. */
TEST_F(conv, histogram_matches_row)
{
	static __u64 b[CSD_HIST_BUCKETS];
	struct csd_hist h = { .size = sizeof(h), .ns_id = self->ns_id,
			      .op = CSD_OP_READ, .size_class = CSD_SZ_ALL };
	const struct csd_stat_row *r;
	struct csd_snap s;

	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 200, 4096, 0));
	ASSERT_EQ(0, csd_snap_take(self->fd, self->ns_id, &s));
	r = find_row(&s, CSD_OP_READ, CSD_SZ_4K);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_GET_HIST, &h));
	EXPECT_EQ(CSD_HIST_BUCKETS, h.nr_buckets);
	EXPECT_EQ(CSD_HIST_FIRST_SHIFT, h.first_shift);
	EXPECT_EQ(CSD_HIST_SUB_BITS, h.sub_bits);
	h.buckets = (__u64)(unsigned long)b;
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_GET_HIST, &h));
	/* Only a row's first commands, before its histogram exists, miss it. */
	EXPECT_EQ(r->count - r->unbinned, h.count);
	EXPECT_LT(r->unbinned, r->count / 10);
}

TEST_HARNESS_MAIN
