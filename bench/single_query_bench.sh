#!/bin/bash
# single_query_bench.sh - the single-query benchmark of lqd: DHCPv4
# leasequeries (RFC 4388) per second with N bindings loaded, for lqd, ISC
# dhcpd on the same leases, and a do-nothing UDP responder, all driven by the
# same load generator (build/bench/lq_perf) in the same run, several rounds
# interleaved; prints the medians and the ratios lqd/dhcpd and lqd/null.
#
# usage: bench/single_query_bench.sh [-n LEASES] [-r ROUNDS] [-d SECONDS] [-w WINDOW]
#                                    [-q by-ip,by-mac] [-S SERVERS] [-A LQD] [-W WORKDIR]
#                                    [-B BUILDDIR] [-k]
#   -n LEASES   leases in the file (default 1000000)
#   -r ROUNDS   rounds; each runs every query kind against every server, in
#               a rotating order (default 5)
#   -d SECONDS  measured seconds per run, after 1 s of warm-up (default 5)
#   -w WINDOW   queries outstanding (default 64)
#   -q KINDS    query kinds (default by-ip,by-mac)
#   -S SERVERS  which servers to measure (default dhcpd,lqd,null, and base
#               with -A)
#   -A LQD      also measure this other lqd binary as "base", in the same
#               run (for before/after comparisons of an optimization; it
#               gets its own copy of the leases, store and link, 198.18.0.1)
#   -W WORKDIR  where the lease file is generated (kept and reused while its
#               leases are still active) and the runs happen (default
#               /tmp/lq-single-query-bench)
#   -B BUILDDIR the build to measure (default build)
#   -k          keep the servers' logs, configurations and results
#
# The setup (needs root: network namespaces, port 67):
#   - one dhcpd.leases file of N leases (bench/gen_dhcpd_leases.py: 90%
#     active, 10% free, consecutive addresses from 10.0.0.1, each with
#     hardware address, uid, option 82 and 40% a host name);
#   - four network namespaces: the generator's, and one per server, each
#     server's joined to the generator's by its own veth pair (dhcpd
#     192.0.2.1, lqd 198.51.100.1, null 203.0.113.1; the generator is .2 on
#     each link). Every server answers on UDP port 67 of its address;
#   - ISC dhcpd -4 with "allow leasequery" and a range of exactly the leased
#     addresses, loading its copy of the file. It logs three lines per query
#     (it cannot be told not to); they go to /dev/log as in a deployment,
#     where build/bench/syslog_sink reads and discards them in batches (in a
#     private mount namespace, so the machine's /dev is untouched);
#   - lqd following its copy of the same file (source dhcpd-leases), the
#     same subnet and pool configured, on a fresh store; 
#   - build/bench/udp_null_responder: lqd's threading, no lookup.
# Each run is `lq_perf --sport 67 -l <generator address> -s <server>` over
# the N leased addresses at random (by MAC: the leases' 02:00:a:b:c:d):
# dhcpd ignores the relay source port sub-option and answers to giaddr
# port 67, so the generator listens there for every server alike. The
# servers' CPU time during each run (utime+stime from /proc) gives the CPU
# microseconds per answered query, less sensitive to the shared machine.
#
# Bounded: dhcpd and lqd get 600 s each to load, each run warm-up + duration
# + 10 s; everything started is stopped at the end. Results also go to
# WORKDIR/results.json.
set -u

leases=1000000
rounds=5
duration=5
window=64
kinds=by-ip,by-mac
workdir=/tmp/lq-single-query-bench
builddir=build
keep=
server_list=
base_lqd=

while getopts n:r:d:w:q:S:A:W:B:kh opt; do
	case $opt in
	n) leases=$OPTARG ;;
	r) rounds=$OPTARG ;;
	d) duration=$OPTARG ;;
	w) window=$OPTARG ;;
	q) kinds=$OPTARG ;;
	S) server_list=$OPTARG ;;
	A) base_lqd=$(realpath "$OPTARG") ;;
	W) workdir=$OPTARG ;;
	B) builddir=$OPTARG ;;
	k) keep=1 ;;
	h) sed -n '2,50p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) exit 2 ;;
	esac
done

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$builddir" && pwd) || exit 1
lqd=$build/lqd
perf=$build/bench/lq_perf
null=$build/bench/udp_null_responder
sink=$build/bench/syslog_sink
py=/usr/bin/python3
[ -x "$py" ] || py=python3
[ -n "$server_list" ] || server_list=dhcpd,lqd,null${base_lqd:+,base}
IFS=, read -ra servers <<<"$server_list"
want() { [[ ",$server_list," == *",$1,"* ]]; }
want base && [ -z "$base_lqd" ] && { echo "single_query_bench: base needs -A LQD" >&2; exit 2; }
for f in "$lqd" "$perf" "$null" "$sink" $base_lqd; do
	[ -x "$f" ] || { echo "single_query_bench: no $f (run ninja -C $builddir)" >&2; exit 1; }
