// SPDX-License-Identifier: GPL-2.0
/*
 * A structure-aware fuzzer of every csd ioctl and of the trace fd's
 * ioctl, read() and poll().
 *
 * Each call starts from a valid argument (csd_args.h) and then, most of
 * the time, breaks it: the size (0 .. PAGE_SIZE + 8, with or without a
 * non-zero tail), flag bits, reserved and padding words, any 32-bit word,
 * the namespace id, counts and entry strides, the user pointers inside
 * the struct (NULL, kernel addresses, unaligned, the start of a guard
 * page) and the argument pointer itself; the struct always ends exactly
 * at a guard page, so a read one byte too far faults. Some calls stay
 * valid, so the handlers run, not only the validation.
 *
 *  - invalid_changes_nothing: alone on a quiet guest, calls that are
 *    certainly invalid get their exact errno and leave every namespace's
 *    state and counters as they were.
 *  - under_load: several fuzzing processes beside fio, controller resets,
 *    nvme driver reloads, a blocked trace reader and debugfs readers.
 *    Every errno must be one the ABI documents; afterwards every
 *    namespace's books balance, nothing is in flight, nothing went
 *    untracked, and a known number of reads is counted exactly.
 *
 * The number of calls of under_load is csd.fuzz_calls=N on the kernel
 * command line (run.sh's CSD_KERNEL_ARGS), 100000 by default. The seed
 * is csd.fuzz_seed=N (by default the time, printed for replay).
 */
#include <poll.h>
#include <signal.h>
#include <stddef.h>

#include "csd_args.h"
#include "csd_harness.h"

#define PAGE		4096
#define NR_FUZZERS	3
#define ARENA_PAGES	4

/* Per-call figures, summed over the fuzzing processes (shared memory). */
struct fuzz_figs {
	unsigned long calls[CALL_NR];
	unsigned long ok[CALL_NR];
	unsigned long err[CALL_NR][160];	/* by errno */
	unsigned long bad_errno[CALL_NR];
	int last_bad_errno[CALL_NR];
	unsigned long resets, reloads, trace_records, debugfs_reads, fio_runs;
	volatile int stop;
};

/* Where in each struct its pointers, counts and reserved words are. */
static const struct {
	int ptr[2];	/* offsets of user pointers, -1: none */
	int count[2];	/* offsets of 32-bit counts / entry sizes */
	int reserved;	/* offset of the reserved array */
	int ns;		/* offset of ns_id, -1: none */
} layout[CALL_NR] = {
	[CALL_INFO] = { { -1, -1 }, { -1, -1 }, offsetof(struct csd_info, reserved), -1 },
	[CALL_LIST] = { { offsetof(struct csd_ns_list, entries), -1 },
			{ offsetof(struct csd_ns_list, count), offsetof(struct csd_ns_list, entry_size) },
			offsetof(struct csd_ns_list, reserved), -1 },
	[CALL_STATS] = { { offsetof(struct csd_ns_stats, rows), offsetof(struct csd_ns_stats, statuses) },
			 { offsetof(struct csd_ns_stats, row_count), offsetof(struct csd_ns_stats, row_size) },
			 offsetof(struct csd_ns_stats, reserved), offsetof(struct csd_ns_stats, ns_id) },
	[CALL_HIST] = { { offsetof(struct csd_hist, buckets), -1 },
			{ offsetof(struct csd_hist, nr_buckets), offsetof(struct csd_hist, zone) },
			offsetof(struct csd_hist, reserved), offsetof(struct csd_hist, ns_id) },
	[CALL_ZONES] = { { offsetof(struct csd_zone_stats, entries), -1 },
			 { offsetof(struct csd_zone_stats, count), offsetof(struct csd_zone_stats, entry_size) },
			 offsetof(struct csd_zone_stats, reserved), offsetof(struct csd_zone_stats, ns_id) },
	[CALL_RESET] = { { -1, -1 }, { -1, -1 }, offsetof(struct csd_reset, reserved),
			 offsetof(struct csd_reset, ns_id) },
	[CALL_CONFIG] = { { -1, -1 }, { -1, -1 }, offsetof(struct csd_config, reserved),
			  offsetof(struct csd_config, ns_id) },
	[CALL_EXEC] = { { offsetof(struct csd_exec, result), -1 },
			{ offsetof(struct csd_exec, result_len), offsetof(struct csd_exec, zone) },
			offsetof(struct csd_exec, reserved), offsetof(struct csd_exec, ns_id) },
	[CALL_TRACE] = { { -1, -1 },
			 { offsetof(struct csd_trace_open, ring_records), offsetof(struct csd_trace_open, zone_last) },
			 offsetof(struct csd_trace_open, reserved), offsetof(struct csd_trace_open, ns_id) },
	[CALL_INFLIGHT] = { { offsetof(struct csd_inflight, entries), -1 },
			    { offsetof(struct csd_inflight, count), offsetof(struct csd_inflight, entry_size) },
			    offsetof(struct csd_inflight, reserved), offsetof(struct csd_inflight, ns_id) },
	[CALL_CGROUPS] = { { offsetof(struct csd_cgroup_stats, entries), -1 },
			   { offsetof(struct csd_cgroup_stats, count),
			     offsetof(struct csd_cgroup_stats, entry_size) },
			   offsetof(struct csd_cgroup_stats, reserved),
			   offsetof(struct csd_cgroup_stats, ns_id) },
	[CALL_TRACE_STATS] = { { -1, -1 }, { -1, -1 }, offsetof(struct csd_trace_stats, reserved), -1 },
};

