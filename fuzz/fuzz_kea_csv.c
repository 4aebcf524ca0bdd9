/* fuzz_kea_csv.c - libFuzzer target for the Kea lease file parser. The
 * first line of the input is tried as the header; when it is not one, a
 * Kea 3.x header of the family the first octet picks (even: v4, odd: v6) is
 * used and the first line is parsed as a row too. Every line after it is a
 * row. Each change produced is checked: its views are readable and within
 * the binding's bounds, its key matches the file's family. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lq/kea_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char header4[] =
	"address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,"
	"hostname,state,user_context,pool_id";
static const char header6[] =
	"address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,"
	"prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,"
	"hwaddr_source,pool_id";

static volatile uint8_t sink;

/* Touch every octet so the sanitizers see a view that is not readable. */
static void touch(lq_bytes b, size_t max)
{
	if (b.data == NULL) {
		if (b.len != 0)
			__builtin_trap();
		return;
	}
	if (b.len > max)
		__builtin_trap();
	for (size_t i = 0; i < b.len; i++)
		sink ^= b.data[i];
}

static void check_change(const struct lq_kea_csv *p, const struct lq_binding_change *c)
{
	const struct lq_binding *b = &c->binding;

	if (c->op != LQ_CHANGE_UPSERT && c->op != LQ_CHANGE_DELETE)
		__builtin_trap();
	if (b->key.family != p->family)
		__builtin_trap();
	if (b->key.prefix_len == 0 || b->key.prefix_len > 128)
		__builtin_trap();
	touch(b->hwaddr, LQ_BINDING_MAX_HWADDR);
	touch(b->client_id, LQ_BINDING_MAX_CLIENT_ID);
	touch(b->relay_info, LQ_BINDING_MAX_RELAY);
	touch(b->circuit_id, LQ_BINDING_MAX_RELAY);
	touch(b->remote_id, LQ_BINDING_MAX_RELAY);
	touch(b->relay_id, LQ_BINDING_MAX_RELAY);
	touch(b->vendor_class, LQ_BINDING_MAX_SMALL);
	touch(b->hostname, LQ_BINDING_MAX_SMALL);
	touch(b->vpn_id, LQ_BINDING_MAX_SMALL);
	if (memchr(p->warning, '\0', sizeof(p->warning)) == NULL)
		__builtin_trap();
}

static void parse_line(struct lq_kea_csv *p, const char *line, size_t len)
{
	struct lq_binding_change c;
	char why[128];
	int rc = lq_kea_csv_line(p, line, len, &c, why, sizeof(why));

	if (rc == 1)
		check_change(p, &c);
	else if (rc == -1 && memchr(why, '\0', sizeof(why)) == NULL)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lq_kea_csv p;
	const char *s = (const char *)data, *end = s + size;
	const char *nl = memchr(s, '\n', size);
	size_t first_len = nl != NULL ? (size_t)(nl - s) : size;

	if (size == 0)
		return 0;
	lq_kea_csv_init(&p);
	if (lq_kea_csv_header(&p, s, first_len, NULL, 0) == 0) {
		s += first_len;
	} else {
		const char *h = (data[0] & 1) ? header6 : header4;
		if (lq_kea_csv_header(&p, h, strlen(h), NULL, 0) != 0)
			__builtin_trap();
	}
	while (s < end) {
		if (*s == '\n') {
			s++;
			continue;
		}
		nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);
		parse_line(&p, s, len);
		s += len;
	}
	return 0;
}
