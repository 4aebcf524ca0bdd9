/* test_answer6.c - the DHCPv6 single-query engine (RFC 5007) end to end:
 * queries built with the wire writer, answered by lq6_query_answer from a
 * real LMDB store in a temporary directory and a configuration parsed from
 * JSON, replies decoded with lq6_decode. Every query type and outcome, the
 * lifetimes counted down, expired bindings left out, ORO and the relay data,
 * sensitive options withheld, relayed and nested-relayed queries, every
 * discard rule of RFC 5007 4.2.1 and every status code, each crafted packet
 * followed by a normal query that must still be answered correctly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lq/client_data6.h"
#include "lq/lqtime.h"
#include "lq/query.h"
#include "../../lib/query/answer6_internal.h"
#include "../tools/store_fixture.h"

#define NOW 2000000000
#define CAP LQ_QUERY_MAX_REPLY

/* ------------------------------------------------------------- data */

static const uint8_t duid_server[] = {0, 2, 0, 0, 0, 9, 0x0a, 0x0b, 0x0c, 0x0d};
static const uint8_t duid_other_server[] = {0, 2, 0, 0, 0, 9, 0x0a, 0x0b, 0x0c, 0x0e};
static const uint8_t duid_requestor[] = {0, 1, 0, 1, 0x11, 0x22, 0x33, 0x44, 2, 0, 0, 0, 0, 1};
static const uint8_t duid_a[] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 0x0a};
static const uint8_t duid_b[] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 0x0b};
static const uint8_t duid_e[] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 0x0e};
static const uint8_t duid_z[] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 0x5a};
static const uint8_t hw_a[] = {2, 0, 0, 0, 0, 0x0a};

/* The configuration: %s is the sensitive option list, then more keys. */
#define CONFIG_FORMAT \
	"{\n" \
	"  \"server-duid\": \"00:02:00:00:00:09:0a:0b:0c:0d\",\n" \
	"  \"subnets6\": [\n" \
	"    {\"subnet\": \"2001:db8:1::/64\", \"id\": 1,\n" \
	"     \"pools\": [\"2001:db8:1::100 - 2001:db8:1::ffff\"],\n" \
	"     \"pd-pools\": [{\"prefix\": \"2001:db8:8000::/40\", \"delegated-len\": 56}]},\n" \
	"    {\"subnet\": \"2001:db8:2::/64\", \"id\": 2,\n" \
	"     \"pools\": [\"2001:db8:2::100 - 2001:db8:2::ffff\"]}\n" \
	"  ],\n" \
	"  \"requesters\": [\"::1/128\", \"2001:db8:ffff::/48\",\n" \
	"                 {\"prefix\": \"2001:db8:fffe::/48\", \"query-types\": [\"by-address\"]}],\n" \
	"  \"sensitive-options\": {\"dhcp6\": [%s]}%s\n" \
	"}\n"

static lq_ip6 ip(const char *text)
{
	lq_ip6 a;

	assert_int_equal(inet_pton(AF_INET6, text, a.b), 1);
	return a;
}

/* ------------------------------------------------------------- fixture */

struct fixture {
	char dir[64];
	struct lq_store *store;
	struct lq_store_reader *reader;
	struct lq_config cfg;
	uint8_t relay_a[256], relay_b[256];
	size_t relay_a_len, relay_b_len;
};

static lq_bytes bytes(const void *p, size_t n)
{
	return (lq_bytes){(const uint8_t *)p, n};
}

static struct lq_binding binding(uint8_t type, const char *addr, uint8_t plen, const uint8_t *duid,
				 size_t duid_len, const char *link, int64_t cltt)
{
	struct lq_binding b;
	lq_ip6 a = ip(addr);

	memset(&b, 0, sizeof(b));
	lq_binding_key_v6(&b.key, &a, plen);
	b.type = type;
	b.state = LQ_STATE_ACTIVE;
	b.iaid = 1;
	b.client_id = bytes(duid, duid_len);
	b.cltt = cltt;
	b.valid_lifetime = 3600;
	b.preferred_lifetime = 1800;
	b.expire = cltt + 3600;
	if (link != NULL)
		b.link_address = ip(link);
	return b;
}

/* A's relay: one RELAY-FORW with interface-id, remote-id and subscriber-id
 * (sensitive), and the client's REQUEST inside. */
static size_t relay_info_a(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq_ip6 link = ip("2001:db8:1::1"), peer = ip("fe80::a");
	size_t len;

	lq6w_init(&w, out, cap);
	lq6w_relay_header(&w, LQ6_RELAY_FORW, 0, &link, &peer);
	lq6w_option(&w, LQ6_OPT_INTERFACE_ID, "eth0", 4);
	lq6w_remote_id(&w, 9, "cpe-a", 5);
	lq6w_option(&w, LQ6_OPT_SUBSCRIBER_ID, "sub-a", 5);
	lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	lq6w_header(&w, LQ6_REQUEST, 0x1234);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_a, sizeof(duid_a));
	lq6w_close(&w);
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	return len;
}

/* B's relay on link 1: two relays, the client's RENEW in the inner one. */
static size_t relay_info_b(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq_ip6 zero = ip("::"), outer_peer = ip("2001:db8:ffff::77");
	lq_ip6 link = ip("2001:db8:1::1"), peer = ip("fe80::b");
	size_t len;

	lq6w_init(&w, out, cap);
	lq6w_relay_header(&w, LQ6_RELAY_FORW, 1, &zero, &outer_peer);
	lq6w_option(&w, LQ6_OPT_INTERFACE_ID, "up", 2);
	lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	lq6w_relay_header(&w, LQ6_RELAY_FORW, 0, &link, &peer);
	lq6w_option(&w, LQ6_OPT_INTERFACE_ID, "eth1", 4);
	lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	lq6w_header(&w, LQ6_RENEW, 0x4321);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_b, sizeof(duid_b));
	lq6w_close(&w);
	lq6w_close(&w);
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	return len;
}

