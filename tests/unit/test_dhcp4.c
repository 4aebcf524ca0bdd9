/* test_dhcp4.c - known-answer tests for the DHCPv4 wire layer: every
 * leasequery message type (10-18) and every leasequery option, with the
 * expected octets derived by hand from RFC 2131/2132, 3046, 4388, 6926, 6607,
 * 6925, 7724 and 8357; encode must give exactly those octets, decode must give
 * the typed fields back, and decode(encode(m)) must equal m. Also RFC 3396
 * splitting and concatenation (with option overload), the associated-ip
 * helpers and the name tables. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lq/dhcp4.h"

#define XID 0x12345678u
#define BUF_MAX 8192

/* The 240-octet header lq4_msg_init(m, type, 0x12345678) encodes to. */
#define INIT_HEADER(op)                                                   \
	{                                                                 \
		(op),                   /* op */                          \
		0x01,                   /* htype 1: Ethernet */           \
		0x06,                   /* hlen 6 */                      \
		0x00,                   /* hops 0 */                      \
		0x12, 0x34, 0x56, 0x78, /* xid 0x12345678 */              \
		0x00, 0x00,             /* secs 0 */                      \
		0x00, 0x00,             /* flags 0 */                     \
		/* 12..43: ciaddr, yiaddr, siaddr, giaddr, chaddr all 0;   \
		 * 44..107 sname and 108..235 file all 0 */               \
		[236] = 0x63, 0x82, 0x53, 0x63, /* magic cookie 99.130.83.99 */ \
	}

static const uint8_t hdr_request[LQ4_MIN_LEN] = INIT_HEADER(0x01); /* BOOTREQUEST */
static const uint8_t hdr_reply[LQ4_MIN_LEN] = INIT_HEADER(0x02);   /* BOOTREPLY */

/* ---------------------------------------------------------------- helpers */

static struct lq4_msg *msg_new(uint8_t type)
{
	struct lq4_msg *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	lq4_msg_init(m, type, XID);
	return m;
}

static struct lq4_msg *msg_alloc(void)
{
	struct lq4_msg *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	return m;
}

static size_t join(uint8_t *out, const uint8_t *hdr, const uint8_t *opts,
    size_t opts_len)
{
	memcpy(out, hdr, LQ4_MIN_LEN);
	memcpy(out + LQ4_MIN_LEN, opts, opts_len);
	return LQ4_MIN_LEN + opts_len;
}

static void assert_bytes(lq_bytes b, const void *data, size_t len)
{
	assert_non_null(b.data);
	assert_int_equal(b.len, len);
	if (len > 0)
		assert_memory_equal(b.data, data, len);
}

/* Presence and content equal (pointers may differ). */
static void assert_same_bytes(lq_bytes a, lq_bytes b)
{
	assert_int_equal(a.data == NULL, b.data == NULL);
	assert_int_equal(a.len, b.len);
	if (a.len > 0)
		assert_memory_equal(a.data, b.data, a.len);
}

/* Content equal; absent and empty count the same. */
static void assert_same_content(lq_bytes a, lq_bytes b)
{
	assert_int_equal(a.len, b.len);
	if (a.len > 0)
		assert_memory_equal(a.data, b.data, a.len);
}

static void assert_same_vss(const struct lq4_vss *a, const struct lq4_vss *b)
{
	assert_int_equal(a->present, b->present);
	if (!a->present)
		return;
	assert_int_equal(a->type, b->type);
	assert_same_content(a->info, b->info);
}

static void assert_same_relay_info(const struct lq4_relay_info *a,
    const struct lq4_relay_info *b)
{
	assert_same_bytes(a->circuit_id, b->circuit_id);
	assert_same_bytes(a->remote_id, b->remote_id);
	assert_same_bytes(a->subscriber_id, b->subscriber_id);
	assert_same_bytes(a->relay_id, b->relay_id);
	assert_int_equal(a->has_link_selection, b->has_link_selection);
	if (a->has_link_selection)
		assert_memory_equal(a->link_selection.b, b->link_selection.b, 4);
	assert_int_equal(a->has_server_id_override, b->has_server_id_override);
	if (a->has_server_id_override)
		assert_memory_equal(a->server_id_override.b,
		    b->server_id_override.b, 4);
	assert_int_equal(a->has_relay_port, b->has_relay_port);
	if (a->has_relay_port)
		assert_int_equal(a->relay_port, b->relay_port);
	assert_same_vss(&a->vss, &b->vss);
	assert_int_equal(a->vss_control, b->vss_control);
}

#define ASSERT_SAME_U32(a, b, has, f)                   \
	do {                                             \
		assert_int_equal((a)->has, (b)->has);    \
		if ((a)->has)                            \
			assert_int_equal((a)->f, (b)->f); \
	} while (0)

/* Header and every typed field equal. */
static void assert_msg_equal(const struct lq4_msg *a, const struct lq4_msg *b)
{
	assert_int_equal(a->op, b->op);
	assert_int_equal(a->htype, b->htype);
	assert_int_equal(a->hlen, b->hlen);
	assert_int_equal(a->hops, b->hops);
	assert_int_equal(a->xid, b->xid);
	assert_int_equal(a->secs, b->secs);
	assert_int_equal(a->flags, b->flags);
	assert_memory_equal(a->ciaddr.b, b->ciaddr.b, 4);
	assert_memory_equal(a->yiaddr.b, b->yiaddr.b, 4);
	assert_memory_equal(a->siaddr.b, b->siaddr.b, 4);
	assert_memory_equal(a->giaddr.b, b->giaddr.b, 4);
	assert_memory_equal(a->chaddr, b->chaddr, sizeof(a->chaddr));
	assert_memory_equal(a->sname, b->sname, sizeof(a->sname));
	assert_memory_equal(a->file, b->file, sizeof(a->file));

	assert_int_equal(a->msg_type, b->msg_type);
	assert_int_equal(a->has_server_id, b->has_server_id);
	if (a->has_server_id)
		assert_memory_equal(a->server_id.b, b->server_id.b, 4);
	assert_same_bytes(a->prl, b->prl);
	ASSERT_SAME_U32(a, b, has_lease_time, lease_time);
	ASSERT_SAME_U32(a, b, has_t1, t1);
	ASSERT_SAME_U32(a, b, has_t2, t2);
	assert_same_bytes(a->vendor_class, b->vendor_class);
	assert_same_bytes(a->client_id, b->client_id);
	assert_int_equal(a->has_relay_info, b->has_relay_info);
	if (a->has_relay_info)
		assert_same_relay_info(&a->relay_info, &b->relay_info);
	ASSERT_SAME_U32(a, b, has_clt_time, clt_time);
	assert_same_bytes(a->associated_ip, b->associated_ip);
	assert_int_equal(a->has_status, b->has_status);
	if (a->has_status) {
		assert_int_equal(a->status_code, b->status_code);
		assert_same_content(a->status_text, b->status_text);
	}
	ASSERT_SAME_U32(a, b, has_base_time, base_time);
	ASSERT_SAME_U32(a, b, has_start_time_of_state, start_time_of_state);
	ASSERT_SAME_U32(a, b, has_query_start_time, query_start_time);
	ASSERT_SAME_U32(a, b, has_query_end_time, query_end_time);
	ASSERT_SAME_U32(a, b, has_dhcp_state, dhcp_state);
	ASSERT_SAME_U32(a, b, has_data_source, data_source);
	assert_same_vss(&a->vss, &b->vss);
}

static struct lq4_msg *decode_ok(const uint8_t *buf, size_t len)
{
	struct lq4_msg *d = msg_alloc();
	lq_diag diag = { LQ_ERR_INVALID_ARGUMENT, 12345, 99 };

	assert_int_equal(lq4_decode(buf, len, d, &diag), LQ_OK);
	assert_int_equal(diag.err, LQ_OK);
	assert_int_equal(diag.offset, len);
	assert_int_equal(diag.option, -1);
	return d;
}

/* encode(m) == hdr + opts, decode(hdr + opts) == m; returns the decoded
 * message (its values point into a static buffer valid until the next call). */
