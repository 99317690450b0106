// SPDX-License-Identifier: GPL-2.0
/*
 * Completion programs: a BPF struct_ops (csd_ops) attached to one
 * namespace runs once per completed command, classifies and drops, and
 * detaching restores normal accounting. Loaded with libbpf, checked by the
 * kernel's verifier against csd's module BTF.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../../tools/bpf/slowlog.h"
#include "csd_lib.h"
#include "csd_harness.h"

#define BPF_DIR	"/csd/bpf"

/* The BPF side's struct csd_ops: function pointer, then the data. */
struct csd_ops_data {
	void *complete;
	__u32 ns_id;
	__u32 flags;
};

static struct bpf_object *open_prog(const char *file, const char *map_name,
				    __u32 ns_id, struct bpf_map **map)
{
	char path[256];
	struct bpf_object *obj;
	struct csd_ops_data *d;
	size_t sz;

	snprintf(path, sizeof(path), "%s/%s", BPF_DIR, file);
	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return NULL;
	*map = bpf_object__find_map_by_name(obj, map_name);
	if (!*map)
		goto err;
	d = bpf_map__initial_value(*map, &sz);
	if (!d || sz < sizeof(*d))
		goto err;
	d->ns_id = ns_id;
	if (bpf_object__load(obj))
		goto err;
	return obj;
err:
	bpf_object__close(obj);
	return NULL;
}

/* csdctl stats DISK --class --json into @out; returns its exit status. */
static int csdctl_class_json(const char *disk, char *out, size_t len)
{
	char cmd[256];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "csdctl stats %s --class --json", disk);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = 0;
	return pclose(p);
}

/* The totals of @id's statistics (csd_snap_take() builds the argument). */
static int ns_stats(int fd, __u32 id, struct csd_ns_stats *st)
{
	static struct csd_snap s;
	int ret = csd_snap_take(fd, id, &s);

	*st = s.st;
	return ret;
}

FIXTURE(prog) {
	int fd;
	struct csd_ns_entry conv, zns;
};

FIXTURE_SETUP(prog)
{
	struct csd_info info;

	CSD_SKIP_WITHOUT_BPF();
	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, csd_info(self->fd, &info));
	ASSERT_TRUE(info.features & CSD_FEAT_BPF);
	ASSERT_EQ(0, access("/sys/kernel/btf/csd", R_OK));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, 4096, 0));
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 1, 4096, 0));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_conv()->disk, &self->conv));
	ASSERT_EQ(0, csd_find_ns(self->fd, csd_zns()->disk, &self->zns));
}

FIXTURE_TEARDOWN(prog)
{
	close(self->fd);
}

/* Runs exactly once per command of its namespace, and only there. */
TEST_F(prog, count_runs_once_per_request)
{
	struct csd_ns_stats a, b;
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *map, *counts;
	__u64 all = 0, reads = 0;
	char want[128], out[1024];
	__u32 k;

	obj = open_prog("classify.bpf.o", "csd_classify", self->conv.id, &map);
	ASSERT_NE(NULL, obj);
	ASSERT_EQ(0, ns_stats(self->fd, self->conv.id, &a));
	link = bpf_map__attach_struct_ops(map);
	ASSERT_NE(NULL, link);

	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 123, 4096, 0));
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 17, 4096, 0));

	counts = bpf_object__find_map_by_name(obj, "counts");
	ASSERT_NE(NULL, counts);
	k = CSD_OP_NR;
	ASSERT_EQ(0, bpf_map__lookup_elem(counts, &k, sizeof(k), &all, sizeof(all), 0));
	k = CSD_OP_READ;
	ASSERT_EQ(0, bpf_map__lookup_elem(counts, &k, sizeof(k), &reads, sizeof(reads), 0));
	EXPECT_EQ(123, all);
	EXPECT_EQ(123, reads);

	/* Class 1 is reads: csd accounted them per class too. */
	ASSERT_EQ(0, ns_stats(self->fd, self->conv.id, &b));
	EXPECT_EQ(123, b.class_count[0] - a.class_count[0]);
	EXPECT_EQ(0, b.class_count[1] - a.class_count[1]);
	EXPECT_NE(0, b.class_lat_sum_ns[0] - a.class_lat_sum_ns[0]);
	EXPECT_EQ(123, b.completed - a.completed);
	/* csdctl shows the same classes. */
	snprintf(want, sizeof(want), "{\"class\":1,\"count\":%llu,",
		 (unsigned long long)b.class_count[0]);
	EXPECT_EQ(0, csdctl_class_json(self->conv.disk, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, want));

	/* Detached: the program runs no more. */
	ASSERT_EQ(0, bpf_link__destroy(link));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 9, 4096, 0));
	k = CSD_OP_NR;
	ASSERT_EQ(0, bpf_map__lookup_elem(counts, &k, sizeof(k), &all, sizeof(all), 0));
	EXPECT_EQ(123, all);
	bpf_object__close(obj);
}

