/* test_lq_active.c - the requestor side of active leasequery (`lq active`)
 * and of TLS negotiation, without sockets: the DHCPACTIVELEASEQUERY (RFC
 * 7724) and ACTIVELEASEQUERY (RFC 7653) messages, DHCPTLS and STARTTLS,
 * checked field by field with the wire decoders; the answers to DHCPTLS /
 * STARTTLS (the draft's REPLY and the RFC's STARTTLS both accepted, a
 * refusal refused, a stranger rejected); and the stream logic fed crafted
 * replies through the bulk stream readers: catch-up, CatchUpComplete and
 * the live stream (the next start time moves only once catch-up is over),
 * DataMissing and the bulk query that repairs it (exactly the start and end
 * times), keepalives, QueryTerminated (reconnect) and refusals (give up);
 * the clock skew applied to record times; the reconnection backoff; the
 * state file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "../../src/lq/active4.h"
#include "../../src/lq/active6.h"
#include "../../src/lq/active_stream.h"
#include "../../src/lq/answer.h"
#include "../../src/lq/bulk4.h"
#include "../../src/lq/bulk6.h"
#include "../../src/lq/output.h"
#include "lq/lqtime.h"
#include "lq_test_util.h"

/* ---------------------------------------------------------------- helpers */

#define XID4 0x1234abcdu
#define XID6 0x00c0ffeeu

static bool has_code(lq_bytes list, uint8_t code)
{
	for (size_t i = 0; i < list.len; i++)
		if (list.data[i] == code)
			return true;
	return false;
}

static bool has_code16(lq_bytes oro, uint16_t code)
{
	for (size_t i = 0; i + 2 <= oro.len; i += 2)
		if ((uint16_t)(oro.data[i] << 8 | oro.data[i + 1]) == code)
			return true;
	return false;
}

/* ------------------------------------------------- DHCPv4 requests */

