/* fuzz_answer4.c - libFuzzer target for the DHCPv4 single-query engine
 * (RFC 4388): every input is a datagram received from a requestor and is
 * answered from a small LMDB store opened once (clients with one and with
 * several addresses, one known by client identifier only, relay agent
 * information, an infinite lease, released and expired bindings). The
 * engine must never crash, and what it says must hold: a dropped datagram
 * has a reason; a reply decodes, is one of the three reply types with the
 * query's xid and giaddr, fits the requestor's size and the buffer, and
 * goes to giaddr. The same datagram is answered again into a small buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lq/config.h"
#include "lq/dhcp4.h"
#include "lq/query.h"
#include "lq/store.h"
#include "../tests/tools/store_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1700000000

static const char config_text[] =
	"{\"server-id\": \"192.0.2.1\","
	" \"subnets4\": [{\"subnet\": \"10.0.0.0/24\", \"pools\": [\"10.0.0.10 - 10.0.0.200\"]},"
	"               {\"subnet\": \"10.1.0.0/16\"}],"
	" \"requesters\": [\"192.0.2.0/24\", {\"prefix\": \"198.51.100.0/24\", \"query-types\": [\"by-ip\"]}],"
	" \"sensitive-options\": {\"dhcp4\": [12]}}";

static char dir[64];
static struct lq_store *store;
static struct lq_store_reader *reader;
static struct lq_config cfg;
static struct lq4_msg query, reply;
static uint8_t out[LQ_QUERY_MAX_REPLY];

static const uint8_t relay[] = { 1, 4, 'e', 't', 'h', '0', 2, 6, 'c', 'p', 'e', '0', '0', '1', 19, 0 };
static const uint8_t cid[] = { 1, 2, 0, 0, 0, 0, 0x0a };
static const uint8_t cid_only[] = { 0xff, 1, 2, 3, 4 };

static void cleanup(void)
{
	if (reader != NULL)
		lq_store_read_end(reader);
	if (store != NULL)
		lq_store_close(store);
	lq_config_free(&cfg);
	lq_fixture_remove_dir(dir);
}

static void add(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t hw, uint8_t state,
		int64_t cltt_ago, int64_t expire_in)
{
	static uint8_t macs[256][6];
	struct lq_binding_change ch;
	struct lq_binding *bd = &ch.binding;
	lq_ip4 addr = { { a, b, c, d } };

	memset(&ch, 0, sizeof(ch));
	ch.op = LQ_CHANGE_UPSERT;
	lq_binding_key_v4(&bd->key, &addr);
	bd->type = LQ_LEASE_V4;
	bd->state = state;
	if (hw != 0) {
		macs[hw][0] = 2;
		macs[hw][5] = hw;
		bd->htype = 1;
		bd->hwaddr = (lq_bytes){ macs[hw], 6 };
	}
	bd->cltt = NOW - cltt_ago;
	bd->expire = expire_in == 0 ? INT64_MAX : NOW + expire_in;
	bd->valid_lifetime = expire_in == 0 ? 0xffffffffu : 3600;
	if (d == 10) {
		bd->client_id = (lq_bytes){ cid, sizeof(cid) };
		bd->relay_info = (lq_bytes){ relay, sizeof(relay) };
		bd->vendor_class = (lq_bytes){ (const uint8_t *)"lq-fuzz", 7 };
		bd->hostname = (lq_bytes){ (const uint8_t *)"host10", 6 };
	}
	if (hw == 0)
		bd->client_id = (lq_bytes){ cid_only, sizeof(cid_only) };
	if (lq_store_apply(store, &ch, 1, NOW - 5000, NULL) != LQ_STORE_OK)
		abort();
}

static void init(void)
{
	char err[256];

	if (lq_fixture_store_open(dir, "/tmp/lq-fuzz-answer4-XXXXXX", NULL, &store) != 0)
		abort();
	atexit(cleanup);
	add(10, 0, 0, 10, 0x0a, LQ_STATE_ACTIVE, 100, 3500);
	add(10, 0, 0, 11, 0x0b, LQ_STATE_ACTIVE, 50, 3550);
	add(10, 0, 0, 12, 0x0b, LQ_STATE_ACTIVE, 900, 2700);
	add(10, 0, 0, 14, 0x0b, LQ_STATE_ACTIVE, 2000, 1600);
	add(10, 0, 0, 15, 0x0b, LQ_STATE_EXPIRED, 10, 3590);
	add(10, 0, 0, 16, 0x0b, LQ_STATE_ACTIVE, 1, -5);
	add(10, 0, 0, 13, 0x0d, LQ_STATE_RELEASED, 10, -10);
	add(10, 0, 0, 20, 0, LQ_STATE_ACTIVE, 30, 3570);
	add(10, 0, 0, 23, 0x23, LQ_STATE_ACTIVE, 30, 0);
	add(172, 16, 0, 5, 0x05, LQ_STATE_ACTIVE, 60, 600);
	for (uint8_t i = 1; i <= 40; i++)
		add(10, 2, 0, i, 0x99, LQ_STATE_ACTIVE, 1000 + i, 3000);
	if (lq_config_parse(config_text, strlen(config_text), NULL, &cfg, err, sizeof(err)) != 0)
		abort();
	if (lq_store_read_begin(store, &reader) != LQ_STORE_OK)
		abort();
}

/* The limit RFC 2131 and the query's option 57 put on the reply. */
static size_t size_limit(const struct lq4_msg *q)
{
	size_t datagram = 576;

	if (q->has_max_msg_size && q->max_msg_size > 576)
		datagram = q->max_msg_size;
	return datagram - 28;
}

