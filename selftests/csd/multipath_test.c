// SPDX-License-Identifier: GPL-2.0
/*
 * NVMe multipath: a namespace behind two controllers of one subsystem is a
 * head disk (nvme1n1) over hidden path disks (nvme1c0n1, nvme1c1n1) that
 * have no block device. csd counts the paths; the head must work too:
 * exec reads through it, a trace of its device has every path's commands,
 * and csdctl stats of the head shows its paths and their sum. Runs in the
 * multipath guest (make check boots one with CSD_MULTIPATH=1); skips
 * elsewhere.
 */
#include <sys/sysmacros.h>

#include "csd_lib.h"
#include "csd_harness.h"

#include <csd/hist.h>

#define REC	sizeof(struct csd_trace_rec)

/*
 * A multipath head, conventional or zoned: a disk nvmeSnN for which a
 * hidden path disk nvmeScCnN exists.
 */
static int find_head(bool zoned, char *head, size_t len)
{
	unsigned int s, n, s2, c, n2;
	struct dirent *de, *pe;
	char z[32], t, t2;
	int ret = -1;
	DIR *d, *p;

	d = opendir("/sys/block");
	if (!d)
		return -1;
	while (ret && (de = readdir(d))) {
		if (sscanf(de->d_name, "nvme%un%u%c", &s, &n, &t) != 2 ||
		    csd_sysfs_read(de->d_name, "queue/zoned", z, sizeof(z)) ||
		    zoned != !!strcmp(z, "none") || !csd_dev_node_ok(de->d_name))
			continue;
		p = opendir("/sys/block");
		if (!p)
			break;
		while ((pe = readdir(p)))
			if (sscanf(pe->d_name, "nvme%uc%un%u%c", &s2, &c, &n2, &t2) == 3 &&
			    s2 == s && n2 == n) {
				snprintf(head, len, "%.60s", de->d_name);
				ret = 0;
				break;
			}
		closedir(p);
	}
	closedir(d);
	return ret;
}

/* Sum of submitted and completed over the path entries of @head. */
static int paths_sum(int fd, const char *head, __u64 *sub, __u64 *done, int *paths)
{
	static struct csd_ns_entry ents[64];
	struct csd_ns_list a = {
		.size = sizeof(a), .count = 64, .entry_size = sizeof(ents[0]),
		.entries = (__u64)(unsigned long)ents,
	};
	unsigned int s1, c, n1, s2, n2, i;
	char t1, t2;

	if (ioctl(fd, CSD_IOC_LIST_NS, &a) || sscanf(head, "nvme%un%u%c", &s2, &n2, &t2) != 2)
		return -1;
	*sub = *done = 0;
	*paths = 0;
	for (i = 0; i < a.count; i++) {
		if (sscanf(ents[i].disk, "nvme%uc%un%u%c", &s1, &c, &n1, &t1) != 3 ||
		    s1 != s2 || n1 != n2 || (ents[i].flags & CSD_NS_F_DEAD))
			continue;
		*sub += ents[i].submitted;
		*done += ents[i].completed;
		(*paths)++;
	}
	return 0;
}

/*
 * What the head's p50 of 4 KiB reads must be: @head's paths' histograms
 * (CSD_IOC_GET_HIST) added bucket by bucket, the bucket at rank
 * ceil(count / 2), its midpoint clamped to [@min, @max].
 */
static int head_p50(int fd, const char *head, __u64 min, __u64 max, __u64 *p50)
{
	static const struct csd_hist_layout l = CSD_HIST_LAYOUT_ROWS;
	static __u64 sum[CSD_HIST_BUCKETS], b[CSD_HIST_BUCKETS];
	static struct csd_ns_entry ents[64];
	struct csd_ns_list a = {
		.size = sizeof(a), .count = 64, .entry_size = sizeof(ents[0]),
		.entries = (__u64)(unsigned long)ents,
	};
	unsigned int s1, c, n1, s2, n2, i, k;
	__u64 count = 0, mid;
	char t1, t2;

	if (ioctl(fd, CSD_IOC_LIST_NS, &a) || sscanf(head, "nvme%un%u%c", &s2, &n2, &t2) != 2)
		return -1;
	memset(sum, 0, sizeof(sum));
	for (i = 0; i < a.count; i++) {
		struct csd_hist h = {
			.size = sizeof(h), .ns_id = ents[i].id, .op = CSD_OP_READ,
			.size_class = CSD_SZ_4K, .nr_buckets = CSD_HIST_BUCKETS,
			.buckets = (__u64)(unsigned long)b,
		};

		if (sscanf(ents[i].disk, "nvme%uc%un%u%c", &s1, &c, &n1, &t1) != 3 ||
		    s1 != s2 || n1 != n2 || (ents[i].flags & CSD_NS_F_DEAD))
			continue;
		if (ioctl(fd, CSD_IOC_GET_HIST, &h))
			return -1;
		for (k = 0; k < CSD_HIST_BUCKETS; k++) {
			sum[k] += b[k];
			count += b[k];
		}
	}
	if (!count)
		return -1;
	mid = csd_hist_mid(&l, csd_hist_rank(sum, CSD_HIST_BUCKETS, (count * 50 + 99) / 100));
	*p50 = mid < min ? min : mid > max ? max : mid;
	return 0;
}