static struct lq4_msg *check_kat(const struct lq4_msg *m, const uint8_t *hdr,
    const uint8_t *opts, size_t opts_len)
{
	static uint8_t expected[BUF_MAX];
	uint8_t out[BUF_MAX];
	size_t n = join(expected, hdr, opts, opts_len);
	size_t out_len = 0;

	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len), LQ_OK);
	assert_int_equal(out_len, n);
	assert_memory_equal(out, expected, n);

	struct lq4_msg *d = decode_ok(expected, n);
	assert_msg_equal(m, d);
	return d;
}

/* decode(encode(m)) == m */
static void check_round_trip(const struct lq4_msg *m)
{
	uint8_t out[BUF_MAX];
	size_t out_len = 0;

	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len), LQ_OK);
	struct lq4_msg *d = decode_ok(out, out_len);
	assert_msg_equal(m, d);
	free(d);
}

static const uint8_t *opt_value(const struct lq4_msg *m, uint8_t code,
    size_t *len)
{
	const struct lq4_option *o = lq4_find_option(m, code);

	assert_non_null(o);
	*len = o->value.len;
	return o->value.data;
}

/* --------------------------------------------------- msg_init and header */

static void test_msg_init(void **state)
{
	static const uint8_t requests[] = { 10, 14, 16, 18 };
	static const uint8_t replies[] = { 11, 12, 13, 15, 17 };
	(void)state;

	for (size_t i = 0; i < sizeof(requests); i++) {
		struct lq4_msg *m = msg_new(requests[i]);
		assert_int_equal(m->op, LQ4_BOOTREQUEST);
		assert_int_equal(m->htype, 1);
		assert_int_equal(m->hlen, 6);
		assert_int_equal(m->xid, XID);
		assert_int_equal(m->msg_type, requests[i]);
		assert_int_equal(m->n_options, 0);
		assert_false(m->has_server_id);
		free(m);
	}
	for (size_t i = 0; i < sizeof(replies); i++) {
		struct lq4_msg *m = msg_new(replies[i]);
		assert_int_equal(m->op, LQ4_BOOTREPLY);
		free(m);
	}
}

/* A DHCPLEASEQUERY by MAC address as a relay would send it, every header
 * field set. */
static void test_header_kat(void **state)
{
	static const uint8_t hdr[LQ4_MIN_LEN] = {
		0x01,                   /* op BOOTREQUEST */
		0x01,                   /* htype 1 Ethernet */
		0x06,                   /* hlen 6 */
		0x01,                   /* hops 1 */
		0x0b, 0xad, 0xca, 0xfe, /* xid 0x0badcafe */
		0x00, 0x03,             /* secs 3 */
		0x80, 0x00,             /* flags 0x8000 (broadcast) */
		0xc0, 0x00, 0x02, 0x0a, /* 12 ciaddr 192.0.2.10 */
		0xc0, 0x00, 0x02, 0x0b, /* 16 yiaddr 192.0.2.11 */
		0xc0, 0x00, 0x02, 0x01, /* 20 siaddr 192.0.2.1 */
		0xc0, 0x00, 0x02, 0xfe, /* 24 giaddr 192.0.2.254 */
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* 28 chaddr 00:11:22:33:44:55, 10 zero octets follow */
		[44] = 's', 'r', 'v', '1',  /* 44 sname "srv1", NUL padded */
		[108] = 'b', 'o', 'o', 't', /* 108 file "boot", NUL padded */
		[236] = 0x63, 0x82, 0x53, 0x63, /* magic cookie */
	};
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0a,       /* 53 message type, len 1, DHCPLEASEQUERY (10) */
		0xff,                   /* END */
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEQUERY);
	(void)state;

	m->hops = 1;
	m->xid = 0x0badcafe;
	m->secs = 3;
	m->flags = 0x8000;
	m->ciaddr = (lq_ip4){ { 192, 0, 2, 10 } };
	m->yiaddr = (lq_ip4){ { 192, 0, 2, 11 } };
	m->siaddr = (lq_ip4){ { 192, 0, 2, 1 } };
	m->giaddr = (lq_ip4){ { 192, 0, 2, 254 } };
	memcpy(m->chaddr, "\x00\x11\x22\x33\x44\x55", 6);
	memcpy(m->sname, "srv1", 4);
	memcpy(m->file, "boot", 4);
	struct lq4_msg *d = check_kat(m, hdr, opts, sizeof(opts));
	assert_int_equal(d->xid, 0x0badcafe);
	assert_int_equal(d->flags, 0x8000);
	assert_int_equal(d->giaddr.b[3], 254);
	assert_int_equal(d->n_options, 1);
	assert_int_equal(d->options[0].code, 53);
	free(d);
	free(m);
}

/* ----------------------------------------------------- message types 10-18 */

struct type_kat {
	uint8_t type;
	const uint8_t *hdr;
	uint8_t opts[4];
};

static void test_message_types(void **state)
{
	static const struct type_kat kats[] = {
		/* 53 msg type, len 1, value; END */
		{ 10, hdr_request, { 0x35, 0x01, 0x0a, 0xff } }, /* DHCPLEASEQUERY */
		{ 11, hdr_reply, { 0x35, 0x01, 0x0b, 0xff } },   /* DHCPLEASEUNASSIGNED */
		{ 12, hdr_reply, { 0x35, 0x01, 0x0c, 0xff } },   /* DHCPLEASEUNKNOWN */
		{ 13, hdr_reply, { 0x35, 0x01, 0x0d, 0xff } },   /* DHCPLEASEACTIVE */
		{ 14, hdr_request, { 0x35, 0x01, 0x0e, 0xff } }, /* DHCPBULKLEASEQUERY */
		{ 15, hdr_reply, { 0x35, 0x01, 0x0f, 0xff } },   /* DHCPLEASEQUERYDONE */
		{ 16, hdr_request, { 0x35, 0x01, 0x10, 0xff } }, /* DHCPACTIVELEASEQUERY */
		{ 17, hdr_reply, { 0x35, 0x01, 0x11, 0xff } },   /* DHCPLEASEQUERYSTATUS */
		{ 18, hdr_request, { 0x35, 0x01, 0x12, 0xff } }, /* DHCPTLS */
	};
	(void)state;

	for (size_t i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		struct lq4_msg *m = msg_new(kats[i].type);
		struct lq4_msg *d = check_kat(m, kats[i].hdr, kats[i].opts, 4);
		assert_int_equal(d->msg_type, kats[i].type);
		assert_int_equal(d->op, kats[i].hdr[0]);
		free(d);
		free(m);
	}
}

/* The messages as the RFCs use them, with the options each one carries. */
static void test_leasequery_by_client_id(void **state)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0a,       /* 53 msg type, len 1, DHCPLEASEQUERY */
		0x37, 0x05,             /* 55 PRL, len 5: */
		0x33, 0x3d, 0x52, 0x5b, 0x5c, /*   51, 61, 82, 91, 92 */
		0x3d, 0x07,             /* 61 client id, len 7: */
		0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* type 1 + MAC */
		0xff,                   /* END */
	};
	static const uint8_t prl[] = { 51, 61, 82, 91, 92 };
	static const uint8_t cid[] = { 1, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct lq4_msg *m = msg_new(LQ4_LEASEQUERY);
	(void)state;

	m->prl = (lq_bytes){ prl, sizeof(prl) };
	m->client_id = (lq_bytes){ cid, sizeof(cid) };
	struct lq4_msg *d = check_kat(m, hdr_request, opts, sizeof(opts));
	assert_bytes(d->prl, prl, sizeof(prl));
	assert_bytes(d->client_id, cid, sizeof(cid));
	free(d);
	free(m);
}

