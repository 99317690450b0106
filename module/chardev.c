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
#include "ucmd.h"

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
static_assert(sizeof(struct csd_cgroup_entry) == CSD_CGROUP_ENTRY_SIZE_VER0);
static_assert(sizeof(struct csd_cgroup_stats) == CSD_CGROUP_STATS_SIZE_VER0);

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
	if (!csd_bpf_built)
		f |= CSD_FEAT_BPF_COMPILED_OUT;
	f |= CSD_FEAT_NS_DIAG | CSD_FEAT_NS_REQUEUED | CSD_FEAT_EXEC_FORMAT | CSD_FEAT_CGROUP;
	return f;
}

static int csd_run_get_info(struct csd_ucmd *c)
{
	struct csd_info *info = c->arg;
	struct csd_global_pcpu g;

	csd_global_sum(&g);
	memset(info, 0, sizeof(*info));
	info->abi_version = CSD_ABI_VERSION;
	info->nr_namespaces = csd_ns_count();
	info->features = csd_features();
	info->admin_submitted = g.admin_submitted;
	info->admin_completed = g.admin_completed;
	info->untracked = g.untracked;
	info->hook_attached = csd_hooks_attached();
	strscpy(info->kernel_release, UTS_RELEASE, sizeof(info->kernel_release));
	strscpy(info->module_version, CSD_VERSION, sizeof(info->module_version));
	info->mem_bytes = csd_mem_total();
	info->nr_cpus = nr_cpu_ids;
	info->hist_buckets = CSD_HIST_BUCKETS;
	return 0;
}

static int csd_check_list_ns(const void *a)
{
	const struct csd_ns_list *arg = a;

	return csd_array_check(arg->count, arg->entry_size, CSD_NS_ENTRY_SIZE_VER0,
			       arg->entries);
}

static int csd_prep_list_ns(struct csd_ucmd *c)
{
	const struct csd_ns_list *arg = c->arg;
	u32 want = min_t(u32, arg->count, CSD_LIST_MAX);

	if (!want)
		return 0;
	c->buf[0] = kvcalloc(want, sizeof(struct csd_ns_entry), GFP_KERNEL);
	return c->buf[0] ? 0 : -ENOMEM;
}

static int csd_run_list_ns(struct csd_ucmd *c)
{
	struct csd_ns_list *arg = c->arg;
	u32 want = min_t(u32, arg->count, CSD_LIST_MAX), n = 0, total = 0;
	struct csd_ns_entry *ents = c->buf[0];
	struct csd_ns *ns;

	rcu_read_lock();
	list_for_each_entry_rcu(ns, &csd_ns_list, node) {
		if (n < want)
			csd_ns_fill_entry(ns, &ents[n++]);
		total++;
	}
	rcu_read_unlock();
	c->nr[0] = n;
	arg->total = total;
	return 0;
}

