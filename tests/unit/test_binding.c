/* test_binding.c - the binding model's helpers: keys, names, relay ids
 * derived from the relay information as received (option 82; a RELAY-FORW
 * chain), and the JSON form both ways with its error messages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lq/binding_json.h"
#include "lq/change_batch.h"
#include "lq/dhcp6.h"
#include "lq/lqtime.h"

static void test_keys_and_names(void **state)
{
	(void)state;
	struct lq_binding_key k;
	lq_ip4 a = {{10, 0, 0, 5}};

	lq_binding_key_v4(&k, &a);
	/* ::ffff:10.0.0.5/32 */
	const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 5};
	assert_memory_equal(k.addr.b, mapped, 16);
	assert_int_equal(k.family, 4);
	assert_int_equal(k.prefix_len, 32);
	assert_memory_equal(lq_binding_key_ip4(&k).b, a.b, 4);
	assert_string_equal(lq_binding_state_name(LQ_STATE_ACTIVE), "active");
	assert_string_equal(lq_binding_state_name(0), "unknown");
	assert_string_equal(lq_binding_state_name(9), "unknown");
	assert_int_equal(lq_binding_state_from_name("transitioning"), LQ_STATE_TRANSITIONING);
	assert_int_equal(lq_binding_state_from_name("bogus"), -1);
	assert_string_equal(lq_lease_type_name(LQ_LEASE_PD), "IA_PD");

	char text[LQ_BINDING_KEY_TEXT_MAX];
	assert_string_equal(lq_binding_key_format(&k, text, sizeof(text)), "10.0.0.5");
	lq_ip6 p6 = {{0x20, 0x01, 0x0d, 0xb8, 0x80}};
	lq_binding_key_v6(&k, &p6, 56);
	assert_string_equal(lq_binding_key_format(&k, text, sizeof(text)), "2001:db8:8000::/56");
	lq_binding_key_v6(&k, &p6, 128);
	assert_string_equal(lq_binding_key_format(&k, text, sizeof(text)), "2001:db8:8000::");
	char small[6];
	assert_string_equal(lq_binding_key_format(&k, small, sizeof(small)), "2001:");
}

static void test_relay_ids_v4(void **state)
{
	(void)state;
	/* 82: circuit-id(1) "eth0", remote-id(2) 01:02, relay-id(12) aa:bb:cc */
	static const uint8_t ri[] = {1, 4, 'e', 't', 'h', '0', 2, 2, 1, 2, 12, 3, 0xaa, 0xbb, 0xcc};
	struct lq_binding b = {0};
	lq_ip4 a = {{10, 0, 0, 5}};

	lq_binding_key_v4(&b.key, &a);
	b.relay_info = (lq_bytes){ri, sizeof(ri)};
	assert_int_equal(lq_binding_fill_relay_ids(&b), LQ_OK);
	assert_int_equal(b.circuit_id.len, 4);
	assert_memory_equal(b.circuit_id.data, "eth0", 4);
	assert_int_equal(b.remote_id.len, 2);
	assert_int_equal(b.relay_id.len, 3);
	assert_int_equal(b.relay_id.data[2], 0xcc);
	/* malformed: a sub-option overruns; ids stay empty */
	static const uint8_t bad[] = {1, 9, 'x'};
	struct lq_binding c = {0};
	c.key = b.key;
	c.relay_info = (lq_bytes){bad, sizeof(bad)};
	assert_int_equal(lq_binding_fill_relay_ids(&c), LQ_ERR_SUBOPTION_OVERRUN);
	assert_null(c.circuit_id.data);
}

static void test_relay_ids_v6_chain(void **state)
{
	(void)state;
	uint8_t buf[512];
	struct lq6_writer w;
	size_t len;
	const lq_ip6 outer_link = {{0x20, 0x01, 0x0d, 0xb8, 0, 0x09, [15] = 0}};
	const lq_ip6 inner_link = {{0x20, 0x01, 0x0d, 0xb8, 0, 0x01, [15] = 0}};
	const lq_ip6 inner_peer = {{0xfe, 0x80, [15] = 0x05}};
	const lq_ip6 outer_peer = {{0x20, 0x01, 0x0d, 0xb8, 0, 0x01, [15] = 0x01}};
	const lq_ip6 zero = {{0}};
	(void)zero;

	/* outer relay: relay-id; inner relay (next to the client): interface-id, remote-id */
	lq6w_init(&w, buf, sizeof(buf));
	lq6w_relay_header(&w, LQ6_RELAY_FORW, 1, &outer_link, &outer_peer);
	lq6w_option(&w, LQ6_OPT_RELAY_ID, "\x00\x02\x00\x00\x00\x09r1", 8);
	lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	lq6w_relay_header(&w, LQ6_RELAY_FORW, 0, &inner_link, &inner_peer);
	lq6w_option(&w, LQ6_OPT_INTERFACE_ID, "port7", 5);
	lq6w_remote_id(&w, 9, "cpe", 3);
	lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	lq6w_header(&w, LQ6_REQUEST, 0x1234);
	lq6w_close(&w);
	lq6w_close(&w);
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);

	struct lq_binding b = {0};
	const lq_ip6 addr = {{0x20, 0x01, 0x0d, 0xb8, 0, 0x01, [14] = 1}};
	lq_binding_key_v6(&b.key, &addr, 128);
	b.relay_info = (lq_bytes){buf, len};
	assert_int_equal(lq_binding_fill_relay_ids(&b), LQ_OK);
	assert_memory_equal(b.link_address.b, inner_link.b, 16);   /* the client's link */
	assert_memory_equal(b.relay_peer.b, inner_peer.b, 16);
	assert_int_equal(b.circuit_id.len, 5);
	assert_memory_equal(b.circuit_id.data, "port7", 5);
	/* remote-id keeps its enterprise number: 00 00 00 09 'c' 'p' 'e' */
	assert_int_equal(b.remote_id.len, 7);
	assert_memory_equal(b.remote_id.data, "\x00\x00\x00\x09" "cpe", 7);
	assert_int_equal(b.relay_id.len, 8);
}

