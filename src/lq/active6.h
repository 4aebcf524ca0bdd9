/* active6.h - DHCPv6 active leasequery (RFC 7653) for the requestor: the
 * ACTIVELEASEQUERY (section 8.3: no OPTION_LQ_QUERY for every binding, or
 * one of the query types of RFC 5007 and RFC 5460 to narrow it; the ORO
 * asking for OPTION_LQ_BASE_TIME; OPTION_LQ_START_TIME for catch-up, never
 * OPTION_LQ_END_TIME), the STARTTLS that asks for TLS (section 8.2) and the
 * reading of its answer: the draft's REPLY and the final RFC's STARTTLS are
 * both taken, without status to go ahead, with TLSConnectionRefused (or
 * another status) as a refusal. The replies of the stream are read by
 * lq6_bulk_read (bulk6.h). Pure: no sockets, no clock. */
#ifndef LQ_ACTIVE6_H
#define LQ_ACTIVE6_H

#include "active_stream.h"
#include "tls_answer.h"
#include "query6.h"

#define LQ6_STARTTLS_MAX_LEN 256

/* Write the ACTIVELEASEQUERY for q: q->type 0 for every binding (no
 * OPTION_LQ_QUERY; the ORO then at the top level), else a query type as
 * lq6_bulk_build takes it (the ORO inside OPTION_LQ_QUERY); our DUID in
 * OPTION_CLIENTID; the ORO q->oro (NULL: lq6_bulk_default_oro, base-time
 * and relay data); OPTION_LQ_START_TIME and OPTION_VSS when q has them.
 * LQ_ERR_INVALID_ARGUMENT for an end time (RFC 7653 6.3.3: MUST NOT), a
 * missing DUID or query value; LQ_ERR_NO_SPACE. */
lq_err lq6_active_build(const struct lq6_request *q, uint8_t *out, size_t cap, size_t *out_len);

/* Write a STARTTLS (message type 23) with xid and our DUID in
 * OPTION_CLIENTID. LQ_ERR_INVALID_ARGUMENT without a DUID. */
lq_err lq6_starttls_build(uint32_t xid, lq_bytes duid, uint8_t *out, size_t cap, size_t *out_len);

/* Read the answer to the STARTTLS with xid: a REPLY (draft) or STARTTLS
 * (RFC 7653) with that transaction id, an OPTION_CLIENTID that is ours if
 * there is one: LQ_TLS_GO without OPTION_STATUS_CODE (or Success),
 * LQ_TLS_REFUSED with another status; LQ_TLS_BAD otherwise (*ans says
 * why). */
enum lq_tls_verdict lq6_starttls_answer_read(uint32_t xid, lq_bytes duid, const uint8_t *pkt,
					     size_t len, struct lq_tls_answer *ans);

/* The bulk LEASEQUERY that fills the gap a DataMissing step reported
 * (RFC 7653 8.4.1): the active query's own query (every link,
 * QUERY_BY_LINK_ADDRESS with link-address ::, when it had none), its ORO,
 * DUID and VPN, OPTION_LQ_START_TIME step->repair_start and
 * OPTION_LQ_END_TIME step->repair_end (none when the DataMissing had no
 * base-time), with xid. The values point into active's. */
void lq6_active_repair(const struct lq6_request *active, const struct lq_astream_step *step,
		       uint32_t xid, struct lq6_request *out);

#endif
