"""active_wire.py - the requestor side of active leasequery for
lqd_active.py, written from the RFCs (not from lq's code): DHCPv4
DHCPACTIVELEASEQUERY and DHCPTLS (RFC 7724), DHCPv6 ACTIVELEASEQUERY and
STARTTLS (RFC 7653 and draft-ietf-dhc-dhcpv6-active-leasequery-03), the
TLS upgrade of a connection, and a requestor that keeps a copy of the
server's bindings from what it is sent (its "view"), the way RFC 7724 7.3 /
RFC 7653 8.4 describe: the highest base-time after the catch-up, the phases
(CatchUpComplete, DataMissing), keepalives and QueryTerminated.

Builds on bulk_wire.py (message layouts, framing, Conn).
"""
import socket
import ssl
import struct
import time

from bulk_wire import (  # noqa: F401  (re-exported for lqd_active.py)
    Closed, Conn, Msg4, Msg6, opt6, v4_query, v6_query,
    V4_ACTIVE, V4_UNASSIGNED, V4_DONE, V4_ACTIVELEASEQUERY, OPT_BASE_TIME, OPT_DHCP_STATE,
    V6_REPLY, V6_LQ_REPLY, V6_LQ_DATA, V6_LQ_DONE, V6_ACTIVELEASEQUERY, V6_STARTTLS,
    O6_CLIENTID, O6_SERVERID, O6_ORO, O6_BASE_TIME, O6_STATUS)

# RFC 7724 / NUMBERS.md
V4_LQ_STATUS, V4_TLS = 17, 18
ST4_DATA_MISSING, ST4_CONNECTION_ACTIVE, ST4_CATCHUP_COMPLETE, ST4_TLS_REFUSED = 5, 6, 7, 8
# RFC 7653
ST6_DATA_MISSING, ST6_CATCHUP_COMPLETE, ST6_NOT_SUPPORTED, ST6_TLS_REFUSED = 12, 13, 14, 15

V4_STATE_NAMES = {1: "available", 2: "active", 3: "expired", 4: "released", 5: "abandoned", 6: "reset",
                  7: "remote", 8: "transitioning"}


def v4_active_query(xid, start=None, end=None, prl=None, vss=None):
    """A DHCPACTIVELEASEQUERY (RFC 7724 6.2): no primary query (every
    binding), optional query-start-time, PRL and VSS."""
    return v4_query(xid, msg_type=V4_ACTIVELEASEQUERY, start=start, end=end, prl=prl, vss=vss)


def v4_tls(xid):
    """A DHCPTLS asking for TLS on this connection (RFC 7724 6.1)."""
    return v4_query(xid, msg_type=V4_TLS)


def v6_active_query(xid, requestor, start=None, end=None, oro=(O6_BASE_TIME,), qtype=None, link="::"):
    """An ACTIVELEASEQUERY (RFC 7653 6.1 / draft 6.2.1): the requestor's
    OPTION_CLIENTID; without OPTION_LQ_QUERY (every binding) the ORO is a
    message option, with one it is among the query-options."""
    top = b""
    if oro and qtype is None:
        top = opt6(O6_ORO, b"".join(struct.pack("!H", c) for c in oro))
    return v6_query(xid, qtype, link=link, oro=list(oro) if oro and qtype is not None else None, start=start,
                    end=end, requestor=requestor, msg_type=V6_ACTIVELEASEQUERY, top=top)


def v6_starttls(xid, requestor):
    """A STARTTLS (RFC 7653 8.2): the requestor's OPTION_CLIENTID."""
    return bytes([V6_STARTTLS]) + xid.to_bytes(3, "big") + opt6(O6_CLIENTID, requestor)


class TLSRefused(Exception):
    """The server answered DHCPTLS / STARTTLS with a status (refused)."""


def starttls(conn, ctx, xid, requestor=None, server_hostname="localhost", timeout=5.0):
    """Ask for TLS on conn (first message), read the answer, then run the
    handshake over the same socket. Returns the answer (Msg4 / Msg6);
    raises TLSRefused (answer with a status), ssl.SSLError, Closed or
    socket.timeout."""
    if conn.family == 4:
        conn.send(v4_tls(xid))
        ans = Msg4(conn.read_frame(timeout))
    else:
        conn.send(v6_starttls(xid, requestor))
        ans = Msg6(conn.read_frame(timeout))
    code, text = ans.status()
    if code != 0:
        err = TLSRefused("status %s %r" % (code, text))
        err.answer = ans
        raise err
    if conn.buf:
        raise ValueError("octets after the TLS answer, before the handshake")
    conn.s.settimeout(timeout)
    conn.s = ctx.wrap_socket(conn.s, server_hostname=server_hostname)
    return ans


