// SPDX-License-Identifier: GPL-2.0
/* Must not load: a GPL-only helper from a non-GPL program. */
#include "../csd.bpf.h"

char LICENSE[] SEC("license") = "Proprietary";

SEC("struct_ops/complete")
int BPF_PROG(bad_complete, struct csd_req_ctx *req)
{
	bpf_printk("latency %llu", req->latency_ns);
	return 0;
}

SEC(".struct_ops.link")
struct csd_ops csd_bad = {
	.complete = (void *)bad_complete,
};
