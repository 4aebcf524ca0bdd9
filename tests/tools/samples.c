/* samples.c - lq-samples: one sample of every leasequery message type of both
 * families, built with liblq's encoders. Used by `make demo` (show each one
 * encoded and decoded), by the tshark interop test (write them into a pcap
 * with the facts tshark must find) and to seed the fuzz corpora.
 *
 *   lq-samples list                 names of the samples
 *   lq-samples demo                 hex, text and JSON of each sample
 *   lq-samples pcap FILE EXPECT     pcap of all samples + expectations (JSON Lines)
 *   lq-samples corpus DIR4 DIR6     one file per sample (fuzz seeds)
 *   lq-samples tcp4|tcp6 FILE       all samples of a family as one framed TCP stream
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lq/dhcp4.h"
#include "lq/dhcp6.h"
#include "lq/framing.h"
#include "lq/lqtime.h"
#include "lq/print.h"
#include "pcap_write.h"

#define BASE_TIME 1795000000      /* 2026-11-18T11:06:40Z, the samples' "now" */

static const lq_ip4 server4 = {{192, 0, 2, 1}};
static const lq_ip4 relay4 = {{192, 0, 2, 10}};
static const lq_ip4 client4 = {{10, 0, 0, 5}};
static const uint8_t mac[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t client_id4[7] = {0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t relay_id4[] = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01};
static const uint8_t circuit_id[] = "eth0/1/2:100";
static const uint8_t remote_id4[] = "cpe-0001";

static const lq_ip6 server6 = {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}};
static const lq_ip6 requestor6 = {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a}};
static const lq_ip6 link6 = {{0x20, 0x01, 0x0d, 0xb8, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
static const lq_ip6 link6b = {{0x20, 0x01, 0x0d, 0xb8, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
static const lq_ip6 addr6 = {{0x20, 0x01, 0x0d, 0xb8, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00}};
static const lq_ip6 prefix6 = {{0x20, 0x01, 0x0d, 0xb8, 0x80, 0x00, 0x01, 0x00}};
static const lq_ip6 peer6 = {{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55}};
/* DUID-LLT: type 1, hw type 1, time 0x12345678, MAC */
static const uint8_t duid_server[] = {0x00, 0x01, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78, 0x00, 0x0c, 0x29, 0x00, 0x00, 0x01};
static const uint8_t duid_requestor[] = {0x00, 0x03, 0x00, 0x01, 0x00, 0x0c, 0x29, 0x00, 0x00, 0x0a};
static const uint8_t duid_client[] = {0x00, 0x03, 0x00, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t duid_relay[] = {0x00, 0x02, 0x00, 0x00, 0x00, 0x09, 0x72, 0x65, 0x6c, 0x61, 0x79};

struct sample {
	const char *name;
	int family;
	bool to_server;                   /* direction: requestor->server or back */
	bool tcp;                         /* bulk/active: sent framed over TCP */
	size_t (*build)(uint8_t *out, size_t cap);
};

static void die(const char *what, lq_err err)
{
	fprintf(stderr, "lq-samples: %s: %s\n", what, lq_strerror(err));
	exit(1);
}

/* ---- DHCPv4 ---- */

static size_t encode4(const struct lq4_msg *m, uint8_t *out, size_t cap)
{
	size_t len = 0;
	lq_err err = lq4_encode(m, out, cap, &len);
	if (err != LQ_OK)
		die("encode v4", err);
	return len;
}

static struct lq4_msg *new4(uint8_t type, uint32_t xid)
{
	struct lq4_msg *m = calloc(1, sizeof(*m));
	if (m == NULL)
		die("calloc", LQ_ERR_NO_SPACE);
	lq4_msg_init(m, type, xid);
	m->giaddr = relay4;
	return m;
}

static const uint8_t prl_single[] = {LQ4_OPT_LEASE_TIME, LQ4_OPT_T1, LQ4_OPT_T2, LQ4_OPT_CLT_TIME,
				     LQ4_OPT_RELAY_AGENT_INFO, LQ4_OPT_VENDOR_CLASS, LQ4_OPT_CLIENT_ID,
				     LQ4_OPT_ASSOCIATED_IP};
static const uint8_t prl_bulk[] = {LQ4_OPT_LEASE_TIME, LQ4_OPT_CLT_TIME, LQ4_OPT_RELAY_AGENT_INFO,
				   LQ4_OPT_BASE_TIME, LQ4_OPT_START_TIME_OF_STATE, LQ4_OPT_DHCP_STATE,
				   LQ4_OPT_DATA_SOURCE};

static size_t finish4(struct lq4_msg *m, uint8_t *out, size_t cap)
{
	size_t len = encode4(m, out, cap);
	free(m);
	return len;
}

static size_t v4_query_by_ip(uint8_t *out, size_t cap)
{
	struct lq4_msg *m = new4(LQ4_LEASEQUERY, 0x10000001);
	m->ciaddr = client4;
	m->prl = (lq_bytes){prl_single, sizeof(prl_single)};
	return finish4(m, out, cap);
}

static size_t v4_query_by_mac(uint8_t *out, size_t cap)
{
	struct lq4_msg *m = new4(LQ4_LEASEQUERY, 0x10000002);
	memcpy(m->chaddr, mac, 6);
	m->prl = (lq_bytes){prl_single, sizeof(prl_single)};
	return finish4(m, out, cap);
}

static size_t v4_query_by_client_id(uint8_t *out, size_t cap)
{
	struct lq4_msg *m = new4(LQ4_LEASEQUERY, 0x10000003);
	m->htype = 0;
	m->hlen = 0;
	m->client_id = (lq_bytes){client_id4, sizeof(client_id4)};
	return finish4(m, out, cap);
}

static void set_relay_info(struct lq4_msg *m)
{
	m->has_relay_info = true;
	m->relay_info.circuit_id = (lq_bytes){circuit_id, sizeof(circuit_id) - 1};
	m->relay_info.remote_id = (lq_bytes){remote_id4, sizeof(remote_id4) - 1};
	m->relay_info.relay_id = (lq_bytes){relay_id4, sizeof(relay_id4)};
	m->relay_info.has_link_selection = true;
	m->relay_info.link_selection = (lq_ip4){{10, 0, 0, 0}};
	m->relay_info.subscriber_id = (lq_bytes){(const uint8_t *)"sub-42", 6};
	m->relay_info.has_server_id_override = true;
	m->relay_info.server_id_override = relay4;
	m->relay_info.has_relay_port = true;
	m->relay_info.relay_port = 4067;
}

static size_t v4_lease_active(uint8_t *out, size_t cap)
{
	static const uint8_t assoc[] = {10, 0, 0, 6, 10, 0, 0, 7};
	struct lq4_msg *m = new4(LQ4_LEASEACTIVE, 0x10000001);
	m->ciaddr = client4;
	memcpy(m->chaddr, mac, 6);
	m->has_server_id = true;
	m->server_id = server4;
	m->has_lease_time = true;
	m->lease_time = 3600;
	m->has_t1 = m->has_t2 = true;
	m->t1 = 1800;
	m->t2 = 3150;
	m->vendor_class = (lq_bytes){(const uint8_t *)"MSFT 5.0", 8};
	m->client_id = (lq_bytes){client_id4, sizeof(client_id4)};
	set_relay_info(m);
	m->has_clt_time = true;
	m->clt_time = 120;
	m->associated_ip = (lq_bytes){assoc, sizeof(assoc)};
	return finish4(m, out, cap);
}

static size_t v4_lease_unassigned(uint8_t *out, size_t cap)
{
	struct lq4_msg *m = new4(LQ4_LEASEUNASSIGNED, 0x10000001);
	m->ciaddr = (lq_ip4){{10, 0, 0, 200}};
	m->has_server_id = true;
	m->server_id = server4;
	return finish4(m, out, cap);
}

static size_t v4_lease_unknown(uint8_t *out, size_t cap)
{
	struct lq4_msg *m = new4(LQ4_LEASEUNKNOWN, 0x10000002);
	memcpy(m->chaddr, mac, 6);
	m->has_server_id = true;
	m->server_id = server4;
	return finish4(m, out, cap);
}

static size_t v4_bulk_query(uint8_t *out, size_t cap)
{
	static const uint8_t vpn[] = "vpn-blue";
	struct lq4_msg *m = new4(LQ4_BULKLEASEQUERY, 0x20000001);
	m->htype = 0;
	m->hlen = 0;
	m->has_relay_info = true;
	m->relay_info.relay_id = (lq_bytes){relay_id4, sizeof(relay_id4)};
	m->has_query_start_time = true;
	m->query_start_time = lq_time_to_v4(BASE_TIME - 86400);
	m->has_query_end_time = true;
	m->query_end_time = lq_time_to_v4(BASE_TIME);
	m->vss = (struct lq4_vss){true, LQ4_VSS_NVT_ASCII, {vpn, sizeof(vpn) - 1}};
	m->prl = (lq_bytes){prl_bulk, sizeof(prl_bulk)};
	return finish4(m, out, cap);
}

static size_t v4_bulk_reply(uint8_t *out, size_t cap)
{
	struct lq4_msg *m = new4(LQ4_LEASEACTIVE, 0x20000001);
	m->ciaddr = client4;
	memcpy(m->chaddr, mac, 6);
	m->has_server_id = true;
	m->server_id = server4;
	m->has_lease_time = true;
	m->lease_time = 3000;
	m->has_clt_time = true;
	m->clt_time = 600;
	m->has_base_time = true;
	m->base_time = lq_time_to_v4(BASE_TIME);
	m->has_start_time_of_state = true;
	m->start_time_of_state = 600;
	m->has_dhcp_state = true;
	m->dhcp_state = LQ4_STATE_ACTIVE;
	m->has_data_source = true;
	m->data_source = LQ4_DATA_SOURCE_REMOTE;
	m->has_relay_info = true;
	m->relay_info.circuit_id = (lq_bytes){circuit_id, sizeof(circuit_id) - 1};
	m->relay_info.remote_id = (lq_bytes){remote_id4, sizeof(remote_id4) - 1};
	return finish4(m, out, cap);
}

static size_t v4_bulk_done(uint8_t *out, size_t cap)
{
	static const char text[] = "server shutting down";
	struct lq4_msg *m = new4(LQ4_LEASEQUERYDONE, 0x20000001);
	m->htype = 0;
	m->hlen = 0;
	m->has_status = true;
	m->status_code = LQ4_STATUS_QUERY_TERMINATED;
	m->status_text = (lq_bytes){(const uint8_t *)text, sizeof(text) - 1};
	m->has_base_time = true;
	m->base_time = lq_time_to_v4(BASE_TIME);
	return finish4(m, out, cap);
}

static size_t v4_active_query(uint8_t *out, size_t cap)
{
	struct lq4_msg *m = new4(LQ4_ACTIVELEASEQUERY, 0x30000001);
	m->htype = 0;
	m->hlen = 0;
	m->has_query_start_time = true;
	m->query_start_time = lq_time_to_v4(BASE_TIME - 600);
	m->prl = (lq_bytes){prl_bulk, sizeof(prl_bulk)};
	return finish4(m, out, cap);
}

static size_t v4_query_status(uint8_t *out, size_t cap)
{
	struct lq4_msg *m = new4(LQ4_LEASEQUERYSTATUS, 0x30000001);
	m->htype = 0;
	m->hlen = 0;
	m->has_status = true;
	m->status_code = LQ4_STATUS_CATCH_UP_COMPLETE;
	m->has_base_time = true;
	m->base_time = lq_time_to_v4(BASE_TIME);
	return finish4(m, out, cap);
}

static size_t v4_tls_request(uint8_t *out, size_t cap)
{
	struct lq4_msg *m = new4(LQ4_TLS, 0x30000002);
	m->htype = 0;
	m->hlen = 0;
	return finish4(m, out, cap);
}

static size_t v4_tls_refused(uint8_t *out, size_t cap)
{
	struct lq4_msg *m = new4(LQ4_TLS, 0x30000002);
	m->htype = 0;
	m->hlen = 0;
	m->has_status = true;
	m->status_code = LQ4_STATUS_TLS_CONNECTION_REFUSED;
	return finish4(m, out, cap);
}

/* ---- DHCPv6 ---- */

static size_t finish6(struct lq6_writer *w)
{
	size_t len = 0;
	lq_err err = lq6w_finish(w, &len);
	if (err != LQ_OK)
		die("encode v6", err);
	return len;
}

static const uint16_t oro_single[] = {LQ6_OPT_LQ_RELAY_DATA, LQ6_OPT_CLT_TIME, LQ6_OPT_LQ_BASE_TIME};

static void lq_query6(struct lq6_writer *w, uint8_t type, const lq_ip6 *link)
{
	lq6w_option(w, LQ6_OPT_CLIENTID, duid_requestor, sizeof(duid_requestor));
	lq6w_lq_query_open(w, type, link);
}

static size_t v6_query_by_address(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	static const lq_ip6 unspec;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_LEASEQUERY, 0x000101);
	lq_query6(&w, LQ6_QUERY_BY_ADDRESS, &unspec);
	lq6w_iaaddr(&w, &addr6, 0, 0);
	lq6w_oro(&w, oro_single, 3);
	lq6w_close(&w);
	return finish6(&w);
}

static size_t v6_query_by_clientid(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_LEASEQUERY, 0x000102);
	lq_query6(&w, LQ6_QUERY_BY_CLIENTID, &link6);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_client, sizeof(duid_client));
	lq6w_close(&w);
	return finish6(&w);
}

static size_t v6_query_by_relay_id(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	static const lq_ip6 unspec;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_LEASEQUERY, 0x000201);
	lq_query6(&w, LQ6_QUERY_BY_RELAY_ID, &unspec);
	lq6w_option(&w, LQ6_OPT_RELAY_ID, duid_relay, sizeof(duid_relay));
	lq6w_close(&w);
	lq6w_option_u32(&w, LQ6_OPT_LQ_START_TIME, lq_time_to_v6(BASE_TIME - 86400));
	lq6w_option_u32(&w, LQ6_OPT_LQ_END_TIME, lq_time_to_v6(BASE_TIME));
	return finish6(&w);
}

static size_t v6_query_by_link(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_LEASEQUERY, 0x000202);
	lq_query6(&w, LQ6_QUERY_BY_LINK_ADDRESS, &link6);
	lq6w_close(&w);
	return finish6(&w);
}

