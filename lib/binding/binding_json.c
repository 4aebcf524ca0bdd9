/* binding_json.c - struct lq_binding to and from JSON (jansson), with the
 * field names of the lq JSON contract: address, state, client_id, ... */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lq/binding_json.h"
#include "lq/lqtime.h"

/* ---- to JSON ---- */

json_t *lq_json_hex(lq_bytes v)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(v.len * 3 + 1);
	size_t n = 0;

	if (s == NULL)
		return json_null();
	for (size_t i = 0; i < v.len; i++) {
		if (i > 0)
			s[n++] = ':';
		s[n++] = digits[v.data[i] >> 4];
		s[n++] = digits[v.data[i] & 0x0f];
	}
	s[n] = '\0';
	json_t *j = json_string(s);
	free(s);
	return j;
}

static void set_hex(json_t *o, const char *key, lq_bytes v)
{
	if (v.data != NULL)
		json_object_set_new(o, key, lq_json_hex(v));
}

static void set_text(json_t *o, const char *key, lq_bytes v)
{
	if (v.data != NULL)
		json_object_set_new(o, key, json_stringn_nocheck((const char *)v.data, v.len));
}

static void set_ip6(json_t *o, const char *key, const lq_ip6 *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(AF_INET6, a->b, buf, sizeof(buf)) != NULL)
		json_object_set_new(o, key, json_string(buf));
}

static void set_address(json_t *o, const struct lq_binding_key *k)
{
	char buf[INET6_ADDRSTRLEN + 4];

	if (k->family == 4) {
		inet_ntop(AF_INET, k->addr.b + 12, buf, sizeof(buf));
		json_object_set_new(o, "address", json_string(buf));
		return;
	}
	inet_ntop(AF_INET6, k->addr.b, buf, INET6_ADDRSTRLEN);
	if (k->prefix_len < 128) {
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, "/%u", k->prefix_len);
		json_object_set_new(o, "prefix", json_string(buf));
	}
	else
		json_object_set_new(o, "address", json_string(buf));
}

static void set_time(json_t *o, const char *key, int64_t t)
{
	json_object_set_new(o, key, t == LQ_TIME_NEVER ? json_null() : json_integer(t));
}

json_t *lq_binding_to_json(const struct lq_binding *b)
{
	json_t *o = json_object();
	static const lq_ip6 unspecified;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "family", json_integer(b->key.family));
	set_address(o, &b->key);
	json_object_set_new(o, "type", json_string(lq_lease_type_name(b->type)));
	json_object_set_new(o, "state", json_string(lq_binding_state_name(b->state)));
	if (b->data_source_remote)
		json_object_set_new(o, "data_source", json_string("remote"));
	if (b->hwaddr.data != NULL) {
		set_hex(o, "hwaddr", b->hwaddr);
		json_object_set_new(o, "htype", json_integer(b->htype));
	}
	set_hex(o, "client_id", b->client_id);
	if (b->key.family == 6)
		json_object_set_new(o, "iaid", json_integer(b->iaid));
	set_time(o, "cltt", b->cltt);
	set_time(o, "expire", b->expire);
	set_time(o, "state_since", b->state_since);
	json_object_set_new(o, "valid_lifetime", json_integer(b->valid_lifetime));
	if (b->key.family == 6)
		json_object_set_new(o, "preferred_lifetime", json_integer(b->preferred_lifetime));
	if (b->subnet_id != 0)
		json_object_set_new(o, "subnet_id", json_integer(b->subnet_id));
	if (memcmp(b->link_address.b, unspecified.b, 16) != 0)
		set_ip6(o, "link_address", &b->link_address);
	set_hex(o, "relay_info", b->relay_info);
	if (b->key.family == 6 && b->relay_info.data != NULL)
		set_ip6(o, "relay_peer", &b->relay_peer);
	set_hex(o, "circuit_id", b->circuit_id);
	set_hex(o, "remote_id", b->remote_id);
	set_hex(o, "relay_id", b->relay_id);
	set_text(o, "vendor_class", b->vendor_class);
	set_text(o, "hostname", b->hostname);
	if (b->has_vpn) {
		json_t *vpn = json_object();
		json_object_set_new(vpn, "type", json_integer(b->vpn_type));
		set_hex(vpn, "id", b->vpn_id);
		json_object_set_new(o, "vpn", vpn);
	}
	return o;
}

/* ---- from JSON ---- */

struct scratch {
	uint8_t *p;
	size_t cap, used;
};

static int fail(char *err, size_t cap, const char *key, const char *why)
{
	snprintf(err, cap, "%s: %s", key, why);
	return -1;
}

