/* client_data6.c - writes OPTION_CLIENT_DATA (RFC 5007 4.1.2.2, 4.4.2) for
 * one client on one link from its bindings: the client's DUID, its
 * addresses and delegated prefixes with what is left of their lifetimes
 * (0 for those no longer active, when a bulk query asks for changes), the
 * time since the server last heard from it, and the options the requestor's
 * ORO asks for that a binding can supply. Sensitive options (RFC 5007 5)
 * are never written. Used by single and bulk leasequery alike. */
#include <string.h>

#include "lq/client_data6.h"
#include "lq/lqtime.h"

#define FQDN_MAX 255            /* RFC 1035: a name is at most 255 octets */
#define LABEL_MAX 63

static bool sensitive(const struct lq6_client_data_ctx *ctx, uint16_t code)
{
	return ctx->config != NULL && lq_config_option_sensitive(ctx->config, 6, code);
}

static bool oro_has(lq_bytes oro, uint16_t code)
{
	if (oro.data == NULL)
		return false;
	for (size_t i = 0; i + 1 < oro.len; i += 2)
		if ((uint16_t)(oro.data[i] << 8 | oro.data[i + 1]) == code)
			return true;
	return false;
}

/* Wanted: asked for in the ORO and not sensitive. */
static bool wanted(const struct lq6_client_data_ctx *ctx, uint16_t code)
{
	return oro_has(ctx->oro, code) && !sensitive(ctx, code);
}

struct lq6_lifetimes lq6_binding_lifetimes(const struct lq_binding *b, int64_t now)
{
	struct lq6_lifetimes lt;
	int64_t preferred_end;

	lt.valid = lq_time_remaining(b->expire, now);
	if (b->preferred_lifetime == LQ_INFINITE_LIFETIME) {
		lt.preferred = lt.valid;
		return lt;
	}
	/* The preferred lifetime ends as long before expire as it is shorter
	 * than the valid lifetime; without a usable valid lifetime, count it
	 * from the last transaction. */
	if (b->expire != LQ_TIME_NEVER && b->valid_lifetime != LQ_INFINITE_LIFETIME &&
	    b->valid_lifetime >= b->preferred_lifetime && b->valid_lifetime > 0)
		preferred_end = b->expire - (int64_t)(b->valid_lifetime - b->preferred_lifetime);
	else
		preferred_end = b->cltt + (int64_t)b->preferred_lifetime;
	lt.preferred = lq_time_remaining(preferred_end, now);
	if (lt.preferred > lt.valid)
		lt.preferred = lt.valid;
	return lt;
}

bool lq6_binding_reportable(const struct lq_binding *b, int64_t now)
{
	if (b->key.family != 6 || b->state != LQ_STATE_ACTIVE)
		return false;
	if (b->type != LQ_LEASE_NA && b->type != LQ_LEASE_TA && b->type != LQ_LEASE_PD)
		return false;
	return lq_time_remaining(b->expire, now) > 0;
}

static bool is_v6_lease(const struct lq_binding *b)
{
	return b->key.family == 6 &&
	       (b->type == LQ_LEASE_NA || b->type == LQ_LEASE_TA || b->type == LQ_LEASE_PD);
}

/* Is b written: reportable, or any IPv6 lease when the context asks for
 * the inactive ones too. */
static bool included(const struct lq6_client_data_ctx *ctx, const struct lq_binding *b)
{
	if (ctx->include_inactive)
		return is_v6_lease(b);
	return lq6_binding_reportable(b, ctx->now);
}

/* The included binding with the newest cltt among those pred accepts. */
static const struct lq_binding *newest(const struct lq6_client_data_ctx *ctx,
				       const struct lq_binding *v, size_t n,
				       bool (*pred)(const struct lq_binding *))
{
	const struct lq_binding *best = NULL;

	for (size_t i = 0; i < n; i++) {
		if (!included(ctx, &v[i]) || (pred != NULL && !pred(&v[i])))
			continue;
		if (best == NULL || v[i].cltt > best->cltt)
			best = &v[i];
	}
	return best;
}

static bool has_relay_info(const struct lq_binding *b)
{
	return b->relay_info.data != NULL && b->relay_info.len > 0;
}

static bool has_hwaddr(const struct lq_binding *b)
{
	return b->hwaddr.data != NULL && b->hwaddr.len > 0;
}

static bool has_hostname(const struct lq_binding *b)
{
	return b->hostname.data != NULL && b->hostname.len > 0;
}

