#!/usr/bin/python3
"""lqd_vs_dhcpd.py - the requestor side of lqd_vs_dhcpd.sh: makes DHCPv4
clients with client identifiers through relays, then asks ISC dhcpd and lqd
the same leasequeries and compares the replies field by field.

usage:
  lqd_vs_dhcpd.py clients4 SERVER
      DORA (and releases, declines) for crafted clients behind the relays
      10.0.0.3 and 10.1.0.1; prints what it made
  lqd_vs_dhcpd.py compare4 LEASES DHCPD LQD GIADDR [LABEL]
      every DHCPv4 query about what dhcpd.leases LEASES holds (and about
      what it does not), to DHCPD and LQD (ADDR:PORT), replies received at
      GIADDR:67; compared field by field
  lqd_vs_dhcpd.py compare6 LEASES DHCPD LQD SOURCE [LABEL]
      the same for DHCPv6 and dhcpd6.leases (DHCPD and LQD as [ADDR]:PORT),
      replies received at [SOURCE]:546
  lqd_vs_dhcpd.py dump4 DHCPD LQD GIADDR ip|mac|cid VALUE
  lqd_vs_dhcpd.py dump6 DHCPD LQD SOURCE address|clientid VALUE
      one query, both replies printed (for looking at a difference;
      NOPRL=1 / ORO=CODES change the query)

The messages are built and parsed here from the RFC 2131/2132/4388 and RFC
8415/5007 layouts (no scapy: one process sends a few thousand queries in a
second or two, and sees every option). Prints "ok ..." / "not ok ..." lines;
exits 1 on any difference that is not documented. The documented ones are
the KNOWN and KNOWN6 predicates below, explained in docs/interop-dhcpd.md.
"""
import ipaddress
import os
import random
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_leases import dhcpd_expected  # noqa: E402

BOOTREQUEST = 1
COOKIE = b"\x63\x82\x53\x63"
DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE = 1, 2, 3, 4, 5, 6, 7
LEASEQUERY, UNASSIGNED, UNKNOWN, ACTIVE = 10, 11, 12, 13
TYPE_NAMES = {UNASSIGNED: "UNASSIGNED", UNKNOWN: "UNKNOWN", ACTIVE: "ACTIVE"}

# Options whose value is a number of seconds counted from the moment the
# reply is sent: the two servers answer a few milliseconds apart and
# round differently, so they may differ by this much.
TIME_OPTIONS = {51, 58, 59, 91}
SKEW = 3
# Every option either server may return about a lease: the parameter
# request list of the queries.
PRL = [1, 12, 51, 58, 59, 60, 61, 82, 91, 92]


# ------------------------------------------------------------- DHCPv4 codec

def ip4(a):
    return socket.inet_aton(a)


def encode(op, msg_type, xid, ciaddr="0.0.0.0", yiaddr="0.0.0.0", giaddr="0.0.0.0", htype=0,
           chaddr=b"", options=()):
    """A DHCPv4 message; options: (code, value) pairs after 53."""
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", op, htype, len(chaddr), 0, xid, 0, 0,
                      ip4(ciaddr), ip4(yiaddr), ip4("0.0.0.0"), ip4(giaddr),
                      chaddr.ljust(16, b"\0"), b"", b"")
    opts = bytes([53, 1, msg_type])
    for code, value in options:
        opts += bytes([code, len(value)]) + value
    return hdr + COOKIE + opts + b"\xff"


