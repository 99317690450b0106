// SPDX-License-Identifier: GPL-2.0
/*
 * Privilege: who may open csd's files, and which ioctls need privilege
 * even on an fd that root opened and handed over. Every refused call
 * carries a valid argument (root's same call succeeds), so that the
 * answer is the permission check's, not validation's; and a refused call
 * changes nothing.
 */
#include <sched.h>
#include <sys/prctl.h>

#include "csd_args.h"
#include "csd_harness.h"

/* The calls that change state or reveal data: refused without privilege. */
static const enum csd_call guarded[] = {
	CALL_RESET, CALL_CONFIG, CALL_EXEC, CALL_TRACE, CALL_INFLIGHT,
};

FIXTURE(priv) {
	int fd;
	struct csd_ns_entry zns, conv;
	bool bpf;
};

FIXTURE_SETUP(priv)
{

	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_zns(), &self->zns));
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_conv(), &self->conv));
	ASSERT_EQ(0, csd_entropy_load(self->fd, &self->bpf));
}

FIXTURE_TEARDOWN(priv)
{
	csd_entropy_unload(self->bpf);
	close(self->fd);
}

static int do_call(int fd, enum csd_call c, void *arg)
{
	int ret = ioctl(fd, csd_calls[c].cmd, arg);

	if (!ret && c == CALL_TRACE)
		close(((struct csd_trace_open *)arg)->fd);
	return ret ? errno : 0;
}

/*
 * In a child: drop to uid/gid 65534 (@how 0) or become root of a new
 * user namespace (@how 1, as unshare -Ur does), then make each guarded
 * call on @fd; exit 0 if every one got EPERM, else the index + 1 of the
 * first that did not.
 */
static int guarded_calls_refused(int fd, const struct csd_ns_entry *ns, bool bpf, int how)
{
	static struct csd_bufs b;
	char arg[4096];
	pid_t pid = fork();
	int st;
	unsigned int i;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (how == 0) {
			if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
				_exit(100);
		} else {
			int m;

			if (unshare(CLONE_NEWUSER))
				_exit(100);
			m = open("/proc/self/setgroups", O_WRONLY);
			if (m < 0 || write(m, "deny", 4) != 4)
				_exit(101);
			close(m);
			m = open("/proc/self/uid_map", O_WRONLY);
			if (m < 0 || write(m, "0 0 1", 5) != 5)
				_exit(102);
			close(m);
			m = open("/proc/self/gid_map", O_WRONLY);
			if (m < 0 || write(m, "0 0 1", 5) != 5)
				_exit(103);
			close(m);
			/* Root here, with every capability of this namespace. */
			if (getuid() != 0)
				_exit(104);
		}
		for (i = 0; i < sizeof(guarded) / sizeof(guarded[0]); i++) {
			if (guarded[i] == CALL_EXEC && !bpf)
				continue;
			csd_good_arg(guarded[i], arg, &b, ns->id, false, 0, "entropy");
			if (do_call(fd, guarded[i], arg) != EPERM)
				_exit(i + 1);
		}
		/* With no ns (all namespaces) as well. */
		csd_good_arg(CALL_RESET, arg, &b, 0, false, 0, "");
		if (do_call(fd, CALL_RESET, arg) != EPERM)
			_exit(50);
		csd_good_arg(CALL_INFLIGHT, arg, &b, 0, false, 0, "");
		if (do_call(fd, CALL_INFLIGHT, arg) != EPERM)
			_exit(51);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* uid 65534 opens neither /dev/csd nor csd's debugfs files. */
TEST_F(priv, nobody_cannot_open)
{
	static const char *const files[] = {
		CSD_DEVICE_PATH, "/sys/kernel/debug/csd/info",
		"/sys/kernel/debug/csd/namespaces", "/sys/kernel/debug/csd/inflight",
		"/sys/kernel/debug/csd/trace",
	};
	pid_t pid;
	int st;
	unsigned int i;

	/* Root can: the files exist. */
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int f = open(files[i], O_RDONLY | O_NONBLOCK | O_CLOEXEC);

		EXPECT_GE(f, 0) TH_LOG("%s", files[i]);
		if (f >= 0)
			close(f);
	}
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(100);
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			if (open(files[i], O_RDONLY | O_NONBLOCK) != -1 || errno != EACCES)
				_exit(i + 1);
		}
		if (open(CSD_DEVICE_PATH, O_RDWR) != -1 || errno != EACCES)
			_exit(20);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

