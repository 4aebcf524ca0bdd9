/* test_kea_csv.c - the Kea memfile lease file parser: v4 and v6 files with
 * the column sets of Kea 1.x, 2.x and 3.x written the way Kea writes them
 * (one row per lease change, escaped hostname and user_context), every
 * field's mapping into struct lq_binding, deletions, infinite lifetimes,
 * every state, extended info (v4 both forms, a v6 relay chain), headers in
 * another order, CRLF, and a reason for every bad line and warning; and the
 * user_context JSON reader, against jansson on valid, tricky and mutated
 * texts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>

#include "lq/kea_csv.h"
#include "lq/lqtime.h"
#include "../tools/kea_json_ref.h"

/* ---- headers Kea writes ---- */

/* Kea 3.x (schema 3.0 / 5.0) */
#define H4_KEA3 "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev," \
		"hostname,state,user_context,pool_id"
#define H6_KEA3 "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid," \
		"prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype," \
		"hwaddr_source,pool_id"
/* Kea 2.x before pool_id (schema 2.1 / 4.0) */
#define H4_KEA2 "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev," \
		"hostname,state,user_context"
#define H6_KEA2 "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid," \
		"prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype," \
		"hwaddr_source"
/* the oldest schema Kea still reads (1.0): up to hostname */
#define H4_KEA1 "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname"
#define H6_KEA1 "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid," \
		"prefix_len,fqdn_fwd,fqdn_rev,hostname"

#define CLTT 1767225600         /* 2026-01-01T00:00:00Z */

/* v4 extended info as Kea 2.1+ writes it (Element::str(), keys sorted,
 * commas escaped): circuit-id "eth0/1", remote-id "remote-01", relay-id
 * 192.0.2.1. */
#define RAI4_HEX "0106657468302F31" "020972656D6F74652D3031" "0C04C0000201"
#define CTX4_NEW "{ \"ISC\": { \"relay-agent-info\": { \"relay-id\": \"C0000201\"&#x2c " \
		 "\"remote-id\": \"72656D6F74652D3031\"&#x2c \"sub-options\": \"0x" RAI4_HEX "\" } } }"
/* the older form: relay-agent-info is the hex string */
#define CTX4_OLD "{ \"ISC\": { \"relay-agent-info\": \"0x0104AABBCCDD\" } }"

/* v6 extended info: two relays, outermost first. The outer one carries a
 * relay-id, the inner one an interface-id "ge-0/0/1" and a remote-id
 * (enterprise 4491, "modem-42"). */
#define OPTS6_OUTER "0035000A00030001AABBCCDDEE01"
#define OPTS6_INNER "0012000867652D302F302F31" "0025000C0000118B6D6F64656D2D3432"
#define CTX6_CHAIN "{ \"ISC\": { \"relay-info\": [ { \"hop\": 1&#x2c \"link\": \"2001:db8:ffff::1\"&#x2c " \
		   "\"options\": \"0x" OPTS6_OUTER "\"&#x2c \"peer\": \"2001:db8:ffff::2\"&#x2c " \
		   "\"relay-id\": \"00030001AABBCCDDEE01\" }&#x2c { \"hop\": 0&#x2c " \
		   "\"link\": \"2001:db8:1::1\"&#x2c \"options\": \"0x" OPTS6_INNER "\"&#x2c " \
		   "\"peer\": \"fe80::1\"&#x2c \"remote-id\": \"0000118B6D6F64656D2D3432\" } ] } }"

/* ---- helpers ---- */

static unsigned nibble(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	fail_msg("bad hex digit in a test vector: %c", c);
	return 0;
}

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (; hex[0] != '\0' && hex[1] != '\0' && n < cap; hex += 2)
		out[n++] = (uint8_t)(nibble(hex[0]) * 16 + nibble(hex[1]));
	return n;
}

/* hex == NULL: the value must be absent. */
static void assert_bytes(lq_bytes b, const char *hex)
{
	uint8_t want[4200];
	size_t n;

	if (hex == NULL) {
		assert_null(b.data);
		assert_int_equal(b.len, 0);
		return;
	}
	n = unhex(hex, want, sizeof(want));
	assert_non_null(b.data);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.data, want, n);
}

static void assert_text(lq_bytes b, const char *text)
{
	assert_non_null(b.data);
	assert_int_equal(b.len, strlen(text));
	assert_memory_equal(b.data, text, b.len);
}

static lq_ip6 ip6(const char *text)
{
	lq_ip6 a;

	assert_int_equal(inet_pton(AF_INET6, text, a.b), 1);
	return a;
}

static void assert_ip6(lq_ip6 got, const char *text)
{
	lq_ip6 want = ip6(text);

	assert_memory_equal(got.b, want.b, 16);
}

static void assert_key(const struct lq_binding *b, int family, const char *addr, int prefix_len)
{
	assert_int_equal(b->key.family, family);
	assert_int_equal(b->key.prefix_len, prefix_len);
	assert_ip6(b->key.addr, addr);
}

static void header(struct lq_kea_csv *p, const char *h)
{
	char why[128] = "";

	lq_kea_csv_init(p);
	if (lq_kea_csv_header(p, h, strlen(h), why, sizeof(why)) != 0)
		fail_msg("header refused: %s", why);
}

/* Parse a line that must give a change, with no warning. */
static void parse(struct lq_kea_csv *p, const char *line, struct lq_binding_change *c)
{
	char why[160] = "";
	int rc = lq_kea_csv_line(p, line, strlen(line), c, why, sizeof(why));

	if (rc != 1)
		fail_msg("line refused (%d): %s", rc, why);
	if (p->warning[0] != '\0')
		fail_msg("unexpected warning: %s", p->warning);
}

/* Parse a line that must give a change and this warning. */
static void parse_warned(struct lq_kea_csv *p, const char *line, struct lq_binding_change *c,
			 const char *warning)
{
	char why[160] = "";
	int rc = lq_kea_csv_line(p, line, strlen(line), c, why, sizeof(why));

	if (rc != 1)
		fail_msg("line refused (%d): %s", rc, why);
	assert_string_equal(p->warning, warning);
}

static void assert_bad(struct lq_kea_csv *p, const char *line, const char *reason)
{
	struct lq_binding_change c;
	char why[160] = "";

	assert_int_equal(lq_kea_csv_line(p, line, strlen(line), &c, why, sizeof(why)), -1);
	assert_string_equal(why, reason);
}

/* ---- v4 ---- */

static void test_v4_kea3_active_with_extended_info(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	const struct lq_binding *b = &c.binding;
	(void)state;

	header(&p, H4_KEA3);
	assert_int_equal(p.family, 4);
	parse(&p, "192.0.2.10,08:00:27:a1:b2:c3,01:08:00:27:a1:b2:c3,3600,1767229200,1,1,1,"
		  "host-a.example.org,0," CTX4_NEW ",3", &c);
	assert_int_equal(c.op, LQ_CHANGE_UPSERT);
	assert_key(b, 4, "::ffff:192.0.2.10", 32);
	assert_int_equal(b->type, LQ_LEASE_V4);
	assert_int_equal(b->state, LQ_STATE_ACTIVE);
	assert_false(b->data_source_remote);
	assert_int_equal(b->htype, 1);
	assert_bytes(b->hwaddr, "080027a1b2c3");
	assert_bytes(b->client_id, "01080027a1b2c3");
	assert_int_equal(b->iaid, 0);
	assert_int_equal(b->cltt, CLTT);
	assert_int_equal(b->expire, CLTT + 3600);
	assert_int_equal(b->state_since, CLTT);
	assert_int_equal(b->valid_lifetime, 3600);
	assert_int_equal(b->preferred_lifetime, 0);
	assert_int_equal(b->subnet_id, 1);
	assert_ip6(b->link_address, "::");
	assert_bytes(b->relay_info, RAI4_HEX);
	assert_ip6(b->relay_peer, "::");
	assert_text(b->circuit_id, "eth0/1");
	assert_text(b->remote_id, "remote-01");
	assert_bytes(b->relay_id, "c0000201");
	assert_bytes(b->vendor_class, NULL);
	assert_text(b->hostname, "host-a.example.org");
	assert_false(b->has_vpn);
	assert_bytes(b->vpn_id, NULL);
}

