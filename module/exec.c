// SPDX-License-Identifier: GPL-2.0
/*
 * csd: offload programs, as a module-defined BPF struct_ops.
 *
 * A csd_exec_ops program set registers under a name when attached.
 * CSD_IOC_EXEC reads a zone or LBA range of a namespace with bios into
 * csd's own pages and calls the program's process() per CSD_EXEC_CHUNK
 * bytes, then finish(). Programs reach the data, a scratch area and the
 * result buffer only through kfuncs whose buffers the verifier bounds; the
 * kfuncs are refused to any other program type (see bpf.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/highmem.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/uaccess.h>

#include "csd.h"

#define CSD_EXEC_IO_ORDER	7	/* a buffer: 512 KiB, the longest window */
#define CSD_EXEC_IO_PAGES	BIT(CSD_EXEC_IO_ORDER)
#define CSD_EXEC_IO_BYTES	((u64)CSD_EXEC_IO_PAGES << PAGE_SHIFT)
#define CSD_EXEC_IO_FIRST	SZ_128K	/* a first read waited for: csd_exec_window() */

/*
 * The length of the window that starts @queued bytes into a range: as
 * long as the windows before it together, from CSD_EXEC_IO_FIRST up to
 * CSD_EXEC_IO_BYTES (128 KiB, 128 KiB, 256 KiB, then 512 KiB each). The
 * program waits for the first read, so it is short; the drives csd was
 * measured on read about twice as fast as the example programs compute,
 * so each longer window is read while the one before it is processed,
 * and long windows mean few bios (submitting one took 30 to 130 us of the
 * CPU that runs the program, in the TCG test guest).
 */
static u64 csd_exec_window(u64 queued)
{
	return clamp_t(u64, queued, CSD_EXEC_IO_FIRST, CSD_EXEC_IO_BYTES);
}

/* The kernel's side of a context: what the kfuncs need. */
struct csd_exec_kern {
	struct csd_exec_ctx ctx;
	const u8 *data;
	u8 *scratch;
	u8 *result;
	u32 result_len;
	u32 result_cap;
	u32 scratch_dirty;	/* scratch bytes the program may have written */
};

/* Attached program sets, by name. */
struct csd_exec_reg {
	struct list_head node;
	struct csd_exec_ops *ops;
};

static LIST_HEAD(csd_exec_list);
static DEFINE_MUTEX(csd_exec_mutex);
DEFINE_STATIC_SRCU(csd_exec_srcu);

__bpf_kfunc_start_defs();

/**
 * csd_exec_data - the chunk's data, read-only
 * @ctx: the offload context
 * @offset: byte offset in the chunk
 * @rdonly_buf_size: bytes wanted (a constant, bounds-checked by the verifier)
 *
 * Return: a pointer to @rdonly_buf_size bytes, or NULL past the chunk or
 * for size 0.
 */
__bpf_kfunc const u8 *csd_exec_data(struct csd_exec_ctx *ctx, u32 offset,
				    const size_t rdonly_buf_size)
{
	struct csd_exec_kern *k = container_of(ctx, struct csd_exec_kern, ctx);
	size_t end;

	/* Size 0 would let the program read the byte after the end. */
	if (!rdonly_buf_size || check_add_overflow((size_t)offset, rdonly_buf_size, &end) ||
	    end > ctx->len)
		return NULL;
	return k->data + offset;
}

/**
 * csd_exec_scratch - the execution's scratch area, zeroed at its start
 * @ctx: the offload context
 * @offset: byte offset in the scratch area
 * @rdwr_buf_size: bytes wanted (a constant)
 *
 * Return: a pointer to @rdwr_buf_size bytes, or NULL past CSD_EXEC_SCRATCH
 * or for size 0.
 */
__bpf_kfunc u8 *csd_exec_scratch(struct csd_exec_ctx *ctx, u32 offset,
				 const size_t rdwr_buf_size)
{
	struct csd_exec_kern *k = container_of(ctx, struct csd_exec_kern, ctx);
	size_t end;

	/* Size 0 would let the program read the byte after the end. */
	if (!rdwr_buf_size || check_add_overflow((size_t)offset, rdwr_buf_size, &end) ||
	    end > CSD_EXEC_SCRATCH)
		return NULL;
	if (end > k->scratch_dirty)
		k->scratch_dirty = end;
	return k->scratch + offset;
}

