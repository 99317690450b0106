#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make gdb: debug csd in the test guest from the host.
#
#   gdb/csd-gdb.sh [--load-later] [GDB ARGS...]
#
# Fetches (once, cached) the guest kernel's vmlinux with DWARF, the nvme
# modules' DWARF and the kernel's gdb scripts (gdb/fetch.sh); boots the
# guest with QEMU's gdb stub and nokaslr, csd loaded and gdb/guest.sh
# idle reading $CSD_CONV_DEV every 0.3 s; then starts gdb with vmlinux,
# vmlinux-gdb.py, gdb/csd.py, "target remote" and "lx-symbols" over the
# directories with the csd.ko the guest runs and the modules' DWARF. The
# guest stops when gdb attaches; "continue" lets it run, Ctrl-C stops it.
# When gdb exits, the guest is powered off.
#
# --load-later boots without csd and loads it 5 s (guest time) after the
# guest is ready, gdb attached by then: lx-symbols' hook on module loading
# reads csd.ko's symbols as it loads, so a pending breakpoint on csd's
# setup hits (e.g. csd_hooks_init; csd_init itself is in .init.text,
# which lx-symbols does not place).
#
# GDB ARGS go to gdb after csd's own, e.g. -ex 'break csd_complete_match'
# or -batch -ex csd-devices. Build csd first (make gdb does).
#
# Environment: CSD_GDB_PORT (default 1234; "auto" picks a free port),
# CSD_VM_DIR (logs in $CSD_VM_DIR/gdb, default <tree>/.vm/gdb),
# CSD_GDB_TIMEOUT (the guest's lifetime in seconds, default 86400),
# CSD_GDB_PROG (a program set of tools/bpf, e.g. classify, attached to the
# conventional namespace before gdb attaches: its completions run it), and
# tools/vm/run.sh's CSD_* knobs.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/gdb/lib.sh"
say() { echo "csd-gdb: $*" >&2; }

mode=idle vmflags=()
if [ "${1:-}" = --load-later ]; then
	mode=late vmflags=(--no-load)
	shift
fi
case "${CSD_GDB_PORT:=1234}" in
auto) unset CSD_GDB_PORT ;;
*[!0-9]*) say "CSD_GDB_PORT must be a port number or auto"; exit 2 ;;
esac
command -v gdb >/dev/null || { say "gdb is not installed: run make deps"; exit 1; }
[ -f "$CSD_KO_SRC" ] || { say "no $CSD_KO_SRC: run make first"; exit 1; }

G=$("$GDBDIR/fetch.sh")
dir=${CSD_VM_DIR:-$TOP/.vm}/gdb
mkdir -p "$dir"
trap 'csd_stop "$dir"' EXIT

say "booting the guest with the gdb stub (logs in $dir)"
if ! csd_boot "$dir" "$mode" "${CSD_GDB_TIMEOUT:-86400}" "${vmflags[@]}"; then
	[ -z "${CSD_GDB_PORT:-}" ] || say "port $CSD_GDB_PORT taken? CSD_GDB_PORT=auto picks a free one"
	exit 1
fi
if ! csd_wait_ready 600; then
	say "the guest did not get ready; its output and console log:"
	tail -n 20 "$CSD_GUEST_OUT" "$dir/run.log" "$dir/console.log" >&2 || true
	exit 1
fi
grep -a '^CSD-GDB-READY' "$CSD_GUEST_OUT" | head -n1 |
	sed 's/^CSD-GDB-READY /csd-gdb: guest ready: /' >&2

csd_gdb_args "$G"
cat >&2 <<EOF
csd-gdb: attaching gdb to :$CSD_PORT; csd's commands: csd-devices, csd-stats DISK,
csd-gdb: csd-zones DISK [FIRST[-LAST]], csd-inflight [DISK], csd-progs (help csd-stats);
csd-gdb: try: break csd_complete_match / continue / p *rq / csd-inflight.
csd-gdb: the guest powers off when gdb exits. Guide: Documentation/debugging.rst
EOF
rc=0
# From here Ctrl-C belongs to gdb (it stops the guest): outlive it.
trap : INT
# No "Quit anyway?" (the guest is powered off anyway), and breakpoints in
# modules not loaded yet wait for them (with --load-later).
(cd "$TOP" && gdb -q -iex "set confirm off" -iex "set breakpoint pending on" \
	"${CSD_GDB_ARGS[@]}" \
	-ex "target remote :$CSD_PORT" \
	-ex "lx-symbols $(dirname "$CSD_KO") $G/modules" \
	"$@") || rc=$?
csd_stop "$dir"
say "guest powered off; its console log is $dir/console.log"
exit "$rc"
