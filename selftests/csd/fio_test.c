// SPDX-License-Identifier: GPL-2.0
/*
 * fio agrees: for a random-read job (libaio, O_DIRECT, several jobs), csd
 * counts exactly the I/Os fio issued, and csd's p50 (submission to
 * completion in the driver) is not above fio's completion-latency p50
 * (which adds the block layer and the syscalls).
 */
#include "csd_lib.h"
#include "csd_harness.h"

static int run_u64(const char *cmd, unsigned long long *v)
{
	char line[128] = "";
	FILE *p = popen(cmd, "r");

	if (!p)
		return -1;
	if (!fgets(line, sizeof(line), p)) {
		pclose(p);
		return -1;
	}
	pclose(p);
	return sscanf(line, "%llu", v) == 1 ? 0 : -1;
}

TEST(fio_randread_counts_and_p50)
{
	static struct csd_snap st;
	struct csd_ns_entry e;
	struct csd_reset r;
	unsigned long long ios, fio_p50;
	__u64 count = 0, p50 = 0;
	char cmd[1024];
	unsigned int i;
	int fd;

	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &e));
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.ns_id = e.id;
	ASSERT_EQ(0, ioctl(fd, CSD_IOC_RESET, &r));

	snprintf(cmd, sizeof(cmd),
		 CSD_FIO "--name=csd --filename=%s --direct=1 --ioengine=libaio --rw=randread "
		 "--bs=4k --iodepth=8 --numjobs=3 --io_size=6M --randrepeat=0 "
		 "--group_reporting --output-format=json > /tmp/fio.json 2>/tmp/fio.err",
		 csd_conv()->path);
	ASSERT_EQ(0, csd_run(cmd));
	ASSERT_EQ(0, run_u64("jq '.jobs[0].read.total_ios' /tmp/fio.json", &ios));
	ASSERT_EQ(0, run_u64("jq '.jobs[0].read.clat_ns.percentile[\"50.000000\"]' /tmp/fio.json",
			     &fio_p50));
	EXPECT_EQ(3 * 6 * 256, ios);

	ASSERT_EQ(0, csd_snap_take(fd, e.id, &st));
	for (i = 0; i < st.st.row_count; i++) {
		if (st.rows[i].op != CSD_OP_READ)
			continue;
		count += st.rows[i].count;
		if (st.rows[i].size_class == CSD_SZ_4K)
			p50 = st.rows[i].pct_ns[0];
	}
	EXPECT_EQ(ios, count);
	EXPECT_EQ(ios, st.st.submitted);
	EXPECT_EQ(ios, st.st.completed);
	EXPECT_GT(p50, 0);
	TH_LOG("fio: %llu reads, clat p50 %llu ns; csd: %llu reads, p50 %llu ns",
	       ios, fio_p50, (unsigned long long)count, (unsigned long long)p50);
	EXPECT_LE(p50, fio_p50);
	close(fd);
}

TEST_HARNESS_MAIN
