// SPDX-License-Identifier: GPL-2.0
/* class_interface.add_dev(dev) (6.4+); before: add_dev(dev, class_intf). */
#include <linux/device.h>

static int csd_conftest_add(struct device *dev)
{
	return 0;
}

struct class_interface csd_conftest_intf = { .add_dev = csd_conftest_add };
