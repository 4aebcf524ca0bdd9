/* query4_common.c - the checks of a received DHCPBULKLEASEQUERY or
 * DHCPACTIVELEASEQUERY that the bulk and active engines share
 * (query4_common.h). */
#include <string.h>

#include "query4_common.h"

static bool ip4_zero(lq_ip4 a)
{
	return (a.b[0] | a.b[1] | a.b[2] | a.b[3]) == 0;
}

bool lq4_query_addresses_zero(const struct lq4_msg *m)
{
	return ip4_zero(m->ciaddr) && ip4_zero(m->yiaddr) && ip4_zero(m->siaddr);
}

static bool has_mac(const struct lq4_msg *m)
{
	for (size_t i = 0; i < m->hlen && i < sizeof(m->chaddr); i++)
		if (m->chaddr[i] != 0)
			return true;
	return false;
}

enum lq_query_kind lq4_query_primary(const struct lq4_msg *m, int *count)
{
	bool mac = has_mac(m);
	bool cid = m->client_id.data != NULL;
	bool remote = m->has_relay_info && m->relay_info.remote_id.data != NULL;
	bool relay = m->has_relay_info && m->relay_info.relay_id.data != NULL;

	*count = (int)mac + (int)cid + (int)remote + (int)relay;
	if (*count > 1)
		return LQ_QUERY_KIND_NONE;
	if (mac)
		return LQ_QUERY_V4_BY_MAC;
	if (cid)
		return LQ_QUERY_V4_BY_CLIENT_ID;
	if (remote)
		return LQ_QUERY_V4_BY_REMOTE_ID;
	if (relay)
		return LQ_QUERY_V4_BY_RELAY_ID;
	return LQ_QUERY_V4_ALL_ADDRESSES;
}

static bool vss_equal(const struct lq4_vss *a, const struct lq4_vss *b)
{
	return a->type == b->type && a->info.len == b->info.len &&
	       (a->info.len == 0 || memcmp(a->info.data, b->info.data, a->info.len) == 0);
}

const char *lq4_query_vpn(const struct lq4_msg *m, struct lq_store_filter *filter)
{
	const struct lq4_vss *vss = NULL;

	if (m->vss.present)
		vss = &m->vss;
	if (m->has_relay_info && m->relay_info.vss.present) {
		if (vss != NULL && !vss_equal(vss, &m->relay_info.vss))
			return "the VSS option (221) and the VSS relay sub-option (82.151) name "
			       "different VPNs (RFC 6607)";
		vss = &m->relay_info.vss;
	}
	if (vss == NULL || vss->type == LQ4_VSS_GLOBAL) {
		filter->vpn_match = LQ_STORE_VPN_GLOBAL;
		return NULL;
	}
	if (vss->type == LQ4_VSS_ALL_VPNS) {
		filter->vpn_match = LQ_STORE_VPN_ANY;
		return NULL;
	}
	if (vss->info.len > LQ_BINDING_MAX_SMALL)
		return "the VPN identifier is longer than 255 octets (RFC 6607)";
	filter->vpn_match = LQ_STORE_VPN_EXACT;
	filter->vpn_type = vss->type;
	filter->vpn_id = vss->info;
	return NULL;
}

bool lq4_query_allowed(const struct lq_config *config, const struct lq_query_peer *peer,
		       enum lq_query_kind kind)
{
	if (peer == NULL)
		return false;
	if (kind == LQ_QUERY_KIND_NONE)
		return lq_config_requester_allowed(config, peer->family, peer->addr);
	return lq_config_query_allowed(config, peer->family, peer->addr, kind);
}
