/* dhcpd_leases.c - the incremental parser of ISC dhcpd's lease files
 * (dhcpd.leases for DHCPv4, dhcpd6.leases for DHCPv6) into binding changes.
 *
 * Two stages. The scanner takes bytes in any chunking and cuts them into
 * top-level declarations: it follows quotes, comments and brace nesting byte
 * by byte, keeps one declaration (at most LQ_DHCPD_LEASES_MAX_BLOCK octets)
 * and hands it over once it ends with a ';' or its closing '}'. A keyword of a
 * declaration in column 0 while another one is still open means the open one
 * was cut short (a crash while writing); it is reported and reading resumes
 * with the new one. The declaration parser then reads the complete text with
 * a small tokenizer, all-or-nothing: a declaration either yields all of its
 * changes or one error with the line of the offending token.
 *
 * The grammar followed is the one dhcpd writes (server/db.c: write_lease,
 * write_ia) and reads back (server/confpars.c); see dhcpd.leases(5).
 * Statements inside a lease that carry nothing for a binding (on ... { },
 * billing, ddns variables, unknown ones) are skipped, not refused. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lq/dhcp4.h"
#include "lq/dhcpd_leases.h"
#include "lq/lqtime.h"

/* ------------------------------------------------------------------------
 * Characters
 * ------------------------------------------------------------------------ */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A character of a keyword as dhcpd's lexer reads it. */
static bool is_name_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '_';
}

static bool is_punct(char c)
{
	return c == '{' || c == '}' || c == ';' || c == '=' || c == ',' || c == '|';
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive comparison of a counted text with a keyword. */
static bool text_is(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word);

	if (len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ascii_lower(text[i]) != word[i])
			return false;
	return true;
}

/* The top-level declarations dhcpd writes into a lease file. */
static const char *const top_level_keywords[] = {
	"lease", "ia-na", "ia-ta", "ia-pd", "server-duid", "authoring-byte-order",
	"failover", "host", "group", "class", "subclass",
};

static bool is_top_level_keyword(const char *text, size_t len)
{
	for (size_t i = 0; i < sizeof(top_level_keywords) / sizeof(top_level_keywords[0]); i++)
		if (text_is(text, len, top_level_keywords[i]))
			return true;
	return false;
}

/* ------------------------------------------------------------------------
 * Reporting
 * ------------------------------------------------------------------------ */

struct sink {
	lq_dhcpd_leases_change_fn *on_change;
	lq_dhcpd_leases_error_fn *on_error;
	void *ctx;
};

static const char *const reason_names[] = {
	[LQ_DHCPD_UNTERMINATED] = "unterminated declaration",
	[LQ_DHCPD_TOO_LARGE] = "declaration too large",
	[LQ_DHCPD_UNKNOWN_DECLARATION] = "unknown declaration",
	[LQ_DHCPD_WRONG_FAMILY] = "declaration of the other address family",
	[LQ_DHCPD_SYNTAX] = "syntax error",
	[LQ_DHCPD_BAD_ADDRESS] = "bad address",
	[LQ_DHCPD_BAD_PREFIX] = "bad prefix",
	[LQ_DHCPD_BAD_DATE] = "bad date",
	[LQ_DHCPD_BAD_STATE] = "bad binding state",
	[LQ_DHCPD_MISSING_STATE] = "missing binding state",
	[LQ_DHCPD_MISSING_ENDS] = "missing ends",
	[LQ_DHCPD_BAD_HARDWARE] = "bad hardware address",
	[LQ_DHCPD_BAD_STRING] = "bad string",
	[LQ_DHCPD_BAD_HEX] = "bad hexadecimal octets",
	[LQ_DHCPD_VALUE_TOO_LONG] = "value too long",
	[LQ_DHCPD_BAD_NUMBER] = "bad number",
	[LQ_DHCPD_BAD_IA_ID] = "bad IAID and DUID",
	[LQ_DHCPD_BAD_BYTE_ORDER] = "bad authoring-byte-order",
	[LQ_DHCPD_STRAY_BRACE] = "stray closing brace",
};

const char *lq_dhcpd_leases_reason_name(uint8_t reason)
{
	if (reason >= sizeof(reason_names) / sizeof(reason_names[0]) || reason_names[reason] == NULL)
		return "unknown reason";
	return reason_names[reason];
}

static void report(struct lq_dhcpd_leases *p, const struct sink *s,
		   const struct lq_dhcpd_leases_error *err)
{
	p->errors++;
	if (s->on_error != NULL)
		s->on_error(s->ctx, err);
}

__attribute__((format(printf, 6, 7)))
static void report_scan_error(struct lq_dhcpd_leases *p, const struct sink *s, uint8_t reason,
			      unsigned long line, unsigned long block_line, const char *fmt, ...)
{
	struct lq_dhcpd_leases_error err = { .reason = reason, .line = line, .block_line = block_line };
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err.message, sizeof(err.message), fmt, ap);
	va_end(ap);
	report(p, s, &err);
}

/* ------------------------------------------------------------------------
 * Tokens of one declaration
 * ------------------------------------------------------------------------ */

enum tok_kind {
	TOK_END,        /* end of the declaration */
	TOK_WORD,       /* keyword, number, address, date part, colon-hex */
	TOK_STRING,     /* a quoted string; text is the raw content between the quotes */
	TOK_PUNCT,      /* one of { } ; = , | */
};

struct token {
	enum tok_kind kind;
	const char *text;
	size_t len;
	unsigned long line;
};

/* The declaration being parsed: its text, where the tokenizer is, and the
 * first error found (later ones are consequences). */
struct decl {
	struct lq_dhcpd_leases *p;
	const struct sink *sink;
	const char *buf;
	size_t len;
	size_t pos;
	unsigned long line;
	bool failed;
	struct lq_dhcpd_leases_error err;
};

