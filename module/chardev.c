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
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "csd.h"

/* Upper bound on entries one array call fills, to bound the kernel copy. */
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
static_assert(sizeof(struct csd_stat_row) == CSD_STAT_ROW_SIZE_VER0);
static_assert(sizeof(struct csd_status_entry) == CSD_STATUS_ENTRY_SIZE_VER0);
static_assert(sizeof(struct csd_ns_stats) == CSD_NS_STATS_SIZE_VER1);
static_assert(offsetofend(struct csd_ns_stats, reserved) == CSD_NS_STATS_SIZE_VER0);
static_assert(sizeof(struct csd_hist) == CSD_HIST_SIZE_VER0);
static_assert(sizeof(struct csd_zone_entry) == CSD_ZONE_ENTRY_SIZE_VER0);
static_assert(sizeof(struct csd_zone_stats) == CSD_ZONE_STATS_SIZE_VER0);
static_assert(sizeof(struct csd_reset) == CSD_RESET_SIZE_VER0);
static_assert(sizeof(struct csd_config) == CSD_CONFIG_SIZE_VER0);
static_assert(sizeof(struct csd_exec) == CSD_EXEC_SIZE_VER0);

/*
 * Read a size-versioned argument: its leading __u32 size must cover at
 * least @min bytes; a larger struct than ours must be zero past our end.
 */
