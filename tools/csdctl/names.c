// SPDX-License-Identifier: GPL-2.0
/* Names of csd's operation and size classes, NVMe statuses, zone states. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <linux/blkzoned.h>
#include <linux/csd.h>

#include <csd/nvme_names.h>

#include "csdctl.h"
#include "names.h"

static const char * const op_names[CSD_OP_NR] = CSD_OP_NAMES;

const char *op_name(unsigned int op)
{
	return op < CSD_OP_NR ? op_names[op] : NULL;
}

/* Admin opcodes of the NVMe base specification, by number. */
const char *admin_label(char *buf, size_t len, unsigned int opcode)
{
	return csd_admin_label(buf, len, opcode);
}

const char *op_label(char *buf, size_t len, unsigned int op, unsigned int opcode)
{
	if (op == CSD_OP_OTHER)
		snprintf(buf, len, "other(0x%02x)", opcode);
	else if (op < CSD_OP_NR)
		snprintf(buf, len, "%s", op_names[op]);
	else
		snprintf(buf, len, "op-%u", op);
	return buf;
}

int op_parse(const char *s)
{
	unsigned int i;

	if (!strcasecmp(s, "all"))
		return CSD_OP_ALL;
	for (i = 0; i < CSD_OP_NR; i++)
		if (!strcasecmp(s, op_names[i]))
			return i;
	return -1;
}

static const char * const size_names[CSD_SZ_NR] = CSD_SZ_NAMES;

const char *size_class_name(unsigned int sc)
{
	if (sc == CSD_SZ_ALL)
		return "all";
	return sc < CSD_SZ_NR ? size_names[sc] : "?";
}

int size_class_parse(const char *s)
{
	unsigned int i;

	if (!strcasecmp(s, "all"))
		return CSD_SZ_ALL;
	if (!strcasecmp(s, "none") || !strcmp(s, "0"))
		return CSD_SZ_NONE;
	if (!strcasecmp(s, "big"))
		return CSD_SZ_BIG;
	for (i = 0; i < CSD_SZ_NR; i++) {
		const char *n = size_names[i];

		/* "<=4K" or just "4K" */
		if (!strcasecmp(s, n) || (!strncmp(n, "<=", 2) && !strcasecmp(s, n + 2)))
			return i;
	}
	return -1;
}

const char *nvme_status_name(char *buf, size_t len, unsigned int status)
{
	return csd_nvme_status_name(buf, len, status);
}

const char *zone_cond_name(unsigned int cond)
{
	switch (cond) {
	case BLK_ZONE_COND_NOT_WP:	return "not-wp";
	case BLK_ZONE_COND_EMPTY:	return "empty";
	case BLK_ZONE_COND_IMP_OPEN:	return "imp-open";
	case BLK_ZONE_COND_EXP_OPEN:	return "exp-open";
	case BLK_ZONE_COND_CLOSED:	return "closed";
	case BLK_ZONE_COND_FULL:	return "full";
	case BLK_ZONE_COND_READONLY:	return "read-only";
	case BLK_ZONE_COND_OFFLINE:	return "offline";
	}
	return "?";
}
