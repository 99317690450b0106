#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One host of tools/monitor/fleet-check.sh, run in the guest:
#
#   fleet-guest.sh NAME READS WRITES BS
#
# Writes csd's metrics with csd-textfile (the script csd-textfile.service
# runs) twice, around a fio workload of READS random reads and WRITES
# random writes of BS on the conventional namespace, and prints both
# files and fio's own counts between "=== NAME ..." lines for the host.
# A few reads and writes come first, so that every series the workload
# touches is already in the first file (Prometheus' rate() needs a
# series' first sample before the increase it measures).
set -eu
name=$1 reads=$2 writes=$3 bs=$4
dev=$CSD_CONV_DEV
tf=/tmp/textfile

# fio's own count of the I/Os it completed.
fio_ios() {
	fio --allow_file_create=0 --name="$name" --filename="$dev" --direct=1 \
		--ioengine=psync --rw="$1" --bs="$bs" --size=32M --io_size=1g --norandommap \
		--number_ios="$2" \
		--randseed=7 --output-format=json |
		jq -r '.jobs[0].read.total_ios + .jobs[0].write.total_ios'
}

snapshot() {
	csd-textfile "$tf"
	# Nothing but the file itself is left in the directory.
	[ "$(ls -A "$tf")" = csd.prom ] || { echo "csd-textfile left: $(ls -A "$tf")"; exit 1; }
	echo "=== $name snapshot $1"
	cat "$tf/csd.prom"
	echo "=== end"
}

mkdir -p "$tf"
fio_ios randread 4 > /dev/null
fio_ios randwrite 4 > /dev/null
snapshot 0
r=$(fio_ios randread "$reads")
w=$(fio_ios randwrite "$writes")
echo "=== $name fio ${dev#/dev/} read $r write $w"
snapshot 1

# csd gone: the writer fails and leaves no stale file behind.
rmmod csd
if csd-textfile "$tf" 2> /dev/null; then
	echo "csd-textfile succeeded without csd"
	exit 1
fi
[ -z "$(ls -A "$tf")" ] || { echo "csd-textfile left: $(ls -A "$tf")"; exit 1; }
echo "=== $name writer ok"