static size_t v6_query_by_remote_id(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	static const lq_ip6 unspec;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_LEASEQUERY, 0x000203);
	lq_query6(&w, LQ6_QUERY_BY_REMOTE_ID, &unspec);
	lq6w_remote_id(&w, 9, "cpe-0001", 8);
	lq6w_close(&w);
	return finish6(&w);
}

/* The client's last REQUEST as the relay forwarded it, for LQ_RELAY_DATA. */
static size_t relayed_request(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq6w_init(&w, out, cap);
	lq6w_relay_header(&w, LQ6_RELAY_FORW, 0, &link6, &peer6);
	lq6w_option(&w, LQ6_OPT_INTERFACE_ID, "ge-0/0/1.100", 12);
	lq6w_remote_id(&w, 9, "cpe-0001", 8);
	lq6w_option(&w, LQ6_OPT_RELAY_ID, duid_relay, sizeof(duid_relay));
	lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	lq6w_header(&w, LQ6_REQUEST, 0x00abcd);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_client, sizeof(duid_client));
	lq6w_option(&w, LQ6_OPT_SERVERID, duid_server, sizeof(duid_server));
	lq6w_ia_open(&w, LQ6_OPT_IA_NA, 1, 1800, 2880);
	lq6w_iaaddr(&w, &addr6, 3600, 7200);
	lq6w_close(&w);
	lq6w_ia_open(&w, LQ6_OPT_IA_PD, 2, 1800, 2880);
	lq6w_iaprefix(&w, &prefix6, 56, 3600, 7200);
	lq6w_close(&w);
	lq6w_close(&w);
	return finish6(&w);
}

