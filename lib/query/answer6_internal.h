/* answer6_internal.h - the parts of the DHCPv6 single-query engine (RFC 5007)
 * that answer6.c puts together: links (link6.c), the searches of the store
 * (lookup6.c) and the reply writer (reply6.c). Not a public interface. */
#ifndef LQ_ANSWER6_INTERNAL_H
#define LQ_ANSWER6_INTERNAL_H

#include "lq/binding.h"
#include "lq/config.h"
#include "lq/dhcp6.h"
#include "lq/store.h"

/* ---- links (link6.c) ----
 * A link is known by the configured subnet on it; without one, by an
 * address on it (a relay's link-address). */
struct lq6_link {
	const struct lq_config_subnet6 *subnet;  /* NULL: no configured subnet */
	lq_ip6 addr;                             /* an address on the link, :: when unknown */
};

bool lq6_ip_is_zero(const lq_ip6 *a);
/* Does prefix/len hold addr (len <= 128)? */
bool lq6_prefix_contains(const lq_ip6 *prefix, unsigned len, const lq_ip6 *addr);
/* The subnet whose pools (its whole prefix when it has no address pools) or
 * pd-pools hold addr: what this server is configured to hand out. */
const struct lq_config_subnet6 *lq6_subnet_serving(const struct lq_config *cfg, const lq_ip6 *addr);
/* The link a query's non-zero link-address names. */
struct lq6_link lq6_link_of_address(const struct lq_config *cfg, const lq_ip6 *link_address);
/* The link a binding is on: its relay's link-address, else its subnet id,
 * else the subnet that serves its address. */
struct lq6_link lq6_link_of_binding(const struct lq_config *cfg, const struct lq_binding *b);
bool lq6_link_same(const struct lq6_link *a, const struct lq6_link *b);

/* ---- searches (lookup6.c) ---- */

#define LQ6_MAX_BINDINGS 4096     /* per reply: more could not fit in 64 KiB */
#define LQ6_MAX_CLIENT_LINKS 256  /* links listed in OPTION_LQ_CLIENT_LINK */

/* A growing array of bindings (views into the reader's snapshot). */
struct lq6_binding_list {
	struct lq_binding *v;
	size_t n, cap;
};
void lq6_binding_list_free(struct lq6_binding_list *l);

/* What a query found: a status (with its text, NULL for plain success), the
 * bindings of one client on one link for OPTION_CLIENT_DATA, or the links for
 * OPTION_LQ_CLIENT_LINK. */
struct lq6_outcome {
	uint16_t status;
	const char *message;
	struct lq6_binding_list found;
	lq_ip6 links[LQ6_MAX_CLIENT_LINKS];
	size_t n_links;
};

/* Answer with status (and its text): no bindings, no links. */
void lq6_outcome_set_status(struct lq6_outcome *out, uint16_t status, const char *message);

struct lq6_lookup {
	const struct lq_config *config;
	struct lq_store_reader *reader;
	int64_t now;
};

/* QUERY_BY_ADDRESS (RFC 5007 4.1.2.1, 4.4.1). link_address may be ::. */
void lq6_lookup_by_address(const struct lq6_lookup *lk, const lq_ip6 *addr,
			   const lq_ip6 *link_address, struct lq6_outcome *out);
/* QUERY_BY_CLIENTID (RFC 5007 4.1.2.1, 4.4.1). link_address may be ::. */
void lq6_lookup_by_client_id(const struct lq6_lookup *lk, lq_bytes duid,
			     const lq_ip6 *link_address, struct lq6_outcome *out);

/* ---- the reply (reply6.c) ---- */

/* One relay a query came through, outermost first. */
struct lq6_relay_hop {
	uint8_t hop_count;
	lq_ip6 link_address, peer_address;
	lq_bytes interface_id;
};

struct lq6_reply {
	const struct lq6_relay_hop *hops;
	size_t n_hops;
	uint32_t xid;
	lq_bytes server_id, client_id;  /* ours, and the requestor's */
	lq_bytes oro;                   /* the LQ_QUERY's ORO */
	const struct lq_config *config;
	int64_t now;
};

/* Write the LEASEQUERY-REPLY for outcome, wrapped in a RELAY-REPL for every
 * hop. Returns the writer's error; *len and *bindings are set on success. */
lq_err lq6_reply_write(const struct lq6_reply *r, const struct lq6_outcome *outcome,
		       uint8_t *out, size_t cap, size_t *len, uint32_t *bindings);

#endif
