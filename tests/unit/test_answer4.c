/* test_answer4.c - the DHCPv4 single-query engine (RFC 4388) end to end
 * without sockets: bindings in a real LMDB store in a temporary directory,
 * a configuration parsed from JSON text, queries built with lq4_encode,
 * answered by lq4_query_answer and decoded with lq4_decode. Covers the
 * three query regimes and every outcome (ACTIVE, UNASSIGNED, UNKNOWN), the
 * options of DHCPLEASEACTIVE with and without a parameter request list, the
 * sensitive list, the reply destination (giaddr, RFC 8357 relay port), the
 * access rules, the size limit, and every drop rule with a crafted packet,
 * each followed by a normal query that must still be answered. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lq/config.h"
#include "lq/dhcp4.h"
#include "lq/lqtime.h"
#include "lq/query.h"
#include "lq/store.h"
#include "../tools/store_fixture.h"

#define NOW 1700000000
#define GIADDR "192.0.2.50"
#define SERVER_ID "192.0.2.1"
#define MANY 150        /* bindings of the MAC address 02:00:00:00:00:99 */

static const char config_text[] =
	"{\n"
	"  // what this server manages: a subnet with a pool, one without\n"
	"  \"server-id\": \"" SERVER_ID "\",\n"
	"  \"subnets4\": [\n"
	"    {\"subnet\": \"10.0.0.0/24\", \"pools\": [\"10.0.0.10 - 10.0.0.200\"]},\n"
	"    {\"subnet\": \"10.1.0.0/16\"}\n"
	"  ],\n"
	"  \"requesters\": [\"192.0.2.0/24\",\n"
	"                 {\"prefix\": \"198.51.100.0/24\", \"query-types\": [\"by-ip\"]}]\n"
	"}\n";

