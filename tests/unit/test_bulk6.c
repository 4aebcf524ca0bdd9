/* test_bulk6.c - DHCPv6 bulk leasequery (RFC 5460, RFC 7653 section 5) end
 * to end: queries built with the wire writer, run by lq_bulk_open and
 * lq_bulk_next over a real LMDB store in a temporary directory with a
 * configuration parsed from JSON, every message decoded with lq6_decode.
 * Checked for each query type: the exact set of clients and leases sent
 * (one client on one link per OPTION_CLIENT_DATA, each binding once, even
 * when a client's bindings come from different passes of the scan), the
 * message sequence (LEASEQUERY-REPLY, LEASEQUERY-DATA..., LEASEQUERY-DONE),
 * xid, server-id and client-id in the REPLY only, base-time when asked,
 * the time qualifiers (changes, leases gone with lifetimes 0), link
 * restrictions, every error status, the access rules, messages for the
 * transport (active leasequery, STARTTLS) and those that close the
 * connection, termination, snapshot isolation, a client too large for one
 * message, and a randomised store checked binding by binding; the
 * groups of QUERY_BY_LINK_ADDRESS read client by client from the
 * client-id index (link ::, a link holding most of the store) against
 * those of the passes that look every binding's client up, on random
 * stores. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lq/bulk.h"
#include "lq/dhcp6.h"
#include "lq/lqtime.h"
#include "../../lib/bulk/bulk6_scan.h"
#include "../../lib/store/store_impl.h"
#include "../tools/store_fixture.h"

#define NOW 2000000000
#define T0 (NOW - 1000)         /* the first batch */
#define T1 (NOW - 500)          /* the second batch */
#define MAX_MSGS 2048
#define LINE_MAX_LEN 65536

/* ------------------------------------------------------------- data */

static const uint8_t duid_server[] = {0, 2, 0, 0, 0, 9, 0x0a, 0x0b, 0x0c, 0x0d};
static const uint8_t duid_other_server[] = {0, 2, 0, 0, 0, 9, 0x0a, 0x0b, 0x0c, 0x0e};
static const uint8_t duid_requestor[] = {0, 1, 0, 1, 0x11, 0x22, 0x33, 0x44, 2, 0, 0, 0, 0, 1};

/* clients: the last octet is the client's name in the answers */
#define DUID(c) {0, 3, 0, 1, 2, 0, 0, 0, 0, c}
static const uint8_t duid_a[] = DUID('A'), duid_b[] = DUID('B'), duid_c[] = DUID('C');
static const uint8_t duid_e[] = DUID('E'), duid_f[] = DUID('F'), duid_g[] = DUID('G');
static const uint8_t duid_h[] = DUID('H'), duid_k[] = DUID('K'), duid_x[] = DUID('X');
static const uint8_t duid_j[] = DUID('J'), duid_l[] = DUID('L');

static const uint8_t relay1[] = {0, 3, 0, 1, 2, 0, 0, 0, 0x0e, 0x01};
static const uint8_t relay2[] = {0, 3, 0, 1, 2, 0, 0, 0, 0x0e, 0x02};
static const uint8_t remote_a[] = {0, 0, 0, 9, 'c', 'p', 'e', '-', 'a'};
static const uint8_t remote_g[] = {0, 0, 0, 9, 'c', 'p', 'e', '-', 'g'};

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
	"                 {\"prefix\": \"2001:db8:fffe::/48\", \"query-types\": [\"by-address\"]}]%s\n" \
	"}\n"

static lq_ip6 ip(const char *text)
{
	lq_ip6 a;

	assert_int_equal(inet_pton(AF_INET6, text, a.b), 1);
	return a;
}

static lq_bytes bytes(const void *p, size_t n)
{
	return (lq_bytes){(const uint8_t *)p, n};
}

/* ------------------------------------------------------------- fixture */

struct fixture {
	char dir[64];
	struct lq_store *store;
	struct lq_store_reader *reader;
	struct lq_config cfg, cfg_drop;
};

static struct lq_binding binding(uint8_t type, const char *addr, uint8_t plen, const uint8_t *duid,
				 const char *link)
{
	struct lq_binding b;
	lq_ip6 a = ip(addr);

	memset(&b, 0, sizeof(b));
	lq_binding_key_v6(&b.key, &a, plen);
	b.type = type;
	b.state = LQ_STATE_ACTIVE;
	b.iaid = 1;
	if (duid != NULL)
		b.client_id = bytes(duid, 10);
	b.cltt = NOW - 100;
	b.valid_lifetime = 3600;
	b.preferred_lifetime = 1800;
	b.expire = NOW + 3500;
	if (link != NULL)
		b.link_address = ip(link);
	return b;
}

static void apply(struct lq_store *s, const struct lq_binding *v, size_t n, int64_t when)
{
	struct lq_binding_change c[32];

	assert_true(n <= 32);
	memset(c, 0, sizeof(c));
	for (size_t i = 0; i < n; i++) {
		c[i].op = LQ_CHANGE_UPSERT;
		c[i].binding = v[i];
	}
	assert_int_equal(lq_store_apply(s, c, n, when, NULL), LQ_STORE_OK);
}

/* The bindings (names as in the answers below):
 * A: a1 2001:db8:1::101 and a2 2001:db8:8000:100::/56 (changed at T1), both
 *    relayed by relay1 from 2001:db8:1::1 with remote-id 9 "cpe-a"; a3
 *    2001:db8:1::102 expired.
 * B: b1 2001:db8:1::201 on link 1 (relay1), b2 2001:db8:2::201 on link 2
 *    (relay2, remote-id 9 "cpe-a").
 * C: one binding per pass of a link query for 2001:db8:1::1: c0 ::180
 *    relayed from it, c1 ::150 without a link (in the subnet's pool), c2 a
 *    prefix of the pd-pool without a link, c3 2001:db8:9::1 with only the
 *    subnet id. Key order c1 < c0 < c3 < c2: the link pass meets c0 first.
 * no DUID: d1 2001:db8:1::301 (relay1).
 * E: e1 2001:db8:1::401 released at T1.
 * F: f1 2001:db8:5::10 relayed by relay2 from 2001:db8:5::1 (no subnet).
 * G: g1 2001:db8:2::301 on link 2 with remote-id 9 "cpe-g", at T1.
 * H: h1 2001:db8:7::5 released, the only binding from 2001:db8:7::1.
 * J: j1 2001:db8:9::2, outside every range, with only subnet id 1.
 * L: l1 2001:db8:66::1, outside every range, relayed from 2001:db8:1::1. */
static void load_bindings(struct lq_store *s)
{
	struct lq_binding first[14], second[3];
	size_t n = 0;

	first[n] = binding(LQ_LEASE_NA, "2001:db8:1::101", 128, duid_a, "2001:db8:1::1");
	first[n].relay_id = bytes(relay1, sizeof(relay1));
	first[n++].remote_id = bytes(remote_a, sizeof(remote_a));
	first[n] = binding(LQ_LEASE_NA, "2001:db8:1::102", 128, duid_a, "2001:db8:1::1");
	first[n].expire = NOW - 10;
	first[n++].cltt = NOW - 3610;
	first[n] = binding(LQ_LEASE_NA, "2001:db8:1::201", 128, duid_b, "2001:db8:1::1");
	first[n++].relay_id = bytes(relay1, sizeof(relay1));
	first[n] = binding(LQ_LEASE_NA, "2001:db8:2::201", 128, duid_b, "2001:db8:2::1");
	first[n].relay_id = bytes(relay2, sizeof(relay2));
	first[n++].remote_id = bytes(remote_a, sizeof(remote_a));
	first[n++] = binding(LQ_LEASE_NA, "2001:db8:1::180", 128, duid_c, "2001:db8:1::1");
	first[n++] = binding(LQ_LEASE_NA, "2001:db8:1::150", 128, duid_c, NULL);
	first[n++] = binding(LQ_LEASE_PD, "2001:db8:8000:f00::", 56, duid_c, NULL);
	first[n] = binding(LQ_LEASE_NA, "2001:db8:9::1", 128, duid_c, NULL);
	first[n++].subnet_id = 1;
	first[n] = binding(LQ_LEASE_NA, "2001:db8:1::301", 128, NULL, "2001:db8:1::1");
	first[n++].relay_id = bytes(relay1, sizeof(relay1));
	first[n] = binding(LQ_LEASE_NA, "2001:db8:5::10", 128, duid_f, "2001:db8:5::1");
	first[n++].relay_id = bytes(relay2, sizeof(relay2));
	first[n] = binding(LQ_LEASE_NA, "2001:db8:7::5", 128, duid_h, "2001:db8:7::1");
	first[n++].state = LQ_STATE_RELEASED;
	first[n] = binding(LQ_LEASE_NA, "2001:db8:9::2", 128, duid_j, NULL);
	first[n++].subnet_id = 1;
	first[n++] = binding(LQ_LEASE_NA, "2001:db8:66::1", 128, duid_l, "2001:db8:1::1");
	apply(s, first, n, T0);

	n = 0;
	second[n] = binding(LQ_LEASE_PD, "2001:db8:8000:100::", 56, duid_a, "2001:db8:1::1");
	second[n].relay_id = bytes(relay1, sizeof(relay1));
	second[n++].remote_id = bytes(remote_a, sizeof(remote_a));
	second[n] = binding(LQ_LEASE_NA, "2001:db8:1::401", 128, duid_e, "2001:db8:1::1");
	second[n++].state = LQ_STATE_RELEASED;
	second[n] = binding(LQ_LEASE_NA, "2001:db8:2::301", 128, duid_g, "2001:db8:2::1");
	second[n++].remote_id = bytes(remote_g, sizeof(remote_g));
	apply(s, second, n, T1);
}

