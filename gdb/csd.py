# SPDX-License-Identifier: GPL-2.0
#
# gdb commands for csd: read csd's state from a halted guest kernel.
#
#   csd-devices                 namespaces csd tracks (csdctl devices)
#   csd-stats [--json] DISK     rows with counts, bytes and latencies
#                               (csdctl stats DISK, the same numbers)
#   csd-zones [--json] [--all] DISK [FIRST[-LAST]]
#                               per-zone (per-region) counters (csdctl zones)
#   csd-inflight [DISK]         commands submitted and not completed yet
#   csd-progs                   completion and offload BPF programs
#   csd-insns [--calls N] [--list] [FUNCTION...]
#                               instructions per call of csd's probes
#                               (single-steps: the guest runs)
#
# They read memory only (csd-insns aside: it lets the guest run):
# nothing runs in the guest, so they work at any breakpoint, in
# interrupt context, or on a hung kernel. They need the
# kernel's gdb scripts (source vmlinux-gdb.py) and csd.ko's symbols
# (lx-symbols DIR, with DIR holding the csd.ko the guest loaded).
#
# Sums and percentiles follow module/snapshot.c and hist.c (csd_row_sum, csd_fill_row,
# csd_hist_pct; the bucket maths of include/csd/hist.h) and module/chardev.c
# (csd_collect_rows), so csd-stats prints what CSD_IOC_NS_STATS returns.
# Constants come from gdb/csd_constants.py, which make generates from the
# C headers (gdb/gen-constants.c); the layout is checked against csd.ko's
# DWARF.
#
# This file holds the commands; gdb/csd_guest.py reads the guest for them.

import json
import os
import re
import struct
import sys

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from linux import cpus, utils  # noqa: E402 (after the path is set)
from csd_guest import (  # noqa: E402
    LIST_MAX, NVME_IO_NAMES, Csd, CsdError, Epoch, Ns, Uapi,
    _int, _lookup_type, _offsets, _read, _str, admin_label, collect_rows,
    fmt_bytes, fmt_ns, op_label, req_op_name, row_lats, zone_active,
    zone_table)

# -- the commands -----------------------------------------------------------

class CsdCommand(gdb.Command):
    """Base: turns csd's and gdb's errors into one line, no traceback."""

    def invoke(self, arg, from_tty):
        try:
            self.run(gdb.string_to_argv(arg))
        except CsdError as e:
            raise gdb.GdbError("%s: %s" % (self.name, e))
        except gdb.MemoryError as e:
            raise gdb.GdbError("%s: cannot read guest memory (%s): an entry "
                               "is going away or corrupt; let the guest run "
                               "a moment and try again" % (self.name, e))
        except gdb.error as e:
            raise gdb.GdbError("%s: %s" % (self.name, e))

    def usage(self, text):
        raise CsdError("usage: %s %s" % (self.name, text))


