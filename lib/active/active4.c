/* active4.c - the DHCPv4 active leasequery engine (RFC 7724): checks a
 * DHCPACTIVELEASEQUERY received over TCP, then writes, one message per
 * call, the catch-up (when the query has a query-start-time) and the live
 * changes of the store: DHCPLEASEACTIVE and DHCPLEASEUNASSIGNED about single
 * addresses, DHCPLEASEQUERYSTATUS for the phases and errors,
 * DHCPLEASEQUERYDONE only when lqd ends the query. The messages are those
 * of a bulk query (lq4_bulk_reply_write, lib/query/reply4.c: server
 * identifier in the first message only, never associated-ip, dhcp-state,
 * start-time-of-state, data-source, VSS when the binding is in a VPN other
 * than the global one), and base-time in every one of them.
 *
 * Where the text of RFC 7724 is followed, and lq's choices where it leaves
 * room (section numbers of RFC 7724; RFC 7653, its DHCPv6 twin, says the
 * same in the sections given. The RFC 7724 numbers were written from its
 * structure, which mirrors RFC 7653's, without its text at hand: the
 * behaviour follows RFC 7653's text, checked; the v4 numbers want a check
 * against the RFC):
 * - a message that does not decode, is not a DHCPACTIVELEASEQUERY (a
 *   DHCPBULKLEASEQUERY, DHCPTLS ...) or is no BOOTREQUEST closes the
 *   connection: the transport routes each message type to its engine.
 * - the access rules (query type "active"): a requestor that may not ask
 *   gets one DHCPLEASEQUERYSTATUS with NotAllowed and the query ends, or
 *   with refused-queries "drop" the connection is closed.
 * - errors found when the query arrives are answered by one
 *   DHCPLEASEQUERYSTATUS with the status-code, after which the query ends
 *   and the transport closes the connection (8.2; RFC 7653 9.3 the same
 *   with LEASEQUERY-REPLY): non-zero ciaddr, yiaddr or siaddr, a
 *   query-end-time (an active query has no end; RFC 7653 9.3 names
 *   MalformedQuery for its end time), a primary query (MAC address in
 *   chaddr, client identifier 61, remote-id 82.2 or relay-id 82.12: an
 *   active query asks for every binding, with the VPN as its only
 *   qualifier), a VSS option and a VSS relay sub-option that differ, a VPN
 *   identifier longer than the store keeps: MalformedQuery.
 * - the VPN qualifier is that of a bulk query: option 221 or sub-option
 *   82.151; absent or type 255 the global VPN, 254 every VPN, else that
 *   VPN.
 * - nothing is sent when the query is accepted: RFC 7724 has no message
 *   for it (DHCPLEASEQUERYSTATUS reports phases and errors); the first
 *   message is the first change, a phase status, or a keepalive.
 * - base-time (152) in every message, whether the parameter request list
 *   asks for it or not: the requestor saves it for its next
 *   query-start-time (7.3, 7.5) and every message may be the last one it
 *   sees. A parameter request list still selects the other options.
 * - with query-start-time: when the change history does not reach back to
 *   it (changes at or after it were pruned, or the store began after it),
 *   the first message is DHCPLEASEQUERYSTATUS DataMissing with base-time,
 *   and only live changes follow (7.4.1). Otherwise the catch-up: every
 *   binding of the VPN that changed at or after the start time, as in the
 *   snapshot the query began with, in force (DHCPLEASEACTIVE) or not
 *   (DHCPLEASEUNASSIGNED with its dhcp-state: released, expired, ...),
 *   then each address whose binding was deleted since and is absent, once
 *   (lib/bulk/gone.c), as DHCPLEASEUNASSIGNED, then DHCPLEASEQUERYSTATUS
 *   CatchUpComplete (8.2),
 *   then the live changes made since the query began.
 * - live: every change in the history after the query's position, in
 *   order, is sent as the binding is in the snapshot of the call
 *   (DHCPLEASEACTIVE or DHCPLEASEUNASSIGNED as above); a binding that is
 *   absent (deleted) is sent as DHCPLEASEUNASSIGNED with dhcp-state
 *   AVAILABLE and no client. A binding now in another VPN than the query's
 *   is not sent. When the history has been pruned past the query's
 *   position (a reader slower than the history limit), the query says
 *   DHCPLEASEQUERYSTATUS DataMissing with base-time and goes on from the
 *   oldest change kept (7.4.1: the requestor then fills the gap with a
 *   bulk query).
 * - deletes and VPNs: the store keys IPv4 bindings by address alone and
 *   forgets a deleted binding's VPN. A delete is sent to queries of the
 *   global VPN and of every VPN (without VSS: it is true in every VPN that
 *   the address has no binding now); a query of one named VPN gets no
 *   deletes, which would otherwise tell it of every address deleted in the
 *   other VPNs. Such a requestor learns of a lease's end from the change
 *   that ends it (released, expired), which sources report before deleting.
 * - the keepalive (ACTIVE_LQ_IDLE_TIMEOUT, 7.4: DHCPLEASEQUERYSTATUS
 *   without status-code) and QueryTerminated (DHCPLEASEQUERYDONE, with
 *   base-time) are written when the transport asks.
 *
 * Work per call: one message. The catch-up cursor yields only what is
 * sent; the live feed reads at most LQ_ACTIVE_HISTORY_BUDGET history
 * entries (those of DHCPv6, of other VPNs) before returning
 * LQ_ACTIVE_AGAIN. */
