/* test_lq_bulk.c - the requestor side of bulk leasequery (`lq bulk`): the
 * DHCPBULKLEASEQUERY of every primary query (RFC 6926 7.2) and the DHCPv6
 * LEASEQUERY of every query type for TCP (RFC 5460 5.2, RFC 7653 5),
 * checked field by field with the wire decoders; the reading of crafted
 * reply streams (demultiplexing by xid, the server-id of a query's first
 * reply applied to the following ones, DHCPLEASEQUERYDONE and
 * LEASEQUERY-DONE, a LEASEQUERY-REPLY that ends its query, error
 * statuses), the messages that must close the connection (an xid matching
 * no query, RFC 6926 7.3; messages out of order; truncated or garbage
 * messages), each refused with a reason; and the stream fields and
 * summary in text and JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "../../src/lq/answer.h"
#include "../../src/lq/bulk4.h"
#include "../../src/lq/bulk6.h"
#include "../../src/lq/output.h"
#include "lq/lqtime.h"
#include "lq_test_util.h"

/* ---------------------------------------------------------------- helpers */

static const uint8_t mac[] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t remote_id6[] = {0x00, 0x00, 0x09, 0xbf, 'c', 'p', 'e', '1'};

/* ------------------------------------------------- DHCPv4 queries */

/* Decode a built query and check what every DHCPBULKLEASEQUERY shares:
 * BOOTREQUEST, message type 14, the xid, ciaddr/yiaddr/siaddr/giaddr zero
 * (RFC 6926 8.2: MalformedQuery otherwise), no padding over TCP. */
static struct lq4_msg *decode_query4(const uint8_t *out, size_t len, uint32_t xid)
{
	struct lq4_msg *m = new_msg4();
	static const uint8_t zero4[4];

	assert_int_equal(lq4_decode(out, len, m, NULL), LQ_OK);
	assert_int_equal(m->op, LQ4_BOOTREQUEST);
	assert_int_equal(m->msg_type, LQ4_BULKLEASEQUERY);
	assert_int_equal(m->xid, xid);
	assert_memory_equal(m->ciaddr.b, zero4, 4);
	assert_memory_equal(m->yiaddr.b, zero4, 4);
	assert_memory_equal(m->siaddr.b, zero4, 4);
	assert_memory_equal(m->giaddr.b, zero4, 4);
	assert_false(m->has_server_id);
	assert_null(m->associated_ip.data);
	assert_true(len < 300);
	return m;
}

static void test_build4_all_addresses(void **state)
{
	struct lq4_bulk_request q = {0};
	uint8_t out[LQ4_BULK_QUERY_MAX_LEN];
	size_t len;
	struct lq4_msg *m;
	static const uint8_t zero16[16];
	/* the default PRL: the RFC 6926 7.2 SHOULD list and more */
	static const uint8_t prl[] = {51, 58, 59, 60, 61, 82, 91, 152, 153, 156, 157, 221};
	(void)state;

	q.by = LQ4_BULK_ALL;
	q.xid = 0xdeadbeef;
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_OK);
	/* 240 header + cookie; 53 (3), 55 (2 + 12), END (1) */
	assert_int_equal(len, 240 + 3 + 14 + 1);
	m = decode_query4(out, len, 0xdeadbeef);
	/* section 8.2: the absence of every primary query asks for all */
	assert_int_equal(m->htype, 0);
	assert_int_equal(m->hlen, 0);
	assert_memory_equal(m->chaddr, zero16, 16);
	assert_null(m->client_id.data);
	assert_false(m->has_relay_info);
	assert_bytes(m->prl, prl, sizeof(prl));
	assert_int_equal(lq4_bulk_default_prl_len, sizeof(prl));
	assert_false(m->has_query_start_time);
	assert_false(m->has_query_end_time);
	assert_false(m->vss.present);
	free(m);
}

static void test_build4_by_mac(void **state)
{
	struct lq4_bulk_request q = {0};
	uint8_t out[LQ4_BULK_QUERY_MAX_LEN];
	size_t len;
	struct lq4_msg *m;
	static const uint8_t prl[] = {51, 152};
	(void)state;

	q.by = LQ4_BULK_BY_MAC;
	q.xid = 1;
	q.htype = 1;
	q.hlen = 6;
	memcpy(q.chaddr, mac, 6);
	q.prl = (lq_bytes){prl, sizeof(prl)};
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_OK);
	m = decode_query4(out, len, 1);
	assert_int_equal(m->htype, 1);
	assert_int_equal(m->hlen, 6);
	assert_memory_equal(m->chaddr, mac, 6);
	assert_null(m->client_id.data);
	assert_false(m->has_relay_info);
	assert_bytes(m->prl, prl, sizeof(prl));
	free(m);
}

static void test_build4_by_client_id_with_times(void **state)
{
	struct lq4_bulk_request q = {0};
	uint8_t out[LQ4_BULK_QUERY_MAX_LEN];
	size_t len;
	struct lq4_msg *m;
	(void)state;

	q.by = LQ4_BULK_BY_CLIENT_ID;
	q.xid = 2;
	q.id = (lq_bytes){cid7, sizeof(cid7)};
	q.has_start_time = true;
	q.start_time = T_NOW - 3600;
	q.has_end_time = true;
	q.end_time = T_NOW;
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_OK);
	m = decode_query4(out, len, 2);
	assert_int_equal(m->hlen, 0);
	assert_bytes(m->client_id, cid7, sizeof(cid7));
	/* options 154 and 155: absolute, seconds since 1970 */
	assert_true(m->has_query_start_time);
	assert_int_equal(m->query_start_time, T_NOW - 3600);
	assert_true(m->has_query_end_time);
	assert_int_equal(m->query_end_time, T_NOW);
	free(m);
}

