/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: completion and offload BPF programs (bpf.c, exec.c).
 */
#ifndef _CSD_BPF_H
#define _CSD_BPF_H

/* The kernel's side of a completion program's context (bpf.c). */
#define CSD_REQ_MAPS	4
struct csd_req_kern {
	struct csd_req_ctx ctx;
	struct request *rq;
	unsigned int nr_maps;
	void *maps[CSD_REQ_MAPS];
};

/* The namespace's completion program (bpf.c). */
#ifdef CSD_HAVE_BPF
void csd_req_data_unmap(struct csd_req_kern *k);

/*
 * Run completion program set @ops on one completed command @c, in the
 * completion probe's context (any); its verdict. The probe's RCU
 * read-side section (see csd_probe_rcu_lock()) keeps @ops alive, and
 * csd_ops_unreg()'s synchronize_rcu() waits for it; the struct_ops
 * trampoline takes rcu_read_lock() and disables migration for the program
 * itself. Inline in the probe, which keeps @c in registers: only the
 * context is in memory. It is written field by field, every byte of it
 * (the program may read any): on a kernel that zeroes the stack
 * (CONFIG_INIT_STACK_ALL_ZERO) an initializer would clear all of @kern
 * first.
 */
static __always_inline int csd_bpf_run(struct csd_ops *ops,
				       struct csd_completion *c)
{
	const struct csd_cmd_info *ci = &c->ci;
	struct csd_req_kern kern __uninitialized;
	struct csd_req_ctx *ctx = &kern.ctx;
	int ret;

	ctx->ns_id = c->ns->id;
	ctx->nsid = c->ns->nsid;
	ctx->opcode = ci->opcode;
	ctx->op = ci->op;
	ctx->size_class = ci->sc;
	ctx->zone_action = ci->opcode == nvme_cmd_zone_mgmt_send ? c->cmd->zms.zsa : 0;
	ctx->status = c->status;
	ctx->pad = 0;
	ctx->pad1 = 0;
	ctx->pad2 = 0;
	ctx->bytes = ci->bytes;
	ctx->latency_ns = c->lat_ns;
	if (ci->ranged) {
		ctx->zone = c->zone;
		ctx->slba = ci->slba;
		ctx->nlb = ci->bytes >> c->ns->lba_shift;
	} else {
		ctx->zone = U32_MAX;
		ctx->slba = 0;
		ctx->nlb = 0;
	}
	kern.rq = c->rq;
	kern.nr_maps = 0;

	ret = ops->complete(ctx);
	if (unlikely(kern.nr_maps))
		csd_req_data_unmap(&kern);
	/*
	 * Values the accounting adds, read back from the context, which the
	 * program cannot write (read-only BTF; csd_req_data() writes none of
	 * it), rather than kept in registers across the call (each would be
	 * spilled to the stack, and read back). Not what indexes csd's
	 * arrays (operation, size class, opcode): those stay csd's own.
	 */
	c->ci.bytes = ctx->bytes;
	c->lat_ns = ctx->latency_ns;
	c->status = ctx->status;
	return ret;
}
#else
static inline int csd_bpf_run(struct csd_ops *ops, struct csd_completion *c)
{
	return 0;
}
#endif

/* bpf.c */
#ifdef CSD_HAVE_BPF
/* kfuncs (exec.c), listed in bpf.c's one kfunc set */
const u8 *csd_exec_data(struct csd_exec_ctx *ctx, u32 offset,
			const size_t rdonly_buf_size);
u8 *csd_exec_scratch(struct csd_exec_ctx *ctx, u32 offset,
		     const size_t rdwr_buf_size);
int csd_exec_emit(struct csd_exec_ctx *ctx, const void *data, u32 data__sz);
int csd_exec_read(struct csd_exec_ctx *ctx, u32 offset, void *buf, u32 buf__sz);
u32 csd_exec_sector_size(struct csd_exec_ctx *ctx);
u64 csd_exec_zone_size(struct csd_exec_ctx *ctx);
u64 csd_exec_zone_capacity(struct csd_exec_ctx *ctx);
int csd_bpf_init(void);
int csd_exec_bpf_init(void);
int csd_exec_ioctl(struct csd_exec *arg);
u64 csd_exec_mem_bytes(void);
void csd_exec_exit(void);
extern bool csd_bpf_available;
/* Whether csd.ko has BPF programs: module struct_ops need 6.9+ (Kbuild). */
#define csd_bpf_built true
#else
static inline int csd_exec_ioctl(struct csd_exec *arg) { return -EOPNOTSUPP; }
static inline u64 csd_exec_mem_bytes(void) { return 0; }
static inline void csd_exec_exit(void) { }
static inline int csd_bpf_init(void) { return 0; }
#define csd_bpf_available false
#define csd_bpf_built false
#endif

#endif
