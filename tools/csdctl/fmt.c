// SPDX-License-Identifier: GPL-2.0
/* Human units for csdctl's tables. */
#include <stdio.h>

#include "fmt.h"

/* @v scaled by @step until below @step - 0.5, with 3 significant digits. */
static const char *fmt_scaled(char *buf, double v, double step, const char * const *units,
			      int nr_units)
{
	int u = 0;

	while (v >= step - 0.5 && u < nr_units - 1) {
		v /= step;
		u++;
	}
	if (v < 9.995)
		snprintf(buf, FMT_LEN, "%.2f%s", v, units[u]);
	else if (v < 99.95)
		snprintf(buf, FMT_LEN, "%.1f%s", v, units[u]);
	else
		snprintf(buf, FMT_LEN, "%.0f%s", v, units[u]);
	return buf;
}

const char *fmt_ns(char *buf, __u64 ns)
{
	static const char * const units[] = { "ns", "us", "ms", "s" };

	if (ns < 1000) {
		snprintf(buf, FMT_LEN, "%lluns", (unsigned long long)ns);
		return buf;
	}
	return fmt_scaled(buf, ns, 1000, units, (int)(sizeof(units) / sizeof(units[0])));
}

const char *fmt_bytes(char *buf, __u64 bytes)
{
	static const char * const units[] = { "B", "K", "M", "G", "T", "P", "E" };

	if (bytes < 1024) {
		snprintf(buf, FMT_LEN, "%lluB", (unsigned long long)bytes);
		return buf;
	}
	return fmt_scaled(buf, bytes, 1024, units, (int)(sizeof(units) / sizeof(units[0])));
}

const char *fmt_rate(char *buf, double v)
{
	if (v == 0)
		snprintf(buf, FMT_LEN, "0");
	else if (v < 9.995)
		snprintf(buf, FMT_LEN, "%.2f", v);
	else if (v < 99.95)
		snprintf(buf, FMT_LEN, "%.1f", v);
	else
		snprintf(buf, FMT_LEN, "%.0f", v);
	return buf;
}
