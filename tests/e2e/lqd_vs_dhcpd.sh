#!/bin/bash
# lqd_vs_dhcpd.sh BUILD_DIR - lqd and ISC dhcpd answer leasequeries from the
# same lease files, and the answers are compared field by field.
#
# A real dhcpd -4 and dhcpd -6 (with "allow leasequery") serve relayed
# clients across a veth pair between two network namespaces: perfdhcp
# (option 82, vendor class, host name, renewals, releases, 3-second leases
# that expire, DHCPv6 addresses and delegated prefixes with releases) and
# crafted clients from lqd_vs_dhcpd.py (client identifiers, a lease in each
# of two subnets, declines, a richer option 82). lqd, on the same host,
# follows dhcpd.leases and dhcpd6.leases. Then one requestor, bound to port
# 67 of the relay address 10.0.0.1 (dhcpd always answers to port 67: Debian
# builds it without RFC 8357 relay-port) and to port 546 for DHCPv6, asks
# both servers the same questions:
#   DHCPv4: by IP for every address in dhcpd.leases, by MAC for every
#   hardware address, by client-id for every uid, with a parameter request
#   list naming every option either server can return, with none, and with
#   "51, 82"; addresses in a pool without a lease, addresses outside every
#   pool, MAC addresses and client-ids no lease has;
#   DHCPv6: QUERY_BY_ADDRESS for every address, for an address inside every
#   delegated prefix, QUERY_BY_CLIENTID for every DUID, unbound and
#   unconfigured addresses, unknown DUIDs.
# Compared: message type, every BOOTP header field (ciaddr, htype, hlen,
# chaddr, giaddr, ...), which options are present and each value: lease time,
# T1, T2 and client-last-transaction-time within 3 s, relay agent
# information, client-id, vendor class, associated-ip (as a set), server
# identifier (each server's own); for DHCPv6 the status code, the client's
# DUID, its addresses and prefixes with their lifetimes, OPTION_CLT_TIME.
# This is done twice: while dhcpd runs on what it has in memory, then after
# dhcpd restarted (it reads its lease file back and rewrites it; lqd follows
# the rewrite), so that both answer from exactly the same file.
#
# Every difference that is not in the table below fails the test. The
# table (the KNOWN and KNOWN6 predicates of lqd_vs_dhcpd.py, each as narrow
# as the difference; docs/interop-dhcpd.md explains each one):
#
#  id | what differs                                   | RFC side
#  ---+------------------------------------------------+---------------------
#  D1 | asked for in the PRL, lqd returns the subnet   | lqd: 4388 6.4.2 SHOULD
#     | mask (1) and host name (12); dhcpd does not    | return requested options
#  D2 | dhcpd ignores the PRL: it returns every option | lqd: 4388 6.2 (no PRL:
#     | it has, asked for or not (60 even without a    | a DHCPACK's options),
#     | PRL); lqd returns what the PRL asks for        | 6.4.2 (requested ones)
#  D3 | by MAC / client-id, client without a lease in  | lqd: 4388 6.4 UNASSIGNED
#     | force: dhcpd UNASSIGNED + its latest address,  | "only ... for a query by
#     | lqd UNKNOWN                                    | IP address"; 5
#  D4 | renewal inside dhcp-cache-threshold: dhcpd     | neither: dhcpd does not
#     | moves cltt in memory only, lqd has the file's  | write it (set the
#     | (option 91 older by the renewal's age)         | threshold to 0 if needed)
#  (D5, option 82 rebuilt from only some sub-options, was an lqd defect and
#  is fixed: option 82 must now be equal octet for octet.)
#  V1 | OPTION_CLT_TIME: dhcpd the absolute Unix time, | lqd: 5007 4.1.2.3
#     | lqd the seconds since                          |
#  V2 | IAADDR/IAPREFIX lifetimes: dhcpd as granted,   | lqd (the lifetimes as
#     | lqd what is left now                           | they are when sent)
#  V3 | QUERY_BY_ADDRESS: dhcpd returns the one        | lqd: 5007 4.1.2.2 MUST
#     | binding, lqd all the client's on the link      | return all of them
#  V4 | an address inside a delegated prefix: dhcpd    | lqd: 5007 4.1.2.1 (the
#     | NotConfigured, lqd the client of the prefix    | prefix's client)
#  V5 | QUERY_BY_CLIENTID: dhcpd UnknownQueryType, lqd | lqd: 5007 4.1.2.1 (both
#     | answers (checked against dhcpd6.leases)        | types are required)
#  V6 | status message texts                           | free text (8415 21.13)
#
# Needs root (network namespaces, ports 67 and 546), dhcpd (isc-dhcp-server),
# perfdhcp (kea-admin) and python3. Prints "ok ..."/"not ok ..." per check and
# exits non-zero on a failure. Takes about 20 s. LQ_KEEP=1 keeps the
# temporary directory.
set -u
BUILD=$(realpath "${1:-build}")
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
. "$here/netns_lib.sh"
tmp=$(mktemp -d /tmp/lq-vs-dhcpd-XXXXXX)
ns=lv$$
srv=${ns}s
cli=${ns}c
pids=()
declare -A dhcpd_pid=()
lqd_pid=
fail=0
start_time=$(date +%s)

