/* config.h - lqd's configuration: the typed result of reading the JSON
 * configuration file (comments allowed), with every default applied and
 * every value checked, plus the subnets and pools imported from Kea
 * configuration files ("kea-config").
 *
 * The file is JSON with `//`, `/ * * /` and `#` comments outside strings,
 * and (as Kea accepts) a trailing comma before `]` or `}`. Keys (see
 * etc/lqd.conf.example for a commented example):
 *
 *   server-id        "192.0.2.1": DHCPv4 server identifier (option 54).
 *                    Absent: the first listen address that is a specific IPv4
 *                    address; an error when lqd listens on 0.0.0.0 only.
 *   server-duid      "00:01:00:01:...": DHCPv6 server DUID, hex octets with
 *                    or without colons, 3-130 octets. Absent: lqd makes one.
 *   listen           [{"address", "udp-port", "tcp-port"}]: udp-port and
 *                    tcp-port default to 67 (IPv4) or 547 (IPv6); `false`
 *                    turns that transport off. Absent: 127.0.0.1 and ::1.
 *   store            {"path", "history-limit", "map-size-mb"}: path defaults
 *                    to /var/lib/lqd; history-limit (changes kept for active
 *                    leasequery catch-up) to 1000000; map-size-mb to 0 (the
 *                    store picks).
 *   sources          [{"type": "kea-csv" | "dhcpd-leases", "path"} |
 *                     {"type": "kea-pgsql", "conninfo"}], each with an
 *                    optional "family": 4 | 6 (else inferred by the source).
 *   kea-config       a path or a list of paths of Kea DHCPv4/DHCPv6
 *                    configuration files: their subnets, pools and pd-pools
 *                    are imported. When "sources" is absent, each file's
 *                    lease-database becomes a source: memfile -> kea-csv
 *                    (its "name", else /var/lib/kea/kea-leases4.csv or
 *                    kea-leases6.csv; none when "persist" is false),
 *                    postgresql -> kea-pgsql (conninfo from host, port,
 *                    name, user, password). Subnets of a family may come
 *                    either from kea-config or from subnets4/subnets6, not
 *                    both (an error); the two families may mix.
 *   subnets4         [{"subnet": "10.0.0.0/16", "id": 1, "pools":
 *                    ["10.0.0.10 - 10.0.255.250" | "10.0.1.0/24" |
 *                     {"pool": ...}]}]
 *   subnets6         as subnets4, plus "pd-pools": [{"prefix":
 *                    "2001:db8:8000::/33", "delegated-len": 56}] (or Kea's
 *                    "prefix": "2001:db8:8000::", "prefix-len": 33).
 *   requesters       ["127.0.0.0/8", "::1/128", "192.0.2.7", {"prefix":
 *                    "10.0.0.0/8", "query-types": ["by-ip", "by-address"]}]:
 *                    who may query, and (object form) which query types;
 *                    the first entry containing the requestor decides.
 *                    Absent: loopback only (127.0.0.0/8 and ::1/128).
 *   refused-queries  "not-allowed" (default: answer with status NotAllowed
 *                    where the protocol has one) or "drop" (discard).
 *   tls              {"mode": "off" | "optional" | "required", "cert", "key",
 *                    "ca"}: mode defaults to off; any other mode needs all
 *                    three files (certificates are verified both ways).
 *   control-socket   path of the Unix control socket; absent: none.
 *   bulk             {"max-connections": 10, "max-connections-per-requestor": 4,
 *                    "max-queries-per-connection": 4, "data-timeout": 300}:
 *                    TCP connections at once (BULK_LQ_MAX_CONNS, RFC 6926
 *                    8.1; counts bulk and active), of them from one requestor
 *                    address, queries one connection runs at once (lqd reads
 *                    no more, RFC 6926 8.2), and BULK_LQ_DATA_TIMEOUT in
 *                    seconds (a blocked read or write, or an idle connection
 *                    after its last DONE).
 *   active           {"max-connections": 10, "max-connections-per-requestor": 4,
 *                    "idle-timeout": 60, "send-timeout": 120}: active queries
 *                    at once, of them from one requestor address,
 *                    ACTIVE_LQ_IDLE_TIMEOUT and ACTIVE_LQ_SEND_TIMEOUT (RFC 7724,
 *                    RFC 7653) in seconds. Active connections count toward
 *                    bulk.max-connections too.
 *   sensitive-options {"dhcp4": [82, ...], "dhcp6": [...]}: option codes never
 *                    returned in an answer. Absent: none.
 *   user             "lqd": started as root, lqd opens its ports, store and
 *                    control socket, then runs as this user. Absent: stays.
 *
 * Relative paths (store.path, sources[].path, kea-config, tls files,
 * control-socket, a Kea memfile name) are resolved against the directory of
 * the file that names them. Unknown keys are errors (with a suggestion);
 * inside Kea files, keys lqd does not use are ignored.
 *
 * Families are 4 and 6, as in binding.h. Addresses are in network order. */
#ifndef LQ_CONFIG_H
#define LQ_CONFIG_H