static void client_data6(struct lq6_writer *w, bool with_relay_data)
{
	lq6w_open(w, LQ6_OPT_CLIENT_DATA);
	lq6w_option(w, LQ6_OPT_CLIENTID, duid_client, sizeof(duid_client));
	lq6w_iaaddr(w, &addr6, 3000, 6600);
	lq6w_iaprefix(w, &prefix6, 56, 3000, 6600);
	lq6w_option_u32(w, LQ6_OPT_CLT_TIME, 600);
	if (with_relay_data) {
		uint8_t inner[512];
		size_t n = relayed_request(inner, sizeof(inner));
		lq6w_relay_data(w, &peer6, inner, n);
	}
	lq6w_close(w);
}

static size_t v6_reply(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_LEASEQUERY_REPLY, 0x000101);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_requestor, sizeof(duid_requestor));
	lq6w_option(&w, LQ6_OPT_SERVERID, duid_server, sizeof(duid_server));
	client_data6(&w, true);
	lq6w_option_u32(&w, LQ6_OPT_LQ_BASE_TIME, lq_time_to_v6(BASE_TIME));
	return finish6(&w);
}

static size_t v6_reply_client_link(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	const lq_ip6 links[2] = {link6, link6b};
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_LEASEQUERY_REPLY, 0x000102);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_requestor, sizeof(duid_requestor));
	lq6w_option(&w, LQ6_OPT_SERVERID, duid_server, sizeof(duid_server));
	lq6w_status(&w, LQ6_STATUS_SUCCESS, "client on 2 links");
	lq6w_client_link(&w, links, 2);
	return finish6(&w);
}

