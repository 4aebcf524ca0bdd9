/* dhcp4.h - DHCPv4 wire format for leasequery: the BOOTP header (RFC 2131),
 * options (RFC 2132) with RFC 3396 concatenation, option 82 and its
 * sub-options, and typed access to every option of RFC 4388, 6926 and 7724.
 *
 * Decoding is pure and bounds-checked: lq4_decode() reads only inside the
 * buffer it is given, never allocates, and fills a struct lq4_msg whose
 * lq_bytes fields point into that buffer (or into the message's own concat
 * space when an option was split). Encoding writes the typed fields, then any
 * extra raw options, into a caller buffer, splitting values longer than 255
 * octets as RFC 3396 allows. */
#ifndef LQ_DHCP4_H
#define LQ_DHCP4_H

#include "lq/common.h"

#define LQ4_HEADER_LEN 236          /* fixed BOOTP header, up to and excluding the cookie */
#define LQ4_MIN_LEN (LQ4_HEADER_LEN + 4) /* header + magic cookie */
#define LQ4_MAX_OPTIONS 256         /* distinct option codes kept per message */
#define LQ4_MAX_EXTRA 32            /* raw options an encoder appends */
#define LQ4_CONCAT_SPACE 4096       /* room for RFC 3396 concatenated values */
#define LQ4_PORT 67

enum lq4_op { LQ4_BOOTREQUEST = 1, LQ4_BOOTREPLY = 2 };

enum lq4_msg_type {
	LQ4_DISCOVER = 1,
	LQ4_OFFER = 2,
	LQ4_REQUEST = 3,
	LQ4_DECLINE = 4,
	LQ4_ACK = 5,
	LQ4_NAK = 6,
	LQ4_RELEASE = 7,
	LQ4_INFORM = 8,
	LQ4_FORCERENEW = 9,
	LQ4_LEASEQUERY = 10,          /* RFC 4388 */
	LQ4_LEASEUNASSIGNED = 11,
	LQ4_LEASEUNKNOWN = 12,
	LQ4_LEASEACTIVE = 13,
	LQ4_BULKLEASEQUERY = 14,      /* RFC 6926 */
	LQ4_LEASEQUERYDONE = 15,
	LQ4_ACTIVELEASEQUERY = 16,    /* RFC 7724 */
	LQ4_LEASEQUERYSTATUS = 17,
	LQ4_TLS = 18,
};

enum lq4_option_code {
	LQ4_OPT_PAD = 0,
	LQ4_OPT_SUBNET_MASK = 1,
	LQ4_OPT_ROUTER = 3,
	LQ4_OPT_DNS_SERVERS = 6,
	LQ4_OPT_HOSTNAME = 12,
	LQ4_OPT_DOMAIN_NAME = 15,
	LQ4_OPT_REQUESTED_IP = 50,
	LQ4_OPT_LEASE_TIME = 51,
	LQ4_OPT_OVERLOAD = 52,
	LQ4_OPT_MSG_TYPE = 53,
	LQ4_OPT_SERVER_ID = 54,
	LQ4_OPT_PRL = 55,
	LQ4_OPT_MESSAGE = 56,
	LQ4_OPT_MAX_MSG_SIZE = 57,
	LQ4_OPT_T1 = 58,
	LQ4_OPT_T2 = 59,
	LQ4_OPT_VENDOR_CLASS = 60,
	LQ4_OPT_CLIENT_ID = 61,
	LQ4_OPT_RELAY_AGENT_INFO = 82,
	LQ4_OPT_CLT_TIME = 91,            /* client-last-transaction-time */
	LQ4_OPT_ASSOCIATED_IP = 92,
	LQ4_OPT_STATUS_CODE = 151,
	LQ4_OPT_BASE_TIME = 152,
	LQ4_OPT_START_TIME_OF_STATE = 153,
	LQ4_OPT_QUERY_START_TIME = 154,
	LQ4_OPT_QUERY_END_TIME = 155,
	LQ4_OPT_DHCP_STATE = 156,
	LQ4_OPT_DATA_SOURCE = 157,
	LQ4_OPT_VSS = 221,
	LQ4_OPT_END = 255,
};