class CsdDevices(CsdCommand):
    """Namespaces csd tracks, from csd_ns_list (csdctl devices).

csd-devices [--json]

ID, disk, controller, NSID, zoned or not, zones, flags (zoned, dead,
disabled, admin, pending: tables not allocated yet), and the epoch's
submitted/completed/aborted counts summed over the CPUs."""

    name = "csd-devices"

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_DATA)

    def run(self, argv):
        as_json = "--json" in argv
        if [a for a in argv if a != "--json"]:
            self.usage("[--json]")
        csd = Csd()
        out = []
        for v in csd.namespaces():
            try:
                d = Ns(csd, v)
            except gdb.MemoryError as e:
                gdb.write("entry at 0x%x: unreadable (%s)\n" % (int(v), e))
                continue
            e = dict(id=d.id, disk=d.disk, ctrl=d.ctrl, nsid=d.nsid,
                     zoned=d.zoned, admin=d.admin, dead=d.dead,
                     disabled=d.disabled, pending=not d.stats,
                     lba_size=1 << d.lba_shift,
                     capacity_sectors=d.capacity,
                     zone_sectors=d.zone_sectors, nr_zones=d.nr_zones,
                     submitted=0, completed=0, aborted=0,
                     region_sectors=0, nr_regions=0, addr="0x%x" % d.addr)
            ep = d.epoch()
            if ep is not None:
                try:
                    s = Epoch(csd, ep)
                    e.update(submitted=s.submitted, completed=s.completed,
                             aborted=s.aborted,
                             region_sectors=s.region_sectors,
                             nr_regions=s.nr_regions)
                except gdb.MemoryError:
                    e["flags_note"] = "statistics unreadable"
            e["in_flight"] = e["submitted"] - e["completed"] - e["aborted"]
            e["flags"] = d.flags()
            out.append(e)
        if as_json:
            gdb.write(json.dumps(out, indent=1) + "\n")
            return
        if not out:
            gdb.write("csd tracks no namespaces: no NVMe namespace is "
                      "present, or csd is not attached to nvme-core\n")
            return
        gdb.write("%-4s %-12s %-8s %5s %-5s %8s %10s %6s %12s %12s %9s  %s\n" %
                  ("ID", "DISK", "CTRL", "NSID", "TYPE", "LBA", "SIZE-MiB",
                   "ZONES", "SUBMITTED", "COMPLETED", "INFLIGHT", "FLAGS"))
        for e in out:
            gdb.write("%-4u %-12s %-8s %5u %-5s %8u %10u %6u %12u %12u %9d  "
                      "%s\n" %
                      (e["id"], e["disk"] or "-", e["ctrl"], e["nsid"],
                       "admin" if e["admin"] else
                       "zns" if e["zoned"] else "conv",
                       e["lba_size"], e["capacity_sectors"] >> 11,
                       e["nr_zones"], e["submitted"], e["completed"],
                       e["in_flight"], ",".join(e["flags"]) or "-"))


class CsdStats(CsdCommand):
    """Per operation and size class: count, bytes, latencies (csdctl stats).

csd-stats [--json] DISK

DISK is a namespace's disk (nvme0n1 or /dev/nvme0n1), or a controller
name (nvme0) for its admin queue. The numbers are those CSD_IOC_NS_STATS
returns and csdctl stats prints: per-CPU rows and histograms summed, and
p50..p99.99 as the midpoints of their histogram buckets (over the binned
commands only: a row's first commands, counted before its histogram was
allocated, are "unbinned"), clamped to [min, max]. The table uses
csdctl's units; --json prints nanoseconds, with csdctl's JSON keys."""

    name = "csd-stats"

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_DATA)

    def run(self, argv):
        as_json = "--json" in argv
        rest = [a for a in argv if a != "--json"]
        if len(rest) != 1:
            self.usage("[--json] DISK")
        csd = Csd()
        d = csd.pick(rest[0])
        s = d.epoch()
        doc = dict(disk=d.disk, ctrl=d.ctrl, nsid=d.nsid, zoned=d.zoned,
                   admin=d.admin, enabled=not d.disabled, dead=d.dead,
                   submitted=0, completed=0, aborted=0, in_flight=0,
                   since_ns=0, rows=[], errors=[], errors_other=0,
                   zone_unbinned=0, pending=s is None)
        if s is not None:
            ep = Epoch(csd, s)
            rows = collect_rows(ep, d.admin)
            doc.update(submitted=ep.submitted, completed=ep.completed,
                       aborted=ep.aborted,
                       in_flight=ep.submitted - ep.completed - ep.aborted,
                       since_ns=ep.since_ns, errors_other=ep.errors_other,
                       zone_unbinned=ep.zone_unbinned, dropped=ep.dropped)
            for r in rows:
                doc["rows"].append(dict(
                    op=Uapi.op_names[r["op"]], opcode=r["opcode"],
                    size_class=Uapi.sz_names[r["size_class"]],
                    count=r["count"], bytes=r["bytes"], errors=r["errors"],
                    retries=r["retries"], unbinned=r["unbinned"],
                    lat_ns=dict(row_lats(csd, r)),
                    label=admin_label(r["opcode"]) if d.admin else
                    op_label(r["op"], r["opcode"])))
            for op, opc, status, cnt in ep.statuses():
                doc["errors"].append(dict(
                    op=Uapi.op_names[op] if op < len(Uapi.op_names) else op,
                    opcode=opc, status=status, sct=status >> 8,
                    sc=status & 0xff, count=cnt))
        if as_json:
            for r in doc["rows"]:
                del r["label"]
            gdb.write(json.dumps(doc, indent=1) + "\n")
            return
        self.table(csd, d, doc)

    def table(self, csd, d, doc):
        if d.admin:
            gdb.write("%s admin queue: " % d.ctrl)
        else:
            gdb.write("%s: ctrl %s, nsid %u, %s, " %
                      (d.disk, d.ctrl, d.nsid, "zns" if d.zoned else "conv"))
        gdb.write("submitted %u, completed %u, aborted %u, in flight %d%s%s\n" %
                  (doc["submitted"], doc["completed"], doc["aborted"],
                   doc["in_flight"],
                   " (disabled)" if d.disabled else "",
                   " (removed)" if d.dead else ""))
        if doc["pending"]:
            gdb.write("statistics not allocated yet (pending)\n")
            return
        if not doc["rows"]:
            gdb.write("no completed commands\n")
            return
        keys = ["min", "mean"] + [k for k, _, _ in csd.pct] + ["max"]
        gdb.write("%-15s %-6s %10s %7s %9s" % ("OP", "SIZE", "COUNT", "BYTES",
                                               "UNBINNED"))
        for k in keys:
            gdb.write(" %7s" % k.upper())
        gdb.write("\n")
        for r in doc["rows"]:
            gdb.write("%-15s %-6s %10u %7s %9u" %
                      (r["label"], r["size_class"], r["count"],
                       fmt_bytes(r["bytes"]), r["unbinned"]))
            for k in keys:
                v = r["lat_ns"][k]
                gdb.write(" %7s" % ("-" if v is None else fmt_ns(v)))
            gdb.write("\n")
        if doc["errors"]:
            gdb.write("\n%-15s %-7s %12s\n" % ("OP", "SCT/SC", "COUNT"))
            for e in doc["errors"]:
                op = e["op"]
                gdb.write("%-15s %-7s %12u\n" %
                          (op_label(Uapi.op_names.index(op), e["opcode"])
                           if isinstance(op, str) else op,
                           "%x/0x%02x" % (e["sct"], e["sc"]), e["count"]))
        if doc["errors_other"]:
            gdb.write("errors with other statuses (status table full): %u\n" %
                      doc["errors_other"])
        if doc["zone_unbinned"]:
            gdb.write("%u commands came before the zone table\n" %
                      doc["zone_unbinned"])


