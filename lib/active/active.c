/* active.c - the public face of the active leasequery engine (active.h):
 * sends each call to the engine of the query's family (active4.c,
 * active6.c) once it has checked that the query goes on and the buffer is
 * large enough, keeps the counters both share, and reads the store's change
 * history for both (the live feed): after the query's position, one
 * family, a bounded number of entries per call, and the check that the
 * history still reaches back to the position (DataMissing when it does
 * not, RFC 7724 and RFC 7653 8.4.1); and, for catch-up, the keys deleted
 * since the start time. */
#include <stdlib.h>

#include "active_internal.h"

struct lq_active_query {
	int family;
	uint32_t xid;
	struct lq_bulk_progress progress;
	struct lq_active4 *v4;
	struct lq_active6 *v6;
};

int lq_active_open(const struct lq_query_env *env, struct lq_store_reader *reader, int family,
		   const uint8_t *msg, size_t len, const struct lq_query_peer *peer,
		   struct lq_active_query **out, struct lq_bulk_opened *opened)
{
	struct lq_active_query *q;
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
		rc = lq_active4_open(env, reader, msg, len, peer, &q->v4, opened);
	else
		rc = lq_active6_open(env, reader, msg, len, peer, &q->v6, opened);
	if (rc < 0 || opened->action != LQ_BULK_RUN) {
		lq_active_close(q);
		return rc < 0 ? rc : 0;
	}
	q->xid = opened->xid;
	*out = q;
	return 0;
}

/* What every call that writes a message checks first: true to go on, else
 * false with *rc what the call returns (0 for a query that has finished,
 * LQ_STORE_ERR_INVALID for too small a buffer). */
static bool may_write(const struct lq_active_query *q, const uint8_t *out, size_t cap, size_t *len,
		      int *rc)
{
	*len = 0;
	*rc = 0;
	if (q->progress.finished)
		return false;
	if (out == NULL || cap < (q->family == 4 ? LQ_ACTIVE4_CAP_MIN : LQ_ACTIVE6_CAP_MIN)) {
		*rc = LQ_STORE_ERR_INVALID;
		return false;
	}
	return true;
}

int lq_active_next(struct lq_active_query *q, struct lq_store_reader *reader, int64_t now,
		   uint8_t *out, size_t cap, size_t *len)
{
	int rc;

	if (!may_write(q, out, cap, len, &rc))
		return rc;
	if (q->family == 4)
		return lq_active4_next(q->v4, reader, now, out, cap, len, &q->progress);
	return lq_active6_next(q->v6, reader, now, out, cap, len, &q->progress);
}

int lq_active_keepalive(struct lq_active_query *q, int64_t now, uint8_t *out, size_t cap, size_t *len)
{
	int rc;

	if (!may_write(q, out, cap, len, &rc))
		return rc;
	if (q->family == 4)
		return lq_active4_keepalive(q->v4, now, out, cap, len, &q->progress);
	return lq_active6_keepalive(q->v6, now, out, cap, len, &q->progress);
}

int lq_active_terminate(struct lq_active_query *q, int64_t now, const char *text,
			uint8_t *out, size_t cap, size_t *len)
{
	int rc;

	if (!may_write(q, out, cap, len, &rc))
		return rc;
	if (q->family == 4)
		return lq_active4_terminate(q->v4, now, text, out, cap, len, &q->progress);
	return lq_active6_terminate(q->v6, now, text, out, cap, len, &q->progress);
}

bool lq_active_finished(const struct lq_active_query *q)
{
	return q->progress.finished;
}

bool lq_active_catching_up(const struct lq_active_query *q)
{
	if (q->progress.finished)
		return false;
	if (q->family == 4)
		return lq_active4_catching_up(q->v4);
	return lq_active6_catching_up(q->v6);
}

void lq_active_progress(const struct lq_active_query *q, struct lq_bulk_progress *out)
{
	*out = q->progress;
}

uint32_t lq_active_xid(const struct lq_active_query *q)
{
	return q->xid;
}

void lq_active_close(struct lq_active_query *q)
{
	if (q == NULL)
		return;
	lq_active4_close(q->v4);
	lq_active6_close(q->v6);
	free(q);
}

/* ---- the live feed ---- */

/* The history is complete from start on when no entry with a time at or
 * after start can be missing: none was pruned (oldest_seq is 1: the
 * history holds every change since the store began) and the store began
 * no later than start, or what was pruned is older than start (pruned
 * entries are never newer than the oldest one kept). A store that began
 * after start (oldest_time > start) never saw the changes before it
 * began: DataMissing. An empty history that never had an entry covers
 * everything (there was nothing). */
int lq_active_history_covers(struct lq_store_reader *reader, int64_t start, bool *covers,
			     uint64_t *newest_seq)
{
	struct lq_store_history_bounds b;
	int rc = lq_store_history_bounds(reader, &b);

	if (rc < 0)
		return rc;
	*newest_seq = b.newest_seq;
	if (b.count == 0)
		*covers = b.next_seq == 1;
	else if (b.oldest_seq > 1)
		*covers = b.oldest_time < start;
	else
		*covers = b.oldest_time <= start;
	return 0;
}

int lq_active_feed_begin(struct lq_active_feed *f, struct lq_store_reader *reader, bool *missing)
{
	struct lq_store_history_bounds b;
	int rc = lq_store_history_bounds(reader, &b);

	*missing = false;
	f->cursor = NULL;
	f->budget = LQ_ACTIVE_HISTORY_BUDGET;
	if (rc < 0)
		return rc;
	if (b.oldest_seq > f->position + 1) {
		*missing = true;
		f->position = b.oldest_seq - 1;
	}
	if (b.newest_seq <= f->position || b.count == 0)
		return 0;
	return lq_store_history_open_seq(reader, f->position, &f->cursor);
}

int lq_active_feed_next(struct lq_active_feed *f, struct lq_store_history_entry *e)
{
	int rc;

	while (f->cursor != NULL) {
		if (f->budget == 0)
			return LQ_ACTIVE_AGAIN;
		f->budget--;
		rc = lq_store_history_next(f->cursor, e);
		if (rc <= 0) {
			lq_active_feed_end(f);
			return rc;
		}
		f->position = e->seq;
		if (e->key.family == f->family)
			return 1;
	}
	return 0;
}

void lq_active_feed_end(struct lq_active_feed *f)
{
	lq_store_history_close(f->cursor);
	f->cursor = NULL;
}

/* ---- the catch-up's deletes ---- */

int lq_active_gone_next(struct lq_store_reader *reader, uint8_t family, int64_t start,
			struct lq_gone_cursor **gone, struct lq_binding_key *key)
{
	if (*gone == NULL) {
		int rc = lq_gone_open(reader, family, true, start, false, 0, gone);

		if (rc < 0)
			return rc;
	}
	return lq_gone_next(*gone, key);
}

void lq_active_gone_end(struct lq_gone_cursor **gone, struct lq_store_reader **reader)
{
	lq_gone_close(*gone);
	*gone = NULL;
	*reader = NULL;
}
