// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifecycle: csd loads before or after nvme-core, detaches when
 * nvme-core goes, attaches again when it comes back, forgets namespaces
 * that disappear, and unloads cleanly. Each test leaves csd and nvme
 * loaded, as the other tests expect.
 */
#include "csd_lib.h"
#include "csd_harness.h"

static int hooks_attached(void)
{
	struct csd_info info;
	int fd = csd_open(), ret;

	if (fd < 0)
		return -1;
	ret = csd_info(fd, &info);
	close(fd);
	return ret ? -1 : (int)info.hook_attached;
}

/*
 * Count reads of the conventional namespace through csd; returns the
 * submitted delta or -1.
 */
static long long counted_reads(int n)
{
	struct csd_ns_entry a, b = { 0 };
	int fd = csd_open();
	long long ret = -1;

	if (fd < 0)
		return -1;
	/* Not listed (nvme-core just came): its counts start at zero. */
	if (csd_find_ns(fd, csd_conv()->disk, &a))
		memset(&a, 0, sizeof(a));
	if (!csd_direct_reads(csd_conv()->path, n, 4096, 0) &&
	    !csd_find_ns(fd, csd_conv()->disk, &b) && b.completed - a.completed == (__u64)n)
		ret = b.submitted - a.submitted;
	else
		/* Say why: once on the debug kernel, not yet explained. */
		printf("# counted_reads(%d) on %s: before submitted %llu completed %llu early %llu, "
		       "after submitted %llu completed %llu early %llu unmatched %llu stale %llu\n",
		       n, csd_conv()->disk, (unsigned long long)a.submitted,
		       (unsigned long long)a.completed, (unsigned long long)a.early,
		       (unsigned long long)b.submitted, (unsigned long long)b.completed,
		       (unsigned long long)b.early, (unsigned long long)b.unmatched,
		       (unsigned long long)b.stale);
	close(fd);
	return ret;
}

#define HIST_HOLD	"/sys/module/csd/parameters/hist_work_hold_test"
#define ATTACH		"/sys/module/csd/parameters/attach"

static char attach_param(void);

FIXTURE(lifecycle) {
	int unused;
};

FIXTURE_SETUP(lifecycle)
{
	if (!csd_module_loaded("csd"))
		ASSERT_EQ(0, csd_insmod(csd_ko_path()));
	if (!csd_module_loaded("nvme"))
		ASSERT_EQ(0, csd_nvme_up());
}

FIXTURE_TEARDOWN(lifecycle)
{
	/* hist_of_row_parked_before_its_work, stopped half-way. */
	if (csd_module_loaded("csd")) {
		csd_write_str(HIST_HOLD, "N");
		csd_write_str(ATTACH, "Y");
	}
	/* Restore the standard state for whatever runs next. */
	if (!csd_module_loaded("nvme"))
		csd_nvme_up();
	if (!csd_module_loaded("csd"))
		csd_insmod(csd_ko_path());
}

/* nvme-core first, then csd: csd finds the already-loaded tracepoints. */
TEST_F(lifecycle, load_after_nvme)
{
	ASSERT_EQ(0, csd_rmmod("csd"));
	EXPECT_FALSE(csd_wait_path(CSD_DEVICE_PATH, true, 200));
	ASSERT_EQ(0, csd_insmod(csd_ko_path()));
	ASSERT_TRUE(csd_wait_path(CSD_DEVICE_PATH, true, 5000));
	EXPECT_EQ(2, hooks_attached());
	EXPECT_EQ(25, counted_reads(25));
}

/* A decimal sysfs attribute of @disk, or -1. */
static long long sysfs_u64(const char *disk, const char *attr)
{
	char buf[64];

	return csd_sysfs_read(disk, attr, buf, sizeof(buf)) ? -1 : strtoll(buf, NULL, 10);
}

/*
 * Every namespace present at load is listed at once, idle or not: zero
 * counts and the geometry sysfs gives, before it has done any I/O since
 * csd came. Its first command is then counted like any other.
 */
