/* fuzz_bulk4.c - libFuzzer target for the DHCPv4 bulk leasequery engine
 * (RFC 6926): every input is one TCP frame's message received from a
 * requestor, opened with lq_bulk_open against a small LMDB store built once
 * (clients with one and several addresses, relay agent information with
 * remote-id and relay-id, bindings in VPNs, released and expired ones, one
 * outside every subnet) and a configuration with pools, a whole subnet and a
 * sensitive option. A running query is drained for up to MAX_MSGS messages,
 * then terminated when it has not finished. What must hold: open says why
 * it closes; a running query has an xid; every message decodes, is a
 * BOOTREPLY with the query's xid, is DHCPLEASEACTIVE, DHCPLEASEUNASSIGNED or
 * (last) DHCPLEASEQUERYDONE, has option 54 only when first, never
 * associated-ip (92) nor the sensitive host name (12), and fits a frame. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lq/bulk.h"
#include "lq/config.h"
#include "lq/dhcp4.h"
#include "lq/store.h"
#include "../tests/tools/store_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1700000000
#define MAX_MSGS 64

static const char config_text[] =
	"{\"server-id\": \"192.0.2.1\","
	" \"subnets4\": [{\"subnet\": \"10.0.0.0/24\", \"pools\": [\"10.0.0.10 - 10.0.0.40\"]},"
	"               {\"subnet\": \"10.1.0.0/29\"}],"
	" \"requesters\": [\"192.0.2.0/24\", {\"prefix\": \"198.51.100.0/24\", \"query-types\": [\"by-mac\"]}],"
	" \"sensitive-options\": {\"dhcp4\": [12]}}";

static char dir[64];
static struct lq_store *store;
static struct lq_store_reader *reader;
static struct lq_config cfg;
static struct lq4_msg query, reply;
static uint8_t out[LQ_BULK_MSG_MAX];

static const uint8_t relay[] = { 1, 4, 'e', 't', 'h', '0', 2, 6, 'c', 'p', 'e', '0', '0', '1',
				 12, 4, 'r', 'l', 'y', '1' };
static const uint8_t cid[] = { 1, 2, 0, 0, 0, 0, 0x0a };
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

static void add(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t hw, uint8_t state,
		int64_t expire_in, int64_t changed_ago, bool in_vpn)
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
	macs[hw][0] = 2;
	macs[hw][5] = hw;
	bd->htype = 1;
	bd->hwaddr = (lq_bytes){ macs[hw], 6 };
	bd->cltt = NOW - 100;
	bd->state_since = NOW - 200;
	bd->expire = expire_in == 0 ? INT64_MAX : NOW + expire_in;
	bd->valid_lifetime = expire_in == 0 ? 0xffffffffu : 3600;
	bd->data_source_remote = d % 3 == 0;
	if (d % 2 == 0) {
		bd->client_id = (lq_bytes){ cid, sizeof(cid) };
		bd->relay_info = (lq_bytes){ relay, sizeof(relay) };
		bd->vendor_class = (lq_bytes){ (const uint8_t *)"lq-fuzz", 7 };
		bd->hostname = (lq_bytes){ (const uint8_t *)"host", 4 };
		if (lq_binding_fill_relay_ids(bd) != LQ_OK)
			abort();
	}
	if (in_vpn) {
		bd->has_vpn = true;
		bd->vpn_type = 0;
		bd->vpn_id = (lq_bytes){ vpn, sizeof(vpn) };
	}
	if (lq_store_apply(store, &ch, 1, NOW - changed_ago, NULL) != LQ_STORE_OK)
		abort();
}

static void init(void)
{
	char err[256];

	if (lq_fixture_store_open(dir, "/tmp/lq-fuzz-bulk4-XXXXXX", NULL, &store) != 0)
		abort();
	atexit(cleanup);
	add(10, 0, 0, 10, 0x0a, LQ_STATE_ACTIVE, 3500, 5000, false);
	add(10, 0, 0, 11, 0x0b, LQ_STATE_ACTIVE, 3550, 5000, false);
	add(10, 0, 0, 12, 0x0b, LQ_STATE_RELEASED, -10, 1000, false);
	add(10, 0, 0, 13, 0x0b, LQ_STATE_ACTIVE, -5, 5000, false);
	add(10, 0, 0, 14, 0x0c, LQ_STATE_ACTIVE, 3000, 500, true);
	add(10, 0, 0, 16, 0x0a, LQ_STATE_ACTIVE, 0, 500, false);
	add(10, 0, 0, 50, 0x0e, LQ_STATE_EXPIRED, -100, 5000, false);
	add(10, 1, 0, 2, 0x0a, LQ_STATE_ACTIVE, 3000, 5000, false);
	add(172, 16, 0, 5, 0x0f, LQ_STATE_ACTIVE, 600, 100, true);
	add(172, 16, 0, 6, 0x10, LQ_STATE_ABANDONED, 600, 100, false);
	if (lq_config_parse(config_text, strlen(config_text), NULL, &cfg, err, sizeof(err)) != 0)
		abort();
	if (lq_store_read_begin(store, &reader) != LQ_STORE_OK)
		abort();
}

/* One message of a running query: it must be what RFC 6926 allows. */
static void check_message(size_t len, unsigned i, bool done_expected)
{
	if (len < LQ4_MIN_LEN || len > LQ_BULK_MSG_MAX)
		abort();
	if (lq4_decode(out, len, &reply, NULL) != LQ_OK)
		abort();
	if (reply.op != LQ4_BOOTREPLY || reply.xid != query.xid || reply.has_server_id != (i == 0))
		abort();
	if (lq4_find_option(&reply, LQ4_OPT_ASSOCIATED_IP) != NULL ||
	    lq4_find_option(&reply, LQ4_OPT_HOSTNAME) != NULL)
		abort();
	if (done_expected && reply.msg_type != LQ4_LEASEQUERYDONE)
		abort();
	if (reply.msg_type != LQ4_LEASEACTIVE && reply.msg_type != LQ4_LEASEUNASSIGNED &&
	    reply.msg_type != LQ4_LEASEQUERYDONE)
		abort();
}

