#!/bin/sh
# install-deps.sh - installs the Debian packages lq needs to build and test,
# only those that are missing. Runs apt-get as root (or through sudo).
set -eu

PACKAGES="meson ninja-build pkg-config gcc clang llvm libclang-rt-14-dev
libcmocka-dev libjansson-dev libevent-dev libssl-dev openssl liblmdb-dev libpq-dev
tshark python3 clang-tidy cppcheck
kea-dhcp4-server kea-dhcp6-server kea-admin isc-dhcp-server iproute2 procps
python3-scapy"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "install-deps: need root to install:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
