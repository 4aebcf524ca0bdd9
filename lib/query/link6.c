/* link6.c - which link an address or a binding is on, for the link rules of
 * RFC 5007 4.4.1 (a query's link-address restricts it to one link; a client
 * found on several links is answered with OPTION_LQ_CLIENT_LINK), and what
 * this server is configured to serve (NotConfigured). A link is the
 * configured subnet on it; a link no subnet describes is known by the
 * relay's link-address the bindings on it carry. */
#include <string.h>

#include "answer6_internal.h"

static const lq_ip6 unspecified;

bool lq6_ip_is_zero(const lq_ip6 *a)
{
	return memcmp(a->b, unspecified.b, sizeof(a->b)) == 0;
}

bool lq6_prefix_contains(const lq_ip6 *prefix, unsigned len, const lq_ip6 *addr)
{
	unsigned full = len / 8, rest = len % 8;

	if (len > 128)
		return false;
	if (memcmp(prefix->b, addr->b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (prefix->b[full] & mask) == (addr->b[full] & mask);
}

static bool in_pd_pool(const struct lq_config_subnet6 *s, const lq_ip6 *addr)
{
	for (size_t i = 0; i < s->n_pd_pools; i++)
		if (lq6_prefix_contains(&s->pd_pools[i].prefix, s->pd_pools[i].prefix_len, addr))
			return true;
	return false;
}

const struct lq_config_subnet6 *lq6_subnet_serving(const struct lq_config *cfg, const lq_ip6 *addr)
{
	for (size_t i = 0; i < cfg->n_subnets6; i++) {
		const struct lq_config_subnet6 *s = &cfg->subnets6[i];

		if (lq6_prefix_contains(&s->prefix, s->prefix_len, addr) &&
		    (s->n_pools == 0 || lq_config_in_pool6(s, addr)))
			return s;
		if (in_pd_pool(s, addr))
			return s;
	}
	return NULL;
}

struct lq6_link lq6_link_of_address(const struct lq_config *cfg, const lq_ip6 *link_address)
{
	struct lq6_link l;

	l.subnet = lq_config_find_subnet6(cfg, link_address);
	l.addr = *link_address;
	return l;
}

static const struct lq_config_subnet6 *subnet_by_id(const struct lq_config *cfg, uint32_t id)
{
	if (id == 0)
		return NULL;
	for (size_t i = 0; i < cfg->n_subnets6; i++)
		if (cfg->subnets6[i].id == id)
			return &cfg->subnets6[i];
	return NULL;
}

struct lq6_link lq6_link_of_binding(const struct lq_config *cfg, const struct lq_binding *b)
{
	struct lq6_link l = {NULL, b->link_address};

	if (!lq6_ip_is_zero(&b->link_address))
		l.subnet = lq_config_find_subnet6(cfg, &b->link_address);
	if (l.subnet == NULL)
		l.subnet = subnet_by_id(cfg, b->subnet_id);
	if (l.subnet == NULL)
		l.subnet = lq6_subnet_serving(cfg, &b->key.addr);
	if (l.subnet != NULL && lq6_ip_is_zero(&l.addr))
		l.addr = l.subnet->prefix;
	return l;
}

bool lq6_link_same(const struct lq6_link *a, const struct lq6_link *b)
{
	bool same_addr = memcmp(a->addr.b, b->addr.b, sizeof(a->addr.b)) == 0;

	if (a->subnet != NULL && b->subnet != NULL)
		return a->subnet == b->subnet;
	if (a->subnet != NULL || b->subnet != NULL)
		return same_addr && !lq6_ip_is_zero(&a->addr);
	return same_addr;
}
