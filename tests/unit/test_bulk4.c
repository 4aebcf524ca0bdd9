/* test_bulk4.c - the DHCPv4 bulk leasequery engine (RFC 6926) end to end
 * without sockets: bindings in a real LMDB store in a temporary directory,
 * a configuration parsed from JSON text, DHCPBULKLEASEQUERY messages built
 * with lq4_encode, run with lq_bulk_open / lq_bulk_next until the last
 * message, and every reply decoded with lq4_decode. Every run is checked for
 * what holds for every query (xid, op, server identifier in the first
 * message only, never associated-ip, never DHCPLEASEUNKNOWN, no address
 * twice, DHCPLEASEQUERYDONE last and alone, the progress counters), then
 * for the exact addresses, message types and states each query must give:
 * the four primary queries, all configured addresses (pools, whole subnets,
 * bindings outside them, huge pools, the top of the address space), the time
 * and VPN qualifiers, the options of the replies, the error replies
 * (MalformedQuery, NotAllowed, access rules), messages that close the
 * connection or go back to the transport, termination, and snapshot
 * isolation while the store changes. */
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

#include "lq/bulk.h"
#include "lq/config.h"
#include "lq/dhcp4.h"
#include "lq/lqtime.h"
#include "lq/store.h"
#include "../tools/store_fixture.h"

#define NOW 1700000000
#define SEND_TIME (NOW + 7)       /* the time lq_bulk_next is given */
#define LOADED (NOW - 5000)       /* when most bindings were stored */
#define CHANGED_12 (NOW - 1000)   /* when 10.0.0.12 was released */
#define CHANGED_16 (NOW - 500)    /* when 10.0.0.16 was stored */
#define SERVER_ID "192.0.2.1"
#define PEER "192.0.2.7"
#define MAX_MSGS 64

static const char config_text[] =
	"{\n"
	"  \"server-id\": \"" SERVER_ID "\",\n"
	"  \"subnets4\": [\n"
	"    {\"subnet\": \"10.0.0.0/24\", \"pools\": [\"10.0.0.30 - 10.0.0.31\",\n"
	"                                          \"10.0.0.10 - 10.0.0.19\"]},\n"
	"    {\"subnet\": \"10.9.9.0/30\"}\n"
	"  ],\n"
	"  \"requesters\": [\"192.0.2.0/24\",\n"
	"                 {\"prefix\": \"198.51.100.0/24\", \"query-types\": [\"by-mac\"]}]\n"
	"}\n";

/* relay agent information as stored: circuit-id "eth0", remote-id "cpe001" */
static const uint8_t relay10[] = { 1, 4, 'e', 't', 'h', '0', 2, 6, 'c', 'p', 'e', '0', '0', '1' };
static const uint8_t relay11[] = { 2, 6, 'c', 'p', 'e', '0', '0', '1' };
/* remote-id "cpe002", relay-id "rly1" */
static const uint8_t relay16[] = { 2, 6, 'c', 'p', 'e', '0', '0', '2', 12, 4, 'r', 'l', 'y', '1' };
static const uint8_t cid10[] = { 1, 2, 0, 0, 0, 0, 0x0a };
static const uint8_t vpn_a[] = { 'v', 'p', 'n', 'A' };
static const uint8_t vpn_b[] = { 0, 0, 0, 1, 0, 0, 0, 2 };

/* One reply of a run, as octets. */
struct raw {
	uint8_t *data;
	size_t len;
};

/* The outcome of one query: what lq_bulk_open said and every message. */
struct run {
	int rc;
	struct lq_bulk_opened opened;
	struct raw msgs[MAX_MSGS];
	size_t n;
	struct lq_bulk_progress progress;
};

struct fixture {
	char dir[64];
	struct lq_store *store;
	struct lq_store_reader *reader;
	struct lq_config cfg;
	struct lq4_msg m;               /* a decoded reply */
	struct run run;
	/* a test with a store of its own (setup_own): the shared reader,
	 * kept while reader reads own */
	char own_dir[64];
	struct lq_store *own;
	struct lq_store_reader *shared;
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

static uint32_t u32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool has_option(const struct lq4_msg *m, uint8_t code)
{
	return lq4_find_option(m, code) != NULL;
}

/* An ACTIVE binding of addr with MAC 02:00:00:00:00:<hw>. */
static struct lq_binding binding(const char *addr, uint8_t hw, int64_t expire_in)
{
	struct lq_binding b;
	lq_ip4 a = ip(addr);

	memset(&b, 0, sizeof(b));
	lq_binding_key_v4(&b.key, &a);
	b.type = LQ_LEASE_V4;
	b.state = LQ_STATE_ACTIVE;
	b.htype = 1;
	b.hwaddr = bytes(mac(hw), 6);
	b.cltt = NOW - 300;
	b.state_since = NOW - 600;
	b.expire = NOW + expire_in;
	b.valid_lifetime = 3600;
	return b;
}

static void put_at(struct lq_store *store, struct lq_binding *b, int64_t when)
{
	struct lq_binding_change c = { .op = LQ_CHANGE_UPSERT };

	if (b->relay_info.data != NULL)
		assert_int_equal(lq_binding_fill_relay_ids(b), LQ_OK);
	c.binding = *b;
	assert_int_equal(lq_store_apply(store, &c, 1, when, NULL), LQ_STORE_OK);
}

static void delete_at(struct lq_store *store, const char *addr, int64_t when)
{
	struct lq_binding_change c = { .op = LQ_CHANGE_DELETE };
	lq_ip4 a = ip(addr);

	lq_binding_key_v4(&c.binding.key, &a);
	assert_int_equal(lq_store_apply(store, &c, 1, when, NULL), LQ_STORE_OK);
}

/* The bindings every test starts from (see the expectations below). */
static void load_bindings(struct lq_store *store)
{
	struct lq_binding b;

	b = binding("10.0.0.10", 0x0a, 3000);
	b.client_id = bytes(cid10, sizeof(cid10));
	b.relay_info = bytes(relay10, sizeof(relay10));
	b.vendor_class = str("lq-test");
	b.hostname = str("host10");
	b.state_since = NOW - 100;
	put_at(store, &b, LOADED);
	b = binding("10.0.0.11", 0x0b, 3000);
	b.relay_info = bytes(relay11, sizeof(relay11));
	put_at(store, &b, LOADED);
	b = binding("10.0.0.12", 0x0b, -10);        /* released later */
	b.state = LQ_STATE_RELEASED;
	b.state_since = CHANGED_12;
	put_at(store, &b, CHANGED_12);
	b = binding("10.0.0.13", 0x0b, -5);         /* ACTIVE, past its expiry */
	put_at(store, &b, LOADED);
	b = binding("10.0.0.15", 0x0c, 3000);       /* in VPN "vpnA" */
	b.has_vpn = true;
	b.vpn_type = 0;
	b.vpn_id = bytes(vpn_a, sizeof(vpn_a));
	put_at(store, &b, LOADED);
	b = binding("10.0.0.16", 0x0d, 3000);       /* learned from a partner */
	b.relay_info = bytes(relay16, sizeof(relay16));
	b.data_source_remote = true;
	put_at(store, &b, CHANGED_16);
	b = binding("10.0.0.40", 0x0e, 3000);       /* in the subnet, not in a pool */
	put_at(store, &b, LOADED);
	b = binding("10.9.9.2", 0x0a, 3000);        /* the second address of 0a */
	b.client_id = bytes(cid10, sizeof(cid10));
	put_at(store, &b, LOADED);
	b = binding("172.16.0.5", 0x0f, 3000);      /* in VPN 1:00000001:00000002 */
	b.has_vpn = true;
	b.vpn_type = 1;
	b.vpn_id = bytes(vpn_b, sizeof(vpn_b));
	put_at(store, &b, LOADED);
	b = binding("172.16.0.6", 0x10, -60);       /* outside every subnet */
	b.state = LQ_STATE_EXPIRED;
	put_at(store, &b, LOADED);
}

static void parse_config(const char *text, struct lq_config *cfg)
{
	char err[256] = "";
	int rc = lq_config_parse(text, strlen(text), NULL, cfg, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "config: %s\n", err);
	assert_int_equal(rc, 0);
}

static void open_store(char dir[64], struct lq_store **store)
{
	assert_int_equal(lq_fixture_store_open(dir, "/tmp/lq-bulk4-test-XXXXXX", NULL, store), 0);
	load_bindings(*store);
}

static void remove_store(const char *dir, struct lq_store *store)
{
	lq_store_close(store);
	lq_fixture_remove_dir(dir);
}

static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->msgs[i].data);
	memset(r, 0, sizeof(*r));
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	open_store(f->dir, &f->store);
	parse_config(config_text, &f->cfg);
	assert_int_equal(lq_store_read_begin(f->store, &f->reader), LQ_STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	run_free(&f->run);
	lq_store_read_end(f->reader);
	remove_store(f->dir, f->store);
	lq_config_free(&f->cfg);
	free(f);
	return 0;
}