int csd_arg_in(void *karg, size_t ksize, size_t min,
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
int csd_arg_out(void __user *uarg, void *karg, size_t ksize, u32 usize)
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

/* Check a caller's array description: @count entries of @stride at @ptr. */
static int csd_array_check(u32 count, u32 stride, u32 min, u64 ptr)
{
	if (!count)
		return 0;
	if (stride < min || stride > CSD_ENTRY_MAX)
		return -EINVAL;
	if (!ptr)
		return -EFAULT;
	return 0;
}

/* Copy @n kernel entries of @ksize to the caller's array of @stride. */
static int csd_array_out(u64 ptr, u32 stride, const void *src, size_t ksize,
			 u32 n)
{
	u8 __user *dst = u64_to_user_ptr(ptr);
	size_t len = min_t(size_t, stride, ksize);
	u32 i;

	for (i = 0; i < n; i++, dst += stride, src += ksize) {
		if (copy_to_user(dst, src, len))
			return -EFAULT;
		if (stride > len && clear_user(dst + len, stride - len))
			return -EFAULT;
	}
	return 0;
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
	if (csd_bpf_available)
		f |= CSD_FEAT_BPF;
	f |= CSD_FEAT_NS_DIAG | CSD_FEAT_NS_REQUEUED;
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
	info.mem_bytes = csd_mem_total();
	info.nr_cpus = nr_cpu_ids;
	info.hist_buckets = CSD_HIST_BUCKETS;
	return csd_arg_out(uarg, &info, sizeof(info), usize);
}

static long csd_ioc_list_ns(void __user *uarg)
{
	struct csd_ns_entry *ents = NULL;
	struct csd_ns_list arg;
	u32 usize, n = 0, total = 0, want;
	struct csd_ns *ns;
	int ret;

	ret = csd_arg_in(&arg, sizeof(arg), CSD_NS_LIST_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (arg.flags || arg.pad ||
	    !csd_zeroed(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	ret = csd_array_check(arg.count, arg.entry_size, CSD_NS_ENTRY_SIZE_VER0,
			      arg.entries);
	if (ret)
		return ret;

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

	ret = csd_array_out(arg.entries, arg.entry_size, ents, sizeof(*ents), n);
	if (!ret) {
		arg.count = n;
		arg.total = total;
		arg.entry_size = sizeof(*ents);
		ret = csd_arg_out(uarg, &arg, sizeof(arg), usize);
	}
	kvfree(ents);
	return ret;
}

/* The NVMe opcode of an operation class (0 for CSD_OP_OTHER). */
static u8 csd_op_opcode(unsigned int op)
{
	static const u8 opc[CSD_OP_NR] = {
		[CSD_OP_READ] = 0x02, [CSD_OP_WRITE] = 0x01,
		[CSD_OP_APPEND] = 0x7d, [CSD_OP_FLUSH] = 0x00,
		[CSD_OP_WRITE_UNCOR] = 0x04, [CSD_OP_COMPARE] = 0x05,
		[CSD_OP_WRITE_ZEROES] = 0x08, [CSD_OP_DSM] = 0x09,
		[CSD_OP_VERIFY] = 0x0c, [CSD_OP_COPY] = 0x19,
		[CSD_OP_ZONE_CLOSE] = 0x79, [CSD_OP_ZONE_FINISH] = 0x79,
		[CSD_OP_ZONE_OPEN] = 0x79, [CSD_OP_ZONE_RESET] = 0x79,
		[CSD_OP_ZONE_OFFLINE] = 0x79, [CSD_OP_ZONE_SEND_OTHER] = 0x79,
		[CSD_OP_ZONE_RECV] = 0x7a,
	};

	return op < CSD_OP_NR ? opc[op] : 0;
}

/* Statuses of @s into @out (up to @max); returns the number found. */
static u32 csd_collect_status(const struct csd_stats *s,
			      struct csd_status_entry *out, u32 max)
{
	u32 i, n = 0;

	for (i = 0; i < CSD_STATUS_SLOTS; i++) {
		int key = atomic_read(&s->status[i].key);

		if (!key)
			continue;
		if (n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].op = (key >> 19) & 0xff;
			out[n].opcode = (key >> 11) & 0xff;
			out[n].status = key & 0x7ff;
			out[n].count = atomic64_read(&s->status[i].count);
		}
		n++;
	}
	return n;
}

/* Rows with commands: fixed classes, then CSD_OP_OTHER by opcode. */
static u32 csd_collect_rows(const struct csd_stats *s, struct csd_stat_row *out,
			    u32 max, u64 *tmp,
			    const struct csd_status_entry *st, u32 nst)
{
	struct csd_stat_row r;
	u32 row, n = 0, i, opc;

	for (row = 0; row < CSD_NR_ROWS; row++) {
		if (row / CSD_SZ_NR == CSD_OP_OTHER)
			continue;
		csd_fill_row(s, row, tmp, &r);
		if (!r.count)
			continue;
		if (n < max) {
			out[n] = r;
			out[n].opcode = csd_op_opcode(row / CSD_SZ_NR);
		}
		n++;
	}
	for (opc = 0; opc < 256; opc++) {
		u64 cnt = csd_other_count(s, opc);

		if (!cnt)
			continue;
		if (n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].op = CSD_OP_OTHER;
			out[n].opcode = opc;
			out[n].size_class = CSD_SZ_NONE;
			out[n].count = cnt;
			for (i = 0; i < nst; i++)
				if (st[i].op == CSD_OP_OTHER && st[i].opcode == opc)
					out[n].errors += st[i].count;
			if (s->admin) {
				const struct csd_admin_op *a = &s->admin[opc];
				u64 mn = atomic64_read(&a->lat_min);

				out[n].lat_sum_ns = atomic64_read(&a->lat_sum);
				out[n].lat_min_ns = mn == U64_MAX ? 0 : mn;
				out[n].lat_max_ns = atomic64_read(&a->lat_max);
			}
		}
		n++;
	}
	return n;
}

static long csd_ioc_ns_stats(void __user *uarg)
{
	struct csd_status_entry *st = NULL;
	struct csd_stat_row *rows = NULL;
	const struct csd_stats *s;
	u32 usize, nrows = 0, nst = 0, want_rows, want_st;
	struct csd_ns_stats arg;
	struct csd_ns *ns;
	u64 *tmp = NULL;
	int ret;

	ret = csd_arg_in(&arg, sizeof(arg), CSD_NS_STATS_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (arg.flags || arg.pad ||
	    !csd_zeroed(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	ret = csd_array_check(arg.row_count, arg.row_size,
			      CSD_STAT_ROW_SIZE_VER0, arg.rows);
	if (!ret)
		ret = csd_array_check(arg.status_count, arg.status_size,
				      CSD_STATUS_ENTRY_SIZE_VER0, arg.statuses);
	if (ret)
		return ret;

	want_rows = min_t(u32, arg.row_count, CSD_NR_ROWS + 256);
	want_st = min_t(u32, arg.status_count, CSD_STATUS_SLOTS);
	rows = kvcalloc(CSD_NR_ROWS + 256, sizeof(*rows), GFP_KERNEL);
	st = kcalloc(CSD_STATUS_SLOTS, sizeof(*st), GFP_KERNEL);
	tmp = kvmalloc_array(CSD_HIST_BUCKETS, sizeof(u64), GFP_KERNEL);
	if (!rows || !st || !tmp) {
		ret = -ENOMEM;
		goto out;
	}

	mutex_lock(&csd_ns_mutex);
	ns = csd_ns_find_id(arg.ns_id);
	if (!ns) {
		mutex_unlock(&csd_ns_mutex);
		ret = -ENODEV;
		goto out;
	}
	arg.submitted = 0;
	arg.completed = 0;
	arg.aborted = 0;
	arg.errors_other = 0;
	arg.zone_unbinned = 0;
	arg.since_ns = 0;
	arg.dropped = 0;
	memset(arg.class_count, 0, sizeof(arg.class_count));
	memset(arg.class_lat_sum_ns, 0, sizeof(arg.class_lat_sum_ns));
	/*
	 * A geometry change (setup_work, under ns->lock) may replace the
	 * epoch now, but it is freed only under csd_ns_mutex (retired, then
	 * freed by the reaper), which this holds.
	 */
	s = rcu_dereference_check(ns->stats, lockdep_is_held(&csd_ns_mutex));
	if (s) {
		nst = csd_collect_status(s, st, CSD_STATUS_SLOTS);
		nrows = csd_collect_rows(s, rows, CSD_NR_ROWS + 256, tmp, st, nst);
		csd_stats_totals(s, &arg.submitted, &arg.completed, &arg.aborted);
		csd_stats_classes(s, &arg.dropped, arg.class_count,
				  arg.class_lat_sum_ns);
		arg.errors_other = atomic64_read(&s->errors_other);
		arg.zone_unbinned = atomic64_read(&s->zone_unbinned);
		arg.since_ns = s->since_ns;
	}
	arg.now_ns = ktime_get_ns();
	mutex_unlock(&csd_ns_mutex);

	ret = csd_array_out(arg.rows, arg.row_size, rows, sizeof(*rows),
			    min(nrows, want_rows));
	if (!ret)
		ret = csd_array_out(arg.statuses, arg.status_size, st, sizeof(*st),
				    min(nst, want_st));
	if (ret)
		goto out;
	arg.row_count = min(nrows, want_rows);
	arg.row_total = nrows;
	arg.row_size = sizeof(*rows);
	arg.status_count = min(nst, want_st);
	arg.status_total = nst;
	arg.status_size = sizeof(*st);
	ret = csd_arg_out(uarg, &arg, sizeof(arg), usize);
out:
	kvfree(tmp);
	kfree(st);
	kvfree(rows);
	return ret;
}

static long csd_ioc_get_hist(void __user *uarg)
{
	const struct csd_stats *s;
	unsigned int op, sc, nb, i;
	struct csd_hist arg;
	struct csd_ns *ns;
	bool zone;
	u64 *b;
	u32 usize;
	int ret;

	ret = csd_arg_in(&arg, sizeof(arg), CSD_HIST_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	zone = arg.flags & CSD_HIST_F_ZONE;
	if ((arg.flags & ~CSD_HIST_F_ZONE) ||
	    !csd_zeroed(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if (zone) {
		if (arg.op != CSD_OP_READ && arg.op != CSD_OP_WRITE &&
		    arg.op != CSD_OP_APPEND && arg.op != CSD_OP_ALL)
			return -EINVAL;
		if (arg.size_class != CSD_SZ_ALL)
			return -EINVAL;
	} else {
		if (arg.op >= CSD_OP_NR && arg.op != CSD_OP_ALL)
			return -EINVAL;
		if (arg.size_class >= CSD_SZ_NR && arg.size_class != CSD_SZ_ALL)
			return -EINVAL;
		if (arg.zone)
			return -EINVAL;
	}
	nb = zone ? CSD_ZHIST_BUCKETS : CSD_HIST_BUCKETS;
	if (arg.nr_buckets && arg.nr_buckets < nb)
		return -EINVAL;
	if (arg.nr_buckets && !arg.buckets)
		return -EFAULT;

	b = kvcalloc(CSD_HIST_BUCKETS, sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;

	mutex_lock(&csd_ns_mutex);
	ns = csd_ns_find_id(arg.ns_id);
	if (!ns) {
		ret = -ENODEV;
		goto unlock;
	}
	s = rcu_dereference_check(ns->stats, lockdep_is_held(&csd_ns_mutex));
	if (zone) {
		const struct csd_zone *zones;
		int zio;

		if (!s || arg.zone >= s->nr_regions) {
			ret = -ERANGE;
			goto unlock;
		}
		rcu_read_lock();
		zones = rcu_dereference(s->zones);
		for (zio = 0; zones && zio < CSD_ZIO_NR; zio++) {
			if (arg.op != CSD_OP_ALL && arg.op != (u32)zio)
				continue;	/* CSD_OP_READ..APPEND == CSD_ZIO_* */
			for (i = 0; i < nb; i++)
				b[i] += (u32)atomic_read(&zones[arg.zone].hist[zio][i]);
		}
		rcu_read_unlock();
	} else if (s) {
		for (op = 0; op < CSD_OP_NR; op++) {
			if (arg.op != CSD_OP_ALL && arg.op != op)
				continue;
			for (sc = 0; sc < CSD_SZ_NR; sc++)
				if (arg.size_class == CSD_SZ_ALL || arg.size_class == sc)
					csd_row_hist(s, op * CSD_SZ_NR + sc, b);
		}
	}
	mutex_unlock(&csd_ns_mutex);

	arg.count = 0;
	for (i = 0; i < nb; i++)
		arg.count += b[i];
	if (arg.nr_buckets &&
	    copy_to_user(u64_to_user_ptr(arg.buckets), b, nb * sizeof(*b))) {
		ret = -EFAULT;
		goto out;
	}
	arg.nr_buckets = nb;
	arg.first_shift = zone ? CSD_ZHIST_FIRST_SHIFT : CSD_HIST_FIRST_SHIFT;
	arg.sub_bits = zone ? CSD_ZHIST_SUB_BITS : CSD_HIST_SUB_BITS;
	arg.max_shift = CSD_HIST_MAX_SHIFT;
	ret = csd_arg_out(uarg, &arg, sizeof(arg), usize);
	goto out;
unlock:
	mutex_unlock(&csd_ns_mutex);
out:
	kvfree(b);
	return ret;
}

static_assert(CSD_OP_READ == CSD_ZIO_READ && CSD_OP_WRITE == CSD_ZIO_WRITE &&
	      CSD_OP_APPEND == CSD_ZIO_APPEND);

static long csd_ioc_zone_stats(void __user *uarg)
{
	struct csd_zone_entry *ents = NULL;
	const struct csd_stats *s;
	struct csd_zone_stats arg;
	u32 usize, n = 0, i;
	struct csd_ns *ns;
	int ret;

	ret = csd_arg_in(&arg, sizeof(arg), CSD_ZONE_STATS_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (arg.flags || arg.pad ||
	    !csd_zeroed(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	ret = csd_array_check(arg.count, arg.entry_size,
			      CSD_ZONE_ENTRY_SIZE_VER0, arg.entries);
	if (ret)
		return ret;
	if (arg.count) {
		ents = kvcalloc(min_t(u32, arg.count, CSD_LIST_MAX),
				sizeof(*ents), GFP_KERNEL);
		if (!ents)
			return -ENOMEM;
	}

	mutex_lock(&csd_ns_mutex);
	ns = csd_ns_find_id(arg.ns_id);
	if (!ns) {
		mutex_unlock(&csd_ns_mutex);
		ret = -ENODEV;
		goto out;
	}
	/* An allocation failed when the namespace came: try again now. */
	ret = ns->admin ? 0 : csd_ns_ensure_tables(ns);
	if (ret) {
		mutex_unlock(&csd_ns_mutex);
		goto out;
	}
	s = rcu_dereference_check(ns->stats, lockdep_is_held(&csd_ns_mutex));
	arg.total = s ? s->nr_regions : 0;
	arg.region_sectors = s ? s->region_sectors : 0;
	if (arg.count && arg.start >= arg.total) {
		mutex_unlock(&csd_ns_mutex);
		ret = -ERANGE;
		goto out;
	}
	if (arg.count) {
		n = min3(arg.count, (u32)CSD_LIST_MAX, arg.total - arg.start);
		for (i = 0; i < n; i++)
			csd_fill_zone(s, arg.start + i, &ents[i]);
	}
	mutex_unlock(&csd_ns_mutex);

	ret = csd_array_out(arg.entries, arg.entry_size, ents, sizeof(*ents), n);
	if (ret)
		goto out;
	arg.count = n;
	arg.entry_size = sizeof(*ents);
	ret = csd_arg_out(uarg, &arg, sizeof(arg), usize);
out:
	kvfree(ents);
	return ret;
}

static long csd_ioc_reset(void __user *uarg)
{
	struct csd_reset arg;
	struct csd_ns *ns;
	u32 usize;
	int ret;

	ret = csd_arg_in(&arg, sizeof(arg), CSD_RESET_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (arg.flags || arg.pad ||
	    !csd_zeroed(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	mutex_lock(&csd_ns_mutex);
	if (arg.ns_id) {
		ns = csd_ns_find_id(arg.ns_id);
		ret = ns ? csd_ns_reset(ns) : -ENODEV;
	} else {
		list_for_each_entry_rcu(ns, &csd_ns_list, node,
					lockdep_is_held(&csd_ns_mutex)) {
			ret = csd_ns_reset(ns);
			if (ret)
				break;
		}
		if (!ret)
			csd_ns_reset_parked();
	}
	mutex_unlock(&csd_ns_mutex);
	return ret;
}

static long csd_ioc_config(void __user *uarg)
{
	const u32 known = CSD_CFG_F_REGION | CSD_CFG_F_ENABLE | CSD_CFG_F_DISABLE;
	struct csd_config arg;
	struct csd_ns *ns;
	u32 usize;
	int ret;

	ret = csd_arg_in(&arg, sizeof(arg), CSD_CONFIG_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (!arg.flags || (arg.flags & ~known) || arg.pad ||
	    !csd_zeroed(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if ((arg.flags & CSD_CFG_F_ENABLE) && (arg.flags & CSD_CFG_F_DISABLE))
		return -EINVAL;
	if (!(arg.flags & CSD_CFG_F_REGION) && arg.region_sectors)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	mutex_lock(&csd_ns_mutex);
	ns = csd_ns_find_id(arg.ns_id);
	ret = ns ? csd_ns_configure(ns, &arg) : -ENODEV;
	mutex_unlock(&csd_ns_mutex);
	return ret;
}

static long csd_ioc_exec(void __user *uarg)
{
	struct csd_exec arg;
	u32 usize;
	int ret;

	ret = csd_arg_in(&arg, sizeof(arg), CSD_EXEC_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if ((arg.flags & ~(CSD_EXEC_F_ZONE | CSD_EXEC_F_WRITTEN)) ||
	    !csd_zeroed(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	/* Only a whole zone has a written part. */
	if ((arg.flags & CSD_EXEC_F_WRITTEN) && !(arg.flags & CSD_EXEC_F_ZONE))
		return -EINVAL;
	if (arg.flags & CSD_EXEC_F_ZONE) {
		if (arg.slba || arg.nlb)
			return -EINVAL;
	} else if (arg.zone || !arg.nlb) {
		return -EINVAL;
	}
	if (!arg.prog[0] || strnlen(arg.prog, sizeof(arg.prog)) == sizeof(arg.prog))
		return -EINVAL;
	if (arg.result_len > CSD_EXEC_RESULT_MAX)
		return -E2BIG;
	if (arg.result_len && !arg.result)
		return -EFAULT;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!csd_bpf_available)
		return -EOPNOTSUPP;

	arg.prog_ret = 0;
	arg.bytes_scanned = 0;
	arg.chunks = 0;
	arg.prog_ns = 0;
	arg.io_ns = 0;
	ret = csd_exec_ioctl(&arg);
	if (ret)
		return ret;
	return csd_arg_out(uarg, &arg, sizeof(arg), usize);
}

static long csd_ioc_trace(void __user *uarg)
{
	const u32 known = CSD_TRACE_F_OPS | CSD_TRACE_F_ZONES |
			  CSD_TRACE_F_ERRORS | CSD_TRACE_F_NONBLOCK |
			  CSD_TRACE_F_DEV;
	struct csd_trace_open arg;
	struct file *file;
	int fd, ret;
	u32 usize;

	ret = csd_arg_in(&arg, sizeof(arg), CSD_TRACE_OPEN_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	/* @fd is output only: ignored on input, as abi.rst says. */
	if ((arg.flags & ~known) || arg.pad ||
	    !csd_zeroed(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if (arg.flags & CSD_TRACE_F_OPS) {
		if (!arg.op_mask || arg.op_mask >> CSD_OP_NR)
			return -EINVAL;
	} else if (arg.op_mask) {
		return -EINVAL;
	}
	if (arg.flags & CSD_TRACE_F_ZONES) {
		if (arg.zone_first > arg.zone_last)
			return -EINVAL;
	} else if (arg.zone_first || arg.zone_last) {
		return -EINVAL;
	}
	if (arg.flags & CSD_TRACE_F_DEV) {
		dev_t devt = MKDEV(arg.dev_major, arg.dev_minor);

		if (arg.ns_id || MAJOR(devt) != arg.dev_major ||
		    MINOR(devt) != arg.dev_minor)
			return -EINVAL;
	} else if (arg.dev_major || arg.dev_minor) {
		return -EINVAL;
	}
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	fd = csd_trace_open(&arg, &file);
	if (fd < 0)
		return fd;
	ret = csd_arg_out(uarg, &arg, sizeof(arg), usize);
	if (ret) {
		csd_trace_abort(fd, file);
		return ret;
	}
	fd_install(fd, file);
	return 0;
}

static long csd_ioc_inflight(void __user *uarg)
{
	struct csd_inflight_set set = {};
	struct csd_inflight arg;
	struct csd_ns *ns = NULL;
	u32 usize, n;
	int ret;

	ret = csd_arg_in(&arg, sizeof(arg), CSD_INFLIGHT_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (arg.flags || arg.pad || !csd_zeroed(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	ret = csd_array_check(arg.count, arg.entry_size,
			      CSD_INFLIGHT_ENTRY_SIZE_VER0, arg.entries);
	if (ret)
		return ret;
	if (arg.count > CSD_INFLIGHT_MAX)
		return -E2BIG;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	set.min_age_ns = arg.min_age_ns;
	mutex_lock(&csd_ns_mutex);
	if (arg.ns_id) {
		ns = csd_ns_find_id(arg.ns_id);
		if (!ns) {
			ret = -ENODEV;
			goto out;
		}
	}
	ret = csd_inflight_collect(ns, &set);
out:
	mutex_unlock(&csd_ns_mutex);
	if (ret)
		goto free;
	n = min(arg.count, set.nr);
	ret = csd_array_out(arg.entries, arg.entry_size, set.e, sizeof(*set.e), n);
	if (ret)
		goto free;
	arg.count = n;
	arg.total = set.total;
	arg.skipped = set.skipped;
	arg.now_ns = set.now_ns;
	arg.entry_size = sizeof(*set.e);
	ret = csd_arg_out(uarg, &arg, sizeof(arg), usize);
free:
	kvfree(set.e);
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
	case _IOC_NR(CSD_IOC_NS_STATS):
		return csd_ioc_ns_stats(uarg);
	case _IOC_NR(CSD_IOC_GET_HIST):
		return csd_ioc_get_hist(uarg);
	case _IOC_NR(CSD_IOC_ZONE_STATS):
		return csd_ioc_zone_stats(uarg);
	case _IOC_NR(CSD_IOC_RESET):
		return csd_ioc_reset(uarg);
	case _IOC_NR(CSD_IOC_CONFIG):
		return csd_ioc_config(uarg);
	case _IOC_NR(CSD_IOC_EXEC):
		return csd_ioc_exec(uarg);
	case _IOC_NR(CSD_IOC_TRACE):
		return csd_ioc_trace(uarg);
	case _IOC_NR(CSD_IOC_INFLIGHT):
		return csd_ioc_inflight(uarg);
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