done
command -v dhcpd >/dev/null || PATH=$PATH:/usr/sbin
command -v dhcpd >/dev/null || { echo "single_query_bench: dhcpd not installed (isc-dhcp-server)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "single_query_bench: needs root (network namespaces)" >&2; exit 1; }

mkdir -p "$workdir" || exit 1
run=$(mktemp -d "$workdir/run-XXXXXX")
ns=sqb$$
nsc=${ns}c
pids=()

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for _ in $(seq 30); do
		alive=
		for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ -z "$alive" ] && break
		sleep 0.1
	done
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	for n in "$nsc" "${ns}dhcpd" "${ns}lqd" "${ns}null" "${ns}base"; do ip netns del "$n" 2>/dev/null; done
	if [ -n "$keep" ]; then echo "kept $run"; else rm -rf "$run"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "single_query_bench: $*" >&2; }

# -- the lease file, reused while its active leases have more than a day left
# (they end two days after it was written)
lease_file=$workdir/dhcpd-$leases.leases
if [ ! -s "$lease_file" ] || [ -n "$(find "$lease_file" -mmin +1440)" ]; then
	say "writing $leases leases to $lease_file"
	timeout 900 "$py" "$here/gen_dhcpd_leases.py" -n "$leases" -o "$lease_file.tmp" &&
		mv "$lease_file.tmp" "$lease_file" || { say "cannot write the lease file"; exit 1; }
fi
read -r last prefix mask <<<"$("$py" -c '
import ipaddress, sys
n = int(sys.argv[1])
last = ipaddress.IPv4Address("10.0.0.1") + n - 1
plen = 12 if n <= (1 << 20) - 2 else 8
print(last, plen, ipaddress.IPv4Network("10.0.0.0/%d" % plen).netmask)' "$leases")"
range="10.0.0.1-$last"

# -- the network: the generator's namespace and one per server
ip netns add "$nsc" || { say "cannot create network namespaces"; exit 1; }
ip -n "$nsc" link set lo up
declare -A server_addr=([dhcpd]=192.0.2 [lqd]=198.51.100 [null]=203.0.113 [base]=198.18.0)
declare -A server_pid=()
for s in "${servers[@]}"; do  # a namespace NS${s} and a link to the generator's
	n=$ns$s a=${server_addr[$s]:-} i=$ns${s:0:1}   # interface names: 15 octets at most
	[ -n "$a" ] || { say "unknown server $s"; exit 2; }
	ip netns add "$n" && ip -n "$n" link set lo up &&
	ip link add "${i}a" type veth peer name "${i}b" &&
	ip link set "${i}a" netns "$n" && ip link set "${i}b" netns "$nsc" &&
	ip -n "$n" addr add "$a.1/24" dev "${i}a" && ip -n "$nsc" addr add "$a.2/24" dev "${i}b" &&
	ip -n "$n" link set "${i}a" up && ip -n "$nsc" link set "${i}b" up ||
		{ say "cannot set up the link of $s"; exit 1; }
done

# -- dhcpd, with a syslog sink at its /dev/log
sink_pid= dhcpd_pid=
if want dhcpd; then
	cp "$lease_file" "$run/dhcpd.leases"
	cat >"$run/dhcpd.conf" <<-CONF
	# ISC dhcpd for lq's single-query benchmark
	authoritative;
	ddns-update-style none;
	allow leasequery;
	default-lease-time 86400;
	max-lease-time 172800;
	subnet 192.0.2.0 netmask 255.255.255.0 { }
	subnet 10.0.0.0 netmask $mask {
	  range 10.0.0.1 $last;
	}
	CONF
	"$sink" "$run/syslog.sock" >"$run/syslog.log" 2>&1 &
	pids+=($!)
	sink_pid=$!
	mkdir -p "$run/dev"
	say "starting dhcpd on $leases leases"
	t0=$(date +%s.%N)
	# shellcheck disable=SC2016
	unshare -m --propagation private sh -c '
		set -e
		for f in null zero random urandom; do
			touch "$1/dev/$f"; mount --bind "/dev/$f" "$1/dev/$f"
		done
		ln -sf "$1/syslog.sock" "$1/dev/log"
		mount --rbind "$1/dev" /dev
		exec ip netns exec "$2" dhcpd -4 -f -q -cf "$1/dhcpd.conf" -lf "$1/dhcpd.leases" \
			-pf "$1/dhcpd.pid" "$3"' sh "$run" "${ns}dhcpd" "${ns}da" >"$run/dhcpd.log" 2>&1 &
	pids+=($!)
	dhcpd_pid=$!
