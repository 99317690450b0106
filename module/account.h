/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: the per-request accounting on the hot path (account.c).
 */
#ifndef _CSD_ACCOUNT_H
#define _CSD_ACCOUNT_H

struct csd_slot *csd_slot_of(struct csd_ns *ns, struct request *rq);

/*
 * The zone (region) of a command, or U32_MAX if it has none (no range, all
 * zones, past the last region, or no regions).
 */
static __always_inline u32 csd_zone_of(const struct csd_stats *s,
				       const struct csd_cmd_info *ci)
{
	u64 zi;

	if (!ci->ranged || ci->select_all)
		return U32_MAX;
	zi = ci->slba >> s->lba_region_shift;
	return zi < s->nr_regions ? zi : U32_MAX;
}

/*
 * One completed command, decoded once by csd_complete_match(). The
 * completion probe hands it to each consumer in turn: the trace readers,
 * the namespace's completion program and the accounting (rows,
 * histograms, statuses, zones). None of them calls another, and only
 * csd_bpf_run() writes to it (it reads values back from the program's
 * context, unchanged).
 */
struct csd_completion {
	struct csd_ns *ns;
	struct csd_stats *s;		/* the epoch it was submitted in */
	struct request *rq;
	struct nvme_command *cmd;
	struct csd_cmd_info ci;		/* operation, size class, LBA range */
	u64 now_ns;
	u64 lat_ns;			/* submission to completion */
	u64 cgroup;			/* cgroup id; 0: admin, or not read yet */
	u32 zone;			/* zone or region, U32_MAX if none */
	u16 status;			/* NVMe status (SCT/SC), 0: success */
	u8 retries;
};

/* Raise the shared @v to @x (any context). */
static inline void csd_atomic64_max(atomic64_t *v, u64 x)
{
	s64 old = atomic64_read(v);

	while ((u64)old < x && !atomic64_try_cmpxchg(v, &old, x))
		;
}

/* Raise this CPU's copy of @max to @v (any context; IRQ-safe). */
static inline void csd_this_cpu_max(u64 __percpu *max, u64 v)
{
	u64 old = this_cpu_read(*max);

	while (v > old) {
		u64 prev = this_cpu_cmpxchg(*max, old, v);

		if (prev == old)
			break;
		old = prev;
	}
}

void csd_account_requeue(struct csd_ns *ns, struct request *rq);
unsigned int csd_account_stamped(struct csd_ns *ns);
bool csd_geometry_changed(struct csd_ns *ns, struct request_queue *q);
/* The probes hooks.c attaches to nvme-core's and the block layer's tracepoints. */
void csd_probe_setup(void *data, struct request *rq, struct nvme_command *cmd);
void csd_probe_complete(void *data, struct request *rq);
/* Around publishing a trace reader or a completion program (may sleep). */
void csd_complete_readers_get(void);
void csd_complete_readers_put(void);
void csd_probe_requeue(void *data, struct request *rq);

#endif
