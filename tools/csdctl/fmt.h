/* SPDX-License-Identifier: GPL-2.0 */
/* Human units for csdctl's tables. */
#ifndef CSDCTL_FMT_H
#define CSDCTL_FMT_H

#include <linux/types.h>

#define FMT_LEN		24	/* every fmt_*() buffer */

/* A latency: "850ns", "85.2us", "1.00ms", "68.7s" (3 significant digits). */
const char *fmt_ns(char *buf, __u64 ns);
/* A byte count in binary units: "512B", "4.00K", "162M", "1.50G". */
const char *fmt_bytes(char *buf, __u64 bytes);
/* A rate (IOPS, MB/s): "0", "0.25", "12.5", "3456". */
const char *fmt_rate(char *buf, double v);

#endif
