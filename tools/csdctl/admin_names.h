/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Admin opcodes of the NVMe base specification, by number, as csdctl
 * prints them. The gdb commands' constants are generated from this file
 * too (gdb/gen-constants.c): it is their one source.
 */
#ifndef CSDCTL_ADMIN_NAMES_H
#define CSDCTL_ADMIN_NAMES_H

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

#endif
