// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoints run their probes under SRCU-fast, preemptible (7.x), not
 * with preemption disabled: found by the guard their macros take.
 */
#include <linux/srcu.h>
#include <linux/tracepoint.h>

void csd_conftest(void);
void csd_conftest(void)
{
	guard(srcu_fast_notrace)(&tracepoint_srcu);
}
