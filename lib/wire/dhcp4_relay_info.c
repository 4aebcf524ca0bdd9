/* dhcp4_relay_info.c - the relay agent information option (82, RFC 3046):
 * its sub-options to and from struct lq4_relay_info. Known sub-options are
 * circuit-id, remote-id, link-selection (RFC 3527), subscriber-id (RFC 3993),
 * server-id-override (RFC 5107), relay-id (RFC 6925), relay-port (RFC 8357)
 * and VSS / VSS control (RFC 6607). Unknown sub-options are skipped on decode;
 * when a sub-option appears twice the first one counts. Lengths: link-selection
 * and server-id-override 4, relay-port 0 (RFC 8357 section 5.1: the DHCPv4
 * relay sends it empty and the server takes the port from the UDP header;
 * relay_port is then 0) or 2 (a port value, as some implementations write
 * it), VSS at least 1 (the type), VSS control 0; anything else is
 * LQ_ERR_OPTION_LENGTH. */
#include <string.h>

#include "lq/dhcp4.h"

#define SUBOPT_HDR 2
#define SUBOPT_MAX 255

/* --- decoding --- */

static lq_err take_ip4(lq_bytes v, bool *has, lq_ip4 *ip)
{
	if (v.len != 4)
		return LQ_ERR_OPTION_LENGTH;
	if (!*has) {
		*has = true;
		memcpy(ip->b, v.data, 4);
	}
	return LQ_OK;
}

static lq_err take_port(lq_bytes v, struct lq4_relay_info *ri)
{
	if (v.len != 0 && v.len != 2)
		return LQ_ERR_OPTION_LENGTH;
	if (!ri->has_relay_port) {
		ri->has_relay_port = true;
		ri->relay_port = v.len == 2 ? (uint16_t)(v.data[0] << 8 | v.data[1]) : 0;
	}
	return LQ_OK;
}

static lq_err take_vss(lq_bytes v, struct lq4_vss *vss)
{
	if (v.len < 1)
		return LQ_ERR_OPTION_LENGTH;
	if (!vss->present) {
		vss->present = true;
		vss->type = v.data[0];
		vss->info.data = v.data + 1;
		vss->info.len = v.len - 1;
	}
	return LQ_OK;
}

static void take_bytes(lq_bytes v, lq_bytes *field)
{
	if (field->data == NULL)
		*field = v;
}

static lq_err take_subopt(uint8_t code, lq_bytes v, struct lq4_relay_info *ri)
{
	switch (code) {
	case LQ4_RAI_CIRCUIT_ID:
		take_bytes(v, &ri->circuit_id);
		return LQ_OK;
	case LQ4_RAI_REMOTE_ID:
		take_bytes(v, &ri->remote_id);
		return LQ_OK;
	case LQ4_RAI_SUBSCRIBER_ID:
		take_bytes(v, &ri->subscriber_id);
		return LQ_OK;
	case LQ4_RAI_RELAY_ID:
		take_bytes(v, &ri->relay_id);
		return LQ_OK;
	case LQ4_RAI_LINK_SELECTION:
		return take_ip4(v, &ri->has_link_selection, &ri->link_selection);
	case LQ4_RAI_SERVER_ID_OVERRIDE:
		return take_ip4(v, &ri->has_server_id_override,
		    &ri->server_id_override);
	case LQ4_RAI_RELAY_PORT:
		return take_port(v, ri);
	case LQ4_RAI_VSS:
		return take_vss(v, &ri->vss);
	case LQ4_RAI_VSS_CONTROL:
		if (v.len != 0)
			return LQ_ERR_OPTION_LENGTH;
		ri->vss_control = true;
		return LQ_OK;
	default:
		return LQ_OK;
	}
}

lq_err lq4_relay_info_decode(lq_bytes value, struct lq4_relay_info *ri)
{
	if (ri == NULL || (value.data == NULL && value.len != 0))
		return LQ_ERR_INVALID_ARGUMENT;
	memset(ri, 0, sizeof(*ri));

	size_t pos = 0;
	while (pos < value.len) {
		if (value.len - pos < SUBOPT_HDR)
			return LQ_ERR_SUBOPTION_OVERRUN;
		uint8_t code = value.data[pos];
		size_t len = value.data[pos + 1];
		if (value.len - pos - SUBOPT_HDR < len)
			return LQ_ERR_SUBOPTION_OVERRUN;
		lq_bytes v = { value.data + pos + SUBOPT_HDR, len };
		lq_err err = take_subopt(code, v, ri);
		if (err != LQ_OK)
			return err;
		pos += SUBOPT_HDR + len;
	}
	return LQ_OK;
}