/* A store of the test's own in f->own, with the fixture's bindings, read
 * by f->reader; teardown_own puts the shared one back, whether the test
 * passed or not. */
static int setup_own(void **state)
{
	struct fixture *f = *state;

	open_store(f->own_dir, &f->own);
	f->shared = f->reader;
	assert_int_equal(lq_store_read_begin(f->own, &f->reader), LQ_STORE_OK);
	return 0;
}

static int teardown_own(void **state)
{
	struct fixture *f = *state;

	lq_store_read_end(f->reader);
	f->reader = f->shared;
	remove_store(f->own_dir, f->own);
	f->own = NULL;
	return 0;
}

/* ---- queries ---- */

static struct lq4_msg *query(uint32_t xid)
{
	static struct lq4_msg q;

	lq4_msg_init(&q, LQ4_BULKLEASEQUERY, xid);
	q.htype = 0;
	q.hlen = 0;
	return &q;
}

static struct lq4_msg *by_mac(uint8_t hw)
{
	struct lq4_msg *q = query(0x1001);

	q->htype = 1;
	q->hlen = 6;
	memcpy(q->chaddr, mac(hw), 6);
	return q;
}

static struct lq4_msg *by_remote_id(const char *id)
{
	struct lq4_msg *q = query(0x1003);

	q->has_relay_info = true;
	q->relay_info.remote_id = str(id);
	return q;
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

static void decode(const struct raw *r, struct lq4_msg *m)
{
	assert_int_equal(lq4_decode(r->data, r->len, m, NULL), LQ_OK);
}

/* Start the query in octets pkt from peer with cfg and reader, then, when
 * it runs, take up to max messages (all when max is 0: the run must end
 * within MAX_MSGS). Checks what every run must satisfy. */
static void run_raw_with(struct fixture *f, const struct lq_config *cfg, struct lq_store_reader *reader,
			 const uint8_t *pkt, size_t len, const struct lq_query_peer *peer, size_t max)
{
	struct lq_query_env env = { .config = cfg, .now = NOW };
	struct lq_bulk_query *bq = NULL;
	struct run *r = &f->run;
	struct lq4_msg *m = &f->m;
	uint32_t seen[MAX_MSGS];
	uint32_t xid = 0;
	size_t out_len;
	int rc;

	run_free(r);
	r->rc = lq_bulk_open(&env, reader, 4, pkt, len, peer, &bq, &r->opened);
	assert_int_equal(r->rc, 0);
	if (r->opened.action != LQ_BULK_RUN) {
		assert_null(bq);
		return;
	}
	assert_non_null(bq);
	assert_int_equal(lq_bulk_xid(bq), r->opened.xid);
	if (lq4_decode(pkt, len, m, NULL) == LQ_OK)
		xid = m->xid;
	assert_int_equal(r->opened.xid, xid);
	while (r->n < (max != 0 ? max : MAX_MSGS)) {
		out_len = 0;
		rc = lq_bulk_next(bq, SEND_TIME, f->out, sizeof(f->out), &out_len);
		if (rc == 0)
			break;
		assert_int_equal(rc, 1);
		assert_true(out_len >= LQ4_MIN_LEN && out_len <= LQ_BULK_MSG_MAX);
		r->msgs[r->n].data = malloc(out_len);
		assert_non_null(r->msgs[r->n].data);
		memcpy(r->msgs[r->n].data, f->out, out_len);
		r->msgs[r->n].len = out_len;
		decode(&r->msgs[r->n], m);
		assert_int_equal(m->op, LQ4_BOOTREPLY);
		assert_int_equal(m->xid, xid);
		/* 54 in the first message only (RFC 6926 8.3) */
		assert_int_equal(m->has_server_id, r->n == 0);
		if (m->has_server_id)
			assert_memory_equal(m->server_id.b, ip(SERVER_ID).b, 4);
		/* never associated-ip (RFC 6926 5) */
		assert_false(has_option(m, LQ4_OPT_ASSOCIATED_IP));
		assert_true(m->msg_type == LQ4_LEASEACTIVE || m->msg_type == LQ4_LEASEUNASSIGNED ||
			    m->msg_type == LQ4_LEASEQUERYDONE);
		lq_bulk_progress(bq, &r->progress);
		assert_int_equal(r->progress.messages, r->n + 1);
		if (m->msg_type == LQ4_LEASEQUERYDONE) {
			assert_true(r->progress.finished);
			assert_int_equal(r->progress.bindings, r->n);
			assert_int_equal(r->progress.status, m->has_status ? m->status_code : 0);
		} else {
			assert_false(r->progress.finished);
			/* no address twice (RFC 6926 8.2) */
			seen[r->n] = u32_at(m->ciaddr.b);
			for (size_t i = 0; i < r->n; i++)
				assert_int_not_equal(seen[i], seen[r->n]);
		}
		r->n++;
		if (m->msg_type == LQ4_LEASEQUERYDONE) {
			/* the last message: nothing after it */
			assert_int_equal(lq_bulk_next(bq, SEND_TIME, f->out, sizeof(f->out), &out_len), 0);
			assert_int_equal(lq_bulk_terminate(bq, SEND_TIME, "late", f->out, sizeof(f->out),
							   &out_len), 0);
			break;
		}
	}
	if (max == 0)
		assert_true(r->progress.finished);
	lq_bulk_close(bq);
}

static void run_msg_with(struct fixture *f, const struct lq_config *cfg, const struct lq4_msg *q,
			 const char *from)
{
	struct lq_query_peer peer = peer_at(from);
	uint8_t pkt[4096];
	size_t len;

	assert_int_equal(lq4_encode(q, pkt, sizeof(pkt), &len), LQ_OK);
	run_raw_with(f, cfg, f->reader, pkt, len, &peer, 0);
}

/* Run q to its end from an allowed requestor; it must run. */
static struct run *run(struct fixture *f, const struct lq4_msg *q)
{
	run_msg_with(f, &f->cfg, q, PEER);
	assert_int_equal(f->run.opened.action, LQ_BULK_RUN);
	return &f->run;
}

/* Decode message i of the last run into f->m. */
static const struct lq4_msg *msg(struct fixture *f, size_t i)
{
	assert_true(i < f->run.n);
	decode(&f->run.msgs[i], &f->m);
	return &f->m;
}

/* The last message is DONE; its status (0 when it has none). */
static uint8_t done_status(struct fixture *f)
{
	const struct lq4_msg *m;

	assert_true(f->run.n > 0);
	m = msg(f, f->run.n - 1);
	assert_int_equal(m->msg_type, LQ4_LEASEQUERYDONE);
	assert_memory_equal(m->ciaddr.b, ip("0.0.0.0").b, 4);
	if (!m->has_status)
		return 0;
	assert_int_not_equal(m->status_code, 0);
	return m->status_code;
}

/* What one message must be: address, type (A active, U unassigned) and
 * dhcp-state. */
struct want {
	const char *addr;
	char type;
	uint8_t state;
};

#define A(addr) { addr, 'A', LQ4_STATE_ACTIVE }
#define U(addr, state) { addr, 'U', state }

static int want_cmp(const void *a, const void *b)
{
	uint32_t x = u32_at(ip(((const struct want *)a)->addr).b);
	uint32_t y = u32_at(ip(((const struct want *)b)->addr).b);

	return x < y ? -1 : x > y;
}

/* The last run gave exactly these messages before a successful DONE: in
 * this order when ordered, else in any order. */
static void expect_msgs(struct fixture *f, const struct want *want, size_t n, bool ordered)
{
	struct want sorted[MAX_MSGS];
	struct want got[MAX_MSGS];
	char addrs[MAX_MSGS][16];

	assert_int_equal(f->run.n, n + 1);
	assert_int_equal(done_status(f), 0);
	for (size_t i = 0; i < n; i++) {
		const struct lq4_msg *m = msg(f, i);

		assert_non_null(inet_ntop(AF_INET, m->ciaddr.b, addrs[i], sizeof(addrs[i])));
		got[i].addr = addrs[i];
		got[i].type = m->msg_type == LQ4_LEASEACTIVE ? 'A' : 'U';
		assert_true(m->has_dhcp_state);
		got[i].state = m->dhcp_state;
		/* the message type follows the state (RFC 6926 8.3) */
		assert_int_equal(m->msg_type == LQ4_LEASEACTIVE, m->dhcp_state == LQ4_STATE_ACTIVE);
	}
	memcpy(sorted, want, n * sizeof(*want));
	if (!ordered) {
		qsort(sorted, n, sizeof(*sorted), want_cmp);
		qsort(got, n, sizeof(*got), want_cmp);
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(got[i].addr, sorted[i].addr) != 0 || got[i].type != sorted[i].type ||
		    got[i].state != sorted[i].state)
			fail_msg("message %zu: got %s %c state %u, want %s %c state %u", i, got[i].addr,
				 got[i].type, got[i].state, sorted[i].addr, sorted[i].type, sorted[i].state);
	}
}

