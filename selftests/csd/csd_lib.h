/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by csd's selftests. They run in the test guest, as root,
 * against the real csd.ko, the real nvme driver and QEMU's emulated NVMe
 * controller (zoned nvme0n1, conventional nvme0n2).
 */
#ifndef CSD_LIB_H
#define CSD_LIB_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/blkzoned.h>
#include <linux/csd.h>
#include <linux/nvme_ioctl.h>

#define CSD_KO_DEFAULT	"/csd/csd.ko"

static inline const char *csd_ko_path(void)
{
	const char *p = getenv("CSD_KO");

	return p ? p : CSD_KO_DEFAULT;
}

static inline int csd_open(void)
{
	return open(CSD_DEVICE_PATH, O_RDWR | O_CLOEXEC);
}

static inline int csd_info(int fd, struct csd_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, CSD_IOC_GET_INFO, info);
}

/*
 * Why csd's BPF tests cannot run here, or NULL: on kernels before 6.9
 * csd.ko is built without BPF programs (CSD_FEAT_BPF_COMPILED_OUT).
 */
static inline const char *csd_no_bpf_reason(void)
{
	struct csd_info info;
	int fd = open(CSD_DEVICE_PATH, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return NULL;
	ret = csd_info(fd, &info);
	close(fd);
	if (!ret && (info.features & CSD_FEAT_BPF_COMPILED_OUT))
		return "csd.ko is built without BPF programs here: this kernel cannot register struct_ops from a module (6.9+ with BPF_SYSCALL)";
	return NULL;
}

/* In a test or fixture setup: skip, saying why, where csd has no BPF. */
#define CSD_SKIP_WITHOUT_BPF()						\
	do {								\
		const char *_why = csd_no_bpf_reason();			\
		if (_why)						\
			SKIP(return, "%s", _why);			\
	} while (0)

/* Fill @e with the entry for @disk ("nvme0n1"); returns 0, or -1 if absent. */
static inline int csd_find_ns(int fd, const char *disk, struct csd_ns_entry *e)
{
	struct csd_ns_entry ents[64];
	struct csd_ns_list arg = {
		.size = sizeof(arg),
		.count = 64,
		.entry_size = sizeof(ents[0]),
		.entries = (__u64)(unsigned long)ents,
	};
	unsigned int i;

	int found = -1;

	if (ioctl(fd, CSD_IOC_LIST_NS, &arg))
		return -1;
	/*
	 * A removed disk's entry stays until the reaper's second pass, and a
	 * new disk may already have its name: the live one wins.
	 */
	for (i = 0; i < arg.count; i++)
		if (!strcmp(ents[i].disk, disk) &&
		    (found < 0 || !(ents[i].flags & CSD_NS_F_DEAD)))
			found = i;
	if (found >= 0) {
		*e = ents[found];
		return 0;
	}
	memset(e, 0, sizeof(*e));
	return -1;
}

static inline bool csd_module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

/* An admin queue's entry: controller @ctrl's ("nvme0"), or with NULL any. */
static inline int csd_find_admin(int fd, const char *ctrl, struct csd_ns_entry *out)
{
	struct csd_ns_entry ents[64];
	struct csd_ns_list arg = {
		.size = sizeof(arg), .count = 64, .entry_size = sizeof(ents[0]),
		.entries = (__u64)(unsigned long)ents,
	};
	unsigned int i;

	if (ioctl(fd, CSD_IOC_LIST_NS, &arg))
		return -1;
	for (i = 0; i < arg.count; i++)
		if ((ents[i].flags & CSD_NS_F_ADMIN) && (!ctrl || !strcmp(ents[i].ctrl, ctrl))) {
			*out = ents[i];
			return 0;
		}
	return -1;
}

/* Load the module at @path with parameters @args ("" for none). */
static inline int csd_insmod_args(const char *path, const char *args)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, args, 0);
	close(fd);
	return ret;
}

static inline int csd_insmod(const char *path)
{
	return csd_insmod_args(path, "");
}

/* rmmod, retrying while the module is busy for a moment. */
static inline int csd_rmmod(const char *name)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (!syscall(SYS_delete_module, name, O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			return -1;
		usleep(50000);
	}
	return -1;
}

