/* binding_json.h - a binding as a JSON object and back: what `lq --json`
 * prints, what lqd's control socket takes for add/update/delete, and what
 * lqd dumps. Byte strings are colon-separated hex ("00:11:22"); times are
 * Unix seconds (expire: null for infinite). */
#ifndef LQ_BINDING_JSON_H
#define LQ_BINDING_JSON_H

#include <jansson.h>

#include "lq/binding.h"

/* A new JSON object (NULL when out of memory). */
json_t *lq_binding_to_json(const struct lq_binding *b);

/* Fill b from obj. "address" (v4 or v6, with "/len" for a prefix) is
 * required; "state" defaults to "active"; the rest is optional. Byte strings
 * are decoded into scratch (b's views point there). Returns 0, or -1 with a
 * message naming the bad key in err. */
int lq_binding_from_json(const json_t *obj, struct lq_binding *b, uint8_t *scratch, size_t scratch_cap,
			 char *err, size_t err_cap);

/* Octets as a colon-hex JSON string ("00:11:22"); JSON null when out of
 * memory. */
json_t *lq_json_hex(lq_bytes v);

/* State by name ("active") or -1. */
int lq_binding_state_from_name(const char *name);

#endif
