// SPDX-License-Identifier: GPL-2.0
/*
 * csd: /dev/csd and its ioctls.
 *
 * Every argument struct starts with __u32 size and __u32 flags and is
 * versioned by its size (see uapi/linux/csd.h): input is read with
 * copy_struct_from_user(), output is written back truncated to the
 * caller's size.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <generated/utsrelease.h>
#include <linux/build_bug.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "csd.h"

/* Upper bound on entries one LIST_NS call fills, to bound the kernel copy. */
#define CSD_LIST_MAX	4096
/* Largest entry stride accepted: a future entry, not a runaway size. */
#define CSD_ENTRY_MAX	4096

static_assert(sizeof(struct csd_info) == CSD_INFO_SIZE_VER1);
static_assert(offsetofend(struct csd_info, features) == CSD_INFO_SIZE_VER0);
static_assert(sizeof(struct csd_ns_entry) == CSD_NS_ENTRY_SIZE_VER1);
static_assert(offsetofend(struct csd_ns_entry, completed) ==
	      CSD_NS_ENTRY_SIZE_VER0);
static_assert(sizeof(struct csd_ns_list) == CSD_NS_LIST_SIZE_VER1);
static_assert(offsetofend(struct csd_ns_list, entries) ==
	      CSD_NS_LIST_SIZE_VER0);

/*
 * Read a size-versioned argument: its leading __u32 size must cover at
 * least @min bytes; a larger struct than ours must be zero past our end.
 */
static int csd_arg_in(void *karg, size_t ksize, size_t min,
		      const void __user *uarg, u32 *usize)
{
	int ret;

	if (get_user(*usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (*usize < min)
		return -EINVAL;
	ret = copy_struct_from_user(karg, ksize, uarg, *usize);
	if (ret)
		return ret;
	return 0;
}

/* Write back min(caller, kernel) bytes, with size set to the kernel's. */
static int csd_arg_out(void __user *uarg, void *karg, size_t ksize, u32 usize)
{
	*(u32 *)karg = ksize;
	if (copy_to_user(uarg, karg, min_t(size_t, ksize, usize)))
		return -EFAULT;
	return 0;
}

static bool csd_zeroed(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

static u64 csd_features(void)
{
	u64 f = 0;

	if (csd_hooks_attached() == 2)
		f |= CSD_FEAT_NVME_HOOKS;
	if (IS_ENABLED(CONFIG_BLK_DEV_ZONED))
		f |= CSD_FEAT_ZONED;
#ifdef CONFIG_DEBUG_INFO_BTF_MODULES
	if (THIS_MODULE->btf_data_size)
		f |= CSD_FEAT_MODULE_BTF;
#endif
	return f;
}

static long csd_ioc_get_info(void __user *uarg)
{
	struct csd_global_pcpu g;
	struct csd_info info;
	u32 usize;
	int ret;

	ret = csd_arg_in(&info, sizeof(info), CSD_INFO_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (info.flags || info.reserved0 ||
	    !csd_zeroed(info.reserved, sizeof(info.reserved)))
		return -EINVAL;

	csd_global_sum(&g);
	memset(&info, 0, sizeof(info));
	info.abi_version = CSD_ABI_VERSION;
	info.nr_namespaces = csd_ns_count();
	info.features = csd_features();
	info.admin_submitted = g.admin_submitted;
	info.admin_completed = g.admin_completed;
	info.untracked = g.untracked;
	info.hook_attached = csd_hooks_attached();
	strscpy(info.kernel_release, UTS_RELEASE, sizeof(info.kernel_release));
	strscpy(info.module_version, CSD_VERSION, sizeof(info.module_version));
	return csd_arg_out(uarg, &info, sizeof(info), usize);
}

static long csd_ioc_list_ns(void __user *uarg)
{
	struct csd_ns_entry *ents = NULL;
	struct csd_ns_list arg;
	u32 usize, n = 0, total = 0, want, i;
	u8 __user *dst;
	struct csd_ns *ns;
	int ret;

	ret = csd_arg_in(&arg, sizeof(arg), CSD_NS_LIST_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (arg.flags || arg.pad ||
	    !csd_zeroed(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if (arg.count && (arg.entry_size < CSD_NS_ENTRY_SIZE_VER0 ||
			  arg.entry_size > CSD_ENTRY_MAX))
		return -EINVAL;
	if (arg.count && !arg.entries)
		return -EFAULT;

	want = min_t(u32, arg.count, CSD_LIST_MAX);
	if (want) {
		ents = kvcalloc(want, sizeof(*ents), GFP_KERNEL);
		if (!ents)
			return -ENOMEM;
	}

	rcu_read_lock();
	list_for_each_entry_rcu(ns, &csd_ns_list, node) {
		if (n < want)
			csd_ns_fill_entry(ns, &ents[n++]);
		total++;
	}
	rcu_read_unlock();

	/* Each caller entry gets our entry, truncated or zero-extended. */
	dst = u64_to_user_ptr(arg.entries);
	for (i = 0; i < n; i++, dst += arg.entry_size) {
		size_t len = min_t(size_t, arg.entry_size, sizeof(*ents));

		if (copy_to_user(dst, &ents[i], len) ||
		    (arg.entry_size > len &&
		     clear_user(dst + len, arg.entry_size - len))) {
			ret = -EFAULT;
			goto out;
		}
	}

	arg.count = n;
	arg.total = total;
	arg.entry_size = sizeof(*ents);
	ret = csd_arg_out(uarg, &arg, sizeof(arg), usize);
out:
	kvfree(ents);
	return ret;
}

static long csd_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	/* The size bits of cmd are ignored: the size field rules. */
	if (_IOC_TYPE(cmd) != CSD_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(CSD_IOC_GET_INFO):
		return csd_ioc_get_info(uarg);
	case _IOC_NR(CSD_IOC_LIST_NS):
		return csd_ioc_list_ns(uarg);
	}
	return -ENOTTY;
}

static const struct file_operations csd_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= csd_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice csd_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= CSD_DEVICE_NAME,
	.fops	= &csd_fops,
	.mode	= 0600,
};

int csd_chardev_init(void)
{
	return misc_register(&csd_miscdev);
}

void csd_chardev_exit(void)
{
	misc_deregister(&csd_miscdev);
}
