/* dhcp6.h - DHCPv6 wire format for leasequery: client/server and relay
 * messages (RFC 8415), nested options, and typed access to every option of
 * RFC 5007, 5460 and 7653 (LQ_QUERY, CLIENT_DATA, LQ_RELAY_DATA, ...).
 *
 * Decoding is pure and bounds-checked: lq6_decode() validates the whole option
 * tree (every container option, every relayed message inside RELAY_MSG and
 * LQ_RELAY_DATA, to a bounded depth), then fills a struct lq6_msg whose
 * lq_bytes fields point into the caller's buffer. Option regions can be walked
 * again with struct lq6_iter.
 *
 * Encoding uses struct lq6_writer: a cursor over a caller buffer with a sticky
 * error, where container options are opened and closed (their length is filled
 * in on close) and typed helpers write each leasequery option. */
#ifndef LQ_DHCP6_H
#define LQ_DHCP6_H

#include "lq/common.h"

#define LQ6_HEADER_LEN 4            /* msg-type + transaction-id */
#define LQ6_RELAY_HEADER_LEN 34     /* msg-type + hop-count + link + peer */
#define LQ6_MAX_DEPTH 16            /* nested options + relayed messages */
#define LQ6_PORT 547
#define LQ6_CLIENT_PORT 546

enum lq6_msg_type {
	LQ6_SOLICIT = 1,
	LQ6_ADVERTISE = 2,
	LQ6_REQUEST = 3,
	LQ6_CONFIRM = 4,
	LQ6_RENEW = 5,
	LQ6_REBIND = 6,
	LQ6_REPLY = 7,
	LQ6_RELEASE = 8,
	LQ6_DECLINE = 9,
	LQ6_RECONFIGURE = 10,
	LQ6_INFORMATION_REQUEST = 11,
	LQ6_RELAY_FORW = 12,
	LQ6_RELAY_REPL = 13,
	LQ6_LEASEQUERY = 14,          /* RFC 5007 */
	LQ6_LEASEQUERY_REPLY = 15,
	LQ6_LEASEQUERY_DONE = 16,     /* RFC 5460 */
	LQ6_LEASEQUERY_DATA = 17,
	LQ6_RECONFIGURE_REQUEST = 18,
	LQ6_RECONFIGURE_REPLY = 19,
	LQ6_DHCPV4_QUERY = 20,
	LQ6_DHCPV4_RESPONSE = 21,
	LQ6_ACTIVELEASEQUERY = 22,    /* RFC 7653 */
	LQ6_STARTTLS = 23,
};

enum lq6_option_code {
	LQ6_OPT_CLIENTID = 1,
	LQ6_OPT_SERVERID = 2,
	LQ6_OPT_IA_NA = 3,
	LQ6_OPT_IA_TA = 4,
	LQ6_OPT_IAADDR = 5,
	LQ6_OPT_ORO = 6,
	LQ6_OPT_PREFERENCE = 7,
	LQ6_OPT_ELAPSED_TIME = 8,
	LQ6_OPT_RELAY_MSG = 9,
	LQ6_OPT_AUTH = 11,
	LQ6_OPT_UNICAST = 12,
	LQ6_OPT_STATUS_CODE = 13,
	LQ6_OPT_RAPID_COMMIT = 14,
	LQ6_OPT_USER_CLASS = 15,
	LQ6_OPT_VENDOR_CLASS = 16,
	LQ6_OPT_VENDOR_OPTS = 17,
	LQ6_OPT_INTERFACE_ID = 18,
	LQ6_OPT_RECONF_MSG = 19,
	LQ6_OPT_RECONF_ACCEPT = 20,
	LQ6_OPT_DNS_SERVERS = 23,
	LQ6_OPT_DOMAIN_LIST = 24,
	LQ6_OPT_IA_PD = 25,
	LQ6_OPT_IAPREFIX = 26,
	LQ6_OPT_REMOTE_ID = 37,       /* RFC 4649 */
	LQ6_OPT_SUBSCRIBER_ID = 38,
	LQ6_OPT_CLIENT_FQDN = 39,
	LQ6_OPT_LQ_QUERY = 44,        /* RFC 5007 */
	LQ6_OPT_CLIENT_DATA = 45,
	LQ6_OPT_CLT_TIME = 46,
	LQ6_OPT_LQ_RELAY_DATA = 47,
	LQ6_OPT_LQ_CLIENT_LINK = 48,
	LQ6_OPT_RELAY_ID = 53,        /* RFC 5460 */
	LQ6_OPT_VSS = 68,             /* RFC 6607 */
	LQ6_OPT_CLIENT_LINKLAYER_ADDR = 79, /* RFC 6939 */
	LQ6_OPT_LQ_BASE_TIME = 100,   /* RFC 7653 */
	LQ6_OPT_LQ_START_TIME = 101,
	LQ6_OPT_LQ_END_TIME = 102,
};

