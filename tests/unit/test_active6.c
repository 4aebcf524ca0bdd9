/* test_active6.c - the DHCPv6 active leasequery engine (RFC 7653) end to
 * end without sockets: bindings in a real LMDB store in a temporary
 * directory, changed with lq_store_apply at controlled times, a
 * configuration parsed from JSON text, ACTIVELEASEQUERY messages built
 * with the wire writer, run with lq_active_open / lq_active_next while the
 * store changes, every message decoded with lq6_decode. Every message is
 * checked for what holds for all (xid; one LEASEQUERY-REPLY, first, with
 * our OPTION_SERVERID and the requestor's OPTION_CLIENTID; base-time when
 * asked and with DataMissing and QueryTerminated), then each scenario for
 * its exact sequence of messages and the clients and leases in them: live
 * changes (a client's group on its link, a lease gone with lifetimes 0, a
 * deleted lease without DUID, DHCPv4 changes skipped), catch-up (first
 * client in the REPLY, groups, deletes, CatchUpComplete), DataMissing (at
 * the start, after falling behind), narrowing by OPTION_LQ_QUERY (relay-id,
 * link-address, client-id on a link, address, remote-id), keepalive,
 * termination, refused, malformed and foreign messages, bounded work. */
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
#include "lq/dhcp6.h"
#include "lq/lqtime.h"
#include "lq/store.h"
#include "../tools/store_fixture.h"

#define NOW 1700000000
#define LOADED (NOW - 5000)
#define CHANGED_PD (NOW - 1000)   /* client A's prefix */
#define CHANGED_C (NOW - 800)     /* client C's address released */
#define DELETED_150 (NOW - 500)
#define MAX_MSGS 64
#define TEXT_MAX 256

static const char config_text[] =
	"{\n"
	"  \"server-id\": \"192.0.2.1\",\n"
	"  \"server-duid\": \"00:02:00:00:00:09:0a:0b:0c:0d\",\n"
	"  \"subnets6\": [\n"
	"    {\"subnet\": \"2001:db8:1::/64\", \"id\": 1,\n"
	"     \"pools\": [\"2001:db8:1::100 - 2001:db8:1::ffff\"],\n"
	"     \"pd-pools\": [{\"prefix\": \"2001:db8:8000::/40\", \"delegated-len\": 56}]},\n"
	"    {\"subnet\": \"2001:db8:2::/64\", \"id\": 2,\n"
	"     \"pools\": [\"2001:db8:2::100 - 2001:db8:2::ffff\"]}\n"
	"  ],\n"
	"  \"requesters\": [\"2001:db8:ffff::/48\", \"192.0.2.0/24\",\n"
	"                 {\"prefix\": \"2001:db8:fffe::/48\", \"query-types\": [\"by-address\"]}]\n"
	"}\n";

static const char config_drop_text[] =
	"{\n"
	"  \"server-duid\": \"00:02:00:00:00:09:0a:0b:0c:0d\",\n"
	"  \"requesters\": [{\"prefix\": \"2001:db8:ffff::/48\", \"query-types\": [\"by-address\"]}],\n"
	"  \"refused-queries\": \"drop\"\n"
	"}\n";

static const uint8_t duid_server[] = { 0, 2, 0, 0, 0, 9, 0x0a, 0x0b, 0x0c, 0x0d };
static const uint8_t duid_other[] = { 0, 2, 0, 0, 0, 9, 0x0a, 0x0b, 0x0c, 0x0e };
static const uint8_t duid_requestor[] = { 0, 1, 0, 1, 0x11, 0x22, 0x33, 0x44, 2, 0, 0, 0, 0, 1 };
/* clients: the last octet is the client's name in the expectations */
#define DUID(c) { 0, 3, 0, 1, 2, 0, 0, 0, 0, c }
static const uint8_t duid_a[] = DUID('A'), duid_b[] = DUID('B'), duid_c[] = DUID('C');
static const uint8_t relay1[] = { 0, 3, 0, 1, 2, 0, 0, 0, 0x0e, 0x01 };
static const uint8_t relay2[] = { 0, 3, 0, 1, 2, 0, 0, 0, 0x0e, 0x02 };
static const uint8_t remote_b[] = { 0, 0, 0, 9, 'c', 'p', 'e', '-', 'b' };

struct fixture {
	char dir[64];
	struct lq_store *store;
	struct lq_store_reader *reader;
	struct lq_config cfg;
	struct lq_active_query *q;
	struct lq_bulk_opened opened;
	uint32_t xid;
	bool want_base_time;
	bool echo;                      /* the query had an OPTION_CLIENTID */
	uint64_t seen;
	char got[MAX_MSGS][TEXT_MAX];
	size_t n;
	struct lq6_msg m;
	struct lq6_msg msgs[8];
	uint8_t copies[8][4096];        /* the octets msgs[] point into */
	uint8_t out[LQ_BULK_MSG_MAX];
};

/* ---- building blocks ---- */

