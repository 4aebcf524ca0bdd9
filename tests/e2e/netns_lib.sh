# netns_lib.sh - shell functions shared by the end-to-end tests that run
# real DHCP servers and lqd in network namespaces (dhcpd_follow.sh,
# lqd_vs_dhcpd.sh). Source it after "set -u"; it only defines functions.
#
# netns_pair SRV CLI IF_SRV IF_CLI "SRV_ADDRS" "CLI_ADDRS"
#   Two network namespaces joined by a veth pair, IF_SRV in SRV and IF_CLI
#   in CLI, with the given addresses (prefix/len, space separated; IPv6 ones
#   without duplicate address detection), loopbacks and links up. Waits until
#   the link-local IPv6 address of IF_SRV is usable (dhcpd -6 binds it at
#   start). Returns non-zero when the namespaces cannot be made (not root).
#
# lqd_status EXPR
#   Evaluates a Python expression over lqd's control-socket status answer
#   (st) and the sizes of the lease files lqd follows (size, by path);
#   returns 0 when it is true. The caller sets lqd_sock (the control socket)
#   and lqd_files (the lease files, space separated).
#
# wait_caught_up
#   Waits (up to 10 s) until lqd has read every source to the end of its
#   file and is not loading; returns non-zero when it has not.

netns_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

netns_pair() {
	local s=$1 c=$2 a=$3 b=$4 addr
	ip netns add "$s" && ip netns add "$c" || return 1
	ip link add "$a" type veth peer name "$b" || return 1
	ip link set "$a" netns "$s"
	ip link set "$b" netns "$c"
	# no duplicate address detection: dhcpd -6 binds the link-local address at once
	ip netns exec "$s" sysctl -qw "net.ipv6.conf.$a.accept_dad=0"
	ip netns exec "$c" sysctl -qw "net.ipv6.conf.$b.accept_dad=0"
	for addr in $5; do
		case $addr in *:*) ip -n "$s" addr add "$addr" dev "$a" nodad ;; *) ip -n "$s" addr add "$addr" dev "$a" ;; esac
	done
	for addr in $6; do
		case $addr in *:*) ip -n "$c" addr add "$addr" dev "$b" nodad ;; *) ip -n "$c" addr add "$addr" dev "$b" ;; esac
	done
	ip -n "$s" link set lo up
	ip -n "$c" link set lo up
	ip -n "$s" link set "$a" up
	ip -n "$c" link set "$b" up
	for _ in $(seq 50); do
		ip -n "$s" -6 addr show dev "$a" scope link | grep -q 'inet6 fe80' &&
			! ip -n "$s" -6 addr show dev "$a" | grep -q tentative && return 0
		sleep 0.1
	done
	return 0
}

lqd_status() {
	NETNS_LIB_DIR=$netns_lib_dir "${PY:-python3}" - "$lqd_sock" "$1" $lqd_files <<'PY'
import os, sys
sys.path.insert(0, os.environ["NETNS_LIB_DIR"])
from lqctl import request
try:
    st = request(sys.argv[1], {"command": "status"}, timeout=5)
except (OSError, ValueError):
    sys.exit(1)
size = {p: os.path.getsize(p) for p in sys.argv[3:]}
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

wait_caught_up() {
	local expr='all(s["offset"] == size[s["path"]] and not s["loading"] for s in st["sources"])'
	for _ in $(seq 100); do lqd_status "$expr" && return 0; sleep 0.1; done
	return 1
}
