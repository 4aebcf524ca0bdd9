/* test_dhcpd_leases.c - unit tests of the ISC dhcpd lease file parser:
 * realistic dhcpd.leases and dhcpd6.leases files (as dhcpd 4.4 writes them),
 * every field mapped, every state, date forms, string escapes, later blocks
 * replacing earlier ones, each refusal reason with its line number, chunking
 * independence, and bounded memory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lq/dhcpd_leases.h"
#include "lq/lqtime.h"

/* ------------------------------------------------------------------------
 * Recording what the parser reports
 * ------------------------------------------------------------------------ */

#define MAX_RECORDS 64
#define ARENA 2048

struct record {
	struct lq_binding b;
	uint8_t op;
	uint8_t arena[ARENA];
	size_t used;
};

struct recorder {
	size_t n_changes;
	size_t n_errors;
	struct record changes[MAX_RECORDS];
	struct lq_dhcpd_leases_error errors[MAX_RECORDS];
};

static void own(struct record *r, lq_bytes *v)
{
	if (v->data == NULL)
		return;
	assert_true(r->used + v->len <= ARENA);
	memcpy(r->arena + r->used, v->data, v->len);
	v->data = r->arena + r->used;
	r->used += v->len;
}

static void on_change(void *ctx, const struct lq_binding_change *c)
{
	struct recorder *rec = ctx;
	struct record *r;

	assert_true(rec->n_changes < MAX_RECORDS);
	r = &rec->changes[rec->n_changes++];
	r->op = c->op;
	r->b = c->binding;
	r->used = 0;
	own(r, &r->b.hwaddr);
	own(r, &r->b.client_id);
	own(r, &r->b.relay_info);
	own(r, &r->b.circuit_id);
	own(r, &r->b.remote_id);
	own(r, &r->b.relay_id);
	own(r, &r->b.vendor_class);
	own(r, &r->b.hostname);
	own(r, &r->b.vpn_id);
}

static void on_error(void *ctx, const struct lq_dhcpd_leases_error *e)
{
	struct recorder *rec = ctx;

	assert_true(rec->n_errors < MAX_RECORDS);
	rec->errors[rec->n_errors++] = *e;
}

struct fixture {
	struct lq_dhcpd_leases parser;
	struct recorder rec;
};

static struct fixture *fixture_new(int family)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(lq_dhcpd_leases_init(&f->parser, family), LQ_OK);
	return f;
}

/* Feed text in chunks of the given size (0: all at once), then finish. */
static bool feed_chunked(struct fixture *f, const char *text, size_t chunk)
{
	size_t len = strlen(text);

	if (chunk == 0)
		chunk = len;
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		lq_dhcpd_leases_feed(&f->parser, text + off, n, on_change, on_error, &f->rec);
	}
	return lq_dhcpd_leases_finish(&f->parser, on_error, &f->rec);
}

static struct fixture *parse_text(int family, const char *text)
{
	struct fixture *f = fixture_new(family);

	(void)feed_chunked(f, text, 0);
	return f;
}

static const struct lq_binding *change_at(const struct fixture *f, size_t i)
{
	assert_true(i < f->rec.n_changes);
	assert_int_equal(f->rec.changes[i].op, LQ_CHANGE_UPSERT);
	return &f->rec.changes[i].b;
}

static void assert_bytes(lq_bytes v, const void *expected, size_t len)
{
	assert_non_null(v.data);
	assert_int_equal(v.len, len);
	assert_memory_equal(v.data, expected, len);
}

static void assert_text(lq_bytes v, const char *expected)
{
	assert_bytes(v, expected, strlen(expected));
}

static void assert_v4_key(const struct lq_binding *b, uint8_t a, uint8_t b2, uint8_t c, uint8_t d)
{
	const uint8_t expected[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b2, c, d };

	assert_int_equal(b->key.family, 4);
	assert_int_equal(b->key.prefix_len, 32);
	assert_memory_equal(b->key.addr.b, expected, 16);
	assert_int_equal(b->type, LQ_LEASE_V4);
}

static void assert_v6_key(const struct lq_binding *b, const char *addr, uint8_t plen)
{
	uint8_t expected[16];

	assert_int_equal(inet_pton(AF_INET6, addr, expected), 1);
	assert_int_equal(b->key.family, 6);
	assert_int_equal(b->key.prefix_len, plen);
	assert_memory_equal(b->key.addr.b, expected, 16);
}

static void assert_error(const struct fixture *f, size_t i, uint8_t reason, unsigned long line,
			 unsigned long block_line)
{
	assert_true(i < f->rec.n_errors);
	const struct lq_dhcpd_leases_error *e = &f->rec.errors[i];
	if (e->reason != reason || e->line != line || e->block_line != block_line)
		fail_msg("error %zu: got %s line %lu (block %lu) '%s', expected %s line %lu (block %lu)",
			 i, lq_dhcpd_leases_reason_name(e->reason), e->line, e->block_line, e->message,
			 lq_dhcpd_leases_reason_name(reason), line, block_line);
	assert_true(strlen(e->message) > 0);
}

/* ------------------------------------------------------------------------
 * Sample files
 * ------------------------------------------------------------------------ */

/* Times used below (UTC). */
#define T_0900 1795078800       /* Thu 2026-11-19 09:00:00 */
#define T_1000 1795082400
#define T_1030 1795084200
#define T_1100 1795086000
#define T_1200 1795089600
#define T_1118_2215 1795040100  /* Wed 2026-11-18 22:15:00 */

static const char v4_file[] =
	"# The format of this file is documented in the dhcpd.leases(5) manual page.\n"   /* 1 */
	"# This lease file was written by isc-dhcp-4.4.3-P1\n"
	"\n"
	"# authoring-byte-order entry is generated, DO NOT DELETE\n"
	"authoring-byte-order little-endian;\n"                                            /* 5 */
	"\n"
	"failover peer \"dhcp-failover\" state {\n"
	"  my state normal at 4 2026/11/19 09:00:00;\n"
	"  partner state normal at 4 2026/11/19 09:00:01;\n"
	"}\n"                                                                              /* 10 */
	"\n"
	"lease 10.0.0.5 {\n"
	"  starts 4 2026/11/19 10:00:00;\n"
	"  ends 4 2026/11/19 11:00:00;\n"
	"  tstp 4 2026/11/19 11:30:00;\n"                                                 /* 15 */
	"  tsfp 4 2026/11/19 11:30:00;\n"
	"  atsfp 4 2026/11/19 11:30:00;\n"
	"  cltt 4 2026/11/19 10:00:00;\n"
	"  binding state active;\n"
	"  next binding state free;\n"                                                    /* 20 */
	"  rewind binding state free;\n"
	"  hardware ethernet 00:11:22:33:44:55;\n"
	"  uid \"\\001\\000\\021\\\"3DU\";\n"
	"  set vendor-class-identifier = \"MSFT 5.0\";\n"
	"  option agent.circuit-id \"eth0/1/2:100\";\n"                                   /* 25 */
	"  option agent.remote-id 0:1a:2b:3c:4d:5e;\n"
	"  client-hostname \"laptop-7\";\n"
	"  on expiry {\n"
	"    set ddns-rev-name = \"5.0.0.10.in-addr.arpa.\";\n"
	"  }\n"                                                                            /* 30 */
	"}\n"
	"lease 10.0.0.6 {\n"
	"  starts 3 2026/11/18 22:15:00;\n"
	"  ends 4 2026/11/19 10:30:00;\n"
	"  cltt 3 2026/11/18 22:15:00;\n"                                                 /* 35 */
	"  binding state free;\n"
	"  hardware ethernet 00:aa:bb:cc:dd:ee;\n"
	"  uid 01:00:aa:bb:cc:dd:ee;\n"
	"}\n"
	"lease 10.0.0.7 {\n"                                                               /* 40 */
	"  starts epoch 1795082400; # Thu Nov 19 10:00:00 2026\n"
	"  ends never;\n"
	"  cltt epoch 1795082400; # Thu Nov 19 10:00:00 2026\n"
	"  binding state active;\n"
	"  hardware token-ring 0a:0b:0c:0d:0e:0f;\n"                                      /* 45 */
	"  client-hostname \"printer \\\"lobby\\\"\";\n"
	"  reserved;\n"
	"}\n"
	"lease 10.0.0.5 {\n"
	"  starts 4 2026/11/19 10:00:00;\n"                                               /* 50 */
	"  ends 4 2026/11/19 10:30:00;\n"
	"  cltt 4 2026/11/19 10:30:00;\n"
	"  binding state released;\n"
	"  next binding state free;\n"
	"  hardware ethernet 00:11:22:33:44:55;\n"                                        /* 55 */
	"  uid \"\\001\\000\\021\\\"3DU\";\n"
	"}\n";

