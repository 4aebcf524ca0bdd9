/* store.c - opening the LMDB environment of the binding store and writing to
 * it: a batch of binding changes, their secondary index entries, their
 * change history entries (pruned to the limit) and the source position all
 * go into one write transaction, so a crash at any moment leaves either the
 * whole batch or none of it. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store_impl.h"

static const char *const index_names[LQ_IDX_COUNT] = {
	[LQ_IDX_HWADDR] = "idx-hwaddr",
	[LQ_IDX_CLIENT_ID] = "idx-client-id",
	[LQ_IDX_REMOTE_ID] = "idx-remote-id",
	[LQ_IDX_RELAY_ID] = "idx-relay-id",
	[LQ_IDX_LINK] = "idx-link",
	[LQ_IDX_VPN] = "idx-vpn",
	[LQ_IDX_SUBNET] = "idx-subnet",
	[LQ_IDX_TIME] = "idx-time",
};

const char *lq_store_strerror(int err)
{
	switch (err) {
	case LQ_STORE_OK: return "success";
	case LQ_STORE_ERR_IO: return "store I/O error";
	case LQ_STORE_ERR_CORRUPT: return "store record is corrupt";
	case LQ_STORE_ERR_FULL: return "store map size reached";
	case LQ_STORE_ERR_INVALID: return "invalid argument to the store";
	case LQ_STORE_ERR_READONLY: return "store is read-only";
	case LQ_STORE_ERR_NOMEM: return "out of memory";
	case LQ_STORE_ERR_VERSION: return "store format version not supported";
	case LQ_STORE_ERR_READERS: return "too many store readers";
	case LQ_STORE_ERR_NOT_FOUND: return "store does not exist";
	default: return err > 0 ? "success" : "unknown store error";
	}
}

int lq_store_mdb_err(int rc)
{
	switch (rc) {
	case MDB_SUCCESS: return LQ_STORE_OK;
	case MDB_MAP_FULL: return LQ_STORE_ERR_FULL;
	case MDB_READERS_FULL: return LQ_STORE_ERR_READERS;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INCOMPATIBLE:
	case MDB_BAD_VALSIZE: return LQ_STORE_ERR_CORRUPT;
	case MDB_VERSION_MISMATCH:
	case MDB_INVALID: return LQ_STORE_ERR_VERSION;
	case ENOMEM: return LQ_STORE_ERR_NOMEM;
	case EACCES: return LQ_STORE_ERR_READONLY;
	case ENOENT: return LQ_STORE_ERR_NOT_FOUND;
	default: return LQ_STORE_ERR_IO;
	}
}

/* ---- opening ---- */

/* Ask the kernel to read the used part of the file into the page cache in
 * the background: the first queries after a (re)start then find their
 * pages without waiting for the disk page by page. */
static void warm_cache(struct lq_store *s)
{
	MDB_envinfo info;
	MDB_stat st;
	mdb_filehandle_t fd;

	if (mdb_env_info(s->env, &info) == 0 && mdb_env_stat(s->env, &st) == 0 &&
	    mdb_env_get_fd(s->env, &fd) == 0)
		posix_fadvise(fd, 0, (off_t)((info.me_last_pgno + 1) * (uint64_t)st.ms_psize),
			      POSIX_FADV_WILLNEED);
}

