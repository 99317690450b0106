// SPDX-License-Identifier: GPL-2.0
/*
 * csdctl, the command-line tool: exit codes, messages and output, run as
 * a user would run it.
 */
#include <grp.h>

#include "csd_lib.h"
#include "csd_harness.h"

/* Run a shell command; capture the first @len - 1 bytes of its output. */
static int run_capture(const char *cmd, char *buf, size_t len)
{
	size_t n = 0;
	FILE *p;
	int st;

	p = popen(cmd, "r");
	if (!p)
		return -1;
	for (;;) {
		char sink[4096];
		size_t k;

		/* Past @len, read and drop: the command must not die of SIGPIPE. */
		if (n + 1 < len)
			k = fread(buf + n, 1, len - 1 - n, p);
		else
			k = fread(sink, 1, sizeof(sink), p);
		if (!k)
			break;
		if (n + 1 < len)
			n += k;
	}
	buf[n] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(info_table_and_json)
{
	char out[4096];

	ASSERT_EQ(0, run_capture("csdctl info 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "ABI version:      1"));
	EXPECT_NE(NULL, strstr(out, "nvme hooks:       attached"));

	ASSERT_EQ(0, run_capture("csdctl --json info 2>&1", out, sizeof(out)));
	EXPECT_EQ('{', out[0]);
	EXPECT_NE(NULL, strstr(out, "\"abi_version\":1"));
	EXPECT_NE(NULL, strstr(out, "\"hooks_attached\":2"));
	EXPECT_NE(NULL, strstr(out, "\"nvme-hooks\""));
}

TEST(devices_counts_match_ioctl)
{
	char out[8192], cmd[512], want[640];
	struct csd_ns_entry e;
	int fd;

	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 9, 4096, 0));
	fd = csd_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, csd_find_ns(fd, csd_conv()->disk, &e));
	close(fd);

	snprintf(cmd, sizeof(cmd), "csdctl devices %s --json 2>&1", csd_conv()->path);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out)));
	snprintf(want, sizeof(want), "\"submitted\":%llu,\"completed\":%llu,\"aborted\":0,\"in_flight\":0",
		 (unsigned long long)e.submitted, (unsigned long long)e.completed);
	EXPECT_NE(NULL, strstr(out, want));
	snprintf(want, sizeof(want), "\"disk\":\"%s\"", csd_conv()->disk);
	EXPECT_NE(NULL, strstr(out, want));
	EXPECT_EQ(NULL, strstr(out, csd_zns()->disk));

	ASSERT_EQ(0, run_capture("csdctl devices 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "SUBMITTED"));
	EXPECT_NE(NULL, strstr(out, csd_conv()->disk));
}

TEST(unknown_disk_is_an_error)
{
	char out[1024];

	EXPECT_EQ(1, run_capture("csdctl devices nosuchdisk 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "nosuchdisk"));
}

TEST(usage_errors)
{
	char out[16384];

	EXPECT_EQ(2, run_capture("csdctl 2>&1", out, sizeof(out)));
	EXPECT_EQ(2, run_capture("csdctl frobnicate 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "unknown command"));
	EXPECT_EQ(2, run_capture("csdctl info extra 2>&1", out, sizeof(out)));
	EXPECT_EQ(0, run_capture("csdctl --help 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "devices"));
	EXPECT_NE(NULL, strstr(out, "inflight [DISK]"));
}

TEST(permission_denied_message)
{
	int pipefd[2], status;
	char out[1024] = "";
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(99);
		execlp("csdctl", "csdctl", "info", NULL);
		_exit(98);
	}
	close(pipefd[1]);
	n = read(pipefd[0], out, sizeof(out) - 1);
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(1, WEXITSTATUS(status));
	ASSERT_GT(n, 0);
	out[n] = 0;
	EXPECT_NE(NULL, strstr(out, "permission denied"));
}

TEST(missing_device_message)
{
	char out[1024];

	EXPECT_EQ(1, run_capture("csdctl -d /dev/nonexistent-csd info 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "is the csd module loaded?"));
}

/* Some I/O on both namespaces, with an error, so every view has rows. */
static void make_activity(struct __test_metadata *_metadata)
{
	char cmd[512];

	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 20, 4096, 0));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 20, 16384, 0));
	snprintf(cmd, sizeof(cmd),
		 "nvme write %s -s 5 -c 0 -z 4096 -d /dev/zero > /dev/null 2>&1", csd_zns()->path);
	csd_run(cmd);	/* past the write pointer: an error status */
}

/* Every --json view parses with a real JSON parser (jq). */
TEST(json_outputs_parse)
{
	const char *views[] = { "info", "devices", "stats", "stats %s", "hist %s --op read",
				"hist %s --op all --zone 0", "zones %s", "zones %s --all",
				"top -n 1 -i 1", "config %s" };
	char out[4096], view[512], cmd[1024];
	unsigned int i, bad = 0;

	make_activity(_metadata);
	for (i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		snprintf(view, sizeof(view), views[i], csd_zns()->disk);
		snprintf(cmd, sizeof(cmd), "csdctl --json %s > /tmp/view.json 2>/tmp/view.err && "
			 "jq -e . /tmp/view.json > /dev/null 2>&1", view);
		if (csd_run(cmd)) {
			run_capture("cat /tmp/view.err /tmp/view.json | head -c 600", out, sizeof(out));
			TH_LOG("csdctl --json %s does not parse: %s", view, out);
			bad++;
		}
	}
	EXPECT_EQ(0, bad);
	/* And the numbers are the kernel's: the zoned namespace has 20 4K reads. */
	snprintf(cmd, sizeof(cmd),
		 "csdctl --json stats %s | jq -e '.[0].rows[] | select(.op == \"read\" and "
		 ".size_class == \"<=4K\") | .count >= 20' > /dev/null", csd_zns()->disk);
	EXPECT_EQ(0, csd_run(cmd));
}

/*
 * What csdctl devices reports from the drive (Identify Controller and
 * Namespace, ZNS Identify Namespace, SMART / health log, through libnvme)
 * agrees field by field with nvme-cli's own JSON of the same commands.
 */
TEST(devices_identity_matches_nvme_cli)
{
	const struct csd_nvme_ns *z = csd_zns();
	char cmd[4096], out[4096];
	int rc;

	snprintf(cmd, sizeof(cmd),
		 "csdctl devices %s --json --health > /tmp/dev.json && "
		 "c=$(jq -r '.[0].ctrl' /tmp/dev.json) && "
		 "nvme id-ctrl /dev/$c -o json > /tmp/idc.json && "
		 "nvme smart-log /dev/$c -o json > /tmp/smart.json && "
		 "nvme id-ns %s -o json > /tmp/idns.json && "
		 "nvme zns id-ns %s -o json > /tmp/zid.json && "
		 "jq -r -n --slurpfile d /tmp/dev.json --slurpfile c /tmp/idc.json "
		 "--slurpfile s /tmp/smart.json --slurpfile n /tmp/idns.json "
		 "--slurpfile z /tmp/zid.json --arg tr \"$(cat /sys/class/nvme/$c/transport)\" '"
		 "def trim: if type == \"string\" then sub(\" +$\"; \"\") else . end;"
		 "def num: if type == \"string\" then tonumber else . end;"
		 "def u32: if . < 0 then . + 4294967296 else . end;"
		 "$d[0][0] as $e | $n[0].lbafs[$e.lba_format.index] as $f | ["
		 "(\"vid\",\"ssvid\",\"sn\",\"mn\",\"fr\",\"cmic\",\"mdts\",\"cntlid\",\"ver\",\"nn\") as $k"
		 " | select(($c[0][$k] | trim) != $e.controller[$k])"
		 " | \"id-ctrl \\($k): nvme-cli \\($c[0][$k]) csdctl \\($e.controller[$k])\","
		 "(\"critical_warning\",\"temperature\",\"avail_spare\",\"spare_thresh\",\"percent_used\","
		 "\"media_errors\",\"num_err_log_entries\",\"unsafe_shutdowns\",\"power_on_hours\","
		 "\"power_cycles\") as $k"
		 " | select(($s[0][$k] | num) != $e.health[$k])"
		 " | \"smart-log \\($k): nvme-cli \\($s[0][$k]) csdctl \\($e.health[$k])\","
		 "(select($tr != $e.controller.transport) | \"transport \\($e.controller.transport)\"),"
		 "(select($n[0].flbas != $e.lba_format.flbas) | \"flbas \\($e.lba_format.flbas)\"),"
		 "(select($f.ds != $e.lba_format.ds or $f.ms != $e.lba_format.ms or"
		 " $f.rp != $e.lba_format.rp) | \"lbaf \\($f) \\($e.lba_format)\"),"
		 "(select(($z[0].mor | u32) != $e.zns.mor) | \"mor \\($z[0].mor) \\($e.zns.mor)\"),"
		 "(select(($z[0].mar | u32) != $e.zns.mar) | \"mar \\($z[0].mar) \\($e.zns.mar)\")"
		 "] | if length == 0 then \"agree\" else .[] end' 2>&1",
		 z->disk, z->path, z->path);
	rc = run_capture(cmd, out, sizeof(out));
	if (rc || strcmp(out, "agree\n"))
		TH_LOG("%s", out);
	EXPECT_EQ(0, rc);
	EXPECT_STREQ("agree\n", out);

	/*
	 * Exact values of the guest's drive: 4 KiB LBAs without metadata,
	 * and (tools/vm/run.sh) as many open and active zones as zones.
	 */
	snprintf(cmd, sizeof(cmd),
		 "jq -r '.[0] | \"\\(.controller.mn)|\\(.controller.transport)|"
		 "\\(.lba_format.ds)|\\(.lba_format.ms)|\\(.zns.max_open_zones == .nr_zones)|"
		 "\\(.zns.max_active_zones == .nr_zones)|\\(.health.temperature > 0)\"' /tmp/dev.json");
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out)));
	EXPECT_STREQ("QEMU NVMe Ctrl|pcie|12|0|true|true|true\n", out);

	/* The table names the controller and the format in use. */
	snprintf(cmd, sizeof(cmd), "csdctl devices %s --health 2>&1", z->disk);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "QEMU NVMe Ctrl"));
	EXPECT_NE(NULL, strstr(out, "4: 4096+0"));
	EXPECT_NE(NULL, strstr(out, "CSD-ERRORS"));
}

