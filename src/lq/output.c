/* output.c - renders a struct lq_answer for people (aligned "name  value"
 * lines) and for programs (JSON Lines objects with lq's binding field
 * names). Relay identifiers are derived the way lqd derives them
 * (lq_binding_fill_relay_ids), so both sides show the same values. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "lq/binding.h"
#include "lq/binding_json.h"
#include "lq/dhcp4.h"
#include "lq/dhcp6.h"
#include "lq/lqtime.h"

#define NAME_WIDTH 18

/* ------------------------------------------------------------ helpers */

static void field(struct lq_text *t, const char *name)
{
	size_t n = strlen(name);

	lq_text_puts(t, name);
	lq_text_append(t, "                            ", n < NAME_WIDTH ? NAME_WIDTH - n : 1);
}

/* hex octets, plus "text" when printable */
static void text_opaque(struct lq_text *t, lq_bytes v)
{
	if (v.len == 0) {
		lq_text_puts(t, "(empty)");
		return;
	}
	lq_text_hex(t, v.data, v.len, ':');
	if (lq_text_printable(v.data, v.len)) {
		lq_text_puts(t, " \"");
		lq_text_append(t, (const char *)v.data, v.len);
		lq_text_puts(t, "\"");
	}
}

static void text_when(struct lq_text *t, int64_t when)
{
	char buf[LQ_TIME_STRLEN + 8];

	lq_text_puts(t, lq_time_format(when, buf, sizeof(buf)));
}

static void text_remaining(struct lq_text *t, const char *name, uint32_t secs, int64_t now)
{
	field(t, name);
	if (secs == LQ_INFINITE_LIFETIME) {
		lq_text_puts(t, "infinite\n");
		return;
	}
	lq_text_printf(t, "%u s (", secs);
	text_when(t, now + secs);
	lq_text_puts(t, ")\n");
}

static void text_clt(struct lq_text *t, const struct lq_answer *a)
{
	field(t, "last transaction");
	lq_text_printf(t, "%u s ago (", a->clt_time);
	text_when(t, a->received - a->clt_time);
	if (a->clt_absolute)
		lq_text_printf(t, "; the server sent the time itself, %u, not seconds ago", a->clt_raw);
	lq_text_puts(t, ")\n");
}

static const char *htype_name(uint8_t htype)
{
	switch (htype) {
	case 1:  return "ethernet";
	case 6:  return "ieee802";
	case 32: return "infiniband";
	default: return NULL;
	}
}

static void text_status(struct lq_text *t, const struct lq_answer *a)
{
	field(t, "status");
	lq_text_printf(t, "%s (%u)", lq_answer_status_name(a), a->status);
	if (a->status_text.data != NULL && a->status_text.len > 0) {
		lq_text_puts(t, " \"");
		lq_text_append(t, (const char *)a->status_text.data, a->status_text.len);
		lq_text_puts(t, "\"");
	}
	lq_text_puts(t, "\n");
}

static const char *reply_name(const struct lq_answer *a)
{
	return a->family == 4 ? lq4_msg_type_name(a->msg_type) : lq6_msg_type_name(a->msg_type);
}

/* ------------------------------------------------------------ text, v4 */

static void text_relay_info4(struct lq_text *t, lq_bytes v)
{
	size_t pos = 0;
	bool first = true;

	while (pos + 2 <= v.len && pos + 2 + v.data[pos + 1] <= v.len) {
		uint8_t code = v.data[pos];
		lq_bytes sub = { v.data + pos + 2, v.data[pos + 1] };
		const char *name = lq4_relay_subopt_name(code);
		field(t, first ? "relay agent" : "");
		first = false;
		if (strcmp(name, "unknown") == 0)
			lq_text_printf(t, "sub-option %u ", code);
		else
			lq_text_printf(t, "%s ", name);
		if ((code == LQ4_RAI_LINK_SELECTION || code == LQ4_RAI_SERVER_ID_OVERRIDE) &&
		    sub.len == 4) {
			lq_ip4 ip;
			memcpy(ip.b, sub.data, 4);
			lq_text_ip4(t, &ip);
		} else {
			text_opaque(t, sub);
		}
		lq_text_puts(t, "\n");
		pos += 2 + sub.len;
	}
	if (pos != v.len) {
		field(t, first ? "relay agent" : "");
		lq_text_puts(t, "(malformed) ");
		lq_text_hex(t, v.data, v.len, ':');
		lq_text_puts(t, "\n");
	}
}

