/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Valid arguments for every csd ioctl, for the tests that must get past
 * validation (privilege, fuzzing): each builder fills a struct that the
 * running module accepts for namespace @ns (an id from CSD_IOC_LIST_NS).
 */
#ifndef CSD_ARGS_H
#define CSD_ARGS_H

#include "csd_lib.h"

/* The ioctls of /dev/csd and of a trace fd, in one table. */
enum csd_call {
	CALL_INFO, CALL_LIST, CALL_STATS, CALL_HIST, CALL_ZONES, CALL_RESET,
	CALL_CONFIG, CALL_EXEC, CALL_TRACE, CALL_INFLIGHT, CALL_CGROUPS,
	CALL_TRACE_STATS, CALL_TRACE_READ, CALL_TRACE_POLL,
	CALL_NR
};

static const struct {
	const char *name;
	unsigned long cmd;	/* 0: not an ioctl */
	unsigned int size;	/* the struct as this header knows it */
	unsigned int min;	/* the least size the ABI accepts */
	bool admin;		/* needs CAP_SYS_ADMIN (or BPF for exec) */
} csd_calls[CALL_NR] = {
	[CALL_INFO] = { "GET_INFO", CSD_IOC_GET_INFO, sizeof(struct csd_info),
			CSD_INFO_SIZE_VER0, false },
	[CALL_LIST] = { "LIST_NS", CSD_IOC_LIST_NS, sizeof(struct csd_ns_list),
			CSD_NS_LIST_SIZE_VER0, false },
	[CALL_STATS] = { "NS_STATS", CSD_IOC_NS_STATS, sizeof(struct csd_ns_stats),
			 CSD_NS_STATS_SIZE_VER0, false },
	[CALL_HIST] = { "GET_HIST", CSD_IOC_GET_HIST, sizeof(struct csd_hist),
			CSD_HIST_SIZE_VER0, false },
	[CALL_ZONES] = { "ZONE_STATS", CSD_IOC_ZONE_STATS, sizeof(struct csd_zone_stats),
			 CSD_ZONE_STATS_SIZE_VER0, false },
	[CALL_RESET] = { "RESET", CSD_IOC_RESET, sizeof(struct csd_reset),
			 CSD_RESET_SIZE_VER0, true },
	[CALL_CONFIG] = { "CONFIG", CSD_IOC_CONFIG, sizeof(struct csd_config),
			  CSD_CONFIG_SIZE_VER0, true },
	[CALL_EXEC] = { "EXEC", CSD_IOC_EXEC, sizeof(struct csd_exec),
			CSD_EXEC_SIZE_VER0, true },
	[CALL_TRACE] = { "TRACE", CSD_IOC_TRACE, sizeof(struct csd_trace_open),
			 CSD_TRACE_OPEN_SIZE_VER0, true },
	[CALL_INFLIGHT] = { "INFLIGHT", CSD_IOC_INFLIGHT, sizeof(struct csd_inflight),
			    CSD_INFLIGHT_SIZE_VER0, true },
	[CALL_CGROUPS] = { "CGROUP_STATS", CSD_IOC_CGROUP_STATS, sizeof(struct csd_cgroup_stats),
			   CSD_CGROUP_STATS_SIZE_VER0, false },
	[CALL_TRACE_STATS] = { "TRACE_STATS", CSD_TRACE_IOC_STATS,
			       sizeof(struct csd_trace_stats),
			       CSD_TRACE_STATS_SIZE_VER0, false },
	[CALL_TRACE_READ] = { "trace_read", 0, 0, 0, false },
	[CALL_TRACE_POLL] = { "trace_poll", 0, 0, 0, false },
};

/* Output buffers the valid arguments point at (one set per process). */
struct csd_bufs {
	struct csd_ns_entry ents[64];
	struct csd_stat_row rows[512];
	struct csd_status_entry sts[64];
	struct csd_zone_entry zents[64];
	struct csd_inflight_entry infl[256];
	struct csd_cgroup_entry cgs[CSD_OP_NR * (CSD_CGROUP_SLOTS + 1)];
	__u64 buckets[CSD_HIST_BUCKETS];
	unsigned char result[4096];
};

