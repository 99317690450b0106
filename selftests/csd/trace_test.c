// SPDX-License-Identifier: GPL-2.0
/*
 * The trace of completed commands (CSD_IOC_TRACE, debugfs "trace"):
 * exactly the commands issued, with their fields; filters; drops counted
 * when the reader falls behind; read/poll semantics; bad arguments.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/sysmacros.h>

#include "csd_lib.h"
#include "csd_harness.h"

#define LBA	4096
#define REC	sizeof(struct csd_trace_rec)

static int trace_open(int fd, struct csd_trace_open *a)
{
	a->size = sizeof(*a);
	if (ioctl(fd, CSD_IOC_TRACE, a))
		return -1;
	return a->fd;
}

static int trace_stats(int tfd, struct csd_trace_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(tfd, CSD_TRACE_IOC_STATS, st);
}

/* Read every queued record (the fd is O_NONBLOCK) into @recs. */
static int trace_drain(int tfd, struct csd_trace_rec *recs, int max)
{
	int n = 0;

	for (;;) {
		ssize_t r = read(tfd, recs + n, (max - n) * REC);

		if (r < 0)
			return errno == EAGAIN ? n : -1;
		if (r % REC)
			return -1;
		n += r / REC;
		if (n == max)
			return n;
	}
}

static __u64 ns_completed(int fd, const char *disk)
{
	struct csd_ns_entry e;

	if (csd_find_ns(fd, disk, &e))
		return ~0ULL;
	return e.completed;
}

static unsigned int ctrl_instance(const struct csd_ns_entry *e)
{
	unsigned int n = ~0U;

	sscanf(e->ctrl, "nvme%u", &n);
	return n;
}

FIXTURE(zns) {
	int fd;
	struct csd_ns_entry e;
	__u64 zone_lbas;
	void *buf;
};

FIXTURE_SETUP(zns)
{
	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_NE(0, csd_zns()->disk[0]);
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 1, LBA, 0));
	ASSERT_EQ(0, csd_wait_ns(self->fd, csd_zns()->disk, &self->e));
	ASSERT_GE(self->e.nr_zones, 12);
	self->zone_lbas = self->e.zone_sectors * 512 / LBA;
	ASSERT_EQ(0, zone_op(csd_zns()->path, BLKRESETZONE, 0,
			     self->e.zone_sectors * self->e.nr_zones));
	ASSERT_EQ(0, csd_reset_ns(self->fd, self->e.id));
	ASSERT_EQ(0, posix_memalign(&self->buf, 4096, LBA));
	memset(self->buf, 0x5a, LBA);
}

FIXTURE_TEARDOWN(zns)
{
	free(self->buf);
	close(self->fd);
}

