// SPDX-License-Identifier: GPL-2.0
/*
 * slowlog: sends every completed command slower than a threshold to a
 * ring buffer that `csdctl prog events` prints. The threshold, in ns, is
 * cfg[0] (0 means 1 ms); csdctl prog events --arg US sets it.
 */
#include "csd.bpf.h"
#include "slowlog.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} cfg SEC(".maps");

SEC("struct_ops/complete")
int BPF_PROG(slowlog_complete, struct csd_req_ctx *req)
{
	__u64 threshold = 1000000, *t;
	struct slow_event *e;
	__u32 k = 0;

	t = bpf_map_lookup_elem(&cfg, &k);
	if (t && *t)
		threshold = *t;
	if (req->latency_ns < threshold)
		return CSD_BPF_ACCOUNT;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return CSD_BPF_ACCOUNT;		/* full: the reader is behind */
	e->latency_ns = req->latency_ns;
	e->slba = req->slba;
	e->nlb = req->nlb;
	e->ns_id = req->ns_id;
	e->zone = req->zone;
	e->status = req->status;
	e->opcode = req->opcode;
	e->op = req->op;
	bpf_ringbuf_submit(e, 0);
	return CSD_BPF_ACCOUNT;
}

SEC(".struct_ops.link")
struct csd_ops csd_slowlog = {
	.complete = (void *)slowlog_complete,
};
