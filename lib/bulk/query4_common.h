/* query4_common.h - the checks the DHCPv4 bulk engine (bulk4.c, RFC 6926)
 * and the DHCPv4 active engine (lib/active/active4.c, RFC 7724) make alike
 * on the query they receive: ciaddr, yiaddr and siaddr zero, the primary
 * query it names, its VPN qualifier, and whether the requestor may ask it.
 * Not a public interface. */
#ifndef LQ_BULK_QUERY4_COMMON_H
#define LQ_BULK_QUERY4_COMMON_H

#include "lq/dhcp4.h"
#include "lq/query.h"

/* Are ciaddr, yiaddr and siaddr all 0 (RFC 6926 8.2; MalformedQuery
 * otherwise)? */
bool lq4_query_addresses_zero(const struct lq4_msg *m);

/* The primary query of m (RFC 6926 7.2): by MAC address (hlen > 0 and
 * chaddr[0..hlen) not all zero, as for the single query), by client
 * identifier (61), by remote-id (82.2), by relay-id (82.12);
 * LQ_QUERY_V4_ALL_ADDRESSES when it names none, LQ_QUERY_KIND_NONE when it
 * names several. *count: how many it names. */
enum lq_query_kind lq4_query_primary(const struct lq4_msg *m, int *count);

/* The VPN qualifier of m into filter (vpn_match, vpn_type, vpn_id, which
 * points into m): option 221 or, as RFC 6607 allows, sub-option 151 of
 * option 82; absent or type 255 the global VPN, type 254 every VPN,
 * another type exactly that VPN. NULL, or the reason it is malformed: the
 * two name different VPNs, or the VPN identifier is longer than the store
 * keeps. */
const char *lq4_query_vpn(const struct lq4_msg *m, struct lq_store_filter *filter);

/* May peer ask a query of kind (RFC 6926 8.1, 9)? LQ_QUERY_KIND_NONE, a
 * query of several primaries, which has no type: may it ask at all. No
 * peer: no. */
bool lq4_query_allowed(const struct lq_config *config, const struct lq_query_peer *peer,
		       enum lq_query_kind kind);

#endif
