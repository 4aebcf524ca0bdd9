/* print4.c - renders a decoded DHCPv4 message as text (a summary line, the
 * non-zero header fields, one line per option in decode order, option 82
 * sub-options indented below it) and as one JSON object. Options are rendered
 * from their raw values by kind; a value whose length does not fit its kind
 * is shown as opaque octets, so any decoded message prints safely. */
#include <string.h>

#include "lq/lqtime.h"
#include "lq/print.h"
#include "../wire/wire_bytes.h"

enum kind {
	K_OPAQUE,
	K_U8,
	K_U16,
	K_SECONDS,
	K_ABSTIME,
	K_IP4,
	K_IP4_LIST,
	K_MSG_TYPE,
	K_PRL,
	K_STATUS,
	K_STATE,
	K_DATA_SOURCE,
	K_VSS,
	K_RELAY_INFO,
};

static enum kind option_kind(uint8_t code)
{
	switch (code) {
	case LQ4_OPT_SUBNET_MASK:
	case LQ4_OPT_REQUESTED_IP:
	case LQ4_OPT_SERVER_ID:
		return K_IP4;
	case LQ4_OPT_ROUTER:
	case LQ4_OPT_DNS_SERVERS:
	case LQ4_OPT_ASSOCIATED_IP:
		return K_IP4_LIST;
	case LQ4_OPT_LEASE_TIME:
	case LQ4_OPT_T1:
	case LQ4_OPT_T2:
	case LQ4_OPT_CLT_TIME:
	case LQ4_OPT_START_TIME_OF_STATE:
		return K_SECONDS;
	case LQ4_OPT_BASE_TIME:
	case LQ4_OPT_QUERY_START_TIME:
	case LQ4_OPT_QUERY_END_TIME:
		return K_ABSTIME;
	case LQ4_OPT_OVERLOAD:
		return K_U8;
	case LQ4_OPT_MAX_MSG_SIZE:
		return K_U16;
	case LQ4_OPT_MSG_TYPE:
		return K_MSG_TYPE;
	case LQ4_OPT_PRL:
		return K_PRL;
	case LQ4_OPT_STATUS_CODE:
		return K_STATUS;
	case LQ4_OPT_DHCP_STATE:
		return K_STATE;
	case LQ4_OPT_DATA_SOURCE:
		return K_DATA_SOURCE;
	case LQ4_OPT_VSS:
		return K_VSS;
	case LQ4_OPT_RELAY_AGENT_INFO:
		return K_RELAY_INFO;
	default:
		return K_OPAQUE;
	}
}

static enum kind subopt_kind(uint8_t code)
{
	switch (code) {
	case LQ4_RAI_LINK_SELECTION:
	case LQ4_RAI_SERVER_ID_OVERRIDE:
		return K_IP4;
	case LQ4_RAI_RELAY_PORT:
		return K_U16;
	case LQ4_RAI_VSS:
		return K_VSS;
	default:
		return K_OPAQUE;
	}
}

/* Does a value of this length fit the kind? If not it prints as opaque. */
static bool kind_fits(enum kind k, size_t len)
{
	switch (k) {
	case K_U8:
	case K_MSG_TYPE:
	case K_STATE:
	case K_DATA_SOURCE:
		return len == 1;
	case K_U16:
		return len == 2;
	case K_SECONDS:
	case K_ABSTIME:
	case K_IP4:
		return len == 4;
	case K_IP4_LIST:
		return len >= 4 && len % 4 == 0;
	case K_PRL:
	case K_STATUS:
	case K_VSS:
		return len >= 1;
	case K_RELAY_INFO:
	case K_OPAQUE:
		return true;
	}
	return false;
}

static lq_ip4 ip4_at(const uint8_t *p)
{
	lq_ip4 ip;

	memcpy(ip.b, p, 4);
	return ip;
}

