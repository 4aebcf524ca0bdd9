/* keyset.h - a set of binding keys, for the sweep after a full load: every
 * binding the source still has is marked, the others are deleted. */
#ifndef LQD_KEYSET_H
#define LQD_KEYSET_H

#include <stdbool.h>
#include <stddef.h>

#include "lq/binding.h"

struct lqd_keyset {
	struct lq_binding_key *slots;
	bool *used;
	size_t cap, n;
};

void lqd_keyset_init(struct lqd_keyset *s);
void lqd_keyset_free(struct lqd_keyset *s);
/* Returns 0, or -1 when out of memory. */
int lqd_keyset_add(struct lqd_keyset *s, const struct lq_binding_key *k);
bool lqd_keyset_has(const struct lqd_keyset *s, const struct lq_binding_key *k);

#endif