/*
 * The completed count of each path of @head, by controller ID (debugfs
 * diag of the path): done[cntlid], for cntlid < @n; -1 on error.
 */
static int paths_by_cntlid(int fd, const char *head, __u64 *done, unsigned int n, int *paths)
{
	static struct csd_ns_entry ents[64];
	struct csd_ns_list a = {
		.size = sizeof(a), .count = 64, .entry_size = sizeof(ents[0]),
		.entries = (__u64)(unsigned long)ents,
	};
	unsigned int s1, c, n1, s2, n2, i, id;
	char t1, t2, cmd[256], line[64];
	FILE *p;

	if (ioctl(fd, CSD_IOC_LIST_NS, &a) || sscanf(head, "nvme%un%u%c", &s2, &n2, &t2) != 2)
		return -1;
	memset(done, 0, n * sizeof(*done));
	*paths = 0;
	for (i = 0; i < a.count; i++) {
		if (sscanf(ents[i].disk, "nvme%uc%un%u%c", &s1, &c, &n1, &t1) != 3 ||
		    s1 != s2 || n1 != n2 || (ents[i].flags & CSD_NS_F_DEAD))
			continue;
		snprintf(cmd, sizeof(cmd), "sed -n 's/^cntlid: *//p' /sys/kernel/debug/csd/%s/diag",
			 ents[i].disk);
		p = popen(cmd, "r");
		if (!p)
			return -1;
		id = n;
		if (fgets(line, sizeof(line), p) && sscanf(line, "%u", &id) != 1)
			id = n;
		pclose(p);
		if (id >= n)
			return -1;
		done[id] = ents[i].completed;
		(*paths)++;
	}
	return 0;
}

static int run_u64s(const char *cmd, unsigned long long *v, int n)
{
	char line[256] = "";
	FILE *p = popen(cmd, "r");
	int got = 0;

	if (!p)
		return -1;
	if (fgets(line, sizeof(line), p))
		got = sscanf(line, "%llu %llu %llu", &v[0], &v[1], &v[2]);
	pclose(p);
	return got == n ? 0 : -1;
}

FIXTURE(mpath) {
	int fd;
	char head[64];
	char path[80];
};

FIXTURE_SETUP(mpath)
{
	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	if (find_head(false, self->head, sizeof(self->head)))
		SKIP(return, "needs a multipath head (CSD_MULTIPATH=1)");
	snprintf(self->path, sizeof(self->path), "/dev/%s", self->head);
	/* Round robin, so that both paths carry I/O and have an entry. */
	ASSERT_EQ(0, csd_run("for p in /sys/class/nvme-subsystem/*/iopolicy; do "
			     "echo round-robin > $p; done"));
	ASSERT_EQ(0, csd_direct_reads(self->path, 32, 4096, 0));
}

FIXTURE_TEARDOWN(mpath)
{
	csd_run("for p in /sys/class/nvme-subsystem/*/iopolicy; do echo numa > $p; done");
	close(self->fd);
}

