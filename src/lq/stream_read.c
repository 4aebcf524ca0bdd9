/* stream_read.c - the steps both reply-stream readers (bulk4.c, bulk6.c)
 * take on every message (stream_read.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stream_read.h"

const char *lq_stream_refuse(struct lq_stream_read *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->why, sizeof(res->why), fmt, ap);
	va_end(ap);
	return res->why;
}

const char *lq_stream_take(struct lq_stream_read *res, struct lq_answer *a, const uint8_t *pkt,
			   size_t len)
{
	memset(res, 0, sizeof(*res));
	if (len > sizeof(a->pkt))
		return lq_stream_refuse(res, "message of %zu octets is too long", len);
	lq_answer_reset(a);
	memcpy(a->pkt, pkt, len);
	a->pkt_len = len;
	return NULL;
}

const char *lq_stream_undecodable(struct lq_stream_read *res, const char *protocol, lq_err err,
				  const lq_diag *diag)
{
	if (diag->option >= 0)
		return lq_stream_refuse(res, "not a %s message that decodes: %s at offset %zu "
					"(option %d)", protocol, lq_strerror(err), diag->offset,
					diag->option);
	return lq_stream_refuse(res, "not a %s message that decodes: %s at offset %zu", protocol,
				lq_strerror(err), diag->offset);
}

struct lq_stream_query *lq_stream_find(struct lq_stream_query *queries, size_t n, int family,
				       uint32_t xid, struct lq_stream_read *res)
{
	bool v4 = family == 4;
	uint32_t mask = v4 ? 0xffffffffu : 0xffffffu;
	const char *id = v4 ? "xid" : "transaction id";
	int digits = v4 ? 8 : 6;
	const char *rfc = v4 ? "RFC 6926 7.3" : "RFC 5460 5.3";

	for (size_t i = 0; i < n; i++) {
		if ((queries[i].xid & mask) != xid)
			continue;
		if (queries[i].finished) {
			lq_stream_refuse(res, "reply with %s 0x%0*x for a query that has already "
					 "finished (%s%s)", id, digits, xid,
					 v4 ? "after its DHCPLEASEQUERYDONE; " : "", rfc);
			return NULL;
		}
		res->query = i;
		return &queries[i];
	}
	lq_stream_refuse(res, "reply with %s 0x%0*x matches no query (%s)", id, digits, xid, rfc);
	return NULL;
}
