/* bulk4.c - the DHCPv4 bulk leasequery engine (RFC 6926): checks a
 * DHCPBULKLEASEQUERY received over TCP, then writes its replies one message
 * per call from one store snapshot: DHCPLEASEACTIVE and DHCPLEASEUNASSIGNED,
 * one per IPv4 address and never two for the same address, then
 * DHCPLEASEQUERYDONE. The messages are written by lib/query/reply4.c, the
 * planner of the single-query engine (see lq4_bulk_reply_write for the
 * options: server identifier in the first message only, never
 * associated-ip, base-time, start-time-of-state, dhcp-state, data-source,
 * VSS).
 *
 * Checks, in this order:
 * - a message that does not decode, is no DHCPBULKLEASEQUERY (a DHCPLEASEQUERY
 *   included: "The Bulk Leasequery TCP connection is only designed to handle
 *   the DHCPBULKLEASEQUERY request", 5) or is not a BOOTREQUEST closes the
 *   connection; DHCPACTIVELEASEQUERY and DHCPTLS go back to the transport;
 * - the access rules (8.1, 9): a requestor that may not ask this query type
 *   (a query naming several primaries: a requestor lqd does not know at all)
 *   gets DHCPLEASEQUERYDONE with NotAllowed, or with refused-queries "drop"
 *   the connection is closed;
 * - non-zero ciaddr, yiaddr or siaddr: DONE with MalformedQuery (8.2);
 * - more than one primary query: DONE with NotAllowed (8.2);
 * - query-end-time before query-start-time, or a VSS option (221) and a VSS
 *   relay sub-option (82.151) that differ, or a VPN identifier longer than
 *   the store keeps: DONE with MalformedQuery.
 *
 * The primary queries (7.2): by MAC address (hlen > 0 and chaddr[0..hlen)
 * not all zero, as for the single query), by client identifier (61), by
 * remote-id (82.2), by relay-id (82.12); none: all configured addresses. A
 * MAC address matches as in the single query: same octets, and hardware
 * types equal or either 0. The VPN qualifier is option 221 or, as RFC 6607
 * allows, sub-option 151 of option 82: absent or type 255 the global VPN,
 * type 254 every VPN, another type exactly that VPN.
 *
 * What is returned (8.2):
 * - a primary query without time qualifiers: every address whose binding
 *   matches and is in force (state ACTIVE, not expired), as DHCPLEASEACTIVE.
 *   Bindings not in force are skipped;
 * - with query-start-time and/or query-end-time (the binding's last change
 *   time in the store, both inclusive): every matching binding that changed
 *   in the window, in force or not: a binding not in force is returned as
 *   DHCPLEASEUNASSIGNED with its dhcp-state (an ACTIVE binding past its
 *   expiry as EXPIRED). A requestor asking for changes since its last
 *   base-time is updating its copy, and must learn of the leases that ended
 *   as much as of those that began; RFC 6926 says only "bindings that have
 *   changed", and DHCPLEASEUNASSIGNED "MAY also contain information about the
 *   last DHCPv4 client" (7.3), so the message names that client;
 * - all configured addresses, no time qualifier, global VPN or every VPN:
 *   every address lq4_address_managed() accepts (the pools of each subnet in
 *   subnets4, the whole subnet when it has none), plus every address the
 *   store holds a binding for, each exactly once, in ascending order: in
 *   force DHCPLEASEACTIVE; a binding not in force DHCPLEASEUNASSIGNED with
 *   its state; no binding DHCPLEASEUNASSIGNED with dhcp-state AVAILABLE and
 *   no client. Why stored bindings outside the configured pools are
 *   returned too: the store mirrors the DHCP server's own lease database, so
 *   an address in it is one the DHCP server hands out, configured there if
 *   not in lqd's subnets4 (the single query answers it as DHCPLEASEUNASSIGNED
 *   rather than UNKNOWN for the same reason, lookup4.c); with no subnets4 at
 *   all the store is everything lqd knows. The configured ranges are merged
 *   with a cursor over the store (which yields IPv4 bindings in address
 *   order), addresses generated one at a time: a /8 costs no memory;
 * - all configured addresses of one VPN (not the global one): every binding
 *   of that VPN (the configured pools are the global VPN's);
 * - all configured addresses with a time qualifier: every binding that
 *   changed in the window (in the store's time order), then every address
 *   whose binding was deleted in the window and is still gone (gone.h: the
 *   address's last change is that delete; each address once) as
 *   DHCPLEASEUNASSIGNED with dhcp-state AVAILABLE and no client. The query
 *   exists "to update an existing database with changes after a particular
 *   point in time" (RFC 6926 4): a requestor must learn that an address it
 *   holds as leased is free again. An address that never had a binding
 *   has no change time, so it is never in a window. The deleted address
 *   is AVAILABLE whether it lies in a configured pool or not: the store
 *   mirrors the DHCP server's lease database, so an address that had a
 *   binding there is one the DHCP server hands out (the reason stored
 *   bindings outside the pools are returned above), and with its lease
 *   deleted the server may hand it out again; DHCPLEASEUNKNOWN is never
 *   sent in bulk. The history keeps the key only, not the VPN the binding
 *   was in: gone addresses are reported to every VPN qualifier. Bindings
 *   are keyed by address alone, so a deleted address has no binding in any
 *   VPN now and the message is true for each; a requestor of one VPN may
 *   learn of addresses it never held (a no-op for its copy) rather than
 *   keep a freed one as leased. Deletes older than the store's change
 *   history (history-limit entries) are not known;
 * - a primary query (by MAC, client identifier, remote-id, relay-id) with a
 *   time qualifier never reports a deleted binding: the history keeps only
 *   the key, so there is nothing to match the MAC address or the
 *   identifier against.
 *
 * Work per call: lq_bulk4_next writes one message. The merge produces one
 * message per step. A primary query without time qualifier skips the
 * bindings of its key that are not in force (or of another hardware type):
 * at most the bindings of one client, one relay or one remote-id. Bindings
 * of other VPNs are skipped by the store cursor. The deleted addresses of
 * a time-qualified query are found in batches (gone.h): a call that starts
 * a batch reads up to LQ_GONE_BATCH deletes of the window, and the history
 * after them once. */
