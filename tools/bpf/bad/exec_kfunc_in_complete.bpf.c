// SPDX-License-Identifier: GPL-2.0
/* Must not load: an offload kfunc called from a completion program. */
#include "../csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/complete")
int BPF_PROG(bad_complete, struct csd_req_ctx *req)
{
	const __u8 *d = csd_exec_data((struct csd_exec_ctx *)req, 0, 16);

	return d ? d[0] : 0;
}

SEC(".struct_ops.link")
struct csd_ops csd_bad = {
	.complete = (void *)bad_complete,
};
