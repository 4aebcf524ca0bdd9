#!/usr/bin/python3
"""lqd_bulk.py BUILD_DIR - lqd's bulk leasequery over TCP, end to end: DHCPv4
(RFC 6926) and DHCPv6 (RFC 5460, with the time options of RFC 7653), asked
by an independent requestor over real TCP sockets on loopback. The messages
are built and parsed by bulk_wire.py from the RFC layouts (scapy decodes a
few DHCPv4 replies as a second opinion). lqd instances, each started with
a JSON configuration in a temporary directory on free ports:

  A  known contents added through the control socket (IPv4 bindings with
     option 82 remote-id and relay-id, several states, VPNs; IPv6 clients on
     two links with RELAY-FORW relay data): every query type and qualifier
     of both families, compared with the exact sets of addresses, prefixes,
     message types and states the bindings imply; the error statuses and a
     normal query after them on the same connection; several queries on one
     connection (interleaved); a query delivered one octet at a time; the
     largest frames; protocol violations (lqd closes, keeps serving others,
     a running query ends with QueryTerminated); per-query-type access
     rules; the statistics; `lq bulk --json` when build/lq has it (and D, a
     restricted lqd, for its exit codes).
  B  bulk.max-connections 3, max-connections-per-requestor 2,
     max-queries-per-connection 2, data-timeout 2: the connection limits,
     the limit of queries in progress, a requestor closing while lqd does
     not read it, the timers (idle, half a frame, after DONE), a requestor
     that stops reading in the middle of 262144 messages (dropped; lqd's
     memory stays bounded; another requestor and UDP single queries are
     served meanwhile), a slow but steady reader (not dropped).
  C  SIGTERM in the middle of a v4 and a v6 stream: each ends with its
     QueryTerminated message, the connections close, lqd exits 0.

Checks of behaviour lqd does not have yet are marked "pending" and run only
with LQ_BULK_PENDING=1 (see pending()).

Prints one "ok ..."/"not ok ..." line per check; exits 1 on any failure.
Runs under Debian's /usr/bin/python3. LQ_KEEP=1 keeps the temporary
directory (configurations, logs, stores).
"""
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lqctl import request  # noqa: E402
from bulk_wire import (  # noqa: E402
    Closed, Conn, Msg4, Msg6, frame, opt6, relay_forw, client_request, suboptions,
    v4_query, v6_query, ip6,
    V4_ACTIVE, V4_UNASSIGNED, V4_UNKNOWN, V4_DONE, V4_LEASEQUERY,
    V6_LQ_REPLY, V6_LQ_DATA, V6_LQ_DONE,
    OPT_SERVER_ID, OPT_ASSOC_IP, OPT_BASE_TIME, OPT_DHCP_STATE, OPT_VSS, OPT_STATUS,
    ST4_TERMINATED, ST4_MALFORMED, ST4_NOT_ALLOWED,
    O6_SERVERID, O6_CLIENTID, O6_RELAY_ID, O6_REMOTE_ID, O6_IAADDR, O6_BASE_TIME,
    Q6_ADDRESS, Q6_CLIENTID, Q6_RELAY_ID, Q6_LINK, Q6_REMOTE_ID,
    ST6_UNKNOWN_QUERY, ST6_MALFORMED, ST6_NOT_CONFIGURED, ST6_TERMINATED)

T_START = time.monotonic()
failures = 0
passed = 0
INSTANCES = []                  # every lqd started: killed on the way out
SERVER_ID = "127.0.0.1"
SERVER_DUID = bytes.fromhex("000100012a3b4c5d001122334455")
REQUESTOR = bytes.fromhex("00030001020000000001")      # the requestor's DUID-LL


# Checks of behaviour lqd does not have yet (bugs reported to their owners):
# run when LQ_BULK_PENDING=1; the lead enables them for good once fixed.
PENDING = os.environ.get("LQ_BULK_PENDING") == "1"


def pending(what):
    """Say that a pending check is skipped; True when it should run."""
    if not PENDING:
        print("# pending (LQ_BULK_PENDING=1 runs it): %s" % what)
    return PENDING


def check(cond, what):
    global failures, passed
    print(("ok " if cond else "not ok ") + what, flush=True)
    if cond:
        passed += 1
    else:
        failures += 1
    return cond


def free_port(kind, family=4):
    """A port nothing uses now (bind port 0 and let it go)."""
    fam = socket.AF_INET if family == 4 else socket.AF_INET6
    with socket.socket(fam, kind) as s:
        s.bind(("127.0.0.1" if family == 4 else "::1", 0))
        return s.getsockname()[1]


def short(x, n=300):
    t = str(x)
    return t if len(t) <= n else t[:n] + "..."


def diff(got, want):
    """A short description of how two dicts or sets differ ("" when equal)."""
    if got == want:
        return ""
    if isinstance(got, dict) and isinstance(want, dict):
        missing = sorted(k for k in want if k not in got)
        extra = sorted(k for k in got if k not in want)
        wrong = sorted("%s: %s != %s" % (k, got[k], want[k]) for k in want if k in got and got[k] != want[k])
        return short("missing %s extra %s wrong %s" % (missing[:8], extra[:8], wrong[:8]))
    got, want = set(got), set(want)
    return short("missing %s extra %s" % (sorted(want - got, key=str)[:8], sorted(got - want, key=str)[:8]))


# ---------------------------------------------------------------- lqd