#include <stdlib.h>
#include <string.h>

#include "bulk_internal.h"
#include "found4.h"
#include "gone.h"
#include "query4_common.h"
#include "../query/answer4_internal.h"
#include "lq/lqtime.h"

/* A message of the smallest buffer lq_bulk4_next accepts holds a
 * DHCPLEASEQUERYDONE with its status text. */
#define CAP_MIN 512

enum phase {
	PHASE_CURSOR,    /* one binding cursor */
	PHASE_MERGE,     /* configured ranges merged with every binding */
	PHASE_DONE,      /* DHCPLEASEQUERYDONE is next */
	PHASE_FINISHED,  /* DONE written */
};

/* An inclusive range of configured addresses, host order. */
struct range {
	uint32_t first, last;
};

struct lq_bulk4 {
	const struct lq_config *config;
	enum phase phase;
	struct lq4_bulk_reply reply;    /* xid, flags, giaddr, prl of the query */
	uint8_t prl[256];               /* the query's option codes, each once */
	uint8_t end_status;             /* the DONE's status-code; 0 = none */
	const char *end_text;
	uint64_t sent;                  /* messages written */

	struct lq_store_cursor *cursor; /* NULL: no (more) bindings */
	struct lq_gone_cursor *gone;    /* all addresses with a time qualifier:
					 * the deleted ones, after the cursor */
	bool active_only;               /* skip bindings not in force */
	bool check_htype;               /* by MAC: hardware types must match */
	uint8_t htype;

	/* PHASE_MERGE */
	struct range *ranges;
	size_t n_ranges;
	size_t range_i;                 /* the range of next_addr */
	uint32_t next_addr;             /* the next configured address */
	bool have_pending;              /* pending: the cursor's next binding */
	struct lq_binding pending;

	struct lq4_found found;         /* the message being written */
};

static uint32_t ip4_u32(lq_ip4 a)
{
	return (uint32_t)a.b[0] << 24 | (uint32_t)a.b[1] << 16 | (uint32_t)a.b[2] << 8 | a.b[3];
}

