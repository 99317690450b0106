// SPDX-License-Identifier: GPL-2.0
/*
 * csdctl prog and exec, in a csdctl built without libbpf >= 1.4 (Debian
 * 12's own libbpf is 1.1): everything else works; these two say why they
 * do not. The BPF programs themselves need csd.ko on kernel 6.9+.
 */
#include <stdio.h>

#include "csdctl.h"

static int no_libbpf(const char *cmd)
{
	fprintf(stderr, "%s: %s: this csdctl was built without libbpf >= 1.4, which loads BPF programs\n"
		"(install libbpf-dev from bookworm-backports and rebuild csdctl)\n", prog, cmd);
	return 2;
}

int cmd_prog(int argc, char **argv)
{
	return no_libbpf("prog");
}

int cmd_exec(int argc, char **argv)
{
	return no_libbpf("exec");
}
