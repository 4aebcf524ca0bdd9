/* dhcp4_encode.c - encodes a struct lq4_msg as a DHCPv4 message: BOOTP
 * header, magic cookie, option 53, option 54, the other typed options in
 * ascending code order, the caller's extra options, END. A value longer than
 * 255 octets is written as consecutive instances of its code (RFC 3396).
 * Arguments are checked before anything is written, so the error does not
 * depend on the buffer size; a short buffer gives LQ_ERR_NO_SPACE and nothing
 * is ever written past cap. sname/file are written as given (no overload). */
#include <string.h>

#include "lq/dhcp4.h"

#define OPT_MAX 255
/* Option 82 value built from typed sub-options: 9 sub-options, each at most
 * 2 + 255 octets. */
#define RELAY_INFO_MAX (9 * (2 + 255))

static const uint8_t magic_cookie[4] = { 99, 130, 83, 99 };

struct writer {
	uint8_t *out;
	size_t cap;
	size_t len;
};

static lq_err put(struct writer *w, const void *p, size_t n)
{
	if (w->cap - w->len < n)
		return LQ_ERR_NO_SPACE;
	if (n > 0)
		memcpy(w->out + w->len, p, n);
	w->len += n;
	return LQ_OK;
}

static lq_err put_u8(struct writer *w, uint8_t v)
{
	return put(w, &v, 1);
}

static lq_err put_u16(struct writer *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return put(w, b, sizeof(b));
}

static lq_err put_u32(struct writer *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return put(w, b, sizeof(b));
}

static lq_err put_header(struct writer *w, const struct lq4_msg *m)
{
	lq_err err;

	if ((err = put_u8(w, m->op)) ||
	    (err = put_u8(w, m->htype)) ||
	    (err = put_u8(w, m->hlen)) ||
	    (err = put_u8(w, m->hops)) ||
	    (err = put_u32(w, m->xid)) ||
	    (err = put_u16(w, m->secs)) ||
	    (err = put_u16(w, m->flags)) ||
	    (err = put(w, m->ciaddr.b, 4)) ||
	    (err = put(w, m->yiaddr.b, 4)) ||
	    (err = put(w, m->siaddr.b, 4)) ||
	    (err = put(w, m->giaddr.b, 4)) ||
	    (err = put(w, m->chaddr, sizeof(m->chaddr))) ||
	    (err = put(w, m->sname, sizeof(m->sname))) ||
	    (err = put(w, m->file, sizeof(m->file))) ||
	    (err = put(w, magic_cookie, sizeof(magic_cookie))))
		return err;
	return LQ_OK;
}

/* --- options --- */

/* An option value made of a head (0 or 1 octet) followed by a body. */
struct value {
	const uint8_t *head;
	size_t head_len;
	const uint8_t *body;
	size_t body_len;
};

static uint8_t value_at(const struct value *v, size_t i)
{
	return i < v->head_len ? v->head[i] : v->body[i - v->head_len];
}

/* One option; values over 255 octets become several instances. */
static lq_err put_option(struct writer *w, uint8_t code, const struct value *v)
{
	size_t total = v->head_len + v->body_len;
	size_t done = 0;
	lq_err err;

	do {
		size_t chunk = total - done > OPT_MAX ? OPT_MAX : total - done;
		if (w->cap - w->len < 2 + chunk)
			return LQ_ERR_NO_SPACE;
		if ((err = put_u8(w, code)) || (err = put_u8(w, (uint8_t)chunk)))
			return err;
		for (size_t i = 0; i < chunk; i++)
			w->out[w->len++] = value_at(v, done + i);
		done += chunk;
	} while (done < total);
	return LQ_OK;
}

static lq_err put_bytes_option(struct writer *w, uint8_t code, lq_bytes b)
{
	struct value v = { NULL, 0, b.data, b.len };

	if (b.data == NULL)
		return LQ_OK;
	return put_option(w, code, &v);
}

static lq_err put_headed_option(struct writer *w, uint8_t code, uint8_t head,
    lq_bytes body)
{
	struct value v = { &head, 1, body.data, body.len };

	return put_option(w, code, &v);
}

static lq_err put_u8_option(struct writer *w, uint8_t code, bool has, uint8_t x)
{
	struct value v = { NULL, 0, &x, 1 };

	if (!has)
		return LQ_OK;
	return put_option(w, code, &v);
}

static lq_err put_u16_option(struct writer *w, uint8_t code, bool has,
    uint16_t x)
{
	uint8_t b[2] = { (uint8_t)(x >> 8), (uint8_t)x };
	struct value v = { NULL, 0, b, sizeof(b) };

	if (!has)
		return LQ_OK;
	return put_option(w, code, &v);
}