static void load_bindings(struct fixture *f)
{
	struct lq_binding_change c[9];
	size_t n = 0;

	memset(c, 0, sizeof(c));
	f->relay_a_len = relay_info_a(f->relay_a, sizeof(f->relay_a));
	f->relay_b_len = relay_info_b(f->relay_b, sizeof(f->relay_b));

	/* A: an address and a delegated prefix on link 1, and an expired address. */
	c[n].binding = binding(LQ_LEASE_NA, "2001:db8:1::101", 128, duid_a, sizeof(duid_a),
			       "2001:db8:1::1", NOW - 100);
	c[n].binding.relay_info = bytes(f->relay_a, f->relay_a_len);
	c[n].binding.relay_peer = ip("fe80::a");
	c[n].binding.htype = 1;
	c[n].binding.hwaddr = bytes(hw_a, sizeof(hw_a));
	c[n].binding.hostname = bytes("host-a.example.com", 18);
	n++;
	c[n++].binding = binding(LQ_LEASE_PD, "2001:db8:8000:100::", 56, duid_a, sizeof(duid_a),
				 "2001:db8:1::1", NOW - 50);
	c[n].binding = binding(LQ_LEASE_NA, "2001:db8:1::102", 128, duid_a, sizeof(duid_a),
			       "2001:db8:1::1", NOW - 4000);
	n++;
	/* B: one address on each link. */
	c[n].binding = binding(LQ_LEASE_NA, "2001:db8:1::201", 128, duid_b, sizeof(duid_b),
			       "2001:db8:1::1", NOW - 10);
	c[n].binding.relay_info = bytes(f->relay_b, f->relay_b_len);
	c[n].binding.relay_peer = ip("fe80::b");
	n++;
	c[n++].binding = binding(LQ_LEASE_NA, "2001:db8:2::201", 128, duid_b, sizeof(duid_b),
				 "2001:db8:2::1", NOW - 20);
	/* A released address. */
	c[n].binding = binding(LQ_LEASE_NA, "2001:db8:1::301", 128, duid_z, sizeof(duid_z),
			       "2001:db8:1::1", NOW - 30);
	c[n].binding.state = LQ_STATE_RELEASED;
	n++;
	/* E: infinite lifetimes, no relay (its subnet gives the link). */
	c[n].binding = binding(LQ_LEASE_NA, "2001:db8:2::401", 128, duid_e, sizeof(duid_e), NULL,
			       NOW - 5);
	c[n].binding.expire = LQ_TIME_NEVER;
	c[n].binding.valid_lifetime = LQ_INFINITE_LIFETIME;
	c[n].binding.preferred_lifetime = LQ_INFINITE_LIFETIME;
	n++;
	for (size_t i = 0; i < n; i++)
		c[i].op = LQ_CHANGE_UPSERT;
	assert_int_equal(lq_store_apply(f->store, c, n, NOW - 1, NULL), LQ_STORE_OK);
}

