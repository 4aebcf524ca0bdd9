/* test_dhcp6.c - known-answer tests of the DHCPv6 wire layer: every
 * leasequery message type and every leasequery option, written by hand from
 * the RFC layouts (RFC 8415, 5007, 5460, 7653, 4649, 6607, 6939), compared
 * with the writer's output, decoded back into typed fields, and the names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lq/dhcp6.h"
#include "lq/lqtime.h"

/* ---- building blocks of the vectors ---- */

/* Addresses, 16 octets each. */
#define A_UNSPEC        0,0,0,0, 0,0,0,0, 0,0,0,0, 0,0,0,0                              /* :: */
#define A_DB8_1         0x20,0x01,0x0d,0xb8, 0,0,0,0, 0,0,0,0, 0,0,0,0x01                /* 2001:db8::1 */
#define A_DB8_2         0x20,0x01,0x0d,0xb8, 0,0,0,0, 0,0,0,0, 0,0,0,0x02                /* 2001:db8::2 */
#define A_DB8_3         0x20,0x01,0x0d,0xb8, 0,0,0,0, 0,0,0,0, 0,0,0,0x03                /* 2001:db8::3 */
#define A_LINK1         0x20,0x01,0x0d,0xb8, 0x00,0x01,0,0, 0,0,0,0, 0,0,0,0             /* 2001:db8:1:: */
#define A_LINK1_1       0x20,0x01,0x0d,0xb8, 0x00,0x01,0,0, 0,0,0,0, 0,0,0,0x01          /* 2001:db8:1::1 */
#define A_LINK2_1       0x20,0x01,0x0d,0xb8, 0x00,0x02,0,0, 0,0,0,0, 0,0,0,0x01          /* 2001:db8:2::1 */
#define A_PFX100        0x20,0x01,0x0d,0xb8, 0x01,0x00,0,0, 0,0,0,0, 0,0,0,0             /* 2001:db8:100:: */
#define A_PFX200        0x20,0x01,0x0d,0xb8, 0x02,0x00,0,0, 0,0,0,0, 0,0,0,0             /* 2001:db8:200:: */
#define A_FE80_1        0xfe,0x80,0,0, 0,0,0,0, 0,0,0,0, 0,0,0,0x01                      /* fe80::1 */

/* DUIDs (RFC 8415 section 11). */
#define DUID_REQ  0x00,0x03, 0x00,0x01, 0x02,0x00,0x00,0x00,0x00,0x01   /* 10: DUID-LL(3), hw 1, 02:00:00:00:00:01 */
#define DUID_SRV  0x00,0x02, 0x00,0x00,0x09,0xbf, 0x01,0x02,0x03,0x04   /* 10: DUID-EN(2), enterprise 2495, id 01020304 */
#define DUID_CLI  0x00,0x01, 0x00,0x01, 0x2c,0x9a,0x3b,0x80, \
		  0x02,0x00,0x00,0x00,0x00,0x42                        /* 14: DUID-LLT(1), hw 1, time, 02:00:00:00:00:42 */
#define DUID_RLY  0x00,0x04, 0x12,0x34,0x56,0x78,0x9a,0xbc,0xde,0xf0, \
		  0x01,0x23,0x45,0x67,0x89,0xab,0xcd,0xef              /* 18: DUID-UUID(4), 16-octet UUID */

/* Whole options used in several vectors. */
#define OPT_CLIENTID_REQ  0x00,0x01, 0x00,0x0a, DUID_REQ    /* OPTION_CLIENTID(1) len 10: 14 octets */
#define OPT_SERVERID_SRV  0x00,0x02, 0x00,0x0a, DUID_SRV    /* OPTION_SERVERID(2) len 10: 14 octets */
#define OPT_CLIENTID_CLI  0x00,0x01, 0x00,0x0e, DUID_CLI    /* OPTION_CLIENTID(1) len 14: 18 octets */
#define OPT_IFID_ETH0     0x00,0x12, 0x00,0x04, 'e','t','h','0' /* OPTION_INTERFACE_ID(18) len 4: 8 octets */
#define LIFETIMES_1H_2H   0x00,0x00,0x0e,0x10, 0x00,0x00,0x1c,0x20 /* preferred 3600, valid 7200 */

static const uint8_t duid_req[] = {DUID_REQ};
static const uint8_t duid_srv[] = {DUID_SRV};
static const uint8_t duid_cli[] = {DUID_CLI};
static const uint8_t duid_rly[] = {DUID_RLY};
static const uint8_t remote_id_value[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06};

static const lq_ip6 ip_unspec = {{A_UNSPEC}};
static const lq_ip6 ip_db8_1 = {{A_DB8_1}};
static const lq_ip6 ip_db8_2 = {{A_DB8_2}};
static const lq_ip6 ip_db8_3 = {{A_DB8_3}};
static const lq_ip6 ip_link1 = {{A_LINK1}};
static const lq_ip6 ip_link1_1 = {{A_LINK1_1}};
static const lq_ip6 ip_link2_1 = {{A_LINK2_1}};
static const lq_ip6 ip_pfx100 = {{A_PFX100}};
static const lq_ip6 ip_pfx200 = {{A_PFX200}};
static const lq_ip6 ip_fe80_1 = {{A_FE80_1}};

#define TIME_START 800000000u   /* 0x2faf0800: 2025-05-08T06:13:20Z */
#define TIME_END   800003600u   /* 0x2faf1610 */
#define TIME_BASE  800007200u   /* 0x2faf2420 */

/* ---- the vectors ---- */

/* RFC 5007 query by address. 4 + 14 + 4 + 53 = 75 octets. */
static const uint8_t v_query_by_address[] = {
	0x0e, 0x12,0x34,0x56,                   /* LEASEQUERY(14), xid 0x123456 */
	OPT_CLIENTID_REQ,                       /* requestor's DUID */
	0x00,0x2c, 0x00,0x35,                   /* OPTION_LQ_QUERY(44) len 53 = 17 + 28 + 8 */
	0x01, A_UNSPEC,                         /*   QUERY_BY_ADDRESS(1), link-address :: */
	0x00,0x05, 0x00,0x18, A_DB8_1,          /*   OPTION_IAADDR(5) len 24, 2001:db8::1 */
	0x00,0x00,0x00,0x00, 0x00,0x00,0x00,0x00, /*     preferred 0, valid 0 */
	0x00,0x06, 0x00,0x04, 0x00,0x2e, 0x00,0x2f, /* OPTION_ORO(6) len 4: CLT_TIME(46), LQ_RELAY_DATA(47) */
};

/* RFC 5007 query by client-id: 4 + 14 + 4 + 35 = 57 octets. */
static const uint8_t v_query_by_clientid[] = {
	0x0e, 0x00,0x00,0x02,                   /* LEASEQUERY(14), xid 2 */
	OPT_CLIENTID_REQ,
	0x00,0x2c, 0x00,0x23,                   /* OPTION_LQ_QUERY(44) len 35 = 17 + 18 */
	0x02, A_LINK1,                          /*   QUERY_BY_CLIENTID(2), link-address 2001:db8:1:: */
	OPT_CLIENTID_CLI,                       /*   OPTION_CLIENTID(1) len 14: the client asked about */
};

/* RFC 5460 query by relay-id: 4 + 14 + 4 + 39 = 61 octets. */
static const uint8_t v_query_by_relay_id[] = {
	0x0e, 0x00,0x00,0x03,                   /* LEASEQUERY(14), xid 3 */
	OPT_CLIENTID_REQ,
	0x00,0x2c, 0x00,0x27,                   /* OPTION_LQ_QUERY(44) len 39 = 17 + 22 */
	0x03, A_UNSPEC,                         /*   QUERY_BY_RELAY_ID(3), link-address :: */
	0x00,0x35, 0x00,0x12, DUID_RLY,         /*   OPTION_RELAY_ID(53) len 18 */
};

/* RFC 5460 query by link-address with RFC 7653 start and end times:
 * 4 + 14 + 21 + 8 + 8 = 55 octets. */
