/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: table-driven ioctls.
 *
 * Every ioctl argument starts with __u32 size and __u32 flags and is
 * versioned by its size (uapi/linux/csd.h). One table entry per ioctl says
 * what the dispatcher checks before the handler runs, in this order:
 * the argument's size (copy_struct_from_user()), its flags against the
 * known ones and its pad and reserved fields (zero), the entry's own
 * ->check(), CAP_SYS_ADMIN, ->prep() (allocations), then csd_ns_mutex
 * and the namespace named by ns_id, ->run(), the mutex dropped, ->emit()
 * (arrays to user space, never under the mutex), the struct back to the
 * caller (truncated to its size) and ->done().
 */
#ifndef CSD_UCMD_H
#define CSD_UCMD_H

#include <linux/stddef.h>
#include <linux/types.h>

struct csd_ns;
struct file;

/* The largest argument struct, rounded up. */
#define CSD_UCMD_ARG_MAX	512

/* struct csd_ucmd_op.opts */
#define CSD_UCMD_ADMIN		BIT(0)	/* CAP_SYS_ADMIN, checked after validation */
#define CSD_UCMD_LOCK		BIT(1)	/* ->run() under csd_ns_mutex */
#define CSD_UCMD_NS		BIT(2)	/* ns_id names a namespace: ENODEV if none */
#define CSD_UCMD_NS_ALL		BIT(3)	/* as CSD_UCMD_NS, but 0 means every one */
#define CSD_UCMD_OUT		BIT(4)	/* write the struct back */

/* One call, as the handlers see it. */
struct csd_ucmd {
	void *arg;		/* the kernel's copy of the argument struct */
	void *priv;		/* the file's (the tracer of a trace fd) */
	struct csd_ns *ns;	/* CSD_UCMD_NS*: valid in ->run() only */
	void *buf[3];		/* ->prep()'s allocations, kvfree()d at the end */
	u32 nr[2];		/* entries ->run() produced */
	int fd;			/* a new fd ->done() installs or drops */
	struct file *file;
};

/* Bytes [off, end) of the argument must be zero. */
struct csd_ucmd_zero {
	u16 off;
	u16 end;
};

/* The zero fields of most arguments: reserved, and pad where it has one. */
#define CSD_UCMD_RESERVED(type) \
	{ { offsetof(type, reserved), offsetofend(type, reserved) } }
#define CSD_UCMD_PAD_RESERVED(type) \
	{ { offsetof(type, pad), offsetofend(type, pad) }, \
	  { offsetof(type, reserved), offsetofend(type, reserved) } }

struct csd_ucmd_op {
	unsigned int nr;	/* _IOC_NR() of the command */
	u32 size;		/* the kernel's struct */
	u32 min_size;		/* the oldest struct accepted */
	u32 known_flags;
	u32 opts;		/* CSD_UCMD_* */
	u16 ns_off;		/* offset of the __u32 ns_id (CSD_UCMD_NS*) */
	struct csd_ucmd_zero zero[2];
	int (*check)(const void *arg);
	int (*prep)(struct csd_ucmd *c);
	int (*run)(struct csd_ucmd *c);
	int (*emit)(struct csd_ucmd *c);
	void (*done)(struct csd_ucmd *c, int ret);
};

long csd_ucmd_dispatch(const struct csd_ucmd_op *ops, size_t nr_ops,
		       unsigned int cmd, void __user *uarg, void *priv);

#endif
