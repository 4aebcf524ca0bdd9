/* bulk_internal.h - what the dispatcher (bulk.c) and the two family engines
 * of bulk leasequery share: bulk4.c (RFC 6926) and bulk6.c (RFC 5460).
 * Each engine keeps its own state behind an opaque pointer and updates the
 * common progress counters. Not a public interface. */
#ifndef LQ_BULK_INTERNAL_H
#define LQ_BULK_INTERNAL_H

#include "lq/bulk.h"

struct lq_bulk4;
struct lq_bulk6;

/* Same contracts as the public functions of bulk.h. */
int lq_bulk4_open(const struct lq_query_env *env, struct lq_store_reader *reader,
		  const uint8_t *msg, size_t len, const struct lq_query_peer *peer,
		  struct lq_bulk4 **out, struct lq_bulk_opened *opened);
int lq_bulk4_next(struct lq_bulk4 *q, int64_t now, uint8_t *out, size_t cap, size_t *len,
		  struct lq_bulk_progress *progress);
int lq_bulk4_terminate(struct lq_bulk4 *q, int64_t now, const char *text, uint8_t *out,
		       size_t cap, size_t *len, struct lq_bulk_progress *progress);
void lq_bulk4_close(struct lq_bulk4 *q);

int lq_bulk6_open(const struct lq_query_env *env, struct lq_store_reader *reader,
		  const uint8_t *msg, size_t len, const struct lq_query_peer *peer,
		  struct lq_bulk6 **out, struct lq_bulk_opened *opened);
int lq_bulk6_next(struct lq_bulk6 *q, int64_t now, uint8_t *out, size_t cap, size_t *len,
		  struct lq_bulk_progress *progress);
int lq_bulk6_terminate(struct lq_bulk6 *q, int64_t now, const char *text, uint8_t *out,
		       size_t cap, size_t *len, struct lq_bulk_progress *progress);
void lq_bulk6_close(struct lq_bulk6 *q);

#endif
