// SPDX-License-Identifier: GPL-2.0
/*
 * exec_edges: for selftests/csd/exec_test.c. On the first chunk, calls
 * csd_exec_data() and csd_exec_scratch() at the edges of the chunk and of
 * the scratch area and emits one byte per call: 1 for a slice, 2 for NULL.
 */
#include "csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define P(i, call)	(r[i] = (call) ? 1 : 2)

SEC("struct_ops/process")
int BPF_PROG(edges_process, struct csd_exec_ctx *x)
{
	__u8 r[14];

	if (x->chunk)
		return 0;
	P(0, csd_exec_data(x, 0, CSD_EXEC_CHUNK));	/* the whole chunk */
	P(1, csd_exec_data(x, 0, CSD_EXEC_CHUNK + 1));
	P(2, csd_exec_data(x, CSD_EXEC_CHUNK - 1, 1));	/* its last byte */
	P(3, csd_exec_data(x, CSD_EXEC_CHUNK, 1));
	P(4, csd_exec_data(x, CSD_EXEC_CHUNK, 0));	/* size 0 at the end */
	P(5, csd_exec_data(x, 0, 0));
	P(6, csd_exec_data(x, 0, 0xffffffffULL));	/* the largest size */
	P(7, csd_exec_scratch(x, 0, CSD_EXEC_SCRATCH));
	P(8, csd_exec_scratch(x, CSD_EXEC_SCRATCH - 1, 1));
	P(9, csd_exec_scratch(x, CSD_EXEC_SCRATCH, 1));
	P(10, csd_exec_scratch(x, CSD_EXEC_SCRATCH, 0));	/* size 0 at the end */
	P(11, csd_exec_scratch(x, 0, 0));
	P(12, csd_exec_scratch(x, 0xffffffff, 0xffffffffULL));
	P(13, csd_exec_data(x, 0xffffffff, 1));
	return csd_exec_emit(x, r, sizeof(r));
}

SEC(".struct_ops.link")
struct csd_exec_ops csd_exec_edges = {
	.process = (void *)edges_process,
	.name = "edges",
};