static void test_json_round_trip_v4(void **state)
{
	(void)state;
	static const char *text =
		"{\"address\":\"10.0.0.5\",\"state\":\"active\",\"hwaddr\":\"00:11:22:33:44:55\","
		"\"client_id\":\"01:00:11:22:33:44:55\",\"cltt\":1795000000,\"expire\":1795003600,"
		"\"valid_lifetime\":3600,\"subnet_id\":7,\"relay_info\":\"01:04:65:74:68:30\","
		"\"hostname\":\"pc-1\",\"vendor_class\":\"MSFT 5.0\",\"vpn\":{\"type\":0,\"id\":\"76:70:6e\"}}";
	json_error_t jerr;
	json_t *in = json_loads(text, 0, &jerr);
	struct lq_binding b;
	uint8_t scratch[1024];
	char err[128] = "";

	assert_non_null(in);
	assert_int_equal(lq_binding_from_json(in, &b, scratch, sizeof(scratch), err, sizeof(err)), 0);
	assert_int_equal(b.key.family, 4);
	assert_int_equal(b.type, LQ_LEASE_V4);
	assert_int_equal(b.state, LQ_STATE_ACTIVE);
	assert_int_equal(b.hwaddr.len, 6);
	assert_int_equal(b.client_id.len, 7);
	assert_int_equal(b.cltt, 1795000000);
	assert_int_equal(b.state_since, 1795000000);     /* defaults to cltt */
	assert_int_equal(b.expire, 1795003600);
	assert_int_equal(b.subnet_id, 7);
	assert_int_equal(b.circuit_id.len, 4);             /* derived from relay_info */
	assert_true(b.has_vpn);
	assert_int_equal(b.vpn_id.len, 3);

	json_t *out = lq_binding_to_json(&b);
	assert_string_equal(json_string_value(json_object_get(out, "address")), "10.0.0.5");
	assert_string_equal(json_string_value(json_object_get(out, "client_id")), "01:00:11:22:33:44:55");
	assert_string_equal(json_string_value(json_object_get(out, "circuit_id")), "65:74:68:30");
	assert_string_equal(json_string_value(json_object_get(out, "hostname")), "pc-1");
	assert_int_equal(json_integer_value(json_object_get(out, "expire")), 1795003600);
	/* and back again: the same binding */
	struct lq_binding c;
	uint8_t scratch2[1024];
	assert_int_equal(lq_binding_from_json(out, &c, scratch2, sizeof(scratch2), err, sizeof(err)), 0);
	assert_memory_equal(c.key.addr.b, b.key.addr.b, 16);
	assert_int_equal(c.client_id.len, b.client_id.len);
	assert_memory_equal(c.client_id.data, b.client_id.data, b.client_id.len);
	assert_int_equal(c.expire, b.expire);
	json_decref(in);
	json_decref(out);
}

static void test_json_v6_prefix_and_infinite(void **state)
{
	(void)state;
	json_error_t jerr;
	json_t *in = json_loads("{\"prefix\":\"2001:db8:8000:100::/56\",\"client_id\":\"00:03:00:01:00:11:22:33:44:55\","
				"\"iaid\":2,\"expire\":null,\"preferred_lifetime\":3000}", 0, &jerr);
	struct lq_binding b;
	uint8_t scratch[256];
	char err[128];

	assert_int_equal(lq_binding_from_json(in, &b, scratch, sizeof(scratch), err, sizeof(err)), 0);
	assert_int_equal(b.key.family, 6);
	assert_int_equal(b.key.prefix_len, 56);
	assert_int_equal(b.type, LQ_LEASE_PD);
	assert_int_equal(b.iaid, 2);
	assert_true(b.expire == LQ_TIME_NEVER);
	json_t *out = lq_binding_to_json(&b);
	assert_string_equal(json_string_value(json_object_get(out, "prefix")), "2001:db8:8000:100::/56");
	assert_true(json_is_null(json_object_get(out, "expire")));
	assert_string_equal(json_string_value(json_object_get(out, "type")), "IA_PD");
	json_decref(in);
	json_decref(out);
}