/* --- encoding --- */

struct subopt_writer {
	uint8_t *out;
	size_t cap;
	size_t len;
};

/* One sub-option whose value is head (0 or 1 octet) followed by body. */
static lq_err put_subopt(struct subopt_writer *w, uint8_t code,
    const uint8_t *head, size_t head_len, const uint8_t *body, size_t body_len)
{
	size_t vlen = head_len + body_len;

	if (body_len > SUBOPT_MAX || vlen > SUBOPT_MAX)
		return LQ_ERR_VALUE_TOO_LONG;
	if (w->cap - w->len < SUBOPT_HDR + vlen)
		return LQ_ERR_NO_SPACE;
	w->out[w->len++] = code;
	w->out[w->len++] = (uint8_t)vlen;
	if (head_len > 0)
		memcpy(w->out + w->len, head, head_len);
	w->len += head_len;
	if (body_len > 0)
		memcpy(w->out + w->len, body, body_len);
	w->len += body_len;
	return LQ_OK;
}

static lq_err put_bytes_subopt(struct subopt_writer *w, uint8_t code, lq_bytes v)
{
	if (v.data == NULL)
		return v.len == 0 ? LQ_OK : LQ_ERR_INVALID_ARGUMENT;
	return put_subopt(w, code, NULL, 0, v.data, v.len);
}

static lq_err put_ip4_subopt(struct subopt_writer *w, uint8_t code, bool has,
    const lq_ip4 *ip)
{
	if (!has)
		return LQ_OK;
	return put_subopt(w, code, NULL, 0, ip->b, sizeof(ip->b));
}

static lq_err put_port_subopt(struct subopt_writer *w, const struct lq4_relay_info *ri)
{
	uint8_t port[2] = { (uint8_t)(ri->relay_port >> 8), (uint8_t)ri->relay_port };

	if (!ri->has_relay_port)
		return LQ_OK;
	return put_subopt(w, LQ4_RAI_RELAY_PORT, NULL, 0, port, sizeof(port));
}

static lq_err put_vss_subopt(struct subopt_writer *w, const struct lq4_vss *vss)
{
	if (!vss->present)
		return LQ_OK;
	if (vss->info.data == NULL && vss->info.len != 0)
		return LQ_ERR_INVALID_ARGUMENT;
	return put_subopt(w, LQ4_RAI_VSS, &vss->type, 1, vss->info.data,
	    vss->info.len);
}

static lq_err put_vss_control_subopt(struct subopt_writer *w, bool on)
{
	if (!on)
		return LQ_OK;
	return put_subopt(w, LQ4_RAI_VSS_CONTROL, NULL, 0, NULL, 0);
}

lq_err lq4_relay_info_encode(const struct lq4_relay_info *ri, uint8_t *out,
    size_t cap, size_t *out_len)
{
	struct subopt_writer w = { out, cap, 0 };
	lq_err err;

	if (out_len != NULL)
		*out_len = 0;
	if (ri == NULL || out_len == NULL || (out == NULL && cap != 0))
		return LQ_ERR_INVALID_ARGUMENT;

	if ((err = put_bytes_subopt(&w, LQ4_RAI_CIRCUIT_ID, ri->circuit_id)) ||
	    (err = put_bytes_subopt(&w, LQ4_RAI_REMOTE_ID, ri->remote_id)) ||
	    (err = put_ip4_subopt(&w, LQ4_RAI_LINK_SELECTION,
	        ri->has_link_selection, &ri->link_selection)) ||
	    (err = put_bytes_subopt(&w, LQ4_RAI_SUBSCRIBER_ID, ri->subscriber_id)) ||
	    (err = put_ip4_subopt(&w, LQ4_RAI_SERVER_ID_OVERRIDE,
	        ri->has_server_id_override, &ri->server_id_override)) ||
	    (err = put_bytes_subopt(&w, LQ4_RAI_RELAY_ID, ri->relay_id)) ||
	    (err = put_port_subopt(&w, ri)) ||
	    (err = put_vss_subopt(&w, &ri->vss)) ||
	    (err = put_vss_control_subopt(&w, ri->vss_control)))
		return err;
	*out_len = w.len;
	return LQ_OK;
}
