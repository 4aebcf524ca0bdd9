/* gone.h - the keys whose binding was deleted within a time window and is
 * still gone: what a requestor updating its copy of the bindings "with
 * changes after a particular point in time" (RFC 6926 4) must learn besides
 * the bindings that changed. The bulk leasequery engine (bulk4.c) reports
 * them after the bindings of a query-start-time/query-end-time query;
 * active leasequery catch-up (RFC 7724) needs the same. Read from the
 * store's change history in one reader's snapshot, with bounded memory.
 * Not a public interface.
 *
 * Which keys (the de-duplication rule): a key is yielded when its newest
 * history entry in the snapshot is a DELETE whose time lies in
 * [start, end] (both inclusive, each bound optional), and the snapshot
 * holds no binding for it. That is the key's last change lying in the
 * window, as the store's time-qualified binding cursors select a binding
 * by its last change. So, with every change inside the window:
 * - deleted twice, or deleted, re-added and deleted again: once;
 * - deleted, then re-added: not at all (it has a binding, which a binding
 *   cursor reports when its change lies in the window);
 * and with a later change: deleted in the window, re-added and deleted
 * again after end: not at all (its last change is after the window, as a
 * binding changed again after end is not reported either).
 * A delete of a key the store did not hold is recorded in the history too,
 * and indistinguishable: such a key is yielded as well.
 *
 * What the history cannot tell: anything but the key. The deleted
 * binding's client, VPN, link and state are gone with its record, so a
 * caller can only say that the address (or prefix) is now unbound.
 *
 * Limits: the history keeps the newest history_limit entries (store.h); a
 * delete older than the oldest kept entry is not known. A caller that must
 * know whether the window is complete compares start with
 * lq_store_history_bounds()'s oldest_time.
 *
 * Cost: the store has no index from a key to its newest history entry, so
 * the rule is checked in batches: the window is read in order, each DELETE
 * of a key absent from the snapshot (one lookup) becomes a candidate, up to
 * LQ_GONE_BATCH distinct keys kept in a hash table (a later entry of a key
 * already in the batch replaces it); then the history after the batch's
 * last entry is read once, to the newest entry, and every candidate with a
 * later entry is dropped. Memory: at most LQ_GONE_BATCH keys (~160 KiB);
 * time: the window read once, plus for each batch one read of the history
 * after it (none for the last batch of a window that runs to the newest
 * entry): for D deleted keys, at most ceil(D / LQ_GONE_BATCH) reads of the
 * history (history_limit entries at most, 1M by default). One
 * lq_gone_next call may do one batch's work. */
#ifndef LQ_BULK_GONE_H
#define LQ_BULK_GONE_H

#include "lq/store.h"

#define LQ_GONE_BATCH 4096

struct lq_gone_cursor;

/* A cursor over the keys of family (4 or 6) deleted within [start, end]
 * (history times, Unix seconds; a bound is ignored unless its has_ flag is
 * set) and absent from reader's snapshot. The cursor reads reader: close
 * it before the reader ends. Returns 0, or a negative lq_store_err
 * (LQ_STORE_ERR_INVALID for another family). */
int lq_gone_open(struct lq_store_reader *reader, uint8_t family, bool has_start, int64_t start,
		 bool has_end, int64_t end, struct lq_gone_cursor **out);

/* The next key (each at most once, by the rule above; in the order of the
 * history, batch by batch): 1 with *key set, 0 at the end, or a negative
 * lq_store_err. */
int lq_gone_next(struct lq_gone_cursor *c, struct lq_binding_key *key);

/* Free the cursor (NULL is ignored). */
void lq_gone_close(struct lq_gone_cursor *c);

#endif