/* Render a token for a message: printable ASCII only, cut at 40 characters. */
static void token_excerpt(const struct token *t, char *out, size_t cap)
{
	size_t n = 0;

	if (t->kind == TOK_END) {
		(void)snprintf(out, cap, "end of declaration");
		return;
	}
	for (size_t i = 0; i < t->len && n + 4 < cap && i < 40; i++) {
		char c = t->text[i];
		out[n++] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	if (t->len > 40 && n + 4 < cap) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

/* Record an error at token t (NULL: at the current line); always returns false. */
__attribute__((format(printf, 4, 5)))
static bool fail(struct decl *d, uint8_t reason, const struct token *t, const char *fmt, ...)
{
	char what[96];
	char excerpt[48];
	va_list ap;

	if (d->failed)
		return false;
	d->failed = true;
	d->err.reason = reason;
	d->err.line = t != NULL ? t->line : d->line;
	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (t == NULL) {
		(void)snprintf(d->err.message, sizeof(d->err.message), "%s", what);
		return false;
	}
	token_excerpt(t, excerpt, sizeof(excerpt));
	(void)snprintf(d->err.message, sizeof(d->err.message), "%s: '%s'", what, excerpt);
	return false;
}

static void report_change(struct decl *d, const struct lq_binding_change *change)
{
	d->p->changes++;
	if (d->sink->on_change != NULL)
		d->sink->on_change(d->sink->ctx, change);
}

static void skip_blanks(struct decl *d)
{
	while (d->pos < d->len && is_space(d->buf[d->pos])) {
		if (d->buf[d->pos] == '\n')
			d->line++;
		d->pos++;
	}
}

/* A quoted string ends at an unescaped quote; a newline inside one means the
 * closing quote is missing (dhcpd escapes every control character). */
static bool read_string_token(struct decl *d, struct token *t)
{
	size_t start = ++d->pos;

	while (d->pos < d->len) {
		char c = d->buf[d->pos];

		if (c == '"') {
			t->kind = TOK_STRING;
			t->text = d->buf + start;
			t->len = d->pos - start;
			d->pos++;
			return true;
		}
		if (c == '\n')
			break;
		if (c == '\\' && d->pos + 1 < d->len && d->buf[d->pos + 1] != '\n')
			d->pos++;
		d->pos++;
	}
	t->kind = TOK_STRING;
	t->text = d->buf + start - 1;
	t->len = d->pos - start + 1;
	return fail(d, LQ_DHCPD_BAD_STRING, t, "string without closing quote");
}

/* The next token; false (with the error recorded) on a broken string. */
static bool next_token(struct decl *d, struct token *t)
{
	skip_blanks(d);
	t->line = d->line;
	t->text = d->buf + d->pos;
	t->len = 0;
	if (d->pos >= d->len) {
		t->kind = TOK_END;
		return true;
	}
	char c = d->buf[d->pos];
	if (c == '"')
		return read_string_token(d, t);
	if (is_punct(c)) {
		t->kind = TOK_PUNCT;
		t->len = 1;
		d->pos++;
		return true;
	}
	t->kind = TOK_WORD;
	while (d->pos < d->len && !is_space(d->buf[d->pos]) && !is_punct(d->buf[d->pos]) &&
	       d->buf[d->pos] != '"')
		d->pos++;
	t->len = (size_t)(d->buf + d->pos - t->text);
	return true;
}

/* Look at the next token without taking it. */
static bool peek_token(struct decl *d, struct token *t)
{
	size_t pos = d->pos;
	unsigned long line = d->line;
	bool ok = next_token(d, t);

	d->pos = pos;
	d->line = line;
	return ok;
}

static bool is_punct_token(const struct token *t, char c)
{
	return t->kind == TOK_PUNCT && t->text[0] == c;
}

static bool is_word(const struct token *t, const char *word)
{
	return t->kind == TOK_WORD && text_is(t->text, t->len, word);
}

static bool expect_punct(struct decl *d, char c, const char *after)
{
	struct token t;

	if (!next_token(d, &t))
		return false;
	if (!is_punct_token(&t, c))
		return fail(d, LQ_DHCPD_SYNTAX, &t, "expected '%c' after %s", c, after);
	return true;
}

static bool expect_word(struct decl *d, const char *word, const char *after)
{
	struct token t;

	if (!next_token(d, &t))
		return false;
	if (!is_word(&t, word))
		return fail(d, LQ_DHCPD_SYNTAX, &t, "expected '%s' after %s", word, after);
	return true;
}

/* Skip a statement the binding does not need: up to its ';' or, for a
 * statement with a body (on commit { ... }), past the body's '}'. */
static bool skip_statement(struct decl *d, const struct token *first)
{
	unsigned depth = 0;
	struct token t;

	for (;;) {
		if (!next_token(d, &t))
			return false;
		if (t.kind == TOK_END)
			return fail(d, LQ_DHCPD_SYNTAX, first, "statement without ';'");
		if (t.kind != TOK_PUNCT)
			continue;
		if (t.text[0] == '{') {
			depth++;
		} else if (t.text[0] == '}') {
			if (depth == 0)
				return fail(d, LQ_DHCPD_SYNTAX, first, "statement without ';'");
			if (--depth == 0)
				return true;
		} else if (t.text[0] == ';' && depth == 0) {
			return true;
		}
	}
}

/* ------------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------------ */

/* A decimal number of at most max. */
static bool parse_decimal(const char *text, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(text[i]))
			return false;
		uint64_t digit = (uint64_t)(text[i] - '0');
		if (digit > max || v > (max - digit) / 10)
			return false;
		v = v * 10 + digit;
	}
	*out = v;
	return true;
}

/* Colon-separated hexadecimal octets of one or two digits ("1:0:a0:ff"). */
static bool parse_colon_hex(struct decl *d, const struct token *t, uint8_t *out, size_t cap,
			    size_t *out_len, const char *what)
{
	size_t n = 0;
	size_t i = 0;

	if (t->len == 0)
		return fail(d, LQ_DHCPD_BAD_HEX, t, "%s", what);
	while (i < t->len) {
		int hi = lq_hex_digit(t->text[i]);
		if (hi < 0)
			return fail(d, LQ_DHCPD_BAD_HEX, t, "%s", what);
		int v = hi;
		i++;
		if (i < t->len && t->text[i] != ':') {
			int lo = lq_hex_digit(t->text[i]);
			if (lo < 0)
				return fail(d, LQ_DHCPD_BAD_HEX, t, "%s", what);
			v = hi * 16 + lo;
			i++;
		}
		if (n == cap)
			return fail(d, LQ_DHCPD_VALUE_TOO_LONG, t, "%s longer than %zu octets", what, cap);
		out[n++] = (uint8_t)v;
		if (i == t->len)
			break;
		if (t->text[i] != ':' || i + 1 == t->len)
			return fail(d, LQ_DHCPD_BAD_HEX, t, "%s", what);
		i++;
	}
	*out_len = n;
	return true;
}

/* One escape of a quoted string, after its backslash: \t \r \n \b, octal
 * \NNN (1 to 3 digits, first 0-3), hex \xHH, or the character itself.
 * Advances *i past it. */
