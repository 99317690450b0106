// SPDX-License-Identifier: GPL-2.0
/*
 * count: how many little-endian u32 values in a zone or LBA range are
 * greater than a threshold (csd_exec.arg; csdctl exec --arg), as in the
 * ZCSD demo. Returns one u64.
 */
#include "csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/process")
int BPF_PROG(count_process, struct csd_exec_ctx *x)
{
	__u64 *n = (__u64 *)csd_exec_scratch(x, 0, sizeof(__u64));
	const __u32 *v = (const __u32 *)csd_exec_data(x, 0, CSD_EXEC_CHUNK);
	__u32 t = x->arg, i;

	if (!n)
		return -22;
	if (!v)
		return x->len ? -22 : 0;	/* chunks are whole 4 KiB blocks */
	for (i = 0; i < CSD_EXEC_CHUNK / 4; i++)
		if (v[i] > t)
			(*n)++;
	return 0;
}

SEC("struct_ops/finish")
int BPF_PROG(count_finish, struct csd_exec_ctx *x)
{
	__u8 *n = csd_exec_scratch(x, 0, sizeof(__u64));

	return n ? csd_exec_emit(x, n, sizeof(__u64)) : -22;
}

SEC(".struct_ops.link")
struct csd_exec_ops csd_count = {
	.process = (void *)count_process,
	.finish = (void *)count_finish,
	.name = "count",
	.result_format = CSD_EXEC_FMT_U64,
};
