/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csdctl's cgroup rows (CSD_IOC_CGROUP_STATS) and cgroup ids resolved to
 * paths in the cgroup2 file system.
 */
#ifndef CSDCTL_CGROUP_H
#define CSDCTL_CGROUP_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/csd.h>

struct json;
struct ns_snap;

/* A namespace's (cgroup, operation) rows with commands. */
struct cg_rows {
	struct csd_cgroup_entry *e;
	unsigned int nr;
	unsigned int slots;
	unsigned int slots_used;
	bool ok;		/* fetched (admin queues and old modules: not) */
};

/* Fetch @ns_id's rows: 0, or -errno (nothing printed). */
int cg_fetch(int fd, __u32 ns_id, struct cg_rows *out);
void cg_free(struct cg_rows *r);
/*
 * The path of cgroup @id under the cgroup2 mount ("/" for the root,
 * "/system.slice/x.service"), "(other)" for 0, or "(removed, id N)".
 */
const char *cg_path(__u64 id, char *buf, size_t len);
/* The id of the cgroup at @path (absolute, or relative to the cgroup2 mount). */
int cg_lookup(const char *path, __u64 *id);
/* Print @r as a table, or add it to a JSON object as "cgroups"; @only: 0 or one id. */
void cg_table(const struct ns_snap *s, const struct cg_rows *r, __u64 only);
void cg_json(struct json *j, const struct cg_rows *r, __u64 only);

#endif