static void test_build4_active(void **state)
{
	struct lq4_bulk_request q = {0};
	uint8_t out[LQ4_BULK_QUERY_MAX_LEN];
	size_t len;
	struct lq4_msg *m = new_msg4();
	static const uint8_t zero4[4];
	(void)state;

	q.active = true;
	q.by = LQ4_BULK_ALL;
	q.xid = XID4;
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(lq4_decode(out, len, m, NULL), LQ_OK);
	assert_int_equal(m->op, LQ4_BOOTREQUEST);
	assert_int_equal(m->msg_type, LQ4_ACTIVELEASEQUERY);
	assert_int_equal(m->xid, XID4);
	assert_memory_equal(m->ciaddr.b, zero4, 4);
	assert_int_equal(m->hlen, 0);
	assert_null(m->client_id.data);
	assert_false(m->has_relay_info);
	/* the PRL asks for what an active requestor needs (RFC 7724) */
	assert_true(has_code(m->prl, LQ4_OPT_BASE_TIME));
	assert_true(has_code(m->prl, LQ4_OPT_DHCP_STATE));
	assert_true(has_code(m->prl, LQ4_OPT_START_TIME_OF_STATE));
	assert_true(has_code(m->prl, LQ4_OPT_LEASE_TIME));
	assert_true(has_code(m->prl, LQ4_OPT_CLT_TIME));
	assert_true(has_code(m->prl, LQ4_OPT_RELAY_AGENT_INFO));
	assert_true(has_code(m->prl, LQ4_OPT_CLIENT_ID));
	/* no catch-up asked, never an end */
	assert_false(m->has_query_start_time);
	assert_false(m->has_query_end_time);
	assert_false(m->vss.present);

	/* catching up from a start time, in one VPN */
	q.has_start_time = true;
	q.start_time = T_NOW - 600;
	q.has_vss = true;
	q.vss_type = LQ4_VSS_NVT_ASCII;
	q.vss_info = (lq_bytes){ (const uint8_t *)"green", 5 };
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(lq4_decode(out, len, m, NULL), LQ_OK);
	assert_int_equal(m->msg_type, LQ4_ACTIVELEASEQUERY);
	assert_true(m->has_query_start_time);
	assert_int_equal(m->query_start_time, T_NOW - 600);
	assert_false(m->has_query_end_time);
	assert_true(m->vss.present);
	assert_int_equal(m->vss.type, LQ4_VSS_NVT_ASCII);
	assert_int_equal(m->vss.info.len, 5);
	assert_memory_equal(m->vss.info.data, "green", 5);

	/* RFC 7724: no query-end-time, no primary query */
	q.has_end_time = true;
	q.end_time = T_NOW;
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q.has_end_time = false;
	q.by = LQ4_BULK_BY_MAC;
	q.hlen = 6;
	assert_int_equal(lq4_bulk_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	free(m);
}

static void test_build4_tls(void **state)
{
	uint8_t out[LQ4_TLS_MSG_MAX_LEN];
	size_t len;
	struct lq4_msg *m = new_msg4();
	(void)state;

	assert_int_equal(lq4_tls_build(XID4, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(lq4_decode(out, len, m, NULL), LQ_OK);
	assert_int_equal(m->op, LQ4_BOOTREQUEST);
	assert_int_equal(m->msg_type, LQ4_TLS);
	assert_int_equal(m->xid, XID4);
	assert_int_equal(m->hlen, 0);
	/* nothing but the message type */
	assert_int_equal(m->n_options, 1);
	assert_int_equal(m->options[0].code, LQ4_OPT_MSG_TYPE);
	assert_int_equal(lq4_tls_build(XID4, out, 100, &len), LQ_ERR_NO_SPACE);
	free(m);
}

/* A DHCPv4 reply: type, xid; status (0xff: none), base-time (0: none),
 * address (0: none); server-id always. */
static size_t reply4(uint8_t *out, size_t cap, uint8_t type, uint32_t xid, int status,
		     int64_t base, uint8_t last, bool server_id)
{
	struct lq4_msg *m = new_msg4();
	size_t len;

	lq4_msg_init(m, type, xid);
	m->op = LQ4_BOOTREPLY;
	m->has_server_id = server_id;
	m->server_id = (lq_ip4){{192, 0, 2, 1}};
	if (status >= 0) {
		m->has_status = true;
		m->status_code = (uint8_t)status;
		m->status_text = (lq_bytes){ (const uint8_t *)"why", 3 };
	}
	if (base != 0) {
		m->has_base_time = true;
		m->base_time = lq_time_to_v4(base);
	}
	if (last != 0) {
		m->ciaddr = (lq_ip4){{192, 0, 2, last}};
		m->has_lease_time = true;
		m->lease_time = 3600;
		m->has_clt_time = true;
		m->clt_time = 60;
		m->has_start_time_of_state = true;
		m->start_time_of_state = 120;
		m->has_dhcp_state = true;
		m->dhcp_state = LQ4_STATE_ACTIVE;
	}
	assert_int_equal(lq4_encode(m, out, cap, &len), LQ_OK);
	free(m);
	return len;
}

static void test_tls4_answers(void **state)
{
	uint8_t pkt[600];
	size_t len;
	struct lq_tls_answer ans;
	(void)state;

	/* DHCPTLS without status-code: go ahead */
	len = reply4(pkt, sizeof(pkt), LQ4_TLS, XID4, -1, 0, 0, false);
	assert_int_equal(lq4_tls_answer_read(XID4, pkt, len, &ans), LQ_TLS_GO);
	assert_false(ans.has_status);
	/* Success is the same */
	len = reply4(pkt, sizeof(pkt), LQ4_TLS, XID4, LQ4_STATUS_SUCCESS, 0, 0, false);
	assert_int_equal(lq4_tls_answer_read(XID4, pkt, len, &ans), LQ_TLS_GO);
	/* TLSConnectionRefused: refused, never plain text */
	len = reply4(pkt, sizeof(pkt), LQ4_TLS, XID4, LQ4_STATUS_TLS_CONNECTION_REFUSED, 0, 0,
		     false);
	assert_int_equal(lq4_tls_answer_read(XID4, pkt, len, &ans), LQ_TLS_REFUSED);
	assert_true(ans.has_status);
	assert_int_equal(ans.status, LQ4_STATUS_TLS_CONNECTION_REFUSED);
	assert_string_equal(ans.status_text, "why");
	assert_non_null(strstr(ans.why, "TLSConnectionRefused"));
	/* in another message type too */
	len = reply4(pkt, sizeof(pkt), LQ4_LEASEQUERYSTATUS, XID4,
		     LQ4_STATUS_TLS_CONNECTION_REFUSED, 0, 0, false);
	assert_int_equal(lq4_tls_answer_read(XID4, pkt, len, &ans), LQ_TLS_REFUSED);
	/* another status in DHCPTLS: refused as well */
	len = reply4(pkt, sizeof(pkt), LQ4_TLS, XID4, LQ4_STATUS_NOT_ALLOWED, 0, 0, false);
	assert_int_equal(lq4_tls_answer_read(XID4, pkt, len, &ans), LQ_TLS_REFUSED);
	/* not an answer: other xid, other type, a request, garbage */
	len = reply4(pkt, sizeof(pkt), LQ4_TLS, XID4 + 1, -1, 0, 0, false);
	assert_int_equal(lq4_tls_answer_read(XID4, pkt, len, &ans), LQ_TLS_BAD);
	len = reply4(pkt, sizeof(pkt), LQ4_LEASEQUERYDONE, XID4, -1, 0, 0, false);
	assert_int_equal(lq4_tls_answer_read(XID4, pkt, len, &ans), LQ_TLS_BAD);
	assert_int_equal(lq4_tls_build(XID4, pkt, sizeof(pkt), &len), LQ_OK);
	assert_int_equal(lq4_tls_answer_read(XID4, pkt, len, &ans), LQ_TLS_BAD);
	assert_int_equal(lq4_tls_answer_read(XID4, pkt, 20, &ans), LQ_TLS_BAD);
}

/* ------------------------------------------------- DHCPv6 requests */

static void test_build6_active_all(void **state)
{
	struct lq6_request q = {0};
	uint8_t out[LQ6_BULK_QUERY_MAX_LEN];
	size_t len;
	struct lq6_msg m;
	(void)state;

	q.xid = XID6;
	q.requestor_duid = (lq_bytes){ duid_req, sizeof(duid_req) };
	assert_int_equal(lq6_active_build(&q, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(lq6_decode(out, len, &m, NULL), LQ_OK);
	assert_int_equal(m.type, LQ6_ACTIVELEASEQUERY);
	assert_int_equal(m.xid, XID6);
	assert_int_equal(m.client_id.len, sizeof(duid_req));
	assert_memory_equal(m.client_id.data, duid_req, sizeof(duid_req));
	/* every binding: no OPTION_LQ_QUERY (RFC 7653 8.3), the ORO beside */
	assert_false(m.query.present);
	assert_true(has_code16(m.oro, LQ6_OPT_LQ_BASE_TIME));
	assert_true(has_code16(m.oro, LQ6_OPT_LQ_RELAY_DATA));
	assert_false(m.has_start_time);
	assert_false(m.has_end_time);

	/* catching up: OPTION_LQ_START_TIME at the message level */
	q.has_start_time = true;
	q.start_time = lq_time_to_v6(T_NOW - 600);
	assert_int_equal(lq6_active_build(&q, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(lq6_decode(out, len, &m, NULL), LQ_OK);
	assert_true(m.has_start_time);
	assert_int_equal(lq_time_from_v6(m.start_time), T_NOW - 600);
	assert_false(m.has_end_time);

	/* never an end time (RFC 7653 6.3.3), never without our DUID */
	q.has_end_time = true;
	assert_int_equal(lq6_active_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
	q.has_end_time = false;
	q.requestor_duid = (lq_bytes){ NULL, 0 };
	assert_int_equal(lq6_active_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
}

static void test_build6_active_narrowed(void **state)
{
	struct lq6_request q = {0};
	uint8_t out[LQ6_BULK_QUERY_MAX_LEN];
	size_t len;
	struct lq6_msg m;
	static const uint8_t link[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1};
	(void)state;

	q.type = LQ6_QUERY_BY_RELAY_ID;
	q.xid = XID6;
	memcpy(q.link_address.b, link, 16);
	q.relay_id = (lq_bytes){ relay_id, sizeof(relay_id) };
	q.requestor_duid = (lq_bytes){ duid_req, sizeof(duid_req) };
	q.has_start_time = true;
	q.start_time = 1000;
	assert_int_equal(lq6_active_build(&q, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(lq6_decode(out, len, &m, NULL), LQ_OK);
	assert_int_equal(m.type, LQ6_ACTIVELEASEQUERY);
	assert_int_equal(m.xid, XID6);
	assert_true(m.query.present);
	assert_int_equal(m.query.type, LQ6_QUERY_BY_RELAY_ID);
	assert_memory_equal(m.query.link_address.b, link, 16);
	assert_int_equal(m.query.relay_id.len, sizeof(relay_id));
	assert_memory_equal(m.query.relay_id.data, relay_id, sizeof(relay_id));
	/* the ORO inside the query */
	assert_true(has_code16(m.query.oro, LQ6_OPT_LQ_BASE_TIME));
	assert_true(has_code16(m.query.oro, LQ6_OPT_LQ_RELAY_DATA));
	assert_true(m.has_start_time);
	assert_int_equal(m.start_time, 1000);

	q.type = LQ6_QUERY_BY_LINK_ADDRESS;
	assert_int_equal(lq6_active_build(&q, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(lq6_decode(out, len, &m, NULL), LQ_OK);
	assert_int_equal(m.type, LQ6_ACTIVELEASEQUERY);
	assert_int_equal(m.query.type, LQ6_QUERY_BY_LINK_ADDRESS);

	/* a query type without its value */
	q.type = LQ6_QUERY_BY_REMOTE_ID;
	assert_int_equal(lq6_active_build(&q, out, sizeof(out), &len), LQ_ERR_INVALID_ARGUMENT);
}

static void test_build6_starttls(void **state)
{
	uint8_t out[LQ6_STARTTLS_MAX_LEN];
	size_t len;
	struct lq6_msg m;
	(void)state;

	assert_int_equal(lq6_starttls_build(XID6, (lq_bytes){ duid_req, sizeof(duid_req) }, out,
					    sizeof(out), &len), LQ_OK);
	assert_int_equal(lq6_decode(out, len, &m, NULL), LQ_OK);
	assert_int_equal(m.type, LQ6_STARTTLS);
	assert_int_equal(m.xid, XID6);
	assert_int_equal(m.client_id.len, sizeof(duid_req));
	assert_memory_equal(m.client_id.data, duid_req, sizeof(duid_req));
	assert_int_equal(len, 4 + 4 + sizeof(duid_req));
	assert_int_equal(lq6_starttls_build(XID6, (lq_bytes){ NULL, 0 }, out, sizeof(out), &len),
			 LQ_ERR_INVALID_ARGUMENT);
}

static size_t answer6(uint8_t *out, size_t cap, uint8_t type, uint32_t xid, int status,
		      const uint8_t *duid, size_t duid_len)
{
	struct lq6_writer w;
	size_t len;

	lq6w_init(&w, out, cap);
	lq6w_header(&w, type, xid);
	if (duid != NULL)
		lq6w_option(&w, LQ6_OPT_CLIENTID, duid, duid_len);
	lq6w_option(&w, LQ6_OPT_SERVERID, duid_srv, sizeof(duid_srv));
	if (status >= 0)
		lq6w_status(&w, (uint16_t)status, "no TLS here");
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	return len;
}

static void test_tls6_answers(void **state)
{
	uint8_t pkt[256];
	size_t len;
	struct lq_tls_answer ans;
	lq_bytes duid = { duid_req, sizeof(duid_req) };
	(void)state;

	/* the draft: REPLY without status */
	len = answer6(pkt, sizeof(pkt), LQ6_REPLY, XID6, -1, duid_req, sizeof(duid_req));
	assert_int_equal(lq6_starttls_answer_read(XID6, duid, pkt, len, &ans), LQ_TLS_GO);
	assert_int_equal(ans.msg_type, LQ6_REPLY);
	/* RFC 7653: STARTTLS without status (and without our DUID) */
	len = answer6(pkt, sizeof(pkt), LQ6_STARTTLS, XID6, -1, NULL, 0);
	assert_int_equal(lq6_starttls_answer_read(XID6, duid, pkt, len, &ans), LQ_TLS_GO);
	assert_int_equal(ans.msg_type, LQ6_STARTTLS);
	len = answer6(pkt, sizeof(pkt), LQ6_STARTTLS, XID6, LQ6_STATUS_SUCCESS, NULL, 0);
	assert_int_equal(lq6_starttls_answer_read(XID6, duid, pkt, len, &ans), LQ_TLS_GO);
	/* refused, in either form */
	len = answer6(pkt, sizeof(pkt), LQ6_REPLY, XID6, LQ6_STATUS_TLS_CONNECTION_REFUSED,
		      duid_req, sizeof(duid_req));
	assert_int_equal(lq6_starttls_answer_read(XID6, duid, pkt, len, &ans), LQ_TLS_REFUSED);
	assert_int_equal(ans.status, LQ6_STATUS_TLS_CONNECTION_REFUSED);
	assert_string_equal(ans.status_text, "no TLS here");
	assert_non_null(strstr(ans.why, "TLSConnectionRefused"));
	len = answer6(pkt, sizeof(pkt), LQ6_STARTTLS, XID6, LQ6_STATUS_TLS_CONNECTION_REFUSED,
		      NULL, 0);
	assert_int_equal(lq6_starttls_answer_read(XID6, duid, pkt, len, &ans), LQ_TLS_REFUSED);
	/* not an answer: another message type, transaction id or DUID */
	len = answer6(pkt, sizeof(pkt), LQ6_LEASEQUERY_REPLY, XID6, -1, NULL, 0);
	assert_int_equal(lq6_starttls_answer_read(XID6, duid, pkt, len, &ans), LQ_TLS_BAD);
	len = answer6(pkt, sizeof(pkt), LQ6_REPLY, XID6 + 1, -1, NULL, 0);
	assert_int_equal(lq6_starttls_answer_read(XID6, duid, pkt, len, &ans), LQ_TLS_BAD);
	len = answer6(pkt, sizeof(pkt), LQ6_REPLY, XID6, -1, duid_other, sizeof(duid_other));
	assert_int_equal(lq6_starttls_answer_read(XID6, duid, pkt, len, &ans), LQ_TLS_BAD);
	assert_int_equal(lq6_starttls_answer_read(XID6, duid, pkt, 3, &ans), LQ_TLS_BAD);
}

/* ------------------------------------------------- the DHCPv4 stream */

/* One active query of family as lq active follows it: the reader's query
 * and answer, and the stream's state and last step. */
struct feed {
	int family;
	struct lq_stream_query q;
	struct lq4_msg *scratch;        /* v4 */
	struct lq_answer *a;
	struct lq_astream st;
	struct lq_astream_step step;
};

static void feed_init(struct feed *f, int family)
{
	memset(f, 0, sizeof(*f));
	f->family = family;
	f->q.xid = family == 4 ? XID4 : XID6;
	f->q.active = true;
	f->scratch = family == 4 ? new_msg4() : NULL;
	f->a = new_answer(family);
	lq_astream_init(&f->st, family);
}

static void feed_free(struct feed *f)
{
	free(f->scratch);
	lq_answer_free(f->a);
}

/* Read the message pkt[len] (v6: to our DUID duid_req) and step the stream
 * at local time now. */
static enum lq_astream_action feed(struct feed *f, const uint8_t *pkt, size_t len, int64_t now)
{
	struct lq_stream_read res;

	if (f->family == 4)
		assert_null(lq4_bulk_read(&f->q, 1, f->scratch, pkt, len, f->a, &res));
	else
		assert_null(lq6_bulk_read(&f->q, 1, (lq_bytes){ duid_req, sizeof(duid_req) }, pkt,
					  len, f->a, &res));
	return lq_astream_step(&f->st, res.event, f->a, now, &f->step);
}

/* Read one crafted message and step the stream at local time now. */
static enum lq_astream_action feed4(struct feed *f, uint8_t type, int status, int64_t base,
				    uint8_t last, int64_t now)
{
	uint8_t pkt[600];
	size_t len = reply4(pkt, sizeof(pkt), type, XID4, status, base, last, f->q.messages == 0);

	return feed(f, pkt, len, now);
}

static void test_stream4_catch_up(void **state)
{
	struct feed f;
	int64_t start = T_NOW - 3600, next;
	(void)state;

	feed_init(&f, 4);
	/* a state file said T_NOW - 3600: the query asks for catch-up from it */
	lq_astream_set_resume(&f.st, start);
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, start);
	lq_astream_begin(&f.st, true, start);

	/* catch-up messages: shown, marked, their base-time not kept */
	assert_int_equal(feed4(&f, LQ4_LEASEACTIVE, -1, T_NOW, 10, T_NOW), LQ_ASTREAM_BINDING);
	assert_true(f.step.catch_up);
	assert_int_equal(feed4(&f, LQ4_LEASEUNASSIGNED, -1, T_NOW + 1, 11, T_NOW + 1),
			 LQ_ASTREAM_BINDING);
	assert_true(f.step.catch_up);
	assert_false(lq_astream_saved(&f.st));
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, start);  /* a reconnect now would catch up again from there */

	/* CatchUpComplete: its base-time is the next start time */
	assert_int_equal(feed4(&f, LQ4_LEASEQUERYSTATUS, LQ4_STATUS_CATCH_UP_COMPLETE, T_NOW + 2, 0,
			       T_NOW + 2), LQ_ASTREAM_CATCH_UP_COMPLETE);
	assert_int_equal(f.st.catch_up_bindings, 2);
	assert_true(lq_astream_saved(&f.st));
	assert_false(lq_astream_saved(&f.st));
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, T_NOW + 2);

	/* live: each base-time moves it on */
	assert_int_equal(feed4(&f, LQ4_LEASEACTIVE, -1, T_NOW + 5, 12, T_NOW + 5), LQ_ASTREAM_BINDING);
	assert_false(f.step.catch_up);
	assert_true(lq_astream_saved(&f.st));
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, T_NOW + 5);

	/* a keepalive: DHCPLEASEQUERYSTATUS without status-code */
	assert_int_equal(feed4(&f, LQ4_LEASEQUERYSTATUS, -1, T_NOW + 65, 0, T_NOW + 65),
			 LQ_ASTREAM_KEEPALIVE);
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, T_NOW + 65);
	/* (with status Success, the same) */
	assert_int_equal(feed4(&f, LQ4_LEASEQUERYSTATUS, LQ4_STATUS_SUCCESS, T_NOW + 125, 0,
			       T_NOW + 125), LQ_ASTREAM_KEEPALIVE);

	/* an older base-time never moves it back */
	assert_int_equal(feed4(&f, LQ4_LEASEACTIVE, -1, T_NOW + 100, 13, T_NOW + 126),
			 LQ_ASTREAM_BINDING);
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, T_NOW + 125);
	assert_int_equal(f.st.bindings, 4);

	/* QueryTerminated: reconnect, from the highest base-time kept (not the
	 * DONE's own) */
	assert_int_equal(feed4(&f, LQ4_LEASEQUERYDONE, LQ4_STATUS_QUERY_TERMINATED, T_NOW + 200, 0,
			       T_NOW + 200), LQ_ASTREAM_TERMINATED);
	assert_string_equal(f.step.status_name, "QueryTerminated");
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, T_NOW + 125);
	feed_free(&f);
}

static void test_stream4_reconnect_during_catch_up(void **state)
{
	struct feed f;
	int64_t start = T_NOW - 100, next;
	(void)state;

	feed_init(&f, 4);
	lq_astream_set_resume(&f.st, start);
	lq_astream_begin(&f.st, true, start);
	assert_int_equal(feed4(&f, LQ4_LEASEACTIVE, -1, T_NOW, 10, T_NOW), LQ_ASTREAM_BINDING);
	/* the connection goes away before CatchUpComplete: the next query
	 * uses the previous start time (RFC 7653 8.4.1 MUST) */
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, start);
	memset(&f.q, 0, sizeof(f.q));
	f.q.xid = XID4;
	f.q.active = true;
	lq_astream_begin(&f.st, true, next);
	assert_true(f.st.catching_up);
	assert_int_equal(feed4(&f, LQ4_LEASEQUERYSTATUS, LQ4_STATUS_CATCH_UP_COMPLETE, T_NOW + 9, 0,
			       T_NOW + 9), LQ_ASTREAM_CATCH_UP_COMPLETE);
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, T_NOW + 9);
	feed_free(&f);
}

static void test_stream4_no_catch_up(void **state)
{
	struct feed f;
	int64_t next;
	(void)state;

	feed_init(&f, 4);
	/* nothing known: no start time, every base-time counts at once */
	assert_false(lq_astream_next_start(&f.st, &next));
	lq_astream_begin(&f.st, false, 0);
	assert_int_equal(feed4(&f, LQ4_LEASEACTIVE, -1, T_NOW, 10, T_NOW), LQ_ASTREAM_BINDING);
	assert_false(f.step.catch_up);
	assert_true(lq_astream_saved(&f.st));
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, T_NOW);
	feed_free(&f);
}

static void test_stream4_data_missing(void **state)
{
	struct feed f;
	int64_t start = T_NOW - 7200, next;
	struct lq4_bulk_request active = {0}, rep;
	uint8_t out[LQ4_BULK_QUERY_MAX_LEN];
	size_t len;
	struct lq4_msg *m = new_msg4();
	static const uint8_t prl[] = {51, 152};
	(void)state;

	feed_init(&f, 4);
	lq_astream_set_resume(&f.st, start);
	lq_astream_begin(&f.st, true, start);
	/* the server's history does not reach back that far */
	assert_int_equal(feed4(&f, LQ4_LEASEQUERYSTATUS, LQ4_STATUS_DATA_MISSING, T_NOW, 0, T_NOW),
			 LQ_ASTREAM_DATA_MISSING);
	assert_true(f.step.repair);
	assert_int_equal(f.step.repair_start, start);
	assert_true(f.step.has_repair_end);
	assert_int_equal(f.step.repair_end, T_NOW);
	assert_false(f.st.catching_up);

	/* the bulk query of the repair: exactly those times, every address,
	 * the active query's PRL and VPN */
	active.active = true;
	active.xid = XID4;
	active.prl = (lq_bytes){ prl, sizeof(prl) };
	active.has_start_time = true;
	active.start_time = start;
	active.has_vss = true;
	active.vss_type = LQ4_VSS_ALL_VPNS;
	lq4_active_repair(&active, &f.step, 0x55aa55aau, &rep);
	assert_int_equal(lq4_bulk_build(&rep, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(lq4_decode(out, len, m, NULL), LQ_OK);
	assert_int_equal(m->msg_type, LQ4_BULKLEASEQUERY);
	assert_int_equal(m->xid, 0x55aa55aau);
	assert_true(m->has_query_start_time);
	assert_int_equal(m->query_start_time, (uint32_t)start);
	assert_true(m->has_query_end_time);
	assert_int_equal(m->query_end_time, (uint32_t)T_NOW);
	assert_int_equal(m->prl.len, sizeof(prl));
	assert_true(m->vss.present);
	assert_int_equal(m->vss.type, LQ4_VSS_ALL_VPNS);
	assert_int_equal(m->hlen, 0);
	assert_null(m->client_id.data);

	/* live changes meanwhile: shown, but no base-time kept until the
	 * repair has run */
	assert_int_equal(feed4(&f, LQ4_LEASEACTIVE, -1, T_NOW + 3, 10, T_NOW + 3), LQ_ASTREAM_BINDING);
	assert_false(f.step.catch_up);
	assert_false(lq_astream_saved(&f.st));
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, start);
	/* a failed repair keeps the old start time */
	lq_astream_repair_done(&f.st, false);
	assert_false(lq_astream_saved(&f.st));
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, start);
	feed_free(&f);

	/* again, with a repair that works: the highest base-time held back */
	feed_init(&f, 4);
	lq_astream_set_resume(&f.st, start);
	lq_astream_begin(&f.st, true, start);
	feed4(&f, LQ4_LEASEQUERYSTATUS, LQ4_STATUS_DATA_MISSING, T_NOW, 0, T_NOW);
	feed4(&f, LQ4_LEASEACTIVE, -1, T_NOW + 3, 10, T_NOW + 3);
	lq_astream_repair_done(&f.st, true);
	assert_true(lq_astream_saved(&f.st));
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, T_NOW + 3);
	/* a live stream that fell behind: the repair starts at the highest
	 * base-time kept */
	feed4(&f, LQ4_LEASEACTIVE, -1, T_NOW + 10, 11, T_NOW + 10);
	assert_int_equal(feed4(&f, LQ4_LEASEQUERYSTATUS, LQ4_STATUS_DATA_MISSING, T_NOW + 50, 0,
			       T_NOW + 50), LQ_ASTREAM_DATA_MISSING);
	assert_true(f.step.repair);
	assert_int_equal(f.step.repair_start, T_NOW + 10);
	assert_int_equal(f.step.repair_end, T_NOW + 50);
	free(m);
	feed_free(&f);
}

static void test_stream4_refused(void **state)
{
	struct feed f;
	(void)state;

	feed_init(&f, 4);
	lq_astream_begin(&f.st, false, 0);
	assert_int_equal(feed4(&f, LQ4_LEASEQUERYSTATUS, LQ4_STATUS_NOT_ALLOWED, T_NOW, 0, T_NOW),
			 LQ_ASTREAM_REFUSED);
	assert_string_equal(f.step.status_name, "NotAllowed");
	assert_int_equal(f.step.status_text.len, 3);
	feed_free(&f);

	feed_init(&f, 4);
	lq_astream_begin(&f.st, false, 0);
	assert_int_equal(feed4(&f, LQ4_LEASEQUERYSTATUS, LQ4_STATUS_MALFORMED_QUERY, T_NOW, 0, T_NOW),
			 LQ_ASTREAM_REFUSED);
	feed_free(&f);

	/* an error worth retrying: UnspecFail ends the query, reconnect */
	feed_init(&f, 4);
	lq_astream_begin(&f.st, false, 0);
	assert_int_equal(feed4(&f, LQ4_LEASEQUERYDONE, LQ4_STATUS_UNSPEC_FAIL, T_NOW, 0, T_NOW),
			 LQ_ASTREAM_TERMINATED);
	feed_free(&f);

	/* DONE with NotAllowed: refused */
	feed_init(&f, 4);
	lq_astream_begin(&f.st, false, 0);
	assert_int_equal(feed4(&f, LQ4_LEASEQUERYDONE, LQ4_STATUS_NOT_ALLOWED, T_NOW, 0, T_NOW),
			 LQ_ASTREAM_REFUSED);
	feed_free(&f);
}

static void test_stream4_reader(void **state)
{
	struct lq_stream_query q = {0};
	struct lq4_msg *scratch = new_msg4();
	struct lq_answer *a = new_answer(4);
	struct lq_stream_read res;
	uint8_t pkt[600];
	size_t len;
	(void)state;

	/* DHCPLEASEQUERYSTATUS is for active queries only */
	q.xid = XID4;
	len = reply4(pkt, sizeof(pkt), LQ4_LEASEQUERYSTATUS, XID4, LQ4_STATUS_CATCH_UP_COMPLETE,
		     T_NOW, 0, true);
	assert_non_null(lq4_bulk_read(&q, 1, scratch, pkt, len, a, &res));
	q.active = true;
	assert_null(lq4_bulk_read(&q, 1, scratch, pkt, len, a, &res));
	assert_int_equal(res.event, LQ_STREAM_STATUS);
	assert_false(q.finished);
	assert_int_equal(q.bindings, 0);
	assert_true(a->has_base_time);
	assert_int_equal(a->base_time, T_NOW);
	/* an active query's first message without server-id: a warning */
	memset(&q, 0, sizeof(q));
	q.xid = XID4;
	q.active = true;
	len = reply4(pkt, sizeof(pkt), LQ4_LEASEQUERYSTATUS, XID4, -1, T_NOW, 0, false);
	assert_null(lq4_bulk_read(&q, 1, scratch, pkt, len, a, &res));
	assert_non_null(res.warning);
	/* another xid still closes the connection */
	len = reply4(pkt, sizeof(pkt), LQ4_LEASEACTIVE, XID4 + 1, -1, T_NOW, 10, true);
	assert_non_null(lq4_bulk_read(&q, 1, scratch, pkt, len, a, &res));
	free(scratch);
	lq_answer_free(a);
}

/* ------------------------------------------------- the DHCPv6 stream */

/* A DHCPv6 message of the stream: type; status (-1 none); base-time (0
 * none); with client data (an address, CLT 60) or not; our DUID and the
 * server's in a LEASEQUERY-REPLY. */
static size_t reply6(uint8_t *out, size_t cap, uint8_t type, int status, int64_t base,
		     bool client)
{
	struct lq6_writer w;
	size_t len;
	lq_ip6 addr = {{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}};

	lq6w_init(&w, out, cap);
	lq6w_header(&w, type, XID6);
	if (type == LQ6_LEASEQUERY_REPLY) {
		lq6w_option(&w, LQ6_OPT_CLIENTID, duid_req, sizeof(duid_req));
		lq6w_option(&w, LQ6_OPT_SERVERID, duid_srv, sizeof(duid_srv));
	}
	if (status >= 0)
		lq6w_status(&w, (uint16_t)status, "why");
	if (base != 0)
		lq6w_option_u32(&w, LQ6_OPT_LQ_BASE_TIME, lq_time_to_v6(base));
	if (client) {
		lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
		lq6w_option(&w, LQ6_OPT_CLIENTID, duid_cli, sizeof(duid_cli));
		lq6w_iaaddr(&w, &addr, 1800, 3600);
		lq6w_option_u32(&w, LQ6_OPT_CLT_TIME, 60);
		lq6w_close(&w);
	}
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	return len;
}

static enum lq_astream_action feed6(struct feed *f, uint8_t type, int status, int64_t base,
				    bool client, int64_t now)
{
	uint8_t pkt[600];
	size_t len = reply6(pkt, sizeof(pkt), type, status, base, client);

	return feed(f, pkt, len, now);
}

static void test_stream6(void **state)
{
	struct feed f;
	int64_t start = T_NOW - 3600, next;
	(void)state;

	feed_init(&f, 6);
	lq_astream_set_resume(&f.st, start);
	lq_astream_begin(&f.st, true, start);
	/* the LEASEQUERY-REPLY accepts the query; catching up */
	assert_int_equal(feed6(&f, LQ6_LEASEQUERY_REPLY, -1, T_NOW, false, T_NOW),
			 LQ_ASTREAM_ACCEPTED);
	assert_false(f.q.finished);
	assert_int_equal(feed6(&f, LQ6_LEASEQUERY_DATA, -1, T_NOW, true, T_NOW), LQ_ASTREAM_BINDING);
	assert_true(f.step.catch_up);
	assert_false(lq_astream_saved(&f.st));
	/* CatchUpComplete in a LEASEQUERY-DATA */
	assert_int_equal(feed6(&f, LQ6_LEASEQUERY_DATA, LQ6_STATUS_CATCH_UP_COMPLETE, T_NOW + 1,
			       false, T_NOW + 1), LQ_ASTREAM_CATCH_UP_COMPLETE);
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, T_NOW + 1);
	/* live */
	assert_int_equal(feed6(&f, LQ6_LEASEQUERY_DATA, -1, T_NOW + 4, true, T_NOW + 4),
			 LQ_ASTREAM_BINDING);
	assert_false(f.step.catch_up);
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, T_NOW + 4);
	/* keepalive: LEASEQUERY-DATA without client data */
	assert_int_equal(feed6(&f, LQ6_LEASEQUERY_DATA, -1, T_NOW + 64, false, T_NOW + 64),
			 LQ_ASTREAM_KEEPALIVE);
	assert_true(lq_astream_next_start(&f.st, &next));
	assert_int_equal(next, T_NOW + 64);
	/* LEASEQUERY-DONE with QueryTerminated: reconnect */
	assert_int_equal(feed6(&f, LQ6_LEASEQUERY_DONE, LQ6_STATUS_QUERY_TERMINATED, T_NOW + 70,
			       false, T_NOW + 70), LQ_ASTREAM_TERMINATED);
	assert_string_equal(f.step.status_name, "QueryTerminated");
	assert_true(f.q.finished);
	feed_free(&f);
}

