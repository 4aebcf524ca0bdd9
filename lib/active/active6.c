/* active6.c - the DHCPv6 active leasequery engine (RFC 7653): checks an
 * ACTIVELEASEQUERY received over TCP, then writes, one message per call,
 * one LEASEQUERY-REPLY, the catch-up (when the query has an
 * OPTION_LQ_START_TIME) and the live changes of the store as
 * LEASEQUERY-DATA messages, each with one OPTION_CLIENT_DATA written as a
 * bulk query writes it (lib/query/client_data6.c), and LEASEQUERY-DONE only
 * when lqd ends the query. Catch-up reads the store as a bulk query with a
 * start time does (bulk6_scan.c: one client's bindings on one link per
 * OPTION_CLIENT_DATA).
 *
 * The rules of RFC 7653 (sections of the draft that became it, -03, kept in
 * the repository's specs; the RFC numbers them the same) and lq's choices:
 * - a message that does not decode or is not an ACTIVELEASEQUERY (a
 *   LEASEQUERY, STARTTLS, a RELAY-FORW: active leasequery is not relayed,
 *   3) closes the connection; so does a server without a DUID.
 * - the access rules (query type "active"): a requestor that may not ask
 *   gets one LEASEQUERY-REPLY with NotAllowed, or with refused-queries
 *   "drop" the connection is closed.
 * - errors at the start are answered by one LEASEQUERY-REPLY with the
 *   status, and the query ends (9.3, 8.6.1): OPTION_LQ_END_TIME
 *   (MalformedQuery, 6.3.3 and 9.3), no OPTION_CLIENTID or one longer
 *   than a DUID, an OPTION_LQ_QUERY without what its query-type needs
 *   (MalformedQuery), an unknown query-type (UnknownQueryType), an
 *   OPTION_SERVERID that is not ours (NotAllowed), a link-address no
 *   configured subnet or binding knows, an address outside them
 *   (NotConfigured, as for a bulk query).
 * - no OPTION_LQ_QUERY: every binding (6.2.1). With one, what it selects,
 *   tested on each changed binding: QUERY_BY_CLIENTID, _RELAY_ID,
 *   _REMOTE_ID: that value; QUERY_BY_LINK_ADDRESS: the bindings on that
 *   link (:: every link); QUERY_BY_ADDRESS: the bindings whose address or
 *   prefix holds the address; a non-zero link-address restricts every type
 *   to that link. These are the rules of bulk6_scan.c (which finds the same
 *   bindings with cursors) stated for one binding. A binding that stops
 *   matching (moved to another link, another relay) is not reported.
 *   Catch-up is the bulk query with the start time: QUERY_BY_ADDRESS there
 *   follows the client holding the address when the query arrives.
 * - the LEASEQUERY-REPLY comes first, exactly once (6.2.3), written at the
 *   first call: without a start time at once and empty, as the acceptance
 *   of the query (nothing has changed yet); with a catch-up it carries the
 *   first client's data (6.2.3), or is empty when there is none; when the
 *   history does not reach back to the start time it carries DataMissing
 *   and OPTION_LQ_BASE_TIME, and only live changes follow (8.4.1, 8.6.2).
 * - catch-up (9.3, 8.4.1): every binding that changed at or after the start
 *   time, as in the snapshot the query began with, active or not (those
 *   that are not have lifetimes 0), grouped per client and link as a bulk
 *   query groups them; then for a query without OPTION_LQ_QUERY the leases
 *   deleted since and still absent, once each (lib/bulk/gone.c; below);
 *   then a LEASEQUERY-DATA with CatchUpComplete (9.3); then the live
 *   changes made since the query began.
 * - live: every change in the history after the query's position, in
 *   order: the changed binding as it is in the snapshot of the call, with
 *   its client's other active bindings on the same link that the query
 *   selects, in one OPTION_CLIENT_DATA (the changed one with lifetimes 0
 *   when it is no longer active). When the history was pruned past the
 *   query's position, a LEASEQUERY-DATA with DataMissing and
 *   OPTION_LQ_BASE_TIME, then the changes still kept (8.4.1).
 * - a deleted lease: the store forgets the deleted binding with its DUID;
 *   only the address or prefix is known. A query without OPTION_LQ_QUERY
 *   gets an OPTION_CLIENT_DATA holding only that OPTION_IAADDR (or
 *   OPTION_IAPREFIX) with lifetimes 0 and no OPTION_CLIENTID: the
 *   requestor learns that the lease is gone (8.4.1: at least one message
 *   for every binding that changed) and can find it by address. A query
 *   that selects bindings gets nothing for a delete, since whether the
 *   deleted binding matched cannot be known; it learns of a lease's end
 *   from the change that ends it (release, expiry), which sources report
 *   before deleting.
 * - OPTION_LQ_BASE_TIME in every message when the ORO of the
 *   OPTION_LQ_QUERY or a top-level ORO asks for it (9.3), and always in a
 *   message with DataMissing (8.4.1) and in the LEASEQUERY-DONE of
 *   QueryTerminated (8.4). The ORO of OPTION_LQ_QUERY (else the top-level
 *   one) also selects the optional options of OPTION_CLIENT_DATA.
 * - the keepalive (8.4: LEASEQUERY-DATA without client data every
 *   ACTIVE_LQ_IDLE_TIMEOUT) and QueryTerminated (9.5: LEASEQUERY-DONE) are
 *   written when the transport asks.
 * - OPTION_VSS is not looked at (as bulk6.c).
 *
 * Work per call: one message. The live feed reads at most
 * LQ_ACTIVE_HISTORY_BUDGET history entries (those of DHCPv4, of bindings
 * the query does not select) before returning LQ_ACTIVE_AGAIN; a group is
 * at most LQ6_ACTIVE_GROUP_MAX bindings. */