static void check(const uint8_t *data, size_t size, const struct lq_query_peer *peer, size_t cap)
{
	struct lq_query_env env = { .config = &cfg, .now = NOW };
	struct lq_query_result res;
	int rc = lq4_query_answer(&env, reader, data, size, peer, out, cap, &res);

	if (rc < 0) {
		if (cap >= 300 || res.verdict != LQ_QUERY_DROP)
			abort();    /* only a buffer too small for any reply */
		return;
	}
	if (res.verdict == LQ_QUERY_DROP) {
		if (res.reason == NULL || res.len != 0)
			abort();
		return;
	}
	if (res.verdict != LQ_QUERY_REPLY || res.len > cap || res.reason != NULL)
		abort();
	/* the query decoded, or there would be no reply */
	if (lq4_decode(data, size, &query, NULL) != LQ_OK || res.len > size_limit(&query))
		abort();
	if (lq4_decode(out, res.len, &reply, NULL) != LQ_OK)
		abort();
	if (reply.op != LQ4_BOOTREPLY || reply.xid != query.xid || reply.msg_type != res.reply_type ||
	    memcmp(reply.giaddr.b, query.giaddr.b, 4) != 0 || !reply.has_server_id)
		abort();
	if (res.dest.family != 4 || memcmp(res.dest.addr, query.giaddr.b, 4) != 0 ||
	    (res.dest.port != 67 && res.dest.port != peer->port))
		abort();
	switch (res.reply_type) {
	case LQ4_LEASEACTIVE:
		if (res.bindings != 1)
			abort();
		break;
	case LQ4_LEASEUNASSIGNED:
	case LQ4_LEASEUNKNOWN:
		if (reply.n_options != 2)
			abort();    /* only 53 and 54 (RFC 4388 6.4) */
		break;
	default:
		abort();
	}
	if (lq4_find_option(&reply, LQ4_OPT_HOSTNAME) != NULL)
		abort();            /* sensitive */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lq_query_peer peer;

	if (store == NULL)
		init();
	memset(&peer, 0, sizeof(peer));
	peer.family = 4;
	peer.addr[0] = 192;
	peer.addr[2] = 2;
	peer.addr[3] = 50;
	peer.port = size % 2 ? 10067 : 67;
	check(data, size, &peer, sizeof(out));
	check(data, size, &peer, 300);
	check(data, size, &peer, 200);
	return 0;
}