static inline bool csd_wait_path(const char *path, bool present, int ms)
{
	for (; ms > 0; ms -= 20) {
		if ((access(path, F_OK) == 0) == present)
			return true;
		usleep(20000);
	}
	return (access(path, F_OK) == 0) == present;
}

/*
 * The memory csd holds for offload executions (debugfs info's
 * exec_mem_bytes: kept for 2 s after the last one), or -1.
 */
static inline long long csd_exec_mem(void)
{
	FILE *f = fopen("/sys/kernel/debug/csd/info", "re");
	long long v = -1;
	char line[128];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "exec_mem_bytes: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * Wait (up to 10 s) until csd holds no execution memory, so that a test
 * can count csd's memory exactly: 0, or -1. Without debugfs, wait out the
 * 2 s after which csd frees it.
 */
static inline int csd_exec_mem_idle(void)
{
	long long v;
	int i;

	for (i = 0; i < 200; i++) {
		v = csd_exec_mem();
		if (v == 0)
			return 0;
		if (v < 0) {
			sleep(3);
			return 0;
		}
		usleep(50000);
	}
	return -1;
}

/* Write @v to the file @path (a sysctl, debugfs or sysfs knob): 0 or -1. */
static inline int csd_write_str(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = write(fd, v, strlen(v)) == (ssize_t)strlen(v) ? 0 : -1;
	close(fd);
	return ret;
}

static inline int csd_run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Whether this kernel has module @name ("nvme-loop"): Debian 6.1 has no nvme-loop. */
static inline bool csd_module_exists(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "grep -q '/%s\\.ko' /lib/modules/$(uname -r)/modules.dep "
		 "/lib/modules/$(uname -r)/modules.builtin", name);
	return csd_run(cmd) == 0;
}

/* Issue exactly @n O_DIRECT reads of @bs bytes at byte offset @off. */
static inline int csd_direct_reads(const char *dev, int n, size_t bs, off_t off)
{
	void *buf;
	int fd, i;

	if (posix_memalign(&buf, 4096, bs))
		return -1;
	fd = open(dev, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (pread(fd, buf, bs, off) != (ssize_t)bs)
			break;
	}
	close(fd);
	free(buf);
	return i == n ? 0 : -1;
}

/*
 * The emulated controller's namespaces. Their names depend on scan order,
 * so find them by their properties: the zoned one and the conventional one.
 */
struct csd_nvme_ns {
	char disk[256];		/* "nvme0n1" */
	char path[272];		/* "/dev/nvme0n1" */
	unsigned int nsid;
};

/* Whether the running kernel's version is below @major.@minor. */
static inline bool csd_kernel_before(unsigned int major, unsigned int minor)
{
	unsigned int ma = 0, mi = 0;
	struct utsname u;

	if (uname(&u) || sscanf(u.release, "%u.%u", &ma, &mi) != 2)
		return false;
	return ma < major || (ma == major && mi < minor);
}

/*
 * Read the small file @path (sysfs, procfs) into @buf, without its
 * trailing newline: 0, or -1.
 */
static inline int csd_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static inline int csd_sysfs_read(const char *disk, const char *attr,
				 char *buf, size_t len)
{
	char path[1100];

	snprintf(path, sizeof(path), "/sys/block/%s/%s", disk, attr);
	return csd_read_file(path, buf, len);
}

/*
 * True once /dev/@disk is the block device node of @disk (the dev_t in
 * sysfs). devtmpfs creates the node a little after the disk appears, and
 * while it is missing, anything that opens the path with O_CREAT (fio,
 * by default) makes a regular file there, which then shadows the disk
 * for good: the kernel does not replace a file it did not create. So a
 * namespace counts as present only when its node is the real one.
 */
static inline bool csd_dev_node_ok(const char *disk)
{
	unsigned int maj, min;
	char path[300], buf[32];
	struct stat st;

	if (csd_sysfs_read(disk, "dev", buf, sizeof(buf)) ||
	    sscanf(buf, "%u:%u", &maj, &min) != 2)
		return false;
	snprintf(path, sizeof(path), "/dev/%s", disk);
	return !stat(path, &st) && S_ISBLK(st.st_mode) &&
	       major(st.st_rdev) == maj && minor(st.st_rdev) == min;
}

/*
 * fio as the tests run it: never creating a file where a device node is
 * expected (see csd_dev_node_ok()).
 */
#define CSD_FIO "fio --allow_file_create=0 "

