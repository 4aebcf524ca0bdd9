/* test_store_record.c - the store's record and key encodings: every field
 * round-trips, relay sub-fields are stored as references into relay_info,
 * values beyond the model's bounds are refused, and every truncated or
 * damaged record is rejected with an error, never a crash. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lq/lqtime.h"
#include "lq/store.h"

static const uint8_t relay82[] = {
	1, 4, 'e', 't', 'h', '0',               /* circuit-id */
	2, 6, 0, 0, 0x0d, 0xe9, 'r', '1',       /* remote-id */
	12, 6, 0, 3, 0, 1, 0xaa, 0xbb,          /* relay-id */
};
static const uint8_t mac[] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t cid[] = { 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t vpn[] = { 'v', 'r', 'f', '1' };

static lq_bytes view(const uint8_t *data, size_t len)
{
	return (lq_bytes){ data, len };
}

static lq_bytes text(const char *s)
{
	return (lq_bytes){ (const uint8_t *)s, strlen(s) };
}

/* A v4 binding using every field, with the relay ids inside relay_info. */
static struct lq_binding full_v4(void)
{
	struct lq_binding b;
	lq_ip4 a = { { 10, 0, 1, 7 } };

	memset(&b, 0, sizeof(b));
	lq_binding_key_v4(&b.key, &a);
	b.type = LQ_LEASE_V4;
	b.state = LQ_STATE_ACTIVE;
	b.data_source_remote = true;
	b.htype = 1;
	b.hwaddr = view(mac, sizeof(mac));
	b.client_id = view(cid, sizeof(cid));
	b.cltt = 1700000000;
	b.expire = 1700003600;
	b.state_since = 1699999000;
	b.valid_lifetime = 3600;
	b.subnet_id = 42;
	b.link_address.b[10] = 0xff;
	b.link_address.b[11] = 0xff;
	b.link_address.b[12] = 10;
	b.link_address.b[15] = 1;
	b.relay_info = view(relay82, sizeof(relay82));
	b.circuit_id = view(relay82 + 2, 4);
	b.remote_id = view(relay82 + 8, 6);
	b.relay_id = view(relay82 + 16, 6);
	b.vendor_class = text("MSFT 5.0");
	b.hostname = text("laptop");
	b.has_vpn = true;
	b.vpn_type = 1;
	b.vpn_id = view(vpn, sizeof(vpn));
	return b;
}

/* A v6 delegated prefix with inline relay ids and every v6-only field. */
static struct lq_binding full_v6(void)
{
	struct lq_binding b;
	lq_ip6 a = { { 0x20, 0x01, 0x0d, 0xb8, 0x80, 0x00, 0x12, 0x00 } };

	memset(&b, 0, sizeof(b));
	lq_binding_key_v6(&b.key, &a, 56);
	b.type = LQ_LEASE_PD;
	b.state = LQ_STATE_EXPIRED;
	b.client_id = view(cid, sizeof(cid));
	b.iaid = 0xdeadbeef;
	b.cltt = -5;                          /* odd times round-trip too */
	b.expire = LQ_TIME_NEVER;
	b.state_since = INT64_MIN;
	b.valid_lifetime = UINT32_MAX;
	b.preferred_lifetime = 7200;
	b.subnet_id = UINT32_MAX;
	b.link_address.b[0] = 0x20;
	b.link_address.b[1] = 0x01;
	b.link_address.b[15] = 9;
	b.relay_peer.b[0] = 0xfe;
	b.relay_peer.b[1] = 0x80;
	b.relay_peer.b[15] = 2;
	b.relay_info = text("relay-forw bytes");
	b.circuit_id = text("if-7");
	b.remote_id = text("\x00\x00\x0d\xe9remote");
	b.relay_id = text("\x00\x03\x00\x01\xaa");
	b.has_vpn = true;
	b.vpn_type = 0xff;
	b.vpn_id = view(vpn, 0);              /* present but empty */
	return b;
}

static void assert_bytes_equal(lq_bytes a, lq_bytes b)
{
	assert_true((a.data == NULL) == (b.data == NULL));
	assert_int_equal(a.len, b.len);
	if (a.len > 0)
		assert_memory_equal(a.data, b.data, a.len);
}

static void assert_binding_equal(const struct lq_binding *a, const struct lq_binding *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->data_source_remote, b->data_source_remote);
	assert_int_equal(a->htype, b->htype);
	assert_bytes_equal(a->hwaddr, b->hwaddr);
	assert_bytes_equal(a->client_id, b->client_id);
	assert_int_equal(a->iaid, b->iaid);
	assert_true(a->cltt == b->cltt);
	assert_true(a->expire == b->expire);
	assert_true(a->state_since == b->state_since);
	assert_int_equal(a->valid_lifetime, b->valid_lifetime);
	assert_int_equal(a->preferred_lifetime, b->preferred_lifetime);
	assert_int_equal(a->subnet_id, b->subnet_id);
	assert_memory_equal(&a->link_address, &b->link_address, sizeof(lq_ip6));
	assert_memory_equal(&a->relay_peer, &b->relay_peer, sizeof(lq_ip6));
	assert_bytes_equal(a->relay_info, b->relay_info);
	assert_bytes_equal(a->circuit_id, b->circuit_id);
	assert_bytes_equal(a->remote_id, b->remote_id);
	assert_bytes_equal(a->relay_id, b->relay_id);
	assert_bytes_equal(a->vendor_class, b->vendor_class);
	assert_bytes_equal(a->hostname, b->hostname);
	assert_int_equal(a->has_vpn, b->has_vpn);
	assert_int_equal(a->vpn_type, b->vpn_type);
	assert_bytes_equal(a->vpn_id, b->vpn_id);
}