static void write_lease(struct lq6_writer *w, const struct lq6_client_data_ctx *ctx,
			const struct lq_binding *b, size_t *count)
{
	struct lq6_lifetimes lt = {0, 0};

	/* a lease that is no longer active (include_inactive) is gone: 0 */
	if (lq6_binding_reportable(b, ctx->now))
		lt = lq6_binding_lifetimes(b, ctx->now);

	if (b->type == LQ_LEASE_PD) {
		if (sensitive(ctx, LQ6_OPT_IAPREFIX))
			return;
		lq6w_iaprefix(w, &b->key.addr, b->key.prefix_len, lt.preferred, lt.valid);
	} else {
		if (sensitive(ctx, LQ6_OPT_IAADDR))
			return;
		lq6w_iaaddr(w, &b->key.addr, lt.preferred, lt.valid);
	}
	(*count)++;
}

/* OPTION_LQ_RELAY_DATA from the newest binding with relay information; left
 * out when there is none or it is not a valid RELAY-FORW (4.1.2.4: MUST NOT
 * be returned without such information). */
static void write_relay_data(struct lq6_writer *w, const struct lq6_client_data_ctx *ctx,
			     const struct lq_binding *b)
{
	uint8_t msg[LQ_BINDING_MAX_RELAY];
	size_t len;

	if (b == NULL)
		return;
	len = lq6_relay_data_message(ctx->config, b->relay_info, msg, sizeof(msg));
	if (len > 0)
		lq6w_relay_data(w, &b->relay_peer, msg, len);
}

/* RFC 6939: link-layer type (the ARP hardware type), then the address. */
static void write_linklayer(struct lq6_writer *w, const struct lq_binding *b)
{
	uint8_t v[2 + LQ_BINDING_MAX_HWADDR];
	size_t n = b->hwaddr.len;

	if (n > LQ_BINDING_MAX_HWADDR)
		return;
	v[0] = 0;
	v[1] = b->htype;
	memcpy(v + 2, b->hwaddr.data, n);
	lq6w_option(w, LQ6_OPT_CLIENT_LINKLAYER_ADDR, v, 2 + n);
}

/* RFC 4704: flags (none known: 0), then the name in DNS wire format, fully
 * qualified. A name that is not a valid DNS name is left out. */
static void write_fqdn(struct lq6_writer *w, const struct lq_binding *b)
{
	uint8_t v[1 + FQDN_MAX + 1];
	size_t len = b->hostname.len, at = 1, start = 0;
	const uint8_t *name = b->hostname.data;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len + 2 > FQDN_MAX)
		return;
	v[0] = 0;
	while (start <= len) {
		size_t end = start;
		while (end < len && name[end] != '.')
			end++;
		size_t label = end - start;
		if (label == 0 || label > LABEL_MAX)
			return;
		v[at++] = (uint8_t)label;
		memcpy(v + at, name + start, label);
		at += label;
		start = end + 1;
	}
	v[at++] = 0;
	lq6w_option(w, LQ6_OPT_CLIENT_FQDN, v, at);
}

size_t lq6_client_data_write(struct lq6_writer *w, const struct lq6_client_data_ctx *ctx,
			     const struct lq_binding *bindings, size_t n)
{
	const struct lq_binding *first = NULL, *latest;
	size_t count = 0;

	for (size_t i = 0; i < n && first == NULL; i++)
		if (included(ctx, &bindings[i]))
			first = &bindings[i];
	if (first == NULL || sensitive(ctx, LQ6_OPT_CLIENT_DATA))
		return 0;
	latest = newest(ctx, bindings, n, NULL);

	lq6w_open(w, LQ6_OPT_CLIENT_DATA);
	if (!sensitive(ctx, LQ6_OPT_CLIENTID) && first->client_id.data != NULL &&
	    first->client_id.len > 0)
		lq6w_option(w, LQ6_OPT_CLIENTID, first->client_id.data, first->client_id.len);
	for (size_t i = 0; i < n; i++)
		if (included(ctx, &bindings[i]))
			write_lease(w, ctx, &bindings[i], &count);
	if (!sensitive(ctx, LQ6_OPT_CLT_TIME))
		lq6w_option_u32(w, LQ6_OPT_CLT_TIME, lq_time_elapsed(latest->cltt, ctx->now));
	if (wanted(ctx, LQ6_OPT_LQ_RELAY_DATA))
		write_relay_data(w, ctx, newest(ctx, bindings, n, has_relay_info));
	if (wanted(ctx, LQ6_OPT_CLIENT_LINKLAYER_ADDR)) {
		const struct lq_binding *b = newest(ctx, bindings, n, has_hwaddr);
		if (b != NULL)
			write_linklayer(w, b);
	}
	if (wanted(ctx, LQ6_OPT_CLIENT_FQDN)) {
		const struct lq_binding *b = newest(ctx, bindings, n, has_hostname);
		if (b != NULL)
			write_fqdn(w, b);
	}
	lq6w_close(w);
	return count;
}
