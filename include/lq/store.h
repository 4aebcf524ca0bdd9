/* store.h - the binding store: every binding lq knows, durable in LMDB under
 * one directory, with a secondary index for every query of every RFC, a
 * bounded, time-ordered change history, and the per-source positions that let
 * a lease source resume exactly once after a crash. The store knows nothing
 * about packets or files.
 *
 * Thread rules:
 * - lq_store_open/close: once, with no reader or writer active.
 * - lq_store_apply and lq_store_source_pos_get may be called from any thread;
 *   writers serialise on LMDB's writer lock. Readers never block writers and
 *   writers never block readers.
 * - A reader (a snapshot, one LMDB read transaction opened with MDB_NOTLS)
 *   may be used on any thread, but by one thread at a time; its cursors
 *   likewise. Close every cursor of a reader before ending the reader.
 * - lq_bytes in a binding read from the store point into the snapshot: valid
 *   until the reader is reset or ended.
 *
 * Return values: 0 (or 1 = found / produced one item) on success, 0 = not
 * found / end, a negative enum lq_store_err on failure. */
#ifndef LQ_STORE_H
#define LQ_STORE_H

#include "lq/binding.h"

struct lq_store;
struct lq_store_reader;
struct lq_store_cursor;
struct lq_store_history_cursor;

enum lq_store_err {
	LQ_STORE_OK = 0,
	LQ_STORE_ERR_IO = -1,          /* LMDB or file system failure */
	LQ_STORE_ERR_CORRUPT = -2,     /* a record, key or index entry does not decode */
	LQ_STORE_ERR_FULL = -3,        /* the map size is reached: raise map_size */
	LQ_STORE_ERR_INVALID = -4,     /* bad argument: family, a field too long, ... */
	LQ_STORE_ERR_READONLY = -5,    /* a write to a store opened read-only */
	LQ_STORE_ERR_NOMEM = -6,
	LQ_STORE_ERR_VERSION = -7,     /* written by an incompatible format version */
	LQ_STORE_ERR_READERS = -8,     /* more readers than max_readers */
	LQ_STORE_ERR_NOT_FOUND = -9,   /* read-only open of a store that does not exist */
};

/* A short constant English description of a return value. */
const char *lq_store_strerror(int err);

#define LQ_STORE_DEFAULT_MAP_SIZE ((size_t)4 << 30)   /* 4 GiB of address space */
#define LQ_STORE_DEFAULT_HISTORY 1000000u
#define LQ_STORE_DEFAULT_MAX_READERS 512u

struct lq_store_options {
	size_t map_size;          /* upper bound of the file; 0 = the default */
	uint64_t history_limit;   /* change history entries kept; 0 = the default */
	unsigned max_readers;     /* concurrent readers (all processes); 0 = default */
	bool read_only;
	bool no_sync;             /* skip fsync at commit: still consistent after a
				   * process crash (kill -9), not after a power loss */
	bool no_write_map;        /* by default a writable store maps its file
				   * read-write (MDB_WRITEMAP: 2-3x faster writes,
				   * the file is sized sparse to map_size); true =
				   * write through malloc'd pages instead */
};

/* Open (creating the directory and the store when missing, unless read-only)
 * the store in directory path. options may be NULL for the defaults. */
int lq_store_open(struct lq_store **out, const char *path,
		  const struct lq_store_options *options);
void lq_store_close(struct lq_store *store);
/* Flush to disk (for no_sync stores). */
int lq_store_sync(struct lq_store *store);

/* ---- writes ---- */

#define LQ_STORE_SOURCE_NAME_MAX 255
#define LQ_STORE_SOURCE_POS_MAX 256

/* Where a lease source is, opaque to the store (file inode and offset, a
 * database cursor, ...), stored in the same transaction as the batch that
 * brought the source there. */
struct lq_store_source_pos {
	const char *name;         /* 1..LQ_STORE_SOURCE_NAME_MAX octets */
	lq_bytes data;            /* up to LQ_STORE_SOURCE_POS_MAX octets */
};

/* Apply a batch of changes in one transaction, together with the source
 * position pos (may be NULL). now (Unix seconds) becomes the last change time
 * of every binding the batch upserts, and the time of its history entries.
 * Each change is appended to the history with the next sequence number (an
 * upsert of a binding equal to the stored one, and a delete of an absent key,
 * too); history beyond the limit is pruned oldest first. On error nothing of
 * the batch is applied. */
int lq_store_apply(struct lq_store *store, const struct lq_binding_change *changes,
		   size_t n, int64_t now, const struct lq_store_source_pos *pos);

