// SPDX-License-Identifier: GPL-2.0
/*
 * timeit: run a command and print its wall-clock time and the CPU time
 * it and its children used, in nanoseconds, on stderr (busybox has no
 * time with sub-second resolution):
 *
 *   timeit CMD [ARGS...]
 *   timeit: wall_ns=12345678 user_ns=1000000 sys_ns=9000000 status=0
 *
 * Exits with the command's status.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

static long long tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: timeit CMD [ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("timeit: fork");
		return 1;
	}
	if (!pid) {
		execvp(argv[1], argv + 1);
		perror("timeit: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("timeit: wait4");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(stderr, "timeit: wall_ns=%lld user_ns=%lld sys_ns=%lld status=%d\n",
		(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec),
		tv_ns(ru.ru_utime), tv_ns(ru.ru_stime), status);
	return status;
}