static void text_v4(struct lq_text *t, const struct lq_answer *a)
{
	int64_t now = a->received;

	if (a->outcome == LQ_OUTCOME_NO_BINDING || a->outcome == LQ_OUTCOME_ERROR) {
		field(t, "binding");
		lq_text_puts(t, "none\n");
		return;
	}
	field(t, "address");
	lq_text_ip4(t, &a->address);
	lq_text_puts(t, "\n");
	field(t, "state");
	lq_text_printf(t, "%s\n", lq_answer_state(a));
	if (a->hlen > 0) {
		const char *hn = htype_name(a->htype);
		field(t, "hardware");
		lq_text_hex(t, a->chaddr, a->hlen, ':');
		if (hn != NULL)
			lq_text_printf(t, " (%s)\n", hn);
		else
			lq_text_printf(t, " (htype %u)\n", a->htype);
	}
	if (a->client_id.data != NULL) {
		field(t, "client-id");
		text_opaque(t, a->client_id);
		lq_text_puts(t, "\n");
	}
	if (a->has_lease_time)
		text_remaining(t, "lease time left", a->lease_time, now);
	if (a->has_t1)
		text_remaining(t, "renewal (T1)", a->t1, now);
	if (a->has_t2)
		text_remaining(t, "rebinding (T2)", a->t2, now);
	if (a->has_clt) {
		text_clt(t, a);
	}
	if (a->vendor_class.data != NULL) {
		field(t, "vendor class");
		text_opaque(t, a->vendor_class);
		lq_text_puts(t, "\n");
	}
	if (a->relay_info.data != NULL)
		text_relay_info4(t, a->relay_info);
	for (size_t i = 0; i + 4 <= a->associated_ip.len; i += 4) {
		lq_ip4 ip;
		memcpy(ip.b, a->associated_ip.data + i, 4);
		field(t, i == 0 ? "associated IPs" : "");
		lq_text_ip4(t, &ip);
		lq_text_puts(t, "\n");
	}
}

/* ------------------------------------------------------------ text, v6 */

static void text_relay6(struct lq_text *t, const struct lq_answer *a)
{
	struct lq6_msg m;
	unsigned hop = 0;

	field(t, "relay peer");
	lq_text_ip6(t, &a->relay_peer);
	lq_text_puts(t, "\n");
	if (lq6_decode(a->relay_message.data, a->relay_message.len, &m, NULL) != LQ_OK) {
		field(t, "relay message");
		lq_text_puts(t, "(does not decode) ");
		lq_text_hex(t, a->relay_message.data, a->relay_message.len, ':');
		lq_text_puts(t, "\n");
		return;
	}
	while (m.type == LQ6_RELAY_FORW || m.type == LQ6_RELAY_REPL) {
		field(t, "relay hop");
		lq_text_printf(t, "%u: link ", hop++);
		lq_text_ip6(t, &m.link_address);
		lq_text_puts(t, " peer ");
		lq_text_ip6(t, &m.peer_address);
		if (m.interface_id.data != NULL) {
			lq_text_puts(t, " interface-id ");
			text_opaque(t, m.interface_id);
		}
		if (m.remote_id.present) {
			lq_text_printf(t, " remote-id %u:", m.remote_id.enterprise);
			text_opaque(t, m.remote_id.id);
		}
		if (m.relay_id.data != NULL) {
			lq_text_puts(t, " relay-id ");
			lq_text_hex(t, m.relay_id.data, m.relay_id.len, ':');
		}
		lq_text_puts(t, "\n");
		if (lq6_decode_inner(m.relay_msg, &m, NULL) != LQ_OK)
			break;
	}
}

/* options of CLIENT_DATA that have no line of their own */
static bool shown_elsewhere6(uint16_t code)
{
	return code == LQ6_OPT_CLIENTID || code == LQ6_OPT_IAADDR || code == LQ6_OPT_IAPREFIX ||
	       code == LQ6_OPT_CLT_TIME || code == LQ6_OPT_LQ_RELAY_DATA || code == LQ6_OPT_VSS;
}

