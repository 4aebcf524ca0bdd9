/* test_dhcp6_malformed.c - the DHCPv6 decoder against broken input (every
 * truncation, overruns at every nesting level, wrong sizes, duplicates, deep
 * nesting, bad relayed messages, random mutations) and the writer against
 * small buffers and misuse. Each case checks the exact error and diagnosis. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lq/dhcp6.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t duid_a[] = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t duid_b[] = {0x00, 0x02, 0x00, 0x00, 0x09, 0xbf, 0x01, 0x02, 0x03, 0x04};
static const lq_ip6 ip_a = {{0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
static const lq_ip6 ip_b = {{0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00}};
static const lq_ip6 ip_ll = {{0xfe, 0x80, [15] = 1}};

/* ---- valid messages, built with the writer ---- */

typedef void build_fn(struct lq6_writer *w);

static void build_query(struct lq6_writer *w)
{
	static const uint16_t oro[] = {LQ6_OPT_CLT_TIME, LQ6_OPT_LQ_RELAY_DATA};

	lq6w_header(w, LQ6_LEASEQUERY, 0x010203);
	lq6w_option(w, LQ6_OPT_CLIENTID, duid_a, sizeof(duid_a));
	lq6w_lq_query_open(w, LQ6_QUERY_BY_ADDRESS, &ip_b);
	lq6w_iaaddr(w, &ip_a, 0, 0);
	lq6w_oro(w, oro, ARRAY_LEN(oro));
	lq6w_close(w);
	lq6w_option_u32(w, LQ6_OPT_LQ_START_TIME, 1000);
}

static void write_relayed(struct lq6_writer *w)
{
	lq6w_relay_header(w, LQ6_RELAY_FORW, 0, &ip_b, &ip_ll);
	lq6w_option(w, LQ6_OPT_INTERFACE_ID, "eth0", 4);
	lq6w_remote_id(w, 4491, "abc", 3);
}

static void build_reply(struct lq6_writer *w)
{
	uint8_t relayed[64];
	struct lq6_writer r;
	size_t rlen;

	lq6w_init(&r, relayed, sizeof(relayed));
	write_relayed(&r);
	lq6w_finish(&r, &rlen);

	lq6w_header(w, LQ6_LEASEQUERY_REPLY, 0x010203);
	lq6w_option(w, LQ6_OPT_SERVERID, duid_b, sizeof(duid_b));
	lq6w_option(w, LQ6_OPT_CLIENTID, duid_a, sizeof(duid_a));
	lq6w_status(w, LQ6_STATUS_SUCCESS, "ok");
	lq6w_open(w, LQ6_OPT_CLIENT_DATA);
	lq6w_option(w, LQ6_OPT_CLIENTID, duid_b, sizeof(duid_b));
	lq6w_open(w, LQ6_OPT_IAADDR);
	lq6w_bytes(w, ip_a.b, 16);
	lq6w_bytes(w, "\0\0\x0e\x10\0\0\x1c\x20", 8);
	lq6w_status(w, LQ6_STATUS_SUCCESS, NULL);
	lq6w_close(w);
	lq6w_iaprefix(w, &ip_b, 56, 10, 20);
	lq6w_option_u32(w, LQ6_OPT_CLT_TIME, 77);
	lq6w_relay_data(w, &ip_ll, relayed, rlen);
	lq6w_close(w);
	lq6w_option_u32(w, LQ6_OPT_LQ_BASE_TIME, 5000);
}

static void build_relay_relay(struct lq6_writer *w)
{
	lq6w_relay_header(w, LQ6_RELAY_FORW, 1, NULL, &ip_b);
	lq6w_option(w, LQ6_OPT_RELAY_ID, duid_b, sizeof(duid_b));
	lq6w_open(w, LQ6_OPT_RELAY_MSG);
	write_relayed(w);
	lq6w_open(w, LQ6_OPT_RELAY_MSG);
	build_query(w);
	lq6w_close(w);
	lq6w_close(w);
}

static void build_ia(struct lq6_writer *w)
{
	static const lq_ip6 links[] = {{{0x20, 0x01, [15] = 1}}, {{0x20, 0x02, [15] = 1}}};

	lq6w_header(w, LQ6_REPLY, 0xfffffe);
	lq6w_ia_open(w, LQ6_OPT_IA_NA, 1, 2, 3);
	lq6w_iaaddr(w, &ip_a, 4, 5);
	lq6w_close(w);
	lq6w_ia_open(w, LQ6_OPT_IA_TA, 6, 0, 0);
	lq6w_close(w);
	lq6w_ia_open(w, LQ6_OPT_IA_PD, 7, 8, 9);
	lq6w_iaprefix(w, &ip_b, 48, 10, 11);
	lq6w_close(w);
	lq6w_client_link(w, links, 2);
	lq6w_option(w, LQ6_OPT_VSS, "\xff", 1);
}

static const struct builder {
	const char *name;
	build_fn *build;
} builders[] = {
	{"query", build_query},
	{"reply", build_reply},
	{"relay_relay", build_relay_relay},
	{"ia", build_ia},
};

struct sample {
	uint8_t buf[512];
	size_t len;
};

static void build_sample(const struct builder *b, struct sample *s)
{
	struct lq6_writer w;

	lq6w_init(&w, s->buf, sizeof(s->buf));
	b->build(&w);
	assert_int_equal(lq6w_finish(&w, &s->len), LQ_OK);
	assert_int_equal(lq6_decode(s->buf, s->len, NULL, NULL), LQ_OK);
}

/* ---- helpers ---- */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static size_t header_len(uint8_t type)
{
	return type == LQ6_RELAY_FORW || type == LQ6_RELAY_REPL ? LQ6_RELAY_HEADER_LEN : LQ6_HEADER_LEN;
}

/* Decode a copy of exactly len octets on the heap (so that the sanitizers
 * see any read past the end) and check the error and its diagnosis. */
static void expect(const uint8_t *buf, size_t len, lq_err err, size_t offset, int option)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);
	struct lq6_msg m;
	lq_diag diag = {LQ_ERR__COUNT, 12345, 12345};

	assert_non_null(copy);
	if (len > 0)
		memcpy(copy, buf, len);
	lq_err got = lq6_decode(copy, len, &m, &diag);
	free(copy);
	if (got != err || diag.err != err || diag.offset != offset || diag.option != option)
		fail_msg("got %s (diag %s at %zu option %d), want %s at %zu option %d",
			 lq_strerror(got), lq_strerror(diag.err), diag.offset, diag.option,
			 lq_strerror(err), offset, option);
}

/* A message of type 14 with xid 1, then the given options. */
struct msg {
	uint8_t buf[70000];
	size_t len;
};

