#!/bin/bash
# demo.sh - `make demo`: shows what lq does today. The wire layer encodes a
# sample of every leasequery message of both families, decodes it back and
# prints it as text and JSON; `lq decode` reads one back from hex, and a
# framed TCP stream of bulk messages is split into its messages. Then lqd
# loads the bundled Kea lease files into its store, follows a line appended
# to one, and takes a binding pushed through its control socket; lq asks
# lqd single leasequeries of both families over UDP, bulk leasequeries of
# both families over TCP, and follows lqd with an active leasequery: a live
# change, then a catch-up after a reconnect.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}

echo "### 1. Every leasequery message type, encoded by liblq and decoded back"
"$BUILD"/tests/lq-samples demo

echo "### 2. lq decode: a DHCPLEASEQUERY by MAC address given as hex"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BUILD"/tests/lq-samples corpus "$tmp" "$tmp" >/dev/null
hex=$(od -An -v -tx1 "$tmp/v4-leasequery-by-mac" | tr -d ' \n')
echo "\$ lq decode -4 ${hex:0:48}..."
"$BUILD"/lq decode -4 "$hex"

echo
echo "### 3. lq decode --tcp --json: a DHCPv6 TCP stream split into its framed messages"
"$BUILD"/tests/lq-samples tcp6 "$tmp/stream6"
od -An -v -tx1 "$tmp/stream6" | "$BUILD"/lq decode -6 --tcp --json - | head -5
echo "... ($(od -An -v -tx1 "$tmp/stream6" | "$BUILD"/lq decode -6 --tcp --json - | wc -l) messages in the stream)"

echo
echo "### 4. A malformed message gets a specific error, never a crash"
echo "\$ lq decode -6 0e000101000100"
"$BUILD"/lq decode -6 0e000101000100 || true

echo
echo "### 5. lqd follows Kea lease files into its binding store"
# real Kea-written lease files, their times moved to now so the leases are active
now=$(date +%s)
awk -F, -v OFS=, -v now="$now" 'NR > 1 { $5 = now + 3000 + NR } { print }' \
	tests/data/kea/kea-2.2-perfdhcp-leases4.csv >"$tmp/leases4.csv"
awk -F, -v OFS=, -v now="$now" 'NR > 1 { $4 = now + 3900 + NR } { print }' \
	tests/data/kea/kea-2.2-perfdhcp-leases6.csv >"$tmp/leases6.csv"
cat >"$tmp/lqd.conf" <<CONF
{
  // the demo's lqd: two Kea lease files and a control socket
  "server-id": "127.0.0.1",
  "listen": [ { "address": "127.0.0.1", "udp-port": 10067, "tcp-port": 10067 },
              { "address": "::1", "udp-port": 10547, "tcp-port": 10547 } ],
  "store": { "path": "$tmp/store" },
  "sources": [ { "type": "kea-csv", "path": "$tmp/leases4.csv" },
               { "type": "kea-csv", "path": "$tmp/leases6.csv" } ],
  "subnets4": [ { "subnet": "10.0.0.0/16", "pools": [ "10.0.1.0 - 10.0.1.31", "10.0.200.1 - 10.0.200.2" ] } ],
  "subnets6": [ { "subnet": "2001:db8:1::/64" } ],
  "control-socket": "$tmp/lqd.sock"
}
CONF
"$BUILD"/lqd -c "$tmp/lqd.conf" >"$tmp/lqd.log" 2>&1 &
lqd_pid=$!
trap 'kill $lqd_pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
ctl() { python3 tests/e2e/lqctl.py "$tmp/lqd.sock" "$1"; }
for _ in $(seq 50); do ctl '{"command":"status"}' >/dev/null 2>&1 && break; sleep 0.1; done
sed 's/^[^ ]* /  /' "$tmp/lqd.log"
echo "\$ lqctl status"
ctl '{"command":"status"}' | python3 -m json.tool | sed -n '/"sources"/,/"store"/p' | head -24
first=$(sed -n 2p "$tmp/leases4.csv" | cut -d, -f1)
echo "\$ lqctl get $first"
ctl "{\"command\":\"get\",\"address\":\"$first\"}"
echo "# Kea appends a renewal of $first; lqd follows it at once"
sed -n 2p "$tmp/leases4.csv" | awk -F, -v OFS=, -v now="$(date +%s)" '{ $5 = now + 3600; print }' >>"$tmp/leases4.csv"
sleep 0.3
ctl "{\"command\":\"get\",\"address\":\"$first\"}"
echo "# a binding pushed through the control socket, then asked for by an address inside its prefix"
ctl "{\"command\":\"add\",\"binding\":{\"prefix\":\"2001:db8:8000:1200::/56\",\"type\":\"IA_PD\",\"state\":\"active\",\"client_id\":\"00:01:00:01:2a:3b:4c:5d:00:0c:01:02:03:04\",\"iaid\":1,\"valid_lifetime\":4000,\"preferred_lifetime\":3000,\"expire\":$(($(date +%s) + 4000))}}"
ctl '{"command":"get","address":"2001:db8:8000:1234::1"}'
echo "# a bad request gets a specific error"
ctl '{"command":"add","binding":{"address":"10.0.0.300"}}' || true

