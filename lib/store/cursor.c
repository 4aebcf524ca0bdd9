/* cursor.c - reading the binding store: snapshot readers (LMDB read
 * transactions), lookups by key and by IPv6 prefix containment, binding
 * cursors for bulk queries over one index, over a range of keys, over a
 * range of link addresses or over everything, and the change history
 * cursor for time qualifiers and active catch-up. */
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

/* ---- readers ---- */

int lq_store_read_begin(struct lq_store *store, struct lq_store_reader **out)
{
	struct lq_store_reader *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (r == NULL)
		return LQ_STORE_ERR_NOMEM;
	r->store = store;
	rc = mdb_txn_begin(store->env, NULL, MDB_RDONLY, &r->txn);
	if (rc != 0) {
		free(r);
		return lq_store_mdb_err(rc);
	}
	*out = r;
	return LQ_STORE_OK;
}

void lq_store_read_end(struct lq_store_reader *reader)
{
	if (reader == NULL)
		return;
	mdb_txn_abort(reader->txn);
	free(reader);
}

void lq_store_read_reset(struct lq_store_reader *reader)
{
	mdb_txn_reset(reader->txn);
}

int lq_store_read_renew(struct lq_store_reader *reader)
{
	return lq_store_mdb_err(mdb_txn_renew(reader->txn));
}

/* ---- lookups ---- */

/* Fetch and decode the binding stored under an encoded key. */
static int get_encoded(struct lq_store_reader *r, const uint8_t *key, size_t key_len,
		       struct lq_binding *out, int64_t *changed_at)
{
	MDB_val k = { key_len, (void *)key };
	MDB_val v;
	int rc = mdb_get(r->txn, r->store->bindings, &k, &v);

	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return lq_store_mdb_err(rc);
	rc = lq_store_record_decode(v.mv_data, v.mv_size, out, changed_at);
	if (rc == LQ_STORE_OK)
		rc = lq_store_key_decode(key, key_len, &out->key);
	return rc == LQ_STORE_OK ? 1 : rc;
}

int lq_store_get(struct lq_store_reader *reader, const struct lq_binding_key *key,
		 struct lq_binding *out, int64_t *changed_at)
{
	uint8_t k[LQ_STORE_KEY_MAX];
	size_t len = lq_store_key_encode(key, k);

	if (len == 0)
		return LQ_STORE_ERR_INVALID;
	return get_encoded(reader, k, len, out, changed_at);
}

int lq_store_find_v4(struct lq_store_reader *reader, const lq_ip4 *addr,
		     struct lq_binding *out, int64_t *changed_at)
{
	struct lq_binding_key key;

	lq_binding_key_v4(&key, addr);
	return lq_store_get(reader, &key, out, changed_at);
}

/* Which IPv6 prefix lengths some binding has (kept by the writer). */
static int load_prefix_lengths(struct lq_store_reader *r, bool present[LQ_STORE_PLEN_COUNT])
{
	MDB_val k = { sizeof(LQ_META_PLEN6) - 1, (void *)LQ_META_PLEN6 };
	MDB_val v;
	int rc = mdb_get(r->txn, r->store->meta, &k, &v);

	memset(present, 0, sizeof(bool) * LQ_STORE_PLEN_COUNT);
	if (rc == MDB_NOTFOUND)
		return LQ_STORE_OK;
	if (rc != 0)
		return lq_store_mdb_err(rc);
	if (v.mv_size != (size_t)8 * LQ_STORE_PLEN_COUNT)
		return LQ_STORE_ERR_CORRUPT;
	for (size_t i = 0; i < LQ_STORE_PLEN_COUNT; i++)
		present[i] = lq_store_get_u64((const uint8_t *)v.mv_data + 8 * i) != 0;
	return LQ_STORE_OK;
}

int lq_store_find_containing(struct lq_store_reader *reader, const lq_ip6 *addr,
			     struct lq_binding *out, int64_t *changed_at)
{
	bool present[LQ_STORE_PLEN_COUNT];
	struct lq_binding_key key;
	int rc;

