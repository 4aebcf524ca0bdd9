/* query6.h - DHCPv6 leasequery (RFC 5007) for the requestor: builds a
 * LEASEQUERY by address or by client identifier (with the requestor's own
 * DUID, and the ORO inside the query), optionally wrapped in a RELAY-FORW
 * that announces an unprivileged source port (RFC 8357), and reads a
 * LEASEQUERY-REPLY into a struct lq_answer after checking that it answers
 * that query. Pure: no sockets, no clock. */
#ifndef LQ_QUERY6_H
#define LQ_QUERY6_H

#include "answer.h"
#include "lq/dhcp6.h"

#define LQ6_QUERY_MAX_LEN 2048
#define LQ6_OPT_RELAY_SOURCE_PORT 135   /* RFC 8357 */
#define LQ6_DUID_MAX 130                /* RFC 8415 11.1: 2 + 128 */

struct lq6_request {
	uint8_t type;                   /* LQ6_QUERY_BY_ADDRESS or LQ6_QUERY_BY_CLIENTID;
					 * over TCP (bulk6.h) also BY_RELAY_ID,
					 * BY_LINK_ADDRESS, BY_REMOTE_ID */
	uint32_t xid;                   /* 24 bits */
	lq_ip6 address;                 /* BY_ADDRESS: inside OPTION_IAADDR */
	lq_bytes client_id;             /* BY_CLIENTID: the client's DUID */
	lq_ip6 link_address;            /* OPTION_LQ_QUERY link-address (:: = any) */
	const uint16_t *oro;            /* ORO inside the query; NULL: lq6_default_oro */
	size_t n_oro;
	lq_bytes requestor_duid;        /* our OPTION_CLIENTID */
	bool relay_port;                /* wrap in RELAY-FORW with OPTION_RELAY_SOURCE_PORT */
	lq_ip6 peer_address;            /* relay_port: our own address */
	/* RFC 5460 and RFC 7653 5 (TCP only; lq6_request_build refuses them) */
	lq_bytes relay_id;              /* BY_RELAY_ID: OPTION_RELAY_ID (the relay's DUID) */
	lq_bytes remote_id;             /* BY_REMOTE_ID: the OPTION_REMOTE_ID value,
					 * 4-octet enterprise number first */
	bool has_start_time, has_end_time;
	uint32_t start_time, end_time;  /* OPTION_LQ_START/END_TIME, seconds since 2000 */
	lq_bytes vss;                   /* OPTION_VSS value (RFC 6607: type + info) */
};

/* The default ORO: OPTION_LQ_RELAY_DATA (RFC 5007 4.1.2.4: returned only
 * when asked for). */
extern const uint16_t lq6_default_oro[];
extern const size_t lq6_default_oro_len;

lq_err lq6_request_build(const struct lq6_request *q, uint8_t *out, size_t cap, size_t *out_len);

/* Write the LEASEQUERY of q (any query type, no relay wrapper) into w:
 * header, our OPTION_CLIENTID, OPTION_LQ_QUERY with the type's query
 * option(s) and the ORO, then the top-level OPTION_LQ_START_TIME,
 * OPTION_LQ_END_TIME and OPTION_VSS when q has them. No checks (the
 * builders check); errors stay in the writer. */
void lq6_leasequery_write(struct lq6_writer *w, const struct lq6_request *q);

/* A DUID-LL (RFC 8415 11.4) for a link-layer address of type htype. */
size_t lq6_duid_ll(uint8_t *out, size_t cap, uint16_t htype, const uint8_t *lladdr, size_t len);

/* Copy what an answer keeps out of a decoded LEASEQUERY-REPLY, -DATA or
 * -DONE m whose views point into a->pkt: server DUID, status, client links,
 * OPTION_LQ_BASE_TIME, and the client data with its leases; outcome: an
 * error status makes an error answer, OPTION_CLIENT_DATA a binding,
 * neither no binding. */
void lq6_answer_fill(struct lq_answer *a, const struct lq6_msg *m);

/* Read a datagram as the answer to q (see lq4_reply_read). Not an answer:
 * undecodable; not LEASEQUERY-REPLY (a RELAY-REPL around it is taken off
 * when q->relay_port: a RELAY-REPL otherwise, or for another peer, is not);
 * another transaction id; no OPTION_CLIENTID or another DUID than ours; no
 * OPTION_SERVERID. A status code other than Success makes an error answer;
 * OPTION_CLIENT_DATA a binding; neither, no binding. */
const char *lq6_reply_read(const struct lq6_request *q, const uint8_t *pkt, size_t len,
			   struct lq_answer *a);

#endif