static size_t v6_reply_not_configured(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_LEASEQUERY_REPLY, 0x000202);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_requestor, sizeof(duid_requestor));
	lq6w_option(&w, LQ6_OPT_SERVERID, duid_server, sizeof(duid_server));
	lq6w_status(&w, LQ6_STATUS_NOT_CONFIGURED, "link not configured");
	return finish6(&w);
}

static size_t v6_data(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_LEASEQUERY_DATA, 0x000201);
	client_data6(&w, false);
	lq6w_option_u32(&w, LQ6_OPT_LQ_BASE_TIME, lq_time_to_v6(BASE_TIME));
	return finish6(&w);
}

static size_t v6_done(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_LEASEQUERY_DONE, 0x000201);
	lq6w_status(&w, LQ6_STATUS_QUERY_TERMINATED, "server shutting down");
	lq6w_option_u32(&w, LQ6_OPT_LQ_BASE_TIME, lq_time_to_v6(BASE_TIME));
	return finish6(&w);
}

static size_t v6_active_query(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_ACTIVELEASEQUERY, 0x000301);
	lq_query6(&w, LQ6_QUERY_BY_LINK_ADDRESS, &link6);
	lq6w_close(&w);
	lq6w_option_u32(&w, LQ6_OPT_LQ_START_TIME, lq_time_to_v6(BASE_TIME - 600));
	return finish6(&w);
}

static size_t v6_catch_up_complete(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_LEASEQUERY_DATA, 0x000301);
	lq6w_status(&w, LQ6_STATUS_CATCH_UP_COMPLETE, NULL);
	lq6w_option_u32(&w, LQ6_OPT_LQ_BASE_TIME, lq_time_to_v6(BASE_TIME));
	return finish6(&w);
}