/* relay agent information of 10.0.0.10: circuit-id "eth0", remote-id "cpe001" */
static const uint8_t relay10[] = { 1, 4, 'e', 't', 'h', '0', 2, 6, 'c', 'p', 'e', '0', '0', '1' };
/* sub-option 1 claims 5 octets, has 1 */
static const uint8_t relay_bad[] = { 1, 5, 'x' };
static uint8_t relay_long[404];         /* two 200-octet sub-options */
static const uint8_t cid10[] = { 1, 2, 0, 0, 0, 0, 0x0a };
static const uint8_t cid20[] = { 0xff, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

struct fixture {
	char dir[64];
	struct lq_store *store;
	struct lq_store_reader *reader;
	struct lq_config cfg;
	struct lq4_msg reply;           /* the last reply, decoded */
	uint8_t out[LQ_QUERY_MAX_REPLY];
	struct lq_query_result res;
};

/* ---- building blocks ---- */

static lq_ip4 ip(const char *text)
{
	lq_ip4 a;

	assert_int_equal(inet_pton(AF_INET, text, a.b), 1);
	return a;
}

static lq_bytes bytes(const void *p, size_t n)
{
	return (lq_bytes){ (const uint8_t *)p, n };
}

static lq_bytes str(const char *s)
{
	return bytes(s, strlen(s));
}

static const uint8_t *mac(uint8_t last)
{
	static uint8_t m[256][6];

	m[last][0] = 2;
	m[last][5] = last;
	return m[last];
}

/* An ACTIVE binding of addr with MAC 02:00:00:00:00:<hw> (0: none). */
static struct lq_binding binding(const char *addr, uint8_t hw, int64_t cltt_ago, int64_t expire_in)
{
	struct lq_binding b;
	lq_ip4 a = ip(addr);

	memset(&b, 0, sizeof(b));
	lq_binding_key_v4(&b.key, &a);
	b.type = LQ_LEASE_V4;
	b.state = LQ_STATE_ACTIVE;
	if (hw != 0) {
		b.htype = 1;
		b.hwaddr = bytes(mac(hw), 6);
	}
	b.cltt = NOW - cltt_ago;
	b.expire = NOW + expire_in;
	b.valid_lifetime = 3600;
	return b;
}

static void put(struct lq_store *store, const struct lq_binding *b)
{
	struct lq_binding_change c = { .op = LQ_CHANGE_UPSERT, .binding = *b };

	assert_int_equal(lq_store_apply(store, &c, 1, NOW - 5000, NULL), LQ_STORE_OK);
}

static void load_bindings(struct lq_store *store)
{
	struct lq_binding b;
	char addr[32];

	b = binding("10.0.0.10", 0x0a, 100, 3500);
	b.client_id = bytes(cid10, sizeof(cid10));
	b.relay_info = bytes(relay10, sizeof(relay10));
	b.vendor_class = str("lq-test");
	b.hostname = str("host10");
	put(store, &b);
	/* 02:..:0b holds .11 (most recent), .12 and .14; .15 expired and .16
	 * ACTIVE but past its expiry are more recent still and do not count */
	b = binding("10.0.0.11", 0x0b, 50, 3550);
	put(store, &b);
	b = binding("10.0.0.12", 0x0b, 900, 2700);
	put(store, &b);
	b = binding("10.0.0.14", 0x0b, 2000, 1600);        /* T1 passed, T2 not */
	put(store, &b);
	b = binding("10.0.0.15", 0x0b, 10, 3590);
	b.state = LQ_STATE_EXPIRED;
	put(store, &b);
	b = binding("10.0.0.16", 0x0b, 1, -5);
	put(store, &b);
	b = binding("10.0.0.13", 0x0d, 10, -10);
	b.state = LQ_STATE_RELEASED;
	put(store, &b);
	b = binding("10.0.0.17", 0x11, 3500, 100);         /* T1 and T2 passed */
	put(store, &b);
	b = binding("10.0.0.20", 0, 30, 3570);             /* client-id only */
	b.client_id = bytes(cid20, sizeof(cid20));
	put(store, &b);
	b = binding("10.0.0.21", 0x21, 30, 3570);
	b.relay_info = bytes(relay_bad, sizeof(relay_bad));
	put(store, &b);
	b = binding("10.0.0.22", 0x22, 30, 3570);
	b.relay_info = bytes(relay_long, sizeof(relay_long));
	put(store, &b);
	b = binding("10.0.0.23", 0x23, 30, 0);
	b.expire = LQ_TIME_NEVER;
	b.valid_lifetime = LQ_INFINITE_LIFETIME;
	put(store, &b);
	b = binding("172.16.0.5", 0x05, 60, 600);          /* outside every subnet */
	put(store, &b);
	b = binding("172.16.0.6", 0x06, 60, -60);
	b.state = LQ_STATE_RELEASED;
	put(store, &b);
	for (unsigned i = 0; i < MANY; i++) {
		snprintf(addr, sizeof(addr), "10.2.%u.%u", i / 200, i % 200 + 1);
		b = binding(addr, 0x99, 1000 + i, 3000);   /* 10.2.0.1 the most recent */
		put(store, &b);
	}
}

static void parse_config(const char *text, struct lq_config *cfg)
{
	char err[256] = "";
	int rc = lq_config_parse(text, strlen(text), NULL, cfg, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "config: %s\n", err);
	assert_int_equal(rc, 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(relay_long); i += 202) {
		relay_long[i] = (uint8_t)(i == 0 ? 1 : 2);
		relay_long[i + 1] = 200;
		memset(relay_long + i + 2, 'a' + (int)(i % 26), 200);
	}
	if (lq_fixture_store_open(f->dir, "/tmp/lq-answer4-test-XXXXXX", NULL, &f->store) != 0) {
		free(f);
		return -1;
	}
	load_bindings(f->store);
	parse_config(config_text, &f->cfg);
	assert_int_equal(lq_store_read_begin(f->store, &f->reader), LQ_STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	lq_store_read_end(f->reader);
	lq_store_close(f->store);
	lq_config_free(&f->cfg);
	lq_fixture_remove_dir(f->dir);
	free(f);
	return 0;
}

/* ---- queries ---- */

static struct lq4_msg *query(uint32_t xid)
{
	static struct lq4_msg q;

	lq4_msg_init(&q, LQ4_LEASEQUERY, xid);
	q.htype = 0;
	q.hlen = 0;
	q.giaddr = ip(GIADDR);
	return &q;
}

static struct lq4_msg *by_ip(const char *addr)
{
	struct lq4_msg *q = query(0x1234);

	q->ciaddr = ip(addr);
	return q;
}

static struct lq4_msg *by_mac(uint8_t hw)
{
	struct lq4_msg *q = query(0x2345);

	q->htype = 1;
	q->hlen = 6;
	memcpy(q->chaddr, mac(hw), 6);
	return q;
}

static struct lq4_msg *by_cid(const uint8_t *cid, size_t len)
{
	struct lq4_msg *q = query(0x3456);

	q->client_id = bytes(cid, len);
	return q;
}

static struct lq_query_peer peer_at(const char *addr, uint16_t port)
{
	struct lq_query_peer p;

	memset(&p, 0, sizeof(p));
	p.family = 4;
	memcpy(p.addr, ip(addr).b, 4);
	p.port = port;
	return p;
}

/* Answer raw octets; returns lq4_query_answer's return value. */
static int answer_raw(struct fixture *f, const struct lq_config *cfg, const uint8_t *pkt, size_t len,
		      const struct lq_query_peer *peer, size_t cap)
{
	struct lq_query_env env = { .config = cfg, .now = NOW };

	return lq4_query_answer(&env, f->reader, pkt, len, peer, f->out, cap, &f->res);
}

/* Encode q, answer it from peer with cfg, and decode the reply when there
 * is one. Returns the verdict. */
static enum lq_query_verdict ask_with(struct fixture *f, const struct lq_config *cfg,
				      const struct lq4_msg *q, const struct lq_query_peer *peer)
{
	uint8_t pkt[2048];
	size_t len;

	assert_int_equal(lq4_encode(q, pkt, sizeof(pkt), &len), LQ_OK);
	assert_int_equal(answer_raw(f, cfg, pkt, len, peer, sizeof(f->out)), 0);
	if (f->res.verdict == LQ_QUERY_REPLY) {
		assert_null(f->res.reason);
		assert_true(f->res.len >= LQ4_MIN_LEN);
		assert_int_equal(lq4_decode(f->out, f->res.len, &f->reply, NULL), LQ_OK);
		assert_int_equal(f->reply.msg_type, f->res.reply_type);
	} else {
		assert_non_null(f->res.reason);
	}
	return f->res.verdict;
}

static enum lq_query_verdict ask(struct fixture *f, const struct lq4_msg *q)
{
	struct lq_query_peer peer = peer_at(GIADDR, 67);

	return ask_with(f, &f->cfg, q, &peer);
}

/* ask() and expect a reply of this type. */
static const struct lq4_msg *expect(struct fixture *f, const struct lq4_msg *q, uint8_t type)
{
	assert_int_equal(ask(f, q), LQ_QUERY_REPLY);
	assert_int_equal(f->res.reply_type, type);
	return &f->reply;
}

static uint32_t u32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool has_option(const struct lq4_msg *m, uint8_t code)
{
	return lq4_find_option(m, code) != NULL;
}

static uint32_t option_u32(const struct lq4_msg *m, uint8_t code)
{
	const struct lq4_option *o = lq4_find_option(m, code);

	assert_non_null(o);
	assert_int_equal(o->value.len, 4);
	return u32_at(o->value.data);
}

static void assert_ip(lq_ip4 got, const char *want)
{
	lq_ip4 w = ip(want);

	assert_memory_equal(got.b, w.b, 4);
}

/* The fields every reply has: op, xid, giaddr, server identifier. */
static void assert_reply_basics(const struct lq4_msg *r, uint32_t xid)
{
	assert_int_equal(r->op, LQ4_BOOTREPLY);
	assert_int_equal(r->xid, xid);
	assert_ip(r->giaddr, GIADDR);
	assert_true(r->has_server_id);
	assert_ip(r->server_id, SERVER_ID);
}

/* Only message type and server identifier. */
static void assert_no_other_options(const struct lq4_msg *r)
{
	assert_int_equal(r->n_options, 2);
	assert_true(has_option(r, LQ4_OPT_MSG_TYPE));
	assert_true(has_option(r, LQ4_OPT_SERVER_ID));
}

/* After a dropped packet: a normal query is still answered correctly. */
static void assert_still_serving(struct fixture *f)
{
	const struct lq4_msg *r = expect(f, by_ip("10.0.0.10"), LQ4_LEASEACTIVE);

	assert_ip(r->ciaddr, "10.0.0.10");
	assert_memory_equal(r->chaddr, mac(0x0a), 6);
}

static void expect_drop(struct fixture *f, const struct lq4_msg *q)
{
	assert_int_equal(ask(f, q), LQ_QUERY_DROP);
	assert_false(f->res.refused);
	assert_int_equal(f->res.len, 0);
	assert_still_serving(f);
}

static void expect_drop_raw(struct fixture *f, const uint8_t *pkt, size_t len)
{
	struct lq_query_peer peer = peer_at(GIADDR, 67);

	assert_int_equal(answer_raw(f, &f->cfg, pkt, len, &peer, sizeof(f->out)), 0);
	assert_int_equal(f->res.verdict, LQ_QUERY_DROP);
	assert_non_null(f->res.reason);
	assert_false(f->res.refused);
	assert_still_serving(f);
}

static const uint8_t prl_all[] = { LQ4_OPT_SUBNET_MASK, LQ4_OPT_HOSTNAME, LQ4_OPT_LEASE_TIME,
				   LQ4_OPT_T1, LQ4_OPT_T2, LQ4_OPT_VENDOR_CLASS, LQ4_OPT_CLIENT_ID,
				   LQ4_OPT_RELAY_AGENT_INFO, LQ4_OPT_CLT_TIME, LQ4_OPT_ASSOCIATED_IP };

/* ---- query by IP address ---- */

static void test_by_ip_active_with_prl(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q = by_ip("10.0.0.10");
	const struct lq4_option *o;

	q->prl = bytes(prl_all, sizeof(prl_all));
	q->flags = 0x8000;
	const struct lq4_msg *r = expect(f, q, LQ4_LEASEACTIVE);

	assert_int_equal(f->res.kind, LQ_QUERY_V4_BY_IP);
	assert_int_equal(f->res.bindings, 1);
	assert_false(f->res.refused);
	assert_int_equal(f->res.dest.family, 4);
	assert_memory_equal(f->res.dest.addr, ip(GIADDR).b, 4);
	assert_int_equal(f->res.dest.port, 67);
	assert_reply_basics(r, 0x1234);
	assert_int_equal(r->flags, 0x8000);
	assert_ip(r->ciaddr, "10.0.0.10");
	assert_ip(r->yiaddr, "0.0.0.0");
	assert_int_equal(r->htype, 1);
	assert_int_equal(r->hlen, 6);
	assert_memory_equal(r->chaddr, mac(0x0a), 6);
	/* lease from NOW-100 for 3600 s: 3500 left; T1 at 1800, T2 at 3150 */
	assert_int_equal(option_u32(r, LQ4_OPT_LEASE_TIME), 3500);
	assert_int_equal(option_u32(r, LQ4_OPT_T1), 1700);
	assert_int_equal(option_u32(r, LQ4_OPT_T2), 3050);
	assert_int_equal(option_u32(r, LQ4_OPT_CLT_TIME), 100);
	assert_true(r->has_relay_info);
	assert_int_equal(r->relay_info_raw.len, sizeof(relay10));
	assert_memory_equal(r->relay_info_raw.data, relay10, sizeof(relay10));
	assert_int_equal(r->vendor_class.len, 7);
	assert_memory_equal(r->vendor_class.data, "lq-test", 7);
	assert_int_equal(r->client_id.len, sizeof(cid10));
	assert_memory_equal(r->client_id.data, cid10, sizeof(cid10));
	o = lq4_find_option(r, LQ4_OPT_HOSTNAME);
	assert_non_null(o);
	assert_int_equal(o->value.len, 6);
	assert_memory_equal(o->value.data, "host10", 6);
	assert_int_equal(option_u32(r, LQ4_OPT_SUBNET_MASK), 0xffffff00u);
	/* a query by IP address has no associated-ip */
	assert_false(has_option(r, LQ4_OPT_ASSOCIATED_IP));
	assert_int_equal(r->n_options, 2 + 9);
}

static void test_by_ip_active_without_prl(void **state)
{
	struct fixture *f = *state;
	const struct lq4_msg *r = expect(f, by_ip("10.0.0.10"), LQ4_LEASEACTIVE);

	/* a DHCPACK's options: 51, 58, 59, 61, 82, plus 91 */
	assert_int_equal(option_u32(r, LQ4_OPT_LEASE_TIME), 3500);
	assert_int_equal(option_u32(r, LQ4_OPT_T1), 1700);
	assert_int_equal(option_u32(r, LQ4_OPT_T2), 3050);
	assert_int_equal(option_u32(r, LQ4_OPT_CLT_TIME), 100);
	assert_true(r->has_relay_info);
	assert_non_null(r->client_id.data);
	assert_null(r->vendor_class.data);
	assert_false(has_option(r, LQ4_OPT_HOSTNAME));
	assert_false(has_option(r, LQ4_OPT_SUBNET_MASK));
	assert_int_equal(r->n_options, 2 + 6);
}

static void test_by_ip_prl_selects(void **state)
{
	struct fixture *f = *state;
	static const uint8_t only82[] = { LQ4_OPT_RELAY_AGENT_INFO };
	static const uint8_t only60_51[] = { LQ4_OPT_VENDOR_CLASS, LQ4_OPT_LEASE_TIME, 200 };
	struct lq4_msg *q = by_ip("10.0.0.10");
	const struct lq4_msg *r;

	q->prl = bytes(only82, sizeof(only82));
	r = expect(f, q, LQ4_LEASEACTIVE);
	assert_int_equal(r->n_options, 3);
	assert_memory_equal(r->relay_info_raw.data, relay10, sizeof(relay10));

	q = by_ip("10.0.0.10");
	q->prl = bytes(only60_51, sizeof(only60_51));
	r = expect(f, q, LQ4_LEASEACTIVE);
	assert_int_equal(r->n_options, 4);
	assert_int_equal(option_u32(r, LQ4_OPT_LEASE_TIME), 3500);
	assert_memory_equal(r->vendor_class.data, "lq-test", 7);
}

static void test_by_ip_lease_times(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q;
	const struct lq4_msg *r;

	/* T1 passed 200 s ago: omitted; T2 in 1150 s */
	q = by_ip("10.0.0.14");
	q->prl = bytes(prl_all, sizeof(prl_all));
	r = expect(f, q, LQ4_LEASEACTIVE);
	assert_false(r->has_t1);
	assert_true(r->has_t2);
	assert_int_equal(r->t2, 1150);
	assert_int_equal(r->lease_time, 1600);

	/* both passed */
	q = by_ip("10.0.0.17");
	q->prl = bytes(prl_all, sizeof(prl_all));
	r = expect(f, q, LQ4_LEASEACTIVE);
	assert_false(r->has_t1);
	assert_false(r->has_t2);
	assert_int_equal(r->lease_time, 100);
	assert_int_equal(r->clt_time, 3500);

	/* an infinite lease: infinite lease time, no T1/T2 */
	q = by_ip("10.0.0.23");
	q->prl = bytes(prl_all, sizeof(prl_all));
	r = expect(f, q, LQ4_LEASEACTIVE);
	assert_int_equal(r->lease_time, LQ_INFINITE_LIFETIME);
	assert_false(r->has_t1);
	assert_false(r->has_t2);
}

static void test_by_ip_unassigned(void **state)
{
	struct fixture *f = *state;
	static const char *const addrs[] = {
		"10.0.0.16",    /* ACTIVE, but its expiry has passed */
		"10.0.0.15",    /* expired */
		"10.0.0.13",    /* released */
		"10.0.0.50",    /* in a pool, never leased */
		"10.1.9.9",     /* in a subnet without pools */
		"172.16.0.6",   /* released, outside every subnet: the store knows it */
	};

	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		struct lq4_msg *q = by_ip(addrs[i]);

		q->prl = bytes(prl_all, sizeof(prl_all));
		const struct lq4_msg *r = expect(f, q, LQ4_LEASEUNASSIGNED);
		assert_reply_basics(r, 0x1234);
		assert_ip(r->ciaddr, addrs[i]);
		assert_int_equal(r->htype, 0);
		assert_int_equal(r->hlen, 0);
		assert_no_other_options(r);
		assert_int_equal(f->res.bindings, 0);
		assert_int_equal(f->res.kind, LQ_QUERY_V4_BY_IP);
	}
}

static void test_by_ip_unknown(void **state)
{
	struct fixture *f = *state;
	static const char *const addrs[] = {
		"10.0.0.5",      /* in a subnet, outside its pool */
		"198.51.100.7",  /* in no subnet */
	};

	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		struct lq4_msg *q = by_ip(addrs[i]);

		q->prl = bytes(prl_all, sizeof(prl_all));
		const struct lq4_msg *r = expect(f, q, LQ4_LEASEUNKNOWN);
		assert_reply_basics(r, 0x1234);
		assert_ip(r->ciaddr, addrs[i]);
		assert_no_other_options(r);
		assert_int_equal(f->res.bindings, 0);
	}
}

