// SPDX-License-Identifier: GPL-2.0
/*
 * Commands the driver sets up and then cannot send. nvme-core fires its
 * setup tracepoint before nvme-pci maps the data for DMA; when the mapping
 * fails, the driver returns BLK_STS_RESOURCE and blk-mq dispatches the
 * same request again later, so csd sees its setup twice and one
 * completion. Such a command must be counted submitted once, and its
 * extra setups apart (requeued), never as aborted.
 *
 * The guest of this test boots with a tiny, forced bounce buffer
 * (swiotlb=256,force: 512 KiB), so that reads of 64 KiB at depth 32 run
 * out of it and requeue, on the real nvme-pci mapping path. make check
 * boots one; the test skips elsewhere.
 */
#include "csd_lib.h"
#include "csd_harness.h"

#define IOS	512	/* 32 MiB of 64 KiB reads, not merged */

static bool swiotlb_forced(void)
{
	char line[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	return strstr(line, "swiotlb=") && strstr(line, "force");
}

/* Reads completed by the block layer (/sys/block/X/stat, first field). */
static long long block_reads(const char *disk)
{
	char buf[256];

	if (csd_sysfs_read(disk, "stat", buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 10);
}

/*
 * 512 reads of 64 KiB at depth 32 on the conventional namespace, unmerged,
 * with I/O scheduler @sched: exact counts afterwards.
 */
static void requeued_reads(struct __test_metadata *_metadata, const char *sched)
{
	const struct csd_nvme_ns *ns = csd_conv();
	char cmd[1024], path[600], sched_path[600], nomerges[16], old_sched[128], *b, *e;
	long long reads0, reads1;
	struct csd_ns_entry ent;
	struct csd_reset r;
	int fd, ret;

	if (!swiotlb_forced())
		SKIP(return, "needs a guest booted with swiotlb=N,force");
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_learn_ns(fd, ns, &ent));
	/* The scheduler in use is the one in brackets: "[none] mq-deadline". */
	ASSERT_EQ(0, csd_sysfs_read(ns->disk, "queue/scheduler", old_sched, sizeof(old_sched)));
	b = strchr(old_sched, '[');
	e = b ? strchr(b, ']') : NULL;
	ASSERT_NE(NULL, e);
	*e = 0;
	memmove(old_sched, b + 1, strlen(b + 1) + 1);
	ASSERT_EQ(0, csd_sysfs_read(ns->disk, "queue/nomerges", nomerges, sizeof(nomerges)));
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.ns_id = ent.id;
	snprintf(cmd, sizeof(cmd),
		 CSD_FIO "--name=rq --filename=%s --direct=1 --ioengine=libaio --rw=read "
		 "--bs=64k --iodepth=32 --iodepth_batch_submit=32 --size=%dk "
		 "--output-format=terse >/dev/null 2>/tmp/fio.err", ns->path, IOS * 64);

	/*
	 * From here to the restore, nothing may end the test: the disk must
	 * get its scheduler and merging back. One request per read: the
	 * block layer must not merge them.
	 */
	snprintf(sched_path, sizeof(sched_path), "/sys/block/%s/queue/scheduler", ns->disk);
	snprintf(path, sizeof(path), "/sys/block/%s/queue/nomerges", ns->disk);
	ret = csd_write_str(sched_path, sched) || csd_write_str(path, "2") ||
	      ioctl(fd, CSD_IOC_RESET, &r);
	reads0 = block_reads(ns->disk);
	if (!ret)
		ret = csd_run(cmd);
	reads1 = block_reads(ns->disk);
	csd_write_str(path, nomerges);
	csd_write_str(sched_path, old_sched);
	ASSERT_EQ(0, ret);
	ASSERT_LE(0, reads0);

	ASSERT_EQ(0, csd_find_ns(fd, ns->disk, &ent));
	TH_LOG("%s, %s: %llu submitted, %llu completed, %llu aborted, %llu requeued; block layer %lld reads",
	       ns->disk, sched, (unsigned long long)ent.submitted,
	       (unsigned long long)ent.completed, (unsigned long long)ent.aborted,
	       (unsigned long long)ent.requeued, reads1 - reads0);
	EXPECT_EQ(IOS, reads1 - reads0);
	EXPECT_EQ(IOS, ent.submitted);
	EXPECT_EQ(IOS, ent.completed);
	EXPECT_EQ(0, ent.aborted);
	/* The bounce buffer holds 8 of the 32 reads in flight: some requeue. */
	EXPECT_LT(0, ent.requeued);
	snprintf(cmd, sizeof(cmd),
		 "csdctl stats --json %s | jq -e '.[0] | .requeued == %llu and .in_flight == 0' >/dev/null",
		 ns->disk, (unsigned long long)ent.requeued);
	EXPECT_EQ(0, csd_run(cmd));
	close(fd);
}

/* No scheduler: the request keeps its driver tag across the requeue. */
TEST(resource_requeues_count_once)
{
	requeued_reads(_metadata, "none");
}

/*
 * mq-deadline: blk-mq releases the driver tag at the requeue, and the
 * request may come back on another one.
 */
TEST(resource_requeues_count_once_with_a_scheduler)
{
	requeued_reads(_metadata, "mq-deadline");
}

TEST_HARNESS_MAIN