/* Dropping leaves reads out of the rows; detaching restores accounting. */
TEST_F(prog, drop_then_detach)
{
	struct csd_reset r = { .size = sizeof(r), .ns_id = self->conv.id };
	static struct csd_snap c;
	struct csd_ns_stats a, b;
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *map;
	unsigned int i;
	__u64 reads;

	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_RESET, &r));
	obj = open_prog("drop.bpf.o", "csd_drop", self->conv.id, &map);
	ASSERT_NE(NULL, obj);
	link = bpf_map__attach_struct_ops(map);
	ASSERT_NE(NULL, link);
	ASSERT_EQ(0, ns_stats(self->fd, self->conv.id, &a));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 40, 4096, 0));
	ASSERT_EQ(0, ns_stats(self->fd, self->conv.id, &b));
	EXPECT_EQ(40, b.dropped - a.dropped);
	EXPECT_EQ(40, b.completed - a.completed);
	ASSERT_EQ(0, bpf_link__destroy(link));
	bpf_object__close(obj);

	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 11, 4096, 0));
	ASSERT_EQ(0, csd_snap_take(self->fd, self->conv.id, &c));
	for (reads = 0, i = 0; i < c.st.row_count; i++)
		if (c.rows[i].op == CSD_OP_READ)
			reads += c.rows[i].count;
	/* Only the 11 reads after the detach are in the rows. */
	EXPECT_EQ(11, reads);
	EXPECT_EQ(40, c.st.dropped);
}

/*
 * A program and a trace reader on one namespace (the probe's shared path):
 * both see every command, with the same latency, and the class csd counts
 * sums exactly the latencies of the trace. Closing both leaves plain
 * counting.
 */
TEST_F(prog, with_trace_reader)
{
	struct csd_trace_open t = { .size = sizeof(t), .ns_id = self->conv.id,
				    .flags = CSD_TRACE_F_NONBLOCK };
	struct csd_trace_rec recs[64];
	struct csd_ns_stats a, b, c;
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *map, *counts;
	__u64 all = 0, lat = 0;
	__u32 k = CSD_OP_NR;
	ssize_t r;
	int i, n;

	obj = open_prog("classify.bpf.o", "csd_classify", self->conv.id, &map);
	ASSERT_NE(NULL, obj);
	link = bpf_map__attach_struct_ops(map);
	ASSERT_NE(NULL, link);
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_TRACE, &t));
	ASSERT_EQ(0, ns_stats(self->fd, self->conv.id, &a));

	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 37, 4096, 8192));

	ASSERT_EQ(0, ns_stats(self->fd, self->conv.id, &b));
	r = read(t.fd, recs, sizeof(recs));
	ASSERT_EQ(37 * sizeof(recs[0]), r);
	for (n = r / sizeof(recs[0]), i = 0; i < n; i++) {
		EXPECT_EQ(CSD_OP_READ, recs[i].op);
		EXPECT_EQ(8192 >> self->conv.lba_shift, recs[i].slba);
		EXPECT_GT(recs[i].latency_ns, 0);
		lat += recs[i].latency_ns;
	}
	counts = bpf_object__find_map_by_name(obj, "counts");
	ASSERT_NE(NULL, counts);
	ASSERT_EQ(0, bpf_map__lookup_elem(counts, &k, sizeof(k), &all, sizeof(all), 0));
	EXPECT_EQ(37, all);
	EXPECT_EQ(37, b.completed - a.completed);
	EXPECT_EQ(37, b.class_count[0] - a.class_count[0]);
	EXPECT_EQ(lat, b.class_lat_sum_ns[0] - a.class_lat_sum_ns[0]);

	close(t.fd);
	ASSERT_EQ(0, bpf_link__destroy(link));
	bpf_object__close(obj);
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 5, 4096, 0));
	ASSERT_EQ(0, ns_stats(self->fd, self->conv.id, &c));
	EXPECT_EQ(5, c.completed - b.completed);
	EXPECT_EQ(0, c.class_count[0] - b.class_count[0]);
}

