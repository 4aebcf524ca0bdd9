/* fuzz_dhcp4.c - libFuzzer target for the DHCPv4 decoder: decode anything;
 * when it decodes, re-encode it, decode the result again and check that the
 * typed fields survived, and print it as text and JSON. */
#include <stdlib.h>
#include <string.h>

#include "lq/dhcp4.h"
#include "lq/print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lq4_msg first, second;
static uint8_t encoded[65536 + 4096];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lq_diag diag = {LQ_OK, 0, -1};
	size_t len;

	if (lq4_decode(data, size, &first, &diag) != LQ_OK) {
		if (diag.offset > size)
			abort();
		return 0;
	}
	struct lq_text t;
	lq_text_init(&t);
	lq_print4_text(&t, &first);
	lq_print4_json(&t, &first);
	lq_text_free(&t);

	if (lq4_encode(&first, encoded, sizeof(encoded), &len) != LQ_OK)
		return 0;   /* e.g. an hlen the encoder refuses; never a crash */
	if (lq4_decode(encoded, len, &second, NULL) != LQ_OK)
		abort();    /* what we encode, we must decode */
	if (first.msg_type != second.msg_type || first.xid != second.xid ||
	    first.has_lease_time != second.has_lease_time || first.lease_time != second.lease_time ||
	    first.client_id.len != second.client_id.len ||
	    memcmp(&first.ciaddr, &second.ciaddr, sizeof(first.ciaddr)) != 0)
		abort();
	return 0;
}
