# SPDX-License-Identifier: GPL-2.0
#
# make bench's formatter: reads the "@bench ..." lines that bench.sh and
# the guest (guest.sh) wrote, and prints the table, the targets (PASS or
# MISS), the offload and the memory figures.
#
#   awk -f tools/bench/report.awk RESULTS
#
# Figures are medians over the measured rounds (after the warm-up) with
# [min..max] across those rounds. A ratio or a difference to (a) is taken
# within each round first (the configurations alternate within a round),
# then its median and range over the rounds.

function kv(line,    s, k, v) {
	delete F
	s = line
	sub(/^@bench [a-z]+ */, "", s)
	while (s != "") {
		if (!match(s, /^[A-Za-z_0-9]+=/)) {
			sub(/^[^ ]* */, "", s)	# a word without "=", e.g. "before:"
			continue
		}
		k = substr(s, 1, RLENGTH - 1)
		s = substr(s, RLENGTH + 1)
		if (substr(s, 1, 1) == "\"") {
			s = substr(s, 2)
			v = substr(s, 1, index(s, "\"") - 1)
			s = substr(s, index(s, "\"") + 1)
		} else if (match(s, / /)) {
			v = substr(s, 1, RSTART - 1)
			s = substr(s, RSTART)
		} else {
			v = s
			s = ""
		}
		F[k] = v
		sub(/^ +/, "", s)
	}
}

# Median, min and max of the n values in a[1..n] (sorted in place).
function stats(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
	if (n == 0) {
		MED = MIN = MAX = ""
		return 0
	}
	MIN = a[1]
	MAX = a[n]
	MED = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	return n
}

function fmt(v, f) { return v == "" ? "-" : sprintf(f, v) }
function cell(f, sgn,    s) {
	if (MED == "")
		return "-"
	s = sgn ? "%+" f : "%" f
	return sprintf(s " [" s ".." s "]", MED, MIN, MAX)
}

BEGIN {
	CFGS = "a b c cs d e f"
	ncfg = split(CFGS, CFG, " ")
	NAME["a"] = "(a)  no tracing"
	NAME["b"] = "(b)  csd, accounting"
	NAME["c"] = "(c)  csd + classify prog"
	NAME["cs"] = "(c') csd + slowlog prog"
	NAME["d"] = "(d)  bpftrace nvme tp"
	NAME["e"] = "(e)  bpftrace block tp"
	NAME["f"] = "(f)  biolatency -D"
	WLNAME["loop"] = "loop: CPU-bound NVMe path, nvme-loop -> null_blk (memory-less), fio randread 4 KiB, io_uring, QD 32, %d jobs, %s s"
	WLNAME["loopz"] = "loopz: the same through nvmet ZNS -> zoned null_blk (64 MiB zones, all full), %d jobs, %s s"
	WLNAME["zns"] = "zns: emulated ZNS drive, fio randread 4 KiB io_uring QD 8 + randwrite 16 KiB zonemode=zbd QD 1 (zones 0-31) + zone append 4 KiB QD 1 (zones 32-47), %s s"
	warm = 1
}