static void msg_start(struct msg *m, uint8_t type)
{
	m->len = 0;
	m->buf[m->len++] = type;
	if (header_len(type) == LQ6_HEADER_LEN) {
		memcpy(m->buf + 1, "\0\0\1", 3);
		m->len = LQ6_HEADER_LEN;
	} else {
		memset(m->buf + 1, 0, LQ6_RELAY_HEADER_LEN - 1);
		m->len = LQ6_RELAY_HEADER_LEN;
	}
}

/* Appends an option header and value_len octets of fill; returns its offset. */
static size_t msg_opt(struct msg *m, uint16_t code, size_t value_len, uint8_t fill)
{
	size_t at = m->len;

	put16(m->buf + at, code);
	put16(m->buf + at + 2, value_len);
	memset(m->buf + at + 4, fill, value_len);
	m->len += 4 + value_len;
	return at;
}

/* Appends an option header whose length is set later by msg_end(). */
static size_t msg_open(struct msg *m, uint16_t code, size_t fixed)
{
	size_t at = msg_opt(m, code, fixed, 0);

	return at;
}

static void msg_end(struct msg *m, size_t at)
{
	put16(m->buf + at + 2, m->len - at - 4);
}

static struct msg scratch;

/* ---- headers ---- */

static void test_headers(void **state)
{
	static const uint8_t lq[] = {0x0e, 0x00, 0x00, 0x01};
	uint8_t relay[LQ6_RELAY_HEADER_LEN] = {0x0c};
	struct lq6_msg m;
	lq_diag diag;
	(void)state;

	expect(lq, 0, LQ_ERR_TRUNCATED_HEADER, 0, -1);
	for (size_t n = 1; n < sizeof(lq); n++)
		expect(lq, n, LQ_ERR_TRUNCATED_HEADER, 0, -1);
	expect(lq, sizeof(lq), LQ_OK, 0, -1);
	for (size_t n = 1; n < sizeof(relay); n++) {
		expect(relay, n, LQ_ERR_TRUNCATED_HEADER, 0, -1);
		relay[0] = 0x0d;
		expect(relay, n, LQ_ERR_TRUNCATED_HEADER, 0, -1);
		relay[0] = 0x0c;
	}
	expect(relay, sizeof(relay), LQ_OK, 0, -1);

	/* Message type 0 is reserved, whatever follows. */
	expect((const uint8_t[]){0}, 1, LQ_ERR_BAD_MSG_TYPE, 0, -1);
	expect((const uint8_t[]){0, 0, 0, 1, 0, 1, 0, 2, 0, 3}, 10, LQ_ERR_BAD_MSG_TYPE, 0, -1);

	assert_int_equal(lq6_decode(NULL, 0, &m, &diag), LQ_ERR_TRUNCATED_HEADER);
	assert_int_equal(diag.err, LQ_ERR_TRUNCATED_HEADER);
	assert_int_equal(diag.offset, 0);
	assert_int_equal(diag.option, -1);
	assert_int_equal(lq6_decode(NULL, 5, &m, &diag), LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq6_decode(NULL, 0, NULL, NULL), LQ_ERR_TRUNCATED_HEADER);
}

/* ---- every truncation ---- */

/* Offsets of the top-level options of a valid message, and its end. */
static size_t top_level_starts(const struct sample *s, size_t *starts, size_t max)
{
	size_t n = 0, pos = header_len(s->buf[0]);

	while (pos < s->len) {
		assert_true(n < max);
		starts[n++] = pos;
		pos += 4 + get16(s->buf + pos + 2);
	}
	assert_int_equal(pos, s->len);
	starts[n] = s->len;
	return n;
}

static void check_prefix(const struct sample *s, const size_t *starts, size_t n, size_t cut)
{
	if (cut < header_len(s->buf[0])) {
		expect(s->buf, cut, LQ_ERR_TRUNCATED_HEADER, 0, -1);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (cut == starts[i]) {
			expect(s->buf, cut, LQ_OK, 0, -1);
			return;
		}
		if (cut < starts[i + 1]) {
			size_t have = cut - starts[i];
			int code = have >= 2 ? get16(s->buf + starts[i]) : -1;
			expect(s->buf, cut, LQ_ERR_OPTION_OVERRUN, starts[i], code);
			return;
		}
	}
	fail_msg("cut %zu beyond the message", cut);
}

static void test_every_truncation(void **state)
{
	struct sample s;
	size_t starts[64];
	(void)state;

	for (size_t b = 0; b < ARRAY_LEN(builders); b++) {
		build_sample(&builders[b], &s);
		size_t n = top_level_starts(&s, starts, ARRAY_LEN(starts) - 1);
		for (size_t cut = 0; cut < s.len; cut++)
			check_prefix(&s, starts, n, cut);
		expect(s.buf, s.len, LQ_OK, 0, -1);
	}
}

/* ---- overruns at every level ---- */

struct found {
	size_t offset;          /* of the option header */
	uint16_t code;
	size_t container_end;   /* end of the region holding it */
	unsigned level;         /* 0: top level */
};

struct found_list {
	struct found items[128];
	size_t n;
};

static void find_in_message(struct found_list *l, const uint8_t *buf, size_t start, size_t end,
			    unsigned level);

/* Every option in [start, end) of buf, and recursively the ones inside. */
static void find_in_region(struct found_list *l, const uint8_t *buf, size_t start, size_t end,
			   unsigned level)
{
	size_t pos = start;

	while (pos < end) {
		uint16_t code = get16(buf + pos);
		size_t len = get16(buf + pos + 2), value = pos + 4;
		assert_true(l->n < ARRAY_LEN(l->items));
		l->items[l->n++] = (struct found){pos, code, end, level};
		switch (code) {
		case LQ6_OPT_IA_NA:
		case LQ6_OPT_IA_PD:
			find_in_region(l, buf, value + 12, value + len, level + 1);
			break;
		case LQ6_OPT_IA_TA:
			find_in_region(l, buf, value + 4, value + len, level + 1);
			break;
		case LQ6_OPT_IAADDR:
			find_in_region(l, buf, value + 24, value + len, level + 1);
			break;
		case LQ6_OPT_IAPREFIX:
			find_in_region(l, buf, value + 25, value + len, level + 1);
			break;
		case LQ6_OPT_LQ_QUERY:
			find_in_region(l, buf, value + 17, value + len, level + 1);
			break;
		case LQ6_OPT_CLIENT_DATA:
			find_in_region(l, buf, value, value + len, level + 1);
			break;
		case LQ6_OPT_RELAY_MSG:
			find_in_message(l, buf, value, value + len, level + 1);
			break;
		case LQ6_OPT_LQ_RELAY_DATA:
			find_in_message(l, buf, value + 16, value + len, level + 1);
			break;
		default:
			break;
		}
		pos = value + len;
	}
}

