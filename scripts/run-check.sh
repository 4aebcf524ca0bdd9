#!/bin/bash
# run-check.sh - `make check`: builds lq twice (gcc, then clang with ASan,
# UBSan and libFuzzer), runs every unit test in both builds, the tshark
# interop test, and a short run of each fuzzer over its corpus. Prints one
# line per test and ends with "N passed, N failed"; exits 1 on any failure.
set -u
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-5}
passed=0
failed=0
failures=()
LOG=build-logs
mkdir -p "$LOG"

record() {  # record NAME STATUS(0=pass) [COUNT]
	local name=$1 status=$2 count=${3:-1}
	if [ "$status" -eq 0 ]; then
		passed=$((passed + count))
		printf 'PASS %s (%d)\n' "$name" "$count"
	else
		failed=$((failed + 1))
		failures+=("$name")
		printf 'FAIL %s (log: %s)\n' "$name" "$LOG/$(echo "$name" | tr '/ ' '__').log"
	fi
}

logfile() { echo "$LOG/$(echo "$1" | tr '/ ' '__').log"; }

# cmocka prints "[  PASSED  ] N test(s)." at the end of a run.
run_unit() {  # run_unit BUILD_DIR LABEL NAME
	local dir=$1 label=$2 name=$3 log
	log=$(logfile "$label/$name")
	timeout 300 "$dir/tests/$name" >"$log" 2>&1
	local rc=$?
	local n
	n=$(grep -o '\[  PASSED  \] [0-9]* test(s)\.' "$log" | tail -1 | tr -dc '0-9')
	[ -n "$n" ] || n=1
	if [ $rc -ne 0 ]; then
		sed -n '/FAILED\|ERROR\|ERROR:\|runtime error/p' "$log" | head -20
	fi
	record "$label/$name" $rc "$n"
}

build() {  # build DIR LABEL [meson args...]
	local dir=$1 label=$2 log
	shift 2
	log=$(logfile "build-$label")
	if [ ! -f "$dir/build.ninja" ]; then
		if ! meson setup "$dir" "$@" >"$log" 2>&1; then
			cat "$log"
			record "build/$label" 1
			return 1
		fi
	fi
	if ! ninja -C "$dir" >>"$log" 2>&1; then
		tail -40 "$log"
		record "build/$label" 1
		return 1
	fi
	record "build/$label" 0
}

unit_suite() {  # unit_suite DIR LABEL
	local dir=$1 label=$2
	while read -r t; do
		[ -n "$t" ] && run_unit "$dir" "$label" "$t"
	done <"$dir/tests/unit_tests.txt"
}

# 1. gcc, -Werror, the default build the programs come from
if build build gcc; then
	unit_suite build gcc
fi

# 2. clang with AddressSanitizer + UndefinedBehaviorSanitizer + libFuzzer
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if CC=clang build build-asan asan -Db_sanitize=address,undefined -Db_lundef=false -Dfuzz=true \
	-Dc_args=-fno-sanitize-recover=all; then
	unit_suite build-asan asan
	# 3. short fuzz runs over the committed corpora
	for f in $(grep -o "'fuzz_[a-z0-9_]*'" fuzz/meson.build | tr -d "'"); do
		log=$(logfile "fuzz/$f")
		work=$(mktemp -d)
		timeout $((FUZZ_SECONDS + 60)) build-asan/fuzz/$f -max_total_time="$FUZZ_SECONDS" \
			-timeout=10 -rss_limit_mb=1024 -artifact_prefix="$LOG/$f-" "$work" "fuzz/corpus/${f#fuzz_}" >"$log" 2>&1
		rc=$?
		rm -rf "$work"
		[ $rc -ne 0 ] && tail -30 "$log"
		record "fuzz/$f" $rc
	done
fi

# 4. static analysis: clang-tidy (.clang-tidy) and cppcheck must stay quiet
if [ -f build-asan/compile_commands.json ]; then
	sources=$(git ls-files 'lib/*.c' 'src/*.c' 'fuzz/*.c' 'tests/tools/*.c' 'bench/*.c' 2>/dev/null)
	[ -n "$sources" ] || sources=$(ls lib/*/*.c src/*/*.c fuzz/*.c tests/tools/*.c bench/*.c)
	log=$(logfile "lint/clang-tidy")
	# shellcheck disable=SC2086
	clang-tidy -quiet -p build-asan $sources >"$log" 2>&1
	rc=$?
	[ $rc -ne 0 ] && grep -E 'error:|warning:' "$log" | head -20
	record "lint/clang-tidy" $rc
	log=$(logfile "lint/cppcheck")
	# shellcheck disable=SC2086
	cppcheck -q --enable=warning,performance,portability --error-exitcode=1 --inline-suppr \
		--std=c11 -D_GNU_SOURCE -Iinclude $sources >"$log" 2>&1
	rc=$?
	[ $rc -ne 0 ] && head -20 "$log"
	record "lint/cppcheck" $rc
fi

# 5. interop: tshark decodes what lq encodes
if [ -x build/tests/lq-samples ]; then
	log=$(logfile "interop/tshark")
	tests/interop/tshark_check.sh build >"$log" 2>&1
	rc=$?
	[ $rc -ne 0 ] && tail -40 "$log"
	record "interop/tshark" $rc "$(grep -c '^ok ' "$log")"
	log=$(logfile "interop/lq-decode")
	tests/interop/lq_decode_check.sh build >"$log" 2>&1
	rc=$?
	[ $rc -ne 0 ] && tail -40 "$log"
	record "interop/lq-decode" $rc "$(grep -c '^ok ' "$log")"
fi

# 6. lqd end to end: real files and the control socket, then real Kea and
# ISC dhcpd servers in network namespaces (root) writing the lease files
# lqd follows. Each prints one "ok"/"not ok" line per check.
e2e() {  # e2e NAME COMMAND...
	local name=$1 log
	shift
	log=$(logfile "e2e/$name")
	timeout 300 "$@" >"$log" 2>&1
	local rc=$?
	grep '^not ok' "$log" | head -20
	[ $rc -ne 0 ] && tail -30 "$log"
	record "e2e/$name" $rc "$(grep -c '^ok ' "$log")"
}
if [ -x build/lqd ]; then
	e2e lqd-sources python3 tests/e2e/lqd_sources.py build
	# scapy is Debian's (python3-scapy): run Debian's python3
	e2e lqd-udp /usr/bin/python3 tests/e2e/lqd_udp.py build
	e2e lqd-bulk /usr/bin/python3 tests/e2e/lqd_bulk.py build
	e2e lqd-active /usr/bin/python3 tests/e2e/lqd_active.py build
	# the active benchmark, small: every change must reach every subscriber
	e2e active-bench-smoke sh bench/active_bench.sh -S -w "$(mktemp -d)"
	# the bulk benchmark script, small: it must run and count exactly
	e2e bulk-bench-smoke sh bench/bulk_bench.sh -n 20000 -r 1 -w "$(mktemp -d)"
	if [ "$(id -u)" = 0 ]; then
		e2e kea-follow bash tests/e2e/kea_follow.sh build
		e2e dhcpd-follow bash tests/e2e/dhcpd_follow.sh build
		e2e lq-query-dhcpd bash tests/e2e/lq_query_dhcpd.sh build
		e2e lqd-vs-dhcpd bash tests/e2e/lqd_vs_dhcpd.sh build
	else
		echo "e2e: the Kea and dhcpd tests need root for network namespaces (run make check as root)"
		record "e2e/root-needed" 1
	fi
fi

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