TEST_F(lifecycle, idle_namespaces_are_listed_at_load)
{
	const struct csd_nvme_ns *nss[2] = { csd_zns(), csd_conv() };
	struct csd_ns_entry e;
	int fd, k;

	ASSERT_EQ(0, csd_rmmod("csd"));
	ASSERT_EQ(0, csd_insmod(csd_ko_path()));
	ASSERT_TRUE(csd_wait_path(CSD_DEVICE_PATH, true, 5000));
	fd = csd_open();
	ASSERT_GE(fd, 0);
	for (k = 0; k < 2; k++) {
		const char *d = nss[k]->disk;
		char ctrl[CSD_NAME_LEN];

		ASSERT_EQ(0, csd_find_ns(fd, d, &e)) TH_LOG("%s not listed", d);
		EXPECT_EQ(nss[k]->nsid, e.nsid);
		EXPECT_EQ(0, e.submitted);
		EXPECT_EQ(0, e.completed);
		EXPECT_EQ(0, e.early);
		EXPECT_EQ(0, e.unmatched);
		EXPECT_EQ(sysfs_u64(d, "size"), (long long)e.capacity);
		EXPECT_EQ(sysfs_u64(d, "queue/logical_block_size"), 1LL << e.lba_shift);
		/* nvme<C>n<N>: its controller is nvme<C>. */
		snprintf(ctrl, sizeof(ctrl), "%.*s", (int)strcspn(d + 4, "n") + 4, d);
		EXPECT_STREQ(ctrl, e.ctrl);
		if (k == 0) {
			EXPECT_EQ(sysfs_u64(d, "queue/chunk_sectors"), (long long)e.zone_sectors);
			EXPECT_EQ(sysfs_u64(d, "queue/nr_zones"), (long long)e.nr_zones);
			EXPECT_EQ(e.nr_zones, e.nr_regions);
		} else {
			EXPECT_EQ(0, e.zone_sectors);
			EXPECT_LT(0, e.nr_regions);
		}
	}
	close(fd);
	EXPECT_EQ(6, counted_reads(6));
}

/* csd first, then nvme-core: csd attaches when nvme-core comes. */
TEST_F(lifecycle, load_before_nvme)
{
	ASSERT_EQ(0, csd_rmmod("csd"));
	ASSERT_EQ(0, csd_nvme_down());
	EXPECT_FALSE(csd_module_loaded("nvme_core"));
	ASSERT_EQ(0, csd_insmod(csd_ko_path()));
	ASSERT_TRUE(csd_wait_path(CSD_DEVICE_PATH, true, 5000));
	EXPECT_EQ(0, hooks_attached());
	/* Nothing to show: each view says why, in one line. */
	EXPECT_EQ(0, csd_run("[ \"$(csdctl devices)\" = 'csd tracks no namespaces: no NVMe "
			     "namespace is present, or csd is not attached to nvme-core "
			     "(csdctl info)' ]"));
	EXPECT_EQ(0, csd_run("csdctl stats | grep -q '^csd tracks no namespaces'"));
	ASSERT_EQ(0, csd_nvme_up());
	EXPECT_EQ(2, hooks_attached());
	EXPECT_EQ(31, counted_reads(31));
}

