// SPDX-License-Identifier: GPL-2.0
/*
 * csdctl prog and exec: BPF program sets for csd, loaded with libbpf.
 *
 * A program set is a BPF object with one struct_ops map, of type csd_ops
 * (completion programs, attached to one namespace) or csd_exec_ops
 * (offload programs, run by CSD_IOC_EXEC). csdctl remembers loaded sets
 * in /run/csd/progs/NAME (the object's path and kind) and pins the
 * attachment's link at /sys/fs/bpf/csd/NAME, so that it outlives csdctl;
 * removing the pin detaches.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/csd.h>

#include "../bpf/slowlog.h"
#include "csdctl.h"
#include "fmt.h"
#include "json.h"
#include "names.h"

#define STATE_DIR	"/run/csd/progs"
#define PIN_DIR		"/sys/fs/bpf/csd"

enum kind { KIND_NONE, KIND_COMPLETE, KIND_EXEC };

static const char *kind_name(enum kind k)
{
	return k == KIND_COMPLETE ? "completion" : k == KIND_EXEC ? "offload" : "?";
}

/* libbpf's messages: kept, and printed when something fails. */
static char *log_buf;
static size_t log_len;

static int log_cb(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[4096];
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	log_buf = realloc(log_buf, log_len + n + 1);
	if (!log_buf)
		return 0;
	memcpy(log_buf + log_len, line, n + 1);
	log_len += n;
	return 0;
}

static void log_dump(void)
{
	if (log_len)
		fprintf(stderr, "%s", log_buf);
}

/* The object's csd struct_ops map and its kind. */
static struct bpf_map *find_ops(struct bpf_object *obj, enum kind *kind)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		const struct btf *btf = bpf_object__btf(obj);
		const struct btf_type *t;
		const char *name;

		if (bpf_map__type(m) != BPF_MAP_TYPE_STRUCT_OPS || !btf)
			continue;
		t = btf__type_by_id(btf, bpf_map__btf_value_type_id(m));
		name = t ? btf__name_by_offset(btf, t->name_off) : NULL;
		if (name && !strcmp(name, "csd_ops")) {
			*kind = KIND_COMPLETE;
			return m;
		}
		if (name && !strcmp(name, "csd_exec_ops")) {
			*kind = KIND_EXEC;
			return m;
		}
	}
	return NULL;
}

/* Open FILE; set the struct_ops data (ns_id or name); load. */
static struct bpf_object *load(const char *file, __u32 ns_id, const char *exec_name,
			       struct bpf_map **map, enum kind *kind)
{
	struct bpf_object *obj;
	void *data;
	size_t sz;

	libbpf_set_print(log_cb);
	obj = bpf_object__open_file(file, NULL);
	if (!obj) {
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, file, strerror(errno));
		return NULL;
	}
	*map = find_ops(obj, kind);
	if (!*map) {
		fprintf(stderr, "%s: %s has no csd_ops or csd_exec_ops struct_ops map\n", prog, file);
		goto err;
	}
	data = bpf_map__initial_value(*map, &sz);
	if (!data) {
		fprintf(stderr, "%s: cannot set up %s (libbpf >= 1.4 needed)\n", prog, file);
		goto err;
	}
	/* struct csd_ops: 8-byte function pointer, then ns_id. */
	if (*kind == KIND_COMPLETE && sz >= 12)
		memcpy((char *)data + 8, &ns_id, sizeof(ns_id));
	/* struct csd_exec_ops: two function pointers, then the name. */
	if (*kind == KIND_EXEC && exec_name && sz >= 16 + CSD_NAME_LEN) {
		memset((char *)data + 16, 0, CSD_NAME_LEN);
		snprintf((char *)data + 16, CSD_NAME_LEN, "%s", exec_name);
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "%s: the kernel's verifier refused %s:\n", prog, file);
		log_dump();
		goto err;
	}
	return obj;
err:
	bpf_object__close(obj);
	return NULL;
}

#define BPF_FS_MAGIC	0xcafe4a11

static int ensure_dirs(void)
{
	struct statfs sfs;

	mkdir("/run/csd", 0700);
	mkdir(STATE_DIR, 0700);
	/* Mount bpffs only where there is none: never hide existing pins. */
	if (statfs("/sys/fs/bpf", &sfs) == 0 && sfs.f_type != BPF_FS_MAGIC)
		mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL);
	mkdir(PIN_DIR, 0700);
	return access(PIN_DIR, W_OK) ? -1 : 0;
}

