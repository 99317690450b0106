/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For csd's BPF programs: the context (struct csd_req_ctx, from the uapi
 * header) and the struct_ops type they fill in. libbpf matches struct
 * csd_ops by name and member against csd's module BTF.
 */
#ifndef CSD_BPF_H
#define CSD_BPF_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/csd.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct csd_ops {
	int (*complete)(struct csd_req_ctx *ctx);
	__u32 ns_id;	/* the namespace (csdctl devices' ID) */
	__u32 flags;	/* 0 */
};

#endif