static void test_stream6_data_missing(void **state)
{
	struct feed f;
	int64_t start = T_NOW - 3600;
	struct lq6_request active = {0}, rep;
	uint8_t out[LQ6_BULK_QUERY_MAX_LEN];
	size_t len;
	struct lq6_msg m;
	static const lq_ip6 any;
	(void)state;

	feed_init(&f, 6);
	lq_astream_set_resume(&f.st, start);
	lq_astream_begin(&f.st, true, start);
	/* RFC 7653 8.4.1: DataMissing in the LEASEQUERY-REPLY; the query goes on */
	assert_int_equal(feed6(&f, LQ6_LEASEQUERY_REPLY, LQ6_STATUS_DATA_MISSING, T_NOW, false, T_NOW),
			 LQ_ASTREAM_DATA_MISSING);
	assert_false(f.q.finished);
	assert_true(f.step.repair);
	assert_int_equal(f.step.repair_start, start);
	assert_int_equal(f.step.repair_end, T_NOW);
	/* the repair: QUERY_BY_LINK_ADDRESS :: with exactly those times */
	active.xid = XID6;
	active.requestor_duid = (lq_bytes){ duid_req, sizeof(duid_req) };
	active.has_start_time = true;
	active.start_time = lq_time_to_v6(start);
	lq6_active_repair(&active, &f.step, 0x123456, &rep);
	assert_int_equal(lq6_bulk_build(&rep, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(lq6_decode(out, len, &m, NULL), LQ_OK);
	assert_int_equal(m.type, LQ6_LEASEQUERY);
	assert_int_equal(m.xid, 0x123456);
	assert_true(m.query.present);
	assert_int_equal(m.query.type, LQ6_QUERY_BY_LINK_ADDRESS);
	assert_memory_equal(m.query.link_address.b, any.b, 16);
	assert_true(m.has_start_time);
	assert_int_equal(lq_time_from_v6(m.start_time), start);
	assert_true(m.has_end_time);
	assert_int_equal(lq_time_from_v6(m.end_time), T_NOW);
	/* a narrowed active query repairs with its own query */
	active.type = LQ6_QUERY_BY_RELAY_ID;
	active.relay_id = (lq_bytes){ relay_id, sizeof(relay_id) };
	lq6_active_repair(&active, &f.step, 0x123457, &rep);
	assert_int_equal(lq6_bulk_build(&rep, out, sizeof(out), &len), LQ_OK);
	assert_int_equal(lq6_decode(out, len, &m, NULL), LQ_OK);
	assert_int_equal(m.query.type, LQ6_QUERY_BY_RELAY_ID);
	assert_int_equal(m.query.relay_id.len, sizeof(relay_id));
	assert_int_equal(lq_time_from_v6(m.end_time), T_NOW);
	feed_free(&f);

	/* refused in the LEASEQUERY-REPLY: give up */
	feed_init(&f, 6);
	lq_astream_begin(&f.st, false, 0);
	assert_int_equal(feed6(&f, LQ6_LEASEQUERY_REPLY, LQ6_STATUS_NOT_ALLOWED, T_NOW, false, T_NOW),
			 LQ_ASTREAM_REFUSED);
	feed_free(&f);
	feed_init(&f, 6);
	lq_astream_begin(&f.st, false, 0);
	assert_int_equal(feed6(&f, LQ6_LEASEQUERY_REPLY, LQ6_STATUS_NOT_SUPPORTED, T_NOW, false,
			       T_NOW), LQ_ASTREAM_REFUSED);
	feed_free(&f);
}

static void test_state6_inactive(void **state)
{
	struct feed f;
	struct lq_stream_read res;
	struct lq6_writer w;
	uint8_t pkt[300];
	size_t len;
	lq_ip6 addr = {{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0}};
	json_t *o;
	(void)state;

	feed_init(&f, 6);
	lq_astream_begin(&f.st, false, 0);
	assert_int_equal(feed6(&f, LQ6_LEASEQUERY_REPLY, -1, T_NOW, false, T_NOW),
			 LQ_ASTREAM_ACCEPTED);
	/* a lease that ended: lifetimes 0 (a deleted one even without the
	 * client's DUID) */
	lq6w_init(&w, pkt, sizeof(pkt));
	lq6w_header(&w, LQ6_LEASEQUERY_DATA, XID6);
	lq6w_option_u32(&w, LQ6_OPT_LQ_BASE_TIME, lq_time_to_v6(T_NOW + 1));
	lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
	lq6w_iaaddr(&w, &addr, 0, 0);
	lq6w_close(&w);
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
	assert_null(lq6_bulk_read(&f.q, 1, (lq_bytes){ duid_req, sizeof(duid_req) }, pkt, len,
				  f.a, &res));
	assert_int_equal(lq_astream_step(&f.st, res.event, f.a, T_NOW + 1, &f.step),
			 LQ_ASTREAM_BINDING);
	assert_string_equal(lq_answer_state(f.a), "inactive");
	o = lq_output_binding_json(f.a);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "inactive");
	assert_null(json_object_get(o, "client_id"));
	assert_int_equal(json_array_size(json_object_get(o, "addresses")), 1);
	json_decref(o);
	/* an active one */
	assert_int_equal(feed6(&f, LQ6_LEASEQUERY_DATA, -1, T_NOW + 2, true, T_NOW + 2),
			 LQ_ASTREAM_BINDING);
	assert_string_equal(lq_answer_state(f.a), "active");
	feed_free(&f);
}

/* ------------------------------------------------- clock skew */

static void test_skew(void **state)
{
	struct feed f;
	json_t *o;
	(void)state;

	feed_init(&f, 4);
	lq_astream_begin(&f.st, false, 0);
	/* our clock is 100 s ahead of the server's */
	assert_int_equal(feed4(&f, LQ4_LEASEACTIVE, -1, T_NOW, 10, T_NOW + 100), LQ_ASTREAM_BINDING);
	assert_int_equal(lq_astream_skew(&f.st), 100);
	assert_int_equal(lq_astream_to_local(&f.st, T_NOW), T_NOW + 100);
	/* the record's times on our clock: base-time + skew, then the
	 * relative times (lease 3600, CLT 60, state since 120 s) */
	assert_int_equal(f.a->received, T_NOW + 100);
	o = lq_output_binding_json(f.a);
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "base_time")), T_NOW);
	assert_int_equal(json_integer_value(json_object_get(o, "expire")), T_NOW + 100 + 3600);
	assert_int_equal(json_integer_value(json_object_get(o, "cltt")), T_NOW + 100 - 60);
	assert_int_equal(json_integer_value(json_object_get(o, "state_since")), T_NOW + 100 - 120);
	json_decref(o);
	/* smoothed: one sample of 180 moves it by an eighth of the difference */
	feed4(&f, LQ4_LEASEACTIVE, -1, T_NOW + 10, 11, T_NOW + 10 + 180);
	assert_int_equal(lq_astream_skew(&f.st), 110);
	assert_int_equal(f.a->received, T_NOW + 10 + 110);
	/* a message without base-time: our clock as it is */
	assert_int_equal(feed4(&f, LQ4_LEASEACTIVE, -1, 0, 12, T_NOW + 500), LQ_ASTREAM_BINDING);
	assert_int_equal(f.a->received, T_NOW + 500);
	/* negative: the server ahead of us */
	lq_astream_init(&f.st, 4);
	lq_astream_begin(&f.st, false, 0);
	feed4(&f, LQ4_LEASEACTIVE, -1, T_NOW + 40, 13, T_NOW);
	assert_int_equal(lq_astream_skew(&f.st), -40);
	assert_int_equal(lq_astream_to_local(&f.st, T_NOW + 40), T_NOW);
	feed_free(&f);
}

