/* test_lq_query.c - the requestor side of single leasequery (`lq query`):
 * the DHCPv4 and DHCPv6 queries as known bytes (derived by hand from RFC
 * 4388 6.2, RFC 2131 2 and RFC 5007 4.1.1 / RFC 8357 5.2 layouts, with the
 * derivation beside each vector), the checks on replies (wrong transaction
 * id, wrong type, wrong client id, missing server id, ... are ignored), the
 * reading of replies into answers, the choice among several servers'
 * answers, the retransmission schedules, and the text and JSON output. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "../../src/lq/answer.h"
#include "../../src/lq/output.h"
#include "../../src/lq/query4.h"
#include "../../src/lq/query6.h"
#include "../../src/lq/retx.h"
#include "lq_test_util.h"

/* ---------------------------------------------------------------- helpers */

/* ------------------------------------------------- DHCPv4 query, known bytes */

/* The fixed BOOTP header (RFC 2131 2): op 1 BOOTREQUEST; htype, hlen as
 * given; hops 0; xid 0x01020304; secs 0; flags 0; ciaddr; yiaddr 0;
 * siaddr 0; giaddr 192.0.2.2; chaddr (16); sname (64) and file (128) zero;
 * then the magic cookie 99.130.83.99 at offset 236. */
static void expect_header4(const uint8_t *p, uint8_t htype, uint8_t hlen, lq_ip4 ciaddr,
			   const uint8_t *chaddr)
{
	static const uint8_t zero[192];
	uint8_t head[28] = {1, htype, hlen, 0, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0};

	memcpy(head + 12, ciaddr.b, 4);
	/* yiaddr 16..19, siaddr 20..23 zero */
	memcpy(head + 24, (uint8_t[]){192, 0, 2, 2}, 4);
	assert_memory_equal(p, head, sizeof(head));
	if (chaddr != NULL)
		assert_memory_equal(p + 28, chaddr, hlen);
	assert_memory_equal(p + 28 + hlen, zero, 16 - hlen);
	assert_memory_equal(p + 44, zero, 192);
	assert_memory_equal(p + 236, ((uint8_t[]){99, 130, 83, 99}), 4);
}

static void expect_padding(const uint8_t *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		assert_int_equal(p[i], 0);
}

static void test_query4_by_address(void **state)
{
	struct lq4_request q = {0};
	uint8_t out[LQ4_QUERY_MAX_LEN];
	size_t len;
	/* option 53 len 1 DHCPLEASEQUERY (10); option 55 len 9: the default
	 * list 51 58 59 60 61 82 91 92 156; END. 3 + 11 + 1 = 15 octets. */
	static const uint8_t opts[] = {
		53, 1, 10,
		55, 9, 51, 58, 59, 60, 61, 82, 91, 92, 156,
		255,
	};
	(void)state;

	q.by = LQ4_BY_ADDRESS;
	q.xid = 0x01020304;
	q.address = ip4(10, 0, 0, 100);
	q.giaddr = ip4(192, 0, 2, 2);
	assert_int_equal(lq4_request_build(&q, out, sizeof(out), &len), LQ_OK);
	/* RFC 1542: padded to the 300-octet BOOTP minimum */
	assert_int_equal(len, 300);
	/* RFC 4388 6.2 query by IP: htype, hlen, chaddr zero; ciaddr set */
	expect_header4(out, 0, 0, ip4(10, 0, 0, 100), NULL);
	assert_memory_equal(out + 240, opts, sizeof(opts));
	expect_padding(out, 240 + sizeof(opts), 300);
}