static int state_write(const char *name, const char *file, enum kind kind,
		       const char *disk)
{
	char path[512], abs[4096];
	FILE *f;

	if (!realpath(file, abs))
		snprintf(abs, sizeof(abs), "%s", file);
	snprintf(path, sizeof(path), STATE_DIR "/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%s\n%s\n%s\n", abs, kind_name(kind), disk ? disk : "-");
	return fclose(f);
}

/* The disk a completion set was attached to, or "-". */
static void state_disk(const char *name, char *disk, size_t len)
{
	char path[512], line[4096];
	FILE *f;
	int i;

	snprintf(disk, len, "-");
	snprintf(path, sizeof(path), STATE_DIR "/%s", name);
	f = fopen(path, "r");
	if (!f)
		return;
	for (i = 0; i < 3 && fgets(line, sizeof(line), f); i++)
		if (i == 2) {
			line[strcspn(line, "\n")] = 0;
			line[len - 1] = 0;
			memcpy(disk, line, strlen(line) + 1);
		}
	fclose(f);
}

static int state_read(const char *name, char *file, size_t len, enum kind *kind)
{
	char path[512], k[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), STATE_DIR "/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(file, len, f) || !fgets(k, sizeof(k), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	file[strcspn(file, "\n")] = 0;
	*kind = !strncmp(k, "completion", 10) ? KIND_COMPLETE : KIND_EXEC;
	return 0;
}

static bool valid_name(const char *n)
{
	size_t i, len = strlen(n);

	if (!len || len >= CSD_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!(n[i] == '-' || n[i] == '_' || (n[i] >= '0' && n[i] <= '9') ||
		      (n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' && n[i] <= 'Z')))
			return false;
	return true;
}

/* The default name: FILE's base name without .bpf.o. */
static const char *default_name(const char *file, char *buf, size_t len)
{
	const char *b = strrchr(file, '/');

	snprintf(buf, len, "%s", b ? b + 1 : file);
	buf[strcspn(buf, ".")] = 0;
	return buf;
}

static int pin_link(struct bpf_link *link, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), PIN_DIR "/%s", name);
	return bpf_link__pin(link, path);
}

/*
 * Pin the set's own maps (ring buffers, settings) in PIN_DIR/maps/NAME/
 * for csdctl (bpffs names have no dots).
 */
static void pin_maps(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m;
	char path[512];

	mkdir(PIN_DIR "/maps", 0700);
	snprintf(path, sizeof(path), PIN_DIR "/maps/%s", name);
	mkdir(path, 0700);
	bpf_object__for_each_map(m, obj) {
		if (bpf_map__type(m) == BPF_MAP_TYPE_STRUCT_OPS || strchr(bpf_map__name(m), '.'))
			continue;
		snprintf(path, sizeof(path), PIN_DIR "/maps/%s/%s", name, bpf_map__name(m));
		if (bpf_map__pin(m, path))
			fprintf(stderr, "%s: cannot pin %s: %s\n", prog, path, strerror(errno));
	}
}

static void unpin_maps(const char *name)
{
	char dir[512], path[1024];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), PIN_DIR "/maps/%s", name);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int prog_load(const char *file)
{
	char nbuf[CSD_NAME_LEN];
	const char *name = opts.name ? opts.name : default_name(file, nbuf, sizeof(nbuf));
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *map;
	enum kind kind;
	char pin[512];
	int ret = 1;

	if (!valid_name(name)) {
		fprintf(stderr, "%s: '%s' is not a program name (letters, digits, - and _, at most %d)\n",
			prog, name, CSD_NAME_LEN - 1);
		return 2;
	}
	if (ensure_dirs()) {
		fprintf(stderr, "%s: cannot use %s (is bpffs mounted on /sys/fs/bpf?)\n", prog,
			PIN_DIR);
		return 1;
	}
	snprintf(pin, sizeof(pin), PIN_DIR "/%s", name);
	if (!access(pin, F_OK)) {
		fprintf(stderr, "%s: a program set named %s is attached (prog detach %s first)\n",
			prog, name, name);
		return 1;
	}
	/* The verifier's check: completion programs load again on attach. */
	obj = load(file, 0, name, &map, &kind);
	if (!obj)
		return 1;
	if (kind == KIND_EXEC) {
		link = bpf_map__attach_struct_ops(map);
		if (!link) {
			fprintf(stderr, "%s: cannot register %s: %s\n", prog, name, strerror(errno));
			goto out;
		}
		if (pin_link(link, name)) {
			fprintf(stderr, "%s: cannot pin %s: %s\n", prog, pin, strerror(errno));
			bpf_link__destroy(link);
			goto out;
		}
		bpf_link__disconnect(link);
		bpf_link__destroy(link);
	}
	if (state_write(name, file, kind, NULL)) {
		fprintf(stderr, "%s: cannot write %s/%s\n", prog, STATE_DIR, name);
		goto out;
	}
	printf("%s: %s program set %s, verified%s\n", name, kind_name(kind), file,
	       kind == KIND_EXEC ? ", registered for exec" : "");
	ret = 0;
out:
	bpf_object__close(obj);
	return ret;
}

