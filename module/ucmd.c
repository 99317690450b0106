// SPDX-License-Identifier: GPL-2.0
/*
 * csd: the ioctl dispatcher (see ucmd.h). Used by /dev/csd (chardev.c) and
 * by the trace fds (trace.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "csd.h"
#include "ucmd.h"

/*
 * Read a size-versioned argument: its leading __u32 size must cover at
 * least @min bytes; a larger struct than ours must be zero past our end.
 */
static int csd_arg_in(void *karg, size_t ksize, size_t min,
		      const void __user *uarg, u32 *usize)
{
	if (get_user(*usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (*usize < min)
		return -EINVAL;
	/* A future struct, not a runaway size to scan for zeroes. */
	if (*usize > PAGE_SIZE)
		return -E2BIG;
	return copy_struct_from_user(karg, ksize, uarg, *usize);
}

/* Write back min(caller, kernel) bytes, with size set to the kernel's. */
static int csd_arg_out(void __user *uarg, void *karg, size_t ksize, u32 usize)
{
	*(u32 *)karg = ksize;
	if (copy_to_user(uarg, karg, min_t(size_t, ksize, usize)))
		return -EFAULT;
	return 0;
}

static const struct csd_ucmd_op *csd_ucmd_find(const struct csd_ucmd_op *ops,
					       size_t nr_ops, unsigned int cmd)
{
	size_t i;

	/* The size bits of cmd are ignored: the size field rules. */
	if (_IOC_TYPE(cmd) != CSD_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return NULL;
	for (i = 0; i < nr_ops; i++)
		if (ops[i].nr == _IOC_NR(cmd))
			return &ops[i];
	return NULL;
}

/* Flags, pad and reserved fields, then the entry's own checks. */
static int csd_ucmd_validate(const struct csd_ucmd_op *op, const u8 *arg)
{
	unsigned int i;

	if (((const u32 *)arg)[1] & ~op->known_flags)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(op->zero); i++)
		if (op->zero[i].end &&
		    memchr_inv(arg + op->zero[i].off, 0, op->zero[i].end - op->zero[i].off))
			return -EINVAL;
	return op->check ? op->check(arg) : 0;
}

/* ->run(), under csd_ns_mutex with the namespace looked up if asked. */
static int csd_ucmd_run_locked(const struct csd_ucmd_op *op, struct csd_ucmd *c)
{
	u32 ns_id = 0;
	int ret = 0;

	if (op->opts & (CSD_UCMD_NS | CSD_UCMD_NS_ALL))
		ns_id = *(const u32 *)((const u8 *)c->arg + op->ns_off);
	mutex_lock(&csd_ns_mutex);
	if ((op->opts & CSD_UCMD_NS) || ns_id) {
		c->ns = csd_ns_find_id(ns_id);
		if (!c->ns)
			ret = -ENODEV;
	}
	if (!ret)
		ret = op->run(c);
	c->ns = NULL;
	mutex_unlock(&csd_ns_mutex);
	return ret;
}

long csd_ucmd_dispatch(const struct csd_ucmd_op *ops, size_t nr_ops,
		       unsigned int cmd, void __user *uarg, void *priv)
{
	u64 arg[CSD_UCMD_ARG_MAX / sizeof(u64)];
	struct csd_ucmd c = { .arg = arg, .priv = priv, .fd = -1 };
	const struct csd_ucmd_op *op;
	unsigned int i;
	u32 usize;
	int ret;

	op = csd_ucmd_find(ops, nr_ops, cmd);
	if (!op)
		return -ENOTTY;
	if (WARN_ON_ONCE(op->size > sizeof(arg)))
		return -EINVAL;
	ret = csd_arg_in(arg, op->size, op->min_size, uarg, &usize);
	if (ret)
		return ret;
	ret = csd_ucmd_validate(op, (const u8 *)arg);
	if (ret)
		return ret;
	if ((op->opts & CSD_UCMD_ADMIN) && !capable(CAP_SYS_ADMIN))
		return -EPERM;

	ret = op->prep ? op->prep(&c) : 0;
	if (ret)
		goto out_free;
	if (op->opts & CSD_UCMD_LOCK)
		ret = csd_ucmd_run_locked(op, &c);
	else
		ret = op->run(&c);
	if (!ret && op->emit)
		ret = op->emit(&c);
	if (!ret && (op->opts & CSD_UCMD_OUT))
		ret = csd_arg_out(uarg, arg, op->size, usize);
	if (op->done)
		op->done(&c, ret);
out_free:
	for (i = 0; i < ARRAY_SIZE(c.buf); i++)
		kvfree(c.buf[i]);
	return ret;
}
