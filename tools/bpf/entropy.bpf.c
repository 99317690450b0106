// SPDX-License-Identifier: GPL-2.0
/*
 * entropy: a 256-bin byte histogram of a zone or LBA range, computed next
 * to the data; the caller gets the 1 KiB histogram back and computes the
 * Shannon entropy from it (csdctl does). OpenCSD's headline experiment.
 */
#include "csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define BINS	256

SEC("struct_ops/process")
int BPF_PROG(entropy_process, struct csd_exec_ctx *x)
{
	__u32 *bins = (__u32 *)csd_exec_scratch(x, 0, BINS * sizeof(__u32));
	const __u8 *d;
	__u32 i;

	if (!bins)
		return -22;
	d = csd_exec_data(x, 0, CSD_EXEC_CHUNK);
	if (d) {
		const __u64 *w = (const __u64 *)d;

		/* A word at a time: one load for eight bytes. */
		for (i = 0; i < CSD_EXEC_CHUNK / 8; i++) {
			__u64 v = w[i];

			bins[v & 0xff]++;
			bins[(v >> 8) & 0xff]++;
			bins[(v >> 16) & 0xff]++;
			bins[(v >> 24) & 0xff]++;
			bins[(v >> 32) & 0xff]++;
			bins[(v >> 40) & 0xff]++;
			bins[(v >> 48) & 0xff]++;
			bins[v >> 56]++;
		}
		return 0;
	}
	/* A short last chunk: byte by byte. */
	for (i = 0; i < CSD_EXEC_CHUNK; i++) {
		const __u8 *b = csd_exec_data(x, i, 1);

		if (!b)
			break;
		bins[*b]++;
	}
	return 0;
}

SEC("struct_ops/finish")
int BPF_PROG(entropy_finish, struct csd_exec_ctx *x)
{
	__u8 *bins = csd_exec_scratch(x, 0, BINS * sizeof(__u32));

	if (!bins)
		return -22;
	return csd_exec_emit(x, bins, BINS * sizeof(__u32));
}

SEC(".struct_ops.link")
struct csd_exec_ops csd_entropy = {
	.process = (void *)entropy_process,
	.finish = (void *)entropy_finish,
	.name = "entropy",
	.result_format = CSD_EXEC_FMT_ENTROPY,
};
