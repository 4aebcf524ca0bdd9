/* fuzz_active.c - libFuzzer target for the active leasequery engine
 * (RFC 7724, RFC 7653). The first input octet picks the family (bit 0: 0
 * DHCPv4, 1 DHCPv6) and the requestor (bit 1: one the access rules refuse
 * active queries); the rest is one TCP frame's message, opened with
 * lq_active_open against a small LMDB store (a short change history, so
 * that DataMissing happens) and a configuration with subnets, pools and a
 * sensitive option. A running query is drained for up to MAX_MSGS
 * messages with the snapshot it began with, sent a keepalive, then the
 * store changes (upserts, a release, deletes of both families, the same
 * script every time so that the store's contents stay bounded) and, once
 * catch-up is over, the query is drained again from a renewed snapshot,
 * then terminated. What must hold: open says why it closes; a running
 * query has the xid of its message; every message decodes (lq4_decode,
 * lq6_decode), has that xid and a message type active leasequery uses: v4
 * a BOOTREPLY, DHCPLEASEACTIVE / UNASSIGNED / QUERYSTATUS / QUERYDONE, with
 * base-time, option 54 only in the first, never associated-ip nor the
 * sensitive host name; v6 a LEASEQUERY-REPLY first and only first, then
 * LEASEQUERY-DATA, LEASEQUERY-DONE last; nothing after the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lq/active.h"
#include "lq/config.h"
#include "lq/dhcp4.h"
#include "lq/dhcp6.h"
#include "lq/store.h"
#include "../tests/tools/store_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1700000000
#define MAX_MSGS 64
#define MAX_CALLS 512
#define HISTORY_LIMIT 8

static const char config_text[] =
	"{\"server-id\": \"192.0.2.1\","
	" \"server-duid\": \"00:01:00:01:00:00:00:01:02:00:00:00:00:01\","
	" \"subnets4\": [{\"subnet\": \"10.0.0.0/24\", \"pools\": [\"10.0.0.10 - 10.0.0.40\"]}],"
	" \"subnets6\": [{\"subnet\": \"2001:db8:1::/64\", \"id\": 1,"
	"                 \"pools\": [\"2001:db8:1::100 - 2001:db8:1::1ff\"],"
	"                 \"pd-pools\": [{\"prefix\": \"2001:db8:8000::/40\", \"delegated-len\": 56}]}],"
	" \"requesters\": [\"192.0.2.0/24\", \"2001:db8:f::/48\","
	"                  {\"prefix\": \"198.51.100.0/24\", \"query-types\": [\"by-mac\"]},"
	"                  {\"prefix\": \"2001:db8:e::/48\", \"query-types\": [\"by-address\"]}],"
	" \"sensitive-options\": {\"dhcp4\": [12]}}";

static char dir[64];
static struct lq_store *store;
static struct lq_store_reader *reader;
static struct lq_config cfg;
static struct lq4_msg msg4;
static struct lq6_msg msg6;
static uint8_t out[LQ_BULK_MSG_MAX];

static const uint8_t relay4[] = { 1, 4, 'e', 't', 'h', '0', 2, 6, 'c', 'p', 'e', '0', '0', '1',
				  12, 4, 'r', 'l', 'y', '1' };
static const uint8_t cid4[] = { 1, 2, 0, 0, 0, 0, 0x0a };
static const uint8_t duid_a[] = { 0, 1, 0, 1, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0xaa };
static const uint8_t duid_b[] = { 0, 3, 0, 1, 2, 0, 0, 0, 0, 0xbb };
static const uint8_t relay_id6[] = { 0, 3, 0, 1, 2, 0, 0, 0, 0, 0xee };
static const uint8_t vpn[] = { 'v', 'p', 'n', 'A' };

static void cleanup(void)
{
	if (reader != NULL)
		lq_store_read_end(reader);
	if (store != NULL)
		lq_store_close(store);
	lq_config_free(&cfg);
	lq_fixture_remove_dir(dir);
}

static void apply(const struct lq_binding_change *c, int64_t when)
{
	if (lq_store_apply(store, c, 1, when, NULL) != LQ_STORE_OK)
		abort();
}

static void put4(uint8_t d, uint8_t state, int64_t expire, int64_t when, bool in_vpn)
{
	static uint8_t macs[256][6];
	struct lq_binding_change ch;
	struct lq_binding *b = &ch.binding;
	lq_ip4 addr = { { 10, 0, 0, d } };

	memset(&ch, 0, sizeof(ch));
	ch.op = LQ_CHANGE_UPSERT;
	lq_binding_key_v4(&b->key, &addr);
	b->type = LQ_LEASE_V4;
	b->state = state;
	macs[d][0] = 2;
	macs[d][5] = d;
	b->htype = 1;
	b->hwaddr = (lq_bytes){ macs[d], 6 };
	b->cltt = when;
	b->state_since = when;
	b->expire = expire;
	b->valid_lifetime = 3600;
	b->data_source_remote = d % 3 == 0;
	if (d % 2 == 0) {
		b->client_id = (lq_bytes){ cid4, sizeof(cid4) };
		b->relay_info = (lq_bytes){ relay4, sizeof(relay4) };
		b->hostname = (lq_bytes){ (const uint8_t *)"host", 4 };
		if (lq_binding_fill_relay_ids(b) != LQ_OK)
			abort();
	}
	if (in_vpn) {
		b->has_vpn = true;
		b->vpn_type = 0;
		b->vpn_id = (lq_bytes){ vpn, sizeof(vpn) };
	}
	apply(&ch, when);
}

/* 2001:db8:1::<low> (len 128, IA_NA) or 2001:db8:80<low>::/56 (IA_PD). */
static void put6(uint8_t low, bool pd, const uint8_t *duid, size_t duid_len, uint8_t state,
		 int64_t expire, int64_t when)
{
	struct lq_binding_change ch;
	struct lq_binding *b = &ch.binding;
	lq_ip6 a = { { 0x20, 0x01, 0x0d, 0xb8 } };

	memset(&ch, 0, sizeof(ch));
	ch.op = LQ_CHANGE_UPSERT;
	if (pd) {
		a.b[4] = 0x80;
		a.b[6] = low;
		lq_binding_key_v6(&b->key, &a, 56);
		b->type = LQ_LEASE_PD;
	} else {
		a.b[5] = 1;
		a.b[14] = 1;
		a.b[15] = low;
		lq_binding_key_v6(&b->key, &a, 128);
		b->type = LQ_LEASE_NA;
	}
	b->state = state;
	b->client_id = (lq_bytes){ duid, duid_len };
	b->iaid = 1;
	b->cltt = when;
	b->state_since = when;
	b->expire = expire;
	b->valid_lifetime = 3600;
	b->preferred_lifetime = 1800;
	b->subnet_id = 1;
	if (low % 2 == 0)
		b->relay_id = (lq_bytes){ relay_id6, sizeof(relay_id6) };
	apply(&ch, when);
}