static int open_env(struct lq_store *s, const char *path, const struct lq_store_options *o)
{
	unsigned flags = MDB_NOTLS;
	int rc;

	if (o->read_only)
		flags |= MDB_RDONLY;
	else if (!o->no_write_map)
		flags |= MDB_WRITEMAP;    /* writes in place: 2-3x faster loads */
	if (o->no_sync)
		flags |= MDB_NOSYNC;
	/* no read-around on page faults: a large load touches page after new
	 * page, and the kernel's read-around zeroed megabytes of file holes
	 * ahead on each (a fifth of a v6 load's time); warm_cache reads the
	 * store in instead */
	flags |= MDB_NORDAHEAD;
	rc = mdb_env_create(&s->env);
	if (rc == 0)
		rc = mdb_env_set_mapsize(s->env, o->map_size ? o->map_size : LQ_STORE_DEFAULT_MAP_SIZE);
	if (rc == 0)
		rc = mdb_env_set_maxdbs(s->env, 4 + LQ_IDX_COUNT);
	if (rc == 0)
		rc = mdb_env_set_maxreaders(s->env, o->max_readers ? o->max_readers
								   : LQ_STORE_DEFAULT_MAX_READERS);
	if (rc == 0)
		rc = mdb_env_open(s->env, path, flags, 0600);
	if (rc == 0)
		warm_cache(s);
	if (rc == 0 && !o->read_only) {
		int dead;

		/* free the reader slots of processes that died holding a snapshot */
		rc = mdb_reader_check(s->env, &dead);
	}
	return lq_store_mdb_err(rc);
}

/* LMDB's default order (octets, then the shorter first) without a call to
 * memcmp per comparison: keys and binding keys are short, and a large load
 * compares them tens of millions of times. Eight octets at a time, as big
 * endian integers. */
static uint64_t load_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static int compare_octets(const MDB_val *a, const MDB_val *b)
{
	const uint8_t *x = a->mv_data, *y = b->mv_data;
	size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t u = load_be64(x + i), v = load_be64(y + i);
		if (u != v)
			return u < v ? -1 : 1;
	}
	for (; i < n; i++) {
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	}
	return a->mv_size < b->mv_size ? -1 : a->mv_size > b->mv_size;
}

static int open_dbi(MDB_txn *txn, const char *name, unsigned flags, bool create, MDB_dbi *out)
{
	return lq_store_mdb_err(mdb_dbi_open(txn, name, flags | (create ? MDB_CREATE : 0), out));
}

static int open_all_dbis(struct lq_store *s, MDB_txn *txn)
{
	bool create = !s->read_only;
	int rc = open_dbi(txn, "bindings", 0, create, &s->bindings);

	if (rc == 0)
		rc = open_dbi(txn, "meta", 0, create, &s->meta);
	if (rc == 0)
		rc = open_dbi(txn, "sources", 0, create, &s->sources);
	if (rc == 0)
		rc = open_dbi(txn, "history", 0, create, &s->history);
	for (int i = 0; rc == 0 && i < LQ_IDX_COUNT; i++)
		rc = open_dbi(txn, index_names[i], MDB_DUPSORT | MDB_DUPFIXED, create, &s->index[i]);
	/* the same order as LMDB's default, faster: other programs may open
	 * the store without it */
	for (int i = 0; rc == 0 && i < LQ_IDX_COUNT; i++) {
		rc = mdb_set_compare(txn, s->index[i], compare_octets);
		if (rc == 0)
			rc = mdb_set_dupsort(txn, s->index[i], compare_octets);
	}
	if (rc == 0)
		rc = mdb_set_compare(txn, s->bindings, compare_octets);
	return rc;
}

/* A new store gets the format version; an existing one must carry ours. */
static int check_format(struct lq_store *s, MDB_txn *txn)
{
	MDB_val key = { sizeof(LQ_META_FORMAT) - 1, (void *)LQ_META_FORMAT };
	MDB_val val;
	uint8_t buf[8];
	int rc = mdb_get(txn, s->meta, &key, &val);

	if (rc == MDB_NOTFOUND) {
		if (s->read_only)
			return LQ_STORE_ERR_NOT_FOUND;
		lq_store_put_u64(buf, LQ_STORE_FORMAT);
		val.mv_size = sizeof(buf);
		val.mv_data = buf;
		return lq_store_mdb_err(mdb_put(txn, s->meta, &key, &val, 0));
	}
	if (rc != 0)
		return lq_store_mdb_err(rc);
	if (val.mv_size != 8 || lq_store_get_u64(val.mv_data) != LQ_STORE_FORMAT)
		return LQ_STORE_ERR_VERSION;
	return LQ_STORE_OK;
}