#include <stdlib.h>
#include <string.h>

#include "active_internal.h"
#include "../bulk/bulk6_scan.h"
#include "../bulk/query6_common.h"
#include "lq/client_data6.h"
#include "lq/lqtime.h"

/* Leases per OPTION_CLIENT_DATA (as bulk6.c): the message stays well below
 * 64 KiB. A live group larger than this keeps the changed binding and the
 * first others: a client with more leases on one link is not sensible. */
#define LQ6_ACTIVE_CHUNK 1024
#define LQ6_ACTIVE_GROUP_MAX LQ6_ACTIVE_CHUNK
#define TEXT_MAX 255

static const char r_undecodable[] = "undecodable DHCPv6 message (RFC 7653)";
static const char r_not_active[] =
	"not an ACTIVELEASEQUERY: the active leasequery engine answers only ACTIVELEASEQUERY "
	"(RFC 7653 6.2.1)";
static const char r_no_duid[] = "no server DUID configured (RFC 5007 4.4.1)";
static const char r_refused[] =
	"requestor not allowed to ask an active leasequery; refused-queries is \"drop\": "
	"connection closed";

static const char msg_not_allowed[] = "active leasequery not allowed for this requestor";
static const char msg_no_client_id[] = "ACTIVELEASEQUERY without OPTION_CLIENTID (RFC 5007 4.2.1)";
static const char msg_end_time[] =
	"OPTION_LQ_END_TIME in an ACTIVELEASEQUERY (RFC 7653 6.3.3, 9.3)";
static const char msg_data_missing[] =
	"the change history does not reach back to OPTION_LQ_START_TIME: fill the gap with a "
	"bulk leasequery (RFC 7653 8.4.1)";
static const char msg_fell_behind[] =
	"changes were dropped from the history before this query read them: fill the gap with "
	"a bulk leasequery (RFC 7653 8.4.1)";

enum phase {
	PH_FIRST,       /* the LEASEQUERY-REPLY is next */
	PH_CATCHUP,     /* groups changed since the start time */
	PH_GONE,        /* leases deleted since the start time */
	PH_COMPLETE,    /* CatchUpComplete is next */
	PH_LIVE,
	PH_FINISHED,
};

struct lq_active6 {
	const struct lq_config *config;
	enum phase phase;
	uint32_t xid;
	uint8_t client_id[LQ_CONFIG_MAX_DUID];  /* the requestor's, echoed */
	size_t client_id_len;
	uint8_t *oro;                           /* for OPTION_CLIENT_DATA */
	size_t oro_len;
	bool want_base_time;
	uint16_t first_status;                  /* of the REPLY: an error ends the query */
	const char *first_text;
	bool catch_up;                          /* after the REPLY: catch-up */

