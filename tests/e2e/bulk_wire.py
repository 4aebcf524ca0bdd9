"""bulk_wire.py - the requestor side of bulk leasequery for lqd_bulk.py,
written from the RFCs (not from lq's code): DHCPv4 DHCPBULKLEASEQUERY
messages and their replies (RFC 2131 header, RFC 6926 options), DHCPv6
LEASEQUERY over TCP and its replies (RFC 5007, RFC 5460, RFC 7653 times),
the 2-octet TCP framing, and a blocking TCP connection that reads frames
with deadlines. Struct-level: bytes in, tuples and dicts out.
"""
import ipaddress
import socket
import struct
import time

# ---------------------------------------------------------------- DHCPv4

BOOTREQUEST, BOOTREPLY = 1, 2
COOKIE = b"\x63\x82\x53\x63"
V4_LEASEQUERY, V4_UNASSIGNED, V4_UNKNOWN, V4_ACTIVE = 10, 11, 12, 13
V4_BULKLEASEQUERY, V4_DONE, V4_ACTIVELEASEQUERY = 14, 15, 16
OPT_SERVER_ID, OPT_PRL, OPT_LEASE_TIME, OPT_CLIENT_ID = 54, 55, 51, 61
OPT_RAI, OPT_CLT, OPT_ASSOC_IP = 82, 91, 92
OPT_STATUS, OPT_BASE_TIME, OPT_STATE_TIME = 151, 152, 153
OPT_Q_START, OPT_Q_END, OPT_DHCP_STATE, OPT_DATA_SOURCE, OPT_VSS = 154, 155, 156, 157, 221
ST4_SUCCESS, ST4_UNSPEC, ST4_TERMINATED, ST4_MALFORMED, ST4_NOT_ALLOWED = 0, 1, 2, 3, 4
STATE_ACTIVE = 2


def ip4(a):
    return socket.inet_aton(a)


def mac_bytes(mac):
    return bytes.fromhex(mac.replace(":", ""))


def opt4(code, value):
    """One option, split into several instances when longer than 255 (RFC 3396)."""
    out = b""
    while True:
        out += bytes([code, min(len(value), 255)]) + value[:255]
        value = value[255:]
        if not value:
            return out


def suboptions(pairs):
    return b"".join(bytes([c, len(v)]) + v for c, v in pairs)


def v4_query(xid, mac=None, htype=1, client_id=None, remote_id=None, relay_id=None, circuit_id=None,
             prl=None, start=None, end=None, vss=None, ciaddr="0.0.0.0", yiaddr="0.0.0.0",
             siaddr="0.0.0.0", giaddr="0.0.0.0", msg_type=V4_BULKLEASEQUERY, extra=b""):
    """A DHCPBULKLEASEQUERY (RFC 6926 7.2). mac: query by MAC (chaddr, htype,
    hlen); client_id: option 61; remote_id / relay_id: option 82 sub-options
    2 / 12; none of them: all configured addresses. vss = (type, bytes) for
    option 221 (type 254 = all VPNs)."""
    chaddr = mac_bytes(mac) if mac else b""
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", BOOTREQUEST, htype if mac else 0, len(chaddr), 0,
                      xid, 0, 0, ip4(ciaddr), ip4(yiaddr), ip4(siaddr), ip4(giaddr),
                      chaddr.ljust(16, b"\0"), b"", b"")
    opts = opt4(53, bytes([msg_type]))
    if client_id is not None:
        opts += opt4(OPT_CLIENT_ID, client_id)
    if prl is not None:
        opts += opt4(OPT_PRL, bytes(prl))
    rai = []
    if circuit_id is not None:
        rai.append((1, circuit_id))
    if remote_id is not None:
        rai.append((2, remote_id))
    if relay_id is not None:
        rai.append((12, relay_id))
    if rai:
        opts += opt4(OPT_RAI, suboptions(rai))
    if start is not None:
        opts += opt4(OPT_Q_START, struct.pack("!I", start))
    if end is not None:
        opts += opt4(OPT_Q_END, struct.pack("!I", end))
    if vss is not None:
        opts += opt4(OPT_VSS, bytes([vss[0]]) + vss[1])
    return hdr + COOKIE + opts + extra + b"\xff"


