/* kea_csv_json.c - the JSON reader of the user_context column (see
 * kea_csv_json.h): one recursive-descent pass that checks the grammar and
 * keeps the values found at the extended-info paths. Every read is bounded
 * by the end of the buffer; strings are decoded in place (a decoded string
 * is never longer than its escaped form). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kea_csv_json.h"

/* How the members or elements of the value being read are treated. */
enum context {
	CTX_ANY,                /* not on an extended-info path */
	CTX_ROOT,
	CTX_ISC,
	CTX_RAI,                /* ISC.relay-agent-info */
	CTX_RELAY_LIST,         /* ISC.relay-info or ISC.relays */
	CTX_RELAY_ENTRY,        /* one element of that list */
};

/* Where a value is kept (value may be NULL: not kept) and its context. */
struct target {
	enum context ctx;
	struct kj_value *value;
	struct kj_relay_list *list;     /* CTX_RELAY_LIST */
	struct kj_relay *relay;         /* CTX_RELAY_ENTRY */
};

struct reader {
	const char *start;
	char *p, *end;
	char *error;
	unsigned depth;
	struct kj_extended_info *out;
};

static int read_value(struct reader *r, const struct target *t);

static int fail(struct reader *r, const char *what)
{
	snprintf(r->error, KJ_ERROR_LEN, "%s at octet %zu", what, (size_t)(r->p - r->start));
	return -1;
}

static void skip_space(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int peek(const struct reader *r)
{
	return r->p < r->end ? (unsigned char)*r->p : -1;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* ---- strings ---- */

/* Octets of the valid UTF-8 sequence (of a code point >= 0x80) at s, or 0. */
static size_t utf8_length(const unsigned char *s, const unsigned char *end)
{
	unsigned c = s[0];
	uint32_t cp;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - s) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static char *put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		*out++ = (char)cp;
	} else if (cp < 0x800) {
		*out++ = (char)(0xc0 | cp >> 6);
		*out++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*out++ = (char)(0xe0 | cp >> 12);
		*out++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*out++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*out++ = (char)(0xf0 | cp >> 18);
		*out++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*out++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*out++ = (char)(0x80 | (cp & 0x3f));
	}
	return out;
}

