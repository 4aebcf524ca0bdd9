/* kea_csv.c - reads the rows of Kea's memfile lease files (CSV) into binding
 * changes: the header gives the family and where each column is, every row
 * is split on commas and each field checked and converted (kea_csv.h tells
 * the format and the mapping). */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kea_csv_internal.h"
#include "lq/lqtime.h"

enum column_family {
	FAMILY_BOTH,
	FAMILY_4,
	FAMILY_6,
};

struct column_info {
	const char *name;
	uint8_t family;         /* enum column_family */
	bool required4, required6;
};

static const struct column_info columns[LQ_KEA_COL__COUNT] = {
	[LQ_KEA_COL_ADDRESS] = { "address", FAMILY_BOTH, true, true },
	[LQ_KEA_COL_HWADDR] = { "hwaddr", FAMILY_BOTH, true, false },
	[LQ_KEA_COL_CLIENT_ID] = { "client_id", FAMILY_4, true, false },
	[LQ_KEA_COL_DUID] = { "duid", FAMILY_6, false, true },
	[LQ_KEA_COL_VALID_LIFETIME] = { "valid_lifetime", FAMILY_BOTH, true, true },
	[LQ_KEA_COL_EXPIRE] = { "expire", FAMILY_BOTH, true, true },
	[LQ_KEA_COL_SUBNET_ID] = { "subnet_id", FAMILY_BOTH, true, true },
	[LQ_KEA_COL_PREF_LIFETIME] = { "pref_lifetime", FAMILY_6, false, true },
	[LQ_KEA_COL_LEASE_TYPE] = { "lease_type", FAMILY_6, false, true },
	[LQ_KEA_COL_IAID] = { "iaid", FAMILY_6, false, true },
	[LQ_KEA_COL_PREFIX_LEN] = { "prefix_len", FAMILY_6, false, true },
	[LQ_KEA_COL_FQDN_FWD] = { "fqdn_fwd", FAMILY_BOTH, true, true },
	[LQ_KEA_COL_FQDN_REV] = { "fqdn_rev", FAMILY_BOTH, true, true },
	[LQ_KEA_COL_HOSTNAME] = { "hostname", FAMILY_BOTH, true, true },
	[LQ_KEA_COL_STATE] = { "state", FAMILY_BOTH, false, false },
	[LQ_KEA_COL_USER_CONTEXT] = { "user_context", FAMILY_BOTH, false, false },
	[LQ_KEA_COL_HWTYPE] = { "hwtype", FAMILY_6, false, false },
	[LQ_KEA_COL_HWADDR_SOURCE] = { "hwaddr_source", FAMILY_6, false, false },
	[LQ_KEA_COL_POOL_ID] = { "pool_id", FAMILY_BOTH, false, false },
};

/* Kea's lease states (src/lib/dhcpsrv/lease.h) */
enum kea_state {
	KEA_STATE_DEFAULT = 0,
	KEA_STATE_DECLINED = 1,
	KEA_STATE_EXPIRED_RECLAIMED = 2,
	KEA_STATE_RELEASED = 3,
	KEA_STATE_REGISTERED = 4,
};

/* Kea's Lease::Type values in the lease_type column */
enum kea_lease_type {
	KEA_TYPE_NA = 0,
	KEA_TYPE_TA = 1,
	KEA_TYPE_PD = 2,
};

#define HTYPE_ETHER 1
#define INFINITE_LIFETIME 0xffffffffu

/* One row being parsed. */
struct row {
	struct lq_kea_csv *p;
	struct kea_field field[LQ_KEA_CSV_MAX_COLUMNS];
	unsigned n_fields;
	char *why;
	size_t why_cap;
};

const char *lq_kea_csv_column_name(enum lq_kea_csv_column col)
{
	if ((unsigned)col >= LQ_KEA_COL__COUNT)
		return "unknown";
	return columns[col].name;
}

void lq_kea_csv_init(struct lq_kea_csv *p)
{
	memset(p, 0, sizeof(*p));
	for (unsigned i = 0; i < LQ_KEA_COL__COUNT; i++)
		p->column[i] = -1;
}

bool lq_kea_csv_is_header(const char *line, size_t len)
{
	static const char prefix[] = "address,";

	return len >= sizeof(prefix) - 1 && memcmp(line, prefix, sizeof(prefix) - 1) == 0;
}