stop() {  # stop PID...: TERM, then KILL what is still there after 2 s
	local p
	for p in "$@"; do kill "$p" 2>/dev/null; done
	for _ in $(seq 20); do
		for p in "$@"; do kill -0 "$p" 2>/dev/null && break; p=; done
		[ -z "$p" ] && break
		sleep 0.1
	done
	for p in "$@"; do kill -9 "$p" 2>/dev/null; done
	wait "$@" 2>/dev/null
}

cleanup() {
	# pids are timeout(1) processes: TERM reaches their perfdhcp too
	stop "${pids[@]}" "${dhcpd_pid[@]}" $lqd_pid
	ip netns del "$srv" 2>/dev/null
	ip netns del "$cli" 2>/dev/null
	if [ "$fail" -ne 0 ]; then
		echo "--- lqd log"; tail -n 15 "$tmp/lqd.log"
		echo "--- dhcpd and perfdhcp logs"; tail -n 5 "$tmp"/dhcpd*.log "$tmp"/perf*.log
	fi
	if [ -n "${LQ_KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

ok() { echo "ok $*"; }
notok() { echo "not ok $*"; fail=1; }
command -v dhcpd >/dev/null || PATH=$PATH:/usr/sbin
command -v dhcpd >/dev/null && command -v perfdhcp >/dev/null ||
	{ notok "dhcpd (isc-dhcp-server) and perfdhcp (kea-admin) are needed"; exit 1; }
[ -x "$BUILD/lqd" ] || { notok "no $BUILD/lqd (build first)"; exit 1; }

# -- two hosts: the DHCP server host (dhcpd at 192.0.2.1:67 and
# [2001:db8:1::1]:547, lqd at 192.0.2.3:1067 and [2001:db8:1::3]:1547) and a
# relay host (relay addresses 10.0.0.1-3 and 10.1.0.1, 2001:db8:1::2)
netns_pair "$srv" "$cli" "${ns}a" "${ns}b" "192.0.2.1/24 192.0.2.3/24 2001:db8:1::1/64 2001:db8:1::3/64" \
	"192.0.2.2/24 10.0.0.1/16 10.0.0.2/16 10.0.0.3/16 10.1.0.1/16 2001:db8:1::2/64" ||
	{ notok "cannot create network namespaces (root needed)"; exit 1; }
ip -n "$srv" route add 10.0.0.0/16 via 192.0.2.2
ip -n "$srv" route add 10.1.0.0/16 via 192.0.2.2

# Clients behind relay 10.0.0.1 and 10.0.0.3 get an hour; those whose relay
# agent says remote-id "cpe002" get 3 seconds, so dhcpd expires leases and
# writes them back as free. The subnet of the servers has no range.
cat >"$tmp/dhcpd4.conf" <<CONF
# ISC dhcpd (DHCPv4) for lqd_vs_dhcpd.sh
authoritative;
allow leasequery;
ddns-update-style none;
ping-check false;
default-lease-time 3600;
max-lease-time 3600;
# keep the client's vendor class in its lease
set vendor-class-identifier = option vendor-class-identifier;
subnet 192.0.2.0 netmask 255.255.255.0 { }
subnet 10.0.0.0 netmask 255.255.0.0 {
  range 10.0.1.0 10.0.3.255;
  if option agent.remote-id = "cpe002" {
    default-lease-time 3; max-lease-time 3; min-lease-time 3;
  }
}
subnet 10.1.0.0 netmask 255.255.0.0 {
  range 10.1.1.0 10.1.1.255;
}
CONF
cat >"$tmp/dhcpd6.conf" <<CONF
# ISC dhcpd (DHCPv6) for lqd_vs_dhcpd.sh
authoritative;
allow leasequery;
ddns-update-style none;
server-duid EN 2495 "dhcpd";
default-lease-time 4000;
preferred-lifetime 3000;
max-lease-time 4000;
subnet6 2001:db8:1::/64 {
  range6 2001:db8:1::100 2001:db8:1::3ff;
  prefix6 2001:db8:8000:: 2001:db8:8000:ff00:: /56;
}
CONF
# lqd is told dhcpd's subnets that have a range or prefix6 and nothing
# else: a subnet listed without pools would be wholly managed to lqd, while
# dhcpd leases nothing of 192.0.2.0/24 (both answer UNKNOWN for it).
cat >"$tmp/lqd.conf" <<CONF
{
  "server-id": "192.0.2.3",
  "server-duid": "00:02:00:00:09:bf:6c:71:64",
  "listen": [ { "address": "192.0.2.3", "udp-port": 1067, "tcp-port": false },
              { "address": "2001:db8:1::3", "udp-port": 1547, "tcp-port": false } ],
  "requesters": [ "192.0.2.0/24", "10.0.0.0/15", "2001:db8:1::/64" ],
  "store": { "path": "$tmp/store" },
  "sources": [ { "type": "dhcpd-leases", "path": "$tmp/dhcpd.leases", "family": 4 },
               { "type": "dhcpd-leases", "path": "$tmp/dhcpd6.leases", "family": 6 } ],
  "subnets4": [ { "subnet": "10.0.0.0/16", "pools": [ "10.0.1.0 - 10.0.3.255" ] },
                { "subnet": "10.1.0.0/16", "pools": [ "10.1.1.0 - 10.1.1.255" ] } ],
  "subnets6": [ { "subnet": "2001:db8:1::/64", "pools": [ "2001:db8:1::100 - 2001:db8:1::3ff" ],
                  "pd-pools": [ { "prefix": "2001:db8:8000::/48", "delegated-len": 56 } ] } ],
  "control-socket": "$tmp/lqd.sock"
}
CONF
touch "$tmp/dhcpd.leases" "$tmp/dhcpd6.leases"

# start_dhcpd 4|6 N: start (or restart) one dhcpd and wait for its Nth
# start; every start rewrites the lease file from what dhcpd read of it
start_dhcpd() {
	local v=$1 leases=$tmp/dhcpd.leases log=$tmp/dhcpd$1.log
	[ "$v" = 6 ] && leases=$tmp/dhcpd6.leases
	if [ -n "${dhcpd_pid[$v]:-}" ]; then
		stop "${dhcpd_pid[$v]}"
		rm -f "$tmp/dhcpd$v.pid"
	fi
	ip netns exec "$srv" dhcpd -"$v" -f -d -cf "$tmp/dhcpd$v.conf" -lf "$leases" \
		-pf "$tmp/dhcpd$v.pid" "${ns}a" >>"$log" 2>&1 &
	dhcpd_pid[$v]=$!
	for _ in $(seq 50); do
		[ "$(grep -c 'Server starting service' "$log")" -ge "$2" ] && return 0
		sleep 0.1
	done
	notok "dhcpd -$v did not start (start $2)"; exit 1
}
start_dhcpd 4 1
start_dhcpd 6 1
ok "dhcpd -4 and dhcpd -6 started with 'allow leasequery'"

# -- 5 s of traffic: perfdhcp behind 10.0.0.1 (circuit-id "eth0", remote-id
# "cpe001", vendor class "lq-test", host name "cpe-host", renewals and
# releases), 3-second leases behind 10.0.0.2 (remote-id "cpe002"), DHCPv6
# addresses and prefixes through a relay with releases, and the crafted
# DHCPv4 clients behind 10.0.0.3 and 10.1.0.1
ip netns exec "$cli" timeout 20 perfdhcp -4 -l 10.0.0.1 -R 300 -r 60 -F 6 -f 6 -p 5 \
	-o 82,0104657468300206637065303031 -o 60,6c712d74657374 -o 12,6370652d686f7374 \
	192.0.2.1 >"$tmp/perf4.log" 2>&1 &
pids+=($!)
ip netns exec "$cli" timeout 20 perfdhcp -4 -l 10.0.0.2 -b mac=00:0c:02:00:00:00 -R 40 -r 10 -p 3 \
	-o 82,0104657468300206637065303032 192.0.2.1 >"$tmp/perf4short.log" 2>&1 &
pids+=($!)
ip netns exec "$cli" timeout 20 perfdhcp -6 -l "${ns}b" -A1 -R 300 -r 60 -F 6 -p 5 \
	-e address-and-prefix >"$tmp/perf6.log" 2>&1 &
pids+=($!)
ip netns exec "$cli" "$PY" "$here/lqd_vs_dhcpd.py" clients4 192.0.2.1 || fail=1
wait "${pids[@]}"
pids=()
for p in perf4 perf4short perf6; do
	grep -q "received packets: [1-9]" "$tmp/$p.log" || notok "$p: perfdhcp got no answers"
done
grep -q "DHCPRELEASE of .* (found)" "$tmp/dhcpd4.log" && grep -q "Abandoning IP address" "$tmp/dhcpd4.log" &&
	grep -q "binding state released" "$tmp/dhcpd6.leases" &&
	ok "dhcpd took DHCPv4 releases and declines and DHCPv6 releases" || notok "no release or decline reached dhcpd"

# -- every 3-second lease must have ended and be written back as free, so
# that no lease ends while the two servers are asked
export HERE="$here" LEASES4="$tmp/dhcpd.leases"
short_ended() {
	"$PY" - <<'PY'
import os, sys
sys.path.insert(0, os.environ["HERE"])
from compare_leases import dhcpd_expected
short = [l for l in dhcpd_expected(os.environ["LEASES4"]).values() if l["valid_lifetime"] == 3 or
         l["remote_id"] == b"cpe002".hex(":")]
sys.exit(0 if short and all(l["state"] != "active" for l in short) else 1)
PY
}
for _ in $(seq 60); do short_ended && break; sleep 0.2; done
short_ended && ok "dhcpd expired every 3-second lease" || notok "the 3-second leases did not all end"

# -- lqd follows both files; wait until it has read them to their end
ip netns exec "$srv" "$BUILD/lqd" -c "$tmp/lqd.conf" >"$tmp/lqd.log" 2>&1 &
lqd_pid=$!
lqd_sock=$tmp/lqd.sock             # for lqd_status and wait_caught_up (netns_lib.sh)
lqd_files="$tmp/dhcpd.leases $tmp/dhcpd6.leases"
wait_caught_up && ok "lqd read dhcpd.leases and dhcpd6.leases to their end" || notok "lqd did not catch up"
for _ in $(seq 50); do grep -q "answering DHCPv6" "$tmp/lqd.log" && break; sleep 0.1; done

compare() {  # compare LABEL: every query to both servers, compared
	ip netns exec "$cli" "$PY" "$here/lqd_vs_dhcpd.py" compare4 "$tmp/dhcpd.leases" \
		192.0.2.1:67 192.0.2.3:1067 10.0.0.1 "$1" || fail=1
	ip netns exec "$cli" "$PY" "$here/lqd_vs_dhcpd.py" compare6 "$tmp/dhcpd6.leases" \
		"[2001:db8:1::1]:547" "[2001:db8:1::3]:1547" 2001:db8:1::2 "$1" || fail=1
}
compare ""

# -- dhcpd restarts: it reads its lease files back and rewrites them (dhcpd
# -6 leaves released bindings out); lqd follows the rewritten files. Now
# both answer from exactly the same files.
start_dhcpd 4 2
start_dhcpd 6 2
for _ in $(seq 50); do lqd_status 'all(s["rotations"] >= 1 for s in st["sources"])' && break; sleep 0.1; done
lqd_status 'all(s["rotations"] >= 1 for s in st["sources"])' && wait_caught_up &&
	ok "after dhcpd restarted, lqd followed both rewritten files to their end" ||
	notok "lqd did not follow dhcpd's rewrite"
compare "after dhcpd restarted: "

echo "# $(($(date +%s) - start_time)) s"
exit $fail