static lq_ip4 u32_ip4(uint32_t v)
{
	lq_ip4 a = { { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v } };

	return a;
}

static bool htype_matches(uint8_t query_htype, uint8_t binding_htype)
{
	return query_htype == 0 || binding_htype == 0 || query_htype == binding_htype;
}

/* ---- what the query asks ---- */

static const char *not_bulk_reason(uint8_t type)
{
	if (type == LQ4_LEASEQUERY)
		return "a DHCPLEASEQUERY over TCP: the bulk leasequery connection handles only "
		       "DHCPBULKLEASEQUERY (RFC 6926 5); single queries go over UDP";
	return "not a DHCPBULKLEASEQUERY: the bulk leasequery connection handles only "
	       "DHCPBULKLEASEQUERY (RFC 6926 5)";
}

/* The time qualifiers into the filter; a reason when they are malformed. */
static const char *time_qualifiers(const struct lq4_msg *m, struct lq_store_filter *filter)
{
	if (m->has_query_start_time) {
		filter->has_start_time = true;
		filter->start_time = lq_time_from_v4(m->query_start_time);
	}
	if (m->has_query_end_time) {
		filter->has_end_time = true;
		filter->end_time = lq_time_from_v4(m->query_end_time);
	}
	if (filter->has_start_time && filter->has_end_time && filter->end_time < filter->start_time)
		return "query-end-time is before query-start-time (RFC 6926 6.2.5, 6.2.6)";
	return NULL;
}

/* End the query with one DHCPLEASEQUERYDONE carrying status. */
static void fail(struct lq_bulk4 *q, struct lq_bulk_opened *opened, uint8_t status,
		 const char *reason)
{
	q->phase = PHASE_DONE;
	q->end_status = status;
	q->end_text = reason;
	opened->status = status;
	opened->reason = reason;
}

/* ---- all configured addresses ---- */

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a;
	const struct range *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static uint32_t prefix_mask(unsigned len)
{
	if (len == 0)
		return 0;
	if (len >= 32)
		return 0xffffffffu;
	return 0xffffffffu << (32 - len);
}

static void range_add(struct range *r, size_t *n, uint32_t first, uint32_t last)
{
	if (first > last)
		return;
	r[*n].first = first;
	r[*n].last = last;
	(*n)++;
}

/* The addresses lq4_address_managed() accepts, as sorted disjoint ranges:
 * each pool (within its subnet), each subnet without pools whole. */
static int build_ranges(struct lq_bulk4 *q)
{
	const struct lq_config *cfg = q->config;
	size_t cap = 0;
	size_t n = 0;

	for (size_t i = 0; i < cfg->n_subnets4; i++)
		cap += cfg->subnets4[i].n_pools > 0 ? cfg->subnets4[i].n_pools : 1;
	if (cap == 0)
		return 0;
	q->ranges = calloc(cap, sizeof(*q->ranges));
	if (q->ranges == NULL)
		return LQ_STORE_ERR_NOMEM;
	for (size_t i = 0; i < cfg->n_subnets4; i++) {
		const struct lq_config_subnet4 *s = &cfg->subnets4[i];
		uint32_t mask = prefix_mask(s->prefix_len);
		uint32_t lo = ip4_u32(s->prefix) & mask;
		uint32_t hi = lo | ~mask;

		if (s->n_pools == 0)
			range_add(q->ranges, &n, lo, hi);
		for (size_t k = 0; k < s->n_pools; k++) {
			uint32_t first = ip4_u32(s->pools[k].first);
			uint32_t last = ip4_u32(s->pools[k].last);

			range_add(q->ranges, &n, first > lo ? first : lo, last < hi ? last : hi);
		}
	}
	qsort(q->ranges, n, sizeof(*q->ranges), range_cmp);
	q->n_ranges = 0;
	for (size_t i = 0; i < n; i++) {
		struct range *prev = q->n_ranges > 0 ? &q->ranges[q->n_ranges - 1] : NULL;

		if (prev != NULL && (prev->last == UINT32_MAX || q->ranges[i].first <= prev->last + 1)) {
			if (q->ranges[i].last > prev->last)
				prev->last = q->ranges[i].last;
			continue;
		}
		q->ranges[q->n_ranges++] = q->ranges[i];
	}
	if (q->n_ranges > 0)
		q->next_addr = q->ranges[0].first;
	return 0;
}