static void format_reason(char *why, size_t why_cap, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void format_reason(char *why, size_t why_cap, const char *fmt, va_list ap)
{
	if (why != NULL && why_cap > 0)
		vsnprintf(why, why_cap, fmt, ap);
}

static int reject(char *why, size_t why_cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int reject(char *why, size_t why_cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_reason(why, why_cap, fmt, ap);
	va_end(ap);
	return -1;
}

void kea_warn(struct lq_kea_csv *p, const char *fmt, ...)
{
	va_list ap;

	if (p->warning[0] != '\0')
		return;
	va_start(ap, fmt);
	format_reason(p->warning, sizeof(p->warning), fmt, ap);
	va_end(ap);
}

static size_t strip_line_end(const char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	return len;
}

static bool is_blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (line[i] != ' ' && line[i] != '\t')
			return false;
	}
	return true;
}

/* Split on commas into at most max fields. Returns the number of fields, or
 * max + 1 when there are more. */
static unsigned split_fields(const char *line, size_t len, struct kea_field *field, unsigned max)
{
	const char *s = line, *end = line + len;
	unsigned n = 0;

	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *field_end = comma != NULL ? comma : end;
		if (n == max)
			return max + 1;
		field[n].s = s;
		field[n].len = (size_t)(field_end - s);
		n++;
		if (comma == NULL)
			return n;
		s = comma + 1;
	}
}

static bool field_is(struct kea_field f, const char *text)
{
	return f.len == strlen(text) && memcmp(f.s, text, f.len) == 0;
}

static bool column_in_family(enum lq_kea_csv_column col, int family)
{
	uint8_t f = columns[col].family;

	return f == FAMILY_BOTH || (f == FAMILY_4 && family == 4) || (f == FAMILY_6 && family == 6);
}

static bool column_required(enum lq_kea_csv_column col, int family)
{
	return family == 4 ? columns[col].required4 : columns[col].required6;
}

/* The known column a header name stands for in this family, or -1. */
static int find_column(struct kea_field name, int family)
{
	for (int c = 0; c < LQ_KEA_COL__COUNT; c++) {
		if (column_in_family((enum lq_kea_csv_column)c, family) && field_is(name, columns[c].name))
			return c;
	}
	return -1;
}

static int map_header_columns(struct lq_kea_csv *p, const struct kea_field *names, unsigned n,
			      char *why, size_t why_cap)
{
	for (unsigned i = 0; i < n; i++) {
		if (names[i].len == 0)
			return reject(why, why_cap, "header: column %u has no name", i + 1);
		int c = find_column(names[i], p->family);
		if (c < 0)
			continue;       /* a column of a later Kea: ignored */
		if (p->column[c] >= 0)
			return reject(why, why_cap, "header: column %s twice", columns[c].name);
		p->column[c] = (int)i;
	}
	return 0;
}

static int check_required_columns(struct lq_kea_csv *p, char *why, size_t why_cap)
{
	p->min_fields = 0;
	for (int c = 0; c < LQ_KEA_COL__COUNT; c++) {
		if (!column_required((enum lq_kea_csv_column)c, p->family))
			continue;
		if (p->column[c] < 0)
			return reject(why, why_cap, "header: missing column %s", columns[c].name);
		if ((unsigned)p->column[c] + 1 > p->min_fields)
			p->min_fields = (unsigned)p->column[c] + 1;
	}
	return 0;
}

int lq_kea_csv_header(struct lq_kea_csv *p, const char *line, size_t len, char *why, size_t why_cap)
{
	struct kea_field names[LQ_KEA_CSV_MAX_COLUMNS];

	lq_kea_csv_init(p);
	len = strip_line_end(line, len);
	unsigned n = split_fields(line, len, names, LQ_KEA_CSV_MAX_COLUMNS);
	if (n > LQ_KEA_CSV_MAX_COLUMNS)
		return reject(why, why_cap, "header: more than %d columns", LQ_KEA_CSV_MAX_COLUMNS);

	p->family = 4;
	for (unsigned i = 0; i < n; i++) {
		if (field_is(names[i], "duid"))
			p->family = 6;
	}
	p->n_columns = n;
	if (map_header_columns(p, names, n, why, why_cap) < 0 ||
	    check_required_columns(p, why, why_cap) < 0) {
		lq_kea_csv_init(p);
		return -1;
	}
	return 0;
}

/* ---- fields of a row ---- */

static struct kea_field row_get(const struct row *r, enum lq_kea_csv_column col)
{
	static const struct kea_field empty = { "", 0 };
	int i = r->p->column[col];