static void parse_config(const char *sensitive, const char *more, struct lq_config *cfg)
{
	char text[2048], err[512] = "";
	int n = snprintf(text, sizeof(text), CONFIG_FORMAT, sensitive, more);

	assert_true(n > 0 && (size_t)n < sizeof(text));
	if (lq_config_parse(text, (size_t)n, NULL, cfg, err, sizeof(err)) != 0)
		fail_msg("config: %s", err);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s", "/tmp/lq-answer6-test-XXXXXX");
	if (mkdtemp(f->dir) == NULL || lq_store_open(&f->store, f->dir, NULL) != LQ_STORE_OK) {
		free(f);
		return -1;
	}
	load_bindings(f);
	parse_config("79, 38", "", &f->cfg);
	if (lq_store_read_begin(f->store, &f->reader) != LQ_STORE_OK)
		return -1;
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

/* ------------------------------------------------------------- queries */

struct q {
	uint32_t xid;
	uint8_t type;
	const char *link;               /* NULL: :: */
	const char *addr;               /* IAADDR, NULL: none */
	const uint8_t *duid;            /* query's OPTION_CLIENTID, NULL: none */
	size_t duid_len;
	const uint16_t *oro;
	size_t n_oro;
	bool no_client_id;              /* leave out the requestor's OPTION_CLIENTID */
	bool no_lq_query;
	const uint8_t *server_id;
	size_t server_id_len;
	uint8_t msg_type;               /* 0: LEASEQUERY */
};

static size_t build(const struct q *q, uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq_ip6 link = ip(q->link != NULL ? q->link : "::");
	size_t len;

	lq6w_init(&w, out, cap);
	lq6w_header(&w, q->msg_type != 0 ? q->msg_type : LQ6_LEASEQUERY, q->xid);
	if (!q->no_client_id)
		lq6w_option(&w, LQ6_OPT_CLIENTID, duid_requestor, sizeof(duid_requestor));
	if (q->server_id != NULL)
		lq6w_option(&w, LQ6_OPT_SERVERID, q->server_id, q->server_id_len);
	if (!q->no_lq_query) {
		lq6w_lq_query_open(&w, q->type, &link);
		if (q->addr != NULL) {
			lq_ip6 a = ip(q->addr);
			lq6w_iaaddr(&w, &a, 0, 0);
		}
		if (q->duid != NULL)
			lq6w_option(&w, LQ6_OPT_CLIENTID, q->duid, q->duid_len);
		if (q->oro != NULL)
			lq6w_oro(&w, q->oro, q->n_oro);
		lq6w_close(&w);
	}
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	return len;
}

/* Wrap msg in a RELAY-FORW (in place: out must hold the result). */
static size_t relay(uint8_t *buf, size_t len, size_t cap, uint8_t hop, const char *link,
		    const char *peer, const char *ifid)
{
	uint8_t tmp[CAP];
	struct lq6_writer w;
	lq_ip6 l = ip(link), p = ip(peer);
	size_t out;

	memcpy(tmp, buf, len);
	lq6w_init(&w, buf, cap);
	lq6w_relay_header(&w, LQ6_RELAY_FORW, hop, &l, &p);
	if (ifid != NULL)
		lq6w_option(&w, LQ6_OPT_INTERFACE_ID, ifid, strlen(ifid));
	lq6w_option(&w, LQ6_OPT_RELAY_MSG, tmp, len);
	assert_int_equal(lq6w_finish(&w, &out), LQ_OK);
	return out;
}

struct answer {
	int rc;
	struct lq_query_result res;
	uint8_t out[CAP];
	struct lq6_msg m;               /* the reply (the innermost message when relayed) */
};

static struct lq_query_peer peer_at(const char *addr, bool multicast)
{
	struct lq_query_peer p;
	lq_ip6 a = ip(addr);

	memset(&p, 0, sizeof(p));
	p.family = 6;
	memcpy(p.addr, a.b, 16);
	p.port = 40546;
	p.multicast = multicast;
	return p;
}

static void assert_dest(const struct lq_query_result *res, const struct lq_query_peer *peer)
{
	assert_int_equal(res->dest.family, peer->family);
	assert_memory_equal(res->dest.addr, peer->addr, 16);
	assert_int_equal(res->dest.port, peer->port);
	assert_int_equal(res->dest.multicast, peer->multicast);
}

static void ask_with(const struct lq_config *cfg, struct fixture *f, const uint8_t *pkt, size_t len,
		     const struct lq_query_peer *peer, struct answer *a)
{
	struct lq_query_env env = {cfg, NOW};

	memset(a, 0, sizeof(*a));
	a->rc = lq6_query_answer(&env, f->reader, pkt, len, peer, a->out, sizeof(a->out), &a->res);
	assert_int_equal(a->rc, 0);
	if (a->res.verdict == LQ_QUERY_REPLY) {
		assert_true(a->res.len > 0 && a->res.len <= sizeof(a->out));
		assert_int_equal(lq6_decode(a->out, a->res.len, &a->m, NULL), LQ_OK);
		assert_dest(&a->res, peer);
		while (a->m.type == LQ6_RELAY_REPL)
			assert_int_equal(lq6_decode_inner(a->m.relay_msg, &a->m, NULL), LQ_OK);
	}
}

static struct answer *ask_from(struct fixture *f, const struct q *q, const char *from, bool multicast)
{
	static struct answer a;
	uint8_t pkt[CAP];
	size_t len = build(q, pkt, sizeof(pkt));
	struct lq_query_peer p = peer_at(from, multicast);

	ask_with(&f->cfg, f, pkt, len, &p, &a);
	return &a;
}

static struct answer *ask(struct fixture *f, const struct q *q)
{
	return ask_from(f, q, "::1", false);
}

/* ------------------------------------------------------------- checks */

/* A LEASEQUERY-REPLY to xid with our server-id and the requestor's
 * client-id, and status (0: no status option). */
static void assert_reply(const struct answer *a, uint32_t xid, uint16_t status)
{
	assert_int_equal(a->res.verdict, LQ_QUERY_REPLY);
	assert_int_equal(a->m.type, LQ6_LEASEQUERY_REPLY);
	assert_int_equal(a->m.xid, xid);
	assert_int_equal(a->m.server_id.len, sizeof(duid_server));
	assert_memory_equal(a->m.server_id.data, duid_server, sizeof(duid_server));
	assert_int_equal(a->m.client_id.len, sizeof(duid_requestor));
	assert_memory_equal(a->m.client_id.data, duid_requestor, sizeof(duid_requestor));
	assert_int_equal(a->res.status, status);
	if (status == LQ6_STATUS_SUCCESS) {
		assert_false(a->m.status.present);
	} else {
		assert_true(a->m.status.present);
		assert_int_equal(a->m.status.code, status);
		assert_true(a->m.status.message.len > 0);
		assert_false(a->m.client_data.present);
		assert_null(a->m.client_link.data);
	}
}

static void assert_no_data(const struct answer *a)
{
	assert_false(a->m.client_data.present);
	assert_null(a->m.client_link.data);
	assert_int_equal(a->res.bindings, 0);
}

static void assert_dropped(const struct answer *a)
{
	assert_int_equal(a->res.verdict, LQ_QUERY_DROP);
	assert_non_null(a->res.reason);
	assert_int_equal(a->res.len, 0);
}

struct lease {
	const char *addr;
	uint8_t plen;                   /* 128: IAADDR */
	uint32_t preferred, valid;
};

/* CLIENT_DATA of client duid with exactly these leases, in this order. */
static void assert_client_data(const struct answer *a, const uint8_t *duid, size_t duid_len,
			       const struct lease *want, size_t n, uint32_t clt)
{
	struct lq6_iter it;
	struct lq6_lease l;
	size_t i = 0;

	assert_true(a->m.client_data.present);
	assert_int_equal(a->m.client_data.client_id.len, duid_len);
	assert_memory_equal(a->m.client_data.client_id.data, duid, duid_len);
	assert_true(a->m.client_data.has_clt_time);
	assert_int_equal(a->m.client_data.clt_time, clt);
	lq6_iter_init(&it, a->m.client_data.options);
	while (lq6_client_data_next(&it, &l)) {
		lq_ip6 addr;
		assert_true(i < n);
		addr = ip(want[i].addr);
		assert_memory_equal(l.addr.b, addr.b, 16);
		assert_int_equal(l.prefix_len, want[i].plen);
		assert_int_equal(l.is_prefix, want[i].plen != 128);
		assert_int_equal(l.preferred, want[i].preferred);
		assert_int_equal(l.valid, want[i].valid);
		i++;
	}
	assert_int_equal(i, n);
	assert_int_equal(a->res.bindings, n);
	assert_null(a->m.client_link.data);
}

static const struct lease leases_a[] = {
	{"2001:db8:1::101", 128, 1700, 3500},
	{"2001:db8:8000:100::", 56, 1750, 3550},
};

/* The normal query after every crafted one: A's address, answered fully. */
static void assert_still_serving(struct fixture *f)
{
	struct q q = {.xid = 0xabcdef, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101"};
	struct answer *a = ask(f, &q);

	assert_reply(a, 0xabcdef, 0);
	assert_false(a->res.refused);
	assert_client_data(a, duid_a, sizeof(duid_a), leases_a, 2, 50);
}

/* ------------------------------------------------------------- by address */

static void test_by_address_bound(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 0x010203, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101"};
	struct answer *a = ask(f, &q);
	struct lq_query_peer p = peer_at("::1", false);

	assert_reply(a, 0x010203, 0);
	/* Both of A's bindings on the link, lifetimes counted down from cltt;
	 * CLT_TIME from the newest transaction (the prefix's, 50 s ago); the
	 * expired address is left out. */
	assert_client_data(a, duid_a, sizeof(duid_a), leases_a, 2, 50);
	assert_false(a->m.client_data.has_relay_data);
	assert_int_equal(a->res.kind, LQ_QUERY_V6_BY_ADDRESS);
	assert_int_equal(a->res.reply_type, LQ6_LEASEQUERY_REPLY);
	assert_dest(&a->res, &p);
	assert_null(a->res.reason);
}

static void test_by_address_in_prefix(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 7, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:8000:1ab::1234"};
	struct answer *a = ask(f, &q);

	assert_reply(a, 7, 0);
	assert_client_data(a, duid_a, sizeof(duid_a), leases_a, 2, 50);
	assert_false(ask(f, &(struct q){.xid = 8, .type = LQ6_QUERY_BY_ADDRESS,
					 .addr = "2001:db8:8000:200::1"})->m.client_data.present);
}

static void test_by_address_unbound(void **state)
{
	struct fixture *f = *state;
	/* In a pool, never bound; released; expired; in a pd-pool, not delegated. */
	static const char *const unbound[] = {"2001:db8:1::1ff", "2001:db8:1::301",
					      "2001:db8:1::102", "2001:db8:80ff::1"};

	for (size_t i = 0; i < sizeof(unbound) / sizeof(unbound[0]); i++) {
		struct q q = {.xid = 100 + (uint32_t)i, .type = LQ6_QUERY_BY_ADDRESS,
			      .addr = unbound[i]};
		struct answer *a = ask(f, &q);

		assert_reply(a, 100 + (uint32_t)i, 0);
		assert_no_data(a);
	}
	assert_still_serving(f);
}

static void test_by_address_not_configured(void **state)
{
	struct fixture *f = *state;
	/* No subnet; in a subnet but outside its pools; a link-local address. */
	static const char *const outside[] = {"2001:db8:99::1", "2001:db8:1::5", "fe80::1"};

	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		struct q q = {.xid = 200 + (uint32_t)i, .type = LQ6_QUERY_BY_ADDRESS,
			      .addr = outside[i]};
		struct answer *a = ask(f, &q);

		assert_reply(a, 200 + (uint32_t)i, LQ6_STATUS_NOT_CONFIGURED);
		assert_int_equal(a->res.kind, LQ_QUERY_V6_BY_ADDRESS);
		assert_still_serving(f);
	}
}

static void test_by_address_with_link(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 300, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101",
		      .link = "2001:db8:1::1"};
	struct answer *a = ask(f, &q);
	static const struct lease b2[] = {{"2001:db8:2::201", 128, 1780, 3580}};

	/* The link of the binding: answered (any address on the link names it). */
	assert_reply(a, 300, 0);
	assert_client_data(a, duid_a, sizeof(duid_a), leases_a, 2, 50);
	q.link = "2001:db8:1::abcd";
	assert_client_data(ask(f, &q), duid_a, sizeof(duid_a), leases_a, 2, 50);

	/* A configured link the address is not on. */
	q.link = "2001:db8:2::1";
	assert_reply(ask(f, &q), 300, LQ6_STATUS_NOT_CONFIGURED);
	/* A link this server does not know. */
	q.link = "2001:db8:99::1";
	assert_reply(ask(f, &q), 300, LQ6_STATUS_NOT_CONFIGURED);
	/* Unbound, on its configured link: no client. */
	q.link = "2001:db8:1::1";
	q.addr = "2001:db8:1::1ff";
	a = ask(f, &q);
	assert_reply(a, 300, 0);
	assert_no_data(a);
	/* B on link 2: only its binding there. */
	q.link = "2001:db8:2::1";
	q.addr = "2001:db8:2::201";
	a = ask(f, &q);
	assert_reply(a, 300, 0);
	assert_client_data(a, duid_b, sizeof(duid_b), b2, 1, 20);
	assert_still_serving(f);
}