/* The errnos the ABI documents for some bad input or a busy device. */
static bool errno_allowed(enum csd_call c, int e)
{
	switch (e) {
	case EINVAL: case E2BIG: case EFAULT: case ENODEV: case ERANGE:
	case ENOENT: case EXDEV: case EBUSY: case EINTR: case EIO:
	case ENOTTY: case EAGAIN: case EOPNOTSUPP: case ENOSPC:
	case ENXIO:	/* exec: the disk went away before the execution */
		return true;
	case ENOMEM:	/* only where fault injection is on (debug kernel) */
		return access("/sys/kernel/debug/failslab", F_OK) == 0;
	default:
		return false;
	}
}

static unsigned long long rng_state;

static unsigned long long rnd(void)
{
	/* xorshift64*: reproducible from the seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

/*
 * An arena of ARENA_PAGES pages whose last page is PROT_NONE: guard()
 * is its first byte. A struct of size S is placed at guard() - S.
 */
static unsigned char *arena;

static unsigned char *guard(void)
{
	return arena + (ARENA_PAGES - 1) * PAGE;
}

static void arena_init(void)
{
	arena = mmap(NULL, ARENA_PAGES * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED)
		abort();
	mprotect(guard(), PAGE, PROT_NONE);
}

static __u64 bad_pointer(struct csd_bufs *b)
{
	switch (rnd() % 6) {
	case 0: return 0;
	case 1: return 0xffffffff81000000ULL;		/* kernel text */
	case 2: return CSD_U64P(guard());		/* unmapped */
	case 3: return CSD_U64P(guard()) - 8;		/* ends in the guard */
	case 4: return CSD_U64P(b->rows) + 1;		/* unaligned */
	default: return rnd();
	}
}

static void put32(unsigned char *a, int off, __u32 v)
{
	if (off >= 0)
		memcpy(a + off, &v, 4);
}

static void put64(unsigned char *a, int off, __u64 v)
{
	if (off >= 0)
		memcpy(a + off, &v, 8);
}

struct fuzz_ctx {
	int fd;
	struct csd_bufs *b;
	__u32 ids[64];
	bool zoned[64];
	int nr_ids;
	int trace_fds[2];
	bool bpf;
};

static void refresh_ids(struct fuzz_ctx *x)
{
	struct csd_ns_list l = {
		.size = sizeof(l), .count = 64, .entry_size = sizeof(x->b->ents[0]),
		.entries = CSD_U64P(x->b->ents),
	};
	unsigned int i;

	if (ioctl(x->fd, CSD_IOC_LIST_NS, &l))
		return;
	x->nr_ids = 0;
	for (i = 0; i < l.count && i < 64; i++) {
		x->ids[x->nr_ids] = x->b->ents[i].id;
		x->zoned[x->nr_ids++] = x->b->ents[i].flags & CSD_NS_F_ZONED;
	}
}

/*
 * Build the argument of call @c in the arena, mutated @nmut times.
 * Returns the pointer to pass to ioctl().
 */
static void *build(struct fuzz_ctx *x, enum csd_call c, int nmut)
{
	static unsigned char tmp[2 * PAGE];
	unsigned int size = csd_calls[c].size, real;
	int k = x->nr_ids ? (int)(rnd() % x->nr_ids) : -1;
	__u32 ns = k >= 0 ? x->ids[k] : 1;
	unsigned char *a;
	int i;

	csd_good_arg(c, tmp, x->b, ns, k >= 0 && x->zoned[k], rnd() % 64,
		     rnd() % 4 ? "entropy" : "nosuchprog");
	real = size;
	for (i = 0; i < nmut; i++) {
		switch (rnd() % 10) {
		case 0: {	/* the size field */
			static const int pick[] = { 0, 1, 4, 8, -8, -1, 8, 16, 64 };
			int p = rnd() % 12;

			if (p < 9)
				real = pick[p] < 0 ? csd_calls[c].min + pick[p] :
				       p < 5 ? (unsigned int)pick[p] : size + pick[p];
			else if (p == 9)
				real = PAGE + 8;
			else if (p == 10)
				real = csd_calls[c].min;
			else
				real = rnd() % (PAGE + 9);
			if (real > 2 * PAGE - 16)
				real = 2 * PAGE - 16;
			if (real > size && rnd() % 2)
				tmp[size + rnd() % (real - size)] = 1 + rnd() % 255;
			put32(tmp, 0, real);
			break;
		}
		case 1:		/* a flag bit */
			put32(tmp, 4, *(__u32 *)(tmp + 4) ^ (1U << (rnd() % 32)));
			break;
		case 2:		/* a reserved word */
			put64(tmp, layout[c].reserved + 8 * (int)(rnd() % 3), rnd() | 1);
			break;
		case 3:		/* any 32-bit word after size and flags */
			if (size > 8)
				put32(tmp, 8 + 4 * (int)(rnd() % ((size - 8) / 4)), rnd());
			break;
		case 4:		/* the namespace */
			put32(tmp, layout[c].ns, rnd() % 3 ? rnd() % 16 : (__u32)rnd());
			break;
		case 5:		/* a count or an entry size / zone */
		case 6: {
			static const __u32 v[] = { 0, 1, 7, 8, 63, 64, 65, 4095, 4096, 4097,
						   65536, 65537, 0x7fffffff, 0xffffffff };

			put32(tmp, layout[c].count[rnd() % 2], v[rnd() % 14]);
			break;
		}
		case 7:		/* a user pointer inside the struct */
		case 8:
			put64(tmp, layout[c].ptr[rnd() % 2], bad_pointer(x->b));
			break;
		default:	/* the argument pointer itself */
			switch (rnd() % 3) {
			case 0: return NULL;
			case 1: return (void *)0xffffffff81000000UL;
			default: return guard() - 4;	/* straddles the guard */
			}
		}
	}
	/* The struct (as the caller claims its size) ends at the guard. */
	if (real > size && real <= 2 * PAGE - 16) {
		a = guard() - real;
		if (a < arena)
			a = arena;
		memcpy(a, tmp, real > (unsigned int)(guard() - a) ? (unsigned int)(guard() - a) : real);
		return a;
	}
	a = guard() - size;
	memcpy(a, tmp, size);
	return a;
}

static void count(struct fuzz_figs *f, enum csd_call c, int ret, int err)
{
	__atomic_add_fetch(&f->calls[c], 1, __ATOMIC_RELAXED);
	if (ret >= 0) {
		__atomic_add_fetch(&f->ok[c], 1, __ATOMIC_RELAXED);
		return;
	}
	if (err > 0 && err < 160)
		__atomic_add_fetch(&f->err[c][err], 1, __ATOMIC_RELAXED);
	if (!errno_allowed(c, err)) {
		__atomic_add_fetch(&f->bad_errno[c], 1, __ATOMIC_RELAXED);
		f->last_bad_errno[c] = err;
	}
}

/* One fuzzed call; returns the call made. */
static enum csd_call fuzz_one(struct fuzz_ctx *x, struct fuzz_figs *f)
{
	enum csd_call c = rnd() % CALL_NR;
	int nmut = rnd() % 4 == 0 ? 0 : 1 + rnd() % 3;
	int tf = x->trace_fds[rnd() % 2];
	void *arg;
	int ret;

	if (rnd() % 64 == 0)
		refresh_ids(x);
	if (c == CALL_EXEC && rnd() % 8)	/* an exec reads the disk: fewer */
		c = CALL_INFO;
	if (c >= CALL_TRACE_STATS && tf < 0)
		c = CALL_TRACE;
	if (c == CALL_TRACE_READ) {
		static const size_t n[] = { 0, 1, 63, 64, 65, 128, 4096, 1 << 20 };
		size_t len = n[rnd() % 8];
		void *buf = rnd() % 4 ? (void *)x->b->result : (void *)(unsigned long)bad_pointer(x->b);

		if (len > sizeof(x->b->result) && buf == x->b->result)
			len = sizeof(x->b->result);
		ret = read(tf, buf, len);
		count(f, c, ret, errno);
		if (ret > 0)
			__atomic_add_fetch(&f->trace_records, ret / 64, __ATOMIC_RELAXED);
		return c;
	}
	if (c == CALL_TRACE_POLL) {
		struct pollfd p = { .fd = tf, .events = POLLIN };

		ret = poll(&p, 1, 0);
		count(f, c, ret, errno);
		return c;
	}
	arg = build(x, c, nmut);
	if (c == CALL_TRACE_STATS)
		ret = ioctl(tf, rnd() % 16 ? csd_calls[c].cmd : _IOWR(CSD_IOC_MAGIC, 0x41 + rnd() % 8, __u64), arg);
	else if (rnd() % 64 == 0)	/* an ioctl number csd does not have */
		ret = ioctl(x->fd, _IOWR(CSD_IOC_MAGIC, 0x0b + rnd() % 0x30, struct csd_info), arg);
	else
		ret = ioctl(x->fd, csd_calls[c].cmd, arg);
	count(f, c, ret, errno);
	if (!ret && c == CALL_TRACE) {
		int slot = rnd() % 2;
		int nfd = ((struct csd_trace_open *)arg)->fd;

		if (x->trace_fds[slot] >= 0)
			close(x->trace_fds[slot]);
		/* A mutated flag may have opened it blocking: never block here. */
		fcntl(nfd, F_SETFL, O_NONBLOCK);
		x->trace_fds[slot] = nfd;
	}
	if (rnd() % 512 == 0) {	/* close a trace fd now and then */
		int slot = rnd() % 2;

		if (x->trace_fds[slot] >= 0)
			close(x->trace_fds[slot]);
		x->trace_fds[slot] = -1;
	}
	return c;
}

/*
 * The output buffers, with 8 MiB of slack after them and an unmapped
 * page after that: a fuzzed count or stride (up to 4097 bytes an entry)
 * or a 1 MiB trace read() may make the kernel write far past an array,
 * legitimately, and that must land in memory of this test's, not on its
 * other globals. The kernel may be told to write further still (4096
 * zones' entries of 4097 bytes: 16 MiB): that stops at the guard page,
 * EFAULT, instead of writing on the mapping above (the shared figures,
 * mapped before this).
 */
static struct csd_bufs *bufs_new(void)
{
	size_t len = sizeof(struct csd_bufs) + (8 << 20);
	size_t map = (len + PAGE - 1) / PAGE * PAGE + PAGE;
	unsigned char *p = mmap(NULL, map, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + map - PAGE, PAGE, PROT_NONE))
		abort();
	return (struct csd_bufs *)p;
}