	if (i < 0 || (unsigned)i >= r->n_fields)
		return empty;
	return r->field[i];
}

static int row_reject(struct row *r, enum lq_kea_csv_column col, const char *what)
{
	return reject(r->why, r->why_cap, "column %s: %s", columns[col].name, what);
}

static int row_number(struct row *r, enum lq_kea_csv_column col, uint64_t max, uint64_t *out)
{
	struct kea_field f = row_get(r, col);

	switch (kea_parse_uint(f.s, f.len, max, out)) {
	case KEA_NUM_OK:
		return 0;
	case KEA_NUM_EMPTY:
		return row_reject(r, col, "empty");
	case KEA_NUM_RANGE:
		return row_reject(r, col, "out of range");
	default:
		return row_reject(r, col, "not a number");
	}
}

static int row_u32(struct row *r, enum lq_kea_csv_column col, uint32_t *out)
{
	uint64_t v;

	if (row_number(r, col, UINT32_MAX, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* An optional number: absent or empty gives 0 (Kea's default). */
static int row_optional_u32(struct row *r, enum lq_kea_csv_column col, uint32_t *out)
{
	*out = 0;
	if (row_get(r, col).len == 0)
		return 0;
	return row_u32(r, col, out);
}

/* Kea writes booleans as 0/1; true/false are taken too. */
static int row_bool(struct row *r, enum lq_kea_csv_column col)
{
	struct kea_field f = row_get(r, col);

	if (field_is(f, "0") || field_is(f, "1") || field_is(f, "true") || field_is(f, "false"))
		return 0;
	return row_reject(r, col, "not a boolean");
}

/* Decode a hex column into buf; absent when empty. */
static int row_hex(struct row *r, enum lq_kea_csv_column col, uint8_t *buf, size_t cap,
		   lq_bytes *out)
{
	struct kea_field f = row_get(r, col);
	size_t n;
	char what[48];

	switch (kea_hex_decode(f.s, f.len, buf, cap, &n)) {
	case KEA_HEX_OK:
		*out = n > 0 ? (lq_bytes){ buf, n } : (lq_bytes){ NULL, 0 };
		return 0;
	case KEA_HEX_TOO_LONG:
		snprintf(what, sizeof(what), "longer than %zu octets", cap);
		return row_reject(r, col, what);
	default:
		return row_reject(r, col, "not hex");
	}
}

static int row_address(struct row *r, int family, lq_ip6 *out)
{
	struct kea_field f = row_get(r, LQ_KEA_COL_ADDRESS);
	char text[INET6_ADDRSTRLEN];
	const char *what = family == 4 ? "not an IPv4 address" : "not an IPv6 address";

	if (f.len == 0 || f.len >= sizeof(text) || memchr(f.s, '\0', f.len) != NULL)
		return row_reject(r, LQ_KEA_COL_ADDRESS, what);
	memcpy(text, f.s, f.len);
	text[f.len] = '\0';
	if (inet_pton(family == 4 ? AF_INET : AF_INET6, text, out->b) != 1)
		return row_reject(r, LQ_KEA_COL_ADDRESS, what);
	return 0;
}

static int row_hostname(struct row *r, struct lq_binding *b)
{
	struct kea_field f = row_get(r, LQ_KEA_COL_HOSTNAME);
	const char *pos = f.s;
	size_t n = kea_unescape(&pos, f.s + f.len, r->p->hostname, sizeof(r->p->hostname));
	char what[48];

	if (pos < f.s + f.len) {
		snprintf(what, sizeof(what), "longer than %zu octets", sizeof(r->p->hostname));
		return row_reject(r, LQ_KEA_COL_HOSTNAME, what);
	}
	b->hostname = n > 0 ? (lq_bytes){ r->p->hostname, n } : (lq_bytes){ NULL, 0 };
	return 0;
}

static int row_state(struct row *r, uint32_t *kea_state, struct lq_binding *b)
{
	char what[48];

	if (row_optional_u32(r, LQ_KEA_COL_STATE, kea_state) < 0)
		return -1;
	switch (*kea_state) {
	case KEA_STATE_DEFAULT:
	case KEA_STATE_REGISTERED:
		b->state = LQ_STATE_ACTIVE;
		return 0;
	case KEA_STATE_DECLINED:
		b->state = LQ_STATE_ABANDONED;
		return 0;
	case KEA_STATE_EXPIRED_RECLAIMED:
		b->state = LQ_STATE_EXPIRED;
		return 0;
	case KEA_STATE_RELEASED:
		b->state = LQ_STATE_RELEASED;
		return 0;
	default:
		snprintf(what, sizeof(what), "unknown state %u", *kea_state);
		return row_reject(r, LQ_KEA_COL_STATE, what);
	}
}

/* valid_lifetime, expire and what follows from them: cltt, deletion. */
static int row_times(struct row *r, struct lq_binding_change *out)
{
	struct lq_binding *b = &out->binding;
	uint64_t expire;

	if (row_u32(r, LQ_KEA_COL_VALID_LIFETIME, &b->valid_lifetime) < 0 ||
	    row_number(r, LQ_KEA_COL_EXPIRE, (uint64_t)INT64_MAX, &expire) < 0)
		return -1;
	if (expire < b->valid_lifetime)
		return row_reject(r, LQ_KEA_COL_EXPIRE, "earlier than valid_lifetime");
	b->cltt = (int64_t)(expire - b->valid_lifetime);
	b->expire = b->valid_lifetime == INFINITE_LIFETIME ? LQ_TIME_NEVER : (int64_t)expire;
	b->state_since = b->cltt;
	out->op = b->valid_lifetime == 0 ? LQ_CHANGE_DELETE : LQ_CHANGE_UPSERT;
	return 0;
}

/* The columns both families have, after the family's own ones. */
static int row_common(struct row *r, struct lq_binding_change *out, uint32_t *kea_state)
{
	struct lq_binding *b = &out->binding;
	uint32_t pool_id;

	if (row_times(r, out) < 0 ||
	    row_u32(r, LQ_KEA_COL_SUBNET_ID, &b->subnet_id) < 0 ||
	    row_bool(r, LQ_KEA_COL_FQDN_FWD) < 0 ||
	    row_bool(r, LQ_KEA_COL_FQDN_REV) < 0 ||
	    row_hostname(r, b) < 0 ||
	    row_state(r, kea_state, b) < 0 ||
	    row_optional_u32(r, LQ_KEA_COL_POOL_ID, &pool_id) < 0)
		return -1;
	return 0;
}

static int row_v4(struct row *r, struct lq_binding_change *out)
{
	struct lq_binding *b = &out->binding;
	struct lq_kea_csv *p = r->p;
	lq_ip6 addr;
	lq_ip4 a4;
	uint32_t kea_state;

	if (row_address(r, 4, &addr) < 0 ||
	    row_hex(r, LQ_KEA_COL_HWADDR, p->hwaddr, sizeof(p->hwaddr), &b->hwaddr) < 0 ||
	    row_hex(r, LQ_KEA_COL_CLIENT_ID, p->client_id, sizeof(p->client_id), &b->client_id) < 0 ||
	    row_common(r, out, &kea_state) < 0)
		return -1;
	/* Kea refuses a lease it cannot tell the client of, unless declined */
	if (b->hwaddr.data == NULL && b->client_id.data == NULL && kea_state != KEA_STATE_DECLINED)
		return reject(r->why, r->why_cap, "row: no hwaddr and no client_id");
	memcpy(a4.b, addr.b, 4);
	lq_binding_key_v4(&b->key, &a4);
	b->type = LQ_LEASE_V4;
	b->htype = b->hwaddr.data != NULL ? HTYPE_ETHER : 0;
	return 0;
}

static int row_lease_type(struct row *r, struct lq_binding *b, uint8_t *prefix_len)
{
	uint32_t type, len;
	char what[48];

	if (row_u32(r, LQ_KEA_COL_LEASE_TYPE, &type) < 0)
		return -1;
	*prefix_len = 128;
	switch (type) {
	case KEA_TYPE_NA:
		b->type = LQ_LEASE_NA;
		return 0;
	case KEA_TYPE_TA:
		b->type = LQ_LEASE_TA;
		return 0;
	case KEA_TYPE_PD:
		b->type = LQ_LEASE_PD;
		/* Kea reads prefix_len for prefixes only */
		if (row_u32(r, LQ_KEA_COL_PREFIX_LEN, &len) < 0)
			return -1;
		if (len == 0 || len > 128)
			return row_reject(r, LQ_KEA_COL_PREFIX_LEN, "out of range");
		*prefix_len = (uint8_t)len;
		return 0;
	default:
		snprintf(what, sizeof(what), "unknown lease type %u", type);
		return row_reject(r, LQ_KEA_COL_LEASE_TYPE, what);
	}
}

/* The v6 hardware address: Kea logs a bad one and drops it, so do we. */
static void row_hwaddr_v6(struct row *r, struct lq_binding *b)
{
	struct lq_kea_csv *p = r->p;
	struct kea_field f = row_get(r, LQ_KEA_COL_HWADDR);
	struct kea_field type = row_get(r, LQ_KEA_COL_HWTYPE);
	struct kea_field source = row_get(r, LQ_KEA_COL_HWADDR_SOURCE);
	uint64_t htype = HTYPE_ETHER, ignored;
	size_t n;

	if (f.len == 0)
		return;
	if (type.len > 0 && kea_parse_uint(type.s, type.len, UINT8_MAX, &htype) != KEA_NUM_OK) {
		kea_warn(p, "column hwtype: not a hardware type, hwaddr dropped");
		return;
	}
	if (source.len > 0 && kea_parse_uint(source.s, source.len, UINT32_MAX, &ignored) != KEA_NUM_OK) {
		kea_warn(p, "column hwaddr_source: not a number, hwaddr dropped");
		return;
	}
	switch (kea_hex_decode(f.s, f.len, p->hwaddr, sizeof(p->hwaddr), &n)) {
	case KEA_HEX_OK:
		b->hwaddr = (lq_bytes){ p->hwaddr, n };
		b->htype = (uint8_t)htype;
		return;
	case KEA_HEX_TOO_LONG:
		kea_warn(p, "column hwaddr: longer than %zu octets, dropped", sizeof(p->hwaddr));
		return;
	default:
		kea_warn(p, "column hwaddr: not hex, dropped");
		return;
	}
}

static bool is_kea_empty_duid(lq_bytes duid)
{
	return duid.len == 3 && duid.data[0] == 0 && duid.data[1] == 0 && duid.data[2] == 0;
}

static int row_v6(struct row *r, struct lq_binding_change *out)
{
	struct lq_binding *b = &out->binding;
	struct lq_kea_csv *p = r->p;
	lq_ip6 addr;
	uint8_t prefix_len;
	uint32_t kea_state;

	if (row_address(r, 6, &addr) < 0)
		return -1;
	if (row_get(r, LQ_KEA_COL_DUID).len == 0)
		return row_reject(r, LQ_KEA_COL_DUID, "empty");
	if (row_hex(r, LQ_KEA_COL_DUID, p->client_id, sizeof(p->client_id), &b->client_id) < 0 ||
	    row_u32(r, LQ_KEA_COL_PREF_LIFETIME, &b->preferred_lifetime) < 0 ||
	    row_lease_type(r, b, &prefix_len) < 0 ||
	    row_u32(r, LQ_KEA_COL_IAID, &b->iaid) < 0 ||
	    row_common(r, out, &kea_state) < 0)
		return -1;
	if (is_kea_empty_duid(b->client_id)) {
		if (kea_state != KEA_STATE_DECLINED)
			return row_reject(r, LQ_KEA_COL_DUID, "empty DUID on a lease not declined");
		b->client_id = (lq_bytes){ NULL, 0 };
	}
	lq_binding_key_v6(&b->key, &addr, prefix_len);
	row_hwaddr_v6(r, b);
	return 0;
}

int lq_kea_csv_line(struct lq_kea_csv *p, const char *line, size_t len,
		    struct lq_binding_change *out, char *why, size_t why_cap)
{
	struct row r = { .p = p, .why = why, .why_cap = why_cap };

	p->warning[0] = '\0';
	len = strip_line_end(line, len);
	if (is_blank(line, len))
		return 0;
	if (lq_kea_csv_is_header(line, len))
		return lq_kea_csv_header(p, line, len, why, why_cap) < 0 ? -1 : 0;
	if (p->family == 0)
		return reject(why, why_cap, "no header");

	r.n_fields = split_fields(line, len, r.field, p->n_columns);
	if (r.n_fields > p->n_columns)
		return reject(why, why_cap, "row has more than the header's %u columns", p->n_columns);
	if (r.n_fields < p->min_fields)
		return reject(why, why_cap, "row has %u columns, needs at least %u", r.n_fields,
			      p->min_fields);

	memset(out, 0, sizeof(*out));
	if ((p->family == 4 ? row_v4(&r, out) : row_v6(&r, out)) < 0)
		return -1;
	kea_user_context(p, row_get(&r, LQ_KEA_COL_USER_CONTEXT), &out->binding);
	return 1;
}