/* Acceptance: N reads, M appends, K resets give exactly those records. */
TEST_F(zns, exact_sequence)
{
	struct csd_trace_open a = { .ns_id = self->e.id, .flags = CSD_TRACE_F_NONBLOCK };
	struct csd_trace_rec recs[64];
	struct csd_trace_stats st;
	const int N = 20, M = 5, K = 3;
	unsigned int reset_zones = 0;
	int tfd, n, i;

	tfd = trace_open(self->fd, &a);
	ASSERT_GE(tfd, 0);
	EXPECT_EQ(CSD_TRACE_RING_DEFAULT, a.ring_records);

	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, N, LBA, 2 * self->zone_lbas * LBA + 3 * LBA));
	for (i = 0; i < M; i++)
		ASSERT_EQ(0, nvme_io(csd_zns(), 0x7d, 4 * self->zone_lbas, 1, self->buf, LBA,
				     0, 0, 0));
	ASSERT_EQ(0, zone_op(csd_zns()->path, BLKRESETZONE, 5 * self->e.zone_sectors,
			     K * self->e.zone_sectors));

	n = trace_drain(tfd, recs, 64);
	ASSERT_EQ(N + M + K, n);
	for (i = 0; i < n; i++) {
		const struct csd_trace_rec *r = &recs[i];

		EXPECT_EQ(self->e.id, r->ns_id);
		EXPECT_EQ(csd_zns()->nsid, r->nsid);
		EXPECT_EQ(ctrl_instance(&self->e), r->ctrl);
		EXPECT_GE(r->qid, 1);
		EXPECT_EQ(0, r->status);
		EXPECT_EQ(0, r->retries);
		EXPECT_GT(r->latency_ns, 0);
		EXPECT_TRUE(r->flags & CSD_TRACE_REC_LBA);
		EXPECT_FALSE(r->flags & CSD_TRACE_REC_ADMIN);
		if (i)
			EXPECT_GE(r->ts_ns, recs[i - 1].ts_ns);
		if (i < N) {
			EXPECT_EQ(CSD_OP_READ, r->op);
			EXPECT_EQ(0x02, r->opcode);
			EXPECT_EQ(2 * self->zone_lbas + 3, r->slba);
			EXPECT_EQ(LBA, r->bytes);
			EXPECT_EQ(2, r->zone);
		} else if (i < N + M) {
			EXPECT_EQ(CSD_OP_APPEND, r->op);
			EXPECT_EQ(0x7d, r->opcode);
			EXPECT_EQ(4 * self->zone_lbas, r->slba);
			EXPECT_EQ(LBA, r->bytes);
			EXPECT_EQ(4, r->zone);
		} else {
			/* The block layer sends the K resets at once: any order. */
			EXPECT_EQ(CSD_OP_ZONE_RESET, r->op);
			EXPECT_EQ(0x79, r->opcode);
			EXPECT_EQ(4, r->zone_action);
			EXPECT_EQ(r->zone * self->zone_lbas, r->slba);
			EXPECT_EQ(0, r->bytes);
			if (r->zone >= 5 && r->zone < 5 + K)
				reset_zones |= 1U << r->zone;
		}
	}
	EXPECT_EQ(((1U << K) - 1) << 5, reset_zones);
	ASSERT_EQ(0, trace_stats(tfd, &st));
	EXPECT_EQ(N + M + K, st.matched);
	EXPECT_EQ(N + M + K, st.delivered);
	EXPECT_EQ(0, st.dropped);
	EXPECT_EQ(0, st.queued);
	EXPECT_EQ(N + M + K, ns_completed(self->fd, csd_zns()->disk));
	close(tfd);
}

/* Operation, zone, latency and error filters. */
TEST_F(zns, filters)
{
	struct csd_trace_open ops = {
		.ns_id = self->e.id, .flags = CSD_TRACE_F_NONBLOCK | CSD_TRACE_F_OPS |
					      CSD_TRACE_F_ZONES,
		.op_mask = 1ULL << CSD_OP_APPEND, .zone_first = 4, .zone_last = 4,
	};
	struct csd_trace_open errs = {
		.ns_id = self->e.id, .flags = CSD_TRACE_F_NONBLOCK | CSD_TRACE_F_ERRORS,
	};
	struct csd_trace_open slow = {
		.flags = CSD_TRACE_F_NONBLOCK, .min_lat_ns = 3600ULL * 1000000000,
	};
	struct csd_trace_rec recs[64];
	struct csd_trace_stats st;
	int t1, t2, t3, i, n;

	t1 = trace_open(self->fd, &ops);
	t2 = trace_open(self->fd, &errs);
	t3 = trace_open(self->fd, &slow);
	ASSERT_GE(t1, 0);
	ASSERT_GE(t2, 0);
	ASSERT_GE(t3, 0);

	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 4, LBA, 4 * self->zone_lbas * LBA));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, nvme_io(csd_zns(), 0x7d, 3 * self->zone_lbas, 1, self->buf, LBA,
				     0, 0, 0));
		ASSERT_EQ(0, nvme_io(csd_zns(), 0x7d, 4 * self->zone_lbas, 1, self->buf, LBA,
				     0, 0, 0));
	}
	/* A write off the write pointer of zone 6: Zone Invalid Write. */
	EXPECT_EQ(0x1bc, nvme_io(csd_zns(), 0x01, 6 * self->zone_lbas + 5, 1, self->buf, LBA,
				 0, 0, 0) & 0x7ff);

	n = trace_drain(t1, recs, 64);
	ASSERT_EQ(3, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(CSD_OP_APPEND, recs[i].op);
		EXPECT_EQ(4, recs[i].zone);
	}
	ASSERT_EQ(0, trace_stats(t1, &st));
	EXPECT_EQ(3, st.matched);

	n = trace_drain(t2, recs, 64);
	ASSERT_EQ(1, n);
	EXPECT_EQ(CSD_OP_WRITE, recs[0].op);
	EXPECT_EQ(0x1bc, recs[0].status);
	EXPECT_EQ(6, recs[0].zone);
	EXPECT_EQ(6 * self->zone_lbas + 5, recs[0].slba);

	EXPECT_EQ(0, trace_drain(t3, recs, 64));
	ASSERT_EQ(0, trace_stats(t3, &st));
	EXPECT_EQ(0, st.matched);
	close(t1);
	close(t2);
	close(t3);
}