/* Option 82 sub-options (RFC 3046, 3527, 3993, 5107, 6925, 8357, 6607). */
enum lq4_relay_subopt {
	LQ4_RAI_CIRCUIT_ID = 1,
	LQ4_RAI_REMOTE_ID = 2,
	LQ4_RAI_LINK_SELECTION = 5,
	LQ4_RAI_SUBSCRIBER_ID = 6,
	LQ4_RAI_SERVER_ID_OVERRIDE = 11,
	LQ4_RAI_RELAY_ID = 12,
	LQ4_RAI_RELAY_PORT = 19,
	LQ4_RAI_VSS = 151,
	LQ4_RAI_VSS_CONTROL = 152,
};

/* status-code (151) values */
enum lq4_status {
	LQ4_STATUS_SUCCESS = 0,
	LQ4_STATUS_UNSPEC_FAIL = 1,
	LQ4_STATUS_QUERY_TERMINATED = 2,
	LQ4_STATUS_MALFORMED_QUERY = 3,
	LQ4_STATUS_NOT_ALLOWED = 4,
	LQ4_STATUS_DATA_MISSING = 5,
	LQ4_STATUS_CONNECTION_ACTIVE = 6,
	LQ4_STATUS_CATCH_UP_COMPLETE = 7,
	LQ4_STATUS_TLS_CONNECTION_REFUSED = 8,
};

/* dhcp-state (156) values */
enum lq4_dhcp_state {
	LQ4_STATE_AVAILABLE = 1,
	LQ4_STATE_ACTIVE = 2,
	LQ4_STATE_EXPIRED = 3,
	LQ4_STATE_RELEASED = 4,
	LQ4_STATE_ABANDONED = 5,
	LQ4_STATE_RESET = 6,
	LQ4_STATE_REMOTE = 7,
	LQ4_STATE_TRANSITIONING = 8,
};

#define LQ4_DATA_SOURCE_REMOTE 0x01

/* VSS (221, RFC 6607) types; 254 "all VPNs" is RFC 6926's. */
enum lq4_vss_type {
	LQ4_VSS_NVT_ASCII = 0,
	LQ4_VSS_RFC2685_VPN_ID = 1,
	LQ4_VSS_ALL_VPNS = 254,
	LQ4_VSS_GLOBAL = 255,
};

struct lq4_option {
	uint8_t code;
	lq_bytes value;   /* concatenated value when the option appeared several times */
};

struct lq4_vss {
	bool present;
	uint8_t type;
	lq_bytes info;    /* the octets after the type */
};

/* Option 82 as typed fields. On decode every field is filled from the
 * sub-options found (absent ones have data == NULL / has_x == false). On
 * encode, if lq4_msg.relay_info_raw.data is set it is written verbatim,
 * otherwise the sub-options present here are written in ascending code order. */
struct lq4_relay_info {
	lq_bytes circuit_id;
	lq_bytes remote_id;
	lq_bytes subscriber_id;
	lq_bytes relay_id;
	bool has_link_selection;
	lq_ip4 link_selection;
	bool has_server_id_override;
	lq_ip4 server_id_override;
	bool has_relay_port;
	uint16_t relay_port;
	struct lq4_vss vss;        /* sub-option 151 */
	bool vss_control;          /* sub-option 152 (empty) */
};

struct lq4_msg {
	/* BOOTP header */
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	lq_ip4 ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	uint8_t sname[64];
	uint8_t file[128];

