#!/bin/bash
# tshark_check.sh BUILD_DIR - writes every lq sample message into a pcap (UDP
# for single queries, framed TCP for DHCPv6 bulk/active) and checks that
# tshark decodes each as lq encoded it. Then checks the checker: a sample
# whose expectation is altered must be reported.
set -u
BUILD=${1:-build}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$BUILD"/tests/lq-samples pcap "$tmp/samples.pcap" "$tmp/expect.jsonl" || exit 1
python3 "$here/tshark_check.py" "$tmp/samples.pcap" "$tmp/expect.jsonl" || exit 1

# Control: change one octet of one expected option value; the check must fail.
sed '4s/"00:00:0e:10"/"00:00:0e:11"/' "$tmp/expect.jsonl" >"$tmp/wrong.jsonl"
if cmp -s "$tmp/expect.jsonl" "$tmp/wrong.jsonl"; then
	echo "not ok control: could not alter the expectation"
	exit 1
fi
if python3 "$here/tshark_check.py" "$tmp/samples.pcap" "$tmp/wrong.jsonl" >"$tmp/control.out"; then
	echo "not ok control: an altered expectation was not noticed"
	exit 1
fi
grep -q '^not ok v4-leaseactive: options differ' "$tmp/control.out" || { echo "not ok control"; exit 1; }
echo "ok control: an altered option value is reported"
