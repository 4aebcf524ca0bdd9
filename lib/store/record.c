/* record.c - the store's on-disk encodings: binding keys, the compact
 * versioned binding record, secondary index keys and history entries. Every
 * decoder checks every length against what remains, so a corrupted record
 * gives LQ_STORE_ERR_CORRUPT and never a read out of bounds. */
#include <stdint.h>
#include <string.h>

#include "lq/lqtime.h"
#include "store_impl.h"

/* Presence flags of a version 1 record; the common IPv4 ones come first so
 * that the flags varint of a typical binding takes two octets. */
enum record_flag {
	F_HWADDR = 1u << 0,
	F_HTYPE = 1u << 1,
	F_CLIENT_ID = 1u << 2,
	F_RELAY_INFO = 1u << 3,
	F_CIRCUIT = 1u << 4,
	F_CIRCUIT_REF = 1u << 5,
	F_REMOTE = 1u << 6,
	F_REMOTE_REF = 1u << 7,
	F_LINK4 = 1u << 8,
	F_HOSTNAME = 1u << 9,
	F_RELAY_ID = 1u << 10,
	F_RELAY_ID_REF = 1u << 11,
	F_VENDOR = 1u << 12,
	F_EXPIRE_NEVER = 1u << 13,
	F_LINK6 = 1u << 14,
	F_RELAY_PEER = 1u << 15,
	F_IAID = 1u << 16,
	F_PREFERRED = 1u << 17,
	F_VPN = 1u << 18,
	F_DATA_SOURCE_REMOTE = 1u << 19,
	F_ALL = (1u << 20) - 1,
};

static const uint8_t v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
static const lq_ip6 zero_ip6;

/* ---- primitive writer and reader ---- */

struct writer {
	uint8_t *p;
	size_t len;
	size_t cap;
	bool overflow;
};

struct reader {
	const uint8_t *p;
	size_t len;
	size_t pos;
};