/* Length of a NUL-padded header field's text, 0 if it holds anything else. */
static size_t header_text_len(const uint8_t *p, size_t n)
{
	size_t len = 0;

	while (len < n && p[len] != 0)
		len++;
	for (size_t i = len; i < n; i++)
		if (p[i] != 0)
			return 0;
	return lq_text_printable(p, len) ? len : 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static const char *op_name(uint8_t op)
{
	switch (op) {
	case LQ4_BOOTREQUEST:	return "BOOTREQUEST";
	case LQ4_BOOTREPLY:	return "BOOTREPLY";
	default:		return "unknown";
	}
}

static const char *vss_type_name(uint8_t type)
{
	switch (type) {
	case LQ4_VSS_NVT_ASCII:		return "nvt-ascii";
	case LQ4_VSS_RFC2685_VPN_ID:	return "vpn-id";
	case LQ4_VSS_ALL_VPNS:		return "all-vpns";
	case LQ4_VSS_GLOBAL:		return "global";
	default:			return "unknown";
	}
}

static const char *overload_name(uint8_t v)
{
	switch (v) {
	case 1:		return "file";
	case 2:		return "sname";
	case 3:		return "file+sname";
	default:	return "unknown";
	}
}

static size_t chaddr_len(const struct lq4_msg *m)
{
	return m->hlen > sizeof(m->chaddr) ? sizeof(m->chaddr) : m->hlen;
}

static uint16_t option_count(const struct lq4_msg *m)
{
	return m->n_options > LQ4_MAX_OPTIONS ? LQ4_MAX_OPTIONS : m->n_options;
}

/* The sname/file fields carry options when option 52 says so. */
static bool field_overloaded(const struct lq4_msg *m, uint8_t bit)
{
	const struct lq4_option *o = lq4_find_option(m, LQ4_OPT_OVERLOAD);

	return o != NULL && o->value.len == 1 && (o->value.data[0] & bit) != 0;
}

/* ===================== text ===================== */

/* "quoted string" with \" \\ escaped; only called on printable octets. */
static void text_quoted(struct lq_text *t, const uint8_t *p, size_t n)
{
	lq_text_puts(t, "\"");
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			lq_text_puts(t, "\\");
		lq_text_append(t, (const char *)&p[i], 1);
	}
	lq_text_puts(t, "\"");
}

/* Hex octets, plus the quoted text when every octet is printable. */
static void text_opaque(struct lq_text *t, const uint8_t *p, size_t n)
{
	if (n == 0) {
		lq_text_puts(t, "(empty)");
		return;
	}
	lq_text_hex(t, p, n, ':');
	if (lq_text_printable(p, n)) {
		lq_text_puts(t, " ");
		text_quoted(t, p, n);
	}
}

static void text_ip4_list(struct lq_text *t, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i += 4) {
		lq_ip4 ip = ip4_at(p + i);
		if (i > 0)
			lq_text_puts(t, ", ");
		lq_text_ip4(t, &ip);
	}
}

static void text_seconds(struct lq_text *t, uint32_t v)
{
	lq_text_printf(t, "%u s", v);
	if (v == LQ_INFINITE_LIFETIME)
		lq_text_puts(t, " (infinite)");
}

static void text_abstime(struct lq_text *t, uint32_t v)
{
	char when[LQ_TIME_STRLEN + 8];

	lq_time_format(lq_time_from_v4(v), when, sizeof(when));
	lq_text_printf(t, "%u (%s)", v, when);
}

static void text_prl(struct lq_text *t, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *name = lq4_option_name(p[i]);
		if (i > 0)
			lq_text_puts(t, ", ");
		if (strcmp(name, "unknown") == 0)
			lq_text_printf(t, "%u", p[i]);
		else
			lq_text_puts(t, name);
	}
}

static void text_status(struct lq_text *t, const uint8_t *p, size_t n)
{
	lq_text_printf(t, "%s (%u)", lq4_status_name(p[0]), p[0]);
	if (n > 1) {
		lq_text_puts(t, " ");
		if (lq_text_printable(p + 1, n - 1))
			text_quoted(t, p + 1, n - 1);
		else
			lq_text_hex(t, p + 1, n - 1, ':');
	}
}

static void text_vss(struct lq_text *t, const uint8_t *p, size_t n)
{
	lq_text_printf(t, "%s (%u)", vss_type_name(p[0]), p[0]);
	if (n > 1) {
		lq_text_puts(t, " ");
		text_opaque(t, p + 1, n - 1);
	}
}

static void text_relay_info(struct lq_text *t, const uint8_t *p, size_t n,
    unsigned level);

