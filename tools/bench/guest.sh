#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC3043 # busybox sh has local
#
# make bench, guest side (tools/bench/bench.sh boots the guest with it).
# Runs the same workloads under each configuration, alternating
# configurations within each round, and prints one "@bench ..." line per
# measurement for tools/bench/report.awk. Busybox sh.
#
#   guest.sh [rounds=N] [warmup=N] [t_loop=S] [t_loopz=S] [t_zns=S]
#            [configs="a b c cs t d e f"] [workloads="loop loopz zns"]
#            [reps=N] [quick=1] [profile="b d"] [cycles=N] [peer_cycles=N]
#            [slice=S] [settle=S] [parts="slices profile rounds offload memory"]
#            [switch=attach|module]
#
# Workloads:
#   loop   CPU-bound NVMe path: nvme-loop (nvmet over configfs) in front of
#          a memory-less null_blk; fio 4 KiB random reads, io_uring, queue
#          depth 32, one job per vCPU
#   loopz  the same through nvmet's ZNS support, in front of a zoned
#          null_blk whose zones are all finished (full), so reads are valid
#   zns    the emulated ZNS drive ($CSD_ZNS_DEV): fio random 4 KiB reads
#          (io_uring, QD 8) and random 16 KiB writes (zonemode=zbd, QD 1,
#          4 open zones) on zones 0..31, and zone appends (zappend, QD 1,
#          4 KiB) on zones 32..47
# Configurations:
#   a  nothing traces                     b  csd loaded (accounting on)
#   c  csd + classify completion program  cs csd + slowlog program, read
#   t  csd + a csdctl trace reader         bd csd, accounting off (probes only)
#   b0 csd accounting with an earlier csd.ko (bench.sh --old-ko)
#   bm csd accounting, loaded for its slice as (b0) is (b0's control)
#   d  bpftrace tools/bench/nvme.bt       e  bpftrace tools/bench/block.bt
#   f  libbpf-tools biolatency -D
# switch=attach (default): csd stays loaded; (a) and the peers' configurations
# have it detached (its attach parameter N), csd's configurations attach it.
# switch=module: each configuration loads a fresh csd, (a) has none. (b0)
# always loads its csd.ko.
# profile="CONFIGS": after the rounds, perf record -a (cpu-clock) during
# one more run of the loop workload under each of CONFIGS, and print
# perf report's top symbols and modules (perf must be in the initramfs).
# Then the offload comparison (entropy of 1, 4 and 16 zones of the ZNS
# drive, and 16 by two threads: csdctl exec vs tools/bench/entropy.c) and
# csd's memory with
# 16, 64, 1024 and 4096 zones.
set -u
B=/csd/bench
export PATH=$B:$PATH

rounds=4 warmup=1 t_loop=8 t_loopz=4 t_zns=4 reps=12 quick=0 profile=
cycles=0 peer_cycles=4 slice=2 settle=1 parts="slices profile rounds offload memory" switch=attach
configs="a b c cs t d e f"
workloads="loop loopz zns"
for kv in "$@"; do
	v=${kv#*=}
	case "$kv" in
	rounds=*) rounds=$v ;;
	warmup=*) warmup=$v ;;
	t_loop=*) t_loop=$v ;;
	t_loopz=*) t_loopz=$v ;;
	t_zns=*) t_zns=$v ;;
	reps=*) reps=$v ;;
	quick=*) quick=$v ;;
	profile=*) profile=$v ;;
	configs=*) configs=$v ;;
	workloads=*) workloads=$v ;;
	cycles=*) cycles=$v ;;
	peer_cycles=*) peer_cycles=$v ;;
	slice=*) slice=$v ;;
	settle=*) settle=$v ;;
	parts=*) parts=$v ;;
	switch=*) switch=$v ;;
	*) echo "guest.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done

case "$switch" in
attach|module) ;;
*) echo "guest.sh: switch=attach or switch=module, not $switch" >&2; exit 2 ;;
esac

pass=0 fail=0 skip=0
has_part() { case " $parts " in *" $1 "*) return 0 ;; esac; return 1; }
emit() { echo "@bench $*"; }
ok() { echo "ok - $*"; pass=$((pass + 1)); }
notok() { echo "not ok - $*"; fail=$((fail + 1)); emit "error $*"; }
skipped() { echo "ok - # SKIP $*"; skip=$((skip + 1)); }
say() { echo "# $*"; }

ncpu=$(nproc)
zns=${CSD_ZNS_DEV:?}

# ---------------------------------------------------------------- versions
emit "version kernel=$(uname -r) fio=$(fio --version) bpftrace=$(bpftrace --version | awk '{ print $2 }')" \
	"nvme_cli=$(nvme version | awk 'NR == 1 { print $3 }') ncpu=$ncpu" \
	"mem_kb=$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)" \
	"csd=$(csdctl info --json | jq -r .module_version) rounds=$rounds warmup=$warmup t_loop=$t_loop t_loopz=$t_loopz t_zns=$t_zns reps=$reps quick=$quick" \
	"cycles=$cycles peer_cycles=$peer_cycles slice=$slice settle=$settle parts=\"$parts\" switch=$switch"

