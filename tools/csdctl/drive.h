/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the drive itself reports, through libnvme: the controller's identity
 * (Identify Controller and the topology scan), a namespace's LBA format and
 * zoned limits (Identify Namespace, ZNS Identify Namespace), zone
 * descriptors (Zone Management Receive) and the SMART / health log. csd
 * counts commands; these are the drive's own answers, joined beside them.
 */
#ifndef CSDCTL_DRIVE_H
#define CSDCTL_DRIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Identify Controller, strings without their space padding. */
struct drive_ctrl {
	char transport[16];	/* topology scan: pcie, tcp, loop, ... */
	char mn[41];		/* model number */
	char sn[21];		/* serial number */
	char fr[9];		/* firmware revision */
	__u16 vid, ssvid, cntlid;
	__u32 ver;
	__u8 cmic, mdts;
	__u32 nn;
};

/* Identify Namespace (and, when zoned, ZNS Identify Namespace). */
struct drive_ns {
	unsigned int lbaf;	/* the format in use: FLBAS' index */
	unsigned int flbas;	/* as the drive reports it */
	unsigned int ds;	/* LBA data size, log2 bytes */
	unsigned int ms;	/* metadata bytes per LBA */
	unsigned int rp;	/* relative performance (0 best .. 3) */
	bool zns;		/* the ZNS identify answered */
	__u32 mor, mar;		/* max open / active resources, 0-based; ~0: no limit */
	__u8 zdes;		/* zone descriptor extension size, in 64 bytes */
};

/* Zone attributes (ZA) and the Full state (ZS), as NVMe defines them. */
#define DRIVE_ZA_ZFC	0x01	/* Zone Finished by Controller */
#define DRIVE_ZA_FZR	0x02	/* Finish Zone Recommended */
#define DRIVE_ZA_RZR	0x04	/* Reset Zone Recommended */
#define DRIVE_ZA_ZRWAV	0x08	/* Zone Random Write Area Valid */
#define DRIVE_ZA_ZDEV	0x80	/* Zone Descriptor Extension Valid */
#define DRIVE_ZS_FULL	0xe

/* One zone descriptor, as Zone Management Receive reports it. */
struct drive_zone {
	__u64 zslba, wp, zcap;	/* logical blocks */
	__u8 zt, zs, za;	/* type, state (ZS: the upper nibble), attributes */
};

/* SMART / health information (log page 02h, all namespaces). */
struct drive_health {
	__u8 critical_warning;
	__u16 temperature;	/* kelvin */
	__u8 avail_spare, spare_thresh, percent_used;
	__u64 media_errors, num_err_log_entries, unsafe_shutdowns;
	__u64 power_on_hours, power_cycles;
};

/*
 * Each returns 0, or a negative errno (-EACCES, -ENOENT, ...); a positive
 * value is an NVMe status the drive returned.
 */
int drive_ctrl_get(const char *ctrl, struct drive_ctrl *c);
int drive_ns_get(const char *ctrl, __u32 nsid, bool zoned, struct drive_ns *n);
int drive_health_get(const char *ctrl, struct drive_health *h);
/*
 * Up to @max zone descriptors of namespace @nsid, opened as /dev/@disk,
 * from zone start @slba on; the count in *@nr.
 */
int drive_zones_get(const char *disk, __u32 nsid, __u64 slba, struct drive_zone *z,
		    unsigned int max, unsigned int *nr);
/*
 * The device node that reaches @disk: /dev/@disk, or for a multipath path
 * (nvme1c0n1, which has none) its head's (/dev/nvme1n1).
 */
const char *drive_node(const char *disk, char *buf, size_t len);
/* Zone attribute bits (ZA) as short names ("zfc,rzr"), or "-". */
const char *drive_za_names(char *buf, unsigned int len, __u8 za);
/* nvme-cli's names of a zone state and type ("EMPTY", "SEQWRITE_REQ"). */
const char *drive_zs_name(__u8 zs);
const char *drive_zt_name(__u8 zt);
/* Why a drive_*_get() failed, for a message. */
const char *drive_strerror(int err);

#endif
