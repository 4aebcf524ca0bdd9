/* bulk6.c - DHCPv6 bulk leasequery for the requestor (RFC 5460): the
 * checks on a LEASEQUERY of each query type before query6.c writes it, and
 * the reading of the reply stream: LEASEQUERY-REPLY first (an error status
 * or no client data ends the query there), LEASEQUERY-DATA for each further
 * client, LEASEQUERY-DONE at the end, matched to their query by
 * transaction id. */
#include <string.h>

#include "bulk6.h"
#include "stream_read.h"

const uint16_t lq6_bulk_default_oro[] = { LQ6_OPT_LQ_RELAY_DATA, LQ6_OPT_LQ_BASE_TIME };
const size_t lq6_bulk_default_oro_len = sizeof(lq6_bulk_default_oro) /
					sizeof(lq6_bulk_default_oro[0]);

static bool has(lq_bytes v, size_t min)
{
	return v.data != NULL && v.len >= min;
}

static bool query_ok(const struct lq6_request *q)
{
	if (!has(q->requestor_duid, 2) || q->relay_port)
		return false;
	switch (q->type) {
	case LQ6_QUERY_BY_ADDRESS:
	case LQ6_QUERY_BY_LINK_ADDRESS:
		return true;
	case LQ6_QUERY_BY_CLIENTID:
		return has(q->client_id, 2);
	case LQ6_QUERY_BY_RELAY_ID:
		return has(q->relay_id, 2);
	case LQ6_QUERY_BY_REMOTE_ID:    /* RFC 4649: enterprise-number + remote-id */
		return has(q->remote_id, 5);
	default:
		return false;
	}
}

lq_err lq6_bulk_build(const struct lq6_request *q, uint8_t *out, size_t cap, size_t *out_len)
{
	struct lq6_writer w;
	struct lq6_request copy;

	*out_len = 0;
	if (!query_ok(q) || (q->vss.data != NULL && q->vss.len == 0))
		return LQ_ERR_INVALID_ARGUMENT;
	copy = *q;
	if (copy.oro == NULL) {
		copy.oro = lq6_bulk_default_oro;
		copy.n_oro = lq6_bulk_default_oro_len;
	}
	lq6w_init(&w, out, cap);
	lq6_leasequery_write(&w, &copy);
	return lq6w_finish(&w, out_len);
}

/* ------------------------------------------------------------ replies */

static bool same_bytes(lq_bytes a, lq_bytes b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

/* The order of messages of one query (RFC 5460 5.3). */
static const char *check_order(const struct lq_stream_query *q, const struct lq6_msg *m,
			       struct lq_stream_read *res)
{
	if (m->type == LQ6_LEASEQUERY_REPLY && q->started)
		return lq_stream_refuse(res, "a second LEASEQUERY-REPLY for transaction id 0x%06x",
					m->xid);
	if (m->type != LQ6_LEASEQUERY_REPLY && !q->started)
		return lq_stream_refuse(res, "%s for transaction id 0x%06x before its "
					"LEASEQUERY-REPLY", lq6_msg_type_name(m->type), m->xid);
	if (m->type == LQ6_LEASEQUERY_REPLY && m->server_id.data == NULL)
		return lq_stream_refuse(res, "LEASEQUERY-REPLY for transaction id 0x%06x without "
					"OPTION_SERVERID", m->xid);
	return NULL;
}

const char *lq6_bulk_read(struct lq_stream_query *queries, size_t n, lq_bytes requestor_duid,
			  const uint8_t *pkt, size_t len, struct lq_answer *a,
			  struct lq_stream_read *res)
{
	struct lq6_msg m;
	struct lq_stream_query *q;
	lq_diag diag = { LQ_OK, 0, -1 };
	lq_err err;

	if (lq_stream_take(res, a, pkt, len) != NULL)
		return res->why;
	if ((err = lq6_decode(a->pkt, a->pkt_len, &m, &diag)) != LQ_OK)
		return lq_stream_undecodable(res, "DHCPv6", err, &diag);
	if (m.type != LQ6_LEASEQUERY_REPLY && m.type != LQ6_LEASEQUERY_DATA &&
	    m.type != LQ6_LEASEQUERY_DONE)
		return lq_stream_refuse(res, "a %s message, not LEASEQUERY-REPLY, -DATA or -DONE",
					lq6_msg_type_name(m.type));
	if ((q = lq_stream_find(queries, n, 6, m.xid, res)) == NULL)
		return res->why;
	if (check_order(q, &m, res) != NULL)
		return res->why;
	if (m.client_id.data != NULL && !same_bytes(m.client_id, requestor_duid))
		return lq_stream_refuse(res, "%s for transaction id 0x%06x: OPTION_CLIENTID is not "
					"our DUID", lq6_msg_type_name(m.type), m.xid);
	q->started = true;
	q->messages++;
	lq6_answer_fill(a, &m);
	a->stream = true;
	a->xid = m.xid;
	if (m.type == LQ6_LEASEQUERY_REPLY) {
		q->server_duid_len = m.server_id.len < sizeof(q->server_duid) ? m.server_id.len
									   : sizeof(q->server_duid);
		memcpy(q->server_duid, m.server_id.data, q->server_duid_len);
	} else if (a->server_duid.data == NULL) {
		a->server_duid = lq_answer_keep(a, (lq_bytes){ q->server_duid, q->server_duid_len });
	}
	if (q->active && !m.client_data.present && m.type != LQ6_LEASEQUERY_DONE) {
		/* RFC 7653 8.4: the state of the stream: the LEASEQUERY-REPLY that
		 * accepts (or refuses) the query, CatchUpComplete, DataMissing, or
		 * nothing at all (the connection is alive) */
		res->event = LQ_STREAM_STATUS;
		return NULL;
	}
	switch (m.type) {
	case LQ6_LEASEQUERY_DATA:
		/* each further client; its status, if any, is about it alone */
		if (!m.client_data.present) {
			res->event = LQ_STREAM_SKIPPED;
			res->warning = "LEASEQUERY-DATA without OPTION_CLIENT_DATA passed over "
				       "(RFC 5460 5.3)";
			return NULL;
		}
		a->outcome = LQ_OUTCOME_BINDING;
		break;
	case LQ6_LEASEQUERY_REPLY:
		/* one that failed or found nothing is the only message of its query */
		if (a->outcome == LQ_OUTCOME_BINDING)
			break;
		/* fall through */
	default:
		lq_stream_finish(q, m.status.present, m.status.code, m.status.message);
		res->event = LQ_STREAM_DONE;
		return NULL;
	}
	q->bindings++;
	res->event = LQ_STREAM_BINDING;
	return NULL;
}
