// SPDX-License-Identifier: GPL-2.0
/*
 * Must not load: a sleepable completion program. complete() runs from the
 * completion tracepoint, in hard or soft IRQ context, where nothing may
 * sleep.
 */
#include "../csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops.s/complete")
int BPF_PROG(bad_complete, struct csd_req_ctx *req)
{
	return CSD_BPF_ACCOUNT;
}

SEC(".struct_ops.link")
struct csd_ops csd_bad = {
	.complete = (void *)bad_complete,
};