class Msg4:
    """A parsed DHCPv4 message: header fields and options (code -> value,
    repeated instances joined as RFC 3396 says; order keeps the codes as
    they came)."""

    def __init__(self, data):
        if len(data) < 240 or data[236:240] != COOKIE:
            raise ValueError("not a DHCPv4 message (%d octets)" % len(data))
        (self.op, self.htype, self.hlen, self.hops, self.xid, self.secs, self.flags, ciaddr, yiaddr,
         siaddr, giaddr, chaddr) = struct.unpack("!BBBBIHH4s4s4s4s16s", data[:44])
        self.ciaddr = socket.inet_ntoa(ciaddr)
        self.yiaddr = socket.inet_ntoa(yiaddr)
        self.giaddr = socket.inet_ntoa(giaddr)
        self.chaddr = chaddr[:min(self.hlen, 16)]
        self.opts, self.order = {}, []
        i = 240
        while i < len(data):
            code = data[i]
            if code == 255:
                break
            if code == 0:
                i += 1
                continue
            if i + 2 > len(data) or i + 2 + data[i + 1] > len(data):
                raise ValueError("option %d overruns the message" % code)
            n = data[i + 1]
            self.opts[code] = self.opts.get(code, b"") + data[i + 2:i + 2 + n]
            self.order.append(code)
            i += 2 + n
        mt = self.opts.get(53, b"")
        self.type = mt[0] if len(mt) == 1 else None

    def u32(self, code):
        v = self.opts.get(code)
        return struct.unpack("!I", v)[0] if v is not None and len(v) == 4 else None

    def status(self):
        """(code, text) of option 151; (0, None) when absent."""
        v = self.opts.get(OPT_STATUS)
        if v is None:
            return 0, None
        return (v[0] if v else None), v[1:].decode("utf-8", "replace")

    def state(self):
        v = self.opts.get(OPT_DHCP_STATE)
        return v[0] if v is not None and len(v) == 1 else None

    def mac(self):
        return ":".join("%02x" % b for b in self.chaddr)


# ---------------------------------------------------------------- DHCPv6

V6_REPLY, V6_RELAY_FORW, V6_LEASEQUERY, V6_LQ_REPLY, V6_LQ_DONE, V6_LQ_DATA = 7, 12, 14, 15, 16, 17
V6_ACTIVELEASEQUERY, V6_STARTTLS = 22, 23
O6_CLIENTID, O6_SERVERID, O6_IAADDR, O6_ORO, O6_RELAY_MSG, O6_STATUS = 1, 2, 5, 6, 9, 13
O6_INTERFACE_ID, O6_IAPREFIX, O6_REMOTE_ID, O6_LQ_QUERY, O6_CLIENT_DATA = 18, 26, 37, 44, 45
O6_CLT_TIME, O6_LQ_RELAY_DATA, O6_LQ_CLIENT_LINK, O6_RELAY_ID = 46, 47, 48, 53
O6_BASE_TIME, O6_START_TIME, O6_END_TIME = 100, 101, 102
Q6_ADDRESS, Q6_CLIENTID, Q6_RELAY_ID, Q6_LINK, Q6_REMOTE_ID = 1, 2, 3, 4, 5
ST6_SUCCESS, ST6_UNKNOWN_QUERY, ST6_MALFORMED, ST6_NOT_CONFIGURED, ST6_NOT_ALLOWED = 0, 7, 8, 9, 10
ST6_TERMINATED = 11
EPOCH_2000 = 946684800          # 2000-01-01 00:00 UTC in Unix seconds (RFC 8415 DUID-LLT epoch)


def opt6(code, data):
    return struct.pack("!HH", code, len(data)) + data


def parse6(region):
    """[(code, value)]; raises ValueError on an overrun."""
    out, i = [], 0
    while i < len(region):
        if i + 4 > len(region):
            raise ValueError("truncated option header")
        code, n = struct.unpack("!HH", region[i:i + 4])
        if i + 4 + n > len(region):
            raise ValueError("option %d overruns" % code)
        out.append((code, region[i + 4:i + 4 + n]))
        i += 4 + n
    return out


def first6(opts, code):
    return next((v for c, v in opts if c == code), None)


def ip6(a):
    return ipaddress.IPv6Address(a).packed


def v6_query(xid, qtype, link="::", qopts=b"", oro=None, start=None, end=None, requestor=None,
             msg_type=V6_LEASEQUERY, top=b""):
    """A LEASEQUERY for TCP (RFC 5460): OPTION_CLIENTID (the requestor's
    DUID), OPTION_LQ_QUERY with query-type, link-address and query-options
    (qopts, then the ORO), and the message-level OPTION_LQ_START_TIME /
    OPTION_LQ_END_TIME of RFC 7653 6.3 (start, end: Unix times, sent in the
    2000 epoch)."""
    q = qopts
    if oro is not None:
        q += opt6(O6_ORO, b"".join(struct.pack("!H", c) for c in oro))
    body = b""
    if requestor is not None:
        body += opt6(O6_CLIENTID, requestor)
    if qtype is not None:
        body += opt6(O6_LQ_QUERY, bytes([qtype]) + ip6(link) + q)
    if start is not None:
        body += opt6(O6_START_TIME, struct.pack("!I", start - EPOCH_2000))
    if end is not None:
        body += opt6(O6_END_TIME, struct.pack("!I", end - EPOCH_2000))
    return bytes([msg_type]) + xid.to_bytes(3, "big") + body + top


