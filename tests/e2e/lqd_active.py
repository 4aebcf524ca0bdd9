#!/usr/bin/python3
"""lqd_active.py BUILD_DIR - lqd's active leasequery over TCP and its TLS,
end to end: DHCPv4 (RFC 7724) and DHCPv6 (RFC 7653; the REPLY answer to
STARTTLS of draft-ietf-dhc-dhcpv6-active-leasequery-03), asked by an
independent requestor (active_wire.py, bulk_wire.py: written from the RFCs)
over real TCP sockets on loopback, with Python's ssl module as the TLS
requestor and certificates made by the openssl command in the temporary
directory. lqd instances, each with its own JSON configuration and free
ports:

  A  follows a Kea CSV lease file per family. Per family: a requestor
     builds its copy of the bindings with a bulk query, then an active query
     without start time: lines appended to the lease file reach it (the
     delay is measured), so do bindings added, updated and deleted through
     the control socket; it disconnects with the highest base-time it saw,
     1000 bindings change in the file (renewed, new, released, expired,
     deleted), it reconnects with query-start-time = that base-time: the
     catch-up brings every changed binding, then CatchUpComplete, then live
     changes; its copy then equals lqd's store ("bindings"). The same with
     `lq active --state FILE` when build/lq has it. Also: query-end-time in
     an active query (MalformedQuery), DHCPTLS / STARTTLS with tls.mode off
     (TLSConnectionRefused), SIGTERM (QueryTerminated with base-time to
     every active requestor, exit 0), statistics.
  B  active.idle-timeout 2, send-timeout 2, max-connections-per-requestor
     2: keepalives of an idle query, a requestor that stops reading is
     dropped while another receives every change (lqd's memory bounded),
     the limit of active queries per requestor, a second query on an active
     connection.
  C  store.history-limit 100: a requestor away for 500 changes gets
     DataMissing with base-time, and repairs its copy with a bulk query
     from its old start time to that base-time.
  D  query-types without "active": NotAllowed.
  T  TLS optional / required / a server certificate of another CA:
     negotiation, active and bulk queries over TLS, plain text beside it or
     refused, requestor certificates of another CA or none refused by lqd
     (its log says why), lqd's certificate refused by the requestor, TLS 1.1
     refused.

Checks of behaviour lqd does not have yet are marked "pending" and run only
with LQ_ACTIVE_PENDING=1 (see pending()).

Prints one "ok ..."/"not ok ..." line per check; exits 1 on any failure.
Runs under Debian's /usr/bin/python3. LQ_KEEP=1 keeps the temporary
directory (configurations, logs, stores, certificates).
"""
import ipaddress
import json
import os
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lqctl import request  # noqa: E402
from bulk_wire import (  # noqa: E402
    Closed, Conn, Msg4, Msg6, v4_query, v6_query,
    V4_ACTIVE, V4_UNASSIGNED, V4_DONE, V6_REPLY, V6_LQ_REPLY, V6_LQ_DATA, V6_LQ_DONE,
    O6_SERVERID, O6_CLIENTID, O6_BASE_TIME, Q6_LINK,
    ST4_TERMINATED, ST4_MALFORMED, ST4_NOT_ALLOWED, ST6_MALFORMED, ST6_NOT_ALLOWED, ST6_TERMINATED)
from active_wire import (  # noqa: E402
    ActiveRequestor, TLSRefused, client_context, starttls, classify4, classify6,
    v4_active_query, v6_active_query, v4_tls, v6_starttls,
    V4_LQ_STATUS, V4_TLS, ST4_DATA_MISSING, ST4_CATCHUP_COMPLETE, ST4_TLS_REFUSED,
    ST6_DATA_MISSING, ST6_CATCHUP_COMPLETE, ST6_TLS_REFUSED)

T_START = time.monotonic()
failures = 0
passed = 0
INSTANCES = []
SERVER_ID = "127.0.0.1"
SERVER_DUID = bytes.fromhex("000100012a3b4c5d001122334455")
REQUESTOR = bytes.fromhex("00030001020000000002")      # the requestor's DUID-LL
NOW = int(time.time())
FAR = NOW + 86400 * 30          # lease expiry: far enough to stay in force

PENDING = os.environ.get("LQ_ACTIVE_PENDING") == "1"


def pending(what):
    """Say that a pending check is skipped; True when it should run."""
    if not PENDING:
        print("# pending (LQ_ACTIVE_PENDING=1 runs it): %s" % what)
    return PENDING


def check(cond, what):
    global failures, passed
    print(("ok " if cond else "not ok ") + what, flush=True)
    if cond:
        passed += 1
    else:
        failures += 1
    return cond


def note(text):
    print("# " + text, flush=True)


def short(x, n=300):
    t = str(x)
    return t if len(t) <= n else t[:n] + "..."


def diff(got, want):
    if got == want:
        return ""
    missing = sorted(k for k in want if k not in got)
    extra = sorted(k for k in got if k not in want)
    wrong = sorted("%s: %s != %s" % (k, got[k], want[k]) for k in want if k in got and got[k] != want[k])
    return short("%d missing %s, %d extra %s, %d wrong %s" % (len(missing), missing[:5], len(extra), extra[:5],
                                                              len(wrong), wrong[:5]))


def free_port(kind, family=4):
    fam = socket.AF_INET if family == 4 else socket.AF_INET6
    with socket.socket(fam, kind) as s:
        s.bind(("127.0.0.1" if family == 4 else "::1", 0))
        return s.getsockname()[1]


def wait_until(pred, timeout, step=0.02):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            return v
        time.sleep(step)


# ---------------------------------------------------------------- lqd

