/* query6.c - DHCPv6 leasequery for the requestor (RFC 5007): the LEASEQUERY
 * message (section 4.1.1: our DUID in OPTION_CLIENTID, OPTION_LQ_QUERY with
 * the query-type, link-address, OPTION_IAADDR or the client's
 * OPTION_CLIENTID, and an OPTION_ORO of per-client options), its RFC 8357
 * RELAY-FORW wrapper, and the checks and reading of the LEASEQUERY-REPLY
 * (section 4.3.3) into a struct lq_answer. */
#include <string.h>

#include "query6.h"
#include "lq/lqtime.h"

const uint16_t lq6_default_oro[] = { LQ6_OPT_LQ_RELAY_DATA };
const size_t lq6_default_oro_len = sizeof(lq6_default_oro) / sizeof(lq6_default_oro[0]);

size_t lq6_duid_ll(uint8_t *out, size_t cap, uint16_t htype, const uint8_t *lladdr, size_t len)
{
	if (cap < 4 + len || 4 + len > LQ6_DUID_MAX)
		return 0;
	out[0] = 0;
	out[1] = 3;                     /* DUID-LL */
	out[2] = (uint8_t)(htype >> 8);
	out[3] = (uint8_t)htype;
	memcpy(out + 4, lladdr, len);
	return 4 + len;
}

void lq6_leasequery_write(struct lq6_writer *w, const struct lq6_request *q)
{
	lq6w_header(w, LQ6_LEASEQUERY, q->xid);
	lq6w_option(w, LQ6_OPT_CLIENTID, q->requestor_duid.data, q->requestor_duid.len);
	lq6w_lq_query_open(w, q->type, &q->link_address);
	switch (q->type) {
	case LQ6_QUERY_BY_ADDRESS:
		lq6w_iaaddr(w, &q->address, 0, 0);
		break;
	case LQ6_QUERY_BY_CLIENTID:
		lq6w_option(w, LQ6_OPT_CLIENTID, q->client_id.data, q->client_id.len);
		break;
	case LQ6_QUERY_BY_RELAY_ID:     /* RFC 5460 5.2: the relay's DUID */
		lq6w_option(w, LQ6_OPT_RELAY_ID, q->relay_id.data, q->relay_id.len);
		break;
	case LQ6_QUERY_BY_REMOTE_ID:    /* RFC 5460 5.2, RFC 4649 */
		lq6w_option(w, LQ6_OPT_REMOTE_ID, q->remote_id.data, q->remote_id.len);
		break;
	default:                        /* BY_LINK_ADDRESS: the link-address alone */
		break;
	}
	if (q->oro != NULL) {
		if (q->n_oro > 0)
			lq6w_oro(w, q->oro, q->n_oro);
	} else {
		lq6w_oro(w, lq6_default_oro, lq6_default_oro_len);
	}
	lq6w_close(w);
	if (q->has_start_time)
		lq6w_option_u32(w, LQ6_OPT_LQ_START_TIME, q->start_time);
	if (q->has_end_time)
		lq6w_option_u32(w, LQ6_OPT_LQ_END_TIME, q->end_time);
	if (q->vss.data != NULL)
		lq6w_option(w, LQ6_OPT_VSS, q->vss.data, q->vss.len);
}

lq_err lq6_request_build(const struct lq6_request *q, uint8_t *out, size_t cap, size_t *out_len)
{
	struct lq6_writer w;
	static const lq_ip6 unspecified;

	*out_len = 0;
	if (q->requestor_duid.data == NULL || q->requestor_duid.len < 2 ||
	    (q->type != LQ6_QUERY_BY_ADDRESS && q->type != LQ6_QUERY_BY_CLIENTID) ||
	    (q->type == LQ6_QUERY_BY_CLIENTID &&
	     (q->client_id.data == NULL || q->client_id.len < 2)))
		return LQ_ERR_INVALID_ARGUMENT;
	lq6w_init(&w, out, cap);
	if (q->relay_port) {
		/* RFC 8357 5.2: a relay using another source port than 547 says
		 * so; the server sends the RELAY-REPL back to that port. We are
		 * the first relay: downstream source port 0. */
		lq6w_relay_header(&w, LQ6_RELAY_FORW, 0, &unspecified, &q->peer_address);
		lq6w_option_u16(&w, LQ6_OPT_RELAY_SOURCE_PORT, 0);
		lq6w_open(&w, LQ6_OPT_RELAY_MSG);
		lq6_leasequery_write(&w, q);
		lq6w_close(&w);
	} else {
		lq6_leasequery_write(&w, q);
	}
	return lq6w_finish(&w, out_len);
}