# -------------------------------------------------------------- utilities
# Busy and total CPU time of all CPUs, in USER_HZ ticks (1/100 s).
cpu_ticks() {
	awk '/^cpu / { b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6 }' /proc/stat
}

csd_loaded() { grep -q '^csd ' /proc/modules; }

# rotate N WORD...: the words, starting N % (their number) further on.
rotate() {
	local k=$1 c
	shift
	[ $# -gt 0 ] || return 0
	k=$((k % $#))
	while [ "$k" -gt 0 ]; do
		c=$1
		shift
		set -- "$@" "$c"
		k=$((k - 1))
	done
	echo "$*"
}

ATTACH=/sys/module/csd/parameters/attach
csd_old=0	# the csd loaded is (b0)'s

csd_load() {	# [KO]: loaded and attached
	if ! csd_loaded; then
		insmod "${1:-/csd/csd.ko}" || return 1
		[ -n "${1:-}" ] && csd_old=1 || csd_old=0
	fi
	[ ! -e $ATTACH ] || [ "$(cat $ATTACH)" = Y ] || echo Y > $ATTACH || return 1
	# csd learns a namespace from its first command.
	for d in $wl_disks; do
		dd if="/dev/$d" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null
	done
}

# The bench's csd loaded, and detached: it costs nothing on the I/O path.
csd_detached() {
	if csd_loaded && [ $csd_old = 1 ]; then
		csd_unload || return 1
	fi
	if csd_loaded; then
		[ "$(cat $ATTACH)" = N ] || echo N > $ATTACH || return 1
	else
		insmod /csd/csd.ko attach=N || return 1
		csd_old=0
	fi
}

csd_unload() {
	i=0
	while csd_loaded; do
		# After a struct_ops map is detached, it is freed asynchronously.
		rmmod csd 2>/dev/null && break
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "rmmod csd: still busy" >&2; return 1; }
		sleep 0.2
	done
}

# csd's name for a block device's namespace: a multipath head nvmeXnY
# is tracked as its path device nvmeXcYnY.
csd_disk() {
	for p in /sys/block/"${1%n*}"c*n"${1##*n}"; do
		[ -e "$p" ] && { basename "$p"; return; }
	done
	echo "$1"
}

# tracer_ready PID FILE PATTERN MIN: wait until the tracer PID printed
# PATTERN in FILE (if given) and its attached probes (perf event or BPF
# link file descriptors) are at least MIN and stopped growing for 1 s; at
# most 120 s. bpftrace prints "Attaching N probes..." before attaching
# them, and also holds one perf event per CPU for its output;
# libbpf-tools print their banner into a buffered file.
tracer_ready() {
	i=0 prev=-1 same=0
	while :; do
		if [ -z "$3" ] || grep -q "$3" "$2" 2>/dev/null; then
			# The tracer's perf and BPF link fds: the kinds are in the links' targets.
			# shellcheck disable=SC2010
			n=$(ls -l "/proc/$1/fd" 2>/dev/null | grep -cE 'perf_event|bpf_link')
			if [ "$n" -ge "$4" ] && [ "$n" = "$prev" ]; then
				same=$((same + 1))
				[ $same -ge 5 ] && return 0
			else
				same=0
			fi
			prev=$n
		fi
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 "$1" 2>/dev/null; then
			sed 's/^/# tracer: /' "$2"
			return 1
		fi
		sleep 0.2
	done
}

# ------------------------------------------------------------------ setup
say "setting up nvme-loop targets over null_blk"
modprobe configfs && mount -t configfs none /sys/kernel/config
modprobe null_blk nr_devices=0 && modprobe nvmet && modprobe nvme-loop ||
	notok "modprobe null_blk nvmet nvme-loop"
uuid=$(cat /proc/sys/kernel/random/uuid)
mkdir -p /etc/nvme
echo "nqn.2014-08.org.nvmexpress:uuid:$uuid" > /etc/nvme/hostnqn
echo "$uuid" > /etc/nvme/hostid
nvmet=/sys/kernel/config/nvmet
mkdir -p $nvmet/ports/1 && echo loop > $nvmet/ports/1/addr_trtype

# null_blk NAME ZONED: a 4 GiB memory-less null_blk with 4 KiB blocks.
null_blk() {
	n=/sys/kernel/config/nullb/$1
	mkdir "$n" || return 1
	echo 4096 > "$n/blocksize"
	echo 4096 > "$n/size"
	echo "$ncpu" > "$n/submit_queues"
	if [ "$2" = 1 ]; then
		echo 1 > "$n/zoned" && echo 64 > "$n/zone_size" && echo 0 > "$n/zone_nr_conv" || return 1
	fi
	echo 1 > "$n/power"
}

# loop_target NAME: export /dev/NAME through nvmet's loop transport and
# connect to it; prints the new namespace's block device.
loop_target() {
	s=$nvmet/subsystems/bench-$1
	mkdir "$s" && echo 1 > "$s/attr_allow_any_host" &&
		mkdir "$s/namespaces/1" && echo "/dev/$1" > "$s/namespaces/1/device_path" &&
		echo 1 > "$s/namespaces/1/enable" || return 1
	ln -s "$s" "$nvmet/ports/1/subsystems/bench-$1" || return 1
	nvme connect -t loop -n "bench-$1" > /dev/null || return 1
	i=0
	while [ $i -lt 100 ]; do
		# The namespace (a multipath head, or the disk) whose subsystem
		# is ours; not the hidden path devices nvmeXcYnZ.
		for b in /sys/block/nvme*n*; do
			bd=$(basename "$b")
			case "$bd" in nvme*c*) continue ;; esac
			if [ "$(cat "$b/device/subsysnqn" 2>/dev/null)" = "bench-$1" ]; then
				echo "$bd"
				return 0
			fi
		done
		i=$((i + 1))
		sleep 0.1
	done
	return 1
}
loop='' loopz=''
if null_blk nullb0 0 && loop=$(loop_target nullb0) && [ -b "/dev/$loop" ]; then
	ok "nvme-loop over null_blk: /dev/$loop"
else
	notok "nvme-loop over null_blk"
	loop=
fi
if null_blk nullz 1 && loopz=$(loop_target nullz) && [ -b "/dev/$loopz" ] &&
	[ "$(cat "/sys/block/$loopz/queue/zoned")" = host-managed ] &&
	nvme zns finish-zone "/dev/$loopz" -a > /dev/null; then
	ok "nvmet ZNS over a zoned null_blk: /dev/$loopz, $(cat "/sys/block/$loopz/queue/nr_zones") zones, all finished"
else
	emit "note loopz: nvmet ZNS over a zoned null_blk did not work on $(uname -r)"
	skipped "nvmet ZNS over a zoned null_blk (did not work here)"
	loopz=
fi

# The emulated drive's zoned namespaces, told apart by their zone count:
# the workload's (64 zones) and, for the memory figures, 16, 1024 and 4096.
zd=${zns#/dev/}
zns_zones=$(cat "/sys/block/$zd/queue/nr_zones")
zsec=$(cat "/sys/block/$zd/queue/chunk_sectors")
zbytes=$((zsec * 512))
if [ "$zns_zones" -lt 64 ]; then
	for d in /sys/block/nvme0n*; do
		[ "$(cat "$d/queue/nr_zones" 2>/dev/null)" = 64 ] && zd=$(basename "$d")
	done
	zns=/dev/$zd
	zns_zones=$(cat "/sys/block/$zd/queue/nr_zones")
fi
if [ "$zns_zones" -ge 64 ]; then
	ok "emulated ZNS drive: $zns, $zns_zones zones of $((zbytes >> 20)) MiB"
else
	notok "emulated ZNS drive with 64 zones (bench.sh sets CSD_ZNS_SIZE=256M)"
fi
zw_last=$((zns_zones / 2 - 1))			# fio reads and writes
za_first=$((zns_zones / 2)) za_last=$((zns_zones * 3 / 4 - 1))	# appends
ze_first=$((zns_zones - 16))			# entropy: the last 16 zones

# Fill the zones the reads and the entropy runs use: fio's random writes
# rewrite zones 0..31 during the runs; the last 16 zones keep
# half-compressible data.
# (Only for the parts that read them.)
if has_part rounds || has_part offload; then
	nvme zns reset-zone "$zns" -a > /dev/null
	fio --name=fill --filename="$zns" --direct=1 --ioengine=psync --zonemode=zbd \
		--rw=write --bs=128k --offset=0 --size=$(((zw_last + 1) * zbytes)) \
		--output=/dev/null --eta=never && \
	fio --name=fill --filename="$zns" --direct=1 --ioengine=psync --zonemode=zbd \
		--rw=write --bs=128k --offset=$((ze_first * zbytes)) --size=$((16 * zbytes)) \
		--buffer_compress_percentage=50 --buffer_compress_chunk=4k --refill_buffers \
		--output=/dev/null --eta=never && ok "filled zones 0-$zw_last and $ze_first-$((zns_zones - 1))" ||
		notok "filling the ZNS drive"
fi

wl_run=
for w in $workloads; do
	case "$w" in
	loop) [ -n "$loop" ] && wl_run="$wl_run loop" ;;
	loopz) [ -n "$loopz" ] && wl_run="$wl_run loopz" ;;
	zns) wl_run="$wl_run zns" ;;
	esac
