# SPDX-License-Identifier: GPL-2.0
#
# The gdb half of the gdb smoke test (gdb/smoke.sh runs it in gdb -batch,
# after vmlinux-gdb.py and gdb/csd.py). It attaches to the guest that
# gdb/guest.sh smoke prepared, checks that csd's commands refuse to run
# before lx-symbols, loads the modules' symbols, stops in
# csd_complete_match, looks at the request there, and compares
# csd-devices, csd-stats and csd-zones with what csdctl printed in the
# guest (JSON between markers in the guest's output). One "ok N - ..." or
# "not ok N - ..." line per check; smoke.sh counts them.
#
# Environment: CSD_SMOKE_PORT (gdb stub), CSD_SMOKE_SYMDIRS (lx-symbols'
# directories), CSD_SMOKE_OUT (the output of gdb/guest.sh smoke, with
# csdctl's JSON), CSD_SMOKE_ZNS and CSD_SMOKE_CONV (disk names),
# CSD_SMOKE_BREAK_TIMEOUT (seconds to wait for the breakpoint, default 60).

import json
import os
import re
import signal
import threading
import time

import gdb

# gdb/csd.py, sourced before this script, put its directory on sys.path;
# the readers it uses are in gdb/csd_guest.py.
from csd_guest import Csd, Ns, _module_build_id  # noqa: E402

env = os.environ
results = []


def check(desc, cond, detail=None):
    n = len(results) + 1
    results.append(bool(cond))
    gdb.write("%s %d - %s\n" % ("ok" if cond else "not ok", n, desc))
    if not cond and detail:
        for line in str(detail).splitlines():
            gdb.write("#   %s\n" % line)
    gdb.flush()
    return cond


def run(cmd):
    """A gdb command's output; raises gdb.error."""
    return gdb.execute(cmd, to_string=True)


def try_run(desc, cmd):
    """Run cmd as a check: it must not fail. Its output, or None."""
    t = time.time()
    try:
        out = run(cmd)
    except gdb.error as e:
        check(desc, False, "%s: %s" % (cmd, e))
        return None
    check("%s (%.1f s)" % (desc, time.time() - t), True)
    return out


def guest_json():
    """{name: document} of the guest's CSD-GDB-JSON-BEGIN name blocks."""
    with open(env["CSD_SMOKE_OUT"], errors="replace") as f:
        text = f.read()
    blocks = re.findall(r"^CSD-GDB-JSON-BEGIN (\w+)\n(.*?)^CSD-GDB-JSON-END$",
                        text, re.S | re.M)
    return {name: json.loads(body) for name, body in blocks}


try:
    csdctl = guest_json()
except (OSError, ValueError) as e:
    csdctl = {}
    check("csdctl's JSON in the guest's output", False, e)
else:
    check("csdctl's stats, zones and devices JSON in the guest's output",
          {"stats", "zones", "devices"} <= set(csdctl), sorted(csdctl))


def load(name):
    return csdctl[name]