/*
 * Find the first NVMe namespace disk (not a multipath path) whose sysfs
 * attribute @attr (e.g. "queue/zoned", "device/serial") starts with @want,
 * or, with @negate, does not.
 */
static inline int csd_nvme_find_by(const char *attr, const char *want, bool negate,
				   struct csd_nvme_ns *ns)
{
	struct dirent *de;
	char buf[64];
	DIR *d;
	int ret = -1;

	d = opendir("/sys/block");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		unsigned int c, n;
		char tail;

		if (sscanf(de->d_name, "nvme%un%u%c", &c, &n, &tail) != 2)
			continue;
		if (csd_sysfs_read(de->d_name, attr, buf, sizeof(buf)))
			continue;
		if (!strncmp(buf, want, strlen(want)) == negate)
			continue;
		if (!csd_dev_node_ok(de->d_name))
			continue;
		snprintf(ns->disk, sizeof(ns->disk), "%s", de->d_name);
		snprintf(ns->path, sizeof(ns->path), "/dev/%s", de->d_name);
		if (csd_sysfs_read(de->d_name, "nsid", buf, sizeof(buf)))
			break;
		ns->nsid = strtoul(buf, NULL, 0);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

/* The first NVMe namespace disk that is zoned, or not. */
static inline int csd_nvme_find(bool zoned, struct csd_nvme_ns *ns)
{
	return csd_nvme_find_by("queue/zoned", "host-managed", !zoned, ns);
}

static inline const struct csd_nvme_ns *csd_zns(void)
{
	static struct csd_nvme_ns ns;

	if (csd_nvme_find(true, &ns))
		memset(&ns, 0, sizeof(ns));
	return &ns;
}

static inline const struct csd_nvme_ns *csd_conv(void)
{
	static struct csd_nvme_ns ns;

	if (csd_nvme_find(false, &ns))
		memset(&ns, 0, sizeof(ns));
	return &ns;
}

/*
 * Wait until the kernel's own I/O on the new namespaces (partition scan,
 * zone revalidation) is over: no request in flight and no new completion
 * for 500 ms, as the block layer's own statistics say.
 */
static inline void csd_nvme_settle(void)
{
	char prev[2][256] = { "", "" }, cur[256];
	const struct csd_nvme_ns *ns[2] = { csd_zns(), csd_conv() };
	int stable = 0, i, changed;

	for (i = 0; i < 200 && stable < 5; i++) {
		int k;

		changed = 0;
		for (k = 0; k < 2; k++) {
			if (!ns[k]->disk[0] ||
			    csd_sysfs_read(ns[k]->disk, "stat", cur, sizeof(cur)))
				cur[0] = 0;
			if (strcmp(cur, prev[k]))
				changed = 1;
			snprintf(prev[k], sizeof(prev[k]), "%s", cur);
		}
		stable = changed ? 0 : stable + 1;
		usleep(100000);
	}
}

/*
 * Evidence for the rare disk without a /dev node (Documentation/
 * reliability.rst): kprobe events on devtmpfs' node creation (and its
 * result) and deletion, and on every unlink of a name nvme*, recorded in
 * a tracefs instance of their own (csd_devtmpfs: no test's tracing_on or
 * event load touches it) from the first test's nvme load of the boot on.
 * Needs BTF arguments (6.6+); silently absent elsewhere.
 */
#define CSD_DT_TRACE	"/sys/kernel/tracing/instances/csd_devtmpfs"

static inline void csd_devtmpfs_watch(void)
{
	csd_run("( cd /sys/kernel/tracing && [ ! -d instances/csd_devtmpfs ] && "
		"echo 'p:csd_dt_add devtmpfs_create_node name=dev->kobj.name:string devt=dev->devt' >> kprobe_events && "
		"echo 'r:csd_dt_add_ret devtmpfs_create_node ret=$retval' >> kprobe_events && "
		"echo 'p:csd_dt_del devtmpfs_delete_node name=dev->kobj.name:string devt=dev->devt' >> kprobe_events && "
		"echo 'p:csd_unlink vfs_unlink name=dentry->d_name.name:string' >> kprobe_events && "
		"mkdir instances/csd_devtmpfs && cd instances/csd_devtmpfs && "
		"echo 'name ~ \"nvme*\"' > events/kprobes/csd_unlink/filter && "
		"for e in csd_dt_add csd_dt_add_ret csd_dt_del csd_unlink; do "
		"echo 1 > events/kprobes/$e/enable || exit 1; done ) > /dev/null 2>&1");
}

/* Load the nvme driver and wait for both emulated namespaces. */
static inline int csd_nvme_up(void)
{
	int i;

	csd_devtmpfs_watch();
	if (csd_run("modprobe nvme"))
		return -1;
	for (i = 0; i < 1000; i++) {
		if (csd_zns()->disk[0] && csd_conv()->disk[0])
			break;
		usleep(20000);
	}
	if (!csd_zns()->disk[0] || !csd_conv()->disk[0]) {
		/* Say what is missing: the disk, or its node in /dev. */
		csd_run("for d in /sys/block/nvme*; do echo \"# csd_nvme_up: $d dev $(cat $d/dev)"
			" zoned $(cat $d/queue/zoned), node: $(ls -l /dev/${d##*/} 2>&1)\"; done");
		/* Evidence for the (rare) disk without a node: see reliability.rst. */
		csd_run("ls -l /dev | grep -E ' (nvme|ng)' | sed 's/^/# csd_nvme_up: dev: /'; "
			"dmesg | grep -E 'nvme|devtmpfs|blk|block' | tail -n 30 | "
			"sed 's/^/# csd_nvme_up: dmesg: /'; "
			"grep -a ' csd_' " CSD_DT_TRACE "/trace 2>/dev/null | tail -n 60 | "
			"sed 's/^/# csd_nvme_up: devtmpfs: /'");
		return -1;
	}
	csd_nvme_settle();
	return 0;
}

/*
 * Unload the nvme driver and nvme-core; the namespaces disappear. Fabrics
 * transports an earlier test left loaded (they hold nvme-core) go first.
 */
static inline int csd_nvme_down(void)
{
	static const char * const users[] = { "nvme_loop", "nvme_tcp", "nvme_fabrics", "nvme" };
	unsigned int i;

	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++)
		if (csd_module_loaded(users[i]) && csd_rmmod(users[i]))
			return -1;
	if (csd_module_loaded("nvme_core") && csd_rmmod("nvme_core"))
		return -1;
	return 0;
}

