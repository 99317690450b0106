// SPDX-License-Identifier: GPL-2.0
/*
 * The drive's own answers through libnvme: the topology scan, Identify,
 * Zone Management Receive and the SMART / health log (see drive.h).
 */
#define _GNU_SOURCE	/* dlvsym() */
#include <dlfcn.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * libnvme is opened on first use (dlopen), not linked: it brings OpenSSL
 * and json-c along, and loading them was most of csdctl's start-up, which
 * every command paid (csdctl exec, csdctl stats from a timer) while only
 * devices and zones ask the drive. Its functions are reached through the
 * pointers below; libnvme's header is read with each name renamed to its
 * wrapper, so that its inline helpers (nvme_identify_ctrl(), ...) call the
 * wrappers too.
 */
#define DRIVE_NVME_FNS(X)									\
	X(const char *, nvme_ctrl_get_name, (nvme_ctrl_t c), (c))				\
	X(const char *, nvme_ctrl_get_transport, (nvme_ctrl_t c), (c))				\
	X(nvme_host_t, nvme_first_host, (nvme_root_t r), (r))					\
	X(nvme_subsystem_t, nvme_first_subsystem, (nvme_host_t h), (h))				\
	X(void, nvme_free_tree, (nvme_root_t r), (r))						\
	X(int, nvme_get_log_page, (int fd, __u32 xfer_len, struct nvme_get_log_args *args),	\
	  (fd, xfer_len, args))									\
	X(int, nvme_identify, (struct nvme_identify_args *args), (args))			\
	X(nvme_host_t, nvme_next_host, (nvme_root_t r, nvme_host_t h), (r, h))			\
	X(nvme_subsystem_t, nvme_next_subsystem, (nvme_host_t h, nvme_subsystem_t s), (h, s))	\
	X(nvme_root_t, nvme_scan, (const char *config_file), (config_file))			\
	X(const char *, nvme_status_to_string, (int status, bool fabrics), (status, fabrics))	\
	X(nvme_ctrl_t, nvme_subsystem_first_ctrl, (nvme_subsystem_t s), (s))			\
	X(nvme_ctrl_t, nvme_subsystem_next_ctrl, (nvme_subsystem_t s, nvme_ctrl_t c), (s, c))	\
	X(int, nvme_zns_mgmt_recv, (struct nvme_zns_mgmt_recv_args *args), (args))

#define nvme_ctrl_get_name		drive_nvme_ctrl_get_name
#define nvme_ctrl_get_transport		drive_nvme_ctrl_get_transport
#define nvme_first_host			drive_nvme_first_host
#define nvme_first_subsystem		drive_nvme_first_subsystem
#define nvme_free_tree			drive_nvme_free_tree
#define nvme_get_log_page		drive_nvme_get_log_page
#define nvme_identify			drive_nvme_identify
#define nvme_next_host			drive_nvme_next_host
#define nvme_next_subsystem		drive_nvme_next_subsystem
#define nvme_scan			drive_nvme_scan
#define nvme_status_to_string		drive_nvme_status_to_string
#define nvme_subsystem_first_ctrl	drive_nvme_subsystem_first_ctrl
#define nvme_subsystem_next_ctrl	drive_nvme_subsystem_next_ctrl
#define nvme_zns_mgmt_recv		drive_nvme_zns_mgmt_recv
#include <libnvme.h>

#include "csdctl.h"
#include "drive.h"

#define DRIVE_NVME_PTR(ret, name, params, args) static ret (*drive_p_##name) params;
DRIVE_NVME_FNS(DRIVE_NVME_PTR)

/* The wrappers the renamed declarations name: each calls libnvme's function. */
#define DRIVE_NVME_WRAP(ret, name, params, args) \
	ret drive_##name params { return drive_p_##name args; }
DRIVE_NVME_FNS(DRIVE_NVME_WRAP)

