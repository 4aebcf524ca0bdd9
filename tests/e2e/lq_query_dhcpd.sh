#!/bin/bash
# lq_query_dhcpd.sh BUILD_DIR - `lq query` against a real leasequery server:
# ISC dhcpd (DHCPv4 with `allow leasequery`, RFC 4388; DHCPv6, RFC 5007) in
# network namespaces. Two server hosts, A and B, each run dhcpd -4 and
# dhcpd -6 over lease files this script writes (active, free, expired
# leases; uid, hardware, agent circuit-id/remote-id, vendor class; IA_NA and
# IA_PD), and a requestor host runs lq on both. Every query type and outcome
# is asked and the answer is compared field by field with the lease files;
# then two servers at once (the most recent answer wins), servers that do
# not answer (exit 3, retransmissions), and usage errors (exit 2). Needs
# root (network namespaces, UDP ports 67 and 546). Prints "ok ..." /
# "not ok ..." per check and exits non-zero on a failure. LQ_KEEP=1 keeps
# the temporary directory.
#
# Where dhcpd 4.4.3 (Debian 12) deviates from the RFCs, as seen here (the
# checks below assert what dhcpd does and say so):
# DHCPv4 (RFC 4388)
#  - DHCPLEASEUNKNOWN carries option 54 (server identifier); 6.4 says an
#    UNKNOWN reply MUST NOT include other options. lq accepts it either way.
#  - A query by MAC or client identifier whose newest lease is not active is
#    answered DHCPLEASEUNASSIGNED (with that lease's address and the queried
#    chaddr echoed); 6.4 returns UNASSIGNED only to a query by IP address
#    and UNKNOWN when the client has no active lease.
#  - The parameter request list is ignored: an ACTIVE reply always carries
#    every option dhcpd has (51, 58, 59, 60, 61, 82, 91, 92), asked for or
#    not (6.4.2: requested options, from a list of non-sensitive ones).
#  - The reply always goes to giaddr port 67: the RFC 8357 relay source port
#    sub-option (82.19) of the query is ignored (Debian builds dhcpd without
#    RELAY_PORT), so only a requestor on port 67 (root) hears dhcpd.
# DHCPv6 (RFC 5007)
#  - OPTION_CLT_TIME holds the absolute Unix time of the last transaction
#    instead of the seconds since then (4.1.2.3). lq recognizes a value that
#    cannot be a duration and converts it (text: "the server sent the time
#    itself"; JSON: "clt_absolute": true).
#  - QUERY_BY_CLIENTID is answered UnknownQueryType "QUERY_BY_CLIENTID not
#    supported." (both query types are required).
#  - QUERY_BY_ADDRESS for an address inside a delegated prefix is answered
#    NotConfigured "Address not in a pool." (4.1.2.1: the client delegated a
#    prefix containing the address is returned): dhcpd looks only at IA_NA
#    pools.
#  - The ORO inside OPTION_LQ_QUERY and the link-address are ignored; no
#    OPTION_LQ_RELAY_DATA or OPTION_LQ_CLIENT_LINK is ever sent.
#  - IAADDR lifetimes are the ones granted at the last transaction (valid
#    3600 with 3300 s left), not what remains, so an expiry computed from
#    the reply is late by the time since the last transaction.
#  - Replies go to UDP port 546 whatever the source port of the query; a
#    LEASEQUERY relayed in a RELAY-FORW with OPTION_RELAY_SOURCE_PORT (RFC
#    8357) is answered, but the RELAY-REPL goes to port 547.
set -u
BUILD=$(realpath "${1:-build}")
LQ="$BUILD/lq"
tmp=$(mktemp -d /tmp/lq-query-XXXXXX)
ns=lqq$$
srv=${ns}s
srv2=${ns}t
cli=${ns}c
pids=()
fail=0
count=0

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	sleep 0.2
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	ip netns del "$srv" 2>/dev/null
	ip netns del "$srv2" 2>/dev/null
	ip netns del "$cli" 2>/dev/null
	if [ "$fail" -ne 0 ]; then
		for f in "$tmp"/*.log; do echo "--- $f"; tail -n 8 "$f"; done
	fi
	if [ -n "${LQ_KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

ok() { echo "ok $*"; count=$((count + 1)); }
notok() { echo "not ok $*"; fail=1; count=$((count + 1)); }
result() {  # CONDITION; result DESCRIPTION: ok when the condition held
	local st=$?
	if [ $st -eq 0 ]; then ok "$1"; else notok "$1"; fi
}

[ -x "$LQ" ] || { notok "no $LQ (build first)"; exit 1; }
command -v dhcpd >/dev/null || PATH=$PATH:/usr/sbin
command -v dhcpd >/dev/null || { notok "dhcpd not installed (isc-dhcp-server)"; exit 1; }

# -- three hosts: server A (192.0.2.1, 2001:db8:1::1), server B
# (198.51.100.1, 2001:db8:2::1), the requestor on both links
ip netns add "$srv" && ip netns add "$srv2" && ip netns add "$cli" ||
	{ notok "cannot create network namespaces (root needed)"; exit 1; }
link() {  # link SERVER_NS IF_SERVER IF_CLIENT V4_PREFIX V6_PREFIX
	local s=$1 a=$2 b=$3 p4=$4 p6=$5
	ip link add "$a" type veth peer name "$b"
	ip link set "$a" netns "$s"
	ip link set "$b" netns "$cli"
	# no duplicate address detection: dhcpd -6 binds at once
	ip netns exec "$s" sysctl -qw "net.ipv6.conf.$a.accept_dad=0"
	ip netns exec "$cli" sysctl -qw "net.ipv6.conf.$b.accept_dad=0"
	ip -n "$s" addr add "$p4.1/24" dev "$a"
	ip -n "$s" addr add "$p6::1/64" dev "$a" nodad
	ip -n "$cli" addr add "$p4.2/24" dev "$b"
	ip -n "$cli" addr add "$p6::2/64" dev "$b" nodad
	ip -n "$s" link set "$a" up
	ip -n "$cli" link set "$b" up
}
for n in "$srv" "$srv2" "$cli"; do ip -n "$n" link set lo up; done
link "$srv" "${ns}a" "${ns}b" 192.0.2 2001:db8:1
link "$srv2" "${ns}c" "${ns}d" 198.51.100 2001:db8:2

# -- lease files, times relative to now
now=$(date +%s)
python3 - "$tmp" "$now" <<'PY'
import sys
tmp, now = sys.argv[1], int(sys.argv[2])

def esc(b):
    return '"' + ''.join(chr(c) if 0x20 <= c < 0x7f and chr(c) not in '"\\' else '\\%03o' % c
                         for c in b) + '"'

def v4lease(ip, starts, ends, cltt, state, hw, uid=None, extra=''):
    s = f'lease {ip} {{\n  starts epoch {now + starts};\n  ends epoch {now + ends};\n'
    s += f'  cltt epoch {now + cltt};\n  binding state {state};\n'
    if state == 'active':
        s += '  next binding state free;\n'
    s += f'  hardware ethernet {hw};\n'
    if uid:
        s += f'  uid {esc(bytes.fromhex(uid.replace(":", "")))};\n'
    return s + extra + '}\n'

relay = ('  set vendor-class-identifier = "MSFT 5.0";\n'
         '  option agent.circuit-id "eth0/1/2:100";\n'
         '  option agent.remote-id 0:1a:2b:3c:4d:5e;\n')
a = 'authoring-byte-order little-endian;\n'
# the client 00:11:22:33:44:55 holds two leases; 10.0.0.100 is the newest
a += v4lease('10.0.0.100', -600, 3000, -600, 'active', '00:11:22:33:44:55', '01:00:11:22:33:44:55', relay)
a += v4lease('10.0.0.103', -1200, 2400, -1200, 'active', '00:11:22:33:44:55', '01:00:11:22:33:44:55')
a += v4lease('10.0.0.101', -7200, -3600, -7200, 'free', '00:aa:bb:cc:dd:ee')
a += v4lease('10.0.0.102', -7200, -100, -7200, 'expired', '00:aa:bb:cc:dd:02')
a += v4lease('10.0.0.104', -60, 3540, -60, 'active', '02:00:00:00:00:07', '01:02:03:04:05:06:07')
open(f'{tmp}/a4.leases', 'w').write(a)
# server B saw the client of 10.0.0.100 more recently, with another MAC
b = 'authoring-byte-order little-endian;\n'
b += v4lease('10.0.0.100', -30, 3570, -30, 'active', '00:11:22:33:44:66', None,
             '  option agent.circuit-id "eth0/9/9:200";\n')
open(f'{tmp}/b4.leases', 'w').write(b)

duid = bytes.fromhex('000100011fbd37c0001122334455')
duid_b = bytes.fromhex('000100011fbd37c0001122334466')
def ia(kind, iaid, duid, cltt, what, addr, pref, valid, ends):
    key = iaid.to_bytes(4, 'little') + duid
    return (f'{kind} {esc(key)} {{\n  cltt epoch {now + cltt};\n  {what} {addr} {{\n'
            f'    binding state active;\n    preferred-life {pref};\n    max-life {valid};\n'
            f'    ends epoch {now + ends};\n  }}\n}}\n')
a6 = 'authoring-byte-order little-endian;\n'
a6 += ia('ia-na', 1, duid, -300, 'iaaddr', '2001:db8:1::100', 1800, 3600, 3300)
a6 += ia('ia-pd', 2, duid, -300, 'iaprefix', '2001:db8:8000::/56', 1800, 3600, 3300)
open(f'{tmp}/a6.leases', 'w').write(a6)
b6 = 'authoring-byte-order little-endian;\n'
b6 += ia('ia-na', 1, duid_b, -30, 'iaaddr', '2001:db8:1::100', 1800, 3600, 3570)
open(f'{tmp}/b6.leases', 'w').write(b6)
PY

conf4() {  # conf4 OWN_SUBNET
	cat <<CONF
# dhcpd -4 for the lq query test: leasequery allowed, the leased subnet is
# reached through relays (no interface on it)
authoritative;
allow leasequery;
ddns-update-style none;
ping-check false;
default-lease-time 3600;
max-lease-time 7200;
subnet $1.0 netmask 255.255.255.0 { }
subnet 10.0.0.0 netmask 255.255.0.0 { range 10.0.0.100 10.0.0.200; }
CONF
}
conf6() {  # conf6 OWN_PREFIX
	cat <<CONF
allow leasequery;
ddns-update-style none;
default-lease-time 3600;
preferred-lifetime 1800;
server-duid EN 2495 "$2";
subnet6 $1::/64 { }
subnet6 2001:db8:1::/64 {
  range6 2001:db8:1::100 2001:db8:1::1ff;
  prefix6 2001:db8:8000:: 2001:db8:80ff:: /56;
}
CONF
}
conf4 192.0.2 >"$tmp/a4.conf"
conf4 198.51.100 >"$tmp/b4.conf"
conf6 2001:db8:1 lq-a >"$tmp/a6.conf"
conf6 2001:db8:2 lq-b >"$tmp/b6.conf"

start_dhcpd() {  # start_dhcpd NS FAMILY NAME IF
	ip netns exec "$1" dhcpd "-$2" -f -d -cf "$tmp/$3.conf" -lf "$tmp/$3.leases" \
		-pf "$tmp/$3.pid" "$4" >"$tmp/dhcpd-$3.log" 2>&1 &
	pids+=($!)
}
start_dhcpd "$srv" 4 a4 "${ns}a"
start_dhcpd "$srv" 6 a6 "${ns}a"
start_dhcpd "$srv2" 4 b4 "${ns}c"
start_dhcpd "$srv2" 6 b6 "${ns}c"
for _ in $(seq 50); do
	n=$(grep -l "Server starting service" "$tmp"/dhcpd-*.log 2>/dev/null | wc -l)
	[ "$n" -eq 4 ] && break
	sleep 0.1
done
[ "$n" -eq 4 ] && ok "four dhcpd servers started (A and B, DHCPv4 and DHCPv6)" ||
	{ notok "dhcpd did not start"; exit 1; }

# -- helpers: run lq in the requestor's namespace
out=$tmp/out
err=$tmp/err
lq() {  # lq ARGS...: sets rc, output in $out, errors in $err
	timeout 30 ip netns exec "$cli" "$LQ" query "$@" >"$out" 2>"$err"
	rc=$?
}
has() { grep -qE -- "$1" "$out"; }          # has REGEX: a line of the output matches
says() { grep -qF -- "$1" "$err"; }          # says TEXT: standard error contains TEXT
# jcheck PYTHON_EXPR: the JSON Lines output, with b = first object, s = last
# object, lines = all of them, now = the time the script started
jcheck() {
	python3 - "$out" "$now" "$1" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
b, s, now = lines[0], lines[-1], int(sys.argv[2])
ok = eval('(' + sys.argv[3] + ')')
if not ok:
    print("   JSON was:", *lines, sep="\n   ", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
hex() { printf '%s' "$1" | od -An -tx1 | tr -s ' \n' ':' | sed 's/^://; s/:$//'; }
CIRCUIT=$(hex "eth0/1/2:100")
A=192.0.2.1
B=198.51.100.1
A6=2001:db8:1::1
B6=2001:db8:2::1

# ===================================================== DHCPv4
lq -4 -s $A --ip 10.0.0.100
[ $rc -eq 0 ]; result "v4 by IP, active lease: exit 0"
has "^server +$A \(server-id $A\)" && has "^reply +DHCPLEASEACTIVE$"; result "v4 by IP, active: DHCPLEASEACTIVE from $A (server-id $A)"
has "^address +10\.0\.0\.100$" && has "^state +active$"; result "v4 by IP, active: address, state"
has "^hardware +00:11:22:33:44:55 \(ethernet\)$" && has "^client-id +01:00:11:22:33:44:55$"; result "v4 by IP, active: hardware address and client id as in the lease file"
has "^relay agent +circuit-id $CIRCUIT \"eth0/1/2:100\"$" && has "^ +remote-id 00:1a:2b:3c:4d:5e$"; result "v4 by IP, active: relay agent circuit-id and remote-id as in the lease file"
has '^vendor class +.* "MSFT 5.0"$'; result "v4 by IP, active: vendor class"
has "^lease time left +(29[0-9][0-9]|3000) s" && has "^renewal \(T1\) +[0-9]+ s" &&
	has "^rebinding \(T2\) +[0-9]+ s" && has "^last transaction +(60[0-9]|6[1-5][0-9]) s ago"; result "v4 by IP, active: lease time left, T1, T2, last transaction"
! has "^associated IPs"; result "v4 by IP: no associated IPs in a query by address"

lq -4 -s $A --ip 10.0.0.100 --json
[ $rc -eq 0 ] && [ "$(wc -l <"$out")" -eq 2 ]; result "v4 --json: exit 0, one binding and the summary"
jcheck "
b['address'] == '10.0.0.100' and b['state'] == 'active' and b['reply'] == 'DHCPLEASEACTIVE'
and b['hwaddr'] == '00:11:22:33:44:55' and b['htype'] == 1
and b['client_id'] == '01:00:11:22:33:44:55' and b['vendor_class'] == 'MSFT 5.0'
and b['circuit_id'] == '$CIRCUIT' and b['remote_id'] == '00:1a:2b:3c:4d:5e'
and b['relay_info'] == '01:0c:$CIRCUIT:02:06:00:1a:2b:3c:4d:5e'
and abs(b['cltt'] - (now - 600)) <= 2 and abs(b['expire'] - (now + 3000)) <= 2
and 0 < b['t1'] < b['t2'] < b['lease_time'] and b['server_id'] == '$A'"; result "v4 --json: the binding object matches the lease file"
jcheck "
s == {'status': 'Success', 'count': 1, 'server': '$A', 'reply': 'DHCPLEASEACTIVE'}"; result "v4 --json: summary status Success, count 1"

for ipx in 10.0.0.101:free 10.0.0.102:expired 10.0.0.150:never-leased; do
	lq -4 -s $A --ip "${ipx%%:*}"
	[ $rc -eq 0 ] && has "^reply +DHCPLEASEUNASSIGNED$" &&
		has "^address +${ipx%%:*}$" && has "^state +unassigned$"; result "v4 by IP, ${ipx#*:} address ${ipx%%:*}: DHCPLEASEUNASSIGNED, exit 0"
done
lq -4 -s $A --ip 10.0.0.101 --json
jcheck "b['state'] == 'unassigned' and b['address'] == '10.0.0.101' and s['count'] == 1 and s['status'] == 'Success'"; result "v4 --json unassigned: state unassigned, count 1"

lq -4 -s $A --ip 10.9.9.9
[ $rc -eq 0 ] && has "^reply +DHCPLEASEUNKNOWN$" && has "^binding +none$"; result "v4 by IP, address dhcpd does not manage: DHCPLEASEUNKNOWN, no binding, exit 0"
lq -4 -s $A --ip 10.9.9.9 --json
jcheck "len(lines) == 1 and s['status'] == 'Success' and s['count'] == 0 and s['reply'] == 'DHCPLEASEUNKNOWN'"; result "v4 --json unknown: only the summary, status Success, count 0"

lq -4 -s $A --mac 00:11:22:33:44:55
[ $rc -eq 0 ] && has "^reply +DHCPLEASEACTIVE$" && has "^address +10\.0\.0\.100$" &&
	has "^associated IPs +10\.0\.0\.103$" && has "^client-id +01:00:11:22:33:44:55$"; result "v4 by MAC: the newest lease (10.0.0.100), the other as associated IP"
lq -4 -s $A --mac 00:11:22:33:44:55 --json
jcheck "b['associated_ips'] == ['10.0.0.103']"; result "v4 --json by MAC: associated_ips"
lq -4 -s $A --mac 00-de-ad-be-ef-00
[ $rc -eq 0 ] && has "^reply +DHCPLEASEUNKNOWN$"; result "v4 by MAC, unknown client: DHCPLEASEUNKNOWN, exit 0"
lq -4 -s $A --mac 00:aa:bb:cc:dd:ee
[ $rc -eq 0 ] && has "^reply +DHCPLEASEUNASSIGNED$" && has "^address +10\.0\.0\.101$"; result "v4 by MAC, client without an active lease: dhcpd says DHCPLEASEUNASSIGNED (RFC: UNKNOWN)"
lq -4 -s $A --mac 02:00:00:00:00:07 --htype 1
[ $rc -eq 0 ] && has "^address +10\.0\.0\.104$"; result "v4 by MAC with --htype: 10.0.0.104"

lq -4 -s $A --client-id 01:00:11:22:33:44:55
[ $rc -eq 0 ] && has "^address +10\.0\.0\.100$" && has "^associated IPs +10\.0\.0\.103$" &&
	has "^hardware +00:11:22:33:44:55"; result "v4 by client id: 10.0.0.100 with associated 10.0.0.103"
lq -4 -s $A --client-id 01020304050607 --json
jcheck "b['address'] == '10.0.0.104' and b['hwaddr'] == '02:00:00:00:00:07' and 60 <= b['clt_time'] <= 90"; result "v4 --json by client id: 10.0.0.104, hwaddr 02:00:00:00:00:07, last transaction ~60 s ago"
lq -4 -s $A --client-id 01:99:99:99
[ $rc -eq 0 ] && has "^reply +DHCPLEASEUNKNOWN$"; result "v4 by client id, unknown: DHCPLEASEUNKNOWN, exit 0"

lq -4 -s $A --ip 10.0.0.100 --prl 51,82 -vv
says "option 55 parameter-request-list: lease-time, relay-agent-information"; result "v4 --prl 51,82: the query carries exactly that list"
[ $rc -eq 0 ] && has "^lease time left" && has "^relay agent +circuit-id"; result "v4 --prl 51,82: lease time and relay agent information come back"
has "^client-id" && has "^renewal \(T1\)" && has "^vendor class"; result "v4 --prl 51,82: dhcpd ignores the list (client-id, T1, vendor class come too)"

# RFC 8357: the query from an unprivileged port with sub-option 82.19
lq -4 -s $A --ip 10.0.0.100 --relay-port --timeout 1.5 -v
says "(RFC 8357 relay source port)"; result "v4 --relay-port: sent from another port than 67 with the relay source port sub-option"
[ $rc -eq 3 ] && grep -q "DHCPLEASEACTIVE to 192.0.2.2 for IP 10.0.0.100" "$tmp/dhcpd-a4.log"; result "v4 --relay-port: dhcpd answers the query, but to port 67 (no RELAY_PORT): exit 3"

# several servers: the most recent answer wins (RFC 4388 6.8)
lq -4 -s $A -s $B --ip 10.0.0.100
[ $rc -eq 0 ] && has "^server +$B " && has "^hardware +00:11:22:33:44:66" &&
	has "^relay agent +circuit-id .*\"eth0/9/9:200\"$"; result "v4 two servers: B's answer wins (last transaction 30 s ago against 600 s)"
has "^other server +$A: DHCPLEASEACTIVE 10\.0\.0\.100, last transaction 6[0-9][0-9] s ago$"; result "v4 two servers: A is listed with its older answer"
lq -4 -s $B -s $A --ip 10.0.0.100 --json
jcheck "b['server'] == '$B' and b['hwaddr'] == '00:11:22:33:44:66' and s['server'] == '$B'"; result "v4 two servers, other order: still B"
lq -4 -s $A -s $B --ip 10.0.0.103
[ $rc -eq 0 ] && has "^server +$A " && has "^other server +$B: DHCPLEASEUNASSIGNED"; result "v4 two servers, only A has the lease: A's ACTIVE beats B's UNASSIGNED"

# servers that do not answer
start=$(date +%s%N)
lq -4 -s $A -s 192.0.2.77 --ip 10.0.0.100 --timeout 5.5 -v
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ $rc -eq 0 ] && has "^server +$A " &&
	has "^other server +192\.0\.2\.77: no answer$"; result "v4 one of two servers silent: A answers, exit 0"
[ "$(grep -c 'to 192.0.2.77:67' "$err")" -eq 2 ]; result "v4 silent server: asked again after 4 +- 1 s (RFC 2131 4.1 backoff), no more within 5.5 s"
[ $ms -ge 5400 ] && [ $ms -lt 7000 ]; result "v4 silent server: lq waits the whole --timeout and no longer (${ms} ms)"
lq -4 -s 192.0.2.77 --ip 10.0.0.100 --timeout 1.2
[ $rc -eq 3 ] && says "no answer from 192.0.2.77"; result "v4 no server answers: exit 3, says so"
lq -4 -s $A:6767 --ip 10.0.0.100 --timeout 1 --json
[ $rc -eq 3 ] && jcheck "s == {'status': 'NoAnswer', 'count': 0}"; result "v4 nothing on the port: exit 3, JSON summary NoAnswer"

# ===================================================== DHCPv6
lq -6 -s $A6 --address 2001:db8:1::100
[ $rc -eq 0 ] && has "^server +$A6 \(DUID 00:02:00:00:09:bf:" && has "^status +Success \(0\)$"; result "v6 by address: exit 0, LEASEQUERY-REPLY Success from A"
has "^client-id +00:01:00:01:1f:bd:37:c0:00:11:22:33:44:55$" &&
	has "^address +2001:db8:1::100 preferred 1800 s valid 3600 s" && has "^state +active$"; result "v6 by address: the client's DUID and address with its lifetimes"
has "^last transaction +(30[0-9]|3[1-5][0-9]) s ago .*the server sent the time itself"; result "v6 by address: dhcpd's absolute CLT time is recognized (~300 s ago)"
lq -6 -s $A6 --address 2001:db8:1::100 --json
jcheck "
b['client_id'] == '00:01:00:01:1f:bd:37:c0:00:11:22:33:44:55' and b['state'] == 'active'
and b['addresses'] == [{'address': '2001:db8:1::100', 'preferred_lifetime': 1800,
                        'valid_lifetime': 3600, 'expire': b['addresses'][0]['expire']}]
and b['prefixes'] == [] and b['cltt'] == now - 300 and b['clt_absolute'] is True
and s['status'] == 'Success' and s['count'] == 1"; result "v6 --json: client_id, addresses, prefixes, state, cltt as in the lease file"

lq -6 -s $A6 --address 2001:db8:1::150 --json
[ $rc -eq 0 ] && jcheck "len(lines) == 1 and s['status'] == 'Success' and s['count'] == 0"; result "v6 by address, in the pool but not leased: Success, no binding, exit 0"
lq -6 -s $A6 --address 2001:db8:8000::1
[ $rc -eq 1 ] && has '^status +NotConfigured \(9\) "Address not in a pool."$'; result "v6 by address inside the delegated prefix: dhcpd says NotConfigured (RFC: the client), exit 1"
lq -6 -s $A6 --address 2001:db8:9999::1 --json
[ $rc -eq 1 ] && jcheck "s['status'] == 'NotConfigured' and s['status_code'] == 9 and s['count'] == 0"; result "v6 by address outside every pool: NotConfigured, exit 1, JSON status"
lq -6 -s $A6 --client-id 00:01:00:01:1f:bd:37:c0:00:11:22:33:44:55
[ $rc -eq 1 ] && has '^status +UnknownQueryType \(7\) "QUERY_BY_CLIENTID not supported\."$'; result "v6 by client id: dhcpd says UnknownQueryType, exit 1"
lq -6 -s $A6 --address 2001:db8:1::100 --oro 47,79 --link 2001:db8:1:: -vv
says "OPTION_ORO: OPTION_LQ_RELAY_DATA, OPTION_CLIENT_LINKLAYER_ADDR" &&
	says "QUERY_BY_ADDRESS (1) link-address 2001:db8:1::"; result "v6 --oro 47,79 --link: the query carries them"
[ $rc -eq 0 ] && has "^address +2001:db8:1::100 "; result "v6 --oro --link: same answer (dhcpd ignores both)"
says "OPTION_CLIENTID: 00:03:00:01:"; result "v6: our OPTION_CLIENTID is a DUID-LL of the requestor's interface"

lq -6 -s $A6 -s $B6 --address 2001:db8:1::100 --json
[ $rc -eq 0 ] && jcheck "b['server'] == '$B6' and b['client_id'] == '00:01:00:01:1f:bd:37:c0:00:11:22:33:44:66'"; result "v6 two servers: B's answer wins (30 s ago against 300 s)"
lq -6 -s $B6 -s $A6 --address 2001:db8:1::100
has "^server +$B6 " && has "^other server +$A6: LEASEQUERY-REPLY, last transaction 3[0-9][0-9] s ago$"; result "v6 two servers, text: B first, A listed"

lq -6 -s $A6 --address 2001:db8:1::100 --relay-port --timeout 1.5 -vv
says "RELAY-FORW hop-count 0" && says "unknown(135): 00:00"; result "v6 --relay-port: the query goes out in a RELAY-FORW with OPTION_RELAY_SOURCE_PORT"
[ $rc -eq 3 ] && grep -q "Sending Relay-reply to 2001:db8:1::2 port 547" "$tmp/dhcpd-a6.log"; result "v6 --relay-port: dhcpd answers the relayed query, but to port 547: exit 3"

lq -6 -s 2001:db8:1::77 --address 2001:db8:1::100 --timeout 3.5 -v
[ $rc -eq 3 ] && says "no answer from 2001:db8:1::77"; result "v6 no answer: exit 3"
[ "$(grep -c 'to \[2001:db8:1::77\]:547' "$err")" -eq 3 ]; result "v6 silent server: sent at 0, ~1 and ~3 s (LQ_TIMEOUT doubling), 3 in 3.5 s"

# ===================================================== a scripted responder
# What dhcpd cannot show: answers to the RFC 8357 source port, datagrams to
# ignore before the answer, an error status in DHCPv4 (lq_query_responder.py)
here=$(cd "$(dirname "$0")" && pwd)
ip netns exec "$srv" python3 "$here/lq_query_responder.py" $A 6767 $A6 6547 >"$tmp/responder.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q ready "$tmp/responder.log" && break; sleep 0.1; done
lq -4 -s $A:6767 --ip 10.0.0.7 --relay-port -v
[ $rc -eq 0 ] && has "^address +10\.0\.0\.7$" && has "^hardware +02:00:00:00:00:99" &&
	has "^last transaction +42 s ago"; result "v4 --relay-port, responder answering to the source port: exit 0, its answer"
says "ignored 15 octets from $A:6767: not a DHCPv4 message that decodes" &&
	says "from $A:6767: another transaction id"; result "v4: a datagram that is not DHCP and a reply with another xid are ignored (-v says why)"
lq -4 -s $A:6767 --ip 10.0.0.99 --relay-port --json
[ $rc -eq 1 ] && jcheck "s['status'] == 'NotAllowed' and s['status_code'] == 4 and s['status_text'] == 'not for you' and s['count'] == 0"; result "v4 status-code NotAllowed: exit 1, JSON status NotAllowed"
lq -4 -s $A:6767 --ip 10.0.0.99 --relay-port
[ $rc -eq 1 ] && has '^status +NotAllowed \(4\) "not for you"$'; result "v4 status-code NotAllowed, text"
lq -6 -s "[$A6]:6547" --address 2001:db8:1::99 --relay-port -v
[ $rc -eq 0 ] && has "^address +2001:db8:1::99 preferred 100 s valid 200 s" &&
	has "^prefix +2001:db8:99::/48 preferred 100 s valid 200 s" && has "^last transaction +42 s ago \("; result "v6 --relay-port: the RELAY-REPL to our source port is unwrapped: exit 0, address and prefix"
says "not a DHCPv6 message that decodes" && says "another transaction id" &&
	says "OPTION_CLIENTID is not our DUID"; result "v6: undecodable, another xid, another client id: all ignored (-v says why)"
lq -6 -s "[$A6]:6547" --address 2001:db8:1::99 --source-port 546 --json
[ $rc -eq 0 ] && jcheck "b['prefixes'][0]['prefix'] == '2001:db8:99::/48' and b['client_id'] == '00:03:00:01:02:00:00:00:00:99' and b['clt_time'] == 42 and 'clt_absolute' not in b"; result "v6 direct from port 546 (--source-port 546): exit 0, JSON addresses and prefixes"

# ===================================================== usage errors
usage() {  # usage FLAG_IN_MESSAGE ARGS...
	local want=$1
	shift
	lq "$@"
	[ $rc -eq 2 ] && says "$want"; result "usage error: lq query $* -> exit 2 naming $want"
}
usage "say -4 or -6" -s $A --client-id 01:02
usage "-s HOST" -4 --ip 10.0.0.100
usage "exactly one of --ip, --mac, --client-id" -4 -s $A --ip 10.0.0.100 --mac 00:11:22:33:44:55
usage "exactly one of --address, --client-id" -6 -s $A6
usage "--ip: '10.0.0' is not an IPv4 address" -4 -s $A --ip 10.0.0
usage "--address is for DHCPv6, but -4 asks for DHCPv4" -4 -s $A --address 2001:db8::1
usage "--mac is for DHCPv4, but -6 asks for DHCPv6" -6 -s $A6 --mac 00:11:22:33:44:55
usage "--mac: 'zz:11' is not a hardware address" -4 -s $A --mac zz:11
usage "--client-id: '01' is not a DUID" -6 -s $A6 --client-id 01
usage "--prl: '51,300' is not a list of option codes" -4 -s $A --ip 10.0.0.100 --prl 51,300
usage "--oro: 'x' is not a list of option codes" -6 -s $A6 --address 2001:db8:1::100 --oro x
usage "--timeout: 'soon' is not a number of seconds" -4 -s $A --ip 10.0.0.100 --timeout soon
usage "--source-port: '0' is not a port number" -4 -s $A --ip 10.0.0.100 --source-port 0
usage "the port is not a number in 1..65535" -4 -s $A:70000 --ip 10.0.0.100
usage "not an IPv4 address or name" -4 -s 2001:db8:1::1 --ip 10.0.0.100
usage "unknown option '--bogus'" -4 -s $A --ip 10.0.0.100 --bogus
usage "--ip needs a value" -4 -s $A --ip

echo "$count checks, $([ $fail -eq 0 ] && echo all passed || echo some failed)"
exit $fail
