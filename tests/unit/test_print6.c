/* test_print6.c - the DHCPv6 printers: the text form has the expected lines
 * (typed values, nesting by indentation, relayed messages), and the JSON form
 * parses (jansson) with the expected members, also for odd and deep input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "lq/dhcp6.h"
#include "lq/lqtime.h"
#include "lq/print.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t duid_ll[] = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t duid_en[] = {0x00, 0x02, 0x00, 0x00, 0x09, 0xbf, 0x01, 0x02, 0x03, 0x04};
static const uint8_t duid_llt[] = {0x00, 0x01, 0x00, 0x01, 0x2c, 0x9a, 0x3b, 0x80,
				   0x02, 0x00, 0x00, 0x00, 0x00, 0x42};
static const lq_ip6 ip_addr = {{0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
static const lq_ip6 ip_link = {{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, [15] = 1}};
static const lq_ip6 ip_link2 = {{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, [15] = 1}};
static const lq_ip6 ip_pfx = {{0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00}};
static const lq_ip6 ip_ll = {{0xfe, 0x80, [15] = 1}};

struct packet {
	uint8_t buf[1024];
	size_t len;
};

typedef void build_fn(struct lq6_writer *w);

static void build(build_fn *fn, struct packet *p)
{
	struct lq6_writer w;

	lq6w_init(&w, p->buf, sizeof(p->buf));
	fn(&w);
	assert_int_equal(lq6w_finish(&w, &p->len), LQ_OK);
}

static void build_query(struct lq6_writer *w)
{
	static const uint16_t oro[] = {LQ6_OPT_CLT_TIME, LQ6_OPT_LQ_RELAY_DATA, 999};

	lq6w_header(w, LQ6_LEASEQUERY, 0x123456);
	lq6w_option(w, LQ6_OPT_CLIENTID, duid_ll, sizeof(duid_ll));
	lq6w_lq_query_open(w, LQ6_QUERY_BY_ADDRESS, NULL);
	lq6w_iaaddr(w, &ip_addr, 0, 0);
	lq6w_oro(w, oro, ARRAY_LEN(oro));
	lq6w_close(w);
}

static void write_relayed(struct lq6_writer *w)
{
	lq6w_relay_header(w, LQ6_RELAY_FORW, 0, &ip_link, &ip_ll);
	lq6w_option(w, LQ6_OPT_INTERFACE_ID, "eth0", 4);
}

static void build_reply(struct lq6_writer *w)
{
	uint8_t relayed[64];
	struct lq6_writer r;
	size_t rlen;

	lq6w_init(&r, relayed, sizeof(relayed));
	write_relayed(&r);
	assert_int_equal(lq6w_finish(&r, &rlen), LQ_OK);

	lq6w_header(w, LQ6_LEASEQUERY_REPLY, 0x000102);
	lq6w_option(w, LQ6_OPT_SERVERID, duid_en, sizeof(duid_en));
	lq6w_option(w, LQ6_OPT_CLIENTID, duid_ll, sizeof(duid_ll));
	lq6w_open(w, LQ6_OPT_CLIENT_DATA);
	lq6w_option(w, LQ6_OPT_CLIENTID, duid_llt, sizeof(duid_llt));
	lq6w_iaaddr(w, &ip_addr, 3600, LQ_INFINITE_LIFETIME);
	lq6w_iaprefix(w, &ip_pfx, 56, 1800, 7200);
	lq6w_option_u32(w, LQ6_OPT_CLT_TIME, 600);
	lq6w_relay_data(w, &ip_ll, relayed, rlen);
	lq6w_close(w);
	lq6w_option_u32(w, LQ6_OPT_LQ_BASE_TIME, 800007200);
}

static void build_relay(struct lq6_writer *w)
{
	static const lq_ip6 links[] = {{{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, [15] = 1}},
				       {{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, [15] = 1}}};

	lq6w_relay_header(w, LQ6_RELAY_REPL, 3, &ip_link2, &ip_ll);
	lq6w_remote_id(w, 4491, "\x01\x02\x03", 3);
	lq6w_open(w, LQ6_OPT_RELAY_MSG);
	lq6w_header(w, LQ6_LEASEQUERY_REPLY, 0xabcdef);
	lq6w_option(w, LQ6_OPT_SERVERID, duid_en, sizeof(duid_en));
	lq6w_status(w, LQ6_STATUS_NOT_CONFIGURED, "no \"such\" link\\\x01\xff");
	lq6w_client_link(w, links, 2);
	lq6w_close(w);
}

static void build_bulk(struct lq6_writer *w)
{
	lq6w_header(w, LQ6_LEASEQUERY, 4);
	lq6w_lq_query_open(w, LQ6_QUERY_BY_REMOTE_ID, &ip_link);
	lq6w_remote_id(w, 9, "ab", 2);
	lq6w_close(w);
	lq6w_option_u32(w, LQ6_OPT_LQ_START_TIME, 0);
	lq6w_option_u32(w, LQ6_OPT_LQ_END_TIME, 800003600);
	lq6w_option(w, 999, "\x78", 1);
	lq6w_option(w, LQ6_OPT_RAPID_COMMIT, NULL, 0);
	lq6w_ia_open(w, LQ6_OPT_IA_NA, 7, 100, 200);
	lq6w_status(w, LQ6_STATUS_SUCCESS, NULL);
	lq6w_close(w);
}

static void decode(const struct packet *p, struct lq6_msg *m)
{
	assert_int_equal(lq6_decode(p->buf, p->len, m, NULL), LQ_OK);
}

static void print_text(build_fn *fn, struct lq_text *t)
{
	struct packet p;
	struct lq6_msg m;

	build(fn, &p);
	decode(&p, &m);
	lq_text_init(t);
	lq_print6_text(t, &m);
	assert_false(t->oom);
}

static json_t *print_json(build_fn *fn)
{
	struct packet p;
	struct lq6_msg m;
	struct lq_text t;
	json_error_t error;

	build(fn, &p);
	decode(&p, &m);
	lq_text_init(&t);
	lq_print6_json(&t, &m);
	json_t *root = json_loads(t.data, JSON_ALLOW_NUL, &error);
	if (root == NULL)
		fail_msg("invalid JSON (%s at %d): %s", error.text, error.position, t.data);
	lq_text_free(&t);
	return root;
}

static void assert_has_line(const struct lq_text *t, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = t->data; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return;
	}
	fail_msg("line \"%s\" not in:\n%s", line, t->data);
}

/* ---- text ---- */

