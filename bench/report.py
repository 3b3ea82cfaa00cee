"""bench/report.py - the report of a bench/run.

    python3 bench/report.py RAW RESULTS_DIR ROOT BUILD

RAW is the file of measurements bench/run wrote (bench/data/MODE/out/
raw.txt): one line each, a kind then key=value pairs ("text" lines: a key
then free text). This computes the medians, ratios and targets, profiles
with perf the workloads that miss a target, prints the report and writes it
to RESULTS_DIR: latest.md, and a timestamped .md and .csv.
"""
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys

TARGET_RATIO_BASE = 0.5
TARGET_RATIO_SQLITE = 10.0
TARGET_EMPTY_MS = 0.5
TARGET_SCALING = 0.7
TARGET_SPIKE = 2.0
TARGET_STATE_GROWTH = 1.05
# workload: (per second of what, target)
OWN_TARGETS = {"W1": ("words/s", 15e6), "W2": ("rows/s", 10e6),
               "W3": ("input bytes/s", 1e9)}
DESC = {"W1": "word count per batch",
        "W2": "sliding window per sensor, SIZE 60 s, SLIDE 1 s (CSV)",
        "W3": "filter temp > %s, 3 columns (CSV)",
        "W4": "event time: tumbling 5 s on ts, watermark 3 s (JSON)",
        "W5": "top 10 words per 10 s tumbling window"}
ENGINES = ["dstream", "baseline", "sqlite", "duckdb"]
# stages of the dstream program: a sample is in a stage when one of these
# functions is on its stack
STAGES = [("reading and decoding the input", {"file_pull"}),
          ("printing the results", {"print_result"})]


# ------------------------------------------------------------ reading

def kv(text):
    return dict(m.groups() for m in re.finditer(r"(\w+)=(\S+)", text))


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def parse(path):
    d = dict(meta={}, text={}, input={}, workload={}, run=[], perf=[],
             api=[], scale=[], idle=[], idle_real={}, state=[], latency=[])
    for line in open(path):
        kind, _, rest = line.strip().partition(" ")
        if kind == "text":
            key, _, val = rest.partition(" ")
            d["text"][key] = val
        elif kind in ("meta", "input", "idle_real"):
            d[kind].update(kv(rest))
        elif kind == "workload":
            w = kv(rest)
            d["workload"][w["w"]] = w
        elif kind in d:
            d[kind].append(kv(rest))
    return d


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def si(v, unit=""):
    """12345678 -> '12.3 M'."""
    if v is None:
        return "-"
    for div, p in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return "%.3g %s%s" % (v / div, p, unit)
    return ("%.3g %s" % (v, unit)).strip()


def mib(kb):
    return "-" if kb is None else "%.0f MiB" % (kb / 1024)


def runs_text(n):
    n = int(n)
    return "%d run%s" % (n, "s" * (n > 1)) if n else "timed on the warm-up"


def met(ok):
    return "met" if ok else "**MISSED**"


# ------------------------------------------------------------ machine

def first_line(argv):
    try:
        r = subprocess.run(argv, text=True, capture_output=True, timeout=20)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def read(path):
    try:
        return open(path).read()
    except OSError:
        return ""


def machine(root, build, meta):
    m = {}
    cpu = re.search(r"^model name\s*:\s*(.*)$", read("/proc/cpuinfo"), re.M)
    lscpu = subprocess.run(["lscpu"], text=True, capture_output=True).stdout \
        if os.path.exists("/usr/bin/lscpu") else ""
    fam = re.search(r"^CPU family:\s*(\S+)", lscpu, re.M)
    model = re.search(r"^Model:\s*(\S+)", lscpu, re.M)
    mhz = re.search(r"^cpu MHz\s*:\s*(\S+)", read("/proc/cpuinfo"), re.M)
    m["CPU"] = "%s%s%s" % (
        cpu.group(1) if cpu else "?",
        " (family %s, model %s)" % (fam.group(1), model.group(1))
        if fam and model else "",
        ", %.0f MHz" % float(mhz.group(1)) if mhz else "")
    m["cores"] = "%d (usable: %d)%s" % (
        os.cpu_count() or 0, len(os.sched_getaffinity(0)),
        ", a virtual machine" if "hypervisor" in read("/proc/cpuinfo")
        else "")
    mem = re.search(r"MemTotal:\s+(\d+)", read("/proc/meminfo"))
    m["RAM"] = "%.1f GiB" % (int(mem.group(1)) / 2**20) if mem else "?"
    osname = re.search(r'PRETTY_NAME="(.*)"', read("/etc/os-release"))
    m["system"] = "%s, kernel %s" % (osname.group(1) if osname else
                                     platform.system(), platform.release())
    cache = read(os.path.join(build, "CMakeCache.txt"))

    def cached(key):
        r = re.search(r"^%s:\w+=(.*)$" % key, cache, re.M)
        return r.group(1).strip() if r else ""
    cc = cached("CMAKE_C_COMPILER") or "cc"
    m["dstream compiler"] = "%s (%s), %s build, `%s`" % (
        first_line([cc, "--version"]), cc, cached("CMAKE_BUILD_TYPE"),
        (cached("CMAKE_C_FLAGS") + " " + cached("CMAKE_C_FLAGS_RELEASE"))
        .strip())
    bcc = os.environ.get("CC", "cc")
    m["bench compiler"] = "%s (%s), `-O2`" % (first_line([bcc, "--version"]),
                                               bcc)
    m["node"] = first_line(["node", "--version"])
    m["commit"] = meta.get("commit", "?") + (
        " with uncommitted changes" if meta.get("changed", "0") != "0" else "")
    return m


