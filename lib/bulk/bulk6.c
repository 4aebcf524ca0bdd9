/* bulk6.c - DHCPv6 bulk leasequery (RFC 5460) with the time options of
 * RFC 7653 section 5: takes one LEASEQUERY received over TCP, applies the
 * access rules and the validity rules, and writes its answer one message
 * at a time from one store snapshot: a LEASEQUERY-REPLY (our
 * OPTION_SERVERID, the requestor's OPTION_CLIENTID, OPTION_STATUS_CODE
 * when the query fails, the first client's OPTION_CLIENT_DATA), then a
 * LEASEQUERY-DATA per further client, then a LEASEQUERY-DONE. A query that
 * fails, or finds nothing, is answered by the LEASEQUERY-REPLY alone. What
 * is sent, and how bindings are grouped, is bulk6_scan.c's part.
 *
 * Rules and lq's choices where the RFCs leave room:
 * - an undecodable message, a RELAY-FORW (bulk leasequery goes straight
 *   from requestor to server over TCP, RFC 5460) or any type but
 *   LEASEQUERY: the connection is closed (the transport is told why);
 *   ACTIVELEASEQUERY and STARTTLS go back to the transport, which handles
 *   them (RFC 7653).
 * - a requestor the access rules refuse: one LEASEQUERY-REPLY with
 *   NotAllowed, or the connection closed when refused-queries is "drop"
 *   (RFC 5007 4.4.1: NotAllowed or discard; over TCP a discarded query
 *   would leave the requestor waiting).
 * - no OPTION_CLIENTID (or one longer than a DUID can be: it is then not
 *   echoed), no OPTION_LQ_QUERY, a query-type without the option it needs,
 *   a value longer than the store keeps (255 octets), OPTION_LQ_END_TIME
 *   before OPTION_LQ_START_TIME: MalformedQuery.
 * - an OPTION_SERVERID that is not ours: NotAllowed (RFC 5007 4.2.1 says
 *   discard; over TCP the requestor would wait for an answer that never
 *   comes, so lq says why instead).
 * - an unknown query-type: UnknownQueryType.
 * - a non-zero link-address naming neither a configured subnet nor a link
 *   any binding was relayed from: NotConfigured (QUERY_BY_ADDRESS keeps the
 *   statuses of the single query, RFC 5007 4.4.1). A link that is known but
 *   has nothing to send is a success without data.
 * - QUERY_BY_LINK_ADDRESS with link-address :: returns every binding.
 * - QUERY_BY_CLIENTID over TCP sends one OPTION_CLIENT_DATA per link the
 *   client has bindings on, instead of OPTION_LQ_CLIENT_LINK.
 * - OPTION_LQ_BASE_TIME (the time each message is written) goes in every
 *   message when the ORO of OPTION_LQ_QUERY, or a top-level ORO, asks for
 *   it (RFC 7653 9.3).
 * - OPTION_LQ_START_TIME / OPTION_LQ_END_TIME select the bindings whose
 *   last change lies between them, inclusive; such a query reports changes,
 *   so leases no longer active are sent too, with lifetimes 0 (RFC 7653
 *   8.4.1). Without them only active leases are sent.
 * - A lease deleted from the store within the window is not reported
 *   (unlike DHCPv4's all-addresses query, bulk4.c): the change history
 *   keeps only a deleted lease's key (gone.h), and its client went with its
 *   record. Every lease is sent inside an OPTION_CLIENT_DATA, which is
 *   about one client and carries its OPTION_CLIENTID (RFC 5007 4.1.2.2,
 *   4.4.2); a requestor files what it receives under that client. A
 *   CLIENT_DATA without a client, or under a made-up DUID, is outside the
 *   RFCs and would mislead a requestor more than it helps. What a
 *   requestor holds for a deleted lease ends at the lifetimes it was last
 *   told; a lease that is released or expires before its deletion is
 *   reported (with lifetimes 0) by a query whose window covers that change.
 * - A group larger than LQ6_BULK_CHUNK leases (one client on one link) is
 *   sent as several OPTION_CLIENT_DATA, in consecutive messages. */
#include <stdlib.h>
#include <string.h>

#include "bulk_internal.h"
#include "bulk6_scan.h"
#include "query6_common.h"
#include "lq/client_data6.h"
#include "lq/lqtime.h"

