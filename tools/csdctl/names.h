/* SPDX-License-Identifier: GPL-2.0 */
/* Names of csd's operation and size classes, NVMe statuses, zone states. */
#ifndef CSDCTL_NAMES_H
#define CSDCTL_NAMES_H

#include <stddef.h>

#define OP_LABEL_LEN		24
#define STATUS_NAME_LEN		48

/* "read", "zone-reset", ...; "other" for CSD_OP_OTHER; NULL if unknown. */
const char *op_name(unsigned int op);
/* op_name(), but "other(0x7f)" for CSD_OP_OTHER and "op-N" if unknown. */
const char *admin_label(char *buf, size_t len, unsigned int opcode);
const char *op_label(char *buf, size_t len, unsigned int op, unsigned int opcode);
/* CSD_OP_* from a name, CSD_OP_ALL for "all"; -1 if unknown. */
int op_parse(const char *s);

/* "-", "<=4K", ..., ">1M"; "all" for CSD_SZ_ALL; "?" if unknown. */
const char *size_class_name(unsigned int sc);
/* CSD_SZ_* from "<=4K", "4K", "none", ">1M", "all", ...; -1 if unknown. */
int size_class_parse(const char *s);

/* Name of an NVMe status ((SCT << 8) | SC), or "Unknown (SCT x, SC 0xYY)". */
const char *nvme_status_name(char *buf, size_t len, unsigned int status);

/* BLK_ZONE_COND_* as "empty", "imp-open", ...; "?" if unknown. */
const char *zone_cond_name(unsigned int cond);

#endif