static void test_v4_old_relay_agent_info_form(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	const struct lq_binding *b = &c.binding;
	(void)state;

	header(&p, H4_KEA3);
	parse(&p, "192.0.2.11,08:00:27:a1:b2:c4,,7200,1767232800,7,0,0,,0," CTX4_OLD ",0", &c);
	assert_key(b, 4, "::ffff:192.0.2.11", 32);
	assert_bytes(b->client_id, NULL);
	assert_bytes(b->hostname, NULL);
	assert_int_equal(b->cltt, CLTT);
	assert_int_equal(b->subnet_id, 7);
	assert_bytes(b->relay_info, "0104aabbccdd");
	assert_bytes(b->circuit_id, "aabbccdd");
	assert_bytes(b->remote_id, NULL);
	assert_bytes(b->relay_id, NULL);
}

static void test_v4_states(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	const struct lq_binding *b = &c.binding;
	(void)state;

	header(&p, H4_KEA3);
	/* declined: Kea clears the hardware address and client id */
	parse(&p, "192.0.2.12,,,86400,1767312000,1,0,0,,1,,0", &c);
	assert_int_equal(b->state, LQ_STATE_ABANDONED);
	assert_bytes(b->hwaddr, NULL);
	assert_int_equal(b->htype, 0);
	assert_bytes(b->client_id, NULL);
	assert_int_equal(b->cltt, CLTT);
	assert_int_equal(b->state_since, CLTT);
	parse(&p, "192.0.2.13,08:00:27:a1:b2:c5,,3600,1767229200,2,0,0,,2,,0", &c);
	assert_int_equal(c.op, LQ_CHANGE_UPSERT);
	assert_int_equal(b->state, LQ_STATE_EXPIRED);
	assert_int_equal(b->subnet_id, 2);
	parse(&p, "192.0.2.14,08:00:27:a1:b2:c6,,3600,1767229200,2,0,0,,3,,0", &c);
	assert_int_equal(b->state, LQ_STATE_RELEASED);
	parse(&p, "192.0.2.15,08:00:27:a1:b2:c7,,3600,1767229200,2,0,0,,0,,0", &c);
	assert_int_equal(b->state, LQ_STATE_ACTIVE);
	parse(&p, "192.0.2.16,08:00:27:a1:b2:c8,,3600,1767229200,2,0,0,,4,,0", &c);
	assert_int_equal(b->state, LQ_STATE_ACTIVE);
}

static void test_v4_deletion(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	(void)state;

	header(&p, H4_KEA3);
	/* Kea's deleteLease(): the lease again, with valid_lifetime 0 */
	parse(&p, "192.0.2.10,08:00:27:a1:b2:c3,01:08:00:27:a1:b2:c3,0,1767226000,1,1,1,"
		  "host-a.example.org,0,,3", &c);
	assert_int_equal(c.op, LQ_CHANGE_DELETE);
	assert_key(&c.binding, 4, "::ffff:192.0.2.10", 32);
	assert_int_equal(c.binding.cltt, 1767226000);
	assert_int_equal(c.binding.expire, 1767226000);
}

static void test_v4_infinite_lifetime(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	(void)state;

	header(&p, H4_KEA3);
	/* expire = cltt + 0xffffffff as Kea writes it (64 bits) */
	parse(&p, "192.0.2.20,08:00:27:a1:b2:d0,,4294967295,6062192895,1,0,0,,0,,0", &c);
	assert_int_equal(c.op, LQ_CHANGE_UPSERT);
	assert_int_equal(c.binding.valid_lifetime, LQ_INFINITE_LIFETIME);
	assert_true(c.binding.expire == LQ_TIME_NEVER);
	assert_int_equal(c.binding.cltt, CLTT);
}

static void test_v4_escaped_hostname(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	(void)state;

	header(&p, H4_KEA3);
	parse(&p, "192.0.2.21,08:00:27:a1:b2:d1,,3600,1767229200,1,0,0,host&#x2cweird&#x26name&#x0a,0,,0", &c);
	assert_text(c.binding.hostname, "host,weird&name\n");
	/* "&#x" without two hex digits is kept, as Kea does */
	parse(&p, "192.0.2.22,08:00:27:a1:b2:d2,,3600,1767229200,1,0,0,a&#xZZb&#x4,0,,0", &c);
	assert_text(c.binding.hostname, "a&#xZZb&#x4");
	/* octets above 0x7e */
	parse(&p, "192.0.2.23,08:00:27:a1:b2:d3,,3600,1767229200,1,0,0,caf&#xc3&#xa9,0,,0", &c);
	assert_text(c.binding.hostname, "caf\xc3\xa9");
}

static void test_v4_user_context_without_extended_info(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	(void)state;

	header(&p, H4_KEA3);
	parse(&p, "192.0.2.24,08:00:27:a1:b2:d4,,3600,1767229200,1,0,0,,0,"
		  "{ \"comment\": \"vip\"&#x2c \"ISC\": { \"binding-variables\": { } } },0", &c);
	assert_bytes(c.binding.relay_info, NULL);
	assert_bytes(c.binding.circuit_id, NULL);
	/* extended info whose relay-agent-info map has no sub-options */
	parse(&p, "192.0.2.25,08:00:27:a1:b2:d5,,3600,1767229200,1,0,0,,0,"
		  "{ \"ISC\": { \"relay-agent-info\": { \"remote-id\": \"0102\" } } },0", &c);
	assert_bytes(c.binding.relay_info, NULL);
}

static void test_v4_kea2_and_kea1_columns(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	(void)state;

	header(&p, H4_KEA2);
	parse(&p, "192.0.2.30,08:00:27:a1:b2:e0,ff:00:00:00:01:00:01:2c:9a,3600,1767229200,3,1,0,"
		  "pc30.example.org,2," CTX4_OLD, &c);
	assert_int_equal(c.binding.state, LQ_STATE_EXPIRED);
	assert_bytes(c.binding.client_id, "ff0000000100012c9a");
	assert_bytes(c.binding.circuit_id, "aabbccdd");
	/* a Kea 2.x row may stop before user_context (the schema 2.0 rows) */
	parse(&p, "192.0.2.31,08:00:27:a1:b2:e1,,3600,1767229200,3,0,0,,1", &c);
	assert_int_equal(c.binding.state, LQ_STATE_ABANDONED);

	header(&p, H4_KEA1);
	parse(&p, "192.0.2.32,08:00:27:a1:b2:e2,01:02:03,3600,1767229200,3,0,0,old.example.org", &c);
	assert_int_equal(c.binding.state, LQ_STATE_ACTIVE);
	assert_bytes(c.binding.client_id, "010203");
	assert_text(c.binding.hostname, "old.example.org");
}

static void test_v4_columns_in_another_order(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	(void)state;

	header(&p, "hostname,state,expire,valid_lifetime,address,client_id,hwaddr,subnet_id,"
		   "fqdn_rev,fqdn_fwd,pool_id,user_context,some_future_column");
	assert_int_equal(p.family, 4);
	parse(&p, "moved.example.org,3,1767229200,3600,192.0.2.40,01:aa,08:00:27:a1:b2:f0,9,0,1,2,"
		  CTX4_OLD ",whatever", &c);
	assert_key(&c.binding, 4, "::ffff:192.0.2.40", 32);
	assert_text(c.binding.hostname, "moved.example.org");
	assert_int_equal(c.binding.state, LQ_STATE_RELEASED);
	assert_int_equal(c.binding.cltt, CLTT);
	assert_int_equal(c.binding.valid_lifetime, 3600);
	assert_bytes(c.binding.client_id, "01aa");
	assert_bytes(c.binding.hwaddr, "080027a1b2f0");
	assert_int_equal(c.binding.subnet_id, 9);
	assert_bytes(c.binding.circuit_id, "aabbccdd");
}