static size_t encode(const struct lq_binding *b, int64_t changed_at, uint8_t *buf, size_t cap)
{
	size_t len = 0;

	assert_int_equal(lq_store_record_encode(b, changed_at, buf, cap, &len), LQ_STORE_OK);
	return len;
}

static void round_trip(const struct lq_binding *in, int64_t changed_at)
{
	uint8_t buf[LQ_STORE_RECORD_MAX];
	size_t len = encode(in, changed_at, buf, sizeof(buf));
	struct lq_binding out;
	int64_t changed = 0;

	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(lq_store_record_decode(buf, len, &out, &changed), LQ_STORE_OK);
	assert_true(changed == changed_at);
	assert_binding_equal(in, &out);
}

static void test_round_trip_v4(void **state)
{
	struct lq_binding b = full_v4();

	(void)state;
	round_trip(&b, 1700000100);
	b.expire = LQ_TIME_NEVER;
	b.has_vpn = false;
	b.vpn_type = 0;
	b.vpn_id = (lq_bytes){ NULL, 0 };
	b.data_source_remote = false;
	round_trip(&b, INT64_MAX);
}

static void test_round_trip_v6(void **state)
{
	struct lq_binding b = full_v6();

	(void)state;
	round_trip(&b, INT64_MIN);
	round_trip(&b, 0);
}

static void test_round_trip_minimal(void **state)
{
	struct lq_binding b;

	(void)state;
	memset(&b, 0, sizeof(b));
	b.type = LQ_LEASE_NA;
	round_trip(&b, 0);
	/* present-but-empty values stay present */
	b.hostname = text("");
	b.hwaddr = text("");
	round_trip(&b, 1);
}

/* A typical v4 binding stays small: relay ids cost no copies. */
static void test_compact(void **state)
{
	struct lq_binding b = full_v4();
	uint8_t buf[LQ_STORE_RECORD_MAX];
	size_t len;

	(void)state;
	b.vendor_class = (lq_bytes){ NULL, 0 };
	b.hostname = (lq_bytes){ NULL, 0 };
	b.has_vpn = false;
	b.vpn_id = (lq_bytes){ NULL, 0 };
	b.data_source_remote = false;
	len = encode(&b, b.cltt, buf, sizeof(buf));
	/* 3 header + 3 flags + 5+1+3+2+3 times + 1 subnet + 1 htype + 4 link
	 * + 7 mac + 8 client-id + 23 relay-info + 3 * 2 refs */
	assert_true(len <= 75);
	print_message("typical v4 record: %zu octets\n", len);
}