/**
 * csd_exec_emit - append to the execution's result
 * @ctx: the offload context
 * @data: bytes to append
 * @data__sz: their number
 *
 * Return: 0, or -E2BIG when the caller's result buffer is full.
 */
__bpf_kfunc int csd_exec_emit(struct csd_exec_ctx *ctx, const void *data,
			      u32 data__sz)
{
	struct csd_exec_kern *k = container_of(ctx, struct csd_exec_kern, ctx);

	if (data__sz > k->result_cap - k->result_len)
		return -E2BIG;
	memcpy(k->result + k->result_len, data, data__sz);
	k->result_len += data__sz;
	return 0;
}

/**
 * csd_exec_read - copy bytes of the chunk into program memory (OpenCSD's
 *	bpf_read over the current chunk)
 * @ctx: the offload context
 * @offset: byte offset in the chunk
 * @buf: where to copy
 * @buf__sz: bytes to copy
 *
 * Return: 0, or -ERANGE past the chunk.
 */
__bpf_kfunc int csd_exec_read(struct csd_exec_ctx *ctx, u32 offset, void *buf,
			      u32 buf__sz)
{
	struct csd_exec_kern *k = container_of(ctx, struct csd_exec_kern, ctx);
	size_t end;

	if (check_add_overflow((size_t)offset, (size_t)buf__sz, &end) ||
	    end > ctx->len)
		return -ERANGE;
	memcpy(buf, k->data + offset, buf__sz);
	return 0;
}

/* OpenCSD's bpf_get_sector_size, bpf_get_zone_size, bpf_get_zone_capacity. */
__bpf_kfunc u32 csd_exec_sector_size(struct csd_exec_ctx *ctx)
{
	return ctx->sector_size;
}

__bpf_kfunc u64 csd_exec_zone_size(struct csd_exec_ctx *ctx)
{
	return ctx->zone_size;
}

__bpf_kfunc u64 csd_exec_zone_capacity(struct csd_exec_ctx *ctx)
{
	return ctx->zone_capacity;
}

__bpf_kfunc_end_defs();

static int csd_exec_stub(struct csd_exec_ctx *ctx)
{
	return 0;
}

static struct csd_exec_ops csd_exec_stubs = {
	.process = csd_exec_stub,
	.finish = csd_exec_stub,
};

static bool csd_exec_is_valid_access(int off, int size,
				     enum bpf_access_type type,
				     const struct bpf_prog *prog,
				     struct bpf_insn_access_aux *info)
{
	return bpf_tracing_btf_ctx_access(off, size, type, prog, info);
}

static const struct bpf_verifier_ops csd_exec_verifier_ops = {
	.is_valid_access = csd_exec_is_valid_access,
	.get_func_proto = bpf_base_func_proto,
};

static int csd_exec_init(struct btf *btf)
{
	return 0;
}

static int csd_exec_init_member(const struct btf_type *t,
				const struct btf_member *member,
				void *kdata, const void *udata)
{
	const struct csd_exec_ops *u = udata;
	struct csd_exec_ops *k = kdata;

	switch (member->offset / 8) {
	case offsetof(struct csd_exec_ops, name):
		if (!u->name[0] || strnlen(u->name, sizeof(u->name)) == sizeof(u->name))
			return -EINVAL;
		strscpy(k->name, u->name, sizeof(k->name));
		return 1;
	case offsetof(struct csd_exec_ops, result_format):
		if (u->result_format >= CSD_EXEC_FMT_NR)
			return -EINVAL;
		k->result_format = u->result_format;
		return 1;
	}
	return 0;	/* functions; pad, which must be zero */
}

static struct csd_exec_reg *csd_exec_find(const char *name)
{
	struct csd_exec_reg *r;

	list_for_each_entry_rcu(r, &csd_exec_list, node,
				lockdep_is_held(&csd_exec_mutex) ||
				srcu_read_lock_held(&csd_exec_srcu))
		if (!strcmp(r->ops->name, name))
			return r;
	return NULL;
}

