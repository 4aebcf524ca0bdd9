/* query4.h - DHCPv4 leasequery (RFC 4388) for the requestor: builds a
 * DHCPLEASEQUERY by IP address, MAC address or client identifier, and reads
 * a reply into a struct lq_answer after checking that it answers that query.
 * Pure: no sockets, no clock. */
#ifndef LQ_QUERY4_H
#define LQ_QUERY4_H

#include "answer.h"
#include "lq/dhcp4.h"

/* RFC 1542 2.1: a BOOTP message is at least 300 octets; queries are padded
 * with zeros after END up to this length. */
#define LQ4_QUERY_MIN_LEN 300
#define LQ4_QUERY_MAX_LEN 1500

enum lq4_query_by {
	LQ4_BY_ADDRESS = 1,     /* ciaddr */
	LQ4_BY_MAC = 2,         /* htype, hlen, chaddr */
	LQ4_BY_CLIENT_ID = 3,   /* option 61 */
};

struct lq4_request {
	enum lq4_query_by by;
	uint32_t xid;
	lq_ip4 address;                 /* LQ4_BY_ADDRESS */
	uint8_t htype, hlen;            /* LQ4_BY_MAC */
	uint8_t chaddr[16];
	lq_bytes client_id;             /* LQ4_BY_CLIENT_ID: option 61 value */
	lq_bytes prl;                   /* option 55; data NULL: lq4_default_prl */
	lq_ip4 giaddr;                  /* the requestor's address (RFC 4388 6.2) */
	bool relay_port;                /* add the RFC 8357 relay source port
					 * sub-option (82.19, empty): the server
					 * answers to the UDP source port */
};

/* The default parameter request list: lease time, T1, T2, vendor class,
 * client identifier, relay agent information, client-last-transaction-time,
 * associated-ip, dhcp-state. */
extern const uint8_t lq4_default_prl[];
extern const size_t lq4_default_prl_len;

/* Write the DHCPLEASEQUERY for q into out (at least LQ4_QUERY_MIN_LEN). */
lq_err lq4_request_build(const struct lq4_request *q, uint8_t *out, size_t cap, size_t *out_len);

/* Copy what an answer keeps out of a decoded DHCPLEASEACTIVE,
 * DHCPLEASEUNASSIGNED, DHCPLEASEUNKNOWN or DHCPLEASEQUERYDONE m (its views
 * must point into a->pkt or stay alive as long as a): header fields, every
 * option lq shows, and the outcome (an error status makes an error answer,
 * DHCPLEASEUNKNOWN no binding, anything else a binding). */
void lq4_answer_fill(struct lq_answer *a, const struct lq4_msg *m);

/* Read a datagram as the answer to q. Returns NULL and fills a (reset
 * first; the datagram is copied into it) when pkt is a valid reply to q; or
 * a constant sentence saying why pkt is not one (a is then unspecified):
 * undecodable, not a BOOTREPLY, another xid, not DHCPLEASEUNASSIGNED /
 * UNKNOWN / ACTIVE, no server identifier in an ACTIVE or UNASSIGNED reply
 * (an UNKNOWN reply may carry no other option, RFC 4388 6.4), ciaddr zero in
 * an ACTIVE or UNASSIGNED reply, or another ciaddr than the queried one. */
const char *lq4_reply_read(const struct lq4_request *q, const uint8_t *pkt, size_t len,
			   struct lq_answer *a);

#endif
