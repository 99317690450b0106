// SPDX-License-Identifier: GPL-2.0
/*
 * classify: counts every completed command of the namespace it is attached
 * to, by csd operation class, and puts reads in class 1 and writes and
 * appends in class 2.
 */
#include "csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CSD_OP_NR + 1);	/* [CSD_OP_NR]: all */
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static void bump(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("struct_ops/complete")
int BPF_PROG(classify_complete, struct csd_req_ctx *req)
{
	__u32 op = req->op;

	bump(CSD_OP_NR);
	if (op < CSD_OP_NR)
		bump(op);
	if (op == CSD_OP_READ)
		return 1;
	if (op == CSD_OP_WRITE || op == CSD_OP_APPEND)
		return 2;
	return CSD_BPF_ACCOUNT;
}

SEC(".struct_ops.link")
struct csd_ops csd_classify = {
	.complete = (void *)classify_complete,
};