class CsdZones(CsdCommand):
    """Per-zone (per-region) counters of a namespace (csdctl zones).

csd-zones [--json] [--all] DISK [FIRST[-LAST]]

Reads, writes and appends with their mean, p99 (bucket midpoint, as
csd_fill_zone computes it) and max latency, and the zone actions.
Zones without activity are left out unless --all. Unlike csdctl, no
zone condition or write pointer: that needs a zone report from the
device."""

    name = "csd-zones"

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_DATA)

    def run(self, argv):
        as_json = "--json" in argv
        show_all = "--all" in argv
        rest = [a for a in argv if a not in ("--json", "--all")]
        if not 1 <= len(rest) <= 2:
            self.usage("[--json] [--all] DISK [FIRST[-LAST]]")
        csd = Csd()
        d = csd.pick(rest[0])
        if d.admin:
            raise CsdError("%s is an admin queue: no zones or regions" %
                           d.ctrl)
        s = d.epoch()
        if s is None:
            raise CsdError("%s: statistics not allocated yet" % d.name())
        ep = Epoch(csd, s)
        n = ep.nr_regions
        first, last = 0, n - 1
        if len(rest) == 2:
            m = re.fullmatch(r"(\d+)(?:-(\d+))?", rest[1])
            if not m:
                self.usage("[--json] [--all] DISK [FIRST[-LAST]]")
            first = int(m.group(1))
            last = int(m.group(2)) if m.group(2) else first
            if last < first:
                self.usage("[--json] [--all] DISK [FIRST[-LAST]]")
            if first >= n:
                raise CsdError("zone %d out of range: %s has %d %s" %
                               (first, d.name(), n,
                                "zones" if d.zoned else "regions"))
            last = min(last, n - 1)
        zones = int(s["zones"])
        if n and not zones:
            raise CsdError("%s: zone table not allocated yet" % d.name())
        ents = zone_table(ep, zones, first, last) if n else []
        shown = [e for e in ents if show_all or zone_active(e)]
        if as_json:
            out = []
            for e in shown:
                j = dict(zone=e["index"], start_sector=e["start_sector"],
                         start_lba=(e["start_sector"] << 9) >> d.lba_shift)
                for i, key in enumerate(("read", "write", "append")
                                        [:csd.zio_nr]):
                    io = e["io"][i]
                    c = io["count"]
                    j[key] = dict(count=c, bytes=io["bytes"],
                                  lat_sum_ns=io["lat_sum"],
                                  mean_ns=io["lat_sum"] // c if c else None,
                                  p99_ns=io["p99"] if c else None,
                                  max_ns=io["lat_max"] if c else None)
                for k in ("opens", "closes", "finishes", "resets",
                          "offlines", "errors"):
                    j[k] = e[k]
                out.append(j)
            gdb.write(json.dumps(out, indent=1) + "\n")
            return
        gdb.write("%s (%s): %u %s of %s, %u shown" %
                  (d.name(), "zns" if d.zoned else "conv", n,
                   "zones" if d.zoned else "regions",
                   fmt_bytes(ep.region_sectors << 9), len(shown)))
        if len(ents) > len(shown):
            gdb.write(", %u without activity hidden (--all shows them)" %
                      (len(ents) - len(shown)))
        gdb.write("\n")
        if not shown:
            return
        gdb.write("%6s %12s %8s %6s %6s %6s %8s %6s %6s %6s %8s %6s %6s %6s "
                  "%6s %6s %6s %6s\n" %
                  ("ZONE", "START", "READS", "R-MEAN", "R-P99", "R-MAX",
                   "WRITES", "W-MEAN", "W-P99", "W-MAX", "APPENDS", "A-MEAN",
                   "A-P99", "A-MAX", "RESETS", "FINISH", "OPENS", "ERRORS"))
        for e in shown:
            cells = []
            for io in e["io"][:3]:
                c = io["count"]
                cells += [str(c),
                          fmt_ns(io["lat_sum"] // c) if c else "-",
                          fmt_ns(io["p99"]) if c else "-",
                          fmt_ns(io["lat_max"]) if c else "-"]
            gdb.write("%6u %12u %8s %6s %6s %6s %8s %6s %6s %6s %8s %6s %6s "
                      "%6s %6u %6u %6u %6u\n" %
                      tuple([e["index"],
                             (e["start_sector"] << 9) >> d.lba_shift] +
                            cells + [e["resets"], e["finishes"], e["opens"],
                                     e["errors"]]))


def guest_now_ns(extra=()):
    """A lower bound of the guest's CLOCK_MONOTONIC (ktime_get_ns()) now.

Without running guest code the clocksource (TSC) cannot be read, so this
is the latest of: the timekeeper's last update (tk_core: base +
xtime_nsec >> shift), each CPU's last idle entry, wakeup and exit
(tick_cpu_sched, ktime_get() at those moments), and the stamps in
@extra. Returns (ns, source)."""
    best, src = 0, "none"
    try:
        tkr = gdb.parse_and_eval("tk_core")["timekeeper"]["tkr_mono"]
        v = int(tkr["base"]) + (int(tkr["xtime_nsec"]) >> int(tkr["shift"]))
        best, src = v, "timekeeper"
    except (gdb.error, gdb.MemoryError):
        pass
    try:
        ts = gdb.parse_and_eval("&tick_cpu_sched")
        for c in cpus.each_possible_cpu():
            t = cpus.per_cpu(ts, c)
            for f in ("idle_entrytime", "idle_waketime", "idle_exittime"):
                v = int(t[f])
                if v > best:
                    best, src = v, "cpu%d %s" % (c, f)
    except (gdb.error, gdb.MemoryError):
        pass
    for v, what in extra:
        if v > best:
            best, src = v, what
    return best, src


class CsdInflight(CsdCommand):
    """Commands csd saw submitted and not completed yet.

csd-inflight [DISK]

Walks every namespace's command slots (ns->slots[hctx][tag], taken while
start_ns != 0) and, where the tag still maps to a request of that queue
(q->tag_set->tags[hctx]->rqs[tag]), prints its NVMe opcode, LBA and
length (from nvme-core's struct nvme_request when its DWARF is loaded,
else from the block layer) and its state. "stale epoch" marks a slot
counted in an older epoch (reset since).

Ages are lower bounds: start_ns is ktime_get_ns() at submission, and the
guest's "now" cannot be read without running code in it, so it is taken
as the latest of the timekeeper's last update (tk_core), each CPU's last
idle entry and exit (tick_cpu_sched) and the newest command start."""

    name = "csd-inflight"

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_DATA)

    def run(self, argv):
        if len(argv) > 1:
            self.usage("[DISK]")
        csd = Csd()
        nss = [csd.pick(argv[0])] if argv else \
            [Ns(csd, v) for v in csd.namespaces()]
        nreq_t = _lookup_type("struct nvme_request")
        rq_t = _lookup_type("struct request")
        found = []
        for d in nss:
            try:
                found += self.walk(csd, d, nreq_t, rq_t)
            except gdb.MemoryError as e:
                gdb.write("%s: slots unreadable (%s): going away?\n" %
                          (d.name(), e))
        stamps = [(f["start"], "newest command start") for f in found]
        now, src = guest_now_ns(stamps)
        gdb.write("guest CLOCK_MONOTONIC >= %d ns (from %s)\n" % (now, src))
        if not found:
            gdb.write("no commands in flight\n")
            return
        gdb.write("%-12s %4s %5s %-8s %12s %-13s %12s %8s %-9s %s\n" %
                  ("DISK", "HCTX", "TAG", "AGE>=", "START-NS", "OPCODE",
                   "SLBA", "BYTES", "STATE", "REQUEST"))
        for f in found:
            age = now - f["start"]
            gdb.write("%-12s %4u %5u %-8s %12d %-13s %12s %8s %-9s %s\n" %
                      (f["disk"], f["hctx"], f["tag"],
                       fmt_ns(age) if age >= 0 else "0",
                       f["start"], f["op"], f["slba"], f["bytes"], f["state"],
                       f["rq"] + (" (stale epoch)" if f["stale"] else "")))

    def walk(self, csd, d, nreq_t, rq_t):
        slots = int(d.v["slots"])
        if not slots:
            return []
        nr_hctx, depth = int(d.v["nr_hctx"]), int(d.v["depth"])
        if nr_hctx > 4096 or depth > 65536:
            raise CsdError("%s: implausible slot table (%d x %d): entry "
                           "corrupt?" % (d.name(), nr_hctx, depth))
        st = csd.slot_t
        so = _offsets(st)
        gen = None
        ep = d.epoch()
        if ep is not None:
            gen = int(ep["gen"])
        q = d.v["q"]
        out = []
        for h in range(nr_hctx):
            row = struct.unpack("<Q", _read(slots + 8 * h, 8))[0]
            if not row:
                continue
            b = _read(row, st.sizeof * depth)
            for tag in range(depth):
                o = tag * st.sizeof
                start = struct.unpack_from("<Q", b, o + so["start_ns"])[0]
                if not start:
                    continue
                sgen = struct.unpack_from("<I", b, o + so["gen"])[0]
                f = dict(disk=d.name(), hctx=h, tag=tag, start=start,
                         stale=gen is not None and sgen != gen,
                         op="?", slba="-", bytes="-", state="-",
                         rq="no request")
                try:
                    self.request(q, h, tag, f, nreq_t, rq_t, d.lba_shift)
                except (gdb.error, gdb.MemoryError) as e:
                    f["rq"] = "unreadable (%s)" % e
                out.append(f)
        return out

    def request(self, q, h, tag, f, nreq_t, rq_t, lba_shift):
        ts = q["tag_set"]
        if int(ts) == 0:
            return
        tags = ts["tags"][h]
        if int(tags) == 0:
            return
        rq = tags["rqs"][tag]
        if int(rq) == 0:
            return
        if int(rq["q"]) != int(q) or int(rq["tag"]) != tag:
            f["rq"] = "0x%x (now another queue's or tag's)" % int(rq)
            return
        f["rq"] = "0x%x" % int(rq)
        f["state"] = str(rq["state"]).replace("MQ_RQ_", "").lower()
        f["slba"] = str(int(rq["__sector"]) >> (lba_shift - 9))
        f["bytes"] = str(int(rq["__data_len"]))
        f["op"] = req_op_name(int(rq["cmd_flags"]) & 0xff)
        if nreq_t is None or rq_t is None:
            return
        # blk_mq_rq_to_pdu(): the driver's data follows struct request.
        nreq = gdb.Value(int(rq) + rq_t.sizeof).cast(nreq_t.pointer())
        cmd = nreq["cmd"]
        if int(cmd) == 0:
            return
        opc = int(cmd["common"]["opcode"])
        f["op"] = "%s(0x%02x)" % (NVME_IO_NAMES.get(opc, "op"), opc)
        if opc in (0x01, 0x02, 0x04, 0x05, 0x08, 0x0c, 0x7d):
            f["slba"] = str(int(cmd["rw"]["slba"]))
            f["bytes"] = str((int(cmd["rw"]["length"]) + 1) << lba_shift)
        elif opc in (0x79, 0x7a):
            f["slba"] = str(int(cmd["zms"]["slba"]))


