/* fuzz_dhcp6.c - libFuzzer target for the DHCPv6 decoder: decode anything;
 * walk client data and relayed messages the way lq and lqd do; print it. */
#include <stdlib.h>

#include "lq/dhcp6.h"
#include "lq/print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct lq6_msg *m, unsigned depth)
{
	struct lq6_iter it;
	struct lq6_lease lease;
	struct lq6_msg inner;

	if (depth > LQ6_MAX_DEPTH)
		abort();   /* decode promised a bounded depth */
	if (m->client_data.present) {
		unsigned n = 0;
		lq6_iter_init(&it, m->client_data.options);
		while (lq6_client_data_next(&it, &lease))
			n++;
		if (n != (unsigned)m->client_data.n_addresses + m->client_data.n_prefixes)
			abort();
		if (m->client_data.has_relay_data &&
		    lq6_decode_inner(m->client_data.relay_message, &inner, NULL) == LQ_OK)
			walk(&inner, depth + 1);
	}
	if (m->relay_msg.data != NULL) {
		if (lq6_decode_inner(m->relay_msg, &inner, NULL) != LQ_OK)
			abort();   /* validated as part of the outer message */
		walk(&inner, depth + 1);
	}
	for (size_t i = 0; i < lq6_client_link_count(m); i++)
		(void)lq6_client_link_at(m, i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lq6_msg m;
	lq_diag diag = {LQ_OK, 0, -1};

	if (lq6_decode(data, size, &m, &diag) != LQ_OK) {
		if (diag.offset > size)
			abort();
		return 0;
	}
	walk(&m, 0);
	struct lq_text t;
	lq_text_init(&t);
	lq_print6_text(&t, &m);
	lq_print6_json(&t, &m);
	lq_text_free(&t);
	return 0;
}