static int open_databases(struct lq_store *s)
{
	MDB_txn *txn;
	int rc = lq_store_mdb_err(mdb_txn_begin(s->env, NULL, s->read_only ? MDB_RDONLY : 0, &txn));

	if (rc != 0)
		return rc;
	rc = open_all_dbis(s, txn);
	if (rc == LQ_STORE_OK)
		rc = check_format(s, txn);
	if (rc == LQ_STORE_OK)
		return lq_store_mdb_err(mdb_txn_commit(txn));
	mdb_txn_abort(txn);
	return rc == LQ_STORE_ERR_IO && s->read_only ? LQ_STORE_ERR_NOT_FOUND : rc;
}

static int ensure_directory(const char *path, bool read_only)
{
	struct stat st;

	if (stat(path, &st) == 0)
		return S_ISDIR(st.st_mode) ? LQ_STORE_OK : LQ_STORE_ERR_INVALID;
	if (read_only)
		return LQ_STORE_ERR_NOT_FOUND;
	return mkdir(path, 0700) == 0 ? LQ_STORE_OK : LQ_STORE_ERR_IO;
}

int lq_store_open(struct lq_store **out, const char *path, const struct lq_store_options *options)
{
	static const struct lq_store_options defaults;
	const struct lq_store_options *o = options ? options : &defaults;
	struct lq_store *s;
	int rc;

	*out = NULL;
	if (path == NULL)
		return LQ_STORE_ERR_INVALID;
	rc = ensure_directory(path, o->read_only);
	if (rc != 0)
		return rc;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return LQ_STORE_ERR_NOMEM;
	s->read_only = o->read_only;
	s->history_limit = o->history_limit ? o->history_limit : LQ_STORE_DEFAULT_HISTORY;
	pthread_mutex_init(&s->load_lock, NULL);
	rc = open_env(s, path, o);
	if (rc == LQ_STORE_OK)
		rc = open_databases(s);
	if (rc != LQ_STORE_OK) {
		lq_store_close(s);
		return rc;
	}
	*out = s;
	return LQ_STORE_OK;
}

void lq_store_close(struct lq_store *store)
{
	if (store == NULL)
		return;
	if (store->loading)
		lq_store_load_end(store, false);
	if (store->env != NULL)
		mdb_env_close(store->env);
	pthread_mutex_destroy(&store->load_lock);
	free(store);
}

int lq_store_sync(struct lq_store *store)
{
	if (store->read_only)
		return LQ_STORE_OK;
	return lq_store_mdb_err(mdb_env_sync(store->env, 1));
}

/* ---- the write transaction ---- */

struct apply_ctx {
	struct lq_store *store;
	MDB_txn *txn;
	int64_t now;
	int64_t history_time;
	uint64_t next_seq;
	int64_t plen_delta[LQ_STORE_PLEN_COUNT];
	bool plen_changed;
	struct lq_store_index_ops index_ops;
};

/* The index keys of one binding, copied out of LMDB's pages (which a write
 * may move). */
struct index_keys {
	uint8_t key[LQ_IDX_COUNT][LQ_STORE_INDEX_KEY_MAX];
	size_t len[LQ_IDX_COUNT];
};

static MDB_val meta_key(const char *name)
{
	MDB_val k = { strlen(name), (void *)name };

	return k;
}

static int meta_get_u64(struct apply_ctx *c, const char *name, uint64_t *out, uint64_t dflt)
{
	MDB_val k = meta_key(name);
	MDB_val v;
	int rc = mdb_get(c->txn, c->store->meta, &k, &v);

	if (rc == MDB_NOTFOUND) {
		*out = dflt;
		return LQ_STORE_OK;
	}
	if (rc != 0)
		return lq_store_mdb_err(rc);
	if (v.mv_size != 8)
		return LQ_STORE_ERR_CORRUPT;
	*out = lq_store_get_u64(v.mv_data);
	return LQ_STORE_OK;
}

static int meta_put_u64(struct apply_ctx *c, const char *name, uint64_t value)
{
	MDB_val k = meta_key(name);
	uint8_t buf[8];
	MDB_val v = { sizeof(buf), buf };

	lq_store_put_u64(buf, value);
	return lq_store_mdb_err(mdb_put(c->txn, c->store->meta, &k, &v, 0));
}