static void test_v4_hex_forms(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	(void)state;

	header(&p, H4_KEA3);
	/* Kea reads colon-separated octets of one or two digits, space
	 * separated octets, and digit runs with or without 0x */
	parse(&p, "192.0.2.50,8:0:27:a1:b2:c3,1:2:ab,3600,1767229200,1,0,0,,0,,0", &c);
	assert_bytes(c.binding.hwaddr, "080027a1b2c3");
	assert_bytes(c.binding.client_id, "0102ab");
	parse(&p, "192.0.2.51,08 00 27 a1 b2 c3,0x0102AB,3600,1767229200,1,0,0,,0,,0", &c);
	assert_bytes(c.binding.hwaddr, "080027a1b2c3");
	assert_bytes(c.binding.client_id, "0102ab");
	parse(&p, "192.0.2.52,080027A1B2C3,102ab,3600,1767229200,1,0,0,,0,,0", &c);
	assert_bytes(c.binding.hwaddr, "080027a1b2c3");
	assert_bytes(c.binding.client_id, "0102ab");
	/* a 16-octet hardware address (the most the binding keeps) */
	parse(&p, "192.0.2.53,00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f,,3600,1767229200,1,0,0,,0,,0", &c);
	assert_bytes(c.binding.hwaddr, "000102030405060708090a0b0c0d0e0f");
	/* fqdn flags as words */
	parse(&p, "192.0.2.54,08:00:27:a1:b2:c3,,3600,1767229200,1,true,false,,0,,0", &c);
}

static void test_crlf_and_blank_lines(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	char why[128];
	const char *h = H4_KEA3 "\r\n";
	(void)state;

	lq_kea_csv_init(&p);
	assert_int_equal(lq_kea_csv_header(&p, h, strlen(h), why, sizeof(why)), 0);
	parse(&p, "192.0.2.60,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,crlf.example.org,0,,5\r\n", &c);
	assert_text(c.binding.hostname, "crlf.example.org");
	assert_int_equal(c.binding.state, LQ_STATE_ACTIVE);
	/* with user_context the last column before pool_id */
	parse(&p, "192.0.2.61,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0," CTX4_OLD ",0\r\n", &c);
	assert_bytes(c.binding.circuit_id, "aabbccdd");
	assert_int_equal(lq_kea_csv_line(&p, "", 0, &c, why, sizeof(why)), 0);
	assert_int_equal(lq_kea_csv_line(&p, "\r\n", 2, &c, why, sizeof(why)), 0);
	assert_int_equal(lq_kea_csv_line(&p, "  \t", 3, &c, why, sizeof(why)), 0);
}

static void test_header_line_switches_file(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	char why[128];
	const char *h6 = H6_KEA3 "\n";
	(void)state;

	header(&p, H4_KEA3);
	/* a tailer crossing a rotation hands over the new file's header */
	assert_true(lq_kea_csv_is_header(h6, strlen(h6)));
	assert_false(lq_kea_csv_is_header("192.0.2.1,", 10));
	assert_int_equal(lq_kea_csv_line(&p, h6, strlen(h6), &c, why, sizeof(why)), 0);
	assert_int_equal(p.family, 6);
	parse(&p, "2001:db8:1::5,00:01:02,3600,1767229200,1,1800,0,1,128,0,0,,,0,,0,0,0", &c);
	assert_int_equal(c.binding.key.family, 6);
}

/* ---- v6 ---- */

static void test_v6_kea3_na_with_relay_chain(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	const struct lq_binding *b = &c.binding;
	/* the chain the parser must build: outer RELAY-FORW, its options,
	 * RELAY_MSG holding the inner RELAY-FORW and its options */
	static const char chain[] =
		"0c01" "20010db8ffff00000000000000000001" "20010db8ffff00000000000000000002"
		OPTS6_OUTER
		"0009003e"
		"0c00" "20010db8000100000000000000000001" "fe800000000000000000000000000001"
		OPTS6_INNER;
	(void)state;

	header(&p, H6_KEA3);
	assert_int_equal(p.family, 6);
	parse(&p, "2001:db8:1::100,00:03:00:01:08:00:27:a1:b2:c3,4000,1767229600,1,3000,0,305419896,"
		  "128,1,1,host6.example.org,08:00:27:a1:b2:c3,0," CTX6_CHAIN ",1,4,0", &c);
	assert_int_equal(c.op, LQ_CHANGE_UPSERT);
	assert_key(b, 6, "2001:db8:1::100", 128);
	assert_int_equal(b->type, LQ_LEASE_NA);
	assert_int_equal(b->state, LQ_STATE_ACTIVE);
	assert_int_equal(b->htype, 1);
	assert_bytes(b->hwaddr, "080027a1b2c3");
	assert_bytes(b->client_id, "00030001080027a1b2c3");
	assert_int_equal(b->iaid, 0x12345678);
	assert_int_equal(b->cltt, CLTT);
	assert_int_equal(b->expire, CLTT + 4000);
	assert_int_equal(b->state_since, CLTT);
	assert_int_equal(b->valid_lifetime, 4000);
	assert_int_equal(b->preferred_lifetime, 3000);
	assert_int_equal(b->subnet_id, 1);
	assert_text(b->hostname, "host6.example.org");
	assert_bytes(b->relay_info, chain);
	/* derived from the innermost relay that has each */
	assert_ip6(b->link_address, "2001:db8:1::1");
	assert_ip6(b->relay_peer, "fe80::1");
	assert_text(b->circuit_id, "ge-0/0/1");
	assert_bytes(b->remote_id, "0000118b" "6d6f64656d2d3432");
	assert_bytes(b->relay_id, "00030001aabbccddee01");
	assert_bytes(b->vendor_class, NULL);
}

static void test_v6_prefix_and_temporary(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	const struct lq_binding *b = &c.binding;
	(void)state;

	header(&p, H6_KEA3);
	/* no hardware address: Kea writes hwtype 0 and source 0 */
	parse(&p, "2001:db8:8000:100::,00:03:00:01:08:00:27:a1:b2:c3,7200,1767232800,2,5400,2,1,56,"
		  "0,0,,,0,,0,0,2", &c);
	assert_key(b, 6, "2001:db8:8000:100::", 56);
	assert_int_equal(b->type, LQ_LEASE_PD);
	assert_int_equal(b->iaid, 1);
	assert_int_equal(b->subnet_id, 2);
	assert_int_equal(b->preferred_lifetime, 5400);
	assert_bytes(b->hwaddr, NULL);
	assert_int_equal(b->htype, 0);
	assert_bytes(b->hostname, NULL);
	/* temporary address: prefix_len is not read (Kea uses 128) */
	parse(&p, "2001:db8:1::7e,00:03:00:01:08:00:27:a1:b2:c3,600,1767226200,1,300,1,2,0,"
		  "0,0,,08:00:27:a1:b2:c3,0,,6,0,0", &c);
	assert_key(b, 6, "2001:db8:1::7e", 128);
	assert_int_equal(b->type, LQ_LEASE_TA);
	assert_int_equal(b->htype, 6);
	/* an address lease with a prefix_len other than 128 keeps 128 */
	parse(&p, "2001:db8:1::7f,00:01:02,600,1767226200,1,300,0,2,64,0,0,,,0,,0,0,0", &c);
	assert_key(b, 6, "2001:db8:1::7f", 128);
}

