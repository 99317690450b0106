// SPDX-License-Identifier: GPL-2.0
/* Must not load: a loop the verifier cannot bound. */
#include "../csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/complete")
int BPF_PROG(bad_complete, struct csd_req_ctx *req)
{
	__u64 n = req->slba;
	int i = 0;

	while (n != 1) {
		n = n & 1 ? 3 * n + 1 : n / 2;
		i++;
	}
	return i;
}

SEC(".struct_ops.link")
struct csd_ops csd_bad = {
	.complete = (void *)bad_complete,
};