static int csd_exec_reg(void *kdata, struct bpf_link *link)
{
	struct csd_exec_ops *ops = kdata;
	struct csd_exec_reg *r;
	int ret = 0;

	if (!ops->process)
		return -EINVAL;
	if (!bpf_capable())
		return -EPERM;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->ops = ops;
	mutex_lock(&csd_exec_mutex);
	if (csd_exec_find(ops->name))
		ret = -EEXIST;
	else
		list_add_tail_rcu(&r->node, &csd_exec_list);
	mutex_unlock(&csd_exec_mutex);
	if (ret)
		kfree(r);
	return ret;
}

static void csd_exec_unreg(void *kdata, struct bpf_link *link)
{
	struct csd_exec_reg *r, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&csd_exec_mutex);
	list_for_each_entry_safe(r, tmp, &csd_exec_list, node) {
		if (r->ops == kdata)
			list_del_rcu(&r->node);
		else
			continue;
		synchronize_srcu(&csd_exec_srcu);	/* running executions */
		kfree(r);
	}
	mutex_unlock(&csd_exec_mutex);
}

static struct bpf_struct_ops csd_exec_bpf_ops = {
	.verifier_ops = &csd_exec_verifier_ops,
	.init = csd_exec_init,
	.init_member = csd_exec_init_member,
	.reg = csd_exec_reg,
	.unreg = csd_exec_unreg,
	.cfi_stubs = &csd_exec_stubs,
	.name = "csd_exec_ops",
	.owner = THIS_MODULE,
};

int csd_exec_bpf_init(void)
{
	return register_bpf_struct_ops(&csd_exec_bpf_ops, csd_exec_ops);
}

/* One of the two read windows: reading while the other is processed. */
struct csd_exec_buf {
	struct page *pages[CSD_EXEC_IO_PAGES];
	/*
	 * Set when pages[] is one physically contiguous block of
	 * CSD_EXEC_IO_PAGES: its bio has one segment, not a segment per page,
	 * which halved the CPU time of submitting it (mapping, PRP list).
	 * Else pages[] are pages of their own.
	 */
	bool block;
	struct completion done;
	blk_status_t status;
	unsigned int nr;	/* pages being read or read */
	u64 offset;		/* of the window in the range */
	bool busy;		/* a bio is in flight */
};

/*
 * The memory an execution works in: its two windows, the program's
 * scratch area and the result buffer. The page allocator clears what it
 * hands out on kernels with init_on_alloc (Debian's default): allocating
 * a megabyte of windows and a result buffer of up to CSD_EXEC_RESULT_MAX
 * per call took a fifth of a 4 MiB zone's execution. So an execution's
 * memory is kept for the next ones: up to CSD_EXEC_CACHED sets, freed
 * CSD_EXEC_CACHE_IDLE after the last execution ended, counted in
 * mem_bytes while held. What a program can see of a set's earlier use:
 * nothing. The windows are read again before the program gets them (the
 * data kfuncs stop at the bytes read for this chunk), the scratch bytes a
 * program reached are cleared when its execution ends, and only bytes
 * this execution emitted are copied out.
 */
struct csd_exec_mem {
	struct list_head node;		/* in csd_exec_cache */
	struct csd_exec_buf bufs[2];
	u8 *scratch;			/* CSD_EXEC_SCRATCH bytes, zero between executions */
	u8 *result;
	u32 result_size;
};

#define CSD_EXEC_CACHED		2
#define CSD_EXEC_CACHE_IDLE	(2 * HZ)

static LIST_HEAD(csd_exec_cache);
static unsigned int csd_exec_nr_cached;
static DEFINE_SPINLOCK(csd_exec_cache_lock);
static atomic64_t csd_exec_held = ATOMIC64_INIT(0);	/* bytes, all sets */
static void csd_exec_cache_reclaim(struct work_struct *work);
static DECLARE_DELAYED_WORK(csd_exec_cache_work, csd_exec_cache_reclaim);

u64 csd_exec_mem_bytes(void)
{
	return atomic64_read(&csd_exec_held);
}

/* Free @b's pages. Return: the bytes freed. */
static u64 csd_exec_buf_free(struct csd_exec_buf *b)
{
	unsigned int i;
	u64 freed = 0;

	if (b->block) {
		__free_pages(b->pages[0], CSD_EXEC_IO_ORDER);
		b->block = false;
		memset(b->pages, 0, sizeof(b->pages));
		return PAGE_SIZE << CSD_EXEC_IO_ORDER;
	}
	for (i = 0; i < CSD_EXEC_IO_PAGES; i++)
		if (b->pages[i]) {
			__free_page(b->pages[i]);
			freed += PAGE_SIZE;
			b->pages[i] = NULL;
		}
	return freed;
}

