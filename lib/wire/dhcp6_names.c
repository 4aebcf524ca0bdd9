/* dhcp6_names.c - the names of DHCPv6 message types, options, status codes
 * and leasequery query types, as the RFCs spell them, for printing and logs.
 * Every function returns a constant string; unknown values give "unknown". */
#include "lq/dhcp6.h"

#define UNKNOWN_NAME "unknown"

static const char *const msg_type_names[] = {
	[LQ6_SOLICIT] = "SOLICIT",
	[LQ6_ADVERTISE] = "ADVERTISE",
	[LQ6_REQUEST] = "REQUEST",
	[LQ6_CONFIRM] = "CONFIRM",
	[LQ6_RENEW] = "RENEW",
	[LQ6_REBIND] = "REBIND",
	[LQ6_REPLY] = "REPLY",
	[LQ6_RELEASE] = "RELEASE",
	[LQ6_DECLINE] = "DECLINE",
	[LQ6_RECONFIGURE] = "RECONFIGURE",
	[LQ6_INFORMATION_REQUEST] = "INFORMATION-REQUEST",
	[LQ6_RELAY_FORW] = "RELAY-FORW",
	[LQ6_RELAY_REPL] = "RELAY-REPL",
	[LQ6_LEASEQUERY] = "LEASEQUERY",
	[LQ6_LEASEQUERY_REPLY] = "LEASEQUERY-REPLY",
	[LQ6_LEASEQUERY_DONE] = "LEASEQUERY-DONE",
	[LQ6_LEASEQUERY_DATA] = "LEASEQUERY-DATA",
	[LQ6_RECONFIGURE_REQUEST] = "RECONFIGURE-REQUEST",
	[LQ6_RECONFIGURE_REPLY] = "RECONFIGURE-REPLY",
	[LQ6_DHCPV4_QUERY] = "DHCPV4-QUERY",
	[LQ6_DHCPV4_RESPONSE] = "DHCPV4-RESPONSE",
	[LQ6_ACTIVELEASEQUERY] = "ACTIVELEASEQUERY",
	[LQ6_STARTTLS] = "STARTTLS",
};

static const char *const option_names[] = {
	[LQ6_OPT_CLIENTID] = "OPTION_CLIENTID",
	[LQ6_OPT_SERVERID] = "OPTION_SERVERID",
	[LQ6_OPT_IA_NA] = "OPTION_IA_NA",
	[LQ6_OPT_IA_TA] = "OPTION_IA_TA",
	[LQ6_OPT_IAADDR] = "OPTION_IAADDR",
	[LQ6_OPT_ORO] = "OPTION_ORO",
	[LQ6_OPT_PREFERENCE] = "OPTION_PREFERENCE",
	[LQ6_OPT_ELAPSED_TIME] = "OPTION_ELAPSED_TIME",
	[LQ6_OPT_RELAY_MSG] = "OPTION_RELAY_MSG",
	[LQ6_OPT_AUTH] = "OPTION_AUTH",
	[LQ6_OPT_UNICAST] = "OPTION_UNICAST",
	[LQ6_OPT_STATUS_CODE] = "OPTION_STATUS_CODE",
	[LQ6_OPT_RAPID_COMMIT] = "OPTION_RAPID_COMMIT",
	[LQ6_OPT_USER_CLASS] = "OPTION_USER_CLASS",
	[LQ6_OPT_VENDOR_CLASS] = "OPTION_VENDOR_CLASS",
	[LQ6_OPT_VENDOR_OPTS] = "OPTION_VENDOR_OPTS",
	[LQ6_OPT_INTERFACE_ID] = "OPTION_INTERFACE_ID",
	[LQ6_OPT_RECONF_MSG] = "OPTION_RECONF_MSG",
	[LQ6_OPT_RECONF_ACCEPT] = "OPTION_RECONF_ACCEPT",
	[LQ6_OPT_DNS_SERVERS] = "OPTION_DNS_SERVERS",
	[LQ6_OPT_DOMAIN_LIST] = "OPTION_DOMAIN_LIST",
	[LQ6_OPT_IA_PD] = "OPTION_IA_PD",
	[LQ6_OPT_IAPREFIX] = "OPTION_IAPREFIX",
	[LQ6_OPT_REMOTE_ID] = "OPTION_REMOTE_ID",
	[LQ6_OPT_SUBSCRIBER_ID] = "OPTION_SUBSCRIBER_ID",
	[LQ6_OPT_CLIENT_FQDN] = "OPTION_CLIENT_FQDN",
	[LQ6_OPT_LQ_QUERY] = "OPTION_LQ_QUERY",
	[LQ6_OPT_CLIENT_DATA] = "OPTION_CLIENT_DATA",
	[LQ6_OPT_CLT_TIME] = "OPTION_CLT_TIME",
	[LQ6_OPT_LQ_RELAY_DATA] = "OPTION_LQ_RELAY_DATA",
	[LQ6_OPT_LQ_CLIENT_LINK] = "OPTION_LQ_CLIENT_LINK",
	[LQ6_OPT_RELAY_ID] = "OPTION_RELAY_ID",
	[LQ6_OPT_VSS] = "OPTION_VSS",
	[LQ6_OPT_CLIENT_LINKLAYER_ADDR] = "OPTION_CLIENT_LINKLAYER_ADDR",
	[LQ6_OPT_LQ_BASE_TIME] = "OPTION_LQ_BASE_TIME",
	[LQ6_OPT_LQ_START_TIME] = "OPTION_LQ_START_TIME",
	[LQ6_OPT_LQ_END_TIME] = "OPTION_LQ_END_TIME",
};