static bool bytes_equal(lq_bytes a, lq_bytes b)
{
	return a.data != NULL && b.data != NULL && a.len == b.len &&
	       (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

static void fill_leases(struct lq_answer *a, const struct lq6_client_data *cd)
{
	struct lq6_iter it;
	struct lq6_lease l;

	lq6_iter_init(&it, cd->options);
	while (lq6_client_data_next(&it, &l)) {
		if (a->n_leases == LQ_ANSWER_MAX_LEASES) {
			a->leases_truncated = true;
			break;
		}
		struct lq_answer_lease *dst = &a->leases[a->n_leases++];
		dst->is_prefix = l.is_prefix;
		dst->prefix_len = l.prefix_len;
		dst->addr = l.addr;
		dst->preferred = l.preferred;
		dst->valid = l.valid;
	}
}

void lq6_answer_fill(struct lq_answer *a, const struct lq6_msg *m)
{
	a->msg_type = m->type;
	a->server_duid = m->server_id;
	a->has_status = m->status.present;
	a->status = m->status.code;
	a->status_text = m->status.message;
	a->client_links = m->client_link;
	a->has_base_time = m->has_base_time;
	a->base_time = lq_time_from_v6(m->base_time);
	if (m->vss.data != NULL && m->vss.len >= 1) {
		a->has_vss = true;
		a->vss_type = m->vss.data[0];
		a->vss_info = (lq_bytes){ m->vss.data + 1, m->vss.len - 1 };
	}
	if (m->status.present && m->status.code != LQ6_STATUS_SUCCESS)
		a->outcome = LQ_OUTCOME_ERROR;
	else if (m->client_data.present)
		a->outcome = LQ_OUTCOME_BINDING;
	else
		a->outcome = LQ_OUTCOME_NO_BINDING;
	if (!m->client_data.present)
		return;
	/* (read even beside an error status: a bulk LEASEQUERY-DATA's status
	 * is about its one client) */
	const struct lq6_client_data *cd = &m->client_data;
	a->client_id = cd->client_id;
	a->has_clt = cd->has_clt_time;
	a->clt_time = cd->clt_time;
	a->has_relay_data = cd->has_relay_data;
	a->relay_peer = cd->relay_peer;
	a->relay_message = cd->relay_message;
	a->client_options = cd->options;
	fill_leases(a, cd);
	/* RFC 6607: the client's VPN, inside its client data */
	struct lq6_opt vss = lq6_find(cd->options, LQ6_OPT_VSS);
	if (vss.value.data != NULL && vss.value.len >= 1) {
		a->has_vss = true;
		a->vss_type = vss.value.data[0];
		a->vss_info = (lq_bytes){ vss.value.data + 1, vss.value.len - 1 };
	}
}

/* The LEASEQUERY-REPLY inside a RELAY-REPL answering our RELAY-FORW. */
static const char *unwrap(const struct lq6_request *q, struct lq6_msg *m)
{
	lq_bytes inner;

	if (!q->relay_port)
		return "a RELAY-REPL, but the query was not relayed";
	if (m->hop_count != 0 || memcmp(m->peer_address.b, q->peer_address.b, 16) != 0)
		return "a RELAY-REPL for another relay";
	if (m->relay_msg.data == NULL)
		return "a RELAY-REPL without OPTION_RELAY_MSG";
	inner = m->relay_msg;
	if (lq6_decode_inner(inner, m, NULL) != LQ_OK)
		return "the relayed message does not decode";
	return NULL;
}

static const char *check_reply(const struct lq6_request *q, const struct lq6_msg *m)
{
	if (m->type != LQ6_LEASEQUERY_REPLY)
		return "not a LEASEQUERY-REPLY";
	if (m->xid != (q->xid & 0xffffffu))
		return "another transaction id";
	if (m->client_id.data == NULL)
		return "no OPTION_CLIENTID";
	if (!bytes_equal(m->client_id, q->requestor_duid))
		return "OPTION_CLIENTID is not our DUID";
	if (m->server_id.data == NULL)
		return "no OPTION_SERVERID";
	return NULL;
}

const char *lq6_reply_read(const struct lq6_request *q, const uint8_t *pkt, size_t len,
			   struct lq_answer *a)
{
	struct lq6_msg m;
	const char *why;

	if (len > sizeof(a->pkt))
		return "datagram too long";
	lq_answer_reset(a);
	memcpy(a->pkt, pkt, len);
	a->pkt_len = len;
	if (lq6_decode(a->pkt, a->pkt_len, &m, NULL) != LQ_OK)
		return "not a DHCPv6 message that decodes";
	/* A server may answer a relayed query in a RELAY-REPL (RFC 8415) or,
	 * not supporting relayed leasequeries, directly: both are fine when
	 * the transaction id and our DUID match. */
	if (m.type == LQ6_RELAY_REPL && (why = unwrap(q, &m)) != NULL)
		return why;
	if ((why = check_reply(q, &m)) != NULL)
		return why;
	lq6_answer_fill(a, &m);
	return NULL;
}