static void parse_config(const char *more, struct lq_config *cfg)
{
	char text[2048], err[512] = "";
	int n = snprintf(text, sizeof(text), CONFIG_FORMAT, more);

	assert_true(n > 0 && (size_t)n < sizeof(text));
	if (lq_config_parse(text, (size_t)n, NULL, cfg, err, sizeof(err)) != 0)
		fail_msg("config: %s", err);
}

static int open_store(struct fixture *f, const char *name)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/lq-bulk6-%s-XXXXXX", name);
	if (mkdtemp(f->dir) == NULL || lq_store_open(&f->store, f->dir, NULL) != LQ_STORE_OK)
		return -1;
	parse_config("", &f->cfg);
	parse_config(", \"refused-queries\": \"drop\"", &f->cfg_drop);
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || open_store(f, "test") != 0)
		return -1;
	load_bindings(f->store);
	if (lq_store_read_begin(f->store, &f->reader) != LQ_STORE_OK)
		return -1;
	*state = f;
	return 0;
}

/* An empty store: the tests load their own bindings. */
static int setup_empty(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || open_store(f, "empty") != 0)
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
	lq_config_free(&f->cfg_drop);
	lq_fixture_remove_dir(f->dir);
	free(f);
	return 0;
}

/* ------------------------------------------------------------- queries */

struct q {
	uint32_t xid;
	uint8_t type;                   /* query-type */
	const char *link;               /* NULL: :: */
	const char *addr;               /* IAADDR */
	const uint8_t *duid;            /* the query's OPTION_CLIENTID (10 octets) */
	const uint8_t *relay_id;        /* OPTION_RELAY_ID (10 octets) */
	bool remote;                    /* OPTION_REMOTE_ID enterprise, remote_id */
	uint32_t enterprise;
	const char *remote_id;
	bool base_time;                 /* ORO in the LQ_QUERY asks for base-time */
	bool top_base_time;             /* a top-level ORO does */
	bool has_start, has_end;
	int64_t start, end;             /* Unix times */
	bool no_client_id;
	bool no_lq_query;
	const uint8_t *server_id;
	uint8_t msg_type;               /* 0: LEASEQUERY */
};

static size_t build(const struct q *q, uint8_t *out, size_t cap)
{
	static const uint16_t oro[] = {LQ6_OPT_LQ_RELAY_DATA, LQ6_OPT_LQ_BASE_TIME};
	struct lq6_writer w;
	lq_ip6 link = ip(q->link != NULL ? q->link : "::");
	size_t len;

	lq6w_init(&w, out, cap);
	lq6w_header(&w, q->msg_type != 0 ? q->msg_type : LQ6_LEASEQUERY, q->xid);
	if (!q->no_client_id)
		lq6w_option(&w, LQ6_OPT_CLIENTID, duid_requestor, sizeof(duid_requestor));
	if (q->server_id != NULL)
		lq6w_option(&w, LQ6_OPT_SERVERID, q->server_id, 10);
	if (q->top_base_time)
		lq6w_oro(&w, oro + 1, 1);
	if (q->has_start)
		lq6w_option_u32(&w, LQ6_OPT_LQ_START_TIME, lq_time_to_v6(q->start));
	if (q->has_end)
		lq6w_option_u32(&w, LQ6_OPT_LQ_END_TIME, lq_time_to_v6(q->end));
	if (!q->no_lq_query) {
		lq6w_lq_query_open(&w, q->type, &link);
		if (q->addr != NULL) {
			lq_ip6 a = ip(q->addr);
			lq6w_iaaddr(&w, &a, 0, 0);
		}
		if (q->duid != NULL)
			lq6w_option(&w, LQ6_OPT_CLIENTID, q->duid, 10);
		if (q->relay_id != NULL)
			lq6w_option(&w, LQ6_OPT_RELAY_ID, q->relay_id, 10);
		if (q->remote)
			lq6w_remote_id(&w, q->enterprise, q->remote_id, strlen(q->remote_id));
		lq6w_oro(&w, q->base_time ? oro : oro, q->base_time ? 2 : 1);
		lq6w_close(&w);
	}
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	return len;
}

/* One decoded reply message. */
struct msg {
	uint8_t type;
	uint32_t xid;
	bool server_id, client_id;      /* present (and checked equal to ours / the requestor's) */
	bool status;
	uint16_t code;
	char text[128];
	bool base_time;
	uint32_t base;
	bool client_data;
};

struct answer {
	int rc;
	struct lq_bulk_opened opened;
	struct lq_bulk_progress progress;
	struct msg msgs[MAX_MSGS];
	size_t n_msgs;
	char *clients[MAX_MSGS];        /* one line per OPTION_CLIENT_DATA (allocated) */
	size_t n_clients;
	size_t leases;
};

/* Forget an answer (its lines are freed). */
static void reset(struct answer *a)
{
	for (size_t i = 0; i < a->n_clients; i++)
		free(a->clients[i]);
	memset(a, 0, sizeof(*a));
}

static struct lq_query_peer peer_at(const char *addr)
{
	struct lq_query_peer p;
	lq_ip6 a = ip(addr);

	memset(&p, 0, sizeof(p));
	p.family = 6;
	memcpy(p.addr, a.b, 16);
	p.port = 40546;
	return p;
}

/* "A 2001:db8:1::101 2001:db8:8000:100::/56": the client's name (the last
 * octet of its DUID when a letter, else "x" and the last two in hex; "-"
 * without a DUID) and its leases in the message's
 * order; "(0)" after a lease sent with lifetimes 0. Checks the lifetimes
 * of the others. */
static void describe(const struct lq6_client_data *cd, char *out, size_t cap, size_t *leases)
{
	struct lq6_iter it;
	struct lq6_lease l;
	size_t at;

	const uint8_t *id = cd->client_id.data;
	size_t n = cd->client_id.len;

	if (id == NULL)
		at = (size_t)snprintf(out, cap, "-");
	else if (n >= 2 && id[n - 1] >= 'A' && id[n - 1] <= 'Z')
		at = (size_t)snprintf(out, cap, "%c", id[n - 1]);
	else
		at = (size_t)snprintf(out, cap, "x%02x%02x", n >= 2 ? id[n - 2] : 0, id[n - 1]);
	lq6_iter_init(&it, cd->options);
	while (lq6_client_data_next(&it, &l)) {
		char a[INET6_ADDRSTRLEN];

		assert_non_null(inet_ntop(AF_INET6, l.addr.b, a, sizeof(a)));
		assert_true(at < cap);
		at += (size_t)snprintf(out + at, cap - at, " %s", a);
		if (l.is_prefix)
			at += (size_t)snprintf(out + at, cap - at, "/%u", l.prefix_len);
		if (l.valid == 0) {
			assert_int_equal(l.preferred, 0);
			at += (size_t)snprintf(out + at, cap - at, "(0)");
		} else {
			assert_true(l.preferred > 0 && l.preferred <= l.valid);
		}
		(*leases)++;
	}
	assert_true(at < cap);
}

static void record(struct answer *a, const uint8_t *buf, size_t len, int64_t now)
{
	struct lq6_msg m;
	struct msg *r = &a->msgs[a->n_msgs++];

	assert_int_equal(lq6_decode(buf, len, &m, NULL), LQ_OK);
	r->type = m.type;
	r->xid = m.xid;
	r->server_id = m.server_id.data != NULL;
	if (r->server_id) {
		assert_int_equal(m.server_id.len, sizeof(duid_server));
		assert_memory_equal(m.server_id.data, duid_server, sizeof(duid_server));
	}
	r->client_id = m.client_id.data != NULL;
	if (r->client_id) {
		assert_int_equal(m.client_id.len, sizeof(duid_requestor));
		assert_memory_equal(m.client_id.data, duid_requestor, sizeof(duid_requestor));
	}
	r->status = m.status.present;
	r->code = m.status.code;
	snprintf(r->text, sizeof(r->text), "%.*s", (int)m.status.message.len,
		 m.status.message.data != NULL ? (const char *)m.status.message.data : "");
	r->base_time = m.has_base_time;
	r->base = m.base_time;
	if (m.has_base_time)
		assert_int_equal(m.base_time, lq_time_to_v6(now));
	r->client_data = m.client_data.present;
	if (m.client_data.present) {
		static char line[LINE_MAX_LEN];

		assert_true(a->n_clients < MAX_MSGS);
		describe(&m.client_data, line, sizeof(line), &a->leases);
		a->clients[a->n_clients] = strdup(line);
		assert_non_null(a->clients[a->n_clients]);
		a->n_clients++;
	}
	/* nothing else at the top level of a reply */
	assert_false(m.query.present);
	assert_null(m.client_link.data);
}

