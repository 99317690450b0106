// SPDX-License-Identifier: GPL-2.0
/*
 * csdctl, the command-line tool: exit codes, messages and output, run as
 * a user would run it.
 */
#include <grp.h>

#include "csd_lib.h"
#include "kselftest_harness.h"

/* Run a shell command; capture up to @len bytes of stdout+stderr. */
static int run_capture(const char *cmd, char *buf, size_t len)
{
	size_t n = 0;
	FILE *p;
	int st;

	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (n + 1 < len && !feof(p)) {
		size_t k = fread(buf + n, 1, len - 1 - n, p);

		if (!k)
			break;
		n += k;
	}
	buf[n] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(info_table_and_json)
{
	char out[4096];

	ASSERT_EQ(0, run_capture("csdctl info 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "ABI version:      1"));
	EXPECT_NE(NULL, strstr(out, "nvme hooks:       attached"));

	ASSERT_EQ(0, run_capture("csdctl --json info 2>&1", out, sizeof(out)));
	EXPECT_EQ('{', out[0]);
	EXPECT_NE(NULL, strstr(out, "\"abi_version\":1"));
	EXPECT_NE(NULL, strstr(out, "\"hooks_attached\":2"));
	EXPECT_NE(NULL, strstr(out, "\"nvme-hooks\""));
}

TEST(devices_counts_match_ioctl)
{
	char out[8192], cmd[512], want[640];
	struct csd_ns_entry e;
	int fd;

	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 9, 4096, 0));
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &e));
	close(fd);

	snprintf(cmd, sizeof(cmd), "csdctl devices %s --json 2>&1", csd_conv()->path);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out)));
	snprintf(want, sizeof(want), "\"submitted\":%llu,\"completed\":%llu,\"in_flight\":0",
		 (unsigned long long)e.submitted, (unsigned long long)e.completed);
	EXPECT_NE(NULL, strstr(out, want));
	snprintf(want, sizeof(want), "\"disk\":\"%s\"", csd_conv()->disk);
	EXPECT_NE(NULL, strstr(out, want));
	EXPECT_EQ(NULL, strstr(out, csd_zns()->disk));

	ASSERT_EQ(0, run_capture("csdctl devices 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "SUBMITTED"));
	EXPECT_NE(NULL, strstr(out, csd_conv()->disk));
}

TEST(unknown_disk_is_an_error)
{
	char out[1024];

	EXPECT_EQ(1, run_capture("csdctl devices nosuchdisk 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "nosuchdisk"));
}

TEST(usage_errors)
{
	char out[4096];

	EXPECT_EQ(2, run_capture("csdctl 2>&1", out, sizeof(out)));
	EXPECT_EQ(2, run_capture("csdctl frobnicate 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "unknown command"));
	EXPECT_EQ(2, run_capture("csdctl info extra 2>&1", out, sizeof(out)));
	EXPECT_EQ(0, run_capture("csdctl --help 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "devices"));
}

TEST(permission_denied_message)
{
	int pipefd[2], status;
	char out[1024] = "";
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(99);
		execlp("csdctl", "csdctl", "info", NULL);
		_exit(98);
	}
	close(pipefd[1]);
	n = read(pipefd[0], out, sizeof(out) - 1);
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(1, WEXITSTATUS(status));
	ASSERT_GT(n, 0);
	out[n] = 0;
	EXPECT_NE(NULL, strstr(out, "permission denied"));
}

TEST(missing_device_message)
{
	char out[1024];

	EXPECT_EQ(1, run_capture("csdctl -d /dev/nonexistent-csd info 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "is the csd module loaded?"));
}

TEST_HARNESS_MAIN
