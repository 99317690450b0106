#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: csd against no tracing, bpftrace and libbpf-tools' biolatency,
# in two guest boots. The cost per request comes from paired slices of one
# fio run in a guest whose clock counts instructions (QEMU icount), with
# 95% intervals; throughput, the offload comparison and csd's memory from
# a wall-clock guest (whole runs, alternating configurations, medians).
# The report gives the targets (PASS or MISS) and is written into
# Documentation/performance.rst with the method.
#
#   tools/bench/bench.sh [OPTIONS]
#
# Options:
#   --quick         one short round, for make check: checks that every
#                   piece runs (ends with "N passed, N failed, N skipped"),
#                   asserts no timing, leaves the Documentation alone
#   --cycles N      cycles of paired slices for the per-request cost
#                   (default 12): one fio run of the loop workload, the
#                   configurations taking turns with (a) while it runs, in
#                   a guest whose clock counts instructions (QEMU icount)
#   --peer-cycles N of those, the cycles that run the peers (d, e, f)
#                   too (default 4): their costs are far above their
#                   intervals; one slice set aside still leaves three pairs
#   --slice S       seconds per slice (default 2)
#   --settle S      seconds in a configuration before its slice, and in
#                   (a) after it (twice that after a tracer; default 1)
#   --switch HOW    how a slice changes configuration: "attach" (default:
#                   csd stays loaded, its attach parameter detaches it in
#                   (a) and the peers' slices) or "module" (insmod and
#                   rmmod: (a) has no csd)
#   --rounds N      rounds of whole runs of the zoned workloads, the first
#                   one a warm-up (default 3; 0: none)
#   --time S        seconds per run of loopz and zns in a round (default 4)
#   --reps N        repetitions of each offload measurement (default 12:
#                   each one's own ratios, their geometric mean and 95%
#                   interval; the order of the four tools rotating), and
#                   turns of each csd.ko in the --old-ko before/after
#   --workloads "." workloads of the rounds (default "loopz zns"; "loop"
#                   adds whole runs of the loop workload)
#   --configs "..." configurations to run (default "a b c cs t d e f")
#   --old-ko FILE   also run configuration (b0): csd accounting with FILE,
#                   an earlier csd.ko, for before-and-after figures of a
#                   change from the same run; and (bm), this csd.ko
#                   loaded for its slice as (b0) is, to compare it with;
#                   and in the offload part, CSD_IOC_EXEC over 16 zones
#                   with FILE and with this csd.ko in turns
#   --parts "..."   what to run (default "slices profile rounds offload
#                   memory insns"; slices and profile run in the cost
#                   guest, rounds, offload and memory in the wall-clock
#                   guest; insns: the probes' instructions per call,
#                   exact, from gdb's csd-insns in make gdb's guest)
#   --doc FILE      where the page goes (default Documentation/performance.rst;
#                   --doc - prints it instead)
#   --no-doc        do not write the page
#   --no-build      use what is built (make check has just built it)
#   --profile "CFGS"  profile the loop workload with perf in the cost guest
#                   under each configuration in CFGS (default "b"; "" for
#                   none; part "profile"): the share of csd's and the
#                   tracers' functions, in the report, and "# perf" lines
#   --report FILE   only format FILE, the raw results of an earlier run
#                   (.vm/bench/results.txt), and write the page from it
#
# Environment: CSD_CPUS (2), CSD_MEM (3G) and the other knobs of
# tools/vm/run.sh. The raw results of the last run are kept in
# $CSD_VM_DIR/bench/results.txt (default .vm/bench/results.txt).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$TOP/tools/bench
VM=$TOP/tools/vm
say() { echo "csd-bench: $*" >&2; }

quick=0 rounds=3 t_loop=4 configs="a b c cs t d e f" doc=$TOP/Documentation/performance.rst
report='' profile=b build=1 cycles=12 peer_cycles=4 slice=2 settle=1 old_ko='' workloads="loopz zns"
switch=attach reps=12
parts="slices profile rounds offload memory insns"
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1 ;;
	--rounds) rounds=$2; shift ;;
	--time) t_loop=$2; shift ;;
	--reps) reps=$2; shift ;;
	--configs) configs=$2; shift ;;
	--cycles) cycles=$2; shift ;;
	--peer-cycles) peer_cycles=$2; shift ;;
	--slice) slice=$2; shift ;;
	--settle) settle=$2; shift ;;
	--switch) switch=$2; shift ;;
	--workloads) workloads=$2; shift ;;
	--old-ko) old_ko=$2; shift ;;
	--parts) parts=$2; shift ;;
	--doc) doc=$2; shift ;;
	--no-doc) doc= ;;
	--no-build) build=0 ;;
	--report) report=$2; shift ;;
	--profile) profile=$2; shift ;;
	-h|--help) sed -n '3,/^set -e/p' "$0" | sed 's/^# \{0,1\}//; /^set -e/d'; exit 0 ;;
	*) say "unknown option $1 (see --help)"; exit 2 ;;
	esac
	shift