/* A reader that never reads: its small rings fill; the rest is counted. */
TEST_F(zns, drops_counted_when_not_read)
{
	struct csd_trace_open a = {
		.ns_id = self->e.id, .flags = CSD_TRACE_F_NONBLOCK, .ring_records = 16,
	};
	struct csd_trace_rec recs[256];
	struct csd_trace_stats st;
	const int N = 300;
	int tfd, n;

	tfd = trace_open(self->fd, &a);
	ASSERT_GE(tfd, 0);
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, N, LBA, 0));
	ASSERT_EQ(0, trace_stats(tfd, &st));
	EXPECT_EQ(N, st.matched);
	EXPECT_EQ(N, st.queued + st.dropped);
	EXPECT_LE(st.queued, 16 * st.nr_cpus);
	EXPECT_GE(st.dropped, N - 16 * st.nr_cpus);

	n = trace_drain(tfd, recs, 256);
	ASSERT_EQ(0, trace_stats(tfd, &st));
	EXPECT_EQ(n, st.delivered);
	EXPECT_EQ(N, st.delivered + st.dropped);
	EXPECT_EQ(0, st.queued);
	EXPECT_EQ(N, ns_completed(self->fd, csd_zns()->disk));
	close(tfd);
}

struct slow_reader {
	int tfd;
	volatile int stop;
	long got;
};

static void *slow_read(void *arg)
{
	struct slow_reader *s = arg;
	struct csd_trace_rec r;

	while (!s->stop) {
		struct pollfd p = { .fd = s->tfd, .events = POLLIN };

		if (poll(&p, 1, 100) > 0 && read(s->tfd, &r, REC) == REC)
			s->got++;
		usleep(10000);
	}
	return NULL;
}

/* Acceptance: a flood with a slow reader: delivered + dropped = completed. */
TEST_F(zns, flood_with_slow_reader)
{
	struct csd_trace_open a = {
		.ns_id = self->e.id, .flags = CSD_TRACE_F_NONBLOCK, .ring_records = 64,
	};
	struct csd_trace_rec recs[256];
	struct slow_reader s = { 0 };
	struct csd_trace_stats st;
	char cmd[512];
	pthread_t th;
	__u64 completed;
	int n;

	s.tfd = trace_open(self->fd, &a);
	ASSERT_GE(s.tfd, 0);
	ASSERT_EQ(0, pthread_create(&th, NULL, slow_read, &s));
	snprintf(cmd, sizeof(cmd),
		 CSD_FIO "--name=flood --filename=%s --rw=randread --bs=4k --direct=1 "
		 "--ioengine=libaio --iodepth=16 --numjobs=2 --number_ios=1500 "
		 "--size=%llu --group_reporting --output=/dev/null",
		 csd_zns()->path, (unsigned long long)(4 * self->e.zone_sectors * 512));
	ASSERT_EQ(0, csd_run(cmd));
	s.stop = 1;
	pthread_join(th, NULL);

	n = trace_drain(s.tfd, recs, 256);
	while (n == 256)
		n = trace_drain(s.tfd, recs, 256);
	ASSERT_LE(0, n);
	completed = ns_completed(self->fd, csd_zns()->disk);
	ASSERT_EQ(0, trace_stats(s.tfd, &st));
	EXPECT_EQ(3000, completed);
	EXPECT_EQ(completed, st.matched);
	EXPECT_EQ(completed, st.delivered + st.dropped);
	EXPECT_EQ(0, st.queued);
	EXPECT_GT(st.dropped, 0);
	EXPECT_GE(st.delivered, s.got);
	TH_LOG("1500 x 2 reads: %llu delivered (%ld by the slow reader), %llu dropped",
	       (unsigned long long)st.delivered, s.got, (unsigned long long)st.dropped);
	close(s.tfd);
}