/* Reads of the head count once, on its paths; csdctl sums them for the head. */
TEST_F(mpath, head_reads_count_on_paths)
{
	__u64 s0, d0, s1, d1;
	char cmd[512];
	int paths;

	ASSERT_EQ(0, paths_sum(self->fd, self->head, &s0, &d0, &paths));
	ASSERT_LE(1, paths);
	ASSERT_EQ(0, csd_direct_reads(self->path, 23, 4096, 8192));
	ASSERT_EQ(0, paths_sum(self->fd, self->head, &s1, &d1, &paths));
	EXPECT_EQ(23, s1 - s0);
	EXPECT_EQ(23, d1 - d0);
	TH_LOG("%s: %d paths known to csd", self->head, paths);
	EXPECT_EQ(2, paths);
	snprintf(cmd, sizeof(cmd),
		 "csdctl stats %s | grep -q '^%s: multipath head over the %d paths above: submitted %llu,'",
		 self->head, self->head, paths, (unsigned long long)s1);
	EXPECT_EQ(0, csd_run(cmd));
}

/*
 * The head's own statistics in csdctl: a last JSON object that sums its
 * paths exactly (counts, and the rows by operation and size), with
 * percentiles from the paths' histograms merged; the same rows in the
 * table under the head's line.
 */
TEST_F(mpath, head_stats_merge_paths)
{
	unsigned long long v[3];
	char cmd[1024];
	__u64 want;

	ASSERT_EQ(0, csd_direct_reads(self->path, 40, 4096, 0));
	snprintf(cmd, sizeof(cmd),
		 "csdctl stats --json %s | jq -e '"
		 "def r4k: .rows[] | select(.op == \"read\" and .size_class == \"<=4K\");"
		 " (.[-1].multipath_paths == 2) and (.[-1].disk == \"%s\")"
		 " and (.[-1].submitted == ([.[0:-1][].submitted] | add))"
		 " and (.[-1].completed == ([.[0:-1][].completed] | add))"
		 " and ((.[-1] | r4k | .count) == ([.[0:-1][] | r4k | .count] | add))"
		 " and ((.[-1] | r4k | .bytes) == ([.[0:-1][] | r4k | .bytes] | add))"
		 " and ((.[-1] | r4k | .lat_ns.p50) as $p | $p != null and"
		 " $p >= (.[-1] | r4k | .lat_ns.min) and $p <= (.[-1] | r4k | .lat_ns.max))'"
		 " > /dev/null", self->head, self->head);
	EXPECT_EQ(0, csd_run(cmd));
	/* The merged p50, exactly as the paths' histograms added give it. */
	snprintf(cmd, sizeof(cmd),
		 "csdctl stats --json %s | jq -r '.[-1].rows[] | select(.op == \"read\" and"
		 " .size_class == \"<=4K\") | \"\\(.lat_ns.p50) \\(.lat_ns.min) \\(.lat_ns.max)\"'",
		 self->head);
	ASSERT_EQ(0, run_u64s(cmd, v, 3));
	ASSERT_EQ(0, head_p50(self->fd, self->head, v[1], v[2], &want));
	TH_LOG("%s: p50 %llu ns (min %llu, max %llu)", self->head, v[0], v[1], v[2]);
	EXPECT_EQ(want, v[0]);
	snprintf(cmd, sizeof(cmd),
		 "csdctl stats %s | sed -n '/multipath head over/,$p' | grep -q '^read .*<=4K'",
		 self->head);
	EXPECT_EQ(0, csd_run(cmd));
}

/* An offload exec on the head reads through it (a path has no block device). */
TEST_F(mpath, exec_on_head)
{
	char cmd[512];
	bool bpf;

	ASSERT_EQ(0, csd_entropy_load(self->fd, &bpf));
	if (!bpf)
		SKIP(return, "csd has no BPF here");
	snprintf(cmd, sizeof(cmd),
		 "csdctl exec %s --prog entropy --slba 0 --nlb 64 --json | grep -q '\"bytes_scanned\":%d'",
		 self->head, 64 * 4096);
	EXPECT_EQ(0, csd_run(cmd));
	csd_entropy_unload(bpf);
}

/*
 * The drive's zone report of a zoned path (no /dev node of its own) goes
 * through its head: capacities and the limits for every path, in the
 * table and in Prometheus.
 */
TEST_F(mpath, zone_report_of_a_path)
{
	char zhead[64], cmd[1024], out[64];
	FILE *p;

	ASSERT_EQ(0, find_head(true, zhead, sizeof(zhead)));
	snprintf(cmd, sizeof(cmd),
		 "for d in /sys/block/%.*sc*n%s; do csdctl zones ${d##*/} --all --json 2>&1 | "
		 "jq -e 'length == 16 and all(.[]; .capacity_blocks == 1024)' > /dev/null || exit 1; "
		 "csdctl stats --prometheus | grep -qx \"csd_zones{disk=\\\"${d##*/}\\\",state=\\\"empty\\\"} [0-9]*\" "
		 "|| exit 2; echo ${d##*/}; done | wc -l",
		 (int)(strchr(zhead + 4, 'n') - zhead), zhead, strchr(zhead + 4, 'n') + 1);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	out[fread(out, 1, sizeof(out) - 1, p)] = 0;
	EXPECT_EQ(0, pclose(p));
	EXPECT_STREQ("2\n", out);
}