/* ---- loads: many batches in one transaction ----
 * Between lq_store_load_begin and lq_store_load_end, every lq_store_apply
 * called by the thread that began the load goes into one write transaction,
 * committed (and synced, unless no_sync) once by lq_store_load_end. A large
 * initial load then writes each page once instead of once per batch and
 * leaves no stale page copies behind: about half the file size, a fraction
 * of the time. Readers see none of the load until it ends; the writer lock
 * is held throughout, so writers of other threads wait, and the loading
 * thread must not open a reader expecting to see what it loaded. If an
 * apply fails, the whole load is undone: that apply and every later one of
 * the load return the error, and so does lq_store_load_end. */
int lq_store_load_begin(struct lq_store *store);
/* End the load: commit when commit is true (returns the load's failure if
 * there was one), else undo it. */
int lq_store_load_end(struct lq_store *store, bool commit);

/* The position last stored for source name: copies up to cap octets to out
 * and sets *len to the stored length. Returns 1 found, 0 never stored. */
int lq_store_source_pos_get(struct lq_store *store, const char *name,
			    uint8_t *out, size_t cap, size_t *len);

/* ---- snapshot readers ---- */

int lq_store_read_begin(struct lq_store *store, struct lq_store_reader **out);
void lq_store_read_end(struct lq_store_reader *reader);
/* Cheap reuse for frequent short reads: reset releases the snapshot (views
 * become invalid), renew takes a fresh one. */
void lq_store_read_reset(struct lq_store_reader *reader);
int lq_store_read_renew(struct lq_store_reader *reader);

/* The binding with exactly this key. changed_at (may be NULL) receives its
 * last change time. Returns 1 found, 0 absent. */
int lq_store_get(struct lq_store_reader *reader, const struct lq_binding_key *key,
		 struct lq_binding *out, int64_t *changed_at);
/* The IPv4 binding of addr. */
int lq_store_find_v4(struct lq_store_reader *reader, const lq_ip4 *addr,
		     struct lq_binding *out, int64_t *changed_at);
/* The IPv6 binding whose key is addr/128, else the delegated prefix
 * (LQ_LEASE_PD) containing addr with the longest prefix length. */
int lq_store_find_containing(struct lq_store_reader *reader, const lq_ip6 *addr,
			     struct lq_binding *out, int64_t *changed_at);

struct lq_store_stats {
	uint64_t bindings4;
	uint64_t bindings6;
	uint64_t history_entries;
	uint64_t bytes_used;      /* pages in use in the LMDB file */
	uint64_t map_size;
};
int lq_store_stats(struct lq_store_reader *reader, struct lq_store_stats *out);

/* ---- binding cursors: bulk queries ---- */

enum lq_store_by {
	LQ_STORE_BY_ALL = 0,      /* every binding of the family */
	LQ_STORE_BY_HWADDR,       /* value = hardware address; htype 0 = any */
	LQ_STORE_BY_CLIENT_ID,    /* value = v4 client-id / v6 DUID */
	LQ_STORE_BY_REMOTE_ID,    /* value */
	LQ_STORE_BY_RELAY_ID,     /* value */
	LQ_STORE_BY_LINK,         /* link (v4: giaddr as ::ffff:a.b.c.d) */
	LQ_STORE_BY_VPN,          /* vpn_type and vpn_id */
	LQ_STORE_BY_SUBNET,       /* subnet_id */
	LQ_STORE_BY_RANGE,        /* keys whose address lies in range_first ..
				   * range_last (both inclusive; family 4: the
				   * ::ffff:a.b.c.d form), in key order; a
				   * prefix binding counts by its network address */
	LQ_STORE_BY_LINK_RANGE,   /* bindings whose link address lies in
				   * range_first .. range_last (both inclusive;
				   * family 4: the ::ffff:a.b.c.d form), read
				   * from the link index: grouped by link, in
				   * key order within a link. A binding without
				   * a link (::) is never among them, even when
				   * the range holds :: */
	LQ_STORE_BY_CLIENTS,      /* every binding that has a client-id index
				   * entry (a client id of 1 to
				   * LQ_BINDING_MAX_SMALL octets), read from that
				   * index: grouped by client id (the bindings of
				   * one client id come one after the other, in
				   * key order), the client ids in octet order.
				   * The index is read in batches (at most 12 MiB
				   * of memory) whose bindings are found in key
				   * order, not looked up one by one: the way to
				   * read most of a large store by client */
	LQ_STORE_BY_NO_CLIENT_ID, /* every binding without a client-id index
				   * entry (none, empty, or longer than
				   * LQ_BINDING_MAX_SMALL), in key order: with
				   * BY_CLIENTS, every binding once. Records with
				   * a client id are passed over without being
				   * decoded */
};

/* The VPN qualifier (RFC 6607), applied to every cursor. */
enum lq_store_vpn_match {
	LQ_STORE_VPN_ANY = 0,     /* every VPN: no VPN filtering */
	LQ_STORE_VPN_GLOBAL,      /* only bindings of the global VPN (has_vpn false) */
	LQ_STORE_VPN_EXACT,       /* only bindings of vpn_type/vpn_id */
};