static void find_in_message(struct found_list *l, const uint8_t *buf, size_t start, size_t end,
			    unsigned level)
{
	find_in_region(l, buf, start + header_len(buf[start]), end, level);
}

/* Each option in turn claims one octet more than its container holds. */
static void test_overrun_at_every_level(void **state)
{
	struct sample s;
	struct found_list l;
	unsigned nested = 0, deepest = 0;
	(void)state;

	for (size_t b = 0; b < ARRAY_LEN(builders); b++) {
		build_sample(&builders[b], &s);
		l.n = 0;
		find_in_message(&l, s.buf, 0, s.len, 0);
		for (size_t i = 0; i < l.n; i++) {
			const struct found *f = &l.items[i];
			memcpy(scratch.buf, s.buf, s.len);
			put16(scratch.buf + f->offset + 2, f->container_end - f->offset - 4 + 1);
			expect(scratch.buf, s.len, LQ_ERR_OPTION_OVERRUN, f->offset, f->code);
			if (f->level > 0)
				nested++;
			deepest = f->level > deepest ? f->level : deepest;
		}
	}
	assert_int_equal(nested, 20);
	assert_int_equal(deepest, 3);
}

/* One to three stray octets at the end of a container or message. */
static void test_trailing_octets(void **state)
{
	(void)state;

	for (size_t extra = 1; extra <= 3; extra++) {
		msg_start(&scratch, LQ6_LEASEQUERY_DATA);
		size_t cd = msg_open(&scratch, LQ6_OPT_CLIENT_DATA, 0);
		msg_opt(&scratch, LQ6_OPT_CLT_TIME, 4, 0);
		size_t stray = scratch.len;
		memset(scratch.buf + stray, 0x2e, extra);
		scratch.len += extra;
		msg_end(&scratch, cd);
		expect(scratch.buf, scratch.len, LQ_ERR_OPTION_OVERRUN, stray, extra >= 2 ? 0x2e2e : -1);

		msg_start(&scratch, LQ6_LEASEQUERY);
		msg_opt(&scratch, LQ6_OPT_CLIENTID, 2, 0);
		memset(scratch.buf + scratch.len, 0, extra);
		expect(scratch.buf, scratch.len + extra, LQ_ERR_OPTION_OVERRUN, 10, extra >= 2 ? 0 : -1);
	}
}

/* ---- sizes of typed options ---- */

struct bad_size {
	uint16_t code;
	uint16_t lens[24];
	size_t n;
};

#define BAD(code, ...) {code, {__VA_ARGS__}, sizeof((uint16_t[]){__VA_ARGS__}) / sizeof(uint16_t)}

static const struct bad_size bad_sizes[] = {
	BAD(LQ6_OPT_CLIENTID, 0, 1),
	BAD(LQ6_OPT_SERVERID, 0, 1),
	BAD(LQ6_OPT_RELAY_ID, 0, 1),
	BAD(LQ6_OPT_IA_NA, 0, 1, 4, 8, 11),
	BAD(LQ6_OPT_IA_TA, 0, 1, 2, 3),
	BAD(LQ6_OPT_IA_PD, 0, 1, 4, 8, 11),
	BAD(LQ6_OPT_IAADDR, 0, 1, 15, 16, 20, 23),
	BAD(LQ6_OPT_IAPREFIX, 0, 1, 8, 9, 16, 24),
	BAD(LQ6_OPT_ORO, 1, 3, 5, 101),
	BAD(LQ6_OPT_PREFERENCE, 0, 2, 3),
	BAD(LQ6_OPT_ELAPSED_TIME, 0, 1, 3, 4),
	BAD(LQ6_OPT_STATUS_CODE, 0, 1),
	BAD(LQ6_OPT_REMOTE_ID, 0, 1, 2, 3),
	BAD(LQ6_OPT_LQ_QUERY, 0, 1, 15, 16),
	BAD(LQ6_OPT_CLT_TIME, 0, 1, 2, 3, 5, 8),
	BAD(LQ6_OPT_LQ_RELAY_DATA, 0, 1, 8, 15),
	BAD(LQ6_OPT_LQ_CLIENT_LINK, 1, 4, 15, 17, 31, 33),
	BAD(LQ6_OPT_VSS, 0),
	BAD(LQ6_OPT_CLIENT_LINKLAYER_ADDR, 0, 1),
	BAD(LQ6_OPT_LQ_BASE_TIME, 0, 1, 3, 5, 8),
	BAD(LQ6_OPT_LQ_START_TIME, 0, 2, 3, 5),
	BAD(LQ6_OPT_LQ_END_TIME, 0, 3, 5, 16),
};

static void test_wrong_sizes_top_level(void **state)
{
	(void)state;

	for (size_t i = 0; i < ARRAY_LEN(bad_sizes); i++) {
		for (size_t j = 0; j < bad_sizes[i].n; j++) {
			msg_start(&scratch, LQ6_LEASEQUERY_REPLY);
			msg_opt(&scratch, 999, 2, 0);
			size_t at = msg_opt(&scratch, bad_sizes[i].code, bad_sizes[i].lens[j], 0x11);
			expect(scratch.buf, scratch.len, LQ_ERR_OPTION_LENGTH, at, bad_sizes[i].code);
		}
	}
}

/* The same sizes inside CLIENT_DATA inside a RELAY_MSG: the offset is in the
 * outermost buffer. */
static void test_wrong_sizes_nested(void **state)
{
	(void)state;

	for (size_t i = 0; i < ARRAY_LEN(bad_sizes); i++) {
		for (size_t j = 0; j < bad_sizes[i].n; j++) {
			msg_start(&scratch, LQ6_RELAY_REPL);
			size_t rm = msg_open(&scratch, LQ6_OPT_RELAY_MSG, 0);
			memcpy(scratch.buf + scratch.len, "\x11\x00\x00\x02", 4);
			scratch.len += 4;
			size_t cd = msg_open(&scratch, LQ6_OPT_CLIENT_DATA, 0);
			size_t at = msg_opt(&scratch, bad_sizes[i].code, bad_sizes[i].lens[j], 0x22);
			msg_end(&scratch, cd);
			msg_end(&scratch, rm);
			assert_int_equal(at, 34 + 4 + 4 + 4);
			expect(scratch.buf, scratch.len, LQ_ERR_OPTION_LENGTH, at, bad_sizes[i].code);
		}
	}
}