	lq_binding_key_v6(&key, addr, 128);
	rc = lq_store_get(reader, &key, out, changed_at);
	if (rc != 0)
		return rc;
	rc = load_prefix_lengths(reader, present);
	for (int plen = 127; rc == LQ_STORE_OK && plen >= 0; plen--) {
		if (!present[plen])
			continue;
		key.prefix_len = (uint8_t)plen;
		rc = lq_store_get(reader, &key, out, changed_at);
		if (rc == 1 && out->type != LQ_LEASE_PD)
			rc = 0;
		if (rc != 0)
			return rc;
	}
	return rc;
}

/* IPv6 bindings are counted per prefix length by the writer; the rest are
 * IPv4. */
static int count_bindings(struct lq_store_reader *r, struct lq_store_stats *out)
{
	MDB_val k = { sizeof(LQ_META_PLEN6) - 1, (void *)LQ_META_PLEN6 };
	MDB_val v;
	MDB_stat st;
	int rc = mdb_stat(r->txn, r->store->bindings, &st);

	if (rc == 0)
		rc = mdb_get(r->txn, r->store->meta, &k, &v);
	if (rc == 0 && v.mv_size != (size_t)8 * LQ_STORE_PLEN_COUNT)
		return LQ_STORE_ERR_CORRUPT;
	for (size_t i = 0; rc == 0 && i < LQ_STORE_PLEN_COUNT; i++)
		out->bindings6 += lq_store_get_u64((const uint8_t *)v.mv_data + 8 * i);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return lq_store_mdb_err(rc);
	out->bindings4 = st.ms_entries - out->bindings6;
	return LQ_STORE_OK;
}

int lq_store_stats(struct lq_store_reader *reader, struct lq_store_stats *out)
{
	MDB_envinfo info;
	MDB_stat st;
	int rc = mdb_env_info(reader->store->env, &info);

	memset(out, 0, sizeof(*out));
	if (rc == 0)
		rc = mdb_env_stat(reader->store->env, &st);
	if (rc != 0)
		return lq_store_mdb_err(rc);
	out->bytes_used = (uint64_t)(info.me_last_pgno + 1) * st.ms_psize;
	out->map_size = info.me_mapsize;
	rc = mdb_stat(reader->txn, reader->store->history, &st);
	if (rc != 0)
		return lq_store_mdb_err(rc);
	out->history_entries = st.ms_entries;
	return count_bindings(reader, out);
}

/* ---- binding cursors ---- */

enum scan_mode {
	SCAN_BINDINGS,        /* the bindings database, keys of one family */
	SCAN_INDEX_KEY,       /* the duplicates of one key of an index */
	SCAN_TIME,            /* the time index from start_time to end_time */
	SCAN_RANGE,           /* the bindings database from one key address to another */
	SCAN_LINK_RANGE,      /* the link index from one link address to another */
};

/* SCAN_LINK_RANGE: one run of link index keys of one length. The link
 * index keys an IPv4-mapped link (::ffff:a.b.c.d) as [family][a b c d] and
 * any other as [family][16 octets], so a range of link addresses is up to
 * two runs of keys: the 17-octet keys of its addresses, and the 5-octet
 * keys of the part of it inside ::ffff:0:0/96. In LMDB's order the keys of
 * the other length lie among those of a run; they are stepped over. */
struct link_run {
	uint8_t first[LQ_STORE_INDEX_KEY_MAX];
	uint8_t last[LQ_STORE_INDEX_KEY_MAX];
	uint8_t len;          /* 5 or 17 */
};

struct lq_store_cursor {
	struct lq_store_reader *reader;
	MDB_cursor *cur;
	enum scan_mode mode;
	struct lq_store_filter filter;
	uint8_t vpn_id[LQ_BINDING_MAX_SMALL];
	uint8_t key[LQ_STORE_INDEX_KEY_MAX];  /* index key or range start */
	size_t key_len;
	uint8_t end_key[LQ_STORE_INDEX_KEY_MAX];  /* SCAN_TIME: last key; SCAN_RANGE:
						   * the family octet and the last address */
	size_t end_key_len;
	struct link_run runs[2];  /* SCAN_LINK_RANGE */
	uint8_t n_runs, run;      /* the runs, the one being read */
	bool started;             /* (SCAN_LINK_RANGE: the current run) */
	int64_t changed_at;
};

