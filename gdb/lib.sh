# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared by gdb/csd-gdb.sh (make gdb) and gdb/smoke.sh: boot the test guest
# in the background with QEMU's gdb stub, wait until gdb/guest.sh says it
# is ready, build gdb's command line, stop the guest. Sourced, not run;
# the caller sets TOP and uses set -euo pipefail.

GDBDIR=$TOP/gdb
# The csd.ko to load: CSD_KO from the caller (a build for another kernel,
# with CSD_KVER), else the tree's.
CSD_KO_SRC=${CSD_KO:-$TOP/module/csd.ko}

# A TCP port nobody listens on (the gdb stub's). Racy by nature: csd_boot
# retries when QEMU cannot bind it.
csd_free_port() {
	if [ -x /usr/bin/python3 ]; then
		/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
		return
	fi
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

# csd_boot DIR MODE TIMEOUT [RUN.SH OPTIONS]: boot the guest with
# gdb/guest.sh MODE and the gdb stub on $CSD_GDB_PORT or a free port, logs
# in DIR. Sets CSD_PORT, CSD_RUN_PID,
# CSD_GUEST_OUT (the guest script's output) and CSD_KO (a copy of the
# csd.ko the guest loads, for lx-symbols: the tree's may be rebuilt while
# the guest runs). TIMEOUT bounds the guest's whole life.
csd_boot() {
	local dir=$1 mode=$2 timeout=$3
	shift 3
	mkdir -p "$dir/ko"
	CSD_KO=$dir/ko/csd.ko
	CSD_GUEST_OUT=$dir/guest.out
	for _ in 1 2 3; do
		cp "$CSD_KO_SRC" "$CSD_KO"
		CSD_PORT=${CSD_GDB_PORT:-$(csd_free_port)}
		rm -f "$dir/qemu.pid"
		: > "$CSD_GUEST_OUT"
		CSD_VM_DIR=$dir CSD_GDB_PORT=$CSD_PORT \
			CSD_QEMU_EXTRA="${CSD_QEMU_EXTRA:-} -pidfile $dir/qemu.pid" \
			"$TOP/tools/vm/run.sh" --gdb --timeout "$timeout" "$@" "$GDBDIR/guest.sh" "$mode" ${CSD_GDB_PROG:+"$CSD_GDB_PROG"} \
			> "$CSD_GUEST_OUT" 2> "$dir/run.log" < /dev/null &
		CSD_RUN_PID=$!
		# QEMU gives up at once on a port it cannot bind: wait for its
		# pid file and a moment more. (Building the initramfs comes first.)
		for _ in $(seq 600); do
			kill -0 "$CSD_RUN_PID" 2>/dev/null || break
			[ -s "$dir/qemu.pid" ] && break
			sleep 0.2
		done
		sleep 1
		if kill -0 "$CSD_RUN_PID" 2>/dev/null && [ -s "$dir/qemu.pid" ]; then
			return 0
		fi
		kill "$CSD_RUN_PID" 2>/dev/null || true
		wait "$CSD_RUN_PID" 2>/dev/null || true
		# Only a port someone took meanwhile is worth another try.
		if [ -n "${CSD_GDB_PORT:-}" ] || ! grep -qi "gdb" "$dir/run.log"; then
			break
		fi
	done
	echo "csd-gdb: the guest did not start; $dir/run.log says:" >&2
	tail -n 20 "$dir/run.log" | sed 's/^/  | /' >&2
	return 1
}

# csd_wait_ready TIMEOUT: wait for guest.sh's ready marker.
csd_wait_ready() {
	local end=$((SECONDS + $1))
	while [ $SECONDS -lt $end ]; do
		grep -aq '^CSD-GDB-READY' "$CSD_GUEST_OUT" 2>/dev/null && return 0
		kill -0 "$CSD_RUN_PID" 2>/dev/null || return 1
		sleep 0.5
	done
	return 1
}

# csd_stop DIR: power the guest off (kill QEMU) and reap run.sh.
csd_stop() {
	local dir=$1 pid
	[ -n "${CSD_RUN_PID:-}" ] || return 0
	pid=$(cat "$dir/qemu.pid" 2>/dev/null || true)
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	# run.sh notices QEMU is gone, reports and exits; give it a moment.
	for _ in $(seq 50); do
		kill -0 "$CSD_RUN_PID" 2>/dev/null || break
		sleep 0.2
	done
	kill "$CSD_RUN_PID" 2>/dev/null || true
	wait "$CSD_RUN_PID" 2>/dev/null || true
	CSD_RUN_PID=
}

# csd_gdb_args GDBCACHE: gdb's options to load vmlinux (its DWARF indexed
# once in GDBCACHE/index-cache), the kernel's gdb scripts and csd's, in
# the array CSD_GDB_ARGS. Attaching and lx-symbols come after.
csd_gdb_args() {
	local g=$1
	# shellcheck disable=SC2034	# the caller's
	CSD_GDB_ARGS=(
		-iex "set index-cache directory $g/index-cache"
		-iex "set index-cache enabled on"
		# vmlinux-gdb.py is sourced below: no auto-load, no safe-path warning.
		-iex "set auto-load python-scripts off"
		"$g/vmlinux"
		-ex "source $g/vmlinux-gdb.py"
		-ex "source $GDBDIR/csd.py"
	)
}