/*
 * csdctl zones joins the drive's own zone report (Zone Management
 * Receive): each zone's descriptor agrees with nvme-cli's report-zones,
 * and zones put in known states show them: written, finished, and with a
 * zone descriptor extension (ZDEV).
 */
TEST(zones_match_nvme_cli_report)
{
	const struct csd_nvme_ns *z = csd_zns();
	char cmd[4096], out[8192];
	int rc;

	/*
	 * Every zone empty (earlier tests leave some full), then zones 5, 6
	 * and 7 of 1024 blocks (4 KiB): written, finished, ZDEV.
	 */
	snprintf(cmd, sizeof(cmd),
		 "nvme zns reset-zone %s -a > /dev/null && "
		 "dd if=/dev/zero of=%s bs=4k count=3 seek=5120 oflag=direct 2>/dev/null && "
		 "nvme zns finish-zone %s -s 6144 > /dev/null && "
		 "head -c 64 /dev/zero | nvme zns set-zone-desc %s -s 7168 > /dev/null",
		 z->path, z->path, z->path, z->path);
	ASSERT_EQ(0, csd_run(cmd));

	/*
	 * nvme-cli 2.3's JSON prints attrs as 0 for a zone whose plain report
	 * says "Attrs: 0x80": the attributes come from the plain report.
	 */
	snprintf(cmd, sizeof(cmd),
		 "csdctl zones %s --all --json > /tmp/zones.json && "
		 "nvme zns report-zones %s -o json > /tmp/rz.json && "
		 "nvme zns report-zones %s | sed -n 's/.*Attrs: \\([0-9a-fx]*\\) .*/\\1/p' | "
		 "while read a; do printf '%%d\\n' $a; done | jq -s . > /tmp/za.json && "
		 "jq -r -n --slurpfile m /tmp/zones.json --slurpfile r /tmp/rz.json "
		 "--slurpfile a /tmp/za.json '"
		 "$m[0] as $m | $r[0].zone_list as $r | $a[0] as $a | ["
		 "(select(($m | length) != ($r | length)) | \"\\($m | length) zones, nvme-cli \\($r | length)\"),"
		 "(range($r | length) as $i | $r[$i] as $w | $m[$i].nvme as $g"
		 " | (\"slba\",\"wp\",\"cap\",\"state\",\"type\") as $k"
		 " | select($w[$k] != $g[$k]) | \"zone \\($i) \\($k): nvme-cli \\($w[$k]) csdctl \\($g[$k])\"),"
		 "(range($a | length) as $i | select($a[$i] != $m[$i].nvme.attrs)"
		 " | \"zone \\($i) attrs: nvme-cli \\($a[$i]) csdctl \\($m[$i].nvme.attrs)\"),"
		 "(range($m | length) as $i | $m[$i] as $z"
		 " | select($z.capacity_blocks != $z.nvme.cap or $z.attributes.zdev != ($z.nvme.attrs >= 128))"
		 " | \"zone \\($i) decoded \\($z.capacity_blocks) \\($z.attributes)\")"
		 "] | if length == 0 then \"agree \\($a | length)\" else .[] end' 2>&1",
		 z->disk, z->path, z->path);
	rc = run_capture(cmd, out, sizeof(out));
	if (rc || strcmp(out, "agree 16\n"))
		TH_LOG("%s", out);
	EXPECT_EQ(0, rc);
	EXPECT_STREQ("agree 16\n", out);

	/* The three zones, exactly. */
	ASSERT_EQ(0, run_capture("jq -r '.[5:8][] | \"\\(.zone) \\(.cond) \\(.wp_blocks) "
				 "\\(.capacity_blocks) \\(.attributes.zdev)\"' /tmp/zones.json",
				 out, sizeof(out)));
	EXPECT_STREQ("5 imp-open 3 1024 false\n6 full 1024 1024 false\n7 closed 0 1024 true\n", out);

	/* Sorted by attributes, the zone with one comes first; limits shown. */
	snprintf(cmd, sizeof(cmd), "csdctl zones %s --all --sort attrs --top 1 2>&1", z->disk);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "at most 16 open, 16 active"));
	EXPECT_NE(NULL, strstr(out, " zdev "));
	EXPECT_NE(NULL, strstr(out, "\n     7 "));
	/* Prometheus carries the limits and the zones per state and attribute. */
	ASSERT_EQ(0, run_capture("csdctl stats --prometheus 2>&1 | grep '^csd_zones'",
				 out, sizeof(out)));
	{
		static const char * const want[] = {
			"csd_zones_max_open{disk=\"%s\"} 16\n",
			"csd_zones_max_active{disk=\"%s\"} 16\n",
			"csd_zones_capacity_bytes{disk=\"%s\"} 67108864\n",
			"csd_zones{disk=\"%s\",state=\"full\"} 1\n",
			"csd_zones{disk=\"%s\",state=\"closed\"} 1\n",
			"csd_zones{disk=\"%s\",state=\"imp-open\"} ",
			"csd_zones_with_attribute{disk=\"%s\",attribute=\"zdev\"} 1\n",
			"csd_zones_with_attribute{disk=\"%s\",attribute=\"rzr\"} 0\n",
		};
		char line[256];
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(want); i++) {
			snprintf(line, sizeof(line), want[i], z->disk);
			EXPECT_NE(NULL, strstr(out, line)) TH_LOG("no %s", line);
		}
	}

	snprintf(cmd, sizeof(cmd), "csdctl zones %s --sort nosuch 2>&1", z->disk);
	EXPECT_EQ(2, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "capacity or attrs"));

	snprintf(cmd, sizeof(cmd), "nvme zns reset-zone %s -a > /dev/null", z->path);
	EXPECT_EQ(0, csd_run(cmd));
}