	/* what the query selects (see the top of this file) */
	bool selects;                           /* has an OPTION_LQ_QUERY */
	uint8_t qtype;
	uint8_t value[LQ_BINDING_MAX_SMALL];    /* CLIENTID, RELAY_ID, REMOTE_ID */
	size_t value_len;
	lq_ip6 address;                         /* QUERY_BY_ADDRESS */
	bool has_link;
	struct lq6_link link;
	bool deletes;                           /* deleted leases are reported */

	/* catch-up, in the snapshot the query began with */
	struct lq_store_reader *open_reader;
	int64_t start;
	struct lq6_scan scan;
	size_t group_sent;                      /* of scan.group */
	struct lq_gone_cursor *gone;        /* deleted keys (lib/bulk/gone.c) */

	struct lq_active_feed feed;
	struct lq_binding *group;               /* a live change's group */
	size_t group_n, group_cap;
};

static bool sensitive(const struct lq_active6 *q, uint16_t code)
{
	return lq_config_option_sensitive(q->config, 6, code);
}

static bool is_v6_lease(const struct lq_binding *b)
{
	return b->key.family == 6 &&
	       (b->type == LQ_LEASE_NA || b->type == LQ_LEASE_TA || b->type == LQ_LEASE_PD);
}

static bool has_duid(const struct lq_binding *b)
{
	return b->client_id.data != NULL && b->client_id.len > 0 &&
	       b->client_id.len <= LQ_BINDING_MAX_SMALL;
}

/* ---- checking the query ---- */

/* The status the query fails with before looking at the store, 0 if none
 * (RFC 5007 4.2.1, RFC 5460, RFC 7653 6.3.3 and 9.3). */
static uint16_t validate(const struct lq6_msg *m, const struct lq_config *cfg, const char **why)
{
	*why = lq6_query_client_id_problem(m, msg_no_client_id);
	if (*why == NULL && m->has_end_time)
		*why = msg_end_time;
	if (*why != NULL)
		return LQ6_STATUS_MALFORMED_QUERY;
	*why = lq6_query_server_id_problem(m, cfg);
	if (*why != NULL)
		return LQ6_STATUS_NOT_ALLOWED;
	if (!m->query.present)
		return LQ6_STATUS_SUCCESS;
	return lq6_query_check(&m->query, why);
}

static bool allowed(const struct lq_config *cfg, const struct lq_query_peer *peer)
{
	return peer != NULL && lq_config_query_allowed(cfg, peer->family, peer->addr,
						       LQ_QUERY_V6_ACTIVE);
}

static void set_value(struct lq_active6 *q, const uint8_t *data, size_t len)
{
	if (len > 0)
		memcpy(q->value, data, len);
	q->value_len = len;
}

/* What the query selects, kept for testing each changed binding. */
static void keep_selection(struct lq_active6 *q, const struct lq6_query *qy)
{
	const struct lq6_remote_id *r = &qy->remote_id;

	q->selects = qy->present;
	if (!qy->present) {
		q->deletes = !sensitive(q, LQ6_OPT_CLIENT_DATA);
		return;
	}
	q->qtype = qy->type;
	switch (qy->type) {
	case LQ6_QUERY_BY_ADDRESS:
		q->address = qy->iaaddr.addr;
		break;
	case LQ6_QUERY_BY_CLIENTID:
		set_value(q, qy->client_id.data, qy->client_id.len);
		break;
	case LQ6_QUERY_BY_RELAY_ID:
		set_value(q, qy->relay_id.data, qy->relay_id.len);
		break;
	case LQ6_QUERY_BY_REMOTE_ID:
		/* as the store keeps it: enterprise number, then the id */
		q->value[0] = (uint8_t)(r->enterprise >> 24);
		q->value[1] = (uint8_t)(r->enterprise >> 16);
		q->value[2] = (uint8_t)(r->enterprise >> 8);
		q->value[3] = (uint8_t)r->enterprise;
		if (r->id.len > 0)
			memcpy(q->value + 4, r->id.data, r->id.len);
		q->value_len = 4 + r->id.len;
		break;
	default:
		break;
	}
	if (!lq6_ip_is_zero(&qy->link_address)) {
		q->has_link = true;
		q->link = lq6_link_of_address(q->config, &qy->link_address);
	}
}

