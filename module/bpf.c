// SPDX-License-Identifier: GPL-2.0
/*
 * csd: completion programs, as a module-defined BPF struct_ops.
 *
 * A program set (struct csd_ops) is attached to one namespace; its
 * complete() runs on every completed command of that namespace with a
 * read-only struct csd_req_ctx and returns CSD_BPF_ACCOUNT, CSD_BPF_DROP or
 * a class. The kernel's verifier checks it against csd's BTF; csd ships no
 * interpreter. Attaching takes a reference on csd (the struct_ops map
 * does), so csd cannot be unloaded while a program is attached.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/highmem.h>
#include <linux/nvme.h>
#include <linux/rculist.h>

#include "csd.h"

__bpf_kfunc_start_defs();

/**
 * csd_req_data - a slice of a completed read's data, read-only
 * @ctx: the completion context
 * @offset: byte offset in the data
 * @rdonly_buf_size: bytes wanted (a constant, bounds-checked by the verifier)
 *
 * Return: a pointer to @rdonly_buf_size bytes, or NULL: not a successful
 * read, past its data, a slice that crosses a page of the data, or size 0.
 */
__bpf_kfunc const u8 *csd_req_data(struct csd_req_ctx *ctx, u32 offset,
				   const size_t rdonly_buf_size)
{
	struct csd_req_kern *k = container_of(ctx, struct csd_req_kern, ctx);
	struct req_iterator iter;
	struct bio_vec bv;
	size_t pos = 0, off;

	/*
	 * The verifier takes any constant up to U32_MAX, and for 0 lets the
	 * program read one byte (the size of what the pointer points to):
	 * size 0 gets NULL, and no sum below can wrap. Read data is for
	 * reads that succeeded (the context is csd's, read-only to programs).
	 */
	if (!rdonly_buf_size || k->ctx.op != CSD_OP_READ || k->ctx.status ||
	    !k->rq->bio || k->nr_maps == CSD_REQ_MAPS)
		return NULL;
	rq_for_each_segment(bv, k->rq, iter) {
		if (offset - pos < bv.bv_len) {
			/* The segment holding @offset: all of the slice, or none. */
			off = offset - pos;
			if (rdonly_buf_size > bv.bv_len - off)
				return NULL;
			k->maps[k->nr_maps] = kmap_local_page(bv.bv_page);
			return (u8 *)k->maps[k->nr_maps++] + bv.bv_offset + off;
		}
		pos += bv.bv_len;
	}
	return NULL;
}

__bpf_kfunc_end_defs();

/*
 * csd_bpf_run() writes the context member by member: it must have no
 * hole, or a program would read stack bytes csd never wrote.
 */
#define CSD_CTX_NEXT(a, b) \
	(offsetofend(struct csd_req_ctx, a) == offsetof(struct csd_req_ctx, b))
static_assert(CSD_CTX_NEXT(ns_id, nsid) && CSD_CTX_NEXT(nsid, opcode) &&
	      CSD_CTX_NEXT(opcode, op) && CSD_CTX_NEXT(op, size_class) &&
	      CSD_CTX_NEXT(size_class, zone_action) &&
	      CSD_CTX_NEXT(zone_action, status) && CSD_CTX_NEXT(status, pad) &&
	      CSD_CTX_NEXT(pad, zone) && CSD_CTX_NEXT(zone, pad1) &&
	      CSD_CTX_NEXT(pad1, slba) && CSD_CTX_NEXT(slba, nlb) &&
	      CSD_CTX_NEXT(nlb, pad2) && CSD_CTX_NEXT(pad2, bytes) &&
	      CSD_CTX_NEXT(bytes, latency_ns) &&
	      offsetof(struct csd_req_ctx, ns_id) == 0 &&
	      offsetofend(struct csd_req_ctx, latency_ns) == sizeof(struct csd_req_ctx));

/* After the program: undo csd_req_data()'s mappings, newest first. */
void csd_req_data_unmap(struct csd_req_kern *k)
{
	while (k->nr_maps)
		kunmap_local(k->maps[--k->nr_maps]);
}

/* All of csd's kfuncs: a module registers one set per program type. */
BTF_KFUNCS_START(csd_kfunc_ids)
BTF_ID_FLAGS(func, csd_req_data, KF_RET_NULL)
BTF_ID_FLAGS(func, csd_exec_data, KF_RET_NULL)
BTF_ID_FLAGS(func, csd_exec_scratch, KF_RET_NULL)
BTF_ID_FLAGS(func, csd_exec_emit)
BTF_ID_FLAGS(func, csd_exec_read)
BTF_ID_FLAGS(func, csd_exec_sector_size)
BTF_ID_FLAGS(func, csd_exec_zone_size)
BTF_ID_FLAGS(func, csd_exec_zone_capacity)
BTF_KFUNCS_END(csd_kfunc_ids)

BTF_ID_LIST(csd_kfunc_btf_ids)
BTF_ID(func, csd_req_data)
BTF_ID(struct, csd_ops)
BTF_ID(struct, csd_exec_ops)

/*
 * csd_req_data() is for completion programs (csd_ops), the csd_exec_*()
 * kfuncs for offload programs (csd_exec_ops); nothing else gets any.
 */
