/* qualifiers.h - the options `lq bulk` and `lq active` share, which shape
 * every query they send: the parameter request list (--prl, DHCPv4), the
 * ORO (--oro) and our DUID (--duid, DHCPv6), the start and end times
 * (--start-time, --end-time) and the VPN (--vpn NAME, --vpn hex:HEX,
 * --all-vpns); checked and read from their text, and set in each DHCPv4
 * or DHCPv6 query; our DUID made when none was given. */
#ifndef LQ_QUALIFIERS_H
#define LQ_QUALIFIERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "args.h"
#include "bulk4.h"
#include "cmdline.h"
#include "query6.h"
#include "tcp_client.h"

/* The options as given (NULL: not given). */
struct lq_qualifier_args {
	const char *prl, *oro, *duid;
	const char *start_time, *end_time;
	const char *vpn;
	bool all_vpns;
};

struct lq_qualifiers {
	bool has_prl;
	uint8_t prl[LQ_ARGS_MAX_CODES];
	size_t n_prl;
	bool has_oro;                   /* n_oro 0: --oro none */
	uint16_t oro[LQ_ARGS_MAX_CODES];
	size_t n_oro;
	uint8_t duid[LQ6_DUID_MAX];     /* duid_len 0: none given */
	size_t duid_len;
	bool has_start, has_end;
	int64_t start, end;             /* Unix time (the server's clock) */
	bool has_vss;
	uint8_t vss[256];               /* type, then the VSS information */
	size_t vss_len;
};

/* Read a into *q (cleared first) for a query of family 4 or 6: 0, or -1 on
 * a usage error (said as cmd says). A time is RFC 3339, now, now-N or Unix
 * seconds within what the family carries; the start may not be after the
 * end. --vpn NAME: VSS type 0, NVT ASCII; --vpn hex:HEX: type 1, an RFC
 * 2685 VPN-ID (7 octets); --all-vpns: type 254 (RFC 6926 6.2.9). */
int lq_qualifiers_read(const struct lq_cmd *cmd, int family, const struct lq_qualifier_args *a,
		       struct lq_qualifiers *q);

/* Our DUID in q for a DHCPv6 query over t: the one given (--duid), else
 * one made for t's local address and kept for the next connection. 0, or
 * -1 when none could be made. */
int lq_qualifiers_duid(struct lq_qualifiers *q, const struct lq_tcp *t);

/* The qualifiers of q in the DHCPv4 query r: its parameter request list
 * (when given), start and end times, VPN. */
void lq_qualifiers_set4(const struct lq_qualifiers *q, struct lq4_bulk_request *r);

/* The qualifiers of q in the DHCPv6 query r: its ORO (when given), start
 * and end times, OPTION_VSS; r points into q. Not the DUID, which may
 * still be made once connected. */
void lq_qualifiers_set6(const struct lq_qualifiers *q, struct lq6_request *r);

#endif
