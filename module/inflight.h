/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: the commands in flight (inflight.c).
 */
#ifndef _CSD_INFLIGHT_H
#define _CSD_INFLIGHT_H

struct seq_file;

/* inflight.c */
struct csd_inflight_set {
	struct csd_inflight_entry *e;
	u32 nr;		/* filled */
	u32 max;	/* room */
	u32 total;	/* seen, matching */
	u32 skipped;	/* namespaces whose queue could not be entered */
	u64 now_ns;
	u64 min_age_ns;
};

int csd_inflight_collect(struct csd_ns *only, struct csd_inflight_set *set);
int csd_inflight_show(struct seq_file *m, struct csd_ns *only);

#endif