static bool value_equal(const struct lq_active6 *q, lq_bytes v)
{
	return v.len == q->value_len && v.len > 0 && memcmp(v.data, q->value, v.len) == 0;
}

/* Does the query select b (see the top of this file)? */
static bool selects(const struct lq_active6 *q, const struct lq_binding *b)
{
	bool ok;

	if (!is_v6_lease(b))
		return false;
	if (!q->selects)
		return true;
	switch (q->qtype) {
	case LQ6_QUERY_BY_ADDRESS:
		ok = b->key.prefix_len <= 128 &&
		     lq6_prefix_contains(&b->key.addr, b->key.prefix_len, &q->address);
		break;
	case LQ6_QUERY_BY_CLIENTID:
		ok = value_equal(q, b->client_id);
		break;
	case LQ6_QUERY_BY_RELAY_ID:
		ok = value_equal(q, b->relay_id);
		break;
	case LQ6_QUERY_BY_REMOTE_ID:
		ok = value_equal(q, b->remote_id);
		break;
	default:
		ok = true;
		break;
	}
	if (ok && q->has_link) {
		struct lq6_link here = lq6_link_of_binding(q->config, b);

		ok = lq6_link_same(&here, &q->link);
	}
	return ok;
}

/* Keep what the messages need from m (which the caller frees). */
static int keep(struct lq_active6 *q, const struct lq6_msg *m)
{
	lq_bytes oro = m->query.oro.data != NULL && m->query.oro.len > 0 ? m->query.oro : m->oro;

	q->xid = m->xid;
	q->client_id_len = lq6_query_copy_client_id(m, q->client_id);
	q->want_base_time = lq6_query_wants_base_time(m);
	if (oro.data != NULL && oro.len > 0) {
		q->oro = malloc(oro.len);
		if (q->oro == NULL)
			return LQ_STORE_ERR_NOMEM;
		memcpy(q->oro, oro.data, oro.len);
		q->oro_len = oro.len;
	}
	return LQ_STORE_OK;
}

/* Set the query of a valid message up; q->first_status may become an
 * error (NotConfigured) or DataMissing. */
static int plan(struct lq_active6 *q, const struct lq_query_env *env,
		struct lq_store_reader *reader, const struct lq6_msg *m)
{
	struct lq6_query every = { .present = true, .type = LQ6_QUERY_BY_LINK_ADDRESS };
	struct lq6_scan *s = &q->scan;
	bool covers = true;
	int rc;

	keep_selection(q, &m->query);
	q->feed.family = 6;
	s->config = env->config;
	s->reader = reader;
	s->now = env->now;
	s->include_inactive = true;
	s->has_start = m->has_start_time;
	s->start = lq_time_from_v6(m->start_time);
	/* the scan is the catch-up; without one it only checks the query
	 * (NotConfigured ...) */
	rc = lq6_scan_setup(s, m->query.present ? &m->query : &every, &q->first_status,
			    &q->first_text);
	if (rc < 0 || q->first_status != LQ6_STATUS_SUCCESS || !m->has_start_time) {
		lq6_scan_free(s);
		if (rc < 0)
			return rc;
		return lq_active_history_covers(reader, 0, &covers, &q->feed.position);
	}
	q->start = s->start;
	rc = lq_active_history_covers(reader, q->start, &covers, &q->feed.position);
	if (rc < 0)
		return rc;
	if (!covers) {
		lq6_scan_free(s);
		q->first_status = LQ6_STATUS_DATA_MISSING;
		q->first_text = msg_data_missing;
		return 0;
	}
	q->open_reader = reader;
	q->catch_up = true;
	return 0;
}

int lq_active6_open(const struct lq_query_env *env, struct lq_store_reader *reader,
		    const uint8_t *msg, size_t len, const struct lq_query_peer *peer,
		    struct lq_active6 **out, struct lq_bulk_opened *opened)
{
	const struct lq_config *cfg = env->config;
	struct lq6_msg m;
	struct lq_active6 *q;
	int rc;

