/* kea_csv_json.h - a small JSON reader made for the user_context column of
 * Kea's lease files. It checks that the whole text is JSON (RFC 8259: an
 * object or an array at the top, strings of valid UTF-8 without control
 * characters or \u0000, integers that fit in 64 bits) and, in the same pass,
 * picks out the few values the extended info is read from:
 *   ISC
 *   ISC.relay-agent-info, ISC.relay-agent-info.sub-options          (v4)
 *   ISC.relay-info[i] / ISC.relays[i] .hop .link .peer .options     (v6)
 * As with a JSON object library, a key given twice means its last value.
 * Nothing is allocated: strings are decoded in place in the caller's buffer
 * and values are views into it. Nesting deeper than KJ_MAX_DEPTH is refused. */
#ifndef LQ_KEA_CSV_JSON_H
#define LQ_KEA_CSV_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lq/kea_csv.h"

#define KJ_MAX_DEPTH 256
#define KJ_ERROR_LEN 96

enum kj_type {
	KJ_ABSENT = 0,          /* the key is not there */
	KJ_OBJECT,
	KJ_ARRAY,
	KJ_STRING,
	KJ_INTEGER,
	KJ_REAL,
	KJ_TRUE,
	KJ_FALSE,
	KJ_NULL,
};

/* One value: its type and, for strings, the decoded text; for integers the
 * value; for arrays the number of elements. */
struct kj_value {
	uint8_t type;           /* enum kj_type */
	const char *s;          /* KJ_STRING: decoded, not NUL-terminated */
	size_t len;
	int64_t integer;        /* KJ_INTEGER */
	size_t count;           /* KJ_ARRAY: elements */
};

/* One entry of the v6 relay list. */
struct kj_relay {
	struct kj_value entry;  /* the element itself (its type) */
	struct kj_value hop, link, peer, options;
};

struct kj_relay_list {
	struct kj_value list;
	size_t kept;            /* entries below filled in: min(count, MAX) */
	struct kj_relay relay[LQ_KEA_CSV_MAX_RELAYS];
};

/* What was found; every value absent when its key is. */
struct kj_extended_info {
	uint8_t root_type;      /* KJ_OBJECT or KJ_ARRAY */
	struct kj_value isc;
	struct kj_value rai;            /* ISC.relay-agent-info */
	struct kj_value sub_options;    /* ISC.relay-agent-info.sub-options */
	struct kj_relay_list relay_info;        /* ISC.relay-info */
	struct kj_relay_list relays;            /* ISC.relays (older Kea) */
};

/* Read the JSON text in buf[0..len) (modified: strings are decoded in
 * place). Returns 0 and fills *out, or -1 with the reason in error (e.g.
 * "unterminated string at octet 17"). */
int kj_read_extended_info(char *buf, size_t len, struct kj_extended_info *out,
			  char error[KJ_ERROR_LEN]);

#endif
