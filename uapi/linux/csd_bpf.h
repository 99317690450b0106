/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The BPF struct_ops types csd registers, as csd.ko defines them and as BPF
 * programs fill them in (libbpf matches them by name and member against
 * csd's module BTF). The one definition: module/ and tools/bpf/ include it.
 */
#ifndef _UAPI_LINUX_CSD_BPF_H
#define _UAPI_LINUX_CSD_BPF_H

#include <linux/types.h>
#ifndef _UAPI_LINUX_CSD_H	/* csd.ko includes it as <uapi/linux/csd.h> */
#include <linux/csd.h>
#endif

/**
 * struct csd_ops - a completion program set, attached to one namespace.
 * @complete: runs on each completed command of the namespace, in the
 *	completion's context (any, maybe hard IRQ: never sleepable).
 *	Returns CSD_BPF_DROP, a class 1..CSD_BPF_CLASSES, or 0.
 * @ns_id: data: the namespace to attach to (csdctl devices' ID).
 * @flags: data: must be 0.
 */
struct csd_ops {
	int (*complete)(struct csd_req_ctx *ctx);
	__u32 ns_id;
	__u32 flags;
};

/**
 * struct csd_exec_ops - an offload program set, registered under a name
 * for CSD_IOC_EXEC.
 * @process: runs once per chunk of the range, in process context.
 * @finish: runs after the last chunk.
 * @name: data: what CSD_IOC_EXEC names (NUL-terminated, not empty).
 * @result_format: data: CSD_EXEC_FMT_* (EINVAL if unknown), returned in
 *	struct csd_exec.result_format.
 * @pad: data: must be 0.
 */
struct csd_exec_ops {
	int (*process)(struct csd_exec_ctx *ctx);
	int (*finish)(struct csd_exec_ctx *ctx);
	char name[CSD_NAME_LEN];
	__u32 result_format;
	__u32 pad;
};

#endif
