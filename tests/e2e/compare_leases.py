#!/usr/bin/env python3
"""compare_leases.py - does lqd hold exactly the leases a DHCP server's lease
files say? Replays the files the way the server itself reads them and
compares every binding field by field with what lqd's control socket lists.

usage: compare_leases.py SOCKET kea4|kea6|dhcpd4 LEASEFILE
  kea4/kea6: LEASEFILE is Kea's memfile; its rotated siblings (.completed or
             .2, then .1) are read first, as Kea does.
  dhcpd4:    LEASEFILE is dhcpd.leases; a later block for an address wins.
Prints "ok ..." or "not ok ..." lines; exits 1 on any difference.
"""
import csv
import ipaddress
import json
import os
import re
import sys
import calendar
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lqctl import request  # noqa: E402

KEA_STATES = {"0": "active", "1": "abandoned", "2": "expired", "3": "released", "4": "active"}


def unescape(s):
    return re.sub(r"&#x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), s)


def kea_files(path):
    first = path + ".completed" if os.path.exists(path + ".completed") else path + ".2"
    return [p for p in (first, path + ".1", path) if os.path.exists(p)]


def kea_expected(path, family):
    leases = {}
    for p in kea_files(path):
        with open(p, newline="") as f:
            for row in csv.DictReader(f):
                try:
                    ipaddress.ip_address(row.get("address") or "")
                except ValueError:
                    continue  # the header again, or a bad line both Kea and lqd skip
                if family == 6:
                    key = "%s/%s" % (row["address"], row["prefix_len"])
                else:
                    key = row["address"]
                if row["valid_lifetime"] == "0":
                    leases.pop(key, None)
                    continue
                leases[key] = row
    return leases


def norm_hex(s):
    return s.lower() if s else None


def kea_isc_context(row):
    ctx = unescape(row.get("user_context") or "")
    return json.loads(ctx).get("ISC", {}) if ctx else {}


def kea_suboption_v4(row, wanted):
    """Sub-option `wanted` of the option 82 Kea kept (1 circuit-id, 2 remote-id)."""
    rai = kea_isc_context(row).get("relay-agent-info")
    if isinstance(rai, dict):
        rai = rai.get("sub-options")
    if not rai:
        return None
    raw = bytes.fromhex(rai[2:])
    i = 0
    while i + 2 <= len(raw):
        code, n = raw[i], raw[i + 1]
        if code == wanted:
            return ":".join("%02x" % b for b in raw[i + 2:i + 2 + n])
        i += 2 + n
    return None


def kea_relay_v6(row, field):
    """The link or peer address of the relay closest to the client."""
    relays = kea_isc_context(row).get("relays") or kea_isc_context(row).get("relay-info") or []
    if not relays:
        return None
    inner = max(relays, key=lambda r: r.get("hop", 0))
    return inner.get(field)


def compare_kea(lqd, expected, family):
    problems = []
    for key, row in expected.items():
        b = lqd.get(key)
        if b is None:
            problems.append("%s: in the lease file, not in lqd" % key)
            continue
        vl = int(row["valid_lifetime"])
        want = {
            "state": KEA_STATES.get(row.get("state", "0") or "0"),
            "expire": None if vl == 0xFFFFFFFF else int(row["expire"]),
            "valid_lifetime": vl,
            "subnet_id": int(row["subnet_id"]) or None,
            "hwaddr": norm_hex(row.get("hwaddr")),
        }
        if family == 4:
            want["client_id"] = norm_hex(row.get("client_id"))
            want["circuit_id"] = kea_suboption_v4(row, 1)
            want["remote_id"] = kea_suboption_v4(row, 2)
        else:
            want["client_id"] = norm_hex(row.get("duid"))
            want["iaid"] = int(row["iaid"])
            want["preferred_lifetime"] = int(row["pref_lifetime"])
            want["type"] = {"0": "IA_NA", "1": "IA_TA", "2": "IA_PD"}[row["lease_type"]]
            want["link_address"] = kea_relay_v6(row, "link")
            want["relay_peer"] = kea_relay_v6(row, "peer")
        for field, value in want.items():
            if b.get(field) != value:
                problems.append("%s: %s is %r in lqd, %r in the lease file" % (key, field, b.get(field), value))
    for key in lqd:
        if key not in expected:
            problems.append("%s: in lqd, not in the lease file" % key)
    return problems


def dhcpd_time(text):
    text = text.strip()
    if text == "never":
        return None
    if text.startswith("epoch"):
        return int(text.split()[1])
    _, date, clock = text.split()
    return calendar.timegm(time.strptime(date + " " + clock, "%Y/%m/%d %H:%M:%S"))


DHCPD_STATES = {"active": "active", "free": "available", "expired": "expired", "released": "released",
                "abandoned": "abandoned", "reset": "reset", "backup": "remote", "bootp": "active"}


def dhcpd_expected(path):
    text = open(path).read()
    leases = {}
    for m in re.finditer(r"^lease ([0-9.]+) \{(.*?)^\}", text, re.S | re.M):
        body = m.group(2)
        lease = {}
        for stmt in re.findall(r"^\s+([^;]*);", body, re.M):
            if stmt.startswith("ends "):
                lease["expire"] = dhcpd_time(stmt[5:])
            elif stmt.startswith("binding state "):
                lease["state"] = DHCPD_STATES[stmt.split()[-1]]
            elif stmt.startswith("hardware ethernet "):
                lease["hwaddr"] = stmt.split()[-1].lower()
        leases[m.group(1)] = lease
    return leases


def compare_dhcpd(lqd, expected):
    problems = []
    for key, want in expected.items():
        b = lqd.get(key)
        if b is None:
            problems.append("%s: in dhcpd.leases, not in lqd" % key)
            continue
        for field, value in want.items():
            if b.get(field) != value:
                problems.append("%s: %s is %r in lqd, %r in dhcpd.leases" % (key, field, b.get(field), value))
    for key in lqd:
        if key not in expected:
            problems.append("%s: in lqd, not in dhcpd.leases" % key)
    return problems


def main():
    sock, kind, path = sys.argv[1:4]
    family = 6 if kind == "kea6" else 4
    answer = request(sock, {"command": "bindings", "family": family})
    if answer.get("result") != "ok":
        print("not ok %s: lqd answered %s" % (kind, answer))
        return 1
    lqd = {}
    for b in answer["bindings"]:
        key = b.get("address") or b.get("prefix")
        if family == 6 and "/" not in key:
            key += "/128"
        lqd[key] = b
    if kind.startswith("kea"):
        expected = kea_expected(path, family)
        problems = compare_kea(lqd, expected, family)
    else:
        expected = dhcpd_expected(path)
        problems = compare_dhcpd(lqd, expected)
    if not expected:
        problems.append("the lease file holds no lease: nothing was tested")
    for p in problems[:20]:
        print("not ok %s: %s" % (kind, p))
    if len(problems) > 20:
        print("not ok %s: ... %d differences in all" % (kind, len(problems)))
    if not problems:
        print("ok %s: lqd holds exactly the %d leases of %s" % (kind, len(expected), os.path.basename(path)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