/* The same valid calls succeed for root: they are valid. */
TEST_F(priv, root_calls_succeed)
{
	static struct csd_bufs b;
	char arg[4096];
	unsigned int i;

	for (i = 0; i < sizeof(guarded) / sizeof(guarded[0]); i++) {
		if (guarded[i] == CALL_EXEC && !self->bpf)
			continue;
		csd_good_arg(guarded[i], arg, &b, self->conv.id, false, 0, "entropy");
		EXPECT_EQ(0, do_call(self->fd, guarded[i], arg))
			TH_LOG("%s", csd_calls[guarded[i]].name);
	}
}

static void check_refused_changes_nothing(struct __test_metadata *_metadata,
					  int fd, const struct csd_ns_entry *ns,
					  bool bpf, int how)
{
	struct csd_ns_entry before, after;
	const struct csd_nvme_ns *dev = ns->flags & CSD_NS_F_ZONED ? csd_zns() : csd_conv();

	ASSERT_EQ(0, csd_direct_reads(dev->path, 3, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(fd, ns->disk, &before));
	ASSERT_GE(before.completed, 3);
	EXPECT_EQ(0, guarded_calls_refused(fd, ns, bpf, how));
	/* Not reset, not disabled, not reconfigured. */
	ASSERT_EQ(0, csd_find_ns(fd, ns->disk, &after));
	EXPECT_EQ(before.id, after.id);
	EXPECT_EQ(before.flags, after.flags);
	EXPECT_EQ(before.region_sectors, after.region_sectors);
	EXPECT_GE(after.completed, before.completed);
}

/* uid 65534 with root's fd: EPERM from every guarded call. */
TEST_F(priv, nobody_with_root_fd_gets_eperm)
{
	check_refused_changes_nothing(_metadata, self->fd, &self->zns, self->bpf, 0);
	check_refused_changes_nothing(_metadata, self->fd, &self->conv, self->bpf, 0);
}

/* Root of a user namespace (unshare -Ur) is not root: EPERM too. */
TEST_F(priv, userns_root_gets_eperm)
{
	check_refused_changes_nothing(_metadata, self->fd, &self->zns, self->bpf, 1);
	check_refused_changes_nothing(_metadata, self->fd, &self->conv, self->bpf, 1);
}

/*
 * Root of a user namespace may open /dev/csd (it owns the file), yet
 * its own fd gets EPERM as well.
 */
TEST_F(priv, userns_root_own_fd_gets_eperm)
{
	pid_t pid = fork();
	int st;

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int m, fd;

		if (unshare(CLONE_NEWUSER))
			_exit(100);
		m = open("/proc/self/uid_map", O_WRONLY);
		if (m < 0 || write(m, "0 0 1", 5) != 5)
			_exit(102);
		close(m);
		fd = csd_open();
		if (fd < 0)
			_exit(errno == EACCES ? 0 : 103);	/* also refused: fine */
		{
			static struct csd_bufs b;
			char arg[4096];

			csd_good_arg(CALL_RESET, arg, &b, self->conv.id, false, 0, "");
			if (do_call(fd, CALL_RESET, arg) != EPERM)
				_exit(1);
			csd_good_arg(CALL_TRACE, arg, &b, 0, false, 0, "");
			if (do_call(fd, CALL_TRACE, arg) != EPERM)
				_exit(2);
		}
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST_HARNESS_MAIN