static void text_v6(struct lq_text *t, const struct lq_answer *a)
{
	int64_t now = a->received;
	struct lq6_iter it;
	struct lq6_opt opt;

	if (a->outcome == LQ_OUTCOME_BINDING) {
		if (a->client_id.data != NULL) {
			field(t, "client-id");
			lq_text_hex(t, a->client_id.data, a->client_id.len, ':');
			lq_text_puts(t, "\n");
		}
		field(t, "state");
		lq_text_printf(t, "%s\n", lq_answer_state(a));
		for (uint16_t i = 0; i < a->n_leases; i++) {
			const struct lq_answer_lease *l = &a->leases[i];
			field(t, l->is_prefix ? "prefix" : "address");
			lq_text_ip6(t, &l->addr);
			if (l->is_prefix)
				lq_text_printf(t, "/%u", l->prefix_len);
			lq_text_printf(t, " preferred %u s valid %u s", l->preferred, l->valid);
			if (l->valid != LQ_INFINITE_LIFETIME) {
				lq_text_puts(t, " (expires ");
				text_when(t, now + l->valid);
				lq_text_puts(t, ")");
			}
			lq_text_puts(t, "\n");
		}
		if (a->leases_truncated) {
			field(t, "");
			lq_text_puts(t, "(more leases not shown)\n");
		}
		if (a->has_clt) {
			text_clt(t, a);
		}
		if (a->has_relay_data)
			text_relay6(t, a);
		lq6_iter_init(&it, a->client_options);
		while (lq6_iter_next(&it, &opt) == 1) {
			if (shown_elsewhere6(opt.code))
				continue;
			char name[32];
			snprintf(name, sizeof(name), "option %u", opt.code);
			field(t, name);
			text_opaque(t, opt.value);
			lq_text_printf(t, " (%s)\n", lq6_option_name(opt.code));
		}
	} else {
		field(t, "binding");
		lq_text_puts(t, "none\n");
	}
	for (size_t i = 0; i + 16 <= a->client_links.len; i += 16) {
		lq_ip6 link;
		memcpy(link.b, a->client_links.data + i, 16);
		field(t, i == 0 ? "client links" : "");
		lq_text_ip6(t, &link);
		lq_text_puts(t, "\n");
	}
}

/* ------------------------------------------------------------ text, bulk */

static void text_vpn(struct lq_text *t, uint8_t type, lq_bytes info)
{
	switch (type) {
	case LQ4_VSS_NVT_ASCII:
		lq_text_puts(t, "\"");
		lq_text_append(t, (const char *)info.data, info.len);
		lq_text_puts(t, "\" (NVT ASCII)");
		break;
	case LQ4_VSS_RFC2685_VPN_ID:
		lq_text_hex(t, info.data, info.len, ':');
		lq_text_puts(t, " (RFC 2685 VPN-ID)");
		break;
	case LQ4_VSS_ALL_VPNS:
		lq_text_puts(t, "all VPNs");
		break;
	case LQ4_VSS_GLOBAL:
		lq_text_puts(t, "global (default) VPN");
		break;
	default:
		lq_text_printf(t, "type %u ", type);
		text_opaque(t, info);
		break;
	}
}

/* what bulk and active replies add (RFC 6926 6.2, RFC 7653 6.3) */
static void text_stream_fields(struct lq_text *t, const struct lq_answer *a)
{
	if (a->has_start_time_of_state) {
		field(t, "state since");
		lq_text_printf(t, "%u s ago (", a->start_time_of_state);
		text_when(t, a->received - a->start_time_of_state);
		lq_text_puts(t, ")\n");
	}
	if (a->has_data_source) {
		field(t, "data source");
		lq_text_puts(t, (a->data_source & LQ4_DATA_SOURCE_REMOTE) != 0 ? "remote\n" : "local\n");
	}
	if (a->has_vss) {
		field(t, "vpn");
		text_vpn(t, a->vss_type, a->vss_info);
		lq_text_puts(t, "\n");
	}
	if (a->has_base_time) {
		field(t, "base time");
		text_when(t, a->base_time);
		lq_text_puts(t, " (the server's clock)\n");
	}
}