/*
 * Give @b the first @need pages. A whole window is one block if the page
 * allocator has one free (no direct reclaim or compaction for it), else
 * pages of their own.
 */
static int csd_exec_buf_fill(struct csd_exec_buf *b, unsigned int need)
{
	struct page *block;
	unsigned int i;

	if (b->block)
		return 0;
	if (need == CSD_EXEC_IO_PAGES) {
		block = alloc_pages((GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN) &
				    ~__GFP_DIRECT_RECLAIM, CSD_EXEC_IO_ORDER);
		if (block) {
			atomic64_sub(csd_exec_buf_free(b), &csd_exec_held);
			/* A buddy block's struct pages are one run (7.3 has no nth_page). */
			for (i = 0; i < CSD_EXEC_IO_PAGES; i++)
				b->pages[i] = block + i;
			b->block = true;
			atomic64_add(PAGE_SIZE << CSD_EXEC_IO_ORDER, &csd_exec_held);
			return 0;
		}
	}
	for (i = 0; i < need; i++) {
		if (b->pages[i])
			continue;
		b->pages[i] = alloc_page(GFP_KERNEL);
		if (!b->pages[i])
			return -ENOMEM;
		atomic64_add(PAGE_SIZE, &csd_exec_held);
	}
	return 0;
}

/* The bytes of a set itself and its scratch area, as allocated. */
#define CSD_EXEC_MEM_BASE \
	(kmalloc_size_roundup(sizeof(struct csd_exec_mem)) + CSD_EXEC_SCRATCH)

static void csd_exec_mem_free(struct csd_exec_mem *m)
{
	u64 freed = CSD_EXEC_MEM_BASE + m->result_size;
	unsigned int w;

	for (w = 0; w < 2; w++)
		freed += csd_exec_buf_free(&m->bufs[w]);
	kvfree(m->result);
	kvfree(m->scratch);
	kfree(m);
	/* At once: a reader of mem_bytes sees the set or none of it. */
	atomic64_sub(freed, &csd_exec_held);
}

/* A set from the cache, or a new one with its scratch area only. */
static struct csd_exec_mem *csd_exec_mem_get(void)
{
	struct csd_exec_mem *m;

	spin_lock(&csd_exec_cache_lock);
	m = list_first_entry_or_null(&csd_exec_cache, struct csd_exec_mem, node);
	if (m) {
		list_del(&m->node);
		csd_exec_nr_cached--;
	}
	spin_unlock(&csd_exec_cache_lock);
	if (m)
		return m;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return NULL;
	m->scratch = kvzalloc(CSD_EXEC_SCRATCH, GFP_KERNEL);
	if (!m->scratch) {
		kfree(m);
		return NULL;
	}
	init_completion(&m->bufs[0].done);
	init_completion(&m->bufs[1].done);
	atomic64_add(CSD_EXEC_MEM_BASE, &csd_exec_held);
	return m;
}

/* Back to the cache (no read in flight), or freed if the cache is full. */
static void csd_exec_mem_put(struct csd_exec_mem *m)
{
	spin_lock(&csd_exec_cache_lock);
	if (csd_exec_nr_cached < CSD_EXEC_CACHED) {
		list_add(&m->node, &csd_exec_cache);
		csd_exec_nr_cached++;
		m = NULL;
	}
	spin_unlock(&csd_exec_cache_lock);
	if (m)
		csd_exec_mem_free(m);
	else
		mod_delayed_work(system_wq, &csd_exec_cache_work, CSD_EXEC_CACHE_IDLE);
}

static void csd_exec_cache_drop(void)
{
	struct csd_exec_mem *m, *tmp;
	LIST_HEAD(gone);

	spin_lock(&csd_exec_cache_lock);
	list_splice_init(&csd_exec_cache, &gone);
	csd_exec_nr_cached = 0;
	spin_unlock(&csd_exec_cache_lock);
	list_for_each_entry_safe(m, tmp, &gone, node)
		csd_exec_mem_free(m);
}

