/* stream_read.h - what the two readers of a bulk (or active) leasequery
 * reply stream (bulk4.c for DHCPv4, bulk6.c for DHCPv6) share: taking a
 * message into the answer, finding the query a reply belongs to by its
 * transaction id, and wording a refused message into lq_stream_read.why. */
#ifndef LQ_STREAM_READ_H
#define LQ_STREAM_READ_H

#include "answer.h"

/* res->why := the reason, formatted; returns res->why. */
const char *lq_stream_refuse(struct lq_stream_read *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The start of every read: *res cleared, a reset and pkt copied into
 * a->pkt. NULL, or res->why when the message is longer than a->pkt. */
const char *lq_stream_take(struct lq_stream_read *res, struct lq_answer *a, const uint8_t *pkt,
			   size_t len);

/* The refusal of a message of protocol ("DHCPv4", "DHCPv6") that does not
 * decode: err at diag's offset (and option, when it has one). */
const char *lq_stream_undecodable(struct lq_stream_read *res, const char *protocol, lq_err err,
				  const lq_diag *diag);

/* The query of family 4 or 6 that a reply with xid belongs to (v6: the
 * 24-bit transaction id): the first of the n whose xid it is, with
 * res->query its index. NULL with res->why when no query has that xid or
 * the one that has it has finished (RFC 6926 7.3, RFC 5460 5.3). */
struct lq_stream_query *lq_stream_find(struct lq_stream_query *queries, size_t n, int family,
				       uint32_t xid, struct lq_stream_read *res);

#endif