static bool decode_escape(const char *text, size_t len, size_t *i, uint8_t *out)
{
	char c = text[*i];
	unsigned v = 0;
	size_t n = 0;

	(*i)++;
	switch (c) {
	case 't': *out = '\t'; return true;
	case 'r': *out = '\r'; return true;
	case 'n': *out = '\n'; return true;
	case 'b': *out = '\b'; return true;
	case 'x':
		while (n < 2 && *i < len && lq_hex_digit(text[*i]) >= 0) {
			v = v * 16 + (unsigned)lq_hex_digit(text[*i]);
			(*i)++;
			n++;
		}
		*out = (uint8_t)v;
		return n > 0;
	default:
		break;
	}
	if (c < '0' || c > '3') {
		*out = (uint8_t)c;
		return true;
	}
	v = (unsigned)(c - '0');
	while (n < 2 && *i < len && text[*i] >= '0' && text[*i] <= '7') {
		v = v * 8 + (unsigned)(text[*i] - '0');
		(*i)++;
		n++;
	}
	*out = (uint8_t)v;
	return true;
}

static bool decode_string(struct decl *d, const struct token *t, uint8_t *out, size_t cap,
			  size_t *out_len, const char *what)
{
	size_t n = 0;
	size_t i = 0;

	while (i < t->len) {
		uint8_t b;

		if (t->text[i] == '\\') {
			i++;
			if (i == t->len || !decode_escape(t->text, t->len, &i, &b))
				return fail(d, LQ_DHCPD_BAD_STRING, t, "bad escape in %s", what);
		} else {
			b = (uint8_t)t->text[i++];
		}
		if (n == cap)
			return fail(d, LQ_DHCPD_VALUE_TOO_LONG, t, "%s longer than %zu octets", what, cap);
		out[n++] = b;
	}
	*out_len = n;
	return true;
}

/* An identifier-like value: a quoted string or colon-separated hex octets. */
static bool parse_octets(struct decl *d, const struct token *t, uint8_t *out, size_t cap,
			 lq_bytes *value, const char *what)
{
	size_t n = 0;

	if (t->kind == TOK_STRING) {
		if (!decode_string(d, t, out, cap, &n, what))
			return false;
	} else if (t->kind == TOK_WORD) {
		if (!parse_colon_hex(d, t, out, cap, &n, what))
			return false;
	} else {
		return fail(d, LQ_DHCPD_SYNTAX, t, "expected a string or hex octets for %s", what);
	}
	value->data = out;
	value->len = n;
	return true;
}

/* Copy a word into a C string for inet_pton; false when it does not fit or
 * holds a NUL. */
static bool word_to_cstr(const struct token *t, char *out, size_t cap)
{
	if (t->kind != TOK_WORD || t->len >= cap || memchr(t->text, '\0', t->len) != NULL)
		return false;
	memcpy(out, t->text, t->len);
	out[t->len] = '\0';
	return true;
}

