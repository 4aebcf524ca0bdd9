/* print6.c - renders a decoded DHCPv6 message as text (one option per line,
 * nested options and relayed messages indented one level deeper) or as one
 * JSON object, with typed fields for the leasequery options. Relayed messages
 * are decoded again here; the recursion stops at a fixed depth whatever the
 * caller passes in. */
#include <string.h>

#include "lq/lqtime.h"
#include "lq/print.h"
#include "../wire/wire_bytes.h"

/* Beyond this, containers and relayed messages are shown as hex. */
#define PRINT_MAX_DEPTH (LQ6_MAX_DEPTH + 2)

static bool is_relay_type(uint8_t type)
{
	return type == LQ6_RELAY_FORW || type == LQ6_RELAY_REPL;
}

static bool is_unknown(const char *name)
{
	return strcmp(name, "unknown") == 0;
}

static bool is_time_option(uint16_t code)
{
	return code == LQ6_OPT_LQ_BASE_TIME || code == LQ6_OPT_LQ_START_TIME ||
	       code == LQ6_OPT_LQ_END_TIME;
}

static bool is_duid_option(uint16_t code)
{
	return code == LQ6_OPT_CLIENTID || code == LQ6_OPT_SERVERID || code == LQ6_OPT_RELAY_ID;
}

/* "LLT", "EN", "LL", "UUID" when the DUID has the shape of its type (RFC 8415). */
static const char *duid_type_name(lq_bytes v)
{
	if (v.len < 2)
		return NULL;
	switch (wire_get16(v.data)) {
	case 1:
		return v.len >= 8 ? "LLT" : NULL;
	case 2:
		return v.len >= 6 ? "EN" : NULL;
	case 3:
		return v.len >= 4 ? "LL" : NULL;
	case 4:
		return v.len == 18 ? "UUID" : NULL;
	default:
		return NULL;
	}
}

static void format_v6_time(uint32_t wire, char *out, size_t cap)
{
	lq_time_format(lq_time_from_v6(wire), out, cap);
}

/* ================= text ================= */

static void text_message(struct lq_text *t, const struct lq6_msg *m, unsigned level, unsigned depth);
static void text_options(struct lq_text *t, lq_bytes region, unsigned level, unsigned depth);

static void text_hex(struct lq_text *t, lq_bytes v)
{
	if (v.len == 0)
		lq_text_puts(t, "(empty)");
	else
		lq_text_hex(t, v.data, v.len, ':');
}