static int csd_emit_list_ns(struct csd_ucmd *c)
{
	struct csd_ns_list *arg = c->arg;
	int ret;

	ret = csd_array_out(arg->entries, arg->entry_size, c->buf[0],
			    sizeof(struct csd_ns_entry), c->nr[0]);
	arg->count = c->nr[0];
	arg->entry_size = sizeof(struct csd_ns_entry);
	return ret;
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
			out[n].op = CSD_STATUS_KEY_OP(key);
			out[n].opcode = CSD_STATUS_KEY_OPCODE(key);
			out[n].status = CSD_STATUS_KEY_STATUS(key);
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

static int csd_check_ns_stats(const void *a)
{
	const struct csd_ns_stats *arg = a;
	int ret;

	ret = csd_array_check(arg->row_count, arg->row_size,
			      CSD_STAT_ROW_SIZE_VER0, arg->rows);
	if (ret)
		return ret;
	return csd_array_check(arg->status_count, arg->status_size,
			       CSD_STATUS_ENTRY_SIZE_VER0, arg->statuses);
}

/* buf[0]: rows, buf[1]: statuses, buf[2]: histogram scratch. */
static int csd_prep_ns_stats(struct csd_ucmd *c)
{
	c->buf[0] = kvcalloc(CSD_NR_ROWS + 256, sizeof(struct csd_stat_row), GFP_KERNEL);
	c->buf[1] = kvcalloc(CSD_STATUS_SLOTS, sizeof(struct csd_status_entry), GFP_KERNEL);
	c->buf[2] = kvmalloc_array(CSD_HIST_BUCKETS, sizeof(u64), GFP_KERNEL);
	return c->buf[0] && c->buf[1] && c->buf[2] ? 0 : -ENOMEM;
}

static int csd_run_ns_stats(struct csd_ucmd *c)
{
	struct csd_status_entry *st = c->buf[1];
	struct csd_ns_stats *arg = c->arg;
	const struct csd_stats *s;

	arg->submitted = 0;
	arg->completed = 0;
	arg->aborted = 0;
	arg->errors_other = 0;
	arg->zone_unbinned = 0;
	arg->since_ns = 0;
	arg->dropped = 0;
	memset(arg->class_count, 0, sizeof(arg->class_count));
	memset(arg->class_lat_sum_ns, 0, sizeof(arg->class_lat_sum_ns));
	/*
	 * A geometry change (setup_work, under ns->lock) may replace the
	 * epoch now, but it is freed only under csd_ns_mutex (retired, then
	 * freed by the reaper), which this holds.
	 */
	s = rcu_dereference_check(c->ns->stats, lockdep_is_held(&csd_ns_mutex));
	if (s) {
		c->nr[1] = csd_collect_status(s, st, CSD_STATUS_SLOTS);
		c->nr[0] = csd_collect_rows(s, c->buf[0], CSD_NR_ROWS + 256,
					    c->buf[2], st, c->nr[1]);
		csd_stats_totals(s, &arg->submitted, &arg->completed, &arg->aborted);
		csd_stats_classes(s, &arg->dropped, arg->class_count,
				  arg->class_lat_sum_ns);
		arg->errors_other = atomic64_read(&s->errors_other);
		arg->zone_unbinned = atomic64_read(&s->zone_unbinned);
		arg->since_ns = s->since_ns;
	}
	arg->now_ns = ktime_get_ns();
	return 0;
}

static int csd_emit_ns_stats(struct csd_ucmd *c)
{
	struct csd_ns_stats *arg = c->arg;
	u32 rows = min(c->nr[0], arg->row_count), st = min(c->nr[1], arg->status_count);
	int ret;

	ret = csd_array_out(arg->rows, arg->row_size, c->buf[0],
			    sizeof(struct csd_stat_row), rows);
	if (!ret)
		ret = csd_array_out(arg->statuses, arg->status_size, c->buf[1],
				    sizeof(struct csd_status_entry), st);
	arg->row_count = rows;
	arg->row_total = c->nr[0];
	arg->row_size = sizeof(struct csd_stat_row);
	arg->status_count = st;
	arg->status_total = c->nr[1];
	arg->status_size = sizeof(struct csd_status_entry);
	return ret;
}

static int csd_check_hist(const void *a)
{
	const struct csd_hist *arg = a;
	bool zone = arg->flags & CSD_HIST_F_ZONE;

	if (zone) {
		if (arg->op != CSD_OP_READ && arg->op != CSD_OP_WRITE &&
		    arg->op != CSD_OP_APPEND && arg->op != CSD_OP_ALL)
			return -EINVAL;
		if (arg->size_class != CSD_SZ_ALL)
			return -EINVAL;
	} else {
		if (arg->op >= CSD_OP_NR && arg->op != CSD_OP_ALL)
			return -EINVAL;
		if (arg->size_class >= CSD_SZ_NR && arg->size_class != CSD_SZ_ALL)
			return -EINVAL;
		if (arg->zone)
			return -EINVAL;
	}
	if (arg->nr_buckets &&
	    arg->nr_buckets < (zone ? CSD_ZHIST_BUCKETS : CSD_HIST_BUCKETS))
		return -EINVAL;
	if (arg->nr_buckets && !arg->buckets)
		return -EFAULT;
	return 0;
}

static int csd_prep_hist(struct csd_ucmd *c)
{
	c->buf[0] = kvcalloc(CSD_HIST_BUCKETS, sizeof(u64), GFP_KERNEL);
	return c->buf[0] ? 0 : -ENOMEM;
}

static_assert(CSD_OP_READ == CSD_ZIO_READ && CSD_OP_WRITE == CSD_ZIO_WRITE &&
	      CSD_OP_APPEND == CSD_ZIO_APPEND);

static int csd_run_hist(struct csd_ucmd *c)
{
	const struct csd_hist *arg = c->arg;
	bool zone = arg->flags & CSD_HIST_F_ZONE;
	unsigned int nb = zone ? CSD_ZHIST_BUCKETS : CSD_HIST_BUCKETS;
	const struct csd_stats *s;
	unsigned int op, sc, i;
	u64 *b = c->buf[0];

	s = rcu_dereference_check(c->ns->stats, lockdep_is_held(&csd_ns_mutex));
	if (zone) {
		const struct csd_zone *zones;
		int zio;

		if (!s || arg->zone >= s->nr_regions)
			return -ERANGE;
		rcu_read_lock();
		zones = rcu_dereference(s->zones);
		for (zio = 0; zones && zio < CSD_ZIO_NR; zio++) {
			if (arg->op != CSD_OP_ALL && arg->op != (u32)zio)
				continue;	/* CSD_OP_READ..APPEND == CSD_ZIO_* */
			for (i = 0; i < nb; i++)
				b[i] += (u32)atomic_read(&zones[arg->zone].hist[zio][i]);
		}
		rcu_read_unlock();
	} else if (s) {
		for (op = 0; op < CSD_OP_NR; op++) {
			if (arg->op != CSD_OP_ALL && arg->op != op)
				continue;
			for (sc = 0; sc < CSD_SZ_NR; sc++)
				if (arg->size_class == CSD_SZ_ALL || arg->size_class == sc)
					csd_row_hist(s, op * CSD_SZ_NR + sc, b);
		}
	}
	return 0;
}

static int csd_emit_hist(struct csd_ucmd *c)
{
	struct csd_hist *arg = c->arg;
	bool zone = arg->flags & CSD_HIST_F_ZONE;
	unsigned int nb = zone ? CSD_ZHIST_BUCKETS : CSD_HIST_BUCKETS, i;
	const u64 *b = c->buf[0];

	arg->count = 0;
	for (i = 0; i < nb; i++)
		arg->count += b[i];
	if (arg->nr_buckets &&
	    copy_to_user(u64_to_user_ptr(arg->buckets), b, nb * sizeof(*b)))
		return -EFAULT;
	arg->nr_buckets = nb;
	arg->first_shift = zone ? CSD_ZHIST_FIRST_SHIFT : CSD_HIST_FIRST_SHIFT;
	arg->sub_bits = zone ? CSD_ZHIST_SUB_BITS : CSD_HIST_SUB_BITS;
	arg->max_shift = CSD_HIST_MAX_SHIFT;
	return 0;
}

static int csd_check_zone_stats(const void *a)
{
	const struct csd_zone_stats *arg = a;

	return csd_array_check(arg->count, arg->entry_size,
			       CSD_ZONE_ENTRY_SIZE_VER0, arg->entries);
}

static int csd_prep_zone_stats(struct csd_ucmd *c)
{
	const struct csd_zone_stats *arg = c->arg;

	if (!arg->count)
		return 0;
	c->buf[0] = kvcalloc(min_t(u32, arg->count, CSD_LIST_MAX),
			     sizeof(struct csd_zone_entry), GFP_KERNEL);
	return c->buf[0] ? 0 : -ENOMEM;
}

static int csd_run_zone_stats(struct csd_ucmd *c)
{
	struct csd_zone_stats *arg = c->arg;
	struct csd_zone_entry *ents = c->buf[0];
	const struct csd_stats *s;
	u32 n, i;
	int ret;

	/* An allocation failed when the namespace came: try again now. */
	ret = c->ns->admin ? 0 : csd_ns_ensure_tables(c->ns);
	if (ret)
		return ret;
	s = rcu_dereference_check(c->ns->stats, lockdep_is_held(&csd_ns_mutex));
	arg->total = s ? s->nr_regions : 0;
	arg->region_sectors = s ? s->region_sectors : 0;
	if (!arg->count)
		return 0;
	if (arg->start >= arg->total)
		return -ERANGE;
	n = min3(arg->count, (u32)CSD_LIST_MAX, arg->total - arg->start);
	for (i = 0; i < n; i++)
		csd_fill_zone(s, arg->start + i, &ents[i]);
	c->nr[0] = n;
	return 0;
}

static int csd_emit_zone_stats(struct csd_ucmd *c)
{
	struct csd_zone_stats *arg = c->arg;
	int ret;

	ret = csd_array_out(arg->entries, arg->entry_size, c->buf[0],
			    sizeof(struct csd_zone_entry), c->nr[0]);
	arg->count = c->nr[0];
	arg->entry_size = sizeof(struct csd_zone_entry);
	return ret;
}

static int csd_check_cgroup_stats(const void *a)
{
	const struct csd_cgroup_stats *arg = a;

	return csd_array_check(arg->count, arg->entry_size,
			       CSD_CGROUP_ENTRY_SIZE_VER0, arg->entries);
}

static int csd_prep_cgroup_stats(struct csd_ucmd *c)
{
	const struct csd_cgroup_stats *arg = c->arg;

	if (!arg->count)
		return 0;
	c->buf[0] = kvcalloc(min_t(u32, arg->count, CSD_CG_ROWS),
			     sizeof(struct csd_cgroup_entry), GFP_KERNEL);
	return c->buf[0] ? 0 : -ENOMEM;
}

static int csd_run_cgroup_stats(struct csd_ucmd *c)
{
	struct csd_cgroup_stats *arg = c->arg;
	const struct csd_stats *s;
	int ret;

	if (c->ns->admin)
		return -EINVAL;
	/* An allocation failed when the namespace came: try again now. */
	ret = csd_ns_ensure_tables(c->ns);
	if (ret)
		return ret;
	s = rcu_dereference_check(c->ns->stats, lockdep_is_held(&csd_ns_mutex));
	arg->slots = CSD_CGROUP_SLOTS;
	arg->slots_used = 0;
	arg->since_ns = s ? s->since_ns : 0;
	arg->total = s ? csd_cg_fill(s, c->buf[0], min_t(u32, arg->count, CSD_CG_ROWS),
				     &arg->slots_used) : 0;
	c->nr[0] = min(arg->count, arg->total);
	return 0;
}

static int csd_emit_cgroup_stats(struct csd_ucmd *c)
{
	struct csd_cgroup_stats *arg = c->arg;
	int ret;

	ret = csd_array_out(arg->entries, arg->entry_size, c->buf[0],
			    sizeof(struct csd_cgroup_entry), c->nr[0]);
	arg->count = c->nr[0];
	arg->entry_size = sizeof(struct csd_cgroup_entry);
	return ret;
}

/* One namespace, or (ns_id 0) every one and the parked epochs. */
static int csd_run_reset(struct csd_ucmd *c)
{
	struct csd_ns *ns;
	int ret = 0;

	if (c->ns)
		return csd_ns_reset(c->ns);
	list_for_each_entry_rcu(ns, &csd_ns_list, node,
				lockdep_is_held(&csd_ns_mutex)) {
		ret = csd_ns_reset(ns);
		if (ret)
			return ret;
	}
	csd_ns_reset_parked();
	return 0;
}

static int csd_check_config(const void *a)
{
	const struct csd_config *arg = a;

	if (!arg->flags)
		return -EINVAL;
	if ((arg->flags & CSD_CFG_F_ENABLE) && (arg->flags & CSD_CFG_F_DISABLE))
		return -EINVAL;
	if (!(arg->flags & CSD_CFG_F_REGION) && arg->region_sectors)
		return -EINVAL;
	return 0;
}

static int csd_run_config(struct csd_ucmd *c)
{
	return csd_ns_configure(c->ns, c->arg);
}

static int csd_check_exec(const void *a)
{
	const struct csd_exec *arg = a;

	/* Only a whole zone has a written part. */
	if ((arg->flags & CSD_EXEC_F_WRITTEN) && !(arg->flags & CSD_EXEC_F_ZONE))
		return -EINVAL;
	if (arg->flags & CSD_EXEC_F_ZONE) {
		if (arg->slba || arg->nlb)
			return -EINVAL;
	} else if (arg->zone || !arg->nlb) {
		return -EINVAL;
	}
	if (!arg->prog[0] || strnlen(arg->prog, sizeof(arg->prog)) == sizeof(arg->prog))
		return -EINVAL;
	if (arg->result_len > CSD_EXEC_RESULT_MAX)
		return -E2BIG;
	if (arg->result_len && !arg->result)
		return -EFAULT;
	return 0;
}

/* Looks the namespace up itself: an exec must not hold csd_ns_mutex. */
static int csd_run_exec(struct csd_ucmd *c)
{
	struct csd_exec *arg = c->arg;

	if (!csd_bpf_available)
		return -EOPNOTSUPP;
	arg->prog_ret = 0;
	arg->bytes_scanned = 0;
	arg->chunks = 0;
	arg->prog_ns = 0;
	arg->io_ns = 0;
	arg->result_format = 0;	/* out only */
	return csd_exec_ioctl(arg);
}

static int csd_check_trace(const void *a)
{
	const struct csd_trace_open *arg = a;

	/* @fd is output only: ignored on input, as abi.rst says. */
	if (arg->flags & CSD_TRACE_F_OPS) {
		if (!arg->op_mask || arg->op_mask >> CSD_OP_NR)
			return -EINVAL;
	} else if (arg->op_mask) {
		return -EINVAL;
	}
	if (arg->flags & CSD_TRACE_F_ZONES) {
		if (arg->zone_first > arg->zone_last)
			return -EINVAL;
	} else if (arg->zone_first || arg->zone_last) {
		return -EINVAL;
	}
	if (arg->flags & CSD_TRACE_F_DEV) {
		dev_t devt = MKDEV(arg->dev_major, arg->dev_minor);

		if (arg->ns_id || MAJOR(devt) != arg->dev_major ||
		    MINOR(devt) != arg->dev_minor)
			return -EINVAL;
	} else if (arg->dev_major || arg->dev_minor) {
		return -EINVAL;
	}
	if (!!(arg->flags & CSD_TRACE_F_CGROUP) != !!arg->cgroup_id)
		return -EINVAL;
	return 0;
}

static int csd_run_trace(struct csd_ucmd *c)
{
	int fd = csd_trace_open(c->arg, &c->file);

	if (fd < 0)
		return fd;
	c->fd = fd;
	return 0;
}

/* The fd is installed only once the caller has its number. */
static void csd_done_trace(struct csd_ucmd *c, int ret)
{
	if (c->fd < 0)
		return;
	if (ret)
		csd_trace_abort(c->fd, c->file);
	else
		fd_install(c->fd, c->file);
}

static int csd_check_inflight(const void *a)
{
	const struct csd_inflight *arg = a;
	int ret;

	ret = csd_array_check(arg->count, arg->entry_size,
			      CSD_INFLIGHT_ENTRY_SIZE_VER0, arg->entries);
	if (ret)
		return ret;
	return arg->count > CSD_INFLIGHT_MAX ? -E2BIG : 0;
}

/* buf[0]: the collected set; its entries are freed by ->done(). */
static int csd_prep_inflight(struct csd_ucmd *c)
{
	struct csd_inflight_set *set = kzalloc(sizeof(*set), GFP_KERNEL);

	c->buf[0] = set;
	return set ? 0 : -ENOMEM;
}

static int csd_run_inflight(struct csd_ucmd *c)
{
	const struct csd_inflight *arg = c->arg;
	struct csd_inflight_set *set = c->buf[0];

	set->min_age_ns = arg->min_age_ns;
	return csd_inflight_collect(c->ns, set);
}

static int csd_emit_inflight(struct csd_ucmd *c)
{
	struct csd_inflight_set *set = c->buf[0];
	struct csd_inflight *arg = c->arg;
	u32 n = min(arg->count, set->nr);
	int ret;

	ret = csd_array_out(arg->entries, arg->entry_size, set->e, sizeof(*set->e), n);
	arg->count = n;
	arg->total = set->total;
	arg->skipped = set->skipped;
	arg->now_ns = set->now_ns;
	arg->entry_size = sizeof(*set->e);
	return ret;
}

static void csd_done_inflight(struct csd_ucmd *c, int ret)
{
	struct csd_inflight_set *set = c->buf[0];

	kvfree(set->e);
}

#define CSD_OP(_cmd, _type, _min, _flags, _opts)			\
	.nr = _IOC_NR(_cmd), .size = sizeof(_type), .min_size = (_min),	\
	.known_flags = (_flags), .opts = (_opts)
#define CSD_OP_NS(_type)	.ns_off = offsetof(_type, ns_id)

/*
 * /dev/csd's ioctls. The struct is written back only where the caller
 * gets something in it (reset and config return an errno alone).
 */
static const struct csd_ucmd_op csd_ioctl_ops[] = {
	{
		CSD_OP(CSD_IOC_GET_INFO, struct csd_info, CSD_INFO_SIZE_VER0, 0,
		       CSD_UCMD_OUT),
		.zero = { { offsetof(struct csd_info, reserved0),
			    offsetofend(struct csd_info, reserved0) },
			  { offsetof(struct csd_info, reserved),
			    offsetofend(struct csd_info, reserved) } },
		.run = csd_run_get_info,
	}, {
		CSD_OP(CSD_IOC_LIST_NS, struct csd_ns_list, CSD_NS_LIST_SIZE_VER0, 0,
		       CSD_UCMD_OUT),
		.zero = CSD_UCMD_PAD_RESERVED(struct csd_ns_list),
		.check = csd_check_list_ns, .prep = csd_prep_list_ns,
		.run = csd_run_list_ns, .emit = csd_emit_list_ns,
	}, {
		CSD_OP(CSD_IOC_NS_STATS, struct csd_ns_stats, CSD_NS_STATS_SIZE_VER0, 0,
		       CSD_UCMD_LOCK | CSD_UCMD_NS | CSD_UCMD_OUT),
		CSD_OP_NS(struct csd_ns_stats),
		.zero = CSD_UCMD_PAD_RESERVED(struct csd_ns_stats),
		.check = csd_check_ns_stats, .prep = csd_prep_ns_stats,
		.run = csd_run_ns_stats, .emit = csd_emit_ns_stats,
	}, {
		CSD_OP(CSD_IOC_GET_HIST, struct csd_hist, CSD_HIST_SIZE_VER0,
		       CSD_HIST_F_ZONE, CSD_UCMD_LOCK | CSD_UCMD_NS | CSD_UCMD_OUT),
		CSD_OP_NS(struct csd_hist),
		.zero = CSD_UCMD_RESERVED(struct csd_hist),
		.check = csd_check_hist, .prep = csd_prep_hist,
		.run = csd_run_hist, .emit = csd_emit_hist,
	}, {
		CSD_OP(CSD_IOC_ZONE_STATS, struct csd_zone_stats, CSD_ZONE_STATS_SIZE_VER0, 0,
		       CSD_UCMD_LOCK | CSD_UCMD_NS | CSD_UCMD_OUT),
		CSD_OP_NS(struct csd_zone_stats),
		.zero = CSD_UCMD_PAD_RESERVED(struct csd_zone_stats),
		.check = csd_check_zone_stats, .prep = csd_prep_zone_stats,
		.run = csd_run_zone_stats, .emit = csd_emit_zone_stats,
	}, {
		CSD_OP(CSD_IOC_RESET, struct csd_reset, CSD_RESET_SIZE_VER0, 0,
		       CSD_UCMD_ADMIN | CSD_UCMD_LOCK | CSD_UCMD_NS_ALL),
		CSD_OP_NS(struct csd_reset),
		.zero = CSD_UCMD_PAD_RESERVED(struct csd_reset),
		.run = csd_run_reset,
	}, {
		CSD_OP(CSD_IOC_CONFIG, struct csd_config, CSD_CONFIG_SIZE_VER0,
		       CSD_CFG_F_REGION | CSD_CFG_F_ENABLE | CSD_CFG_F_DISABLE,
		       CSD_UCMD_ADMIN | CSD_UCMD_LOCK | CSD_UCMD_NS),
		CSD_OP_NS(struct csd_config),
		.zero = CSD_UCMD_PAD_RESERVED(struct csd_config),
		.check = csd_check_config, .run = csd_run_config,
	}, {
		CSD_OP(CSD_IOC_EXEC, struct csd_exec, CSD_EXEC_SIZE_VER0,
		       CSD_EXEC_F_ZONE | CSD_EXEC_F_WRITTEN, CSD_UCMD_ADMIN | CSD_UCMD_OUT),
		.zero = CSD_UCMD_PAD_RESERVED(struct csd_exec),
		.check = csd_check_exec, .run = csd_run_exec,
	}, {
		CSD_OP(CSD_IOC_TRACE, struct csd_trace_open, CSD_TRACE_OPEN_SIZE_VER0,
		       CSD_TRACE_F_OPS | CSD_TRACE_F_ZONES | CSD_TRACE_F_ERRORS |
		       CSD_TRACE_F_NONBLOCK | CSD_TRACE_F_DEV | CSD_TRACE_F_CGROUP,
		       CSD_UCMD_ADMIN | CSD_UCMD_OUT),
		.zero = CSD_UCMD_PAD_RESERVED(struct csd_trace_open),
		.check = csd_check_trace, .run = csd_run_trace, .done = csd_done_trace,
	}, {
		CSD_OP(CSD_IOC_INFLIGHT, struct csd_inflight, CSD_INFLIGHT_SIZE_VER0, 0,
		       CSD_UCMD_ADMIN | CSD_UCMD_LOCK | CSD_UCMD_NS_ALL | CSD_UCMD_OUT),
		CSD_OP_NS(struct csd_inflight),
		.zero = CSD_UCMD_PAD_RESERVED(struct csd_inflight),
		.check = csd_check_inflight, .prep = csd_prep_inflight,
		.run = csd_run_inflight, .emit = csd_emit_inflight,
		.done = csd_done_inflight,
	}, {
		CSD_OP(CSD_IOC_CGROUP_STATS, struct csd_cgroup_stats, CSD_CGROUP_STATS_SIZE_VER0, 0,
		       CSD_UCMD_LOCK | CSD_UCMD_NS | CSD_UCMD_OUT),
		CSD_OP_NS(struct csd_cgroup_stats),
		.zero = CSD_UCMD_RESERVED(struct csd_cgroup_stats),
		.check = csd_check_cgroup_stats, .prep = csd_prep_cgroup_stats,
		.run = csd_run_cgroup_stats, .emit = csd_emit_cgroup_stats,
	},
};

static long csd_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return csd_ucmd_dispatch(csd_ioctl_ops, ARRAY_SIZE(csd_ioctl_ops), cmd,
				 (void __user *)arg, NULL);
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