#include "lq/common.h"

#define LQ_CONFIG_DEFAULT_STORE_PATH "/var/lib/lqd"
#define LQ_CONFIG_DEFAULT_HISTORY_LIMIT 1000000u
#define LQ_CONFIG_DEFAULT_PORT4 67
#define LQ_CONFIG_DEFAULT_PORT6 547
#define LQ_CONFIG_DEFAULT_BULK_MAX_CONNECTIONS 10       /* BULK_LQ_MAX_CONNS */
#define LQ_CONFIG_DEFAULT_BULK_DATA_TIMEOUT 300         /* BULK_LQ_DATA_TIMEOUT, s */
#define LQ_CONFIG_DEFAULT_BULK_MAX_PER_REQUESTOR 4
#define LQ_CONFIG_DEFAULT_BULK_MAX_QUERIES 4
#define LQ_CONFIG_DEFAULT_ACTIVE_MAX_CONNECTIONS 10
#define LQ_CONFIG_DEFAULT_ACTIVE_MAX_PER_REQUESTOR 4
#define LQ_CONFIG_DEFAULT_ACTIVE_IDLE_TIMEOUT 60        /* ACTIVE_LQ_IDLE_TIMEOUT, s */
#define LQ_CONFIG_DEFAULT_ACTIVE_SEND_TIMEOUT 120       /* ACTIVE_LQ_SEND_TIMEOUT, s */
#define LQ_CONFIG_DEFAULT_KEA_LEASES4 "/var/lib/kea/kea-leases4.csv"
#define LQ_CONFIG_DEFAULT_KEA_LEASES6 "/var/lib/kea/kea-leases6.csv"
#define LQ_CONFIG_MAX_DUID 130          /* RFC 8415: 2-octet type + 128 */
#define LQ_CONFIG_MAX_FILE_SIZE ((size_t)64 * 1024 * 1024)  /* configuration and Kea files */

/* An IPv4 or IPv6 address with a prefix length (32/128 for an address). */
struct lq_config_prefix {
	int family;             /* 4 or 6 */
	unsigned len;
	lq_ip4 v4;              /* when family == 4 */
	lq_ip6 v6;              /* when family == 6 */
	uint32_t query_types;   /* requesters: bits of enum lq_query_kind; 0 = all */
};

/* Every kind of query of the protocol family, for per-type access rules.
 * Names (config "query-types"): by-ip, by-mac, by-client-id, by-remote-id,
 * by-relay-id, all-addresses, active (DHCPv4); by-address, by-client-id,
 * by-relay-id, by-link-address, by-remote-id, active (DHCPv6). */
enum lq_query_kind {
	LQ_QUERY_KIND_NONE = 0,
	LQ_QUERY_V4_BY_IP,
	LQ_QUERY_V4_BY_MAC,
	LQ_QUERY_V4_BY_CLIENT_ID,
	LQ_QUERY_V4_BY_REMOTE_ID,
	LQ_QUERY_V4_BY_RELAY_ID,
	LQ_QUERY_V4_ALL_ADDRESSES,
	LQ_QUERY_V4_ACTIVE,
	LQ_QUERY_V6_BY_ADDRESS,
	LQ_QUERY_V6_BY_CLIENT_ID,
	LQ_QUERY_V6_BY_RELAY_ID,
	LQ_QUERY_V6_BY_LINK_ADDRESS,
	LQ_QUERY_V6_BY_REMOTE_ID,
	LQ_QUERY_V6_ACTIVE,
	LQ_QUERY_KIND_COUNT
};
/* "by-ip", ... (the config name, without the family). */
const char *lq_query_kind_name(enum lq_query_kind kind);

struct lq_config_listen {
	char *address;          /* as written: "127.0.0.1", "::" */
	int family;             /* 4 or 6 */
	lq_ip4 v4;
	lq_ip6 v6;
	uint16_t udp_port;      /* 0: no UDP on this address */
	uint16_t tcp_port;      /* 0: no TCP (bulk, active) on this address */
};

enum lq_config_source_type {
	LQ_CONFIG_SOURCE_KEA_CSV,
	LQ_CONFIG_SOURCE_DHCPD_LEASES,
	LQ_CONFIG_SOURCE_KEA_PGSQL,
};

struct lq_config_source {
	enum lq_config_source_type type;
	char *path;             /* kea-csv, dhcpd-leases (resolved); else NULL */
	char *conninfo;         /* kea-pgsql; else NULL */
	int family;             /* 4 or 6; 0 when not given (inferred later) */
	bool from_kea_config;   /* suggested by a Kea lease-database */
};

struct lq_config_pool4 {
	lq_ip4 first, last;     /* inclusive */
};

struct lq_config_pool6 {
	lq_ip6 first, last;     /* inclusive */
};

struct lq_config_pd_pool {
	lq_ip6 prefix;
	unsigned prefix_len;
	unsigned delegated_len; /* >= prefix_len, <= 128 */
};