static void ctx_init(struct fuzz_ctx *x, struct csd_bufs *b)
{
	memset(x, 0, sizeof(*x));
	x->b = b;
	x->fd = csd_open();
	x->trace_fds[0] = x->trace_fds[1] = -1;
	refresh_ids(x);
}

static void ctx_fini(struct fuzz_ctx *x)
{
	if (x->trace_fds[0] >= 0)
		close(x->trace_fds[0]);
	if (x->trace_fds[1] >= 0)
		close(x->trace_fds[1]);
	close(x->fd);
}

static void print_figs(struct __test_metadata *_metadata, const struct fuzz_figs *f,
		       const char *tag)
{
	unsigned long calls = 0, ok = 0;
	int c, e;

	for (c = 0; c < CALL_NR; c++) {
		char errs[512] = "";
		size_t n = 0;

		for (e = 1; e < 160; e++)
			if (f->err[c][e])
				n += snprintf(errs + n, sizeof(errs) - n, " %s=%lu",
					      strerrorname_np(e) ?: "?", f->err[c][e]);
		calls += f->calls[c];
		ok += f->ok[c];
		/* csd-reliability: lines are read by tools/vm/reliability.sh */
		printf("# csd-reliability: fuzz %s %s calls=%lu ok=%lu%s\n", tag,
		       csd_calls[c].name, f->calls[c], f->ok[c], errs);
	}
	printf("# csd-reliability: fuzz %s total calls=%lu ok=%lu\n", tag, calls, ok);
}

