#!/bin/bash
# dhcpd_follow.sh BUILD_DIR - real ISC dhcpd, real traffic, real lease
# files: dhcpd -4 and dhcpd -6 serve relayed perfdhcp clients (option 82,
# releases, 3-second leases that expire, addresses and delegated prefixes)
# across a veth pair between two network namespaces, and lqd follows
# dhcpd.leases and dhcpd6.leases. Both servers are restarted twice in the
# middle of the run; each start makes dhcpd write a fresh, compacted lease
# file and rename it over the old one (the rewrite it otherwise does about
# hourly): once while lqd is down, once while lqd follows the files. lqd is
# killed with SIGKILL twice. At the end lqd must hold exactly the leases the
# files say, field by field, and nothing else.
# Needs root (network namespaces). LQ_KEEP=1 keeps the temporary directory.
set -u
BUILD=$(realpath "${1:-build}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/netns_lib.sh"
tmp=$(mktemp -d /tmp/lq-dhcpd-XXXXXX)
ns=ld$$
srv=${ns}s
cli=${ns}c
declare -A dhcpd_pid=()
perf_pids=()
lqd_pid=
lqd_runs=0
fail=0

cleanup() {
	# perf_pids are timeout(1) processes: TERM reaches their perfdhcp too
	for p in "${perf_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${perf_pids[@]}" "${dhcpd_pid[@]}" $lqd_pid; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$srv" 2>/dev/null
	ip netns del "$cli" 2>/dev/null
	if [ "$fail" -ne 0 ]; then
		echo "--- lqd logs"; tail -n 15 "$tmp"/lqd.*.log
		echo "--- dhcpd and perfdhcp logs"; tail -n 5 "$tmp"/dhcpd*.log "$tmp"/perf*.log
	fi
	if [ -n "${LQ_KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

ok() { echo "ok $*"; }
notok() { echo "not ok $*"; fail=1; }

# -- two hosts: the DHCP server and a relay with its clients (two relay
# addresses: 10.0.0.1 for long leases, 10.0.0.2 for short ones)
netns_pair "$srv" "$cli" "${ns}a" "${ns}b" "192.0.2.1/24 2001:db8:1::1/64" \
	"192.0.2.2/24 10.0.0.1/16 10.0.0.2/16 2001:db8:1::2/64" ||
	{ notok "cannot create network namespaces (root needed)"; exit 1; }
ip -n "$srv" route add 10.0.0.0/16 via 192.0.2.2

# Clients behind relay 10.0.0.1 get an hour; those whose relay agent says
# remote-id "cpe002" (behind 10.0.0.2) get 3 seconds, so dhcpd expires
# leases during the run and writes them back as free.
cat >"$tmp/dhcpd4.conf" <<CONF
# ISC dhcpd (DHCPv4) for the lq end-to-end test
authoritative;
ddns-update-style none;
default-lease-time 3600;
max-lease-time 3600;
# keep the client's vendor class in its lease
set vendor-class-identifier = option vendor-class-identifier;
subnet 192.0.2.0 netmask 255.255.255.0 { }
subnet 10.0.0.0 netmask 255.255.0.0 {
  range 10.0.1.0 10.0.255.250;
  if option agent.remote-id = "cpe002" {
    default-lease-time 3; max-lease-time 3; min-lease-time 3;
  }
}
CONF
cat >"$tmp/dhcpd6.conf" <<CONF
# ISC dhcpd (DHCPv6) for the lq end-to-end test
authoritative;
ddns-update-style none;
default-lease-time 4000;
preferred-lifetime 3000;
max-lease-time 4000;
subnet6 2001:db8:1::/64 {
  range6 2001:db8:1::100 2001:db8:1::ffff;
  prefix6 2001:db8:8000:: 2001:db8:8000:ff00:: /56;
}
CONF
cat >"$tmp/lqd.conf" <<CONF
{
  // lqd follows both lease files of ISC dhcpd
  "server-id": "192.0.2.1",
  "store": { "path": "$tmp/store" },
  "sources": [ { "type": "dhcpd-leases", "path": "$tmp/dhcpd.leases", "family": 4 },
               { "type": "dhcpd-leases", "path": "$tmp/dhcpd6.leases", "family": 6 } ],
  "subnets4": [ { "subnet": "10.0.0.0/16", "pools": [ "10.0.1.0 - 10.0.255.250" ] } ],
  "subnets6": [ { "subnet": "2001:db8:1::/64", "pools": [ "2001:db8:1::100 - 2001:db8:1::ffff" ],
                  "pd-pools": [ { "prefix": "2001:db8:8000::/48", "delegated-len": 56 } ] } ],
  "control-socket": "$tmp/lqd.sock"
}
CONF
touch "$tmp/dhcpd.leases" "$tmp/dhcpd6.leases"

# start_dhcpd 4|6: start (or restart) one dhcpd and wait until it serves.
# Every start rewrites the lease file: "Wrote N leases to leases file."
start_dhcpd() {
	local v=$1 leases=$tmp/dhcpd.leases log=$tmp/dhcpd$1.log
	[ "$v" = 6 ] && leases=$tmp/dhcpd6.leases
	if [ -n "${dhcpd_pid[$v]:-}" ]; then
		kill "${dhcpd_pid[$v]}" 2>/dev/null
		for _ in $(seq 50); do kill -0 "${dhcpd_pid[$v]}" 2>/dev/null || break; sleep 0.1; done
		kill -9 "${dhcpd_pid[$v]}" 2>/dev/null
		wait "${dhcpd_pid[$v]}" 2>/dev/null
	fi
	rm -f "$tmp/dhcpd$v.pid"       # dhcpd refuses to start while its pid file names a live process
	echo "=== start $(date +%T.%N)" >>"$log"
	ip netns exec "$srv" dhcpd -"$v" -f -d -cf "$tmp/dhcpd$v.conf" -lf "$leases" \
		-pf "$tmp/dhcpd$v.pid" "${ns}a" >>"$log" 2>&1 &
	dhcpd_pid[$v]=$!
	for _ in $(seq 50); do
		[ "$(grep -c 'Server starting service' "$log")" -ge "$2" ] && return 0
		sleep 0.1
	done
	notok "dhcpd -$v did not start (start $2)"; exit 1
}

start_lqd() {
	lqd_runs=$((lqd_runs + 1))
	"$BUILD/lqd" -c "$tmp/lqd.conf" >"$tmp/lqd.$lqd_runs.log" 2>&1 &
	lqd_pid=$!
	for _ in $(seq 50); do
		python3 "$here/lqctl.py" "$tmp/lqd.sock" '{"command":"status"}' >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	notok "lqd did not come up"; exit 1
}

kill_lqd() {
	kill -9 "$lqd_pid"
	wait "$lqd_pid" 2>/dev/null
	lqd_pid=
}

# lqd_status and wait_caught_up (netns_lib.sh) look at these
lqd_sock=$tmp/lqd.sock
lqd_files="$tmp/dhcpd.leases $tmp/dhcpd6.leases"

start_dhcpd 4 1
start_dhcpd 6 1
start_lqd
sleep 1

# -- traffic for 14 s: relayed DHCPv4 with option 82 (circuit-id "eth0",
# remote-id "cpe001"), a vendor class ("lq-test"), a host name ("cpe-host")
# and releases; short-lease clients with remote-id
# "cpe002" behind the second relay; relayed DHCPv6 addresses and prefixes
# with releases
ip netns exec "$cli" timeout 40 perfdhcp -4 -l 10.0.0.1 -R 300 -r 40 -F 4 -p 14 \
	-o 82,0104657468300206637065303031 -o 60,6c712d74657374 -o 12,6370652d686f7374 \
	192.0.2.1 >"$tmp/perf4.log" 2>&1 &
perf_pids+=($!)
ip netns exec "$cli" timeout 40 perfdhcp -4 -l 10.0.0.2 -b mac=00:0c:02:00:00:00 -R 40 -r 8 -p 14 \
	-o 82,0104657468300206637065303032 192.0.2.1 >"$tmp/perf4short.log" 2>&1 &
perf_pids+=($!)
ip netns exec "$cli" timeout 40 perfdhcp -6 -l "${ns}b" -A1 -R 200 -r 30 -p 14 -F 4 \
	-e address-and-prefix >"$tmp/perf6.log" 2>&1 &
perf_pids+=($!)

# -- 3 s: SIGKILL; both dhcpd restart and rewrite their files while lqd is
# down; lqd must notice the files were replaced and load them whole
sleep 3
kill_lqd
ok "lqd killed with SIGKILL in the middle of the run"
start_dhcpd 4 2
start_dhcpd 6 2
start_lqd
[ "$(grep -c "replaced since the last run" "$tmp/lqd.2.log")" -eq 2 ] &&
	ok "lqd reloaded both files dhcpd rewrote while it was down" || notok "lqd did not notice the rewritten files"

# -- 6 s: SIGKILL, restart at once: lqd resumes where its store is
sleep 2.5
kill_lqd
start_lqd
[ "$(grep -c "resuming at line" "$tmp/lqd.3.log")" -eq 2 ] && ok "lqd resumed both files after a second SIGKILL" ||
	notok "lqd did not resume after SIGKILL"

# -- 9 s: both dhcpd restart and rewrite their files under the running lqd;
# nothing reloads the files after this, so the end shows what following
# across a rewrite gives
sleep 3
start_dhcpd 4 3
start_dhcpd 6 3
for _ in $(seq 30); do lqd_status 'all(s["rotations"] >= 1 for s in st["sources"])' && break; sleep 0.1; done
lqd_status 'all(s["rotations"] >= 1 for s in st["sources"])' &&
	ok "lqd followed both files across dhcpd's rewrite" || notok "lqd did not see dhcpd's rewrite"

wait "${perf_pids[@]}"
perf_pids=()
for p in perf4 perf4short perf6; do
	grep -q "received packets: [1-9]" "$tmp/$p.log" || notok "$p: perfdhcp got no answers"
done
grep -q "DHCPRELEASE of .* (found)" "$tmp/dhcpd4.log" && ok "dhcpd released DHCPv4 leases" ||
	notok "no DHCPv4 release reached dhcpd"
rewrites4=$(grep -c "^Wrote [1-9][0-9]* leases to leases file" "$tmp/dhcpd4.log")
rewrites6=$(grep -c "^Wrote [1-9][0-9]* NA, .* leases to lease file" "$tmp/dhcpd6.log")
[ "$rewrites4" -ge 2 ] && [ "$rewrites6" -ge 2 ] && [ -s "$tmp/dhcpd.leases~" ] && [ -s "$tmp/dhcpd6.leases~" ] &&
	ok "dhcpd rewrote its lease files in the middle of the run ($rewrites4 + $rewrites6 times)" ||
	notok "dhcpd did not rewrite its lease files (v4 $rewrites4, v6 $rewrites6)"

# -- a few seconds more: every 3-second lease expires, and dhcpd writes it
# back as free while lqd follows. Then both dhcpd stop, so the files stay as
# they are while lqd and the files are compared.
short_expired() {
	python3 - "$here" "$tmp/dhcpd.leases" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from compare_leases import dhcpd_expected
short = [l for l in dhcpd_expected(sys.argv[2]).values() if (l["hwaddr"] or "").startswith("00:0c:02")]
sys.exit(0 if short and all(l["state"] == "available" for l in short) else 1)
PY
}
sleep 3
for _ in $(seq 40); do short_expired && break; sleep 0.2; done
short_expired && ok "dhcpd expired every short lease" || notok "the short leases did not expire"
for v in 4 6; do kill "${dhcpd_pid[$v]}"; wait "${dhcpd_pid[$v]}" 2>/dev/null; done
dhcpd_pid=()

# -- let lqd read to the end of both files, then compare
wait_caught_up && ok "lqd read both lease files to their end" || notok "lqd did not catch up"
python3 "$here/compare_leases.py" "$tmp/lqd.sock" dhcpd4 "$tmp/dhcpd.leases" || fail=1
python3 "$here/compare_leases.py" "$tmp/lqd.sock" dhcpd6 "$tmp/dhcpd6.leases" || fail=1
# dhcpd -6 leaves released leases out of a rewritten file; lqd must drop them
sed -n 's/.*\(dhcpd6*\.leases\): removed \([0-9]*\) .*/# after the rewrite lqd followed, \2 bindings \1 no longer has were removed/p' \
	"$tmp/lqd.3.log"
grep -q "binding state free" "$tmp/dhcpd.leases" && ok "the DHCPv4 file has free (released or expired) leases" ||
	notok "no DHCPv4 lease was released or expired"
for what in "option agent.remote-id" "client-hostname" "set vendor-class-identifier"; do
	grep -q "^  $what" "$tmp/dhcpd.leases" && ok "dhcpd.leases has '$what' for lqd to read" ||
		notok "no '$what' in dhcpd.leases"
done
grep -q "iaprefix" "$tmp/dhcpd6.leases" && grep -q "binding state released" "$tmp/dhcpd6.leases" &&
	ok "the DHCPv6 file has prefixes and released leases" || notok "no DHCPv6 prefix or release in dhcpd6.leases"

# -- a restart with nothing new resumes and changes nothing
kill "$lqd_pid"; wait "$lqd_pid" 2>/dev/null
start_lqd
[ "$(grep -c "resuming at line" "$tmp/lqd.4.log")" -eq 2 ] && ok "restart resumes both files from the stored position" ||
	notok "restart did not resume"
wait_caught_up || notok "lqd did not catch up after the last restart"
python3 "$here/compare_leases.py" "$tmp/lqd.sock" dhcpd4 "$tmp/dhcpd.leases" || fail=1
python3 "$here/compare_leases.py" "$tmp/lqd.sock" dhcpd6 "$tmp/dhcpd6.leases" || fail=1
exit $fail
