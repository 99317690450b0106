// SPDX-License-Identifier: GPL-2.0
/*
 * Faults under load: controller resets and PCI removals of the emulated
 * controller while fio, an offload execution, a blocked trace reader,
 * the in-flight view and debugfs readers run; csd reloaded under I/O on
 * both vCPUs; nvme-core unloaded and reloaded under csd. Afterwards
 * nothing is in flight and every namespace's books balance exactly:
 * submitted = completed + aborted, and a known number of reads is
 * counted exactly.
 *
 * The number of resets, removals and reloads are csd.fault_resets=,
 * csd.fault_removals= and csd.fault_reloads= on the kernel command line
 * (defaults 20, 5 and 50).
 */
#include <signal.h>

#include "csd_args.h"
#include "csd_harness.h"

struct load_figs {
	volatile int stop;
	unsigned long fio_runs, execs, exec_ok, inflight_walks, debugfs_reads,
		      trace_records;
};

/* The PCI address of the controller with serial csd0001. */
static int ctrl_pci(char *bdf, size_t len)
{
	char ctrl[32], path[128], link[256];
	ssize_t n;
	char *p;

	if (csd_ctrl_by_serial(CSD_SERIAL, ctrl, sizeof(ctrl)))
		return -1;
	snprintf(path, sizeof(path), "/sys/class/nvme/%s/device", ctrl);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = 0;
	p = strrchr(link, '/');
	snprintf(bdf, len, "%.*s", (int)len - 1, p ? p + 1 : link);
	return 0;
}

/*
 * The controller (serial csd0001) leaves the PCI bus and comes back: 0
 * once both its disks are there again, -1 (saying which step) if not.
 */
static int pci_remove_rescan(void)
{
	char bdf[64], cmd[256];
	int k;

	if (ctrl_pci(bdf, sizeof(bdf))) {
		printf("# pci_remove_rescan: the controller has no PCI address\n");
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "echo 1 > /sys/bus/pci/devices/%s/remove", bdf);
	if (csd_run(cmd) ||
	    (!csd_wait_path(csd_conv()->path, false, 10000) && csd_conv()->disk[0])) {
		printf("# pci_remove_rescan: %s did not go\n", bdf);
		return -1;
	}
	if (csd_run("echo 1 > /sys/bus/pci/rescan"))
		return -1;
	for (k = 0; k < 500 && (!csd_zns()->disk[0] || !csd_conv()->disk[0]); k++)
		usleep(20000);
	if (!csd_zns()->disk[0] || !csd_conv()->disk[0]) {
		printf("# pci_remove_rescan: the disks did not come back\n");
		return -1;
	}
	return 0;
}

static void load_fio(struct load_figs *f)
{
	char cmd[512];

	while (!f->stop) {
		if (csd_conv()->disk[0]) {
			snprintf(cmd, sizeof(cmd),
				 CSD_FIO "--name=f --filename=%s --direct=1 --ioengine=libaio "
				 "--iodepth=8 --rw=randread --bs=4k --numjobs=2 --time_based "
				 "--runtime=2 --output=/dev/null > /dev/null 2>&1",
				 csd_conv()->path);
			csd_run(cmd);
			__atomic_add_fetch(&f->fio_runs, 1, __ATOMIC_RELAXED);
		} else {
			usleep(100000);
		}
	}
}

/* Offload executions over a zone, one after the other. */
static void load_exec(struct load_figs *f)
{
	static struct csd_bufs b;
	char arg[4096];
	int fd = csd_open();

	while (!f->stop) {
		struct csd_ns_entry z;
		struct csd_exec *e = (void *)arg;

		if (fd < 0 || csd_find_ns(fd, csd_zns()->disk, &z)) {
			usleep(100000);
			continue;
		}
		csd_good_arg(CALL_EXEC, arg, &b, z.id, true, 0, "entropy");
		e->flags = CSD_EXEC_F_ZONE;
		e->nlb = 0;
		e->slba = 0;
		if (!ioctl(fd, CSD_IOC_EXEC, e))
			__atomic_add_fetch(&f->exec_ok, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&f->execs, 1, __ATOMIC_RELAXED);
	}
	close(fd);
}

