/* fuzz_dhcpd_leases.c - libFuzzer target for the ISC dhcpd lease file parser.
 * The first byte chooses the family (high bit) and a chunk size (low bits);
 * the rest is fed once whole and once in chunks of that size, and both runs
 * must report the same changes and errors: the parser's result must not
 * depend on how the file arrives. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lq/dhcpd_leases.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a run reported, folded into counts and a running hash. */
struct outcome {
	uint64_t changes;
	uint64_t errors;
	uint64_t hash;
};

static void mix(struct outcome *o, const void *bytes, size_t len)
{
	const uint8_t *b = bytes;

	for (size_t i = 0; i < len; i++)
		o->hash = (o->hash ^ b[i]) * 0x100000001b3ull;
}

static void mix_view(struct outcome *o, lq_bytes v)
{
	uint64_t len = v.data == NULL ? UINT64_MAX : v.len;

	mix(o, &len, sizeof(len));
	if (v.data != NULL)
		mix(o, v.data, v.len);
}

static void on_change(void *ctx, const struct lq_binding_change *c)
{
	struct outcome *o = ctx;
	const struct lq_binding *b = &c->binding;

	o->changes++;
	mix(o, &c->op, sizeof(c->op));
	mix(o, &b->key, sizeof(b->key));
	mix(o, &b->type, sizeof(b->type));
	mix(o, &b->state, sizeof(b->state));
	mix(o, &b->htype, sizeof(b->htype));
	mix(o, &b->iaid, sizeof(b->iaid));
	mix(o, &b->cltt, sizeof(b->cltt));
	mix(o, &b->expire, sizeof(b->expire));
	mix(o, &b->state_since, sizeof(b->state_since));
	mix(o, &b->valid_lifetime, sizeof(b->valid_lifetime));
	mix(o, &b->preferred_lifetime, sizeof(b->preferred_lifetime));
	mix_view(o, b->hwaddr);
	mix_view(o, b->client_id);
	mix_view(o, b->relay_info);
	mix_view(o, b->circuit_id);
	mix_view(o, b->remote_id);
	mix_view(o, b->relay_id);
	mix_view(o, b->vendor_class);
	mix_view(o, b->hostname);
}

static void on_error(void *ctx, const struct lq_dhcpd_leases_error *e)
{
	struct outcome *o = ctx;

	o->errors++;
	mix(o, &e->reason, sizeof(e->reason));
	mix(o, &e->line, sizeof(e->line));
	mix(o, &e->block_line, sizeof(e->block_line));
	if (memchr(e->message, '\0', sizeof(e->message)) == NULL)
		abort();
	mix(o, e->message, strlen(e->message));
}

static void run(struct lq_dhcpd_leases *p, int family, const char *text, size_t len, size_t chunk,
		struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	if (lq_dhcpd_leases_init(p, family) != LQ_OK)
		abort();
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		lq_dhcpd_leases_feed(p, text + off, n, on_change, on_error, o);
	}
	(void)lq_dhcpd_leases_finish(p, on_error, o);
	if (p->changes != o->changes || p->errors != o->errors || !lq_dhcpd_leases_idle(p))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lq_dhcpd_leases parser;
	struct outcome whole, chunked;

	if (size < 1)
		return 0;
	int family = (data[0] & 0x80) ? 6 : 4;
	size_t chunk = (size_t)(data[0] & 0x7f) + 1;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;

	run(&parser, family, text, len, len > 0 ? len : 1, &whole);
	run(&parser, family, text, len, chunk, &chunked);
	if (whole.changes != chunked.changes || whole.errors != chunked.errors ||
	    whole.hash != chunked.hash)
		abort();
	return 0;
}
