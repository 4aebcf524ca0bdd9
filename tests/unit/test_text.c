/* test_text.c - the text buffer the printers write into: growth, hex,
 * addresses, JSON string escaping, and the error texts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lq/print.h"

static void test_growth(void **state)
{
	(void)state;
	struct lq_text t;
	lq_text_init(&t);
	for (int i = 0; i < 1000; i++)
		lq_text_printf(&t, "%04d,", i);
	assert_int_equal(t.len, 5000);
	assert_int_equal(strlen(t.data), 5000);
	assert_memory_equal(t.data + 4995, "0999,", 5);
	/* one printf larger than the internal small buffer */
	char big[600];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	lq_text_reset(&t);
	lq_text_printf(&t, "<%s>", big);
	assert_int_equal(t.len, 601);
	assert_int_equal(t.data[600], '>');
	assert_false(t.oom);
	lq_text_free(&t);
	assert_null(t.data);
}

static void test_hex_and_addresses(void **state)
{
	(void)state;
	struct lq_text t;
	const uint8_t b[] = {0x00, 0x1a, 0xff};
	lq_ip4 a4 = {{192, 0, 2, 1}};
	lq_ip6 a6 = {{0x20, 0x01, 0x0d, 0xb8, [15] = 1}};

	lq_text_init(&t);
	lq_text_hex(&t, b, 3, ':');
	lq_text_puts(&t, " ");
	lq_text_hex(&t, b, 3, 0);
	lq_text_puts(&t, " ");
	lq_text_ip4(&t, &a4);
	lq_text_puts(&t, " ");
	lq_text_ip6(&t, &a6);
	lq_text_puts(&t, "|");
	lq_text_indent(&t, 2);
	lq_text_puts(&t, "|");
	lq_text_hex(&t, b, 0, ':');
	assert_string_equal(t.data, "00:1a:ff 001aff 192.0.2.1 2001:db8::1|    |");
	lq_text_free(&t);
}

static void test_json_escaping(void **state)
{
	(void)state;
	struct lq_text t;
	/* 0xc3 followed by 'z' is not UTF-8: escaped as an octet */
	const uint8_t s[] = {'a', '"', '\\', '\n', 0x00, 0x7f, 0xc3, 'z'};

	lq_text_init(&t);
	lq_text_json_string(&t, s, sizeof(s));
	assert_string_equal(t.data, "\"a\\\"\\\\\\u000a\\u0000\\u007f\\u00c3z\"");
	lq_text_reset(&t);
	lq_text_json_cstr(&t, "");
	assert_string_equal(t.data, "\"\"");
	/* well-formed UTF-8 (2, 3 and 4 octets) passes through unchanged */
	lq_text_reset(&t);
	lq_text_json_cstr(&t, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa1");
	assert_string_equal(t.data, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa1\"");
	/* overlong '/' (c0 af), a surrogate (ed a0 80) and a truncated sequence */
	lq_text_reset(&t);
	const uint8_t bad[] = {0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xe2, 0x82};
	lq_text_json_string(&t, bad, sizeof(bad));
	assert_string_equal(t.data, "\"\\u00c0\\u00af\\u00ed\\u00a0\\u0080\\u00e2\\u0082\"");
	lq_text_free(&t);
}

static void test_error_texts(void **state)
{
	(void)state;
	for (int e = 0; e < LQ_ERR__COUNT; e++) {
		const char *s = lq_strerror((lq_err)e);
		assert_non_null(s);
		assert_string_not_equal(s, "unknown error");
	}
	assert_string_equal(lq_strerror(LQ_ERR__COUNT), "unknown error");
	assert_string_equal(lq_strerror((lq_err)-1), "unknown error");
	assert_string_equal(lq_strerror(LQ_ERR_OPTION_OVERRUN), "option overruns message");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_hex_and_addresses),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_error_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
