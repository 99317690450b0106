// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input to the statistics ioctls: each malformed call gets its own
 * errno, and none of them changes anything.
 */
#include "csd_lib.h"
#include "csd_harness.h"

static struct csd_stat_row rows[64];
static struct csd_status_entry sts[64];
static struct csd_zone_entry zents[8];
static __u64 buckets[CSD_HIST_BUCKETS];

enum { NS_ZNS = -1, NS_CONV = -2 };

struct bad_case {
	const char *name;
	unsigned long cmd;
	int ns;			/* NS_ZNS, NS_CONV or a literal id */
	void (*mangle)(void *arg);
	int err;
};

/* Good arguments for each ioctl, which each case then breaks. */
static void good_stats(struct csd_ns_stats *a, int ns)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->ns_id = ns;
	a->row_count = 64;
	a->row_size = sizeof(rows[0]);
	a->rows = (__u64)(unsigned long)rows;
	a->status_count = 64;
	a->status_size = sizeof(sts[0]);
	a->statuses = (__u64)(unsigned long)sts;
}

static void good_hist(struct csd_hist *a, int ns)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->ns_id = ns;
	a->op = CSD_OP_READ;
	a->size_class = CSD_SZ_ALL;
	a->nr_buckets = CSD_HIST_BUCKETS;
	a->buckets = (__u64)(unsigned long)buckets;
}

static void good_zones(struct csd_zone_stats *a, int ns)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->ns_id = ns;
	a->count = 8;
	a->entry_size = sizeof(zents[0]);
	a->entries = (__u64)(unsigned long)zents;
}

static void good_reset(struct csd_reset *a, int ns)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->ns_id = ns;
}

static void good_config(struct csd_config *a, int ns)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->ns_id = ns;
	a->flags = CSD_CFG_F_ENABLE;
}

#define M(name, type, body) \
	static void name(void *p) { type *a = p; body; }

M(st_flags, struct csd_ns_stats, a->flags = 1)
M(st_pad, struct csd_ns_stats, a->pad = 1)
M(st_reserved, struct csd_ns_stats, a->reserved[4] = 1)
M(st_small, struct csd_ns_stats, a->size = CSD_NS_STATS_SIZE_VER0 - 8)
M(st_row_size, struct csd_ns_stats, a->row_size = 8)
M(st_row_huge, struct csd_ns_stats, a->row_size = 1 << 16)
M(st_status_size, struct csd_ns_stats, a->status_size = 4)
M(st_rows_null, struct csd_ns_stats, a->rows = 0)
M(st_rows_bad, struct csd_ns_stats, a->rows = 16)
M(none, void, (void)a)
M(h_flags, struct csd_hist, a->flags = 2)
M(h_op, struct csd_hist, a->op = CSD_OP_NR)
M(h_sc, struct csd_hist, a->size_class = CSD_SZ_NR)
M(h_zone_no_flag, struct csd_hist, a->zone = 3)
M(h_zone_op, struct csd_hist, { a->flags = CSD_HIST_F_ZONE; a->op = CSD_OP_FLUSH; })
M(h_zone_sc, struct csd_hist, { a->flags = CSD_HIST_F_ZONE; a->size_class = CSD_SZ_4K; })
M(h_zone_range, struct csd_hist, { a->flags = CSD_HIST_F_ZONE; a->zone = 1 << 20; })
M(h_short, struct csd_hist, a->nr_buckets = 10)
M(h_null, struct csd_hist, a->buckets = 0)
M(h_bad, struct csd_hist, a->buckets = 16)
M(h_reserved, struct csd_hist, a->reserved[0] = 1)
M(z_start, struct csd_zone_stats, a->start = 1 << 20)
M(z_esize, struct csd_zone_stats, a->entry_size = 16)
M(z_null, struct csd_zone_stats, a->entries = 0)
M(z_bad, struct csd_zone_stats, a->entries = 16)
M(z_flags, struct csd_zone_stats, a->flags = 1)
M(r_flags, struct csd_reset, a->flags = 1)
M(r_pad, struct csd_reset, a->pad = 1)
M(c_noflags, struct csd_config, a->flags = 0)
M(c_unknown, struct csd_config, a->flags = 1 << 7)
M(c_both, struct csd_config, a->flags = CSD_CFG_F_ENABLE | CSD_CFG_F_DISABLE)
M(c_stray_region, struct csd_config, a->region_sectors = 4096)
M(c_region_zoned, struct csd_config, { a->flags = CSD_CFG_F_REGION; a->region_sectors = 4096; })
M(c_region_small, struct csd_config, { a->flags = CSD_CFG_F_REGION; a->region_sectors = 1024; })
M(c_region_npot, struct csd_config, { a->flags = CSD_CFG_F_REGION; a->region_sectors = 3 * 2048; })
M(c_reserved, struct csd_config, a->reserved[3] = 1)
M(c_region_huge, struct csd_config, { a->flags = CSD_CFG_F_REGION; a->region_sectors = 1ULL << 32; })
M(st_huge_size, struct csd_ns_stats, a->size = 1 << 20)

