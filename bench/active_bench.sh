#!/bin/sh
# active_bench.sh - the active leasequery benchmark: how long a change takes
# from a line appended to the Kea lease file lqd follows to each of many
# DHCPv4 active requestors (RFC 7724) on loopback - the whole path: file ->
# lqd's follower -> store commit -> change notification -> TCP -> requestor -
# and how fast a reconnecting requestor catches up.
#
# usage: bench/active_bench.sh [-n ROWS] [-s SUBSCRIBERS] [-r RATE] [-d SECONDS]
#                              [-t TICK_US] [-w WORKDIR] [-B BUILDDIR] [-Q] [-S]
#   -n ROWS         bindings in the store (default 100000): a Kea v4 lease file
#                   of ROWS distinct leases (bench/gen_kea_leases.py --renew 0)
#   -s SUBSCRIBERS  active requestors (default 100)
#   -r RATE         changes a second appended to the lease file (default 10000)
#   -d SECONDS      how long (default 10)
#   -t TICK_US      the writer appends the changes due every TICK_US (default 1000)
#   -w WORKDIR      lease files (cached) and the run directory (default /tmp/lq-active-bench)
#   -B BUILDDIR     the build to measure (default build)
#   -Q              the subscribers acknowledge at once (TCP_QUICKACK after each
#                   read): a diagnosis of delays from Nagle's algorithm in lqd
#   -S              smoke: 20000 rows, 10 subscribers, 1000 changes/s for 2 s
#                   (for make check: fails when a change is lost)
#
# lqd follows a copy of the lease file (fresh store); build/bench/active_sink
# connects the subscribers, then appends RATE x SECONDS changes (each a
# binding of the file, its client identifier carrying the change number and
# the time of the write) and every subscriber times every change. It fails
# unless every subscriber receives every change exactly once. Then one
# requestor reconnects with query-start-time = the time before the run and
# catches up on the ROWS-or-fewer bindings changed (the rate is reported).
# Also reported: lqd's CPU time during the run and its peak RSS.
# Bounded: lqd load 300 s, the live run SECONDS + 60 s, catch-up 120 s.
# Run from the repository root after `ninja -C build`.
set -eu

rows=100000
subs=100
rate=10000
seconds=10
tick=1000
workdir=/tmp/lq-active-bench
builddir=build
quickack=

while getopts n:s:r:d:t:w:B:QSh opt; do
	case $opt in
	n) rows=$OPTARG ;;
	s) subs=$OPTARG ;;
	r) rate=$OPTARG ;;
	d) seconds=$OPTARG ;;
	t) tick=$OPTARG ;;
	w) workdir=$OPTARG ;;
	B) builddir=$OPTARG ;;
	Q) quickack=-Q ;;
	S) rows=20000 subs=10 rate=1000 seconds=2 ;;
	h) sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) exit 2 ;;
	esac
done

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$builddir" && pwd)
lqd=$build/lqd
sink=$build/bench/active_sink
if [ ! -x "$lqd" ] || [ ! -x "$sink" ]; then
	echo "active_bench: build $build first" >&2
	exit 1
fi
mkdir -p "$workdir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
lqd_pid=
cleanup() { [ -n "$lqd_pid" ] && kill "$lqd_pid" 2>/dev/null && wait "$lqd_pid" 2>/dev/null; return 0; }
trap cleanup EXIT INT TERM

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# per thread: "tid ticks" lines
thread_ticks() { for t in /proc/"$1"/task/*; do echo "${t##*/} $(awk '{print $14 + $15}' "$t/stat")"; done; }

echo "active_bench: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
	"$rows bindings, $subs subscribers, $rate changes/s for $seconds s${quickack:+, subscribers with TCP_QUICKACK}"

leases=$workdir/leases4-$rows.csv
if [ ! -s "$leases" ]; then
	python3 "$here/gen_kea_leases.py" -4 -n "$rows" --renew 0 -o "$leases.tmp"
	mv "$leases.tmp" "$leases"
fi
run=$workdir/run
rm -rf "$run"
mkdir -p "$run"
cp "$leases" "$run/leases4.csv"
max=$((subs + 10))
cat > "$run/lqd.conf" <<CONF
{ "listen": [{"address": "127.0.0.1", "udp-port": false, "tcp-port": $port}], "server-id": "127.0.0.1",
  "store": {"path": "$run/store"}, "control-socket": "$run/lqd.sock",
  "sources": [{"type": "kea-csv", "path": "$run/leases4.csv", "family": 4}],
  "subnets4": [{"subnet": "10.0.0.0/8"}],
  "requesters": ["127.0.0.0/8"],
  "bulk": {"max-connections": $max, "max-connections-per-requestor": $max},
  "active": {"max-connections": $max, "max-connections-per-requestor": $max} }
CONF
start=$(date +%s)
"$lqd" -c "$run/lqd.conf" 2>"$run/lqd.log" &
lqd_pid=$!
until python3 "$here/../tests/e2e/lqctl.py" "$run/lqd.sock" '{"command":"status"}' 2>/dev/null |
	grep -q '"loading": false'; do
	kill -0 "$lqd_pid" 2>/dev/null || { cat "$run/lqd.log" >&2; exit 1; }
	[ $(($(date +%s) - start)) -lt 300 ] || { echo "active_bench: load took over 300 s" >&2; exit 1; }
	sleep 0.2
done
echo "lqd: $rows bindings loaded in $(($(date +%s) - start)) s"

# the time before the run, in lqd's clock (the same machine): the catch-up's start
sleep 1
t_before=$(date +%s)
sleep 1
cpu0=$(cpu_ticks "$lqd_pid")
thread_ticks "$lqd_pid" > "$run/threads0"
t0=$(date +%s.%N)
rc=0
timeout $((seconds + 60)) "$sink" -p "$port" -f "$run/leases4.csv" -N "$rows" -n "$subs" -r "$rate" \
	-d "$seconds" -t "$tick" $quickack || rc=$?
t1=$(date +%s.%N)
cpu1=$(cpu_ticks "$lqd_pid")
thread_ticks "$lqd_pid" > "$run/threads1"
hz=$(getconf CLK_TCK)
busiest=$(join "$run/threads0" "$run/threads1" | awk -v hz="$hz" '{d = ($3 - $2) / hz; if (d > m) m = d} END {printf "%.2f", m}')
echo "lqd: $(echo "$cpu0 $cpu1 $hz $t0 $t1" | awk '{printf "%.2f s of CPU in %.2f s (%.0f%% of one core)", ($2-$1)/$3, $5-$4, 100*($2-$1)/$3/($5-$4)}'), its busiest thread $busiest s"
[ "$rc" -eq 0 ] || { echo "active_bench: the live run failed (exit $rc)" >&2; tail -5 "$run/lqd.log" >&2; exit 1; }
echo "ok live run: every change reached every subscriber exactly once"

# catch-up: every binding changed since t_before (the run changed min(ROWS, RATE x SECONDS))
changed=$(awk -v r="$rate" -v d="$seconds" -v n="$rows" 'BEGIN {c = int(r * d); print c < n ? c : n}')
timeout 120 "$sink" -p "$port" -C "$t_before" -e "$changed" ||
	{ echo "active_bench: the catch-up failed" >&2; exit 1; }
echo "ok catch-up: every changed binding, then CatchUpComplete"
hwm=$(grep VmHWM "/proc/$lqd_pid/status" | awk '{print $2}')
echo "lqd: VmHWM $hwm kB"
kill "$lqd_pid"
wait "$lqd_pid" 2>/dev/null || true
lqd_pid=