/* Open libnvme once: 0, or -ELIBACC (said once) if it cannot be loaded. */
static int drive_lib(void)
{
	static int state;	/* 0: not tried, 1: loaded, -1: failed */
	void *h;

	if (state)
		return state > 0 ? 0 : -ELIBACC;
	state = -1;
	h = dlopen("libnvme.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "%s: %s: the drive's own answers are unavailable\n", prog, dlerror());
		return -ELIBACC;
	}
	/* The version the header describes: a later libnvme may add others. */
#define DRIVE_NVME_SYM(ret, name, params, args)						\
	drive_p_##name = (ret (*) params)dlvsym(h, #name, "LIBNVME_1_0");		\
	if (!drive_p_##name) {								\
		fprintf(stderr, "%s: libnvme.so.1 has no %s@LIBNVME_1_0: the drive's own answers are unavailable\n", \
			prog, #name);							\
		dlclose(h);								\
		return -ELIBACC;							\
	}
	DRIVE_NVME_FNS(DRIVE_NVME_SYM)
	state = 1;
	return 0;
}

/* libnvme: -1 with errno, or an NVMe status (> 0). */
static int drive_ret(int ret)
{
	return ret < 0 ? -errno : ret;
}

/* Copy a space-padded identify string, without its padding. */
static void drive_str(char *dst, const char *src, size_t len)
{
	memcpy(dst, src, len);
	dst[len] = 0;
	while (len && (dst[len - 1] == ' ' || !dst[len - 1]))
		dst[--len] = 0;
}

const char *drive_node(const char *disk, char *buf, size_t len)
{
	unsigned int s, c, n;
	char tail;

	/* A multipath path (nvme1c0n1) has no node: its head (nvme1n1) does. */
	if (sscanf(disk, "nvme%uc%un%u%c", &s, &c, &n, &tail) == 3)
		snprintf(buf, len, "/dev/nvme%un%u", s, n);
	else
		snprintf(buf, len, "/dev/%s", disk);
	return buf;
}

/* The node of @name (a controller or a disk), read-only: the fd, or a negative errno. */
static int drive_open(const char *name)
{
	char path[64];
	int fd;

	fd = open(drive_node(name, path, sizeof(path)), O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* The transport of controller @ctrl from libnvme's topology scan. */
static void drive_transport(const char *ctrl, char *buf, size_t len)
{
	nvme_root_t r = nvme_scan(NULL);
	nvme_subsystem_t s;
	nvme_host_t h;
	nvme_ctrl_t c;

	snprintf(buf, len, "?");
	if (!r)
		return;
	nvme_for_each_host(r, h)
		nvme_for_each_subsystem(h, s)
			nvme_subsystem_for_each_ctrl(s, c)
				if (!strcmp(nvme_ctrl_get_name(c), ctrl) &&
				    nvme_ctrl_get_transport(c))
					snprintf(buf, len, "%s", nvme_ctrl_get_transport(c));
	nvme_free_tree(r);
}

int drive_ctrl_get(const char *ctrl, struct drive_ctrl *c)
{
	struct nvme_id_ctrl id;
	int fd, ret;

	memset(c, 0, sizeof(*c));
	ret = drive_lib();
	if (ret)
		return ret;
	fd = drive_open(ctrl);
	if (fd < 0)
		return fd;
	ret = drive_ret(nvme_identify_ctrl(fd, &id));
	close(fd);
	if (ret)
		return ret;
	drive_str(c->mn, id.mn, sizeof(id.mn));
	drive_str(c->sn, id.sn, sizeof(id.sn));
	drive_str(c->fr, id.fr, sizeof(id.fr));
	c->vid = le16toh(id.vid);
	c->ssvid = le16toh(id.ssvid);
	c->cntlid = le16toh(id.cntlid);
	c->ver = le32toh(id.ver);
	c->cmic = id.cmic;
	c->mdts = id.mdts;
	c->nn = le32toh(id.nn);
	drive_transport(ctrl, c->transport, sizeof(c->transport));
	return 0;
}

int drive_ns_get(const char *ctrl, __u32 nsid, bool zoned, struct drive_ns *n)
{
	struct nvme_zns_id_ns zid;
	struct nvme_id_ns id;
	int fd, ret;

	memset(n, 0, sizeof(*n));
	ret = drive_lib();
	if (ret)
		return ret;
	fd = drive_open(ctrl);
	if (fd < 0)
		return fd;
	ret = drive_ret(nvme_identify_ns(fd, nsid, &id));
	if (ret)
		goto out_close;
	/* FLBAS: bits 3:0, and 6:5 as the upper two bits (over 16 formats). */
	n->flbas = id.flbas;
	n->lbaf = (id.flbas & 0xf) | ((id.flbas >> 5) & 0x3) << 4;
	n->ds = id.lbaf[n->lbaf].ds;
	n->ms = le16toh(id.lbaf[n->lbaf].ms);
	n->rp = id.lbaf[n->lbaf].rp & 0x3;
	if (!zoned)
		goto out_close;
	ret = drive_ret(nvme_zns_identify_ns(fd, nsid, &zid));
	if (ret)
		goto out_close;
	n->zns = true;
	n->mor = le32toh(zid.mor);
	n->mar = le32toh(zid.mar);
	n->zdes = zid.lbafe[n->lbaf].zdes;
out_close:
	close(fd);
	return ret;
}

/* A 128-bit little-endian counter, saturated to 64 bits. */
static __u64 drive_u128(const __u8 *v)
{
	__u64 lo, hi;

	memcpy(&lo, v, 8);
	memcpy(&hi, v + 8, 8);
	return hi ? ~0ULL : le64toh(lo);
}

int drive_health_get(const char *ctrl, struct drive_health *h)
{
	struct nvme_smart_log log;
	int fd, ret;

	memset(h, 0, sizeof(*h));
	ret = drive_lib();
	if (ret)
		return ret;
	fd = drive_open(ctrl);
	if (fd < 0)
		return fd;
	ret = drive_ret(nvme_get_log_smart(fd, NVME_NSID_ALL, false, &log));
	close(fd);
	if (ret)
		return ret;
	h->critical_warning = log.critical_warning;
	h->temperature = log.temperature[0] | log.temperature[1] << 8;
	h->avail_spare = log.avail_spare;
	h->spare_thresh = log.spare_thresh;
	h->percent_used = log.percent_used;
	h->media_errors = drive_u128(log.media_errors);
	h->num_err_log_entries = drive_u128(log.num_err_log_entries);
	h->unsafe_shutdowns = drive_u128(log.unsafe_shutdowns);
	h->power_on_hours = drive_u128(log.power_on_hours);
	h->power_cycles = drive_u128(log.power_cycles);
	return 0;
}

int drive_zones_get(const char *disk, __u32 nsid, __u64 slba, struct drive_zone *z,
		    unsigned int max, unsigned int *nr)
{
	size_t len = sizeof(struct nvme_zone_report) + max * sizeof(struct nvme_zns_desc);
	struct nvme_zone_report *rep;
	unsigned int i, n;
	int fd, ret;

	*nr = 0;
	ret = drive_lib();
	if (ret)
		return ret;
	fd = drive_open(disk);
	if (fd < 0)
		return fd;
	rep = xcalloc(1, len);
	ret = drive_ret(nvme_zns_report_zones(fd, nsid, slba, NVME_ZNS_ZRAS_REPORT_ALL, false,
					      true, len, rep, NVME_DEFAULT_IOCTL_TIMEOUT, NULL));
	close(fd);
	if (ret)
		goto out_free;
	/* With partial set, the count is of the descriptors returned. */
	n = le64toh(rep->nr_zones);
	if (n > max)
		n = max;
	for (i = 0; i < n; i++) {
		const struct nvme_zns_desc *d = &rep->entries[i];

		z[i].zslba = le64toh(d->zslba);
		z[i].wp = le64toh(d->wp);
		z[i].zcap = le64toh(d->zcap);
		z[i].zt = d->zt & 0xf;
		z[i].zs = d->zs >> 4;
		z[i].za = d->za;
	}
	*nr = n;
out_free:
	free(rep);
	return ret;
}

const char *drive_za_names(char *buf, unsigned int len, __u8 za)
{
	static const struct {
		__u8 bit;
		const char *name;
	} names[] = {
		{ DRIVE_ZA_ZFC, "zfc" },
		{ DRIVE_ZA_FZR, "fzr" },
		{ DRIVE_ZA_RZR, "rzr" },
		{ DRIVE_ZA_ZRWAV, "zrwav" },
		{ DRIVE_ZA_ZDEV, "zdev" },
	};
	unsigned int i, used = 0;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (za & names[i].bit)
			used += snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? "," : "", names[i].name);
	if (!used)
		snprintf(buf, len, "-");
	return buf;
}

/* As nvme-cli prints them (nvme zns report-zones). */
const char *drive_zs_name(__u8 zs)
{
	switch (zs) {
	case NVME_ZNS_ZS_EMPTY:		return "EMPTY";
	case NVME_ZNS_ZS_IMPL_OPEN:	return "IMP_OPENED";
	case NVME_ZNS_ZS_EXPL_OPEN:	return "EXP_OPENED";
	case NVME_ZNS_ZS_CLOSED:	return "CLOSED";
	case NVME_ZNS_ZS_READ_ONLY:	return "READONLY";
	case NVME_ZNS_ZS_FULL:		return "FULL";
	case NVME_ZNS_ZS_OFFLINE:	return "OFFLINE";
	}
	return "Unknown State";
}

const char *drive_zt_name(__u8 zt)
{
	return zt == NVME_ZONE_TYPE_SEQWRITE_REQ ? "SEQWRITE_REQ" : "Unknown";
}

_Static_assert(DRIVE_ZA_ZFC == NVME_ZNS_ZA_ZFC && DRIVE_ZA_FZR == NVME_ZNS_ZA_FZR &&
	       DRIVE_ZA_RZR == NVME_ZNS_ZA_RZR && DRIVE_ZA_ZRWAV == NVME_ZNS_ZA_ZRWAV &&
	       DRIVE_ZA_ZDEV == NVME_ZNS_ZA_ZDEV && DRIVE_ZS_FULL == NVME_ZNS_ZS_FULL,
	       "drive.h's zone constants are libnvme's");

const char *drive_strerror(int err)
{
	static char buf[96];

	if (err < 0)
		return strerror(-err);
	snprintf(buf, sizeof(buf), "NVMe status 0x%x: %s", err,
		 drive_lib() ? "?" : nvme_status_to_string(err, false));
	return buf;
}
