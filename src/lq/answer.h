/* answer.h - the requestor's result model: what one server answered to one
 * leasequery, read out of its reply into plain fields (query4.c and
 * query6.c fill it, output.c prints it), and the choice among the answers of
 * several servers (RFC 4388 6.8, RFC 5007 4.3.3: the most recent
 * client-last-transaction-time wins). Shared by `lq query` and meant for
 * the per-binding records of `lq bulk` and `lq active`.
 *
 * An answer owns a copy of the reply datagram and an arena: every lq_bytes
 * in it points into one of the two, so an answer outlives the receive
 * buffer. It must not be copied by value (allocate with lq_answer_new). */
#ifndef LQ_ANSWER_H
#define LQ_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "lq/common.h"

#define LQ_ANSWER_MAX_PKT 65536
#define LQ_ANSWER_ARENA 8192
#define LQ_ANSWER_MAX_LEASES 64
#define LQ_ANSWER_SERVER_MAX 96

enum lq_outcome {
	LQ_OUTCOME_NONE = 0,    /* nothing received (yet) */
	LQ_OUTCOME_BINDING,     /* v4 DHCPLEASEACTIVE or DHCPLEASEUNASSIGNED;
				 * v6 a reply with OPTION_CLIENT_DATA */
	LQ_OUTCOME_NO_BINDING,  /* v4 DHCPLEASEUNKNOWN; v6 Success without client
				 * data (perhaps with OPTION_LQ_CLIENT_LINK) */
	LQ_OUTCOME_ERROR,       /* the server answered with an error status */
};

/* A DHCPv6 address or delegated prefix of the client. */
struct lq_answer_lease {
	bool is_prefix;
	uint8_t prefix_len;     /* 128 for addresses */
	lq_ip6 addr;
	uint32_t preferred, valid;
};

struct lq_answer {
	int family;                     /* 4 or 6 */
	char server[LQ_ANSWER_SERVER_MAX]; /* the server as named on the command line */
	int64_t received;               /* Unix time the reply arrived */
	uint32_t rtt_ms;                /* from the first transmission */
	uint8_t msg_type;               /* v4 11/12/13; v6 LEASEQUERY-REPLY (15) */
	enum lq_outcome outcome;

	bool has_status;
	uint16_t status;                /* v4 option 151 / v6 OPTION_STATUS_CODE */
	lq_bytes status_text;

	bool has_clt;
	uint32_t clt_time;              /* seconds since the client's last transaction */
	bool clt_absolute;              /* the server sent a Unix time instead (ISC
					 * dhcpd 4.x in DHCPv6); clt_time is converted */
	uint32_t clt_raw;               /* the value as received */
	lq_bytes client_id;             /* v4 option 61; v6 the client's DUID */

	/* DHCPv4 */
	bool has_server_id;
	lq_ip4 server_id;               /* option 54 */
	lq_ip4 address;                 /* ciaddr */
	uint8_t htype, hlen;
	uint8_t chaddr[16];
	bool has_lease_time, has_t1, has_t2;
	uint32_t lease_time, t1, t2;    /* remaining seconds */
	bool has_dhcp_state;
	uint8_t dhcp_state;             /* option 156, when a server sends it */
	lq_bytes relay_info;            /* option 82 value */
	lq_bytes vendor_class;          /* option 60 */
	lq_bytes associated_ip;         /* option 92: n * 4 octets */

	/* DHCPv6 */
	lq_bytes server_duid;           /* OPTION_SERVERID */
	uint16_t n_leases;
	bool leases_truncated;          /* more than LQ_ANSWER_MAX_LEASES */
	struct lq_answer_lease leases[LQ_ANSWER_MAX_LEASES];
	bool has_relay_data;
	lq_ip6 relay_peer;              /* OPTION_LQ_RELAY_DATA peer-address */
	lq_bytes relay_message;         /* its RELAY-FORW */
	lq_bytes client_links;          /* OPTION_LQ_CLIENT_LINK: n * 16 octets */
	lq_bytes client_options;        /* the whole CLIENT_DATA contents */

	/* bulk and active leasequery (RFC 6926 6.2, RFC 7653) */
	bool stream;                    /* one record of a TCP stream: no round trip,
					 * a status line only when the server sent one */
	bool show_xid;                  /* several queries share the connection */
	uint32_t xid;                   /* the query the message answers */
	bool has_base_time;
	int64_t base_time;              /* v4 152 / v6 OPTION_LQ_BASE_TIME as Unix time,
					 * the server's clock */
	bool has_start_time_of_state;
	uint32_t start_time_of_state;   /* v4 153: seconds before base-time */
	bool has_data_source;
	uint8_t data_source;            /* v4 157: LQ4_DATA_SOURCE_REMOTE */
	bool has_vss;
	uint8_t vss_type;               /* v4 221 / v6 OPTION_VSS (RFC 6607) */
	lq_bytes vss_info;