static void test_by_address_infinite(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 400, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:2::401"};
	struct answer *a = ask(f, &q);
	static const struct lease e[] = {{"2001:db8:2::401", 128, 0xffffffff, 0xffffffff}};

	assert_reply(a, 400, 0);
	assert_client_data(a, duid_e, sizeof(duid_e), e, 1, 5);
	/* The link of a binding without a relay is its subnet's. */
	q.link = "2001:db8:2::1";
	assert_client_data(ask(f, &q), duid_e, sizeof(duid_e), e, 1, 5);
}

/* ------------------------------------------------------------- by client-id */

static void test_by_client_id_one_link(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 500, .type = LQ6_QUERY_BY_CLIENTID, .duid = duid_a,
		      .duid_len = sizeof(duid_a)};
	struct answer *a = ask(f, &q);

	assert_reply(a, 500, 0);
	assert_client_data(a, duid_a, sizeof(duid_a), leases_a, 2, 50);
	assert_int_equal(a->res.kind, LQ_QUERY_V6_BY_CLIENT_ID);
}

static void test_by_client_id_with_link(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 501, .type = LQ6_QUERY_BY_CLIENTID, .duid = duid_b,
		      .duid_len = sizeof(duid_b), .link = "2001:db8:1::1"};
	static const struct lease b1[] = {{"2001:db8:1::201", 128, 1790, 3590}};
	static const struct lease b2[] = {{"2001:db8:2::201", 128, 1780, 3580}};
	struct answer *a = ask(f, &q);

	assert_reply(a, 501, 0);
	assert_client_data(a, duid_b, sizeof(duid_b), b1, 1, 10);
	q.link = "2001:db8:2::77";
	assert_client_data(ask(f, &q), duid_b, sizeof(duid_b), b2, 1, 20);
	/* A configured link where the client has nothing. */
	q.duid = duid_e;
	q.link = "2001:db8:1::1";
	a = ask(f, &q);
	assert_reply(a, 501, 0);
	assert_no_data(a);
	/* A link this server does not know. */
	q.link = "2001:db8:99::1";
	assert_reply(ask(f, &q), 501, LQ6_STATUS_NOT_CONFIGURED);
	assert_still_serving(f);
}

static void test_by_client_id_several_links(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 502, .type = LQ6_QUERY_BY_CLIENTID, .duid = duid_b,
		      .duid_len = sizeof(duid_b)};
	struct answer *a = ask(f, &q);
	lq_ip6 l1 = ip("2001:db8:1::1"), l2 = ip("2001:db8:2::1");
	bool seen1 = false, seen2 = false;

	assert_reply(a, 502, 0);
	assert_false(a->m.client_data.present);
	assert_int_equal(lq6_client_link_count(&a->m), 2);
	for (size_t i = 0; i < 2; i++) {
		lq_ip6 l = lq6_client_link_at(&a->m, i);
		seen1 |= memcmp(l.b, l1.b, 16) == 0;
		seen2 |= memcmp(l.b, l2.b, 16) == 0;
	}
	assert_true(seen1 && seen2);
	assert_int_equal(a->res.bindings, 0);
}

static void test_by_client_id_unknown(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 503, .type = LQ6_QUERY_BY_CLIENTID, .duid = duid_z,
		      .duid_len = sizeof(duid_z)};
	struct answer *a = ask(f, &q);

	/* Z's only binding is released: no client. */
	assert_reply(a, 503, 0);
	assert_no_data(a);
	q.duid = (const uint8_t[]){0, 4, 1, 2, 3};
	q.duid_len = 5;
	a = ask(f, &q);
	assert_reply(a, 503, 0);
	assert_no_data(a);
}

/* ------------------------------------------------------------- ORO */

static void test_oro_relay_data(void **state)
{
	struct fixture *f = *state;
	static const uint16_t oro[] = {LQ6_OPT_LQ_RELAY_DATA, LQ6_OPT_CLIENT_LINKLAYER_ADDR,
				       LQ6_OPT_CLIENT_FQDN, LQ6_OPT_DNS_SERVERS};
	struct q q = {.xid = 600, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101",
		      .oro = oro, .n_oro = 4};
	struct answer *a = ask(f, &q);
	struct lq6_msg rm;
	lq_ip6 peer = ip("fe80::a"), link = ip("2001:db8:1::1");
	static const uint8_t fqdn[] = {0, 6, 'h', 'o', 's', 't', '-', 'a', 7, 'e', 'x', 'a', 'm', 'p',
				       'l', 'e', 3, 'c', 'o', 'm', 0};
	struct lq6_opt o;

	assert_reply(a, 600, 0);
	assert_client_data(a, duid_a, sizeof(duid_a), leases_a, 2, 50);
	/* The relay data: peer and the RELAY-FORW without the client's message
	 * and without the sensitive subscriber-id (38). */
	assert_true(a->m.client_data.has_relay_data);
	assert_memory_equal(a->m.client_data.relay_peer.b, peer.b, 16);
	assert_int_equal(lq6_decode_inner(a->m.client_data.relay_message, &rm, NULL), LQ_OK);
	assert_int_equal(rm.type, LQ6_RELAY_FORW);
	assert_int_equal(rm.hop_count, 0);
	assert_memory_equal(rm.link_address.b, link.b, 16);
	assert_memory_equal(rm.peer_address.b, peer.b, 16);
	assert_int_equal(rm.interface_id.len, 4);
	assert_memory_equal(rm.interface_id.data, "eth0", 4);
	assert_true(rm.remote_id.present);
	assert_int_equal(rm.remote_id.enterprise, 9);
	assert_null(rm.relay_msg.data);
	assert_null(lq6_find(rm.options, LQ6_OPT_SUBSCRIBER_ID).value.data);
	/* The link-layer address (79) is sensitive: withheld. FQDN from the
	 * hostname. DNS servers: nothing a binding holds. */
	assert_null(lq6_find(a->m.client_data.options, LQ6_OPT_CLIENT_LINKLAYER_ADDR).value.data);
	o = lq6_find(a->m.client_data.options, LQ6_OPT_CLIENT_FQDN);
	assert_int_equal(o.value.len, sizeof(fqdn));
	assert_memory_equal(o.value.data, fqdn, sizeof(fqdn));
	assert_null(lq6_find(a->m.client_data.options, LQ6_OPT_DNS_SERVERS).value.data);
	assert_still_serving(f);
}

