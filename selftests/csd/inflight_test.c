// SPDX-License-Identifier: GPL-2.0
/*
 * The commands in flight (CSD_IOC_INFLIGHT, csdctl inflight, debugfs
 * "inflight"). The stall test needs the guest's throttled namespace: a
 * controller with serial "csdstall" whose drive QEMU limits to a few
 * I/Os per second (tools/vm/run.sh, CSD_STALL_IOPS); it is skipped
 * without one.
 */
#include "csd_lib.h"
#include "csd_harness.h"

#define STALL_SERIAL	"csdstall"

static void prep(struct csd_inflight *a, __u32 ns_id, __u64 min_age_ns,
		 struct csd_inflight_entry *e, __u32 count)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->ns_id = ns_id;
	a->count = count;
	a->entry_size = sizeof(*e);
	a->entries = (__u64)(unsigned long)e;
	a->min_age_ns = min_age_ns;
}

static int inflight(int fd, __u32 ns_id, __u64 min_age_ns,
		    struct csd_inflight_entry *e, __u32 count, struct csd_inflight *a)
{
	prep(a, ns_id, min_age_ns, e, count);
	return ioctl(fd, CSD_IOC_INFLIGHT, a);
}

static int ns_id_of(int fd, const char *disk)
{
	struct csd_ns_entry e;

	return csd_wait_ns(fd, disk, &e) ? -1 : (int)e.id;
}

TEST(idle_namespace_has_none)
{
	struct csd_inflight_entry e[8];
	struct csd_inflight a;
	int fd, id;

	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 1, 4096, 0));
	id = ns_id_of(fd, csd_zns()->disk);
	ASSERT_GT(id, 0);
	ASSERT_EQ(0, inflight(fd, id, 0, e, 8, &a));
	EXPECT_EQ(0, a.total);
	EXPECT_EQ(0, a.count);
	EXPECT_EQ(sizeof(e[0]), a.entry_size);
	EXPECT_GT(a.now_ns, 0);
	/* Every namespace: the admin queues hold an asynchronous event request. */
	ASSERT_EQ(0, inflight(fd, 0, 0, e, 8, &a));
	EXPECT_EQ(a.total, a.count);
	close(fd);
}

TEST(bad_arguments)
{
	struct csd_inflight_entry e[4];
	struct csd_inflight a;
	char big[8192] = { 0 };
	int fd;

	fd = csd_open();
	ASSERT_GE(fd, 0);
	prep(&a, 0, 0, e, 4);
	a.flags = 1;
	EXPECT_EQ(-1, ioctl(fd, CSD_IOC_INFLIGHT, &a));
	EXPECT_EQ(EINVAL, errno);
	prep(&a, 0, 0, e, 4);
	a.reserved[3] = 1;
	EXPECT_EQ(-1, ioctl(fd, CSD_IOC_INFLIGHT, &a));
	EXPECT_EQ(EINVAL, errno);
	prep(&a, 0, 0, e, 4);
	a.pad = 1;
	EXPECT_EQ(-1, ioctl(fd, CSD_IOC_INFLIGHT, &a));
	EXPECT_EQ(EINVAL, errno);
	prep(&a, 0, 0, e, 4);
	a.entry_size = 16;
	EXPECT_EQ(-1, ioctl(fd, CSD_IOC_INFLIGHT, &a));
	EXPECT_EQ(EINVAL, errno);
	prep(&a, 0, 0, e, 4);
	a.entries = 0;
	EXPECT_EQ(-1, ioctl(fd, CSD_IOC_INFLIGHT, &a));
	EXPECT_EQ(EFAULT, errno);
	prep(&a, 0, 0, e, 4);
	a.count = CSD_INFLIGHT_MAX + 1;
	EXPECT_EQ(-1, ioctl(fd, CSD_IOC_INFLIGHT, &a));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, inflight(fd, 0x7fffffff, 0, e, 4, &a));
	EXPECT_EQ(ENODEV, errno);
	a.size = CSD_INFLIGHT_SIZE_VER0 - 4;
	EXPECT_EQ(-1, ioctl(fd, CSD_IOC_INFLIGHT, &a));
	EXPECT_EQ(EINVAL, errno);
	*(__u32 *)big = sizeof(big);
	EXPECT_EQ(-1, ioctl(fd, CSD_IOC_INFLIGHT, big));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, ioctl(fd, CSD_IOC_INFLIGHT, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* count 0: only the total. */
	ASSERT_EQ(0, inflight(fd, 0, 0, NULL, 0, &a));
	EXPECT_EQ(0, a.count);
	close(fd);
}