static void text_value(struct lq_text *t, enum kind k, const uint8_t *p,
    size_t n, unsigned level)
{
	lq_ip4 ip;

	if (!kind_fits(k, n))
		k = K_OPAQUE;
	switch (k) {
	case K_U8:
		lq_text_printf(t, "%u (%s)", p[0], overload_name(p[0]));
		break;
	case K_U16:
		lq_text_printf(t, "%u", wire_get16(p));
		break;
	case K_SECONDS:
		text_seconds(t, wire_get32(p));
		break;
	case K_ABSTIME:
		text_abstime(t, wire_get32(p));
		break;
	case K_IP4:
		ip = ip4_at(p);
		lq_text_ip4(t, &ip);
		break;
	case K_IP4_LIST:
		text_ip4_list(t, p, n);
		break;
	case K_MSG_TYPE:
		lq_text_printf(t, "%s (%u)", lq4_msg_type_name(p[0]), p[0]);
		break;
	case K_PRL:
		text_prl(t, p, n);
		break;
	case K_STATUS:
		text_status(t, p, n);
		break;
	case K_STATE:
		lq_text_printf(t, "%s (%u)", lq4_state_name(p[0]), p[0]);
		break;
	case K_DATA_SOURCE:
		lq_text_printf(t, "0x%02x (%s)", p[0],
		    (p[0] & LQ4_DATA_SOURCE_REMOTE) ? "remote" : "local");
		break;
	case K_VSS:
		text_vss(t, p, n);
		break;
	case K_RELAY_INFO:
		text_relay_info(t, p, n, level + 1);
		break;
	case K_OPAQUE:
		text_opaque(t, p, n);
		break;
	}
}

/* "N octets", then one line per sub-option; a sub-option running past the
 * value ends the list with a note. */
static void text_relay_info(struct lq_text *t, const uint8_t *p, size_t n,
    unsigned level)
{
	size_t pos = 0;

	lq_text_printf(t, "%zu octets", n);
	while (pos < n) {
		lq_text_puts(t, "\n");
		lq_text_indent(t, level);
		if (n - pos < 2 || n - pos - 2 < p[pos + 1]) {
			lq_text_puts(t, "(truncated sub-option)");
			return;
		}
		uint8_t code = p[pos];
		size_t len = p[pos + 1];
		lq_text_printf(t, "suboption %u %s: ", code,
		    lq4_relay_subopt_name(code));
		if (code == LQ4_RAI_VSS_CONTROL && len == 0)
			lq_text_puts(t, "(set)");
		else
			text_value(t, subopt_kind(code), p + pos + 2, len, level);
		pos += 2 + len;
	}
}

static void text_header_ip4(struct lq_text *t, const char *name,
    const lq_ip4 *ip)
{
	if (all_zero(ip->b, sizeof(ip->b)))
		return;
	lq_text_indent(t, 1);
	lq_text_printf(t, "%s ", name);
	lq_text_ip4(t, ip);
	lq_text_puts(t, "\n");
}

static void text_header_field(struct lq_text *t, const char *name,
    const uint8_t *p, size_t n, bool carries_options)
{
	size_t len = header_text_len(p, n);

	if (carries_options || len == 0)
		return;
	lq_text_indent(t, 1);
	lq_text_printf(t, "%s ", name);
	text_quoted(t, p, len);
	lq_text_puts(t, "\n");
}

static void text_header(struct lq_text *t, const struct lq4_msg *m)
{
	size_t hlen = chaddr_len(m);

	text_header_ip4(t, "ciaddr", &m->ciaddr);
	text_header_ip4(t, "yiaddr", &m->yiaddr);
	text_header_ip4(t, "siaddr", &m->siaddr);
	text_header_ip4(t, "giaddr", &m->giaddr);
	if (hlen > 0 && !all_zero(m->chaddr, hlen)) {
		lq_text_indent(t, 1);
		lq_text_puts(t, "chaddr ");
		lq_text_hex(t, m->chaddr, hlen, ':');
		lq_text_puts(t, "\n");
	}
	if (m->hops != 0) {
		lq_text_indent(t, 1);
		lq_text_printf(t, "hops %u\n", m->hops);
	}
	if (m->flags != 0) {
		lq_text_indent(t, 1);
		lq_text_printf(t, "flags 0x%04x\n", m->flags);
	}
	if (m->secs != 0) {
		lq_text_indent(t, 1);
		lq_text_printf(t, "secs %u\n", m->secs);
	}
	text_header_field(t, "sname", m->sname, sizeof(m->sname),
	    field_overloaded(m, 2));
	text_header_field(t, "file", m->file, sizeof(m->file),
	    field_overloaded(m, 1));
}

