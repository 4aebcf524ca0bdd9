/* cursor.c - reading the binding store: snapshot readers (LMDB read
 * transactions), lookups by key and by IPv6 prefix containment, binding
 * cursors for bulk queries over one index, over a range of keys, over a
 * range of link addresses, over everything, client by client (the
 * client-id index read in batches) or over the bindings without a client
 * id, counts of index entries, and the change history cursor for time
 * qualifiers and active catch-up. */
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
	SCAN_CLIENTS,         /* the client-id index: every key of the family */
	SCAN_NO_CLIENT_ID,    /* SCAN_BINDINGS without the records that have a
			       * client-id index entry */
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

struct client_batch;

struct lq_store_cursor {
	struct lq_store_reader *reader;
	MDB_cursor *cur;
	struct client_batch *batch;  /* SCAN_CLIENTS */
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
	if ((f->family != 4 && f->family != 6) || f->by > LQ_STORE_BY_NO_CLIENT_ID ||
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
	if (f->by == LQ_STORE_BY_CLIENTS) {
		c->mode = SCAN_CLIENTS;
		*dbi = s->index[LQ_IDX_CLIENT_ID];
		c->key[0] = f->family;
		c->key_len = 1;
		return 1;
	}
	if (f->by == LQ_STORE_BY_NO_CLIENT_ID) {
		c->mode = SCAN_NO_CLIENT_ID;
		*dbi = s->bindings;
		c->key[0] = f->family;
		c->key_len = 1;
		return 1;
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

static void batch_free(struct client_batch *b);

void lq_store_cursor_close(struct lq_store_cursor *cursor)
{
	if (cursor == NULL)
		return;
	batch_free(cursor->batch);
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

/* lq_store_count over the runs of a SCAN_LINK_RANGE cursor. */
static int count_link_range(struct lq_store_cursor *c, uint64_t limit, uint64_t *count)
{
	MDB_val k, v;
	size_t n;
	int rc;

	for (unsigned i = 0; i < c->n_runs && *count < limit; i++) {
		const struct link_run *r = &c->runs[i];

		k.mv_size = r->len;
		k.mv_data = (void *)r->first;
		rc = mdb_cursor_get(c->cur, &k, &v, MDB_SET_RANGE);
		while (rc == 0 && key_cmp(&k, r->last, r->len) <= 0 && *count < limit) {
			if (k.mv_size == r->len) {
				rc = mdb_cursor_count(c->cur, &n);
				if (rc != 0)
					break;
				*count += n;
			}
			rc = mdb_cursor_get(c->cur, &k, &v, MDB_NEXT_NODUP);
		}
		if (rc != 0 && rc != MDB_NOTFOUND)
			return lq_store_mdb_err(rc);
	}
	return LQ_STORE_OK;
}

int lq_store_count(struct lq_store_reader *reader, const struct lq_store_filter *filter,
		   uint64_t limit, uint64_t *count)
{
	struct lq_store_cursor *c;
	MDB_val k, v;
	size_t n;
	int rc;

	*count = 0;
	if (filter->by < LQ_STORE_BY_HWADDR ||
	    (filter->by > LQ_STORE_BY_SUBNET && filter->by != LQ_STORE_BY_LINK_RANGE))
		return LQ_STORE_ERR_INVALID;
	rc = lq_store_cursor_open(reader, filter, &c);
	if (rc < 0 || c == NULL)
		return rc;
	if (c->cur == NULL) {
		rc = LQ_STORE_OK;       /* a filter no binding can match */
	} else if (c->mode == SCAN_LINK_RANGE) {
		rc = count_link_range(c, limit, count);
	} else {
		k.mv_size = c->key_len;
		k.mv_data = c->key;
		rc = mdb_cursor_get(c->cur, &k, &v, MDB_SET_KEY);
		if (rc == 0)
			rc = mdb_cursor_count(c->cur, &n);
		if (rc == 0)
			*count = n;
		rc = rc == MDB_NOTFOUND ? LQ_STORE_OK : lq_store_mdb_err(rc);
	}
	lq_store_cursor_close(c);
	if (*count > limit)
		*count = limit;
	return rc;
}

/* Decode the candidate at (k, v) into out. */
static int load_candidate(struct lq_store_cursor *c, const MDB_val *k, const MDB_val *v,
			  struct lq_binding *out)
{
	int rc;

	if (c->mode != SCAN_BINDINGS && c->mode != SCAN_RANGE && c->mode != SCAN_NO_CLIENT_ID) {
		/* index entries carry the binding key as their data */
		rc = get_encoded(c->reader, v->mv_data, v->mv_size, out, &c->changed_at);
		return rc == 0 ? LQ_STORE_ERR_CORRUPT : rc;
	}
	rc = lq_store_record_decode(v->mv_data, v->mv_size, out, &c->changed_at);
	if (rc == LQ_STORE_OK)
		rc = lq_store_key_decode(k->mv_data, k->mv_size, &out->key);
	return rc == LQ_STORE_OK ? 1 : rc;
}

/* ---- SCAN_CLIENTS: the client-id index read in batches ----
 *
 * Reading the binding of each index entry with its own lookup (as the
 * other index cursors do) would descend the bindings tree at a random key
 * per binding: on a store much larger than the CPU caches, a chain of
 * dependent cache and TLB misses, about 0.8 us a binding on the machine
 * of BENCHMARKS.md, several times everything else done with it. Instead
 * the entries are read a batch at a time (at most lq_store_client_batch_max
 * of 48 octets: 12 MiB, whatever the size of the store), their binding
 * keys sorted (a radix sort), and the bindings found in key order with
 * one cursor: a step when the next key wanted is the next binding, else a
 * seek. In key order a seek costs little more than a step (LMDB looks at
 * the cursor's page first, the upper pages of the tree stay in cache);
 * one step before seeking measured as good as or better than more, at
 * every batch density. Then the batch is handed out in index order, the
 * records a few entries ahead prefetched so that their cache misses
 * overlap. The views into the snapshot stay valid until the read
 * transaction ends: a batch keeps pointers, not copies. The cost grows
 * with the number of batches (seeks get sparser against the store): a
 * whole DHCPv6 link :: query of a million bindings took 0.45 s of CPU in
 * four batches, 0.31 s in one, 1.1-1.2 s with a lookup per binding. */

size_t lq_store_client_batch_max = LQ_STORE_CLIENT_BATCH_MAX;

#define BATCH_STEPS 1                 /* steps before a seek */
#define BATCH_AHEAD 8                 /* records prefetched ahead of decoding */

/* A binding key as sortable integers: the octets after the family, zero
 * padded (hi, lo, then the 17th octet and the length in tail): their order
 * is LMDB's (octets, then the shorter first). */
struct batch_key {
	uint64_t hi, lo;
	uint32_t tail;
	uint32_t at;          /* the entry's place in the batch (index order) */
};

/* An entry, in index order: where its binding is (NULL: not found). */
struct batch_slot {
	const uint8_t *key;
	const uint8_t *rec;
	uint32_t key_len, rec_len;
};

/* The batch's two arrays take turns: the index entries are read into
 * one, sorted with the other as scratch, then found into the other (as
 * slots) while the first holds them sorted. */
union batch_item {
	struct batch_key key;
	struct batch_slot slot;
};

struct client_batch {
	MDB_cursor *bindings;
	union batch_item *keys, *slots;
	size_t cap, n, next;
	bool index_started, index_done;
};

static void batch_free(struct client_batch *b)
{
	if (b == NULL)
		return;
	if (b->bindings != NULL)
		mdb_cursor_close(b->bindings);
	free(b->keys);
	free(b->slots);
	free(b);
}

static uint64_t load_be(const uint8_t *p, size_t avail)
{
	uint64_t v = 0;

	for (size_t i = 0; i < 8; i++)
		v = v << 8 | (i < avail ? p[i] : 0);
	return v;
}

/* The sortable form of an encoded key of at most LQ_STORE_KEY_MAX octets. */
static void batch_key_of(const uint8_t *key, size_t len, struct batch_key *out)
{
	size_t rest = len - 1;        /* after the family */
	const uint8_t *p = key + 1;

	out->hi = load_be(p, rest);
	out->lo = rest > 8 ? load_be(p + 8, rest - 8) : 0;
	out->tail = (uint32_t)(rest > 16 ? p[16] : 0) << 8 | (uint32_t)len;
}

static int batch_key_cmp(const struct batch_key *a, const struct batch_key *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return (a->tail > b->tail) - (a->tail < b->tail);
}

/* The octet d of a key's sortable form, from the least significant: tail
 * (4 octets), lo (8), hi (8). */
static unsigned batch_digit(const struct batch_key *k, unsigned d)
{
	if (d < 4)
		return (k->tail >> (8 * d)) & 0xff;
	if (d < 12)
		return (unsigned)(k->lo >> (8 * (d - 4))) & 0xff;
	return (unsigned)(k->hi >> (8 * (d - 12))) & 0xff;
}

/* Sort keys[0..n) (a least significant digit radix sort over the octets
 * that differ among them, slots as scratch); stable, so equal keys keep
 * their index order. */
static void batch_sort(struct client_batch *b)
{
	static const unsigned digits = 20;
	union batch_item *from = b->keys, *to = b->slots;
	uint32_t t_or = 0, t_and = UINT32_MAX;
	uint64_t lo_or = 0, lo_and = UINT64_MAX, hi_or = 0, hi_and = UINT64_MAX;
	size_t count[256];

	for (size_t i = 0; i < b->n; i++) {
		t_or |= from[i].key.tail;
		t_and &= from[i].key.tail;
		lo_or |= from[i].key.lo;
		lo_and &= from[i].key.lo;
		hi_or |= from[i].key.hi;
		hi_and &= from[i].key.hi;
	}
	for (unsigned d = 0; d < digits; d++) {
		struct batch_key differ = { hi_or ^ hi_and, lo_or ^ lo_and, t_or ^ t_and, 0 };
		size_t sum = 0;

		if (batch_digit(&differ, d) == 0)
			continue;
		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < b->n; i++)
			count[batch_digit(&from[i].key, d)]++;
		for (size_t i = 0; i < 256; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (size_t i = 0; i < b->n; i++)
			to[count[batch_digit(&from[i].key, d)]++] = from[i];
		union batch_item *t = from;
		from = to;
		to = t;
	}
	b->keys = from;
	b->slots = to;
}

/* Read the next batch of index entries of the family into keys (and
 * their order into slots): 0 when the index has no more. */
static int batch_read_index(struct lq_store_cursor *c, struct client_batch *b)
{
	MDB_val k, v;
	int rc;

	b->n = b->next = 0;
	while (!b->index_done && b->n < b->cap) {
		if (!b->index_started) {
			b->index_started = true;
			k.mv_size = c->key_len;
			k.mv_data = c->key;
			rc = mdb_cursor_get(c->cur, &k, &v, MDB_SET_RANGE);
		} else {
			rc = mdb_cursor_get(c->cur, &k, &v, MDB_NEXT);
		}
		if (rc != 0 && rc != MDB_NOTFOUND)
			return lq_store_mdb_err(rc);
		if (rc == MDB_NOTFOUND || k.mv_size == 0 ||
		    ((const uint8_t *)k.mv_data)[0] != c->filter.family) {
			b->index_done = true;
			break;
		}
		/* an index entry's data is a binding key */
		if (v.mv_size < 2 || v.mv_size > LQ_STORE_KEY_MAX ||
		    ((const uint8_t *)v.mv_data)[0] != c->filter.family)
			return LQ_STORE_ERR_CORRUPT;
		batch_key_of(v.mv_data, v.mv_size, &b->keys[b->n].key);
		b->keys[b->n].key.at = (uint32_t)b->n;
		b->n++;
	}
	return b->n > 0;
}

/* Position the bindings cursor at the first key >= want: 1, or 0 when
 * there is none of the family. */
static int batch_seek(struct lq_store_cursor *c, struct client_batch *b,
		      const struct batch_key *want, MDB_val *k, MDB_val *v)
{
	uint8_t key[LQ_STORE_KEY_MAX + 8];
	size_t len = want->tail & 0xff;
	int rc;

	key[0] = c->filter.family;
	for (size_t i = 0; i < 8; i++) {
		key[1 + i] = (uint8_t)(want->hi >> (56 - 8 * i));
		key[9 + i] = (uint8_t)(want->lo >> (56 - 8 * i));
	}
	key[17] = (uint8_t)(want->tail >> 8);
	k->mv_size = len;
	k->mv_data = key;
	rc = mdb_cursor_get(b->bindings, k, v, MDB_SET_RANGE);
	if (rc == MDB_NOTFOUND)
		return 0;
	return rc == 0 ? 1 : lq_store_mdb_err(rc);
}

/* Is the bindings cursor on a key of the family? Its sortable form in *at. */
static bool batch_here(const struct lq_store_cursor *c, const MDB_val *k, struct batch_key *at)
{
	if (k->mv_size < 2 || k->mv_size > LQ_STORE_KEY_MAX ||
	    ((const uint8_t *)k->mv_data)[0] != c->filter.family)
		return false;
	batch_key_of(k->mv_data, k->mv_size, at);
	return true;
}

/* Find the bindings of the batch's keys (sorted): one walk in key order. */
static int batch_find(struct lq_store_cursor *c, struct client_batch *b)
{
	MDB_val k, v;
	struct batch_key here;
	bool on = false;          /* the cursor is on a binding of the family */
	bool seek = true;
	int rc;

	for (size_t i = 0; i < b->n; i++) {
		const struct batch_key *want = &b->keys[i].key;
		struct batch_slot *slot = &b->slots[want->at].slot;
		unsigned steps = 0;

		slot->rec = NULL;
		if (i > 0 && batch_key_cmp(want, &b->keys[i - 1].key) == 0) {
			*slot = b->slots[b->keys[i - 1].key.at].slot;
			continue;
		}
		for (;;) {
			if (seek) {
				seek = false;
				rc = batch_seek(c, b, want, &k, &v);
				if (rc < 0)
					return rc;
				on = rc == 1 && batch_here(c, &k, &here);
			}
			if (!on)
				break;
			int d = batch_key_cmp(&here, want);
			if (d > 0)
				break;          /* not stored: an index without its binding */
			if (d == 0) {
				slot->key = k.mv_data;
				slot->key_len = (uint32_t)k.mv_size;
				slot->rec = v.mv_data;
				slot->rec_len = (uint32_t)v.mv_size;
				break;
			}
			if (++steps > BATCH_STEPS) {
				seek = true;
				continue;
			}
			rc = mdb_cursor_get(b->bindings, &k, &v, MDB_NEXT);
			if (rc != 0 && rc != MDB_NOTFOUND)
				return lq_store_mdb_err(rc);
			on = rc == 0 && batch_here(c, &k, &here);
		}
	}
	return LQ_STORE_OK;
}

static int batch_open(struct lq_store_cursor *c)
{
	struct client_batch *b = calloc(1, sizeof(*b));
	MDB_stat st;
	int rc;

	if (b == NULL)
		return LQ_STORE_ERR_NOMEM;
	c->batch = b;
	/* no larger than the index (both families): small stores, small batches */
	rc = mdb_stat(c->reader->txn, c->reader->store->index[LQ_IDX_CLIENT_ID], &st);
	if (rc != 0)
		return lq_store_mdb_err(rc);
	b->cap = lq_store_client_batch_max;
	if (st.ms_entries < b->cap)
		b->cap = (size_t)st.ms_entries;
	if (b->cap == 0)
		b->cap = 1;
	b->keys = malloc(b->cap * sizeof(*b->keys));
	b->slots = malloc(b->cap * sizeof(*b->slots));
	if (b->keys == NULL || b->slots == NULL)
		return LQ_STORE_ERR_NOMEM;
	return lq_store_mdb_err(mdb_cursor_open(c->reader->txn, c->reader->store->bindings,
						&b->bindings));
}

/* lq_store_cursor_next for SCAN_CLIENTS. */
static int batch_next(struct lq_store_cursor *c, struct lq_binding *out)
{
	struct client_batch *b = c->batch;
	int rc;

	if (b == NULL) {
		rc = batch_open(c);
		if (rc < 0)
			return rc;
		b = c->batch;
	}
	for (;;) {
		const struct batch_slot *slot;

		if (b->next == b->n) {
			rc = batch_read_index(c, b);
			if (rc <= 0)
				return rc;
			batch_sort(b);
			rc = batch_find(c, b);
			if (rc < 0)
				return rc;
		}
		/* the records are read in index order, scattered over the
		 * bindings: ask for those a few entries ahead now, so that
		 * their cache misses overlap */
		if (b->next + BATCH_AHEAD < b->n) {
			const struct batch_slot *ahead = &b->slots[b->next + BATCH_AHEAD].slot;

			if (ahead->rec != NULL) {
				/* the node: its header and key, then the record */
				__builtin_prefetch(ahead->key);
				for (uint32_t at = 64; at < ahead->rec_len + 8 && at < 256; at += 64)
					__builtin_prefetch(ahead->rec + at - 8);
			}
		}
		slot = &b->slots[b->next++].slot;
		if (slot->rec == NULL)
			return LQ_STORE_ERR_CORRUPT;
		rc = lq_store_record_decode(slot->rec, slot->rec_len, out, &c->changed_at);
		if (rc == LQ_STORE_OK)
			rc = lq_store_key_decode(slot->key, slot->key_len, &out->key);
		if (rc < 0)
			return rc;
		if (binding_matches(c, out, c->changed_at))
			return 1;
	}
}

int lq_store_cursor_next(struct lq_store_cursor *cursor, struct lq_binding *out)
{
	MDB_val k;
	MDB_val v;
	int rc;

	if (cursor->cur == NULL)
		return 0;
	if (cursor->mode == SCAN_CLIENTS)
		return batch_next(cursor, out);
	for (;;) {
		if (cursor->mode == SCAN_LINK_RANGE)
			rc = step_link_range(cursor, &k, &v);
		else
			rc = step(cursor, &k, &v);
		if (rc <= 0)
			return rc;
		if (cursor->mode == SCAN_NO_CLIENT_ID &&
		    lq_store_record_client_id_indexed(v.mv_data, v.mv_size) == 1)
			continue;
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