static void test_build4_by_remote_id_vpn(void **state)
{
	struct lq4_bulk_request q = {0};
	uint8_t out[LQ4_BULK_QUERY_MAX_LEN];
	size_t len;
	struct lq4_msg *m;
	static const uint8_t rid[] = {0xaa, 0xbb, 0xcc};
	(void)state;

	q.by = LQ4_BULK_BY_REMOTE_ID;
	q.xid = 3;
	q.id = (lq_bytes){rid, sizeof(rid)};
	q.has_vss = true;
	q.vss_type = LQ4_VSS_NVT_ASCII;
	q.vss_info = (lq_bytes){(const uint8_t *)"blue", 4};
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_OK);
	m = decode_query4(out, len, 3);
	/* option 82 with only sub-option 2 */
	assert_true(m->has_relay_info);
	assert_bytes(m->relay_info_raw, ((uint8_t[]){2, 3, 0xaa, 0xbb, 0xcc}), 5);
	assert_bytes(m->relay_info.remote_id, rid, sizeof(rid));
	assert_null(m->relay_info.relay_id.data);
	assert_null(m->client_id.data);
	assert_int_equal(m->hlen, 0);
	/* option 221: type 0, NVT ASCII */
	assert_true(m->vss.present);
	assert_int_equal(m->vss.type, 0);
	assert_bytes(m->vss.info, "blue", 4);
	free(m);
}

static void test_build4_by_relay_id_all_vpns(void **state)
{
	struct lq4_bulk_request q = {0};
	uint8_t out[LQ4_BULK_QUERY_MAX_LEN];
	size_t len;
	struct lq4_msg *m;
	static const uint8_t rid[] = {0x01, 0x02, 0x03, 0x04};
	(void)state;

	q.by = LQ4_BULK_BY_RELAY_ID;
	q.xid = 4;
	q.id = (lq_bytes){rid, sizeof(rid)};
	q.has_vss = true;
	q.vss_type = LQ4_VSS_ALL_VPNS;
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_OK);
	m = decode_query4(out, len, 4);
	/* option 82 sub-option 12 (RFC 6925) */
	assert_bytes(m->relay_info_raw, ((uint8_t[]){12, 4, 1, 2, 3, 4}), 6);
	assert_bytes(m->relay_info.relay_id, rid, sizeof(rid));
	assert_null(m->relay_info.remote_id.data);
	/* option 221 type 254, no information (RFC 6926 6.2.9) */
	assert_true(m->vss.present);
	assert_int_equal(m->vss.type, 254);
	assert_int_equal(m->vss.info.len, 0);
	free(m);
}

static void test_build4_bad_arguments(void **state)
{
	struct lq4_bulk_request q = {0};
	uint8_t out[LQ4_BULK_QUERY_MAX_LEN], big[256];
	size_t len;
	(void)state;

	memset(big, 0x42, sizeof(big));
	q.by = LQ4_BULK_BY_MAC;
	q.hlen = 17;
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_BAD_HLEN);
	q.hlen = 0;
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q.by = LQ4_BULK_BY_CLIENT_ID;
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q.by = LQ4_BULK_BY_REMOTE_ID;   /* a sub-option carries 255 octets at most */
	q.id = (lq_bytes){big, sizeof(big)};
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q.by = LQ4_BULK_BY_RELAY_ID;
	q.id = (lq_bytes){big, 0};
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q.by = (enum lq4_bulk_by)9;
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q.by = LQ4_BULK_ALL;
	assert_int_equal(lq4_bulk_build(&q, out, 100, &len), LQ_ERR_NO_SPACE);
	assert_int_equal(len, 0);
}

/* ------------------------------------------------- DHCPv6 queries */

static struct lq6_request request6(uint8_t type, uint32_t xid)
{
	struct lq6_request q = {0};

	q.type = type;
	q.xid = xid;
	q.requestor_duid = (lq_bytes){duid_req, sizeof(duid_req)};
	return q;
}

/* Build q, decode it, check what every LEASEQUERY over TCP shares: type
 * 14, the xid, our DUID, OPTION_LQ_QUERY of the type and link. */
static void build_decode6(const struct lq6_request *q, uint8_t *out, size_t cap, struct lq6_msg *m,
			  lq_ip6 link)
{
	size_t len;

	assert_int_equal(lq6_bulk_build(q, out, cap, &len), LQ_OK);
	assert_int_equal(lq6_decode(out, len, m, NULL), LQ_OK);
	assert_int_equal(m->type, LQ6_LEASEQUERY);
	assert_int_equal(m->xid, q->xid);
	assert_bytes(m->client_id, duid_req, sizeof(duid_req));
	assert_null(m->server_id.data);
	assert_true(m->query.present);
	assert_int_equal(m->query.type, q->type);
	assert_memory_equal(m->query.link_address.b, link.b, 16);
}