static void test_by_ip_outside_subnets_active(void **state)
{
	struct fixture *f = *state;
	const struct lq4_msg *r = expect(f, by_ip("172.16.0.5"), LQ4_LEASEACTIVE);

	assert_memory_equal(r->chaddr, mac(0x05), 6);
	assert_int_equal(r->lease_time, 600);
}

/* lq4_msg_init leaves htype 1 and hlen 6: with an all-zero chaddr that is
 * no MAC address, so this is a query by IP address. */
static void test_by_ip_zero_chaddr_accepted(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q = by_ip("10.0.0.11");

	q->htype = 1;
	q->hlen = 6;
	const struct lq4_msg *r = expect(f, q, LQ4_LEASEACTIVE);
	assert_int_equal(f->res.kind, LQ_QUERY_V4_BY_IP);
	assert_memory_equal(r->chaddr, mac(0x0b), 6);
}

/* ---- query by MAC address ---- */

static void test_by_mac_most_recent_and_associated(void **state)
{
	struct fixture *f = *state;
	static const uint8_t prl51[] = { LQ4_OPT_LEASE_TIME };
	struct lq4_msg *q = by_mac(0x0b);

	q->prl = bytes(prl51, sizeof(prl51));       /* 92 comes unasked */
	const struct lq4_msg *r = expect(f, q, LQ4_LEASEACTIVE);

	assert_int_equal(f->res.kind, LQ_QUERY_V4_BY_MAC);
	assert_int_equal(f->res.bindings, 1);
	assert_reply_basics(r, 0x2345);
	assert_ip(r->ciaddr, "10.0.0.11");
	assert_int_equal(r->htype, 1);
	assert_int_equal(r->hlen, 6);
	assert_memory_equal(r->chaddr, mac(0x0b), 6);
	assert_int_equal(r->lease_time, 3550);
	/* the others in force, most recent first; not .15 (expired) nor .16 */
	assert_int_equal(lq4_associated_ip_count(r), 2);
	assert_ip(lq4_associated_ip_at(r, 0), "10.0.0.12");
	assert_ip(lq4_associated_ip_at(r, 1), "10.0.0.14");
	assert_int_equal(r->n_options, 4);
}

