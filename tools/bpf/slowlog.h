/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record the slowlog example sends to its ring buffer, shared by the
 * BPF program, csdctl (prog events) and the selftests.
 */
#ifndef CSD_SLOWLOG_H
#define CSD_SLOWLOG_H

#include <linux/types.h>

struct slow_event {
	__u64 latency_ns;
	__u64 slba;
	__u32 nlb;
	__u32 ns_id;
	__u32 zone;
	__u16 status;
	__u8 opcode;
	__u8 op;
};

#endif