static struct fuzz_figs *figs_new(void)
{
	struct fuzz_figs *f = mmap(NULL, sizeof(*f), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return f == MAP_FAILED ? NULL : f;
}

FIXTURE(fuzz) {
	int fd;
	struct csd_ns_entry zns, conv;
	bool bpf;
};

FIXTURE_SETUP(fuzz)
{

	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_zns(), &self->zns));
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_conv(), &self->conv));
	ASSERT_EQ(0, csd_entropy_load(self->fd, &self->bpf));
	rng_state = csd_cmdline_ul("csd.fuzz_seed=", 0);
	if (!rng_state)
		rng_state = time(NULL) ^ getpid();
	TH_LOG("seed %llu (csd.fuzz_seed= replays it)", rng_state);
	arena_init();
}

FIXTURE_TEARDOWN(fuzz)
{
	csd_entropy_unload(self->bpf);
	close(self->fd);
	/*
	 * Fuzzed CONFIG calls leave namespaces disabled or with other
	 * regions, also in the epochs parked across nvme reloads: the next
	 * test starts from a freshly loaded csd.
	 */
	csd_nvme_up();
	if (!csd_rmmod("csd"))
		csd_insmod(csd_ko_path());
}

/* What of a namespace entry must not change under invalid calls. */
static void expect_same(struct __test_metadata *_metadata,
			const struct csd_ns_entry *a, const struct csd_ns_entry *b)
{
	EXPECT_EQ(a->id, b->id);
	EXPECT_EQ(a->flags, b->flags);
	EXPECT_EQ(a->region_sectors, b->region_sectors);
	EXPECT_EQ(a->nr_regions, b->nr_regions);
	EXPECT_EQ(a->submitted, b->submitted);
	EXPECT_EQ(a->completed, b->completed);
	EXPECT_EQ(a->aborted, b->aborted);
}