def diff(path, a, b, out):
    """Differences between gdb's (a) and csdctl's (b) JSON, keys of a only."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k not in b:
                out.append("%s.%s: csdctl has no such key" % (path, k))
            else:
                diff("%s.%s" % (path, k), a[k], b[k], out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append("%s: %d entries in gdb, %d in csdctl" %
                       (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            diff("%s[%d]" % (path, i), x, y, out)
    elif a != b:
        out.append("%s: gdb %r, csdctl %r" % (path, a, b))
    return out


def cmd_json(cmd):
    out = run(cmd)
    return json.loads(out)


zns, conv = env["CSD_SMOKE_ZNS"], env["CSD_SMOKE_CONV"]
port = env["CSD_SMOKE_PORT"]
gdb.execute("set pagination off")
gdb.execute("set confirm off")

# 1. Attach.
t = time.time()
try:
    run("target remote :%s" % port)
    ok = True
except gdb.error as e:
    ok = False
    check("attach to the guest's gdb stub on :%s" % port, False, e)
if ok:
    check("attach to the guest's gdb stub on :%s (%.1f s)" %
          (port, time.time() - t), True)

    # 2. Before lx-symbols: a clear message, no traceback.
    try:
        run("csd-devices")
        check("csd-devices before lx-symbols says the symbols are missing",
              False, "it ran")
    except gdb.error as e:
        check("csd-devices before lx-symbols says the symbols are missing",
              "csd.ko symbols not loaded" in str(e) and
              "Traceback" not in str(e), e)

    # 3. lx-symbols: csd and nvme-core from the directories given.
    out = try_run("lx-symbols", "lx-symbols " + env["CSD_SMOKE_SYMDIRS"])
    out = out or ""
    check("lx-symbols loaded csd.ko", "/csd.ko" in out, out)
    check("lx-symbols loaded nvme-core's DWARF", "/nvme-core.ko" in out, out)

    # The files lx-symbols picked are the builds the guest runs.
    try:
        from linux import modules
        ids = {}
        for m in modules.module_list():
            ids[m["name"].string().replace("_", "-")] = \
                _module_build_id(m)
        bad, n = [], 0
        for o in gdb.objfiles():
            name = os.path.basename(o.filename or "")
            if not name.endswith(".ko"):
                continue
            want = ids.get(name[:-3].replace("_", "-"))
            n += 1
            if not want or want != o.build_id:
                bad.append("%s: file %s, guest %s" % (name, o.build_id, want))
        check("the %d module files lx-symbols loaded have the guest's "
              "build-ids" % n, n >= 2 and not bad, "\n".join(bad))
    except (gdb.error, gdb.MemoryError) as e:
        check("module build-ids", False, e)

    # 4. A breakpoint in csd's completion path hits (the guest reads
    # $CSD_CONV_DEV every 0.3 s).
    hit = False
    try:
        run("break csd_complete_match")
        limit = float(env.get("CSD_SMOKE_BREAK_TIMEOUT", "60"))
        # gdb -batch has no timeout of its own: interrupt the target if
        # the breakpoint does not hit in time.
        timer = threading.Timer(limit, lambda: os.kill(os.getpid(),
                                                       signal.SIGINT))
        t = time.time()
        timer.start()
        try:
            run("continue")
        finally:
            timer.cancel()
        frame = gdb.selected_frame()
        hit = frame.name() == "csd_complete_match"
        check("break csd_complete_match; continue: hit (%.1f s)" %
              (time.time() - t), hit, "stopped in %s" % frame.name())
    except gdb.error as e:
        check("break csd_complete_match; continue: hit", False, e)

    # 5. The struct request * argument.
    rq_addr = None
    if hit:
        try:
            rq = gdb.parse_and_eval("rq")
            rq_addr = int(rq)
            name = rq["q"]["disk"]["disk_name"].string()
            tag = int(rq["tag"])
            length = int(rq["__data_len"])
            check("rq->q->disk->disk_name is an nvme disk (%s)" % name,
                  name.startswith("nvme"), name)
            check("rq->tag >= 0 (%d)" % tag, tag >= 0)
            check("rq->__data_len is a plausible size (%d)" % length,
                  0 < length <= (2 << 20) and length % 512 == 0)
            check("the request is the guest's 4 KiB read of %s" % conv,
                  name == conv and length == 4096,
                  "%s, %d bytes" % (name, length))
        except (gdb.error, gdb.MemoryError) as e:
            check("read the request at the breakpoint", False, e)
        # The command being completed is still in its slot: in flight.
        out = try_run("csd-inflight at the breakpoint", "csd-inflight")
        if out is not None and rq_addr is not None:
            check("csd-inflight lists the request being completed",
                  ("0x%x" % rq_addr) in out, out)
    try:
        run("delete")
        left = [b.location for b in gdb.breakpoints() if b.visible]
        check("delete the breakpoint", not left, left)
    except gdb.error as e:
        check("delete the breakpoint", False, e)

    # 6. The commands against csdctl's view (the zoned namespace is still
    # since then: the guest only reads the conventional one).
    for cmd in ("csd-devices", "csd-stats %s" % zns, "csd-zones %s" % zns,
                "csd-inflight", "csd-progs"):
        out = try_run(cmd + " runs", cmd)
        if out is not None:
            gdb.write("".join("#   " + line + "\n"
                              for line in out.splitlines()))

    try:
        mine = [d for d in cmd_json("csd-devices --json")
                if d["disk"] == zns][0]
        theirs = [d for d in load("devices") if d["disk"] == zns][0]
        d = diff("devices", {k: mine[k] for k in
                             ("id", "disk", "ctrl", "nsid", "zoned",
                              "lba_size", "capacity_sectors",
                              "zone_sectors", "nr_zones", "submitted",
                              "completed", "aborted", "region_sectors",
                              "nr_regions")}, theirs, [])
        check("csd-devices --json matches csdctl devices for %s" % zns,
              not d, "\n".join(d))
    except (gdb.error, ValueError, IndexError, KeyError, OSError) as e:
        check("csd-devices --json matches csdctl devices for %s" % zns,
              False, e)

    try:
        mine = cmd_json("csd-stats --json %s" % zns)
        theirs = load("stats")[0]
        for k in ("pending", "dropped"):
            mine.pop(k, None)
        # csdctl's rates and clock: not something a halted guest has.
        for r in theirs["rows"]:
            for k in ("iops", "mbps"):
                r.pop(k, None)
        d = diff("stats", mine, theirs, [])
        check("csd-stats --json %s equals csdctl --json stats (%d rows: "
              "counts, bytes, min/mean/p50..p99.99/max)" %
              (zns, len(mine["rows"])), not d, "\n".join(d))
        rows = {(r["op"], r["size_class"]): r for r in mine["rows"]}
        rd = rows.get(("read", "<=4K"), {})
        check("the workload's 64 reads of 4 KiB are counted",
              rd.get("count") == 64 and rd.get("bytes") == 64 * 4096, rd)
        wr = rows.get(("write", "<=4K"), {})
        check("the workload's 8 writes of 4 KiB are counted",
              wr.get("count") == 8 and wr.get("bytes") == 8 * 4096, wr)
        rs = rows.get(("zone-reset", "-"), {})
        check("the workload's zone reset is counted", rs.get("count") == 1,
              rs)
        pct = [r for r in mine["rows"]
               if r["lat_ns"].get("p99") is not None]
        check("percentiles compared on %d rows" % len(pct), len(pct) >= 1)
    except (gdb.error, ValueError, IndexError, KeyError, OSError) as e:
        check("csd-stats --json %s equals csdctl --json stats" % zns,
              False, e)

    try:
        mine = cmd_json("csd-zones --json %s" % zns)
        theirs = load("zones")
        d = diff("zones", mine, theirs, [])
        check("csd-zones --json %s equals csdctl --json zones (%d zones)" %
              (zns, len(mine)), not d and len(mine) == 3, "\n".join(d))
    except (gdb.error, ValueError, KeyError, OSError) as e:
        check("csd-zones --json %s equals csdctl --json zones" % zns,
              False, e)

    # 7. Half-initialized and vanishing namespaces (memory poked while the
    # guest is halted, and restored): one line, never a traceback.
    def poke(addr, value):
        inf = gdb.selected_inferior()
        old = bytes(inf.read_memory(addr, 8))
        inf.write_memory(addr, value.to_bytes(8, "little"))
        return old

    def each_cmd(disk):
        bad = []
        for cmd in ("csd-devices", "csd-devices --json", "csd-stats " + disk,
                    "csd-zones " + disk, "csd-inflight", "csd-progs"):
            try:
                out = run(cmd)
            except gdb.error as e:
                out = str(e)
                if "\n" in out.strip() or not out.startswith("csd-"):
                    bad.append("%s: %r" % (cmd, out))
            if "Traceback" in out:
                bad.append("%s: %s" % (cmd, out))
            gdb.write("#   (gdb) %s\n%s" % (cmd, "".join(
                "#   " + line + "\n" for line in out.splitlines()[:6])))
        return bad

    try:
        c = Csd()
        ns = [Ns(c, v) for v in c.namespaces() if Ns(c, v).disk == zns][0]
        ns_t = c.ns_t
        offs = {f.name: f.bitpos // 8 for f in ns_t.fields()}
        saved = []
        for f in ("stats", "slots"):
            saved.append((ns.addr + offs[f], poke(ns.addr + offs[f], 0)))
        try:
            bad = each_cmd(zns)
            pend = run("csd-stats " + zns)
        finally:
            for a, v in saved:
                gdb.selected_inferior().write_memory(a, v)
        check("with ns->stats and ns->slots NULL (tables not set up yet) "
              "the commands cope", not bad and "pending" in pend,
              "\n".join(bad) + pend)
        head = int(c.ns_list.address)
        saved = poke(head, 0xdead000000000100)      # LIST_POISON1
        try:
            bad = each_cmd(zns)
        finally:
            gdb.selected_inferior().write_memory(head, saved)
        check("with csd_ns_list pointing at unmapped memory the commands "
              "fail with one line", not bad, "\n".join(bad))
        check("csd-devices works again after restoring",
              zns in run("csd-devices"))
    except (gdb.error, gdb.MemoryError, IndexError, KeyError) as e:
        check("poke a namespace entry", False, e)

    # 8. Errors are one line, not a Python traceback.
    try:
        run("csd-stats nvme99n99")
        check("csd-stats of an unknown disk fails cleanly", False, "it ran")
    except gdb.error as e:
        check("csd-stats of an unknown disk fails cleanly",
              "does not track nvme99n99" in str(e), e)

    # 9. csd-insns: both probes stepped, each call's count by function
    # adds up to its total (the counts themselves change with the code).
    try:
        timer = threading.Timer(float(env.get("CSD_SMOKE_BREAK_TIMEOUT", "60")) * 2,
                                lambda: os.kill(os.getpid(), signal.SIGINT))
        timer.start()
        try:
            out = run("csd-insns --calls 2")
        finally:
            timer.cancel()
        tot = {m.group(1): [int(x) for x in m.group(2).split()] for m in
               re.finditer(r"^(csd_probe_\w+): 2 calls, instructions per "
                           r"call: ([\d ]+)$", out, re.M)}
        parts = [sum(int(x) for x in re.findall(r"^    \S+ +(\d+)$", blk,
                                                re.M))
                 for blk in re.split(r"^csd_probe_\w+: ", out, flags=re.M)[1:]]
        common = [int(x) for x in re.findall(r"the fewest, (\d+)", out)]
        check("csd-insns counts both probes' instructions, by function "
              "adding up (%s)" % ", ".join("%s %s" % (k, v[0]) for k, v in
                                           sorted(tot.items())),
              sorted(tot) == ["csd_probe_complete", "csd_probe_setup"] and
              all(t > 20 for v in tot.values() for t in v) and
              parts == common, out)
    except gdb.error as e:
        check("csd-insns counts both probes' instructions", False, e)

    try:
        run("detach")
    except gdb.error:
        pass

passed = sum(results)
gdb.write("# gdb checks: %d passed, %d failed\n" %
          (passed, len(results) - passed))