echo
echo "### 6. Single leasequeries over UDP: lq asks lqd (RFC 4388, RFC 5007)"
mac=$(sed -n 3p "$tmp/leases4.csv" | cut -d, -f2)
addr6=$(sed -n 2p "$tmp/leases6.csv" | cut -d, -f1)
duid=$(sed -n 2p "$tmp/leases6.csv" | cut -d, -f2)
show() { echo "\$ lq $*"; "$BUILD"/lq "$@" || echo "(exit $?)"; echo; }
show query -4 -s 127.0.0.1:10067 --ip "$first"
show query -4 -s 127.0.0.1:10067 --mac "$mac" --json
show query -4 -s 127.0.0.1:10067 --ip 10.0.200.1
show query -4 -s 127.0.0.1:10067 --ip 198.51.100.7
show query -6 -s '[::1]:10547' --address "$addr6"
show query -6 -s '[::1]:10547' --address 2001:db8:8000:1234::1 --json
show query -6 -s '[::1]:10547' --client-id "$duid" --link 2001:db8:1::
show query -6 -s '[::1]:10547' --address 2001:db9::1
echo "# nobody answers on this port: exit 3"
show query -4 -s 127.0.0.1:10099 --ip "$first" --timeout 2

echo
echo "### 7. Bulk leasequeries over TCP: lq asks lqd (RFC 6926, RFC 5460)"
echo "# every configured address, each exactly once: leased ones ACTIVE, the others UNASSIGNED"
echo "\$ lq bulk -4 -s 127.0.0.1:10067 --json"
"$BUILD"/lq bulk -4 -s 127.0.0.1:10067 --json >"$tmp/all4.json" || echo "(exit $?)"
head -2 "$tmp/all4.json"
echo "... ($(grep -c '"state": *"active"' "$tmp/all4.json") active, $(grep -c '"state": *"available"' "$tmp/all4.json") available)"
tail -1 "$tmp/all4.json"
echo
show bulk -4 -s 127.0.0.1:10067 --mac "$mac"
echo "# two queries on one connection, their replies told apart by xid"
echo "\$ lq bulk -4 -s 127.0.0.1:10067 --mac $mac --client-id 01:02:03 --json"
"$BUILD"/lq bulk -4 -s 127.0.0.1:10067 --mac "$mac" --client-id 01:02:03 --json | tail -1
echo
echo "# DHCPv6: every client relayed from link 2001:db8:1::2, one OPTION_CLIENT_DATA each"
echo "\$ lq bulk -6 -s [::1]:10547 --link 2001:db8:1::2 | head -24"
"$BUILD"/lq bulk -6 -s '[::1]:10547' --link 2001:db8:1::2 | head -24
echo "..."
echo "\$ lq bulk -6 -s [::1]:10547 --link :: --start-time now-60 --json | tail -1"
"$BUILD"/lq bulk -6 -s '[::1]:10547' --link :: --start-time now-60 --json | tail -1

echo
echo "### 8. Active leasequery: live changes, and catch-up after a reconnect (RFC 7724, RFC 7653)"
echo "# lq active follows lqd; Kea renews $first (a line appended to its lease file)"
echo "\$ lq active -4 -s 127.0.0.1:10067 --state \$tmp/state --count 1"
"$BUILD"/lq active -4 -s 127.0.0.1:10067 --state "$tmp/state" --count 1 >"$tmp/active1.txt" 2>&1 &
active_pid=$!
sleep 0.5
sed -n 2p "$tmp/leases4.csv" | awk -F, -v OFS=, -v now="$(date +%s)" '{ $5 = now + 7200; print }' >>"$tmp/leases4.csv"
for _ in $(seq 50); do kill -0 $active_pid 2>/dev/null || break; sleep 0.1; done
kill $active_pid 2>/dev/null || true
wait $active_pid 2>/dev/null || true
cat "$tmp/active1.txt"
echo "# the requestor is gone; meanwhile two bindings change"
sleep 1
ctl "{\"command\":\"add\",\"binding\":{\"address\":\"10.0.200.1\",\"state\":\"active\",\"hwaddr\":\"02:00:00:00:c8:01\",\"valid_lifetime\":3600,\"expire\":$(($(date +%s) + 3600))}}"
ctl '{"command":"delete","address":"10.0.1.2"}'
echo "# it reconnects with the base-time its state file kept: catch-up, the deleted address comes back UNASSIGNED"
echo "\$ lq active -4 -s 127.0.0.1:10067 --state \$tmp/state --count 3 --json"
timeout 10 "$BUILD"/lq active -4 -s 127.0.0.1:10067 --state "$tmp/state" --count 3 --json || echo "(exit $?)"
kill $lqd_pid
wait $lqd_pid 2>/dev/null || true

echo
echo "demo finished"
