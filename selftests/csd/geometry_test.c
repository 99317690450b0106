// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace whose shape changes under csd: the emulated conventional
 * namespace is formatted to another LBA size; and on an NVMe over Fabrics
 * controller over a file, to this guest itself (nvme-loop, NVMe/TCP on
 * 127.0.0.1), the file grows (a resize) and a controller reset comes back
 * with more I/O queues (blk_mq_update_nr_hw_queues). The fabrics
 * controller is found by its serial.
 * The queue test offlines CPU 1 for a while and reloads csd.
 */
#include "csd_lib.h"
#include "csd_harness.h"

#define LOOP_NQN	"csdloop"
#define LOOP_SERIAL	"csdloop1"
#define LOOP_FILE	"/tmp/csd-loop.img"
#define LOOP_PORT	"/sys/kernel/config/nvmet/ports/8"
#define LOOP_SUBSYS	"/sys/kernel/config/nvmet/subsystems/" LOOP_NQN
#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"
#define MIB		(1024 * 1024ULL)

/*
 * Take the controller and the target down; 0 once the subsystem is gone.
 * The host's disconnect returns before the target has dropped its
 * controller, so the configfs removals are retried until they hold.
 */
static int loop_down(void)
{
	int i;

	char ctrl[64];

	csd_run("nvme disconnect -n " LOOP_NQN " > /dev/null 2>&1");
	/* The next test must not find this controller by its serial. */
	for (i = 0; i < 200 && !csd_ctrl_by_serial(LOOP_SERIAL, ctrl, sizeof(ctrl)); i++)
		usleep(50000);
	for (i = 0; i < 100 && !access(LOOP_SUBSYS, F_OK); i++) {
		if (i)
			usleep(50000);
		csd_run("rm -f " LOOP_PORT "/subsystems/" LOOP_NQN " 2>/dev/null; "
			"rmdir " LOOP_PORT " 2>/dev/null; "
			"echo 0 > " LOOP_SUBSYS "/namespaces/1/enable 2>/dev/null; "
			"rmdir " LOOP_SUBSYS "/namespaces/1 2>/dev/null; "
			"rmdir " LOOP_SUBSYS " 2>/dev/null; true");
	}
	csd_run("rm -f " LOOP_FILE "; rmdir " LOOP_PORT " 2>/dev/null; "
		"for m in nvme-loop nvme-tcp nvme-fabrics nvmet-tcp nvmet; do rmmod $m 2>/dev/null; done; true");
	return access(LOOP_SUBSYS, F_OK) && csd_ctrl_by_serial(LOOP_SERIAL, ctrl, sizeof(ctrl)) ?
	       0 : -1;
}

/*
 * A fabrics controller over a @mib MiB file, asking for 2 I/O queues: over
 * nvme-loop, or over NVMe/TCP on 127.0.0.1 (@tcp).
 */
static int loop_up(unsigned int mib, bool tcp, const char *opts)
{
	char cmd[2048];

	/* No nvme-loop in this kernel (Debian 6.1): the same target over TCP. */
	if (!tcp && !csd_module_exists("nvme-loop"))
		tcp = true;
	if (loop_down())
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "modprobe nvmet && modprobe %s && "
		 "(grep -q ' /sys/kernel/config ' /proc/mounts || "
		 "mount -t configfs none /sys/kernel/config) && "
		 "truncate -s %uM " LOOP_FILE " && S=" LOOP_SUBSYS " && mkdir $S && "
		 "echo 1 > $S/attr_allow_any_host && echo " LOOP_SERIAL " > $S/attr_serial && "
		 "mkdir $S/namespaces/1 && echo -n " LOOP_FILE " > $S/namespaces/1/device_path && "
		 "echo 1 > $S/namespaces/1/buffered_io && echo 1 > $S/namespaces/1/enable && "
		 "P=" LOOP_PORT " && mkdir $P && %s && "
		 "ln -s $S $P/subsystems/" LOOP_NQN " && U=$(cat /proc/sys/kernel/random/uuid) && "
		 "nvme connect %s -n " LOOP_NQN " --nr-io-queues=2 %s "
		 "--hostnqn=nqn.2014-08.org.nvmexpress:uuid:$U --hostid=$U > /dev/null",
		 tcp ? "nvme-tcp && modprobe nvmet-tcp && ip link set lo up" : "nvme-loop", mib,
		 tcp ? "echo tcp > $P/addr_trtype && echo ipv4 > $P/addr_adrfam && "
		       "echo 127.0.0.1 > $P/addr_traddr && echo 4420 > $P/addr_trsvcid" :
		       "echo loop > $P/addr_trtype",
		 tcp ? "-t tcp -a 127.0.0.1 -s 4420" : "-t loop", opts);
	return csd_run(cmd);
}