/* Allowed edge sizes are accepted. */
static void test_good_edge_sizes(void **state)
{
	static const struct {
		uint16_t code;
		uint16_t len;
	} good[] = {
		{LQ6_OPT_CLIENTID, 2}, {LQ6_OPT_ORO, 0}, {LQ6_OPT_ORO, 2}, {LQ6_OPT_STATUS_CODE, 2},
		{LQ6_OPT_REMOTE_ID, 4}, {LQ6_OPT_LQ_CLIENT_LINK, 0}, {LQ6_OPT_LQ_CLIENT_LINK, 48},
		{LQ6_OPT_VSS, 1}, {LQ6_OPT_CLIENT_LINKLAYER_ADDR, 2}, {LQ6_OPT_INTERFACE_ID, 0},
		{LQ6_OPT_PREFERENCE, 1}, {LQ6_OPT_ELAPSED_TIME, 2}, {999, 0}, {0, 3},
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_LEN(good); i++) {
		msg_start(&scratch, LQ6_LEASEQUERY);
		msg_opt(&scratch, good[i].code, good[i].len, 0);
		expect(scratch.buf, scratch.len, LQ_OK, 0, -1);
	}
	/* Containers with their fixed part only. */
	static const struct {
		uint16_t code;
		uint16_t fixed;
	} containers[] = {
		{LQ6_OPT_IA_NA, 12}, {LQ6_OPT_IA_TA, 4}, {LQ6_OPT_IA_PD, 12}, {LQ6_OPT_IAADDR, 24},
		{LQ6_OPT_IAPREFIX, 25}, {LQ6_OPT_LQ_QUERY, 17}, {LQ6_OPT_CLIENT_DATA, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(containers); i++) {
		msg_start(&scratch, LQ6_LEASEQUERY);
		msg_opt(&scratch, containers[i].code, containers[i].fixed, 0);
		expect(scratch.buf, scratch.len, LQ_OK, 0, -1);
	}
}

/* ---- duplicates ---- */

static const struct {
	uint16_t code;
	uint16_t len;
} singletons[] = {
	{LQ6_OPT_CLIENTID, 10}, {LQ6_OPT_SERVERID, 10}, {LQ6_OPT_ORO, 2},
	{LQ6_OPT_PREFERENCE, 1}, {LQ6_OPT_ELAPSED_TIME, 2}, {LQ6_OPT_STATUS_CODE, 2},
	{LQ6_OPT_INTERFACE_ID, 3}, {LQ6_OPT_REMOTE_ID, 6}, {LQ6_OPT_LQ_QUERY, 17},
	{LQ6_OPT_CLIENT_DATA, 0}, {LQ6_OPT_CLT_TIME, 4}, {LQ6_OPT_LQ_CLIENT_LINK, 16},
	{LQ6_OPT_RELAY_ID, 4}, {LQ6_OPT_VSS, 1}, {LQ6_OPT_CLIENT_LINKLAYER_ADDR, 8},
	{LQ6_OPT_LQ_BASE_TIME, 4}, {LQ6_OPT_LQ_START_TIME, 4}, {LQ6_OPT_LQ_END_TIME, 4},
};

static void test_duplicates(void **state)
{
	(void)state;

	for (size_t i = 0; i < ARRAY_LEN(singletons); i++) {
		/* At top level, with another option between the two. */
		msg_start(&scratch, LQ6_LEASEQUERY_REPLY);
		msg_opt(&scratch, singletons[i].code, singletons[i].len, 0);
		msg_opt(&scratch, 999, 3, 0);
		size_t second = msg_opt(&scratch, singletons[i].code, singletons[i].len, 0);
		expect(scratch.buf, scratch.len, LQ_ERR_DUPLICATE_OPTION, second, singletons[i].code);

		/* Inside CLIENT_DATA. */
		msg_start(&scratch, LQ6_LEASEQUERY_DATA);
		size_t cd = msg_open(&scratch, LQ6_OPT_CLIENT_DATA, 0);
		msg_opt(&scratch, singletons[i].code, singletons[i].len, 0);
		second = msg_opt(&scratch, singletons[i].code, singletons[i].len, 0);
		msg_end(&scratch, cd);
		expect(scratch.buf, scratch.len, LQ_ERR_DUPLICATE_OPTION, second, singletons[i].code);

		/* Once per container is fine: one at top level, one inside. */
		msg_start(&scratch, LQ6_LEASEQUERY_DATA);
		msg_opt(&scratch, singletons[i].code, singletons[i].len, 0);
		if (singletons[i].code == LQ6_OPT_CLIENT_DATA)
			continue;
		cd = msg_open(&scratch, LQ6_OPT_CLIENT_DATA, 0);
		msg_opt(&scratch, singletons[i].code, singletons[i].len, 0);
		msg_end(&scratch, cd);
		expect(scratch.buf, scratch.len, LQ_OK, 0, -1);
	}

	/* RELAY_MSG twice in a relay. */
	msg_start(&scratch, LQ6_RELAY_FORW);
	msg_opt(&scratch, LQ6_OPT_RELAY_MSG, 4, 0x0e);
	size_t second = msg_opt(&scratch, LQ6_OPT_RELAY_MSG, 4, 0x0e);
	expect(scratch.buf, scratch.len, LQ_ERR_DUPLICATE_OPTION, second, LQ6_OPT_RELAY_MSG);

	/* LQ_RELAY_DATA twice in CLIENT_DATA. */
	msg_start(&scratch, LQ6_LEASEQUERY_REPLY);
	size_t cd = msg_open(&scratch, LQ6_OPT_CLIENT_DATA, 0);
	msg_opt(&scratch, LQ6_OPT_LQ_RELAY_DATA, 16 + 34, 0x0c);
	second = msg_opt(&scratch, LQ6_OPT_LQ_RELAY_DATA, 16 + 34, 0x0c);
	msg_end(&scratch, cd);
	expect(scratch.buf, scratch.len, LQ_ERR_DUPLICATE_OPTION, second, LQ6_OPT_LQ_RELAY_DATA);

	/* Options that may repeat. */
	msg_start(&scratch, LQ6_LEASEQUERY_REPLY);
	cd = msg_open(&scratch, LQ6_OPT_CLIENT_DATA, 0);
	for (int i = 0; i < 3; i++) {
		msg_opt(&scratch, LQ6_OPT_IAADDR, 24, 1);
		msg_opt(&scratch, LQ6_OPT_IAPREFIX, 25, 1);
		msg_opt(&scratch, LQ6_OPT_IA_NA, 12, 1);
		msg_opt(&scratch, 999, 0, 0);
	}
	msg_end(&scratch, cd);
	expect(scratch.buf, scratch.len, LQ_OK, 0, -1);
}

/* ---- depth ---- */

/* levels relays, each RELAY_MSG holding the next, around a 4-octet
 * LEASEQUERY (plus an empty LQ_QUERY when with_query). */
static size_t build_relay_tower(uint8_t *buf, unsigned levels, bool with_query)
{
	size_t inner = 4 + (with_query ? 4 + 17 : 0);
	size_t total = (size_t)levels * (LQ6_RELAY_HEADER_LEN + 4) + inner;
	size_t pos = 0;

	for (unsigned i = 0; i < levels; i++) {
		memset(buf + pos, 0, LQ6_RELAY_HEADER_LEN);
		buf[pos] = LQ6_RELAY_FORW;
		buf[pos + 1] = (uint8_t)(levels - 1 - i);
		pos += LQ6_RELAY_HEADER_LEN;
		put16(buf + pos, LQ6_OPT_RELAY_MSG);
		put16(buf + pos + 2, total - pos - 4);
		pos += 4;
	}
	memcpy(buf + pos, "\x0e\x00\x00\x01", 4);
	pos += 4;
	if (with_query) {
		put16(buf + pos, LQ6_OPT_LQ_QUERY);
		put16(buf + pos + 2, 17);
		memset(buf + pos + 4, 0, 17);
		buf[pos + 4] = LQ6_QUERY_BY_LINK_ADDRESS;
		pos += 4 + 17;
	}
	assert_int_equal(pos, total);
	return total;
}

static size_t relay_msg_offset(unsigned level)
{
	return (size_t)level * (LQ6_RELAY_HEADER_LEN + 4) + LQ6_RELAY_HEADER_LEN;
}

static void test_relay_nesting(void **state)
{
	(void)state;

	/* 16 relays around a bare message: the inner message is at depth 16. */
	size_t len = build_relay_tower(scratch.buf, LQ6_MAX_DEPTH, false);
	expect(scratch.buf, len, LQ_OK, 0, -1);
	/* 17: the 17th RELAY_MSG would open depth 17. */
	len = build_relay_tower(scratch.buf, LQ6_MAX_DEPTH + 1, false);
	expect(scratch.buf, len, LQ_ERR_NESTING_TOO_DEEP, relay_msg_offset(LQ6_MAX_DEPTH), LQ6_OPT_RELAY_MSG);
	/* Relays and options count together. */
	len = build_relay_tower(scratch.buf, LQ6_MAX_DEPTH - 1, true);
	expect(scratch.buf, len, LQ_OK, 0, -1);
	len = build_relay_tower(scratch.buf, LQ6_MAX_DEPTH, true);
	expect(scratch.buf, len, LQ_ERR_NESTING_TOO_DEEP, len - 21, LQ6_OPT_LQ_QUERY);
	/* 100 and 1000 deep fail cleanly at the same place. */
	len = build_relay_tower(scratch.buf, 100, true);
	expect(scratch.buf, len, LQ_ERR_NESTING_TOO_DEEP, relay_msg_offset(LQ6_MAX_DEPTH), LQ6_OPT_RELAY_MSG);
	len = build_relay_tower(scratch.buf, 1000, false);
	expect(scratch.buf, len, LQ_ERR_NESTING_TOO_DEEP, relay_msg_offset(LQ6_MAX_DEPTH), LQ6_OPT_RELAY_MSG);
}

/* n CLIENT_DATA options, each inside the previous one. */
static size_t build_option_tower(uint8_t *buf, unsigned n, uint16_t code, size_t fixed)
{
	size_t total = 4 + (size_t)n * (4 + fixed);
	size_t pos = 4;

	memcpy(buf, "\x0f\x00\x00\x01", 4);
	for (unsigned i = 0; i < n; i++) {
		put16(buf + pos, code);
		put16(buf + pos + 2, total - pos - 4);
		memset(buf + pos + 4, 0, fixed);
		pos += 4 + fixed;
	}
	return total;
}

static void test_option_nesting(void **state)
{
	static const struct {
		uint16_t code;
		size_t fixed;
	} containers[] = {
		{LQ6_OPT_CLIENT_DATA, 0}, {LQ6_OPT_IA_NA, 12}, {LQ6_OPT_IA_TA, 4},
		{LQ6_OPT_IAADDR, 24}, {LQ6_OPT_IAPREFIX, 25}, {LQ6_OPT_LQ_QUERY, 17},
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_LEN(containers); i++) {
		uint16_t code = containers[i].code;
		size_t step = 4 + containers[i].fixed;
		size_t len = build_option_tower(scratch.buf, LQ6_MAX_DEPTH, code, containers[i].fixed);
		expect(scratch.buf, len, LQ_OK, 0, -1);
		len = build_option_tower(scratch.buf, LQ6_MAX_DEPTH + 1, code, containers[i].fixed);
		expect(scratch.buf, len, LQ_ERR_NESTING_TOO_DEEP, 4 + LQ6_MAX_DEPTH * step, code);
		len = build_option_tower(scratch.buf, 2000, code, containers[i].fixed);
		assert_true(len <= 65535 || code != LQ6_OPT_CLIENT_DATA);
		if (len - 8 <= 65535)
			expect(scratch.buf, len, LQ_ERR_NESTING_TOO_DEEP, 4 + LQ6_MAX_DEPTH * step, code);
	}
}

/* ---- relayed messages ---- */

static void test_bad_relay_msg(void **state)
{
	(void)state;

	/* Empty: no header at all. */
	msg_start(&scratch, LQ6_RELAY_FORW);
	size_t at = msg_opt(&scratch, LQ6_OPT_RELAY_MSG, 0, 0);
	expect(scratch.buf, scratch.len, LQ_ERR_TRUNCATED_HEADER, at, LQ6_OPT_RELAY_MSG);
	/* Short client/server and relay headers. */
	for (size_t n = 1; n < 4; n++) {
		msg_start(&scratch, LQ6_RELAY_FORW);
		at = msg_opt(&scratch, LQ6_OPT_RELAY_MSG, n, 0x0e);
		expect(scratch.buf, scratch.len, LQ_ERR_TRUNCATED_HEADER, at, LQ6_OPT_RELAY_MSG);
	}
	for (size_t n = 1; n < LQ6_RELAY_HEADER_LEN; n++) {
		msg_start(&scratch, LQ6_RELAY_REPL);
		at = msg_opt(&scratch, LQ6_OPT_RELAY_MSG, n, 0);
		scratch.buf[at + 4] = LQ6_RELAY_REPL;
		expect(scratch.buf, scratch.len, LQ_ERR_TRUNCATED_HEADER, at, LQ6_OPT_RELAY_MSG);
	}
	/* Type 0. */
	msg_start(&scratch, LQ6_RELAY_FORW);
	at = msg_opt(&scratch, LQ6_OPT_RELAY_MSG, 4, 0);
	expect(scratch.buf, scratch.len, LQ_ERR_BAD_MSG_TYPE, at, LQ6_OPT_RELAY_MSG);
	/* An overrun inside the relayed message, reported at its outer offset. */
	msg_start(&scratch, LQ6_RELAY_FORW);
	at = msg_open(&scratch, LQ6_OPT_RELAY_MSG, 0);
	memcpy(scratch.buf + scratch.len, "\x0e\x00\x00\x01", 4);
	scratch.len += 4;
	size_t bad = msg_opt(&scratch, LQ6_OPT_CLIENTID, 2, 0);
	put16(scratch.buf + bad + 2, 3);
	msg_end(&scratch, at);
	expect(scratch.buf, scratch.len, LQ_ERR_OPTION_OVERRUN, bad, LQ6_OPT_CLIENTID);
}

static void test_bad_lq_relay_data(void **state)
{
	(void)state;

	/* Peer address only: the relay message is missing. */
	msg_start(&scratch, LQ6_LEASEQUERY_REPLY);
	size_t cd = msg_open(&scratch, LQ6_OPT_CLIENT_DATA, 0);
	size_t at = msg_opt(&scratch, LQ6_OPT_LQ_RELAY_DATA, 16, 0);
	msg_end(&scratch, cd);
	expect(scratch.buf, scratch.len, LQ_ERR_TRUNCATED_HEADER, at, LQ6_OPT_LQ_RELAY_DATA);

	/* A short relay header. */
	for (size_t n = 1; n < LQ6_RELAY_HEADER_LEN; n++) {
		msg_start(&scratch, LQ6_LEASEQUERY_REPLY);
		cd = msg_open(&scratch, LQ6_OPT_CLIENT_DATA, 0);
		at = msg_opt(&scratch, LQ6_OPT_LQ_RELAY_DATA, 16 + n, 0);
		scratch.buf[at + 4 + 16] = LQ6_RELAY_FORW;
		msg_end(&scratch, cd);
		expect(scratch.buf, scratch.len, LQ_ERR_TRUNCATED_HEADER, at, LQ6_OPT_LQ_RELAY_DATA);
	}

	/* Not a relay message (RFC 5007: the relayed RELAY-FORW), or type 0. */
	static const uint8_t not_relay[] = {0, LQ6_SOLICIT, LQ6_LEASEQUERY, LQ6_REPLY, 255};
	for (size_t i = 0; i < sizeof(not_relay); i++) {
		msg_start(&scratch, LQ6_LEASEQUERY_REPLY);
		cd = msg_open(&scratch, LQ6_OPT_CLIENT_DATA, 0);
		at = msg_opt(&scratch, LQ6_OPT_LQ_RELAY_DATA, 16 + 34, 0);
		scratch.buf[at + 4 + 16] = not_relay[i];
		msg_end(&scratch, cd);
		expect(scratch.buf, scratch.len, LQ_ERR_BAD_MSG_TYPE, at, LQ6_OPT_LQ_RELAY_DATA);
	}

	/* Both relay types are accepted. */
	for (uint8_t type = LQ6_RELAY_FORW; type <= LQ6_RELAY_REPL; type++) {
		msg_start(&scratch, LQ6_LEASEQUERY_REPLY);
		cd = msg_open(&scratch, LQ6_OPT_CLIENT_DATA, 0);
		at = msg_opt(&scratch, LQ6_OPT_LQ_RELAY_DATA, 16 + 34, 0);
		scratch.buf[at + 4 + 16] = type;
		msg_end(&scratch, cd);
		expect(scratch.buf, scratch.len, LQ_OK, 0, -1);
	}

	/* A bad option inside the relayed message, and a duplicate. */
	msg_start(&scratch, LQ6_LEASEQUERY_REPLY);
	cd = msg_open(&scratch, LQ6_OPT_CLIENT_DATA, 0);
	at = msg_open(&scratch, LQ6_OPT_LQ_RELAY_DATA, 16);
	memset(scratch.buf + scratch.len, 0, 34);
	scratch.buf[scratch.len] = LQ6_RELAY_FORW;
	scratch.len += 34;
	msg_opt(&scratch, LQ6_OPT_INTERFACE_ID, 1, 0);
	size_t bad = msg_opt(&scratch, LQ6_OPT_INTERFACE_ID, 1, 0);
	msg_end(&scratch, at);
	msg_end(&scratch, cd);
	expect(scratch.buf, scratch.len, LQ_ERR_DUPLICATE_OPTION, bad, LQ6_OPT_INTERFACE_ID);
	put16(scratch.buf + bad, LQ6_OPT_REMOTE_ID);
	expect(scratch.buf, scratch.len, LQ_ERR_OPTION_LENGTH, bad, LQ6_OPT_REMOTE_ID);
}

/* ---- mutations ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static bool inside(lq_bytes v, const uint8_t *buf, size_t len)
{
	if (v.data == NULL)
		return v.len == 0;
	return v.data >= buf && v.len <= len && (size_t)(v.data - buf) <= len - v.len;
}

static void mutate(uint8_t *buf, size_t *len, size_t cap)
{
	size_t n = *len, pos = n > 0 ? rng() % n : 0;

	switch (rng() % 8) {
	case 0:
		if (n > 0)
			buf[pos] ^= (uint8_t)(1u << (rng() % 8));
		break;
	case 1:
		if (n > 0)
			buf[pos] = (uint8_t)rng();
		break;
	case 2:
		if (n > 0)
			buf[pos] = (rng() & 1) ? 0x00 : 0xff;
		break;
	case 3:          /* a plausible length octet */
		if (n > 1)
			buf[pos] = (uint8_t)(rng() % 64);
		break;
	case 4:
		*len = n > 0 ? rng() % n : 0;
		break;
	case 5:          /* insert an octet */
		if (n < cap) {
			memmove(buf + pos + 1, buf + pos, n - pos);
			buf[pos] = (uint8_t)rng();
			*len = n + 1;
		}
		break;
	case 6:          /* delete an octet */
		if (n > 0) {
			memmove(buf + pos, buf + pos + 1, n - pos - 1);
			*len = n - 1;
		}
		break;
	default:         /* copy a run of octets over another place */
		if (n > 8) {
			size_t from = rng() % (n - 4);
			memmove(buf + pos, buf + from, n - pos < 4 ? n - pos : 4);
		}
		break;
	}
}