static void test_oro_relay_data_nested(void **state)
{
	struct fixture *f = *state;
	static const uint16_t oro[] = {LQ6_OPT_LQ_RELAY_DATA};
	struct q q = {.xid = 601, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::201",
		      .oro = oro, .n_oro = 1};
	struct answer *a = ask(f, &q);
	struct lq6_msg outer, inner;
	lq_ip6 peer = ip("fe80::b");

	assert_reply(a, 601, 0);
	assert_true(a->m.client_data.has_relay_data);
	assert_memory_equal(a->m.client_data.relay_peer.b, peer.b, 16);
	assert_int_equal(lq6_decode_inner(a->m.client_data.relay_message, &outer, NULL), LQ_OK);
	assert_int_equal(outer.type, LQ6_RELAY_FORW);
	assert_int_equal(outer.hop_count, 1);
	assert_memory_equal(outer.interface_id.data, "up", 2);
	assert_int_equal(lq6_decode_inner(outer.relay_msg, &inner, NULL), LQ_OK);
	assert_int_equal(inner.type, LQ6_RELAY_FORW);
	assert_int_equal(inner.hop_count, 0);
	assert_memory_equal(inner.peer_address.b, peer.b, 16);
	assert_memory_equal(inner.interface_id.data, "eth1", 4);
	assert_null(inner.relay_msg.data);      /* the client's RENEW is gone */
	/* The relay data is the outer RELAY-FORW exactly: header, interface-id,
	 * RELAY_MSG(inner header, interface-id). */
	assert_int_equal(a->m.client_data.relay_message.len, (34 + 6 + 4) + (34 + 8));
}

static void test_sensitive_relay_data(void **state)
{
	struct fixture *f = *state;
	struct lq_config cfg;
	static const uint16_t oro[] = {LQ6_OPT_LQ_RELAY_DATA, LQ6_OPT_CLIENT_LINKLAYER_ADDR};
	struct q q = {.xid = 602, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101",
		      .oro = oro, .n_oro = 2};
	uint8_t pkt[512];
	size_t len = build(&q, pkt, sizeof(pkt));
	struct lq_query_peer p = peer_at("::1", false);
	static struct answer a;
	static const uint8_t ll[] = {0, 1, 2, 0, 0, 0, 0, 0x0a};
	struct lq6_opt o;

	/* 47 sensitive, 79 not: relay data withheld even when asked for. */
	parse_config("47, 38", "", &cfg);
	ask_with(&cfg, f, pkt, len, &p, &a);
	assert_reply(&a, 602, 0);
	assert_false(a.m.client_data.has_relay_data);
	o = lq6_find(a.m.client_data.options, LQ6_OPT_CLIENT_LINKLAYER_ADDR);
	assert_int_equal(o.value.len, sizeof(ll));
	assert_memory_equal(o.value.data, ll, sizeof(ll));
	lq_config_free(&cfg);

	/* Every option of the client data sensitive: no client data at all. */
	parse_config("45, 38", "", &cfg);
	ask_with(&cfg, f, pkt, len, &p, &a);
	assert_reply(&a, 602, 0);
	assert_no_data(&a);
	lq_config_free(&cfg);
	assert_still_serving(f);
}

/* ------------------------------------------------------------- relayed */

static void test_relayed(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 700, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101"};
	uint8_t pkt[CAP];
	size_t len = build(&q, pkt, sizeof(pkt));
	struct lq_query_peer p = peer_at("2001:db8:ffff::1", false);
	static struct answer a;
	struct lq6_msg outer;
	lq_ip6 link = ip("2001:db8:ffff::1"), peer = ip("2001:db8:ffff::5");

	len = relay(pkt, len, sizeof(pkt), 0, "2001:db8:ffff::1", "2001:db8:ffff::5", "if-7");
	ask_with(&f->cfg, f, pkt, len, &p, &a);
	assert_reply(&a, 700, 0);
	assert_client_data(&a, duid_a, sizeof(duid_a), leases_a, 2, 50);
	assert_int_equal(a.res.reply_type, LQ6_RELAY_REPL);
	/* RELAY-REPL: same hop-count, link, peer; interface-id echoed. */
	assert_int_equal(lq6_decode(a.out, a.res.len, &outer, NULL), LQ_OK);
	assert_int_equal(outer.type, LQ6_RELAY_REPL);
	assert_int_equal(outer.hop_count, 0);
	assert_memory_equal(outer.link_address.b, link.b, 16);
	assert_memory_equal(outer.peer_address.b, peer.b, 16);
	assert_int_equal(outer.interface_id.len, 4);
	assert_memory_equal(outer.interface_id.data, "if-7", 4);
	assert_dest(&a.res, &p);
	assert_still_serving(f);
}

static void test_relayed_nested(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 701, .type = LQ6_QUERY_BY_CLIENTID, .duid = duid_a,
		      .duid_len = sizeof(duid_a)};
	uint8_t pkt[CAP];
	size_t len = build(&q, pkt, sizeof(pkt));
	struct lq_query_peer p = peer_at("2001:db8:ffff::2", false);
	static struct answer a;
	struct lq6_msg m1, m2, m3;
	lq_ip6 l1 = ip("2001:db8:ffff::2"), l2 = ip("2001:db8:ffff::1");

	len = relay(pkt, len, sizeof(pkt), 0, "2001:db8:ffff::1", "2001:db8:ffff::5", NULL);
	len = relay(pkt, len, sizeof(pkt), 1, "2001:db8:ffff::2", "2001:db8:ffff::1", "up-1");
	len = relay(pkt, len, sizeof(pkt), 2, "::", "2001:db8:ffff::2", NULL);
	ask_with(&f->cfg, f, pkt, len, &p, &a);
	assert_reply(&a, 701, 0);
	assert_client_data(&a, duid_a, sizeof(duid_a), leases_a, 2, 50);
	assert_int_equal(a.res.reply_type, LQ6_RELAY_REPL);
	assert_int_equal(lq6_decode(a.out, a.res.len, &m1, NULL), LQ_OK);
	assert_int_equal(m1.type, LQ6_RELAY_REPL);
	assert_int_equal(m1.hop_count, 2);
	assert_null(m1.interface_id.data);
	assert_int_equal(lq6_decode_inner(m1.relay_msg, &m2, NULL), LQ_OK);
	assert_int_equal(m2.type, LQ6_RELAY_REPL);
	assert_int_equal(m2.hop_count, 1);
	assert_memory_equal(m2.link_address.b, l1.b, 16);
	assert_memory_equal(m2.peer_address.b, l2.b, 16);
	assert_memory_equal(m2.interface_id.data, "up-1", 4);
	assert_int_equal(lq6_decode_inner(m2.relay_msg, &m3, NULL), LQ_OK);
	assert_int_equal(m3.type, LQ6_RELAY_REPL);
	assert_int_equal(m3.hop_count, 0);
	assert_null(m3.interface_id.data);
	assert_still_serving(f);
}