static size_t v6_starttls(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_STARTTLS, 0x000302);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_requestor, sizeof(duid_requestor));
	return finish6(&w);
}

static size_t v6_starttls_reply(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_REPLY, 0x000302);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_requestor, sizeof(duid_requestor));
	lq6w_option(&w, LQ6_OPT_SERVERID, duid_server, sizeof(duid_server));
	lq6w_status(&w, LQ6_STATUS_TLS_CONNECTION_REFUSED, "TLS is off");
	return finish6(&w);
}

static size_t v6_relayed_query(uint8_t *out, size_t cap)
{
	static const uint8_t vss[] = {0x00, 'v', 'p', 'n', '-', 'b', 'l', 'u', 'e'};
	static const uint8_t lladdr[] = {0x00, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
	struct lq6_writer w;
	lq6w_init(&w, out, cap);
	lq6w_relay_header(&w, LQ6_RELAY_FORW, 0, &link6, &requestor6);
	lq6w_option(&w, LQ6_OPT_INTERFACE_ID, "ge-0/0/1.100", 12);
	lq6w_option(&w, LQ6_OPT_VSS, vss, sizeof(vss));
	lq6w_option(&w, LQ6_OPT_CLIENT_LINKLAYER_ADDR, lladdr, sizeof(lladdr));
	lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	lq6w_header(&w, LQ6_LEASEQUERY, 0x000103);
	lq_query6(&w, LQ6_QUERY_BY_ADDRESS, &link6);
	lq6w_iaaddr(&w, &addr6, 0, 0);
	lq6w_close(&w);
	lq6w_close(&w);
	return finish6(&w);
}

static size_t v6_relayed_reply(uint8_t *out, size_t cap)
{
	struct lq6_writer w;
	lq6w_init(&w, out, cap);
	lq6w_relay_header(&w, LQ6_RELAY_REPL, 0, &link6, &requestor6);
	lq6w_option(&w, LQ6_OPT_INTERFACE_ID, "ge-0/0/1.100", 12);
	lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	lq6w_header(&w, LQ6_LEASEQUERY_REPLY, 0x000103);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_requestor, sizeof(duid_requestor));
	lq6w_option(&w, LQ6_OPT_SERVERID, duid_server, sizeof(duid_server));
	client_data6(&w, false);
	lq6w_close(&w);
	return finish6(&w);
}

static const struct sample samples[] = {
	{"v4-leasequery-by-ip", 4, true, false, v4_query_by_ip},
	{"v4-leasequery-by-mac", 4, true, false, v4_query_by_mac},
	{"v4-leasequery-by-client-id", 4, true, false, v4_query_by_client_id},
	{"v4-leaseactive", 4, false, false, v4_lease_active},
	{"v4-leaseunassigned", 4, false, false, v4_lease_unassigned},
	{"v4-leaseunknown", 4, false, false, v4_lease_unknown},
	{"v4-bulkleasequery-relay-id", 4, true, false, v4_bulk_query},
	{"v4-bulk-leaseactive", 4, false, false, v4_bulk_reply},
	{"v4-leasequerydone-terminated", 4, false, false, v4_bulk_done},
	{"v4-activeleasequery", 4, true, false, v4_active_query},
	{"v4-leasequerystatus-catchup", 4, false, false, v4_query_status},
	{"v4-tls-request", 4, true, false, v4_tls_request},
	{"v4-tls-refused", 4, false, false, v4_tls_refused},
	{"v6-leasequery-by-address", 6, true, false, v6_query_by_address},
	{"v6-leasequery-by-clientid", 6, true, false, v6_query_by_clientid},
	{"v6-leasequery-by-relay-id", 6, true, true, v6_query_by_relay_id},
	{"v6-leasequery-by-link-address", 6, true, true, v6_query_by_link},
	{"v6-leasequery-by-remote-id", 6, true, true, v6_query_by_remote_id},
	{"v6-leasequery-reply", 6, false, false, v6_reply},
	{"v6-leasequery-reply-client-link", 6, false, false, v6_reply_client_link},
	{"v6-leasequery-reply-not-configured", 6, false, true, v6_reply_not_configured},
	{"v6-leasequery-data", 6, false, true, v6_data},
	{"v6-leasequery-done-terminated", 6, false, true, v6_done},
	{"v6-activeleasequery", 6, true, true, v6_active_query},
	{"v6-leasequery-data-catchup-complete", 6, false, true, v6_catch_up_complete},
	{"v6-starttls", 6, true, true, v6_starttls},
	{"v6-reply-tls-refused", 6, false, true, v6_starttls_reply},
	{"v6-relay-forw-leasequery", 6, true, false, v6_relayed_query},
	{"v6-relay-repl-leasequery-reply", 6, false, false, v6_relayed_reply},
};

