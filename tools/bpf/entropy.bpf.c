// SPDX-License-Identifier: GPL-2.0
/*
 * entropy: a 256-bin byte histogram of a zone or LBA range, computed next
 * to the data; the caller gets the 1 KiB histogram back and computes the
 * Shannon entropy from it (csdctl does). OpenCSD's headline experiment.
 */
#include "csd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define BINS	256

/*
 * Count one byte in the bins at address @base: the byte whose value x 4
 * is in bits 2..9 of @off4 (the mask keeps the offset inside the bins).
 */
static __always_inline void bin_inc(__u64 base, __u64 off4)
{
	(*(__u32 *)(base + (off4 & ((BINS - 1) * sizeof(__u32)))))++;
}

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
		__u64 base = (__u64)bins;

		/*
		 * A word at a time: one load for eight bytes. Each bin's
		 * address is summed as an integer, the byte's offset in the
		 * bins (value x 4) first: clang (14) then adds the base to
		 * it in place, 7 instructions a byte instead of 8
		 * (bins[(v >> 8) & 0xff]++ copies the base first), and the
		 * verifier bounds the sum by the mask.
		 */
		for (i = 0; i < CSD_EXEC_CHUNK / 8; i++) {
			__u64 v = w[i];

			bin_inc(base, v << 2);
			bin_inc(base, v >> 6);
			bin_inc(base, v >> 14);
			bin_inc(base, v >> 22);
			bin_inc(base, v >> 30);
			bin_inc(base, v >> 38);
			bin_inc(base, v >> 46);
			bin_inc(base, v >> 54);
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