	*out = NULL;
	memset(opened, 0, sizeof(*opened));
	opened->action = LQ_BULK_CLOSE;
	if (msg == NULL || lq6_decode(msg, len, &m, NULL) != LQ_OK) {
		opened->reason = r_undecodable;
		return 0;
	}
	opened->msg_type = m.type;
	if (m.type != LQ6_ACTIVELEASEQUERY) {
		opened->reason = r_not_active;
		return 0;
	}
	opened->xid = m.xid;
	opened->kind = LQ_QUERY_V6_ACTIVE;
	if (cfg->server_duid_len == 0) {
		opened->reason = r_no_duid;
		return 0;
	}
	if (!allowed(cfg, peer)) {
		opened->refused = true;
		if (cfg->refuse_by_dropping) {
			opened->reason = r_refused;
			return 0;
		}
	}
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return LQ_STORE_ERR_NOMEM;
	q->config = cfg;
	q->phase = PH_FIRST;
	rc = keep(q, &m);
	if (opened->refused) {
		q->first_status = LQ6_STATUS_NOT_ALLOWED;
		q->first_text = msg_not_allowed;
	} else {
		q->first_status = validate(&m, cfg, &q->first_text);
	}
	if (rc == LQ_STORE_OK && q->first_status == LQ6_STATUS_SUCCESS)
		rc = plan(q, env, reader, &m);
	if (rc < 0) {
		lq_active6_close(q);
		return rc;
	}
	opened->action = LQ_BULK_RUN;
	opened->status = q->first_status;
	opened->reason = q->first_text;
	*out = q;
	return 0;
}

/* ---- messages ---- */

static void start(const struct lq_active6 *q, struct lq6_writer *w, uint8_t *out, size_t cap,
		  uint8_t type)
{
	lq6w_init(w, out, cap);
	lq6w_header(w, type, q->xid);
}

/* Status (when not Success) and base-time (when asked, and always with
 * DataMissing and QueryTerminated). */
static void status_and_time(const struct lq_active6 *q, struct lq6_writer *w, int64_t now,
			    uint16_t status, const char *text)
{
	if (status != LQ6_STATUS_SUCCESS)
		lq6w_status(w, status, text);
	if (q->want_base_time || status == LQ6_STATUS_DATA_MISSING ||
	    status == LQ6_STATUS_QUERY_TERMINATED)
		lq6w_option_u32(w, LQ6_OPT_LQ_BASE_TIME, lq_time_to_v6(now));
}

/* The LEASEQUERY-REPLY's own options: server, requestor, status, time. */
static void reply_head(const struct lq_active6 *q, struct lq6_writer *w, int64_t now,
		       uint16_t status, const char *text)
{
	lq6w_option(w, LQ6_OPT_SERVERID, q->config->server_duid, q->config->server_duid_len);
	if (q->client_id_len > 0)
		lq6w_option(w, LQ6_OPT_CLIENTID, q->client_id, q->client_id_len);
	status_and_time(q, w, now, status, text);
}

static size_t client_data(const struct lq_active6 *q, struct lq6_writer *w, int64_t now,
			  const struct lq_binding *v, size_t n)
{
	struct lq6_client_data_ctx ctx = {
		.config = q->config,
		.now = now,
		.oro = { q->oro, q->oro_len },
		/* the bindings were chosen: one no longer active is sent with
		 * lifetimes 0 (gone) */
		.include_inactive = true,
	};

	return lq6_client_data_write(w, &ctx, v, n);
}

/* The next chunk of the catch-up group. */
static size_t scan_chunk(struct lq_active6 *q, struct lq6_writer *w, int64_t now)
{
	size_t n = q->scan.group_n - q->group_sent;

	if (n > LQ6_ACTIVE_CHUNK)
		n = LQ6_ACTIVE_CHUNK;
	q->group_sent += n;
	return client_data(q, w, now, q->scan.group + q->group_sent - n, n);
}

/* OPTION_CLIENT_DATA of a deleted lease: only its address or prefix, with
 * lifetimes 0 (see the top of this file). Returns the leases written. */
