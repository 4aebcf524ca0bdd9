#!/usr/bin/env python3
"""compare_leases.py - does lqd hold exactly the leases a DHCP server's lease
files say? Replays the files the way the server itself reads them and
compares every binding field by field with what lqd's control socket lists.

usage: compare_leases.py SOCKET kea4|kea6|dhcpd4|dhcpd6 LEASEFILE
  kea4/kea6: LEASEFILE is Kea's memfile; its rotated siblings (.completed or
             .2, then .1) are read first, as Kea does.
  dhcpd4/dhcpd6: LEASEFILE is dhcpd.leases / dhcpd6.leases; a later
             declaration of an address or prefix wins.
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


def kea_relay_info_v4(row):
    """Option 82 as Kea kept it, in lqd's colon hex."""
    rai = kea_isc_context(row).get("relay-agent-info")
    if isinstance(rai, dict):
        rai = rai.get("sub-options")
    return ":".join(rai[2 + i:4 + i].lower() for i in range(0, len(rai) - 2, 2)) if rai else None


def kea_relay_info_v6(row):
    """The RELAY-FORW header lqd rebuilds from Kea's "relays" (msg-type 12,
    hop-count, link, peer), for a single relay without options; False when
    the chain is one this script does not rebuild."""
    relays = kea_isc_context(row).get("relays") or kea_isc_context(row).get("relay-info") or []
    if not relays:
        return None
    if len(relays) != 1 or relays[0].get("options"):
        return False
    r = relays[0]
    raw = bytes([12, int(r.get("hop", 0))]) + ipaddress.IPv6Address(r["link"]).packed + \
        ipaddress.IPv6Address(r["peer"]).packed
    return ":".join("%02x" % x for x in raw)


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
        cltt = int(row["expire"]) - vl   # Kea keeps expire; the transaction was a lifetime before
        want = {
            "state": KEA_STATES.get(row.get("state", "0") or "0"),
            "expire": None if vl == 0xFFFFFFFF else int(row["expire"]),
            "valid_lifetime": vl,
            "subnet_id": int(row["subnet_id"]) or None,
            "hwaddr": norm_hex(row.get("hwaddr")),
            "cltt": cltt,
            "state_since": cltt,
            "hostname": unescape(row.get("hostname") or "") or None,
        }
        if want["hwaddr"]:
            want["htype"] = int(row.get("hwtype") or 1)
        if family == 4:
            want["type"] = "V4"
            want["client_id"] = norm_hex(row.get("client_id"))
            want["circuit_id"] = kea_suboption_v4(row, 1)
            want["remote_id"] = kea_suboption_v4(row, 2)
            want["relay_info"] = kea_relay_info_v4(row)
        else:
            want["client_id"] = norm_hex(row.get("duid"))
            want["iaid"] = int(row["iaid"])
            want["preferred_lifetime"] = int(row["pref_lifetime"])
            want["type"] = {"0": "IA_NA", "1": "IA_TA", "2": "IA_PD"}[row["lease_type"]]
            want["link_address"] = kea_relay_v6(row, "link")
            want["relay_peer"] = kea_relay_v6(row, "peer")
            relay_info = kea_relay_info_v6(row)
            if relay_info is not False:
                want["relay_info"] = relay_info
            else:
                want.pop("relay_info", None)
                b = dict(b, relay_info=None)  # relay chains with options: not rebuilt here
        for field, value in want.items():
            if b.get(field) != value:
                problems.append("%s: %s is %r in lqd, %r in the lease file" % (key, field, b.get(field), value))
        for field in set(b) - set(want) - DHCPD_KEY_FIELDS:
            if b[field] is not None:
                problems.append("%s: %s is %r in lqd, absent from the lease file" % (key, field, b[field]))
    for key in lqd:
        if key not in expected:
            problems.append("%s: in lqd, not in the lease file" % key)
    return problems


# ---- ISC dhcpd: dhcpd.leases (v4) and dhcpd6.leases (v6) ----
#
# The file is read with a small tokenizer of its own (quoted strings, comments,
# braces), cut into statements that may carry a block ("lease A { ... }",
# "iaaddr A { ... }", "on expiry { ... }"). A later declaration of the same
# address replaces an earlier one, as when dhcpd reads the file back.