/* Use everything a successful decode hands out. */
static void exercise(const struct lq6_msg *m, const uint8_t *buf, size_t len)
{
	struct lq6_iter it;
	struct lq6_lease lease;
	struct lq6_msg inner;
	unsigned n = 0;

	assert_true(inside(m->options, buf, len));
	assert_true(inside(m->client_id, buf, len));
	assert_true(inside(m->relay_msg, buf, len));
	assert_true(inside(m->query.options, buf, len));
	assert_true(inside(m->client_data.options, buf, len));
	assert_true(inside(m->client_data.relay_message, buf, len));
	assert_true(inside(m->status.message, buf, len));
	assert_true(m->xid <= 0xffffff);
	lq6_iter_init(&it, m->client_data.options);
	while (lq6_client_data_next(&it, &lease))
		n++;
	assert_int_equal(n, m->client_data.n_addresses + m->client_data.n_prefixes);
	for (size_t i = 0; i < lq6_client_link_count(m); i++)
		(void)lq6_client_link_at(m, i);
	if (m->relay_msg.data != NULL)
		assert_int_equal(lq6_decode_inner(m->relay_msg, &inner, NULL), LQ_OK);
	if (m->client_data.has_relay_data)
		assert_int_equal(lq6_decode_inner(m->client_data.relay_message, &inner, NULL), LQ_OK);
}

