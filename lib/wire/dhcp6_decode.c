/* dhcp6_decode.c - validates a DHCPv6 message and its whole option tree
 * (containers, relayed messages in RELAY_MSG and LQ_RELAY_DATA) to a bounded
 * depth, then fills struct lq6_msg with typed views of the leasequery options.
 *
 * Depth: the top-level options of the outermost message are at depth 0. Every
 * container option (IA_NA, IAADDR, LQ_QUERY, CLIENT_DATA, ...) and every
 * relayed message adds one level; a region deeper than LQ6_MAX_DEPTH is
 * refused, so the recursion below never goes deeper than that.
 *
 * Diagnostics: offsets are counted from the start of the outermost buffer and
 * point at the option that is bad. A relayed message whose own header is bad
 * (empty, type 0, too short) is reported at the option carrying it (RELAY_MSG
 * or LQ_RELAY_DATA); a bad outermost header is reported at offset 0, option -1. */
#include <string.h>

#include "lq/dhcp6.h"
#include "wire_bytes.h"

#define OPT_HEADER_LEN 4
#define RELAY_DATA_PEER_LEN 16
#define LQ_QUERY_FIXED_LEN 17

static bool is_relay_type(uint8_t type)
{
	return type == LQ6_RELAY_FORW || type == LQ6_RELAY_REPL;
}

static size_t header_len(uint8_t type)
{
	return is_relay_type(type) ? LQ6_RELAY_HEADER_LEN : LQ6_HEADER_LEN;
}

/* ---- walking option regions ---- */

void lq6_iter_init(struct lq6_iter *it, lq_bytes region)
{
	it->pos = region.data;
	it->end = region.data != NULL ? region.data + region.len : NULL;
}

int lq6_iter_next(struct lq6_iter *it, struct lq6_opt *opt)
{
	if (it->pos == it->end)
		return 0;
	size_t left = (size_t)(it->end - it->pos);
	if (left < OPT_HEADER_LEN || wire_get16(it->pos + 2) > left - OPT_HEADER_LEN) {
		it->pos = it->end;
		return -1;
	}
	opt->code = wire_get16(it->pos);
	opt->value.data = it->pos + OPT_HEADER_LEN;
	opt->value.len = wire_get16(it->pos + 2);
	it->pos += OPT_HEADER_LEN + opt->value.len;
	return 1;
}

struct lq6_opt lq6_find(lq_bytes region, uint16_t code)
{
	struct lq6_iter it;
	struct lq6_opt opt;

	lq6_iter_init(&it, region);
	while (lq6_iter_next(&it, &opt) == 1) {
		if (opt.code == code)
			return opt;
	}
	opt.code = code;
	opt.value.data = NULL;
	opt.value.len = 0;
	return opt;
}

/* ---- what each option may look like ---- */

enum opt_shape {
	SHAPE_OPAQUE,           /* no structure below the value */
	SHAPE_OPTIONS,          /* fixed fields, then options */
	SHAPE_MESSAGE,          /* fixed fields, then a whole DHCPv6 message */
	SHAPE_RELAY_MESSAGE,    /* fixed fields, then a relay message */
};

struct opt_rule {
	uint16_t min, max;      /* allowed value lengths */
	uint16_t multiple;      /* length a multiple of this (0: any) */
	uint16_t fixed;         /* octets before the nested part */
	enum opt_shape shape;
	uint32_t singleton;     /* bit for "at most once per container", or 0 */
};

/* Bits for the options that may appear once per container. */
enum {
	ONCE_CLIENTID = 1u << 0,
	ONCE_SERVERID = 1u << 1,
	ONCE_ORO = 1u << 2,
	ONCE_PREFERENCE = 1u << 3,
	ONCE_ELAPSED_TIME = 1u << 4,
	ONCE_RELAY_MSG = 1u << 5,
	ONCE_STATUS_CODE = 1u << 6,
	ONCE_INTERFACE_ID = 1u << 7,
	ONCE_REMOTE_ID = 1u << 8,
	ONCE_LQ_QUERY = 1u << 9,
	ONCE_CLIENT_DATA = 1u << 10,
	ONCE_CLT_TIME = 1u << 11,
	ONCE_LQ_RELAY_DATA = 1u << 12,
	ONCE_LQ_CLIENT_LINK = 1u << 13,
	ONCE_RELAY_ID = 1u << 14,
	ONCE_VSS = 1u << 15,
	ONCE_LINKLAYER_ADDR = 1u << 16,
	ONCE_LQ_BASE_TIME = 1u << 17,
	ONCE_LQ_START_TIME = 1u << 18,
	ONCE_LQ_END_TIME = 1u << 19,
};

