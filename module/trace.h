/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csd: trace readers (trace.c).
 */
#ifndef _CSD_TRACE_H
#define _CSD_TRACE_H

struct csd_completion;

/* trace.c */
extern struct list_head csd_tracers;

/* True while a trace reader is open: one read of a list head. */
static inline bool csd_tracing(void)
{
	return unlikely(!list_empty(&csd_tracers));
}

void csd_trace_complete(const struct csd_completion *c);
int csd_trace_open(struct csd_trace_open *arg, struct file **filep);
void csd_trace_abort(int fd, struct file *file);
int csd_trace_format(const struct csd_trace_rec *r, char *buf, size_t len);
u64 csd_trace_mem_bytes(void);
extern const struct file_operations csd_trace_debugfs_fops;

#endif
