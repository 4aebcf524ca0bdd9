/* answer4_internal.h - what the parts of the DHCPv4 single-query engine
 * (RFC 4388) pass each other: answer4.c checks the query and decides who
 * may ask, lookup4.c reads the store and finds the answer (struct
 * lq4_found), reply4.c turns the answer into the reply datagram. */
#ifndef LQ_QUERY_ANSWER4_INTERNAL_H
#define LQ_QUERY_ANSWER4_INTERNAL_H

#include "lq/binding.h"
#include "lq/dhcp4.h"
#include "lq/query.h"

/* Addresses of one client kept for the associated-ip option (92), the most
 * recent first: more than this and the oldest are left out. 512 addresses
 * are 2 KiB of option, more than a reply can carry unless the requestor
 * allows far more than 1500 octets (option 57). */
#define LQ4_ASSOC_MAX 512

/* Bindings of one client (query by MAC or client-id) read at most: bounds the
 * work a single query can cause (RFC 4388 section 7: flooding). */
#define LQ4_CLIENT_SCAN_MAX 65536

/* The answer to one query, before it is written. */
struct lq4_found {
	uint8_t reply_type;       /* LQ4_LEASEACTIVE, LQ4_LEASEUNASSIGNED, LQ4_LEASEUNKNOWN */
	lq_ip4 addr;              /* ciaddr of an ACTIVE or UNASSIGNED reply */
	bool has_binding;         /* ACTIVE: binding is the lease of addr */
	struct lq_binding binding;/* views into the reader's snapshot */
	bool client_query;        /* by MAC or client-id: associated-ip applies */
	size_t n_assoc;           /* the client's other active addresses, */
	lq_ip4 assoc[LQ4_ASSOC_MAX]; /* most recent transaction first */
};

/* Is the binding a lease in force at now: state ACTIVE and not expired? */
bool lq4_binding_active(const struct lq_binding *b, int64_t now);

/* Does this server manage addr without holding a binding for it: is it in a
 * pool of a configured subnet (any address of a subnet without pools)? */
bool lq4_address_managed(const struct lq_config *config, lq_ip4 addr);

/* Query by IP address (ciaddr). Returns 0, or < 0 on a store error. */
int lq4_lookup_ip(const struct lq_query_env *env, struct lq_store_reader *reader,
		  lq_ip4 addr, struct lq4_found *found);

/* Query by MAC address (htype, chaddr[0..hlen)) or by client identifier
 * (option 61 value): by is LQ_STORE_BY_HWADDR or LQ_STORE_BY_CLIENT_ID.
 * Returns 0, or < 0 on a store error. */
int lq4_lookup_client(const struct lq_query_env *env, struct lq_store_reader *reader,
		      enum lq_store_by by, uint8_t htype, lq_bytes value,
		      struct lq4_found *found);

/* Write the reply to query q answering found into out (at most cap
 * octets). *len gets its length. Returns 0, or < 0 when cap cannot hold
 * even the smallest reply. */
int lq4_reply_write(const struct lq_query_env *env, const struct lq4_msg *q,
		    const struct lq4_found *found, uint8_t *out, size_t cap, size_t *len);

/* ---- bulk leasequery (RFC 6926 8.3), for lib/bulk/bulk4.c ---- */

/* The largest message of a bulk query: a TCP frame's. */
#define LQ4_BULK_REPLY_MAX 65535

/* What one reply of a bulk query needs besides the answer (struct
 * lq4_found: reply_type LQ4_LEASEACTIVE or LQ4_LEASEUNASSIGNED with addr and,
 * when has_binding, the binding; or LQ4_LEASEQUERYDONE). Active leasequery
 * (RFC 7724, lib/active/active4.c) writes its messages with the same
 * function, and also LQ4_LEASEQUERYSTATUS: status-code when not Success,
 * then base-time, no binding. */
struct lq4_bulk_reply {
	/* from the query: the same in every reply */
	uint32_t xid;
	uint16_t flags;
	lq_ip4 giaddr;
	const uint8_t *prl;       /* option codes asked for (55); NULL: none */
	size_t prl_len;
	/* this reply */
	bool server_id;           /* option 54: the first reply of the query only */
	uint8_t state;            /* dhcp-state (156) of ACTIVE / UNASSIGNED */
	uint8_t status;           /* DONE, STATUS: status-code (151); 0 Success: none */
	const char *status_text;  /* DONE, STATUS: its text (NUL-terminated, may be NULL) */
	bool done_base_time;      /* active leasequery (RFC 7724): DHCPLEASEQUERYDONE
				   * carries base-time (152) too */
};

/* Write one reply of a bulk query into out (at most
 * min(cap, LQ4_BULK_REPLY_MAX) octets); options that do not fit are left
 * out as lq4_reply_write does. Returns 0, or < 0 when cap is too small for
 * even a DHCPLEASEQUERYDONE with its status text. */
int lq4_bulk_reply_write(const struct lq_config *config, int64_t now,
			 const struct lq4_bulk_reply *r, const struct lq4_found *found,
			 uint8_t *out, size_t cap, size_t *len);

#endif
