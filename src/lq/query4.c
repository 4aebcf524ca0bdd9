/* query4.c - DHCPv4 leasequery for the requestor (RFC 4388): the
 * DHCPLEASEQUERY of each query regime (section 6.2), and the checks and
 * reading of DHCPLEASEUNASSIGNED, DHCPLEASEUNKNOWN and DHCPLEASEACTIVE
 * replies (sections 6.4 and 6.5) into a struct lq_answer. */
#include <stdlib.h>
#include <string.h>

#include "query4.h"
#include "lq/lqtime.h"

const uint8_t lq4_default_prl[] = {
	LQ4_OPT_LEASE_TIME, LQ4_OPT_T1, LQ4_OPT_T2, LQ4_OPT_VENDOR_CLASS,
	LQ4_OPT_CLIENT_ID, LQ4_OPT_RELAY_AGENT_INFO, LQ4_OPT_CLT_TIME,
	LQ4_OPT_ASSOCIATED_IP, LQ4_OPT_DHCP_STATE,
};
const size_t lq4_default_prl_len = sizeof(lq4_default_prl);

/* RFC 8357 5.1: the relay agent source port sub-option is empty; the server
 * answers to the UDP source port of the query. (The wire layer's typed
 * relay_info writes a 2-octet value, so this goes out as a raw option.) */
static const uint8_t relay_port_subopt[] = { LQ4_RAI_RELAY_PORT, 0 };

lq_err lq4_request_build(const struct lq4_request *q, uint8_t *out, size_t cap, size_t *out_len)
{
	struct lq4_msg *m;
	lq_err err;

	*out_len = 0;
	if (cap < LQ4_QUERY_MIN_LEN)
		return LQ_ERR_NO_SPACE;
	if ((m = malloc(sizeof(*m))) == NULL)
		return LQ_ERR_NO_SPACE;
	lq4_msg_init(m, LQ4_LEASEQUERY, q->xid);
	/* RFC 4388 6.2: every regime zeroes the fields of the others. */
	m->htype = 0;
	m->hlen = 0;
	m->giaddr = q->giaddr;
	switch (q->by) {
	case LQ4_BY_ADDRESS:
		m->ciaddr = q->address;
		break;
	case LQ4_BY_MAC:
		if (q->hlen > sizeof(m->chaddr)) {
			free(m);
			return LQ_ERR_BAD_HLEN;
		}
		m->htype = q->htype;
		m->hlen = q->hlen;
		memcpy(m->chaddr, q->chaddr, q->hlen);
		break;
	case LQ4_BY_CLIENT_ID:
		if (q->client_id.data == NULL || q->client_id.len == 0) {
			free(m);
			return LQ_ERR_INVALID_ARGUMENT;
		}
		m->client_id = q->client_id;
		break;
	default:
		free(m);
		return LQ_ERR_INVALID_ARGUMENT;
	}
	if (q->prl.data != NULL)
		m->prl = q->prl;
	else
		m->prl = (lq_bytes){ lq4_default_prl, lq4_default_prl_len };
	if (q->relay_port) {
		m->n_extra = 1;
		m->extra[0].code = LQ4_OPT_RELAY_AGENT_INFO;
		m->extra[0].value = (lq_bytes){ relay_port_subopt, sizeof(relay_port_subopt) };
	}
	err = lq4_encode(m, out, cap, out_len);
	free(m);
	if (err != LQ_OK)
		return err;
	if (*out_len < LQ4_QUERY_MIN_LEN) {
		memset(out + *out_len, 0, LQ4_QUERY_MIN_LEN - *out_len);
		*out_len = LQ4_QUERY_MIN_LEN;
	}
	return LQ_OK;
}

static bool ip4_zero(const lq_ip4 *a)
{
	return (a->b[0] | a->b[1] | a->b[2] | a->b[3]) == 0;
}