fi

# -- lqd (and the base lqd) on the same leases, each from its own copy
start_lqd() {  # start_lqd NAME BINARY
	local d=$run/$1 a=${server_addr[$1]}
	mkdir -p "$d" && cp "$lease_file" "$d/lqd.leases"
	cat >"$d/lqd.conf" <<CONF
{
  // lqd for lq's single-query benchmark
  "server-id": "$a.1",
  "listen": [ { "address": "$a.1", "udp-port": 67, "tcp-port": false } ],
  "store": { "path": "$d/store" },
  "sources": [ { "type": "dhcpd-leases", "path": "$d/lqd.leases", "family": 4 } ],
  "subnets4": [ { "subnet": "10.0.0.0/$prefix", "pools": [ "10.0.0.1 - $last" ] } ],
  "requesters": [ "$a.0/24" ],
  "control-socket": "$d/lqd.sock"
}
CONF
	ip netns exec "$ns$1" "$2" -c "$d/lqd.conf" >"$d/lqd.log" 2>&1 &
	pids+=($!)
	server_pid[$1]=$!
}
# lqd loads while dhcpd does: each is timed from its own start, but they
# share the machine, so the load times are indicative only
t1=$(date +%s.%N)
want lqd && start_lqd lqd "$lqd"
want base && start_lqd base "$base_lqd"
if want null; then
	ip netns exec "${ns}null" "$null" -a "${server_addr[null]}.1" -p 67 >"$run/null.log" 2>&1 &
	pids+=($!)
	server_pid[null]=$!
fi
[ -n "$dhcpd_pid" ] && server_pid[dhcpd]=$dhcpd_pid

declare -A loaded=()
dhcpd_started=-
want dhcpd && dhcpd_started=
for _ in $(seq 6000); do
	pending=
	for s in lqd base; do
		want $s || continue
		kill -0 "${server_pid[$s]}" 2>/dev/null || { say "$s exited:"; tail -5 "$run/$s/lqd.log" >&2; exit 1; }
		[ -n "${loaded[$s]:-}" ] && continue
		if "$py" "$here/../tests/e2e/lqctl.py" "$run/$s/lqd.sock" '{"command":"status"}' 2>/dev/null |
			grep -q "\"bindings4\": $leases,"; then
			loaded[$s]=$(echo "$(date +%s.%N) - $t1" | bc)
			say "$s loaded $leases bindings in ${loaded[$s]} s"
		else
			pending=1
		fi
	done
	if [ -z "$dhcpd_started" ]; then
		if grep -q 'Server starting service' "$run/syslog.log"; then
			dhcpd_started=$(echo "$(date +%s.%N) - $t0" | bc)
			say "dhcpd started on $leases leases in $dhcpd_started s"
		else
			pending=1
			kill -0 "$dhcpd_pid" 2>/dev/null ||
				{ say "dhcpd exited:"; tail -5 "$run/dhcpd.log" "$run/syslog.log" >&2; exit 1; }
		fi
	fi
	[ -z "$pending" ] && break
	sleep 0.1
done
[ -z "$pending" ] || { say "dhcpd or lqd did not load in 600 s"; exit 1; }
if want null; then
	sleep 0.2
	grep -q 'answering DHCPv4' "$run/null.log" || { say "the null responder did not start"; exit 1; }
fi