static lq_ip6 ip(const char *text)
{
	lq_ip6 a;

	assert_int_equal(inet_pton(AF_INET6, text, a.b), 1);
	return a;
}

static lq_bytes bytes(const void *p, size_t n)
{
	return (lq_bytes){ (const uint8_t *)p, n };
}

/* An active lease of client duid (10 octets) at addr (a prefix when len
 * is not 128), expiring at expire, in subnet. */
static struct lq_binding lease(const char *addr, uint8_t len, const uint8_t *duid, int64_t expire,
			       uint32_t subnet)
{
	struct lq_binding b;
	lq_ip6 a = ip(addr);

	memset(&b, 0, sizeof(b));
	lq_binding_key_v6(&b.key, &a, len);
	b.type = len == 128 ? LQ_LEASE_NA : LQ_LEASE_PD;
	b.state = LQ_STATE_ACTIVE;
	b.client_id = bytes(duid, 10);
	b.iaid = 1;
	b.cltt = expire - 3600;
	b.state_since = expire - 3600;
	b.expire = expire;
	b.valid_lifetime = 3600;
	b.preferred_lifetime = 1800;
	b.subnet_id = subnet;
	return b;
}

static void put_at(struct lq_store *store, const struct lq_binding *b, int64_t when)
{
	struct lq_binding_change c = { .op = LQ_CHANGE_UPSERT, .binding = *b };

	assert_int_equal(lq_store_apply(store, &c, 1, when, NULL), LQ_STORE_OK);
}

static void delete_at(struct lq_store *store, const char *addr, uint8_t len, int64_t when)
{
	struct lq_binding_change c = { .op = LQ_CHANGE_DELETE };
	lq_ip6 a = ip(addr);

	lq_binding_key_v6(&c.binding.key, &a, len);
	assert_int_equal(lq_store_apply(store, &c, 1, when, NULL), LQ_STORE_OK);
}

static struct lq_binding a1(int64_t expire)
{
	struct lq_binding b = lease("2001:db8:1::101", 128, duid_a, expire, 1);

	b.link_address = ip("2001:db8:1::1");
	b.relay_id = bytes(relay1, sizeof(relay1));
	return b;
}

static struct lq_binding a2(int64_t expire)
{
	struct lq_binding b = lease("2001:db8:1::102", 128, duid_a, expire, 1);

	b.link_address = ip("2001:db8:1::1");
	b.relay_id = bytes(relay1, sizeof(relay1));
	return b;
}

static struct lq_binding b1(int64_t expire)
{
	struct lq_binding b = lease("2001:db8:2::201", 128, duid_b, expire, 2);

	b.link_address = ip("2001:db8:2::1");
	b.relay_id = bytes(relay2, sizeof(relay2));
	b.remote_id = bytes(remote_b, sizeof(remote_b));
	return b;
}

/* The bindings every test starts from, and their history. */
static void load_bindings(struct lq_store *store)
{
	struct lq_binding b;

	b = a1(NOW + 3000);
	put_at(store, &b, LOADED);
	b = a2(NOW + 3000);
	put_at(store, &b, LOADED);
	b = b1(NOW + 3000);
	put_at(store, &b, LOADED);
	b = lease("2001:db8:1::103", 128, duid_c, NOW + 3000, 1);
	put_at(store, &b, LOADED);
	b = lease("2001:db8:1::150", 128, duid_c, NOW + 3000, 1);
	put_at(store, &b, LOADED);
	b = lease("2001:db8:8000:100::", 56, duid_a, NOW + 3000, 1);
	put_at(store, &b, CHANGED_PD);
	b = lease("2001:db8:1::103", 128, duid_c, NOW - 10, 1);
	b.state = LQ_STATE_RELEASED;
	put_at(store, &b, CHANGED_C);
	delete_at(store, "2001:db8:1::150", 128, DELETED_150);
}

static void parse_config(const char *text, struct lq_config *cfg)
{
	char err[256] = "";
	int rc = lq_config_parse(text, strlen(text), NULL, cfg, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "config: %s\n", err);
	assert_int_equal(rc, 0);
}