static void advance_addr(struct lq_bulk4 *q)
{
	if (q->next_addr == q->ranges[q->range_i].last) {
		if (++q->range_i < q->n_ranges)
			q->next_addr = q->ranges[q->range_i].first;
		return;
	}
	q->next_addr++;
}

/* ---- the messages ---- */

/* The next binding of the cursor the query returns: 1 (found set), 0 at
 * the end, < 0 a store error. */
static int cursor_step(struct lq_bulk4 *q, int64_t now)
{
	struct lq_binding *b = &q->found.binding;
	int rc;

	if (q->cursor == NULL)
		return 0;
	for (;;) {
		rc = lq_store_cursor_next(q->cursor, b);
		if (rc == 0) {
			lq_store_cursor_close(q->cursor);
			q->cursor = NULL;
		}
		if (rc <= 0)
			return rc;
		if (q->check_htype && !htype_matches(q->htype, b->htype))
			continue;
		if (q->active_only && !lq4_binding_active(b, now))
			continue;
		lq4_found_binding(&q->found, &q->reply, b, now);
		return 1;
	}
}

/* The next address whose binding was deleted in the window: 1 (found set),
 * 0 at the end, < 0 a store error. */
static int gone_step(struct lq_bulk4 *q)
{
	struct lq_binding_key key;
	int rc;

	if (q->gone == NULL)
		return 0;
	rc = lq_gone_next(q->gone, &key);
	if (rc == 0) {
		lq_gone_close(q->gone);
		q->gone = NULL;
	}
	if (rc <= 0)
		return rc;
	lq4_found_available(&q->found, &q->reply, lq_binding_key_ip4(&key));
	return 1;
}

/* The next address of the merge of the configured ranges with the store's
 * bindings, both ascending: 1 (found set), 0 at the end, < 0 a store error. */
static int merge_step(struct lq_bulk4 *q, int64_t now)
{
	bool have_addr;
	uint32_t at = 0;
	int rc;

	if (!q->have_pending && q->cursor != NULL) {
		rc = lq_store_cursor_next(q->cursor, &q->pending);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			lq_store_cursor_close(q->cursor);
			q->cursor = NULL;
		}
		q->have_pending = rc == 1;
	}
	have_addr = q->range_i < q->n_ranges;
	if (q->have_pending)
		at = ip4_u32(lq_binding_key_ip4(&q->pending.key));
	if (!have_addr && !q->have_pending)
		return 0;
	if (have_addr && (!q->have_pending || q->next_addr < at)) {
		lq4_found_available(&q->found, &q->reply, u32_ip4(q->next_addr));
		advance_addr(q);
		return 1;
	}
	if (have_addr && q->next_addr == at)
		advance_addr(q);
	q->have_pending = false;
	lq4_found_binding(&q->found, &q->reply, &q->pending, now);
	return 1;
}

/* Write found (or the DONE) into out and count it. */
static int emit(struct lq_bulk4 *q, int64_t now, uint8_t *out, size_t cap, size_t *len,
		struct lq_bulk_progress *progress)
{
	bool done = q->found.reply_type == LQ4_LEASEQUERYDONE;

	q->reply.server_id = q->sent == 0;
	if (lq4_bulk_reply_write(q->config, now, &q->reply, &q->found, out, cap, len) < 0)
		return LQ_STORE_ERR_INVALID;
	q->sent++;
	progress->messages++;
	progress->status = done ? q->reply.status : 0;
	if (done) {
		progress->finished = true;
		q->phase = PHASE_FINISHED;
		lq_store_cursor_close(q->cursor);
		q->cursor = NULL;
		lq_gone_close(q->gone);
		q->gone = NULL;
	} else {
		progress->bindings++;
	}
	return 1;
}