static bool vpn_matches(const struct lq_store_filter *f, const struct lq_binding *b)
{
	switch (f->vpn_match) {
	case LQ_STORE_VPN_GLOBAL:
		return !b->has_vpn;
	case LQ_STORE_VPN_EXACT:
		return b->has_vpn && b->vpn_type == f->vpn_type && b->vpn_id.len == f->vpn_id.len &&
		       (f->vpn_id.len == 0 || memcmp(b->vpn_id.data, f->vpn_id.data, f->vpn_id.len) == 0);
	default:
		return true;
	}
}

static bool binding_matches(const struct lq_store_cursor *c, const struct lq_binding *b,
			    int64_t changed_at)
{
	const struct lq_store_filter *f = &c->filter;

	if (f->has_start_time && changed_at < f->start_time)
		return false;
	if (f->has_end_time && changed_at > f->end_time)
		return false;
	if (f->by == LQ_STORE_BY_HWADDR && f->htype != 0 && b->htype != f->htype)
		return false;
	return vpn_matches(f, b);
}

/* The index a filter scans and the key it scans for; 0 = no such key (the
 * cursor yields nothing), < 0 an invalid filter. */
static int index_for_filter(const struct lq_store_filter *f, enum lq_store_index *idx,
			    uint8_t key[LQ_STORE_INDEX_KEY_MAX], size_t *len)
{
	switch (f->by) {
	case LQ_STORE_BY_HWADDR: *idx = LQ_IDX_HWADDR; break;
	case LQ_STORE_BY_CLIENT_ID: *idx = LQ_IDX_CLIENT_ID; break;
	case LQ_STORE_BY_REMOTE_ID: *idx = LQ_IDX_REMOTE_ID; break;
	case LQ_STORE_BY_RELAY_ID: *idx = LQ_IDX_RELAY_ID; break;
	case LQ_STORE_BY_LINK: *idx = LQ_IDX_LINK; break;
	case LQ_STORE_BY_VPN: *idx = LQ_IDX_VPN; break;
	case LQ_STORE_BY_SUBNET: *idx = LQ_IDX_SUBNET; break;
	default: return LQ_STORE_ERR_INVALID;
	}
	if (f->by == LQ_STORE_BY_LINK)
		*len = lq_store_index_key_link(f->family, &f->link, key);
	else if (f->by == LQ_STORE_BY_VPN)
		*len = lq_store_index_key_vpn(f->family, f->vpn_type, f->vpn_id, key);
	else if (f->by == LQ_STORE_BY_SUBNET)
		*len = lq_store_index_key_subnet(f->family, f->subnet_id, key);
	else if (f->value.len > LQ_BINDING_MAX_SMALL)
		return LQ_STORE_ERR_INVALID;
	else
		*len = lq_store_index_key_bytes(f->family, f->value, key);
	return *len > 0;
}

static int copy_filter(struct lq_store_cursor *c, const struct lq_store_filter *f)
{
	if ((f->family != 4 && f->family != 6) || f->by > LQ_STORE_BY_LINK_RANGE ||
	    f->vpn_match > LQ_STORE_VPN_EXACT || f->vpn_id.len > LQ_BINDING_MAX_SMALL)
		return LQ_STORE_ERR_INVALID;
	c->filter = *f;
	c->filter.value = (lq_bytes){ NULL, 0 };   /* only needed to build the key */
	if (f->by == LQ_STORE_BY_VPN)
		c->filter.vpn_match = LQ_STORE_VPN_EXACT;
	if (f->vpn_id.len > 0)
		memcpy(c->vpn_id, f->vpn_id.data, f->vpn_id.len);
	c->filter.vpn_id.data = c->vpn_id;
	return LQ_STORE_OK;
}

static bool v4_mapped(const lq_ip6 *a)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a->b, prefix, sizeof(prefix)) == 0;
}

/* BY_RANGE: the first key to look at (the first address with the shortest
 * prefix length) and the address after which to stop; 0 = an empty range. */