static const struct bad_case cases[] = {
	{ "stats: unknown namespace", CSD_IOC_NS_STATS, 999999, none, ENODEV },
	{ "stats: unknown flags", CSD_IOC_NS_STATS, NS_ZNS, st_flags, EINVAL },
	{ "stats: pad", CSD_IOC_NS_STATS, NS_ZNS, st_pad, EINVAL },
	{ "stats: reserved", CSD_IOC_NS_STATS, NS_ZNS, st_reserved, EINVAL },
	{ "stats: struct too small", CSD_IOC_NS_STATS, NS_ZNS, st_small, EINVAL },
	{ "stats: row size too small", CSD_IOC_NS_STATS, NS_ZNS, st_row_size, EINVAL },
	{ "stats: row size too big", CSD_IOC_NS_STATS, NS_ZNS, st_row_huge, EINVAL },
	{ "stats: status size too small", CSD_IOC_NS_STATS, NS_ZNS, st_status_size, EINVAL },
	{ "stats: rows NULL", CSD_IOC_NS_STATS, NS_ZNS, st_rows_null, EFAULT },
	{ "stats: rows unmapped", CSD_IOC_NS_STATS, NS_ZNS, st_rows_bad, EFAULT },
	{ "hist: unknown namespace", CSD_IOC_GET_HIST, 999999, none, ENODEV },
	{ "hist: unknown flags", CSD_IOC_GET_HIST, NS_ZNS, h_flags, EINVAL },
	{ "hist: unknown op", CSD_IOC_GET_HIST, NS_ZNS, h_op, EINVAL },
	{ "hist: unknown size class", CSD_IOC_GET_HIST, NS_ZNS, h_sc, EINVAL },
	{ "hist: zone without flag", CSD_IOC_GET_HIST, NS_ZNS, h_zone_no_flag, EINVAL },
	{ "hist: zone and non-I/O op", CSD_IOC_GET_HIST, NS_ZNS, h_zone_op, EINVAL },
	{ "hist: zone and size class", CSD_IOC_GET_HIST, NS_ZNS, h_zone_sc, EINVAL },
	{ "hist: zone out of range", CSD_IOC_GET_HIST, NS_ZNS, h_zone_range, ERANGE },
	{ "hist: buffer too small", CSD_IOC_GET_HIST, NS_ZNS, h_short, EINVAL },
	{ "hist: buckets NULL", CSD_IOC_GET_HIST, NS_ZNS, h_null, EFAULT },
	{ "hist: buckets unmapped", CSD_IOC_GET_HIST, NS_ZNS, h_bad, EFAULT },
	{ "hist: reserved", CSD_IOC_GET_HIST, NS_ZNS, h_reserved, EINVAL },
	{ "zones: unknown namespace", CSD_IOC_ZONE_STATS, 999999, none, ENODEV },
	{ "zones: start out of range", CSD_IOC_ZONE_STATS, NS_ZNS, z_start, ERANGE },
	{ "zones: entry size too small", CSD_IOC_ZONE_STATS, NS_ZNS, z_esize, EINVAL },
	{ "zones: entries NULL", CSD_IOC_ZONE_STATS, NS_ZNS, z_null, EFAULT },
	{ "zones: entries unmapped", CSD_IOC_ZONE_STATS, NS_ZNS, z_bad, EFAULT },
	{ "zones: unknown flags", CSD_IOC_ZONE_STATS, NS_ZNS, z_flags, EINVAL },
	{ "reset: unknown namespace", CSD_IOC_RESET, 999999, none, ENODEV },
	{ "reset: unknown flags", CSD_IOC_RESET, NS_ZNS, r_flags, EINVAL },
	{ "reset: pad", CSD_IOC_RESET, NS_ZNS, r_pad, EINVAL },
	{ "config: unknown namespace", CSD_IOC_CONFIG, 999999, none, ENODEV },
	{ "config: no flags", CSD_IOC_CONFIG, NS_CONV, c_noflags, EINVAL },
	{ "config: unknown flags", CSD_IOC_CONFIG, NS_CONV, c_unknown, EINVAL },
	{ "config: enable and disable", CSD_IOC_CONFIG, NS_CONV, c_both, EINVAL },
	{ "config: region without flag", CSD_IOC_CONFIG, NS_CONV, c_stray_region, EINVAL },
	{ "config: region on zoned", CSD_IOC_CONFIG, NS_ZNS, c_region_zoned, EINVAL },
	{ "config: region too small", CSD_IOC_CONFIG, NS_CONV, c_region_small, ERANGE },
	{ "config: region not a power of 2", CSD_IOC_CONFIG, NS_CONV, c_region_npot, ERANGE },
	{ "config: reserved", CSD_IOC_CONFIG, NS_CONV, c_reserved, EINVAL },
	{ "config: region of 2 TiB (once a division by zero)", CSD_IOC_CONFIG, NS_CONV,
	  c_region_huge, ERANGE },
	{ "stats: struct size of 1 MiB", CSD_IOC_NS_STATS, NS_ZNS, st_huge_size, E2BIG },
};