static inline int csd_reset_ns(int fd, int ns_id)
{
	struct csd_reset r = { .size = sizeof(r), .ns_id = ns_id };

	return ioctl(fd, CSD_IOC_RESET, &r);
}

/* One NVMe I/O command through the passthrough ioctl; returns its status. */
static inline int nvme_io(const struct csd_nvme_ns *ns, __u8 opcode, __u64 slba,
		   __u32 nlb, void *buf, __u32 len, __u32 cdw10, __u32 cdw11,
		   __u32 cdw13)
{
	struct nvme_passthru_cmd cmd = {
		.opcode = opcode,
		.nsid = ns->nsid,
		.addr = (__u64)(unsigned long)buf,
		.data_len = len,
		.cdw10 = cdw10 ? cdw10 : (__u32)slba,
		.cdw11 = cdw10 ? cdw11 : (__u32)(slba >> 32),
		.cdw12 = nlb ? nlb - 1 : 0,
		.cdw13 = cdw13,
	};
	int fd = open(ns->path, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, NVME_IOCTL_IO_CMD, &cmd);
	close(fd);
	return ret;
}

static inline int zone_op(const char *dev, unsigned long req, __u64 sector, __u64 nr)
{
	struct blk_zone_range r = { .sector = sector, .nr_sectors = nr };
	int fd = open(dev, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, req, &r);
	close(fd);
	return ret;
}

/* The zone holding @sector as the block layer reports it (BLKREPORTZONE). */
static inline int csd_report_zone(const char *dev, __u64 sector, struct blk_zone *z)
{
	struct {
		struct blk_zone_report r;
		struct blk_zone z;
	} rep = { .r = { .sector = sector, .nr_zones = 1 } };
	int fd = open(dev, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, BLKREPORTZONE, &rep);
	close(fd);
	if (ret || rep.r.nr_zones != 1)
		return -1;
	*z = rep.z;
	return 0;
}

/*
 * Wait until csd knows @disk and its tables are ready (a namespace shows up
 * at load or when its disk is added, or with its first command before
 * that). 0, or -1 on timeout.
 */