static void test_v6_states(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	const struct lq_binding *b = &c.binding;
	(void)state;

	header(&p, H6_KEA3);
	/* declined: Kea's empty DUID 00:00:00 */
	parse(&p, "2001:db8:1::dead,00:00:00,3600,1767229200,1,0,0,0,128,0,0,,,1,,0,0,0", &c);
	assert_int_equal(b->state, LQ_STATE_ABANDONED);
	assert_bytes(b->client_id, NULL);
	parse(&p, "2001:db8:1::2,00:01:02,3600,1767229200,1,1800,0,1,128,0,0,,,2,,0,0,0", &c);
	assert_int_equal(b->state, LQ_STATE_EXPIRED);
	parse(&p, "2001:db8:1::3,00:01:02,3600,1767229200,1,1800,0,1,128,0,0,,,3,,0,0,0", &c);
	assert_int_equal(b->state, LQ_STATE_RELEASED);
	/* registered (Kea 3.x ADDR-REG-INFORM) */
	parse(&p, "2001:db8:1::4,00:01:02,3600,1767229200,1,1800,0,1,128,0,0,,,4,,0,0,0", &c);
	assert_int_equal(b->state, LQ_STATE_ACTIVE);
	parse(&p, "2001:db8:1::5,00:01:02,3600,1767229200,1,1800,0,1,128,0,0,,,0,,0,0,0", &c);
	assert_int_equal(b->state, LQ_STATE_ACTIVE);
}

static void test_v6_deletion_and_infinite(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	(void)state;

	header(&p, H6_KEA3);
	/* deleteLease(): valid and preferred lifetimes 0 */
	parse(&p, "2001:db8:8000:100::,00:03:00:01:08:00:27:a1:b2:c3,0,1767228000,2,0,2,1,56,"
		  "0,0,,,0,,0,0,0", &c);
	assert_int_equal(c.op, LQ_CHANGE_DELETE);
	assert_key(&c.binding, 6, "2001:db8:8000:100::", 56);
	assert_int_equal(c.binding.cltt, 1767228000);
	parse(&p, "2001:db8:1::99,00:01:02,4294967295,6062192895,1,4294967295,0,1,128,0,0,,,0,,0,0,0", &c);
	assert_int_equal(c.op, LQ_CHANGE_UPSERT);
	assert_true(c.binding.expire == LQ_TIME_NEVER);
	assert_int_equal(c.binding.preferred_lifetime, LQ_INFINITE_LIFETIME);
	assert_int_equal(c.binding.cltt, CLTT);
}

static void test_v6_kea2_and_kea1_columns(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	(void)state;

	header(&p, H6_KEA2);
	parse(&p, "2001:db8:1::20,00:03:00:01:08:00:27:a1:b2:c3,4000,1767229600,1,3000,0,7,128,1,1,"
		  "h&#x2cx,08:00:27:a1:b2:c3,0," CTX6_CHAIN ",1,0", &c);
	assert_text(c.binding.hostname, "h,x");
	assert_text(c.binding.circuit_id, "ge-0/0/1");
	/* the older key "relays" (Kea before 2.1) */
	parse(&p, "2001:db8:1::21,00:01:02,4000,1767229600,1,3000,0,7,128,1,1,,,0,"
		  "{ \"ISC\": { \"relays\": [ { \"hop\": 0&#x2c \"link\": \"2001:db8:1::1\"&#x2c "
		  "\"peer\": \"fe80::2\" } ] } },,", &c);
	assert_bytes(c.binding.relay_info, "0c00" "20010db8000100000000000000000001"
					   "fe800000000000000000000000000002");
	assert_ip6(c.binding.relay_peer, "fe80::2");
	assert_ip6(c.binding.link_address, "2001:db8:1::1");
	/* hwaddr without hwtype (schema 2.0 rows): Ethernet */
	parse(&p, "2001:db8:1::22,00:01:02,4000,1767229600,1,3000,0,7,128,1,1,,0a:0b:0c:0d:0e:0f", &c);
	assert_int_equal(c.binding.htype, 1);
	assert_bytes(c.binding.hwaddr, "0a0b0c0d0e0f");
	assert_int_equal(c.binding.state, LQ_STATE_ACTIVE);

	header(&p, H6_KEA1);
	parse(&p, "2001:db8:1::23,00:01:02:03:04:05:06:0a:0b:0c:0d:0e:01,200,1767225800,8,100,0,7,0,1,1,"
		  "one.example.com", &c);
	assert_key(&c.binding, 6, "2001:db8:1::23", 128);
	assert_int_equal(c.binding.subnet_id, 8);
	assert_bytes(c.binding.hwaddr, NULL);
}

static void test_v6_columns_in_another_order(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	(void)state;

	header(&p, "duid,address,lease_type,prefix_len,iaid,expire,valid_lifetime,pref_lifetime,"
		   "subnet_id,hostname,fqdn_rev,fqdn_fwd,state,hwtype,hwaddr,user_context\r\n");
	assert_int_equal(p.family, 6);
	parse(&p, "00:01:02,2001:db8:9::,2,48,77,1767229200,3600,1800,5,pd.example.org,0,0,3,1,"
		  "0a:0b:0c:0d:0e:0f," CTX6_CHAIN "\r\n", &c);
	assert_key(&c.binding, 6, "2001:db8:9::", 48);
	assert_int_equal(c.binding.type, LQ_LEASE_PD);
	assert_int_equal(c.binding.iaid, 77);
	assert_int_equal(c.binding.cltt, CLTT);
	assert_int_equal(c.binding.preferred_lifetime, 1800);
	assert_int_equal(c.binding.subnet_id, 5);
	assert_int_equal(c.binding.state, LQ_STATE_RELEASED);
	assert_bytes(c.binding.hwaddr, "0a0b0c0d0e0f");
	assert_bytes(c.binding.client_id, "000102");
	assert_text(c.binding.circuit_id, "ge-0/0/1");
}

/* Eight relays, the most kept, decode into a chain; nine are refused. */
static void relays_context(char *out, size_t cap, unsigned n)
{
	size_t len = (size_t)snprintf(out, cap, "{ \"ISC\": { \"relay-info\": [ ");

	for (unsigned i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, cap - len,
					"%s{ \"hop\": %u&#x2c \"link\": \"2001:db8:%u::1\"&#x2c "
					"\"peer\": \"fe80::%u\"&#x2c \"options\": \"0x00120001%02X\" }",
					i > 0 ? "&#x2c " : "", n - 1 - i, i + 1, i + 1, i);
	snprintf(out + len, cap - len, " ] } }");
}

static void test_v6_relay_count_limit(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	char ctx[4096], line[4400];
	(void)state;

	header(&p, H6_KEA3);
	relays_context(ctx, sizeof(ctx), LQ_KEA_CSV_MAX_RELAYS);
	snprintf(line, sizeof(line), "2001:db8:1::30,00:01:02,3600,1767229200,1,1800,0,1,128,0,0,,,0,%s,0,0,0", ctx);
	parse(&p, line, &c);
	assert_ip6(c.binding.link_address, "2001:db8:8::1");
	assert_ip6(c.binding.relay_peer, "fe80::8");
	assert_bytes(c.binding.circuit_id, "07");

	relays_context(ctx, sizeof(ctx), LQ_KEA_CSV_MAX_RELAYS + 1);
	snprintf(line, sizeof(line), "2001:db8:1::31,00:01:02,3600,1767229200,1,1800,0,1,128,0,0,,,0,%s,0,0,0", ctx);
	parse_warned(&p, line, &c, "user_context: relay-info has 9 relays, not 1 to 8");
	assert_bytes(c.binding.relay_info, NULL);
}

/* ---- warnings: the lease is kept without what could not be read ---- */

