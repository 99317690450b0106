// SPDX-License-Identifier: GPL-2.0
/*
 * peek: records the first 8 bytes each read returned, by starting LBA, in
 * a hash map: the data of completed reads, seen from the completion path.
 */
#include "csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u64);
} first8 SEC(".maps");

SEC("struct_ops/complete")
int BPF_PROG(peek_complete, struct csd_req_ctx *req)
{
	const __u8 *d = csd_req_data(req, 0, 8);
	__u64 slba = req->slba, v;

	if (!d)
		return CSD_BPF_ACCOUNT;
	__builtin_memcpy(&v, d, sizeof(v));
	bpf_map_update_elem(&first8, &slba, &v, BPF_ANY);
	return CSD_BPF_ACCOUNT;
}

SEC(".struct_ops.link")
struct csd_ops csd_peek = {
	.complete = (void *)peek_complete,
};