static void test_by_mac_single(void **state)
{
	struct fixture *f = *state;
	const struct lq4_msg *r = expect(f, by_mac(0x0a), LQ4_LEASEACTIVE);

	assert_ip(r->ciaddr, "10.0.0.10");
	assert_false(has_option(r, LQ4_OPT_ASSOCIATED_IP));
	assert_memory_equal(r->relay_info_raw.data, relay10, sizeof(relay10));
}

static void test_by_mac_unknown(void **state)
{
	struct fixture *f = *state;
	/* 0x77: no binding; 0x0d: only a released one */
	static const uint8_t macs[] = { 0x77, 0x0d };

	for (size_t i = 0; i < sizeof(macs); i++) {
		struct lq4_msg *q = by_mac(macs[i]);

		q->prl = bytes(prl_all, sizeof(prl_all));
		const struct lq4_msg *r = expect(f, q, LQ4_LEASEUNKNOWN);
		assert_int_equal(f->res.kind, LQ_QUERY_V4_BY_MAC);
		assert_reply_basics(r, 0x2345);
		assert_ip(r->ciaddr, "0.0.0.0");
		/* the query's MAC address, so the requestor sees what was unknown */
		assert_int_equal(r->hlen, 6);
		assert_memory_equal(r->chaddr, mac(macs[i]), 6);
		assert_no_other_options(r);
	}
}

