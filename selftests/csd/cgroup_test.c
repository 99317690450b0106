// SPDX-License-Identifier: GPL-2.0
/*
 * Who caused the I/O: csd's rows per (cgroup, operation) (CSD_IOC_CGROUP_STATS,
 * csdctl stats --by-cgroup / --cgroup, Prometheus, the trace's cgroup_id
 * and filter), against counts only fio knows, in cgroup v2.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "csd_lib.h"
#include "csd_harness.h"

#define CG_ROOT		"/sys/fs/cgroup"
#define CG_DIR		CG_ROOT "/csdtest"
#define CGROUP2_MAGIC	0x63677270
#define REC		sizeof(struct csd_trace_rec)

/* The cgroup id of @path: the inode number of its directory. */
static __u64 cg_id(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

static int cg_stats(int fd, __u32 ns_id, struct csd_cgroup_entry *e, __u32 max,
		    struct csd_cgroup_stats *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->ns_id = ns_id;
	a->count = max;
	a->entry_size = sizeof(*e);
	a->entries = (__u64)(unsigned long)e;
	return ioctl(fd, CSD_IOC_CGROUP_STATS, a);
}

/* The row of (@id, @op) among @n, or NULL. */
static const struct csd_cgroup_entry *cg_row(const struct csd_cgroup_entry *e, __u32 n,
					     __u64 id, __u32 op)
{
	__u32 i;

	for (i = 0; i < n; i++)
		if (e[i].cgroup_id == id && e[i].op == op)
			return &e[i];
	return NULL;
}

static __u64 cg_count(const struct csd_cgroup_entry *e, __u32 n, __u64 id, __u32 op)
{
	const struct csd_cgroup_entry *r = cg_row(e, n, id, op);

	return r ? r->count : 0;
}

/* Run shell command @cmd as a member of cgroup @name (under CG_DIR). */
static int cg_run(const char *name, const char *cmd)
{
	char buf[2048];
	int n;

	n = snprintf(buf, sizeof(buf), "sh -c 'echo $$ > %s/%s/cgroup.procs && exec %s'",
		     CG_DIR, name, cmd);
	return n < (int)sizeof(buf) ? csd_run(buf) : -1;
}

/* fio's own count of one direction, from its JSON in @file. */
static long fio_ios(const char *file, const char *dir)
{
	char cmd[256], out[64];
	FILE *p;
	long v = -1;

	snprintf(cmd, sizeof(cmd), "jq '.jobs[0].%s.total_ios' %s", dir, file);
	p = popen(cmd, "r");
	if (p && fgets(out, sizeof(out), p))
		v = strtol(out, NULL, 10);
	if (p)
		pclose(p);
	return v;
}

FIXTURE(cg) {
	int fd;
	struct csd_ns_entry conv;
	__u64 root_id;
};

FIXTURE_SETUP(cg)
{
	struct statfs sf;
	char cmd[256];
	int i;

	if (statfs(CG_ROOT, &sf) || sf.f_type != CGROUP2_MAGIC)
		ASSERT_EQ(0, mount("none", CG_ROOT, "cgroup2", 0, NULL));
	/* Give the children their own io (blkcg) cgroups. */
	ASSERT_EQ(0, csd_write_str(CG_ROOT "/cgroup.subtree_control", "+io"));
	mkdir(CG_DIR, 0755);
	ASSERT_EQ(0, csd_write_str(CG_DIR "/cgroup.subtree_control", "+io"));
	for (i = 0; i < 20; i++) {
		snprintf(cmd, sizeof(cmd), CG_DIR "/g%02d", i);
		mkdir(cmd, 0755);
	}
	self->root_id = cg_id(CG_ROOT);
	ASSERT_NE(0, self->root_id);
	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &self->conv));
	ASSERT_EQ(0, csd_reset_ns(self->fd, self->conv.id));
}

FIXTURE_TEARDOWN(cg)
{
	csd_run("rmdir " CG_DIR "/g* " CG_DIR " 2>/dev/null");
	close(self->fd);
}

/*
 * fio in two cgroups at once, each a random mix of reads and writes whose
 * split only fio knows: csd's rows per cgroup and operation equal fio's
 * counts exactly; a passthrough command from inside a cgroup (no bio
 * blkcg) goes to the root; csdctl and Prometheus say the same.
 */