/*
 * Certainly invalid calls, each with the errno the ABI gives it, on a
 * quiet guest: afterwards nothing has changed.
 */
TEST_F(fuzz, invalid_changes_nothing)
{
	struct csd_bufs *b = bufs_new();
	struct csd_ns_entry z0, c0, z1, c1;
	struct csd_info i0, i1;
	struct fuzz_ctx x;
	unsigned int n, wrong = 0;
	enum csd_call c;

	ctx_init(&x, b);
	ASSERT_GE(x.fd, 0);
	ASSERT_EQ(0, csd_find_ns(self->fd, self->zns.disk, &z0));
	ASSERT_EQ(0, csd_find_ns(self->fd, self->conv.disk, &c0));
	ASSERT_EQ(0, csd_info(self->fd, &i0));
	for (n = 0; n < 20000; n++) {
		unsigned char tmp[PAGE];
		unsigned char *a;
		int want, how = rnd() % 5, ret;
		unsigned int size;

		c = rnd() % CALL_TRACE_STATS;	/* the /dev/csd ioctls */
		size = csd_calls[c].size;
		csd_good_arg(c, tmp, b, z0.id, true, 0, "entropy");
		switch (how) {
		case 0:		/* shorter than the first ABI version */
			put32(tmp, 0, rnd() % csd_calls[c].min);
			want = EINVAL;
			break;
		case 1:		/* an unknown flag */
			put32(tmp, 4, 1U << 31);
			want = EINVAL;
			break;
		case 2:		/* a reserved word */
			put64(tmp, layout[c].reserved, rnd() | 1);
			want = EINVAL;
			break;
		case 3:		/* longer, with a non-zero byte the kernel does not know */
			put32(tmp, 0, size + 8 + rnd() % (PAGE - size - 8));
			tmp[size + rnd() % 8] = 1 + rnd() % 255;
			want = E2BIG;
			break;
		default:	/* the argument is not there */
			want = EFAULT;
			break;
		}
		if (how == 4) {
			ret = ioctl(x.fd, csd_calls[c].cmd, rnd() % 2 ? NULL : guard());
		} else {
			size = *(__u32 *)tmp > size ? *(__u32 *)tmp : size;
			a = guard() - size;
			memcpy(a, tmp, size);
			ret = ioctl(x.fd, csd_calls[c].cmd, a);
		}
		if (ret != -1 || errno != want) {
			if (wrong++ < 10)
				TH_LOG("%s case %d: ret %d errno %d, want %d", csd_calls[c].name,
				       how, ret, ret ? errno : 0, want);
		}
	}
	EXPECT_EQ(0, wrong);
	ASSERT_EQ(0, csd_find_ns(self->fd, self->zns.disk, &z1));
	ASSERT_EQ(0, csd_find_ns(self->fd, self->conv.disk, &c1));
	ASSERT_EQ(0, csd_info(self->fd, &i1));
	expect_same(_metadata, &z0, &z1);
	expect_same(_metadata, &c0, &c1);
	EXPECT_EQ(i0.nr_namespaces, i1.nr_namespaces);
	EXPECT_EQ(i0.untracked, i1.untracked);
	printf("# csd-reliability: fuzz invalid calls=%u wrong=%u\n", n, wrong);
	ctx_fini(&x);
}

