/* change_batch.c - a growable array of binding changes plus an arena of
 * fixed-size blocks holding their bytes; blocks never move, so the views in
 * earlier changes stay valid while later ones are added. */
#include <stdlib.h>
#include <string.h>

#include "lq/change_batch.h"

#define BLOCK_SIZE ((size_t)256 * 1024)

struct lq_arena_block {
	struct lq_arena_block *next;
	size_t used;
	uint8_t data[BLOCK_SIZE];
};

void lq_change_batch_init(struct lq_change_batch *b)
{
	memset(b, 0, sizeof(*b));
}

static void free_blocks(struct lq_arena_block *blk)
{
	while (blk != NULL) {
		struct lq_arena_block *next = blk->next;
		free(blk);
		blk = next;
	}
}

void lq_change_batch_free(struct lq_change_batch *b)
{
	free(b->items);
	free_blocks(b->blocks);
	free_blocks(b->spare);
	lq_change_batch_init(b);
}

void lq_change_batch_clear(struct lq_change_batch *b)
{
	while (b->blocks != NULL) {
		struct lq_arena_block *blk = b->blocks;
		b->blocks = blk->next;
		blk->used = 0;
		blk->next = b->spare;
		b->spare = blk;
	}
	b->n = 0;
}

/* Room for n contiguous octets (n <= BLOCK_SIZE). */
static uint8_t *arena_take(struct lq_change_batch *b, size_t n)
{
	struct lq_arena_block *blk = b->blocks;

	if (blk == NULL || BLOCK_SIZE - blk->used < n) {
		if (b->spare != NULL) {
			blk = b->spare;
			b->spare = blk->next;
		} else {
			blk = malloc(sizeof(*blk));
			if (blk == NULL)
				return NULL;
		}
		blk->used = 0;
		blk->next = b->blocks;
		b->blocks = blk;
	}
	uint8_t *p = blk->data + blk->used;
	blk->used += n;
	return p;
}

static size_t bytes_total(const struct lq_binding *bd)
{
	return bd->hwaddr.len + bd->client_id.len + bd->relay_info.len + bd->circuit_id.len +
	       bd->remote_id.len + bd->relay_id.len + bd->vendor_class.len + bd->hostname.len +
	       bd->vpn_id.len;
}

/* Copy one view into the arena region at *p. Views into relay_info (the
 * derived ids) are re-pointed into the copy of relay_info. */
static lq_bytes copy_view(lq_bytes v, uint8_t **p, lq_bytes relay_from, lq_bytes relay_to)
{
	if (v.data == NULL)
		return v;
	if (relay_from.data != NULL && v.data >= relay_from.data &&
	    v.data + v.len <= relay_from.data + relay_from.len)
		return (lq_bytes){relay_to.data + (v.data - relay_from.data), v.len};
	lq_bytes out = {*p, v.len};
	if (v.len > 0)
		memcpy(*p, v.data, v.len);
	*p += v.len;
	return out;
}

int lq_change_batch_add(struct lq_change_batch *b, const struct lq_binding_change *c)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		struct lq_binding_change *items = realloc(b->items, cap * sizeof(*items));
		if (items == NULL)
			return -1;
		b->items = items;
		b->cap = cap;
	}
	const struct lq_binding *src = &c->binding;
	size_t need = bytes_total(src);
	if (need > BLOCK_SIZE)
		return -1;
	uint8_t *p = arena_take(b, need);
	if (p == NULL)
		return -1;
	struct lq_binding_change *dst = &b->items[b->n++];
	*dst = *c;
	struct lq_binding *d = &dst->binding;
	lq_bytes none = {NULL, 0};
	d->relay_info = copy_view(src->relay_info, &p, none, none);
	d->hwaddr = copy_view(src->hwaddr, &p, src->relay_info, d->relay_info);
	d->client_id = copy_view(src->client_id, &p, src->relay_info, d->relay_info);
	d->circuit_id = copy_view(src->circuit_id, &p, src->relay_info, d->relay_info);
	d->remote_id = copy_view(src->remote_id, &p, src->relay_info, d->relay_info);
	d->relay_id = copy_view(src->relay_id, &p, src->relay_info, d->relay_info);
	d->vendor_class = copy_view(src->vendor_class, &p, src->relay_info, d->relay_info);
	d->hostname = copy_view(src->hostname, &p, src->relay_info, d->relay_info);
	d->vpn_id = copy_view(src->vpn_id, &p, src->relay_info, d->relay_info);
	return 0;
}
