/* found4.c - the next message of a DHCPv4 bulk or active query
 * (found4.h). */
#include <string.h>

#include "found4.h"

void lq4_found_reply_init(struct lq4_bulk_reply *r, const struct lq4_msg *m, uint8_t *codes)
{
	bool seen[256] = { false };
	size_t n = 0;

	r->xid = m->xid;
	r->flags = m->flags;
	r->giaddr = m->giaddr;
	if (m->prl.data == NULL)
		return;
	for (size_t i = 0; i < m->prl.len; i++) {
		if (!seen[m->prl.data[i]]) {
			seen[m->prl.data[i]] = true;
			codes[n++] = m->prl.data[i];
		}
	}
	r->prl = codes;
	r->prl_len = n;
}

/* Nothing about a client's other addresses: bulk and active messages are
 * about one address (never associated-ip). */
static void one_address(struct lq4_found *f, uint8_t type, lq_ip4 addr, bool has_binding)
{
	f->reply_type = type;
	f->addr = addr;
	f->has_binding = has_binding;
	f->client_query = false;
	f->n_assoc = 0;
}

static void no_status(struct lq4_bulk_reply *r, uint8_t state)
{
	r->state = state;
	r->status = LQ4_STATUS_SUCCESS;
	r->status_text = NULL;
}

void lq4_found_binding(struct lq4_found *f, struct lq4_bulk_reply *r, const struct lq_binding *b,
		       int64_t now)
{
	bool active = lq4_binding_active(b, now);

	if (b != &f->binding)
		f->binding = *b;
	one_address(f, active ? LQ4_LEASEACTIVE : LQ4_LEASEUNASSIGNED, lq_binding_key_ip4(&b->key),
		    true);
	if (active)
		no_status(r, LQ4_STATE_ACTIVE);
	else if (b->state == LQ_STATE_ACTIVE)
		no_status(r, LQ4_STATE_EXPIRED);        /* ACTIVE, but past its expiry */
	else
		no_status(r, b->state);
}

void lq4_found_available(struct lq4_found *f, struct lq4_bulk_reply *r, lq_ip4 addr)
{
	one_address(f, LQ4_LEASEUNASSIGNED, addr, false);
	no_status(r, LQ4_STATE_AVAILABLE);
}

void lq4_found_status(struct lq4_found *f, struct lq4_bulk_reply *r, uint8_t type, uint8_t status,
		      const char *text)
{
	lq_ip4 none;

	memset(&none, 0, sizeof(none));
	one_address(f, type, none, false);
	r->state = 0;
	r->status = status;
	r->status_text = text;
}
