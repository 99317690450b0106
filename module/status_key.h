/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: the key of an epoch's error status table (struct csd_status_slot).
 *
 * One int: bit 31 set (0 is a free slot), the operation class, the NVMe
 * opcode and the NVMe status (SCT << 8 | SC). No kernel headers: the gdb
 * commands' constants are generated from this file too (gdb/gen-constants.c).
 */
#ifndef CSD_STATUS_KEY_H
#define CSD_STATUS_KEY_H

#define CSD_STATUS_KEY_USED		0x80000000U
#define CSD_STATUS_KEY_OP_SHIFT		19
#define CSD_STATUS_KEY_OPCODE_SHIFT	11
#define CSD_STATUS_KEY_STATUS_MASK	0x7ffU

#define CSD_STATUS_KEY(op, opcode, status)				\
	(CSD_STATUS_KEY_USED | (op) << CSD_STATUS_KEY_OP_SHIFT |	\
	 (opcode) << CSD_STATUS_KEY_OPCODE_SHIFT | (status))
#define CSD_STATUS_KEY_OP(key)		(((key) >> CSD_STATUS_KEY_OP_SHIFT) & 0xff)
#define CSD_STATUS_KEY_OPCODE(key)	(((key) >> CSD_STATUS_KEY_OPCODE_SHIFT) & 0xff)
#define CSD_STATUS_KEY_STATUS(key)	((key) & CSD_STATUS_KEY_STATUS_MASK)

#endif