static void run(const uint8_t *data, size_t size, const struct lq_query_peer *peer)
{
	struct lq_query_env env = { .config = &cfg, .now = NOW };
	struct lq_bulk_query *q = NULL;
	struct lq_bulk_opened opened;
	struct lq_bulk_progress p;
	size_t len = 0;
	unsigned i;
	int rc = lq_bulk_open(&env, reader, 4, data, size, peer, &q, &opened);

	if (rc != 0)
		abort();        /* no store failure is possible here */
	if (opened.action != LQ_BULK_RUN) {
		if (q != NULL || (opened.action == LQ_BULK_CLOSE && opened.reason == NULL))
			abort();
		return;
	}
	if (q == NULL || lq4_decode(data, size, &query, NULL) != LQ_OK ||
	    query.msg_type != LQ4_BULKLEASEQUERY || opened.xid != query.xid)
		abort();
	for (i = 0; i < MAX_MSGS; i++) {
		rc = lq_bulk_next(q, NOW + 1, out, sizeof(out), &len);
		if (rc == 0)
			break;
		if (rc != 1)
			abort();
		check_message(len, i, false);
		lq_bulk_progress(q, &p);
		if (p.messages != i + 1 || p.finished != (reply.msg_type == LQ4_LEASEQUERYDONE))
			abort();
	}
	lq_bulk_progress(q, &p);
	if (!p.finished) {
		if (lq_bulk_terminate(q, NOW + 2, "fuzz", out, sizeof(out), &len) != 1)
			abort();
		check_message(len, i, true);
	} else if (rc != 0 && lq_bulk_next(q, NOW + 1, out, sizeof(out), &len) != 0) {
		abort();
	}
	lq_bulk_close(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lq_query_peer peer;

	if (store == NULL)
		init();
	memset(&peer, 0, sizeof(peer));
	peer.family = 4;
	peer.addr[0] = size % 3 == 0 ? 198 : 192;
	peer.addr[1] = size % 3 == 0 ? 51 : 0;
	peer.addr[2] = size % 3 == 0 ? 100 : 2;
	peer.addr[3] = 50;
	peer.port = 40000;
	run(data, size, &peer);
	return 0;
}