/* nvme-core goes and comes back while csd stays; the counts survive. */
TEST_F(lifecycle, nvme_reload_reattaches)
{
	char zdisk[sizeof(csd_zns()->disk)], cdisk[sizeof(csd_conv()->disk)];
	struct csd_ns_entry e;
	struct csd_info info;
	__u64 old_submitted;
	__u32 old_id;
	int fd;

	EXPECT_EQ(2, hooks_attached());
	EXPECT_EQ(3, counted_reads(3));
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &e));
	old_id = e.id;
	old_submitted = e.submitted;
	ASSERT_GE(old_submitted, 3);
	memcpy(zdisk, csd_zns()->disk, sizeof(zdisk));
	memcpy(cdisk, csd_conv()->disk, sizeof(cdisk));
	ASSERT_EQ(0, csd_nvme_down());
	EXPECT_EQ(0, hooks_attached());

	/* nvme-core is gone, and so are its namespaces, at once. */
	EXPECT_NE(0, csd_find_ns(fd, zdisk, &e));
	EXPECT_NE(0, csd_find_ns(fd, cdisk, &e));
	ASSERT_EQ(0, csd_info(fd, &info));
	EXPECT_EQ(0, info.nr_namespaces);
	close(fd);

	ASSERT_EQ(0, csd_nvme_up());
	EXPECT_EQ(2, hooks_attached());
	/*
	 * The namespace has a new entry (a new id), but its statistics
	 * survived: the old counts plus the kernel's own reads (partition
	 * scan) since it came back.
	 */
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &e));
	close(fd);
	EXPECT_GT(e.id, old_id);
	EXPECT_EQ(e.submitted, e.completed);
	EXPECT_GE(e.submitted, old_submitted);
	EXPECT_LT(e.submitted, old_submitted + 16);
	EXPECT_EQ(12, counted_reads(12));
}

/* Row @op/@sc of namespace @id: count and unbinned; GET_HIST's count. */
static int row_counts(int fd, __u32 id, int op, int sc, __u64 *count,
		      __u64 *unbinned, __u64 *binned)
{
	struct csd_hist h = { .size = sizeof(h), .ns_id = id, .op = op, .size_class = sc };
	static struct csd_snap s;
	unsigned int i;

	*count = *unbinned = 0;
	if (csd_snap_take(fd, id, &s) || ioctl(fd, CSD_IOC_GET_HIST, &h))
		return -1;
	for (i = 0; i < s.st.row_count; i++)
		if (s.rows[i].op == op && s.rows[i].size_class == sc) {
			*count = s.rows[i].count;
			*unbinned = s.rows[i].unbinned;
		}
	*binned = h.count;
	return 0;
}

#define HIST_BS		(384 << 10)	/* size class <=1M: nothing else reads so */

/*
 * A row whose first command completes, and whose histogram work item has
 * not allocated when nvme-core goes (the epoch is parked), gets its
 * histogram when the namespace comes back: its later commands are
 * binned. csd's test knob hist_work_hold_test holds the histograms back
 * deterministically (none is allocated while it is set). (Starving the
 * work's CPU with a SCHED_FIFO spinner instead stalled the unload on 6.1
 * under host load: the spinner preempted a kworker holding the vmap purge
 * mutex that module unloading takes.)
 */
TEST_F(lifecycle, hist_of_row_parked_before_its_work)
{
	__u64 count, unbinned, binned;
	struct csd_ns_entry e;
	char path[600];
	int fd;

	/* A fresh csd: no row has a histogram yet, nothing is parked. */
	ASSERT_EQ(0, csd_rmmod("csd"));
	ASSERT_EQ(0, csd_insmod(csd_ko_path()));
	ASSERT_EQ(0, csd_write_str(HIST_HOLD, "Y"));
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_learn_ns(fd, csd_conv(), &e));
	/* The entry's setup (its work item) is over once its directory is there. */
	snprintf(path, sizeof(path), "/sys/kernel/debug/csd/%s", csd_conv()->disk);
	ASSERT_TRUE(csd_wait_path(path, true, 10000));
	ASSERT_EQ(0, row_counts(fd, e.id, CSD_OP_READ, CSD_SZ_1M, &count, &unbinned, &binned));
	ASSERT_EQ(0, count);

	/* The row's first command asks for its histogram; none comes. */
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, HIST_BS, 0));
	usleep(200 * 1000);
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, HIST_BS, 0));
	ASSERT_EQ(0, row_counts(fd, e.id, CSD_OP_READ, CSD_SZ_1M, &count, &unbinned, &binned));
	EXPECT_EQ(2, count);
	EXPECT_EQ(2, unbinned);
	EXPECT_EQ(0, binned);

	ASSERT_EQ(0, csd_nvme_down());
	ASSERT_EQ(0, csd_write_str(HIST_HOLD, "N"));
	ASSERT_EQ(0, csd_nvme_up());
	ASSERT_EQ(0, csd_learn_ns(fd, csd_conv(), &e));
	ASSERT_TRUE(csd_wait_path(path, true, 10000));
	ASSERT_EQ(0, row_counts(fd, e.id, CSD_OP_READ, CSD_SZ_1M, &count, &unbinned, &binned));
	EXPECT_EQ(2, count);
	EXPECT_EQ(2, unbinned);
	EXPECT_EQ(0, binned);
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 10, HIST_BS, 0));
	ASSERT_EQ(0, row_counts(fd, e.id, CSD_OP_READ, CSD_SZ_1M, &count, &unbinned, &binned));
	EXPECT_EQ(12, count);
	EXPECT_EQ(2, unbinned);
	EXPECT_EQ(10, binned);
	close(fd);
}

