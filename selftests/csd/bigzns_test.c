// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace with 4096 zones: exact per-zone counts at both ends, paging
 * through every zone, and at most 1 KiB of csd state per zone. And one
 * with 1M zones, more than csd keeps (CSD_REGIONS_MAX): zones folded into
 * regions under a fixed memory ceiling, exact per region. Each runs in its
 * own guest (make check boots one with CSD_ZNS_SIZE=16G, one with
 * CSD_ZNS_SIZE=64G CSD_ZONE_SIZE=64K); they skip elsewhere.
 */
#include "csd_lib.h"
#include "csd_harness.h"

#define PAGE_ZONES	256

FIXTURE(big) {
	int fd;
	struct csd_ns_entry e;
};

static int zone_reads(int fd, int ns_id, unsigned int z, __u64 *reads)
{
	struct csd_zone_entry e;
	struct csd_zone_stats a = {
		.size = sizeof(a), .ns_id = ns_id, .start = z, .count = 1,
		.entry_size = sizeof(e), .entries = (__u64)(unsigned long)&e,
	};

	if (ioctl(fd, CSD_IOC_ZONE_STATS, &a))
		return -1;
	*reads = e.io[CSD_ZIO_READ].count;
	return 0;
}

FIXTURE_SETUP(big)
{
	struct csd_reset r = { .size = sizeof(r) };
	__u64 n = 0;
	int i;

	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_NE(0, csd_zns()->disk[0]);
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 1, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_zns()->disk, &self->e));
	if (self->e.nr_zones != 4096)
		SKIP(return, "needs a zoned namespace with 4096 zones (CSD_ZNS_SIZE=16G)");
	/* The zone table of so many zones comes from a work item: wait for it. */
	for (i = 0; i < 200 && !n; i++) {
		ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 1, 4096, 0));
		ASSERT_EQ(0, zone_reads(self->fd, self->e.id, 0, &n));
		usleep(20000);
	}
	ASSERT_NE(0, n);
	r.ns_id = self->e.id;
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_RESET, &r));
}

FIXTURE_TEARDOWN(big)
{
	close(self->fd);
}

TEST_F(big, exact_at_both_ends_and_paged)
{
	static struct csd_zone_entry page[PAGE_ZONES];
	const __u64 zbytes = self->e.zone_sectors * 512;
	unsigned int start, i, seen = 0, busy = 0;
	__u64 total_reads = 0;

	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 11, 4096, 0));
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 12, 4096, 2047 * zbytes));
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 13, 4096, 4095 * zbytes));

	for (start = 0; start < self->e.nr_zones; start += PAGE_ZONES) {
		struct csd_zone_stats a = {
			.size = sizeof(a), .ns_id = self->e.id, .start = start,
			.count = PAGE_ZONES, .entry_size = sizeof(page[0]),
			.entries = (__u64)(unsigned long)page,
		};

		ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_ZONE_STATS, &a));
		ASSERT_EQ(4096, a.total);
		ASSERT_EQ(PAGE_ZONES, a.count);
		for (i = 0; i < a.count; i++) {
			ASSERT_EQ(start + i, page[i].index);
			total_reads += page[i].io[CSD_ZIO_READ].count;
			if (page[i].io[CSD_ZIO_READ].count)
				busy++;
			if (page[i].index == 0)
				EXPECT_EQ(11, page[i].io[CSD_ZIO_READ].count);
			if (page[i].index == 2047)
				EXPECT_EQ(12, page[i].io[CSD_ZIO_READ].count);
			if (page[i].index == 4095)
				EXPECT_EQ(13, page[i].io[CSD_ZIO_READ].count);
			seen++;
		}
	}
	EXPECT_EQ(4096, seen);
	EXPECT_EQ(3, busy);
	EXPECT_EQ(36, total_reads);
}

TEST_F(big, memory_per_zone)
{
	struct csd_ns_entry e;
	__u64 per_zone;

	ASSERT_EQ(0, csd_find_ns(self->fd, csd_zns()->disk, &e));
	/* All of csd's memory for the namespace, spread over its zones. */
	per_zone = e.mem_bytes / e.nr_regions;
	TH_LOG("%llu bytes for %llu zones: %llu bytes a zone, everything included",
	       (unsigned long long)e.mem_bytes, (unsigned long long)e.nr_regions,
	       (unsigned long long)per_zone);
	EXPECT_LE(per_zone, 1024);
}

#define MILLION		(1U << 20)
#define FOLD		(MILLION / CSD_REGIONS_MAX)

