// SPDX-License-Identifier: GPL-2.0
/*
 * csd: NVMe command decoding.
 *
 * What csd reads of a command: its operation class (enum csd_op), size
 * class, LBA range and bytes, from the command nvme-core built. Any
 * context; no state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/nvme.h>
#include <linux/sizes.h>

#include "csd.h"

#define CSD_NVME_CMD_COPY	0x19

static const char * const csd_op_names[CSD_OP_NR] = CSD_OP_NAMES;

static const char * const csd_sz_names[CSD_SZ_NR] = CSD_SZ_NAMES;

const char *csd_op_name(unsigned int op)
{
	return op < CSD_OP_NR ? csd_op_names[op] : "?";
}

const char *csd_sz_name(unsigned int sc)
{
	return sc < CSD_SZ_NR ? csd_sz_names[sc] : "?";
}

static u8 csd_size_class(u64 bytes)
{
	if (!bytes)
		return CSD_SZ_NONE;
	if (bytes <= SZ_4K)
		return CSD_SZ_4K;
	if (bytes <= SZ_16K)
		return CSD_SZ_16K;
	if (bytes <= SZ_64K)
		return CSD_SZ_64K;
	if (bytes <= SZ_256K)
		return CSD_SZ_256K;
	if (bytes <= SZ_1M)
		return CSD_SZ_1M;
	return CSD_SZ_BIG;
}

void csd_decode(const struct csd_ns *ns, const struct nvme_command *cmd,
		struct csd_cmd_info *ci)
{
	bool rw = false;

	ci->opcode = cmd->common.opcode;
	ci->ranged = false;
	ci->select_all = false;
	ci->bytes = 0;
	ci->sc = CSD_SZ_NONE;
	if (ns->admin) {
		/* Admin opcodes overlap I/O ones: count them by number. */
		ci->op = CSD_OP_OTHER;
		return;
	}
	switch (ci->opcode) {
	case nvme_cmd_read:
		ci->op = CSD_OP_READ;
		rw = true;
		break;
	case nvme_cmd_write:
		ci->op = CSD_OP_WRITE;
		rw = true;
		break;
	case nvme_cmd_zone_append:
		ci->op = CSD_OP_APPEND;
		rw = true;
		break;
	case nvme_cmd_flush:
		ci->op = CSD_OP_FLUSH;
		break;
	case nvme_cmd_write_uncor:
		ci->op = CSD_OP_WRITE_UNCOR;
		rw = true;
		break;
	case nvme_cmd_compare:
		ci->op = CSD_OP_COMPARE;
		rw = true;
		break;
	case nvme_cmd_write_zeroes:
		ci->op = CSD_OP_WRITE_ZEROES;
		rw = true;
		break;
	case nvme_cmd_verify:
		ci->op = CSD_OP_VERIFY;
		rw = true;
		break;
	case nvme_cmd_dsm:
		ci->op = CSD_OP_DSM;
		break;
	case CSD_NVME_CMD_COPY:
		/* Destination range; the sources are in the data buffer. */
		ci->op = CSD_OP_COPY;
		ci->slba = le64_to_cpu(cmd->rw.slba);
		ci->ranged = true;
		break;
	case nvme_cmd_zone_mgmt_send:
		switch (cmd->zms.zsa) {
		case NVME_ZONE_CLOSE:
			ci->op = CSD_OP_ZONE_CLOSE;
			break;
		case NVME_ZONE_FINISH:
			ci->op = CSD_OP_ZONE_FINISH;
			break;
		case NVME_ZONE_OPEN:
			ci->op = CSD_OP_ZONE_OPEN;
			break;
		case NVME_ZONE_RESET:
			ci->op = CSD_OP_ZONE_RESET;
			break;
		case NVME_ZONE_OFFLINE:
			ci->op = CSD_OP_ZONE_OFFLINE;
			break;
		default:
			ci->op = CSD_OP_ZONE_SEND_OTHER;
			break;
		}
		ci->slba = le64_to_cpu(cmd->zms.slba);
		ci->ranged = true;
		ci->select_all = cmd->zms.select_all & 1;
		break;
	case nvme_cmd_zone_mgmt_recv:
		ci->op = CSD_OP_ZONE_RECV;
		ci->slba = le64_to_cpu(cmd->zmr.slba);
		ci->ranged = true;
		break;
	default:
		ci->op = CSD_OP_OTHER;
		break;
	}
	if (rw) {
		ci->slba = le64_to_cpu(cmd->rw.slba);
		ci->bytes = ((u64)le16_to_cpu(cmd->rw.length) + 1) << ns->lba_shift;
		ci->ranged = true;
	}
	ci->sc = csd_size_class(ci->bytes);
}

/* Bytes of the LBA range, or else of the data buffer. */
u64 csd_cmd_bytes(const struct csd_cmd_info *ci, struct request *rq)
{
	return ci->bytes ? ci->bytes : blk_rq_bytes(rq);
}
