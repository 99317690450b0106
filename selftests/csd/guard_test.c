// SPDX-License-Identifier: GPL-2.0
/*
 * A guard for the test loop itself, not for csd: the emulator must run
 * the code the kernel patched. Flip one tracepoint's static key
 * (sched_switch's, through tracefs) on vCPU 0 while vCPU 1 context
 * switches as fast as it can, so every flip patches a branch that the
 * other vCPU is executing. QEMU 7.2's multi-threaded TCG runs stale
 * code there and the guest oopses ("Oops: int3") within seconds; QEMU
 * 10's does about once in twenty runs, so the guests run single-threaded
 * TCG, where it must never happen. run.sh fails the run on the oops; the
 * test asserts that every flip and the other vCPU's switches happened.
 * See "QEMU 10" in Documentation/developing.rst.
 */
#include <sched.h>
#include <signal.h>

#include "csd_lib.h"
#include "csd_harness.h"

/*
 * Each write patches the branch and waits for RCU: about 0.3 s under
 * TCG on a busy 2-core host (600 writes took 173 s). QEMU 7.2 oopsed
 * within 15 s of flipping.
 */
#define FLIPS 100
#define SWITCH_ENABLE "/sys/kernel/tracing/events/sched/sched_switch/enable"

static int write_str(int fd, const char *s)
{
	return pwrite(fd, s, strlen(s), 0) == (ssize_t)strlen(s) ? 0 : -1;
}

TEST(static_key_flips_while_other_vcpu_switches)
{
	volatile unsigned long *switches;
	int p2c[2], c2p[2], fd, i, status;
	struct timespec t0, t1;
	pid_t pid;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs 2 vCPUs");
	if (access(SWITCH_ENABLE, W_OK))
		SKIP(return, "no tracefs at /sys/kernel/tracing");
	switches = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, switches);
	ASSERT_EQ(0, pipe(p2c));
	ASSERT_EQ(0, pipe(c2p));

	/* vCPU 1: two processes ping-pong a byte, a context switch each. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		pid_t peer;
		char c = 0;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (csd_pin(1))
			_exit(2);
		peer = fork();
		if (peer < 0)
			_exit(2);
		if (peer == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(p2c[1]);
			close(c2p[0]);
			while (read(p2c[0], &c, 1) == 1 && write(c2p[1], &c, 1) == 1)
				;
			_exit(0);
		}
		close(p2c[0]);
		close(c2p[1]);
		for (;;) {
			if (write(p2c[1], &c, 1) != 1 || read(c2p[0], &c, 1) != 1)
				break;
			switches[0] += 2;
		}
		_exit(0);
	}
	close(p2c[0]);
	close(p2c[1]);
	close(c2p[0]);
	close(c2p[1]);
	ASSERT_EQ(0, csd_pin(0));
	/* Switching has started before the first flip. */
	for (i = 0; i < 100000 && switches[0] < 1000; i++)
		usleep(100);
	ASSERT_GE(switches[0], 1000);

	fd = open(SWITCH_ENABLE, O_WRONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < FLIPS; i++) {
		unsigned long before = switches[0];

		ASSERT_EQ(0, write_str(fd, "1"));
		ASSERT_EQ(0, write_str(fd, "0"));
		/* The other vCPU ran between flips. */
		while (switches[0] == before)
			sched_yield();
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fd);
	ASSERT_EQ(0, csd_pin(-1));
	TH_LOG("%d static key flips in %.1f s beside %lu context switches on vCPU 1",
	       FLIPS * 2, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       switches[0]);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_GE(switches[0], FLIPS);
}

TEST_HARNESS_MAIN