/* A trace of the head's device has its paths' commands, exactly. */
TEST_F(mpath, trace_by_head_device)
{
	static struct csd_trace_rec recs[256];
	struct csd_trace_open a = {
		.size = sizeof(a),
		.flags = CSD_TRACE_F_DEV | CSD_TRACE_F_NONBLOCK | CSD_TRACE_F_OPS,
		.op_mask = 1U << CSD_OP_READ,
	};
	struct stat st;
	int n = 0, i, tfd;
	ssize_t r;

	ASSERT_EQ(0, stat(self->path, &st));
	a.dev_major = major(st.st_rdev);
	a.dev_minor = minor(st.st_rdev);
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_TRACE, &a));
	tfd = a.fd;
	ASSERT_EQ(0, csd_direct_reads(self->path, 17, 4096, 4096 * 100));
	while ((r = read(tfd, recs + n, (256 - n) * REC)) > 0)
		n += r / REC;
	EXPECT_EQ(17, n);
	for (i = 0; i < n; i++)
		EXPECT_EQ(100, recs[i].slba);
	close(tfd);
}

/*
 * Each path of a namespace has its own epoch, and each comes back to its
 * own path after nvme-core is reloaded: the two paths share subsystem
 * NQN, nsid and geometry and differ only by controller ID (their names
 * follow probe order). The paths' counts are made far apart first, so
 * that a swap shows.
 */
TEST_F(mpath, paths_keep_their_epochs_across_nvme_core_reload)
{
	__u64 before[8], after[8];
	int paths, k, c;
	char cmd[512];

	/* numa: every read on one path. */
	ASSERT_EQ(0, csd_run("for p in /sys/class/nvme-subsystem/*/iopolicy; do "
			     "echo numa > $p; done"));
	ASSERT_EQ(0, csd_direct_reads(self->path, 64, 4096, 0));
	ASSERT_EQ(0, paths_by_cntlid(self->fd, self->head, before, 8, &paths));
	ASSERT_EQ(2, paths);
	for (c = 0; c < 8; c++)
		if (before[c])
			TH_LOG("cntlid %d: %llu completed before", c, (unsigned long long)before[c]);
	ASSERT_EQ(0, csd_nvme_down());
	ASSERT_EQ(0, csd_nvme_up());
	for (k = 0; k < 500 && find_head(false, self->head, sizeof(self->head)); k++)
		usleep(20000);
	ASSERT_EQ(0, find_head(false, self->head, sizeof(self->head)));
	snprintf(self->path, sizeof(self->path), "/dev/%s", self->head);
	/*
	 * The head appears with the first controller; the second probes on
	 * its own: wait until both paths of the head exist and are live.
	 */
	snprintf(cmd, sizeof(cmd),
		 "n=%s; n=${n##*n}; [ $(ls -d /sys/block/nvme*c*n$n 2>/dev/null | wc -l) -eq 2 ] && "
		 "[ $(cat /sys/class/nvme/nvme*/state | grep -c '^live$') -eq 2 ]", self->head);
	for (k = 0; k < 500 && csd_run(cmd); k++)
		usleep(20000);
	ASSERT_EQ(0, csd_run(cmd));
	ASSERT_EQ(0, csd_run("for p in /sys/class/nvme-subsystem/*/iopolicy; do "
			     "echo round-robin > $p; done"));
	ASSERT_EQ(0, csd_direct_reads(self->path, 8, 4096, 0));
	ASSERT_EQ(0, paths_by_cntlid(self->fd, self->head, after, 8, &paths));
	ASSERT_EQ(2, paths);
	for (c = 0; c < 8; c++) {
		if (!before[c] && !after[c])
			continue;
		TH_LOG("cntlid %d: %llu completed before, %llu after", c,
		       (unsigned long long)before[c], (unsigned long long)after[c]);
		EXPECT_LE(before[c], after[c]);
	}
}

TEST_HARNESS_MAIN