/* The loop controller's name and its namespace's disk, once /dev has it. */
static int loop_disk(char *ctrl, size_t clen, char *disk, size_t dlen)
{
	struct dirent *de;
	char dir[300];
	int tries;
	DIR *d;

	for (tries = 0; tries < 200; tries++, usleep(50000)) {
		if (csd_ctrl_by_serial(LOOP_SERIAL, ctrl, clen))
			continue;
		snprintf(dir, sizeof(dir), "/sys/class/nvme/%s", ctrl);
		d = opendir(dir);
		if (!d)
			continue;
		disk[0] = 0;
		while ((de = readdir(d)))
			if (!strncmp(de->d_name, ctrl, strlen(ctrl)) &&
			    strchr(de->d_name + strlen(ctrl), 'n'))
				snprintf(disk, dlen, "%.60s", de->d_name);
		closedir(d);
		if (!disk[0])
			continue;
		/*
		 * add_disk() makes the disk (sysfs, its node) before it
		 * registers its queue's sysfs (queue/, mq/): wait for mq/ too.
		 * Seen once: mq/ missing right after the node came.
		 */
		snprintf(dir, sizeof(dir), "/sys/block/%.60s/mq", disk);
		if (csd_dev_node_ok(disk) && !access(dir, F_OK))
			return 0;
	}
	return -1;
}

/* Wait until @disk's sysfs @attr reads @want; 0, or -1 after 10 s. */
static int wait_sysfs(const char *disk, const char *attr, unsigned long long want)
{
	char buf[64];
	int i;

	for (i = 0; i < 200; i++, usleep(50000))
		if (!csd_sysfs_read(disk, attr, buf, sizeof(buf)) && strtoull(buf, NULL, 10) == want)
			return 0;
	return -1;
}

