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
#
# They read memory only: nothing runs in the guest, so they work at any
# breakpoint, in interrupt context, or on a hung kernel. They need the
# kernel's gdb scripts (source vmlinux-gdb.py) and csd.ko's symbols
# (lx-symbols DIR, with DIR holding the csd.ko the guest loaded).
#
# Sums and percentiles follow module/snapshot.c and hist.c (csd_row_sum, csd_fill_row,
# csd_hist_pct, csd_hist_mid, csd_fill_zone) and module/chardev.c
# (csd_collect_rows), so csd-stats prints what CSD_IOC_NS_STATS returns.
# Layout constants come from uapi/linux/csd.h next to this file and are
# checked against csd.ko's DWARF.

import json
import os
import re
import struct

import gdb

try:
    from linux import cpus, modules, utils
except ImportError:
    raise gdb.GdbError("csd.py needs the kernel's gdb scripts: "
                       "source vmlinux-gdb.py first")

U64_MAX = (1 << 64) - 1
LIST_MAX = 4096          # bound on list walks: a corrupt list ends there

NOT_LOADED = ("csd.ko symbols not loaded: run lx-symbols <dir> with <dir> "
              "holding the csd.ko the guest loaded")


class CsdError(Exception):
    pass


# -- what uapi/linux/csd.h says -------------------------------------------

class Uapi:
    """Names and histogram layout from uapi/linux/csd.h (or defaults)."""

    op_names = ["read", "write", "append", "flush", "write-uncor", "compare",
                "write-zeroes", "dsm", "verify", "copy", "zone-close",
                "zone-finish", "zone-open", "zone-reset", "zone-offline",
                "zone-send-other", "zone-recv", "other"]
    sz_names = ["-", "<=4K", "<=16K", "<=64K", "<=256K", "<=1M", ">1M"]
    consts = {
        "CSD_HIST_MAX_SHIFT": 36, "CSD_HIST_FIRST_SHIFT": 6,
        "CSD_HIST_SUB_BITS": 6, "CSD_ZHIST_FIRST_SHIFT": 10,
        "CSD_ZHIST_SUB_BITS": 1, "CSD_ZIO_NR": 3,
    }
    source = "built-in defaults"

    @classmethod
    def load(cls):
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(here, "..", "uapi", "linux", "csd.h")
        try:
            with open(path) as f:
                text = f.read()
        except OSError:
            return
        for name, attr in (("CSD_OP_NAMES", "op_names"),
                           ("CSD_SZ_NAMES", "sz_names")):
            m = re.search(r"#define\s+%s\s*\{(.*?)\}" % name, text, re.S)
            if m:
                setattr(cls, attr, re.findall(r'"([^"]*)"', m.group(1)))
        for m in re.finditer(r"^#define\s+(CSD_\w+)\s+(\d+)\b", text, re.M):
            if m.group(1) in cls.consts:
                cls.consts[m.group(1)] = int(m.group(2))
        cls.source = os.path.normpath(path)


Uapi.load()

# The NVMe opcode of each operation class (chardev.c csd_op_opcode).
OP_OPCODE = {"read": 0x02, "write": 0x01, "append": 0x7d, "flush": 0x00,
             "write-uncor": 0x04, "compare": 0x05, "write-zeroes": 0x08,
             "dsm": 0x09, "verify": 0x0c, "copy": 0x19,
             "zone-close": 0x79, "zone-finish": 0x79, "zone-open": 0x79,
             "zone-reset": 0x79, "zone-offline": 0x79,
             "zone-send-other": 0x79, "zone-recv": 0x7a}