#define N_SAMPLES (sizeof(samples) / sizeof(samples[0]))
#define SAMPLE_CAP 4096

static size_t build_sample(const struct sample *s, uint8_t *buf)
{
	return s->build(buf, SAMPLE_CAP);
}

static int cmd_list(void)
{
	for (size_t i = 0; i < N_SAMPLES; i++)
		printf("%s\n", samples[i].name);
	return 0;
}

static int cmd_demo(void)
{
	uint8_t buf[SAMPLE_CAP];
	struct lq_text t;

	lq_text_init(&t);
	for (size_t i = 0; i < N_SAMPLES; i++) {
		size_t len = build_sample(&samples[i], buf);
		printf("=== %s (%zu octets)\n--- encoded:\n", samples[i].name, len);
		for (size_t off = 0; off < len; off += 32) {
			lq_text_reset(&t);
			lq_text_hex(&t, buf + off, len - off < 32 ? len - off : 32, ' ');
			printf("  %s\n", t.data);
		}
		lq_text_reset(&t);
		lq_err err = lq_print_packet(&t, samples[i].family, buf, len, false);
		printf("--- decoded:\n%s", t.data);
		lq_text_reset(&t);
		lq_print_packet(&t, samples[i].family, buf, len, true);
		printf("--- JSON:\n%s\n\n", t.data);
		if (err != LQ_OK) {
			lq_text_free(&t);
			return 1;
		}
	}
	lq_text_free(&t);
	return 0;
}

/* Expectations for the tshark check, one JSON object per sample: the frame,
 * the options exactly as written on the wire (v4: code, length, value; v6:
 * code and length in document order, nested options included) and the
 * header and query fields as tshark names them, with the values we set
 * (a list of [field, value] pairs: a relay names dhcpv6.msgtype twice). */
static void expect_field(FILE *out, bool *first, const char *name, const char *value)
{
	fprintf(out, "%s[\"%s\",\"%s\"]", *first ? "" : ",", name, value);
	*first = false;
}

static void expect_ip6_field(FILE *out, bool *first, const char *name, const lq_ip6 *a)
{
	struct lq_text t;
	lq_text_init(&t);
	lq_text_ip6(&t, a);
	expect_field(out, first, name, t.data);
	lq_text_free(&t);
}

static void expect_v4_options(FILE *out, const uint8_t *buf, size_t len)
{
	struct lq_text t;
	bool first = true;

	lq_text_init(&t);
	for (size_t off = LQ4_MIN_LEN; off < len && buf[off] != LQ4_OPT_END;) {
		if (buf[off] == LQ4_OPT_PAD) {
			off++;
			continue;
		}
		uint8_t code = buf[off], olen = buf[off + 1];
		lq_text_reset(&t);
		lq_text_hex(&t, buf + off + 2, olen, ':');
		fprintf(out, "%s[%u,%u,\"%s\"]", first ? "" : ",", code, olen, t.data);
		first = false;
		off += 2u + olen;
	}
	lq_text_free(&t);
}

static void expect_v4(FILE *out, const uint8_t *buf, size_t len)
{
	struct lq4_msg *m = malloc(sizeof(*m));
	char v[64];
	bool first = true;

	if (m == NULL || lq4_decode(buf, len, m, NULL) != LQ_OK)
		die("decode own sample", LQ_ERR_INVALID_ARGUMENT);
	fprintf(out, "\"options\":[");
	expect_v4_options(out, buf, len);
	fprintf(out, "],\"fields\":[");
	snprintf(v, sizeof(v), "%u", m->msg_type);
	expect_field(out, &first, "dhcp.option.dhcp", v);
	snprintf(v, sizeof(v), "0x%08x", m->xid);
	expect_field(out, &first, "dhcp.id", v);
	snprintf(v, sizeof(v), "%u.%u.%u.%u", m->ciaddr.b[0], m->ciaddr.b[1], m->ciaddr.b[2], m->ciaddr.b[3]);
	expect_field(out, &first, "dhcp.ip.client", v);
	snprintf(v, sizeof(v), "%u.%u.%u.%u", m->giaddr.b[0], m->giaddr.b[1], m->giaddr.b[2], m->giaddr.b[3]);
	expect_field(out, &first, "dhcp.ip.relay", v);
	if (m->hlen == 6) {
		snprintf(v, sizeof(v), "%02x:%02x:%02x:%02x:%02x:%02x", m->chaddr[0], m->chaddr[1],
			 m->chaddr[2], m->chaddr[3], m->chaddr[4], m->chaddr[5]);
		expect_field(out, &first, "dhcp.hw.mac_addr", v);
	}
	if (m->has_status) {
		snprintf(v, sizeof(v), "%u", m->status_code);
		expect_field(out, &first, "dhcp.option.bulk_lease.status_code", v);
	}
	if (m->has_clt_time) {
		snprintf(v, sizeof(v), "%u", m->clt_time);
		expect_field(out, &first, "dhcp.option.client_last_transaction_time", v);
	}
	fprintf(out, "]");
	free(m);
}

