/* query6_common.c - the checks of a received LEASEQUERY or
 * ACTIVELEASEQUERY that the bulk and active engines share
 * (query6_common.h). */
#include <string.h>

#include "lq/binding.h"
#include "query6_common.h"

static const char msg_server_id[] = "OPTION_SERVERID names another server (RFC 5007 4.2.1)";
static const char msg_long_client_id[] = "OPTION_CLIENTID longer than a DUID (RFC 8415 11.1)";
static const char msg_unknown[] = "query-type unknown to this server";
static const char msg_no_iaaddr[] = "QUERY_BY_ADDRESS without OPTION_IAADDR";
static const char msg_no_query_client_id[] = "QUERY_BY_CLIENTID without a valid OPTION_CLIENTID";
static const char msg_no_relay_id[] = "QUERY_BY_RELAY_ID without a valid OPTION_RELAY_ID (RFC 5460)";
static const char msg_no_remote_id[] = "QUERY_BY_REMOTE_ID without a valid OPTION_REMOTE_ID (RFC 5460)";

bool lq6_oro_has(lq_bytes oro, uint16_t code)
{
	for (size_t i = 0; oro.data != NULL && i + 1 < oro.len; i += 2)
		if ((uint16_t)(oro.data[i] << 8 | oro.data[i + 1]) == code)
			return true;
	return false;
}

const char *lq6_query_client_id_problem(const struct lq6_msg *m, const char *absent)
{
	if (m->client_id.data == NULL)
		return absent;
	if (m->client_id.len > LQ_CONFIG_MAX_DUID)
		return msg_long_client_id;
	return NULL;
}

const char *lq6_query_server_id_problem(const struct lq6_msg *m, const struct lq_config *config)
{
	if (m->server_id.data != NULL &&
	    (m->server_id.len != config->server_duid_len ||
	     memcmp(m->server_id.data, config->server_duid, config->server_duid_len) != 0))
		return msg_server_id;
	return NULL;
}

static bool value_ok(lq_bytes v, size_t max)
{
	return v.data != NULL && v.len > 0 && v.len <= max;
}

uint16_t lq6_query_check(const struct lq6_query *qy, const char **why)
{
	*why = NULL;
	switch (qy->type) {
	case LQ6_QUERY_BY_ADDRESS:
		if (!qy->has_iaaddr)
			*why = msg_no_iaaddr;
		break;
	case LQ6_QUERY_BY_CLIENTID:
		if (!value_ok(qy->client_id, LQ_BINDING_MAX_SMALL))
			*why = msg_no_query_client_id;
		break;
	case LQ6_QUERY_BY_RELAY_ID:
		if (!value_ok(qy->relay_id, LQ_BINDING_MAX_SMALL))
			*why = msg_no_relay_id;
		break;
	case LQ6_QUERY_BY_REMOTE_ID:
		if (!qy->remote_id.present || qy->remote_id.id.len > LQ_BINDING_MAX_SMALL - 4)
			*why = msg_no_remote_id;
		break;
	case LQ6_QUERY_BY_LINK_ADDRESS:
		break;
	default:
		*why = msg_unknown;
		return LQ6_STATUS_UNKNOWN_QUERY_TYPE;
	}
	return *why != NULL ? LQ6_STATUS_MALFORMED_QUERY : LQ6_STATUS_SUCCESS;
}

size_t lq6_query_copy_client_id(const struct lq6_msg *m, uint8_t *dst)
{
	if (m->client_id.data == NULL || m->client_id.len > LQ_CONFIG_MAX_DUID)
		return 0;
	memcpy(dst, m->client_id.data, m->client_id.len);
	return m->client_id.len;
}

bool lq6_query_wants_base_time(const struct lq6_msg *m)
{
	return lq6_oro_has(m->query.oro, LQ6_OPT_LQ_BASE_TIME) ||
	       lq6_oro_has(m->oro, LQ6_OPT_LQ_BASE_TIME);
}
