# SPDX-License-Identifier: GPL-2.0
#
# csd top-level Makefile.
#
#   make              build module/csd.ko, tools/csdctl/csdctl and the selftests
#   make check        install what is missing, build, boot the guest, run every test
#                     (TESTS="io_test -t direct_reads_exact" runs one)
#   make demo         boot the guest and show csd at work on an emulated ZNS drive
#   make vm-run SCRIPT=path/to/script.sh [VMFLAGS=--no-load]
#                     run your own script in the guest
#   make gdb [GDBFLAGS=...]
#                     boot the guest with QEMU's gdb stub and attach gdb from the host
#                     with vmlinux's DWARF, lx-symbols and csd's commands (csd-stats, ...)
#   make bench [QUICK=1] [BENCHFLAGS=...]
#                     csd against no tracing, bpftrace and libbpf-tools' biolatency in
#                     one guest boot (about 15 min): prints the table and targets and
#                     writes Documentation/performance.rst; QUICK=1 is one short round
#                     that only checks the pieces run (make check runs it)
#   make check-debug  the whole suite on a debug kernel (KASAN, lockdep, PROVE_RCU,
#                     DEBUG_ATOMIC_SLEEP, kmemleak, DEBUG_OBJECTS, fault injection)
#                     built once from linux-source-6.12 and cached, with the long
#                     adversarial runs; not part of make check (the first build
#                     took 71 min on 2 cores shared with test guests)
#   make deps         install build and test dependencies (apt-get, as root)
#   make checkpatch   checkpatch.pl --strict on module/ and uapi/
#   make clean
#
# KDIR defaults to the headers of the guest kernel (linux-headers-6.12-amd64);
# KDIR=/lib/modules/$(uname -r)/build builds for the running kernel instead.

VM := tools/vm
KVER ?= $(shell $(VM)/kernel.sh kver 2>/dev/null)
KDIR ?= /usr/src/linux-headers-$(KVER)
CSD_CACHE ?= $(HOME)/.cache/csd
KCACHE := $(CSD_CACHE)/$(KVER)
KSFT_DIR ?= $(KCACHE)/src/tools/testing/selftests
CHECKPATCH := $(KCACHE)/src/scripts/checkpatch.pl

export CSD_CACHE

all: module csdctl bpf selftests gdb-constants

# The kernel release of KDIR, as the kernel says it (uname -r): Debian
# 6.1's "make kernelrelease" prints 6.1.192, its utsrelease.h 6.1.0-N-amd64.
MOD_KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)

module: $(if $(filter $(KDIR),/usr/src/linux-headers-$(KVER)),kernel-cache)
	@test -d "$(KDIR)" || { echo "csd: no kernel headers at '$(KDIR)': run 'make deps' (or set KDIR=)"; exit 1; }
	@test -n "$(MOD_KVER)" || { echo "csd: $(KDIR)/include/generated/utsrelease.h gives no kernel release" >&2; exit 1; }
	@module/gen-nvme-layout.sh "$(KDIR)" "$(MOD_KVER)" module/nvme_layout.h
	+@module/gen-compat.sh "$(KDIR)" module/compat_auto.h
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	@# Without BTF, csd's struct_ops and kfuncs would register silently
	@# and not work: refuse such a module (CSD_ALLOW_NO_BTF=1 overrides),
	@# unless its BPF is compiled out (kernels before 6.9).
	@readelf -S module/csd.ko | grep -qE ' \.BTF +' || [ -n "$(CSD_ALLOW_NO_BTF)" ] || \
		/sbin/modinfo -F bpf module/csd.ko | grep -q '^compiled out' || \
		{ echo "csd: module/csd.ko has no BTF: install pahole (make deps) and build against headers with vmlinux" >&2; \
		  rm -f module/csd.ko; exit 1; }

# The module's source, alone: what DKMS and the per-kernel builds compile
# (without tools/vm, such a copy fetches nothing).
MODULE_SRC = Makefile Kbuild dkms.conf module uapi include
CSD_VERSION := $(shell sed -n 's/^\#define CSD_VERSION\t"\(.*\)"$$/\1/p' module/csd.h)
DKMS_SRC ?= /usr/src/csd-$(CSD_VERSION)

# DKMS: put the module's source in /usr/src/csd-<version>; then
# dkms add/build/install csd/<version> (README, Documentation/kernels.rst).
dkms-src:
	@grep -q '^PACKAGE_VERSION="$(CSD_VERSION)"$$' dkms.conf || \
		{ echo "csd: dkms.conf's PACKAGE_VERSION is not csd.h's $(CSD_VERSION)" >&2; exit 1; }
	@# Owned by root (root runs its scripts at every kernel install); from
	@# git's list of files, or, in a tarball, the files minus build output.
	rm -rf $(DKMS_SRC).tmp && mkdir -p $(DKMS_SRC).tmp
	{ git ls-files -z $(MODULE_SRC) 2>/dev/null || \
	  find $(MODULE_SRC) -type f ! -name '*.o' ! -name '*.ko' ! -name '*.mod*' ! -name '.*' \
		! -name '*.order' ! -name '*.symvers' ! -name nvme_layout.h ! -name compat_auto.h -print0; } | \
		xargs -0 tar -c --owner=0 --group=0 | tar -x --no-same-owner -C $(DKMS_SRC).tmp
	rm -rf $(DKMS_SRC) && mv $(DKMS_SRC).tmp $(DKMS_SRC)
	@echo "csd: source in $(DKMS_SRC): dkms add csd/$(CSD_VERSION) && dkms install csd/$(CSD_VERSION)"

