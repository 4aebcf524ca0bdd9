/* dhcp6_writer.c - builds DHCPv6 messages into a caller buffer: header,
 * options, container options whose length is filled in when they are closed,
 * and typed helpers for the leasequery options. The first error is sticky:
 * every later call does nothing, and nothing is ever written past cap. */
#include <string.h>

#include "lq/dhcp6.h"
#include "wire_bytes.h"

#define OPT_HEADER_LEN 4
#define MAX_OPTION_LEN 0xffffu
#define MAX_XID 0xffffffu

static bool writer_ok(const struct lq6_writer *w)
{
	return w->err == LQ_OK;
}

static void set_error(struct lq6_writer *w, lq_err err)
{
	if (w->err == LQ_OK)
		w->err = err;
}

/* Room for n more octets? Sets LQ_ERR_NO_SPACE when not. */
static bool reserve(struct lq6_writer *w, size_t n)
{
	if (!writer_ok(w))
		return false;
	if (n > w->cap - w->len) {
		set_error(w, LQ_ERR_NO_SPACE);
		return false;
	}
	return true;
}

/* Unchecked appends: only after reserve() said yes. */
static void emit(struct lq6_writer *w, const void *data, size_t n)
{
	if (n > 0)
		memcpy(w->buf + w->len, data, n);
	w->len += n;
}

static void emit8(struct lq6_writer *w, uint8_t v)
{
	w->buf[w->len++] = v;
}

static void emit16(struct lq6_writer *w, uint16_t v)
{
	wire_put16(w->buf + w->len, v);
	w->len += 2;
}

static void emit32(struct lq6_writer *w, uint32_t v)
{
	wire_put32(w->buf + w->len, v);
	w->len += 4;
}

static void emit_ip6(struct lq6_writer *w, const lq_ip6 *a)
{
	static const lq_ip6 unspecified;

	emit(w, a != NULL ? a->b : unspecified.b, 16);
}

/* Check and reserve room for an option header plus value_len octets. */
static bool begin_option(struct lq6_writer *w, uint16_t code, size_t value_len)
{
	if (!writer_ok(w))
		return false;
	if (value_len > MAX_OPTION_LEN) {
		set_error(w, LQ_ERR_VALUE_TOO_LONG);
		return false;
	}
	if (!reserve(w, OPT_HEADER_LEN + value_len))
		return false;
	emit16(w, code);
	emit16(w, (uint16_t)value_len);
	return true;
}

void lq6w_init(struct lq6_writer *w, uint8_t *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = buf != NULL ? cap : 0;
	w->err = LQ_OK;
}

void lq6w_header(struct lq6_writer *w, uint8_t type, uint32_t xid)
{
	if (!writer_ok(w))
		return;
	if (xid > MAX_XID) {
		set_error(w, LQ_ERR_INVALID_ARGUMENT);
		return;
	}
	if (!reserve(w, LQ6_HEADER_LEN))
		return;
	emit8(w, type);
	emit8(w, (uint8_t)(xid >> 16));
	emit16(w, (uint16_t)xid);
}

void lq6w_relay_header(struct lq6_writer *w, uint8_t type, uint8_t hop_count,
		       const lq_ip6 *link_address, const lq_ip6 *peer_address)
{
	if (!reserve(w, LQ6_RELAY_HEADER_LEN))
		return;
	emit8(w, type);
	emit8(w, hop_count);
	emit_ip6(w, link_address);
	emit_ip6(w, peer_address);
}

void lq6w_option(struct lq6_writer *w, uint16_t code, const void *data, size_t len)
{
	if (len > 0 && data == NULL) {
		set_error(w, LQ_ERR_INVALID_ARGUMENT);
		return;
	}
	if (begin_option(w, code, len))
		emit(w, data, len);
}

void lq6w_option_u8(struct lq6_writer *w, uint16_t code, uint8_t v)
{
	if (begin_option(w, code, 1))
		emit8(w, v);
}

void lq6w_option_u16(struct lq6_writer *w, uint16_t code, uint16_t v)
{
	if (begin_option(w, code, 2))
		emit16(w, v);
}

void lq6w_option_u32(struct lq6_writer *w, uint16_t code, uint32_t v)
{
	if (begin_option(w, code, 4))
		emit32(w, v);
}

void lq6w_open(struct lq6_writer *w, uint16_t code)
{
	if (!writer_ok(w))
		return;
	if (w->depth >= LQ6_MAX_DEPTH) {
		set_error(w, LQ_ERR_NESTING_TOO_DEEP);
		return;
	}
	if (!reserve(w, OPT_HEADER_LEN))
		return;
	w->open[w->depth++] = w->len;
	emit16(w, code);
	emit16(w, 0);
}

void lq6w_close(struct lq6_writer *w)
{
	if (!writer_ok(w))
		return;
	if (w->depth == 0) {
		set_error(w, LQ_ERR_UNBALANCED);
		return;
	}
	size_t start = w->open[--w->depth];
	size_t value_len = w->len - start - OPT_HEADER_LEN;
	if (value_len > MAX_OPTION_LEN) {
		set_error(w, LQ_ERR_VALUE_TOO_LONG);
		return;
	}
	wire_put16(w->buf + start + 2, (uint16_t)value_len);
}