static inline int csd_wait_ns(int fd, const char *disk, struct csd_ns_entry *e)
{
	int i;

	for (i = 0; i < 500; i++) {	/* a bound, not a timing */
		if (!csd_find_ns(fd, disk, e) && !(e->flags & CSD_NS_F_PENDING) &&
		    (e->nr_regions || !e->capacity))
			return 0;
		usleep(20000);
	}
	return -1;
}

/*
 * Make sure csd knows @ns (it lists every namespace from load; a disk
 * being added may not be yet): if it does not yet, issue one 4 KiB
 * O_DIRECT read at LBA 0 (which csd counts), then wait for its tables.
 * Fills @e; 0 or -1.
 */
static inline int csd_learn_ns(int fd, const struct csd_nvme_ns *ns,
			       struct csd_ns_entry *e)
{
	if (!ns->disk[0])
		return -1;
	if (csd_find_ns(fd, ns->disk, e) &&
	    csd_direct_reads(ns->path, 1, 4096, 0))
		return -1;
	return csd_wait_ns(fd, ns->disk, e);
}

/*
 * The name ("nvme0") of the NVMe controller whose serial number is
 * @serial, into @name; 0, or -1 if there is none. Controller names
 * follow probe order, so tests find a controller by its serial.
 */
static inline int csd_ctrl_by_serial(const char *serial, char *name, size_t len)
{
	char path[300], buf[64];
	struct dirent *de;
	int ret = -1;
	DIR *d;

	d = opendir("/sys/class/nvme");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "nvme", 4))
			continue;
		snprintf(path, sizeof(path), "/sys/class/nvme/%s/serial", de->d_name);
		if (csd_read_file(path, buf, sizeof(buf)))
			continue;
		/* The serial is padded with spaces. */
		buf[strcspn(buf, " ")] = 0;
		if (!strcmp(buf, serial)) {
			snprintf(name, len, "%.*s", (int)(len ? len - 1 : 0), de->d_name);
			ret = 0;
			break;
		}
	}
	closedir(d);
	return ret;
}

/*
 * I/O pinned to each vCPU while the caller does something disruptive:
 * one child per CPU reads both namespaces (4 KiB O_DIRECT at LBA 0)
 * until csd_io_stop(). A read that fails ends its child with status 1.
 */
struct csd_io_load {
	pid_t pid[8];
	int nr;
	volatile unsigned long *shared;	/* [0]: stop; [1 + i]: reads by child i */
};

static inline int csd_io_start(struct csd_io_load *l)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int i;

	memset(l, 0, sizeof(*l));
	l->shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (l->shared == MAP_FAILED)
		return -1;
	for (i = 0; i < cpus && i < 8; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return -1;
		if (pid == 0) {
			cpu_set_t set;

			/* Gone with the test, even when an ASSERT ends it early. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			CPU_ZERO(&set);
			CPU_SET(i, &set);
			if (sched_setaffinity(0, sizeof(set), &set))
				_exit(2);
			while (!l->shared[0]) {
				if (csd_direct_reads(csd_zns()->path, 4, 4096, 0) ||
				    csd_direct_reads(csd_conv()->path, 4, 4096, 0))
					_exit(1);
				__atomic_add_fetch(&l->shared[1 + i], 8, __ATOMIC_RELAXED);
			}
			_exit(0);
		}
		l->pid[l->nr++] = pid;
	}
	return 0;
}

/* Reads done so far by all children. */
static inline unsigned long csd_io_reads(const struct csd_io_load *l)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < l->nr; i++)
		n += __atomic_load_n(&l->shared[1 + i], __ATOMIC_RELAXED);
	return n;
}

/*
 * Stop the children; 0 if every one read without an error and did
 * some reads, -1 otherwise. *@reads gets the total.
 */
static inline int csd_io_stop(struct csd_io_load *l, unsigned long *reads)
{
	int i, st, ret = 0;

	l->shared[0] = 1;
	for (i = 0; i < l->nr; i++) {
		if (waitpid(l->pid[i], &st, 0) != l->pid[i] ||
		    !WIFEXITED(st) || WEXITSTATUS(st) || !l->shared[1 + i])
			ret = -1;
	}
	*reads = csd_io_reads(l);
	munmap((void *)l->shared, 4096);
	return l->nr ? ret : -1;
}

