/* fuzz_bulk6.c - libFuzzer target for DHCPv6 bulk leasequery (RFC 5460,
 * RFC 7653 section 5): a small LMDB store (addresses and prefixes of
 * clients on two configured links and one unconfigured, a client whose
 * bindings each come from a different pass of a link query, a binding
 * without a DUID, released and expired ones, relay-ids and remote-ids, two
 * batches at different times) and a configuration are set up once; each
 * input is one TCP frame's message. The first octet picks the requestor
 * (allowed, refused, limited to some query types), the refused-queries
 * mode, and after how many messages the query is terminated (0: never);
 * the rest is the message. The query is opened and up to 64 messages
 * drained. Checks: a running query's every message decodes, carries the
 * query's xid, is a LEASEQUERY-REPLY first (with our server-id) and a
 * LEASEQUERY-DATA or LEASEQUERY-DONE after, ends as the progress says, and
 * a query that is not run says why. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lq/bulk.h"
#include "lq/dhcp6.h"
#include "../tests/tools/store_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 2000000000
#define MAX_MESSAGES 64

static const char config_text[] =
	"{\"server-duid\": \"00:02:00:00:00:09:0a:0b:0c:0d\","
	" \"subnets6\": ["
	"  {\"subnet\": \"2001:db8:1::/64\", \"id\": 1,"
	"   \"pools\": [\"2001:db8:1::100 - 2001:db8:1::ffff\"],"
	"   \"pd-pools\": [{\"prefix\": \"2001:db8:8000::/40\", \"delegated-len\": 56}]},"
	"  {\"subnet\": \"2001:db8:2::/64\", \"id\": 2,"
	"   \"pools\": [\"2001:db8:2::100 - 2001:db8:2::ffff\"]}],"
	" \"requesters\": [\"::1/128\", \"2001:db8:ffff::/48\","
	"  {\"prefix\": \"2001:db8:fffe::/48\", \"query-types\": [\"by-address\", \"by-relay-id\"]}],"
	" \"sensitive-options\": {\"dhcp6\": [79]}}";

#define DUID(c) {0, 3, 0, 1, 2, 0, 0, 0, 0, c}
static const uint8_t duid_a[] = DUID(0x0a), duid_b[] = DUID(0x0b), duid_c[] = DUID(0x0c);
static const uint8_t duid_e[] = DUID(0x0e), duid_f[] = DUID(0x0f);
static const uint8_t duid_server[] = {0, 2, 0, 0, 0, 9, 0x0a, 0x0b, 0x0c, 0x0d};
static const uint8_t relay1[] = {0, 3, 0, 1, 2, 0, 0, 0, 0x0e, 0x01};
static const uint8_t remote_a[] = {0, 0, 0, 9, 'c', 'p', 'e', '-', 'a'};
static const uint8_t hw_a[] = {2, 0, 0, 0, 0, 0x0a};
static const char *const peers[] = {"::1", "2001:db8:ffff::1", "2001:db8:dead::1",
				    "2001:db8:fffe::9"};

static char dir[64];
static struct lq_store *store;
static struct lq_store_reader *reader;
static struct lq_config cfg, cfg_drop;
static uint8_t relay_a[128];
static size_t relay_a_len;

static lq_ip6 ip(const char *text)
{
	lq_ip6 a;

	if (inet_pton(AF_INET6, text, a.b) != 1)
		abort();
	return a;
}

static struct lq_binding binding(uint8_t type, const char *addr, uint8_t plen, const uint8_t *duid,
				 const char *link)
{
	struct lq_binding b;
	lq_ip6 a = ip(addr);

	memset(&b, 0, sizeof(b));
	lq_binding_key_v6(&b.key, &a, plen);
	b.type = type;
	b.state = LQ_STATE_ACTIVE;
	if (duid != NULL)
		b.client_id = (lq_bytes){duid, 10};
	b.cltt = NOW - 100;
	b.valid_lifetime = 3600;
	b.preferred_lifetime = 1800;
	b.expire = NOW + 3500;
	if (link != NULL)
		b.link_address = ip(link);
	return b;
}

static void build_relay_info(void)
{
	struct lq6_writer w;
	lq_ip6 link = ip("2001:db8:1::1"), peer = ip("fe80::a");

	lq6w_init(&w, relay_a, sizeof(relay_a));
	lq6w_relay_header(&w, LQ6_RELAY_FORW, 0, &link, &peer);
	lq6w_option(&w, LQ6_OPT_INTERFACE_ID, "eth0", 4);
	lq6w_option(&w, LQ6_OPT_RELAY_ID, relay1, sizeof(relay1));
	lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	lq6w_header(&w, LQ6_REQUEST, 0x1234);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_a, sizeof(duid_a));
	lq6w_close(&w);
	if (lq6w_finish(&w, &relay_a_len) != LQ_OK)
		abort();
}

static void cleanup(void)
{
	lq_store_read_end(reader);
	lq_store_close(store);
	lq_config_free(&cfg);
	lq_config_free(&cfg_drop);
	lq_fixture_remove_dir(dir);
}

static void parse(const char *text, struct lq_config *out)
{
	char err[256];

	if (lq_config_parse(text, strlen(text), NULL, out, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_bulk6: config: %s\n", err);
		abort();
	}
}

static void apply(struct lq_binding_change *c, size_t n, int64_t when)
{
	for (size_t i = 0; i < n; i++)
		c[i].op = LQ_CHANGE_UPSERT;
	if (lq_store_apply(store, c, n, when, NULL) != LQ_STORE_OK)
		abort();
}

static void setup(void)
{
	struct lq_store_options o = {.map_size = (size_t)64 << 20, .no_sync = true};
	struct lq_binding_change c[12];
	char drop_text[sizeof(config_text) + 32];
	size_t n = 0;

	snprintf(dir, sizeof(dir), "%s", "/tmp/lq-fuzz-bulk6-XXXXXX");
	if (mkdtemp(dir) == NULL || lq_store_open(&store, dir, &o) != LQ_STORE_OK)
		abort();
	build_relay_info();
	memset(c, 0, sizeof(c));
	c[n].binding = binding(LQ_LEASE_NA, "2001:db8:1::101", 128, duid_a, "2001:db8:1::1");
	c[n].binding.relay_info = (lq_bytes){relay_a, relay_a_len};
	c[n].binding.relay_peer = ip("fe80::a");
	c[n].binding.relay_id = (lq_bytes){relay1, sizeof(relay1)};
	c[n].binding.remote_id = (lq_bytes){remote_a, sizeof(remote_a)};
	c[n].binding.htype = 1;
	c[n].binding.hwaddr = (lq_bytes){hw_a, sizeof(hw_a)};
	c[n++].binding.hostname = (lq_bytes){(const uint8_t *)"host-a.example.com", 18};
	c[n].binding = binding(LQ_LEASE_NA, "2001:db8:1::102", 128, duid_a, "2001:db8:1::1");
	c[n++].binding.expire = NOW - 10;
	c[n++].binding = binding(LQ_LEASE_NA, "2001:db8:1::201", 128, duid_b, "2001:db8:1::1");
	c[n].binding = binding(LQ_LEASE_NA, "2001:db8:2::201", 128, duid_b, "2001:db8:2::1");
	c[n++].binding.remote_id = (lq_bytes){remote_a, sizeof(remote_a)};
	c[n++].binding = binding(LQ_LEASE_NA, "2001:db8:1::180", 128, duid_c, "2001:db8:1::1");
	c[n++].binding = binding(LQ_LEASE_NA, "2001:db8:1::150", 128, duid_c, NULL);
	c[n++].binding = binding(LQ_LEASE_PD, "2001:db8:8000:f00::", 56, duid_c, NULL);
	c[n].binding = binding(LQ_LEASE_NA, "2001:db8:9::1", 128, duid_c, NULL);
	c[n++].binding.subnet_id = 1;
	c[n].binding = binding(LQ_LEASE_NA, "2001:db8:1::301", 128, NULL, "2001:db8:1::1");
	c[n++].binding.relay_id = (lq_bytes){relay1, sizeof(relay1)};
	c[n++].binding = binding(LQ_LEASE_NA, "2001:db8:5::10", 128, duid_f, "2001:db8:5::1");
	apply(c, n, NOW - 1000);
	memset(c, 0, sizeof(c));
	n = 0;
	c[n].binding = binding(LQ_LEASE_PD, "2001:db8:8000:100::", 56, duid_a, "2001:db8:1::1");
	c[n++].binding.relay_id = (lq_bytes){relay1, sizeof(relay1)};
	c[n].binding = binding(LQ_LEASE_NA, "2001:db8:1::401", 128, duid_e, "2001:db8:1::1");
	c[n++].binding.state = LQ_STATE_RELEASED;
	apply(c, n, NOW - 500);

	parse(config_text, &cfg);
	snprintf(drop_text, sizeof(drop_text), "%.*s, \"refused-queries\": \"drop\"}",
		 (int)(sizeof(config_text) - 2), config_text);
	parse(drop_text, &cfg_drop);
	if (lq_store_read_begin(store, &reader) != LQ_STORE_OK)
		abort();
	atexit(cleanup);
}

/* One message of a running query: decodes, is of the query, in its place. */
static void check_message(const uint8_t *out, size_t len, size_t index, uint32_t xid,
			  bool terminated, const struct lq_bulk_progress *p)
{
	struct lq6_msg m;

	if (len < 4 || len > LQ_BULK_MSG_MAX || lq6_decode(out, len, &m, NULL) != LQ_OK)
		abort();
	if (m.xid != xid || p->messages != index + 1)
		abort();
	if (index == 0) {
		if (m.type != LQ6_LEASEQUERY_REPLY || m.server_id.len != sizeof(duid_server) ||
		    memcmp(m.server_id.data, duid_server, sizeof(duid_server)) != 0)
			abort();
	} else if (m.type != LQ6_LEASEQUERY_DATA && m.type != LQ6_LEASEQUERY_DONE) {
		abort();
	}
	if (m.type == LQ6_LEASEQUERY_DATA && (!m.client_data.present || m.status.present || p->finished))
		abort();
	if (m.type == LQ6_LEASEQUERY_DONE && (!p->finished || m.client_data.present))
		abort();
	if (m.status.present && (m.client_data.present || !p->finished || p->status != m.status.code))
		abort();
	if (terminated && (!p->finished || p->status != LQ6_STATUS_QUERY_TERMINATED))
		abort();
	if (m.client_data.present && m.client_data.n_addresses + m.client_data.n_prefixes == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[LQ_BULK_MSG_MAX];
	struct lq_query_peer peer;
	struct lq_query_env env;
	struct lq_bulk_opened opened;
	struct lq_bulk_progress p;
	struct lq_bulk_query *q = NULL;
	size_t len, stop_after;
	lq_ip6 from;
	uint8_t flags;
	int rc;

	if (store == NULL)
		setup();
	if (size < 1)
		return 0;
	flags = data[0];
	memset(&peer, 0, sizeof(peer));
	peer.family = 6;
	from = ip(peers[flags & 3]);
	memcpy(peer.addr, from.b, 16);
	peer.port = 40000;
	env.config = (flags & 4) != 0 ? &cfg_drop : &cfg;
	env.now = NOW;
	stop_after = (flags >> 3) & 7;

	rc = lq_bulk_open(&env, reader, 6, data + 1, size - 1, &peer, &q, &opened);
	if (rc != 0)
		abort();
	if (opened.action != LQ_BULK_RUN) {
		if (q != NULL || opened.reason == NULL)
			abort();
		return 0;
	}
	if (q == NULL || (opened.refused && opened.status != LQ6_STATUS_NOT_ALLOWED))
		abort();
	for (size_t i = 0; i < MAX_MESSAGES; i++) {
		bool terminate = stop_after != 0 && i == stop_after;

		if (terminate)
			rc = lq_bulk_terminate(q, NOW + (int64_t)i, "stop", out, sizeof(out), &len);
		else
			rc = lq_bulk_next(q, NOW + (int64_t)i, out, sizeof(out), &len);
		lq_bulk_progress(q, &p);
		if (rc == 0) {
			if (!p.finished || p.messages != i)
				abort();
			break;
		}
		if (rc != 1)
			abort();
		check_message(out, len, i, opened.xid, terminate, &p);
		if (i == 0 && opened.status != 0 && (!p.finished || p.status != opened.status))
			abort();
	}
	lq_bulk_progress(q, &p);
	if (!p.finished) {
		if (lq_bulk_terminate(q, NOW, "enough", out, sizeof(out), &len) != 1)
			abort();
		lq_bulk_progress(q, &p);
		check_message(out, len, (size_t)p.messages - 1, opened.xid, true, &p);
	}
	lq_bulk_close(q);
	return 0;
}