static void test_leaseactive_full(void **state)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0d,                   /* 53 msg type, len 1, DHCPLEASEACTIVE */
		0x36, 0x04, 0xc0, 0x00, 0x02, 0x01, /* 54 server id, len 4, 192.0.2.1 */
		0x33, 0x04, 0x00, 0x00, 0x0e, 0x10, /* 51 lease time, len 4, 3600 */
		0x3a, 0x04, 0x00, 0x00, 0x07, 0x08, /* 58 T1, len 4, 1800 */
		0x3b, 0x04, 0x00, 0x00, 0x0c, 0x4e, /* 59 T2, len 4, 3150 */
		0x3d, 0x07, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* 61 client id */
		0x5b, 0x04, 0x00, 0x00, 0x00, 0x3c, /* 91 CLT time, len 4, 60 */
		0x5c, 0x08,                         /* 92 associated ip, len 8: */
		0xc0, 0x00, 0x02, 0x0a,             /*   192.0.2.10 */
		0xc0, 0x00, 0x02, 0x0b,             /*   192.0.2.11 */
		0x98, 0x04, 0x65, 0x53, 0xf1, 0x00, /* 152 base-time, len 4, 1700000000 */
		0x99, 0x04, 0x00, 0x00, 0x02, 0x58, /* 153 start-time-of-state, len 4, 600 */
		0x9c, 0x01, 0x02,                   /* 156 dhcp-state, len 1, ACTIVE */
		0x9d, 0x01, 0x01,                   /* 157 data-source, len 1, REMOTE */
		0xff,                               /* END */
	};
	static const uint8_t cid[] = { 1, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t aip[] = { 192, 0, 2, 10, 192, 0, 2, 11 };
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->has_server_id = true;
	m->server_id = (lq_ip4){ { 192, 0, 2, 1 } };
	m->has_lease_time = true;
	m->lease_time = 3600;
	m->has_t1 = true;
	m->t1 = 1800;
	m->has_t2 = true;
	m->t2 = 3150;
	m->client_id = (lq_bytes){ cid, sizeof(cid) };
	m->has_clt_time = true;
	m->clt_time = 60;
	m->associated_ip = (lq_bytes){ aip, sizeof(aip) };
	m->has_base_time = true;
	m->base_time = 1700000000;
	m->has_start_time_of_state = true;
	m->start_time_of_state = 600;
	m->has_dhcp_state = true;
	m->dhcp_state = LQ4_STATE_ACTIVE;
	m->has_data_source = true;
	m->data_source = LQ4_DATA_SOURCE_REMOTE;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	/* options listed in wire order */
	static const uint8_t order[] = { 53, 54, 51, 58, 59, 61, 91, 92, 152,
	    153, 156, 157 };
	assert_int_equal(d->n_options, sizeof(order));
	for (size_t i = 0; i < sizeof(order); i++)
		assert_int_equal(d->options[i].code, order[i]);
	free(d);
	free(m);
}

static void test_bulk_leasequery(void **state)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0e,                   /* 53 msg type, len 1, DHCPBULKLEASEQUERY */
		0x52, 0x06,                         /* 82 relay info, len 6: */
		0x0c, 0x04, 0x00, 0x02, 0xab, 0xcd, /*   12 relay-id, len 4 */
		0x9a, 0x04, 0x65, 0x53, 0xc9, 0xf0, /* 154 query-start-time, 1699990000 */
		0x9b, 0x04, 0x65, 0x53, 0xff, 0x10, /* 155 query-end-time, 1700003600 */
		0xdd, 0x01, 0xfe,                   /* 221 VSS, len 1, type 254 all VPNs */
		0xff,                               /* END */
	};
	static const uint8_t rid[] = { 0x00, 0x02, 0xab, 0xcd };
	struct lq4_msg *m = msg_new(LQ4_BULKLEASEQUERY);
	(void)state;

	m->has_relay_info = true;
	m->relay_info.relay_id = (lq_bytes){ rid, sizeof(rid) };
	m->has_query_start_time = true;
	m->query_start_time = 1699990000;
	m->has_query_end_time = true;
	m->query_end_time = 1700003600;
	m->vss.present = true;
	m->vss.type = LQ4_VSS_ALL_VPNS;
	struct lq4_msg *d = check_kat(m, hdr_request, opts, sizeof(opts));
	assert_bytes(d->relay_info_raw, opts + 5, 6);
	free(d);
	free(m);
}

static void test_leasequerydone_status(void **state)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0f,       /* 53 msg type, len 1, DHCPLEASEQUERYDONE */
		0x97, 0x0b, 0x02,       /* 151 status, len 11, QueryTerminated (2) */
		's', 'h', 'u', 't', 't', 'i', 'n', 'g', ' ', 'd', /* "shutting d" */
		0xff,                   /* END */
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEQUERYDONE);
	(void)state;

	m->has_status = true;
	m->status_code = LQ4_STATUS_QUERY_TERMINATED;
	m->status_text = (lq_bytes){ (const uint8_t *)"shutting d", 10 };
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->status_code, 2);
	assert_bytes(d->status_text, "shutting d", 10);
	free(d);
	free(m);
}

/* ---------------------------------------------------------- each option */

/* A DHCPLEASEACTIVE carrying one option: opts is 53 + that option + END. */
#define ACTIVE_53 0x35, 0x01, 0x0d /* 53 msg type, len 1, DHCPLEASEACTIVE */

static void test_opt51_lease_time(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x33, 0x04, 0x00, 0x01, 0x51, 0x80, /* 51 lease time, len 4, 86400 */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->has_lease_time = true;
	m->lease_time = 86400;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_true(d->has_lease_time);
	assert_int_equal(d->lease_time, 86400);
	free(d);
	free(m);
}

static void test_opt51_infinite(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x33, 0x04, 0xff, 0xff, 0xff, 0xff, /* 51 lease time, len 4, infinite */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->has_lease_time = true;
	m->lease_time = 0xffffffffu;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->lease_time, 0xffffffffu);
	free(d);
	free(m);
}

static void test_opt53_msg_type(void **state)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0c,       /* 53 msg type, len 1, DHCPLEASEUNKNOWN (12) */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEUNKNOWN);
	(void)state;

	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->msg_type, LQ4_LEASEUNKNOWN);
	size_t len;
	const uint8_t *v = opt_value(d, 53, &len);
	assert_int_equal(len, 1);
	assert_int_equal(v[0], 12);
	free(d);
	free(m);
}

static void test_opt54_server_id(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x36, 0x04, 0xc6, 0x33, 0x64, 0x07, /* 54 server id, len 4, 198.51.100.7 */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->has_server_id = true;
	m->server_id = (lq_ip4){ { 198, 51, 100, 7 } };
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_true(d->has_server_id);
	assert_memory_equal(d->server_id.b, "\xc6\x33\x64\x07", 4);
	free(d);
	free(m);
}

static void test_opt55_prl(void **state)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0a,       /* 53 msg type, len 1, DHCPLEASEQUERY */
		0x37, 0x03, 0x33, 0x52, 0x9c, /* 55 PRL, len 3: 51, 82, 156 */
		0xff,
	};
	static const uint8_t prl[] = { 51, 82, 156 };
	struct lq4_msg *m = msg_new(LQ4_LEASEQUERY);
	(void)state;

	m->prl = (lq_bytes){ prl, sizeof(prl) };
	struct lq4_msg *d = check_kat(m, hdr_request, opts, sizeof(opts));
	assert_bytes(d->prl, prl, 3);
	free(d);
	free(m);
}

/* 56 (message) and 57 (maximum message size) as typed fields. */
static void test_opt56_57(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x38, 0x02, 'h', 'i',   /* 56 message, len 2, "hi" */
		0x39, 0x02, 0x05, 0xdc, /* 57 max message size, len 2, 0x05dc = 1500 */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->message = (lq_bytes){ (const uint8_t *)"hi", 2 };
	m->has_max_msg_size = true;
	m->max_msg_size = 1500;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->message.len, 2);
	assert_memory_equal(d->message.data, "hi", 2);
	assert_true(d->has_max_msg_size);
	assert_int_equal(d->max_msg_size, 1500);
	free(d);
	free(m);
}

static void test_opt58_t1(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x3a, 0x04, 0x00, 0x00, 0x07, 0x08, /* 58 T1, len 4, 1800 */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->has_t1 = true;
	m->t1 = 1800;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->t1, 1800);
	assert_false(d->has_t2);
	free(d);
	free(m);
}

static void test_opt59_t2(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x3b, 0x04, 0x00, 0x00, 0x0c, 0x4e, /* 59 T2, len 4, 3150 */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->has_t2 = true;
	m->t2 = 3150;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->t2, 3150);
	assert_false(d->has_t1);
	free(d);
	free(m);
}

static void test_opt60_vendor_class(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x3c, 0x08, 'M', 'S', 'F', 'T', ' ', '5', '.', '0', /* 60 vendor class, len 8 */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->vendor_class = (lq_bytes){ (const uint8_t *)"MSFT 5.0", 8 };
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_bytes(d->vendor_class, "MSFT 5.0", 8);
	free(d);
	free(m);
}