/* The Prometheus exposition passes promtool check metrics. */
TEST(prometheus_passes_promtool)
{
	char out[8192];
	int rc;

	make_activity(_metadata);
	ASSERT_EQ(0, csd_run("csdctl stats --prometheus > /tmp/metrics.txt"));
	rc = run_capture("promtool check metrics < /tmp/metrics.txt 2>&1", out, sizeof(out));
	if (rc)
		TH_LOG("promtool: %s", out);
	EXPECT_EQ(0, rc);
	/* Real histograms: buckets, a +Inf bucket, _sum and _count. */
	ASSERT_EQ(0, run_capture("cat /tmp/metrics.txt", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "# TYPE csd_latency_seconds histogram"));
	EXPECT_NE(NULL, strstr(out, "csd_latency_seconds_bucket{"));
	EXPECT_NE(NULL, strstr(out, "le=\"+Inf\"}"));
	EXPECT_NE(NULL, strstr(out, "csd_latency_seconds_sum{"));
	EXPECT_NE(NULL, strstr(out, "csd_latency_seconds_count{"));
	EXPECT_NE(NULL, strstr(out, "csd_errors_total{"));
}

/* csdctl prog and exec: load, the verifier's log, attach, classes, exec, detach. */
TEST(prog_and_exec)
{
	char out[16384], cmd[4096];
	const char *conv = csd_conv()->disk;

	CSD_SKIP_WITHOUT_BPF();
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, 4096, 0));
	/* An unsafe program: refused, with the verifier's reason. */
	EXPECT_EQ(1, run_capture("csdctl prog load /csd/bpf/bad/read_past_data.bpf.o --name bad 2>&1",
				 out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "invalid access to memory"));

	ASSERT_EQ(0, run_capture("csdctl prog load /csd/bpf/classify.bpf.o --name cnt 2>&1",
				 out, sizeof(out)));
	ASSERT_EQ(0, run_capture("csdctl prog load /csd/bpf/entropy.bpf.o 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "registered for exec"));
	snprintf(cmd, sizeof(cmd), "csdctl prog attach cnt %s 2>&1", conv);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out)));
	/* A second set on the same namespace is refused. */
	ASSERT_EQ(0, run_capture("csdctl prog load /csd/bpf/drop.bpf.o 2>&1", out, sizeof(out)));
	snprintf(cmd, sizeof(cmd), "csdctl prog attach drop %s 2>&1", conv);
	EXPECT_EQ(1, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "attached there already"));

	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 21, 4096, 0));
	snprintf(cmd, sizeof(cmd), "csdctl stats %s --class 2>&1", conv);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "CLASS"));

	ASSERT_EQ(0, run_capture("csdctl --json prog list | jq -e '.[] | select(.name == \"cnt\") | .attached' > /dev/null 2>&1",
				 out, sizeof(out)));

	snprintf(cmd, sizeof(cmd), "csdctl exec %s --prog entropy --slba 0 --nlb 64 2>&1", conv);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "entropy:"));
	EXPECT_NE(NULL, strstr(out, "scanned 262144 bytes in 64 chunks, returned 1024"));
	/* A range of zones: one execution per zone, in one process. */
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 1, 4096, 0));
	snprintf(cmd, sizeof(cmd), "csdctl exec %s --prog entropy --zone 0-2 2>&1", csd_zns()->disk);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "zone 0: entropy:"));
	EXPECT_NE(NULL, strstr(out, "zone 2: entropy:"));
	EXPECT_EQ(NULL, strstr(out, "zone 3:"));
	snprintf(cmd, sizeof(cmd), "csdctl --json exec %s --prog entropy --zone 1-2 | jq -e 'length == 2 and .[1].zone == 2' > /dev/null 2>&1",
		 csd_zns()->disk);
	EXPECT_EQ(0, run_capture(cmd, out, sizeof(out)));
	/*
	 * --jobs: zones at once, the same results in zone order (the
	 * timings aside), with more threads than zones too.
	 */
	snprintf(cmd, sizeof(cmd),
		 "a=$(csdctl --json exec %1$s --prog entropy --zone 0-6 | jq -c 'map(del(.prog_ns, .io_ns))') && "
		 "b=$(csdctl --json exec %1$s --prog entropy --zone 0-6 --jobs 3 | jq -c 'map(del(.prog_ns, .io_ns))') && "
		 "c=$(csdctl --json exec %1$s --prog entropy --zone 0-6 --jobs 64 | jq -c 'map(del(.prog_ns, .io_ns))') && "
		 "[ \"$a\" = \"$b\" ] && [ \"$a\" = \"$c\" ] && "
		 "echo \"$b\" | jq -e 'length == 7 and ([.[].zone] == [0,1,2,3,4,5,6])' > /dev/null 2>&1",
		 csd_zns()->disk);
	EXPECT_EQ(0, run_capture(cmd, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd), "csdctl exec %s --prog entropy --zone 0-1 --jobs 0 2>&1",
		 csd_zns()->disk);
	EXPECT_EQ(2, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "--jobs: 0 is not from 1 to 64"));
	/* A failure stops the range: no program set of that name. */
	snprintf(cmd, sizeof(cmd), "csdctl exec %s --prog nosuch --zone 0-5 --jobs 2 2>&1",
		 csd_zns()->disk);
	EXPECT_EQ(1, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "no offload program set nosuch"));
	EXPECT_EQ(NULL, strstr(out, "entropy:"));
	/* The result's format comes from the program set, not from its name. */
	ASSERT_EQ(0, run_capture("csdctl prog load /csd/bpf/entropy.bpf.o --name scan 2>&1",
				 out, sizeof(out)));
	snprintf(cmd, sizeof(cmd), "csdctl exec %s --prog scan --slba 0 --nlb 64 2>&1", conv);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "entropy:"));
	EXPECT_EQ(0, run_capture("csdctl prog detach scan 2>&1", out, sizeof(out)));
	snprintf(cmd, sizeof(cmd), "csdctl exec %s --prog nosuch --slba 0 --nlb 8 2>&1", conv);
	EXPECT_EQ(1, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "no offload program set nosuch"));

	EXPECT_EQ(0, run_capture("csdctl prog detach cnt 2>&1", out, sizeof(out)));
	EXPECT_EQ(0, run_capture("csdctl prog detach entropy 2>&1", out, sizeof(out)));
	EXPECT_EQ(0, run_capture("csdctl prog detach drop 2>&1", out, sizeof(out)));
	snprintf(cmd, sizeof(cmd), "csdctl exec %s --prog entropy --slba 0 --nlb 8 2>&1", conv);
	EXPECT_EQ(1, run_capture(cmd, out, sizeof(out)));
}

