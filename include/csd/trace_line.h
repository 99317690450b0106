/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One traced command (struct csd_trace_rec) as a line of text: the debugfs
 * trace file and csdctl trace print it with this one function, so they
 * print the same line. Needs snprintf(), size_t, uapi/linux/csd.h and
 * csd/nvme_names.h from the includer.
 */
#ifndef CSD_TRACE_LINE_H
#define CSD_TRACE_LINE_H

#define CSD_TRACE_LINE_LEN	224

#define CSD_TRACE_HEADER_FMT	"%-17s %-10s %-6s %4s %5s %5s %-13s %6s %12s %8s %10s %3s %s\n"
#define CSD_TRACE_HEADER_ARGS	"TIME(s)", "DISK", "CTRL", "QID", "CID", "NSID", "OP", \
				"ZONE", "SLBA", "BYTES", "LAT(us)", "RTY", "STATUS"

/* The OP column: the class, "other(0xNN)", or the admin opcode's name. */
static inline const char *csd_trace_op_label(char *buf, size_t len,
					     const struct csd_trace_rec *r)
{
	static const char * const names[CSD_OP_NR] = CSD_OP_NAMES;

	if (r->flags & CSD_TRACE_REC_ADMIN)
		return csd_admin_label(buf, len, r->opcode);
	if (r->op == CSD_OP_OTHER || r->op >= CSD_OP_NR)
		snprintf(buf, len, "other(0x%02x)", r->opcode);
	else
		snprintf(buf, len, "%s", names[r->op]);
	return buf;
}

/* The line of @r, whose namespace is called @disk; returns snprintf()'s count. */
static inline int csd_trace_line(char *buf, size_t len, const struct csd_trace_rec *r,
				 const char *disk)
{
	char op[24], st[48], zone[16], slba[24], ctrl[16];

	if (r->flags & CSD_TRACE_REC_ALL_ZONES)
		snprintf(zone, sizeof(zone), "all");
	else if (r->zone == 0xffffffffU)
		snprintf(zone, sizeof(zone), "-");
	else
		snprintf(zone, sizeof(zone), "%u", r->zone);
	if (r->flags & CSD_TRACE_REC_LBA)
		snprintf(slba, sizeof(slba), "%llu", (unsigned long long)r->slba);
	else
		snprintf(slba, sizeof(slba), "-");
	snprintf(ctrl, sizeof(ctrl), "nvme%u", r->ctrl);
	return snprintf(buf, len,
			"%10llu.%06llu %-10s %-6s %4u %5u %5u %-13s %6s %12s %8u %6llu.%03llu %3u %s\n",
			(unsigned long long)(r->ts_ns / 1000000000),
			(unsigned long long)(r->ts_ns % 1000000000 / 1000),
			disk, ctrl, r->qid, r->cid, r->nsid,
			csd_trace_op_label(op, sizeof(op), r), zone, slba, r->bytes,
			(unsigned long long)(r->latency_ns / 1000),
			(unsigned long long)(r->latency_ns % 1000), r->retries,
			csd_nvme_status_name(st, sizeof(st), r->status));
}

#endif
