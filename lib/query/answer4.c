/* answer4.c - the DHCPv4 single-query engine (RFC 4388): decides whether a
 * received datagram is a leasequery this server answers, which of the three
 * query regimes it is and whether the requestor may ask it, then lets
 * lookup4.c find the answer and reply4.c write it.
 *
 * Every datagram that is not answered is dropped with a reason naming the
 * rule. RFC 4388 defines no error reply for DHCPv4 single queries:
 *
 * - a query with none, or more than one, of ciaddr, a MAC address and a
 *   client identifier breaks section 6.3 ("MUST have exactly one"). It is
 *   dropped. DHCPLEASEUNKNOWN would tell the requestor that the server has
 *   no information about a client it never named, and section 6.4 forbids
 *   any option but the message type and server identifier in it, so the
 *   status-code MalformedQuery that RFC 6926 defines for DHCPBULKLEASEQUERY
 *   over TCP cannot be added to it either;
 * - a requestor the access rules refuse gets nothing: NotAllowed exists
 *   only in RFC 6926's status codes for bulk queries over TCP, so both
 *   refused-queries modes drop here (res->refused tells the caller).
 *
 * What counts as each query key: a non-zero ciaddr; a MAC address when hlen
 * is not 0 and chaddr[0..hlen) is not all zeros (htype 1 / hlen 6 with an
 * all-zero chaddr, as many requestors leave them in a query by IP address
 * or client identifier, is no MAC address); option 61 when present. */
#include <string.h>

#include "answer4_internal.h"

static int drop(struct lq_query_result *res, const char *reason)
{
	res->verdict = LQ_QUERY_DROP;
	res->reason = reason;
	return 0;
}

static bool ip4_zero(lq_ip4 a)
{
	return (a.b[0] | a.b[1] | a.b[2] | a.b[3]) == 0;
}

static bool has_mac(const struct lq4_msg *q)
{
	for (size_t i = 0; i < q->hlen && i < sizeof(q->chaddr); i++)
		if (q->chaddr[i] != 0)
			return true;
	return false;
}

/* Which regime the query is: LQ_QUERY_KIND_NONE when it does not name
 * exactly one key (*reason says how). */
static enum lq_query_kind query_kind(const struct lq4_msg *q, const char **reason)
{
	bool ip = !ip4_zero(q->ciaddr);
	bool mac = has_mac(q);
	bool cid = q->client_id.data != NULL;
	int keys = (int)ip + (int)mac + (int)cid;

	if (keys == 0) {
		*reason = "malformed DHCPLEASEQUERY: no ciaddr, MAC address or client identifier "
			  "(RFC 4388 6.3)";
		return LQ_QUERY_KIND_NONE;
	}
	if (keys > 1) {
		*reason = "malformed DHCPLEASEQUERY: more than one of ciaddr, MAC address and client "
			  "identifier (RFC 4388 6.3)";
		return LQ_QUERY_KIND_NONE;
	}
	return ip ? LQ_QUERY_V4_BY_IP : mac ? LQ_QUERY_V4_BY_MAC : LQ_QUERY_V4_BY_CLIENT_ID;
}

/* Why a message that is not a DHCPLEASEQUERY is dropped. */
static const char *not_leasequery_reason(uint8_t type)
{
	switch (type) {
	case LQ4_BULKLEASEQUERY:
		return "DHCPBULKLEASEQUERY is only answered over TCP (RFC 6926 5)";
	case LQ4_ACTIVELEASEQUERY:
	case LQ4_TLS:
		return "active leasequery messages are only answered over TCP (RFC 7724)";
	case LQ4_LEASEUNASSIGNED:
	case LQ4_LEASEUNKNOWN:
	case LQ4_LEASEACTIVE:
	case LQ4_LEASEQUERYDONE:
	case LQ4_LEASEQUERYSTATUS:
		return "a leasequery reply, not a query: servers answer only DHCPLEASEQUERY (RFC 4388 6.3)";
	default:
		return "not a DHCPLEASEQUERY: this port answers only message type 10 (RFC 4388 6.1)";
	}
}