static struct opt_rule rule_opaque(uint16_t min, uint16_t max, uint32_t once)
{
	return (struct opt_rule){min, max, 0, 0, SHAPE_OPAQUE, once};
}

static struct opt_rule rule_list(uint16_t multiple, uint32_t once)
{
	return (struct opt_rule){0, UINT16_MAX, multiple, 0, SHAPE_OPAQUE, once};
}

static struct opt_rule rule_nested(uint16_t fixed, enum opt_shape shape, uint32_t once)
{
	return (struct opt_rule){fixed, UINT16_MAX, 0, fixed, shape, once};
}

static struct opt_rule rule_for(uint16_t code)
{
	switch (code) {
	case LQ6_OPT_CLIENTID:
		return rule_opaque(2, UINT16_MAX, ONCE_CLIENTID);
	case LQ6_OPT_SERVERID:
		return rule_opaque(2, UINT16_MAX, ONCE_SERVERID);
	case LQ6_OPT_RELAY_ID:
		return rule_opaque(2, UINT16_MAX, ONCE_RELAY_ID);
	case LQ6_OPT_IA_NA:
	case LQ6_OPT_IA_PD:
		return rule_nested(12, SHAPE_OPTIONS, 0);
	case LQ6_OPT_IA_TA:
		return rule_nested(4, SHAPE_OPTIONS, 0);
	case LQ6_OPT_IAADDR:
		return rule_nested(24, SHAPE_OPTIONS, 0);
	case LQ6_OPT_IAPREFIX:
		return rule_nested(25, SHAPE_OPTIONS, 0);
	case LQ6_OPT_ORO:
		return rule_list(2, ONCE_ORO);
	case LQ6_OPT_PREFERENCE:
		return rule_opaque(1, 1, ONCE_PREFERENCE);
	case LQ6_OPT_ELAPSED_TIME:
		return rule_opaque(2, 2, ONCE_ELAPSED_TIME);
	case LQ6_OPT_RELAY_MSG:
		return rule_nested(0, SHAPE_MESSAGE, ONCE_RELAY_MSG);
	case LQ6_OPT_STATUS_CODE:
		return rule_opaque(2, UINT16_MAX, ONCE_STATUS_CODE);
	case LQ6_OPT_INTERFACE_ID:
		return rule_opaque(0, UINT16_MAX, ONCE_INTERFACE_ID);
	case LQ6_OPT_REMOTE_ID:
		return rule_opaque(4, UINT16_MAX, ONCE_REMOTE_ID);
	case LQ6_OPT_LQ_QUERY:
		return rule_nested(LQ_QUERY_FIXED_LEN, SHAPE_OPTIONS, ONCE_LQ_QUERY);
	case LQ6_OPT_CLIENT_DATA:
		return rule_nested(0, SHAPE_OPTIONS, ONCE_CLIENT_DATA);
	case LQ6_OPT_CLT_TIME:
		return rule_opaque(4, 4, ONCE_CLT_TIME);
	case LQ6_OPT_LQ_RELAY_DATA:
		return rule_nested(RELAY_DATA_PEER_LEN, SHAPE_RELAY_MESSAGE, ONCE_LQ_RELAY_DATA);
	case LQ6_OPT_LQ_CLIENT_LINK:
		return rule_list(16, ONCE_LQ_CLIENT_LINK);
	case LQ6_OPT_VSS:
		return rule_opaque(1, UINT16_MAX, ONCE_VSS);
	case LQ6_OPT_CLIENT_LINKLAYER_ADDR:
		return rule_opaque(2, UINT16_MAX, ONCE_LINKLAYER_ADDR);
	case LQ6_OPT_LQ_BASE_TIME:
		return rule_opaque(4, 4, ONCE_LQ_BASE_TIME);
	case LQ6_OPT_LQ_START_TIME:
		return rule_opaque(4, 4, ONCE_LQ_START_TIME);
	case LQ6_OPT_LQ_END_TIME:
		return rule_opaque(4, 4, ONCE_LQ_END_TIME);
	default:
		return rule_opaque(0, UINT16_MAX, 0);
	}
}

