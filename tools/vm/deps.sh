#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing csd needs, with apt-get, idempotently.
# Runs as root with no prompt; prints each step. Safe to run again: when
# everything is present it only checks and returns.
set -euo pipefail

say() { echo "csd-deps: $*"; }

need_root() {
	if [ "$(id -u)" != 0 ]; then
		say "must run as root to install packages (missing: $*)" >&2
		exit 1
	fi
}

. /etc/os-release
codename=${VERSION_CODENAME:-}

# Packages from the main suite. linux-headers-amd64 is bookworm's own
# kernel line, 6.1 (make check's 6.1 smoke run, DKMS); mmdebstrap makes
# the trixie build root of Linux 7.3 (tools/vm/buildroot.sh); python3
# is for make check-fleet (which uses systemd-analyze when it is there).
pkgs=(
	linux-headers-6.12-amd64
	linux-headers-amd64 dkms mmdebstrap
	busybox-static cpio xz-utils zstd
	clang llvm pahole make gcc
	libnvme-dev nvme-cli fio gdb jq
	libelf-dev zlib1g-dev pkg-config
	bison flex bc libssl-dev
	bpftrace libbpf-tools shellcheck
	python3
)

# libbpf >= 1.4 is needed for struct_ops types in module BTF (bookworm has 1.1).
libbpf_ok() {
	local v
	v=$(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null || true)
	[ -n "$v" ] && dpkg --compare-versions "$v" ge "1:1.4"
}

# QEMU >= 10: bookworm's 7.2 runs stale translated code under
# multi-threaded TCG after the guest kernel patches a static branch from
# the other vCPU (Oops: int3); see Documentation/developing.rst.
QEMU_MIN=1:10.0
qemu_ok() {
	local v
	v=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null || true)
	[ -n "$v" ] && dpkg --compare-versions "$v" ge "$QEMU_MIN"
}

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ] && libbpf_ok && qemu_ok; then
	say "all build and test dependencies are installed"
	exit 0
fi

need_root "${missing[*]} libbpf-dev>=1.4 qemu-system-x86>=10"
export DEBIAN_FRONTEND=noninteractive

backports=""
if [ "$codename" = bookworm ]; then
	backports=bookworm-backports
	if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
		say "enabling the $backports suite in /etc/apt/sources.list.d/csd-backports.sources"
		cat > /etc/apt/sources.list.d/csd-backports.sources <<EOT
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	fi
fi

say "apt-get update"
apt-get update -qq

if [ ${#missing[@]} -gt 0 ]; then
	say "installing: ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! libbpf_ok; then
	if [ -n "$backports" ]; then
		say "installing libbpf-dev (>= 1.4) and bpftool from $backports"
		apt-get install -y -qq --no-install-recommends -t "$backports" libbpf-dev libbpf1 bpftool
	else
		say "installing libbpf-dev"
		apt-get install -y -qq --no-install-recommends libbpf-dev bpftool
	fi
	libbpf_ok || { say "libbpf-dev >= 1.4 could not be installed" >&2; exit 1; }
fi
if ! qemu_ok; then
	if [ -n "$backports" ]; then
		say "installing qemu-system-x86 (>= 10) from $backports"
		apt-get install -y -qq --no-install-recommends -t "$backports" qemu-system-x86
	else
		say "installing qemu-system-x86"
		apt-get install -y -qq --no-install-recommends qemu-system-x86
	fi
	qemu_ok || { say "qemu-system-x86 >= 10 could not be installed" >&2; exit 1; }
fi
say "done"