static const uint8_t v_query_by_link[] = {
	0x0e, 0x00,0x00,0x04,                   /* LEASEQUERY(14), xid 4 */
	OPT_CLIENTID_REQ,
	0x00,0x2c, 0x00,0x11,                   /* OPTION_LQ_QUERY(44) len 17, no query-options */
	0x04, A_LINK1,                          /*   QUERY_BY_LINK_ADDRESS(4), 2001:db8:1:: */
	0x00,0x65, 0x00,0x04, 0x2f,0xaf,0x08,0x00, /* OPTION_LQ_START_TIME(101) len 4, 800000000 */
	0x00,0x66, 0x00,0x04, 0x2f,0xaf,0x16,0x10, /* OPTION_LQ_END_TIME(102) len 4, 800003600 */
};

/* RFC 5460 query by remote-id (RFC 4649 layout): 4 + 14 + 4 + 31 = 53 octets. */
static const uint8_t v_query_by_remote_id[] = {
	0x0e, 0x00,0x00,0x05,                   /* LEASEQUERY(14), xid 5 */
	OPT_CLIENTID_REQ,
	0x00,0x2c, 0x00,0x1f,                   /* OPTION_LQ_QUERY(44) len 31 = 17 + 14 */
	0x05, A_UNSPEC,                         /*   QUERY_BY_REMOTE_ID(5), link-address :: */
	0x00,0x25, 0x00,0x0a,                   /*   OPTION_REMOTE_ID(37) len 10 */
	0x00,0x00,0x11,0x8b,                    /*     enterprise-number 4491 */
	0x01,0x02,0x03,0x04,0x05,0x06,          /*     remote-id */
};

/* The relay message stored in LQ_RELAY_DATA: RELAY-FORW without its
 * RELAY_MSG (RFC 5007 section 4.1.2.3): 34 + 8 = 42 octets. */
#define RELAYED_FORW_42 \
	0x0c, 0x00, A_LINK1_1, A_FE80_1,        /* RELAY-FORW(12), hop-count 0, link 2001:db8:1::1, peer fe80::1 */ \
	OPT_IFID_ETH0                           /* OPTION_INTERFACE_ID(18) "eth0" */

/* RFC 5007 reply with one client's data: 4 + 14 + 14 + 4 + 145 = 181 octets. */
static const uint8_t v_reply_client_data[] = {
	0x0f, 0x12,0x34,0x56,                   /* LEASEQUERY-REPLY(15), xid 0x123456 */
	OPT_SERVERID_SRV,
	OPT_CLIENTID_REQ,
	0x00,0x2d, 0x00,0x91,                   /* OPTION_CLIENT_DATA(45) len 145 = 18+28+29+8+62 */
	OPT_CLIENTID_CLI,                       /*   the client's DUID (18) */
	0x00,0x05, 0x00,0x18, A_DB8_1,          /*   OPTION_IAADDR(5) len 24, 2001:db8::1 (28) */
	LIFETIMES_1H_2H,                        /*     preferred 3600, valid 7200 */
	0x00,0x1a, 0x00,0x19,                   /*   OPTION_IAPREFIX(26) len 25 (29) */
	LIFETIMES_1H_2H,                        /*     preferred 3600, valid 7200 */
	0x38, A_PFX100,                         /*     /56, 2001:db8:100:: */
	0x00,0x2e, 0x00,0x04, 0x00,0x00,0x02,0x58, /* OPTION_CLT_TIME(46) len 4, 600 s (8) */
	0x00,0x2f, 0x00,0x3a,                   /*   OPTION_LQ_RELAY_DATA(47) len 58 = 16 + 42 (62) */
	A_FE80_1,                               /*     peer-address fe80::1 */
	RELAYED_FORW_42,                        /*     DHCP-relay-message */
};

/* RFC 5007 reply for a client with bindings on several links:
 * 4 + 14 + 14 + 36 = 68 octets. */
static const uint8_t v_reply_client_link[] = {
	0x0f, 0x12,0x34,0x57,                   /* LEASEQUERY-REPLY(15), xid 0x123457 */
	OPT_SERVERID_SRV,
	OPT_CLIENTID_REQ,
	0x00,0x30, 0x00,0x20,                   /* OPTION_LQ_CLIENT_LINK(48) len 32 */
	A_LINK1_1, A_LINK2_1,                   /*   2001:db8:1::1, 2001:db8:2::1 */
};

/* RFC 5007 error reply: 4 + 14 + 14 + 18 = 50 octets. */
static const uint8_t v_reply_status[] = {
	0x0f, 0x00,0x00,0x09,                   /* LEASEQUERY-REPLY(15), xid 9 */
	OPT_SERVERID_SRV,
	OPT_CLIENTID_REQ,
	0x00,0x0d, 0x00,0x0e,                   /* OPTION_STATUS_CODE(13) len 14 = 2 + 12 */
	0x00,0x09,                              /*   NotConfigured(9) */
	'n','o',' ','s','u','c','h',' ','l','i','n','k',
};

/* RFC 5460/7653 end of a bulk or active reply: 4 + 6 + 8 = 18 octets. */
static const uint8_t v_done[] = {
	0x10, 0x00,0x00,0x04,                   /* LEASEQUERY-DONE(16), xid 4 */
	0x00,0x0d, 0x00,0x02, 0x00,0x0b,        /* OPTION_STATUS_CODE(13) len 2, QueryTerminated(11) */
	0x00,0x64, 0x00,0x04, 0x2f,0xaf,0x24,0x20, /* OPTION_LQ_BASE_TIME(100) len 4, 800007200 */
};

/* RFC 5460 data message: 4 + 58 + 8 = 70 octets. */
static const uint8_t v_data[] = {
	0x11, 0x00,0x00,0x04,                   /* LEASEQUERY-DATA(17), xid 4 */
	0x00,0x2d, 0x00,0x36,                   /* OPTION_CLIENT_DATA(45) len 54 = 18 + 28 + 8 */
	OPT_CLIENTID_CLI,
	0x00,0x05, 0x00,0x18, A_DB8_2,          /*   OPTION_IAADDR(5) len 24, 2001:db8::2 */
	LIFETIMES_1H_2H,
	0x00,0x2e, 0x00,0x04, 0x00,0x00,0x00,0x00, /* OPTION_CLT_TIME(46) len 4, 0 s */
	0x00,0x64, 0x00,0x04, 0x2f,0xaf,0x24,0x20, /* OPTION_LQ_BASE_TIME(100) len 4, 800007200 */
};

/* RFC 7653 active query: 4 + 14 + 21 + 8 = 47 octets. */
static const uint8_t v_active[] = {
	0x16, 0x00,0x00,0x05,                   /* ACTIVELEASEQUERY(22), xid 5 */
	OPT_CLIENTID_REQ,
	0x00,0x2c, 0x00,0x11,                   /* OPTION_LQ_QUERY(44) len 17 */
	0x04, A_UNSPEC,                         /*   QUERY_BY_LINK_ADDRESS(4), :: (every link) */
	0x00,0x65, 0x00,0x04, 0x2f,0xaf,0x08,0x00, /* OPTION_LQ_START_TIME(101) len 4, 800000000 */
};

/* RFC 7653 STARTTLS: 4 + 14 = 18 octets. */
static const uint8_t v_starttls[] = {
	0x17, 0x00,0x00,0x06,                   /* STARTTLS(23), xid 6 */
	OPT_CLIENTID_REQ,
};

/* RFC 7653 answer to STARTTLS: 4 + 14 + 14 + 6 = 38 octets. */
static const uint8_t v_reply_tls_refused[] = {
	0x07, 0x00,0x00,0x06,                   /* REPLY(7), xid 6 */
	OPT_SERVERID_SRV,
	OPT_CLIENTID_REQ,
	0x00,0x0d, 0x00,0x02, 0x00,0x0f,        /* OPTION_STATUS_CODE(13) len 2, TLSConnectionRefused(15) */
};

/* RFC 8415 REPLY with IA_NA and IA_PD (as stored for a client):
 * 4 + 44 + 45 = 93 octets. */