/* Run a query to its end: each message written at NOW + its index. */
static void run_msg(struct fixture *f, const struct lq_config *cfg, const char *from,
		    const uint8_t *pkt, size_t len, struct answer *a)
{
	static uint8_t out[LQ_BULK_MSG_MAX];
	struct lq_query_env env = {cfg, NOW};
	struct lq_query_peer p = peer_at(from);
	struct lq_bulk_query *q = NULL;
	size_t n;
	int rc;

	reset(a);
	a->rc = lq_bulk_open(&env, f->reader, 6, pkt, len, &p, &q, &a->opened);
	assert_int_equal(a->rc, 0);
	if (a->opened.action != LQ_BULK_RUN) {
		assert_null(q);
		assert_non_null(a->opened.reason);
		return;
	}
	assert_non_null(q);
	for (;;) {
		int64_t now = NOW + (int64_t)a->n_msgs;

		rc = lq_bulk_next(q, now, out, sizeof(out), &n);
		if (rc == 0)
			break;
		assert_int_equal(rc, 1);
		assert_true(n > 0 && n <= sizeof(out));
		assert_true(a->n_msgs < MAX_MSGS);
		record(a, out, n, now);
	}
	/* finished: no more messages, and nothing to terminate */
	assert_int_equal(lq_bulk_next(q, NOW, out, sizeof(out), &n), 0);
	assert_int_equal(lq_bulk_terminate(q, NOW, "late", out, sizeof(out), &n), 0);
	lq_bulk_progress(q, &a->progress);
	assert_true(a->progress.finished);
	assert_int_equal(a->progress.messages, a->n_msgs);
	assert_int_equal(a->progress.bindings, a->leases);
	assert_int_equal(lq_bulk_xid(q), a->opened.xid);
	lq_bulk_close(q);
}

static struct answer *ask_from(struct fixture *f, const struct q *q, const char *from)
{
	static struct answer a;
	uint8_t pkt[4096];
	size_t len = build(q, pkt, sizeof(pkt));

	run_msg(f, &f->cfg, from, pkt, len, &a);
	return &a;
}

static struct answer *ask(struct fixture *f, const struct q *q)
{
	return ask_from(f, q, "::1");
}

/* ------------------------------------------------------------- checks */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The clients sent, sorted, joined with " | ". */
static const char *clients_of(struct answer *a)
{
	static char all[LINE_MAX_LEN];
	size_t at = 0;

	qsort(a->clients, a->n_clients, sizeof(a->clients[0]), cmp_str);
	all[0] = '\0';
	for (size_t i = 0; i < a->n_clients; i++) {
		at += (size_t)snprintf(all + at, sizeof(all) - at, "%s%s", i > 0 ? " | " : "",
				       a->clients[i]);
		assert_true(at < sizeof(all));
	}
	return all;
}

/* A successful query's messages: a REPLY with server-id and client-id and
 * no status, then (when there is data) a DATA per further client and a
 * DONE; the first client in the REPLY; xid everywhere; base-time in every
 * message when base_time, in none otherwise. */
static void assert_stream(const struct answer *a, uint32_t xid, bool base_time)
{
	assert_int_equal(a->opened.action, LQ_BULK_RUN);
	assert_int_equal(a->opened.status, 0);
	assert_int_equal(a->opened.xid, xid);
	assert_true(a->n_msgs >= 1);
	for (size_t i = 0; i < a->n_msgs; i++) {
		const struct msg *m = &a->msgs[i];

		assert_int_equal(m->xid, xid);
		assert_int_equal(m->base_time, base_time);
		assert_false(m->status);
		assert_int_equal(m->server_id, i == 0);
		assert_int_equal(m->client_id, i == 0);
		if (i == 0)
			assert_int_equal(m->type, LQ6_LEASEQUERY_REPLY);
		else if (i + 1 < a->n_msgs)
			assert_int_equal(m->type, LQ6_LEASEQUERY_DATA);
		else
			assert_int_equal(m->type, LQ6_LEASEQUERY_DONE);
		assert_int_equal(m->client_data, i + 1 < a->n_msgs || a->n_msgs == 1 ? a->n_clients > 0
										      : false);
	}
	if (a->n_clients == 0)
		assert_int_equal(a->n_msgs, 1);
	else
		assert_int_equal(a->n_msgs, a->n_clients + 1);
	assert_int_equal(a->progress.status, 0);
}

/* The answer is exactly these clients (sorted lines, " | " between). */
static void assert_clients(struct answer *a, uint32_t xid, const char *want)
{
	assert_stream(a, xid, false);
	assert_string_equal(clients_of(a), want);
}

/* One LEASEQUERY-REPLY with this error status and nothing else. */
static void assert_failed(const struct answer *a, uint32_t xid, uint16_t status)
{
	assert_int_equal(a->opened.action, LQ_BULK_RUN);
	assert_int_equal(a->opened.status, status);
	assert_non_null(a->opened.reason);
	assert_int_equal(a->n_msgs, 1);
	assert_int_equal(a->msgs[0].type, LQ6_LEASEQUERY_REPLY);
	assert_int_equal(a->msgs[0].xid, xid);
	assert_true(a->msgs[0].server_id);
	assert_true(a->msgs[0].status);
	assert_int_equal(a->msgs[0].code, status);
	assert_true(strlen(a->msgs[0].text) > 0);
	assert_false(a->msgs[0].client_data);
	assert_int_equal(a->progress.status, status);
	assert_int_equal(a->progress.bindings, 0);
}

#define ALL_A "A 2001:db8:1::101 2001:db8:8000:100::/56"
#define ALL_B1 "B 2001:db8:1::201"
#define ALL_B2 "B 2001:db8:2::201"
#define ALL_C "C 2001:db8:1::150 2001:db8:1::180 2001:db8:9::1 2001:db8:8000:f00::/56"
#define ALL_D "- 2001:db8:1::301"
#define ALL_F "F 2001:db8:5::10"
#define ALL_G "G 2001:db8:2::301"
#define ALL_J "J 2001:db8:9::2"
#define ALL_L "L 2001:db8:66::1"

/* ------------------------------------------------------------- link-address */

static void test_link_all(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 0x10203, .type = LQ6_QUERY_BY_LINK_ADDRESS};
	struct answer *a = ask(f, &q);

	/* every active binding, once, a client per link: not a3 (expired),
	 * e1 and h1 (released) */
	assert_clients(a, 0x10203, ALL_D " | " ALL_A " | " ALL_B1 " | " ALL_B2 " | " ALL_C " | "
			  ALL_F " | " ALL_G " | " ALL_J " | " ALL_L);
	assert_int_equal(a->opened.kind, LQ_QUERY_V6_BY_LINK_ADDRESS);
	assert_int_equal(a->opened.msg_type, LQ6_LEASEQUERY);
	assert_false(a->opened.refused);
	assert_int_equal(a->leases, 13);
}

static void test_link_of_subnet(void **state)
{
	struct fixture *f = *state;
	/* the relays' link-address: the link index, the subnet's prefix, its
	 * pd-pool and its id all find bindings on it (C has one from each; J
	 * and L only one, outside the key ranges) */
	struct q q = {.xid = 7, .type = LQ6_QUERY_BY_LINK_ADDRESS, .link = "2001:db8:1::1"};
	const char *want = ALL_D " | " ALL_A " | " ALL_B1 " | " ALL_C " | " ALL_J " | " ALL_L;

	assert_clients(ask(f, &q), 7, want);
	/* another address of the subnet names the same link, with the same
	 * answer: L too, relayed from 2001:db8:1::1, outside the subnet's key
	 * ranges and without its id (the key ranges hold most of this store:
	 * the pass over every binding, REST, finds it) */
	q.link = "2001:db8:1::99";
	assert_clients(ask(f, &q), 7, want);
	q.link = "2001:db8:1::ffff:ffff:ffff:ffff";
	assert_clients(ask(f, &q), 7, want);
	/* the other subnet */
	q.link = "2001:db8:2::1";
	assert_clients(ask(f, &q), 7, ALL_B2 " | " ALL_G);
}