static void test_opt61_client_id(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x3d, 0x07,             /* 61 client id, len 7: */
		0x01,                   /*   type 1 (Ethernet) */
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* MAC */
		0xff,
	};
	static const uint8_t cid[] = { 1, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->client_id = (lq_bytes){ cid, sizeof(cid) };
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_bytes(d->client_id, cid, sizeof(cid));
	free(d);
	free(m);
}

static void test_opt61_one_octet(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x3d, 0x01, 0x00,       /* 61 client id, len 1: type 0 only (accepted) */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->client_id = (lq_bytes){ (const uint8_t *)"", 1 };
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->client_id.len, 1);
	free(d);
	free(m);
}

static void test_opt91_clt_time(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x5b, 0x04, 0x00, 0x00, 0x0e, 0x10, /* 91 CLT time, len 4, 3600 */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->has_clt_time = true;
	m->clt_time = 3600;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->clt_time, 3600);
	free(d);
	free(m);
}

static void test_opt92_associated_ip(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x5c, 0x0c,             /* 92 associated ip, len 12: */
		0x0a, 0x00, 0x00, 0x01, /*   10.0.0.1 */
		0x0a, 0x00, 0x00, 0x02, /*   10.0.0.2 */
		0xc0, 0xa8, 0x01, 0x64, /*   192.168.1.100 */
		0xff,
	};
	static const uint8_t aip[] = { 10, 0, 0, 1, 10, 0, 0, 2, 192, 168, 1, 100 };
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->associated_ip = (lq_bytes){ aip, sizeof(aip) };
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(lq4_associated_ip_count(d), 3);
	lq_ip4 ip = lq4_associated_ip_at(d, 2);
	assert_memory_equal(ip.b, "\xc0\xa8\x01\x64", 4);
	free(d);
	free(m);
}

static void test_opt151_status(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x97, 0x04, 0x03,       /* 151 status, len 4, MalformedQuery (3) */
		'b', 'a', 'd',          /*   message "bad", no NUL */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->has_status = true;
	m->status_code = LQ4_STATUS_MALFORMED_QUERY;
	m->status_text = (lq_bytes){ (const uint8_t *)"bad", 3 };
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->status_code, 3);
	assert_bytes(d->status_text, "bad", 3);
	free(d);
	free(m);
}

static void test_opt151_status_code_only(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x97, 0x01, 0x08,       /* 151 status, len 1, TLSConnectionRefused (8) */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->has_status = true;
	m->status_code = LQ4_STATUS_TLS_CONNECTION_REFUSED;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->status_text.len, 0);
	free(d);
	free(m);
}

static void test_opt152_base_time(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x98, 0x04, 0x65, 0x53, 0xf1, 0x00, /* 152 base-time, len 4, 1700000000 */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->has_base_time = true;
	m->base_time = 1700000000;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->base_time, 1700000000);
	free(d);
	free(m);
}

static void test_opt153_start_time_of_state(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x99, 0x04, 0x00, 0x00, 0x02, 0x58, /* 153 start-time-of-state, len 4, 600 */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->has_start_time_of_state = true;
	m->start_time_of_state = 600;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->start_time_of_state, 600);
	free(d);
	free(m);
}

static void test_opt154_query_start_time(void **state)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0e,       /* 53 msg type, len 1, DHCPBULKLEASEQUERY */
		0x9a, 0x04, 0x65, 0x53, 0xc9, 0xf0, /* 154 query-start-time, len 4, 1699990000 */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_BULKLEASEQUERY);
	(void)state;

	m->has_query_start_time = true;
	m->query_start_time = 1699990000;
	struct lq4_msg *d = check_kat(m, hdr_request, opts, sizeof(opts));
	assert_int_equal(d->query_start_time, 1699990000);
	free(d);
	free(m);
}

static void test_opt155_query_end_time(void **state)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0e,       /* 53 msg type, len 1, DHCPBULKLEASEQUERY */
		0x9b, 0x04, 0x65, 0x53, 0xff, 0x10, /* 155 query-end-time, len 4, 1700003600 */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_BULKLEASEQUERY);
	(void)state;

	m->has_query_end_time = true;
	m->query_end_time = 1700003600;
	struct lq4_msg *d = check_kat(m, hdr_request, opts, sizeof(opts));
	assert_int_equal(d->query_end_time, 1700003600);
	free(d);
	free(m);
}

static void test_opt156_dhcp_state(void **state)
{
	(void)state;

	for (uint8_t s = LQ4_STATE_AVAILABLE; s <= LQ4_STATE_TRANSITIONING; s++) {
		const uint8_t opts[] = {
			ACTIVE_53,
			0x9c, 0x01, s,  /* 156 dhcp-state, len 1, state 1..8 */
			0xff,
		};
		struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
		m->has_dhcp_state = true;
		m->dhcp_state = s;
		struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
		assert_int_equal(d->dhcp_state, s);
		free(d);
		free(m);
	}
}

static void test_opt157_data_source(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x9d, 0x01, 0x01,       /* 157 data-source, len 1, R (remote) */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->has_data_source = true;
	m->data_source = LQ4_DATA_SOURCE_REMOTE;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->data_source, 1);
	free(d);
	free(m);
}

static void test_opt221_vss_nvt(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0xdd, 0x05, 0x00,       /* 221 VSS, len 5, type 0 (NVT ASCII) */
		'v', 'p', 'n', '1',     /*   "vpn1" */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->vss.present = true;
	m->vss.type = LQ4_VSS_NVT_ASCII;
	m->vss.info = (lq_bytes){ (const uint8_t *)"vpn1", 4 };
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_true(d->vss.present);
	assert_int_equal(d->vss.type, 0);
	assert_bytes(d->vss.info, "vpn1", 4);
	free(d);
	free(m);
}

static void test_opt221_vss_vpn_id(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0xdd, 0x08, 0x01,       /* 221 VSS, len 8, type 1 (RFC 2685 VPN-ID) */
		0x00, 0x00, 0x5e,       /*   OUI */
		0x00, 0x00, 0x00, 0x07, /*   VPN index 7 */
		0xff,
	};
	static const uint8_t vpn_id[] = { 0x00, 0x00, 0x5e, 0, 0, 0, 7 };
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->vss.present = true;
	m->vss.type = LQ4_VSS_RFC2685_VPN_ID;
	m->vss.info = (lq_bytes){ vpn_id, sizeof(vpn_id) };
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_bytes(d->vss.info, vpn_id, sizeof(vpn_id));
	free(d);
	free(m);
}

static void test_opt221_vss_global(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0xdd, 0x01, 0xff,       /* 221 VSS, len 1, type 255 (global) */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->vss.present = true;
	m->vss.type = LQ4_VSS_GLOBAL;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->vss.type, 255);
	assert_int_equal(d->vss.info.len, 0);
	free(d);
	free(m);
}

/* -------------------------------------------------- option 82 sub-options */

/* Message with option 82 holding exactly one sub-option. */
static struct lq4_msg *check_relay_kat(const struct lq4_relay_info *ri,
    const uint8_t *sub, size_t sub_len)
{
	uint8_t opts[300];
	size_t n = 0;
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);

	opts[n++] = 0x35;               /* 53 msg type, len 1, DHCPLEASEACTIVE */
	opts[n++] = 0x01;
	opts[n++] = 0x0d;
	opts[n++] = 0x52;               /* 82 relay agent information */
	opts[n++] = (uint8_t)sub_len;   /* len = the sub-option's octets */
	memcpy(opts + n, sub, sub_len);
	n += sub_len;
	opts[n++] = 0xff;               /* END */

	m->has_relay_info = true;
	m->relay_info = *ri;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, n);
	assert_true(d->has_relay_info);
	assert_bytes(d->relay_info_raw, sub, sub_len);

	/* the sub-option codec alone gives the same octets */
	uint8_t val[300];
	size_t val_len = 0;
	assert_int_equal(lq4_relay_info_encode(ri, val, sizeof(val), &val_len), LQ_OK);
	assert_int_equal(val_len, sub_len);
	assert_memory_equal(val, sub, sub_len);
	free(m);
	return d;
}

static void test_rai1_circuit_id(void **state)
{
	static const uint8_t sub[] = {
		0x01, 0x04, 'e', 't', 'h', '0', /* 1 circuit-id, len 4, "eth0" */
	};
	struct lq4_relay_info ri = { 0 };
	(void)state;

	ri.circuit_id = (lq_bytes){ (const uint8_t *)"eth0", 4 };
	struct lq4_msg *d = check_relay_kat(&ri, sub, sizeof(sub));
	assert_bytes(d->relay_info.circuit_id, "eth0", 4);
	free(d);
}