/* One program per namespace; unknown namespaces are refused. */
TEST_F(prog, attach_rules)
{
	struct bpf_object *o1, *o2, *o3;
	struct bpf_link *l1, *l2, *l3;
	struct bpf_map *m1, *m2, *m3;

	o1 = open_prog("classify.bpf.o", "csd_classify", self->conv.id, &m1);
	o2 = open_prog("drop.bpf.o", "csd_drop", self->conv.id, &m2);
	o3 = open_prog("drop.bpf.o", "csd_drop", 999999, &m3);
	ASSERT_NE(NULL, o1);
	ASSERT_NE(NULL, o2);
	ASSERT_NE(NULL, o3);
	l1 = bpf_map__attach_struct_ops(m1);
	ASSERT_NE(NULL, l1);
	l2 = bpf_map__attach_struct_ops(m2);
	EXPECT_EQ(NULL, l2);
	EXPECT_EQ(EBUSY, errno);
	l3 = bpf_map__attach_struct_ops(m3);
	EXPECT_EQ(NULL, l3);
	EXPECT_EQ(ENODEV, errno);
	/* csd cannot go while a program is attached. */
	EXPECT_EQ(-1, syscall(SYS_delete_module, "csd", O_NONBLOCK));
	bpf_link__destroy(l1);
	bpf_object__close(o1);
	bpf_object__close(o2);
	bpf_object__close(o3);
}

/* Attaching and detaching while fio runs: no request lost, no oops. */
TEST_F(prog, attach_detach_under_fio)
{
	struct csd_ns_stats a, b;
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *map;
	char cmd[512];
	pid_t pid;
	int i, status;

	snprintf(cmd, sizeof(cmd),
		 CSD_FIO "--name=f --filename=%s --direct=1 --ioengine=libaio --iodepth=8 "
		 "--rw=randread --bs=4k --numjobs=2 --time_based --runtime=3 "
		 "--output=/dev/null", csd_conv()->path);
	ASSERT_EQ(0, ns_stats(self->fd, self->conv.id, &a));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(csd_run(cmd));
	for (i = 0; i < 20; i++) {
		obj = open_prog(i % 2 ? "drop.bpf.o" : "classify.bpf.o",
				i % 2 ? "csd_drop" : "csd_classify", self->conv.id, &map);
		ASSERT_NE(NULL, obj);
		link = bpf_map__attach_struct_ops(map);
		ASSERT_NE(NULL, link);
		usleep(50000);
		ASSERT_EQ(0, bpf_link__destroy(link));
		bpf_object__close(obj);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Quiet: every command submitted in the epoch completed. */
	ASSERT_EQ(0, ns_stats(self->fd, self->conv.id, &b));
	EXPECT_EQ(b.submitted, b.completed + b.aborted);
	EXPECT_GT(b.completed - a.completed, 100);
}

static int nr_events, bad_events;
static __u64 want_slba;

static int on_event(void *ctx, void *data, size_t len)
{
	const struct slow_event *e = data;

	if (len < sizeof(*e) || e->op != CSD_OP_READ || e->opcode != 0x02 || e->nlb != 1 ||
	    e->slba != want_slba + nr_events || !e->latency_ns)
		bad_events++;
	nr_events++;
	return 0;
}

/* slowlog with a threshold of 1 ns sees each read, in order, with its fields. */
TEST_F(prog, slowlog_ring_buffer)
{
	struct ring_buffer *rb;
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *map;
	__u64 one = 1;
	__u32 k = 0;
	int i;

	obj = open_prog("slowlog.bpf.o", "csd_slowlog", self->conv.id, &map);
	ASSERT_NE(NULL, obj);
	ASSERT_EQ(0, bpf_map__update_elem(bpf_object__find_map_by_name(obj, "cfg"), &k,
					  sizeof(k), &one, sizeof(one), 0));
	rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "events")),
			      on_event, NULL, NULL);
	ASSERT_NE(NULL, rb);
	link = bpf_map__attach_struct_ops(map);
	ASSERT_NE(NULL, link);
	want_slba = 300;
	for (i = 0; i < 25; i++)
		ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, 4096, (300 + i) * 4096));
	ASSERT_EQ(0, bpf_link__destroy(link));
	ring_buffer__consume(rb);
	EXPECT_EQ(25, nr_events);
	EXPECT_EQ(0, bad_events);
	ring_buffer__free(rb);
	bpf_object__close(obj);
}

