#!/usr/bin/env python3
"""lq_query_responder.py V4_ADDR V4_PORT V6_ADDR V6_PORT - a scripted
leasequery responder for lq_query_dhcpd.sh: what ISC dhcpd cannot show.

It answers every query to the UDP source port it came from (RFC 8357, the
way a relay-port aware server does), and first sends what a requestor must
ignore: a datagram that is not DHCP, and a reply with another transaction
id (DHCPv6: also one with another client id). Then the real answer:

DHCPv4  ciaddr 10.0.0.99: DHCPLEASEUNKNOWN with status-code NotAllowed (4)
        any other ciaddr: DHCPLEASEACTIVE, chaddr 02:00:00:00:00:99,
        client-last-transaction-time 42, lease time 1000
DHCPv6  a LEASEQUERY-REPLY with CLIENT_DATA (client DUID 00:03:00:01:02:..:99,
        2001:db8:1::99 preferred 100 valid 200, 2001:db8:99::/48, CLT 42),
        in a RELAY-REPL when the query came in a RELAY-FORW.
"""
import select
import socket
import struct
import sys

V4_SERVER_ID = bytes([192, 0, 2, 1])
V6_SERVER_DUID = bytes.fromhex("0002000009bf") + b"resp"    # DUID-EN 2495 "resp"
CLIENT_DUID = bytes.fromhex("00030001020000000099")


def v4_reply(query, xid_delta=0):
    xid = (struct.unpack_from("!I", query, 4)[0] + xid_delta) & 0xffffffff
    ciaddr = query[12:16]
    giaddr = query[24:28]
    hdr = bytearray(236)
    hdr[0] = 2                                       # BOOTREPLY
    struct.pack_into("!I", hdr, 4, xid)
    hdr[12:16] = ciaddr
    hdr[24:28] = giaddr
    opts = bytes([99, 130, 83, 99])
    if ciaddr == bytes([10, 0, 0, 99]):
        opts += bytes([53, 1, 12, 54, 4]) + V4_SERVER_ID
        opts += bytes([151, 12, 4]) + b"not for you"
    else:
        hdr[1], hdr[2] = 1, 6
        hdr[28:34] = bytes([2, 0, 0, 0, 0, 0x99])
        opts += bytes([53, 1, 13, 54, 4]) + V4_SERVER_ID
        opts += bytes([51, 4]) + struct.pack("!I", 1000)
        opts += bytes([91, 4]) + struct.pack("!I", 42)
    return bytes(hdr) + opts + bytes([255])


def opt6(code, value):
    return struct.pack("!HH", code, len(value)) + value


def options6(data):
    """{code: value} of a DHCPv6 option region (first of each code)."""
    found, pos = {}, 0
    while pos + 4 <= len(data):
        code, length = struct.unpack_from("!HH", data, pos)
        found.setdefault(code, data[pos + 4:pos + 4 + length])
        pos += 4 + length
    return found


def v6_reply(inner, xid_delta=0, other_client=False):
    xid = ((int.from_bytes(inner[1:4], "big") + xid_delta) & 0xffffff).to_bytes(3, "big")
    requestor = options6(inner[4:]).get(1, b"")
    if other_client:
        requestor = bytes.fromhex("00030001020000000001")
    client_data = opt6(1, CLIENT_DUID)
    client_data += opt6(5, socket.inet_pton(socket.AF_INET6, "2001:db8:1::99") + struct.pack("!II", 100, 200))
    client_data += opt6(26, struct.pack("!IIB", 100, 200, 48) + socket.inet_pton(socket.AF_INET6, "2001:db8:99::"))
    client_data += opt6(46, struct.pack("!I", 42))
    return (bytes([15]) + xid + opt6(1, requestor) + opt6(2, V6_SERVER_DUID) + opt6(45, client_data))


def wrap6(forw, reply):
    """A RELAY-REPL for a RELAY-FORW: same hop count, link and peer address."""
    return bytes([13]) + forw[1:34] + opt6(9, reply)


def main():
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s4.bind((sys.argv[1], int(sys.argv[2])))
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.bind((sys.argv[3], int(sys.argv[4])))
    print("ready", flush=True)
    while True:
        ready, _, _ = select.select([s4, s6], [], [])
        for s in ready:
            query, peer = s.recvfrom(65535)
            if s is s4:
                answers = [b"not dhcp at all", v4_reply(query, 1), v4_reply(query)]
            elif query[0] == 12:                     # RELAY-FORW
                inner = options6(query[34:]).get(9, b"")
                answers = [b"\x0f", wrap6(query, v6_reply(inner, 1)),
                           wrap6(query, v6_reply(inner, 0, True)), wrap6(query, v6_reply(inner))]
            else:
                answers = [b"\x0f", v6_reply(query, 1), v6_reply(query, 0, True), v6_reply(query)]
            for a in answers:
                s.sendto(a, peer)
            print("answered", peer, flush=True)


if __name__ == "__main__":
    main()