static void test_rai2_remote_id(void **state)
{
	static const uint8_t sub[] = {
		0x02, 0x06, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* 2 remote-id, len 6, MAC */
	};
	struct lq4_relay_info ri = { 0 };
	(void)state;

	ri.remote_id = (lq_bytes){ sub + 2, 6 };
	struct lq4_msg *d = check_relay_kat(&ri, sub, sizeof(sub));
	assert_bytes(d->relay_info.remote_id, sub + 2, 6);
	free(d);
}

static void test_rai5_link_selection(void **state)
{
	static const uint8_t sub[] = {
		0x05, 0x04, 0xc0, 0x00, 0x02, 0x00, /* 5 link-selection, len 4, 192.0.2.0 */
	};
	struct lq4_relay_info ri = { 0 };
	(void)state;

	ri.has_link_selection = true;
	ri.link_selection = (lq_ip4){ { 192, 0, 2, 0 } };
	struct lq4_msg *d = check_relay_kat(&ri, sub, sizeof(sub));
	assert_true(d->relay_info.has_link_selection);
	assert_memory_equal(d->relay_info.link_selection.b, "\xc0\x00\x02\x00", 4);
	free(d);
}

static void test_rai6_subscriber_id(void **state)
{
	static const uint8_t sub[] = {
		0x06, 0x05, 's', 'u', 'b', '-', '1', /* 6 subscriber-id, len 5, "sub-1" */
	};
	struct lq4_relay_info ri = { 0 };
	(void)state;

	ri.subscriber_id = (lq_bytes){ (const uint8_t *)"sub-1", 5 };
	struct lq4_msg *d = check_relay_kat(&ri, sub, sizeof(sub));
	assert_bytes(d->relay_info.subscriber_id, "sub-1", 5);
	free(d);
}

static void test_rai11_server_id_override(void **state)
{
	static const uint8_t sub[] = {
		0x0b, 0x04, 0xc0, 0x00, 0x02, 0x01, /* 11 server-id-override, len 4, 192.0.2.1 */
	};
	struct lq4_relay_info ri = { 0 };
	(void)state;

	ri.has_server_id_override = true;
	ri.server_id_override = (lq_ip4){ { 192, 0, 2, 1 } };
	struct lq4_msg *d = check_relay_kat(&ri, sub, sizeof(sub));
	assert_true(d->relay_info.has_server_id_override);
	assert_int_equal(d->relay_info.server_id_override.b[3], 1);
	free(d);
}

static void test_rai12_relay_id(void **state)
{
	static const uint8_t sub[] = {
		0x0c, 0x0a,             /* 12 relay-id, len 10: */
		0x00, 0x03, 0x00, 0x01, /*   DUID-LL, hardware type 1 */
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* link-layer address */
	};
	struct lq4_relay_info ri = { 0 };
	(void)state;

	ri.relay_id = (lq_bytes){ sub + 2, 10 };
	struct lq4_msg *d = check_relay_kat(&ri, sub, sizeof(sub));
	assert_bytes(d->relay_info.relay_id, sub + 2, 10);
	free(d);
}

static void test_rai19_relay_port(void **state)
{
	static const uint8_t sub[] = {
		0x13, 0x02, 0x04, 0x2b, /* 19 relay-port, len 2, 1067 */
	};
	struct lq4_relay_info ri = { 0 };
	(void)state;

	ri.has_relay_port = true;
	ri.relay_port = 1067;
	struct lq4_msg *d = check_relay_kat(&ri, sub, sizeof(sub));
	assert_true(d->relay_info.has_relay_port);
	assert_int_equal(d->relay_info.relay_port, 1067);
	free(d);
}

static void test_rai151_vss(void **state)
{
	static const uint8_t sub[] = {
		0x97, 0x05, 0x00, 'v', 'p', 'n', '1', /* 151 VSS, len 5, type 0, "vpn1" */
	};
	struct lq4_relay_info ri = { 0 };
	(void)state;

	ri.vss.present = true;
	ri.vss.type = LQ4_VSS_NVT_ASCII;
	ri.vss.info = (lq_bytes){ (const uint8_t *)"vpn1", 4 };
	struct lq4_msg *d = check_relay_kat(&ri, sub, sizeof(sub));
	assert_true(d->relay_info.vss.present);
	assert_bytes(d->relay_info.vss.info, "vpn1", 4);
	free(d);
}

static void test_rai152_vss_control(void **state)
{
	static const uint8_t sub[] = {
		0x98, 0x00,             /* 152 VSS control, len 0 */
	};
	struct lq4_relay_info ri = { 0 };
	(void)state;

	ri.vss_control = true;
	struct lq4_msg *d = check_relay_kat(&ri, sub, sizeof(sub));
	assert_true(d->relay_info.vss_control);
	free(d);
}

static void test_rai_all_suboptions(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x52, 0x39,                             /* 82 relay info, len 57: */
		0x01, 0x04, 'e', 't', 'h', '0',         /*  1 circuit-id "eth0" (6) */
		0x02, 0x06, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* 2 remote-id (8) */
		0x05, 0x04, 0xc0, 0x00, 0x02, 0x00,     /*  5 link-selection 192.0.2.0 (6) */
		0x06, 0x04, 's', 'u', 'b', '1',         /*  6 subscriber-id "sub1" (6) */
		0x0b, 0x04, 0xc0, 0x00, 0x02, 0x01,     /* 11 server-id-override 192.0.2.1 (6) */
		0x0c, 0x0a, 0x00, 0x03, 0x00, 0x01,     /* 12 relay-id DUID-LL (12) */
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
		0x13, 0x02, 0x04, 0x2b,                 /* 19 relay-port 1067 (4) */
		0x97, 0x05, 0x00, 'v', 'p', 'n', '1',   /* 151 VSS type 0 "vpn1" (7) */
		0x98, 0x00,                             /* 152 VSS control (2) */
		0xff,                                   /* END */
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	struct lq4_relay_info *ri = &m->relay_info;
	(void)state;

	m->has_relay_info = true;
	ri->circuit_id = (lq_bytes){ (const uint8_t *)"eth0", 4 };
	ri->remote_id = (lq_bytes){ opts + 13, 6 };
	ri->has_link_selection = true;
	ri->link_selection = (lq_ip4){ { 192, 0, 2, 0 } };
	ri->subscriber_id = (lq_bytes){ (const uint8_t *)"sub1", 4 };
	ri->has_server_id_override = true;
	ri->server_id_override = (lq_ip4){ { 192, 0, 2, 1 } };
	ri->relay_id = (lq_bytes){ opts + 39, 10 };
	ri->has_relay_port = true;
	ri->relay_port = 1067;
	ri->vss.present = true;
	ri->vss.info = (lq_bytes){ (const uint8_t *)"vpn1", 4 };
	ri->vss_control = true;
	assert_int_equal(sizeof(opts), 3 + 2 + 57 + 1);
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_bytes(d->relay_info_raw, opts + 5, 57);
	free(d);

	/* the raw value is written verbatim when set, even in another order */
	static const uint8_t raw[] = {
		0x02, 0x01, 'r',        /* 2 remote-id "r" */
		0x01, 0x01, 'c',        /* 1 circuit-id "c" */
		0xaa, 0x00,             /* unknown sub-option 170, len 0 (kept) */
	};
	static const uint8_t opts_raw[] = {
		ACTIVE_53,
		0x52, 0x08, 0x02, 0x01, 'r', 0x01, 0x01, 'c', 0xaa, 0x00, /* 82, len 8, raw */
		0xff,
	};
	memset(ri, 0, sizeof(*ri));
	ri->remote_id = (lq_bytes){ (const uint8_t *)"r", 1 };
	ri->circuit_id = (lq_bytes){ (const uint8_t *)"c", 1 };
	m->relay_info_raw = (lq_bytes){ raw, sizeof(raw) };
	d = check_kat(m, hdr_reply, opts_raw, sizeof(opts_raw));
	free(d);
	free(m);
}

