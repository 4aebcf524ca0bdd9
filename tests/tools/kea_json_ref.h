/* kea_json_ref.h - the reference the tests hold lqd's Kea user_context
 * reader (lib/sources/kea_csv_json.c) to: a value as jansson sees it (a key
 * given twice: the last value), in the reader's struct kj_value form.
 * Shared by tests/unit/test_kea_csv.c and fuzz/fuzz_kea_json.c. */
#ifndef LQ_TESTS_KEA_JSON_REF_H
#define LQ_TESTS_KEA_JSON_REF_H

#include <jansson.h>
#include <string.h>

#include "../../lib/sources/kea_csv_json.h"

static inline void ref_value(const json_t *j, struct kj_value *v)
{
	memset(v, 0, sizeof(*v));
	if (j == NULL)
		return;
	switch (json_typeof(j)) {
	case JSON_OBJECT: v->type = KJ_OBJECT; break;
	case JSON_ARRAY: v->type = KJ_ARRAY; v->count = json_array_size(j); break;
	case JSON_STRING:
		v->type = KJ_STRING;
		v->s = json_string_value(j);
		v->len = json_string_length(j);
		break;
	case JSON_INTEGER: v->type = KJ_INTEGER; v->integer = json_integer_value(j); break;
	case JSON_REAL: v->type = KJ_REAL; break;
	case JSON_TRUE: v->type = KJ_TRUE; break;
	case JSON_FALSE: v->type = KJ_FALSE; break;
	case JSON_NULL: v->type = KJ_NULL; break;
	}
}

#endif
