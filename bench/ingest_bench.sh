#!/bin/sh
# ingest_bench.sh - the ingest benchmark of lqd: how fast it loads a Kea
# memfile lease file, how much memory and disk a binding costs, how fast it
# restarts on its store, and how soon a line appended to the lease file can
# be queried.
#
# usage: bench/ingest_bench.sh [-n ROWS] [-r RUNS] [-f 4,6] [-k LINES] [-b BURST]
#                              [-w WORKDIR] [-B BUILDDIR] [-K 2.2|2.6] [-O ORDER] [-s SEED] [-x] [-C]
#   -n ROWS     rows per lease file (default 1000000)
#   -r RUNS     runs per family; the summary shows medians (default 3)
#   -f LIST     families (default 4,6)
#   -k LINES    lines appended one at a time for the follow latency (default 200)
#   -b BURST    lines appended in one write after those (default 1000)
#   -w WORKDIR  where lease files are generated (once, then reused) and the
#               runs happen (default /tmp/lq-ingest-bench)
#   -B BUILDDIR the build to measure (default build)
#   -K VERSION  the Kea version whose extended-info format is written (2.2)
#   -O ORDER    address (default: new leases in address order, as after Kea's
#               lease file cleanup) or scattered (a pseudo-random pool order)
#   -s SEED     generator seed (default 1)
#   -x          keep each run's directory (store, log, lease file)
#   -C          cold restart: empty the page cache before restarting lqd
#               (needs root; slows everything else on the machine briefly)
#
# Per family and run (bench/ingest_bench.py has the details):
#   1. the lease file (bench/gen_kea_leases.py, cached in WORKDIR) is copied
#      into a fresh run directory, lqd is started on an empty store and the
#      time until its control socket answers "status" with the file loaded
#      is the load time; VmHWM/VmRSS/RssAnon/RssFile of lqd and the LMDB
#      size are read right then;
#   2. lqd is stopped and started again on the same store: restart time
#      until "status" shows every binding and the source at the end of the
#      file, and until a first "get" answers;
#   3. LINES lines with new addresses are appended one by one (10 ms apart):
#      latency from the write until "get" finds the binding, median and p99;
#      then BURST lines in one write, until the last one is found.
# Baselines over the same file in the same run: wc -l, Python's csv module,
# and build/bench/kea_parse_bench (the C parser alone).
#
# Bounded: load 300 s, restart 60 s and 10 s per appended line at most;
# lqd is always stopped at the end. Run from the repository root, after
# `ninja -C build`. Needs python3; about 1 minute per run at 1M rows (plus
# about 40 s to generate each file the first time).
set -eu

rows=1000000
runs=3
families=4,6
follow_lines=200
burst=1000
workdir=/tmp/lq-ingest-bench
builddir=build
kea=2.2
order=address
seed=1
keep=
cold=

while getopts n:r:f:k:b:w:B:K:O:s:xCh opt; do
	case $opt in
	n) rows=$OPTARG ;;
	r) runs=$OPTARG ;;
	f) families=$OPTARG ;;
	k) follow_lines=$OPTARG ;;
	b) burst=$OPTARG ;;
	w) workdir=$OPTARG ;;
	B) builddir=$OPTARG ;;
	K) kea=$OPTARG ;;
	O) order=$OPTARG ;;
	s) seed=$OPTARG ;;
	x) keep=--keep ;;
	C) cold=--cold ;;
	h) sed -n '2,43p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) exit 2 ;;
	esac
done

here=$(cd "$(dirname "$0")" && pwd)
lqd=$(cd "$builddir" && pwd)/lqd
parse_bench=$(cd "$builddir" && pwd)/bench/kea_parse_bench
[ -x "$lqd" ] || { echo "ingest_bench: no $lqd (run ninja -C $builddir)" >&2; exit 1; }

echo "ingest_bench: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
	"lqd $lqd, $rows rows, $runs runs, families $families"
exec timeout 3600 python3 "$here/ingest_bench.py" --lqd "$lqd" --parse-bench "$parse_bench" \
	--workdir "$workdir" --rows "$rows" --runs "$runs" --families "$families" \
	--follow-lines "$follow_lines" --burst "$burst" --kea "$kea" --order "$order" --seed "$seed" $keep $cold
