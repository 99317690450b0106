/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kselftest harness, with a per-test timeout fit for csd's guest.
 *
 * The guest runs under TCG on a host that may be busy with anything
 * else (a kernel build, another guest): wall-clock time there says
 * nothing about csd. The harness's 30 s default killed correct tests on
 * a loaded host (a BPF program's verification alone took more than that).
 * The timeout only catches a hung test; the guest's hung-task detector
 * (30 s, init) and run.sh's guest timeout catch hangs in the kernel. The
 * debug kernel (KASAN, lockdep) is several times slower again, so it
 * can be raised with -DCSD_TEST_TIMEOUT.
 */
#ifndef CSD_HARNESS_H
#define CSD_HARNESS_H

#include "kselftest_harness.h"

#ifndef CSD_TEST_TIMEOUT
#define CSD_TEST_TIMEOUT 600
#endif
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT CSD_TEST_TIMEOUT

#endif /* CSD_HARNESS_H */