class Lqd:
    """One lqd with its own directory, configuration, ports and log."""

    def __init__(self, build, tmp, name, conf, sources_wait=None):
        self.name = name
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir)
        self.tcp4 = free_port(socket.SOCK_STREAM, 4)
        self.tcp6 = free_port(socket.SOCK_STREAM, 6)
        self.udp4 = free_port(socket.SOCK_DGRAM, 4)
        self.udp6 = free_port(socket.SOCK_DGRAM, 6)
        self.sock = os.path.join(self.dir, "lqd.sock")
        base = {
            "server-id": SERVER_ID,
            "server-duid": SERVER_DUID.hex(),
            "listen": [{"address": "127.0.0.1", "udp-port": self.udp4, "tcp-port": self.tcp4},
                       {"address": "::1", "udp-port": self.udp6, "tcp-port": self.tcp6}],
            "store": {"path": os.path.join(self.dir, "store")},
            "control-socket": self.sock,
        }
        base.update(conf)
        self.conf_path = os.path.join(self.dir, "lqd.conf")
        with open(self.conf_path, "w") as f:
            json.dump(base, f, indent=1)
        self.log_path = os.path.join(self.dir, "lqd.log")
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen([os.path.join(build, "lqd"), "-c", self.conf_path], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        INSTANCES.append(self)
        deadline = time.monotonic() + 10
        while True:
            try:
                st = self.ctl({"command": "status"}, timeout=2)
                if st.get("result") == "ok" and (sources_wait is None or sources_wait(st)):
                    break
            except (OSError, ValueError):
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("lqd %s did not start (exit %s): %s" % (name, self.proc.poll(),
                                                                         self.log_text()[-2000:]))
            time.sleep(0.05)

    def ctl(self, req, timeout=10):
        return request(self.sock, req, timeout=timeout)

    def add(self, binding):
        r = self.ctl({"command": "add", "binding": binding})
        if r.get("result") != "ok":
            raise RuntimeError("lqd %s: add %s: %s" % (self.name, binding, r))

    def stats(self):
        return self.ctl({"command": "statistics"})["tcp"]

    def wait_stat(self, key, pred, timeout):
        """Poll the TCP statistics until pred(value); the value, or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            v = self.stats()[key]
            if pred(v):
                return v
            time.sleep(0.05)
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
        """SIGTERM; the exit status, or None when it had to be killed."""
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


def sources_loaded(family_counts):
    """A status predicate: every source loaded and the store holds at least
    these many bindings of each family."""
    def pred(st):
        if any(s.get("loading") for s in st.get("sources", [])):
            return False
        store = st.get("store") or {}
        return all(store.get("bindings%d" % fam, 0) >= n for fam, n in family_counts.items())
    return pred


# ---------------------------------------------------------------- reading streams

def v6_last(m, first):
    """Is m the last message of its query (RFC 5460 / bulk.h): a
    LEASEQUERY-DONE, or a LEASEQUERY-REPLY that failed or carries no data."""
    if m.type == V6_LQ_DONE:
        return True
    return first and m.type == V6_LQ_REPLY and (m.status()[0] != 0 or not m.client_data())


def read_streams(conn, family, xids, timeout=10.0, limit=400000):
    """Read until the query of every xid has ended. Returns ({xid: [msg]},
    [xid of each message in arrival order], [problems])."""
    pending = set(xids)
    streams = {x: [] for x in xids}
    seq, problems = [], []
    deadline = time.monotonic() + timeout
    while pending:
        if len(seq) >= limit:
            problems.append("more than %d messages" % limit)
            break
        try:
            data = conn.read_frame(max(0.01, deadline - time.monotonic()))
        except Closed:
            problems.append("connection closed with xids %s unfinished" % sorted(pending))
            break
        except socket.timeout:
            problems.append("no end after %.0f s for xids %s" % (timeout, sorted(pending)))
            break
        try:
            m = Msg4(data) if family == 4 else Msg6(data)
        except ValueError as e:
            problems.append("undecodable reply: %s" % e)
            continue
        if m.xid not in streams:
            problems.append("a reply with xid 0x%x, asked for none (RFC 6926 7.3)" % m.xid)
            continue
        if m.xid not in pending:
            problems.append("a message after the last one of xid 0x%x" % m.xid)
            continue
        streams[m.xid].append(m)
        seq.append(m.xid)
        last = m.type == V4_DONE if family == 4 else v6_last(m, len(streams[m.xid]) == 1)
        if last:
            pending.discard(m.xid)
    return streams, seq, problems


def quiet(conn, seconds=0.1):
    """True when nothing more arrives for a moment (no message after DONE)."""
    try:
        conn.read_frame(seconds)
        return False
    except socket.timeout:
        return True
    except Closed:
        return True


# ---------------------------------------------------------------- DHCPv4 answers

def v4_check_stream(msgs):
    """The rules every DHCPv4 bulk answer follows (RFC 6926 7.3, 8.2, 8.3):
    server identifier in the first message only, DONE last, only
    DHCPLEASEACTIVE / DHCPLEASEUNASSIGNED before it, no associated-ip, one
    message per address. Returns ({address: msg}, status, problems)."""
    problems, result, seen = [], {}, set()
    if not msgs:
        return result, None, ["no reply"]
    if msgs[0].opts.get(OPT_SERVER_ID) != socket.inet_aton(SERVER_ID):
        problems.append("no server identifier (54) in the first message")
    if any(OPT_SERVER_ID in m.opts for m in msgs[1:]):
        problems.append("server identifier in a later message (RFC 6926 8.3 SHOULD NOT)")
    if msgs[-1].type != V4_DONE:
        problems.append("the last message is type %s, not DHCPLEASEQUERYDONE" % msgs[-1].type)
    for m in msgs[:-1]:
        if m.type == V4_UNKNOWN:
            problems.append("DHCPLEASEUNKNOWN in a bulk answer (RFC 6926 7.3 MUST NOT)")
        elif m.type not in (V4_ACTIVE, V4_UNASSIGNED):
            problems.append("message type %s before DONE" % m.type)
        if OPT_ASSOC_IP in m.opts:
            problems.append("associated-ip in a bulk reply (RFC 6926 5 MUST NOT)")
        if m.op != 2:
            problems.append("op %d, not BOOTREPLY" % m.op)
        # one message per address of a VPN (the same address may be in two VPNs)
        if (m.ciaddr, m.opts.get(OPT_VSS)) in seen:
            problems.append("%s sent twice (RFC 6926 8.2)" % m.ciaddr)
        seen.add((m.ciaddr, m.opts.get(OPT_VSS)))
        result[m.ciaddr] = m
    status = msgs[-1].status()[0] if msgs[-1].type == V4_DONE else None
    if status == 0 and OPT_STATUS in msgs[-1].opts and not msgs[-1].status()[1]:
        problems.append("a status-code Success without text in DONE (RFC 6926 8.2 SHOULD NOT)")
    return result, status, problems


def run4(conn, xid, **query):
    conn.send(v4_query(xid, **query))
    streams, _, problems = read_streams(conn, 4, [xid])
    result, status, more = v4_check_stream(streams[xid])
    return result, status, problems + more, streams[xid]


# ---------------------------------------------------------------- DHCPv6 answers

def v6_check_stream(msgs, want_base_time=False, t0=None, t1=None):
    """RFC 5460 order: LEASEQUERY-REPLY (our server-id, the requestor's
    client-id) first, then LEASEQUERY-DATA, LEASEQUERY-DONE last (or the
    REPLY alone when it fails or has no data). Returns (status, [ClientData],
    problems)."""
    problems, cds = [], []
    if not msgs:
        return None, cds, ["no reply"]
    first = msgs[0]
    if first.type != V6_LQ_REPLY:
        problems.append("the first message is type %d, not LEASEQUERY-REPLY" % first.type)
    if first.get(O6_SERVERID) != SERVER_DUID:
        problems.append("LEASEQUERY-REPLY without our OPTION_SERVERID")
    if first.get(O6_CLIENTID) != REQUESTOR:
        problems.append("LEASEQUERY-REPLY without the requestor's OPTION_CLIENTID")
    status = first.status()[0]
    if len(msgs) > 1:
        if msgs[-1].type != V6_LQ_DONE:
            problems.append("the last message is type %d, not LEASEQUERY-DONE" % msgs[-1].type)
        if any(m.type != V6_LQ_DATA for m in msgs[1:-1]):
            problems.append("types between REPLY and DONE: %s" % sorted({m.type for m in msgs[1:-1]}))
        if not first.client_data():
            problems.append("a LEASEQUERY-REPLY without data followed by more messages")
        status = msgs[-1].status()[0]
    for m in msgs:
        cds.extend(m.client_data())
        if m.type == V6_LQ_DATA and len(m.client_data()) != 1:
            problems.append("a LEASEQUERY-DATA with %d OPTION_CLIENT_DATA" % len(m.client_data()))
        if want_base_time:
            bt = m.base_time()
            if bt is None:
                problems.append("no OPTION_LQ_BASE_TIME in a type %d message although the ORO asks" % m.type)
            elif t0 is not None and not t0 - 2 <= bt <= t1 + 2:
                problems.append("OPTION_LQ_BASE_TIME %d is not now (%d..%d)" % (bt, t0, t1))
        elif m.get(O6_BASE_TIME) is not None:
            problems.append("OPTION_LQ_BASE_TIME although not asked for")
    return status, cds, problems


def run6(conn, xid, qtype, **query):
    want_bt = 100 in (query.get("oro") or [])
    t0 = int(time.time())
    conn.send(v6_query(xid, qtype, requestor=query.pop("requestor", REQUESTOR), **query))
    streams, _, problems = read_streams(conn, 6, [xid])
    status, cds, more = v6_check_stream(streams[xid], want_bt, t0, int(time.time()))
    return status, cds, problems + more, streams[xid]


def cd_set(cds):
    """What an answer says, comparable: (DUID, active leases, leases gone)."""
    return sorted((cd.duid.hex() if cd.duid else None, tuple(sorted(cd.active())), tuple(sorted(cd.gone())))
                  for cd in cds)


# ---------------------------------------------------------------- the known contents of A

NOW = int(time.time())
R1 = b"\x00\x01relay-1"          # relay-ids (option 82 sub-option 12, RFC 6925)
R2 = b"\x00\x01relay-2"
STATE_CODE = {"available": 1, "active": 2, "expired": 3, "released": 4, "abandoned": 5}


def b4(addr, state, mac, batch=1, htype=1, cid=None, remote=None, relay=None, vpn=None, expire_in=3600,
       circuit=b"eth0"):
    return {"addr": addr, "state": state, "mac": mac, "htype": htype, "cid": cid, "remote": remote,
            "relay": relay, "vpn": vpn, "batch": batch, "circuit": circuit,
            "expire": NOW + expire_in if state == "active" else NOW - 10}


V4 = [
    b4("192.0.2.10", "active", "02:00:00:00:00:0a", cid=bytes.fromhex("0102000000000a"), remote=b"cpe001", relay=R1),
    b4("192.0.2.11", "active", "02:00:00:00:00:0b", remote=b"cpe002", relay=R1),
    b4("192.0.2.12", "active", "02:00:00:00:00:0b", remote=b"cpe002", relay=R1),
    b4("192.0.2.13", "released", "02:00:00:00:00:0d", remote=b"cpe003", relay=R1),
    b4("192.0.2.14", "expired", "02:00:00:00:00:0e", cid=b"\x01expired", remote=b"cpe005", relay=R2),
    b4("192.0.2.15", "active", "02:00:00:00:00:0f", cid=b"\x00shared-id", remote=b"cpe004", relay=R2),
    b4("192.0.2.16", "active", "02:00:00:00:00:10", cid=b"\x00shared-id", remote=b"cpe004", relay=R2),
    b4("192.0.2.17", "active", "02:00:00:00:00:11"),
    b4("192.0.2.18", "active", "02:00:00:00:00:12", remote=b"cpe004", relay=R2, expire_in=-60),  # past its expiry
    b4("192.0.2.19", "abandoned", "02:00:00:00:00:13", relay=R1),
    b4("192.0.2.20", "active", "02:00:00:00:00:14", remote=b"cpe001", relay=R2),
    b4("192.0.2.21", "active", "02:00:00:00:00:0a", remote=b"cpe006", relay=R1),
    b4("192.0.2.22", "active", "02:00:00:00:00:15", htype=6),           # IEEE 802 hardware type
    b4("192.0.2.5", "active", "02:00:00:00:00:16", relay=R2),           # in the subnet, outside the pool
    b4("10.99.0.5", "active", "02:00:00:00:00:0a", relay=R1, vpn=(0, b"blue")),
    b4("192.0.2.35", "active", "02:00:00:00:00:17", relay=R1, vpn=(0, b"red")),  # a VPN's, inside the pool
    # batch 2: added a second later (query-start-time / query-end-time)
    b4("192.0.2.30", "active", "02:00:00:00:00:1e", batch=2, remote=b"cpe010", relay=R1),
    b4("192.0.2.31", "released", "02:00:00:00:00:1f", batch=2, relay=R1),
    b4("192.0.2.32", "active", "02:00:00:00:00:0b", batch=2, remote=b"cpe002", relay=R1),
]
POOL_A = ["192.0.2.%d" % i for i in range(10, 41)] + ["198.18.%d.%d" % (i >> 8, i & 255) for i in range(2048)]


def v4_json(b, cltt):
    j = {"address": b["addr"], "state": b["state"], "hwaddr": b["mac"], "htype": b["htype"], "cltt": cltt,
         "expire": b["expire"], "valid_lifetime": 3600}
    if b["cid"] is not None:
        j["client_id"] = b["cid"].hex()
    if b["remote"] is not None or b["relay"] is not None:
        subs = [(1, b["circuit"])]
        if b["remote"] is not None:
            subs.append((2, b["remote"]))
        if b["relay"] is not None:
            subs.append((12, b["relay"]))
        j["relay_info"] = suboptions(subs).hex()
    if b["vpn"] is not None:
        j["vpn"] = {"type": b["vpn"][0], "id": b["vpn"][1].hex()}
    return j


def in_force4(b, now):
    return b["state"] == "active" and b["expire"] > now


def v4_expect_msg(b, now):
    """(message type, dhcp-state) lqd sends for binding b (bulk4.c: an ACTIVE
    binding past its expiry is EXPIRED)."""
    if in_force4(b, now):
        return (V4_ACTIVE, 2)
    return (V4_UNASSIGNED, 3 if b["state"] == "active" else STATE_CODE[b["state"]])


def vpn_ok(b, vss):
    if vss is None or vss[0] == 255:
        return b["vpn"] is None
    if vss[0] == 254:
        return True
    return b["vpn"] == vss


def expect4(pred=None, window=None, vss=None, now=None):
    """{address: (type, state)} lqd must answer: pred None = all configured
    addresses; window = set of batches changed in the time window."""
    now = now or int(time.time())
    out = {}
    if pred is None and window is None and (vss is None or vss[0] in (254, 255)):
        for a in POOL_A:
            out[a] = (V4_UNASSIGNED, 1)
    for b in V4:
        if not vpn_ok(b, vss):
            continue
        if pred is not None and not pred(b):
            continue
        if window is not None:
            if b["batch"] in window:
                out[b["addr"]] = v4_expect_msg(b, now)
        elif pred is None or in_force4(b, now):
            out[b["addr"]] = v4_expect_msg(b, now)
    return out


def got4(result):
    return {a: (m.type, m.state()) for a, m in result.items()}


# IPv6: clients on two links, relayed with remote-id and relay-id
L1, L2 = "2001:db8:1::1", "2001:db8:2::1"
RID1 = bytes.fromhex("00030001") + b"\x0a\x00\x00\x00\x00\x01"
RID2 = bytes.fromhex("00030001") + b"\x0a\x00\x00\x00\x00\x02"
ENT = struct.pack("!I", 4491)
REM_A, REM_B, REM_C = ENT + b"sub-a", ENT + b"sub-b", ENT + b"sub-c"


def duid(n):
    return bytes.fromhex("000100010000000102000000aa%02x" % n)


def b6(key, client, state="active", link=L1, relay=None, remote=None, batch=1, expired=False):
    return {"key": key, "duid": duid(client), "state": state, "link": link, "relay": relay, "remote": remote,
            "batch": batch, "expire": NOW - 30 if (state != "active" or expired) else NOW + 4000}


V6 = [
    b6("2001:db8:1::100", 1, relay=RID1, remote=REM_A),
    b6("2001:db8:8000:100::/56", 1, relay=RID1, remote=REM_A),
    b6("2001:db8:1::1ff", 1, state="expired", relay=RID1, remote=REM_A),
    b6("2001:db8:1::101", 2, relay=RID1, remote=REM_B),
    b6("2001:db8:2::100", 3, link=L2, relay=RID2, remote=REM_A),
    b6("2001:db8:2::101", 3, link=L2, relay=RID2, remote=REM_A),
    b6("2001:db8:2::102", 4, state="released", link=L2, relay=RID2, remote=REM_B),
    b6("2001:db8:9000:200::/56", 5, link=L2),                          # no relay data, link only
    b6("2001:db8:1::102", 6, relay=RID1, remote=REM_C, expired=True),  # active, past its expiry
    b6("2001:db8:1::103", 7, relay=RID1, remote=REM_C, batch=2),
]


def v6_json(b, cltt):
    j = {"type": "IA_PD" if "/" in b["key"] else "IA_NA", "state": b["state"], "client_id": b["duid"].hex(),
         "iaid": 2 if "/" in b["key"] else 1, "cltt": cltt, "expire": b["expire"], "valid_lifetime": 4000,
         "preferred_lifetime": 3000, "link_address": b["link"]}
    j["prefix" if "/" in b["key"] else "address"] = b["key"]
    if b["relay"] is not None:
        j["relay_info"] = relay_forw(client_request(b["duid"]), b["link"], peer="fe80::99",
                                     interface_id=b"port-%d" % b["duid"][-1], remote_id=b["remote"],
                                     relay_id=b["relay"]).hex()
    return j


def active6(b, now):
    return b["state"] == "active" and b["expire"] > now


def expect6(pred, window=None, now=None):
    """Sorted (DUID, active leases, leases gone) per client and link."""
    now = now or int(time.time())
    groups = {}
    for b in V6:
        if not pred(b):
            continue
        if window is None and not active6(b, now):
            continue
        if window is not None and b["batch"] not in window:
            continue
        g = groups.setdefault((b["duid"], b["link"]), (set(), set()))
        g[0 if active6(b, now) else 1].add(b["key"])
    return sorted((d.hex(), tuple(sorted(a)), tuple(sorted(gone))) for (d, _), (a, gone) in groups.items())


def conf_a():
    return {
        "subnets4": [{"subnet": "192.0.2.0/24", "pools": ["192.0.2.10 - 192.0.2.40"]},
                     {"subnet": "198.18.0.0/16", "pools": ["198.18.0.0 - 198.18.7.255"]}],
        "subnets6": [{"subnet": "2001:db8:1::/64", "pools": ["2001:db8:1::100 - 2001:db8:1::ffff"],
                      "pd-pools": [{"prefix": "2001:db8:8000::/40", "delegated-len": 56}]},
                     {"subnet": "2001:db8:2::/64", "pools": ["2001:db8:2::100 - 2001:db8:2::ffff"],
                      "pd-pools": [{"prefix": "2001:db8:9000::/40", "delegated-len": 56}]}],
        "requesters": ["127.0.0.1", {"prefix": "127.0.0.5/32", "query-types": ["by-mac"]}, "::1/128"],
    }


def load_a(a):
    """Batch 1, then (in a later second) batch 2. Returns T2: queries with
    query-start-time T2 see batch 2 only, with query-end-time T2 - 1 batch 1."""
    for b in V4:
        if b["batch"] == 1:
            a.add(v4_json(b, NOW - 100))
    for b in V6:
        if b["batch"] == 1:
            a.add(v6_json(b, NOW - 100))
    t1 = int(time.time())
    # lqd stamps changes with time(NULL), a coarse clock that may lag the
    # second boundary by a few milliseconds: start batch 2 well inside T2
    while time.time() < t1 + 1.05:
        time.sleep(0.01)
    t2 = int(time.time())
    for b in V4:
        if b["batch"] == 2:
            a.add(v4_json(b, t2))
    for b in V6:
        if b["batch"] == 2:
            a.add(v6_json(b, t2))
    return t2


# ---------------------------------------------------------------- check 1: every query type

def test_v4_queries(a, t2):
    c = Conn(4, a.tcp4)
    xid = [0x4000]

    def ask(what, want, check_vss=True, ignore=(), **q):
        xid[0] += 1
        t0 = int(time.time())
        result, status, problems, msgs = run4(c, xid[0], **q)
        for addr in ignore:
            result.pop(addr, None)
            want.pop(addr, None)
        got = got4(result)
        if check_vss:
            for addr, m in result.items():
                b = next((b for b in V4 if b["addr"] == addr and vpn_ok(b, q.get("vss"))), None)
                vss = bytes([b["vpn"][0]]) + b["vpn"][1] if b is not None and b["vpn"] else None
                if m.opts.get(OPT_VSS) != vss:
                    problems.append("%s: VSS (221) %r, want %r (RFC 6926 8.2)" % (addr, m.opts.get(OPT_VSS), vss))
        if q.get("prl") and OPT_BASE_TIME in q["prl"]:
            for m in msgs[:-1]:
                bt = m.u32(OPT_BASE_TIME)
                if bt is None or not t0 - 2 <= bt <= int(time.time()) + 2:
                    problems.append("%s: base-time %s not now" % (m.ciaddr, bt))
                    break
        check(not problems and status == 0 and got == want,
              "v4 %s: %d messages, %s%s" % (what, len(msgs), short(sorted(set(v[0] for v in want.values()))),
                                           "" if not problems and status == 0 and got == want else
                                           " -- status %s, %s, %s" % (status, short(problems), diff(got, want))))
        return msgs

    msgs = ask("by MAC 02:00:00:00:00:0b: its active addresses as DHCPLEASEACTIVE",
               expect4(lambda b: b["mac"] == "02:00:00:00:00:0b" and b["htype"] == 1), mac="02:00:00:00:00:0b")
    if msgs:
        from scapy.layers.dhcp import BOOTP, DHCP
        raw = v4_raw_first(a, "02:00:00:00:00:0b")
        p = BOOTP(raw) if raw else None
        mt = [o[1] for o in p[DHCP].options if isinstance(o, tuple) and o[0] == "message-type"] if p else []
        check(p is not None and p.op == 2 and mt == [13] and p.ciaddr in ("192.0.2.11", "192.0.2.12", "192.0.2.32"),
              "v4 by MAC, first reply decoded by scapy: BOOTREPLY DHCPLEASEACTIVE for one of the MAC's addresses")
    ask("by MAC with htype 6 (only the IEEE 802 binding)",
        expect4(lambda b: b["mac"] == "02:00:00:00:00:15" and b["htype"] == 6), mac="02:00:00:00:00:15", htype=6)
    ask("by MAC with htype 1 of a htype-6 binding: nothing", {}, mac="02:00:00:00:00:15", htype=1)
    ask("by MAC of no client: DONE alone", {}, mac="02:00:00:00:99:99")
    ask("by MAC of a released binding: nothing (not in force)", {}, mac="02:00:00:00:00:0d")
    ask("by client-id shared by two clients", expect4(lambda b: b["cid"] == b"\x00shared-id"),
        client_id=b"\x00shared-id")
    ask("by client-id 01:02:00:00:00:00:0a", expect4(lambda b: b["cid"] == bytes.fromhex("0102000000000a")),
        client_id=bytes.fromhex("0102000000000a"))
    ask("by remote-id cpe001 (two relays)", expect4(lambda b: b["remote"] == b"cpe001"), remote_id=b"cpe001")
    ask("by remote-id cpe004 (one binding past its expiry left out)", expect4(lambda b: b["remote"] == b"cpe004"),
        remote_id=b"cpe004")
    ask("by relay-id relay-1 (global VPN only)", expect4(lambda b: b["relay"] == R1), relay_id=R1)
    ask("by relay-id relay-2", expect4(lambda b: b["relay"] == R2), relay_id=R2)
    ask("by relay-id with a circuit-id beside it (still one primary)", expect4(lambda b: b["relay"] == R2),
        relay_id=R2, circuit_id=b"eth0")
    ask("all configured addresses: every pool address exactly once (ACTIVE / UNASSIGNED with its state) "
        "plus the stored binding outside the pools", expect4())
    ask("all configured addresses with PRL base-time, dhcp-state", expect4(), prl=[OPT_BASE_TIME, OPT_DHCP_STATE])
    ask("query-start-time T2: the MAC's binding added at T2 only",
        expect4(lambda b: b["mac"] == "02:00:00:00:00:0b", window={2}), mac="02:00:00:00:00:0b", start=t2)
    ask("query-end-time T2-1: the MAC's bindings of before T2",
        expect4(lambda b: b["mac"] == "02:00:00:00:00:0b", window={1}), mac="02:00:00:00:00:0b", end=t2 - 1)
    ask("relay-id relay-1 changed since T2, released one included as DHCPLEASEUNASSIGNED",
        expect4(lambda b: b["relay"] == R1, window={2}), relay_id=R1, start=t2)
    ask("all configured addresses changed since T2 (bindings only)", expect4(window={2}), start=t2)
    ask("all configured addresses changed up to T2-1", expect4(window={1}), end=t2 - 1)
    ask("all configured addresses in [T2, T2+3600]", expect4(window={2}), start=t2, end=t2 + 3600)
    ask("a time window before everything: nothing", {}, relay_id=R1, start=NOW - 7200, end=NOW - 3600)
    ask("by MAC 02:00:00:00:00:0a, no VSS: the global VPN's",
        expect4(lambda b: b["mac"] == "02:00:00:00:00:0a"), mac="02:00:00:00:00:0a")
    ask("by MAC 02:00:00:00:00:0a, VSS 255 (global)",
        expect4(lambda b: b["mac"] == "02:00:00:00:00:0a", vss=(255, b"")), mac="02:00:00:00:00:0a",
        vss=(255, b""))
    ask("by MAC 02:00:00:00:00:0a, VSS 254 (all VPNs): the VPN binding too, with its VSS option",
        expect4(lambda b: b["mac"] == "02:00:00:00:00:0a", vss=(254, b"")), mac="02:00:00:00:00:0a",
        vss=(254, b""))
    ask("by MAC 02:00:00:00:00:0a, VSS type 0 'blue': that VPN only",
        expect4(lambda b: b["mac"] == "02:00:00:00:00:0a", vss=(0, b"blue")), mac="02:00:00:00:00:0a",
        vss=(0, b"blue"))
    ask("all configured addresses, VSS type 0 'red': that VPN's bindings", expect4(vss=(0, b"red")),
        vss=(0, b"red"))
    # 192.0.2.35 is a global pool address held by a binding of VPN red: with
    # VSS 254 lqd sends the VPN's binding only; RFC 6926 could also be read
    # as asking for the global VPN's DHCPLEASEUNASSIGNED beside it, so
    # neither is required here
    ask("all configured addresses, VSS 254: every pool address once, the VPN ones as theirs", expect4(vss=(254, b"")),
        vss=(254, b""), ignore=("192.0.2.35",))
    check(quiet(c), "v4: nothing after the last DONE")
    c.close()


def v4_raw_first(a, mac):
    c = Conn(4, a.tcp4)
    try:
        c.send(v4_query(0x4fff, mac=mac))
        return c.read_frame(5)
    except (Closed, socket.timeout):
        return None
    finally:
        c.close()


def test_v6_queries(a, t2):
    c = Conn(6, a.tcp6)
    xid = [0x600]

    def ask(what, want, qtype, **q):
        xid[0] += 1
        status, cds, problems, msgs = run6(c, xid[0], qtype, **q)
        got = cd_set(cds)
        ok = not problems and status == 0 and got == want
        types = [m.type for m in msgs]
        check(ok, "v6 %s: %d messages (REPLY%s)%s" % (
            what, len(msgs), ", DATA x %d, DONE" % (len(msgs) - 2) if len(msgs) > 1 else " alone",
            "" if ok else " -- status %s, %s, types %s, got %s want %s" % (status, short(problems), short(types),
                                                                          short(got), short(want))))
        return msgs

    ask("QUERY_BY_RELAY_ID relay 1: its clients' active leases, one OPTION_CLIENT_DATA per client",
        expect6(lambda b: b["relay"] == RID1), Q6_RELAY_ID, qopts=opt6(O6_RELAY_ID, RID1))
    ask("QUERY_BY_RELAY_ID relay 2", expect6(lambda b: b["relay"] == RID2), Q6_RELAY_ID,
        qopts=opt6(O6_RELAY_ID, RID2))
    ask("QUERY_BY_RELAY_ID of no relay: REPLY alone", [], Q6_RELAY_ID, qopts=opt6(O6_RELAY_ID, b"\x00\x03nobody"))
    ask("QUERY_BY_LINK_ADDRESS link 2", expect6(lambda b: b["link"] == L2), Q6_LINK, link=L2)
    ask("QUERY_BY_LINK_ADDRESS link 1", expect6(lambda b: b["link"] == L1), Q6_LINK, link=L1)
    ask("QUERY_BY_LINK_ADDRESS :: (every link)", expect6(lambda b: True), Q6_LINK, link="::")
    ask("QUERY_BY_LINK_ADDRESS :: with ORO base-time: OPTION_LQ_BASE_TIME in every message",
        expect6(lambda b: True), Q6_LINK, link="::", oro=[O6_BASE_TIME])
    ask("QUERY_BY_REMOTE_ID sub-a (clients on two links)", expect6(lambda b: b["remote"] == REM_A), Q6_REMOTE_ID,
        qopts=opt6(O6_REMOTE_ID, REM_A))
    ask("QUERY_BY_REMOTE_ID sub-c (an expired lease left out)", expect6(lambda b: b["remote"] == REM_C),
        Q6_REMOTE_ID, qopts=opt6(O6_REMOTE_ID, REM_C))
    ask("QUERY_BY_CLIENTID of client 3", expect6(lambda b: b["duid"] == duid(3)), Q6_CLIENTID,
        qopts=opt6(O6_CLIENTID, duid(3)))
    ask("QUERY_BY_CLIENTID of client 1 (its expired address left out)", expect6(lambda b: b["duid"] == duid(1)),
        Q6_CLIENTID, qopts=opt6(O6_CLIENTID, duid(1)))
    ask("QUERY_BY_ADDRESS 2001:db8:2::101: its client's leases on that link",
        expect6(lambda b: b["duid"] == duid(3) and b["link"] == L2), Q6_ADDRESS,
        qopts=opt6(O6_IAADDR, ip6("2001:db8:2::101") + bytes(8)))
    ask("QUERY_BY_ADDRESS inside a delegated prefix", expect6(lambda b: b["duid"] == duid(1)), Q6_ADDRESS,
        qopts=opt6(O6_IAADDR, ip6("2001:db8:8000:100::42") + bytes(8)))
    ask("QUERY_BY_LINK_ADDRESS :: with OPTION_LQ_START_TIME T2: the client added at T2",
        expect6(lambda b: True, window={2}), Q6_LINK, link="::", start=t2)
    ask("QUERY_BY_LINK_ADDRESS :: with OPTION_LQ_END_TIME T2-1: earlier leases, ended ones with lifetimes 0",
        expect6(lambda b: True, window={1}), Q6_LINK, link="::", end=t2 - 1)
    ask("QUERY_BY_RELAY_ID relay 2 up to T2-1 with base-time: the released lease with lifetimes 0",
        expect6(lambda b: b["relay"] == RID2, window={1}), Q6_RELAY_ID, qopts=opt6(O6_RELAY_ID, RID2),
        end=t2 - 1, oro=[O6_BASE_TIME])
    check(quiet(c), "v6: nothing after the last message")
    c.close()


def test_deleted_in_window(a):
    """A binding deleted after T3 (Kea writes a deleted lease as a row with
    valid lifetime 0, lqd's kea-csv source turns it into a delete): the
    all-addresses query with query-start-time T3 is how a requestor updates
    its copy (RFC 6926 4: "one point of this type of query is to update an
    existing database with changes after a particular point in time"), so
    the freed address must come back as DHCPLEASEUNASSIGNED."""
    # bulk4.c reports the addresses deleted in the window (lib/bulk/gone.c)
    t = int(time.time())
    while time.time() < t + 1.05:
        time.sleep(0.01)
    t3 = int(time.time())
    r = a.ctl({"command": "delete", "address": "192.0.2.17"})
    c = Conn(4, a.tcp4)
    result, status, problems, msgs = run4(c, 0x4a01, start=t3)
    got = got4(result)
    check(r.get("result") == "ok" and status == 0 and not problems and got.get("192.0.2.17", (None,))[0] == V4_UNASSIGNED,
          "v4 all configured addresses since T3 after 192.0.2.17's binding was deleted at T3: 192.0.2.17 as "
          "DHCPLEASEUNASSIGNED (got %s)" % got)
    c.close()
    b = next(b for b in V4 if b["addr"] == "192.0.2.17")
    a.add(v4_json(b, NOW - 100))               # as it was, for the checks after this one


def test_link_other_address(a):
    """QUERY_BY_LINK_ADDRESS names a link by any address on it (RFC 5460:
    the bindings on the link of link-address): a client relayed from
    another address of link 2's subnet, holding a prefix outside the
    subnet's ranges, is on link 2 (QUERY_BY_LINK_ADDRESS :: groups it
    there) and must be in the answer whichever address of link 2 is asked."""
    # bulk6_scan.c reads the link index over the whole subnet (LQ_STORE_BY_LINK_RANGE)
    a.add(v6_json(b6("2001:db8:7000:200::/56", 8, link="2001:db8:2::2"), NOW - 100))
    c = Conn(6, a.tcp6)
    answers = {}
    for link in (L2, "2001:db8:2::2"):
        status, cds, problems, _ = run6(c, 0x4b01, Q6_LINK, link=link)
        answers[link] = (status, cd_set(cds), problems)
    want = sorted(expect6(lambda b: b["link"] == L2) + [(duid(8).hex(), ("2001:db8:7000:200::/56",), ())])
    check(all(v == (0, want, []) for v in answers.values()),
          "v6 QUERY_BY_LINK_ADDRESS %s and 2001:db8:2::2 (the same link): the same clients, the one relayed "
          "from 2001:db8:2::2 included %s" % (L2, short(answers)))
    c.close()


# ---------------------------------------------------------------- check 2: error statuses

def test_errors(a):
    c = Conn(4, a.tcp4)
    for what, q, want in (
            ("ciaddr set: MalformedQuery", dict(mac="02:00:00:00:00:0b", ciaddr="192.0.2.11"), ST4_MALFORMED),
            ("yiaddr set: MalformedQuery", dict(yiaddr="192.0.2.11"), ST4_MALFORMED),
            ("siaddr set: MalformedQuery", dict(relay_id=R1, siaddr="127.0.0.1"), ST4_MALFORMED),
            ("MAC and client-id: NotAllowed", dict(mac="02:00:00:00:00:0b", client_id=b"\x00shared-id"),
             ST4_NOT_ALLOWED),
            ("remote-id and relay-id: NotAllowed", dict(remote_id=b"cpe001", relay_id=R1), ST4_NOT_ALLOWED),
            ("query-end-time before query-start-time: MalformedQuery", dict(relay_id=R1, start=NOW, end=NOW - 10),
             ST4_MALFORMED)):
        result, status, problems, msgs = run4(c, 0x2001, **q)
        text = msgs[-1].status()[1] if msgs else None
        check(status == want and len(msgs) == 1 and not problems and text,
              "v4 %s: one DHCPLEASEQUERYDONE with status %s (got %s in %d messages, text %r) %s"
              % (what, want, status, len(msgs), text, short(problems)))
    result, status, problems, msgs = run4(c, 0x2002, mac="02:00:00:00:00:0b")
    want = expect4(lambda b: b["mac"] == "02:00:00:00:00:0b" and b["htype"] == 1)
    check(status == 0 and got4(result) == want and not problems,
          "v4 after those errors, a query on the same connection is answered %s" % diff(got4(result), want))
    c.close()

    c = Conn(6, a.tcp6)
    for what, args, want in (
            ("unknown query-type 9: UnknownQueryType", (9,), ST6_UNKNOWN_QUERY),
            ("QUERY_BY_RELAY_ID without OPTION_RELAY_ID: MalformedQuery", (Q6_RELAY_ID,), ST6_MALFORMED),
            ("no OPTION_LQ_QUERY: MalformedQuery", (None,), ST6_MALFORMED),
            ("QUERY_BY_LINK_ADDRESS of an unknown link: NotConfigured", (Q6_LINK, "2001:db9::1"), ST6_NOT_CONFIGURED)):
        status, cds, problems, msgs = run6(c, 0x201, args[0], **({"link": args[1]} if len(args) > 1 else {}))
        check(status == want and len(msgs) == 1 and not cds and not problems,
              "v6 %s: a LEASEQUERY-REPLY alone with status %d (got %s in %d messages) %s"
              % (what, want, status, len(msgs), short(problems)))
    status, cds, problems, msgs = run6(c, 0x202, Q6_LINK, link="::", requestor=None)
    check(status == ST6_MALFORMED and len(msgs) == 1 and msgs[0].get(O6_CLIENTID) is None,
          "v6 without the requestor's OPTION_CLIENTID: MalformedQuery (got %s)" % status)
    status, cds, problems, msgs = run6(c, 0x203, Q6_RELAY_ID, qopts=opt6(O6_RELAY_ID, RID2))
    check(status == 0 and cd_set(cds) == expect6(lambda b: b["relay"] == RID2) and not problems,
          "v6 after those errors, a query on the same connection is answered")
    c.close()


# ---------------------------------------------------------------- access rules

def test_access(a):
    c = Conn(4, a.tcp4, src="127.0.0.5")
    result, status, problems, msgs = run4(c, 0x5001, mac="02:00:00:00:00:0b")
    check(status == 0 and got4(result) == expect4(lambda b: b["mac"] == "02:00:00:00:00:0b" and b["htype"] == 1),
          "access: a requestor limited to by-mac gets its by-mac query answered")
    result, status, problems, msgs = run4(c, 0x5002)
    check(status == ST4_NOT_ALLOWED and len(msgs) == 1,
          "access: its all-addresses query gets DHCPLEASEQUERYDONE NotAllowed alone (got %s in %d)"
          % (status, len(msgs)))
    result, status, problems, msgs = run4(c, 0x5003, mac="02:00:00:00:00:0a")
    check(status == 0 and len(msgs) == 3, "access: the connection stays usable after the refusal")
    c.close()


# ---------------------------------------------------------------- check 3: several queries at once

def test_parallel(a):
    c = Conn(4, a.tcp4)
    xids = [0x3001, 0x3002, 0x3003]
    c.send_raw(b"".join(frame(v4_query(x)) for x in xids))
    streams, seq, problems = read_streams(c, 4, xids, timeout=20)
    want = expect4()
    ok = not problems
    for x in xids:
        result, status, more = v4_check_stream(streams[x])
        ok = ok and not more and status == 0 and got4(result) == want
        problems += more
    switches = sum(1 for i in range(1, len(seq)) if seq[i] != seq[i - 1])
    check(ok, "3 all-addresses queries sent back to back on one connection: all answered completely "
              "(%d messages each) %s" % (len(want) + 1, short(problems)))
    check(switches >= 3, "their replies are interleaved (%d changes of xid in %d messages)" % (switches, len(seq)))
    c.close()

    c = Conn(6, a.tcp6)
    qs = {0x31: (Q6_LINK, {"link": L1}), 0x32: (Q6_RELAY_ID, {"qopts": opt6(O6_RELAY_ID, RID2)}),
          0x33: (Q6_CLIENTID, {"qopts": opt6(O6_CLIENTID, duid(1))})}
    c.send_raw(b"".join(frame(v6_query(x, t, requestor=REQUESTOR, **kw)) for x, (t, kw) in qs.items()))
    streams, seq, problems = read_streams(c, 6, list(qs))
    wants = {0x31: expect6(lambda b: b["link"] == L1), 0x32: expect6(lambda b: b["relay"] == RID2),
             0x33: expect6(lambda b: b["duid"] == duid(1))}
    ok = not problems
    for x in qs:
        status, cds, more = v6_check_stream(streams[x])
        ok = ok and not more and status == 0 and cd_set(cds) == wants[x]
    check(ok, "3 DHCPv6 queries of different types back to back on one connection: each answered completely %s"
          % short(problems))
    c.close()


# ---------------------------------------------------------------- check 4: one octet at a time

def test_trickle(a):
    for family in (4, 6):
        c = Conn(family, a.tcp4 if family == 4 else a.tcp6)
        if family == 4:
            data = frame(v4_query(0x4401, relay_id=R2, prl=[51, 82, 91, 152, 156]))
        else:
            data = frame(v6_query(0x4402, Q6_RELAY_ID, requestor=REQUESTOR, qopts=opt6(O6_RELAY_ID, RID1)))
        t0 = time.monotonic()
        for i in range(len(data)):
            c.send_raw(data[i:i + 1])
            time.sleep(0.003)
        xid = 0x4401 if family == 4 else 0x4402
        streams, _, problems = read_streams(c, family, [xid])
        if family == 4:
            result, status, more = v4_check_stream(streams[xid])
            ok = status == 0 and got4(result) == expect4(lambda b: b["relay"] == R2)
        else:
            status, cds, more = v6_check_stream(streams[xid])
            ok = status == 0 and cd_set(cds) == expect6(lambda b: b["relay"] == RID1)
        check(ok and not problems and not more,
              "DHCPv%d query of %d octets sent one octet at a time over %.1f s: the right answer %s"
              % (family, len(data), time.monotonic() - t0, short(problems + more)))
        c.close()


def test_big_frames(a):
    """Queries of 65535 octets (the largest frame, RFC 6926 6.1: PAD options),
    two back to back in one send: both answered."""
    want = expect4(lambda b: b["mac"] == "02:00:00:00:00:0b" and b["htype"] == 1)
    qs = []
    for x in (0x4501, 0x4502):
        q = v4_query(x, mac="02:00:00:00:00:0b")
        qs.append(q[:-1] + bytes(65535 - len(q)) + b"\xff")
    c = Conn(4, a.tcp4)
    c.send_raw(frame(qs[0]) + frame(qs[1]))
    streams, _, problems = read_streams(c, 4, [0x4501, 0x4502])
    ok = not problems
    for x in (0x4501, 0x4502):
        result, status, more = v4_check_stream(streams[x])
        ok = ok and status == 0 and not more and got4(result) == want
    check(ok, "two queries of 65535 octets (the largest frame) back to back: both answered %s" % short(problems))
    c.close()


# ---------------------------------------------------------------- check 9: protocol violations

def expect_closed(c, what, timeout=3.0):
    """lqd answers nothing and closes the connection."""
    frames = c.frames
    try:
        c.read_frame(timeout)
        got = "a reply"
    except Closed:
        got = None
    except socket.timeout:
        got = "still open after %.0f s" % timeout
    check(got is None and c.frames == frames, "%s: lqd closes the connection without a reply (%s)"
          % (what, got or "closed"))
    c.close()


def test_violations(a):
    """Returns (protocol errors caused, queries terminated)."""
    rng = random.Random(7)
    errors = 0
    garbage = bytes(rng.randrange(256) for _ in range(300))
    cases4 = [("v4 a frame of random octets", frame(garbage)),
              ("v4 a 0-length frame", b"\x00\x00"),
              ("v4 a DHCPLEASEQUERY (type 10) over TCP", frame(v4_query(0x9001, mac="02:00:00:00:00:0b",
                                                                       msg_type=V4_LEASEQUERY))),
              ("v4 a BOOTREPLY", frame(v4_query(0x9002)[:0] + bytes([2]) + v4_query(0x9002)[1:]))]
    cases6 = [("v6 a frame of random octets", frame(bytes([0xff]) + garbage[:50])),
              ("v6 a 0-length frame", b"\x00\x00"),
              ("v6 a RELAY-FORW around a LEASEQUERY (not relayed over TCP)",
               frame(relay_forw(v6_query(0x9003, Q6_LINK, requestor=REQUESTOR), L1))),
              ("v6 a SOLICIT", frame(bytes([1]) + b"\x00\x00\x01" + opt6(O6_CLIENTID, REQUESTOR)))]
    for family, cases in ((4, cases4), (6, cases6)):
        for what, data in cases:
            c = Conn(family, a.tcp4 if family == 4 else a.tcp6)
            c.send_raw(data)
            expect_closed(c, what)
            errors += 1
            c = Conn(family, a.tcp4 if family == 4 else a.tcp6)
            if family == 4:
                result, status, problems, _ = run4(c, 0x9100, mac="02:00:00:00:00:0b")
                ok = status == 0 and len(result) == 3 and not problems
            else:
                status, cds, problems, _ = run6(c, 0x9100, Q6_RELAY_ID, qopts=opt6(O6_RELAY_ID, RID2))
                ok = status == 0 and cd_set(cds) == expect6(lambda b: b["relay"] == RID2) and not problems
            check(ok, "after %s, another connection is served" % what)
            c.close()

    # a violation while a query runs: the query ends with QueryTerminated, then the connection closes
    terminated = 0
    for what, second in (("a 0-length frame", b"\x00\x00"),
                         ("a query reusing the running query's xid", frame(v4_query(0x9200, mac="02:00:00:00:00:0b")))):
        c = Conn(4, a.tcp4)
        c.send_raw(frame(v4_query(0x9200)) + second)
        msgs = []
        try:
            for _ in range(10000):
                msgs.append(Msg4(c.read_frame(5)))
        except Closed:
            pass
        except socket.timeout:
            msgs.append(None)
        last = msgs[-1] if msgs else None
        ok = (last is not None and last.type == V4_DONE and last.status()[0] == ST4_TERMINATED and
              all(m is not None and m.xid == 0x9200 for m in msgs) and len(msgs) < len(expect4()) + 1)
        check(ok, "v4 %s during a running all-addresses query: %d messages ending with DHCPLEASEQUERYDONE "
                  "QueryTerminated (%r), then lqd closes" % (what, len(msgs), last.status() if last else None))
        c.close()
        errors += 1
        terminated += 1
    return errors, terminated


# ---------------------------------------------------------------- check 10: lq bulk

def lq_bulk_available(build):
    lq = os.path.join(build, "lq")
    try:
        r = subprocess.run([lq, "bulk", "--help"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def lq_bulk(build, args, timeout=20):
    r = subprocess.run([os.path.join(build, "lq"), "bulk"] + args + ["--json"], capture_output=True,
                       timeout=timeout, text=True)
    lines = []
    for line in r.stdout.splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            lines.append({"unparsed": line})
    return r.returncode, lines, r.stderr


def test_lq_bulk(build, a, t2):
    """`lq bulk --json` against lqd A, compared with the same expected sets:
    one object per binding (v4 "address", "reply", "state"; v6 "client_id",
    "addresses", "prefixes"), then {"status", "count"}."""
    s4, s6 = "127.0.0.1:%d" % a.tcp4, "[::1]:%d" % a.tcp6
    reply_type = {"DHCPLEASEACTIVE": V4_ACTIVE, "DHCPLEASEUNASSIGNED": V4_UNASSIGNED}

    def v4(args, want, what):
        rc, lines, err = lq_bulk(build, ["-4", "-s", s4] + args)
        body, last = lines[:-1], lines[-1] if lines else {}
        got = {o.get("address"): (reply_type.get(o.get("reply")), STATE_CODE.get(o.get("state"))) for o in body}
        ok = (rc == 0 and len(body) == len(got) and got == want and last.get("status") == "Success"
              and last.get("count") == len(want))
        check(ok, "lq bulk -4 %s: %d objects, then status and count %s"
              % (what, len(body), "" if ok else "-- rc %d, last %s, %s %s" % (rc, last, diff(got, want), err[-300:])))

    v4([], expect4(), "(all configured addresses)")
    v4(["--mac", "02:00:00:00:00:0b"], expect4(lambda b: b["mac"] == "02:00:00:00:00:0b" and b["htype"] == 1),
       "--mac")
    v4(["--client-id", b"\x00shared-id".hex()], expect4(lambda b: b["cid"] == b"\x00shared-id"), "--client-id")
    v4(["--relay-id", R1.hex()], expect4(lambda b: b["relay"] == R1), "--relay-id")
    v4(["--remote-id", b"cpe001".hex()], expect4(lambda b: b["remote"] == b"cpe001"), "--remote-id")
    v4(["--relay-id", R1.hex(), "--start-time", str(t2)], expect4(lambda b: b["relay"] == R1, window={2}),
       "--relay-id --start-time T2")
    v4(["--mac", "02:00:00:00:00:0a", "--all-vpns"],
       expect4(lambda b: b["mac"] == "02:00:00:00:00:0a", vss=(254, b"")), "--mac --all-vpns")

    def leases(o, active):
        out = [x.get("address") for x in o.get("addresses", []) if (x.get("valid_lifetime", 0) > 0) == active]
        return out + [x.get("prefix") for x in o.get("prefixes", []) if (x.get("valid_lifetime", 0) > 0) == active]

    def v6(args, want, what):
        rc, lines, err = lq_bulk(build, ["-6", "-s", s6] + args)
        body, last = lines[:-1], lines[-1] if lines else {}
        try:
            got = sorted((o.get("client_id", "").replace(":", ""), tuple(sorted(leases(o, True))),
                          tuple(sorted(leases(o, False)))) for o in body)
        except (TypeError, AttributeError) as e:
            got = "unexpected objects: %s" % e
        ok = rc == 0 and got == want and last.get("status") == "Success"
        check(ok, "lq bulk -6 %s: %d objects %s" % (what, len(body), "" if ok else
                                                     "-- rc %d, last %s, got %s want %s %s"
                                                     % (rc, last, short(got), short(want), err[-300:])))

    v6(["--link", "::"], expect6(lambda b: True), "--link ::")
    v6(["--relay-id", RID1.hex()], expect6(lambda b: b["relay"] == RID1), "--relay-id")
    v6(["--link", L2], expect6(lambda b: b["link"] == L2), "--link " + L2)
    v6(["--remote-id", REM_A.hex()], expect6(lambda b: b["remote"] == REM_A), "--remote-id")
    v6(["--link", "::", "--end-time", str(t2 - 1)], expect6(lambda b: True, window={1}), "--link :: --end-time T2-1")


def test_lq_bulk_exit_codes(build, tmp):
    """Exit 1 for a NotAllowed answer, 3 for a refused connection."""
    d = Lqd(build, tmp, "D", {"subnets4": [{"subnet": "192.0.2.0/24"}],
                              "requesters": [{"prefix": "127.0.0.0/8", "query-types": ["by-mac"]}]})
    try:
        rc, lines, err = lq_bulk(build, ["-4", "-s", "127.0.0.1:%d" % d.tcp4])
        check(rc == 1 and lines and lines[-1].get("status") == "NotAllowed",
              "lq bulk -4 refused by query-types: exit 1 with status NotAllowed (rc %d, %s)" % (rc, lines[-1:]))
        rc, lines, err = lq_bulk(build, ["-6", "-s", "[::1]:%d" % d.tcp6, "--link", "::"])
        check(rc == 3, "lq bulk -6 from a requestor lqd closes the connection on: exit 3 (rc %d)" % rc)
    finally:
        d.stop()


# ---------------------------------------------------------------- B: limits and timers

def served(c, xid):
    """Is this connection answered (a by-MAC query gets its DONE)?"""
    try:
        c.send(v4_query(xid, mac="02:00:00:00:00:99"))
        streams, _, problems = read_streams(c, 4, [xid], timeout=3)
        return not problems and streams[xid] and streams[xid][-1].type == V4_DONE
    except OSError:
        return False


def closed_at_once(c, limit=1.0):
    t = c.wait_closed(limit)
    c.close()
    return t is not None


def test_limits(b):
    """Returns the connections lqd rejected."""
    rejected = 0
    c1, c2, c3 = Conn(4, b.tcp4), Conn(4, b.tcp4), Conn(4, b.tcp4, src="127.0.0.3")
    ok = served(c1, 1) and served(c2, 2) and served(c3, 3)
    check(ok, "limits: 3 connections (bulk.max-connections 3, 2 from one address) are served")
    c4 = Conn(4, b.tcp4, src="127.0.0.4")
    check(closed_at_once(c4), "limits: a 4th connection is closed by lqd at once (BULK_LQ_MAX_CONNS)")
    rejected += 1
    check(served(c1, 4) and served(c3, 5), "limits: the 3 first connections are still served")
    for c in (c1, c2, c3):
        c.close()
    check(b.wait_stat("open", lambda v: v == 0, 3) == 0, "limits: lqd sees them closed")

    d1, d2 = Conn(4, b.tcp4), Conn(4, b.tcp4)
    check(served(d1, 6) and served(d2, 7), "limits: 2 connections from 127.0.0.1 are served")
    d3 = Conn(4, b.tcp4)
    check(closed_at_once(d3), "limits: a 3rd from 127.0.0.1 is closed at once (max-connections-per-requestor 2)")
    rejected += 1
    d4 = Conn(4, b.tcp4, src="127.0.0.3")
    check(served(d4, 8), "limits: meanwhile a 3rd connection from another address is served (the limit was "
                         "per requestor)")
    for c in (d1, d2, d4):
        c.close()
    check(b.wait_stat("open", lambda v: v == 0, 3) == 0, "limits: lqd sees them closed")
    e = Conn(4, b.tcp4, src="127.0.0.2")
    check(closed_at_once(e), "limits: a requestor outside \"requesters\" (127.0.0.2) is closed at once")
    rejected += 1
    e = Conn(4, b.tcp4, src="127.0.0.3")
    check(served(e, 9), "limits: a permitted requestor is still served after the refusals")
    e.close()
    b.wait_stat("open", lambda v: v == 0, 3)
    log = b.log_text()
    reasons = ("bulk.max-connections reached", "bulk.max-connections-per-requestor reached",
               "requestor not allowed (requesters)")
    check(all(r in log for r in reasons), "limits: each refusal is logged with its reason %s"
          % [r for r in reasons if r not in log])
    return rejected


def test_closed_while_blocked(b):
    """The requestor closes while lqd runs its 2 queries and reads no more
    from it (RFC 6926 8.5: the server MUST close its end): lqd notices at
    its next write, well before the data timeout."""
    c = Conn(4, b.tcp4)
    c.send_raw(frame(v4_query(0x91)) + frame(v4_query(0x92)) + frame(v4_query(0x93)))
    try:
        for _ in range(3):
            c.read_frame(5)
    except (Closed, socket.timeout):
        pass
    t0 = time.monotonic()
    c.close()
    v = b.wait_stat("open", lambda v: v == 0, 3)
    took = time.monotonic() - t0
    check(v == 0 and took < 1.5, "a requestor that closes in the middle of two big answers is let go in %.2f s"
          % took)


def test_max_queries(b, expected_clients):
    """max-queries-per-connection 2: 5 queries back to back."""
    c = Conn(6, b.tcp6)
    xids = [0x51, 0x52, 0x53, 0x54, 0x55]
    c.send_raw(b"".join(frame(v6_query(x, Q6_LINK, link="::", requestor=REQUESTOR)) for x in xids))
    streams, seq, problems = read_streams(c, 6, xids, timeout=20)
    first, last = {}, {}
    for i, x in enumerate(seq):
        first.setdefault(x, i)
        last[x] = i
    most = 0
    for i in range(len(seq)):
        most = max(most, sum(1 for x in first if first[x] <= i <= last[x]))
    sizes = sorted({len(v6_check_stream(streams[x])[1]) for x in xids})
    check(not problems and all(streams[x] and streams[x][-1].type == V6_LQ_DONE for x in xids)
          and sizes == [expected_clients],
          "max-queries-per-connection 2: 5 queries sent back to back all complete (%s clients each) %s"
          % (sizes, short(problems)))
    check(most == 2, "max-queries-per-connection 2: at most 2 queries in progress at once in the reply stream "
                     "(saw %d)" % most)
    c.close()


def test_slow_reader(b, expected_clients):
    """A requestor that reads slowly but steadily for longer than the data
    timeout is served to the end: the timer is about a blocked connection,
    not a long answer (RFC 6926 8.2)."""
    c = Conn(6, b.tcp6, rcvbuf=8192)
    c.send(v6_query(0xa1, Q6_LINK, link="::", requestor=REQUESTOR, oro=[47, 48]))
    t0 = time.monotonic()
    msgs, end = [], None
    pace = 3.0 / (expected_clients + 2)            # the whole answer in about 3 s
    try:
        while time.monotonic() - t0 < 10:
            m = Msg6(c.read_frame(5))
            msgs.append(m)
            if v6_last(m, len(msgs) == 1):
                break
            time.sleep(pace)
    except (Closed, socket.timeout, ValueError) as e:
        end = type(e).__name__
    took = time.monotonic() - t0
    status, cds, problems = v6_check_stream(msgs)
    check(end is None and status == 0 and len(cds) == expected_clients and not problems and took > 2.2,
          "a slow but steady reader (%d messages over %.1f s, longer than data-timeout 2) is served to the end%s"
          % (len(msgs), took, "" if end is None else " -- " + end))
    # the idle timer starts once the DONE has left, not when it is queued (RFC 6926 8.5)
    if True:
        status, cds, problems, _ = run6(c, 0xa2, Q6_RELAY_ID, qopts=opt6(O6_RELAY_ID, b"\x00\x03nobody"))
        check(status == 0 and not problems, "the slow reader sends its next query right after DONE: answered on the "
                                            "same connection (RFC 6926 7.7, 8.5) %s" % short(problems))
    c.close()


def test_timers(b):
    """data-timeout 2: idle, half a frame, idle after DONE. Returns the timeouts caused."""
    results = {}

    def idle():
        c = Conn(4, b.tcp4, src="127.0.0.1")
        results["an idle connection (no query)"] = c.wait_closed(8)
        c.close()

    def half():
        c = Conn(4, b.tcp4, src="127.0.0.3")
        q = frame(v4_query(0x61, mac="02:00:00:00:00:0b"))
        c.send_raw(q[:len(q) // 2])
        results["half a frame, then silence"] = c.wait_closed(8)
        c.close()

    def after_done():
        c = Conn(4, b.tcp4, src="127.0.0.4")
        ok = served(c, 0x62)
        t = c.wait_closed(8)
        results["idle after DONE"] = t if ok else None
        c.close()

    threads = [threading.Thread(target=f) for f in (idle, half, after_done)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    for what, t in sorted(results.items()):
        check(t is not None and 1.5 <= t <= 5.0, "data-timeout 2: %s is closed after %s s" %
              (what, "%.2f" % t if t is not None else "no close"))
    b.wait_stat("open", lambda v: v == 0, 3)
    return 3


def udp_leasequery(b):
    """A v4 DHCPLEASEQUERY by IP over UDP (RFC 4388), the reply's type."""
    q = bytearray(v4_query(0x7777, msg_type=V4_LEASEQUERY, ciaddr="192.0.2.10", giaddr="127.0.0.1"))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        # relay source port sub-option (RFC 8357): the reply comes back to this port
        q = bytes(q[:-1]) + bytes([82, 2, 19, 0]) + b"\xff"
        s.settimeout(2)
        s.sendto(q, ("127.0.0.1", b.udp4))
        try:
            return Msg4(s.recv(2048)).type
        except (socket.timeout, ValueError):
            return None


def test_stall(b, expected_clients):
    """A requestor stops reading in the middle of 262144 messages."""
    timeouts_before = b.stats()["timeouts"]
    staller = Conn(4, b.tcp4, rcvbuf=16384)
    rss0 = b.rss_kb()
    staller.send(v4_query(0x71))
    got = []
    try:
        for _ in range(20):
            got.append(Msg4(staller.read_frame(5)))
    except (Closed, socket.timeout):
        pass
    t_stall = time.monotonic()
    check(len(got) == 20 and got[0].type in (V4_ACTIVE, V4_UNASSIGNED),
          "stall: the all-addresses query over a /14 starts (%d messages read)" % len(got))
    # meanwhile: another requestor and a UDP single query
    c = Conn(6, b.tcp6)
    status, cds, problems, _ = run6(c, 0x72, Q6_LINK, link="::")
    t_other = time.monotonic() - t_stall
    check(status == 0 and len(cds) == expected_clients and not problems,
          "stall: another requestor is served completely meanwhile (%d clients in %.2f s)" % (len(cds), t_other))
    c.close()
    check(udp_leasequery(b) == V4_ACTIVE, "stall: a UDP DHCPLEASEQUERY is answered meanwhile (DHCPLEASEACTIVE)")
    rss_max = rss0
    dropped_at = None
    deadline = t_stall + 8
    while time.monotonic() < deadline:
        rss_max = max(rss_max, b.rss_kb())
        if b.stats()["timeouts"] > timeouts_before:
            dropped_at = time.monotonic() - t_stall
            break
        time.sleep(0.05)
    check(dropped_at is not None and 1.5 <= dropped_at <= 6.0,
          "stall: lqd drops the requestor that stopped reading after %s s (data-timeout 2)"
          % ("%.2f" % dropped_at if dropped_at is not None else "no drop"))
    check(rss_max - rss0 < 20 * 1024, "stall: lqd's VmRSS grew by %d KiB during the stall (< 20 MiB: bounded)"
          % (rss_max - rss0))
    # what the kernel still held arrives, then the end (without a DONE: the query was abandoned)
    n = 0
    end = None
    try:
        for _ in range(200000):
            staller.read_frame(3)
            n += 1
    except Closed:
        end = "closed"
    except socket.timeout:
        end = "still open"
    check(end == "closed", "stall: the stalled connection is closed (%s after %d more messages)" % (end, n))
    staller.close()
    b.wait_stat("open", lambda v: v == 0, 3)
    return 1


# ---------------------------------------------------------------- C: shutdown

def test_shutdown(c_lqd):
    c4 = Conn(4, c_lqd.tcp4, rcvbuf=32768)
    c6 = Conn(6, c_lqd.tcp6, rcvbuf=32768)
    c4.send(v4_query(0x81))
    c6.send(v6_query(0x82, Q6_LINK, link="::", requestor=REQUESTOR, oro=[47, 48, O6_BASE_TIME]))
    early = {}
    for name, c, fam in (("v4", c4, 4), ("v6", c6, 6)):
        try:
            early[name] = [Msg4(c.read_frame(5)) if fam == 4 else Msg6(c.read_frame(5)) for _ in range(5)]
        except (Closed, socket.timeout, ValueError):
            early[name] = []
    check(len(early["v4"]) == 5 and len(early["v6"]) == 5, "shutdown: a v4 and a v6 bulk query are streaming")
    rest = {}

    def drain(name, c, fam):
        msgs, end = [], None
        deadline = time.monotonic() + 10
        try:
            while time.monotonic() < deadline:
                data = c.read_frame(max(0.01, deadline - time.monotonic()))
                msgs.append(Msg4(data) if fam == 4 else Msg6(data))
        except Closed:
            end = "closed"
        except socket.timeout:
            end = "open"
        except ValueError as e:
            end = "undecodable: %s" % e
        c.close()               # as a requestor does at the end: lqd waits for it
        rest[name] = (msgs, end)

    t0 = time.monotonic()
    c_lqd.proc.send_signal(signal.SIGTERM)
    threads = [threading.Thread(target=drain, args=a) for a in (("v4", c4, 4), ("v6", c6, 6))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    try:
        rc = c_lqd.proc.wait(timeout=8)
    except subprocess.TimeoutExpired:
        rc = None
    took = time.monotonic() - t0
    msgs, end = rest.get("v4", ([], None))
    last = msgs[-1] if msgs else None
    total = len(early["v4"]) + len(msgs)
    check(last is not None and last.type == V4_DONE and last.status()[0] == ST4_TERMINATED and last.status()[1]
          and all(m.xid == 0x81 for m in msgs) and all(m.type in (V4_ACTIVE, V4_UNASSIGNED) for m in msgs[:-1])
          and total < 262144,
          "shutdown: the v4 stream ends after %d of 262144 addresses with DHCPLEASEQUERYDONE status-code "
          "QueryTerminated (%r)" % (total - 1, last.status() if last else None))
    check(end == "closed", "shutdown: then lqd closes the v4 connection (%s)" % end)
    msgs6, end6 = rest.get("v6", ([], None))
    last6 = msgs6[-1] if msgs6 else None
    check(last6 is not None and last6.type == V6_LQ_DONE and last6.status()[0] == ST6_TERMINATED
          and all(m.type == V6_LQ_DATA for m in msgs6[:-1]) and early["v6"] and early["v6"][0].type == V6_LQ_REPLY,
          "shutdown: the v6 stream (REPLY, %d DATA) ends with LEASEQUERY-DONE OPTION_STATUS_CODE QueryTerminated "
          "(%r)" % (len(early["v6"]) + len(msgs6) - 2, last6.status() if last6 else None))
    check(end6 == "closed", "shutdown: then lqd closes the v6 connection (%s)" % end6)
    check(rc == 0 and took < 4, "shutdown: lqd exits 0 (%s) in %.1f s" % (rc, took))
    c4.close()
    c6.close()


# ---------------------------------------------------------------- main

def gen_kea_csv(path, family, rows):
    subprocess.run([sys.executable, os.path.join(HERE, "..", "..", "bench", "gen_kea_leases.py"),
                    "-%d" % family, "-n", str(rows), "-o", path], check=True, timeout=60)


def count_clients(path):
    """Distinct DUIDs of a generated v6 lease file (one client each on one link)."""
    with open(path) as f:
        next(f)
        return len({line.split(",", 2)[1] for line in f})


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    tmp = tempfile.mkdtemp(prefix="lq-bulk-")
    try:
        # ---- A: known contents
        a = Lqd(build, tmp, "A", conf_a())
        t2 = load_a(a)
        test_v4_queries(a, t2)
        test_v6_queries(a, t2)
        test_deleted_in_window(a)
        test_errors(a)
        test_access(a)
        test_parallel(a)
        test_trickle(a)
        test_big_frames(a)
        errors, terminated = test_violations(a)
        st = a.stats()
        check(st["protocol_errors"] == errors and st["terminated"] == terminated and st["refused"] == 1
              and st["rejected"] == 0 and st["timeouts"] == 0 and st["queries"] > 60 and st["bindings"] > 6000,
              "statistics A: protocol_errors %d, terminated %d, refused 1, rejected 0, timeouts 0: %s"
              % (errors, terminated, st))
        if lq_bulk_available(build):
            test_lq_bulk(build, a, t2)
            test_lq_bulk_exit_codes(build, tmp)
        else:
            print("# lq bulk not available in %s/lq: its checks skipped" % build)
        test_link_other_address(a)             # last: it adds a binding
        check(a.stop() == 0, "A: lqd stops cleanly on SIGTERM")

        # ---- B: limits and timers
        csv6 = os.path.join(tmp, "leases6-b.csv")
        gen_kea_csv(csv6, 6, 2000)
        clients_b = count_clients(csv6)
        b = Lqd(build, tmp, "B", {
            "bulk": {"max-connections": 3, "max-connections-per-requestor": 2, "max-queries-per-connection": 2,
                     "data-timeout": 2},
            "requesters": ["127.0.0.1", "127.0.0.3", "127.0.0.4", "::1/128"],
            "subnets4": [{"subnet": "10.0.0.0/14"}, {"subnet": "192.0.2.0/24", "pools": ["192.0.2.10 - 192.0.2.20"]}],
            "subnets6": [{"subnet": "2001:db8:1::/64", "pd-pools": [{"prefix": "2001:db8:8000::/33",
                                                                     "delegated-len": 56}]}],
            "sources": [{"type": "kea-csv", "path": csv6, "family": 6}],
        }, sources_wait=sources_loaded({6: 1}))
        b.add({"address": "192.0.2.10", "state": "active", "hwaddr": "02:00:00:00:00:0a", "expire": NOW + 3600,
               "valid_lifetime": 3600})
        rejected = test_limits(b)
        test_max_queries(b, clients_b)
        test_closed_while_blocked(b)
        timeouts = test_timers(b)
        timeouts += test_stall(b, clients_b)
        st = b.stats()
        check(st["rejected"] == rejected and st["timeouts"] == timeouts and st["open"] == 0,
              "statistics B: rejected %d, timeouts %d, open 0: %s" % (rejected, timeouts, st))
        test_slow_reader(b, clients_b)
        check(b.stop() == 0, "B: lqd stops cleanly on SIGTERM")

        # ---- C: shutdown in the middle of streams
        csv6c = os.path.join(tmp, "leases6-c.csv")
        gen_kea_csv(csv6c, 6, 60000)
        c_lqd = Lqd(build, tmp, "C", {
            "subnets4": [{"subnet": "10.0.0.0/14"}],
            "subnets6": [{"subnet": "2001:db8:1::/64", "pd-pools": [{"prefix": "2001:db8:8000::/33",
                                                                     "delegated-len": 56}]}],
            "sources": [{"type": "kea-csv", "path": csv6c, "family": 6}],
        }, sources_wait=sources_loaded({6: 50000}))
        test_shutdown(c_lqd)
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
