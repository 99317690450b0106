/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: NVMe/ZNS latency accounting - internal declarations.
 */
#ifndef _CSD_H
#define _CSD_H

#include <linux/atomic.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <uapi/linux/csd.h>
#include <uapi/linux/csd_bpf.h>

#include "nvme_layout.h"
#include "status_key.h"

#include <csd/hist.h>

struct nvme_command;
struct seq_file;

#define CSD_VERSION	"0.2.0"

#define CSD_NR_ROWS	(CSD_OP_NR * CSD_SZ_NR)
#define CSD_STATUS_SLOTS	64

/* Counters of one (operation, size class) row, one copy per CPU. */
struct csd_row_pcpu {
	u64 count;
	u64 bytes;
	u64 errors;
	u64 retries;
	u64 unbinned;
	u64 lat_sum;
	u64 lat_min;
	u64 lat_max;
};

/* A per-opcode latency histogram, one copy per CPU. */
struct csd_hist_pcpu {
	u64 b[CSD_HIST_BUCKETS];
};

/* Epoch counters of a namespace, one copy per CPU. */
struct csd_tot_pcpu {
	u64 submitted;
	u64 completed;
	u64 aborted;
	u64 dropped;
	u64 class_count[CSD_BPF_CLASSES];
	u64 class_lat_sum[CSD_BPF_CLASSES];
	u64 other_opcode[256];	/* CSD_OP_OTHER completions by opcode */
};

/* One (op, opcode, status) error counter, filled in by cmpxchg. */
struct csd_status_slot {
	atomic_t key;		/* 0: free; else CSD_STATUS_KEY() */
	atomic64_t count;
};

/* One admin opcode of a controller: shared, admin commands are rare. */
struct csd_admin_op {
	atomic64_t count;
	atomic64_t errors;
	atomic64_t lat_sum;
	atomic64_t lat_min;	/* U64_MAX until the first command */
	atomic64_t lat_max;
};

/* One zone (or region): shared, updated with atomics. At most 1 KiB. */
struct csd_zone {
	atomic64_t count[CSD_ZIO_NR];
	atomic64_t bytes[CSD_ZIO_NR];
	atomic64_t lat_sum[CSD_ZIO_NR];
	atomic64_t lat_max[CSD_ZIO_NR];
	atomic_t hist[CSD_ZIO_NR][CSD_ZHIST_BUCKETS];
	atomic_t opens;
	atomic_t closes;
	atomic_t finishes;
	atomic_t resets;
	atomic_t offlines;
	atomic_t errors;
};

/*
 * One epoch of a namespace's statistics. Reset and region changes publish
 * a new one with RCU; commands submitted in an older epoch are not counted
 * in the new one (their slot carries the epoch's generation).
 */
struct csd_stats {
	u32 gen;
	u64 since_ns;
	struct csd_tot_pcpu __percpu *tot;
	struct csd_row_pcpu __percpu *rows;	/* [CSD_NR_ROWS] */
	struct csd_hist_pcpu __percpu __rcu *hist[CSD_NR_ROWS];
	unsigned long hist_want[BITS_TO_LONGS(CSD_NR_ROWS)];
	struct work_struct hist_work;
	struct csd_status_slot status[CSD_STATUS_SLOTS];
	atomic64_t errors_other;
	atomic64_t zone_unbinned;	/* ranged commands before the zone table */
	u64 region_sectors;
	unsigned int region_shift;
	u32 nr_regions;
	struct csd_zone __rcu *zones;		/* [nr_regions], maybe later */
	struct csd_zone all_zones;		/* zone sends to every zone */
	struct csd_admin_op *admin;		/* [256], admin entries only */
	atomic64_t mem;				/* bytes held by this epoch */
	struct csd_ns *ns;
	/* While parked (nvme_core gone): who the epoch belongs to. */
	struct list_head park_node;
	char park_ctrl[CSD_NAME_LEN];
	u32 park_nsid;
	u32 park_lba_shift;
	bool park_zoned;
	bool unparked;		/* taken from the park, not yet published */
	u64 park_capacity;
};

