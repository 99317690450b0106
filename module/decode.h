/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: what csd reads of an NVMe command and of nvme-core's request
 * (decode.c).
 */
#ifndef _CSD_DECODE_H
#define _CSD_DECODE_H

#include <linux/nvme.h>
#include <linux/sizes.h>

/* What one command is, from its submission queue entry. */
struct csd_cmd_info {
	u8 op;
	u8 sc;
	u8 opcode;
	bool ranged;		/* slba is meaningful */
	bool select_all;	/* zone send to every zone */
	u64 slba;
	u64 bytes;
};

/* nvme-core's private struct nvme_request, at offsets checked against BTF. */
static __always_inline void *csd_nvme_req(struct request *rq)
{
	return blk_mq_rq_to_pdu(rq);
}

static __always_inline struct nvme_command *csd_rq_cmd(struct request *rq)
{
	return *(struct nvme_command **)((u8 *)csd_nvme_req(rq) +
					 CSD_NVME_REQ_CMD_OFF);
}

/* The request's struct nvme_ctrl (checked by csd_layout_ok() per queue). */
static __always_inline void *csd_rq_ctrl(struct request *rq)
{
	return *(void **)((u8 *)csd_nvme_req(rq) + CSD_NVME_REQ_CTRL_OFF);
}

static __always_inline u16 csd_rq_status(struct request *rq)
{
	/* SC in bits 0-7, SCT in bits 8-10; CRD, MORE and DNR above. */
	return *(u16 *)((u8 *)csd_nvme_req(rq) + CSD_NVME_REQ_STATUS_OFF) & 0x7ff;
}

static __always_inline u8 csd_rq_retries(struct request *rq)
{
	return *((u8 *)csd_nvme_req(rq) + CSD_NVME_REQ_RETRIES_OFF);
}

/* decode.c */
void csd_decode_init(void);
u8 csd_op_opcode(unsigned int op);

/* How a class's command gives its LBA range (csd_op_range[]). */
enum csd_range { CSD_RANGE_NONE, CSD_RANGE_RW, CSD_RANGE_SLBA };
extern const u8 csd_op_range[CSD_OP_NR];
/* The class of each I/O opcode, and of each zone send action. */
extern u8 csd_opcode_class[256];
extern u8 csd_action_class[8];

static __always_inline u8 csd_size_class(u64 bytes)
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

/*
 * Decode @cmd, of a namespace with @lba_shift (or of an admin queue):
 * inline, for the completion probe.
 */
static __always_inline void csd_decode(const struct nvme_command *cmd, bool admin,
				       unsigned int lba_shift, struct csd_cmd_info *ci)
{
	u8 zsa;

	ci->opcode = cmd->common.opcode;
	ci->ranged = false;
	ci->select_all = false;
	ci->slba = 0;
	ci->bytes = 0;
	ci->sc = CSD_SZ_NONE;
	/* Admin opcodes overlap I/O ones: count them by number. */
	if (admin) {
		ci->op = CSD_OP_OTHER;
		return;
	}
	ci->op = csd_opcode_class[ci->opcode];
	if (ci->opcode == nvme_cmd_zone_mgmt_send) {
		zsa = cmd->zms.zsa;
		ci->op = zsa < ARRAY_SIZE(csd_action_class) ?
			 csd_action_class[zsa] : CSD_OP_ZONE_SEND_OTHER;
		ci->select_all = cmd->zms.select_all & 1;
	}
	switch (csd_op_range[ci->op]) {
	case CSD_RANGE_RW:
		ci->bytes = ((u64)le16_to_cpu(cmd->rw.length) + 1) << lba_shift;
		ci->sc = csd_size_class(ci->bytes);
		fallthrough;
	case CSD_RANGE_SLBA:
		/* At the same place in every command with a starting LBA. */
		ci->slba = le64_to_cpu(cmd->rw.slba);
		ci->ranged = true;
		break;
	}
}

u64 csd_cmd_bytes(const struct csd_cmd_info *ci, struct request *rq);
const char *csd_op_name(unsigned int op);
const char *csd_sz_name(unsigned int sc);

#endif
