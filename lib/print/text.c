/* text.c - a growable NUL-terminated text buffer and the formatting
 * primitives (hex, addresses, JSON strings) that the message printers share. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lq/print.h"

void lq_text_init(struct lq_text *t)
{
	memset(t, 0, sizeof(*t));
}

void lq_text_free(struct lq_text *t)
{
	free(t->data);
	lq_text_init(t);
}

void lq_text_reset(struct lq_text *t)
{
	t->len = 0;
	t->oom = false;
	if (t->data != NULL)
		t->data[0] = '\0';
}

/* Make room for n more octets plus the NUL; false (and oom set) if impossible. */
static bool text_reserve(struct lq_text *t, size_t n)
{
	if (t->oom)
		return false;
	if (t->len + n + 1 <= t->cap)
		return true;
	size_t cap = t->cap ? t->cap : 256;
	while (cap < t->len + n + 1) {
		if (cap > SIZE_MAX / 2) {
			t->oom = true;
			return false;
		}
		cap *= 2;
	}
	char *p = realloc(t->data, cap);
	if (p == NULL) {
		t->oom = true;
		return false;
	}
	t->data = p;
	t->cap = cap;
	return true;
}

void lq_text_append(struct lq_text *t, const char *s, size_t n)
{
	if (!text_reserve(t, n))
		return;
	memcpy(t->data + t->len, s, n);
	t->len += n;
	t->data[t->len] = '\0';
}

void lq_text_puts(struct lq_text *t, const char *s)
{
	lq_text_append(t, s, strlen(s));
}

void lq_text_printf(struct lq_text *t, const char *fmt, ...)
{
	va_list ap, again;
	char small[256];

	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(small))
		lq_text_append(t, small, (size_t)n);
	else if (n >= 0 && text_reserve(t, (size_t)n)) {
		vsnprintf(t->data + t->len, (size_t)n + 1, fmt, again);
		t->len += (size_t)n;
	}
	va_end(again);
}

void lq_text_indent(struct lq_text *t, unsigned level)
{
	for (unsigned i = 0; i < level; i++)
		lq_text_append(t, "  ", 2);
}

void lq_text_hex(struct lq_text *t, const uint8_t *p, size_t n, char sep)
{
	static const char digits[] = "0123456789abcdef";

	if (!text_reserve(t, n * 3))
		return;
	char *out = t->data + t->len;
	for (size_t i = 0; i < n; i++) {
		if (sep != 0 && i > 0)
			*out++ = sep;
		*out++ = digits[p[i] >> 4];
		*out++ = digits[p[i] & 0x0f];
	}
	*out = '\0';
	t->len = (size_t)(out - t->data);
}

void lq_text_ip4(struct lq_text *t, const lq_ip4 *a)
{
	lq_text_printf(t, "%u.%u.%u.%u", a->b[0], a->b[1], a->b[2], a->b[3]);
}

void lq_text_ip6(struct lq_text *t, const lq_ip6 *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(AF_INET6, a->b, buf, sizeof(buf)) == NULL)
		lq_text_puts(t, "?");
	else
		lq_text_puts(t, buf);
}

/* Length of the well-formed UTF-8 sequence starting at p (2 to 4 octets), or
 * 0 when the octets there are not one (overlong forms and surrogates too). */
static size_t utf8_sequence_len(const uint8_t *p, size_t n)
{
	size_t len;
	uint32_t cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void lq_text_json_string(struct lq_text *t, const uint8_t *p, size_t n)
{
	lq_text_append(t, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		size_t seq;
		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			lq_text_append(t, esc, 2);
		} else if (c >= 0x80 && (seq = utf8_sequence_len(p + i, n - i)) > 0) {
			lq_text_append(t, (const char *)p + i, seq);   /* valid UTF-8 passes */
			i += seq - 1;
		} else if (c < 0x20 || c >= 0x7f) {
			lq_text_printf(t, "\\u%04x", c);                /* control or stray octet */
		} else {
			char ch = (char)c;
			lq_text_append(t, &ch, 1);
		}
	}
	lq_text_append(t, "\"", 1);
}

void lq_text_json_cstr(struct lq_text *t, const char *s)
{
	lq_text_json_string(t, (const uint8_t *)s, strlen(s));
}

bool lq_text_printable(const uint8_t *p, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}
