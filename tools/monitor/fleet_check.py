#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make check-fleet: csd's metrics in a real Prometheus over two hosts.

Two guest runs (tools/monitor/fleet-guest.sh) each write csd's metrics
with csd-textfile, around a fio workload whose counts only fio knows.
On this host, Debian's own prometheus-node-exporter serves each run's
files through its textfile collector (one exporter per run, labelled
instance="host-a" and "host-b"), and Debian's prometheus, bound to
127.0.0.1, scrapes both. Then PromQL across the two must agree with what
csd reported:

- counts: sum by (op) of csd_commands_total, csd_bytes_total and
  csd_latency_seconds_count equal the sums of the two files exactly, and
  each run's increase equals fio's own count;
- latency: histogram_quantile(0.99, ...) over the merged histograms of
  the counters falls in the bucket where the p99 of csd's merged
  histograms lies (the bucket error: Prometheus interpolates inside a
  bucket, csd's buckets are exact); over their rate() in a window of the
  workload, it is the value csd's counts give at Prometheus' scrape
  times, by Prometheus' own extrapolation.

Prints TAP-like "ok"/"not ok" lines and "N passed, N failed, N skipped".
"""
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.path.join(os.environ.get("CSD_CACHE", os.path.expanduser("~/.cache/csd")), "tools")

# The two runs: name, reads, writes, block size. Different mixes, so the
# merged p99 is not either run's.
RUNS = [("host-a", 3000, 600, "4k"), ("host-b", 600, 2000, "64k")]
SCRAPE_S = 1
# Each phase (first files, then second files) lasts this long; rate()
# looks at a window that starts in the first and ends in the second.
PHASE_S = 15
WINDOW_S = 20

passed = failed = skipped = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {what}")
    else:
        failed += 1
        print(f"not ok - {what}{': ' + detail if detail else ''}")
    sys.stdout.flush()
    return ok


def say(msg):
    print(f"# {msg}")
    sys.stdout.flush()


def fetch_servers():
    """Debian's prometheus and prometheus-node-exporter binaries, cached.

    The packages are unpacked, not installed: installing them would start
    the servers as system services on every address."""
    progs = {"prometheus": "prometheus", "prometheus-node-exporter": "prometheus-node-exporter"}
    paths = {p: os.path.join(CACHE, "fleet", p) for p in progs}
    if all(os.access(p, os.X_OK) for p in paths.values()):
        return paths
    say("downloading prometheus and prometheus-node-exporter (bookworm)")
    os.makedirs(os.path.join(CACHE, "fleet"), exist_ok=True)
    with tempfile.TemporaryDirectory() as dl:
        subprocess.run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root"] + list(progs), cwd=dl, check=True,
                       stdout=subprocess.DEVNULL)
        for pkg, prog in progs.items():
            deb = [f for f in os.listdir(dl) if f.startswith(pkg + "_") and f.endswith(".deb")][0]
            tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", os.path.join(dl, deb)],
                                 check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", dl, "./usr/bin/" + prog], input=tar, check=True)
            shutil.move(os.path.join(dl, "usr/bin", prog), paths[pkg])
    return paths


def run_guest(name, reads, writes, bs):
    """One run's output: {snapshot 0, snapshot 1: text, fio: {op: n}}."""
    cmd = [os.path.join(TOP, "tools/vm/run.sh"), "--check-dmesg",
           os.path.join(TOP, "tools/monitor/fleet-guest.sh"), name, str(reads), str(writes), bs]
    p = subprocess.run(cmd, capture_output=True, text=True)
    out = {"rc": p.returncode, "log": p.stdout + p.stderr}
    sect = None
    for line in p.stdout.splitlines():
        m = re.match(r"=== (\S+) (snapshot \d)$", line)
        if m:
            sect = m.group(2)
            out[sect] = ""
            continue
        m = re.match(r"=== \S+ fio (\S+) read (\d+) write (\d+)$", line)
        if m:
            out["disk"] = m.group(1)
            out["fio"] = {"read": int(m.group(2)), "write": int(m.group(3))}
            continue
        if re.match(r"=== \S+ writer ok$", line):
            out["writer"] = True
        if line == "=== end":
            sect = None
        elif sect:
            out[sect] += line + "\n"
    return out


LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text):
    """Prometheus text: [(name, {label: value}, float)]."""
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        if not m:
            raise ValueError(f"bad line {line!r}")
        labels = dict(LABEL.findall(m.group(2) or ""))
        samples.append((m.group(1), labels, float(m.group(3))))
    return samples


