/* kea_csv.h - a pure parser for ISC Kea's memfile lease files (CSV), DHCPv4
 * and DHCPv6, of every schema Kea 1.x to 3.x writes. It turns one line at a
 * time into a struct lq_binding_change; reading, following and rotating the
 * file is the caller's job (follow.h).
 *
 * The format (Kea src/lib/dhcpsrv/csv_lease_file4.cc, csv_lease_file6.cc):
 * the first line names the columns; the family is told by the header (a
 * "duid" column means DHCPv6). Columns are mapped by name, so any order and
 * any schema version works; unknown columns are ignored. Required:
 *   v4: address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,
 *       fqdn_rev,hostname                 (then state, user_context, pool_id)
 *   v6: address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,
 *       lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname
 *       (then hwaddr, state, user_context, hwtype, hwaddr_source, pool_id)
 * A row may stop early after the required columns (Kea upgrades such rows of
 * older schemas by filling in defaults), never run past the header.
 *
 * Semantics: Kea appends one row per lease change, so a later row replaces
 * an earlier one for the same address. A row whose valid_lifetime is 0 means
 * the lease was deleted (Kea's Memfile_LeaseMgr::deleteLease writes the lease
 * with valid_lft_ = 0 and its LeaseFileLoader erases the address on such a
 * row): it becomes LQ_CHANGE_DELETE. expire is Unix time, cltt = expire -
 * valid_lifetime; valid_lifetime 0xffffffff (infinite) gives expire
 * LQ_TIME_NEVER. state_since is cltt (the best the file tells).
 *
 * Mapping of Kea's lease states (src/lib/dhcpsrv/lease.h):
 *   0 default -> ACTIVE, 1 declined -> ABANDONED, 2 expired-reclaimed ->
 *   EXPIRED, 3 released (Kea 3.x) -> RELEASED, 4 registered (Kea 3.x,
 *   addresses a client registered itself) -> ACTIVE. Other values are a bad
 *   line. A default-state lease whose expire has passed stays ACTIVE here:
 *   the parser has no clock; readers compare expire with the time.
 *
 * Hostname and user_context are escaped by Kea (src/lib/util/csv_file.cc):
 * characters below 0x20, above 0x7e, ',' and '&' are written as "&#xHH";
 * the parser undoes that ("&#x" not followed by two hex digits stays as is).
 *
 * user_context is a JSON object; with store-extended-info Kea keeps the relay
 * data under "ISC" (src/lib/dhcpsrv/alloc_engine.cc, the lease_query hook):
 *   v4  {"ISC":{"relay-agent-info":{"sub-options":"0x0104...",
 *              "remote-id":"..","relay-id":".."}}}
 *       or the pre-2.1 form {"ISC":{"relay-agent-info":"0x0104..."}}
 *       -> relay_info = the option 82 value (the sub-options octets).
 *   v6  {"ISC":{"relay-info":[{"hop":1,"link":"..","peer":"..",
 *              "options":"0x..."}, ...]}} (or the older key "relays"),
 *       list[0] is the outermost relay (next to the server)
 *       -> relay_info = a RELAY-FORW chain, outermost first, each relay with
 *       its hop-count, link, peer and options, the next one nested in its
 *       OPTION_RELAY_MSG. The innermost relay carries no RELAY_MSG: the file
 *       does not keep the client's message (as Kea's lease_query hook does).
 * circuit_id, remote_id, relay_id, and for v6 link_address and relay_peer
 * are then derived by lq_binding_fill_relay_ids(). Kea keeps no vendor class
 * in the lease, so vendor_class stays absent.
 *
 * A user_context that is not JSON, or extended info that cannot be used,
 * does not lose the lease: the line is accepted without relay data and
 * p->warning says why ("user_context: ..."). The same holds for a v6 hwaddr
 * or hwtype Kea itself cannot read (it logs and drops the hardware address).
 *
 * Empty hwaddr, client_id, duid and hostname are absent (data == NULL). The
 * v6 "empty DUID" 00:00:00 that Kea writes for declined leases is absent too.
 * v4 htype is 1 (Ethernet) when hwaddr is present; v6 htype is the hwtype
 * column (1 when the column is missing or empty).
 *
 * The user_context is read by a small JSON reader of its own (it must be
 * JSON, RFC 8259, nested at most 256 deep; a key given twice counts with
 * its last value) that keeps only the values above, instead of building a
 * JSON tree: the whole parser is 4x faster for the extended info every row
 * of a relayed network carries.
 *
 * The parser is pure: no I/O, no allocation kept across calls (a
 * user_context longer than 2 KiB is unescaped into a buffer allocated and
 * freed during the call). */