/* ------------------------------------------------------------- discards */

static void test_discard_no_client_id(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 800, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101",
		      .no_client_id = true};

	assert_dropped(ask(f, &q));
	assert_still_serving(f);
}

static void test_discard_server_id(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 801, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101",
		      .server_id = duid_other_server, .server_id_len = sizeof(duid_other_server)};

	assert_dropped(ask(f, &q));
	assert_still_serving(f);
	/* Ours (longer or shorter is not ours either). */
	q.server_id_len = sizeof(duid_server) - 1;
	q.server_id = duid_server;
	assert_dropped(ask(f, &q));
	q.server_id_len = sizeof(duid_server);
	assert_client_data(ask(f, &q), duid_a, sizeof(duid_a), leases_a, 2, 50);
}

static void test_discard_no_server_duid(void **state)
{
	struct fixture *f = *state;
	struct lq_config cfg = f->cfg;
	struct q q = {.xid = 802, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101"};
	uint8_t pkt[512];
	size_t len = build(&q, pkt, sizeof(pkt));
	struct lq_query_peer p = peer_at("::1", false);
	static struct answer a;

	cfg.server_duid_len = 0;
	ask_with(&cfg, f, pkt, len, &p, &a);
	assert_dropped(&a);
	assert_still_serving(f);
}

static void test_discard_no_lq_query(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 803, .no_lq_query = true};

	assert_dropped(ask(f, &q));
	assert_int_equal(ask(f, &q)->res.kind, LQ_QUERY_KIND_NONE);
	assert_still_serving(f);
}

static void test_discard_not_leasequery(void **state)
{
	struct fixture *f = *state;
	static const uint8_t types[] = {LQ6_SOLICIT, LQ6_REQUEST, LQ6_REPLY, LQ6_LEASEQUERY_REPLY,
					LQ6_LEASEQUERY_DONE, LQ6_LEASEQUERY_DATA, LQ6_RELAY_REPL,
					LQ6_ACTIVELEASEQUERY, 200};

	for (size_t i = 0; i < sizeof(types); i++) {
		struct q q = {.xid = 804, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101",
			      .msg_type = types[i]};
		uint8_t pkt[CAP];
		size_t len;
		struct lq_query_peer p = peer_at("::1", false);
		static struct answer a;

		if (types[i] == LQ6_RELAY_REPL) {
			/* A RELAY-REPL around a LEASEQUERY. */
			q.msg_type = 0;
			len = build(&q, pkt, sizeof(pkt));
			len = relay(pkt, len, sizeof(pkt), 0, "::", "::1", NULL);
			pkt[0] = LQ6_RELAY_REPL;
		} else {
			len = build(&q, pkt, sizeof(pkt));
		}
		ask_with(&f->cfg, f, pkt, len, &p, &a);
		assert_dropped(&a);
		assert_still_serving(f);
	}
}

static void test_discard_relayed_not_leasequery(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 805, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101",
		      .msg_type = LQ6_SOLICIT};
	uint8_t pkt[CAP];
	size_t len = build(&q, pkt, sizeof(pkt));
	struct lq_query_peer p = peer_at("2001:db8:ffff::1", false);
	static struct answer a;
	struct lq6_writer w;
	lq_ip6 l = ip("2001:db8:ffff::1");

	len = relay(pkt, len, sizeof(pkt), 0, "2001:db8:ffff::1", "2001:db8:ffff::5", NULL);
	ask_with(&f->cfg, f, pkt, len, &p, &a);
	assert_dropped(&a);
	/* A RELAY-FORW without RELAY_MSG. */
	lq6w_init(&w, pkt, sizeof(pkt));
	lq6w_relay_header(&w, LQ6_RELAY_FORW, 0, &l, &l);
	lq6w_option(&w, LQ6_OPT_INTERFACE_ID, "x", 1);
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	ask_with(&f->cfg, f, pkt, len, &p, &a);
	assert_dropped(&a);
	/* A relayed LEASEQUERY without client-id. */
	q.msg_type = 0;
	q.no_client_id = true;
	len = build(&q, pkt, sizeof(pkt));
	len = relay(pkt, len, sizeof(pkt), 0, "2001:db8:ffff::1", "2001:db8:ffff::5", NULL);
	ask_with(&f->cfg, f, pkt, len, &p, &a);
	assert_dropped(&a);
	assert_still_serving(f);
}

static void test_discard_truncated(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 806, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101"};
	uint8_t pkt[CAP];
	size_t len = build(&q, pkt, sizeof(pkt));
	struct lq_query_peer p = peer_at("::1", false);
	static struct answer a;

	/* Every shorter prefix cuts an option (undecodable) or leaves out a
	 * required one (the client-id, the LQ_QUERY): dropped. */
	for (size_t n = 0; n < len; n++) {
		ask_with(&f->cfg, f, pkt, n, &p, &a);
		assert_dropped(&a);
	}
	/* NULL and empty. */
	ask_with(&f->cfg, f, NULL, 0, &p, &a);
	assert_dropped(&a);
	/* A query option overrunning LQ_QUERY. */
	pkt[4 + 4 + sizeof(duid_requestor) + 4 + 17 + 3] = 200;
	ask_with(&f->cfg, f, pkt, len, &p, &a);
	assert_dropped(&a);
	assert_still_serving(f);
}

static void test_discard_garbage(void **state)
{
	struct fixture *f = *state;
	uint8_t pkt[600];
	struct lq_query_peer p = peer_at("::1", false);
	static struct answer a;
	uint32_t x = 12345;

	for (int round = 0; round < 2000; round++) {
		size_t len = 1 + (size_t)(round % (int)sizeof(pkt));

		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			pkt[i] = (uint8_t)(x >> 16);
		}
		ask_with(&f->cfg, f, pkt, len, &p, &a);
		assert_int_equal(a.rc, 0);
	}
	assert_still_serving(f);
}

/* ------------------------------------------------------------- statuses */

