/* test_active4.c - the DHCPv4 active leasequery engine (RFC 7724) end to
 * end without sockets: bindings in a real LMDB store in a temporary
 * directory, changed with lq_store_apply at controlled times, a
 * configuration parsed from JSON text, DHCPACTIVELEASEQUERY messages built
 * with lq4_encode, run with lq_active_open / lq_active_next while the store
 * changes, every message decoded with lq4_decode. Every message is checked
 * for what holds for all of them (xid, op, server identifier in the first
 * message only, base-time in every one, never associated-ip, the message
 * types active leasequery uses), then each scenario for its exact sequence
 * of messages: live changes (upserts, releases, deletes, a binding changed
 * several times), catch-up (the bindings and deletes since the start time,
 * CatchUpComplete, changes during catch-up held back), DataMissing (a store
 * younger than the start time, a pruned history, a query that fell behind),
 * the VPN qualifier, the parameter request list, keepalive, termination,
 * refused, malformed and foreign messages, and the bounded work per call. */
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

#include "lq/active.h"
#include "lq/config.h"
#include "lq/dhcp4.h"
#include "lq/lqtime.h"
#include "lq/store.h"
#include "../tools/store_fixture.h"

#define NOW 1700000000
#define LOADED (NOW - 5000)       /* when most bindings were stored */
#define CHANGED_12 (NOW - 1000)   /* 10.0.0.12 released */
#define CHANGED_17 (NOW - 600)    /* 10.0.0.17 stored, in VPN "vpnA" */
#define CHANGED_16 (NOW - 500)    /* 10.0.0.16 stored */
#define CHANGED_B (NOW - 490)     /* 172.16.0.5 stored, in VPN b */
#define DELETED_40 (NOW - 200)
#define DELETED_41 (NOW - 150)    /* was in VPN "vpnA" */
#define SERVER_ID "192.0.2.1"
#define PEER "192.0.2.7"
#define MAX_MSGS 64
#define TEXT_MAX 48

static const char config_text[] =
	"{\n"
	"  \"server-id\": \"" SERVER_ID "\",\n"
	"  \"subnets4\": [{\"subnet\": \"10.0.0.0/24\", \"pools\": [\"10.0.0.10 - 10.0.0.50\"]}],\n"
	"  \"requesters\": [\"192.0.2.0/24\",\n"
	"                 {\"prefix\": \"198.51.100.0/24\", \"query-types\": [\"by-mac\"]}]\n"
	"}\n";

static const char config_drop_text[] =
	"{\n"
	"  \"server-id\": \"" SERVER_ID "\",\n"
	"  \"requesters\": [{\"prefix\": \"192.0.2.0/24\", \"query-types\": [\"by-ip\"]}],\n"
	"  \"refused-queries\": \"drop\"\n"
	"}\n";

static const uint8_t cid10[] = { 1, 2, 0, 0, 0, 0, 0x0a };
static const uint8_t vpn_a[] = { 'v', 'p', 'n', 'A' };
static const uint8_t vpn_b[] = { 0, 0, 0, 1, 0, 0, 0, 2 };

struct fixture {
	char dir[64];
	struct lq_store *store;
	struct lq_store_reader *reader;
	struct lq_config cfg;
	struct lq_active_query *q;
	struct lq_bulk_opened opened;
	uint32_t xid;
	uint64_t seen;                  /* messages of the query so far */
	char got[MAX_MSGS][TEXT_MAX];   /* the last drain, as text */
	size_t n;
	struct lq4_msg m;               /* the last message, decoded */
	struct lq4_msg msgs[8];         /* the first messages of the last drain */
	uint8_t out[LQ_BULK_MSG_MAX];
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

static const uint8_t *mac(uint8_t last)
{
	static uint8_t m[256][6];

	m[last][0] = 2;
	m[last][5] = last;
	return m[last];
}

/* An ACTIVE binding of addr with MAC 02:00:00:00:00:<hw>. */
static struct lq_binding binding(const char *addr, uint8_t hw, int64_t expire)
{
	struct lq_binding b;
	lq_ip4 a = ip(addr);

