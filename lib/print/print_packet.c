/* print_packet.c - decode raw bytes of either family and print them; on a
 * decode error, print what went wrong and where instead. */
#include <stdlib.h>

#include "lq/print.h"

static void print_decode_error(struct lq_text *t, int family, const lq_diag *diag, bool json)
{
	if (json) {
		lq_text_printf(t, "{\"family\":%d,\"error\":", family);
		lq_text_json_cstr(t, lq_strerror(diag->err));
		lq_text_printf(t, ",\"offset\":%zu", diag->offset);
		if (diag->option >= 0)
			lq_text_printf(t, ",\"option\":%d", diag->option);
		lq_text_puts(t, "}");
		return;
	}
	lq_text_printf(t, "undecodable DHCPv%d message: %s at offset %zu", family,
		       lq_strerror(diag->err), diag->offset);
	if (diag->option >= 0)
		lq_text_printf(t, " (option %d)", diag->option);
	lq_text_puts(t, "\n");
}

lq_err lq_print_packet(struct lq_text *t, int family, const uint8_t *buf, size_t len, bool json)
{
	lq_diag diag = {LQ_OK, 0, -1};

	if (family == 4) {
		/* lq4_msg carries its own concat space: keep it off the stack. */
		struct lq4_msg *m = malloc(sizeof(*m));
		if (m == NULL)
			return LQ_ERR_NO_SPACE;
		lq_err err = lq4_decode(buf, len, m, &diag);
		if (err == LQ_OK) {
			if (json)
				lq_print4_json(t, m);
			else
				lq_print4_text(t, m);
		} else {
			diag.err = err;
			print_decode_error(t, 4, &diag, json);
		}
		free(m);
		return err;
	}
	if (family == 6) {
		struct lq6_msg m;
		lq_err err = lq6_decode(buf, len, &m, &diag);
		if (err == LQ_OK) {
			if (json)
				lq_print6_json(t, &m);
			else
				lq_print6_text(t, &m);
		} else {
			diag.err = err;
			print_decode_error(t, 6, &diag, json);
		}
		return err;
	}
	return LQ_ERR_INVALID_ARGUMENT;
}