done
wl_disks=
for w in $wl_run; do
	case "$w" in
	loop) wl_disks="$wl_disks $loop" ;;
	loopz) wl_disks="$wl_disks $loopz" ;;
	zns) wl_disks="$wl_disks $zd" ;;
	esac
done
# The slices run on the loop workload's namespace.
if has_part slices && [ -n "$loop" ]; then
	case " $wl_disks " in
	*" $loop "*) ;;
	*) wl_disks="$wl_disks $loop" ;;
	esac
fi
emit "setup loop=${loop:-none} loopz=${loopz:-none} zns=$zd zns_zones=$zns_zones zone_mib=$((zbytes >> 20)) workloads=\"$wl_run\""

# ---------------------------------------------------------- configurations
tracer_pid='' readers='' disabled='' reload=''
enter() {
	if [ "$switch" = module ] || [ "$1" = b0 ] || [ "$1" = bm ]; then
		# A fresh csd: the one the configuration names (b0's is
		# another csd.ko).
		csd_unload || return 1
		case "$1" in
		a|d|e|f) ;;
		b0) csd_load "$B/csd-old.ko" || return 1 ;;
		*) csd_load || return 1 ;;
		esac
		case "$1" in
		b0|bm) reload=1 ;;
		esac
	else
		# Detached while the configuration is set up; attached last.
		csd_detached || return 1
	fi
	case "$1" in
	bd)
		disabled=1
		# Accounting off on the namespaces in use: the probes and the
		# namespace lookup only.
		for d in $wl_disks; do
			csdctl config "$(csd_disk "$d")" --disable > /dev/null || return 1
		done
		;;
	t)
		# A trace reader on every namespace in use, as csdctl trace runs.
		for d in $wl_disks; do
			rm -f "/tmp/trace.$d"
			csdctl trace "$(csd_disk "$d")" > "/tmp/trace.$d" 2>&1 &
			readers="$readers $!"
			# It prints its header once its ring is open.
			i=0
			while [ ! -s "/tmp/trace.$d" ] && [ $i -lt 600 ]; do
				sleep 0.1
				i=$((i + 1))
			done
			[ -s "/tmp/trace.$d" ] || return 1
		done
		;;
	c|cs)
		i=0
		for d in $wl_disks; do
			i=$((i + 1))
			if [ "$1" = c ]; then
				csdctl prog load /csd/bpf/classify.bpf.o --name "cls$i" > /dev/null &&
					csdctl prog attach "cls$i" "$(csd_disk "$d")" || return 1
			else
				csdctl prog load /csd/bpf/slowlog.bpf.o --name "slow$i" > /dev/null &&
					csdctl prog attach "slow$i" "$(csd_disk "$d")" || return 1
				# A reader, as a user has one: commands over 10 ms.
				csdctl prog events "slow$i" --arg 10000 > "/tmp/slow$i.txt" 2>&1 &
				readers="$readers $!"
			fi
		done
		;;
	d|e)
		[ "$1" = d ] && bt=nvme.bt || bt=block.bt
		bpftrace "$B/$bt" > /tmp/tracer.out 2>&1 &
		tracer_pid=$!
		# Two tracepoints, and the output buffers.
		tracer_ready $tracer_pid /tmp/tracer.out '^Attaching' $((ncpu + 2)) || return 1
		;;
	f)
		biolatency -D > /tmp/tracer.out 2>&1 &
		tracer_pid=$!
		# block_rq_issue and block_rq_complete (and block_rq_insert).
		tracer_ready $tracer_pid /tmp/tracer.out '' 2 || return 1
		;;
	esac
	if [ "$switch" = attach ]; then
		case "$1" in
		a|d|e|f|b0|bm) ;;
		*) echo Y > $ATTACH || return 1 ;;
		esac
	fi
	return 0
}

