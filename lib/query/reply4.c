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
 * out leaves its room to smaller ones after it. 53 and 54 always stay.
 *
 * The replies of a bulk leasequery (RFC 6926 8.3, lq4_bulk_reply_write) are
 * written by the same planner with these differences: option 54 only in
 * the first message of the query; never associated-ip (92: "MUST NOT",
 * RFC 6926 5), even when the parameter request list names it; a
 * DHCPLEASEUNASSIGNED about a binding names its last client in the header
 * (htype, hlen, chaddr) and carries its 12, 60, 61, 82 and 91 (7.3: "MAY
 * also contain information about the last DHCPv4 client"), but no lease
 * times; each data message can carry 152 base-time (now), 153
 * start-time-of-state (seconds from the binding's state_since to now, when
 * known), 156 dhcp-state (also in DHCPLEASEACTIVE: simpler for requestors
 * than "absent means ACTIVE", 8.3 item 1 allows either) and 157
 * data-source (only when its REMOTE bit is set, 8.3 item 5); 221 VSS
 * (type, then the VPN identifier) whenever the binding is in a VPN other
 * than the global one, asked for or not ("MUST", 8.2); DHCPLEASEQUERYDONE
 * carries 151 status-code when the query failed. Without a parameter
 * request list the defaults above plus 152, 153, 156 and 157. The limit is
 * the caller's buffer (a TCP frame, up to 65535 octets), not a datagram.
 * The sensitive list applies as above (221 included: an operator who lists
 * it wants VPN names kept in; 151 is the protocol's own).
 *
 * Active leasequery (RFC 7724) writes the same data messages, plus
 * DHCPLEASEQUERYSTATUS (151 when not Success, then 152 base-time) and, when
 * done_base_time is set, base-time in DHCPLEASEQUERYDONE; bulk queries set
 * neither and get the octets above. */
#include <string.h>

#include "answer4_internal.h"
#include "lq/lqtime.h"

#define IP_UDP_HEADERS 28
#define MIN_DATAGRAM 576          /* RFC 2131 2, RFC 2132 9.10 */
#define OPT_CHUNK 255             /* RFC 3396: longer values are split */
/* Header and cookie, 53, 54 and END: the smallest reply. */
#define MIN_REPLY (LQ4_MIN_LEN + 3 + 6 + 1)
#define MAX_PLANNED 16
#define STATUS_TEXT_MAX 254       /* 151 in one instance: code + text */

/* Options the requestor gets when it sends no parameter request list. */
static const uint8_t default_options[] = {
	LQ4_OPT_LEASE_TIME, LQ4_OPT_T1, LQ4_OPT_T2, LQ4_OPT_CLIENT_ID,
	LQ4_OPT_RELAY_AGENT_INFO, LQ4_OPT_CLT_TIME,
};

/* The same for a bulk query: the times and the state every requestor that
 * keeps a copy needs (RFC 6926 7.2 and 7.6). */
static const uint8_t bulk_default_options[] = {
	LQ4_OPT_LEASE_TIME, LQ4_OPT_T1, LQ4_OPT_T2, LQ4_OPT_CLIENT_ID,
	LQ4_OPT_RELAY_AGENT_INFO, LQ4_OPT_CLT_TIME, LQ4_OPT_BASE_TIME,
	LQ4_OPT_START_TIME_OF_STATE, LQ4_OPT_DHCP_STATE, LQ4_OPT_DATA_SOURCE,
};

/* Every option a reply may carry besides 53 and 54, the least important
 * first: when the reply would be too large, the last ones are kept. The
 * bulk options are small and say what the message is about: last. */
static const uint8_t keep_order[] = {
	LQ4_OPT_HOSTNAME, LQ4_OPT_VENDOR_CLASS, LQ4_OPT_SUBNET_MASK, LQ4_OPT_CLIENT_ID,
	LQ4_OPT_T2, LQ4_OPT_T1, LQ4_OPT_CLT_TIME, LQ4_OPT_ASSOCIATED_IP,
	LQ4_OPT_RELAY_AGENT_INFO, LQ4_OPT_LEASE_TIME, LQ4_OPT_DATA_SOURCE,
	LQ4_OPT_START_TIME_OF_STATE, LQ4_OPT_BASE_TIME, LQ4_OPT_VSS, LQ4_OPT_DHCP_STATE,
	LQ4_OPT_STATUS_CODE,
};

/* What a reply is written for, the same for a single query (from its
 * struct lq4_msg) and for a bulk query (from struct lq4_bulk_reply). */
struct ctx {
	const struct lq_config *config;
	int64_t now;
	const uint8_t *prl;       /* the requested codes; NULL: no list */
	size_t prl_len;
	bool bulk;                /* RFC 6926 8.3 */
	bool server_id;           /* write option 54 */
	uint32_t xid;
	uint16_t flags;
	lq_ip4 giaddr;
	const struct lq4_msg *q;  /* the single query (DHCPLEASEUNKNOWN echoes its
				   * keys); NULL for a bulk query */
};

/* The options of a reply, in ascending code order, with room for the
 * values that are computed rather than read from the binding. */
struct plan {
	struct lq4_option opts[MAX_PLANNED];
	size_t n;
	uint8_t lease_time[4], t1[4], t2[4], clt_time[4], mask[4];
	uint8_t base_time[4], state_time[4], state[1], source[1];
	uint8_t vss[1 + LQ_BINDING_MAX_SMALL];
	uint8_t status[1 + STATUS_TEXT_MAX];
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
static bool wanted(const struct ctx *c, uint8_t code)
{
	if (lq_config_option_sensitive(c->config, 4, code))
		return false;
	if (code == LQ4_OPT_ASSOCIATED_IP)
		return !c->bulk;
	if (code == LQ4_OPT_VSS)
		return c->bulk;
	if (c->prl != NULL)
		return contains(c->prl, c->prl_len, code);
	if (c->bulk)
		return contains(bulk_default_options, sizeof(bulk_default_options), code);
	return contains(default_options, sizeof(default_options), code);
}

/* Add an option without asking wanted(): the protocol's own. */
static void plan_put(struct plan *p, uint8_t code, const uint8_t *value, size_t len)
{
	if (value == NULL || len == 0 || p->n == MAX_PLANNED)
		return;
	p->opts[p->n].code = code;
	p->opts[p->n].value = (lq_bytes){ value, len };
	p->n++;
}

static void plan_add(struct plan *p, const struct ctx *c, uint8_t code, const uint8_t *value,
		     size_t len)
{
	if (wanted(c, code))
		plan_put(p, code, value, len);
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

/* What identifies the client of b and where it was last seen: 60, 61, 82,
 * 91 (ascending, after the lease times). */
static void plan_client(struct plan *p, const struct ctx *c, const struct lq_binding *b)
{
	plan_add(p, c, LQ4_OPT_VENDOR_CLASS, b->vendor_class.data, b->vendor_class.len);
	plan_add(p, c, LQ4_OPT_CLIENT_ID, b->client_id.data, b->client_id.len);
	if (relay_info_usable(b->relay_info))
		plan_add(p, c, LQ4_OPT_RELAY_AGENT_INFO, b->relay_info.data, b->relay_info.len);
	if (sane_time(b->cltt)) {
		put_u32(p->clt_time, b->cltt < c->now ? lq_time_elapsed(b->cltt, c->now) : 0);
		plan_add(p, c, LQ4_OPT_CLT_TIME, p->clt_time, 4);
	}
}

/* Every option DHCPLEASEACTIVE may carry, before the size limit. */
static void plan_active(struct plan *p, const struct ctx *c, const struct lq4_found *f)
{
	const struct lq_binding *b = &f->binding;
	uint32_t t;

	if (wanted(c, LQ4_OPT_SUBNET_MASK) && subnet_mask(c->config, f->addr, p->mask))
		plan_put(p, LQ4_OPT_SUBNET_MASK, p->mask, 4);
	plan_add(p, c, LQ4_OPT_HOSTNAME, b->hostname.data, b->hostname.len);
	put_u32(p->lease_time, lq_time_remaining(b->expire, c->now));
	plan_add(p, c, LQ4_OPT_LEASE_TIME, p->lease_time, 4);
	if (tee_time(b, c->now, 1, 2, &t)) {
		put_u32(p->t1, t);
		plan_add(p, c, LQ4_OPT_T1, p->t1, 4);
	}
	if (tee_time(b, c->now, 7, 8, &t)) {
		put_u32(p->t2, t);
		plan_add(p, c, LQ4_OPT_T2, p->t2, 4);
	}
	plan_client(p, c, b);
	if (f->client_query && f->n_assoc > 0) {
		for (size_t i = 0; i < f->n_assoc; i++)
			memcpy(p->assoc + 4 * i, f->assoc[i].b, 4);
		plan_add(p, c, LQ4_OPT_ASSOCIATED_IP, p->assoc, 4 * f->n_assoc);
	}
}

/* The status-code option (151) of DHCPLEASEQUERYDONE: the code, then the
 * text cut to what one instance holds, never inside a UTF-8 sequence and
 * never with a NUL (RFC 6926 6.2.2). */
static void plan_status(struct plan *p, uint8_t status, const char *text)
{
	size_t n = text != NULL ? strnlen(text, STATUS_TEXT_MAX + 1) : 0;

	if (n > STATUS_TEXT_MAX) {
		n = STATUS_TEXT_MAX;
		while (n > 0 && ((uint8_t)text[n] & 0xc0) == 0x80)
			n--;
	}
	p->status[0] = status;
	if (n > 0)
		memcpy(p->status + 1, text, n);
	plan_put(p, LQ4_OPT_STATUS_CODE, p->status, 1 + n);
}

/* The options of one reply of a bulk query (RFC 6926 8.3; see the top of
 * this file), in ascending code order. */
static void plan_bulk(struct plan *p, const struct ctx *c, const struct lq4_found *f,
		      const struct lq4_bulk_reply *r)
{
	const struct lq_binding *b = &f->binding;

	if (f->reply_type == LQ4_LEASEQUERYDONE || f->reply_type == LQ4_LEASEQUERYSTATUS) {
		if (r->status != LQ4_STATUS_SUCCESS)
			plan_status(p, r->status, r->status_text);
		if (f->reply_type == LQ4_LEASEQUERYSTATUS || r->done_base_time) {
			put_u32(p->base_time, lq_time_to_v4(c->now));
			plan_add(p, c, LQ4_OPT_BASE_TIME, p->base_time, 4);
		}
		return;
	}
	if (f->has_binding && f->reply_type == LQ4_LEASEACTIVE) {
		plan_active(p, c, f);
	} else if (f->has_binding) {
		plan_add(p, c, LQ4_OPT_HOSTNAME, b->hostname.data, b->hostname.len);
		plan_client(p, c, b);
	}
	put_u32(p->base_time, lq_time_to_v4(c->now));
	plan_add(p, c, LQ4_OPT_BASE_TIME, p->base_time, 4);
	if (f->has_binding && sane_time(b->state_since) && sane_time(c->now)) {
		put_u32(p->state_time, b->state_since < c->now ? lq_time_elapsed(b->state_since, c->now) : 0);
		plan_add(p, c, LQ4_OPT_START_TIME_OF_STATE, p->state_time, 4);
	}
	p->state[0] = r->state;
	if (r->state != 0)
		plan_add(p, c, LQ4_OPT_DHCP_STATE, p->state, 1);
	if (f->has_binding && b->data_source_remote) {
		p->source[0] = LQ4_DATA_SOURCE_REMOTE;
		plan_add(p, c, LQ4_OPT_DATA_SOURCE, p->source, 1);
	}
	if (f->has_binding && b->has_vpn) {
		size_t n = b->vpn_id.len <= LQ_BINDING_MAX_SMALL ? b->vpn_id.len : LQ_BINDING_MAX_SMALL;

		p->vss[0] = b->vpn_type;
		if (n > 0)
			memcpy(p->vss + 1, b->vpn_id.data, n);
		plan_add(p, c, LQ4_OPT_VSS, p->vss, 1 + n);
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
static void write_header(uint8_t *out, const struct ctx *c, const struct lq4_found *f)
{
	memset(out, 0, LQ4_HEADER_LEN);
	out[0] = LQ4_BOOTREPLY;
	put_u32(out + OFF_XID, c->xid);
	out[OFF_FLAGS] = (uint8_t)(c->flags >> 8);
	out[OFF_FLAGS + 1] = (uint8_t)c->flags;
	memcpy(out + OFF_GIADDR, c->giaddr.b, 4);
	if (f->reply_type == LQ4_LEASEUNKNOWN && c->q != NULL) {
		out[1] = c->q->htype;
		out[2] = c->q->hlen;
		memcpy(out + OFF_CIADDR, c->q->ciaddr.b, 4);
		memcpy(out + OFF_CHADDR, c->q->chaddr, sizeof(c->q->chaddr));
		return;
	}
	memcpy(out + OFF_CIADDR, f->addr.b, 4);
	if (f->has_binding && f->reply_type != LQ4_LEASEUNKNOWN && f->binding.hwaddr.data != NULL) {
		size_t n = f->binding.hwaddr.len;

		if (n > 16)
			n = 16;
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
static size_t write_reply(const struct ctx *c, const struct lq4_found *f, const struct plan *p,
			  uint8_t *out, size_t limit)
{
	size_t size = base_size(c->server_id), n;

	for (size_t i = 0; i < p->n; i++)
		size += option_size(p->opts[i].value.len);
	if (size > limit)
		return 0;
	write_header(out, c, f);
	n = LQ4_HEADER_LEN;
	memcpy(out + n, magic_cookie, sizeof(magic_cookie));
	n += sizeof(magic_cookie);
	out[n++] = LQ4_OPT_MSG_TYPE;
	out[n++] = 1;
	out[n++] = f->reply_type;
	if (c->server_id) {
		out[n++] = LQ4_OPT_SERVER_ID;
		out[n++] = 4;
		memcpy(out + n, c->config->server_id.b, 4);
		n += 4;
	}
	for (size_t i = 0; i < p->n; i++)
		n += write_option(out + n, p->opts[i].code, p->opts[i].value.data, p->opts[i].value.len);
	out[n++] = LQ4_OPT_END;
	return n;
}

/* Fit the plan in limit, write; when that fails (not expected: the size
 * was computed), write the reply without options rather than none. */
static int write_planned(const struct ctx *c, const struct lq4_found *f, struct plan *p,
			 uint8_t *out, size_t limit, size_t *len)
{
	fit(p, limit - base_size(c->server_id));
	*len = write_reply(c, f, p, out, limit);
	if (*len > 0)
		return 0;
	p->n = 0;
	*len = write_reply(c, f, p, out, limit);
	return *len > 0 ? 0 : -1;
}

int lq4_reply_write(const struct lq_query_env *env, const struct lq4_msg *q,
		    const struct lq4_found *found, uint8_t *out, size_t cap, size_t *len)
{
	struct plan plan;
	size_t limit = size_limit(q, cap);
	struct ctx c = {
		.config = env->config, .now = env->now, .prl = q->prl.data, .prl_len = q->prl.len,
		.bulk = false, .server_id = env->config->has_server_id,
		.xid = q->xid, .flags = q->flags, .giaddr = q->giaddr, .q = q,
	};

	*len = 0;
	if (out == NULL || limit < MIN_REPLY)
		return -1;
	plan.n = 0;
	if (found->reply_type == LQ4_LEASEACTIVE && found->has_binding)
		plan_active(&plan, &c, found);
	return write_planned(&c, found, &plan, out, limit, len);
}

int lq4_bulk_reply_write(const struct lq_config *config, int64_t now,
			 const struct lq4_bulk_reply *r, const struct lq4_found *found,
			 uint8_t *out, size_t cap, size_t *len)
{
	struct plan plan;
	size_t limit = cap < LQ4_BULK_REPLY_MAX ? cap : LQ4_BULK_REPLY_MAX;
	struct ctx c = {
		.config = config, .now = now, .prl = r->prl, .prl_len = r->prl_len,
		.bulk = true, .server_id = r->server_id && config->has_server_id,
		.xid = r->xid, .flags = r->flags, .giaddr = r->giaddr, .q = NULL,
	};

	*len = 0;
	if (out == NULL || limit < MIN_REPLY + 2 + 1 + STATUS_TEXT_MAX)
		return -1;
	plan.n = 0;
	plan_bulk(&plan, &c, found, r);
	return write_planned(&c, found, &plan, out, limit, len);
}