def _struct_ops_map(kdata):
    """The struct bpf_struct_ops_map around a struct_ops kdata, or None."""
    m_t = _lookup_type("struct bpf_struct_ops_map")
    v_t = _lookup_type("struct bpf_struct_ops_value")
    if m_t is None or v_t is None:
        return None
    off = _offsets(m_t)["kvalue"] + _offsets(v_t)["data"]
    m = gdb.Value(int(kdata) - off).cast(m_t.pointer())
    try:
        if str(m["map"]["map_type"]) != "BPF_MAP_TYPE_STRUCT_OPS":
            return None
    except (gdb.error, gdb.MemoryError):
        return None
    return m


def _describe_ops(kdata):
    """Map and program names of a struct_ops kdata, as text."""
    m = _struct_ops_map(kdata)
    if m is None:
        return "struct_ops map not found (kernel DWARF?)"
    parts = ["map %s id %d" % (_str(m["map"]["name"]), int(m["map"]["id"]))]
    links = m["links"]
    for i in range(int(m["funcs_cnt"])):
        if not int(links) or not int(links[i]):
            continue
        prog = links[i]["prog"]
        aux = prog["aux"]
        runs = ""
        try:
            st = prog["stats"]
            if int(st):
                cnt = ns = 0
                for c in cpus.each_possible_cpu():
                    p = cpus.per_cpu(st, c)
                    cnt += _int(p["cnt"])
                    ns += _int(p["nsecs"])
                runs = ", %d runs, %s" % (cnt, fmt_ns(ns)) if cnt else ""
        except (gdb.error, gdb.MemoryError):
            runs = ""
        parts.append("prog %s id %d%s" % (_str(aux["name"]), int(aux["id"]),
                                          runs))
    return ", ".join(parts)