# stop PID SIGNAL: send SIGNAL every 2 s until PID exits, SIGKILL after
# 60 s. (Background commands of a script ignore SIGINT unless they catch
# it, as bpftrace and biolatency do. bpftrace 0.17 can miss a SIGINT that
# comes while it is not in epoll_wait, and then waits for an event that
# never comes on an idle system: hence the repeats.)
stop() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		[ $((i % 10)) = 0 ] && kill -"$2" "$1" 2>/dev/null
		i=$((i + 1))
		if [ $i = 300 ]; then
			echo "# pid $1 ignored SIG$2 for 60 s:"
			grep -E '^(Name|State|Sig(Ign|Cgt|Pnd|Blk)|ShdPnd)' "/proc/$1/status" | sed 's/^/#   /'
			for t in /proc/$1/task/*; do
				echo "#   task ${t##*/} $(cat "$t/comm") $(cat "$t/wchan" 2>/dev/null): $(head -c 300 "$t/stack" 2>/dev/null | tr '\n' ' ')"
			done
			kill -KILL "$1"
			break
		fi
		sleep 0.2
	done
	wait "$1" 2>/dev/null
}

leave() {
	rc=0
	# Detached first: no more records reach the readers, and the
	# configuration's parts come off an idle csd.
	if [ "$switch" = attach ] && [ $csd_old = 0 ] && csd_loaded; then
		echo N > $ATTACH || rc=1
	fi
	if [ -n "$tracer_pid" ]; then
		# The tracer prints its histograms at SIGINT.
		stop "$tracer_pid" INT
		tracer_pid=
		if ! grep -q usecs /tmp/tracer.out; then
			sed 's/^/# tracer: /' /tmp/tracer.out | head -n 20
			rc=1
		fi
	fi
	for p in $readers; do
		stop "$p" TERM
	done
	readers=
	# (b0) and (bm) were loaded for their slice: unloaded after it, so
	# that the (a) slice after each follows the same module load.
	if [ -n "$reload" ]; then
		reload=
		csd_unload || rc=1
	fi
	for f in /run/csd/progs/*; do
		[ -e "$f" ] || continue
		csdctl prog detach "${f##*/}" > /dev/null 2>&1 || rc=1
	done
	if [ -n "$disabled" ]; then
		disabled=
		if [ "$switch" = attach ] && [ $csd_old = 0 ] && csd_loaded; then
			for d in $wl_disks; do
				csdctl config "$(csd_disk "$d")" --enable > /dev/null || rc=1
			done
		fi
	fi
	return $rc
}