static void test_text_query(void **state)
{
	struct lq_text t;
	(void)state;

	print_text(build_query, &t);
	assert_true(strncmp(t.data, "LEASEQUERY xid 0x123456\n", 24) == 0);
	assert_has_line(&t, "  OPTION_CLIENTID: 00:03:00:01:02:00:00:00:00:01 (DUID-LL)");
	assert_has_line(&t, "  OPTION_LQ_QUERY: QUERY_BY_ADDRESS (1) link-address ::");
	assert_has_line(&t, "    OPTION_IAADDR: 2001:db8::1 preferred 0 valid 0");
	assert_has_line(&t, "    OPTION_ORO: OPTION_CLT_TIME, OPTION_LQ_RELAY_DATA, unknown(999)");
	lq_text_free(&t);
}

static void test_text_reply(void **state)
{
	struct lq_text t;
	(void)state;

	print_text(build_reply, &t);
	assert_true(strncmp(t.data, "LEASEQUERY-REPLY xid 0x000102\n", 30) == 0);
	assert_has_line(&t, "  OPTION_SERVERID: 00:02:00:00:09:bf:01:02:03:04 (DUID-EN)");
	assert_has_line(&t, "  OPTION_CLIENT_DATA:");
	assert_has_line(&t, "    OPTION_CLIENTID: 00:01:00:01:2c:9a:3b:80:02:00:00:00:00:42 (DUID-LLT)");
	assert_has_line(&t, "    OPTION_IAADDR: 2001:db8::1 preferred 3600 valid infinite");
	assert_has_line(&t, "    OPTION_IAPREFIX: 2001:db8:100::/56 preferred 1800 valid 7200");
	assert_has_line(&t, "    OPTION_CLT_TIME: 600 s");
	assert_has_line(&t, "    OPTION_LQ_RELAY_DATA: peer-address fe80::1");
	assert_has_line(&t, "      RELAY-FORW hop-count 0 link-address 2001:db8:1::1 peer-address fe80::1");
	assert_has_line(&t, "        OPTION_INTERFACE_ID: 65:74:68:30 \"eth0\"");
	assert_has_line(&t, "  OPTION_LQ_BASE_TIME: 800007200 (2025-05-08T08:13:20Z)");
	lq_text_free(&t);
}