#define STALLED	8

/*
 * Acceptance: commands stalled in the (throttled) drive are listed, oldest
 * first, with ages that grow, and leave the list when they complete.
 */
TEST(stalled_commands_listed)
{
	struct csd_inflight_entry e1[16], e2[16], e3[16];
	struct csd_inflight a1, a2, a3;
	struct csd_nvme_ns st;
	pid_t pids[STALLED];
	char cmd[512], out[4096];
	int fd, id, i, k, status;
	FILE *p;
	size_t n;

	if (csd_nvme_find_by("device/serial", STALL_SERIAL, false, &st))
		SKIP(return, "no throttled namespace (serial %s) in this guest", STALL_SERIAL);
	fd = csd_open();
	ASSERT_GE(fd, 0);
	/* Let csd learn the namespace, and let the throttle's bucket drain. */
	ASSERT_EQ(0, csd_direct_reads(st.path, 1, 4096, 0));
	id = ns_id_of(fd, st.disk);
	ASSERT_GT(id, 0);
	sleep(1);

	for (i = 0; i < STALLED; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0)
			_exit(csd_direct_reads(st.path, 1, 4096, (i + 1) * 65536) ? 1 : 0);
	}
	usleep(700000);
	ASSERT_EQ(0, inflight(fd, id, 0, e1, 16, &a1));
	ASSERT_GE(a1.count, 2);
	EXPECT_EQ(a1.total, a1.count);
	for (i = 0; i < (int)a1.count; i++) {
		EXPECT_EQ(CSD_OP_READ, e1[i].op);
		EXPECT_EQ(4096, e1[i].bytes);
		EXPECT_EQ(id, e1[i].ns_id);
		EXPECT_GE(e1[i].qid, 1);
		EXPECT_TRUE(e1[i].flags & CSD_INFLIGHT_E_LBA);
		EXPECT_FALSE(e1[i].flags & (CSD_INFLIGHT_E_BLK_TIME | CSD_INFLIGHT_E_NO_TIME));
		EXPECT_EQ(0, (e1[i].slba * 4096) % 65536);
		EXPECT_GE(e1[i].age_ns, 100000000ULL);
		EXPECT_EQ(a1.now_ns - e1[i].start_ns, e1[i].age_ns);
		if (i)
			EXPECT_GE(e1[i - 1].age_ns, e1[i].age_ns);
	}
	/* csdctl shows the same, in milliseconds, filtered by age. */
	snprintf(cmd, sizeof(cmd), "csdctl inflight %s --older-than 100 2>&1", st.disk);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	EXPECT_EQ(0, pclose(p));
	EXPECT_NE(NULL, strstr(out, "AGE(ms)"));
	EXPECT_NE(NULL, strstr(out, " read "));
	TH_LOG("%s", out);

	usleep(600000);
	ASSERT_EQ(0, inflight(fd, id, 0, e2, 16, &a2));
	/* The oldest still there has aged by the time between the walks. */
	for (i = 0; i < (int)a2.count; i++) {
		for (k = 0; k < (int)a1.count; k++) {
			if (e1[k].start_ns != e2[i].start_ns || e1[k].tag != e2[i].tag)
				continue;
			EXPECT_EQ(e1[k].age_ns + (a2.now_ns - a1.now_ns), e2[i].age_ns);
			EXPECT_EQ(e1[k].slba, e2[i].slba);
		}
	}
	EXPECT_LT(a2.count, a1.count);
	/* Only the old ones. */
	ASSERT_EQ(0, inflight(fd, id, 1000000000ULL, e3, 16, &a3));
	for (i = 0; i < (int)a3.count; i++)
		EXPECT_GE(e3[i].age_ns, 1000000000ULL);

	for (i = 0; i < STALLED; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_EQ(0, status);
	}
	ASSERT_EQ(0, inflight(fd, id, 0, e3, 16, &a3));
	EXPECT_EQ(0, a3.total);
	close(fd);
}

TEST_HARNESS_MAIN