static const char *const status_names[] = {
	[LQ6_STATUS_SUCCESS] = "Success",
	[LQ6_STATUS_UNSPEC_FAIL] = "UnspecFail",
	[LQ6_STATUS_NO_ADDRS_AVAIL] = "NoAddrsAvail",
	[LQ6_STATUS_NO_BINDING] = "NoBinding",
	[LQ6_STATUS_NOT_ON_LINK] = "NotOnLink",
	[LQ6_STATUS_USE_MULTICAST] = "UseMulticast",
	[LQ6_STATUS_NO_PREFIX_AVAIL] = "NoPrefixAvail",
	[LQ6_STATUS_UNKNOWN_QUERY_TYPE] = "UnknownQueryType",
	[LQ6_STATUS_MALFORMED_QUERY] = "MalformedQuery",
	[LQ6_STATUS_NOT_CONFIGURED] = "NotConfigured",
	[LQ6_STATUS_NOT_ALLOWED] = "NotAllowed",
	[LQ6_STATUS_QUERY_TERMINATED] = "QueryTerminated",
	[LQ6_STATUS_DATA_MISSING] = "DataMissing",
	[LQ6_STATUS_CATCH_UP_COMPLETE] = "CatchUpComplete",
	[LQ6_STATUS_NOT_SUPPORTED] = "NotSupported",
	[LQ6_STATUS_TLS_CONNECTION_REFUSED] = "TLSConnectionRefused",
};

static const char *const query_type_names[] = {
	[LQ6_QUERY_BY_ADDRESS] = "QUERY_BY_ADDRESS",
	[LQ6_QUERY_BY_CLIENTID] = "QUERY_BY_CLIENTID",
	[LQ6_QUERY_BY_RELAY_ID] = "QUERY_BY_RELAY_ID",
	[LQ6_QUERY_BY_LINK_ADDRESS] = "QUERY_BY_LINK_ADDRESS",
	[LQ6_QUERY_BY_REMOTE_ID] = "QUERY_BY_REMOTE_ID",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A table entry, or "unknown" for values past the table or gaps in it. */
static const char *lookup(const char *const *table, size_t n, unsigned value)
{
	if (value >= n || table[value] == NULL)
		return UNKNOWN_NAME;
	return table[value];
}

const char *lq6_msg_type_name(uint8_t type)
{
	return lookup(msg_type_names, ARRAY_LEN(msg_type_names), type);
}

const char *lq6_option_name(uint16_t code)
{
	return lookup(option_names, ARRAY_LEN(option_names), code);
}

const char *lq6_status_name(uint16_t code)
{
	return lookup(status_names, ARRAY_LEN(status_names), code);
}

const char *lq6_query_type_name(uint8_t type)
{
	return lookup(query_type_names, ARRAY_LEN(query_type_names), type);
}
