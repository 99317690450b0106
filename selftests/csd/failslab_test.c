// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failure (debug kernel: FAILSLAB and FAIL_PAGE_ALLOC with
 * the stack-trace filter). Both are aimed at csd's code: only an
 * allocation with a csd.ko text address on its stack may fail. Under
 * that, csd loads, learns both namespaces from their first commands (the
 * probes' GFP_ATOMIC path) and answers every ioctl: each call succeeds
 * or fails with ENOMEM, nothing else. With injection off again, csd
 * counts exactly, its books balance, and run_tests.sh's kmemleak scans
 * find nothing. Skipped on a kernel without fault injection.
 */
#include <dirent.h>

#include "csd_args.h"
#include "csd_harness.h"

#define FS	"/sys/kernel/debug/failslab"
#define FPA	"/sys/kernel/debug/fail_page_alloc"

static int put_str(const char *dir, const char *attr, const char *v)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	return csd_write_str(path, v);
}

static int put(const char *dir, const char *attr, unsigned long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", v);
	return put_str(dir, attr, buf);
}

static long long get(const char *dir, const char *attr)
{
	char path[256], buf[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtoll(buf, NULL, 0);
}

/* [start, end) around csd.ko's text sections. */
static int csd_text(unsigned long long *start, unsigned long long *end)
{
	DIR *d = opendir("/sys/module/csd/sections");
	struct dirent *de;

	*start = ~0ULL;
	*end = 0;
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[512], buf[64];
		unsigned long long a;

		if (strncmp(de->d_name, ".text", 5))
			continue;
		snprintf(path, sizeof(path), "/sys/module/csd/sections/%s", de->d_name);
		if (csd_read_file(path, buf, sizeof(buf)))
			continue;
		a = strtoull(buf, NULL, 16);
		if (a && a < *start)
			*start = a;
		if (a > *end)
			*end = a;
	}
	closedir(d);
	*end += 256 * 1024;	/* the last text section's own length */
	return *start < *end && *start ? 0 : -1;
}

static int aim(int probability)
{
	unsigned long long s, e;
	const char *dirs[] = { FS, FPA };
	int i, ret = 0;

	if (probability && csd_text(&s, &e))
		return -1;
	for (i = 0; i < 2; i++) {
		if (probability) {
			ret |= put(dirs[i], "require-start", s);
			ret |= put(dirs[i], "require-end", e);
			ret |= put(dirs[i], "stacktrace-depth", 32);
			ret |= put(dirs[i], "interval", 1);
			ret |= put(dirs[i], "times", 1000000);
			ret |= put(dirs[i], "verbose", 0);
			ret |= put_str(dirs[i], "task-filter", "N");
			ret |= put_str(dirs[i], "ignore-gfp-wait", "N");
		}
		ret |= put(dirs[i], "probability", probability);
	}
	return ret;
}

FIXTURE(failslab) {
	int unused;
};

FIXTURE_SETUP(failslab)
{
}

/* Never leave injection on for the tests that follow. */
FIXTURE_TEARDOWN(failslab)
{
	aim(0);
	if (!csd_module_loaded("csd"))
		csd_insmod(csd_ko_path());
}

TEST_F(failslab, ioctls_and_first_commands_under_allocation_failure)
{
	static struct csd_bufs b;
	unsigned long ok[CALL_NR] = { 0 }, nomem[CALL_NR] = { 0 }, other = 0;
	struct csd_ns_entry z, c, e0, e1;
	long long fs_left, fpa_left, inj_slab = 0, inj_pages = 0;
	char arg[4096];
	int fd = -1, i, k, loaded = 0;

	if (access(FS "/probability", W_OK) || access(FPA "/probability", W_OK))
		SKIP(return, "no FAILSLAB/FAIL_PAGE_ALLOC (make check-debug's kernel has them)");
	csd_entropy_unload(true);
	for (i = 0; i < 10; i++) {
		/*
		 * A fresh csd, then csd's own allocations fail one time in
		 * five: the filter is aimed at this load's text.
		 */
		if (i) {
			inj_slab += 1000000 - get(FS, "times");
			inj_pages += 1000000 - get(FPA, "times");
		}
		aim(0);
		ASSERT_EQ(0, csd_rmmod("csd"));
		ASSERT_EQ(0, csd_insmod(csd_ko_path()));
		ASSERT_EQ(0, aim(20));
		loaded++;
		fd = csd_open();
		ASSERT_GE(fd, 0);
		/* First commands: the probes allocate the namespace's tables. */
		ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 8, 4096, 0));
		ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 8, 4096, 0));
		usleep(100000);
		csd_find_ns(fd, csd_zns()->disk, &z);
		csd_find_ns(fd, csd_conv()->disk, &c);
		for (k = 0; k < 40; k++) {
			enum csd_call call = k % CALL_TRACE_STATS;
			struct csd_ns_entry *n = k % 2 ? &z : &c;
			int ret;

			if (call == CALL_EXEC)
				continue;	/* no program loaded here */
			csd_good_arg(call, arg, &b, n->id, false, 0, "");
			ret = ioctl(fd, csd_calls[call].cmd, arg);
			if (!ret) {
				ok[call]++;
				if (call == CALL_TRACE)
					close(((struct csd_trace_open *)arg)->fd);
			} else if (errno == ENOMEM) {
				nomem[call]++;
			} else if (errno != ENODEV) {	/* a namespace not learnt */
				other++;
				TH_LOG("%s: errno %d", csd_calls[call].name, errno);
			}
		}
		close(fd);
	}
	fs_left = get(FS, "times");
	fpa_left = get(FPA, "times");
	ASSERT_EQ(0, aim(0));
	inj_slab += 1000000 - fs_left;
	inj_pages += 1000000 - fpa_left;
	EXPECT_EQ(0, other);
	for (k = 0; k < CALL_TRACE_STATS; k++)
		if (k != CALL_EXEC)
			printf("# csd-reliability: failslab %s ok=%lu enomem=%lu\n",
			       csd_calls[k].name, ok[k], nomem[k]);
	printf("# csd-reliability: failslab loads=%d injected slab=%lld pages=%lld\n",
	       loaded, inj_slab, inj_pages);
	EXPECT_GT(inj_slab, 0);

	/* Injection off: a fresh csd counts exactly. */
	ASSERT_EQ(0, csd_rmmod("csd"));
	ASSERT_EQ(0, csd_insmod(csd_ko_path()));
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_learn_ns(fd, csd_conv(), &e0));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 30, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &e1));
	EXPECT_EQ(30, e1.completed - e0.completed);
	EXPECT_EQ(e1.submitted, e1.completed + e1.aborted);
	close(fd);
}

TEST_HARNESS_MAIN
