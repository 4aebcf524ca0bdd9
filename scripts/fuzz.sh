#!/bin/bash
# fuzz.sh - runs every libFuzzer target for SECONDS each (two at a time, one
# per core), starting from the committed corpora in fuzz/corpus/. New inputs
# go to build-asan/fuzz-work/; with FUZZ_MERGE=1 they are minimised back into
# fuzz/corpus/. A crash leaves its input in build-logs/ and fails the run.
set -u
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-600}
JOBS=${FUZZ_JOBS:-2}

if [ ! -f build-asan/build.ninja ]; then
	CC=clang meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dfuzz=true \
		-Dc_args=-fno-sanitize-recover=all >/dev/null || exit 1
fi
ninja -C build-asan >/dev/null || exit 1
mkdir -p build-logs

run_one() {
	local name=$1 corpus=fuzz/corpus/${1#fuzz_} work=build-asan/fuzz-work/${1#fuzz_}
	mkdir -p "$work"
	build-asan/fuzz/"$name" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="build-logs/$name-" "$work" "$corpus" \
		>"build-logs/$name.fuzz.log" 2>&1
	local rc=$?
	local execs
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build-logs/$name.fuzz.log")
	echo "$name: ${SECONDS_EACH}s, ${execs:-?} executions, exit $rc"
	if [ "${FUZZ_MERGE:-0}" = 1 ] && [ $rc -eq 0 ]; then
		build-asan/fuzz/"$name" -merge=1 "$corpus" "$work" >/dev/null 2>&1
	fi
	return $rc
}

status=0
pids=()
for name in $(grep -o "'fuzz_[a-z0-9_]*'" fuzz/meson.build | tr -d "'"); do
	run_one "$name" &
	pids+=($!)
	if [ ${#pids[@]} -ge "$JOBS" ]; then
		wait "${pids[0]}" || status=1
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do
	wait "$p" || status=1
done
exit $status