/* read() blocks until a command completes; poll() says when one is there. */
TEST_F(zns, blocking_read_and_poll)
{
	struct csd_trace_open a = { .ns_id = self->e.id };
	struct pollfd p = { .events = POLLIN };
	struct csd_trace_rec r[2];
	pid_t pid;
	int st;

	p.fd = trace_open(self->fd, &a);
	ASSERT_GE(p.fd, 0);
	EXPECT_EQ(0, poll(&p, 1, 0));
	/* Too small a buffer for one record. */
	EXPECT_EQ(-1, read(p.fd, r, REC - 1));
	EXPECT_EQ(EINVAL, errno);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		usleep(300000);
		_exit(csd_direct_reads(csd_zns()->path, 1, LBA, 0) ? 1 : 0);
	}
	/* Blocks until the child's read completes, then returns that one. */
	EXPECT_EQ(REC, read(p.fd, r, sizeof(r)));
	EXPECT_EQ(CSD_OP_READ, r[0].op);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	EXPECT_EQ(0, poll(&p, 1, 0));

	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 1, LBA, 0));
	EXPECT_EQ(1, poll(&p, 1, 2000));
	EXPECT_TRUE(p.revents & POLLIN);
	close(p.fd);
}

static long module_refcnt(void)
{
	char buf[32];
	long v = -1;
	FILE *f = fopen("/sys/module/csd/refcnt", "r");

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			v = strtol(buf, NULL, 10);
		fclose(f);
	}
	return v;
}

/* An open trace holds the module; closing it lets go (and stops tracing). */
TEST(close_releases)
{
	struct csd_trace_open a = { 0 };
	int fd, tfd, i;
	long before;

	fd = csd_open();
	ASSERT_GE(fd, 0);
	/*
	 * Only this fd holds csd: the struct_ops maps of the tests before
	 * (exec_test, csdctl_test) each hold it too until the kernel frees
	 * them, asynchronously, after an RCU tasks-trace grace period. Seen:
	 * 3 here, 1 after the close below.
	 */
	for (i = 0; i < 1500 && module_refcnt() > 1; i++)
		usleep(20000);
	if (i)
		TH_LOG("waited %d ms for the earlier holders of csd to go", i * 20);
	before = module_refcnt();
	ASSERT_EQ(1, before) TH_LOG("csd is held by more than this test's fd");
	tfd = trace_open(fd, &a);
	ASSERT_GE(tfd, 0);
	EXPECT_EQ(before + 1, module_refcnt());
	close(tfd);
	EXPECT_EQ(before, module_refcnt());
	close(fd);
}

/* Possible CPUs ("0-1" in /sys/devices/system/cpu/possible): csd's rings. */
static long possible_cpus(void)
{
	char buf[64];
	long lo, hi;

	if (csd_read_file("/sys/devices/system/cpu/possible", buf, sizeof(buf)))
		return -1;
	if (sscanf(buf, "%ld-%ld", &lo, &hi) == 2)
		return hi - lo + 1;
	return sscanf(buf, "%ld", &lo) == 1 ? 1 : -1;
}

/* An open trace's rings count in csd's memory, and leave with it. */
TEST(rings_count_in_memory)
{
	struct csd_trace_open a = { .ring_records = CSD_TRACE_RING_MAX };
	struct csd_info before, open, after;
	long cpus = possible_cpus();
	__u64 rings;
	int fd, tfd;

	ASSERT_GT(cpus, 0);
	rings = (__u64)CSD_TRACE_RING_MAX * REC * cpus;
	fd = csd_open();
	ASSERT_GE(fd, 0);
	/* An earlier test's offload memory goes 2 s after its last execution. */
	ASSERT_EQ(0, csd_exec_mem_idle());
	ASSERT_EQ(0, csd_info(fd, &before));
	tfd = trace_open(fd, &a);
	ASSERT_GE(tfd, 0);
	ASSERT_EQ(0, csd_info(fd, &open));
	close(tfd);
	ASSERT_EQ(0, csd_info(fd, &after));
	/* The rings, plus the reader and its per-CPU ring heads. */
	EXPECT_LE(before.mem_bytes + rings, open.mem_bytes);
	EXPECT_GT(before.mem_bytes + rings + 4096 + 256 * cpus, open.mem_bytes);
	EXPECT_EQ(before.mem_bytes, after.mem_bytes);
	close(fd);
}