DHCPD_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[{};]|[^\s{};"#]+')

DHCPD_STATES = {"active": "active", "free": "available", "expired": "expired", "released": "released",
                "abandoned": "abandoned", "reset": "reset", "backup": "remote", "bootp": "active",
                "reserved": "active"}

DHCPD_HTYPES = {"ethernet": 1, "token-ring": 6, "fddi": 8, "infiniband": 32}

# The relay agent sub-options by the names dhcpd writes them under (and unknown-N).
DHCPD_AGENT_SUBOPTIONS = {"circuit-id": 1, "remote-id": 2, "agent-id": 3, "docsis-device-class": 4,
                          "link-selection": 5, "relay-port": 19}


def dhcpd_agent_suboption(name, value):
    """(code, octets) of one `option agent.NAME VALUE`, or None."""
    name = name.lower()
    code = DHCPD_AGENT_SUBOPTIONS.get(name)
    if code is None and name.startswith("unknown-") and name[8:].isdigit():
        code = int(name[8:])
    if code is None or not 0 < code < 255:
        return None
    if value is None:
        return code, b""
    if code == 5:
        return code, ipaddress.ip_address(value).packed
    if code == 4 and value.isdigit():
        return code, int(value).to_bytes(4, "big")
    return code, dhcpd_octets(value)

# Fields of lqd's answer that name the binding rather than describe it.
DHCPD_KEY_FIELDS = {"family", "address", "prefix"}

INFINITE = 0xFFFFFFFF


def dhcpd_statements(tokens, i=0):
    """Statements from tokens[i] up to the closing '}' (or the end): a list of
    (words, block) with block None or the statements inside its braces."""
    out = []
    words = []
    while i < len(tokens):
        t = tokens[i]
        i += 1
        if t == ";":
            if words:
                out.append((words, None))
            words = []
        elif t == "{":
            block, i = dhcpd_statements(tokens, i)
            out.append((words, block))
            words = []
        elif t == "}":
            break
        else:
            words.append(t)
    if words:
        raise ValueError("statement without ';': %s" % " ".join(words))
    return out, i


def dhcpd_parse(path):
    tokens = [t for t in DHCPD_TOKEN.findall(open(path, encoding="latin-1").read()) if not t.startswith("#")]
    statements, _ = dhcpd_statements(tokens)
    return statements


def dhcpd_octets(word):
    """The bytes of a dhcpd value: a quoted string (backslash escapes, octal
    \\NNN for what is not printable) or colon-separated hex octets."""
    if not word.startswith('"'):
        return bytes(int(x, 16) for x in word.split(":"))
    s = word[1:-1]
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        i += 1
        if c != "\\":
            out.append(ord(c))
            continue
        c = s[i]
        i += 1
        if c in "01234567":
            digits = c
            while len(digits) < 3 and i < len(s) and s[i] in "01234567":
                digits += s[i]
                i += 1
            out.append(int(digits, 8) & 0xFF)
        else:
            out.append(ord({"t": "\t", "n": "\n", "r": "\r", "b": "\b"}.get(c, c)))
    return bytes(out)


def hex_colon(data):
    return ":".join("%02x" % b for b in data) if data is not None else None


def dhcpd_time(words):
    """The value of starts/ends/cltt: "W YYYY/MM/DD HH:MM:SS", "epoch N" or "never"."""
    if words[0] == "never":
        return None
    if words[0] == "epoch":
        return int(words[1])
    t = calendar.timegm(time.strptime(words[1] + " " + words[2], "%Y/%m/%d %H:%M:%S"))
    return t + (int(words[3]) if len(words) > 3 else 0)


def dhcpd_state_since(state, active_since, ends, cltt):
    """When the current state began, as far as the file tells: the start of
    an active binding, else its end, else the client's last transaction."""
    if state == "active":
        return active_since
    return ends if ends not in (None, 0) else cltt


def dhcpd_lease4(block):
    times = {}
    lease = {"hwaddr": None, "htype": None, "client_id": None, "hostname": None, "vendor_class": None}
    agent = {}
    for words, _ in block:
        kw = words[0].lower()
        if kw in ("starts", "ends", "cltt"):
            times[kw] = dhcpd_time(words[1:])
        elif words[:2] == ["binding", "state"]:
            lease["state"] = DHCPD_STATES[words[2]]
        elif kw == "abandoned":
            lease["state"] = "abandoned"
        elif kw == "hardware":
            htype = DHCPD_HTYPES.get(words[1])
            if htype is None:
                htype = int(words[1][len("unknown-"):])
            lease["htype"] = htype
            lease["hwaddr"] = hex_colon(dhcpd_octets(words[2]))
        elif kw == "uid":
            lease["client_id"] = hex_colon(dhcpd_octets(words[1]))
        elif kw == "client-hostname":
            lease["hostname"] = dhcpd_octets(words[1]).decode("latin-1")
        elif kw == "set" and words[1] == "vendor-class-identifier":
            lease["vendor_class"] = dhcpd_octets(words[3]).decode("latin-1")
        elif kw in ("option", "supersede") and words[1].startswith("agent."):
            sub = dhcpd_agent_suboption(words[1][len("agent."):], words[2] if len(words) > 2 else None)
            if sub is not None:
                agent[sub[0]] = sub[1]   # a repeated sub-option keeps its place
    starts, ends = times.get("starts"), times.get("ends", 0)
    lease["cltt"] = times.get("cltt", 0)
    lease["expire"] = ends
    if ends is None:
        lease["valid_lifetime"] = INFINITE
    elif starts is None or ends < starts or "ends" not in times:
        lease["valid_lifetime"] = 0
    else:
        lease["valid_lifetime"] = min(ends - starts, INFINITE - 1)
    lease["state_since"] = dhcpd_state_since(lease["state"], starts if starts is not None else lease["cltt"],
                                             ends, lease["cltt"])
    # option 82 as received: every sub-option in the file's order
    lease["circuit_id"] = hex_colon(agent.get(1))
    lease["remote_id"] = hex_colon(agent.get(2))
    lease["relay_id"] = hex_colon(agent.get(12))
    rai = b"".join(bytes([code, len(value)]) + value for code, value in agent.items())
    lease["relay_info"] = hex_colon(rai) if rai else None
    lease["type"] = "V4"
    return lease


def dhcpd_ia6(words, block, big_endian):
    """One change per iaaddr/iaprefix of an ia-na, ia-ta or ia-pd."""
    ia_type = {"ia-na": "IA_NA", "ia-ta": "IA_TA", "ia-pd": "IA_PD"}[words[0]]
    ident = dhcpd_octets(words[1])
    iaid = int.from_bytes(ident[:4], "big" if big_endian else "little")
    cltt = 0
    for w, _ in block:
        if w[0] == "cltt":
            cltt = dhcpd_time(w[1:])
    leases = {}
    for w, sub in block:
        if w[0] not in ("iaaddr", "iaprefix"):
            continue
        lease = {"type": ia_type, "client_id": hex_colon(ident[4:]), "iaid": iaid, "cltt": cltt,
                 "preferred_lifetime": 0, "valid_lifetime": 0}
        for s, _ in sub:
            if s[:2] == ["binding", "state"]:
                lease["state"] = DHCPD_STATES[s[2]]
            elif s[0] == "preferred-life":
                lease["preferred_lifetime"] = int(s[1])
            elif s[0] == "max-life":
                lease["valid_lifetime"] = int(s[1])
            elif s[0] == "ends":
                lease["expire"] = dhcpd_time(s[1:])
        lease["state_since"] = dhcpd_state_since(lease["state"], cltt, lease["expire"], cltt)
        if w[0] == "iaprefix":
            net = ipaddress.ip_network(w[1], strict=False)
            key = "%s/%d" % (net.network_address, net.prefixlen)
        else:
            key = "%s/128" % ipaddress.ip_address(w[1])
        leases[key] = lease
    return leases


def dhcpd_expected(path, family=4):
    leases = {}
    big_endian = False
    for words, block in dhcpd_parse(path):
        if words[0] == "authoring-byte-order":
            big_endian = words[1] == "big-endian"
        elif words[0] == "lease" and family == 4:
            leases[str(ipaddress.ip_address(words[1]))] = dhcpd_lease4(block)
        elif words[0] in ("ia-na", "ia-ta", "ia-pd") and family == 6:
            leases.update(dhcpd_ia6(words, block, big_endian))
    return leases


def compare_dhcpd(lqd, expected):
    problems = []
    for key, want in expected.items():
        b = lqd.get(key)
        if b is None:
            problems.append("%s: in the lease file, not in lqd" % key)
            continue
        for field, value in want.items():
            if b.get(field) != value:
                problems.append("%s: %s is %r in lqd, %r in the lease file" % (key, field, b.get(field), value))
        for field in set(b) - set(want) - DHCPD_KEY_FIELDS:
            if b[field] is not None:
                problems.append("%s: %s is %r in lqd, absent from the lease file" % (key, field, b[field]))
    for key in lqd:
        if key not in expected:
            problems.append("%s: in lqd, not in the lease file" % key)
    return problems


def main():
    sock, kind, path = sys.argv[1:4]
    family = 6 if kind in ("kea6", "dhcpd6") else 4
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
        expected = dhcpd_expected(path, family)
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
