// SPDX-License-Identifier: GPL-2.0
/*
 * edges: for selftests/csd/bpf_test.c. On the completion of the read of
 * LBA EDGES_SLBA, calls csd_req_data() once with the offset and size of
 * probe cfg[0] and records in res[probe] 1 for a slice, 2 for NULL. The
 * probes are the edges of the data of an 8 KiB read (two 4 KiB segments):
 * the largest slices, offsets at the end of a segment and of the data,
 * slices that cross the segment boundary, size 0 and the largest size the
 * verifier accepts (U32_MAX).
 */
#include "csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define EDGES_SLBA	700
#define EDGES_NR	14

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EDGES_NR);
	__type(key, __u32);
	__type(value, __u32);
} res SEC(".maps");

SEC("struct_ops/complete")
int BPF_PROG(edges_complete, struct csd_req_ctx *req)
{
	const __u8 *d;
	__u32 k = 0, probe, v, *p;

	if (req->slba != EDGES_SLBA)
		return CSD_BPF_ACCOUNT;
	p = bpf_map_lookup_elem(&cfg, &k);
	if (!p)
		return CSD_BPF_ACCOUNT;
	probe = *p;
	switch (probe) {
	case 0:
		d = csd_req_data(req, 0, 4096);		/* all of segment 0 */
		break;
	case 1:
		d = csd_req_data(req, 0, 4097);		/* one byte into segment 1 */
		break;
	case 2:
		d = csd_req_data(req, 4095, 1);		/* the last byte of segment 0 */
		break;
	case 3:
		d = csd_req_data(req, 4095, 2);		/* across the boundary */
		break;
	case 4:
		d = csd_req_data(req, 4096, 4096);	/* all of segment 1 */
		break;
	case 5:
		d = csd_req_data(req, 8191, 1);		/* the last byte */
		break;
	case 6:
		d = csd_req_data(req, 8192, 1);		/* past the data */
		break;
	case 7:
		d = csd_req_data(req, 8192, 0);		/* size 0 at the end */
		break;
	case 8:
		d = csd_req_data(req, 0, 0);		/* size 0 */
		break;
	case 9:
		d = csd_req_data(req, 4096, 0);		/* size 0 at the boundary */
		break;
	case 10:
		d = csd_req_data(req, 0, 0xffffffffULL);	/* the largest size */
		break;
	case 11:
		d = csd_req_data(req, 0xffffffff, 0xffffffffULL);
		break;
	case 12:
		d = csd_req_data(req, 0xffffffff, 1);	/* the largest offset */
		break;
	case 13:
		d = csd_req_data(req, 4097, 4095);	/* up to the end of the data */
		break;
	default:
		return CSD_BPF_ACCOUNT;
	}
	v = d ? 1 : 2;
	bpf_map_update_elem(&res, &probe, &v, BPF_ANY);
	return CSD_BPF_ACCOUNT;
}

SEC(".struct_ops.link")
struct csd_ops csd_edges = {
	.complete = (void *)edges_complete,
};