# ------------------------------------------------------------ perf

def perf_samples(path):
    """The call stacks of a perf recording: per sample a list of frames
    (function, object, inlined names), innermost first. Frames at one
    address are one function and what was inlined into it."""
    r = subprocess.run(["perf", "script", "-i", path, "-F", "ip,sym,dso"],
                       text=True, capture_output=True)
    samples = []
    for block in r.stdout.split("\n\n"):
        raw = []
        for line in block.splitlines():
            m = re.match(r"\s*([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$", line)
            if m:
                ip, sym, dso = m.groups()
                raw.append((ip, re.sub(r"\+0x[0-9a-f]+$", "", sym), dso))
        frames, i = [], 0
        while i < len(raw):
            j = i
            while j + 1 < len(raw) and raw[j + 1][0] == raw[i][0]:
                j += 1
            group = raw[i:j + 1]
            real = [g for g in group if g[2] != "inlined"]
            inl = [g[1] for g in group if g[2] == "inlined"]
            if real:
                frames.append((real[-1][1], os.path.basename(real[-1][2]),
                               inl))
            else:
                frames.append((group[0][1], "?", inl))
            i = j + 1
        if frames:
            samples.append(frames)
    return samples


def profile(path, own):
    """Where the time of a recording goes: the share of each stage (for
    dstream) and the 10 symbols with the most self time, each with the
    function of the program (object own) that most often called it."""
    if not os.path.exists(path):
        return "no recording"
    samples = perf_samples(path)
    if not samples:
        return "perf script gave nothing"
    n = len(samples)
    stages = []
    if own == "dstream":
        for name, funcs in STAGES:
            k = sum(1 for st in samples
                    if any(f in funcs or funcs & set(inl) for f, _, inl in st))
            stages.append((name, 100.0 * k / n))
    selfc, callers = {}, {}
    for st in samples:
        key = (st[0][0], st[0][1])
        selfc[key] = selfc.get(key, 0) + 1
        for f, dso, _ in st[1:]:
            if dso == own and f != st[0][0]:
                c = callers.setdefault(key, {})
                c[f] = c.get(f, 0) + 1
                break
    top = []
    for (sym, dso), k in sorted(selfc.items(), key=lambda x: -x[1])[:10]:
        c = callers.get((sym, dso), {})
        best = max(c.items(), key=lambda x: x[1]) if c else None
        top.append((100.0 * k / n, sym, dso, "`%s` (%.0f%%)" % (
            best[0], 100.0 * best[1] / k) if best else ""))
    return dict(samples=n, stages=stages, top=top)


# ------------------------------------------------------------ figures

