// SPDX-License-Identifier: GPL-2.0
/* struct gendisk's nr_zones, zone_capacity, last_zone_capacity (6.10+, zoned). */
#include <linux/blkdev.h>

unsigned int csd_conftest(struct gendisk *disk);
unsigned int csd_conftest(struct gendisk *disk)
{
	return disk->nr_zones + disk->zone_capacity + disk->last_zone_capacity;
}