/* The chaos beside the fuzzers, in one child each. */
/*
 * fio beside the nvme reloads, through a symlink of its own. A fio that
 * starts while the node is gone takes the path for a regular file; when
 * devtmpfs has made the node again a moment later, fio "lays out" that
 * file: it unlinked the new /dev/nvme0n1 (seen with csd_devtmpfs_watch():
 * vfs_unlink by fio 4 ms after devtmpfs_create_node), and every later
 * test lost the namespace. Through the symlink, only the symlink can go.
 */
static void chaos_fio(struct fuzz_figs *f)
{
	char cmd[512], link[64];

	snprintf(link, sizeof(link), "/tmp/csd-fuzz-fio.%d", getpid());
	while (!f->stop) {
		unlink(link);
		if (csd_conv()->disk[0] && !symlink(csd_conv()->path, link)) {
			snprintf(cmd, sizeof(cmd),
				 CSD_FIO "--name=f --filename=%s --direct=1 --ioengine=libaio --iodepth=8 "
				 "--rw=randrw --bs=4k --size=32M --time_based --runtime=2 "
				 "--output=/dev/null > /dev/null 2>&1", link);
			csd_run(cmd);
		} else {
			usleep(100000);
		}
		__atomic_add_fetch(&f->fio_runs, 1, __ATOMIC_RELAXED);
	}
	unlink(link);
}