static void load_inflight(struct load_figs *f)
{
	static struct csd_bufs b;
	char arg[4096];
	int fd = csd_open();

	while (!f->stop && fd >= 0) {
		csd_good_arg(CALL_INFLIGHT, arg, &b, 0, false, 0, "");
		if (!ioctl(fd, CSD_IOC_INFLIGHT, arg))
			__atomic_add_fetch(&f->inflight_walks, 1, __ATOMIC_RELAXED);
		csd_run("cat /sys/kernel/debug/csd/namespaces /sys/kernel/debug/csd/inflight "
			"/sys/kernel/debug/csd/*/latency /sys/kernel/debug/csd/*/zones "
			"/sys/kernel/debug/csd/*/inflight > /dev/null 2>&1");
		__atomic_add_fetch(&f->debugfs_reads, 1, __ATOMIC_RELAXED);
		usleep(20000);
	}
	if (fd >= 0)
		close(fd);
}

/* Blocked in read() on a trace fd of every completion until killed. */
static void load_trace(struct load_figs *f)
{
	csd_trace_drain(&f->trace_records);
}

static pid_t spawn(void (*fn)(struct load_figs *), struct load_figs *f)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* Gone with the test, even when an ASSERT ends it early. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fn(f);
		_exit(0);
	}
	return pid;
}

/* Quiet: nothing in flight, every namespace's books balance. */
static void check_books(struct __test_metadata *_metadata, int fd, const char *tag)
{
	struct csd_inflight infl = { .size = sizeof(infl) };
	struct csd_ns_entry ents[64], e0, e1;
	struct csd_ns_list l = {
		.size = sizeof(l), .count = 64, .entry_size = sizeof(ents[0]),
		.entries = CSD_U64P(ents),
	};
	struct csd_info info;
	unsigned int k;

	ASSERT_EQ(0, csd_nvme_up());
	ASSERT_EQ(0, ioctl(fd, CSD_IOC_INFLIGHT, &infl));
	EXPECT_EQ(0, infl.total);
	ASSERT_EQ(0, ioctl(fd, CSD_IOC_LIST_NS, &l));
	for (k = 0; k < l.count; k++) {
		EXPECT_EQ(ents[k].submitted, ents[k].completed + ents[k].aborted)
			TH_LOG("%s: submitted %llu completed %llu aborted %llu", ents[k].disk,
			       ents[k].submitted, ents[k].completed, ents[k].aborted);
		printf("# csd-reliability: %s books %s submitted=%llu completed=%llu aborted=%llu\n",
		       tag, ents[k].disk[0] ? ents[k].disk : ents[k].ctrl,
		       ents[k].submitted, ents[k].completed, ents[k].aborted);
	}
	ASSERT_EQ(0, csd_info(fd, &info));
	EXPECT_EQ(0, info.untracked);
	ASSERT_EQ(0, csd_learn_ns(fd, csd_conv(), &e0));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 40, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &e1));
	EXPECT_EQ(40, e1.completed - e0.completed);
	EXPECT_EQ(40, e1.submitted - e0.submitted);
	ASSERT_EQ(0, csd_learn_ns(fd, csd_zns(), &e0));
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 40, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(fd, csd_zns()->disk, &e1));
	EXPECT_EQ(40, e1.completed - e0.completed);
	EXPECT_EQ(40, e1.submitted - e0.submitted);
}

FIXTURE(fault) {
	int fd;
	bool bpf;
};

FIXTURE_SETUP(fault)
{
	struct csd_ns_entry e;

	if (!csd_module_loaded("csd"))
		ASSERT_EQ(0, csd_insmod(csd_ko_path()));
	ASSERT_EQ(0, csd_nvme_up());
	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_zns(), &e));
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_conv(), &e));
	ASSERT_EQ(0, csd_entropy_load(self->fd, &self->bpf));
}

#define TRACEFS		"/sys/kernel/tracing/"
#define HOLD_INSTANCE	TRACEFS "instances/csd_hold/"

/*
 * The three events csd probes (nvme-core's two, the block layer's
 * requeue) on or off in one tracefs instance, its ring off.
 */
static int nvme_events(const char *dir, const char *on)
{
	char path[256];
	int ret;

	snprintf(path, sizeof(path), "%stracing_on", dir);
	ret = csd_write_str(path, !strcmp(on, "1") ? "0" : "1");
	snprintf(path, sizeof(path), "%sevents/nvme/nvme_setup_cmd/enable", dir);
	ret |= csd_write_str(path, on);
	snprintf(path, sizeof(path), "%sevents/nvme/nvme_complete_rq/enable", dir);
	ret |= csd_write_str(path, on);
	snprintf(path, sizeof(path), "%sevents/block/block_rq_requeue/enable", dir);
	ret |= csd_write_str(path, on);
	return ret;
}

