#!/usr/bin/env python3
"""ingest_bench.py - the driver of bench/ingest_bench.sh (see there for usage).

For each family and run: copies the generated Kea lease file into a fresh
run directory, starts lqd on an empty store and measures
  load      wall time from exec until the control socket answers "status"
            with the source loaded (lqd loads before it serves the socket),
            lqd's peak and resident memory (VmHWM, VmRSS, RssAnon, RssFile
            from /proc/PID/status) and the LMDB size (pages in use, and the
            blocks data.mdb occupies on disk);
  restart   SIGTERM, then a new lqd on the same store: time until "status"
            answers with every binding and the source resumed at the end
            of the file, and until a first "get" answers (with --cold, the
            page cache is emptied first, as after a reboot);
  follow    lines appended to the lease file one at a time: time from the
            write until "get" finds the binding (median, p99), then a burst
            of lines in one write: time until the last one is stored;
and, in the same run, baselines over the same file: `wc -l`, Python's csv
module, and build/bench/kea_parse_bench (the Kea CSV parser alone, in C).
Prints one line per measurement and a summary table of medians.
"""
import argparse
import csv
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "gen_kea_leases.py")
LOAD_TIMEOUT = 300
RESTART_TIMEOUT = 60
FOLLOW_TIMEOUT = 10


class Lqd:
    """One lqd process with its configuration and control socket."""

    def __init__(self, lqd, rundir, lease_file):
        self.rundir = rundir
        self.sock = os.path.join(rundir, "lqd.sock")
        self.conf = os.path.join(rundir, "lqd.conf")
        self.log = os.path.join(rundir, "lqd.log")
        self.store = os.path.join(rundir, "store")
        # no UDP or TCP service: the benchmark is about ingest, and the
        # leasequery ports may be taken by other tests on the machine
        config = {"store": {"path": self.store},
                  "listen": [{"address": "127.0.0.1", "udp-port": False, "tcp-port": False}],
                  "sources": [{"type": "kea-csv", "path": lease_file}],
                  "control-socket": self.sock,
                  "subnets4": [{"subnet": "10.0.0.0/8"}],
                  "subnets6": [{"subnet": "2001:db8:1::/64"}]}
        with open(self.conf, "w") as f:
            json.dump(config, f)
        self.lqd = lqd
        self.proc = None
        self.conn = None

    def start(self):
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        logf = open(self.log, "a")
        self.proc = subprocess.Popen([self.lqd, "-c", self.conf], stdout=logf, stderr=logf)
        logf.close()

    def connect(self, deadline):
        """Connect to the control socket, retrying until deadline."""
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("lqd exited with %d; see %s" % (self.proc.returncode, self.log))
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.sock)
                self.conn = s
                self.rfile = s.makefile("rb")
                return
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise RuntimeError("lqd control socket did not come up")
                time.sleep(0.001)

    def request(self, req, timeout):
        self.conn.settimeout(timeout)
        self.conn.sendall((json.dumps(req) + "\n").encode())
        line = self.rfile.readline()
        if not line:
            raise RuntimeError("lqd closed the control connection")
        return json.loads(line)

    def memory(self):
        out = {}
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                    out[key] = int(value.split()[0]) * 1024
        return out

    def cpu_seconds(self):
        """User and system CPU time of lqd so far (all its threads)."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) / ticks, int(fields[12]) / ticks

    def stop(self):
        if self.conn is not None:
            self.rfile.close()
            self.conn.close()
            self.conn = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def wait_ready(d, t0, timeout, want_bindings=None, want_offset=None):
    """Poll status until the source is loaded (and, if asked, holds the
    bindings and offset); returns (seconds since t0, status)."""
    deadline = t0 + timeout
    d.connect(deadline)
    while True:
        st = d.request({"command": "status"}, timeout=max(1, deadline - time.monotonic()))
        src = st["sources"][0]
        store = st["store"]
        ok = not src["loading"]
        if want_bindings is not None:
            ok = ok and store["bindings4"] + store["bindings6"] == want_bindings
        if want_offset is not None:
            ok = ok and src["offset"] == want_offset
        if ok:
            return time.monotonic() - t0, st
        if time.monotonic() > deadline:
            raise RuntimeError("lqd not ready after %d s: %s" % (timeout, st))
        time.sleep(0.001)


def wait_found(d, address, t0, timeout=FOLLOW_TIMEOUT):
    while True:
        r = d.request({"command": "get", "address": address}, timeout=timeout)
        if r.get("result") == "ok":
            return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise RuntimeError("%s not found after %d s" % (address, timeout))
        time.sleep(0.0001)


def first_address(path):
    with open(path) as f:
        f.readline()
        return f.readline().split(",", 1)[0]


def appended_line(family, i, template):
    """A copy of the file's first row with a new, unique address."""
    if family == 4:
        address = "10.200.%d.%d" % (i >> 8 & 255, i & 255)
    else:
        address = "2001:db8:ffff::%x" % (i + 1)
    fields = template.split(",")
    fields[0] = address
    if family == 6:
        fields[6], fields[8] = "0", "128"       # an address lease
    return address, ",".join(fields)