static void compute_index_keys(const struct lq_binding *b, int64_t changed_at, struct index_keys *out)
{
	for (int i = 0; i < LQ_IDX_COUNT; i++)
		out->len[i] = lq_store_index_key((enum lq_store_index)i, b, changed_at, out->key[i]);
}

static bool index_key_equal(const struct index_keys *a, const struct index_keys *b, int i)
{
	return a->len[i] == b->len[i] && memcmp(a->key[i], b->key[i], a->len[i]) == 0;
}

/* Move the index entries of binding bkey from old (may be NULL) to new (may
 * be NULL), touching only the indexes whose key changed. */
static int update_indexes(struct apply_ctx *c, MDB_val *bkey, const struct index_keys *old,
			  const struct index_keys *new)
{
	int rc = LQ_STORE_OK;

	for (int i = 0; rc == LQ_STORE_OK && i < LQ_IDX_COUNT; i++) {
		if (old && new && index_key_equal(old, new, i))
			continue;
		if (old && old->len[i] > 0)
			rc = lq_store_index_ops_push(&c->index_ops, i, true, old->key[i], old->len[i], bkey);
		if (rc == LQ_STORE_OK && new && new->len[i] > 0)
			rc = lq_store_index_ops_push(&c->index_ops, i, false, new->key[i], new->len[i], bkey);
	}
	return rc;
}

/* The index keys of the stored record v of bkey. */
static int old_index_keys(const MDB_val *bkey, const MDB_val *v, struct index_keys *old)
{
	struct lq_binding b;
	int64_t changed_at;
	int rc = lq_store_record_decode(v->mv_data, v->mv_size, &b, &changed_at);

	if (rc == LQ_STORE_OK)
		rc = lq_store_key_decode(bkey->mv_data, bkey->mv_size, &b.key);
	if (rc == LQ_STORE_OK)
		compute_index_keys(&b, changed_at, old);
	return rc;
}

/* Read the stored binding of bkey (if any) and compute its index keys. */
static int load_old(struct apply_ctx *c, MDB_val *bkey, struct index_keys *old, bool *found)
{
	MDB_val v;
	int rc = mdb_get(c->txn, c->store->bindings, bkey, &v);

	*found = false;
	if (rc == MDB_NOTFOUND)
		return LQ_STORE_OK;
	if (rc != 0)
		return lq_store_mdb_err(rc);
	rc = old_index_keys(bkey, &v, old);
	*found = rc == LQ_STORE_OK;
	return rc;
}

static int put_binding(struct apply_ctx *c, MDB_val *bkey, const struct lq_binding *b,
		       struct index_keys *old, bool *found)
{
	uint8_t record[LQ_STORE_RECORD_MAX];
	MDB_val v = { 0, record };
	MDB_val existing;
	int rc = lq_store_record_encode(b, c->now, record, sizeof(record), &v.mv_size);

	*found = false;
	if (rc != LQ_STORE_OK)
		return rc;
	existing = v;
	rc = mdb_put(c->txn, c->store->bindings, bkey, &existing, MDB_NOOVERWRITE);
	if (rc != MDB_KEYEXIST)
		return lq_store_mdb_err(rc);
	rc = old_index_keys(bkey, &existing, old);
	if (rc != LQ_STORE_OK)
		return rc;
	*found = true;
	return lq_store_mdb_err(mdb_put(c->txn, c->store->bindings, bkey, &v, 0));
}

static int append_history(struct apply_ctx *c, uint8_t op, const MDB_val *bkey)
{
	uint8_t seq[8];
	uint8_t entry[LQ_STORE_HISTORY_MAX];
	MDB_val k = { sizeof(seq), seq };
	MDB_val v = { 0, entry };

	lq_store_put_u64(seq, c->next_seq++);
	v.mv_size = lq_store_history_encode(c->history_time, op, bkey->mv_data, bkey->mv_size, entry);
	return lq_store_mdb_err(mdb_put(c->txn, c->store->history, &k, &v, MDB_APPEND));
}