# The workloads; results() then prints "IOPS IOS" (I/Os: reads + writes
# + appends), after the CPU time is read (jq is not cheap under TCG).
wl_loop() {
	fio --name=loop --filename="/dev/$1" --direct=1 --ioengine=io_uring --iodepth=32 \
		--numjobs="$ncpu" --rw=randread --bs=4k --norandommap --randrepeat=0 \
		--runtime="$2" --time_based --group_reporting \
		--output-format=json --output=/tmp/fio.json --eta=never
}

wl_zns() {
	zappend "$zns" --zones "$za_first-$za_last" --time "$1" > /tmp/zappend.out 2>&1 &
	zp=$!
	fio --filename="$zns" --direct=1 --zonemode=zbd --offset=0 \
		--size=$(((zw_last + 1) * zbytes)) --runtime="$1" --time_based \
		--randrepeat=0 --max_open_zones=4 --output-format=json --output=/tmp/fio.json --eta=never \
		--name=zread --ioengine=io_uring --iodepth=8 --rw=randread --bs=4k \
		--name=zwrite --ioengine=psync --rw=randwrite --bs=16k
	frc=$?
	wait $zp || return 1
	return $frc
}

results() {	# WORKLOAD
	# shellcheck disable=SC2046 # the numbers, split into arguments
	set -- "$1" $(jq -r '(.jobs | map(.read.iops + .write.iops) | add) as $i |
		(.jobs | map(.read.total_ios + .write.total_ios) | add) as $n | "\($i) \($n)"' /tmp/fio.json)
	[ -n "${3:-}" ] || return 1
	if [ "$1" = zns ]; then
		a=$(sed -n 's/^zappend: \([0-9]*\) appends.*/\1/p' /tmp/zappend.out)
		[ -n "$a" ] || return 1
		# IOPS: fio's reads and writes, and the appends over the run time.
		set -- "$1" "$(awk -v i="$2" -v a="$a" -v t="$t_zns" 'BEGIN { printf "%.1f", i + a / t }')" $(($3 + a))
	fi
	echo "$2 $3"
}

run_one() {	# ROUND CONFIG WORKLOAD
	# shellcheck disable=SC2046 # the numbers, split into arguments
	set -- "$1" "$2" "$3" $(cpu_ticks)
	rm -f /tmp/fio.json /tmp/zappend.out
	case "$3" in
	loop) wl_loop "$loop" "$t_loop" ;;
	loopz) wl_loop "$loopz" "$t_loopz" ;;
	zns) wl_zns "$t_zns" ;;
	esac
	rc=$?
	# shellcheck disable=SC2046 # the numbers, split into arguments
	set -- "$@" $(cpu_ticks)
	res=$(results "$3")
	if [ $rc != 0 ] || [ -z "$res" ]; then
		notok "round $1 config $2 workload $3"
		cat /tmp/zappend.out 2>/dev/null | sed 's/^/# /'
		return
	fi
	set -- "$@" $res
	emit "run round=$1 cfg=$2 wl=$3 busy=$(($6 - $4)) total=$(($7 - $5)) iops=$8 ios=$9"
	echo "# round $1 ($2) $3: $(printf %.0f "$8") IOPS, $(awk -v b=$(($6 - $4)) -v n="$9" 'BEGIN { printf "%.1f", b * 10000 / n }') us CPU per I/O"
}

# ------------------------------------------------------------------ slices
# The cost per request, by paired slices: one fio run of the loop
# workload goes on throughout, and the configurations take turns while it
# runs: (a), X1, (a), X2, (a), ... (a), one cycle; the order of the Xs
# rotates by one each cycle. Each slice is $slice seconds, measured after
# $settle seconds in its configuration; its samples are read with shell
# builtins (no process forked around a slice's ends). report.awk compares
# each X slice with the (a) slices on either side of it.
slice_sample() {
	local _c u ni sy id wa hi si st _x rd wr
	read -r _c u ni sy id wa hi si st _x < /proc/stat
	S_BUSY=$((u + ni + sy + hi + si + st))
	S_TOTAL=$((S_BUSY + id + wa))
	read -r rd _x _x _x wr _x < "/sys/block/$loop/stat"
	S_IOS=$((rd + wr))
}