def follow(d, lease_file, family, lines, burst):
    with open(lease_file) as f:
        f.readline()
        template = f.readline().rstrip("\n")
    latencies = []
    fd = os.open(lease_file, os.O_WRONLY | os.O_APPEND)
    try:
        for i in range(lines):
            address, line = appended_line(family, i, template)
            t0 = time.monotonic()
            os.write(fd, (line + "\n").encode())
            latencies.append(wait_found(d, address, t0))
            time.sleep(0.01)
        block = []
        for i in range(lines, lines + burst):
            address, line = appended_line(family, i, template)
            block.append(line + "\n")
        t0 = time.monotonic()
        os.write(fd, "".join(block).encode())
        burst_time = wait_found(d, address, t0)
    finally:
        os.close(fd)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return statistics.median(latencies), p99, burst_time


def lmdb_sizes(d, st):
    used = st["store"]["bytes_used"]
    blocks = os.stat(os.path.join(d.store, "data.mdb")).st_blocks * 512
    return used, blocks


def one_run(args, family, source, run):
    rundir = os.path.join(args.workdir, "run%d-v%d" % (run, family))
    shutil.rmtree(rundir, ignore_errors=True)
    os.makedirs(rundir)
    lease_file = os.path.join(rundir, "leases%d.csv" % family)
    shutil.copyfile(source, lease_file)
    size = os.path.getsize(lease_file)
    d = Lqd(args.lqd, rundir, lease_file)
    r = {}
    try:
        t0 = time.monotonic()
        d.start()
        r["load_s"], st = wait_ready(d, t0, LOAD_TIMEOUT, want_offset=size)
        mem = d.memory()
        r["load_user_s"], r["load_sys_s"] = d.cpu_seconds()
        bindings = st["store"]["bindings4"] + st["store"]["bindings6"]
        r["rows"] = st["sources"][0]["lines"] - 1
        r["bindings"] = bindings
        r["peak_rss"], r["rss"] = mem["VmHWM"], mem["VmRSS"]
        r["rss_anon"], r["rss_file"] = mem["RssAnon"], mem["RssFile"]
        r["lmdb_used"], r["lmdb_disk"] = lmdb_sizes(d, st)
        d.stop()

        if args.cold:
            drop_caches()
        t0 = time.monotonic()
        d.start()
        r["restart_s"], st = wait_ready(d, t0, RESTART_TIMEOUT, want_bindings=bindings, want_offset=size)
        r["restart_get_s"] = wait_found(d, first_address(lease_file), t0)
        r["restart_rss"] = d.memory()["VmRSS"]

        r["follow_median_s"], r["follow_p99_s"], r["burst_s"] = follow(
            d, lease_file, family, args.follow_lines, args.burst)
    finally:
        d.stop()
    if not args.keep:
        shutil.rmtree(rundir, ignore_errors=True)
    return r


def drop_caches():
    """Empty the page cache (root only): a restart as after a reboot."""
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def timed(cmd):
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.PIPE)
    return time.monotonic() - t0


def python_csv_seconds(path):
    t0 = time.monotonic()
    with open(path, newline="") as f:
        for _ in csv.reader(f):
            pass
    return time.monotonic() - t0


def parse_bench_seconds(binary, path):
    if not os.access(binary, os.X_OK):
        return None
    out = subprocess.run([binary, path, "1"], check=True, stdout=subprocess.PIPE, text=True).stdout
    for line in out.splitlines():
        if line.startswith("parse+batch:"):
            return float(line.split(": ")[-1].split(" s,")[0])
    return None


def baselines(args, path):
    return {"wc_s": timed(["wc", "-l", path]),
            "pycsv_s": python_csv_seconds(path),
            "parse_s": parse_bench_seconds(args.parse_bench, path)}


def lease_file_for(args, family):
    path = os.path.join(args.workdir, "leases%d-n%d-seed%d-kea%s%s.csv" % (
        family, args.rows, args.seed, args.kea, "-scattered" if args.order == "scattered" else ""))
    if not os.path.exists(path):
        print("generating %s ..." % path, flush=True)
        tmp = path + ".tmp"
        subprocess.run([sys.executable, GENERATOR, "-%d" % family, "-n", str(args.rows),
                        "--seed", str(args.seed), "--kea", args.kea, "--order", args.order, "-o", tmp],
                       check=True)
        os.rename(tmp, path)
    return path


def mb(x):
    return "%.1f MB" % (x / 1e6)


