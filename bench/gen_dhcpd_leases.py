#!/usr/bin/env python3
"""gen_dhcpd_leases.py - writes an ISC dhcpd 4.4 dhcpd.leases file for the
single-query benchmark (bench/single_query_bench.sh): N consecutive IPv4
leases from FIRST (default 10.0.0.1), as dhcpd writes them for relayed
broadband subscribers.

usage: gen_dhcpd_leases.py [-n N] [--first ADDR] [--now EPOCH] [--free FRACTION]
                           [--spread SECONDS] [--seed S] [-o FILE]

Every lease has starts/ends/cltt (epoch form), a binding state, the client's
hardware ethernet address 02:00:a:b:c:d (a.b.c.d = the leased address, so a
load generator can query by MAC without a list), a uid (01 + that MAC), the
relay agent's circuit-id and remote-id (option 82), and 40% a
client-hostname. A FRACTION (default 0.1) of them are free (released or
expired earlier): answered DHCPLEASEUNASSIGNED; the others are active until
two days after NOW (default: the current time), answered DHCPLEASEACTIVE.
The output is deterministic for the same arguments.

Expiry times: all active leases end at the same second, and all free ones
ended at the same second, unless --spread spreads them over that many
seconds. ISC dhcpd 4.4 as Debian builds it (without --enable-binary-leases)
puts every lease on its pool's queues at startup by insertion into a sorted
linked list, walked from the head whenever the previous lease went to
another queue or expires later than this one: with spread expiry times its
startup is quadratic in the number of leases (it did not load 5,000 spread
leases in a /12 range within a minute), with equal ones linear. Give dhcpd a
range of exactly the leased addresses too: the range's own never-used
leases sort before every lease of the file.
"""
import argparse
import ipaddress
import random
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=1000000)
    ap.add_argument("--first", default="10.0.0.1")
    ap.add_argument("--now", type=int, default=int(time.time()))
    ap.add_argument("--free", type=float, default=0.1)
    ap.add_argument("--spread", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", default="-")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    out = sys.stdout if a.o == "-" else open(a.o, "w")
    first = int(ipaddress.IPv4Address(a.first))
    w = out.write
    w("# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
      "# Written by lq's bench/gen_dhcpd_leases.py for the single-query benchmark\n\n"
      "authoring-byte-order little-endian;\n\n")
    chunk = []
    for i in range(a.n):
        ip = first + i
        o = ip.to_bytes(4, "big")
        addr = "%d.%d.%d.%d" % tuple(o)
        mac = "02:00:%02x:%02x:%02x:%02x" % tuple(o)
        uid = "01:" + mac
        node = i // 2000            # an access node serves 2000 subscribers
        port = i % 2000
        lease_time = 86400
        spread = rnd.randint(0, a.spread) if a.spread > 0 else 0
        if rnd.random() < a.free:
            ends = a.now - 2 * 86400 - spread
            cltt = ends - lease_time + rnd.randint(0, 43200)
            starts = cltt
            state = "  binding state free;\n"
        else:
            cltt = a.now - rnd.randint(0, 43200)
            starts, ends = cltt, a.now + 2 * 86400 - spread
            state = ("  binding state active;\n  next binding state free;\n"
                     "  rewind binding state free;\n")
        s = ("lease %s {\n  starts epoch %d;\n  ends epoch %d;\n  cltt epoch %d;\n%s"
             "  hardware ethernet %s;\n  uid %s;\n"
             "  option agent.circuit-id \"an%05d eth 1/1/%d:%d\";\n"
             "  option agent.remote-id \"cpe-%08x\";\n"
             % (addr, starts, ends, cltt, state, mac, uid, node, port // 48, port % 48, ip))
        if rnd.random() < 0.4:
            s += "  client-hostname \"host-%d\";\n" % i
        chunk.append(s + "}\n")
        if len(chunk) >= 10000:
            w("".join(chunk))
            chunk = []
    w("".join(chunk))
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