/* Leases per OPTION_CLIENT_DATA: with the largest DUID, relay data and
 * FQDN the message stays well below 64 KiB (29 octets per IAPREFIX). */
#define LQ6_BULK_CHUNK 1024

static const char r_undecodable[] = "undecodable DHCPv6 message (RFC 5460)";
static const char r_relay[] = "RELAY-FORW over TCP: bulk leasequery is not relayed (RFC 5460)";
static const char r_not_lq[] = "not a LEASEQUERY (RFC 5460)";
static const char r_active[] = "an ACTIVELEASEQUERY or STARTTLS, for the transport (RFC 7653)";
static const char r_no_duid[] = "no server DUID configured (RFC 5007 4.4.1)";
static const char r_refused[] = "requestor not allowed, refused-queries is drop (RFC 5007 4.4.1)";

static const char msg_not_allowed[] = "leasequery not allowed for this requestor";
static const char msg_no_client_id[] = "LEASEQUERY without OPTION_CLIENTID (RFC 5007 4.2.1)";
static const char msg_no_query[] = "LEASEQUERY without OPTION_LQ_QUERY (RFC 5007 4.2.1)";
static const char msg_times[] = "OPTION_LQ_END_TIME before OPTION_LQ_START_TIME (RFC 7653 6.3)";

enum state {
	ST_FIRST,               /* the LEASEQUERY-REPLY is next */
	ST_DATA,                /* LEASEQUERY-DATA, then LEASEQUERY-DONE */
	ST_DONE,
};

struct lq_bulk6 {
	const struct lq_config *config;
	uint32_t xid;
	uint8_t client_id[LQ_CONFIG_MAX_DUID];  /* the requestor's, echoed */
	size_t client_id_len;                   /* 0: none to echo */
	uint8_t *oro;                           /* the LQ_QUERY's ORO, for CLIENT_DATA */
	size_t oro_len;
	bool want_base_time;
	uint16_t status;                        /* known at open: the one reply */
	const char *message;
	enum state state;
	struct lq6_scan scan;
	size_t group_sent;                      /* of scan.group */
};

static enum lq_query_kind kind_of(uint8_t query_type)
{
	switch (query_type) {
	case LQ6_QUERY_BY_ADDRESS: return LQ_QUERY_V6_BY_ADDRESS;
	case LQ6_QUERY_BY_CLIENTID: return LQ_QUERY_V6_BY_CLIENT_ID;
	case LQ6_QUERY_BY_RELAY_ID: return LQ_QUERY_V6_BY_RELAY_ID;
	case LQ6_QUERY_BY_LINK_ADDRESS: return LQ_QUERY_V6_BY_LINK_ADDRESS;
	case LQ6_QUERY_BY_REMOTE_ID: return LQ_QUERY_V6_BY_REMOTE_ID;
	default: return LQ_QUERY_KIND_NONE;
	}
}

/* The status the query fails with before looking at the store, 0 if none
 * (RFC 5007 4.2.1, RFC 5460, RFC 7653 6.3). */
static uint16_t validate(const struct lq6_msg *m, const struct lq_config *cfg, const char **why)
{
	uint16_t status;

	*why = lq6_query_client_id_problem(m, msg_no_client_id);
	if (*why == NULL && !m->query.present)
		*why = msg_no_query;
	if (*why != NULL)
		return LQ6_STATUS_MALFORMED_QUERY;
	*why = lq6_query_server_id_problem(m, cfg);
	if (*why != NULL)
		return LQ6_STATUS_NOT_ALLOWED;
	status = lq6_query_check(&m->query, why);
	if (status != LQ6_STATUS_SUCCESS)
		return status;
	if (m->has_start_time && m->has_end_time && m->end_time < m->start_time) {
		*why = msg_times;
		return LQ6_STATUS_MALFORMED_QUERY;
	}
	return LQ6_STATUS_SUCCESS;
}

static bool allowed(const struct lq_config *cfg, const struct lq_query_peer *peer,
		    enum lq_query_kind kind)
{
	if (kind == LQ_QUERY_KIND_NONE)     /* answered with an error if allowed at all */
		return lq_config_requester_allowed(cfg, peer->family, peer->addr);
	return lq_config_query_allowed(cfg, peer->family, peer->addr, kind);
}