static void test_status_unknown_query_type(void **state)
{
	struct fixture *f = *state;
	static const uint8_t types[] = {0, LQ6_QUERY_BY_RELAY_ID, LQ6_QUERY_BY_LINK_ADDRESS,
					LQ6_QUERY_BY_REMOTE_ID, 6, 99, 255};
	static const enum lq_query_kind kinds[] = {LQ_QUERY_KIND_NONE, LQ_QUERY_V6_BY_RELAY_ID,
						   LQ_QUERY_V6_BY_LINK_ADDRESS,
						   LQ_QUERY_V6_BY_REMOTE_ID, LQ_QUERY_KIND_NONE,
						   LQ_QUERY_KIND_NONE, LQ_QUERY_KIND_NONE};

	for (size_t i = 0; i < sizeof(types); i++) {
		struct q q = {.xid = 900, .type = types[i], .addr = "2001:db8:1::101"};
		struct answer *a = ask(f, &q);

		assert_reply(a, 900, LQ6_STATUS_UNKNOWN_QUERY_TYPE);
		assert_int_equal(a->res.kind, kinds[i]);
		assert_still_serving(f);
	}
	/* An unknown type from a requestor not allowed at all: NotAllowed. */
	assert_reply(ask_from(f, &(struct q){.xid = 901, .type = 99}, "2001:db8:dead::1", false),
		     901, LQ6_STATUS_NOT_ALLOWED);
}

static void test_status_malformed(void **state)
{
	struct fixture *f = *state;
	struct q by_addr = {.xid = 902, .type = LQ6_QUERY_BY_ADDRESS};
	struct q by_cid = {.xid = 903, .type = LQ6_QUERY_BY_CLIENTID, .addr = "2001:db8:1::101"};

	assert_reply(ask(f, &by_addr), 902, LQ6_STATUS_MALFORMED_QUERY);
	assert_still_serving(f);
	assert_reply(ask(f, &by_cid), 903, LQ6_STATUS_MALFORMED_QUERY);
	assert_still_serving(f);
}

static void test_status_not_allowed(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 904, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101"};
	struct q cid = {.xid = 905, .type = LQ6_QUERY_BY_CLIENTID, .duid = duid_a,
			.duid_len = sizeof(duid_a)};
	struct answer *a = ask_from(f, &q, "2001:db8:dead::1", false);

	assert_int_equal(a->res.verdict, LQ_QUERY_REPLY);
	assert_int_equal(a->m.status.code, LQ6_STATUS_NOT_ALLOWED);
	assert_true(a->res.refused);
	assert_int_equal(a->res.status, LQ6_STATUS_NOT_ALLOWED);
	assert_false(a->m.client_data.present);
	assert_still_serving(f);

	/* 2001:db8:fffe::/48 may ask by address only. */
	a = ask_from(f, &q, "2001:db8:fffe::9", false);
	assert_client_data(a, duid_a, sizeof(duid_a), leases_a, 2, 50);
	assert_false(a->res.refused);
	a = ask_from(f, &cid, "2001:db8:fffe::9", false);
	assert_int_equal(a->m.status.code, LQ6_STATUS_NOT_ALLOWED);
	assert_true(a->res.refused);
	assert_int_equal(a->res.kind, LQ_QUERY_V6_BY_CLIENT_ID);
	assert_still_serving(f);
}

static void test_status_not_allowed_relayed(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 906, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101"};
	uint8_t pkt[CAP], copy[CAP];
	size_t len = build(&q, pkt, sizeof(pkt)), n;
	static struct answer a;
	struct lq_query_peer relay_ok = peer_at("2001:db8:ffff::1", false);
	struct lq_query_peer relay_bad = peer_at("2001:db8:dead::1", false);

	/* The requestor behind an allowed relay is not allowed. */
	memcpy(copy, pkt, len);
	n = relay(copy, len, sizeof(copy), 0, "2001:db8:ffff::1", "2001:db8:dead::5", NULL);
	ask_with(&f->cfg, f, copy, n, &relay_ok, &a);
	assert_int_equal(a.m.status.code, LQ6_STATUS_NOT_ALLOWED);
	assert_true(a.res.refused);
	assert_int_equal(a.res.reply_type, LQ6_RELAY_REPL);
	/* An allowed requestor behind a relay that is not. */
	memcpy(copy, pkt, len);
	n = relay(copy, len, sizeof(copy), 0, "2001:db8:ffff::1", "2001:db8:ffff::5", NULL);
	ask_with(&f->cfg, f, copy, n, &relay_bad, &a);
	assert_int_equal(a.m.status.code, LQ6_STATUS_NOT_ALLOWED);
	assert_true(a.res.refused);
	/* Both allowed. */
	ask_with(&f->cfg, f, copy, n, &relay_ok, &a);
	assert_client_data(&a, duid_a, sizeof(duid_a), leases_a, 2, 50);
	assert_still_serving(f);
}