void lq_print4_text(struct lq_text *t, const struct lq4_msg *m)
{
	if (t == NULL || m == NULL)
		return;
	lq_text_printf(t, "%s xid 0x%08x\n", lq4_msg_type_name(m->msg_type),
	    m->xid);
	text_header(t, m);
	for (uint16_t i = 0; i < option_count(m); i++) {
		const struct lq4_option *o = &m->options[i];
		lq_text_indent(t, 1);
		lq_text_printf(t, "option %u %s: ", o->code,
		    lq4_option_name(o->code));
		text_value(t, option_kind(o->code), o->value.data, o->value.len, 1);
		lq_text_puts(t, "\n");
	}
}

/* ===================== JSON ===================== */

static void json_key(struct lq_text *t, const char *key)
{
	lq_text_puts(t, ",");
	lq_text_json_cstr(t, key);
	lq_text_puts(t, ":");
}

static void json_ip4(struct lq_text *t, const lq_ip4 *ip)
{
	lq_text_puts(t, "\"");
	lq_text_ip4(t, ip);
	lq_text_puts(t, "\"");
}

static void json_hex(struct lq_text *t, const uint8_t *p, size_t n, char sep)
{
	lq_text_puts(t, "\"");
	lq_text_hex(t, p, n, sep);
	lq_text_puts(t, "\"");
}

/* ,"hex":"..." and ,"text":"..." when printable: fields of an opaque value. */
static void json_opaque_fields(struct lq_text *t, const uint8_t *p, size_t n)
{
	json_key(t, "hex");
	json_hex(t, p, n, 0);
	if (lq_text_printable(p, n)) {
		json_key(t, "text");
		lq_text_json_string(t, p, n);
	}
}

static void json_named_code(struct lq_text *t, uint8_t code, const char *name)
{
	lq_text_printf(t, "{\"code\":%u,\"name\":", code);
	lq_text_json_cstr(t, name);
	lq_text_puts(t, "}");
}

static void json_ip4_list(struct lq_text *t, const uint8_t *p, size_t n)
{
	lq_text_puts(t, "[");
	for (size_t i = 0; i + 4 <= n; i += 4) {
		lq_ip4 ip = ip4_at(p + i);
		if (i > 0)
			lq_text_puts(t, ",");
		json_ip4(t, &ip);
	}
	lq_text_puts(t, "]");
}

static void json_prl(struct lq_text *t, const uint8_t *p, size_t n)
{
	lq_text_puts(t, "[");
	for (size_t i = 0; i < n; i++)
		lq_text_printf(t, "%s%u", i > 0 ? "," : "", p[i]);
	lq_text_puts(t, "]");
	json_key(t, "names");
	lq_text_puts(t, "[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			lq_text_puts(t, ",");
		lq_text_json_cstr(t, lq4_option_name(p[i]));
	}
	lq_text_puts(t, "]");
}

static void json_status(struct lq_text *t, const uint8_t *p, size_t n)
{
	lq_text_printf(t, "{\"code\":%u,\"name\":", p[0]);
	lq_text_json_cstr(t, lq4_status_name(p[0]));
	json_key(t, "text");
	lq_text_json_string(t, p + 1, n - 1);
	lq_text_puts(t, "}");
}

static void json_vss(struct lq_text *t, const uint8_t *p, size_t n)
{
	lq_text_printf(t, "{\"type\":%u,\"type_name\":", p[0]);
	lq_text_json_cstr(t, vss_type_name(p[0]));
	json_opaque_fields(t, p + 1, n - 1);
	lq_text_puts(t, "}");
}

static void json_abstime(struct lq_text *t, uint32_t v)
{
	char when[LQ_TIME_STRLEN + 8];

	lq_time_format(lq_time_from_v4(v), when, sizeof(when));
	lq_text_printf(t, "%u", v);
	json_key(t, "time");
	lq_text_json_cstr(t, when);
}

static void json_relay_info(struct lq_text *t, const uint8_t *p, size_t n);