/* The hardware type must match unless either side does not know it. */
static void test_by_mac_htype(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q = by_mac(0x0a);

	q->htype = 6;   /* IEEE 802 */
	expect(f, q, LQ4_LEASEUNKNOWN);
	q = by_mac(0x0a);
	q->htype = 0;
	expect(f, q, LQ4_LEASEACTIVE);
}

/* ---- query by client identifier ---- */

static void test_by_client_id(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q = by_cid(cid10, sizeof(cid10));
	const struct lq4_msg *r;

	q->prl = bytes(prl_all, sizeof(prl_all));
	r = expect(f, q, LQ4_LEASEACTIVE);
	assert_int_equal(f->res.kind, LQ_QUERY_V4_BY_CLIENT_ID);
	assert_reply_basics(r, 0x3456);
	assert_ip(r->ciaddr, "10.0.0.10");
	assert_memory_equal(r->chaddr, mac(0x0a), 6);
	assert_memory_equal(r->client_id.data, cid10, sizeof(cid10));
	assert_false(has_option(r, LQ4_OPT_ASSOCIATED_IP));

	/* a client known only by its identifier: no hardware address */
	q = by_cid(cid20, sizeof(cid20));
	q->prl = bytes(prl_all, sizeof(prl_all));
	r = expect(f, q, LQ4_LEASEACTIVE);
	assert_ip(r->ciaddr, "10.0.0.20");
	assert_int_equal(r->htype, 0);
	assert_int_equal(r->hlen, 0);
	assert_int_equal(r->client_id.len, sizeof(cid20));
}

static void test_by_client_id_unknown(void **state)
{
	struct fixture *f = *state;
	static const uint8_t other[] = { 1, 2, 3 };
	struct lq4_msg *q = by_cid(other, sizeof(other));
	const struct lq4_msg *r = expect(f, q, LQ4_LEASEUNKNOWN);

	assert_int_equal(f->res.kind, LQ_QUERY_V4_BY_CLIENT_ID);
	assert_no_other_options(r);     /* not even the client identifier */
}

/* ---- options ---- */

static void test_sensitive_options_withheld(void **state)
{
	struct fixture *f = *state;
	struct lq_config cfg;
	struct lq_query_peer peer = peer_at(GIADDR, 67);
	static const char text[] =
		"{\"server-id\": \"" SERVER_ID "\", \"requesters\": [\"192.0.2.0/24\"],"
		" \"subnets4\": [{\"subnet\": \"10.0.0.0/24\", \"pools\": [\"10.0.0.10 - 10.0.0.200\"]}],"
		" \"sensitive-options\": {\"dhcp4\": [60, 82, 92, 12]}}";
	struct lq4_msg *q;

	parse_config(text, &cfg);
	q = by_ip("10.0.0.10");
	q->prl = bytes(prl_all, sizeof(prl_all));
	assert_int_equal(ask_with(f, &cfg, q, &peer), LQ_QUERY_REPLY);
	assert_false(f->reply.has_relay_info);
	assert_null(f->reply.vendor_class.data);
	assert_false(has_option(&f->reply, LQ4_OPT_HOSTNAME));
	assert_true(f->reply.has_lease_time);
	assert_non_null(f->reply.client_id.data);

	/* without a PRL too */
	assert_int_equal(ask_with(f, &cfg, by_ip("10.0.0.10"), &peer), LQ_QUERY_REPLY);
	assert_false(f->reply.has_relay_info);

	/* associated-ip, required otherwise, is withheld */
	assert_int_equal(ask_with(f, &cfg, by_mac(0x0b), &peer), LQ_QUERY_REPLY);
	assert_int_equal(f->res.reply_type, LQ4_LEASEACTIVE);
	assert_ip(f->reply.ciaddr, "10.0.0.11");
	assert_null(f->reply.associated_ip.data);
	lq_config_free(&cfg);
}