static int csd_kfunc_filter(const struct bpf_prog *prog, u32 kfunc_id)
{
	u32 want;

	if (!btf_id_set8_contains(&csd_kfunc_ids, kfunc_id))
		return 0;
	want = kfunc_id == csd_kfunc_btf_ids[0] ? csd_kfunc_btf_ids[1] :
						  csd_kfunc_btf_ids[2];
	if (prog->type == BPF_PROG_TYPE_STRUCT_OPS &&
	    prog->aux->attach_btf_id == want)
		return 0;
	return -EACCES;
}

static const struct btf_kfunc_id_set csd_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &csd_kfunc_ids,
	.filter = csd_kfunc_filter,
};

static int csd_ops_complete_stub(struct csd_req_ctx *ctx)
{
	return CSD_BPF_ACCOUNT;
}

static struct csd_ops csd_ops_stubs = {
	.complete = csd_ops_complete_stub,
};

static bool csd_ops_is_valid_access(int off, int size,
				    enum bpf_access_type type,
				    const struct bpf_prog *prog,
				    struct bpf_insn_access_aux *info)
{
	/* The arguments; the context they point to is read-only BTF. */
	return bpf_tracing_btf_ctx_access(off, size, type, prog, info);
}

static const struct bpf_verifier_ops csd_ops_verifier_ops = {
	.is_valid_access = csd_ops_is_valid_access,
	.get_func_proto = bpf_base_func_proto,
};

static int csd_ops_init(struct btf *btf)
{
	return 0;
}

/*
 * complete() runs from nvme-core's completion tracepoint, in hard or soft
 * IRQ context: a sleepable program (SEC("struct_ops.s/...")) must not
 * attach to it.
 */
static int csd_ops_check_member(const struct btf_type *t,
				const struct btf_member *member,
				const struct bpf_prog *prog)
{
	u32 moff = __btf_member_bit_offset(t, member) / 8;

	if (moff == offsetof(struct csd_ops, complete) && prog->sleepable)
		return -EINVAL;
	return 0;
}

static int csd_ops_init_member(const struct btf_type *t,
			       const struct btf_member *member,
			       void *kdata, const void *udata)
{
	const struct csd_ops *u = udata;
	struct csd_ops *k = kdata;

	switch (member->offset / 8) {
	case offsetof(struct csd_ops, ns_id):
		k->ns_id = u->ns_id;
		return 1;
	case offsetof(struct csd_ops, flags):
		if (u->flags)
			return -EINVAL;
		return 1;
	}
	return 0;
}

static int csd_ops_reg(void *kdata, struct bpf_link *link)
{
	struct csd_ops *ops = kdata;
	struct csd_ns *ns;
	int ret = 0;

	if (!ops->complete)
		return -EINVAL;
	/* Whoever attaches, even with a map fd handed over, must be allowed. */
	if (!bpf_capable())
		return -EPERM;
	/* Before the program is published: the probe must look for it. */
	csd_complete_readers_get();
	mutex_lock(&csd_ns_mutex);
	ns = csd_ns_find_id(ops->ns_id);
	if (!ns || ns->admin)
		ret = -ENODEV;
	else if (rcu_access_pointer(ns->bpf_ops))
		ret = -EBUSY;
	else
		rcu_assign_pointer(ns->bpf_ops, ops);
	mutex_unlock(&csd_ns_mutex);
	if (ret)
		csd_complete_readers_put();
	return ret;
}

static void csd_ops_unreg(void *kdata, struct bpf_link *link)
{
	struct csd_ns *ns;

	mutex_lock(&csd_ns_mutex);
	list_for_each_entry_rcu(ns, &csd_ns_list, node,
				lockdep_is_held(&csd_ns_mutex))
		if (rcu_access_pointer(ns->bpf_ops) == kdata)
			RCU_INIT_POINTER(ns->bpf_ops, NULL);
	mutex_unlock(&csd_ns_mutex);
	/* Once for the csd_ops_reg() that succeeded (its namespace may be gone). */
	csd_complete_readers_put();
	/* No completion probe runs the program after this. */
	synchronize_rcu();
}

static struct bpf_struct_ops csd_bpf_ops = {
	.verifier_ops = &csd_ops_verifier_ops,
	.init = csd_ops_init,
	.check_member = csd_ops_check_member,
	.init_member = csd_ops_init_member,
	.reg = csd_ops_reg,
	.unreg = csd_ops_unreg,
	.cfi_stubs = &csd_ops_stubs,
	.name = "csd_ops",
	.owner = THIS_MODULE,
};

bool csd_bpf_available;

int csd_bpf_init(void)
{
	int ret;

	ret = register_btf_kfunc_id_set(BPF_PROG_TYPE_STRUCT_OPS,
					&csd_kfunc_set);
	if (!ret)
		ret = register_bpf_struct_ops(&csd_bpf_ops, csd_ops);
	if (!ret)
		ret = csd_exec_bpf_init();
	if (ret) {
		pr_warn("BPF completion programs unavailable: %d\n", ret);
		return 0;
	}
	csd_bpf_available = true;
	return 0;
}