# csd.ko built by DKMS for each supported installed kernel, each loaded in
# its own guest for a smoke run (tools/vm/check-dkms.sh).
check-dkms: csdctl selftests
	@$(VM)/check-dkms.sh

# The whole suite in a guest of each supported kernel (6.12, 6.1, 7.3),
# each with csd.ko built for it.
check-kernels: csdctl bpf selftests gdb-constants
	@$(VM)/check-kernels.sh

# One Prometheus over two hosts: two guest runs' metrics, written by
# csd-textfile, served by Debian's node_exporter and scraped by Debian's
# prometheus on 127.0.0.1 (tools/monitor/fleet_check.py; part of make check).
check-fleet: deps
	@$(MAKE) --no-print-directory module csdctl selftests
	@/usr/bin/python3 tools/monitor/fleet_check.py

csdctl:
	$(MAKE) -C tools/csdctl

bpf:
	$(MAKE) -C tools/bpf

# The guest kernel of KVER (its nvme-core.ko gives the layout when the
# running system has no /lib/modules/KVER), the 6.12 source files, promtool.
kernel-cache:
	@[ ! -x $(VM)/kernel.sh ] || CSD_KVER=$(KVER) $(VM)/kernel.sh fetch

# The gdb commands' constants, from the C headers that define them.
gdb-constants: gdb/csd_constants.py

gdb/csd_constants.py: gdb/gen-constants.c uapi/linux/csd.h module/status_key.h include/csd/nvme_names.h
	$(CC) -O2 -Wall -Wextra -Werror -Iuapi -o gdb/gen-constants gdb/gen-constants.c
	gdb/gen-constants > $@.tmp && mv $@.tmp $@

selftests: kernel-cache
	$(MAKE) -C selftests/csd KSFT_DIR=$(KSFT_DIR)

deps:
	@$(VM)/deps.sh

check: deps
	@$(MAKE) --no-print-directory all W=1 KCFLAGS=-Werror
	@$(MAKE) --no-print-directory checkpatch shellcheck
	@$(MAKE) --no-print-directory -C tools/csdctl check
	@$(VM)/check.sh $(TESTS)

check-debug: deps
	@$(MAKE) --no-print-directory csdctl bpf kernel-cache
	@$(VM)/check-debug.sh $(TESTS)

demo: deps
	@$(MAKE) --no-print-directory all
	@$(VM)/run.sh --check-dmesg $(VM)/demo.sh

vm-run: deps
	@test -n "$(SCRIPT)" || { echo "usage: make vm-run SCRIPT=path/to/script.sh [VMFLAGS=...]"; exit 2; }
	@$(MAKE) --no-print-directory all
	@$(VM)/run.sh $(VMFLAGS) $(SCRIPT)

gdb: deps
	@$(MAKE) --no-print-directory all
	@gdb/csd-gdb.sh $(GDBFLAGS)

bench: deps
	@$(MAKE) --no-print-directory all
	@tools/bench/bench.sh --no-build $(if $(filter-out 0,$(QUICK)),--quick) $(BENCHFLAGS)

checkpatch: kernel-cache
	@perl $(CHECKPATCH) --no-tree --strict --terse --ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
		-f $(filter-out %.mod.c,$(wildcard module/*.c)) $(filter-out module/nvme_layout.h module/compat_auto.h,$(wildcard module/*.h)) module/conftest/*.c uapi/linux/*.h include/csd/*.h
	@echo "checkpatch: clean"

# Every shell script in the tree, warnings and errors.
shellcheck:
	@shellcheck -S warning tools/monitor/csd-textfile \
		$$(git ls-files '*.sh' 2>/dev/null || find . -name '*.sh' -not -path './.vm/*')
	@echo "shellcheck: clean"

clean:
	-test -d "$(KDIR)" && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/csdctl clean
	$(MAKE) -C tools/bpf clean
	$(MAKE) -C tools/bench clean
	$(MAKE) -C selftests/csd clean KSFT_DIR=.
	rm -rf .vm module/nvme_layout.h module/compat_auto.h gdb/gen-constants gdb/csd_constants.py

.PHONY: all module csdctl bpf kernel-cache gdb-constants selftests deps shellcheck check check-debug check-kernels check-dkms dkms-src demo vm-run gdb bench checkpatch clean