#define EXPECT(f, ordered, ...)                                                         \
	do {                                                                            \
		static const struct want w_[] = { __VA_ARGS__ };                        \
		expect_msgs(f, w_, sizeof(w_) / sizeof(w_[0]), ordered);                \
	} while (0)

/* The message about addr in the last run (fails when there is none). */
static const struct lq4_msg *about(struct fixture *f, const char *addr)
{
	for (size_t i = 0; i + 1 < f->run.n; i++) {
		const struct lq4_msg *m = msg(f, i);

		if (memcmp(m->ciaddr.b, ip(addr).b, 4) == 0)
			return m;
	}
	fail_msg("no message about %s", addr);
	return NULL;
}

/* The all-addresses answer of the global VPN: the configured addresses
 * (10.0.0.10-19, 10.0.0.30-31, 10.9.9.0-3) and the stored bindings of the
 * global VPN outside them, in address order. 10.0.0.15 is bound in a VPN:
 * in the global VPN it is available. */
#define ALL_GLOBAL                                                                      \
	A("10.0.0.10"), A("10.0.0.11"), U("10.0.0.12", LQ4_STATE_RELEASED),              \
	U("10.0.0.13", LQ4_STATE_EXPIRED), U("10.0.0.14", LQ4_STATE_AVAILABLE),          \
	U("10.0.0.15", LQ4_STATE_AVAILABLE), A("10.0.0.16"),                             \
	U("10.0.0.17", LQ4_STATE_AVAILABLE), U("10.0.0.18", LQ4_STATE_AVAILABLE),        \
	U("10.0.0.19", LQ4_STATE_AVAILABLE), U("10.0.0.30", LQ4_STATE_AVAILABLE),        \
	U("10.0.0.31", LQ4_STATE_AVAILABLE), A("10.0.0.40"),                             \
	U("10.9.9.0", LQ4_STATE_AVAILABLE), U("10.9.9.1", LQ4_STATE_AVAILABLE),          \
	A("10.9.9.2"), U("10.9.9.3", LQ4_STATE_AVAILABLE),                               \
	U("172.16.0.6", LQ4_STATE_EXPIRED)

/* ---- all configured addresses ---- */

static void test_all_addresses(void **state)
{
	struct fixture *f = *state;
	const struct lq4_msg *m;

	run(f, query(0xa11));
	assert_int_equal(f->run.opened.kind, LQ_QUERY_V4_ALL_ADDRESSES);
	assert_int_equal(f->run.opened.status, 0);
	assert_false(f->run.opened.refused);
	EXPECT(f, true, ALL_GLOBAL);
	assert_int_equal(f->run.progress.bindings, 18);
	assert_int_equal(f->run.progress.status, 0);

	/* an active address names its client */
	m = about(f, "10.0.0.10");
	assert_int_equal(m->htype, 1);
	assert_int_equal(m->hlen, 6);
	assert_memory_equal(m->chaddr, mac(0x0a), 6);
	assert_true(m->client_id.data != NULL);
	assert_memory_equal(m->client_id.data, cid10, sizeof(cid10));
	assert_true(m->has_lease_time);
	assert_int_equal(m->lease_time, NOW + 3000 - SEND_TIME);
	/* an available address has no client and no client options */
	m = about(f, "10.0.0.14");
	assert_int_equal(m->hlen, 0);
	assert_int_equal(m->htype, 0);
	assert_null(m->client_id.data);
	assert_false(m->has_lease_time);
	assert_false(m->has_start_time_of_state);
	assert_true(m->has_base_time);
	/* a released address names its last client, without lease times */
	m = about(f, "10.0.0.12");
	assert_int_equal(m->hlen, 6);
	assert_memory_equal(m->chaddr, mac(0x0b), 6);
	assert_false(m->has_lease_time);
	assert_true(m->has_start_time_of_state);
	assert_int_equal(m->start_time_of_state, SEND_TIME - CHANGED_12);
	/* nothing in the global VPN carries a VSS option */
	for (size_t i = 0; i + 1 < f->run.n; i++)
		assert_false(msg(f, i)->vss.present);
}

static void expect_vss(const struct lq4_msg *m, uint8_t type, const uint8_t *id, size_t len)
{
	assert_true(m->vss.present);
	assert_int_equal(m->vss.type, type);
	assert_int_equal(m->vss.info.len, len);
	assert_memory_equal(m->vss.info.data, id, len);
}

static void test_all_addresses_all_vpns(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q = query(0xa12);

	q->vss.present = true;
	q->vss.type = LQ4_VSS_ALL_VPNS;
	run(f, q);
	EXPECT(f, true,
	       A("10.0.0.10"), A("10.0.0.11"), U("10.0.0.12", LQ4_STATE_RELEASED),
	       U("10.0.0.13", LQ4_STATE_EXPIRED), U("10.0.0.14", LQ4_STATE_AVAILABLE),
	       A("10.0.0.15"), A("10.0.0.16"),
	       U("10.0.0.17", LQ4_STATE_AVAILABLE), U("10.0.0.18", LQ4_STATE_AVAILABLE),
	       U("10.0.0.19", LQ4_STATE_AVAILABLE), U("10.0.0.30", LQ4_STATE_AVAILABLE),
	       U("10.0.0.31", LQ4_STATE_AVAILABLE), A("10.0.0.40"),
	       U("10.9.9.0", LQ4_STATE_AVAILABLE), U("10.9.9.1", LQ4_STATE_AVAILABLE),
	       A("10.9.9.2"), U("10.9.9.3", LQ4_STATE_AVAILABLE),
	       A("172.16.0.5"), U("172.16.0.6", LQ4_STATE_EXPIRED));
	/* RFC 6926 8.2: a VPN-ID option in every message about another VPN */
	expect_vss(about(f, "10.0.0.15"), 0, vpn_a, sizeof(vpn_a));
	expect_vss(about(f, "172.16.0.5"), 1, vpn_b, sizeof(vpn_b));
	assert_false(about(f, "10.0.0.10")->vss.present);
	assert_false(about(f, "10.0.0.14")->vss.present);
}

static void test_all_addresses_one_vpn(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q = query(0xa13);

	/* as option 221 */
	q->vss.present = true;
	q->vss.type = 0;
	q->vss.info = bytes(vpn_a, sizeof(vpn_a));
	run(f, q);
	EXPECT(f, true, A("10.0.0.15"));
	expect_vss(msg(f, 0), 0, vpn_a, sizeof(vpn_a));

	/* as relay agent sub-option 151 (RFC 6607) */
	q = query(0xa14);
	q->has_relay_info = true;
	q->relay_info.vss.present = true;
	q->relay_info.vss.type = 1;
	q->relay_info.vss.info = bytes(vpn_b, sizeof(vpn_b));
	run(f, q);
	EXPECT(f, true, A("172.16.0.5"));
	expect_vss(msg(f, 0), 1, vpn_b, sizeof(vpn_b));

	/* both, the same VPN */
	q->vss = q->relay_info.vss;
	run(f, q);
	EXPECT(f, true, A("172.16.0.5"));

	/* type 255 is the global VPN, named */
	q = query(0xa15);
	q->vss.present = true;
	q->vss.type = LQ4_VSS_GLOBAL;
	run(f, q);
	EXPECT(f, true, ALL_GLOBAL);

	/* a VPN nobody is in */
	q->vss.type = 0;
	q->vss.info = str("nobody");
	run(f, q);
	assert_int_equal(f->run.n, 1);
	assert_int_equal(done_status(f), 0);
}

