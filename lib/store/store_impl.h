/* store_impl.h - what store.c (writes), cursor.c (reads) and record.c
 * (encodings) share: the LMDB handles, the secondary index list, the index
 * key and history entry encodings. Not part of the public API. */
#ifndef LQ_STORE_IMPL_H
#define LQ_STORE_IMPL_H

#include <lmdb.h>
#include <pthread.h>

#include "lq/store.h"

/* Secondary indexes: MDB_DUPSORT|MDB_DUPFIXED databases mapping an index key
 * ([family][field value]) to the encoded keys of the bindings having it. */
enum lq_store_index {
	LQ_IDX_HWADDR,
	LQ_IDX_CLIENT_ID,
	LQ_IDX_REMOTE_ID,
	LQ_IDX_RELAY_ID,
	LQ_IDX_LINK,
	LQ_IDX_VPN,
	LQ_IDX_SUBNET,
	LQ_IDX_TIME,          /* [family][last change time, sign-flipped big endian] */
	LQ_IDX_COUNT
};

#define LQ_STORE_INDEX_KEY_MAX (2 + LQ_BINDING_MAX_SMALL)
#define LQ_STORE_PLEN_COUNT 129       /* IPv6 prefix lengths 0..128 */

struct lq_store {
	MDB_env *env;
	MDB_dbi bindings;     /* encoded key -> record */
	MDB_dbi meta;         /* format version, next seq, prefix length counts */
	MDB_dbi sources;      /* source name -> position */
	MDB_dbi history;      /* seq (big endian) -> history entry */
	MDB_dbi index[LQ_IDX_COUNT];
	uint64_t history_limit;
	bool read_only;

	/* an open load (lq_store_load_begin): guarded by load_lock */
	pthread_mutex_t load_lock;
	bool loading;
	pthread_t load_owner;     /* the thread whose applies go into load_txn */
	MDB_txn *load_txn;        /* NULL after a failure aborted it */
	int load_error;           /* that failure */
};

struct lq_store_reader {
	struct lq_store *store;
	MDB_txn *txn;
};

/* Meta keys. */
#define LQ_META_FORMAT "format"
#define LQ_META_NEXT_SEQ "next-seq"
#define LQ_META_HISTORY_TIME "history-time"
#define LQ_META_PLEN6 "plen6"          /* LQ_STORE_PLEN_COUNT big-endian u64 */
#define LQ_STORE_FORMAT 1u

/* An LMDB return code as an lq_store_err. */
int lq_store_mdb_err(int rc);

/* The key of index idx for binding b (last changed at changed_at); returns its
 * length, 0 when b has no value for that index. */
size_t lq_store_index_key(enum lq_store_index idx, const struct lq_binding *b,
			  int64_t changed_at, uint8_t out[LQ_STORE_INDEX_KEY_MAX]);
/* Index keys from the values a query names. */
size_t lq_store_index_key_bytes(uint8_t family, lq_bytes value,
				uint8_t out[LQ_STORE_INDEX_KEY_MAX]);
size_t lq_store_index_key_link(uint8_t family, const lq_ip6 *link,
			       uint8_t out[LQ_STORE_INDEX_KEY_MAX]);
size_t lq_store_index_key_vpn(uint8_t family, uint8_t vpn_type, lq_bytes vpn_id,
			      uint8_t out[LQ_STORE_INDEX_KEY_MAX]);
size_t lq_store_index_key_subnet(uint8_t family, uint32_t subnet_id,
				 uint8_t out[LQ_STORE_INDEX_KEY_MAX]);
size_t lq_store_index_key_time(uint8_t family, int64_t time,
			       uint8_t out[LQ_STORE_INDEX_KEY_MAX]);

/* Does the record have a client-id index entry (a client id of 1 to
 * LQ_BINDING_MAX_SMALL octets)? 1 yes, 0 no, LQ_STORE_ERR_CORRUPT when the
 * record does not read that far. Cheaper than lq_store_record_decode: only
 * the fields before the client id are read, without their values. */
int lq_store_record_client_id_indexed(const uint8_t *data, size_t len);

/* BY_CLIENTS cursors read the client-id index in batches of at most this
 * many entries (48 octets each, see cursor.c); tests lower it to cross
 * batch boundaries. */
#define LQ_STORE_CLIENT_BATCH_MAX ((size_t)1 << 18)
extern size_t lq_store_client_batch_max;

/* Big-endian fixed-width helpers. */
void lq_store_put_u64(uint8_t out[8], uint64_t v);
uint64_t lq_store_get_u64(const uint8_t in[8]);

/* ---- index_ops.c: the index writes of one batch ---- */
struct lq_store_index_op {
	uint32_t offset;      /* of the index key, then the binding key, in the arena */
	uint16_t key_len;
	uint8_t bkey_len;
	uint8_t index;        /* enum lq_store_index */
	bool del;
};

struct lq_store_index_ops {
	struct lq_store_index_op *ops;        /* in batch order */
	size_t n, cap;
	uint8_t *arena;
	size_t arena_len, arena_cap;
};

/* Queue the write (del: the removal) of entry key -> bkey of index. */
int lq_store_index_ops_push(struct lq_store_index_ops *q, int index, bool del, const uint8_t *key,
			    size_t key_len, const MDB_val *bkey);
/* Sort the queued writes per index (see index_ops.c) and apply them. */
int lq_store_index_ops_apply(MDB_txn *txn, const struct lq_store *store,
			     const struct lq_store_index_ops *q);
void lq_store_index_ops_free(struct lq_store_index_ops *q);

/* History entries: [zigzag varint time][op][encoded key]. */
#define LQ_STORE_HISTORY_MAX (10 + 1 + LQ_STORE_KEY_MAX)
size_t lq_store_history_encode(int64_t time, uint8_t op, const uint8_t *key, size_t key_len,
			       uint8_t out[LQ_STORE_HISTORY_MAX]);
int lq_store_history_decode(const uint8_t *data, size_t len,
			    struct lq_store_history_entry *out);

#endif
