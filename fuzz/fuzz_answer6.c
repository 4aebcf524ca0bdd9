/* fuzz_answer6.c - libFuzzer target for the DHCPv6 single-query engine
 * (RFC 5007): a small LMDB store (addresses, a delegated prefix, a client on
 * two links, relay information) and a configuration are set up once; each
 * input is one received datagram. The first octet picks who sent it (a
 * requestor, a relay, one that is refused, one limited to some query types),
 * whether it came by multicast, the refused-queries mode and a short output
 * buffer; the rest is the UDP payload. Checks: a reply decodes, is a
 * LEASEQUERY-REPLY (inside RELAY-REPLs as reported), carries the status and
 * bindings reported, fits the buffer and goes back to the sender. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lq/dhcp6.h"
#include "lq/query.h"
#include "../tests/tools/store_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 2000000000

static const char config_text[] =
	"{\"server-duid\": \"00:02:00:00:00:09:0a:0b:0c:0d\","
	" \"subnets6\": ["
	"  {\"subnet\": \"2001:db8:1::/64\", \"id\": 1,"
	"   \"pools\": [\"2001:db8:1::100 - 2001:db8:1::ffff\"],"
	"   \"pd-pools\": [{\"prefix\": \"2001:db8:8000::/40\", \"delegated-len\": 56}]},"
	"  {\"subnet\": \"2001:db8:2::/64\", \"id\": 2,"
	"   \"pools\": [\"2001:db8:2::100 - 2001:db8:2::ffff\"]}],"
	" \"requesters\": [\"::1/128\", \"2001:db8:ffff::/48\","
	"  {\"prefix\": \"2001:db8:fffe::/48\", \"query-types\": [\"by-address\"]}],"
	" \"sensitive-options\": {\"dhcp6\": [79, 38]}}";

static const uint8_t duid_a[] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 0x0a};
static const uint8_t duid_b[] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 0x0b};
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
				 const char *link, int64_t cltt)
{
	struct lq_binding b;
	lq_ip6 a = ip(addr);

	memset(&b, 0, sizeof(b));
	lq_binding_key_v6(&b.key, &a, plen);
	b.type = type;
	b.state = LQ_STATE_ACTIVE;
	b.client_id = (lq_bytes){duid, 10};
	b.cltt = cltt;
	b.valid_lifetime = 3600;
	b.preferred_lifetime = 1800;
	b.expire = cltt + 3600;
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
	lq6w_option(&w, LQ6_OPT_SUBSCRIBER_ID, "sub-a", 5);
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
		fprintf(stderr, "fuzz_answer6: config: %s\n", err);
		abort();
	}
}

static void setup(void)
{
	struct lq_store_options o = {.map_size = (size_t)64 << 20, .no_sync = true};
	struct lq_binding_change c[5];
	char drop_text[sizeof(config_text) + 32];

	snprintf(dir, sizeof(dir), "%s", "/tmp/lq-fuzz-answer6-XXXXXX");
	if (mkdtemp(dir) == NULL || lq_store_open(&store, dir, &o) != LQ_STORE_OK)
		abort();
	build_relay_info();
	memset(c, 0, sizeof(c));
	c[0].binding = binding(LQ_LEASE_NA, "2001:db8:1::101", 128, duid_a, "2001:db8:1::1", NOW - 100);
	c[0].binding.relay_info = (lq_bytes){relay_a, relay_a_len};
	c[0].binding.relay_peer = ip("fe80::a");
	c[0].binding.htype = 1;
	c[0].binding.hwaddr = (lq_bytes){hw_a, sizeof(hw_a)};
	c[0].binding.hostname = (lq_bytes){(const uint8_t *)"host-a.example.com", 18};
	c[1].binding = binding(LQ_LEASE_PD, "2001:db8:8000:100::", 56, duid_a, "2001:db8:1::1", NOW - 50);
	c[2].binding = binding(LQ_LEASE_NA, "2001:db8:1::102", 128, duid_a, "2001:db8:1::1", NOW - 4000);
	c[3].binding = binding(LQ_LEASE_NA, "2001:db8:1::201", 128, duid_b, "2001:db8:1::1", NOW - 10);
	c[4].binding = binding(LQ_LEASE_NA, "2001:db8:2::201", 128, duid_b, "2001:db8:2::1", NOW - 20);
	for (size_t i = 0; i < 5; i++)
		c[i].op = LQ_CHANGE_UPSERT;
	if (lq_store_apply(store, c, 5, NOW - 1, NULL) != LQ_STORE_OK)
		abort();
	parse(config_text, &cfg);
	snprintf(drop_text, sizeof(drop_text), "%.*s, \"refused-queries\": \"drop\"}",
		 (int)(sizeof(config_text) - 2), config_text);
	parse(drop_text, &cfg_drop);
	if (lq_store_read_begin(store, &reader) != LQ_STORE_OK)
		abort();
	atexit(cleanup);
}

/* The reply as the result describes it. */
static void check_reply(const struct lq_query_result *res, const uint8_t *out, size_t cap)
{
	struct lq6_msg m;

	if (res->len == 0 || res->len > cap || lq6_decode(out, res->len, &m, NULL) != LQ_OK)
		abort();
	if (m.type != res->reply_type)
		abort();
	while (m.type == LQ6_RELAY_REPL)
		if (lq6_decode_inner(m.relay_msg, &m, NULL) != LQ_OK)
			abort();
	if (m.type != LQ6_LEASEQUERY_REPLY || m.server_id.data == NULL || m.client_id.data == NULL)
		abort();
	if ((m.status.present ? m.status.code : 0) != res->status)
		abort();
	if (m.status.present && (res->status == 0 || m.client_data.present))
		abort();
	if (res->bindings != (uint32_t)m.client_data.n_addresses + m.client_data.n_prefixes)
		abort();
	if (m.client_data.present && m.client_link.data != NULL)
		abort();
	if (res->refused && res->status != LQ6_STATUS_NOT_ALLOWED)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[LQ_QUERY_MAX_REPLY];
	struct lq_query_peer peer;
	struct lq_query_result res;
	struct lq_query_env env;
	lq_ip6 from;
	size_t cap;
	uint8_t flags;
	int rc;

	if (store == NULL)
		setup();
	if (size < 1)
		return 0;
	flags = data[0];
	memset(&peer, 0, sizeof(peer));
	peer.family = 6;
	from = ip(peers[(flags >> 1) & 3]);
	memcpy(peer.addr, from.b, 16);
	peer.port = 547;
	peer.multicast = (flags & 1) != 0;
	env.config = (flags & 8) != 0 ? &cfg_drop : &cfg;
	env.now = NOW;
	cap = (flags & 16) != 0 ? 200 : sizeof(out);

	rc = lq6_query_answer(&env, reader, data + 1, size - 1, &peer, out, cap, &res);
	if (rc < 0) {
		if (cap == sizeof(out))
			abort();        /* a full-size buffer always holds the reply */
		return 0;
	}
	if (rc != 0)
		abort();
	if (res.verdict == LQ_QUERY_DROP) {
		if (res.reason == NULL)
			abort();
		return 0;
	}
	if (res.verdict != LQ_QUERY_REPLY || res.dest.family != peer.family ||
	    memcmp(res.dest.addr, peer.addr, 16) != 0 || res.dest.port != peer.port ||
	    res.dest.multicast != peer.multicast)
		abort();
	check_reply(&res, out, cap);
	return 0;
}
