/* dhcp4_decode.c - decodes a DHCPv4 leasequery message: the BOOTP header
 * (RFC 2131), the options field and, when option 52 says so, the file and
 * sname fields (file first), concatenating every instance of an option code
 * into one value (RFC 3396), then fills the typed fields of struct lq4_msg.
 *
 * It works in two passes over the option areas. The first checks the layout,
 * lists the codes in order of first appearance and counts the octets each
 * split option will need; the second copies split values into m->concat.
 * Values of options that appear once point into the caller's buffer.
 *
 * Lengths the decoder accepts: 4 octets for 51, 54, 58, 59, 91, 152-155; 2 for
 * 57; 1 for 53, 156, 157; at least 1 for 55, 56, 61, 151 and 221 (RFC 2132 asks 2 for 61,
 * but a one-octet type-only identifier is harmless and seen in the field); a
 * non-zero multiple of 4 for 92. Option 52 must appear once in the options
 * field with one octet of value 1, 2 or 3, and option 53 must not be 0. */
#include <string.h>

#include "lq/dhcp4.h"
#include "wire_bytes.h"

#define OFF_OP 0
#define OFF_HTYPE 1
#define OFF_HLEN 2
#define OFF_HOPS 3
#define OFF_XID 4
#define OFF_SECS 8
#define OFF_FLAGS 10
#define OFF_CIADDR 12
#define OFF_YIADDR 16
#define OFF_SIADDR 20
#define OFF_GIADDR 24
#define OFF_CHADDR 28
#define OFF_SNAME 44
#define OFF_FILE 108
#define OFF_COOKIE LQ4_HEADER_LEN
#define OFF_OPTIONS LQ4_MIN_LEN

#define OVERLOAD_FILE 1
#define OVERLOAD_SNAME 2

static const uint8_t magic_cookie[4] = { 99, 130, 83, 99 };

/* What the first pass learns about one option code. */
struct code_info {
	size_t count;           /* instances seen */
	size_t total;           /* octets of all instances */
	size_t first_off;       /* offset of the first instance's code octet */
	uint16_t index;         /* slot in m->options */
	size_t concat_off;      /* split options: where the value starts in m->concat */
	size_t filled;          /* second pass: octets copied so far */
};

struct decoder {
	const uint8_t *buf;
	size_t len;
	struct lq4_msg *m;
	lq_diag *diag;
	size_t concat_need;
	struct code_info codes[256];
};

struct area {
	size_t start, end;
	bool options_field;     /* false for sname and file */
};

typedef lq_err (*option_visitor)(struct decoder *d, uint8_t code, size_t off,
    size_t vlen);

static lq_err fail(struct decoder *d, lq_err err, size_t offset, int option)
{
	if (d->diag != NULL) {
		d->diag->err = err;
		d->diag->offset = offset;
		d->diag->option = option;
	}
	return err;
}

static void get_ip4(lq_ip4 *ip, const uint8_t *p)
{
	memcpy(ip->b, p, 4);
}

/* --- header --- */

static lq_err decode_header(struct decoder *d)
{
	const uint8_t *b = d->buf;
	struct lq4_msg *m = d->m;

	if (d->len < LQ4_MIN_LEN)
		return fail(d, LQ_ERR_TRUNCATED_HEADER, d->len, -1);
	if (memcmp(b + OFF_COOKIE, magic_cookie, sizeof(magic_cookie)) != 0)
		return fail(d, LQ_ERR_BAD_MAGIC_COOKIE, OFF_COOKIE, -1);
	if (b[OFF_HLEN] > sizeof(m->chaddr))
		return fail(d, LQ_ERR_BAD_HLEN, OFF_HLEN, -1);

	m->op = b[OFF_OP];
	m->htype = b[OFF_HTYPE];
	m->hlen = b[OFF_HLEN];
	m->hops = b[OFF_HOPS];
	m->xid = wire_get32(b + OFF_XID);
	m->secs = wire_get16(b + OFF_SECS);
	m->flags = wire_get16(b + OFF_FLAGS);
	get_ip4(&m->ciaddr, b + OFF_CIADDR);
	get_ip4(&m->yiaddr, b + OFF_YIADDR);
	get_ip4(&m->siaddr, b + OFF_SIADDR);
	get_ip4(&m->giaddr, b + OFF_GIADDR);
	memcpy(m->chaddr, b + OFF_CHADDR, sizeof(m->chaddr));
	memcpy(m->sname, b + OFF_SNAME, sizeof(m->sname));
	memcpy(m->file, b + OFF_FILE, sizeof(m->file));
	return LQ_OK;
}

/* --- option areas --- */

