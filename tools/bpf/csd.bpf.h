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

/* Completion programs: the data of a successful read (NULL otherwise). */
extern const __u8 *csd_req_data(struct csd_req_ctx *ctx, __u32 offset,
				const __u64 rdonly_buf_size) __ksym;

/* Offload programs: CSD_IOC_EXEC runs them over a zone or LBA range. */
struct csd_exec_ops {
	int (*process)(struct csd_exec_ctx *ctx);	/* once per chunk */
	int (*finish)(struct csd_exec_ctx *ctx);	/* after the last */
	char name[CSD_NAME_LEN];	/* what CSD_IOC_EXEC names */
};

/* Offload kfuncs: for csd_exec_ops programs only. */
extern const __u8 *csd_exec_data(struct csd_exec_ctx *ctx, __u32 offset,
				 const __u64 rdonly_buf_size) __ksym;
extern __u8 *csd_exec_scratch(struct csd_exec_ctx *ctx, __u32 offset,
			      const __u64 rdwr_buf_size) __ksym;
extern int csd_exec_emit(struct csd_exec_ctx *ctx, const void *data,
			 __u32 data__sz) __ksym;
/* OpenCSD's helpers: bpf_read (of the chunk), bpf_get_sector_size, ... */
extern int csd_exec_read(struct csd_exec_ctx *ctx, __u32 offset, void *buf,
			 __u32 buf__sz) __ksym;
extern __u32 csd_exec_sector_size(struct csd_exec_ctx *ctx) __ksym;
extern __u64 csd_exec_zone_size(struct csd_exec_ctx *ctx) __ksym;
extern __u64 csd_exec_zone_capacity(struct csd_exec_ctx *ctx) __ksym;

#endif