static void test_v4_user_context_warnings(void **state)
{
	static const struct {
		const char *context;
		const char *warning;
	} cases[] = {
		{ "[ 1&#x2c 2 ]", "user_context: not a JSON object" },
		{ "{ \"ISC\": 5 }", "user_context: ISC is not an object" },
		{ "{ \"ISC\": { \"relay-agent-info\": 5 } }",
		  "user_context: relay-agent-info is not a string" },
		{ "{ \"ISC\": { \"relay-agent-info\": \"0x01zz\" } }",
		  "user_context: relay-agent-info is not hex" },
		{ "{ \"ISC\": { \"relay-agent-info\": { \"sub-options\": \"xyz\" } } }",
		  "user_context: relay-agent-info sub-options is not hex" },
		{ "{ \"ISC\": { \"relay-agent-info\": { \"sub-options\": 7 } } }",
		  "user_context: relay-agent-info sub-options is not a string" },
		{ "{ \"ISC\": { \"relay-agent-info\": \"0x0105AABB\" } }",
		  "user_context: relay data dropped: sub-option overruns option" },
	};
	struct lq_kea_csv p;
	struct lq_binding_change c;
	char line[512];
	(void)state;

	header(&p, H4_KEA3);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line), "192.0.2.70,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0,%s,0",
			 cases[i].context);
		parse_warned(&p, line, &c, cases[i].warning);
		assert_int_equal(c.op, LQ_CHANGE_UPSERT);
		assert_key(&c.binding, 4, "::ffff:192.0.2.70", 32);
		assert_bytes(c.binding.relay_info, NULL);
		assert_bytes(c.binding.circuit_id, NULL);
	}

	/* not JSON at all: jansson's reason after "user_context: " */
	{
		static const char not_json[] =
			"192.0.2.71,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0,{ \"ISC\": ,0";
		assert_int_equal(lq_kea_csv_line(&p, not_json, strlen(not_json), &c, NULL, 0), 1);
		assert_true(strncmp(p.warning, "user_context: ", 14) == 0);
		assert_true(strlen(p.warning) > 14);
		assert_key(&c.binding, 4, "::ffff:192.0.2.71", 32);
	}

	/* relay data longer than the binding keeps */
	{
		char big[2 * LQ_BINDING_MAX_RELAY + 200];
		size_t n = (size_t)snprintf(big, sizeof(big), "192.0.2.72,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0,"
					    "{ \"ISC\": { \"relay-agent-info\": \"0x");
		for (unsigned i = 0; i <= LQ_BINDING_MAX_RELAY; i++)
			n += (size_t)snprintf(big + n, sizeof(big) - n, "00");
		snprintf(big + n, sizeof(big) - n, "\" } },0");
		parse_warned(&p, big, &c, "user_context: relay-agent-info is longer than 4096 octets");
	}
}

static void test_v6_user_context_warnings(void **state)
{
	static const struct {
		const char *context;
		const char *warning;
	} cases[] = {
		{ "{ \"ISC\": { \"relay-info\": 1 } }", "user_context: relay-info is not a list" },
		{ "{ \"ISC\": { \"relay-info\": [ ] } }",
		  "user_context: relay-info has 0 relays, not 1 to 8" },
		{ "{ \"ISC\": { \"relay-info\": [ 3 ] } }", "user_context: relay-info[0] is not an object" },
		{ "{ \"ISC\": { \"relay-info\": [ { \"link\": \"::\"&#x2c \"peer\": \"::\" } ] } }",
		  "user_context: relay-info[0]: hop is not a number 0-255" },
		{ "{ \"ISC\": { \"relay-info\": [ { \"hop\": 256&#x2c \"link\": \"::\"&#x2c \"peer\": \"::\" } ] } }",
		  "user_context: relay-info[0]: hop is not a number 0-255" },
		{ "{ \"ISC\": { \"relay-info\": [ { \"hop\": 1&#x2c \"link\": \"::\"&#x2c \"peer\": \"::\" }&#x2c "
		  "{ \"hop\": 0&#x2c \"link\": \"10.0.0.1\"&#x2c \"peer\": \"::\" } ] } }",
		  "user_context: relay-info[1]: link is not an IPv6 address" },
		{ "{ \"ISC\": { \"relay-info\": [ { \"hop\": 0&#x2c \"link\": \"::\" } ] } }",
		  "user_context: relay-info[0]: peer is not an IPv6 address" },
		{ "{ \"ISC\": { \"relay-info\": [ { \"hop\": 0&#x2c \"link\": \"::\"&#x2c \"peer\": \"::\"&#x2c "
		  "\"options\": \"0xqq\" } ] } }",
		  "user_context: relay-info[0] options is not hex" },
		{ "{ \"ISC\": { \"relay-info\": [ { \"hop\": 0&#x2c \"link\": \"::\"&#x2c \"peer\": \"::\"&#x2c "
		  "\"options\": \"0x00120005AA\" } ] } }",
		  "user_context: relay data dropped: option overruns message" },
	};
	struct lq_kea_csv p;
	struct lq_binding_change c;
	char line[700];
	(void)state;

	header(&p, H6_KEA3);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line), "2001:db8:1::40,00:01:02,3600,1767229200,1,1800,0,1,128,0,0,,,0,%s,0,0,0",
			 cases[i].context);
		parse_warned(&p, line, &c, cases[i].warning);
		assert_int_equal(c.op, LQ_CHANGE_UPSERT);
		assert_key(&c.binding, 6, "2001:db8:1::40", 128);
		assert_bytes(c.binding.relay_info, NULL);
		assert_ip6(c.binding.relay_peer, "::");
	}
}

static void test_v6_hwaddr_warnings(void **state)
{
	static const struct {
		const char *columns;    /* hwaddr,state,user_context,hwtype,hwaddr_source */
		const char *warning;
	} cases[] = {
		{ "0a:zz,0,,1,0", "column hwaddr: not hex, dropped" },
		{ "00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10,0,,1,0",
		  "column hwaddr: longer than 16 octets, dropped" },
		{ "0a:0b,0,,x,0", "column hwtype: not a hardware type, hwaddr dropped" },
		{ "0a:0b,0,,256,0", "column hwtype: not a hardware type, hwaddr dropped" },
		{ "0a:0b,0,,1,y", "column hwaddr_source: not a number, hwaddr dropped" },
	};
	struct lq_kea_csv p;
	struct lq_binding_change c;
	char line[300];
	(void)state;

	header(&p, H6_KEA3);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line), "2001:db8:1::50,00:01:02,3600,1767229200,1,1800,0,1,128,0,0,,%s,0",
			 cases[i].columns);
		parse_warned(&p, line, &c, cases[i].warning);
		assert_bytes(c.binding.hwaddr, NULL);
		assert_int_equal(c.binding.htype, 0);
	}
}

/* ---- bad lines: one for every reason ---- */

#define V4_TAIL ",3600,1767229200,1,0,0,,0,,0"

static void test_v4_bad_lines(void **state)
{
	static const struct {
		const char *line;
		const char *reason;
	} cases[] = {
		{ "192.0.2.300,08:00:27:a1:b2:c3," V4_TAIL, "column address: not an IPv4 address" },
		{ "2001:db8::1,08:00:27:a1:b2:c3," V4_TAIL, "column address: not an IPv4 address" },
		{ ",08:00:27:a1:b2:c3," V4_TAIL, "column address: not an IPv4 address" },
		{ "192.0.2.1 ,08:00:27:a1:b2:c3," V4_TAIL, "column address: not an IPv4 address" },
		{ "192.0.2.1111111111111111111111111111111111111111111111,08:00:27:a1:b2:c3," V4_TAIL,
		  "column address: not an IPv4 address" },
		{ "192.0.2.1,08:00:27:zz," V4_TAIL, "column hwaddr: not hex" },
		{ "192.0.2.1,08::27," V4_TAIL, "column hwaddr: not hex" },
		{ "192.0.2.1,08:00:," V4_TAIL, "column hwaddr: not hex" },
		{ "192.0.2.1,080:00," V4_TAIL, "column hwaddr: not hex" },
		{ "192.0.2.1,0x," V4_TAIL, "column hwaddr: not hex" },
		{ "192.0.2.1,00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10," V4_TAIL,
		  "column hwaddr: longer than 16 octets" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,01:g0" V4_TAIL, "column client_id: not hex" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,,1767229200,1,0,0,,0,,0", "column valid_lifetime: empty" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,36x0,1767229200,1,0,0,,0,,0",
		  "column valid_lifetime: not a number" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,-1,1767229200,1,0,0,,0,,0",
		  "column valid_lifetime: not a number" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,4294967296,1767229200,1,0,0,,0,,0",
		  "column valid_lifetime: out of range" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,3600,,1,0,0,,0,,0", "column expire: empty" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,3600,9223372036854775808,1,0,0,,0,,0",
		  "column expire: out of range" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,3600,99999999999999999999999,1,0,0,,0,,0",
		  "column expire: out of range" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,3600,100,1,0,0,,0,,0",
		  "column expire: earlier than valid_lifetime" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,3600,1767229200,a,0,0,,0,,0",
		  "column subnet_id: not a number" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,3600,1767229200,1,yes,0,,0,,0",
		  "column fqdn_fwd: not a boolean" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,3600,1767229200,1,0,,,0,,0",
		  "column fqdn_rev: not a boolean" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,9,,0", "column state: unknown state 9" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,x,,0", "column state: not a number" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0,,p", "column pool_id: not a number" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0,,99999999999",
		  "column pool_id: out of range" },
		{ "192.0.2.1,,,3600,1767229200,1,0,0,,0,,0", "row: no hwaddr and no client_id" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0,,0,extra",
		  "row has more than the header's 12 columns" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,,3600,1767229200",
		  "row has 5 columns, needs at least 9" },
		{ "192.0.2.1", "row has 1 columns, needs at least 9" },
		{ "address,hwaddr", "header: missing column client_id" },
	};
	struct lq_kea_csv p;
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		header(&p, H4_KEA3);
		assert_bad(&p, cases[i].line, cases[i].reason);
	}
}