/* Walk one area: PAD is skipped, END or the area's end stops the walk. */
static lq_err walk_area(struct decoder *d, const struct area *a,
    option_visitor visit)
{
	size_t pos = a->start;

	while (pos < a->end) {
		uint8_t code = d->buf[pos];
		if (code == LQ4_OPT_PAD) {
			pos++;
			continue;
		}
		if (code == LQ4_OPT_END)
			break;
		if (a->end - pos < 2)
			return fail(d, LQ_ERR_OPTION_OVERRUN, pos, code);
		size_t vlen = d->buf[pos + 1];
		if (a->end - pos - 2 < vlen)
			return fail(d, LQ_ERR_OPTION_OVERRUN, pos, code);
		if (code == LQ4_OPT_OVERLOAD && !a->options_field)
			return fail(d, LQ_ERR_BAD_OVERLOAD, pos, code);
		lq_err err = visit(d, code, pos, vlen);
		if (err != LQ_OK)
			return err;
		pos += 2 + vlen;
	}
	return LQ_OK;
}

/* First pass: list codes, count instances and the concat space needed. */
static lq_err tally_option(struct decoder *d, uint8_t code, size_t off,
    size_t vlen)
{
	struct code_info *ci = &d->codes[code];
	struct lq4_msg *m = d->m;

	if (ci->count == 0) {
		if (m->n_options >= LQ4_MAX_OPTIONS)
			return fail(d, LQ_ERR_TOO_MANY_OPTIONS, off, code);
		ci->index = m->n_options++;
		ci->first_off = off;
		m->options[ci->index].code = code;
		m->options[ci->index].value.data = d->buf + off + 2;
		m->options[ci->index].value.len = vlen;
	} else {
		d->concat_need += vlen + (ci->count == 1 ? ci->total : 0);
		if (d->concat_need > sizeof(m->concat))
			return fail(d, LQ_ERR_CONCAT_TOO_LONG, off, code);
	}
	ci->count++;
	ci->total += vlen;
	return LQ_OK;
}

/* Second pass: append each instance of a split option to its concat slot. */
static lq_err gather_option(struct decoder *d, uint8_t code, size_t off,
    size_t vlen)
{
	struct code_info *ci = &d->codes[code];

	if (ci->count > 1) {
		memcpy(d->m->concat + ci->concat_off + ci->filled, d->buf + off + 2,
		    vlen);
		ci->filled += vlen;
	}
	return LQ_OK;
}

/* Point every split option at its own region of m->concat. */
static void reserve_concat(struct decoder *d)
{
	struct lq4_msg *m = d->m;

	for (uint16_t i = 0; i < m->n_options; i++) {
		struct code_info *ci = &d->codes[m->options[i].code];
		if (ci->count < 2)
			continue;
		ci->concat_off = m->concat_used;
		m->options[i].value.data = m->concat + m->concat_used;
		m->options[i].value.len = ci->total;
		m->concat_used += ci->total;
	}
}

/* Option 52 as found in the options field: 0 when absent. */
static lq_err read_overload(struct decoder *d, uint8_t *overload)
{
	const struct code_info *ci = &d->codes[LQ4_OPT_OVERLOAD];

	*overload = 0;
	if (ci->count == 0)
		return LQ_OK;
	if (ci->count != 1 || ci->total != 1)
		return fail(d, LQ_ERR_OPTION_LENGTH, ci->first_off, LQ4_OPT_OVERLOAD);
	uint8_t v = d->buf[ci->first_off + 2];
	if (v < 1 || v > 3)
		return fail(d, LQ_ERR_BAD_OVERLOAD, ci->first_off, LQ4_OPT_OVERLOAD);
	*overload = v;
	return LQ_OK;
}

/* The areas in RFC 3396 order: options, then file, then sname. */
static size_t list_areas(struct decoder *d, uint8_t overload, struct area a[3])
{
	size_t n = 0;

	a[n++] = (struct area){ OFF_OPTIONS, d->len, true };
	if (overload & OVERLOAD_FILE)
		a[n++] = (struct area){ OFF_FILE, OFF_FILE + sizeof(d->m->file), false };
	if (overload & OVERLOAD_SNAME)
		a[n++] = (struct area){ OFF_SNAME, OFF_SNAME + sizeof(d->m->sname), false };
	return n;
}

static lq_err decode_options(struct decoder *d)
{
	struct area areas[3];
	uint8_t overload;
	lq_err err;

	areas[0] = (struct area){ OFF_OPTIONS, d->len, true };
	if ((err = walk_area(d, &areas[0], tally_option)) != LQ_OK)
		return err;
	if ((err = read_overload(d, &overload)) != LQ_OK)
		return err;
	size_t n = list_areas(d, overload, areas);
	for (size_t i = 1; i < n; i++)
		if ((err = walk_area(d, &areas[i], tally_option)) != LQ_OK)
			return err;

	reserve_concat(d);
	if (d->concat_need == 0)
		return LQ_OK;
	for (size_t i = 0; i < n; i++)
		if ((err = walk_area(d, &areas[i], gather_option)) != LQ_OK)
			return err;
	return LQ_OK;
}