/* ------------------------------------------------------------------------
 * Dates: "W YYYY/MM/DD HH:MM:SS;" (UTC, weekday ignored), "epoch N;" or "never;"
 * ------------------------------------------------------------------------ */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static unsigned days_in_month(uint64_t y, uint64_t m)
{
	static const unsigned days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Three numbers separated by sep ("2026/11/19", "10:00:00"). */
static bool split_three(const struct token *t, char sep, uint64_t max_first, uint64_t v[3])
{
	size_t start = 0;
	int part = 0;

	if (t->kind != TOK_WORD)
		return false;
	for (size_t i = 0; i <= t->len; i++) {
		if (i < t->len && t->text[i] != sep)
			continue;
		if (part == 3 || !parse_decimal(t->text + start, i - start,
						part == 0 ? max_first : 99, &v[part]))
			return false;
		part++;
		start = i + 1;
	}
	return part == 3;
}

#define MAX_EPOCH 253402300799ull      /* 9999-12-31T23:59:59Z */

static bool parse_calendar_date(struct decl *d, const struct token *wday, const char *keyword,
				int64_t *out)
{
	struct token date, time_of_day, next;
	uint64_t ymd[3], hms[3], weekday;

	if (!parse_decimal(wday->text, wday->len, 6, &weekday))
		return fail(d, LQ_DHCPD_BAD_DATE, wday, "bad weekday after '%s'", keyword);
	if (!next_token(d, &date) || !next_token(d, &time_of_day))
		return false;
	if (!split_three(&date, '/', 9999, ymd) || ymd[0] < 1970 || ymd[1] < 1 || ymd[1] > 12 ||
	    ymd[2] < 1 || ymd[2] > days_in_month(ymd[0], ymd[1]))
		return fail(d, LQ_DHCPD_BAD_DATE, &date, "bad date after '%s'", keyword);
	if (!split_three(&time_of_day, ':', 23, hms) || hms[1] > 59 || hms[2] > 60)
		return fail(d, LQ_DHCPD_BAD_DATE, &time_of_day, "bad time of day after '%s'", keyword);
	int64_t t = days_from_civil((int64_t)ymd[0], (unsigned)ymd[1], (unsigned)ymd[2]) * 86400 +
		    (int64_t)(hms[0] * 3600 + hms[1] * 60 + hms[2]);
	/* dhcpd's reader accepts a zone offset in seconds after the time. */
	if (!peek_token(d, &next))
		return false;
	if (next.kind == TOK_WORD) {
		size_t sign = next.len > 0 && next.text[0] == '-' ? 1 : 0;
		uint64_t offset;
		(void)next_token(d, &next);
		if (!parse_decimal(next.text + sign, next.len - sign, 86400, &offset))
			return fail(d, LQ_DHCPD_BAD_DATE, &next, "bad zone offset after '%s'", keyword);
		t += sign ? -(int64_t)offset : (int64_t)offset;
	}
	*out = t;
	return true;
}

/* A date statement's value and its ';'. */
static bool parse_date(struct decl *d, const char *keyword, int64_t *out)
{
	struct token t;

	if (!next_token(d, &t))
		return false;
	if (is_word(&t, "never")) {
		*out = LQ_TIME_NEVER;
	} else if (is_word(&t, "epoch")) {
		uint64_t v;
		if (!next_token(d, &t))
			return false;
		if (t.kind != TOK_WORD || !parse_decimal(t.text, t.len, MAX_EPOCH, &v))
			return fail(d, LQ_DHCPD_BAD_DATE, &t, "bad epoch seconds after '%s'", keyword);
		*out = (int64_t)v;
	} else if (t.kind == TOK_WORD) {
		if (!parse_calendar_date(d, &t, keyword, out))
			return false;
	} else {
		return fail(d, LQ_DHCPD_BAD_DATE, &t, "expected a date after '%s'", keyword);
	}
	return expect_punct(d, ';', "a date");
}

/* ------------------------------------------------------------------------
 * Binding states
 * ------------------------------------------------------------------------ */

struct state_name {
	const char *name;
	uint8_t state;
	bool v6;        /* dhcpd accepts it in an iaaddr / iaprefix */
};

static const struct state_name state_names[] = {
	{ "free", LQ_STATE_AVAILABLE, true },
	{ "active", LQ_STATE_ACTIVE, true },
	{ "expired", LQ_STATE_EXPIRED, true },
	{ "released", LQ_STATE_RELEASED, true },
	{ "abandoned", LQ_STATE_ABANDONED, true },
	{ "reset", LQ_STATE_RESET, false },
	{ "backup", LQ_STATE_REMOTE, false },
	{ "bootp", LQ_STATE_ACTIVE, false },     /* older files: an active BOOTP lease */
	{ "reserved", LQ_STATE_ACTIVE, false },  /* older files: an active reserved lease */
};

/* "state NAME ;" after "binding". */
static bool parse_binding_state(struct decl *d, bool v6, uint8_t *state)
{
	struct token t;

	if (!expect_word(d, "state", "'binding'") || !next_token(d, &t))
		return false;
	for (size_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++) {
		if (is_word(&t, state_names[i].name) && (state_names[i].v6 || !v6)) {
			*state = state_names[i].state;
			return expect_punct(d, ';', "the binding state");
		}
	}
	return fail(d, LQ_DHCPD_BAD_STATE, &t, "unknown binding state");
}

/* State since when, as far as the file tells (see dhcpd_leases.h). */
static int64_t state_since(uint8_t state, int64_t active_since, bool has_ends, int64_t ends,
			   int64_t cltt)
{
	if (state == LQ_STATE_ACTIVE)
		return active_since;
	if (has_ends && ends != LQ_TIME_NEVER)
		return ends;
	return cltt;
}

/* ------------------------------------------------------------------------
 * DHCPv4: lease ADDRESS { ... }
 * ------------------------------------------------------------------------ */

struct lease4 {
	struct lq_binding b;
	bool has_state, has_starts, has_ends;
	int64_t starts, ends;
	size_t agent_len;       /* option 82 rebuilt in values.relay_info */
};

typedef bool lease4_statement_fn(struct decl *d, struct lease4 *l, const struct token *kw);

static bool lease4_time(struct decl *d, struct lease4 *l, const struct token *kw)
{
	char keyword[24];
	int64_t t = 0;

	token_excerpt(kw, keyword, sizeof(keyword));
	if (!parse_date(d, keyword, &t))
		return false;
	if (is_word(kw, "starts")) {
		l->has_starts = true;
		l->starts = t;
	} else if (is_word(kw, "ends")) {
		l->has_ends = true;
		l->ends = t;
	} else if (is_word(kw, "cltt")) {
		l->b.cltt = t;
	}
	return true;       /* tstp, tsfp, atsfp: failover bookkeeping */
}

static bool lease4_binding(struct decl *d, struct lease4 *l, const struct token *kw)
{
	(void)kw;
	l->has_state = true;
	return parse_binding_state(d, false, &l->b.state);
}

/* "next binding state" and "rewind binding state": checked, not kept. */
static bool lease4_other_state(struct decl *d, struct lease4 *l, const struct token *kw)
{
	uint8_t ignored;

	(void)l;
	(void)kw;
	return expect_word(d, "binding", "'next' or 'rewind'") &&
	       parse_binding_state(d, false, &ignored);
}

static bool lease4_abandoned(struct decl *d, struct lease4 *l, const struct token *kw)
{
	(void)kw;
	l->has_state = true;
	l->b.state = LQ_STATE_ABANDONED;
	return expect_punct(d, ';', "'abandoned'");
}

static bool hardware_type(const struct token *t, uint8_t *htype)
{
	static const struct { const char *name; uint8_t type; } types[] = {
		{ "ethernet", 1 }, { "token-ring", 6 }, { "fddi", 8 }, { "infiniband", 32 },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (is_word(t, types[i].name)) {
			*htype = types[i].type;
			return true;
		}
	}
	/* dhcpd names types without a name "unknown-N" */
	if (t->kind == TOK_WORD && t->len > 8 && text_is(t->text, 8, "unknown-") &&
	    parse_decimal(t->text + 8, t->len - 8, 255, &v)) {
		*htype = (uint8_t)v;
		return true;
	}
	return false;
}

static bool lease4_hardware(struct decl *d, struct lease4 *l, const struct token *kw)
{
	struct token type, addr;
	size_t n = 0;

	(void)kw;
	if (!next_token(d, &type) || !next_token(d, &addr))
		return false;
	if (!hardware_type(&type, &l->b.htype))
		return fail(d, LQ_DHCPD_BAD_HARDWARE, &type, "unknown hardware type");
	if (addr.kind != TOK_WORD)
		return fail(d, LQ_DHCPD_BAD_HARDWARE, &addr, "expected a hardware address");
	if (!parse_colon_hex(d, &addr, d->p->values.hwaddr, sizeof(d->p->values.hwaddr), &n,
			     "hardware address"))
		return false;
	l->b.hwaddr.data = d->p->values.hwaddr;
	l->b.hwaddr.len = n;
	return expect_punct(d, ';', "the hardware address");
}

static bool lease4_uid(struct decl *d, struct lease4 *l, const struct token *kw)
{
	struct token t;

	(void)kw;
	return next_token(d, &t) &&
	       parse_octets(d, &t, d->p->values.client_id, sizeof(d->p->values.client_id),
			    &l->b.client_id, "uid") &&
	       expect_punct(d, ';', "the uid");
}

static bool lease4_client_hostname(struct decl *d, struct lease4 *l, const struct token *kw)
{
	struct token t;
	size_t n = 0;

	(void)kw;
	if (!next_token(d, &t))
		return false;
	if (t.kind == TOK_STRING) {
		if (!decode_string(d, &t, d->p->values.hostname, sizeof(d->p->values.hostname), &n,
				   "client-hostname"))
			return false;
	} else if (t.kind == TOK_WORD) {          /* dhcpd also reads a bare host name */
		if (t.len > sizeof(d->p->values.hostname))
			return fail(d, LQ_DHCPD_VALUE_TOO_LONG, &t, "client-hostname longer than %zu octets",
				    sizeof(d->p->values.hostname));
		n = t.len;
		memcpy(d->p->values.hostname, t.text, n);
	} else {
		return fail(d, LQ_DHCPD_SYNTAX, &t, "expected a host name after 'client-hostname'");
	}
	l->b.hostname.data = d->p->values.hostname;
	l->b.hostname.len = n;
	return expect_punct(d, ';', "the client-hostname");
}

/* "set NAME = VALUE;": only vendor-class-identifier matters to a binding. */
static bool lease4_set(struct decl *d, struct lease4 *l, const struct token *kw)
{
	struct token name, value;

	if (!next_token(d, &name))
		return false;
	if (name.kind != TOK_WORD)
		return fail(d, LQ_DHCPD_SYNTAX, &name, "expected a variable name after 'set'");
	if (!is_word(&name, "vendor-class-identifier"))
		return skip_statement(d, kw);
	if (!expect_punct(d, '=', "the variable name") || !next_token(d, &value))
		return false;
	return parse_octets(d, &value, d->p->values.vendor_class, sizeof(d->p->values.vendor_class),
			    &l->b.vendor_class, "vendor-class-identifier") &&
	       expect_punct(d, ';', "the vendor-class-identifier");
}

/* The code of an agent sub-option by the name dhcpd writes it under
 * ("circuit-id", "unknown-9", ...); -1 when it is not one. */
static int agent_suboption_code(const char *name, size_t len)
{
	static const struct { const char *name; int code; } names[] = {
		{"circuit-id", 1}, {"remote-id", 2}, {"agent-id", 3}, {"docsis-device-class", 4},
		{"link-selection", 5}, {"relay-port", 19},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (text_is(name, len, names[i].name))
			return names[i].code;
	if (len > 8 && len <= 11 && text_is(name, 8, "unknown-")) {
		int code = 0;
		for (size_t i = 8; i < len; i++) {
			if (name[i] < '0' || name[i] > '9')
				return -1;
			code = code * 10 + (name[i] - '0');
		}
		return code > 0 && code < 255 ? code : -1;
	}
	return -1;
}

/* Put sub-option code into the option 82 being rebuilt, in the order the
 * file gives them (the order the relay sent them); a later statement for
 * the same code replaces the value in place. */
static bool agent_put(struct decl *d, struct lease4 *l, const struct token *at, int code,
		      const uint8_t *value, size_t len)
{
	uint8_t *rai = d->p->values.relay_info;
	size_t cap = sizeof(d->p->values.relay_info);

	size_t at_offset = l->agent_len, old = 0;

	for (size_t i = 0; i + 2 <= l->agent_len; i += 2 + rai[i + 1]) {
		if (rai[i] == code) {
			at_offset = i;
			old = 2 + (size_t)rai[i + 1];
			break;
		}
	}
	if (l->agent_len - old + 2 + len > cap)
		return fail(d, LQ_DHCPD_VALUE_TOO_LONG, at, "agent options do not fit option 82");
	memmove(rai + at_offset + 2 + len, rai + at_offset + old, l->agent_len - at_offset - old);
	rai[at_offset] = (uint8_t)code;
	rai[at_offset + 1] = (uint8_t)len;
	if (len > 0)
		memcpy(rai + at_offset + 2, value, len);
	l->agent_len = l->agent_len - old + 2 + len;
	return true;
}

/* One "option agent.NAME VALUE": an address (link-selection), a number
 * (DOCSIS-device-class), nothing (relay-port) or octets (the others).
 * Returns false with d->failed unset for a name that is no sub-option. */
static bool agent_suboption(struct decl *d, struct lease4 *l, const struct token *name,
			    const struct token *value)
{
	uint8_t octets[LQ_BINDING_MAX_SMALL];
	lq_bytes v = {octets, 0};
	int code = agent_suboption_code(name->text + 6, name->len - 6);   /* after "agent." */

	if (code < 0)
		return false;
	if (code == 5) {
		char text[INET_ADDRSTRLEN];
		if (!word_to_cstr(value, text, sizeof(text)) || inet_pton(AF_INET, text, octets) != 1)
			return fail(d, LQ_DHCPD_BAD_ADDRESS, value, "bad agent.link-selection");
		v.len = 4;
	} else if (code == 4 && value->kind == TOK_WORD && value->len > 0 && value->text[0] >= '0' &&
		   value->text[0] <= '9' && memchr(value->text, ':', value->len) == NULL) {
		uint64_t n = 0;
		for (size_t i = 0; i < value->len; i++) {
			if (value->text[i] < '0' || value->text[i] > '9' || (n = n * 10 + (uint64_t)(value->text[i] - '0')) >
			    UINT32_MAX)
				return fail(d, LQ_DHCPD_SYNTAX, value, "bad agent.DOCSIS-device-class");
		}
		for (int i = 0; i < 4; i++)
			octets[i] = (uint8_t)(n >> (24 - 8 * i));
		v.len = 4;
	} else if (!parse_octets(d, value, octets, sizeof(octets), &v, "an agent sub-option")) {
		return false;
	}
	return agent_put(d, l, value, code, v.data, v.len);
}

/* "option agent.NAME VALUE;" (also written "supersede"): the relay agent
 * information dhcpd stashed, rebuilt as received. Other options are skipped. */
static bool lease4_option(struct decl *d, struct lease4 *l, const struct token *kw)
{
	struct token name, value;

	if (!next_token(d, &name))
		return false;
	if (name.kind != TOK_WORD)
		return fail(d, LQ_DHCPD_SYNTAX, &name, "expected an option name after '%.*s'",
			    (int)kw->len, kw->text);
	if (name.len <= 6 || !text_is(name.text, 6, "agent."))
		return skip_statement(d, kw);
	if (!next_token(d, &value))
		return false;
	if (value.kind == TOK_PUNCT && !is_punct_token(&value, ';'))
		return fail(d, LQ_DHCPD_SYNTAX, &value, "expected the value of %.*s",
			    (int)name.len, name.text);
	if (is_punct_token(&value, ';')) {      /* a sub-option without a value (relay-port) */
		int code = agent_suboption_code(name.text + 6, name.len - 6);
		return code < 0 || agent_put(d, l, &value, code, NULL, 0);
	}
	if (!agent_suboption(d, l, &name, &value)) {
		if (d->failed)
			return false;
		return skip_statement(d, kw);
	}
	return expect_punct(d, ';', "the agent option");
}

static const struct {
	const char *keyword;
	lease4_statement_fn *parse;
} lease4_statements[] = {
	{ "starts", lease4_time }, { "ends", lease4_time }, { "cltt", lease4_time },
	{ "tstp", lease4_time }, { "tsfp", lease4_time }, { "atsfp", lease4_time },
	{ "binding", lease4_binding }, { "next", lease4_other_state },
	{ "rewind", lease4_other_state }, { "abandoned", lease4_abandoned },
	{ "hardware", lease4_hardware }, { "uid", lease4_uid },
	{ "client-hostname", lease4_client_hostname }, { "set", lease4_set },
	{ "option", lease4_option }, { "supersede", lease4_option },
};

static bool lease4_statement(struct decl *d, struct lease4 *l, const struct token *kw)
{
	for (size_t i = 0; i < sizeof(lease4_statements) / sizeof(lease4_statements[0]); i++)
		if (is_word(kw, lease4_statements[i].keyword))
			return lease4_statements[i].parse(d, l, kw);
	return skip_statement(d, kw);   /* on ..., billing, reserved, dynamic-bootp, ddns */
}

static uint32_t lifetime(bool has_starts, int64_t starts, bool has_ends, int64_t ends)
{
	if (!has_ends)
		return 0;
	if (ends == LQ_TIME_NEVER)
		return LQ_INFINITE_LIFETIME;
	if (!has_starts || ends < starts)
		return 0;
	return ends - starts >= (int64_t)LQ_INFINITE_LIFETIME ? LQ_INFINITE_LIFETIME - 1
							      : (uint32_t)(ends - starts);
}

static bool lease4_finish(struct decl *d, struct lease4 *l, const struct token *close)
{
	struct lq_binding *b = &l->b;

	if (!l->has_state)
		return fail(d, LQ_DHCPD_MISSING_STATE, close, "lease without 'binding state'");
	b->type = LQ_LEASE_V4;
	b->expire = l->has_ends ? l->ends : 0;
	b->valid_lifetime = lifetime(l->has_starts, l->starts, l->has_ends, l->ends);
	b->state_since = state_since(b->state, l->has_starts ? l->starts : b->cltt,
				     l->has_ends, l->ends, b->cltt);
	if (b->hwaddr.data == NULL)
		b->htype = 0;
	if (l->agent_len == 0)
		return true;
	b->relay_info.data = d->p->values.relay_info;
	b->relay_info.len = l->agent_len;
	(void)lq_binding_fill_relay_ids(b);
	return true;
}

static bool parse_lease4(struct decl *d)
{
	struct lease4 l;
	struct token addr, t;
	char text[INET_ADDRSTRLEN];
	lq_ip4 ip;

	memset(&l, 0, sizeof(l));
	if (!next_token(d, &addr))
		return false;
	if (!word_to_cstr(&addr, text, sizeof(text)) || inet_pton(AF_INET, text, ip.b) != 1)
		return fail(d, LQ_DHCPD_BAD_ADDRESS, &addr, "bad IPv4 address after 'lease'");
	lq_binding_key_v4(&l.b.key, &ip);
	if (!expect_punct(d, '{', "the lease address"))
		return false;
	for (;;) {
		if (!next_token(d, &t))
			return false;
		if (is_punct_token(&t, '}'))
			break;
		if (is_punct_token(&t, ';'))
			continue;
		if (t.kind != TOK_WORD)
			return fail(d, LQ_DHCPD_SYNTAX, &t, "expected a lease statement");
		if (!lease4_statement(d, &l, &t))
			return false;
	}
	if (!lease4_finish(d, &l, &t))
		return false;

	struct lq_binding_change change = { .op = LQ_CHANGE_UPSERT, .binding = l.b };
	report_change(d, &change);
	return true;
}

/* ------------------------------------------------------------------------
 * DHCPv6: ia-na / ia-ta / ia-pd IAID_DUID { cltt ...; iaaddr A { ... } ... }
 * ------------------------------------------------------------------------ */

struct ia6 {
	uint8_t type;           /* enum lq_lease_type */
	uint32_t iaid;
	lq_bytes duid;
	bool has_cltt;
	int64_t cltt;
	bool emit;              /* second pass: report the bindings */
};

struct iasub6 {
	lq_ip6 addr;
	uint8_t prefix_len;
	bool has_state, has_ends;
	uint8_t state;
	int64_t ends;
	uint32_t preferred, valid;
};

/* The IAID and DUID: 4 octets of IAID in the file's byte order, then the DUID. */
static bool parse_ia_id(struct decl *d, struct ia6 *ia)
{
	uint8_t id[4 + LQ_BINDING_MAX_CLIENT_ID];
	struct token t;
	lq_bytes v;

	if (!next_token(d, &t) || !parse_octets(d, &t, id, sizeof(id), &v, "IAID and DUID"))
		return false;
	if (v.len < 6)
		return fail(d, LQ_DHCPD_BAD_IA_ID, &t, "IAID and DUID shorter than 6 octets");
	if (d->p->big_endian)
		ia->iaid = (uint32_t)id[0] << 24 | (uint32_t)id[1] << 16 | (uint32_t)id[2] << 8 | id[3];
	else
		ia->iaid = (uint32_t)id[3] << 24 | (uint32_t)id[2] << 16 | (uint32_t)id[1] << 8 | id[0];
	memcpy(d->p->values.client_id, id + 4, v.len - 4);
	ia->duid.data = d->p->values.client_id;
	ia->duid.len = v.len - 4;
	return true;
}

static bool parse_iasub_address(struct decl *d, struct iasub6 *s, bool prefix)
{
	char text[INET6_ADDRSTRLEN + 4];
	struct token t;
	uint64_t len = 128;

	if (!next_token(d, &t))
		return false;
	if (!word_to_cstr(&t, text, sizeof(text)))
		return fail(d, prefix ? LQ_DHCPD_BAD_PREFIX : LQ_DHCPD_BAD_ADDRESS, &t,
			    prefix ? "bad IPv6 prefix" : "bad IPv6 address");
	if (prefix) {
		char *slash = strchr(text, '/');
		if (slash == NULL || !parse_decimal(slash + 1, strlen(slash + 1), 128, &len))
			return fail(d, LQ_DHCPD_BAD_PREFIX, &t, "bad IPv6 prefix");
		*slash = '\0';
	}
	if (inet_pton(AF_INET6, text, s->addr.b) != 1)
		return fail(d, prefix ? LQ_DHCPD_BAD_PREFIX : LQ_DHCPD_BAD_ADDRESS, &t,
			    prefix ? "bad IPv6 prefix" : "bad IPv6 address");
	s->prefix_len = (uint8_t)len;
	return true;
}

/* "preferred-life N;" or "max-life N;" (dhcpd tolerates a missing ';'). */
static bool parse_life(struct decl *d, const struct token *kw, uint32_t *out)
{
	struct token t;
	uint64_t v;

	if (!next_token(d, &t))
		return false;
	if (t.kind != TOK_WORD || !parse_decimal(t.text, t.len, UINT32_MAX, &v))
		return fail(d, LQ_DHCPD_BAD_NUMBER, &t, "bad lifetime after '%.*s'", (int)kw->len, kw->text);
	*out = (uint32_t)v;
	if (!peek_token(d, &t))
		return false;
	if (is_punct_token(&t, ';'))
		(void)next_token(d, &t);
	return true;
}

static bool iasub_statement(struct decl *d, struct iasub6 *s, const struct token *kw)
{
	if (is_word(kw, "binding")) {
		s->has_state = true;
		return parse_binding_state(d, true, &s->state);
	}
	if (is_word(kw, "preferred-life"))
		return parse_life(d, kw, &s->preferred);
	if (is_word(kw, "max-life"))
		return parse_life(d, kw, &s->valid);
	if (is_word(kw, "ends")) {
		s->has_ends = true;
		return parse_date(d, "ends", &s->ends);
	}
	return skip_statement(d, kw);   /* set ..., on ... { } */
}

static void emit_iasub(struct decl *d, const struct ia6 *ia, const struct iasub6 *s)
{
	struct lq_binding_change change;
	struct lq_binding *b = &change.binding;

	memset(&change, 0, sizeof(change));
	change.op = LQ_CHANGE_UPSERT;
	lq_binding_key_v6(&b->key, &s->addr, s->prefix_len);
	b->type = ia->type;
	b->state = s->state;
	b->client_id = ia->duid;
	b->iaid = ia->iaid;
	b->cltt = ia->has_cltt ? ia->cltt : 0;
	b->expire = s->ends;
	b->state_since = state_since(s->state, b->cltt, true, s->ends, b->cltt);
	b->preferred_lifetime = s->preferred;
	b->valid_lifetime = s->valid;
	report_change(d, &change);
}

/* "iaaddr A { ... }" or "iaprefix P/L { ... }". */
static bool parse_iasub(struct decl *d, const struct ia6 *ia, const struct token *kw)
{
	struct iasub6 s;
	struct token t;

	memset(&s, 0, sizeof(s));
	if (!parse_iasub_address(d, &s, ia->type == LQ_LEASE_PD) ||
	    !expect_punct(d, '{', ia->type == LQ_LEASE_PD ? "the prefix" : "the address"))
		return false;
	for (;;) {
		if (!next_token(d, &t))
			return false;
		if (is_punct_token(&t, '}'))
			break;
		if (is_punct_token(&t, ';'))
			continue;
		if (t.kind != TOK_WORD)
			return fail(d, LQ_DHCPD_SYNTAX, &t, "expected an %.*s statement",
				    (int)kw->len, kw->text);
		if (!iasub_statement(d, &s, &t))
			return false;
	}
	if (!s.has_state)
		return fail(d, LQ_DHCPD_MISSING_STATE, kw, "%.*s without 'binding state'",
			    (int)kw->len, kw->text);
	if (!s.has_ends)
		return fail(d, LQ_DHCPD_MISSING_ENDS, kw, "%.*s without 'ends'", (int)kw->len, kw->text);
	if (ia->emit)
		emit_iasub(d, ia, &s);
	return true;
}

static bool ia_statement(struct decl *d, struct ia6 *ia, const struct token *kw)
{
	bool pd = ia->type == LQ_LEASE_PD;

	if (is_word(kw, "cltt")) {
		ia->has_cltt = true;
		return parse_date(d, "cltt", &ia->cltt);
	}
	if (is_word(kw, pd ? "iaprefix" : "iaaddr"))
		return parse_iasub(d, ia, kw);
	if (is_word(kw, pd ? "iaaddr" : "iaprefix"))
		return fail(d, LQ_DHCPD_SYNTAX, kw, "%s in an %s", pd ? "iaaddr" : "iaprefix",
			    pd ? "ia-pd" : "ia-na or ia-ta");
	return skip_statement(d, kw);
}

static bool parse_ia_body(struct decl *d, struct ia6 *ia)
{
	struct token t;

	if (!parse_ia_id(d, ia) || !expect_punct(d, '{', "the IAID and DUID"))
		return false;
	for (;;) {
		if (!next_token(d, &t))
			return false;
		if (is_punct_token(&t, '}'))
			return true;
		if (is_punct_token(&t, ';'))
			continue;
		if (t.kind != TOK_WORD)
			return fail(d, LQ_DHCPD_SYNTAX, &t, "expected 'cltt', 'iaaddr' or 'iaprefix'");
		if (!ia_statement(d, ia, &t))
			return false;
	}
}

/* Two passes over the text: the first checks all of it (and finds the IA's
 * cltt wherever it is), the second reports one change per address/prefix. */
static bool parse_ia(struct decl *d, uint8_t type)
{
	size_t start = d->pos;
	unsigned long line = d->line;
	struct ia6 ia = { .type = type };

	if (!parse_ia_body(d, &ia))
		return false;
	d->pos = start;
	d->line = line;
	ia.emit = true;
	return parse_ia_body(d, &ia);
}

/* ------------------------------------------------------------------------
 * Declarations
 * ------------------------------------------------------------------------ */

static bool parse_byte_order(struct decl *d)
{
	struct token t;

	if (!next_token(d, &t))
		return false;
	if (is_word(&t, "little-endian"))
		d->p->big_endian = false;
	else if (is_word(&t, "big-endian"))
		d->p->big_endian = true;
	else
		return fail(d, LQ_DHCPD_BAD_BYTE_ORDER, &t, "expected little-endian or big-endian");
	return expect_punct(d, ';', "the byte order");
}

static uint8_t ia_type(const struct token *t)
{
	if (is_word(t, "ia-na"))
		return LQ_LEASE_NA;
	if (is_word(t, "ia-ta"))
		return LQ_LEASE_TA;
	if (is_word(t, "ia-pd"))
		return LQ_LEASE_PD;
	return LQ_LEASE_V4;
}

static bool parse_keyword_declaration(struct decl *d, const struct token *kw)
{
	uint8_t type = ia_type(kw);

	if (is_word(kw, "lease")) {
		if (d->p->family != 4)
			return fail(d, LQ_DHCPD_WRONG_FAMILY, kw, "DHCPv4 lease in a DHCPv6 lease file");
		return parse_lease4(d);
	}
	if (type != LQ_LEASE_V4) {
		if (d->p->family != 6)
			return fail(d, LQ_DHCPD_WRONG_FAMILY, kw, "DHCPv6 IA in a DHCPv4 lease file");
		return parse_ia(d, type);
	}
	if (is_word(kw, "authoring-byte-order"))
		return parse_byte_order(d);
	if (is_top_level_keyword(kw->text, kw->len))
		return true;    /* server-duid, failover, host, group, class, subclass */
	return fail(d, LQ_DHCPD_UNKNOWN_DECLARATION, kw, "unknown declaration");
}

static bool parse_declaration_text(struct decl *d)
{
	struct token t;

	if (!next_token(d, &t))
		return false;
	if (is_punct_token(&t, '}'))
		return fail(d, LQ_DHCPD_STRAY_BRACE, &t, "'}' outside any declaration");
	if (is_punct_token(&t, ';'))
		return true;    /* an empty statement */
	if (t.kind != TOK_WORD)
		return fail(d, LQ_DHCPD_SYNTAX, &t, "expected a declaration");
	if (!parse_keyword_declaration(d, &t))
		return false;
	if (is_word(&t, "lease") || ia_type(&t) != LQ_LEASE_V4) {
		if (!next_token(d, &t))
			return false;
		if (t.kind != TOK_END)
			return fail(d, LQ_DHCPD_SYNTAX, &t, "text after the end of the declaration");
	}
	return true;
}

static void parse_declaration(struct lq_dhcpd_leases *p, const struct sink *s)
{
	struct decl d = {
		.p = p, .sink = s, .buf = p->block, .len = p->block_len, .line = p->block_line,
	};

	if (!parse_declaration_text(&d)) {
		d.err.block_line = p->block_line;
		report(p, s, &d.err);
	}
}

/* ------------------------------------------------------------------------
 * Scanner: bytes -> declarations
 * ------------------------------------------------------------------------ */

static void reset_declaration(struct lq_dhcpd_leases *p)
{
	p->has_content = false;
	p->skipping = false;
	p->in_string = false;
	p->escaped = false;
	p->in_head = false;
	p->depth = 0;
	p->block_len = 0;
}

static void reset_scanner(struct lq_dhcpd_leases *p)
{
	reset_declaration(p);
	p->in_comment = false;
	p->line = 1;
	p->column = 0;
	p->big_endian = false;
}

lq_err lq_dhcpd_leases_init(struct lq_dhcpd_leases *p, int family)
{
	if (p == NULL || (family != 4 && family != 6))
		return LQ_ERR_INVALID_ARGUMENT;
	p->family = (uint8_t)family;
	p->changes = 0;
	p->errors = 0;
	reset_scanner(p);
	return LQ_OK;
}

/* Keep a byte of the current declaration, or start discarding it when it
 * outgrows the block. */
static void keep(struct lq_dhcpd_leases *p, const struct sink *s, char c)
{
	if (!p->has_content || p->skipping)
		return;
	if (p->block_len == sizeof(p->block)) {
		report_scan_error(p, s, LQ_DHCPD_TOO_LARGE, p->line, p->block_line,
				  "declaration larger than %d octets", LQ_DHCPD_LEASES_MAX_BLOCK);
		p->skipping = true;
		return;
	}
	p->block[p->block_len++] = c;
}

static void complete_declaration(struct lq_dhcpd_leases *p, const struct sink *s)
{
	if (!p->skipping)
		parse_declaration(p, s);
	reset_declaration(p);
}

/* A word that started in column 0 while a declaration was open has ended: if
 * it opens a declaration, the open one was cut short; start over with it. */
static void end_head(struct lq_dhcpd_leases *p, const struct sink *s)
{
	p->in_head = false;
	if (p->head_len > sizeof(p->head) || !is_top_level_keyword(p->head, p->head_len))
		return;
	if (!p->skipping)
		report_scan_error(p, s, LQ_DHCPD_UNTERMINATED, p->line, p->block_line,
				  "declaration not closed before the '%.*s' on line %lu",
				  (int)p->head_len, p->head, p->line);
	reset_declaration(p);
	p->has_content = true;
	p->block_line = p->line;
	memcpy(p->block, p->head, p->head_len);
	p->block_len = p->head_len;
}

static void track_head(struct lq_dhcpd_leases *p, const struct sink *s, char c)
{
	if (p->in_head && !is_name_char(c))
		end_head(p, s);
	if (p->column == 0 && p->has_content && is_name_char(c)) {
		p->in_head = true;
		p->head_len = 0;
	}
	if (!p->in_head)
		return;
	if (p->head_len < sizeof(p->head))
		p->head[p->head_len] = c;
	if (p->head_len <= sizeof(p->head))
		p->head_len++;
}

static void scan_string_byte(struct lq_dhcpd_leases *p, char c)
{
	if (c == '\n') {                 /* a string never spans lines: see read_string_token */
		p->in_string = false;
		p->escaped = false;
	} else if (p->escaped) {
		p->escaped = false;
	} else if (c == '\\') {
		p->escaped = true;
	} else if (c == '"') {
		p->in_string = false;
	}
}

static void scan_code_byte(struct lq_dhcpd_leases *p, const struct sink *s, char c)
{
	if (c == '#') {
		p->in_comment = true;
		return;
	}
	if (is_space(c)) {
		keep(p, s, c);
		return;
	}
	if (!p->has_content) {
		p->has_content = true;
		p->block_line = p->line;
	}
	keep(p, s, c);
	if (c == '"') {
		p->in_string = true;
	} else if (c == '{') {
		if (p->depth < UINT_MAX)
			p->depth++;
	} else if (c == '}') {
		if (p->depth > 0)
			p->depth--;
		if (p->depth == 0)
			complete_declaration(p, s);
	} else if (c == ';' && p->depth == 0) {
		complete_declaration(p, s);
	}
}

static void scan_byte(struct lq_dhcpd_leases *p, const struct sink *s, char c)
{
	if (p->in_comment) {
		if (c == '\n') {
			p->in_comment = false;
			keep(p, s, c);
		}
	} else if (p->in_string) {
		keep(p, s, c);
		scan_string_byte(p, c);
	} else {
		track_head(p, s, c);
		scan_code_byte(p, s, c);
	}
	if (c == '\n') {
		p->line++;
		p->column = 0;
	} else {
		p->column++;
	}
}

void lq_dhcpd_leases_feed(struct lq_dhcpd_leases *p, const char *data, size_t len,
			  lq_dhcpd_leases_change_fn *on_change, lq_dhcpd_leases_error_fn *on_error,
			  void *ctx)
{
	const struct sink s = { on_change, on_error, ctx };

	for (size_t i = 0; i < len; i++)
		scan_byte(p, &s, data[i]);
}

void lq_dhcpd_leases_feed_line(struct lq_dhcpd_leases *p, const char *line, size_t len,
			       lq_dhcpd_leases_change_fn *on_change,
			       lq_dhcpd_leases_error_fn *on_error, void *ctx)
{
	lq_dhcpd_leases_feed(p, line, len, on_change, on_error, ctx);
	lq_dhcpd_leases_feed(p, "\n", 1, on_change, on_error, ctx);
}

bool lq_dhcpd_leases_idle(const struct lq_dhcpd_leases *p)
{
	return !p->has_content && !p->in_comment;
}

bool lq_dhcpd_leases_finish(struct lq_dhcpd_leases *p, lq_dhcpd_leases_error_fn *on_error, void *ctx)
{
	const struct sink s = { NULL, on_error, ctx };
	bool clean = !p->has_content;

	if (p->in_head)
		end_head(p, &s);
	if (p->has_content && !p->skipping)
		report_scan_error(p, &s, LQ_DHCPD_UNTERMINATED, p->line, p->block_line,
				  "declaration not closed at the end of the file");
	reset_scanner(p);
	return clean;
}