#include <stdlib.h>
#include <string.h>

#include "active_internal.h"
#include "../bulk/found4.h"
#include "../bulk/query4_common.h"
#include "lq/lqtime.h"

static const char r_not_active[] =
	"not a DHCPACTIVELEASEQUERY: the active leasequery engine answers only "
	"DHCPACTIVELEASEQUERY (RFC 7724 5.2)";
static const char r_not_request[] = "op is not BOOTREQUEST in a DHCPACTIVELEASEQUERY (RFC 2131 2)";
static const char r_refused[] =
	"requestor not allowed to ask an active leasequery; refused-queries is \"drop\": "
	"connection closed";
static const char msg_refused[] = "requestor not allowed to ask an active leasequery";
static const char msg_addrs[] =
	"ciaddr, yiaddr or siaddr is not 0 in a DHCPACTIVELEASEQUERY (RFC 7724, RFC 6926 8.2)";
static const char msg_end_time[] =
	"query-end-time in a DHCPACTIVELEASEQUERY: an active query has no end (RFC 7724)";
static const char msg_primary[] =
	"a primary query (MAC address, client identifier, remote-id, relay-id) in a "
	"DHCPACTIVELEASEQUERY: an active query asks for every binding (RFC 7724)";
static const char msg_data_missing[] =
	"the change history does not reach back to query-start-time: fill the gap with a bulk "
	"leasequery (RFC 7724)";
static const char msg_fell_behind[] =
	"changes were dropped from the history before this query read them: fill the gap with a "
	"bulk leasequery (RFC 7724)";

enum phase {
	PH_ERROR,       /* the error DHCPLEASEQUERYSTATUS is next, then the end */
	PH_MISSING,     /* DataMissing is next, then live */
	PH_CATCHUP,     /* bindings changed since the start time */
	PH_GONE,        /* addresses deleted since the start time */
	PH_COMPLETE,    /* CatchUpComplete is next */
	PH_LIVE,
	PH_FINISHED,
};

struct lq_active4 {
	const struct lq_config *config;
	enum phase phase;
	struct lq4_bulk_reply reply;    /* xid, flags, giaddr, prl of the query */
	uint8_t prl[257];               /* the query's option codes, each once, and 152 */
	uint8_t error;                  /* PH_ERROR: the status-code */
	const char *error_text;
	uint64_t sent;

	/* the VPN qualifier, copied */
	uint8_t vpn_match;              /* enum lq_store_vpn_match */
	uint8_t vpn_type;
	uint8_t vpn_id[LQ_BINDING_MAX_SMALL];
	size_t vpn_id_len;
	bool deletes;                   /* deletes are sent (not one named VPN) */

	/* catch-up, in the snapshot the query began with */
	struct lq_store_reader *open_reader;
	int64_t start;
	struct lq_store_cursor *cursor;
	struct lq_gone_cursor *gone;        /* deleted keys (lib/bulk/gone.c) */

	struct lq_active_feed feed;
	struct lq4_found found;         /* the message being written */
};

/* The VPN qualifier (as a bulk query's) copied into q; a reason when it is
 * malformed. */