/* Link 2's subnet (2001:db8:2::/64, id 2, no pd-pool) holds few of the
 * store's keys, so its query reads the link index over the subnet's prefix
 * (LINK_RANGE) and the subnet-id index: clients relayed from any address
 * of the subnet, with keys outside its prefix and no subnet id, are found
 * whichever address of the subnet the query names; each binding once,
 * although the link index, the key range and the subnet id find some
 * twice; a binding relayed from outside the prefix stays out. */
static void test_link_other_address(void **state)
{
	struct fixture *f = *state;
	static const uint8_t duid_m[] = DUID('M'), duid_n[] = DUID('N'), duid_o[] = DUID('O');
	static const char *const links[] = {"2001:db8:2::1", "2001:db8:2::2", "2001:db8:2::7",
					    "2001:db8:2:0:ffff:ffff:ffff:ffff"};
	struct lq_binding b[6];
	size_t n = 0;

	/* M: a prefix outside every range relayed from 2001:db8:2::2 (as the
	 * e2e test's client 8), and an address of the subnet from ::1 */
	b[n++] = binding(LQ_LEASE_PD, "2001:db8:7000:200::", 56, duid_m, "2001:db8:2::2");
	b[n++] = binding(LQ_LEASE_NA, "2001:db8:2::501", 128, duid_m, "2001:db8:2::1");
	/* N: from the last address of the prefix; and with the subnet id too */
	b[n++] = binding(LQ_LEASE_NA, "2001:db8:44::1", 128, duid_n, "2001:db8:2:0:ffff:ffff:ffff:ffff");
	b[n] = binding(LQ_LEASE_NA, "2001:db8:44::2", 128, duid_n, "2001:db8:2::3");
	b[n++].subnet_id = 2;
	/* O: relayed from just past the prefix: link 2001:db8:3::, not link 2 */
	b[n++] = binding(LQ_LEASE_NA, "2001:db8:45::1", 128, duid_o, "2001:db8:3::");
	apply(f->store, b, n, T1);
	lq_store_read_end(f->reader);
	assert_int_equal(lq_store_read_begin(f->store, &f->reader), LQ_STORE_OK);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		struct q q = {.xid = 0x70 + (uint32_t)i, .type = LQ6_QUERY_BY_LINK_ADDRESS,
			      .link = links[i]};

		assert_clients(ask(f, &q), q.xid,
			       ALL_B2 " | " ALL_G " | M 2001:db8:2::501 2001:db8:7000:200::/56"
			       " | N 2001:db8:44::1 2001:db8:44::2");
		/* with a time qualifier (the passes read through the time
		 * filter): the clients added at T1 */
		q.has_start = true;
		q.start = T1;
		assert_clients(ask(f, &q), q.xid,
			       ALL_G " | M 2001:db8:2::501 2001:db8:7000:200::/56"
			       " | N 2001:db8:44::1 2001:db8:44::2");
	}
	/* O's link is known from its binding alone */
	{
		struct q q = {.xid = 0x7f, .type = LQ6_QUERY_BY_LINK_ADDRESS, .link = "2001:db8:3::"};

		assert_clients(ask(f, &q), 0x7f, "O 2001:db8:45::1");
	}
}

static void test_link_known_from_bindings(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 8, .type = LQ6_QUERY_BY_LINK_ADDRESS, .link = "2001:db8:5::1"};
	struct answer *a;

	/* no subnet, but relayed from there */
	assert_clients(ask(f, &q), 8, ALL_F);
	/* only a released binding from there: known, nothing to send */
	q.link = "2001:db8:7::1";
	a = ask(f, &q);
	assert_clients(a, 8, "");
	assert_int_equal(a->n_msgs, 1);
	/* neither configured nor seen */
	q.link = "2001:db8:6::1";
	assert_failed(ask(f, &q), 8, LQ6_STATUS_NOT_CONFIGURED);
}

/* ------------------------------------------------------------- relay-id, remote-id */

static void test_relay_id(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 9, .type = LQ6_QUERY_BY_RELAY_ID, .relay_id = relay1};
	struct answer *a = ask(f, &q);

	assert_clients(a, 9, ALL_D " | " ALL_A " | " ALL_B1);
	assert_int_equal(a->opened.kind, LQ_QUERY_V6_BY_RELAY_ID);
	q.relay_id = relay2;
	assert_clients(ask(f, &q), 9, ALL_B2 " | " ALL_F);
	/* limited to a link */
	q.link = "2001:db8:2::1";
	assert_clients(ask(f, &q), 9, ALL_B2);
	q.link = "2001:db8:5::1";
	assert_clients(ask(f, &q), 9, ALL_F);
	q.relay_id = relay1;
	q.link = "2001:db8:2::1";
	assert_clients(ask(f, &q), 9, "");
	q.link = "2001:db8:1::1";
	assert_clients(ask(f, &q), 9, ALL_D " | " ALL_A " | " ALL_B1);
	/* a link nobody knows */
	q.link = "2001:db8:6::1";
	assert_failed(ask(f, &q), 9, LQ6_STATUS_NOT_CONFIGURED);
	/* a relay nobody knows */
	q.link = NULL;
	q.relay_id = duid_x;
	assert_clients(ask(f, &q), 9, "");
}

static void test_remote_id(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 10, .type = LQ6_QUERY_BY_REMOTE_ID, .remote = true, .enterprise = 9,
		      .remote_id = "cpe-a"};
	struct answer *a = ask(f, &q);

	assert_clients(a, 10, ALL_A " | " ALL_B2);
	assert_int_equal(a->opened.kind, LQ_QUERY_V6_BY_REMOTE_ID);
	q.link = "2001:db8:2::1";
	assert_clients(ask(f, &q), 10, ALL_B2);
	q.link = "2001:db8:1::1";
	assert_clients(ask(f, &q), 10, ALL_A);
	q.link = NULL;
	q.remote_id = "cpe-g";
	assert_clients(ask(f, &q), 10, ALL_G);
	/* the enterprise number is part of the remote-id */
	q.enterprise = 10;
	assert_clients(ask(f, &q), 10, "");
	q.enterprise = 9;
	q.remote_id = "cpe-";
	assert_clients(ask(f, &q), 10, "");
}

/* ------------------------------------------------------------- client-id, address */

static void test_client_id(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 11, .type = LQ6_QUERY_BY_CLIENTID, .duid = duid_b};
	struct answer *a = ask(f, &q);

	/* a client on two links: one OPTION_CLIENT_DATA per link */
	assert_clients(a, 11, ALL_B1 " | " ALL_B2);
	assert_int_equal(a->opened.kind, LQ_QUERY_V6_BY_CLIENT_ID);
	q.link = "2001:db8:2::1";
	assert_clients(ask(f, &q), 11, ALL_B2);
	q.duid = duid_c;
	q.link = "2001:db8:1::99";
	assert_clients(ask(f, &q), 11, ALL_C);
	q.link = NULL;
	q.duid = duid_a;
	assert_clients(ask(f, &q), 11, ALL_A);
	/* only released */
	q.duid = duid_e;
	assert_clients(ask(f, &q), 11, "");
	q.duid = duid_x;
	assert_clients(ask(f, &q), 11, "");
}

static void test_address(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 12, .type = LQ6_QUERY_BY_ADDRESS, .addr = "2001:db8:1::101"};
	struct answer *a = ask(f, &q);

	/* the client's bindings on the link of the address */
	assert_clients(a, 12, ALL_A);
	assert_int_equal(a->opened.kind, LQ_QUERY_V6_BY_ADDRESS);
	q.addr = "2001:db8:8000:100::5";        /* inside A's prefix */
	assert_clients(ask(f, &q), 12, ALL_A);
	q.addr = "2001:db8:1::201";             /* B, only its link-1 binding */
	assert_clients(ask(f, &q), 12, ALL_B1);
	q.addr = "2001:db8:1::301";             /* no DUID */
	assert_clients(ask(f, &q), 12, ALL_D);
	q.addr = "2001:db8:1::180";             /* C, from the link pass */
	assert_clients(ask(f, &q), 12, ALL_C);
	q.addr = "2001:db8:1::102";             /* expired */
	assert_clients(ask(f, &q), 12, "");
	q.addr = "2001:db8:1::999";             /* in the pool, unbound */
	assert_clients(ask(f, &q), 12, "");
	q.addr = "2001:db8:77::1";              /* not served here */
	assert_failed(ask(f, &q), 12, LQ6_STATUS_NOT_CONFIGURED);
	q.addr = "2001:db8:1::201";             /* bound, on another link */
	q.link = "2001:db8:2::1";
	assert_failed(ask(f, &q), 12, LQ6_STATUS_NOT_CONFIGURED);
	q.link = "2001:db8:1::1";
	assert_clients(ask(f, &q), 12, ALL_B1);
}

/* ------------------------------------------------------------- base-time */