/*
 * Keep (1) or stop keeping (0) two more probes on each tracepoint csd
 * probes: the events of the top tracefs instance and of a second
 * one, rings off. A tracepoint with one probe calls it directly (a static
 * call); with more, through its iterator. So with csd's probe a third,
 * csd's insmod and rmmod change only the RCU-published probe array (3 <->
 * 2 probes): no static key flips and no call site is patched while the
 * other vCPU runs them (QEMU's stale-code bug, Documentation/developing.rst).
 */
static int nvme_events_hold(const char *on)
{
	int ret;

	if (!strcmp(on, "1")) {
		if (mkdir(HOLD_INSTANCE, 0755) && errno != EEXIST)
			return -1;
		return nvme_events(TRACEFS, on) | nvme_events(HOLD_INSTANCE, on);
	}
	ret = nvme_events(HOLD_INSTANCE, on) | nvme_events(TRACEFS, on);
	rmdir(HOLD_INSTANCE);
	return ret;
}

FIXTURE_TEARDOWN(fault)
{
	csd_entropy_unload(self->bpf);
	if (self->fd >= 0)
		close(self->fd);
	if (!csd_module_loaded("nvme"))
		csd_nvme_up();
	/* The next test starts from a freshly loaded csd. */
	if (!csd_module_loaded("csd") || !csd_rmmod("csd"))
		csd_insmod(csd_ko_path());
	/* Released here too when an ASSERT ended reload_cycles_under_io. */
	nvme_events_hold("0");
}

/*
 * Controller resets and PCI removals (with a rescan) while everything
 * that reads csd runs.
 */
TEST_F(fault, resets_and_removals_under_load)
{
	unsigned long resets = csd_cmdline_ul("csd.fault_resets=", 20);
	unsigned long removals = csd_cmdline_ul("csd.fault_removals=", 5);
	struct load_figs *f = mmap(NULL, sizeof(*f), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned long i, done_resets = 0, done_removals = 0;
	pid_t kids[3], tracer;
	char cmd[256], ctrl[32];
	int st, k;

	ASSERT_NE(MAP_FAILED, f);
	tracer = spawn(load_trace, f);
	kids[0] = spawn(load_fio, f);
	kids[1] = spawn(load_exec, f);
	kids[2] = spawn(load_inflight, f);
	usleep(500000);
	for (i = 0; i < resets + removals; i++) {
		if (i % ((resets + removals) / (removals ? removals : 1)) ==
		    (resets + removals) / (removals ? removals : 1) - 1 &&
		    done_removals < removals) {
			/* The controller leaves the PCI bus and comes back. */
			ASSERT_EQ(0, pci_remove_rescan());
			done_removals++;
		} else if (done_resets < resets) {
			ASSERT_EQ(0, csd_ctrl_by_serial(CSD_SERIAL, ctrl, sizeof(ctrl)));
			snprintf(cmd, sizeof(cmd), "echo 1 > /sys/class/nvme/%s/reset_controller",
				 ctrl);
			EXPECT_EQ(0, csd_run(cmd));
			done_resets++;
		}
		usleep(300000);
	}
	while (done_resets < resets) {
		ASSERT_EQ(0, csd_ctrl_by_serial(CSD_SERIAL, ctrl, sizeof(ctrl)));
		snprintf(cmd, sizeof(cmd), "echo 1 > /sys/class/nvme/%s/reset_controller", ctrl);
		EXPECT_EQ(0, csd_run(cmd));
		done_resets++;
		usleep(300000);
	}
	f->stop = 1;
	for (k = 0; k < 3; k++)
		ASSERT_EQ(kids[k], waitpid(kids[k], &st, 0));
	kill(tracer, SIGKILL);
	ASSERT_EQ(tracer, waitpid(tracer, &st, 0));
	/* The reader was blocked in read() and got every record it asked for. */
	EXPECT_TRUE(WIFSIGNALED(st));
	printf("# csd-reliability: fault resets=%lu removals=%lu fio_runs=%lu execs=%lu "
	       "exec_ok=%lu inflight_walks=%lu debugfs_reads=%lu trace_records=%lu\n",
	       done_resets, done_removals, f->fio_runs, f->execs, f->exec_ok,
	       f->inflight_walks, f->debugfs_reads, f->trace_records);
	EXPECT_EQ(resets, done_resets);
	EXPECT_EQ(removals, done_removals);
	EXPECT_GT(f->fio_runs, 0);
	EXPECT_GT(f->trace_records, 0);
	EXPECT_GT(f->inflight_walks, 0);
	if (self->bpf)
		EXPECT_GT(f->exec_ok, 0);
	check_books(_metadata, self->fd, "fault");
	munmap(f, sizeof(*f));
}

/*
 * rmmod and insmod csd, again and again, under I/O on both vCPUs.
 *
 * With nvme-core's tracepoints held enabled from tracefs: under TCG, QEMU
 * 10 still now and then runs stale code on one vCPU while the other
 * patches a static branch. Seen once in a clean-clone make check on a
 * loaded host: a panic in nvme_complete_batch_req, at the second byte of
 * the trace_nvme_complete_rq jump csd's insmod had just enabled ("eb
 * <54>"), during this test. The static key flips themselves are
 * guard_test's; this test is about csd's probes coming and going under
 * I/O, which it still does, 2 x cycles times.
 */
TEST_F(fault, reload_cycles_under_io)
{
	unsigned long cycles = csd_cmdline_ul("csd.fault_reloads=", 50), i, reads;
	struct csd_io_load io;
	int k;

	csd_entropy_unload(self->bpf);
	self->bpf = false;
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, nvme_events_hold("1"));
	ASSERT_EQ(0, csd_io_start(&io));
	for (i = 0; i < cycles; i++) {
		unsigned long before = csd_io_reads(&io);

		ASSERT_EQ(0, csd_pin(i % 2));
		for (k = 0; k < 60000 && csd_io_reads(&io) < before + 8; k++)
			usleep(1000);
		ASSERT_GE(csd_io_reads(&io), before + 8);
		ASSERT_EQ(0, csd_rmmod("csd"));
		ASSERT_EQ(0, csd_insmod(csd_ko_path()));
	}
	ASSERT_EQ(0, csd_pin(-1));
	EXPECT_EQ(0, csd_io_stop(&io, &reads));
	EXPECT_EQ(0, nvme_events_hold("0"));
	printf("# csd-reliability: reload cycles=%lu reads=%lu\n", cycles, reads);
	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	check_books(_metadata, self->fd, "reload");
}

