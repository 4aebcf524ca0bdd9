/* index_ops.c - the secondary index writes of one store batch: collected
 * while the batch's changes are applied, then sorted per index by index key
 * and binding key and written in that order, so that neighbouring entries
 * land on the same LMDB pages (random order would touch a page per entry).
 *
 * The sort is the costly part of a large batch, so it avoids comparing
 * whole byte strings: within one index, the entries' bytes (index key then
 * binding key, contiguous in the arena) are compared from the first offset
 * where any two of them differ, 16 octets at a time as two integers, and
 * only equal integers fall back to the remaining bytes. The order among
 * different entries matters only for locality; writes to the same entry
 * keep their batch order (the last tie-break), so the result is that of
 * applying the writes one by one. */
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

#define INSERTION_RUN 16

/* One write to sort: the 16 octets after the common prefix, big endian,
 * and a copy of the write itself (reading ops[] in sorted order would
 * miss the cache on every write). Arena offsets grow with the batch
 * order, so the offset is the last tie-break. */
struct sort_item {
	uint64_t hi, lo;
	struct lq_store_index_op op;
	uint32_t key_hash;      /* of the index key: runs of one key are found
				 * without reading the arena again */
};

struct sorter {
	const struct lq_store_index_ops *q;
	size_t skip;            /* octets every write of the index shares */
};

void lq_store_index_ops_free(struct lq_store_index_ops *q)
{
	free(q->ops);
	free(q->arena);
	memset(q, 0, sizeof(*q));
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 1024;
	void *np;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * size);
	if (np == NULL)
		return false;
	*p = np;
	*cap = ncap;
	return true;
}

int lq_store_index_ops_push(struct lq_store_index_ops *q, int index, bool del, const uint8_t *key,
			    size_t key_len, const MDB_val *bkey)
{
	size_t need = key_len + bkey->mv_size;
	struct lq_store_index_op *op;

	if (q->n >= UINT32_MAX || q->arena_len + need > UINT32_MAX ||
	    !grow((void **)&q->ops, &q->cap, q->n + 1, sizeof(*q->ops)) ||
	    !grow((void **)&q->arena, &q->arena_cap, q->arena_len + need, 1))
		return LQ_STORE_ERR_NOMEM;
	op = &q->ops[q->n];
	op->offset = (uint32_t)q->arena_len;
	op->key_len = (uint16_t)key_len;
	op->bkey_len = (uint8_t)bkey->mv_size;
	op->index = (uint8_t)index;
	op->del = del;
	memcpy(q->arena + q->arena_len, key, key_len);
	memcpy(q->arena + q->arena_len + key_len, bkey->mv_data, bkey->mv_size);
	q->arena_len += need;
	q->n++;
	return LQ_STORE_OK;
}

/* ---- sorting ---- */

static const uint8_t *op_bytes(const struct lq_store_index_ops *q, const struct lq_store_index_op *op,
			      size_t *len)
{
	*len = (size_t)op->key_len + op->bkey_len;
	return q->arena + op->offset;
}