/* CSD_EXEC_CACHE_IDLE after the last execution ended. */
static void csd_exec_cache_reclaim(struct work_struct *work)
{
	csd_exec_cache_drop();
}

/*
 * Make @m ready for a range of @bytes and a result of @result_cap bytes:
 * the buffer pages the range's windows need (a second buffer only for a
 * range longer than the first window: csd_exec_window()), a result buffer
 * that large.
 */
static int csd_exec_mem_prepare(struct csd_exec_mem *m, u64 bytes, u32 result_cap)
{
	unsigned int need = min_t(u64, CSD_EXEC_IO_PAGES, DIV_ROUND_UP_ULL(bytes, PAGE_SIZE));
	u32 size = max_t(u32, result_cap, 1);
	unsigned int w;
	int ret;

	for (w = 0; w < 2 && (!w || bytes > CSD_EXEC_IO_FIRST); w++) {
		ret = csd_exec_buf_fill(&m->bufs[w], need);
		if (ret)
			return ret;
	}
	if (m->result_size < size) {
		kvfree(m->result);
		atomic64_sub(m->result_size, &csd_exec_held);
		m->result_size = 0;
		/* Not zeroed by csd: only the bytes emitted are copied out. */
		m->result = kvmalloc(size, GFP_KERNEL);
		if (!m->result)
			return -ENOMEM;
		m->result_size = size;
		atomic64_add(size, &csd_exec_held);
	}
	return 0;
}

/*
 * At module exit (an open /dev/csd pins csd: nothing executes), and when
 * init fails after /dev/csd was registered.
 */
void csd_exec_exit(void)
{
	cancel_delayed_work_sync(&csd_exec_cache_work);
	csd_exec_cache_drop();
	WARN_ON_ONCE(atomic64_read(&csd_exec_held));
}

static void csd_exec_end_io(struct bio *bio)
{
	struct csd_exec_buf *b = bio->bi_private;

	b->status = bio->bi_status;
	bio_put(bio);
	complete(&b->done);
}

/*
 * Start reading @len bytes (a multiple of the sector size, at most
 * @b->nr pages) at @sector into @b.
 */
static void csd_exec_read_start(struct block_device *bdev, sector_t sector,
				u64 len, struct csd_exec_buf *b)
{
	struct bio *bio;
	unsigned int i;

	bio = bio_alloc(bdev, b->block ? 1 : b->nr, REQ_OP_READ, GFP_KERNEL);
	bio->bi_iter.bi_sector = sector;
	bio->bi_end_io = csd_exec_end_io;
	bio->bi_private = b;
	if (b->block)
		__bio_add_page(bio, b->pages[0], len, 0);
	else
		for (i = 0; i < b->nr; i++, len -= PAGE_SIZE)
			__bio_add_page(bio, b->pages[i], min_t(u64, len, PAGE_SIZE), 0);
	reinit_completion(&b->done);
	b->busy = true;
	submit_bio(bio);
}

/* Start reading the window at *@queued into @b, if one is left. */
static void csd_exec_queue(struct block_device *bdev, sector_t start,
			   u64 bytes, u64 *queued, struct csd_exec_buf *b)
{
	u64 len;

	if (*queued >= bytes) {
		b->nr = 0;
		return;
	}
	len = min_t(u64, bytes - *queued, csd_exec_window(*queued));
	b->offset = *queued;
	b->nr = DIV_ROUND_UP_ULL(len, PAGE_SIZE);
	csd_exec_read_start(bdev, start + (*queued >> SECTOR_SHIFT), len, b);
	*queued += (u64)b->nr << PAGE_SHIFT;
}

/* Wait for @b's read; adds the time waited to @arg->io_ns. */
static int csd_exec_read_wait(struct csd_exec_buf *b, struct csd_exec *arg)
{
	u64 t = ktime_get_ns();

	if (!b->busy)
		return 0;
	wait_for_completion_io(&b->done);
	b->busy = false;
	arg->io_ns += ktime_get_ns() - t;
	return blk_status_to_errno(b->status);
}

/* Wait for @m's reads in flight. Return: the first one's error, or 0. */
static int csd_exec_quiesce(struct csd_exec_mem *m, struct csd_exec *arg)
{
	int ret = csd_exec_read_wait(&m->bufs[0], arg);
	int ret2 = csd_exec_read_wait(&m->bufs[1], arg);

	return ret ?: ret2;
}

