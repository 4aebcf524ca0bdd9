/* gone.c - the keys deleted within a time window and still gone, from the
 * store's change history (see gone.h for the rule and its cost): the
 * window is read in batches of candidate keys, each batch checked against
 * the history after it, so that only a key whose newest entry is the
 * window's DELETE is yielded, and memory stays bounded. */
#include <stdlib.h>
#include <string.h>

#include "gone.h"

struct item {
	struct lq_binding_key key;
	bool dropped;           /* a later entry of the key exists */
};

struct lq_gone_cursor {
	struct lq_store_reader *reader;
	uint8_t family;
	bool has_end;
	int64_t end;
	struct lq_store_history_cursor *window;  /* NULL once read to its end */
	bool after_window;      /* the window ended before the newest entry */
	uint64_t last_seq;      /* the last entry of the window read */

	/* the batch: candidate keys in the order first met, and a hash table
	 * of their indexes + 1 (0: an empty slot), twice as large */
	struct item *items;
	size_t n, cap, at;
	uint32_t *slots;
	size_t n_slots;
	struct lq_binding scratch;
};

static uint32_t key_hash(const struct lq_binding_key *k)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	h = (h ^ k->family) * 16777619u;
	h = (h ^ k->prefix_len) * 16777619u;
	for (size_t i = 0; i < sizeof(k->addr.b); i++)
		h = (h ^ k->addr.b[i]) * 16777619u;
	return h;
}

static bool key_same(const struct lq_binding_key *a, const struct lq_binding_key *b)
{
	return a->family == b->family && a->prefix_len == b->prefix_len &&
	       memcmp(a->addr.b, b->addr.b, sizeof(a->addr.b)) == 0;
}

/* The slot of key: where it is, or the empty slot where it would go. */
static uint32_t *slot_of(const struct lq_gone_cursor *c, const struct lq_binding_key *key)
{
	size_t mask = c->n_slots - 1;
	size_t i = key_hash(key) & mask;

	while (c->slots[i] != 0 && !key_same(&c->items[c->slots[i] - 1].key, key))
		i = (i + 1) & mask;
	return &c->slots[i];
}

/* The batch's item for key, NULL when it has none. */
static struct item *find(const struct lq_gone_cursor *c, const struct lq_binding_key *key)
{
	uint32_t *slot;

	if (c->n == 0)
		return NULL;
	slot = slot_of(c, key);
	return *slot != 0 ? &c->items[*slot - 1] : NULL;
}

/* Room for one more item: grow the batch (and rebuild the table). */
static int reserve(struct lq_gone_cursor *c)
{
	size_t cap = c->cap == 0 ? 64 : c->cap * 2;
	struct item *items;
	uint32_t *slots;

	if (c->n < c->cap)
		return LQ_STORE_OK;
	items = realloc(c->items, cap * sizeof(*items));
	if (items == NULL)
		return LQ_STORE_ERR_NOMEM;
	c->items = items;
	slots = calloc(2 * cap, sizeof(*slots));
	if (slots == NULL)
		return LQ_STORE_ERR_NOMEM;
	free(c->slots);
	c->slots = slots;
	c->n_slots = 2 * cap;
	c->cap = cap;
	for (size_t i = 0; i < c->n; i++)
		*slot_of(c, &c->items[i].key) = (uint32_t)(i + 1);
	return LQ_STORE_OK;
}

static int add(struct lq_gone_cursor *c, const struct lq_binding_key *key)
{
	int rc = reserve(c);

	if (rc != LQ_STORE_OK)
		return rc;
	c->items[c->n].key = *key;
	c->items[c->n].dropped = false;
	c->n++;
	*slot_of(c, key) = (uint32_t)c->n;
	return LQ_STORE_OK;
}

/* Read the window on until the batch holds LQ_GONE_BATCH keys or the
 * window ends. Within the batch the newest entry of a key decides: a
 * DELETE keeps it, anything else drops it. */
static int fill(struct lq_gone_cursor *c)
{
	struct lq_store_history_entry e;
	int rc;

	c->n = c->at = 0;
	if (c->slots != NULL)
		memset(c->slots, 0, c->n_slots * sizeof(*c->slots));
	while (c->n < LQ_GONE_BATCH) {
		struct item *it;

		rc = lq_store_history_next(c->window, &e);
		if (rc < 0)
			return rc;
		if (rc == 0 || (c->has_end && e.time > c->end)) {
			c->after_window = rc == 1;
			lq_store_history_close(c->window);
			c->window = NULL;
			break;
		}
		c->last_seq = e.seq;
		if (e.key.family != c->family)
			continue;
		it = find(c, &e.key);
		if (it != NULL) {
			it->dropped = e.op != LQ_CHANGE_DELETE;
			continue;
		}
		if (e.op != LQ_CHANGE_DELETE)
			continue;
		/* a key with a binding now has a later entry: skip it */
		rc = lq_store_get(c->reader, &e.key, &c->scratch, NULL);
		if (rc < 0)
			return rc;
		if (rc == 0 && (rc = add(c, &e.key)) < 0)
			return rc;
	}
	return LQ_STORE_OK;
}

/* Drop the batch's keys that have an entry after the batch's last one. */
static int drop_later(struct lq_gone_cursor *c)
{
	struct lq_store_history_cursor *h;
	struct lq_store_history_entry e;
	size_t left = 0;
	int rc;

	for (size_t i = 0; i < c->n; i++)
		left += !c->items[i].dropped;
	/* nothing after the window: the batch's entries are the newest */
	if (left == 0 || (c->window == NULL && !c->after_window))
		return LQ_STORE_OK;
	rc = lq_store_history_open_seq(c->reader, c->last_seq, &h);
	if (rc < 0)
		return rc;
	while (left > 0 && (rc = lq_store_history_next(h, &e)) == 1) {
		struct item *it;

		if (e.key.family != c->family)
			continue;
		it = find(c, &e.key);
		if (it != NULL && !it->dropped) {
			it->dropped = true;
			left--;
		}
	}
	lq_store_history_close(h);
	return rc < 0 ? rc : LQ_STORE_OK;
}

int lq_gone_open(struct lq_store_reader *reader, uint8_t family, bool has_start, int64_t start,
		 bool has_end, int64_t end, struct lq_gone_cursor **out)
{
	struct lq_gone_cursor *c;
	int rc;

	*out = NULL;
	if (family != 4 && family != 6)
		return LQ_STORE_ERR_INVALID;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return LQ_STORE_ERR_NOMEM;
	c->reader = reader;
	c->family = family;
	c->has_end = has_end;
	c->end = end;
	rc = lq_store_history_open_time(reader, has_start ? start : INT64_MIN, &c->window);
	if (rc < 0) {
		free(c);
		return rc;
	}
	*out = c;
	return LQ_STORE_OK;
}

int lq_gone_next(struct lq_gone_cursor *c, struct lq_binding_key *key)
{
	int rc;

	for (;;) {
		while (c->at < c->n) {
			const struct item *it = &c->items[c->at++];

			if (!it->dropped) {
				*key = it->key;
				return 1;
			}
		}
		if (c->window == NULL)
			return 0;
		rc = fill(c);
		if (rc == LQ_STORE_OK)
			rc = drop_later(c);
		if (rc < 0) {
			/* a failed batch is not half reported */
			c->n = c->at = 0;
			return rc;
		}
	}
}

void lq_gone_close(struct lq_gone_cursor *c)
{
	if (c == NULL)
		return;
	lq_store_history_close(c->window);
	free(c->items);
	free(c->slots);
	free(c);
}
