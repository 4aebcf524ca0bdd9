/* relay_data6.c - the DHCP-relay-message of OPTION_LQ_RELAY_DATA (RFC 5007
 * 4.1.2.4): "a valid (perhaps multi-hop) RELAY-FORW message as most recently
 * received by the server for the client", except that "the (innermost)
 * OPTION_RELAY_MSG option containing the client's message MUST have been
 * removed". Rebuilt from a binding's relay_info level by level, which also
 * leaves out the relay options on the sensitive list (RFC 5007 5). */
#include "lq/client_data6.h"

size_t lq6_relay_data_message(const struct lq_config *config, lq_bytes relay_info,
			      uint8_t *out, size_t cap)
{
	struct lq6_msg m, inner;
	struct lq6_writer w;
	struct lq6_iter it;
	struct lq6_opt opt;
	unsigned open = 0;
	size_t len;

	if (relay_info.data == NULL ||
	    lq6_decode(relay_info.data, relay_info.len, &m, NULL) != LQ_OK ||
	    m.type != LQ6_RELAY_FORW)
		return 0;
	lq6w_init(&w, out, cap);
	for (;;) {
		lq6w_relay_header(&w, LQ6_RELAY_FORW, m.hop_count, &m.link_address,
				  &m.peer_address);
		lq6_iter_init(&it, m.options);
		while (lq6_iter_next(&it, &opt) == 1) {
			if (opt.code == LQ6_OPT_RELAY_MSG ||
			    (config != NULL && lq_config_option_sensitive(config, 6, opt.code)))
				continue;
			lq6w_option(&w, opt.code, opt.value.data, opt.value.len);
		}
		/* The next relay stays inside RELAY_MSG; the client's message goes. */
		if (m.relay_msg.data == NULL || lq6_decode_inner(m.relay_msg, &inner, NULL) != LQ_OK ||
		    inner.type != LQ6_RELAY_FORW)
			break;
		lq6w_open(&w, LQ6_OPT_RELAY_MSG);
		open++;
		m = inner;
	}
	while (open-- > 0)
		lq6w_close(&w);
	if (lq6w_finish(&w, &len) != LQ_OK)
		return 0;
	return len;
}