/* No subnets4: the store is all lqd knows; every binding of the global
 * VPN, in force or not, and no AVAILABLE address. */
static void test_all_addresses_no_subnets(void **state)
{
	struct fixture *f = *state;
	struct lq_config cfg;

	parse_config("{\"server-id\": \"" SERVER_ID "\", \"requesters\": [\"192.0.2.0/24\"]}", &cfg);
	run_msg_with(f, &cfg, query(0xa16), PEER);
	assert_int_equal(f->run.opened.action, LQ_BULK_RUN);
	EXPECT(f, true,
	       A("10.0.0.10"), A("10.0.0.11"), U("10.0.0.12", LQ4_STATE_RELEASED),
	       U("10.0.0.13", LQ4_STATE_EXPIRED), A("10.0.0.16"), A("10.0.0.40"),
	       A("10.9.9.2"), U("172.16.0.6", LQ4_STATE_EXPIRED));
	lq_config_free(&cfg);
}

/* A /8 without pools: 16M addresses generated one at a time; and a subnet
 * at the top of the address space, which must end (no wrap to 0.0.0.0). */
static void test_all_addresses_huge_and_top(void **state)
{
	struct fixture *f = *state;
	struct lq_config cfg;
	const struct lq4_msg *m;
	char want[16];

	parse_config("{\"server-id\": \"" SERVER_ID "\", \"requesters\": [\"192.0.2.0/24\"],"
		     " \"subnets4\": [{\"subnet\": \"10.0.0.0/8\"}, {\"subnet\": \"255.255.255.252/30\"},"
		     "              {\"subnet\": \"0.0.0.0/30\"}]}", &cfg);
	{
		struct lq_query_peer peer = peer_at(PEER);
		uint8_t pkt[1024];
		size_t len;

		assert_int_equal(lq4_encode(query(0xa17), pkt, sizeof(pkt), &len), LQ_OK);
		run_raw_with(f, &cfg, f->reader, pkt, len, &peer, 50);
	}
	assert_int_equal(f->run.n, 50);
	/* 0.0.0.0-3, then 10.0.0.0 ... */
	for (size_t i = 0; i < 50; i++) {
		m = msg(f, i);
		if (i < 4)
			snprintf(want, sizeof(want), "0.0.0.%zu", i);
		else
			snprintf(want, sizeof(want), "10.0.0.%zu", i - 4);
		assert_memory_equal(m->ciaddr.b, ip(want).b, 4);
	}
	assert_int_equal(msg(f, 4 + 10)->msg_type, LQ4_LEASEACTIVE);
	assert_int_equal(msg(f, 4 + 12)->dhcp_state, LQ4_STATE_RELEASED);
	assert_int_equal(msg(f, 4 + 14)->dhcp_state, LQ4_STATE_AVAILABLE);
	lq_config_free(&cfg);

	/* the top of the address space */
	parse_config("{\"server-id\": \"" SERVER_ID "\", \"requesters\": [\"192.0.2.0/24\"],"
		     " \"subnets4\": [{\"subnet\": \"255.255.255.252/30\"}]}", &cfg);
	run_msg_with(f, &cfg, query(0xa18), PEER);
	EXPECT(f, true,
	       A("10.0.0.10"), A("10.0.0.11"), U("10.0.0.12", LQ4_STATE_RELEASED),
	       U("10.0.0.13", LQ4_STATE_EXPIRED), A("10.0.0.16"), A("10.0.0.40"),
	       A("10.9.9.2"), U("172.16.0.6", LQ4_STATE_EXPIRED),
	       U("255.255.255.252", LQ4_STATE_AVAILABLE), U("255.255.255.253", LQ4_STATE_AVAILABLE),
	       U("255.255.255.254", LQ4_STATE_AVAILABLE), U("255.255.255.255", LQ4_STATE_AVAILABLE));
	lq_config_free(&cfg);
}

/* ---- primary queries ---- */

static void test_by_mac(void **state)
{
	struct fixture *f = *state;

	/* 0b: 10.0.0.11 in force; .12 released and .13 expired are not */
	run(f, by_mac(0x0b));
	assert_int_equal(f->run.opened.kind, LQ_QUERY_V4_BY_MAC);
	EXPECT(f, false, A("10.0.0.11"));
	assert_memory_equal(msg(f, 0)->chaddr, mac(0x0b), 6);

	run(f, by_mac(0x0a));
	EXPECT(f, false, A("10.0.0.10"), A("10.9.9.2"));

	/* 0c is bound in a VPN only: nothing in the global VPN ... */
	run(f, by_mac(0x0c));
	assert_int_equal(f->run.n, 1);
	assert_int_equal(done_status(f), 0);
}

static void test_by_mac_vpn_and_htype(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q;

	/* ... but found with the all-VPNs wildcard, with its VSS */
	q = by_mac(0x0c);
	q->vss.present = true;
	q->vss.type = LQ4_VSS_ALL_VPNS;
	run(f, q);
	assert_int_equal(f->run.n, 2);
	assert_int_equal(msg(f, 0)->msg_type, LQ4_LEASEACTIVE);
	assert_memory_equal(msg(f, 0)->ciaddr.b, ip("10.0.0.15").b, 4);
	expect_vss(msg(f, 0), 0, vpn_a, sizeof(vpn_a));

	/* another hardware type does not match; 0 matches any */
	q = by_mac(0x0b);
	q->htype = 6;
	run(f, q);
	assert_int_equal(f->run.n, 1);
	assert_int_equal(done_status(f), 0);
	q = by_mac(0x0b);
	q->htype = 0;
	run(f, q);
	assert_int_equal(f->run.n, 2);
	/* nobody */
	run(f, by_mac(0x77));
	assert_int_equal(f->run.n, 1);
	assert_int_equal(done_status(f), 0);
}

static void test_by_client_id(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q = query(0x1002);
	static uint8_t long_cid[300];

	q->client_id = bytes(cid10, sizeof(cid10));
	run(f, q);
	assert_int_equal(f->run.opened.kind, LQ_QUERY_V4_BY_CLIENT_ID);
	EXPECT(f, false, A("10.0.0.10"), A("10.9.9.2"));

	/* longer than any stored client identifier: nothing, no error */
	memset(long_cid, 7, sizeof(long_cid));
	q = query(0x1004);
	q->client_id = bytes(long_cid, sizeof(long_cid));
	run(f, q);
	assert_int_equal(f->run.n, 1);
	assert_int_equal(done_status(f), 0);
}

static void test_by_remote_id(void **state)
{
	struct fixture *f = *state;

	run(f, by_remote_id("cpe001"));
	assert_int_equal(f->run.opened.kind, LQ_QUERY_V4_BY_REMOTE_ID);
	EXPECT(f, false, A("10.0.0.10"), A("10.0.0.11"));
	/* option 82 as stored */
	assert_int_equal(about(f, "10.0.0.10")->relay_info_raw.len, sizeof(relay10));
	run(f, by_remote_id("cpe002"));
	EXPECT(f, false, A("10.0.0.16"));
	run(f, by_remote_id("cpe999"));
	assert_int_equal(f->run.n, 1);
}

static void test_by_relay_id(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q = query(0x1005);
	const struct lq4_msg *m;

	q->has_relay_info = true;
	q->relay_info.relay_id = str("rly1");
	run(f, q);
	assert_int_equal(f->run.opened.kind, LQ_QUERY_V4_BY_RELAY_ID);
	EXPECT(f, false, A("10.0.0.16"));
	/* learned from a partner: data-source REMOTE (RFC 6926 6.2.8) */
	m = msg(f, 0);
	assert_true(m->has_data_source);
	assert_int_equal(m->data_source, LQ4_DATA_SOURCE_REMOTE);
	/* local data has no data-source option */
	run(f, by_remote_id("cpe001"));
	assert_false(msg(f, 0)->has_data_source);
}

/* ---- time qualifiers ---- */