static void assert_oro(lq_bytes oro, const uint16_t *codes, size_t n)
{
	assert_int_equal(oro.len, 2 * n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(oro.data[2 * i] << 8 | oro.data[2 * i + 1], codes[i]);
}

static void test_build6_by_relay_id(void **state)
{
	struct lq6_request q = request6(LQ6_QUERY_BY_RELAY_ID, 0x010203);
	uint8_t out[LQ6_BULK_QUERY_MAX_LEN];
	struct lq6_msg m;
	static const uint16_t oro[] = {47, 100};
	static const lq_ip6 any;
	(void)state;

	q.relay_id = (lq_bytes){relay_id, sizeof(relay_id)};
	build_decode6(&q, out, sizeof(out), &m, any);
	/* RFC 5460 5.2: OPTION_RELAY_ID inside OPTION_LQ_QUERY */
	assert_bytes(m.query.relay_id, relay_id, sizeof(relay_id));
	assert_null(m.query.client_id.data);
	assert_false(m.query.remote_id.present);
	assert_false(m.query.has_iaaddr);
	/* the default ORO: relay data and base time */
	assert_oro(m.query.oro, oro, 2);
	assert_int_equal(lq6_bulk_default_oro_len, 2);
	assert_false(m.has_start_time);
	assert_false(m.has_end_time);
	assert_null(m.vss.data);
}

static void test_build6_by_link_with_times(void **state)
{
	struct lq6_request q = request6(LQ6_QUERY_BY_LINK_ADDRESS, 0xfffffe);
	uint8_t out[LQ6_BULK_QUERY_MAX_LEN];
	struct lq6_msg m;
	static const uint16_t oro[] = {79};
	(void)state;

	q.link_address = ip6_db8(1, 0);
	q.oro = oro;
	q.n_oro = 1;
	q.has_start_time = true;
	q.start_time = lq_time_to_v6(T_NOW - 60);
	q.has_end_time = true;
	q.end_time = lq_time_to_v6(T_NOW);
	build_decode6(&q, out, sizeof(out), &m, ip6_db8(1, 0));
	/* the link-address alone is the query */
	assert_null(m.query.relay_id.data);
	assert_null(m.query.client_id.data);
	assert_false(m.query.has_iaaddr);
	assert_oro(m.query.oro, oro, 1);
	/* RFC 7653: message-level times, seconds since 2000 */
	assert_true(m.has_start_time);
	assert_int_equal(m.start_time, T_NOW - 60 - LQ_EPOCH_2000);
	assert_true(m.has_end_time);
	assert_int_equal(m.end_time, T_NOW - LQ_EPOCH_2000);
}

static void test_build6_by_remote_id_vpn(void **state)
{
	struct lq6_request q = request6(LQ6_QUERY_BY_REMOTE_ID, 7);
	uint8_t out[LQ6_BULK_QUERY_MAX_LEN];
	struct lq6_msg m;
	static const uint8_t vss[] = {0, 'r', 'e', 'd'};
	static const uint16_t none[1];
	(void)state;

	q.link_address = ip6_db8(2, 0);         /* restricts the query to a link */
	q.remote_id = (lq_bytes){remote_id6, sizeof(remote_id6)};
	q.vss = (lq_bytes){vss, sizeof(vss)};
	q.oro = none;                           /* --oro none: no ORO at all */
	q.n_oro = 0;
	build_decode6(&q, out, sizeof(out), &m, ip6_db8(2, 0));
	/* RFC 4649: enterprise number, then the remote-id */
	assert_true(m.query.remote_id.present);
	assert_int_equal(m.query.remote_id.enterprise, 2495);
	assert_bytes(m.query.remote_id.id, "cpe1", 4);
	assert_null(m.query.oro.data);
	assert_bytes(m.vss, vss, sizeof(vss));
}

static void test_build6_by_client_id_and_address(void **state)
{
	struct lq6_request q = request6(LQ6_QUERY_BY_CLIENTID, 8);
	uint8_t out[LQ6_BULK_QUERY_MAX_LEN];
	struct lq6_msg m;
	lq_ip6 addr = ip6_db8(1, 0x100);
	static const lq_ip6 any;
	(void)state;

	q.client_id = (lq_bytes){duid_cli, sizeof(duid_cli)};
	build_decode6(&q, out, sizeof(out), &m, any);
	assert_bytes(m.query.client_id, duid_cli, sizeof(duid_cli));

	q = request6(LQ6_QUERY_BY_ADDRESS, 9);
	q.address = addr;
	build_decode6(&q, out, sizeof(out), &m, any);
	assert_true(m.query.has_iaaddr);
	assert_memory_equal(m.query.iaaddr.addr.b, addr.b, 16);
	assert_int_equal(m.query.iaaddr.preferred, 0);
	assert_int_equal(m.query.iaaddr.valid, 0);
}

static void test_build6_bad_arguments(void **state)
{
	struct lq6_request q = request6(LQ6_QUERY_BY_RELAY_ID, 1);
	uint8_t out[LQ6_BULK_QUERY_MAX_LEN];
	size_t len;
	(void)state;

	/* a query without its value */
	assert_int_equal(lq6_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q.type = LQ6_QUERY_BY_CLIENTID;
	assert_int_equal(lq6_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	/* a remote-id needs the enterprise number and at least one octet */
	q.type = LQ6_QUERY_BY_REMOTE_ID;
	q.remote_id = (lq_bytes){remote_id6, 4};
	assert_int_equal(lq6_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	/* an unknown query type */
	q = request6(6, 1);
	assert_int_equal(lq6_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	/* no DUID of ours; no relaying over TCP */
	q = request6(LQ6_QUERY_BY_LINK_ADDRESS, 1);
	q.requestor_duid = (lq_bytes){NULL, 0};
	assert_int_equal(lq6_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q = request6(LQ6_QUERY_BY_LINK_ADDRESS, 1);
	q.relay_port = true;
	assert_int_equal(lq6_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	/* too small a buffer */
	q.relay_port = false;
	assert_int_equal(lq6_bulk_build(&q, out, 20, &len), LQ_ERR_NO_SPACE);
	/* the UDP builder still refuses the TCP-only types */
	q.relay_id = (lq_bytes){relay_id, sizeof(relay_id)};
	q.type = LQ6_QUERY_BY_RELAY_ID;
	assert_int_equal(lq6_request_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq6_bulk_build(&q, out, sizeof(out), &len), LQ_OK);
}

/* ------------------------------------------------- DHCPv4 reply streams */

/* A reply of type for xid about 10.0.0.last (ciaddr). */
static size_t reply4(uint8_t *out, size_t cap, uint8_t type, uint32_t xid, uint8_t last,
		     void (*more)(struct lq4_msg *))
{
	struct lq4_msg *m = new_msg4();
	size_t len;

	lq4_msg_init(m, type, xid);
	if (type != LQ4_LEASEQUERYDONE) {
		m->ciaddr = ip4(10, 0, 0, last);
		memcpy(m->chaddr, mac, 6);
	} else {
		m->htype = 0;
		m->hlen = 0;
	}
	if (more != NULL)
		more(m);
	assert_int_equal(lq4_encode(m, out, cap, &len), LQ_OK);
	free(m);
	return len;
}

static void with_server_id(struct lq4_msg *m)
{
	m->has_server_id = true;
	m->server_id = ip4(192, 0, 2, 1);
}

/* A first DHCPLEASEACTIVE with all that bulk adds (RFC 6926 6.2). */
static void first_active(struct lq4_msg *m)
{
	with_server_id(m);
	m->has_lease_time = true;
	m->lease_time = 3000;
	m->has_clt_time = true;
	m->clt_time = 600;
	m->has_base_time = true;
	m->base_time = T_NOW - 5;
	m->has_start_time_of_state = true;
	m->start_time_of_state = 7200;
	m->has_dhcp_state = true;
	m->dhcp_state = LQ4_STATE_ACTIVE;
	m->has_data_source = true;
	m->data_source = LQ4_DATA_SOURCE_REMOTE;
	m->vss.present = true;
	m->vss.type = LQ4_VSS_NVT_ASCII;
	m->vss.info = (lq_bytes){(const uint8_t *)"blue", 4};
}

static void expired_state(struct lq4_msg *m)
{
	with_server_id(m);
	m->has_dhcp_state = true;
	m->dhcp_state = LQ4_STATE_EXPIRED;
}

static void not_allowed(struct lq4_msg *m)
{
	m->has_status = true;
	m->status_code = LQ4_STATUS_NOT_ALLOWED;
	m->status_text = (lq_bytes){(const uint8_t *)"by relay-id refused", 19};
}

static void success_text(struct lq4_msg *m)
{
	m->has_status = true;
	m->status_code = LQ4_STATUS_SUCCESS;
	m->status_text = (lq_bytes){(const uint8_t *)"no more", 7};
}

/* Three queries on one connection (xids 0x11111111, 0x22222222,
 * 0x33333333; DHCPv6 0x111111 ...) and the reader's results, with room for
 * one reply. */
struct stream {
	int family;
	struct lq_stream_query q[3];
	struct lq4_msg *scratch;        /* v4 */
	struct lq_answer *a;
	struct lq_stream_read res;
	uint8_t pkt[1500];
};

static struct stream *new_stream(int family)
{
	struct stream *s = calloc(1, sizeof(*s));
	uint32_t step = family == 4 ? 0x11111111u : 0x111111u;

	assert_non_null(s);
	s->family = family;
	for (size_t i = 0; i < 3; i++)
		s->q[i].xid = step * (uint32_t)(i + 1);
	s->scratch = family == 4 ? new_msg4() : NULL;
	s->a = new_answer(family);
	return s;
}

static void free_stream(struct stream *s)
{
	lq_answer_free(s->a);
	free(s->scratch);
	free(s);
}

/* Read the first len octets of s->pkt (v6: sent with our DUID duid_req). */
static const char *read_reply(struct stream *s, size_t len)
{
	if (s->family == 4)
		return lq4_bulk_read(s->q, 3, s->scratch, s->pkt, len, s->a, &s->res);
	return lq6_bulk_read(s->q, 3, (lq_bytes){duid_req, sizeof(duid_req)}, s->pkt, len, s->a,
			     &s->res);
}

/* Reading the first len octets of s->pkt is refused, and why says so. */
static void assert_refused(struct stream *s, size_t len, const char *why)
{
	assert_non_null(read_reply(s, len));
	assert_non_null(strstr(s->res.why, why));
}

/* The reply reply4 writes with these is read without complaint. */
static void read4_ok(struct stream *s, uint8_t type, uint32_t xid, uint8_t last,
		     void (*more)(struct lq4_msg *))
{
	assert_null(read_reply(s, reply4(s->pkt, sizeof(s->pkt), type, xid, last, more)));
}

/* Three queries interleaved (RFC 6926 7.7.1), server-id cached per query. */
static void test_read4_interleaved_stream(void **state)
{
	struct stream *s = new_stream(4);
	size_t len;
	(void)state;

	/* query 1: a first DHCPLEASEACTIVE with server-id and the bulk fields */
	read4_ok(s, LQ4_LEASEACTIVE, 0x22222222, 10, first_active);
	assert_int_equal(s->res.query, 1);
	assert_int_equal(s->res.event, LQ_STREAM_BINDING);
	assert_null(s->res.warning);
	assert_int_equal(s->a->outcome, LQ_OUTCOME_BINDING);
	assert_true(s->a->stream);
	assert_int_equal(s->a->xid, 0x22222222);
	assert_memory_equal(s->a->address.b, ((uint8_t[]){10, 0, 0, 10}), 4);
	assert_string_equal(lq_answer_state(s->a), "active");
	assert_true(s->a->has_server_id);
	assert_memory_equal(s->a->server_id.b, ((uint8_t[]){192, 0, 2, 1}), 4);
	assert_true(s->a->has_base_time);
	assert_int_equal(s->a->base_time, T_NOW - 5);
	assert_true(s->a->has_start_time_of_state);
	assert_int_equal(s->a->start_time_of_state, 7200);
	assert_true(s->a->has_data_source);
	assert_int_equal(s->a->data_source, LQ4_DATA_SOURCE_REMOTE);
	assert_true(s->a->has_vss);
	assert_int_equal(s->a->vss_type, 0);
	assert_bytes(s->a->vss_info, "blue", 4);
	assert_true(s->q[1].has_server_id);
	assert_int_equal(s->q[1].bindings, 1);

	/* query 0: a DHCPLEASEUNASSIGNED with server-id and dhcp-state */
	read4_ok(s, LQ4_LEASEUNASSIGNED, 0x11111111, 11, expired_state);
	assert_int_equal(s->res.query, 0);
	assert_int_equal(s->res.event, LQ_STREAM_BINDING);
	assert_string_equal(lq_answer_state(s->a), "expired");

	/* query 1 again, without server-id: the cached one applies (7.3) */
	read4_ok(s, LQ4_LEASEUNASSIGNED, 0x22222222, 12, NULL);
	assert_int_equal(s->res.query, 1);
	assert_string_equal(lq_answer_state(s->a), "unassigned");
	assert_true(s->a->has_server_id);
	assert_memory_equal(s->a->server_id.b, ((uint8_t[]){192, 0, 2, 1}), 4);
	assert_false(s->a->has_base_time);
	assert_int_equal(s->q[1].bindings, 2);
	assert_int_equal(s->q[1].messages, 2);

	/* query 2: nothing matched; a DONE first, with server-id, is fine */
	read4_ok(s, LQ4_LEASEQUERYDONE, 0x33333333, 0, with_server_id);
	assert_int_equal(s->res.query, 2);
	assert_int_equal(s->res.event, LQ_STREAM_DONE);
	assert_true(s->q[2].finished);
	assert_false(lq_stream_failed(&s->q[2]));
	assert_string_equal(lq_stream_status_name(&s->q[2], 4), "Success");
	assert_int_equal(s->q[2].bindings, 0);

	/* query 0 ends with NotAllowed */
	read4_ok(s, LQ4_LEASEQUERYDONE, 0x11111111, 0, not_allowed);
	assert_int_equal(s->res.event, LQ_STREAM_DONE);
	assert_int_equal(s->a->outcome, LQ_OUTCOME_ERROR);
	assert_true(s->q[0].finished);
	assert_true(lq_stream_failed(&s->q[0]));
	assert_string_equal(lq_stream_status_name(&s->q[0], 4), "NotAllowed");
	assert_int_equal(s->q[0].status_text_len, 19);
	assert_memory_equal(s->q[0].status_text, "by relay-id refused", 19);

	/* query 1 ends with Success and a text: not a failure */
	read4_ok(s, LQ4_LEASEQUERYDONE, 0x22222222, 0, success_text);
	assert_true(s->q[1].finished);
	assert_false(lq_stream_failed(&s->q[1]));
	assert_string_equal(lq_stream_status_name(&s->q[1], 4), "Success");

	/* every query has finished: a further reply matches no query */
	len = reply4(s->pkt, sizeof(s->pkt), LQ4_LEASEACTIVE, 0x22222222, 13, NULL);
	assert_refused(s, len, "0x22222222");
	assert_non_null(strstr(s->res.why, "already finished"));
	assert_non_null(strstr(s->res.why, "RFC 6926 7.3"));
	free_stream(s);
}

static void with_assoc(struct lq4_msg *m)
{
	static const uint8_t assoc[] = {10, 0, 0, 103};

	with_server_id(m);
	m->associated_ip = (lq_bytes){assoc, sizeof(assoc)};
}

static void bootrequest(struct lq4_msg *m)
{
	with_server_id(m);
	m->op = LQ4_BOOTREQUEST;
}

static void zero_ciaddr(struct lq4_msg *m)
{
	with_server_id(m);
	m->ciaddr = ip4(0, 0, 0, 0);
}

/* Messages that must close the connection, each with its reason. */
static void test_read4_refused(void **state)
{
	struct stream *s = new_stream(4);
	size_t len;
	(void)state;

	/* an xid that matches no query (RFC 6926 7.3 MUST close) */
	len = reply4(s->pkt, sizeof(s->pkt), LQ4_LEASEACTIVE, 0x1234, 10, with_server_id);
	assert_non_null(read_reply(s, len));
	assert_string_equal(s->res.why, "reply with xid 0x00001234 matches no query (RFC 6926 7.3)");
	/* DHCPLEASEUNKNOWN MUST NOT appear */
	len = reply4(s->pkt, sizeof(s->pkt), LQ4_LEASEUNKNOWN, 0x11111111, 10, with_server_id);
	assert_refused(s, len, "DHCPLEASEUNKNOWN");
	/* another message type */
	len = reply4(s->pkt, sizeof(s->pkt), LQ4_ACK, 0x11111111, 10, with_server_id);
	assert_refused(s, len, "DHCPACK");
	/* not a BOOTREPLY */
	len = reply4(s->pkt, sizeof(s->pkt), LQ4_LEASEACTIVE, 0x11111111, 10, bootrequest);
	assert_refused(s, len, "not a BOOTREPLY");
	/* a first reply without server-id */
	len = reply4(s->pkt, sizeof(s->pkt), LQ4_LEASEACTIVE, 0x11111111, 10, NULL);
	assert_refused(s, len, "no server-id");
	len = reply4(s->pkt, sizeof(s->pkt), LQ4_LEASEQUERYDONE, 0x11111111, 0, NULL);
	assert_refused(s, len, "no server-id");
	/* a binding with ciaddr 0 */
	len = reply4(s->pkt, sizeof(s->pkt), LQ4_LEASEACTIVE, 0x11111111, 0, zero_ciaddr);
	assert_refused(s, len, "ciaddr 0");
	/* none of those touched the queries */
	for (size_t i = 0; i < 3; i++) {
		assert_false(s->q[i].started);
		assert_int_equal(s->q[i].messages, 0);
	}
	/* truncated: a header cut short, then options cut in the middle */
	len = reply4(s->pkt, sizeof(s->pkt), LQ4_LEASEACTIVE, 0x11111111, 10, first_active);
	assert_refused(s, 100, "not a DHCPv4 message that decodes");
	s->pkt[240 + 4] = 200;          /* option 54's length now runs past the end */
	assert_refused(s, len, "not a DHCPv4 message that decodes");
	assert_non_null(strstr(s->res.why, "offset"));
	/* garbage: no magic cookie */
	memset(s->pkt, 0x5a, 300);
	assert_refused(s, 300, "not a DHCPv4 message that decodes");
	/* too long for an answer */
	assert_non_null(lq4_bulk_read(s->q, 3, s->scratch, s->pkt, LQ_ANSWER_MAX_PKT + 1, s->a,
				      &s->res));
	assert_non_null(strstr(s->res.why, "too long"));
	/* associated-ip is tolerated, with a warning */
	read4_ok(s, LQ4_LEASEACTIVE, 0x11111111, 10, with_assoc);
	assert_int_equal(s->res.event, LQ_STREAM_BINDING);
	assert_non_null(s->res.warning);
	assert_non_null(strstr(s->res.warning, "associated-ip"));
	free_stream(s);
}

/* ------------------------------------------------- DHCPv6 reply streams */

enum {
	R6_DATA = 1,            /* client data */
	R6_SERVERID = 2,
	R6_CLIENTID = 4,        /* our DUID */
	R6_OTHER_CLIENTID = 8,
	R6_STATUS_NOT_ALLOWED = 16,
	R6_BASE_TIME = 32,
	R6_STATUS_SUCCESS = 64,
	R6_VSS = 128,
};

static size_t msg6(uint8_t *out, size_t cap, uint8_t type, uint32_t xid, unsigned flags,
		   uint16_t host)
{
	struct lq6_writer w;
	size_t len;
	lq_ip6 addr = ip6_db8(1, host), prefix = ip6_db8(0x8000, host);

	lq6w_init(&w, out, cap);
	lq6w_header(&w, type, xid);
	if (flags & R6_CLIENTID)
		lq6w_option(&w, LQ6_OPT_CLIENTID, duid_req, sizeof(duid_req));
	if (flags & R6_OTHER_CLIENTID)
		lq6w_option(&w, LQ6_OPT_CLIENTID, duid_other, sizeof(duid_other));
	if (flags & R6_SERVERID)
		lq6w_option(&w, LQ6_OPT_SERVERID, duid_srv, sizeof(duid_srv));
	if (flags & R6_STATUS_NOT_ALLOWED)
		lq6w_status(&w, LQ6_STATUS_NOT_ALLOWED, "relay-id queries refused");
	if (flags & R6_STATUS_SUCCESS)
		lq6w_status(&w, LQ6_STATUS_SUCCESS, "done");
	if (flags & R6_BASE_TIME)
		lq6w_option_u32(&w, LQ6_OPT_LQ_BASE_TIME, lq_time_to_v6(T_NOW - 2));
	if (flags & R6_DATA) {
		lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
		lq6w_option(&w, LQ6_OPT_CLIENTID, duid_cli, sizeof(duid_cli));
		lq6w_iaaddr(&w, &addr, 1800, 3600);
		lq6w_iaprefix(&w, &prefix, 56, 1700, 3500);
		lq6w_option_u32(&w, LQ6_OPT_CLT_TIME, 300);
		if (flags & R6_VSS)
			lq6w_option(&w, LQ6_OPT_VSS, "\x00green", 6);
		lq6w_close(&w);
	}
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	return len;
}

/* The message msg6 writes with these is read without complaint. */
static void read6_ok(struct stream *s, uint8_t type, uint32_t xid, unsigned flags, uint16_t host)
{
	assert_null(read_reply(s, msg6(s->pkt, sizeof(s->pkt), type, xid, flags, host)));
}

static void test_read6_stream(void **state)
{
	struct stream *s = new_stream(6);
	size_t len;
	(void)state;

	/* query 0: a LEASEQUERY-REPLY with the first client */
	read6_ok(s, LQ6_LEASEQUERY_REPLY, 0x111111,
		   R6_CLIENTID | R6_SERVERID | R6_BASE_TIME | R6_DATA | R6_VSS, 0x100);
	assert_int_equal(s->res.query, 0);
	assert_int_equal(s->res.event, LQ_STREAM_BINDING);
	assert_int_equal(s->a->outcome, LQ_OUTCOME_BINDING);
	assert_int_equal(s->a->xid, 0x111111);
	assert_bytes(s->a->client_id, duid_cli, sizeof(duid_cli));
	assert_bytes(s->a->server_duid, duid_srv, sizeof(duid_srv));
	assert_int_equal(s->a->n_leases, 2);
	assert_true(s->a->has_base_time);
	assert_int_equal(s->a->base_time, T_NOW - 2);
	assert_true(s->a->has_vss);
	assert_bytes(s->a->vss_info, "green", 5);
	assert_true(s->q[0].started);
	assert_false(s->q[0].finished);

	/* query 1: a LEASEQUERY-REPLY without client data ends it (Success) */
	read6_ok(s, LQ6_LEASEQUERY_REPLY, 0x222222,
		   R6_CLIENTID | R6_SERVERID, 0);
	assert_int_equal(s->res.query, 1);
	assert_int_equal(s->res.event, LQ_STREAM_DONE);
	assert_true(s->q[1].finished);
	assert_false(lq_stream_failed(&s->q[1]));
	assert_int_equal(s->q[1].bindings, 0);

	/* query 0: LEASEQUERY-DATA without server DUID: the REPLY's applies */
	read6_ok(s, LQ6_LEASEQUERY_DATA, 0x111111, R6_DATA, 0x101);
	assert_int_equal(s->res.event, LQ_STREAM_BINDING);
	assert_int_equal(s->a->msg_type, LQ6_LEASEQUERY_DATA);
	assert_bytes(s->a->server_duid, duid_srv, sizeof(duid_srv));
	assert_memory_equal(s->a->leases[0].addr.b, ip6_db8(1, 0x101).b, 16);
	assert_false(s->a->has_vss);
	assert_int_equal(s->q[0].bindings, 2);

	/* query 2: a LEASEQUERY-REPLY with NotAllowed ends it */
	read6_ok(s, LQ6_LEASEQUERY_REPLY, 0x333333,
		   R6_CLIENTID | R6_SERVERID | R6_STATUS_NOT_ALLOWED, 0);
	assert_int_equal(s->res.event, LQ_STREAM_DONE);
	assert_true(s->q[2].finished);
	assert_true(lq_stream_failed(&s->q[2]));
	assert_string_equal(lq_stream_status_name(&s->q[2], 6), "NotAllowed");
	assert_int_equal(s->q[2].status_text_len, strlen("relay-id queries refused"));

	/* query 0: a LEASEQUERY-DATA without client data is passed over */
	read6_ok(s, LQ6_LEASEQUERY_DATA, 0x111111, 0, 0);
	assert_int_equal(s->res.event, LQ_STREAM_SKIPPED);
	assert_non_null(s->res.warning);
	assert_int_equal(s->q[0].bindings, 2);

	/* query 0: LEASEQUERY-DONE with a Success status and text */
	read6_ok(s, LQ6_LEASEQUERY_DONE, 0x111111, R6_STATUS_SUCCESS, 0);
	assert_int_equal(s->res.event, LQ_STREAM_DONE);
	assert_true(s->q[0].finished);
	assert_false(lq_stream_failed(&s->q[0]));
	assert_int_equal(s->q[0].messages, 4);

	/* all finished: anything more is refused */
	len = msg6(s->pkt, sizeof(s->pkt), LQ6_LEASEQUERY_DATA, 0x111111, R6_DATA, 0x102);
	assert_refused(s, len, "0x111111");
	assert_non_null(strstr(s->res.why, "already finished"));
	free_stream(s);
}

static void test_read6_refused(void **state)
{
	struct stream *s = new_stream(6);
	size_t len;
	(void)state;

	/* a transaction id that matches no query */
	len = msg6(s->pkt, sizeof(s->pkt), LQ6_LEASEQUERY_REPLY, 0x00abcd,
		   R6_CLIENTID | R6_SERVERID | R6_DATA, 1);
	assert_non_null(read_reply(s, len));
	assert_string_equal(s->res.why,
			    "reply with transaction id 0x00abcd matches no query (RFC 5460 5.3)");
	/* LEASEQUERY-DATA or -DONE before the LEASEQUERY-REPLY */
	len = msg6(s->pkt, sizeof(s->pkt), LQ6_LEASEQUERY_DATA, 0x111111, R6_DATA, 1);
	assert_refused(s, len, "before its LEASEQUERY-REPLY");
	len = msg6(s->pkt, sizeof(s->pkt), LQ6_LEASEQUERY_DONE, 0x111111, 0, 0);
	assert_refused(s, len, "LEASEQUERY-DONE");
	/* a LEASEQUERY-REPLY without OPTION_SERVERID, or for another DUID */
	len = msg6(s->pkt, sizeof(s->pkt), LQ6_LEASEQUERY_REPLY, 0x111111, R6_CLIENTID | R6_DATA, 1);
	assert_refused(s, len, "OPTION_SERVERID");
	len = msg6(s->pkt, sizeof(s->pkt), LQ6_LEASEQUERY_REPLY, 0x111111,
		   R6_OTHER_CLIENTID | R6_SERVERID | R6_DATA, 1);
	assert_refused(s, len, "not our DUID");
	/* not a bulk reply type */
	len = msg6(s->pkt, sizeof(s->pkt), LQ6_REPLY, 0x111111, R6_CLIENTID | R6_SERVERID, 0);
	assert_refused(s, len, "REPLY message, not LEASEQUERY-REPLY");
	for (size_t i = 0; i < 3; i++)
		assert_false(s->q[i].started);
	/* a second LEASEQUERY-REPLY */
	read6_ok(s, LQ6_LEASEQUERY_REPLY, 0x111111,
		   R6_CLIENTID | R6_SERVERID | R6_DATA, 1);
	assert_refused(s, len, "a second LEASEQUERY-REPLY");
	/* truncated: shorter than the header; an option cut in the middle */
	assert_refused(s, 3, "not a DHCPv6 message that decodes");
	len = msg6(s->pkt, sizeof(s->pkt), LQ6_LEASEQUERY_DATA, 0x111111, R6_DATA, 2);
	assert_refused(s, len - 5, "not a DHCPv6 message that decodes");
	assert_non_null(strstr(s->res.why, "offset"));
	/* garbage */
	memset(s->pkt, 0xff, 64);
	assert_non_null(read_reply(s, 64));
	free_stream(s);
}

/* ------------------------------------------------- output */

static void test_output_stream_records(void **state)
{
	struct stream *s = new_stream(4);
	struct lq_text t;
	json_t *o, *vpn;
	(void)state;

	read4_ok(s, LQ4_LEASEACTIVE, 0x22222222, 10, first_active);
	read4_ok(s, LQ4_LEASEUNASSIGNED, 0x22222222, 12, NULL);
	s->a->show_xid = true;
	lq_answer_settle(s->a, T_NOW);
	lq_text_init(&t);
	lq_output_text(&t, s->a);
	/* no round-trip time; the cached server-id on a record without one */
	assert_non_null(strstr(t.data, "server            127.0.0.1 (server-id 192.0.2.1)\n"));
	assert_non_null(strstr(t.data, "query             xid 0x22222222\n"));
	assert_non_null(strstr(t.data, "reply             DHCPLEASEUNASSIGNED\n"));
	assert_non_null(strstr(t.data, "address           10.0.0.12\n"));
	assert_non_null(strstr(t.data, "state             unassigned\n"));
	assert_null(strstr(t.data, "status"));
	lq_text_free(&t);
	o = lq_output_binding_json(s->a);
	assert_int_equal(json_integer_value(json_object_get(o, "xid")), 0x22222222);
	assert_string_equal(json_string_value(json_object_get(o, "address")), "10.0.0.12");
	assert_string_equal(json_string_value(json_object_get(o, "state")), "unassigned");
	assert_string_equal(json_string_value(json_object_get(o, "server_id")), "192.0.2.1");
	assert_null(json_object_get(o, "status"));
	json_decref(o);

	/* the first record, with everything bulk adds */
	read4_ok(s, LQ4_LEASEACTIVE, 0x33333333, 10, first_active);
	lq_answer_settle(s->a, T_NOW);
	lq_text_init(&t);
	lq_output_text(&t, s->a);
	assert_non_null(strstr(t.data, "state since       7200 s ago (2026-11-23T17:55:38Z)\n"));
	assert_non_null(strstr(t.data, "data source       remote\n"));
	assert_non_null(strstr(t.data, "vpn               \"blue\" (NVT ASCII)\n"));
	assert_non_null(strstr(t.data, "base time         2026-11-23T19:55:33Z (the server's clock)\n"));
	assert_null(strstr(t.data, "query "));
	lq_text_free(&t);
	o = lq_output_binding_json(s->a);
	assert_null(json_object_get(o, "xid"));
	assert_int_equal(json_integer_value(json_object_get(o, "base_time")), T_NOW - 5);
	assert_int_equal(json_integer_value(json_object_get(o, "start_time_of_state")), 7200);
	assert_int_equal(json_integer_value(json_object_get(o, "state_since")), T_NOW - 7200);
	assert_string_equal(json_string_value(json_object_get(o, "data_source")), "remote");
	vpn = json_object_get(o, "vpn");
	assert_int_equal(json_integer_value(json_object_get(vpn, "type")), 0);
	assert_string_equal(json_string_value(json_object_get(vpn, "id")), "62:6c:75:65");
	assert_string_equal(json_string_value(json_object_get(vpn, "name")), "blue");
	json_decref(o);
	free_stream(s);
}

static void test_output_stream_summary(void **state)
{
	struct lq_stream_query q[2];
	const char *labels[2] = {"--mac 00:11:22:33:44:55", "--relay-id 01:02"};
	struct lq_output_stream s;
	struct lq_text t;
	json_t *o, *list;
	(void)state;

	memset(q, 0, sizeof(q));
	q[0].xid = 0x11;
	q[0].bindings = 3;
	lq_stream_finish(&q[0], false, 0, (lq_bytes){NULL, 0});
	q[1].xid = 0x22;
	lq_stream_finish(&q[1], true, LQ4_STATUS_NOT_ALLOWED,
			 (lq_bytes){(const uint8_t *)"no relay-id", 11});
	memset(&s, 0, sizeof(s));
	s.family = 4;
	s.server = "127.0.0.1";
	s.status = "NotAllowed";
	s.queries = q;
	s.labels = labels;
	s.n = 2;
	s.count = 3;
	o = lq_output_stream_summary_json(&s);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "NotAllowed");
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 3);
	assert_int_equal(json_integer_value(json_object_get(o, "status_code")), 4);
	assert_string_equal(json_string_value(json_object_get(o, "status_text")), "no relay-id");
	assert_null(json_object_get(o, "error"));
	list = json_object_get(o, "queries");
	assert_int_equal(json_array_size(list), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "xid")), 0x11);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "status")),
			    "Success");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "count")), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "query")),
			    "--relay-id 01:02");
	json_decref(o);

	lq_text_init(&t);
	lq_output_text_stream_summary(&t, &s);
	assert_string_equal(t.data,
			    "query             --mac 00:11:22:33:44:55, xid 0x00000011: Success, "
			    "3 bindings\n"
			    "query             --relay-id 01:02, xid 0x00000022: NotAllowed (4) "
			    "\"no relay-id\", 0 bindings\n"
			    "status            NotAllowed\n"
			    "count             3\n");
	lq_text_free(&t);

	/* one query that did not finish: no "queries" list, the error */
	q[0].finished = false;
	s.n = 1;
	s.status = "Timeout";
	s.error = "no data for 300 s";
	o = lq_output_stream_summary_json(&s);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "Timeout");
	assert_string_equal(json_string_value(json_object_get(o, "error")), "no data for 300 s");
	assert_null(json_object_get(o, "queries"));
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build4_all_addresses),
		cmocka_unit_test(test_build4_by_mac),
		cmocka_unit_test(test_build4_by_client_id_with_times),
		cmocka_unit_test(test_build4_by_remote_id_vpn),
		cmocka_unit_test(test_build4_by_relay_id_all_vpns),
		cmocka_unit_test(test_build4_bad_arguments),
		cmocka_unit_test(test_build6_by_relay_id),
		cmocka_unit_test(test_build6_by_link_with_times),
		cmocka_unit_test(test_build6_by_remote_id_vpn),
		cmocka_unit_test(test_build6_by_client_id_and_address),
		cmocka_unit_test(test_build6_bad_arguments),
		cmocka_unit_test(test_read4_interleaved_stream),
		cmocka_unit_test(test_read4_refused),
		cmocka_unit_test(test_read6_stream),
		cmocka_unit_test(test_read6_refused),
		cmocka_unit_test(test_output_stream_records),
		cmocka_unit_test(test_output_stream_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