static long module_refcnt(void)
{
	char buf[32] = "";
	FILE *f = fopen("/sys/module/csd/refcnt", "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return buf[0] ? strtol(buf, NULL, 10) : -1;
}

/* Wait until the module's reference count is @want (a csdctl started or ended). */
static bool wait_refcnt(long want, int ms)
{
	for (; ms > 0; ms -= 20) {
		if (module_refcnt() == want)
			return true;
		usleep(20000);
	}
	return module_refcnt() == want;
}

/*
 * The module's reference count once the previous test's references are
 * gone: a detached struct_ops map holds csd until the map is freed, some
 * time after its last fd closed (prog_and_exec runs just before). Unchanged
 * for 1 s, within 30 s at most.
 */
static long settled_refcnt(void)
{
	long prev = module_refcnt(), cur;
	int stable = 0, i;

	for (i = 0; i < 600 && stable < 20; i++) {
		usleep(50000);
		cur = module_refcnt();
		stable = cur == prev ? stable + 1 : 0;
		prev = cur;
	}
	return prev;
}

/* Count the lines of @path that contain every one of @needles (NULL-ended). */
static int count_lines(const char *path, const char *const *needles, char *last, size_t len)
{
	char line[1024];
	int n = 0, i;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		snprintf(last, len, "%s", line);
		for (i = 0; needles[i]; i++)
			if (!strstr(line, needles[i]))
				break;
		if (!needles[i])
			n++;
	}
	fclose(f);
	return n;
}

