/* active6.c - DHCPv6 active leasequery for the requestor (RFC 7653): the
 * ACTIVELEASEQUERY, the STARTTLS request and the reading of its answer. */
#include <string.h>

#include "active6.h"
#include "bulk6.h"
#include "lq/lqtime.h"

lq_err lq6_active_build(const struct lq6_request *q, uint8_t *out, size_t cap, size_t *out_len)
{
	struct lq6_writer w;
	lq_err err;

	*out_len = 0;
	/* RFC 7653 6.3.3: no end time in an active query */
	if (q->has_end_time || q->relay_port || q->requestor_duid.data == NULL ||
	    q->requestor_duid.len < 2 || (q->vss.data != NULL && q->vss.len == 0))
		return LQ_ERR_INVALID_ARGUMENT;
	if (q->type != 0) {
		/* RFC 7653 8.3: narrowed by a query of RFC 5007 / RFC 5460: the
		 * message is the bulk LEASEQUERY's with another type */
		if ((err = lq6_bulk_build(q, out, cap, out_len)) != LQ_OK)
			return err;
		out[0] = LQ6_ACTIVELEASEQUERY;
		return LQ_OK;
	}
	/* every binding: no OPTION_LQ_QUERY (RFC 7653 8.3: MUST NOT), the ORO
	 * at the top level */
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_ACTIVELEASEQUERY, q->xid);
	lq6w_option(&w, LQ6_OPT_CLIENTID, q->requestor_duid.data, q->requestor_duid.len);
	if (q->oro == NULL)
		lq6w_oro(&w, lq6_bulk_default_oro, lq6_bulk_default_oro_len);
	else if (q->n_oro > 0)
		lq6w_oro(&w, q->oro, q->n_oro);
	if (q->has_start_time)
		lq6w_option_u32(&w, LQ6_OPT_LQ_START_TIME, q->start_time);
	if (q->vss.data != NULL)
		lq6w_option(&w, LQ6_OPT_VSS, q->vss.data, q->vss.len);
	return lq6w_finish(&w, out_len);
}

lq_err lq6_starttls_build(uint32_t xid, lq_bytes duid, uint8_t *out, size_t cap, size_t *out_len)
{
	struct lq6_writer w;

	*out_len = 0;
	if (duid.data == NULL || duid.len < 2)
		return LQ_ERR_INVALID_ARGUMENT;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_STARTTLS, xid);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid.data, duid.len);
	return lq6w_finish(&w, out_len);
}

enum lq_tls_verdict lq6_starttls_answer_read(uint32_t xid, lq_bytes duid, const uint8_t *pkt,
					     size_t len, struct lq_tls_answer *ans)
{
	struct lq6_msg m;

	memset(ans, 0, sizeof(*ans));
	if (lq6_decode(pkt, len, &m, NULL) != LQ_OK)
		return lq_tls_answer_verdict(ans, LQ_TLS_BAD, "the answer to STARTTLS is not a "
					     "DHCPv6 message that decodes");
	ans->msg_type = m.type;
	lq_tls_answer_keep_status(ans, m.status.present, m.status.code, m.status.message);
	/* the draft answers with REPLY (7), RFC 7653 with STARTTLS (23) */
	if (m.type != LQ6_REPLY && m.type != LQ6_STARTTLS)
		return lq_tls_answer_verdict(ans, LQ_TLS_BAD, "the server answered STARTTLS with "
					     "%s, not REPLY or STARTTLS", lq6_msg_type_name(m.type));
	if (m.xid != (xid & 0xffffffu))
		return lq_tls_answer_verdict(ans, LQ_TLS_BAD, "the answer to STARTTLS has "
					     "transaction id 0x%06x, not 0x%06x", m.xid,
					     xid & 0xffffffu);
	if (m.client_id.data != NULL &&
	    (m.client_id.len != duid.len || memcmp(m.client_id.data, duid.data, duid.len) != 0))
		return lq_tls_answer_verdict(ans, LQ_TLS_BAD, "the answer to STARTTLS carries "
					     "another OPTION_CLIENTID than our DUID");
	if (m.status.present && m.status.code != LQ6_STATUS_SUCCESS)
		return lq_tls_answer_verdict(ans, LQ_TLS_REFUSED, "the server refused TLS (%s with "
					     "status %s (%u)%s%s)", lq6_msg_type_name(m.type),
					     lq6_status_name(m.status.code), m.status.code,
					     ans->status_text[0] != '\0' ? ": " : "",
					     ans->status_text);
	return LQ_TLS_GO;
}

void lq6_active_repair(const struct lq6_request *active, const struct lq_astream_step *step,
		       uint32_t xid, struct lq6_request *out)
{
	*out = *active;
	if (out->type == 0) {
		static const lq_ip6 any;
		out->type = LQ6_QUERY_BY_LINK_ADDRESS;
		out->link_address = any;
	}
	out->xid = xid;
	out->has_start_time = true;
	out->start_time = lq_time_to_v6(step->repair_start);
	out->has_end_time = step->has_repair_end;
	out->end_time = step->has_repair_end ? lq_time_to_v6(step->repair_end) : 0;
}
