// SPDX-License-Identifier: GPL-2.0
/*
 * geometry: OpenCSD's helpers at work. Returns the sector size, zone size
 * and zone capacity, and the first 8 bytes of the range read with
 * csd_exec_read() (OpenCSD's bpf_read).
 */
#include "csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct geometry {
	__u64 sector_size;
	__u64 zone_size;
	__u64 zone_capacity;
	__u64 first8;
};

SEC("struct_ops/process")
int BPF_PROG(geometry_process, struct csd_exec_ctx *x)
{
	struct geometry g = { };

	if (x->chunk)
		return 0;
	g.sector_size = csd_exec_sector_size(x);
	g.zone_size = csd_exec_zone_size(x);
	g.zone_capacity = csd_exec_zone_capacity(x);
	if (csd_exec_read(x, 0, &g.first8, sizeof(g.first8)))
		return -34;
	return csd_exec_emit(x, &g, sizeof(g));
}

SEC(".struct_ops.link")
struct csd_exec_ops csd_geometry = {
	.process = (void *)geometry_process,
	.name = "geometry",
};