static void count_prefix(struct apply_ctx *c, const struct lq_binding_key *key, int delta)
{
	if (key->family != 6)
		return;
	c->plen_delta[key->prefix_len] += delta;
	c->plen_changed = true;
}

static int apply_upsert(struct apply_ctx *c, MDB_val *bkey, const struct lq_binding *b)
{
	struct index_keys old;
	struct index_keys new;
	bool found;
	int rc = put_binding(c, bkey, b, &old, &found);

	if (rc != LQ_STORE_OK)
		return rc;
	compute_index_keys(b, c->now, &new);
	if (!found)
		count_prefix(c, &b->key, 1);
	return update_indexes(c, bkey, found ? &old : NULL, &new);
}

static int apply_delete(struct apply_ctx *c, MDB_val *bkey, const struct lq_binding_key *key)
{
	struct index_keys old;
	bool found;
	int rc = load_old(c, bkey, &old, &found);

	if (rc != LQ_STORE_OK || !found)
		return rc;
	rc = lq_store_mdb_err(mdb_del(c->txn, c->store->bindings, bkey, NULL));
	if (rc != LQ_STORE_OK)
		return rc;
	count_prefix(c, key, -1);
	return update_indexes(c, bkey, &old, NULL);
}

static int apply_change(struct apply_ctx *c, const struct lq_binding_change *change)
{
	uint8_t key[LQ_STORE_KEY_MAX];
	MDB_val bkey = { 0, key };
	int rc;

	bkey.mv_size = lq_store_key_encode(&change->binding.key, key);
	if (bkey.mv_size == 0)
		return LQ_STORE_ERR_INVALID;
	if (change->op == LQ_CHANGE_UPSERT) {
		struct lq_binding b = change->binding;

		/* index keys and the prefix count use the canonical key */
		rc = lq_store_key_decode(key, bkey.mv_size, &b.key);
		if (rc == LQ_STORE_OK)
			rc = apply_upsert(c, &bkey, &b);
	} else if (change->op == LQ_CHANGE_DELETE) {
		rc = apply_delete(c, &bkey, &change->binding.key);
	} else {
		rc = LQ_STORE_ERR_INVALID;
	}
	if (rc == LQ_STORE_OK)
		rc = append_history(c, change->op, &bkey);
	return rc;
}

static int prune_history(struct apply_ctx *c)
{
	MDB_stat st;
	MDB_cursor *cur;
	MDB_val k;
	MDB_val v;
	int rc = mdb_stat(c->txn, c->store->history, &st);
	uint64_t excess;

	if (rc != 0 || st.ms_entries <= c->store->history_limit)
		return lq_store_mdb_err(rc);
	excess = st.ms_entries - c->store->history_limit;
	rc = mdb_cursor_open(c->txn, c->store->history, &cur);
	if (rc != 0)
		return lq_store_mdb_err(rc);
	while (rc == 0 && excess-- > 0) {
		rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
		if (rc == 0)
			rc = mdb_cursor_del(cur, 0);
	}
	mdb_cursor_close(cur);
	return lq_store_mdb_err(rc);
}

static int load_plen_counts(struct apply_ctx *c, uint64_t counts[LQ_STORE_PLEN_COUNT])
{
	MDB_val k = meta_key(LQ_META_PLEN6);
	MDB_val v;
	int rc = mdb_get(c->txn, c->store->meta, &k, &v);

	memset(counts, 0, sizeof(uint64_t) * LQ_STORE_PLEN_COUNT);
	if (rc == MDB_NOTFOUND)
		return LQ_STORE_OK;
	if (rc != 0)
		return lq_store_mdb_err(rc);
	if (v.mv_size != (size_t)8 * LQ_STORE_PLEN_COUNT)
		return LQ_STORE_ERR_CORRUPT;
	for (size_t i = 0; i < LQ_STORE_PLEN_COUNT; i++)
		counts[i] = lq_store_get_u64((const uint8_t *)v.mv_data + 8 * i);
	return LQ_STORE_OK;
}