/* ---- validation ---- */

struct check {
	const uint8_t *base;    /* start of the outermost buffer */
	lq_diag *diag;
};

static lq_err fail(struct check *c, lq_err err, const uint8_t *at, int option)
{
	if (c->diag != NULL) {
		c->diag->err = err;
		c->diag->offset = at == c->base ? 0 : (size_t)(at - c->base);
		c->diag->option = option;
	}
	return err;
}

static lq_err check_region(struct check *c, const uint8_t *p, size_t len, unsigned depth);

/* A whole message at p. holder is the option carrying it (NULL for the
 * outermost message), where header errors are reported. */
static lq_err check_message(struct check *c, const uint8_t *p, size_t len, unsigned depth,
			    const uint8_t *holder, int holder_code, bool relay_only)
{
	const uint8_t *at = holder != NULL ? holder : p;
	int option = holder != NULL ? holder_code : -1;

	if (len < 1)
		return fail(c, LQ_ERR_TRUNCATED_HEADER, at, option);
	if (p[0] == 0 || (relay_only && !is_relay_type(p[0])))
		return fail(c, LQ_ERR_BAD_MSG_TYPE, at, option);
	size_t hdr = header_len(p[0]);
	if (len < hdr)
		return fail(c, LQ_ERR_TRUNCATED_HEADER, at, option);
	return check_region(c, p + hdr, len - hdr, depth);
}

static bool length_allowed(const struct opt_rule *r, size_t len)
{
	if (len < r->min || len > r->max)
		return false;
	return r->multiple == 0 || len % r->multiple == 0;
}

/* One option whose header starts at start and whose value fits its container. */
static lq_err check_option(struct check *c, const uint8_t *start, uint16_t code,
			   const struct opt_rule *r, size_t len, unsigned depth)
{
	const uint8_t *value = start + OPT_HEADER_LEN;

	if (!length_allowed(r, len))
		return fail(c, LQ_ERR_OPTION_LENGTH, start, code);
	if (r->shape == SHAPE_OPAQUE)
		return LQ_OK;
	if (depth >= LQ6_MAX_DEPTH)
		return fail(c, LQ_ERR_NESTING_TOO_DEEP, start, code);
	if (r->shape == SHAPE_OPTIONS)
		return check_region(c, value + r->fixed, len - r->fixed, depth + 1);
	return check_message(c, value + r->fixed, len - r->fixed, depth + 1, start, code,
			     r->shape == SHAPE_RELAY_MESSAGE);
}

static lq_err check_region(struct check *c, const uint8_t *p, size_t len, unsigned depth)
{
	const uint8_t *end = p + len;
	uint32_t seen = 0;

	while (p < end) {
		size_t left = (size_t)(end - p);
		if (left < OPT_HEADER_LEN)
			return fail(c, LQ_ERR_OPTION_OVERRUN, p, left >= 2 ? wire_get16(p) : -1);
		uint16_t code = wire_get16(p);
		size_t olen = wire_get16(p + 2);
		if (olen > left - OPT_HEADER_LEN)
			return fail(c, LQ_ERR_OPTION_OVERRUN, p, code);
		struct opt_rule r = rule_for(code);
		if ((seen & r.singleton) != 0)
			return fail(c, LQ_ERR_DUPLICATE_OPTION, p, code);
		seen |= r.singleton;
		lq_err err = check_option(c, p, code, &r, olen, depth);
		if (err != LQ_OK)
			return err;
		p += OPT_HEADER_LEN + olen;
	}
	return LQ_OK;
}

/* ---- typed views (only of validated regions) ---- */

static lq_bytes bytes_after(lq_bytes v, size_t skip)
{
	return (lq_bytes){v.data + skip, v.len - skip};
}

lq_err lq6_parse_iaaddr(lq_bytes value, struct lq6_iaaddr *out)
{
	if (value.data == NULL || value.len < 24)
		return LQ_ERR_OPTION_LENGTH;
	out->addr = wire_get_ip6(value.data);
	out->preferred = wire_get32(value.data + 16);
	out->valid = wire_get32(value.data + 20);
	out->options = bytes_after(value, 24);
	return LQ_OK;
}

