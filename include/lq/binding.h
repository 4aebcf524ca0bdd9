/* binding.h - the one binding model of lq, for both families: a binding is
 * one lease (a DHCPv4 address, a DHCPv6 address or delegated prefix) with
 * everything a leasequery answer may need about it. Lease sources emit
 * struct lq_binding_change; the store keeps them; the query engine reads
 * them back. Nothing here knows about packets, files or LMDB.
 *
 * Variable-length fields are lq_bytes views: into the source's parse buffer
 * when a source emits a change, into the store's snapshot when a query reads
 * one. Copy what must outlive either. */
#ifndef LQ_BINDING_H
#define LQ_BINDING_H

#include "lq/common.h"

/* Upper bounds the store enforces (a longer value is an error, not a cut). */
#define LQ_BINDING_MAX_HWADDR 16
#define LQ_BINDING_MAX_CLIENT_ID 255    /* v4 option 61 value, or a DUID (RFC 8415: 128 + 2) */
#define LQ_BINDING_MAX_RELAY 4096       /* v4 option 82 value / v6 RELAY-FORW as received */
#define LQ_BINDING_MAX_SMALL 255        /* remote-id, relay-id, vendor class, VPN id, ... */

enum lq_lease_type {
	LQ_LEASE_V4 = 0,        /* a DHCPv4 address */
	LQ_LEASE_NA = 1,        /* DHCPv6 non-temporary address (IA_NA) */
	LQ_LEASE_TA = 2,        /* DHCPv6 temporary address (IA_TA) */
	LQ_LEASE_PD = 3,        /* DHCPv6 delegated prefix (IA_PD) */
};

/* Binding states: the dhcp-state values of RFC 6926 (option 156), used for
 * both families. Kea "declined" maps to ABANDONED, Kea "expired-reclaimed"
 * to EXPIRED, dhcpd "free" to AVAILABLE, "backup" to REMOTE. */
enum lq_binding_state {
	LQ_STATE_AVAILABLE = 1,
	LQ_STATE_ACTIVE = 2,
	LQ_STATE_EXPIRED = 3,
	LQ_STATE_RELEASED = 4,
	LQ_STATE_ABANDONED = 5,
	LQ_STATE_RESET = 6,
	LQ_STATE_REMOTE = 7,
	LQ_STATE_TRANSITIONING = 8,
};

/* The key of a binding: family, address (IPv4 as ::ffff:a.b.c.d) and prefix
 * length (32 for IPv4, 128 for IPv6 addresses). */
struct lq_binding_key {
	uint8_t family;         /* 4 or 6 */
	uint8_t prefix_len;
	lq_ip6 addr;
};

struct lq_binding {
	struct lq_binding_key key;
	uint8_t type;           /* enum lq_lease_type */
	uint8_t state;          /* enum lq_binding_state */
	bool data_source_remote;/* RFC 6926 data-source REMOTE: learned from a partner */

	/* identity */
	uint8_t htype;          /* ARP hardware type of hwaddr (1 = Ethernet) */
	lq_bytes hwaddr;        /* v4 chaddr; v6 link-layer address when known */
	lq_bytes client_id;     /* v4 option 61 value; v6 client DUID */
	uint32_t iaid;          /* v6 */

	/* times: Unix seconds; expire == LQ_TIME_NEVER (lqtime.h) for infinite */
	int64_t cltt;           /* client-last-transaction-time */
	int64_t expire;         /* end of valid lifetime */
	int64_t state_since;    /* when the binding entered its current state */
	uint32_t valid_lifetime;
	uint32_t preferred_lifetime;  /* v6 */

	/* where: subnet and link */
	uint32_t subnet_id;     /* the DHCP server's subnet id, 0 when unknown */
	lq_ip6 link_address;    /* v6: link-address of the innermost relay (or
				 * the subnet's link); v4: giaddr as ::ffff:a.b.c.d */

	/* the relay agent information as received */
	lq_bytes relay_info;    /* v4: option 82 value; v6: the client's message
				 * as last relayed (outermost RELAY-FORW) */
	lq_ip6 relay_peer;      /* v6: peer-address of the innermost relay, for
				 * OPTION_LQ_RELAY_DATA */
	lq_bytes circuit_id;    /* v4 sub-option 1 / v6 interface-id */
	lq_bytes remote_id;     /* v4 sub-option 2 / v6 OPTION_REMOTE_ID value
				 * (enterprise number included) */
	lq_bytes relay_id;      /* v4 sub-option 12 / v6 OPTION_RELAY_ID (DUID) */

	lq_bytes vendor_class;  /* v4 option 60 */
	lq_bytes hostname;

	/* VPN (RFC 6607); has_vpn false = the global (default) VPN */
	bool has_vpn;
	uint8_t vpn_type;
	lq_bytes vpn_id;
};

enum lq_change_op {
	LQ_CHANGE_UPSERT = 1,   /* the binding now looks like this */
	LQ_CHANGE_DELETE = 2,   /* the binding with this key is gone */
};

struct lq_binding_change {
	uint8_t op;             /* enum lq_change_op */
	struct lq_binding binding;  /* DELETE: only binding.key counts */
};

/* Fill the key of an IPv4 binding (::ffff:a.b.c.d/32). */
void lq_binding_key_v4(struct lq_binding_key *key, const lq_ip4 *addr);
/* Fill the key of an IPv6 binding. */
void lq_binding_key_v6(struct lq_binding_key *key, const lq_ip6 *addr, uint8_t prefix_len);
/* The IPv4 address of a family-4 key. */
lq_ip4 lq_binding_key_ip4(const struct lq_binding_key *key);
/* The key as text for messages and logs: "192.0.2.1", "2001:db8::1" or
 * "2001:db8:8000::/56". Always NUL-terminates; returns buf. */
#define LQ_BINDING_KEY_TEXT_MAX 48
const char *lq_binding_key_format(const struct lq_binding_key *key, char *buf, size_t cap);

/* Fill circuit_id, remote_id and relay_id from relay_info, so that every
 * source derives them the same way; for v6 also relay_peer (innermost relay's
 * peer-address) and link_address (innermost non-zero relay link-address).
 * The views point into relay_info. Returns the decode error when relay_info
 * is malformed (the binding is then left as it was). */
lq_err lq_binding_fill_relay_ids(struct lq_binding *b);

/* Names of states ("active") and lease types ("IA_PD") for logs and JSON. */
const char *lq_binding_state_name(uint8_t state);
const char *lq_lease_type_name(uint8_t type);

#endif