	/* storage */
	size_t pkt_len;
	uint8_t pkt[LQ_ANSWER_MAX_PKT];
	size_t arena_used;
	uint8_t arena[LQ_ANSWER_ARENA];
};

/* A zeroed answer of a family for server (NULL when out of memory). */
struct lq_answer *lq_answer_new(int family, const char *server);
void lq_answer_free(struct lq_answer *a);
/* Forget what was read (keeps family and server). */
void lq_answer_reset(struct lq_answer *a);
/* Call when the reply is read, with the time it arrived: sets received and,
 * when the client-last-transaction-time is not a plausible duration (it
 * would reach back before 2000-01-01) but a plausible Unix time (at most a
 * day ahead of received), takes it as that time, as ISC dhcpd 4.x sends it
 * in DHCPv6 OPTION_CLT_TIME. */
void lq_answer_settle(struct lq_answer *a, int64_t received);
/* Copy v into the answer's arena; the copy's data is NULL when it is full. */
lq_bytes lq_answer_keep(struct lq_answer *a, lq_bytes v);

/* The state of the binding an answer carries, as lq's JSON names it:
 * "active", "unassigned" (v4 DHCPLEASEUNASSIGNED without dhcp-state) or
 * the dhcp-state name ("expired", ...); v6 "inactive" when every lease
 * has valid lifetime 0 (an active leasequery reporting leases that ended);
 * NULL without a binding. */
const char *lq_answer_state(const struct lq_answer *a);
/* The protocol status name: "Success" when the reply has none. */
const char *lq_answer_status_name(const struct lq_answer *a);

/* Does answer a carry more recent or better information than b? Order:
 * a binding beats no binding beats an error; among bindings one with a
 * client-last-transaction-time beats one without, and the smaller time (the
 * more recent transaction) wins; then DHCPLEASEACTIVE beats
 * DHCPLEASEUNASSIGNED. Equal answers: false (the earlier one stays). */
bool lq_answer_better(const struct lq_answer *a, const struct lq_answer *b);
/* Index of the best of n answers (entries may be NULL or have no outcome),
 * or -1 when none has an outcome. */
int lq_answer_pick(struct lq_answer *const *answers, size_t n);

/* ------------------------------------------------------------ streams */

/* One query on a bulk (or active) leasequery connection, as the requestor
 * follows it: the per-message readers (bulk4.h, bulk6.h) demultiplex
 * replies by xid into these and update them. */
#define LQ_STREAM_DUID_MAX 130          /* RFC 8415 11.1 */
#define LQ_STREAM_TEXT_MAX 256

struct lq_stream_query {
	uint32_t xid;
	bool active;                    /* an active query (RFC 7724, RFC 7653): the
					 * readers also take its status messages
					 * (LQ_STREAM_STATUS) */
	bool started;                   /* a first reply came (v6: the LEASEQUERY-REPLY) */
	bool finished;                  /* v4 DHCPLEASEQUERYDONE; v6 LEASEQUERY-DONE or a
					 * LEASEQUERY-REPLY that ends the query */
	uint64_t messages;              /* replies received */
	uint64_t bindings;              /* binding records among them */
	/* RFC 6926 7.3: the server-id of the first reply, applied to the
	 * following ones; v6: the server DUID of the LEASEQUERY-REPLY */
	bool has_server_id;
	lq_ip4 server_id;
	size_t server_duid_len;
	uint8_t server_duid[LQ_STREAM_DUID_MAX];
	/* how the query ended (the status of its last message) */
	bool has_status;
	uint16_t status;
	size_t status_text_len;
	uint8_t status_text[LQ_STREAM_TEXT_MAX];
};

enum lq_stream_event {
	LQ_STREAM_BINDING = 1,          /* the answer carries a binding record */
	LQ_STREAM_DONE,                 /* the query finished (status in the query) */
	LQ_STREAM_SKIPPED,              /* a message to pass over (warning says why) */
	LQ_STREAM_STATUS,               /* active queries: a message without a binding
					 * that carries the state of the stream (v4
					 * DHCPLEASEQUERYSTATUS; v6 LEASEQUERY-REPLY or
					 * -DATA without OPTION_CLIENT_DATA): its
					 * status and base-time are in the answer */
};

/* What a reader made of one message. */
struct lq_stream_read {
	size_t query;                   /* index of the query it belongs to */
	enum lq_stream_event event;
	const char *warning;            /* a constant sentence about a tolerated
					 * fault, or NULL */
	char why[192];                  /* a refused message: why (the reader
					 * returns a pointer to it) */
};

/* Record how a query ended: its status, when the final message had one. */
void lq_stream_finish(struct lq_stream_query *q, bool has_status, uint16_t status, lq_bytes text);
/* The protocol status name of a finished query of family 4 or 6 ("Success"
 * when it had none). */
const char *lq_stream_status_name(const struct lq_stream_query *q, int family);
/* True when the query ended with a status other than Success. */
bool lq_stream_failed(const struct lq_stream_query *q);

#endif