static int prog_attach(const char *name, const char *disk)
{
	struct csd_ns_entry ns;
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *map;
	char file[4096];
	enum kind kind;
	int fd, ret = 1;

	if (state_read(name, file, sizeof(file), &kind)) {
		fprintf(stderr, "%s: no program set %s (prog load it first)\n", prog, name);
		return 1;
	}
	if (kind != KIND_COMPLETE) {
		fprintf(stderr, "%s: %s is an offload program set: run it with csdctl exec\n",
			prog, name);
		return 1;
	}
	fd = csd_open_disk(disk, &ns);
	if (fd < 0)
		return 1;
	close(fd);
	if (ensure_dirs())
		return 1;
	obj = load(file, ns.id, NULL, &map, &kind);
	if (!obj)
		return 1;
	link = bpf_map__attach_struct_ops(map);
	if (!link) {
		fprintf(stderr, "%s: cannot attach %s to %s: %s\n", prog, name, ns.disk,
			errno == EBUSY ? "a program set is attached there already" :
			strerror(errno));
		goto out;
	}
	if (pin_link(link, name)) {
		fprintf(stderr, "%s: cannot pin %s: %s\n", prog, name, strerror(errno));
		bpf_link__destroy(link);
		goto out;
	}
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	pin_maps(obj, name);
	state_write(name, file, kind, ns.disk);
	printf("%s: attached to %s\n", name, ns.disk);
	ret = 0;
out:
	bpf_object__close(obj);
	return ret;
}

static int prog_detach(const char *name)
{
	char pin[512], path[512];

	snprintf(pin, sizeof(pin), PIN_DIR "/%s", name);
	snprintf(path, sizeof(path), STATE_DIR "/%s", name);
	unpin_maps(name);
	if (unlink(pin) && errno != ENOENT) {
		fprintf(stderr, "%s: cannot remove %s: %s\n", prog, pin, strerror(errno));
		return 1;
	}
	if (unlink(path) && errno == ENOENT && access(pin, F_OK)) {
		fprintf(stderr, "%s: no program set %s\n", prog, name);
		return 1;
	}
	return 0;
}

/*
 * Whether struct_ops program @pfd belongs to the map @map_id: the map's
 * value holds the program ids of its function pointers.
 */
static bool prog_of_link(int pfd, __u32 map_id)
{
	struct bpf_prog_info pi = { };
	__u32 pl = sizeof(pi), key = 0;
	struct bpf_map_info mi = { };
	__u32 ml = sizeof(mi);
	bool found = false;
	__u64 *val;
	int mfd;
	__u32 i;

	if (bpf_prog_get_info_by_fd(pfd, &pi, &pl))
		return false;
	mfd = bpf_map_get_fd_by_id(map_id);
	if (mfd < 0)
		return false;
	if (bpf_map_get_info_by_fd(mfd, &mi, &ml) || !mi.value_size) {
		close(mfd);
		return false;
	}
	val = calloc(1, mi.value_size);
	/* A struct_ops map's value has the program ids where the pointers are. */
	if (val && !bpf_map_lookup_elem(mfd, &key, val))
		for (i = 0; i < mi.value_size / 8; i++)
			if ((val[i] & 0xffffffff) == pi.id && !(val[i] >> 32))
				found = true;
	free(val);
	close(mfd);
	return found;
}