static int region_entry(int fd, int ns_id, unsigned int r, struct csd_zone_entry *e)
{
	struct csd_zone_stats a = {
		.size = sizeof(a), .ns_id = ns_id, .start = r, .count = 1,
		.entry_size = sizeof(*e), .entries = (__u64)(unsigned long)e,
	};

	return ioctl(fd, CSD_IOC_ZONE_STATS, &a) || a.count != 1 ? -1 : 0;
}

/*
 * 1M zones: csd keeps CSD_REGIONS_MAX regions of 16 zones each, under a
 * memory ceiling that does not grow with the zones. Reads and writes count
 * exactly in their region; a reset of every zone (one command, select
 * all) counts once on every region, without a loop over them in the
 * completion path; the debugfs view and csdctl read it all.
 */
TEST(million_zones_fold_under_the_ceiling)
{
	struct csd_reset r = { .size = sizeof(r) };
	struct csd_zone_entry z;
	struct csd_ns_entry e;
	char nr[32] = "", cmd[512];
	__u64 zbytes;
	int fd, i;

	if (csd_sysfs_read(csd_zns()->disk, "queue/nr_zones", nr, sizeof(nr)) ||
	    strtoul(nr, NULL, 10) != MILLION)
		SKIP(return, "needs a zoned namespace with 1M zones (CSD_ZNS_SIZE=64G CSD_ZONE_SIZE=64K)");
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_learn_ns(fd, csd_zns(), &e));
	EXPECT_EQ(MILLION, e.nr_zones);
	EXPECT_EQ(CSD_REGIONS_MAX, e.nr_regions);
	EXPECT_EQ(FOLD * e.zone_sectors, e.region_sectors);
	EXPECT_TRUE(e.flags & CSD_NS_F_FOLDED);

	/* Wait for the zone table (a work item), then start from zero. */
	for (i = 0; i < 250; i++, usleep(20000)) {
		ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 1, 4096, 0));
		ASSERT_EQ(0, region_entry(fd, e.id, 0, &z));
		if (z.io[CSD_ZIO_READ].count)
			break;
	}
	ASSERT_NE(0, z.io[CSD_ZIO_READ].count);
	/* The zone table is there: 1 KiB a region at most, whatever the zones. */
	ASSERT_EQ(0, csd_find_ns(fd, csd_zns()->disk, &e));
	TH_LOG("%llu bytes for %u zones in %llu regions", (unsigned long long)e.mem_bytes,
	       MILLION, (unsigned long long)e.nr_regions);
	EXPECT_LE(CSD_REGIONS_MAX * 512ULL, e.mem_bytes);
	EXPECT_LE(e.mem_bytes, CSD_REGIONS_MAX * 1024ULL + (4 << 20));
	r.ns_id = e.id;
	ASSERT_EQ(0, ioctl(fd, CSD_IOC_RESET, &r));

	zbytes = e.zone_sectors * 512;
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 5, 4096, 37 * zbytes));
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 6, 4096, (MILLION - 1) * zbytes));
	ASSERT_EQ(0, region_entry(fd, e.id, 37 / FOLD, &z));
	EXPECT_EQ(5, z.io[CSD_ZIO_READ].count);
	EXPECT_EQ(37 / FOLD * e.region_sectors, z.start_sector);
	ASSERT_EQ(0, region_entry(fd, e.id, CSD_REGIONS_MAX - 1, &z));
	EXPECT_EQ(6, z.io[CSD_ZIO_READ].count);

	/* Every zone reset by one command: once on each region. */
	ASSERT_EQ(0, zone_op(csd_zns()->path, BLKRESETZONE, 0, e.capacity));
	for (i = 0; i < 3; i++) {
		unsigned int k = i == 0 ? 0 : i == 1 ? 1234 : CSD_REGIONS_MAX - 1;

		ASSERT_EQ(0, region_entry(fd, e.id, k, &z));
		EXPECT_EQ(1, z.resets);
	}

	snprintf(cmd, sizeof(cmd), "n=$(wc -l < /sys/kernel/debug/csd/%s/zones) && [ $n -ge 3 ]",
		 csd_zns()->disk);
	EXPECT_EQ(0, csd_run(cmd));
	snprintf(cmd, sizeof(cmd), "csdctl zones %s | head -1 | grep -q '16 zones per region'",
		 csd_zns()->disk);
	EXPECT_EQ(0, csd_run(cmd));
	close(fd);
}

TEST_HARNESS_MAIN