/* Hardware queues of @disk's request queue: the entries of its mq/ directory. */
static int nr_hw_queues(const char *disk)
{
	char path[300];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/block/%s/mq", disk);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static int set_region(int fd, __u32 ns_id, __u64 sectors)
{
	struct csd_config c = {
		.size = sizeof(c), .flags = CSD_CFG_F_REGION, .ns_id = ns_id,
		.region_sectors = sectors,
	};

	return ioctl(fd, CSD_IOC_CONFIG, &c);
}

static int zone_reads(int fd, __u32 ns_id, __u32 zone, __u64 *count)
{
	struct csd_zone_entry e;
	struct csd_zone_stats a = {
		.size = sizeof(a), .ns_id = ns_id, .start = zone, .count = 1,
		.entry_size = sizeof(e), .entries = (__u64)(unsigned long)&e,
	};

	if (ioctl(fd, CSD_IOC_ZONE_STATS, &a) || a.count != 1)
		return -1;
	*count = e.io[CSD_ZIO_READ].count;
	return 0;
}

FIXTURE(loop) {
	int fd;
	bool cpu1_offlined;
	char ctrl[64];
	char disk[64];
	char path[80];
};

FIXTURE_SETUP(loop)
{
	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	self->cpu1_offlined = false;
}

FIXTURE_TEARDOWN(loop)
{
	csd_pin(-1);
	/* First: the tests after this one need both CPUs. */
	if (self->cpu1_offlined && csd_write_str(CPU1_ONLINE, "1"))
		TH_LOG("could not bring CPU 1 back online");
	if (loop_down())
		TH_LOG("could not remove the target subsystem " LOOP_SUBSYS);
	if (self->fd >= 0)
		close(self->fd);
	/* A test that reloads csd and fails half-way leaves it loaded. */
	if (!csd_module_loaded("csd"))
		csd_insmod(csd_ko_path());
}

static int loop_start(struct __test_metadata *_metadata, FIXTURE_DATA(loop) *self,
		      unsigned int mib, bool tcp, const char *opts)
{
	if (loop_up(mib, tcp, opts) || loop_disk(self->ctrl, sizeof(self->ctrl),
				      self->disk, sizeof(self->disk)))
		return -1;
	snprintf(self->path, sizeof(self->path), "/dev/%s", self->disk);
	TH_LOG("loop controller %s, namespace %s", self->ctrl, self->disk);
	return 0;
}

/*
 * The backing file grows and the target tells the host (revalidate_size):
 * the disk's capacity changes. csd starts an epoch for the new geometry:
 * the new capacity, regions up to it (a region size set before is kept),
 * and the reads past the old end counted in their region. The command
 * that revealed the change is counted as early, exactly once.
 */
TEST_F(loop, resize_starts_new_epoch)
{
	struct csd_ns_entry e, f;
	__u64 n;
	int i;

	ASSERT_EQ(0, loop_start(_metadata, self, 64, false, ""));
	ASSERT_EQ(0, csd_direct_reads(self->path, 1, 4096, 0));
	ASSERT_EQ(0, csd_wait_ns(self->fd, self->disk, &e));
	EXPECT_EQ(64 * MIB / 512, e.capacity);
	EXPECT_EQ(12, e.lba_shift);	/* the file's block size */
	ASSERT_EQ(0, set_region(self->fd, e.id, MIB / 512));
	ASSERT_EQ(0, csd_direct_reads(self->path, 5, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(self->fd, self->disk, &e));
	EXPECT_EQ(64, e.nr_regions);
	EXPECT_EQ(5, e.submitted);
	EXPECT_EQ(5, e.completed);

	ASSERT_EQ(0, csd_run("truncate -s 128M " LOOP_FILE " && echo 1 > "
			     LOOP_SUBSYS "/namespaces/1/revalidate_size"));
	ASSERT_EQ(0, wait_sysfs(self->disk, "size", 128 * MIB / 512));

	/* The first command after the change shows it to csd. */
	ASSERT_EQ(0, csd_direct_reads(self->path, 1, 4096, 100 * MIB));
	for (i = 0; i < 250; i++, usleep(20000))
		if (!csd_find_ns(self->fd, self->disk, &f) && f.capacity == 128 * MIB / 512 &&
		    !(f.flags & CSD_NS_F_PENDING))
			break;
	EXPECT_EQ(128 * MIB / 512, f.capacity);
	EXPECT_EQ(128, f.nr_regions);
	EXPECT_EQ(MIB / 512, f.region_sectors);
	EXPECT_EQ(1, f.early - e.early);
	EXPECT_EQ(0, f.submitted);

	ASSERT_EQ(0, csd_direct_reads(self->path, 7, 4096, 100 * MIB));
	ASSERT_EQ(0, csd_find_ns(self->fd, self->disk, &f));
	EXPECT_EQ(7, f.submitted);
	EXPECT_EQ(7, f.completed);
	EXPECT_EQ(0, f.aborted);
	EXPECT_EQ(1, f.early - e.early);
	ASSERT_EQ(0, zone_reads(self->fd, f.id, 100, &n));
	EXPECT_EQ(7, n);
}

/*
 * Wait until controller @ctrl's state starts with @want and, if @queues,
 * @disk has that many hardware queues; 0, or -1 after @ms milliseconds.
 */
static int ctrl_wait(const char *ctrl, const char *want, const char *disk, int queues, int ms)
{
	char path[300], state[32];
	int i, fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/nvme/%s/state", ctrl);
	for (i = 0; i < ms / 50; i++, usleep(50000)) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, state, sizeof(state) - 1);
		if (fd >= 0)
			close(fd);
		state[n > 0 ? n : 0] = 0;
		if (!strncmp(state, want, strlen(want)) && (!queues || nr_hw_queues(disk) == queues))
			return 0;
	}
	return -1;
}