static void test_base_time(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 13, .type = LQ6_QUERY_BY_LINK_ADDRESS, .link = "2001:db8:1::1",
		      .base_time = true};
	struct answer *a = ask(f, &q);

	/* every message, each with the time it was written (record checks
	 * the value: NOW + the message's index) */
	assert_stream(a, 13, true);
	assert_int_equal(a->n_msgs, 7);
	assert_int_equal(a->msgs[6].base, lq_time_to_v6(NOW + 6));
	/* asked for by a top-level ORO */
	q.base_time = false;
	q.top_base_time = true;
	assert_stream(ask(f, &q), 13, true);
	/* not asked for: in none (assert_clients checks) */
	q.top_base_time = false;
	assert_clients(ask(f, &q), 13, ALL_D " | " ALL_A " | " ALL_B1 " | " ALL_C " | " ALL_J " | " ALL_L);
	/* an empty answer and a failure carry it too */
	q.base_time = true;
	q.link = "2001:db8:7::1";
	a = ask(f, &q);
	assert_stream(a, 13, true);
	assert_int_equal(a->n_msgs, 1);
	q.type = 77;
	a = ask(f, &q);
	assert_failed(a, 13, LQ6_STATUS_UNKNOWN_QUERY_TYPE);
	assert_true(a->msgs[0].base_time);
}

/* ------------------------------------------------------------- time qualifiers */

static void test_time_qualifiers(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 14, .type = LQ6_QUERY_BY_LINK_ADDRESS, .has_start = true, .start = T1};

	/* changes since T1: A's prefix, E's release (sent as gone), G */
	assert_clients(ask(f, &q), 14,
		       "A 2001:db8:8000:100::/56 | E 2001:db8:1::401(0) | " ALL_G);
	/* until T0: the first batch, the expired and released ones as gone */
	q.has_start = false;
	q.has_end = true;
	q.end = T0;
	assert_clients(ask(f, &q), 14,
		       ALL_D " | A 2001:db8:1::101 2001:db8:1::102(0) | " ALL_B1 " | " ALL_B2 " | "
		       ALL_C " | " ALL_F " | H 2001:db8:7::5(0) | " ALL_J " | " ALL_L);
	/* both, inclusive */
	q.has_start = true;
	q.start = T0;
	q.end = T1;
	assert_clients(ask(f, &q), 14,
		       ALL_D " | A 2001:db8:1::101 2001:db8:1::102(0) 2001:db8:8000:100::/56 | "
		       ALL_B1 " | " ALL_B2 " | " ALL_C " | E 2001:db8:1::401(0) | " ALL_F " | "
		       ALL_G " | H 2001:db8:7::5(0) | " ALL_J " | " ALL_L);
	/* between the batches: nothing */
	q.start = T0 + 1;
	q.end = T1 - 1;
	assert_clients(ask(f, &q), 14, "");
	/* with a link */
	q.link = "2001:db8:1::1";
	q.start = T1;
	q.end = NOW;
	assert_clients(ask(f, &q), 14, "A 2001:db8:8000:100::/56 | E 2001:db8:1::401(0)");
	/* with a relay-id, and a client-id */
	q.link = NULL;
	q.type = LQ6_QUERY_BY_RELAY_ID;
	q.relay_id = relay1;
	q.has_start = false;
	q.end = T0;
	assert_clients(ask(f, &q), 14, ALL_D " | A 2001:db8:1::101 | " ALL_B1);
	q.type = LQ6_QUERY_BY_CLIENTID;
	q.relay_id = NULL;
	q.duid = duid_a;
	assert_clients(ask(f, &q), 14, "A 2001:db8:1::101 2001:db8:1::102(0)");
	/* by address: a lease gone is reported as gone */
	q.type = LQ6_QUERY_BY_ADDRESS;
	q.duid = NULL;
	q.addr = "2001:db8:1::401";
	q.has_end = false;
	q.has_start = true;
	q.start = T1;
	assert_clients(ask(f, &q), 14, "E 2001:db8:1::401(0)");
	q.start = NOW;
	assert_clients(ask(f, &q), 14, "");
	/* end before start */
	q.type = LQ6_QUERY_BY_LINK_ADDRESS;
	q.addr = NULL;
	q.has_end = true;
	q.start = T1;
	q.end = T0;
	assert_failed(ask(f, &q), 14, LQ6_STATUS_MALFORMED_QUERY);
}

/* ------------------------------------------------------------- errors */

static void test_errors(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 15, .type = 9};
	struct answer *a = ask(f, &q);

	assert_failed(a, 15, LQ6_STATUS_UNKNOWN_QUERY_TYPE);
	assert_true(a->msgs[0].client_id);
	assert_int_equal(a->opened.kind, LQ_QUERY_KIND_NONE);
	/* MalformedQuery: what a query type needs is missing */
	q.type = LQ6_QUERY_BY_RELAY_ID;
	assert_failed(ask(f, &q), 15, LQ6_STATUS_MALFORMED_QUERY);
	q.type = LQ6_QUERY_BY_REMOTE_ID;
	assert_failed(ask(f, &q), 15, LQ6_STATUS_MALFORMED_QUERY);
	q.type = LQ6_QUERY_BY_ADDRESS;
	assert_failed(ask(f, &q), 15, LQ6_STATUS_MALFORMED_QUERY);
	q.type = LQ6_QUERY_BY_CLIENTID;
	assert_failed(ask(f, &q), 15, LQ6_STATUS_MALFORMED_QUERY);
	/* ... or the message's own parts */
	q.type = LQ6_QUERY_BY_LINK_ADDRESS;
	q.no_lq_query = true;
	assert_failed(ask(f, &q), 15, LQ6_STATUS_MALFORMED_QUERY);
	q.no_lq_query = false;
	q.no_client_id = true;
	a = ask(f, &q);
	assert_failed(a, 15, LQ6_STATUS_MALFORMED_QUERY);
	assert_false(a->msgs[0].client_id);
	q.no_client_id = false;
	/* a server-id not ours; ours is fine */
	q.server_id = duid_other_server;
	assert_failed(ask(f, &q), 15, LQ6_STATUS_NOT_ALLOWED);
	q.server_id = duid_server;
	assert_clients(ask(f, &q), 15, ALL_D " | " ALL_A " | " ALL_B1 " | " ALL_B2 " | " ALL_C " | "
				       ALL_F " | " ALL_G " | " ALL_J " | " ALL_L);
}

static void test_access(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 16, .type = LQ6_QUERY_BY_LINK_ADDRESS, .link = "2001:db8:2::1"};
	uint8_t pkt[512];
	size_t len;
	struct answer *a = ask_from(f, &q, "2001:db8:dead::1");
	static struct answer d;

	/* not a requestor */
	assert_failed(a, 16, LQ6_STATUS_NOT_ALLOWED);
	assert_true(a->opened.refused);
	assert_true(a->msgs[0].client_id);
	/* allowed only by-address */
	a = ask_from(f, &q, "2001:db8:fffe::9");
	assert_failed(a, 16, LQ6_STATUS_NOT_ALLOWED);
	assert_true(a->opened.refused);
	q.type = LQ6_QUERY_BY_ADDRESS;
	q.addr = "2001:db8:2::301";
	a = ask_from(f, &q, "2001:db8:fffe::9");
	assert_clients(a, 16, ALL_G);
	assert_false(a->opened.refused);
	/* an allowed network */
	q.type = LQ6_QUERY_BY_LINK_ADDRESS;
	q.addr = NULL;
	assert_clients(ask_from(f, &q, "2001:db8:ffff::5"), 16, ALL_B2 " | " ALL_G);
	/* refused-queries "drop": the connection is closed */
	len = build(&q, pkt, sizeof(pkt));
	run_msg(f, &f->cfg_drop, "2001:db8:dead::1", pkt, len, &d);
	assert_int_equal(d.opened.action, LQ_BULK_CLOSE);
	assert_true(d.opened.refused);
	assert_int_equal(d.n_msgs, 0);
	/* but an allowed requestor is answered */
	run_msg(f, &f->cfg_drop, "::1", pkt, len, &d);
	assert_clients(&d, 16, ALL_B2 " | " ALL_G);
}