static lq_err put_u32_option(struct writer *w, uint8_t code, bool has,
    uint32_t x)
{
	uint8_t b[4] = { (uint8_t)(x >> 24), (uint8_t)(x >> 16),
	    (uint8_t)(x >> 8), (uint8_t)x };
	struct value v = { NULL, 0, b, sizeof(b) };

	if (!has)
		return LQ_OK;
	return put_option(w, code, &v);
}

static lq_err put_ip4_option(struct writer *w, uint8_t code, bool has,
    const lq_ip4 *ip)
{
	struct value v = { NULL, 0, ip->b, sizeof(ip->b) };

	if (!has)
		return LQ_OK;
	return put_option(w, code, &v);
}

static lq_err put_status_option(struct writer *w, const struct lq4_msg *m)
{
	if (!m->has_status)
		return LQ_OK;
	return put_headed_option(w, LQ4_OPT_STATUS_CODE, m->status_code,
	    m->status_text);
}

static lq_err put_vss_option(struct writer *w, const struct lq4_msg *m)
{
	if (!m->vss.present)
		return LQ_OK;
	return put_headed_option(w, LQ4_OPT_VSS, m->vss.type, m->vss.info);
}

static bool has_relay_info(const struct lq4_msg *m)
{
	return m->has_relay_info || m->relay_info_raw.data != NULL;
}

/* Option 82's value: the raw one if given (it must decode), else built from
 * the typed sub-options. */
static lq_err relay_info_value(const struct lq4_msg *m, uint8_t *buf,
    size_t cap, lq_bytes *value)
{
	struct lq4_relay_info check;
	lq_err err;

	if (m->relay_info_raw.data != NULL) {
		if ((err = lq4_relay_info_decode(m->relay_info_raw, &check)) != LQ_OK)
			return err;
		*value = m->relay_info_raw;
		return LQ_OK;
	}
	value->data = buf;
	return lq4_relay_info_encode(&m->relay_info, buf, cap, &value->len);
}

static lq_err put_typed_options(struct writer *w, const struct lq4_msg *m,
    lq_bytes relay_info)
{
	lq_err err;

	if ((err = put_u8_option(w, LQ4_OPT_MSG_TYPE, true, m->msg_type)) ||
	    (err = put_ip4_option(w, LQ4_OPT_SERVER_ID, m->has_server_id,
	        &m->server_id)) ||
	    (err = put_u32_option(w, LQ4_OPT_LEASE_TIME, m->has_lease_time,
	        m->lease_time)) ||
	    (err = put_bytes_option(w, LQ4_OPT_PRL, m->prl)) ||
	    (err = put_bytes_option(w, LQ4_OPT_MESSAGE, m->message)) ||
	    (err = put_u16_option(w, LQ4_OPT_MAX_MSG_SIZE, m->has_max_msg_size,
	        m->max_msg_size)) ||
	    (err = put_u32_option(w, LQ4_OPT_T1, m->has_t1, m->t1)) ||
	    (err = put_u32_option(w, LQ4_OPT_T2, m->has_t2, m->t2)) ||
	    (err = put_bytes_option(w, LQ4_OPT_VENDOR_CLASS, m->vendor_class)) ||
	    (err = put_bytes_option(w, LQ4_OPT_CLIENT_ID, m->client_id)) ||
	    (err = put_bytes_option(w, LQ4_OPT_RELAY_AGENT_INFO, relay_info)) ||
	    (err = put_u32_option(w, LQ4_OPT_CLT_TIME, m->has_clt_time,
	        m->clt_time)) ||
	    (err = put_bytes_option(w, LQ4_OPT_ASSOCIATED_IP, m->associated_ip)) ||
	    (err = put_status_option(w, m)) ||
	    (err = put_u32_option(w, LQ4_OPT_BASE_TIME, m->has_base_time,
	        m->base_time)) ||
	    (err = put_u32_option(w, LQ4_OPT_START_TIME_OF_STATE,
	        m->has_start_time_of_state, m->start_time_of_state)) ||
	    (err = put_u32_option(w, LQ4_OPT_QUERY_START_TIME,
	        m->has_query_start_time, m->query_start_time)) ||
	    (err = put_u32_option(w, LQ4_OPT_QUERY_END_TIME,
	        m->has_query_end_time, m->query_end_time)) ||
	    (err = put_u8_option(w, LQ4_OPT_DHCP_STATE, m->has_dhcp_state,
	        m->dhcp_state)) ||
	    (err = put_u8_option(w, LQ4_OPT_DATA_SOURCE, m->has_data_source,
	        m->data_source)) ||
	    (err = put_vss_option(w, m)))
		return err;
	return LQ_OK;
}

static lq_err put_extra_options(struct writer *w, const struct lq4_msg *m)
{
	lq_err err;

	for (uint16_t i = 0; i < m->n_extra; i++) {
		const struct lq4_option *o = &m->extra[i];
		struct value v = { NULL, 0, o->value.data, o->value.len };
		if ((err = put_option(w, o->code, &v)) != LQ_OK)
			return err;
	}
	return LQ_OK;
}