static void open_store(struct fixture *f, uint64_t history_limit)
{
	struct lq_store_options o = { .history_limit = history_limit, .no_sync = true };

	assert_int_equal(lq_fixture_store_open(f->dir, "/tmp/lq-active6-test-XXXXXX", &o, &f->store), 0);
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

static void renew(struct fixture *f)
{
	lq_store_read_reset(f->reader);
	assert_int_equal(lq_store_read_renew(f->reader), LQ_STORE_OK);
}

/* ---- queries ---- */

struct query {
	uint8_t msg_type;               /* 0: ACTIVELEASEQUERY */
	bool no_client_id;
	const uint8_t *server_id;
	bool base_time;                 /* top-level ORO with OPTION_LQ_BASE_TIME */
	bool has_start, has_end;
	int64_t start, end;
	uint8_t type;                   /* OPTION_LQ_QUERY when not 0 */
	const char *link;
	const char *address;
	const uint8_t *duid, *relay_id;
	bool remote;
	uint32_t enterprise;
	const char *remote_id;
	bool query_oro_base_time;       /* the ORO inside OPTION_LQ_QUERY */
};

static size_t build(const struct query *q, uint8_t *out, size_t cap)
{
	static const uint16_t oro[] = { LQ6_OPT_LQ_BASE_TIME };
	struct lq6_writer w;
	size_t len = 0;

	lq6w_init(&w, out, cap);
	lq6w_header(&w, q->msg_type != 0 ? q->msg_type : LQ6_ACTIVELEASEQUERY, 0xac7162);
	if (!q->no_client_id)
		lq6w_option(&w, LQ6_OPT_CLIENTID, duid_requestor, sizeof(duid_requestor));
	if (q->server_id != NULL)
		lq6w_option(&w, LQ6_OPT_SERVERID, q->server_id, 10);
	if (q->base_time)
		lq6w_oro(&w, oro, 1);
	if (q->has_start)
		lq6w_option_u32(&w, LQ6_OPT_LQ_START_TIME, lq_time_to_v6(q->start));
	if (q->has_end)
		lq6w_option_u32(&w, LQ6_OPT_LQ_END_TIME, lq_time_to_v6(q->end));
	if (q->type != 0) {
		lq_ip6 link = q->link != NULL ? ip(q->link) : (lq_ip6){ { 0 } };

		lq6w_lq_query_open(&w, q->type, &link);
		if (q->address != NULL) {
			lq_ip6 a = ip(q->address);

			lq6w_iaaddr(&w, &a, 0, 0);
		}
		if (q->duid != NULL)
			lq6w_option(&w, LQ6_OPT_CLIENTID, q->duid, 10);
		if (q->relay_id != NULL)
			lq6w_option(&w, LQ6_OPT_RELAY_ID, q->relay_id, 10);
		if (q->remote)
			lq6w_remote_id(&w, q->enterprise, q->remote_id, strlen(q->remote_id));
		if (q->query_oro_base_time)
			lq6w_oro(&w, oro, 1);
		lq6w_close(&w);
	}
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	return len;
}

static const uint8_t *peer_addr(const char *addr)
{
	static lq_ip6 a;

	a = ip(addr);
	return a.b;
}

static void open_raw_with(struct fixture *f, const struct lq_config *cfg, const uint8_t *pkt,
			  size_t len, const char *from)
{
	struct lq_query_env env = { .config = cfg, .now = NOW };
	struct lq_query_peer peer;

	memset(&peer, 0, sizeof(peer));
	peer.family = 6;
	memcpy(peer.addr, peer_addr(from), 16);
	peer.port = 40000;
	lq_active_close(f->q);
	f->q = NULL;
	f->seen = 0;
	assert_int_equal(lq_active_open(&env, f->reader, 6, pkt, len, &peer, &f->q, &f->opened), 0);
	if (f->opened.action != LQ_BULK_RUN) {
		assert_null(f->q);
		return;
	}
	assert_non_null(f->q);
	assert_int_equal(f->opened.kind, LQ_QUERY_V6_ACTIVE);
	assert_int_equal(lq_active_xid(f->q), 0xac7162);
	f->xid = 0xac7162;
}

static void open_with(struct fixture *f, const struct lq_config *cfg, const struct query *q,
		      const char *from)
{
	uint8_t pkt[1024];
	size_t len = build(q, pkt, sizeof(pkt));

	f->want_base_time = q->base_time || q->query_oro_base_time;
	f->echo = !q->no_client_id;
	open_raw_with(f, cfg, pkt, len, from);
}

#define PEER "2001:db8:ffff::7"

static void open_q(struct fixture *f, const struct query *q)
{
	open_with(f, &f->cfg, q, PEER);
	assert_int_equal(f->opened.action, LQ_BULK_RUN);
	assert_false(f->opened.refused);
}

/* The message as text: "R 0" (LEASEQUERY-REPLY, status), "D 13"
 * (LEASEQUERY-DATA), "E 11" (LEASEQUERY-DONE), then for OPTION_CLIENT_DATA
 * the client's name (the last octet of its DUID, "-" without one) and its
 * leases, "!" after one with valid lifetime 0:
 * "D 0 A 2001:db8:1::101 2001:db8:8000:100::/56". */
static void render(const struct lq6_msg *m, char *text)
{
	const struct lq6_client_data *cd = &m->client_data;
	struct lq6_iter it;
	struct lq6_lease l;
	size_t n;
	char type = m->type == LQ6_LEASEQUERY_REPLY ? 'R' : m->type == LQ6_LEASEQUERY_DATA ? 'D' : 'E';

	n = (size_t)snprintf(text, TEXT_MAX, "%c %u", type, m->status.present ? m->status.code : 0);
	if (!cd->present)
		return;
	if (cd->client_id.data != NULL)
		n += (size_t)snprintf(text + n, TEXT_MAX - n, " %c",
				      cd->client_id.data[cd->client_id.len - 1]);
	else
		n += (size_t)snprintf(text + n, TEXT_MAX - n, " -");
	lq6_iter_init(&it, cd->options);
	while (lq6_client_data_next(&it, &l)) {
		char a[INET6_ADDRSTRLEN];

		assert_non_null(inet_ntop(AF_INET6, l.addr.b, a, sizeof(a)));
		n += (size_t)snprintf(text + n, TEXT_MAX - n, " %s", a);
		if (l.is_prefix)
			n += (size_t)snprintf(text + n, TEXT_MAX - n, "/%u", l.prefix_len);
		if (l.valid == 0)
			n += (size_t)snprintf(text + n, TEXT_MAX - n, "!");
		assert_true(n < TEXT_MAX);
	}
}

static void check(struct fixture *f, size_t len, int64_t now)
{
	struct lq6_msg *m = &f->m;
	bool status_time;

	assert_true(len >= LQ6_HEADER_LEN && len <= LQ_BULK_MSG_MAX);
	assert_int_equal(lq6_decode(f->out, len, m, NULL), LQ_OK);
	assert_int_equal(m->xid, f->xid);
	/* one LEASEQUERY-REPLY, first (RFC 7653 6.2.3) */
	assert_int_equal(m->type == LQ6_LEASEQUERY_REPLY, f->seen == 0);
	assert_true(m->type == LQ6_LEASEQUERY_REPLY || m->type == LQ6_LEASEQUERY_DATA ||
		    m->type == LQ6_LEASEQUERY_DONE);
	if (m->type == LQ6_LEASEQUERY_REPLY) {
		assert_int_equal(m->server_id.len, sizeof(duid_server));
		assert_memory_equal(m->server_id.data, duid_server, sizeof(duid_server));
		if (f->echo) {
			assert_int_equal(m->client_id.len, sizeof(duid_requestor));
			assert_memory_equal(m->client_id.data, duid_requestor, sizeof(duid_requestor));
		} else {
			assert_null(m->client_id.data);
		}
	} else {
		assert_null(m->server_id.data);
		assert_null(m->client_id.data);
	}
	/* base-time when asked (9.3), and with DataMissing (8.4.1) and
	 * QueryTerminated (8.4) */
	status_time = m->status.present && (m->status.code == LQ6_STATUS_DATA_MISSING ||
					    m->status.code == LQ6_STATUS_QUERY_TERMINATED);
	assert_int_equal(m->has_base_time, f->want_base_time || status_time);
	if (m->has_base_time)
		assert_int_equal(m->base_time, lq_time_to_v6(now));
	f->seen++;
}

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
		if (f->n < 8) {
			assert_true(len <= sizeof(f->copies[0]));
			memcpy(f->copies[f->n], f->out, len);
			assert_int_equal(lq6_decode(f->copies[f->n], len, &f->msgs[f->n], NULL), LQ_OK);
		}
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

#define GROUP_A "A 2001:db8:1::101 2001:db8:1::102 2001:db8:8000:100::/56"

/* ---- live changes ---- */

static void test_live(void **state)
{
	struct fixture *f = *state;
	struct query q = { 0 };
	struct lq_binding b;
	struct lq_bulk_progress p;

	open_q(f, &q);
	assert_false(lq_active_catching_up(f->q));
	/* the REPLY at once, empty: the query is accepted */
	drain(f, NOW);
	EXPECT(f, "R 0");
	drain(f, NOW);
	EXPECT_NONE(f);

	/* a renewal of A's first address: A's active leases on that link */
	b = a1(NOW + 4000);
	put_at(f->store, &b, NOW + 1);
	/* C's address released; a DHCPv4 change, not for this query */
	b = lease("2001:db8:1::104", 128, duid_c, NOW + 3000, 1);
	put_at(f->store, &b, NOW + 1);
	b.state = LQ_STATE_RELEASED;
	put_at(f->store, &b, NOW + 2);
	{
		struct lq_binding_change c = { .op = LQ_CHANGE_UPSERT };
		lq_ip4 a4 = { { 10, 0, 0, 1 } };

		lq_binding_key_v4(&c.binding.key, &a4);
		c.binding.type = LQ_LEASE_V4;
		c.binding.state = LQ_STATE_ACTIVE;
		c.binding.expire = NOW + 100;
		assert_int_equal(lq_store_apply(f->store, &c, 1, NOW + 2, NULL), LQ_STORE_OK);
	}
	drain(f, NOW + 3);
	EXPECT_NONE(f);         /* not in the snapshot yet */
	renew(f);
	drain(f, NOW + 3);
	/* the second C message: as it is now (released), twice */
	EXPECT(f, "D 0 " GROUP_A, "D 0 C 2001:db8:1::104!", "D 0 C 2001:db8:1::104!");
	{
		const struct lq6_client_data *cd = &f->msgs[0].client_data;

		assert_true(cd->has_clt_time);
		assert_int_equal(cd->clt_time, 0);      /* A1's cltt: NOW + 4000 - 3600 */
	}

	/* a deleted lease: no DUID left, lifetimes 0 */
	delete_at(f->store, "2001:db8:1::102", 128, NOW + 4);
	renew(f);
	drain(f, NOW + 5);
	EXPECT(f, "D 0 - 2001:db8:1::102!");
	assert_false(f->msgs[0].client_data.has_clt_time);

	/* a deleted prefix */
	delete_at(f->store, "2001:db8:8000:100::", 56, NOW + 6);
	renew(f);
	drain(f, NOW + 7);
	EXPECT(f, "D 0 - 2001:db8:8000:100::/56!");
	lq_active_progress(f->q, &p);
	assert_int_equal(p.messages, 6);
	assert_int_equal(p.bindings, 3 + 1 + 1 + 1 + 1);
	assert_false(p.finished);
}

static void test_base_time(void **state)
{
	struct fixture *f = *state;
	struct query q = { .base_time = true };
	struct lq_binding b;

	open_q(f, &q);
	drain(f, NOW);
	EXPECT(f, "R 0");
	b = b1(NOW + 4000);
	put_at(f->store, &b, NOW + 1);
	renew(f);
	drain(f, NOW + 2);
	EXPECT(f, "D 0 B 2001:db8:2::201");
	/* the ORO inside OPTION_LQ_QUERY asks as well */
	q = (struct query){ .type = LQ6_QUERY_BY_LINK_ADDRESS, .query_oro_base_time = true };
	open_q(f, &q);
	drain(f, NOW + 3);
	EXPECT(f, "R 0");
}

/* ---- catch-up ---- */

static void test_catch_up(void **state)
{
	struct fixture *f = *state;
	struct query q = { .has_start = true, .start = CHANGED_PD };
	struct lq_binding b;
	struct lq_bulk_progress p;

	open_q(f, &q);
	assert_true(lq_active_catching_up(f->q));
	/* a change during catch-up waits */
	b = b1(NOW + 4000);
	put_at(f->store, &b, NOW + 1);
	drain(f, NOW + 2);
	/* the first client in the REPLY (6.2.3): A's prefix, the only binding of
	 * A changed since; C's released address; the deleted address; then
	 * CatchUpComplete (9.3) */
	EXPECT(f, "R 0 A 2001:db8:8000:100::/56", "D 0 C 2001:db8:1::103!", "D 0 - 2001:db8:1::150!",
	       "D 13");
	assert_false(lq_active_catching_up(f->q));
	lq_active_progress(f->q, &p);
	assert_int_equal(p.status, LQ6_STATUS_CATCH_UP_COMPLETE);
	assert_int_equal(p.bindings, 3);
	renew(f);
	drain(f, NOW + 3);
	EXPECT(f, "D 0 B 2001:db8:2::201");
}

static void test_catch_up_empty(void **state)
{
	struct fixture *f = *state;
	struct query q = { .has_start = true, .start = NOW, .base_time = true };

	open_q(f, &q);
	drain(f, NOW);
	EXPECT(f, "R 0", "D 13");
	/* a query that selects: no deletes in its catch-up */
	q = (struct query){ .has_start = true, .start = CHANGED_PD, .type = LQ6_QUERY_BY_LINK_ADDRESS,
			    .link = "2001:db8:1::1" };
	open_q(f, &q);
	drain(f, NOW);
	/* in the bulk scan's order: the subnet's addresses, then its pd-pool */
	EXPECT(f, "R 0 C 2001:db8:1::103!", "D 0 A 2001:db8:8000:100::/56", "D 13");
}

static void test_data_missing(void **state)
{
	struct fixture *f = *state;
	struct query q = { .has_start = true, .start = LOADED - 1 };
	struct lq_binding b;
	struct lq_bulk_progress p;

	open_q(f, &q);
	assert_int_equal(f->opened.status, LQ6_STATUS_DATA_MISSING);
	assert_false(lq_active_catching_up(f->q));
	drain(f, NOW);
	/* the REPLY says DataMissing, with base-time although not asked */
	EXPECT(f, "R 12");
	assert_true(f->msgs[0].has_base_time);
	lq_active_progress(f->q, &p);
	assert_int_equal(p.status, LQ6_STATUS_DATA_MISSING);
	assert_false(p.finished);
	b = b1(NOW + 4000);
	put_at(f->store, &b, NOW + 1);
	renew(f);
	drain(f, NOW + 2);
	EXPECT(f, "D 0 B 2001:db8:2::201");
}

static void test_fell_behind(void **state)
{
	struct fixture *f = *state;
	struct query q = { 0 };

	close_store(f);
	open_store(f, 3);
	open_q(f, &q);
	drain(f, NOW);
	EXPECT(f, "R 0");
	for (int i = 0; i < 5; i++) {
		char addr[32];
		struct lq_binding b;

		snprintf(addr, sizeof(addr), "2001:db8:2::%x", 0x300 + i);
		b = lease(addr, 128, duid_b, NOW + 3000, 2);
		put_at(f->store, &b, NOW + 1 + i);
	}
	renew(f);
	drain(f, NOW + 10);
	/* the three kept: each with B's other active leases on its link, as
	 * they are in the snapshot */
	EXPECT(f, "D 12",
	       "D 0 B 2001:db8:2::302 2001:db8:2::201 2001:db8:2::300 2001:db8:2::301 2001:db8:2::303 "
	       "2001:db8:2::304",
	       "D 0 B 2001:db8:2::303 2001:db8:2::201 2001:db8:2::300 2001:db8:2::301 2001:db8:2::302 "
	       "2001:db8:2::304",
	       "D 0 B 2001:db8:2::304 2001:db8:2::201 2001:db8:2::300 2001:db8:2::301 2001:db8:2::302 "
	       "2001:db8:2::303");
	assert_true(f->msgs[0].has_base_time);
	assert_false(f->msgs[1].has_base_time);
}

/* ---- what the query selects ---- */

/* Changes to A (relay 1, subnet 1), B (relay 2, subnet 2), a delete. */
static void change_all(struct fixture *f, int64_t when)
{
	struct lq_binding b;

	b = a1(NOW + 4000);
	put_at(f->store, &b, when);
	b = b1(NOW + 4000);
	put_at(f->store, &b, when);
	b = lease("2001:db8:8000:100::", 56, duid_a, NOW + 4000, 1);
	put_at(f->store, &b, when);
	delete_at(f->store, "2001:db8:1::103", 128, when);
	renew(f);
}

static void test_selects(void **state)
{
	struct fixture *f = *state;
	struct query q;

	/* by relay-id: A's leases relayed by relay 1 (not its prefix) */
	q = (struct query){ .type = LQ6_QUERY_BY_RELAY_ID, .relay_id = relay1 };
	open_q(f, &q);
	drain(f, NOW);
	EXPECT(f, "R 0");
	change_all(f, NOW + 1);
	drain(f, NOW + 2);
	EXPECT(f, "D 0 A 2001:db8:1::101 2001:db8:1::102");

	/* by link-address in subnet 2 */
	q = (struct query){ .type = LQ6_QUERY_BY_LINK_ADDRESS, .link = "2001:db8:2::1" };
	open_q(f, &q);
	change_all(f, NOW + 3);
	drain(f, NOW + 4);
	EXPECT(f, "R 0", "D 0 B 2001:db8:2::201");

	/* by link-address ::: every binding, but no deletes */
	q = (struct query){ .type = LQ6_QUERY_BY_LINK_ADDRESS };
	open_q(f, &q);
	change_all(f, NOW + 5);
	drain(f, NOW + 6);
	EXPECT(f, "R 0", "D 0 " GROUP_A, "D 0 B 2001:db8:2::201",
	       "D 0 A 2001:db8:8000:100::/56 2001:db8:1::101 2001:db8:1::102");

	/* by client-id on another link: nothing of A */
	q = (struct query){ .type = LQ6_QUERY_BY_CLIENTID, .duid = duid_a, .link = "2001:db8:2::1" };
	open_q(f, &q);
	change_all(f, NOW + 7);
	drain(f, NOW + 8);
	EXPECT(f, "R 0");
	/* by client-id */
	q = (struct query){ .type = LQ6_QUERY_BY_CLIENTID, .duid = duid_a };
	open_q(f, &q);
	change_all(f, NOW + 9);
	drain(f, NOW + 10);
	EXPECT(f, "R 0", "D 0 " GROUP_A, "D 0 A 2001:db8:8000:100::/56 2001:db8:1::101 2001:db8:1::102");

	/* by address inside A's prefix: that prefix alone */
	q = (struct query){ .type = LQ6_QUERY_BY_ADDRESS, .address = "2001:db8:8000:100::5" };
	open_q(f, &q);
	change_all(f, NOW + 11);
	drain(f, NOW + 12);
	EXPECT(f, "R 0", "D 0 A 2001:db8:8000:100::/56");

	/* by remote-id */
	q = (struct query){ .type = LQ6_QUERY_BY_REMOTE_ID, .remote = true, .enterprise = 9,
			    .remote_id = "cpe-b" };
	open_q(f, &q);
	change_all(f, NOW + 13);
	drain(f, NOW + 14);
	EXPECT(f, "R 0", "D 0 B 2001:db8:2::201");
}

/* ---- keepalive, termination ---- */

static void test_keepalive_terminate(void **state)
{
	struct fixture *f = *state;
	struct query q = { .base_time = true };
	struct lq_bulk_progress p;
	size_t len = 0;

	open_q(f, &q);
	/* before anything: the REPLY must come first */
	assert_int_equal(lq_active_keepalive(f->q, NOW + 60, f->out, sizeof(f->out), &len), 1);
	check(f, len, NOW + 60);
	assert_int_equal(f->m.type, LQ6_LEASEQUERY_REPLY);
	assert_int_equal(lq_active_keepalive(f->q, NOW + 120, f->out, sizeof(f->out), &len), 1);
	check(f, len, NOW + 120);
	assert_int_equal(f->m.type, LQ6_LEASEQUERY_DATA);
	assert_false(f->m.status.present);
	assert_false(f->m.client_data.present);
	drain(f, NOW + 121);
	EXPECT_NONE(f);
	assert_int_equal(lq_active_terminate(f->q, NOW + 130, "server shutting down", f->out,
					     sizeof(f->out), &len), 1);
	check(f, len, NOW + 130);
	assert_int_equal(f->m.type, LQ6_LEASEQUERY_DONE);
	assert_int_equal(f->m.status.code, LQ6_STATUS_QUERY_TERMINATED);
	assert_int_equal(f->m.status.message.len, strlen("server shutting down"));
	assert_true(lq_active_finished(f->q));
	lq_active_progress(f->q, &p);
	assert_int_equal(p.messages, 3);
	assert_int_equal(p.status, LQ6_STATUS_QUERY_TERMINATED);
	drain(f, NOW + 131);
	EXPECT_NONE(f);
	assert_int_equal(lq_active_terminate(f->q, NOW, "again", f->out, sizeof(f->out), &len), 0);
	assert_int_equal(lq_active_keepalive(f->q, NOW, f->out, sizeof(f->out), &len), 0);

	/* terminated before the REPLY: the REPLY says so, with base-time */
	q = (struct query){ 0 };
	open_q(f, &q);
	assert_int_equal(lq_active_terminate(f->q, NOW, NULL, f->out, sizeof(f->out), &len), 1);
	check(f, len, NOW);
	assert_int_equal(f->m.type, LQ6_LEASEQUERY_REPLY);
	assert_int_equal(f->m.status.code, LQ6_STATUS_QUERY_TERMINATED);
	assert_true(lq_active_finished(f->q));

	/* terminated while catching up */
	q = (struct query){ .has_start = true, .start = CHANGED_PD };
	open_q(f, &q);
	drain_from(f, f->reader, NOW);
	assert_true(f->n > 1);
	open_q(f, &q);
	assert_int_equal(lq_active_next(f->q, f->reader, NOW, f->out, sizeof(f->out), &len), 1);
	check(f, len, NOW);
	assert_true(lq_active_catching_up(f->q));
	assert_int_equal(lq_active_terminate(f->q, NOW, "bye", f->out, sizeof(f->out), &len), 1);
	check(f, len, NOW);
	assert_int_equal(f->m.type, LQ6_LEASEQUERY_DONE);
	assert_false(lq_active_catching_up(f->q));
}

/* ---- errors ---- */

static void expect_error(struct fixture *f, uint16_t status)
{
	struct lq_bulk_progress p;

	assert_int_equal(f->opened.action, LQ_BULK_RUN);
	assert_int_equal(f->opened.status, status);
	assert_non_null(f->opened.reason);
	drain(f, NOW);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->msgs[0].type, LQ6_LEASEQUERY_REPLY);
	assert_true(f->msgs[0].status.present);
	assert_int_equal(f->msgs[0].status.code, status);
	assert_false(f->msgs[0].client_data.present);
	assert_true(lq_active_finished(f->q));
	lq_active_progress(f->q, &p);
	assert_int_equal(p.status, status);
	assert_true(p.finished);
}