/* The attached link's programs' run statistics. */
static void link_stats(const char *name, bool *attached, __u64 *runs, __u64 *ns)
{
	struct bpf_link_info info = { };
	__u32 len = sizeof(info), id = 0;
	char pin[512];
	int fd;

	*attached = false;
	*runs = *ns = 0;
	snprintf(pin, sizeof(pin), PIN_DIR "/%s", name);
	fd = bpf_obj_get(pin);
	if (fd < 0)
		return;
	*attached = true;
	if (bpf_link_get_info_by_fd(fd, &info, &len) == 0 &&
	    info.type == BPF_LINK_TYPE_STRUCT_OPS) {
		/* The programs whose map is this link's: match by map id. */
		while (!bpf_prog_get_next_id(id, &id)) {
			struct bpf_prog_info pi = { };
			__u32 pl = sizeof(pi);
			int pfd = bpf_prog_get_fd_by_id(id);

			if (pfd < 0)
				continue;
			/* struct_ops programs of this set: named after the set's map. */
			if (!bpf_prog_get_info_by_fd(pfd, &pi, &pl) &&
			    pi.type == BPF_PROG_TYPE_STRUCT_OPS &&
			    pi.attach_btf_obj_id && prog_of_link(pfd, info.struct_ops.map_id)) {
				*runs += pi.run_cnt;
				*ns += pi.run_time_ns;
			}
			close(pfd);
		}
	}
	close(fd);
}

static int prog_list(void)
{
	struct json j = { .f = stdout };
	struct dirent *de;
	DIR *d;

	d = opendir(STATE_DIR);
	if (opts.json)
		json_begin_array(&j, NULL);
	else
		printf("%-16s %-10s %-12s %12s %12s  %s\n", "NAME", "KIND", "ATTACHED-TO", "RUNS",
		       "RUN-TIME", "FILE");
	while (d && (de = readdir(d))) {
		char file[4096], disk[64];
		enum kind kind;
		bool attached;
		__u64 runs, rt;

		if (de->d_name[0] == '.' || state_read(de->d_name, file, sizeof(file), &kind))
			continue;
		link_stats(de->d_name, &attached, &runs, &rt);
		state_disk(de->d_name, disk, sizeof(disk));
		if (!attached)
			snprintf(disk, sizeof(disk), "-");
		else if (kind == KIND_EXEC)
			snprintf(disk, sizeof(disk), "(exec)");
		if (opts.json) {
			json_begin_object(&j, NULL);
			json_str(&j, "name", de->d_name);
			json_str(&j, "kind", kind_name(kind));
			json_str(&j, "file", file);
			json_bool(&j, "attached", attached);
			json_str(&j, "attached_to", disk);
			json_u64(&j, "runs", runs);
			json_u64(&j, "run_time_ns", rt);
			json_end_object(&j);
		} else {
			printf("%-16s %-10s %-12s %12llu %10.3fms  %s\n", de->d_name, kind_name(kind),
			       disk, (unsigned long long)runs, rt / 1e6, file);
		}
	}
	if (d)
		closedir(d);
	if (opts.json) {
		json_end_array(&j);
		json_end(&j);
	}
	return 0;
}

static unsigned long nr_printed;

static int print_event(void *ctx, void *data, size_t len)
{
	const struct slow_event *e = data;
	char lat[32], op[32];

	if (len < sizeof(*e))
		return 0;
	if (opts.json) {
		struct json j = { .f = stdout };

		json_begin_object(&j, NULL);
		json_u64(&j, "ns_id", e->ns_id);
		json_str(&j, "op", op_label(op, sizeof(op), e->op, e->opcode));
		json_u64(&j, "opcode", e->opcode);
		json_u64(&j, "slba", e->slba);
		json_u64(&j, "nlb", e->nlb);
		json_i64(&j, "zone", (int)e->zone);
		json_u64(&j, "latency_ns", e->latency_ns);
		json_u64(&j, "status", e->status);
		json_end_object(&j);
		json_end(&j);
	} else {
		printf("%-14s ns %-3u slba %-12llu nlb %-6u zone %-6d latency %-9s status 0x%03x\n",
		       op_label(op, sizeof(op), e->op, e->opcode), e->ns_id,
		       (unsigned long long)e->slba, e->nlb, (int)e->zone,
		       fmt_ns(lat, e->latency_ns), e->status);
	}
	fflush(stdout);
	nr_printed++;
	/* -n COUNT: a non-zero return stops ring_buffer__poll() here. */
	return (opts.given & OPT_ITERATIONS) && nr_printed >= opts.iterations ? 1 : 0;
}