static void test_rai_empty(void **state)
{
	static const uint8_t opts[] = {
		ACTIVE_53,
		0x52, 0x00,             /* 82 relay info, len 0 (no sub-options) */
		0xff,
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->has_relay_info = true;
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_true(d->has_relay_info);
	assert_int_equal(d->relay_info_raw.len, 0);
	free(d);
	free(m);
}

static void test_rai_duplicate_first_wins(void **state)
{
	static const uint8_t val[] = {
		0x01, 0x01, 'a',        /* 1 circuit-id "a" */
		0x01, 0x01, 'b',        /* 1 circuit-id "b": ignored */
		0x13, 0x02, 0x00, 0x43, /* 19 relay-port 67 */
		0x13, 0x02, 0x00, 0x44, /* 19 relay-port 68: ignored */
	};
	struct lq4_relay_info ri;
	(void)state;

	assert_int_equal(lq4_relay_info_decode((lq_bytes){ val, sizeof(val) }, &ri),
	    LQ_OK);
	assert_bytes(ri.circuit_id, "a", 1);
	assert_int_equal(ri.relay_port, 67);
}

/* ------------------------------------------ everything, order, round trip */

/* Every typed field set, filled in descending code order: the encoder still
 * writes 53, 54, then ascending codes, then extras, then END. */
static void test_all_typed_order(void **state)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0d,                   /* 53 DHCPLEASEACTIVE */
		0x36, 0x04, 0xc0, 0x00, 0x02, 0x01, /* 54 server id 192.0.2.1 */
		0x33, 0x04, 0x00, 0x00, 0x0e, 0x10, /* 51 lease time 3600 */
		0x37, 0x01, 0x33,                   /* 55 PRL: 51 */
		0x3a, 0x04, 0x00, 0x00, 0x07, 0x08, /* 58 T1 1800 */
		0x3b, 0x04, 0x00, 0x00, 0x0c, 0x4e, /* 59 T2 3150 */
		0x3c, 0x01, 'v',                    /* 60 vendor class "v" */
		0x3d, 0x02, 0x00, 'c',              /* 61 client id 00 'c' */
		0x52, 0x03, 0x01, 0x01, 'x',        /* 82: circuit-id "x" */
		0x5b, 0x04, 0x00, 0x00, 0x00, 0x05, /* 91 CLT 5 */
		0x5c, 0x04, 0x0a, 0x00, 0x00, 0x01, /* 92 associated ip 10.0.0.1 */
		0x97, 0x01, 0x00,                   /* 151 status Success */
		0x98, 0x04, 0x65, 0x53, 0xf1, 0x00, /* 152 base-time 1700000000 */
		0x99, 0x04, 0x00, 0x00, 0x00, 0x0a, /* 153 start-time-of-state 10 */
		0x9a, 0x04, 0x00, 0x00, 0x00, 0x01, /* 154 query-start-time 1 */
		0x9b, 0x04, 0x00, 0x00, 0x00, 0x02, /* 155 query-end-time 2 */
		0x9c, 0x01, 0x07,                   /* 156 dhcp-state REMOTE */
		0x9d, 0x01, 0x00,                   /* 157 data-source local */
		0xdd, 0x01, 0xff,                   /* 221 VSS global */
		0x0c, 0x02, 'h', '1',               /* extra: 12 host name "h1" */
		0x01, 0x04, 0xff, 0xff, 0xff, 0x00, /* extra: 1 subnet mask 255.255.255.0 */
		0xff,                               /* END */
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	m->vss.present = true;
	m->vss.type = 255;
	m->has_data_source = true;
	m->has_dhcp_state = true;
	m->dhcp_state = LQ4_STATE_REMOTE;
	m->has_query_end_time = true;
	m->query_end_time = 2;
	m->has_query_start_time = true;
	m->query_start_time = 1;
	m->has_start_time_of_state = true;
	m->start_time_of_state = 10;
	m->has_base_time = true;
	m->base_time = 1700000000;
	m->has_status = true;
	m->associated_ip = (lq_bytes){ (const uint8_t *)"\x0a\x00\x00\x01", 4 };
	m->has_clt_time = true;
	m->clt_time = 5;
	m->has_relay_info = true;
	m->relay_info.circuit_id = (lq_bytes){ (const uint8_t *)"x", 1 };
	m->client_id = (lq_bytes){ (const uint8_t *)"\x00" "c", 2 };
	m->vendor_class = (lq_bytes){ (const uint8_t *)"v", 1 };
	m->has_t2 = true;
	m->t2 = 3150;
	m->has_t1 = true;
	m->t1 = 1800;
	m->prl = (lq_bytes){ (const uint8_t *)"\x33", 1 };
	m->has_lease_time = true;
	m->lease_time = 3600;
	m->has_server_id = true;
	m->server_id = (lq_ip4){ { 192, 0, 2, 1 } };
	m->n_extra = 2;
	m->extra[0] = (struct lq4_option){ 12, { (const uint8_t *)"h1", 2 } };
	m->extra[1] = (struct lq4_option){ 1, { (const uint8_t *)"\xff\xff\xff\x00", 4 } };
	struct lq4_msg *d = check_kat(m, hdr_reply, opts, sizeof(opts));
	assert_int_equal(d->n_options, 21);
	assert_int_equal(d->options[19].code, 12);
	assert_int_equal(d->options[20].code, 1);
	free(d);
	free(m);
}

static void test_round_trip_each_type(void **state)
{
	(void)state;

	for (uint8_t t = LQ4_LEASEQUERY; t <= LQ4_TLS; t++) {
		struct lq4_msg *m = msg_new(t);
		m->giaddr = (lq_ip4){ { 10, 1, 2, 3 } };
		m->ciaddr = (lq_ip4){ { 10, 9, 8, 7 } };
		m->chaddr[0] = 0xaa;
		m->chaddr[5] = t;
		m->secs = t;
		m->has_base_time = true;
		m->base_time = 1000u * t;
		m->has_status = true;
		m->status_code = (uint8_t)(t - 10);
		m->status_text = (lq_bytes){ (const uint8_t *)"text", 4 };
		m->has_relay_info = true;
		m->relay_info.remote_id = (lq_bytes){ (const uint8_t *)"rid", 3 };
		m->relay_info.has_relay_port = true;
		m->relay_info.relay_port = 4067;
		m->relay_info.vss.present = true;
		m->relay_info.vss.type = 1;
		m->relay_info.vss.info = (lq_bytes){ (const uint8_t *)"1234567", 7 };
		m->vss.present = true;
		m->vss.type = 0;
		m->vss.info = (lq_bytes){ (const uint8_t *)"red", 3 };
		check_round_trip(m);
		free(m);
	}
}

/* -------------------------------------------------------------- RFC 3396 */

static void test_split_600_encode_decode(void **state)
{
	uint8_t cid[600];
	uint8_t out[BUF_MAX];
	size_t out_len = 0;
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	for (size_t i = 0; i < sizeof(cid); i++)
		cid[i] = (uint8_t)(i * 7 + 1);
	m->client_id = (lq_bytes){ cid, sizeof(cid) };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len), LQ_OK);

	/* 240 header, 53 (3), 61 len 255 (257), 61 len 255 (257), 61 len 90 (92), END */
	assert_int_equal(out_len, 240 + 3 + 257 + 257 + 92 + 1);
	const uint8_t *p = out + 243;
	assert_int_equal(p[0], 61);
	assert_int_equal(p[1], 255);
	assert_memory_equal(p + 2, cid, 255);
	p += 257;
	assert_int_equal(p[0], 61);
	assert_int_equal(p[1], 255);
	assert_memory_equal(p + 2, cid + 255, 255);
	p += 257;
	assert_int_equal(p[0], 61);
	assert_int_equal(p[1], 90);
	assert_memory_equal(p + 2, cid + 510, 90);
	assert_int_equal(p[92], 0xff);

	struct lq4_msg *d = decode_ok(out, out_len);
	assert_int_equal(d->n_options, 2);
	assert_bytes(d->client_id, cid, sizeof(cid));
	/* a split value lives in the message's concat space */
	assert_ptr_equal(d->client_id.data, d->concat);
	assert_int_equal(d->concat_used, 600);
	assert_ptr_equal(lq4_find_option(d, 61)->value.data, d->concat);
	/* a single-instance value points into the input buffer (zero copy) */
	assert_ptr_equal(lq4_find_option(d, 53)->value.data, out + 242);
	assert_msg_equal(m, d);
	free(d);
	free(m);
}