	memset(&b, 0, sizeof(b));
	lq_binding_key_v4(&b.key, &a);
	b.type = LQ_LEASE_V4;
	b.state = LQ_STATE_ACTIVE;
	b.htype = 1;
	b.hwaddr = bytes(mac(hw), 6);
	b.cltt = expire - 3600;
	b.state_since = expire - 3600;
	b.expire = expire;
	b.valid_lifetime = 3600;
	return b;
}

static void in_vpn(struct lq_binding *b, uint8_t type, const uint8_t *id, size_t len)
{
	b->has_vpn = true;
	b->vpn_type = type;
	b->vpn_id = bytes(id, len);
}

static void put_at(struct lq_store *store, const struct lq_binding *b, int64_t when)
{
	struct lq_binding_change c = { .op = LQ_CHANGE_UPSERT, .binding = *b };

	assert_int_equal(lq_store_apply(store, &c, 1, when, NULL), LQ_STORE_OK);
}

static void put(struct fixture *f, const char *addr, uint8_t hw, uint8_t state, int64_t when)
{
	struct lq_binding b = binding(addr, hw, when + 3600);

	b.state = state;
	b.state_since = when;
	put_at(f->store, &b, when);
}

static void delete_at(struct lq_store *store, const char *addr, int64_t when)
{
	struct lq_binding_change c = { .op = LQ_CHANGE_DELETE };
	lq_ip4 a = ip(addr);

	lq_binding_key_v4(&c.binding.key, &a);
	assert_int_equal(lq_store_apply(store, &c, 1, when, NULL), LQ_STORE_OK);
}

/* The bindings every test starts from, and their history. */
static void load_bindings(struct lq_store *store)
{
	struct lq_binding b;

	b = binding("10.0.0.10", 0x0a, NOW + 3000);
	b.client_id = bytes(cid10, sizeof(cid10));
	put_at(store, &b, LOADED);
	b = binding("10.0.0.11", 0x0b, NOW + 3000);
	put_at(store, &b, LOADED);
	b = binding("10.0.0.12", 0x0c, NOW + 3000);
	put_at(store, &b, LOADED);
	b = binding("10.0.0.15", 0x0f, NOW + 3000);
	in_vpn(&b, 0, vpn_a, sizeof(vpn_a));
	put_at(store, &b, LOADED);
	b = binding("10.0.0.40", 0x28, NOW + 3000);
	put_at(store, &b, LOADED);
	b = binding("10.0.0.41", 0x29, NOW + 3000);
	in_vpn(&b, 0, vpn_a, sizeof(vpn_a));
	put_at(store, &b, LOADED);
	b = binding("10.0.0.12", 0x0c, NOW - 10);
	b.state = LQ_STATE_RELEASED;
	b.state_since = CHANGED_12;
	put_at(store, &b, CHANGED_12);
	b = binding("10.0.0.17", 0x11, NOW + 3000);
	in_vpn(&b, 0, vpn_a, sizeof(vpn_a));
	put_at(store, &b, CHANGED_17);
	b = binding("10.0.0.16", 0x10, NOW + 3000);
	put_at(store, &b, CHANGED_16);
	b = binding("172.16.0.5", 0x20, NOW + 3000);
	in_vpn(&b, 1, vpn_b, sizeof(vpn_b));
	put_at(store, &b, CHANGED_B);
	delete_at(store, "10.0.0.40", DELETED_40);
	delete_at(store, "10.0.0.41", DELETED_41);
}

static void parse_config(const char *text, struct lq_config *cfg)
{
	char err[256] = "";
	int rc = lq_config_parse(text, strlen(text), NULL, cfg, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "config: %s\n", err);
	assert_int_equal(rc, 0);
}

/* A fresh store keeping history_limit changes (0: the default), loaded. */
static void open_store(struct fixture *f, uint64_t history_limit)
{
	struct lq_store_options o = { .history_limit = history_limit, .no_sync = true };

	assert_int_equal(lq_fixture_store_open(f->dir, "/tmp/lq-active4-test-XXXXXX", &o, &f->store), 0);
	load_bindings(f->store);
	assert_int_equal(lq_store_read_begin(f->store, &f->reader), LQ_STORE_OK);
}

static void close_store(struct fixture *f)
{
	lq_active_close(f->q);
	f->q = NULL;
	lq_store_read_end(f->reader);
	f->reader = NULL;
	lq_store_close(f->store);
	f->store = NULL;
	lq_fixture_remove_dir(f->dir);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	open_store(f, 0);
	parse_config(config_text, &f->cfg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	close_store(f);
	lq_config_free(&f->cfg);
	free(f);
	return 0;
}

/* A store with a short history instead of the default one. */
static void small_history(struct fixture *f, uint64_t limit)
{
	close_store(f);
	open_store(f, limit);
}

static void renew(struct fixture *f)
{
	lq_store_read_reset(f->reader);
	assert_int_equal(lq_store_read_renew(f->reader), LQ_STORE_OK);
}

/* ---- queries ---- */

static struct lq4_msg *query(void)
{
	static struct lq4_msg q;

	lq4_msg_init(&q, LQ4_ACTIVELEASEQUERY, 0xac71);
	q.htype = 0;
	q.hlen = 0;
	return &q;
}

static struct lq4_msg *since(int64_t start)
{
	struct lq4_msg *q = query();

	q->has_query_start_time = true;
	q->query_start_time = lq_time_to_v4(start);
	return q;
}

static void with_vss(struct lq4_msg *q, uint8_t type, const uint8_t *id, size_t len)
{
	q->vss.present = true;
	q->vss.type = type;
	q->vss.info = bytes(id, len);
}

static struct lq_query_peer peer_at(const char *addr)
{
	struct lq_query_peer p;

	memset(&p, 0, sizeof(p));
	p.family = 4;
	memcpy(p.addr, ip(addr).b, 4);
	p.port = 40000;
	return p;
}

static void open_raw_with(struct fixture *f, const struct lq_config *cfg, const uint8_t *pkt,
			  size_t len, const char *from)
{
	struct lq_query_env env = { .config = cfg, .now = NOW };
	struct lq_query_peer peer = peer_at(from);

	lq_active_close(f->q);
	f->q = NULL;
	f->seen = 0;
	assert_int_equal(lq_active_open(&env, f->reader, 4, pkt, len, &peer, &f->q, &f->opened), 0);
	if (f->opened.action != LQ_BULK_RUN) {
		assert_null(f->q);
		return;
	}
	assert_non_null(f->q);
	assert_int_equal(f->opened.kind, LQ_QUERY_V4_ACTIVE);
	assert_int_equal(lq_active_xid(f->q), f->opened.xid);
	f->xid = f->opened.xid;
}

static void open_with(struct fixture *f, const struct lq_config *cfg, const struct lq4_msg *q,
		      const char *from)
{
	uint8_t pkt[4096];
	size_t len;

	assert_int_equal(lq4_encode(q, pkt, sizeof(pkt), &len), LQ_OK);
	open_raw_with(f, cfg, pkt, len, from);
}

/* Open q from an allowed requestor; it must run. */
static void open_q(struct fixture *f, const struct lq4_msg *q)
{
	open_with(f, &f->cfg, q, PEER);
	assert_int_equal(f->opened.action, LQ_BULK_RUN);
	assert_false(f->opened.refused);
}

/* The message as text: "A 10.0.0.1 2" (DHCPLEASEACTIVE, address,
 * dhcp-state), "U ..." (DHCPLEASEUNASSIGNED), "S 7" (DHCPLEASEQUERYSTATUS
 * and its status, 0 without one), "D 2" (DHCPLEASEQUERYDONE). */
static void render(const struct lq4_msg *m, char *text)
{
	char addr[16];

	assert_non_null(inet_ntop(AF_INET, m->ciaddr.b, addr, sizeof(addr)));
	switch (m->msg_type) {
	case LQ4_LEASEACTIVE:
	case LQ4_LEASEUNASSIGNED:
		assert_true(m->has_dhcp_state);
		snprintf(text, TEXT_MAX, "%c %s %u", m->msg_type == LQ4_LEASEACTIVE ? 'A' : 'U', addr,
			 m->dhcp_state);
		break;
	case LQ4_LEASEQUERYSTATUS:
	case LQ4_LEASEQUERYDONE:
		assert_string_equal(addr, "0.0.0.0");
		snprintf(text, TEXT_MAX, "%c %u", m->msg_type == LQ4_LEASEQUERYSTATUS ? 'S' : 'D',
			 m->has_status ? m->status_code : 0);
		break;
	default:
		fail_msg("message type %u in an active leasequery", m->msg_type);
	}
}

/* Check one message written at now: what holds for every message. */
static void check(struct fixture *f, size_t len, int64_t now)
{
	struct lq4_msg *m = &f->m;

	assert_true(len >= LQ4_MIN_LEN && len <= LQ_BULK_MSG_MAX);
	assert_int_equal(lq4_decode(f->out, len, m, NULL), LQ_OK);
	assert_int_equal(m->op, LQ4_BOOTREPLY);
	assert_int_equal(m->xid, f->xid);
	/* 54 in the first message only (RFC 6926 8.3) */
	assert_int_equal(m->has_server_id, f->seen == 0);
	if (m->has_server_id)
		assert_memory_equal(m->server_id.b, ip(SERVER_ID).b, 4);
	/* base-time in every message, the time of writing */
	assert_true(m->has_base_time);
	assert_int_equal(m->base_time, lq_time_to_v4(now));
	assert_null(lq4_find_option(m, LQ4_OPT_ASSOCIATED_IP));
	assert_null(lq4_find_option(m, LQ4_OPT_QUERY_END_TIME));
	f->seen++;
}

/* Take messages until lq_active_next says there is nothing more (0),
 * retrying LQ_ACTIVE_AGAIN; f->got[0..n) is what came. */
static void drain_from(struct fixture *f, struct lq_store_reader *reader, int64_t now)
{
	struct lq_bulk_progress p;
	size_t len;
	int rc;

	f->n = 0;
	for (int calls = 0; calls < 10000; calls++) {
		len = 1234;
		rc = lq_active_next(f->q, reader, now, f->out, sizeof(f->out), &len);
		if (rc == 0) {
			assert_int_equal(len, 0);
			return;
		}
		if (rc == LQ_ACTIVE_AGAIN) {
			assert_int_equal(len, 0);
			continue;
		}
		assert_int_equal(rc, 1);
		assert_true(f->n < MAX_MSGS);
		check(f, len, now);
		render(&f->m, f->got[f->n]);
		if (f->n < 8)
			f->msgs[f->n] = f->m;
		f->n++;
		lq_active_progress(f->q, &p);
		assert_int_equal(p.messages, f->seen);
	}
	fail_msg("lq_active_next never said 0");
}

static void drain(struct fixture *f, int64_t now)
{
	drain_from(f, f->reader, now);
}

static void expect_seq(struct fixture *f, const char *const *want, size_t n)
{
	for (size_t i = 0; i < n && i < f->n; i++)
		if (strcmp(f->got[i], want[i]) != 0)
			fail_msg("message %zu: got \"%s\", want \"%s\"", i, f->got[i], want[i]);
	if (f->n != n)
		fail_msg("%zu messages, want %zu (first extra or missing: \"%s\")", f->n, n,
			 f->n > n ? f->got[n] : want[f->n]);
}

#define EXPECT(f, ...)                                                                  \
	do {                                                                            \
		static const char *const w_[] = { __VA_ARGS__ };                       \
		expect_seq(f, w_, sizeof(w_) / sizeof(w_[0]));                          \
	} while (0)
#define EXPECT_NONE(f) expect_seq(f, NULL, 0)

/* ---- live changes ---- */

static void test_live(void **state)
{
	struct fixture *f = *state;
	struct lq_bulk_progress p;

	open_q(f, query());
	assert_int_equal(f->opened.status, 0);
	assert_false(lq_active_catching_up(f->q));
	/* nothing is sent at acceptance, nor for what happened before */
	drain(f, NOW);
	EXPECT_NONE(f);

	put(f, "10.0.0.20", 0x14, LQ_STATE_ACTIVE, NOW + 1);
	put(f, "10.0.0.11", 0x0b, LQ_STATE_RELEASED, NOW + 2);
	/* not in the snapshot yet */
	drain(f, NOW + 3);
	EXPECT_NONE(f);
	renew(f);
	drain(f, NOW + 3);
	EXPECT(f, "A 10.0.0.20 2", "U 10.0.0.11 4");
	/* the first message names the server; it names the client */
	assert_true(f->msgs[0].has_server_id);
	assert_int_equal(f->msgs[0].hlen, 6);
	assert_memory_equal(f->msgs[0].chaddr, mac(0x14), 6);
	assert_true(f->msgs[0].has_lease_time);
	assert_int_equal(f->msgs[0].lease_time, NOW + 1 + 3600 - (NOW + 3));
	/* a released lease names its last client, without lease times */
	assert_memory_equal(f->msgs[1].chaddr, mac(0x0b), 6);
	assert_false(f->msgs[1].has_lease_time);

	/* a delete: the address has no binding, no client */
	delete_at(f->store, "10.0.0.10", NOW + 4);
	renew(f);
	drain(f, NOW + 5);
	EXPECT(f, "U 10.0.0.10 1");
	assert_int_equal(f->msgs[0].hlen, 0);
	assert_null(f->msgs[0].client_id.data);
	assert_false(f->msgs[0].has_start_time_of_state);

	/* changed three times before the snapshot: three messages, each with
	 * the binding as it is now (never an older state after a newer one) */
	put(f, "10.0.0.21", 0x15, LQ_STATE_ACTIVE, NOW + 6);
	put(f, "10.0.0.21", 0x15, LQ_STATE_RELEASED, NOW + 7);
	put(f, "10.0.0.22", 0x16, LQ_STATE_ACTIVE, NOW + 7);
	put(f, "10.0.0.21", 0x15, LQ_STATE_ACTIVE, NOW + 8);
	renew(f);
	drain(f, NOW + 9);
	EXPECT(f, "A 10.0.0.21 2", "A 10.0.0.21 2", "A 10.0.0.22 2", "A 10.0.0.21 2");

	/* a lease past its expiry is reported as EXPIRED */
	put(f, "10.0.0.23", 0x17, LQ_STATE_ACTIVE, NOW - 4000);
	renew(f);
	drain(f, NOW + 10);
	EXPECT(f, "U 10.0.0.23 3");

	/* nothing more until the store changes */
	drain(f, NOW + 11);
	EXPECT_NONE(f);
	lq_active_progress(f->q, &p);
	assert_int_equal(p.messages, 8);
	assert_int_equal(p.bindings, 8);
	assert_false(p.finished);
	assert_int_equal(p.status, 0);
	assert_false(lq_active_finished(f->q));
}

/* The same snapshot may be passed again, a newer one at any time. */
static void test_live_other_reader(void **state)
{
	struct fixture *f = *state;
	struct lq_store_reader *r2;

	open_q(f, query());
	put(f, "10.0.0.20", 0x14, LQ_STATE_ACTIVE, NOW + 1);
	assert_int_equal(lq_store_read_begin(f->store, &r2), LQ_STORE_OK);
	drain_from(f, r2, NOW + 2);
	EXPECT(f, "A 10.0.0.20 2");
	drain_from(f, r2, NOW + 2);
	EXPECT_NONE(f);
	lq_store_read_end(r2);
}

/* ---- catch-up ---- */

static void test_catch_up(void **state)
{
	struct fixture *f = *state;
	struct lq_bulk_progress p;

	open_q(f, since(CHANGED_12));
	assert_int_equal(f->opened.status, 0);
	assert_true(lq_active_catching_up(f->q));
	/* a change during catch-up waits until it is complete */
	put(f, "10.0.0.20", 0x14, LQ_STATE_ACTIVE, NOW + 1);
	drain(f, NOW + 2);
	/* bindings of the global VPN changed since the start time, in force or
	 * not; the addresses deleted since (10.0.0.41 was in a VPN: the store
	 * no longer knows, and the address has no binding anywhere) */
	EXPECT(f, "U 10.0.0.12 4", "A 10.0.0.16 2", "U 10.0.0.40 1", "U 10.0.0.41 1", "S 7");
	assert_true(f->msgs[0].has_server_id);
	assert_false(f->msgs[4].has_server_id);
	assert_false(lq_active_catching_up(f->q));
	lq_active_progress(f->q, &p);
	assert_int_equal(p.status, LQ4_STATUS_CATCH_UP_COMPLETE);
	assert_int_equal(p.bindings, 4);
	/* then the live changes since the query began */
	renew(f);
	drain(f, NOW + 3);
	EXPECT(f, "A 10.0.0.20 2");
}

static void test_catch_up_boundaries(void **state)
{
	struct fixture *f = *state;

	/* the start time is inclusive */
	open_q(f, since(CHANGED_16));
	drain(f, NOW);
	EXPECT(f, "A 10.0.0.16 2", "U 10.0.0.40 1", "U 10.0.0.41 1", "S 7");
	/* a start after every change: CatchUpComplete alone */
	open_q(f, since(NOW));
	assert_true(lq_active_catching_up(f->q));
	drain(f, NOW);
	EXPECT(f, "S 7");
	assert_true(f->msgs[0].has_server_id);
	assert_true(f->msgs[0].has_status);
	/* the store's very first change: the history is complete */
	open_q(f, since(LOADED));
	drain(f, NOW);
	EXPECT(f, "A 10.0.0.10 2", "A 10.0.0.11 2", "U 10.0.0.12 4", "A 10.0.0.16 2",
	       "U 10.0.0.40 1", "U 10.0.0.41 1", "S 7");
}

/* A binding deleted and stored again since the start time is sent as it
 * is, not as deleted; one deleted twice is reported once. */
static void test_catch_up_deleted_and_back(void **state)
{
	struct fixture *f = *state;

	put(f, "10.0.0.40", 0x28, LQ_STATE_ACTIVE, NOW - 100);
	/* deleted, stored and deleted again: reported once */
	delete_at(f->store, "10.0.0.11", NOW - 90);
	put(f, "10.0.0.11", 0x0b, LQ_STATE_ACTIVE, NOW - 80);
	delete_at(f->store, "10.0.0.11", NOW - 70);
	renew(f);
	open_q(f, since(DELETED_40));
	drain(f, NOW);
	EXPECT(f, "A 10.0.0.40 2", "U 10.0.0.41 1", "U 10.0.0.11 1", "S 7");
}

static void test_catch_up_vpn(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q;

	/* one named VPN: its bindings, no deletes */
	q = since(CHANGED_12);
	with_vss(q, 0, vpn_a, sizeof(vpn_a));
	open_q(f, q);
	drain(f, NOW);
	EXPECT(f, "A 10.0.0.17 2", "S 7");
	{
		const struct lq4_option *o = lq4_find_option(&f->msgs[0], LQ4_OPT_VSS);

		assert_non_null(o);
		assert_int_equal(o->value.len, 1 + sizeof(vpn_a));
		assert_int_equal(o->value.data[0], 0);
		assert_memory_equal(o->value.data + 1, vpn_a, sizeof(vpn_a));
	}
	/* every VPN (254) */
	q = since(CHANGED_12);
	with_vss(q, LQ4_VSS_ALL_VPNS, NULL, 0);
	open_q(f, q);
	drain(f, NOW);
	EXPECT(f, "U 10.0.0.12 4", "A 10.0.0.17 2", "A 10.0.0.16 2", "A 172.16.0.5 2",
	       "U 10.0.0.40 1", "U 10.0.0.41 1", "S 7");
	/* the global VPN by name (255): as without VSS */
	q = since(CHANGED_12);
	with_vss(q, LQ4_VSS_GLOBAL, NULL, 0);
	open_q(f, q);
	drain(f, NOW);
	EXPECT(f, "U 10.0.0.12 4", "A 10.0.0.16 2", "U 10.0.0.40 1", "U 10.0.0.41 1", "S 7");
	/* the VPN named in the relay sub-option */
	q = since(CHANGED_12);
	q->has_relay_info = true;
	q->relay_info.vss.present = true;
	q->relay_info.vss.type = 1;
	q->relay_info.vss.info = bytes(vpn_b, sizeof(vpn_b));
	open_q(f, q);
	drain(f, NOW);
	EXPECT(f, "A 172.16.0.5 2", "S 7");
}

static void test_live_vpn(void **state)
{
	struct fixture *f = *state;
	struct lq_binding b;
	struct lq4_msg *q = query();

	with_vss(q, 0, vpn_a, sizeof(vpn_a));
	open_q(f, q);
	b = binding("10.0.0.30", 0x1e, NOW + 3000);
	in_vpn(&b, 0, vpn_a, sizeof(vpn_a));
	put_at(f->store, &b, NOW + 1);
	put(f, "10.0.0.31", 0x1f, LQ_STATE_ACTIVE, NOW + 2);     /* global */
	b = binding("10.0.0.32", 0x20, NOW + 3000);
	in_vpn(&b, 0, vpn_b, 4);                                   /* same type, other id */
	put_at(f->store, &b, NOW + 3);
	delete_at(f->store, "10.0.0.15", NOW + 4);                 /* was in vpnA */
	renew(f);
	drain(f, NOW + 5);
	EXPECT(f, "A 10.0.0.30 2");
	assert_non_null(lq4_find_option(&f->msgs[0], LQ4_OPT_VSS));

	/* the global VPN: the global binding and the delete */
	open_q(f, query());
	put(f, "10.0.0.33", 0x21, LQ_STATE_ACTIVE, NOW + 6);
	b = binding("10.0.0.34", 0x22, NOW + 3000);
	in_vpn(&b, 0, vpn_a, sizeof(vpn_a));
	put_at(f->store, &b, NOW + 7);
	delete_at(f->store, "10.0.0.30", NOW + 8);
	renew(f);
	drain(f, NOW + 9);
	EXPECT(f, "A 10.0.0.33 2", "U 10.0.0.30 1");
	assert_null(lq4_find_option(&f->msgs[0], LQ4_OPT_VSS));
	assert_null(lq4_find_option(&f->msgs[1], LQ4_OPT_VSS));
}

/* ---- DataMissing ---- */

static void test_data_missing_before_store(void **state)
{
	struct fixture *f = *state;
	struct lq_bulk_progress p;

	/* the store began after the start time: what happened before is not
	 * known (RFC 7724: DataMissing, then live changes only) */
	open_q(f, since(LOADED - 1));
	assert_false(lq_active_catching_up(f->q));
	drain(f, NOW);
	EXPECT(f, "S 5");
	assert_true(f->msgs[0].has_server_id);
	assert_true(f->msgs[0].status_text.len > 0);
	lq_active_progress(f->q, &p);
	assert_int_equal(p.status, LQ4_STATUS_DATA_MISSING);
	assert_int_equal(p.bindings, 0);
	put(f, "10.0.0.20", 0x14, LQ_STATE_ACTIVE, NOW + 1);
	renew(f);
	drain(f, NOW + 2);
	EXPECT(f, "A 10.0.0.20 2");
}

static void test_data_missing_pruned(void **state)
{
	struct fixture *f = *state;

	/* 12 changes loaded, 4 kept: 10.0.0.17 (CHANGED_17), 10.0.0.16,
	 * 172.16.0.5 and the two deletes... the last 4: .16, 172.16.0.5,
	 * delete .40, delete .41 */
	small_history(f, 4);
	/* changes at CHANGED_17 were pruned: a start at or before the oldest
	 * change kept may have lost some */
	open_q(f, since(CHANGED_16));
	drain(f, NOW);
	EXPECT(f, "S 5");
	open_q(f, since(CHANGED_17));
	drain(f, NOW);
	EXPECT(f, "S 5");
	/* after the oldest change kept: complete */
	open_q(f, since(CHANGED_16 + 1));
	drain(f, NOW);
	EXPECT(f, "U 10.0.0.40 1", "U 10.0.0.41 1", "S 7");
}

/* A query that falls behind the history: DataMissing, then what is left. */
static void test_fell_behind(void **state)
{
	struct fixture *f = *state;
	struct lq_bulk_progress p;

	small_history(f, 4);
	open_q(f, query());
	put(f, "10.0.0.20", 0x14, LQ_STATE_ACTIVE, NOW + 1);
	renew(f);
	drain(f, NOW + 1);
	EXPECT(f, "A 10.0.0.20 2");
	for (int i = 0; i < 6; i++) {
		char addr[16];

		snprintf(addr, sizeof(addr), "10.0.0.%d", 21 + i);
		put(f, addr, (uint8_t)(0x15 + i), LQ_STATE_ACTIVE, NOW + 2 + i);
	}
	renew(f);
	drain(f, NOW + 10);
	EXPECT(f, "S 5", "A 10.0.0.23 2", "A 10.0.0.24 2", "A 10.0.0.25 2", "A 10.0.0.26 2");
	lq_active_progress(f->q, &p);
	assert_int_equal(p.status, LQ4_STATUS_DATA_MISSING);
	/* and keeps going */
	put(f, "10.0.0.27", 0x1b, LQ_STATE_ACTIVE, NOW + 11);
	renew(f);
	drain(f, NOW + 12);
	EXPECT(f, "A 10.0.0.27 2");
}

/* Pruned while catching up: the catch-up itself reads its snapshot, the
 * live part then finds the gap. */
static void test_pruned_during_catch_up(void **state)
{
	struct fixture *f = *state;

	small_history(f, 4);
	open_q(f, since(CHANGED_16 + 1));
	for (int i = 0; i < 5; i++) {
		char addr[16];

		snprintf(addr, sizeof(addr), "10.0.0.%d", 21 + i);
		put(f, addr, (uint8_t)(0x15 + i), LQ_STATE_ACTIVE, NOW + 1 + i);
	}
	drain(f, NOW + 6);
	EXPECT(f, "U 10.0.0.40 1", "U 10.0.0.41 1", "S 7");
	renew(f);
	drain(f, NOW + 7);
	EXPECT(f, "S 5", "A 10.0.0.22 2", "A 10.0.0.23 2", "A 10.0.0.24 2", "A 10.0.0.25 2");
}

/* ---- options ---- */

static void test_prl(void **state)
{
	struct fixture *f = *state;
	static const uint8_t prl[] = { LQ4_OPT_LEASE_TIME, LQ4_OPT_DHCP_STATE };
	struct lq4_msg *q = query();

	q->prl = bytes(prl, sizeof(prl));
	open_q(f, q);
	put(f, "10.0.0.20", 0x14, LQ_STATE_ACTIVE, NOW + 1);
	renew(f);
	drain(f, NOW + 2);
	EXPECT(f, "A 10.0.0.20 2");
	/* base-time although not asked for; the rest as asked */
	assert_true(f->msgs[0].has_base_time);
	assert_true(f->msgs[0].has_lease_time);
	assert_false(f->msgs[0].has_clt_time);
	assert_false(f->msgs[0].has_start_time_of_state);
	/* without a list: the bulk defaults */
	open_q(f, query());
	put(f, "10.0.0.21", 0x15, LQ_STATE_ACTIVE, NOW + 3);
	renew(f);
	drain(f, NOW + 4);
	EXPECT(f, "A 10.0.0.21 2");
	assert_true(f->msgs[0].has_clt_time);
	assert_true(f->msgs[0].has_start_time_of_state);
	assert_int_equal(f->msgs[0].start_time_of_state, 1);
	/* flags and giaddr come back as sent */
	q = query();
	q->flags = 0x8000;
	q->giaddr = ip("192.0.2.99");
	open_q(f, q);
	put(f, "10.0.0.22", 0x16, LQ_STATE_ACTIVE, NOW + 5);
	renew(f);
	drain(f, NOW + 6);
	EXPECT(f, "A 10.0.0.22 2");
	assert_int_equal(f->msgs[0].flags, 0x8000);
	assert_memory_equal(f->msgs[0].giaddr.b, ip("192.0.2.99").b, 4);
}

/* ---- keepalive, termination ---- */

static void test_keepalive_terminate(void **state)
{
	struct fixture *f = *state;
	struct lq_bulk_progress p;
	size_t len = 0;

	open_q(f, query());
	assert_int_equal(lq_active_keepalive(f->q, NOW + 60, f->out, sizeof(f->out), &len), 1);
	check(f, len, NOW + 60);
	assert_int_equal(f->m.msg_type, LQ4_LEASEQUERYSTATUS);
	assert_false(f->m.has_status);
	assert_true(f->m.has_server_id);
	assert_int_equal(lq_active_keepalive(f->q, NOW + 120, f->out, sizeof(f->out), &len), 1);
	check(f, len, NOW + 120);
	assert_false(f->m.has_server_id);
	/* a change after the keepalives */
	put(f, "10.0.0.20", 0x14, LQ_STATE_ACTIVE, NOW + 121);
	renew(f);
	drain(f, NOW + 122);
	EXPECT(f, "A 10.0.0.20 2");

	assert_int_equal(lq_active_terminate(f->q, NOW + 130, "server shutting down", f->out,
					     sizeof(f->out), &len), 1);
	check(f, len, NOW + 130);
	assert_int_equal(f->m.msg_type, LQ4_LEASEQUERYDONE);
	assert_true(f->m.has_status);
	assert_int_equal(f->m.status_code, LQ4_STATUS_QUERY_TERMINATED);
	assert_int_equal(f->m.status_text.len, strlen("server shutting down"));
	assert_memory_equal(f->m.status_text.data, "server shutting down", f->m.status_text.len);
	assert_true(lq_active_finished(f->q));
	lq_active_progress(f->q, &p);
	assert_true(p.finished);
	assert_int_equal(p.messages, 4);
	assert_int_equal(p.status, LQ4_STATUS_QUERY_TERMINATED);
	/* nothing after the end */
	put(f, "10.0.0.21", 0x15, LQ_STATE_ACTIVE, NOW + 131);
	renew(f);
	drain(f, NOW + 132);
	EXPECT_NONE(f);
	assert_int_equal(lq_active_terminate(f->q, NOW, "again", f->out, sizeof(f->out), &len), 0);
	assert_int_equal(lq_active_keepalive(f->q, NOW, f->out, sizeof(f->out), &len), 0);
}

/* Terminated while catching up: the DONE is the last message. */
static void test_terminate_catching_up(void **state)
{
	struct fixture *f = *state;
	size_t len = 0;

	open_q(f, since(CHANGED_12));
	assert_int_equal(lq_active_next(f->q, f->reader, NOW, f->out, sizeof(f->out), &len), 1);
	check(f, len, NOW);
	assert_int_equal(lq_active_terminate(f->q, NOW, NULL, f->out, sizeof(f->out), &len), 1);
	check(f, len, NOW);
	assert_int_equal(f->m.msg_type, LQ4_LEASEQUERYDONE);
	assert_int_equal(f->m.status_code, LQ4_STATUS_QUERY_TERMINATED);
	assert_false(lq_active_catching_up(f->q));
	drain(f, NOW);
	EXPECT_NONE(f);
}

/* ---- errors ---- */

static void expect_error(struct fixture *f, uint8_t status)
{
	struct lq_bulk_progress p;

	assert_int_equal(f->opened.action, LQ_BULK_RUN);
	assert_int_equal(f->opened.status, status);
	assert_non_null(f->opened.reason);
	drain(f, NOW);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->msgs[0].msg_type, LQ4_LEASEQUERYSTATUS);
	assert_true(f->msgs[0].has_status);
	assert_int_equal(f->msgs[0].status_code, status);
	assert_true(f->msgs[0].status_text.len > 0);
	assert_true(lq_active_finished(f->q));
	assert_false(lq_active_catching_up(f->q));
	lq_active_progress(f->q, &p);
	assert_int_equal(p.status, status);
	assert_int_equal(p.messages, 1);
}

static void test_refused(void **state)
{
	struct fixture *f = *state;
	struct lq_config drop;
	size_t len;

	/* a requestor allowed only queries by MAC address */
	open_with(f, &f->cfg, since(CHANGED_12), "198.51.100.9");
	assert_true(f->opened.refused);
	expect_error(f, LQ4_STATUS_NOT_ALLOWED);
	/* not a requestor at all */
	open_with(f, &f->cfg, query(), "203.0.113.1");
	assert_true(f->opened.refused);
	expect_error(f, LQ4_STATUS_NOT_ALLOWED);
	/* the keepalive of a refused query is its error reply */
	open_with(f, &f->cfg, query(), "203.0.113.1");
	assert_int_equal(lq_active_keepalive(f->q, NOW, f->out, sizeof(f->out), &len), 1);
	check(f, len, NOW);
	assert_int_equal(f->m.status_code, LQ4_STATUS_NOT_ALLOWED);
	assert_true(lq_active_finished(f->q));
	/* refused-queries "drop": the connection is closed */
	parse_config(config_drop_text, &drop);
	open_with(f, &drop, query(), PEER);
	assert_int_equal(f->opened.action, LQ_BULK_CLOSE);
	assert_true(f->opened.refused);
	assert_non_null(f->opened.reason);
	lq_config_free(&drop);
}

static void test_malformed(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q;

	q = query();
	q->ciaddr = ip("10.0.0.10");
	open_q(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);
	q = query();
	q->yiaddr = ip("10.0.0.10");
	open_q(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);
	q = query();
	q->siaddr = ip("10.0.0.10");
	open_q(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);
	/* query-end-time: an active query has no end */
	q = since(CHANGED_12);
	q->has_query_end_time = true;
	q->query_end_time = lq_time_to_v4(NOW);
	open_q(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);
	/* primary queries */
	q = query();
	q->htype = 1;
	q->hlen = 6;
	memcpy(q->chaddr, mac(0x0a), 6);
	open_q(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);
	q = query();
	q->client_id = bytes(cid10, sizeof(cid10));
	open_q(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);
	q = query();
	q->has_relay_info = true;
	q->relay_info.remote_id = bytes("cpe1", 4);
	open_q(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);
	q = query();
	q->has_relay_info = true;
	q->relay_info.relay_id = bytes("rly1", 4);
	open_q(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);
	/* hlen without a hardware address is no query by MAC */
	q = query();
	q->htype = 1;
	q->hlen = 6;
	open_q(f, q);
	assert_int_equal(f->opened.status, 0);
	/* two VPNs */
	q = query();
	with_vss(q, 0, vpn_a, sizeof(vpn_a));
	q->has_relay_info = true;
	q->relay_info.vss.present = true;
	q->relay_info.vss.type = 1;
	q->relay_info.vss.info = bytes(vpn_b, sizeof(vpn_b));
	open_q(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);
}

static void test_not_active(void **state)
{
	struct fixture *f = *state;
	static const uint8_t junk[] = { 1, 2, 3 };
	struct lq4_msg *q;

	q = query();
	q->msg_type = LQ4_BULKLEASEQUERY;
	open_with(f, &f->cfg, q, PEER);
	assert_int_equal(f->opened.action, LQ_BULK_CLOSE);
	assert_int_equal(f->opened.msg_type, LQ4_BULKLEASEQUERY);
	assert_non_null(f->opened.reason);
	q = query();
	q->msg_type = LQ4_TLS;
	open_with(f, &f->cfg, q, PEER);
	assert_int_equal(f->opened.action, LQ_BULK_CLOSE);
	q = query();
	q->op = LQ4_BOOTREPLY;
	open_with(f, &f->cfg, q, PEER);
	assert_int_equal(f->opened.action, LQ_BULK_CLOSE);
	open_raw_with(f, &f->cfg, junk, sizeof(junk), PEER);
	assert_int_equal(f->opened.action, LQ_BULK_CLOSE);
	assert_non_null(f->opened.reason);
	open_raw_with(f, &f->cfg, NULL, 0, PEER);
	assert_int_equal(f->opened.action, LQ_BULK_CLOSE);
	/* an unknown family */
	{
		struct lq_query_env env = { .config = &f->cfg, .now = NOW };
		struct lq_query_peer peer = peer_at(PEER);
		struct lq_active_query *aq = (struct lq_active_query *)1;

		assert_int_equal(lq_active_open(&env, f->reader, 5, junk, sizeof(junk), &peer, &aq,
						&f->opened), 0);
		assert_null(aq);
		assert_int_equal(f->opened.action, LQ_BULK_CLOSE);
	}
}

/* ---- bounded work ---- */

/* Thousands of DHCPv6 changes before a DHCPv4 one: calls that read their
 * budget of history without a message say LQ_ACTIVE_AGAIN. */
static void test_budget(void **state)
{
	struct fixture *f = *state;
	enum { N6 = 2 * LQ_ACTIVE_HISTORY_BUDGET + 10 };
	struct lq_binding_change *c = calloc(N6, sizeof(*c));
	int again = 0;
	size_t len;
	int rc;

	assert_non_null(c);
	open_q(f, query());
	for (size_t i = 0; i < N6; i++) {
		lq_ip6 a = { { 0x20, 0x01, 0x0d, 0xb8 } };

		a.b[14] = (uint8_t)(i >> 8);
		a.b[15] = (uint8_t)i;
		c[i].op = LQ_CHANGE_UPSERT;
		lq_binding_key_v6(&c[i].binding.key, &a, 128);
		c[i].binding.type = LQ_LEASE_NA;
		c[i].binding.state = LQ_STATE_ACTIVE;
		c[i].binding.expire = NOW + 3600;
	}
	assert_int_equal(lq_store_apply(f->store, c, N6, NOW + 1, NULL), LQ_STORE_OK);
	free(c);
	put(f, "10.0.0.20", 0x14, LQ_STATE_ACTIVE, NOW + 2);
	renew(f);
	while ((rc = lq_active_next(f->q, f->reader, NOW + 3, f->out, sizeof(f->out), &len)) ==
	       LQ_ACTIVE_AGAIN)
		again++;
	assert_int_equal(again, 2);
	assert_int_equal(rc, 1);
	check(f, len, NOW + 3);
	assert_int_equal(f->m.msg_type, LQ4_LEASEACTIVE);
	assert_int_equal(lq_active_next(f->q, f->reader, NOW + 3, f->out, sizeof(f->out), &len), 0);
	/* a buffer too small for any message */
	assert_int_equal(lq_active_next(f->q, f->reader, NOW + 3, f->out, 100, &len),
			 LQ_STORE_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_other_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catch_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catch_up_boundaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catch_up_deleted_and_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catch_up_vpn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_vpn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_missing_before_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_missing_pruned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fell_behind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pruned_during_catch_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_terminate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminate_catching_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_active, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