#define CSD_U64P(p)	((__u64)(unsigned long)(p))

/*
 * Fill @arg (at least the size of the largest struct) with a valid
 * argument of @call for namespace @ns (zoned if @zoned, @nr_zones zones).
 * The exec runs @prog over 1 LBA at @slba.
 */
static inline void csd_good_arg(enum csd_call call, void *arg, struct csd_bufs *b,
				__u32 ns, bool zoned, __u64 slba, const char *prog)
{
	memset(arg, 0, 4096);
	switch (call) {
	case CALL_INFO: {
		struct csd_info *a = arg;

		a->size = sizeof(*a);
		break;
	}
	case CALL_LIST: {
		struct csd_ns_list *a = arg;

		a->size = sizeof(*a);
		a->count = 64;
		a->entry_size = sizeof(b->ents[0]);
		a->entries = CSD_U64P(b->ents);
		break;
	}
	case CALL_STATS: {
		struct csd_ns_stats *a = arg;

		a->size = sizeof(*a);
		a->ns_id = ns;
		a->row_count = 512;
		a->row_size = sizeof(b->rows[0]);
		a->rows = CSD_U64P(b->rows);
		a->status_count = 64;
		a->status_size = sizeof(b->sts[0]);
		a->statuses = CSD_U64P(b->sts);
		break;
	}
	case CALL_HIST: {
		struct csd_hist *a = arg;

		a->size = sizeof(*a);
		a->ns_id = ns;
		a->op = CSD_OP_ALL;
		a->size_class = CSD_SZ_ALL;
		a->nr_buckets = CSD_HIST_BUCKETS;
		a->buckets = CSD_U64P(b->buckets);
		break;
	}
	case CALL_ZONES: {
		struct csd_zone_stats *a = arg;

		a->size = sizeof(*a);
		a->ns_id = ns;
		a->count = 64;
		a->entry_size = sizeof(b->zents[0]);
		a->entries = CSD_U64P(b->zents);
		break;
	}
	case CALL_RESET: {
		struct csd_reset *a = arg;

		a->size = sizeof(*a);
		a->ns_id = ns;
		break;
	}
	case CALL_CONFIG: {
		struct csd_config *a = arg;

		a->size = sizeof(*a);
		a->ns_id = ns;
		a->flags = CSD_CFG_F_ENABLE;
		break;
	}
	case CALL_EXEC: {
		struct csd_exec *a = arg;

		a->size = sizeof(*a);
		a->ns_id = ns;
		a->slba = slba;
		a->nlb = 1;
		snprintf(a->prog, sizeof(a->prog), "%s", prog);
		a->result = CSD_U64P(b->result);
		a->result_len = sizeof(b->result);
		break;
	}
	case CALL_TRACE: {
		struct csd_trace_open *a = arg;

		a->size = sizeof(*a);
		a->ns_id = ns;
		a->flags = CSD_TRACE_F_NONBLOCK;
		a->ring_records = 64;
		break;
	}
	case CALL_INFLIGHT: {
		struct csd_inflight *a = arg;

		a->size = sizeof(*a);
		a->ns_id = ns;
		a->count = 256;
		a->entry_size = sizeof(b->infl[0]);
		a->entries = CSD_U64P(b->infl);
		break;
	}
	case CALL_CGROUPS: {
		struct csd_cgroup_stats *a = arg;

		a->size = sizeof(*a);
		a->ns_id = ns;
		a->count = CSD_OP_NR * (CSD_CGROUP_SLOTS + 1);
		a->entry_size = sizeof(b->cgs[0]);
		a->entries = CSD_U64P(b->cgs);
		break;
	}
	case CALL_TRACE_STATS: {
		struct csd_trace_stats *a = arg;

		a->size = sizeof(*a);
		break;
	}
	default:
		break;
	}
	(void)zoned;
}

#endif /* CSD_ARGS_H */