done
case "$reps" in
''|*[!0-9]*|0) say "--reps: a number of repetitions, not $reps"; exit 2 ;;
esac
case "$switch" in
attach|module) ;;
*) say "--switch: attach or module, not $switch"; exit 2 ;;
esac

# The page: the method, then the report of the run.
write_doc() {
	local raw=$1 out=$2 tmp
	tmp=$(mktemp)
	{
		cat "$BENCH/performance.rst.in"
		echo
		echo "Results"
		echo "======="
		echo
		echo "Generated by \`\`make bench\`\` on $(sed -n 's/^@bench host date=\([^ ]*\).*/\1/p' "$raw" | head -n1)"
		echo "(\`\`tools/bench/bench.sh\`\` $(sed -n 's/^@bench host .*cmd="\([^"]*\)".*/\1/p' "$raw" | head -n1))."
		echo "bench.sh keeps a run's raw results in \`\`.vm/bench/results.txt\`\`; the"
		echo "host's load average at the start is in the report. Figures from a shared"
		echo "or busy machine are not comparable with figures from an idle one."
		echo
		echo "::"
		echo
		awk -f "$BENCH/report.awk" "$raw" | sed 's/^/    /; s/^ *$//'
	} > "$tmp"
	if [ "$out" = - ]; then
		cat "$tmp"
		rm -f "$tmp"
	else
		chmod 0644 "$tmp"
		mv "$tmp" "$out"
		say "wrote $out"
	fi
}

if [ -n "$report" ]; then
	awk -f "$BENCH/report.awk" "$report"
	[ -n "$doc" ] && write_doc "$report" "$doc"
	exit 0
fi

if [ $quick = 1 ]; then
	# loopz runs the same code as loop: its setup is checked, not its runs.
	rounds=1 t_loop=1 warmup=0 reps=1 t_z=1 workloads="zns" cycles=1 peer_cycles=1 slice=1 settle=1
else
	warmup=1
	t_z=$t_loop
fi
[ "$rounds" = 0 ] || [ "$rounds" -gt "$warmup" ] ||
	{ say "--rounds must be 0 or more than the $warmup warm-up round"; exit 2; }
if [ -n "$old_ko" ]; then
	[ -f "$old_ko" ] || { say "--old-ko: no file $old_ko"; exit 2; }
	case " $configs " in *" b0 "*) ;; *) configs="$configs b0" ;; esac
	# Its control: this csd.ko, switched as (b0) is.
	case " $configs " in *" bm "*) ;; *) configs="$configs bm" ;; esac
fi

if [ $build = 1 ]; then
	say "building csd, csdctl, the BPF programs and the bench tools"
	make -s -C "$TOP" all > /dev/null
fi
make -s -C "$BENCH" > /dev/null

kc=$("$VM/kernel.sh" dir)
big=$("$VM/initramfs.sh" bench "$kc")