static size_t gone_data(const struct lq_active6 *q, struct lq6_writer *w,
			const struct lq_binding_key *key)
{
	bool prefix = key->prefix_len != 128;

	if (sensitive(q, prefix ? LQ6_OPT_IAPREFIX : LQ6_OPT_IAADDR))
		return 0;
	lq6w_open(w, LQ6_OPT_CLIENT_DATA);
	if (prefix)
		lq6w_iaprefix(w, &key->addr, key->prefix_len, 0, 0);
	else
		lq6w_iaaddr(w, &key->addr, 0, 0);
	lq6w_close(w);
	return 1;
}

/* Finish a message: count it; last: the query ends with it. */
static int finish(struct lq_active6 *q, struct lq6_writer *w, size_t *len, size_t leases,
		  uint16_t status, bool last, struct lq_bulk_progress *progress)
{
	if (lq6w_finish(w, len) != LQ_OK) {
		*len = 0;
		return LQ_STORE_ERR_INVALID;    /* only with cap < LQ_BULK_MSG_MAX */
	}
	progress->messages++;
	progress->bindings += leases;
	if (status != LQ6_STATUS_SUCCESS)
		progress->status = status;
	if (last) {
		progress->finished = true;
		q->phase = PH_FINISHED;
		lq6_scan_free(&q->scan);
		lq_gone_close(q->gone);
		q->gone = NULL;
		lq_active_feed_end(&q->feed);
	}
	return 1;
}

/* A LEASEQUERY-DATA with a status and no client data. */
static int data_status(struct lq_active6 *q, int64_t now, uint16_t status, const char *text,
		       uint8_t *out, size_t cap, size_t *len, struct lq_bulk_progress *progress)
{
	struct lq6_writer w;

	start(q, &w, out, cap, LQ6_LEASEQUERY_DATA);
	status_and_time(q, &w, now, status, text);
	return finish(q, &w, len, 0, status, false, progress);
}

/* ---- running ---- */

/* The next catch-up group, or what is left of the last one: 1 when there
 * is one. */
static int scan_more(struct lq_active6 *q)
{
	int rc;

	if (q->group_sent < q->scan.group_n)
		return 1;
	rc = lq6_scan_next_group(&q->scan);
	q->group_sent = 0;
	return rc;
}

static int first(struct lq_active6 *q, int64_t now, uint8_t *out, size_t cap, size_t *len,
		 struct lq_bulk_progress *progress)
{
	struct lq6_writer w;
	size_t leases = 0;
	int rc = 0;

	if (q->first_status != LQ6_STATUS_SUCCESS) {
		bool fatal = q->first_status != LQ6_STATUS_DATA_MISSING;

		start(q, &w, out, cap, LQ6_LEASEQUERY_REPLY);
		reply_head(q, &w, now, q->first_status, q->first_text);
		q->phase = PH_LIVE;
		return finish(q, &w, len, 0, q->first_status, fatal, progress);
	}
	if (q->catch_up) {
		rc = scan_more(q);
		if (rc < 0)
			return rc;
	}
	start(q, &w, out, cap, LQ6_LEASEQUERY_REPLY);
	reply_head(q, &w, now, LQ6_STATUS_SUCCESS, NULL);
	if (rc == 1)
		leases = scan_chunk(q, &w, now);
	q->phase = !q->catch_up ? PH_LIVE : rc == 1 ? PH_CATCHUP : PH_GONE;
	return finish(q, &w, len, leases, LQ6_STATUS_SUCCESS, false, progress);
}

/* The next deleted lease of the catch-up into a LEASEQUERY-DATA: 1, 0 at
 * the end, LQ_ACTIVE_AGAIN. */
static int gone_step(struct lq_active6 *q, int64_t now, uint8_t *out, size_t cap, size_t *len,
		     struct lq_bulk_progress *progress)
{
	struct lq_binding_key key;
	struct lq6_writer w;
	size_t leases;
	int rc;

