/* print.h - renders DHCPv4 and DHCPv6 messages as readable text (one option
 * per line, nested options indented) and as JSON (one object), for `lq`, for
 * logs and for the demo. Output goes into a growable text buffer. */
#ifndef LQ_PRINT_H
#define LQ_PRINT_H

#include "lq/common.h"
#include "lq/dhcp4.h"
#include "lq/dhcp6.h"

struct lq_text {
	char *data;             /* NUL-terminated */
	size_t len, cap;
	bool oom;               /* an allocation failed; data holds what fit */
};

void lq_text_init(struct lq_text *t);
void lq_text_free(struct lq_text *t);
void lq_text_reset(struct lq_text *t);
void lq_text_append(struct lq_text *t, const char *s, size_t n);
void lq_text_puts(struct lq_text *t, const char *s);
void lq_text_printf(struct lq_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lq_text_indent(struct lq_text *t, unsigned level);  /* 2 spaces per level */
void lq_text_hex(struct lq_text *t, const uint8_t *p, size_t n, char sep); /* sep 0 = none */
/* n > 0 octets, all printable ASCII: worth showing as text next to hex. */
bool lq_text_printable(const uint8_t *p, size_t n);
void lq_text_ip4(struct lq_text *t, const lq_ip4 *a);
void lq_text_ip6(struct lq_text *t, const lq_ip6 *a);    /* RFC 5952 form */
/* JSON string literal with quotes. Well-formed UTF-8 passes through; control
 * characters, DEL and octets that are not part of well-formed UTF-8 are
 * written as \u00XX (the octet's value), so the output is always valid JSON. */
void lq_text_json_string(struct lq_text *t, const uint8_t *p, size_t n);
void lq_text_json_cstr(struct lq_text *t, const char *s);

/* Decoded messages. */
void lq_print4_text(struct lq_text *t, const struct lq4_msg *m);
void lq_print4_json(struct lq_text *t, const struct lq4_msg *m);
void lq_print6_text(struct lq_text *t, const struct lq6_msg *m);
void lq_print6_json(struct lq_text *t, const struct lq6_msg *m);

/* Decode and print raw bytes: family 4 or 6; json false = text. On a decode
 * error prints the error and where it happened, and returns it. */
lq_err lq_print_packet(struct lq_text *t, int family, const uint8_t *buf, size_t len, bool json);

#endif