/* Run the calling thread on @cpu (-1: on every CPU). */
static inline int csd_pin(int cpu)
{
	cpu_set_t set;
	long i, cpus = sysconf(_SC_NPROCESSORS_ONLN);

	CPU_ZERO(&set);
	for (i = 0; i < cpus; i++)
		if (cpu < 0 || i == cpu)
			CPU_SET(i, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/*
 * On a csd with BPF (kernel 6.9+): load the entropy offload program with
 * csdctl, for the tests that need a valid CSD_IOC_EXEC. *@bpf says
 * whether csd has BPF; 0, or -1 if it has and the load failed.
 */
static inline int csd_entropy_load(int fd, bool *bpf)
{
	struct csd_info info;

	if (csd_info(fd, &info))
		return -1;
	*bpf = info.features & CSD_FEAT_BPF;
	return *bpf ? csd_run("csdctl prog load /csd/bpf/entropy.bpf.o > /dev/null") : 0;
}

static inline void csd_entropy_unload(bool bpf)
{
	if (bpf)
		csd_run("csdctl prog detach entropy > /dev/null 2>&1");
}

/* The number after @key ("csd.fuzz_calls=") on the kernel command line. */
static inline unsigned long csd_cmdline_ul(const char *key, unsigned long def)
{
	char buf[4096], *p;
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return def;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return def;
	buf[n] = 0;
	p = strstr(buf, key);
	return p ? strtoul(p + strlen(key), NULL, 0) : def;
}

/*
 * A reader blocked in read() on a trace of every completion, adding the
 * records it gets to *@records; it returns only when killed (exit 1 if
 * the trace cannot be opened).
 */
static inline void csd_trace_drain(unsigned long *records)
{
	struct csd_trace_open t = { .size = sizeof(t) };
	struct csd_trace_rec recs[64];
	int fd = csd_open();
	ssize_t n;

	if (fd < 0 || ioctl(fd, CSD_IOC_TRACE, &t))
		_exit(1);
	while ((n = read(t.fd, recs, sizeof(recs))) > 0)
		__atomic_add_fetch(records, n / sizeof(recs[0]), __ATOMIC_RELAXED);
	_exit(0);
}

/* The emulated drive's controller: serial csd0001 (tools/vm/run.sh). */
#define CSD_SERIAL	"csd0001"

/*
 * Read the debugfs trace file @fd (open O_NONBLOCK) into @buf until it holds
 * @want lines of reads of @disk, or 5 s pass; returns the lines seen.
 */
static inline int csd_debugfs_trace_reads(int fd, char *buf, size_t size,
					  const char *disk, int want)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char pat[600];
	int i, lines = 0;
	size_t len = 0;
	char *l, *e;

	snprintf(pat, sizeof(pat), " %s ", disk);
	buf[0] = 0;
	for (i = 0; i < 50 && lines < want && len < size - 1; i++) {
		ssize_t n;

		poll(&p, 1, 100);
		n = read(fd, buf + len, size - 1 - len);
		if (n > 0)
			len += n;
		buf[len] = 0;
		/* Whole lines only, each on its own. */
		lines = 0;
		for (l = buf; (e = strchr(l, '\n')); l = e + 1) {
			*e = 0;
			if (strstr(l, pat) && strstr(l, " read "))
				lines++;
			*e = '\n';
		}
	}
	return lines;
}

/*
 * One namespace's CSD_IOC_NS_STATS, with room for every row and status:
 * the one place the tests build that argument.
 */
struct csd_snap {
	struct csd_ns_stats st;
	struct csd_stat_row rows[512];
	struct csd_status_entry status[64];
};

static inline int csd_snap_take(int fd, __u32 ns_id, struct csd_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->st.size = sizeof(s->st);
	s->st.ns_id = ns_id;
	s->st.row_count = sizeof(s->rows) / sizeof(s->rows[0]);
	s->st.row_size = sizeof(s->rows[0]);
	s->st.rows = (__u64)(unsigned long)s->rows;
	s->st.status_count = sizeof(s->status) / sizeof(s->status[0]);
	s->st.status_size = sizeof(s->status[0]);
	s->st.statuses = (__u64)(unsigned long)s->status;
	return ioctl(fd, CSD_IOC_NS_STATS, &s->st);
}

#endif /* CSD_LIB_H */