static void test_time_qualifiers(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q;
	const struct lq4_msg *m;

	/* changed since the release of .12: .12 (not in force: UNASSIGNED)
	 * and .16; no AVAILABLE address has a change time */
	q = query(0x2001);
	q->has_query_start_time = true;
	q->query_start_time = lq_time_to_v4(CHANGED_12);
	run(f, q);
	EXPECT(f, false, U("10.0.0.12", LQ4_STATE_RELEASED), A("10.0.0.16"));
	m = about(f, "10.0.0.12");
	assert_int_equal(m->hlen, 6);
	assert_memory_equal(m->chaddr, mac(0x0b), 6);

	/* start inclusive: one second later .12 is out */
	q->query_start_time = lq_time_to_v4(CHANGED_12 + 1);
	run(f, q);
	EXPECT(f, false, A("10.0.0.16"));

	/* a window around the release only; end inclusive */
	q->query_start_time = lq_time_to_v4(CHANGED_12);
	q->has_query_end_time = true;
	q->query_end_time = lq_time_to_v4(CHANGED_12);
	run(f, q);
	EXPECT(f, false, U("10.0.0.12", LQ4_STATE_RELEASED));

	/* end only: what was loaded first, global VPN, in force or not */
	q = query(0x2002);
	q->has_query_end_time = true;
	q->query_end_time = lq_time_to_v4(LOADED);
	run(f, q);
	EXPECT(f, false, A("10.0.0.10"), A("10.0.0.11"), U("10.0.0.13", LQ4_STATE_EXPIRED),
	       A("10.0.0.40"), A("10.9.9.2"), U("172.16.0.6", LQ4_STATE_EXPIRED));

	/* with a primary query: MAC 0b's changes since the release */
	q = by_mac(0x0b);
	q->has_query_start_time = true;
	q->query_start_time = lq_time_to_v4(CHANGED_12);
	run(f, q);
	EXPECT(f, false, U("10.0.0.12", LQ4_STATE_RELEASED));
	/* and all of MAC 0b's bindings ever: the expired one too */
	q->query_start_time = 0;
	run(f, q);
	EXPECT(f, false, A("10.0.0.11"), U("10.0.0.12", LQ4_STATE_RELEASED),
	       U("10.0.0.13", LQ4_STATE_EXPIRED));

	/* end before start: MalformedQuery */
	q = query(0x2003);
	q->has_query_start_time = true;
	q->query_start_time = lq_time_to_v4(NOW);
	q->has_query_end_time = true;
	q->query_end_time = lq_time_to_v4(NOW - 1);
	run(f, q);
	assert_int_equal(f->run.opened.status, LQ4_STATUS_MALFORMED_QUERY);
	assert_int_equal(f->run.n, 1);
	assert_int_equal(done_status(f), LQ4_STATUS_MALFORMED_QUERY);
}

/* Addresses whose binding was deleted in the window come back as
 * DHCPLEASEUNASSIGNED AVAILABLE (RFC 6926 4: the query updates a copy),
 * each once, when the delete is the address's last change; the history's
 * times never go backwards, so the changes below are applied in time
 * order, after the fixture's (the last at CHANGED_16). In a store of its
 * own (setup_own: the fixture's is shared by every test). */
static void test_time_qualifiers_deleted(void **state)
{
	struct fixture *f = *state;
	struct lq_store *store = f->own;
	struct lq_binding_change v6del = { .op = LQ_CHANGE_DELETE };
	struct lq_binding b;
	struct lq4_msg *q;
	const struct lq4_msg *m;
	lq_ip6 a6 = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };

	delete_at(store, "10.0.0.10", NOW - 480);              /* before the window */
	delete_at(store, "10.0.0.40", NOW - 400);           /* and back */
	b = binding("10.0.0.40", 0x0e, 3000);
	put_at(store, &b, NOW - 250);
	delete_at(store, "10.0.0.13", NOW - 350);           /* deleted, back, deleted */
	b = binding("10.0.0.13", 0x0b, 3000);
	put_at(store, &b, NOW - 340);
	delete_at(store, "10.0.0.13", NOW - 330);
	delete_at(store, "10.0.0.17", NOW - 320);           /* never bound, twice */
	delete_at(store, "10.0.0.17", NOW - 310);
	delete_at(store, "10.0.0.11", NOW - 300);           /* in a pool, in force */
	delete_at(store, "172.16.0.6", NOW - 300);          /* outside every subnet */
	lq_binding_key_v6(&v6del.binding.key, &a6, 128);       /* another family */
	assert_int_equal(lq_store_apply(store, &v6del, 1, NOW - 300, NULL), LQ_STORE_OK);
	b = binding("10.0.0.19", 0x19, 3000);                  /* bound, then deleted */
	put_at(store, &b, NOW - 200);
	delete_at(store, "10.0.0.15", NOW - 200);           /* of VPN vpnA */
	delete_at(store, "10.9.9.2", NOW - 150);            /* deleted, back, deleted */
	delete_at(store, "10.0.0.19", NOW - 100);
	b = binding("10.9.9.2", 0x0a, 3000);
	put_at(store, &b, NOW - 50);
	delete_at(store, "10.9.9.2", NOW - 40);
	lq_store_read_end(f->reader);
	f->reader = NULL;
	assert_int_equal(lq_store_read_begin(store, &f->reader), LQ_STORE_OK);

	/* since NOW - 450: the binding changed, then every address deleted
	 * and still gone, once each, in a pool or not */
	q = query(0x2101);
	q->has_query_start_time = true;
	q->query_start_time = lq_time_to_v4(NOW - 450);
	run(f, q);
	EXPECT(f, false, A("10.0.0.40"), U("10.0.0.11", LQ4_STATE_AVAILABLE),
	       U("10.0.0.13", LQ4_STATE_AVAILABLE), U("10.0.0.15", LQ4_STATE_AVAILABLE),
	       U("10.0.0.17", LQ4_STATE_AVAILABLE), U("10.0.0.19", LQ4_STATE_AVAILABLE),
	       U("10.9.9.2", LQ4_STATE_AVAILABLE), U("172.16.0.6", LQ4_STATE_AVAILABLE));
	assert_int_equal(f->run.progress.bindings, 8);
	/* the bindings first (the cursor), then the deleted addresses */
	assert_int_equal(msg(f, 0)->msg_type, LQ4_LEASEACTIVE);
	/* a deleted address names no client */
	m = about(f, "10.0.0.11");
	assert_int_equal(m->hlen, 0);
	assert_null(m->client_id.data);
	assert_false(m->has_lease_time);
	assert_false(m->vss.present);

	/* up to NOW - 100 (inclusive): not 10.9.9.2, deleted again later */
	q->has_query_end_time = true;
	q->query_end_time = lq_time_to_v4(NOW - 100);
	run(f, q);
	EXPECT(f, false, A("10.0.0.40"), U("10.0.0.11", LQ4_STATE_AVAILABLE),
	       U("10.0.0.13", LQ4_STATE_AVAILABLE), U("10.0.0.15", LQ4_STATE_AVAILABLE),
	       U("10.0.0.17", LQ4_STATE_AVAILABLE), U("10.0.0.19", LQ4_STATE_AVAILABLE),
	       U("172.16.0.6", LQ4_STATE_AVAILABLE));
	/* since NOW - 99: 10.9.9.2's last delete only */
	q->has_query_end_time = false;
	q->query_start_time = lq_time_to_v4(NOW - 99);
	run(f, q);
	EXPECT(f, false, U("10.9.9.2", LQ4_STATE_AVAILABLE));
	/* end only: the release of .12 and .16; 10.0.0.10's delete from
	 * NOW - 480 on */
	q = query(0x2102);
	q->has_query_end_time = true;
	q->query_end_time = lq_time_to_v4(NOW - 490);
	run(f, q);
	EXPECT(f, false, U("10.0.0.12", LQ4_STATE_RELEASED), A("10.0.0.16"));
	q->query_end_time = lq_time_to_v4(NOW - 480);
	run(f, q);
	EXPECT(f, false, U("10.0.0.10", LQ4_STATE_AVAILABLE), U("10.0.0.12", LQ4_STATE_RELEASED),
	       A("10.0.0.16"));

	/* one VPN: the history does not say which VPN a deleted binding was
	 * in, so every deleted address is reported */
	q = query(0x2103);
	q->has_query_start_time = true;
	q->query_start_time = lq_time_to_v4(NOW - 450);
	q->vss.present = true;
	q->vss.type = 0;
	q->vss.info = bytes(vpn_a, sizeof(vpn_a));
	run(f, q);
	EXPECT(f, false, U("10.0.0.11", LQ4_STATE_AVAILABLE), U("10.0.0.13", LQ4_STATE_AVAILABLE),
	       U("10.0.0.15", LQ4_STATE_AVAILABLE), U("10.0.0.17", LQ4_STATE_AVAILABLE),
	       U("10.0.0.19", LQ4_STATE_AVAILABLE), U("10.9.9.2", LQ4_STATE_AVAILABLE),
	       U("172.16.0.6", LQ4_STATE_AVAILABLE));

	/* a primary query cannot match a deleted binding (the history keeps
	 * only its key): MAC 0b's .11 and .13 are gone, .12 did not change */
	q = by_mac(0x0b);
	q->has_query_start_time = true;
	q->query_start_time = lq_time_to_v4(NOW - 450);
	run(f, q);
	assert_int_equal(f->run.n, 1);
	assert_int_equal(done_status(f), 0);

	/* without a time qualifier nothing changes: the deleted addresses in
	 * the pools are AVAILABLE, the others not reported */
	run(f, query(0x2104));
	EXPECT(f, true, U("10.0.0.10", LQ4_STATE_AVAILABLE), U("10.0.0.11", LQ4_STATE_AVAILABLE),
	       U("10.0.0.12", LQ4_STATE_RELEASED), U("10.0.0.13", LQ4_STATE_AVAILABLE),
	       U("10.0.0.14", LQ4_STATE_AVAILABLE), U("10.0.0.15", LQ4_STATE_AVAILABLE),
	       A("10.0.0.16"), U("10.0.0.17", LQ4_STATE_AVAILABLE),
	       U("10.0.0.18", LQ4_STATE_AVAILABLE), U("10.0.0.19", LQ4_STATE_AVAILABLE),
	       U("10.0.0.30", LQ4_STATE_AVAILABLE), U("10.0.0.31", LQ4_STATE_AVAILABLE),
	       A("10.0.0.40"), U("10.9.9.0", LQ4_STATE_AVAILABLE), U("10.9.9.1", LQ4_STATE_AVAILABLE),
	       U("10.9.9.2", LQ4_STATE_AVAILABLE), U("10.9.9.3", LQ4_STATE_AVAILABLE));
}