/*
 * Unload while I/O runs on both namespaces from both vCPUs, then load
 * again; the reloads alternate between the vCPUs. Every read succeeds,
 * and the reloaded csd counts exactly.
 */
TEST_F(lifecycle, unload_under_io)
{
	struct csd_io_load io;
	unsigned long reads, before;
	struct csd_ns_entry e;
	int i, k, fd;

	ASSERT_EQ(0, csd_io_start(&io));
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(0, csd_pin(i % 2 % (int)sysconf(_SC_NPROCESSORS_ONLN)));
		before = csd_io_reads(&io);
		/* Reload while I/O runs: wait for some, not for a time. */
		for (k = 0; k < 60000 && csd_io_reads(&io) < before + 16; k++)
			usleep(1000);
		ASSERT_GE(csd_io_reads(&io), before + 16);
		ASSERT_EQ(0, csd_rmmod("csd"));
		ASSERT_EQ(0, csd_insmod(csd_ko_path()));
	}
	ASSERT_EQ(0, csd_pin(-1));
	EXPECT_EQ(0, csd_io_stop(&io, &reads));
	EXPECT_GE(reads, 6 * 16);
	EXPECT_EQ(2, hooks_attached());
	/*
	 * Quiet: every command the last csd saw submitted completed, none
	 * was lost in the window while it attached its two probes.
	 */
	fd = csd_open();
	ASSERT_GE(fd, 0);
	for (k = 0; k < 2; k++) {
		if (csd_find_ns(fd, k ? csd_conv()->disk : csd_zns()->disk, &e))
			continue;	/* no read reached it after the last load */
		EXPECT_EQ(e.submitted, e.completed);
		EXPECT_EQ(0, e.aborted);
	}
	close(fd);
	EXPECT_EQ(10, counted_reads(10));
}

/* An open /dev/csd pins the module: rmmod fails with EBUSY-like errors. */
TEST_F(lifecycle, open_fd_pins_module)
{
	int fd = csd_open();

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, syscall(SYS_delete_module, "csd", O_NONBLOCK));
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY);
	EXPECT_TRUE(csd_module_loaded("csd"));
	close(fd);
}

/*
 * A namespace created while csd is loaded (an nvme-loop target over
 * null_blk) appears with exact counts and disappears when disconnected.
 */