static void test_text_relay(void **state)
{
	struct lq_text t;
	(void)state;

	print_text(build_relay, &t);
	assert_true(strncmp(t.data, "RELAY-REPL hop-count 3 link-address 2001:db8:2::1 peer-address fe80::1\n", 71) == 0);
	assert_has_line(&t, "  OPTION_REMOTE_ID: enterprise 4491 id 01:02:03");
	assert_has_line(&t, "  OPTION_RELAY_MSG:");
	assert_has_line(&t, "    LEASEQUERY-REPLY xid 0xabcdef");
	assert_has_line(&t, "      OPTION_STATUS_CODE: NotConfigured (9) \"no \\\"such\\\" link\\\\\\x01\\xff\"");
	assert_has_line(&t, "      OPTION_LQ_CLIENT_LINK: 2001:db8:1::1, 2001:db8:2::1");
	lq_text_free(&t);
}

static void test_text_bulk(void **state)
{
	struct lq_text t;
	(void)state;

	print_text(build_bulk, &t);
	assert_has_line(&t, "LEASEQUERY xid 0x000004");
	assert_has_line(&t, "  OPTION_LQ_QUERY: QUERY_BY_REMOTE_ID (5) link-address 2001:db8:1::1");
	assert_has_line(&t, "    OPTION_REMOTE_ID: enterprise 9 id 61:62");
	assert_has_line(&t, "  OPTION_LQ_START_TIME: 0 (2000-01-01T00:00:00Z)");
	assert_has_line(&t, "  OPTION_LQ_END_TIME: 800003600 (2025-05-08T07:13:20Z)");
	assert_has_line(&t, "  unknown(999): 78");
	assert_has_line(&t, "  OPTION_RAPID_COMMIT: (empty)");
	assert_has_line(&t, "  OPTION_IA_NA: iaid 7 t1 100 t2 200");
	assert_has_line(&t, "    OPTION_STATUS_CODE: Success (0)");
	lq_text_free(&t);
}

/* Printers append: two messages in one buffer. */
static void test_text_appends(void **state)
{
	struct packet p;
	struct lq6_msg m;
	struct lq_text t;
	(void)state;

	build(build_query, &p);
	decode(&p, &m);
	lq_text_init(&t);
	lq_text_puts(&t, "> ");
	lq_print6_text(&t, &m);
	size_t one = t.len;
	lq_print6_text(&t, &m);
	assert_int_equal(t.len, 2 * one - 2);
	assert_true(strncmp(t.data, "> LEASEQUERY xid", 16) == 0);
	lq_text_free(&t);
}

/* ---- JSON ---- */

static json_t *option_at(json_t *options, size_t i, int code)
{
	json_t *o = json_array_get(options, i);

	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "code")), code);
	return o;
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("no string \"%s\"", key);
	return json_string_value(v);
}

static json_int_t num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		fail_msg("no integer \"%s\"", key);
	return json_integer_value(v);
}