TEST_F(cg, fio_in_two_cgroups_is_exact)
{
	struct csd_cgroup_entry e[CSD_OP_NR * (CSD_CGROUP_SLOTS + 1)];
	__u64 a = cg_id(CG_DIR "/g00"), b = cg_id(CG_DIR "/g01");
	long ar, aw, br, bw;
	struct csd_cgroup_stats st;
	char cmd[2048], out[4096];
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "sh -c 'echo $$ > " CG_DIR "/g00/cgroup.procs && exec " CSD_FIO
		 "--name=a --filename=%s --direct=1 --ioengine=psync --rw=randrw --rwmixread=60 "
		 "--bs=4k --size=16M --number_ios=400 --output-format=json > /tmp/fio-a.json' & "
		 "sh -c 'echo $$ > " CG_DIR "/g01/cgroup.procs && exec " CSD_FIO
		 "--name=b --filename=%s --direct=1 --ioengine=psync --rw=randrw --rwmixread=30 "
		 "--bs=8k --size=16M --offset=32M --number_ios=300 --output-format=json > /tmp/fio-b.json' & "
		 "wait", csd_conv()->path, csd_conv()->path);
	ASSERT_EQ(0, csd_run(cmd));
	ar = fio_ios("/tmp/fio-a.json", "read");
	aw = fio_ios("/tmp/fio-a.json", "write");
	br = fio_ios("/tmp/fio-b.json", "read");
	bw = fio_ios("/tmp/fio-b.json", "write");
	ASSERT_EQ(400, ar + aw);
	ASSERT_EQ(300, br + bw);
	/*
	 * A command without a bio (a passthrough flush) from inside g00: no
	 * cgroup, so the root's. (A passthrough with data has a bio, which
	 * 6.1 attributes to the issuer's cgroup and 6.12 to none.)
	 */
	snprintf(cmd, sizeof(cmd), "nvme flush %s > /dev/null 2>&1", csd_conv()->path);
	ASSERT_EQ(0, cg_run("g00", cmd));

	ASSERT_EQ(0, cg_stats(self->fd, self->conv.id, e, ARRAY_SIZE(e), &st));
	EXPECT_EQ(CSD_CGROUP_SLOTS, st.slots);
	EXPECT_EQ(3, st.slots_used);
	EXPECT_EQ(st.total, st.count);
	EXPECT_EQ(sizeof(struct csd_cgroup_entry), st.entry_size);
	EXPECT_EQ(ar, cg_count(e, st.count, a, CSD_OP_READ));
	EXPECT_EQ(aw, cg_count(e, st.count, a, CSD_OP_WRITE));
	EXPECT_EQ(br, cg_count(e, st.count, b, CSD_OP_READ));
	EXPECT_EQ(bw, cg_count(e, st.count, b, CSD_OP_WRITE));
	EXPECT_EQ(1, cg_count(e, st.count, self->root_id, CSD_OP_FLUSH));
	EXPECT_EQ(5, st.total);		/* a and b: read and write; root: flush */
	/* Bytes are exact too, and the latency sums are there. */
	ASSERT_NE(NULL, cg_row(e, st.count, b, CSD_OP_WRITE));
	EXPECT_EQ(bw * 8192, cg_row(e, st.count, b, CSD_OP_WRITE)->bytes);
	EXPECT_LT(0, cg_row(e, st.count, b, CSD_OP_WRITE)->lat_sum_ns);
	EXPECT_LT(0, cg_row(e, st.count, b, CSD_OP_WRITE)->lat_max_ns);
	EXPECT_EQ(0, cg_row(e, st.count, b, CSD_OP_WRITE)->errors);
	EXPECT_LE(cg_row(e, st.count, b, CSD_OP_WRITE)->lat_max_ns,
		  cg_row(e, st.count, b, CSD_OP_WRITE)->lat_sum_ns);

	/* csdctl: by path, in JSON, and in Prometheus. */
	snprintf(cmd, sizeof(cmd),
		 "csdctl stats %s --cgroup /csdtest/g01 --json | jq -r '.[0].cgroups[] | "
		 "\"\\(.cgroup) \\(.op) \\(.count)\"'", csd_conv()->disk);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	out[fread(out, 1, sizeof(out) - 1, p)] = 0;
	pclose(p);
	snprintf(cmd, sizeof(cmd), "/csdtest/g01 read %ld\n/csdtest/g01 write %ld\n", br, bw);
	EXPECT_STREQ(cmd, out);
	snprintf(cmd, sizeof(cmd),
		 "csdctl stats --prometheus | grep -qx 'csd_cgroup_commands_total{disk=\"%s\","
		 "cgroup=\"/csdtest/g00\",op=\"read\"} %ld'", csd_conv()->disk, ar);
	EXPECT_EQ(0, csd_run(cmd));
	snprintf(cmd, sizeof(cmd), "csdctl stats %s --by-cgroup | grep -q '^/csdtest/g00 '",
		 csd_conv()->disk);
	EXPECT_EQ(0, csd_run(cmd));
	EXPECT_EQ(1, csd_run("csdctl stats --cgroup /nosuch 2>/dev/null"));
	EXPECT_EQ(2, csd_run("csdctl stats --by-cgroup --prometheus 2>/dev/null"));
}

/*
 * One read each from 18 cgroups, one after another: the first 16 get
 * their rows, the last two share (other), and nothing is lost.
 */