TEST_F(lifecycle, nvme_loop_namespace_comes_and_goes)
{
	if (!csd_module_exists("nvme-loop"))
		SKIP(return, "this kernel has no nvme-loop (Debian 6.1 does not build NVME_TARGET_LOOP)");
	const char *setup =
		"modprobe nvmet && modprobe nvme-loop && modprobe null_blk nr_devices=1 gb=1 && "
		"(grep -q ' /sys/kernel/config ' /proc/mounts || mount -t configfs none /sys/kernel/config) && "
		"S=/sys/kernel/config/nvmet/subsystems/csdtest && mkdir $S && "
		"echo 1 > $S/attr_allow_any_host && mkdir $S/namespaces/1 && "
		"echo -n /dev/nullb0 > $S/namespaces/1/device_path && "
		"echo 1 > $S/namespaces/1/enable && "
		"P=/sys/kernel/config/nvmet/ports/7 && mkdir $P && echo loop > $P/addr_trtype && "
		"ln -s $S $P/subsystems/csdtest && U=$(cat /proc/sys/kernel/random/uuid) && "
		"nvme connect -t loop -n csdtest --hostnqn=nqn.2014-08.org.nvmexpress:uuid:$U "
		"--hostid=$U > /dev/null";
	const char *teardown =
		"nvme disconnect -n csdtest > /dev/null; "
		"rm -f /sys/kernel/config/nvmet/ports/7/subsystems/csdtest; "
		"rmdir /sys/kernel/config/nvmet/ports/7; "
		"echo 0 > /sys/kernel/config/nvmet/subsystems/csdtest/namespaces/1/enable; "
		"rmdir /sys/kernel/config/nvmet/subsystems/csdtest/namespaces/1; "
		"rmdir /sys/kernel/config/nvmet/subsystems/csdtest; rmmod nvme-loop; "
		"rmmod nvmet; rmmod null_blk";
	struct csd_ns_list arg;
	struct csd_ns_entry ents[16], a, b;
	char disk[64] = "", path[80];
	unsigned int i, admins;
	int fd, tries;

	ASSERT_EQ(0, csd_run(setup));
	fd = csd_open();
	ASSERT_GE(fd, 0);
	/* The loop controller's namespace: a multipath path disk nvmeXcYnZ. */
	for (tries = 0; tries < 100 && !disk[0]; tries++) {
		for (i = 0; i < 4 && !disk[0]; i++) {
			char head[32];

			snprintf(head, sizeof(head), "/dev/nvme%un1", i);
			if (strcmp(head + 5, csd_zns()->disk) && strcmp(head + 5, csd_conv()->disk) &&
			    !access(head, F_OK))
				snprintf(disk, sizeof(disk), "%s", head + 5);
		}
		usleep(50000);
	}
	ASSERT_NE(0, disk[0]);
	snprintf(path, sizeof(path), "/dev/%s", disk);
	ASSERT_EQ(0, csd_direct_reads(path, 1, 4096, 0));
	usleep(200000);

	/* Find the path disk csd sees the loop namespace's I/O on. */
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.count = 16;
	arg.entry_size = sizeof(ents[0]);
	arg.entries = (__u64)(unsigned long)ents;
	ASSERT_EQ(0, ioctl(fd, CSD_IOC_LIST_NS, &arg));
	memset(&a, 0, sizeof(a));
	for (i = 0; i < arg.count; i++)
		if (strcmp(ents[i].disk, csd_zns()->disk) && strcmp(ents[i].disk, csd_conv()->disk) &&
		    !(ents[i].flags & CSD_NS_F_ADMIN))
			a = ents[i];
	ASSERT_NE(0, a.id);
	TH_LOG("loop namespace %s is counted on %s (ctrl %s)", disk, a.disk, a.ctrl);
	/*
	 * One admin entry for the loop controller: its connect and fabrics
	 * queues (Connect, Property Get/Set) have no disk either, but they
	 * are not the admin queue.
	 */
	admins = 0;
	for (i = 0; i < arg.count; i++)
		if ((ents[i].flags & CSD_NS_F_ADMIN) && !strcmp(ents[i].ctrl, a.ctrl))
			admins++;
	EXPECT_EQ(1, admins);
	ASSERT_EQ(0, csd_direct_reads(path, 33, 4096, 4096));
	ASSERT_EQ(0, csd_find_ns(fd, a.disk, &b));
	EXPECT_EQ(33, b.submitted - a.submitted);
	EXPECT_EQ(33, b.completed - a.completed);
	EXPECT_EQ(9, b.lba_shift);

	ASSERT_EQ(0, csd_run(teardown));
	/* Gone within the reaper's two passes. */
	for (tries = 0; tries < 50 && !csd_find_ns(fd, a.disk, &b); tries++)
		usleep(100000);
	EXPECT_NE(0, csd_find_ns(fd, a.disk, &b));
	/* The emulated controller is untouched and still counted. */
	EXPECT_EQ(5, counted_reads(5));
	close(fd);
}

