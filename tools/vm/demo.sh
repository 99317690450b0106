#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo: runs in the guest. A mixed workload on the emulated ZNS drive
# and on the conventional namespace, and what csd saw of it: per-opcode
# latency table, a read histogram, the zone table, and the same numbers in
# debugfs, JSON and Prometheus form; BPF programs; the trace of completed
# commands and the commands in flight.
set -e
zns=${CSD_ZNS_DEV:?}
conv=${CSD_CONV_DEV:?}
zd=${zns#/dev/}
cd_=${conv#/dev/}
zsec=$(cat /sys/block/$zd/queue/chunk_sectors)
zlba=$((zsec / 8))		# 4 KiB blocks per zone

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
submitted() { csdctl devices "$1" --json 2>/dev/null | jq '.[0].submitted // 0'; }

step "csd is loaded"
csdctl info

step "the drive: $zns is zoned ($(cat /sys/block/$zd/queue/nr_zones) zones of $((zsec / 2048)) MiB), $conv is conventional"
nvme list

step "exactly 100 O_DIRECT 4 KiB reads on $conv: csd counts exactly 100"
dd if="$conv" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null
before=$(submitted "$cd_")
dd if="$conv" of=/dev/null bs=4k count=100 iflag=direct 2>/dev/null
after=$(submitted "$cd_")
echo "dd issued 100 reads; csd counted $((after - before)) commands on $cd_"

step "a mixed ZNS workload on $zns"
csdctl reset
echo "- reset all zones"
nvme zns reset-zone "$zns" -a > /dev/null
echo "- fio: sequential 64 KiB writes filling zones 0-3, two jobs"
fio --name=zwrite --filename="$zns" --direct=1 --ioengine=psync --zonemode=zbd \
    --rw=write --bs=64k --size=16M --numjobs=2 --offset_increment=8M --size=8M \
    --group_reporting 2>&1 | grep -E '^ +write:|issued'
echo "- 40 zone appends into zone 5 and 6 (nvme zns zone-append)"
dd if=/dev/urandom of=/tmp/blk bs=4k count=1 2>/dev/null
i=0
while [ $i -lt 20 ]; do
	nvme zns zone-append "$zns" -s $((5 * zlba)) -z 4096 -d /tmp/blk > /dev/null
	nvme zns zone-append "$zns" -s $((6 * zlba)) -z 4096 -d /tmp/blk > /dev/null
	i=$((i + 1))
done
echo "- fio: 4 KiB random reads over the written zones while 16 KiB reads run on zone 5"
fio --name=zread --filename="$zns" --direct=1 --ioengine=libaio --iodepth=8 \
    --rw=randread --bs=4k --size=16M --io_size=8M \
    --name=zread16 --filename="$zns" --direct=1 --ioengine=psync --rw=randread \
    --bs=16k --offset=$((5 * zsec * 512)) --size=80k --io_size=2M \
    --group_reporting 2>&1 | grep -E '^ +read:|issued'
echo "- finish zone 2, reset zones 1 and 3, open zone 9"
nvme zns finish-zone "$zns" -s $((2 * zlba)) > /dev/null
nvme zns reset-zone "$zns" -s $((1 * zlba)) > /dev/null
nvme zns reset-zone "$zns" -s $((3 * zlba)) > /dev/null
nvme zns open-zone "$zns" -s $((9 * zlba)) > /dev/null
echo "- a write past the write pointer of zone 7 (fails: Zone Invalid Write)"
nvme write "$zns" -s $((7 * zlba + 8)) -c 0 -z 4096 -d /tmp/blk > /dev/null 2>&1 || true

step "random 4 KiB reads on $conv, io_uring, queue depth 16, 2 s; then flushes and write-zeroes"
fio --name=crand --filename="$conv" --direct=1 --ioengine=io_uring --iodepth=16 \
    --rw=randread --bs=4k --runtime=2 --time_based 2>&1 | grep -E '^ +read:|issued'
for i in 1 2 3; do nvme flush "$conv" > /dev/null; done
nvme write-zeroes "$conv" -s 0 -c 255 > /dev/null

step "csdctl stats: per operation and size class"
csdctl stats

step "csdctl hist $zd --op read: where the read time goes"
csdctl hist "$zd" --op read

step "csdctl zones $zd: per zone, joined with the zone report"
csdctl zones "$zd"

step "csdctl zones $zd --sort p99 --top 3"
csdctl zones "$zd" --sort p99 --top 3

step "debugfs: /sys/kernel/debug/csd/$zd/"
for f in latency status; do
	echo "-- $f"
	cat /sys/kernel/debug/csd/$zd/$f
done

step "csdctl stats $zd --json (first row)"
csdctl stats "$zd" --json | jq -M -c '.[0].rows[0]'

step "csdctl stats --prometheus (excerpt), checked by promtool"
csdctl stats --prometheus > /tmp/metrics.txt
grep -E '^csd_(commands_total|errors_total)' /tmp/metrics.txt | head -8
grep -E '^csd_latency_seconds_(bucket|sum|count)\{disk="'$zd'",op="read",size="<=4K"' /tmp/metrics.txt |
	awk '$2 != 0' | head -6
promtool check metrics < /tmp/metrics.txt && echo "promtool: ok"

step "BPF: a completion program that counts and classifies, attached to $zd"
sysctl -qw kernel.bpf_stats_enabled=1
csdctl prog load /csd/bpf/classify.bpf.o
csdctl prog attach classify "$zd"
fio --name=bpfread --filename="$zns" --direct=1 --ioengine=psync --rw=randread \
    --bs=4k --size=16M --io_size=1M 2>&1 | grep -E 'issued'
csdctl stats "$zd" --class
csdctl prog list
csdctl prog detach classify

step "BPF: slowlog, commands slower than 2 ms on $cd_, printed from its ring buffer"
csdctl prog load /csd/bpf/slowlog.bpf.o
csdctl prog attach slowlog "$cd_"
timeout 4 csdctl prog events slowlog --arg 2000 -n 8 &
sleep 0.3
fio --name=slow --filename="$conv" --direct=1 --ioengine=io_uring --iodepth=32 \
    --rw=randread --bs=64k --runtime=2 --time_based 2>&1 | grep -E 'issued'
wait
csdctl prog detach slowlog

step "BPF offload: entropy of zone 0 computed in the kernel, only the histogram comes back"
csdctl prog load /csd/bpf/entropy.bpf.o
csdctl exec "$zd" --prog entropy --zone 0
csdctl exec "$zd" --prog entropy --zone 8
csdctl prog detach entropy

step "csdctl trace $zd: every command as it completes (3 reads, 2 appends, a reset)"
nvme zns reset-zone "$zns" -s $((12 * zlba)) > /dev/null
csdctl trace "$zd" -n 6 &
sleep 0.5
dd if="$zns" of=/dev/null bs=4k count=3 skip=$((2 * zlba + 3)) iflag=direct 2>/dev/null
nvme zns zone-append "$zns" -s $((12 * zlba)) -z 4096 -d /tmp/blk > /dev/null
nvme zns zone-append "$zns" -s $((12 * zlba)) -z 4096 -d /tmp/blk > /dev/null
nvme zns reset-zone "$zns" -s $((12 * zlba)) > /dev/null
wait

step "csdctl trace --json --min-lat 1000: only commands slower than 1 ms, under fio"
timeout 3 csdctl trace "$cd_" --json --min-lat 1000 -n 3 &
sleep 0.3
fio --name=trace --filename="$conv" --direct=1 --ioengine=io_uring --iodepth=32 \
    --rw=randread --bs=64k --runtime=1 --time_based 2>&1 | grep -E 'issued'
wait

step "csdctl inflight: commands in flight while fio runs (queue depth 32)"
fio --name=inflight --filename="$conv" --direct=1 --ioengine=io_uring --iodepth=32 \
    --rw=randread --bs=64k --runtime=2 --time_based > /dev/null 2>&1 &
sleep 1
csdctl inflight "$cd_" | head -8
wait

step "memory"
csdctl devices
csdctl info | grep memory