enum lq6_query_type {
	LQ6_QUERY_BY_ADDRESS = 1,
	LQ6_QUERY_BY_CLIENTID = 2,
	LQ6_QUERY_BY_RELAY_ID = 3,
	LQ6_QUERY_BY_LINK_ADDRESS = 4,
	LQ6_QUERY_BY_REMOTE_ID = 5,
};

enum lq6_status {
	LQ6_STATUS_SUCCESS = 0,
	LQ6_STATUS_UNSPEC_FAIL = 1,
	LQ6_STATUS_NO_ADDRS_AVAIL = 2,
	LQ6_STATUS_NO_BINDING = 3,
	LQ6_STATUS_NOT_ON_LINK = 4,
	LQ6_STATUS_USE_MULTICAST = 5,
	LQ6_STATUS_NO_PREFIX_AVAIL = 6,
	LQ6_STATUS_UNKNOWN_QUERY_TYPE = 7,
	LQ6_STATUS_MALFORMED_QUERY = 8,
	LQ6_STATUS_NOT_CONFIGURED = 9,
	LQ6_STATUS_NOT_ALLOWED = 10,
	LQ6_STATUS_QUERY_TERMINATED = 11,
	LQ6_STATUS_DATA_MISSING = 12,
	LQ6_STATUS_CATCH_UP_COMPLETE = 13,
	LQ6_STATUS_NOT_SUPPORTED = 14,
	LQ6_STATUS_TLS_CONNECTION_REFUSED = 15,
};

/* One option as found on the wire. */
struct lq6_opt {
	uint16_t code;
	lq_bytes value;
};

/* Walks the options of a region (a message's options, or a container's
 * contents). Only use on regions lq6_decode() has validated, or check the
 * return of lq6_iter_next for -1 (overrun). */
struct lq6_iter {
	const uint8_t *pos;
	const uint8_t *end;
};

void lq6_iter_init(struct lq6_iter *it, lq_bytes region);
/* 1: *opt filled; 0: end of region; -1: option overruns region. */
int lq6_iter_next(struct lq6_iter *it, struct lq6_opt *opt);
/* First option with code in region (value.data == NULL when absent). */
struct lq6_opt lq6_find(lq_bytes region, uint16_t code);

struct lq6_iaaddr {
	lq_ip6 addr;
	uint32_t preferred, valid;
	lq_bytes options;              /* IAaddr-options */
};

struct lq6_iaprefix {
	uint32_t preferred, valid;
	uint8_t prefix_len;
	lq_ip6 prefix;
	lq_bytes options;              /* IAprefix-options */
};

struct lq6_ia {                    /* IA_NA or IA_PD */
	uint32_t iaid, t1, t2;
	lq_bytes options;
};

struct lq6_status_opt {
	bool present;
	uint16_t code;
	lq_bytes message;              /* UTF-8 */
};