class CsdProgs(CsdCommand):
    """Completion programs attached to namespaces, and offload programs.

csd-progs

Completion programs: each namespace's bpf_ops (struct csd_ops, the
kernel copy in a BPF struct_ops map). Offload programs: csd_exec_list
(module/exec.c), by name. For each, the struct_ops map and the BPF
programs behind it (run counts need kernel.bpf_stats_enabled)."""

    name = "csd-progs"

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_DATA)

    def run(self, argv):
        if argv:
            self.usage("")
        csd = Csd()
        ops_t = _lookup_type("struct csd_ops")
        n = 0
        gdb.write("completion programs (csd_ops):\n")
        for v in csd.namespaces():
            d = Ns(csd, v)
            ops = int(v["bpf_ops"])
            if not ops:
                continue
            n += 1
            o = gdb.Value(ops).cast(ops_t.pointer()) if ops_t else None
            extra = ""
            if o is not None:
                extra = " ns_id %d, complete at 0x%x," % (
                    int(o["ns_id"]), int(o["complete"]))
            gdb.write("  %s:%s %s\n" % (d.name(), extra, _describe_ops(ops)))
        if not n:
            gdb.write("  none attached\n")
        gdb.write("offload programs (csd_exec_ops):\n")
        head = csd.var("csd_exec_list")
        if head is None:
            gdb.write("  csd built without BPF (no csd_exec_list)\n")
            return
        reg_t = _lookup_type("struct csd_exec_reg")
        if reg_t is None:
            gdb.write("  struct csd_exec_reg unknown\n")
            return
        off = utils.offset_of(reg_t.pointer(), "node")
        node = head["next"]
        n = 0
        seen = set()
        for _ in range(LIST_MAX):
            if int(node) == int(head.address) or not int(node) or \
                    int(node) in seen:
                break
            seen.add(int(node))
            r = gdb.Value(int(node) - off).cast(reg_t.pointer())
            ops = r["ops"]
            gdb.write("  %s: %s\n" % (_str(ops["name"]), _describe_ops(ops)))
            n += 1
            node = node.dereference()["next"]
        if not n:
            gdb.write("  none registered\n")