static void test_not_bulk_and_close(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 0xabcdef, .type = LQ6_QUERY_BY_LINK_ADDRESS};
	static const uint8_t garbage[] = {14, 0, 0, 1, 0, 1, 0, 40, 1};
	uint8_t pkt[512], wrapped[600];
	size_t len;
	static struct answer a;

	/* active leasequery and STARTTLS: for the transport */
	q.msg_type = LQ6_ACTIVELEASEQUERY;
	len = build(&q, pkt, sizeof(pkt));
	run_msg(f, &f->cfg, "::1", pkt, len, &a);
	assert_int_equal(a.opened.action, LQ_BULK_NOT_BULK);
	assert_int_equal(a.opened.msg_type, LQ6_ACTIVELEASEQUERY);
	assert_int_equal(a.opened.xid, 0xabcdef);
	q.msg_type = LQ6_STARTTLS;
	len = build(&q, pkt, sizeof(pkt));
	run_msg(f, &f->cfg, "::1", pkt, len, &a);
	assert_int_equal(a.opened.action, LQ_BULK_NOT_BULK);
	assert_int_equal(a.opened.msg_type, LQ6_STARTTLS);
	/* not a LEASEQUERY */
	q.msg_type = LQ6_LEASEQUERY_REPLY;
	len = build(&q, pkt, sizeof(pkt));
	run_msg(f, &f->cfg, "::1", pkt, len, &a);
	assert_int_equal(a.opened.action, LQ_BULK_CLOSE);
	assert_int_equal(a.opened.msg_type, LQ6_LEASEQUERY_REPLY);
	/* a LEASEQUERY inside a RELAY-FORW */
	q.msg_type = 0;
	len = build(&q, pkt, sizeof(pkt));
	{
		struct lq6_writer w;
		lq_ip6 link = ip("2001:db8:1::1"), peer = ip("fe80::1");

		lq6w_init(&w, wrapped, sizeof(wrapped));
		lq6w_relay_header(&w, LQ6_RELAY_FORW, 0, &link, &peer);
		lq6w_option(&w, LQ6_OPT_RELAY_MSG, pkt, len);
		assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	}
	run_msg(f, &f->cfg, "::1", wrapped, len, &a);
	assert_int_equal(a.opened.action, LQ_BULK_CLOSE);
	assert_int_equal(a.opened.msg_type, LQ6_RELAY_FORW);
	/* undecodable: an option overrunning the message, a short header,
	 * nothing */
	run_msg(f, &f->cfg, "::1", garbage, sizeof(garbage), &a);
	assert_int_equal(a.opened.action, LQ_BULK_CLOSE);
	run_msg(f, &f->cfg, "::1", garbage, 3, &a);
	assert_int_equal(a.opened.action, LQ_BULK_CLOSE);
	run_msg(f, &f->cfg, "::1", garbage, 0, &a);
	assert_int_equal(a.opened.action, LQ_BULK_CLOSE);
	/* and the next query is answered */
	len = build(&q, pkt, sizeof(pkt));
	run_msg(f, &f->cfg, "::1", pkt, len, &a);
	assert_int_equal(a.opened.action, LQ_BULK_RUN);
	assert_int_equal(a.n_clients, 9);
}

/* ------------------------------------------------------------- terminate */

static struct lq_bulk_query *open_query(struct fixture *f, const struct q *q)
{
	uint8_t pkt[512];
	size_t len = build(q, pkt, sizeof(pkt));
	struct lq_query_env env = {&f->cfg, NOW};
	struct lq_query_peer p = peer_at("::1");
	struct lq_bulk_query *bq = NULL;
	struct lq_bulk_opened o;

	assert_int_equal(lq_bulk_open(&env, f->reader, 6, pkt, len, &p, &bq, &o), 0);
	assert_int_equal(o.action, LQ_BULK_RUN);
	assert_non_null(bq);
	return bq;
}

static void test_terminate(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 17, .type = LQ6_QUERY_BY_LINK_ADDRESS, .base_time = true};
	static uint8_t out[LQ_BULK_MSG_MAX];
	static struct answer a;
	struct lq_bulk_progress pr;
	struct lq_bulk_query *bq = open_query(f, &q);
	size_t n;

	/* mid-stream: a LEASEQUERY-DONE with QueryTerminated */
	reset(&a);
	assert_int_equal(lq_bulk_next(bq, NOW, out, sizeof(out), &n), 1);
	record(&a, out, n, NOW);
	assert_int_equal(lq_bulk_next(bq, NOW + 1, out, sizeof(out), &n), 1);
	record(&a, out, n, NOW + 1);
	assert_int_equal(lq_bulk_terminate(bq, NOW + 2, "server shutting down", out, sizeof(out), &n), 1);
	record(&a, out, n, NOW + 2);
	assert_int_equal(a.msgs[0].type, LQ6_LEASEQUERY_REPLY);
	assert_int_equal(a.msgs[1].type, LQ6_LEASEQUERY_DATA);
	assert_int_equal(a.msgs[2].type, LQ6_LEASEQUERY_DONE);
	assert_int_equal(a.msgs[2].xid, 17);
	assert_true(a.msgs[2].status);
	assert_int_equal(a.msgs[2].code, LQ6_STATUS_QUERY_TERMINATED);
	assert_string_equal(a.msgs[2].text, "server shutting down");
	assert_true(a.msgs[2].base_time);
	assert_false(a.msgs[2].server_id);
	assert_false(a.msgs[2].client_data);
	lq_bulk_progress(bq, &pr);
	assert_true(pr.finished);
	assert_int_equal(pr.messages, 3);
	assert_int_equal(pr.status, LQ6_STATUS_QUERY_TERMINATED);
	assert_int_equal(pr.bindings, a.leases);
	/* finished: nothing more */
	assert_int_equal(lq_bulk_next(bq, NOW, out, sizeof(out), &n), 0);
	assert_int_equal(lq_bulk_terminate(bq, NOW, "again", out, sizeof(out), &n), 0);
	lq_bulk_close(bq);

	/* before anything was written: a LEASEQUERY-REPLY with QueryTerminated */
	bq = open_query(f, &q);
	reset(&a);
	assert_int_equal(lq_bulk_terminate(bq, NOW, "bye", out, sizeof(out), &n), 1);
	record(&a, out, n, NOW);
	assert_int_equal(a.msgs[0].type, LQ6_LEASEQUERY_REPLY);
	assert_true(a.msgs[0].server_id);
	assert_true(a.msgs[0].client_id);
	assert_int_equal(a.msgs[0].code, LQ6_STATUS_QUERY_TERMINATED);
	assert_string_equal(a.msgs[0].text, "bye");
	assert_false(a.msgs[0].client_data);
	assert_int_equal(lq_bulk_next(bq, NOW, out, sizeof(out), &n), 0);
	lq_bulk_close(bq);

	/* closed without being run or terminated: nothing leaks (ASan) */
	lq_bulk_close(open_query(f, &q));
}

/* ------------------------------------------------------------- snapshot */

static void test_snapshot_isolation(void **state)
{
	struct fixture *f = *state;
	struct q q = {.xid = 18, .type = LQ6_QUERY_BY_LINK_ADDRESS};
	static uint8_t out[LQ_BULK_MSG_MAX];
	static struct answer a;
	struct lq_bulk_query *bq = open_query(f, &q);
	struct lq_binding_change c[3];
	struct lq_bulk_progress pr;
	size_t n;
	int rc;

	reset(&a);
	assert_int_equal(lq_bulk_next(bq, NOW, out, sizeof(out), &n), 1);
	record(&a, out, n, NOW);
	/* the store changes under the running query: a binding deleted, one
	 * added, one moved to another client */
	memset(c, 0, sizeof(c));
	c[0].op = LQ_CHANGE_DELETE;
	c[0].binding = binding(LQ_LEASE_NA, "2001:db8:2::301", 128, duid_g, NULL);
	c[1].op = LQ_CHANGE_UPSERT;
	c[1].binding = binding(LQ_LEASE_NA, "2001:db8:1::777", 128, duid_x, "2001:db8:1::1");
	c[2].op = LQ_CHANGE_UPSERT;
	c[2].binding = binding(LQ_LEASE_NA, "2001:db8:1::180", 128, duid_x, "2001:db8:1::1");
	assert_int_equal(lq_store_apply(f->store, c, 3, NOW, NULL), LQ_STORE_OK);
	while ((rc = lq_bulk_next(bq, NOW, out, sizeof(out), &n)) == 1)
		record(&a, out, n, NOW);
	assert_int_equal(rc, 0);
	lq_bulk_progress(bq, &pr);
	lq_bulk_close(bq);
	a.progress = pr;
	a.opened.action = LQ_BULK_RUN;
	a.opened.xid = 18;
	/* the answer as of the snapshot, each binding once */
	assert_clients(&a, 18, ALL_D " | " ALL_A " | " ALL_B1 " | " ALL_B2 " | " ALL_C " | " ALL_F
			       " | " ALL_G " | " ALL_J " | " ALL_L);
	/* a new snapshot sees the change */
	lq_store_read_end(f->reader);
	assert_int_equal(lq_store_read_begin(f->store, &f->reader), LQ_STORE_OK);
	assert_clients(ask(f, &q), 18,
		       ALL_D " | " ALL_A " | " ALL_B1 " | " ALL_B2
		       " | C 2001:db8:1::150 2001:db8:9::1 2001:db8:8000:f00::/56 | " ALL_F
		       " | " ALL_J " | " ALL_L " | X 2001:db8:1::180 2001:db8:1::777");
}