/* ---- the options of a reply ---- */

static void test_reply_options_with_prl(void **state)
{
	struct fixture *f = *state;
	static const uint8_t prl[] = { LQ4_OPT_BASE_TIME, LQ4_OPT_START_TIME_OF_STATE,
				       LQ4_OPT_DHCP_STATE, LQ4_OPT_DATA_SOURCE, LQ4_OPT_CLT_TIME,
				       LQ4_OPT_LEASE_TIME, LQ4_OPT_HOSTNAME, LQ4_OPT_SUBNET_MASK,
				       LQ4_OPT_ASSOCIATED_IP, LQ4_OPT_VENDOR_CLASS };
	struct lq4_msg *q = by_mac(0x0a);
	const struct lq4_msg *m;

	q->prl = bytes(prl, sizeof(prl));
	run(f, q);
	EXPECT(f, false, A("10.0.0.10"), A("10.9.9.2"));
	m = about(f, "10.0.0.10");
	assert_true(m->has_base_time);
	assert_int_equal(m->base_time, SEND_TIME);
	assert_true(m->has_start_time_of_state);
	assert_int_equal(m->start_time_of_state, SEND_TIME - (NOW - 100));
	assert_true(m->has_dhcp_state);
	assert_int_equal(m->dhcp_state, LQ4_STATE_ACTIVE);
	assert_true(m->has_clt_time);
	assert_int_equal(m->clt_time, SEND_TIME - (NOW - 300));
	assert_true(m->has_lease_time);
	assert_int_equal(m->lease_time, NOW + 3000 - SEND_TIME);
	assert_true(has_option(m, LQ4_OPT_HOSTNAME));
	assert_true(has_option(m, LQ4_OPT_SUBNET_MASK));
	assert_int_equal(m->vendor_class.len, 7);
	/* not asked for */
	assert_null(m->client_id.data);
	assert_false(m->has_relay_info);
	assert_false(m->has_t1);
	/* asked for, but never in bulk; local data */
	assert_false(has_option(m, LQ4_OPT_ASSOCIATED_IP));
	assert_false(m->has_data_source);

	/* a PRL without the bulk options gets none of them */
	static const uint8_t prl_plain[] = { LQ4_OPT_LEASE_TIME };
	q = by_mac(0x0a);
	q->prl = bytes(prl_plain, sizeof(prl_plain));
	run(f, q);
	m = about(f, "10.0.0.10");
	assert_true(m->has_lease_time);
	assert_false(m->has_base_time);
	assert_false(m->has_dhcp_state);
	assert_false(m->has_start_time_of_state);
	assert_false(m->has_clt_time);
}

static void test_reply_options_without_prl(void **state)
{
	struct fixture *f = *state;
	const struct lq4_msg *m;

	run(f, by_remote_id("cpe001"));
	m = about(f, "10.0.0.10");
	/* the single query's defaults ... */
	assert_true(m->has_lease_time);
	assert_true(m->has_t1);
	assert_true(m->has_t2);
	assert_non_null(m->client_id.data);
	assert_true(m->has_relay_info);
	assert_memory_equal(m->relay_info_raw.data, relay10, sizeof(relay10));
	assert_true(m->has_clt_time);
	/* ... plus base-time, start-time-of-state and dhcp-state */
	assert_true(m->has_base_time);
	assert_int_equal(m->base_time, SEND_TIME);
	assert_true(m->has_start_time_of_state);
	assert_true(m->has_dhcp_state);
	/* not the others */
	assert_false(has_option(m, LQ4_OPT_HOSTNAME));
	assert_false(has_option(m, LQ4_OPT_SUBNET_MASK));
	assert_null(m->vendor_class.data);
}

static void test_sensitive_options(void **state)
{
	struct fixture *f = *state;
	static const uint8_t prl[] = { LQ4_OPT_HOSTNAME, LQ4_OPT_RELAY_AGENT_INFO, LQ4_OPT_CLIENT_ID,
				       LQ4_OPT_BASE_TIME };
	struct lq_config cfg;
	struct lq4_msg *q;
	const struct lq4_msg *m;
	char text[sizeof(config_text) + 64];
	const char *brace = strrchr(config_text, '}');

	/* the same configuration plus a sensitive list */
	snprintf(text, sizeof(text), "%.*s, \"sensitive-options\": {\"dhcp4\": [12, 82, 221]}}",
		 (int)(brace - config_text), config_text);
	parse_config(text, &cfg);
	q = by_mac(0x0a);
	q->prl = bytes(prl, sizeof(prl));
	run_msg_with(f, &cfg, q, PEER);
	assert_int_equal(f->run.opened.action, LQ_BULK_RUN);
	m = about(f, "10.0.0.10");
	assert_false(has_option(m, LQ4_OPT_HOSTNAME));
	assert_false(m->has_relay_info);
	assert_non_null(m->client_id.data);
	assert_true(m->has_base_time);
	/* and 221: the VPN name stays in */
	q = query(0x3001);
	q->vss.present = true;
	q->vss.type = LQ4_VSS_ALL_VPNS;
	run_msg_with(f, &cfg, q, PEER);
	assert_false(about(f, "10.0.0.15")->vss.present);
	lq_config_free(&cfg);

	/* without the list, the same query gets them */
	q = by_mac(0x0a);
	q->prl = bytes(prl, sizeof(prl));
	run(f, q);
	m = about(f, "10.0.0.10");
	assert_true(has_option(m, LQ4_OPT_HOSTNAME));
	assert_true(m->has_relay_info);
}

/* ---- error replies ---- */

static void expect_error(struct fixture *f, uint8_t status)
{
	const struct lq4_msg *m;

	assert_int_equal(f->run.opened.action, LQ_BULK_RUN);
	assert_int_equal(f->run.opened.status, status);
	assert_non_null(f->run.opened.reason);
	assert_int_equal(f->run.n, 1);
	assert_int_equal(done_status(f), status);
	m = msg(f, 0);
	/* the first message: it carries the server identifier */
	assert_true(m->has_server_id);
	assert_true(m->status_text.len > 0);
	assert_null(memchr(m->status_text.data, 0, m->status_text.len));
	assert_int_equal(f->run.progress.status, status);
	assert_int_equal(f->run.progress.bindings, 0);
}

static void test_malformed_addresses(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q;

	q = query(0x4001);
	q->ciaddr = ip("10.0.0.10");
	run(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);
	q = by_mac(0x0a);
	q->yiaddr = ip("10.0.0.10");
	run(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);
	assert_int_equal(f->run.opened.kind, LQ_QUERY_V4_BY_MAC);
	q = query(0x4002);
	q->siaddr = ip("192.0.2.1");
	run(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);
	/* and the same queries without them run */
	q->siaddr = ip("0.0.0.0");
	run(f, q);
	EXPECT(f, true, ALL_GLOBAL);
}