static const char v6_file[] =
	"# The format of this file is documented in the dhcpd.leases(5) manual page.\n"   /* 1 */
	"# This lease file was written by isc-dhcp-4.4.3-P1\n"
	"\n"
	"# authoring-byte-order entry is generated, DO NOT DELETE\n"
	"authoring-byte-order little-endian;\n"                                            /* 5 */
	"\n"
	"server-duid \"\\000\\001\\000\\001*\\275\\344\\\"\\010\\000'\\021\\\"3\";\n"
	"\n"
	"ia-na \"\\001\\000\\000\\000\\000\\001\\000\\001\\037\\2757\\300\\000\\021\\\"3DU\" {\n"
	"  cltt 4 2026/11/19 10:00:00;\n"                                                 /* 10 */
	"  iaaddr 2001:db8:1::100 {\n"
	"    binding state active;\n"
	"    preferred-life 3600;\n"
	"    max-life 7200;\n"
	"    ends 4 2026/11/19 12:00:00;\n"                                               /* 15 */
	"    set ddns-fwd-name = \"host1.example.com\";\n"
	"  }\n"
	"  iaaddr 2001:db8:1::101 {\n"
	"    binding state expired;\n"
	"    preferred-life 3600;\n"                                                      /* 20 */
	"    max-life 7200;\n"
	"    ends 4 2026/11/19 09:00:00;\n"
	"  }\n"
	"}\n"
	"\n"                                                                               /* 25 */
	"ia-ta \"\\002\\000\\000\\000\\000\\003\\000\\001\\000\\021\\\"3DU\" {\n"
	"  cltt 4 2026/11/19 10:00:00;\n"
	"  iaaddr 2001:db8:1::dead:beef {\n"
	"    binding state released;\n"
	"    preferred-life 600;\n"                                                       /* 30 */
	"    max-life 1200;\n"
	"    ends 4 2026/11/19 10:30:00;\n"
	"  }\n"
	"}\n"
	"\n"                                                                               /* 35 */
	"ia-pd \"\\003\\000\\000\\000\\000\\001\\000\\001\\037\\2757\\300\\000\\021\\\"3DU\" {\n"
	"  cltt epoch 1795082400; # Thu Nov 19 10:00:00 2026\n"
	"  iaprefix 2001:db8:8000::/56 {\n"
	"    binding state active;\n"
	"    preferred-life 3600;\n"                                                      /* 40 */
	"    max-life 7200;\n"
	"    ends never;\n"
	"    on expiry {\n"
	"      log (info, \"gone\");\n"
	"    }\n"                                                                          /* 45 */
	"  }\n"
	"}\n";

/* What the real dhcpd (4.4.3, Debian isc-dhcp-server) wrote after reading
 * v4_file without its failover block (dhcpd -T keeps the rewritten file
 * when unlink is stubbed); tests/data/dhcpd/dhcpd-rewritten.leases. */
static const char v4_rewritten[] =
	"# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
	"# This lease file was written by isc-dhcp-4.4.3-P1\n"
	"\n"
	"# authoring-byte-order entry is generated, DO NOT DELETE\n"
	"authoring-byte-order little-endian;\n"
	"\n"
	"lease 10.0.0.5 {\n"
	"  starts 4 2026/11/19 10:00:00;\n"
	"  ends 4 2026/11/19 10:30:00;\n"
	"  tstp 4 2026/11/19 10:30:00;\n"
	"  cltt 4 2026/11/19 10:30:00;\n"
	"  binding state free;\n"
	"  rewind binding state released;\n"
	"  hardware ethernet 00:11:22:33:44:55;\n"
	"  uid \"\\001\\000\\021\\\"3DU\";\n"
	"}\n"
	"lease 10.0.0.6 {\n"
	"  starts 3 2026/11/18 22:15:00;\n"
	"  ends 4 2026/11/19 10:30:00;\n"
	"  tstp 4 2026/11/19 10:30:00;\n"
	"  cltt 3 2026/11/18 22:15:00;\n"
	"  binding state free;\n"
	"  hardware ethernet 00:aa:bb:cc:dd:ee;\n"
	"  uid \"\\001\\000\\252\\273\\314\\335\\356\";\n"
	"}\n"
	"lease 10.0.0.7 {\n"
	"  starts 4 2026/11/19 10:00:00;\n"
	"  ends never;\n"
	"  tstp never;\n"
	"  cltt 4 2026/11/19 10:00:00;\n"
	"  binding state active;\n"
	"  reserved;\n"
	"  hardware token-ring 0a:0b:0c:0d:0e:0f;\n"
	"}\n";

/* The same for v6_file: tests/data/dhcpd/dhcpd6-rewritten.leases. */
static const char v6_rewritten[] =
	"# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
	"# This lease file was written by isc-dhcp-4.4.3-P1\n"
	"\n"
	"# authoring-byte-order entry is generated, DO NOT DELETE\n"
	"authoring-byte-order little-endian;\n"
	"\n"
	"server-duid \"\\000\\001\\000\\001*\\275\\344\\\"\\010\\000'\\021\\\"3\";\n"
	"\n"
	"ia-na \"\\001\\000\\000\\000\\000\\001\\000\\001\\037\\2757\\300\\000\\021\\\"3DU\" {\n"
	"  cltt 4 2026/11/19 10:00:00;\n"
	"  iaaddr 2001:db8:1::100 {\n"
	"    binding state active;\n"
	"    preferred-life 3600;\n"
	"    max-life 7200;\n"
	"    ends 4 2026/11/19 12:00:00;\n"
	"    set ddns-fwd-name = \"host1.example.com\";\n"
	"  }\n"
	"}\n"
	"\n"
	"ia-pd \"\\003\\000\\000\\000\\000\\001\\000\\001\\037\\2757\\300\\000\\021\\\"3DU\" {\n"
	"  cltt 4 2026/11/19 10:00:00;\n"
	"  iaprefix 2001:db8:8000::/56 {\n"
	"    binding state active;\n"
	"    preferred-life 3600;\n"
	"    max-life 7200;\n"
	"    ends never;\n"
	"    on expiry {\n"
	"      log (info, \"gone\");\n"
	"    }\n"
	"  }\n"
	"}\n"
	"\n";