dir=${CSD_VM_DIR:-$TOP/.vm}/bench
mkdir -p "$dir"
work=$(mktemp -d "$dir/work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The bench tools, as /csd/bench in the guest (compressed: after the
# compressed base, the kernel takes only compressed archives).
mkdir -p "$work/root/csd/bench"
install -m 0755 "$BENCH"/{entropy,zappend,timeit} "$work/root/csd/bench/"
install -m 0644 "$BENCH"/*.bt "$work/root/csd/bench/"
[ -z "$old_ko" ] || install -m 0644 "$old_ko" "$work/root/csd/bench/csd-old.ko"
(cd "$work/root" && find . | cpio -o -H newc --quiet | zstd -q -1 -o "$work/tools.cpio.zst")

# Namespaces for the memory figures, on the same emulated controller:
# 16, 1024 and 4096 zones of 4 MiB (sparse image files).
lba=logical_block_size=4096,physical_block_size=4096
extra=
nsid=3
for zones in 16 1024 4096; do
	truncate -s $((zones * 4))M "$work/mem$zones.img"
	extra+=" -drive file=$work/mem$zones.img,if=none,format=raw,id=mem$zones"
	extra+=" -device nvme-ns,drive=mem$zones,bus=nvme0,nsid=$nsid,$lba,zoned=true,zoned.zone_size=4M,zoned.zone_capacity=4M"
	nsid=$((nsid + 1))
done
# And 1M zones of 64 KiB, more than csd keeps (CSD_REGIONS_MAX): its
# memory ceiling. Only in the guest that measures memory.
mem_1m=
if [ $quick = 0 ] && case " $parts " in *" memory "*) true ;; *) false ;; esac; then
	truncate -s 64G "$work/mem1m.img"
	mem_1m=" -drive file=$work/mem1m.img,if=none,format=raw,id=mem1m"
	mem_1m+=" -device nvme-ns,drive=mem1m,bus=nvme0,nsid=$nsid,$lba,zoned=true,zoned.zone_size=64K,zoned.zone_capacity=64K"
fi

raw=$dir/results.txt
[ $quick = 1 ] && raw=$dir/results-quick.txt
cpus=${CSD_CPUS:-2}
mem=${CSD_MEM:-3G}
{
	printf '@bench host date=%s qemu=%s host_cpus=%s load=%s libbpf_tools=%s tree=%s cmd="%s"\n' \
		"$(date -u +%Y-%m-%dT%H:%MZ)" \
		"$(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')" \
		"$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" \
		"$(dpkg-query -W -f='${Version}' libbpf-tools 2>/dev/null || echo '?')" \
		"$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?')" \
		"$( [ $quick = 1 ] && echo "--quick" || echo "--cycles $cycles --peer-cycles $peer_cycles --slice $slice --settle $settle --switch $switch --rounds $rounds --time $t_loop --reps $reps" )"
} > "$raw"

# boot NAME TCG_THREAD QEMU_ARGS PARTS PROFILE [DEVICES]: one guest boot
# running guest.sh's PARTS, with QEMU_ARGS and DEVICES (QEMU arguments
# too, not shown in the report); its output goes to the raw results.
rc=0
boot() {
	local name=$1 thread=$2 qargs=$3 bparts=$4 bprof=$5 devs=${6:-} t0 brc
	t0=$(date +%s)
	say "booting the $name guest ($cpus vCPUs, $mem, TCG thread=$thread${qargs:+ $qargs}): $bparts"
	echo "@bench boot name=$name accel=${CSD_ACCEL:-tcg},thread=$thread qemu_args=\"$qargs\" parts=\"$bparts\"" >> "$raw"
	set +e
	# The stock kernel as users run it: without the SLUB debugging, KFENCE
	# sampling and init_on_free that run.sh adds for the tests.
	CSD_HARDEN=${CSD_HARDEN:-0} CSD_TCG_THREAD=$thread CSD_CPUS=$cpus CSD_MEM=$mem \
	CSD_ZNS_SIZE=256M CSD_ZONE_SIZE=4M \
	CSD_INITRD_EXTRA="$big $work/tools.cpio.zst" CSD_QEMU_EXTRA="${CSD_QEMU_EXTRA:-}$qargs$extra$devs" \
	CSD_TIMEOUT=${CSD_TIMEOUT:-5400} \
		"$VM/run.sh" --check-dmesg "$BENCH/guest.sh" rounds="$rounds" warmup="$warmup" \
		t_loop="$t_loop" t_loopz="$t_z" t_zns="$t_z" reps="$reps" quick="$quick" \
		configs="$configs" workloads="$workloads" profile="$bprof" \
		cycles="$cycles" peer_cycles="$peer_cycles" slice="$slice" settle="$settle" \
		switch="$switch" parts="$bparts" 2>&1 |
		tee -a "$raw" | grep -av --line-buffered '^@bench '
	brc=${PIPESTATUS[0]}
	set -e
	echo "@bench boot_end name=$name secs=$(( $(date +%s) - t0 )) rc=$brc" >> "$raw"
	[ "$brc" = 0 ] || rc=$brc
}

# insns: the exact instructions of a call of each probe, single-stepped
# by gdb's csd-insns in make gdb's guest (which reads a block of its
# conventional namespace every 0.3 s), for this csd.ko and --old-ko's:
# with accounting alone (b), and with (c)'s completion program, classify,
# attached (label "this-c", "old-c").
insns() {
	local ko label out t0 prog
	for label in this this-c old old-c; do
		ko=$TOP/module/csd.ko prog=
		case $label in
		old*)
			[ -n "$old_ko" ] || continue
			ko=$old_ko
			;;
		esac
		case $label in *-c) prog=classify ;; esac
		t0=$(date +%s)
		say "counting the probes' instructions ($label csd.ko${prog:+, $prog attached}) under gdb"
		# TCG, whatever CSD_ACCEL says: under KVM the guest reads
		# time through kvm-clock, another path. The guest's lifetime
		# bounds a run that hangs.
		# With the program, its JIT code ([no-symbol]) must be in the
		# count: else the completions gdb stepped did not run it.
		if out=$(CSD_ACCEL=tcg CSD_GDB_TIMEOUT=900 CSD_KO=$ko CSD_GDB_PORT=auto \
			CSD_GDB_PROG=$prog CSD_VM_DIR=$work/gdb-$label "$TOP/gdb/csd-gdb.sh" -batch \
			-ex "csd-insns --calls 8" 2> "$work/gdb-$label.log") &&
			{ [ -z "$prog" ] || echo "$out" | grep -q '^    \[no-symbol\] '; }; then
			echo "$out" | awk -v ko=$label '
				/^csd_probe_[a-z]+: [0-9]+ calls/ { p = $1; sub(":", "", p)
					c = $0; sub(/.*per call: /, "", c)
					printf "@bench insns ko=%s probe=%s calls=\"%s\"\n", ko, p, c }
				/^  the fewest, / { n = $3; sub(",", "", n)
					printf "@bench insns_common ko=%s probe=%s n=%s\n", ko, p, n }
				/^    [^ ]+ +[0-9]+$/ { printf "@bench insns_fn ko=%s probe=%s fn=%s n=%s\n", ko, p, $1, $2 }' >> "$raw"
		else
			echo "@bench error step=insns ko=$label (gdb: $work/gdb-$label.log)" >> "$raw"
			tail -n 5 "$work/gdb-$label.log" >&2 || true
			rc=1
		fi
		echo "@bench insns_end ko=$label secs=$(( $(date +%s) - t0 ))" >> "$raw"
	done
}

start=$(date +%s)
if [ $quick = 1 ]; then
	# make check: every piece once, in one boot (run.sh's default TCG).
	# (csd-insns is checked by make check's gdb smoke test.)
	boot quick "${CSD_TCG_THREAD:-single}" "" "$(echo " $parts " | sed 's/ insns / /; s/^ //; s/ $//')" "$profile"
else
	# The cost per request counts guest instructions: QEMU's icount clock
	# (one instruction = 1 ns of guest time, no sleeping: single-threaded
	# TCG) makes a slice's CPU time what the guest executed, not the
	# host's speed (a busy host still made a run noisier: performance.rst).
	# Throughput and offload figures need parallel vCPUs in real time.
	cost_parts='' wall_parts=''
	for p in $parts; do
		case $p in
		slices|profile) cost_parts="$cost_parts $p" ;;
		insns) ;;
		*) wall_parts="$wall_parts $p" ;;
		esac
	done
	case " $cost_parts " in
	*" profile "*) [ -n "$profile" ] || cost_parts=${cost_parts/ profile/} ;;
	*) [ -z "$profile" ] || say "--profile \"$profile\" without the part profile: no profile" ;;
	esac
	[ -z "$cost_parts" ] ||
		boot cost single " -icount shift=0,sleep=off" "${cost_parts# }" "$profile"
	[ -z "$wall_parts" ] || boot wall "${CSD_TCG_THREAD:-multi}" "" "${wall_parts# }" "" "$mem_1m"
	case " $parts " in *" insns "*) insns ;; esac
fi
secs=$(( $(date +%s) - start ))
echo "@bench host_end secs=$secs rc=$rc" >> "$raw"
say "the guests ran ${secs}s; raw results in $raw"

echo
report_rc=0
awk -f "$BENCH/report.awk" "$raw" || report_rc=$?
if [ $quick = 1 ]; then
	# For make check: the pieces ran; timings are not judged.
	summary=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$raw" | tail -n1 || true)
	p=$(echo "${summary:-0 passed, 1 failed}" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "${summary:-0 passed, 1 failed}" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=$(echo "$summary" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
	# grep -c, not -q: -q leaves at the first match, and awk, still
	# writing, dies of SIGPIPE, which pipefail reports as a failure.
	if [ $report_rc = 0 ] && awk -f "$BENCH/report.awk" "$raw" | grep -cE '^  (PASS|MISS) ' > /dev/null; then
		echo "ok - the report was formatted"
		p=$((p + 1))
	else
		echo "not ok - the report was formatted"
		f=$((f + 1))
	fi
	[ $rc != 0 ] && [ "$f" = 0 ] && f=1
	echo "${p} passed, ${f} failed, ${s:-0} skipped"
	[ "$f" = 0 ]
	exit
fi
# The page, if the guest got to the end (a failed step shows as an
# "error:" line in the report).
if grep -q '^@bench done' "$raw"; then
	[ -n "$doc" ] && write_doc "$raw" "$doc"
else
	say "the guest did not finish: the page was not written"
fi
[ $rc = 0 ] || say "FAIL: a step of the run failed (exit $rc): see the error lines above"
exit $rc