static const char *vpn_qualifier(struct lq_active4 *q, const struct lq4_msg *m)
{
	struct lq_store_filter filter;
	const char *reason;

	memset(&filter, 0, sizeof(filter));
	reason = lq4_query_vpn(m, &filter);
	if (reason != NULL)
		return reason;
	q->vpn_match = (uint8_t)filter.vpn_match;
	q->vpn_type = filter.vpn_type;
	if (filter.vpn_id.len > 0)
		memcpy(q->vpn_id, filter.vpn_id.data, filter.vpn_id.len);
	q->vpn_id_len = filter.vpn_id.len;
	q->deletes = filter.vpn_match != LQ_STORE_VPN_EXACT;
	return NULL;
}

static bool vpn_matches(const struct lq_active4 *q, const struct lq_binding *b)
{
	switch (q->vpn_match) {
	case LQ_STORE_VPN_ANY:
		return true;
	case LQ_STORE_VPN_GLOBAL:
		return !b->has_vpn;
	default:
		return b->has_vpn && b->vpn_type == q->vpn_type && b->vpn_id.len == q->vpn_id_len &&
		       (q->vpn_id_len == 0 || memcmp(b->vpn_id.data, q->vpn_id, q->vpn_id_len) == 0);
	}
}

static void fail(struct lq_active4 *q, struct lq_bulk_opened *opened, uint8_t status,
		 const char *reason)
{
	q->phase = PH_ERROR;
	q->error = status;
	q->error_text = reason;
	opened->status = status;
	opened->reason = reason;
}

/* ---- the messages ---- */

/* Write found into out and count it; last: the query ends with it. */
static int emit(struct lq_active4 *q, int64_t now, uint8_t *out, size_t cap, size_t *len,
		struct lq_bulk_progress *progress, bool last)
{
	q->reply.server_id = q->sent == 0;
	q->reply.done_base_time = true;
	if (lq4_bulk_reply_write(q->config, now, &q->reply, &q->found, out, cap, len) < 0)
		return LQ_STORE_ERR_INVALID;
	q->sent++;
	progress->messages++;
	if (q->found.reply_type == LQ4_LEASEACTIVE || q->found.reply_type == LQ4_LEASEUNASSIGNED)
		progress->bindings++;
	else if (q->reply.status != LQ4_STATUS_SUCCESS)
		progress->status = q->reply.status;
	if (last) {
		progress->finished = true;
		q->phase = PH_FINISHED;
		lq_store_cursor_close(q->cursor);
		q->cursor = NULL;
		lq_gone_close(q->gone);
		q->gone = NULL;
		lq_active_feed_end(&q->feed);
	}
	return 1;
}

static int emit_status(struct lq_active4 *q, int64_t now, uint8_t status, const char *text,
		       uint8_t *out, size_t cap, size_t *len, struct lq_bulk_progress *progress,
		       bool last)
{
	lq4_found_status(&q->found, &q->reply, LQ4_LEASEQUERYSTATUS, status, text);
	return emit(q, now, out, cap, len, progress, last);
}

/* ---- setting the query up ---- */

/* The checks of a decoded DHCPACTIVELEASEQUERY (see the top of this
 * file); q is set up to run. Returns 0, or < 0 on a store error. */
static int check_and_start(struct lq_active4 *q, struct lq_store_reader *reader,
			   const struct lq4_msg *m, struct lq_bulk_opened *opened)
{
	struct lq_store_filter filter;
	const char *reason;
	bool covers = true;
	uint64_t newest = 0;
	int primaries;
	int rc;

	if (!lq4_query_addresses_zero(m)) {
		fail(q, opened, LQ4_STATUS_MALFORMED_QUERY, msg_addrs);
		return 0;
	}
	if (m->has_query_end_time) {
		fail(q, opened, LQ4_STATUS_MALFORMED_QUERY, msg_end_time);
		return 0;
	}
	if (lq4_query_primary(m, &primaries) != LQ_QUERY_V4_ALL_ADDRESSES) {
		fail(q, opened, LQ4_STATUS_MALFORMED_QUERY, msg_primary);
		return 0;
	}
	reason = vpn_qualifier(q, m);
	if (reason != NULL) {
		fail(q, opened, LQ4_STATUS_MALFORMED_QUERY, reason);
		return 0;
	}
	q->feed.family = 4;
	if (!m->has_query_start_time) {
		q->phase = PH_LIVE;
		return lq_active_history_covers(reader, 0, &covers, &q->feed.position);
	}
	q->start = lq_time_from_v4(m->query_start_time);
	rc = lq_active_history_covers(reader, q->start, &covers, &newest);
	if (rc < 0)
		return rc;
	q->feed.position = newest;
	if (!covers) {
		q->phase = PH_MISSING;
		return 0;
	}
	memset(&filter, 0, sizeof(filter));
	filter.family = 4;
	filter.by = LQ_STORE_BY_ALL;
	filter.has_start_time = true;
	filter.start_time = q->start;
	filter.vpn_match = q->vpn_match;
	filter.vpn_type = q->vpn_type;
	filter.vpn_id = (lq_bytes){ q->vpn_id, q->vpn_id_len };
	q->open_reader = reader;
	q->phase = PH_CATCHUP;
	return lq_store_cursor_open(reader, &filter, &q->cursor);
}