static void test_json_query(void **state)
{
	(void)state;
	json_t *root = print_json(build_query);

	assert_int_equal(num(root, "family"), 6);
	assert_string_equal(str(root, "msg_type"), "LEASEQUERY");
	assert_int_equal(num(root, "msg_type_code"), 14);
	assert_int_equal(num(root, "xid"), 0x123456);
	assert_null(json_object_get(root, "hop_count"));
	json_t *opts = json_object_get(root, "options");
	assert_int_equal(json_array_size(opts), 2);

	json_t *cid = option_at(opts, 0, 1);
	assert_string_equal(str(cid, "name"), "OPTION_CLIENTID");
	assert_string_equal(str(cid, "hex"), "00030001020000000001");
	assert_string_equal(str(cid, "duid_type"), "LL");

	json_t *q = option_at(opts, 1, 44);
	assert_string_equal(str(q, "name"), "OPTION_LQ_QUERY");
	assert_string_equal(str(q, "query_type"), "QUERY_BY_ADDRESS");
	assert_int_equal(num(q, "query_type_code"), 1);
	assert_string_equal(str(q, "link_address"), "::");
	json_t *qopts = json_object_get(q, "options");
	json_t *ia = option_at(qopts, 0, 5);
	assert_string_equal(str(ia, "address"), "2001:db8::1");
	assert_int_equal(num(ia, "preferred"), 0);
	json_t *oro = option_at(qopts, 1, 6);
	json_t *req = json_object_get(oro, "requested");
	assert_int_equal(json_array_size(req), 3);
	assert_string_equal(str(json_array_get(req, 1), "name"), "OPTION_LQ_RELAY_DATA");
	assert_string_equal(str(json_array_get(req, 2), "name"), "unknown");
	json_decref(root);
}

static void test_json_reply(void **state)
{
	(void)state;
	json_t *root = print_json(build_reply);

	assert_string_equal(str(root, "msg_type"), "LEASEQUERY-REPLY");
	assert_int_equal(num(root, "xid"), 0x102);
	json_t *opts = json_object_get(root, "options");
	assert_string_equal(str(option_at(opts, 0, 2), "duid_type"), "EN");
	json_t *cd = option_at(opts, 2, 45);
	json_t *cdo = json_object_get(cd, "options");
	assert_int_equal(json_array_size(cdo), 5);
	assert_string_equal(str(option_at(cdo, 0, 1), "duid_type"), "LLT");
	assert_int_equal(num(option_at(cdo, 1, 5), "valid"), 0xffffffff);
	json_t *pfx = option_at(cdo, 2, 26);
	assert_string_equal(str(pfx, "prefix"), "2001:db8:100::");
	assert_int_equal(num(pfx, "prefix_len"), 56);
	assert_int_equal(num(option_at(cdo, 3, 46), "seconds"), 600);
	json_t *rd = option_at(cdo, 4, 47);
	assert_string_equal(str(rd, "peer_address"), "fe80::1");
	json_t *msg = json_object_get(rd, "message");
	assert_string_equal(str(msg, "msg_type"), "RELAY-FORW");
	assert_int_equal(num(msg, "hop_count"), 0);
	assert_string_equal(str(msg, "link_address"), "2001:db8:1::1");
	assert_string_equal(str(msg, "peer_address"), "fe80::1");
	assert_null(json_object_get(msg, "xid"));
	json_t *ifid = option_at(json_object_get(msg, "options"), 0, 18);
	assert_string_equal(str(ifid, "hex"), "65746830");
	assert_string_equal(str(ifid, "text"), "eth0");
	json_t *bt = option_at(opts, 3, 100);
	assert_int_equal(num(bt, "value"), 800007200);
	assert_string_equal(str(bt, "time"), "2025-05-08T08:13:20Z");
	json_decref(root);
}