static const uint8_t v_reply_ia[] = {
	0x07, 0xab,0xcd,0xef,                   /* REPLY(7), xid 0xabcdef */
	0x00,0x03, 0x00,0x28,                   /* OPTION_IA_NA(3) len 40 = 12 + 28 */
	0x00,0x00,0x00,0x01,                    /*   IAID 1 */
	0x00,0x00,0x07,0x08, 0x00,0x00,0x0b,0x40, /* T1 1800, T2 2880 */
	0x00,0x05, 0x00,0x18, A_DB8_1,          /*   OPTION_IAADDR(5) len 24, 2001:db8::1 */
	LIFETIMES_1H_2H,
	0x00,0x19, 0x00,0x29,                   /* OPTION_IA_PD(25) len 41 = 12 + 29 */
	0x00,0x00,0x00,0x02,                    /*   IAID 2 */
	0x00,0x00,0x07,0x08, 0x00,0x00,0x0b,0x40, /* T1 1800, T2 2880 */
	0x00,0x1a, 0x00,0x19,                   /*   OPTION_IAPREFIX(26) len 25 */
	LIFETIMES_1H_2H,
	0x38, A_PFX100,                         /*     /56, 2001:db8:100:: */
};

/* The leasequery carried by the relay vectors: 4 + 14 + 21 = 39 octets. */
#define INNER_LQ_39 \
	0x0e, 0x00,0x00,0x07,                   /* LEASEQUERY(14), xid 7 */ \
	OPT_CLIENTID_REQ, \
	0x00,0x2c, 0x00,0x11, 0x04, A_LINK1     /* OPTION_LQ_QUERY len 17, QUERY_BY_LINK_ADDRESS */

/* RFC 8415 relayed leasequery with RFC 4649, 5460, 6607, 6939 options:
 * 34 + 8 + 14 + 22 + 12 + 12 + 43 = 145 octets. */
static const uint8_t v_relay_forw[] = {
	0x0c, 0x00, A_LINK1_1, A_FE80_1,        /* RELAY-FORW(12), hop 0, link 2001:db8:1::1, peer fe80::1 */
	OPT_IFID_ETH0,                          /* OPTION_INTERFACE_ID(18) "eth0" */
	0x00,0x25, 0x00,0x0a, 0x00,0x00,0x11,0x8b, /* OPTION_REMOTE_ID(37) len 10, enterprise 4491 */
	0x01,0x02,0x03,0x04,0x05,0x06,
	0x00,0x35, 0x00,0x12, DUID_RLY,         /* OPTION_RELAY_ID(53) len 18 */
	0x00,0x44, 0x00,0x08,                   /* OPTION_VSS(68) len 8 */
	0x01, 0x00,0x00,0x5e, 0x00,0x00,0x00,0x2a, /* type 1 (RFC 2685 VPN-ID): OUI 00005e, index 42 */
	0x00,0x4f, 0x00,0x08,                   /* OPTION_CLIENT_LINKLAYER_ADDR(79) len 8 */
	0x00,0x01, 0x02,0x00,0x00,0x00,0x00,0x42, /* type 1 (Ethernet), 02:00:00:00:00:42 */
	0x00,0x09, 0x00,0x27,                   /* OPTION_RELAY_MSG(9) len 39 */
	INNER_LQ_39,
};

/* RFC 8415 relayed reply: 34 + 8 + 4 + 38 = 84 octets. */
static const uint8_t v_relay_repl[] = {
	0x0d, 0x00, A_LINK1_1, A_FE80_1,        /* RELAY-REPL(13), hop 0, link 2001:db8:1::1, peer fe80::1 */
	OPT_IFID_ETH0,
	0x00,0x09, 0x00,0x26,                   /* OPTION_RELAY_MSG(9) len 38 = 4 + 14 + 14 + 6 */
	0x0f, 0x00,0x00,0x07,                   /*   LEASEQUERY-REPLY(15), xid 7 */
	OPT_SERVERID_SRV,
	OPT_CLIENTID_REQ,
	0x00,0x0d, 0x00,0x02, 0x00,0x00,        /*   OPTION_STATUS_CODE(13) len 2, Success(0) */
};

/* Two relays: outer 34 + 89, inner 34 + 8 + 43 = 85; 123 octets. */
static const uint8_t v_relay_relay[] = {
	0x0c, 0x01, A_UNSPEC, A_LINK1_1,        /* RELAY-FORW(12), hop 1, link ::, peer 2001:db8:1::1 */
	0x00,0x09, 0x00,0x55,                   /* OPTION_RELAY_MSG(9) len 85 */
	0x0c, 0x00, A_LINK1_1, A_FE80_1,        /*   RELAY-FORW(12), hop 0, link 2001:db8:1::1, peer fe80::1 */
	OPT_IFID_ETH0,
	0x00,0x09, 0x00,0x27,                   /*   OPTION_RELAY_MSG(9) len 39 */
	INNER_LQ_39,
};

/* ---- helpers ---- */

struct built {
	uint8_t buf[1024];
	size_t len;
};

static void assert_same_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
	for (size_t i = 0; i < got_len && i < want_len; i++) {
		if (got[i] != want[i])
			fail_msg("octet %zu: got 0x%02x, want 0x%02x", i, got[i], want[i]);
	}
	assert_int_equal(got_len, want_len);
}

static void finish_and_compare(struct lq6_writer *w, const uint8_t *want, size_t want_len)
{
	size_t len = 0;

	assert_int_equal(lq6w_finish(w, &len), LQ_OK);
	assert_same_bytes(w->buf, len, want, want_len);
}

static void decode_ok(const uint8_t *buf, size_t len, struct lq6_msg *m)
{
	lq_diag diag = {LQ_ERR_INVALID_ARGUMENT, 99, 99};

	assert_int_equal(lq6_decode(buf, len, m, &diag), LQ_OK);
	assert_int_equal(diag.err, LQ_OK);
	assert_int_equal(diag.offset, 0);
	assert_int_equal(diag.option, -1);
}

static void assert_view(lq_bytes got, const void *want, size_t want_len)
{
	assert_non_null(got.data);
	assert_int_equal(got.len, want_len);
	assert_memory_equal(got.data, want, want_len);
}

static void assert_ip6(const lq_ip6 *got, const lq_ip6 *want)
{
	assert_memory_equal(got->b, want->b, 16);
}

#define WRITER(w, b) struct built b; struct lq6_writer w; lq6w_init(&w, b.buf, sizeof(b.buf))

/* ---- writers of the vectors ---- */

static void write_lq_start(struct lq6_writer *w, uint8_t type, uint32_t xid)
{
	lq6w_header(w, type, xid);
	lq6w_option(w, LQ6_OPT_CLIENTID, duid_req, sizeof(duid_req));
}

static void write_reply_start(struct lq6_writer *w, uint8_t type, uint32_t xid)
{
	lq6w_header(w, type, xid);
	lq6w_option(w, LQ6_OPT_SERVERID, duid_srv, sizeof(duid_srv));
	lq6w_option(w, LQ6_OPT_CLIENTID, duid_req, sizeof(duid_req));
}

static void write_relayed_forw(struct lq6_writer *w)
{
	lq6w_relay_header(w, LQ6_RELAY_FORW, 0, &ip_link1_1, &ip_fe80_1);
	lq6w_option(w, LQ6_OPT_INTERFACE_ID, "eth0", 4);
}

static void write_inner_lq(struct lq6_writer *w)
{
	write_lq_start(w, LQ6_LEASEQUERY, 7);
	lq6w_lq_query_open(w, LQ6_QUERY_BY_LINK_ADDRESS, &ip_link1);
	lq6w_close(w);
}

/* ---- message types and query types ---- */

static void test_query_by_address(void **state)
{
	static const uint16_t oro[] = {LQ6_OPT_CLT_TIME, LQ6_OPT_LQ_RELAY_DATA};
	struct lq6_msg m;
	(void)state;

	WRITER(w, b);
	write_lq_start(&w, LQ6_LEASEQUERY, 0x123456);
	lq6w_lq_query_open(&w, LQ6_QUERY_BY_ADDRESS, NULL);
	lq6w_iaaddr(&w, &ip_db8_1, 0, 0);
	lq6w_oro(&w, oro, 2);
	lq6w_close(&w);
	finish_and_compare(&w, v_query_by_address, sizeof(v_query_by_address));

	decode_ok(v_query_by_address, sizeof(v_query_by_address), &m);
	assert_int_equal(m.type, LQ6_LEASEQUERY);
	assert_int_equal(m.xid, 0x123456);
	assert_view(m.client_id, duid_req, sizeof(duid_req));
	assert_null(m.server_id.data);
	assert_true(m.query.present);
	assert_int_equal(m.query.type, LQ6_QUERY_BY_ADDRESS);
	assert_ip6(&m.query.link_address, &ip_unspec);
	assert_true(m.query.has_iaaddr);
	assert_ip6(&m.query.iaaddr.addr, &ip_db8_1);
	assert_int_equal(m.query.iaaddr.preferred, 0);
	assert_int_equal(m.query.iaaddr.valid, 0);
	assert_int_equal(m.query.iaaddr.options.len, 0);
	assert_view(m.query.oro, (const uint8_t[]){0x00, 0x2e, 0x00, 0x2f}, 4);
	assert_int_equal(m.query.options.len, 36);
	assert_null(m.query.client_id.data);
	assert_false(m.client_data.present);
	assert_false(m.status.present);
	assert_int_equal(m.options.len, sizeof(v_query_by_address) - 4);
}