/* The value fields of an option or sub-option object, after its name. */
static void json_value_fields(struct lq_text *t, enum kind k, const uint8_t *p,
    size_t n)
{
	lq_ip4 ip;

	if (!kind_fits(k, n))
		k = K_OPAQUE;
	if (k == K_OPAQUE) {
		json_opaque_fields(t, p, n);
		return;
	}
	json_key(t, "value");
	switch (k) {
	case K_U8:
		lq_text_printf(t, "%u", p[0]);
		break;
	case K_U16:
		lq_text_printf(t, "%u", wire_get16(p));
		break;
	case K_SECONDS:
		lq_text_printf(t, "%u", wire_get32(p));
		break;
	case K_ABSTIME:
		json_abstime(t, wire_get32(p));
		break;
	case K_IP4:
		ip = ip4_at(p);
		json_ip4(t, &ip);
		break;
	case K_IP4_LIST:
		json_ip4_list(t, p, n);
		break;
	case K_MSG_TYPE:
		json_named_code(t, p[0], lq4_msg_type_name(p[0]));
		break;
	case K_PRL:
		json_prl(t, p, n);
		break;
	case K_STATUS:
		json_status(t, p, n);
		break;
	case K_STATE:
		json_named_code(t, p[0], lq4_state_name(p[0]));
		break;
	case K_DATA_SOURCE:
		lq_text_printf(t, "%u", p[0]);
		json_key(t, "remote");
		lq_text_puts(t, (p[0] & LQ4_DATA_SOURCE_REMOTE) ? "true" : "false");
		break;
	case K_VSS:
		json_vss(t, p, n);
		break;
	case K_RELAY_INFO:
		json_relay_info(t, p, n);
		break;
	case K_OPAQUE:
		break;
	}
}

/* Array of sub-option objects; one running past the value becomes
 * {"truncated":true,"hex":...}. */
static void json_relay_info(struct lq_text *t, const uint8_t *p, size_t n)
{
	size_t pos = 0;

	lq_text_puts(t, "[");
	while (pos < n) {
		if (pos > 0)
			lq_text_puts(t, ",");
		if (n - pos < 2 || n - pos - 2 < p[pos + 1]) {
			lq_text_puts(t, "{\"truncated\":true");
			json_opaque_fields(t, p + pos, n - pos);
			lq_text_puts(t, "}");
			break;
		}
		uint8_t code = p[pos];
		size_t len = p[pos + 1];
		lq_text_printf(t, "{\"code\":%u,\"name\":", code);
		lq_text_json_cstr(t, lq4_relay_subopt_name(code));
		if (code == LQ4_RAI_VSS_CONTROL && len == 0) {
			json_key(t, "value");
			lq_text_puts(t, "true");
		} else {
			json_value_fields(t, subopt_kind(code), p + pos + 2, len);
		}
		lq_text_puts(t, "}");
		pos += 2 + len;
	}
	lq_text_puts(t, "]");
}

static void json_header_field(struct lq_text *t, const char *name,
    const uint8_t *p, size_t n, bool carries_options)
{
	size_t len = header_text_len(p, n);

	if (carries_options || len == 0)
		return;
	json_key(t, name);
	lq_text_json_string(t, p, len);
}

static void json_header(struct lq_text *t, const struct lq4_msg *m)
{
	lq_text_puts(t, "{\"family\":4,\"op\":");
	lq_text_json_cstr(t, op_name(m->op));
	json_key(t, "msg_type");
	lq_text_json_cstr(t, lq4_msg_type_name(m->msg_type));
	lq_text_printf(t, ",\"msg_type_code\":%u,\"xid\":%u", m->msg_type, m->xid);
	json_key(t, "ciaddr");
	json_ip4(t, &m->ciaddr);
	json_key(t, "yiaddr");
	json_ip4(t, &m->yiaddr);
	json_key(t, "siaddr");
	json_ip4(t, &m->siaddr);
	json_key(t, "giaddr");
	json_ip4(t, &m->giaddr);
	lq_text_printf(t, ",\"htype\":%u,\"hlen\":%u", m->htype, m->hlen);
	json_key(t, "chaddr");
	json_hex(t, m->chaddr, chaddr_len(m), ':');
	lq_text_printf(t, ",\"hops\":%u,\"flags\":%u,\"secs\":%u", m->hops,
	    m->flags, m->secs);
	json_header_field(t, "sname", m->sname, sizeof(m->sname),
	    field_overloaded(m, 2));
	json_header_field(t, "file", m->file, sizeof(m->file),
	    field_overloaded(m, 1));
}

void lq_print4_json(struct lq_text *t, const struct lq4_msg *m)
{
	if (t == NULL || m == NULL)
		return;
	json_header(t, m);
	json_key(t, "options");
	lq_text_puts(t, "[");
	for (uint16_t i = 0; i < option_count(m); i++) {
		const struct lq4_option *o = &m->options[i];
		if (i > 0)
			lq_text_puts(t, ",");
		lq_text_printf(t, "{\"code\":%u,\"name\":", o->code);
		lq_text_json_cstr(t, lq4_option_name(o->code));
		json_value_fields(t, option_kind(o->code), o->value.data,
		    o->value.len);
		lq_text_puts(t, "}");
	}
	lq_text_puts(t, "]}");
}
