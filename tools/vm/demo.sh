#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo: runs in the guest. A short real workload on the emulated ZNS
# drive and on the conventional namespace, and what csd saw of it.
set -e
zns=${CSD_ZNS_DEV:?}
conv=${CSD_CONV_DEV:?}
zd=${zns#/dev/}
cd_=${conv#/dev/}

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
submitted() { csdctl devices "$1" --json 2>/dev/null | sed -n 's/.*"submitted":\([0-9]*\).*/\1/p'; }

step "csd is loaded"
csdctl info

step "the drive: $zns is zoned, $conv is conventional"
nvme list
nvme zns report-zones "$zns" -d 4

step "exactly 100 O_DIRECT 4 KiB reads on $conv"
before=$(submitted "$cd_")
dd if="$conv" of=/dev/null bs=4k count=100 iflag=direct 2>/dev/null
after=$(submitted "$cd_")
echo "dd issued 100 reads; csd counted $((after - ${before:-0})) commands on $cd_"

step "a ZNS workload on $zns: reset, sequential writes into 4 zones, appends, random reads"
nvme zns reset-zone "$zns" -a
fio --name=zwrite --filename="$zns" --direct=1 --ioengine=psync --zonemode=zbd \
    --rw=write --bs=64k --size=16M --group_reporting 2>&1 | grep -E 'IOPS|issued'
dd if=/dev/urandom of=/tmp/blk bs=4k count=1 2>/dev/null
zsze=$(cat /sys/block/$zd/queue/chunk_sectors)
for i in 1 2 3 4 5; do
	nvme zns zone-append "$zns" -s $((4 * zsze / 8)) -z 4096 -d /tmp/blk > /dev/null
done
echo "5 zone appends into zone 4"
fio --name=zread --filename="$zns" --direct=1 --ioengine=psync --rw=randread \
    --bs=4k --size=16M --io_size=2M 2>&1 | grep -E 'IOPS|issued'
nvme zns report-zones "$zns" -d 6

step "random 4 KiB reads on $conv with io_uring, queue depth 16, 2 seconds"
fio --name=crand --filename="$conv" --direct=1 --ioengine=io_uring --iodepth=16 \
    --rw=randread --bs=4k --runtime=2 --time_based 2>&1 | grep -E 'IOPS|issued'

step "what csd saw"
csdctl devices
echo
csdctl info
echo
echo "debugfs: /sys/kernel/debug/csd/namespaces"
cat /sys/kernel/debug/csd/namespaces

step "the same as JSON"
csdctl devices --json
