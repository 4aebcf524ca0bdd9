/* bulk.c - the public face of the bulk leasequery engine (bulk.h): sends
 * each call to the engine of the query's family (bulk4.c, bulk6.c) and
 * keeps the counters both share. */
#include <stdlib.h>

#include "bulk_internal.h"

struct lq_bulk_query {
	int family;
	uint32_t xid;
	struct lq_bulk_progress progress;
	struct lq_bulk4 *v4;
	struct lq_bulk6 *v6;
};

int lq_bulk_open(const struct lq_query_env *env, struct lq_store_reader *reader, int family,
		 const uint8_t *msg, size_t len, const struct lq_query_peer *peer,
		 struct lq_bulk_query **out, struct lq_bulk_opened *opened)
{
	struct lq_bulk_query *q;
	int rc;

	*out = NULL;
	*opened = (struct lq_bulk_opened){ .action = LQ_BULK_CLOSE, .reason = "unknown family" };
	if (family != 4 && family != 6)
		return 0;
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return LQ_STORE_ERR_NOMEM;
	q->family = family;
	if (family == 4)
		rc = lq_bulk4_open(env, reader, msg, len, peer, &q->v4, opened);
	else
		rc = lq_bulk6_open(env, reader, msg, len, peer, &q->v6, opened);
	if (rc < 0 || opened->action != LQ_BULK_RUN) {
		lq_bulk_close(q);
		return rc < 0 ? rc : 0;
	}
	q->xid = opened->xid;
	*out = q;
	return 0;
}

int lq_bulk_next(struct lq_bulk_query *q, int64_t now, uint8_t *out, size_t cap, size_t *len)
{
	if (q->progress.finished)
		return 0;
	if (q->family == 4)
		return lq_bulk4_next(q->v4, now, out, cap, len, &q->progress);
	return lq_bulk6_next(q->v6, now, out, cap, len, &q->progress);
}

int lq_bulk_terminate(struct lq_bulk_query *q, int64_t now, const char *text,
		      uint8_t *out, size_t cap, size_t *len)
{
	if (q->progress.finished)
		return 0;
	if (q->family == 4)
		return lq_bulk4_terminate(q->v4, now, text, out, cap, len, &q->progress);
	return lq_bulk6_terminate(q->v6, now, text, out, cap, len, &q->progress);
}

void lq_bulk_progress(const struct lq_bulk_query *q, struct lq_bulk_progress *out)
{
	*out = q->progress;
}

uint32_t lq_bulk_xid(const struct lq_bulk_query *q)
{
	return q->xid;
}

void lq_bulk_close(struct lq_bulk_query *q)
{
	if (q == NULL)
		return;
	lq_bulk4_close(q->v4);
	lq_bulk6_close(q->v6);
	free(q);
}