static void test_relay_info_as_received(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q;
	const struct lq4_msg *r;

	/* the stored option 82 comes back octet for octet, and its parsed
	 * sub-options are the stored ones */
	q = by_ip("10.0.0.10");
	r = expect(f, q, LQ4_LEASEACTIVE);
	assert_int_equal(r->relay_info_raw.len, sizeof(relay10));
	assert_memory_equal(r->relay_info_raw.data, relay10, sizeof(relay10));
	assert_int_equal(r->relay_info.circuit_id.len, 4);
	assert_memory_equal(r->relay_info.circuit_id.data, "eth0", 4);
	assert_memory_equal(r->relay_info.remote_id.data, "cpe001", 6);

	/* a stored value whose sub-options do not parse is left out */
	r = expect(f, by_ip("10.0.0.21"), LQ4_LEASEACTIVE);
	assert_false(r->has_relay_info);
	assert_true(r->has_lease_time);

	/* 404 octets: split in two instances (RFC 3396) when the requestor
	 * accepts 1500 octets, given up in 576 */
	q = by_ip("10.0.0.22");
	q->has_max_msg_size = true;
	q->max_msg_size = 1500;
	r = expect(f, q, LQ4_LEASEACTIVE);
	assert_int_equal(r->relay_info_raw.len, sizeof(relay_long));
	assert_memory_equal(r->relay_info_raw.data, relay_long, sizeof(relay_long));
	r = expect(f, by_ip("10.0.0.22"), LQ4_LEASEACTIVE);
	assert_true(f->res.len <= 576 - 28);
	assert_false(r->has_relay_info);
	/* the room 82 leaves goes to the smaller options after it */
	assert_true(r->has_lease_time);
	assert_true(r->has_clt_time);
	assert_true(r->has_t1);
	assert_true(r->has_t2);
}

/* ---- the size limit ---- */

static void test_size_limit(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q;
	const struct lq4_msg *r;
	size_t n;

	/* no option 57: 576 octets of datagram, 548 of message */
	r = expect(f, by_mac(0x99), LQ4_LEASEACTIVE);
	assert_true(f->res.len <= 548);
	assert_ip(r->ciaddr, "10.2.0.1");
	n = lq4_associated_ip_count(r);
	assert_true(n > 0 && n < MANY - 1);
	for (size_t i = 0; i < n; i++) {   /* most recent first: 10.2.0.2, .3, ... */
		char want[32];

		snprintf(want, sizeof(want), "10.2.%zu.%zu", (i + 1) / 200, (i + 1) % 200 + 1);
		assert_ip(lq4_associated_ip_at(r, i), want);
	}
	/* 548 - 250 octets of options: lease time (6), then 72 addresses
	 * (288 + 2 * 2); nothing less important fits after them */
	assert_int_equal(n, 72);
	assert_true(r->has_lease_time);
	assert_false(r->has_clt_time);
	assert_false(r->has_t1);
	assert_false(r->has_t2);
	assert_int_equal(f->res.len, 548);

	/* a maximum message size below 576 counts as 576 */
	q = by_mac(0x99);
	q->has_max_msg_size = true;
	q->max_msg_size = 300;
	r = expect(f, q, LQ4_LEASEACTIVE);
	assert_int_equal(lq4_associated_ip_count(r), n);

	/* 1500: more of them */
	q = by_mac(0x99);
	q->has_max_msg_size = true;
	q->max_msg_size = 1500;
	r = expect(f, q, LQ4_LEASEACTIVE);
	assert_true(f->res.len <= 1500 - 28);
	assert_int_equal(lq4_associated_ip_count(r), MANY - 1);

	/* the caller's buffer bounds it too */
	struct lq_query_peer peer = peer_at(GIADDR, 67);
	uint8_t pkt[1024];
	size_t len;
	assert_int_equal(lq4_encode(q, pkt, sizeof(pkt), &len), LQ_OK);
	assert_int_equal(answer_raw(f, &f->cfg, pkt, len, &peer, 400), 0);
	assert_int_equal(f->res.verdict, LQ_QUERY_REPLY);
	assert_true(f->res.len <= 400);
	assert_int_equal(lq4_decode(f->out, f->res.len, &f->reply, NULL), LQ_OK);
	assert_int_equal(f->reply.msg_type, LQ4_LEASEACTIVE);

	/* a buffer that cannot hold any reply */
	assert_true(answer_raw(f, &f->cfg, pkt, len, &peer, 100) < 0);
	assert_int_equal(f->res.verdict, LQ_QUERY_DROP);
	assert_still_serving(f);
}

/* ---- the reply destination ---- */

static void test_relay_source_port(void **state)
{
	struct fixture *f = *state;
	struct lq_query_peer peer = peer_at("192.0.2.60", 10067);
	/* 82.19, empty as RFC 8357 5.1 has the relay send it */
	static const uint8_t rai19[] = { 19, 0 };
	static const uint8_t rai19_port[] = { 1, 2, 'x', 'y', 19, 2, 0x27, 0x53 };
	struct lq4_msg *q;

	/* without the sub-option: giaddr, port 67, whatever the source */
	assert_int_equal(ask_with(f, &f->cfg, by_ip("10.0.0.10"), &peer), LQ_QUERY_REPLY);
	assert_memory_equal(f->res.dest.addr, ip(GIADDR).b, 4);
	assert_int_equal(f->res.dest.port, 67);

	/* with it: giaddr, at the query's source port */
	q = by_ip("10.0.0.10");
	q->relay_info_raw = bytes(rai19, sizeof(rai19));
	assert_int_equal(ask_with(f, &f->cfg, q, &peer), LQ_QUERY_REPLY);
	assert_int_equal(f->res.dest.family, 4);
	assert_memory_equal(f->res.dest.addr, ip(GIADDR).b, 4);
	assert_int_equal(f->res.dest.port, 10067);
	/* the reply's option 82 is the binding's, not the query's */
	assert_memory_equal(f->reply.relay_info_raw.data, relay10, sizeof(relay10));

	/* the two-octet form some relays write counts the same */
	q = by_mac(0x0b);
	q->relay_info_raw = bytes(rai19_port, sizeof(rai19_port));
	assert_int_equal(ask_with(f, &f->cfg, q, &peer), LQ_QUERY_REPLY);
	assert_int_equal(f->res.dest.port, 10067);

	/* also for DHCPLEASEUNKNOWN */
	q = by_ip("198.51.100.7");
	q->relay_info_raw = bytes(rai19, sizeof(rai19));
	assert_int_equal(ask_with(f, &f->cfg, q, &peer), LQ_QUERY_REPLY);
	assert_int_equal(f->res.reply_type, LQ4_LEASEUNKNOWN);
	assert_int_equal(f->res.dest.port, 10067);
}