static int save_plen_counts(struct apply_ctx *c)
{
	uint64_t counts[LQ_STORE_PLEN_COUNT];
	uint8_t buf[8 * LQ_STORE_PLEN_COUNT];
	MDB_val k = meta_key(LQ_META_PLEN6);
	MDB_val v = { sizeof(buf), buf };
	int rc;

	if (!c->plen_changed)
		return LQ_STORE_OK;
	rc = load_plen_counts(c, counts);
	if (rc != LQ_STORE_OK)
		return rc;
	for (size_t i = 0; i < LQ_STORE_PLEN_COUNT; i++)
		lq_store_put_u64(buf + 8 * i, counts[i] + (uint64_t)c->plen_delta[i]);
	return lq_store_mdb_err(mdb_put(c->txn, c->store->meta, &k, &v, 0));
}

static int put_source_pos(struct apply_ctx *c, const struct lq_store_source_pos *pos)
{
	MDB_val k = { strlen(pos->name), (void *)pos->name };
	MDB_val v = { pos->data.len, (void *)pos->data.data };

	return lq_store_mdb_err(mdb_put(c->txn, c->store->sources, &k, &v, 0));
}

static bool source_pos_valid(const struct lq_store_source_pos *pos)
{
	size_t name_len;

	if (pos == NULL)
		return true;
	if (pos->name == NULL)
		return false;
	name_len = strlen(pos->name);
	return name_len > 0 && name_len <= LQ_STORE_SOURCE_NAME_MAX &&
	       pos->data.len <= LQ_STORE_SOURCE_POS_MAX &&
	       (pos->data.len == 0 || pos->data.data != NULL);
}

static int begin_batch(struct apply_ctx *c)
{
	uint64_t history_time = 0;
	int rc = meta_get_u64(c, LQ_META_NEXT_SEQ, &c->next_seq, 1);

	if (rc == LQ_STORE_OK)
		rc = meta_get_u64(c, LQ_META_HISTORY_TIME, &history_time, (uint64_t)INT64_MIN);
	if (rc != LQ_STORE_OK)
		return rc;
	/* history times never go backwards, so they can be searched by seq */
	c->history_time = (int64_t)history_time > c->now ? (int64_t)history_time : c->now;
	return LQ_STORE_OK;
}

static int finish_batch(struct apply_ctx *c, size_t n, const struct lq_store_source_pos *pos)
{
	int rc = LQ_STORE_OK;

	if (n > 0) {
		rc = lq_store_index_ops_apply(c->txn, c->store, &c->index_ops);
		if (rc == LQ_STORE_OK)
			rc = prune_history(c);
		if (rc == LQ_STORE_OK)
			rc = meta_put_u64(c, LQ_META_NEXT_SEQ, c->next_seq);
		if (rc == LQ_STORE_OK)
			rc = meta_put_u64(c, LQ_META_HISTORY_TIME, (uint64_t)c->history_time);
		if (rc == LQ_STORE_OK)
			rc = save_plen_counts(c);
	}
	if (rc == LQ_STORE_OK && pos != NULL)
		rc = put_source_pos(c, pos);
	return rc;
}

/* The write transaction an apply of this thread uses: the open load's
 * (*in_load set), or a new one. Fails with the error that aborted a load. */
static int apply_txn(struct lq_store *store, MDB_txn **txn, bool *in_load)
{
	int rc = LQ_STORE_OK;

	pthread_mutex_lock(&store->load_lock);
	*in_load = store->loading && pthread_equal(store->load_owner, pthread_self());
	if (*in_load) {
		*txn = store->load_txn;
		rc = store->load_error;
	}
	pthread_mutex_unlock(&store->load_lock);
	if (*in_load)
		return rc;
	return lq_store_mdb_err(mdb_txn_begin(store->env, NULL, 0, txn));
}

/* A failed apply inside a load undoes the whole load. */
static void abort_load(struct lq_store *store, int err)
{
	pthread_mutex_lock(&store->load_lock);
	mdb_txn_abort(store->load_txn);
	store->load_txn = NULL;
	store->load_error = err;
	pthread_mutex_unlock(&store->load_lock);
}