/* Acceptance: csdctl trace prints exactly the commands issued. */
TEST(trace_json_exact)
{
	char cmd[1024], disk[600], last[1024];
	const char *needles[] = { "\"op\":\"read\"", disk, "\"slba\":3,", "\"bytes\":4096,",
				  "\"status_name\":\"Success\"", NULL };
	const char *any[] = { "\"ts_ns\":", NULL };
	long base = settled_refcnt();

	ASSERT_GE(base, 0);
	snprintf(disk, sizeof(disk), "\"disk\":\"%s\"", csd_conv()->disk);
	snprintf(cmd, sizeof(cmd),
		 "csdctl trace %s --json --op read,write -n 10 > /tmp/trace.json 2> /tmp/trace.err &",
		 csd_conv()->disk);
	ASSERT_EQ(0, csd_run(cmd));
	/* /dev/csd and the trace fd: two references while it runs. */
	ASSERT_TRUE(wait_refcnt(base + 2, 5000));
	/* Filtered out: another disk. */
	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 5, 4096, 0));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 10, 4096, 3 * 4096));
	/* -n 10: it stops by itself. */
	ASSERT_TRUE(wait_refcnt(base, 10000));
	EXPECT_EQ(10, count_lines("/tmp/trace.json", needles, last, sizeof(last)));
	EXPECT_EQ(10, count_lines("/tmp/trace.json", any, last, sizeof(last)));
	EXPECT_NE(NULL, strstr(last, "\"summary\""));
	EXPECT_NE(NULL, strstr(last, "\"dropped\":0"));
	ASSERT_EQ(0, run_capture("cat /tmp/trace.err", cmd, sizeof(cmd)));
	EXPECT_NE(NULL, strstr(cmd, "trace: 10 printed"));
}