	/* typed options; has_x / data != NULL tell presence */
	uint8_t msg_type;                 /* 53; 0 = absent (encode refuses 0) */
	bool has_server_id;
	lq_ip4 server_id;                 /* 54 */
	lq_bytes prl;                     /* 55: list of option codes */
	lq_bytes message;                 /* 56: text, e.g. why a query failed */
	bool has_max_msg_size;
	uint16_t max_msg_size;            /* 57 */
	bool has_lease_time;
	uint32_t lease_time;              /* 51 */
	bool has_t1, has_t2;
	uint32_t t1, t2;                  /* 58, 59 */
	lq_bytes vendor_class;            /* 60 */
	lq_bytes client_id;               /* 61 */
	bool has_relay_info;
	lq_bytes relay_info_raw;          /* 82: whole value as received */
	struct lq4_relay_info relay_info; /* 82: parsed */
	bool has_clt_time;
	uint32_t clt_time;                /* 91 */
	lq_bytes associated_ip;           /* 92: n * 4 octets */
	bool has_status;
	uint8_t status_code;              /* 151 */
	lq_bytes status_text;             /* 151: UTF-8, no NUL */
	bool has_base_time;
	uint32_t base_time;               /* 152 */
	bool has_start_time_of_state;
	uint32_t start_time_of_state;     /* 153 */
	bool has_query_start_time;
	uint32_t query_start_time;        /* 154 */
	bool has_query_end_time;
	uint32_t query_end_time;          /* 155 */
	bool has_dhcp_state;
	uint8_t dhcp_state;               /* 156 */
	bool has_data_source;
	uint8_t data_source;              /* 157 */
	struct lq4_vss vss;               /* 221 */

	/* decode: every option in order of first appearance (typed ones too),
	 * values concatenated per RFC 3396. */
	uint16_t n_options;
	struct lq4_option options[LQ4_MAX_OPTIONS];

	/* encode: raw options written after the typed ones (must not repeat a
	 * typed code). */
	uint16_t n_extra;
	struct lq4_option extra[LQ4_MAX_EXTRA];

	/* decode: where concatenated values live */
	size_t concat_used;
	uint8_t concat[LQ4_CONCAT_SPACE];
};

/* Zero a message and set the fields every leasequery message shares:
 * op (BOOTREQUEST for 10, 14, 16, 18 else BOOTREPLY), htype 1, hlen 6, xid. */
void lq4_msg_init(struct lq4_msg *m, uint8_t msg_type, uint32_t xid);

/* Decode buf into m. Options in sname/file are read when option 52 says so.
 * The END option is optional; PAD is skipped. Returns LQ_OK or a specific
 * error; diag (may be NULL) says where. */
lq_err lq4_decode(const uint8_t *buf, size_t len, struct lq4_msg *m, lq_diag *diag);

/* Encode m into out (cap octets). *out_len gets the length written. Options:
 * 53 first, then 54, then the remaining typed ones in ascending code order,
 * then extra[], then END. No padding is added. */
lq_err lq4_encode(const struct lq4_msg *m, uint8_t *out, size_t cap, size_t *out_len);

/* Find a decoded option by code (NULL if absent). */
const struct lq4_option *lq4_find_option(const struct lq4_msg *m, uint8_t code);

/* Number of addresses in option 92, and the i-th one. */
size_t lq4_associated_ip_count(const struct lq4_msg *m);
lq_ip4 lq4_associated_ip_at(const struct lq4_msg *m, size_t i);

/* Decode an option 82 value into typed sub-options. */
lq_err lq4_relay_info_decode(lq_bytes value, struct lq4_relay_info *ri);
/* Encode typed sub-options into an option 82 value. */
lq_err lq4_relay_info_encode(const struct lq4_relay_info *ri, uint8_t *out, size_t cap, size_t *out_len);

/* Names for printing and logs; "unknown" style strings for unknown values. */
const char *lq4_msg_type_name(uint8_t type);    /* "DHCPLEASEQUERY" */
const char *lq4_option_name(uint8_t code);      /* "client-last-transaction-time" */
const char *lq4_status_name(uint8_t code);      /* "MalformedQuery" */
const char *lq4_state_name(uint8_t state);      /* "ACTIVE" */
const char *lq4_relay_subopt_name(uint8_t code);/* "circuit-id" */

#endif