static void test_query_by_clientid(void **state)
{
	struct lq6_msg m;
	(void)state;

	WRITER(w, b);
	write_lq_start(&w, LQ6_LEASEQUERY, 2);
	lq6w_lq_query_open(&w, LQ6_QUERY_BY_CLIENTID, &ip_link1);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_cli, sizeof(duid_cli));
	lq6w_close(&w);
	finish_and_compare(&w, v_query_by_clientid, sizeof(v_query_by_clientid));

	decode_ok(v_query_by_clientid, sizeof(v_query_by_clientid), &m);
	assert_int_equal(m.xid, 2);
	assert_int_equal(m.query.type, LQ6_QUERY_BY_CLIENTID);
	assert_ip6(&m.query.link_address, &ip_link1);
	assert_view(m.query.client_id, duid_cli, sizeof(duid_cli));
	assert_view(m.client_id, duid_req, sizeof(duid_req));
	assert_false(m.query.has_iaaddr);
}

static void test_query_by_relay_id(void **state)
{
	struct lq6_msg m;
	(void)state;

	WRITER(w, b);
	write_lq_start(&w, LQ6_LEASEQUERY, 3);
	lq6w_lq_query_open(&w, LQ6_QUERY_BY_RELAY_ID, &ip_unspec);
	lq6w_option(&w, LQ6_OPT_RELAY_ID, duid_rly, sizeof(duid_rly));
	lq6w_close(&w);
	finish_and_compare(&w, v_query_by_relay_id, sizeof(v_query_by_relay_id));

	decode_ok(v_query_by_relay_id, sizeof(v_query_by_relay_id), &m);
	assert_int_equal(m.query.type, LQ6_QUERY_BY_RELAY_ID);
	assert_view(m.query.relay_id, duid_rly, sizeof(duid_rly));
	assert_null(m.relay_id.data);
}

static void test_query_by_link_with_times(void **state)
{
	struct lq6_msg m;
	(void)state;

	WRITER(w, b);
	write_lq_start(&w, LQ6_LEASEQUERY, 4);
	lq6w_lq_query_open(&w, LQ6_QUERY_BY_LINK_ADDRESS, &ip_link1);
	lq6w_close(&w);
	lq6w_option_u32(&w, LQ6_OPT_LQ_START_TIME, TIME_START);
	lq6w_option_u32(&w, LQ6_OPT_LQ_END_TIME, TIME_END);
	finish_and_compare(&w, v_query_by_link, sizeof(v_query_by_link));

	decode_ok(v_query_by_link, sizeof(v_query_by_link), &m);
	assert_int_equal(m.query.type, LQ6_QUERY_BY_LINK_ADDRESS);
	assert_ip6(&m.query.link_address, &ip_link1);
	assert_non_null(m.query.options.data);
	assert_int_equal(m.query.options.len, 0);
	assert_true(m.has_start_time);
	assert_int_equal(m.start_time, TIME_START);
	assert_true(m.has_end_time);
	assert_int_equal(m.end_time, TIME_END);
	assert_false(m.has_base_time);
}

static void test_query_by_remote_id(void **state)
{
	struct lq6_msg m;
	(void)state;

	WRITER(w, b);
	write_lq_start(&w, LQ6_LEASEQUERY, 5);
	lq6w_lq_query_open(&w, LQ6_QUERY_BY_REMOTE_ID, NULL);
	lq6w_remote_id(&w, 4491, remote_id_value, sizeof(remote_id_value));
	lq6w_close(&w);
	finish_and_compare(&w, v_query_by_remote_id, sizeof(v_query_by_remote_id));

	decode_ok(v_query_by_remote_id, sizeof(v_query_by_remote_id), &m);
	assert_int_equal(m.query.type, LQ6_QUERY_BY_REMOTE_ID);
	assert_true(m.query.remote_id.present);
	assert_int_equal(m.query.remote_id.enterprise, 4491);
	assert_view(m.query.remote_id.id, remote_id_value, sizeof(remote_id_value));
	assert_false(m.remote_id.present);
}

static void test_reply_client_data(void **state)
{
	static const uint8_t relayed[] = {RELAYED_FORW_42};
	struct lq6_msg m, inner;
	(void)state;

	WRITER(w, b);
	write_reply_start(&w, LQ6_LEASEQUERY_REPLY, 0x123456);
	lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_cli, sizeof(duid_cli));
	lq6w_iaaddr(&w, &ip_db8_1, 3600, 7200);
	lq6w_iaprefix(&w, &ip_pfx100, 56, 3600, 7200);
	lq6w_option_u32(&w, LQ6_OPT_CLT_TIME, 600);
	lq6w_relay_data(&w, &ip_fe80_1, relayed, sizeof(relayed));
	lq6w_close(&w);
	finish_and_compare(&w, v_reply_client_data, sizeof(v_reply_client_data));

	/* The relayed message in LQ_RELAY_DATA, written with the writer too. */
	WRITER(w2, b2);
	write_relayed_forw(&w2);
	finish_and_compare(&w2, relayed, sizeof(relayed));

	decode_ok(v_reply_client_data, sizeof(v_reply_client_data), &m);
	assert_int_equal(m.type, LQ6_LEASEQUERY_REPLY);
	assert_view(m.server_id, duid_srv, sizeof(duid_srv));
	assert_view(m.client_id, duid_req, sizeof(duid_req));
	assert_true(m.client_data.present);
	assert_view(m.client_data.client_id, duid_cli, sizeof(duid_cli));
	assert_true(m.client_data.has_clt_time);
	assert_int_equal(m.client_data.clt_time, 600);
	assert_int_equal(m.client_data.n_addresses, 1);
	assert_int_equal(m.client_data.n_prefixes, 1);
	assert_true(m.client_data.has_relay_data);
	assert_ip6(&m.client_data.relay_peer, &ip_fe80_1);
	assert_view(m.client_data.relay_message, relayed, sizeof(relayed));
	assert_int_equal(m.client_data.options.len, 145);

	assert_int_equal(lq6_decode_inner(m.client_data.relay_message, &inner, NULL), LQ_OK);
	assert_int_equal(inner.type, LQ6_RELAY_FORW);
	assert_int_equal(inner.hop_count, 0);
	assert_ip6(&inner.link_address, &ip_link1_1);
	assert_ip6(&inner.peer_address, &ip_fe80_1);
	assert_view(inner.interface_id, "eth0", 4);
	assert_null(inner.relay_msg.data);

	struct lq6_iter it;
	struct lq6_lease lease;
	lq6_iter_init(&it, m.client_data.options);
	assert_true(lq6_client_data_next(&it, &lease));
	assert_false(lease.is_prefix);
	assert_int_equal(lease.prefix_len, 128);
	assert_ip6(&lease.addr, &ip_db8_1);
	assert_int_equal(lease.preferred, 3600);
	assert_int_equal(lease.valid, 7200);
	assert_true(lq6_client_data_next(&it, &lease));
	assert_true(lease.is_prefix);
	assert_int_equal(lease.prefix_len, 56);
	assert_ip6(&lease.addr, &ip_pfx100);
	assert_false(lq6_client_data_next(&it, &lease));
}

static void test_reply_client_link(void **state)
{
	static const lq_ip6 links[] = {{{A_LINK1_1}}, {{A_LINK2_1}}};
	struct lq6_msg m;
	(void)state;

	WRITER(w, b);
	write_reply_start(&w, LQ6_LEASEQUERY_REPLY, 0x123457);
	lq6w_client_link(&w, links, 2);
	finish_and_compare(&w, v_reply_client_link, sizeof(v_reply_client_link));

	decode_ok(v_reply_client_link, sizeof(v_reply_client_link), &m);
	assert_int_equal(lq6_client_link_count(&m), 2);
	lq_ip6 a = lq6_client_link_at(&m, 0);
	assert_ip6(&a, &ip_link1_1);
	a = lq6_client_link_at(&m, 1);
	assert_ip6(&a, &ip_link2_1);
	a = lq6_client_link_at(&m, 2);
	assert_ip6(&a, &ip_unspec);
	assert_false(m.client_data.present);
}

