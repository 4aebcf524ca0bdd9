/* bulk6_scan.h - which bindings a DHCPv6 bulk leasequery (RFC 5460) answers
 * and how they are grouped into OPTION_CLIENT_DATA options: the candidate
 * passes over the store snapshot, the rules a binding must meet, and the
 * groups of one client on one link, each sent when the scan reaches the
 * group's binding with the smallest key. bulk6.c writes the messages;
 * bulk6_scan.c finds what goes in them. Not a public interface.
 *
 * Why groups are found this way: a requestor wants a client's addresses
 * and prefixes on a link in one OPTION_CLIENT_DATA, but remembering which
 * clients were sent would cost memory per client (a million clients, ten
 * queries at once). Two ways, neither with memory of the past:
 * - A query for most of the store (link ::, or a link holding at least
 *   half of it) reads it client by client: the client-id index keeps each
 *   DUID's bindings together (the CLIENTS pass), so the scan has all of a
 *   client's bindings at once and splits them by link itself; the bindings
 *   without a DUID (NO_DUID) are each a group of their own. The store
 *   reads the index in bounded batches and finds their bindings in key
 *   order (store.h, LQ_STORE_BY_CLIENTS): no lookup per binding.
 * - Every other query (a few of the store's bindings) meets its
 *   candidates in some order and looks each one's client up by DUID (the
 *   client-id index), keeping the client's bindings that match the query
 *   on its link: the binding with the smallest key sends them all, every
 *   other one is skipped. Each binding is sent once whatever order the
 *   scan meets them in; a client with one binding costs one index lookup,
 *   but a store's worth of lookups at random keys would cost several
 *   times the CLIENTS pass. */
#ifndef LQ_BULK6_SCAN_H
#define LQ_BULK6_SCAN_H

#include "lq/dhcp6.h"
#include "lq/store.h"
#include "../query/answer6_internal.h"

/* One pass of the scan: a store cursor, and the rule that tells whether a
 * binding is among what it yields (so that a later pass skips it). The
 * passes of each query type, in the order they run:
 * - QUERY_BY_LINK_ADDRESS ::                  CLIENTS, NO_DUID; ALL with
 *                                             time qualifiers
 * - QUERY_BY_LINK_ADDRESS L in subnet S       CLIENTS, NO_DUID when the link
 *                                             index (or the subnet-id index)
 *                                             counts at least half of the
 *                                             store on S, without time
 *                                             qualifiers; else PREFIX, PD
 *                                             (one per pd-pool), LINK_RANGE,
 *                                             SUBNET (S has an id); the last
 *                                             two become one REST when the
 *                                             key ranges held at least half
 *                                             of the store
 * - QUERY_BY_LINK_ADDRESS L in no subnet      CLIENTS, NO_DUID (as for S,
 *                                             from the link index); else LINK
 * - QUERY_BY_CLIENTID, _RELAY_ID, _REMOTE_ID  CLIENT_ID, RELAY_ID, REMOTE_ID
 * - QUERY_BY_ADDRESS                          CLIENT_ID, or SINGLE (no DUID) */
enum lq6_pass_kind {
	LQ6_PASS_ALL,           /* every IPv6 binding */
	LQ6_PASS_PREFIX,        /* key inside the subnet's prefix */
	LQ6_PASS_PD,            /* key inside one of the subnet's pd-pools */
	LQ6_PASS_LINK_RANGE,    /* link_address inside the subnet's prefix (not ::) */
	LQ6_PASS_SUBNET,        /* subnet_id == the subnet's id */
	LQ6_PASS_LINK,          /* link_address == the query's link-address */
	LQ6_PASS_CLIENT_ID,     /* client_id == value */
	LQ6_PASS_RELAY_ID,      /* relay_id == value */
	LQ6_PASS_REMOTE_ID,     /* remote_id == value */
	LQ6_PASS_SINGLE,        /* the one binding in single (QUERY_BY_ADDRESS
				 * of a binding without a DUID) */
	LQ6_PASS_REST,          /* every binding, for LINK_RANGE and SUBNET at
				 * once: link_address inside the subnet's
				 * prefix, or subnet_id == the subnet's id */
	LQ6_PASS_CLIENTS,       /* every binding with a DUID, read client by
				 * client from the client-id index (the scan
				 * sees each client's bindings together and
				 * groups them itself), among them those the
				 * passes of the link would yield (every one
				 * for ::) */
	LQ6_PASS_NO_DUID,       /* likewise every binding without a DUID (after
				 * CLIENTS; skipped when CLIENTS met every
				 * binding of the store) */
};