TEST(bad_arguments)
{
	struct csd_trace_open a;
	struct csd_trace_stats st;
	int fd, tfd, fds[CSD_TRACE_READERS_MAX + 1], i, n;
	char big[8192] = { 0 };

	fd = csd_open();
	ASSERT_GE(fd, 0);
#define BAD(field_setup, err) do {					\
		memset(&a, 0, sizeof(a));				\
		field_setup;						\
		EXPECT_EQ(-1, trace_open(fd, &a));			\
		EXPECT_EQ(err, errno);					\
	} while (0)
	BAD(a.flags = 1U << 31, EINVAL);
	BAD(a.reserved[1] = 1, EINVAL);
	BAD(a.cgroup_id = 1, EINVAL);
	BAD((a.flags = CSD_TRACE_F_CGROUP, a.cgroup_id = 0), EINVAL);
	BAD(a.pad = 1, EINVAL);
	BAD(a.ring_records = 1000, EINVAL);
	BAD(a.ring_records = CSD_TRACE_RING_MAX * 2, EINVAL);
	BAD(a.op_mask = 1, EINVAL);
	BAD((a.flags = CSD_TRACE_F_OPS, a.op_mask = 0), EINVAL);
	BAD((a.flags = CSD_TRACE_F_OPS, a.op_mask = 1ULL << CSD_OP_NR), EINVAL);
	BAD(a.zone_last = 2, EINVAL);
	BAD((a.flags = CSD_TRACE_F_ZONES, a.zone_first = 3, a.zone_last = 2), EINVAL);
	BAD(a.ns_id = 0x7fffffff, ENODEV);
	BAD(a.dev_minor = 1, EINVAL);
	BAD((a.flags = CSD_TRACE_F_DEV, a.ns_id = 1, a.dev_major = 259), EINVAL);
	BAD((a.flags = CSD_TRACE_F_DEV, a.dev_major = 1U << 20), EINVAL);