/* ------------------------------------------------------------- large client */

/* A client with more leases than one OPTION_CLIENT_DATA holds: several, in
 * consecutive messages, every lease once. */
static void test_large_client(void **state)
{
	struct fixture *f = *state;
	struct lq_binding_change *c = calloc(1100, sizeof(*c));
	char addr[64];
	struct q q = {.xid = 19, .type = LQ6_QUERY_BY_CLIENTID, .duid = duid_k};
	struct answer *a;

	assert_non_null(c);
	for (size_t i = 0; i < 1100; i++) {
		snprintf(addr, sizeof(addr), "2001:db8:1::1:%zx", i);
		c[i].op = LQ_CHANGE_UPSERT;
		c[i].binding = binding(LQ_LEASE_NA, addr, 128, duid_k, "2001:db8:1::1");
	}
	assert_int_equal(lq_store_apply(f->store, c, 1100, T0, NULL), LQ_STORE_OK);
	free(c);
	assert_int_equal(lq_store_read_begin(f->store, &f->reader), LQ_STORE_OK);
	a = ask(f, &q);
	assert_stream(a, 19, false);
	assert_int_equal(a->n_clients, 2);
	assert_int_equal(a->leases, 1100);
	assert_int_equal(a->progress.bindings, 1100);
	/* in key order: the first 1024 in the REPLY, the rest after */
	assert_true(strncmp(a->clients[0], "K 2001:db8:1::1:0 2001:db8:1::1:1 ", 34) == 0);
	assert_non_null(strstr(a->clients[0], " 2001:db8:1::1:3ff"));
	assert_null(strstr(a->clients[0], " 2001:db8:1::1:400"));
	assert_true(strncmp(a->clients[1], "K 2001:db8:1::1:400 ", 20) == 0);
	assert_non_null(strstr(a->clients[1], " 2001:db8:1::1:44b"));
}

/* ------------------------------------------------------------- randomised */

static uint64_t rng = 88172645463325252u;

static uint32_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* 300 clients with 1 to 4 bindings each, keys scattered over the subnet's
 * pool (relayed from the link, from another address of the subnet, or
 * without a link), its pd-pool, a prefix outside any subnet with the
 * subnet id, the other subnet, a prefix relayed from an unconfigured
 * link, and prefixes outside every range without a subnet id relayed from
 * some address of either subnet; one in eight expired. Each query's answer is checked against the
 * bindings it must contain: each exactly once, one client on one link per
 * OPTION_CLIENT_DATA, each (client, link) once. */
#define RAND_CLIENTS 300

struct rand_binding {
	char addr[48];
	unsigned client;
	int link;               /* 1, 2: the subnets; 5: 2001:db8:5::1 */
	bool active;
	bool seen;
};

static void random_bindings(struct fixture *f, struct rand_binding *rb, size_t *count)
{
	static struct lq_binding_change c[RAND_CLIENTS * 4];
	static uint8_t duids[RAND_CLIENTS][10];
	size_t n = 0;

	for (unsigned cl = 0; cl < RAND_CLIENTS; cl++) {
		unsigned nb = 1 + next_random() % 4;

		memcpy(duids[cl], duid_x, 8);
		duids[cl][8] = (uint8_t)(cl >> 8);
		duids[cl][9] = (uint8_t)cl;
		for (unsigned j = 0; j < nb; j++) {
			struct rand_binding *r = &rb[n];
			unsigned where = next_random() % 9, x = next_random() % 0xfe00;
			char relay[48];
			uint8_t type = LQ_LEASE_NA, plen = 128;
			const char *link = NULL;
			bool dup = false;

			r->link = 1;
			switch (where) {
			case 0:
				link = "2001:db8:1::1";
				/* fall through */
			case 1:
				snprintf(r->addr, sizeof(r->addr), "2001:db8:1::%x", 0x100 + x);
				break;
			case 2:
				link = "2001:db8:1::2";
				snprintf(r->addr, sizeof(r->addr), "2001:db8:1::%x", 0x100 + x);
				break;
			case 3:
				snprintf(r->addr, sizeof(r->addr), "2001:db8:80%02x:%x00::", x % 256,
					 x / 256);
				type = LQ_LEASE_PD;
				plen = 56;
				break;
			case 4:
				snprintf(r->addr, sizeof(r->addr), "2001:db8:9:%x::1", x);
				break;
			case 5:
				snprintf(r->addr, sizeof(r->addr), "2001:db8:2::%x", 0x100 + x);
				r->link = 2;
				break;
			case 6:
			case 7:
				/* outside every range, no subnet id: only the
				 * relay's address places it */
				snprintf(r->addr, sizeof(r->addr), "2001:db8:6%x:%x::", where, x);
				snprintf(relay, sizeof(relay), "2001:db8:%u::%x", where - 5, x % 16);
				link = relay;
				type = LQ_LEASE_PD;
				plen = 64;
				r->link = (int)where - 5;
				break;
			default:
				snprintf(r->addr, sizeof(r->addr), "2001:db8:5:%x::", x);
				type = LQ_LEASE_PD;
				plen = 64;
				link = "2001:db8:5::1";
				r->link = 5;
				break;
			}
			for (size_t k = 0; k < n && !dup; k++)
				dup = strcmp(rb[k].addr, r->addr) == 0;
			if (dup)
				continue;
			c[n].op = LQ_CHANGE_UPSERT;
			c[n].binding = binding(type, r->addr, plen, duids[cl], link);
			if (where == 4)
				c[n].binding.subnet_id = 1;
			r->client = cl;
			r->active = next_random() % 8 != 0;
			if (!r->active)
				c[n].binding.state = LQ_STATE_EXPIRED;
			n++;
		}
	}
	assert_int_equal(lq_store_apply(f->store, c, n, T0, NULL), LQ_STORE_OK);
	*count = n;
}

/* The binding at address text (as written in an answer). */
static size_t find_rand(struct rand_binding *rb, size_t n, const char *text)
{
	char tok[64], *slash;
	lq_ip6 want;

	snprintf(tok, sizeof(tok), "%s", text);
	slash = strchr(tok, '/');
	if (slash != NULL)
		*slash = '\0';
	want = ip(tok);
	for (size_t k = 0; k < n; k++) {
		lq_ip6 x = ip(rb[k].addr);

		if (memcmp(x.b, want.b, 16) == 0)
			return k;
	}
	fail_msg("%s is not a binding of the store", text);
	return n;
}

static void test_randomised(void **state)
{
	struct fixture *f = *state;
	static struct rand_binding rb[RAND_CLIENTS * 4];
	static const char *const links[] = {"2001:db8:1::1", "2001:db8:5::1", "2001:db8:2::7", NULL,
					    "2001:db8:1::abcd", "2001:db8:2::"};
	static const int link_of[] = {1, 5, 2, 0, 1, 2};
	size_t n;

	random_bindings(f, rb, &n);
	assert_int_equal(lq_store_read_begin(f->store, &f->reader), LQ_STORE_OK);
	for (size_t round = 0; round < sizeof(links) / sizeof(links[0]); round++) {
		struct q q = {.xid = 20, .type = LQ6_QUERY_BY_LINK_ADDRESS, .link = links[round]};
		static bool group_seen[RAND_CLIENTS][6];
		struct answer *a = ask(f, &q);
		size_t want = 0;

		assert_stream(a, 20, false);
		memset(group_seen, 0, sizeof(group_seen));
		for (size_t i = 0; i < n; i++)
			rb[i].seen = false;
		for (size_t i = 0; i < a->n_clients; i++) {
			char *save = NULL, *tok = strtok_r(a->clients[i], " ", &save);
			int client = -1, link = -1;

			assert_non_null(tok);
			while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
				size_t k = find_rand(rb, n, tok);

				assert_false(rb[k].seen);
				rb[k].seen = true;
				if (client < 0) {
					client = (int)rb[k].client;
					link = rb[k].link;
				}
				assert_int_equal(rb[k].client, client);
				assert_int_equal(rb[k].link, link);
			}
			assert_true(client >= 0 && link >= 0);
			if (client >= 0 && link >= 0) {
				assert_false(group_seen[client][link]);
				group_seen[client][link] = true;
			}
		}
		for (size_t i = 0; i < n; i++) {
			bool must = rb[i].active && (link_of[round] == 0 || rb[i].link == link_of[round]);

			assert_int_equal(rb[i].seen, must);
			want += must;
		}
		assert_true(want > 0);
		assert_int_equal(a->leases, want);
	}
}

/* ------------------------------------------------------------- link queries two ways */

/* One way of asking: the link (NULL: ::), a start time, whether inactive
 * leases count (as with time qualifiers). */
struct way {
	const char *link;
	bool has_start;
	int64_t start;
	bool inactive;
};