/*
 * When the running nvme-core's private layout is not the one csd was
 * built for, csd counts nothing and takes its probes off, saying why.
 * (The module's test knob makes the layout check look one pointer past
 * the command; everything else is the real check on real commands.)
 */
TEST_F(lifecycle, layout_mismatch_refuses_to_count)
{
	struct csd_ns_list list;
	struct csd_info info;
	int fd, i;

	ASSERT_EQ(0, csd_rmmod("csd"));
	ASSERT_EQ(0, csd_insmod_args(csd_ko_path(), "layout_check_test=1"));
	ASSERT_TRUE(csd_wait_path(CSD_DEVICE_PATH, true, 5000));
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 3, 4096, 0));
	/* The probes come off, then every entry goes (a work item). */
	for (i = 0; i < 250; i++, usleep(20000))
		if (!csd_info(fd, &info) && !info.hook_attached && !info.nr_namespaces)
			break;
	EXPECT_EQ(0, info.hook_attached);
	EXPECT_EQ(0, info.nr_namespaces);
	EXPECT_FALSE(info.features & CSD_FEAT_NVME_HOOKS);
	/* The first read, and any before the probes came off. */
	EXPECT_LE(1, info.untracked);
	memset(&list, 0, sizeof(list));
	list.size = sizeof(list);
	list.entry_size = sizeof(struct csd_ns_entry);
	ASSERT_EQ(0, ioctl(fd, CSD_IOC_LIST_NS, &list));
	EXPECT_EQ(0, list.total);
	EXPECT_EQ(0, csd_run("dmesg | grep -q 'does not match the layout csd was built for'"));
	/* Refused, csd does not attach when told to: EPROTO, and it says N. */
	EXPECT_NE(0, csd_write_str(ATTACH, "Y"));
	EXPECT_EQ(0, csd_run("echo Y 2>&1 > " ATTACH " | grep -q 'Protocol error'"));
	EXPECT_EQ('N', attach_param());
	EXPECT_EQ(0, hooks_attached());
	close(fd);

	/* Built right, it counts again. */
	ASSERT_EQ(0, csd_rmmod("csd"));
	ASSERT_EQ(0, csd_insmod(csd_ko_path()));
	ASSERT_TRUE(csd_wait_path(CSD_DEVICE_PATH, true, 5000));
	EXPECT_EQ(2, hooks_attached());
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_learn_ns(fd, csd_conv(), &(struct csd_ns_entry){}));
	close(fd);
	EXPECT_EQ(9, counted_reads(9));
}

/* A controller reset keeps the namespaces and the counting exact. */
TEST_F(lifecycle, controller_reset)
{
	char cmd[256], ctrl[32];
	struct csd_ns_entry e;
	int fd = csd_open();

	ASSERT_GE(fd, 0);
	EXPECT_EQ(4, counted_reads(4));
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &e));
	snprintf(ctrl, sizeof(ctrl), "%s", e.ctrl);
	snprintf(cmd, sizeof(cmd), "echo 1 > /sys/class/nvme/%s/reset_controller", ctrl);
	ASSERT_EQ(0, csd_run(cmd));
	usleep(500000);
	EXPECT_EQ(17, counted_reads(17));
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &e));
	EXPECT_EQ(e.submitted, e.completed + e.aborted);
	close(fd);
}

