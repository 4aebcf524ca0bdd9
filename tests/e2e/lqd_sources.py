#!/usr/bin/env python3
"""lqd_sources.py BUILD_DIR - lqd as a process, with real files and its real
control socket (no root needed): the initial load of a Kea v4 and v6 lease
file, following appended lines, a bad line reported with file and line and
skipped, the control socket's add/update/delete/get/status/statistics and
its errors, a lease file replaced while lqd was down (full reload, stale
bindings removed), kill -9 during ingestion, and configuration errors that
name the bad key.

Prints one "ok ..." or "not ok ..." line per check; exits 1 on any failure.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lqctl import request  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(REPO, "tests", "data", "kea")
failures = 0


def check(cond, what):
    global failures
    print(("ok " if cond else "not ok ") + what)
    if not cond:
        failures += 1
    return cond


class Lqd:
    """One lqd process on a temporary directory."""

    def __init__(self, build, tmp, conf):
        self.build, self.tmp = build, tmp
        self.conf = os.path.join(tmp, "lqd.conf")
        self.sock = os.path.join(tmp, "lqd.sock")
        self.log = os.path.join(tmp, "lqd.log")
        with open(self.conf, "w") as f:
            f.write("// written by lqd_sources.py\n" + json.dumps(conf, indent=1))
        self.proc = None

    def start(self):
        logf = open(self.log, "a")
        self.proc = subprocess.Popen([os.path.join(self.build, "lqd"), "-c", self.conf],
                                     stdout=logf, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                st = self.req({"command": "status"})
                if not any(s["loading"] for s in st["sources"]):
                    return st
            except (OSError, ValueError, KeyError):
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("lqd did not come up; log:\n" + open(self.log).read())

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=10)
        return self.proc.returncode

    def req(self, r):
        return request(self.sock, r, timeout=10)

    def wait_for(self, pred, seconds=5):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if pred():
                return True
            time.sleep(0.02)
        return False

    def log_text(self):
        with open(self.log) as f:
            return f.read()


def kea_v4_line(addr, mac, expire, state=0):
    return "%s,%s,,3600,%d,1,0,0,,%d,\n" % (addr, mac, expire, state)


def test_load_follow_bad_lines(build, tmp):
    leases4 = os.path.join(tmp, "leases4.csv")
    leases6 = os.path.join(tmp, "leases6.csv")
    shutil.copy(os.path.join(DATA, "kea-2.2-perfdhcp-leases4.csv"), leases4)
    shutil.copy(os.path.join(DATA, "kea-2.2-perfdhcp-leases6.csv"), leases6)
    lqd = Lqd(build, tmp, {
        "store": {"path": os.path.join(tmp, "store")},
        "sources": [{"type": "kea-csv", "path": leases4}, {"type": "kea-csv", "path": leases6}],
        "subnets4": [{"subnet": "10.0.0.0/8"}, {"subnet": "192.0.2.0/24"}],
        "subnets6": [{"subnet": "2001:db8::/32"}],
        "control-socket": os.path.join(tmp, "lqd.sock"),
    })
    lqd.start()
    for kind, path in (("kea4", leases4), ("kea6", leases6)):
        rc = subprocess.call([sys.executable, os.path.join(HERE, "compare_leases.py"), lqd.sock, kind, path])
        check(rc == 0, "initial load of %s equals the file" % os.path.basename(path))

    # an appended line becomes a binding
    with open(leases4, "a") as f:
        f.write(kea_v4_line("192.0.2.77", "02:00:00:00:00:77", 2000000000))
    check(lqd.wait_for(lambda: lqd.req({"command": "get", "address": "192.0.2.77"})["result"] == "ok"),
          "a line appended to the lease file is followed into the store")
    got = lqd.req({"command": "get", "address": "192.0.2.77"})
    check(got.get("binding", {}).get("hwaddr") == "02:00:00:00:00:77" and
          got["binding"].get("expire") == 2000000000, "the followed binding has the line's fields")

    # a bad line is reported with file and line number, and the next line still counts
    lines_before = sum(1 for _ in open(leases4))
    with open(leases4, "a") as f:
        f.write("192.0.2.300,02:00:00:00:00:01,,3600,2000000000,1,0,0,,0,\n")
        f.write("this is not a lease\n")
        f.write(kea_v4_line("192.0.2.78", "02:00:00:00:00:78", 2000000000))
    check(lqd.wait_for(lambda: lqd.req({"command": "get", "address": "192.0.2.78"})["result"] == "ok"),
          "the line after two bad lines is still ingested")
    log = lqd.log_text()
    check("%s:%d:" % (leases4, lines_before + 1) in log and "%s:%d:" % (leases4, lines_before + 2) in log,
          "each bad line is logged with file and line number")
    st = lqd.req({"command": "status"})
    src4 = [s for s in st["sources"] if s["path"] == leases4][0]
    check(src4["bad_lines"] == 2, "status counts 2 bad lines (got %s)" % src4["bad_lines"])

    # a lease whose valid lifetime is 0 deletes the binding (Kea's removal)
    with open(leases4, "a") as f:
        f.write("192.0.2.77,02:00:00:00:00:77,,0,0,1,0,0,,0,\n")
    check(lqd.wait_for(lambda: lqd.req({"command": "get", "address": "192.0.2.77"})["result"] != "ok"),
          "a removal line deletes the binding")

    # kill -9, then lines appended while lqd is down are read exactly once
    lqd.stop(signal.SIGKILL)
    with open(leases4, "a") as f:
        f.write(kea_v4_line("192.0.2.79", "02:00:00:00:00:79", 2000000000))
    lqd.start()
    check(lqd.req({"command": "get", "address": "192.0.2.79"})["result"] == "ok",
          "a line appended while lqd was killed is read after the restart")
    check("resuming at line" in lqd.log_text(), "the restart resumes from the stored position")
    rc = subprocess.call([sys.executable, os.path.join(HERE, "compare_leases.py"), lqd.sock, "kea4", leases4])
    check(rc == 0, "after kill -9 and restart lqd equals the v4 file")
    hist = lqd.req({"command": "status"})["store"]["history_entries"]

    # kill -9 in the middle of ingesting 20000 appended lines: after the
    # restart every line is applied exactly once (one history entry each)
    n4 = lqd.req({"command": "status"})["store"]["bindings4"]
    # (Python writes in 8 KiB blocks: lqd sees lines cut in the middle, too)
    with open(leases4, "a") as f:
        for i in range(20000):
            f.write(kea_v4_line("10.9.%d.%d" % (i // 250, i % 250 + 1), "02:00:00:09:%02x:%02x" % (i >> 8, i & 255),
                                2000000000))
            if i == 10000:
                time.sleep(0.01)
                lqd.stop(signal.SIGKILL)
    size = os.path.getsize(leases4)
    lqd.start()
    lqd.wait_for(lambda: [s for s in lqd.req({"command": "status"})["sources"] if s["path"] == leases4][0]["offset"]
                 == size, 20)
    st = lqd.req({"command": "status"})["store"]
    check(st["bindings4"] == n4 + 20000, "kill -9 mid-ingestion: all 20000 appended leases are there (%d)"
          % (st["bindings4"] - n4))
    check(st["history_entries"] == hist + 20000,
          "kill -9 mid-ingestion: each line applied exactly once (%d history entries for 20000 lines)"
          % (st["history_entries"] - hist))
    hist = st["history_entries"]

    # the file replaced while lqd is down (a new inode): full reload, stale bindings go
    lqd.stop()
    with open(leases4 + ".new", "w") as f:
        f.write("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,"
                "user_context\n")
        f.write(kea_v4_line("192.0.2.200", "02:00:00:00:02:00", 2000000000))
    os.rename(leases4 + ".new", leases4)
    st = lqd.start()
    check(st["store"]["bindings4"] == 1, "a replaced file reloads whole: 1 IPv4 binding left (got %s)"
          % st["store"]["bindings4"])
    check("removed" in lqd.log_text() and "no longer has" in lqd.log_text(),
          "the stale bindings are removed and logged")
    check(st["store"]["history_entries"] > hist, "the removals are in the change history")
    rc = subprocess.call([sys.executable, os.path.join(HERE, "compare_leases.py"), lqd.sock, "kea6", leases6])
    check(rc == 0, "the v6 bindings are untouched by the v4 reload")
    lqd.stop()


def test_control(build, tmp):
    lqd = Lqd(build, tmp, {
        "store": {"path": os.path.join(tmp, "store")},
        "subnets4": [{"subnet": "192.0.2.0/24"}],
        "control-socket": os.path.join(tmp, "lqd.sock"),
    })
    lqd.start()
    b = {"address": "192.0.2.10", "state": "active", "hwaddr": "02:00:00:00:00:10", "client_id": "01020304",
         "expire": 2000000000, "valid_lifetime": 3600, "relay_info": "0104657468300206637065303031",
         "vpn": {"type": 0, "id": "41424344"}}
    r = lqd.req({"command": "add", "binding": b})
    check(r["result"] == "ok", "add a binding: %s" % r)
    got = lqd.req({"command": "get", "address": "192.0.2.10"}).get("binding", {})
    check(got.get("circuit_id") == "65:74:68:30" and got.get("remote_id") == "63:70:65:30:30:31",
          "circuit-id and remote-id are extracted from the relay information (%s, %s)"
          % (got.get("circuit_id"), got.get("remote_id")))
    r = lqd.req({"command": "add", "binding": b})
    check(r["result"] == "error" and "exists" in r.get("error", ""), "add of an existing binding fails: %s" % r)
    b["state"] = "released"
    check(lqd.req({"command": "update", "binding": b})["result"] == "ok", "update a binding")
    check(lqd.req({"command": "get", "address": "192.0.2.10"})["binding"]["state"] == "released",
          "the update is visible")
    r = lqd.req({"command": "update", "binding": dict(b, address="192.0.2.11")})
    check(r["result"] == "error", "update of an absent binding fails: %s" % r)

    six = {"prefix": "2001:db8:8000:100::/56", "type": "IA_PD", "state": "active", "client_id": "000100011234",
           "iaid": 7, "valid_lifetime": 4000, "preferred_lifetime": 3000, "expire": 2000000000,
           "link_address": "2001:db8:1::2"}
    check(lqd.req({"command": "add", "binding": six})["result"] == "ok", "add a delegated prefix")
    got = lqd.req({"command": "get", "address": "2001:db8:8000:100::1234"})
    check(got["result"] == "ok" and got["binding"].get("prefix") == "2001:db8:8000:100::/56",
          "an address inside a delegated prefix finds the prefix")
    check(lqd.req({"command": "bindings", "family": 6})["bindings"][0]["iaid"] == 7, "bindings lists v6")

    bad = [
        ({"command": "add", "binding": {"address": "192.0.2.999"}}, "address"),
        ({"command": "add", "binding": {"address": "192.0.2.12", "state": "happy"}}, "state"),
        ({"command": "add", "binding": {"address": "192.0.2.12", "hwaddr": "zz"}}, "hwaddr"),
        ({"command": "add", "binding": {"address": "192.0.2.12", "expire": -5}}, "expire"),
        ({"command": "add", "binding": {"address": "192.0.2.12", "relay_info": "0105"}}, "relay_info"),
        ({"command": "add"}, "binding"),
        ({"command": "frobnicate"}, "unknown command"),
        ({"address": "192.0.2.10"}, "command"),
        ({"command": "delete", "address": "192.0.2.99"}, "192.0.2.99"),
    ]
    for req, word in bad:
        r = lqd.req(req)
        check(r["result"] == "error" and word in r.get("error", ""),
              "%s is refused naming %r: %s" % (json.dumps(req), word, r.get("error")))
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(5)
        s.connect(lqd.sock)
        s.sendall(b"{not json\n")
        answer = json.loads(s.makefile().readline())
    check(answer["result"] == "error" and "not JSON" in answer["error"], "a line that is not JSON is refused")
    check(lqd.req({"command": "status"})["result"] == "ok", "lqd keeps serving after bad requests")

    check(lqd.req({"command": "delete", "address": "192.0.2.10"})["result"] == "ok", "delete a binding")
    check(lqd.req({"command": "get", "address": "192.0.2.10"})["result"] == "error", "the deleted binding is gone")
    stats = lqd.req({"command": "statistics"})
    check(stats["control_changes"] == 4, "statistics count 4 changes (got %s)" % stats["control_changes"])
    check(stats["control_errors"] >= len(bad) + 3, "statistics count the errors (got %s)" % stats["control_errors"])

    # durable: the v6 binding survives kill -9
    lqd.stop(signal.SIGKILL)
    lqd.start()
    check(lqd.req({"command": "get", "address": "2001:db8:8000:100::1"})["result"] == "ok",
          "a binding added through the control socket survives kill -9")
    lqd.stop()


def test_config_errors(build, tmp):
    cases = [
        ('{"store": {"path": "x"}, "sources": [{"type": "kea-cvs", "path": "a"}]}', "type"),
        ('{"store": {"path": "x"}, "subnets4": [{"subnet": "10.0.0.0/33"}]}', "subnet"),
        ('{"store": {"path": "x"}, "frobnicate": 1}', "frobnicate"),
        ('{"store": {"path": "x"}, "listen": [{"address": "127.0.0.1", "udp-port": 70000}]}', "udp-port"),
        ('{"store": {"path": "x"} "sources": []}', ":1:33:"),
    ]
    for i, (text, word) in enumerate(cases):
        path = os.path.join(tmp, "bad%d.conf" % i)
        with open(path, "w") as f:
            f.write(text)
        p = subprocess.run([os.path.join(build, "lqd"), "-t", "-c", path], capture_output=True, text=True)
        check(p.returncode == 1 and word in p.stderr, "config %s: exit 1 naming %r: %s"
              % (text[:60], word, p.stderr.strip()))
    good = os.path.join(REPO, "etc", "lqd.conf.example")
    p = subprocess.run([os.path.join(build, "lqd"), "-t", "-c", good], capture_output=True, text=True)
    check(p.returncode == 0, "the example configuration passes lqd -t: %s" % (p.stdout + p.stderr).strip())


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    for test in (test_load_follow_bad_lines, test_control, test_config_errors):
        tmp = tempfile.mkdtemp(prefix="lq-lqd-")
        try:
            test(build, tmp)
        except Exception as e:  # a crash of the test is a failure with its reason
            check(False, "%s: %s: %s" % (test.__name__, type(e).__name__, e))
        finally:
            if os.environ.get("LQ_KEEP"):
                print("kept", tmp)
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