/* nvme-core goes and comes back under csd, with I/O before and after. */
TEST_F(fault, nvme_core_reload)
{
	struct csd_ns_entry before, after;
	struct csd_info info;
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 5, 4096, 0));
		ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &before));
		ASSERT_EQ(0, csd_nvme_down());
		ASSERT_FALSE(csd_module_loaded("nvme_core"));
		ASSERT_EQ(0, csd_info(self->fd, &info));
		EXPECT_EQ(0, info.hook_attached);
		EXPECT_EQ(0, info.nr_namespaces);
		ASSERT_EQ(0, csd_nvme_up());
		ASSERT_EQ(0, csd_info(self->fd, &info));
		EXPECT_EQ(2, info.hook_attached);
		ASSERT_EQ(0, csd_learn_ns(self->fd, csd_conv(), &after));
		/*
		 * The statistics survived the reload (the epoch was parked),
		 * even where a controller removed and rescanned by an earlier
		 * test was nvme1 and the fresh nvme-core calls it nvme0.
		 */
		EXPECT_GE(after.completed, before.completed);
	}
	printf("# csd-reliability: nvme-core reloads=%d\n", i);
	check_books(_metadata, self->fd, "nvme-core");
}

/* True while csd lists a removed (dead) entry. */
static bool dead_entries(int fd)
{
	static struct csd_ns_entry ents[64];
	struct csd_ns_list a = {
		.size = sizeof(a), .count = 64, .entry_size = sizeof(ents[0]),
		.entries = (__u64)(unsigned long)ents,
	};
	unsigned int i;

	if (ioctl(fd, CSD_IOC_LIST_NS, &a))
		return true;
	for (i = 0; i < a.count; i++)
		if (ents[i].flags & CSD_NS_F_DEAD)
			return true;
	return false;
}

/*
 * A namespace removed and found again at once gets a new entry and epoch
 * before the reaper drops the old entry, whose epoch the reaper parks
 * afterwards. An nvme-core reload then parks the new epoch too: the one
 * that comes back must be the new one, not the older of the two.
 */