static void expect_json_error(const char *text, const char *want)
{
	json_error_t jerr;
	json_t *in = json_loads(text, 0, &jerr);
	struct lq_binding b;
	uint8_t scratch[64];
	char err[200] = "";

	assert_non_null(in);
	assert_int_equal(lq_binding_from_json(in, &b, scratch, sizeof(scratch), err, sizeof(err)), -1);
	assert_string_equal(err, want);
	json_decref(in);
}

static void test_json_errors(void **state)
{
	(void)state;
	expect_json_error("{}", "address: required (an IPv4 or IPv6 address, or \"prefix\")");
	expect_json_error("{\"address\":\"10.0.0.256\"}", "address: not an IPv4 or IPv6 address");
	expect_json_error("{\"prefix\":\"2001:db8::/129\"}", "prefix: bad prefix length");
	expect_json_error("{\"address\":\"10.0.0.1\",\"state\":\"gone\"}",
			  "state: not one of available, active, expired, released, abandoned, reset, remote, transitioning");
	expect_json_error("{\"address\":\"10.0.0.1\",\"hwaddr\":\"00:1\"}", "hwaddr: not hex octets");
	expect_json_error("{\"address\":\"10.0.0.1\",\"hwaddr\":\"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00\"}",
			  "hwaddr: too long");
	expect_json_error("{\"address\":\"10.0.0.1\",\"cltt\":\"now\"}", "cltt: must be an integer");
	expect_json_error("{\"address\":\"10.0.0.1\",\"valid_lifetime\":4294967296}", "valid_lifetime: out of range");
	expect_json_error("{\"address\":\"10.0.0.1\",\"relay_info\":\"01:09:00\"}", "relay_info: not a valid option 82 value");
	expect_json_error("{\"address\":\"10.0.0.1\",\"type\":\"IA_NA\"}", "type: must be V4");
	expect_json_error("{\"address\":\"10.0.0.1\",\"vpn\":5}", "vpn: must be an object {\"type\": N, \"id\": \"hex\"}");
	/* scratch of 64 octets: a 100-octet client-id does not fit */
	char big[400] = "{\"address\":\"10.0.0.1\",\"client_id\":\"";
	for (int i = 0; i < 100; i++)
		strcat(big, "ab");
	strcat(big, "\"}");
	expect_json_error(big, "client_id: no room");
}

/* A batch keeps its own copies: the source's buffer is reused for every
 * change, yet each stored change keeps its bytes, across many arena blocks
 * and after a clear; derived ids point into the copied relay_info. */
static void test_change_batch(void **state)
{
	(void)state;
	struct lq_change_batch batch;
	uint8_t parse_buf[300], relay[64];
	enum { N = 5000 };

	lq_change_batch_init(&batch);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++) {
			struct lq_binding_change c = {.op = LQ_CHANGE_UPSERT};
			lq_ip4 a = {{10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}};
			lq_binding_key_v4(&c.binding.key, &a);
			memset(parse_buf, i & 0xff, sizeof(parse_buf));
			c.binding.client_id = (lq_bytes){parse_buf, 200};     /* 200 octets each */
			relay[0] = 1;
			relay[1] = 2;
			relay[2] = (uint8_t)i;
			relay[3] = (uint8_t)(i >> 8);
			c.binding.relay_info = (lq_bytes){relay, 4};
			c.binding.circuit_id = (lq_bytes){relay + 2, 2};
			assert_int_equal(lq_change_batch_add(&batch, &c), 0);
		}
		assert_int_equal(batch.n, N);
		for (int i = 0; i < N; i++) {
			const struct lq_binding *b = &batch.items[i].binding;
			assert_int_equal(b->client_id.len, 200);
			assert_int_equal(b->client_id.data[0], i & 0xff);
			assert_int_equal(b->client_id.data[199], i & 0xff);
			assert_ptr_not_equal(b->client_id.data, parse_buf);
			assert_ptr_equal(b->circuit_id.data, b->relay_info.data + 2);
			assert_int_equal(b->circuit_id.data[0], (uint8_t)i);
			assert_int_equal(b->circuit_id.data[1], (uint8_t)(i >> 8));
			assert_null(b->hostname.data);
		}
		lq_change_batch_clear(&batch);
		assert_int_equal(batch.n, 0);
	}
	lq_change_batch_free(&batch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_and_names),
		cmocka_unit_test(test_relay_ids_v4),
		cmocka_unit_test(test_relay_ids_v6_chain),
		cmocka_unit_test(test_json_round_trip_v4),
		cmocka_unit_test(test_json_v6_prefix_and_infinite),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_change_batch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