static void test_refused_by_dropping(void **state)
{
	struct fixture *f = *state;
	struct lq_config cfg;
	struct q q = {.xid = 907, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101"};
	uint8_t pkt[512];
	size_t len = build(&q, pkt, sizeof(pkt));
	struct lq_query_peer bad = peer_at("2001:db8:dead::1", false);
	struct lq_query_peer good = peer_at("::1", false);
	static struct answer a;

	parse_config("79, 38", ",\n  \"refused-queries\": \"drop\"", &cfg);
	ask_with(&cfg, f, pkt, len, &bad, &a);
	assert_dropped(&a);
	assert_true(a.res.refused);
	assert_int_equal(a.res.kind, LQ_QUERY_V6_BY_ADDRESS);
	ask_with(&cfg, f, pkt, len, &good, &a);
	assert_client_data(&a, duid_a, sizeof(duid_a), leases_a, 2, 50);
	lq_config_free(&cfg);
}

/* ------------------------------------------------------------- multicast */

static void test_multicast(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 1000, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:99::1"};
	struct answer *a;

	/* Not configured here: another server may be; stay silent. */
	assert_dropped(ask_from(f, &q, "::1", true));
	q.type = LQ6_QUERY_BY_CLIENTID;
	q.duid = duid_a;
	q.duid_len = sizeof(duid_a);
	q.link = "2001:db8:99::1";
	assert_dropped(ask_from(f, &q, "::1", true));
	/* Configured, unbound: answered (this server knows it is free). */
	q = (struct q){.xid = 1001, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::1ff"};
	a = ask_from(f, &q, "::1", true);
	assert_reply(a, 1001, 0);
	assert_no_data(a);
	/* Bound: answered. */
	q.addr = "2001:db8:1::101";
	assert_client_data(ask_from(f, &q, "::1", true), duid_a, sizeof(duid_a), leases_a, 2, 50);
	/* Errors other than NotConfigured are still answered. */
	q.type = 77;
	assert_reply(ask_from(f, &q, "::1", true), 1001, LQ6_STATUS_UNKNOWN_QUERY_TYPE);
	assert_still_serving(f);
}

/* ------------------------------------------------------------- limits */

static void test_out_too_small(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 1100, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101"};
	uint8_t pkt[512], out[64];
	size_t len = build(&q, pkt, sizeof(pkt));
	struct lq_query_peer p = peer_at("::1", false);
	struct lq_query_env env = {&f->cfg, NOW};
	struct lq_query_result res;

	assert_true(lq6_query_answer(&env, f->reader, pkt, len, &p, out, sizeof(out), &res) < 0);
	assert_true(lq6_query_answer(&env, f->reader, pkt, len, &p, NULL, 0, &res) < 0);
	assert_true(lq6_query_answer(NULL, f->reader, pkt, len, &p, out, sizeof(out), &res) < 0);
	assert_still_serving(f);
}

/* One client with n addresses on link 1. */
static void load_many(struct fixture *f, const uint8_t *duid, size_t n)
{
	struct lq_binding_change *c = calloc(n, sizeof(*c));
	char addr[64];

	assert_non_null(c);
	for (size_t i = 0; i < n; i++) {
		snprintf(addr, sizeof(addr), "2001:db8:1::%zx", 0x1000 + i);
		c[i].op = LQ_CHANGE_UPSERT;
		c[i].binding = binding(LQ_LEASE_NA, addr, 128, duid, 10, "2001:db8:1::1", NOW - 60);
	}
	assert_int_equal(lq_store_apply(f->store, c, n, NOW - 1, NULL), LQ_STORE_OK);
	free(c);
	lq_store_read_end(f->reader);
	assert_int_equal(lq_store_read_begin(f->store, &f->reader), LQ_STORE_OK);
}

static void test_reply_too_large(void **state)
{
	struct fixture *f = *state;
	static const uint8_t duid_f[] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 0x0f};
	static const uint8_t duid_g[] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 0x10};
	struct q q = {.xid = 1200, .type = LQ6_QUERY_BY_CLIENTID, .duid = duid_f,
		      .duid_len = sizeof(duid_f)};
	struct answer *a;

	/* 2400 addresses do not fit in 64 KiB: UnspecFail, use bulk. */
	load_many(f, duid_f, 2400);
	a = ask(f, &q);
	assert_reply(a, 1200, LQ6_STATUS_UNSPEC_FAIL);
	assert_int_equal(a->res.bindings, 0);
	/* More than a reply could ever carry: the search stops. */
	load_many(f, duid_g, LQ6_MAX_BINDINGS + 10);
	q.duid = duid_g;
	assert_reply(ask(f, &q), 1200, LQ6_STATUS_UNSPEC_FAIL);
	assert_still_serving(f);
}

static void test_reply_too_large_client_id(void **state)
{
	struct fixture *f = *state;
	static uint8_t pkt[CAP], big[65460];
	struct lq6_writer w;
	lq_ip6 zero = ip("::"), addr = ip("2001:db8:1::101");
	struct lq_query_peer p = peer_at("::1", false);
	static struct answer a;
	size_t len;

	/* A requestor DUID so long that echoing it overflows the reply. */
	memset(big, 0x42, sizeof(big));
	lq6w_init(&w, pkt, sizeof(pkt));
	lq6w_header(&w, LQ6_LEASEQUERY, 1201);
	lq6w_option(&w, LQ6_OPT_CLIENTID, big, sizeof(big));
	lq6w_lq_query_open(&w, LQ6_QUERY_BY_ADDRESS, &zero);
	lq6w_iaaddr(&w, &addr, 0, 0);
	lq6w_close(&w);
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	ask_with(&f->cfg, f, pkt, len, &p, &a);
	assert_dropped(&a);
	assert_still_serving(f);
}

/* ------------------------------------------------------------- client data alone */

static void test_client_data_lifetimes(void **state)
{
	struct lq_binding b;
	struct lq6_lifetimes lt;

	(void)state;
	memset(&b, 0, sizeof(b));
	b.key.family = 6;
	b.type = LQ_LEASE_NA;
	b.state = LQ_STATE_ACTIVE;
	b.cltt = 1000;
	b.expire = 4600;
	b.valid_lifetime = 3600;
	b.preferred_lifetime = 1800;
	lt = lq6_binding_lifetimes(&b, 1000);
	assert_int_equal(lt.preferred, 1800);
	assert_int_equal(lt.valid, 3600);
	lt = lq6_binding_lifetimes(&b, 3000);
	assert_int_equal(lt.preferred, 0);      /* deprecated, still valid */
	assert_int_equal(lt.valid, 1600);
	assert_true(lq6_binding_reportable(&b, 4599));
	assert_false(lq6_binding_reportable(&b, 4600));
	/* Preferred longer than valid: capped. */
	b.preferred_lifetime = 7200;
	lt = lq6_binding_lifetimes(&b, 2000);
	assert_int_equal(lt.preferred, 2600);
	assert_int_equal(lt.valid, 2600);
	/* v4 and other states are never reported. */
	b.key.family = 4;
	assert_false(lq6_binding_reportable(&b, 2000));
	b.key.family = 6;
	b.state = LQ_STATE_EXPIRED;
	assert_false(lq6_binding_reportable(&b, 2000));
}

static void test_relay_data_message(void **state)
{
	uint8_t info[256], out[256];
	size_t len = relay_info_a(info, sizeof(info));
	struct lq6_msg m;

	(void)state;
	/* Without config: every option but the client's RELAY_MSG stays. */
	size_t n = lq6_relay_data_message(NULL, bytes(info, len), out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(lq6_decode(out, n, &m, NULL), LQ_OK);
	assert_non_null(lq6_find(m.options, LQ6_OPT_SUBSCRIBER_ID).value.data);
	assert_null(m.relay_msg.data);
	/* Not a RELAY-FORW, undecodable, too small an output: none. */
	info[0] = LQ6_RELAY_REPL;
	assert_int_equal(lq6_relay_data_message(NULL, bytes(info, len), out, sizeof(out)), 0);
	info[0] = LQ6_RELAY_FORW;
	assert_int_equal(lq6_relay_data_message(NULL, bytes(info, len - 1), out, sizeof(out)), 0);
	assert_int_equal(lq6_relay_data_message(NULL, bytes(info, len), out, 20), 0);
	assert_int_equal(lq6_relay_data_message(NULL, bytes(NULL, 0), out, sizeof(out)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_by_address_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_address_in_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_address_unbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_address_not_configured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_address_with_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_address_infinite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_client_id_one_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_client_id_with_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_client_id_several_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_client_id_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oro_relay_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oro_relay_data_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sensitive_relay_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relayed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relayed_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_no_client_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_server_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_no_server_duid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_no_lq_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_not_leasequery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_relayed_not_leasequery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_unknown_query_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_not_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_not_allowed_relayed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_by_dropping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multicast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_too_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_too_large_client_id, setup, teardown),
		cmocka_unit_test(test_client_data_lifetimes),
		cmocka_unit_test(test_relay_data_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