int lq_active4_open(const struct lq_query_env *env, struct lq_store_reader *reader,
		    const uint8_t *msg, size_t len, const struct lq_query_peer *peer,
		    struct lq_active4 **out, struct lq_bulk_opened *opened)
{
	struct lq4_msg *m;
	struct lq_active4 *q;
	lq_err err;
	int rc = 0;

	*out = NULL;
	memset(opened, 0, sizeof(*opened));
	opened->action = LQ_BULK_CLOSE;
	if (msg == NULL) {
		opened->reason = "no message";
		return 0;
	}
	m = malloc(sizeof(*m));         /* 11 KiB: not on the transport's stack */
	if (m == NULL)
		return LQ_STORE_ERR_NOMEM;
	err = lq4_decode(msg, len, m, NULL);
	if (err != LQ_OK) {
		opened->reason = lq_strerror(err);
		goto out;
	}
	opened->msg_type = m->msg_type;
	opened->xid = m->xid;
	if (m->msg_type != LQ4_ACTIVELEASEQUERY) {
		opened->reason = r_not_active;
		goto out;
	}
	opened->kind = LQ_QUERY_V4_ACTIVE;
	if (m->op != LQ4_BOOTREQUEST) {
		opened->reason = r_not_request;
		goto out;
	}
	if (!lq4_query_allowed(env->config, peer, LQ_QUERY_V4_ACTIVE)) {
		opened->refused = true;
		if (env->config->refuse_by_dropping) {
			opened->reason = r_refused;
			goto out;
		}
	}
	q = calloc(1, sizeof(*q));
	if (q == NULL) {
		rc = LQ_STORE_ERR_NOMEM;
		goto out;
	}
	q->config = env->config;
	lq4_found_reply_init(&q->reply, m, q->prl);
	/* base-time in every message (see the top of this file); without a
	 * list the bulk defaults apply, which hold it */
	if (q->reply.prl != NULL && memchr(q->prl, LQ4_OPT_BASE_TIME, q->reply.prl_len) == NULL)
		q->prl[q->reply.prl_len++] = LQ4_OPT_BASE_TIME;
	if (opened->refused)
		fail(q, opened, LQ4_STATUS_NOT_ALLOWED, msg_refused);
	else
		rc = check_and_start(q, reader, m, opened);
	if (rc < 0) {
		lq_active4_close(q);
		opened->reason = lq_store_strerror(rc);
		goto out;
	}
	opened->action = LQ_BULK_RUN;
	*out = q;
out:
	free(m);
	return rc;
}

/* ---- running ---- */

/* The next binding of the catch-up: 1 (found set), 0 at the end. */
static int catchup_step(struct lq_active4 *q, int64_t now)
{
	struct lq_binding *b = &q->found.binding;
	int rc;

	if (q->cursor == NULL)
		return 0;
	rc = lq_store_cursor_next(q->cursor, b);
	if (rc == 1)
		lq4_found_binding(&q->found, &q->reply, b, now);
	return rc;
}

/* The next deleted address of the catch-up: 1 (found set), 0 at the end,
 * LQ_ACTIVE_AGAIN. */
static int gone_step(struct lq_active4 *q)
{
	struct lq_binding_key key;
	int rc;

	if (!q->deletes)
		return 0;
	rc = lq_active_gone_next(q->open_reader, 4, q->start, &q->gone, &key);
	if (rc == 1)
		lq4_found_available(&q->found, &q->reply, lq_binding_key_ip4(&key));
	return rc;
}

