/* kea_csv_context.c - reads the user_context column of Kea's lease files
 * (escaped JSON) and turns the extended info Kea keeps with
 * store-extended-info into the binding's relay data: for v4 the option 82
 * value, for v6 a RELAY-FORW chain rebuilt from Kea's relay-info list. The
 * JSON is read by kea_csv_json.c, which keeps just the values needed here. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kea_csv_internal.h"
#include "kea_csv_json.h"
#include "lq/dhcp6.h"

/* user_context text up to this size is unescaped on the stack */
#define CONTEXT_STACK_BUFFER 2048

static void set_relay_info(struct lq_binding *b, const uint8_t *data, size_t len)
{
	b->relay_info = len > 0 ? (lq_bytes){ data, len } : (lq_bytes){ NULL, 0 };
}

/* Warn about the value named what (of relay index when index >= 0). */
static void warn_value(struct lq_kea_csv *p, const char *what, long index, const char *problem)
{
	if (index >= 0)
		kea_warn(p, "user_context: relay-info[%ld] %s %s", index, what, problem);
	else
		kea_warn(p, "user_context: %s %s", what, problem);
}

/* A hex string of a JSON value into buf. Returns 0, or -1 with a warning
 * naming what. */
static int json_hex(struct lq_kea_csv *p, const struct kj_value *value, const char *what,
		    long index, uint8_t *buf, size_t cap, size_t *len)
{
	char problem[48];

	if (value->type != KJ_STRING) {
		warn_value(p, what, index, "is not a string");
		return -1;
	}
	switch (kea_hex_decode(value->s, value->len, buf, cap, len)) {
	case KEA_HEX_OK:
		return 0;
	case KEA_HEX_TOO_LONG:
		snprintf(problem, sizeof(problem), "is longer than %zu octets", cap);
		warn_value(p, what, index, problem);
		return -1;
	default:
		warn_value(p, what, index, "is not hex");
		return -1;
	}
}

/* v4: "relay-agent-info" is {"sub-options": "0x..", ...} or, before Kea
 * 2.1, the hex string itself. Either way: the option 82 value. */
static void relay_agent_info_v4(struct lq_kea_csv *p, const struct kj_extended_info *x,
				struct lq_binding *b)
{
	const struct kj_value *rai = &x->rai;
	const char *what = "relay-agent-info";
	size_t len;

	if (rai->type == KJ_ABSENT)
		return;
	if (rai->type == KJ_OBJECT) {
		rai = &x->sub_options;
		what = "relay-agent-info sub-options";
		if (rai->type == KJ_ABSENT)
			return;
	}
	if (json_hex(p, rai, what, -1, p->relay_info, sizeof(p->relay_info), &len) == 0)
		set_relay_info(b, p->relay_info, len);
}

/* One relay of the v6 list: an object with hop, link, peer and optional
 * options (its options, TLV-encoded, as hex). */
struct relay_entry {
	uint8_t hop;
	lq_ip6 link, peer;
	size_t options_len;     /* in p->relay_options */
};

static int json_ip6(struct lq_kea_csv *p, const struct kj_value *v, const char *key, size_t index,
		    lq_ip6 *out)
{
	char text[INET6_ADDRSTRLEN];

	if (v->type != KJ_STRING || v->len >= sizeof(text) || memchr(v->s, '\0', v->len) != NULL)
		goto bad;
	memcpy(text, v->s, v->len);
	text[v->len] = '\0';
	if (inet_pton(AF_INET6, text, out->b) == 1)
		return 0;
bad:
	kea_warn(p, "user_context: relay-info[%zu]: %s is not an IPv6 address", index, key);
	return -1;
}

static int read_relay_entry(struct lq_kea_csv *p, const struct kj_relay *relay, size_t index,
			    struct relay_entry *e)
{
	if (relay->entry.type != KJ_OBJECT) {
		kea_warn(p, "user_context: relay-info[%zu] is not an object", index);
		return -1;
	}
	if (relay->hop.type != KJ_INTEGER || relay->hop.integer < 0 || relay->hop.integer > 255) {
		kea_warn(p, "user_context: relay-info[%zu]: hop is not a number 0-255", index);
		return -1;
	}
	e->hop = (uint8_t)relay->hop.integer;
	if (json_ip6(p, &relay->link, "link", index, &e->link) < 0 ||
	    json_ip6(p, &relay->peer, "peer", index, &e->peer) < 0)
		return -1;
	e->options_len = 0;
	if (relay->options.type != KJ_ABSENT &&
	    json_hex(p, &relay->options, "options", (long)index, p->relay_options,
		     sizeof(p->relay_options), &e->options_len) < 0)
		return -1;
	return 0;
}

/* v6: "relay-info" (older Kea: "relays") lists the relays the client's
 * message went through, outermost first. Rebuild the RELAY-FORW chain:
 * each relay's header and options, the next relay inside its RELAY_MSG;
 * the innermost has no RELAY_MSG (the client's message is not kept). */
static void relay_info_v6(struct lq_kea_csv *p, const struct kj_extended_info *x,
			  struct lq_binding *b)
{
	const struct kj_relay_list *list = &x->relay_info;
	struct lq6_writer w;
	size_t n, len;

	if (list->list.type == KJ_ABSENT)
		list = &x->relays;
	if (list->list.type == KJ_ABSENT)
		return;
	if (list->list.type != KJ_ARRAY) {
		kea_warn(p, "user_context: relay-info is not a list");
		return;
	}
	n = list->list.count;
	if (n == 0 || n > LQ_KEA_CSV_MAX_RELAYS) {
		kea_warn(p, "user_context: relay-info has %zu relays, not 1 to %d", n,
			 LQ_KEA_CSV_MAX_RELAYS);
		return;
	}
	lq6w_init(&w, p->relay_info, sizeof(p->relay_info));
	for (size_t i = 0; i < n; i++) {
		struct relay_entry e;
		if (read_relay_entry(p, &list->relay[i], i, &e) < 0)
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

/* The extended info of the unescaped JSON text (modified while read). */
static void read_context(struct lq_kea_csv *p, char *text, size_t len, struct lq_binding *b)
{
	struct kj_extended_info x;
	char error[KJ_ERROR_LEN];

	if (kj_read_extended_info(text, len, &x, error) < 0) {
		kea_warn(p, "user_context: not JSON: %s", error);
		return;
	}
	if (x.root_type != KJ_OBJECT)
		kea_warn(p, "user_context: not a JSON object");
	else if (x.isc.type != KJ_ABSENT && x.isc.type != KJ_OBJECT)
		kea_warn(p, "user_context: ISC is not an object");
	else if (x.isc.type != KJ_ABSENT && b->key.family == 4)
		relay_agent_info_v4(p, &x, b);
	else if (x.isc.type != KJ_ABSENT)
		relay_info_v6(p, &x, b);
	derive_relay_ids(p, b);
}

void kea_user_context(struct lq_kea_csv *p, struct kea_field field, struct lq_binding *b)
{
	char stack_buffer[CONTEXT_STACK_BUFFER];
	char *text = stack_buffer;
	const char *pos = field.s;

	if (field.len == 0)
		return;
	/* unescaped, the text is never longer than the field */
	if (field.len > sizeof(stack_buffer)) {
		text = malloc(field.len);
		if (text == NULL) {
			kea_warn(p, "user_context: out of memory");
			return;
		}
	}
	size_t len = kea_unescape(&pos, field.s + field.len, (uint8_t *)text, field.len);
	read_context(p, text, len, b);
	if (text != stack_buffer)
		free(text);
}
