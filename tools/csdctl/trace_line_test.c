// SPDX-License-Identifier: GPL-2.0
/*
 * csd_trace_line() (include/csd/trace_line.h) builds its line field by
 * field; this checks it against one snprintf() of CSD_TRACE_LINE_FMT for
 * records of every kind (admin, other opcodes, unknown statuses, no zone,
 * all zones, the largest values) and every buffer length, truncation
 * included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/csd.h>
#include <csd/nvme_names.h>
#include <csd/trace_line.h>

static int ref_line(char *buf, size_t len, const struct csd_trace_rec *r, const char *disk)
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
	return snprintf(buf, len, CSD_TRACE_LINE_FMT,
			(unsigned long long)(r->ts_ns / 1000000000),
			(unsigned long long)(r->ts_ns % 1000000000 / 1000),
			disk, ctrl, r->qid, r->cid, r->nsid,
			csd_trace_op_label(op, sizeof(op), r), zone, slba, r->bytes,
			(unsigned long long)(r->latency_ns / 1000),
			(unsigned long long)(r->latency_ns % 1000), r->retries,
			csd_nvme_status_name(st, sizeof(st), r->status));
}

static unsigned long long rnd(void)
{
	unsigned long long v = (unsigned long long)random() << 33 ^ (unsigned long long)random() << 11 ^
			       (unsigned long long)random();

	/* Small numbers and the largest ones, as often as the rest. */
	switch (random() % 4) {
	case 0:
		return v % 10;
	case 1:
		return ~0ULL - v % 3;
	default:
		return v >> (random() % 64);
	}
}

int main(void)
{
	static const char * const disks[] = {
		"nvme0n1", "", "nvme10c12n123", "a-disk-name-longer-than-its-column-x",
	};
	unsigned long i, lines = 0;
	int fails = 0;

	srandom(1);
	for (i = 0; i < 200000; i++) {
		char want[512], got[512];
		struct csd_trace_rec r;
		size_t len;
		int wn, gn;

		memset(&r, 0, sizeof(r));
		r.ts_ns = rnd();
		r.latency_ns = rnd();
		r.slba = rnd();
		r.zone = random() % 3 ? (__u32)rnd() : 0xffffffffU;
		r.bytes = (__u32)rnd();
		r.qid = (__u16)rnd();
		r.cid = (__u16)rnd();
		r.nsid = (__u32)rnd();
		r.ctrl = (__u16)rnd();
		r.retries = (__u8)rnd();
		r.op = random() % (CSD_OP_NR + 2);
		r.opcode = (__u8)random();
		r.flags = random() & (CSD_TRACE_REC_ADMIN | CSD_TRACE_REC_LBA | CSD_TRACE_REC_ALL_ZONES);
		r.status = random() % 2 ? csd_nvme_statuses[random() % 30].status : (__u16)random();
		/* Every length from none to more than the line, now and then. */
		len = i % 50 ? sizeof(want) : (size_t)(random() % 200);
		memset(want, 'x', sizeof(want));
		memset(got, 'x', sizeof(got));
		wn = ref_line(want, len, &r, disks[i % 4]);
		gn = csd_trace_line(got, len, &r, disks[i % 4]);
		if (wn != gn || memcmp(want, got, sizeof(want))) {
			if (fails++ < 5)
				fprintf(stderr, "trace_line_test: len %zu: want %d \"%.*s\"\n  got %d \"%.*s\"\n",
					len, wn, (int)strnlen(want, len), want, gn,
					(int)strnlen(got, len), got);
		}
		lines++;
	}
	printf("trace_line_test: %lu lines, %d differ\n", lines, fails);
	return fails ? 1 : 0;
}
