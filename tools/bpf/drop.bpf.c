// SPDX-License-Identifier: GPL-2.0
/* drop: leaves reads out of csd's rows and zones; the rest is accounted. */
#include "csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/complete")
int BPF_PROG(drop_complete, struct csd_req_ctx *req)
{
	return req->op == CSD_OP_READ ? CSD_BPF_DROP : CSD_BPF_ACCOUNT;
}

SEC(".struct_ops.link")
struct csd_ops csd_drop = {
	.complete = (void *)drop_complete,
};
