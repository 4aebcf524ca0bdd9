/* active4.c - DHCPv4 active leasequery for the requestor (RFC 7724): the
 * DHCPTLS request that opens a TLS connection and the reading of the
 * server's DHCPTLS answer. */
#include <stdlib.h>
#include <string.h>

#include "active4.h"

lq_err lq4_tls_build(uint32_t xid, uint8_t *out, size_t cap, size_t *out_len)
{
	struct lq4_msg *m;
	lq_err err;

	*out_len = 0;
	if ((m = malloc(sizeof(*m))) == NULL)
		return LQ_ERR_NO_SPACE;
	lq4_msg_init(m, LQ4_TLS, xid);
	m->htype = 0;
	m->hlen = 0;
	err = lq4_encode(m, out, cap, out_len);
	free(m);
	return err;
}

enum lq_tls_verdict lq4_tls_answer_read(uint32_t xid, const uint8_t *pkt, size_t len,
					struct lq_tls_answer *ans)
{
	struct lq4_msg *m = malloc(sizeof(*m));
	enum lq_tls_verdict v;

	memset(ans, 0, sizeof(*ans));
	if (m == NULL)
		return lq_tls_answer_verdict(ans, LQ_TLS_BAD, "out of memory");
	if (lq4_decode(pkt, len, m, NULL) != LQ_OK) {
		v = lq_tls_answer_verdict(ans, LQ_TLS_BAD, "the answer to DHCPTLS is not a DHCPv4 "
					  "message that decodes");
		goto out;
	}
	ans->msg_type = m->msg_type;
	lq_tls_answer_keep_status(ans, m->has_status, m->status_code, m->status_text);
	if (m->op != LQ4_BOOTREPLY || m->xid != xid) {
		v = lq_tls_answer_verdict(ans, LQ_TLS_BAD, "the answer to DHCPTLS (%s, xid 0x%08x) is "
					  "not a BOOTREPLY with its xid 0x%08x",
					  lq4_msg_type_name(m->msg_type), m->xid, xid);
		goto out;
	}
	if (m->has_status && m->status_code == LQ4_STATUS_TLS_CONNECTION_REFUSED) {
		v = lq_tls_answer_verdict(ans, LQ_TLS_REFUSED, "the server refused TLS (%s in %s%s%s)",
					  lq4_status_name(m->status_code),
					  lq4_msg_type_name(m->msg_type),
					  ans->status_text[0] != '\0' ? ": " : "", ans->status_text);
		goto out;
	}
	if (m->msg_type != LQ4_TLS) {
		v = lq_tls_answer_verdict(ans, LQ_TLS_BAD, "the server answered DHCPTLS with %s, not "
					  "DHCPTLS", lq4_msg_type_name(m->msg_type));
		goto out;
	}
	if (m->has_status && m->status_code != LQ4_STATUS_SUCCESS) {
		v = lq_tls_answer_verdict(ans, LQ_TLS_REFUSED, "the server refused TLS (DHCPTLS with "
					  "status %s (%u)%s%s)", lq4_status_name(m->status_code),
					  m->status_code, ans->status_text[0] != '\0' ? ": " : "",
					  ans->status_text);
		goto out;
	}
	v = LQ_TLS_GO;
out:
	free(m);
	return v;
}

void lq4_active_repair(const struct lq4_bulk_request *active, const struct lq_astream_step *step,
		       uint32_t xid, struct lq4_bulk_request *out)
{
	*out = *active;
	out->active = false;
	out->by = LQ4_BULK_ALL;
	out->xid = xid;
	out->has_start_time = true;
	out->start_time = step->repair_start;
	out->has_end_time = step->has_repair_end;
	out->end_time = step->has_repair_end ? step->repair_end : 0;
}
