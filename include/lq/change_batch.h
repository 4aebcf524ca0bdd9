/* change_batch.h - collects binding changes into a batch that owns copies of
 * their bytes, so a source can parse many lines (each reusing its parser's
 * scratch space) and hand the store one transaction. */
#ifndef LQ_CHANGE_BATCH_H
#define LQ_CHANGE_BATCH_H

#include "lq/binding.h"

struct lq_arena_block;

struct lq_change_batch {
	struct lq_binding_change *items;
	size_t n, cap;
	struct lq_arena_block *blocks;  /* copies of the changes' bytes */
	struct lq_arena_block *spare;   /* blocks kept for reuse after a clear */
};

void lq_change_batch_init(struct lq_change_batch *b);
void lq_change_batch_free(struct lq_change_batch *b);
/* Forget the changes (keeps the memory for the next batch). */
void lq_change_batch_clear(struct lq_change_batch *b);
/* Append a deep copy of c. Returns 0, or -1 when out of memory. */
int lq_change_batch_add(struct lq_change_batch *b, const struct lq_binding_change *c);

#endif