/* --- argument checks --- */

static bool bytes_ok(lq_bytes b)
{
	return b.data != NULL || b.len == 0;
}

/* Is the typed field for this code set? */
static bool typed_present(const struct lq4_msg *m, uint8_t code)
{
	switch (code) {
	case LQ4_OPT_LEASE_TIME:	return m->has_lease_time;
	case LQ4_OPT_MSG_TYPE:		return true;
	case LQ4_OPT_SERVER_ID:		return m->has_server_id;
	case LQ4_OPT_PRL:		return m->prl.data != NULL;
	case LQ4_OPT_MESSAGE:		return m->message.data != NULL;
	case LQ4_OPT_MAX_MSG_SIZE:	return m->has_max_msg_size;
	case LQ4_OPT_T1:		return m->has_t1;
	case LQ4_OPT_T2:		return m->has_t2;
	case LQ4_OPT_VENDOR_CLASS:	return m->vendor_class.data != NULL;
	case LQ4_OPT_CLIENT_ID:		return m->client_id.data != NULL;
	case LQ4_OPT_RELAY_AGENT_INFO:	return has_relay_info(m);
	case LQ4_OPT_CLT_TIME:		return m->has_clt_time;
	case LQ4_OPT_ASSOCIATED_IP:	return m->associated_ip.data != NULL;
	case LQ4_OPT_STATUS_CODE:	return m->has_status;
	case LQ4_OPT_BASE_TIME:		return m->has_base_time;
	case LQ4_OPT_START_TIME_OF_STATE: return m->has_start_time_of_state;
	case LQ4_OPT_QUERY_START_TIME:	return m->has_query_start_time;
	case LQ4_OPT_QUERY_END_TIME:	return m->has_query_end_time;
	case LQ4_OPT_DHCP_STATE:	return m->has_dhcp_state;
	case LQ4_OPT_DATA_SOURCE:	return m->has_data_source;
	case LQ4_OPT_VSS:		return m->vss.present;
	default:			return false;
	}
}

static lq_err check_extras(const struct lq4_msg *m)
{
	if (m->n_extra > LQ4_MAX_EXTRA)
		return LQ_ERR_INVALID_ARGUMENT;
	for (uint16_t i = 0; i < m->n_extra; i++) {
		const struct lq4_option *o = &m->extra[i];
		if (o->code == LQ4_OPT_PAD || o->code == LQ4_OPT_END ||
		    typed_present(m, o->code) || !bytes_ok(o->value))
			return LQ_ERR_INVALID_ARGUMENT;
	}
	return LQ_OK;
}

/* Refuse what lq4_decode() would reject, so encode output always decodes. */
static lq_err check_typed(const struct lq4_msg *m)
{
	if (m->msg_type == 0)
		return LQ_ERR_INVALID_ARGUMENT;
	if (m->hlen > sizeof(m->chaddr))
		return LQ_ERR_BAD_HLEN;
	if (!bytes_ok(m->prl) || !bytes_ok(m->message) || !bytes_ok(m->vendor_class) ||
	    !bytes_ok(m->client_id) || !bytes_ok(m->relay_info_raw) ||
	    !bytes_ok(m->associated_ip) || !bytes_ok(m->status_text) ||
	    !bytes_ok(m->vss.info))
		return LQ_ERR_INVALID_ARGUMENT;
	if ((m->prl.data != NULL && m->prl.len == 0) ||
	    (m->message.data != NULL && m->message.len == 0) ||
	    (m->client_id.data != NULL && m->client_id.len == 0))
		return LQ_ERR_INVALID_ARGUMENT;
	if (m->associated_ip.data != NULL &&
	    (m->associated_ip.len == 0 || m->associated_ip.len % 4 != 0))
		return LQ_ERR_INVALID_ARGUMENT;
	return LQ_OK;
}

lq_err lq4_encode(const struct lq4_msg *m, uint8_t *out, size_t cap,
    size_t *out_len)
{
	uint8_t relay_buf[RELAY_INFO_MAX];
	lq_bytes relay_info = { NULL, 0 };
	struct writer w = { out, cap, 0 };
	lq_err err;

	if (out_len != NULL)
		*out_len = 0;
	if (m == NULL || out_len == NULL || (out == NULL && cap != 0))
		return LQ_ERR_INVALID_ARGUMENT;
	if ((err = check_typed(m)) != LQ_OK || (err = check_extras(m)) != LQ_OK)
		return err;
	if (has_relay_info(m) &&
	    (err = relay_info_value(m, relay_buf, sizeof(relay_buf),
	        &relay_info)) != LQ_OK)
		return err;

	if ((err = put_header(&w, m)) ||
	    (err = put_typed_options(&w, m, relay_info)) ||
	    (err = put_extra_options(&w, m)) ||
	    (err = put_u8(&w, LQ4_OPT_END)))
		return err;
	*out_len = w.len;
	return LQ_OK;
}