#define KMSG_MARK	"csd-selftest: new_hw_queue_is_counted resets"

/* Whether the kernel logged @msg since KMSG_MARK was written to /dev/kmsg. */
static bool dmesg_since(const char *msg)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "dmesg | sed -n '/" KMSG_MARK "/,$p' | grep -qF -- '%s'", msg);
	return !csd_run(cmd);
}

/* Reset the fabrics controller; wait until it is live with @queues I/O queues. */
static int loop_reset(FIXTURE_DATA(loop) *self, int queues)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "echo 1 > /sys/class/nvme/%s/reset_controller", self->ctrl);
	if (csd_run(cmd))
		return -1;
	return ctrl_wait(self->ctrl, "live", self->disk, queues, 10000);
}

/*
 * csd first sees the namespace while its controller has one I/O queue.
 * Then a reset gives it two, and reads from CPU 1 run on the new queue:
 * csd gives it command slots and counts them exactly.
 *
 * NVMe/TCP over 127.0.0.1: on a reset, the host asks for one queue per
 * online CPU (up to the 2 it connected with: a connection made with one
 * CPU online stays at one), so CPU 1 is offline for the first reset and
 * back for the second. (nvme-loop cannot grow: its reset connects the new
 * queues before blk_mq_update_nr_hw_queues, and the connect fails.)
 */
TEST_F(loop, new_hw_queue_is_counted)
{
	struct csd_ns_entry e, f;
	int i;

	if (access(CPU1_ONLINE, W_OK) || sysconf(_SC_NPROCESSORS_ONLN) != 2)
		SKIP(return, "needs a guest with 2 CPUs and CPU hotplug");
	if (csd_run("modprobe -q nvme-tcp && modprobe -q nvmet-tcp"))
		SKIP(return, "this kernel has no nvme-tcp or nvmet-tcp module");
	ASSERT_EQ(0, loop_start(_metadata, self, 64, true, ""));
	ASSERT_EQ(2, nr_hw_queues(self->disk));
	ASSERT_EQ(0, csd_write_str(CPU1_ONLINE, "0"));
	self->cpu1_offlined = true;
	/* The kernel's messages from here on (dmesg_since()). */
	ASSERT_EQ(0, csd_write_str("/dev/kmsg", KMSG_MARK));
	if (loop_reset(self, 1)) {
		/*
		 * 7.3's nvme-tcp reconnects the queue whose CPUs are all
		 * offline before blk-mq remaps it: blk_mq_alloc_request_hctx()
		 * fails the connect with EXDEV, at every reconnect.
		 */
		if (dmesg_since("failed to connect queue: 1 ret=-18"))
			SKIP(return, "this kernel's nvme-tcp cannot shrink its I/O queues at a reset (the connect of the queue whose CPUs went offline fails with EXDEV: Linux 7.3)");
		ASSERT_EQ(0, -1) TH_LOG("the reset to 1 I/O queue failed");
	}

	/* A fresh csd: it learns the namespace from its next command. */
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, csd_rmmod("csd"));
	ASSERT_EQ(0, csd_insmod(csd_ko_path()));
	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, csd_direct_reads(self->path, 1, 4096, 0));
	ASSERT_EQ(0, csd_wait_ns(self->fd, self->disk, &e));

	ASSERT_EQ(0, csd_write_str(CPU1_ONLINE, "1"));
	self->cpu1_offlined = false;
	if (loop_reset(self, 2)) {
		/*
		 * 6.1's nvme-tcp connects the new queue before it has a
		 * hardware context for it: the connect fails (EAGAIN) at the
		 * reset and at every reconnect after it.
		 */
		if (dmesg_since("failed to connect queue: 2 ret=-11"))
			SKIP(return, "this kernel's nvme-tcp cannot grow its I/O queues at a reset (the new queue's connect fails with EAGAIN: Debian 6.1)");
		ASSERT_EQ(0, -1) TH_LOG("the reset to 2 I/O queues failed");
	}

	/*
	 * CPU 1's first command on the new queue may come before its slots
	 * (they are allocated in process context): wait until one is timed.
	 */
	ASSERT_EQ(0, csd_pin(1));
	ASSERT_EQ(0, csd_find_ns(self->fd, self->disk, &e));
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, csd_direct_reads(self->path, 1, 4096, 0));
		ASSERT_EQ(0, csd_find_ns(self->fd, self->disk, &f));
		if (f.submitted > e.submitted)
			break;
		usleep(100000);
	}
	ASSERT_LT(e.submitted, f.submitted);
	TH_LOG("first timed read on the new queue after %d early", i);
	EXPECT_EQ(i, f.early - e.early);

	e = f;
	ASSERT_EQ(0, csd_direct_reads(self->path, 20, 4096, 4096));
	ASSERT_EQ(0, csd_find_ns(self->fd, self->disk, &f));
	EXPECT_EQ(20, f.submitted - e.submitted);
	EXPECT_EQ(20, f.completed - e.completed);
	EXPECT_EQ(0, f.aborted - e.aborted);
	EXPECT_EQ(0, f.early - e.early);
	EXPECT_EQ(0, f.unmatched - e.unmatched);
}