void lq_output_text(struct lq_text *t, const struct lq_answer *a)
{
	field(t, "server");
	lq_text_printf(t, "%s", a->server);
	if (a->family == 4 && a->has_server_id) {
		lq_text_puts(t, " (server-id ");
		lq_text_ip4(t, &a->server_id);
		lq_text_puts(t, ")");
	} else if (a->family == 6 && a->server_duid.data != NULL) {
		lq_text_puts(t, " (DUID ");
		lq_text_hex(t, a->server_duid.data, a->server_duid.len, ':');
		lq_text_puts(t, ")");
	}
	if (a->stream)
		lq_text_puts(t, "\n");
	else
		lq_text_printf(t, ", %u ms\n", a->rtt_ms);
	if (a->show_xid) {
		field(t, "query");
		lq_text_printf(t, "xid 0x%0*x\n", a->family == 4 ? 8 : 6, a->xid);
	}
	field(t, "reply");
	lq_text_printf(t, "%s\n", reply_name(a));
	if (a->has_status || (a->family == 6 && !a->stream))
		text_status(t, a);
	if (a->family == 4)
		text_v4(t, a);
	else
		text_v6(t, a);
	text_stream_fields(t, a);
}

void lq_output_text_other(struct lq_text *t, const char *server, const struct lq_answer *a)
{
	field(t, "other server");
	lq_text_printf(t, "%s: ", server);
	if (a == NULL || a->outcome == LQ_OUTCOME_NONE) {
		lq_text_puts(t, "no answer\n");
		return;
	}
	lq_text_puts(t, reply_name(a));
	if (a->has_status)
		lq_text_printf(t, " %s", lq_answer_status_name(a));
	if (a->outcome == LQ_OUTCOME_BINDING && a->family == 4) {
		lq_text_puts(t, " ");
		lq_text_ip4(t, &a->address);
	}
	if (a->has_clt)
		lq_text_printf(t, ", last transaction %u s ago", a->clt_time);
	lq_text_puts(t, "\n");
}

/* ------------------------------------------------------------ JSON */

static void set_hex(json_t *o, const char *key, lq_bytes v)
{
	if (v.data != NULL)
		json_object_set_new(o, key, lq_json_hex(v));
}

/* text when it is valid UTF-8 without NUL, else hex */
static json_t *json_text(lq_bytes v)
{
	json_t *j = memchr(v.data, 0, v.len) == NULL ? json_stringn((const char *)v.data, v.len) : NULL;

	return j != NULL ? j : lq_json_hex(v);
}

static json_t *json_ip4(const lq_ip4 *a)
{
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, a->b, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *json_ip6(const lq_ip6 *a)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a->b, buf, sizeof(buf));
	return json_string(buf);
}

static void set_expire(json_t *o, int64_t now, uint32_t remaining)
{
	json_object_set_new(o, "expire", remaining == LQ_INFINITE_LIFETIME
					     ? json_null() : json_integer(now + remaining));
}

/* relay identifiers as lqd derives them */
static void set_relay_ids(json_t *o, int family, lq_bytes relay_info)
{
	struct lq_binding b;
	static const lq_ip6 unspecified;

	memset(&b, 0, sizeof(b));
	b.key.family = (uint8_t)family;
	b.relay_info = relay_info;
	if (lq_binding_fill_relay_ids(&b) != LQ_OK)
		return;
	if (family == 6 && memcmp(b.link_address.b, unspecified.b, 16) != 0)
		json_object_set_new(o, "link_address", json_ip6(&b.link_address));
	set_hex(o, "circuit_id", b.circuit_id);
	set_hex(o, "remote_id", b.remote_id);
	set_hex(o, "relay_id", b.relay_id);
}

static void set_clt(json_t *o, const struct lq_answer *a)
{
	json_object_set_new(o, "clt_time", json_integer(a->clt_time));
	json_object_set_new(o, "cltt", json_integer(a->received - a->clt_time));
	if (a->clt_absolute)
		json_object_set_new(o, "clt_absolute", json_true());
}

