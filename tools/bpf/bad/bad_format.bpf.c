// SPDX-License-Identifier: GPL-2.0
/* Must not load: a result format csd does not know (init_member: EINVAL). */
#include "../csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/process")
int BPF_PROG(bad_process, struct csd_exec_ctx *x)
{
	return 0;
}

SEC(".struct_ops.link")
struct csd_exec_ops csd_bad = {
	.process = (void *)bad_process,
	.name = "bad",
	.result_format = CSD_EXEC_FMT_NR,
};
