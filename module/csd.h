/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: NVMe/ZNS latency accounting - internal declarations.
 */
#ifndef _CSD_H
#define _CSD_H

#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/types.h>
#include <uapi/linux/csd.h>

#define CSD_VERSION	"0.1.0"

/* Hot counters of one namespace, one copy per CPU. */
struct csd_ns_pcpu {
	u64 submitted;
	u64 completed;
};

/*
 * One NVMe namespace csd has seen I/O on, keyed by its request queue.
 *
 * Entries are created by the submission probe the first time a queue shows
 * up (so no request is missed), published with RCU in csd_ns_hash and
 * csd_ns_list, and freed by the reaper once their disk is dead. Each entry
 * holds a reference on its disk, so @q can never be freed and reused by a
 * new queue while the entry exists.
 */
struct csd_ns {
	struct hlist_node hnode;	/* csd_ns_hash, RCU */
	struct list_head node;		/* csd_ns_list by id, RCU */
	struct list_head reap_node;	/* private list of the reaper */
	struct request_queue *q;	/* lookup key */
	struct gendisk *disk;		/* referenced */
	u32 id;
	u32 nsid;
	bool zoned;
	bool dead;			/* seen dead by the reaper once */
	u32 lba_shift;
	u64 capacity;
	u64 zone_sectors;
	u64 nr_zones;
	char disk_name[CSD_NAME_LEN];
	char ctrl_name[CSD_NAME_LEN];
	struct csd_ns_pcpu __percpu *pcpu;
};

/* Counters that belong to no namespace. */
struct csd_global_pcpu {
	u64 admin_submitted;
	u64 admin_completed;
	u64 untracked;
};

extern struct csd_global_pcpu __percpu *csd_global;

/* ns.c */
int csd_ns_init(void);
void csd_ns_exit(void);
struct csd_ns *csd_ns_lookup(const struct request_queue *q);
struct csd_ns *csd_ns_get_or_create(struct request_queue *q, u32 nsid);
void csd_ns_forget_all(void);
unsigned int csd_ns_count(void);
void csd_ns_fill_entry(const struct csd_ns *ns, struct csd_ns_entry *e);
void csd_ns_sum(const struct csd_ns *ns, struct csd_ns_pcpu *sum);
void csd_global_sum(struct csd_global_pcpu *sum);
extern struct list_head csd_ns_list;

/* hooks.c */
int csd_hooks_init(void);
void csd_hooks_exit(void);
unsigned int csd_hooks_attached(void);

/* chardev.c */
int csd_chardev_init(void);
void csd_chardev_exit(void);

/* debugfs.c */
void csd_debugfs_init(void);
void csd_debugfs_exit(void);

#endif /* _CSD_H */