/* ---- access ---- */

static void test_access_refused(void **state)
{
	struct fixture *f = *state;
	struct lq_query_peer stranger = peer_at("203.0.113.5", 67);
	struct lq_query_peer by_ip_only = peer_at("198.51.100.9", 67);
	struct lq_query_peer allowed = peer_at(GIADDR, 67);
	struct lq4_msg *q;

	/* a requestor in no requesters entry */
	q = by_ip("10.0.0.10");
	q->giaddr = ip("203.0.113.5");
	assert_int_equal(ask_with(f, &f->cfg, q, &stranger), LQ_QUERY_DROP);
	assert_true(f->res.refused);
	assert_int_equal(f->res.kind, LQ_QUERY_V4_BY_IP);
	assert_int_equal(f->res.len, 0);
	assert_still_serving(f);

	/* allowed by-ip only: by-ip answered, by-mac and by-client-id refused */
	q = by_ip("10.0.0.10");
	q->giaddr = ip("198.51.100.9");
	assert_int_equal(ask_with(f, &f->cfg, q, &by_ip_only), LQ_QUERY_REPLY);
	q = by_mac(0x0b);
	q->giaddr = ip("198.51.100.9");
	assert_int_equal(ask_with(f, &f->cfg, q, &by_ip_only), LQ_QUERY_DROP);
	assert_true(f->res.refused);
	assert_int_equal(f->res.kind, LQ_QUERY_V4_BY_MAC);
	q = by_cid(cid10, sizeof(cid10));
	q->giaddr = ip("198.51.100.9");
	assert_int_equal(ask_with(f, &f->cfg, q, &by_ip_only), LQ_QUERY_DROP);
	assert_true(f->res.refused);
	assert_still_serving(f);

	/* an allowed sender whose giaddr (where the reply would go) is not */
	q = by_ip("10.0.0.10");
	q->giaddr = ip("203.0.113.9");
	assert_int_equal(ask_with(f, &f->cfg, q, &allowed), LQ_QUERY_DROP);
	assert_true(f->res.refused);
	assert_still_serving(f);

	/* a refused query gets no reply in either refused-queries mode */
	struct lq_config cfg;
	static const char text[] = "{\"server-id\": \"" SERVER_ID "\", \"requesters\": [\"192.0.2.0/24\"],"
				   " \"refused-queries\": \"drop\"}";
	parse_config(text, &cfg);
	q = by_ip("10.0.0.10");
	assert_int_equal(ask_with(f, &cfg, q, &stranger), LQ_QUERY_DROP);
	assert_true(f->res.refused);
	assert_int_equal(ask_with(f, &cfg, by_ip("10.0.0.10"), &allowed), LQ_QUERY_REPLY);
	lq_config_free(&cfg);
}

/* A requestor on a v4-mapped IPv6 socket address is the IPv4 requestor. */
static void test_access_v4_mapped_peer(void **state)
{
	struct fixture *f = *state;
	struct lq_query_peer p;

	memset(&p, 0, sizeof(p));
	p.family = 6;
	p.addr[10] = 0xff;
	p.addr[11] = 0xff;
	memcpy(p.addr + 12, ip(GIADDR).b, 4);
	p.port = 67;
	assert_int_equal(ask_with(f, &f->cfg, by_ip("10.0.0.10"), &p), LQ_QUERY_REPLY);
	assert_int_equal(f->res.dest.family, 4);
}

/* ---- drop rules ---- */

static void test_drop_giaddr_zero(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q = by_ip("10.0.0.10");

	q->giaddr = ip("0.0.0.0");
	expect_drop(f, q);
}

static void test_drop_not_leasequery(void **state)
{
	struct fixture *f = *state;
	static const uint8_t types[] = { LQ4_DISCOVER, LQ4_REQUEST, LQ4_INFORM, LQ4_LEASEACTIVE,
					 LQ4_LEASEUNKNOWN, LQ4_BULKLEASEQUERY, LQ4_ACTIVELEASEQUERY,
					 LQ4_TLS, 200 };

	for (size_t i = 0; i < sizeof(types); i++) {
		struct lq4_msg *q = by_ip("10.0.0.10");

		q->msg_type = types[i];
		expect_drop(f, q);
	}
}

static void test_drop_op_not_request(void **state)
{
	struct fixture *f = *state;
	static const uint8_t ops[] = { LQ4_BOOTREPLY, 0, 3 };

	for (size_t i = 0; i < sizeof(ops); i++) {
		struct lq4_msg *q = by_ip("10.0.0.10");

		q->op = ops[i];
		expect_drop(f, q);
	}
}

static void test_drop_two_keys_or_none(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q;

	/* ciaddr and MAC */
	q = by_mac(0x0b);
	q->ciaddr = ip("10.0.0.11");
	expect_drop(f, q);
	/* MAC and client identifier */
	q = by_mac(0x0a);
	q->client_id = bytes(cid10, sizeof(cid10));
	expect_drop(f, q);
	/* ciaddr and client identifier */
	q = by_cid(cid10, sizeof(cid10));
	q->ciaddr = ip("10.0.0.10");
	expect_drop(f, q);
	/* all three */
	q = by_mac(0x0a);
	q->ciaddr = ip("10.0.0.10");
	q->client_id = bytes(cid10, sizeof(cid10));
	expect_drop(f, q);
	/* none */
	expect_drop(f, query(0x4567));
	/* none: htype and hlen set, chaddr all zero */
	q = query(0x4568);
	q->htype = 1;
	q->hlen = 6;
	expect_drop(f, q);
}

