// SPDX-License-Identifier: GPL-2.0
/*
 * Exact I/O counting: N commands issued means N counted, on the right
 * namespace, with admin commands kept apart.
 */
#include <linux/nvme_ioctl.h>

#include "csd_lib.h"
#include "csd_harness.h"

FIXTURE(io) {
	int fd;
};

FIXTURE_SETUP(io)
{
	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	/* Make sure both namespaces are known: one read each. */
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 1, 4096, 0));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, 4096, 0));
}

FIXTURE_TEARDOWN(io)
{
	close(self->fd);
}

static void snap(struct __test_metadata *_metadata, int fd,
		 struct csd_ns_entry *zns, struct csd_ns_entry *conv,
		 struct csd_info *info)
{
	ASSERT_EQ(0, csd_find_ns(fd, csd_zns()->disk, zns));
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, conv));
	ASSERT_EQ(0, csd_info(fd, info));
}

TEST_F(io, namespaces_described)
{
	struct csd_ns_entry zns, conv;
	struct csd_info info;
	char ctrl[32];

	snap(_metadata, self->fd, &zns, &conv, &info);
	EXPECT_EQ(csd_zns()->nsid, zns.nsid);
	EXPECT_EQ(csd_conv()->nsid, conv.nsid);
	EXPECT_NE(zns.nsid, conv.nsid);
	ASSERT_EQ(0, csd_ctrl_by_serial(CSD_SERIAL, ctrl, sizeof(ctrl)));
	EXPECT_STREQ(ctrl, zns.ctrl);
	EXPECT_STREQ(ctrl, conv.ctrl);
	EXPECT_TRUE(zns.flags & CSD_NS_F_ZONED);
	EXPECT_FALSE(conv.flags & CSD_NS_F_ZONED);
	EXPECT_EQ(12, zns.lba_shift);
	EXPECT_EQ(12, conv.lba_shift);
	EXPECT_NE(0, zns.zone_sectors);
	EXPECT_EQ(zns.capacity / zns.zone_sectors, zns.nr_zones);
	EXPECT_EQ(0, conv.nr_zones);
	EXPECT_GE(info.nr_namespaces, 2);
}

/* Exactly N O_DIRECT reads on one namespace: N counted there, 0 elsewhere. */
TEST_F(io, direct_reads_exact)
{
	const int n = 137;
	struct csd_ns_entry z0, c0, z1, c1;
	struct csd_info i0, i1;

	snap(_metadata, self->fd, &z0, &c0, &i0);
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, n, 4096, 8192));
	snap(_metadata, self->fd, &z1, &c1, &i1);
	EXPECT_EQ(n, c1.submitted - c0.submitted);
	EXPECT_EQ(n, c1.completed - c0.completed);
	EXPECT_EQ(0, z1.submitted - z0.submitted);
	EXPECT_EQ(0, z1.completed - z0.completed);
	EXPECT_EQ(c1.submitted, c1.completed);
	EXPECT_EQ(0, i1.untracked);

	/* And on the zoned namespace. */
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 41, 16384, 4 << 20));
	snap(_metadata, self->fd, &z0, &c0, &i0);
	EXPECT_EQ(41, z0.submitted - z1.submitted);
	EXPECT_EQ(41, z0.completed - z1.completed);
	EXPECT_EQ(0, c0.submitted - c1.submitted);
}

static int admin_identify_ctrl(int fd)
{
	unsigned char id[4096];
	struct nvme_admin_cmd cmd = {
		.opcode = 0x06,		/* identify */
		.addr = (__u64)(unsigned long)id,
		.data_len = sizeof(id),
		.cdw10 = 1,		/* CNS: controller */
	};

	return ioctl(fd, NVME_IOCTL_ADMIN_CMD, &cmd);
}

/*
 * Open the emulated controller's character device (name @ctrl) and send
 * one identify, so that csd has its admin entry; the fd, or -1.
 */
static int open_ctrl_identified(char *ctrl, size_t len)
{
	char path[64];
	int fd;

	if (csd_ctrl_by_serial(CSD_SERIAL, ctrl, len))
		return -1;
	snprintf(path, sizeof(path), "/dev/%s", ctrl);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0 && admin_identify_ctrl(fd)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * CSD_IOC_RESET of everything (ns_id 0) with an admin entry present, and
 * of the admin entry alone: both succeed and zero what they reset (an
 * admin entry has no region size to check).
 */
TEST_F(io, reset_with_admin_entries)
{
	static struct csd_ns_entry ents[64];
	struct csd_ns_list l = {
		.size = sizeof(l), .count = 64, .entry_size = sizeof(ents[0]),
		.entries = (__u64)(unsigned long)ents,
	};
	struct csd_reset r = { .size = sizeof(r) };
	unsigned int i, found;
	struct csd_ns_entry a;
	char ctrl[32];
	int fd;

	fd = open_ctrl_identified(ctrl, sizeof(ctrl));
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_find_admin(self->fd, ctrl, &a));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 3, 4096, 0));
	EXPECT_EQ(0, ioctl(self->fd, CSD_IOC_RESET, &r));
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_LIST_NS, &l));
	/* The two this test used (the kernel may send others commands). */
	for (i = 0, found = 0; i < l.count; i++) {
		if (ents[i].id != a.id && strcmp(ents[i].disk, csd_conv()->disk))
			continue;
		EXPECT_EQ(0, ents[i].submitted);
		EXPECT_EQ(0, ents[i].completed);
		found++;
	}
	EXPECT_EQ(2, found);
	ASSERT_EQ(0, admin_identify_ctrl(fd));
	r.ns_id = a.id;
	EXPECT_EQ(0, ioctl(self->fd, CSD_IOC_RESET, &r));
	ASSERT_EQ(0, csd_find_admin(self->fd, ctrl, &a));
	EXPECT_EQ(0, a.submitted);
	close(fd);
}