static void test_reply_status(void **state)
{
	struct lq6_msg m;
	(void)state;

	WRITER(w, b);
	write_reply_start(&w, LQ6_LEASEQUERY_REPLY, 9);
	lq6w_status(&w, LQ6_STATUS_NOT_CONFIGURED, "no such link");
	finish_and_compare(&w, v_reply_status, sizeof(v_reply_status));

	decode_ok(v_reply_status, sizeof(v_reply_status), &m);
	assert_true(m.status.present);
	assert_int_equal(m.status.code, LQ6_STATUS_NOT_CONFIGURED);
	assert_view(m.status.message, "no such link", 12);
	assert_int_equal(lq6_client_link_count(&m), 0);
}

static void test_done(void **state)
{
	struct lq6_msg m;
	(void)state;

	WRITER(w, b);
	lq6w_header(&w, LQ6_LEASEQUERY_DONE, 4);
	lq6w_status(&w, LQ6_STATUS_QUERY_TERMINATED, NULL);
	lq6w_option_u32(&w, LQ6_OPT_LQ_BASE_TIME, TIME_BASE);
	finish_and_compare(&w, v_done, sizeof(v_done));

	decode_ok(v_done, sizeof(v_done), &m);
	assert_int_equal(m.type, LQ6_LEASEQUERY_DONE);
	assert_int_equal(m.status.code, LQ6_STATUS_QUERY_TERMINATED);
	assert_non_null(m.status.message.data);
	assert_int_equal(m.status.message.len, 0);
	assert_true(m.has_base_time);
	assert_int_equal(m.base_time, TIME_BASE);
}

static void test_data(void **state)
{
	struct lq6_msg m;
	(void)state;

	WRITER(w, b);
	lq6w_header(&w, LQ6_LEASEQUERY_DATA, 4);
	lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_cli, sizeof(duid_cli));
	lq6w_iaaddr(&w, &ip_db8_2, 3600, 7200);
	lq6w_option_u32(&w, LQ6_OPT_CLT_TIME, 0);
	lq6w_close(&w);
	lq6w_option_u32(&w, LQ6_OPT_LQ_BASE_TIME, TIME_BASE);
	finish_and_compare(&w, v_data, sizeof(v_data));

	decode_ok(v_data, sizeof(v_data), &m);
	assert_int_equal(m.type, LQ6_LEASEQUERY_DATA);
	assert_true(m.client_data.present);
	assert_int_equal(m.client_data.n_addresses, 1);
	assert_int_equal(m.client_data.n_prefixes, 0);
	assert_true(m.client_data.has_clt_time);
	assert_int_equal(m.client_data.clt_time, 0);
	assert_false(m.client_data.has_relay_data);
	assert_int_equal(m.base_time, TIME_BASE);
	assert_null(m.client_id.data);
}

static void test_active(void **state)
{
	struct lq6_msg m;
	(void)state;

	WRITER(w, b);
	write_lq_start(&w, LQ6_ACTIVELEASEQUERY, 5);
	lq6w_lq_query_open(&w, LQ6_QUERY_BY_LINK_ADDRESS, NULL);
	lq6w_close(&w);
	lq6w_option_u32(&w, LQ6_OPT_LQ_START_TIME, TIME_START);
	finish_and_compare(&w, v_active, sizeof(v_active));

	decode_ok(v_active, sizeof(v_active), &m);
	assert_int_equal(m.type, LQ6_ACTIVELEASEQUERY);
	assert_int_equal(m.xid, 5);
	assert_true(m.query.present);
	assert_true(m.has_start_time);
	assert_false(m.has_end_time);
}

static void test_starttls_and_reply(void **state)
{
	struct lq6_msg m;
	(void)state;

	WRITER(w, b);
	write_lq_start(&w, LQ6_STARTTLS, 6);
	finish_and_compare(&w, v_starttls, sizeof(v_starttls));
	decode_ok(v_starttls, sizeof(v_starttls), &m);
	assert_int_equal(m.type, LQ6_STARTTLS);
	assert_int_equal(m.xid, 6);

	WRITER(w2, b2);
	write_reply_start(&w2, LQ6_REPLY, 6);
	lq6w_status(&w2, LQ6_STATUS_TLS_CONNECTION_REFUSED, "");
	finish_and_compare(&w2, v_reply_tls_refused, sizeof(v_reply_tls_refused));
	decode_ok(v_reply_tls_refused, sizeof(v_reply_tls_refused), &m);
	assert_int_equal(m.type, LQ6_REPLY);
	assert_int_equal(m.status.code, LQ6_STATUS_TLS_CONNECTION_REFUSED);
}

static void test_reply_ia_na_ia_pd(void **state)
{
	struct lq6_msg m;
	struct lq6_opt na, pd;
	struct lq6_ia ia;
	struct lq6_iaaddr a;
	struct lq6_iaprefix p;
	(void)state;

	WRITER(w, b);
	lq6w_header(&w, LQ6_REPLY, 0xabcdef);
	lq6w_ia_open(&w, LQ6_OPT_IA_NA, 1, 1800, 2880);
	lq6w_iaaddr(&w, &ip_db8_1, 3600, 7200);
	lq6w_close(&w);
	lq6w_ia_open(&w, LQ6_OPT_IA_PD, 2, 1800, 2880);
	lq6w_iaprefix(&w, &ip_pfx100, 56, 3600, 7200);
	lq6w_close(&w);
	finish_and_compare(&w, v_reply_ia, sizeof(v_reply_ia));

	decode_ok(v_reply_ia, sizeof(v_reply_ia), &m);
	assert_int_equal(m.xid, 0xabcdef);
	na = lq6_find(m.options, LQ6_OPT_IA_NA);
	assert_int_equal(lq6_parse_ia(na.code, na.value, &ia), LQ_OK);
	assert_int_equal(ia.iaid, 1);
	assert_int_equal(ia.t1, 1800);
	assert_int_equal(ia.t2, 2880);
	assert_int_equal(ia.options.len, 28);
	assert_int_equal(lq6_parse_iaaddr(lq6_find(ia.options, LQ6_OPT_IAADDR).value, &a), LQ_OK);
	assert_ip6(&a.addr, &ip_db8_1);
	assert_int_equal(a.preferred, 3600);
	assert_int_equal(a.valid, 7200);

	pd = lq6_find(m.options, LQ6_OPT_IA_PD);
	assert_int_equal(lq6_parse_ia(pd.code, pd.value, &ia), LQ_OK);
	assert_int_equal(ia.iaid, 2);
	assert_int_equal(lq6_parse_iaprefix(lq6_find(ia.options, LQ6_OPT_IAPREFIX).value, &p), LQ_OK);
	assert_int_equal(p.prefix_len, 56);
	assert_ip6(&p.prefix, &ip_pfx100);
	assert_int_equal(p.preferred, 3600);
	assert_int_equal(p.valid, 7200);
	assert_int_equal(p.options.len, 0);

	assert_int_equal(lq6_parse_ia(LQ6_OPT_IAADDR, na.value, &ia), LQ_ERR_INVALID_ARGUMENT);
	assert_null(lq6_find(m.options, LQ6_OPT_CLIENTID).value.data);
}