static void test_malformed_vss(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q = query(0x4003);
	static uint8_t long_id[300];

	q->vss.present = true;
	q->vss.type = 0;
	q->vss.info = bytes(vpn_a, sizeof(vpn_a));
	q->has_relay_info = true;
	q->relay_info.vss.present = true;
	q->relay_info.vss.type = 1;
	q->relay_info.vss.info = bytes(vpn_b, sizeof(vpn_b));
	run(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);

	memset(long_id, 'x', sizeof(long_id));
	q = query(0x4004);
	q->vss.present = true;
	q->vss.type = 0;
	q->vss.info = bytes(long_id, sizeof(long_id));
	run(f, q);
	expect_error(f, LQ4_STATUS_MALFORMED_QUERY);
}

static void test_two_primaries(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q;

	q = by_mac(0x0a);
	q->client_id = bytes(cid10, sizeof(cid10));
	run(f, q);
	expect_error(f, LQ4_STATUS_NOT_ALLOWED);
	assert_int_equal(f->run.opened.kind, LQ_QUERY_KIND_NONE);
	assert_false(f->run.opened.refused);

	q = by_remote_id("cpe001");
	q->relay_info.relay_id = str("rly1");
	run(f, q);
	expect_error(f, LQ4_STATUS_NOT_ALLOWED);

	q = by_remote_id("cpe001");
	q->client_id = bytes(cid10, sizeof(cid10));
	run(f, q);
	expect_error(f, LQ4_STATUS_NOT_ALLOWED);
}

/* ---- access rules ---- */

static void test_access_refused(void **state)
{
	struct fixture *f = *state;
	struct lq_config drop;
	char text[sizeof(config_text) + 64];
	const char *brace = strrchr(config_text, '}');

	/* not a requestor */
	run_msg_with(f, &f->cfg, by_mac(0x0a), "203.0.113.9");
	expect_error(f, LQ4_STATUS_NOT_ALLOWED);
	assert_true(f->run.opened.refused);
	/* allowed by-mac only: by-mac runs, all addresses does not */
	run_msg_with(f, &f->cfg, by_mac(0x0a), "198.51.100.7");
	assert_false(f->run.opened.refused);
	EXPECT(f, false, A("10.0.0.10"), A("10.9.9.2"));
	run_msg_with(f, &f->cfg, query(0x5001), "198.51.100.7");
	expect_error(f, LQ4_STATUS_NOT_ALLOWED);
	assert_true(f->run.opened.refused);
	assert_int_equal(f->run.opened.kind, LQ_QUERY_V4_ALL_ADDRESSES);

	/* refused-queries "drop": the connection is closed */
	snprintf(text, sizeof(text), "%.*s, \"refused-queries\": \"drop\"}",
		 (int)(brace - config_text), config_text);
	parse_config(text, &drop);
	run_msg_with(f, &drop, by_mac(0x0a), "203.0.113.9");
	assert_int_equal(f->run.opened.action, LQ_BULK_CLOSE);
	assert_true(f->run.opened.refused);
	assert_non_null(f->run.opened.reason);
	assert_int_equal(f->run.n, 0);
	run_msg_with(f, &drop, by_mac(0x0a), PEER);
	assert_int_equal(f->run.opened.action, LQ_BULK_RUN);
	assert_false(f->run.opened.refused);
	lq_config_free(&drop);
}

/* ---- messages that are not bulk queries ---- */

static void test_not_bulk(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q = query(0x6001);

	q->msg_type = LQ4_ACTIVELEASEQUERY;
	run_msg_with(f, &f->cfg, q, PEER);
	assert_int_equal(f->run.opened.action, LQ_BULK_NOT_BULK);
	assert_int_equal(f->run.opened.msg_type, LQ4_ACTIVELEASEQUERY);
	q->msg_type = LQ4_TLS;
	run_msg_with(f, &f->cfg, q, PEER);
	assert_int_equal(f->run.opened.action, LQ_BULK_NOT_BULK);
	assert_int_equal(f->run.opened.msg_type, LQ4_TLS);
}

static void expect_close(struct fixture *f, const uint8_t *pkt, size_t len)
{
	struct lq_query_peer peer = peer_at(PEER);

	run_raw_with(f, &f->cfg, f->reader, pkt, len, &peer, 0);
	assert_int_equal(f->run.opened.action, LQ_BULK_CLOSE);
	assert_non_null(f->run.opened.reason);
	assert_false(f->run.opened.refused);
}

static void test_close(void **state)
{
	struct fixture *f = *state;
	struct lq4_msg *q;
	uint8_t pkt[1024];
	size_t len;

	/* garbage, a truncated header, a bad cookie */
	memset(pkt, 0xa5, sizeof(pkt));
	expect_close(f, pkt, 100);
	expect_close(f, pkt, sizeof(pkt));
	expect_close(f, pkt, 0);
	/* a DHCPLEASEQUERY over TCP */
	q = query(0x7001);
	q->msg_type = LQ4_LEASEQUERY;
	q->ciaddr = ip("10.0.0.10");
	assert_int_equal(lq4_encode(q, pkt, sizeof(pkt), &len), LQ_OK);
	expect_close(f, pkt, len);
	assert_int_equal(f->run.opened.msg_type, LQ4_LEASEQUERY);
	/* a reply type */
	q = query(0x7002);
	q->msg_type = LQ4_LEASEQUERYDONE;
	assert_int_equal(lq4_encode(q, pkt, sizeof(pkt), &len), LQ_OK);
	expect_close(f, pkt, len);
	/* a DHCPBULKLEASEQUERY that is a BOOTREPLY */
	q = query(0x7003);
	q->op = LQ4_BOOTREPLY;
	assert_int_equal(lq4_encode(q, pkt, sizeof(pkt), &len), LQ_OK);
	expect_close(f, pkt, len);
	/* and a good one still runs */
	q = query(0x7004);
	assert_int_equal(lq4_encode(q, pkt, sizeof(pkt), &len), LQ_OK);
	run(f, q);
	assert_int_equal(done_status(f), 0);
}

/* ---- termination ---- */

static void test_terminate(void **state)
{
	struct fixture *f = *state;
	struct lq_query_env env = { .config = &f->cfg, .now = NOW };
	struct lq_query_peer peer = peer_at(PEER);
	struct lq_bulk_query *bq;
	struct lq_bulk_opened opened;
	struct lq_bulk_progress p;
	uint8_t pkt[1024];
	size_t len, out_len;

	assert_int_equal(lq4_encode(query(0x8001), pkt, sizeof(pkt), &len), LQ_OK);
	assert_int_equal(lq_bulk_open(&env, f->reader, 4, pkt, len, &peer, &bq, &opened), 0);
	assert_int_equal(opened.action, LQ_BULK_RUN);
	for (int i = 0; i < 3; i++)
		assert_int_equal(lq_bulk_next(bq, SEND_TIME, f->out, sizeof(f->out), &out_len), 1);
	assert_int_equal(lq_bulk_terminate(bq, SEND_TIME, "server shutting down", f->out,
					   sizeof(f->out), &out_len), 1);
	assert_int_equal(lq4_decode(f->out, out_len, &f->m, NULL), LQ_OK);
	assert_int_equal(f->m.msg_type, LQ4_LEASEQUERYDONE);
	assert_int_equal(f->m.xid, 0x8001);
	assert_true(f->m.has_status);
	assert_int_equal(f->m.status_code, LQ4_STATUS_QUERY_TERMINATED);
	assert_int_equal(f->m.status_text.len, strlen("server shutting down"));
	assert_memory_equal(f->m.status_text.data, "server shutting down", f->m.status_text.len);
	assert_false(f->m.has_server_id);
	lq_bulk_progress(bq, &p);
	assert_true(p.finished);
	assert_int_equal(p.messages, 4);
	assert_int_equal(p.bindings, 3);
	assert_int_equal(p.status, LQ4_STATUS_QUERY_TERMINATED);
	/* finished: nothing more */
	assert_int_equal(lq_bulk_next(bq, SEND_TIME, f->out, sizeof(f->out), &out_len), 0);
	assert_int_equal(lq_bulk_terminate(bq, SEND_TIME, "again", f->out, sizeof(f->out), &out_len), 0);
	lq_bulk_close(bq);

	/* before the first message: the DONE is first and names the server;
	 * a long text is cut, never inside a UTF-8 sequence */
	char text[400];
	text[0] = 'a';
	for (size_t i = 1; i + 2 < sizeof(text); i += 2) {
		text[i] = (char)0xc3;
		text[i + 1] = (char)0xa9;        /* e acute: octet 254 is its second */
	}
	text[sizeof(text) - 2] = 'x';
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(lq_bulk_open(&env, f->reader, 4, pkt, len, &peer, &bq, &opened), 0);
	assert_int_equal(lq_bulk_terminate(bq, SEND_TIME, text, f->out, sizeof(f->out), &out_len), 1);
	assert_int_equal(lq4_decode(f->out, out_len, &f->m, NULL), LQ_OK);
	assert_true(f->m.has_server_id);
	assert_int_equal(f->m.status_code, LQ4_STATUS_QUERY_TERMINATED);
	assert_int_equal(f->m.status_text.len, 253);
	assert_int_equal((uint8_t)f->m.status_text.data[252], 0xa9);
	lq_bulk_close(bq);

	/* closing a query that never finished is fine too */
	assert_int_equal(lq_bulk_open(&env, f->reader, 4, pkt, len, &peer, &bq, &opened), 0);
	assert_int_equal(lq_bulk_next(bq, SEND_TIME, f->out, sizeof(f->out), &out_len), 1);
	lq_bulk_close(bq);
}

