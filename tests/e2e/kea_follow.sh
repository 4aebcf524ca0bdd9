#!/bin/bash
# kea_follow.sh BUILD_DIR - real Kea, real traffic, real lease files: Kea
# DHCPv4 and DHCPv6 servers (memfile, extended info, lease file cleanup every
# 3 s) serve relayed perfdhcp clients across a veth pair between two network
# namespaces; lqd follows both lease files. lqd is killed with SIGKILL in the
# middle of the run and restarted. At the end lqd must hold exactly the
# leases the files say, field by field, and the cleanup must have rotated the
# files under it. Needs root (network namespaces).
set -u
BUILD=$(realpath "${1:-build}")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/lq-kea-XXXXXX)
ns=lq$$
srv=${ns}s
cli=${ns}c
pids=()
fail=0

cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	[ -n "${lqd_pid:-}" ] && kill -9 "$lqd_pid" 2>/dev/null
	ip netns del "$srv" 2>/dev/null
	ip netns del "$cli" 2>/dev/null
	if [ "$fail" -ne 0 ]; then
		echo "--- lqd log"; tail -30 "$tmp/lqd.log"
		echo "--- kea logs"; tail -n 5 "$tmp"/kea*.log "$tmp"/kea*.out "$tmp"/perf*.log
	fi
	if [ -n "${LQ_KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

ok() { echo "ok $*"; }
notok() { echo "not ok $*"; fail=1; }

# -- two hosts: the DHCP server and a relay with its clients
ip netns add "$srv" && ip netns add "$cli" || { notok "cannot create network namespaces (root needed)"; exit 1; }
ip link add "${ns}a" type veth peer name "${ns}b"
ip link set "${ns}a" netns "$srv"
ip link set "${ns}b" netns "$cli"
ip -n "$srv" addr add 192.0.2.1/24 dev "${ns}a"
ip -n "$srv" addr add 2001:db8:1::1/64 dev "${ns}a" nodad
ip -n "$cli" addr add 192.0.2.2/24 dev "${ns}b"
ip -n "$cli" addr add 10.0.0.1/16 dev "${ns}b"
ip -n "$cli" addr add 2001:db8:1::2/64 dev "${ns}b" nodad
for n in "$srv" "$cli"; do ip -n "$n" link set lo up; done
# no duplicate address detection: Kea binds the link-local address at once
ip netns exec "$srv" sysctl -qw "net.ipv6.conf.${ns}a.accept_dad=0"
ip netns exec "$cli" sysctl -qw "net.ipv6.conf.${ns}b.accept_dad=0"
ip -n "$srv" link set "${ns}a" up
ip -n "$cli" link set "${ns}b" up
ip -n "$srv" route add 10.0.0.0/16 via 192.0.2.2
for _ in $(seq 50); do
	ip -n "$srv" -6 addr show dev "${ns}a" scope link | grep -q 'inet6 fe80' &&
		! ip -n "$srv" -6 addr show dev "${ns}a" | grep -q tentative && break
	sleep 0.1
done

cat >"$tmp/kea4.conf" <<CONF
// Kea DHCPv4 for the lq end-to-end test (comments are Kea's own syntax)
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "${ns}a" ] },
  "lease-database": { "type": "memfile", "name": "$tmp/leases4.csv", "lfc-interval": 3 },
  "store-extended-info": true,
  "valid-lifetime": 3600,
  "subnet4": [ { "id": 7, "subnet": "10.0.0.0/16",
                 "pools": [ { "pool": "10.0.1.0 - 10.0.255.250" } ],
                 "relay": { "ip-addresses": [ "10.0.0.1" ] } } ],
  "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "$tmp/kea4.log" } ], "severity": "WARN" } ]
} }
CONF
cat >"$tmp/kea6.conf" <<CONF
{ "Dhcp6": {
  "interfaces-config": { "interfaces": [ "${ns}a" ] },
  "server-id": { "type": "EN", "enterprise-id": 2495, "identifier": "6c71", "persist": false },
  "lease-database": { "type": "memfile", "name": "$tmp/leases6.csv", "lfc-interval": 3 },
  "store-extended-info": true,
  "preferred-lifetime": 3000, "valid-lifetime": 4000,
  "subnet6": [ { "id": 9, "subnet": "2001:db8:1::/64", "interface": "${ns}a",
                 "pools": [ { "pool": "2001:db8:1::100 - 2001:db8:1::ffff" } ],
                 "pd-pools": [ { "prefix": "2001:db8:8000::", "prefix-len": 33, "delegated-len": 56 } ] } ],
  "loggers": [ { "name": "kea-dhcp6", "output_options": [ { "output": "$tmp/kea6.log" } ], "severity": "WARN" } ]
} }
CONF
cat >"$tmp/lqd.conf" <<CONF
{
  // lqd follows both Kea lease files and takes its subnets from Kea's configuration
  "server-id": "192.0.2.1",
  "store": { "path": "$tmp/store" },
  "kea-config": [ "$tmp/kea4.conf", "$tmp/kea6.conf" ],
  "sources": [ { "type": "kea-csv", "path": "$tmp/leases4.csv" },
               { "type": "kea-csv", "path": "$tmp/leases6.csv" } ],
  "control-socket": "$tmp/lqd.sock"
}
CONF