lq_err lq6_parse_iaprefix(lq_bytes value, struct lq6_iaprefix *out)
{
	if (value.data == NULL || value.len < 25)
		return LQ_ERR_OPTION_LENGTH;
	out->preferred = wire_get32(value.data);
	out->valid = wire_get32(value.data + 4);
	out->prefix_len = value.data[8];
	out->prefix = wire_get_ip6(value.data + 9);
	out->options = bytes_after(value, 25);
	return LQ_OK;
}

lq_err lq6_parse_ia(uint16_t code, lq_bytes value, struct lq6_ia *out)
{
	size_t fixed;

	if (code == LQ6_OPT_IA_NA || code == LQ6_OPT_IA_PD)
		fixed = 12;
	else if (code == LQ6_OPT_IA_TA)
		fixed = 4;
	else
		return LQ_ERR_INVALID_ARGUMENT;
	if (value.data == NULL || value.len < fixed)
		return LQ_ERR_OPTION_LENGTH;
	out->iaid = wire_get32(value.data);
	out->t1 = fixed == 12 ? wire_get32(value.data + 4) : 0;
	out->t2 = fixed == 12 ? wire_get32(value.data + 8) : 0;
	out->options = bytes_after(value, fixed);
	return LQ_OK;
}

static void fill_remote_id(struct lq6_remote_id *r, lq_bytes v)
{
	r->present = true;
	r->enterprise = wire_get32(v.data);
	r->id = bytes_after(v, 4);
}

static void fill_status(struct lq6_status_opt *s, lq_bytes v)
{
	s->present = true;
	s->code = wire_get16(v.data);
	s->message = bytes_after(v, 2);
}

static void fill_query(struct lq6_query *q, lq_bytes v)
{
	struct lq6_iter it;
	struct lq6_opt opt;

	q->present = true;
	q->type = v.data[0];
	q->link_address = wire_get_ip6(v.data + 1);
	q->options = bytes_after(v, LQ_QUERY_FIXED_LEN);
	lq6_iter_init(&it, q->options);
	while (lq6_iter_next(&it, &opt) == 1) {
		switch (opt.code) {
		case LQ6_OPT_IAADDR:
			if (!q->has_iaaddr)
				q->has_iaaddr = lq6_parse_iaaddr(opt.value, &q->iaaddr) == LQ_OK;
			break;
		case LQ6_OPT_CLIENTID:
			q->client_id = opt.value;
			break;
		case LQ6_OPT_RELAY_ID:
			q->relay_id = opt.value;
			break;
		case LQ6_OPT_REMOTE_ID:
			fill_remote_id(&q->remote_id, opt.value);
			break;
		case LQ6_OPT_ORO:
			q->oro = opt.value;
			break;
		default:
			break;
		}
	}
}

static void fill_client_data(struct lq6_client_data *cd, lq_bytes v)
{
	struct lq6_iter it;
	struct lq6_opt opt;

	cd->present = true;
	cd->options = v;
	lq6_iter_init(&it, v);
	while (lq6_iter_next(&it, &opt) == 1) {
		switch (opt.code) {
		case LQ6_OPT_CLIENTID:
			cd->client_id = opt.value;
			break;
		case LQ6_OPT_CLT_TIME:
			cd->has_clt_time = true;
			cd->clt_time = wire_get32(opt.value.data);
			break;
		case LQ6_OPT_LQ_RELAY_DATA:
			cd->has_relay_data = true;
			cd->relay_peer = wire_get_ip6(opt.value.data);
			cd->relay_message = bytes_after(opt.value, RELAY_DATA_PEER_LEN);
			break;
		case LQ6_OPT_IAADDR:
			if (cd->n_addresses < UINT16_MAX)
				cd->n_addresses++;
			break;
		case LQ6_OPT_IAPREFIX:
			if (cd->n_prefixes < UINT16_MAX)
				cd->n_prefixes++;
			break;
		default:
			break;
		}
	}
}