TEST_F(fault, reload_after_removal_brings_back_the_newest_epoch)
{
	struct csd_ns_entry old, before, after;
	struct csd_reset r = { .size = sizeof(r) };
	int k;

	/* The old epoch: counted from zero, nothing in it. */
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_conv(), &old));
	r.ns_id = old.id;
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_RESET, &r));
	/* Out of the PCI bus and back at once. */
	ASSERT_EQ(0, pci_remove_rescan());
	/* The new epoch: more than the old one's nothing. */
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_conv(), &before));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 7, 4096, 0));
	/* The reaper drops the old entries (parking their epochs): a bound. */
	for (k = 0; k < 1000 && dead_entries(self->fd); k++)
		usleep(10000);
	ASSERT_FALSE(dead_entries(self->fd));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &before));
	ASSERT_LE(7, before.completed);
	ASSERT_EQ(0, csd_nvme_down());
	ASSERT_EQ(0, csd_nvme_up());
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_conv(), &after));
	TH_LOG("%s: %llu completed before the reload, %llu after", csd_conv()->disk,
	       (unsigned long long)before.completed, (unsigned long long)after.completed);
	EXPECT_LE(before.completed, after.completed);
	check_books(_metadata, self->fd, "removal+reload");
}

/* Whether debugfs shows @disk's subsystem NQN and controller ID as sysfs has them. */
static bool debugfs_knows_who(const char *disk, const char *ctrl)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "d=/sys/kernel/debug/csd/%s/diag c=/sys/class/nvme/%s && "
		 "[ \"$(sed -n 's/^subnqn: *//p' $d)\" = \"$(cat $c/subsysnqn)\" ] && "
		 "[ \"$(sed -n 's/^cntlid: *//p' $d)\" = \"$(cat $c/cntlid)\" ] && "
		 "grep -q '^nqn\\.' $c/subsysnqn", disk, ctrl);
	return csd_run(cmd) == 0;
}

/*
 * Controller names are given in probe order: a controller rescanned
 * while its old instance is still held (an open /dev/nvmeN) gets a new
 * one, and a fresh nvme-core gives the first name again. Two drives can
 * swap names that way, so the parked epoch must follow the namespace
 * (subsystem NQN, controller ID, nsid), not the controller's name: here
 * the rescanned controller is nvme1 when nvme-core goes and nvme0 when it
 * comes back, and its statistics come back with it. (The names are those
 * of the default guest, whose one controller a fresh nvme-core calls
 * nvme0; the test asserts only that they change.)
 */
TEST_F(fault, parked_epoch_follows_the_drive_not_its_name)
{
	struct csd_ns_entry old, before, after;
	char dev[64];
	int hold, k;

	/* A fresh nvme-core: the controller is nvme0, whatever came before. */
	ASSERT_EQ(0, csd_nvme_down());
	ASSERT_EQ(0, csd_nvme_up());
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_conv(), &old));
	ASSERT_TRUE(debugfs_knows_who(old.disk, old.ctrl));
	/* Out of the PCI bus and back while its instance is held: a new name. */
	snprintf(dev, sizeof(dev), "/dev/%s", old.ctrl);
	hold = open(dev, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(hold, 0);
	k = pci_remove_rescan();
	close(hold);
	ASSERT_EQ(0, k);
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_conv(), &before));
	ASSERT_STRNE(old.ctrl, before.ctrl);
	ASSERT_TRUE(debugfs_knows_who(before.disk, before.ctrl));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 9, 4096, 0));
	for (k = 0; k < 1000 && dead_entries(self->fd); k++)
		usleep(10000);
	ASSERT_FALSE(dead_entries(self->fd));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &before));
	ASSERT_LE(9, before.completed);
	/* nvme-core goes with the epoch of nvme1 and comes back as nvme0. */
	ASSERT_EQ(0, csd_nvme_down());
	ASSERT_EQ(0, csd_nvme_up());
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_conv(), &after));
	ASSERT_STRNE(before.ctrl, after.ctrl);
	TH_LOG("%s: %llu completed as %s, %llu as %s", after.disk,
	       (unsigned long long)before.completed, before.ctrl,
	       (unsigned long long)after.completed, after.ctrl);
	EXPECT_LE(before.completed, after.completed);
	check_books(_metadata, self->fd, "renamed controller");
}

TEST_HARNESS_MAIN