/* Run the program over one window that has been read. */
static int csd_exec_process(struct csd_exec_ops *ops, struct csd_exec_buf *b,
			    u64 bytes, struct csd_exec_kern *k,
			    struct csd_exec *arg)
{
	u64 done = b->offset, t = ktime_get_ns();
	unsigned int i;
	int ret = 0;

	/*
	 * A chunk is one page of the window, mapped on its own. The program's
	 * time is taken per window: two clock reads per chunk cost more than
	 * the mapping they would leave out.
	 */
	BUILD_BUG_ON(CSD_EXEC_CHUNK != PAGE_SIZE);
	for (i = 0; i < b->nr && done < bytes; i++) {
		k->ctx.offset = done;
		k->ctx.len = min_t(u64, CSD_EXEC_CHUNK, bytes - done);
		k->data = kmap_local_page(b->pages[i]);
		ret = ops->process(&k->ctx);
		kunmap_local(k->data);
		k->data = NULL;
		arg->chunks++;
		k->ctx.chunk++;
		done += k->ctx.len;
		arg->bytes_scanned += k->ctx.len;
		if (ret < 0)
			break;
	}
	arg->prog_ns += ktime_get_ns() - t;
	return ret < 0 ? ret : 0;
}

/*
 * The execution itself, with the program held by SRCU, in @m (prepared
 * for @bytes). Two buffers of CSD_EXEC_IO_PAGES pages: the next window is
 * read while the program runs over the current one, so reading and
 * computing overlap (csd_exec_window()).
 */
static int csd_exec_run(struct csd_exec_ops *ops, struct block_device *bdev,
			sector_t start, u64 bytes, struct csd_exec_mem *m,
			struct csd_exec_kern *k, struct csd_exec *arg)
{
	struct csd_exec_buf *cur = &m->bufs[0], *next = &m->bufs[1];
	u64 t, queued = 0;
	int ret = 0, ret2;

	csd_exec_queue(bdev, start, bytes, &queued, cur);
	while (cur->nr) {
		ret = csd_exec_read_wait(cur, arg);
		if (ret)
			break;
		csd_exec_queue(bdev, start, bytes, &queued, next);
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		ret = csd_exec_process(ops, cur, bytes, k, arg);
		if (ret)
			break;
		swap(cur, next);
		cond_resched();
	}
	/* Never give the pages back under a read in flight. */
	ret2 = csd_exec_quiesce(m, arg);
	if (!ret)
		ret = ret2;
	if (ret)
		return ret;

	k->ctx.len = 0;
	if (ops->finish) {
		t = ktime_get_ns();
		ret = ops->finish(&k->ctx);
		arg->prog_ns += ktime_get_ns() - t;
		arg->prog_ret = ret;
		if (ret > 0)
			ret = 0;
	}
	return ret;
}

/*
 * Open the block device of @ns for reading, tied to @ns: under
 * csd_ns_mutex the entry stays, and once the device is open, a queue that
 * is still alive with the same disk proves that the device opened is the
 * namespace csd validated, not a disk that took its minor after it went
 * away (a disk's dev_t is released only after del_gendisk, which marks
 * the queue dying). The open file pins the disk for the execution.
 */
static struct file *csd_exec_open(struct csd_ns *ns)
{
	struct file *f;

	/* A multipath path disk has no block device: read through its head. */
	struct gendisk *disk = ns->head_disk ?: ns->disk;

	lockdep_assert_held(&csd_ns_mutex);
	f = bdev_file_open_by_dev(disk_devt(disk), BLK_OPEN_READ, NULL, NULL);
	if (IS_ERR(f))
		return f;
	if (csd_ns_is_dead(ns) || file_bdev(f)->bd_disk != disk) {
		fput(f);
		return ERR_PTR(-ENODEV);
	}
	return f;
}

static int csd_exec_zone_cb(struct blk_zone *zone, unsigned int idx, void *data)
{
	*(struct blk_zone *)data = *zone;
	return 0;
}

/*
 * Bound an execution by its zone's capacity, @cap sectors from @zstart: a
 * zone's execution covers the capacity, and an LBA range must end within
 * it (ERANGE). Reading past the capacity fails, and the blocks between
 * the capacity and the zone size hold nothing.
 */