static void test_too_long_rejected(void **state)
{
	uint8_t big[LQ_BINDING_MAX_RELAY + 1] = { 0 };
	uint8_t buf[LQ_STORE_RECORD_MAX];
	size_t len;
	struct lq_binding b;

	(void)state;
	b = full_v4();
	b.hwaddr = view(big, LQ_BINDING_MAX_HWADDR + 1);
	assert_int_equal(lq_store_record_encode(&b, 0, buf, sizeof(buf), &len), LQ_STORE_ERR_INVALID);
	b = full_v4();
	b.client_id = view(big, LQ_BINDING_MAX_CLIENT_ID + 1);
	assert_int_equal(lq_store_record_encode(&b, 0, buf, sizeof(buf), &len), LQ_STORE_ERR_INVALID);
	b = full_v4();
	b.relay_info = view(big, LQ_BINDING_MAX_RELAY + 1);
	b.circuit_id = b.remote_id = b.relay_id = (lq_bytes){ NULL, 0 };
	assert_int_equal(lq_store_record_encode(&b, 0, buf, sizeof(buf), &len), LQ_STORE_ERR_INVALID);
	b = full_v4();
	b.hostname = view(big, LQ_BINDING_MAX_SMALL + 1);
	assert_int_equal(lq_store_record_encode(&b, 0, buf, sizeof(buf), &len), LQ_STORE_ERR_INVALID);
	b = full_v4();
	b.type = 4;
	assert_int_equal(lq_store_record_encode(&b, 0, buf, sizeof(buf), &len), LQ_STORE_ERR_INVALID);
	/* the maximum sizes fit in LQ_STORE_RECORD_MAX */
	b = full_v4();
	b.relay_info = view(big, LQ_BINDING_MAX_RELAY);
	b.circuit_id = b.remote_id = b.relay_id = b.hostname = b.vendor_class =
		view(big + 1, LQ_BINDING_MAX_SMALL);
	b.client_id = view(big + 1, LQ_BINDING_MAX_CLIENT_ID);
	b.vpn_id = view(big + 1, LQ_BINDING_MAX_SMALL);
	round_trip(&b, 0);
	/* a too small output buffer is an error, not an overrun */
	b = full_v4();
	assert_int_equal(lq_store_record_encode(&b, 0, buf, 10, &len), LQ_STORE_ERR_INVALID);
}

static void assert_every_truncation_rejected(const struct lq_binding *b)
{
	uint8_t buf[LQ_STORE_RECORD_MAX];
	size_t len = encode(b, 1700000000, buf, sizeof(buf));
	struct lq_binding out;

	for (size_t cut = 0; cut < len; cut++) {
		uint8_t copy[LQ_STORE_RECORD_MAX];

		/* a copy of exactly cut octets, so ASan sees any overread */
		memcpy(copy + sizeof(copy) - cut, buf, cut);
		assert_int_equal(lq_store_record_decode(copy + sizeof(copy) - cut, cut, &out, NULL),
				 LQ_STORE_ERR_CORRUPT);
	}
	/* trailing garbage too */
	buf[len] = 0;
	assert_int_equal(lq_store_record_decode(buf, len + 1, &out, NULL), LQ_STORE_ERR_CORRUPT);
}

static void test_truncations_rejected(void **state)
{
	struct lq_binding v4 = full_v4();
	struct lq_binding v6 = full_v6();

	(void)state;
	assert_every_truncation_rejected(&v4);
	assert_every_truncation_rejected(&v6);
}

static void test_bad_headers_rejected(void **state)
{
	struct lq_binding b = full_v4();
	uint8_t buf[LQ_STORE_RECORD_MAX];
	size_t len = encode(&b, 0, buf, sizeof(buf));
	struct lq_binding out;

	(void)state;
	buf[0] = 2;                           /* unknown version */
	assert_int_equal(lq_store_record_decode(buf, len, &out, NULL), LQ_STORE_ERR_CORRUPT);
	buf[0] = LQ_STORE_RECORD_VERSION;
	buf[1] = 9;                           /* unknown lease type */
	assert_int_equal(lq_store_record_decode(buf, len, &out, NULL), LQ_STORE_ERR_CORRUPT);
	buf[1] = LQ_LEASE_V4;
	assert_int_equal(lq_store_record_decode(buf, len, &out, NULL), LQ_STORE_OK);
	/* a varint running past 64 bits */
	{
		uint8_t bad[16] = { 1, 0, 0 };

		memset(bad + 3, 0xff, 12);
		bad[15] = 1;
		assert_int_equal(lq_store_record_decode(bad, sizeof(bad), &out, NULL), LQ_STORE_ERR_CORRUPT);
	}
	/* unknown flag bits */
	{
		uint8_t bad[] = { 1, 0, 0, 0x80, 0x80, 0x80, 0x01, 0, 0, 0, 0, 0 };

		assert_int_equal(lq_store_record_decode(bad, sizeof(bad), &out, NULL), LQ_STORE_ERR_CORRUPT);
	}
}