static int plan_range(struct lq_store_cursor *c, const struct lq_store_filter *f)
{
	const lq_ip6 *first = &f->range_first, *last = &f->range_last;

	if (memcmp(first->b, last->b, sizeof(first->b)) > 0)
		return 0;
	c->key[0] = f->family;
	c->end_key[0] = f->family;
	if (f->family == 4) {
		if (!v4_mapped(first) || !v4_mapped(last))
			return LQ_STORE_ERR_INVALID;
		memcpy(c->key + 1, first->b + 12, 4);
		memcpy(c->end_key + 1, last->b + 12, 4);
		c->key_len = c->end_key_len = 5;
		return 1;
	}
	memcpy(c->key + 1, first->b, 16);
	c->key[17] = 0;
	c->key_len = 18;
	memcpy(c->end_key + 1, last->b, 16);
	c->end_key_len = 17;
	return 1;
}

static void link_run_set(struct link_run *r, uint8_t family, const uint8_t *first,
			 const uint8_t *last, size_t len)
{
	r->first[0] = r->last[0] = family;
	memcpy(r->first + 1, first, len);
	memcpy(r->last + 1, last, len);
	r->len = (uint8_t)(1 + len);
}

/* BY_LINK_RANGE: the runs of link index keys to read; 0 = an empty range. */
static int plan_link_range(struct lq_store_cursor *c, const struct lq_store_filter *f)
{
	static const lq_ip6 mapped_first = { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0 } };
	static const lq_ip6 mapped_last = { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
					      0xff, 0xff, 0xff, 0xff } };
	const lq_ip6 *first = &f->range_first, *last = &f->range_last;
	const lq_ip6 *lo, *hi;

	if (memcmp(first->b, last->b, sizeof(first->b)) > 0)
		return 0;
	if (f->family == 4 && (!v4_mapped(first) || !v4_mapped(last)))
		return LQ_STORE_ERR_INVALID;
	/* 17-octet keys: never an IPv4-mapped address */
	if (!v4_mapped(first) || !v4_mapped(last))
		link_run_set(&c->runs[c->n_runs++], f->family, first->b, last->b, 16);
	/* 5-octet keys: the range's part in ::ffff:0:0/96 */
	lo = memcmp(first->b, mapped_first.b, 16) > 0 ? first : &mapped_first;
	hi = memcmp(last->b, mapped_last.b, 16) < 0 ? last : &mapped_last;
	if (memcmp(lo->b, hi->b, 16) <= 0)
		link_run_set(&c->runs[c->n_runs++], f->family, lo->b + 12, hi->b + 12, 4);
	return 1;
}

/* Choose what the cursor walks; *dbi receives the database. */
static int plan_scan(struct lq_store_cursor *c, const struct lq_store_filter *f, MDB_dbi *dbi)
{
	const struct lq_store *s = c->reader->store;
	enum lq_store_index idx;
	int rc;

	if (f->by == LQ_STORE_BY_RANGE) {
		c->mode = SCAN_RANGE;
		*dbi = s->bindings;
		return plan_range(c, f);
	}
	if (f->by == LQ_STORE_BY_LINK_RANGE) {
		c->mode = SCAN_LINK_RANGE;
		*dbi = s->index[LQ_IDX_LINK];
		return plan_link_range(c, f);
	}
	if (f->by != LQ_STORE_BY_ALL) {
		rc = index_for_filter(f, &idx, c->key, &c->key_len);
		c->mode = SCAN_INDEX_KEY;
		*dbi = s->index[idx];
		return rc;
	}
	if (f->has_start_time || f->has_end_time) {
		c->mode = SCAN_TIME;
		*dbi = s->index[LQ_IDX_TIME];
		c->key_len = lq_store_index_key_time(f->family, f->has_start_time ? f->start_time
										 : INT64_MIN, c->key);
		c->end_key_len = lq_store_index_key_time(f->family, f->has_end_time ? f->end_time
										    : INT64_MAX, c->end_key);
		return 1;
	}
	c->mode = SCAN_BINDINGS;
	*dbi = s->bindings;
	c->key[0] = f->family;
	c->key_len = 1;
	return 1;
}

