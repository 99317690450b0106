#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make gdb` and of the gdb smoke test; tools/vm/run.sh
# runs it in the test guest (csd.ko is loaded by then).
#
#   guest.sh idle    print the ready marker, then read one 4 KiB block of
#                    $CSD_CONV_DEV with O_DIRECT every 0.3 s until the host
#                    powers the guest off (so a breakpoint in csd's
#                    completion path hits at once)
#   guest.sh late    (with run.sh --no-load) print the ready marker, wait
#                    5 s of guest time, insmod csd.ko, then as idle: gdb
#                    attached meanwhile sees csd load (lx-symbols' module
#                    hook), so breakpoints in csd's setup hit
#   guest.sh smoke   first a known workload on $CSD_ZNS_DEV, with its
#                    statistics reset before: 32 reads in zone 0 and 32 in
#                    zone 1 (4 KiB, O_DIRECT), 8 sequential 4 KiB writes at
#                    the start of zone 2 and a reset of zone 2; then csdctl's
#                    view of it as JSON between CSD-GDB-JSON markers; then
#                    the same as idle (the zoned namespace stays still)
#
# A second argument PROG (csd-gdb.sh's $CSD_GDB_PROG: a program set of
# tools/bpf, e.g. classify): idle and late first load that set and attach
# it to $CSD_CONV_DEV, so that the completions gdb sees run a completion
# program.

mode=${1:-idle}
prog=${2:-}
zns=${CSD_ZNS_DEV#/dev/}
conv=${CSD_CONV_DEV#/dev/}

if [ "$mode" = smoke ]; then
	zone_blocks=$(( $(cat "/sys/block/$zns/queue/chunk_sectors") / 8 ))
	# Zero csd's counters of the zoned namespace (known from the
	# partition scan; if not, its counting starts with the reads below).
	csdctl reset "$zns" 2>/dev/null || true
	dd if="$CSD_ZNS_DEV" of=/dev/null bs=4k count=32 iflag=direct 2>/dev/null || exit 1
	dd if="$CSD_ZNS_DEV" of=/dev/null bs=4k count=32 skip="$zone_blocks" iflag=direct \
		2>/dev/null || exit 1
	dd if=/dev/zero of="$CSD_ZNS_DEV" bs=4k count=8 seek=$((2 * zone_blocks)) \
		oflag=direct conv=notrunc 2>/dev/null || exit 1
	nvme zns reset-zone "$CSD_ZNS_DEV" -s $((2 * zone_blocks)) >/dev/null || exit 1
	# zones first: its zone report is a command (zone-recv) of its own,
	# which stats then counts.
	echo "CSD-GDB-JSON-BEGIN zones"
	csdctl --json zones "$zns" || exit 1
	echo "CSD-GDB-JSON-END"
	echo "CSD-GDB-JSON-BEGIN stats"
	csdctl --json stats "$zns" || exit 1
	echo "CSD-GDB-JSON-END"
	echo "CSD-GDB-JSON-BEGIN devices"
	csdctl --json devices || exit 1
	echo "CSD-GDB-JSON-END"
fi

attach_prog() {
	[ -n "$prog" ] || return 0
	csdctl prog load "/csd/bpf/$prog.bpf.o" --name gdbprog > /dev/null &&
		csdctl prog attach gdbprog "$conv" || exit 1
}

[ "$mode" = late ] || attach_prog
echo "CSD-GDB-READY zns=$zns conv=$conv"
if [ "$mode" = late ]; then
	sleep 5
	insmod /csd/csd.ko || exit 1
	attach_prog
	echo "CSD-GDB-LOADED"
fi
i=0
while :; do
	dd if="$CSD_CONV_DEV" of=/dev/null bs=4k count=1 skip=$((i % 4096)) iflag=direct \
		2>/dev/null
	i=$((i + 1))
	sleep 0.3
done
