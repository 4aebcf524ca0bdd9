/* bulk.h - the bulk leasequery engine of lqd: DHCPBULKLEASEQUERY (RFC 6926)
 * and DHCPv6 LEASEQUERY over TCP (RFC 5460, with the OPTION_LQ_BASE_TIME,
 * OPTION_LQ_START_TIME and OPTION_LQ_END_TIME of RFC 7653 section 5).
 *
 * One received query (one TCP frame, without its 2-octet length) becomes a
 * running query that writes its reply messages one at a time, whenever the
 * transport has room for one, from one store snapshot: the answer is never
 * built whole, and each binding is sent at most once even while the store
 * changes underneath (the snapshot does not change). Pure like the
 * single-query engine (query.h): no sockets, no clock; the transport passes
 * the time to every call.
 *
 * Use:
 *   lq_bulk_open(env, reader, family, msg, len, peer, &q, &opened)
 *   while ((rc = lq_bulk_next(q, now, out, cap, &len)) == 1)
 *           frame and send out[0..len)     -- when the socket can take it
 *   lq_bulk_close(q)                        -- then end the reader
 * or, to stop a running query early (shutdown):
 *   lq_bulk_terminate(q, now, "server shutting down", out, cap, &len)
 *   -> the final DHCPLEASEQUERYDONE / LEASEQUERY-DONE with QueryTerminated. */
#ifndef LQ_BULK_H
#define LQ_BULK_H

#include "lq/query.h"

struct lq_bulk_query;

/* Room every message of a running query fits in (a TCP frame's largest). */
#define LQ_BULK_MSG_MAX 65535

enum lq_bulk_action {
	LQ_BULK_RUN = 0,        /* *out is a query: call lq_bulk_next until it returns 0 */
	LQ_BULK_CLOSE = 1,      /* no query: close the connection (reason says why:
				 * undecodable, not a bulk query, refused with
				 * refused-queries "drop", ...) */
	LQ_BULK_NOT_BULK = 2,   /* no query: the message is an active leasequery or a
				 * TLS upgrade request (msg_type says which), for the
				 * transport to handle */
};

/* What lq_bulk_open made of a message, for the transport and for logs. */
struct lq_bulk_opened {
	enum lq_bulk_action action;
	const char *reason;     /* CLOSE: a constant sentence naming the rule;
				 * RUN with refused or an error status: why */
	uint8_t msg_type;       /* the message type, when it could be read */
	uint32_t xid;           /* RUN: the query's transaction id (v6: 24 bits) */
	enum lq_query_kind kind;/* the query type, when it could be read */
	bool refused;           /* refused by the access rules (answered NotAllowed) */
	uint16_t status;        /* RUN: the status the query ends with when known at
				 * open (MalformedQuery, NotAllowed, ...); 0 = Success */
};

/* Start the query in msg (a DHCPv4 message when family is 4, DHCPv6 when 6)
 * received over TCP from peer. The query reads reader (a snapshot the caller
 * began for it and ends after lq_bulk_close) and keeps pointers to env->config
 * and reader; env->now is the time the query arrived. Returns 0 with *opened
 * filled (and *out set when opened->action is LQ_BULK_RUN: even a query that
 * is refused or malformed runs, to write its one error reply), or a negative
 * lq_store_err (LQ_STORE_ERR_NOMEM, a store failure). */
int lq_bulk_open(const struct lq_query_env *env, struct lq_store_reader *reader, int family,
		 const uint8_t *msg, size_t len, const struct lq_query_peer *peer,
		 struct lq_bulk_query **out, struct lq_bulk_opened *opened);

/* Write the query's next reply message into out (cap >= LQ_BULK_MSG_MAX).
 * now (Unix seconds) is the time of sending (base-time, remaining lifetimes).
 * Returns 1 with *len set, 0 when the query has written its last message
 * (DHCPLEASEQUERYDONE; v6 the LEASEQUERY-REPLY of an empty or failed query
 * or the LEASEQUERY-DONE after data), or a negative lq_store_err on a store
 * failure (the transport then calls lq_bulk_terminate). */
int lq_bulk_next(struct lq_bulk_query *q, int64_t now, uint8_t *out, size_t cap, size_t *len);

/* End a query before its last message: write the message that tells the
 * requestor (v4 DHCPLEASEQUERYDONE, v6 LEASEQUERY-DONE, or a LEASEQUERY-REPLY
 * when nothing was sent yet; status QueryTerminated with text) into out.
 * Returns 1 with *len set, 0 when the query had already finished. */
int lq_bulk_terminate(struct lq_bulk_query *q, int64_t now, const char *text,
		      uint8_t *out, size_t cap, size_t *len);

/* Counters of a query, for logs and statistics. */
struct lq_bulk_progress {
	uint64_t messages;      /* reply messages written */
	uint64_t bindings;      /* v4 addresses / v6 leases reported */
	bool finished;          /* the last message was written */
	uint16_t status;        /* the status of the last message (0 Success) */
};
void lq_bulk_progress(const struct lq_bulk_query *q, struct lq_bulk_progress *out);

uint32_t lq_bulk_xid(const struct lq_bulk_query *q);

/* Free the query and its cursors (not the reader). */
void lq_bulk_close(struct lq_bulk_query *q);

#endif
