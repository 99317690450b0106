// SPDX-License-Identifier: GPL-2.0
/* Must not load: a kfunc csd does not have. */
#include "../csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern int csd_no_such_kfunc(struct csd_req_ctx *req) __ksym;

SEC("struct_ops/complete")
int BPF_PROG(bad_complete, struct csd_req_ctx *req)
{
	return csd_no_such_kfunc(req);
}

SEC(".struct_ops.link")
struct csd_ops csd_bad = {
	.complete = (void *)bad_complete,
};
