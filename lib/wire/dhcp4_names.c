/* dhcp4_names.c - constant names of DHCPv4 message types, options, option 82
 * sub-options, leasequery status codes and dhcp-state values, for printing
 * and logs. Unknown values get a constant "unknown" string. */
#include "lq/dhcp4.h"

#define UNKNOWN "unknown"

const char *lq4_msg_type_name(uint8_t type)
{
	switch (type) {
	case LQ4_DISCOVER:		return "DHCPDISCOVER";
	case LQ4_OFFER:			return "DHCPOFFER";
	case LQ4_REQUEST:		return "DHCPREQUEST";
	case LQ4_DECLINE:		return "DHCPDECLINE";
	case LQ4_ACK:			return "DHCPACK";
	case LQ4_NAK:			return "DHCPNAK";
	case LQ4_RELEASE:		return "DHCPRELEASE";
	case LQ4_INFORM:		return "DHCPINFORM";
	case LQ4_FORCERENEW:		return "DHCPFORCERENEW";
	case LQ4_LEASEQUERY:		return "DHCPLEASEQUERY";
	case LQ4_LEASEUNASSIGNED:	return "DHCPLEASEUNASSIGNED";
	case LQ4_LEASEUNKNOWN:		return "DHCPLEASEUNKNOWN";
	case LQ4_LEASEACTIVE:		return "DHCPLEASEACTIVE";
	case LQ4_BULKLEASEQUERY:	return "DHCPBULKLEASEQUERY";
	case LQ4_LEASEQUERYDONE:	return "DHCPLEASEQUERYDONE";
	case LQ4_ACTIVELEASEQUERY:	return "DHCPACTIVELEASEQUERY";
	case LQ4_LEASEQUERYSTATUS:	return "DHCPLEASEQUERYSTATUS";
	case LQ4_TLS:			return "DHCPTLS";
	default:			return UNKNOWN;
	}
}

const char *lq4_option_name(uint8_t code)
{
	switch (code) {
	case LQ4_OPT_PAD:		return "pad";
	case LQ4_OPT_SUBNET_MASK:	return "subnet-mask";
	case LQ4_OPT_ROUTER:		return "router";
	case LQ4_OPT_DNS_SERVERS:	return "domain-name-servers";
	case LQ4_OPT_HOSTNAME:		return "host-name";
	case LQ4_OPT_DOMAIN_NAME:	return "domain-name";
	case LQ4_OPT_REQUESTED_IP:	return "requested-ip-address";
	case LQ4_OPT_LEASE_TIME:	return "lease-time";
	case LQ4_OPT_OVERLOAD:		return "option-overload";
	case LQ4_OPT_MSG_TYPE:		return "message-type";
	case LQ4_OPT_SERVER_ID:		return "server-identifier";
	case LQ4_OPT_PRL:		return "parameter-request-list";
	case LQ4_OPT_MESSAGE:		return "message";
	case LQ4_OPT_MAX_MSG_SIZE:	return "maximum-message-size";
	case LQ4_OPT_T1:		return "renewal-time";
	case LQ4_OPT_T2:		return "rebinding-time";
	case LQ4_OPT_VENDOR_CLASS:	return "vendor-class-identifier";
	case LQ4_OPT_CLIENT_ID:		return "client-identifier";
	case LQ4_OPT_RELAY_AGENT_INFO:	return "relay-agent-information";
	case LQ4_OPT_CLT_TIME:		return "client-last-transaction-time";
	case LQ4_OPT_ASSOCIATED_IP:	return "associated-ip";
	case LQ4_OPT_STATUS_CODE:	return "status-code";
	case LQ4_OPT_BASE_TIME:		return "base-time";
	case LQ4_OPT_START_TIME_OF_STATE: return "start-time-of-state";
	case LQ4_OPT_QUERY_START_TIME:	return "query-start-time";
	case LQ4_OPT_QUERY_END_TIME:	return "query-end-time";
	case LQ4_OPT_DHCP_STATE:	return "dhcp-state";
	case LQ4_OPT_DATA_SOURCE:	return "data-source";
	case LQ4_OPT_VSS:		return "vss";
	case LQ4_OPT_END:		return "end";
	default:			return UNKNOWN;
	}
}

const char *lq4_status_name(uint8_t code)
{
	switch (code) {
	case LQ4_STATUS_SUCCESS:		return "Success";
	case LQ4_STATUS_UNSPEC_FAIL:		return "UnspecFail";
	case LQ4_STATUS_QUERY_TERMINATED:	return "QueryTerminated";
	case LQ4_STATUS_MALFORMED_QUERY:	return "MalformedQuery";
	case LQ4_STATUS_NOT_ALLOWED:		return "NotAllowed";
	case LQ4_STATUS_DATA_MISSING:		return "DataMissing";
	case LQ4_STATUS_CONNECTION_ACTIVE:	return "ConnectionActive";
	case LQ4_STATUS_CATCH_UP_COMPLETE:	return "CatchUpComplete";
	case LQ4_STATUS_TLS_CONNECTION_REFUSED:	return "TLSConnectionRefused";
	default:				return UNKNOWN;
	}
}

const char *lq4_state_name(uint8_t state)
{
	switch (state) {
	case LQ4_STATE_AVAILABLE:	return "AVAILABLE";
	case LQ4_STATE_ACTIVE:		return "ACTIVE";
	case LQ4_STATE_EXPIRED:		return "EXPIRED";
	case LQ4_STATE_RELEASED:	return "RELEASED";
	case LQ4_STATE_ABANDONED:	return "ABANDONED";
	case LQ4_STATE_RESET:		return "RESET";
	case LQ4_STATE_REMOTE:		return "REMOTE";
	case LQ4_STATE_TRANSITIONING:	return "TRANSITIONING";
	default:			return UNKNOWN;
	}
}

const char *lq4_relay_subopt_name(uint8_t code)
{
	switch (code) {
	case LQ4_RAI_CIRCUIT_ID:		return "circuit-id";
	case LQ4_RAI_REMOTE_ID:			return "remote-id";
	case LQ4_RAI_LINK_SELECTION:		return "link-selection";
	case LQ4_RAI_SUBSCRIBER_ID:		return "subscriber-id";
	case LQ4_RAI_SERVER_ID_OVERRIDE:	return "server-id-override";
	case LQ4_RAI_RELAY_ID:			return "relay-id";
	case LQ4_RAI_RELAY_PORT:		return "relay-port";
	case LQ4_RAI_VSS:			return "vss";
	case LQ4_RAI_VSS_CONTROL:		return "vss-control";
	default:				return UNKNOWN;
	}
}