# Admin opcode names, as csdctl prints them (tools/csdctl/names.c).
ADMIN_NAMES = {
    0x00: "delete-sq", 0x01: "create-sq", 0x02: "get-log-page",
    0x04: "delete-cq", 0x05: "create-cq", 0x06: "identify", 0x08: "abort",
    0x09: "set-features", 0x0a: "get-features", 0x0c: "async-event",
    0x0d: "ns-mgmt", 0x10: "fw-commit", 0x11: "fw-download",
    0x14: "self-test", 0x15: "ns-attach", 0x18: "keep-alive",
    0x19: "directive-send", 0x1a: "directive-recv", 0x1c: "virt-mgmt",
    0x1d: "nvme-mi-send", 0x1e: "nvme-mi-recv", 0x7c: "dbbuf-config",
    0x7f: "fabrics", 0x80: "format-nvm", 0x81: "security-send",
    0x82: "security-recv", 0x84: "sanitize", 0x86: "get-lba-status",
}

# I/O opcodes for csd-inflight.
NVME_IO_NAMES = {0x00: "flush", 0x01: "write", 0x02: "read",
                 0x04: "write-uncor", 0x05: "compare", 0x08: "write-zeroes",
                 0x09: "dsm", 0x0c: "verify", 0x19: "copy",
                 0x79: "zone-send", 0x7a: "zone-recv", 0x7d: "append"}



def req_op_name(op):
    """The block layer's name of a request's operation (enum req_op)."""
    t = _lookup_type("enum req_op")
    if t is not None:
        for f in t.fields():
            if f.enumval == op and f.name.startswith("REQ_OP_"):
                return f.name[len("REQ_OP_"):].lower()
    return "req-op-%d" % op


# -- formatting, as csdctl's fmt.c ------------------------------------------

def _c_round(v, digits):
    # printf's %.Nf rounds the binary value half to even, as Python does.
    return "%.*f" % (digits, v)


def _fmt_scaled(v, step, units):
    u = 0
    while v >= step - 0.5 and u < len(units) - 1:
        v /= step
        u += 1
    if v < 9.995:
        return _c_round(v, 2) + units[u]
    if v < 99.95:
        return _c_round(v, 1) + units[u]
    return _c_round(v, 0) + units[u]


def fmt_ns(ns):
    if ns < 1000:
        return "%dns" % ns
    return _fmt_scaled(float(ns), 1000, ["ns", "us", "ms", "s"])


def fmt_bytes(b):
    if b < 1024:
        return "%dB" % b
    return _fmt_scaled(float(b), 1024, ["B", "K", "M", "G", "T", "P", "E"])


def op_label(op, opcode):
    if op == op_other():
        return "other(0x%02x)" % opcode
    if op < len(Uapi.op_names):
        return Uapi.op_names[op]
    return "op-%u" % op


def admin_label(opcode):
    return ADMIN_NAMES.get(opcode & 0xff, "admin(0x%02x)" % (opcode & 0xff))


def op_other():
    return Uapi.op_names.index("other")


# -- reading the guest ------------------------------------------------------

def _read(addr, size):
    return bytes(gdb.selected_inferior().read_memory(int(addr), size))


def _u64s(addr, n):
    return struct.unpack("<%dQ" % n, _read(addr, 8 * n))


def _offsets(t):
    """{field: byte offset} of a struct type."""
    return {f.name: f.bitpos // 8 for f in t.strip_typedefs().fields()
            if f.name}


def _array_len(t):
    t = t.strip_typedefs()
    lo, hi = t.range()
    return hi - lo + 1


def _lookup_type(name):
    try:
        return gdb.lookup_type(name)
    except gdb.error:
        return None