void lq6w_bytes(struct lq6_writer *w, const void *data, size_t len)
{
	if (len > 0 && data == NULL) {
		set_error(w, LQ_ERR_INVALID_ARGUMENT);
		return;
	}
	if (reserve(w, len))
		emit(w, data, len);
}

void lq6w_status(struct lq6_writer *w, uint16_t code, const char *message)
{
	size_t n = message != NULL ? strlen(message) : 0;

	if (n > MAX_OPTION_LEN - 2) {
		set_error(w, LQ_ERR_VALUE_TOO_LONG);
		return;
	}
	if (!begin_option(w, LQ6_OPT_STATUS_CODE, 2 + n))
		return;
	emit16(w, code);
	emit(w, message, n);
}

void lq6w_iaaddr(struct lq6_writer *w, const lq_ip6 *addr, uint32_t preferred, uint32_t valid)
{
	if (!begin_option(w, LQ6_OPT_IAADDR, 24))
		return;
	emit_ip6(w, addr);
	emit32(w, preferred);
	emit32(w, valid);
}

void lq6w_iaprefix(struct lq6_writer *w, const lq_ip6 *prefix, uint8_t prefix_len,
		   uint32_t preferred, uint32_t valid)
{
	if (!begin_option(w, LQ6_OPT_IAPREFIX, 25))
		return;
	emit32(w, preferred);
	emit32(w, valid);
	emit8(w, prefix_len);
	emit_ip6(w, prefix);
}

void lq6w_ia_open(struct lq6_writer *w, uint16_t code, uint32_t iaid, uint32_t t1, uint32_t t2)
{
	bool temporary = code == LQ6_OPT_IA_TA;

	if (!writer_ok(w))
		return;
	if (!reserve(w, OPT_HEADER_LEN + (temporary ? 4 : 12)) || w->depth >= LQ6_MAX_DEPTH) {
		lq6w_open(w, code);     /* reports the error */
		return;
	}
	lq6w_open(w, code);
	emit32(w, iaid);
	if (!temporary) {
		emit32(w, t1);
		emit32(w, t2);
	}
}

void lq6w_remote_id(struct lq6_writer *w, uint32_t enterprise, const void *id, size_t len)
{
	if (len > 0 && id == NULL) {
		set_error(w, LQ_ERR_INVALID_ARGUMENT);
		return;
	}
	if (len > MAX_OPTION_LEN - 4) {
		set_error(w, LQ_ERR_VALUE_TOO_LONG);
		return;
	}
	if (!begin_option(w, LQ6_OPT_REMOTE_ID, 4 + len))
		return;
	emit32(w, enterprise);
	emit(w, id, len);
}

void lq6w_lq_query_open(struct lq6_writer *w, uint8_t query_type, const lq_ip6 *link_address)
{
	if (!writer_ok(w))
		return;
	if (!reserve(w, OPT_HEADER_LEN + 17) || w->depth >= LQ6_MAX_DEPTH) {
		lq6w_open(w, LQ6_OPT_LQ_QUERY);     /* reports the error */
		return;
	}
	lq6w_open(w, LQ6_OPT_LQ_QUERY);
	emit8(w, query_type);
	emit_ip6(w, link_address);
}

void lq6w_client_link(struct lq6_writer *w, const lq_ip6 *links, size_t n)
{
	if (n > MAX_OPTION_LEN / 16) {
		set_error(w, LQ_ERR_VALUE_TOO_LONG);
		return;
	}
	if (n > 0 && links == NULL) {
		set_error(w, LQ_ERR_INVALID_ARGUMENT);
		return;
	}
	if (!begin_option(w, LQ6_OPT_LQ_CLIENT_LINK, n * 16))
		return;
	for (size_t i = 0; i < n; i++)
		emit_ip6(w, &links[i]);
}

void lq6w_relay_data(struct lq6_writer *w, const lq_ip6 *peer, const void *relay_msg, size_t len)
{
	if (len > 0 && relay_msg == NULL) {
		set_error(w, LQ_ERR_INVALID_ARGUMENT);
		return;
	}
	if (len > MAX_OPTION_LEN - 16) {
		set_error(w, LQ_ERR_VALUE_TOO_LONG);
		return;
	}
	if (!begin_option(w, LQ6_OPT_LQ_RELAY_DATA, 16 + len))
		return;
	emit_ip6(w, peer);
	emit(w, relay_msg, len);
}

void lq6w_oro(struct lq6_writer *w, const uint16_t *codes, size_t n)
{
	if (n > MAX_OPTION_LEN / 2) {
		set_error(w, LQ_ERR_VALUE_TOO_LONG);
		return;
	}
	if (n > 0 && codes == NULL) {
		set_error(w, LQ_ERR_INVALID_ARGUMENT);
		return;
	}
	if (!begin_option(w, LQ6_OPT_ORO, n * 2))
		return;
	for (size_t i = 0; i < n; i++)
		emit16(w, codes[i]);
}

lq_err lq6w_finish(struct lq6_writer *w, size_t *out_len)
{
	if (writer_ok(w) && w->depth != 0)
		set_error(w, LQ_ERR_UNBALANCED);
	if (out_len != NULL)
		*out_len = writer_ok(w) ? w->len : 0;
	return w->err;
}