/^@bench host / {
	kv($0)
	for (k in F)
		HOST[k] = F[k]
}
/^@bench version / {
	kv($0)
	for (k in F)
		VER[k] = F[k]
	warm = VER["warmup"] + 0
}
/^@bench setup / {
	kv($0)
	for (k in F)
		SETUP[k] = F[k]
}
/^@bench note / {
	s = $0
	sub(/^@bench note /, "", s)
	NOTES[++nnotes] = s
}
/^@bench error / {
	s = $0
	sub(/^@bench error /, "", s)
	ERRS[++nerrs] = s
}
/^@bench run / {
	kv($0)
	r = F["round"] + 0
	if (r <= warm)
		next
	w = F["wl"]
	c = F["cfg"]
	if (!(w in SEENW)) {
		SEENW[w] = 1
		WL[++nwl] = w
	}
	if (!((w, r) in SEENR)) {
		SEENR[w, r] = 1
		RN[w] = RN[w] + 1
		ROUND[w, RN[w]] = r
	}
	HAVE[w, c] = 1
	IOPS[w, c, r] = F["iops"]
	CPU[w, c, r] = F["ios"] > 0 ? F["busy"] * 10000 / F["ios"] : ""
}
/^@bench offload / {
	kv($0)
	n = F["zones"]
	t = F["tool"]
	if (!(n in SEENZ)) {
		SEENZ[n] = 1
		ZN[++nz] = n
	}
	k = ++OREP[n, t]
	OTHR[n, t, k] = F["wall_ns"] > 0 ? F["scanned"] / F["wall_ns"] * 1000 : ""	# MB/s
	OCPU[n, t, k] = (F["user_ns"] + F["sys_ns"]) / 1e6				# ms
	OWALL[n, t, k] = F["wall_ns"] / 1e6
	ORET[n, t] = F["returned"]
	OSCAN[n, t] = F["scanned"]
}
/^@bench entropy / {
	kv($0)
	EMATCH[F["zones"]] = F["match"]
	EFIRST[F["zones"]] = F["first"]
}
/^@bench mem / {
	kv($0)
	if (F["zoned"] == "true") {
		MZ[++nmem] = F["zones"]
		MB[nmem] = F["mem_bytes"]
		MD[nmem] = F["disk"]
	} else {
		CONV[++nconv] = F["disk"] " " F["mem_bytes"]
	}
}
/^@bench memx before/ {
	kv($0)
	for (k in F)
		M0[k] = F[k]
}
/^@bench memx after/ {
	kv($0)
	for (k in F)
		M1[k] = F[k]
}
/^@bench done/ { done = 1 }
/^@bench host_end / {
	kv($0)
	HOST["secs"] = F["secs"]
}

