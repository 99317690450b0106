// SPDX-License-Identifier: GPL-2.0
/* Must not load: writes past the scratch slice it asked for. */
#include "../csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/process")
int BPF_PROG(bad_process, struct csd_exec_ctx *x)
{
	__u8 *s = csd_exec_scratch(x, 0, 8);

	if (s)
		s[8] = 1;
	return 0;
}

SEC(".struct_ops.link")
struct csd_exec_ops csd_bad = {
	.process = (void *)bad_process,
	.name = "bad",
};