/* What csd remembers of a command between submission and completion. */
struct csd_slot {
	u64 start_ns;	/* 0: free */
	u32 gen;	/* epoch it was counted in; 0: not counted */
	u16 cid;	/* command id nvme_setup_cmd() gave the command */
	u16 pad;
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
	u32 lba_shift;
	u64 capacity;
	u64 zone_sectors;
	u64 nr_zones;
	u64 region_sectors;		/* wanted region size (conventional) */
	char disk_name[CSD_NAME_LEN];
	char ctrl_name[CSD_NAME_LEN];
	int ctrl_instance;		/* N of nvmeN, -1 if unknown */
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

/* The kernel's side of a completion program's context (bpf.c). */
#define CSD_REQ_MAPS	4
struct csd_req_kern {
	struct csd_req_ctx ctx;
	struct request *rq;
	bool data_ok;
	unsigned int nr_maps;
	void *maps[CSD_REQ_MAPS];
};

struct csd_completion;

/* The namespace's completion program's verdict: 0 without one (bpf.c). */
#ifdef CSD_HAVE_BPF
int csd_bpf_complete(const struct csd_completion *c);
#else
static inline int csd_bpf_complete(const struct csd_completion *c) { return 0; }
#endif

/* What the text views call a namespace: its disk, or nvmeN for an admin queue. */
static inline const char *csd_ns_name(const struct csd_ns *ns)
{
	return ns->admin ? ns->ctrl_name : ns->disk_name;
}

/* Counters that belong to no namespace. */
struct csd_global_pcpu {
	u64 admin_submitted;
	u64 admin_completed;
	u64 untracked;
};

extern struct csd_global_pcpu __percpu *csd_global;

/*
 * The rows' and the zones' histogram layouts (include/csd/hist.h), as
 * constants the compiler folds into csd_hist_bucket() on the hot path.
 */
#define CSD_ROW_HIST	(&(const struct csd_hist_layout)CSD_HIST_LAYOUT_ROWS)
#define CSD_ZONE_HIST	(&(const struct csd_hist_layout)CSD_HIST_LAYOUT_ZONES)

u64 csd_hist_pct(const struct csd_hist_layout *l, const u64 *b, u64 count,
		 u32 num, u32 den);

/* What one command is, from its submission queue entry. */
struct csd_cmd_info {
	u8 op;
	u8 sc;
	u8 opcode;
	bool ranged;		/* slba is meaningful */
	bool select_all;	/* zone send to every zone */
	u64 slba;
	u64 bytes;
};

/* nvme-core's private struct nvme_request, at offsets checked against BTF. */
static __always_inline void *csd_nvme_req(struct request *rq)
{
	return blk_mq_rq_to_pdu(rq);
}

static __always_inline struct nvme_command *csd_rq_cmd(struct request *rq)
{
	return *(struct nvme_command **)((u8 *)csd_nvme_req(rq) +
					 CSD_NVME_REQ_CMD_OFF);
}

/* The request's struct nvme_ctrl (checked by csd_layout_ok() per queue). */
static __always_inline void *csd_rq_ctrl(struct request *rq)
{
	return *(void **)((u8 *)csd_nvme_req(rq) + CSD_NVME_REQ_CTRL_OFF);
}

static __always_inline u16 csd_rq_status(struct request *rq)
{
	/* SC in bits 0-7, SCT in bits 8-10; CRD, MORE and DNR above. */
	return *(u16 *)((u8 *)csd_nvme_req(rq) + CSD_NVME_REQ_STATUS_OFF) & 0x7ff;
}

static __always_inline u8 csd_rq_retries(struct request *rq)
{
	return *((u8 *)csd_nvme_req(rq) + CSD_NVME_REQ_RETRIES_OFF);
}

/* decode.c, account.c, epoch.c */
void csd_decode_init(void);
u8 csd_op_opcode(unsigned int op);
void csd_decode(const struct csd_ns *ns, const struct nvme_command *cmd,
		struct csd_cmd_info *ci);
struct csd_slot *csd_slot_of(struct csd_ns *ns, struct request *rq);
u32 csd_zone_of(const struct csd_stats *s, const struct csd_cmd_info *ci);
u64 csd_cmd_bytes(const struct csd_cmd_info *ci, struct request *rq);
struct csd_stats *csd_stats_alloc(struct csd_ns *ns, u64 region_sectors,
				  gfp_t gfp);
int csd_stats_alloc_zones(struct csd_stats *s, gfp_t gfp);
void csd_hist_prealloc(struct csd_stats *s);
void csd_stats_free(struct csd_stats *s);
void csd_stats_free_atomic(struct csd_stats *s);
/* Epochs apart from a namespace: parked (it went with nvme-core), retired. */
bool csd_epoch_park(struct csd_ns *ns, struct csd_stats *s);
struct csd_stats *csd_epoch_unpark(struct csd_ns *ns);
void csd_epoch_repark(struct csd_stats *s);
void csd_epoch_retire(struct csd_stats *s);
void csd_epochs_free_retired(void);
void csd_epochs_free_parked(void);
u64 csd_epochs_kept_mem(void);
void csd_account_setup(struct csd_ns *ns, struct request *rq,
		       struct nvme_command *cmd);

/*
 * One completed command, decoded once by csd_complete_match(). The
 * completion probe hands it, read-only, to each consumer in turn: the
 * trace readers, the namespace's completion program and the accounting
 * (rows, histograms, statuses, zones). None of them calls another.
 */
struct csd_completion {
	struct csd_ns *ns;
	struct csd_stats *s;		/* the epoch it was submitted in */
	struct request *rq;
	struct nvme_command *cmd;
	struct csd_cmd_info ci;		/* operation, size class, LBA range */
	u64 now_ns;
	u64 lat_ns;			/* submission to completion */
	u32 zone;			/* zone or region, U32_MAX if none */
	u16 status;			/* NVMe status (SCT/SC), 0: success */
	u8 retries;
};

void csd_account_requeue(struct csd_ns *ns, struct request *rq);
bool csd_complete_match(struct csd_ns *ns, struct request *rq,
			struct csd_completion *c);
void csd_account_complete(const struct csd_completion *c, int verdict);
void csd_stats_totals(const struct csd_stats *s, u64 *submitted,
		      u64 *completed, u64 *aborted);
void csd_stats_classes(const struct csd_stats *s, u64 *dropped, u64 *count,
		       u64 *lat_sum);
void csd_row_sum(const struct csd_stats *s, unsigned int row,
		 struct csd_row_pcpu *sum);
int csd_row_hist(const struct csd_stats *s, unsigned int row, u64 *out);
void csd_fill_row(const struct csd_stats *s, unsigned int row, u64 *tmp,
		  struct csd_stat_row *r);
u64 csd_other_count(const struct csd_stats *s, unsigned int opcode);
void csd_fill_zone(const struct csd_stats *s, u32 z, struct csd_zone_entry *e);
const char *csd_op_name(unsigned int op);
const char *csd_sz_name(unsigned int sc);

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
struct csd_ns *csd_ns_lookup(const struct request_queue *q);
struct csd_ns *csd_ns_get_or_create(struct request_queue *q, struct request *rq,
				    struct nvme_command *cmd);
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

/* hooks.c */
int csd_hooks_init(void);
void csd_hooks_exit(void);
unsigned int csd_hooks_attached(void);

/* chardev.c */
int csd_chardev_init(void);
void csd_chardev_exit(void);

/* bpf.c */
#ifdef CSD_HAVE_BPF
/* kfuncs (exec.c), listed in bpf.c's one kfunc set */
const u8 *csd_exec_data(struct csd_exec_ctx *ctx, u32 offset,
			const size_t rdonly_buf_size);
u8 *csd_exec_scratch(struct csd_exec_ctx *ctx, u32 offset,
		     const size_t rdwr_buf_size);
int csd_exec_emit(struct csd_exec_ctx *ctx, const void *data, u32 data__sz);
int csd_exec_read(struct csd_exec_ctx *ctx, u32 offset, void *buf, u32 buf__sz);
u32 csd_exec_sector_size(struct csd_exec_ctx *ctx);
u64 csd_exec_zone_size(struct csd_exec_ctx *ctx);
u64 csd_exec_zone_capacity(struct csd_exec_ctx *ctx);
int csd_bpf_init(void);
int csd_exec_bpf_init(void);
int csd_exec_ioctl(struct csd_exec *arg);
extern bool csd_bpf_available;
#else
static inline int csd_exec_ioctl(struct csd_exec *arg) { return -EOPNOTSUPP; }
static inline int csd_bpf_init(void) { return 0; }
#define csd_bpf_available false
#endif

/* trace.c */
extern struct list_head csd_tracers;

/* True while a trace reader is open: one read of a list head. */
static inline bool csd_tracing(void)
{
	return unlikely(!list_empty(&csd_tracers));
}

void csd_trace_complete(const struct csd_completion *c);
int csd_trace_open(struct csd_trace_open *arg, struct file **filep);
void csd_trace_abort(int fd, struct file *file);
int csd_trace_format(const struct csd_trace_rec *r, char *buf, size_t len);
extern const struct file_operations csd_trace_debugfs_fops;

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

/* debugfs.c */
void csd_debugfs_init(void);
void csd_debugfs_exit(void);
extern const struct csd_ns_events csd_debugfs_ns_events;

#endif /* _CSD_H */