class ModuleSymbols:
    """Addresses of a loaded module's variables from its ELF symbol table.

gdb 13 places the DWARF addresses of a module's static variables (and
those in sections other than .text) relative to .text, even with
lx-symbols' per-section add-symbol-file: `p &some_static` is wrong.
So csd.py takes (section, offset) from the .ko's .symtab and the
section's address from the guest's module->sect_attrs."""

    _cache = {}

    def __init__(self, path, mod):
        key = (path, os.path.getmtime(path))
        syms = ModuleSymbols._cache.get(key)
        if syms is None:
            syms = ModuleSymbols._cache[key] = self._parse(path)
        self.syms = syms
        self.sect = {}
        sa = mod["sect_attrs"]
        if int(sa):
            attrs = sa["attrs"]
            for i in range(int(sa["nsections"])):
                a = attrs[i]
                self.sect[_str(a["battr"]["attr"]["name"])] = int(a["address"])

    @staticmethod
    def _parse(path):
        with open(path, "rb") as f:
            elf = f.read()
        if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
            raise CsdError("%s: not a little-endian ELF64 file" % path)
        shoff, = struct.unpack_from("<Q", elf, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3a)
        sh = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize)
              for i in range(shnum)]

        def name_at(tab, off):
            start = sh[tab][4] + off
            return elf[start:elf.index(b"\0", start)].decode()
        names = [name_at(shstrndx, h[0]) for h in sh]
        out = {}
        for i, h in enumerate(sh):
            if h[1] != 2:       # SHT_SYMTAB
                continue
            strtab = h[6]
            for k in range(h[5] // h[9]):
                st_name, info, _, shndx, value, _ = struct.unpack_from(
                    "<IBBHQQ", elf, h[4] + k * h[9])
                if (info & 0xf) != 1 or not 0 < shndx < shnum:
                    continue    # objects only
                out[name_at(strtab, st_name)] = (names[shndx], value)
        return out

    def address(self, name):
        ent = self.syms.get(name)
        if ent is None or ent[0] not in self.sect:
            return None
        return self.sect[ent[0]] + ent[1]


def _is_var(sym):
    """A variable's definition, or a declaration of one (extern in a
    header: gdb may find that first; only its type is used here)."""
    return sym is not None and (
        sym.is_variable or
        sym.addr_class == getattr(gdb, "SYMBOL_LOC_UNRESOLVED", -1))


def _dwarf_symbol(name):
    lookups = [gdb.lookup_global_symbol]
    if hasattr(gdb, "lookup_static_symbol"):
        lookups.append(gdb.lookup_static_symbol)
    lookups.append(lambda n: gdb.lookup_symbol(n)[0])
    for look in lookups:
        try:
            sym = look(name)
        except gdb.error:
            continue
        if _is_var(sym):
            return sym
    return None


def _symbol_value(name, modsyms=None):
    """A variable as a gdb.Value (at the ELF symbol table's address for a
    module's variable), or None."""
    sym = _dwarf_symbol(name)
    if sym is None:
        return None
    if modsyms is not None:
        addr = modsyms.address(name)
        if addr is None:
            return None
        return gdb.Value(addr).cast(sym.type.pointer()).dereference()
    try:
        return sym.value()
    except gdb.error:
        return None


def _int(v):
    """An integer through wrapper structs (atomic_t, local64_t, ...)."""
    t = v.type.strip_typedefs()
    while t.code == gdb.TYPE_CODE_STRUCT:
        v = v[t.fields()[0]]
        t = v.type.strip_typedefs()
    return int(v)


def _str(v):
    try:
        return v.string(errors="replace")
    except (gdb.error, gdb.MemoryError, UnicodeDecodeError):
        return "?"


class Cpus:
    """Possible CPUs and their per-CPU offsets, read once per command."""

    def __init__(self):
        try:
            self.ids = list(cpus.each_possible_cpu())
        except gdb.error:
            self.ids = [0]
        self.off = {}
        for c in self.ids:
            try:
                self.off[c] = int(gdb.parse_and_eval(
                    "__per_cpu_offset[%d]" % c))
            except gdb.error:
                self.off[c] = 0     # !CONFIG_SMP

    def ptrs(self, pcpu_ptr):
        """The address of each CPU's copy of a __percpu pointer."""
        base = int(pcpu_ptr)
        return [(base + self.off[c]) & U64_MAX for c in self.ids]


class Csd:
    """csd's types and symbols, checked; raises CsdError if unusable."""

    def __init__(self):
        try:
            gdb.parse_and_eval("modules")
        except gdb.error:
            raise CsdError("no kernel symbols: load vmlinux (with DWARF) and "
                           "source vmlinux-gdb.py first")
        self.ns_t = _lookup_type("struct csd_ns")
        self.obj = None
        for o in gdb.objfiles():
            if o.filename and os.path.basename(o.filename) in \
                    ("csd.ko", "csd.ko.debug"):
                self.obj = o
        if self.ns_t is None or self.obj is None:
            raise CsdError(NOT_LOADED)
        try:
            self.mod = modules.find_module_by_name("csd")
        except (gdb.error, gdb.MemoryError) as e:
            raise CsdError("cannot read the guest's module list: %s "
                           "(is gdb attached to the guest?)" % e)
        if self.mod is None:
            raise CsdError("csd is not loaded in the guest "
                           "(no module 'csd' in the module list)")
        self._check_address()
        self._check_build_id()
        self.syms = ModuleSymbols(self.obj.filename, self.mod)
        self.ns_list = self.var("csd_ns_list")
        if self.ns_list is None:
            raise CsdError("no csd_ns_list in %s (DWARF symbol: %s, ELF "
                           "symbol: %s, its section loaded: %s)" % (
                               self.obj.filename,
                               _dwarf_symbol("csd_ns_list") is not None,
                               self.syms.syms.get("csd_ns_list"),
                               sorted(self.syms.sect)))
        self.cpus = Cpus()
        self.stats_t = gdb.lookup_type("struct csd_stats")
        self.row_t = gdb.lookup_type("struct csd_row_pcpu")
        self.tot_t = gdb.lookup_type("struct csd_tot_pcpu")
        self.hist_t = gdb.lookup_type("struct csd_hist_pcpu")
        self.zone_t = gdb.lookup_type("struct csd_zone")
        self.slot_t = gdb.lookup_type("struct csd_slot")
        self.nr_rows = _array_len(self.stats_t["hist"].type)
        self.nr_sz = len(Uapi.sz_names)
        self.nr_buckets = _array_len(self.hist_t["b"].type)
        k = Uapi.consts
        want = ((1 << k["CSD_HIST_SUB_BITS"]) *
                (k["CSD_HIST_MAX_SHIFT"] - k["CSD_HIST_FIRST_SHIFT"] + 1) + 1)
        if want != self.nr_buckets or \
                self.nr_rows != len(Uapi.op_names) * self.nr_sz:
            raise CsdError("csd.ko's tables (%d rows, %d buckets) do not "
                           "match %s: use the csd.py of the tree csd.ko was "
                           "built from" % (self.nr_rows, self.nr_buckets,
                                           Uapi.source))
        zh = self.zone_t["hist"].type.strip_typedefs()
        self.zio_nr = _array_len(zh)
        self.nr_zbuckets = _array_len(zh.target())
        self.pct = self._percentiles()

    def var(self, name):
        """One of csd's variables, or None."""
        return _symbol_value(name, self.syms)

    def _check_address(self):
        """gdb's address of csd_ns_list (a global: right unless the symbols
        are stale) must lie in the loaded module's memory."""
        sym = gdb.lookup_global_symbol("csd_ns_list")
        if sym is None:
            raise CsdError(NOT_LOADED)
        addr = int(sym.value().address)
        try:
            mem = self.mod["mem"]
            n = _array_len(mem.type)
            for i in range(n):
                base = int(mem[i]["base"])
                size = int(mem[i]["size"])
                if base <= addr < base + size:
                    return
        except gdb.error:
            return      # an older struct module: cannot tell
        raise CsdError("csd.ko symbols are stale: csd_ns_list at 0x%x is "
                       "outside the loaded csd module (reloaded?): run "
                       "lx-symbols again" % addr)

    def _check_build_id(self):
        """The guest's csd.ko and the symbol file must be the same build."""
        want = getattr(self.obj, "build_id", None)
        if not want:
            return
        guest = _module_build_id(self.mod)
        if guest and guest != want:
            raise CsdError("csd.ko symbols do not match the guest's csd "
                           "(build-id %s, guest %s): run lx-symbols with the "
                           "csd.ko the guest loaded" % (want, guest))

    def _percentiles(self):
        """[(key, num, den)]: snapshot.c's csd_pct_num/csd_pct_den."""
        num, den = self.var("csd_pct_num"), self.var("csd_pct_den")
        vals = None
        try:
            if num is not None and den is not None:
                n = _array_len(num.type)
                vals = [(int(num[i]), int(den[i])) for i in range(n)]
        except (gdb.error, gdb.MemoryError):
            vals = None
        if not vals or any(d == 0 for _, d in vals):
            vals = [(50, 100), (90, 100), (99, 100), (999, 1000),
                    (9999, 10000)]
        out = []
        for n, d in vals:
            key = ("%.10g" % (100.0 * n / d))
            out.append(("p" + key, n, d))
        return out

    # -- namespaces

    def namespaces(self):
        """Entries of csd_ns_list, in order (gdb.Value pointers)."""
        head = self.ns_list.address
        ptr_t = self.ns_t.pointer()
        off = utils.offset_of(ptr_t, "node")
        node = self.ns_list["next"]
        out = []
        seen = set()
        for _ in range(LIST_MAX):
            if int(node) == int(head):
                return out
            if int(node) == 0 or int(node) in seen:
                raise CsdError("csd_ns_list is broken after %d entries (%s)"
                               % (len(out), "NULL next" if not int(node)
                                  else "a loop"))
            seen.add(int(node))
            ns = gdb.Value(int(node) - off).cast(ptr_t)
            out.append(ns)
            node = node.dereference()["next"]
        raise CsdError("csd_ns_list does not end after %d entries" % LIST_MAX)

    def pick(self, disk):
        """The entry of DISK (as csdctl's ns_pick), or raise."""
        want = disk[5:] if disk.startswith("/dev/") else disk
        found = None
        for ns in self.namespaces():
            d = Ns(self, ns)
            if d.admin:
                if d.ctrl != want:
                    continue
            elif not _disk_matches(d.disk, want):
                continue
            if found is None or not d.dead:
                found = d
        if found is None:
            raise CsdError("csd has seen no I/O on %s (not an NVMe namespace, "
                           "or idle since csd was loaded)" % want)
        return found


def _disk_matches(have, want):
    if have == want:
        return True
    m1 = re.fullmatch(r"nvme(\d+)c(\d+)n(\d+)", have)
    m2 = re.fullmatch(r"nvme(\d+)n(\d+)", want)
    return bool(m1 and m2 and m1.group(1) == m2.group(1) and
                m1.group(3) == m2.group(2))


def _module_build_id(mod):
    """The GNU build-id note of a loaded module, as hex, or None."""
    try:
        na = mod["notes_attrs"]
        if int(na) == 0:
            return None
        for i in range(int(na["notes"])):
            attr = na["attrs"][i]
            name = _str(attr["attr"]["name"])
            if name != ".note.gnu.build-id":
                continue
            addr, size = int(attr["private"]), int(attr["size"])
            data = _read(addr, size)
            pos = 0
            while pos + 12 <= len(data):
                namesz, descsz, typ = struct.unpack_from("<III", data, pos)
                pos += 12
                nm = data[pos:pos + namesz]
                pos += (namesz + 3) & ~3
                desc = data[pos:pos + descsz]
                pos += (descsz + 3) & ~3
                if typ == 3 and nm.rstrip(b"\0") == b"GNU":
                    return desc.hex()
    except (gdb.error, gdb.MemoryError):
        return None
    return None


class Ns:
    """One struct csd_ns, with the fields csdctl shows."""

    def __init__(self, csd, ns):
        self.csd = csd
        self.v = ns
        self.addr = int(ns)
        self.id = int(ns["id"])
        self.nsid = int(ns["nsid"])
        self.zoned = bool(ns["zoned"])
        self.admin = bool(ns["admin"])
        self.disabled = bool(ns["disabled"])
        self.disk = _str(ns["disk_name"])
        self.ctrl = _str(ns["ctrl_name"])
        self.lba_shift = int(ns["lba_shift"])
        self.capacity = int(ns["capacity"])
        self.zone_sectors = int(ns["zone_sectors"])
        self.nr_zones = int(ns["nr_zones"])
        self.stats = int(ns["stats"])
        self.dead = self._dead()

    def _dead(self):
        """csd_ns_is_dead(): queue dying, or (not admin) no disk."""
        try:
            q = self.v["q"]
            bit = int(gdb.parse_and_eval("(int)QUEUE_FLAG_DYING"))
            dying = (int(q["queue_flags"]) >> bit) & 1
            return bool(dying) or (not self.admin and int(q["disk"]) == 0)
        except (gdb.error, gdb.MemoryError):
            return False

    def name(self):
        return self.ctrl + " (admin)" if self.admin else self.disk

    def flags(self):
        f = []
        if self.zoned:
            f.append("zoned")
        if self.dead:
            f.append("dead")
        if self.disabled:
            f.append("disabled")
        if self.admin:
            f.append("admin")
        if not self.stats:
            f.append("pending")
        return f

    def epoch(self):
        if not self.stats:
            return None
        return gdb.Value(self.stats).cast(self.csd.stats_t.pointer())


class Epoch:
    """Sums of one struct csd_stats over the possible CPUs."""

    def __init__(self, csd, s):
        self.csd = csd
        self.s = s
        self.gen = int(s["gen"])
        self.since_ns = int(s["since_ns"])
        self.nr_regions = int(s["nr_regions"])
        self.region_shift = int(s["region_shift"])
        self.region_sectors = int(s["region_sectors"])
        t = csd.tot_t
        to = _offsets(t)
        tsize = t.sizeof
        self.submitted = self.completed = self.aborted = self.dropped = 0
        ncls = _array_len(t["class_count"].type)
        self.class_count = [0] * ncls
        self.class_lat_sum = [0] * ncls
        self.other = [0] * 256
        tot = int(s["tot"])
        if tot:
            for p in csd.cpus.ptrs(tot):
                b = _read(p, tsize)

                def q(name, i=0):
                    return struct.unpack_from("<Q", b, to[name] + 8 * i)[0]
                self.submitted = (self.submitted + q("submitted")) & U64_MAX
                self.completed = (self.completed + q("completed")) & U64_MAX
                self.aborted = (self.aborted + q("aborted")) & U64_MAX
                self.dropped = (self.dropped + q("dropped")) & U64_MAX
                for i in range(ncls):
                    self.class_count[i] += q("class_count", i)
                    self.class_lat_sum[i] += q("class_lat_sum", i)
                oth = struct.unpack_from("<256Q", b, to["other_opcode"])
                for i in range(256):
                    self.other[i] += oth[i]
        self.errors_other = int(s["errors_other"]["counter"]) & U64_MAX
        self.zone_unbinned = int(s["zone_unbinned"]["counter"]) & U64_MAX
        self._rows = None

    def row_sums(self):
        """csd_row_sum() of every row: a list of dicts."""
        if self._rows is not None:
            return self._rows
        csd = self.csd
        rt = csd.row_t
        ro = _offsets(rt)
        nr = csd.nr_rows
        rows = [dict(count=0, bytes=0, errors=0, retries=0, unbinned=0,
                     lat_sum=0, lat_min=U64_MAX, lat_max=0)
                for _ in range(nr)]
        base = int(self.s["rows"])
        if base:
            for p in csd.cpus.ptrs(base):
                b = _read(p, rt.sizeof * nr)
                for i in range(nr):
                    o = i * rt.sizeof
                    r = rows[i]
                    for k in ("count", "bytes", "errors", "retries",
                              "unbinned", "lat_sum"):
                        r[k] = (r[k] + struct.unpack_from(
                            "<Q", b, o + ro[k])[0]) & U64_MAX
                    mn = struct.unpack_from("<Q", b, o + ro["lat_min"])[0]
                    mx = struct.unpack_from("<Q", b, o + ro["lat_max"])[0]
                    r["lat_min"] = min(r["lat_min"], mn)
                    r["lat_max"] = max(r["lat_max"], mx)
        for r in rows:
            if not r["count"]:
                r["lat_min"] = 0
        self._rows = rows
        return rows

    def row_hist(self, row):
        """csd_row_hist(): the summed buckets, or None without one."""
        h = int(self.s["hist"][row])
        if not h:
            return None
        n = self.csd.nr_buckets
        out = [0] * n
        for p in self.csd.cpus.ptrs(h):
            for i, v in enumerate(_u64s(p, n)):
                out[i] += v
        return [v & U64_MAX for v in out]

    def statuses(self):
        """csd_collect_status(): (op, opcode, status, count) per slot."""
        out = []
        st = self.s["status"]
        for i in range(_array_len(st.type)):
            key = int(st[i]["key"]["counter"]) & 0xffffffff
            if not key:
                continue
            out.append(((key >> 19) & 0xff, (key >> 11) & 0xff, key & 0x7ff,
                        int(st[i]["count"]["counter"]) & U64_MAX))
        return out


def hist_mid(b, first, sub):
    """csd_hist_mid()."""
    max_shift = Uapi.consts["CSD_HIST_MAX_SHIFT"]
    last = (max_shift - first + 1) << sub
    if b >= last:
        return 1 << max_shift
    if b < (1 << sub):
        width = 1 << (first - sub)
        return (b << (first - sub)) + width // 2
    j = b >> sub
    k = first + j - 1
    width = 1 << (k - sub)
    low = (1 << k) + (b & ((1 << sub) - 1)) * width
    return low + width // 2


def hist_pct(b, count, first, sub, num, den):
    """csd_hist_pct(): the midpoint of the bucket at rank ceil(count*num/den)."""
    if not count:
        return 0
    rank = ((count * num + den - 1) & U64_MAX) // den
    if not rank:
        rank = 1
    cum = 0
    for i, v in enumerate(b):
        cum += v
        if cum >= rank:
            return hist_mid(i, first, sub)
    return hist_mid(len(b) - 1, first, sub)


def fill_row(ep, row):
    """csd_fill_row(): a dict like struct csd_stat_row."""
    csd = ep.csd
    s = ep.row_sums()[row]
    r = dict(op=row // csd.nr_sz, size_class=row % csd.nr_sz,
             opcode=0, count=s["count"], bytes=s["bytes"],
             errors=s["errors"], retries=s["retries"],
             unbinned=s["unbinned"], lat_sum=s["lat_sum"],
             lat_min=s["lat_min"], lat_max=s["lat_max"], hist=False,
             pct=[0] * len(csd.pct))
    if not s["count"]:
        return r
    b = ep.row_hist(row)
    if b is None:
        return r
    binned = sum(b) & U64_MAX
    if not binned:
        return r
    r["hist"] = True
    k = Uapi.consts
    for i, (_, num, den) in enumerate(csd.pct):
        v = hist_pct(b, binned, k["CSD_HIST_FIRST_SHIFT"],
                     k["CSD_HIST_SUB_BITS"], num, den)
        r["pct"][i] = min(max(v, s["lat_min"]), s["lat_max"])
    return r


def collect_rows(ep, admin):
    """csd_collect_rows(): rows with commands, then other opcodes."""
    csd = ep.csd
    other = op_other()
    rows = []
    for row in range(csd.nr_rows):
        if row // csd.nr_sz == other:
            continue
        r = fill_row(ep, row)
        if not r["count"]:
            continue
        r["opcode"] = OP_OPCODE.get(Uapi.op_names[r["op"]], 0)
        rows.append(r)
    st = ep.statuses()
    adm = int(ep.s["admin"]) if admin else 0
    a_t = _lookup_type("struct csd_admin_op")
    for opc in range(256):
        cnt = ep.other[opc] & U64_MAX
        if not cnt:
            continue
        r = dict(op=other, size_class=0, opcode=opc, count=cnt, bytes=0,
                 errors=sum(c for o, oc, _, c in st
                            if o == other and oc == opc),
                 retries=0, unbinned=0, lat_sum=0, lat_min=0, lat_max=0,
                 hist=False, pct=[0] * len(csd.pct))
        if adm and a_t is not None:
            a = (gdb.Value(adm).cast(a_t.pointer()) + opc).dereference()
            mn = int(a["lat_min"]["counter"]) & U64_MAX
            r["lat_sum"] = int(a["lat_sum"]["counter"]) & U64_MAX
            r["lat_min"] = 0 if mn == U64_MAX else mn
            r["lat_max"] = int(a["lat_max"]["counter"]) & U64_MAX
        rows.append(r)
    return rows


def row_has_lat(r):
    """csdctl's row_has_lat(): other rows have latencies on admin queues."""
    return bool(r["count"]) and (r["op"] != op_other() or r["lat_max"])


def row_lats(csd, r):
    """[(key, value or None)]: min, mean, percentiles, max (csdctl's keys)."""
    lat = row_has_lat(r)
    pct = lat and r["hist"]
    out = [("min", r["lat_min"] if lat else None),
           ("mean", r["lat_sum"] // r["count"] if lat else None)]
    for i, (key, _, _) in enumerate(csd.pct):
        out.append((key, r["pct"][i] if pct else None))
    out.append(("max", r["lat_max"] if lat else None))
    return out


def zone_table(ep, zones_addr, first, last):
    """csd_fill_zone() of zones first..last: dicts like struct
    csd_zone_entry. The table is read 256 zones at a time."""
    zsize = ep.csd.zone_t.sizeof
    out = []
    z = first
    # Zone sends to every zone are counted once, in the epoch's all_zones.
    allb = _read(int(ep.s["all_zones"].address), zsize)
    while z <= last:
        n = min(256, last - z + 1)
        b = _read(zones_addr + z * zsize, n * zsize)
        for i in range(n):
            out.append(fill_zone(ep, z + i, b, i * zsize, allb))
        z += n
    return out


def fill_zone(ep, zi, b, base, allb):
    """csd_fill_zone() of zone zi, read at b[base:], plus the epoch's
    all-zones counters read at allb."""
    csd = ep.csd
    zo = _offsets(csd.zone_t)
    e = dict(index=zi, start_sector=zi << ep.region_shift, io=[],
             opens=0, closes=0, finishes=0, resets=0, offlines=0, errors=0)
    nio, nzb = csd.zio_nr, csd.nr_zbuckets
    k = Uapi.consts

    def q(name, i):
        return struct.unpack_from("<q", b, base + zo[name] + 8 * i)[0] & \
            U64_MAX

    def d(name, i=0, buf=b, at=base):
        return struct.unpack_from("<i", buf, at + zo[name] + 4 * i)[0] & \
            0xffffffff
    for i in range(nio):
        io = dict(count=q("count", i), bytes=q("bytes", i),
                  lat_sum=q("lat_sum", i), lat_max=q("lat_max", i), p99=0)
        if io["count"]:
            hb = [d("hist", i * nzb + j) for j in range(nzb)]
            io["p99"] = min(hist_pct(hb, sum(hb), k["CSD_ZHIST_FIRST_SHIFT"],
                                     k["CSD_ZHIST_SUB_BITS"], 99, 100),
                            io["lat_max"])
        e["io"].append(io)
    for name in ("opens", "closes", "finishes", "resets", "offlines",
                 "errors"):
        e[name] = (d(name) + d(name, buf=allb, at=0)) & 0xffffffff
    return e


def zone_active(e):
    return any(io["count"] for io in e["io"]) or \
        any(e[k] for k in ("opens", "closes", "finishes", "resets",
                           "offlines", "errors"))


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
            gdb.write("csd tracks no namespaces yet (it learns them from "
                      "their first command)\n")
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