/*
 * csdctl trace and the debugfs trace file print the same line for the same
 * command (one formatter, include/csd/trace_line.h): both read the same two
 * reads, whose records are identical, and their lines must be too, byte for
 * byte; the debugfs header is csdctl's, marked as a comment.
 */
TEST(trace_line_is_the_debugfs_line)
{
	char out[4096], cmd[1024], dbg[8192], *c, *e;
	int fd, lines;
	long base;

	fd = open("/sys/kernel/debug/csd/trace", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	base = settled_refcnt();
	snprintf(cmd, sizeof(cmd), "csdctl trace %s --op read -n 2 > /tmp/trace2.txt 2>/dev/null &",
		 csd_conv()->disk);
	ASSERT_EQ(0, csd_run(cmd));
	/* csdctl's reader is open (its /dev/csd fd and its trace fd). */
	ASSERT_TRUE(wait_refcnt(base + 2, 5000));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 2, 4096, 12 * 4096));
	ASSERT_TRUE(wait_refcnt(base, 10000));
	lines = csd_debugfs_trace_reads(fd, dbg, sizeof(dbg), csd_conv()->disk, 2);
	close(fd);
	ASSERT_EQ(2, lines);
	ASSERT_EQ(0, run_capture("cat /tmp/trace2.txt", out, sizeof(out)));
	/* The headers: "# " and csdctl's. */
	ASSERT_EQ(0, strncmp(dbg, "# ", 2));
	e = strchr(out, '\n');
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0, strncmp(dbg + 2, out, e - out + 1));
	/* Each of csdctl's lines is one of the debugfs file's. */
	for (c = e + 1, lines = 0; *c; c = e + 1) {
		e = strchr(c, '\n');
		ASSERT_NE(NULL, e);
		*e = 0;
		if (strstr(c, " read ")) {
			TH_LOG("csdctl: %s", c);
			EXPECT_NE(NULL, strstr(dbg, c));
			lines++;
		}
	}
	EXPECT_EQ(2, lines);
}

