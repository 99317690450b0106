# SPDX-License-Identifier: GPL-2.0
#
# make bench's formatter: reads the "@bench ..." lines that bench.sh and
# the guest (guest.sh) wrote, and prints the table, the targets (PASS or
# MISS), the offload and the memory figures.
#
#   awk -f tools/bench/report.awk RESULTS
#
# The cost per request (the "slice" lines of the cost guest): each slice
# of a configuration against the (a) slices on either side, 10%-trimmed
# means with 95% intervals. The whole runs of the wall-clock guest:
# medians over the measured rounds (after the warm-up) with [min..max]
# across those rounds; a ratio or a difference to (a) is taken within
# each round first, then its median and range over the rounds.

function kv(line,    s, k, v) {
	delete F
	s = line
	sub(/^@bench [a-z_]+ */, "", s)
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
		# A number is kept as one: substr() gives text, and mawk compares
		# text with a number as text ("950" >= 1700 is true).
		if (v ~ /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/ && !(k in TEXTKEY))
			v = v + 0
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

# Student's t, 0.975 quantile, for df degrees of freedom: the table below
# df 4 (linear between its entries, for Welch's fractional df), then a
# Cornish-Fisher expansion (within 0.3% of the table from df 4).
function t975(df,    z, t) {
	z = 1.959964
	if (df < 1)
		return 12.706
	if (df < 2)
		return 12.706 + (4.303 - 12.706) * (df - 1)
	if (df < 3)
		return 4.303 + (3.182 - 4.303) * (df - 2)
	if (df < 4)
		return 3.182 + (2.776 - 3.182) * (df - 3)
	t = z + (z ^ 3 + z) / (4 * df) + (5 * z ^ 5 + 16 * z ^ 3 + 3 * z) / (96 * df ^ 2)
	return t + (3 * z ^ 7 + 19 * z ^ 5 + 17 * z ^ 3 - 15 * z) / (384 * df ^ 3)
}

# The 10%-trimmed mean of the n values in a[1..n] (sorted in place), its
# standard error from the winsorized variance and its 95% half-width with
# n - 2g - 1 degrees of freedom (Yuen): a host hiccup in a few slices
# moves neither. Under 10 values nothing is trimmed (the plain mean).
function mstat(a, n,    i, g, h, m, w, ss, lo, hi) {
	MN = SE = HW = DF = ""
	if (n < 1)
		return 0
	stats(a, n)
	g = int(0.1 * n)
	h = n - 2 * g
	for (i = g + 1; i <= n - g; i++)
		m += a[i]
	m /= h
	MN = m
	if (h < 2)
		return n
	lo = a[g + 1]
	hi = a[n - g]
	for (i = 1; i <= n; i++)
		w += a[i] < lo ? lo : a[i] > hi ? hi : a[i]
	w /= n
	for (i = 1; i <= n; i++)
		ss += ((a[i] < lo ? lo : a[i] > hi ? hi : a[i]) - w) ^ 2
	SE = sqrt(ss / (n - 1)) * sqrt(n) / h
	DF = h - 1
	HW = t975(DF) * SE
	return n
}

# Welch-Satterthwaite degrees of freedom of a x + b y, from the two
# estimates' standard errors and degrees of freedom.
function wdf(a, sx, dx, b, sy, dy,    vx, vy) {
	vx = dx > 0 ? (a * sx) ^ 2 : 0
	vy = dy > 0 ? (b * sy) ^ 2 : 0
	if (vx + vy == 0)
		return 1
	return (vx + vy) ^ 2 / ((dx > 0 ? vx ^ 2 / dx : 0) + (dy > 0 ? vy ^ 2 / dy : 0))
}

# The ratio of two configurations' added costs, with its 95% interval by
# the delta method (normal), or why there is none.
function ratio_s(x, y,    r, se) {
	if (DC[y] == 0)
		return "-"
	r = DC[x] / DC[y]
	se = sqrt(DSE[x] ^ 2 + r ^ 2 * DSE[y] ^ 2) / (DC[y] < 0 ? -DC[y] : DC[y])
	if (DC[y] - DH[y] <= 0)
		return sprintf("%.3f (no interval: the denominator's interval includes 0)", r)
	return sprintf("%.3f +- %.3f", r, t975(wdf(1, DSE[x], DDF[x], r, DSE[y], DDF[y])) * se)
}

# Whether kx x x's added cost <= ky x y's, with the whole 95% interval of
# the difference kx x - ky y at or below 0; TXT says it in figures.
function below(x, kx, y, ky,    d, h) {
	d = kx * DC[x] - ky * DC[y]
	h = t975(wdf(kx, DSE[x], DDF[x], ky, DSE[y], DDF[y])) * sqrt((kx * DSE[x]) ^ 2 + (ky * DSE[y]) ^ 2)
	TXT = sprintf("%+.3f +- %.3f us vs %s x %+.3f +- %.3f us; difference %+.3f +- %.3f us; ratio %s",
		      DC[x], DH[x], ky, DC[y], DH[y], d, h, ratio_s(x, y))
	return d + h <= 0
}

# "m +- h" or "m" (one value) or "-".
function pm(m, h, f,    g) {
	if (m == "")
		return "-"
	if (h == "")
		return sprintf(f, m)
	g = f
	sub(/^%\+/, "%", g)
	return sprintf(f " +- " g, m, h)
}
# The geometric mean GM of the n ratios in a[1..n] (n > 0 each), with its
# 95% interval [GLO..GHI]: mstat of their logarithms, back through exp,
# so that x/y and y/x give reciprocal figures. GLO and GHI are "" with
# fewer than two ratios.
function gstat(a, n,    i, l) {
	GM = GLO = GHI = ""
	for (i = 1; i <= n; i++)
		l[i] = log(a[i])
	if (!mstat(l, n))
		return 0
	GM = exp(MN)
	if (HW != "") {
		GLO = exp(MN - HW)
		GHI = exp(MN + HW)
	}
	return n
}
# "m [lo..hi]", "m" (no interval) or "-".
function gcell(m, lo, hi) {
	if (m == "")
		return "-"
	return lo == "" ? sprintf("%.3f", m) : sprintf("%.3f [%.3f..%.3f]", m, lo, hi)
}
function cell(f, sgn,    s) {
	if (MED == "")
		return "-"
	s = sgn ? "%+" f : "%" f
	return sprintf(s " [" s ".." s "]", MED, MIN, MAX)
}

# "1 zone", "16 zones", "16 zones x 2 threads" (16x2).
function zlabel(n) {
	if (n ~ /x/)
		return substr(n, 1, index(n, "x") - 1) " zones x " substr(n, index(n, "x") + 1) " threads"
	return n " zone" (n > 1 ? "s" : "")
}

BEGIN {
	# Fields that stay text even when they look like numbers: versions
	# ("2.10" is not "2.1"), names, hashes, the host's load as printed.
	split("kernel fio bpftrace nvme_cli csd qemu libbpf_tools tree date load cmd name disk " \
	      "accel qemu_args parts sym cfg first tool ko wl probe fn calls", TK, " ")
	for (i in TK)
		TEXTKEY[TK[i]] = 1
	# A slice whose vCPUs were busy less than this share of it is set
	# aside, with the pairs it is in (see the method).
	BUSYMIN = 0.85
	CFGS = "a b bm b0 bd c cs t d e f"
	ncfg = split(CFGS, CFG, " ")
	NAME["a"] = "(a)  no tracing"
	NAME["b"] = "(b)  csd, accounting"
	NAME["bm"] = "(bm) csd, loaded per slice"
	NAME["b0"] = "(b0) earlier csd.ko"
	NAME["bd"] = "(bd) csd, accounting off"
	NAME["c"] = "(c)  csd + classify prog"
	NAME["cs"] = "(c') csd + slowlog prog"
	NAME["t"] = "(t)  csd + trace reader"
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
/^@bench insns / {
	kv($0)
	INCALLS = split(F["calls"], icalls, " ")
}
/^@bench insns_common / {
	kv($0)
	INS[F["ko"], F["probe"]] = F["n"]
}
/^@bench insns_fn / {
	kv($0)
	k = F["ko"] SUBSEP F["probe"]
	INFN[k, ++NINFN[k]] = F["fn"] " " F["n"]
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
/^@bench slice / {
	kv($0)
	c = F["cfg"]
	ns = ++NSL
	SLC[ns] = c
	SLCYC[ns] = F["cyc"]
	SLV[ns] = F["ios"] > 0 ? F["busy"] * 10000 / F["ios"] : ""	# CPU us per I/O
	SLI[ns] = F["total"] > 0 ? F["ios"] / (F["total"] / VER["ncpu"] / 100) : ""	# IOPS
	# Both vCPUs busy, as the unit (1 us = 1000 / ncpu instructions) needs.
	SLOK[ns] = F["total"] > 0 && F["busy"] >= BUSYMIN * F["total"]
	if (c != "a" && !(c in SLSEEN)) {
		SLSEEN[c] = 1
		SLCFG[++nslcfg] = c
	}
}
/^@bench prof / {
	kv($0)
	if (F["sym"] != "") {
		k = ++NPROF[F["cfg"]]
		PSYM[F["cfg"], k] = F["sym"]
		PPCT[F["cfg"], k] = F["pct"]
	} else {
		PRUN[F["cfg"]] = F["ios"] > 0 ? F["busy"] * 10000 / F["ios"] : ""
	}
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
	OPROG[n, t, k] = F["prog_ms"]
	OIN[n, t, k] = F["inproc_ms"]
	# The line of repetition rep, for the pairs (a tool's lines come in
	# the order of the repetitions; this does not rely on it).
	if (F["rep"] != "")
		OLINE[n, t, F["rep"] + 0] = k
	ORET[n, t] = F["returned"]
	OSCAN[n, t] = F["scanned"]
}
/^@bench offload_ab / {
	kv($0)
	if (F["inproc_ms"] == "")
		next
	v = F["ko"]
	k = ++NAB[v]
	ABIN[v, k] = F["inproc_ms"]
	ABPR[v, k] = F["prog_ms"]
	ABR[v, k] = F["prog_ms"] > 0 ? F["inproc_ms"] / F["prog_ms"] : ""
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
		MR[nmem] = F["regions"]
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
/^@bench boot / {
	kv($0)
	BOOTN[++nboot] = F["name"]
	BOOTA[nboot] = F["accel"] (F["qemu_args"] != "" ? " " F["qemu_args"] : "")
	BOOTP[nboot] = F["parts"]
}
/^@bench boot_end / {
	kv($0)
	BOOTS[nboot] = F["secs"]
	if (F["rc"] != 0)
		BOOTF[nboot] = F["rc"]
}
/^@bench done/ { ndone++ }
/^@bench host_end / {
	kv($0)
	HOST["secs"] = F["secs"]
}

# Instructions per I/O of csd.ko run @ko (insns part): submission plus
# completion, or 0 if either count is missing.
function insns_io(ko) {
	if (!((ko, "csd_probe_setup") in INS) || !((ko, "csd_probe_complete") in INS))
		return 0
	return INS[ko, "csd_probe_setup"] + INS[ko, "csd_probe_complete"]
}

END {
	printf "csd benchmark (make bench), %s\n", HOST["date"]
	printf "kernel %s | QEMU %s, %s vCPUs, %d MiB | %s | bpftrace %s | libbpf-tools %s | nvme-cli %s | csd %s\n",
	       VER["kernel"], HOST["qemu"], VER["ncpu"], VER["mem_kb"] / 1024,
	       VER["fio"], VER["bpftrace"], HOST["libbpf_tools"], VER["nvme_cli"], VER["csd"] " (tree " HOST["tree"] ")"
	printf "host: %s CPUs, load average %s at the start; %s\n", HOST["host_cpus"], HOST["load"], HOST["cmd"]
	for (i = 1; i <= nboot; i++)
		printf "guest %d (%s): %s; %s; %s s%s\n", i, BOOTN[i], BOOTA[i], BOOTP[i],
		       BOOTS[i] == "" ? "?" : BOOTS[i],
		       (i in BOOTF) ? ", FAILED (exit " BOOTF[i] ")" : ""
	if (ndone < nboot || !nboot)
		printf "WARNING: a guest did not finish: the figures are incomplete\n"
	for (i = 1; i <= nnotes; i++)
		printf "note: %s\n", NOTES[i]
	for (i = 1; i <= nerrs; i++)
		printf "error: %s\n", ERRS[i]

	if (NSL) {
		printf "\nper-request cost, paired slices: one fio run of the loop workload (CPU-bound NVMe path: nvme-loop ->\n"
		printf "null_blk, randread 4 KiB, io_uring, QD 32, %d jobs); the configurations take turns with (a) while it runs,\n", VER["ncpu"]
		printf "%s s slices after %s s in the configuration; each slice against the mean of the (a) slices on either side;\n",
		       VER["slice"], VER["settle"]
		printf "10%%-trimmed mean +- 95%% interval (winsorized variance, Student's t; n under 10: the plain mean) over the n pairs\n"
		printf "of each configuration, the peers (d, e, f) in the first %s cycles; the guest's clock counts instructions: with %s vCPUs taking turns,\n", VER["peer_cycles"], VER["ncpu"]
		printf "1 us of CPU per I/O is %.0f instructions\n", 1000 / VER["ncpu"]
		n = 0; delete A; delete B
		nset = 0
		delete SETC
		for (j = 1; j <= NSL; j++)
			if (SLV[j] != "" && !SLOK[j]) {
				nset++
				SETC[SLC[j]]++
			}
		if (nset) {
			line = ""
			for (c in SETC)
				line = line sprintf("%s %s: %d", line == "" ? "" : ",", c, SETC[c])
			printf "%d of %d slices had their vCPUs busy less than %.0f%% of the time (the workload stalled): set aside,\nwith the pairs they are in (slices by configuration:%s)\n",
			       nset, NSL, 100 * BUSYMIN, line
		}
		for (j = 1; j <= NSL; j++)
			if (SLC[j] == "a" && SLV[j] != "" && SLOK[j]) {
				A[++n] = SLV[j]
				B[n] = SLI[j] / 1000
			}
		mstat(A, n); ACPU = MN; s1 = pm(MN, HW, "%.2f")
		mstat(B, n); s2 = pm(MN, HW, "%.2f")
		printf "  %-26s %-5s %-18s %-20s %-22s %s\n", "config", "n", "kIOPS", "IOPS vs (a)", "CPU us/IO", "added CPU us/IO vs (a)"
		printf "  %-26s %-5d %-18s %-20s %-22s %s\n", NAME["a"], n, s2, "1", s1, "-"
		for (ci = 1; ci <= ncfg; ci++) {
			c = CFG[ci]
			if (!(c in SLSEEN))
				continue
			n = 0; nk = 0; delete A; delete B; delete D; delete R; delete K
			for (j = 1; j <= NSL; j++) {
				if (SLC[j] != c || SLV[j] == "")
					continue
				# The (a) slices next to it (after a failed entry, only
				# one); a pair with a slice set aside is set aside.
				pa = ""; na = ""
				if (j > 1 && SLC[j - 1] == "a" && SLV[j - 1] != "")
					pa = j - 1
				if (j < NSL && SLC[j + 1] == "a" && SLV[j + 1] != "")
					na = j + 1
				if (pa == "" && na == "")
					continue
				if (pa != "" && na != "") {
					av = (SLV[pa] + SLV[na]) / 2
					ai = (SLI[pa] + SLI[na]) / 2
				} else {
					k = pa != "" ? pa : na
					av = SLV[k]
					ai = SLI[k]
				}
				K[++nk] = SLV[j] - av	# every pair, for the figure without the rule
				if (!SLOK[j] || (pa != "" && !SLOK[pa]) || (na != "" && !SLOK[na]))
					continue
				n++
				A[n] = SLV[j]
				B[n] = SLI[j] / 1000
				D[n] = SLV[j] - av
				R[n] = SLI[j] / ai
			}
			mstat(A, n); s1 = pm(MN, HW, "%.2f")
			mstat(B, n); s2 = pm(MN, HW, "%.2f")
			mstat(R, n); s3 = pm(MN, HW, "%.4f"); IR[c] = MN; IRH[c] = HW
			mstat(D, n); s4 = pm(MN, HW, "%+.3f"); DC[c] = MN; DSE[c] = SE; DH[c] = HW; DN[c] = n; DDF[c] = DF
			printf "  %-26s %-5d %-18s %-20s %-22s %s\n", NAME[c], n, s2, s3, s1, s4
			if (nk > n) {
				mstat(K, nk)
				KEPT[c] = sprintf("%s %+.3f +- %.3f (n %d)", c, MN, HW, nk)
			}
		}
		line = ""
		for (ci = 1; ci <= ncfg; ci++)
			if (CFG[ci] in KEPT)
				line = line (line == "" ? "" : "; ") KEPT[CFG[ci]]
		if (line != "")
			printf "  with the pairs set aside kept, added CPU us/IO: %s\n", line
		# Ratios of added costs: the delta method on the two means.
		line = ""
		split("d e f", PE, " ")
		for (i = 1; i <= 3; i++) {
			p = PE[i]
			if (!(p in DC) || !("b" in DC) || DSE[p] == "" || DSE["b"] == "")
				continue
			printf "  csd (b) / %-18s %s\n", NAME[p] ":", ratio_s("b", p)
		}
		if (("c" in DC) && ("b" in DC) && DSE["c"] != "" && DSE["b"] != "")
			printf "  %-28s %s\n", "(c) / (b):", ratio_s("c", "b")
		if (("cs" in DC) && ("b" in DC) && DSE["cs"] != "" && DSE["b"] != "")
			printf "  %-28s %s\n", "(c') / (b):", ratio_s("cs", "b")
		if (("t" in DC) && ("b" in DC) && DSE["t"] != "" && DSE["b"] != "")
			printf "  %-28s %s\n", "(t) / (b):", ratio_s("t", "b")
		# Before and after a change: the difference of the two means; with
		# (bm), this csd.ko switched the same way (loaded per slice) as (b0).
		ref = ("bm" in DC) && DSE["bm"] != "" ? "bm" : "b"
		if (("b0" in DC) && (ref in DC) && DSE["b0"] != "" && DSE[ref] != "") {
			dd = DC[ref] - DC["b0"]
			hh = t975(wdf(1, DSE[ref], DDF[ref], 1, DSE["b0"], DDF["b0"])) * sqrt(DSE[ref] ^ 2 + DSE["b0"] ^ 2)
			printf "  %-28s %+.3f +- %.3f us per I/O\n", "(" ref ") - (b0), this csd.ko less the earlier one:", dd, hh
		}
	}

	for (c in PRUN) {
		if (!(c in NPROF))
			continue
		printf "\nprofile (%s): perf record -a -e cpu-clock during a loop run; csd's and the tracers' functions,\n", NAME[c]
		printf "their share of all samples and that share of the run's CPU per I/O (%.2f us)\n", PRUN[c]
		for (k = 1; k <= NPROF[c]; k++)
			printf "  %-40s %6.2f%%  %.3f us per I/O\n", PSYM[c, k], PPCT[c, k], PPCT[c, k] / 100 * PRUN[c]
	}

	if (insns_io("this")) {
		printf "\ninstructions per call of csd's probes, exact: single-stepped by gdb (csd-insns) in the test guest, reads of its\n"
		printf "conventional namespace, the fewest of %d calls (the common path); in the cost guest an instruction is 1 ns of guest time\n", INCALLS
		printf "  %-36s %-14s %-14s %s\n", "csd.ko", "submission", "completion", "per I/O"
		for (ki = 1; ki <= 4; ki++) {
			ko = ki == 1 ? "this" : ki == 2 ? "this-c" : ki == 3 ? "old" : "old-c"
			if (!insns_io(ko))
				continue
			printf "  %-36s %-14d %-14d %d\n", (ko ~ /^this/ ? "this one" : "the earlier one (--old-ko)") \
			       (ko ~ /-c$/ ? ", (c)" : ", (b)"),
			       INS[ko, "csd_probe_setup"], INS[ko, "csd_probe_complete"], insns_io(ko)
		}
		for (ki = 1; ki <= 2; ki++) {
			sfx = ki == 1 ? "" : "-c"
			o = insns_io("old" sfx)
			n = insns_io("this" sfx)
			if (!o || !n)
				continue
			printf "  %s: this one less the earlier one: %+d instructions per I/O (%+.1f%%)\n",
			       ki == 1 ? "(b)" : "(c)", n - o, 100 * (n - o) / o
		}
		for (ki = 1; ki <= 2; ki++) {
			ko = ki == 1 ? "this" : "old"
			b = insns_io(ko)
			c = insns_io(ko "-c")
			if (!b || !c)
				continue
			printf "  (c)/(b), %s, exact: %.3f  [%s]  (target: <= 1.5)\n",
			       ko == "this" ? "this one" : "the earlier one", c / b, c / b <= 1.5 ? "PASS" : "MISS"
		}
		for (pi = 1; pi <= 3; pi++) {
			p = pi == 1 ? "csd_probe_setup" : "csd_probe_complete"
			ko = pi == 3 ? "this-c" : "this"
			k = ko SUBSEP p
			if (!(k in NINFN))
				continue
			line = "  " p " (this one" (pi == 3 ? ", (c)" : "") "), by function:"
			for (j = 1; j <= NINFN[k]; j++) {
				split(INFN[k, j], fw, " ")
				w = " " fw[1] " " fw[2] (j < NINFN[k] ? "," : "")
				if (length(line w) > 110) {
					print line
					line = "   "
				}
				line = line w
			}
			print line
		}
	}

	if (nwl)
		printf "\nwhole runs in the wall-clock guest: %d rounds, the first %d a warm-up; median [min..max] of the rounds after it\n",
		       VER["rounds"], warm
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
		printf "  user:   tools/bench/entropy, one process: O_DIRECT preads of 512 KiB, histogram in userspace\n"
		printf "  csdctl: csdctl exec --prog entropy --zone F-L, one process: BPF in the kernel, a 1 KiB histogram per zone back\n"
		printf "  ioctl:  tools/bench/entropy --csd, one process: CSD_IOC_EXEC per zone (the same, without csdctl's start-up)\n"
		printf "  wall-clock throughput and CPU time (user + system) of the process(es); 16x2: 16 zones by two threads\n"
		printf "  each way (entropy --jobs 2, csdctl exec --jobs 2), reads alone with two threads too\n"
		printf "  %-5s %-20s %-20s %-20s %-13s %-18s %-18s %-18s %-9s %s\n", "zones", "user MB/s", "csdctl MB/s",
		       "ioctl MB/s", "vs user", "user CPU ms", "csdctl CPU ms", "ioctl CPU ms", "returned", "same"
		split("user csdctl ioctl read", OT, " ")
		for (i = 1; i <= nz; i++) {
			n = ZN[i]
			for (ti = 1; ti <= 4; ti++) {
				t = OT[ti]
				m = 0; delete A
				for (k = 1; k <= OREP[n, t]; k++)
					A[++m] = OTHR[n, t, k]
				stats(A, m); OTM[n, t] = MED; ST[t] = cell(".1f", 0)
				m = 0; delete A
				for (k = 1; k <= OREP[n, t]; k++)
					A[++m] = OCPU[n, t, k]
				stats(A, m); SC[t] = cell(".0f", 0)
				m = 0; delete A
				for (k = 1; k <= OREP[n, t]; k++)
					A[++m] = OWALL[n, t, k]
				stats(A, m); OWM[n, t] = MED
				m = 0; delete A
				for (k = 1; k <= OREP[n, t]; k++)
					if (OIN[n, t, k] != "")
						A[++m] = OIN[n, t, k]
				OIM[n, t] = ""
				if (m) {
					stats(A, m); OIM[n, t] = MED
				}
			}
			m = 0; delete A
			for (k = 1; k <= OREP[n, "ioctl"]; k++)
				A[++m] = OPROG[n, "ioctl", k]
			stats(A, m); OPM[n] = MED
			OR[n] = OTM[n, "user"] > 0 ? OTM[n, "csdctl"] / OTM[n, "user"] : ""
			ORI[n] = OTM[n, "user"] > 0 ? OTM[n, "ioctl"] / OTM[n, "user"] : ""
			OFRAC[n] = OSCAN[n, "csdctl"] > 0 ? ORET[n, "csdctl"] / OSCAN[n, "csdctl"] : ""
			printf "  %-5s %-20s %-20s %-20s %-13s %-18s %-18s %-18s %-9s %s\n", n, ST["user"], ST["csdctl"],
			       ST["ioctl"], sprintf("%.2f, %.2f", OR[n], ORI[n]), SC["user"], SC["csdctl"], SC["ioctl"],
			       sprintf("%.4f%%", 100 * OFRAC[n]), (EMATCH[n] == 1 ? "yes" : "NO")
		}
		printf "  overlap: the ranges' time inside the process (no start-up) of ioctl against the bound\n"
		printf "  max(reads alone, the program's own time), medians; whole processes (wall) for information\n"
		for (i = 1; i <= nz; i++) {
			n = ZN[i]
			# Numbers, not strings: "19.4" > "9.3" is false as text. With J
			# threads (16xJ), the program's time is spread over J CPUs.
			pj = OPM[n] / (n ~ /x/ ? substr(n, index(n, "x") + 1) : 1)
			b = OIM[n, "read"] + 0 > pj ? OIM[n, "read"] + 0 : pj
			OVI[n] = b > 0 && OIM[n, "ioctl"] != "" ? OIM[n, "ioctl"] / b : ""
			if (OVI[n] == "")
				printf "  %-5s no in-process times (a run before they were recorded); wall: reads %.1f, ioctl %.1f, csdctl %.1f ms\n",
				       n, OWM[n, "read"], OWM[n, "ioctl"], OWM[n, "csdctl"]
			else
				printf "  %-5s reads alone %.1f ms, program %.1f ms%s; ioctl %.1f ms = %.2f x the bound (wall: reads %.1f, ioctl %.1f, csdctl %.1f ms)\n",
				       n, OIM[n, "read"], OPM[n], n ~ /x/ ? sprintf(" (%.1f a thread)", pj) : "",
				       OIM[n, "ioctl"], OVI[n], OWM[n, "read"], OWM[n, "ioctl"], OWM[n, "csdctl"]
		}
		# The targets' figures: each repetition's ratios, its tools having
		# run one after the other (the host's speed drifts between
		# repetitions, by up to 2x here: a ratio of medians taken apart
		# carries that drift, a repetition's own ratio does not); their
		# geometric mean with its 95% interval (gstat).
		printf "  paired: each repetition's own ratios (its tools ran back to back); their geometric mean [95%% interval]\n"
		printf "  over the repetitions (10%%-trimmed mean of the logarithms, Yuen; under 10 repetitions the plain mean)\n"
		for (i = 1; i <= nz; i++) {
			n = ZN[i]
			nt = n ~ /x/ ? substr(n, index(n, "x") + 1) : 1	# threads
			split("", RV); split("", RVI); split("", RO)
			mv = mvi = mo = 0
			for (r = 1; r <= OREP[n, "user"]; r++) {
				ku = OLINE[n, "user", r]; kc = OLINE[n, "csdctl", r]
				ki = OLINE[n, "ioctl", r]; kr = OLINE[n, "read", r]
				if (ku == "")
					continue
				if (kc != "" && OWALL[n, "csdctl", kc] > 0 && OWALL[n, "user", ku] > 0)
					RV[++mv] = OWALL[n, "user", ku] / OWALL[n, "csdctl", kc]
				if (ki != "" && OWALL[n, "ioctl", ki] > 0 && OWALL[n, "user", ku] > 0)
					RVI[++mvi] = OWALL[n, "user", ku] / OWALL[n, "ioctl", ki]
				if (ki == "" || kr == "")
					continue
				b = OPROG[n, "ioctl", ki] / nt
				if (OIN[n, "read", kr] + 0 > b)
					b = OIN[n, "read", kr] + 0
				if (b > 0 && OIN[n, "ioctl", ki] + 0 > 0)
					RO[++mo] = OIN[n, "ioctl", ki] / b
			}
			gstat(RV, mv); PV[n] = GM; PVL[n] = GLO; PVU[n] = GHI
			gstat(RVI, mvi); PVI[n] = GM; PVIL[n] = GLO; PVIU[n] = GHI
			gstat(RO, mo); PO[n] = GM; POL[n] = GLO; POU[n] = GHI
			printf "  %-5s vs user: csdctl %s, ioctl %s; time against the bound: ioctl %s (%d repetition%s%s)\n", n,
			       gcell(PV[n], PVL[n], PVU[n]), gcell(PVI[n], PVIL[n], PVIU[n]), gcell(PO[n], POL[n], POU[n]),
			       mv, mv == 1 ? "" : "s", mv == 1 ? ": no interval" : ""
		}
		if (NAB["old"] && NAB["new"]) {
			printf "  before/after (--old-ko, the same run, in turns): CSD_IOC_EXEC over 16 zones, medians of %d and %d\n",
			       NAB["old"], NAB["new"]
			for (vi = 1; vi <= 2; vi++) {
				v = vi == 1 ? "old" : "new"
				m = 0; delete A
				for (k = 1; k <= NAB[v]; k++)
					A[++m] = ABIN[v, k]
				stats(A, m); ABM[v] = MED; s1 = cell(".1f", 0)
				m = 0; delete A
				for (k = 1; k <= NAB[v]; k++)
					A[++m] = ABPR[v, k]
				stats(A, m); s2 = cell(".1f", 0)
				m = 0; delete A
				for (k = 1; k <= NAB[v]; k++)
					A[++m] = ABR[v, k]
				stats(A, m); s3 = cell(".3f", 0)
				printf "    %-4s in the process %s ms, program %s ms, ratio %s\n",
				       v == "old" ? "old" : "this", s1, s2, s3
			}
			# Parenthesized: a bare > in printf's arguments redirects.
			printf "    this - old: %+.1f ms (%+.1f%%)\n", ABM["new"] - ABM["old"],
			       (ABM["old"] > 0 ? 100 * (ABM["new"] - ABM["old"]) / ABM["old"] : 0)
		}
		printf "  (vs user: csdctl's and ioctl's throughput over user's; returned: bytes csd returned over bytes scanned;\n"
		printf "   user returns all %d bytes of a zone to userspace; same: the three print the same entropy for every zone,\n",
		       OSCAN[ZN[1], "user"] / ZN[1]
		printf "   e.g. %s)\n", EFIRST[ZN[1]]
	}

	if (nmem) {
		printf "\nmemory: csd's mem_bytes per namespace (CSD_IOC_LIST_NS), by zone count\n"
		printf "  %-12s %-8s %-8s %-12s %s\n", "disk", "zones", "regions", "mem_bytes", "per zone"
		for (i = 1; i <= nmem; i++) {
			printf "  %-12s %-8d %-8s %-12d %.0f B%s\n", MD[i], MZ[i], MR[i], MB[i], MB[i] / MZ[i],
			       MR[i] != "" && MR[i] + 0 < MZ[i] + 0 ? sprintf(" (%.0f B per region of %d zones: the ceiling)", MB[i] / MR[i], MZ[i] / MR[i]) : ""
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

	printf "\ntargets (95%% intervals: PASS only when the whole interval meets the target)\n"
	if ("b" in DH && DH["b"] != "")
		printf "  %s (b)'s added CPU per request resolved to +- 0.3 us: +- %.3f us over %d cycles\n",
		       (DH["b"] <= 0.3 ? "PASS" : "MISS"), DH["b"], DN["b"]
	else
		printf "  MISS (b)'s added CPU per request resolved to +- 0.3 us: not measured (slices)\n"
	if ("b" in IR && IRH["b"] != "")
		printf "  %s (b) IOPS >= 0.98 x (a) on the CPU-bound path: %.4f +- %.4f\n",
		       (IR["b"] - IRH["b"] >= 0.98 ? "PASS" : "MISS"), IR["b"], IRH["b"]
	else
		printf "  MISS (b) IOPS >= 0.98 x (a): not measured (slices)\n"
	split("d e", PE, " ")
	for (i = 1; i <= 2; i++) {
		p = PE[i]
		if ((p in DC) && ("b" in DC) && DSE[p] != "" && DSE["b"] != "")
			printf "  %s csd's added CPU/request <= 0.1 x bpftrace's (%s): %s\n",
			       below("b", 1, p, 0.1) ? "PASS" : "MISS", p, TXT
		else
			printf "  MISS csd's added CPU/request <= 0.1 x bpftrace's (%s): not measured\n", p
	}
	if (("c" in DC) && ("b" in DC) && DSE["c"] != "" && DSE["b"] != "")
		printf "  %s (c)'s added CPU/request <= 1.5 x (b)'s: %s\n", below("c", 1, "b", 1.5) ? "PASS" : "MISS", TXT
	else
		printf "  MISS (c) <= 1.5 x (b): not measured\n"
	if (nz) {
		ok = 1
		line = ""
		for (i = 1; i <= nz; i++) {
			n = ZN[i]
			if (PVL[n] == "" || PVL[n] < 1.0 || OFRAC[n] > 0.001 || EMATCH[n] != 1)
				ok = 0
			line = line sprintf("%s%s %s (ioctl %s), %.4f%%", i > 1 ? "; " : "", zlabel(n),
					    gcell(PV[n], PVL[n], PVU[n]), gcell(PVI[n], PVIL[n], PVIU[n]), 100 * OFRAC[n])
		}
		printf "  %s offload entropy (csdctl exec) throughput >= 1.0 x userspace, <= 0.1%% of the bytes returned: %s\n",
		       (ok ? "PASS" : "MISS"), line
		ok = 1
		line = ""
		for (i = 1; i <= nz; i++) {
			n = ZN[i]
			if (POU[n] == "" || POU[n] > 1.1)
				ok = 0
			line = line sprintf("%s%s %s", i > 1 ? "; " : "", zlabel(n),
					    PO[n] == "" ? "not measured" : gcell(PO[n], POL[n], POU[n]))
		}
		printf "  %s offload time (CSD_IOC_EXEC) <= 1.1 x max(reads alone, program time): %s\n",
		       (ok ? "PASS" : "MISS"), line
	} else
		printf "  MISS offload entropy: not measured\n"
	if (4096 in PERZ)
		printf "  %s <= 1 KiB of csd state per zone at 4096 zones: %.0f B per zone\n",
		       (PERZ[4096] <= 1024 ? "PASS" : "MISS"), PERZ[4096]
	else
		printf "  MISS <= 1 KiB per zone at 4096 zones: not measured\n"
}