static void json_v4(json_t *o, const struct lq_answer *a)
{
	int64_t now = a->received;

	json_object_set_new(o, "address", json_ip4(&a->address));
	json_object_set_new(o, "state", json_string(lq_answer_state(a)));
	if (a->hlen > 0) {
		json_object_set_new(o, "htype", json_integer(a->htype));
		json_object_set_new(o, "hwaddr", lq_json_hex((lq_bytes){ a->chaddr, a->hlen }));
	}
	set_hex(o, "client_id", a->client_id);
	if (a->has_lease_time) {
		json_object_set_new(o, "lease_time", json_integer(a->lease_time));
		set_expire(o, now, a->lease_time);
	}
	if (a->has_t1)
		json_object_set_new(o, "t1", json_integer(a->t1));
	if (a->has_t2)
		json_object_set_new(o, "t2", json_integer(a->t2));
	if (a->has_clt) {
		set_clt(o, a);
	}
	if (a->vendor_class.data != NULL)
		json_object_set_new(o, "vendor_class", json_text(a->vendor_class));
	if (a->relay_info.data != NULL) {
		set_hex(o, "relay_info", a->relay_info);
		set_relay_ids(o, 4, a->relay_info);
	}
	if (a->associated_ip.len >= 4) {
		json_t *list = json_array();
		for (size_t i = 0; i + 4 <= a->associated_ip.len; i += 4) {
			lq_ip4 ip;
			memcpy(ip.b, a->associated_ip.data + i, 4);
			json_array_append_new(list, json_ip4(&ip));
		}
		json_object_set_new(o, "associated_ips", list);
	}
	if (a->has_server_id)
		json_object_set_new(o, "server_id", json_ip4(&a->server_id));
}

static json_t *json_lease6(const struct lq_answer_lease *l, int64_t now)
{
	json_t *o = json_object();
	char buf[INET6_ADDRSTRLEN + 4];

	inet_ntop(AF_INET6, l->addr.b, buf, INET6_ADDRSTRLEN);
	if (l->is_prefix) {
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, "/%u", l->prefix_len);
	}
	json_object_set_new(o, l->is_prefix ? "prefix" : "address", json_string(buf));
	json_object_set_new(o, "preferred_lifetime", json_integer(l->preferred));
	json_object_set_new(o, "valid_lifetime", json_integer(l->valid));
	set_expire(o, now, l->valid);
	return o;
}

static json_t *json_client_links(lq_bytes links)
{
	json_t *list = json_array();

	for (size_t i = 0; i + 16 <= links.len; i += 16) {
		lq_ip6 link;
		memcpy(link.b, links.data + i, 16);
		json_array_append_new(list, json_ip6(&link));
	}
	return list;
}

static void json_v6(json_t *o, const struct lq_answer *a)
{
	int64_t now = a->received;
	json_t *addresses = json_array(), *prefixes = json_array(), *others = json_array();
	struct lq6_iter it;
	struct lq6_opt opt;

	set_hex(o, "client_id", a->client_id);
	json_object_set_new(o, "state", json_string(lq_answer_state(a)));
	for (uint16_t i = 0; i < a->n_leases; i++)
		json_array_append_new(a->leases[i].is_prefix ? prefixes : addresses,
				      json_lease6(&a->leases[i], now));
	json_object_set_new(o, "addresses", addresses);
	json_object_set_new(o, "prefixes", prefixes);
	if (a->has_clt) {
		set_clt(o, a);
	}
	if (a->has_relay_data) {
		set_hex(o, "relay_info", a->relay_message);
		json_object_set_new(o, "relay_peer", json_ip6(&a->relay_peer));
		set_relay_ids(o, 6, a->relay_message);
	}
	if (a->client_links.len >= 16)
		json_object_set_new(o, "client_links", json_client_links(a->client_links));
	lq6_iter_init(&it, a->client_options);
	while (lq6_iter_next(&it, &opt) == 1) {
		if (shown_elsewhere6(opt.code))
			continue;
		json_t *one = json_object();
		json_object_set_new(one, "code", json_integer(opt.code));
		json_object_set_new(one, "name", json_string(lq6_option_name(opt.code)));
		json_object_set_new(one, "hex", lq_json_hex(opt.value));
		json_array_append_new(others, one);
	}
	if (json_array_size(others) > 0)
		json_object_set_new(o, "options", others);
	else
		json_decref(others);
	set_hex(o, "server_duid", a->server_duid);
}