def decode(data):
    """The fields of a DHCPv4 message, options as {code: bytes} (RFC 3396:
    an option given several times is concatenated), or None."""
    if len(data) < 240 or data[236:240] != COOKIE:
        return None
    (op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr, siaddr, giaddr,
     chaddr) = struct.unpack("!BBBBIHH4s4s4s4s16s", data[:44])
    m = {"op": op, "htype": htype, "hlen": hlen, "xid": xid, "flags": flags,
         "ciaddr": socket.inet_ntoa(ciaddr), "yiaddr": socket.inet_ntoa(yiaddr),
         "siaddr": socket.inet_ntoa(siaddr), "giaddr": socket.inet_ntoa(giaddr),
         "chaddr": chaddr[:min(hlen, 16)].hex(":"), "options": {}, "order": []}
    i = 240
    while i < len(data):
        code = data[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 1 >= len(data) or i + 2 + data[i + 1] > len(data):
            return None
        value = data[i + 2:i + 2 + data[i + 1]]
        if code not in m["options"]:
            m["order"].append(code)
        m["options"][code] = m["options"].get(code, b"") + value
        i += 2 + data[i + 1]
    t = m["options"].get(53)
    m["type"] = t[0] if t and len(t) == 1 else None
    return m


def u32(b):
    return struct.unpack("!I", b)[0] if len(b) == 4 else None


def relay_info(circuit, remote):
    return bytes([1, len(circuit)]) + circuit + bytes([2, len(remote)]) + remote


# ------------------------------------------------------------- clients4

def exchange(sock, server, msg, xid, want, timeout=2.0):
    """Send msg to server:67 until a reply with xid of a type in want
    arrives (three tries); returns it decoded or None."""
    for _ in range(3):
        sock.sendto(msg, (server, 67))
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            r, _, _ = select.select([sock], [], [], max(0, end - time.monotonic()))
            if not r:
                break
            m = decode(sock.recv(4096))
            if m and m["xid"] == xid and m["type"] in want:
                return m
    return None


def dora(sock, server, giaddr, xid, mac, cid, extra):
    """DISCOVER/OFFER/REQUEST/ACK through a relay at giaddr; returns the
    address acknowledged or None."""
    chaddr = bytes.fromhex(mac.replace(":", ""))
    base = ([(61, cid)] if cid else []) + extra
    offer = exchange(sock, server, encode(BOOTREQUEST, DISCOVER, xid, giaddr=giaddr, htype=1,
                                          chaddr=chaddr, options=base), xid, {OFFER})
    if offer is None:
        return None
    req = base + [(50, ip4(offer["yiaddr"])), (54, offer["options"][54])]
    ack = exchange(sock, server, encode(BOOTREQUEST, REQUEST, xid + 1, giaddr=giaddr, htype=1,
                                        chaddr=chaddr, options=req), xid + 1, {ACK, NAK})
    if ack is None or ack["type"] != ACK:
        return None
    return ack["yiaddr"]


def release(sock, server, giaddr, xid, mac, cid, addr, decline=False):
    """DHCPRELEASE of addr, or DHCPDECLINE of it (dhcpd abandons it)."""
    chaddr = bytes.fromhex(mac.replace(":", ""))
    opts = ([(61, cid)] if cid else []) + [(54, ip4(server))]
    if decline:
        opts.append((50, ip4(addr)))
    sock.sendto(encode(BOOTREQUEST, DECLINE if decline else RELEASE, xid,
                       ciaddr="0.0.0.0" if decline else addr, giaddr=giaddr, htype=1,
                       chaddr=chaddr, options=opts), (server, 67))


def clients4(server):
    """Clients perfdhcp cannot make: with client identifiers (option 61),
    with leases in two subnets (associated-ip), released and short ones
    with a client identifier. Relays: 10.0.0.3 (subnet 10.0.0.0/16) and
    10.1.0.1 (subnet 10.1.0.0/16)."""
    rnd = random.Random(4388)
    pending_release = []
    socks = {}
    for g in ("10.0.0.3", "10.1.0.1"):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((g, 67))
        socks[g] = s
    made = {"leases": 0, "released": 0, "failed": 0}
    xid = 0x10000000

    def mac_cid(mac, kind, n):
        return b"\x01" + bytes.fromhex(mac.replace(":", ""))

    def text_cid(mac, kind, n):
        return b"\x00lq-client-%d-%04d" % (kind, n)

    # (kind, how many, client-id, relays in order, remote-id, relays whose lease is released)
    a, b = "10.0.0.3", "10.1.0.1"
    plan = [(1, 24, mac_cid, (a,), b"cpe003", ()),       # one lease, client-id from the MAC
            (2, 12, text_cid, (b,), b"cpe003", ()),      # one lease, client-id unrelated to the MAC
            (3, 10, None, (a, b), b"cpe003", ()),        # a lease in each subnet (client-id, see below)
            (4, 6, None, (a, b), b"cpe003", ()),         # a lease in each subnet, no client-id
            (5, 6, mac_cid, (a, b), b"cpe003", (a,)),    # two leases, the older one released
            (6, 6, text_cid, (a, b), b"cpe003", (b,)),   # two leases, the newer one released
            (7, 8, None, (a,), b"cpe003", (a,)),         # one lease, released
            (8, 8, mac_cid, (a,), b"cpe002", ()),        # 3-second leases that expire
            (9, 4, mac_cid, (a,), b"cpe003", (a,)),      # declined: dhcpd abandons the address
            (10, 6, mac_cid, (b,), b"cpe003", ())]       # richer option 82, see below
    clients = []
    for kind, count, cid, relays, remote, rel in plan:
        for n in range(count):
            mac = "02:4c:%02x:%02x:%02x:%02x" % (kind, n >> 8 & 255, n & 255, rnd.randrange(256))
            if kind in (3, 7):
                cid = mac_cid if n % 2 else text_cid
            c = cid(mac, kind, n) if cid else None
            extra = [(82, relay_info(b"port-%d" % n, remote)), (12, b"host-%d-%d" % (kind, n)),
                     (60, b"lq-client-%d" % kind)]
            if kind == 10:
                # remote-id before circuit-id, a subscriber-id (6, RFC 3993),
                # vendor-specific information (9, RFC 4243) and a relay-id
                # (12, RFC 6925): what does each server keep and return?
                extra[0] = (82, bytes([2, 6]) + b"rich%02d" % n + bytes([1, 5]) + b"vlan%d" % n
                            + bytes([6, 5]) + b"sub-%d" % n
                            + bytes([9, 9, 0, 0, 0x0d, 0xe9, 4, 1, 2, 3, n])
                            + bytes([12, 4, 10, 0, 0, 3]))
            clients.append((mac, c, relays, extra, rel, kind))
    # Two rounds a second apart: a client's second lease is then more
    # recent by its cltt (dhcpd.leases has whole seconds), and neither
    # server has to break a tie.
    for rnd_no in (0, 1):
        if rnd_no == 1:
            time.sleep(1.1)
        for mac, c, relays, extra, rel, kind in clients:
            if rnd_no >= len(relays):
                continue
            g = relays[rnd_no]
            xid += 16
            addr = dora(socks[g], server, g, xid, mac, c, extra)
            if addr is None:
                made["failed"] += 1
                continue
            made["leases"] += 1
            if g in rel and (len(relays) == 1 or rnd_no == 1):
                xid += 16
                release(socks[g], server, g, xid, mac, c, addr, decline=kind == 9)
                made["released"] += 1
            elif g in rel:
                pending_release.append((g, mac, c, addr))
        for g, mac, c, addr in pending_release if rnd_no == 1 else ():
            xid += 16
            release(socks[g], server, g, xid, mac, c, addr)
            made["released"] += 1
    time.sleep(0.3)                           # let the releases arrive
    ok = made["failed"] == 0 and made["leases"] > 0
    print("%s crafted DHCPv4 clients: %d leases (%d released), %d exchanges failed"
          % ("ok" if ok else "not ok", made["leases"], made["released"], made["failed"]))
    return 0 if ok else 1


# ------------------------------------------------------------- queries

def query4(xid, giaddr, kind, value, prl=PRL):
    opts = [(55, bytes(prl))] if prl is not None else []
    if kind == "ip":
        return encode(BOOTREQUEST, LEASEQUERY, xid, ciaddr=value, giaddr=giaddr, options=opts)
    if kind == "mac":
        return encode(BOOTREQUEST, LEASEQUERY, xid, giaddr=giaddr, htype=1,
                      chaddr=bytes.fromhex(value.replace(":", "")), options=opts)
    return encode(BOOTREQUEST, LEASEQUERY, xid, giaddr=giaddr,
                  options=[(61, bytes.fromhex(value.replace(":", "")))] + opts)


# However the servers behave, one batch of queries gives up after this
# many seconds (a server that does not answer at all would otherwise cost
# window-sized rounds of timeouts), so that the test stays bounded.
DEADLINE = 12


def ask_all(sock, servers, queries, window=64, timeout=1.0, tries=3, family=4):
    """Send every query to every server, at most window outstanding per
    server, retransmitting after timeout; returns {(server, i): (reply,
    time received)}. A reply counts when it answers an outstanding query and
    comes from the address and port that query went to (DHCPv6: from its
    port; dhcpd -6 answers from whichever of the host's addresses the
    kernel picks)."""
    end = time.monotonic() + DEADLINE
    replies = {}
    pending = {}            # xid -> (server index, query index, sent at, tries)
    todo = [(s, i) for i in range(len(queries)) for s in range(len(servers))]
    todo.reverse()
    first_xid = 0x40000000 if family == 4 else 0x100000   # DHCPv6 xids have 24 bits
    read, size = (decode, 4096) if family == 4 else (decode6, 65535)
    outstanding = [0] * len(servers)
    while (todo or pending) and time.monotonic() < end:
        now = time.monotonic()
        for xid, (s, i, at, n) in list(pending.items()):
            if now - at > timeout:
                if n >= tries:
                    del pending[xid]
                    outstanding[s] -= 1
                else:
                    sock.sendto(queries[i](xid), servers[s])
                    pending[xid] = (s, i, now, n + 1)
        rest = []
        while todo:
            s, i = todo.pop()
            if outstanding[s] >= window:
                rest.append((s, i))
                continue
            xid = first_xid + i * 4 + s
            sock.sendto(queries[i](xid), servers[s])
            pending[xid] = (s, i, time.monotonic(), 1)
            outstanding[s] += 1
        todo = rest[::-1]
        r, _, _ = select.select([sock], [], [], 0.05)
        while r:
            data, peer = sock.recvfrom(size)
            m = read(data)
            if m is not None and m["xid"] in pending:
                want = servers[pending[m["xid"]][0]]
                if (peer[:2] == want) if family == 4 else (peer[1] == want[1]):
                    s, i, _, _ = pending.pop(m["xid"])
                    outstanding[s] -= 1
                    if family == 4:
                        m["peer"] = peer
                    replies[(s, i)] = (m, time.time())
            r, _, _ = select.select([sock], [], [], 0)
    return replies


def report_group(name, total, equal, bad, unexplained, outcomes):
    """One ok/not ok line for a group of queries (with the first unexplained
    differences); returns 1 when the group failed."""
    summary = ", ".join("%d %s" % (n, k) for k, n in sorted(outcomes.items()))
    if not unexplained:
        print("ok %s: %d of %d replies equal, the other %d differ only as documented (dhcpd/lqd: %s)"
              % (name, equal, total, total - equal, summary))
        return 0
    print("not ok %s: %d of %d replies with unexplained differences (dhcpd/lqd: %s)"
          % (name, len(bad), total, summary))
    for u in unexplained[:15]:
        print("#   " + u)
    if len(unexplained) > 15:
        print("#   ... and %d more" % (len(unexplained) - 15))
    return 1


# ------------------------------------------------------------- comparison
#
# KNOWN: the documented differences between dhcpd 4.4.3 and lqd, by name.
# Each is a predicate over (query, dhcpd reply, lqd reply, field, context:
# the lease file as read, the time lqd's reply came) that says
# whether a difference in that field is this documented one. Whatever else
# differs fails the test. See docs/interop-dhcpd.md for the reasoning.

def opt(m, code):
    return m["options"].get(code)


KNOWN = {}
# The options lqd returns to a query without a parameter request list: a
# DHCPACK's (RFC 4388 6.2; see lib/query/reply4.c).
LQD_DEFAULT_OPTIONS = {51, 58, 59, 61, 82, 91}


def known(name, text):
    def register(pred):
        KNOWN[name] = (text, pred)
        return pred
    return register


def in_force(lease, now):
    return lease["state"] == "active" and (lease["expire"] is None or lease["expire"] > now)


@known("D1", "asked for in the parameter request list, lqd returns the subnet mask (1) and "
       "host name (12) of the lease, dhcpd does not (RFC 4388 6.4.2: SHOULD return the other "
       "requested options)")
def _requested(q, d, l, field, ctx):
    if d["type"] != ACTIVE or l["type"] != ACTIVE or opt(d, int(field[7:])) is not None:
        return False
    lease = ctx["leases"].get(l["ciaddr"])
    value = opt(l, int(field[7:]))
    if q[3] is None or lease is None or int(field[7:]) not in q[3]:
        return False
    if field == "option 1":
        return value == ip4("255.255.0.0")
    if field == "option 12":
        return lease["hostname"] is not None and value == lease["hostname"].encode("latin-1")
    return False


@known("D2", "dhcpd ignores the parameter request list: it returns every option it has "
       "(60, 61, 58, 59, 91 ...) asked for or not, and 60 also without a list; lqd returns what "
       "the list asks for, without one a DHCPACK's options (RFC 4388 6.2, 6.4.2)")
def _prl_ignored(q, d, l, field, ctx):
    if not field.startswith("option ") or d["type"] != ACTIVE or l["type"] != ACTIVE:
        return False
    code = int(field[7:])
    if opt(d, code) is None or opt(l, code) is not None or code in (54, 92):
        return False
    return code not in q[3] if q[3] is not None else code not in LQD_DEFAULT_OPTIONS


@known("D3", "a query by MAC address or client-id for a client without a lease in force: "
       "dhcpd answers DHCPLEASEUNASSIGNED with the address of its latest lease, lqd "
       "DHCPLEASEUNKNOWN (RFC 4388 6.4: UNASSIGNED 'is only returned for a query by IP "
       "address'; section 5: UNKNOWN when the client has no active lease)")
def _unassigned_client(q, d, l, field, ctx):
    if q[1] not in ("mac", "cid") or d["type"] != UNASSIGNED or l["type"] != UNKNOWN:
        return False
    key = "hwaddr" if q[1] == "mac" else "client_id"
    if any(x[key] == q[2] and in_force(x, ctx["now"]) for x in ctx["leases"].values()):
        return False
    return field in ("type", "ciaddr") and l["ciaddr"] == "0.0.0.0"


@known("D4", "a renewal dhcpd answers from its lease cache (dhcp-cache-threshold, 25 % of the "
       "lease time by default) updates the client's last transaction time in dhcpd's memory "
       "only, not in dhcpd.leases: dhcpd's option 91 is then more recent than lqd's, which is "
       "the one the file has")
def _cache_threshold(q, d, l, field, ctx):
    if field != "option 91" or d["type"] != ACTIVE or l["type"] != ACTIVE:
        return False
    lease = ctx["leases"].get(l["ciaddr"])
    dv, lv = u32(opt(d, 91)), u32(opt(l, 91))
    return (lease is not None and lease["cltt"] and abs(lv - (ctx["recv"] - lease["cltt"])) <= SKEW
            and dv < lv and lv < 0.25 * lease["valid_lifetime"])


def fields(m):
    """A reply as comparable fields: header fields, then each option."""
    f = {"type": TYPE_NAMES.get(m["type"], m["type"]), "op": m["op"], "ciaddr": m["ciaddr"],
         "yiaddr": m["yiaddr"], "siaddr": m["siaddr"], "giaddr": m["giaddr"],
         "htype": m["htype"], "hlen": m["hlen"], "chaddr": m["chaddr"], "flags": m["flags"]}
    for code, value in m["options"].items():
        if code != 53:
            f["option %d" % code] = value
    return f


def show(field, v):
    if v is None:
        return "absent"
    if isinstance(v, bytes):
        code = int(field.split()[1]) if field.startswith("option") else 0
        if code in TIME_OPTIONS and len(v) == 4:
            return str(u32(v))
        if code in (54, 92, 1) and len(v) % 4 == 0:
            return ",".join(socket.inet_ntoa(v[i:i + 4]) for i in range(0, len(v), 4))
        return v.hex(":") if v else "(empty)"
    return str(v)


def same(field, a, b, server_ids):
    if field == "option 54":
        # each server names itself
        return a == ip4(server_ids[0]) and b == ip4(server_ids[1])
    if a is None or b is None:
        return a is None and b is None
    code = int(field.split()[1]) if field.startswith("option") else 0
    if code in TIME_OPTIONS and len(a) == 4 and len(b) == 4:
        return abs(u32(a) - u32(b)) <= SKEW
    if code == 92:
        # RFC 4388 does not order associated-ip: compared as sets
        return len(a) == len(b) and sorted(a[i:i + 4] for i in range(0, len(a), 4)) == \
            sorted(b[i:i + 4] for i in range(0, len(b), 4))
    return a == b


def differences(q, d, l, server_ids, ctx=None):
    """[(field, dhcpd value, lqd value, known name or None)]"""
    fd, fl = fields(d), fields(l)
    out = []
    for field in sorted(set(fd) | set(fl), key=lambda k: (k.startswith("option"), len(k), k)):
        a, b = fd.get(field), fl.get(field)
        if same(field, a, b, server_ids):
            continue
        name = None
        for n, (_, pred) in KNOWN.items():
            if pred(q, d, l, field, ctx):
                name = n
                break
        out.append((field, a, b, name))
    return out


def compare4(leases_path, dhcpd, lqd, giaddr, label=""):
    leases = dhcpd_expected(leases_path, 4)
    addrs = sorted(leases, key=lambda a: ipaddress.ip_address(a))
    macs = sorted({l["hwaddr"] for l in leases.values() if l["hwaddr"]})
    cids = sorted({l["client_id"] for l in leases.values() if l["client_id"]})
    rnd = random.Random(4388)
    pool = [str(ipaddress.ip_address("10.0.1.0") + i) for i in range(3 * 256)] + \
        [str(ipaddress.ip_address("10.1.1.0") + i) for i in range(256)]
    free = rnd.sample([a for a in pool if a not in leases], 40)
    outside = (["10.0.0.%d" % rnd.randrange(1, 255) for _ in range(10)]     # subnet, no pool
               + ["10.1.0.%d" % rnd.randrange(2, 255) for _ in range(5)]
               + ["192.0.2.%d" % rnd.randrange(4, 255) for _ in range(5)]  # dhcpd's subnet without range
               + ["172.16.%d.%d" % (rnd.randrange(256), rnd.randrange(1, 255)) for _ in range(10)])
    unknown_macs = ["02:ee:%02x:00:00:%02x" % (i, i) for i in range(10)]
    unknown_cids = ["01:02:ee:%02x:00:00:%02x" % (i, i) for i in range(5)] + \
        ["00:" + (b"nobody-%d" % i).hex(":") for i in range(5)]

    groups = [("by-ip", "ip", addrs, PRL), ("by-mac", "mac", macs, PRL),
              ("by-client-id", "cid", cids, PRL),
              ("by-ip, pool addresses without a lease", "ip", free, PRL),
              ("by-ip, addresses outside every pool", "ip", outside, PRL),
              ("by-mac, MAC addresses no lease has", "mac", unknown_macs, PRL),
              ("by-client-id, client-ids no lease has", "cid", unknown_cids, PRL),
              ("by-ip without a parameter request list", "ip", addrs, None),
              ("by-mac without a parameter request list", "mac", macs, None),
              ("by-ip, parameter request list 51, 82", "ip", addrs, [51, 82]),
              ("by-client-id, parameter request list 51, 82", "cid", cids, [51, 82])]
    queries, meta = [], []
    for gname, kind, values, prl in groups:
        for v in values:
            queries.append(lambda xid, kind=kind, v=v, prl=prl: query4(xid, giaddr, kind, v, prl))
            meta.append((gname, kind, v, prl))

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
    s.bind((giaddr, 67))
    servers = [(dhcpd.rsplit(":", 1)[0], int(dhcpd.rsplit(":", 1)[1])),
               (lqd.rsplit(":", 1)[0], int(lqd.rsplit(":", 1)[1]))]
    t0 = time.monotonic()
    replies = ask_all(s, servers, queries)
    took = time.monotonic() - t0
    server_ids = [servers[0][0], servers[1][0]]
    ctx = {"leases": leases, "now": time.time()}

    failures = 0
    seen_known = {}
    for gname, _, values, _ in groups:
        idx = [i for i, m in enumerate(meta) if m[0] == gname]
        equal, types, unexplained, bad = 0, {}, [], set()
        for i in idx:
            q = meta[i]
            d, l = replies.get((0, i)), replies.get((1, i))
            if d is None or l is None:
                unexplained.append("%s %s: no reply from %s" % (q[1], q[2], "dhcpd" if d is None else "lqd"))
                bad.add(i)
                continue
            (d, _), (l, ctx["recv"]) = d, l
            diffs = differences(q, d, l, server_ids, ctx)
            key = "%s/%s" % (TYPE_NAMES.get(d["type"], d["type"]), TYPE_NAMES.get(l["type"], l["type"]))
            types[key] = types.get(key, 0) + 1
            if not diffs:
                equal += 1
            for field, a, b, name in diffs:
                if name is None:
                    bad.add(i)
                    unexplained.append("%s %s: %s dhcpd %s, lqd %s" % (q[1], q[2], field, show(field, a),
                                                                       show(field, b)))
                else:
                    seen_known.setdefault(name, set()).add(i)
        failures += report_group(label + gname, len(idx), equal, bad, unexplained, types)
    for name, (text, _) in KNOWN.items():
        print("# %s %s: %d replies" % (name, text, len(seen_known.get(name, ()))))

    # What the comparison covered: each kind of lease and answer must have
    # come up, or the equalities above prove less than they say.
    def both(gname):
        for i, m in enumerate(meta):
            if m[0] == gname and (0, i) in replies and (1, i) in replies:
                yield m, replies[(0, i)][0], replies[(1, i)][0]
    states = {}
    for m, d, l in both("by-ip"):
        lease = leases[m[2]]
        st = lease["state"] if lease["state"] != "available" else "free"
        if st == "free" and lease["valid_lifetime"] == 3:
            st = "expired"     # the 3-second leases, written back as free when they end
        st += " %s/%s" % (TYPE_NAMES.get(d["type"]), TYPE_NAMES.get(l["type"]))
        states[st] = states.get(st, 0) + 1
    want = ("active ACTIVE/ACTIVE", "free UNASSIGNED/UNASSIGNED", "expired UNASSIGNED/UNASSIGNED",
            "abandoned UNASSIGNED/UNASSIGNED")
    cover = all(states.get(w, 0) > 0 for w in want)
    print("%s %sby-ip covered leases as dhcpd.leases has them: %s" % (
        "ok" if cover else "not ok", label, ", ".join("%s %d" % (k, n) for k, n in sorted(states.items()))))
    failures += not cover
    assoc = sum(1 for g in ("by-mac", "by-client-id") for _, d, l in both(g)
                if opt(d, 92) is not None and opt(l, 92) is not None)
    rai = sum(1 for _, d, l in both("by-ip") if opt(d, 82) is not None and opt(l, 82) is not None)
    cover = assoc >= 10 and rai >= 100
    print("%s %sassociated-ip in %d replies by MAC or client-id, relay agent information in %d "
          "replies by IP, on both sides" % ("ok" if cover else "not ok", label, assoc, rai))
    failures += not cover
    print("# %s%d queries to each server, %d replies in %.1f s" % (label, len(queries), len(replies), took))
    return 1 if failures else 0


def dump4(dhcpd, lqd, giaddr, kind, value):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((giaddr, 67))
    servers = [(dhcpd.rsplit(":", 1)[0], int(dhcpd.rsplit(":", 1)[1])),
               (lqd.rsplit(":", 1)[0], int(lqd.rsplit(":", 1)[1]))]
    prl = PRL if not os.environ.get("NOPRL") else None
    replies = ask_all(s, servers, [lambda xid: query4(xid, giaddr, kind, value, prl)])
    for n, name in enumerate(("dhcpd", "lqd")):
        r = replies.get((n, 0))
        print("== %s" % name)
        if r is None:
            print("no reply")
            continue
        for k, v in fields(r[0]).items():
            print("  %-12s %s" % (k, show(k, v)))
        print("  option order", r[0]["order"])
    return 0


# ------------------------------------------------------------- DHCPv6

LEASEQUERY6, LEASEQUERY_REPLY6 = 14, 15
QUERY_BY_ADDRESS, QUERY_BY_CLIENTID = 1, 2
STATUS_NAMES = {0: "Success", 1: "UnspecFail", 7: "UnknownQueryType", 8: "MalformedQuery",
                9: "NotConfigured", 10: "NotAllowed"}
# the requestor's DUID (DUID-LL of a made-up MAC)
REQUESTOR_DUID = bytes.fromhex("00030001024c71000001")


def opt6(code, data):
    return struct.pack("!HH", code, len(data)) + data


def options6(data):
    """[(code, value)] of a DHCPv6 option area, or None when it overruns."""
    out, i = [], 0
    while i + 4 <= len(data):
        code, n = struct.unpack("!HH", data[i:i + 4])
        if i + 4 + n > len(data):
            return None
        out.append((code, data[i + 4:i + 4 + n]))
        i += 4 + n
    return out if i == len(data) else None


def query6(xid, kind, value, oro=None, link="::"):
    if kind == "address":
        q = opt6(5, socket.inet_pton(socket.AF_INET6, value) + struct.pack("!II", 0, 0))
        qtype = QUERY_BY_ADDRESS
    else:
        q = opt6(1, bytes.fromhex(value.replace(":", "")))
        qtype = QUERY_BY_CLIENTID
    if oro:
        q += opt6(6, b"".join(struct.pack("!H", c) for c in oro))
    return (bytes([LEASEQUERY6]) + xid.to_bytes(3, "big") + opt6(1, REQUESTOR_DUID)
            + opt6(44, bytes([qtype]) + socket.inet_pton(socket.AF_INET6, link) + q))


def decode6(data):
    """A LEASEQUERY-REPLY as comparable parts, or None."""
    if len(data) < 4:
        return None
    opts = options6(data[4:])
    if opts is None:
        return None
    m = {"type": data[0], "xid": int.from_bytes(data[1:4], "big"), "codes": [c for c, _ in opts]}
    for code, v in opts:
        if code == 1:
            m["clientid"] = v
        elif code == 2:
            m["serverid"] = v
        elif code == 13:
            m["status"] = struct.unpack("!H", v[:2])[0] if len(v) >= 2 else None
            m["status-text"] = v[2:].decode("utf-8", "replace")
        elif code == 45:
            m.setdefault("client-data", []).append(client_data6(v))
        elif code == 48:
            m["client-links"] = sorted(socket.inet_ntop(socket.AF_INET6, v[i:i + 16])
                                       for i in range(0, len(v), 16))
    return m


def client_data6(v):
    cd = {"codes": [], "addresses": [], "prefixes": []}
    for code, w in options6(v) or []:
        cd["codes"].append(code)
        if code == 1:
            cd["clientid"] = w.hex(":")
        elif code == 5 and len(w) >= 24:
            pref, valid = struct.unpack("!II", w[16:24])
            cd["addresses"].append((socket.inet_ntop(socket.AF_INET6, w[:16]), pref, valid,
                                    [c for c, _ in options6(w[24:]) or []]))
        elif code == 26 and len(w) >= 25:
            pref, valid, plen = struct.unpack("!IIB", w[:9])
            cd["prefixes"].append(("%s/%d" % (socket.inet_ntop(socket.AF_INET6, w[9:25]), plen),
                                   pref, valid, [c for c, _ in options6(w[25:]) or []]))
        elif code == 46 and len(w) == 4:
            cd["clt"] = u32(w)
        else:
            cd.setdefault("other", []).append((code, w.hex(":")))
    cd["addresses"].sort()
    cd["prefixes"].sort()
    return cd


def servers6(dhcpd, lqd):
    def split(a):
        host, port = a.rsplit(":", 1)
        return (host.strip("[]"), int(port))
    return [split(dhcpd), split(lqd)]


# The documented DHCPv6 differences (docs/interop-dhcpd.md), as predicates
# over (query, dhcpd reply, lqd reply, field, context) like KNOWN.
KNOWN6 = {}


def known6(name, text):
    def register(pred):
        KNOWN6[name] = (text, pred)
        return pred
    return register


def fields6(m, recv):
    """A LEASEQUERY-REPLY as comparable fields."""
    f = {"msg-type": m["type"], "status": m.get("status", 0),
         "top-level options": sorted(set(m["codes"])), "client-id echoed": m.get("clientid"),
         "client-data count": len(m.get("client-data", []))}
    if "status-text" in m:
        f["status-text"] = m["status-text"]
    if "client-links" in m:
        f["client-links"] = m["client-links"]
    for n, cd in enumerate(m.get("client-data", [])):
        p = "client-data[%d] " % n
        f[p + "options"] = sorted(set(cd["codes"]))
        f[p + "client-id"] = cd.get("clientid")
        f[p + "addresses"] = [a[0] for a in cd["addresses"]]
        f[p + "prefixes"] = [a[0] for a in cd["prefixes"]]
        f[p + "lifetimes"] = {a[0]: (a[1], a[2]) for a in cd["addresses"] + cd["prefixes"]}
        f[p + "IAADDR/IAPREFIX options"] = sorted({c for a in cd["addresses"] + cd["prefixes"] for c in a[3]})
        f[p + "clt-time"] = cd.get("clt")
        f[p + "other options"] = cd.get("other")
    return f


def client_bindings6(leases, duid, now):
    """The addresses and prefixes of a client that are in force at now."""
    addrs, prefixes = [], []
    for key, l in leases.items():
        if l["client_id"] == duid and l["state"] == "active" and (l.get("expire") or now + 1) > now:
            if l["type"] == "IA_PD":
                prefixes.append(key)
            else:
                addrs.append(key.split("/")[0])
    return sorted(addrs), sorted(prefixes)


def expected6(leases, kind, value, now):
    """What the lease file says the answer to a query is: None (no client:
    Success without OPTION_CLIENT_DATA) or (DUID, addresses, prefixes) of
    the client, all its bindings in force."""
    if kind == "clientid":
        duid = value
    else:
        a = ipaddress.ip_address(value)
        hit = None
        for key, l in leases.items():
            if (l["type"] == "IA_PD" and a in ipaddress.ip_network(key)) or key == "%s/128" % a:
                hit = l
        if hit is None or hit["state"] != "active" or (hit.get("expire") or now + 1) <= now:
            return None
        duid = hit["client_id"]
    addrs, prefixes = client_bindings6(leases, duid, now)
    return (duid, addrs, prefixes) if addrs or prefixes else None


def lqd_matches_file(l, fl, ctx):
    """Is lqd's answer the one the lease file gives (expected6)?"""
    want = ctx["expect"]
    if l.get("status", 0) != 0:
        return False
    if want is None:
        return "client-data" not in l
    return (len(l.get("client-data", [])) == 1 and fl["client-data[0] client-id"] == want[0]
            and fl["client-data[0] addresses"] == want[1] and fl["client-data[0] prefixes"] == want[2])


@known6("V1", "dhcpd sends OPTION_CLT_TIME as the absolute Unix time of the last transaction, "
        "lqd the seconds since it (RFC 5007 4.1.2.3)")
def _clt_absolute(q, d, l, field, ctx):
    if not field.endswith("clt-time"):
        return False
    dv, lv = ctx["fd"].get(field), ctx["fl"].get(field)
    return dv is not None and lv is not None and abs(dv - (ctx["recv_lqd"] - lv)) <= SKEW


@known6("V2", "dhcpd sends the lifetimes granted at the last transaction, lqd what is left of "
        "them now (which is what the requestor can use without knowing when that was)")
def _lifetimes(q, d, l, field, ctx):
    if not field.endswith("lifetimes"):
        return False
    p = field[:-len("lifetimes")]
    dl, ll = ctx["fd"].get(field) or {}, ctx["fl"].get(field) or {}
    clt = ctx["fl"].get(p + "clt-time")
    if clt is None or not dl or not set(dl) <= set(ll):
        return False
    for a, (pref, valid) in dl.items():
        lp, lv = ll[a]
        if abs(lv - max(0, valid - clt)) > SKEW or abs(lp - max(0, pref - clt)) > SKEW:
            return False
    return True


@known6("V3", "to QUERY_BY_ADDRESS dhcpd returns the one binding of the address, lqd all the "
        "client's addresses and prefixes on the link (RFC 5007 4.1.2.2: 'MUST return all')")
def _all_bindings(q, d, l, field, ctx):
    p = "client-data[0] "
    if (q[1] != "address" or not field.startswith(p) or "client-data" not in d
            or not lqd_matches_file(l, ctx["fl"], ctx)):
        return False
    fd, fl = ctx["fd"], ctx["fl"]
    if field in (p + "addresses", p + "prefixes"):
        return set(fd.get(field) or ()) <= set(fl.get(field) or ())
    if field == p + "options":
        a, b = set(fd.get(field) or ()), set(fl.get(field) or ())
        return a <= b and b - a <= {5, 26}
    return False


@known6("V4", "to QUERY_BY_ADDRESS for an address inside a delegated prefix dhcpd answers "
        "NotConfigured, lqd the client the prefix is delegated to (RFC 5007 4.1.2.1)")
def _in_prefix(q, d, l, field, ctx):
    return (q[0].startswith("by-address, inside") and d.get("status") == 9
            and lqd_matches_file(l, ctx["fl"], ctx))


@known6("V5", "dhcpd answers QUERY_BY_CLIENTID with UnknownQueryType; RFC 5007 4.1.2.1 "
        "requires both query types (lqd's answer is checked against the lease file)")
def _by_clientid(q, d, l, field, ctx):
    return q[1] == "clientid" and d.get("status") == 7 and lqd_matches_file(l, ctx["fl"], ctx)


@known6("V6", "the status message texts differ (free text for people, RFC 8415 21.13); "
        "the status codes are equal")
def _status_text(q, d, l, field, ctx):
    return field == "status-text" and d.get("status", 0) == l.get("status", 0)


def compare6(leases_path, dhcpd, lqd, source, label=""):
    leases = dhcpd_expected(leases_path, 6)
    now = time.time()
    addrs = sorted((k.split("/")[0] for k, l in leases.items() if l["type"] == "IA_NA"),
                   key=ipaddress.ip_address)
    prefixes = sorted(k for k, l in leases.items() if l["type"] == "IA_PD")
    in_prefix = [str(ipaddress.ip_network(p).network_address + 1) for p in prefixes]
    duids = sorted({l["client_id"] for l in leases.values()})
    owner = {}
    for k, l in leases.items():
        owner[k.split("/")[0] if l["type"] == "IA_NA" else k] = l["client_id"]
    rnd = random.Random(5007)
    free = rnd.sample([str(ipaddress.ip_address("2001:db8:1::100") + i) for i in range(0x300)
                       if str(ipaddress.ip_address("2001:db8:1::100") + i) not in owner], 30)
    outside = ["2001:db8:1::%x" % rnd.randrange(1, 0xff) for _ in range(5)] + \
        ["2001:db8:9:%x::1" % rnd.randrange(0xffff) for _ in range(5)]
    unknown = ["00:03:00:01:02:ee:00:00:00:%02x" % i for i in range(10)]
    groups = [("by-address", "address", addrs),
              ("by-address, inside a delegated prefix", "address", in_prefix),
              ("by-client-id", "clientid", duids),
              ("by-address, pool addresses without a binding", "address", free),
              ("by-address, outside every pool", "address", outside),
              ("by-client-id, DUIDs no binding has", "clientid", unknown)]
    queries, meta = [], []
    for gname, kind, values in groups:
        for v in values:
            queries.append(lambda xid, kind=kind, v=v: query6(xid, kind, v))
            meta.append((gname, kind, v))
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
    s.bind((source, 546))
    t0 = time.monotonic()
    replies = ask_all(s, servers6(dhcpd, lqd), queries, family=6)
    took = time.monotonic() - t0
    server_duids = [bytes.fromhex("0002000009bf") + b"dhcpd", bytes.fromhex("0002000009bf6c7164")]

    failures = 0
    seen = {}
    for gname, kind, values in groups:
        idx = [i for i, m in enumerate(meta) if m[0] == gname]
        equal, outcomes, unexplained, bad = 0, {}, [], set()
        for i in idx:
            q = meta[i]
            rd, rl = replies.get((0, i)), replies.get((1, i))
            if rd is None or rl is None:
                unexplained.append("%s %s: no reply from %s" % (q[1], q[2], "dhcpd" if rd is None else "lqd"))
                bad.add(i)
                continue
            (d, td), (l, tl) = rd, rl
            for who, m, sid in (("dhcpd", d, server_duids[0]), ("lqd", l, server_duids[1])):
                if m.get("serverid") != sid or m["type"] != LEASEQUERY_REPLY6:
                    unexplained.append("%s %s: %s's reply is not a LEASEQUERY-REPLY with its own "
                                       "server DUID" % (q[1], q[2], who))
                    bad.add(i)
            fd, fl = fields6(d, td), fields6(l, tl)
            ctx = {"fd": fd, "fl": fl, "recv_lqd": tl, "expect": expected6(leases, kind, q[2], now)}
            key = "%s/%s" % (STATUS_NAMES.get(d.get("status", 0)) + ("+data" if "client-data" in d else ""),
                             STATUS_NAMES.get(l.get("status", 0)) + ("+data" if "client-data" in l else ""))
            outcomes[key] = outcomes.get(key, 0) + 1
            diffs = [f for f in sorted(set(fd) | set(fl)) if fd.get(f) != fl.get(f)]
            if not diffs:
                equal += 1
            for field in diffs:
                name = next((n for n, (_, pred) in KNOWN6.items() if pred(q, d, l, field, ctx)), None)
                if name is None:
                    bad.add(i)
                    unexplained.append("%s %s: %s dhcpd %s, lqd %s" % (q[1], q[2], field, fd.get(field),
                                                                       fl.get(field)))
                else:
                    seen.setdefault(name, set()).add(i)
        failures += report_group("%sv6 %s" % (label, gname), len(idx), equal, bad, unexplained, outcomes)
    for name, (text, _) in KNOWN6.items():
        print("# %s %s: %d replies" % (name, text, len(seen.get(name, ()))))
    states = {}
    for i, m in enumerate(meta):
        if m[0] in ("by-address", "by-address, inside a delegated prefix") and (0, i) in replies:
            key = m[2] + "/128" if m[0] == "by-address" else prefixes[in_prefix.index(m[2])]
            st = "%s %s" % ("prefix" if "/128" not in key else "address", leases[key]["state"])
            states[st] = states.get(st, 0) + 1
    # (a dhcpd -6 that restarted has left its released bindings out of the file)
    want = ("address active", "prefix active") + (("address released",) if not label else ())
    cover = all(states.get(w, 0) > 0 for w in want)
    print("%s %sv6 covered bindings as dhcpd6.leases has them: %s" % (
        "ok" if cover else "not ok", label, ", ".join("%s %d" % (k, n) for k, n in sorted(states.items()))))
    failures += not cover
    print("# %sv6: %d queries to each server, %d replies in %.1f s" % (label, len(queries), len(replies), took))
    return 1 if failures else 0


def dump6(dhcpd, lqd, source, kind, value):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind((source, 546))
    oro = [int(c) for c in os.environ["ORO"].split(",")] if os.environ.get("ORO") else None
    replies = ask_all(s, servers6(dhcpd, lqd), [lambda xid: query6(xid, kind, value, oro)], family=6)
    for n, name in enumerate(("dhcpd", "lqd")):
        r = replies.get((n, 0))
        print("== %s" % name)
        if r is None:
            print("no reply")
            continue
        for k, v in r[0].items():
            if k == "client-data":
                for cd in v:
                    for kk, vv in cd.items():
                        print("  client-data %-10s %s" % (kk, vv))
            else:
                print("  %-12s %s" % (k, v.hex(":") if isinstance(v, bytes) else v))
        print("  received at", int(r[1]))
    return 0


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "clients4" and len(sys.argv) == 3:
        return clients4(sys.argv[2])
    if cmd == "compare4" and len(sys.argv) in (6, 7):
        return compare4(*sys.argv[2:])
    if cmd == "dump4" and len(sys.argv) == 7:
        return dump4(*sys.argv[2:])
    if cmd == "compare6" and len(sys.argv) in (6, 7):
        return compare6(*sys.argv[2:])
    if cmd == "dump6" and len(sys.argv) == 7:
        return dump6(*sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