TEST_F(cg, cgroups_past_the_slots_share_other)
{
	struct csd_cgroup_entry e[CSD_OP_NR * (CSD_CGROUP_SLOTS + 1)];
	struct csd_cgroup_stats st;
	char name[16], cmd[400];
	__u64 sum = 0;
	__u32 i;

	snprintf(cmd, sizeof(cmd), "dd if=%s of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null",
		 csd_conv()->path);
	for (i = 0; i < 18; i++) {
		snprintf(name, sizeof(name), "g%02u", i);
		ASSERT_EQ(0, cg_run(name, cmd));
	}
	ASSERT_EQ(0, cg_stats(self->fd, self->conv.id, e, ARRAY_SIZE(e), &st));
	EXPECT_EQ(CSD_CGROUP_SLOTS, st.slots_used);
	for (i = 0; i < 18; i++) {
		snprintf(cmd, sizeof(cmd), CG_DIR "/g%02u", i);
		EXPECT_EQ(i < CSD_CGROUP_SLOTS, cg_count(e, st.count, cg_id(cmd), CSD_OP_READ))
			TH_LOG("cgroup g%02u", i);
	}
	EXPECT_EQ(2, cg_count(e, st.count, 0, CSD_OP_READ));
	for (i = 0; i < st.count; i++)
		sum += e[i].count;
	EXPECT_EQ(18, sum);
}

/* The trace names each command's cgroup, and filters by it. */
TEST_F(cg, trace_carries_and_filters_the_cgroup)
{
	struct csd_trace_open t = {
		.size = sizeof(t), .ns_id = self->conv.id,
		.flags = CSD_TRACE_F_CGROUP | CSD_TRACE_F_NONBLOCK,
		.cgroup_id = cg_id(CG_DIR "/g02"),
	};
	struct csd_trace_rec recs[16];
	char cmd[400];
	ssize_t n;
	int tfd, i;

	ASSERT_NE(0, t.cgroup_id);
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_TRACE, &t));
	tfd = t.fd;
	snprintf(cmd, sizeof(cmd), "dd if=%s of=/dev/null bs=4k count=2 iflag=direct 2>/dev/null",
		 csd_conv()->path);
	ASSERT_EQ(0, cg_run("g02", cmd));
	snprintf(cmd, sizeof(cmd), "dd if=%s of=/dev/null bs=4k count=3 iflag=direct 2>/dev/null",
		 csd_conv()->path);
	ASSERT_EQ(0, cg_run("g03", cmd));
	n = read(tfd, recs, sizeof(recs));
	close(tfd);
	ASSERT_EQ(2 * REC, n);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(t.cgroup_id, recs[i].cgroup_id);
		EXPECT_EQ(CSD_OP_READ, recs[i].op);
	}
}

/* Bad arguments: a clear errno, and nothing changes. */
TEST_F(cg, bad_arguments)
{
	struct csd_cgroup_entry e[4];
	struct csd_cgroup_stats st;
	union {
		struct csd_cgroup_stats st;
		char b[sizeof(struct csd_cgroup_stats) + 8];
	} big;
	struct csd_trace_open t;
	struct csd_ns_entry admin;

	ASSERT_EQ(0, cg_stats(self->fd, self->conv.id, e, 4, &st));
	st.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_CGROUP_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, cg_stats(self->fd, self->conv.id, e, 4, &st));
	st.reserved[3] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_CGROUP_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, cg_stats(self->fd, self->conv.id, e, 4, &st));
	st.entry_size = CSD_CGROUP_ENTRY_SIZE_VER0 - 8;
	st.count = 4;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_CGROUP_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	/* Sizes: older than the first version, and bigger with a non-zero tail. */
	memset(&big, 0, sizeof(big));
	ASSERT_EQ(0, cg_stats(self->fd, self->conv.id, e, 4, &st));
	st.size = CSD_CGROUP_STATS_SIZE_VER0 - 8;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_CGROUP_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, cg_stats(self->fd, self->conv.id, e, 4, &st));
	big.st = st;
	big.st.size = sizeof(big);
	big.b[sizeof(st) + 3] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_CGROUP_STATS, &big));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_CGROUP_STATS, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, cg_stats(self->fd, 999999, e, 4, &st));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, cg_stats(self->fd, self->conv.id, NULL, 4, &st));
	EXPECT_EQ(EFAULT, errno);
	/* Only the total asked: nothing written. */
	EXPECT_EQ(0, cg_stats(self->fd, self->conv.id, NULL, 0, &st));
	EXPECT_EQ(0, st.count);
	/* An admin queue keeps no cgroup rows. */
	ASSERT_EQ(0, csd_find_admin(self->fd, NULL, &admin));
	EXPECT_EQ(-1, cg_stats(self->fd, admin.id, e, 4, &st));
	EXPECT_EQ(EINVAL, errno);
	/* The trace's cgroup: with its flag, and not 0. */
	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	t.flags = CSD_TRACE_F_CGROUP;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_TRACE, &t));
	EXPECT_EQ(EINVAL, errno);
	t.flags = 0;
	t.cgroup_id = 5;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_TRACE, &t));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
