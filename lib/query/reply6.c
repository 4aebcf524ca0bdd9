/* reply6.c - writes the LEASEQUERY-REPLY of RFC 5007 (4.4.1, 4.4.3): the
 * transaction-id of the query, our OPTION_SERVERID, the requestor's
 * OPTION_CLIENTID, then a status code, or the client's OPTION_CLIENT_DATA,
 * or OPTION_LQ_CLIENT_LINK. A relayed query is answered as RFC 8415 says
 * (sections 9, 19): a RELAY-REPL for every RELAY-FORW it came in, with the
 * same hop-count, link-address and peer-address and its Interface-Id
 * option copied, the reply inside the innermost one. */
#include "answer6_internal.h"
#include "lq/client_data6.h"

lq_err lq6_reply_write(const struct lq6_reply *r, const struct lq6_outcome *outcome,
		       uint8_t *out, size_t cap, size_t *len, uint32_t *bindings)
{
	struct lq6_writer w;
	size_t count = 0;
	lq_err err;

	lq6w_init(&w, out, cap);
	for (size_t i = 0; i < r->n_hops; i++) {
		const struct lq6_relay_hop *h = &r->hops[i];

		lq6w_relay_header(&w, LQ6_RELAY_REPL, h->hop_count, &h->link_address,
				  &h->peer_address);
		if (h->interface_id.data != NULL)
			lq6w_option(&w, LQ6_OPT_INTERFACE_ID, h->interface_id.data,
				    h->interface_id.len);
		lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	}
	lq6w_header(&w, LQ6_LEASEQUERY_REPLY, r->xid);
	lq6w_option(&w, LQ6_OPT_SERVERID, r->server_id.data, r->server_id.len);
	lq6w_option(&w, LQ6_OPT_CLIENTID, r->client_id.data, r->client_id.len);
	if (outcome->status != LQ6_STATUS_SUCCESS) {
		lq6w_status(&w, outcome->status, outcome->message);
	} else if (outcome->n_links > 0) {
		if (!lq_config_option_sensitive(r->config, 6, LQ6_OPT_LQ_CLIENT_LINK))
			lq6w_client_link(&w, outcome->links, outcome->n_links);
	} else if (outcome->found.n > 0) {
		struct lq6_client_data_ctx ctx = {.config = r->config, .now = r->now, .oro = r->oro};

		count = lq6_client_data_write(&w, &ctx, outcome->found.v, outcome->found.n);
	}
	for (size_t i = 0; i < r->n_hops; i++)
		lq6w_close(&w);
	err = lq6w_finish(&w, len);
	*bindings = err == LQ_OK ? (uint32_t)count : 0;
	return err;
}