void lq4_answer_fill(struct lq_answer *a, const struct lq4_msg *m)
{
	a->msg_type = m->msg_type;
	a->has_server_id = m->has_server_id;
	a->server_id = m->server_id;
	a->has_status = m->has_status;
	a->status = m->status_code;
	a->status_text = lq_answer_keep(a, m->status_text);
	if (m->has_status && m->status_code != LQ4_STATUS_SUCCESS)
		a->outcome = LQ_OUTCOME_ERROR;
	else if (m->msg_type == LQ4_LEASEUNKNOWN)
		a->outcome = LQ_OUTCOME_NO_BINDING;
	else
		a->outcome = LQ_OUTCOME_BINDING;

	a->address = m->ciaddr;
	a->htype = m->htype;
	a->hlen = m->hlen > sizeof(a->chaddr) ? (uint8_t)sizeof(a->chaddr) : m->hlen;
	memcpy(a->chaddr, m->chaddr, a->hlen);
	a->has_clt = m->has_clt_time;
	a->clt_time = m->clt_time;
	a->has_lease_time = m->has_lease_time;
	a->lease_time = m->lease_time;
	a->has_t1 = m->has_t1;
	a->t1 = m->t1;
	a->has_t2 = m->has_t2;
	a->t2 = m->t2;
	a->has_dhcp_state = m->has_dhcp_state;
	a->dhcp_state = m->dhcp_state;
	a->client_id = lq_answer_keep(a, m->client_id);
	a->relay_info = lq_answer_keep(a, m->relay_info_raw);
	a->vendor_class = lq_answer_keep(a, m->vendor_class);
	a->associated_ip = lq_answer_keep(a, m->associated_ip);
	/* RFC 6926 6.2: bulk (and active) replies */
	a->has_base_time = m->has_base_time;
	a->base_time = lq_time_from_v4(m->base_time);
	a->has_start_time_of_state = m->has_start_time_of_state;
	a->start_time_of_state = m->start_time_of_state;
	a->has_data_source = m->has_data_source;
	a->data_source = m->data_source;
	a->has_vss = m->vss.present;
	a->vss_type = m->vss.type;
	a->vss_info = lq_answer_keep(a, m->vss.info);
}

static const char *check_reply(const struct lq4_request *q, const struct lq4_msg *m)
{
	if (m->op != LQ4_BOOTREPLY)
		return "not a BOOTREPLY";
	if (m->xid != q->xid)
		return "another transaction id";
	if (m->msg_type != LQ4_LEASEUNASSIGNED && m->msg_type != LQ4_LEASEUNKNOWN &&
	    m->msg_type != LQ4_LEASEACTIVE)
		return "not DHCPLEASEUNASSIGNED, DHCPLEASEUNKNOWN or DHCPLEASEACTIVE";
	if (m->msg_type == LQ4_LEASEUNKNOWN)
		return NULL;
	if (!m->has_server_id)
		return "no server identifier (option 54)";
	if (ip4_zero(&m->ciaddr))
		return "ciaddr is zero in a reply that must name the address (RFC 4388 6.4)";
	if (q->by == LQ4_BY_ADDRESS && memcmp(m->ciaddr.b, q->address.b, 4) != 0)
		return "ciaddr is not the queried address";
	return NULL;
}

const char *lq4_reply_read(const struct lq4_request *q, const uint8_t *pkt, size_t len,
			   struct lq_answer *a)
{
	struct lq4_msg *m;
	const char *why;

	if (len > sizeof(a->pkt))
		return "datagram too long";
	if ((m = malloc(sizeof(*m))) == NULL)
		return "out of memory";
	lq_answer_reset(a);
	memcpy(a->pkt, pkt, len);
	a->pkt_len = len;
	if (lq4_decode(a->pkt, a->pkt_len, m, NULL) != LQ_OK)
		why = "not a DHCPv4 message that decodes";
	else if ((why = check_reply(q, m)) == NULL)
		lq4_answer_fill(a, m);
	free(m);
	return why;
}