#define HPE_INSTANCE	"/sys/kernel/tracing/instances/csd_hpe"

/*
 * Start (@on) or read and end an instance of tracefs that records
 * nvme_complete_rq for @disk with a host path error status (0x370).
 * Returns 0 when started, the number of such completions when ended,
 * -1 on error.
 */
static int hpe_trace(const char *disk, bool on)
{
	char cmd[512], buf[4096];
	int n = 0;
	FILE *f;

	if (on) {
		snprintf(cmd, sizeof(cmd),
			 "rmdir " HPE_INSTANCE " 2>/dev/null; mkdir " HPE_INSTANCE " && "
			 "echo 'disk == \"%s\" && status == 0x370' > "
			 HPE_INSTANCE "/events/nvme/nvme_complete_rq/filter && "
			 "echo 1 > " HPE_INSTANCE "/events/nvme/nvme_complete_rq/enable", disk);
		return csd_run(cmd) ? -1 : 0;
	}
	csd_write_str(HPE_INSTANCE "/events/nvme/nvme_complete_rq/enable", "0");
	f = fopen(HPE_INSTANCE "/trace", "r");
	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f))
		if (buf[0] != '#' && strstr(buf, "nvme_complete_rq"))
			n++;
	fclose(f);
	rmdir(HPE_INSTANCE);
	return n;
}

/*
 * Commands that nvme-core completes without ever setting them up: on a
 * fabrics controller whose connection is gone and whose fast I/O fail
 * timeout has passed, each read is failed with a host path error before
 * any setup (nvme_fail_nonready_command) and retried max_retries times.
 * Where that completion goes through nvme_complete_rq() (6.1, 6.12), its
 * tracepoint fires and csd counts it as unmatched: exactly reads x
 * (max_retries + 1). 7.3's nvme_host_path_error() completes the request
 * without the tracepoint: csd cannot see those completions (nor can
 * anything else that traces nvme), and counts none. The test checks csd
 * against the tracepoint's own count, recorded in a tracefs instance.
 */
