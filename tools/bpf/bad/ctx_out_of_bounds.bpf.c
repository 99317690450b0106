// SPDX-License-Identifier: GPL-2.0
/* Must not load: reads past the end of the completion context. */
#include "../csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/complete")
int BPF_PROG(bad_complete, struct csd_req_ctx *req)
{
	return *((__u32 *)req + 64);
}

SEC(".struct_ops.link")
struct csd_ops csd_bad = {
	.complete = (void *)bad_complete,
};
