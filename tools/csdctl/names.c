// SPDX-License-Identifier: GPL-2.0
/* Names of csd's operation and size classes, NVMe statuses, zone states. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <linux/blkzoned.h>
#include <linux/csd.h>

#include "admin_names.h"
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
	if (csd_admin_names[opcode & 0xff])
		snprintf(buf, len, "%s", csd_admin_names[opcode & 0xff]);
	else
		snprintf(buf, len, "admin(0x%02x)", opcode & 0xff);
	return buf;
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

static const struct {
	unsigned short status;	/* (SCT << 8) | SC */
	const char *name;
} nvme_statuses[] = {
	/* SCT 0: generic command status */
	{ 0x000, "Success" },
	{ 0x001, "Invalid Command Opcode" },
	{ 0x002, "Invalid Field in Command" },
	{ 0x003, "Command ID Conflict" },
	{ 0x004, "Data Transfer Error" },
	{ 0x005, "Commands Aborted due to Power Loss" },
	{ 0x006, "Internal Error" },
	{ 0x007, "Command Abort Requested" },
	{ 0x008, "Command Aborted due to SQ Deletion" },
	{ 0x00b, "Invalid Namespace or Format" },
	{ 0x00c, "Command Sequence Error" },
	{ 0x080, "LBA Out of Range" },
	{ 0x081, "Capacity Exceeded" },
	{ 0x082, "Namespace Not Ready" },
	{ 0x083, "Reservation Conflict" },
	/* SCT 1: command specific, zoned namespaces */
	{ 0x1b8, "Zone Boundary Error" },
	{ 0x1b9, "Zone Is Full" },
	{ 0x1ba, "Zone Is Read Only" },
	{ 0x1bb, "Zone Is Offline" },
	{ 0x1bc, "Zone Invalid Write" },
	{ 0x1bd, "Too Many Active Zones" },
	{ 0x1be, "Too Many Open Zones" },
	{ 0x1bf, "Invalid Zone State Transition" },
	/* SCT 2: media and data integrity errors */
	{ 0x280, "Write Fault" },
	{ 0x281, "Unrecovered Read Error" },
	{ 0x285, "Compare Failure" },
	{ 0x286, "Access Denied" },
	/* SCT 3: path related status */
	{ 0x370, "Internal Path Error" },
	{ 0x371, "Asymmetric Access Persistent Loss" },
	{ 0x372, "Asymmetric Access Inaccessible" },
	{ 0x373, "Asymmetric Access Transition" },
};

const char *nvme_status_name(char *buf, size_t len, unsigned int status)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nvme_statuses); i++)
		if (nvme_statuses[i].status == status)
			return nvme_statuses[i].name;
	snprintf(buf, len, "Unknown (SCT %x, SC 0x%02x)", status >> 8, status & 0xff);
	return buf;
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
