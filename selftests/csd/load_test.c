// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifecycle: csd loads before or after nvme-core, detaches when
 * nvme-core goes, attaches again when it comes back, forgets namespaces
 * that disappear, and unloads cleanly. Each test leaves csd and nvme
 * loaded, as the other tests expect.
 */
#include <sched.h>

#include "csd_lib.h"
#include "kselftest_harness.h"

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

/* Count reads of nvme0n2 through csd; returns submitted delta or -1. */
static long long counted_reads(int n)
{
	struct csd_ns_entry a, b;
	int fd = csd_open();
	long long ret = -1;

	if (fd < 0)
		return -1;
	csd_find_ns(fd, csd_conv()->disk, &a);
	if (!csd_direct_reads(csd_conv()->path, n, 4096, 0) &&
	    !csd_find_ns(fd, csd_conv()->disk, &b) && b.completed - a.completed == (__u64)n)
		ret = b.submitted - a.submitted;
	close(fd);
	return ret;
}

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

/* csd first, then nvme-core: csd attaches when nvme-core comes. */
TEST_F(lifecycle, load_before_nvme)
{
	ASSERT_EQ(0, csd_rmmod("csd"));
	ASSERT_EQ(0, csd_nvme_down());
	EXPECT_FALSE(csd_module_loaded("nvme_core"));
	ASSERT_EQ(0, csd_insmod(csd_ko_path()));
	ASSERT_TRUE(csd_wait_path(CSD_DEVICE_PATH, true, 5000));
	EXPECT_EQ(0, hooks_attached());
	ASSERT_EQ(0, csd_nvme_up());
	EXPECT_EQ(2, hooks_attached());
	EXPECT_EQ(31, counted_reads(31));
}

/* nvme-core goes and comes back while csd stays. */
TEST_F(lifecycle, nvme_reload_reattaches)
{
	struct csd_ns_entry e;
	struct csd_info info;
	__u32 old_id;
	int fd;

	EXPECT_EQ(2, hooks_attached());
	EXPECT_EQ(3, counted_reads(3));
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &e));
	old_id = e.id;
	ASSERT_EQ(0, csd_nvme_down());
	EXPECT_EQ(0, hooks_attached());

	/* nvme-core is gone, and so are its namespaces, at once. */
	EXPECT_NE(0, csd_find_ns(fd, "nvme0n1", &e));
	EXPECT_NE(0, csd_find_ns(fd, "nvme0n2", &e));
	ASSERT_EQ(0, csd_info(fd, &info));
	EXPECT_EQ(0, info.nr_namespaces);
	close(fd);

	ASSERT_EQ(0, csd_nvme_up());
	EXPECT_EQ(2, hooks_attached());
	/*
	 * The namespace is new to csd: it has a new id and saw only the
	 * kernel's own reads (partition scan) before ours.
	 */
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &e));
	close(fd);
	EXPECT_GT(e.id, old_id);
	EXPECT_EQ(e.submitted, e.completed);
	EXPECT_LT(e.submitted, 16);
	EXPECT_EQ(12, counted_reads(12));
}

/*
 * Unload while I/O runs on both namespaces, then load again. Everything
 * runs on CPU 0, whose NVMe queue completes there too: QEMU's
 * multi-threaded TCG can run stale code on the other vCPU after the
 * kernel patches the tracepoint's static branch (Documentation/
 * developing.rst), which a real CPU never does.
 */
TEST_F(lifecycle, unload_under_io)
{
	cpu_set_t one;
	pid_t pid;
	int status, i;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		for (i = 0; i < 40; i++) {
			csd_direct_reads(csd_zns()->path, 20, 4096, 0);
			csd_direct_reads(csd_conv()->path, 20, 4096, 0);
		}
		_exit(0);
	}
	for (i = 0; i < 5; i++) {
		usleep(100000);
		ASSERT_EQ(0, csd_rmmod("csd"));
		ASSERT_EQ(0, csd_insmod(csd_ko_path()));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(2, hooks_attached());
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

TEST_HARNESS_MAIN