int lq_store_cursor_open(struct lq_store_reader *reader, const struct lq_store_filter *filter,
			 struct lq_store_cursor **out)
{
	struct lq_store_cursor *c = calloc(1, sizeof(*c));
	MDB_dbi dbi;
	int rc;

	*out = NULL;
	if (c == NULL)
		return LQ_STORE_ERR_NOMEM;
	c->reader = reader;
	rc = copy_filter(c, filter);
	if (rc == LQ_STORE_OK)
		rc = plan_scan(c, filter, &dbi);
	if (rc < 0) {
		free(c);
		return rc;
	}
	if (rc == 0) {
		/* a filter no binding can match: an exhausted cursor */
		*out = c;
		return LQ_STORE_OK;
	}
	rc = mdb_cursor_open(reader->txn, dbi, &c->cur);
	if (rc != 0) {
		free(c);
		return lq_store_mdb_err(rc);
	}
	*out = c;
	return LQ_STORE_OK;
}

void lq_store_cursor_close(struct lq_store_cursor *cursor)
{
	if (cursor == NULL)
		return;
	if (cursor->cur != NULL)
		mdb_cursor_close(cursor->cur);
	free(cursor);
}

int64_t lq_store_cursor_changed_at(const struct lq_store_cursor *cursor)
{
	return cursor->changed_at;
}

/* Step the LMDB cursor to the next candidate: 1 with k (the scanned key) and
 * v (its data), 0 at the end of the range. */
static int step(struct lq_store_cursor *c, MDB_val *k, MDB_val *v)
{
	int rc;

	if (!c->started) {
		c->started = true;
		k->mv_size = c->key_len;
		k->mv_data = c->key;
		rc = mdb_cursor_get(c->cur, k, v, c->mode == SCAN_INDEX_KEY ? MDB_SET_KEY : MDB_SET_RANGE);
	} else {
		rc = mdb_cursor_get(c->cur, k, v, c->mode == SCAN_INDEX_KEY ? MDB_NEXT_DUP : MDB_NEXT);
	}
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return lq_store_mdb_err(rc);
	if (k->mv_size == 0 || ((const uint8_t *)k->mv_data)[0] != c->filter.family)
		return 0;
	if (c->mode == SCAN_TIME &&
	    (k->mv_size != c->end_key_len || memcmp(k->mv_data, c->end_key, c->end_key_len) > 0))
		return 0;
	/* a key of the family is longer than the family octet and the address */
	if (c->mode == SCAN_RANGE &&
	    (k->mv_size < c->end_key_len || memcmp(k->mv_data, c->end_key, c->end_key_len) > 0))
		return 0;
	return 1;
}

/* k against an encoded key in LMDB's order: octets, then the shorter first. */
static int key_cmp(const MDB_val *k, const uint8_t *key, size_t len)
{
	size_t n = k->mv_size < len ? k->mv_size : len;
	int d = memcmp(k->mv_data, key, n);

	if (d != 0)
		return d;
	return (k->mv_size > len) - (k->mv_size < len);
}

/* Add one to the big-endian number in p[0..n); false when it wraps. */
static bool increment(uint8_t *p, size_t n)
{
	while (n-- > 0) {
		if (++p[n] != 0)
			return true;
	}
	return false;
}

/* step() for SCAN_LINK_RANGE: the next index entry of the current run
 * (then of the next run). In a run of 5-octet keys a longer key
 * [f][a b c d ...] is passed with one seek to [f][a b c d] + 1, over every
 * 17-octet key sharing those octets; in a run of 17-octet keys a 5-octet
 * key is passed with its duplicates. */