static void test_drop_other_server_id(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q = by_ip("10.0.0.10");

	q->has_server_id = true;
	q->server_id = ip("192.0.2.2");
	expect_drop(f, q);
	/* our own is fine */
	q = by_ip("10.0.0.10");
	q->has_server_id = true;
	q->server_id = ip(SERVER_ID);
	expect(f, q, LQ4_LEASEACTIVE);
}

static void test_drop_malformed_packets(void **state)
{
	struct fixture *f = *state;
	uint8_t pkt[1024];
	uint8_t bad[1024];
	size_t len;
	struct lq_query_peer peer = peer_at(GIADDR, 67);

	assert_int_equal(lq4_encode(by_ip("10.0.0.10"), pkt, sizeof(pkt), &len), LQ_OK);

	/* empty, a NULL datagram, every truncation of the header and cookie */
	expect_drop_raw(f, pkt, 0);
	assert_int_equal(answer_raw(f, &f->cfg, NULL, 0, &peer, sizeof(f->out)), 0);
	assert_int_equal(f->res.verdict, LQ_QUERY_DROP);
	for (size_t n = 1; n < LQ4_MIN_LEN; n += 13)
		expect_drop_raw(f, pkt, n);
	expect_drop_raw(f, pkt, LQ4_MIN_LEN - 1);
	/* header and cookie only: no message type */
	expect_drop_raw(f, pkt, LQ4_MIN_LEN);
	/* bad magic cookie */
	memcpy(bad, pkt, len);
	bad[LQ4_HEADER_LEN] = 0;
	expect_drop_raw(f, bad, len);
	/* an option overrunning the message */
	memcpy(bad, pkt, LQ4_MIN_LEN);
	bad[LQ4_MIN_LEN] = LQ4_OPT_MSG_TYPE;
	bad[LQ4_MIN_LEN + 1] = 5;
	bad[LQ4_MIN_LEN + 2] = LQ4_LEASEQUERY;
	expect_drop_raw(f, bad, LQ4_MIN_LEN + 3);
	/* message type of length 2 */
	memcpy(bad, pkt, LQ4_MIN_LEN);
	memcpy(bad + LQ4_MIN_LEN, (const uint8_t[]){ 53, 2, 10, 10, 255 }, 5);
	expect_drop_raw(f, bad, LQ4_MIN_LEN + 5);
	/* hlen beyond chaddr */
	memcpy(bad, pkt, len);
	bad[2] = 17;
	expect_drop_raw(f, bad, len);
	/* an option 82 whose sub-option overruns it */
	memcpy(bad, pkt, LQ4_MIN_LEN);
	memcpy(bad + LQ4_MIN_LEN, (const uint8_t[]){ 53, 1, 10, 82, 3, 1, 9, 0, 255 }, 9);
	expect_drop_raw(f, bad, LQ4_MIN_LEN + 9);
	/* garbage */
	for (size_t i = 0; i < sizeof(bad); i++)
		bad[i] = (uint8_t)(i * 37 + 11);
	expect_drop_raw(f, bad, sizeof(bad));
	memset(bad, 0xff, sizeof(bad));
	expect_drop_raw(f, bad, sizeof(bad));
	/* a valid message with trailing octets after END is still answered */
	memcpy(bad, pkt, len);
	memset(bad + len, 0xee, 7);
	struct lq_query_peer p = peer_at(GIADDR, 67);
	assert_int_equal(answer_raw(f, &f->cfg, bad, len + 7, &p, sizeof(f->out)), 0);
	assert_int_equal(f->res.verdict, LQ_QUERY_REPLY);
}

/* The same query answered twice from the same snapshot gives the same
 * octets: nothing is kept between queries. */
static void test_repeatable(void **state)
{
	struct fixture *f = *state;
	uint8_t first[2048];
	size_t first_len;
	struct lq4_msg *q = by_mac(0x0b);

	q->prl = bytes(prl_all, sizeof(prl_all));
	expect(f, q, LQ4_LEASEACTIVE);
	first_len = f->res.len;
	memcpy(first, f->out, first_len);
	expect(f, by_cid(cid20, sizeof(cid20)), LQ4_LEASEACTIVE);
	q = by_mac(0x0b);
	q->prl = bytes(prl_all, sizeof(prl_all));
	expect(f, q, LQ4_LEASEACTIVE);
	assert_int_equal(f->res.len, first_len);
	assert_memory_equal(f->out, first, first_len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_ip_active_with_prl),
		cmocka_unit_test(test_by_ip_active_without_prl),
		cmocka_unit_test(test_by_ip_prl_selects),
		cmocka_unit_test(test_by_ip_lease_times),
		cmocka_unit_test(test_by_ip_unassigned),
		cmocka_unit_test(test_by_ip_unknown),
		cmocka_unit_test(test_by_ip_outside_subnets_active),
		cmocka_unit_test(test_by_ip_zero_chaddr_accepted),
		cmocka_unit_test(test_by_mac_most_recent_and_associated),
		cmocka_unit_test(test_by_mac_single),
		cmocka_unit_test(test_by_mac_unknown),
		cmocka_unit_test(test_by_mac_htype),
		cmocka_unit_test(test_by_client_id),
		cmocka_unit_test(test_by_client_id_unknown),
		cmocka_unit_test(test_sensitive_options_withheld),
		cmocka_unit_test(test_relay_info_as_received),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_relay_source_port),
		cmocka_unit_test(test_access_refused),
		cmocka_unit_test(test_access_v4_mapped_peer),
		cmocka_unit_test(test_drop_giaddr_zero),
		cmocka_unit_test(test_drop_not_leasequery),
		cmocka_unit_test(test_drop_op_not_request),
		cmocka_unit_test(test_drop_two_keys_or_none),
		cmocka_unit_test(test_drop_other_server_id),
		cmocka_unit_test(test_drop_malformed_packets),
		cmocka_unit_test(test_repeatable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
