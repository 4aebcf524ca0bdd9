/* kea_csv_internal.h - what the parts of the Kea lease file parser share:
 * Kea's text encodings (kea_csv_text.c), the user_context reader
 * (kea_csv_context.c) and the warning the row parser (kea_csv.c) keeps. */
#ifndef LQ_KEA_CSV_INTERNAL_H
#define LQ_KEA_CSV_INTERNAL_H

#include "lq/kea_csv.h"

/* One field of a row: a view into the caller's line. */
struct kea_field {
	const char *s;
	size_t len;
};

enum kea_hex_result {
	KEA_HEX_OK = 0,
	KEA_HEX_BAD,            /* not hex the way Kea writes it */
	KEA_HEX_TOO_LONG,       /* more octets than cap */
};

/* Decode hex as Kea's str::decodeFormattedHexString reads it: octets of one
 * or two digits separated by ':' (or by ' '), or a run of digits with an
 * optional "0x" prefix (an odd count gets a leading zero). Empty is OK with
 * *out_len 0. */
enum kea_hex_result kea_hex_decode(const char *s, size_t len, uint8_t *out, size_t cap,
				   size_t *out_len);

/* Undo Kea's CSV escaping ("&#xHH" -> the octet) from *pos up to end into
 * out, at most cap octets. Advances *pos past what was consumed; returns the
 * octets written. *pos < end afterwards means out was too small. */
size_t kea_unescape(const char **pos, const char *end, uint8_t *out, size_t cap);

enum kea_num_result {
	KEA_NUM_OK = 0,
	KEA_NUM_EMPTY,
	KEA_NUM_BAD,            /* not decimal digits */
	KEA_NUM_RANGE,          /* above max */
};

/* An unsigned decimal number no larger than max. */
enum kea_num_result kea_parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out);

/* Record a problem that does not reject the line (the first one is kept). */
void kea_warn(struct lq_kea_csv *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Read the escaped user_context field: on usable extended info, fill
 * b->relay_info (into p's scratch) and the identifiers derived from it.
 * Problems become warnings; b is then left without relay data. */
void kea_user_context(struct lq_kea_csv *p, struct kea_field field, struct lq_binding *b);

#endif