static void expect_v6_options(FILE *out, lq_bytes region, unsigned depth, bool *first);

static void expect_v6_message_options(FILE *out, lq_bytes msg, unsigned depth, bool *first)
{
	if (depth > LQ6_MAX_DEPTH || msg.len < 1)
		return;
	size_t hdr = (msg.data[0] == LQ6_RELAY_FORW || msg.data[0] == LQ6_RELAY_REPL)
			     ? LQ6_RELAY_HEADER_LEN : LQ6_HEADER_LEN;
	if (msg.len >= hdr)
		expect_v6_options(out, (lq_bytes){msg.data + hdr, msg.len - hdr}, depth + 1, first);
}

/* Octets before the sub-options of a container option (-1: not a container
 * tshark descends into). LQ_RELAY_DATA is not descended into: tshark 4.0
 * shows its relayed message as a string. */
static long container_header_len(uint16_t code)
{
	switch (code) {
	case LQ6_OPT_IA_NA: case LQ6_OPT_IA_PD: return 12;
	case LQ6_OPT_IAADDR: return 24;
	case LQ6_OPT_IAPREFIX: return 25;
	case LQ6_OPT_LQ_QUERY: return 17;
	case LQ6_OPT_CLIENT_DATA: return 0;
	default: return -1;
	}
}

static void expect_v6_options(FILE *out, lq_bytes region, unsigned depth, bool *first)
{
	struct lq6_iter it;
	struct lq6_opt o;

	lq6_iter_init(&it, region);
	while (lq6_iter_next(&it, &o) == 1) {
		fprintf(out, "%s[%u,%zu]", *first ? "" : ",", o.code, o.value.len);
		*first = false;
		if (o.code == LQ6_OPT_RELAY_MSG) {
			expect_v6_message_options(out, o.value, depth + 1, first);
			continue;
		}
		long skip = container_header_len(o.code);
		if (skip >= 0 && o.value.len >= (size_t)skip)
			expect_v6_options(out, (lq_bytes){o.value.data + skip, o.value.len - (size_t)skip},
					  depth + 1, first);
	}
}

static void expect_v6(FILE *out, const uint8_t *buf, size_t len, bool tcp)
{
	struct lq6_msg m;
	char v[64];
	bool first = true;

	if (lq6_decode(buf, len, &m, NULL) != LQ_OK)
		die("decode own sample", LQ_ERR_INVALID_ARGUMENT);
	fprintf(out, "\"options\":[");
	expect_v6_message_options(out, (lq_bytes){buf, len}, 0, &first);
	fprintf(out, "],\"fields\":[");
	first = true;
	snprintf(v, sizeof(v), "%u", m.type);
	expect_field(out, &first, tcp ? "dhcpv6.bulk_leasequery.msgtype" : "dhcpv6.msgtype", v);
	if (m.type == LQ6_RELAY_FORW || m.type == LQ6_RELAY_REPL) {
		expect_ip6_field(out, &first, "dhcpv6.linkaddr", &m.link_address);
		expect_ip6_field(out, &first, "dhcpv6.peeraddr", &m.peer_address);
		if (lq6_decode_inner(m.relay_msg, &m, NULL) != LQ_OK)
			die("decode own relayed sample", LQ_ERR_INVALID_ARGUMENT);
		snprintf(v, sizeof(v), "%u", m.type);
		expect_field(out, &first, "dhcpv6.msgtype", v);
	}
	if (tcp)
		snprintf(v, sizeof(v), "%u", m.xid);
	else
		snprintf(v, sizeof(v), "0x%06x", m.xid);
	expect_field(out, &first, tcp ? "dhcpv6.bulk_leasequery.trans_id" : "dhcpv6.xid", v);
	if (m.query.present) {
		snprintf(v, sizeof(v), "%u", m.query.type);
		expect_field(out, &first, "dhcpv6.lq_query", v);
		expect_ip6_field(out, &first, "dhcpv6.lq_query_link_address", &m.query.link_address);
		if (m.query.has_iaaddr)
			expect_ip6_field(out, &first, "dhcpv6.iaaddr.ip", &m.query.iaaddr.addr);
	}
	if (m.status.present) {
		snprintf(v, sizeof(v), "%u", m.status.code);
		expect_field(out, &first, "dhcpv6.status_code", v);
	}
	if (m.client_data.present && m.client_data.has_clt_time) {
		snprintf(v, sizeof(v), "%u", m.client_data.clt_time);
		expect_field(out, &first, "dhcpv6.clt_time", v);
	}
	fprintf(out, "]");
}