def print_run(family, run, r, b):
    per = r["bindings"]
    print("v%d run %d: %d rows -> %d bindings: load %.2f s (%.0f rows/s, lqd CPU %.2f s user + %.2f s sys); "
          "peak RSS %s, RSS %s "
          "(anon %s, file %s) = %.0f B/binding; LMDB %s used = %.0f B/binding, %s on disk; "
          "restart %.3f s (first get %.3f s, RSS %s); follow median %.2f ms p99 %.2f ms; "
          "burst of lines %.1f ms | baselines: wc -l %.2f s, python csv %.2f s, parser alone %s"
          % (family, run, r["rows"], per, r["load_s"], r["rows"] / r["load_s"], r["load_user_s"],
             r["load_sys_s"], mb(r["peak_rss"]),
             mb(r["rss"]), mb(r["rss_anon"]), mb(r["rss_file"]), r["rss"] / per, mb(r["lmdb_used"]),
             r["lmdb_used"] / per, mb(r["lmdb_disk"]), r["restart_s"], r["restart_get_s"],
             mb(r["restart_rss"]), r["follow_median_s"] * 1e3, r["follow_p99_s"] * 1e3,
             r["burst_s"] * 1e3, b["wc_s"], b["pycsv_s"],
             "%.2f s" % b["parse_s"] if b["parse_s"] is not None else "n/a"), flush=True)


def med(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else float("nan")


def summary(results, args):
    print()
    print("Summary: medians of %d runs, %d rows per file, %d appended lines, burst of %d"
          % (args.runs, args.rows, args.follow_lines, args.burst))
    cols = [("load time", lambda rs: "%.2f s" % med(rs, "load_s")),
            ("rows/s", lambda rs: "%.0f" % (med(rs, "rows") / med(rs, "load_s"))),
            ("lqd CPU during load (user+sys)", lambda rs: "%.2f s" % med([{"x": r["load_user_s"] + r["load_sys_s"]} for r in rs], "x")),
            ("bindings", lambda rs: "%d" % med(rs, "bindings")),
            ("peak RSS", lambda rs: mb(med(rs, "peak_rss"))),
            ("RSS after load", lambda rs: mb(med(rs, "rss"))),
            ("  of which anon", lambda rs: mb(med(rs, "rss_anon"))),
            ("  of which file (LMDB map)", lambda rs: mb(med(rs, "rss_file"))),
            ("RSS after load per binding", lambda rs: "%.0f B" % med([{"x": r["rss"] / r["bindings"]} for r in rs], "x")),
            ("peak RSS per binding", lambda rs: "%.0f B" % med([{"x": r["peak_rss"] / r["bindings"]} for r in rs], "x")),
            ("LMDB pages in use per binding", lambda rs: "%.0f B" % med([{"x": r["lmdb_used"] / r["bindings"]} for r in rs], "x")),
            ("LMDB file on disk", lambda rs: mb(med(rs, "lmdb_disk"))),
            ("restart%s (status ready)" % (", cold cache" if args.cold else ""), lambda rs: "%.3f s" % med(rs, "restart_s")),
            ("restart (first get)", lambda rs: "%.3f s" % med(rs, "restart_get_s")),
            ("follow latency median", lambda rs: "%.2f ms" % (med(rs, "follow_median_s") * 1e3)),
            ("follow latency p99", lambda rs: "%.2f ms" % (med(rs, "follow_p99_s") * 1e3)),
            ("burst of %d lines stored" % args.burst, lambda rs: "%.1f ms" % (med(rs, "burst_s") * 1e3)),
            ("baseline: wc -l", lambda rs: "%.2f s" % med(rs, "wc_s")),
            ("baseline: python csv", lambda rs: "%.2f s" % med(rs, "pycsv_s")),
            ("baseline: parser alone (C)", lambda rs: "%.2f s" % med(rs, "parse_s")),
            ("load / parser alone", lambda rs: "%.1fx" % med([{"x": r["load_s"] / r["parse_s"]} for r in rs if r.get("parse_s")], "x"))]
    families = sorted(results)
    print("| %-30s | %s |" % ("", " | ".join("IPv%d" % f for f in families)))
    print("|%s|%s" % ("-" * 32, "|".join("-" * 14 for _ in families)) + "|")
    for name, fmt in cols:
        print("| %-30s | %s |" % (name, " | ".join("%12s" % fmt(results[f]) for f in families)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lqd", required=True)
    ap.add_argument("--parse-bench", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--families", default="4,6")
    ap.add_argument("--follow-lines", type=int, default=200)
    ap.add_argument("--burst", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kea", default="2.2")
    ap.add_argument("--order", default="address")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--cold", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    results = {}
    for family in [int(f) for f in args.families.split(",")]:
        source = lease_file_for(args, family)
        results[family] = []
        for run in range(1, args.runs + 1):
            b = baselines(args, source)
            r = one_run(args, family, source, run)
            r.update(b)
            print_run(family, run, r, b)
            results[family].append(r)
    summary(results, args)


if __name__ == "__main__":
    main()