static void test_errors(void **state)
{
	struct fixture *f = *state;
	struct query q;
	struct lq_config drop;

	q = (struct query){ 0 };
	open_with(f, &f->cfg, &q, "2001:db8:fffe::1");         /* by-address only */
	assert_true(f->opened.refused);
	expect_error(f, LQ6_STATUS_NOT_ALLOWED);
	open_with(f, &f->cfg, &q, "2001:db8:9::1");            /* not a requestor */
	assert_true(f->opened.refused);
	expect_error(f, LQ6_STATUS_NOT_ALLOWED);
	parse_config(config_drop_text, &drop);
	open_with(f, &drop, &q, PEER);
	assert_int_equal(f->opened.action, LQ_BULK_CLOSE);
	assert_true(f->opened.refused);
	lq_config_free(&drop);

	q = (struct query){ .has_start = true, .start = CHANGED_PD, .has_end = true, .end = NOW };
	open_q(f, &q);
	expect_error(f, LQ6_STATUS_MALFORMED_QUERY);
	q = (struct query){ .has_end = true, .end = NOW };
	open_q(f, &q);
	expect_error(f, LQ6_STATUS_MALFORMED_QUERY);
	q = (struct query){ .no_client_id = true };
	open_q(f, &q);
	expect_error(f, LQ6_STATUS_MALFORMED_QUERY);
	q = (struct query){ .server_id = duid_other };
	open_q(f, &q);
	expect_error(f, LQ6_STATUS_NOT_ALLOWED);
	q = (struct query){ .server_id = duid_server };
	open_q(f, &q);
	assert_int_equal(f->opened.status, 0);
	q = (struct query){ .type = 9 };
	open_q(f, &q);
	expect_error(f, LQ6_STATUS_UNKNOWN_QUERY_TYPE);
	q = (struct query){ .type = LQ6_QUERY_BY_RELAY_ID };
	open_q(f, &q);
	expect_error(f, LQ6_STATUS_MALFORMED_QUERY);
	q = (struct query){ .type = LQ6_QUERY_BY_ADDRESS };
	open_q(f, &q);
	expect_error(f, LQ6_STATUS_MALFORMED_QUERY);
	q = (struct query){ .type = LQ6_QUERY_BY_LINK_ADDRESS, .link = "2001:db8:99::1" };
	open_q(f, &q);
	expect_error(f, LQ6_STATUS_NOT_CONFIGURED);
}

