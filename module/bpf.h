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
	bool data_ok;
	unsigned int nr_maps;
	void *maps[CSD_REQ_MAPS];
};

struct csd_completion;

/* The namespace's completion program's verdict: 0 without one (bpf.c). */
#ifdef CSD_HAVE_BPF
int csd_bpf_complete(const struct csd_completion *c);
#else
static inline int csd_bpf_complete(const struct csd_completion *c) { return 0; }
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