slice() {	# CYCLE CONFIG
	slice_sample
	sb0=$S_BUSY st0=$S_TOTAL si0=$S_IOS
	sleep "$slice"
	slice_sample
	emit "slice cyc=$1 cfg=$2 busy=$((S_BUSY - sb0)) total=$((S_TOTAL - st0)) ios=$((S_IOS - si0))"
}

slice_configs=
for c in $configs; do
	[ "$c" = a ] || slice_configs="$slice_configs $c"
done
if has_part slices && [ "$cycles" -gt 0 ] && [ -n "$loop" ] && [ -n "$slice_configs" ]; then
	say "slices: $cycles cycle(s) of (a) and each of [$slice_configs], $slice s each after $settle s, during one fio run on /dev/$loop"
	enter a || notok "slices: entering (a)"
	fio --name=slices --filename="/dev/$loop" --direct=1 --ioengine=io_uring --iodepth=32 \
		--numjobs="$ncpu" --rw=randread --bs=4k --norandommap --randrepeat=0 \
		--runtime=86400 --time_based --group_reporting \
		--output-format=json --output=/tmp/fio-slices.json --eta=never &
	fio_pid=$!
	sleep $((settle + 2))	# fio's start-up
	cyc=1
	slices_ok=1
	while [ $cyc -le "$cycles" ]; do
		for c in $(rotate $((cyc - 1)) $slice_configs); do
			# The peers cost far more than their intervals: fewer cycles.
			case $c in
			d|e|f) [ "$cyc" -le "$peer_cycles" ] || continue ;;
			esac
			slice "$cyc" a
			if ! enter "$c"; then
				notok "slices: cycle $cyc: entering configuration $c"
				slices_ok=0
				leave
				enter a
				sleep "$settle"
				continue
			fi
			sleep "$settle"
			slice "$cyc" "$c"
			leave || { notok "slices: cycle $cyc: leaving configuration $c"; slices_ok=0; }
			enter a || { notok "slices: cycle $cyc: back to (a)"; slices_ok=0; }
			sleep "$settle"
			# A tracer's exit leaves work behind (freeing its programs
			# and maps): measured, (a) after one was up to 13% slower
			# for a second.
			case $c in
			d|e|f) sleep "$settle" ;;
			esac
		done
		cyc=$((cyc + 1))
	done
	slice "$cycles" a
	# fio stops on SIGTERM and writes its report (with exit status 1),
	# after a line that says so.
	kill -TERM "$fio_pid" 2>/dev/null
	wait "$fio_pid"
	if ! sed -n '/^{/,$p' /tmp/fio-slices.json | jq -e '.jobs[0].error == 0' > /dev/null 2>&1; then
		notok "slices: the fio run"
		head -c 2000 /tmp/fio-slices.json | sed 's/^/# /'
	elif [ $slices_ok = 1 ]; then
		ok "slices: $cycles cycle(s) of [$slice_configs]"
	fi
fi

# ------------------------------------------------------------------ rounds
# Whole runs of each workload under each configuration.
has_part rounds || rounds=0
[ -n "$wl_run" ] || rounds=0
r=1
while [ $r -le "$rounds" ]; do
	# Alternate: each round starts one configuration further.
	order=$(rotate $((r - 1)) $configs)
	say "round $r of $rounds: $order"
	for c in $order; do
		if ! enter "$c"; then
			notok "round $r: entering configuration $c"
			leave
			continue
		fi
		for w in $wl_run; do
			run_one "$r" "$c" "$w"
		done
		leave || notok "round $r: leaving configuration $c"
	done
	r=$((r + 1))
done
[ "$fail" = 0 ] && [ "$rounds" -gt 0 ] && ok "$rounds rounds of configurations [$configs] on [$wl_run]"

# ------------------------------------------------------------------ profile
has_part profile || profile=
for c in $profile; do
	[ -n "$loop" ] && command -v perf > /dev/null || { say "profile: no perf or no loop workload"; break; }
	enter "$c" || { notok "profile: entering $c"; leave; continue; }
	wl_loop "$loop" 12 &
	fp=$!
	sleep 3	# fio's start-up is slow under TCG
	slice_sample
	sb0=$S_BUSY si0=$S_IOS
	perf record -q -a -g -e cpu-clock -o "/tmp/perf.$c" -- sleep 8 > /dev/null 2>&1
	slice_sample
	wait $fp
	leave
	emit "prof cfg=$c busy=$((S_BUSY - sb0)) ios=$((S_IOS - si0))"
	# csd's and the tracers' symbols (BPF programs: bpf_prog_*), self time.
	perf report -i "/tmp/perf.$c" --stdio --no-children -g none --sort dso,sym \
		--percent-limit 0.01 2> /dev/null | grep -v '^#' |
		awk -v c="$c" '$2 == "[csd]" || $4 ~ /^bpf_prog_/ || $4 ~ /^(csd|__traceiter|trace_event_raw|perf_trace|bpf_trace|__bpf_trace)/ {
			sub(/%$/, "", $1); print "@bench prof cfg=" c " sym=" $2 ":" $4 " pct=" $1 }'
	for sort in dso sym; do
		echo "# perf ($c) loop workload, by $sort:"
		perf report -i "/tmp/perf.$c" --stdio --no-children -g none --sort "$sort" \
			--percent-limit 0.7 2> /dev/null | grep -v '^#' | grep . | head -n 40 | sed "s/^/# perf ($c) /"
	done
	echo "# perf ($c) loop workload, tracing and BPF symbols:"
	perf report -i "/tmp/perf.$c" --stdio --no-children -g none --sort dso,sym \
		--percent-limit 0.02 2> /dev/null | grep -v '^#' |
		grep -E 'csd|bpf|trace|perf_|htab|ringbuf|blk_stat|ktime' | head -n 30 | sed "s/^/# perf ($c) /"
