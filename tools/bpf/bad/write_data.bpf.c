// SPDX-License-Identifier: GPL-2.0
/* Must not load: writes to the read-only data slice. */
#include "../csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/process")
int BPF_PROG(bad_process, struct csd_exec_ctx *x)
{
	__u8 *d = (__u8 *)csd_exec_data(x, 0, 64);

	if (d)
		d[0] = 1;
	return 0;
}

SEC(".struct_ops.link")
struct csd_exec_ops csd_bad = {
	.process = (void *)bad_process,
	.name = "bad",
};