/* "\uXXXX" at r->p: its 16-bit value, or -1. */
static long read_u_escape(struct reader *r)
{
	long v = 0;

	if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
		return -1;
	for (int i = 2; i < 6; i++) {
		int d = lq_hex_digit((unsigned char)r->p[i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	r->p += 6;
	return v;
}

/* A \u escape (a surrogate pair counts as one) at r->p, as UTF-8 at *out. */
static int read_unicode(struct reader *r, char **out)
{
	long cp = read_u_escape(r);

	if (cp < 0)
		return fail(r, "invalid \\u escape");
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(r, "lone low surrogate");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		long low = read_u_escape(r);
		if (low < 0xdc00 || low > 0xdfff)
			return fail(r, "high surrogate without a low one");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
	}
	if (cp == 0)
		return fail(r, "\\u0000 in a string");
	*out = put_utf8(*out, (uint32_t)cp);
	return 0;
}

/* A backslash escape at r->p, decoded to *out (which is behind r->p). */
static int read_escape(struct reader *r, char **out)
{
	static const char from[] = "\"\\/bfnrt";
	static const char to[] = "\"\\/\b\f\n\r\t";

	if (r->end - r->p < 2)
		return fail(r, "unterminated string");
	if (r->p[1] == 'u')
		return read_unicode(r, out);
	const char *k = r->p[1] != '\0' ? strchr(from, r->p[1]) : NULL;
	if (k == NULL)
		return fail(r, "invalid escape in a string");
	*(*out)++ = to[k - from];
	r->p += 2;
	return 0;
}

static bool is_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* A string whose opening quote is behind r->p: decoded in place. */
static int read_string(struct reader *r, const char **s, size_t *len)
{
	char *start = r->p, *out = r->p;

	for (;;) {
		char *run = r->p;
		while (r->p < r->end && is_plain((unsigned char)*r->p))
			r->p++;
		if (out != run)
			memmove(out, run, (size_t)(r->p - run));
		out += r->p - run;
		int c = peek(r);
		if (c == '"')
			break;
		if (c < 0)
			return fail(r, "unterminated string");
		if (c < 0x20)
			return fail(r, "control character in a string");
		if (c == '\\') {
			if (read_escape(r, &out) < 0)
				return -1;
			continue;
		}
		size_t n = utf8_length((const unsigned char *)r->p, (const unsigned char *)r->end);
		if (n == 0)
			return fail(r, "invalid UTF-8 in a string");
		memmove(out, r->p, n);
		out += n;
		r->p += n;
	}
	r->p++;                 /* the closing quote */
	*s = start;
	*len = (size_t)(out - start);
	return 0;
}

/* ---- numbers and literals ---- */

static int skip_digits(struct reader *r)
{
	if (!is_digit(peek(r)))
		return fail(r, "invalid number");
	while (is_digit(peek(r)))
		r->p++;
	return 0;
}

/* The integer in [s, end) (digits after an optional '-'), if it fits. */
static int integer_value(struct reader *r, const char *s, const char *end, int64_t *out)
{
	bool negative = *s == '-';
	uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t v = 0;

	for (s += negative; s < end; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (limit - d) / 10)
			return fail(r, "integer too big");
		v = v * 10 + d;
	}
	*out = negative ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* A real number too large for a double is refused (as by jansson). strtod
 * is bounded by the octet after the number, which cannot continue it. */
static int check_real(struct reader *r, const char *start)
{
	int c = peek(r);

	if (c != ',' && c != ']' && c != '}' && c != ' ' && c != '\t' && c != '\n' && c != '\r')
		return 0;       /* not JSON anyway: the caller fails on c */
	errno = 0;
	double d = strtod(start, NULL);
	if (errno == ERANGE && isinf(d))
		return fail(r, "real number overflow");
	return 0;
}

static int read_number(struct reader *r, struct kj_value *v)
{
	const char *start = r->p;
	bool real = false;

	if (peek(r) == '-')
		r->p++;
	if (peek(r) == '0')
		r->p++;
	else if (skip_digits(r) < 0)
		return -1;
	const char *int_end = r->p;
	if (peek(r) == '.') {
		r->p++;
		real = true;
		if (skip_digits(r) < 0)
			return -1;
	}
	if (peek(r) == 'e' || peek(r) == 'E') {
		r->p++;
		real = true;
		if (peek(r) == '+' || peek(r) == '-')
			r->p++;
		if (skip_digits(r) < 0)
			return -1;
	}
	v->type = real ? KJ_REAL : KJ_INTEGER;
	return real ? check_real(r, start) : integer_value(r, start, int_end, &v->integer);
}

static int read_literal(struct reader *r, const char *word, uint8_t type, struct kj_value *v)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return fail(r, "invalid literal");
	r->p += n;
	v->type = type;
	return 0;
}

/* ---- objects and arrays on the extended-info paths ---- */

static bool key_is(const char *key, size_t len, const char *name)
{
	return len == strlen(name) && memcmp(key, name, len) == 0;
}

static void clear_list(struct kj_relay_list *list)
{
	list->list = (struct kj_value){ 0 };
	list->kept = 0;
}

/* A later "ISC" replaces the earlier one and all found under it. */
static void clear_isc(struct kj_extended_info *x)
{
	x->rai = (struct kj_value){ 0 };
	x->sub_options = (struct kj_value){ 0 };
	clear_list(&x->relay_info);
	clear_list(&x->relays);
}

static struct target isc_member(struct kj_extended_info *x, const char *key, size_t len)
{
	if (key_is(key, len, "relay-agent-info")) {
		x->sub_options = (struct kj_value){ 0 };
		return (struct target){ CTX_RAI, &x->rai, NULL, NULL };
	}
	if (key_is(key, len, "relay-info")) {
		clear_list(&x->relay_info);
		return (struct target){ CTX_RELAY_LIST, &x->relay_info.list, &x->relay_info, NULL };
	}
	if (key_is(key, len, "relays")) {
		clear_list(&x->relays);
		return (struct target){ CTX_RELAY_LIST, &x->relays.list, &x->relays, NULL };
	}
	return (struct target){ CTX_ANY, NULL, NULL, NULL };
}

static struct kj_value *relay_field(struct kj_relay *relay, const char *key, size_t len)
{
	if (key_is(key, len, "hop"))
		return &relay->hop;
	if (key_is(key, len, "link"))
		return &relay->link;
	if (key_is(key, len, "peer"))
		return &relay->peer;
	if (key_is(key, len, "options"))
		return &relay->options;
	return NULL;
}

/* Where the value of member key of an object read in context t goes. */
static struct target member_target(struct reader *r, const struct target *t, const char *key,
				   size_t len)
{
	struct kj_extended_info *x = r->out;
	struct target m = { CTX_ANY, NULL, NULL, NULL };

	switch (t->ctx) {
	case CTX_ROOT:
		if (key_is(key, len, "ISC")) {
			clear_isc(x);
			m = (struct target){ CTX_ISC, &x->isc, NULL, NULL };
		}
		break;
	case CTX_ISC:
		m = isc_member(x, key, len);
		break;
	case CTX_RAI:
		if (key_is(key, len, "sub-options"))
			m.value = &x->sub_options;
		break;
	case CTX_RELAY_ENTRY:
		m.value = relay_field(t->relay, key, len);
		break;
	default:
		break;
	}
	return m;
}

/* An object whose '{' is behind r->p. */
static int read_object(struct reader *r, const struct target *t)
{
	skip_space(r);
	if (peek(r) == '}') {
		r->p++;
		return 0;
	}
	for (;;) {
		const char *key;
		size_t len;

		skip_space(r);
		if (peek(r) != '"')
			return fail(r, "expected a key");
		r->p++;
		if (read_string(r, &key, &len) < 0)
			return -1;
		skip_space(r);
		if (peek(r) != ':')
			return fail(r, "expected ':'");
		r->p++;
		struct target member = member_target(r, t, key, len);
		if (read_value(r, &member) < 0)
			return -1;
		skip_space(r);
		int c = peek(r);
		if (c != ',' && c != '}')
			return fail(r, "expected ',' or '}'");
		r->p++;
		if (c == '}')
			return 0;
	}
}

/* Where element i of an array read in context t goes. */
static struct target element_target(const struct target *t, size_t i)
{
	if (t->ctx != CTX_RELAY_LIST || i >= LQ_KEA_CSV_MAX_RELAYS)
		return (struct target){ CTX_ANY, NULL, NULL, NULL };
	struct kj_relay *relay = &t->list->relay[i];
	memset(relay, 0, sizeof(*relay));
	t->list->kept = i + 1;
	return (struct target){ CTX_RELAY_ENTRY, &relay->entry, t->list, relay };
}

/* An array whose '[' is behind r->p. */
static int read_array(struct reader *r, const struct target *t, size_t *count)
{
	*count = 0;
	skip_space(r);
	if (peek(r) == ']') {
		r->p++;
		return 0;
	}
	for (;;) {
		struct target element = element_target(t, *count);
		if (read_value(r, &element) < 0)
			return -1;
		(*count)++;
		skip_space(r);
		int c = peek(r);
		if (c != ',' && c != ']')
			return fail(r, "expected ',' or ']'");
		r->p++;
		if (c == ']')
			return 0;
	}
}

static int read_container(struct reader *r, const struct target *t, struct kj_value *v)
{
	int rc;

	if (r->depth >= KJ_MAX_DEPTH)
		return fail(r, "nested too deeply");
	r->depth++;
	v->type = *r->p == '{' ? KJ_OBJECT : KJ_ARRAY;
	r->p++;
	rc = v->type == KJ_OBJECT ? read_object(r, t) : read_array(r, t, &v->count);
	r->depth--;
	return rc;
}

static int read_value(struct reader *r, const struct target *t)
{
	struct kj_value v = { 0 };
	int c, rc;

	skip_space(r);
	c = peek(r);
	if (c == '{' || c == '[') {
		rc = read_container(r, t, &v);
	} else if (c == '"') {
		r->p++;
		v.type = KJ_STRING;
		rc = read_string(r, &v.s, &v.len);
	} else if (c == '-' || is_digit(c)) {
		rc = read_number(r, &v);
	} else if (c == 't') {
		rc = read_literal(r, "true", KJ_TRUE, &v);
	} else if (c == 'f') {
		rc = read_literal(r, "false", KJ_FALSE, &v);
	} else if (c == 'n') {
		rc = read_literal(r, "null", KJ_NULL, &v);
	} else {
		return fail(r, c < 0 ? "unexpected end" : "unexpected character");
	}
	if (rc == 0 && t->value != NULL)
		*t->value = v;
	return rc;
}

int kj_read_extended_info(char *buf, size_t len, struct kj_extended_info *out,
			  char error[KJ_ERROR_LEN])
{
	struct kj_value root = { 0 };
	struct target t = { CTX_ROOT, &root, NULL, NULL };

	out->root_type = KJ_ABSENT;
	out->isc = (struct kj_value){ 0 };
	clear_isc(out);
	error[0] = '\0';
	struct reader r = { buf, buf, buf + len, error, 0, out };
	skip_space(&r);
	if (peek(&r) != '{' && peek(&r) != '[')
		return fail(&r, "not a JSON object or array");
	if (read_value(&r, &t) < 0)
		return -1;
	skip_space(&r);
	if (r.p != r.end)
		return fail(&r, "text after the JSON value");
	out->root_type = root.type;
	return 0;
}