def sums(samples, name, by, where=None):
    """Sum of @name's samples grouped by the label @by."""
    out = {}
    for n, lab, v in samples:
        if n != name or (where and any(lab.get(k) != w for k, w in where.items())):
            continue
        out[lab.get(by, "")] = out.get(lab.get(by, ""), 0) + v
    return out


def buckets(samples, op, sub=None):
    """Merged cumulative buckets of op: sorted [(le, count)], @sub's subtracted."""
    def collect(s):
        b = {}
        for n, lab, v in s:
            if n == "csd_latency_seconds_bucket" and lab["op"] == op:
                le = float(lab["le"])
                b[le] = b.get(le, 0) + v
        return b
    b = collect(samples)
    if sub:
        for le, v in collect(sub).items():
            b[le] = b.get(le, 0) - v
    return sorted(b.items())


def p99_bucket(per_run):
    """The bucket (lo, hi] where the p99 of the runs' merged cumulative
    histograms lies, as histogram_quantile() finds it."""
    merged = {}
    for run in per_run:
        for le, c in run:
            merged[le] = merged.get(le, 0) + c
    return histogram_quantile(0.99, merged.items())[1]


def extrapolated_rate(points, t, window):
    """Prometheus 2's rate() of one counter series: @points [(time ms,
    value)] in the window of @window s that ends at @t ms, as
    promql/functions.go's extrapolatedRate computes it (times in whole
    milliseconds, as Prometheus keeps them)."""
    if len(points) < 2:
        return None
    first_t, first_v = points[0]
    last_t, last_v = points[-1]
    inc = last_v - first_v
    prev = first_v
    for _, v in points[1:]:
        if v < prev:
            inc += prev
        prev = v
    to_start = (first_t - (t - window * 1000)) / 1000
    to_end = (t - last_t) / 1000
    sampled = (last_t - first_t) / 1000
    avg = sampled / (len(points) - 1)
    if inc > 0 and first_v >= 0:
        to_start = min(to_start, sampled * (first_v / inc))
    threshold = avg * 1.1
    span = sampled
    span += to_start if to_start < threshold else avg / 2
    span += to_end if to_end < threshold else avg / 2
    return inc * (span / sampled / window)


def histogram_quantile(q, cum):
    """Prometheus' histogram_quantile() over cumulative buckets [(le,
    count)]: the value, and the bucket (lo, hi) it lies in."""
    cum = sorted(cum)
    if len(cum) < 2 or cum[-1][0] != math.inf:
        return None, (0.0, 0.0)
    best = cum[0][1]
    mono = []
    for le, c in cum:
        best = max(best, c)
        mono.append((le, best))
    total = mono[-1][1]
    if total == 0:
        return None, (0.0, 0.0)
    rank = q * total
    b = next(i for i in range(len(mono)) if i == len(mono) - 1 or mono[i][1] >= rank)
    if b == len(mono) - 1:
        return mono[-2][0], (mono[-2][0], mono[-2][0])
    if b == 0 and mono[0][0] <= 0:
        return mono[0][0], (mono[0][0], mono[0][0])
    lo, below = (mono[b - 1][0], mono[b - 1][1]) if b > 0 else (0.0, 0.0)
    hi, c = mono[b]
    return lo + (hi - lo) * ((rank - below) / (c - below)), (lo, hi)