/* "00:11:22" or "001122" into scratch; max octets allowed. */
static int get_hex(const json_t *obj, const char *key, struct scratch *s, size_t max, lq_bytes *out,
		   char *err, size_t err_cap)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return fail(err, err_cap, key, "must be a hex string");
	const char *t = json_string_value(v);
	uint8_t *start = s->p + s->used;
	size_t n = 0;
	while (*t != '\0') {
		if (*t == ':') {
			t++;
			continue;
		}
		int hi = lq_hex_digit(t[0]), lo = hi < 0 ? -1 : lq_hex_digit(t[1]);
		if (hi < 0 || lo < 0)
			return fail(err, err_cap, key, "not hex octets");
		if (n >= max)
			return fail(err, err_cap, key, "too long");
		if (s->used + n >= s->cap)
			return fail(err, err_cap, key, "no room");
		start[n++] = (uint8_t)(hi << 4 | lo);
		t += 2;
	}
	s->used += n;
	*out = (lq_bytes){start, n};
	return 0;
}

static int get_text(const json_t *obj, const char *key, struct scratch *s, lq_bytes *out, char *err, size_t err_cap)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return fail(err, err_cap, key, "must be a string");
	size_t n = json_string_length(v);
	if (n > LQ_BINDING_MAX_SMALL)
		return fail(err, err_cap, key, "too long");
	if (s->used + n > s->cap)
		return fail(err, err_cap, key, "no room");
	memcpy(s->p + s->used, json_string_value(v), n);
	*out = (lq_bytes){s->p + s->used, n};
	s->used += n;
	return 0;
}

static int get_int(const json_t *obj, const char *key, int64_t min, int64_t max, int64_t *out, char *err,
		   size_t err_cap)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return 0;
	if (json_is_null(v) && max == INT64_MAX) {
		*out = LQ_TIME_NEVER;
		return 0;
	}
	if (!json_is_integer(v))
		return fail(err, err_cap, key, "must be an integer");
	json_int_t x = json_integer_value(v);
	if (x < min || x > max)
		return fail(err, err_cap, key, "out of range");
	*out = x;
	return 0;
}

static int parse_address(const json_t *obj, struct lq_binding *b, char *err, size_t err_cap)
{
	const json_t *v = json_object_get(obj, "address");
	const char *key = "address";
	char buf[INET6_ADDRSTRLEN + 5];

	if (v == NULL) {
		v = json_object_get(obj, "prefix");
		key = "prefix";
	}
	if (v == NULL || !json_is_string(v))
		return fail(err, err_cap, "address", "required (an IPv4 or IPv6 address, or \"prefix\")");
	size_t text_len = json_string_length(v);
	if (text_len >= sizeof(buf))
		return fail(err, err_cap, key, "not an address");
	memcpy(buf, json_string_value(v), text_len + 1);
	unsigned plen = 128;
	char *slash = strchr(buf, '/');
	if (slash != NULL) {
		char *end;
		unsigned long l = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || slash[1] == '\0' || l > 128)
			return fail(err, err_cap, key, "bad prefix length");
		plen = (unsigned)l;
		*slash = '\0';
	}
	lq_ip4 a4;
	lq_ip6 a6;
	if (slash == NULL && inet_pton(AF_INET, buf, a4.b) == 1) {
		lq_binding_key_v4(&b->key, &a4);
		b->type = LQ_LEASE_V4;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a6.b) == 1) {
		lq_binding_key_v6(&b->key, &a6, (uint8_t)plen);
		b->type = plen < 128 ? LQ_LEASE_PD : LQ_LEASE_NA;
		return 0;
	}
	return fail(err, err_cap, key, "not an IPv4 or IPv6 address");
}

static int parse_ip6_field(const json_t *obj, const char *key, lq_ip6 *out, char *err, size_t err_cap)
{
	const json_t *v = json_object_get(obj, key);
	lq_ip4 a4;

	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return fail(err, err_cap, key, "must be an address");
	if (inet_pton(AF_INET6, json_string_value(v), out->b) == 1)
		return 0;
	if (inet_pton(AF_INET, json_string_value(v), a4.b) == 1) {
		struct lq_binding_key k;
		lq_binding_key_v4(&k, &a4);
		*out = k.addr;
		return 0;
	}
	return fail(err, err_cap, key, "not an address");
}

int lq_binding_state_from_name(const char *name)
{
	for (int s = LQ_STATE_AVAILABLE; s <= LQ_STATE_TRANSITIONING; s++)
		if (strcmp(lq_binding_state_name((uint8_t)s), name) == 0)
			return s;
	return -1;
}

static int parse_state(const json_t *obj, struct lq_binding *b, char *err, size_t err_cap)
{
	const json_t *v = json_object_get(obj, "state");

	b->state = LQ_STATE_ACTIVE;
	if (v == NULL)
		return 0;
	int s = json_is_string(v) ? lq_binding_state_from_name(json_string_value(v)) : -1;
	if (s < 0)
		return fail(err, err_cap, "state", "not one of available, active, expired, released, "
						    "abandoned, reset, remote, transitioning");
	b->state = (uint8_t)s;
	return 0;
}

static int parse_type(const json_t *obj, struct lq_binding *b, char *err, size_t err_cap)
{
	const json_t *v = json_object_get(obj, "type");

	if (v == NULL)
		return 0;
	const char *t = json_is_string(v) ? json_string_value(v) : "";
	for (int ty = LQ_LEASE_V4; ty <= LQ_LEASE_PD; ty++) {
		if (strcmp(t, lq_lease_type_name((uint8_t)ty)) == 0 && (ty == LQ_LEASE_V4) == (b->key.family == 4)) {
			b->type = (uint8_t)ty;
			return 0;
		}
	}
	return fail(err, err_cap, "type", b->key.family == 4 ? "must be V4" : "must be IA_NA, IA_TA or IA_PD");
}

