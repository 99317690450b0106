#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Write the figures of the last suite run into Documentation/reliability.rst:
# the "csd-reliability:" lines the adversarial tests print (fuzzed calls
# per ioctl, resets, removals and reloads survived, the books of every
# namespace afterwards, kmemleak scans). Each kind of run owns one section
# of the page, between its markers; the rest of the page is kept.
#
#   reliability.sh check|debug LOG SECONDS RC
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
kind=$1 log=$2 secs=$3 rc=$4
page=$TOP/Documentation/reliability.rst
[ -f "$page" ] || { echo "reliability.sh: $page is missing" >&2; exit 1; }

if [ "$kind" = debug ]; then
	title="Last debug-kernel run (make check-debug)"
	kernel=$("$TOP/tools/vm/debug-kernel.sh" kver)
else
	title="Last stock-kernel run (make check)"
	kernel=$("$TOP/tools/vm/kernel.sh" kver)
fi
summary=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1 || true)
qemu=$(qemu-system-x86_64 --version | sed -nE '1s/.*version ([^ ]+).*/\1/p')

section=$(mktemp)
trap 'rm -f "$section" "$page.tmp"' EXIT
{
	echo ".. begin-$kind"
	echo
	echo "$title"
	echo "$title" | sed 's/./-/g'
	echo
	echo ":Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo ":Tree: $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)"
	echo ":Kernel: $kernel, $(nproc) host cores, QEMU $qemu (TCG)"
	echo ":Suite: ${summary:-no summary (the guest did not finish)}, exit status $rc, ${secs} s"
	echo
	{ grep -a '# csd-reliability: ' "$log" || true; } | sed 's/.*# csd-reliability: //' | awk '
	$1 == "fuzz" && $2 == "load" && $3 != "total" {
		n = split($0, f, " "); row = sprintf("   %-14s", $3)
		for (i = 4; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
		errs = ""
		for (i = 6; i <= n; i++) errs = errs " " f[i]
		fz[++nf] = sprintf("   %-14s %10s %10s  %s", $3, v["calls"], v["ok"], errs)
		delete v; next
	}
	$1 == "fuzz" && $2 == "load" && $3 == "total" { ftotal = $4 " " $5; next }
	$1 == "fuzz" && $2 == "invalid" { finv = $3 " " $4; next }
	$1 == "fuzz" && $2 == "chaos" { fchaos = $0; sub("^fuzz chaos ", "", fchaos); next }
	$2 == "books" { books[++nb] = "   " $1 ": " $3 " " $4 " " $5 " " $6; next }
	{ other[++no] = "- " $0 }
	END {
		if (nf) {
			print "Fuzzing beside fio, controller resets, nvme reloads and trace readers (" ftotal "):"
			print ""
			print "::"
			print ""
			printf "   %-14s %10s %10s  %s\n", "call", "calls", "ok", "errors"
			for (i = 1; i <= nf; i++) print fz[i]
			print ""
			print "- certainly invalid calls on a quiet guest: " finv
			print "- beside them: " fchaos
		}
		if (!nf && finv)
			print "- fuzzing, certainly invalid calls on a quiet guest: " finv
		for (i = 1; i <= no; i++) print other[i]
		if (nb) {
			print ""
			print "Books after each adversarial test (submitted = completed + aborted, nothing in flight):"
			print ""
			print "::"
			print ""
			for (i = 1; i <= nb; i++) print books[i]
		}
	}'
	echo
	echo ".. end-$kind"
} > "$section"

awk -v kind="$kind" -v file="$section" '
	$0 == ".. begin-" kind { while ((getline l < file) > 0) print l; skip = 1; next }
	$0 == ".. end-" kind { skip = 0; next }
	!skip { print }
' "$page" > "$page.tmp"
mv "$page.tmp" "$page"
trap - EXIT
rm -f "$section"
echo "reliability.sh: wrote the $kind section of Documentation/reliability.rst" >&2