def rate_p99(matrix, t, runs):
    """The p99 of rate() over both hosts that csd's counts give: each
    series' scrape times from Prometheus' range query @matrix, its values
    from csd's two files. Returns (value, bucket, mismatches)."""
    t = round(float(f"{t:.3f}") * 1000)   # the query's time, as sent
    files = {name: snapshot_pairs(out) for (name, *_), out in zip(RUNS, runs)}
    merged, bad = {}, []
    for series in matrix:
        lab = dict(series["metric"])
        host = lab.pop("instance", "")
        for drop in ("__name__", "job"):
            lab.pop(drop, None)
        key = series_key(lab)
        pts = [(round(float(ts) * 1000), float(v)) for ts, v in series["values"]]
        vals = [v for _, v in pts]
        v0, v1 = files.get(host, {}).get(key, (None, None))
        if v1 is None or vals[-1] != v1 or any(v not in (v0, v1) for v in vals):
            bad.append(f"{host} {sorted(lab.items())}: {vals[0]:g}..{vals[-1]:g}, csd {v0}..{v1}")
            continue
        # Prometheus' samples (csd's values, as checked) at their scrape times.
        r = extrapolated_rate(pts, t, WINDOW_S)
        if r is not None:
            le = float(lab["le"])
            merged[le] = merged.get(le, 0.0) + r
    if not merged:
        return None, (0.0, 0.0), bad or ["no samples"]
    val, b = histogram_quantile(0.99, merged.items())
    return val, b, bad


def snapshot_pairs(out):
    """{labels: (value in snapshot 0, value in snapshot 1)} of each
    csd_latency_seconds_bucket series of a run."""
    s0 = {series_key(lab): v for n, lab, v in out["s0"] if n == "csd_latency_seconds_bucket"}
    return {series_key(lab): (s0.get(series_key(lab)), v)
            for n, lab, v in out["s1"] if n == "csd_latency_seconds_bucket"}


def series_key(lab):
    """A bucket series' labels, its le as a number (node_exporter
    reprints the numbers of the files it reads)."""
    return frozenset((k, float(v) if k == "le" else v) for k, v in lab.items())


class Prom:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def query(self, q, t=None):
        args = {"query": q}
        if t is not None:
            args["time"] = f"{t:.3f}"
        url = f"{self.base}/api/v1/query?" + urllib.parse.urlencode(args)
        with urllib.request.urlopen(url, timeout=10) as r:
            d = json.load(r)
        if d["status"] != "success":
            raise RuntimeError(f"{q}: {d}")
        return d["data"]["result"]

    def version(self):
        url = f"{self.base}/api/v1/status/buildinfo"
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)["data"]["version"]

    def by(self, q, label, t=None):
        return {r["metric"].get(label, ""): float(r["value"][1]) for r in self.query(q, t)}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, cond, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if cond():
                return True
        except (OSError, RuntimeError, ValueError):
            pass
        time.sleep(0.2)
    check(False, what, f"not within {timeout} s")
    return False