/* ------------------------------------------------- backoff, state file */

static void test_backoff(void **state)
{
	struct lq_rng rng;
	(void)state;

	lq_rng_seed(&rng, 42);
	for (int i = 0; i < 200; i++) {
		uint32_t d0 = lq_astream_backoff_ms(0, 60000, &rng);
		uint32_t d3 = lq_astream_backoff_ms(3, 60000, &rng);
		uint32_t d10 = lq_astream_backoff_ms(10, 60000, &rng);
		uint32_t dsmall = lq_astream_backoff_ms(10, 5000, &rng);
		assert_in_range(d0, 800, 1200);
		assert_in_range(d3, 6400, 9600);
		assert_in_range(d10, 48000, 60000);
		assert_in_range(dsmall, 4000, 5000);
	}
}

static void test_state_file(void **state)
{
	struct lq_astream st;
	json_t *j;
	char *text, err[256];
	int64_t base;
	bool other;
	(void)state;

	lq_astream_init(&st, 4);
	assert_null(lq_astream_state_json(&st, "127.0.0.1:67", T_NOW));
	lq_astream_set_resume(&st, T_NOW - 5);
	j = lq_astream_state_json(&st, "127.0.0.1:67", T_NOW);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "family")), 4);
	assert_string_equal(json_string_value(json_object_get(j, "server")), "127.0.0.1:67");
	assert_int_equal(json_integer_value(json_object_get(j, "base_time")), T_NOW - 5);
	assert_string_equal(json_string_value(json_object_get(j, "updated")), "2026-11-23T19:55:38Z");
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_int_equal(lq_astream_state_parse(text, strlen(text), 4, "127.0.0.1:67", &base, &other,
						err, sizeof(err)), 0);
	assert_int_equal(base, T_NOW - 5);
	assert_false(other);
	assert_int_equal(lq_astream_state_parse(text, strlen(text), 4, "lqd.example:67", &base,
						&other, err, sizeof(err)), 0);
	assert_true(other);
	/* another family's state */
	assert_int_equal(lq_astream_state_parse(text, strlen(text), 6, "127.0.0.1:67", &base, &other,
						err, sizeof(err)), -1);
	assert_non_null(strstr(err, "DHCPv4"));
	free(text);
	/* no base_time yet; garbage; a time DHCPv6 cannot carry */
	assert_int_equal(lq_astream_state_parse("{\"family\":6}", 12, 6, NULL, &base, &other, err,
						sizeof(err)), 1);
	assert_int_equal(lq_astream_state_parse("{nope", 5, 4, NULL, &base, &other, err, sizeof(err)),
			 -1);
	assert_int_equal(lq_astream_state_parse("{\"base_time\":5}", 15, 6, NULL, &base, &other,
						err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build4_active),
		cmocka_unit_test(test_build4_tls),
		cmocka_unit_test(test_tls4_answers),
		cmocka_unit_test(test_build6_active_all),
		cmocka_unit_test(test_build6_active_narrowed),
		cmocka_unit_test(test_build6_starttls),
		cmocka_unit_test(test_tls6_answers),
		cmocka_unit_test(test_stream4_catch_up),
		cmocka_unit_test(test_stream4_reconnect_during_catch_up),
		cmocka_unit_test(test_stream4_no_catch_up),
		cmocka_unit_test(test_stream4_data_missing),
		cmocka_unit_test(test_stream4_refused),
		cmocka_unit_test(test_stream4_reader),
		cmocka_unit_test(test_stream6),
		cmocka_unit_test(test_stream6_data_missing),
		cmocka_unit_test(test_state6_inactive),
		cmocka_unit_test(test_skew),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_state_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
