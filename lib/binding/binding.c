/* binding.c - helpers of the binding model: keys, names, and deriving the
 * relay identifiers (circuit-id, remote-id, relay-id) from the relay agent
 * information as received, the same way for every lease source. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lq/binding.h"
#include "lq/dhcp4.h"
#include "lq/dhcp6.h"

void lq_binding_key_v4(struct lq_binding_key *key, const lq_ip4 *addr)
{
	memset(key, 0, sizeof(*key));
	key->family = 4;
	key->prefix_len = 32;
	key->addr.b[10] = 0xff;
	key->addr.b[11] = 0xff;
	memcpy(key->addr.b + 12, addr->b, 4);
}

void lq_binding_key_v6(struct lq_binding_key *key, const lq_ip6 *addr, uint8_t prefix_len)
{
	memset(key, 0, sizeof(*key));
	key->family = 6;
	key->prefix_len = prefix_len;
	key->addr = *addr;
}

lq_ip4 lq_binding_key_ip4(const struct lq_binding_key *key)
{
	lq_ip4 a;

	memcpy(a.b, key->addr.b + 12, 4);
	return a;
}

const char *lq_binding_key_format(const struct lq_binding_key *key, char *buf, size_t cap)
{
	char addr[INET6_ADDRSTRLEN];

	if (cap == 0)
		return buf;
	if (key->family == 4)
		inet_ntop(AF_INET, key->addr.b + 12, addr, sizeof(addr));
	else
		inet_ntop(AF_INET6, key->addr.b, addr, sizeof(addr));
	if (key->family == 6 && key->prefix_len != 128)
		snprintf(buf, cap, "%s/%u", addr, key->prefix_len);
	else
		snprintf(buf, cap, "%s", addr);
	return buf;
}

const char *lq_binding_state_name(uint8_t state)
{
	static const char *const names[] = {
		[LQ_STATE_AVAILABLE] = "available",
		[LQ_STATE_ACTIVE] = "active",
		[LQ_STATE_EXPIRED] = "expired",
		[LQ_STATE_RELEASED] = "released",
		[LQ_STATE_ABANDONED] = "abandoned",
		[LQ_STATE_RESET] = "reset",
		[LQ_STATE_REMOTE] = "remote",
		[LQ_STATE_TRANSITIONING] = "transitioning",
	};

	if (state >= sizeof(names) / sizeof(names[0]) || names[state] == NULL)
		return "unknown";
	return names[state];
}

const char *lq_lease_type_name(uint8_t type)
{
	switch (type) {
	case LQ_LEASE_V4: return "V4";
	case LQ_LEASE_NA: return "IA_NA";
	case LQ_LEASE_TA: return "IA_TA";
	case LQ_LEASE_PD: return "IA_PD";
	default: return "unknown";
	}
}

static lq_err fill_relay_ids_v4(struct lq_binding *b)
{
	struct lq4_relay_info ri;
	lq_err err = lq4_relay_info_decode(b->relay_info, &ri);

	if (err != LQ_OK)
		return err;
	b->circuit_id = ri.circuit_id;
	b->remote_id = ri.remote_id;
	b->relay_id = ri.relay_id;
	return LQ_OK;
}

/* Walk the RELAY-FORW chain from the outside in: the innermost relay (the one
 * next to the client) gives link-address and peer-address; identifiers are
 * taken from the innermost relay that carries them. */
static lq_err fill_relay_ids_v6(struct lq_binding *b)
{
	struct lq6_msg m;
	lq_err err = lq6_decode(b->relay_info.data, b->relay_info.len, &m, NULL);
	static const lq_ip6 unspecified;

	if (err != LQ_OK)
		return err;
	while (m.type == LQ6_RELAY_FORW || m.type == LQ6_RELAY_REPL) {
		if (m.interface_id.data != NULL)
			b->circuit_id = m.interface_id;
		if (m.remote_id.present) {
			/* the option value: enterprise number and id, as stored */
			b->remote_id.data = m.remote_id.id.data - 4;
			b->remote_id.len = m.remote_id.id.len + 4;
		}
		if (m.relay_id.data != NULL)
			b->relay_id = m.relay_id;
		b->relay_peer = m.peer_address;
		if (memcmp(b->link_address.b, unspecified.b, 16) == 0 ||
		    memcmp(m.link_address.b, unspecified.b, 16) != 0)
			b->link_address = m.link_address;
		if (lq6_decode_inner(m.relay_msg, &m, NULL) != LQ_OK)
			break;
	}
	return LQ_OK;
}

lq_err lq_binding_fill_relay_ids(struct lq_binding *b)
{
	if (b->relay_info.data == NULL || b->relay_info.len == 0)
		return LQ_OK;
	return b->key.family == 4 ? fill_relay_ids_v4(b) : fill_relay_ids_v6(b);
}