/* Print what set N sends to its "events" ring buffer (slowlog). */
static int prog_events(const char *name)
{
	char path[512];
	struct ring_buffer *rb;
	int fd, cfd;

	snprintf(path, sizeof(path), PIN_DIR "/maps/%s/events", name);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fprintf(stderr, "%s: %s has no events ring buffer attached (%s)\n", prog, name,
			strerror(errno));
		return 1;
	}
	if (opts.given & OPT_ARG) {
		__u64 ns = opts.arg * 1000;
		__u32 k = 0;

		snprintf(path, sizeof(path), PIN_DIR "/maps/%s/cfg", name);
		cfd = bpf_obj_get(path);
		if (cfd < 0 || bpf_map_update_elem(cfd, &k, &ns, 0)) {
			fprintf(stderr, "%s: cannot set %s's threshold\n", prog, name);
			close(fd);
			return 1;
		}
		close(cfd);
	}
	rb = ring_buffer__new(fd, print_event, NULL, NULL);
	if (!rb) {
		close(fd);
		return 1;
	}
	while (!(opts.given & OPT_ITERATIONS) || nr_printed < opts.iterations)
		if (ring_buffer__poll(rb, 200) < 0 ||
		    ((opts.given & OPT_ITERATIONS) && nr_printed >= opts.iterations))
			break;
	ring_buffer__free(rb);
	close(fd);
	return 0;
}

int cmd_prog(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "events"))
		return prog_events(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "load") && argc == 3)
		return prog_load(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "attach"))
		return prog_attach(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "detach"))
		return prog_detach(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "list"))
		return prog_list();
	fprintf(stderr, "%s: usage: prog load FILE [--name N] | prog attach N DISK | prog detach N | prog list | prog events N [-n COUNT] [--arg US]\n",
		prog);
	return 2;
}

/*
 * The --format name of what CSD_IOC_EXEC says the result is (the program
 * set's csd_exec_ops.result_format); a module older than that says
 * nothing (CSD_FEAT_EXEC_FORMAT), and the set's name is the guess.
 */
static const char *exec_format_name(int fd, const struct csd_exec *e)
{
	struct csd_info info = { .size = sizeof(info) };

	if (ioctl(fd, CSD_IOC_GET_INFO, &info) || !(info.features & CSD_FEAT_EXEC_FORMAT))
		return strstr(e->prog, "entropy") ? "entropy" :
		       strstr(e->prog, "checksum") ? "u32" :
		       strstr(e->prog, "count") ? "u64" : "hex";
	switch (e->result_format) {
	case CSD_EXEC_FMT_U32:
		return "u32";
	case CSD_EXEC_FMT_U64:
		return "u64";
	case CSD_EXEC_FMT_ENTROPY:
		return "entropy";
	default:
		return "hex";
	}
}

/* Shannon entropy in bits per byte from a 256-bin histogram. */
static double entropy(const __u32 *bins, __u64 *total)
{
	double h = 0;
	int i;

	*total = 0;
	for (i = 0; i < 256; i++)
		*total += bins[i];
	for (i = 0; i < 256; i++) {
		double p = *total ? (double)bins[i] / *total : 0;

		if (p > 0)
			h -= p * log2(p);
	}
	return h;
}