static void chaos_resets(struct fuzz_figs *f)
{
	char ctrl[32], cmd[128];
	int i;

	for (i = 0; !f->stop; i++) {
		if (i % 8 == 7) {
			/* The nvme driver goes and comes back. */
			if (!csd_rmmod("nvme") && !csd_nvme_up())
				__atomic_add_fetch(&f->reloads, 1, __ATOMIC_RELAXED);
		} else if (!csd_ctrl_by_serial(CSD_SERIAL, ctrl, sizeof(ctrl))) {
			snprintf(cmd, sizeof(cmd),
				 "echo 1 > /sys/class/nvme/%s/reset_controller 2>/dev/null", ctrl);
			if (!csd_run(cmd))
				__atomic_add_fetch(&f->resets, 1, __ATOMIC_RELAXED);
		}
		usleep(300000);
	}
	if (!csd_module_loaded("nvme"))
		csd_nvme_up();
}

static void chaos_readers(struct fuzz_figs *f)
{
	while (!f->stop) {
		csd_run("cat /sys/kernel/debug/csd/namespaces /sys/kernel/debug/csd/info "
			"/sys/kernel/debug/csd/inflight /sys/kernel/debug/csd/*/latency "
			"/sys/kernel/debug/csd/*/zones /sys/kernel/debug/csd/*/status "
			"/sys/kernel/debug/csd/*/inflight > /dev/null 2>&1");
		__atomic_add_fetch(&f->debugfs_reads, 1, __ATOMIC_RELAXED);
		usleep(50000);
	}
}

/* A blocking reader of every completion, until killed. */
static void chaos_trace(struct fuzz_figs *f)
{
	csd_trace_drain(&f->trace_records);
}

static pid_t spawn(void (*fn)(struct fuzz_figs *), struct fuzz_figs *f)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* Gone with the test, even when an ASSERT ends it early. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fn(f);
		_exit(0);
	}
	return pid;
}

