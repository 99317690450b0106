// SPDX-License-Identifier: GPL-2.0
/*
 * csd: NVMe command decoding.
 *
 * What csd reads of a command: its operation class (enum csd_op), size
 * class, LBA range and bytes, from the command nvme-core built. Any
 * context; no state. csd_decode() itself is inline, in decode.h; here
 * are its tables and the names.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/nvme.h>
#include <linux/sizes.h>

#include "csd.h"

/* From uapi/linux/csd.h: each class's name, opcode and zone send action. */
static const u8 csd_op_opcodes[CSD_OP_NR] = CSD_OP_OPCODES;
static const u8 csd_op_actions[CSD_OP_NR] = CSD_OP_ZONE_ACTIONS;
static const char * const csd_op_names[CSD_OP_NR] = CSD_OP_NAMES;
static const char * const csd_sz_names[CSD_SZ_NR] = CSD_SZ_NAMES;

/* How a class's command gives its LBA range (enum csd_range). */
const u8 csd_op_range[CSD_OP_NR] = {
	[CSD_OP_READ] = CSD_RANGE_RW,
	[CSD_OP_WRITE] = CSD_RANGE_RW,
	[CSD_OP_APPEND] = CSD_RANGE_RW,
	[CSD_OP_WRITE_UNCOR] = CSD_RANGE_RW,
	[CSD_OP_COMPARE] = CSD_RANGE_RW,
	[CSD_OP_WRITE_ZEROES] = CSD_RANGE_RW,
	[CSD_OP_VERIFY] = CSD_RANGE_RW,
	/* Copy: the destination; the sources are in the data buffer. */
	[CSD_OP_COPY] = CSD_RANGE_SLBA,
	[CSD_OP_ZONE_CLOSE] = CSD_RANGE_SLBA,
	[CSD_OP_ZONE_FINISH] = CSD_RANGE_SLBA,
	[CSD_OP_ZONE_OPEN] = CSD_RANGE_SLBA,
	[CSD_OP_ZONE_RESET] = CSD_RANGE_SLBA,
	[CSD_OP_ZONE_OFFLINE] = CSD_RANGE_SLBA,
	[CSD_OP_ZONE_SEND_OTHER] = CSD_RANGE_SLBA,
	[CSD_OP_ZONE_RECV] = CSD_RANGE_SLBA,
};

/* The class of each I/O opcode, and of each zone send action: from the table. */
u8 csd_opcode_class[256] __ro_after_init;
u8 csd_action_class[8] __ro_after_init;

void __init csd_decode_init(void)
{
	unsigned int op;

	memset(csd_opcode_class, CSD_OP_OTHER, sizeof(csd_opcode_class));
	memset(csd_action_class, CSD_OP_ZONE_SEND_OTHER, sizeof(csd_action_class));
	for (op = 0; op < CSD_OP_NR; op++) {
		if (op == CSD_OP_OTHER || op == CSD_OP_ZONE_SEND_OTHER)
			continue;
		if (csd_op_opcodes[op] == nvme_cmd_zone_mgmt_send)
			csd_action_class[csd_op_actions[op]] = op;
		else
			csd_opcode_class[csd_op_opcodes[op]] = op;
	}
}

/* The NVMe opcode of an operation class (0 for CSD_OP_OTHER). */
u8 csd_op_opcode(unsigned int op)
{
	return op < CSD_OP_NR ? csd_op_opcodes[op] : 0;
}

const char *csd_op_name(unsigned int op)
{
	return op < CSD_OP_NR ? csd_op_names[op] : "?";
}

const char *csd_sz_name(unsigned int sc)
{
	return sc < CSD_SZ_NR ? csd_sz_names[sc] : "?";
}

static_assert(offsetof(struct nvme_command, rw.slba) ==
	      offsetof(struct nvme_command, zms.slba) &&
	      offsetof(struct nvme_command, rw.slba) ==
	      offsetof(struct nvme_command, zmr.slba));

/* Bytes of the LBA range, or else of the data buffer. */
u64 csd_cmd_bytes(const struct csd_cmd_info *ci, struct request *rq)
{
	return ci->bytes ? ci->bytes : blk_rq_bytes(rq);
}