struct lq_store_filter {
	uint8_t family;           /* 4 or 6 */
	uint8_t by;               /* enum lq_store_by */
	lq_bytes value;           /* HWADDR, CLIENT_ID, REMOTE_ID, RELAY_ID */
	uint8_t htype;            /* HWADDR: 0 = any */
	lq_ip6 link;              /* LINK */
	uint32_t subnet_id;       /* SUBNET */
	lq_ip6 range_first;       /* RANGE, LINK_RANGE */
	lq_ip6 range_last;
	/* qualifiers on the binding's last change time, both inclusive */
	bool has_start_time;
	int64_t start_time;
	bool has_end_time;
	int64_t end_time;
	uint8_t vpn_match;        /* enum lq_store_vpn_match; BY_VPN implies EXACT */
	uint8_t vpn_type;
	lq_bytes vpn_id;
};

/* A cursor over the reader's snapshot yielding each matching binding once.
 * The filter's byte values are copied. */
int lq_store_cursor_open(struct lq_store_reader *reader, const struct lq_store_filter *filter,
			 struct lq_store_cursor **out);
/* Returns 1 with *out filled, 0 at the end, < 0 on error. */
int lq_store_cursor_next(struct lq_store_cursor *cursor, struct lq_binding *out);
/* The last change time of the binding the last next returned. */
int64_t lq_store_cursor_changed_at(const struct lq_store_cursor *cursor);
void lq_store_cursor_close(struct lq_store_cursor *cursor);

/* How many index entries a cursor over filter would read (the time,
 * hardware type and VPN qualifiers aside: at least what it yields), no
 * more than limit: for BY_HWADDR .. BY_SUBNET and BY_LINK_RANGE, from the
 * number of entries LMDB keeps per index key, without reading them (a
 * link range costs a step per link address in it). Other filters:
 * LQ_STORE_ERR_INVALID. */
int lq_store_count(struct lq_store_reader *reader, const struct lq_store_filter *filter,
		   uint64_t limit, uint64_t *count);

/* ---- change history: query-start/end-time and active catch-up ---- */

struct lq_store_history_entry {
	uint64_t seq;             /* from 1, +1 per change, never reused */
	int64_t time;             /* the batch's now, made non-decreasing */
	uint8_t op;               /* enum lq_change_op */
	struct lq_binding_key key;
};

struct lq_store_history_bounds {
	uint64_t count;           /* entries kept */
	uint64_t oldest_seq;      /* when count == 0: next_seq */
	int64_t oldest_time;      /* when count == 0: newest time ever applied */
	uint64_t newest_seq;      /* next_seq - 1 */
	int64_t newest_time;
	uint64_t next_seq;        /* what the next change will get */
};
int lq_store_history_bounds(struct lq_store_reader *reader,
			    struct lq_store_history_bounds *out);

/* Entries with seq > after_seq, in order. */
int lq_store_history_open_seq(struct lq_store_reader *reader, uint64_t after_seq,
			      struct lq_store_history_cursor **out);
/* Entries with time >= since_time, in order. */
int lq_store_history_open_time(struct lq_store_reader *reader, int64_t since_time,
			       struct lq_store_history_cursor **out);
int lq_store_history_next(struct lq_store_history_cursor *cursor,
			  struct lq_store_history_entry *out);
void lq_store_history_close(struct lq_store_history_cursor *cursor);

/* ---- the record format (for tests and tools) ----
 * Keys: IPv4 [4][a b c d]; IPv6 [6][16 octets, host bits cleared][prefix_len].
 * Records (version 1): version, type, state, a varint of presence flags,
 * zigzag varint times (change time absolute, the others relative), varint
 * lifetimes and ids, present fields only; circuit-, remote- and relay-id that
 * lie inside relay_info are stored as (offset, length) into it. */

#define LQ_STORE_KEY_MAX 18
#define LQ_STORE_RECORD_VERSION 1
#define LQ_STORE_RECORD_MAX 8192

/* Encode a key; returns its length, 0 when the key is invalid. */
size_t lq_store_key_encode(const struct lq_binding_key *key, uint8_t out[LQ_STORE_KEY_MAX]);
int lq_store_key_decode(const uint8_t *data, size_t len, struct lq_binding_key *out);

/* Encode b (except its key) with its last change time into out. */
int lq_store_record_encode(const struct lq_binding *b, int64_t changed_at,
			   uint8_t *out, size_t cap, size_t *len);
/* Decode a record: every field of out except key, which is zeroed (the key
 * is stored apart: decode it after the record); views point into data. A
 * malformed record gives LQ_STORE_ERR_CORRUPT. */
int lq_store_record_decode(const uint8_t *data, size_t len, struct lq_binding *out,
			   int64_t *changed_at);

#endif