/* --- typed fields --- */

static lq_err want_len(struct decoder *d, const struct lq4_option *o,
    size_t len)
{
	if (o->value.len != len)
		return fail(d, LQ_ERR_OPTION_LENGTH, d->codes[o->code].first_off,
		    o->code);
	return LQ_OK;
}

static lq_err want_min_len(struct decoder *d, const struct lq4_option *o,
    size_t min)
{
	if (o->value.len < min)
		return fail(d, LQ_ERR_OPTION_LENGTH, d->codes[o->code].first_off,
		    o->code);
	return LQ_OK;
}

static lq_err take_u32(struct decoder *d, const struct lq4_option *o,
    bool *has, uint32_t *v)
{
	lq_err err = want_len(d, o, 4);

	if (err == LQ_OK) {
		*has = true;
		*v = wire_get32(o->value.data);
	}
	return err;
}

static lq_err take_u16(struct decoder *d, const struct lq4_option *o,
    bool *has, uint16_t *v)
{
	lq_err err = want_len(d, o, 2);

	if (err == LQ_OK) {
		*has = true;
		*v = wire_get16(o->value.data);
	}
	return err;
}

static lq_err take_u8(struct decoder *d, const struct lq4_option *o,
    bool *has, uint8_t *v)
{
	lq_err err = want_len(d, o, 1);

	if (err == LQ_OK) {
		*has = true;
		*v = o->value.data[0];
	}
	return err;
}

static lq_err take_bytes(struct decoder *d, const struct lq4_option *o,
    size_t min, lq_bytes *v)
{
	lq_err err = want_min_len(d, o, min);

	if (err == LQ_OK)
		*v = o->value;
	return err;
}

static lq_err take_msg_type(struct decoder *d, const struct lq4_option *o)
{
	lq_err err = want_len(d, o, 1);

	if (err != LQ_OK)
		return err;
	if (o->value.data[0] == 0)
		return fail(d, LQ_ERR_BAD_MSG_TYPE, d->codes[o->code].first_off,
		    o->code);
	d->m->msg_type = o->value.data[0];
	return LQ_OK;
}

static lq_err take_server_id(struct decoder *d, const struct lq4_option *o)
{
	lq_err err = want_len(d, o, 4);

	if (err == LQ_OK) {
		d->m->has_server_id = true;
		get_ip4(&d->m->server_id, o->value.data);
	}
	return err;
}

static lq_err take_relay_info(struct decoder *d, const struct lq4_option *o)
{
	struct lq4_msg *m = d->m;
	lq_err err = lq4_relay_info_decode(o->value, &m->relay_info);

	if (err != LQ_OK)
		return fail(d, err, d->codes[o->code].first_off, o->code);
	m->has_relay_info = true;
	m->relay_info_raw = o->value;
	return LQ_OK;
}

static lq_err take_associated_ip(struct decoder *d, const struct lq4_option *o)
{
	if (o->value.len < 4 || o->value.len % 4 != 0)
		return fail(d, LQ_ERR_OPTION_LENGTH, d->codes[o->code].first_off,
		    o->code);
	d->m->associated_ip = o->value;
	return LQ_OK;
}

static lq_err take_status(struct decoder *d, const struct lq4_option *o)
{
	lq_err err = want_min_len(d, o, 1);

	if (err == LQ_OK) {
		d->m->has_status = true;
		d->m->status_code = o->value.data[0];
		d->m->status_text.data = o->value.data + 1;
		d->m->status_text.len = o->value.len - 1;
	}
	return err;
}

static lq_err take_vss(struct decoder *d, const struct lq4_option *o)
{
	lq_err err = want_min_len(d, o, 1);

	if (err == LQ_OK) {
		d->m->vss.present = true;
		d->m->vss.type = o->value.data[0];
		d->m->vss.info.data = o->value.data + 1;
		d->m->vss.info.len = o->value.len - 1;
	}
	return err;
}