static void test_v4_bad_long_values(void **state)
{
	struct lq_kea_csv p;
	char line[1400];
	size_t n;
	(void)state;

	header(&p, H4_KEA3);
	/* client id of 256 octets */
	n = (size_t)snprintf(line, sizeof(line), "192.0.2.1,08:00:27:a1:b2:c3,");
	for (unsigned i = 0; i < 256; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s01", i > 0 ? ":" : "");
	snprintf(line + n, sizeof(line) - n, V4_TAIL);
	assert_bad(&p, line, "column client_id: longer than 255 octets");

	/* hostname of 256 octets once unescaped (255 is fine) */
	n = (size_t)snprintf(line, sizeof(line), "192.0.2.1,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,");
	for (unsigned i = 0; i < 255; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "&#x2c");
	snprintf(line + n, sizeof(line) - n, ",0,,0");
	{
		struct lq_binding_change c;
		parse(&p, line, &c);
		assert_int_equal(c.binding.hostname.len, 255);
		assert_int_equal(c.binding.hostname.data[254], ',');
	}
	snprintf(line + n, sizeof(line) - n, "x,0,,0");
	assert_bad(&p, line, "column hostname: longer than 255 octets");
}

#define V6_HEAD "2001:db8:1::1,00:01:02,3600,1767229200,1,1800,"

static void test_v6_bad_lines(void **state)
{
	static const struct {
		const char *line;
		const char *reason;
	} cases[] = {
		{ "192.0.2.1,00:01:02,3600,1767229200,1,1800,0,1,128,0,0,,,0,,0,0,0",
		  "column address: not an IPv6 address" },
		{ "2001:db8::g,00:01:02,3600,1767229200,1,1800,0,1,128,0,0,,,0,,0,0,0",
		  "column address: not an IPv6 address" },
		{ "2001:db8:1::1,,3600,1767229200,1,1800,0,1,128,0,0,,,0,,0,0,0", "column duid: empty" },
		{ "2001:db8:1::1,0g,3600,1767229200,1,1800,0,1,128,0,0,,,0,,0,0,0", "column duid: not hex" },
		{ "2001:db8:1::1,00:00:00,3600,1767229200,1,1800,0,1,128,0,0,,,0,,0,0,0",
		  "column duid: empty DUID on a lease not declined" },
		{ "2001:db8:1::1,00:01:02,3600,1767229200,1,x,0,1,128,0,0,,,0,,0,0,0",
		  "column pref_lifetime: not a number" },
		{ V6_HEAD "3,1,128,0,0,,,0,,0,0,0", "column lease_type: unknown lease type 3" },
		{ V6_HEAD ",1,128,0,0,,,0,,0,0,0", "column lease_type: empty" },
		{ V6_HEAD "0,4294967296,128,0,0,,,0,,0,0,0", "column iaid: out of range" },
		{ V6_HEAD "2,1,129,0,0,,,0,,0,0,0", "column prefix_len: out of range" },
		{ V6_HEAD "2,1,0,0,0,,,0,,0,0,0", "column prefix_len: out of range" },
		{ V6_HEAD "2,1,,0,0,,,0,,0,0,0", "column prefix_len: empty" },
		{ V6_HEAD "0,1,128,2,0,,,0,,0,0,0", "column fqdn_fwd: not a boolean" },
		{ V6_HEAD "0,1,128,0,0,,,5,,0,0,0", "column state: unknown state 5" },
		{ "2001:db8:1::1,00:01:02,3600,1767229200,1,1800,0,1,128,0,0",
		  "row has 11 columns, needs at least 12" },
		{ V6_HEAD "0,1,128,0,0,,,0,,0,0,0,0", "row has more than the header's 18 columns" },
	};
	struct lq_kea_csv p;
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		header(&p, H6_KEA3);
		assert_bad(&p, cases[i].line, cases[i].reason);
	}
}

static void test_bad_headers(void **state)
{
	static const struct {
		const char *header;
		const char *reason;
	} cases[] = {
		{ "address,hwaddr,client_id,valid_lifetime,subnet_id,fqdn_fwd,fqdn_rev,hostname",
		  "header: missing column expire" },
		{ "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,fqdn_fwd,"
		  "fqdn_rev,hostname", "header: missing column prefix_len" },
		{ H4_KEA3 ",expire", "header: column expire twice" },
		{ "address,,hwaddr", "header: column 2 has no name" },
		{ "", "header: column 1 has no name" },
		{ "192.0.2.1,08:00:27:a1:b2:c3,3600", "header: missing column address" },
	};
	struct lq_kea_csv p;
	struct lq_binding_change c;
	char why[128], many[1024];
	size_t n = 0;
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		lq_kea_csv_init(&p);
		why[0] = '\0';
		assert_int_equal(lq_kea_csv_header(&p, cases[i].header, strlen(cases[i].header), why,
						   sizeof(why)), -1);
		assert_string_equal(why, cases[i].reason);
		assert_int_equal(p.family, 0);
	}

	for (unsigned i = 0; i <= LQ_KEA_CSV_MAX_COLUMNS; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%sc%u", i > 0 ? "," : "", i);
	assert_int_equal(lq_kea_csv_header(&p, many, n, why, sizeof(why)), -1);
	assert_string_equal(why, "header: more than 64 columns");

	/* rows before a header, and after a refused one */
	lq_kea_csv_init(&p);
	assert_bad(&p, "192.0.2.1,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0,,0", "no header");
	assert_int_equal(lq_kea_csv_header(&p, "address,x", 9, NULL, 0), -1);
	assert_bad(&p, "192.0.2.1,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0,,0", "no header");
	/* no room for a reason: still refused */
	assert_int_equal(lq_kea_csv_line(&p, "x", 1, &c, NULL, 0), -1);
}

static void test_column_names(void **state)
{
	(void)state;

	assert_string_equal(lq_kea_csv_column_name(LQ_KEA_COL_ADDRESS), "address");
	assert_string_equal(lq_kea_csv_column_name(LQ_KEA_COL_VALID_LIFETIME), "valid_lifetime");
	assert_string_equal(lq_kea_csv_column_name(LQ_KEA_COL_HWADDR_SOURCE), "hwaddr_source");
	assert_string_equal(lq_kea_csv_column_name(LQ_KEA_COL_POOL_ID), "pool_id");
	assert_string_equal(lq_kea_csv_column_name(LQ_KEA_COL__COUNT), "unknown");
}

/* A whole Kea 3.x v4 file as Kea appends to it: a lease granted, renewed,
 * released, and another deleted; what a reader would replay. */
