#!/bin/bash
# lq_decode_check.sh BUILD_DIR - the `lq decode` command as a user runs it:
# every sample decodes from hex to text naming its message type and to JSON
# that parses; a framed TCP stream splits into all its messages; malformed
# input gets a specific error and exit code 1; bad usage exit code 2.
set -u
BUILD=${1:-build}
LQ="$BUILD/lq"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok $*"; }
notok() { echo "not ok $*"; fail=1; }

mkdir -p "$tmp/c"
"$BUILD"/tests/lq-samples corpus "$tmp/c" "$tmp/c" || exit 1
for f in "$tmp"/c/*; do
	name=$(basename "$f")
	family=${name:1:1}
	hex=$(od -An -v -tx1 "$f" | tr -d ' \n')
	text=$("$LQ" decode "-$family" "$hex")
	rc=$?
	json=$("$LQ" decode "-$family" --json "$hex")
	first=$(echo "$text" | head -1 | cut -d' ' -f1)
	if [ $rc -ne 0 ]; then
		notok "$name: exit $rc"
	elif ! echo "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["family"] in (4,6) and d["msg_type"]' 2>/dev/null; then
		notok "$name: JSON does not parse or lacks family/msg_type: ${json:0:200}"
	elif [ -z "$first" ] || ! echo "$json" | grep -q "\"msg_type\":\"$first\""; then
		notok "$name: text names '$first', JSON does not agree"
	else
		ok "$name decodes as $first"
	fi
done

for family in 4 6; do
	"$BUILD"/tests/lq-samples "tcp$family" "$tmp/stream$family"
	want=$(ls "$tmp"/c | grep -c "^v$family-")
	got=$(od -An -v -tx1 "$tmp/stream$family" | "$LQ" decode "-$family" --tcp --json - |
		python3 -c 'import json,sys; print(sum(1 for l in sys.stdin if json.loads(l)["msg_type"]))')
	[ "$got" = "$want" ] && ok "tcp$family stream: $got messages" || notok "tcp$family stream: $got of $want messages"
done

out=$("$LQ" decode -6 0e000101000100 2>&1)
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "option overruns message at offset 4" &&
	ok "truncated option: $out" || notok "truncated option: exit $rc, '$out'"
out=$("$LQ" decode -4 0102 2>&1)
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "shorter than its fixed header" &&
	ok "short v4 message: $out" || notok "short v4 message: exit $rc, '$out'"
out=$("$LQ" decode -4 --json 0102 2>&1)
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["error"]' 2>/dev/null &&
	ok "error as JSON: $out" || notok "error as JSON: '$out'"
"$LQ" decode -4 zz >/dev/null 2>&1
[ $? -eq 2 ] && ok "non-hex input is a usage error" || notok "non-hex input"
"$LQ" decode 0102 >/dev/null 2>&1
[ $? -eq 2 ] && ok "missing family is a usage error" || notok "missing family"
"$LQ" frobnicate >/dev/null 2>&1
[ $? -eq 2 ] && ok "unknown command is a usage error" || notok "unknown command"
exit $fail