struct lq_config_subnet4 {
	lq_ip4 prefix;
	unsigned prefix_len;
	uint32_t id;            /* Kea subnet id; 0 when not given */
	struct lq_config_pool4 *pools;
	size_t n_pools;
	char *origin;           /* where it was defined: "subnets4[2]" or
				 * "/etc/kea/kea-dhcp4.conf: Dhcp4.subnet4[0]" */
};

struct lq_config_subnet6 {
	lq_ip6 prefix;
	unsigned prefix_len;
	uint32_t id;
	struct lq_config_pool6 *pools;
	size_t n_pools;
	struct lq_config_pd_pool *pd_pools;
	size_t n_pd_pools;
	char *origin;
};

enum lq_config_tls_mode {
	LQ_CONFIG_TLS_OFF,
	LQ_CONFIG_TLS_OPTIONAL,  /* STARTTLS offered; plain TCP accepted */
	LQ_CONFIG_TLS_REQUIRED,  /* plain TCP queries refused */
};

struct lq_config {
	bool has_server_id;
	lq_ip4 server_id;
	uint8_t server_duid[LQ_CONFIG_MAX_DUID];
	size_t server_duid_len;         /* 0: not configured */

	struct lq_config_listen *listen;
	size_t n_listen;

	struct {
		char *path;
		uint64_t history_limit;
		uint64_t map_size_mb;   /* 0: the store's default */
	} store;

	struct lq_config_source *sources;
	size_t n_sources;

	char **kea_config;              /* resolved paths, as given */
	size_t n_kea_config;

	struct lq_config_subnet4 *subnets4;
	size_t n_subnets4;
	struct lq_config_subnet6 *subnets6;
	size_t n_subnets6;

	struct lq_config_prefix *requesters;
	size_t n_requesters;
	bool refuse_by_dropping;        /* refused-queries: "drop" */

	struct {
		enum lq_config_tls_mode mode;
		char *cert, *key, *ca;  /* resolved paths, NULL when absent */
	} tls;

	char *control_socket;           /* NULL: none */
	char *user;                     /* run as this user once ports are open; NULL: stay */

	struct {
		unsigned max_connections;
		unsigned max_connections_per_requestor;
		unsigned max_queries_per_connection;
		unsigned data_timeout;  /* seconds */
	} bulk;

	struct {
		unsigned max_connections;
		unsigned max_connections_per_requestor;
		unsigned idle_timeout;  /* seconds */
		unsigned send_timeout;  /* seconds */
	} active;

	uint8_t *sensitive4;            /* option codes, sorted, unique */
	size_t n_sensitive4;
	uint16_t *sensitive6;
	size_t n_sensitive6;
};

/* Read and check the configuration file at path. On success fills *out
 * (free with lq_config_free) and returns 0. On failure returns -1, leaves
 * *out empty and writes one line into err, naming the file, the line and
 * column (syntax) or the key path (values):
 *   "lqd.conf:3:5: ']' expected near '}'"
 *   "subnets4[1].pools[0]: \"10.0.1.10 - 10.0.0.5\": first address after last" */
int lq_config_load(const char *path, struct lq_config *out, char *err, size_t err_cap);

/* The same from text in memory. base_dir is the directory relative paths
 * are resolved against (NULL: keep them relative). Syntax errors read
 * "line 3, column 5: ...". */
int lq_config_parse(const char *text, size_t len, const char *base_dir,
		    struct lq_config *out, char *err, size_t err_cap);

/* Import the subnets of a Kea configuration (its text; origin names it in
 * messages and is the directory base for a relative memfile name) into cfg,
 * then re-check cfg's subnets as a whole (overlaps, duplicate ids). The Kea
 * lease-database is appended to cfg->sources when add_source is true. */
int lq_config_import_kea(struct lq_config *cfg, const char *text, size_t len,
			 const char *origin, bool add_source, char *err, size_t err_cap);

void lq_config_free(struct lq_config *cfg);

/* Lookups for the query engine. */
const struct lq_config_subnet4 *lq_config_find_subnet4(const struct lq_config *cfg, lq_ip4 addr);
const struct lq_config_subnet6 *lq_config_find_subnet6(const struct lq_config *cfg, const lq_ip6 *addr);
bool lq_config_in_pool4(const struct lq_config_subnet4 *subnet, lq_ip4 addr);
bool lq_config_in_pool6(const struct lq_config_subnet6 *subnet, const lq_ip6 *addr);
/* Is a requestor at this address (family 4: 4 octets, 6: 16 octets; an
 * IPv4-mapped IPv6 address counts as IPv4) allowed to query? */
bool lq_config_requester_allowed(const struct lq_config *cfg, int family, const uint8_t *addr);
/* May the requestor at addr ask a query of this kind? The first requesters
 * entry that contains addr decides; none: no. */
bool lq_config_query_allowed(const struct lq_config *cfg, int family, const uint8_t *addr,
			     enum lq_query_kind kind);
bool lq_config_option_sensitive(const struct lq_config *cfg, int family, unsigned code);

const char *lq_config_source_type_name(enum lq_config_source_type type);

#endif