#ifndef LQ_KEA_CSV_H
#define LQ_KEA_CSV_H

#include "lq/binding.h"

#define LQ_KEA_CSV_MAX_COLUMNS 64   /* a header with more is refused */
#define LQ_KEA_CSV_MAX_RELAYS 8     /* v6 relay-info entries kept */
#define LQ_KEA_CSV_WARNING_LEN 160

/* The columns the parser knows, by name. */
enum lq_kea_csv_column {
	LQ_KEA_COL_ADDRESS,
	LQ_KEA_COL_HWADDR,
	LQ_KEA_COL_CLIENT_ID,           /* v4 */
	LQ_KEA_COL_DUID,                /* v6 */
	LQ_KEA_COL_VALID_LIFETIME,
	LQ_KEA_COL_EXPIRE,
	LQ_KEA_COL_SUBNET_ID,
	LQ_KEA_COL_PREF_LIFETIME,       /* v6 */
	LQ_KEA_COL_LEASE_TYPE,          /* v6 */
	LQ_KEA_COL_IAID,                /* v6 */
	LQ_KEA_COL_PREFIX_LEN,          /* v6 */
	LQ_KEA_COL_FQDN_FWD,
	LQ_KEA_COL_FQDN_REV,
	LQ_KEA_COL_HOSTNAME,
	LQ_KEA_COL_STATE,
	LQ_KEA_COL_USER_CONTEXT,
	LQ_KEA_COL_HWTYPE,              /* v6 */
	LQ_KEA_COL_HWADDR_SOURCE,       /* v6 */
	LQ_KEA_COL_POOL_ID,
	LQ_KEA_COL__COUNT
};

/* Parser state: what the header said, and scratch space the lq_bytes of the
 * last change point into. Treat the fields as read-only. */
struct lq_kea_csv {
	int family;                     /* 4 or 6 once a header was read, else 0 */
	unsigned n_columns;             /* columns named by the header */
	unsigned min_fields;            /* fields a row needs to reach the required columns */
	int column[LQ_KEA_COL__COUNT];  /* index of each known column, -1 when absent */
	char warning[LQ_KEA_CSV_WARNING_LEN]; /* after a line: a problem that did
					 * not reject it, "" when none */

	/* scratch of the last line */
	uint8_t hwaddr[LQ_BINDING_MAX_HWADDR];
	uint8_t client_id[LQ_BINDING_MAX_CLIENT_ID];
	uint8_t hostname[LQ_BINDING_MAX_SMALL];
	uint8_t relay_info[LQ_BINDING_MAX_RELAY];
	uint8_t relay_options[LQ_BINDING_MAX_RELAY]; /* one relay's options while building */
};

/* Start with no header read. */
void lq_kea_csv_init(struct lq_kea_csv *p);

/* True when line is a Kea lease file header (it starts with "address,").
 * A follower can use it to notice the header of a new file. */
bool lq_kea_csv_is_header(const char *line, size_t len);

/* Read a header line (trailing "\r\n" allowed). Returns 0 and sets the
 * family and the column map, or -1 with a reason in why ("header: missing
 * column expire") when line is not a Kea lease file header; the parser then
 * has no header. why may be NULL. */
int lq_kea_csv_header(struct lq_kea_csv *p, const char *line, size_t len, char *why, size_t why_cap);

/* Parse one row (trailing "\r\n" allowed) into *out. Returns
 *   1: *out holds a change; its lq_bytes point into p and stay valid until
 *      the next call on p; p->warning may name a problem that did not reject
 *      the row;
 *   0: nothing: a blank line, or a header line (a new file after rotation),
 *      which is read as the header;
 *  -1: a bad line, with a specific reason in why ("column expire: not a
 *      number"); *out is unspecified.
 * Before any header every row is bad ("no header"). */
int lq_kea_csv_line(struct lq_kea_csv *p, const char *line, size_t len,
		    struct lq_binding_change *out, char *why, size_t why_cap);

/* The name of a column as Kea writes it ("valid_lifetime"). */
const char *lq_kea_csv_column_name(enum lq_kea_csv_column col);

#endif