static void test_mutations(void **state)
{
	struct sample samples[ARRAY_LEN(builders)];
	uint8_t work[600];
	unsigned ok = 0, failed = 0;
	(void)state;

	for (size_t b = 0; b < ARRAY_LEN(builders); b++)
		build_sample(&builders[b], &samples[b]);
	for (unsigned round = 0; round < 200000; round++) {
		const struct sample *s = &samples[rng() % ARRAY_LEN(samples)];
		size_t len = s->len;
		memcpy(work, s->buf, len);
		unsigned k = 1 + rng() % 4;
		for (unsigned i = 0; i < k; i++)
			mutate(work, &len, sizeof(work));

		uint8_t *copy = malloc(len > 0 ? len : 1);
		assert_non_null(copy);
		memcpy(copy, work, len);
		struct lq6_msg m;
		lq_diag diag = {LQ_ERR__COUNT, 0, 0};
		lq_err err = lq6_decode(copy, len, &m, &diag);
		assert_int_equal(diag.err, err);
		assert_true(err < LQ_ERR__COUNT);
		if (err == LQ_OK) {
			assert_int_equal(diag.offset, 0);
			exercise(&m, copy, len);
			ok++;
		} else {
			assert_true(diag.offset <= len);
			assert_true(diag.option >= -1 && diag.option <= 65535);
			failed++;
		}
		free(copy);
	}
	assert_true(ok > 1000);
	assert_true(failed > 1000);
}

