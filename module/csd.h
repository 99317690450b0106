/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: NVMe/ZNS latency accounting - internal declarations: what every
 * file shares, and the headers of each concern (included only through
 * this one).
 */
#ifndef _CSD_H
#define _CSD_H

#include <linux/atomic.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/hash.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <uapi/linux/csd.h>
#include <uapi/linux/csd_bpf.h>

#include "compat.h"
#include "nvme_layout.h"
#include "status_key.h"

#include <csd/hist.h>

struct nvme_command;
struct seq_file;

#define CSD_VERSION	"0.2.0"

/*
 * An RCU-protected pointer read on the I/O path. Up to 6.x the probes run
 * inside the tracepoint's preemption-disabled section, an RCU read-side
 * critical section of its own (RCU flavours are one since 4.20), and take
 * no rcu_read_lock(); later kernels' probes (preemptible, see
 * csd_probe_rcu_lock()) and the ioctls that share these paths hold one.
 */
#define csd_deref(p)	rcu_dereference_check(p, rcu_read_lock_any_held())

/* A subsystem NQN and its NUL (nvme-core's subnqn has no room for it). */
#define CSD_NQN_LEN	(CSD_NVME_SUBSYS_NQN_LEN + 1)

/* Counters that belong to no namespace. */
struct csd_global_pcpu {
	u64 admin_submitted;
	u64 admin_completed;
	u64 untracked;
};

extern struct csd_global_pcpu __percpu *csd_global;

#include "decode.h"
#include "epoch.h"
#include "ns.h"
#include "account.h"
#include "cgroup.h"
#include "bpf.h"
#include "trace.h"
#include "inflight.h"

/* hooks.c */
int csd_hooks_init(void);
void csd_hooks_exit(void);
unsigned int csd_hooks_attached(void);
void csd_hooks_adopt(struct gendisk *disk);
bool csd_layout_ok(struct request_queue *q, struct request *rq,
		   struct nvme_command *cmd);
void csd_hooks_refuse(void);
/* When the submission probe was last attached (ktime ns); U64_MAX: it is not. */
extern u64 csd_hooks_since;

/* discover.c */
int csd_discover_init(void);
void csd_discover_exit(void);

/* chardev.c */
int csd_chardev_init(void);
void csd_chardev_exit(void);

/* debugfs.c */
void csd_debugfs_init(void);
void csd_debugfs_exit(void);
extern const struct csd_ns_events csd_debugfs_ns_events;

#endif /* _CSD_H */