static void del4(uint8_t d, int64_t when)
{
	struct lq_binding_change ch;
	lq_ip4 addr = { { 10, 0, 0, d } };

	memset(&ch, 0, sizeof(ch));
	ch.op = LQ_CHANGE_DELETE;
	lq_binding_key_v4(&ch.binding.key, &addr);
	apply(&ch, when);
}

static void del6(uint8_t low, int64_t when)
{
	struct lq_binding_change ch;
	lq_ip6 a = { { 0x20, 0x01, 0x0d, 0xb8, 0, 1 } };

	memset(&ch, 0, sizeof(ch));
	ch.op = LQ_CHANGE_DELETE;
	a.b[14] = 1;
	a.b[15] = low;
	lq_binding_key_v6(&ch.binding.key, &a, 128);
	apply(&ch, when);
}

/* A fresh store in dir with the bindings every run starts from. */
static void store_up(void)
{
	struct lq_store_options o = { .history_limit = HISTORY_LIMIT, .no_sync = true,
				      .map_size = (size_t)16 << 20 };

	if (lq_store_open(&store, dir, &o) != LQ_STORE_OK)
		abort();
	put4(10, LQ_STATE_ACTIVE, NOW + 3000, NOW - 5000, false);
	put4(11, LQ_STATE_ACTIVE, NOW + 3000, NOW - 5000, false);
	put6(0x10, false, duid_a, sizeof(duid_a), LQ_STATE_ACTIVE, NOW + 3000, NOW - 5000);
	put4(12, LQ_STATE_RELEASED, NOW - 10, NOW - 1000, false);
	put6(0x11, false, duid_a, sizeof(duid_a), LQ_STATE_ACTIVE, NOW + 3000, NOW - 900);
	put6(0x01, true, duid_a, sizeof(duid_a), LQ_STATE_ACTIVE, NOW + 3000, NOW - 800);
	put4(14, LQ_STATE_ACTIVE, NOW + 3000, NOW - 500, true);
	put4(16, LQ_STATE_ACTIVE, NOW - 5, NOW - 400, false);
	put6(0x12, false, duid_b, sizeof(duid_b), LQ_STATE_EXPIRED, NOW - 60, NOW - 300);
	del4(20, NOW - 200);
	del6(0x13, NOW - 100);
	if (lq_store_read_begin(store, &reader) != LQ_STORE_OK)
		abort();
}

