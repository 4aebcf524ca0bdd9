#!/usr/bin/python3
"""lqd_udp.py BUILD_DIR - lqd answering single leasequeries over real UDP
sockets on loopback, asked by an independent requestor: DHCPv4 queries are
built and parsed by scapy (Debian python3-scapy), DHCPv6 ones by this file
byte by byte from the RFC 5007 layouts. Bindings are put in through the
control socket. Checks every query type and outcome, the relay source port
(RFC 8357) destination, crafted packets lqd must drop (and keeps serving
after), per-query-type access rules, and the statistics.

Runs under Debian's /usr/bin/python3 (where python3-scapy is installed).
Prints one "ok ..."/"not ok ..." line per check; exits 1 on any failure.
"""
import ipaddress
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

from scapy.layers.dhcp import BOOTP, DHCP
from scapy.layers.dhcp6 import (DHCP6, DHCP6OptClientId, DHCP6OptIAAddress, DHCP6OptServerId,
                                DHCP6OptUnknown, DUID_LL)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lqctl import request  # noqa: E402



def free_udp_port(family):
    """A port nothing listens on now (lqd binds it with SO_REUSEPORT, so two
    tests sharing a fixed port would split each other's queries)."""
    with socket.socket(socket.AF_INET if family == 4 else socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1" if family == 4 else "::1", 0))
        return s.getsockname()[1]


PORT4, PORT6 = free_udp_port(4), free_udp_port(6)
failures = 0
NOW = int(time.time())


def check(cond, what):
    global failures
    print(("ok " if cond else "not ok ") + what)
    if not cond:
        failures += 1
    return cond


# ---------------------------------------------------------------- DHCPv4

def v4_query(xid, ciaddr="0.0.0.0", mac=None, client_id=None, giaddr="127.0.0.1", prl=None,
             relay_port=True, msg_type=10, op=1):
    opts = [("message-type", msg_type)]
    if client_id is not None:
        opts.append(("client_id", client_id))
    if prl is not None:
        opts.append(("param_req_list", prl))
    if relay_port:
        # option 82 with the RFC 8357 relay source port sub-option (19, empty on the way in)
        opts.append(("relay_agent_information", b"\x13\x00"))
    opts.append("end")
    chaddr = bytes.fromhex(mac.replace(":", "")) if mac else b""
    return bytes(BOOTP(op=op, xid=xid, ciaddr=ciaddr, giaddr=giaddr, chaddr=chaddr.ljust(16, b"\0"),
                       hlen=6 if mac else 0) / DHCP(options=opts))


def v4_options(reply):
    pkt = BOOTP(reply)
    opts = {}
    for o in pkt[DHCP].options:
        if isinstance(o, tuple):
            opts[o[0]] = o[1] if len(o) == 2 else o[1:]
    return pkt, opts


class Udp:
    def __init__(self, family):
        self.s = socket.socket(socket.AF_INET if family == 4 else socket.AF_INET6, socket.SOCK_DGRAM)
        self.s.bind(("127.0.0.1" if family == 4 else "::1", 0))
        self.s.settimeout(1.0)
        self.dest = ("127.0.0.1", PORT4) if family == 4 else ("::1", PORT6)

    def ask(self, data, wait=1.0):
        self.s.settimeout(wait)
        self.s.sendto(data, self.dest)
        try:
            return self.s.recv(65535)
        except socket.timeout:
            return None


# ---------------------------------------------------------------- DHCPv6

def opt6(code, data):
    return struct.pack("!HH", code, len(data)) + data


def parse6(region):
    out, i = [], 0
    while i + 4 <= len(region):
        code, n = struct.unpack("!HH", region[i:i + 4])
        out.append((code, region[i + 4:i + 4 + n]))
        i += 4 + n
    return out


def first(opts, code):
    return next((v for c, v in opts if c == code), None)


REQUESTOR_DUID = bytes.fromhex("00030001020000000001")


def v6_query(xid, qtype, link="::", address=None, client_id=None, oro=None, client_duid=REQUESTOR_DUID,
             server_id=None, msg_type=14):
    qopts = b""
    if address is not None:
        qopts += opt6(5, ipaddress.IPv6Address(address).packed + struct.pack("!II", 0, 0))
    if client_id is not None:
        qopts += opt6(1, client_id)
    if oro is not None:
        qopts += opt6(6, b"".join(struct.pack("!H", c) for c in oro))
    body = b""
    if client_duid is not None:
        body += opt6(1, client_duid)
    if server_id is not None:
        body += opt6(2, server_id)
    if qtype is not None:
        body += opt6(44, bytes([qtype]) + ipaddress.IPv6Address(link).packed + qopts)
    return bytes([msg_type]) + xid.to_bytes(3, "big") + body


def relay_forw(inner, link="2001:db8:1::1", peer="fe80::1", interface_id=b"eth7"):
    return (bytes([12, 0]) + ipaddress.IPv6Address(link).packed + ipaddress.IPv6Address(peer).packed
            + opt6(18, interface_id) + opt6(9, inner))


def v6_reply(data):
    """(type, xid, top-level options) of a LEASEQUERY-REPLY."""
    return data[0], int.from_bytes(data[1:4], "big"), parse6(data[4:])


def client_data_leases(cd):
    leases = []
    for code, v in parse6(cd):
        if code == 5:
            leases.append((str(ipaddress.IPv6Address(v[:16])), 128) + struct.unpack("!II", v[16:24]))
        elif code == 26:
            pref, valid, plen = struct.unpack("!IIB", v[:9])
            leases.append((str(ipaddress.IPv6Address(v[9:25])), plen, pref, valid))
    return leases


# ---------------------------------------------------------------- lqd

def start_lqd(build, tmp, extra):
    conf = {
        "server-id": "127.0.0.1",
        "server-duid": "00:01:00:01:2a:3b:4c:5d:00:11:22:33:44:55",
        "listen": [{"address": "127.0.0.1", "udp-port": PORT4, "tcp-port": False},
                   {"address": "::1", "udp-port": PORT6, "tcp-port": False}],
        "store": {"path": os.path.join(tmp, "store")},
        "subnets4": [{"subnet": "192.0.2.0/24", "pools": ["192.0.2.10 - 192.0.2.200"]}],
        "subnets6": [{"subnet": "2001:db8:1::/64", "pools": ["2001:db8:1::100 - 2001:db8:1::ffff"],
                      "pd-pools": [{"prefix": "2001:db8:8000::/33", "delegated-len": 56}]}],
        "control-socket": os.path.join(tmp, "lqd.sock"),
    }
    conf.update(extra)
    path = os.path.join(tmp, "lqd.conf")
    with open(path, "w") as f:
        json.dump(conf, f)
    log = open(os.path.join(tmp, "lqd.log"), "a")
    proc = subprocess.Popen([os.path.join(build, "lqd"), "-c", path], stdout=log, stderr=subprocess.STDOUT)
    sock = conf["control-socket"]
    for _ in range(100):
        try:
            if request(sock, {"command": "status"})["result"] == "ok":
                return proc, sock
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("lqd did not start: " + open(os.path.join(tmp, "lqd.log")).read())


BINDINGS = [
    {"address": "192.0.2.10", "state": "active", "hwaddr": "02:00:00:00:00:0a", "client_id": "01:02:00:00:00:00:0a",
     "cltt": NOW - 100, "expire": NOW + 3500, "valid_lifetime": 3600,
     "relay_info": "0104657468300206637065303031", "vendor_class": "lq-test"},
    {"address": "192.0.2.11", "state": "active", "hwaddr": "02:00:00:00:00:0b", "cltt": NOW - 50,
     "expire": NOW + 3550, "valid_lifetime": 3600},
    # the same MAC holds .12 too, with an older transaction
    {"address": "192.0.2.12", "state": "active", "hwaddr": "02:00:00:00:00:0b", "cltt": NOW - 900,
     "expire": NOW + 2700, "valid_lifetime": 3600},
    {"address": "192.0.2.13", "state": "released", "hwaddr": "02:00:00:00:00:0d", "cltt": NOW - 10,
     "expire": NOW - 10, "valid_lifetime": 3600},
    {"address": "2001:db8:1::100", "type": "IA_NA", "state": "active", "client_id": "000100010000000102000000aa01",
     "iaid": 1, "cltt": NOW - 30, "expire": NOW + 3970, "valid_lifetime": 4000, "preferred_lifetime": 3000,
     "link_address": "2001:db8:1::1"},
    {"prefix": "2001:db8:8000:100::/56", "type": "IA_PD", "state": "active",
     "client_id": "000100010000000102000000aa01", "iaid": 2, "cltt": NOW - 30, "expire": NOW + 3970,
     "valid_lifetime": 4000, "preferred_lifetime": 3000, "link_address": "2001:db8:1::1"},
]


def load_bindings(sock):
    for b in BINDINGS:
        r = request(sock, {"command": "add", "binding": b})
        if r["result"] != "ok":
            raise RuntimeError("add %s: %s" % (b, r))


def test_v4(u):
    reply = u.ask(v4_query(0x1001, ciaddr="192.0.2.10", prl=[51, 91, 82, 60, 61]))
    if not check(reply is not None, "v4 by IP: lqd answers (reply to the query's port, RFC 8357)"):
        return
    pkt, o = v4_options(reply)
    check(o.get("message-type") == 13 and pkt.xid == 0x1001 and pkt.ciaddr == "192.0.2.10",
          "v4 by IP: DHCPLEASEACTIVE for 192.0.2.10 with the query's xid (type %s)" % o.get("message-type"))
    check(pkt.chaddr[:6] == bytes.fromhex("02000000000a"), "v4 by IP: chaddr is the binding's MAC")
    check(o.get("server_id") == "127.0.0.1", "v4 by IP: server identifier present")
    lease = o.get("lease_time")
    check(lease is not None and 3400 <= lease <= 3500, "v4 by IP: lease time is what is left (%s)" % lease)
    clt = o.get("client-last-transaction-time", o.get(91))
    check(clt is not None, "v4 by IP: client-last-transaction-time present")
    rai = o.get("relay_agent_information")
    check(rai == bytes.fromhex("0104657468300206637065303031"), "v4 by IP: option 82 as received (%r)" % rai)
    check(o.get("vendor_class_id") == b"lq-test", "v4 by IP: vendor class (%r)" % o.get("vendor_class_id"))

    reply = u.ask(v4_query(0x1002, mac="02:00:00:00:00:0b"))
    pkt, o = v4_options(reply) if reply else (None, {})
    check(reply is not None and o.get("message-type") == 13 and pkt.ciaddr == "192.0.2.11",
          "v4 by MAC: the binding of the most recent transaction (192.0.2.11)")
    assoc = o.get("associated-ip", o.get(92))
    check(reply is not None and assoc is not None and b"\xc0\x00\x02\x0c" in bytes(assoc if isinstance(assoc, bytes)
          else socket.inet_aton(str(assoc))), "v4 by MAC: the client's other address in associated-ip (%r)" % (assoc,))

    if os.geteuid() == 0:
        # without the relay source port sub-option the reply goes to giaddr port 67 (RFC 4388 6.4.3)
        relay = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        relay.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for attempt in range(50):  # a root `lq query` elsewhere may hold port 67 for a moment
            try:
                relay.bind(("127.0.0.1", 67))
                break
            except OSError:
                time.sleep(0.1)
        relay.settimeout(1.0)
        u.s.sendto(v4_query(0x1010, ciaddr="192.0.2.10", relay_port=False), u.dest)
        try:
            got = relay.recv(2048)
        except socket.timeout:
            got = None
        relay.close()
        check(got is not None and BOOTP(got).xid == 0x1010, "v4 without a relay port: the reply goes to giaddr port 67")

    reply = u.ask(v4_query(0x1003, client_id=bytes.fromhex("0102000000000a")))
    pkt, o = v4_options(reply) if reply else (None, {})
    check(reply is not None and o.get("message-type") == 13 and pkt.ciaddr == "192.0.2.10",
          "v4 by client-id: DHCPLEASEACTIVE for 192.0.2.10")

    for addr, want, what in (("192.0.2.13", 11, "a released address in the pool: DHCPLEASEUNASSIGNED"),
                             ("192.0.2.50", 11, "an unleased address in the pool: DHCPLEASEUNASSIGNED"),
                             ("198.51.100.1", 12, "an address lqd does not manage: DHCPLEASEUNKNOWN")):
        reply = u.ask(v4_query(0x1004, ciaddr=addr))
        pkt, o = v4_options(reply) if reply else (None, {})
        check(o.get("message-type") == want, "v4 %s (got %s)" % (what, o.get("message-type")))
    reply = u.ask(v4_query(0x1005, mac="02:00:00:00:99:99"))
    pkt, o = v4_options(reply) if reply else (None, {})
    check(o.get("message-type") == 12, "v4 by MAC of no client: DHCPLEASEUNKNOWN")


def test_v4_drops(u, sock):
    before = request(sock, {"command": "statistics"})["udp"]["dropped"]
    crafted = [
        (v4_query(0x2001, ciaddr="192.0.2.10", giaddr="0.0.0.0"), "giaddr 0"),
        (v4_query(0x2002, ciaddr="192.0.2.10", msg_type=3), "a DHCPREQUEST, not a leasequery"),
        (v4_query(0x2003, ciaddr="192.0.2.10", op=2), "op BOOTREPLY"),
        (v4_query(0x2004)[:100], "a truncated header"),
        (v4_query(0x2005, ciaddr="192.0.2.10")[:240] + b"\x35\x05\x0a", "an option overrunning the message"),
        (b"\x63\x82\x53\x63" * 100, "garbage"),
        (b"", "an empty datagram"),
    ]
    for data, what in crafted:
        check(u.ask(data, wait=0.3) is None, "v4 drop: %s gets no answer" % what)
        reply = u.ask(v4_query(0x2100, ciaddr="192.0.2.10"))
        check(reply is not None and v4_options(reply)[1].get("message-type") == 13,
              "v4 after %s: a normal query is answered" % what)
    after = request(sock, {"command": "statistics"})["udp"]["dropped"]
    check(after - before >= len(crafted), "v4 drops are counted (%d)" % (after - before))


def test_v6(u):
    server_duid = bytes.fromhex("000100012a3b4c5d001122334455")
    reply = u.ask(v6_query(0x111, 1, address="2001:db8:1::100", oro=[48]))
    if not check(reply is not None, "v6 by address: lqd answers"):
        return
    t, xid, opts = v6_reply(reply)
    check(t == 15 and xid == 0x111, "v6 by address: LEASEQUERY-REPLY with the query's xid")
    check(first(opts, 2) == server_duid and first(opts, 1) == REQUESTOR_DUID,
          "v6 by address: server-id ours, client-id the requestor's")
    cd = first(opts, 45)
    if check(cd is not None, "v6 by address: OPTION_CLIENT_DATA present"):
        inner = parse6(cd)
        check(first(inner, 1) == bytes.fromhex("000100010000000102000000aa01"), "v6 by address: the client's DUID")
        leases = client_data_leases(cd)
        check(any(l[0] == "2001:db8:1::100" and 3900 <= l[3] <= 3970 for l in leases),
              "v6 by address: IAADDR with the valid lifetime left (%s)" % leases)
        check(first(inner, 46) is not None, "v6 by address: OPTION_CLT_TIME present")

    # the same question built and read by scapy: its DHCPv6 layer knows no
    # leasequery messages, so LQ_QUERY (44) and CLIENT_DATA (45) are generic options
    iaaddr = bytes(DHCP6OptIAAddress(addr="2001:db8:1::100", preflft=0, validlft=0))
    query = (DHCP6(msgtype=14, trid=0x118) / DHCP6OptClientId(duid=DUID_LL(lladdr="02:00:00:00:00:01"))
             / DHCP6OptUnknown(optcode=44, data=b"\x01" + bytes(16) + iaaddr))
    reply = u.ask(bytes(query))
    pkt = DHCP6(reply) if reply else None
    check(pkt is not None and pkt.msgtype == 15 and pkt.trid == 0x118
          and bytes(pkt[DHCP6OptServerId].duid) == server_duid
          and any(o.optcode == 45 for o in pkt.iterpayloads() if isinstance(o, DHCP6OptUnknown)),
          "v6 by address, built and parsed by scapy: LEASEQUERY-REPLY with our server-id and client data")

    reply = u.ask(v6_query(0x112, 1, address="2001:db8:8000:100::1234"))
    t, xid, opts = v6_reply(reply) if reply else (0, 0, [])
    cd = first(opts, 45)
    check(cd is not None and any(l[0] == "2001:db8:8000:100::" and l[1] == 56 for l in client_data_leases(cd)),
          "v6 by an address inside a delegated prefix: IAPREFIX of the prefix")

    reply = u.ask(v6_query(0x113, 2, client_id=bytes.fromhex("000100010000000102000000aa01"), link="2001:db8:1::1"))
    t, xid, opts = v6_reply(reply) if reply else (0, 0, [])
    cd = first(opts, 45)
    check(cd is not None and len(client_data_leases(cd)) == 2,
          "v6 by client-id on its link: both the address and the prefix")

    reply = u.ask(v6_query(0x114, 1, address="2001:db9::1", link="2001:db9::"))
    t, xid, opts = v6_reply(reply) if reply else (0, 0, [])
    st = first(opts, 13)
    check(st is not None and struct.unpack("!H", st[:2])[0] == 9, "v6 by an address on no configured link: NotConfigured")

    reply = u.ask(v6_query(0x115, 77, address="2001:db8:1::100"))
    t, xid, opts = v6_reply(reply) if reply else (0, 0, [])
    st = first(opts, 13)
    check(st is not None and struct.unpack("!H", st[:2])[0] == 7, "v6 unknown query type: UnknownQueryType")

    # the relay (the sender) and the requestor inside (peer-address) must both be allowed
    reply = u.ask(relay_forw(v6_query(0x117, 1, address="2001:db8:1::100"), peer="fe80::1"))
    inner = first(parse6(reply[34:]), 9) if reply and reply[0] == 13 else None
    st = first(parse6(inner[4:]), 13) if inner else None
    check(st is not None and struct.unpack("!H", st[:2])[0] == 10,
          "v6 relayed for a requestor not in requesters: NotAllowed inside the RELAY-REPL")
    reply = u.ask(relay_forw(v6_query(0x116, 1, address="2001:db8:1::100"), peer="::1"))
    if check(reply is not None and reply[0] == 13, "v6 relayed: RELAY-REPL"):
        outer = parse6(reply[34:])
        check(first(outer, 18) == b"eth7", "v6 relayed: interface-id echoed")
        inner = first(outer, 9)
        check(inner is not None and inner[0] == 15 and first(parse6(inner[4:]), 45) is not None,
              "v6 relayed: the LEASEQUERY-REPLY with client data inside")

    for data, what in ((v6_query(0x120, 1, address="2001:db8:1::100", client_duid=None), "no client-id"),
                       (v6_query(0x121, 1, address="2001:db8:1::100", server_id=b"\x00\x03\x00\x01abcdef"),
                        "a server-id not ours"),
                       (v6_query(0x122, None), "no OPTION_LQ_QUERY"),
                       (v6_query(0x123, 1, address="2001:db8:1::100")[:30], "a truncated option"),
                       (b"\x0e", "a one-octet datagram")):
        check(u.ask(data, wait=0.3) is None, "v6 discard: %s gets no answer" % what)
        reply = u.ask(v6_query(0x130, 1, address="2001:db8:1::100"))
        check(reply is not None and reply[0] == 15, "v6 after %s: a normal query is answered" % what)


def test_access(build, tmp):
    proc, sock = start_lqd(build, tmp, {
        "requesters": [{"prefix": "127.0.0.0/8", "query-types": ["by-ip"]},
                       {"prefix": "::1/128", "query-types": ["by-address"]}]})
    try:
        load_bindings(sock)
        u4, u6 = Udp(4), Udp(6)
        check(u4.ask(v4_query(0x3001, ciaddr="192.0.2.10")) is not None, "access: an allowed by-ip query is answered")
        check(u4.ask(v4_query(0x3002, mac="02:00:00:00:00:0b"), wait=0.3) is None,
              "access: a by-mac query from a by-ip-only requestor is dropped")
        reply = u6.ask(v6_query(0x3003, 2, client_id=bytes.fromhex("000100010000000102000000aa01")))
        st = first(v6_reply(reply)[2], 13) if reply else None
        check(st is not None and struct.unpack("!H", st[:2])[0] == 10,
              "access: a refused v6 by-client-id query gets NotAllowed")
        stats = request(sock, {"command": "statistics"})["udp"]
        check(stats["refused"] == 2, "access: 2 refusals counted (%s)" % stats["refused"])
        log = open(os.path.join(tmp, "lqd.log")).read()
        check("refused a DHCPv4 by-mac query from 127.0.0.1" in log, "access: the refusal is logged with the requestor")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_privileges(build, tmp):
    """Started as root with "user": lqd binds port 67, then runs as that user
    and still answers and still writes its store."""
    import pwd
    nobody = pwd.getpwnam("nobody")
    os.chmod(tmp, 0o755)
    proc, sock = start_lqd(build, tmp, {
        "user": "nobody",
        "listen": [{"address": "127.0.0.3", "udp-port": 67, "tcp-port": False}]})
    try:
        with open("/proc/%d/status" % proc.pid) as f:
            uids = [line.split()[1:] for line in f if line.startswith("Uid:")][0]
        check(all(int(u) == nobody.pw_uid for u in uids), "privileges: lqd runs as nobody after binding port 67 (%s)"
              % uids)
        check(request(sock, {"command": "add", "binding": BINDINGS[0]})["result"] == "ok",
              "privileges: the store stays writable")
        u = Udp(4)
        u.dest = ("127.0.0.3", 67)
        reply = u.ask(v4_query(0x4001, ciaddr="192.0.2.10"))
        check(reply is not None and v4_options(reply)[1].get("message-type") == 13,
              "privileges: queries on port 67 are answered")
    finally:
        proc.terminate()
        check(proc.wait(timeout=10) == 0, "privileges: lqd stops cleanly")


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    tmp = tempfile.mkdtemp(prefix="lq-udp-")
    try:
        proc, sock = start_lqd(build, tmp, {})
        try:
            load_bindings(sock)
            test_v4(Udp(4))
            test_v4_drops(Udp(4), sock)
            test_v6(Udp(6))
            stats = request(sock, {"command": "statistics"})["udp"]
            check(stats["answered"] > 20 and stats["refused"] == 1 and stats["threads"] >= 1, "statistics: %s" % stats)
        finally:
            proc.terminate()
            check(proc.wait(timeout=10) == 0, "lqd stops cleanly on SIGTERM")
        tests = [test_access] + ([test_privileges] if os.geteuid() == 0 else [])
        for test in tests:
            tmp2 = tempfile.mkdtemp(prefix="lq-udp-")
            try:
                test(build, tmp2)
            finally:
                shutil.rmtree(tmp2, ignore_errors=True)
    except Exception as e:  # the test's own crash is a failure with its reason
        check(False, "%s: %s" % (type(e).__name__, e))
    finally:
        if os.environ.get("LQ_KEEP"):
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