/* Flip every bit of a record in turn: decoding may succeed or fail, but
 * whatever it returns lies inside the record. */
static void test_bit_flips_stay_in_bounds(void **state)
{
	struct lq_binding b = full_v4();
	uint8_t buf[LQ_STORE_RECORD_MAX];
	size_t len = encode(&b, 1700000000, buf, sizeof(buf));

	(void)state;
	for (size_t i = 0; i < len * 8; i++) {
		struct lq_binding out;
		const lq_bytes *views[8];

		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
		if (lq_store_record_decode(buf, len, &out, NULL) == LQ_STORE_OK) {
			views[0] = &out.hwaddr;
			views[1] = &out.client_id;
			views[2] = &out.relay_info;
			views[3] = &out.circuit_id;
			views[4] = &out.remote_id;
			views[5] = &out.relay_id;
			views[6] = &out.vendor_class;
			views[7] = &out.hostname;
			for (int v = 0; v < 8; v++) {
				if (views[v]->data == NULL)
					continue;
				assert_true(views[v]->data >= buf);
				assert_true(views[v]->data + views[v]->len <= buf + len);
			}
		}
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
}

static void test_relay_ids_outside_relay_info(void **state)
{
	struct lq_binding b = full_v4();
	uint8_t copy[8];

	(void)state;
	/* a remote-id that is a copy, not a view into relay_info */
	memcpy(copy, relay82 + 8, 6);
	b.remote_id = view(copy, 6);
	round_trip(&b, 5);
	/* a view running one octet past relay_info is stored inline */
	b.relay_id = view(relay82 + sizeof(relay82) - 5, 5);
	b.relay_info.len = sizeof(relay82) - 1;
	round_trip(&b, 5);
}

static void test_keys(void **state)
{
	uint8_t k[LQ_STORE_KEY_MAX];
	struct lq_binding_key key;
	struct lq_binding_key back;
	lq_ip4 a4 = { { 192, 0, 2, 1 } };
	lq_ip6 a6 = { { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x12, 0x34, 0xff } };

	(void)state;
	lq_binding_key_v4(&key, &a4);
	assert_int_equal(lq_store_key_encode(&key, k), 5);
	assert_int_equal(lq_store_key_decode(k, 5, &back), LQ_STORE_OK);
	assert_memory_equal(&key, &back, sizeof(key));
	/* host bits of a prefix are cleared */
	lq_binding_key_v6(&key, &a6, 56);
	assert_int_equal(lq_store_key_encode(&key, k), 18);
	assert_int_equal(lq_store_key_decode(k, 18, &back), LQ_STORE_OK);
	assert_int_equal(back.prefix_len, 56);
	assert_int_equal(back.addr.b[6], 0x12);
	assert_int_equal(back.addr.b[7], 0);
	assert_int_equal(back.addr.b[8], 0);
	/* invalid keys */
	key.family = 5;
	assert_int_equal(lq_store_key_encode(&key, k), 0);
	lq_binding_key_v6(&key, &a6, 129);
	assert_int_equal(lq_store_key_encode(&key, k), 0);
	lq_binding_key_v4(&key, &a4);
	key.prefix_len = 24;
	assert_int_equal(lq_store_key_encode(&key, k), 0);
	lq_binding_key_v4(&key, &a4);
	key.addr.b[10] = 0;
	assert_int_equal(lq_store_key_encode(&key, k), 0);
	/* corrupt stored keys */
	assert_int_equal(lq_store_key_decode(k, 4, &back), LQ_STORE_ERR_CORRUPT);
	k[0] = 6;
	memset(k + 1, 0, 17);
	k[17] = 129;
	assert_int_equal(lq_store_key_decode(k, 18, &back), LQ_STORE_ERR_CORRUPT);
	assert_int_equal(lq_store_key_decode(k, 0, &back), LQ_STORE_ERR_CORRUPT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_v4),
		cmocka_unit_test(test_round_trip_v6),
		cmocka_unit_test(test_round_trip_minimal),
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_too_long_rejected),
		cmocka_unit_test(test_truncations_rejected),
		cmocka_unit_test(test_bad_headers_rejected),
		cmocka_unit_test(test_bit_flips_stay_in_bounds),
		cmocka_unit_test(test_relay_ids_outside_relay_info),
		cmocka_unit_test(test_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
