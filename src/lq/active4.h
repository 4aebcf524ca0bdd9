/* active4.h - DHCPv4 active leasequery (RFC 7724) for the requestor, the
 * parts bulk leasequery lacks: the DHCPTLS message that asks for TLS as the
 * first message on the connection, and the reading of the server's DHCPTLS
 * answer (no status-code: go ahead with the handshake; a status-code such
 * as TLSConnectionRefused: refused). The DHCPACTIVELEASEQUERY itself is
 * lq4_bulk_build with active set, and its stream is read by lq4_bulk_read
 * (bulk4.h). Pure: no sockets, no clock. */
#ifndef LQ_ACTIVE4_H
#define LQ_ACTIVE4_H

#include "active_stream.h"
#include "tls_answer.h"
#include "bulk4.h"
#include "lq/dhcp4.h"

#define LQ4_TLS_MSG_MAX_LEN 300

/* Write a DHCPTLS (message type 18): BOOTREQUEST with xid, no hardware
 * address, no other option. LQ_ERR_NO_SPACE when cap is too small. */
lq_err lq4_tls_build(uint32_t xid, uint8_t *out, size_t cap, size_t *out_len);

/* Read the answer to the DHCPTLS with xid: LQ_TLS_GO for a DHCPTLS
 * BOOTREPLY with that xid and no status-code (or Success), LQ_TLS_REFUSED
 * for one with another status-code (any message type with
 * TLSConnectionRefused counts too), LQ_TLS_BAD for anything else (*ans
 * says why). */
enum lq_tls_verdict lq4_tls_answer_read(uint32_t xid, const uint8_t *pkt, size_t len,
					struct lq_tls_answer *ans);

/* The DHCPBULKLEASEQUERY that fills the gap a DataMissing step reported
 * (RFC 7724, as RFC 7653 8.4.1): for all addresses, with the active
 * query's parameter request list and VPN, query-start-time
 * step->repair_start and query-end-time step->repair_end (none when the
 * DataMissing had no base-time), with xid. */
void lq4_active_repair(const struct lq4_bulk_request *active, const struct lq_astream_step *step,
		       uint32_t xid, struct lq4_bulk_request *out);

#endif