static void test_ia_ta(void **state)
{
	/* OPTION_IA_TA(4) len 4 + 28: IAID 9, one IAADDR. */
	static const uint8_t want[] = {
		0x07, 0x00,0x00,0x01,           /* REPLY(7), xid 1 */
		0x00,0x04, 0x00,0x20,           /* OPTION_IA_TA(4) len 32 = 4 + 28 */
		0x00,0x00,0x00,0x09,            /*   IAID 9 */
		0x00,0x05, 0x00,0x18, A_DB8_3, LIFETIMES_1H_2H,
	};
	struct lq6_msg m;
	struct lq6_ia ia;
	(void)state;

	WRITER(w, b);
	lq6w_header(&w, LQ6_REPLY, 1);
	lq6w_ia_open(&w, LQ6_OPT_IA_TA, 9, 0, 0);
	lq6w_iaaddr(&w, &ip_db8_3, 3600, 7200);
	lq6w_close(&w);
	finish_and_compare(&w, want, sizeof(want));
	decode_ok(want, sizeof(want), &m);
	struct lq6_opt ta = lq6_find(m.options, LQ6_OPT_IA_TA);
	assert_int_equal(lq6_parse_ia(ta.code, ta.value, &ia), LQ_OK);
	assert_int_equal(ia.iaid, 9);
	assert_int_equal(ia.t1, 0);
	assert_int_equal(ia.options.len, 28);
}

static void test_relay_forw(void **state)
{
	static const uint8_t vss[] = {0x01, 0x00, 0x00, 0x5e, 0x00, 0x00, 0x00, 0x2a};
	static const uint8_t lladdr[] = {0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x42};
	static const uint8_t inner_bytes[] = {INNER_LQ_39};
	struct lq6_msg m, inner;
	(void)state;

	WRITER(w, b);
	write_relayed_forw(&w);
	lq6w_remote_id(&w, 4491, remote_id_value, sizeof(remote_id_value));
	lq6w_option(&w, LQ6_OPT_RELAY_ID, duid_rly, sizeof(duid_rly));
	lq6w_option(&w, LQ6_OPT_VSS, vss, sizeof(vss));
	lq6w_option(&w, LQ6_OPT_CLIENT_LINKLAYER_ADDR, lladdr, sizeof(lladdr));
	lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	write_inner_lq(&w);
	lq6w_close(&w);
	finish_and_compare(&w, v_relay_forw, sizeof(v_relay_forw));

	decode_ok(v_relay_forw, sizeof(v_relay_forw), &m);
	assert_int_equal(m.type, LQ6_RELAY_FORW);
	assert_int_equal(m.hop_count, 0);
	assert_int_equal(m.xid, 0);
	assert_ip6(&m.link_address, &ip_link1_1);
	assert_ip6(&m.peer_address, &ip_fe80_1);
	assert_view(m.interface_id, "eth0", 4);
	assert_true(m.remote_id.present);
	assert_int_equal(m.remote_id.enterprise, 4491);
	assert_view(m.remote_id.id, remote_id_value, sizeof(remote_id_value));
	assert_view(m.relay_id, duid_rly, sizeof(duid_rly));
	assert_view(m.vss, vss, sizeof(vss));
	assert_view(lq6_find(m.options, LQ6_OPT_CLIENT_LINKLAYER_ADDR).value, lladdr, sizeof(lladdr));
	assert_view(m.relay_msg, inner_bytes, sizeof(inner_bytes));

	assert_int_equal(lq6_decode_inner(m.relay_msg, &inner, NULL), LQ_OK);
	assert_int_equal(inner.type, LQ6_LEASEQUERY);
	assert_int_equal(inner.xid, 7);
	assert_int_equal(inner.query.type, LQ6_QUERY_BY_LINK_ADDRESS);
	assert_ip6(&inner.query.link_address, &ip_link1);
}

static void test_relay_repl(void **state)
{
	struct lq6_msg m, inner;
	(void)state;

	WRITER(w, b);
	lq6w_relay_header(&w, LQ6_RELAY_REPL, 0, &ip_link1_1, &ip_fe80_1);
	lq6w_option(&w, LQ6_OPT_INTERFACE_ID, "eth0", 4);
	lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	write_reply_start(&w, LQ6_LEASEQUERY_REPLY, 7);
	lq6w_status(&w, LQ6_STATUS_SUCCESS, NULL);
	lq6w_close(&w);
	finish_and_compare(&w, v_relay_repl, sizeof(v_relay_repl));

	decode_ok(v_relay_repl, sizeof(v_relay_repl), &m);
	assert_int_equal(m.type, LQ6_RELAY_REPL);
	assert_int_equal(m.relay_msg.len, 38);
	assert_int_equal(lq6_decode_inner(m.relay_msg, &inner, NULL), LQ_OK);
	assert_int_equal(inner.type, LQ6_LEASEQUERY_REPLY);
	assert_true(inner.status.present);
	assert_int_equal(inner.status.code, LQ6_STATUS_SUCCESS);
	assert_view(inner.server_id, duid_srv, sizeof(duid_srv));
}

static void test_relay_relay(void **state)
{
	struct lq6_msg outer, middle, inner;
	(void)state;

	WRITER(w, b);
	lq6w_relay_header(&w, LQ6_RELAY_FORW, 1, NULL, &ip_link1_1);
	lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	write_relayed_forw(&w);
	lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	write_inner_lq(&w);
	lq6w_close(&w);
	lq6w_close(&w);
	finish_and_compare(&w, v_relay_relay, sizeof(v_relay_relay));

	decode_ok(v_relay_relay, sizeof(v_relay_relay), &outer);
	assert_int_equal(outer.hop_count, 1);
	assert_ip6(&outer.link_address, &ip_unspec);
	assert_ip6(&outer.peer_address, &ip_link1_1);
	assert_int_equal(outer.relay_msg.len, 85);
	assert_null(outer.interface_id.data);
	assert_int_equal(lq6_decode_inner(outer.relay_msg, &middle, NULL), LQ_OK);
	assert_int_equal(middle.type, LQ6_RELAY_FORW);
	assert_int_equal(middle.hop_count, 0);
	assert_view(middle.interface_id, "eth0", 4);
	assert_int_equal(lq6_decode_inner(middle.relay_msg, &inner, NULL), LQ_OK);
	assert_int_equal(inner.type, LQ6_LEASEQUERY);
	assert_int_equal(inner.xid, 7);
	assert_true(inner.query.present);
}

/* ---- walks and odd corners ---- */

static void test_client_data_walk(void **state)
{
	static const lq_ip6 addrs[] = {{{A_DB8_1}}, {{A_DB8_2}}, {{A_DB8_3}}};
	struct lq6_msg m;
	struct lq6_iter it;
	struct lq6_lease lease;
	size_t len;
	(void)state;

	WRITER(w, b);
	lq6w_header(&w, LQ6_LEASEQUERY_DATA, 1);
	lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_cli, sizeof(duid_cli));
	lq6w_iaaddr(&w, &addrs[0], 100, 200);
	lq6w_iaprefix(&w, &ip_pfx100, 56, 300, 400);
	lq6w_option_u32(&w, LQ6_OPT_CLT_TIME, 5);
	lq6w_iaaddr(&w, &addrs[1], 101, 201);
	lq6w_option(&w, 999, "x", 1);            /* unknown options are skipped */
	lq6w_iaprefix(&w, &ip_pfx200, 64, 301, LQ_INFINITE_LIFETIME);
	lq6w_iaaddr(&w, &addrs[2], 102, 202);
	lq6w_close(&w);
	assert_int_equal(lq6w_finish(&w, &len), LQ_OK);

	decode_ok(b.buf, len, &m);
	assert_int_equal(m.client_data.n_addresses, 3);
	assert_int_equal(m.client_data.n_prefixes, 2);
	assert_int_equal(m.client_data.clt_time, 5);

	struct {
		bool is_prefix;
		uint8_t plen;
		const lq_ip6 *addr;
		uint32_t preferred, valid;
	} want[] = {
		{false, 128, &addrs[0], 100, 200},
		{true, 56, &ip_pfx100, 300, 400},
		{false, 128, &addrs[1], 101, 201},
		{true, 64, &ip_pfx200, 301, LQ_INFINITE_LIFETIME},
		{false, 128, &addrs[2], 102, 202},
	};
	lq6_iter_init(&it, m.client_data.options);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_true(lq6_client_data_next(&it, &lease));
		assert_int_equal(lease.is_prefix, want[i].is_prefix);
		assert_int_equal(lease.prefix_len, want[i].plen);
		assert_ip6(&lease.addr, want[i].addr);
		assert_int_equal(lease.preferred, want[i].preferred);
		assert_int_equal(lease.valid, want[i].valid);
	}
	assert_false(lq6_client_data_next(&it, &lease));
	assert_false(lq6_client_data_next(&it, &lease));
}

