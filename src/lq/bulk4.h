/* bulk4.h - DHCPv4 bulk leasequery (RFC 6926) for the requestor: builds a
 * DHCPBULKLEASEQUERY of each primary query (section 7.2: by MAC address,
 * client identifier, remote ID, relay ID, or for all configured addresses)
 * with its qualifiers (query-start-time, query-end-time, VPN), and reads
 * each reply message of the stream (section 7.3) into a struct lq_answer,
 * demultiplexed by xid among the queries sent on one connection. Pure: no
 * sockets, no clock. */
#ifndef LQ_BULK4_H
#define LQ_BULK4_H

#include "answer.h"
#include "lq/dhcp4.h"

#define LQ4_BULK_QUERY_MAX_LEN 1500

enum lq4_bulk_by {
	LQ4_BULK_ALL = 0,               /* no primary query: all configured addresses */
	LQ4_BULK_BY_MAC,                /* htype, hlen, chaddr */
	LQ4_BULK_BY_CLIENT_ID,          /* option 61 */
	LQ4_BULK_BY_REMOTE_ID,          /* option 82 sub-option 2 (RFC 3046) */
	LQ4_BULK_BY_RELAY_ID,           /* option 82 sub-option 12 (RFC 6925) */
};

struct lq4_bulk_request {
	bool active;                    /* a DHCPACTIVELEASEQUERY (RFC 7724 6.1) instead:
					 * by LQ4_BULK_ALL, no query-end-time */
	enum lq4_bulk_by by;
	uint32_t xid;                   /* unique on the connection (RFC 6926 7.1) */
	uint8_t htype, hlen;            /* BY_MAC */
	uint8_t chaddr[16];
	lq_bytes id;                    /* BY_CLIENT_ID / BY_REMOTE_ID / BY_RELAY_ID value */
	lq_bytes prl;                   /* option 55; data NULL: lq4_bulk_default_prl */
	bool has_start_time, has_end_time;
	int64_t start_time, end_time;   /* options 154 / 155, Unix time (server's clock) */
	bool has_vss;                   /* option 221 (RFC 6607; type 254: all VPNs) */
	uint8_t vss_type;
	lq_bytes vss_info;
};

/* The default parameter request list (RFC 6926 7.2 SHOULD: base-time,
 * lease time, start-time-of-state, client-last-transaction-time): lease
 * time, T1, T2, vendor class, client identifier, relay agent information,
 * client-last-transaction-time, base-time, start-time-of-state,
 * dhcp-state, data-source, VSS. */
extern const uint8_t lq4_bulk_default_prl[];
extern const size_t lq4_bulk_default_prl_len;

/* Write the DHCPBULKLEASEQUERY for q into out: BOOTREQUEST, ciaddr,
 * yiaddr, siaddr and giaddr zero (section 8.2), htype/hlen/chaddr only for
 * a query by MAC, no padding (TCP). LQ_ERR_INVALID_ARGUMENT when a query
 * lacks its value (or a remote/relay ID is longer than a sub-option can
 * carry), LQ_ERR_BAD_HLEN for hlen > 16, LQ_ERR_NO_SPACE. With q->active,
 * the DHCPACTIVELEASEQUERY of RFC 7724 the same way (for every binding;
 * query-start-time asks for catch-up): LQ_ERR_INVALID_ARGUMENT with a
 * primary query or a query-end-time (RFC 7724 6.1: MUST NOT). */
lq_err lq4_bulk_build(const struct lq4_bulk_request *q, uint8_t *out, size_t cap, size_t *out_len);

/* Read one reply message of the stream (a TCP frame without its length)
 * for the n queries sent on the connection. For an active query (its
 * lq_stream_query.active set) also DHCPLEASEQUERYSTATUS (RFC 7724 6.2):
 * LQ_STREAM_STATUS, its status-code and base-time in a; and a first reply
 * without server-id is only a warning. scratch is decoding space the
 * caller keeps (the message is large). Returns NULL with *res filled: the
 * message belongs to queries[res->query], which is updated, and
 * res->event says what it is: a binding (DHCPLEASEACTIVE or
 * DHCPLEASEUNASSIGNED, read into a, with the server-id cached from the
 * query's first reply when the message has none) or the end of the query
 * (DHCPLEASEQUERYDONE; its status, if any, in the query and in a). Returns
 * res->why when the message breaks the protocol and the connection must be
 * closed: it does not decode, is not a BOOTREPLY, its xid matches no query
 * or a finished one (section 7.3 MUST), it is a DHCPLEASEUNKNOWN (7.3 MUST
 * NOT) or another type, the first reply of a query has no server-id, or a
 * binding has ciaddr 0. */
const char *lq4_bulk_read(struct lq_stream_query *queries, size_t n, struct lq4_msg *scratch,
			  const uint8_t *pkt, size_t len, struct lq_answer *a,
			  struct lq_stream_read *res);

#endif
