/* answer6.c - the DHCPv6 single-query engine (RFC 5007): takes a received
 * LEASEQUERY, directly or inside RELAY-FORW messages, applies the discard
 * rules of RFC 5007 4.2.1, the requestor's access rules, and the query-type
 * rules of 4.1.2.1 and 4.4.1, then looks the answer up (lookup6.c) and writes
 * the LEASEQUERY-REPLY (reply6.c), or says which rule drops the query.
 *
 * Rules and where they come from:
 * - not a LEASEQUERY (a LEASEQUERY-REPLY above all, 4.2.2), or undecodable:
 *   discarded; without a valid message the 4.2.1 checks cannot be made.
 * - no OPTION_CLIENTID, an OPTION_SERVERID other than our DUID, no
 *   OPTION_LQ_QUERY: discarded (4.2.1).
 * - a requestor the access rules refuse: NotAllowed, or discarded when
 *   refused-queries is "drop" (4.4.1: the server "MAY discard the LEASEQUERY
 *   message or MAY add an OPTION_STATUS_CODE option with the NotAllowed
 *   status code"). A relayed query needs both the relay that sent it and the
 *   requestor (the innermost peer-address) to be allowed.
 * - a query-type other than QUERY_BY_ADDRESS and QUERY_BY_CLIENTID:
 *   UnknownQueryType (4.1.2.1); the RFC 5460 types are for TCP.
 * - a required query-option missing: MalformedQuery (4.1.2.1).
 * - an address or link this server is not configured for: NotConfigured
 *   (4.4.1); but a query sent to a multicast address is discarded then, so
 *   that only the servers that hold the address or link answer it. */
#include <string.h>

#include "answer6_internal.h"
#include "lq/query.h"

static const char r_undecodable[] = "undecodable DHCPv6 message (RFC 5007 4.2.1)";
static const char r_reply[] = "LEASEQUERY-REPLY sent to a server (RFC 5007 4.2.2)";
static const char r_not_lq[] = "not a LEASEQUERY (RFC 5007 4.2.1)";
static const char r_no_relay_msg[] = "RELAY-FORW without OPTION_RELAY_MSG (RFC 8415 9.2)";
static const char r_no_client_id[] = "LEASEQUERY without OPTION_CLIENTID (RFC 5007 4.2.1)";
static const char r_server_id[] = "OPTION_SERVERID is not this server's DUID (RFC 5007 4.2.1)";
static const char r_no_query[] = "LEASEQUERY without OPTION_LQ_QUERY (RFC 5007 4.2.1)";
static const char r_no_duid[] = "no server DUID configured (RFC 5007 4.4.1)";
static const char r_refused[] = "requestor not allowed, refused-queries is drop (RFC 5007 4.4.1)";
static const char r_too_large[] = "reply would be larger than 65535 octets";
static const char r_multicast[] =
	"multicast query for an address or link not configured here (RFC 5007 4.4.1)";

static const char msg_not_allowed[] = "leasequery not allowed for this requestor";
static const char msg_unknown[] = "query-type unknown to this server";
static const char msg_bulk_only[] = "query-type only for bulk leasequery over TCP (RFC 5460)";
static const char msg_no_iaaddr[] = "QUERY_BY_ADDRESS without OPTION_IAADDR";
static const char msg_no_client_id[] = "QUERY_BY_CLIENTID without OPTION_CLIENTID";
static const char msg_too_large[] = "reply too large for one message: use bulk leasequery (RFC 5460)";

static int drop(struct lq_query_result *res, const char *reason)
{
	res->verdict = LQ_QUERY_DROP;
	res->reason = reason;
	return 0;
}

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

/* The query as received: the LEASEQUERY and the relays it came through. */
struct query {
	struct lq6_msg msg;
	struct lq6_relay_hop hops[LQ6_MAX_DEPTH];
	size_t n_hops;
};

/* Unwrap RELAY-FORW messages down to the LEASEQUERY. NULL, or why to drop. */
static const char *unwrap(const uint8_t *pkt, size_t len, struct query *q)
{
	struct lq6_msg *m = &q->msg;

	q->n_hops = 0;
	if (pkt == NULL || lq6_decode(pkt, len, m, NULL) != LQ_OK)
		return r_undecodable;
	while (m->type == LQ6_RELAY_FORW) {
		struct lq6_relay_hop *h;

		if (q->n_hops == LQ6_MAX_DEPTH)
			return r_undecodable;
		h = &q->hops[q->n_hops++];
		h->hop_count = m->hop_count;
		h->link_address = m->link_address;
		h->peer_address = m->peer_address;
		h->interface_id = m->interface_id;
		if (m->relay_msg.data == NULL)
			return r_no_relay_msg;
		if (lq6_decode_inner(m->relay_msg, m, NULL) != LQ_OK)
			return r_undecodable;
	}
	if (m->type == LQ6_LEASEQUERY_REPLY)
		return r_reply;
	if (m->type != LQ6_LEASEQUERY)
		return r_not_lq;
	return NULL;
}

/* RFC 5007 4.2.1. NULL, or why to drop. */
static const char *validate(const struct lq6_msg *m, const struct lq_config *cfg)
{
	if (m->client_id.data == NULL)
		return r_no_client_id;
	if (cfg->server_duid_len == 0)
		return r_no_duid;
	if (m->server_id.data != NULL &&
	    (m->server_id.len != cfg->server_duid_len ||
	     memcmp(m->server_id.data, cfg->server_duid, cfg->server_duid_len) != 0))
		return r_server_id;
	if (!m->query.present)
		return r_no_query;
	return NULL;
}