struct lq6_remote_id {
	bool present;
	uint32_t enterprise;
	lq_bytes id;
};

/* OPTION_LQ_QUERY */
struct lq6_query {
	bool present;
	uint8_t type;
	lq_ip6 link_address;
	bool has_iaaddr;
	struct lq6_iaaddr iaaddr;      /* QUERY_BY_ADDRESS */
	lq_bytes client_id;            /* QUERY_BY_CLIENTID */
	lq_bytes relay_id;             /* QUERY_BY_RELAY_ID */
	struct lq6_remote_id remote_id;/* QUERY_BY_REMOTE_ID */
	lq_bytes oro;                  /* option codes requested, 2 octets each */
	lq_bytes options;              /* the whole query-options region */
};

/* OPTION_CLIENT_DATA: one client's bindings on one link. IAADDR and IAPREFIX
 * options are walked with lq6_client_data_next(). */
struct lq6_client_data {
	bool present;
	lq_bytes client_id;
	bool has_clt_time;
	uint32_t clt_time;
	bool has_relay_data;
	lq_ip6 relay_peer;             /* LQ_RELAY_DATA peer-address */
	lq_bytes relay_message;        /* LQ_RELAY_DATA DHCP-relay-message */
	uint16_t n_addresses, n_prefixes;
	lq_bytes options;              /* the whole client-options region */
};

/* An address or a prefix found in CLIENT_DATA. */
struct lq6_lease {
	bool is_prefix;
	uint8_t prefix_len;            /* 128 for addresses */
	lq_ip6 addr;
	uint32_t preferred, valid;
};

/* Next IAADDR/IAPREFIX of cd (start with it from lq6_iter_init(&it, cd->options)).
 * Returns true while one was found. */
bool lq6_client_data_next(struct lq6_iter *it, struct lq6_lease *lease);

struct lq6_msg {
	uint8_t type;
	/* client/server messages */
	uint32_t xid;                  /* 24 bits */
	/* relay messages */
	uint8_t hop_count;
	lq_ip6 link_address, peer_address;
	lq_bytes relay_msg;            /* OPTION_RELAY_MSG: the inner message */
	lq_bytes interface_id;

	lq_bytes client_id;            /* top-level OPTION_CLIENTID (requestor) */
	lq_bytes server_id;
	lq_bytes relay_id;             /* top-level OPTION_RELAY_ID (relay msgs) */
	struct lq6_remote_id remote_id;/* top-level (relay msgs) */
	struct lq6_status_opt status;
	struct lq6_query query;
	struct lq6_client_data client_data;
	lq_bytes client_link;          /* LQ_CLIENT_LINK: n * 16 octets */
	lq_bytes oro;                  /* top-level ORO */
	lq_bytes vss;                  /* OPTION_VSS value */
	bool has_base_time, has_start_time, has_end_time;
	uint32_t base_time, start_time, end_time; /* seconds since 2000 */
	lq_bytes options;              /* the whole top-level options region */
};

/* Decode a message (either kind). Rules enforced: header length; every option
 * inside its container; fixed-size options have their size (IAADDR >= 24,
 * IAPREFIX >= 25, STATUS >= 2, CLT_TIME 4, LQ_QUERY >= 17, LQ_RELAY_DATA >= 16,
 * CLIENT_LINK multiple of 16, ORO even, times 4, REMOTE_ID >= 4, ...);
 * singleton options (CLIENTID, SERVERID, STATUS_CODE, LQ_QUERY, CLIENT_DATA,
 * RELAY_MSG, times) at most once per container; relayed messages inside
 * RELAY_MSG and LQ_RELAY_DATA are themselves valid; depth <= LQ6_MAX_DEPTH. */
lq_err lq6_decode(const uint8_t *buf, size_t len, struct lq6_msg *m, lq_diag *diag);

