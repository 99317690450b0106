// SPDX-License-Identifier: GPL-2.0
/* Must not load: the completion data kfunc in an offload program. */
#include "../csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/process")
int BPF_PROG(bad_process, struct csd_exec_ctx *x)
{
	const __u8 *d = csd_req_data((struct csd_req_ctx *)x, 0, 8);

	return d ? d[0] : 0;
}

SEC(".struct_ops.link")
struct csd_exec_ops csd_bad = {
	.process = (void *)bad_process,
	.name = "bad",
};