/* Reading, resetting and reconfiguring while fio runs is safe. */
TEST_F(lifecycle, stats_under_io)
{
	static struct csd_snap snap;
	static struct csd_zone_entry zents[64];
	static __u64 b[CSD_HIST_BUCKETS];
	struct csd_ns_entry z, c;
	char cmd[1024];
	pid_t pid;
	int fd, i, status;

	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 1, 4096, 0));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(fd, csd_zns()->disk, &z));
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &c));
	snprintf(cmd, sizeof(cmd),
		 CSD_FIO "--name=a --filename=%s --direct=1 --ioengine=libaio --rw=randread --bs=4k "
		 "--iodepth=8 --numjobs=2 --time_based --runtime=4 --output=/dev/null && "
		 CSD_FIO "--name=b --filename=%s --direct=1 --ioengine=psync --rw=randread --bs=16k "
		 "--time_based --runtime=2 --output=/dev/null",
		 csd_conv()->path, csd_zns()->path);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(csd_run(cmd));
	for (i = 0; i < 400; i++) {
		struct csd_zone_stats zs = {
			.size = sizeof(zs), .ns_id = z.id, .count = 64,
			.entry_size = sizeof(zents[0]), .entries = (__u64)(unsigned long)zents,
		};
		struct csd_hist h = {
			.size = sizeof(h), .ns_id = c.id, .op = CSD_OP_ALL,
			.size_class = CSD_SZ_ALL, .nr_buckets = CSD_HIST_BUCKETS,
			.buckets = (__u64)(unsigned long)b,
		};
		struct csd_reset r = { .size = sizeof(r), .ns_id = c.id };
		struct csd_config cf = { .size = sizeof(cf), .ns_id = c.id,
					 .flags = CSD_CFG_F_REGION,
					 .region_sectors = i % 2 ? 4096 : CSD_REGION_DEFAULT_SECTORS };

		ASSERT_EQ(0, csd_snap_take(fd, i % 2 ? z.id : c.id, &snap));
		ASSERT_EQ(0, ioctl(fd, CSD_IOC_ZONE_STATS, &zs));
		ASSERT_EQ(0, ioctl(fd, CSD_IOC_GET_HIST, &h));
		if (i % 20 == 0)
			ASSERT_EQ(0, ioctl(fd, CSD_IOC_RESET, &r));
		if (i % 50 == 0)
			ASSERT_EQ(0, ioctl(fd, CSD_IOC_CONFIG, &cf));
		if (i % 10 == 0)
			csd_run("cat /sys/kernel/debug/csd/*/latency /sys/kernel/debug/csd/*/zones "
				"/sys/kernel/debug/csd/namespaces > /dev/null");
		usleep(10000);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Quiet now: every epoch's books balance. */
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &c));
	EXPECT_EQ(c.submitted, c.completed + c.aborted);
	ASSERT_EQ(0, csd_find_ns(fd, csd_zns()->disk, &z));
	EXPECT_EQ(z.submitted, z.completed + z.aborted);
	EXPECT_EQ(0, z.aborted);
	close(fd);
}

/* The attach parameter's value, 'Y' or 'N', or 0. */
static char attach_param(void)
{
	char buf[8];

	return csd_read_file(ATTACH, buf, sizeof(buf)) ? 0 : buf[0];
}

/*
 * attach=N detaches the probes with csd loaded: nothing is counted, the
 * statistics stay; Y attaches again and the counts go on from there.
 */
TEST_F(lifecycle, attach_param_detaches_and_keeps_counts)
{
	struct csd_ns_entry a, b;
	int fd;

	EXPECT_EQ(2, hooks_attached());
	EXPECT_EQ('Y', attach_param());
	EXPECT_EQ(5, counted_reads(5));
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &a));

	ASSERT_EQ(0, csd_write_str(ATTACH, "N"));
	EXPECT_EQ('N', attach_param());
	EXPECT_EQ(0, hooks_attached());
	EXPECT_EQ(0, csd_run("csdctl info | grep -q '^nvme hooks: *detached (attach=N'"));
	/* Idempotent. */
	ASSERT_EQ(0, csd_write_str(ATTACH, "0"));
	EXPECT_EQ(0, hooks_attached());
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 40, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &b)) TH_LOG("the entry must stay");
	EXPECT_EQ(a.submitted, b.submitted);
	EXPECT_EQ(a.completed, b.completed);
	EXPECT_EQ(a.unmatched, b.unmatched);

	/* Not a boolean: refused, nothing changes. */
	EXPECT_NE(0, csd_write_str(ATTACH, "maybe"));
	EXPECT_EQ(0, hooks_attached());
	EXPECT_EQ('N', attach_param());

	ASSERT_EQ(0, csd_write_str(ATTACH, "Y"));
	EXPECT_EQ(2, hooks_attached());
	ASSERT_EQ(0, csd_write_str(ATTACH, "1"));
	EXPECT_EQ(2, hooks_attached());
	EXPECT_EQ(11, counted_reads(11));
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &b));
	EXPECT_EQ(a.submitted + 11, b.submitted);
	EXPECT_EQ(a.completed + 11, b.completed);
	EXPECT_EQ(a.unmatched, b.unmatched);
	EXPECT_EQ(a.aborted, b.aborted);
	close(fd);
}