static bool allowed_from(const struct lq_config *cfg, int family, const uint8_t *addr,
			 enum lq_query_kind kind)
{
	if (kind == LQ_QUERY_KIND_NONE)     /* answered UnknownQueryType if allowed at all */
		return lq_config_requester_allowed(cfg, family, addr);
	return lq_config_query_allowed(cfg, family, addr, kind);
}

static bool allowed(const struct lq_config *cfg, const struct lq_query_peer *peer,
		    const struct query *q, enum lq_query_kind kind)
{
	if (!allowed_from(cfg, peer->family, peer->addr, kind))
		return false;
	return q->n_hops == 0 ||
	       allowed_from(cfg, 6, q->hops[q->n_hops - 1].peer_address.b, kind);
}

static void run_query(const struct lq_query_env *env, struct lq_store_reader *reader,
		      const struct lq6_query *query, struct lq6_outcome *o)
{
	struct lq6_lookup lk = {env->config, reader, env->now};

	switch (query->type) {
	case LQ6_QUERY_BY_ADDRESS:
		if (!query->has_iaaddr)
			lq6_outcome_set_status(o, LQ6_STATUS_MALFORMED_QUERY, msg_no_iaaddr);
		else
			lq6_lookup_by_address(&lk, &query->iaaddr.addr, &query->link_address, o);
		break;
	case LQ6_QUERY_BY_CLIENTID:
		if (query->client_id.data == NULL)
			lq6_outcome_set_status(o, LQ6_STATUS_MALFORMED_QUERY, msg_no_client_id);
		else
			lq6_lookup_by_client_id(&lk, query->client_id, &query->link_address, o);
		break;
	case LQ6_QUERY_BY_RELAY_ID:
	case LQ6_QUERY_BY_LINK_ADDRESS:
	case LQ6_QUERY_BY_REMOTE_ID:
		lq6_outcome_set_status(o, LQ6_STATUS_UNKNOWN_QUERY_TYPE, msg_bulk_only);
		break;
	default:
		lq6_outcome_set_status(o, LQ6_STATUS_UNKNOWN_QUERY_TYPE, msg_unknown);
		break;
	}
}

/* Write the reply; when the answer does not fit in a full-size reply, say so
 * with UnspecFail instead, and drop what still does not fit (a huge
 * client-id echoed in RELAY-REPLs). 0, or -1 when out is too small. */
static int write_reply(const struct lq_query_env *env, const struct query *q,
		       struct lq6_outcome *o, uint8_t *out, size_t cap, struct lq_query_result *res)
{
	const struct lq_config *cfg = env->config;
	struct lq6_reply r = {
		.hops = q->hops,
		.n_hops = q->n_hops,
		.xid = q->msg.xid,
		.server_id = {cfg->server_duid, cfg->server_duid_len},
		.client_id = q->msg.client_id,
		.oro = q->msg.query.oro,
		.config = cfg,
		.now = env->now,
	};
	lq_err err = lq6_reply_write(&r, o, out, cap, &res->len, &res->bindings);

	if (err != LQ_OK && cap >= LQ_QUERY_MAX_REPLY && o->status == LQ6_STATUS_SUCCESS) {
		lq6_outcome_set_status(o, LQ6_STATUS_UNSPEC_FAIL, msg_too_large);
		err = lq6_reply_write(&r, o, out, cap, &res->len, &res->bindings);
	}
	if (err != LQ_OK) {
		res->len = 0;
		res->bindings = 0;
		return cap >= LQ_QUERY_MAX_REPLY ? drop(res, r_too_large) : -1;
	}
	res->verdict = LQ_QUERY_REPLY;
	res->reply_type = q->n_hops > 0 ? LQ6_RELAY_REPL : LQ6_LEASEQUERY_REPLY;
	res->status = o->status;
	return 0;
}

int lq6_query_answer(const struct lq_query_env *env, struct lq_store_reader *reader,
		     const uint8_t *pkt, size_t len, const struct lq_query_peer *peer,
		     uint8_t *out, size_t cap, struct lq_query_result *res)
{
	struct query q;
	struct lq6_outcome o;       /* links[] is read only up to n_links */
	const char *why;
	int rc;

	if (env == NULL || env->config == NULL || reader == NULL || peer == NULL || res == NULL)
		return -1;
	memset(res, 0, sizeof(*res));
	res->dest = *peer;
	if ((why = unwrap(pkt, len, &q)) != NULL || (why = validate(&q.msg, env->config)) != NULL)
		return drop(res, why);
	res->kind = kind_of(q.msg.query.type);

	o.found = (struct lq6_binding_list){NULL, 0, 0};
	lq6_outcome_set_status(&o, LQ6_STATUS_SUCCESS, NULL);
	if (!allowed(env->config, peer, &q, res->kind)) {
		res->refused = true;
		if (env->config->refuse_by_dropping)
			return drop(res, r_refused);
		lq6_outcome_set_status(&o, LQ6_STATUS_NOT_ALLOWED, msg_not_allowed);
	} else {
		run_query(env, reader, &q.msg.query, &o);
	}
	if (peer->multicast && o.status == LQ6_STATUS_NOT_CONFIGURED)
		rc = drop(res, r_multicast);
	else
		rc = write_reply(env, &q, &o, out, cap, res);
	lq6_binding_list_free(&o.found);
	return rc;
}