static lq_err take_typed(struct decoder *d, const struct lq4_option *o)
{
	struct lq4_msg *m = d->m;

	switch (o->code) {
	case LQ4_OPT_LEASE_TIME:
		return take_u32(d, o, &m->has_lease_time, &m->lease_time);
	case LQ4_OPT_MSG_TYPE:
		return take_msg_type(d, o);
	case LQ4_OPT_SERVER_ID:
		return take_server_id(d, o);
	case LQ4_OPT_PRL:
		return take_bytes(d, o, 1, &m->prl);
	case LQ4_OPT_MESSAGE:
		return take_bytes(d, o, 1, &m->message);
	case LQ4_OPT_MAX_MSG_SIZE:
		return take_u16(d, o, &m->has_max_msg_size, &m->max_msg_size);
	case LQ4_OPT_T1:
		return take_u32(d, o, &m->has_t1, &m->t1);
	case LQ4_OPT_T2:
		return take_u32(d, o, &m->has_t2, &m->t2);
	case LQ4_OPT_VENDOR_CLASS:
		return take_bytes(d, o, 0, &m->vendor_class);
	case LQ4_OPT_CLIENT_ID:
		return take_bytes(d, o, 1, &m->client_id);
	case LQ4_OPT_RELAY_AGENT_INFO:
		return take_relay_info(d, o);
	case LQ4_OPT_CLT_TIME:
		return take_u32(d, o, &m->has_clt_time, &m->clt_time);
	case LQ4_OPT_ASSOCIATED_IP:
		return take_associated_ip(d, o);
	case LQ4_OPT_STATUS_CODE:
		return take_status(d, o);
	case LQ4_OPT_BASE_TIME:
		return take_u32(d, o, &m->has_base_time, &m->base_time);
	case LQ4_OPT_START_TIME_OF_STATE:
		return take_u32(d, o, &m->has_start_time_of_state,
		    &m->start_time_of_state);
	case LQ4_OPT_QUERY_START_TIME:
		return take_u32(d, o, &m->has_query_start_time,
		    &m->query_start_time);
	case LQ4_OPT_QUERY_END_TIME:
		return take_u32(d, o, &m->has_query_end_time, &m->query_end_time);
	case LQ4_OPT_DHCP_STATE:
		return take_u8(d, o, &m->has_dhcp_state, &m->dhcp_state);
	case LQ4_OPT_DATA_SOURCE:
		return take_u8(d, o, &m->has_data_source, &m->data_source);
	case LQ4_OPT_VSS:
		return take_vss(d, o);
	default:
		return LQ_OK;
	}
}

static lq_err decode_typed(struct decoder *d)
{
	struct lq4_msg *m = d->m;
	lq_err err;

	for (uint16_t i = 0; i < m->n_options; i++)
		if ((err = take_typed(d, &m->options[i])) != LQ_OK)
			return err;
	if (m->msg_type == 0)
		return fail(d, LQ_ERR_MISSING_MSG_TYPE, OFF_OPTIONS,
		    LQ4_OPT_MSG_TYPE);
	return LQ_OK;
}

/* --- public --- */

lq_err lq4_decode(const uint8_t *buf, size_t len, struct lq4_msg *m,
    lq_diag *diag)
{
	struct decoder d;
	lq_err err;

	memset(&d, 0, sizeof(d));
	d.buf = buf;
	d.len = buf == NULL ? 0 : len;
	d.m = m;
	d.diag = diag;
	if (m == NULL)
		return fail(&d, LQ_ERR_INVALID_ARGUMENT, 0, -1);
	memset(m, 0, sizeof(*m));

	if ((err = decode_header(&d)) != LQ_OK ||
	    (err = decode_options(&d)) != LQ_OK ||
	    (err = decode_typed(&d)) != LQ_OK)
		return err;
	return fail(&d, LQ_OK, d.len, -1);
}

const struct lq4_option *lq4_find_option(const struct lq4_msg *m, uint8_t code)
{
	if (m == NULL)
		return NULL;
	for (uint16_t i = 0; i < m->n_options && i < LQ4_MAX_OPTIONS; i++)
		if (m->options[i].code == code)
			return &m->options[i];
	return NULL;
}

size_t lq4_associated_ip_count(const struct lq4_msg *m)
{
	if (m == NULL || m->associated_ip.data == NULL)
		return 0;
	return m->associated_ip.len / 4;
}

lq_ip4 lq4_associated_ip_at(const struct lq4_msg *m, size_t i)
{
	lq_ip4 ip = { { 0, 0, 0, 0 } };

	if (i < lq4_associated_ip_count(m))
		get_ip4(&ip, m->associated_ip.data + 4 * i);
	return ip;
}

static bool is_request(uint8_t msg_type)
{
	return msg_type == LQ4_LEASEQUERY || msg_type == LQ4_BULKLEASEQUERY ||
	    msg_type == LQ4_ACTIVELEASEQUERY || msg_type == LQ4_TLS;
}

void lq4_msg_init(struct lq4_msg *m, uint8_t msg_type, uint32_t xid)
{
	if (m == NULL)
		return;
	memset(m, 0, sizeof(*m));
	m->op = is_request(msg_type) ? LQ4_BOOTREQUEST : LQ4_BOOTREPLY;
	m->htype = 1;
	m->hlen = 6;
	m->xid = xid;
	m->msg_type = msg_type;
}
