/* bulk6.h - DHCPv6 bulk leasequery (RFC 5460, with OPTION_LQ_START_TIME and
 * OPTION_LQ_END_TIME of RFC 7653 section 5) for the requestor: builds a
 * LEASEQUERY of each query type for a TCP connection (query6.c writes it),
 * and reads each reply message of the stream (LEASEQUERY-REPLY, then
 * LEASEQUERY-DATA for every further client, then LEASEQUERY-DONE) into a
 * struct lq_answer, demultiplexed by transaction id among the queries sent
 * on one connection. Pure: no sockets, no clock. */
#ifndef LQ_BULK6_H
#define LQ_BULK6_H

#include "answer.h"
#include "query6.h"

#define LQ6_BULK_QUERY_MAX_LEN 2048

/* The default ORO inside OPTION_LQ_QUERY: OPTION_LQ_RELAY_DATA (47, RFC
 * 5007 4.1.2.4: only returned when asked for) and OPTION_LQ_BASE_TIME
 * (100, RFC 7653 6.3.1: sent when asked for). */
extern const uint16_t lq6_bulk_default_oro[];
extern const size_t lq6_bulk_default_oro_len;

/* Write the LEASEQUERY for q: any of the five query types (BY_ADDRESS
 * needs q->address, BY_CLIENTID q->client_id, BY_RELAY_ID q->relay_id, a
 * DUID; BY_REMOTE_ID q->remote_id, at least the 4-octet enterprise number
 * and one octet; BY_LINK_ADDRESS only the link-address), with our DUID, the
 * ORO (q->oro NULL: lq6_bulk_default_oro), and OPTION_LQ_START_TIME,
 * OPTION_LQ_END_TIME and OPTION_VSS when q has them. q->relay_port must be
 * false (no relaying over TCP). LQ_ERR_INVALID_ARGUMENT when a value is
 * missing or wrong, LQ_ERR_NO_SPACE. */
lq_err lq6_bulk_build(const struct lq6_request *q, uint8_t *out, size_t cap, size_t *out_len);

/* Read one reply message of the stream (a TCP frame without its length)
 * for the n queries sent with our DUID requestor_duid. Returns NULL with
 * *res filled: the message belongs to queries[res->query], which is
 * updated, and res->event says what it is:
 *  - LQ_STREAM_BINDING: a LEASEQUERY-REPLY or LEASEQUERY-DATA with
 *    OPTION_CLIENT_DATA, read into a (a LEASEQUERY-DATA gets the server
 *    DUID of the query's LEASEQUERY-REPLY);
 *  - LQ_STREAM_DONE: the query ended: LEASEQUERY-DONE, or a
 *    LEASEQUERY-REPLY with an error status or without client data (no
 *    LEASEQUERY-DATA or -DONE follows it); the status is in the query;
 *  - LQ_STREAM_SKIPPED: a LEASEQUERY-DATA without OPTION_CLIENT_DATA,
 *    passed over (res->warning).
 *  - LQ_STREAM_STATUS: only for an active query (its lq_stream_query.active
 *    set; RFC 7653 8.4): a LEASEQUERY-REPLY or LEASEQUERY-DATA without
 *    OPTION_CLIENT_DATA, its status and OPTION_LQ_BASE_TIME in a (the
 *    query goes on: what the status means is the caller's business).
 * Returns res->why when the message breaks the protocol and the connection
 * must be closed: it does not decode; it is not LEASEQUERY-REPLY, -DATA or
 * -DONE; its transaction id matches no query or a finished one; a second
 * LEASEQUERY-REPLY, or -DATA or -DONE before the LEASEQUERY-REPLY; a
 * LEASEQUERY-REPLY without OPTION_SERVERID; an OPTION_CLIENTID that is not
 * our DUID. */
const char *lq6_bulk_read(struct lq_stream_query *queries, size_t n, lq_bytes requestor_duid,
			  const uint8_t *pkt, size_t len, struct lq_answer *a,
			  struct lq_stream_read *res);

#endif
