/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: the namespace table (ns.c) and what an entry holds.
 */
#ifndef _CSD_NS_H
#define _CSD_NS_H

struct csd_stats;
struct csd_ops;

/* What csd remembers of a command between submission and completion. */
struct csd_slot {
	u64 start_ns;	/* 0: free */
	u32 gen;	/* epoch it was counted in; 0: not counted */
	u16 cid;	/* command id nvme_setup_cmd() gave the command */
	u16 itag;	/* the request's scheduler tag (0xffff: none) */
};

/* Namespace counters outside any epoch, one copy per CPU. */
struct csd_ns_pcpu {
	u64 early;	/* submissions before the tables were ready */
	u64 unmatched;	/* completions of commands not seen submitted */
	u64 stale;	/* completions of commands of an older epoch */
	u64 requeued;	/* setups again of a command that reached no device */
};

/*
 * One NVMe namespace csd has seen I/O on, keyed by its request queue.
 *
 * Entries are created by the submission probe the first time a queue shows
 * up, published with RCU in csd_ns_hash and csd_ns_list, and get their
 * tables (statistics, command slots) from a work item right after. They are
 * freed by the reaper once their disk is dead, or when nvme_core goes. Each
 * entry holds a reference on its queue, so @q can never be freed and reused
 * by a new queue while the entry exists. (The reference is on the queue,
 * not the disk: see csd_ns_is_dead().)
 */
struct csd_ns {
	struct hlist_node hnode;	/* csd_ns_hash, RCU */
	struct list_head node;		/* csd_ns_list by id, RCU */
	struct list_head reap_node;	/* private list of the reaper */
	struct request_queue *q;	/* lookup key; referenced */
	struct gendisk *disk;		/* NULL if admin; valid while !dead */
	struct gendisk *head_disk;	/* a path's multipath head; referenced */
	u32 id;
	u32 nsid;
	bool zoned;
	bool dead;			/* seen dead by the reaper once */
	bool disabled;			/* CSD_IOC_CONFIG */
	bool admin;			/* a controller's admin queue */
	bool alloc_warned;		/* said that a table is missing */
	bool regeom;			/* geometry changed: new epoch pending */
	bool rows_wanted;		/* the probe asked setup_work for a row */
	bool announced;			/* csd_ns_events.added was called */
	bool unchecked;			/* found at load: no command checked the layout */
	u32 lba_shift;
	u64 capacity;
	u64 zone_sectors;
	u64 nr_zones;
	u64 region_sectors;		/* wanted region size (conventional) */
	char disk_name[CSD_NAME_LEN];
	char ctrl_name[CSD_NAME_LEN];
	int ctrl_instance;		/* N of nvmeN, -1 if unknown */
	/* Who it is, whatever its names: subsystem NQN, controller ID. */
	char subnqn[CSD_NQN_LEN];	/* "" if nvme-core had none yet */
	u16 cntlid;
	struct csd_ns_pcpu __percpu *pcpu;

	/* Tables, set up by setup_work, read by the probes under RCU. */
	struct csd_stats __rcu *stats;
	struct csd_slot __rcu **slots;	/* [nr_hctx] rows of [depth], each set once */
	u32 nr_hctx;			/* room in slots[]: queues csd can count */
	u32 depth;
	u32 slot_rows;			/* rows allocated */
	u32 next_gen;
	struct work_struct setup_work;
	struct mutex lock;		/* serializes table changes */
	struct csd_ops __rcu *bpf_ops;	/* attached completion program */
	struct dentry *dbg;
};

/* What the text views call a namespace: its disk, or nvmeN for an admin queue. */
static inline const char *csd_ns_name(const struct csd_ns *ns)
{
	return ns->admin ? ns->ctrl_name : ns->disk_name;
}

/* ns.c */
/*
 * Who hears of a namespace's entry coming and going (debugfs), in process
 * context: after its first tables (setup_work), and before it is freed.
 */
struct csd_ns_events {
	void (*added)(struct csd_ns *ns);
	void (*removed)(struct csd_ns *ns);
};

int csd_ns_init(const struct csd_ns_events *ev);
void csd_ns_exit(void);

/* Published entries by request queue (RCU; changed under csd_ns_lock). */
#define CSD_NS_HASH_BITS	6
extern struct hlist_head csd_ns_hash[1 << CSD_NS_HASH_BITS];

static inline struct hlist_head *csd_ns_bucket(const struct request_queue *q)
{
	return &csd_ns_hash[hash_ptr(q, CSD_NS_HASH_BITS)];
}

/* The entry of @q, or NULL: under RCU, or in a probe (see csd_deref()). */
static __always_inline struct csd_ns *csd_ns_lookup(const struct request_queue *q)
{
	struct csd_ns *ns;

	hlist_for_each_entry_rcu(ns, csd_ns_bucket(q), hnode)
		if (ns->q == q)
			return ns;
	return NULL;
}

struct csd_ns *csd_ns_get_or_create(struct request_queue *q, struct request *rq,
				    struct nvme_command *cmd);
int csd_ns_adopt(struct gendisk *disk);
bool csd_ns_is_dead(const struct csd_ns *ns);
struct csd_ns *csd_ns_find_id(u32 id);
unsigned int csd_ns_count(void);
void csd_ns_forget_all(void);
void csd_ns_park_all(void);
void csd_ns_fill_entry(const struct csd_ns *ns, struct csd_ns_entry *e);
void csd_global_sum(struct csd_global_pcpu *sum);
void csd_ns_pcpu_sum(const struct csd_ns *ns, struct csd_ns_pcpu *sum);
u64 csd_ns_mem(const struct csd_ns *ns);
u64 csd_mem_total(void);
int csd_ns_reset(struct csd_ns *ns);
int csd_ns_ensure_tables(struct csd_ns *ns);
void csd_ns_reset_parked(void);
int csd_ns_configure(struct csd_ns *ns, const struct csd_config *cfg);
void csd_ns_put_ref(struct csd_ns *ns);
extern struct list_head csd_ns_list;
extern struct mutex csd_ns_mutex;

#endif