static const uint8_t duid_llt[] = { 0x00, 0x01, 0x00, 0x01, 0x1f, 0xbd, 0x37, 0xc0,
				    0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t duid_ll[] = { 0x00, 0x03, 0x00, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

/* ------------------------------------------------------------------------
 * DHCPv4
 * ------------------------------------------------------------------------ */

static void test_v4_file_fields(void **state)
{
	static const uint8_t mac[] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t uid[] = { 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t remote[] = { 0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e };
	static const uint8_t option82[] = {
		1, 12, 'e', 't', 'h', '0', '/', '1', '/', '2', ':', '1', '0', '0',
		2, 6, 0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e,
	};
	struct fixture *f = parse_text(4, v4_file);
	const struct lq_binding *b;

	(void)state;
	assert_int_equal(f->rec.n_errors, 0);
	assert_int_equal(f->rec.n_changes, 4);
	assert_int_equal(f->parser.changes, 4);
	assert_int_equal(f->parser.errors, 0);

	b = change_at(f, 0);
	assert_v4_key(b, 10, 0, 0, 5);
	assert_int_equal(b->state, LQ_STATE_ACTIVE);
	assert_false(b->data_source_remote);
	assert_int_equal(b->htype, 1);
	assert_bytes(b->hwaddr, mac, sizeof(mac));
	assert_bytes(b->client_id, uid, sizeof(uid));
	assert_int_equal(b->cltt, T_1000);
	assert_int_equal(b->expire, T_1100);
	assert_int_equal(b->state_since, T_1000);
	assert_int_equal(b->valid_lifetime, 3600);
	assert_int_equal(b->preferred_lifetime, 0);
	assert_int_equal(b->iaid, 0);
	assert_int_equal(b->subnet_id, 0);
	assert_text(b->vendor_class, "MSFT 5.0");
	assert_text(b->hostname, "laptop-7");
	assert_bytes(b->relay_info, option82, sizeof(option82));
	assert_text(b->circuit_id, "eth0/1/2:100");
	assert_bytes(b->remote_id, remote, sizeof(remote));
	assert_null(b->relay_id.data);
	assert_false(b->has_vpn);

	b = change_at(f, 1);
	assert_v4_key(b, 10, 0, 0, 6);
	assert_int_equal(b->state, LQ_STATE_AVAILABLE);
	assert_int_equal(b->cltt, T_1118_2215);
	assert_int_equal(b->expire, T_1030);
	assert_int_equal(b->state_since, T_1030);
	assert_int_equal(b->valid_lifetime, T_1030 - T_1118_2215);
	assert_bytes(b->hwaddr, "\x00\xaa\xbb\xcc\xdd\xee", 6);
	assert_bytes(b->client_id, "\x01\x00\xaa\xbb\xcc\xdd\xee", 7);
	assert_null(b->hostname.data);
	assert_null(b->vendor_class.data);
	assert_null(b->relay_info.data);
	assert_null(b->circuit_id.data);

	b = change_at(f, 2);
	assert_v4_key(b, 10, 0, 0, 7);
	assert_int_equal(b->state, LQ_STATE_ACTIVE);
	assert_int_equal(b->htype, 6);
	assert_bytes(b->hwaddr, "\x0a\x0b\x0c\x0d\x0e\x0f", 6);
	assert_null(b->client_id.data);
	assert_int_equal(b->cltt, T_1000);
	assert_true(b->expire == LQ_TIME_NEVER);
	assert_int_equal(b->valid_lifetime, LQ_INFINITE_LIFETIME);
	assert_int_equal(b->state_since, T_1000);
	assert_text(b->hostname, "printer \"lobby\"");

	/* the later block for 10.0.0.5 replaces the first: a second UPSERT */
	b = change_at(f, 3);
	assert_v4_key(b, 10, 0, 0, 5);
	assert_int_equal(b->state, LQ_STATE_RELEASED);
	assert_int_equal(b->cltt, T_1030);
	assert_int_equal(b->expire, T_1030);
	assert_int_equal(b->state_since, T_1030);
	assert_int_equal(b->valid_lifetime, 1800);
	assert_bytes(b->client_id, uid, sizeof(uid));
	assert_null(b->relay_info.data);
	assert_null(b->vendor_class.data);
	free(f);
}

/* One lease with the given body lines, parsed alone. */
static struct fixture *parse_v4_lease(const char *body)
{
	char text[1024];

	(void)snprintf(text, sizeof(text), "lease 192.0.2.1 {\n%s}\n", body);
	return parse_text(4, text);
}

static void test_v4_all_states(void **state)
{
	static const struct { const char *name; uint8_t expected; } states[] = {
		{ "free", LQ_STATE_AVAILABLE }, { "active", LQ_STATE_ACTIVE },
		{ "expired", LQ_STATE_EXPIRED }, { "released", LQ_STATE_RELEASED },
		{ "abandoned", LQ_STATE_ABANDONED }, { "reset", LQ_STATE_RESET },
		{ "backup", LQ_STATE_REMOTE }, { "bootp", LQ_STATE_ACTIVE },
		{ "reserved", LQ_STATE_ACTIVE }, { "ACTIVE", LQ_STATE_ACTIVE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		char body[256];
		(void)snprintf(body, sizeof(body),
			       "  starts 4 2026/11/19 10:00:00;\n  ends 4 2026/11/19 11:00:00;\n"
			       "  cltt 4 2026/11/19 09:00:00;\n  binding state %s;\n", states[i].name);
		struct fixture *f = parse_v4_lease(body);
		assert_int_equal(f->rec.n_errors, 0);
		assert_int_equal(f->rec.n_changes, 1);
		const struct lq_binding *b = change_at(f, 0);
		assert_int_equal(b->state, states[i].expected);
		assert_false(b->data_source_remote);
		/* active: since starts; any other state: since ends */
		assert_int_equal(b->state_since, states[i].expected == LQ_STATE_ACTIVE ? T_1000 : T_1100);
		free(f);
	}

	/* the old standalone "abandoned;" statement */
	struct fixture *f = parse_v4_lease("  abandoned;\n");
	assert_int_equal(f->rec.n_errors, 0);
	assert_int_equal(change_at(f, 0)->state, LQ_STATE_ABANDONED);
	assert_int_equal(change_at(f, 0)->expire, 0);
	assert_int_equal(change_at(f, 0)->state_since, 0);
	free(f);
}

static void test_v4_dates(void **state)
{
	static const struct { const char *date; int64_t expected; } dates[] = {
		{ "4 2026/11/19 10:00:00", T_1000 },
		{ "6 2026/02/28 23:59:59", 1772323199 },
		{ "0 2026/03/01 00:00:00", 1772323200 },
		{ "2 2028/02/29 12:00:00", 1835438400 },
		{ "4 1970/01/01 00:00:00", 0 },
		{ "4 2026/11/19 10:00:00 3600", T_1100 },       /* zone offset */
		{ "4 2026/11/19 10:00:00 -3600", T_0900 },
		{ "epoch 1795082400", T_1000 },
		{ "EPOCH 0", 0 },
		{ "never", LQ_TIME_NEVER },
		{ "Never", LQ_TIME_NEVER },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		char body[256];
		(void)snprintf(body, sizeof(body), "  ends %s; # comment ; { \"\n  binding state active;\n",
			       dates[i].date);
		struct fixture *f = parse_v4_lease(body);
		if (f->rec.n_errors != 0)
			fail_msg("%s: %s", dates[i].date, f->rec.errors[0].message);
		assert_true(change_at(f, 0)->expire == dates[i].expected);
		free(f);
	}
}

static void test_v4_bad_dates(void **state)
{
	static const char *const dates[] = {
		"4 2026/13/19 10:00:00", "4 2026/02/29 10:00:00", "4 2026/11/00 10:00:00",
		"4 2026/11/19 24:00:00", "4 2026/11/19 10:60:00", "4 2026/11/19 10:00:61",
		"7 2026/11/19 10:00:00", "x 2026/11/19 10:00:00", "4 2026/11 10:00:00",
		"4 2026/11/19/1 10:00:00", "4 2026/11/19 10:00", "4 1969/12/31 23:59:59",
		"4 2026//19 10:00:00", "epoch", "epoch -5", "epoch 99999999999999999999",
		"4 2026/11/19 10:00:00 99999", "4 2026/11/19 10:00:00 +5", "\"never\"",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		char body[256];
		(void)snprintf(body, sizeof(body), "  binding state active;\n  starts %s;\n", dates[i]);
		struct fixture *f = parse_v4_lease(body);
		if (f->rec.n_errors != 1)
			fail_msg("'%s' was accepted", dates[i]);
		assert_int_equal(f->rec.n_changes, 0);
		assert_error(f, 0, LQ_DHCPD_BAD_DATE, 3, 1);
		free(f);
	}
}

static void test_v4_identifier_forms(void **state)
{
	static const struct { const char *uid; const char *expected; size_t len; } uids[] = {
		{ "\"\\001\\000\\021\\\"3DU\"", "\x01\x00\x11\x22\x33\x44\x55", 7 },
		{ "01:00:11:22:33:44:55", "\x01\x00\x11\x22\x33\x44\x55", 7 },
		{ "1:0:a:B:c", "\x01\x00\x0a\x0b\x0c", 5 },
		{ "\"abc\"", "abc", 3 },
		{ "\"a b\\\\c\"", "a b\\c", 5 },
		{ "\"\\t\\r\\n\\b\"", "\t\r\n\b", 4 },
		{ "\"\\x41\\x4a\\x7\"", "AJ\x07", 3 },
		{ "\"\\0\\01\\377\\q\"", "\x00\x01\xffq", 4 },
		{ "\"\\1234\"", "S4", 2 },
		{ "\"\"", "", 0 },
		{ "\"#{};\"", "#{};", 4 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(uids) / sizeof(uids[0]); i++) {
		char body[256];
		(void)snprintf(body, sizeof(body), "  binding state active;\n  uid %s;\n", uids[i].uid);
		struct fixture *f = parse_v4_lease(body);
		if (f->rec.n_errors != 0)
			fail_msg("%s: %s", uids[i].uid, f->rec.errors[0].message);
		assert_bytes(change_at(f, 0)->client_id, uids[i].expected, uids[i].len);
		free(f);
	}
}

static void test_v4_relay_agent_options(void **state)
{
	/* as received: in the file's order, every sub-option, a repeated one
	 * replaced in place */
	static const uint8_t option82[] = {
		2, 2, 'r', '2',                         /* remote-id, then superseded */
		1, 3, 0x00, 0x01, 0xff,                 /* circuit-id, hex form */
		5, 4, 192, 0, 2, 1,                     /* link-selection */
		6, 3, 's', 'u', 'b',                    /* subscriber-id (unknown-6) */
		12, 4, 0x00, 0x01, 0x02, 0x03,          /* relay-id (unknown-12) */
		4, 4, 0, 0, 0, 5,                       /* DOCSIS-device-class */
		19, 0,                                  /* relay-port, no value */
		9, 5, 0, 0, 0x0d, 0xe9, 0x00,           /* vendor-specific (unknown-9) */
	};
	struct fixture *f = parse_v4_lease(
		"  binding state active;\n"
		"  option agent.remote-id \"r1\";\n"
		"  option agent.circuit-id 0:1:ff;\n"
		"  option agent.link-selection 192.0.2.1;\n"
		"  option agent.unknown-6 \"sub\";\n"
		"  option agent.unknown-12 00:01:02:03;\n"
		"  option agent.DOCSIS-device-class 5;\n"
		"  option agent.relay-port;\n"
		"  option agent.unknown-9 0:0:d:e9:0;\n"
		"  option agent.unknown-999 1;\n"
		"  option domain-name \"example.com\";\n"
		"  supersede agent.remote-id \"r2\";\n");
	const struct lq_binding *b;

	(void)state;
	assert_int_equal(f->rec.n_errors, 0);
	b = change_at(f, 0);
	assert_bytes(b->relay_info, option82, sizeof(option82));
	assert_bytes(b->circuit_id, "\x00\x01\xff", 3);
	assert_text(b->remote_id, "r2");
	assert_bytes(b->relay_id, "\x00\x01\x02\x03", 4);
	free(f);
}

static void test_v4_skipped_statements(void **state)
{
	struct fixture *f = parse_v4_lease(
		"  binding state active;\n"
		"  dynamic-bootp;\n"
		"  billing subclass \"vendor\" \"MSFT 5.0\";\n"
		"  billing class \"cable-modems\";\n"
		"  set ddns-txt = \"31abcdef\";\n"
		"  set ddns-fwd-name = \"host.example.com\";\n"
		"  set flag = true;\n"
		"  set count = %42;\n"
		"  set vendor-class-identifier = 4d:53:46:54;\n"
		"  hostname \"old\";\n"
		"  client-hostname bare-host;\n"
		"  on release {\n    set a = \"}\";\n    if x { y; }\n  }\n"
		"  on commit { log (info, \"x\"); }\n"
		"  future-statement 1 2 { 3; } ;\n"
		"  ;\n");
	const struct lq_binding *b;

	(void)state;
	if (f->rec.n_errors != 0)
		fail_msg("%s", f->rec.errors[0].message);
	b = change_at(f, 0);
	assert_text(b->vendor_class, "MSFT");
	assert_text(b->hostname, "bare-host");
	free(f);
}

static void test_v4_hardware_types(void **state)
{
	static const struct { const char *type; uint8_t htype; } types[] = {
		{ "ethernet", 1 }, { "token-ring", 6 }, { "fddi", 8 }, { "infiniband", 32 },
		{ "unknown-20", 20 }, { "Ethernet", 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char body[256];
		(void)snprintf(body, sizeof(body), "  binding state active;\n  hardware %s 1:2:3;\n",
			       types[i].type);
		struct fixture *f = parse_v4_lease(body);
		assert_int_equal(f->rec.n_errors, 0);
		assert_int_equal(change_at(f, 0)->htype, types[i].htype);
		assert_bytes(change_at(f, 0)->hwaddr, "\x01\x02\x03", 3);
		free(f);
	}
}

/* ------------------------------------------------------------------------
 * DHCPv6
 * ------------------------------------------------------------------------ */

static void test_v6_file_fields(void **state)
{
	struct fixture *f = parse_text(6, v6_file);
	const struct lq_binding *b;

	(void)state;
	if (f->rec.n_errors != 0)
		fail_msg("%s", f->rec.errors[0].message);
	assert_int_equal(f->rec.n_changes, 4);

	b = change_at(f, 0);
	assert_v6_key(b, "2001:db8:1::100", 128);
	assert_int_equal(b->type, LQ_LEASE_NA);
	assert_int_equal(b->state, LQ_STATE_ACTIVE);
	assert_int_equal(b->iaid, 1);
	assert_bytes(b->client_id, duid_llt, sizeof(duid_llt));
	assert_int_equal(b->cltt, T_1000);
	assert_int_equal(b->expire, T_1200);
	assert_int_equal(b->state_since, T_1000);
	assert_int_equal(b->preferred_lifetime, 3600);
	assert_int_equal(b->valid_lifetime, 7200);
	assert_null(b->hwaddr.data);
	assert_int_equal(b->htype, 0);
	assert_null(b->relay_info.data);
	assert_null(b->hostname.data);

	b = change_at(f, 1);
	assert_v6_key(b, "2001:db8:1::101", 128);
	assert_int_equal(b->type, LQ_LEASE_NA);
	assert_int_equal(b->state, LQ_STATE_EXPIRED);
	assert_int_equal(b->iaid, 1);
	assert_bytes(b->client_id, duid_llt, sizeof(duid_llt));
	assert_int_equal(b->expire, T_0900);
	assert_int_equal(b->state_since, T_0900);

	b = change_at(f, 2);
	assert_v6_key(b, "2001:db8:1::dead:beef", 128);
	assert_int_equal(b->type, LQ_LEASE_TA);
	assert_int_equal(b->state, LQ_STATE_RELEASED);
	assert_int_equal(b->iaid, 2);
	assert_bytes(b->client_id, duid_ll, sizeof(duid_ll));
	assert_int_equal(b->preferred_lifetime, 600);
	assert_int_equal(b->valid_lifetime, 1200);
	assert_int_equal(b->expire, T_1030);
	assert_int_equal(b->state_since, T_1030);

	b = change_at(f, 3);
	assert_v6_key(b, "2001:db8:8000::", 56);
	assert_int_equal(b->type, LQ_LEASE_PD);
	assert_int_equal(b->state, LQ_STATE_ACTIVE);
	assert_int_equal(b->iaid, 3);
	assert_bytes(b->client_id, duid_llt, sizeof(duid_llt));
	assert_int_equal(b->cltt, T_1000);
	assert_true(b->expire == LQ_TIME_NEVER);
	assert_int_equal(b->state_since, T_1000);
	assert_int_equal(b->preferred_lifetime, 3600);
	assert_int_equal(b->valid_lifetime, 7200);
	free(f);
}

static void test_v6_byte_order_and_hex_ids(void **state)
{
	struct fixture *f = parse_text(6,
		"authoring-byte-order big-endian;\n"
		"ia-na \"\\000\\000\\001\\002\\000\\003\\000\\001\\000\\021\\\"3DU\" {\n"
		"  iaaddr 2001:db8::1 { binding state active; ends never; }\n"
		"}\n"
		"ia-na 00:00:01:02:00:03:00:01:00:11:22:33:44:55 {\n"
		"  iaaddr 2001:db8::2 { binding state free; preferred-life 1 max-life 2 ends never; }\n"
		"  cltt 4 2026/11/19 10:00:00;\n"
		"}\n");
	const struct lq_binding *b;

	(void)state;
	if (f->rec.n_errors != 0)
		fail_msg("%s", f->rec.errors[0].message);
	assert_int_equal(f->rec.n_changes, 2);
	b = change_at(f, 0);
	assert_int_equal(b->iaid, 0x0102);
	assert_bytes(b->client_id, duid_ll, sizeof(duid_ll));
	assert_int_equal(b->cltt, 0);
	assert_int_equal(b->state_since, 0);
	b = change_at(f, 1);
	assert_int_equal(b->iaid, 0x0102);
	assert_bytes(b->client_id, duid_ll, sizeof(duid_ll));
	assert_int_equal(b->state, LQ_STATE_AVAILABLE);
	assert_int_equal(b->preferred_lifetime, 1);
	assert_int_equal(b->valid_lifetime, 2);
	/* the IA's cltt applies to every address, wherever it appears */
	assert_int_equal(b->cltt, T_1000);
	assert_int_equal(b->state_since, T_1000);

	/* finish() starts a new file: little-endian again */
	free(f);
	f = fixture_new(6);
	(void)feed_chunked(f, "authoring-byte-order big-endian;\n", 0);
	assert_true(f->parser.big_endian == false);
	(void)feed_chunked(f, "ia-na 01:00:00:00:00:03:00:01:00:11:22:33:44:55 {"
			   " iaaddr ::1 { binding state abandoned; ends epoch 5; } }", 0);
	assert_int_equal(change_at(f, 0)->iaid, 1);
	assert_int_equal(change_at(f, 0)->state, LQ_STATE_ABANDONED);
	assert_int_equal(change_at(f, 0)->state_since, 5);
	free(f);
}

/* Files written by the real dhcpd are read back whole and exactly. */
static void test_real_dhcpd_output(void **state)
{
	struct fixture *f = parse_text(4, v4_rewritten);
	const struct lq_binding *b;

	(void)state;
	assert_int_equal(f->rec.n_errors, 0);
	assert_int_equal(f->rec.n_changes, 3);
	b = change_at(f, 0);
	assert_v4_key(b, 10, 0, 0, 5);
	assert_int_equal(b->state, LQ_STATE_AVAILABLE);
	assert_int_equal(b->state_since, T_1030);
	assert_int_equal(b->cltt, T_1030);
	assert_bytes(b->client_id, "\x01\x00\x11\x22\x33\x44\x55", 7);
	b = change_at(f, 1);
	assert_bytes(b->client_id, "\x01\x00\xaa\xbb\xcc\xdd\xee", 7);
	b = change_at(f, 2);
	assert_int_equal(b->state, LQ_STATE_ACTIVE);
	assert_true(b->expire == LQ_TIME_NEVER);
	assert_int_equal(b->htype, 6);
	free(f);

	f = parse_text(6, v6_rewritten);
	assert_int_equal(f->rec.n_errors, 0);
	assert_int_equal(f->rec.n_changes, 2);
	b = change_at(f, 0);
	assert_v6_key(b, "2001:db8:1::100", 128);
	assert_int_equal(b->iaid, 1);
	assert_bytes(b->client_id, duid_llt, sizeof(duid_llt));
	assert_int_equal(b->expire, T_1200);
	b = change_at(f, 1);
	assert_v6_key(b, "2001:db8:8000::", 56);
	assert_int_equal(b->type, LQ_LEASE_PD);
	assert_int_equal(b->iaid, 3);
	free(f);
}

/* ------------------------------------------------------------------------
 * Refused declarations
 * ------------------------------------------------------------------------ */

static const char v4_bad_file[] =
	"lease 10.0.0.300 {\n"                                           /* 1 */
	"  binding state active;\n"
	"}\n"
	"lease 10.0.2.1 {\n"
	"  starts 4 2026/13/19 10:00:00;\n"                              /* 5 */
	"  binding state active;\n"
	"}\n"
	"lease 10.0.2.2 {\n"
	"  binding state sleeping;\n"
	"}\n"                                                            /* 10 */
	"lease 10.0.2.3 {\n"
	"  ends 4 2026/11/19 11:00:00;\n"
	"}\n"
	"lease 10.0.2.4 {\n"
	"  binding state active;\n"                                      /* 15 */
	"  hardware carrier-pigeon 00:11;\n"
	"}\n"
	"lease 10.0.2.5 {\n"
	"  binding state active;\n"
	"  uid 01:zz:03;\n"                                              /* 20 */
	"}\n"
	"lease 10.0.2.6 {\n"
	"  binding state active;\n"
	"  client-hostname \"unterminated;\n"
	"}\n"                                                            /* 25 */
	"lease 10.0.2.7 {\n"
	"  binding state active;\n"
	"  uid \"\\001\" \"x\";\n"
	"}\n"
	"frobnicate 1 2 3;\n"                                            /* 30 */
	"}\n"
	"ia-na \"\\001\\000\\000\\000\\000\\001\" { }\n"
	"lease 10.0.2.8 {\n"
	"  binding state active;\n"
	"  hardware ethernet 0:1:2:3:4:5:6:7:8:9:a:b:c:d:e:f:10;\n"      /* 35 */
	"}\n"
	"lease 10.0.2.9 {\n"
	"  binding state active;\n"
	"  ends epoch 12x;\n"
	"}\n"                                                            /* 40 */
	"authoring-byte-order middle-endian;\n"
	"lease 10.0.2.10 {\n"
	"  binding state active;\n"
	"  ends 4 2026/11/19 11:00:00;\n"
	"}\n"                                                            /* 45 */
	"lease 10.0.2.11 {\n"
	"  binding state active;\n"
	"  hardware ethernet;\n"
	"}\n"
	"lease 10.0.2.12 {\n"                                            /* 50 */
	"  binding state active;\n"
	"  option agent.circuit-id { };\n"
	"}\n"
	"lease 10.0.2.13 {\n"
	"  binding state active;\n"                                      /* 55 */
	"  uid \"\\x\";\n"
	"}\n"
	"lease 10.0.2.14 ;\n"
	"lease 10.0.2.15 {\n"
	"  binding state active;\n"                                      /* 60 */
	"  = ; }\n"
	"\"string\";\n"
	"lease 10.0.2.16 {\n"
	"  binding state active;\n"
	"  set = 1;\n"                                                   /* 65 */
	"}\n"
	"lease 10.0.2.17 {\n"
	"  binding state active;\n"
	"  something odd\n"
	"}\n";                                                           /* 70 */

static void test_v4_bad_blocks(void **state)
{
	struct fixture *f = parse_text(4, v4_bad_file);

	(void)state;
	assert_int_equal(f->rec.n_changes, 1);
	assert_v4_key(change_at(f, 0), 10, 0, 2, 10);
	assert_int_equal(f->parser.errors, f->rec.n_errors);
	assert_error(f, 0, LQ_DHCPD_BAD_ADDRESS, 1, 1);
	assert_error(f, 1, LQ_DHCPD_BAD_DATE, 5, 4);
	assert_error(f, 2, LQ_DHCPD_BAD_STATE, 9, 8);
	assert_error(f, 3, LQ_DHCPD_MISSING_STATE, 13, 11);
	assert_error(f, 4, LQ_DHCPD_BAD_HARDWARE, 16, 14);
	assert_error(f, 5, LQ_DHCPD_BAD_HEX, 20, 18);
	assert_error(f, 6, LQ_DHCPD_BAD_STRING, 24, 22);
	assert_error(f, 7, LQ_DHCPD_SYNTAX, 28, 26);
	assert_error(f, 8, LQ_DHCPD_UNKNOWN_DECLARATION, 30, 30);
	assert_error(f, 9, LQ_DHCPD_STRAY_BRACE, 31, 31);
	assert_error(f, 10, LQ_DHCPD_WRONG_FAMILY, 32, 32);
	assert_error(f, 11, LQ_DHCPD_VALUE_TOO_LONG, 35, 33);
	assert_error(f, 12, LQ_DHCPD_BAD_DATE, 39, 37);
	assert_error(f, 13, LQ_DHCPD_BAD_BYTE_ORDER, 41, 41);
	assert_error(f, 14, LQ_DHCPD_BAD_HARDWARE, 48, 46);
	assert_error(f, 15, LQ_DHCPD_SYNTAX, 52, 50);
	assert_error(f, 16, LQ_DHCPD_BAD_STRING, 56, 54);
	assert_error(f, 17, LQ_DHCPD_SYNTAX, 58, 58);
	assert_error(f, 18, LQ_DHCPD_SYNTAX, 61, 59);
	assert_error(f, 19, LQ_DHCPD_SYNTAX, 62, 62);
	assert_error(f, 20, LQ_DHCPD_SYNTAX, 65, 63);
	assert_error(f, 21, LQ_DHCPD_SYNTAX, 69, 67);
	assert_int_equal(f->rec.n_errors, 22);
	assert_string_equal(f->rec.errors[2].message, "unknown binding state: 'sleeping'");
	assert_string_equal(f->rec.errors[0].message, "bad IPv4 address after 'lease': '10.0.0.300'");
	free(f);
}

static const char v6_bad_file[] =
	"ia-pd \"\\001\\000\\000\\000\\000\\001\\000\\001\" {\n"         /* 1 */
	"  iaprefix 2001:db8::/129 { binding state active; ends never; }\n"
	"}\n"
	"ia-na \"\\001\\000\\000\\000\\000\\001\\000\\001\" {\n"
	"  iaaddr 2001:db8::1 {\n"                                       /* 5 */
	"    binding state active;\n"
	"  }\n"
	"}\n"
	"ia-na \"\\001\\000\\000\\000\\000\\001\\000\\001\" {\n"
	"  iaaddr 2001:db8::1 {\n"                                       /* 10 */
	"    binding state active;\n"
	"    preferred-life abc;\n"
	"    ends never;\n"
	"  }\n"
	"}\n"                                                            /* 15 */
	"ia-na \"\\001\\000\\000\\000\\000\" {\n"
	"}\n"
	"ia-pd \"\\001\\000\\000\\000\\000\\001\\000\\001\" {\n"
	"  iaaddr 2001:db8::1 { binding state active; ends never; }\n"
	"}\n"                                                            /* 20 */
	"ia-ta \"\\001\\000\\000\\000\\000\\001\\000\\001\" {\n"
	"  iaaddr 2001:db8::zz { binding state active; ends never; }\n"
	"}\n"
	"ia-na \"\\001\\000\\000\\000\\000\\001\\000\\001\" {\n"
	"  iaaddr 2001:db8::1 { binding state backup; ends never; }\n"   /* 25 */
	"}\n"
	"ia-na \"\\001\\000\\000\\000\\000\\001\\000\\001\" {\n"
	"  iaaddr 2001:db8::1 { ends never; }\n"
	"}\n"
	"lease 10.0.0.1 { binding state active; }\n"                     /* 30 */
	"ia-na \"\\001\\000\\000\\000\\000\\001\\000\\001\" {\n"
	"  iaaddr 2001:db8::3 { binding state active; ends never; }\n"
	"  iaaddr 2001:db8::4 { binding state active; max-life 99999999999; ends never; }\n"
	"}\n"
	"ia-na \"\\001\\000\\000\\000\\000\\001\\000\\001\" {\n"         /* 35 */
	"  iaaddr 2001:db8::5 { binding state active; ends never; }\n"
	"}\n"
	"ia-pd \"\\001\\000\\000\\000\\000\\001\\000\\001\" {\n"
	"  iaprefix 2001:db8:: { binding state active; ends never; }\n"
	"}\n"                                                            /* 40 */
	"ia-na \"\\001\\000\\000\\000\\000\\001\\000\\001\" {\n"
	"  iaaddr 2001:db8::7 { binding state active; ends never; } x\n"
	"}\n";

static void test_v6_bad_blocks(void **state)
{
	struct fixture *f = parse_text(6, v6_bad_file);

	(void)state;
	/* the IA with a bad second address yields nothing at all: all or nothing */
	assert_int_equal(f->rec.n_changes, 1);
	assert_v6_key(change_at(f, 0), "2001:db8::5", 128);
	assert_error(f, 0, LQ_DHCPD_BAD_PREFIX, 2, 1);
	assert_error(f, 1, LQ_DHCPD_MISSING_ENDS, 5, 4);
	assert_error(f, 2, LQ_DHCPD_BAD_NUMBER, 12, 9);
	assert_error(f, 3, LQ_DHCPD_BAD_IA_ID, 16, 16);
	assert_error(f, 4, LQ_DHCPD_SYNTAX, 19, 18);
	assert_error(f, 5, LQ_DHCPD_BAD_ADDRESS, 22, 21);
	assert_error(f, 6, LQ_DHCPD_BAD_STATE, 25, 24);
	assert_error(f, 7, LQ_DHCPD_MISSING_STATE, 28, 27);
	assert_error(f, 8, LQ_DHCPD_WRONG_FAMILY, 30, 30);
	assert_error(f, 9, LQ_DHCPD_BAD_NUMBER, 33, 31);
	assert_error(f, 10, LQ_DHCPD_BAD_PREFIX, 39, 38);
	assert_error(f, 11, LQ_DHCPD_SYNTAX, 42, 41);
	assert_int_equal(f->rec.n_errors, 12);
	free(f);
}

static void test_unterminated_block_resyncs(void **state)
{
	struct fixture *f = parse_text(4,
		"lease 10.0.3.1 {\n"
		"  starts 4 2026/11/19 10:00:00;\n"
		"  binding state act\n"
		"lease 10.0.3.2 {\n"
		"  binding state active;\n"
		"}\n"
		"lease 10.0.3.3 {\n"
		"  client-hostname \"half\n"
		"lease 10.0.3.4 { binding state active; }\n"
		"authoring-byte-order little-endian\n"
		"lease 10.0.3.5 { binding state active; }\n");

	(void)state;
	assert_int_equal(f->rec.n_changes, 3);
	assert_v4_key(change_at(f, 0), 10, 0, 3, 2);
	assert_v4_key(change_at(f, 1), 10, 0, 3, 4);
	assert_v4_key(change_at(f, 2), 10, 0, 3, 5);
	assert_error(f, 0, LQ_DHCPD_UNTERMINATED, 4, 1);
	assert_error(f, 1, LQ_DHCPD_UNTERMINATED, 9, 7);
	assert_error(f, 2, LQ_DHCPD_UNTERMINATED, 11, 10);
	assert_int_equal(f->rec.n_errors, 3);
	free(f);
}

static void test_unterminated_at_eof(void **state)
{
	struct fixture *f = fixture_new(4);

	(void)state;
	lq_dhcpd_leases_feed(&f->parser, "lease 10.0.3.3 {\n  binding state active;\n", 41,
			     on_change, on_error, &f->rec);
	assert_false(lq_dhcpd_leases_idle(&f->parser));
	assert_int_equal(f->rec.n_errors, 0);
	assert_false(lq_dhcpd_leases_finish(&f->parser, on_error, &f->rec));
	assert_int_equal(f->rec.n_changes, 0);
	assert_error(f, 0, LQ_DHCPD_UNTERMINATED, 3, 1);
	assert_true(lq_dhcpd_leases_idle(&f->parser));
	assert_int_equal(f->parser.line, 1);

	/* a clean end, including a trailing comment without newline */
	lq_dhcpd_leases_feed(&f->parser, "lease 10.0.3.3 { binding state active; }\n# end", 46,
			     on_change, on_error, &f->rec);
	assert_false(lq_dhcpd_leases_idle(&f->parser));
	assert_true(lq_dhcpd_leases_finish(&f->parser, on_error, &f->rec));
	assert_int_equal(f->rec.n_changes, 1);
	assert_int_equal(f->rec.n_errors, 1);

	/* an unterminated top-level statement, NULL error callback: only counted */
	lq_dhcpd_leases_feed(&f->parser, "server-duid 00:01", 17, on_change, NULL, NULL);
	assert_false(lq_dhcpd_leases_finish(&f->parser, NULL, NULL));
	assert_int_equal(f->parser.errors, 2);
	free(f);
}

static void test_too_large_block_is_skipped(void **state)
{
	size_t big = LQ_DHCPD_LEASES_MAX_BLOCK + 100;
	char *text = malloc(big + 512);
	struct fixture *f = fixture_new(4);
	size_t n;

	(void)state;
	assert_non_null(text);
	n = (size_t)sprintf(text, "lease 10.0.4.1 {\n  binding state active;\n  set x = \"");
	memset(text + n, 'a', big);
	n += big;
	n += (size_t)sprintf(text + n, "\";\n}\nlease 10.0.4.2 {\n  binding state active;\n}\n");
	lq_dhcpd_leases_feed(&f->parser, text, n, on_change, on_error, &f->rec);
	assert_true(lq_dhcpd_leases_finish(&f->parser, on_error, &f->rec));
	assert_int_equal(f->rec.n_errors, 1);
	assert_error(f, 0, LQ_DHCPD_TOO_LARGE, 3, 1);
	assert_int_equal(f->rec.n_changes, 1);
	assert_v4_key(change_at(f, 0), 10, 0, 4, 2);

	/* a declaration of exactly the limit is still read */
	free(f);
	f = fixture_new(4);
	n = (size_t)sprintf(text, "lease 10.0.4.3 { binding state active; set x = \"");
	size_t fill = LQ_DHCPD_LEASES_MAX_BLOCK - n - 4;
	memset(text + n, 'b', fill);
	(void)snprintf(text + n + fill, 5, "\"; }");
	lq_dhcpd_leases_feed(&f->parser, text, LQ_DHCPD_LEASES_MAX_BLOCK, on_change, on_error, &f->rec);
	assert_int_equal(f->rec.n_errors, 0);
	assert_int_equal(f->rec.n_changes, 1);
	free(f);
	free(text);
}

static void test_wrong_family_and_init(void **state)
{
	struct lq_dhcpd_leases *p = calloc(1, sizeof(*p));

	(void)state;
	assert_non_null(p);
	assert_int_equal(lq_dhcpd_leases_init(p, 5), LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq_dhcpd_leases_init(NULL, 4), LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq_dhcpd_leases_init(p, 6), LQ_OK);
	assert_int_equal(p->line, 1);
	assert_true(lq_dhcpd_leases_idle(p));
	free(p);

	struct fixture *f = parse_text(6, v4_file);
	assert_int_equal(f->rec.n_changes, 0);
	assert_int_equal(f->rec.n_errors, 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(f->rec.errors[i].reason, LQ_DHCPD_WRONG_FAMILY);
	free(f);

	f = parse_text(4, v6_file);
	assert_int_equal(f->rec.n_changes, 0);
	assert_int_equal(f->rec.n_errors, 3);
	free(f);
}

static void test_reason_names(void **state)
{
	(void)state;
	for (int r = LQ_DHCPD_UNTERMINATED; r <= LQ_DHCPD_STRAY_BRACE; r++)
		assert_string_not_equal(lq_dhcpd_leases_reason_name((uint8_t)r), "unknown reason");
	assert_string_equal(lq_dhcpd_leases_reason_name(0), "unknown reason");
	assert_string_equal(lq_dhcpd_leases_reason_name(200), "unknown reason");
	assert_string_equal(lq_dhcpd_leases_reason_name(LQ_DHCPD_BAD_DATE), "bad date");
}

/* ------------------------------------------------------------------------
 * Chunking independence
 * ------------------------------------------------------------------------ */

static void describe_bytes(char *out, size_t cap, const char *name, lq_bytes v)
{
	size_t n = strlen(out);

	n += (size_t)snprintf(out + n, cap - n, " %s=", name);
	if (v.data == NULL) {
		(void)snprintf(out + n, cap - n, "-");
		return;
	}
	for (size_t i = 0; i < v.len && n + 3 < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%02x", v.data[i]);
}

static void describe(const struct record *r, char *out, size_t cap)
{
	const struct lq_binding *b = &r->b;

	(void)snprintf(out, cap, "op=%u fam=%u plen=%u type=%u state=%u remote=%d htype=%u iaid=%u "
		       "cltt=%lld exp=%lld since=%lld valid=%u pref=%u subnet=%u vpn=%d",
		       r->op, b->key.family, b->key.prefix_len, b->type, b->state,
		       b->data_source_remote, b->htype, b->iaid, (long long)b->cltt,
		       (long long)b->expire, (long long)b->state_since, b->valid_lifetime,
		       b->preferred_lifetime, b->subnet_id, b->has_vpn);
	describe_bytes(out, cap, "addr", (lq_bytes){ b->key.addr.b, 16 });
	describe_bytes(out, cap, "link", (lq_bytes){ b->link_address.b, 16 });
	describe_bytes(out, cap, "peer", (lq_bytes){ b->relay_peer.b, 16 });
	describe_bytes(out, cap, "hw", b->hwaddr);
	describe_bytes(out, cap, "cid", b->client_id);
	describe_bytes(out, cap, "ri", b->relay_info);
	describe_bytes(out, cap, "circ", b->circuit_id);
	describe_bytes(out, cap, "rem", b->remote_id);
	describe_bytes(out, cap, "rid", b->relay_id);
	describe_bytes(out, cap, "vc", b->vendor_class);
	describe_bytes(out, cap, "host", b->hostname);
}

static void assert_same_results(const struct fixture *a, const struct fixture *b)
{
	char da[4096], db[4096];

	assert_int_equal(a->rec.n_changes, b->rec.n_changes);
	assert_int_equal(a->rec.n_errors, b->rec.n_errors);
	for (size_t i = 0; i < a->rec.n_changes; i++) {
		describe(&a->rec.changes[i], da, sizeof(da));
		describe(&b->rec.changes[i], db, sizeof(db));
		assert_string_equal(da, db);
	}
	for (size_t i = 0; i < a->rec.n_errors; i++) {
		assert_int_equal(a->rec.errors[i].reason, b->rec.errors[i].reason);
		assert_int_equal(a->rec.errors[i].line, b->rec.errors[i].line);
		assert_int_equal(a->rec.errors[i].block_line, b->rec.errors[i].block_line);
		assert_string_equal(a->rec.errors[i].message, b->rec.errors[i].message);
	}
}

static void test_chunking_gives_same_result(void **state)
{
	static const struct { int family; const char *text; } inputs[] = {
		{ 4, v4_file }, { 6, v6_file }, { 4, v4_bad_file }, { 6, v6_bad_file },
		{ 4, v4_rewritten }, { 6, v6_rewritten },
	};
	static const size_t chunks[] = { 1, 2, 3, 7, 64, 1000 };

	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct fixture *whole = fixture_new(inputs[i].family);
		(void)feed_chunked(whole, inputs[i].text, 0);
		assert_true(whole->rec.n_changes > 0);
		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			struct fixture *part = fixture_new(inputs[i].family);
			(void)feed_chunked(part, inputs[i].text, chunks[c]);
			assert_same_results(whole, part);
			free(part);
		}
		free(whole);
	}
}

static void test_feed_line_and_resume(void **state)
{
	struct fixture *whole = parse_text(4, v4_file);
	struct fixture *lines = fixture_new(4);
	const char *text = v4_file;

	(void)state;
	while (*text != '\0') {
		const char *nl = strchr(text, '\n');
		lq_dhcpd_leases_feed_line(&lines->parser, text, (size_t)(nl - text), on_change,
					  on_error, &lines->rec);
		text = nl + 1;
	}
	assert_true(lq_dhcpd_leases_idle(&lines->parser));
	assert_int_equal(lines->parser.line, 58);
	assert_same_results(whole, lines);
	free(lines);
	free(whole);

	/* resuming at line 40 (a saved position between declarations) */
	struct fixture *resumed = fixture_new(4);
	const char *at = v4_file;
	for (int line = 1; line < 40; line++)
		at = strchr(at, '\n') + 1;
	resumed->parser.line = 40;
	lq_dhcpd_leases_feed(&resumed->parser, at, strlen(at) - 3, on_change, on_error, &resumed->rec);
	assert_int_equal(resumed->rec.n_changes, 1);
	assert_false(lq_dhcpd_leases_finish(&resumed->parser, on_error, &resumed->rec));
	assert_error(resumed, 0, LQ_DHCPD_UNTERMINATED, 56, 49);
	free(resumed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_file_fields),
		cmocka_unit_test(test_v4_all_states),
		cmocka_unit_test(test_v4_dates),
		cmocka_unit_test(test_v4_bad_dates),
		cmocka_unit_test(test_v4_identifier_forms),
		cmocka_unit_test(test_v4_relay_agent_options),
		cmocka_unit_test(test_v4_skipped_statements),
		cmocka_unit_test(test_v4_hardware_types),
		cmocka_unit_test(test_v6_file_fields),
		cmocka_unit_test(test_v6_byte_order_and_hex_ids),
		cmocka_unit_test(test_real_dhcpd_output),
		cmocka_unit_test(test_v4_bad_blocks),
		cmocka_unit_test(test_v6_bad_blocks),
		cmocka_unit_test(test_unterminated_block_resyncs),
		cmocka_unit_test(test_unterminated_at_eof),
		cmocka_unit_test(test_too_large_block_is_skipped),
		cmocka_unit_test(test_wrong_family_and_init),
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_chunking_gives_same_result),
		cmocka_unit_test(test_feed_line_and_resume),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