static void store_down(void)
{
	lq_store_read_end(reader);
	reader = NULL;
	lq_store_close(store);
	store = NULL;
	lq_fixture_remove_dir(dir);
}

static void init(void)
{
	char err[256];

	strcpy(dir, "/tmp/lq-fuzz-active-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	if (lq_config_parse(config_text, strlen(config_text), NULL, &cfg, err, sizeof(err)) != 0)
		abort();
	atexit(cleanup);
}

/* The changes made while every query runs: the same each time. */
static void change_store(void)
{
	put4(20, LQ_STATE_ACTIVE, NOW + 3000, NOW + 1, false);
	put4(11, LQ_STATE_RELEASED, NOW, NOW + 2, false);
	put4(21, LQ_STATE_ACTIVE, NOW + 3000, NOW + 2, true);
	del4(20, NOW + 3);
	put4(11, LQ_STATE_ACTIVE, NOW + 3000, NOW + 3, false);
	put6(0x13, false, duid_b, sizeof(duid_b), LQ_STATE_ACTIVE, NOW + 3000, NOW + 1);
	put6(0x11, false, duid_a, sizeof(duid_a), LQ_STATE_RELEASED, NOW, NOW + 2);
	del6(0x13, NOW + 3);
	put6(0x11, false, duid_a, sizeof(duid_a), LQ_STATE_ACTIVE, NOW + 3000, NOW + 3);
}

struct state {
	int family;
	uint32_t xid;
	unsigned sent;
	bool ended;
};

/* One message of a running query, the sent-th. */
static void check_message(struct state *s, size_t len)
{
	if (len == 0 || len > LQ_BULK_MSG_MAX || s->ended)
		abort();
	if (s->family == 4) {
		if (lq4_decode(out, len, &msg4, NULL) != LQ_OK || msg4.op != LQ4_BOOTREPLY ||
		    msg4.xid != s->xid || msg4.has_server_id != (s->sent == 0) || !msg4.has_base_time)
			abort();
		if (lq4_find_option(&msg4, LQ4_OPT_ASSOCIATED_IP) != NULL ||
		    lq4_find_option(&msg4, LQ4_OPT_HOSTNAME) != NULL)
			abort();
		if (msg4.msg_type != LQ4_LEASEACTIVE && msg4.msg_type != LQ4_LEASEUNASSIGNED &&
		    msg4.msg_type != LQ4_LEASEQUERYSTATUS && msg4.msg_type != LQ4_LEASEQUERYDONE)
			abort();
		s->ended = msg4.msg_type == LQ4_LEASEQUERYDONE ||
			   (msg4.msg_type == LQ4_LEASEQUERYSTATUS && msg4.has_status &&
			    msg4.status_code != LQ4_STATUS_DATA_MISSING &&
			    msg4.status_code != LQ4_STATUS_CATCH_UP_COMPLETE);
	} else {
		if (lq6_decode(out, len, &msg6, NULL) != LQ_OK || msg6.xid != s->xid)
			abort();
		if ((msg6.type == LQ6_LEASEQUERY_REPLY) != (s->sent == 0))
			abort();
		if (msg6.type != LQ6_LEASEQUERY_REPLY && msg6.type != LQ6_LEASEQUERY_DATA &&
		    msg6.type != LQ6_LEASEQUERY_DONE)
			abort();
		s->ended = msg6.type == LQ6_LEASEQUERY_DONE ||
			   (msg6.type == LQ6_LEASEQUERY_REPLY && msg6.status.present &&
			    msg6.status.code != LQ6_STATUS_SUCCESS &&
			    msg6.status.code != LQ6_STATUS_DATA_MISSING);
	}
	s->sent++;
}

/* Up to MAX_MSGS messages from r. */
static void drain(struct lq_active_query *q, struct state *s, struct lq_store_reader *r,
		  int64_t now)
{
	struct lq_bulk_progress p;
	unsigned n = 0;
	size_t len = 0;

	for (unsigned calls = 0; calls < MAX_CALLS && n < MAX_MSGS; calls++) {
		int rc = lq_active_next(q, r, now, out, sizeof(out), &len);

		if (rc == 0)
			break;
		if (rc == LQ_ACTIVE_AGAIN)
			continue;
		if (rc != 1)
			abort();
		check_message(s, len);
		n++;
		lq_active_progress(q, &p);
		if (p.messages != s->sent || p.finished != s->ended)
			abort();
	}
}

static void run(int family, const uint8_t *data, size_t size, const struct lq_query_peer *peer)
{
	struct lq_query_env env = { .config = &cfg, .now = NOW };
	struct lq_active_query *q = NULL;
	struct lq_bulk_opened opened;
	struct state s = { .family = family };
	size_t len = 0;
	int rc;

	rc = lq_active_open(&env, reader, family, data, size, peer, &q, &opened);
	if (rc != 0)
		abort();
	if (opened.action != LQ_BULK_RUN) {
		if (q != NULL || opened.reason == NULL)
			abort();
		return;
	}
	if (q == NULL || lq_active_xid(q) != opened.xid)
		abort();
	s.xid = opened.xid;
	drain(q, &s, reader, NOW);
	if (!s.ended) {
		if (lq_active_keepalive(q, NOW + 60, out, sizeof(out), &len) != 1)
			abort();
		check_message(&s, len);
	}
	change_store();
	if (!lq_active_catching_up(q)) {
		lq_store_read_reset(reader);
		if (lq_store_read_renew(reader) != LQ_STORE_OK)
			abort();
	}
	drain(q, &s, reader, NOW + 61);
	if (lq_active_finished(q) != s.ended)
		abort();
	if (!s.ended) {
		if (lq_active_terminate(q, NOW + 62, "fuzz", out, sizeof(out), &len) != 1)
			abort();
		check_message(&s, len);
		if (!s.ended)
			abort();
	}
	if (lq_active_next(q, reader, NOW + 63, out, sizeof(out), &len) != 0 ||
	    lq_active_terminate(q, NOW + 63, "again", out, sizeof(out), &len) != 0 ||
	    lq_active_keepalive(q, NOW + 63, out, sizeof(out), &len) != 0)
		abort();
	lq_active_close(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lq_query_peer peer;
	int family;
	bool refused;

	static bool ready;

	if (size < 1)
		return 0;
	if (!ready) {
		init();
		ready = true;
	}
	family = (data[0] & 1) != 0 ? 6 : 4;
	refused = (data[0] & 2) != 0;
	memset(&peer, 0, sizeof(peer));
	peer.family = family;
	peer.port = 40000;
	if (family == 4) {
		static const uint8_t ok[4] = { 192, 0, 2, 50 }, no[4] = { 198, 51, 100, 50 };

		memcpy(peer.addr, refused ? no : ok, 4);
	} else {
		static const uint8_t ok[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0,
						0, 1 };

		memcpy(peer.addr, ok, 16);
		if (refused)
			peer.addr[5] = 0x0e;
	}
	store_up();     /* lq_store_open makes the directory again */
	run(family, data + 1, size - 1, &peer);
	store_down();
	return 0;
}
