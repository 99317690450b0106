// SPDX-License-Identifier: GPL-2.0
/* Must not load: the data slice's size must be a constant. */
#include "../csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/process")
int BPF_PROG(bad_process, struct csd_exec_ctx *x)
{
	const __u8 *d = csd_exec_data(x, 0, x->len);

	return d ? d[0] : 0;
}

SEC(".struct_ops.link")
struct csd_exec_ops csd_bad = {
	.process = (void *)bad_process,
	.name = "bad",
};
