/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVMe names csd prints: admin opcodes and command statuses, as the NVMe
 * base and ZNS specifications name them. One source for csd.ko (the
 * debugfs trace), csdctl and the gdb commands' constants
 * (gdb/gen-constants.c). Needs snprintf() and size_t from the includer.
 */
#ifndef CSD_NVME_NAMES_H
#define CSD_NVME_NAMES_H

/* Admin opcodes, by number. */
static const char * const csd_admin_names[256] = {
	[0x00] = "delete-sq", [0x01] = "create-sq", [0x02] = "get-log-page",
	[0x04] = "delete-cq", [0x05] = "create-cq", [0x06] = "identify",
	[0x08] = "abort", [0x09] = "set-features", [0x0a] = "get-features",
	[0x0c] = "async-event", [0x0d] = "ns-mgmt", [0x10] = "fw-commit",
	[0x11] = "fw-download", [0x14] = "self-test", [0x15] = "ns-attach",
	[0x18] = "keep-alive", [0x19] = "directive-send", [0x1a] = "directive-recv",
	[0x1c] = "virt-mgmt", [0x1d] = "nvme-mi-send", [0x1e] = "nvme-mi-recv",
	[0x7c] = "dbbuf-config", [0x7f] = "fabrics", [0x80] = "format-nvm",
	[0x81] = "security-send", [0x82] = "security-recv", [0x84] = "sanitize",
	[0x86] = "get-lba-status",
};

static const struct {
	unsigned short status;	/* (SCT << 8) | SC */
	const char *name;
} csd_nvme_statuses[] = {
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
	{ 0, NULL }
};

/* Name of an NVMe status ((SCT << 8) | SC), or "Unknown (SCT x, SC 0xYY)". */
static inline const char *csd_nvme_status_name(char *buf, size_t len, unsigned int status)
{
	unsigned int i;

	for (i = 0; csd_nvme_statuses[i].name; i++)
		if (csd_nvme_statuses[i].status == status)
			return csd_nvme_statuses[i].name;
	snprintf(buf, len, "Unknown (SCT %x, SC 0x%02x)", status >> 8, status & 0xff);
	return buf;
}

/* An admin opcode's name, or "admin(0xNN)". */
static inline const char *csd_admin_label(char *buf, size_t len, unsigned int opcode)
{
	if (csd_admin_names[opcode & 0xff])
		snprintf(buf, len, "%s", csd_admin_names[opcode & 0xff]);
	else
		snprintf(buf, len, "admin(0x%02x)", opcode & 0xff);
	return buf;
}

#endif