NO_SYMBOL = "[no-symbol]"


class _Stalled(Exception):
    """A call stepped alone that did not return (csd-insns)."""


def _pc_function(pc, cache):
    """The name of the function holding @pc (csd's, the kernel's), cached."""
    name = cache.get(pc)
    if name is None:
        block = gdb.block_for_pc(pc)
        while block is not None and block.function is None:
            block = block.superblock
        if block is not None:
            name = block.function.name
        else:
            # No DWARF for it (a thunk, an assembly routine): its symbol.
            out = gdb.execute("info symbol 0x%x" % pc, to_string=True)
            name = out.split(" in section")[0].split(" + ")[0].strip()
            if not name or " " in name:
                name = "0x%x" % pc
        cache[pc] = name
    return name


class CsdInsns(CsdCommand):
    """Count the instructions each call of csd's probes executes.

Usage: csd-insns [--calls N] [--list] [FUNCTION...]

Lets the guest run until FUNCTION (default: csd_probe_setup and
csd_probe_complete, one after the other; a function with code of its
own, not one inlined everywhere) is called N times (default 10; it
waits for as long as that takes: Ctrl-C stops it),
and single-steps each call from its first instruction to its return,
counting every instruction executed, in csd and in the kernel functions
it calls (ktime_get, the return thunk...). Prints, per FUNCTION, each
call's total and, for the fewest (the common path: a call that sets a
new latency maximum runs a few more), the instructions by
function ("[no-symbol]": code without a symbol, such as a BPF program's
and its trampoline's). --list prints the first call's instructions as
they run.
Unlike csd's other commands this one resumes the guest, which
needs I/O to run (make gdb's guest reads a block every 0.3 s). Under TCG
with -icount shift=0, as in make bench's cost guest, an instruction is
one nanosecond of guest CPU: this is the exact cost of a probe that the
bench's slices estimate. QEMU's stub keeps interrupts off while it
single-steps, so none is counted."""

    name = "csd-insns"
    USAGE = "[--calls N] [--list] [FUNCTION...]"
    # A probe's call is a few hundred instructions: far more is a spin on
    # another vCPU, a wrong stop or a runaway, not a measurement.
    MAX_STEPS = 10000
    MAX_STALLS = 3

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_DATA)

    def run(self, argv):
        calls = 10
        listing = False
        funcs = []
        while argv:
            a = argv.pop(0)
            if a == "--calls" and argv and argv[0].isdigit():
                calls = int(argv.pop(0))
            elif a == "--list":
                listing = True
            elif a.startswith("-"):
                self.usage(self.USAGE)
            else:
                funcs.append(a)
        if calls < 1:
            self.usage(self.USAGE)
        for f in funcs or ["csd_probe_setup", "csd_probe_complete"]:
            self.count(f, calls, listing)

    def entry(self, func):
        """The address of @func's out-of-line code (inlined: none)."""
        try:
            return int(gdb.parse_and_eval("(unsigned long)&%s" % func))
        except gdb.error:
            raise CsdError("no function %s with code of its own (inlined "
                           "everywhere, or csd.ko's symbols not loaded)" %
                           func)

    def step_call(self, ret, sp, cache, listing):
        """Single-step from a function's entry to @ret; counts by function."""
        by_func = {}
        n = 0
        while True:
            pc = int(gdb.parse_and_eval("$pc"))
            if pc == ret and int(gdb.parse_and_eval("$sp")) > sp:
                return n, by_func
            if n >= self.MAX_STEPS:
                raise _Stalled("no return after %d instructions (pc 0x%x)"
                               % (n, pc))
            name = _pc_function(pc, cache)
            # Code with no symbol (in csd's paths, the BPF JIT's: a
            # completion program and its struct_ops trampoline) counts
            # as one; --list shows each address.
            key = NO_SYMBOL if name.startswith("0x") else name
            by_func[key] = by_func.get(key, 0) + 1
            if listing:
                gdb.write("    %-28s %s" % (name, gdb.execute(
                    "x/i 0x%x" % pc, to_string=True).split(":", 1)[1]))
            n += 1
            gdb.execute("stepi", to_string=True)

    def count(self, func, calls, listing):
        cache = {}
        totals = []
        paths = {}
        allpaths = []
        addr = self.entry(func)
        bp = None
        saved = {}
        try:
            # Step this vCPU alone: with the others running, a
            # timekeeping update on another CPU makes ktime_get() retry,
            # which it almost never does in a guest running freely. And
            # no "stopped at" line per step.
            for param, value in (("scheduler-locking", "step"),
                                 ("suppress-cli-notifications", "on")):
                saved[param] = gdb.parameter(param)
                gdb.execute("set %s %s" % (param, value))
            bp = gdb.Breakpoint("*0x%x" % addr, internal=True)
            stalls = 0
            while len(totals) < calls:
                bp.enabled = True
                gdb.execute("continue", to_string=True)
                bp.enabled = False
                pc = int(gdb.parse_and_eval("$pc"))
                if pc != addr:
                    raise CsdError("the guest stopped at 0x%x, not at %s "
                                   "(interrupted?)" % (pc, func))
                sp = int(gdb.parse_and_eval("$sp"))
                ret = int(gdb.parse_and_eval("*(unsigned long *)$sp"))
                try:
                    n, by_func = self.step_call(ret, sp, cache,
                                                listing and not totals)
                except _Stalled as e:
                    # Spinning on what another vCPU holds (a timekeeping
                    # update's seqcount, say), which cannot run while
                    # this one steps alone: not a count. The next
                    # "continue" lets it finish; count another call.
                    stalls += 1
                    gdb.write("%s: a call skipped: %s, waiting for another "
                              "vCPU\n" % (func, e))
                    if stalls > self.MAX_STALLS:
                        raise CsdError("%d calls did not return"
                                       % stalls)
                    continue
                totals.append(n)
                paths.setdefault(n, by_func)
                allpaths.append(by_func)
        finally:
            if bp is not None:
                bp.delete()
            for param, value in saved.items():
                if isinstance(value, bool):
                    value = "on" if value else "off"
                try:
                    gdb.execute("set %s %s" % (param, value))
                except gdb.error:
                    pass
        # The common path: a call that sets a new latency maximum (a
        # zone's, a CPU's; frequent here, as stepping stretches the
        # latency of the call it steps) runs a few instructions more.
        common = min(totals)
        gdb.write("%s: %d calls, instructions per call: %s\n" %
                  (func, calls, " ".join(str(t) for t in totals)))
        gdb.write("  the fewest, %d (%d of %d calls), by function:\n" %
                  (common, totals.count(common), calls))
        for name, k in sorted(paths[common].items(), key=lambda x: -x[1]):
            gdb.write("    %-36s %5d\n" % (name, k))
        base = paths[common]
        for i, p in enumerate(allpaths):
            if totals[i] == common:
                continue
            diff = ["%s %+d" % (f, p.get(f, 0) - base.get(f, 0))
                    for f in sorted(set(p) | set(base))
                    if p.get(f, 0) != base.get(f, 0)]
            gdb.write("  call %d, %d: %s\n" % (i + 1, totals[i], ", ".join(diff)))


class CsdVar(gdb.Function):
    """$csd_var("NAME"): csd's variable NAME, at its real address.

gdb places a module's static variables wrongly (see ModuleSymbols in
gdb/csd.py): `p csd_exec_list` reads the wrong memory, while
`p $csd_var("csd_exec_list")` reads the right one."""

    def __init__(self):
        super().__init__("csd_var")

    def invoke(self, name):
        try:
            v = Csd().var(name.string())
        except CsdError as e:
            raise gdb.GdbError("$csd_var: %s" % e)
        if v is None:
            raise gdb.GdbError("$csd_var: no variable %s in csd.ko" %
                               name.string())
        return v


CsdVar()
CsdDevices()
CsdStats()
CsdZones()
CsdInflight()
CsdProgs()
CsdInsns()
