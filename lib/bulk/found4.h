/* found4.h - the next message of a DHCPv4 bulk query (bulk4.c) or active
 * query (lib/active/active4.c), set up as lq4_bulk_reply_write takes it:
 * what every reply takes from the query; the answer (struct lq4_found) and
 * the reply's dhcp-state and status, for a binding, for an address no
 * binding holds, or for a message without a binding (DHCPLEASEQUERYDONE,
 * DHCPLEASEQUERYSTATUS). Not a public interface. */
#ifndef LQ_BULK_FOUND4_H
#define LQ_BULK_FOUND4_H

#include "../query/answer4_internal.h"

/* What every reply takes from the query m: xid, flags, giaddr, and the
 * option codes its parameter request list asks for, each once in its
 * order, kept in codes (room for 256; m without a list: r->prl NULL). */
void lq4_found_reply_init(struct lq4_bulk_reply *r, const struct lq4_msg *m, uint8_t *codes);

/* The message about binding b (which may be &f->binding) at now:
 * DHCPLEASEACTIVE when it is in force, else DHCPLEASEUNASSIGNED with its
 * dhcp-state (an ACTIVE binding past its expiry: EXPIRED); no status. */
void lq4_found_binding(struct lq4_found *f, struct lq4_bulk_reply *r, const struct lq_binding *b,
		       int64_t now);

/* DHCPLEASEUNASSIGNED about addr, which no binding holds: dhcp-state
 * AVAILABLE, no client, no status. */
void lq4_found_available(struct lq4_found *f, struct lq4_bulk_reply *r, lq_ip4 addr);

/* A message of type about no address and no binding, with status (0
 * Success: none) and its text. */
void lq4_found_status(struct lq4_found *f, struct lq4_bulk_reply *r, uint8_t type, uint8_t status,
		      const char *text);

#endif