/* ---- the writer ---- */

#define GUARD 0xa5

static void test_writer_every_size(void **state)
{
	struct sample s;
	uint8_t buf[600];
	(void)state;

	for (size_t b = 0; b < ARRAY_LEN(builders); b++) {
		build_sample(&builders[b], &s);
		for (size_t cap = 0; cap <= s.len; cap++) {
			struct lq6_writer w;
			size_t out = 12345;
			memset(buf, GUARD, sizeof(buf));
			lq6w_init(&w, buf, cap);
			builders[b].build(&w);
			lq_err err = lq6w_finish(&w, &out);
			for (size_t i = cap; i < sizeof(buf); i++) {
				if (buf[i] != GUARD)
					fail_msg("%s cap %zu: octet %zu written", builders[b].name, cap, i);
			}
			assert_true(w.len <= cap);
			if (cap < s.len) {
				assert_int_equal(err, LQ_ERR_NO_SPACE);
				assert_int_equal(out, 0);
			} else {
				assert_int_equal(err, LQ_OK);
				assert_int_equal(out, s.len);
				assert_memory_equal(buf, s.buf, s.len);
			}
		}
	}
}

static void test_writer_unbalanced(void **state)
{
	uint8_t buf[256];
	struct lq6_writer w;
	size_t out;
	(void)state;

	lq6w_init(&w, buf, sizeof(buf));
	lq6w_header(&w, LQ6_LEASEQUERY, 1);
	lq6w_close(&w);
	assert_int_equal(w.err, LQ_ERR_UNBALANCED);
	assert_int_equal(lq6w_finish(&w, &out), LQ_ERR_UNBALANCED);
	assert_int_equal(out, 0);

	lq6w_init(&w, buf, sizeof(buf));
	lq6w_header(&w, LQ6_LEASEQUERY, 1);
	lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
	assert_int_equal(lq6w_finish(&w, &out), LQ_ERR_UNBALANCED);

	lq6w_init(&w, buf, sizeof(buf));
	lq6w_header(&w, LQ6_LEASEQUERY, 1);
	lq6w_lq_query_open(&w, LQ6_QUERY_BY_ADDRESS, NULL);
	lq6w_ia_open(&w, LQ6_OPT_IA_NA, 1, 2, 3);
	lq6w_close(&w);
	assert_int_equal(lq6w_finish(&w, NULL), LQ_ERR_UNBALANCED);

	/* Open, close, close. */
	lq6w_init(&w, buf, sizeof(buf));
	lq6w_header(&w, LQ6_LEASEQUERY, 1);
	lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
	lq6w_close(&w);
	size_t before = w.len;
	lq6w_close(&w);
	assert_int_equal(w.err, LQ_ERR_UNBALANCED);
	/* Sticky: nothing more is written, the first error stays. */
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid_a, sizeof(duid_a));
	lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
	lq6w_iaaddr(&w, &ip_a, 1, 2);
	lq6w_header(&w, LQ6_LEASEQUERY, 0x1000000);
	assert_int_equal(w.len, before);
	assert_int_equal(lq6w_finish(&w, &out), LQ_ERR_UNBALANCED);
}