static void fill_header(struct lq6_msg *m, const uint8_t *buf, size_t len)
{
	size_t hdr = header_len(buf[0]);

	m->type = buf[0];
	if (is_relay_type(m->type)) {
		m->hop_count = buf[1];
		m->link_address = wire_get_ip6(buf + 2);
		m->peer_address = wire_get_ip6(buf + 18);
	} else {
		m->xid = (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	}
	m->options = (lq_bytes){buf + hdr, len - hdr};
}

static void fill_top_option(struct lq6_msg *m, const struct lq6_opt *opt)
{
	switch (opt->code) {
	case LQ6_OPT_CLIENTID:
		m->client_id = opt->value;
		break;
	case LQ6_OPT_SERVERID:
		m->server_id = opt->value;
		break;
	case LQ6_OPT_RELAY_ID:
		m->relay_id = opt->value;
		break;
	case LQ6_OPT_RELAY_MSG:
		m->relay_msg = opt->value;
		break;
	case LQ6_OPT_INTERFACE_ID:
		m->interface_id = opt->value;
		break;
	case LQ6_OPT_REMOTE_ID:
		fill_remote_id(&m->remote_id, opt->value);
		break;
	case LQ6_OPT_STATUS_CODE:
		fill_status(&m->status, opt->value);
		break;
	case LQ6_OPT_LQ_QUERY:
		fill_query(&m->query, opt->value);
		break;
	case LQ6_OPT_CLIENT_DATA:
		fill_client_data(&m->client_data, opt->value);
		break;
	case LQ6_OPT_LQ_CLIENT_LINK:
		m->client_link = opt->value;
		break;
	case LQ6_OPT_ORO:
		m->oro = opt->value;
		break;
	case LQ6_OPT_VSS:
		m->vss = opt->value;
		break;
	case LQ6_OPT_LQ_BASE_TIME:
		m->has_base_time = true;
		m->base_time = wire_get32(opt->value.data);
		break;
	case LQ6_OPT_LQ_START_TIME:
		m->has_start_time = true;
		m->start_time = wire_get32(opt->value.data);
		break;
	case LQ6_OPT_LQ_END_TIME:
		m->has_end_time = true;
		m->end_time = wire_get32(opt->value.data);
		break;
	default:
		break;
	}
}

static void fill_msg(struct lq6_msg *m, const uint8_t *buf, size_t len)
{
	struct lq6_iter it;
	struct lq6_opt opt;

	fill_header(m, buf, len);
	lq6_iter_init(&it, m->options);
	while (lq6_iter_next(&it, &opt) == 1)
		fill_top_option(m, &opt);
}

lq_err lq6_decode(const uint8_t *buf, size_t len, struct lq6_msg *m, lq_diag *diag)
{
	struct check c = {buf, diag};

	if (m != NULL)
		memset(m, 0, sizeof(*m));
	if (diag != NULL) {
		diag->err = LQ_OK;
		diag->offset = 0;
		diag->option = -1;
	}
	if (buf == NULL && len != 0)
		return fail(&c, LQ_ERR_INVALID_ARGUMENT, buf, -1);
	lq_err err = check_message(&c, buf, len, 0, NULL, -1, false);
	if (err != LQ_OK)
		return err;
	if (m != NULL)
		fill_msg(m, buf, len);
	return LQ_OK;
}

size_t lq6_client_link_count(const struct lq6_msg *m)
{
	return m->client_link.len / 16;
}

lq_ip6 lq6_client_link_at(const struct lq6_msg *m, size_t i)
{
	lq_ip6 none = {{0}};

	if (i >= lq6_client_link_count(m))
		return none;
	return wire_get_ip6(m->client_link.data + i * 16);
}

bool lq6_client_data_next(struct lq6_iter *it, struct lq6_lease *lease)
{
	struct lq6_opt opt;
	struct lq6_iaaddr a;
	struct lq6_iaprefix p;

	while (lq6_iter_next(it, &opt) == 1) {
		if (opt.code == LQ6_OPT_IAADDR && lq6_parse_iaaddr(opt.value, &a) == LQ_OK) {
			lease->is_prefix = false;
			lease->prefix_len = 128;
			lease->addr = a.addr;
			lease->preferred = a.preferred;
			lease->valid = a.valid;
			return true;
		}
		if (opt.code == LQ6_OPT_IAPREFIX && lq6_parse_iaprefix(opt.value, &p) == LQ_OK) {
			lease->is_prefix = true;
			lease->prefix_len = p.prefix_len;
			lease->addr = p.prefix;
			lease->preferred = p.preferred;
			lease->valid = p.valid;
			return true;
		}
	}
	return false;
}
