/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For csd's BPF programs: the contexts (uapi/linux/csd.h), the struct_ops
 * types they fill in (uapi/linux/csd_bpf.h, csd.ko's own definition) and
 * the kfuncs. libbpf matches the struct_ops types by name and member
 * against csd's module BTF.
 */
#ifndef CSD_BPF_H
#define CSD_BPF_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/csd.h>
#include <linux/csd_bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* Completion programs: the data of a successful read (NULL otherwise). */
extern const __u8 *csd_req_data(struct csd_req_ctx *ctx, __u32 offset,
				const __u64 rdonly_buf_size) __ksym;

/* Offload programs (struct csd_exec_ops): CSD_IOC_EXEC runs them over a zone or LBA range. */
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