/* Bytes between double quotes, non-printable ones as \xNN. */
static void text_quoted(struct lq_text *t, lq_bytes v)
{
	lq_text_puts(t, "\"");
	for (size_t i = 0; i < v.len; i++) {
		uint8_t c = v.data[i];
		if (c == '"' || c == '\\')
			lq_text_printf(t, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			lq_text_printf(t, "\\x%02x", c);
		else
			lq_text_append(t, (const char *)&c, 1);
	}
	lq_text_puts(t, "\"");
}

static void text_lifetime(struct lq_text *t, const char *label, uint32_t v)
{
	if (v == LQ_INFINITE_LIFETIME)
		lq_text_printf(t, " %s infinite", label);
	else
		lq_text_printf(t, " %s %u", label, v);
}

static void text_option_name(struct lq_text *t, uint16_t code)
{
	const char *name = lq6_option_name(code);

	if (is_unknown(name))
		lq_text_printf(t, "unknown(%u)", code);
	else
		lq_text_puts(t, name);
}

static void text_duid(struct lq_text *t, lq_bytes v)
{
	const char *type = duid_type_name(v);

	text_hex(t, v);
	if (type != NULL)
		lq_text_printf(t, " (DUID-%s)", type);
}

static void text_oro(struct lq_text *t, lq_bytes v)
{
	if (v.len == 0)
		lq_text_puts(t, "(empty)");
	for (size_t i = 0; i + 1 < v.len; i += 2) {
		if (i > 0)
			lq_text_puts(t, ", ");
		text_option_name(t, wire_get16(v.data + i));
	}
}

static void text_client_link(struct lq_text *t, lq_bytes v)
{
	if (v.len == 0)
		lq_text_puts(t, "(empty)");
	for (size_t i = 0; i + 16 <= v.len; i += 16) {
		lq_ip6 a = wire_get_ip6(v.data + i);
		if (i > 0)
			lq_text_puts(t, ", ");
		lq_text_ip6(t, &a);
	}
}

static void text_status(struct lq_text *t, lq_bytes v)
{
	uint16_t code = wire_get16(v.data);
	const char *name = lq6_status_name(code);

	lq_text_printf(t, "%s (%u)", name, code);
	if (v.len > 2) {
		lq_text_puts(t, " ");
		text_quoted(t, (lq_bytes){v.data + 2, v.len - 2});
	}
}

static void text_time(struct lq_text *t, lq_bytes v)
{
	char when[LQ_TIME_STRLEN + 8];
	uint32_t s = wire_get32(v.data);

	format_v6_time(s, when, sizeof(when));
	lq_text_printf(t, "%u (%s)", s, when);
}

/* A relayed message, on its own lines one level deeper. */
static void text_relayed(struct lq_text *t, lq_bytes msg, unsigned level, unsigned depth)
{
	struct lq6_msg inner;

	if (depth >= PRINT_MAX_DEPTH || lq6_decode(msg.data, msg.len, &inner, NULL) != LQ_OK) {
		lq_text_indent(t, level);
		lq_text_puts(t, "undecodable message: ");
		text_hex(t, msg);
		lq_text_puts(t, "\n");
		return;
	}
	text_message(t, &inner, level, depth + 1);
}

/* Nested options, or their hex when too deep. */
static void text_nested(struct lq_text *t, lq_bytes region, unsigned level, unsigned depth)
{
	if (region.len == 0)
		return;
	if (depth >= PRINT_MAX_DEPTH) {
		lq_text_indent(t, level);
		lq_text_puts(t, "nested too deep: ");
		text_hex(t, region);
		lq_text_puts(t, "\n");
		return;
	}
	text_options(t, region, level, depth + 1);
}

static lq_bytes text_ia(struct lq_text *t, const struct lq6_opt *o)
{
	struct lq6_ia ia;

	if (lq6_parse_ia(o->code, o->value, &ia) != LQ_OK) {
		text_hex(t, o->value);
		return (lq_bytes){NULL, 0};
	}
	lq_text_printf(t, "iaid %u", ia.iaid);
	if (o->code != LQ6_OPT_IA_TA)
		lq_text_printf(t, " t1 %u t2 %u", ia.t1, ia.t2);
	return ia.options;
}

static lq_bytes text_iaaddr(struct lq_text *t, lq_bytes v)
{
	struct lq6_iaaddr a;

	if (lq6_parse_iaaddr(v, &a) != LQ_OK) {
		text_hex(t, v);
		return (lq_bytes){NULL, 0};
	}
	lq_text_ip6(t, &a.addr);
	text_lifetime(t, "preferred", a.preferred);
	text_lifetime(t, "valid", a.valid);
	return a.options;
}

static lq_bytes text_iaprefix(struct lq_text *t, lq_bytes v)
{
	struct lq6_iaprefix p;

	if (lq6_parse_iaprefix(v, &p) != LQ_OK) {
		text_hex(t, v);
		return (lq_bytes){NULL, 0};
	}
	lq_text_ip6(t, &p.prefix);
	lq_text_printf(t, "/%u", p.prefix_len);
	text_lifetime(t, "preferred", p.preferred);
	text_lifetime(t, "valid", p.valid);
	return p.options;
}

static lq_bytes text_query(struct lq_text *t, lq_bytes v)
{
	if (v.len < 17) {
		text_hex(t, v);
		return (lq_bytes){NULL, 0};
	}
	lq_ip6 link = wire_get_ip6(v.data + 1);
	lq_text_printf(t, "%s (%u) link-address ", lq6_query_type_name(v.data[0]), v.data[0]);
	lq_text_ip6(t, &link);
	return (lq_bytes){v.data + 17, v.len - 17};
}

/* LQ_RELAY_DATA: the peer on this line, the message below. */
static lq_bytes text_relay_data(struct lq_text *t, lq_bytes v)
{
	if (v.len < 16) {
		text_hex(t, v);
		return (lq_bytes){NULL, 0};
	}
	lq_ip6 peer = wire_get_ip6(v.data);
	lq_text_puts(t, "peer-address ");
	lq_text_ip6(t, &peer);
	return (lq_bytes){v.data + 16, v.len - 16};
}

/* Options with prefixed fields, hex after them. */
static void text_fields_then_hex(struct lq_text *t, const struct lq6_opt *o)
{
	lq_bytes v = o->value;

	if (o->code == LQ6_OPT_REMOTE_ID && v.len >= 4) {
		lq_text_printf(t, "enterprise %u id ", wire_get32(v.data));
		text_hex(t, (lq_bytes){v.data + 4, v.len - 4});
	} else if (o->code == LQ6_OPT_VSS && v.len >= 1) {
		lq_text_printf(t, "type %u value ", v.data[0]);
		text_hex(t, (lq_bytes){v.data + 1, v.len - 1});
	} else if (o->code == LQ6_OPT_CLIENT_LINKLAYER_ADDR && v.len >= 2) {
		lq_text_printf(t, "type %u address ", wire_get16(v.data));
		text_hex(t, (lq_bytes){v.data + 2, v.len - 2});
	} else {
		text_hex(t, v);
		if (o->code == LQ6_OPT_INTERFACE_ID && lq_text_printable(v.data, v.len)) {
			lq_text_puts(t, " ");
			text_quoted(t, v);
		}
	}
}

/* Options without anything nested. */
static void text_leaf(struct lq_text *t, const struct lq6_opt *o)
{
	lq_bytes v = o->value;

	if (is_duid_option(o->code))
		text_duid(t, v);
	else if (o->code == LQ6_OPT_ORO)
		text_oro(t, v);
	else if (o->code == LQ6_OPT_LQ_CLIENT_LINK)
		text_client_link(t, v);
	else if (o->code == LQ6_OPT_STATUS_CODE && v.len >= 2)
		text_status(t, v);
	else if (o->code == LQ6_OPT_CLT_TIME && v.len == 4)
		lq_text_printf(t, "%u s", wire_get32(v.data));
	else if (is_time_option(o->code) && v.len == 4)
		text_time(t, v);
	else if (o->code == LQ6_OPT_PREFERENCE && v.len == 1)
		lq_text_printf(t, "%u", v.data[0]);
	else if (o->code == LQ6_OPT_ELAPSED_TIME && v.len == 2)
		lq_text_printf(t, "%u.%02u s", wire_get16(v.data) / 100, wire_get16(v.data) % 100);
	else
		text_fields_then_hex(t, o);
}

/* The rest of an option's line after "NAME: "; returns the region of nested
 * options to print below it (data == NULL: none) and sets *relayed when the
 * option carries a message. */
static lq_bytes text_value(struct lq_text *t, const struct lq6_opt *o, lq_bytes *relayed)
{
	lq_bytes none = {NULL, 0};

	switch (o->code) {
	case LQ6_OPT_IA_NA:
	case LQ6_OPT_IA_PD:
	case LQ6_OPT_IA_TA:
		return text_ia(t, o);
	case LQ6_OPT_IAADDR:
		return text_iaaddr(t, o->value);
	case LQ6_OPT_IAPREFIX:
		return text_iaprefix(t, o->value);
	case LQ6_OPT_LQ_QUERY:
		return text_query(t, o->value);
	case LQ6_OPT_CLIENT_DATA:
		return o->value;
	case LQ6_OPT_RELAY_MSG:
		*relayed = o->value;
		return none;
	case LQ6_OPT_LQ_RELAY_DATA:
		*relayed = text_relay_data(t, o->value);
		return none;
	default:
		text_leaf(t, o);
		return none;
	}
}

/* Containers whose line shows nothing after the name. */
static bool has_inline_value(uint16_t code)
{
	return code != LQ6_OPT_RELAY_MSG && code != LQ6_OPT_CLIENT_DATA;
}

static void text_option(struct lq_text *t, const struct lq6_opt *o, unsigned level, unsigned depth)
{
	lq_bytes relayed = {NULL, 0};

	lq_text_indent(t, level);
	text_option_name(t, o->code);
	lq_text_puts(t, has_inline_value(o->code) ? ": " : ":");
	lq_bytes nested = text_value(t, o, &relayed);
	lq_text_puts(t, "\n");
	if (nested.data != NULL)
		text_nested(t, nested, level + 1, depth);
	if (relayed.data != NULL)
		text_relayed(t, relayed, level + 1, depth);
}

static void text_options(struct lq_text *t, lq_bytes region, unsigned level, unsigned depth)
{
	struct lq6_iter it;
	struct lq6_opt o;
	int rc;

	lq6_iter_init(&it, region);
	while ((rc = lq6_iter_next(&it, &o)) == 1)
		text_option(t, &o, level, depth);
	if (rc < 0) {
		lq_text_indent(t, level);
		lq_text_puts(t, "(option overruns its container)\n");
	}
}

static void text_message(struct lq_text *t, const struct lq6_msg *m, unsigned level, unsigned depth)
{
	const char *name = lq6_msg_type_name(m->type);

	lq_text_indent(t, level);
	if (is_unknown(name))
		lq_text_printf(t, "unknown(%u)", m->type);
	else
		lq_text_puts(t, name);
	if (is_relay_type(m->type)) {
		lq_text_printf(t, " hop-count %u link-address ", m->hop_count);
		lq_text_ip6(t, &m->link_address);
		lq_text_puts(t, " peer-address ");
		lq_text_ip6(t, &m->peer_address);
	} else {
		lq_text_printf(t, " xid 0x%06x", m->xid);
	}
	lq_text_puts(t, "\n");
	text_options(t, m->options, level + 1, depth);
}

void lq_print6_text(struct lq_text *t, const struct lq6_msg *m)
{
	text_message(t, m, 0, 0);
}

/* ================= JSON ================= */

static void json_message(struct lq_text *t, const struct lq6_msg *m, unsigned depth);
static void json_options(struct lq_text *t, lq_bytes region, unsigned depth);

static void json_hex_value(struct lq_text *t, lq_bytes v)
{
	lq_text_puts(t, "\"");
	lq_text_hex(t, v.data, v.len, 0);
	lq_text_puts(t, "\"");
}

static void json_key(struct lq_text *t, const char *key)
{
	lq_text_printf(t, ",\"%s\":", key);
}

static void json_hex_field(struct lq_text *t, const char *key, lq_bytes v)
{
	json_key(t, key);
	json_hex_value(t, v);
}

static void json_ip6_field(struct lq_text *t, const char *key, const lq_ip6 *a)
{
	json_key(t, key);
	lq_text_puts(t, "\"");
	lq_text_ip6(t, a);
	lq_text_puts(t, "\"");
}

static void json_u32_field(struct lq_text *t, const char *key, uint32_t v)
{
	lq_text_printf(t, ",\"%s\":%u", key, v);
}

static void json_str_field(struct lq_text *t, const char *key, const char *s)
{
	json_key(t, key);
	lq_text_json_cstr(t, s);
}

static void json_nested(struct lq_text *t, lq_bytes region, unsigned depth)
{
	if (depth >= PRINT_MAX_DEPTH) {
		json_hex_field(t, "options_hex", region);
		return;
	}
	json_key(t, "options");
	json_options(t, region, depth + 1);
}

static void json_relayed(struct lq_text *t, lq_bytes msg, unsigned depth)
{
	struct lq6_msg inner;

	if (depth >= PRINT_MAX_DEPTH || lq6_decode(msg.data, msg.len, &inner, NULL) != LQ_OK) {
		json_hex_field(t, "message_hex", msg);
		return;
	}
	json_key(t, "message");
	json_message(t, &inner, depth + 1);
}

static void json_duid(struct lq_text *t, lq_bytes v)
{
	const char *type = duid_type_name(v);

	json_hex_field(t, "hex", v);
	if (type != NULL)
		json_str_field(t, "duid_type", type);
}

static void json_oro(struct lq_text *t, lq_bytes v)
{
	json_key(t, "requested");
	lq_text_puts(t, "[");
	for (size_t i = 0; i + 1 < v.len; i += 2) {
		uint16_t code = wire_get16(v.data + i);
		lq_text_printf(t, "%s{\"code\":%u,\"name\":", i > 0 ? "," : "", code);
		lq_text_json_cstr(t, lq6_option_name(code));
		lq_text_puts(t, "}");
	}
	lq_text_puts(t, "]");
}

static void json_client_link(struct lq_text *t, lq_bytes v)
{
	json_key(t, "links");
	lq_text_puts(t, "[");
	for (size_t i = 0; i + 16 <= v.len; i += 16) {
		lq_ip6 a = wire_get_ip6(v.data + i);
		lq_text_puts(t, i > 0 ? ",\"" : "\"");
		lq_text_ip6(t, &a);
		lq_text_puts(t, "\"");
	}
	lq_text_puts(t, "]");
}

static void json_status(struct lq_text *t, lq_bytes v)
{
	uint16_t code = wire_get16(v.data);

	json_u32_field(t, "status_code", code);
	json_str_field(t, "status", lq6_status_name(code));
	json_key(t, "status_message");
	lq_text_json_string(t, v.data + 2, v.len - 2);
}

static void json_time(struct lq_text *t, lq_bytes v)
{
	char when[LQ_TIME_STRLEN + 8];
	uint32_t s = wire_get32(v.data);

	format_v6_time(s, when, sizeof(when));
	json_u32_field(t, "value", s);
	json_str_field(t, "time", when);
}

static bool json_ia_fields(struct lq_text *t, const struct lq6_opt *o, unsigned depth)
{
	struct lq6_ia ia;

	if (lq6_parse_ia(o->code, o->value, &ia) != LQ_OK)
		return false;
	json_u32_field(t, "iaid", ia.iaid);
	if (o->code != LQ6_OPT_IA_TA) {
		json_u32_field(t, "t1", ia.t1);
		json_u32_field(t, "t2", ia.t2);
	}
	json_nested(t, ia.options, depth);
	return true;
}

static bool json_iaaddr_fields(struct lq_text *t, lq_bytes v, unsigned depth)
{
	struct lq6_iaaddr a;

	if (lq6_parse_iaaddr(v, &a) != LQ_OK)
		return false;
	json_ip6_field(t, "address", &a.addr);
	json_u32_field(t, "preferred", a.preferred);
	json_u32_field(t, "valid", a.valid);
	json_nested(t, a.options, depth);
	return true;
}

static bool json_iaprefix_fields(struct lq_text *t, lq_bytes v, unsigned depth)
{
	struct lq6_iaprefix p;

	if (lq6_parse_iaprefix(v, &p) != LQ_OK)
		return false;
	json_ip6_field(t, "prefix", &p.prefix);
	json_u32_field(t, "prefix_len", p.prefix_len);
	json_u32_field(t, "preferred", p.preferred);
	json_u32_field(t, "valid", p.valid);
	json_nested(t, p.options, depth);
	return true;
}

static bool json_query_fields(struct lq_text *t, lq_bytes v, unsigned depth)
{
	if (v.len < 17)
		return false;
	lq_ip6 link = wire_get_ip6(v.data + 1);
	json_str_field(t, "query_type", lq6_query_type_name(v.data[0]));
	json_u32_field(t, "query_type_code", v.data[0]);
	json_ip6_field(t, "link_address", &link);
	json_nested(t, (lq_bytes){v.data + 17, v.len - 17}, depth);
	return true;
}

static bool json_relay_data_fields(struct lq_text *t, lq_bytes v, unsigned depth)
{
	if (v.len < 16)
		return false;
	lq_ip6 peer = wire_get_ip6(v.data);
	json_ip6_field(t, "peer_address", &peer);
	json_relayed(t, (lq_bytes){v.data + 16, v.len - 16}, depth);
	return true;
}

/* Typed fields of an option; false when it has none (then "hex" is used). */
static bool json_typed_fields(struct lq_text *t, const struct lq6_opt *o, unsigned depth)
{
	lq_bytes v = o->value;

	switch (o->code) {
	case LQ6_OPT_IA_NA:
	case LQ6_OPT_IA_PD:
	case LQ6_OPT_IA_TA:
		return json_ia_fields(t, o, depth);
	case LQ6_OPT_IAADDR:
		return json_iaaddr_fields(t, v, depth);
	case LQ6_OPT_IAPREFIX:
		return json_iaprefix_fields(t, v, depth);
	case LQ6_OPT_LQ_QUERY:
		return json_query_fields(t, v, depth);
	case LQ6_OPT_LQ_RELAY_DATA:
		return json_relay_data_fields(t, v, depth);
	case LQ6_OPT_CLIENT_DATA:
		json_nested(t, v, depth);
		return true;
	case LQ6_OPT_RELAY_MSG:
		json_relayed(t, v, depth);
		return true;
	case LQ6_OPT_ORO:
		json_oro(t, v);
		return true;
	case LQ6_OPT_LQ_CLIENT_LINK:
		json_client_link(t, v);
		return true;
	case LQ6_OPT_STATUS_CODE:
		if (v.len < 2)
			return false;
		json_status(t, v);
		return true;
	case LQ6_OPT_REMOTE_ID:
		if (v.len < 4)
			return false;
		json_u32_field(t, "enterprise", wire_get32(v.data));
		json_hex_field(t, "remote_id", (lq_bytes){v.data + 4, v.len - 4});
		return true;
	case LQ6_OPT_CLT_TIME:
		if (v.len != 4)
			return false;
		json_u32_field(t, "seconds", wire_get32(v.data));
		return true;
	case LQ6_OPT_INTERFACE_ID:
		json_hex_field(t, "hex", v);
		if (lq_text_printable(v.data, v.len)) {
			json_key(t, "text");
			lq_text_json_string(t, v.data, v.len);
		}
		return true;
	case LQ6_OPT_PREFERENCE:
		if (v.len != 1)
			return false;
		json_u32_field(t, "value", v.data[0]);
		return true;
	case LQ6_OPT_ELAPSED_TIME:
		if (v.len != 2)
			return false;
		json_u32_field(t, "hundredths", wire_get16(v.data));
		return true;
	case LQ6_OPT_VSS:
		if (v.len < 1)
			return false;
		json_u32_field(t, "vss_type", v.data[0]);
		json_hex_field(t, "hex", v);
		return true;
	case LQ6_OPT_CLIENT_LINKLAYER_ADDR:
		if (v.len < 2)
			return false;
		json_u32_field(t, "link_layer_type", wire_get16(v.data));
		json_hex_field(t, "link_layer_address", (lq_bytes){v.data + 2, v.len - 2});
		return true;
	default:
		break;
	}
	if (is_duid_option(o->code)) {
		json_duid(t, v);
		return true;
	}
	if (is_time_option(o->code) && v.len == 4) {
		json_time(t, v);
		return true;
	}
	return false;
}

static void json_option(struct lq_text *t, const struct lq6_opt *o, unsigned depth)
{
	lq_text_printf(t, "{\"code\":%u", o->code);
	json_str_field(t, "name", lq6_option_name(o->code));
	if (!json_typed_fields(t, o, depth))
		json_hex_field(t, "hex", o->value);
	lq_text_puts(t, "}");
}

static void json_options(struct lq_text *t, lq_bytes region, unsigned depth)
{
	struct lq6_iter it;
	struct lq6_opt o;
	bool first = true;

	lq_text_puts(t, "[");
	lq6_iter_init(&it, region);
	while (lq6_iter_next(&it, &o) == 1) {
		if (!first)
			lq_text_puts(t, ",");
		first = false;
		json_option(t, &o, depth);
	}
	lq_text_puts(t, "]");
}

/* The members of a message object after its opening brace. */
static void json_message_fields(struct lq_text *t, const struct lq6_msg *m, unsigned depth)
{
	json_str_field(t, "msg_type", lq6_msg_type_name(m->type));
	json_u32_field(t, "msg_type_code", m->type);
	if (is_relay_type(m->type)) {
		json_u32_field(t, "hop_count", m->hop_count);
		json_ip6_field(t, "link_address", &m->link_address);
		json_ip6_field(t, "peer_address", &m->peer_address);
	} else {
		json_u32_field(t, "xid", m->xid);
	}
	json_key(t, "options");
	json_options(t, m->options, depth);
}

static void json_message(struct lq_text *t, const struct lq6_msg *m, unsigned depth)
{
	lq_text_puts(t, "{\"family\":6");
	json_message_fields(t, m, depth);
	lq_text_puts(t, "}");
}

void lq_print6_json(struct lq_text *t, const struct lq6_msg *m)
{
	json_message(t, m, 0);
}