TEST_F(loop, host_path_errors_are_unmatched)
{
	char cmd[300], buf[32];
	struct csd_ns_entry e, f;
	unsigned long retries;
	int i, sfd, traced;
	ssize_t n;

	if (csd_run("modprobe -q nvme-tcp && modprobe -q nvmet-tcp"))
		SKIP(return, "this kernel has no nvme-tcp or nvmet-tcp module");
	ASSERT_EQ(0, loop_start(_metadata, self, 64, true, "--reconnect-delay=1"));
	snprintf(cmd, sizeof(cmd), "/sys/class/nvme/%s/fast_io_fail_tmo", self->ctrl);
	ASSERT_EQ(0, csd_write_str(cmd, "0"));
	ASSERT_EQ(0, csd_direct_reads(self->path, 1, 4096, 0));
	ASSERT_EQ(0, csd_wait_ns(self->fd, self->disk, &e));
	sfd = open("/sys/module/nvme_core/parameters/max_retries", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(sfd, 0);
	n = read(sfd, buf, sizeof(buf) - 1);
	close(sfd);
	ASSERT_LT(0, n);
	buf[n] = 0;
	retries = strtoul(buf, NULL, 10);

	/* The target leaves the port: the host loses the connection. */
	ASSERT_EQ(0, csd_run("rm " LOOP_PORT "/subsystems/" LOOP_NQN));
	ASSERT_EQ(0, ctrl_wait(self->ctrl, "connecting", NULL, 0, 10000));
	/* Let the fast-fail timeout (0 s) fire. */
	usleep(500000);
	ASSERT_EQ(0, csd_find_ns(self->fd, self->disk, &e));
	ASSERT_EQ(0, hpe_trace(self->disk, true));
	for (i = 0; i < 4; i++)
		EXPECT_NE(0, csd_direct_reads(self->path, 1, 4096, 4096 * i));
	ASSERT_EQ(0, csd_find_ns(self->fd, self->disk, &f));
	traced = hpe_trace(self->disk, false);
	TH_LOG("max_retries %lu: %llu unmatched completions for 4 failed reads, %d traced",
	       retries, (unsigned long long)(f.unmatched - e.unmatched), traced);
	/*
	 * All of them pass the tracepoint up to 6.12 (the kernels csd
	 * supports before 7.3), none on 7.3, where csd has nothing to count.
	 */
	if (csd_kernel_before(7, 0)) {
		EXPECT_EQ(4 * (retries + 1), traced);
	} else if (!traced) {
		TH_LOG("this kernel does not trace host path errors: nothing for csd to count");
	}
	EXPECT_EQ(traced, f.unmatched - e.unmatched);
	EXPECT_EQ(0, f.submitted - e.submitted);
	EXPECT_EQ(0, f.completed - e.completed);

	/* Back on the port: the host reconnects and counts as before. */
	ASSERT_EQ(0, csd_run("ln -s " LOOP_SUBSYS " " LOOP_PORT "/subsystems/" LOOP_NQN));
	ASSERT_EQ(0, ctrl_wait(self->ctrl, "live", NULL, 0, 15000));
	ASSERT_EQ(0, csd_find_ns(self->fd, self->disk, &e));
	ASSERT_EQ(0, csd_direct_reads(self->path, 9, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(self->fd, self->disk, &f));
	EXPECT_EQ(9, f.submitted - e.submitted);
	EXPECT_EQ(9, f.completed - e.completed);
}

/* The LBA format index of @ns with 2^@ds-byte blocks and no metadata. */
static int lbaf_of(const struct csd_nvme_ns *ns, int ds)
{
	char cmd[512], out[32] = "";
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "nvme id-ns %s -o json | jq '[.lbafs[] | .ds == %d and .ms == 0] | index(true)'",
		 ns->path, ds);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (!fgets(out, sizeof(out), f))
		out[0] = 0;
	pclose(f);
	return out[0] >= '0' && out[0] <= '9' ? atoi(out) : -1;
}

static int format_lbaf(const struct csd_nvme_ns *ns, int lbaf, int lbs)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "nvme format %s --lbaf=%d --force > /dev/null", ns->path, lbaf);
	if (csd_run(cmd))
		return -1;
	return wait_sysfs(ns->disk, "queue/logical_block_size", lbs);
}

