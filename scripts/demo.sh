#!/bin/bash
# demo.sh - `make demo`: shows what lq does today. The wire layer encodes a
# sample of every leasequery message of both families, decodes it back and
# prints it as text and JSON; `lq decode` reads one back from hex, and a
# framed TCP stream of bulk messages is split into its messages.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}

echo "### 1. Every leasequery message type, encoded by liblq and decoded back"
"$BUILD"/tests/lq-samples demo

echo "### 2. lq decode: a DHCPLEASEQUERY by MAC address given as hex"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BUILD"/tests/lq-samples corpus "$tmp" "$tmp" >/dev/null
hex=$(od -An -v -tx1 "$tmp/v4-leasequery-by-mac" | tr -d ' \n')
echo "\$ lq decode -4 ${hex:0:48}..."
"$BUILD"/lq decode -4 "$hex"

echo
echo "### 3. lq decode --tcp --json: a DHCPv6 TCP stream split into its framed messages"
"$BUILD"/tests/lq-samples tcp6 "$tmp/stream6"
od -An -v -tx1 "$tmp/stream6" | "$BUILD"/lq decode -6 --tcp --json - | head -5
echo "... ($(od -An -v -tx1 "$tmp/stream6" | "$BUILD"/lq decode -6 --tcp --json - | wc -l) messages in the stream)"

echo
echo "### 4. A malformed message gets a specific error, never a crash"
echo "\$ lq decode -6 0e000101000100"
"$BUILD"/lq decode -6 0e000101000100 || true
echo
echo "demo finished"
