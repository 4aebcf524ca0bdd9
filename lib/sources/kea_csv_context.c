/* kea_csv_context.c - reads the user_context column of Kea's lease files
 * (escaped JSON) and turns the extended info Kea keeps with
 * store-extended-info into the binding's relay data: for v4 the option 82
 * value, for v6 a RELAY-FORW chain rebuilt from Kea's relay-info list. */
#include <arpa/inet.h>
#include <jansson.h>
#include <string.h>

#include "kea_csv_internal.h"
#include "lq/dhcp6.h"

/* jansson pulls the JSON text through this, unescaped on the way. */
struct unescape_reader {
	const char *pos, *end;
};

static size_t read_unescaped(void *buffer, size_t buflen, void *data)
{
	struct unescape_reader *rd = data;

	return kea_unescape(&rd->pos, rd->end, buffer, buflen);
}

static void set_relay_info(struct lq_binding *b, const uint8_t *data, size_t len)
{
	b->relay_info = len > 0 ? (lq_bytes){ data, len } : (lq_bytes){ NULL, 0 };
}

/* A hex string of a JSON value into buf. Returns 0, or -1 with a warning
 * naming what. */
static int json_hex(struct lq_kea_csv *p, const json_t *value, const char *what,
		    uint8_t *buf, size_t cap, size_t *len)
{
	if (!json_is_string(value)) {
		kea_warn(p, "user_context: %s is not a string", what);
		return -1;
	}
	switch (kea_hex_decode(json_string_value(value), json_string_length(value), buf, cap, len)) {
	case KEA_HEX_OK:
		return 0;
	case KEA_HEX_TOO_LONG:
		kea_warn(p, "user_context: %s is longer than %zu octets", what, cap);
		return -1;
	default:
		kea_warn(p, "user_context: %s is not hex", what);
		return -1;
	}
}

/* v4: "relay-agent-info" is {"sub-options": "0x..", ...} or, before Kea
 * 2.1, the hex string itself. Either way: the option 82 value. */
static void relay_agent_info_v4(struct lq_kea_csv *p, const json_t *isc, struct lq_binding *b)
{
	const json_t *rai = json_object_get(isc, "relay-agent-info");
	const char *what = "relay-agent-info";
	size_t len;

	if (rai == NULL)
		return;
	if (json_is_object(rai)) {
		rai = json_object_get(rai, "sub-options");
		what = "relay-agent-info sub-options";
		if (rai == NULL)
			return;
	}
	if (json_hex(p, rai, what, p->relay_info, sizeof(p->relay_info), &len) == 0)
		set_relay_info(b, p->relay_info, len);
}

/* One relay of the v6 list: an object with hop, link, peer and optional
 * options (its options, TLV-encoded, as hex). */
struct relay_entry {
	uint8_t hop;
	lq_ip6 link, peer;
	size_t options_len;     /* in p->relay_options */
};

static int json_ip6(struct lq_kea_csv *p, const json_t *relay, const char *key, size_t index,
		    lq_ip6 *out)
{
	const json_t *v = json_object_get(relay, key);

	if (!json_is_string(v) || inet_pton(AF_INET6, json_string_value(v), out->b) != 1) {
		kea_warn(p, "user_context: relay-info[%zu]: %s is not an IPv6 address", index, key);
		return -1;
	}
	return 0;
}

static int read_relay_entry(struct lq_kea_csv *p, const json_t *relay, size_t index,
			    struct relay_entry *e)
{
	const json_t *hop = json_object_get(relay, "hop");
	const json_t *options = json_object_get(relay, "options");
	char what[48];

	if (!json_is_object(relay)) {
		kea_warn(p, "user_context: relay-info[%zu] is not an object", index);
		return -1;
	}
	if (!json_is_integer(hop) || json_integer_value(hop) < 0 || json_integer_value(hop) > 255) {
		kea_warn(p, "user_context: relay-info[%zu]: hop is not a number 0-255", index);
		return -1;
	}
	e->hop = (uint8_t)json_integer_value(hop);
	if (json_ip6(p, relay, "link", index, &e->link) < 0 ||
	    json_ip6(p, relay, "peer", index, &e->peer) < 0)
		return -1;
	e->options_len = 0;
	snprintf(what, sizeof(what), "relay-info[%zu] options", index);
	if (options != NULL && json_hex(p, options, what, p->relay_options,
					sizeof(p->relay_options), &e->options_len) < 0)
		return -1;
	return 0;
}

/* v6: "relay-info" (older Kea: "relays") lists the relays the client's
 * message went through, outermost first. Rebuild the RELAY-FORW chain:
 * each relay's header and options, the next relay inside its RELAY_MSG;
 * the innermost has no RELAY_MSG (the client's message is not kept). */
static void relay_info_v6(struct lq_kea_csv *p, const json_t *isc, struct lq_binding *b)
{
	const json_t *list = json_object_get(isc, "relay-info");
	struct lq6_writer w;
	size_t n, len;

	if (list == NULL)
		list = json_object_get(isc, "relays");
	if (list == NULL)
		return;
	if (!json_is_array(list)) {
		kea_warn(p, "user_context: relay-info is not a list");
		return;
	}
	n = json_array_size(list);
	if (n == 0 || n > LQ_KEA_CSV_MAX_RELAYS) {
		kea_warn(p, "user_context: relay-info has %zu relays, not 1 to %d", n,
			 LQ_KEA_CSV_MAX_RELAYS);
		return;
	}
	lq6w_init(&w, p->relay_info, sizeof(p->relay_info));
	for (size_t i = 0; i < n; i++) {
		struct relay_entry e;
		if (read_relay_entry(p, json_array_get(list, i), i, &e) < 0)
			return;
		lq6w_relay_header(&w, LQ6_RELAY_FORW, e.hop, &e.link, &e.peer);
		lq6w_bytes(&w, p->relay_options, e.options_len);
		if (i + 1 < n)
			lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	}
	for (size_t i = 1; i < n; i++)
		lq6w_close(&w);
	lq_err err = lq6w_finish(&w, &len);
	if (err != LQ_OK) {
		kea_warn(p, "user_context: relay-info: %s", lq_strerror(err));
		return;
	}
	set_relay_info(b, p->relay_info, len);
}

/* Derive the relay identifiers; relay data they cannot be read from is
 * dropped. */
static void derive_relay_ids(struct lq_kea_csv *p, struct lq_binding *b)
{
	lq_err err;

	if (b->relay_info.data == NULL)
		return;
	err = lq_binding_fill_relay_ids(b);
	if (err != LQ_OK) {
		kea_warn(p, "user_context: relay data dropped: %s", lq_strerror(err));
		set_relay_info(b, NULL, 0);
	}
}

void kea_user_context(struct lq_kea_csv *p, struct kea_field field, struct lq_binding *b)
{
	struct unescape_reader rd = { field.s, field.s + field.len };
	json_error_t error;
	json_t *root, *isc;

	if (field.len == 0)
		return;
	root = json_load_callback(read_unescaped, &rd, 0, &error);
	if (root == NULL) {
		kea_warn(p, "user_context: %s", error.text);
		return;
	}
	if (!json_is_object(root)) {
		kea_warn(p, "user_context: not a JSON object");
		json_decref(root);
		return;
	}
	isc = json_object_get(root, "ISC");
	if (isc != NULL && !json_is_object(isc))
		kea_warn(p, "user_context: ISC is not an object");
	else if (isc != NULL && b->key.family == 4)
		relay_agent_info_v4(p, isc, b);
	else if (isc != NULL)
		relay_info_v6(p, isc, b);
	derive_relay_ids(p, b);
	json_decref(root);
}
