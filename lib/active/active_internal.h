/* active_internal.h - what the dispatcher (active.c) and the two family
 * engines of active leasequery share: active4.c (RFC 7724) and active6.c
 * (RFC 7653), and the live feed both read the store's change history with.
 * Not a public interface. */
#ifndef LQ_ACTIVE_INTERNAL_H
#define LQ_ACTIVE_INTERNAL_H

#include "lq/active.h"
#include "../bulk/gone.h"

struct lq_active4;
struct lq_active6;

/* The smallest buffer a call that writes a message accepts (checked by the
 * dispatcher): DHCPv4 a status message with its text; DHCPv6 any message. */
#define LQ_ACTIVE4_CAP_MIN 512
#define LQ_ACTIVE6_CAP_MIN LQ_BULK_MSG_MAX

/* Same contracts as the public functions of active.h, called by the
 * dispatcher only for a query that has not finished, with out and cap
 * checked; progress is the query's counters, kept by the dispatcher. */
int lq_active4_open(const struct lq_query_env *env, struct lq_store_reader *reader,
		    const uint8_t *msg, size_t len, const struct lq_query_peer *peer,
		    struct lq_active4 **out, struct lq_bulk_opened *opened);
int lq_active4_next(struct lq_active4 *q, struct lq_store_reader *reader, int64_t now,
		    uint8_t *out, size_t cap, size_t *len, struct lq_bulk_progress *progress);
int lq_active4_keepalive(struct lq_active4 *q, int64_t now, uint8_t *out, size_t cap,
			 size_t *len, struct lq_bulk_progress *progress);
int lq_active4_terminate(struct lq_active4 *q, int64_t now, const char *text, uint8_t *out,
			 size_t cap, size_t *len, struct lq_bulk_progress *progress);
bool lq_active4_catching_up(const struct lq_active4 *q);
void lq_active4_close(struct lq_active4 *q);

int lq_active6_open(const struct lq_query_env *env, struct lq_store_reader *reader,
		    const uint8_t *msg, size_t len, const struct lq_query_peer *peer,
		    struct lq_active6 **out, struct lq_bulk_opened *opened);
int lq_active6_next(struct lq_active6 *q, struct lq_store_reader *reader, int64_t now,
		    uint8_t *out, size_t cap, size_t *len, struct lq_bulk_progress *progress);
int lq_active6_keepalive(struct lq_active6 *q, int64_t now, uint8_t *out, size_t cap,
			 size_t *len, struct lq_bulk_progress *progress);
int lq_active6_terminate(struct lq_active6 *q, int64_t now, const char *text, uint8_t *out,
			 size_t cap, size_t *len, struct lq_bulk_progress *progress);
bool lq_active6_catching_up(const struct lq_active6 *q);
void lq_active6_close(struct lq_active6 *q);

/* ---- the live feed (active.c) ----
 * The history entries of one family after position, read from the snapshot
 * of one lq_active_next call: begin, next until it stops, end. No cursor
 * outlives the call, so the transport may renew the reader between calls. */
struct lq_active_feed {
	uint8_t family;
	uint64_t position;      /* the last history seq handled */
	struct lq_store_history_cursor *cursor;  /* during one call */
	unsigned budget;        /* entries this call may still read */
};

/* Is the history of the snapshot complete from time start on: were no
 * changes at or after start lost, either pruned or made before the
 * history began? (RFC 7724 / RFC 7653 8.4.1: DataMissing otherwise.) */
int lq_active_history_covers(struct lq_store_reader *reader, int64_t start, bool *covers,
			     uint64_t *newest_seq);

/* Start a call's read of reader's history. *missing: entries after
 * position were pruned (the query fell behind): position has moved to just
 * before the oldest entry kept, and the caller reports DataMissing. */
int lq_active_feed_begin(struct lq_active_feed *f, struct lq_store_reader *reader, bool *missing);
/* The next entry of the family: 1 (*e, position = e->seq), 0 none left in
 * the snapshot, LQ_ACTIVE_AGAIN when the call's budget is spent, < 0 a store
 * error. */
int lq_active_feed_next(struct lq_active_feed *f, struct lq_store_history_entry *e);
void lq_active_feed_end(struct lq_active_feed *f);

/* ---- the catch-up's deletes (active.c) ----
 * The next key of family deleted at or after start and still absent in
 * reader's snapshot (lib/bulk/gone.c), *gone opened at the first call: 1
 * (*key), 0 at the end, < 0 a store error. */
int lq_active_gone_next(struct lq_store_reader *reader, uint8_t family, int64_t start,
			struct lq_gone_cursor **gone, struct lq_binding_key *key);
/* The catch-up is over: *gone closed, the snapshot it read forgotten. */
void lq_active_gone_end(struct lq_gone_cursor **gone, struct lq_store_reader **reader);

#endif