/* csd_req_data(): the data each read returned, from the completion path. */
TEST_F(prog, read_data_in_completion)
{
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *map, *m;
	unsigned char *buf;
	__u64 slba, v;
	int fd, i;

	ASSERT_EQ(0, posix_memalign((void **)&buf, 4096, 10 * 4096));
	for (i = 0; i < 10; i++) {
		__u64 tag = 0x6373640000000000ULL | (500 + i);

		memset(buf + i * 4096, 0x5a, 4096);
		memcpy(buf + i * 4096, &tag, sizeof(tag));
	}
	fd = open(csd_conv()->path, O_WRONLY | O_DIRECT);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(10 * 4096, pwrite(fd, buf, 10 * 4096, 500 * 4096));
	close(fd);

	obj = open_prog("peek.bpf.o", "csd_peek", self->conv.id, &map);
	ASSERT_NE(NULL, obj);
	link = bpf_map__attach_struct_ops(map);
	ASSERT_NE(NULL, link);
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, 4096, (500 + i) * 4096));
	ASSERT_EQ(0, bpf_link__destroy(link));

	m = bpf_object__find_map_by_name(obj, "first8");
	ASSERT_NE(NULL, m);
	for (i = 0; i < 10; i++) {
		slba = 500 + i;
		ASSERT_EQ(0, bpf_map__lookup_elem(m, &slba, sizeof(slba), &v, sizeof(v), 0));
		EXPECT_EQ(0x6373640000000000ULL | (500 + i), v);
	}
	bpf_object__close(obj);
	free(buf);
}

/* The last context ctxlog.bpf.o kept of @opcode's commands. */
static int ctx_of(struct bpf_object *obj, __u32 opcode, struct csd_req_ctx *c)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, "last");

	if (!m)
		return -1;
	return bpf_map__lookup_elem(m, &opcode, sizeof(opcode), c, sizeof(*c), 0);
}

/*
 * The last context of @want's opcode, field by field against @want (the
 * latency: any but 0). Returns the number of fields that differ.
 */
static int ctx_check(struct __test_metadata *_metadata, struct bpf_object *obj,
		     const struct csd_req_ctx *want)
{
	struct csd_req_ctx c;
	int bad = 0;

	if (ctx_of(obj, want->opcode, &c))
		return -1;
#define CTX_FIELD(f) do {						\
		if (c.f != want->f) {					\
			TH_LOG("opcode 0x%x: " #f " %llu, want %llu",	\
			       want->opcode, (unsigned long long)c.f,	\
			       (unsigned long long)want->f);		\
			bad++;						\
		}							\
	} while (0)
	CTX_FIELD(ns_id);
	CTX_FIELD(nsid);
	CTX_FIELD(opcode);
	CTX_FIELD(op);
	CTX_FIELD(size_class);
	CTX_FIELD(zone_action);
	CTX_FIELD(status);
	CTX_FIELD(pad);
	CTX_FIELD(zone);
	CTX_FIELD(pad1);
	CTX_FIELD(slba);
	CTX_FIELD(nlb);
	CTX_FIELD(pad2);
	CTX_FIELD(bytes);
#undef CTX_FIELD
	if (!c.latency_ns) {
		TH_LOG("opcode 0x%x: latency 0", want->opcode);
		bad++;
	}
	return bad;
}

/*
 * Every field of the context a program sees, padding too, for three
 * commands of known content on the zoned namespace: a zone reset (a zone
 * send of action 4), a write off the write pointer (Zone Invalid Write)
 * and a two-block read. tools/bpf/ctxlog.bpf.c keeps the last command of
 * each opcode.
 */
