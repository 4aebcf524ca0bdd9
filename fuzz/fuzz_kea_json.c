/* fuzz_kea_json.c - libFuzzer target for the JSON reader of Kea's
 * user_context column (lib/sources/kea_csv_json.c), checked against jansson:
 * both must agree on whether the input is JSON and, when it is, on every
 * value found at the extended-info paths. Inputs nested deeper than the
 * reader's limit are only read, not compared. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/tools/kea_json_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_value(const struct kj_value *a, const json_t *j)
{
	struct kj_value b;

	ref_value(j, &b);
	if (a->type != b.type)
		__builtin_trap();
	if (a->type == KJ_STRING && (a->len != b.len || memcmp(a->s, b.s, a->len) != 0))
		__builtin_trap();
	if (a->type == KJ_INTEGER && a->integer != b.integer)
		__builtin_trap();
	if (a->type == KJ_ARRAY && a->count != b.count)
		__builtin_trap();
}

static const json_t *member(const json_t *o, const char *key)
{
	return json_is_object(o) ? json_object_get(o, key) : NULL;
}

static void same_list(const struct kj_relay_list *l, const json_t *j)
{
	same_value(&l->list, j);
	size_t want = json_is_array(j) ? json_array_size(j) : 0;
	if (want > LQ_KEA_CSV_MAX_RELAYS)
		want = LQ_KEA_CSV_MAX_RELAYS;
	if (l->kept != want)
		__builtin_trap();
	for (size_t i = 0; i < l->kept; i++) {
		const json_t *e = json_array_get(j, i);
		same_value(&l->relay[i].entry, e);
		same_value(&l->relay[i].hop, member(e, "hop"));
		same_value(&l->relay[i].link, member(e, "link"));
		same_value(&l->relay[i].peer, member(e, "peer"));
		same_value(&l->relay[i].options, member(e, "options"));
	}
}

static size_t depth_of(const uint8_t *data, size_t size)
{
	size_t depth = 0, max = 0;

	for (size_t i = 0; i < size; i++) {
		if (data[i] == '[' || data[i] == '{')
			depth++;
		else if ((data[i] == ']' || data[i] == '}') && depth > 0)
			depth--;
		if (depth > max)
			max = depth;
	}
	return max;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kj_extended_info x;
	char error[KJ_ERROR_LEN];
	json_error_t jerr;
	char *copy = malloc(size + 1);

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	int rc = kj_read_extended_info(copy, size, &x, error);
	if (depth_of(data, size) < KJ_MAX_DEPTH && memchr(data, '\0', size) == NULL) {
		json_t *root = json_loadb((const char *)data, size, 0, &jerr);
		if ((rc == 0) != (root != NULL))
			__builtin_trap();
		if (root != NULL) {
			const json_t *isc = member(root, "ISC");
			const json_t *rai = member(isc, "relay-agent-info");
			if (x.root_type != (json_is_object(root) ? KJ_OBJECT : KJ_ARRAY))
				__builtin_trap();
			same_value(&x.isc, isc);
			same_value(&x.rai, rai);
			same_value(&x.sub_options, member(rai, "sub-options"));
			same_list(&x.relay_info, member(isc, "relay-info"));
			same_list(&x.relays, member(isc, "relays"));
			json_decref(root);
		}
	}
	free(copy);
	return 0;
}