def client_context(ca, cert=None, key=None, tls_max=None, tls_min=None):
    """A requestor's TLS context: verifies the server against ca (and its
    name), presents cert/key when given."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(ca)
    if cert is not None:
        ctx.load_cert_chain(cert, key)
    if tls_min is not None:
        ctx.minimum_version = tls_min
    if tls_max is not None:
        ctx.maximum_version = tls_max
    return ctx


class Event:
    """One message of an active stream, classified:
    kind "binding" (key, state), "status" (code: CatchUpComplete,
    DataMissing, an error), "keepalive", "done" (code), "reply" (v6
    LEASEQUERY-REPLY without data and without status), "other"."""
    __slots__ = ("kind", "msg", "key", "state", "code", "text", "base_time", "t")

    def __init__(self, kind, msg, t, key=None, state=None, code=None, text=None, base_time=None):
        self.kind, self.msg, self.t = kind, msg, t
        self.key, self.state, self.code, self.text, self.base_time = key, state, code, text, base_time

    def __repr__(self):
        return "Event(%s %s %s code=%s bt=%s)" % (self.kind, self.key, self.state, self.code, self.base_time)


def classify4(m, t):
    """Events of one DHCPv4 message (one at most)."""
    bt = m.u32(OPT_BASE_TIME)
    code, text = m.status()
    if m.type in (V4_ACTIVE, V4_UNASSIGNED):
        state = m.state()
        if state is None:
            state = 2 if m.type == V4_ACTIVE else 1
        return [Event("binding", m, t, key=m.ciaddr, state=state, base_time=bt)]
    if m.type == V4_LQ_STATUS:
        if 151 not in m.opts:
            return [Event("keepalive", m, t, base_time=bt)]
        return [Event("status", m, t, code=code, text=text, base_time=bt)]
    if m.type == V4_DONE:
        return [Event("done", m, t, code=code, text=text, base_time=bt)]
    return [Event("other", m, t, code=code, base_time=bt)]


def classify6(m, t):
    """Events of one DHCPv6 message: one "binding" per lease in its
    OPTION_CLIENT_DATA (state "active" when its valid lifetime is not 0,
    else "gone"), then its status or keepalive meaning."""
    bt = m.base_time()
    code, text = m.status()
    has_status = m.get(O6_STATUS) is not None
    out = []
    for cd in m.client_data():
        for k, (pref, valid) in cd.leases.items():
            out.append(Event("binding", m, t, key=k, state="active" if valid > 0 else "gone", base_time=bt))
    if m.type == V6_LQ_DONE:
        out.append(Event("done", m, t, code=code, text=text, base_time=bt))
    elif has_status and code != 0:
        out.append(Event("status", m, t, code=code, text=text, base_time=bt))
    elif not out:
        out.append(Event("keepalive" if m.type == V6_LQ_DATA else
                         "reply" if m.type == V6_LQ_REPLY else "other", m, t, code=code, base_time=bt))
    return out


class ActiveRequestor:
    """An active leasequery requestor over one connection: sends the query,
    reads its stream and keeps a view {key: state} of every binding it was
    told about (v4 key: address, state: dhcp-state code; v6 key: address or
    prefix/len, state "active" / "gone"), the events in order, and the
    highest base-time it may save for its next query-start-time (only after
    the catch-up, RFC 7724 7.3 / RFC 7653 8.4.1)."""

    def __init__(self, family, port, requestor=None, src=None, rcvbuf=None, tls=None, xid=None,
                 view=None, timeout=5.0):
        self.family = family
        self.requestor = requestor
        self.conn = Conn(family, port, src=src, rcvbuf=rcvbuf, timeout=timeout)
        self.tls_answer = None
        if tls is not None:
            self.tls_answer = starttls(self.conn, tls, 0x7151, requestor)
        self.view = view if view is not None else {}
        self.events = []
        self.xid = xid
        self.catching_up = False
        self.saved_base_time = None     # the highest base-time outside catch-up
        self.phase_codes = []           # CatchUpComplete / DataMissing codes in order
        self.ended = None               # "done", "closed"

    def start(self, xid, start=None, end=None, prl=None, vss=None, oro=(O6_BASE_TIME,)):
        self.xid = xid
        self.catching_up = start is not None
        if self.family == 4:
            self.conn.send(v4_active_query(xid, start=start, end=end, prl=prl, vss=vss))
        else:
            self.conn.send(v6_active_query(xid, self.requestor, start=start, end=end, oro=oro))

    def _apply(self, ev):
        if ev.kind == "binding":
            self.view[ev.key] = ev.state
        if ev.kind == "status":
            self.phase_codes.append(ev.code)
            if ev.code in ((ST4_CATCHUP_COMPLETE, ST4_DATA_MISSING) if self.family == 4
                           else (ST6_CATCHUP_COMPLETE, ST6_DATA_MISSING)):
                self.catching_up = False
        if ev.base_time is not None and not self.catching_up:
            if self.saved_base_time is None or ev.base_time > self.saved_base_time:
                self.saved_base_time = ev.base_time

    def read(self, timeout=5.0):
        """The events of the next message (raises Closed / socket.timeout)."""
        data = self.conn.read_frame(timeout)
        t = time.monotonic()
        m = Msg4(data) if self.family == 4 else Msg6(data)
        evs = classify4(m, t) if self.family == 4 else classify6(m, t)
        for ev in evs:
            self._apply(ev)
            self.events.append(ev)
        return evs

    def read_until(self, pred, timeout=5.0, limit=2000000):
        """Read until pred(event) is true for an event; returns it, or None
        on timeout / close (self.ended says which)."""
        deadline = time.monotonic() + timeout
        for _ in range(limit):
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                evs = self.read(left)
            except socket.timeout:
                return None
            except (Closed, ssl.SSLError, OSError):
                self.ended = "closed"
                return None
            for ev in evs:
                if pred(ev):
                    return ev
        return None

    def drain(self, seconds):
        """Read whatever comes for this long; returns the events."""
        n = len(self.events)
        self.read_until(lambda ev: False, timeout=seconds)
        return self.events[n:]

    def close(self):
        self.conn.close()
