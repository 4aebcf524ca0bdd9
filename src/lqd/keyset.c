/* keyset.c - open addressing with linear probing over binding keys (FNV-1a
 * of family, prefix length and address), grown at half full. */
#include <stdlib.h>
#include <string.h>

#include "keyset.h"

void lqd_keyset_init(struct lqd_keyset *s)
{
	memset(s, 0, sizeof(*s));
}

void lqd_keyset_free(struct lqd_keyset *s)
{
	free(s->slots);
	free(s->used);
	lqd_keyset_init(s);
}

static size_t key_hash(const struct lq_binding_key *k)
{
	uint64_t h = 1469598103934665603ULL;
	h = (h ^ k->family) * 1099511628211ULL;
	h = (h ^ k->prefix_len) * 1099511628211ULL;
	for (int i = 0; i < 16; i++)
		h = (h ^ k->addr.b[i]) * 1099511628211ULL;
	return (size_t)h;
}

static bool key_equal(const struct lq_binding_key *a, const struct lq_binding_key *b)
{
	return a->family == b->family && a->prefix_len == b->prefix_len && memcmp(a->addr.b, b->addr.b, 16) == 0;
}

/* Slot holding k, or the free slot where it belongs. */
static size_t find_slot(const struct lqd_keyset *s, const struct lq_binding_key *k)
{
	size_t i = key_hash(k) & (s->cap - 1);
	while (s->used[i] && !key_equal(&s->slots[i], k))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static int grow(struct lqd_keyset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	struct lqd_keyset bigger = {calloc(cap, sizeof(struct lq_binding_key)), calloc(cap, sizeof(bool)), cap, 0};

	if (bigger.slots == NULL || bigger.used == NULL) {
		lqd_keyset_free(&bigger);
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (s->used[i]) {
			size_t j = find_slot(&bigger, &s->slots[i]);
			bigger.slots[j] = s->slots[i];
			bigger.used[j] = true;
			bigger.n++;
		}
	}
	lqd_keyset_free(s);
	*s = bigger;
	return 0;
}

int lqd_keyset_add(struct lqd_keyset *s, const struct lq_binding_key *k)
{
	if ((s->n + 1) * 2 > s->cap && grow(s) < 0)
		return -1;
	size_t i = find_slot(s, k);
	if (!s->used[i]) {
		s->slots[i] = *k;
		s->used[i] = true;
		s->n++;
	}
	return 0;
}

bool lqd_keyset_has(const struct lqd_keyset *s, const struct lq_binding_key *k)
{
	return s->cap > 0 && s->used[find_slot(s, k)];
}