/* Every group the scan of QUERY_BY_LINK_ADDRESS finds, one line each
 * ("DUID: key key ..." in the group's order), sorted into lines[]; clients:
 * LQ6_CLIENTS_ALWAYS reads the store client by client from the client-id
 * index (what link :: and a link holding most of the store do),
 * LQ6_CLIENTS_NEVER runs the passes of the link (for ::, one over every
 * binding), each binding looking its client up. Returns the number of
 * lines. */
#define DIFF_MAX_GROUPS 4096

static size_t scan_groups(struct fixture *f, const struct way *w, uint8_t clients, char **lines)
{
	struct lq6_query qy = {.present = true, .type = LQ6_QUERY_BY_LINK_ADDRESS};
	struct lq6_scan s;
	uint16_t status;
	const char *message;
	size_t n = 0;
	int rc;

	if (w->link != NULL)
		qy.link_address = ip(w->link);
	memset(&s, 0, sizeof(s));
	s.config = &f->cfg;
	s.reader = f->reader;
	s.now = NOW;
	s.include_inactive = w->inactive;
	s.has_start = w->has_start;
	s.start = w->start;
	s.clients = clients;
	assert_int_equal(lq6_scan_setup(&s, &qy, &status, &message), 0);
	assert_int_equal(status, 0);
	assert_int_equal(s.passes[0].kind == LQ6_PASS_CLIENTS, clients == LQ6_CLIENTS_ALWAYS);
	while ((rc = lq6_scan_next_group(&s)) == 1) {
		char line[LINE_MAX_LEN], key[LQ_BINDING_KEY_TEXT_MAX];
		lq_bytes id = s.group[0].client_id;
		size_t at = 0;

		assert_true(s.group_n > 0);
		if (id.data == NULL || id.len == 0)
			at += (size_t)snprintf(line, sizeof(line), "-");
		for (size_t i = 0; id.data != NULL && i < id.len; i++)
			at += (size_t)snprintf(line + at, sizeof(line) - at, "%02x", id.data[i]);
		at += (size_t)snprintf(line + at, sizeof(line) - at, ":");
		for (size_t i = 0; i < s.group_n; i++) {
			lq_binding_key_format(&s.group[i].key, key, sizeof(key));
			at += (size_t)snprintf(line + at, sizeof(line) - at, " %s", key);
			assert_true(at < sizeof(line));
		}
		assert_true(n < DIFF_MAX_GROUPS);
		lines[n] = strdup(line);
		assert_non_null(lines[n]);
		n++;
	}
	assert_int_equal(rc, 0);
	lq6_scan_free(&s);
	qsort(lines, n, sizeof(lines[0]), cmp_str);
	return n;
}

/* Both ways find the same groups; returns how many. */
static size_t assert_same_groups(struct fixture *f, const struct way *w)
{
	static char *by_client[DIFF_MAX_GROUPS], *by_pass[DIFF_MAX_GROUPS];
	size_t n_client = scan_groups(f, w, LQ6_CLIENTS_ALWAYS, by_client);
	size_t n_pass = scan_groups(f, w, LQ6_CLIENTS_NEVER, by_pass);

	for (size_t i = 0; i < n_client && i < n_pass; i++)
		assert_string_equal(by_client[i], by_pass[i]);
	assert_int_equal(n_client, n_pass);
	for (size_t i = 0; i < n_client; i++)
		free(by_client[i]);
	for (size_t i = 0; i < n_pass; i++)
		free(by_pass[i]);
	return n_client;
}

/* Random stores: clients with one to six bindings anywhere (either subnet,
 * its pd-pool, with only its subnet id, relayed from unconfigured links,
 * without a link), some on several links, DUIDs of several lengths (some
 * the start of others), one in six expired or released; then bindings
 * without a DUID (the pass after the client-id index is skipped only
 * while every binding has one). Queries for every link, for a configured
 * subnet, for links no subnet describes, with time qualifiers, each
 * compared at several batch sizes of the client-id index reader, the
 * smallest ending batches inside clients. */
static void test_link_two_ways(void **state)
{
	static const size_t batches[] = {LQ_STORE_CLIENT_BATCH_MAX, 1, 2, 3, 17};
	static const struct way ways[] = {
		{NULL, false, 0, false},
		{NULL, false, 0, true},
		{"2001:db8:1::1", false, 0, false},
		{"2001:db8:2::7", false, 0, false},
		{"2001:db8:5::1", false, 0, false},
		{"2001:db8:7::1", false, 0, true},
		{NULL, true, T1, true},                 /* the second batch only */
		{"2001:db8:1::abcd", true, T0, true},
	};
	static struct lq_binding_change c[2400];
	static uint8_t duids[400][12];
	struct fixture *f = *state;
	size_t n = 0;

	for (unsigned cl = 0; cl < 400; cl++) {
		unsigned nb = 1 + next_random() % 6;
		size_t len = 6 + next_random() % 7;

		memset(duids[cl], 0, sizeof(duids[cl]));
		duids[cl][0] = (uint8_t)(cl % 7);        /* DUIDs share their first octets */
		duids[cl][1] = (uint8_t)(cl >> 8);
		duids[cl][2] = (uint8_t)cl;
		for (unsigned j = 0; j < nb; j++) {
			unsigned where = next_random() % 8, x = next_random() % 0xfe00;
			char addr[48], link[48];
			uint8_t type = LQ_LEASE_NA, plen = 128;
			const char *on = NULL;

			switch (where) {
			case 0:
				on = "2001:db8:1::1";
				/* fall through */
			case 1:
				snprintf(addr, sizeof(addr), "2001:db8:1::%x", 0x100 + x);
				break;
			case 2:
				snprintf(addr, sizeof(addr), "2001:db8:2::%x", 0x100 + x);
				on = next_random() % 2 ? "2001:db8:2::1" : NULL;
				break;
			case 3:
				snprintf(addr, sizeof(addr), "2001:db8:80%02x:%x00::", x % 256, x / 256);
				type = LQ_LEASE_PD;
				plen = 56;
				break;
			case 4:
				snprintf(addr, sizeof(addr), "2001:db8:9:%x::1", x);
				break;
			case 5:
				snprintf(addr, sizeof(addr), "2001:db8:6:%x::", x);
				snprintf(link, sizeof(link), "2001:db8:%u::%x", 1 + x % 3, x % 5);
				on = link;
				type = LQ_LEASE_PD;
				plen = 64;
				break;
			default:
				snprintf(addr, sizeof(addr), "2001:db8:5:%x::", x);
				type = LQ_LEASE_PD;
				plen = (uint8_t)(60 + x % 5);
				on = x % 3 ? "2001:db8:5::1" : "2001:db8:7::1";
				break;
			}
			assert_true(n < sizeof(c) / sizeof(c[0]));
			c[n].op = LQ_CHANGE_UPSERT;
			c[n].binding = binding(type, addr, plen, NULL, on);
			c[n].binding.client_id = bytes(duids[cl], len);
			if (where == 4)
				c[n].binding.subnet_id = 1 + x % 2;
			if (next_random() % 6 == 0)
				c[n].binding.state = next_random() % 2 ? LQ_STATE_EXPIRED : LQ_STATE_RELEASED;
			n++;
		}
	}
	/* upserts of one key twice in a batch: the last counts */
	assert_int_equal(lq_store_apply(f->store, c, n, T0, NULL), LQ_STORE_OK);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(lq_store_read_begin(f->store, &f->reader), LQ_STORE_OK);
		for (size_t i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
			lq_store_client_batch_max = batches[i];
			for (size_t j = 0; j < sizeof(ways) / sizeof(ways[0]); j++)
				assert_true(assert_same_groups(f, &ways[j]) > 0 || j >= 5);
		}
		lq_store_client_batch_max = LQ_STORE_CLIENT_BATCH_MAX;
		lq_store_read_end(f->reader);
		f->reader = NULL;
		if (round == 1)
			break;
		/* bindings without a DUID, and one with an empty one */
		n = 0;
		for (unsigned i = 0; i < 30; i++) {
			char addr[48];

			snprintf(addr, sizeof(addr), "2001:db8:%u::%x", 1 + i % 2, 0xf000 + i);
			c[n].op = LQ_CHANGE_UPSERT;
			c[n].binding = binding(LQ_LEASE_NA, addr, 128, NULL, i % 3 ? "2001:db8:1::1" : NULL);
			if (i == 7)
				c[n].binding.client_id = bytes("", 0);
			n++;
		}
		assert_int_equal(lq_store_apply(f->store, c, n, T1, NULL), LQ_STORE_OK);
	}
	assert_int_equal(lq_store_read_begin(f->store, &f->reader), LQ_STORE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_link_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_of_subnet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_other_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_known_from_bindings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relay_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remote_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_base_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_qualifiers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_bulk_and_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_isolation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_client, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(test_randomised, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(test_link_two_ways, setup_empty, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