#undef BAD
	/* Too small, and too big a struct. */
	memset(&a, 0, sizeof(a));
	a.size = CSD_TRACE_OPEN_SIZE_VER0 - 8;
	EXPECT_EQ(-1, ioctl(fd, CSD_IOC_TRACE, &a));
	EXPECT_EQ(EINVAL, errno);
	*(__u32 *)big = sizeof(big);
	EXPECT_EQ(-1, ioctl(fd, CSD_IOC_TRACE, big));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, ioctl(fd, CSD_IOC_TRACE, NULL));
	EXPECT_EQ(EFAULT, errno);

	/* The trace fd's own ioctl. */
	memset(&a, 0, sizeof(a));
	tfd = trace_open(fd, &a);
	ASSERT_GE(tfd, 0);
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.flags = 1;
	EXPECT_EQ(-1, ioctl(tfd, CSD_TRACE_IOC_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	st.flags = 0;
	st.size = 8;
	EXPECT_EQ(-1, ioctl(tfd, CSD_TRACE_IOC_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(tfd, CSD_IOC_GET_INFO, &st));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(tfd, CSD_TRACE_IOC_STATS, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, write(tfd, &st, 8));
	close(tfd);

	/* At most CSD_TRACE_READERS_MAX readers. */
	for (n = 0; n < CSD_TRACE_READERS_MAX; n++) {
		memset(&a, 0, sizeof(a));
		a.ring_records = 16;
		fds[n] = trace_open(fd, &a);
		ASSERT_GE(fds[n], 0);
	}
	memset(&a, 0, sizeof(a));
	EXPECT_EQ(-1, trace_open(fd, &a));
	EXPECT_EQ(EBUSY, errno);
	for (i = 0; i < n; i++)
		close(fds[i]);
	memset(&a, 0, sizeof(a));
	tfd = trace_open(fd, &a);
	EXPECT_GE(tfd, 0);
	close(tfd);
	close(fd);
}

/*
 * @fd is output only and, as abi.rst says of every such field, ignored on
 * input: the struct a previous call returned opens a second reader.
 */
TEST(fd_field_ignored_on_input)
{
	struct csd_trace_open a;
	int fd, t1, t2, t3;

	fd = csd_open();
	ASSERT_GE(fd, 0);
	memset(&a, 0, sizeof(a));
	t1 = trace_open(fd, &a);
	ASSERT_GE(t1, 0);
	EXPECT_EQ(t1, a.fd);
	/* Passed again as it was returned. */
	t2 = trace_open(fd, &a);
	ASSERT_GE(t2, 0);
	EXPECT_NE(t1, t2);
	EXPECT_EQ(t2, a.fd);
	a.fd = -1;
	t3 = trace_open(fd, &a);
	ASSERT_GE(t3, 0);
	EXPECT_EQ(t3, a.fd);
	close(t3);
	close(t2);
	close(t1);
	close(fd);
}

struct stats_reader {
	int tfd;
	volatile int stop;
	unsigned long reads;
};

/* Drain the trace fd as fast as it fills, while the main thread asks its stats. */
static void *drain_thread(void *arg)
{
	struct stats_reader *r = arg;
	struct csd_trace_rec recs[64];

	while (!r->stop) {
		if (read(r->tfd, recs, sizeof(recs)) > 0)
			r->reads++;
	}
	return NULL;
}

/*
 * CSD_TRACE_IOC_STATS while a reader consumes and the probes produce on
 * both vCPUs: the queued count never wraps below zero (read in the wrong
 * order, head then tail, a record pushed and consumed in between made
 * it do so).
 */
TEST(stats_queued_never_wraps)
{
	struct csd_trace_open a;
	struct csd_trace_stats st;
	struct stats_reader r = { 0 };
	struct csd_io_load io;
	unsigned long reads, bad = 0, calls = 0;
	__u64 worst = 0;
	pthread_t th;
	time_t end;
	int fd;

	fd = csd_open();
	ASSERT_GE(fd, 0);
	memset(&a, 0, sizeof(a));
	a.flags = CSD_TRACE_F_NONBLOCK;
	a.ring_records = 16;
	r.tfd = trace_open(fd, &a);
	ASSERT_GE(r.tfd, 0);
	ASSERT_EQ(0, csd_io_start(&io));
	ASSERT_EQ(0, pthread_create(&th, NULL, drain_thread, &r));
	end = time(NULL) + 8;
	while (time(NULL) < end) {
		ASSERT_EQ(0, trace_stats(r.tfd, &st));
		/* queued = heads - tails can never exceed what matched. */
		if (st.queued > st.matched) {
			bad++;
			if (st.queued > worst)
				worst = st.queued;
		}
		calls++;
	}
	r.stop = 1;
	pthread_join(th, NULL);
	EXPECT_EQ(0, csd_io_stop(&io, &reads));
	TH_LOG("%lu stats calls, %lu drains, %lu reads", calls, r.reads, reads);
	EXPECT_EQ(0, bad) TH_LOG("queued %llu", (unsigned long long)worst);
	close(r.tfd);
	close(fd);
}

/* By block device: what csdctl does for a disk csd has not seen yet. */
TEST(by_block_device)
{
	struct csd_trace_open a = { .flags = CSD_TRACE_F_NONBLOCK | CSD_TRACE_F_DEV };
	struct csd_trace_rec recs[32];
	struct csd_ns_entry e;
	struct stat st;
	int fd, tfd, i, n;

	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, stat(csd_conv()->path, &st));
	a.dev_major = major(st.st_rdev);
	a.dev_minor = minor(st.st_rdev);
	tfd = trace_open(fd, &a);
	ASSERT_GE(tfd, 0);
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 3, LBA, 0));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 5, LBA, LBA));
	ASSERT_EQ(0, csd_wait_ns(fd, csd_conv()->disk, &e));
	n = trace_drain(tfd, recs, 32);
	ASSERT_EQ(5, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(e.id, recs[i].ns_id);
		EXPECT_EQ(1, recs[i].slba);
	}
	close(tfd);
	close(fd);
}

/* debugfs "trace": text lines, one per command, after a header. */
TEST(debugfs_trace_lines)
{
	char buf[8192];
	int fd, lines;

	fd = open("/sys/kernel/debug/csd/trace", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 3, LBA, 8 * LBA));
	lines = csd_debugfs_trace_reads(fd, buf, sizeof(buf), csd_conv()->disk, 3);
	close(fd);
	ASSERT_EQ(0, strncmp(buf, "# TIME(s)", 9));
	EXPECT_EQ(3, lines);
	TH_LOG("%s", buf);
}

TEST_HARNESS_MAIN