static void put_bytes_raw(struct writer *w, const void *data, size_t len)
{
	if (len > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	if (len > 0)
		memcpy(w->p + w->len, data, len);
	w->len += len;
}

static void put_u8(struct writer *w, uint8_t v)
{
	put_bytes_raw(w, &v, 1);
}

static void put_varint(struct writer *w, uint64_t v)
{
	uint8_t buf[10];
	size_t n = 0;

	while (v >= 0x80) {
		buf[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	buf[n++] = (uint8_t)v;
	put_bytes_raw(w, buf, n);
}

/* Zigzag of a - b computed modulo 2^64: small differences either way stay
 * short, and any pair of int64 values round-trips. */
static uint64_t zigzag_delta(int64_t a, int64_t b)
{
	uint64_t d = (uint64_t)a - (uint64_t)b;

	return (d << 1) ^ (0 - (d >> 63));
}

static int64_t unzigzag_delta(uint64_t z, int64_t b)
{
	uint64_t d = (z >> 1) ^ (0 - (z & 1));

	return (int64_t)((uint64_t)b + d);
}

static void put_value(struct writer *w, lq_bytes v)
{
	put_varint(w, v.len);
	put_bytes_raw(w, v.data, v.len);
}

static bool get_bytes_raw(struct reader *r, size_t len, const uint8_t **out)
{
	if (len > r->len - r->pos)
		return false;
	*out = r->p + r->pos;
	r->pos += len;
	return true;
}

static bool get_u8(struct reader *r, uint8_t *out)
{
	const uint8_t *p;

	if (!get_bytes_raw(r, 1, &p))
		return false;
	*out = *p;
	return true;
}

static bool get_varint(struct reader *r, uint64_t *out)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t b;

		if (!get_u8(r, &b))
			return false;
		if (shift == 63 && b > 1)
			return false;           /* more than 64 bits */
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

static bool get_u32_varint(struct reader *r, uint32_t *out)
{
	uint64_t v;

	if (!get_varint(r, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool get_value(struct reader *r, size_t max, lq_bytes *out)
{
	uint64_t len;
	const uint8_t *p;

	if (!get_varint(r, &len) || len > max || !get_bytes_raw(r, (size_t)len, &p))
		return false;
	out->data = p;
	out->len = (size_t)len;
	return true;
}

/* ---- big-endian helpers ---- */

void lq_store_put_u64(uint8_t out[8], uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

uint64_t lq_store_get_u64(const uint8_t in[8])
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | in[i];
	return v;
}

/* ---- keys ---- */

static bool is_v4_mapped(const lq_ip6 *a)
{
	return memcmp(a->b, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0;
}

static void clear_host_bits(uint8_t addr[16], unsigned prefix_len)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bit = i * 8;

		if (bit >= prefix_len)
			addr[i] = 0;
		else if (bit + 8 > prefix_len)
			addr[i] &= (uint8_t)(0xff00u >> (prefix_len - bit));
	}
}

size_t lq_store_key_encode(const struct lq_binding_key *key, uint8_t out[LQ_STORE_KEY_MAX])
{
	if (key->family == 4) {
		if (key->prefix_len != 32 || !is_v4_mapped(&key->addr))
			return 0;
		out[0] = 4;
		memcpy(out + 1, key->addr.b + 12, 4);
		return 5;
	}
	if (key->family == 6) {
		if (key->prefix_len > 128)
			return 0;
		out[0] = 6;
		memcpy(out + 1, key->addr.b, 16);
		clear_host_bits(out + 1, key->prefix_len);
		out[17] = key->prefix_len;
		return 18;
	}
	return 0;
}

int lq_store_key_decode(const uint8_t *data, size_t len, struct lq_binding_key *out)
{
	if (len == 5 && data[0] == 4) {
		lq_ip4 a;

		memcpy(a.b, data + 1, 4);
		lq_binding_key_v4(out, &a);
		return LQ_STORE_OK;
	}
	if (len == 18 && data[0] == 6 && data[17] <= 128) {
		lq_ip6 a;

		memcpy(a.b, data + 1, 16);
		lq_binding_key_v6(out, &a, data[17]);
		return LQ_STORE_OK;
	}
	return LQ_STORE_ERR_CORRUPT;
}

/* ---- records ---- */

static bool is_inside(lq_bytes part, lq_bytes whole)
{
	uintptr_t p = (uintptr_t)part.data;
	uintptr_t w = (uintptr_t)whole.data;

	return part.data != NULL && whole.data != NULL && p >= w &&
	       part.len <= whole.len && p - w <= whole.len - part.len;
}

static bool value_too_long(const struct lq_binding *b)
{
	return b->hwaddr.len > LQ_BINDING_MAX_HWADDR ||
	       b->client_id.len > LQ_BINDING_MAX_CLIENT_ID ||
	       b->relay_info.len > LQ_BINDING_MAX_RELAY ||
	       b->circuit_id.len > LQ_BINDING_MAX_SMALL ||
	       b->remote_id.len > LQ_BINDING_MAX_SMALL ||
	       b->relay_id.len > LQ_BINDING_MAX_SMALL ||
	       b->vendor_class.len > LQ_BINDING_MAX_SMALL ||
	       b->hostname.len > LQ_BINDING_MAX_SMALL ||
	       b->vpn_id.len > LQ_BINDING_MAX_SMALL;
}

/* The flag of a relay sub-field: absent, a reference into relay_info, or
 * stored inline. */
static uint32_t relay_part_flags(lq_bytes part, lq_bytes relay_info, uint32_t present, uint32_t ref)
{
	if (part.data == NULL)
		return 0;
	return is_inside(part, relay_info) ? present | ref : present;
}

static uint32_t record_flags(const struct lq_binding *b)
{
	uint32_t f = 0;

	f |= b->hwaddr.data ? F_HWADDR : 0;
	f |= b->htype ? F_HTYPE : 0;
	f |= b->client_id.data ? F_CLIENT_ID : 0;
	f |= b->relay_info.data ? F_RELAY_INFO : 0;
	f |= relay_part_flags(b->circuit_id, b->relay_info, F_CIRCUIT, F_CIRCUIT_REF);
	f |= relay_part_flags(b->remote_id, b->relay_info, F_REMOTE, F_REMOTE_REF);
	f |= relay_part_flags(b->relay_id, b->relay_info, F_RELAY_ID, F_RELAY_ID_REF);
	f |= b->hostname.data ? F_HOSTNAME : 0;
	f |= b->vendor_class.data ? F_VENDOR : 0;
	f |= b->expire == LQ_TIME_NEVER ? F_EXPIRE_NEVER : 0;
	if (memcmp(&b->link_address, &zero_ip6, sizeof(zero_ip6)) != 0)
		f |= is_v4_mapped(&b->link_address) ? F_LINK4 : F_LINK6;
	f |= memcmp(&b->relay_peer, &zero_ip6, sizeof(zero_ip6)) != 0 ? F_RELAY_PEER : 0;
	f |= b->iaid ? F_IAID : 0;
	f |= b->preferred_lifetime ? F_PREFERRED : 0;
	f |= b->has_vpn ? F_VPN : 0;
	f |= b->data_source_remote ? F_DATA_SOURCE_REMOTE : 0;
	return f;
}

static void put_relay_part(struct writer *w, uint32_t flags, uint32_t ref, lq_bytes part,
			   lq_bytes relay_info)
{
	if (flags & ref) {
		put_varint(w, (uint64_t)(part.data - relay_info.data));
		put_varint(w, part.len);
	} else {
		put_value(w, part);
	}
}

static void put_times(struct writer *w, const struct lq_binding *b, int64_t changed_at, uint32_t f)
{
	put_varint(w, zigzag_delta(changed_at, 0));
	put_varint(w, zigzag_delta(b->cltt, changed_at));
	if (!(f & F_EXPIRE_NEVER))
		put_varint(w, zigzag_delta(b->expire, b->cltt));
	put_varint(w, zigzag_delta(b->state_since, b->cltt));
	put_varint(w, b->valid_lifetime);
	if (f & F_PREFERRED)
		put_varint(w, b->preferred_lifetime);
}

static void put_where(struct writer *w, const struct lq_binding *b, uint32_t f)
{
	if (f & F_IAID)
		put_varint(w, b->iaid);
	put_varint(w, b->subnet_id);
	if (f & F_HTYPE)
		put_u8(w, b->htype);
	if (f & F_LINK4)
		put_bytes_raw(w, b->link_address.b + 12, 4);
	if (f & F_LINK6)
		put_bytes_raw(w, b->link_address.b, 16);
	if (f & F_RELAY_PEER)
		put_bytes_raw(w, b->relay_peer.b, 16);
}

static void put_values(struct writer *w, const struct lq_binding *b, uint32_t f)
{
	if (f & F_HWADDR)
		put_value(w, b->hwaddr);
	if (f & F_CLIENT_ID)
		put_value(w, b->client_id);
	if (f & F_RELAY_INFO)
		put_value(w, b->relay_info);
	if (f & F_CIRCUIT)
		put_relay_part(w, f, F_CIRCUIT_REF, b->circuit_id, b->relay_info);
	if (f & F_REMOTE)
		put_relay_part(w, f, F_REMOTE_REF, b->remote_id, b->relay_info);
	if (f & F_RELAY_ID)
		put_relay_part(w, f, F_RELAY_ID_REF, b->relay_id, b->relay_info);
	if (f & F_VENDOR)
		put_value(w, b->vendor_class);
	if (f & F_HOSTNAME)
		put_value(w, b->hostname);
	if (f & F_VPN) {
		put_u8(w, b->vpn_type);
		put_value(w, b->vpn_id);
	}
}

int lq_store_record_encode(const struct lq_binding *b, int64_t changed_at,
			   uint8_t *out, size_t cap, size_t *len)
{
	struct writer w = { .p = out, .cap = cap };
	uint32_t f;

	if (b->type > LQ_LEASE_PD || value_too_long(b))
		return LQ_STORE_ERR_INVALID;
	f = record_flags(b);
	put_u8(&w, LQ_STORE_RECORD_VERSION);
	put_u8(&w, b->type);
	put_u8(&w, b->state);
	put_varint(&w, f);
	put_times(&w, b, changed_at, f);
	put_where(&w, b, f);
	put_values(&w, b, f);
	if (w.overflow)
		return LQ_STORE_ERR_INVALID;
	*len = w.len;
	return LQ_STORE_OK;
}

static bool get_relay_part(struct reader *r, uint32_t f, uint32_t ref, lq_bytes relay_info,
			   lq_bytes *out)
{
	uint64_t off;
	uint64_t len;

	if (!(f & ref))
		return get_value(r, LQ_BINDING_MAX_SMALL, out);
	if (!get_varint(r, &off) || !get_varint(r, &len) || len > LQ_BINDING_MAX_SMALL ||
	    off > relay_info.len || len > relay_info.len - off)
		return false;
	out->data = relay_info.data + off;
	out->len = (size_t)len;
	return true;
}

static bool get_times(struct reader *r, struct lq_binding *b, int64_t *changed_at, uint32_t f)
{
	uint64_t z;

	if (!get_varint(r, &z))
		return false;
	*changed_at = unzigzag_delta(z, 0);
	if (!get_varint(r, &z))
		return false;
	b->cltt = unzigzag_delta(z, *changed_at);
	b->expire = LQ_TIME_NEVER;
	if (!(f & F_EXPIRE_NEVER)) {
		if (!get_varint(r, &z))
			return false;
		b->expire = unzigzag_delta(z, b->cltt);
	}
	if (!get_varint(r, &z))
		return false;
	b->state_since = unzigzag_delta(z, b->cltt);
	if (!get_u32_varint(r, &b->valid_lifetime))
		return false;
	return !(f & F_PREFERRED) || get_u32_varint(r, &b->preferred_lifetime);
}

static bool get_where(struct reader *r, struct lq_binding *b, uint32_t f)
{
	const uint8_t *p;

	if ((f & F_IAID) && !get_u32_varint(r, &b->iaid))
		return false;
	if (!get_u32_varint(r, &b->subnet_id))
		return false;
	if ((f & F_HTYPE) && !get_u8(r, &b->htype))
		return false;
	if (f & F_LINK4) {
		if (!get_bytes_raw(r, 4, &p))
			return false;
		memcpy(b->link_address.b, v4_mapped_prefix, sizeof(v4_mapped_prefix));
		memcpy(b->link_address.b + 12, p, 4);
	}
	if (f & F_LINK6) {
		if (!get_bytes_raw(r, 16, &p))
			return false;
		memcpy(b->link_address.b, p, 16);
	}
	if (f & F_RELAY_PEER) {
		if (!get_bytes_raw(r, 16, &p))
			return false;
		memcpy(b->relay_peer.b, p, 16);
	}
	return true;
}

static bool get_values(struct reader *r, struct lq_binding *b, uint32_t f)
{
	if ((f & F_HWADDR) && !get_value(r, LQ_BINDING_MAX_HWADDR, &b->hwaddr))
		return false;
	if ((f & F_CLIENT_ID) && !get_value(r, LQ_BINDING_MAX_CLIENT_ID, &b->client_id))
		return false;
	if ((f & F_RELAY_INFO) && !get_value(r, LQ_BINDING_MAX_RELAY, &b->relay_info))
		return false;
	if ((f & F_CIRCUIT) && !get_relay_part(r, f, F_CIRCUIT_REF, b->relay_info, &b->circuit_id))
		return false;
	if ((f & F_REMOTE) && !get_relay_part(r, f, F_REMOTE_REF, b->relay_info, &b->remote_id))
		return false;
	if ((f & F_RELAY_ID) && !get_relay_part(r, f, F_RELAY_ID_REF, b->relay_info, &b->relay_id))
		return false;
	if ((f & F_VENDOR) && !get_value(r, LQ_BINDING_MAX_SMALL, &b->vendor_class))
		return false;
	if ((f & F_HOSTNAME) && !get_value(r, LQ_BINDING_MAX_SMALL, &b->hostname))
		return false;
	if (f & F_VPN) {
		b->has_vpn = true;
		if (!get_u8(r, &b->vpn_type) || !get_value(r, LQ_BINDING_MAX_SMALL, &b->vpn_id))
			return false;
	}
	return true;
}

/* Flags that only make sense together. */
static bool flags_consistent(uint32_t f)
{
	if (f & ~(uint32_t)F_ALL)
		return false;
	if ((f & F_LINK4) && (f & F_LINK6))
		return false;
	if ((f & (F_CIRCUIT_REF | F_REMOTE_REF | F_RELAY_ID_REF)) && !(f & F_RELAY_INFO))
		return false;
	return !((f & F_CIRCUIT_REF) && !(f & F_CIRCUIT)) &&
	       !((f & F_REMOTE_REF) && !(f & F_REMOTE)) &&
	       !((f & F_RELAY_ID_REF) && !(f & F_RELAY_ID));
}

int lq_store_record_decode(const uint8_t *data, size_t len, struct lq_binding *out,
			   int64_t *changed_at)
{
	struct reader r = { .p = data, .len = len };
	uint8_t version;
	uint64_t flags;
	int64_t changed;

	memset(out, 0, sizeof(*out));
	if (!get_u8(&r, &version) || version != LQ_STORE_RECORD_VERSION)
		return LQ_STORE_ERR_CORRUPT;
	if (!get_u8(&r, &out->type) || out->type > LQ_LEASE_PD || !get_u8(&r, &out->state))
		return LQ_STORE_ERR_CORRUPT;
	if (!get_varint(&r, &flags) || flags > F_ALL || !flags_consistent((uint32_t)flags))
		return LQ_STORE_ERR_CORRUPT;
	out->data_source_remote = (flags & F_DATA_SOURCE_REMOTE) != 0;
	if (!get_times(&r, out, &changed, (uint32_t)flags) ||
	    !get_where(&r, out, (uint32_t)flags) ||
	    !get_values(&r, out, (uint32_t)flags) || r.pos != r.len)
		return LQ_STORE_ERR_CORRUPT;
	if (changed_at != NULL)
		*changed_at = changed;
	return LQ_STORE_OK;
}

/* A varint passed over: get_varint's checks, without its value. */
static bool skip_varint(struct reader *r)
{
	uint64_t v;

	return get_varint(r, &v);
}

static bool skip_bytes(struct reader *r, size_t len)
{
	const uint8_t *p;

	return get_bytes_raw(r, len, &p);
}

/* Read as far as the client id: the fields before it are passed over in
 * the order put_times, put_where and put_values write them. */
int lq_store_record_client_id_indexed(const uint8_t *data, size_t len)
{
	struct reader r = { .p = data, .len = len };
	uint8_t version;
	uint64_t flags;
	uint64_t n;
	uint32_t f;

	if (!get_u8(&r, &version) || version != LQ_STORE_RECORD_VERSION || !skip_bytes(&r, 2) ||
	    !get_varint(&r, &flags) || flags > F_ALL)
		return LQ_STORE_ERR_CORRUPT;
	f = (uint32_t)flags;
	if (!(f & F_CLIENT_ID))
		return 0;
	/* times: change, cltt, expire unless never, state_since, valid, preferred */
	for (int i = 0; i < 5; i++) {
		if ((i != 2 || !(f & F_EXPIRE_NEVER)) && !skip_varint(&r))
			return LQ_STORE_ERR_CORRUPT;
	}
	if (((f & F_PREFERRED) && !skip_varint(&r)) || ((f & F_IAID) && !skip_varint(&r)) ||
	    !skip_varint(&r) || ((f & F_HTYPE) && !skip_bytes(&r, 1)) ||
	    ((f & F_LINK4) && !skip_bytes(&r, 4)) || ((f & F_LINK6) && !skip_bytes(&r, 16)) ||
	    ((f & F_RELAY_PEER) && !skip_bytes(&r, 16)))
		return LQ_STORE_ERR_CORRUPT;
	if ((f & F_HWADDR) && (!get_varint(&r, &n) || n > LQ_BINDING_MAX_HWADDR ||
			       !skip_bytes(&r, (size_t)n)))
		return LQ_STORE_ERR_CORRUPT;
	if (!get_varint(&r, &n) || n > LQ_BINDING_MAX_CLIENT_ID || n > r.len - r.pos)
		return LQ_STORE_ERR_CORRUPT;
	/* lq_store_index_key_bytes: 1 to LQ_BINDING_MAX_SMALL octets */
	return n > 0 && n <= LQ_BINDING_MAX_SMALL;
}

/* ---- index keys ---- */

size_t lq_store_index_key_bytes(uint8_t family, lq_bytes value, uint8_t out[LQ_STORE_INDEX_KEY_MAX])
{
	if (value.data == NULL || value.len == 0 || value.len > LQ_BINDING_MAX_SMALL)
		return 0;
	out[0] = family;
	memcpy(out + 1, value.data, value.len);
	return 1 + value.len;
}

size_t lq_store_index_key_link(uint8_t family, const lq_ip6 *link, uint8_t out[LQ_STORE_INDEX_KEY_MAX])
{
	if (memcmp(link, &zero_ip6, sizeof(zero_ip6)) == 0)
		return 0;
	out[0] = family;
	if (is_v4_mapped(link)) {
		memcpy(out + 1, link->b + 12, 4);
		return 5;
	}
	memcpy(out + 1, link->b, 16);
	return 17;
}

size_t lq_store_index_key_vpn(uint8_t family, uint8_t vpn_type, lq_bytes vpn_id,
			      uint8_t out[LQ_STORE_INDEX_KEY_MAX])
{
	if (vpn_id.len > LQ_BINDING_MAX_SMALL)
		return 0;
	out[0] = family;
	out[1] = vpn_type;
	if (vpn_id.len > 0)
		memcpy(out + 2, vpn_id.data, vpn_id.len);
	return 2 + vpn_id.len;
}

size_t lq_store_index_key_subnet(uint8_t family, uint32_t subnet_id, uint8_t out[LQ_STORE_INDEX_KEY_MAX])
{
	if (subnet_id == 0)
		return 0;
	out[0] = family;
	out[1] = (uint8_t)(subnet_id >> 24);
	out[2] = (uint8_t)(subnet_id >> 16);
	out[3] = (uint8_t)(subnet_id >> 8);
	out[4] = (uint8_t)subnet_id;
	return 5;
}

size_t lq_store_index_key_time(uint8_t family, int64_t time, uint8_t out[LQ_STORE_INDEX_KEY_MAX])
{
	out[0] = family;
	/* flipping the sign bit makes signed times sort as unsigned octets */
	lq_store_put_u64(out + 1, (uint64_t)time ^ (UINT64_C(1) << 63));
	return 9;
}

size_t lq_store_index_key(enum lq_store_index idx, const struct lq_binding *b,
			  int64_t changed_at, uint8_t out[LQ_STORE_INDEX_KEY_MAX])
{
	uint8_t family = b->key.family;

	switch (idx) {
	case LQ_IDX_HWADDR: return lq_store_index_key_bytes(family, b->hwaddr, out);
	case LQ_IDX_CLIENT_ID: return lq_store_index_key_bytes(family, b->client_id, out);
	case LQ_IDX_REMOTE_ID: return lq_store_index_key_bytes(family, b->remote_id, out);
	case LQ_IDX_RELAY_ID: return lq_store_index_key_bytes(family, b->relay_id, out);
	case LQ_IDX_LINK: return lq_store_index_key_link(family, &b->link_address, out);
	case LQ_IDX_VPN:
		return b->has_vpn ? lq_store_index_key_vpn(family, b->vpn_type, b->vpn_id, out) : 0;
	case LQ_IDX_SUBNET: return lq_store_index_key_subnet(family, b->subnet_id, out);
	case LQ_IDX_TIME: return lq_store_index_key_time(family, changed_at, out);
	case LQ_IDX_COUNT: break;
	}
	return 0;
}

/* ---- history entries ---- */

size_t lq_store_history_encode(int64_t time, uint8_t op, const uint8_t *key, size_t key_len,
			       uint8_t out[LQ_STORE_HISTORY_MAX])
{
	struct writer w = { .p = out, .cap = LQ_STORE_HISTORY_MAX };

	put_varint(&w, zigzag_delta(time, 0));
	put_u8(&w, op);
	put_bytes_raw(&w, key, key_len);
	return w.overflow ? 0 : w.len;
}

int lq_store_history_decode(const uint8_t *data, size_t len, struct lq_store_history_entry *out)
{
	struct reader r = { .p = data, .len = len };
	uint64_t z;

	if (!get_varint(&r, &z) || !get_u8(&r, &out->op))
		return LQ_STORE_ERR_CORRUPT;
	if (out->op != LQ_CHANGE_UPSERT && out->op != LQ_CHANGE_DELETE)
		return LQ_STORE_ERR_CORRUPT;
	out->time = unzigzag_delta(z, 0);
	return lq_store_key_decode(data + r.pos, len - r.pos, &out->key);
}