static int emit_done(struct lq_bulk4 *q, int64_t now, uint8_t status, const char *text,
		     uint8_t *out, size_t cap, size_t *len, struct lq_bulk_progress *progress)
{
	lq4_found_status(&q->found, &q->reply, LQ4_LEASEQUERYDONE, status, text);
	return emit(q, now, out, cap, len, progress);
}

/* ---- setting the query up ---- */

/* The cursor (and for all addresses the ranges) of a well-formed query. */
static int start(struct lq_bulk4 *q, struct lq_store_reader *reader, const struct lq4_msg *m,
		 enum lq_query_kind kind, struct lq_store_filter *filter)
{
	bool timed = filter->has_start_time || filter->has_end_time;
	lq_bytes key = { NULL, 0 };
	int rc;

	filter->family = 4;
	q->phase = PHASE_CURSOR;
	q->active_only = !timed && kind != LQ_QUERY_V4_ALL_ADDRESSES;
	switch (kind) {
	case LQ_QUERY_V4_BY_MAC:
		filter->by = LQ_STORE_BY_HWADDR;
		key = (lq_bytes){ m->chaddr, m->hlen };
		q->check_htype = true;
		q->htype = m->htype;
		break;
	case LQ_QUERY_V4_BY_CLIENT_ID:
		filter->by = LQ_STORE_BY_CLIENT_ID;
		key = m->client_id;
		break;
	case LQ_QUERY_V4_BY_REMOTE_ID:
		filter->by = LQ_STORE_BY_REMOTE_ID;
		key = m->relay_info.remote_id;
		break;
	case LQ_QUERY_V4_BY_RELAY_ID:
		filter->by = LQ_STORE_BY_RELAY_ID;
		key = m->relay_info.relay_id;
		break;
	default:
		filter->by = LQ_STORE_BY_ALL;
		if (timed) {
			rc = lq_gone_open(reader, 4, filter->has_start_time, filter->start_time,
					  filter->has_end_time, filter->end_time, &q->gone);
			if (rc < 0)
				return rc;
		} else if (filter->vpn_match != LQ_STORE_VPN_EXACT) {
			q->phase = PHASE_MERGE;
			rc = build_ranges(q);
			if (rc < 0)
				return rc;
		}
		break;
	}
	if (filter->by != LQ_STORE_BY_ALL) {
		/* a key no binding can hold (the store keeps 1..255 octets):
		 * nothing matches */
		if (key.data == NULL || key.len == 0 || key.len > LQ_BINDING_MAX_SMALL)
			return 0;
		filter->value = key;
	}
	return lq_store_cursor_open(reader, filter, &q->cursor);
}

/* The checks of a decoded DHCPBULKLEASEQUERY (see the top of this file);
 * q is set up to run. Returns 0, or < 0 on a store error. */
static int check_and_start(struct lq_bulk4 *q, struct lq_store_reader *reader,
			   const struct lq4_msg *m, int primaries, struct lq_bulk_opened *opened)
{
	struct lq_store_filter filter;
	const char *reason;

	if (!lq4_query_addresses_zero(m)) {
		fail(q, opened, LQ4_STATUS_MALFORMED_QUERY,
		     "ciaddr, yiaddr or siaddr is not 0 in a DHCPBULKLEASEQUERY (RFC 6926 8.2)");
		return 0;
	}
	if (primaries > 1) {
		fail(q, opened, LQ4_STATUS_NOT_ALLOWED,
		     "more than one primary query (MAC address, client identifier, remote-id, "
		     "relay-id) in a DHCPBULKLEASEQUERY (RFC 6926 8.2)");
		return 0;
	}
	memset(&filter, 0, sizeof(filter));
	reason = time_qualifiers(m, &filter);
	if (reason == NULL)
		reason = lq4_query_vpn(m, &filter);
	if (reason != NULL) {
		fail(q, opened, LQ4_STATUS_MALFORMED_QUERY, reason);
		return 0;
	}
	return start(q, reader, m, opened->kind, &filter);
}