/* what bulk and active replies add; names as in lq's binding JSON */
static void json_stream_fields(json_t *o, const struct lq_answer *a)
{
	if (a->has_start_time_of_state) {
		json_object_set_new(o, "start_time_of_state", json_integer(a->start_time_of_state));
		json_object_set_new(o, "state_since",
				    json_integer(a->received - a->start_time_of_state));
	}
	if (a->has_data_source)
		json_object_set_new(o, "data_source",
				    json_string((a->data_source & LQ4_DATA_SOURCE_REMOTE) != 0
						? "remote" : "local"));
	if (a->has_vss) {
		json_t *vpn = json_object();
		json_object_set_new(vpn, "type", json_integer(a->vss_type));
		set_hex(vpn, "id", a->vss_info);
		if (a->vss_type == LQ4_VSS_NVT_ASCII && a->vss_info.data != NULL)
			json_object_set_new(vpn, "name", json_text(a->vss_info));
		json_object_set_new(o, "vpn", vpn);
	}
	if (a->has_base_time)
		json_object_set_new(o, "base_time", json_integer(a->base_time));
	/* a status about this one record (not "status": that key marks the
	 * closing object of a stream) */
	if (a->has_status) {
		json_object_set_new(o, "reply_status", json_string(lq_answer_status_name(a)));
		if (a->status_text.data != NULL)
			json_object_set_new(o, "reply_status_text", json_text(a->status_text));
	}
}

json_t *lq_output_binding_json(const struct lq_answer *a)
{
	json_t *o;

	if (a->outcome != LQ_OUTCOME_BINDING || (o = json_object()) == NULL)
		return NULL;
	json_object_set_new(o, "family", json_integer(a->family));
	json_object_set_new(o, "server", json_string(a->server));
	json_object_set_new(o, "reply", json_string(reply_name(a)));
	if (a->show_xid)
		json_object_set_new(o, "xid", json_integer(a->xid));
	if (a->family == 4)
		json_v4(o, a);
	else
		json_v6(o, a);
	json_stream_fields(o, a);
	return o;
}

json_t *lq_output_summary_json(const struct lq_answer *a, size_t count)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "status", json_string(a != NULL ? lq_answer_status_name(a)
							       : "NoAnswer"));
	json_object_set_new(o, "count", json_integer((json_int_t)count));
	if (a == NULL)
		return o;
	if (a->has_status) {
		json_object_set_new(o, "status_code", json_integer(a->status));
		if (a->status_text.data != NULL)
			json_object_set_new(o, "status_text", json_text(a->status_text));
	}
	json_object_set_new(o, "server", json_string(a->server));
	json_object_set_new(o, "reply", json_string(reply_name(a)));
	if (a->family == 6 && a->outcome != LQ_OUTCOME_BINDING && a->client_links.len >= 16)
		json_object_set_new(o, "client_links", json_client_links(a->client_links));
	return o;
}

/* ------------------------------------------------------------ streams */

static void json_query_status(json_t *o, const struct lq_stream_query *q)
{
	if (!q->has_status)
		return;
	json_object_set_new(o, "status_code", json_integer(q->status));
	if (q->status_text_len > 0)
		json_object_set_new(o, "status_text",
				    json_text((lq_bytes){ q->status_text, q->status_text_len }));
}

json_t *lq_output_stream_summary_json(const struct lq_output_stream *s)
{
	json_t *o = json_object();
	const struct lq_stream_query *failed = NULL;
	size_t n = s->queries != NULL ? s->n : 0;

	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < n && failed == NULL; i++)
		if (lq_stream_failed(&s->queries[i]))
			failed = &s->queries[i];
	json_object_set_new(o, "status", json_string(s->status));
	json_object_set_new(o, "count", json_integer((json_int_t)s->count));
	json_object_set_new(o, "server", json_string(s->server));
	if (failed != NULL)
		json_query_status(o, failed);
	if (s->error != NULL)
		json_object_set_new(o, "error", json_string(s->error));
	if (n <= 1)
		return o;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct lq_stream_query *q = &s->queries[i];
		json_t *one = json_object();
		json_object_set_new(one, "xid", json_integer(q->xid));
		if (s->labels != NULL && s->labels[i] != NULL)
			json_object_set_new(one, "query", json_string(s->labels[i]));
		json_object_set_new(one, "status", json_string(q->finished
				    ? lq_stream_status_name(q, s->family) : "Unfinished"));
		json_object_set_new(one, "count", json_integer((json_int_t)q->bindings));
		json_query_status(one, q);
		json_array_append_new(list, one);
	}
	json_object_set_new(o, "queries", list);
	return o;
}

