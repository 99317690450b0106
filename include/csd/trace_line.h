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

/*
 * The line is built field by field, not by one snprintf(): a trace reader
 * formats one line per command, and snprintf()'s parsing of the format
 * was most of its cost. The output is the one of CSD_TRACE_LINE_FMT
 * (trace_line_test checks it), truncated to @len like snprintf().
 */
#define CSD_TRACE_LINE_FMT	\
	"%10llu.%06llu %-10s %-6s %4u %5u %5u %-13s %6s %12s %8u %6llu.%03llu %3u %s\n"

struct csd_line_buf {
	char *p;	/* next byte */
	size_t room;	/* bytes left, the NUL's included */
	int n;		/* what the whole line takes, as snprintf() counts */
};

static inline void csd_lb_put(struct csd_line_buf *b, const char *s, size_t n)
{
	size_t k = n < b->room ? n : (b->room ? b->room - 1 : 0);
	size_t i;

	for (i = 0; i < k; i++)
		b->p[i] = s[i];
	b->p += k;
	b->room -= k;
	b->n += n;
}

static inline void csd_lb_pad(struct csd_line_buf *b, char c, int n)
{
	while (n-- > 0)
		csd_lb_put(b, &c, 1);
}

static inline size_t csd_lb_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* @s, then spaces up to @width ("%-Ns"); or spaces first (@right: "%Ns"). */
static inline void csd_lb_str(struct csd_line_buf *b, const char *s, int width, int right)
{
	int n = (int)csd_lb_strlen(s);

	if (right)
		csd_lb_pad(b, ' ', width - n);
	csd_lb_put(b, s, n);
	if (!right)
		csd_lb_pad(b, ' ', width - n);
}

/* @v in decimal, right-aligned in @width, padded with @pad ("%Nllu", "%0Nllu"). */
static inline void csd_lb_u64(struct csd_line_buf *b, unsigned long long v, int width, char pad)
{
	char d[20];
	int n = 0;

	do {
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	csd_lb_pad(b, pad, width - n);
	csd_lb_put(b, d + sizeof(d) - n, n);
}

/* The line of @r, whose namespace is called @disk; returns snprintf()'s count. */
static inline int csd_trace_line(char *buf, size_t len, const struct csd_trace_rec *r,
				 const char *disk)
{
	static const char * const names[CSD_OP_NR] = CSD_OP_NAMES;
	struct csd_line_buf b = { .p = buf, .room = len };
	char op[24], st[48], ctrl[16] = "nvme";
	struct csd_line_buf c = { .p = ctrl + 4, .room = sizeof(ctrl) - 4 };
	const char *opl;

	csd_lb_u64(&b, r->ts_ns / 1000000000, 10, ' ');
	csd_lb_put(&b, ".", 1);
	csd_lb_u64(&b, r->ts_ns % 1000000000 / 1000, 6, '0');
	csd_lb_put(&b, " ", 1);
	csd_lb_str(&b, disk, 10, 0);
	csd_lb_put(&b, " ", 1);
	csd_lb_u64(&c, r->ctrl, 0, ' ');
	*c.p = 0;
	csd_lb_str(&b, ctrl, 6, 0);
	csd_lb_put(&b, " ", 1);
	csd_lb_u64(&b, r->qid, 4, ' ');
	csd_lb_put(&b, " ", 1);
	csd_lb_u64(&b, r->cid, 5, ' ');
	csd_lb_put(&b, " ", 1);
	csd_lb_u64(&b, r->nsid, 5, ' ');
	csd_lb_put(&b, " ", 1);
	if (!(r->flags & CSD_TRACE_REC_ADMIN) && r->op != CSD_OP_OTHER && r->op < CSD_OP_NR)
		opl = names[r->op];
	else
		opl = csd_trace_op_label(op, sizeof(op), r);
	csd_lb_str(&b, opl, 13, 0);
	csd_lb_put(&b, " ", 1);
	if (r->flags & CSD_TRACE_REC_ALL_ZONES)
		csd_lb_str(&b, "all", 6, 1);
	else if (r->zone == 0xffffffffU)
		csd_lb_str(&b, "-", 6, 1);
	else
		csd_lb_u64(&b, r->zone, 6, ' ');
	csd_lb_put(&b, " ", 1);
	if (r->flags & CSD_TRACE_REC_LBA)
		csd_lb_u64(&b, r->slba, 12, ' ');
	else
		csd_lb_str(&b, "-", 12, 1);
	csd_lb_put(&b, " ", 1);
	csd_lb_u64(&b, r->bytes, 8, ' ');
	csd_lb_put(&b, " ", 1);
	csd_lb_u64(&b, r->latency_ns / 1000, 6, ' ');
	csd_lb_put(&b, ".", 1);
	csd_lb_u64(&b, r->latency_ns % 1000, 3, '0');
	csd_lb_put(&b, " ", 1);
	csd_lb_u64(&b, r->retries, 3, ' ');
	csd_lb_put(&b, " ", 1);
	csd_lb_str(&b, csd_nvme_status_name(st, sizeof(st), r->status), 0, 0);
	csd_lb_put(&b, "\n", 1);
	if (len)
		*b.p = 0;
	return b.n;
}

#endif