done

# ------------------------------------------------------------------ offload
if has_part offload; then
	# Entropy of 1, 4 and 16 zones, three ways, alternating: "user" reads them
	# with O_DIRECT and computes in userspace (tools/bench/entropy, one
	# process); "csdctl" runs csdctl exec --zone F-L (one process, one
	# execution per zone: csd's offload works on one zone at a time); "ioctl"
	# asks csd from tools/bench/entropy --csd (CSD_IOC_EXEC per zone, without
	# csdctl's start-up). And "read": the same reads as "user", counting
	# nothing, for the overlap bound: an offload that overlaps reading with
	# computing takes at least max(reading, the program's own time).
	say "offload: entropy of 1, 4 and 16 zones (and 16 by 2 threads): userspace, csdctl exec, CSD_IOC_EXEC, reads alone"
	# From a tool's output: the offload program's own time, over the
	# zones; and the ranges' time inside the process (entropy's last
	# "N ms": of its "all" line, or of its one range), without the
	# process's start-up: what the overlap bound compares.
	off_prog_ms() { awk '/ program / { for (i = 1; i < NF; i++) if ($i == "program") s += $(i + 1) } END { print s + 0 }' "$1"; }
	off_inproc_ms() { awk '/^all / { a = $(NF - 1) } /^scanned / { r = $(NF - 1) } END { print a != "" ? a : r }' "$1"; }
	csd_load
	offload_ok=1
	ns_id=$(csdctl devices --json | jq -r ".[] | select(.disk == \"$zd\") | .id")
	if [ -n "$ns_id" ] && csdctl prog load /csd/bpf/entropy.bpf.o > /dev/null; then
		# 16x2: 16 zones by two threads each way (--jobs 2): csdctl exec's
		# and entropy's.
		for nj in 1 4 16 16x2; do
			n=${nj%x*}
			j=1
			[ "$nj" = "$n" ] || j=${nj#*x}
			zr=$ze_first-$((ze_first + n - 1))
			k=1
			while [ "$k" -le "$reps" ]; do
				case $((k % 4)) in
				1) tools="user csdctl ioctl read" ;;
				2) tools="csdctl ioctl read user" ;;
				3) tools="ioctl read user csdctl" ;;
				0) tools="read user csdctl ioctl" ;;
				esac
				for t in $tools; do
					case $t in
					user) cmd="entropy $zns --zone $ze_first --count $n --jobs $j" ;;
					ioctl) cmd="entropy $zns --zone $ze_first --count $n --csd $ns_id --jobs $j" ;;
					csdctl) cmd="csdctl exec $zd --prog entropy --zone $zr --jobs $j" ;;
					read) cmd="entropy $zns --zone $ze_first --count $n --read-only --jobs $j" ;;
					esac
					# shellcheck disable=SC2046 # the numbers, split into arguments
					set -- $(cpu_ticks)
					timeit sh -c "$cmd" > /tmp/off.$t 2> /tmp/time.$t || { offload_ok=0; cat /tmp/off.$t /tmp/time.$t; }
					# shellcheck disable=SC2046 # the numbers, split into arguments
					set -- "$@" $(cpu_ticks)
					tm=$(sed -n 's/^timeit: //p' /tmp/time.$t)
					ret=$(awk '/scanned/ { for (i = 1; i <= NF; i++) if ($i == "returned") s += $(i + 1) } END { print s + 0 }' /tmp/off.$t)
					# csdctl prefixes each zone's lines with "zone N: ".
					sed -n 's/^zone [0-9]*: //; /^entropy:/p' /tmp/off.$t > /tmp/ent.$t
					pms=$(off_prog_ms /tmp/off.$t)
					ims=	# csdctl prints none
					[ "$t" = csdctl ] || ims=$(off_inproc_ms /tmp/off.$t)
					emit "offload zones=$nj rep=$k tool=$t scanned=$((n * zbytes)) returned=$ret prog_ms=$pms inproc_ms=$ims busy=$(($3 - $1)) $tm"
				done
				for t in csdctl ioctl; do
					if ! cmp -s /tmp/ent.$t /tmp/ent.user || [ "$(grep -c . /tmp/ent.user)" != "$n" ]; then
						offload_ok=0
						echo "# $t: $(cat /tmp/ent.$t)"
						echo "# user: $(cat /tmp/ent.user)"
					fi
				done
				k=$((k + 1))
			done
			emit "entropy zones=$nj match=$offload_ok first=\"$(head -n1 /tmp/ent.user)\""
			[ "$n" = 1 ] && sed 's/^/# csdctl exec: /' /tmp/off.csdctl
		done
		csdctl prog detach entropy > /dev/null
	else
		offload_ok=0
	fi
	if [ $offload_ok = 1 ]; then
		ok "offload: csdctl exec, CSD_IOC_EXEC and userspace agree on every zone"
	else
		notok "offload: entropy in the kernel and in userspace"
	fi
	# The offload's before and after (--old-ko): CSD_IOC_EXEC over the 16
	# zones with the earlier csd.ko and with this one, in turns (the
	# order alternating), each loaded for its turn; the same method and
	# run for both.
	if [ -e "$B/csd-old.ko" ] && [ $offload_ok = 1 ]; then
		say "offload before/after: CSD_IOC_EXEC over 16 zones, the --old-ko csd.ko and this one in turns"
		# ab: 1 while every turn ran; 0 on a failure; 2 when the old
		# csd.ko has no offload this bench can run (not a failure).
		ab=1 c=1
		while [ $c -le "$reps" ] && [ $ab = 1 ]; do
			order="old new"
			[ $((c % 2)) = 0 ] && order="new old"
			for v in $order; do
				csdctl prog detach entropy > /dev/null 2>&1
				csd_unload || { ab=0; break; }
				if [ $v = old ]; then csd_load "$B/csd-old.ko"; else csd_load; fi || { ab=0; break; }
				# A module loaded anew learns the namespace from a command.
				dd if="$zns" of=/dev/null bs=4k count=1 iflag=direct 2> /dev/null
				if ! csdctl prog load /csd/bpf/entropy.bpf.o > /dev/null; then
					[ $v = old ] && ab=2 || ab=0
					break
				fi
				ns_id=$(csdctl devices --json | jq -r ".[] | select(.disk == \"$zd\") | .id")
				[ -n "$ns_id" ] || { ab=0; break; }
				# Untimed first: a module loaded anew has no execution memory
				# kept and has not seen the zones' capacity yet.
				entropy $zns --zone $ze_first --count 16 --csd "$ns_id" > /dev/null ||
					{ [ $v = old ] && ab=2 || ab=0; break; }
				for r in 1 2 3; do
					entropy $zns --zone $ze_first --count 16 --csd "$ns_id" > /tmp/off.ab || { ab=0; break; }
					ims=$(off_inproc_ms /tmp/off.ab)
					pms=$(off_prog_ms /tmp/off.ab)
					[ -n "$ims" ] || { ab=0; break; }
					emit "offload_ab ko=$v cycle=$c inproc_ms=$ims prog_ms=$pms"
				done
				[ $ab = 1 ] || break
			done
			c=$((c + 1))
		done
		csdctl prog detach entropy > /dev/null 2>&1
		# This csd.ko, loaded and attached, for what follows.
		if ! { csd_unload && csd_load; }; then
			ab=0
			say "this csd.ko could not be loaded again: the figures after this are not this module's"
		fi
		case $ab in
		1) ok "offload before/after: both csd.ko ran every turn" ;;
		2) skipped "offload before/after: the --old-ko csd.ko runs no offload this bench can use" ;;
		*) notok "offload before/after (--old-ko)" ;;
		esac
	fi
