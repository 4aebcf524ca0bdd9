#!/usr/bin/env python3
"""gen_kea_leases.py - writes a realistic Kea 2.x memfile lease file (CSV) for
benchmarks: a relayed broadband network where every lease carries Kea's
extended info (store-extended-info) in user_context.

usage: gen_kea_leases.py -4|-6 [-n ROWS] [--seed S] [--renew FRACTION]
                         [--kea 2.2|2.6] [--order address|scattered] [-o FILE]

The output is deterministic for the same arguments. The format follows what
Kea writes (see the Kea-written files in tests/data/kea/):
  v4  address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,
      fqdn_rev,hostname,state,user_context
  v6  address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,
      iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,
      hwtype,hwaddr_source
user_context is JSON the way Kea prints it ('{ "k": v }', keys sorted) with
its commas escaped as "&#x2c":
  v4 Kea 2.2  { "ISC": { "relay-agent-info": "0x<option 82 value>" } }
  v4 Kea 2.6  { "ISC": { "relay-agent-info": { "relay-id": "..", "remote-id":
              "..", "sub-options": "0x.." } } }
  v6 Kea 2.2  { "ISC": { "relays": [ { "hop": 0, "link": "..", "options":
              "0x..", "peer": ".." } ] } }
  v6 Kea 2.6  the same list under "relay-info", with "remote-id" added.
The network: v4 subscribers in 10.0.0.0/8, one subnet per /16, option 82
with an access-node circuit-id and a remote-id; v6 subscribers each holding
one address (IA_NA) in 2001:db8:1::/64 and one delegated /56 (IA_PD) from
2001:db8:8000::/33, relayed by an access node (interface-id and remote-id
options), a fifth of them through a second, lightweight relay (LDRA).

ROWS rows are written after the header. A FRACTION of them (default 0.1)
are renewals: an earlier lease written again with a later expire, as Kea
appends a row on every renewal; the file then holds about
ROWS * (1 - FRACTION) distinct bindings.

Order: "address" (default) gives new leases in address order, as a file
after Kea's lease file cleanup (which writes leases sorted by address) or a
fresh pool handing out addresses one after the other; "scattered" gives
them in a fixed pseudo-random order of the pool (a server that has been
reallocating addresses for a long time, before its next cleanup).
"""
import math
import argparse
import ipaddress
import random
import sys

HEADER4 = ("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,"
           "fqdn_rev,hostname,state,user_context")
HEADER6 = ("address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,"
           "iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,"
           "hwtype,hwaddr_source")

BASE_TIME = 1800000000            # cltt of the first lease (2027-01-15)
OUIS = [(0x00, 0x0c, 0x29), (0x3c, 0x37, 0x86), (0xd8, 0x0d, 0x17),
        (0x74, 0xda, 0x88), (0xe4, 0x8d, 0x8c), (0x00, 0x1a, 0x2b)]
PD_BASE = int(ipaddress.IPv6Address("2001:db8:8000::"))
NA_BASE = int(ipaddress.IPv6Address("2001:db8:1::"))
HOSTNAME_SHARE = 0.4              # leases whose client sent a host name
LDRA_SHARE = 0.2                  # v6 subscribers behind a second relay


def kea_json(value):
    """JSON as Kea's Element::str() prints it: spaces after '{' ',' ':'."""
    if isinstance(value, dict):
        items = ["\"%s\": %s" % (k, kea_json(value[k])) for k in sorted(value)]
        return "{ " + ", ".join(items) + " }"
    if isinstance(value, list):
        return "[ " + ", ".join(kea_json(v) for v in value) + " ]"
    if isinstance(value, int):
        return str(value)
    return "\"%s\"" % value