/* ---- snapshot isolation ---- */

static void test_snapshot_isolation(void **state)
{
	struct fixture *f = *state;
	struct lq_query_env env = { .config = &f->cfg, .now = NOW };
	struct lq_query_peer peer = peer_at(PEER);
	struct lq_store *store;
	struct lq_store_reader *reader;
	struct lq_bulk_query *bq;
	struct lq_bulk_opened opened;
	struct lq_binding b;
	char dir[64];
	uint8_t pkt[1024];
	size_t len, out_len;
	int rc;

	open_store(dir, &store);
	assert_int_equal(lq_store_read_begin(store, &reader), LQ_STORE_OK);
	assert_int_equal(lq4_encode(query(0x9001), pkt, sizeof(pkt), &len), LQ_OK);
	assert_int_equal(lq_bulk_open(&env, reader, 4, pkt, len, &peer, &bq, &opened), 0);
	run_free(&f->run);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(lq_bulk_next(bq, SEND_TIME, f->out, sizeof(f->out), &out_len), 1);
		f->run.msgs[f->run.n].data = malloc(out_len);
		assert_non_null(f->run.msgs[f->run.n].data);
		memcpy(f->run.msgs[f->run.n].data, f->out, out_len);
		f->run.msgs[f->run.n++].len = out_len;
	}
	/* the store changes while the query runs: bindings behind and ahead
	 * of it appear, go and change */
	b = binding("10.0.0.14", 0x44, 3000);
	put_at(store, &b, NOW);
	b = binding("10.0.0.9", 0x45, 3000);
	put_at(store, &b, NOW);
	b = binding("10.0.0.12", 0x46, 3000);
	put_at(store, &b, NOW);
	delete_at(store, "10.0.0.16", NOW);
	delete_at(store, "10.0.0.11", NOW);
	b = binding("10.0.0.50", 0x47, 3000);
	put_at(store, &b, NOW);
	while ((rc = lq_bulk_next(bq, SEND_TIME, f->out, sizeof(f->out), &out_len)) == 1) {
		assert_true(f->run.n < MAX_MSGS);
		f->run.msgs[f->run.n].data = malloc(out_len);
		assert_non_null(f->run.msgs[f->run.n].data);
		memcpy(f->run.msgs[f->run.n].data, f->out, out_len);
		f->run.msgs[f->run.n++].len = out_len;
	}
	assert_int_equal(rc, 0);
	lq_bulk_close(bq);
	lq_store_read_end(reader);
	/* exactly the snapshot's answer */
	EXPECT(f, true, ALL_GLOBAL);

	/* a new snapshot sees the changes */
	assert_int_equal(lq_store_read_begin(store, &reader), LQ_STORE_OK);
	run_raw_with(f, &f->cfg, reader, pkt, len, &peer, 0);
	EXPECT(f, true,
	       A("10.0.0.9"), A("10.0.0.10"), U("10.0.0.11", LQ4_STATE_AVAILABLE), A("10.0.0.12"),
	       U("10.0.0.13", LQ4_STATE_EXPIRED), A("10.0.0.14"),
	       U("10.0.0.15", LQ4_STATE_AVAILABLE), U("10.0.0.16", LQ4_STATE_AVAILABLE),
	       U("10.0.0.17", LQ4_STATE_AVAILABLE), U("10.0.0.18", LQ4_STATE_AVAILABLE),
	       U("10.0.0.19", LQ4_STATE_AVAILABLE), U("10.0.0.30", LQ4_STATE_AVAILABLE),
	       U("10.0.0.31", LQ4_STATE_AVAILABLE), A("10.0.0.40"), A("10.0.0.50"),
	       U("10.9.9.0", LQ4_STATE_AVAILABLE), U("10.9.9.1", LQ4_STATE_AVAILABLE),
	       A("10.9.9.2"), U("10.9.9.3", LQ4_STATE_AVAILABLE),
	       U("172.16.0.6", LQ4_STATE_EXPIRED));
	lq_store_read_end(reader);
	remove_store(dir, store);
}

/* ---- several queries on one snapshot, interleaved ---- */

static void test_interleaved(void **state)
{
	struct fixture *f = *state;
	struct lq_query_env env = { .config = &f->cfg, .now = NOW };
	struct lq_query_peer peer = peer_at(PEER);
	struct lq_bulk_query *a, *b;
	struct lq_bulk_opened opened;
	uint8_t pkt_a[1024], pkt_b[1024];
	size_t len_a, len_b, out_len;
	unsigned na = 0, nb = 0;
	int ra = 1, rb = 1;

	assert_int_equal(lq4_encode(query(0xb001), pkt_a, sizeof(pkt_a), &len_a), LQ_OK);
	assert_int_equal(lq4_encode(by_mac(0x0b), pkt_b, sizeof(pkt_b), &len_b), LQ_OK);
	assert_int_equal(lq_bulk_open(&env, f->reader, 4, pkt_a, len_a, &peer, &a, &opened), 0);
	assert_int_equal(lq_bulk_open(&env, f->reader, 4, pkt_b, len_b, &peer, &b, &opened), 0);
	while (ra == 1 || rb == 1) {
		if (ra == 1 && (ra = lq_bulk_next(a, SEND_TIME, f->out, sizeof(f->out), &out_len)) == 1) {
			assert_int_equal(lq4_decode(f->out, out_len, &f->m, NULL), LQ_OK);
			assert_int_equal(f->m.xid, 0xb001);
			assert_int_equal(f->m.has_server_id, na == 0);
			na++;
		}
		if (rb == 1 && (rb = lq_bulk_next(b, SEND_TIME, f->out, sizeof(f->out), &out_len)) == 1) {
			assert_int_equal(lq4_decode(f->out, out_len, &f->m, NULL), LQ_OK);
			assert_int_equal(f->m.xid, 0x1001);
			assert_int_equal(f->m.has_server_id, nb == 0);
			nb++;
		}
	}
	assert_int_equal(ra, 0);
	assert_int_equal(rb, 0);
	assert_int_equal(na, 19);
	assert_int_equal(nb, 2);
	lq_bulk_close(a);
	lq_bulk_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_addresses),
		cmocka_unit_test(test_all_addresses_all_vpns),
		cmocka_unit_test(test_all_addresses_one_vpn),
		cmocka_unit_test(test_all_addresses_no_subnets),
		cmocka_unit_test(test_all_addresses_huge_and_top),
		cmocka_unit_test(test_by_mac),
		cmocka_unit_test(test_by_mac_vpn_and_htype),
		cmocka_unit_test(test_by_client_id),
		cmocka_unit_test(test_by_remote_id),
		cmocka_unit_test(test_by_relay_id),
		cmocka_unit_test(test_time_qualifiers),
		cmocka_unit_test_setup_teardown(test_time_qualifiers_deleted, setup_own, teardown_own),
		cmocka_unit_test(test_reply_options_with_prl),
		cmocka_unit_test(test_reply_options_without_prl),
		cmocka_unit_test(test_sensitive_options),
		cmocka_unit_test(test_malformed_addresses),
		cmocka_unit_test(test_malformed_vss),
		cmocka_unit_test(test_two_primaries),
		cmocka_unit_test(test_access_refused),
		cmocka_unit_test(test_not_bulk),
		cmocka_unit_test(test_close),
		cmocka_unit_test(test_terminate),
		cmocka_unit_test(test_snapshot_isolation),
		cmocka_unit_test(test_interleaved),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