/* The link a binding is grouped by (bulk6_scan.c). */
struct lq6_link_key {
	const struct lq_config_subnet6 *subnet;
	lq_ip6 addr;
};

/* CLIENTS: a qualifying binding of the client being read, by its link. */
struct lq6_member {
	struct lq6_link_key link;
	size_t at;              /* in lq6_scan.client */
};

struct lq6_scan_pass {
	uint8_t kind;           /* enum lq6_pass_kind */
	size_t pd;              /* PD: the index of the pd-pool */
	struct lq_store_filter filter;
};

#define LQ6_SCAN_MAX_PASSES 3   /* PREFIX, LINK_RANGE, SUBNET; plus one per pd-pool */

/* Whether a query for most of the store reads it client by client (the
 * CLIENTS and NO_DUID passes): */
enum lq6_scan_clients {
	LQ6_CLIENTS_AUTO = 0,   /* the scan decides (bulk6_scan.c) */
	LQ6_CLIENTS_ALWAYS,     /* every link-address query (tests) */
	LQ6_CLIENTS_NEVER,      /* none (tests: the other passes) */
};

struct lq6_scan {
	const struct lq_config *config;
	struct lq_store_reader *reader;
	int64_t now;            /* what is active is decided at this time (the
				 * query's arrival), whenever the scan runs */
	bool include_inactive;  /* time qualifiers: not only active leases */
	bool has_start, has_end;
	int64_t start, end;     /* Unix seconds, inclusive */
	uint8_t clients;        /* enum lq6_scan_clients */
	bool has_link;          /* only bindings on link */
	struct lq6_link link;
	lq_ip6 link_address;    /* LINK pass */
	const struct lq_config_subnet6 *subnet;  /* PREFIX, PD, LINK_RANGE, SUBNET,
						  * REST passes */
	uint8_t value[LQ_BINDING_MAX_SMALL];     /* CLIENT_ID, RELAY_ID, REMOTE_ID */
	size_t value_len;
	struct lq_binding single;
	int64_t single_changed;

	struct lq6_scan_pass *passes;
	size_t n_passes, pass;
	struct lq_store_cursor *cursor;          /* of passes[pass] */
	size_t rest_at;         /* LINK_ADDRESS in a subnet: the first index pass
				 * after the key ranges, LINK_RANGE (0: none) */
	uint64_t in_ranges;     /* candidates the key ranges yielded */
	uint64_t bindings6;     /* IPv6 bindings in the snapshot */

	/* the group found last: one client on one link, in key order; views
	 * into the reader's snapshot */
	struct lq_binding *group;
	size_t group_n, group_cap;
	uint64_t candidates;    /* bindings the passes yielded (statistics) */

	/* CLIENTS: the qualifying bindings of one client (key order), their
	 * links, the next of them to send (sorted by link when the client is
	 * on several), the binding read ahead (the next client's first) */
	struct lq_binding *client;
	struct lq6_member *members;
	size_t client_n, client_cap, member_cap, client_at;
	lq_bytes client_duid;   /* of the client being read */
	struct lq_binding ahead;
	int64_t ahead_changed;
	bool has_ahead, clients_done;
	uint64_t client_entries; /* bindings CLIENTS read: all of them when it
				  * is every IPv6 binding (NO_DUID is then
				  * skipped) */
};

/* What the query asks for: set up s (zeroed by the caller, with config,
 * reader, now, include_inactive and the time qualifiers filled in; tests
 * may set clients) for
 * query. Returns 0 with *status 0, or 0 with the status the query is
 * answered with (and its text), or a negative lq_store_err. The values the
 * query names (DUID, relay-id, remote-id) are already checked: not empty,
 * at most LQ_BINDING_MAX_SMALL octets. */
int lq6_scan_setup(struct lq6_scan *s, const struct lq6_query *query, uint16_t *status,
		   const char **message);

/* Find the next group: 1 with s->group[0..group_n), 0 when there is none
 * left, or a negative lq_store_err. */
int lq6_scan_next_group(struct lq6_scan *s);

/* Close the cursor and free what the scan holds (s stays reusable for
 * nothing but lq6_scan_free again). */
void lq6_scan_free(struct lq6_scan *s);

#endif