cpu_ticks() {  # utime + stime of a process (all its threads), in clock ticks
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

results=$run/results.jsonl
: >"$results"
hz=$(getconf CLK_TCK)
IFS=, read -ra kind_list <<<"$kinds"
say "$rounds rounds of ${kind_list[*]} x ${servers[*]}, ${duration} s each, window $window"
for r in $(seq "$rounds"); do
	for kind in "${kind_list[@]}"; do
		for i in "${!servers[@]}"; do
			s=${servers[$(((i + r - 1) % ${#servers[@]}))]}
			extra=()
			[ "$kind" = by-mac ] && extra=(--by-mac)
			c0=$(cpu_ticks "${server_pid[$s]}")
			l0=0 l1=0
			[ -n "$sink_pid" ] && l0=$(cpu_ticks "$sink_pid")
			out=$(timeout $((duration + 12)) ip netns exec "$nsc" "$perf" --json --label "$s" \
				-s "${server_addr[$s]}.1" -l "${server_addr[$s]}.2" --sport 67 --range "$range" \
				-w "$window" -d "$duration" --warmup 1 --seed "$r" "${extra[@]}")
			c1=$(cpu_ticks "${server_pid[$s]}")
			[ -n "$sink_pid" ] && l1=$(cpu_ticks "$sink_pid")
			[ -n "$out" ] || { say "round $r $kind $s: no result"; continue; }
			echo "$out" | "$py" -c '
import json, sys
d = json.loads(sys.stdin.read())
d.update(round=int(sys.argv[1]), ticks=int(sys.argv[2]), hz=int(sys.argv[3]), sink_ticks=int(sys.argv[4]))
print(json.dumps(d))' "$r" "$((c1 - c0))" "$hz" "$((l1 - l0))" >>"$results"
			tail -n 1 "$results" | "$py" -c '
import json, sys
d = json.loads(sys.stdin.read())
print("round %d %-6s %-5s %8.0f qps  p50 %5d us  p99 %6d us  timeouts %d" % (d["round"], d["query"],
      d["label"], d["qps"], d["p50_us"], d["p99_us"], d["timeouts"]), file=sys.stderr)'
		done
	done
done

[ -n "$dhcpd_pid" ] && kill "$dhcpd_pid" 2>/dev/null
echo "single_query_bench: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');" \
	"$leases leases; dhcpd started in ${dhcpd_started} s, lqd loaded in ${loaded[lqd]:--} s;" \
	"window $window, $rounds rounds of $duration s"
"$py" - "$results" "$workdir/results.json" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
kinds = list(dict.fromkeys(r["query"] for r in rows))
med = statistics.median
summary = {}
print("%-7s %-6s %9s %8s %8s %10s %9s" % ("query", "server", "qps", "p50 us", "p99 us", "CPU us/q", "timeouts"))
sink = []
for k in kinds:
    for s in ("lqd", "base", "dhcpd", "null"):
        rs = [r for r in rows if r["query"] == k and r["label"] == s]
        if not rs:
            continue
        cpu = [r["ticks"] / r["hz"] * 1e6 / r["replies_all"] for r in rs if r["replies_all"]]
        summary[(k, s)] = dict(qps=med(r["qps"] for r in rs), p50=med(r["p50_us"] for r in rs),
                               p99=med(r["p99_us"] for r in rs), cpu=med(cpu) if cpu else 0,
                               timeouts=sum(r["timeouts"] for r in rs))
        if s == "dhcpd":
            sink += [r["sink_ticks"] / r["hz"] * 1e6 / r["replies_all"] for r in rs if r["replies_all"]]
        x = summary[(k, s)]
        print("%-7s %-6s %9.0f %8d %8d %10.1f %9d" % (k, s, x["qps"], x["p50"], x["p99"], x["cpu"],
                                                      x["timeouts"]))
if sink:
    print("(the syslog sink reading dhcpd's log lines used %.1f us of CPU per dhcpd query more)" % med(sink))
print()
print("ratios (median over rounds of each round's ratio; qps, and CPU per query)")
out = {"summary": {"%s/%s" % k: v for k, v in summary.items()}, "rows": rows, "ratios": {}}
for k in kinds:
    by = {}
    for r in rows:
        if r["query"] == k:
            by.setdefault(r["round"], {})[r["label"]] = r
    for other, target, sign in (("dhcpd", 8.0, ">="), ("null", 0.8, ">="), ("base", None, None)):
        q = [b["lqd"]["qps"] / b[other]["qps"] for b in by.values()
             if "lqd" in b and other in b and b[other]["qps"] > 0]
        c = [(b[other]["ticks"] / b[other]["replies_all"]) / (b["lqd"]["ticks"] / b["lqd"]["replies_all"])
             for b in by.values() if "lqd" in b and other in b and b["lqd"]["ticks"] > 0
             and b["lqd"]["replies_all"] and b[other]["replies_all"]]
        if not q:
            continue
        verdict = "" if target is None else "  target %s %gx: %s;" % (
            sign, target, "met" if med(q) >= target else "missed")
        print("%-7s lqd/%-5s qps %6.2fx (rounds %s)%s  CPU per query %s/lqd %.2fx" % (
            k, other, med(q), " ".join("%.2f" % x for x in q), verdict, other, med(c) if c else 0))
        out["ratios"]["%s lqd/%s" % (k, other)] = dict(qps=med(q), rounds=q, cpu=med(c) if c else None)
json.dump(out, open(sys.argv[2], "w"), indent=1)
PY