static void test_not_active(void **state)
{
	struct fixture *f = *state;
	static const uint8_t junk[] = { 22, 1 };
	struct query q;
	struct lq_config noduid;
	uint8_t pkt[128];
	size_t len;

	q = (struct query){ .msg_type = LQ6_LEASEQUERY, .type = LQ6_QUERY_BY_LINK_ADDRESS };
	open_with(f, &f->cfg, &q, PEER);
	assert_int_equal(f->opened.action, LQ_BULK_CLOSE);
	assert_int_equal(f->opened.msg_type, LQ6_LEASEQUERY);
	q = (struct query){ .msg_type = LQ6_STARTTLS, .no_client_id = true };
	open_with(f, &f->cfg, &q, PEER);
	assert_int_equal(f->opened.action, LQ_BULK_CLOSE);
	open_raw_with(f, &f->cfg, junk, sizeof(junk), PEER);
	assert_int_equal(f->opened.action, LQ_BULK_CLOSE);
	assert_non_null(f->opened.reason);
	/* relayed: active leasequery is not relayed */
	{
		struct lq6_writer w;
		lq_ip6 zero = { { 0 } };
		uint8_t inner[128];
		size_t inner_len;

		q = (struct query){ 0 };
		inner_len = build(&q, inner, sizeof(inner));
		lq6w_init(&w, pkt, sizeof(pkt));
		lq6w_relay_header(&w, LQ6_RELAY_FORW, 0, &zero, &zero);
		lq6w_option(&w, LQ6_OPT_RELAY_MSG, inner, inner_len);
		assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
		open_raw_with(f, &f->cfg, pkt, len, PEER);
		assert_int_equal(f->opened.action, LQ_BULK_CLOSE);
	}
	/* a server without a DUID */
	parse_config("{\"requesters\": [\"2001:db8:ffff::/48\"]}", &noduid);
	if (noduid.server_duid_len == 0) {
		q = (struct query){ 0 };
		open_with(f, &noduid, &q, PEER);
		assert_int_equal(f->opened.action, LQ_BULK_CLOSE);
	}
	lq_config_free(&noduid);
}