static void test_json_relay(void **state)
{
	(void)state;
	json_t *root = print_json(build_relay);

	assert_string_equal(str(root, "msg_type"), "RELAY-REPL");
	assert_int_equal(num(root, "msg_type_code"), 13);
	assert_int_equal(num(root, "hop_count"), 3);
	json_t *opts = json_object_get(root, "options");
	json_t *rid = option_at(opts, 0, 37);
	assert_int_equal(num(rid, "enterprise"), 4491);
	assert_string_equal(str(rid, "remote_id"), "010203");
	json_t *inner = json_object_get(option_at(opts, 1, 9), "message");
	assert_string_equal(str(inner, "msg_type"), "LEASEQUERY-REPLY");
	assert_int_equal(num(inner, "xid"), 0xabcdef);
	json_t *iopts = json_object_get(inner, "options");
	json_t *st = option_at(iopts, 1, 13);
	assert_int_equal(num(st, "status_code"), 9);
	assert_string_equal(str(st, "status"), "NotConfigured");
	assert_string_equal(str(st, "status_message"), "no \"such\" link\\\x01\xc3\xbf");
	json_t *links = json_object_get(option_at(iopts, 2, 48), "links");
	assert_int_equal(json_array_size(links), 2);
	assert_string_equal(json_string_value(json_array_get(links, 1)), "2001:db8:2::1");
	json_decref(root);
}

static void test_json_bulk(void **state)
{
	(void)state;
	json_t *root = print_json(build_bulk);
	json_t *opts = json_object_get(root, "options");

	json_t *q = option_at(opts, 0, 44);
	assert_string_equal(str(q, "query_type"), "QUERY_BY_REMOTE_ID");
	assert_int_equal(num(option_at(json_object_get(q, "options"), 0, 37), "enterprise"), 9);
	assert_string_equal(str(option_at(opts, 1, 101), "time"), "2000-01-01T00:00:00Z");
	assert_int_equal(num(option_at(opts, 2, 102), "value"), 800003600);
	json_t *unk = option_at(opts, 3, 999);
	assert_string_equal(str(unk, "name"), "unknown");
	assert_string_equal(str(unk, "hex"), "78");
	assert_string_equal(str(option_at(opts, 4, 14), "hex"), "");
	json_t *na = option_at(opts, 5, 3);
	assert_int_equal(num(na, "iaid"), 7);
	assert_int_equal(num(na, "t2"), 200);
	assert_string_equal(str(option_at(json_object_get(na, "options"), 0, 13), "status"), "Success");
	json_decref(root);
}

/* ---- depth and robustness ---- */

/* 16 relays around a leasequery: printed fully, indentation bounded. */
static void test_deep_relays(void **state)
{
	struct packet p;
	struct lq6_writer w;
	struct lq6_msg m;
	struct lq_text t;
	json_error_t error;
	(void)state;

	lq6w_init(&w, p.buf, sizeof(p.buf));
	for (int i = 0; i < LQ6_MAX_DEPTH; i++) {
		lq6w_relay_header(&w, LQ6_RELAY_FORW, (uint8_t)(LQ6_MAX_DEPTH - 1 - i), NULL, &ip_ll);
		lq6w_open(&w, LQ6_OPT_RELAY_MSG);
	}
	lq6w_header(&w, LQ6_LEASEQUERY, 42);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_ll, sizeof(duid_ll));
	for (int i = 0; i < LQ6_MAX_DEPTH; i++)
		lq6w_close(&w);
	assert_int_equal(lq6w_finish(&w, &p.len), LQ_OK);
	decode(&p, &m);

	lq_text_init(&t);
	lq_print6_text(&t, &m);
	char line[128];
	memset(line, ' ', 64);
	strcpy(line + 64, "LEASEQUERY xid 0x00002a");
	assert_has_line(&t, line);
	lq_text_reset(&t);
	lq_print6_json(&t, &m);
	json_t *root = json_loads(t.data, JSON_ALLOW_NUL, &error);
	assert_non_null(root);
	json_t *cur = root;
	for (int i = 0; i < LQ6_MAX_DEPTH; i++)
		cur = json_object_get(json_array_get(json_object_get(cur, "options"), 0), "message");
	assert_int_equal(num(cur, "xid"), 42);
	json_decref(root);
	lq_text_free(&t);
}

