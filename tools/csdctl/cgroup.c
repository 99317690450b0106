// SPDX-License-Identifier: GPL-2.0
/*
 * csdctl stats --by-cgroup / --cgroup PATH: a namespace's commands per
 * cgroup and operation. csd names a cgroup by its id, the inode number of
 * its directory in the cgroup2 file system: csdctl walks that file system
 * once to name the ids it shows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "csdctl.h"
#include "cgroup.h"
#include "fetch.h"
#include "fmt.h"
#include "json.h"
#include "names.h"

int cg_fetch(int fd, __u32 ns_id, struct cg_rows *out)
{
	struct csd_cgroup_stats a;
	unsigned int cap = 0;

	memset(out, 0, sizeof(*out));
	for (;;) {
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.ns_id = ns_id;
		a.count = cap;
		a.entry_size = sizeof(struct csd_cgroup_entry);
		a.entries = (__u64)(unsigned long)out->e;
		if (ioctl(fd, CSD_IOC_CGROUP_STATS, &a)) {
			int err = -errno;

			cg_free(out);
			return err;
		}
		if (a.total <= cap)
			break;
		/* Rows appeared meanwhile: a bigger buffer (bounded by the ABI). */
		cap = a.total + 8;
		free(out->e);
		out->e = xcalloc(cap, sizeof(*out->e));
	}
	out->nr = a.count;
	out->slots = a.slots;
	out->slots_used = a.slots_used;
	out->ok = true;
	return 0;
}

void cg_free(struct cg_rows *r)
{
	free(r->e);
	memset(r, 0, sizeof(*r));
}

/* The cgroup2 mount point, or NULL. */
static const char *cg_mount(void)
{
	static char mnt[4096];
	static int done;
	struct mntent *m;
	FILE *f;

	if (done)
		return mnt[0] ? mnt : NULL;
	done = 1;
	f = setmntent("/proc/self/mounts", "r");
	if (!f)
		return NULL;
	while ((m = getmntent(f)))
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(mnt, sizeof(mnt), "%s", m->mnt_dir);
			break;
		}
	endmntent(f);
	return mnt[0] ? mnt : NULL;
}

/* Every cgroup of the cgroup2 file system: id and path, from one walk. */
static struct {
	__u64 *ids;
	char **paths;
	unsigned int nr, cap;
	size_t mnt_len;
	bool walked;
} cg_map;

static int cg_visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type != FTW_D)
		return 0;
	if (cg_map.nr == cg_map.cap) {
		cg_map.cap = cg_map.cap ? 2 * cg_map.cap : 64;
		cg_map.ids = realloc(cg_map.ids, cg_map.cap * sizeof(*cg_map.ids));
		cg_map.paths = realloc(cg_map.paths, cg_map.cap * sizeof(*cg_map.paths));
		if (!cg_map.ids || !cg_map.paths) {
			fprintf(stderr, "%s: out of memory\n", prog);
			exit(1);
		}
	}
	/* On 64-bit, a cgroup's id is its directory's inode number. */
	cg_map.ids[cg_map.nr] = st->st_ino;
	cg_map.paths[cg_map.nr] = strdup(path[cg_map.mnt_len] ? path + cg_map.mnt_len : "/");
	if (!cg_map.paths[cg_map.nr]) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(1);
	}
	cg_map.nr++;
	return 0;
}

const char *cg_path(__u64 id, char *buf, size_t len)
{
	const char *mnt = cg_mount();
	unsigned int i;

	if (!id) {
		snprintf(buf, len, "(other)");
		return buf;
	}
	if (!cg_map.walked && mnt) {
		cg_map.walked = true;
		cg_map.mnt_len = strlen(mnt);
		nftw(mnt, cg_visit, 16, FTW_PHYS | FTW_MOUNT);
	}
	for (i = 0; i < cg_map.nr; i++)
		if (cg_map.ids[i] == id) {
			snprintf(buf, len, "%s", cg_map.paths[i]);
			return buf;
		}
	/* Gone since csd counted it, or no cgroup2 mount to name it by. */
	snprintf(buf, len, "(%s, id %llu)", mnt ? "removed" : "unknown", (unsigned long long)id);
	return buf;
}