/* ---- bounded work ---- */

static void test_budget(void **state)
{
	struct fixture *f = *state;
	enum { N4 = 2 * LQ_ACTIVE_HISTORY_BUDGET + 10 };
	struct lq_binding_change *c = calloc(N4, sizeof(*c));
	struct query q = { 0 };
	struct lq_binding b;
	int again = 0;
	size_t len;
	int rc;

	assert_non_null(c);
	open_q(f, &q);
	drain(f, NOW);
	EXPECT(f, "R 0");
	for (size_t i = 0; i < N4; i++) {
		lq_ip4 a = { { 10, 1, (uint8_t)(i >> 8), (uint8_t)i } };

		c[i].op = LQ_CHANGE_UPSERT;
		lq_binding_key_v4(&c[i].binding.key, &a);
		c[i].binding.type = LQ_LEASE_V4;
		c[i].binding.state = LQ_STATE_ACTIVE;
		c[i].binding.expire = NOW + 3600;
	}
	assert_int_equal(lq_store_apply(f->store, c, N4, NOW + 1, NULL), LQ_STORE_OK);
	free(c);
	b = b1(NOW + 4000);
	put_at(f->store, &b, NOW + 2);
	renew(f);
	while ((rc = lq_active_next(f->q, f->reader, NOW + 3, f->out, sizeof(f->out), &len)) ==
	       LQ_ACTIVE_AGAIN)
		again++;
	assert_int_equal(again, 2);
	assert_int_equal(rc, 1);
	check(f, len, NOW + 3);
	render(&f->m, f->got[0]);
	assert_string_equal(f->got[0], "D 0 B 2001:db8:2::201");
	assert_int_equal(lq_active_next(f->q, f->reader, NOW + 3, f->out, sizeof(f->out), &len), 0);
	/* a buffer smaller than a frame */
	assert_int_equal(lq_active_next(f->q, f->reader, NOW + 3, f->out, 1000, &len),
			 LQ_STORE_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_base_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catch_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catch_up_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fell_behind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_selects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_terminate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_active, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