/* Keep what the messages need from m (which the caller may free). */
static int keep(struct lq_bulk6 *q, const struct lq6_msg *m)
{
	q->xid = m->xid;
	q->client_id_len = lq6_query_copy_client_id(m, q->client_id);
	q->want_base_time = lq6_query_wants_base_time(m);
	if (m->query.oro.data != NULL && m->query.oro.len > 0) {
		q->oro = malloc(m->query.oro.len);
		if (q->oro == NULL)
			return LQ_STORE_ERR_NOMEM;
		memcpy(q->oro, m->query.oro.data, m->query.oro.len);
		q->oro_len = m->query.oro.len;
	}
	return LQ_STORE_OK;
}

/* Set the scan up for a valid query; q->status may become an error. */
static int plan(struct lq_bulk6 *q, const struct lq_query_env *env, struct lq_store_reader *reader,
		const struct lq6_msg *m)
{
	struct lq6_scan *s = &q->scan;

	s->config = env->config;
	s->reader = reader;
	s->now = env->now;
	s->has_start = m->has_start_time;
	s->start = lq_time_from_v6(m->start_time);
	s->has_end = m->has_end_time;
	s->end = lq_time_from_v6(m->end_time);
	s->include_inactive = s->has_start || s->has_end;
	return lq6_scan_setup(s, &m->query, &q->status, &q->message);
}

int lq_bulk6_open(const struct lq_query_env *env, struct lq_store_reader *reader,
		  const uint8_t *msg, size_t len, const struct lq_query_peer *peer,
		  struct lq_bulk6 **out, struct lq_bulk_opened *opened)
{
	const struct lq_config *cfg = env->config;
	struct lq6_msg m;
	struct lq_bulk6 *q;
	int rc;

	*out = NULL;
	opened->action = LQ_BULK_CLOSE;
	if (msg == NULL || lq6_decode(msg, len, &m, NULL) != LQ_OK) {
		opened->reason = r_undecodable;
		return 0;
	}
	opened->msg_type = m.type;
	if (m.type == LQ6_ACTIVELEASEQUERY || m.type == LQ6_STARTTLS) {
		opened->action = LQ_BULK_NOT_BULK;
		opened->reason = r_active;
		opened->xid = m.xid;
		return 0;
	}
	if (m.type != LQ6_LEASEQUERY) {
		opened->reason = m.type == LQ6_RELAY_FORW ? r_relay : r_not_lq;
		return 0;
	}
	opened->xid = m.xid;
	opened->kind = m.query.present ? kind_of(m.query.type) : LQ_QUERY_KIND_NONE;
	if (cfg->server_duid_len == 0) {
		opened->reason = r_no_duid;
		return 0;
	}
	if (!allowed(cfg, peer, opened->kind)) {
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
	rc = keep(q, &m);
	if (opened->refused) {
		q->status = LQ6_STATUS_NOT_ALLOWED;
		q->message = msg_not_allowed;
	} else {
		q->status = validate(&m, cfg, &q->message);
	}
	if (rc == LQ_STORE_OK && q->status == LQ6_STATUS_SUCCESS)
		rc = plan(q, env, reader, &m);
	if (rc < 0) {
		lq_bulk6_close(q);
		return rc;
	}
	opened->action = LQ_BULK_RUN;
	opened->status = q->status;
	opened->reason = q->message;
	*out = q;
	return 0;
}

/* ---- messages ---- */

static void start(const struct lq_bulk6 *q, struct lq6_writer *w, uint8_t *out, size_t cap,
		  uint8_t type)
{
	lq6w_init(w, out, cap);
	lq6w_header(w, type, q->xid);
}

static void base_time(const struct lq_bulk6 *q, struct lq6_writer *w, int64_t now)
{
	if (q->want_base_time)
		lq6w_option_u32(w, LQ6_OPT_LQ_BASE_TIME, lq_time_to_v6(now));
}

/* The LEASEQUERY-REPLY's own options: server, requestor, status. */
static void reply_head(const struct lq_bulk6 *q, struct lq6_writer *w, int64_t now,
		       uint16_t status, const char *message)
{
	lq6w_option(w, LQ6_OPT_SERVERID, q->config->server_duid, q->config->server_duid_len);
	if (q->client_id_len > 0)
		lq6w_option(w, LQ6_OPT_CLIENTID, q->client_id, q->client_id_len);
	if (status != LQ6_STATUS_SUCCESS)
		lq6w_status(w, status, message);
	base_time(q, w, now);
}

/* The next OPTION_CLIENT_DATA of the group; returns the leases written. */
static size_t client_data(struct lq_bulk6 *q, struct lq6_writer *w, int64_t now)
{
	struct lq6_client_data_ctx ctx = {
		.config = q->config,
		.now = now,
		.oro = {q->oro, q->oro_len},
		/* the scan chose the bindings: one that stopped being active
		 * since the query arrived is sent as gone */
		.include_inactive = true,
	};
	size_t n = q->scan.group_n - q->group_sent;
	size_t leases;

	if (n > LQ6_BULK_CHUNK)
		n = LQ6_BULK_CHUNK;
	leases = lq6_client_data_write(w, &ctx, q->scan.group + q->group_sent, n);
	q->group_sent += n;
	return leases;
}

/* Finish a message: count it, and end the query after its last one. */
static int finish(struct lq_bulk6 *q, struct lq6_writer *w, size_t *len, size_t leases, bool last,
		  uint16_t status, struct lq_bulk_progress *progress)
{
	if (lq6w_finish(w, len) != LQ_OK)
		return LQ_STORE_ERR_INVALID;    /* only with cap < LQ_BULK_MSG_MAX */
	progress->messages++;
	progress->bindings += leases;
	progress->status = status;
	if (last) {
		progress->finished = true;
		q->state = ST_DONE;
		lq6_scan_free(&q->scan);
	}
	return 1;
}

/* The next group, or what is left of the last one: 1 when there is one. */
static int more(struct lq_bulk6 *q)
{
	int rc;

	if (q->group_sent < q->scan.group_n)
		return 1;
	rc = lq6_scan_next_group(&q->scan);
	q->group_sent = 0;
	return rc;
}

int lq_bulk6_next(struct lq_bulk6 *q, int64_t now, uint8_t *out, size_t cap, size_t *len,
		  struct lq_bulk_progress *progress)
{
	struct lq6_writer w;
	size_t leases;
	int rc;