class Report:
    def __init__(self, d):
        self.d = d
        self.meta, self.inp = d["meta"], {k: int(v) for k, v in
                                          d["input"].items()}
        self.checks = []
        self.work = [self.workload(w) for w in sorted(d["workload"])]
        self.scaling = self.scale()
        self.state = self.state_summary()

    def check(self, item, target, value, ok, wid=None):
        self.checks.append(dict(item=item, target=target, value=value,
                                ok=ok, wid=wid))

    def workload(self, wid):
        wl = self.d["workload"][wid]
        rows = self.inp[wl["unit"]]
        inb = self.inp["bytes_" + wl["input"].replace(".", "_")]
        r = dict(id=wid, rows=rows, bytes=inb, per_batch=int(wl["per_batch"]),
                 base=wl["base"],
                 words=self.inp["words"] if wl["unit"] == "lines" else None,
                 eng={})
        for name in ENGINES:
            runs = [s for s in self.d["run"] if s["w"] == wid.lower() and
                    s["engine"] == name]
            timed = [s for s in runs if s["phase"] == "timed"] or \
                [s for s in runs if s["phase"] == "check"]
            if not timed:
                continue
            e = dict(n=len(timed), phase=timed[0]["phase"],
                     wall=median([num(s["wall_s"]) for s in timed]),
                     rss=max(int(s["maxrss_kb"]) for s in timed))
            if "import_s" in timed[0]:
                e["import"] = median([num(s["import_s"]) for s in timed])
                e["query"] = median([num(s["query_s"]) for s in timed])
                e["time"] = median([num(s["import_s"]) + num(s["query_s"])
                                    for s in timed])
                e["version"] = timed[0].get("version", "?")
            else:
                e["time"] = e["wall"]
            e["rows_s"] = rows / e["time"]
            r["eng"][name] = e
        ds = r["eng"]["dstream"]
        for name, key in (("baseline", "ratio_base"), ("sqlite", "ratio_sqlite"),
                          ("duckdb", "ratio_duckdb")):
            if name in r["eng"]:
                r[key] = ds["rows_s"] / r["eng"][name]["rows_s"]
        self.check("%s dstream / C baseline" % wid, ">= %.1f" %
                   TARGET_RATIO_BASE, "%.2f" % r["ratio_base"],
                   r["ratio_base"] >= TARGET_RATIO_BASE, wid)
        self.check("%s dstream / SQLite" % wid, ">= %.0f" % TARGET_RATIO_SQLITE,
                   "%.1f" % r["ratio_sqlite"],
                   r["ratio_sqlite"] >= TARGET_RATIO_SQLITE, wid)
        if wid in OWN_TARGETS:
            what, target = OWN_TARGETS[wid]
            per = {"words/s": r["words"], "rows/s": rows,
                   "input bytes/s": inb}[what]
            v = per / ds["time"]
            r["own"] = (v, what, target)
            self.check("%s dstream %s" % (wid, what), ">= " + si(target),
                       si(v), v >= target, wid)
        api = [a for a in self.d["api"] if a["w"] == wid]
        if api:
            t = median([num(a["total_s"]) for a in api])
            r["api"] = dict(
                rows_s=rows / t, time=t, batches=int(api[0]["batches"]),
                med_ms=median([num(a["median_ms"]) for a in api]),
                p99_ms=median([num(a["p99_ms"]) for a in api]),
                max_ms=median([num(a["max_ms"]) for a in api]),
                max_batch=api[0]["max_batch"],
                first_ms=median([num(a.get("first_ms")) or 0 for a in api]),
                last_ms=median([num(a["last_ms"]) for a in api]))
        return r

    def scale(self):
        out = []
        per_batch = int(self.d["workload"]["W2"]["per_batch"])
        rows = self.inp["readings"]
        for size in sorted({int(s["size"]) for s in self.d["scale"]}):
            h = [s for s in self.d["scale"] if int(s["size"]) == size]
            n = int(h[0]["batches"])
            med = median([num(x["median_ms"]) for x in h])
            mx = median([num(x["max_ms"]) for x in h])
            s = dict(size=size, batches=n, out_rows=int(h[0]["out_rows"]),
                     rows_s=rows / median([num(x["total_s"]) for x in h]),
                     steady_rows_s=min(rows, per_batch * (n - 1)) /
                     median([num(x["steady_s"]) for x in h]),
                     med_ms=med, p99_ms=median([num(x["p99_ms"]) for x in h]),
                     max_ms=mx, spike=mx / med if med else None,
                     max_batch=h[0]["max_batch"],
                     first_ms=median([num(x.get("first_ms")) or 0
                                      for x in h]),
                     last_ms=median([num(x["last_ms"]) for x in h]))
            out.append(s)
            self.check("W2 SIZE %d s: slowest batch / median batch" % size,
                       "<= %.0f" % TARGET_SPIKE, "%.1f" % s["spike"],
                       s["spike"] <= TARGET_SPIKE)
        if len(out) >= 2:
            lo, hi = out[0], out[-1]
            self.scaling_ratio = hi["steady_rows_s"] / lo["steady_rows_s"]
            self.check("W2 rows/s at SIZE %d s / at %d s" % (
                hi["size"], lo["size"]), ">= %.1f" % TARGET_SCALING,
                "%.2f" % self.scaling_ratio,
                self.scaling_ratio >= TARGET_SCALING)
        for q in self.d["idle"]:
            v = num(q.get("median_us"))
            if v is not None:
                self.check("empty batch, %s (median)" % q["query"], "< %.1f ms"
                           % TARGET_EMPTY_MS, "%.1f µs" % v,
                           v / 1e3 < TARGET_EMPTY_MS)
        v = num(self.d["idle_real"].get("proc_p50_ms"))
        if v is not None:
            self.check("empty batch, real clock (median)", "< %.1f ms" %
                       TARGET_EMPTY_MS, "%.1f µs" % (v * 1e3),
                       v < TARGET_EMPTY_MS)
        return out

    def state_summary(self):
        """Per query: state at the first snapshot (the window just full),
        and the largest in the first and the second half of the run."""
        out = []
        for q in dict.fromkeys(s["query"] for s in self.d["state"]):
            pts = [s for s in self.d["state"] if s["query"] == q]
            last = int(pts[-1]["batch"])
            first = [s for s in pts if int(s["batch"]) <= last // 2]
            second = [s for s in pts if int(s["batch"]) > last // 2]
            if not first or not second:
                continue

            def big(xs, k):
                return max(int(s[k]) for s in xs)
            s = dict(query=q, batches=last, at=int(pts[0]["batch"]),
                     rows0=int(pts[0]["state_rows"]),
                     bytes0=int(pts[0]["state_bytes"]),
                     rows_end=int(pts[-1]["state_rows"]),
                     bytes_end=int(pts[-1]["state_bytes"]),
                     bytes1=big(first, "state_bytes"),
                     bytes2=big(second, "state_bytes"),
                     rss1=big(first, "rss_kb"), rss2=big(second, "rss_kb"),
                     batch_ms=num(pts[-1]["batch_ms"]))
            s["growth"] = s["bytes2"] / s["bytes1"] if s["bytes1"] else 0
            out.append(s)
            self.check("state bytes flat, %s (2nd half / 1st half)" % q,
                       "<= %.2f" % TARGET_STATE_GROWTH, "%.3f" % s["growth"],
                       s["growth"] <= TARGET_STATE_GROWTH)
        return out

    def missed(self, wid):
        return any(c["wid"] == wid and not c["ok"] for c in self.checks)

    # -------------------------------------------------------- output

    def csv_rows(self):
        for k, v in self.meta.items():
            yield ("run", "meta", k, v)
        for k, v in self.d["text"].items():
            yield ("run", "text", k, v.replace(",", ";"))
        for r in self.work:
            for k in ("rows", "words", "bytes", "per_batch"):
                if r[k] is not None:
                    yield ("workload", r["id"], k, r[k])
            for name, e in r["eng"].items():
                for k in ("time", "wall", "rows_s", "rss", "import", "query",
                          "n"):
                    if k in e:
                        yield ("workload", r["id"], "%s_%s" % (name, k),
                               "%.6g" % e[k])
            for k in ("ratio_base", "ratio_sqlite", "ratio_duckdb"):
                if k in r:
                    yield ("workload", r["id"], k, "%.4g" % r[k])
            for k, v in r.get("api", {}).items():
                yield ("workload", r["id"], "api_" + k,
                       "%.6g" % v if isinstance(v, float) else v)
        for s in self.scaling:
            for k, v in s.items():
                yield ("scaling", "size_%d" % s["size"], k,
                       "%.6g" % v if isinstance(v, float) else v)
        for q in self.d["idle"]:
            for k, v in q.items():
                yield ("empty_batch", q.get("query", "?"), k, v)
        for k, v in self.d["idle_real"].items():
            yield ("empty_batch", "real_clock", k, v)
        for s in self.state:
            for k, v in s.items():
                yield ("state", s["query"], k,
                       "%.6g" % v if isinstance(v, float) else v)
        for t in self.d["latency"]:
            for k, v in t.items():
                yield ("latency", "interval_%sms" % t["interval_ms"], k, v)
        for c in self.checks:
            yield ("target", c["item"].replace(",", ";"), c["target"],
                   "%s %s" % (c["value"], "met" if c["ok"] else "MISSED"))

    def markdown(self, mach, profiles):
        L = []
        m = self.meta
        started = datetime.datetime.strptime(m["started"],
                                             "%Y-%m-%dT%H:%M:%SZ")
        took = (datetime.datetime.strptime(m["finished"], "%Y-%m-%dT%H:%M:%SZ")
                - started).total_seconds()
        L.append("# dstream benchmarks\n")
        L.append("`bench/run%s`, %s UTC, took %.0f s. Load average (1, 5, 15 "
                 "min) %s before, %s after.\n" % (
                     " --quick" if m["mode"] == "quick" else "",
                     started.strftime("%Y-%m-%d %H:%M"), took,
                     m["load_before"].replace("/", " "),
                     m["load_after"].replace("/", " ")))
        L.append("| machine | |\n| --- | --- |")
        for k, v in mach.items():
            L.append("| %s | %s |" % (k, v))
        versions = {n: e["version"] for r in self.work
                    for n, e in r["eng"].items() if "version" in e}
        for k, v in sorted(versions.items()):
            L.append("| %s | %s |" % ({"sqlite": "SQLite", "duckdb": "DuckDB"}
                                      [k], v))
        if "duck_skip" in self.d["text"]:
            L.append("| DuckDB | skipped: %s |" % self.d["text"]["duck_skip"])
        L.append("| workers | n/a: single worker (dstream has no worker pool "
                 "yet; every dstream figure is one core%s) |" % (
                     ", DuckDB runs with `threads=1`" if "duckdb" in versions
                     else ""))
        i = self.inp
        L.append("\nInputs (`bench/gen`, seed %d): `words.txt`, %s lines of 10 "
                 "words from a Zipf-distributed 10,000-word vocabulary (%s "
                 "words, %s); `readings.csv` and `readings.jsonl`, %s "
                 "readings `ts,sensor,temp` (%s and %s): 1,000 sensors, one "
                 "reading per ms of event time, %d%% out of order by up to "
                 "%d ms. `rows_per_batch` makes 1,000 batches: %d lines or "
                 "%d readings each; batch interval 1 s, virtual clock.\n" % (
                     i["seed"], f"{i['lines']:,}", f"{i['words']:,}",
                     si(i["bytes_words_txt"], "B"), f"{i['readings']:,}",
                     si(i["bytes_readings_csv"], "B"),
                     si(i["bytes_readings_jsonl"], "B"), i["late_percent"],
                     i["max_delay_ms"], self.work[0]["per_batch"],
                     self.work[1]["per_batch"]))
        self.md_throughput(L)
        self.md_api(L)
        self.md_scaling(L)
        self.md_idle_state(L)
        self.md_latency(L)
        self.md_targets(L)
        self.md_profiles(L, profiles)
        return "\n".join(L) + "\n"

    def md_throughput(self, L):
        m = self.meta
        L.append("## Throughput\n")
        duck = any("duckdb" in r["eng"] for r in self.work)
        L.append("Input rows (lines or readings) per second: the median of "
                 "%s after a warm-up (SQLite: %s%s). dstream: "
                 "`dstream --clock virtual --format csv W.sql > file`, wall "
                 "time. C baseline: `bench/baseline/`, a hand-written "
                 "program per workload. SQLite and DuckDB: import + query, "
                 "writing the result included. Every result equals the "
                 "baseline's (checked on the warm-up).\n" % (
                     runs_text(m["runs"]), runs_text(m["ref_runs"]),
                     "; DuckDB: " + runs_text(m["duck_runs"]) if duck else ""))
        L.append("| | workload | dstream | C baseline | SQLite | %s"
                 "dstream / baseline | dstream / SQLite | own target |" % (
                     "DuckDB | " if duck else ""))
        L.append("| --- " * (8 + duck) + "|")
        for r in self.work:
            e = r["eng"]
            own = ""
            if "own" in r:
                v, what, target = r["own"]
                own = "%s %s (>= %s): %s" % (si(v), what, si(target),
                                             met(v >= target))
            cells = [r["id"], DESC[r["id"]].replace("%s", self.meta[
                "threshold"]), si(e["dstream"]["rows_s"]),
                si(e["baseline"]["rows_s"]), si(e["sqlite"]["rows_s"])]
            if duck:
                cells.append(si(e["duckdb"]["rows_s"]) if "duckdb" in e
                             else "-")
            cells += ["%.2f%s" % (r["ratio_base"], "" if r["ratio_base"] >=
                                  TARGET_RATIO_BASE else " **MISSED**"),
                      "%.1f%s" % (r["ratio_sqlite"], "" if r["ratio_sqlite"]
                                  >= TARGET_RATIO_SQLITE else " **MISSED**"),
                      own]
            L.append("| " + " | ".join(cells) + " |")
        L.append("\nTargets: dstream >= %.1f x the C baseline and >= %.0f x "
                 "SQLite on every workload.\n" % (TARGET_RATIO_BASE,
                                                  TARGET_RATIO_SQLITE))
        L.append("| | dstream s | peak RSS | baseline s | peak RSS | SQLite "
                 "import + query s | peak RSS |%s" % (
                     " DuckDB import + query s | peak RSS |" if duck else ""))
        L.append("| --- " * (7 + 2 * duck) + "|")
        for r in self.work:
            e = r["eng"]
            cells = [r["id"], "%.3f" % e["dstream"]["time"],
                     mib(e["dstream"]["rss"]), "%.3f" % e["baseline"]["time"],
                     mib(e["baseline"]["rss"]),
                     "%.2f + %.2f" % (e["sqlite"]["import"],
                                      e["sqlite"]["query"]),
                     mib(e["sqlite"]["rss"])]
            if duck:
                dd = e.get("duckdb")
                cells += (["%.2f + %.2f" % (dd["import"], dd["query"]),
                           mib(dd["rss"])] if dd else ["-", "-"])
            L.append("| " + " | ".join(cells) + " |")
        L.append("\nThe baselines map their input file, so their peak RSS "
                 "includes it; dstream reads it in 64 KiB pieces.\n")

    def md_api(self, L):
        L.append("## dstream alone (C API, no printing)\n")
        L.append("The same SQL through `ds_query_open` and one `ds_step` per "
                 "batch (`bench/harness.c run`, median of %s runs): rows are "
                 "counted, not formatted, so the program's extra time is "
                 "mostly printing the results. The first batch (which also "
                 "warms the process's caches and reads the file for the "
                 "first time) and the last are shown apart; the batch "
                 "figures are over the others.\n" % self.meta["runs"])
        L.append("| | rows/s | program's time outside the engine | median "
                 "batch | p99 batch | slowest batch (number) | slowest / "
                 "median | first batch | last batch (flush at end of "
                 "input) |")
        L.append("| --- " * 9 + "|")
        for r in self.work:
            a = r.get("api")
            if a:
                L.append("| %s | %s | %.0f%% | %.3f ms | %.3f ms | %.3f ms "
                         "(%s) | %.1f | %.3f ms | %.3f ms |" % (
                             r["id"], si(a["rows_s"]),
                             100 * (1 - a["time"] / r["eng"]["dstream"]
                                    ["time"]), a["med_ms"], a["p99_ms"],
                             a["max_ms"], a["max_batch"],
                             a["max_ms"] / a["med_ms"], a["first_ms"],
                             a["last_ms"]))
        L.append("")

    def md_scaling(self, L):
        if not self.scaling:
            return
        L.append("## Window size (W2 at SIZE 2, 60 and 600 s)\n")
        L.append("W2 through the C API, SLIDE 1 s, every `ds_step` timed. "
                 "The last batch also flushes the SIZE - 1 windows still "
                 "open at end of input, so it is shown apart: \"rows/s\" is "
                 "over the other batches. The first batch also starts the "
                 "process (cold caches, the file's first read) at every "
                 "SIZE; it is shown apart too, and the median, p99 and "
                 "slowest batch are over the batches between. A batch emits "
                 "one row per sensor present in its window.\n")
        L.append("| SIZE | rows/s | with the flush | rows out | median "
                 "batch | p99 batch | slowest batch (number) | slowest / "
                 "median (<= %.0f) | first batch | last batch |" %
                 TARGET_SPIKE)
        L.append("| --- " * 10 + "|")
        for s in self.scaling:
            L.append("| %d s | %s | %s | %s | %.3f ms | %.3f ms | %.3f ms "
                     "(%s) | %.1f%s | %.3f ms | %.1f ms |" % (
                         s["size"], si(s["steady_rows_s"]), si(s["rows_s"]),
                         f"{s['out_rows']:,}", s["med_ms"], s["p99_ms"],
                         s["max_ms"], s["max_batch"], s["spike"],
                         "" if s["spike"] <= TARGET_SPIKE else " **MISSED**",
                         s["first_ms"], s["last_ms"]))
        ratio = getattr(self, "scaling_ratio", None)
        if ratio is not None:
            L.append("\nrows/s at SIZE %d s / rows/s at SIZE %d s = **%.2f** "
                     "(target >= %.1f: %s).\n" % (
                         self.scaling[-1]["size"], self.scaling[0]["size"],
                         ratio, TARGET_SCALING, met(ratio >= TARGET_SCALING)))

    def md_idle_state(self, L):
        L.append("## Empty batches\n")
        L.append("`ds_step` with the virtual clock on a QUEUE stream that "
                 "gets nothing (`bench/harness.c idle`); the third row "
                 "slides W2's window over empty batches while it holds "
                 "1,000 keys, emitting them every batch. The last row is the "
                 "real clock: 10 ms batches of an idle socket stream, the "
                 "processing time the engine reports per batch "
                 "(`bench/latency.c` at 0 lines/s).\n")
        L.append("| query | median | p99 | max | < %.1f ms |" %
                 TARGET_EMPTY_MS)
        L.append("| --- " * 5 + "|")
        for q in self.d["idle"]:
            if "median_us" in q:
                L.append("| %s | %.1f µs | %.1f µs | %.1f µs | %s |" % (
                    q["query"], num(q["median_us"]), num(q["p99_us"]),
                    num(q["max_us"]),
                    met(num(q["median_us"]) / 1e3 < TARGET_EMPTY_MS)))
        t = self.d["idle_real"]
        if "proc_p50_ms" in t:
            L.append("| real clock, 10 ms batches (scheduling delay p50 %s "
                     "ms, p99 %s ms) | %.1f µs | %.1f µs | %.1f µs | %s |" % (
                         t["sched_p50_ms"], t["sched_p99_ms"],
                         num(t["proc_p50_ms"]) * 1e3,
                         num(t["proc_p99_ms"]) * 1e3,
                         num(t["proc_max_ms"]) * 1e3,
                         met(num(t["proc_p50_ms"]) < TARGET_EMPTY_MS)))
        if not self.state:
            return
        m = self.meta
        L.append("\n## State over a long run\n")
        L.append("`bench/harness.c state`: %s batches of %s readings of a "
                 "fixed set of %s sensors (keys drawn at random; event time "
                 "advancing 1 s per batch) into a QUEUE stream, under W2's "
                 "sliding window (60 s / 1 s) and W4's event-time window "
                 "(tumbling 5 s, watermark 3 s); `SHOW METRICS` gives each "
                 "query's `state_rows` and `state_bytes` 20 times. Flat: the "
                 "largest state of the second half of the run is within "
                 "%.0f%% of the largest of the first half.\n" % (
                     f"{self.state[0]['batches']:,}", m["state_rows"],
                     m["state_keys"], (TARGET_STATE_GROWTH - 1) * 100))
        L.append("| query | state at batch %d (rows, bytes) | at the end | "
                 "largest, 1st half | largest, 2nd half | 2nd / 1st | "
                 "process RSS, 1st / 2nd half | mean batch |" %
                 self.state[0]["at"])
        L.append("| --- " * 8 + "|")
        for s in self.state:
            L.append("| %s | %s, %s | %s, %s | %s | %s | %.3f: %s | %s / %s "
                     "| %.2f ms |" % (
                         s["query"], f"{s['rows0']:,}", si(s["bytes0"], "B"),
                         f"{s['rows_end']:,}", si(s["bytes_end"], "B"),
                         si(s["bytes1"], "B"), si(s["bytes2"], "B"),
                         s["growth"],
                         "flat" if s["growth"] <= TARGET_STATE_GROWTH
                         else "**GROWS**", mib(s["rss1"]), mib(s["rss2"]),
                         s["batch_ms"]))
        L.append("")

    def md_latency(self, L):
        L.append("## Latency (real clock)\n")
        lat = self.d["latency"]
        if not lat or any("p50_ms" not in t for t in lat):
            L.append("Not measured: `bench/latency` failed (see "
                     "bench/data/%s/out/latency.err).\n" % self.meta["mode"])
            return
        t0 = lat[0]
        L.append("`bench/latency.c`: a loopback client (TCP_NODELAY) sends "
                 "lines holding their send time (µs) at %s lines/s for %s s "
                 "to `FROM SOCKET LISTEN '127.0.0.1:0'`; the query is "
                 "`SELECT MIN(CAST(line AS BIGINT)), MAX(...), COUNT(*) "
                 "FROM s` and the callback notes when each emission comes. "
                 "Row latency = emission time - send time (a batch's rows "
                 "spread evenly between its MIN and MAX); the send time "
                 "stands for the arrival time (loopback). Scheduling delay: "
                 "how late each batch started (`ds_stats_get`).\n" % (
                     si(num(t0["rate"])), self.meta["latency_s"]))
        L.append("| batch interval | lines received / sent | batches | row "
                 "latency p50 | p99 | max | emission - batch end p50 | p99 "
                 "| scheduling delay p50 | p99 | max | processing p50 | p99 |")
        L.append("| --- " * 13 + "|")
        for t in lat:
            L.append("| %s ms | %s / %s | %s | %s ms | %s ms | %s ms | %s ms "
                     "| %s ms | %s ms | %s ms | %s ms | %s ms | %s ms |" % (
                         t["interval_ms"], t["received"], t["sent"],
                         t["batches"], t["p50_ms"], t["p99_ms"], t["max_ms"],
                         t["end_p50_ms"], t["end_p99_ms"], t["sched_p50_ms"],
                         t["sched_p99_ms"], t["sched_max_ms"],
                         t["proc_p50_ms"], t["proc_p99_ms"]))
        L.append("")

    def md_targets(self, L):
        L.append("## Targets\n")
        missed = [c for c in self.checks if not c["ok"]]
        L.append("%d of %d met.\n" % (len(self.checks) - len(missed),
                                      len(self.checks)))
        L.append("| target | figure | required | |")
        L.append("| --- | --- | --- | --- |")
        for c in self.checks:
            L.append("| %s | %s | %s | %s |" % (c["item"], c["value"],
                                               c["target"], met(c["ok"])))
        L.append("")

    def md_profiles(self, L, profiles):
        if "profile_skip" in self.d["text"]:
            L.append("No profiles: %s.\n" % self.d["text"]["profile_skip"])
        if not profiles:
            return
        L.append("## Where the time goes (workloads that miss a target)\n")
        L.append("`perf record -e cpu-clock --call-graph dwarf` of the "
                 "warm-up run of dstream and of the C baseline. dstream's "
                 "stages count the samples with the stage's function on the "
                 "stack (`file_pull`, `print_result`); symbols by self time, "
                 "with the program's function that called them most.\n")
        for wid, by in profiles.items():
            L.append("### %s\n" % wid)
            for name, prof in by.items():
                if isinstance(prof, str):
                    L.append("%s: %s\n" % (name, prof))
                    continue
                head = "%s, %d samples" % (name, prof["samples"])
                if prof["stages"]:
                    rest = 100.0 - sum(p for _, p in prof["stages"])
                    head += ": %s; running the query %.0f%%" % (
                        "; ".join("%s %.0f%%" % s for s in prof["stages"]),
                        rest)
                L.append(head + ".\n")
                L.append("| self | symbol | object | called from |")
                L.append("| --- | --- | --- | --- |")
                for p, s, dso, c in prof["top"]:
                    L.append("| %.1f%% | `%s` | %s | %s |" % (p, s, dso, c))
                L.append("")


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: report.py RAW RESULTS_DIR ROOT BUILD")
    raw, results, root, build = sys.argv[1:]
    d = parse(raw)
    rep = Report(d)
    profiles = {}
    for r in rep.work:
        paths = {p["engine"]: p["path"] for p in d["perf"]
                 if p["w"] == r["id"]}
        if not rep.missed(r["id"]) or not paths:
            continue
        profiles[r["id"]] = {
            name: profile(paths[name], "dstream" if name == "dstream" else
                          r["base"])
            for name in ("dstream", "baseline") if name in paths}
    md = rep.markdown(machine(root, build, d["meta"]), profiles)
    os.makedirs(results, exist_ok=True)
    stamp = d["meta"]["started"].replace("-", "").replace(":", "")
    base = os.path.join(results, "%s-%s" % (stamp.rstrip("Z").replace(
        "T", "-"), d["meta"]["mode"]))
    with open(base + ".md", "w") as f:
        f.write(md)
    with open(os.path.join(results, "latest.md"), "w") as f:
        f.write(md)
    with open(base + ".csv", "w") as f:
        f.write("section,item,metric,value\n")
        for row in rep.csv_rows():
            f.write(",".join(str(x) for x in row) + "\n")
    print(md)
    print("written: %s.md, %s.csv, %s" % (
        os.path.relpath(base, root), os.path.relpath(base, root),
        os.path.relpath(os.path.join(results, "latest.md"), root)))


if __name__ == "__main__":
    main()