/* Loaded with attach=N: namespaces are listed, nothing counted until Y. */
TEST_F(lifecycle, load_detached)
{
	struct csd_ns_entry e;
	int fd;

	ASSERT_EQ(0, csd_rmmod("csd"));
	ASSERT_EQ(0, csd_insmod_args(csd_ko_path(), "attach=N"));
	ASSERT_TRUE(csd_wait_path(CSD_DEVICE_PATH, true, 5000));
	EXPECT_EQ(0, hooks_attached());
	EXPECT_EQ('N', attach_param());
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 9, 4096, 0));
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &e));
	EXPECT_EQ(0, e.submitted);
	EXPECT_EQ(0, e.completed);
	close(fd);
	ASSERT_EQ(0, csd_write_str(ATTACH, "Y"));
	EXPECT_EQ(2, hooks_attached());
	EXPECT_EQ(13, counted_reads(13));
	/* A bare "attach" on the insmod line is Y. */
	ASSERT_EQ(0, csd_rmmod("csd"));
	ASSERT_EQ(0, csd_insmod_args(csd_ko_path(), "attach"));
	ASSERT_TRUE(csd_wait_path(CSD_DEVICE_PATH, true, 5000));
	EXPECT_EQ('Y', attach_param());
	EXPECT_EQ(2, hooks_attached());
}

/*
 * Detached and attached again many times under fio: each detach waits
 * for the commands in flight, so when the I/O stops every command csd
 * saw submitted was seen completed (none aborted), and nothing was seen
 * completed that was not seen submitted.
 */
TEST_F(lifecycle, attach_toggles_under_io)
{
	struct csd_ns_entry a, b;
	int fd, i, status, ok_fail = 0;
	char cmd[512];
	pid_t pid;

	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(3, counted_reads(3));
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &a));
	/* Idle: the books balance before. */
	ASSERT_EQ(a.submitted, a.completed + a.aborted);
	snprintf(cmd, sizeof(cmd),
		 CSD_FIO "--name=t --filename=%s --direct=1 --ioengine=libaio --rw=randread "
		 "--bs=4k --iodepth=16 --numjobs=2 --time_based --runtime=4 --output=/dev/null",
		 csd_conv()->path);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(csd_run(cmd));
	/* Until fio's reads are seen (its start-up is slow under TCG). */
	for (i = 0; i < 300; i++) {
		ok_fail = csd_find_ns(fd, csd_conv()->disk, &b);
		EXPECT_EQ(0, ok_fail);
		if (ok_fail || b.submitted > a.submitted + 50)
			break;
		usleep(20000);
	}
	for (i = 0; i < 30 && !ok_fail; i++) {
		ok_fail = csd_write_str(ATTACH, i % 2 ? "Y" : "N");
		EXPECT_EQ(0, ok_fail);
		EXPECT_EQ(i % 2 ? 2 : 0, hooks_attached());
		usleep(30000);
	}
	/* Whatever happened, fio is waited for and csd attached again. */
	EXPECT_EQ(0, csd_write_str(ATTACH, "Y"));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &b));
	EXPECT_LT(a.submitted + 100, b.submitted) TH_LOG("fio's reads were not counted");
	EXPECT_EQ(b.submitted - a.submitted, b.completed - a.completed);
	EXPECT_EQ(a.aborted, b.aborted);
	EXPECT_EQ(a.unmatched, b.unmatched);
	EXPECT_EQ(a.stale, b.stale);
	close(fd);
	EXPECT_EQ(8, counted_reads(8));
}

TEST_HARNESS_MAIN