static void test_writer_limits(void **state)
{
	static uint8_t big[70000];
	static uint8_t src[65536];
	static uint16_t codes[40000];
	static lq_ip6 links[5000];
	struct lq6_writer w;
	size_t out;
	(void)state;

	/* xid above 24 bits. */
	lq6w_init(&w, big, sizeof(big));
	lq6w_header(&w, LQ6_LEASEQUERY, 0x1000000);
	assert_int_equal(lq6w_finish(&w, &out), LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(w.len, 0);
	lq6w_init(&w, big, sizeof(big));
	lq6w_header(&w, LQ6_LEASEQUERY, 0xffffff);
	assert_int_equal(lq6w_finish(&w, &out), LQ_OK);

	/* Values longer than an option can carry. */
	lq6w_init(&w, big, sizeof(big));
	lq6w_option(&w, 1, src, 65536);
	assert_int_equal(w.err, LQ_ERR_VALUE_TOO_LONG);
	assert_int_equal(w.len, 0);
	lq6w_init(&w, big, sizeof(big));
	lq6w_option(&w, 1, src, 65535);
	assert_int_equal(lq6w_finish(&w, &out), LQ_OK);
	assert_int_equal(out, 65539);

	lq6w_init(&w, big, sizeof(big));
	lq6w_oro(&w, codes, 32768);
	assert_int_equal(w.err, LQ_ERR_VALUE_TOO_LONG);
	lq6w_init(&w, big, sizeof(big));
	lq6w_client_link(&w, links, 4096);
	assert_int_equal(w.err, LQ_ERR_VALUE_TOO_LONG);
	lq6w_init(&w, big, sizeof(big));
	lq6w_remote_id(&w, 1, src, 65532);
	assert_int_equal(w.err, LQ_ERR_VALUE_TOO_LONG);
	lq6w_init(&w, big, sizeof(big));
	lq6w_relay_data(&w, &ip_a, src, 65520);
	assert_int_equal(w.err, LQ_ERR_VALUE_TOO_LONG);

	/* A container whose content grows past 65535 octets. */
	static uint8_t chunk[30000];
	lq6w_init(&w, big, sizeof(big));
	lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
	lq6w_option(&w, 999, chunk, sizeof(chunk));
	lq6w_option(&w, 999, chunk, sizeof(chunk));
	lq6w_bytes(&w, chunk, 65536 - 2 * (sizeof(chunk) + 4));
	lq6w_close(&w);
	assert_int_equal(w.err, LQ_ERR_VALUE_TOO_LONG);
	lq6w_init(&w, big, sizeof(big));
	lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
	lq6w_bytes(&w, src, 65535 - sizeof(chunk));
	lq6w_bytes(&w, chunk, sizeof(chunk));
	lq6w_close(&w);
	assert_int_equal(lq6w_finish(&w, &out), LQ_OK);
	assert_int_equal(big[2], 0xff);
	assert_int_equal(big[3], 0xff);

	/* A long status message. */
	char *text = malloc(65534);
	assert_non_null(text);
	memset(text, 'x', 65533);
	text[65533] = '\0';
	lq6w_init(&w, big, sizeof(big));
	lq6w_status(&w, LQ6_STATUS_SUCCESS, text);
	assert_int_equal(lq6w_finish(&w, &out), LQ_OK);
	assert_int_equal(out, 65539);
	char *longer = malloc(65535);
	assert_non_null(longer);
	memset(longer, 'x', 65534);
	longer[65534] = '\0';
	lq6w_init(&w, big, sizeof(big));
	lq6w_status(&w, LQ6_STATUS_SUCCESS, longer);
	assert_int_equal(w.err, LQ_ERR_VALUE_TOO_LONG);
	free(text);
	free(longer);

	/* NULL data with a length. */
	lq6w_init(&w, big, sizeof(big));
	lq6w_option(&w, 1, NULL, 3);
	assert_int_equal(w.err, LQ_ERR_INVALID_ARGUMENT);
	lq6w_init(&w, big, sizeof(big));
	lq6w_option(&w, 1, NULL, 0);
	lq6w_bytes(&w, NULL, 0);
	lq6w_oro(&w, NULL, 0);
	lq6w_client_link(&w, NULL, 0);
	assert_int_equal(lq6w_finish(&w, &out), LQ_OK);
	assert_int_equal(out, 12);

	/* No buffer at all. */
	lq6w_init(&w, NULL, 100);
	lq6w_header(&w, LQ6_LEASEQUERY, 1);
	assert_int_equal(lq6w_finish(&w, &out), LQ_ERR_NO_SPACE);
}

static void test_writer_depth(void **state)
{
	uint8_t buf[1024];
	struct lq6_writer w;
	size_t out;
	struct lq6_msg m;
	(void)state;

	/* LQ6_MAX_DEPTH containers are fine and decode. */
	lq6w_init(&w, buf, sizeof(buf));
	lq6w_header(&w, LQ6_LEASEQUERY_DATA, 1);
	for (int i = 0; i < LQ6_MAX_DEPTH; i++)
		lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
	for (int i = 0; i < LQ6_MAX_DEPTH; i++)
		lq6w_close(&w);
	assert_int_equal(lq6w_finish(&w, &out), LQ_OK);
	assert_int_equal(lq6_decode(buf, out, &m, NULL), LQ_OK);

	/* One more is refused, whatever opens it. */
	for (int kind = 0; kind < 3; kind++) {
		lq6w_init(&w, buf, sizeof(buf));
		lq6w_header(&w, LQ6_LEASEQUERY_DATA, 1);
		for (int i = 0; i < LQ6_MAX_DEPTH; i++)
			lq6w_open(&w, LQ6_OPT_RELAY_MSG);
		size_t before = w.len;
		if (kind == 0)
			lq6w_open(&w, LQ6_OPT_CLIENT_DATA);
		else if (kind == 1)
			lq6w_ia_open(&w, LQ6_OPT_IA_NA, 1, 2, 3);
		else
			lq6w_lq_query_open(&w, LQ6_QUERY_BY_ADDRESS, NULL);
		assert_int_equal(w.err, LQ_ERR_NESTING_TOO_DEEP);
		assert_int_equal(w.len, before);
		assert_int_equal(lq6w_finish(&w, &out), LQ_ERR_NESTING_TOO_DEEP);
	}
}

static void test_writer_status_null(void **state)
{
	uint8_t buf[16];
	struct lq6_writer w;
	size_t out;
	(void)state;

	lq6w_init(&w, buf, sizeof(buf));
	lq6w_status(&w, LQ6_STATUS_NOT_ALLOWED, NULL);
	assert_int_equal(lq6w_finish(&w, &out), LQ_OK);
	assert_int_equal(out, 6);
	assert_memory_equal(buf, "\x00\x0d\x00\x02\x00\x0a", 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_overrun_at_every_level),
		cmocka_unit_test(test_trailing_octets),
		cmocka_unit_test(test_wrong_sizes_top_level),
		cmocka_unit_test(test_wrong_sizes_nested),
		cmocka_unit_test(test_good_edge_sizes),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_relay_nesting),
		cmocka_unit_test(test_option_nesting),
		cmocka_unit_test(test_bad_relay_msg),
		cmocka_unit_test(test_bad_lq_relay_data),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_writer_every_size),
		cmocka_unit_test(test_writer_unbalanced),
		cmocka_unit_test(test_writer_limits),
		cmocka_unit_test(test_writer_depth),
		cmocka_unit_test(test_writer_status_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
