/* client_data6.h - OPTION_CLIENT_DATA (RFC 5007 4.1.2.2, 4.4.2) written from
 * the bindings of one client on one link, and the DHCP-relay-message of
 * OPTION_LQ_RELAY_DATA (4.1.2.4) rebuilt from a binding's relay_info. Shared
 * by the single-query engine (RFC 5007) and bulk leasequery (RFC 5460): both
 * put the same OPTION_CLIENT_DATA in their replies.
 *
 * Pure: bindings in, options out through a struct lq6_writer; no store, no
 * clock (the caller passes now). */
#ifndef LQ_CLIENT_DATA6_H
#define LQ_CLIENT_DATA6_H

#include "lq/binding.h"
#include "lq/config.h"
#include "lq/dhcp6.h"

struct lq6_client_data_ctx {
	const struct lq_config *config; /* its sensitive options are never written;
					 * NULL: none are sensitive */
	int64_t now;                    /* Unix seconds */
	lq_bytes oro;                   /* the OPTION_ORO of the OPTION_LQ_QUERY: option
					 * codes, 2 octets each (may be empty) */
	bool include_inactive;          /* also write the IPv6 leases that are not
					 * reportable (released, expired, ...), with
					 * preferred and valid lifetime 0: bulk
					 * leasequery with OPTION_LQ_START_TIME or
					 * OPTION_LQ_END_TIME reports changes, so a
					 * requestor learns that a lease is gone
					 * (RFC 7653 8.4.1); false: skip them */
};

/* What is left of a binding's lifetimes at now (LQ_INFINITE_LIFETIME stays
 * infinite); preferred never exceeds valid. */
struct lq6_lifetimes {
	uint32_t preferred, valid;
};
struct lq6_lifetimes lq6_binding_lifetimes(const struct lq_binding *b, int64_t now);

/* Is b a lease to report at now: an IPv6 address or prefix, in state active,
 * with some valid lifetime left ("with a non-zero valid lifetime",
 * RFC 5007 4.1.2.2). */
bool lq6_binding_reportable(const struct lq_binding *b, int64_t now);

/* Write one OPTION_CLIENT_DATA for bindings[0..n), which belong to one client
 * on one link (those not reportable are skipped, unless include_inactive;
 * below "reportable" then means any IPv6 lease): OPTION_CLIENTID (the DUID
 * of the first reportable binding), an OPTION_IAADDR (IA_NA, IA_TA) or
 * OPTION_IAPREFIX (IA_PD) per binding with its remaining lifetimes,
 * OPTION_CLT_TIME (seconds since the newest cltt), then what the ORO asks
 * for and the bindings have: OPTION_LQ_RELAY_DATA (the newest relay_info),
 * OPTION_CLIENT_LINKLAYER_ADDR (RFC 6939), OPTION_CLIENT_FQDN (RFC 4704,
 * from hostname). An option whose code is sensitive is left out.
 * Returns the number of OPTION_IAADDR/OPTION_IAPREFIX written. Nothing at
 * all is written when no binding is reportable or OPTION_CLIENT_DATA itself
 * is sensitive. Writer errors are sticky in w. */
size_t lq6_client_data_write(struct lq6_writer *w, const struct lq6_client_data_ctx *ctx,
			     const struct lq_binding *bindings, size_t n);

/* The DHCP-relay-message of OPTION_LQ_RELAY_DATA from relay_info (the
 * client's message as last relayed, outermost RELAY-FORW first): each relay's
 * header and options, without the innermost OPTION_RELAY_MSG that carries the
 * client's own message (RFC 5007 4.1.2.4) and without sensitive options
 * (config may be NULL). Returns the length written to out, or 0 when
 * relay_info is not a valid RELAY-FORW chain or does not fit in cap. */
size_t lq6_relay_data_message(const struct lq_config *config, lq_bytes relay_info,
			      uint8_t *out, size_t cap);

#endif