int lq_store_apply(struct lq_store *store, const struct lq_binding_change *changes,
		   size_t n, int64_t now, const struct lq_store_source_pos *pos)
{
	struct apply_ctx *c;
	bool in_load;
	int rc;

	if (store->read_only)
		return LQ_STORE_ERR_READONLY;
	if ((n > 0 && changes == NULL) || !source_pos_valid(pos))
		return LQ_STORE_ERR_INVALID;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return LQ_STORE_ERR_NOMEM;
	c->store = store;
	c->now = now;
	rc = apply_txn(store, &c->txn, &in_load);
	if (rc != LQ_STORE_OK) {
		free(c);
		return rc;
	}
	rc = begin_batch(c);
	for (size_t i = 0; rc == LQ_STORE_OK && i < n; i++)
		rc = apply_change(c, &changes[i]);
	if (rc == LQ_STORE_OK)
		rc = finish_batch(c, n, pos);
	if (in_load && rc != LQ_STORE_OK)
		abort_load(store, rc);
	else if (!in_load && rc == LQ_STORE_OK)
		rc = lq_store_mdb_err(mdb_txn_commit(c->txn));
	else if (!in_load)
		mdb_txn_abort(c->txn);
	lq_store_index_ops_free(&c->index_ops);
	free(c);
	return rc;
}

int lq_store_load_begin(struct lq_store *store)
{
	MDB_txn *txn;
	int rc;

	if (store->read_only)
		return LQ_STORE_ERR_READONLY;
	pthread_mutex_lock(&store->load_lock);
	rc = store->loading ? LQ_STORE_ERR_INVALID : LQ_STORE_OK;
	pthread_mutex_unlock(&store->load_lock);
	if (rc != LQ_STORE_OK)
		return rc;
	rc = lq_store_mdb_err(mdb_txn_begin(store->env, NULL, 0, &txn));
	if (rc != LQ_STORE_OK)
		return rc;
	pthread_mutex_lock(&store->load_lock);
	store->loading = true;
	store->load_owner = pthread_self();
	store->load_txn = txn;
	store->load_error = LQ_STORE_OK;
	pthread_mutex_unlock(&store->load_lock);
	return LQ_STORE_OK;
}

int lq_store_load_end(struct lq_store *store, bool commit)
{
	MDB_txn *txn;
	int rc;

	pthread_mutex_lock(&store->load_lock);
	if (!store->loading || !pthread_equal(store->load_owner, pthread_self())) {
		pthread_mutex_unlock(&store->load_lock);
		return LQ_STORE_ERR_INVALID;
	}
	txn = store->load_txn;
	rc = store->load_error;
	store->loading = false;
	store->load_txn = NULL;
	store->load_error = LQ_STORE_OK;
	pthread_mutex_unlock(&store->load_lock);
	if (txn == NULL)
		return rc;
	if (commit)
		return lq_store_mdb_err(mdb_txn_commit(txn));
	mdb_txn_abort(txn);
	return LQ_STORE_OK;
}

int lq_store_source_pos_get(struct lq_store *store, const char *name,
			    uint8_t *out, size_t cap, size_t *len)
{
	MDB_txn *txn;
	MDB_val k;
	MDB_val v;
	int rc;

	if (name == NULL || name[0] == '\0' || strlen(name) > LQ_STORE_SOURCE_NAME_MAX)
		return LQ_STORE_ERR_INVALID;
	k.mv_size = strlen(name);
	k.mv_data = (void *)name;
	rc = mdb_txn_begin(store->env, NULL, MDB_RDONLY, &txn);
	if (rc != 0)
		return lq_store_mdb_err(rc);
	rc = mdb_get(txn, store->sources, &k, &v);
	if (rc == 0) {
		*len = v.mv_size;
		if (v.mv_size > 0)
			memcpy(out, v.mv_data, v.mv_size < cap ? v.mv_size : cap);
	}
	mdb_txn_abort(txn);
	if (rc == MDB_NOTFOUND)
		return 0;
	return rc == 0 ? 1 : lq_store_mdb_err(rc);
}