static int step_link_range(struct lq_store_cursor *c, MDB_val *k, MDB_val *v)
{
	uint8_t *seek = c->key;   /* not otherwise used in this mode */
	MDB_cursor_op op = MDB_NEXT;
	int rc;

	while (c->run < c->n_runs) {
		const struct link_run *r = &c->runs[c->run];

		if (!c->started) {
			c->started = true;
			k->mv_size = r->len;
			k->mv_data = (void *)r->first;
			op = MDB_SET_RANGE;
		}
		rc = mdb_cursor_get(c->cur, k, v, op);
		op = MDB_NEXT;
		if (rc != 0 && rc != MDB_NOTFOUND)
			return lq_store_mdb_err(rc);
		if (rc == MDB_NOTFOUND || key_cmp(k, r->last, r->len) > 0) {
			c->run++;
			c->started = false;
			continue;
		}
		if (k->mv_size == r->len)
			return 1;
		if (r->len == 5 && k->mv_size > 5) {
			memcpy(seek, k->mv_data, 5);
			if (!increment(seek + 1, 4)) {
				c->run++;
				c->started = false;
				continue;
			}
			k->mv_size = 5;
			k->mv_data = seek;
			op = MDB_SET_RANGE;
		} else {
			op = MDB_NEXT_NODUP;
		}
	}
	return 0;
}

/* Decode the candidate at (k, v) into out. */
static int load_candidate(struct lq_store_cursor *c, const MDB_val *k, const MDB_val *v,
			  struct lq_binding *out)
{
	int rc;

	if (c->mode != SCAN_BINDINGS && c->mode != SCAN_RANGE) {
		/* index entries carry the binding key as their data */
		rc = get_encoded(c->reader, v->mv_data, v->mv_size, out, &c->changed_at);
		return rc == 0 ? LQ_STORE_ERR_CORRUPT : rc;
	}
	rc = lq_store_record_decode(v->mv_data, v->mv_size, out, &c->changed_at);
	if (rc == LQ_STORE_OK)
		rc = lq_store_key_decode(k->mv_data, k->mv_size, &out->key);
	return rc == LQ_STORE_OK ? 1 : rc;
}

int lq_store_cursor_next(struct lq_store_cursor *cursor, struct lq_binding *out)
{
	MDB_val k;
	MDB_val v;
	int rc;

	if (cursor->cur == NULL)
		return 0;
	for (;;) {
		if (cursor->mode == SCAN_LINK_RANGE)
			rc = step_link_range(cursor, &k, &v);
		else
			rc = step(cursor, &k, &v);
		if (rc <= 0)
			return rc;
		rc = load_candidate(cursor, &k, &v, out);
		if (rc < 0)
			return rc;
		if (binding_matches(cursor, out, cursor->changed_at))
			return 1;
	}
}

/* ---- the change history ---- */

struct lq_store_history_cursor {
	MDB_cursor *cur;
	uint64_t first_seq;
	bool started;
};

static int history_entry_at(struct lq_store_reader *r, uint64_t seq,
			    struct lq_store_history_entry *out)
{
	uint8_t key[8];
	MDB_val k = { sizeof(key), key };
	MDB_val v;
	int rc;

	lq_store_put_u64(key, seq);
	rc = mdb_get(r->txn, r->store->history, &k, &v);
	if (rc != 0)
		return lq_store_mdb_err(rc == MDB_NOTFOUND ? MDB_CORRUPTED : rc);
	out->seq = seq;
	return lq_store_history_decode(v.mv_data, v.mv_size, out);
}

static int meta_u64(struct lq_store_reader *r, const char *name, uint64_t dflt, uint64_t *out)
{
	MDB_val k = { strlen(name), (void *)name };
	MDB_val v;
	int rc = mdb_get(r->txn, r->store->meta, &k, &v);

	*out = dflt;
	if (rc == MDB_NOTFOUND)
		return LQ_STORE_OK;
	if (rc != 0)
		return lq_store_mdb_err(rc);
	if (v.mv_size != 8)
		return LQ_STORE_ERR_CORRUPT;
	*out = lq_store_get_u64(v.mv_data);
	return LQ_STORE_OK;
}

static int history_edge_seq(struct lq_store_reader *r, MDB_cursor_op op, uint64_t *seq)
{
	MDB_cursor *cur;
	MDB_val k;
	MDB_val v;
	int rc = mdb_cursor_open(r->txn, r->store->history, &cur);

	if (rc != 0)
		return lq_store_mdb_err(rc);
	rc = mdb_cursor_get(cur, &k, &v, op);
	if (rc == 0 && k.mv_size != 8)
		rc = MDB_CORRUPTED;
	if (rc == 0)
		*seq = lq_store_get_u64(k.mv_data);
	mdb_cursor_close(cur);
	return lq_store_mdb_err(rc);
}