/* Admin commands count as admin, per controller, never as namespace I/O. */
TEST_F(io, admin_not_counted_as_io)
{
	struct csd_ns_entry z0, c0, z1, c1, a0, a1;
	static struct csd_snap st;
	struct csd_info i0, i1;
	unsigned int i, found = 0;
	char ctrl[32];
	int fd;

	fd = open_ctrl_identified(ctrl, sizeof(ctrl));	/* the admin entry exists */
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_find_admin(self->fd, ctrl, &a0));
	snap(_metadata, self->fd, &z0, &c0, &i0);
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, admin_identify_ctrl(fd));
	snap(_metadata, self->fd, &z1, &c1, &i1);
	ASSERT_EQ(0, csd_find_admin(self->fd, ctrl, &a1));
	close(fd);
	EXPECT_EQ(5, i1.admin_submitted - i0.admin_submitted);
	EXPECT_EQ(5, i1.admin_completed - i0.admin_completed);
	EXPECT_EQ(0, z1.submitted - z0.submitted);
	EXPECT_EQ(0, c1.submitted - c0.submitted);
	/* Per controller: the admin entry counted exactly those 5. */
	EXPECT_EQ(5, a1.submitted - a0.submitted);
	EXPECT_EQ(5, a1.completed - a0.completed);
	EXPECT_EQ(0, a1.nsid);
	EXPECT_STREQ("", a1.disk);
	/* And by admin opcode: identify (0x06), with latencies. */
	ASSERT_EQ(0, csd_snap_take(self->fd, a1.id, &st));
	for (i = 0; i < st.st.row_count; i++) {
		if (st.rows[i].op != CSD_OP_OTHER || st.rows[i].opcode != 0x06)
			continue;
		found++;
		EXPECT_GE(st.rows[i].count, 6);
		EXPECT_NE(0, st.rows[i].lat_min_ns);
		EXPECT_LE(st.rows[i].lat_min_ns, st.rows[i].lat_max_ns);
	}
	EXPECT_EQ(1, found);
}

/* Passthrough I/O commands on the namespace are I/O on that namespace. */
TEST_F(io, passthrough_read_counted)
{
	struct csd_ns_entry z0, c0, z1, c1;
	struct csd_info i0, i1;
	void *buf;
	int i, fd;

	ASSERT_EQ(0, posix_memalign(&buf, 4096, 4096));
	fd = open(csd_conv()->path, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	snap(_metadata, self->fd, &z0, &c0, &i0);
	for (i = 0; i < 7; i++) {
		struct nvme_passthru_cmd cmd = {
			.opcode = 0x02,		/* read */
			.nsid = csd_conv()->nsid,
			.addr = (__u64)(unsigned long)buf,
			.data_len = 4096,
			.cdw10 = i,		/* slba */
			.cdw12 = 0,		/* nlb - 1 */
		};

		ASSERT_EQ(0, ioctl(fd, NVME_IOCTL_IO_CMD, &cmd));
	}
	snap(_metadata, self->fd, &z1, &c1, &i1);
	close(fd);
	free(buf);
	EXPECT_EQ(7, c1.submitted - c0.submitted);
	EXPECT_EQ(7, c1.completed - c0.completed);
	EXPECT_EQ(0, z1.submitted - z0.submitted);
	EXPECT_EQ(0, i1.admin_submitted - i0.admin_submitted);
}

/* debugfs shows the same counters as the ioctl. */
TEST_F(io, debugfs_matches_ioctl)
{
	struct csd_ns_entry z, c;
	struct csd_info info;
	char line[512], disk[64];
	unsigned long long sub, comp;
	unsigned int found = 0;
	FILE *f;

	snap(_metadata, self->fd, &z, &c, &info);
	f = fopen("/sys/kernel/debug/csd/namespaces", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));	/* header */
	while (fgets(line, sizeof(line), f)) {
		ASSERT_EQ(3, sscanf(line, "%*u %63s %*s %*u %*u %*u %*u %*u %*u %llu %llu",
				    disk, &sub, &comp));
		if (!strcmp(disk, csd_conv()->disk)) {
			EXPECT_EQ(c.submitted, sub);
			EXPECT_EQ(c.completed, comp);
			found++;
		}
	}
	fclose(f);
	EXPECT_EQ(1, found);
}

TEST_HARNESS_MAIN