/* Reads of the 4 KiB row, and their bytes, in @ns_id's current epoch. */
static int read_4k_row(int fd, __u32 ns_id, __u64 *count, __u64 *bytes)
{
	static struct csd_snap s;
	unsigned int i;

	if (csd_snap_take(fd, ns_id, &s))
		return -1;
	*count = *bytes = 0;
	for (i = 0; i < s.st.row_count; i++)
		if (s.rows[i].op == CSD_OP_READ && s.rows[i].size_class == CSD_SZ_4K) {
			*count = s.rows[i].count;
			*bytes = s.rows[i].bytes;
		}
	return 0;
}

FIXTURE(format) {
	int fd;
	int lbs;	/* the guest's block size, restored afterwards */
	int lbaf;	/* and its LBA format */
};

FIXTURE_SETUP(format)
{
	char lbs[16] = "";

	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, csd_sysfs_read(csd_conv()->disk, "queue/logical_block_size", lbs, sizeof(lbs)));
	self->lbs = atoi(lbs);
	self->lbaf = lbaf_of(csd_conv(), self->lbs == 4096 ? 12 : 9);
}

FIXTURE_TEARDOWN(format)
{
	char lbs[16] = "";

	/* The other tests expect the guest's block size. */
	if (!csd_sysfs_read(csd_conv()->disk, "queue/logical_block_size", lbs, sizeof(lbs)) &&
	    atoi(lbs) != self->lbs && self->lbaf >= 0)
		format_lbaf(csd_conv(), self->lbaf, self->lbs);
	close(self->fd);
}

/*
 * Format to @lbs-byte blocks; wait until csd has the new epoch; then 4 KiB
 * reads count exactly 4096 bytes each (with the old LBA size, csd would
 * turn their block counts into 512 or 32768 bytes).
 */
static void format_and_count(struct __test_metadata *_metadata, int fd, int lbaf, int lbs,
			     int reads)
{
	struct csd_ns_entry e;
	__u64 count, bytes;
	int i;

	ASSERT_EQ(0, format_lbaf(csd_conv(), lbaf, lbs));
	/* Commands show csd the change; the kernel's own may come first. */
	for (i = 0; i < 250; i++, usleep(20000)) {
		ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, 4096, 0));
		if (!csd_find_ns(fd, csd_conv()->disk, &e) && 1 << e.lba_shift == lbs &&
		    !(e.flags & CSD_NS_F_PENDING))
			break;
	}
	ASSERT_EQ(lbs, 1 << e.lba_shift);
	EXPECT_EQ(64 * MIB / 512, e.capacity);
	csd_nvme_settle();
	ASSERT_EQ(0, csd_reset_ns(fd, e.id));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, reads, 4096, 8192));
	ASSERT_EQ(0, read_4k_row(fd, e.id, &count, &bytes));
	EXPECT_EQ(reads, count);
	EXPECT_EQ(reads * 4096ULL, bytes);
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &e));
	EXPECT_EQ(reads, e.submitted);
	EXPECT_EQ(reads, e.completed);
}

/*
 * A format to the other LBA size (4 KiB <-> 512 B) and back: each starts
 * an epoch with the new block size.
 */
TEST_F(format, lba_size_change_starts_new_epoch)
{
	int other = self->lbs == 4096 ? 512 : 4096;
	int lbaf = lbaf_of(csd_conv(), other == 4096 ? 12 : 9);
	struct csd_ns_entry e;

	if (self->lbaf < 0 || lbaf < 0)
		SKIP(return, "the conventional namespace has no 512 B and 4 KiB LBA formats");
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_conv(), &e));
	ASSERT_EQ(self->lbs, 1 << e.lba_shift);
	format_and_count(_metadata, self->fd, lbaf, other, 7);
	format_and_count(_metadata, self->fd, self->lbaf, self->lbs, 5);
}

TEST_HARNESS_MAIN
