/* active.h - the active leasequery engine of lqd: DHCPACTIVELEASEQUERY
 * (RFC 7724) and DHCPv6 ACTIVELEASEQUERY (RFC 7653): a query that stays
 * open and turns every change of a matching binding into a reply message,
 * after an optional catch-up over the changes since a start time.
 *
 * The engine reads the store's change history (store.h): it remembers the
 * sequence number of the last history entry it has handled and, whenever
 * the transport gives it a fresh snapshot, writes one message per matching
 * change after that, with the binding's state in that snapshot (a binding
 * that changed three times since is sent once per change, each time as it
 * is now: never an older state after a newer one). Catch-up reads the same
 * binding cursor as a bulk query with a start time (bindings changed since
 * then, as in the snapshot the query began with) plus the history's deletes
 * since then, and only then the live changes; the query never falls behind
 * silently: when the history no longer reaches back to its position it
 * says DataMissing.
 *
 * Pure like the other engines: no sockets, no clock, no threads; the
 * transport passes the snapshot and the time to every call.
 *
 * Use:
 *   lq_active_open(env, reader, family, msg, len, peer, &q, &opened)
 *   on every wake-up (store changed, socket writable, timer):
 *     unless lq_active_catching_up(q): renew reader;
 *     while (room and (rc = lq_active_next(q, reader, now, out, cap, &len)) > 0)
 *             if rc == 1: frame and send out[0..len)
 *             (rc == LQ_ACTIVE_AGAIN: nothing written, more work is left:
 *              call again, after serving other connections if it likes)
 *   when nothing was sent for ACTIVE_LQ_IDLE_TIMEOUT: lq_active_keepalive
 *   shutdown: lq_active_terminate(q, now, text, ...)   (QueryTerminated)
 *   lq_active_close(q), then end the reader.
 *
 * The snapshot rule: catch-up cursors live in the snapshot the query was
 * opened with. While lq_active_catching_up(q) is true, that reader must
 * stay as it is (neither reset, renewed nor ended): lq_active_next reads
 * only it then, whatever reader it is given, and live changes wait until
 * catch-up is over (RFC 7653 9.3 allows either order). Once catch-up is
 * over (or when there was none) the engine no longer uses it: the
 * transport may renew it or end it, and passes to each call a snapshot at
 * least as new as the previous call's. Nothing the engine keeps points
 * into a snapshot between calls once catch-up is over. */
#ifndef LQ_ACTIVE_H
#define LQ_ACTIVE_H

#include "lq/bulk.h"

struct lq_active_query;

/* lq_active_next: no message written, more work left (it read its budget of
 * history entries, LQ_ACTIVE_HISTORY_BUDGET, that were not for this query):
 * call again. Bounds the work of one call whatever the store does. */
#define LQ_ACTIVE_AGAIN 2
#define LQ_ACTIVE_HISTORY_BUDGET 4096

/* Start the active query in msg (the frame without its length) from peer.
 * opened is filled as by lq_bulk_open: action RUN (*out set; a refused or
 * malformed query also runs, to write its one error reply and end),
 * CLOSE (drop the connection: reason); NOT_BULK is never returned.
 * reader is the snapshot the query begins with (catch-up reads it, see the
 * snapshot rule above); env->now is the time the query arrived. A message
 * that is not an active query (a bulk query, DHCPTLS, STARTTLS) gives
 * CLOSE. opened->kind is LQ_QUERY_V4_ACTIVE / LQ_QUERY_V6_ACTIVE when the
 * message is an active query. Returns 0, or a negative lq_store_err. */
int lq_active_open(const struct lq_query_env *env, struct lq_store_reader *reader, int family,
		   const uint8_t *msg, size_t len, const struct lq_query_peer *peer,
		   struct lq_active_query **out, struct lq_bulk_opened *opened);

/* Write the next message (cap >= LQ_BULK_MSG_MAX) from reader (see the
 * snapshot rule). Returns 1 with *len set; 0 when there is nothing to send
 * until the store changes; LQ_ACTIVE_AGAIN (*len 0) when the call's budget
 * ran out before a message: call again; a negative lq_store_err on failure
 * (the transport then calls lq_active_terminate). A query that has ended
 * (error reply written, QueryTerminated) returns 0 forever: check
 * lq_active_finished. */
int lq_active_next(struct lq_active_query *q, struct lq_store_reader *reader, int64_t now,
		   uint8_t *out, size_t cap, size_t *len);

/* The message that tells an idle requestor the connection is alive
 * (ACTIVE_LQ_IDLE_TIMEOUT): v4 DHCPLEASEQUERYSTATUS without status-code,
 * with base-time; v6 LEASEQUERY-DATA without client data, with
 * OPTION_LQ_BASE_TIME when the query's ORO asks for it (v6: when the
 * LEASEQUERY-REPLY has not been written yet, that is written instead, since
 * it must come first). Returns 1, or 0 when the query has ended. */
int lq_active_keepalive(struct lq_active_query *q, int64_t now, uint8_t *out, size_t cap, size_t *len);

/* End the query: v4 DHCPLEASEQUERYDONE / v6 LEASEQUERY-DONE with status
 * QueryTerminated, text and base-time (v6: a LEASEQUERY-REPLY with that
 * status when the REPLY was not written yet). Returns 1, or 0 when already
 * ended. */
int lq_active_terminate(struct lq_active_query *q, int64_t now, const char *text,
			uint8_t *out, size_t cap, size_t *len);

bool lq_active_finished(const struct lq_active_query *q);
/* Is the query still catching up (its CatchUpComplete not yet written)? */
bool lq_active_catching_up(const struct lq_active_query *q);
/* messages, bindings (v4 addresses / v6 leases reported), finished, and the
 * status of the last message that carried one (DataMissing,
 * CatchUpComplete, an error; 0 for none yet). */
void lq_active_progress(const struct lq_active_query *q, struct lq_bulk_progress *out);
uint32_t lq_active_xid(const struct lq_active_query *q);
/* Free the query and its cursors (not the reader). */
void lq_active_close(struct lq_active_query *q);

#endif