/* Print one execution's result, as a table or a JSON object. */
static void exec_print(const struct csd_ns_entry *ns, const struct csd_exec *e,
		       const unsigned char *res, const char *fmt, struct json *j)
{
	unsigned int i;

	if (j) {
		json_begin_object(j, NULL);
		json_str(j, "disk", ns->disk);
		json_str(j, "prog", e->prog);
		if (e->flags & CSD_EXEC_F_ZONE)
			json_u64(j, "zone", e->zone);
		json_u64(j, "bytes_scanned", e->bytes_scanned);
		json_u64(j, "bytes_returned", e->result_len);
		json_u64(j, "chunks", e->chunks);
		json_u64(j, "prog_ns", e->prog_ns);
		json_u64(j, "io_ns", e->io_ns);
		if (!strcmp(fmt, "entropy") && e->result_len >= 1024) {
			__u64 total;
			double h = entropy((const __u32 *)res, &total);

			json_double(j, "entropy_bits_per_byte", h);
			json_begin_array(j, "histogram");
			for (i = 0; i < 256; i++)
				json_u64(j, NULL, ((const __u32 *)res)[i]);
			json_end_array(j);
		} else if (!strcmp(fmt, "u64") && e->result_len >= 8) {
			json_u64(j, "value", *(const __u64 *)res);
		} else if (!strcmp(fmt, "u32") && e->result_len >= 4) {
			json_u64(j, "value", *(const __u32 *)res);
		}
		json_end_object(j);
		return;
	}

	if (opts.zone_range)
		printf("zone %u: ", e->zone);
	if (!strcmp(fmt, "entropy") && e->result_len >= 1024) {
		__u64 total;
		double h = entropy((const __u32 *)res, &total);

		printf("entropy: %.4f bits per byte over %llu bytes\n", h,
		       (unsigned long long)total);
	} else if (!strcmp(fmt, "u64") && e->result_len >= 8) {
		printf("result: %llu\n", (unsigned long long)*(const __u64 *)res);
	} else if (!strcmp(fmt, "u32") && e->result_len >= 4) {
		printf("result: 0x%08x\n", *(const __u32 *)res);
	} else {
		printf("result (%u bytes):", e->result_len);
		for (i = 0; i < e->result_len && i < 256; i++)
			printf("%s%02x", i % 32 ? "" : "\n  ", res[i]);
		printf("\n");
	}
	printf("scanned %llu bytes in %llu chunks, returned %u (%.4f%%); program %.3f ms, reading %.3f ms\n",
	       (unsigned long long)e->bytes_scanned, (unsigned long long)e->chunks, e->result_len,
	       e->bytes_scanned ? 100.0 * e->result_len / e->bytes_scanned : 0,
	       e->prog_ns / 1e6, e->io_ns / 1e6);
}

/* One execution of a zone range's, run by exec_worker(). */
struct exec_job {
	struct csd_exec e;
	unsigned char *res;	/* its result, e.result_len bytes */
	int err;		/* errno of CSD_IOC_EXEC, 0 if it ran */
	bool done;
};

struct exec_pool {
	int fd;
	struct exec_job *jobs;
	unsigned long nr;
	unsigned long next;	/* the next job to take (atomic) */
	int failed;		/* a job failed: take no more (atomic) */
};

/* The request of zone @zone (or the LBA range) of namespace @ns. */
static void exec_fill(struct csd_exec *e, const struct csd_ns_entry *ns, __u64 zone)
{
	memset(e, 0, sizeof(*e));
	e->size = sizeof(*e);
	e->ns_id = ns->id;
	if (opts.given & OPT_ZONE) {
		e->flags = CSD_EXEC_F_ZONE | (opts.given & OPT_WRITTEN ? CSD_EXEC_F_WRITTEN : 0);
		e->zone = zone;
	} else {
		e->slba = opts.slba;
		e->nlb = opts.nlb;
	}
	snprintf(e->prog, sizeof(e->prog), "%s", opts.prog_name);
	e->arg = opts.arg;
}

/* A thread of --jobs: takes the next zone until none is left or one failed. */
static void *exec_worker(void *arg)
{
	struct exec_pool *p = arg;
	unsigned char *buf = malloc(CSD_EXEC_RESULT_MAX);

	for (;;) {
		struct exec_job *job;
		unsigned long i;

		/*
		 * Failed first, then take: every job taken runs, so the jobs
		 * run are all those before the last one taken.
		 */
		if (__atomic_load_n(&p->failed, __ATOMIC_ACQUIRE))
			break;
		i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
		if (i >= p->nr)
			break;
		job = &p->jobs[i];
		job->e.result = (__u64)(unsigned long)buf;
		job->e.result_len = CSD_EXEC_RESULT_MAX;
		if (!buf) {
			job->err = ENOMEM;
		} else if (ioctl(p->fd, CSD_IOC_EXEC, &job->e)) {
			job->err = errno;
		} else {
			job->res = malloc(job->e.result_len ? job->e.result_len : 1);
			if (job->res)
				memcpy(job->res, buf, job->e.result_len);
			else
				job->err = ENOMEM;
		}
		job->done = true;
		if (job->err)
			__atomic_store_n(&p->failed, 1, __ATOMIC_RELEASE);
	}
	free(buf);
	return NULL;
}

