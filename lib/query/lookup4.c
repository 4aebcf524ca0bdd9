/* lookup4.c - finds the answer to a DHCPv4 leasequery (RFC 4388 6.4) in one
 * store snapshot.
 *
 * Query by IP address: DHCPLEASEACTIVE when the address has a lease in
 * force (state ACTIVE and not expired at env->now: an ACTIVE binding whose
 * expire time has passed is expired); DHCPLEASEUNASSIGNED when this server
 * manages the address but it is not leased now, that is when the store holds
 * a binding of it in any other state (the DHCP server whose leases lqd
 * follows handed it out, so it is authoritative for it) or when the address
 * is in a pool of a configured subnet; DHCPLEASEUNKNOWN otherwise.
 *
 * Query by MAC address or client identifier: among the client's bindings
 * in force, the one of the most recent client transaction (cltt; on a tie
 * the later expiry) is the answer, DHCPLEASEACTIVE, and the others go into
 * associated-ip, most recent first. Bindings not in force do not count: a
 * reply to such a query is DHCPLEASEACTIVE or DHCPLEASEUNKNOWN (RFC 4388 5:
 * UNKNOWN "if the server does not presently have an active lease by a
 * client with this MAC address"), and the ciaddr of DHCPLEASEACTIVE must be
 * currently leased (6.4). A client with no lease in force gets
 * DHCPLEASEUNKNOWN. A MAC address matches a binding's hardware address with
 * the same octets when the hardware types are equal or either is 0
 * (unknown). */
#include <string.h>

#include "answer4_internal.h"
#include "lq/lqtime.h"

bool lq4_binding_active(const struct lq_binding *b, int64_t now)
{
	return b->state == LQ_STATE_ACTIVE && (b->expire == LQ_TIME_NEVER || b->expire > now);
}

bool lq4_address_managed(const struct lq_config *config, lq_ip4 addr)
{
	const struct lq_config_subnet4 *subnet = lq_config_find_subnet4(config, addr);

	if (subnet == NULL)
		return false;
	return subnet->n_pools == 0 || lq_config_in_pool4(subnet, addr);
}

static void found_init(struct lq4_found *found, bool client_query)
{
	found->reply_type = LQ4_LEASEUNKNOWN;
	memset(found->addr.b, 0, sizeof(found->addr.b));
	found->has_binding = false;
	found->client_query = client_query;
	found->n_assoc = 0;
}

int lq4_lookup_ip(const struct lq_query_env *env, struct lq_store_reader *reader,
		  lq_ip4 addr, struct lq4_found *found)
{
	int rc;

	found_init(found, false);
	rc = lq_store_find_v4(reader, &addr, &found->binding, NULL);
	if (rc < 0)
		return rc;
	found->addr = addr;
	if (rc == 1 && lq4_binding_active(&found->binding, env->now)) {
		found->reply_type = LQ4_LEASEACTIVE;
		found->has_binding = true;
	} else if (rc == 1 || lq4_address_managed(env->config, addr)) {
		found->reply_type = LQ4_LEASEUNASSIGNED;
	}
	return 0;
}

/* Is a more recent than b: a later client transaction, or on a tie a
 * later expiry? */
static bool more_recent(const struct lq_binding *a, const struct lq_binding *b)
{
	if (a->cltt != b->cltt)
		return a->cltt > b->cltt;
	return a->expire > b->expire;
}

/* The client's addresses other than the answer, most recent first; when
 * the list is full the least recent one is left out. */
struct assoc_list {
	struct lq4_found *found;     /* its assoc[] holds the addresses */
	int64_t cltt[LQ4_ASSOC_MAX]; /* their client transaction times */
};

static void assoc_add(struct assoc_list *l, const struct lq_binding *b)
{
	struct lq4_found *f = l->found;
	size_t i = f->n_assoc;

	if (i == LQ4_ASSOC_MAX) {
		if (b->cltt <= l->cltt[i - 1])
			return;
		i--;    /* replace the least recent */
	} else {
		f->n_assoc++;
	}
	while (i > 0 && l->cltt[i - 1] < b->cltt) {
		f->assoc[i] = f->assoc[i - 1];
		l->cltt[i] = l->cltt[i - 1];
		i--;
	}
	f->assoc[i] = lq_binding_key_ip4(&b->key);
	l->cltt[i] = b->cltt;
}

static bool htype_matches(uint8_t query_htype, uint8_t binding_htype)
{
	return query_htype == 0 || binding_htype == 0 || query_htype == binding_htype;
}

int lq4_lookup_client(const struct lq_query_env *env, struct lq_store_reader *reader,
		      enum lq_store_by by, uint8_t htype, lq_bytes value,
		      struct lq4_found *found)
{
	struct lq_store_filter filter;
	struct lq_store_cursor *cursor;
	struct assoc_list assoc;
	struct lq_binding b;
	unsigned scanned = 0;
	int rc;

	found_init(found, true);
	/* A key no binding can hold (the store keeps at most 255 octets). */
	if (value.data == NULL || value.len == 0 || value.len > LQ_BINDING_MAX_SMALL)
		return 0;
	memset(&filter, 0, sizeof(filter));
	filter.family = 4;
	filter.by = (uint8_t)by;
	filter.value = value;
	filter.vpn_match = LQ_STORE_VPN_ANY;
	rc = lq_store_cursor_open(reader, &filter, &cursor);
	if (rc < 0)
		return rc;
	assoc.found = found;
	while (scanned++ < LQ4_CLIENT_SCAN_MAX && (rc = lq_store_cursor_next(cursor, &b)) == 1) {
		if (by == LQ_STORE_BY_HWADDR && !htype_matches(htype, b.htype))
			continue;
		if (!lq4_binding_active(&b, env->now))
			continue;
		if (!found->has_binding) {
			found->binding = b;
			found->has_binding = true;
		} else if (more_recent(&b, &found->binding)) {
			assoc_add(&assoc, &found->binding);
			found->binding = b;
		} else {
			assoc_add(&assoc, &b);
		}
	}
	lq_store_cursor_close(cursor);
	if (rc < 0)
		return rc;
	if (found->has_binding) {
		found->reply_type = LQ4_LEASEACTIVE;
		found->addr = lq_binding_key_ip4(&found->binding.key);
	}
	return 0;
}