static void test_iter(void **state)
{
	static const uint8_t region[] = {
		0x00,0x01, 0x00,0x00,           /* code 1, empty */
		0x12,0x34, 0x00,0x02, 0xaa,0xbb, /* code 0x1234, 2 octets */
		0x00,0x07, 0x00,0x05, 0x01,     /* code 7 claims 5, has 1 */
	};
	struct lq6_iter it;
	struct lq6_opt o;
	(void)state;

	lq6_iter_init(&it, (lq_bytes){region, sizeof(region)});
	assert_int_equal(lq6_iter_next(&it, &o), 1);
	assert_int_equal(o.code, 1);
	assert_non_null(o.value.data);
	assert_int_equal(o.value.len, 0);
	assert_int_equal(lq6_iter_next(&it, &o), 1);
	assert_int_equal(o.code, 0x1234);
	assert_view(o.value, (const uint8_t[]){0xaa, 0xbb}, 2);
	assert_int_equal(lq6_iter_next(&it, &o), -1);
	assert_int_equal(lq6_iter_next(&it, &o), 0);

	/* Absent region: nothing to walk. */
	lq6_iter_init(&it, (lq_bytes){NULL, 0});
	assert_int_equal(lq6_iter_next(&it, &o), 0);
	assert_null(lq6_find((lq_bytes){NULL, 0}, 1).value.data);

	/* Three octets: too short for an option header. */
	lq6_iter_init(&it, (lq_bytes){region, 3});
	assert_int_equal(lq6_iter_next(&it, &o), -1);

	assert_int_equal(lq6_find((lq_bytes){region, sizeof(region)}, 0x1234).value.len, 2);
	assert_null(lq6_find((lq_bytes){region, sizeof(region)}, 7).value.data);
}

static void test_parse_short_values(void **state)
{
	static const uint8_t zeros[32];
	struct lq6_iaaddr a;
	struct lq6_iaprefix p;
	struct lq6_ia ia;
	(void)state;

	assert_int_equal(lq6_parse_iaaddr((lq_bytes){zeros, 23}, &a), LQ_ERR_OPTION_LENGTH);
	assert_int_equal(lq6_parse_iaaddr((lq_bytes){zeros, 24}, &a), LQ_OK);
	assert_int_equal(lq6_parse_iaaddr((lq_bytes){NULL, 0}, &a), LQ_ERR_OPTION_LENGTH);
	assert_int_equal(lq6_parse_iaprefix((lq_bytes){zeros, 24}, &p), LQ_ERR_OPTION_LENGTH);
	assert_int_equal(lq6_parse_iaprefix((lq_bytes){zeros, 25}, &p), LQ_OK);
	assert_int_equal(lq6_parse_ia(LQ6_OPT_IA_NA, (lq_bytes){zeros, 11}, &ia), LQ_ERR_OPTION_LENGTH);
	assert_int_equal(lq6_parse_ia(LQ6_OPT_IA_PD, (lq_bytes){zeros, 12}, &ia), LQ_OK);
	assert_int_equal(lq6_parse_ia(LQ6_OPT_IA_TA, (lq_bytes){zeros, 3}, &ia), LQ_ERR_OPTION_LENGTH);
	assert_int_equal(lq6_parse_ia(LQ6_OPT_IA_TA, (lq_bytes){zeros, 4}, &ia), LQ_OK);
}

static void test_decode_validate_only(void **state)
{
	(void)state;
	assert_int_equal(lq6_decode(v_reply_client_data, sizeof(v_reply_client_data), NULL, NULL), LQ_OK);
	assert_int_equal(lq6_decode(v_relay_relay, sizeof(v_relay_relay), NULL, NULL), LQ_OK);
}

/* Unknown options, a message with no options, and an unknown message type
 * still decode: only the structure is checked. */
static void test_decode_unknown_things(void **state)
{
	static const uint8_t bare[] = {0x0e, 0xff, 0xff, 0xff};
	static const uint8_t odd[] = {
		0xc8, 0x00, 0x00, 0x01,         /* message type 200 */
		0xff, 0xff, 0x00, 0x01, 0x00,   /* option 65535, 1 octet */
		0x00, 0x09, 0x00, 0x00,         /* OPTION_RELAY_MSG(9) len 0 (at offset 9) */
	};
	struct lq6_msg m;
	lq_diag diag;
	(void)state;

	decode_ok(bare, sizeof(bare), &m);
	assert_int_equal(m.xid, 0xffffff);
	assert_non_null(m.options.data);
	assert_int_equal(m.options.len, 0);

	decode_ok(odd, 9, &m);
	assert_int_equal(m.type, 200);
	assert_int_equal(lq6_find(m.options, 0xffff).value.len, 1);
	/* An empty RELAY_MSG is a relayed message without header. */
	assert_int_equal(lq6_decode(odd, sizeof(odd), &m, &diag), LQ_ERR_TRUNCATED_HEADER);
	assert_int_equal(diag.offset, 9);
	assert_int_equal(diag.option, LQ6_OPT_RELAY_MSG);
}

/* Writer output decodes into the same values it was given. */
static void test_round_trip_values(void **state)
{
	static const uint8_t status_text[] = "catch-up done";
	struct lq6_msg m;
	size_t len;
	(void)state;

	for (uint32_t xid = 0; xid <= 0xffffff; xid += 0x10101) {
		WRITER(w, b);
		lq6w_header(&w, LQ6_LEASEQUERY_DATA, xid);
		lq6w_status(&w, LQ6_STATUS_CATCH_UP_COMPLETE, (const char *)status_text);
		lq6w_option_u32(&w, LQ6_OPT_LQ_BASE_TIME, xid * 7);
		lq6w_option_u8(&w, LQ6_OPT_PREFERENCE, (uint8_t)xid);
		lq6w_option_u16(&w, LQ6_OPT_ELAPSED_TIME, (uint16_t)xid);
		assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
		decode_ok(b.buf, len, &m);
		assert_int_equal(m.xid, xid);
		assert_int_equal(m.status.code, LQ6_STATUS_CATCH_UP_COMPLETE);
		assert_view(m.status.message, status_text, sizeof(status_text) - 1);
		assert_int_equal(m.base_time, xid * 7);
		assert_view(lq6_find(m.options, LQ6_OPT_PREFERENCE).value, (const uint8_t[]){(uint8_t)xid}, 1);
		assert_int_equal(lq6_find(m.options, LQ6_OPT_ELAPSED_TIME).value.len, 2);
	}
}

/* Every vector decodes and the writer can copy it option by option. */
static const struct vector {
	const char *name;
	const uint8_t *bytes;
	size_t len;
} vectors[] = {
#define V(x) {#x, x, sizeof(x)}
	V(v_query_by_address), V(v_query_by_clientid), V(v_query_by_relay_id),
	V(v_query_by_link), V(v_query_by_remote_id), V(v_reply_client_data),
	V(v_reply_client_link), V(v_reply_status), V(v_done), V(v_data), V(v_active),
	V(v_starttls), V(v_reply_tls_refused), V(v_reply_ia), V(v_relay_forw),
	V(v_relay_repl), V(v_relay_relay),
#undef V
};

static void copy_region(struct lq6_writer *w, lq_bytes region)
{
	struct lq6_iter it;
	struct lq6_opt o;

	lq6_iter_init(&it, region);
	while (lq6_iter_next(&it, &o) == 1)
		lq6w_option(w, o.code, o.value.data, o.value.len);
}

static void test_round_trip_copy(void **state)
{
	struct lq6_msg m;
	size_t len;
	(void)state;

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		WRITER(w, b);
		decode_ok(vectors[i].bytes, vectors[i].len, &m);
		if (m.type == LQ6_RELAY_FORW || m.type == LQ6_RELAY_REPL)
			lq6w_relay_header(&w, m.type, m.hop_count, &m.link_address, &m.peer_address);
		else
			lq6w_header(&w, m.type, m.xid);
		copy_region(&w, m.options);
		assert_int_equal(lq6w_finish(&w, &len), LQ_OK);
		assert_same_bytes(b.buf, len, vectors[i].bytes, vectors[i].len);
	}
}

/* Coverage of NUMBERS.md: every leasequery message type, option and query
 * type appears in at least one vector. */
struct seen {
	bool msg[256];
	bool opt[256];
	bool query[8];
};

static void collect_message(struct seen *s, lq_bytes msg, unsigned depth);

