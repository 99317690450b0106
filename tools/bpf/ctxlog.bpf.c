// SPDX-License-Identifier: GPL-2.0
/*
 * ctxlog: keeps the context of the last completed command of each opcode
 * of the namespace it is attached to, every field of it (padding too), in
 * an array map indexed by opcode: what csd gives a completion program,
 * for selftests/csd/bpf_test.c to check field by field.
 */
#include "csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct csd_req_ctx);
} last SEC(".maps");

SEC("struct_ops/complete")
int BPF_PROG(ctxlog_complete, struct csd_req_ctx *req)
{
	__u32 k = req->opcode;
	struct csd_req_ctx *v = bpf_map_lookup_elem(&last, &k);

	if (!v)
		return CSD_BPF_ACCOUNT;
	v->ns_id = req->ns_id;
	v->nsid = req->nsid;
	v->opcode = req->opcode;
	v->op = req->op;
	v->size_class = req->size_class;
	v->zone_action = req->zone_action;
	v->status = req->status;
	v->pad = req->pad;
	v->zone = req->zone;
	v->pad1 = req->pad1;
	v->slba = req->slba;
	v->nlb = req->nlb;
	v->pad2 = req->pad2;
	v->bytes = req->bytes;
	v->latency_ns = req->latency_ns;
	return CSD_BPF_ACCOUNT;
}

SEC(".struct_ops.link")
struct csd_ops csd_ctxlog = {
	.complete = (void *)ctxlog_complete,
};
