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

#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/rculist.h>

#include "csd.h"

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
	mutex_lock(&csd_ns_mutex);
	ns = csd_ns_find_id(ops->ns_id);
	if (!ns || ns->admin)
		ret = -ENODEV;
	else if (rcu_access_pointer(ns->bpf_ops))
		ret = -EBUSY;
	else
		rcu_assign_pointer(ns->bpf_ops, ops);
	mutex_unlock(&csd_ns_mutex);
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
	/* No completion probe runs the program after this. */
	synchronize_rcu();
}

static struct bpf_struct_ops csd_bpf_ops = {
	.verifier_ops = &csd_ops_verifier_ops,
	.init = csd_ops_init,
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