/* Exactly 255 octets fit one instance; 256 need two (255 + 1); 510 two. */
static void test_split_boundaries(void **state)
{
	static uint8_t v[510];
	uint8_t out[BUF_MAX];
	size_t out_len;
	(void)state;

	memset(v, 'z', sizeof(v));
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	m->vendor_class = (lq_bytes){ v, 255 };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len), LQ_OK);
	assert_int_equal(out_len, 240 + 3 + 257 + 1);
	check_round_trip(m);

	m->vendor_class.len = 256;
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len), LQ_OK);
	assert_int_equal(out_len, 240 + 3 + 257 + 3 + 1);
	assert_int_equal(out[243 + 257], 60);
	assert_int_equal(out[243 + 257 + 1], 1);
	check_round_trip(m);

	m->vendor_class.len = 510;
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len), LQ_OK);
	assert_int_equal(out_len, 240 + 3 + 257 + 257 + 1);
	check_round_trip(m);

	/* status-code: the code octet counts in the first 255 */
	m->vendor_class = (lq_bytes){ NULL, 0 };
	m->has_status = true;
	m->status_code = 1;
	m->status_text = (lq_bytes){ v, 300 };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len), LQ_OK);
	assert_int_equal(out_len, 240 + 3 + 257 + 48 + 1);
	assert_int_equal(out[243], 151);
	assert_int_equal(out[244], 255);
	assert_int_equal(out[245], 1);
	assert_int_equal(out[243 + 257], 151);
	assert_int_equal(out[243 + 258], 46);
	check_round_trip(m);
	free(m);
}

/* Option 82 built from sub-options can pass 255 octets: 2 + 255 (circuit-id)
 * + 2 + 255 (remote-id) + 6 (link-selection) = 520 -> 255 + 255 + 10. */
static void test_split_relay_info(void **state)
{
	static uint8_t circuit[255], remote[255];
	uint8_t out[BUF_MAX];
	size_t out_len;
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	memset(circuit, 'c', sizeof(circuit));
	memset(remote, 'r', sizeof(remote));
	m->has_relay_info = true;
	m->relay_info.circuit_id = (lq_bytes){ circuit, sizeof(circuit) };
	m->relay_info.remote_id = (lq_bytes){ remote, sizeof(remote) };
	m->relay_info.has_link_selection = true;
	m->relay_info.link_selection = (lq_ip4){ { 10, 0, 0, 0 } };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len), LQ_OK);
	assert_int_equal(out_len, 240 + 3 + 257 + 257 + 12 + 1);
	assert_int_equal(out[243], 82);
	assert_int_equal(out[244], 255);
	assert_int_equal(out[243 + 257], 82);
	assert_int_equal(out[243 + 257 + 1], 255);
	assert_int_equal(out[243 + 514], 82);
	assert_int_equal(out[243 + 514 + 1], 10);
	struct lq4_msg *d = decode_ok(out, out_len);
	assert_int_equal(d->relay_info_raw.len, 520);
	assert_ptr_equal(d->relay_info_raw.data, d->concat);
	assert_msg_equal(m, d);
	free(d);
	free(m);
}

/* Option 61 in three pieces (options, file, sname) plus option 12 only in
 * sname: read options, then file, then sname (RFC 2131, RFC 3396). */
static void test_concat_with_overload(void **state)
{
	uint8_t buf[BUF_MAX];
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0d,       /* 53 DHCPLEASEACTIVE */
		0x34, 0x01, 0x03,       /* 52 overload, len 1, 3 (file and sname) */
		0x3d, 0x03, 'a', 'b', 'c', /* 61 client id, part 1 "abc" */
		0x33, 0x02, 0x00, 0x00, /* 51 lease time, part 1: 00 00 */
		0xff,                   /* END */
	};
	static const uint8_t file[] = {
		0x3d, 0x02, 'd', 'e',   /* 61 part 2 "de" */
		0x00,                   /* PAD */
		0x33, 0x02, 0x0e, 0x10, /* 51 part 2: 0e 10 -> 3600 in all */
		0xff,                   /* END; the rest of file is ignored */
		0x3d, 0x01, 'X',
	};
	static const uint8_t sname[] = {
		0x0c, 0x04, 'h', 'o', 's', 't', /* 12 host name "host" */
		0x3d, 0x01, 'f',        /* 61 part 3 "f" */
		/* no END: the field's end stops the walk */
	};
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	uint8_t hdr[LQ4_MIN_LEN];
	(void)state;

	memcpy(hdr, hdr_reply, sizeof(hdr));
	memcpy(hdr + 108, file, sizeof(file));
	memcpy(hdr + 44, sname, sizeof(sname));
	size_t n = join(buf, hdr, opts, sizeof(opts));
	struct lq4_msg *d = decode_ok(buf, n);
	assert_bytes(d->client_id, "abcdef", 6);
	assert_true(d->has_lease_time);
	assert_int_equal(d->lease_time, 3600);
	/* order of first appearance: 53, 52, 61, 51 (options), 12 (sname) */
	assert_int_equal(d->n_options, 5);
	assert_int_equal(d->options[0].code, 53);
	assert_int_equal(d->options[1].code, 52);
	assert_int_equal(d->options[2].code, 61);
	assert_int_equal(d->options[3].code, 51);
	assert_int_equal(d->options[4].code, 12);
	/* 12 appears once: zero copy into sname */
	assert_ptr_equal(lq4_find_option(d, 12)->value.data, buf + 44 + 2);
	assert_int_equal(d->concat_used, 6 + 4);
	free(d);

	/* overload 1: only file is read, sname is a plain name */
	buf[240 + 5] = 1;
	d = decode_ok(buf, n);
	assert_bytes(d->client_id, "abcde", 5);
	assert_null(lq4_find_option(d, 12));
	free(d);

	/* overload 2: only sname is read, so 51 stays 2 octets: an error at
	 * its first instance (offset 251) */
	buf[240 + 5] = 2;
	d = msg_alloc();
	lq_diag diag;
	assert_int_equal(lq4_decode(buf, n, d, &diag), LQ_ERR_OPTION_LENGTH);
	assert_int_equal(diag.err, LQ_ERR_OPTION_LENGTH);
	assert_int_equal(diag.offset, 251);
	assert_int_equal(diag.option, 51);
	assert_bytes(lq4_find_option(d, 61)->value, "abcf", 4);
	free(d);
	free(m);
}

/* msg type only in file, and END optional in the options field */
static void test_msg_type_in_file(void **state)
{
	uint8_t buf[BUF_MAX];
	uint8_t hdr[LQ4_MIN_LEN];
	static const uint8_t opts[] = {
		0x34, 0x01, 0x01,       /* 52 overload, len 1, 1 (file) */
	};
	(void)state;

	memcpy(hdr, hdr_reply, sizeof(hdr));
	hdr[108] = 0x35;                /* 53 in file: DHCPLEASEUNASSIGNED */
	hdr[109] = 0x01;
	hdr[110] = 0x0b;
	size_t n = join(buf, hdr, opts, sizeof(opts));
	struct lq4_msg *d = decode_ok(buf, n);
	assert_int_equal(d->msg_type, LQ4_LEASEUNASSIGNED);
	free(d);
}

static void test_pad_and_trailing(void **state)
{
	uint8_t buf[BUF_MAX];
	static const uint8_t opts[] = {
		0x00, 0x00,             /* PAD PAD */
		0x35, 0x01, 0x0b,       /* 53 DHCPLEASEUNASSIGNED */
		0x00,                   /* PAD */
		0xff,                   /* END */
		0x3d, 0xff, 0x01,       /* after END: ignored even though malformed */
	};
	(void)state;

	size_t n = join(buf, hdr_reply, opts, sizeof(opts));
	struct lq4_msg *d = decode_ok(buf, n);
	assert_int_equal(d->n_options, 1);
	assert_null(d->client_id.data);
	free(d);
}

/* ----------------------------------------------------- associated-ip API */