/* Decode the message carried in a relay's RELAY_MSG (or in LQ_RELAY_DATA). */
static inline lq_err lq6_decode_inner(lq_bytes relayed, struct lq6_msg *m, lq_diag *diag)
{
	return lq6_decode(relayed.data, relayed.len, m, diag);
}

size_t lq6_client_link_count(const struct lq6_msg *m);
lq_ip6 lq6_client_link_at(const struct lq6_msg *m, size_t i);

/* Typed readers of single options, for regions walked with lq6_iter
 * (return LQ_ERR_OPTION_LENGTH when the value is too short). */
lq_err lq6_parse_iaaddr(lq_bytes value, struct lq6_iaaddr *out);
lq_err lq6_parse_iaprefix(lq_bytes value, struct lq6_iaprefix *out);
lq_err lq6_parse_ia(uint16_t code, lq_bytes value, struct lq6_ia *out); /* IA_NA/IA_PD */

/* ---- encoding ---- */

struct lq6_writer {
	uint8_t *buf;
	size_t cap, len;
	unsigned depth;
	size_t open[LQ6_MAX_DEPTH];    /* offsets of open container headers */
	lq_err err;                    /* sticky: first error wins, later calls do nothing */
};

void lq6w_init(struct lq6_writer *w, uint8_t *buf, size_t cap);
void lq6w_header(struct lq6_writer *w, uint8_t type, uint32_t xid);
void lq6w_relay_header(struct lq6_writer *w, uint8_t type, uint8_t hop_count,
		       const lq_ip6 *link_address, const lq_ip6 *peer_address);
/* Raw option / container options. */
void lq6w_option(struct lq6_writer *w, uint16_t code, const void *data, size_t len);
void lq6w_option_u8(struct lq6_writer *w, uint16_t code, uint8_t v);
void lq6w_option_u16(struct lq6_writer *w, uint16_t code, uint16_t v);
void lq6w_option_u32(struct lq6_writer *w, uint16_t code, uint32_t v);
void lq6w_open(struct lq6_writer *w, uint16_t code);   /* start a container */
void lq6w_close(struct lq6_writer *w);                 /* end the innermost one */
void lq6w_bytes(struct lq6_writer *w, const void *data, size_t len); /* raw octets in the open container */
/* Typed options. */
void lq6w_status(struct lq6_writer *w, uint16_t code, const char *message);
void lq6w_iaaddr(struct lq6_writer *w, const lq_ip6 *addr, uint32_t preferred, uint32_t valid);
void lq6w_iaprefix(struct lq6_writer *w, const lq_ip6 *prefix, uint8_t prefix_len,
		   uint32_t preferred, uint32_t valid);
void lq6w_ia_open(struct lq6_writer *w, uint16_t code, uint32_t iaid, uint32_t t1, uint32_t t2);
void lq6w_remote_id(struct lq6_writer *w, uint32_t enterprise, const void *id, size_t len);
void lq6w_lq_query_open(struct lq6_writer *w, uint8_t query_type, const lq_ip6 *link_address);
void lq6w_client_link(struct lq6_writer *w, const lq_ip6 *links, size_t n);
void lq6w_relay_data(struct lq6_writer *w, const lq_ip6 *peer, const void *relay_msg, size_t len);
void lq6w_oro(struct lq6_writer *w, const uint16_t *codes, size_t n);
/* End: LQ_ERR_UNBALANCED if a container is open, else the sticky error. */
lq_err lq6w_finish(struct lq6_writer *w, size_t *out_len);

/* Names for printing and logs. */
const char *lq6_msg_type_name(uint8_t type);     /* "LEASEQUERY-REPLY" */
const char *lq6_option_name(uint16_t code);      /* "OPTION_CLIENT_DATA" */
const char *lq6_status_name(uint16_t code);      /* "NotConfigured" */
const char *lq6_query_type_name(uint8_t type);   /* "QUERY_BY_ADDRESS" */

#endif