static void test_v4_file_replay(void **state)
{
	static const char file[] =
		H4_KEA3 "\n"
		"192.0.2.100,08:00:27:00:00:01,01:08:00:27:00:00:01,3600,1767229200,1,0,0,a,0,,0\n"
		"192.0.2.101,08:00:27:00:00:02,,3600,1767229200,1,0,0,b,0,,0\n"
		"192.0.2.100,08:00:27:00:00:01,01:08:00:27:00:00:01,3600,1767231000,1,0,0,a,0,,0\n"
		"\n"
		"192.0.2.100,08:00:27:00:00:01,01:08:00:27:00:00:01,0,1767227400,1,0,0,a,3,,0\n"
		"192.0.2.101,08:00:27:00:00:02,,0,1767226000,1,0,0,b,0,,0\n";
	static const struct {
		int rc;
		int op;
		int64_t cltt;
	} want[] = {
		{ 0, 0, 0 },
		{ 1, LQ_CHANGE_UPSERT, CLTT },
		{ 1, LQ_CHANGE_UPSERT, CLTT },
		{ 1, LQ_CHANGE_UPSERT, CLTT + 1800 },
		{ 0, 0, 0 },
		{ 1, LQ_CHANGE_DELETE, CLTT + 1800 },
		{ 1, LQ_CHANGE_DELETE, CLTT + 400 },
	};
	struct lq_kea_csv p;
	struct lq_binding_change c;
	char why[128];
	const char *s = file;
	size_t i = 0;
	(void)state;

	lq_kea_csv_init(&p);
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t len = (size_t)(nl - s);
		int rc = lq_kea_csv_line(&p, s, len, &c, why, sizeof(why));
		assert_true(i < sizeof(want) / sizeof(want[0]));
		assert_int_equal(rc, want[i].rc);
		if (rc == 1) {
			assert_int_equal(c.op, want[i].op);
			assert_int_equal(c.binding.cltt, want[i].cltt);
		}
		s = nl + 1;
		i++;
	}
	assert_int_equal(i, sizeof(want) / sizeof(want[0]));
}


/* ---- the user_context JSON reader ---- */

static void ref_list(const json_t *list, struct kj_relay_list *out)
{
	ref_value(list, &out->list);
	out->kept = 0;
	for (size_t i = 0; json_is_array(list) && i < json_array_size(list) && i < LQ_KEA_CSV_MAX_RELAYS; i++) {
		const json_t *e = json_array_get(list, i);
		struct kj_relay *r = &out->relay[i];
		ref_value(e, &r->entry);
		ref_value(json_is_object(e) ? json_object_get(e, "hop") : NULL, &r->hop);
		ref_value(json_is_object(e) ? json_object_get(e, "link") : NULL, &r->link);
		ref_value(json_is_object(e) ? json_object_get(e, "peer") : NULL, &r->peer);
		ref_value(json_is_object(e) ? json_object_get(e, "options") : NULL, &r->options);
		out->kept = i + 1;
	}
}

static void ref_extract(const json_t *root, struct kj_extended_info *x)
{
	const json_t *isc = json_is_object(root) ? json_object_get(root, "ISC") : NULL;
	const json_t *rai = json_is_object(isc) ? json_object_get(isc, "relay-agent-info") : NULL;

	x->root_type = json_is_object(root) ? KJ_OBJECT : KJ_ARRAY;
	ref_value(isc, &x->isc);
	ref_value(rai, &x->rai);
	ref_value(json_is_object(rai) ? json_object_get(rai, "sub-options") : NULL, &x->sub_options);
	ref_list(json_is_object(isc) ? json_object_get(isc, "relay-info") : NULL, &x->relay_info);
	ref_list(json_is_object(isc) ? json_object_get(isc, "relays") : NULL, &x->relays);
}

static bool same_value(const struct kj_value *a, const struct kj_value *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == KJ_STRING)
		return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
	if (a->type == KJ_INTEGER)
		return a->integer == b->integer;
	if (a->type == KJ_ARRAY)
		return a->count == b->count;
	return true;
}

static bool same_list(const struct kj_relay_list *a, const struct kj_relay_list *b)
{
	if (!same_value(&a->list, &b->list) || a->kept != b->kept)
		return false;
	for (size_t i = 0; i < a->kept; i++) {
		const struct kj_relay *x = &a->relay[i], *y = &b->relay[i];
		if (!same_value(&x->entry, &y->entry) || !same_value(&x->hop, &y->hop) ||
		    !same_value(&x->link, &y->link) || !same_value(&x->peer, &y->peer) ||
		    !same_value(&x->options, &y->options))
			return false;
	}
	return true;
}

/* Read text with both; they must agree on whether it is JSON and on every
 * value found. Returns whether it was JSON. */
static bool agree_with_jansson(const char *text, size_t len)
{
	char *copy = malloc(len + 1);
	struct kj_extended_info got, want;
	char error[KJ_ERROR_LEN];
	json_error_t jerr;

	assert_non_null(copy);
	memcpy(copy, text, len);
	int rc = kj_read_extended_info(copy, len, &got, error);
	json_t *root = json_loadb(text, len, 0, &jerr);
	if ((rc == 0) != (root != NULL))
		fail_msg("JSON reader says %s, jansson %s, on: %.*s", rc == 0 ? "JSON" : error,
			 root != NULL ? "JSON" : jerr.text, (int)len, text);
	if (root != NULL) {
		ref_extract(root, &want);
		if (got.root_type != want.root_type || !same_value(&got.isc, &want.isc) ||
		    !same_value(&got.rai, &want.rai) || !same_value(&got.sub_options, &want.sub_options) ||
		    !same_list(&got.relay_info, &want.relay_info) || !same_list(&got.relays, &want.relays))
			fail_msg("values differ from jansson's on: %.*s", (int)len, text);
		json_decref(root);
	}
	free(copy);
	return rc == 0;
}

static const char json_relay_chain[] = "{ \"ISC\": { \"relay-info\": [ { \"hop\": 1, \"link\": \"2001:db8:ffff::1\", "
	"\"options\": \"0x0035000A00030001AABBCCDDEE01\", \"peer\": \"2001:db8:ffff::2\" }, { \"hop\": 0, "
	"\"link\": \"2001:db8:1::1\", \"options\": \"0x0012000867652D302F302F31\", \"peer\": \"fe80::1\" } ] } }";
static const char json_rai_new[] = "{ \"ISC\": { \"relay-agent-info\": { \"relay-id\": \"C0000201\", \"remote-id\": "
	"\"72656D6F74652D3031\", \"sub-options\": \"0x0106657468302F31020972656D6F74652D30310C04C0000201\" } } }";

static const char *const json_samples[] = {
	json_rai_new,
	"{ \"ISC\": { \"relay-agent-info\": \"0x0104AABBCCDD\" } }",
	json_relay_chain,
	"{ \"ISC\": { \"relays\": [ { \"hop\": 0, \"link\": \"2001:db8:1::2\", \"peer\": \"2001:db8:1::2\" } ] } }",
	/* a key twice: the last value counts, at every level */
	"{\"ISC\":{\"relay-agent-info\":\"0x01\"},\"ISC\":{\"relays\":[{\"hop\":2,\"hop\":3}]}}",
	"{\"ISC\":{\"relay-agent-info\":{\"sub-options\":\"0x01\"},\"relay-agent-info\":\"0x02\"}}",
	"{\"ISC\":{\"relay-info\":[1,2],\"relays\":[{}],\"relay-info\":{\"a\":[]}}}",
	/* escapes, Unicode, other user data */
	"{\"\\u0049SC\":{\"relay-agent-info\":\"0x\\u0030\\u0031\"},\"x\\\"\\\\\\/\\b\\f\\n\\r\\t\":[]}",
	"{\"comment\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \\ud83d\\ude00 \\u00e9\",\"ISC\":{}}",
	"[ { \"ISC\": { \"relay-agent-info\": \"0x01\" } } ]",
	"{\"n\":[-0,0,-1,1.5,-2.5e10,3E-2,1e+2,9223372036854775807,-9223372036854775808,true,false,null]}",
	"{\"ISC\":{\"relay-info\":[{\"hop\":-1},{\"hop\":1.0},{\"hop\":\"1\"},null,[],{\"hop\":255}]}}",
	" \t\r\n{ } \n",
	"{\"ISC\":{\"relay-info\":[{},{},{},{},{},{},{},{},{\"hop\":9},{}]}}",
	/* not JSON */
	"", " ", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{1:2}",
	"{\"a\":01}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":.5}", "{\"a\":+1}",
	"{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\ud800\"}",
	"{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\x01\"}",
	"{\"a\":\"\xc3\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xf4\x90\x80\x80\"}",
	"{\"a\":\"\xff\"}", "{\"a\":9223372036854775808}", "{\"a\":-9223372036854775809}",
	"{} {}", "{}x", "\"ISC\"", "5", "null", "{\"a\":[1 2]}", "{\"a\":\"unterminated",
};