TEST_F(prog, context_fields)
{
	__u32 lba = 1U << self->zns.lba_shift;
	__u64 zl = self->zns.zone_sectors >> (self->zns.lba_shift - 9);
	__u8 sc2 = 2 * lba <= 4096 ? CSD_SZ_4K : CSD_SZ_16K;
	struct bpf_object *obj;
	struct bpf_link *link;
	struct csd_req_ctx c;
	struct bpf_map *map;
	void *buf;

	ASSERT_EQ(0, posix_memalign(&buf, 4096, 2 * lba));
	memset(buf, 0, 2 * lba);
	obj = open_prog("ctxlog.bpf.o", "csd_ctxlog", self->zns.id, &map);
	ASSERT_NE(NULL, obj);
	link = bpf_map__attach_struct_ops(map);
	ASSERT_NE(NULL, link);
	ASSERT_EQ(0, nvme_io(csd_zns(), 0x79, 6 * zl, 0, NULL, 0, 0, 0, 0x04));
	EXPECT_EQ(0x1bc, nvme_io(csd_zns(), 0x01, 6 * zl + 5, 1, buf, lba, 0, 0, 0) & 0x7ff);
	ASSERT_EQ(0, nvme_io(csd_zns(), 0x02, zl + 3, 2, buf, 2 * lba, 0, 0, 0));
	ASSERT_EQ(0, bpf_link__destroy(link));

	EXPECT_EQ(0, ctx_check(_metadata, obj, &(struct csd_req_ctx){
		.ns_id = self->zns.id, .nsid = self->zns.nsid, .opcode = 0x79,
		.op = CSD_OP_ZONE_RESET, .size_class = CSD_SZ_NONE,
		.zone_action = 4, .zone = 6, .slba = 6 * zl }));
	EXPECT_EQ(0, ctx_check(_metadata, obj, &(struct csd_req_ctx){
		.ns_id = self->zns.id, .nsid = self->zns.nsid, .opcode = 0x01,
		.op = CSD_OP_WRITE, .size_class = CSD_SZ_4K, .status = 0x1bc,
		.zone = 6, .slba = 6 * zl + 5, .nlb = 1, .bytes = lba }));
	EXPECT_EQ(0, ctx_check(_metadata, obj, &(struct csd_req_ctx){
		.ns_id = self->zns.id, .nsid = self->zns.nsid, .opcode = 0x02,
		.op = CSD_OP_READ, .size_class = sc2, .zone = 1,
		.slba = zl + 3, .nlb = 2, .bytes = 2 * lba }));

	/* No other opcode ran the program: its entries are still zero. */
	ASSERT_EQ(0, ctx_of(obj, 0x7a, &c));
	EXPECT_EQ(0, c.ns_id);
	bpf_object__close(obj);
	free(buf);
}

/*
 * csd_req_data() at the edges of an 8 KiB read (two 4 KiB segments): a
 * slice up to the end of a segment, NULL for one that crosses into the
 * next or past the data, for size 0 (the verifier would let the program
 * read one byte of it) and for the largest size the verifier accepts
 * (U32_MAX; a larger one is refused, see exec_test's bad programs).
 */
TEST_F(prog, req_data_edges)
{
	/* tools/bpf/edges.bpf.c's probes: 1 a slice, 2 NULL. */
	static const __u32 want[] = { 1, 2, 1, 2, 1, 1, 2, 2, 2, 2, 2, 2, 2, 1 };
	const int nr = sizeof(want) / sizeof(want[0]);
	struct bpf_map *map, *cfg, *res;
	struct bpf_object *obj;
	struct bpf_link *link;
	__u32 k = 0, v;
	int i;

	obj = open_prog("edges.bpf.o", "csd_edges", self->conv.id, &map);
	ASSERT_NE(NULL, obj);
	cfg = bpf_object__find_map_by_name(obj, "cfg");
	res = bpf_object__find_map_by_name(obj, "res");
	ASSERT_NE(NULL, cfg);
	ASSERT_NE(NULL, res);
	link = bpf_map__attach_struct_ops(map);
	ASSERT_NE(NULL, link);
	for (i = 0; i < nr; i++) {
		k = 0;
		v = i;
		ASSERT_EQ(0, bpf_map__update_elem(cfg, &k, sizeof(k), &v, sizeof(v), 0));
		ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, 8192, 700 * 4096));
	}
	ASSERT_EQ(0, bpf_link__destroy(link));
	for (i = 0; i < nr; i++) {
		k = i;
		ASSERT_EQ(0, bpf_map__lookup_elem(res, &k, sizeof(k), &v, sizeof(v), 0));
		EXPECT_EQ(want[i], v) TH_LOG("probe %d", i);
	}
	bpf_object__close(obj);
}

/* Nor attach one that root loaded and handed over. */
TEST_F(prog, unprivileged_cannot_attach_handed_over)
{
	struct bpf_object *obj;
	struct bpf_map *map;
	pid_t pid;
	int status;

	obj = open_prog("classify.bpf.o", "csd_classify", self->conv.id, &map);
	ASSERT_NE(NULL, obj);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct bpf_link *l;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		l = bpf_map__attach_struct_ops(map);
		_exit(!l && (errno == EPERM || errno == EACCES) ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	bpf_object__close(obj);
}

/* Unprivileged users cannot load csd programs (the kernel says EPERM). */
TEST_F(prog, unprivileged_cannot_load)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct bpf_object *obj;
		struct bpf_map *map;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		libbpf_set_print(NULL);
		obj = open_prog("classify.bpf.o", "csd_classify", self->conv.id, &map);
		_exit(obj == NULL && (errno == EPERM || errno == EACCES) ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
