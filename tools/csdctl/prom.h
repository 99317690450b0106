/* SPDX-License-Identifier: GPL-2.0 */
/* csdctl stats --prometheus: Prometheus text exposition format. */
#ifndef CSDCTL_PROM_H
#define CSDCTL_PROM_H

#include <stdio.h>

#include "fetch.h"

/* Write @n snapshots (and their histograms, fetched on @fd): 0 or 1. */
int prom_write(FILE *f, int fd, const struct ns_snap *snaps, int n);

#endif