/* The structural rules, before anything is looked up. */
static const char *check_query(const struct lq_query_env *env, const struct lq4_msg *q)
{
	if (q->msg_type != LQ4_LEASEQUERY)
		return not_leasequery_reason(q->msg_type);
	if (q->op != LQ4_BOOTREQUEST)
		return "op is not BOOTREQUEST in a DHCPLEASEQUERY (RFC 2131 2)";
	if (ip4_zero(q->giaddr))
		return "giaddr is 0: a DHCPLEASEQUERY MUST have a non-zero giaddr and gets no reply "
		       "without one (RFC 4388 6.3, 6.4)";
	/* As RFC 2131 4.3.2 does for DHCPREQUEST: a query naming another
	 * server (for instance the partner of a failover pair) is not ours. */
	if (q->has_server_id && env->config->has_server_id &&
	    memcmp(q->server_id.b, env->config->server_id.b, 4) != 0)
		return "the query's server identifier (option 54) names another server";
	return NULL;
}

/* The access rules (RFC 4388 7): the requestor that sent the query and the
 * relay address the reply goes to (giaddr) must both be allowed to ask
 * this kind of query, so that lqd answers only requestors it knows and
 * sends answers only to them. */
static const char *check_access(const struct lq_query_env *env, const struct lq4_msg *q,
				const struct lq_query_peer *peer, enum lq_query_kind kind)
{
	static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	const uint8_t *from = peer->addr;

	if (!lq_config_query_allowed(env->config, peer->family, peer->addr, kind))
		return "requestor not allowed to ask this query type; RFC 4388 has no NotAllowed "
		       "reply for DHCPv4, so it is dropped";
	if (peer->family == 6 && memcmp(peer->addr, v4_mapped, sizeof v4_mapped) == 0)
		from += sizeof v4_mapped;
	else if (peer->family != 4)
		from = NULL;
	if ((from == NULL || memcmp(from, q->giaddr.b, 4) != 0) &&
	    !lq_config_query_allowed(env->config, 4, q->giaddr.b, kind))
		return "giaddr, where the reply would go, is not an allowed requestor; RFC 4388 has "
		       "no NotAllowed reply for DHCPv4, so the query is dropped";
	return NULL;
}

/* RFC 4388 6.4.3: the reply goes to giaddr, at port 67; RFC 8357 5.2: when
 * the query carries the relay source port sub-option (82.19), at the UDP
 * source port the query came from instead. */
static void reply_destination(const struct lq4_msg *q, const struct lq_query_peer *peer,
			      struct lq_query_peer *dest)
{
	memset(dest, 0, sizeof(*dest));
	dest->family = 4;
	memcpy(dest->addr, q->giaddr.b, 4);
	dest->port = LQ4_PORT;
	if (q->has_relay_info && q->relay_info.has_relay_port && peer->port != 0)
		dest->port = peer->port;
}

static int lookup(const struct lq_query_env *env, struct lq_store_reader *reader,
		  const struct lq4_msg *q, enum lq_query_kind kind, struct lq4_found *found)
{
	switch (kind) {
	case LQ_QUERY_V4_BY_IP:
		return lq4_lookup_ip(env, reader, q->ciaddr, found);
	case LQ_QUERY_V4_BY_MAC:
		return lq4_lookup_client(env, reader, LQ_STORE_BY_HWADDR, q->htype,
					 (lq_bytes){ q->chaddr, q->hlen }, found);
	default:
		return lq4_lookup_client(env, reader, LQ_STORE_BY_CLIENT_ID, 0, q->client_id, found);
	}
}

int lq4_query_answer(const struct lq_query_env *env, struct lq_store_reader *reader,
		     const uint8_t *pkt, size_t len, const struct lq_query_peer *peer,
		     uint8_t *out, size_t cap, struct lq_query_result *res)
{
	struct lq4_msg q;
	struct lq4_found found;
	const char *reason = NULL;
	lq_err err;

	memset(res, 0, sizeof(*res));
	if (pkt == NULL)
		return drop(res, "no datagram");
	if ((err = lq4_decode(pkt, len, &q, NULL)) != LQ_OK)
		return drop(res, lq_strerror(err));
	if ((reason = check_query(env, &q)) != NULL)
		return drop(res, reason);
	res->kind = query_kind(&q, &reason);
	if (res->kind == LQ_QUERY_KIND_NONE)
		return drop(res, reason);
	if ((reason = check_access(env, &q, peer, res->kind)) != NULL) {
		res->refused = true;
		return drop(res, reason);
	}

	if (lookup(env, reader, &q, res->kind, &found) < 0)
		return drop(res, "the binding store could not be read");
	if (lq4_reply_write(env, &q, &found, out, cap, &res->len) < 0) {
		drop(res, "the reply buffer is too small for any reply");
		return -1;
	}
	res->verdict = LQ_QUERY_REPLY;
	res->reply_type = found.reply_type;
	res->bindings = found.has_binding ? 1 : 0;
	reply_destination(&q, peer, &res->dest);
	return 0;
}