int cg_lookup(const char *path, __u64 *id)
{
	const char *mnt = cg_mount();
	char full[4096];
	struct stat st;

	if (!mnt) {
		fprintf(stderr, "%s: --cgroup: no cgroup2 file system is mounted\n", prog);
		return -1;
	}
	if (!strncmp(path, mnt, strlen(mnt)) &&
	    (path[strlen(mnt)] == '/' || !path[strlen(mnt)]))
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", mnt, path[0] == '/' ? path + 1 : path);
	if (stat(full, &st)) {
		fprintf(stderr, "%s: --cgroup: %s: %s\n", prog, full, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: --cgroup: %s is not a cgroup (not a directory)\n", prog, full);
		return -1;
	}
	*id = st.st_ino;
	return 0;
}

/* An operation's name ("other" for CSD_OP_OTHER: cgroup rows keep no opcode). */
static const char *cg_op(unsigned int op)
{
	return op_name(op) ?: "other";
}

static bool cg_shown(const struct csd_cgroup_entry *e, __u64 only)
{
	return !only || e->cgroup_id == only;
}

void cg_table(const struct ns_snap *s, const struct cg_rows *r, __u64 only)
{
	char path[PATH_MAX + 32], b[FMT_LEN], mean[FMT_LEN], max[FMT_LEN];
	unsigned int i, shown = 0;

	if (!r->ok)
		return;
	printf("\n%s by cgroup (%u of %u cgroups tracked, the rest in (other)):\n", s->ns.disk,
	       r->slots_used, r->slots);
	for (i = 0; i < r->nr; i++) {
		const struct csd_cgroup_entry *e = &r->e[i];

		if (!cg_shown(e, only))
			continue;
		if (!shown++)
			printf("%-32s %-14s %10s %8s %8s %8s %7s\n", "CGROUP", "OP", "COUNT", "BYTES",
			       "MEAN", "MAX", "ERRORS");
		printf("%-32s %-14s %10llu %8s %8s %8s %7llu\n",
		       cg_path(e->cgroup_id, path, sizeof(path)),
		       cg_op(e->op), (unsigned long long)e->count,
		       fmt_bytes(b, e->bytes), fmt_ns(mean, e->lat_sum_ns / e->count),
		       fmt_ns(max, e->lat_max_ns), (unsigned long long)e->errors);
	}
	if (!shown && only && r->slots_used == r->slots)
		printf("no commands of that cgroup in its own row since counting started: all %u slots were taken, so they may be in (other) (csdctl reset frees the slots)\n",
		       r->slots);
	else if (!shown)
		printf("no commands%s since counting started (a cgroup without the io controller has its commands in its nearest ancestor with it)\n",
		       only ? " of that cgroup" : "");
}

void cg_json(struct json *j, const struct cg_rows *r, __u64 only)
{
	char path[PATH_MAX + 32];
	unsigned int i;

	if (!r->ok) {
		json_null(j, "cgroups");
		return;
	}
	json_u64(j, "cgroup_slots", r->slots);
	json_u64(j, "cgroup_slots_used", r->slots_used);
	json_begin_array(j, "cgroups");
	for (i = 0; i < r->nr; i++) {
		const struct csd_cgroup_entry *e = &r->e[i];

		if (!cg_shown(e, only))
			continue;
		json_begin_object(j, NULL);
		json_u64(j, "cgroup_id", e->cgroup_id);
		if (e->cgroup_id)
			json_str(j, "cgroup", cg_path(e->cgroup_id, path, sizeof(path)));
		else
			json_null(j, "cgroup");
		json_str(j, "op", cg_op(e->op));
		json_u64(j, "count", e->count);
		json_u64(j, "bytes", e->bytes);
		json_u64(j, "errors", e->errors);
		json_u64(j, "lat_sum_ns", e->lat_sum_ns);
		json_u64(j, "mean_ns", e->lat_sum_ns / e->count);
		json_u64(j, "max_ns", e->lat_max_ns);
		json_end_object(j);
	}
	json_end_array(j);
}