def relay_forw(inner, link, peer="fe80::1", interface_id=None, remote_id=None, relay_id=None, hops=0):
    """A RELAY-FORW as a relay agent sends it (RFC 8415 9): remote_id is the
    OPTION_REMOTE_ID value (enterprise number + id), relay_id a DUID."""
    opts = b""
    if interface_id is not None:
        opts += opt6(O6_INTERFACE_ID, interface_id)
    if remote_id is not None:
        opts += opt6(O6_REMOTE_ID, remote_id)
    if relay_id is not None:
        opts += opt6(O6_RELAY_ID, relay_id)
    return bytes([V6_RELAY_FORW, hops]) + ip6(link) + ip6(peer) + opts + opt6(O6_RELAY_MSG, inner)


def client_request(duid, xid=0x123456):
    """The client's REQUEST (type 3) inside a relayed message."""
    return bytes([3]) + xid.to_bytes(3, "big") + opt6(O6_CLIENTID, duid)


class Msg6:
    def __init__(self, data):
        if len(data) < 4:
            raise ValueError("a DHCPv6 message of %d octets" % len(data))
        self.type = data[0]
        self.xid = int.from_bytes(data[1:4], "big")
        self.opts = parse6(data[4:])

    def get(self, code):
        return first6(self.opts, code)

    def all(self, code):
        return [v for c, v in self.opts if c == code]

    def status(self):
        v = self.get(O6_STATUS)
        if v is None:
            return 0, None
        return struct.unpack("!H", v[:2])[0], v[2:].decode("utf-8", "replace")

    def base_time(self):
        v = self.get(O6_BASE_TIME)
        return struct.unpack("!I", v)[0] + EPOCH_2000 if v is not None and len(v) == 4 else None

    def client_data(self):
        return [ClientData(v) for v in self.all(O6_CLIENT_DATA)]


class ClientData:
    """One OPTION_CLIENT_DATA: the client's DUID and its leases
    {"addr" or "prefix/len": (preferred, valid)}."""

    def __init__(self, value):
        self.opts = parse6(value)
        self.duid = first6(self.opts, O6_CLIENTID)
        self.leases = {}
        for code, v in self.opts:
            if code == O6_IAADDR:
                pref, valid = struct.unpack("!II", v[16:24])
                self.leases[str(ipaddress.IPv6Address(v[:16]))] = (pref, valid)
            elif code == O6_IAPREFIX:
                pref, valid, plen = struct.unpack("!IIB", v[:9])
                self.leases["%s/%d" % (ipaddress.IPv6Address(v[9:25]), plen)] = (pref, valid)
        clt = first6(self.opts, O6_CLT_TIME)
        self.clt = struct.unpack("!I", clt)[0] if clt is not None and len(clt) == 4 else None

    def active(self):
        return frozenset(k for k, (p, v) in self.leases.items() if v > 0)

    def gone(self):
        return frozenset(k for k, (p, v) in self.leases.items() if v == 0)


# ---------------------------------------------------------------- TCP

def frame(msg):
    return struct.pack("!H", len(msg)) + msg


class Closed(Exception):
    """The peer closed (EOF or reset) where a frame was expected."""


class Conn:
    """A blocking TCP connection to lqd reading whole frames with a deadline."""

    def __init__(self, family, port, src=None, rcvbuf=None, timeout=5.0):
        self.family = family
        self.s = socket.socket(socket.AF_INET if family == 4 else socket.AF_INET6, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if src is not None:
            self.s.bind((src, 0))
        self.s.settimeout(timeout)
        self.s.connect(("127.0.0.1" if family == 4 else "::1", port))
        self.buf = bytearray()
        self.eof = False
        self.frames = 0

    def send(self, msg):
        self.s.sendall(frame(msg))

    def send_raw(self, data):
        self.s.sendall(data)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("deadline")
        self.s.settimeout(left)
        try:
            chunk = self.s.recv(1 << 18)
        except (ConnectionResetError, BrokenPipeError):
            chunk = b""
        if not chunk:
            self.eof = True
            raise Closed()
        self.buf += chunk

    def read_frame(self, timeout=5.0):
        """The next whole frame's message; Closed at EOF, socket.timeout
        after timeout seconds."""
        deadline = time.monotonic() + timeout
        while len(self.buf) < 2:
            self._fill(deadline)
        n = (self.buf[0] << 8) | self.buf[1]
        while len(self.buf) < 2 + n:
            self._fill(deadline)
        msg = bytes(self.buf[2:2 + n])
        del self.buf[:2 + n]
        self.frames += 1
        return msg

    def wait_closed(self, timeout):
        """Seconds until the peer closed (discarding what it still sends),
        or None when it is still open after timeout."""
        t0 = time.monotonic()
        deadline = t0 + timeout
        while True:
            try:
                self.buf.clear()
                self._fill(deadline)
            except Closed:
                return time.monotonic() - t0
            except socket.timeout:
                return None

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass
