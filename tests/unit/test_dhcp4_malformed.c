/* test_dhcp4_malformed.c - the DHCPv4 decoder and encoder on bad input: each
 * malformation gives its specific lq_err with the offset and option code in
 * lq_diag; the encoder never writes past its buffer; and a deterministic
 * mutation loop checks that the decoder survives anything and that whatever
 * it accepts encodes and decodes again to the same message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lq/dhcp4.h"

#define BUF_MAX 70000
#define OPT 240                 /* offset of the options field */
#define SNAME 44
#define FILE_ 108

static struct lq4_msg *msg_alloc(void)
{
	struct lq4_msg *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	return m;
}

/* A 240-octet BOOTREPLY header with the magic cookie. */
static void put_header(uint8_t *buf)
{
	memset(buf, 0, OPT);
	buf[0] = 2;                     /* op BOOTREPLY */
	buf[1] = 1;                     /* htype */
	buf[2] = 6;                     /* hlen */
	buf[4] = 0xde;                  /* xid */
	buf[5] = 0xad;
	buf[236] = 99;
	buf[237] = 130;
	buf[238] = 83;
	buf[239] = 99;
}

/* header + options, returns the length */
static size_t with_options(uint8_t *buf, const uint8_t *opts, size_t n)
{
	put_header(buf);
	memcpy(buf + OPT, opts, n);
	return OPT + n;
}

static void expect_err(const uint8_t *buf, size_t len, lq_err err,
    size_t offset, int option)
{
	struct lq4_msg *m = msg_alloc();
	lq_diag diag = { LQ_OK, 777777, 12345 };

	assert_int_equal(lq4_decode(buf, len, m, &diag), err);
	assert_int_equal(diag.err, err);
	assert_int_equal(diag.offset, offset);
	assert_int_equal(diag.option, option);
	free(m);
}

static void expect_opts_err(const uint8_t *opts, size_t n, lq_err err,
    size_t offset, int option)
{
	static uint8_t buf[BUF_MAX];

	expect_err(buf, with_options(buf, opts, n), err, offset, option);
}

static void expect_ok(const uint8_t *buf, size_t len)
{
	struct lq4_msg *m = msg_alloc();
	lq_diag diag;

	assert_int_equal(lq4_decode(buf, len, m, &diag), LQ_OK);
	assert_int_equal(diag.err, LQ_OK);
	assert_int_equal(diag.offset, len);
	assert_int_equal(diag.option, -1);
	free(m);
}

/* -------------------------------------------------------------- header */

/* Every prefix of a valid message: before 240 the header is short; after
 * it, a cut inside an option is an overrun at that option, a cut between
 * options is fine as long as 53 came first. */
static void test_every_truncation(void **state)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0a,               /* 240: 53 DHCPLEASEQUERY */
		0x3d, 0x07, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55, /* 243: 61 */
		0x37, 0x03, 51, 82, 91,         /* 252: 55 PRL */
		0xff,                           /* 257: END */
	};
	/* option starts and the code of each option */
	static const size_t starts[] = { 240, 243, 252, 257 };
	static const int codes[] = { 53, 61, 55 };
	uint8_t buf[512];
	size_t full = with_options(buf, opts, sizeof(opts));
	(void)state;

	for (size_t len = 0; len <= full; len++) {
		uint8_t *copy = malloc(len > 0 ? len : 1);
		assert_non_null(copy);
		memcpy(copy, buf, len);
		if (len < LQ4_MIN_LEN) {
			expect_err(copy, len, LQ_ERR_TRUNCATED_HEADER, len, -1);
		} else if (len == LQ4_MIN_LEN) {
			expect_err(copy, len, LQ_ERR_MISSING_MSG_TYPE, OPT, 53);
		} else {
			bool at_boundary = false;
			for (size_t i = 0; i < 4; i++)
				at_boundary |= len == starts[i];
			if (at_boundary || len >= 257) {
				expect_ok(copy, len);
			} else {
				size_t k = 0;
				while (starts[k + 1] < len)
					k++;
				expect_err(copy, len, LQ_ERR_OPTION_OVERRUN, starts[k],
				    codes[k]);
			}
		}
		free(copy);
	}
}

static void test_null_and_empty(void **state)
{
	struct lq4_msg *m = msg_alloc();
	lq_diag diag;
	uint8_t buf[300];
	(void)state;

	assert_int_equal(lq4_decode(NULL, 0, m, &diag), LQ_ERR_TRUNCATED_HEADER);
	assert_int_equal(diag.offset, 0);
	assert_int_equal(lq4_decode(NULL, 500, m, NULL), LQ_ERR_TRUNCATED_HEADER);
	put_header(buf);
	assert_int_equal(lq4_decode(buf, sizeof(buf), NULL, &diag),
	    LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(diag.err, LQ_ERR_INVALID_ARGUMENT);
	/* diag may be NULL */
	assert_int_equal(lq4_decode(buf, 10, m, NULL), LQ_ERR_TRUNCATED_HEADER);
	free(m);
}

static void test_bad_cookie(void **state)
{
	static const uint8_t opts[] = { 0x35, 0x01, 0x0b, 0xff };
	uint8_t buf[300];
	(void)state;

	for (size_t i = 0; i < 4; i++) {
		size_t n = with_options(buf, opts, sizeof(opts));
		buf[236 + i] ^= 0x01;
		expect_err(buf, n, LQ_ERR_BAD_MAGIC_COOKIE, 236, -1);
	}
	size_t n = with_options(buf, opts, sizeof(opts));
	memset(buf + 236, 0, 4);        /* plain BOOTP: no cookie */
	expect_err(buf, n, LQ_ERR_BAD_MAGIC_COOKIE, 236, -1);
	/* cookie checked before the options are looked at */
	expect_err(buf, LQ4_MIN_LEN, LQ_ERR_BAD_MAGIC_COOKIE, 236, -1);
}

static void test_hlen(void **state)
{
	static const uint8_t opts[] = { 0x35, 0x01, 0x0b, 0xff };
	uint8_t buf[300];
	(void)state;

	size_t n = with_options(buf, opts, sizeof(opts));
	buf[2] = 17;
	expect_err(buf, n, LQ_ERR_BAD_HLEN, 2, -1);
	buf[2] = 255;
	expect_err(buf, n, LQ_ERR_BAD_HLEN, 2, -1);
	buf[2] = 16;
	expect_ok(buf, n);
	buf[2] = 0;
	expect_ok(buf, n);
}

/* ------------------------------------------------------ option overruns */

static void test_overrun_at_end(void **state)
{
	(void)state;

	/* code octet without length */
	expect_opts_err((const uint8_t[]){ 0x35, 0x01, 0x0b, 0x3d }, 4,
	    LQ_ERR_OPTION_OVERRUN, 243, 61);
	/* length one past the end */
	expect_opts_err((const uint8_t[]){ 0x35, 0x01, 0x0b, 0x3d, 0x03, 1, 2 }, 7,
	    LQ_ERR_OPTION_OVERRUN, 243, 61);
	/* length 255 with nothing after it */
	expect_opts_err((const uint8_t[]){ 0x35, 0x01, 0x0b, 0x3c, 0xff }, 5,
	    LQ_ERR_OPTION_OVERRUN, 243, 60);
	/* the very first option overruns */
	expect_opts_err((const uint8_t[]){ 0x35, 0x02, 0x0b }, 3,
	    LQ_ERR_OPTION_OVERRUN, 240, 53);
	/* unknown code overruns */
	expect_opts_err((const uint8_t[]){ 0x35, 0x01, 0x0b, 0x00, 0xc8, 0x09 }, 6,
	    LQ_ERR_OPTION_OVERRUN, 244, 200);
}

/* Options in file/sname must fit inside those fields, even though the
 * buffer continues after them. */
static void test_overrun_in_overload_areas(void **state)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0b,       /* 53 */
		0x34, 0x01, 0x03,       /* 52 overload both */
		0xff,
	};
	uint8_t buf[300];
	(void)state;

	/* file: option 61 with length 127 at the start of file (needs 129) */
	size_t n = with_options(buf, opts, sizeof(opts));
	buf[FILE_] = 0x3d;
	buf[FILE_ + 1] = 127;
	expect_err(buf, n, LQ_ERR_OPTION_OVERRUN, FILE_, 61);
	/* 126 fits exactly */
	buf[FILE_ + 1] = 126;
	expect_ok(buf, n);

	/* file: code in the last octet of file, its length would be the cookie */
	n = with_options(buf, opts, sizeof(opts));
	buf[235] = 0x0c;
	expect_err(buf, n, LQ_ERR_OPTION_OVERRUN, 235, 12);

	/* sname: option 12 running 1 octet into file */
	n = with_options(buf, opts, sizeof(opts));
	buf[SNAME + 10] = 0x0c;
	buf[SNAME + 11] = 64 - 12 + 1;
	expect_err(buf, n, LQ_ERR_OPTION_OVERRUN, SNAME + 10, 12);
	buf[SNAME + 11] = 64 - 12;
	expect_ok(buf, n);

	/* sname: code in the last octet of sname */
	n = with_options(buf, opts, sizeof(opts));
	buf[107] = 0x0c;
	expect_err(buf, n, LQ_ERR_OPTION_OVERRUN, 107, 12);
}

/* -------------------------------------------------------------- overload */

static void test_bad_overload_values(void **state)
{
	static const uint8_t bad[] = { 0, 4, 5, 0x80, 0xff };
	(void)state;

	for (size_t i = 0; i < sizeof(bad); i++) {
		const uint8_t opts[] = { 0x35, 0x01, 0x0b, 0x34, 0x01, bad[i], 0xff };
		expect_opts_err(opts, sizeof(opts), LQ_ERR_BAD_OVERLOAD, 243, 52);
	}
	/* overload before 53 */
	expect_opts_err((const uint8_t[]){ 0x34, 0x01, 0x07, 0x35, 0x01, 0x0b }, 6,
	    LQ_ERR_BAD_OVERLOAD, 240, 52);
}

static void test_overload_length(void **state)
{
	(void)state;

	expect_opts_err((const uint8_t[]){ 0x35, 0x01, 0x0b, 0x34, 0x00, 0xff }, 6,
	    LQ_ERR_OPTION_LENGTH, 243, 52);
	expect_opts_err((const uint8_t[]){ 0x35, 0x01, 0x0b, 0x34, 0x02, 1, 2, 0xff },
	    8, LQ_ERR_OPTION_LENGTH, 243, 52);
	/* twice: concatenated it is 2 octets */
	expect_opts_err((const uint8_t[]){ 0x35, 0x01, 0x0b, 0x34, 0x01, 1,
	    0x34, 0x01, 1, 0xff }, 10, LQ_ERR_OPTION_LENGTH, 243, 52);
}

static void test_overload_inside_areas(void **state)
{
	uint8_t buf[300];
	(void)state;

	/* 52 inside file */
	size_t n = with_options(buf, (const uint8_t[]){ 0x35, 0x01, 0x0b,
	    0x34, 0x01, 0x01, 0xff }, 7);
	buf[FILE_ + 3] = 0x34;
	buf[FILE_ + 4] = 0x01;
	buf[FILE_ + 5] = 0x02;
	expect_err(buf, n, LQ_ERR_BAD_OVERLOAD, FILE_ + 3, 52);

	/* 52 inside sname */
	n = with_options(buf, (const uint8_t[]){ 0x35, 0x01, 0x0b,
	    0x34, 0x01, 0x02, 0xff }, 7);
	buf[SNAME] = 0x34;
	buf[SNAME + 1] = 0x01;
	buf[SNAME + 2] = 0x01;
	expect_err(buf, n, LQ_ERR_BAD_OVERLOAD, SNAME, 52);

	/* 52 inside sname while only file is overloaded: sname not read */
	n = with_options(buf, (const uint8_t[]){ 0x35, 0x01, 0x0b,
	    0x34, 0x01, 0x01, 0xff }, 7);
	buf[SNAME] = 0x34;
	buf[SNAME + 1] = 0x01;
	buf[SNAME + 2] = 0x01;
	expect_ok(buf, n);

	/* without option 52 neither field is read */
	n = with_options(buf, (const uint8_t[]){ 0x35, 0x01, 0x0b, 0xff }, 4);
	memset(buf + SNAME, 0x3d, 64 + 128);
	expect_ok(buf, n);
}

/* ------------------------------------------------------- counts, concat */

/* 254 distinct codes (all but PAD and END) fit in LQ4_MAX_OPTIONS, so
 * LQ_ERR_TOO_MANY_OPTIONS cannot happen with one slot per code; check
 * that the maximum decodes. */
static size_t valid_len_for(uint8_t code)
{
	switch (code) {
	case 51: case 54: case 58: case 59: case 91: case 92:
	case 152: case 153: case 154: case 155:
		return 4;
	case 57:
		return 2;
	case 52: case 53: case 55: case 56: case 61: case 151: case 156: case 157:
	case 221:
		return 1;
	case 82:
		return 0;
	default:
		return code % 3;
	}
}

static void test_all_codes(void **state)
{
	static uint8_t buf[BUF_MAX];
	size_t n = OPT;
	(void)state;

	put_header(buf);
	for (unsigned c = 1; c <= 254; c++) {
		size_t len = valid_len_for((uint8_t)c);
		buf[n++] = (uint8_t)c;
		buf[n++] = (uint8_t)len;
		memset(buf + n, c == 53 ? 13 : 1, len);
		n += len;
	}
	struct lq4_msg *m = msg_alloc();
	assert_int_equal(lq4_decode(buf, n, m, NULL), LQ_OK);
	assert_int_equal(m->n_options, 254);
	for (unsigned i = 0; i < 254; i++)
		assert_int_equal(m->options[i].code, i + 1);
	/* the typed ones re-encode */
	static uint8_t out[BUF_MAX];
	size_t out_len;
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len), LQ_OK);
	free(m);
}

/* k instances of code 61 of 255 octets need 255 * k octets of concat space
 * from the second instance on; 16 * 255 + 16 = 4096 fits exactly. */
static size_t put_instances(uint8_t *p, uint8_t code, unsigned k, uint8_t len)
{
	size_t n = 0;

	for (unsigned i = 0; i < k; i++) {
		p[n++] = code;
		p[n++] = len;
		memset(p + n, 'a' + (int)(i % 26), len);
		n += len;
	}
	return n;
}

static void test_concat_overflow(void **state)
{
	static uint8_t buf[BUF_MAX];
	size_t n;
	(void)state;

	/* 16 x 255 + 16 = 4096: fits */
	put_header(buf);
	n = OPT;
	buf[n++] = 0x35, buf[n++] = 1, buf[n++] = 13;
	n += put_instances(buf + n, 61, 16, 255);
	n += put_instances(buf + n, 61, 1, 16);
	struct lq4_msg *m = msg_alloc();
	assert_int_equal(lq4_decode(buf, n, m, NULL), LQ_OK);
	assert_int_equal(m->client_id.len, 4096);
	assert_int_equal(m->concat_used, 4096);
	free(m);

	/* one more octet does not: the error is at the 17th instance */
	buf[OPT + 3 + 16 * 257 + 1] = 17;
	buf[OPT + 3 + 16 * 257 + 2 + 16] = 'x';
	n++;
	expect_err(buf, n, LQ_ERR_CONCAT_TOO_LONG, OPT + 3 + 16 * 257, 61);

	/* 17 x 255 */
	put_header(buf);
	n = OPT;
	buf[n++] = 0x35, buf[n++] = 1, buf[n++] = 13;
	n += put_instances(buf + n, 61, 17, 255);
	expect_err(buf, n, LQ_ERR_CONCAT_TOO_LONG, OPT + 3 + 16 * 257, 61);

	/* two codes sharing the space: 9 x 255 of 60 (2295) then 8 x 255 of
	 * 61 (2040): the 8th instance of 61 goes over */
	put_header(buf);
	n = OPT;
	buf[n++] = 0x35, buf[n++] = 1, buf[n++] = 13;
	n += put_instances(buf + n, 60, 9, 255);
	n += put_instances(buf + n, 61, 8, 255);
	expect_err(buf, n, LQ_ERR_CONCAT_TOO_LONG, OPT + 3 + 16 * 257, 61);

	/* many zero-length instances need no space at all */
	put_header(buf);
	n = OPT;
	buf[n++] = 0x35, buf[n++] = 1, buf[n++] = 13;
	n += put_instances(buf + n, 60, 30000, 0);
	m = msg_alloc();
	assert_int_equal(lq4_decode(buf, n, m, NULL), LQ_OK);
	assert_non_null(m->vendor_class.data);
	assert_int_equal(m->vendor_class.len, 0);
	free(m);
}

/* ---------------------------------------------------------- typed lengths */

static void expect_length_err(uint8_t code, size_t len)
{
	uint8_t opts[300];
	size_t n = 0;

	opts[n++] = 0x35;
	opts[n++] = 1;
	opts[n++] = 13;
	opts[n++] = code;
	opts[n++] = (uint8_t)len;
	memset(opts + n, 1, len);
	n += len;
	opts[n++] = 0xff;
	expect_opts_err(opts, n, LQ_ERR_OPTION_LENGTH, 243, code);
}

static void test_fixed_lengths(void **state)
{
	static const uint8_t four[] = { 51, 54, 58, 59, 91, 152, 153, 154, 155 };
	static const uint8_t one[] = { 156, 157 };
	(void)state;

	for (size_t i = 0; i < sizeof(four); i++) {
		expect_length_err(four[i], 0);
		expect_length_err(four[i], 1);
		expect_length_err(four[i], 3);
		expect_length_err(four[i], 5);
		expect_length_err(four[i], 8);
		expect_length_err(four[i], 255);
	}
	for (size_t i = 0; i < sizeof(one); i++) {
		expect_length_err(one[i], 0);
		expect_length_err(one[i], 2);
		expect_length_err(one[i], 4);
	}
	/* 53 itself */
	expect_opts_err((const uint8_t[]){ 0x35, 0x00, 0xff }, 3,
	    LQ_ERR_OPTION_LENGTH, 240, 53);
	expect_opts_err((const uint8_t[]){ 0x35, 0x02, 0x0d, 0x0d, 0xff }, 5,
	    LQ_ERR_OPTION_LENGTH, 240, 53);
	/* 57 maximum message size: exactly 2 */
	expect_length_err(57, 0);
	expect_length_err(57, 1);
	expect_length_err(57, 3);
	/* minimum lengths */
	expect_length_err(55, 0);
	expect_length_err(56, 0);
	expect_length_err(61, 0);
	expect_length_err(151, 0);
	expect_length_err(221, 0);
	/* 92: a non-zero multiple of 4 */
	expect_length_err(92, 0);
	expect_length_err(92, 3);
	expect_length_err(92, 5);
	expect_length_err(92, 6);
	expect_length_err(92, 7);
	expect_length_err(92, 254);
}

/* RFC 3396: the length rule applies to the concatenated value. */
static void test_fixed_length_split(void **state)
{
	uint8_t buf[300];
	(void)state;

	/* 51 as 2 + 2 octets: 4 in all, fine */
	size_t n = with_options(buf, (const uint8_t[]){ 0x35, 0x01, 0x0d,
	    0x33, 0x02, 0x00, 0x00, 0x33, 0x02, 0x0e, 0x10, 0xff }, 12);
	struct lq4_msg *m = msg_alloc();
	assert_int_equal(lq4_decode(buf, n, m, NULL), LQ_OK);
	assert_int_equal(m->lease_time, 3600);
	free(m);
	/* 2 + 3: error at the first instance */
	expect_opts_err((const uint8_t[]){ 0x35, 0x01, 0x0d,
	    0x33, 0x02, 0x00, 0x00, 0x33, 0x03, 0x0e, 0x10, 0x00, 0xff }, 13,
	    LQ_ERR_OPTION_LENGTH, 243, 51);
	/* 53 split as 1 + 1 is 2 octets */
	expect_opts_err((const uint8_t[]){ 0x35, 0x01, 0x0d, 0x35, 0x01, 0x0d,
	    0xff }, 7, LQ_ERR_OPTION_LENGTH, 240, 53);
}

static void test_msg_type_zero_and_missing(void **state)
{
	(void)state;

	expect_opts_err((const uint8_t[]){ 0x35, 0x01, 0x00, 0xff }, 4,
	    LQ_ERR_BAD_MSG_TYPE, 240, 53);
	expect_opts_err((const uint8_t[]){ 0xff }, 1,
	    LQ_ERR_MISSING_MSG_TYPE, 240, 53);
	expect_opts_err((const uint8_t[]){ 0x3d, 0x02, 1, 2, 0xff }, 5,
	    LQ_ERR_MISSING_MSG_TYPE, 240, 53);
	/* 53 after END does not count */
	expect_opts_err((const uint8_t[]){ 0xff, 0x35, 0x01, 0x0a }, 4,
	    LQ_ERR_MISSING_MSG_TYPE, 240, 53);
	/* only PAD */
	expect_opts_err((const uint8_t[]){ 0, 0, 0, 0 }, 4,
	    LQ_ERR_MISSING_MSG_TYPE, 240, 53);
}

/* ------------------------------------------------------------ option 82 */

static void expect_relay_err(const uint8_t *val, size_t len, lq_err err)
{
	uint8_t opts[300];
	size_t n = 0;
	struct lq4_relay_info ri;

	assert_int_equal(lq4_relay_info_decode((lq_bytes){ val, len }, &ri), err);
	opts[n++] = 0x35;
	opts[n++] = 1;
	opts[n++] = 13;
	opts[n++] = 0x3d;               /* 61 before 82 so 82 is at 246 */
	opts[n++] = 1;
	opts[n++] = 0;
	opts[n++] = 82;
	opts[n++] = (uint8_t)len;
	memcpy(opts + n, val, len);
	n += len;
	opts[n++] = 0xff;
	expect_opts_err(opts, n, err, 246, 82);
}

static void test_relay_info_errors(void **state)
{
	(void)state;

	/* sub-option header cut */
	expect_relay_err((const uint8_t[]){ 0x01 }, 1, LQ_ERR_SUBOPTION_OVERRUN);
	/* sub-option value cut */
	expect_relay_err((const uint8_t[]){ 0x01, 0x05, 'a' }, 3,
	    LQ_ERR_SUBOPTION_OVERRUN);
	/* second sub-option cut */
	expect_relay_err((const uint8_t[]){ 0x01, 0x01, 'a', 0x02, 0x02, 'b' }, 6,
	    LQ_ERR_SUBOPTION_OVERRUN);
	expect_relay_err((const uint8_t[]){ 0x01, 0x01, 'a', 0x02 }, 4,
	    LQ_ERR_SUBOPTION_OVERRUN);
	/* unknown sub-option cut */
	expect_relay_err((const uint8_t[]){ 0xee, 0x03, 0, 0 }, 4,
	    LQ_ERR_SUBOPTION_OVERRUN);
	/* fixed lengths */
	expect_relay_err((const uint8_t[]){ 0x05, 0x03, 1, 2, 3 }, 5,
	    LQ_ERR_OPTION_LENGTH);
	expect_relay_err((const uint8_t[]){ 0x05, 0x05, 1, 2, 3, 4, 5 }, 7,
	    LQ_ERR_OPTION_LENGTH);
	expect_relay_err((const uint8_t[]){ 0x0b, 0x00 }, 2, LQ_ERR_OPTION_LENGTH);
	expect_relay_err((const uint8_t[]){ 0x0b, 0x06, 1, 2, 3, 4, 5, 6 }, 8,
	    LQ_ERR_OPTION_LENGTH);
	expect_relay_err((const uint8_t[]){ 0x13, 0x01, 1 }, 3, LQ_ERR_OPTION_LENGTH);
	expect_relay_err((const uint8_t[]){ 0x13, 0x03, 1, 2, 3 }, 5,
	    LQ_ERR_OPTION_LENGTH);
	expect_relay_err((const uint8_t[]){ 0x97, 0x00 }, 2, LQ_ERR_OPTION_LENGTH);
	expect_relay_err((const uint8_t[]){ 0x98, 0x01, 0 }, 3, LQ_ERR_OPTION_LENGTH);
	/* a bad one after good ones */
	expect_relay_err((const uint8_t[]){ 0x01, 0x01, 'a', 0x05, 0x00 }, 5,
	    LQ_ERR_OPTION_LENGTH);
}

/* relay-port is empty as RFC 8357 5.1 has a DHCPv4 relay send it (the port
 * is the UDP source port), or carries a port: both decode. */
static void test_relay_port_lengths(void **state)
{
	struct lq4_relay_info ri;

	(void)state;
	assert_int_equal(lq4_relay_info_decode((lq_bytes){ (const uint8_t[]){ 0x01, 0x01, 'a',
	    0x13, 0x00 }, 5 }, &ri), LQ_OK);
	assert_true(ri.has_relay_port);
	assert_int_equal(ri.relay_port, 0);
	assert_int_equal(lq4_relay_info_decode((lq_bytes){ (const uint8_t[]){ 0x13, 0x02, 0x27,
	    0x53 }, 4 }, &ri), LQ_OK);
	assert_true(ri.has_relay_port);
	assert_int_equal(ri.relay_port, 10067);
}

static void test_relay_info_api(void **state)
{
	struct lq4_relay_info ri;
	uint8_t out[16];
	size_t out_len = 99;
	(void)state;

	assert_int_equal(lq4_relay_info_decode((lq_bytes){ NULL, 0 }, &ri), LQ_OK);
	assert_int_equal(lq4_relay_info_decode((lq_bytes){ NULL, 3 }, &ri),
	    LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq4_relay_info_decode((lq_bytes){ out, 0 }, NULL),
	    LQ_ERR_INVALID_ARGUMENT);
	memset(&ri, 0, sizeof(ri));
	assert_int_equal(lq4_relay_info_encode(NULL, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq4_relay_info_encode(&ri, out, sizeof(out), NULL),
	    LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq4_relay_info_encode(&ri, NULL, 5, &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq4_relay_info_encode(&ri, NULL, 0, &out_len), LQ_OK);
	assert_int_equal(out_len, 0);
}

static void test_relay_info_encode_errors(void **state)
{
	static uint8_t big[256];
	uint8_t out[2048];
	size_t out_len;
	struct lq4_relay_info ri;
	(void)state;

	memset(&ri, 0, sizeof(ri));
	ri.circuit_id = (lq_bytes){ big, 256 };
	assert_int_equal(lq4_relay_info_encode(&ri, out, sizeof(out), &out_len),
	    LQ_ERR_VALUE_TOO_LONG);
	ri.circuit_id.len = 255;
	assert_int_equal(lq4_relay_info_encode(&ri, out, sizeof(out), &out_len),
	    LQ_OK);
	assert_int_equal(out_len, 257);

	memset(&ri, 0, sizeof(ri));
	ri.vss.present = true;
	ri.vss.info = (lq_bytes){ big, 255 };  /* + type octet = 256 */
	assert_int_equal(lq4_relay_info_encode(&ri, out, sizeof(out), &out_len),
	    LQ_ERR_VALUE_TOO_LONG);
	ri.vss.info.len = 254;
	assert_int_equal(lq4_relay_info_encode(&ri, out, sizeof(out), &out_len),
	    LQ_OK);

	memset(&ri, 0, sizeof(ri));
	ri.remote_id = (lq_bytes){ NULL, 3 };
	assert_int_equal(lq4_relay_info_encode(&ri, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);

	/* every too small buffer */
	memset(&ri, 0, sizeof(ri));
	ri.circuit_id = (lq_bytes){ (const uint8_t *)"eth0", 4 };
	ri.has_link_selection = true;
	ri.has_relay_port = true;
	ri.vss.present = true;
	ri.vss_control = true;
	size_t need = 6 + 6 + 4 + 3 + 2;
	for (size_t cap = 0; cap < need; cap++) {
		memset(out, 0xa5, sizeof(out));
		assert_int_equal(lq4_relay_info_encode(&ri, out, cap, &out_len),
		    LQ_ERR_NO_SPACE);
		for (size_t i = cap; i < sizeof(out); i++)
			assert_int_equal(out[i], 0xa5);
	}
	assert_int_equal(lq4_relay_info_encode(&ri, out, need, &out_len), LQ_OK);
	assert_int_equal(out_len, need);
}

/* --------------------------------------------------------------- encode */

static struct lq4_msg *rich_msg(void)
{
	static const uint8_t cid[300] = { 1, 2, 3 };
	struct lq4_msg *m = msg_alloc();

	lq4_msg_init(m, LQ4_LEASEACTIVE, 7);
	m->has_server_id = true;
	m->has_lease_time = true;
	m->lease_time = 100;
	m->client_id = (lq_bytes){ cid, sizeof(cid) };   /* split in two */
	m->has_relay_info = true;
	m->relay_info.circuit_id = (lq_bytes){ (const uint8_t *)"c", 1 };
	m->has_status = true;
	m->status_text = (lq_bytes){ (const uint8_t *)"ok", 2 };
	m->vss.present = true;
	m->n_extra = 1;
	m->extra[0] = (struct lq4_option){ 12, { (const uint8_t *)"h", 1 } };
	return m;
}

static void test_encode_every_short_buffer(void **state)
{
	static uint8_t out[BUF_MAX];
	size_t full, out_len;
	struct lq4_msg *m = rich_msg();
	(void)state;

	assert_int_equal(lq4_encode(m, out, sizeof(out), &full), LQ_OK);
	for (size_t cap = 0; cap < full; cap++) {
		uint8_t *buf = malloc(cap + 1);
		assert_non_null(buf);
		memset(buf, 0xa5, cap + 1);
		out_len = 12345;
		assert_int_equal(lq4_encode(m, buf, cap, &out_len), LQ_ERR_NO_SPACE);
		assert_int_equal(out_len, 0);
		assert_int_equal(buf[cap], 0xa5);       /* guard octet untouched */
		free(buf);
	}
	uint8_t *buf = malloc(full + 1);
	assert_non_null(buf);
	buf[full] = 0xa5;
	assert_int_equal(lq4_encode(m, buf, full, &out_len), LQ_OK);
	assert_int_equal(out_len, full);
	assert_int_equal(buf[full], 0xa5);
	assert_memory_equal(buf, out, full);
	free(buf);
	free(m);
}

static void test_encode_arguments(void **state)
{
	static uint8_t out[4096];
	size_t out_len;
	struct lq4_msg *m = msg_alloc();
	(void)state;

	/* msg_type 0 */
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	lq4_msg_init(m, LQ4_LEASEQUERY, 1);
	assert_int_equal(lq4_encode(NULL, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq4_encode(m, out, sizeof(out), NULL),
	    LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq4_encode(m, NULL, 10, &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq4_encode(m, NULL, 0, &out_len), LQ_ERR_NO_SPACE);

	/* hlen */
	m->hlen = 17;
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len), LQ_ERR_BAD_HLEN);
	m->hlen = 16;
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len), LQ_OK);

	/* argument errors come before space errors */
	m->hlen = 17;
	assert_int_equal(lq4_encode(m, out, 3, &out_len), LQ_ERR_BAD_HLEN);
	m->hlen = 6;

	/* lengths the decoder would refuse */
	m->associated_ip = (lq_bytes){ out, 5 };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	m->associated_ip = (lq_bytes){ out, 0 };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	m->associated_ip = (lq_bytes){ NULL, 0 };
	m->prl = (lq_bytes){ out, 0 };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	m->prl = (lq_bytes){ NULL, 0 };
	m->client_id = (lq_bytes){ out, 0 };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	m->client_id = (lq_bytes){ NULL, 4 };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	m->client_id = (lq_bytes){ NULL, 0 };
	m->has_status = true;
	m->status_text = (lq_bytes){ NULL, 2 };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	m->has_status = false;
	m->status_text = (lq_bytes){ NULL, 0 };

	/* option 82 */
	static uint8_t big[256];
	m->has_relay_info = true;
	m->relay_info.remote_id = (lq_bytes){ big, 256 };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_VALUE_TOO_LONG);
	m->relay_info.remote_id = (lq_bytes){ NULL, 0 };
	m->relay_info_raw = (lq_bytes){ (const uint8_t *)"\x01\x05", 2 };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_SUBOPTION_OVERRUN);
	m->relay_info_raw = (lq_bytes){ NULL, 0 };
	m->has_relay_info = false;

	/* extras */
	m->n_extra = LQ4_MAX_EXTRA + 1;
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	m->n_extra = 1;
	m->extra[0] = (struct lq4_option){ 0, { out, 0 } };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	m->extra[0] = (struct lq4_option){ 255, { out, 0 } };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	m->extra[0] = (struct lq4_option){ 53, { out, 1 } };   /* repeats 53 */
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	m->extra[0] = (struct lq4_option){ 12, { NULL, 1 } };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	/* a typed code whose typed field is absent may be written raw */
	m->extra[0] = (struct lq4_option){ 51, { (const uint8_t *)"\0\0\0\1", 4 } };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len), LQ_OK);
	m->has_lease_time = true;
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len),
	    LQ_ERR_INVALID_ARGUMENT);
	m->has_lease_time = false;
	/* an empty extra is fine */
	m->extra[0] = (struct lq4_option){ 12, { NULL, 0 } };
	assert_int_equal(lq4_encode(m, out, sizeof(out), &out_len), LQ_OK);
	assert_int_equal(out_len, 240 + 3 + 2 + 1);
	free(m);
}

/* ------------------------------------------------------------- mutation */

static uint32_t rng_state = 0x2545f491u;

static uint32_t rng(void)
{
	uint32_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rng_state = x;
	return x;
}

/* Seed messages: a rich encoded one, and an overloaded one built by hand. */
static size_t seed_overloaded(uint8_t *buf)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0d, 0x34, 0x01, 0x03, 0x3d, 0x03, 'a', 'b', 'c',
		0x52, 0x09, 0x01, 0x01, 'x', 0x13, 0x02, 0x04, 0x2b, 0x98, 0x00,
		0x5c, 0x04, 10, 0, 0, 1, 0xff,
	};
	size_t n = with_options(buf, opts, sizeof(opts));

	memcpy(buf + FILE_, "\x3d\x02" "de" "\x33\x04\x00\x00\x0e\x10\xff", 11);
	memcpy(buf + SNAME, "\x3d\x01" "f" "\x97\x03\x01" "no", 8);
	return n;
}

static void mutate(uint8_t *buf, size_t *len)
{
	size_t pos = rng() % *len;

	switch (rng() % 6) {
	case 0:
		buf[pos] = (uint8_t)rng();
		break;
	case 1:
		buf[pos] ^= (uint8_t)(1u << (rng() % 8));
		break;
	case 2:
		/* a likely option length: small values and the extremes */
		buf[pos] = (uint8_t)(rng() % 8);
		break;
	case 3:
		buf[pos] = (rng() & 1) ? 0xff : 0x00;
		break;
	case 4:
		*len = pos;     /* truncate */
		break;
	default:
		/* poke into the options, where it matters most */
		if (*len > OPT)
			buf[OPT + rng() % (*len - OPT)] = (uint8_t)rng();
		break;
	}
}

static void check_reencodes(const struct lq4_msg *m, uint8_t *out)
{
	size_t out_len;
	lq_diag diag;
	struct lq4_msg *d = msg_alloc();

	assert_int_equal(lq4_encode(m, out, BUF_MAX, &out_len), LQ_OK);
	assert_int_equal(lq4_decode(out, out_len, d, &diag), LQ_OK);
	assert_int_equal(d->msg_type, m->msg_type);
	assert_int_equal(d->xid, m->xid);
	assert_int_equal(d->has_relay_info, m->has_relay_info);
	assert_int_equal(d->client_id.len, m->client_id.len);
	assert_int_equal(d->has_lease_time, m->has_lease_time);
	assert_int_equal(d->lease_time, m->lease_time);
	assert_int_equal(d->status_text.len, m->status_text.len);
	free(d);
}

static void test_mutations(void **state)
{
	static uint8_t seeds[2][BUF_MAX];
	static uint8_t work[BUF_MAX];
	static uint8_t out[BUF_MAX];
	size_t seed_len[2];
	struct lq4_msg *m = rich_msg();
	struct lq4_msg *d = msg_alloc();
	unsigned ok = 0, failed = 0;
	(void)state;

	assert_int_equal(lq4_encode(m, seeds[0], BUF_MAX, &seed_len[0]), LQ_OK);
	seed_len[1] = seed_overloaded(seeds[1]);
	expect_ok(seeds[1], seed_len[1]);

	for (unsigned i = 0; i < 200000; i++) {
		unsigned s = i & 1;
		size_t len = seed_len[s];
		lq_diag diag;
		memcpy(work, seeds[s], len);
		unsigned rounds = 1 + rng() % 3;
		for (unsigned r = 0; r < rounds && len > 0; r++)
			mutate(work, &len);
		/* decode from an exact-size heap copy so ASan sees overreads */
		uint8_t *exact = malloc(len > 0 ? len : 1);
		assert_non_null(exact);
		memcpy(exact, work, len);
		lq_err err = lq4_decode(exact, len, d, &diag);
		assert_int_equal(diag.err, err);
		if (err == LQ_OK) {
			ok++;
			assert_int_equal(diag.option, -1);
			check_reencodes(d, out);
		} else {
			failed++;
			assert_true(err < LQ_ERR__COUNT);
			assert_true(diag.offset <= len);
		}
		free(exact);
	}
	/* both outcomes must be well exercised */
	assert_true(ok > 10000);
	assert_true(failed > 10000);
	free(d);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_null_and_empty),
		cmocka_unit_test(test_bad_cookie),
		cmocka_unit_test(test_hlen),
		cmocka_unit_test(test_overrun_at_end),
		cmocka_unit_test(test_overrun_in_overload_areas),
		cmocka_unit_test(test_bad_overload_values),
		cmocka_unit_test(test_overload_length),
		cmocka_unit_test(test_overload_inside_areas),
		cmocka_unit_test(test_all_codes),
		cmocka_unit_test(test_concat_overflow),
		cmocka_unit_test(test_fixed_lengths),
		cmocka_unit_test(test_fixed_length_split),
		cmocka_unit_test(test_msg_type_zero_and_missing),
		cmocka_unit_test(test_relay_info_errors),
		cmocka_unit_test(test_relay_port_lengths),
		cmocka_unit_test(test_relay_info_api),
		cmocka_unit_test(test_relay_info_encode_errors),
		cmocka_unit_test(test_encode_every_short_buffer),
		cmocka_unit_test(test_encode_arguments),
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