/* The next live change: 1 (found set), 0 none until the store changes,
 * LQ_ACTIVE_AGAIN, or *missing: DataMissing is to be written first. */
static int live_step(struct lq_active4 *q, struct lq_store_reader *reader, int64_t now,
		     bool *missing)
{
	struct lq_store_history_entry e;
	int rc = lq_active_feed_begin(&q->feed, reader, missing);

	if (rc < 0 || *missing) {
		lq_active_feed_end(&q->feed);
		return rc;
	}
	while ((rc = lq_active_feed_next(&q->feed, &e)) == 1) {
		struct lq_binding *b = &q->found.binding;

		rc = lq_store_get(reader, &e.key, b, NULL);
		if (rc < 0)
			break;
		if (rc == 1 && vpn_matches(q, b)) {
			lq4_found_binding(&q->found, &q->reply, b, now);
			break;
		}
		if (rc == 0 && q->deletes) {
			lq4_found_available(&q->found, &q->reply, lq_binding_key_ip4(&e.key));
			rc = 1;
			break;
		}
	}
	lq_active_feed_end(&q->feed);
	return rc;
}

int lq_active4_next(struct lq_active4 *q, struct lq_store_reader *reader, int64_t now,
		    uint8_t *out, size_t cap, size_t *len, struct lq_bulk_progress *progress)
{
	bool missing = false;
	int rc;

	switch (q->phase) {
	case PH_ERROR:
		return emit_status(q, now, q->error, q->error_text, out, cap, len, progress, true);
	case PH_MISSING:
		q->phase = PH_LIVE;
		return emit_status(q, now, LQ4_STATUS_DATA_MISSING, msg_data_missing, out, cap, len,
				   progress, false);
	case PH_CATCHUP:
		rc = catchup_step(q, now);
		if (rc != 0)
			return rc < 0 ? rc : emit(q, now, out, cap, len, progress, false);
		lq_store_cursor_close(q->cursor);
		q->cursor = NULL;
		q->phase = PH_GONE;
		/* fall through */
	case PH_GONE:
		rc = gone_step(q);
		if (rc == 1)
			return emit(q, now, out, cap, len, progress, false);
		if (rc != 0)
			return rc;
		q->phase = PH_COMPLETE;
		/* fall through */
	case PH_COMPLETE:
		lq_active_gone_end(&q->gone, &q->open_reader);
		q->phase = PH_LIVE;
		return emit_status(q, now, LQ4_STATUS_CATCH_UP_COMPLETE, NULL, out, cap, len,
				   progress, false);
	case PH_LIVE:
		rc = live_step(q, reader, now, &missing);
		if (rc < 0)
			return rc;
		if (missing)
			return emit_status(q, now, LQ4_STATUS_DATA_MISSING, msg_fell_behind, out, cap,
					   len, progress, false);
		if (rc == 1)
			return emit(q, now, out, cap, len, progress, false);
		return rc;
	default:
		return 0;
	}
}

int lq_active4_keepalive(struct lq_active4 *q, int64_t now, uint8_t *out, size_t cap,
			 size_t *len, struct lq_bulk_progress *progress)
{
	if (q->phase == PH_ERROR)       /* the error reply is due: it says as much */
		return emit_status(q, now, q->error, q->error_text, out, cap, len, progress, true);
	return emit_status(q, now, LQ4_STATUS_SUCCESS, NULL, out, cap, len, progress, false);
}

int lq_active4_terminate(struct lq_active4 *q, int64_t now, const char *text, uint8_t *out,
			 size_t cap, size_t *len, struct lq_bulk_progress *progress)
{
	lq4_found_status(&q->found, &q->reply, LQ4_LEASEQUERYDONE, LQ4_STATUS_QUERY_TERMINATED,
			 text);
	return emit(q, now, out, cap, len, progress, true);
}

bool lq_active4_catching_up(const struct lq_active4 *q)
{
	return q->phase == PH_CATCHUP || q->phase == PH_GONE || q->phase == PH_COMPLETE;
}

void lq_active4_close(struct lq_active4 *q)
{
	if (q == NULL)
		return;
	lq_store_cursor_close(q->cursor);
	lq_gone_close(q->gone);
	lq_active_feed_end(&q->feed);
	free(q);
}