def kea_escape(text):
    """Kea's CSV escaping of a field: ',' '&' and non-printables as &#xHH."""
    out = []
    for ch in text:
        if ch in ",&" or ord(ch) < 0x20 or ord(ch) > 0x7e:
            out.append("&#x%02x" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def colon_hex(data):
    return ":".join("%02x" % b for b in data)


def tlv(code, value, width=1):
    """A DHCP option: 1-octet code and length (v4) or 2-octet (v6)."""
    return (code.to_bytes(width, "big") + len(value).to_bytes(width, "big") + value)


class Subscriber:
    """What stays the same for a client across renewals."""

    def __init__(self, rng, index):
        oui = rng.choice(OUIS)
        self.mac = bytes(oui) + rng.getrandbits(24).to_bytes(3, "big")
        self.hostname = ("cpe-%s" % self.mac[3:].hex()) if rng.random() < HOSTNAME_SHARE else ""
        node = rng.randrange(400)
        self.access_node = node
        self.circuit = ("olt-%03d xpon 0/%d/%d:%d" % (node, rng.randrange(2), rng.randrange(16),
                                                      rng.randrange(1, 129))).encode()
        self.remote = ("SUB%08d" % index).encode()
        self.lifetime = rng.choice((3600, 7200, 86400))
        self.ldra = rng.random() < LDRA_SHARE
        self.context = None       # user_context text, the same on every row


def cached_context(sub, kea, make):
    if sub.context is None:
        sub.context = make(sub, kea)
    return sub.context


def expire_of(rng, sub, row):
    cltt = BASE_TIME + row // 50 + rng.randrange(30)
    return cltt + sub.lifetime


# ---- IPv4 ----

def v4_address(index):
    a = 0x0a000000 + 256 + index
    return "%d.%d.%d.%d" % (a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255)


def v4_context(sub, kea):
    opt82 = tlv(1, sub.circuit) + tlv(2, sub.remote)
    hexval = "0x" + opt82.hex().upper()
    if kea == "2.2":
        info = hexval
    else:
        relay_id = bytes([10, 255, sub.access_node >> 8, sub.access_node & 255])
        info = {"sub-options": hexval, "remote-id": sub.remote.hex().upper(),
                "relay-id": relay_id.hex().upper()}
    return kea_escape(kea_json({"ISC": {"relay-agent-info": info}}))


def v4_row(rng, lease, row, kea):
    sub, address = lease
    subnet_id = 1 + int(address.split(".", 2)[1])
    return ",".join((address, colon_hex(sub.mac), "01:" + colon_hex(sub.mac), str(sub.lifetime),
                     str(expire_of(rng, sub, row)), str(subnet_id), "0", "0",
                     kea_escape(sub.hostname), "0", cached_context(sub, kea, v4_context)))


# ---- IPv6 ----

def v6_relays(sub, kea):
    node_link = "2001:db8:1::1"
    options = tlv(18, sub.circuit, 2) + tlv(37, (4491).to_bytes(4, "big") + sub.remote, 2)
    bng = {"hop": 1 if sub.ldra else 0, "link": node_link,
           "peer": "fe80::%x" % (0x1000 + sub.access_node), "options": "0x" + options.hex().upper()}
    if kea != "2.2":
        bng["remote-id"] = ((4491).to_bytes(4, "big") + sub.remote).hex().upper()
    relays = [bng]
    if sub.ldra:
        ldra_opts = tlv(18, b"ldra-" + sub.circuit[-6:], 2)
        relays.append({"hop": 0, "link": "::", "peer": "fe80::%s" % sub.mac[4:].hex(),
                       "options": "0x" + ldra_opts.hex().upper()})
    return relays


def v6_context(sub, kea):
    key = "relays" if kea == "2.2" else "relay-info"
    return kea_escape(kea_json({"ISC": {key: v6_relays(sub, kea)}}))


def v6_row(rng, lease, row, kea):
    sub, address, prefix_len = lease
    duid = bytes([0, 3, 0, 1]) + sub.mac
    expire = expire_of(rng, sub, row)
    lease_type = "2" if prefix_len < 128 else "0"
    iaid = "2" if prefix_len < 128 else "1"
    return ",".join((address, colon_hex(duid), str(sub.lifetime), str(expire), "1",
                     str(sub.lifetime * 3 // 4), lease_type, iaid, str(prefix_len), "0", "0",
                     kea_escape(sub.hostname), colon_hex(sub.mac), "0",
                     cached_context(sub, kea, v6_context),
                     "1", "4"))


def v6_leases(sub, index):
    """A subscriber's two leases: an address and a delegated /56."""
    na = str(ipaddress.IPv6Address(NA_BASE + 0x100 + index))
    pd = str(ipaddress.IPv6Address(PD_BASE + (index << 72)))
    return [(sub, na, 128), (sub, pd, 56)]


# ---- the file ----

def pool_order(rows, scattered):
    """Address index of the i-th subscriber: i, or a permutation of
    0..rows-1 (multiplication by a number prime to rows)."""
    if not scattered or rows < 2:
        return lambda i: i
    step = 2654435761 % rows
    while math.gcd(step, rows) != 1:
        step += 1
    if step == 1:
        step = rows - 1
    return lambda i: i * step % rows


def generate(family, rows, seed, renew, kea, out, scattered=False):
    rng = random.Random(seed)
    slot = pool_order(rows, scattered)
    out.write((HEADER4 if family == 4 else HEADER6) + "\n")
    written, fresh = [], []
    subscribers = 0
    make_row = v4_row if family == 4 else v6_row
    for row in range(rows):
        if written and rng.random() < renew:
            lease = written[rng.randrange(len(written))]
        else:
            if not fresh:
                sub = Subscriber(rng, subscribers)
                where = slot(subscribers)
                fresh = [(sub, v4_address(where))] if family == 4 else v6_leases(sub, where)
                subscribers += 1
            lease = fresh.pop(0)
            written.append(lease)
        out.write(make_row(rng, lease, row, kea) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    fam = ap.add_mutually_exclusive_group(required=True)
    fam.add_argument("-4", dest="family", action="store_const", const=4)
    fam.add_argument("-6", dest="family", action="store_const", const=6)
    ap.add_argument("-n", "--rows", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--renew", type=float, default=0.1)
    ap.add_argument("--kea", choices=("2.2", "2.6"), default="2.2")
    ap.add_argument("--order", choices=("address", "scattered"), default="address")
    ap.add_argument("-o", "--output", default="-")
    args = ap.parse_args()
    if args.rows < 0 or not 0 <= args.renew < 1:
        ap.error("ROWS must be >= 0 and FRACTION in [0, 1)")
    if args.output == "-":
        generate(args.family, args.rows, args.seed, args.renew, args.kea, sys.stdout,
                 args.order == "scattered")
        return
    with open(args.output, "w", buffering=1 << 20) as out:
        generate(args.family, args.rows, args.seed, args.renew, args.kea, out, args.order == "scattered")


if __name__ == "__main__":
    main()
