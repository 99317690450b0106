/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: what csd reads of an NVMe command and of nvme-core's request
 * (decode.c).
 */
#ifndef _CSD_DECODE_H
#define _CSD_DECODE_H

struct csd_ns;

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
void csd_decode(const struct csd_ns *ns, const struct nvme_command *cmd,
		struct csd_cmd_info *ci);
u64 csd_cmd_bytes(const struct csd_cmd_info *ci, struct request *rq);
const char *csd_op_name(unsigned int op);
const char *csd_sz_name(unsigned int sc);

#endif
