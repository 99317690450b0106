# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by check-kernels.sh and check-dkms.sh: boot the guest of kernel
# release $1 with csd.ko $2, logs in $3, run the selftests "${@:4}" (all
# when none); sets $rc (the runner's exit status) and $line (the suite's
# "N passed, N failed, N skipped", or "no result").
# shellcheck disable=SC2034 # rc and line are the caller's results
run_kernel_guest() {
	local kv=$1 ko=$2 d=$3
	shift 3
	mkdir -p "$d"
	CSD_KVER=$kv CSD_KO=$ko CSD_VM_DIR=$d "$VM/run.sh" --check-dmesg \
		"$TOP/selftests/csd/run_tests.sh" "$@" 2>&1 | tee "$d/log"
	rc=${PIPESTATUS[0]}
	line=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$d/log" | tail -n1)
	line=${line:-no result}
}