class Lqd:
    """One lqd with its own directory, configuration, ports and log."""

    def __init__(self, build, tmp, name, conf, wait_sources=True):
        self.build = build
        self.name = name
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir, exist_ok=True)
        self.tcp4 = free_port(socket.SOCK_STREAM, 4)
        self.tcp6 = free_port(socket.SOCK_STREAM, 6)
        self.udp4 = free_port(socket.SOCK_DGRAM, 4)
        self.udp6 = free_port(socket.SOCK_DGRAM, 6)
        self.sock = os.path.join(self.dir, "lqd.sock")
        self.active_sent = 0            # active queries this test sent to it
        base = {
            "server-id": SERVER_ID,
            "server-duid": SERVER_DUID.hex(),
            "listen": [{"address": "127.0.0.1", "udp-port": self.udp4, "tcp-port": self.tcp4},
                       {"address": "::1", "udp-port": self.udp6, "tcp-port": self.tcp6}],
            "store": {"path": os.path.join(self.dir, "store")},
            "control-socket": self.sock,
        }
        for k, v in conf.items():
            if isinstance(v, dict) and isinstance(base.get(k), dict):
                base[k].update(v)
            else:
                base[k] = v
        self.conf_path = os.path.join(self.dir, "lqd.conf")
        with open(self.conf_path, "w") as f:
            json.dump(base, f, indent=1)
        self.log_path = os.path.join(self.dir, "lqd.log")
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen([os.path.join(build, "lqd"), "-c", self.conf_path], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        INSTANCES.append(self)
        deadline = time.monotonic() + 15
        while True:
            try:
                st = self.ctl({"command": "status"}, timeout=2)
                if st.get("result") == "ok" and (not wait_sources or
                                                 not any(s.get("loading") for s in st.get("sources", []))):
                    break
            except (OSError, ValueError):
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("lqd %s did not start (exit %s): %s" % (name, self.proc.poll(),
                                                                         self.log_text()[-2000:]))
            time.sleep(0.05)

    def port(self, family):
        return self.tcp4 if family == 4 else self.tcp6

    def ctl(self, req, timeout=10):
        return request(self.sock, req, timeout=timeout)

    def ok(self, req):
        r = self.ctl(req)
        if r.get("result") != "ok":
            raise RuntimeError("lqd %s: %s: %s" % (self.name, req, r))
        return r

    def stats(self):
        return self.ctl({"command": "statistics"})["tcp"]

    def wait_stat(self, key, pred, timeout):
        deadline = time.monotonic() + timeout
        while True:
            v = self.stats()[key]
            if pred(v) or time.monotonic() > deadline:
                return v
            time.sleep(0.02)

    def source_lines(self, path):
        st = self.ctl({"command": "status"})
        for s in st.get("sources", []):
            if os.path.abspath(s["path"]) == os.path.abspath(path):
                return s["lines"]
        return None

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def connect_active(lqd, family, xid, timeout=3.0, **kw):
    """An active requestor whose query lqd has taken (its active_queries
    counter moved: a DHCPv4 active query is accepted silently)."""
    before = lqd.stats()["active_queries"]
    start = kw.pop("start", None)
    r = ActiveRequestor(family, lqd.port(family), requestor=REQUESTOR, **kw)
    r.start(xid, start=start)
    lqd.active_sent += 1
    taken = lqd.wait_stat("active_queries", lambda v: v > before, timeout) > before
    return r, taken


# ---------------------------------------------------------------- Kea lease files

KEA4_HEADER = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n"
KEA6_HEADER = ("address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,"
               "fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source\n")
KEA_DEFAULT, KEA_DECLINED, KEA_EXPIRED, KEA_RELEASED = 0, 1, 2, 3


def kea4(addr, n, expire=FAR, state=KEA_DEFAULT, valid=3600, tag=0):
    """A Kea 2.2 memfile v4 row as Kea writes it (tests/data/kea/*.csv). A
    deleted lease: valid 0."""
    mac = "02:%02x:%02x:%02x:%02x:%02x" % (tag & 255, (n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255)
    if valid == 0:
        expire = int(time.time())
    return "%s,%s,01:%s,%d,%d,1,0,0,host-%d.example.org,%d,\n" % (addr, mac, mac, valid, expire, n, state)


def duid6(n):
    return "00:03:00:01:02:00:%02x:%02x:%02x:%02x" % ((n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255)


def kea6(key, n, expire=FAR, state=KEA_DEFAULT, valid=4000):
    """A Kea 2.2 memfile v6 row: IA_NA for an address, IA_PD for a prefix."""
    if "/" in key:
        addr, plen, ltype, iaid = key.split("/")[0], int(key.split("/")[1]), 2, 2
    else:
        addr, plen, ltype, iaid = key, 128, 0, 1
    if valid == 0:
        expire = int(time.time())
    return "%s,%s,%d,%d,1,3000,%d,%d,%d,0,0,,,%d,,0,0\n" % (addr, duid6(n), valid, expire, ltype, iaid, plen, state)


def addr4(i, net=1):
    """The i-th test address of 10.<net>.0.0/21, last octets 1..250."""
    return "10.%d.%d.%d" % (net, i // 250, i % 250 + 1)


def key6(i):
    """The i-th test lease: an address, every 8th a delegated /56."""
    if i % 8 == 7:
        return "2001:db8:80%02x:%02x00::/56" % (i >> 8, i & 255)
    return "2001:db8:1::%x" % (0x1000 + i)


def append(path, lines):
    with open(path, "a") as f:
        f.write("".join(lines))
        f.flush()
        os.fsync(f.fileno())


def norm6(key):
    if "/" in key:
        a, p = key.split("/")
        return "%s/%s" % (ipaddress.IPv6Address(a), p)
    return str(ipaddress.IPv6Address(key))


STATE_CODE = {"available": 1, "active": 2, "expired": 3, "released": 4, "abandoned": 5}


def store_view(lqd, family):
    """lqd's store as a requestor's view would hold it: v4 {address:
    dhcp-state code} (an ACTIVE binding past its expiry: EXPIRED), v6
    {lease: "active"} for leases in force."""
    bl = lqd.ok({"command": "bindings", "family": family})["bindings"]
    now = time.time()
    out = {}
    for b in bl:
        exp = b.get("expire")
        in_force = b["state"] == "active" and (exp is None or exp > now)
        if family == 4:
            out[b["address"]] = 2 if in_force else (3 if b["state"] == "active" else STATE_CODE.get(b["state"], 0))
        elif in_force:
            out[norm6(b.get("prefix") or b["address"])] = "active"
    return out


def comparable(view, family):
    """A view without what means "no binding" (v4 AVAILABLE, v6 gone)."""
    if family == 4:
        return {k: v for k, v in view.items() if v != 1}
    return {norm6(k): v for k, v in view.items() if v == "active"}


# ---------------------------------------------------------------- bulk queries (the requestor's other half)

def bulk_into(lqd, family, view, start=None, end=None, timeout=20):
    """A bulk query of every binding (v4: all configured addresses, RFC
    6926; v6: QUERY_BY_LINK_ADDRESS ::, RFC 5460) applied to view. Returns
    (messages, status, problem)."""
    c = Conn(family, lqd.port(family))
    n, status, problem = 0, None, None
    try:
        if family == 4:
            c.send(v4_query(0xb001, start=start, end=end))
        else:
            c.send(v6_query(0xb001, Q6_LINK, link="::", requestor=REQUESTOR, start=start, end=end))
        deadline = time.monotonic() + timeout
        first = True
        while time.monotonic() < deadline:
            data = c.read_frame(max(0.01, deadline - time.monotonic()))
            n += 1
            if family == 4:
                m = Msg4(data)
                for ev in classify4(m, 0):
                    if ev.kind == "binding":
                        view[ev.key] = ev.state
                if m.type == V4_DONE:
                    status = m.status()[0]
                    break
            else:
                m = Msg6(data)
                for ev in classify6(m, 0):
                    if ev.kind == "binding":
                        view[ev.key] = ev.state
                if m.type == V6_LQ_DONE or (first and m.type == V6_LQ_REPLY and
                                            (m.status()[0] != 0 or not m.client_data())):
                    status = m.status()[0]
                    break
                first = False
        else:
            problem = "no end in %d s" % timeout
    except (Closed, socket.timeout, ValueError) as e:
        problem = "%s %s" % (type(e).__name__, e)
    finally:
        c.close()
    return n, status, problem


# ---------------------------------------------------------------- lq active (when build/lq has it)

def lq_active_available(build):
    try:
        r = subprocess.run([os.path.join(build, "lq"), "active", "--help"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def lq_active(build, args, timeout=20):
    """Runs `lq active ARGS --json`: (exit code, JSON objects, stderr)."""
    try:
        r = subprocess.run([os.path.join(build, "lq"), "active"] + args + ["--json"], capture_output=True,
                           timeout=timeout, text=True)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return None, [json.loads(x) for x in out.splitlines() if x.startswith("{")], "timeout"
    objs = []
    for line in r.stdout.splitlines():
        try:
            objs.append(json.loads(line))
        except ValueError:
            objs.append({"unparsed": line})
    return r.returncode, objs, r.stderr.strip()


# ---------------------------------------------------------------- A: follow, control socket, catch-up

def measure_follow(a, r, family, csv, first_index, count=20):
    """count lines appended one at a time to the followed lease file: the
    delay from the write until the requestor has the binding. Returns
    ([delays], [problems])."""
    delays, problems = [], []
    for k in range(count):
        i = first_index + k
        key = addr4(i) if family == 4 else norm6(key6(i))
        line = kea4(key, i) if family == 4 else kea6(key6(i), i)
        t0 = time.monotonic()
        wall0 = int(time.time())
        append(csv, [line])
        ev = r.read_until(lambda e: e.kind == "binding" and (e.key if family == 4 else norm6(e.key)) == key,
                          timeout=3)
        if ev is None:
            problems.append("%s did not arrive (%s)" % (key, r.ended or "timeout"))
            break
        delays.append((ev.t - t0) * 1000)
        if ev.base_time is None or not wall0 - 2 <= ev.base_time <= int(time.time()) + 2:
            problems.append("%s: base-time %s is not now" % (key, ev.base_time))
        if family == 4 and (ev.msg.type != V4_ACTIVE or ev.state != 2):
            problems.append("%s: type %s state %s, not DHCPLEASEACTIVE/ACTIVE" % (key, ev.msg.type, ev.state))
        if family == 6 and (ev.msg.type not in (V6_LQ_DATA, V6_LQ_REPLY) or ev.state != "active"):
            problems.append("%s: type %s state %s" % (key, ev.msg.type, ev.state))
        time.sleep(0.01)
    return delays, problems


def test_control_changes(a, r, family):
    """Check 2: add / update / delete through the control socket."""
    if family == 4:
        key, b = "10.1.7.100", {"address": "10.1.7.100", "state": "active", "hwaddr": "02:00:00:00:07:64",
                                "expire": FAR, "valid_lifetime": 3600}
    else:
        key, b = "2001:db8:1::7:100", {"address": "2001:db8:1::7:100", "type": "IA_NA", "state": "active",
                                       "client_id": "000300010200000b0b0b", "iaid": 7, "expire": FAR,
                                       "valid_lifetime": 4000, "preferred_lifetime": 3000}
    steps = [("add", {"command": "add", "binding": b}, (V4_ACTIVE, 2) if family == 4 else "active"),
             ("update to released", {"command": "update", "binding": dict(b, state="released")},
              (V4_UNASSIGNED, 4) if family == 4 else "gone"),
             ("delete", {"command": "delete", "address": key}, (V4_UNASSIGNED, 1) if family == 4 else "gone")]
    for what, req, want in steps:
        t0 = time.monotonic()
        a.ok(req)
        ev = r.read_until(lambda e: e.kind == "binding" and e.key == key, timeout=3)
        got = None if ev is None else ((ev.msg.type, ev.state) if family == 4 else ev.state)
        if family == 4:
            name = {V4_ACTIVE: "DHCPLEASEACTIVE", V4_UNASSIGNED: "DHCPLEASEUNASSIGNED"}[want[0]]
            desc = "%s state %d" % (name, want[1])
        else:
            desc = "LEASEQUERY-DATA with OPTION_CLIENT_DATA, the lease %s" % (
                "valid" if want == "active" else "with valid lifetime 0")
        check(got == want and ev.base_time is not None,
              "v%d control socket %s %s: the active requestor gets %s with base-time in %.1f ms (got %s)"
              % (family, what, key, desc, ((ev.t if ev else time.monotonic()) - t0) * 1000, got))


def changes_1000(family):
    """1000 changes of the lease file while the requestor is away: 500
    renewed, 50 new, 200 released, 100 expired, 150 deleted. Returns
    (lines, {key: state the requestor must end with})."""
    lines, want = [], {}
    for i in range(1000):
        if i < 500:
            idx, kind = i, "renew"
        elif i < 550:
            idx, kind = 1400 + i - 500, "new"
        elif i < 750:
            idx, kind = i, "released"
        elif i < 850:
            idx, kind = i, "expired"
        else:
            idx, kind = i, "deleted"
        st = {"renew": KEA_DEFAULT, "new": KEA_DEFAULT, "released": KEA_RELEASED, "expired": KEA_EXPIRED,
              "deleted": KEA_DEFAULT}[kind]
        valid = 0 if kind == "deleted" else None
        if family == 4:
            key = addr4(idx)
            lines.append(kea4(key, idx, expire=FAR + 100, state=st, valid=3600 if valid is None else 0, tag=1))
            want[key] = {"renew": 2, "new": 2, "released": 4, "expired": 3, "deleted": 1}[kind]
        else:
            key = norm6(key6(idx))
            lines.append(kea6(key6(idx), idx, expire=FAR + 100, state=st, valid=4000 if valid is None else 0))
            want[key] = "active" if kind in ("renew", "new") else "gone"
    return lines, want


def test_family_a(build, a, family, csv):
    """Checks 1, 2, 3 for one family on lqd A."""
    v = "v%d" % family
    view = {}
    n, status, problem = bulk_into(a, family, view)
    check(status == 0 and problem is None and comparable(view, family) == store_view(a, family),
          "%s: the requestor's copy from a bulk query (%d messages) equals lqd's store %s"
          % (v, n, diff(comparable(view, family), store_view(a, family))))
    r, taken = connect_active(a, family, 0xa100 + family, view=view)
    if not check(taken, "%s: lqd takes an active query without start time" % v):
        r.close()
        return
    # 1. appended lease file lines
    delays, problems = measure_follow(a, r, family, csv, 1300, 20)
    if delays:
        ds = sorted(delays)
        note("%s follow delay, lease file write -> requestor: median %.2f ms, max %.2f ms over %d lines"
             % (v, statistics.median(ds), ds[-1], len(ds)))
    check(len(delays) == 20 and not problems,
          "%s: 20 lines appended one by one to the followed Kea lease file each reach the active requestor as %s "
          "with base-time now (median %.1f ms, max %.1f ms) %s"
          % (v, "DHCPLEASEACTIVE" if family == 4 else "LEASEQUERY-DATA",
             statistics.median(delays) if delays else -1, max(delays) if delays else -1, short(problems)))
    # 2. the control socket
    test_control_changes(a, r, family)
    if family == 6:
        first = r.events[0].msg if r.events else None
        check(first is not None and first.type == V6_LQ_REPLY and first.get(O6_SERVERID) == SERVER_DUID
              and first.get(O6_CLIENTID) == REQUESTOR and all(e.msg.type == V6_LQ_DATA for e in r.events[1:]
                                                              if e.msg is not first),
              "v6: the stream is one LEASEQUERY-REPLY (server-id, the requestor's client-id) then LEASEQUERY-DATA "
              "(RFC 7653 9.3) (types %s)" % short([e.msg.type for e in r.events[:6]]))
    # 3. catch-up
    saved = r.saved_base_time
    check(saved is not None and r.ended is None, "%s: the requestor saves base-time %s before it disconnects"
          % (v, saved))
    r.close()
    if saved is None:
        return
    lines, want = changes_1000(family)
    before = a.source_lines(csv)
    append(csv, lines)
    wait_until(lambda: a.source_lines(csv) >= before + len(lines), 10)
    t0 = time.monotonic()
    r2, taken = connect_active(a, family, 0xa200 + family, view=view, start=saved)
    catchup = []
    ev = r2.read_until(lambda e: (catchup.append(e) or False) if e.kind == "binding" else e.kind in ("status", "done"),
                       timeout=20)
    took = time.monotonic() - t0
    code_complete = ST4_CATCHUP_COMPLETE if family == 4 else ST6_CATCHUP_COMPLETE
    got = {}
    for e in catchup:
        got[e.key if family == 4 else norm6(e.key)] = e.state
    missing = [k for k in want if k not in got]
    wrong = ["%s: %s != %s" % (k, got[k], want[k]) for k in want if k in got and got[k] != want[k]]
    check(ev is not None and ev.kind == "status" and ev.code == code_complete and ev.base_time is not None,
          "%s: reconnected with query-start-time %d: %d bindings, then %s CatchUpComplete with base-time in "
          "%.2f s (got %s)" % (v, saved, len(catchup),
                               "DHCPLEASEQUERYSTATUS" if family == 4 else "LEASEQUERY-DATA", took, ev))
    if ev is not None and family == 4:
        check(ev.msg.type == V4_LQ_STATUS, "v4: CatchUpComplete comes in a DHCPLEASEQUERYSTATUS (type %s)"
              % ev.msg.type)
    if ev is not None and family == 6:
        check(ev.msg.type == V6_LQ_DATA, "v6: CatchUpComplete comes in a LEASEQUERY-DATA (type %s)" % ev.msg.type)
    check(not missing and not wrong,
          "%s: the catch-up holds the current state of each of the 1000 changed bindings (renewed, new, released, "
          "expired, deleted) %s%s" % (v, "missing %d %s " % (len(missing), missing[:5]) if missing else "",
                                      short(wrong[:5]) if wrong else ""))
    if family == 4:
        types = {(e.msg.type, e.state) for e in catchup if e.key in want}
        check(types <= {(V4_ACTIVE, 2), (V4_UNASSIGNED, 4), (V4_UNASSIGNED, 3), (V4_UNASSIGNED, 1)},
              "v4: catch-up messages are DHCPLEASEACTIVE / DHCPLEASEUNASSIGNED with the dhcp-state (%s)"
              % sorted(types))
    # live after the catch-up
    if ev is not None:
        live_key = addr4(1499) if family == 4 else norm6(key6(1499))
        append(csv, [kea4(live_key, 1499) if family == 4 else kea6(key6(1499), 1499)])
        ev2 = r2.read_until(lambda e: e.kind == "binding" and (e.key if family == 4 else norm6(e.key)) == live_key,
                            timeout=3)
        check(ev2 is not None, "%s: after CatchUpComplete a live change arrives (%s)" % (v, live_key))
    time.sleep(0.2)
    r2.drain(0.2)
    got_view, want_view = comparable(view, family), store_view(a, family)
    check(got_view == want_view,
          "%s: nothing lost: the requestor's copy (bulk, then everything received since its first connect) "
          "equals lqd's store, %d bindings %s" % (v, len(want_view), diff(got_view, want_view)))
    check(r2.saved_base_time is not None and r2.saved_base_time >= saved,
          "%s: after the catch-up the requestor saves a newer base-time (%s >= %s)"
          % (v, r2.saved_base_time, saved))
    r2.close()


class LqActive:
    """`lq active ARGS --json` running in the background: its JSON lines
    are collected as they come; stop() sends SIGINT (lq exits 0 then)."""

    def __init__(self, build, args, lqd=None):
        if lqd is not None:
            lqd.active_sent += 1
        self.p = subprocess.Popen([os.path.join(build, "lq"), "active"] + args + ["--json"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.objs, self.err = [], []
        self.threads = [threading.Thread(target=self._read, args=(self.p.stdout, True), daemon=True),
                        threading.Thread(target=self._read, args=(self.p.stderr, False), daemon=True)]
        for t in self.threads:
            t.start()

    def _read(self, f, is_out):
        for line in f:
            if not is_out:
                self.err.append(line.rstrip())
                continue
            try:
                self.objs.append(json.loads(line))
            except ValueError:
                self.objs.append({"unparsed": line})

    def wait_for(self, pred, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for o in list(self.objs):
                if pred(o):
                    return o
            if self.p.poll() is not None:
                time.sleep(0.05)
                return next((o for o in list(self.objs) if pred(o)), None)
            time.sleep(0.02)
        return None

    def stop(self, timeout=5):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = None
        for t in self.threads:
            t.join(2)
        return rc

    def records(self):
        return [o for o in self.objs if "event" not in o and ("address" in o or "addresses" in o or "prefixes" in o)]


def lq_apply(view, o, family):
    """A binding record of `lq active --json` into a requestor's view."""
    if family == 4:
        if o.get("address") and o.get("state"):
            view[o["address"]] = STATE_CODE.get(o["state"], 0)
        return
    for x in o.get("addresses", []) + o.get("prefixes", []):
        k = x.get("address") or x.get("prefix")
        if k:
            view[norm6(k)] = "active" if x.get("valid_lifetime", 0) > 0 else "gone"


def lq_keys(o, family):
    if family == 4:
        return [o["address"]] if o.get("address") else []
    return [norm6(x.get("address") or x.get("prefix")) for x in o.get("addresses", []) + o.get("prefixes", [])]


def test_lq_active_state(build, a, family, csv, tmp):
    """`lq active --state FILE --json`: a copy kept by lq's output (after a
    first bulk query) equals the store after a disconnect, 100 changes made
    meanwhile, and the catch-up from the base-time in its state file."""
    v = "lq active -%d" % family
    s = "127.0.0.1:%d" % a.tcp4 if family == 4 else "[::1]:%d" % a.tcp6
    state = os.path.join(tmp, "lq-active%d.state" % family)
    view = {}
    bulk_into(a, family, view)
    before = a.stats()["active_queries"]
    p1 = LqActive(build, ["-%d" % family, "-s", s, "--state", state], a)
    taken = a.wait_stat("active_queries", lambda x: x > before, 5) > before
    keys = []
    for k in (1600, 1601):
        keys.append(addr4(k) if family == 4 else norm6(key6(k)))
        append(csv, [kea4(addr4(k), k) if family == 4 else kea6(key6(k), k)])
    got = p1.wait_for(lambda o: keys[1] in lq_keys(o, family), 5)
    rc = p1.stop()
    for o in p1.records():
        lq_apply(view, o, family)
    check(taken and got is not None and rc == 0 and os.path.exists(state),
          "%s --state FILE --json: prints the live changes as JSON records, exits 0 on SIGINT and keeps its state "
          "file (rc %s) %s" % (v, rc, short(p1.err[-2:])))
    if rc != 0 or not os.path.exists(state):
        return
    lines, want = [], {}
    for i in range(1610, 1710):
        kind = i % 10
        valid = 0 if kind == 9 else None
        st = KEA_RELEASED if kind == 8 else KEA_DEFAULT
        if family == 4:
            key = addr4(i)
            lines.append(kea4(key, i, tag=3, state=st, valid=3600 if valid is None else 0))
            want[key] = 1 if kind == 9 else 4 if kind == 8 else 2
        else:
            key = norm6(key6(i))
            lines.append(kea6(key6(i), i, state=st, valid=4000 if valid is None else 0))
            want[key] = "gone" if kind in (8, 9) else "active"
    append(csv, lines)
    wait_until(lambda: a.source_lines(csv) is not None, 1)
    time.sleep(0.3)
    p2 = LqActive(build, ["-%d" % family, "-s", s, "--state", state], a)
    done = p2.wait_for(lambda o: o.get("event") == "catch-up-complete", 10)
    caught = {}
    for o in p2.records():
        if o.get("catch_up"):
            sub = {}
            lq_apply(sub, o, family)
            caught.update(sub)
    wrong = ["%s: %s != %s" % (k, caught.get(k), want[k]) for k in want if caught.get(k) != want[k]]
    check(done is not None and not wrong,
          "%s --state FILE: the catch-up from the saved base-time brings the 100 bindings changed while it was away, "
          "each in its current state, then a catch-up-complete event %s" % (v, short(wrong[:5])))
    k = 1720
    key = addr4(k) if family == 4 else norm6(key6(k))
    append(csv, [kea4(key, k) if family == 4 else kea6(key6(k), k)])
    live = p2.wait_for(lambda o: key in lq_keys(o, family) and not o.get("catch_up"), 5)
    rc = p2.stop()
    for o in p2.records():
        lq_apply(view, o, family)
    got_view, want_view = comparable(view, family), store_view(a, family)
    check(live is not None and rc == 0 and got_view == want_view,
          "%s: then live; the copy built from a bulk query and lq's records equals lqd's store (%d bindings) %s"
          % (v, len(want_view), diff(got_view, want_view)))
    # --count: the binding that reaches it keeps its base-time (fixed in 084b6b1)
    st1 = os.path.join(tmp, "lq-active%d-count1.state" % family)
    before = a.stats()["active_queries"]
    p3 = LqActive(build, ["-%d" % family, "-s", s, "--state", st1, "--count", "1"], a)
    a.wait_stat("active_queries", lambda x: x > before, 5)
    append(csv, [kea4(addr4(1730), 1730) if family == 4 else kea6(key6(1730), 1730)])
    rc = p3.p.wait(timeout=10) if p3.wait_for(lambda o: "status" in o, 5) else p3.stop()
    rec = next(iter(p3.records()), {})
    try:
        with open(st1) as f:
            saved = json.load(f).get("base_time")
    except (OSError, ValueError):
        saved = None
    check(rc == 0 and saved is not None and saved == rec.get("base_time"),
          "%s --state FILE --count 1: exits 0 after one binding and its state file holds that binding's base-time "
          "(rc %s, state %s, binding %s)" % (v, rc, saved, rec.get("base_time")))


def test_lq_active_data_missing(build, c_lqd, family, csv):
    """`lq active --start-time` from before a pruned history: DataMissing,
    the bulk repair on a second connection, the changed bindings in their
    current state."""
    v = "lq active -%d" % family
    s = "127.0.0.1:%d" % c_lqd.tcp4 if family == 4 else "[::1]:%d" % c_lqd.tcp6
    t0 = int(time.time()) - 1
    want = {}
    lines = []
    for i in range(800, 1000):
        if family == 4:
            key = addr4(i, net=4)
            lines.append(kea4(key, i, tag=5, valid=0 if i % 10 == 9 else 3600))
            want[key] = 1 if i % 10 == 9 else 2
        else:
            key = norm6(key6(i))
            lines.append(kea6(key6(i), i, valid=0 if i % 10 == 9 else 4000))
            want[key] = "gone" if i % 10 == 9 else "active"
    for k in range(0, 200, 20):
        append(csv, lines[k:k + 20])
        time.sleep(0.01)
    time.sleep(0.3)
    p = LqActive(build, ["-%d" % family, "-s", s, "--start-time", str(t0)], c_lqd)
    dm = p.wait_for(lambda o: o.get("event") == "data-missing", 5)
    rep = p.wait_for(lambda o: o.get("event") == "repair-complete", 10)
    rc = p.stop()
    got = {}
    for o in p.records():
        lq_apply(got, o, family)
    wrong = ["%s: %s != %s" % (k, got.get(k), want[k]) for k in want
             if got.get(k, 1 if family == 4 else "gone") != want[k]]
    check(dm is not None and rep is not None and rep.get("status") == "Success" and not wrong and rc == 0,
          "%s --start-time before what the history (limit 100) holds: a data-missing event, the bulk repair "
          "(repair-complete Success), every one of the 200 changed bindings in its current state (rc %s) %s %s"
          % (v, rc, short(wrong[:4]), short(p.err[-2:])))


def test_end_time(a):
    """Check 5: query-end-time in an active query: MalformedQuery, closed."""
    for family in (4, 6):
        c = Conn(family, a.port(family))
        now = int(time.time())
        if family == 4:
            c.send(v4_active_query(0xe4, start=now - 60, end=now))
        else:
            c.send(v6_active_query(0xe6, REQUESTOR, start=now - 60, end=now))
        a.active_sent += 1
        msgs = []
        end = None
        try:
            for _ in range(20):
                msgs.append(c.read_frame(3))
        except Closed:
            end = "closed"
        except socket.timeout:
            end = "open"
        m = (Msg4(msgs[0]) if family == 4 else Msg6(msgs[0])) if msgs else None
        if family == 4:
            ok = m is not None and m.type == V4_LQ_STATUS and m.status()[0] == ST4_MALFORMED and len(msgs) == 1
            what = "DHCPLEASEQUERYSTATUS MalformedQuery"
        else:
            ok = m is not None and m.type == V6_LQ_REPLY and m.status()[0] == ST6_MALFORMED and len(msgs) == 1
            what = "LEASEQUERY-REPLY MalformedQuery (RFC 7653 9.3)"
        check(ok and end == "closed", "v%d active query with query-end-time: one %s, then lqd closes (got %s, %d "
              "messages, %s)" % (family, what, (m.type, m.status()) if m else None, len(msgs), end))
        c.close()


def test_tls_off(a):
    """Check 6, mode off: TLSConnectionRefused."""
    c = Conn(4, a.tcp4)
    c.send(v4_tls(0x7101))
    try:
        m = Msg4(c.read_frame(3))
    except (Closed, socket.timeout, ValueError) as e:
        m = e
    ok = isinstance(m, Msg4) and m.type == V4_TLS and m.status()[0] == ST4_TLS_REFUSED and m.xid == 0x7101
    check(ok, "tls.mode off: DHCPTLS is answered by a DHCPTLS with status-code TLSConnectionRefused (8) (got %s)"
          % (((m.type, m.status()) if isinstance(m, Msg4) else m),))
    c.close()
    c = Conn(6, a.tcp6)
    c.send(v6_starttls(0x7106, REQUESTOR))
    try:
        m = Msg6(c.read_frame(3))
    except (Closed, socket.timeout, ValueError) as e:
        m = e
    ok = (isinstance(m, Msg6) and m.type == V6_REPLY and m.status()[0] == ST6_TLS_REFUSED and m.xid == 0x7106
          and m.get(O6_SERVERID) == SERVER_DUID and m.get(O6_CLIENTID) == REQUESTOR)
    check(ok, "tls.mode off: STARTTLS is answered by a REPLY (7) with OPTION_STATUS_CODE TLSConnectionRefused (15), "
              "server-id and the requestor's client-id (got %s)" % (((m.type, m.status()) if isinstance(m, Msg6) else m),))
    c.close()


def test_shutdown(a):
    """Check 10: SIGTERM: QueryTerminated with base-time to every active
    requestor, then close, exit 0."""
    rs = []
    for family in (4, 6):
        r, taken = connect_active(a, family, 0xd000 + family)
        rs.append((family, r, taken))
    results = {}

    def drain(family, r):
        ev = r.read_until(lambda e: e.kind == "done", timeout=8)
        closed = r.read_until(lambda e: True, timeout=3) is None and r.ended == "closed"
        results[family] = (ev, closed)

    threads = [threading.Thread(target=drain, args=(f, r)) for f, r, _ in rs]
    for t in threads:
        t.start()
    t0 = time.monotonic()
    a.proc.send_signal(signal.SIGTERM)
    for t in threads:
        t.join(15)
    try:
        rc = a.proc.wait(timeout=8)
    except subprocess.TimeoutExpired:
        rc = None
    took = time.monotonic() - t0
    for family, r, taken in rs:
        ev, closed = results.get(family, (None, False))
        now = int(time.time())
        if family == 4:
            ok = ev is not None and ev.msg.type == V4_DONE and ev.code == ST4_TERMINATED
            what = "DHCPLEASEQUERYDONE status-code QueryTerminated (2)"
        else:
            ok = ev is not None and ev.msg.type == V6_LQ_DONE and ev.code == ST6_TERMINATED
            what = "LEASEQUERY-DONE OPTION_STATUS_CODE QueryTerminated (11)"
        bt_ok = ev is not None and ev.base_time is not None and now - 10 <= ev.base_time <= now + 2
        check(taken and ok and bt_ok and closed,
              "shutdown: the v%d active requestor gets %s with base-time, then lqd closes (got %s, closed %s)"
              % (family, what, ev, closed))
        r.close()
    check(rc == 0 and took < 5, "shutdown: lqd exits 0 (%s) in %.1f s" % (rc, took))


# ---------------------------------------------------------------- B: keepalive, slow reader, limits

def test_keepalive(b):
    """Check 8: idle-timeout 2: a keepalive within ~3 s."""
    for family in (4, 6):
        t0 = time.monotonic()
        r, taken = connect_active(b, family, 0xca00 + family)
        # v6: the LEASEQUERY-REPLY may come first; the keepalive is a LEASEQUERY-DATA without client data
        ev = r.read_until(lambda e: e.kind == "keepalive", timeout=5)
        t = time.monotonic() - t0
        if family == 4:
            ok = ev is not None and ev.msg.type == V4_LQ_STATUS and 151 not in ev.msg.opts and ev.base_time is not None
            what = "DHCPLEASEQUERYSTATUS without status-code, with base-time"
        else:
            ok = ev is not None and ev.msg.type == V6_LQ_DATA and not ev.msg.client_data()
            what = "LEASEQUERY-DATA without OPTION_CLIENT_DATA"
        check(taken and ok and 1.5 <= t <= 4.0, "keepalive: an idle v%d active requestor (idle-timeout 2) gets %s "
              "after %.2f s (%s)" % (family, what, t, ev))
        if ok:
            ev2 = r.read_until(lambda e: e.kind == "keepalive", timeout=4)
            t2 = time.monotonic() - ev.t
            check(ev2 is not None and 1.5 <= t2 <= 4.0, "keepalive: v%d, the next one %.2f s later" % (family, t2))
        r.close()


def test_slow_reader(b, csv):
    """Check 7: a requestor that stops reading is dropped after
    send-timeout 2 while another gets every change; memory bounded."""
    dropped0 = b.stats()["active_dropped"]
    staller, t1 = connect_active(b, 4, 0x5701, src="127.0.0.2", rcvbuf=4096)
    reader, t2 = connect_active(b, 4, 0x5702, src="127.0.0.3")
    check(t1 and t2, "slow reader: two active requestors connected")
    n = 20000
    keys = [addr4(i, net=2) for i in range(n)]
    got = set()
    result = {}

    def read_all():
        deadline = time.monotonic() + 30
        while len(got) < n and time.monotonic() < deadline:
            try:
                for ev in reader.read(max(0.01, deadline - time.monotonic())):
                    if ev.kind == "binding":
                        got.add(ev.key)
            except (Closed, socket.timeout, OSError) as e:
                result["end"] = type(e).__name__
                break
        result["t"] = time.monotonic()

    th = threading.Thread(target=read_all)
    th.start()
    rss0 = b.rss_kb()
    t0 = time.monotonic()
    for k in range(0, n, 2000):
        append(csv, [kea4(keys[i], i, tag=2) for i in range(k, k + 2000)])
        time.sleep(0.02)
    rss_max = rss0
    dropped_at = None
    while time.monotonic() - t0 < 10:
        rss_max = max(rss_max, b.rss_kb())
        if b.stats()["active_dropped"] > dropped0:
            dropped_at = time.monotonic() - t0
            break
        time.sleep(0.05)
    th.join(30)
    rss_max = max(rss_max, b.rss_kb())
    check(dropped_at is not None and 1.5 <= dropped_at <= 8,
          "slow reader: the requestor that stopped reading (SO_RCVBUF 4096) is dropped after %s s (send-timeout 2, "
          "counted in active_dropped)" % ("%.2f" % dropped_at if dropped_at is not None else "no drop"))
    check(len(got) == n and set(keys) <= got,
          "slow reader: meanwhile the other active requestor receives every one of the %d changes (%d, %s)"
          % (n, len(got), result.get("end", "still open")))
    check(rss_max - rss0 < 20 * 1024, "slow reader: lqd's VmRSS grew by %d KiB (< 20 MiB: bounded)"
          % (rss_max - rss0))
    end = staller.conn.wait_closed(5)
    check(end is not None, "slow reader: the dropped connection is closed")
    check("ACTIVE_LQ_SEND_TIMEOUT" in b.log_text() or "read nothing" in b.log_text(),
          "slow reader: lqd's log says why it dropped the requestor")
    staller.close()
    reader.close()
    return 1


def test_limits(b, csv):
    """Check 9: max-connections-per-requestor 2; a second query on an
    active connection."""
    r1, t1 = connect_active(b, 4, 0x9101, src="127.0.0.4")
    r2, t2 = connect_active(b, 4, 0x9102, src="127.0.0.4")
    term0 = b.stats()["terminated"]
    r3 = ActiveRequestor(4, b.tcp4, src="127.0.0.4")
    r3.start(0x9103)
    b.active_sent += 1
    ev = r3.read_until(lambda e: e.kind in ("done", "status"), timeout=3)
    closed = r3.read_until(lambda e: True, timeout=3) is None and r3.ended == "closed"
    check(t1 and t2 and ev is not None and ev.kind == "done" and ev.msg.type == V4_DONE
          and ev.code == ST4_TERMINATED and ev.msg.xid == 0x9103 and closed,
          "limits: a 3rd v4 active query from one address (active.max-connections-per-requestor 2) ends with "
          "DHCPLEASEQUERYDONE QueryTerminated, then lqd closes (got %s, closed %s)" % (ev, closed))
    check("max-connections-per-requestor" in b.log_text(), "limits: lqd's log names the limit")
    # the two first still get changes
    key = addr4(30, net=3)
    append(csv, [kea4(key, 30)])
    e1 = r1.read_until(lambda e: e.kind == "binding" and e.key == key, timeout=3)
    e2 = r2.read_until(lambda e: e.kind == "binding" and e.key == key, timeout=3)
    check(e1 is not None and e2 is not None, "limits: the two accepted active queries still receive changes")
    # a second query on an active connection: closed
    r1.conn.send(v4_active_query(0x9104))
    evs = []
    end = r1.read_until(lambda e: (evs.append(e) or False), timeout=3)
    check(end is None and r1.ended == "closed",
          "limits: a second query on an active connection: lqd closes it (RFC 7724 / RFC 7653 9.4: one query per "
          "connection) (%s)" % r1.ended)
    check(any(e.kind == "done" and e.code == ST4_TERMINATED for e in evs),
          "limits: ... after a DHCPLEASEQUERYDONE QueryTerminated (RFC 7653 9.5) (%s)" % evs[-3:])
    r2.close()
    r1.close()
    r3.close()
    # v6: 3 from ::1
    rs = []
    for k in range(2):
        r, t = connect_active(b, 6, 0x9601 + k)
        rs.append(r)
    r = ActiveRequestor(6, b.tcp6, requestor=REQUESTOR)
    r.start(0x9603)
    b.active_sent += 1
    ev = r.read_until(lambda e: e.kind in ("done", "status"), timeout=3)
    closed = r.read_until(lambda e: True, timeout=3) is None and r.ended == "closed"
    check(ev is not None and ev.code == ST6_TERMINATED and ev.msg.type in (V6_LQ_DONE, V6_LQ_REPLY) and closed,
          "limits: a 3rd v6 active query from ::1 ends with QueryTerminated (11), then lqd closes (got %s)" % ev)
    for x in rs + [r]:
        x.close()


def test_long_catchup(b, csv):
    """A catch-up over 60000 changes: the engine reads the history in
    budgets of LQ_ACTIVE_HISTORY_BUDGET (4096) entries and says "call
    again" (LQ_ACTIVE_AGAIN); the transport must go on by itself (it once
    stalled before CatchUpComplete until the next store change)."""
    start = int(time.time())
    while time.time() < start + 1.05:
        time.sleep(0.01)
    n = 60000
    before = b.source_lines(csv)
    append(csv, [kea4(addr4(i, net=6), i, tag=6) for i in range(n)])
    wait_until(lambda: b.source_lines(csv) >= before + n, 20)
    t0 = time.monotonic()
    r, taken = connect_active(b, 4, 0x6c01, start=start)
    count = [0]
    ev = r.read_until(lambda e: (count.__setitem__(0, count[0] + 1) or False) if e.kind == "binding"
                      else e.kind in ("status", "done"), timeout=20)
    check(taken and ev is not None and ev.code == ST4_CATCHUP_COMPLETE and count[0] >= n,
          "a catch-up over %d changed bindings (history read in budgets of 4096): %d bindings, then "
          "CatchUpComplete in %.1f s (got %s)" % (n, count[0], time.monotonic() - t0, ev))
    r.close()


# ---------------------------------------------------------------- C: DataMissing

def test_data_missing(c_lqd, family, csv):
    """Check 4 on lqd C (store.history-limit 100)."""
    v = "v%d" % family
    view = {}
    n, status, problem = bulk_into(c_lqd, family, view)
    r, taken = connect_active(c_lqd, family, 0xc100 + family, view=view)
    k0 = 100
    append(csv, [kea4(addr4(k0, net=4), k0) if family == 4 else kea6(key6(k0), k0)])
    ev = r.read_until(lambda e: e.kind == "binding", timeout=3)
    saved = r.saved_base_time
    r.close()
    if not check(taken and ev is not None and saved is not None,
                 "%s DataMissing: an active requestor got a change and base-time %s" % (v, saved)):
        return
    # 500 changes while away, some of them deletes
    lines = []
    for i in range(500):
        if family == 4:
            lines.append(kea4(addr4(i, net=4), i, tag=4, valid=0 if i % 10 == 9 else 3600,
                              state=KEA_RELEASED if i % 10 == 8 else KEA_DEFAULT))
        else:
            lines.append(kea6(key6(i), i, valid=0 if i % 10 == 9 else 4000,
                              state=KEA_RELEASED if i % 10 == 8 else KEA_DEFAULT))
    before = c_lqd.source_lines(csv)
    # in batches: several commits, so the history really is pruned to 100
    for k in range(0, 500, 50):
        append(csv, lines[k:k + 50])
        time.sleep(0.01)
    wait_until(lambda: c_lqd.source_lines(csv) >= before + 500, 10)
    r2, taken = connect_active(c_lqd, family, 0xc200 + family, view=view, start=saved)
    ev = r2.read_until(lambda e: e.kind in ("status", "done"), timeout=5)
    first = r2.events[0] if r2.events else None
    dm = ST4_DATA_MISSING if family == 4 else ST6_DATA_MISSING
    now = int(time.time())
    if family == 4:
        ok = (ev is not None and ev.msg.type == V4_LQ_STATUS and ev.code == dm and first is ev)
        what = "its first message is DHCPLEASEQUERYSTATUS DataMissing (5)"
    else:
        ok = ev is not None and ev.msg.type == V6_LQ_REPLY and ev.code == dm and first is ev
        what = "its first message is LEASEQUERY-REPLY DataMissing (12)"
    bt = ev.base_time if ev is not None else None
    check(ok and bt is not None and now - 5 <= bt <= now + 2,
          "%s DataMissing: history-limit 100, 500 changes while away, reconnected with query-start-time %d: %s "
          "with base-time %s (got %s)" % (v, saved, what, bt, ev))
    if bt is None:
        r2.close()
        return
    # the repair: a bulk query from the old start time to the DataMissing base-time
    n, status, problem = bulk_into(c_lqd, family, view, start=saved, end=bt)
    # and live changes go on
    k1 = 700
    key = addr4(k1, net=4) if family == 4 else norm6(key6(k1))
    append(csv, [kea4(key, k1) if family == 4 else kea6(key6(k1), k1)])
    e2 = r2.read_until(lambda e: e.kind == "binding" and (e.key if family == 4 else norm6(e.key)) == key, timeout=3)
    time.sleep(0.1)
    r2.drain(0.2)
    got_view, want_view = comparable(view, family), store_view(c_lqd, family)
    check(status == 0 and problem is None and e2 is not None and got_view == want_view,
          "%s DataMissing: after a bulk query with start %d and end %d (%d messages) and the live changes, the "
          "requestor's copy equals lqd's store (%d bindings) %s %s"
          % (v, saved, bt, n, len(want_view), problem or "", diff(got_view, want_view)))
    r2.close()


# ---------------------------------------------------------------- D: NotAllowed

def test_not_allowed(d):
    for family in (4, 6):
        r = ActiveRequestor(family, d.port(family), requestor=REQUESTOR)
        r.start(0xd400 + family)
        ev = r.read_until(lambda e: e.kind in ("status", "done", "binding"), timeout=3)
        closed = r.read_until(lambda e: True, timeout=3) is None and r.ended == "closed"
        if family == 4:
            ok = ev is not None and ev.msg.type == V4_LQ_STATUS and ev.code == ST4_NOT_ALLOWED
            what = "DHCPLEASEQUERYSTATUS NotAllowed (4)"
        else:
            ok = ev is not None and ev.msg.type == V6_LQ_REPLY and ev.code == ST6_NOT_ALLOWED
            what = "LEASEQUERY-REPLY NotAllowed (10)"
        check(ok and closed, "access: a v%d requestor whose query-types lack \"active\" gets %s, then lqd closes "
              "(got %s, closed %s)" % (family, what, ev, closed))
        r.close()


# ---------------------------------------------------------------- TLS

def make_pki(d):
    """Two CAs with openssl: A signs lqd's certificate and a requestor's, B
    another requestor's and another server's. EC P-256 keys, 2 days."""
    os.makedirs(d, exist_ok=True)

    def run(*args):
        subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=30, cwd=d)

    ext = {"server": "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
                     "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nsubjectKeyIdentifier=hash\n"
                     "authorityKeyIdentifier=keyid\n",
           "client": "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n"
                     "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"}
    for kind, text in ext.items():
        with open(os.path.join(d, kind + ".ext"), "w") as f:
            f.write(text)
    for ca in ("caA", "caB"):
        run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            ca + ".key", "-out", ca + ".pem", "-days", "2", "-subj", "/CN=lq test %s" % ca)
    for name, ca, kind in (("srvA", "caA", "server"), ("reqA", "caA", "client"), ("reqB", "caB", "client"),
                           ("srvB", "caB", "server")):
        run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            name + ".key", "-out", name + ".csr", "-subj", "/CN=%s" % ("localhost" if kind == "server" else
                                                                        "requestor-" + name))
        run("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
            "-out", name + ".pem", "-days", "2", "-extfile", kind + ".ext")
    return {k: os.path.join(d, k) for k in ("caA.pem", "caB.pem", "srvA.pem", "srvA.key", "reqA.pem", "reqA.key",
                                            "reqB.pem", "reqB.key", "srvB.pem", "srvB.key")}


def tls_conf(pki, mode, server="srvA"):
    return {"mode": mode, "cert": pki[server + ".pem"], "key": pki[server + ".key"], "ca": pki["caA.pem"]}


def tls_active(t, family, ctx, xid):
    """An active query over TLS and one change through it. Returns
    (problem or None, the STARTTLS / DHCPTLS answer)."""
    before = t.stats()["active_queries"]
    try:
        r = ActiveRequestor(family, t.port(family), requestor=REQUESTOR, tls=ctx)
    except (TLSRefused, ssl.SSLError, Closed, socket.timeout, OSError, ValueError) as e:
        return "%s: %s" % (type(e).__name__, e), None
    ans = r.tls_answer
    r.start(xid)
    if t.wait_stat("active_queries", lambda v: v > before, 3) <= before:
        r.close()
        return "the active query over TLS was not taken", ans
    key = "10.9.0.%d" % (xid & 255) if family == 4 else "2001:db8:1::9:%x" % (xid & 0xffff)
    b = {"address": key, "state": "active", "expire": FAR, "valid_lifetime": 3600}
    if family == 4:
        b["hwaddr"] = "02:00:00:00:09:%02x" % (xid & 255)
    else:
        b.update({"type": "IA_NA", "client_id": "0003000102000009%04x" % (xid & 0xffff), "iaid": 1,
                  "preferred_lifetime": 3000})
    t.ok({"command": "add", "binding": b})
    ev = r.read_until(lambda e: e.kind == "binding" and e.key == key, timeout=3)
    r.close()
    return (None if ev is not None else "the change did not arrive over TLS (%s)" % r.ended), ans


def tls_bulk(t, family, ctx):
    """A bulk query over TLS; (problem or None, messages)."""
    c = Conn(family, t.port(family))
    try:
        starttls(c, ctx, 0x7201, REQUESTOR)
        view = {}
        if family == 4:
            c.send(v4_query(0xb201))
        else:
            c.send(v6_query(0xb201, Q6_LINK, link="::", requestor=REQUESTOR))
        n = 0
        for _ in range(100000):
            data = c.read_frame(5)
            n += 1
            m = Msg4(data) if family == 4 else Msg6(data)
            if m.type in (V4_DONE, V6_LQ_DONE) if family == 4 else m.type == V6_LQ_DONE or (
                    n == 1 and m.type == V6_LQ_REPLY and not m.client_data()):
                return (None if m.status()[0] == 0 else "status %s" % (m.status(),)), n
        return "no end", n
    except (TLSRefused, ssl.SSLError, Closed, socket.timeout, OSError, ValueError) as e:
        return "%s: %s" % (type(e).__name__, e), 0
    finally:
        c.close()


def tls_handshake_refused(t, family, ctx):
    """Is the connection refused during or right after the handshake (TLS
    1.3 reports a refused requestor certificate at the first read)? Returns
    a description of how, or None when it worked."""
    c = Conn(family, t.port(family))
    try:
        starttls(c, ctx, 0x7301, REQUESTOR)
        if family == 4:
            c.send(v4_active_query(0x7302))
        else:
            c.send(v6_active_query(0x7302, REQUESTOR))
        c.read_frame(2)
        return None
    except ssl.SSLError as e:
        return "SSLError %s" % (e.reason or e)
    except Closed:
        return "closed"
    except socket.timeout:
        return None
    except (ConnectionResetError, BrokenPipeError) as e:
        return type(e).__name__
    except TLSRefused as e:
        return "refused by status %s" % e
    finally:
        c.close()


def test_tls(build, tmp):
    """Check 6 with modes optional and required, and the certificate checks."""
    pki = make_pki(os.path.join(tmp, "pki"))
    good = client_context(pki["caA.pem"], pki["reqA.pem"], pki["reqA.key"])
    # ---- optional
    t1 = Lqd(build, tmp, "T1", {"tls": tls_conf(pki, "optional"), "subnets4": [{"subnet": "10.9.0.0/24"}],
                                "subnets6": [{"subnet": "2001:db8:1::/64"}], "requesters": ["127.0.0.0/8", "::1"]})
    handshakes = 0
    for family in (4, 6):
        problem, ans = tls_active(t1, family, good, 0x7000 + family * 16)
        if family == 4:
            form = ans is not None and ans.type == V4_TLS and 151 not in ans.opts and ans.xid == 0x7151
            what = "DHCPTLS answered by a DHCPTLS without status-code"
        else:
            form = (ans is not None and ans.type == V6_REPLY and ans.get(13) is None and ans.xid == 0x7151
                    and ans.get(O6_SERVERID) == SERVER_DUID and ans.get(O6_CLIENTID) == REQUESTOR)
            what = "STARTTLS answered by a REPLY (7) without status, with server-id and client-id (draft 9.1)"
        check(form, "tls optional: v%d %s (got %s)" % (family, what, (ans.type, ans.status()) if ans else None))
        check(problem is None, "tls optional: v%d TLS handshake (lqd verifies the requestor certificate of CA A, "
              "the requestor verifies lqd against CA A), then an active query over TLS receives a change %s"
              % (family, problem or ""))
        handshakes += 1
        problem, n = tls_bulk(t1, family, good)
        check(problem is None and n >= 1, "tls optional: v%d a bulk query over TLS is answered (%d messages) %s"
              % (family, n, problem or ""))
        handshakes += 1
        # plain text beside it
        r, taken = connect_active(t1, family, 0x7400 + family)
        check(taken, "tls optional: v%d an active query in plain text is served too" % family)
        r.close()
        n, status, problem = bulk_into(t1, family, {})
        check(status == 0 and problem is None, "tls optional: v%d a plain-text bulk query is answered" % family)
    log = t1.log_text()
    check("TLS established" in log and "requestor-reqA" in log,
          "tls optional: lqd's log names the requestor's certificate subject")
    # certificates lqd must refuse: another CA's, none
    failures_expected = 0
    bad = client_context(pki["caA.pem"], pki["reqB.pem"], pki["reqB.key"])
    for family in (4, 6):
        how = tls_handshake_refused(t1, family, bad)
        check(how is not None, "tls: v%d a requestor certificate of CA B is refused by lqd (%s)" % (family, how))
        failures_expected += 1
    how = tls_handshake_refused(t1, 4, client_context(pki["caA.pem"]))
    check(how is not None, "tls: a requestor without a certificate is refused by lqd (%s)" % how)
    failures_expected += 1
    log = wait_until(lambda: t1.log_text() if t1.log_text().count("TLS handshake failed") >= failures_expected
                     else None, 3) or t1.log_text()
    fails = [line for line in log.splitlines() if "TLS handshake failed" in line]
    check(len(fails) >= failures_expected and any("certificate" in line or "unknown ca" in line for line in fails),
          "tls: lqd's log says why each handshake failed (%s)" % short(fails[:2]))
    # TLS 1.1
    try:
        old = client_context(pki["caA.pem"], pki["reqA.pem"], pki["reqA.key"], tls_max=ssl.TLSVersion.TLSv1_1,
                             tls_min=ssl.TLSVersion.TLSv1)
        old.set_ciphers("DEFAULT:@SECLEVEL=0")
        how = tls_handshake_refused(t1, 4, old)
        failures_expected += 1
        last = wait_until(lambda: [x for x in t1.log_text().splitlines() if "TLS handshake failed" in x][
            failures_expected - 1:], 3)
        check(how is not None and "SSLError" in how and last and "protocol" in last[-1],
              "tls: a requestor that offers TLS 1.1 at most is refused (lqd requires TLS 1.2) (%s; lqd: %s)"
              % (how, last[-1].split("failed: ")[-1] if last else None))
    except (ssl.SSLError, ValueError) as e:
        note("TLS 1.1 refusal not tested: this Python/OpenSSL cannot offer TLS 1.1 (%s)" % e)
    st = t1.stats()
    fail_lines = t1.log_text().count("TLS handshake failed")
    check(st["tls_handshakes"] == handshakes and st["tls_failures"] == fail_lines >= failures_expected,
          "statistics T1: tls_handshakes %d, tls_failures %d (as in the log): %s"
          % (handshakes, fail_lines, {k: st[k] for k in ("tls_handshakes", "tls_failures", "active_queries")}))
    check(t1.stop() == 0, "T1: lqd stops cleanly")

    # ---- required
    t2 = Lqd(build, tmp, "T2", {"tls": tls_conf(pki, "required"), "subnets4": [{"subnet": "10.9.0.0/24"}],
                                "subnets6": [{"subnet": "2001:db8:1::/64"}], "requesters": ["127.0.0.0/8", "::1"]})
    for family in (4, 6):
        for kind in ("bulk", "active"):
            c = Conn(family, t2.port(family))
            if kind == "bulk":
                c.send(v4_query(0x7501) if family == 4 else v6_query(0x7501, Q6_LINK, link="::", requestor=REQUESTOR))
            else:
                c.send(v4_active_query(0x7502) if family == 4 else v6_active_query(0x7502, REQUESTOR))
            frames = c.frames
            t = c.wait_closed(3)
            ok = t is not None and c.frames == frames and not c.buf
            what = ("tls required: a plain-text v%d %s query: lqd closes the connection without an answer (%s)"
                    % (family, kind, "closed" if ok else "answered" if c.frames > frames or c.buf else "still open"))
            # active queries too (fixed in 30f49e6)
            check(ok, what)
            c.close()
        problem, ans = tls_active(t2, family, good, 0x7600 + family)
        check(problem is None, "tls required: v%d an active query over TLS receives a change %s"
              % (family, problem or ""))
        problem, n = tls_bulk(t2, family, good)
        check(problem is None, "tls required: v%d a bulk query over TLS is answered %s" % (family, problem or ""))
    check(t2.stop() == 0, "T2: lqd stops cleanly")

    # ---- lqd with a certificate of CA B: the requestor refuses it
    t3 = Lqd(build, tmp, "T3", {"tls": tls_conf(pki, "optional", server="srvB"),
                                "subnets4": [{"subnet": "10.9.0.0/24"}], "requesters": ["127.0.0.0/8", "::1"]})
    c = Conn(4, t3.tcp4)
    try:
        starttls(c, good, 0x7701)
        how = None
    except ssl.SSLCertVerificationError as e:
        how = "verify: %s" % e.verify_message
    except (ssl.SSLError, Closed, OSError, TLSRefused) as e:
        how = "other: %s" % e
    c.close()
    check(how is not None and how.startswith("verify"), "tls: lqd's certificate of CA B fails the requestor's "
          "verification against CA A (%s)" % how)
    if lq_active_available(build):
        rc, objs, err = lq_active(build, ["-4", "-s", "127.0.0.1:%d" % t3.tcp4, "--tls", "--tls-ca", pki["caA.pem"],
                                          "--tls-cert", pki["reqA.pem"], "--tls-key", pki["reqA.key"],
                                          "--tls-name", "localhost", "--once"], timeout=15)
        check(rc == 3, "lq active --tls against lqd's certificate of another CA: exit 3 (rc %s, %s)"
              % (rc, short(err, 200)))
        rc, objs, err = lq_active(build, ["-4", "-s", "127.0.0.1:%d" % t3.tcp4, "--tls", "--tls-ca", pki["caB.pem"],
                                          "--tls-cert", pki["reqB.pem"], "--tls-key", pki["reqB.key"],
                                          "--tls-name", "localhost", "--once"], timeout=15)
        check(rc == 3, "lq active --tls with a requestor certificate lqd does not trust: exit 3 (rc %s, %s)"
              % (rc, short(err, 200)))
    check(t3.stop() == 0, "T3: lqd stops cleanly")

    # ---- readers that stop reading, over TLS: the same bounds as in plain text
    # (the TCP_OUT_HIGH bound counts the records waiting below the TLS layer too)
    test_tls_stalled(build, tmp, pki, good)


def test_tls_stalled(build, tmp, pki, good):
    """Over TLS, a requestor that stops reading: an active one is dropped
    after send-timeout 2, a bulk one after data-timeout 2, and lqd's memory
    stays bounded in both cases (as for plain text, check 7 and lqd_bulk)."""
    csv = os.path.join(tmp, "leases4-t4.csv")
    write_initial(csv, 4, 5)
    t4 = Lqd(build, tmp, "T4", {"tls": tls_conf(pki, "optional"), "subnets4": [{"subnet": "10.0.0.0/14"}],
                                "sources": [{"type": "kea-csv", "path": csv, "family": 4}],
                                "requesters": ["127.0.0.0/8", "::1"], "bulk": {"data-timeout": 2},
                                "active": {"send-timeout": 2}})
    before = t4.stats()["active_queries"]
    staller = ActiveRequestor(4, t4.tcp4, src="127.0.0.2", rcvbuf=4096, tls=good)
    staller.start(0x7801)
    taken = t4.wait_stat("active_queries", lambda v: v > before, 3) > before
    rss0 = t4.rss_kb()
    rss_max, dropped_at, t0 = rss0, None, time.monotonic()
    for k in range(0, 100000, 5000):
        append(csv, [kea4(addr4(i % 50000, net=2 + i // 50000), i, tag=7) for i in range(k, k + 5000)])
        time.sleep(0.02)
    while time.monotonic() - t0 < 8:
        rss_max = max(rss_max, t4.rss_kb())
        if t4.stats()["active_dropped"] > 0:
            dropped_at = time.monotonic() - t0
            break
        time.sleep(0.05)
    check(taken and dropped_at is not None and dropped_at <= 8 and rss_max - rss0 < 20 * 1024,
          "tls: an active requestor that stops reading (TLS, SO_RCVBUF 4096, 100000 changes) is dropped after "
          "send-timeout 2 (%s) and lqd's VmRSS grows by %d KiB (< 20 MiB)"
          % ("%.2f s" % dropped_at if dropped_at is not None else "not dropped in 8 s", rss_max - rss0))
    staller.close()
    c = Conn(4, t4.tcp4, rcvbuf=4096)
    try:
        starttls(c, good, 0x7802)
        rss0 = t4.rss_kb()
        timeouts0 = t4.stats()["timeouts"]
        c.send(v4_query(0x7803))
        c.read_frame(5)
        rss_max, dropped_at, t0 = rss0, None, time.monotonic()
        while time.monotonic() - t0 < 8:
            rss_max = max(rss_max, t4.rss_kb())
            if t4.stats()["timeouts"] > timeouts0:
                dropped_at = time.monotonic() - t0
                break
            time.sleep(0.05)
        problem = None
    except (TLSRefused, ssl.SSLError, Closed, socket.timeout, OSError) as e:
        problem, dropped_at, rss_max = "%s: %s" % (type(e).__name__, e), None, rss0
    c.close()
    check(problem is None and dropped_at is not None and rss_max - rss0 < 20 * 1024,
          "tls: a bulk requestor that stops reading an all-addresses answer over a /14 (TLS) is dropped after "
          "data-timeout 2 (%s) and lqd's VmRSS grows by %d KiB (< 20 MiB) %s"
          % ("%.2f s" % dropped_at if dropped_at is not None else "no drop", rss_max - rss0, problem or ""))
    check(t4.stop() == 0, "T4: lqd stops cleanly")


# ---------------------------------------------------------------- main

def write_initial(path, family, count):
    with open(path, "w") as f:
        if family == 4:
            f.write(KEA4_HEADER + "".join(kea4(addr4(i), i) for i in range(count)))
        else:
            f.write(KEA6_HEADER + "".join(kea6(key6(i), i) for i in range(count)))


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    tmp = tempfile.mkdtemp(prefix="lq-active-")
    have_lq_active = lq_active_available(build)
    try:
        # ---- A
        csv4, csv6 = os.path.join(tmp, "leases4.csv"), os.path.join(tmp, "leases6.csv")
        write_initial(csv4, 4, 1200)
        write_initial(csv6, 6, 1200)
        a = Lqd(build, tmp, "A", {
            "subnets4": [{"subnet": "10.1.0.0/21"}],
            "subnets6": [{"subnet": "2001:db8:1::/64", "pools": ["2001:db8:1::1000 - 2001:db8:1::ffff"],
                          "pd-pools": [{"prefix": "2001:db8:8000::/40", "delegated-len": 56}]}],
            "sources": [{"type": "kea-csv", "path": csv4, "family": 4}, {"type": "kea-csv", "path": csv6, "family": 6}],
            "requesters": ["127.0.0.1", "::1/128"],
        })
        for family, csv in ((4, csv4), (6, csv6)):
            try:
                test_family_a(build, a, family, csv)
            except (OSError, ValueError, RuntimeError) as e:
                check(False, "v%d on A: %s: %s" % (family, type(e).__name__, e))
        if have_lq_active:
            for family, csv in ((4, csv4), (6, csv6)):
                test_lq_active_state(build, a, family, csv, tmp)
        else:
            note("lq active not available in %s/lq: its checks skipped" % build)
        test_end_time(a)
        test_tls_off(a)
        st = a.stats()
        check(st["tls_handshakes"] == 0 and st["tls_failures"] == 0 and st["active_queries"] == a.active_sent
              and st["active_dropped"] == 0,
              "statistics A: active_queries %d (the active queries sent), active_dropped 0, tls_handshakes 0, "
              "tls_failures 0: %s" % (a.active_sent, {k: st[k] for k in ("active_queries", "active_dropped",
                                                                         "tls_handshakes", "tls_failures")}))
        test_shutdown(a)

        # ---- B
        csvb = os.path.join(tmp, "leases4-b.csv")
        write_initial(csvb, 4, 10)
        b = Lqd(build, tmp, "B", {
            "subnets4": [{"subnet": "10.0.0.0/8"}],
            "subnets6": [{"subnet": "2001:db8:1::/64"}],
            "sources": [{"type": "kea-csv", "path": csvb, "family": 4}],
            "requesters": ["127.0.0.0/8", "::1/128"],
            "bulk": {"max-connections": 20, "max-connections-per-requestor": 8},
            "active": {"idle-timeout": 2, "send-timeout": 2, "max-connections-per-requestor": 2},
        })
        test_keepalive(b)
        dropped = test_slow_reader(b, csvb)
        test_limits(b, csvb)
        test_long_catchup(b, csvb)
        st = b.stats()
        check(st["active_dropped"] == dropped and st["tls_handshakes"] == 0 and st["active_queries"] == b.active_sent,
              "statistics B: active_queries %d, active_dropped %d: %s" % (b.active_sent, dropped, {k: st[k] for k in ("active_queries", "active_dropped",
                                                                                    "terminated", "timeouts")}))
        check(b.stop() == 0, "B: lqd stops cleanly on SIGTERM")

        # ---- C
        csvc4, csvc6 = os.path.join(tmp, "leases4-c.csv"), os.path.join(tmp, "leases6-c.csv")
        with open(csvc4, "w") as f:
            f.write(KEA4_HEADER)
        with open(csvc6, "w") as f:
            f.write(KEA6_HEADER)
        c_lqd = Lqd(build, tmp, "C", {
            "store": {"history-limit": 100},
            "subnets4": [{"subnet": "10.4.0.0/21"}],
            "subnets6": [{"subnet": "2001:db8:1::/64", "pools": ["2001:db8:1::1000 - 2001:db8:1::ffff"],
                          "pd-pools": [{"prefix": "2001:db8:8000::/40", "delegated-len": 56}]}],
            "sources": [{"type": "kea-csv", "path": csvc4, "family": 4},
                        {"type": "kea-csv", "path": csvc6, "family": 6}],
            "requesters": ["127.0.0.1", "::1/128"],
        })
        for family, csv in ((4, csvc4), (6, csvc6)):
            try:
                test_data_missing(c_lqd, family, csv)
            except (OSError, ValueError, RuntimeError) as e:
                check(False, "v%d DataMissing: %s: %s" % (family, type(e).__name__, e))
        if have_lq_active:
            for family, csv in ((4, csvc4), (6, csvc6)):
                test_lq_active_data_missing(build, c_lqd, family, csv)
        check(c_lqd.stop() == 0, "C: lqd stops cleanly")

        # ---- D
        d = Lqd(build, tmp, "D", {"subnets4": [{"subnet": "10.0.0.0/8"}], "subnets6": [{"subnet": "2001:db8:1::/64"}],
                                  "requesters": [{"prefix": "127.0.0.0/8", "query-types": ["by-mac"]},
                                                 {"prefix": "::1/128", "query-types": ["by-address"]}]})
        test_not_allowed(d)
        check(d.stop() == 0, "D: lqd stops cleanly")

        # ---- TLS
        test_tls(build, tmp)
    except Exception as e:  # the test's own crash is a failure with its reason
        import traceback
        traceback.print_exc()
        check(False, "%s: %s" % (type(e).__name__, e))
    finally:
        for inst in INSTANCES:
            inst.kill()
        errors = ["%s: %s" % (inst.name, line) for inst in INSTANCES for line in inst.log_text().splitlines()
                  if "lqd error:" in line or "Sanitizer" in line or "runtime error" in line]
        check(not errors, "no error in lqd's logs %s" % short(errors, 600))
        if os.environ.get("LQ_KEEP"):
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("# %d passed, %d failed, %.1f s" % (passed, failures, time.monotonic() - T_START))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
