/* access.c - who may ask lqd what: the "requesters" list (addresses and
 * prefixes, each optionally limited to some query types), the
 * "refused-queries" mode, and the check the query paths make for each
 * query. */
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

static const char *const kind_names[LQ_QUERY_KIND_COUNT] = {
	[LQ_QUERY_V4_BY_IP] = "by-ip",
	[LQ_QUERY_V4_BY_MAC] = "by-mac",
	[LQ_QUERY_V4_BY_CLIENT_ID] = "by-client-id",
	[LQ_QUERY_V4_BY_REMOTE_ID] = "by-remote-id",
	[LQ_QUERY_V4_BY_RELAY_ID] = "by-relay-id",
	[LQ_QUERY_V4_ALL_ADDRESSES] = "all-addresses",
	[LQ_QUERY_V4_ACTIVE] = "active",
	[LQ_QUERY_V6_BY_ADDRESS] = "by-address",
	[LQ_QUERY_V6_BY_CLIENT_ID] = "by-client-id",
	[LQ_QUERY_V6_BY_RELAY_ID] = "by-relay-id",
	[LQ_QUERY_V6_BY_LINK_ADDRESS] = "by-link-address",
	[LQ_QUERY_V6_BY_REMOTE_ID] = "by-remote-id",
	[LQ_QUERY_V6_ACTIVE] = "active",
};

const char *lq_query_kind_name(enum lq_query_kind kind)
{
	if (kind <= LQ_QUERY_KIND_NONE || kind >= LQ_QUERY_KIND_COUNT)
		return "unknown";
	return kind_names[kind];
}

/* The bits a query-types name stands for: a name both families share
 * ("by-client-id", "active") covers both; 0 when unknown. */
static uint32_t kind_bits(const char *name)
{
	uint32_t bits = 0;

	for (int k = LQ_QUERY_KIND_NONE + 1; k < LQ_QUERY_KIND_COUNT; k++)
		if (strcmp(kind_names[k], name) == 0)
			bits |= 1u << k;
	return bits;
}

static int read_query_types(struct cfg_ctx *ctx, const json_t *obj, uint32_t *out)
{
	const json_t *array = json_object_get(obj, "query-types");
	const json_t *item;
	size_t i;

	*out = 0;
	if (array == NULL)
		return 0;
	size_t mark = cfg_enter_key(ctx, "query-types");
	if (!json_is_array(array) || json_array_size(array) == 0)
		return cfg_fail(ctx, "expected a non-empty array of query type names, got %s",
				cfg_json_type_name(array));
	json_array_foreach(array, i, item) {
		size_t item_mark = cfg_enter_index(ctx, i);
		uint32_t bits = json_is_string(item) ? kind_bits(json_string_value(item)) : 0;

		if (bits == 0)
			return cfg_fail(ctx, "not a query type (by-ip, by-mac, by-client-id, by-remote-id, "
					"by-relay-id, all-addresses, by-address, by-link-address, active)");
		*out |= bits;
		cfg_leave(ctx, item_mark);
	}
	cfg_leave(ctx, mark);
	return 0;
}

static const char *const requester_keys[] = {"prefix", "query-types", NULL};