def install(text, d):
    """Atomically, as csd-textfile does."""
    tmp = os.path.join(d, ".csd.prom.tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, os.path.join(d, "csd.prom"))


def finish():
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    sys.exit(1 if failed else 0)


def verify_units():
    """The shipped unit and timer, as systemd reads them (ExecStart pointed
    at the tree's csd-textfile: verify wants the program to exist)."""
    global skipped
    if not shutil.which("systemd-analyze"):
        skipped += 1
        print("ok - systemd-analyze verify # SKIP no systemd-analyze on this host")
        return
    with tempfile.TemporaryDirectory() as d:
        for unit in ("csd-textfile.service", "csd-textfile.timer"):
            with open(os.path.join(TOP, "tools/monitor", unit)) as f:
                text = f.read().replace("/usr/local/sbin/csd-textfile",
                                        os.path.join(TOP, "tools/monitor/csd-textfile"))
            with open(os.path.join(d, unit), "w") as f:
                f.write(text)
        p = subprocess.run(["systemd-analyze", "verify", os.path.join(d, "csd-textfile.service"),
                            os.path.join(d, "csd-textfile.timer")], capture_output=True, text=True)
        check(p.returncode == 0 and not p.stderr.strip(),
              "systemd-analyze verify csd-textfile.service csd-textfile.timer", p.stderr)


def main():
    global skipped
    verify_units()
    bins = fetch_servers()
    promtool = os.path.join(CACHE, "promtool")

    runs = []
    for name, reads, writes, bs in RUNS:
        say(f"guest run {name}: {reads} reads, {writes} writes of {bs}")
        out = run_guest(name, reads, writes, bs)
        ok = out["rc"] == 0 and "snapshot 1" in out and "fio" in out
        if not check(ok, f"{name}: the guest run wrote csd's metrics twice", f"exit {out['rc']}"):
            print(out["log"])
            finish()
        check(out.get("writer", False), f"{name}: csd-textfile fails and removes its file without csd")
        check(out["fio"] == {"read": reads, "write": writes},
              f"{name}: fio did the I/Os it was given", str(out["fio"]))
        runs.append(out)

    for (name, *_), out in zip(RUNS, runs):
        for s in ("snapshot 0", "snapshot 1"):
            p = subprocess.run([promtool, "check", "metrics"], input=out[s], text=True,
                               capture_output=True)
            check(p.returncode == 0, f"{name}: promtool accepts {s}", p.stdout + p.stderr)
        out["s0"], out["s1"] = parse(out["snapshot 0"]), parse(out["snapshot 1"])
        # csd's counts against fio's: the workload's increase on its disk.
        for op in ("read", "write"):
            d = (sums(out["s1"], "csd_commands_total", "op", {"disk": out["disk"]}).get(op, 0) -
                 sums(out["s0"], "csd_commands_total", "op", {"disk": out["disk"]}).get(op, 0))
            check(d == out["fio"][op], f"{name}: csd counted fio's {out['fio'][op]} {op}s",
                  f"csd {d:g}")

    work = tempfile.mkdtemp(prefix="csd-fleet.")
    procs = []
    try:
        ports = {}
        for name, *_ in RUNS:
            d = os.path.join(work, name)
            os.makedirs(d)
            ports[name] = free_port()
            procs.append(subprocess.Popen(
                [bins["prometheus-node-exporter"], f"--web.listen-address=127.0.0.1:{ports[name]}",
                 "--collector.disable-defaults", "--collector.textfile",
                 f"--collector.textfile.directory={d}"],
                stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, name + ".log"), "w")))
        cfg = os.path.join(work, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write(f"global:\n  scrape_interval: {SCRAPE_S}s\n  evaluation_interval: {SCRAPE_S}s\n"
                    "scrape_configs:\n  - job_name: node\n    static_configs:\n")
            for name, *_ in RUNS:
                f.write(f"      - targets: ['127.0.0.1:{ports[name]}']\n"
                        f"        labels: {{instance: {name}}}\n")
        pport = free_port()
        procs.append(subprocess.Popen(
            [bins["prometheus"], f"--config.file={cfg}", f"--storage.tsdb.path={work}/tsdb",
             f"--web.listen-address=127.0.0.1:{pport}"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "prometheus.log"), "w")))
        prom = Prom(pport)
        if not wait_for("prometheus is up and scrapes both exporters",
                        lambda: prom.by("up", "instance") == {n: 1.0 for n, *_ in RUNS}):
            print(open(os.path.join(work, "prometheus.log")).read()[-3000:])
            finish()

        # First files; then, after PHASE_S, the second ones in both at once.
        # The queries run PHASE_S after the swap, so that rate()'s window
        # (WINDOW_S) holds samples of both.
        for (name, *_), out in zip(RUNS, runs):
            install(out["snapshot 0"], os.path.join(work, name))
        time.sleep(PHASE_S)
        for (name, *_), out in zip(RUNS, runs):
            install(out["snapshot 1"], os.path.join(work, name))
        t = time.time() + PHASE_S
        want = {name: sum(sums(out["s1"], "csd_commands_total", "instance").values())
                for (name, *_), out in zip(RUNS, runs)}
        if not wait_for("prometheus scraped the second files",
                        lambda: prom.by("sum by (instance) (csd_commands_total)",
                                        "instance") == want, timeout=PHASE_S - 2):
            finish()
        # Every query asks at time t; a scrape stamped before t may be
        # stored up to its timeout (one interval) later: wait for it, so
        # that all queries see the same samples.
        time.sleep(max(0.0, t + 2 * SCRAPE_S - time.time()))

        merged = [s for out in runs for s in out["s1"]]
        for metric in ("csd_commands_total", "csd_bytes_total", "csd_latency_seconds_count"):
            got = prom.by(f"sum by (op) ({metric})", "op", t)
            exp = sums(merged, metric, "op")
            check(got == exp, f"sum by (op) ({metric}) over both hosts is exact",
                  f"prometheus {got}, csd {exp}")

        version = prom.version()
        for op in ("read", "write"):
            # Since load: the counters themselves.
            q = f'histogram_quantile(0.99, sum by (le, op) (csd_latency_seconds_bucket{{op="{op}"}}))'
            got = prom.by(q, "op", t).get(op)
            want_b = p99_bucket([buckets(out["s1"], op) for out in runs])
            say(f"{op}: p99 since load: prometheus {got}, csd's bucket {want_b}")
            check(got is not None and want_b[0] <= got <= want_b[1],
                  f"{op}: p99 over both hosts since load is in csd's merged p99 bucket",
                  f"prometheus {got}, csd's bucket {want_b}")
            # The workload's rate(): Prometheus extrapolates each series'
            # increase towards the window's edges, by an amount that depends
            # on when its samples were scraped and, near the window's start,
            # on the series' own first value (it never extrapolates a counter
            # below zero). So the buckets of one host do not share a factor,
            # and the p99 may cross a bucket edge that the true increases do
            # not. The check: the raw samples in the window are csd's values,
            # and Prometheus' quantile is the one csd's counts give at those
            # scrape times, by rate() and histogram_quantile() as Prometheus
            # 2.42 computes them (promql/functions.go, promql/quantile.go).
            what = f"{op}: p99 of rate()[{WINDOW_S}s] over both hosts is the one csd's counts give"
            if not version.startswith("2.42."):
                skipped += 1
                print(f"ok - {what} # SKIP computed as Prometheus 2.42 does, this is {version}")
                continue
            sel = f'csd_latency_seconds_bucket{{op="{op}"}}[{WINDOW_S}s]'
            q = f'histogram_quantile(0.99, sum by (le, op) (rate({sel})))'
            got = prom.by(q, "op", t).get(op)
            want, want_b, bad = rate_p99(prom.query(sel, t), t, runs)
            check(not bad, f"{op}: the samples in rate()'s window are csd's values", "; ".join(bad[:3]))
            true_b = p99_bucket([buckets(out["s1"], op, out["s0"]) for out in runs])
            say(f"{op}: p99 of rate(): prometheus {got}, from csd's counts {want} in bucket {want_b}; "
                f"p99 bucket of the true increases {true_b}")
            check(got is not None and want is not None and abs(got - want) <= 1e-9 * want, what,
                  f"prometheus {got}, from csd's counts {want} in bucket {want_b}")
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)
    finish()


if __name__ == "__main__":
    # SIGTERM (a CI timeout) runs the cleanup too: no server left behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()