static void test_json_reader_agrees_with_jansson(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(json_samples) / sizeof(json_samples[0]); i++)
		agree_with_jansson(json_samples[i], strlen(json_samples[i]));
}

/* Every prefix of the samples, and a deterministic mutation loop over them:
 * replaced, inserted and removed octets from an alphabet of JSON syntax. */
static void test_json_reader_mutations(void **state)
{
	static const char alphabet[] = "{}[]\",:\\ 0123456789-+.eEtrufalsnISCu\x80\xc3\xa9\xed\xff\x01";
	char buf[512];
	uint32_t seed = 12345;
	unsigned accepted = 0;
	(void)state;

	for (size_t i = 0; i < sizeof(json_samples) / sizeof(json_samples[0]); i++) {
		for (size_t n = 0; n < strlen(json_samples[i]); n++)
			agree_with_jansson(json_samples[i], n);
	}
	for (unsigned round = 0; round < 60000; round++) {
		const char *base = json_samples[round % 14];
		size_t len = strlen(base);
		memcpy(buf, base, len + 1);
		for (int edits = 0; edits < 1 + (int)(round % 3); edits++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % (len + 1);
			char c = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
			switch ((seed >> 4) % 3) {
			case 0:
				if (at < len)
					buf[at] = c;
				break;
			case 1:
				if (len + 1 < sizeof(buf)) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = c;
					len++;
				}
				break;
			default:
				if (at < len) {
					memmove(buf + at, buf + at + 1, len - at - 1);
					len--;
				}
				break;
			}
		}
		accepted += agree_with_jansson(buf, len);
	}
	assert_true(accepted > 1000);   /* the loop reaches the value checks */
}

/* Nesting beyond KJ_MAX_DEPTH is refused, up to it read. */
static void test_json_reader_depth(void **state)
{
	char text[2 * KJ_MAX_DEPTH + 8];
	struct kj_extended_info x;
	char error[KJ_ERROR_LEN];
	(void)state;

	for (int depth = KJ_MAX_DEPTH; depth <= KJ_MAX_DEPTH + 1; depth++) {
		memset(text, '[', (size_t)depth);
		memset(text + depth, ']', (size_t)depth);
		int rc = kj_read_extended_info(text, 2 * (size_t)depth, &x, error);
		if (depth <= KJ_MAX_DEPTH) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(error, "nested too deeply"));
		}
	}
}

/* Through the row parser: what the reader finds becomes the relay data. */
static void test_user_context_json_forms(void **state)
{
	struct lq_kea_csv p;
	struct lq_binding_change c;
	char line[6000];
	(void)state;

	header(&p, H4_KEA3);
	/* the last ISC counts; an escaped key is the same key */
	parse(&p, "192.0.2.80,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0,{ \"ISC\": 1&#x2c "
		  "\"\\u0049SC\": { \"relay-agent-info\": \"0x0104AABBCCDD\" } },0", &c);
	assert_bytes(c.binding.relay_info, "0104AABBCCDD");
	/* Kea's escaping inside JSON strings: &#x2c is a comma of the text */
	parse(&p, "192.0.2.81,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0,{ \"note\": \"a&#x2cb\"&#x2c "
		  "\"ISC\": { \"relay-agent-info\": \"0x0104AABBCCDD\" } },0", &c);
	assert_bytes(c.binding.relay_info, "0104AABBCCDD");
	/* a user_context longer than the reader's stack buffer */
	size_t n = (size_t)snprintf(line, sizeof(line), "192.0.2.82,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0,"
				    "{ \"pad\": \"");
	for (int i = 0; i < 4000; i++)
		line[n++] = 'x';
	snprintf(line + n, sizeof(line) - n, "\"&#x2c \"ISC\": { \"relay-agent-info\": \"0x0104AABBCCDD\" } },0");
	parse(&p, line, &c);
	assert_bytes(c.binding.relay_info, "0104AABBCCDD");
	assert_bytes(c.binding.circuit_id, "AABBCCDD");
	/* not JSON: the lease stays, without relay data, with the reason */
	parse_warned(&p, "192.0.2.83,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0,{ \"ISC\": { } } x,0", &c,
		     "user_context: not JSON: text after the JSON value at octet 15");
	assert_bytes(c.binding.relay_info, NULL);
	parse_warned(&p, "192.0.2.84,08:00:27:a1:b2:c3,,3600,1767229200,1,0,0,,0,{ \"ISC\": \"&#x01\" },0", &c,
		     "user_context: not JSON: control character in a string at octet 10");

	header(&p, H6_KEA3);
	/* "relay-info" wins over the older "relays" */
	parse(&p, "2001:db8:1::50,00:01:02,3600,1767229200,1,1800,0,1,128,0,0,,,0,{ \"ISC\": { \"relays\": 7&#x2c "
		  "\"relay-info\": [ { \"hop\": 0&#x2c \"link\": \"2001:db8:1::1\"&#x2c \"peer\": \"fe80::9\" } ] } },0,0,0",
	      &c);
	assert_ip6(c.binding.link_address, "2001:db8:1::1");
	assert_ip6(c.binding.relay_peer, "fe80::9");
	/* a hop that is not an integer */
	parse_warned(&p, "2001:db8:1::51,00:01:02,3600,1767229200,1,1800,0,1,128,0,0,,,0,{ \"ISC\": { \"relays\": "
		     "[ { \"hop\": 1.0&#x2c \"link\": \"::\"&#x2c \"peer\": \"::\" } ] } },0,0,0", &c,
		     "user_context: relay-info[0]: hop is not a number 0-255");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_kea3_active_with_extended_info),
		cmocka_unit_test(test_v4_old_relay_agent_info_form),
		cmocka_unit_test(test_v4_states),
		cmocka_unit_test(test_v4_deletion),
		cmocka_unit_test(test_v4_infinite_lifetime),
		cmocka_unit_test(test_v4_escaped_hostname),
		cmocka_unit_test(test_v4_user_context_without_extended_info),
		cmocka_unit_test(test_v4_kea2_and_kea1_columns),
		cmocka_unit_test(test_v4_columns_in_another_order),
		cmocka_unit_test(test_v4_hex_forms),
		cmocka_unit_test(test_crlf_and_blank_lines),
		cmocka_unit_test(test_header_line_switches_file),
		cmocka_unit_test(test_v6_kea3_na_with_relay_chain),
		cmocka_unit_test(test_v6_prefix_and_temporary),
		cmocka_unit_test(test_v6_states),
		cmocka_unit_test(test_v6_deletion_and_infinite),
		cmocka_unit_test(test_v6_kea2_and_kea1_columns),
		cmocka_unit_test(test_v6_columns_in_another_order),
		cmocka_unit_test(test_v6_relay_count_limit),
		cmocka_unit_test(test_v4_user_context_warnings),
		cmocka_unit_test(test_v6_user_context_warnings),
		cmocka_unit_test(test_v6_hwaddr_warnings),
		cmocka_unit_test(test_v4_bad_lines),
		cmocka_unit_test(test_v4_bad_long_values),
		cmocka_unit_test(test_v6_bad_lines),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_column_names),
		cmocka_unit_test(test_v4_file_replay),
		cmocka_unit_test(test_json_reader_agrees_with_jansson),
		cmocka_unit_test(test_json_reader_mutations),
		cmocka_unit_test(test_json_reader_depth),
		cmocka_unit_test(test_user_context_json_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