void lq_output_text_stream_summary(struct lq_text *t, const struct lq_output_stream *s)
{
	size_t n = s->queries != NULL ? s->n : 0;

	for (size_t i = 0; i < n; i++) {
		const struct lq_stream_query *q = &s->queries[i];
		field(t, "query");
		if (s->labels != NULL && s->labels[i] != NULL)
			lq_text_printf(t, "%s, ", s->labels[i]);
		lq_text_printf(t, "xid 0x%0*x: ", s->family == 4 ? 8 : 6, q->xid);
		if (!q->finished)
			lq_text_puts(t, "unfinished");
		else if (!q->has_status)
			lq_text_puts(t, "Success");
		else
			lq_text_printf(t, "%s (%u)", lq_stream_status_name(q, s->family), q->status);
		if (q->status_text_len > 0) {
			lq_text_puts(t, " \"");
			lq_text_append(t, (const char *)q->status_text, q->status_text_len);
			lq_text_puts(t, "\"");
		}
		lq_text_printf(t, ", %llu binding%s\n", (unsigned long long)q->bindings,
			       q->bindings == 1 ? "" : "s");
	}
	field(t, "status");
	lq_text_printf(t, "%s\n", s->status);
	if (s->error != NULL) {
		field(t, "error");
		lq_text_printf(t, "%s\n", s->error);
	}
	field(t, "count");
	lq_text_printf(t, "%llu\n", (unsigned long long)s->count);
}

int lq_output_json_line(json_t *v, FILE *out)
{
	char *s;

	if (v == NULL)
		return -1;
	s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(v);
	if (s == NULL)
		return -1;
	fprintf(out, "%s\n", s);
	free(s);
	return 0;
}

/* ------------------------------------------------------------ events */

void lq_output_text_line(struct lq_text *t, const char *name, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	field(t, name);
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lq_text_puts(t, buf);
	lq_text_puts(t, "\n");
}

/* a key whose integer value is a Unix time */
static bool is_time_key(const char *key)
{
	size_t n = strlen(key);

	return (n >= 5 && strcmp(key + n - 5, "_time") == 0) || strcmp(key, "updated") == 0;
}

void lq_output_text_event(struct lq_text *t, const json_t *event)
{
	const char *key;
	json_t *v;
	char when[LQ_TIME_STRLEN + 8];

	field(t, "event");
	lq_text_puts(t, json_string_value(json_object_get(event, "event")) != NULL
			? json_string_value(json_object_get(event, "event")) : "?");
	json_object_foreach((json_t *)event, key, v) {
		if (strcmp(key, "event") == 0)
			continue;
		lq_text_printf(t, " %s ", key);
		if (json_is_integer(v) && is_time_key(key)) {
			lq_text_puts(t, lq_time_format(json_integer_value(v), when, sizeof(when)));
		} else if (json_is_string(v)) {
			lq_text_puts(t, json_string_value(v));
		} else {
			char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			if (s != NULL)
				lq_text_puts(t, s);
			free(s);
		}
	}
	lq_text_puts(t, "\n");
}

void lq_output_dump_packet(int family, const char *dir, const uint8_t *p, size_t len)
{
	struct lq_text t;

	fprintf(stderr, ";; %s %zu octets\n", dir, len);
	lq_text_init(&t);
	lq_print_packet(&t, family, p, len, false);
	if (t.data != NULL)
		fprintf(stderr, "%s%s", t.data, t.len > 0 && t.data[t.len - 1] == '\n' ? "" : "\n");
	lq_text_free(&t);
}
