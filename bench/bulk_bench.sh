#!/bin/sh
# bulk_bench.sh - the bulk leasequery benchmark: how many bindings a second
# lqd streams to one requestor on loopback for a DHCPv4 query for all
# configured addresses (RFC 6926) and a DHCPv6 QUERY_BY_LINK_ADDRESS with
# link-address :: (every binding, RFC 5460), over ROWS bindings loaded from a
# Kea memfile lease file.
#
# usage: bench/bulk_bench.sh [-n ROWS] [-r RUNS] [-f 4,6] [-w WORKDIR] [-B BUILDDIR]
#   -n ROWS     bindings (default 1000000): a Kea lease file of ROWS distinct
#               leases (bench/gen_kea_leases.py --renew 0; v4: one contiguous
#               pool of ROWS addresses; v6: ROWS/2 clients with an address and
#               a delegated /56 each)
#   -r RUNS     queries per family; the summary shows the median (default 5)
#   -f LIST     families (default 4,6)
#   -w WORKDIR  lease files (cached) and the run directory (default /tmp/lq-bulk-bench)
#   -B BUILDDIR the build to measure (default build)
#
# Per family: lqd loads the file into a fresh store; then RUNS times
# build/bench/bulk_sink sends the query and reads the whole answer, counting
# bindings (it fails unless exactly ROWS arrive, in a complete answer).
# Reported: bindings/s per run and the median, and lqd's peak RSS.
# Bounded: lqd load 600 s, each query 300 s. Run from the repository root
# after `ninja -C build`.
set -eu

rows=1000000
runs=5
families=4,6
workdir=/tmp/lq-bulk-bench
builddir=build

while getopts n:r:f:w:B:h opt; do
	case $opt in
	n) rows=$OPTARG ;;
	r) runs=$OPTARG ;;
	f) families=$OPTARG ;;
	w) workdir=$OPTARG ;;
	B) builddir=$OPTARG ;;
	h) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) exit 2 ;;
	esac
done

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$builddir" && pwd)
lqd=$build/lqd
sink=$build/bench/bulk_sink
[ -x "$lqd" ] && [ -x "$sink" ] || { echo "bulk_bench: build $build first" >&2; exit 1; }
mkdir -p "$workdir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
lqd_pid=
cleanup() { [ -n "$lqd_pid" ] && kill "$lqd_pid" 2>/dev/null && wait "$lqd_pid" 2>/dev/null; return 0; }
trap cleanup EXIT INT TERM

echo "bulk_bench: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
	"$rows bindings, $runs runs, families $families"

for family in $(echo "$families" | tr ',' ' '); do
	leases=$workdir/leases$family-$rows.csv
	if [ ! -s "$leases" ]; then
		clients=$rows
		[ "$family" = 6 ] && clients=$((rows / 2)) && rows=$((clients * 2))
		python3 "$here/gen_kea_leases.py" -$family -n "$rows" --renew 0 -o "$leases.tmp"
		mv "$leases.tmp" "$leases"
	fi
	run=$workdir/run$family
	rm -rf "$run"
	mkdir -p "$run"
	if [ "$family" = 4 ]; then
		last=$(python3 -c "import ipaddress; print(ipaddress.IPv4Address(0x0a000100 + $rows - 1))")
		subnets="\"subnets4\": [{\"subnet\": \"10.0.0.0/8\", \"pools\": [\"10.0.1.0 - $last\"]}]"
		listen="{\"address\": \"127.0.0.1\", \"udp-port\": false, \"tcp-port\": $port}"
		host=127.0.0.1
	else
		subnets="\"subnets6\": [{\"subnet\": \"2001:db8:1::/64\", \"pd-pools\":
			[{\"prefix\": \"2001:db8:8000::/33\", \"delegated-len\": 56}]}]"
		listen="{\"address\": \"::1\", \"udp-port\": false, \"tcp-port\": $port}"
		host=::1
	fi
	cat > "$run/lqd.conf" <<CONF
{ "listen": [$listen], "server-id": "127.0.0.1",
  "store": {"path": "$run/store"}, "control-socket": "$run/lqd.sock",
  "sources": [{"type": "kea-csv", "path": "$leases", "family": $family}],
  $subnets }
CONF
	start=$(date +%s)
	"$lqd" -c "$run/lqd.conf" 2>"$run/lqd.log" &
	lqd_pid=$!
	# loaded: the control socket answers and the source is no longer loading
	until python3 "$here/../tests/e2e/lqctl.py" "$run/lqd.sock" '{"command":"status"}' 2>/dev/null |
		grep -q '"loading": false'; do
		kill -0 "$lqd_pid" 2>/dev/null || { cat "$run/lqd.log" >&2; exit 1; }
		[ $(($(date +%s) - start)) -lt 600 ] || { echo "bulk_bench: load took over 600 s" >&2; exit 1; }
		sleep 0.2
	done
	echo "family $family: $rows bindings loaded in $(($(date +%s) - start)) s"
	rates=
	for i in $(seq "$runs"); do
		out=$(timeout 300 "$sink" -$family "$host" "$port" -e "$rows")
		echo "ok family $family run $i: exactly $rows bindings, complete: $out"
		rates="$rates $(echo "$out" | sed 's/.*s, \([0-9]*\) bindings\/s.*/\1/')"
	done
	median=$(echo "$rates" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	hwm=$(grep VmHWM "/proc/$lqd_pid/status" | awk '{print $2}')
	echo "family $family: median $median bindings/s over $runs runs; lqd VmHWM $hwm kB"
	kill "$lqd_pid"
	wait "$lqd_pid" 2>/dev/null || true
	lqd_pid=
done
