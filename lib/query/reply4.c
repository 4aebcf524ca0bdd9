/* reply4.c - writes the reply to a DHCPv4 leasequery (RFC 4388 6.4) once
 * the answer is known: the BOOTP header, the options the requestor asked
 * for, within the size the requestor accepts.
 *
 * Header: op BOOTREPLY, xid, flags and giaddr copied from the query. In
 * DHCPLEASEACTIVE, ciaddr is the leased address and htype/hlen/chaddr the
 * hardware address of its client (RFC 4388 6.4.2). In DHCPLEASEUNASSIGNED,
 * ciaddr is the queried address and there is no client (htype/hlen 0). In
 * DHCPLEASEUNKNOWN, ciaddr and htype/hlen/chaddr are those of the query, so
 * that the requestor sees which key was unknown (header fields, not options).
 *
 * Options: message type (53) and server identifier (54, when configured) in
 * every reply; nothing else in DHCPLEASEUNKNOWN ("MUST NOT include other DHCP
 * options", 6.4) nor in DHCPLEASEUNASSIGNED ("No other options are
 * returned", 6.4.2). DHCPLEASEACTIVE can carry:
 *   51 lease time: the time left until expiry (infinite stays infinite);
 *   58, 59 T1, T2: the time left until renewal and rebinding, at RFC 2131
 *      4.4.5's defaults (0.5 and 0.875 of the lease from its start, which is
 *      expire - valid lifetime); omitted once past (6.4.2 MUST NOT) and for
 *      infinite leases;
 *   91 client-last-transaction-time: seconds since cltt (when known);
 *   82 relay agent information: the one last received, as stored (omitted
 *      when its sub-options do not parse: no relay could use it);
 *   60 vendor class, 61 client identifier, 12 host name, 1 subnet mask (the
 *      prefix length of the configured subnet of the address);
 *   92 associated-ip: the client's other leased addresses, for queries by
 *      MAC address or client identifier, whether requested or not (6.4.2).
 * With a parameter request list (55) only the options it names among those
 * (and 92) are returned. Without one, a DHCPACK's options (6.2: "the same
 * options it would return for a DHCPREQUEST"): 51 (RFC 2131 4.3.1), 58 and
 * 59 (RFC 2131 4.4.5), 61 (RFC 6842 echoes it in DHCPACK), 82 (RFC 3046
 * echoes it in replies), plus 91, which lqd always returns because it is
 * what RFC 4388 6.8 compares answers of several servers with. An option on
 * the configured sensitive list is never returned (6.4.2), 92 included;
 * 53 and 54 are the protocol's own and not subject to it.
 *
 * Size: RFC 2131 2 and RFC 2132 9.10: a reply fits in 576 octets of IP
 * datagram unless the query's maximum message size (57, at least 576)
 * allows more; the limit on the DHCP message is that minus the IP and UDP
 * headers (28), and never more than the caller's buffer. When everything
 * does not fit, options are kept in the order of their use to an access
 * concentrator while they fit: 51, 82, as many associated-ip addresses as
 * fit (the most recent ones), 91, 58, 59, 61, 1, 60, 12; a large option left
 * out leaves its room to smaller ones after it. 53 and 54 always stay. */
#include <string.h>

#include "answer4_internal.h"
#include "lq/lqtime.h"

#define IP_UDP_HEADERS 28
#define MIN_DATAGRAM 576          /* RFC 2131 2, RFC 2132 9.10 */
#define OPT_CHUNK 255             /* RFC 3396: longer values are split */
/* Header and cookie, 53, 54 and END: the smallest reply. */
#define MIN_REPLY (LQ4_MIN_LEN + 3 + 6 + 1)
#define MAX_PLANNED 16

/* Options the requestor gets when it sends no parameter request list. */
static const uint8_t default_options[] = {
	LQ4_OPT_LEASE_TIME, LQ4_OPT_T1, LQ4_OPT_T2, LQ4_OPT_CLIENT_ID,
	LQ4_OPT_RELAY_AGENT_INFO, LQ4_OPT_CLT_TIME,
};

/* Every option a reply may carry besides 53 and 54, the least important
 * first: when the reply would be too large, the last ones are kept. */
