/* qualifiers.c - the options that shape every bulk and active query,
 * from their text (qualifiers.h). */
#include <string.h>
#include <time.h>

#include "duid.h"
#include "qualifiers.h"
#include "lq/dhcp4.h"
#include "lq/lqtime.h"

static int read_time(const struct lq_cmd *cmd, const char *flag, const char *text, int family,
		     int64_t *out)
{
	int64_t lo = family == 4 ? 0 : LQ_EPOCH_2000;
	int64_t hi = lo + (int64_t)UINT32_MAX;

	if (lq_time_parse(text, (int64_t)time(NULL), out) < 0)
		return lq_cmd_error(cmd, "%s: '%s' is not a time (RFC 3339 such as "
				    "2026-11-23T11:15:24Z, now, now-3600, or Unix seconds)", flag, text);
	if (*out < lo || *out > hi)
		return lq_cmd_error(cmd, "%s: '%s' is outside what DHCPv%d can carry (%s)", flag, text,
				    family, family == 4 ? "1970 to 2106" : "2000 to 2136");
	return 0;
}

static int read_times(const struct lq_cmd *cmd, int family, const struct lq_qualifier_args *a,
		      struct lq_qualifiers *q)
{
	if (a->start_time != NULL &&
	    read_time(cmd, "--start-time", a->start_time, family, &q->start) < 0)
		return -1;
	if (a->end_time != NULL && read_time(cmd, "--end-time", a->end_time, family, &q->end) < 0)
		return -1;
	q->has_start = a->start_time != NULL;
	q->has_end = a->end_time != NULL;
	if (q->has_start && q->has_end && q->start > q->end)
		return lq_cmd_error(cmd, "--start-time is after --end-time: no binding can match");
	return 0;
}

static int read_vpn(const struct lq_cmd *cmd, const struct lq_qualifier_args *a,
		    struct lq_qualifiers *q)
{
	size_t n;

	if (a->vpn != NULL && a->all_vpns)
		return lq_cmd_error(cmd, "--vpn and --all-vpns exclude each other");
	if (a->all_vpns) {
		q->has_vss = true;
		q->vss[0] = LQ4_VSS_ALL_VPNS;
		q->vss_len = 1;
		return 0;
	}
	if (a->vpn == NULL)
		return 0;
	q->has_vss = true;
	if (strncmp(a->vpn, "hex:", 4) == 0) {
		if (lq_args_hex(a->vpn + 4, q->vss + 1, sizeof(q->vss) - 1, &n) < 0 || n != 7)
			return lq_cmd_error(cmd, "--vpn: '%s' is not an RFC 2685 VPN-ID (hex: and 7 "
					    "octets, 3 of OUI and 4 of VPN index)", a->vpn);
		q->vss[0] = LQ4_VSS_RFC2685_VPN_ID;
		q->vss_len = 1 + n;
		return 0;
	}
	n = strlen(a->vpn);
	if (n == 0 || n > 254)
		return lq_cmd_error(cmd, "--vpn: a VPN name has 1 to 254 characters");
	for (size_t i = 0; i < n; i++)
		if (a->vpn[i] < 0x20 || a->vpn[i] > 0x7e)
			return lq_cmd_error(cmd, "--vpn: '%s' is not NVT ASCII (printable ASCII)",
					    a->vpn);
	q->vss[0] = LQ4_VSS_NVT_ASCII;
	memcpy(q->vss + 1, a->vpn, n);
	q->vss_len = 1 + n;
	return 0;
}

int lq_qualifiers_read(const struct lq_cmd *cmd, int family, const struct lq_qualifier_args *a,
		       struct lq_qualifiers *q)
{
	memset(q, 0, sizeof(*q));
	if (a->prl != NULL) {
		uint16_t codes[LQ_ARGS_MAX_CODES];
		if (lq_args_codes(a->prl, 1, 254, codes, &q->n_prl) < 0)
			return lq_cmd_error(cmd, "--prl: '%s' is not a list of option codes (1-254, "
					    "comma-separated, e.g. 51,82,152)", a->prl);
		for (size_t i = 0; i < q->n_prl; i++)
			q->prl[i] = (uint8_t)codes[i];
		q->has_prl = true;
	}
	if (a->oro != NULL) {
		if (strcmp(a->oro, "none") != 0 &&
		    lq_args_codes(a->oro, 1, 65535, q->oro, &q->n_oro) < 0)
			return lq_cmd_error(cmd, "--oro: '%s' is not a list of option codes (1-65535, "
					    "comma-separated, e.g. 47,100; or none)", a->oro);
		q->has_oro = true;
	}
	if (a->duid != NULL &&
	    (lq_args_hex(a->duid, q->duid, sizeof(q->duid), &q->duid_len) < 0 || q->duid_len < 2))
		return lq_cmd_error(cmd, "--duid: '%s' is not a DUID (2 to 130 hex octets)", a->duid);
	if (read_times(cmd, family, a, q) < 0)
		return -1;
	return read_vpn(cmd, a, q);
}

int lq_qualifiers_duid(struct lq_qualifiers *q, const struct lq_tcp *t)
{
	struct sockaddr_storage local;

	if (q->duid_len > 0)
		return 0;
	if (lq_tcp_local_address(t, &local) < 0)
		return -1;
	q->duid_len = lq_requestor_duid(&local, q->duid, sizeof(q->duid));
	return q->duid_len > 0 ? 0 : -1;
}

void lq_qualifiers_set4(const struct lq_qualifiers *q, struct lq4_bulk_request *r)
{
	if (q->has_prl)
		r->prl = (lq_bytes){ q->prl, q->n_prl };
	r->has_start_time = q->has_start;
	r->start_time = q->start;
	r->has_end_time = q->has_end;
	r->end_time = q->end;
	r->has_vss = q->has_vss;
	if (q->has_vss) {
		r->vss_type = q->vss[0];
		r->vss_info = (lq_bytes){ q->vss + 1, q->vss_len - 1 };
	}
}

void lq_qualifiers_set6(const struct lq_qualifiers *q, struct lq6_request *r)
{
	if (q->has_oro) {
		r->oro = q->oro;
		r->n_oro = q->n_oro;
	}
	r->has_start_time = q->has_start;
	r->start_time = lq_time_to_v6(q->start);
	r->has_end_time = q->has_end;
	r->end_time = lq_time_to_v6(q->end);
	if (q->has_vss)
		r->vss = (lq_bytes){ q->vss, q->vss_len };
}