static int parse_numbers(const json_t *obj, struct lq_binding *b, char *err, size_t err_cap)
{
	int64_t v;

	b->expire = LQ_TIME_NEVER;
	if (get_int(obj, "cltt", 0, INT64_MAX - 1, &b->cltt, err, err_cap) < 0 ||
	    get_int(obj, "expire", 0, INT64_MAX, &b->expire, err, err_cap) < 0)
		return -1;
	b->state_since = b->cltt;
	if (get_int(obj, "state_since", 0, INT64_MAX - 1, &b->state_since, err, err_cap) < 0)
		return -1;
	v = 0;
	if (get_int(obj, "valid_lifetime", 0, UINT32_MAX, &v, err, err_cap) < 0)
		return -1;
	b->valid_lifetime = (uint32_t)v;
	v = 0;
	if (get_int(obj, "preferred_lifetime", 0, UINT32_MAX, &v, err, err_cap) < 0)
		return -1;
	b->preferred_lifetime = (uint32_t)v;
	v = 0;
	if (get_int(obj, "iaid", 0, UINT32_MAX, &v, err, err_cap) < 0)
		return -1;
	b->iaid = (uint32_t)v;
	v = 0;
	if (get_int(obj, "subnet_id", 0, UINT32_MAX, &v, err, err_cap) < 0)
		return -1;
	b->subnet_id = (uint32_t)v;
	v = 1;
	if (get_int(obj, "htype", 0, 255, &v, err, err_cap) < 0)
		return -1;
	b->htype = (uint8_t)v;
	return 0;
}

static int parse_vpn(const json_t *obj, struct lq_binding *b, struct scratch *s, char *err, size_t err_cap)
{
	const json_t *vpn = json_object_get(obj, "vpn");
	int64_t type = 0;

	if (vpn == NULL || json_is_null(vpn))
		return 0;
	if (!json_is_object(vpn))
		return fail(err, err_cap, "vpn", "must be an object {\"type\": N, \"id\": \"hex\"}");
	if (get_int(vpn, "type", 0, 255, &type, err, err_cap) < 0 ||
	    get_hex(vpn, "id", s, LQ_BINDING_MAX_SMALL, &b->vpn_id, err, err_cap) < 0)
		return -1;
	b->has_vpn = true;
	b->vpn_type = (uint8_t)type;
	return 0;
}

int lq_binding_from_json(const json_t *obj, struct lq_binding *b, uint8_t *scratch, size_t scratch_cap,
			 char *err, size_t err_cap)
{
	struct scratch s = {scratch, scratch_cap, 0};

	memset(b, 0, sizeof(*b));
	if (!json_is_object(obj))
		return fail(err, err_cap, "binding", "must be a JSON object");
	if (parse_address(obj, b, err, err_cap) < 0 || parse_type(obj, b, err, err_cap) < 0 ||
	    parse_state(obj, b, err, err_cap) < 0 || parse_numbers(obj, b, err, err_cap) < 0 ||
	    get_hex(obj, "hwaddr", &s, LQ_BINDING_MAX_HWADDR, &b->hwaddr, err, err_cap) < 0 ||
	    get_hex(obj, "client_id", &s, LQ_BINDING_MAX_CLIENT_ID, &b->client_id, err, err_cap) < 0 ||
	    get_hex(obj, "relay_info", &s, LQ_BINDING_MAX_RELAY, &b->relay_info, err, err_cap) < 0 ||
	    get_hex(obj, "circuit_id", &s, LQ_BINDING_MAX_SMALL, &b->circuit_id, err, err_cap) < 0 ||
	    get_hex(obj, "remote_id", &s, LQ_BINDING_MAX_SMALL, &b->remote_id, err, err_cap) < 0 ||
	    get_hex(obj, "relay_id", &s, LQ_BINDING_MAX_SMALL, &b->relay_id, err, err_cap) < 0 ||
	    get_text(obj, "vendor_class", &s, &b->vendor_class, err, err_cap) < 0 ||
	    get_text(obj, "hostname", &s, &b->hostname, err, err_cap) < 0 ||
	    parse_ip6_field(obj, "link_address", &b->link_address, err, err_cap) < 0 ||
	    parse_ip6_field(obj, "relay_peer", &b->relay_peer, err, err_cap) < 0 ||
	    parse_vpn(obj, b, &s, err, err_cap) < 0)
		return -1;
	const json_t *ds = json_object_get(obj, "data_source");
	b->data_source_remote = ds != NULL && json_is_string(ds) && strcmp(json_string_value(ds), "remote") == 0;
	if (b->relay_info.data != NULL && lq_binding_fill_relay_ids(b) != LQ_OK)
		return fail(err, err_cap, "relay_info", b->key.family == 4 ? "not a valid option 82 value"
								       : "not a valid RELAY-FORW message");
	return 0;
}
