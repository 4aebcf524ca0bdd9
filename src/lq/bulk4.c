/* bulk4.c - DHCPv4 bulk leasequery for the requestor (RFC 6926): the
 * DHCPBULKLEASEQUERY of each primary query with its qualifiers (section
 * 7.2), and the reading of the reply stream (section 7.3): replies matched
 * to their query by xid, the server-id of a query's first reply applied to
 * the following ones, DHCPLEASEQUERYDONE ending a query. */
#include <stdlib.h>
#include <string.h>

#include "bulk4.h"
#include "query4.h"
#include "stream_read.h"
#include "lq/lqtime.h"

const uint8_t lq4_bulk_default_prl[] = {
	LQ4_OPT_LEASE_TIME, LQ4_OPT_T1, LQ4_OPT_T2, LQ4_OPT_VENDOR_CLASS,
	LQ4_OPT_CLIENT_ID, LQ4_OPT_RELAY_AGENT_INFO, LQ4_OPT_CLT_TIME,
	LQ4_OPT_BASE_TIME, LQ4_OPT_START_TIME_OF_STATE, LQ4_OPT_DHCP_STATE,
	LQ4_OPT_DATA_SOURCE, LQ4_OPT_VSS,
};
const size_t lq4_bulk_default_prl_len = sizeof(lq4_bulk_default_prl);

static bool id_ok(lq_bytes id)
{
	return id.data != NULL && id.len >= 1 && id.len <= 255;
}

/* The primary query (section 7.2: exactly one, or none for all addresses). */
static lq_err set_primary(const struct lq4_bulk_request *q, struct lq4_msg *m)
{
	switch (q->by) {
	case LQ4_BULK_ALL:
		return LQ_OK;
	case LQ4_BULK_BY_MAC:
		if (q->hlen > sizeof(m->chaddr))
			return LQ_ERR_BAD_HLEN;
		if (q->hlen == 0)
			return LQ_ERR_INVALID_ARGUMENT;
		m->htype = q->htype;
		m->hlen = q->hlen;
		memcpy(m->chaddr, q->chaddr, q->hlen);
		return LQ_OK;
	case LQ4_BULK_BY_CLIENT_ID:
		if (q->id.data == NULL || q->id.len == 0)
			return LQ_ERR_INVALID_ARGUMENT;
		m->client_id = q->id;
		return LQ_OK;
	case LQ4_BULK_BY_REMOTE_ID:
		if (!id_ok(q->id))
			return LQ_ERR_INVALID_ARGUMENT;
		m->has_relay_info = true;
		m->relay_info.remote_id = q->id;
		return LQ_OK;
	case LQ4_BULK_BY_RELAY_ID:
		if (!id_ok(q->id))
			return LQ_ERR_INVALID_ARGUMENT;
		m->has_relay_info = true;
		m->relay_info.relay_id = q->id;
		return LQ_OK;
	}
	return LQ_ERR_INVALID_ARGUMENT;
}

lq_err lq4_bulk_build(const struct lq4_bulk_request *q, uint8_t *out, size_t cap, size_t *out_len)
{
	struct lq4_msg *m;
	lq_err err;

	*out_len = 0;
	/* RFC 7724 6.1: an active query asks for every binding, and for no end */
	if (q->active && (q->by != LQ4_BULK_ALL || q->has_end_time))
		return LQ_ERR_INVALID_ARGUMENT;
	if ((m = malloc(sizeof(*m))) == NULL)
		return LQ_ERR_NO_SPACE;
	lq4_msg_init(m, q->active ? LQ4_ACTIVELEASEQUERY : LQ4_BULKLEASEQUERY, q->xid);
	/* section 8.2: no hardware address unless the query is by MAC (the
	 * all-addresses query is told by the absence of every primary) */
	m->htype = 0;
	m->hlen = 0;
	if ((err = set_primary(q, m)) != LQ_OK) {
		free(m);
		return err;
	}
	if (q->prl.data != NULL)
		m->prl = q->prl;
	else
		m->prl = (lq_bytes){ lq4_bulk_default_prl, lq4_bulk_default_prl_len };
	m->has_query_start_time = q->has_start_time;
	m->query_start_time = lq_time_to_v4(q->start_time);
	m->has_query_end_time = q->has_end_time;
	m->query_end_time = lq_time_to_v4(q->end_time);
	if (q->has_vss) {
		m->vss.present = true;
		m->vss.type = q->vss_type;
		m->vss.info = q->vss_info;
	}
	err = lq4_encode(m, out, cap, out_len);
	free(m);
	return err;
}

/* ------------------------------------------------------------ replies */