int lq_bulk4_open(const struct lq_query_env *env, struct lq_store_reader *reader,
		  const uint8_t *msg, size_t len, const struct lq_query_peer *peer,
		  struct lq_bulk4 **out, struct lq_bulk_opened *opened)
{
	struct lq4_msg m;
	struct lq_bulk4 *q;
	lq_err err;
	int primaries;
	int rc;

	*out = NULL;
	memset(opened, 0, sizeof(*opened));
	opened->action = LQ_BULK_CLOSE;
	if (msg == NULL) {
		opened->reason = "no message";
		return 0;
	}
	if ((err = lq4_decode(msg, len, &m, NULL)) != LQ_OK) {
		opened->reason = lq_strerror(err);
		return 0;
	}
	opened->msg_type = m.msg_type;
	opened->xid = m.xid;
	if (m.msg_type == LQ4_ACTIVELEASEQUERY || m.msg_type == LQ4_TLS) {
		opened->action = LQ_BULK_NOT_BULK;
		opened->kind = m.msg_type == LQ4_ACTIVELEASEQUERY ? LQ_QUERY_V4_ACTIVE
								  : LQ_QUERY_KIND_NONE;
		return 0;
	}
	if (m.msg_type != LQ4_BULKLEASEQUERY) {
		opened->reason = not_bulk_reason(m.msg_type);
		return 0;
	}
	if (m.op != LQ4_BOOTREQUEST) {
		opened->reason = "op is not BOOTREQUEST in a DHCPBULKLEASEQUERY (RFC 2131 2)";
		return 0;
	}
	opened->kind = lq4_query_primary(&m, &primaries);
	/* the access rules (RFC 6926 8.1, 9); a query of several primaries
	 * gets NotAllowed when the requestor may ask at all */
	if (!lq4_query_allowed(env->config, peer, opened->kind)) {
		opened->refused = true;
		if (env->config->refuse_by_dropping) {
			opened->reason = "requestor not allowed to ask this query type; refused-queries "
					 "is \"drop\": connection closed (RFC 6926 8.1)";
			return 0;
		}
	}

	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return LQ_STORE_ERR_NOMEM;
	q->config = env->config;
	lq4_found_reply_init(&q->reply, &m, q->prl);
	if (opened->refused) {
		fail(q, opened, LQ4_STATUS_NOT_ALLOWED,
		     "requestor not allowed to ask this query type (RFC 6926 8.1)");
		rc = 0;
	} else {
		rc = check_and_start(q, reader, &m, primaries, opened);
	}
	if (rc < 0) {
		lq_bulk4_close(q);
		opened->reason = lq_store_strerror(rc);
		return rc;
	}
	opened->action = LQ_BULK_RUN;
	*out = q;
	return 0;
}

/* ---- running ---- */

int lq_bulk4_next(struct lq_bulk4 *q, int64_t now, uint8_t *out, size_t cap, size_t *len,
		  struct lq_bulk_progress *progress)
{
	int rc = 0;

	*len = 0;
	if (q->phase == PHASE_FINISHED)
		return 0;
	if (out == NULL || cap < CAP_MIN)
		return LQ_STORE_ERR_INVALID;
	if (q->phase == PHASE_CURSOR) {
		rc = cursor_step(q, now);
		if (rc == 0)
			rc = gone_step(q);
	} else if (q->phase == PHASE_MERGE)
		rc = merge_step(q, now);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return emit_done(q, now, q->end_status, q->end_text, out, cap, len, progress);
	return emit(q, now, out, cap, len, progress);
}

int lq_bulk4_terminate(struct lq_bulk4 *q, int64_t now, const char *text, uint8_t *out,
		       size_t cap, size_t *len, struct lq_bulk_progress *progress)
{
	*len = 0;
	if (q->phase == PHASE_FINISHED)
		return 0;
	if (out == NULL || cap < CAP_MIN)
		return LQ_STORE_ERR_INVALID;
	return emit_done(q, now, LQ4_STATUS_QUERY_TERMINATED, text, out, cap, len, progress);
}

void lq_bulk4_close(struct lq_bulk4 *q)
{
	if (q == NULL)
		return;
	lq_store_cursor_close(q->cursor);
	lq_gone_close(q->gone);
	free(q->ranges);
	free(q);
}