static void test_query4_by_mac(void **state)
{
	struct lq4_request q = {0};
	uint8_t out[LQ4_QUERY_MAX_LEN];
	size_t len;
	static const uint8_t mac[] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
	static const uint8_t prl[] = {51, 82};
	/* 53: DHCPLEASEQUERY; 55 len 2: 51, 82; END */
	static const uint8_t opts[] = {53, 1, 10, 55, 2, 51, 82, 255};
	(void)state;

	q.by = LQ4_BY_MAC;
	q.xid = 0x01020304;
	q.htype = 1;
	q.hlen = 6;
	memcpy(q.chaddr, mac, 6);
	q.prl = (lq_bytes){prl, sizeof(prl)};
	q.giaddr = ip4(192, 0, 2, 2);
	assert_int_equal(lq4_request_build(&q, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(len, 300);
	/* RFC 4388 6.2 query by MAC: ciaddr zero, htype/hlen/chaddr set */
	expect_header4(out, 1, 6, ip4(0, 0, 0, 0), mac);
	assert_memory_equal(out + 240, opts, sizeof(opts));
	expect_padding(out, 240 + sizeof(opts), 300);
}

static void test_query4_by_client_id_relay_port(void **state)
{
	struct lq4_request q = {0};
	uint8_t out[LQ4_QUERY_MAX_LEN];
	size_t len;
	static const uint8_t cid[] = {0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
	static const uint8_t prl[] = {82};
	/* 53; 55 len 1: 82; 61 len 7: the client id (typed options ascend);
	 * then option 82 len 2 with sub-option 19 (relay source port, RFC 8357
	 * 5.1) of length 0, written as an extra option after the typed ones;
	 * END. */
	static const uint8_t opts[] = {
		53, 1, 10,
		55, 1, 82,
		61, 7, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
		82, 2, 19, 0,
		255,
	};
	(void)state;

	q.by = LQ4_BY_CLIENT_ID;
	q.xid = 0x01020304;
	q.client_id = (lq_bytes){cid, sizeof(cid)};
	q.prl = (lq_bytes){prl, sizeof(prl)};
	q.giaddr = ip4(192, 0, 2, 2);
	q.relay_port = true;
	assert_int_equal(lq4_request_build(&q, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(len, 300);
	/* RFC 4388 6.2 query by client id: ciaddr, htype, hlen, chaddr zero */
	expect_header4(out, 0, 0, ip4(0, 0, 0, 0), NULL);
	assert_memory_equal(out + 240, opts, sizeof(opts));
	expect_padding(out, 240 + sizeof(opts), 300);
}

static void test_query4_bad_arguments(void **state)
{
	struct lq4_request q = {0};
	uint8_t out[LQ4_QUERY_MAX_LEN];
	size_t len;
	(void)state;

	q.by = LQ4_BY_MAC;
	q.hlen = 17;
	assert_int_equal(lq4_request_build(&q, out, sizeof(out), &len), LQ_ERR_BAD_HLEN);
	q.by = LQ4_BY_CLIENT_ID;
	assert_int_equal(lq4_request_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q.by = (enum lq4_query_by)9;
	assert_int_equal(lq4_request_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q.by = LQ4_BY_ADDRESS;
	assert_int_equal(lq4_request_build(&q, out, 299, &len), LQ_ERR_NO_SPACE);
	assert_int_equal(len, 0);
}

/* ------------------------------------------------- DHCPv6 query, known bytes */

static void test_query6_by_address(void **state)
{
	struct lq6_request q = {0};
	uint8_t out[LQ6_QUERY_MAX_LEN];
	size_t len;
	/* LEASEQUERY (14), xid 0x0a0b0c;
	 * OPTION_CLIENTID (1) len 10: our DUID-LL;
	 * OPTION_LQ_QUERY (44) len 17 + 28 + 6 = 51: QUERY_BY_ADDRESS (1),
	 *   link-address ::, OPTION_IAADDR (5) len 24: 2001:db8:1::100,
	 *   lifetimes 0 and 0; OPTION_ORO (6) len 2: OPTION_LQ_RELAY_DATA (47). */
	static const uint8_t want[] = {
		14, 0x0a, 0x0b, 0x0c,
		0x00, 0x01, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x2c, 0x00, 0x33, 0x01,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x05, 0x00, 0x18,
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00,
		0, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x06, 0x00, 0x02, 0x00, 0x2f,
	};
	(void)state;

	q.type = LQ6_QUERY_BY_ADDRESS;
	q.xid = 0x0a0b0c;
	q.address = ip6_db8(1, 0x100);
	q.requestor_duid = (lq_bytes){duid_req, sizeof(duid_req)};
	assert_int_equal(lq6_request_build(&q, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
}

static void test_query6_by_client_id(void **state)
{
	struct lq6_request q = {0};
	uint8_t out[LQ6_QUERY_MAX_LEN];
	size_t len;
	static const uint16_t oro[] = {47, 79};
	/* LEASEQUERY xid 0x000001; OPTION_CLIENTID our DUID;
	 * OPTION_LQ_QUERY len 17 + 18 + 8 = 43: QUERY_BY_CLIENTID (2),
	 *   link-address 2001:db8:1::, OPTION_CLIENTID (1) len 14: the client's
	 *   DUID-LLT; OPTION_ORO len 4: 47, 79. */
	static const uint8_t want[] = {
		14, 0x00, 0x00, 0x01,
		0x00, 0x01, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x2c, 0x00, 0x2b, 0x02,
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x01, 0x00, 0x0e,
		0x00, 0x01, 0x00, 0x01, 0x1f, 0xbd, 0x37, 0xc0, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
		0x00, 0x06, 0x00, 0x04, 0x00, 0x2f, 0x00, 0x4f,
	};
	(void)state;

	q.type = LQ6_QUERY_BY_CLIENTID;
	q.xid = 0x000001;
	q.client_id = (lq_bytes){duid_cli, sizeof(duid_cli)};
	q.link_address = ip6_db8(1, 0);
	q.oro = oro;
	q.n_oro = 2;
	q.requestor_duid = (lq_bytes){duid_req, sizeof(duid_req)};
	assert_int_equal(lq6_request_build(&q, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
}

static void test_query6_relay_port_no_oro(void **state)
{
	struct lq6_request q = {0};
	uint8_t out[LQ6_QUERY_MAX_LEN];
	size_t len;
	static const uint16_t none[1] = {0};
	/* RELAY-FORW (12) hop-count 0, link-address ::, peer-address
	 * 2001:db8:1::2 (34 octets); OPTION_RELAY_SOURCE_PORT (135) len 2:
	 * downstream port 0 (RFC 8357 5.2); OPTION_RELAY_MSG (9) len 4 + 14 +
	 * 4 + 17 + 28 = 67: LEASEQUERY xid 0x123456, OPTION_CLIENTID,
	 * OPTION_LQ_QUERY len 45 (no ORO: an empty list was asked for). */
	static const uint8_t want[] = {
		12, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x02,
		0x00, 0x87, 0x00, 0x02, 0x00, 0x00,
		0x00, 0x09, 0x00, 0x43,
		14, 0x12, 0x34, 0x56,
		0x00, 0x01, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x2c, 0x00, 0x2d, 0x01,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x05, 0x00, 0x18,
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00,
		0, 0, 0, 0, 0, 0, 0, 0,
	};
	(void)state;

	q.type = LQ6_QUERY_BY_ADDRESS;
	q.xid = 0x123456;
	q.address = ip6_db8(1, 0x100);
	q.oro = none;
	q.n_oro = 0;
	q.requestor_duid = (lq_bytes){duid_req, sizeof(duid_req)};
	q.relay_port = true;
	q.peer_address = ip6_db8(1, 2);
	assert_int_equal(lq6_request_build(&q, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
}

static void test_query6_bad_arguments_and_duid(void **state)
{
	struct lq6_request q = {0};
	uint8_t out[LQ6_QUERY_MAX_LEN], duid[LQ6_DUID_MAX];
	size_t len;
	static const uint8_t mac[] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
	(void)state;

	q.type = LQ6_QUERY_BY_ADDRESS;
	assert_int_equal(lq6_request_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q.requestor_duid = (lq_bytes){duid_req, sizeof(duid_req)};
	q.type = LQ6_QUERY_BY_CLIENTID;           /* without the client's DUID */
	assert_int_equal(lq6_request_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q.type = 3;                               /* RFC 5460 types are TCP only */
	assert_int_equal(lq6_request_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q.type = LQ6_QUERY_BY_ADDRESS;
	assert_int_equal(lq6_request_build(&q, out, 20, &len), LQ_ERR_NO_SPACE);

	/* DUID-LL (RFC 8415 11.4): type 3, hardware type 1, the address */
	assert_int_equal(lq6_duid_ll(duid, sizeof(duid), 1, mac, 6), 10);
	assert_memory_equal(duid, duid_req, 10);
	assert_int_equal(lq6_duid_ll(duid, 9, 1, mac, 6), 0);
}

/* ------------------------------------------------- DHCPv4 replies */

static const uint8_t relay82[] = {1, 4, 'e', 't', 'h', '0', 2, 3, 0xaa, 0xbb, 0xcc};
static const uint8_t assoc[] = {10, 0, 0, 103, 10, 0, 0, 104};

/* A DHCPLEASEACTIVE for 10.0.0.100 with every field lq reads. */
static struct lq4_msg *active4(uint32_t xid)
{
	struct lq4_msg *m = malloc(sizeof(*m));

	assert_non_null(m);
	lq4_msg_init(m, LQ4_LEASEACTIVE, xid);
	m->ciaddr = ip4(10, 0, 0, 100);
	m->giaddr = ip4(192, 0, 2, 2);
	memcpy(m->chaddr, (uint8_t[]){0x00, 0x11, 0x22, 0x33, 0x44, 0x55}, 6);
	m->has_server_id = true;
	m->server_id = ip4(192, 0, 2, 1);
	m->has_lease_time = true;
	m->lease_time = 3000;
	m->has_t1 = true;
	m->t1 = 1200;
	m->has_t2 = true;
	m->t2 = 2550;
	m->has_clt_time = true;
	m->clt_time = 600;
	m->client_id = (lq_bytes){cid7, sizeof(cid7)};
	m->relay_info_raw = (lq_bytes){relay82, sizeof(relay82)};
	m->vendor_class = (lq_bytes){(const uint8_t *)"MSFT 5.0", 8};
	m->associated_ip = (lq_bytes){assoc, sizeof(assoc)};
	return m;
}

static size_t encode4(const struct lq4_msg *m, uint8_t *out, size_t cap)
{
	size_t len;

	assert_int_equal(lq4_encode(m, out, cap, &len), LQ_OK);
	return len;
}

static struct lq4_request query4(uint32_t xid, enum lq4_query_by by)
{
	struct lq4_request q = {0};

	q.by = by;
	q.xid = xid;
	q.address = ip4(10, 0, 0, 100);
	q.giaddr = ip4(192, 0, 2, 2);
	return q;
}

static void test_reply4_active(void **state)
{
	struct lq4_msg *m = active4(0x11223344);
	struct lq4_request q = query4(0x11223344, LQ4_BY_ADDRESS);
	struct lq_answer *a = new_answer(4);
	uint8_t pkt[1500];
	size_t len = encode4(m, pkt, sizeof(pkt));
	(void)state;

	assert_null(lq4_reply_read(&q, pkt, len, a));
	memset(pkt, 0xee, sizeof(pkt));         /* the answer keeps its own copy */
	assert_int_equal(a->outcome, LQ_OUTCOME_BINDING);
	assert_int_equal(a->msg_type, LQ4_LEASEACTIVE);
	assert_string_equal(lq_answer_state(a), "active");
	assert_string_equal(lq_answer_status_name(a), "Success");
	assert_memory_equal(a->address.b, ((uint8_t[]){10, 0, 0, 100}), 4);
	assert_int_equal(a->htype, 1);
	assert_int_equal(a->hlen, 6);
	assert_memory_equal(a->chaddr, ((uint8_t[]){0x00, 0x11, 0x22, 0x33, 0x44, 0x55}), 6);
	assert_true(a->has_server_id);
	assert_memory_equal(a->server_id.b, ((uint8_t[]){192, 0, 2, 1}), 4);
	assert_true(a->has_lease_time && a->has_t1 && a->has_t2 && a->has_clt);
	assert_int_equal(a->lease_time, 3000);
	assert_int_equal(a->t1, 1200);
	assert_int_equal(a->t2, 2550);
	assert_int_equal(a->clt_time, 600);
	assert_bytes(a->client_id, cid7, sizeof(cid7));
	assert_bytes(a->relay_info, relay82, sizeof(relay82));
	assert_bytes(a->vendor_class, "MSFT 5.0", 8);
	assert_bytes(a->associated_ip, assoc, sizeof(assoc));
	lq_answer_free(a);
	free(m);
}

/* Every reply that does not answer the query is ignored, with a reason. */
static void test_reply4_ignored(void **state)
{
	struct lq4_request q = query4(0x11223344, LQ4_BY_ADDRESS);
	struct lq_answer *a = new_answer(4);
	struct lq4_msg *m;
	uint8_t pkt[1500];
	size_t len;
	(void)state;

	/* another transaction id */
	m = active4(0x11223345);
	len = encode4(m, pkt, sizeof(pkt));
	assert_string_equal(lq4_reply_read(&q, pkt, len, a), "another transaction id");
	free(m);
	/* a request, not a reply (our own query looped back on port 67) */
	m = active4(0x11223344);
	m->op = LQ4_BOOTREQUEST;
	len = encode4(m, pkt, sizeof(pkt));
	assert_string_equal(lq4_reply_read(&q, pkt, len, a), "not a BOOTREPLY");
	free(m);
	/* another message type: DHCPACK (5), DHCPLEASEQUERYDONE (15) */
	m = active4(0x11223344);
	m->msg_type = LQ4_ACK;
	len = encode4(m, pkt, sizeof(pkt));
	assert_non_null(strstr(lq4_reply_read(&q, pkt, len, a), "not DHCPLEASEUNASSIGNED"));
	m->msg_type = LQ4_LEASEQUERYDONE;
	len = encode4(m, pkt, sizeof(pkt));
	assert_non_null(strstr(lq4_reply_read(&q, pkt, len, a), "not DHCPLEASEUNASSIGNED"));
	free(m);
	/* DHCPLEASEACTIVE without option 54 */
	m = active4(0x11223344);
	m->has_server_id = false;
	len = encode4(m, pkt, sizeof(pkt));
	assert_string_equal(lq4_reply_read(&q, pkt, len, a), "no server identifier (option 54)");
	free(m);
	/* DHCPLEASEACTIVE with ciaddr 0 */
	m = active4(0x11223344);
	m->ciaddr = ip4(0, 0, 0, 0);
	len = encode4(m, pkt, sizeof(pkt));
	assert_non_null(strstr(lq4_reply_read(&q, pkt, len, a), "ciaddr is zero"));
	free(m);
	/* another address than the one asked about */
	m = active4(0x11223344);
	m->ciaddr = ip4(10, 0, 0, 101);
	len = encode4(m, pkt, sizeof(pkt));
	assert_string_equal(lq4_reply_read(&q, pkt, len, a), "ciaddr is not the queried address");
	/* ... which is fine for a query by MAC (the server picks the address) */
	q.by = LQ4_BY_MAC;
	assert_null(lq4_reply_read(&q, pkt, len, a));
	assert_memory_equal(a->address.b, ((uint8_t[]){10, 0, 0, 101}), 4);
	free(m);
	/* not DHCP at all, and a truncated message */
	memset(pkt, 0x55, 300);
	assert_string_equal(lq4_reply_read(&q, pkt, 300, a), "not a DHCPv4 message that decodes");
	assert_string_equal(lq4_reply_read(&q, pkt, 10, a), "not a DHCPv4 message that decodes");
	lq_answer_free(a);
}

static void test_reply4_unknown_unassigned_status(void **state)
{
	struct lq4_request q = query4(7, LQ4_BY_ADDRESS);
	struct lq_answer *a = new_answer(4);
	struct lq4_msg *m = malloc(sizeof(*m));
	uint8_t pkt[1500];
	size_t len;
	(void)state;

	assert_non_null(m);
	/* DHCPLEASEUNKNOWN may carry no other option (RFC 4388 6.4): no
	 * server id is accepted */
	lq4_msg_init(m, LQ4_LEASEUNKNOWN, 7);
	len = encode4(m, pkt, sizeof(pkt));
	assert_null(lq4_reply_read(&q, pkt, len, a));
	assert_int_equal(a->outcome, LQ_OUTCOME_NO_BINDING);
	assert_null(lq_answer_state(a));
	assert_string_equal(lq_answer_status_name(a), "Success");
	/* with a status-code (RFC 6926 style) other than Success: an error */
	m->has_status = true;
	m->status_code = LQ4_STATUS_NOT_ALLOWED;
	m->status_text = (lq_bytes){(const uint8_t *)"go away", 7};
	len = encode4(m, pkt, sizeof(pkt));
	assert_null(lq4_reply_read(&q, pkt, len, a));
	assert_int_equal(a->outcome, LQ_OUTCOME_ERROR);
	assert_string_equal(lq_answer_status_name(a), "NotAllowed");
	assert_bytes(a->status_text, "go away", 7);
	/* DHCPLEASEUNASSIGNED: state "unassigned", or the dhcp-state sent */
	lq4_msg_init(m, LQ4_LEASEUNASSIGNED, 7);
	m->ciaddr = ip4(10, 0, 0, 100);
	m->has_server_id = true;
	len = encode4(m, pkt, sizeof(pkt));
	assert_null(lq4_reply_read(&q, pkt, len, a));
	assert_int_equal(a->outcome, LQ_OUTCOME_BINDING);
	assert_string_equal(lq_answer_state(a), "unassigned");
	m->has_dhcp_state = true;
	m->dhcp_state = LQ4_STATE_EXPIRED;
	len = encode4(m, pkt, sizeof(pkt));
	assert_null(lq4_reply_read(&q, pkt, len, a));
	assert_string_equal(lq_answer_state(a), "expired");
	free(m);
	lq_answer_free(a);
}

/* ------------------------------------------------- DHCPv6 replies */

static struct lq6_request query6(uint32_t xid)
{
	struct lq6_request q = {0};

	q.type = LQ6_QUERY_BY_ADDRESS;
	q.xid = xid;
	q.address = ip6_db8(1, 0x100);
	q.requestor_duid = (lq_bytes){duid_req, sizeof(duid_req)};
	q.peer_address = ip6_db8(1, 2);
	return q;
}

/* The relayed message a server keeps for LQ_RELAY_DATA: a RELAY-FORW
 * without the client's message, with interface-id "eth0" and remote-id
 * 2495:"cpe1". */
static size_t relay_forw(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	size_t len;
	lq_ip6 link = ip6_db8(1, 0), peer = {{0xfe, 0x80, [15] = 1}};

	lq6w_init(&w, out, cap);
	lq6w_relay_header(&w, LQ6_RELAY_FORW, 0, &link, &peer);
	lq6w_option(&w, LQ6_OPT_INTERFACE_ID, "eth0", 4);
	lq6w_remote_id(&w, 2495, "cpe1", 4);
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	return len;
}

enum reply6_flags {
	R6_NO_CLIENTID = 1, R6_NO_SERVERID = 2, R6_OTHER_CLIENTID = 4, R6_NO_DATA = 8,
	R6_STATUS = 16, R6_LINKS = 32, R6_WRONG_TYPE = 64,
};

/* A LEASEQUERY-REPLY: CLIENT_DATA with the client's DUID, one address, one
 * prefix, CLT 300, LQ_RELAY_DATA and an OPTION_CLIENT_LINKLAYER_ADDR. */
static size_t reply6(uint8_t *out, size_t cap, uint32_t xid, unsigned flags)
{
	struct lq6_writer w;
	uint8_t relay[256];
	size_t relay_len = relay_forw(relay, sizeof(relay)), len;
	lq_ip6 addr = ip6_db8(1, 0x100), prefix = ip6_db8(0x8000, 0), peer = {{0xfe, 0x80, [15] = 9}};

	lq6w_init(&w, out, cap);
	lq6w_header(&w, (flags & R6_WRONG_TYPE) ? LQ6_REPLY : LQ6_LEASEQUERY_REPLY, xid);
	if (!(flags & R6_NO_CLIENTID)) {
		if (flags & R6_OTHER_CLIENTID)
			lq6w_option(&w, LQ6_OPT_CLIENTID, duid_other, sizeof(duid_other));
		else
			lq6w_option(&w, LQ6_OPT_CLIENTID, duid_req, sizeof(duid_req));
	}
	if (!(flags & R6_NO_SERVERID))
		lq6w_option(&w, LQ6_OPT_SERVERID, duid_srv, sizeof(duid_srv));
	if (flags & R6_STATUS)
		lq6w_status(&w, LQ6_STATUS_NOT_CONFIGURED, "Address not in a pool.");
	if (flags & R6_LINKS) {
		lq_ip6 links[2] = {ip6_db8(1, 0), ip6_db8(2, 0)};
		lq6w_client_link(&w, links, 2);
	}
	if (!(flags & (R6_NO_DATA | R6_STATUS))) {
		lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
		lq6w_option(&w, LQ6_OPT_CLIENTID, duid_cli, sizeof(duid_cli));
		lq6w_iaaddr(&w, &addr, 1800, 3600);
		lq6w_iaprefix(&w, &prefix, 56, 1700, 3500);
		lq6w_option_u32(&w, LQ6_OPT_CLT_TIME, 300);
		lq6w_relay_data(&w, &peer, relay, relay_len);
		lq6w_option(&w, LQ6_OPT_CLIENT_LINKLAYER_ADDR, "\x00\x01\x00\x11\x22\x33\x44\x55", 8);
		lq6w_close(&w);
	}
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	return len;
}

/* The same reply inside a RELAY-REPL to peer. */
static size_t relay_repl(uint8_t *out, size_t cap, const uint8_t *inner, size_t inner_len,
			 lq_ip6 peer)
{
	struct lq6_writer w;
	size_t len;
	static const lq_ip6 unspecified;

	lq6w_init(&w, out, cap);
	lq6w_relay_header(&w, LQ6_RELAY_REPL, 0, &unspecified, &peer);
	lq6w_option(&w, LQ6_OPT_RELAY_MSG, inner, inner_len);
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	return len;
}

static void test_reply6_binding(void **state)
{
	struct lq6_request q = query6(0xabcdef);
	struct lq_answer *a = new_answer(6);
	uint8_t pkt[1500], relay[256];
	size_t len = reply6(pkt, sizeof(pkt), 0xabcdef, 0);
	size_t relay_len = relay_forw(relay, sizeof(relay));
	lq_ip6 peer = {{0xfe, 0x80, [15] = 9}};
	(void)state;

	assert_null(lq6_reply_read(&q, pkt, len, a));
	memset(pkt, 0xee, sizeof(pkt));
	assert_int_equal(a->outcome, LQ_OUTCOME_BINDING);
	assert_int_equal(a->msg_type, LQ6_LEASEQUERY_REPLY);
	assert_string_equal(lq_answer_state(a), "active");
	assert_bytes(a->client_id, duid_cli, sizeof(duid_cli));
	assert_bytes(a->server_duid, duid_srv, sizeof(duid_srv));
	assert_int_equal(a->n_leases, 2);
	assert_false(a->leases[0].is_prefix);
	assert_memory_equal(a->leases[0].addr.b, ip6_db8(1, 0x100).b, 16);
	assert_int_equal(a->leases[0].prefix_len, 128);
	assert_int_equal(a->leases[0].preferred, 1800);
	assert_int_equal(a->leases[0].valid, 3600);
	assert_true(a->leases[1].is_prefix);
	assert_memory_equal(a->leases[1].addr.b, ip6_db8(0x8000, 0).b, 16);
	assert_int_equal(a->leases[1].prefix_len, 56);
	assert_int_equal(a->leases[1].valid, 3500);
	assert_true(a->has_clt);
	assert_int_equal(a->clt_time, 300);
	assert_true(a->has_relay_data);
	assert_memory_equal(a->relay_peer.b, peer.b, 16);
	assert_bytes(a->relay_message, relay, relay_len);
	lq_answer_free(a);
}

static void test_reply6_ignored(void **state)
{
	struct lq6_request q = query6(0xabcdef);
	struct lq_answer *a = new_answer(6);
	uint8_t pkt[1500], wrapped[1600];
	size_t len;
	(void)state;

	len = reply6(pkt, sizeof(pkt), 0xabcdee, 0);
	assert_string_equal(lq6_reply_read(&q, pkt, len, a), "another transaction id");
	len = reply6(pkt, sizeof(pkt), 0xabcdef, R6_OTHER_CLIENTID);
	assert_string_equal(lq6_reply_read(&q, pkt, len, a), "OPTION_CLIENTID is not our DUID");
	len = reply6(pkt, sizeof(pkt), 0xabcdef, R6_NO_CLIENTID);
	assert_string_equal(lq6_reply_read(&q, pkt, len, a), "no OPTION_CLIENTID");
	len = reply6(pkt, sizeof(pkt), 0xabcdef, R6_NO_SERVERID);
	assert_string_equal(lq6_reply_read(&q, pkt, len, a), "no OPTION_SERVERID");
	len = reply6(pkt, sizeof(pkt), 0xabcdef, R6_WRONG_TYPE);
	assert_string_equal(lq6_reply_read(&q, pkt, len, a), "not a LEASEQUERY-REPLY");
	/* our own LEASEQUERY looped back */
	assert_int_equal(lq6_request_build(&q, pkt, sizeof(pkt), &len), LQ_OK);
	assert_string_equal(lq6_reply_read(&q, pkt, len, a), "not a LEASEQUERY-REPLY");
	/* a RELAY-REPL although we did not relay */
	len = reply6(pkt, sizeof(pkt), 0xabcdef, 0);
	size_t wlen = relay_repl(wrapped, sizeof(wrapped), pkt, len, q.peer_address);
	assert_string_equal(lq6_reply_read(&q, wrapped, wlen, a),
			    "a RELAY-REPL, but the query was not relayed");
	/* relayed: a RELAY-REPL for another peer */
	q.relay_port = true;
	wlen = relay_repl(wrapped, sizeof(wrapped), pkt, len, ip6_db8(1, 3));
	assert_string_equal(lq6_reply_read(&q, wrapped, wlen, a), "a RELAY-REPL for another relay");
	/* garbage: an option overrunning the message */
	memcpy(pkt, (uint8_t[]){15, 0xab, 0xcd, 0xef, 0x00, 0x01, 0x00, 0xff}, 8);
	assert_string_equal(lq6_reply_read(&q, pkt, 8, a), "not a DHCPv6 message that decodes");
	lq_answer_free(a);
}

static void test_reply6_relayed_status_links(void **state)
{
	struct lq6_request q = query6(0x000102);
	struct lq_answer *a = new_answer(6);
	uint8_t pkt[1500], wrapped[1600];
	size_t len, wlen;
	(void)state;

	/* relayed query: the RELAY-REPL to us is taken off */
	q.relay_port = true;
	len = reply6(pkt, sizeof(pkt), 0x000102, 0);
	wlen = relay_repl(wrapped, sizeof(wrapped), pkt, len, q.peer_address);
	assert_null(lq6_reply_read(&q, wrapped, wlen, a));
	assert_int_equal(a->outcome, LQ_OUTCOME_BINDING);
	assert_int_equal(a->n_leases, 2);
	/* ... and a direct answer to a relayed query is fine too */
	assert_null(lq6_reply_read(&q, pkt, len, a));
	assert_int_equal(a->outcome, LQ_OUTCOME_BINDING);
	/* an error status */
	q.relay_port = false;
	len = reply6(pkt, sizeof(pkt), 0x000102, R6_STATUS);
	assert_null(lq6_reply_read(&q, pkt, len, a));
	assert_int_equal(a->outcome, LQ_OUTCOME_ERROR);
	assert_string_equal(lq_answer_status_name(a), "NotConfigured");
	assert_bytes(a->status_text, "Address not in a pool.", 22);
	/* Success without client data, with the client's links */
	len = reply6(pkt, sizeof(pkt), 0x000102, R6_NO_DATA | R6_LINKS);
	assert_null(lq6_reply_read(&q, pkt, len, a));
	assert_int_equal(a->outcome, LQ_OUTCOME_NO_BINDING);
	assert_int_equal(a->client_links.len, 32);
	assert_memory_equal(a->client_links.data + 16, ip6_db8(2, 0).b, 16);
	assert_string_equal(lq_answer_status_name(a), "Success");
	lq_answer_free(a);
}

/* ------------------------------------------------- merging answers */

static struct lq_answer *answer(int family, enum lq_outcome outcome, uint8_t type, bool has_clt,
				uint32_t clt)
{
	struct lq_answer *a = new_answer(family);

	a->outcome = outcome;
	a->msg_type = type;
	a->has_clt = has_clt;
	a->clt_time = clt;
	return a;
}

static void test_merge(void **state)
{
	struct lq_answer *old = answer(4, LQ_OUTCOME_BINDING, LQ4_LEASEACTIVE, true, 300);
	struct lq_answer *recent = answer(4, LQ_OUTCOME_BINDING, LQ4_LEASEACTIVE, true, 60);
	struct lq_answer *noclt = answer(4, LQ_OUTCOME_BINDING, LQ4_LEASEACTIVE, false, 0);
	struct lq_answer *unassigned = answer(4, LQ_OUTCOME_BINDING, LQ4_LEASEUNASSIGNED, false, 0);
	struct lq_answer *unknown = answer(4, LQ_OUTCOME_NO_BINDING, LQ4_LEASEUNKNOWN, false, 0);
	struct lq_answer *error = answer(4, LQ_OUTCOME_ERROR, LQ4_LEASEUNKNOWN, false, 0);
	struct lq_answer *silent = answer(4, LQ_OUTCOME_NONE, 0, false, 0);
	(void)state;

	/* the most recent transaction wins, in either order (RFC 4388 6.8) */
	assert_int_equal(lq_answer_pick((struct lq_answer *[]){old, recent}, 2), 1);
	assert_int_equal(lq_answer_pick((struct lq_answer *[]){recent, old}, 2), 0);
	/* one with a time beats one without */
	assert_int_equal(lq_answer_pick((struct lq_answer *[]){noclt, old}, 2), 1);
	/* ACTIVE beats UNASSIGNED when neither has a time */
	assert_int_equal(lq_answer_pick((struct lq_answer *[]){unassigned, noclt}, 2), 1);
	/* a binding beats no binding beats an error */
	assert_int_equal(lq_answer_pick((struct lq_answer *[]){error, unknown, unassigned}, 3), 2);
	assert_int_equal(lq_answer_pick((struct lq_answer *[]){error, unknown}, 2), 1);
	assert_int_equal(lq_answer_pick((struct lq_answer *[]){error}, 1), 0);
	/* servers that did not answer do not count; none at all: -1 */
	assert_int_equal(lq_answer_pick((struct lq_answer *[]){silent, NULL, unknown}, 3), 2);
	assert_int_equal(lq_answer_pick((struct lq_answer *[]){silent, NULL}, 2), -1);
	/* equal answers: the first stays */
	assert_false(lq_answer_better(old, old));
	assert_int_equal(lq_answer_pick((struct lq_answer *[]){unknown, unknown}, 2), 0);

	/* DHCPv6: the same rule on OPTION_CLT_TIME */
	struct lq_answer *v6a = answer(6, LQ_OUTCOME_BINDING, LQ6_LEASEQUERY_REPLY, true, 500);
	struct lq_answer *v6b = answer(6, LQ_OUTCOME_BINDING, LQ6_LEASEQUERY_REPLY, true, 5);
	struct lq_answer *v6none = answer(6, LQ_OUTCOME_NO_BINDING, LQ6_LEASEQUERY_REPLY, false, 0);
	assert_int_equal(lq_answer_pick((struct lq_answer *[]){v6none, v6a, v6b}, 3), 2);

	struct lq_answer *all[] = {old, recent, noclt, unassigned, unknown, error, silent, v6a, v6b, v6none};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		lq_answer_free(all[i]);
}

/* ISC dhcpd 4.x sends the Unix time of the last transaction in DHCPv6
 * OPTION_CLT_TIME: recognized and turned into seconds ago, so merging still
 * compares like with like. */
static void test_settle_absolute_clt(void **state)
{
	struct lq_answer *a = answer(6, LQ_OUTCOME_BINDING, LQ6_LEASEQUERY_REPLY, true, 1795463338u);
	struct lq_answer *b = answer(6, LQ_OUTCOME_BINDING, LQ6_LEASEQUERY_REPLY, true, 300);
	struct lq_answer *c = answer(6, LQ_OUTCOME_BINDING, LQ6_LEASEQUERY_REPLY, true, 3000000000u);
	(void)state;

	lq_answer_settle(a, 1795463738);
	assert_true(a->clt_absolute);
	assert_int_equal(a->clt_time, 400);
	assert_int_equal(a->clt_raw, 1795463338u);
	lq_answer_settle(b, 1795463738);
	assert_false(b->clt_absolute);
	assert_int_equal(b->clt_time, 300);
	/* neither a plausible duration nor a plausible time: left alone */
	lq_answer_settle(c, 1795463738);
	assert_false(c->clt_absolute);
	assert_int_equal(c->clt_time, 3000000000u);
	/* b (300 s ago) is more recent than a (400 s ago) */
	assert_int_equal(lq_answer_pick((struct lq_answer *[]){a, b}, 2), 1);
	lq_answer_free(a);
	lq_answer_free(b);
	lq_answer_free(c);
}

/* ------------------------------------------------- retransmission */

static void test_retx4_schedule(void **state)
{
	(void)state;
	/* RFC 2131 4.1: 4, 8, 16, 32, 64, 64 s; randomized by -1 .. +1 s */
	assert_int_equal(lq_retx4_delay_ms(0, 0), 4000);
	assert_int_equal(lq_retx4_delay_ms(1, 0), 8000);
	assert_int_equal(lq_retx4_delay_ms(2, 0), 16000);
	assert_int_equal(lq_retx4_delay_ms(3, 0), 32000);
	assert_int_equal(lq_retx4_delay_ms(4, 0), 64000);
	assert_int_equal(lq_retx4_delay_ms(5, 0), 64000);
	assert_int_equal(lq_retx4_delay_ms(1000, 0), 64000);
	assert_int_equal(lq_retx4_delay_ms(0, -1000), 3000);
	assert_int_equal(lq_retx4_delay_ms(0, 1000), 5000);
	assert_int_equal(lq_retx4_delay_ms(4, 1000), 65000);
	assert_int_equal(lq_retx4_delay_ms(0, 5000), 5000);       /* jitter clamped */
	assert_int_equal(lq_retx4_delay_ms(0, -5000), 3000);
}

static void test_retx6_schedule(void **state)
{
	(void)state;
	/* RFC 8415 15 with IRT 1 s, MRT 10 s (RFC 5007) */
	assert_int_equal(lq_retx6_delay_ms(0, 0, 0), 1000);       /* IRT */
	assert_int_equal(lq_retx6_delay_ms(0, 0, -100), 900);     /* IRT - 0.1 IRT */
	assert_int_equal(lq_retx6_delay_ms(0, 0, 100), 1100);
	assert_int_equal(lq_retx6_delay_ms(1, 1000, 0), 2000);    /* 2 RTprev */
	assert_int_equal(lq_retx6_delay_ms(1, 1100, 100), 2310);  /* 2 RTprev + 0.1 RTprev */
	assert_int_equal(lq_retx6_delay_ms(2, 2000, -50), 3900);
	assert_int_equal(lq_retx6_delay_ms(3, 4000, 0), 8000);
	assert_int_equal(lq_retx6_delay_ms(4, 8000, 0), 10000);   /* 16 s > MRT: MRT */
	assert_int_equal(lq_retx6_delay_ms(4, 8000, 100), 11000); /* MRT + 0.1 MRT */
	assert_int_equal(lq_retx6_delay_ms(4, 9000, -100), 9000); /* 17.1 s > MRT: MRT - 0.1 MRT */
	assert_int_equal(lq_retx6_delay_ms(5, 11000, 0), 10000);
	assert_int_equal(lq_retx6_delay_ms(0, 0, 1000), 1100);    /* RAND clamped */
}

static void test_retx_seeded(void **state)
{
	struct lq_rng r1, r2;
	struct lq_retx s1, s2;
	uint32_t w1, w2, prev = 0;
	(void)state;

	/* the same seed gives the same schedule */
	lq_rng_seed(&r1, 42);
	lq_rng_seed(&r2, 42);
	lq_retx_init(&s1, 4, &r1);
	lq_retx_init(&s2, 4, &r2);
	for (unsigned i = 0; i < 10; i++) {
		assert_true(lq_retx_next(&s1, &w1));      /* DHCPv4: no count limit */
		assert_true(lq_retx_next(&s2, &w2));
		assert_int_equal(w1, w2);
		uint32_t base = i < 4 ? 4000u << i : 64000u;
		assert_in_range(w1, base - 1000, base + 1000);
	}
	/* DHCPv6: LQ_MAX_RC 5 transmissions, each timeout within RFC 8415 bounds */
	lq_rng_seed(&r1, 7);
	lq_retx_init(&s1, 6, &r1);
	for (unsigned i = 0; i < LQ_RETX6_MRC; i++) {
		bool more = lq_retx_next(&s1, &w1);
		assert_int_equal(more, i + 1 < LQ_RETX6_MRC);
		if (i == 0) {
			assert_in_range(w1, 900, 1100);
		} else {
			uint32_t lo = prev * 19 / 10, hi = prev * 21 / 10;
			if (lo > 9000)
				lo = 9000;
			if (hi > 11000)
				hi = 11000;
			assert_in_range(w1, lo < 9000 ? lo : 9000, hi);
		}
		prev = w1;
	}
	/* different seeds differ somewhere */
	lq_rng_seed(&r1, 1);
	lq_rng_seed(&r2, 2);
	bool differ = false;
	for (int i = 0; i < 8; i++)
		differ |= lq_rng_next(&r1) != lq_rng_next(&r2);
	assert_true(differ);
	/* the range is inclusive at both ends */
	bool lo_seen = false, hi_seen = false;
	for (int i = 0; i < 2000; i++) {
		int32_t v = lq_rng_range(&r1, -3, 3);
		assert_in_range(v + 3, 0, 6);
		lo_seen |= v == -3;
		hi_seen |= v == 3;
	}
	assert_true(lo_seen && hi_seen);
}

/* ------------------------------------------------- output */

static void test_output_v4(void **state)
{
	struct lq4_msg *m = active4(1);
	struct lq4_request q = query4(1, LQ4_BY_ADDRESS);
	struct lq_answer *a = new_answer(4);
	uint8_t pkt[1500];
	size_t len = encode4(m, pkt, sizeof(pkt));
	struct lq_text t;
	json_t *o;
	(void)state;

	assert_null(lq4_reply_read(&q, pkt, len, a));
	lq_answer_settle(a, 1795463738);
	lq_text_init(&t);
	lq_output_text(&t, a);
	assert_non_null(strstr(t.data, "address           10.0.0.100\n"));
	assert_non_null(strstr(t.data, "state             active\n"));
	assert_non_null(strstr(t.data, "hardware          00:11:22:33:44:55 (ethernet)\n"));
	assert_non_null(strstr(t.data, "client-id         01:00:11:22:33:44:55\n"));
	assert_non_null(strstr(t.data, "lease time left   3000 s (2026-11-23T20:45:38Z)\n"));
	assert_non_null(strstr(t.data, "last transaction  600 s ago (2026-11-23T19:45:38Z)\n"));
	assert_non_null(strstr(t.data, "relay agent       circuit-id 65:74:68:30 \"eth0\"\n"));
	assert_non_null(strstr(t.data, "                  remote-id aa:bb:cc\n"));
	assert_non_null(strstr(t.data, "associated IPs    10.0.0.103\n                  10.0.0.104\n"));
	lq_text_free(&t);

	o = lq_output_binding_json(a);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "address")), "10.0.0.100");
	assert_string_equal(json_string_value(json_object_get(o, "state")), "active");
	assert_string_equal(json_string_value(json_object_get(o, "hwaddr")), "00:11:22:33:44:55");
	assert_string_equal(json_string_value(json_object_get(o, "client_id")), "01:00:11:22:33:44:55");
	assert_string_equal(json_string_value(json_object_get(o, "circuit_id")), "65:74:68:30");
	assert_string_equal(json_string_value(json_object_get(o, "remote_id")), "aa:bb:cc");
	assert_string_equal(json_string_value(json_object_get(o, "vendor_class")), "MSFT 5.0");
	assert_int_equal(json_integer_value(json_object_get(o, "lease_time")), 3000);
	assert_int_equal(json_integer_value(json_object_get(o, "expire")), 1795463738 + 3000);
	assert_int_equal(json_integer_value(json_object_get(o, "cltt")), 1795463738 - 600);
	assert_int_equal(json_array_size(json_object_get(o, "associated_ips")), 2);
	json_decref(o);
	o = lq_output_summary_json(a, 1);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "Success");
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 1);
	assert_string_equal(json_string_value(json_object_get(o, "reply")), "DHCPLEASEACTIVE");
	json_decref(o);
	o = lq_output_summary_json(NULL, 0);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "NoAnswer");
	json_decref(o);
	lq_answer_free(a);
	free(m);
}

static void test_output_v6(void **state)
{
	struct lq6_request q = query6(5);
	struct lq_answer *a = new_answer(6);
	uint8_t pkt[1500];
	size_t len = reply6(pkt, sizeof(pkt), 5, 0);
	struct lq_text t;
	json_t *o, *addrs, *pfx;
	(void)state;

	assert_null(lq6_reply_read(&q, pkt, len, a));
	lq_answer_settle(a, 1795463738);
	lq_text_init(&t);
	lq_output_text(&t, a);
	assert_non_null(strstr(t.data, "client-id         00:01:00:01:1f:bd:37:c0:00:11:22:33:44:55\n"));
	assert_non_null(strstr(t.data, "address           2001:db8:1::100 preferred 1800 s valid 3600 s"));
	assert_non_null(strstr(t.data, "prefix            2001:db8:8000::/56 preferred 1700 s valid 3500 s"));
	assert_non_null(strstr(t.data, "relay peer        fe80::9\n"));
	assert_non_null(strstr(t.data, "relay hop         0: link 2001:db8:1:: peer fe80::1 "
				       "interface-id 65:74:68:30 \"eth0\" remote-id 2495:63:70:65:31 \"cpe1\"\n"));
	assert_non_null(strstr(t.data, "option 79"));
	lq_text_free(&t);

	o = lq_output_binding_json(a);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "client_id")),
			    "00:01:00:01:1f:bd:37:c0:00:11:22:33:44:55");
	addrs = json_object_get(o, "addresses");
	pfx = json_object_get(o, "prefixes");
	assert_int_equal(json_array_size(addrs), 1);
	assert_int_equal(json_array_size(pfx), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(addrs, 0), "address")),
			    "2001:db8:1::100");
	assert_string_equal(json_string_value(json_object_get(json_array_get(pfx, 0), "prefix")),
			    "2001:db8:8000::/56");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(pfx, 0), "valid_lifetime")),
			 3500);
	assert_string_equal(json_string_value(json_object_get(o, "circuit_id")), "65:74:68:30");
	assert_string_equal(json_string_value(json_object_get(o, "remote_id")),
			    "00:00:09:bf:63:70:65:31");
	assert_string_equal(json_string_value(json_object_get(o, "link_address")), "2001:db8:1::");
	assert_string_equal(json_string_value(json_object_get(o, "relay_peer")), "fe80::9");
	assert_int_equal(json_integer_value(json_object_get(o, "clt_time")), 300);
	json_decref(o);
	lq_answer_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query4_by_address),
		cmocka_unit_test(test_query4_by_mac),
		cmocka_unit_test(test_query4_by_client_id_relay_port),
		cmocka_unit_test(test_query4_bad_arguments),
		cmocka_unit_test(test_query6_by_address),
		cmocka_unit_test(test_query6_by_client_id),
		cmocka_unit_test(test_query6_relay_port_no_oro),
		cmocka_unit_test(test_query6_bad_arguments_and_duid),
		cmocka_unit_test(test_reply4_active),
		cmocka_unit_test(test_reply4_ignored),
		cmocka_unit_test(test_reply4_unknown_unassigned_status),
		cmocka_unit_test(test_reply6_binding),
		cmocka_unit_test(test_reply6_ignored),
		cmocka_unit_test(test_reply6_relayed_status_links),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_settle_absolute_clt),
		cmocka_unit_test(test_retx4_schedule),
		cmocka_unit_test(test_retx6_schedule),
		cmocka_unit_test(test_retx_seeded),
		cmocka_unit_test(test_output_v4),
		cmocka_unit_test(test_output_v6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