/*
 * Run every job of @p, on up to @threads threads (this one included).
 * The jobs after a failure may not run: their done stays false.
 */
static void exec_run_pool(struct exec_pool *p, unsigned int threads)
{
	pthread_t tid[CSDCTL_JOBS_MAX];
	unsigned int i, started = 0;

	for (i = 1; i < threads; i++) {
		if (pthread_create(&tid[started], NULL, exec_worker, p))
			break;	/* fewer threads: the others take more */
		started++;
	}
	exec_worker(p);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
}

static void exec_error(const struct csd_ns_entry *ns, int err)
{
	if (err == ENOENT)
		fprintf(stderr, "%s: no offload program set %s is registered (csdctl prog load)\n",
			prog, opts.prog_name);
	else
		ioctl_error("CSD_IOC_EXEC", ns->disk, err);
}

int cmd_exec(int argc, char **argv)
{
	static unsigned char res[CSD_EXEC_RESULT_MAX];
	const char *fmt = opts.format;
	struct json j = { .f = stdout };
	struct csd_ns_entry ns;
	struct exec_pool pool;
	struct csd_exec e;
	__u64 zone, last;
	unsigned long i;
	int fd, ret = 0;

	if (argc != 2 || !(opts.given & OPT_PROG) ||
	    !!(opts.given & OPT_ZONE) == !!(opts.given & (OPT_SLBA | OPT_NLB)) ||
	    ((opts.given & (OPT_SLBA | OPT_NLB)) && !(opts.given & OPT_NLB)) ||
	    ((opts.given & OPT_WRITTEN) && !(opts.given & OPT_ZONE))) {
		fprintf(stderr, "%s: usage: exec DISK --prog N (--zone Z[-Z2] [--written] | --slba S --nlb L) [--jobs N]\n",
			prog);
		return 2;
	}
	fd = csd_open_disk(argv[1], &ns);
	if (fd < 0)
		return 1;
	zone = opts.zone;
	last = opts.given & OPT_ZONE ? opts.zone_last : opts.zone;
	if (opts.json && opts.zone_range)
		json_begin_array(&j, NULL);
	/* A range past the namespace's zones: the kernel says so, one by one. */
	if (opts.jobs > 1 && last > zone && last < ns.nr_zones) {
		/* Zones at once, one thread each; printed in zone order. */
		memset(&pool, 0, sizeof(pool));
		pool.fd = fd;
		pool.nr = last - zone + 1;
		pool.jobs = xcalloc(pool.nr, sizeof(*pool.jobs));
		for (i = 0; i < pool.nr; i++)
			exec_fill(&pool.jobs[i].e, &ns, zone + i);
		exec_run_pool(&pool, opts.jobs < pool.nr ? opts.jobs : pool.nr);
		/* In zone order, up to the first failure, which is said. */
		for (i = 0; i < pool.nr && pool.jobs[i].done; i++) {
			struct exec_job *job = &pool.jobs[i];

			if (job->err)
				break;
			if (!fmt)
				fmt = exec_format_name(fd, &job->e);
			exec_print(&ns, &job->e, job->res, fmt, opts.json ? &j : NULL);
		}
		for (; i < pool.nr; i++) {
			if (pool.jobs[i].err) {
				exec_error(&ns, pool.jobs[i].err);
				ret = 1;
				break;
			}
		}
		for (i = 0; i < pool.nr; i++)
			free(pool.jobs[i].res);
		free(pool.jobs);
		goto out;
	}
	/* One execution per zone of a range, in one process. */
	for (; zone <= last; zone++) {
		exec_fill(&e, &ns, zone);
		e.result = (__u64)(unsigned long)res;
		e.result_len = sizeof(res);
		if (ioctl(fd, CSD_IOC_EXEC, &e)) {
			exec_error(&ns, errno);
			ret = 1;
			break;
		}
		/* --format, or what the program set says its result is (asked once). */
		if (!fmt)
			fmt = exec_format_name(fd, &e);
		exec_print(&ns, &e, res, fmt, opts.json ? &j : NULL);
		if (opts.json && !opts.zone_range)
			json_end(&j);
	}
out:
	if (opts.json && opts.zone_range) {
		json_end_array(&j);
		json_end(&j);
	}
	close(fd);
	return ret;
}