FIXTURE(bad) {
	int fd;
	int zns, conv;
};

FIXTURE_SETUP(bad)
{
	struct csd_ns_entry e;

	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 3, 4096, 0));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 3, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_zns()->disk, &e));
	self->zns = e.id;
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &e));
	self->conv = e.id;
}

FIXTURE_TEARDOWN(bad)
{
	close(self->fd);
}

static void prepare(const struct bad_case *c, void *arg, int ns)
{
	switch (c->cmd) {
	case CSD_IOC_NS_STATS:
		good_stats(arg, ns);
		break;
	case CSD_IOC_GET_HIST:
		good_hist(arg, ns);
		break;
	case CSD_IOC_ZONE_STATS:
		good_zones(arg, ns);
		break;
	case CSD_IOC_RESET:
		good_reset(arg, ns);
		break;
	case CSD_IOC_CONFIG:
		good_config(arg, ns);
		break;
	}
}

/* Every case fails with its errno; the unbroken call succeeds. */
TEST_F(bad, table)
{
	struct csd_ns_entry before[2], after[2];
	union {
		struct csd_ns_stats st;
		struct csd_hist h;
		struct csd_zone_stats z;
		struct csd_reset r;
		struct csd_config c;
		unsigned char raw[512];
	} arg;
	unsigned int i, failed = 0;

	ASSERT_EQ(0, csd_find_ns(self->fd, csd_zns()->disk, &before[0]));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &before[1]));

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		int ns = c->ns == NS_ZNS ? self->zns : c->ns == NS_CONV ? self->conv : c->ns;
		int ret, err;

		memset(&arg, 0, sizeof(arg));
		prepare(c, &arg, ns);
		/* The unbroken call works (skip the ones broken by their namespace). */
		if (c->mangle != none && c->cmd != CSD_IOC_RESET) {
			ret = ioctl(self->fd, c->cmd, &arg);
			if (ret) {
				TH_LOG("%s: the good call failed: %s", c->name, strerror(errno));
				failed++;
			}
			prepare(c, &arg, ns);
		}
		c->mangle(&arg);
		ret = ioctl(self->fd, c->cmd, &arg);
		err = ret ? errno : 0;
		if (err != c->err) {
			TH_LOG("%s: got %s, want %s", c->name, err ? strerror(err) : "success",
			       strerror(c->err));
			failed++;
		}
	}
	EXPECT_EQ(0, failed);

	/* Nothing changed: no reset happened, the region size is the same. */
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_zns()->disk, &after[0]));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &after[1]));
	EXPECT_EQ(before[0].submitted, after[0].submitted);
	EXPECT_EQ(before[1].submitted, after[1].submitted);
	EXPECT_EQ(before[1].region_sectors, after[1].region_sectors);
	EXPECT_EQ(before[0].region_sectors, after[0].region_sectors);
	EXPECT_FALSE(after[1].flags & CSD_NS_F_DISABLED);
}

/* Longer structs: a non-zero tail is E2BIG, a zero tail works. */
TEST_F(bad, longer_structs)
{
	struct {
		struct csd_hist h;
		__u64 tail[2];
	} big;

	good_hist(&big.h, self->zns);
	big.h.size = sizeof(big);
	big.tail[0] = 0;
	big.tail[1] = 0;
	EXPECT_EQ(0, ioctl(self->fd, CSD_IOC_GET_HIST, &big));
	EXPECT_EQ(sizeof(struct csd_hist), big.h.size);
	good_hist(&big.h, self->zns);
	big.h.size = sizeof(big);
	big.tail[1] = 7;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_GET_HIST, &big));
	EXPECT_EQ(E2BIG, errno);
}

/* State-changing ioctls need CAP_SYS_ADMIN, even on an fd opened by root. */
TEST_F(bad, unprivileged_with_root_fd)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct csd_reset r;
		struct csd_config c;
		struct csd_ns_stats st;
		int ok = 1;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		good_reset(&r, self->zns);
		if (ioctl(self->fd, CSD_IOC_RESET, &r) != -1 || errno != EPERM)
			ok = 0;
		good_reset(&r, 0);
		if (ioctl(self->fd, CSD_IOC_RESET, &r) != -1 || errno != EPERM)
			ok = 0;
		good_config(&c, self->conv);
		c.flags = CSD_CFG_F_DISABLE;
		if (ioctl(self->fd, CSD_IOC_CONFIG, &c) != -1 || errno != EPERM)
			ok = 0;
		/* Reading is allowed on an fd the owner handed over. */
		good_stats(&st, self->zns);
		if (ioctl(self->fd, CSD_IOC_NS_STATS, &st))
			ok = 0;
		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