fi

# ------------------------------------------------------------------- memory
if has_part memory; then
	say "memory: csd's own figure per namespace, and the kernel's counters with csd unloaded and loaded"
	meminfo() { awk '/^(MemFree|Slab|VmallocUsed|Percpu):/ { printf "%s=%s ", $1, $2 }' /proc/meminfo | tr -d :; }
	all_ns=$(ls -d /sys/block/nvme*n* | sed 's|.*/||' | grep -v 'c[0-9]*n')
	touch_all() {
		for d in $all_ns; do
			dd if="/dev/$d" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null
		done
	}
	csd_unload
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 1
	m0=$(meminfo)
	insmod /csd/csd.ko
	touch_all
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 1
	m1=$(meminfo)
	vm=$(awk '/\[csd\]/ { s += $2 } END { print s + 0 }' /proc/vmallocinfo)
	emit "memx before: $m0"
	emit "memx after: $m1 vmallocinfo_csd=$vm module=$(awk '$1 == "csd" { print $2 }' /proc/modules)" \
		"info_mem=$(csdctl info --json | jq .mem_bytes)"
	if csdctl devices --json > /tmp/dev.json; then
		jq -r '.[] | "@bench mem disk=\(.disk) zoned=\(.zoned) zones=\(.nr_zones) regions=\(.nr_regions) capacity_sectors=\(.capacity_sectors) mem_bytes=\(.mem_bytes)"' /tmp/dev.json
		ok "memory figures"
	else
		notok "csdctl devices --json"
	fi
fi

csd_loaded || insmod /csd/csd.ko
emit "done"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