static bool ip4_zero(const lq_ip4 *a)
{
	return (a->b[0] | a->b[1] | a->b[2] | a->b[3]) == 0;
}

const char *lq4_bulk_read(struct lq_stream_query *queries, size_t n, struct lq4_msg *scratch,
			  const uint8_t *pkt, size_t len, struct lq_answer *a,
			  struct lq_stream_read *res)
{
	struct lq4_msg *m = scratch;
	struct lq_stream_query *q;
	lq_diag diag = { LQ_OK, 0, -1 };
	lq_err err;

	if (lq_stream_take(res, a, pkt, len) != NULL)
		return res->why;
	if ((err = lq4_decode(a->pkt, a->pkt_len, m, &diag)) != LQ_OK)
		return lq_stream_undecodable(res, "DHCPv4", err, &diag);
	if (m->op != LQ4_BOOTREPLY)
		return lq_stream_refuse(res, "%s with xid 0x%08x is not a BOOTREPLY",
					lq4_msg_type_name(m->msg_type), m->xid);
	if ((q = lq_stream_find(queries, n, 4, m->xid, res)) == NULL)
		return res->why;
	switch (m->msg_type) {
	case LQ4_LEASEACTIVE:
	case LQ4_LEASEUNASSIGNED:
	case LQ4_LEASEQUERYDONE:
		break;
	case LQ4_LEASEQUERYSTATUS:
		if (q->active)
			break;
		return lq_stream_refuse(res, "DHCPLEASEQUERYSTATUS with xid 0x%08x: only an active "
					"query has status messages (RFC 7724 6.2)", m->xid);
	case LQ4_LEASEUNKNOWN:
		return lq_stream_refuse(res, "DHCPLEASEUNKNOWN with xid 0x%08x: not allowed in a bulk "
					"reply (RFC 6926 7.3)", m->xid);
	default:
		return lq_stream_refuse(res, "%s with xid 0x%08x: not DHCPLEASEACTIVE, "
					"DHCPLEASEUNASSIGNED or DHCPLEASEQUERYDONE",
					lq4_msg_type_name(m->msg_type), m->xid);
	}
	/* RFC 6926 7.3: the server-id comes in the first reply; cache it and
	 * apply it to the following ones */
	if (q->messages == 0 && !m->has_server_id) {
		if (!q->active)
			return lq_stream_refuse(res, "the first reply (%s) to xid 0x%08x has no "
						"server-id (option 54; RFC 6926 7.3)",
						lq4_msg_type_name(m->msg_type), m->xid);
		res->warning = "the first reply of the active query has no server-id (option 54; "
			       "RFC 6926 7.3)";
	}
	if (m->msg_type != LQ4_LEASEQUERYDONE && m->msg_type != LQ4_LEASEQUERYSTATUS &&
	    ip4_zero(&m->ciaddr))
		return lq_stream_refuse(res, "%s with xid 0x%08x has ciaddr 0 (RFC 6926 7.3: the "
					"address is in ciaddr)", lq4_msg_type_name(m->msg_type),
					m->xid);
	if (!q->has_server_id && m->has_server_id) {
		q->has_server_id = true;
		q->server_id = m->server_id;
	}
	q->started = true;
	q->messages++;
	lq4_answer_fill(a, m);
	a->stream = true;
	a->xid = m->xid;
	if (!m->has_server_id) {
		a->has_server_id = q->has_server_id;
		a->server_id = q->server_id;
	}
	if (m->msg_type == LQ4_LEASEQUERYDONE) {
		lq_stream_finish(q, m->has_status, m->status_code, m->status_text);
		a->outcome = m->has_status && m->status_code != LQ4_STATUS_SUCCESS
			     ? LQ_OUTCOME_ERROR : LQ_OUTCOME_NO_BINDING;
		res->event = LQ_STREAM_DONE;
		return NULL;
	}
	if (m->msg_type == LQ4_LEASEQUERYSTATUS) {
		/* the state of the stream (CatchUpComplete, DataMissing, none: the
		 * connection is alive), not a binding */
		a->outcome = LQ_OUTCOME_NO_BINDING;
		res->event = LQ_STREAM_STATUS;
		return NULL;
	}
	/* a status-code in DHCPLEASEACTIVE or DHCPLEASEUNASSIGNED is about that
	 * one reply (section 6.2.2): still a binding */
	a->outcome = LQ_OUTCOME_BINDING;
	if (m->associated_ip.data != NULL)
		res->warning = "associated-ip (option 92) in a bulk reply (RFC 6926 5: MUST NOT "
			       "appear); shown as sent";
	q->bindings++;
	res->event = LQ_STREAM_BINDING;
	return NULL;
}