static void test_associated_ip_helpers(void **state)
{
	static const uint8_t aip[] = { 10, 0, 0, 1, 10, 0, 0, 2 };
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	assert_int_equal(lq4_associated_ip_count(m), 0);
	lq_ip4 ip = lq4_associated_ip_at(m, 0);
	assert_memory_equal(ip.b, "\0\0\0\0", 4);
	m->associated_ip = (lq_bytes){ aip, sizeof(aip) };
	assert_int_equal(lq4_associated_ip_count(m), 2);
	ip = lq4_associated_ip_at(m, 0);
	assert_memory_equal(ip.b, aip, 4);
	ip = lq4_associated_ip_at(m, 1);
	assert_memory_equal(ip.b, aip + 4, 4);
	ip = lq4_associated_ip_at(m, 2);
	assert_memory_equal(ip.b, "\0\0\0\0", 4);
	ip = lq4_associated_ip_at(m, (size_t)-1);
	assert_memory_equal(ip.b, "\0\0\0\0", 4);
	assert_int_equal(lq4_associated_ip_count(NULL), 0);
	free(m);
}

static void test_find_option(void **state)
{
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE);
	(void)state;

	assert_null(lq4_find_option(m, 53)); /* not decoded: options[] empty */
	assert_null(lq4_find_option(NULL, 53));
	free(m);
}

/* ------------------------------------------------------------------ names */

static void test_names(void **state)
{
	static const char *types[] = { "DHCPLEASEQUERY", "DHCPLEASEUNASSIGNED",
	    "DHCPLEASEUNKNOWN", "DHCPLEASEACTIVE", "DHCPBULKLEASEQUERY",
	    "DHCPLEASEQUERYDONE", "DHCPACTIVELEASEQUERY", "DHCPLEASEQUERYSTATUS",
	    "DHCPTLS" };
	static const char *statuses[] = { "Success", "UnspecFail",
	    "QueryTerminated", "MalformedQuery", "NotAllowed", "DataMissing",
	    "ConnectionActive", "CatchUpComplete", "TLSConnectionRefused" };
	static const char *states[] = { "AVAILABLE", "ACTIVE", "EXPIRED",
	    "RELEASED", "ABANDONED", "RESET", "REMOTE", "TRANSITIONING" };
	(void)state;

	for (unsigned i = 0; i < 9; i++)
		assert_string_equal(lq4_msg_type_name((uint8_t)(10 + i)), types[i]);
	assert_string_equal(lq4_msg_type_name(5), "DHCPACK");
	assert_string_equal(lq4_msg_type_name(0), "unknown");
	assert_string_equal(lq4_msg_type_name(19), "unknown");
	assert_string_equal(lq4_msg_type_name(255), "unknown");

	for (unsigned i = 0; i < 9; i++)
		assert_string_equal(lq4_status_name((uint8_t)i), statuses[i]);
	assert_string_equal(lq4_status_name(9), "unknown");

	assert_string_equal(lq4_state_name(0), "unknown");
	for (unsigned i = 0; i < 8; i++)
		assert_string_equal(lq4_state_name((uint8_t)(i + 1)), states[i]);
	assert_string_equal(lq4_state_name(9), "unknown");

	assert_string_equal(lq4_option_name(51), "lease-time");
	assert_string_equal(lq4_option_name(52), "option-overload");
	assert_string_equal(lq4_option_name(53), "message-type");
	assert_string_equal(lq4_option_name(54), "server-identifier");
	assert_string_equal(lq4_option_name(55), "parameter-request-list");
	assert_string_equal(lq4_option_name(58), "renewal-time");
	assert_string_equal(lq4_option_name(59), "rebinding-time");
	assert_string_equal(lq4_option_name(60), "vendor-class-identifier");
	assert_string_equal(lq4_option_name(61), "client-identifier");
	assert_string_equal(lq4_option_name(82), "relay-agent-information");
	assert_string_equal(lq4_option_name(91), "client-last-transaction-time");
	assert_string_equal(lq4_option_name(92), "associated-ip");
	assert_string_equal(lq4_option_name(151), "status-code");
	assert_string_equal(lq4_option_name(152), "base-time");
	assert_string_equal(lq4_option_name(153), "start-time-of-state");
	assert_string_equal(lq4_option_name(154), "query-start-time");
	assert_string_equal(lq4_option_name(155), "query-end-time");
	assert_string_equal(lq4_option_name(156), "dhcp-state");
	assert_string_equal(lq4_option_name(157), "data-source");
	assert_string_equal(lq4_option_name(221), "vss");
	assert_string_equal(lq4_option_name(200), "unknown");

	assert_string_equal(lq4_relay_subopt_name(1), "circuit-id");
	assert_string_equal(lq4_relay_subopt_name(2), "remote-id");
	assert_string_equal(lq4_relay_subopt_name(5), "link-selection");
	assert_string_equal(lq4_relay_subopt_name(6), "subscriber-id");
	assert_string_equal(lq4_relay_subopt_name(11), "server-id-override");
	assert_string_equal(lq4_relay_subopt_name(12), "relay-id");
	assert_string_equal(lq4_relay_subopt_name(19), "relay-port");
	assert_string_equal(lq4_relay_subopt_name(151), "vss");
	assert_string_equal(lq4_relay_subopt_name(152), "vss-control");
	assert_string_equal(lq4_relay_subopt_name(3), "unknown");

	/* every value has some non-NULL name */
	for (unsigned v = 0; v < 256; v++) {
		assert_non_null(lq4_msg_type_name((uint8_t)v));
		assert_non_null(lq4_option_name((uint8_t)v));
		assert_non_null(lq4_status_name((uint8_t)v));
		assert_non_null(lq4_state_name((uint8_t)v));
		assert_non_null(lq4_relay_subopt_name((uint8_t)v));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_init),
		cmocka_unit_test(test_header_kat),
		cmocka_unit_test(test_message_types),
		cmocka_unit_test(test_leasequery_by_client_id),
		cmocka_unit_test(test_leaseactive_full),
		cmocka_unit_test(test_bulk_leasequery),
		cmocka_unit_test(test_leasequerydone_status),
		cmocka_unit_test(test_opt51_lease_time),
		cmocka_unit_test(test_opt51_infinite),
		cmocka_unit_test(test_opt53_msg_type),
		cmocka_unit_test(test_opt54_server_id),
		cmocka_unit_test(test_opt55_prl),
		cmocka_unit_test(test_opt56_57),
		cmocka_unit_test(test_opt58_t1),
		cmocka_unit_test(test_opt59_t2),
		cmocka_unit_test(test_opt60_vendor_class),
		cmocka_unit_test(test_opt61_client_id),
		cmocka_unit_test(test_opt61_one_octet),
		cmocka_unit_test(test_opt91_clt_time),
		cmocka_unit_test(test_opt92_associated_ip),
		cmocka_unit_test(test_opt151_status),
		cmocka_unit_test(test_opt151_status_code_only),
		cmocka_unit_test(test_opt152_base_time),
		cmocka_unit_test(test_opt153_start_time_of_state),
		cmocka_unit_test(test_opt154_query_start_time),
		cmocka_unit_test(test_opt155_query_end_time),
		cmocka_unit_test(test_opt156_dhcp_state),
		cmocka_unit_test(test_opt157_data_source),
		cmocka_unit_test(test_opt221_vss_nvt),
		cmocka_unit_test(test_opt221_vss_vpn_id),
		cmocka_unit_test(test_opt221_vss_global),
		cmocka_unit_test(test_rai1_circuit_id),
		cmocka_unit_test(test_rai2_remote_id),
		cmocka_unit_test(test_rai5_link_selection),
		cmocka_unit_test(test_rai6_subscriber_id),
		cmocka_unit_test(test_rai11_server_id_override),
		cmocka_unit_test(test_rai12_relay_id),
		cmocka_unit_test(test_rai19_relay_port),
		cmocka_unit_test(test_rai151_vss),
		cmocka_unit_test(test_rai152_vss_control),
		cmocka_unit_test(test_rai_all_suboptions),
		cmocka_unit_test(test_rai_empty),
		cmocka_unit_test(test_rai_duplicate_first_wins),
		cmocka_unit_test(test_all_typed_order),
		cmocka_unit_test(test_round_trip_each_type),
		cmocka_unit_test(test_split_600_encode_decode),
		cmocka_unit_test(test_split_boundaries),
		cmocka_unit_test(test_split_relay_info),
		cmocka_unit_test(test_concat_with_overload),
		cmocka_unit_test(test_msg_type_in_file),
		cmocka_unit_test(test_pad_and_trailing),
		cmocka_unit_test(test_associated_ip_helpers),
		cmocka_unit_test(test_find_option),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