/* A hand-made lq6_msg whose regions were never validated still prints. */
static void test_unvalidated_msg(void **state)
{
	static const uint8_t junk[] = {
		0x00, 0x2c, 0x00, 0x03, 0x01, 0x02, 0x03,  /* LQ_QUERY far too short */
		0x00, 0x0d, 0x00, 0x01, 0x00,              /* STATUS_CODE too short */
		0x00, 0x09, 0x00, 0x02, 0x0e, 0x00,        /* RELAY_MSG with a broken message */
		0x00, 0x05, 0x00, 0x30, 0x00,              /* IAADDR overrunning */
	};
	struct lq6_msg m;
	struct lq_text t;
	json_error_t error;
	(void)state;

	memset(&m, 0, sizeof(m));
	m.type = LQ6_LEASEQUERY;
	m.options = (lq_bytes){junk, sizeof(junk)};
	lq_text_init(&t);
	lq_print6_text(&t, &m);
	assert_has_line(&t, "  OPTION_LQ_QUERY: 01:02:03");
	assert_has_line(&t, "  OPTION_STATUS_CODE: 00");
	assert_has_line(&t, "    undecodable message: 0e:00");
	assert_has_line(&t, "  (option overruns its container)");
	lq_text_reset(&t);
	lq_print6_json(&t, &m);
	json_t *root = json_loads(t.data, JSON_ALLOW_NUL, &error);
	if (root == NULL)
		fail_msg("invalid JSON: %s", t.data);
	json_decref(root);
	lq_text_free(&t);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* Whatever decodes prints, and its JSON is valid. */
static void test_mutated_messages_print(void **state)
{
	build_fn *const fns[] = {build_query, build_reply, build_relay, build_bulk};
	struct packet samples[ARRAY_LEN(fns)];
	struct lq_text t;
	json_error_t error;
	unsigned printed = 0;
	(void)state;

	for (size_t i = 0; i < ARRAY_LEN(fns); i++)
		build(fns[i], &samples[i]);
	lq_text_init(&t);
	for (unsigned round = 0; round < 20000; round++) {
		struct packet p = samples[rng() % ARRAY_LEN(samples)];
		for (unsigned k = 1 + rng() % 3; k > 0; k--) {
			size_t pos = rng() % p.len;
			p.buf[pos] = (rng() & 1) ? (uint8_t)rng() : p.buf[pos] ^ (uint8_t)(1u << (rng() % 8));
		}
		struct lq6_msg m;
		if (lq6_decode(p.buf, p.len, &m, NULL) != LQ_OK)
			continue;
		lq_text_reset(&t);
		lq_print6_text(&t, &m);
		assert_true(t.len > 0);
		lq_text_reset(&t);
		lq_print6_json(&t, &m);
		json_t *root = json_loads(t.data, JSON_ALLOW_NUL, &error);
		if (root == NULL)
			fail_msg("invalid JSON (%s): %s", error.text, t.data);
		json_decref(root);
		printed++;
	}
	lq_text_free(&t);
	assert_true(printed > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_query),
		cmocka_unit_test(test_text_reply),
		cmocka_unit_test(test_text_relay),
		cmocka_unit_test(test_text_bulk),
		cmocka_unit_test(test_text_appends),
		cmocka_unit_test(test_json_query),
		cmocka_unit_test(test_json_reply),
		cmocka_unit_test(test_json_relay),
		cmocka_unit_test(test_json_bulk),
		cmocka_unit_test(test_deep_relays),
		cmocka_unit_test(test_unvalidated_msg),
		cmocka_unit_test(test_mutated_messages_print),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