int lq_store_history_bounds(struct lq_store_reader *reader, struct lq_store_history_bounds *out)
{
	struct lq_store_history_entry e = { 0 };
	MDB_stat st;
	uint64_t time;
	int rc = meta_u64(reader, LQ_META_NEXT_SEQ, 1, &out->next_seq);

	if (rc == LQ_STORE_OK)
		rc = meta_u64(reader, LQ_META_HISTORY_TIME, (uint64_t)INT64_MIN, &time);
	if (rc == LQ_STORE_OK)
		rc = lq_store_mdb_err(mdb_stat(reader->txn, reader->store->history, &st));
	if (rc != LQ_STORE_OK)
		return rc;
	out->count = st.ms_entries;
	out->newest_seq = out->next_seq - 1;
	out->newest_time = (int64_t)time;
	out->oldest_seq = out->next_seq;
	out->oldest_time = out->newest_time;
	if (out->count == 0)
		return LQ_STORE_OK;
	rc = history_edge_seq(reader, MDB_FIRST, &out->oldest_seq);
	if (rc == LQ_STORE_OK)
		rc = history_entry_at(reader, out->oldest_seq, &e);
	if (rc == LQ_STORE_OK)
		out->oldest_time = e.time;
	return rc;
}

static int history_open_at(struct lq_store_reader *reader, uint64_t first_seq,
			   struct lq_store_history_cursor **out)
{
	struct lq_store_history_cursor *c = calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (c == NULL)
		return LQ_STORE_ERR_NOMEM;
	c->first_seq = first_seq;
	rc = mdb_cursor_open(reader->txn, reader->store->history, &c->cur);
	if (rc != 0) {
		free(c);
		return lq_store_mdb_err(rc);
	}
	*out = c;
	return LQ_STORE_OK;
}

int lq_store_history_open_seq(struct lq_store_reader *reader, uint64_t after_seq,
			      struct lq_store_history_cursor **out)
{
	return history_open_at(reader, after_seq == UINT64_MAX ? UINT64_MAX : after_seq + 1, out);
}

/* History times never decrease with seq (the writer makes them so): binary
 * search the first seq whose time is >= since_time. */
int lq_store_history_open_time(struct lq_store_reader *reader, int64_t since_time,
			       struct lq_store_history_cursor **out)
{
	struct lq_store_history_bounds b;
	struct lq_store_history_entry e = { 0 };
	uint64_t lo;
	uint64_t hi;
	int rc = lq_store_history_bounds(reader, &b);

	if (rc != LQ_STORE_OK)
		return rc;
	lo = b.oldest_seq;
	hi = b.next_seq;        /* answer in [lo, hi]; hi = none */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		rc = history_entry_at(reader, mid, &e);
		if (rc != LQ_STORE_OK)
			return rc;
		if (e.time >= since_time)
			hi = mid;
		else
			lo = mid + 1;
	}
	return history_open_at(reader, lo, out);
}

int lq_store_history_next(struct lq_store_history_cursor *cursor, struct lq_store_history_entry *out)
{
	uint8_t key[8];
	MDB_val k;
	MDB_val v;
	int rc;

	if (!cursor->started) {
		cursor->started = true;
		lq_store_put_u64(key, cursor->first_seq);
		k.mv_size = sizeof(key);
		k.mv_data = key;
		rc = mdb_cursor_get(cursor->cur, &k, &v, MDB_SET_RANGE);
	} else {
		rc = mdb_cursor_get(cursor->cur, &k, &v, MDB_NEXT);
	}
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return lq_store_mdb_err(rc);
	if (k.mv_size != 8)
		return LQ_STORE_ERR_CORRUPT;
	out->seq = lq_store_get_u64(k.mv_data);
	rc = lq_store_history_decode(v.mv_data, v.mv_size, out);
	return rc == LQ_STORE_OK ? 1 : rc;
}

void lq_store_history_close(struct lq_store_history_cursor *cursor)
{
	if (cursor == NULL)
		return;
	mdb_cursor_close(cursor->cur);
	free(cursor);
}