	if (!q->deletes)
		return 0;
	for (unsigned budget = LQ_ACTIVE_HISTORY_BUDGET; budget > 0; budget--) {
		rc = lq_active_gone_next(q->open_reader, 6, q->start, &q->gone, &key);
		if (rc != 1)
			return rc;
		start(q, &w, out, cap, LQ6_LEASEQUERY_DATA);
		status_and_time(q, &w, now, LQ6_STATUS_SUCCESS, NULL);
		leases = gone_data(q, &w, &key);
		if (leases > 0)
			return finish(q, &w, len, leases, LQ6_STATUS_SUCCESS, false, progress);
	}
	return LQ_ACTIVE_AGAIN;
}

static int push(struct lq_active6 *q, const struct lq_binding *b)
{
	if (q->group_n == q->group_cap) {
		size_t cap = q->group_cap == 0 ? 8 : q->group_cap * 2;
		struct lq_binding *v = realloc(q->group, cap * sizeof(*v));

		if (v == NULL)
			return LQ_STORE_ERR_NOMEM;
		q->group = v;
		q->group_cap = cap;
	}
	q->group[q->group_n++] = *b;
	return LQ_STORE_OK;
}

static bool key_equal(const struct lq_binding_key *a, const struct lq_binding_key *b)
{
	return a->prefix_len == b->prefix_len && memcmp(a->addr.b, b->addr.b, sizeof(a->addr.b)) == 0;
}

/* The group of changed binding b in reader: b, then its client's other
 * active bindings on b's link that the query selects (not for
 * QUERY_BY_ADDRESS, which asks for one address). */
static int gather(struct lq_active6 *q, struct lq_store_reader *reader, const struct lq_binding *b,
		  int64_t now)
{
	struct lq_store_filter f;
	struct lq_store_cursor *c;
	struct lq_binding m;
	struct lq6_link here;
	int rc;

	q->group_n = 0;
	rc = push(q, b);
	if (rc < 0 || !has_duid(b) || (q->selects && q->qtype == LQ6_QUERY_BY_ADDRESS))
		return rc;
	here = lq6_link_of_binding(q->config, b);
	memset(&f, 0, sizeof(f));
	f.family = 6;
	f.by = LQ_STORE_BY_CLIENT_ID;
	f.value = b->client_id;
	rc = lq_store_cursor_open(reader, &f, &c);
	if (rc < 0)
		return rc;
	while (q->group_n < LQ6_ACTIVE_GROUP_MAX && (rc = lq_store_cursor_next(c, &m)) == 1) {
		struct lq6_link there;

		if (key_equal(&m.key, &b->key) || !lq6_binding_reportable(&m, now) || !selects(q, &m))
			continue;
		there = lq6_link_of_binding(q->config, &m);
		if (!lq6_link_same(&here, &there))
			continue;
		rc = push(q, &m);
		if (rc < 0)
			break;
	}
	lq_store_cursor_close(c);
	return rc < 0 ? rc : 0;
}

/* The next live change into a LEASEQUERY-DATA: 1, 0 none until the store
 * changes, LQ_ACTIVE_AGAIN; DataMissing first when the query fell behind. */
static int live_step(struct lq_active6 *q, struct lq_store_reader *reader, int64_t now,
		     uint8_t *out, size_t cap, size_t *len, struct lq_bulk_progress *progress)
{
	struct lq_store_history_entry e;
	struct lq_binding b;
	struct lq6_writer w;
	size_t leases = 0;
	bool missing;
	int rc = lq_active_feed_begin(&q->feed, reader, &missing);

	if (rc < 0 || missing) {
		lq_active_feed_end(&q->feed);
		if (rc < 0)
			return rc;
		return data_status(q, now, LQ6_STATUS_DATA_MISSING, msg_fell_behind, out, cap, len,
				   progress);
	}
	while ((rc = lq_active_feed_next(&q->feed, &e)) == 1) {
		rc = lq_store_get(reader, &e.key, &b, NULL);
		if (rc < 0)
			break;
		if (rc == 1 && selects(q, &b) && !sensitive(q, LQ6_OPT_CLIENT_DATA)) {
			rc = gather(q, reader, &b, now);
			if (rc < 0)
				break;
			start(q, &w, out, cap, LQ6_LEASEQUERY_DATA);
			status_and_time(q, &w, now, LQ6_STATUS_SUCCESS, NULL);
			leases = client_data(q, &w, now, q->group, q->group_n);
			rc = 1;
			break;
		}
		if (rc == 0 && q->deletes) {
			start(q, &w, out, cap, LQ6_LEASEQUERY_DATA);
			status_and_time(q, &w, now, LQ6_STATUS_SUCCESS, NULL);
			leases = gone_data(q, &w, &e.key);
			if (leases > 0) {
				rc = 1;
				break;
			}
		}
	}
	lq_active_feed_end(&q->feed);
	if (rc != 1)
		return rc;
	return finish(q, &w, len, leases, LQ6_STATUS_SUCCESS, false, progress);
}

