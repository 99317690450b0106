// SPDX-License-Identifier: GPL-2.0
/* Must not load: a data slice larger than U32_MAX bytes. */
#include "../csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/complete")
int BPF_PROG(bad_complete, struct csd_req_ctx *req)
{
	const __u8 *d = csd_req_data(req, 0, 0x100000000ULL);

	return d ? d[0] : 0;
}

SEC(".struct_ops.link")
struct csd_ops csd_bad = {
	.complete = (void *)bad_complete,
};