static void write_expectation(FILE *out, unsigned frame, const struct sample *s, const uint8_t *buf, size_t len)
{
	fprintf(out, "{\"frame\":%u,\"name\":\"%s\",\"family\":%d,", frame, s->name, s->family);
	if (s->family == 4)
		expect_v4(out, buf, len);
	else
		expect_v6(out, buf, len, s->tcp);
	fprintf(out, "}\n");
}

static const lq_ip6 *ip6_of(const struct sample *s, bool src)
{
	return s->to_server == src ? &requestor6 : &server6;
}

static const lq_ip4 *ip4_of(const struct sample *s, bool src)
{
	return s->to_server == src ? &relay4 : &server4;
}

/* Write one sample: UDP datagram, or a framed segment on the family's TCP flow. */
static int pcap_sample(struct pcap_writer *w, struct pcap_tcp_flow *flows, const struct sample *s,
		       const uint8_t *buf, size_t len)
{
	if (s->tcp) {
		struct pcap_tcp_flow *f = &flows[s->family == 4 ? 0 : 1];
		uint8_t framed[SAMPLE_CAP + 2];
		size_t n;
		if (f->family == 0) {
			*f = (struct pcap_tcp_flow){.family = s->family, .req4 = relay4, .srv4 = server4,
						    .req6 = requestor6, .srv6 = server6, .req_port = 40000,
						    .srv_port = s->family == 4 ? LQ4_PORT : LQ6_PORT};
			if (pcap_tcp_open(w, f) < 0)
				return -1;
		}
		if (lq_frame_write(buf, len, framed, sizeof(framed), &n) != LQ_OK)
			return -1;
		return pcap_tcp_send(w, f, s->to_server, framed, n);
	}
	if (s->family == 4)
		return pcap_write_udp4(w, ip4_of(s, true), ip4_of(s, false), LQ4_PORT, LQ4_PORT, buf, len);
	return pcap_write_udp6(w, ip6_of(s, true), ip6_of(s, false),
			       s->to_server ? LQ6_CLIENT_PORT : LQ6_PORT,
			       s->to_server ? LQ6_PORT : LQ6_CLIENT_PORT, buf, len);
}

static int cmd_pcap(const char *path, const char *expect_path)
{
	struct pcap_writer w;
	struct pcap_tcp_flow flows[2] = {{0}, {0}};
	uint8_t buf[SAMPLE_CAP];
	FILE *expect = fopen(expect_path, "w");

	if (expect == NULL || pcap_open(&w, path) < 0) {
		fprintf(stderr, "lq-samples: cannot write %s or %s: %s\n", path, expect_path, strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < N_SAMPLES; i++) {
		size_t len = build_sample(&samples[i], buf);
		if (pcap_sample(&w, flows, &samples[i], buf, len) < 0)
			return 1;
		write_expectation(expect, w.frames, &samples[i], buf, len);
	}
	fclose(expect);
	return pcap_close(&w) < 0;
}

static int write_file(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(buf, 1, len, f) != len) {
		fprintf(stderr, "lq-samples: cannot write %s: %s\n", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

static int cmd_corpus(const char *dir4, const char *dir6)
{
	uint8_t buf[SAMPLE_CAP];
	for (size_t i = 0; i < N_SAMPLES; i++) {
		size_t len = build_sample(&samples[i], buf);
		if (write_file(samples[i].family == 4 ? dir4 : dir6, samples[i].name, buf, len) < 0)
			return 1;
	}
	return 0;
}

/* Every sample of a family back to back, each with its 2-octet length. */
static int cmd_tcp(int family, const char *path)
{
	static uint8_t stream[N_SAMPLES * (SAMPLE_CAP + 2)];
	uint8_t buf[SAMPLE_CAP];
	size_t used = 0;

	for (size_t i = 0; i < N_SAMPLES; i++) {
		if (samples[i].family != family)
			continue;
		size_t len = build_sample(&samples[i], buf), n;
		lq_err err = lq_frame_write(buf, len, stream + used, sizeof(stream) - used, &n);
		if (err != LQ_OK)
			die("frame", err);
		used += n;
	}
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(stream, 1, used, f) != used)
		return 1;
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return cmd_list();
	if (argc >= 2 && strcmp(argv[1], "demo") == 0)
		return cmd_demo();
	if (argc >= 4 && strcmp(argv[1], "pcap") == 0)
		return cmd_pcap(argv[2], argv[3]);
	if (argc >= 4 && strcmp(argv[1], "corpus") == 0)
		return cmd_corpus(argv[2], argv[3]);
	if (argc >= 3 && strcmp(argv[1], "tcp4") == 0)
		return cmd_tcp(4, argv[2]);
	if (argc >= 3 && strcmp(argv[1], "tcp6") == 0)
		return cmd_tcp(6, argv[2]);
	fprintf(stderr, "usage: lq-samples list | demo | pcap FILE EXPECT | corpus DIR4 DIR6 | tcp4|tcp6 FILE\n");
	return 2;
}