int lq_active6_next(struct lq_active6 *q, struct lq_store_reader *reader, int64_t now,
		    uint8_t *out, size_t cap, size_t *len, struct lq_bulk_progress *progress)
{
	struct lq6_writer w;
	size_t leases;
	int rc;

	switch (q->phase) {
	case PH_FIRST:
		return first(q, now, out, cap, len, progress);
	case PH_CATCHUP:
		rc = scan_more(q);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			start(q, &w, out, cap, LQ6_LEASEQUERY_DATA);
			status_and_time(q, &w, now, LQ6_STATUS_SUCCESS, NULL);
			leases = scan_chunk(q, &w, now);
			return finish(q, &w, len, leases, LQ6_STATUS_SUCCESS, false, progress);
		}
		lq6_scan_free(&q->scan);
		q->phase = PH_GONE;
		/* fall through */
	case PH_GONE:
		rc = gone_step(q, now, out, cap, len, progress);
		if (rc != 0)
			return rc;
		q->phase = PH_COMPLETE;
		/* fall through */
	case PH_COMPLETE:
		lq_active_gone_end(&q->gone, &q->open_reader);
		q->phase = PH_LIVE;
		return data_status(q, now, LQ6_STATUS_CATCH_UP_COMPLETE, NULL, out, cap, len, progress);
	case PH_LIVE:
		return live_step(q, reader, now, out, cap, len, progress);
	default:
		return 0;
	}
}

int lq_active6_keepalive(struct lq_active6 *q, int64_t now, uint8_t *out, size_t cap,
			 size_t *len, struct lq_bulk_progress *progress)
{
	if (q->phase == PH_FIRST)       /* the REPLY comes first, whatever it says */
		return first(q, now, out, cap, len, progress);
	return data_status(q, now, LQ6_STATUS_SUCCESS, NULL, out, cap, len, progress);
}

/* text, cut to TEXT_MAX octets at a UTF-8 character boundary. */
static void cut_text(char out[TEXT_MAX + 1], const char *text)
{
	size_t n = text != NULL ? strnlen(text, TEXT_MAX + 1) : 0;

	if (n > TEXT_MAX) {
		n = TEXT_MAX;
		while (n > 0 && ((uint8_t)text[n] & 0xc0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(out, text, n);
	out[n] = '\0';
}

int lq_active6_terminate(struct lq_active6 *q, int64_t now, const char *text, uint8_t *out,
			 size_t cap, size_t *len, struct lq_bulk_progress *progress)
{
	char cut[TEXT_MAX + 1];
	struct lq6_writer w;

	cut_text(cut, text);
	if (q->phase == PH_FIRST) {
		start(q, &w, out, cap, LQ6_LEASEQUERY_REPLY);
		reply_head(q, &w, now, LQ6_STATUS_QUERY_TERMINATED, cut);
	} else {
		start(q, &w, out, cap, LQ6_LEASEQUERY_DONE);
		status_and_time(q, &w, now, LQ6_STATUS_QUERY_TERMINATED, cut);
	}
	return finish(q, &w, len, 0, LQ6_STATUS_QUERY_TERMINATED, true, progress);
}

bool lq_active6_catching_up(const struct lq_active6 *q)
{
	return (q->phase == PH_FIRST && q->catch_up) || q->phase == PH_CATCHUP ||
	       q->phase == PH_GONE || q->phase == PH_COMPLETE;
}

void lq_active6_close(struct lq_active6 *q)
{
	if (q == NULL)
		return;
	lq6_scan_free(&q->scan);
	lq_gone_close(q->gone);
	lq_active_feed_end(&q->feed);
	free(q->group);
	free(q->oro);
	free(q);
}