static int csd_exec_cap_limits(const struct csd_exec *arg, sector_t zstart, u64 cap,
			       sector_t start, u64 *bytes, struct csd_exec_ctx *ctx)
{
	ctx->zone_capacity = cap << SECTOR_SHIFT;
	if (!(arg->flags & CSD_EXEC_F_ZONE))
		return start + (*bytes >> SECTOR_SHIFT) > zstart + cap ? -ERANGE : 0;
	*bytes = ctx->zone_capacity;
	return 0;
}

/*
 * The capacity of the zone of @disk at @zstart, without asking the drive:
 * the one the block layer checked when it last read the zones
 * (csd_disk_zone_caps()). Linux's NVMe driver takes a zoned namespace
 * only if its Zone Operation Characteristics are zero (no Variable Zone
 * Capacity), and NVMe has no conventional zones: that is still the
 * drive's answer. 0 when the drive must be asked: the block layer keeps
 * no capacity, or zones of another geometry than csd's (@zone_sectors,
 * @capacity sectors and the number of zones they make: a rescan reads the
 * zones after it changed the disk's size), or a capacity past the zone
 * size. The caller holds @disk open.
 */
static u64 csd_exec_known_cap(struct gendisk *disk, sector_t zstart, u64 zone_sectors,
			      u64 capacity)
{
	struct request_queue *q = disk->queue;
	unsigned int nr, cap, last;
	bool same;

	/* As blk_queue_enter() (not exported): no freeze under way. */
	if (!percpu_ref_tryget_live(&q->q_usage_counter))
		return 0;
	same = csd_disk_zone_caps(disk, &nr, &cap, &last) &&
	       nr == DIV_ROUND_UP_ULL(capacity, zone_sectors) &&
	       q->limits.chunk_sectors == zone_sectors && get_capacity(disk) == capacity;
	percpu_ref_put(&q->q_usage_counter);
	if (!same)
		return 0;
	if (zstart + zone_sectors < capacity)
		last = cap;
	return last <= zone_sectors ? last : 0;
}

/*
 * Bound the execution by the drive's zone report of the zone at @zstart
 * (csd_exec_cap_limits()) and, with CSD_EXEC_F_WRITTEN, by what was
 * written: up to the write pointer.
 */
static int csd_exec_zone_limits(struct block_device *bdev, u64 zone_sectors,
				struct csd_exec *arg, sector_t zstart, sector_t start,
				u64 *bytes, struct csd_exec_ctx *ctx)
{
	struct blk_zone z = { };
	u64 written;
	int ret;

	ret = blkdev_report_zones(bdev, zstart, 1, csd_exec_zone_cb, &z);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	/* The windows were sized for the zone: a capacity past it is the drive's error. */
	if (z.cond == BLK_ZONE_COND_OFFLINE || z.capacity > zone_sectors)
		return -EIO;
	ret = csd_exec_cap_limits(arg, z.start, z.capacity, start, bytes, ctx);
	if (ret || !(arg->flags & CSD_EXEC_F_ZONE) || !(arg->flags & CSD_EXEC_F_WRITTEN))
		return ret;
	/* A full or read-only zone's write pointer is not valid. */
	if (z.cond == BLK_ZONE_COND_FULL || z.cond == BLK_ZONE_COND_READONLY)
		written = z.capacity;
	else if (z.cond == BLK_ZONE_COND_EMPTY)
		written = 0;
	else
		written = min_t(u64, z.wp - z.start, z.capacity);
	*bytes = written << SECTOR_SHIFT;
	return 0;
}

/*
 * CSD_IOC_EXEC after its struct was read and checked by the caller: find
 * the range and the program, read and run.
 */