	if (q->state == ST_DONE)
		return 0;
	if (q->state == ST_FIRST) {
		if (q->status != LQ6_STATUS_SUCCESS) {
			start(q, &w, out, cap, LQ6_LEASEQUERY_REPLY);
			reply_head(q, &w, now, q->status, q->message);
			return finish(q, &w, len, 0, true, q->status, progress);
		}
		rc = more(q);
		if (rc < 0)
			return rc;
		start(q, &w, out, cap, LQ6_LEASEQUERY_REPLY);
		reply_head(q, &w, now, LQ6_STATUS_SUCCESS, NULL);
		if (rc == 0)
			return finish(q, &w, len, 0, true, LQ6_STATUS_SUCCESS, progress);
		q->state = ST_DATA;
	} else {
		rc = more(q);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			start(q, &w, out, cap, LQ6_LEASEQUERY_DONE);
			base_time(q, &w, now);
			return finish(q, &w, len, 0, true, LQ6_STATUS_SUCCESS, progress);
		}
		start(q, &w, out, cap, LQ6_LEASEQUERY_DATA);
		base_time(q, &w, now);
	}
	leases = client_data(q, &w, now);
	return finish(q, &w, len, leases, false, LQ6_STATUS_SUCCESS, progress);
}

int lq_bulk6_terminate(struct lq_bulk6 *q, int64_t now, const char *text, uint8_t *out,
		       size_t cap, size_t *len, struct lq_bulk_progress *progress)
{
	struct lq6_writer w;

	if (q->state == ST_DONE)
		return 0;
	if (text == NULL)
		text = "";
	if (q->state == ST_FIRST) {
		start(q, &w, out, cap, LQ6_LEASEQUERY_REPLY);
		reply_head(q, &w, now, LQ6_STATUS_QUERY_TERMINATED, text);
	} else {
		start(q, &w, out, cap, LQ6_LEASEQUERY_DONE);
		lq6w_status(&w, LQ6_STATUS_QUERY_TERMINATED, text);
		base_time(q, &w, now);
	}
	return finish(q, &w, len, 0, true, LQ6_STATUS_QUERY_TERMINATED, progress);
}

void lq_bulk6_close(struct lq_bulk6 *q)
{
	if (q == NULL)
		return;
	lq6_scan_free(&q->scan);
	free(q->oro);
	free(q);
}
