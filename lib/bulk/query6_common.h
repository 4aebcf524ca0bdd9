/* query6_common.h - the checks the DHCPv6 bulk engine (bulk6.c, RFC 5460)
 * and the DHCPv6 active engine (lib/active/active6.c, RFC 7653) make alike
 * on the query they receive: its OPTION_CLIENTID and OPTION_SERVERID, what
 * its OPTION_LQ_QUERY needs for its query-type, and what of it both keep
 * (the requestor's DUID, whether OPTION_LQ_BASE_TIME is asked for).
 * Not a public interface. */
#ifndef LQ_BULK_QUERY6_COMMON_H
#define LQ_BULK_QUERY6_COMMON_H

#include "lq/config.h"
#include "lq/dhcp6.h"

/* Does the ORO (pairs of octets, network order) ask for option code? */
bool lq6_oro_has(lq_bytes oro, uint16_t code);

/* Why m's OPTION_CLIENTID makes the query malformed (RFC 5007 4.2.1):
 * absent (the engine's text, naming its message type), or longer than a
 * DUID; NULL when it is fine. */
const char *lq6_query_client_id_problem(const struct lq6_msg *m, const char *absent);

/* Why m's OPTION_SERVERID makes the query NotAllowed (RFC 5007 4.2.1): it
 * names another server than config's DUID; NULL when absent or ours. */
const char *lq6_query_server_id_problem(const struct lq6_msg *m, const struct lq_config *config);

/* The status of the OPTION_LQ_QUERY qy (present) by its query-type (RFC
 * 5007 4.2.1, RFC 5460): UnknownQueryType for a type unknown here,
 * MalformedQuery when it lacks the option its type needs or that option is
 * longer than the store keeps, else Success. *why: the reason, NULL on
 * Success. */
uint16_t lq6_query_check(const struct lq6_query *qy, const char **why);

/* Copy m's OPTION_CLIENTID into dst (LQ_CONFIG_MAX_DUID octets) to echo it;
 * its length, 0 when it is absent or too long for a DUID. */
size_t lq6_query_copy_client_id(const struct lq6_msg *m, uint8_t *dst);

/* Does the ORO of OPTION_LQ_QUERY, or the top-level ORO, ask for
 * OPTION_LQ_BASE_TIME (RFC 7653 9.3)? */
bool lq6_query_wants_base_time(const struct lq6_msg *m);

#endif