TEST_F(fuzz, under_load)
{
	unsigned long total = csd_cmdline_ul("csd.fuzz_calls=", 0);
	struct fuzz_figs *f = figs_new();
	pid_t chaos[3], tracer, fz[NR_FUZZERS];
	struct csd_inflight infl = { .size = sizeof(infl) };
	struct csd_ns_entry ents[64];
	struct csd_ns_list l = {
		.size = sizeof(l), .count = 64, .entry_size = sizeof(ents[0]),
		.entries = CSD_U64P(ents),
	};
	struct csd_ns_entry e0, e1;
	unsigned long calls = 0, ok = 0;
	struct csd_info info;
	int i, st;
	unsigned int k;

	/* make check: 100k calls; make check-debug gives csd.fuzz_calls=1000000. */
	if (!total)
		total = 100000;
	ASSERT_NE(NULL, f);
	tracer = spawn(chaos_trace, f);
	chaos[0] = spawn(chaos_fio, f);
	chaos[1] = spawn(chaos_resets, f);
	chaos[2] = spawn(chaos_readers, f);
	for (i = 0; i < NR_FUZZERS; i++) {
		unsigned long long seed = rng_state + i * 0x9e3779b97f4a7c15ULL;

		fz[i] = fork();
		ASSERT_GE(fz[i], 0);
		if (fz[i] == 0) {
			struct fuzz_ctx x;
			unsigned long n;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			rng_state = seed ? seed : 1;
			ctx_init(&x, bufs_new());
			if (x.fd < 0)
				_exit(1);
			for (n = 0; n < total / NR_FUZZERS; n++)
				fuzz_one(&x, f);
			ctx_fini(&x);
			_exit(0);
		}
	}
	for (i = 0; i < NR_FUZZERS; i++) {
		ASSERT_EQ(fz[i], waitpid(fz[i], &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	f->stop = 1;
	for (i = 0; i < 3; i++)
		ASSERT_EQ(chaos[i], waitpid(chaos[i], &st, 0));
	kill(tracer, SIGKILL);
	ASSERT_EQ(tracer, waitpid(tracer, &st, 0));

	print_figs(_metadata, f, "load");
	for (k = 0; k < CALL_NR; k++) {
		calls += f->calls[k];
		ok += f->ok[k];
		EXPECT_EQ(0, f->bad_errno[k])
			TH_LOG("%s: %lu calls got an errno outside the ABI (last %d)",
			       csd_calls[k].name, f->bad_errno[k], f->last_bad_errno[k]);
		/* The handlers ran: every call succeeded sometimes. */
		if (k != CALL_EXEC || self->bpf)
			EXPECT_GT(f->ok[k], 0) TH_LOG("%s never succeeded", csd_calls[k].name);
	}
	EXPECT_EQ(total / NR_FUZZERS * NR_FUZZERS, calls);
	printf("# csd-reliability: fuzz chaos resets=%lu reloads=%lu fio_runs=%lu "
	       "debugfs_reads=%lu trace_records=%lu\n", f->resets, f->reloads,
	       f->fio_runs, f->debugfs_reads, f->trace_records);
	EXPECT_GT(f->resets, 0);

	/* Quiet now: nothing in flight, every namespace's books balance. */
	ASSERT_EQ(0, csd_nvme_up());
	csd_nvme_settle();
	/* A fuzzed CONFIG may have disabled a namespace: enable them all. */
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_LIST_NS, &l));
	for (k = 0; k < l.count; k++) {
		struct csd_config cf = { .size = sizeof(cf), .ns_id = ents[k].id,
					 .flags = CSD_CFG_F_ENABLE };

		if (!(ents[k].flags & CSD_NS_F_ADMIN))
			EXPECT_EQ(0, ioctl(self->fd, CSD_IOC_CONFIG, &cf));
	}
	l.count = 64;
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_INFLIGHT, &infl));
	EXPECT_EQ(0, infl.total);
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_LIST_NS, &l));
	for (k = 0; k < l.count; k++) {
		EXPECT_EQ(ents[k].submitted, ents[k].completed + ents[k].aborted)
			TH_LOG("%s: submitted %llu completed %llu aborted %llu", ents[k].disk,
			       ents[k].submitted, ents[k].completed, ents[k].aborted);
		printf("# csd-reliability: fuzz books %s submitted=%llu completed=%llu aborted=%llu\n",
		       ents[k].disk[0] ? ents[k].disk : ents[k].ctrl, ents[k].submitted,
		       ents[k].completed, ents[k].aborted);
	}
	ASSERT_EQ(0, csd_info(self->fd, &info));
	EXPECT_EQ(0, info.untracked);
	/* And csd still counts exactly. */
	ASSERT_EQ(0, csd_learn_ns(self->fd, csd_conv(), &e0));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 50, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &e1));
	EXPECT_EQ(50, e1.completed - e0.completed);
	EXPECT_EQ(50, e1.submitted - e0.submitted);
	munmap(f, sizeof(*f));
}

TEST_HARNESS_MAIN