END {
	printf "csd benchmark (make bench), %s\n", HOST["date"]
	printf "kernel %s | QEMU %s, %s, %s vCPUs, %d MiB | %s | bpftrace %s | libbpf-tools %s | nvme-cli %s | csd %s\n",
	       VER["kernel"], HOST["qemu"], HOST["accel"], VER["ncpu"], VER["mem_kb"] / 1024,
	       VER["fio"], VER["bpftrace"], HOST["libbpf_tools"], VER["nvme_cli"], VER["csd"] " (tree " HOST["tree"] ")"
	printf "host: %s CPUs, load average %s at the start; %s\n", HOST["host_cpus"], HOST["load"], HOST["cmd"]
	printf "rounds: %d, the first %d a warm-up; figures: median [min..max] of the rounds after it; the guest ran %s s\n",
	       VER["rounds"], warm, HOST["secs"] == "" ? "?" : HOST["secs"]
	if (!done)
		printf "WARNING: the guest did not finish: the figures are incomplete\n"
	for (i = 1; i <= nnotes; i++)
		printf "note: %s\n", NOTES[i]
	for (i = 1; i <= nerrs; i++)
		printf "error: %s\n", ERRS[i]

	for (wi = 1; wi <= nwl; wi++) {
		w = WL[wi]
		printf "\n"
		if (w == "zns")
			printf WLNAME[w] "\n", VER["t_zns"]
		else
			printf WLNAME[w] "\n", VER["ncpu"], (w == "loop" ? VER["t_loop"] : VER["t_loopz"])
		printf "  %-26s %-24s %-24s %-24s %s\n", "config", "kIOPS", "IOPS vs (a)", "CPU us/IO", "added CPU us/IO vs (a)"
		for (ci = 1; ci <= ncfg; ci++) {
			c = CFG[ci]
			if (!((w, c) in HAVE))
				continue
			n = 0; delete A
			for (j = 1; j <= RN[w]; j++) {
				r = ROUND[w, j]
				if ((w, c, r) in IOPS)
					A[++n] = IOPS[w, c, r] / 1000
			}
			stats(A, n); s1 = cell(".1f", 0)
			n = 0; delete A
			for (j = 1; j <= RN[w]; j++) {
				r = ROUND[w, j]
				if ((w, c, r) in IOPS && (w, "a", r) in IOPS)
					A[++n] = IOPS[w, c, r] / IOPS[w, "a", r]
			}
			stats(A, n); s2 = c == "a" ? "1" : cell(".3f", 0)
			RATIO[w, c] = MED
			n = 0; delete A
			for (j = 1; j <= RN[w]; j++) {
				r = ROUND[w, j]
				if ((w, c, r) in CPU)
					A[++n] = CPU[w, c, r]
			}
			stats(A, n); s3 = cell(".1f", 0)
			n = 0; delete A
			for (j = 1; j <= RN[w]; j++) {
				r = ROUND[w, j]
				if ((w, c, r) in CPU && (w, "a", r) in CPU)
					A[++n] = CPU[w, c, r] - CPU[w, "a", r]
			}
			stats(A, n); s4 = c == "a" ? "-" : cell(".2f", 1)
			ADDED[w, c] = MED
			ADDMIN[w, c] = MIN
			ADDMAX[w, c] = MAX
			printf "  %-26s %-24s %-24s %-24s %s\n", NAME[c], s1, s2, s3, s4
		}
		# Added CPU per request, csd against the peers.
		line = ""
		for (ci = 1; ci <= ncfg; ci++) {
			p = CFG[ci]
			if (p != "d" && p != "e" && p != "f")
				continue
			if (!((w, p) in ADDED) || !((w, "b") in ADDED) || ADDED[w, p] <= 0)
				continue
			line = line sprintf("  csd/%s %.2f", p == "d" ? "(d)" : p == "e" ? "(e)" : "(f)",
					    ADDED[w, "b"] / ADDED[w, p])
			if ((w, "c") in ADDED)
				line = line sprintf(" (c: %.2f)", ADDED[w, "c"] / ADDED[w, p])
		}
		if (line != "")
			printf "  added CPU per I/O, ratio of medians:%s\n", line
	}

	if (nz) {
		printf "\noffload: Shannon entropy of 1, 4 and 16 zones of the ZNS drive (%s MiB zones, half-compressible data)\n", SETUP["zone_mib"]
		printf "  user:   tools/bench/entropy, one process: O_DIRECT preads of 128 KiB, histogram in userspace\n"
		printf "  csdctl: csdctl exec --prog entropy --zone F-L, one process: BPF in the kernel, a 1 KiB histogram per zone back\n"
		printf "  ioctl:  tools/bench/entropy --csd, one process: CSD_IOC_EXEC per zone (the same, without csdctl's start-up)\n"
		printf "  wall-clock throughput and CPU time (user + system) of the process(es)\n"
		printf "  %-5s %-20s %-20s %-20s %-13s %-18s %-18s %-18s %-9s %s\n", "zones", "user MB/s", "csdctl MB/s",
		       "ioctl MB/s", "vs user", "user CPU ms", "csdctl CPU ms", "ioctl CPU ms", "returned", "same"
		split("user csdctl ioctl", OT, " ")
		for (i = 1; i <= nz; i++) {
			n = ZN[i]
			for (ti = 1; ti <= 3; ti++) {
				t = OT[ti]
				m = 0; delete A
				for (k = 1; k <= OREP[n, t]; k++)
					A[++m] = OTHR[n, t, k]
				stats(A, m); OTM[n, t] = MED; ST[t] = cell(".1f", 0)
				m = 0; delete A
				for (k = 1; k <= OREP[n, t]; k++)
					A[++m] = OCPU[n, t, k]
				stats(A, m); SC[t] = cell(".0f", 0)
			}
			OR[n] = OTM[n, "user"] > 0 ? OTM[n, "csdctl"] / OTM[n, "user"] : ""
			ORI[n] = OTM[n, "user"] > 0 ? OTM[n, "ioctl"] / OTM[n, "user"] : ""
			OFRAC[n] = OSCAN[n, "csdctl"] > 0 ? ORET[n, "csdctl"] / OSCAN[n, "csdctl"] : ""
			printf "  %-5s %-20s %-20s %-20s %-13s %-18s %-18s %-18s %-9s %s\n", n, ST["user"], ST["csdctl"],
			       ST["ioctl"], sprintf("%.2f, %.2f", OR[n], ORI[n]), SC["user"], SC["csdctl"], SC["ioctl"],
			       sprintf("%.4f%%", 100 * OFRAC[n]), (EMATCH[n] == 1 ? "yes" : "NO")
		}
		printf "  (vs user: csdctl's and ioctl's throughput over user's; returned: bytes csd returned over bytes scanned;\n"
		printf "   user returns all %d bytes of a zone to userspace; same: the three print the same entropy for every zone,\n",
		       OSCAN[ZN[1], "user"] / ZN[1]
		printf "   e.g. %s)\n", EFIRST[ZN[1]]
	}

	if (nmem) {
		printf "\nmemory: csd's mem_bytes per namespace (CSD_IOC_LIST_NS), by zone count\n"
		printf "  %-12s %-8s %-12s %s\n", "disk", "zones", "mem_bytes", "per zone"
		for (i = 1; i <= nmem; i++) {
			printf "  %-12s %-8d %-12d %.0f B\n", MD[i], MZ[i], MB[i], MB[i] / MZ[i]
			PERZ[MZ[i]] = MB[i] / MZ[i]
			MEMZ[MZ[i]] = MB[i]
		}
		if ((16 in MEMZ) && (4096 in MEMZ))
			printf "  marginal cost of a zone, 16 -> 4096 zones: %.0f B\n",
			       (MEMZ[4096] - MEMZ[16]) / (4096 - 16)
		for (i = 1; i <= nconv; i++) {
			split(CONV[i], cv, " ")
			printf "  %-12s conventional: %d B\n", cv[1], cv[2]
		}
		printf "  csd in all (GET_INFO mem_bytes): %d B; module text and data: %d B\n", M1["info_mem"], M1["module"]
		printf "  cross-check, unloaded -> loaded (kB): MemFree %+d, Slab %+d, VmallocUsed %+d, Percpu %+d; /proc/vmallocinfo [csd]: %d B\n",
		       M1["MemFree"] - M0["MemFree"], M1["Slab"] - M0["Slab"], M1["VmallocUsed"] - M0["VmallocUsed"],
		       M1["Percpu"] - M0["Percpu"], M1["vmallocinfo_csd"]
	}

	printf "\ntargets\n"
	if (("loop", "b") in RATIO && RATIO["loop", "b"] != "")
		printf "  %s (b) IOPS >= 0.97 x (a) on the CPU-bound path: %.3f\n",
		       (RATIO["loop", "b"] >= 0.97 ? "PASS" : "MISS"), RATIO["loop", "b"]
	else
		printf "  MISS (b) IOPS >= 0.97 x (a): not measured\n"
	split("d e", PE, " ")
	for (i = 1; i <= 2; i++) {
		p = PE[i]
		if (("loop", p) in ADDED && ("loop", "b") in ADDED && ADDED["loop", p] > 0)
			printf "  %s csd added CPU/request <= 0.25 x bpftrace (%s): %.2f us vs %.2f us = %.2f\n",
			       (ADDED["loop", "b"] <= 0.25 * ADDED["loop", p] ? "PASS" : "MISS"), p,
			       ADDED["loop", "b"], ADDED["loop", p], ADDED["loop", "b"] / ADDED["loop", p]
		else
			printf "  MISS csd added CPU/request <= 0.25 x bpftrace (%s): not measured (or the peer added nothing)\n", p
	}
	if (("loop", "c") in ADDED && ("loop", "b") in ADDED)
		printf "  %s (c) added CPU/request <= 1.5 x (b)'s: %.2f us vs 1.5 x %.2f us%s\n",
		       (ADDED["loop", "c"] <= 1.5 * ADDED["loop", "b"] ? "PASS" : "MISS"),
		       ADDED["loop", "c"], ADDED["loop", "b"],
		       (ADDED["loop", "b"] < 0.5 ? " (csd's own cost is within the noise: see the ranges)" : "")
	else
		printf "  MISS (c) <= 1.5 x (b): not measured\n"
	if (nz) {
		ok = 1
		line = ""
		for (i = 1; i <= nz; i++) {
			n = ZN[i]
			if (OR[n] == "" || OR[n] < 1.0 || OFRAC[n] > 0.001 || EMATCH[n] != 1)
				ok = 0
			line = line sprintf("%s%s zone%s %.2fx (ioctl %.2fx), %.4f%%", i > 1 ? "; " : "", n,
					    n > 1 ? "s" : "", OR[n], ORI[n], 100 * OFRAC[n])
		}
		printf "  %s offload entropy (csdctl exec) throughput >= 1.0 x userspace, <= 0.1%% of the bytes returned: %s\n",
		       (ok ? "PASS" : "MISS"), line
	} else
		printf "  MISS offload entropy: not measured\n"
	if (4096 in PERZ)
		printf "  %s <= 1 KiB of csd state per zone at 4096 zones: %.0f B per zone\n",
		       (PERZ[4096] <= 1024 ? "PASS" : "MISS"), PERZ[4096]
	else
		printf "  MISS <= 1 KiB per zone at 4096 zones: not measured\n"
}