int csd_exec_ioctl(struct csd_exec *arg)
{
	struct csd_exec_kern k = { };
	struct file *bdev_file = NULL;
	u64 bytes = 0, zone_sectors = 0, capacity = 0, known = 0;
	struct csd_exec_mem *m = NULL;
	sector_t start = 0, zstart = 0;
	struct csd_exec_reg *r;
	struct csd_ns *ns;
	bool path = false;
	int idx, ret;

	mutex_lock(&csd_ns_mutex);
	ns = csd_ns_find_id(arg->ns_id);
	if (!ns || ns->admin || csd_ns_is_dead(ns)) {
		mutex_unlock(&csd_ns_mutex);
		return -ENODEV;
	}
	/* The geometry, as one: a resize or format changes it under ns->lock. */
	mutex_lock(&ns->lock);
	if (ns->zoned && !ns->zone_sectors) {
		/* Seen before its zone size (6.1): known within a second. */
		ret = -EAGAIN;
	} else if (arg->flags & CSD_EXEC_F_ZONE) {
		if (!ns->zoned)
			ret = -EINVAL;
		else if (arg->zone >= ns->nr_zones)
			ret = -ERANGE;
		else
			ret = 0;
		start = (sector_t)arg->zone * ns->zone_sectors;
		bytes = ns->zone_sectors << SECTOR_SHIFT;
	} else {
		u64 cap = ns->capacity >> (ns->lba_shift - SECTOR_SHIFT), end;

		if (check_add_overflow(arg->slba, arg->nlb, &end) || end > cap)
			ret = -ERANGE;
		else if (ns->zoned && (arg->slba << (ns->lba_shift - SECTOR_SHIFT)) /
			 ns->zone_sectors != ((end << (ns->lba_shift - SECTOR_SHIFT)) - 1) /
			 ns->zone_sectors)
			ret = -EXDEV;	/* offload works on one zone at a time */
		else
			ret = 0;
		start = arg->slba << (ns->lba_shift - SECTOR_SHIFT);
		bytes = arg->nlb << ns->lba_shift;
	}
	if (!ret) {
		k.ctx.sector_size = 1U << ns->lba_shift;
		if (ns->zoned) {
			zone_sectors = ns->zone_sectors;
			k.ctx.zone_size = zone_sectors << SECTOR_SHIFT;
			zstart = rounddown(start, zone_sectors);
			capacity = ns->capacity;
		}
	}
	mutex_unlock(&ns->lock);
	if (!ret) {
		bdev_file = csd_exec_open(ns);
		if (IS_ERR(bdev_file))
			ret = PTR_ERR(bdev_file);
		path = ns->head_disk;
	}
	mutex_unlock(&csd_ns_mutex);
	if (ret)
		return ret;
	/*
	 * The write pointer is the drive's to tell. A path's own disk is not
	 * the one held open (its multipath head, whose zones the block layer
	 * does not read): ask the drive.
	 */
	if (zone_sectors && !path && !(arg->flags & CSD_EXEC_F_WRITTEN))
		known = csd_exec_known_cap(file_bdev(bdev_file)->bd_disk, zstart, zone_sectors,
					   capacity);

	/* The program set stays registered until the end (unregistering waits). */
	idx = srcu_read_lock(&csd_exec_srcu);
	r = csd_exec_find(arg->prog);
	if (!r) {
		ret = -ENOENT;
		goto out_srcu;
	}
	/* A zone report is I/O: outside the mutex, with the disk pinned. */
	if (known)
		ret = csd_exec_cap_limits(arg, zstart, known, start, &bytes, &k.ctx);
	else if (zone_sectors)
		ret = csd_exec_zone_limits(file_bdev(bdev_file), zone_sectors, arg, zstart,
					   start, &bytes, &k.ctx);
	if (ret)
		goto out_srcu;
	m = csd_exec_mem_get();
	if (!m) {
		ret = -ENOMEM;
		goto out_srcu;
	}
	ret = csd_exec_mem_prepare(m, bytes, arg->result_len);
	if (ret)
		goto out_mem;
	k.ctx.range_len = bytes;
	k.ctx.arg = arg->arg;

	k.scratch = m->scratch;
	k.result = m->result;
	k.result_cap = arg->result_len;

	arg->result_format = r->ops->result_format;
	ret = csd_exec_run(r->ops, file_bdev(bdev_file), start, bytes, m, &k, arg);
	/* What the program wrote of the scratch, for the set's next execution. */
	memset(m->scratch, 0, k.scratch_dirty);

	if (!ret) {
		arg->result_len = k.result_len;
		if (k.result_len &&
		    copy_to_user(u64_to_user_ptr(arg->result), k.result,
				 k.result_len))
			ret = -EFAULT;
	}
out_mem:
	csd_exec_mem_put(m);
out_srcu:
	srcu_read_unlock(&csd_exec_srcu, idx);
	fput(bdev_file);
	return ret;
}
