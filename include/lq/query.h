/* query.h - the single-query engine of lqd (RFC 4388 for DHCPv4, RFC 5007
 * for DHCPv6): takes one received leasequery datagram, reads the answer from
 * one store snapshot and writes the reply datagram, or says why the query is
 * dropped. Pure: no sockets and no clock; the transport passes in who sent
 * the query and the time, and sends what comes back to where it says.
 *
 * The same binding cursor serves single, bulk and active queries: the engine
 * reads the store only through lq_store_get / lq_store_find_* and binding
 * cursors (store.h). */
#ifndef LQ_QUERY_H
#define LQ_QUERY_H

#include "lq/common.h"
#include "lq/config.h"
#include "lq/store.h"

/* What the engine needs besides the packet and the snapshot. */
struct lq_query_env {
	const struct lq_config *config; /* server-id, server-duid, subnets and pools,
					 * requesters, refused-queries, sensitive options */
	int64_t now;                    /* Unix seconds */
};

/* Where a query came from (and where a reply goes back). */
struct lq_query_peer {
	int family;                     /* 4 or 6 */
	uint8_t addr[16];               /* 4 octets used for family 4 */
	uint16_t port;
	bool multicast;                 /* v6: sent to a multicast address */
};

enum lq_query_verdict {
	LQ_QUERY_REPLY = 0,             /* send out[0..len) to dest */
	LQ_QUERY_DROP = 1,              /* discard; reason says which rule */
};

/* What happened, for the transport (where to send) and for logs and
 * counters. */
struct lq_query_result {
	enum lq_query_verdict verdict;
	const char *reason;             /* DROP: a constant sentence naming the rule,
					 * e.g. "giaddr is 0 (RFC 4388 6.1)" */
	size_t len;                     /* REPLY: octets written to out */
	struct lq_query_peer dest;      /* REPLY: where to send it */
	enum lq_query_kind kind;        /* the query type, when it could be read */
	uint8_t reply_type;             /* REPLY: v4 DHCPLEASEACTIVE/UNASSIGNED/UNKNOWN;
					 * v6 LEASEQUERY-REPLY (or RELAY-REPL around it) */
	uint16_t status;                /* REPLY: v6 status code; 0 = Success */
	bool refused;                   /* refused by the access rules (logged and
					 * counted by the caller) */
	uint32_t bindings;              /* how many bindings the reply carries */
};

/* Room a reply may need: a v4 reply fits in 1500 octets unless the query
 * allows more (option 57); a v6 reply (several addresses, prefixes and the
 * relay data, in RELAY-REPL wrappers) is bounded by this. */
#define LQ_QUERY_MAX_REPLY 65535

/* DHCPv4 (RFC 4388): pkt is the UDP payload received on port 67 from peer.
 * Returns 0 (res filled: REPLY or DROP), or < 0 only when out is too small. */
int lq4_query_answer(const struct lq_query_env *env, struct lq_store_reader *reader,
		     const uint8_t *pkt, size_t len, const struct lq_query_peer *peer,
		     uint8_t *out, size_t cap, struct lq_query_result *res);

/* DHCPv6 (RFC 5007): pkt is the UDP payload received on port 547 from peer,
 * a LEASEQUERY or a RELAY-FORW carrying one (the reply is then wrapped in
 * RELAY-REPL with the same hops, as RFC 8415 relays expect). Same returns. */
int lq6_query_answer(const struct lq_query_env *env, struct lq_store_reader *reader,
		     const uint8_t *pkt, size_t len, const struct lq_query_peer *peer,
		     uint8_t *out, size_t cap, struct lq_query_result *res);

#endif