static int read_requester(struct cfg_ctx *ctx, const json_t *item, struct lq_config_prefix *p)
{
	const char *text;
	uint8_t addr[16], first[16], last[16];
	char fixed[CFG_PREFIX_STRLEN];
	bool host_bits;

	if (json_is_object(item)) {
		if (cfg_check_keys(ctx, item, requester_keys) < 0 ||
		    read_query_types(ctx, item, &p->query_types) < 0)
			return -1;
		int rc = cfg_get_string(ctx, item, "prefix", &text);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return cfg_fail(ctx, "missing \"prefix\" (the requestor's address or prefix)");
		cfg_enter_key(ctx, "prefix");
	} else if (json_is_string(item)) {
		text = json_string_value(item);
	} else {
		return cfg_fail(ctx, "expected an address or prefix string, or {\"prefix\", \"query-types\"}, "
				"got %s", cfg_json_type_name(item));
	}
	p->family = cfg_parse_prefix(text, 0, addr, &p->len, &host_bits);
	if (p->family == 0)
		return cfg_fail(ctx, "\"%s\" is not an address or prefix (like \"192.0.2.0/24\" or "
				"\"2001:db8::/32\")", text);
	if (host_bits) {
		cfg_prefix_range(p->family, addr, p->len, first, last);
		return cfg_fail(ctx, "\"%s\" has host bits set (did you mean \"%s\"?)", text,
				cfg_format_prefix(p->family, first, p->len, fixed));
	}
	memcpy(p->v4.b, p->family == 4 ? addr : (const uint8_t[4]){0}, 4);
	memcpy(p->v6.b, p->family == 6 ? addr : (const uint8_t[16]){0}, 16);
	return 0;
}

static int read_refused_mode(struct cfg_ctx *ctx, const json_t *root, struct lq_config *cfg)
{
	const char *mode;
	int rc = cfg_get_string(ctx, root, "refused-queries", &mode);

	if (rc <= 0)
		return rc;
	size_t mark = cfg_enter_key(ctx, "refused-queries");
	if (strcmp(mode, "drop") == 0)
		cfg->refuse_by_dropping = true;
	else if (strcmp(mode, "not-allowed") != 0)
		return cfg_fail(ctx, "\"%s\" is not \"not-allowed\" or \"drop\"", mode);
	cfg_leave(ctx, mark);
	return 0;
}

int cfg_read_requesters(struct cfg_ctx *ctx, const json_t *root, struct lq_config *cfg)
{
	const json_t *array = json_object_get(root, "requesters");
	const json_t *item;
	size_t i;

	if (read_refused_mode(ctx, root, cfg) < 0)
		return -1;
	if (array == NULL)
		return 0;
	size_t mark = cfg_enter_key(ctx, "requesters");
	if (!json_is_array(array))
		return cfg_fail(ctx, "expected an array, got %s", cfg_json_type_name(array));
	cfg->requesters = calloc(json_array_size(array) + 1, sizeof *cfg->requesters);
	if (cfg->requesters == NULL)
		return cfg_fail(ctx, "out of memory");
	json_array_foreach(array, i, item) {
		size_t item_mark = cfg_enter_index(ctx, i);

		if (read_requester(ctx, item, &cfg->requesters[i]) < 0)
			return -1;
		cfg->n_requesters++;
		cfg_leave(ctx, item_mark);
	}
	cfg_leave(ctx, mark);
	return 0;
}

/* The first requesters entry containing addr, or NULL. */
static const struct lq_config_prefix *find_requester(const struct lq_config *cfg, int family,
						     const uint8_t *addr)
{
	static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (family == 6 && memcmp(addr, v4_mapped, sizeof v4_mapped) == 0) {
		family = 4;
		addr += sizeof v4_mapped;
	}
	for (size_t i = 0; i < cfg->n_requesters; i++) {
		const struct lq_config_prefix *p = &cfg->requesters[i];

		if (p->family == family &&
		    cfg_prefix_contains(family, family == 4 ? p->v4.b : p->v6.b, p->len, addr))
			return p;
	}
	return NULL;
}

bool lq_config_requester_allowed(const struct lq_config *cfg, int family, const uint8_t *addr)
{
	return find_requester(cfg, family, addr) != NULL;
}

bool lq_config_query_allowed(const struct lq_config *cfg, int family, const uint8_t *addr,
			     enum lq_query_kind kind)
{
	const struct lq_config_prefix *p = find_requester(cfg, family, addr);

	if (p == NULL || kind <= LQ_QUERY_KIND_NONE || kind >= LQ_QUERY_KIND_COUNT)
		return false;
	return p->query_types == 0 || (p->query_types & (1u << kind)) != 0;
}