static void collect_region(struct seen *s, lq_bytes region, unsigned depth)
{
	struct lq6_iter it;
	struct lq6_opt o;

	assert_true(depth < 10);
	lq6_iter_init(&it, region);
	while (lq6_iter_next(&it, &o) == 1) {
		if (o.code < 256)
			s->opt[o.code] = true;
		switch (o.code) {
		case LQ6_OPT_LQ_QUERY:
			s->query[o.value.data[0] & 7] = true;
			collect_region(s, (lq_bytes){o.value.data + 17, o.value.len - 17}, depth + 1);
			break;
		case LQ6_OPT_CLIENT_DATA:
			collect_region(s, o.value, depth + 1);
			break;
		case LQ6_OPT_IA_NA:
		case LQ6_OPT_IA_PD:
			collect_region(s, (lq_bytes){o.value.data + 12, o.value.len - 12}, depth + 1);
			break;
		case LQ6_OPT_RELAY_MSG:
			collect_message(s, o.value, depth + 1);
			break;
		case LQ6_OPT_LQ_RELAY_DATA:
			collect_message(s, (lq_bytes){o.value.data + 16, o.value.len - 16}, depth + 1);
			break;
		default:
			break;
		}
	}
}

static void collect_message(struct seen *s, lq_bytes msg, unsigned depth)
{
	struct lq6_msg m;

	decode_ok(msg.data, msg.len, &m);
	s->msg[m.type] = true;
	collect_region(s, m.options, depth);
}

static void test_coverage_of_numbers(void **state)
{
	static const uint8_t msgs[] = {7, 12, 13, 14, 15, 16, 17, 22, 23};
	static const uint8_t opts[] = {1, 2, 3, 5, 6, 9, 13, 18, 25, 26, 37, 44, 45, 46, 47, 48, 53, 68, 79, 100, 101, 102};
	struct seen s;
	(void)state;

	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		collect_message(&s, (lq_bytes){vectors[i].bytes, vectors[i].len}, 0);
	for (size_t i = 0; i < sizeof(msgs); i++) {
		if (!s.msg[msgs[i]])
			fail_msg("no vector for message type %u", msgs[i]);
	}
	for (size_t i = 0; i < sizeof(opts); i++) {
		if (!s.opt[opts[i]])
			fail_msg("no vector for option %u", opts[i]);
	}
	for (unsigned q = 1; q <= 5; q++) {
		if (!s.query[q])
			fail_msg("no vector for query type %u", q);
	}
}

/* ---- names ---- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(lq6_msg_type_name(1), "SOLICIT");
	assert_string_equal(lq6_msg_type_name(7), "REPLY");
	assert_string_equal(lq6_msg_type_name(11), "INFORMATION-REQUEST");
	assert_string_equal(lq6_msg_type_name(12), "RELAY-FORW");
	assert_string_equal(lq6_msg_type_name(13), "RELAY-REPL");
	assert_string_equal(lq6_msg_type_name(14), "LEASEQUERY");
	assert_string_equal(lq6_msg_type_name(15), "LEASEQUERY-REPLY");
	assert_string_equal(lq6_msg_type_name(16), "LEASEQUERY-DONE");
	assert_string_equal(lq6_msg_type_name(17), "LEASEQUERY-DATA");
	assert_string_equal(lq6_msg_type_name(22), "ACTIVELEASEQUERY");
	assert_string_equal(lq6_msg_type_name(23), "STARTTLS");
	assert_string_equal(lq6_msg_type_name(0), "unknown");
	assert_string_equal(lq6_msg_type_name(24), "unknown");
	assert_string_equal(lq6_msg_type_name(255), "unknown");

	assert_string_equal(lq6_option_name(1), "OPTION_CLIENTID");
	assert_string_equal(lq6_option_name(2), "OPTION_SERVERID");
	assert_string_equal(lq6_option_name(3), "OPTION_IA_NA");
	assert_string_equal(lq6_option_name(5), "OPTION_IAADDR");
	assert_string_equal(lq6_option_name(6), "OPTION_ORO");
	assert_string_equal(lq6_option_name(9), "OPTION_RELAY_MSG");
	assert_string_equal(lq6_option_name(13), "OPTION_STATUS_CODE");
	assert_string_equal(lq6_option_name(18), "OPTION_INTERFACE_ID");
	assert_string_equal(lq6_option_name(25), "OPTION_IA_PD");
	assert_string_equal(lq6_option_name(26), "OPTION_IAPREFIX");
	assert_string_equal(lq6_option_name(37), "OPTION_REMOTE_ID");
	assert_string_equal(lq6_option_name(44), "OPTION_LQ_QUERY");
	assert_string_equal(lq6_option_name(45), "OPTION_CLIENT_DATA");
	assert_string_equal(lq6_option_name(46), "OPTION_CLT_TIME");
	assert_string_equal(lq6_option_name(47), "OPTION_LQ_RELAY_DATA");
	assert_string_equal(lq6_option_name(48), "OPTION_LQ_CLIENT_LINK");
	assert_string_equal(lq6_option_name(53), "OPTION_RELAY_ID");
	assert_string_equal(lq6_option_name(68), "OPTION_VSS");
	assert_string_equal(lq6_option_name(79), "OPTION_CLIENT_LINKLAYER_ADDR");
	assert_string_equal(lq6_option_name(100), "OPTION_LQ_BASE_TIME");
	assert_string_equal(lq6_option_name(101), "OPTION_LQ_START_TIME");
	assert_string_equal(lq6_option_name(102), "OPTION_LQ_END_TIME");
	assert_string_equal(lq6_option_name(0), "unknown");
	assert_string_equal(lq6_option_name(10), "unknown");
	assert_string_equal(lq6_option_name(103), "unknown");
	assert_string_equal(lq6_option_name(65535), "unknown");

	static const char *const statuses[] = {
		"Success", "UnspecFail", "NoAddrsAvail", "NoBinding", "NotOnLink",
		"UseMulticast", "NoPrefixAvail", "UnknownQueryType", "MalformedQuery",
		"NotConfigured", "NotAllowed", "QueryTerminated", "DataMissing",
		"CatchUpComplete", "NotSupported", "TLSConnectionRefused",
	};
	for (uint16_t i = 0; i < 16; i++)
		assert_string_equal(lq6_status_name(i), statuses[i]);
	assert_string_equal(lq6_status_name(16), "unknown");
	assert_string_equal(lq6_status_name(65535), "unknown");

	assert_string_equal(lq6_query_type_name(0), "unknown");
	assert_string_equal(lq6_query_type_name(1), "QUERY_BY_ADDRESS");
	assert_string_equal(lq6_query_type_name(2), "QUERY_BY_CLIENTID");
	assert_string_equal(lq6_query_type_name(3), "QUERY_BY_RELAY_ID");
	assert_string_equal(lq6_query_type_name(4), "QUERY_BY_LINK_ADDRESS");
	assert_string_equal(lq6_query_type_name(5), "QUERY_BY_REMOTE_ID");
	assert_string_equal(lq6_query_type_name(6), "unknown");
	assert_string_equal(lq6_query_type_name(255), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_by_address),
		cmocka_unit_test(test_query_by_clientid),
		cmocka_unit_test(test_query_by_relay_id),
		cmocka_unit_test(test_query_by_link_with_times),
		cmocka_unit_test(test_query_by_remote_id),
		cmocka_unit_test(test_reply_client_data),
		cmocka_unit_test(test_reply_client_link),
		cmocka_unit_test(test_reply_status),
		cmocka_unit_test(test_done),
		cmocka_unit_test(test_data),
		cmocka_unit_test(test_active),
		cmocka_unit_test(test_starttls_and_reply),
		cmocka_unit_test(test_reply_ia_na_ia_pd),
		cmocka_unit_test(test_ia_ta),
		cmocka_unit_test(test_relay_forw),
		cmocka_unit_test(test_relay_repl),
		cmocka_unit_test(test_relay_relay),
		cmocka_unit_test(test_client_data_walk),
		cmocka_unit_test(test_iter),
		cmocka_unit_test(test_parse_short_values),
		cmocka_unit_test(test_decode_validate_only),
		cmocka_unit_test(test_decode_unknown_things),
		cmocka_unit_test(test_round_trip_values),
		cmocka_unit_test(test_round_trip_copy),
		cmocka_unit_test(test_coverage_of_numbers),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