/* 8 octets of s from offset at (zeros past its end), big endian. */
static uint64_t load_be(const uint8_t *s, size_t len, size_t at)
{
	uint64_t v = 0;

	if (at + 8 <= len) {
		memcpy(&v, s + at, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		v = __builtin_bswap64(v);
#endif
		return v;
	}
	for (size_t i = at; i < at + 8; i++)
		v = v << 8 | (i < len ? s[i] : 0);
	return v;
}

/* FNV-1a */
static uint32_t hash_bytes(const uint8_t *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

static void make_item(const struct sorter *st, uint32_t i, struct sort_item *out)
{
	size_t len;
	const uint8_t *s = op_bytes(st->q, &st->q->ops[i], &len);

	out->hi = load_be(s, len, st->skip);
	out->lo = load_be(s, len, st->skip + 8);
	out->op = st->q->ops[i];
	out->key_hash = hash_bytes(s, out->op.key_len);
}

/* Octets all the writes ops[from..to) share at their start. */
static size_t common_prefix(const struct lq_store_index_ops *q, const uint32_t *ops, size_t n)
{
	size_t first_len, len;
	const uint8_t *first = op_bytes(q, &q->ops[ops[0]], &first_len);
	size_t common = first_len;

	for (size_t i = 1; i < n && common > 0; i++) {
		const uint8_t *s = op_bytes(q, &q->ops[ops[i]], &len);
		size_t j = 0;
		size_t max = len < common ? len : common;
		while (j < max && s[j] == first[j])
			j++;
		common = j;
	}
	return common;
}

static int compare_items(const struct sorter *st, const struct sort_item *a, const struct sort_item *b)
{
	size_t alen, blen;

	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	/* the same 16 octets: the rest of the bytes, then the batch order */
	const uint8_t *as = op_bytes(st->q, &a->op, &alen);
	const uint8_t *bs = op_bytes(st->q, &b->op, &blen);
	size_t from = st->skip + 16;
	if (alen > from || blen > from) {
		size_t ar = alen > from ? alen - from : 0, br = blen > from ? blen - from : 0;
		int d = memcmp(alen > from ? as + from : as, blen > from ? bs + from : bs, ar < br ? ar : br);
		if (d != 0)
			return d;
		if (ar != br)
			return ar < br ? -1 : 1;
	}
	return a->op.offset < b->op.offset ? -1 : a->op.offset > b->op.offset;
}

static void insertion_sort(const struct sorter *st, struct sort_item *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct sort_item x = v[i];
		size_t j = i;
		while (j > 0 && compare_items(st, &x, &v[j - 1]) < 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

static void merge(const struct sorter *st, const struct sort_item *a, size_t na,
		  const struct sort_item *b, size_t nb, struct sort_item *out)
{
	size_t i = 0, j = 0, k = 0;

	while (i < na && j < nb)
		out[k++] = compare_items(st, &b[j], &a[i]) < 0 ? b[j++] : a[i++];
	while (i < na)
		out[k++] = a[i++];
	while (j < nb)
		out[k++] = b[j++];
}

/* Bottom-up merge sort of v (tmp as large); the result ends in v. */
static void merge_sort(const struct sorter *st, struct sort_item *v, struct sort_item *tmp, size_t n)
{
	struct sort_item *from = v, *to = tmp;

	for (size_t i = 0; i < n; i += INSERTION_RUN)
		insertion_sort(st, v + i, n - i < INSERTION_RUN ? n - i : INSERTION_RUN);
	for (size_t width = INSERTION_RUN; width < n; width *= 2) {
		for (size_t i = 0; i < n; i += 2 * width) {
			size_t na = n - i < width ? n - i : width;
			size_t nb = n - i - na < width ? n - i - na : width;
			merge(st, from + i, na, from + i + na, nb, to + i);
		}
		struct sort_item *t = from;
		from = to;
		to = t;
	}
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
}

static bool is_sorted(const struct sorter *st, const struct sort_item *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (compare_items(st, &v[i - 1], &v[i]) > 0)
			return false;
	}
	return true;
}

/* Sort the writes ops[0..n) of one index into items (tmp as scratch). */
static void sort_index(const struct lq_store_index_ops *q, const uint32_t *ops, size_t n,
		       struct sort_item *items, struct sort_item *tmp)
{
	struct sorter st = { q, common_prefix(q, ops, n) };

	for (size_t i = 0; i < n; i++)
		make_item(&st, ops[i], &items[i]);
	if (!is_sorted(&st, items, n))
		merge_sort(&st, items, tmp, n);
}

/* ---- writing ---- */

static int apply_op(MDB_cursor *cur, const struct lq_store_index_op *op, const uint8_t *arena)
{
	MDB_val k = { op->key_len, (void *)(arena + op->offset) };
	MDB_val v = { op->bkey_len, (void *)(arena + op->offset + op->key_len) };
	int rc;

	if (!op->del) {
		rc = mdb_cursor_put(cur, &k, &v, MDB_NODUPDATA);
		return rc == MDB_KEYEXIST ? LQ_STORE_OK : lq_store_mdb_err(rc);
	}
	rc = mdb_cursor_get(cur, &k, &v, MDB_GET_BOTH);
	if (rc == 0)
		rc = mdb_cursor_del(cur, 0);
	return rc == MDB_NOTFOUND ? LQ_STORE_OK : lq_store_mdb_err(rc);
}

static MDB_val op_key(const struct lq_store_index_ops *q, const struct lq_store_index_op *op)
{
	return (MDB_val){ op->key_len, q->arena + op->offset };
}

static MDB_val op_bkey(const struct lq_store_index_ops *q, const struct lq_store_index_op *op)
{
	return (MDB_val){ op->bkey_len, q->arena + op->offset + op->key_len };
}

static bool same_key(const struct lq_store_index_ops *q, const struct sort_item *a,
		     const struct sort_item *b)
{
	if (a->key_hash != b->key_hash)
		return false;
	MDB_val ka = op_key(q, &a->op), kb = op_key(q, &b->op);
	return ka.mv_size == kb.mv_size && memcmp(ka.mv_data, kb.mv_data, ka.mv_size) == 0;
}

/* LMDB's order of duplicates: octets, then the shorter first. */
static int compare_val(const MDB_val *a, const MDB_val *b)
{
	size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
	int d = memcmp(a->mv_data, b->mv_data, n);

	if (d != 0)
		return d;
	return a->mv_size < b->mv_size ? -1 : a->mv_size > b->mv_size;
}

/* The run of writes items[0..*len) to the same key as the first; true when
 * none of them is a removal. */
static bool put_run(const struct lq_store_index_ops *q, const struct sort_item *items, size_t n,
		    size_t *len)
{
	size_t i = 0;
	bool puts_only = true;

	while (i < n && (i == 0 || same_key(q, &items[0], &items[i]))) {
		puts_only = puts_only && !items[i].op.del;
		i++;
	}
	*len = i;
	return puts_only;
}

/* Where in the run the binding keys pass the key's largest stored one:
 * from there on each entry goes after the last (MDB_APPENDDUP: no search
 * among the duplicates, and full pages). */
static int append_point(MDB_cursor *cur, const struct lq_store_index_ops *q,
			const struct sort_item *run, size_t len, size_t *from)
{
	MDB_val k = op_key(q, &run[0].op), last;
	int rc = mdb_cursor_get(cur, &k, &last, MDB_SET_KEY);

	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &last, MDB_LAST_DUP);
	*from = 0;
	if (rc == MDB_NOTFOUND)
		return LQ_STORE_OK;     /* a new key: every entry appends */
	if (rc != 0)
		return lq_store_mdb_err(rc);
	while (*from < len) {
		MDB_val v = op_bkey(q, &run[*from].op);
		if (compare_val(&v, &last) > 0)
			break;
		(*from)++;
	}
	return LQ_STORE_OK;
}

/* Put one entry (an existing one is left as it is). An append that LMDB
 * refuses (the entry is there already, or not past the last one) is put
 * the ordinary way, so nothing is ever lost to a wrong guess. */
static int put_op(MDB_cursor *cur, const struct lq_store_index_ops *q,
		  const struct lq_store_index_op *op, bool append)
{
	MDB_val k = op_key(q, op), v = op_bkey(q, op);
	int rc = mdb_cursor_put(cur, &k, &v, MDB_NODUPDATA | (append ? MDB_APPENDDUP : 0));

	if (rc == MDB_KEYEXIST && append)
		rc = mdb_cursor_put(cur, &k, &v, MDB_NODUPDATA);
	return rc == MDB_KEYEXIST ? LQ_STORE_OK : lq_store_mdb_err(rc);
}

/* Several entries of one key (the low-cardinality indexes: subnet, link,
 * time): those past the stored ones are appended. */
static int apply_put_run(MDB_cursor *cur, const struct lq_store_index_ops *q,
			 const struct sort_item *run, size_t len)
{
	size_t from;
	int rc = append_point(cur, q, run, len, &from);

	for (size_t i = 0; rc == LQ_STORE_OK && i < len; i++)
		rc = put_op(cur, q, &run[i].op, i >= from);
	return rc;
}

static int apply_sorted(MDB_txn *txn, MDB_dbi dbi, const struct lq_store_index_ops *q,
			const struct sort_item *items, size_t n)
{
	MDB_cursor *cur;
	int rc = lq_store_mdb_err(mdb_cursor_open(txn, dbi, &cur));
	size_t i = 0;

	while (rc == LQ_STORE_OK && i < n) {
		size_t len;
		if (put_run(q, items + i, n - i, &len) && len > 1) {
			rc = apply_put_run(cur, q, items + i, len);
		} else {
			for (size_t j = i; rc == LQ_STORE_OK && j < i + len; j++)
				rc = apply_op(cur, &items[j].op, q->arena);
		}
		i += len;
	}
	mdb_cursor_close(cur);
	return rc;
}

/* The writes grouped by index, each group in batch order (a counting sort). */
static void group_by_index(const struct lq_store_index_ops *q, uint32_t *grouped,
			   size_t start[LQ_IDX_COUNT + 1])
{
	size_t count[LQ_IDX_COUNT] = { 0 };
	size_t next[LQ_IDX_COUNT];

	for (size_t i = 0; i < q->n; i++)
		count[q->ops[i].index]++;
	start[0] = 0;
	for (int i = 0; i < LQ_IDX_COUNT; i++) {
		start[i + 1] = start[i] + count[i];
		next[i] = start[i];
	}
	for (size_t i = 0; i < q->n; i++)
		grouped[next[q->ops[i].index]++] = (uint32_t)i;
}

int lq_store_index_ops_apply(MDB_txn *txn, const struct lq_store *store,
			     const struct lq_store_index_ops *q)
{
	size_t start[LQ_IDX_COUNT + 1];
	int rc = LQ_STORE_OK;

	if (q->n == 0)
		return LQ_STORE_OK;
	uint32_t *grouped = malloc(q->n * sizeof(*grouped));
	struct sort_item *items = malloc(q->n * sizeof(*items));
	struct sort_item *tmp = malloc(q->n * sizeof(*tmp));
	if (grouped == NULL || items == NULL || tmp == NULL)
		rc = LQ_STORE_ERR_NOMEM;
	if (rc == LQ_STORE_OK)
		group_by_index(q, grouped, start);
	for (int i = 0; rc == LQ_STORE_OK && i < LQ_IDX_COUNT; i++) {
		size_t n = start[i + 1] - start[i];
		if (n == 0)
			continue;
		sort_index(q, grouped + start[i], n, items, tmp);
		rc = apply_sorted(txn, store->index[i], q, items, n);
	}
	free(grouped);
	free(items);
	free(tmp);
	return rc;
}