TEST(trace_table_and_bad_options)
{
	char out[4096], cmd[1024];
	long base = settled_refcnt();

	snprintf(cmd, sizeof(cmd), "csdctl trace %s -n 2 > /tmp/trace.txt 2>&1 &", csd_conv()->disk);
	ASSERT_EQ(0, csd_run(cmd));
	ASSERT_TRUE(wait_refcnt(base + 2, 5000));
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 2, 4096, 0));
	ASSERT_TRUE(wait_refcnt(base, 10000));
	ASSERT_EQ(0, run_capture("cat /tmp/trace.txt", out, sizeof(out)));
	EXPECT_EQ(0, strncmp(out, "TIME(s)", 7));
	EXPECT_NE(NULL, strstr(out, " read "));
	EXPECT_NE(NULL, strstr(out, "Success"));
	EXPECT_NE(NULL, strstr(out, "trace: 2 printed, 2 matched, 0 dropped"));

	EXPECT_EQ(1, run_capture("csdctl trace --ring 1000 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "power of two"));
	EXPECT_EQ(2, run_capture("csdctl trace --zone 5-2 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "ends before it starts"));
	EXPECT_EQ(2, run_capture("csdctl trace --op bogus 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "unknown operation 'bogus'"));
	EXPECT_EQ(2, run_capture("csdctl trace --min-lat -3 2>&1", out, sizeof(out)));
	snprintf(cmd, sizeof(cmd), "csdctl hist %s --op read --zone 1-2 2>&1", csd_zns()->disk);
	EXPECT_EQ(2, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "not a range"));
	EXPECT_EQ(2, run_capture("csdctl inflight --min-lat 3 2>&1", out, sizeof(out)));
}

TEST(inflight_idle)
{
	char out[4096], cmd[1024];

	ASSERT_EQ(0, csd_direct_reads(csd_zns()->path, 1, 4096, 0));
	snprintf(cmd, sizeof(cmd), "csdctl inflight %s 2>&1", csd_zns()->disk);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out)));
	EXPECT_EQ(0, strncmp(out, "DISK", 4));
	EXPECT_EQ(NULL, strchr(out, '\n') ? strchr(strchr(out, '\n') + 1, '\n') : NULL);
	snprintf(cmd, sizeof(cmd), "csdctl --json inflight %s 2>&1", csd_zns()->disk);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"total\":0"));
	EXPECT_NE(NULL, strstr(out, "\"commands\":[]"));
	EXPECT_EQ(0, run_capture("csdctl inflight -i 0.1 -n 2 2>&1", out, sizeof(out)));
}

TEST_HARNESS_MAIN