export KEA_PIDFILE_DIR="$tmp" KEA_LOCKFILE_DIR="$tmp"
ip netns exec "$srv" kea-dhcp4 -c "$tmp/kea4.conf" >"$tmp/kea4.out" 2>&1 &
pids+=($!)
ip netns exec "$srv" kea-dhcp6 -c "$tmp/kea6.conf" >"$tmp/kea6.out" 2>&1 &
pids+=($!)

start_lqd() {
	"$BUILD/lqd" -c "$tmp/lqd.conf" >>"$tmp/lqd.log" 2>&1 &
	lqd_pid=$!
	for _ in $(seq 50); do
		python3 "$here/lqctl.py" "$tmp/lqd.sock" '{"command":"status"}' >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	notok "lqd did not come up"; exit 1
}
start_lqd
sleep 1

# -- traffic: relayed DHCPv4 with option 82 (circuit-id "eth0", remote-id
# "cpe001"), relayed DHCPv6 addresses and prefixes with releases; 12 s
ip netns exec "$cli" timeout 40 perfdhcp -4 -l 10.0.0.1 -R 400 -r 60 -p 12 \
	-o 82,0104657468300206637065303031 192.0.2.1 >"$tmp/perf4.log" 2>&1 &
perf4=$!
ip netns exec "$cli" timeout 40 perfdhcp -6 -l "${ns}b" -A1 -R 300 -r 40 -p 12 -F 5 \
	-e address-and-prefix >"$tmp/perf6.log" 2>&1 &
perf6=$!

sleep 6
kill -9 "$lqd_pid"
wait "$lqd_pid" 2>/dev/null
ok "lqd killed with SIGKILL in the middle of the run"
start_lqd
wait "$perf4" "$perf6"

grep -q "received packets: [1-9]" "$tmp/perf4.log" || notok "perfdhcp v4 got no answers"
grep -q "received packets: [1-9]" "$tmp/perf6.log" || notok "perfdhcp v6 got no answers"

# -- let lqd read to the end of both files
caught_up() {
	python3 - "$tmp/lqd.sock" "$tmp/leases4.csv" "$tmp/leases6.csv" <<'PY'
import os, sys
sys.path.insert(0, os.environ["HERE"])
from lqctl import request
st = request(sys.argv[1], {"command": "status"})
sizes = {p: os.path.getsize(p) for p in sys.argv[2:]}
sys.exit(0 if all(s["offset"] == sizes.get(s["path"]) and not s["loading"] for s in st["sources"]) else 1)
PY
}
export HERE="$here"
for _ in $(seq 100); do caught_up && break; sleep 0.2; done
caught_up && ok "lqd read both lease files to their end" || notok "lqd did not catch up"

ls "$tmp"/leases4.csv.2 "$tmp"/leases6.csv.2 >/dev/null 2>&1 &&
	ok "Kea's lease file cleanup rotated both files during the run" || notok "no lease file cleanup happened"

python3 "$here/compare_leases.py" "$tmp/lqd.sock" kea4 "$tmp/leases4.csv" || fail=1
python3 "$here/compare_leases.py" "$tmp/lqd.sock" kea6 "$tmp/leases6.csv" || fail=1

# -- a restart with nothing new resumes and changes nothing
kill "$lqd_pid"; wait "$lqd_pid" 2>/dev/null
kill -9 "${pids[@]}" 2>/dev/null; wait 2>/dev/null; pids=()
start_lqd
grep -q "resuming at line" "$tmp/lqd.log" && ok "restart resumes from the stored position" ||
	notok "restart did not resume"
python3 "$here/compare_leases.py" "$tmp/lqd.sock" kea4 "$tmp/leases4.csv" || fail=1
exit $fail