static const uint8_t keep_order[] = {
	LQ4_OPT_HOSTNAME, LQ4_OPT_VENDOR_CLASS, LQ4_OPT_SUBNET_MASK, LQ4_OPT_CLIENT_ID,
	LQ4_OPT_T2, LQ4_OPT_T1, LQ4_OPT_CLT_TIME, LQ4_OPT_ASSOCIATED_IP,
	LQ4_OPT_RELAY_AGENT_INFO, LQ4_OPT_LEASE_TIME,
};

/* The options of a reply, in ascending code order, with room for the
 * values that are computed rather than read from the binding. */
struct plan {
	struct lq4_option opts[MAX_PLANNED];
	size_t n;
	uint8_t lease_time[4], t1[4], t2[4], clt_time[4], mask[4];
	uint8_t assoc[LQ4_ASSOC_MAX * 4];
};

static void put_u32(uint8_t b[4], uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static bool contains(const uint8_t *list, size_t n, uint8_t code)
{
	return memchr(list, code, n) != NULL;
}

/* Does the requestor get this option (when the server has a value)? */
static bool wanted(const struct lq_query_env *env, const struct lq4_msg *q, uint8_t code)
{
	if (lq_config_option_sensitive(env->config, 4, code))
		return false;
	if (code == LQ4_OPT_ASSOCIATED_IP)
		return true;
	if (q->prl.data != NULL)
		return contains(q->prl.data, q->prl.len, code);
	return contains(default_options, sizeof(default_options), code);
}

static void plan_add(struct plan *p, const struct lq_query_env *env, const struct lq4_msg *q,
		     uint8_t code, const uint8_t *value, size_t len)
{
	if (value == NULL || len == 0 || p->n == MAX_PLANNED || !wanted(env, q, code))
		return;
	p->opts[p->n].code = code;
	p->opts[p->n].value = (lq_bytes){ value, len };
	p->n++;
}

/* Times that can be computed without overflow: not before 1970 and not
 * beyond year 10^10 or so. */
static bool sane_time(int64_t t)
{
	return t > 0 && t < ((int64_t)1 << 40);
}

/* T1 or T2 of the lease of b at fraction num/den of its duration, as
 * seconds left at now; false when unknown, infinite or already past. */
static bool tee_time(const struct lq_binding *b, int64_t now, int64_t num, int64_t den,
		     uint32_t *left)
{
	int64_t duration, start, at;

	if (b->expire == LQ_TIME_NEVER || !sane_time(b->expire) || !sane_time(now))
		return false;
	if (b->valid_lifetime != 0 && b->valid_lifetime != LQ_INFINITE_LIFETIME) {
		duration = b->valid_lifetime;
		start = b->expire - duration;
	} else if (b->valid_lifetime == 0 && sane_time(b->cltt) && b->expire > b->cltt) {
		duration = b->expire - b->cltt;
		start = b->cltt;
	} else {
		return false;
	}
	at = start + duration * num / den;
	if (at <= now)
		return false;
	*left = lq_time_remaining(at, now);
	return true;
}

/* Option 82 as stored, when it is a well-formed relay agent information. */
static bool relay_info_usable(lq_bytes value)
{
	struct lq4_relay_info ri;

	return value.data != NULL && value.len > 0 && lq4_relay_info_decode(value, &ri) == LQ_OK;
}

/* The subnet mask of the configured subnet of addr into mask; false when
 * the address is in no configured subnet. */
static bool subnet_mask(const struct lq_config *config, lq_ip4 addr, uint8_t mask[4])
{
	const struct lq_config_subnet4 *s = lq_config_find_subnet4(config, addr);
	uint32_t m;

	if (s == NULL || s->prefix_len > 32)
		return false;
	m = s->prefix_len == 0 ? 0 : 0xffffffffu << (32 - s->prefix_len);
	put_u32(mask, m);
	return true;
}

/* Every option DHCPLEASEACTIVE may carry, before the size limit. */
static void plan_active(struct plan *p, const struct lq_query_env *env, const struct lq4_msg *q,
			const struct lq4_found *f)
{
	const struct lq_binding *b = &f->binding;
	uint32_t t;

	if (subnet_mask(env->config, f->addr, p->mask))
		plan_add(p, env, q, LQ4_OPT_SUBNET_MASK, p->mask, 4);
	plan_add(p, env, q, LQ4_OPT_HOSTNAME, b->hostname.data, b->hostname.len);
	put_u32(p->lease_time, lq_time_remaining(b->expire, env->now));
	plan_add(p, env, q, LQ4_OPT_LEASE_TIME, p->lease_time, 4);
	if (tee_time(b, env->now, 1, 2, &t)) {
		put_u32(p->t1, t);
		plan_add(p, env, q, LQ4_OPT_T1, p->t1, 4);
	}
	if (tee_time(b, env->now, 7, 8, &t)) {
		put_u32(p->t2, t);
		plan_add(p, env, q, LQ4_OPT_T2, p->t2, 4);
	}
	plan_add(p, env, q, LQ4_OPT_VENDOR_CLASS, b->vendor_class.data, b->vendor_class.len);
	plan_add(p, env, q, LQ4_OPT_CLIENT_ID, b->client_id.data, b->client_id.len);
	if (relay_info_usable(b->relay_info))
		plan_add(p, env, q, LQ4_OPT_RELAY_AGENT_INFO, b->relay_info.data, b->relay_info.len);
	if (sane_time(b->cltt)) {
		put_u32(p->clt_time, b->cltt < env->now ? lq_time_elapsed(b->cltt, env->now) : 0);
		plan_add(p, env, q, LQ4_OPT_CLT_TIME, p->clt_time, 4);
	}
	if (f->client_query && f->n_assoc > 0) {
		for (size_t i = 0; i < f->n_assoc; i++)
			memcpy(p->assoc + 4 * i, f->assoc[i].b, 4);
		plan_add(p, env, q, LQ4_OPT_ASSOCIATED_IP, p->assoc, 4 * f->n_assoc);
	}
}

/* Octets an option of len octets takes, split as RFC 3396 says. */
static size_t option_size(size_t len)
{
	return len + 2 * ((len + OPT_CHUNK - 1) / OPT_CHUNK);
}

/* The most associated addresses that fit in room octets of option. */
static size_t assoc_fitting(size_t room, size_t have)
{
	size_t n = have;

	while (n > 0 && option_size(4 * n) > room)
		n--;
	return n;
}

/* Keep, most important first, the options that fit in room octets (the
 * message without them: header, 53, 54, END); trim associated-ip to the
 * addresses that fit. A large option given up leaves room for smaller,
 * less important ones. Order of the plan (ascending codes) is kept. */
static void fit(struct plan *p, size_t room)
{
	bool keep[MAX_PLANNED] = { false };
	size_t n = 0;

	for (size_t k = sizeof(keep_order); k-- > 0;) {
		for (size_t i = 0; i < p->n; i++) {
			struct lq4_option *o = &p->opts[i];
			size_t size = option_size(o->value.len);

			if (o->code != keep_order[k])
				continue;
			if (size > room && o->code == LQ4_OPT_ASSOCIATED_IP) {
				o->value.len = 4 * assoc_fitting(room, o->value.len / 4);
				size = option_size(o->value.len);
			}
			if (o->value.len > 0 && size <= room) {
				keep[i] = true;
				room -= size;
			}
		}
	}
	for (size_t i = 0; i < p->n; i++)
		if (keep[i])
			p->opts[n++] = p->opts[i];
	p->n = n;
}

/* The reply without options but 53 and 54: header and cookie, 53, 54, END. */
static size_t base_size(bool server_id)
{
	return LQ4_MIN_LEN + 3 + (server_id ? 6 : 0) + 1;
}

/* The largest reply the requestor accepts, within cap. */
static size_t size_limit(const struct lq4_msg *q, size_t cap)
{
	size_t datagram = MIN_DATAGRAM;

	if (q->has_max_msg_size && q->max_msg_size > MIN_DATAGRAM)
		datagram = q->max_msg_size;
	return datagram - IP_UDP_HEADERS < cap ? datagram - IP_UDP_HEADERS : cap;
}

/* The reply is written here octet by octet rather than through lq4_encode:
 * building a struct lq4_msg (11 KiB, zeroed) for every reply was a fifth of
 * the engine's time under load. The octets are those lq4_encode writes for
 * the same message (tests/unit/test_answer4.c decodes them with
 * lq4_decode): the BOOTP header, the magic cookie, option 53, option 54,
 * the planned options in their order, each value longer than 255 octets
 * split as RFC 3396 says, and END; no padding. */

#define OFF_XID 4
#define OFF_FLAGS 10
#define OFF_CIADDR 12
#define OFF_GIADDR 24
#define OFF_CHADDR 28

static const uint8_t magic_cookie[4] = { 99, 130, 83, 99 };

/* The BOOTP header: op BOOTREPLY, xid, flags and giaddr of the query;
 * ciaddr and the hardware address as the reply type says (see the top of
 * this file); hops, secs, yiaddr, siaddr, sname and file zero. */
static void write_header(uint8_t *out, const struct lq4_msg *q, const struct lq4_found *f)
{
	memset(out, 0, LQ4_HEADER_LEN);
	out[0] = LQ4_BOOTREPLY;
	put_u32(out + OFF_XID, q->xid);
	out[OFF_FLAGS] = (uint8_t)(q->flags >> 8);
	out[OFF_FLAGS + 1] = (uint8_t)q->flags;
	memcpy(out + OFF_GIADDR, q->giaddr.b, 4);
	if (f->reply_type == LQ4_LEASEUNKNOWN) {
		out[1] = q->htype;
		out[2] = q->hlen;
		memcpy(out + OFF_CIADDR, q->ciaddr.b, 4);
		memcpy(out + OFF_CHADDR, q->chaddr, sizeof(q->chaddr));
		return;
	}
	memcpy(out + OFF_CIADDR, f->addr.b, 4);
	if (f->reply_type == LQ4_LEASEACTIVE && f->binding.hwaddr.data != NULL) {
		size_t n = f->binding.hwaddr.len;

		if (n > sizeof(q->chaddr))
			n = sizeof(q->chaddr);
		out[1] = f->binding.htype;
		out[2] = (uint8_t)n;
		memcpy(out + OFF_CHADDR, f->binding.hwaddr.data, n);
	}
}

/* One option at p, split into instances of at most 255 octets; returns the
 * octets written (option_size(len)). len > 0. */
static size_t write_option(uint8_t *p, uint8_t code, const uint8_t *value, size_t len)
{
	size_t n = 0;

	while (len > 0) {
		size_t chunk = len > OPT_CHUNK ? OPT_CHUNK : len;

		p[n++] = code;
		p[n++] = (uint8_t)chunk;
		memcpy(p + n, value, chunk);
		n += chunk;
		value += chunk;
		len -= chunk;
	}
	return n;
}

/* The whole reply with the planned options into out, when it fits in
 * limit octets; 0 when it does not. */
static size_t write_reply(const struct lq_query_env *env, const struct lq4_msg *q,
			  const struct lq4_found *f, const struct plan *p, uint8_t *out, size_t limit)
{
	size_t size = base_size(env->config->has_server_id), n;

	for (size_t i = 0; i < p->n; i++)
		size += option_size(p->opts[i].value.len);
	if (size > limit)
		return 0;
	write_header(out, q, f);
	n = LQ4_HEADER_LEN;
	memcpy(out + n, magic_cookie, sizeof(magic_cookie));
	n += sizeof(magic_cookie);
	out[n++] = LQ4_OPT_MSG_TYPE;
	out[n++] = 1;
	out[n++] = f->reply_type;
	if (env->config->has_server_id) {
		out[n++] = LQ4_OPT_SERVER_ID;
		out[n++] = 4;
		memcpy(out + n, env->config->server_id.b, 4);
		n += 4;
	}
	for (size_t i = 0; i < p->n; i++)
		n += write_option(out + n, p->opts[i].code, p->opts[i].value.data, p->opts[i].value.len);
	out[n++] = LQ4_OPT_END;
	return n;
}

int lq4_reply_write(const struct lq_query_env *env, const struct lq4_msg *q,
		    const struct lq4_found *found, uint8_t *out, size_t cap, size_t *len)
{
	struct plan plan;
	size_t limit = size_limit(q, cap);

	*len = 0;
	if (out == NULL || limit < MIN_REPLY)
		return -1;
	plan.n = 0;
	if (found->reply_type == LQ4_LEASEACTIVE && found->has_binding)
		plan_active(&plan, env, q, found);
	fit(&plan, limit - base_size(env->config->has_server_id));
	*len = write_reply(env, q, found, &plan, out, limit);
	if (*len > 0)
		return 0;
	/* Not expected: the size was computed above. Answer without the
	 * options rather than not at all. */
	plan.n = 0;
	*len = write_reply(env, q, found, &plan, out, limit);
	return *len > 0 ? 0 : -1;
}
