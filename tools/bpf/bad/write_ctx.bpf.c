// SPDX-License-Identifier: GPL-2.0
/* Must not load: writes to the read-only completion context. */
#include "../csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/complete")
int BPF_PROG(bad_complete, struct csd_req_ctx *req)
{
	req->status = 0;
	return 0;
}

SEC(".struct_ops.link")
struct csd_ops csd_bad = {
	.complete = (void *)bad_complete,
};
